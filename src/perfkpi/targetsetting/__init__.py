"""Setting target values (指标值设定) from past actuals, a plan or a spending standard.

The national platform's indicator table asks, for each indicator, the basis
of its target value (指标值设定依据): 计划标准 (a plan figure), 历史标准 (last
year's actual, or the mean of the last three years), 行业标准, 预算支出标准 (for
a cost indicator, the spending standard is a ceiling) or 其他标准.
:func:`propose_target` proposes a target for one indicator by these bases and
says which it used and why; :func:`propose_targets` does the same for a whole
table (every department × indicator) in a few array operations.

The rule (``method="auto"``), in order:

1. a **plan** figure, when given, is the target (计划标准);
2. else the **history**: with three years or more, the mean of the last three
   (历史标准), but never less demanding than last year's actual — a target
   below last year's actual is what reviewers flag as set too low
   (目标值设置偏低); with one or two years, last year's actual;
3. for a lower-is-better (cost) indicator, a **spending standard** is a
   ceiling: a proposal above it is lowered to it (预算支出标准), and with
   nothing else given the standard itself is the target.

Higher-is-better indicators get ``≥``, lower-is-better ones ``≤``.

Rounding: only a computed mean is rounded, half-up (四舍五入) to *places*
decimals (2 by default, the precision indicator tables and the ministry's
scoring code use).  A plan, last year's actual and a standard are figures a
department declared and are taken as given, so a proposal never passes the
figure it rests on: a ``≥`` target from last year is never below it and a
capped cost target never above its standard.

Examples
--------
>>> from perfkpi.targetsetting import propose_target
>>> p = propose_target("满意度", [95, 98, 97])
>>> str(p.target), p.basis, p.method
('≥97%', '历史标准', 'last-year')
>>> p.reason("en")
"historical standard: last year's actual 97% is better than the three-year mean 96.67%; a target is not set below last year's actual"
"""  # noqa: E501 (a doctest output line)

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import DataError, IncompatibleUnitError
from perfkpi.indicators import Indicator
from perfkpi.rounding import RoundingMode, round_array
from perfkpi.targets import Comparator, Target, format_number, parse_quantity
from perfkpi.units import DEFAULT_UNITS, Unit, convert

__all__ = [
    "METHODS",
    "TargetProposal",
    "TargetTable",
    "propose_target",
    "propose_targets",
]

Method = Literal["auto", "last-year", "three-year-mean", "plan", "standard"]

METHODS: tuple[str, ...] = ("auto", "last-year", "three-year-mean", "plan", "standard")
"""How a target is proposed: by the rule (``auto``) or by one basis."""

_USED = ("last-year", "three-year-mean", "plan", "standard")
_BASIS = {
    "last-year": "历史标准",
    "three-year-mean": "历史标准",
    "plan": "计划标准",
    "standard": "预算支出标准",
}
_YEARS = 3
_BAD = -1


@attrs.frozen
class TargetProposal:
    """A proposed target, the basis it rests on and why.

    Parameters
    ----------
    indicator
        The indicator's name.
    target
        The proposed target (``≥97%``).
    method
        What gave it: ``last-year``, ``three-year-mean``, ``plan`` or
        ``standard``.
    history
        The past actuals read, oldest first, in the target's unit.
    plan, standard
        The plan figure and the spending standard, when given (else NaN).
    mean
        The rounded mean of the last three years, when there were three
        (else NaN).
    """

    indicator: str
    target: Target
    method: str
    history: tuple[float, ...] = ()
    plan: float = math.nan
    standard: float = math.nan
    mean: float = math.nan

    @property
    def basis(self) -> str:
        """The 指标值设定依据: 计划标准, 历史标准 or 预算支出标准."""
        return _BASIS[self.method]

    @property
    def figures(self) -> tuple[float, ...]:
        """The figures the proposal was computed from."""
        if self.method == "plan":
            return (self.plan,)
        if self.method == "standard":
            return (self.standard,)
        if self.method == "three-year-mean":
            return self.history[-_YEARS:]
        return self.history[-1:]

    def reason(self, lang: str = "zh") -> str:
        """Say in one line which basis gave the target and why.

        Raises
        ------
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        if lang not in ("zh", "en"):
            msg = f"lang must be 'zh' or 'en' (got {lang!r:.40})"
            raise ValueError(msg)
        unit = self.target.unit.symbol if self.target.unit else ""
        return _reason(self, lang == "zh", unit)

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain JSON-able data."""
        return {
            "indicator": self.indicator,
            "target": str(self.target),
            "basis": self.basis,
            "method": self.method,
            "figures": list(self.figures),
            "reason_zh": self.reason("zh"),
            "reason_en": self.reason("en"),
        }


