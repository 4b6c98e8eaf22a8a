"""A whole table's targets at once: :func:`propose_targets` and its result."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import DataError
from perfkpi.targets import Comparator, Target
from perfkpi.targetsetting._proposal import (
    _BAD,
    _BASIS,
    _USED,
    METHODS,
    Method,
    TargetProposal,
)
from perfkpi.targetsetting._propose import _check_places, _propose
from perfkpi.units import DEFAULT_UNITS


@attrs.frozen
class TargetTable:
    """Proposed targets for a whole table, one row per department × indicator.

    Parameters
    ----------
    value
        The proposed target values (NaN where a row could not be proposed).
    higher
        Whether each row's indicator is higher-is-better (``≥``) or not
        (``≤``).
    codes
        Which basis gave each row: an index into ``("last-year",
        "three-year-mean", "plan", "standard")``, or -1 for a bad row.
    history, plan, standard, mean
        The figures: past actuals (rows × years, oldest first), plan and
        standard (NaN when not given) and the rounded three-year mean.
    problems
        Why each bad row has no proposal, by row.
    unit
        The unit of the values, if one was given.
    """

    value: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    higher: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    codes: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    history: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    plan: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    standard: np.ndarray = attrs.field(
        eq=attrs.cmp_using(eq=np.array_equal), hash=False
    )
    mean: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)
    problems: Mapping[int, str] = attrs.field(factory=dict, hash=False)
    unit: str = ""

    def __len__(self) -> int:
        return len(self.value)

    @property
    def methods(self) -> tuple[str, ...]:
        """The method that gave each row (``""`` for a bad row)."""
        return tuple("" if c == _BAD else _USED[c] for c in self.codes.tolist())

    @property
    def bases(self) -> tuple[str, ...]:
        """The 指标值设定依据 of each row (``""`` for a bad row)."""
        return tuple(_BASIS.get(m, "") for m in self.methods)

    @property
    def comparators(self) -> tuple[str, ...]:
        """``≥`` or ``≤`` for each row."""
        return tuple("≥" if h else "≤" for h in self.higher.tolist())

    def proposal(self, row: int, name: str = "") -> TargetProposal:
        """Return one row as a :class:`TargetProposal`, with its reason.

        Raises
        ------
        IndexError
            If there is no such row.
        ValueError
            If the row has no proposal (its reason is in :attr:`problems`).
        """
        if not -len(self) <= row < len(self):
            msg = f"row {row} is out of range (the table has {len(self)} rows)"
            raise IndexError(msg)
        row %= len(self)
        if self.codes[row] == _BAD:
            msg = f"row {row}: {self.problems.get(row, 'no proposal')}"
            raise ValueError(msg)
        unit = DEFAULT_UNITS.get(self.unit) if self.unit else None
        comparator = Comparator.GE if self.higher[row] else Comparator.LE
        history = self.history[row]
        return TargetProposal(
            name or f"row {row}",
            Target(comparator, float(self.value[row]), unit=unit),
            _USED[int(self.codes[row])],
            history=tuple(history[np.isfinite(history)].tolist()),
            plan=float(self.plan[row]),
            standard=float(self.standard[row]),
            mean=float(self.mean[row]),
        )

    def to_dict(self) -> dict[str, list[Any]]:
        """Return the table as columns of plain values (NaN as ``None``)."""
        values = [None if math.isnan(v) else v for v in self.value.tolist()]
        return {
            "target": values,
            "comparator": list(self.comparators),
            "basis": list(self.bases),
            "method": list(self.methods),
            "problem": [self.problems.get(i, "") for i in range(len(self))],
        }


def _column(values: object, n: int, what: str) -> np.ndarray:
    """Return a float column of length *n*; ``None`` is all NaN."""
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, int | float) and not isinstance(values, bool):
        return np.full(n, float(values))
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        msg = f"expected numbers (in the target's unit), got {values!r:.60}"
        raise DataError(what, msg) from None
    if out.shape != (n,):
        msg = f"expected {n} values, one per row, got shape {out.shape}"
        raise DataError(what, msg)
    return out


def _directions(direction: object, n: int) -> np.ndarray:
    if isinstance(direction, str):
        if direction not in ("higher", "lower"):
            msg = f"expected 'higher' or 'lower' or a column of them, got {direction!r}"
            raise DataError("direction", msg)
        return np.full(n, direction == "higher")
    given = np.asarray(direction, dtype=object)
    if given.shape != (n,):
        msg = f"expected {n} values, one per row, got shape {given.shape}"
        raise DataError("direction", msg)
    wrong = [v for v in given.tolist() if v not in ("higher", "lower")]
    if wrong:
        msg = f"expected 'higher' or 'lower' in each row, got {wrong[0]!r:.40}"
        raise DataError("direction", msg)
    out: np.ndarray = given == "higher"
    return out.astype(bool)


def _history_array(history: object, years: Sequence[str] | None) -> np.ndarray:
    if isinstance(history, Mapping):
        if years is not None:
            years = _checks.texts(years, "years")
        if not years:
            msg = "a table of columns needs years=: the names of its year columns"
            raise DataError("years", msg)
        missing = [y for y in years if y not in history]
        if missing:
            msg = f"no column {missing[0]!r} (columns: {', '.join(map(str, history))})"
            raise DataError("years", msg)
        cols = [_float_column(history[y], f"column {y!r}") for y in years]
        lengths = {len(c) for c in cols}
        if len(lengths) > 1:
            msg = f"year columns differ in length: {sorted(lengths)}"
            raise DataError("history", msg)
        return np.column_stack(cols) if cols else np.empty((0, 0))
    out = _float_column(history, "history")
    if out.ndim != 2:  # noqa: PLR2004
        msg = f"expected rows × years (2-D), got {out.ndim}-D"
        raise DataError("history", msg)
    return out


def _float_column(values: object, what: str) -> np.ndarray:
    try:
        out = np.asarray(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        msg = f"expected numbers (in the target's unit), got {values!r:.60}"
        raise DataError(what, msg) from None
    return out


def _named(table: object, value: object, what: str) -> object:
    """Return the column *value* names in a mapping table, or *value* itself."""
    if isinstance(table, Mapping) and isinstance(value, str) and value in table:
        return table[value]
    if isinstance(value, str) and what != "direction":
        msg = f"no column {value!r} in the table"
        raise DataError(what, msg)
    return value


def propose_targets(
    history: Mapping[str, Any] | np.ndarray | Sequence[Sequence[float]],
    *,
    years: Sequence[str] | None = None,
    direction: str | Sequence[str] | np.ndarray = "higher",
    plan: object = None,
    standard: object = None,
    method: Method = "auto",
    places: int = 2,
    unit: str = "",
    errors: Literal["nan", "raise"] = "nan",
) -> TargetTable:
    """Propose targets for a whole table at once, by the rule of :func:`propose_target`.

    Parameters
    ----------
    history
        Past actuals: an array of rows × years (oldest first), or a mapping of
        columns (a dict of lists, a DataFrame's ``to_dict("list")``) whose
        year columns *years* names, oldest first.  Numbers only, in the
        target's unit.
    years
        With a mapping: the names of its year columns, oldest first.
    direction
        ``"higher"`` or ``"lower"`` for every row, or one per row (a list, an
        array, or the name of a column of the mapping).
    plan, standard
        One figure per row, NaN where none (a list, an array, a single number
        or a column name); a standard caps lower-is-better rows only.
    method, places
        As for :func:`propose_target`.
    unit
        The unit the figures are in (``"%"``), for the proposals' targets.
    errors
        ``"nan"`` (the default): a row that cannot be proposed gets NaN and a
        reason in :attr:`TargetTable.problems`; ``"raise"``: the first one
        raises.

    Returns
    -------
    TargetTable
        The values, bases and reasons, row by row.

    Raises
    ------
    DataError
        If the table is not numbers, a column is missing or of another
        length, a direction is not ``higher`` or ``lower``; with
        ``errors="raise"``, naming the first row that cannot be proposed.
    ValueError
        If *method*, *places* or *errors* is not one of its values.
    TypeError
        If *unit* is not text or *years* not a list of text.
    UnknownUnitError
        If *unit* is not a known unit.

    Examples
    --------
    >>> from perfkpi.targetsetting import propose_targets
    >>> table = {
    ...     "department": ["甲", "乙", "丙"],
    ...     "2020": [96, 90, 100],
    ...     "2021": [97, 95, 104],
    ...     "2022": [98, 91, float("nan")],
    ...     "direction": ["higher", "higher", "lower"],
    ... }
    >>> out = propose_targets(table, years=("2020", "2021", "2022"),
    ...                       direction="direction", unit="%")
    >>> out.value.tolist()
    [98.0, 92.0, nan]
    >>> out.methods
    ('last-year', 'three-year-mean', '')
    >>> out.problems[2]
    'year column 2 of the history is not a finite number (NaN)'
    """
    if method not in METHODS:
        msg = f"method must be one of {', '.join(METHODS)} (got {method!r:.40})"
        raise ValueError(msg)
    if errors not in ("nan", "raise"):
        msg = f"errors must be 'nan' or 'raise' (got {errors!r:.40})"
        raise ValueError(msg)
    _check_places(places)
    if _checks.text(unit, "unit"):
        DEFAULT_UNITS.get(unit)
    h = _history_array(history, years)
    n = h.shape[0]
    higher = _directions(_named(history, direction, "direction"), n)
    p = _column(_named(history, plan, "plan"), n, "plan")
    s = _column(_named(history, standard, "standard"), n, "standard")
    result = _propose(h, higher, p, s, method, places)
    if errors == "raise" and result.problems:
        row = min(result.problems)
        raise DataError(f"row {row}", result.problems[row])
    return TargetTable(
        value=result.value,
        higher=higher,
        codes=result.codes,
        history=h,
        plan=p,
        standard=s,
        mean=result.mean,
        problems=result.problems,
        unit=unit,
    )
