"""The scores of a batch, and the frames and CSV they are written to.

:class:`BatchResult` holds every node's score at every level, the totals, the
grades and each bad row's reason; :meth:`BatchResult.to_frame` writes them to
pandas, polars or pyarrow, :meth:`BatchResult.to_csv` to a CSV file.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import math
import os
import types
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO, cast

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi import batch as _package
from perfkpi._safe import csv_text
from perfkpi.errors import PerfKPIError
from perfkpi.grades import PEFA_GRADES
from perfkpi.scheme import Scheme

FrameBackend = Literal["pandas", "polars", "pyarrow"]
"""The DataFrame libraries :meth:`BatchResult.to_frame` writes to."""


class _Frame(Protocol):
    """What every frame :meth:`BatchResult.to_frame` returns has.

    pandas and polars DataFrames and pyarrow Tables alike: a shape (rows,
    columns), a length in rows, and a column by name.
    """

    @property
    def shape(self) -> tuple[int, int]: ...  # pragma: no cover

    def __getitem__(self, name: str, /) -> Any: ...  # noqa: ANN401  # pragma: no cover

    def __len__(self) -> int: ...  # pragma: no cover


_FIXED_COLUMNS = ("total", "grade", "reason")


def _read_only_columns(columns: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    """Return *columns* as a read-only mapping of read-only views.

    Views, so that the caller's own arrays stay writable.
    """
    given: object = columns  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"a batch result's extra columns must be a mapping (got {given!r:.60})"
        raise TypeError(msg)
    out: dict[str, np.ndarray] = {}
    for name, column in given.items():
        values: object = column
        if not isinstance(values, np.ndarray):
            got = f"{values!r:.60}"
            msg = f"an extra column {name!r} must be a numpy array (got {got})"
            raise TypeError(msg)
        view = values.view()
        view.flags.writeable = False
        out[str(name)] = view
    return types.MappingProxyType(out)


def _array_field() -> Any:  # noqa: ANN401 (an attrs field helper)
    return attrs.field(eq=attrs.cmp_using(eq=_same), hash=False, repr=False)


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


class _Reasons(Mapping[int, str]):
    """Row index → reason, for the rows that could not be scored (read-only)."""

    def __init__(self, ids: np.ndarray, texts: Sequence[str]) -> None:
        self._ids = ids
        self._texts = tuple(texts)

    def __getitem__(self, row: int) -> str:
        if not 0 <= row < self._ids.size or self._ids[row] < 0:
            raise KeyError(row)
        return self._texts[int(self._ids[row])]

    def __iter__(self) -> Iterator[int]:
        return (int(i) for i in np.flatnonzero(self._ids >= 0))

    def __len__(self) -> int:
        return int(np.count_nonzero(self._ids >= 0))

    def __repr__(self) -> str:
        shown = dict(list(self.items())[:3])
        more = ", …" if len(self) > len(shown) else ""
        return f"{{{', '.join(f'{k}: {v!r}' for k, v in shown.items())}{more}}}"


@attrs.frozen
class BatchResult:
    """The scores of many entities, one row each.

    Attributes
    ----------
    scheme
        The scheme scored against.
    codes
        Every node's code, breadth first: the column order of :attr:`array`.
    array
        Shape ``(N, len(codes) + 1)``: every node's score, the total last.  A
        not-applicable node and every score that depends on a bad value is NaN.
    grades
        The grade of each row's total (overrides applied); ``""`` for a row
        that could not be scored.
    reason_ids
        Per row, the index of its reason in :attr:`reason_texts`, or -1.
    reason_texts
        The distinct reasons.
    problems
        The error behind each reason, as :func:`~perfkpi.evaluation.evaluate`
        raises it for that row.
    ids
        The values of the ``id_column``, if one was named.
    id_column
        Its name.
    ignored
        The columns of the table that are not read.
    backend
        The DataFrame library the table came from, if any (for :meth:`to_frame`).
    extra
        The values of the :attr:`ignored` columns by name, one per row (a row
        of a CSV file that could not be read holds ``None``): an entity's name,
        a year, a 项目名称 come out beside its scores.  Read-only views of the
        table's own arrays, not copies.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, or *array*,
        *grades*, *reason_ids* (or *ids*, when given) not a numpy array, or
        *extra* not a mapping of numpy arrays.
    """

    scheme: Scheme
    codes: tuple[str, ...]
    array: np.ndarray = _array_field()
    grades: np.ndarray = _array_field()
    reason_ids: np.ndarray = _array_field()
    reason_texts: tuple[str, ...] = ()
    problems: tuple[PerfKPIError, ...] = attrs.field(default=(), eq=False, repr=False)
    ids: np.ndarray | None = attrs.field(default=None, eq=False, repr=False)
    id_column: str | None = None
    ignored: tuple[str, ...] = ()
    backend: str | None = None
    extra: Mapping[str, np.ndarray] = attrs.field(
        factory=dict, eq=False, repr=False, converter=_read_only_columns
    )

    def __attrs_post_init__(self) -> None:
        _checks.instance(self.scheme, Scheme, "a batch result's scheme")
        arrays: dict[str, object] = {  # callers without mypy may pass anything
            "array": self.array,
            "grades": self.grades,
            "reason_ids": self.reason_ids,
            "ids": self.ids,
        }
        for name, array in arrays.items():
            if array is not None and not isinstance(array, np.ndarray):
                got = f"{array!r:.60}"
                msg = f"a batch result's {name} must be a numpy array (got {got})"
                raise TypeError(msg)
        # results are values: nobody changes a score in place
        for array in arrays.values():
            if isinstance(array, np.ndarray):
                array.flags.writeable = False

    def __len__(self) -> int:
        return int(self.array.shape[0])

    def __repr__(self) -> str:
        """Return a one-line summary: scheme, rows, nodes and bad rows."""
        return (
            f"<BatchResult {self.scheme.id}: {len(self)} rows, {len(self.codes)} "
            f"nodes, {len(self.reasons)} rows not scored>"
        )

    @property
    def total(self) -> np.ndarray:
        """The totals, shape ``(N,)``, rounded by the scheme's policy."""
        out: np.ndarray = self.array[:, -1]
        return out

    @property
    def scores(self) -> Mapping[str, np.ndarray]:
        """Each node's scores by code (views of :attr:`array`).

        An item's column holds the points it cost its parent, as
        :attr:`perfkpi.Evaluation.penalties` does.
        """
        return types.MappingProxyType(
            {code: self.array[:, i] for i, code in enumerate(self.codes)}
        )

    @property
    def ok(self) -> np.ndarray:
        """Which rows were scored (a boolean mask)."""
        out: np.ndarray = self.reason_ids < 0
        return out

    @property
    def reasons(self) -> Mapping[int, str]:
        """Why each bad row could not be scored: row index → reason."""
        return _Reasons(self.reason_ids, self.reason_texts)

    def error(self, row: int) -> PerfKPIError | None:
        """Return the error that row *row* raises in ``evaluate()``, if any."""
        rid = int(self.reason_ids[row])
        return None if rid < 0 else self.problems[rid]

    def grade_labels(self, code: str) -> np.ndarray:
        """Return the ordinal grade labels (A, B+, …) of a graded node's ranks."""
        out: np.ndarray = PEFA_GRADES.grade_array(self.scores[code])
        return out

    @property
    def names(self) -> Mapping[str, str]:
        """Each node's name by its code, in the column order of :attr:`array`.

        The frames of :meth:`to_frame` are headed by codes (short, unique); this
        maps them to the names people read (``{"1.2": "预算执行率", …}``).
        """
        by_code = {node.code: node.name for node in self.scheme.nodes}
        return types.MappingProxyType({code: by_code[code] for code in self.codes})

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain, JSON-able data.

        ``scheme`` (its id), ``codes`` and ``names`` (tree order), and
        ``rows``: one object per row with its id (when an ``id_column`` was
        named), ``total``, ``grade``, ``reason`` (``""`` for a good row),
        ``scores`` by node code and, when the table had columns the scheme
        does not read, ``extra``: their values by column name.  A NaN score
        (not applicable, or a bad row) is ``None``, so the JSON holds no
        ``NaN``.

        Examples
        --------
        >>> import json
        >>> from perfkpi import Node, Proportional, Scheme, evaluate_batch
        >>> scheme = Scheme.from_nodes("s", "s", [Node("1", "结案率", points=10,
        ...     target="≥90%", rule=Proportional())], points=10)
        >>> batch = evaluate_batch(scheme, {"id": ["甲", "乙"], "1": ["90%", "x"]},
        ...     id_column="id")
        >>> row = batch.to_dict()["rows"][0]
        >>> row["id"], row["total"], row["scores"]
        ('甲', 10.0, {'1': 10.0})
        >>> json.dumps(batch.to_dict()["rows"][1]["scores"])
        '{"1": null}'
        """
        texts = ["", *self.reason_texts]
        rows: list[dict[str, Any]] = []
        scores = self.array.tolist()
        extra = {name: values.tolist() for name, values in self.extra.items()}
        for i, row in enumerate(scores):
            out: dict[str, Any] = {}
            if self.ids is not None:
                out["id"] = _plain_value(self.ids[i])
            total = row[-1]
            out["total"] = None if math.isnan(total) else total
            out["grade"] = str(self.grades[i])
            out["reason"] = texts[int(self.reason_ids[i]) + 1]
            out["scores"] = {
                code: None if math.isnan(v) else v
                for code, v in zip(self.codes, row[:-1], strict=True)
            }
            if extra:
                out["extra"] = {name: _json_value(v[i]) for name, v in extra.items()}
            rows.append(out)
        return {
            "scheme": self.scheme.id,
            "codes": list(self.codes),
            "names": dict(self.names),
            "rows": rows,
        }

    def to_columns(self) -> dict[str, np.ndarray]:
        """Return the result as named columns.

        The columns are the ``id_column`` under its own name (if one was named),
        the :attr:`extra` columns (the table's columns that the scheme does
        not read, such as a 项目名称, in the table's order), ``total``,
        ``grade``, ``reason`` (``""`` for a good row) and one per node code.
        A node whose code is one of those names is written ``node:<code>``; an
        id column named like a fixed column is ``id``; an extra column named
        like the id or a fixed column, or like a node's code, is
        ``extra:<name>``.  The scores are views of :attr:`array` (read-only).
        """
        return self._columns(self.array)

    def _columns(self, array: np.ndarray) -> dict[str, np.ndarray]:
        """Return :meth:`to_columns`, the scores being views of *array*."""
        out: dict[str, np.ndarray] = {}
        if self.ids is not None:
            name = self.id_column or "id"
            out["id" if name in _FIXED_COLUMNS else name] = self.ids
        taken = {*out, *_FIXED_COLUMNS, *self.codes}
        for name, values in self.extra.items():
            out[f"extra:{name}" if name in taken else name] = values
        out["total"] = array[:, -1]
        out["grade"] = self.grades
        texts = np.array(["", *self.reason_texts], dtype=object)
        out["reason"] = texts[self.reason_ids + 1]
        for i, code in enumerate(self.codes):
            name = f"node:{code}" if code in out or code in _FIXED_COLUMNS else code
            out[name] = array[:, i]
        return out

    def to_frame(self, backend: FrameBackend | None = None) -> _Frame:
        """Return the result as a DataFrame (columns as :meth:`to_columns`).

        A pandas frame holds the scores as float columns of one copy of
        :attr:`array` (made at once, never column by column) and the grades
        as a categorical column whose categories are the scheme's grades, ``""``
        first: the same categories for every batch of one scheme, so that the
        frames of Dask partitions concatenate as they are.

        Parameters
        ----------
        backend
            ``"pandas"``, ``"polars"`` or ``"pyarrow"``.  By default the library
            the table came from, else pandas if it is installed, else polars,
            else pyarrow.

        Returns
        -------
        pandas.DataFrame, polars.DataFrame or pyarrow.Table

        Raises
        ------
        ImportError
            If none of them is installed (use :meth:`to_columns` then).
        """
        names = [backend] if backend else [self.backend, "pandas", "polars", "pyarrow"]
        for name in names:
            if name in ("pandas", "polars", "pyarrow") and _package._has(name):  # noqa: SLF001 (read here: tests patch it)
                module = importlib.import_module(name)
                if name == "pandas":
                    return cast("_Frame", self._pandas(module))
                plain = {k: _plain(v) for k, v in self.to_columns().items()}
                return cast(
                    "_Frame",
                    module.DataFrame(plain)
                    if name == "polars"
                    else module.table(plain),
                )
        wanted = backend or "pandas, polars or pyarrow"
        msg = f"to_frame() needs {wanted}; to_columns() gives plain numpy arrays"
        raise ImportError(msg)

    def _pandas(self, pd: types.ModuleType) -> object:
        """Return the pandas frame of :meth:`to_frame`, without copying by column."""
        columns = self._columns(np.array(self.array))  # one writable copy
        labels = list(
            dict.fromkeys(
                [
                    "",
                    *self.scheme.grades.labels,
                    *(o.grade for o in self.scheme.overrides),
                ]
            )
        )
        codes = np.full(len(self), -1, dtype=np.int16)
        for k, label in enumerate(labels):
            codes[self.grades == label] = k
        if (codes >= 0).all():
            columns["grade"] = pd.Categorical.from_codes(codes, categories=labels)
        return pd.DataFrame(columns, copy=False)

    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        lang: Literal["zh", "en"] = "zh",
        inputs: Sequence[str | os.PathLike[str]] = (),
    ) -> None:
        """Write the result as a workbook to open in Excel (needs the ``excel`` extra).

        A sheet of scores (columns as :meth:`to_columns`, a NaN score an empty
        cell) and a sheet naming each node; see
        :func:`perfkpi.excel.write_table`, which this calls.

        Raises
        ------
        DataError
            If the result has more rows than a sheet holds
            (:data:`perfkpi.excel.MAX_ROWS`).
        OutputPathError
            If *path* is one of *inputs*.
        OSError
            If the file cannot be written.
        ModuleNotFoundError
            Without the ``excel`` extra (openpyxl).
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        from perfkpi import _hooks  # noqa: PLC0415

        _hooks.call("excel.write_table", self, path, lang=lang, inputs=inputs)

    def to_csv(self, path: str | os.PathLike[str] | TextIO) -> None:
        """Write the result as CSV (UTF-8, columns as :meth:`to_columns`).

        Scores are written in their shortest form (``88.63``, ``90``); a NaN
        score is an empty cell.  *path* may be an open text stream.

        Raises
        ------
        OSError
            If *path* cannot be written (a folder, a missing folder, no
            permission, a full disk), or the stream cannot.
        """
        if isinstance(path, str | os.PathLike):
            with Path(path).open("w", encoding="utf-8", newline="") as stream:
                self._write_csv(stream)
        else:
            self._write_csv(path)

    def _write_csv(self, stream: TextIO) -> None:
        columns = self.to_columns()
        writer = csv.writer(stream)
        writer.writerow([csv_text(name) for name in columns])
        step = 1 << 14
        for lo in range(0, len(self), step):
            block = [_cells(col[lo : lo + step]) for col in columns.values()]
            writer.writerows(zip(*block, strict=True))


def _plain(values: np.ndarray) -> Any:  # noqa: ANN401
    """Return an object column as a list (polars and pyarrow infer its type)."""
    return values.tolist() if values.dtype == object else values


def _cells(values: np.ndarray) -> list[str]:
    """Return a column's cells as CSV text, formula-like text made inert."""
    if values.dtype.kind == "f":
        return [_number_text(v) for v in values.tolist()]
    return [_cell_text(v) for v in values.tolist()]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int | np.number | bool):
        return str(value)
    return csv_text(str(value))


def _number_text(value: float) -> str:
    if value != value:  # noqa: PLR0124 (NaN)
        return ""
    return repr(value).removesuffix(".0")


def _json_value(value: object) -> object:
    """Return a cell of an extra column as JSON takes it (NaN as ``None``)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # a date, a Decimal, …: as the table wrote it


def _plain_value(value: object) -> object:
    """Return a numpy scalar as the Python value it holds (JSON takes those)."""
    item = getattr(value, "item", None)
    return item() if callable(item) and isinstance(value, np.generic) else value
