"""The public entry points of reading: :func:`parse_target`, :func:`parse_quantity`."""

from __future__ import annotations

from collections.abc import Iterable

from perfkpi import _checks
from perfkpi.targets._normalise import _Fail, _normalise, _public_error
from perfkpi.targets._parser import _Parser
from perfkpi.targets._syntax import DEFAULT_SYNTAX, TargetSyntax, _syntax_with
from perfkpi.targets._target import Target
from perfkpi.targets._values import Direction, LabelScale, Quantity
from perfkpi.units import (
    DEFAULT_UNITS,
    Unit,
    UnitRegistry,
)

# -- public entry points -------------------------------------------------------------


def parse_quantity(text: str, *, units: UnitRegistry = DEFAULT_UNITS) -> Quantity:
    """Read a number with an optional unit: ``"45分钟"``, ``"50,123件"``, ``"99.66%"``.

    Thousands separators, full-width digits, signs, Chinese numerals
    (``三级``), ``百分之九十五`` and the multipliers 万 and 亿 (``5万件``) are read.

    Raises
    ------
    TargetSyntaxError
        If the text is not a number followed by an optional unit.
    UnknownUnitError
        If the unit is not in *units*.
    TypeError
        If *text* is not text or *units* not a
        :class:`~perfkpi.units.UnitRegistry`.

    Examples
    --------
    >>> parse_quantity("50,123件")
    Quantity(value=50123.0, unit=Unit(symbol='件', dimension='count', factor=1.0, aliases=(), name='count'))
    >>> str(parse_quantity("百分之九十五")), str(parse_quantity("1.2万人次"))
    ('95%', '12000人次')
    """  # noqa: E501 (a doctest output line)
    if not isinstance(text, str):
        msg = f"quantity must be a str, got {text!r} ({type(text).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    _checks.instance(units, UnitRegistry, "the unit registry")
    norm = _normalise(text)
    syntax = DEFAULT_SYNTAX if units is DEFAULT_UNITS else _syntax_with(units)
    parser = _Parser(text, norm, syntax, "higher", None)
    try:
        if not norm:
            raise _Fail(0, "a number with an optional unit")  # noqa: TRY301
        value = parser._quantity(0, len(norm))  # noqa: SLF001
    except _Fail as fail:
        raise _public_error(text, fail) from None
    return Quantity(value.lo, value.unit)


def parse_target(
    text: str,
    *,
    direction: Direction = "higher",
    units: UnitRegistry | None = None,
    scales: Iterable[LabelScale] | None = None,
    syntax: TargetSyntax | None = None,
    year: int | None = None,
    unit: str | Unit | None = None,
) -> Target:
    """Read a target as written in an indicator table.

    Parameters
    ----------
    text
        The target: ``"≥99%"``, ``"不低于95%"``, ``"3秒内"``, ``"≤1小时"``,
        ``"50,123件"``, ``"90%～110%"``, ``"[95%,105%]"``, ``"提升至3级"``,
        ``"全市第一"``, ``"2022年12月31日前"``, ``"是"``, ``"达成年度指标"``.
        Full-width characters are read as their ASCII forms; look-alike
        digits and operators (``①``, ``²``) are a
        :class:`~perfkpi.errors.TargetSyntaxError`.
    direction
        The comparator a bare number takes: ``"higher"`` (the default) reads
        ``"100%"`` as ``≥100%``, ``"lower"`` as ``≤100%``.  Bare dates are
        deadlines, bare ranks "this place or better" and bare labels "this label
        or better", whatever the direction.
    units
        The unit registry to read units from (default: the syntax's).
    scales
        The label scales a qualitative target may come from, searched in
        order (default: the syntax's).
    syntax
        The vocabulary: units, scales and extra words
        (default :data:`DEFAULT_SYNTAX`).
    year
        The year of a date written without one (``年底前``, ``12月31日前``).
    unit
        The indicator's unit (计量单位), as a symbol or a
        :class:`~perfkpi.units.Unit`: the context that decides a unit word
        with two readings: ``块`` is 元 where the unit is money (``≤5块`` with
        ``unit="元"`` is ``≤5元``), and otherwise the registry's count (5块
        of plots or boards).

    Returns
    -------
    Target

    Raises
    ------
    TargetSyntaxError
        With the character position and what was expected there; also for a
        look-alike digit (``①``, ``²``) and for a text longer than
        :data:`MAX_LENGTH` characters.
    UnknownUnitError
        If the unit (or *unit*) is not in the registry; close matches are
        suggested.
    IncompatibleUnitError
        If the two ends of a range measure different dimensions.
    TypeError
        If *text* is not text, or *units*, *scales*, *syntax* or *unit* is not
        of its type.
    ValueError
        If *direction* is not ``"higher"`` or ``"lower"``, or *year* is not a
        whole number from 1 to 9999.

    Notes
    -----
    Inclusive ends follow 《民法典》第1259条: 以上, 以下 and 以内 include the number
    itself; 不满, 超过 and 以外 exclude it.  The parser raises nothing but the
    first three errors (all :class:`~perfkpi.errors.PerfKPIError`) for any text.

    Examples
    --------
    >>> parse_target("不超过1小时"), parse_target("30%以下"), parse_target("100%")
    (Target('≤1小时'), Target('≤30%'), Target('≥100%'))
    >>> parse_target("(0%,10%]").is_met(0)
    False
    >>> parse_target("60分(含)-70分"), parse_target("60分以上不满70分")
    (Target('[60分,70分)'), Target('[60分,70分)'))
    >>> parse_target("年底前", year=2022)
    Target('≤2022-12-31')
    >>> parse_target("≥1e999999")
    Traceback (most recent call last):
    ...
    perfkpi.errors.TargetSyntaxError: cannot read '≥1e999999' at character 2: expected a number in plain decimal notation (no exponent)
    """  # noqa: E501 (a doctest output line)
    if not isinstance(text, str):
        msg = f"target must be a str, got {text!r} ({type(text).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    if not isinstance(direction, str) or direction not in ("higher", "lower"):
        msg = f"direction must be 'higher' or 'lower', not {direction!r:.60}"
        raise ValueError(msg)
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999  # noqa: PLR2004
    ):
        msg = f"year must be an int from 1 to 9999, not {year!r}"
        raise ValueError(msg)
    chosen = DEFAULT_SYNTAX
    if syntax is not None:
        chosen = _checks.instance(syntax, TargetSyntax, "the syntax")
    if units is not None:
        _checks.instance(units, UnitRegistry, "the unit registry")
    if units is not None or scales is not None:
        chosen = _syntax_with(
            units,
            None
            if scales is None
            else _checks.instances(scales, LabelScale, "the label scales"),
            base=chosen,
        )
    context: Unit | None = None
    if isinstance(unit, str):
        context = chosen.units.get(unit)
    elif unit is not None:
        context = _checks.instance(unit, Unit, "the indicator's unit")
    norm = _normalise(text)
    try:
        return _Parser(text, norm, chosen, direction, year, context).target()
    except _Fail as fail:
        raise _public_error(text, fail) from None