def _fmt(value: float, unit: str) -> str:
    return format_number(value) + unit


def _reason(p: TargetProposal, zh: bool, unit: str) -> str:  # noqa: PLR0911 (one line per case)
    last = _fmt(p.history[-1], unit) if p.history else ""
    mean = _fmt(p.mean, unit)
    if p.method == "plan":
        plan = _fmt(p.plan, unit)
        return (
            f"计划标准：取计划数{plan}"
            if zh
            else f"plan standard: the plan figure {plan}"
        )
    if p.method == "standard":
        std = _fmt(p.standard, unit)
        if zh:
            return f"预算支出标准：以支出标准{std}为上限"
        return f"spending standard: the spending standard {std} is the ceiling"
    if p.method == "three-year-mean":
        years = "、".join(_fmt(v, unit) for v in p.history[-_YEARS:])
        if zh:
            return f"历史标准：近三年实际值{years}的平均值为{mean}"
        years = ", ".join(_fmt(v, unit) for v in p.history[-_YEARS:])
        return (
            f"historical standard: the mean of the last three years' actuals "
            f"{years} is {mean}"
        )
    if not math.isnan(p.mean):
        if zh:
            return (
                f"历史标准：上年实际值{last}优于近三年平均值{mean}，目标不低于上年实际"
            )
        return (
            f"historical standard: last year's actual {last} is better than the "
            f"three-year mean {mean}; a target is not set below last year's actual"
        )
    if zh:
        return f"历史标准：取上年实际值{last}（实际值不足三年）"
    return f"historical standard: last year's actual {last} (fewer than three years)"


def _unit_of(indicator: Indicator) -> Unit | None:
    return DEFAULT_UNITS.get(indicator.unit) if indicator.unit else None


def _value(value: object, unit: Unit | None, where: str) -> float:
    """Read a figure: a number in *unit*, or text with its own unit."""
    if isinstance(value, str):
        try:
            q = parse_quantity(value)
        except (ValueError, KeyError) as exc:
            raise DataError(where, f"cannot read {value!r}: {exc}") from None
        number = q.value
        if q.unit is not None and unit is not None:
            if q.unit.dimension != unit.dimension:
                given = f"{value} ({q.unit.dimension})"
                expected = f"{unit.symbol} ({unit.dimension})"
                raise IncompatibleUnitError(given, expected, where=where)
            number = convert(number, q.unit, unit)
        elif q.unit is not None:
            msg = f"{value!r} has a unit, but the indicator has none"
            raise DataError(where, msg)
    else:
        try:
            number = _checks.number(value, where)
        except TypeError:
            msg = f"expected a number or text with a unit, got {value!r:.60}"
            raise DataError(where, msg) from None
    if not math.isfinite(number):
        raise DataError(where, f"expected a finite number, got {value!r}")
    return number


def _lookup(indicator: object) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    if isinstance(indicator, str):
        from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

        return catalog.indicator(indicator)
    msg = f"indicator must be an Indicator or a catalog name (got {indicator!r:.60})"
    raise TypeError(msg)


