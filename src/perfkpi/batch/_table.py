"""A table as read: its columns, and the CSV rows of the wrong width."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from perfkpi import batch as _package
from perfkpi.batch._columns import _NO_VALUE, _Problems
from perfkpi.errors import DataError


@attrs.frozen
class _Table:
    columns: Mapping[str, np.ndarray]
    rows: int
    backend: str | None = None
    bad: _Ragged | None = None
    """Rows that could not be read (not in *columns*)."""


def _check_unique(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(name, f"duplicate column {name!r}")
        seen.add(name)


@attrs.define
class _Ragged:
    """The rows of a CSV file with more or fewer cells than its header.

    Each is kept as three numbers; errors and reason texts are made only when
    the result is put together, and only the first :data:`MAX_RAGGED_LISTED`
    rows get their own (see :meth:`reasons`).
    """

    where: str
    width: int
    found: list[tuple[int, int, int]] = attrs.field(factory=list)
    """Each row's index in the table, the line where it ends, its cells."""
    grouped: list[bool] = attrs.field(factory=list)
    """Whether each listed row holds a number split at a thousands separator."""
    labels: list[object] = attrs.field(factory=list)
    """Each row's cell of the id column, if one was named."""

    def __len__(self) -> int:
        return len(self.found)

    @property
    def rows(self) -> np.ndarray:
        """Each row's index in the table."""
        out: np.ndarray = np.array([row for row, _, _ in self.found], dtype=np.intp)
        return out

    def add(self, row: int, line: int, cells: Sequence[str]) -> None:
        self.found.append((row, line, len(cells)))
        if len(self.found) <= _package.MAX_RAGGED_LISTED:
            # cells joined by NUL, which the csv module never lets into a cell
            self.grouped.append(
                len(cells) > self.width
                and _GROUPED.search("\0".join(cells)) is not None
            )

    def error(self, k: int) -> DataError:
        """Return the error of the *k*-th ragged row (one of the listed), by line."""
        _, line, cells = self.found[k]
        msg = f"{cells} cells, the header has {self.width}"
        if k < len(self.grouped) and self.grouped[k]:
            msg += _GROUPED_HINT
        return DataError(f"{self.where}:{line}", msg)

    def reasons(self, problems: _Problems) -> np.ndarray:
        """Register the rows' reasons in *problems*; return each row's reason id.

        The first :data:`MAX_RAGGED_LISTED` rows each get their own reason,
        naming the line; the rows past them share one reason per number of
        cells, which counts every ragged row.  (A file whose every row is
        ragged was written with another delimiter, or with numbers with
        thousands separators, and its first rows show where.)
        """
        ids = np.empty(len(self), dtype=np.intp)
        listed = min(len(self), _package.MAX_RAGGED_LISTED)
        for k in range(listed):
            ids[k] = problems.add(None, _NO_VALUE, self.error(k))
        if listed < len(self):
            cells = np.array([n for _, _, n in self.found[listed:]], dtype=np.intp)
            distinct, which = np.unique(cells, return_inverse=True)
            shared = [
                problems.add(
                    None,
                    _NO_VALUE,
                    DataError(
                        self.where,
                        f"{n} cells, the header has {self.width} (one of "
                        f"{len(self)} rows of the wrong width; the first "
                        f"{_package.MAX_RAGGED_LISTED} name their lines)",
                    ),
                )
                for n in distinct.tolist()
            ]
            ids[listed:] = np.array(shared, dtype=np.intp)[which.reshape(-1)]
        return ids


_GROUPED = __import__("re").compile(
    r"(?:^|\0)\s*[+-]?\d{1,3}\0\d{3}(?:\.\d*)?\s*(?:\0|$)"
)
"""Two cells that were one number with a thousands separator (``1,234.5``)."""


_GROUPED_HINT = (
    " (a number with a thousands separator, such as 1,234.5, must be "
    'quoted: "1,234.5", or written 1234.5)'
)
