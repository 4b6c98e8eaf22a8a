"""Years side by side: every entity's scores and their change from the year before.

A bureau scores every department every year and asks what changed.
:func:`compare_years` scores a long table — one row per entity and year — in
one batch (:func:`~perfkpi.batch.evaluate_batch`) and lines each row up with
the same entity's row of the year before, with numpy only: the comparison
costs a sort and a search on top of the batch, whatever the number of rows.

Examples
--------
>>> import perfkpi
>>> from perfkpi.years import compare_years
>>> scheme = perfkpi.Scheme("s", "示例", [
...     perfkpi.Node("1", "预算执行率", points=40, target="≥100%",
...                  rule=perfkpi.Proportional()),
...     perfkpi.Node("2", "满意度", points=60, target="≥90%",
...                  rule=perfkpi.Proportional()),
... ])
>>> table = {
...     "单位": ["甲", "甲", "乙", "乙", "甲"],
...     "年度": [2022, 2023, 2022, 2023, 2021],
...     "1": ["90%", "95%", "100%", "80%", "85%"],
...     "2": ["90%", "90%", "81%", "90%", "90%"],
... }
>>> years = compare_years(scheme, table, id_column="单位", year_column="年度")
>>> for row in range(len(years)):
...     print(years.ids[row], years.years[row], years.total[row], years.change()[row])
甲 2022 96.0 2.0
甲 2023 98.0 2.0
乙 2022 94.0 nan
乙 2023 92.0 -2.0
甲 2021 94.0 nan

By hand: 甲 2022 is 40 × 0.90 + 60 = 96, 2021 was 40 × 0.85 + 60 = 94, a
change of 2; 乙 2022 has no 2021 row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np

from perfkpi.batch import (
    BatchResult,
    Errors,
    Progress,
    _check_options,
    _evaluate_table,
    _prepare,
    _read_table,
)
from perfkpi.errors import DataError
from perfkpi.rules import _warn_collected
from perfkpi.scheme import Scheme

__all__ = ["YearComparison", "compare_years"]


def _array_field() -> object:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)


@attrs.frozen
class YearComparison:
    """Each row's scores beside the same entity's scores of the year before.

    Attributes
    ----------
    result
        The batch: every row's scores, grade and reason, in the table's order.
    ids
        Each row's entity.
    years
        Each row's year, as a whole number.
    prior
        The row of the same entity's year before, or ``-1`` when the table
        has none.
    """

    result: BatchResult
    ids: np.ndarray = _array_field()  # type: ignore[assignment]
    years: np.ndarray = _array_field()  # type: ignore[assignment]
    prior: np.ndarray = _array_field()  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.result)

    @property
    def total(self) -> np.ndarray:
        """Each row's total (NaN for a row that could not be scored)."""
        return self.result.total

    def score(self, code: str = "total") -> np.ndarray:
        """Return each row's score of node *code* (``"total"`` for the total).

        Raises
        ------
        KeyError
            For a code that is not a node of the scheme.
        """
        if code == "total":
            return self.result.total
        return self.result.scores[code]

    def prior_score(self, code: str = "total") -> np.ndarray:
        """Return the year before's score of node *code* (NaN without one).

        Raises
        ------
        KeyError
            For a code that is not a node of the scheme.
        """
        scores = self.score(code)
        out = np.full(len(self), np.nan)
        has = self.prior >= 0
        out[has] = scores[self.prior[has]]
        return out

    def change(self, code: str = "total") -> np.ndarray:
        """Return this year's score of *code* less the year before's.

        NaN where the table has no row of the year before, or either row
        could not be scored.  The change is rounded to the scheme's places,
        so that 98.89 − 97.23 is 1.66, not 1.6600000000000108.

        Raises
        ------
        KeyError
            For a code that is not a node of the scheme.
        """
        places = self.result.scheme.rounding.places
        delta: np.ndarray = np.round(self.score(code) - self.prior_score(code), places)
        return delta + 0.0  # no negative zero

    def to_columns(self) -> dict[str, np.ndarray]:
        """Return the comparison as columns, ready for a DataFrame or a CSV.

        The id and the year, then for each node (the total last) its score
        (``CODE``), the year before's (``prior:CODE``) and the change
        (``change:CODE``).
        """
        name = self.result.id_column or "id"
        out: dict[str, np.ndarray] = {name: self.ids, "year": self.years}
        for code in [*self.result.codes, "total"]:
            out[code] = self.score(code)
            out[f"prior:{code}"] = self.prior_score(code)
            out[f"change:{code}"] = self.change(code)
        return out


