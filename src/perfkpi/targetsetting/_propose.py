"""One indicator's target, from its plan, history or spending standard."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import DataError, IncompatibleUnitError
from perfkpi.indicators import Indicator
from perfkpi.rounding import RoundingMode, round_array
from perfkpi.targets import Comparator, Target, parse_quantity
from perfkpi.targetsetting._proposal import (
    _BAD,
    _USED,
    _YEARS,
    METHODS,
    Method,
    TargetProposal,
)
from perfkpi.units import DEFAULT_UNITS, Unit, convert


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