def propose_target(
    indicator: Indicator | str,
    history: Sequence[float | str] = (),
    *,
    plan: float | str | None = None,
    standard: float | str | None = None,
    method: Method = "auto",
    places: int = 2,
) -> TargetProposal:
    """Propose a target for one indicator from its past actuals, plan or standard.

    Parameters
    ----------
    indicator
        An :class:`~perfkpi.indicators.Indicator`, or the code or name of a
        library indicator (``"预算执行率"``).  Its direction gives the
        comparator and its unit the unit of the figures.
    history
        Past actuals, oldest first: numbers in the indicator's unit, or text
        with a unit (``"45分钟"``), converted.
    plan
        A plan figure (计划标准).
    standard
        A spending standard (预算支出标准): a ceiling, for a lower-is-better
        indicator only.
    method
        ``"auto"`` (the rule in the module's description), or one basis:
        ``"last-year"``, ``"three-year-mean"``, ``"plan"``, ``"standard"``.
        A given basis is used as it is (the three-year mean even when last
        year did better), but a standard still caps a cost indicator.
    places
        The decimals a computed mean is rounded to, half-up.

    Returns
    -------
    TargetProposal
        The target, its basis, the figures used and a reason in zh and en.

    Raises
    ------
    KeyError
        If *indicator* is a name the library does not have.
    TypeError
        If *indicator* is neither an Indicator nor text, or *history* is not a
        list.
    ValueError
        If the indicator is qualitative, *method* or *places* is not one of
        its values, a standard is given for a higher-is-better indicator, or
        the method's figures are missing (no history, fewer than three years
        for the mean, no plan, no standard).
    DataError
        If a figure is not a finite number (NaN, infinity) or cannot be read;
        the place names it (``history[2]``).
    IncompatibleUnitError
        If a figure's unit measures another dimension than the indicator's.

    Examples
    --------
    >>> from perfkpi.targetsetting import propose_target
    >>> p = propose_target("预算执行率", [96, 97, 98], method="three-year-mean")
    >>> str(p.target), p.basis, p.figures
    ('≥97%', '历史标准', (96.0, 97.0, 98.0))
    >>> p.reason()
    '历史标准：近三年实际值96%、97%、98%的平均值为97%'
    >>> p = propose_target("公用经费控制率", [98, 103, 104], standard=100)
    >>> str(p.target), p.basis
    ('≤100%', '预算支出标准')
    """
    ind = _lookup(indicator)
    if ind.direction == "qualitative":
        msg = f"{ind.name}: a qualitative indicator has no figure to propose"
        raise ValueError(msg)
    if method not in METHODS:
        msg = f"method must be one of {', '.join(METHODS)} (got {method!r:.40})"
        raise ValueError(msg)
    _check_places(places)
    if isinstance(history, str | bytes | Mapping) or not isinstance(history, Sequence):
        msg = f"history must be a list of past actuals (got {history!r:.60})"
        raise TypeError(msg)
    unit = _unit_of(ind)
    values = [
        _value(v, unit, f"{ind.name} history[{i}]") for i, v in enumerate(history)
    ]
    p = math.nan if plan is None else _value(plan, unit, f"{ind.name} plan")
    s = math.nan if standard is None else _value(standard, unit, f"{ind.name} standard")
    higher = ind.direction == "higher"
    if standard is not None and higher:
        msg = (
            f"{ind.name}: a spending standard is a ceiling for a lower-is-better "
            "(cost) indicator, and this one is higher-is-better"
        )
        raise ValueError(msg)
    table = np.array([values]) if values else np.empty((1, 0))
    result = _propose(
        table,
        np.array([higher]),
        np.array([p]),
        np.array([s]),
        method,
        places,
    )
    code = int(result.codes[0])
    if code == _BAD:
        raise ValueError(f"{ind.name}: {result.problems[0]}")
    target = Target(
        Comparator.GE if higher else Comparator.LE, float(result.value[0]), unit=unit
    )
    return TargetProposal(
        ind.name,
        target,
        _USED[code],
        history=tuple(values),
        plan=p,
        standard=s,
        mean=float(result.mean[0]),
    )