def compare_years(
    scheme: Scheme,
    table: object,
    *,
    id_column: str,
    year_column: str,
    columns: Sequence[str] | None = None,
    errors: Errors = "nan",
    strict: bool = False,
    progress: Progress | None = None,
) -> YearComparison:
    """Score a table of entities × years and line each row up with its year before.

    Parameters
    ----------
    scheme
        The scheme every year is scored by.
    table
        A long table, as :func:`~perfkpi.batch.evaluate_batch` takes it (a
        mapping of columns, a 2-D array with *columns*, a CSV file, a
        DataFrame): one row per entity and year.
    id_column, year_column
        The columns that name the entity and the year (a whole number:
        ``2023``, ``"2023"``, ``2023.0``; ``"2023年"`` is read as 2023).
    columns, errors, strict, progress
        As for :func:`~perfkpi.batch.evaluate_batch`.

    Returns
    -------
    YearComparison
        The batch, and for each row the row of the same entity's year
        before (``year − 1`` exactly: a year missing from the table gives no
        change, never a change from two years back).

    Raises
    ------
    DataError
        For a missing id or year column, a year that is not a whole number,
        the same entity twice in one year (naming both rows), a CSV row of
        the wrong width (every row must be read to be lined up), or what
        :func:`~perfkpi.batch.evaluate_batch` raises.
    TypeError
        When *scheme* is not a Scheme or a column name is not text; or what
        :func:`~perfkpi.batch.evaluate_batch` raises for a table it cannot
        take.
    ValueError
        If *errors* is neither ``"nan"`` nor ``"raise"``.
    """
    if not isinstance(scheme, Scheme):
        msg = f"scheme must be a Scheme (got {type(scheme).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    for name, column in (("id_column", id_column), ("year_column", year_column)):
        if not isinstance(column, str):
            msg = f"{name} must be a column name (got {type(column).__name__})"  # type: ignore[unreachable]
            raise TypeError(msg)
    _check_options(scheme, columns, errors, id_column, progress, strict)
    prepared = _prepare(scheme)
    data = _read_table(table, columns, errors, id_column)
    if data.bad is not None and len(data.bad):
        first = int(data.bad.rows[0])
        msg = (
            f"{len(data.bad)} rows could not be read (the first is row {first + 1}): "
            "every row must be read to line the years up"
        )
        raise DataError("table", msg)
    for column in (id_column, year_column):
        if column not in data.columns:
            raise DataError(column, "no such column in the table")
    ids = _text(data.columns[id_column])
    years = _years(data.columns[year_column], year_column)
    prior = _prior(ids, years, id_column)
    # the table as read: evaluate_batch would read it again
    result, ambiguous = _evaluate_table(
        prepared, data, errors, id_column, progress, strict=strict
    )
    _warn_collected(ambiguous)  # pointing at the caller
    return YearComparison(result, ids, years, prior)


def _years(values: object, column: str) -> np.ndarray:
    raw = np.asarray(values)
    if raw.dtype.kind in "iu":
        return raw.astype(np.int64)
    out = np.empty(len(raw), dtype=np.int64)
    for i, value in enumerate(raw.tolist()):
        text = str(value).strip().removesuffix("年").strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not number.is_integer():
            msg = f"row {i + 1}: the year {value!r} is not a whole number"
            raise DataError(column, msg)
        out[i] = int(number)
    return out


def _text(values: np.ndarray) -> np.ndarray:
    """Return the ids as a numpy text array (no copy when they are one)."""
    raw = np.asarray(values)
    return raw if raw.dtype.kind == "U" else raw.astype(str)


def _entities(ids: np.ndarray) -> np.ndarray:
    """Return a number per row, the same for the same id text.

    Text of ASCII characters only is compared as bytes, a quarter of the
    memory numpy's text takes and sorted faster; any other text as it is.
    """
    ids = np.ascontiguousarray(ids)
    codes = ids.view(np.uint32).reshape(len(ids), -1) if ids.itemsize else None
    if codes is not None and codes.size and int(codes.max()) < 128:  # noqa: PLR2004
        ids = np.ascontiguousarray(codes.astype(np.uint8)).view(f"S{codes.shape[1]}")
    _, entity = np.unique(ids.reshape(-1), return_inverse=True)
    out: np.ndarray = entity.reshape(-1)
    return out


def _prior(ids: np.ndarray, years: np.ndarray, id_column: str) -> np.ndarray:
    """Return, for each row, the row of the same id and year − 1, or −1."""
    entity = _entities(ids)
    span = int(years.max() - years.min()) + 2 if len(years) else 1
    keys = entity.astype(np.int64) * span + (years - (years.min() if len(years) else 0))
    size = (int(entity.max()) + 1) * span if len(keys) else 0
    if size <= 4 * len(keys) + 1024:  # a table of every (entity, year): no sort
        at_key = np.full(size, -1, dtype=np.int64)
        at_key[keys] = np.arange(len(keys))
        if bool(np.all(at_key[keys] == np.arange(len(keys)))):  # no key twice
            # year − 1 of an entity's first year falls in the gap of the span
            # (the previous entity's last slot, or for key 0 the very last
            # slot, the last entity's gap): never written, so −1
            found: np.ndarray = at_key[keys - 1]
            return found
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    repeated = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(repeated):
        a, b = sorted((int(order[repeated[0]]), int(order[repeated[0] + 1])))
        msg = (
            f"rows {a + 1} and {b + 1} are both {str(ids[a])!r} in {int(years[a])}: "
            "one row per entity and year"
        )
        raise DataError(id_column, msg)
    wanted = keys - 1
    at = np.searchsorted(ordered, wanted)
    inside = at < len(ordered)
    found = np.zeros(len(keys), dtype=bool)
    found[inside] = ordered[at[inside]] == wanted[inside]
    # year − 1 of the first year of an entity falls in the gap of the span
    prior = np.full(len(keys), -1, dtype=np.int64)
    prior[found] = order[at[found]]
    return prior