def _check_places(places: object) -> None:
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 6:  # noqa: PLR2004
        msg = f"places must be a whole number from 0 to 6 (got {places!r:.40})"
        raise ValueError(msg)


@attrs.frozen
class _Proposed:
    value: np.ndarray
    codes: np.ndarray
    mean: np.ndarray
    problems: dict[int, str]


def _propose(
    history: np.ndarray,
    higher: np.ndarray,
    plan: np.ndarray,
    standard: np.ndarray,
    method: str,
    places: int,
) -> _Proposed:
    """Propose targets for every row at once; bad rows get NaN and a reason."""
    n, years = history.shape
    nan = np.full(n, np.nan)
    last = history[:, -1] if years else nan
    has_last = np.isfinite(last)
    if years >= _YEARS:
        window = history[:, -_YEARS:]
        has_mean = np.isfinite(window).all(axis=1)
        with np.errstate(invalid="ignore"):
            mean = round_array(window.mean(axis=1), places, RoundingMode.HALF_UP)
        mean = np.where(has_mean, mean, np.nan)
    else:
        has_mean = np.zeros(n, dtype=bool)
        mean = nan
    has_plan = np.isfinite(plan)
    has_std = np.isfinite(standard) & ~higher
    codes = np.full(n, _BAD)
    value = nan.copy()
    if method in ("auto", "last-year", "three-year-mean"):
        use_mean = has_mean & has_last
        if method == "auto":
            better = np.where(higher, last > mean, last < mean)
            use_mean &= ~better
            hist_ok = has_last & (has_mean | (years < _YEARS))
        elif method == "three-year-mean":
            hist_ok = use_mean
        else:
            use_mean[:] = False
            hist_ok = has_last
        codes = np.where(hist_ok, np.where(use_mean, 1, 0), _BAD)
        value = np.where(use_mean, mean, last)
    if method in ("auto", "plan"):
        codes = np.where(has_plan, 2, codes)
        value = np.where(has_plan, plan, value)
    if method in ("auto", "standard"):
        codes = np.where((codes == _BAD) & has_std, 3, codes)
        value = np.where(codes == 3, standard, value)  # noqa: PLR2004
    # a standard caps a cost indicator, whatever gave the figure
    with np.errstate(invalid="ignore"):
        capped = has_std & (codes != _BAD) & (value > standard)
    codes = np.where(capped, 3, codes)
    # a standard on a higher-is-better row is a mistake, not a figure to ignore
    codes = np.where(np.isfinite(standard) & higher, _BAD, codes)
    value = np.where(codes == _BAD, np.nan, np.where(capped, standard, value))
    problems: dict[int, str] = {}
    for row in np.flatnonzero(codes == _BAD).tolist():
        problems[row] = _problem(
            history[row], bool(higher[row]), bool(np.isfinite(standard[row])), method
        )
    return _Proposed(value, codes, mean, problems)


def _problem(row: np.ndarray, higher: bool, given_std: bool, method: str) -> str:  # noqa: PLR0911 (one reason per case)
    """Say why a row has no proposal."""
    if given_std and higher:
        return (
            "a spending standard is a ceiling for lower-is-better (cost) "
            "indicators only, and this row is higher-is-better"
        )
    if method == "plan":
        return "no plan figure (计划标准) was given"
    if method == "standard":
        return "no spending standard (预算支出标准) was given"
    n = len(row)
    if n == 0:
        return "no history, plan or spending standard to propose a target from"
    if method == "three-year-mean" and n < _YEARS:
        return f"the three-year mean needs three years of actuals, got {n}"
    first = n - 1 if method == "last-year" or n < _YEARS else n - _YEARS
    bad = [i for i in range(first, n) if not math.isfinite(float(row[i]))]
    if bad:
        return f"year column {bad[-1]} of the history is not a finite number (NaN)"
    return "no history, plan or spending standard to propose a target from"


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
