"""Hypothesis strategies for testing code built on perfkpi.

Install the ``testing`` extra (``pip install 'perfkpi[testing]'``) to use this
module; ``import perfkpi`` never imports it, nor Hypothesis.

The strategies follow Hypothesis's own API style: each function returns a
strategy, every option is keyword-only, the defaults are as permissive as the
library allows, and a bad argument raises
:class:`~hypothesis.errors.InvalidArgument` when the strategy is first drawn
from, not when it is built.

================================  ==============================================
strategy                          draws
================================  ==============================================
:func:`targets`                   :class:`~perfkpi.targets.Target` values
:func:`target_texts`              target texts as people write them
                                  (``不低于95%``, ``3秒内``, ``90%～110%``)
:func:`units`                     :class:`~perfkpi.units.Unit` values
:func:`rules`                     scoring, penalty and aggregation rules
:func:`schemes`                   valid :class:`~perfkpi.scheme.Scheme` trees
                                  whose points add up
:func:`data_for`                  :class:`~perfkpi.deductions.Data` a given
                                  scheme can evaluate: actuals, findings, items,
                                  not-applicable markers
:func:`from_indicator`            actual values for an
                                  :class:`~perfkpi.indicators.Indicator`
================================  ==============================================

:func:`assert_evaluations_equal` compares two evaluations result by result and
names the first node that differs.

When Hypothesis is installed alongside perfkpi, ``st.from_type(perfkpi.Target)``
(and likewise :class:`~perfkpi.units.Unit`, :class:`~perfkpi.scheme.Scheme` and
every rule class) uses these strategies: perfkpi registers them through the
``hypothesis`` entry point, which runs only when Hypothesis is imported.

Examples
--------
Every scheme perfkpi can build evaluates, with any data it accepts, to a total
within the scheme's points:

>>> from hypothesis import given, settings
>>> from hypothesis import strategies as st
>>> from perfkpi import Rounding, evaluate
>>> from perfkpi.testing import data_for, schemes
>>> @settings(max_examples=20, deadline=None)
... @given(st.data(), schemes(max_depth=2, rounding=Rounding()))
... def test_total_within_points(data, scheme):
...     ev = evaluate(scheme, data.draw(data_for(scheme)))
...     assert 0 <= ev.total <= scheme.points
>>> test_total_within_points()

A bad argument is reported when the strategy is used:

>>> from perfkpi.testing import units
>>> @given(units(dimensions=["furlongs"]))
... def test_units(unit):
...     pass
>>> test_units()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
hypothesis.errors.InvalidArgument: dimensions=['furlongs'] names unknown dimensions
['furlongs']; the registry has ratio, percentage-point, count, ...
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import math
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import attrs

from perfkpi.deductions import Data, Finding, Item
from perfkpi.evaluation import Evaluation
from perfkpi.grades import PEFA, PEFA_GRADES, STANDARD_SCALES, GradeScale
from perfkpi.indicators import Indicator
from perfkpi.plan import effective_rule
from perfkpi.rounding import Rounding, RoundingMode, RoundingStage
from perfkpi.rules import (
    RULE_KINDS,
    AllOrNothing,
    Band,
    Bands,
    Categorical,
    Checklist,
    Deadline,
    Deduct,
    Distance,
    Equal,
    Goalposts,
    Grade,
    GradeTable,
    LowerLinear,
    Mean,
    PerBlock,
    PerPoint,
    PerUnmet,
    Proportional,
    Qualitative,
    Rule,
    RuleBase,
    Shortfall,
    Sum,
    WeakestLink,
    _ambiguity,
)
from perfkpi.scheme import Node, Override, Scheme
from perfkpi.targets import (
    DEFAULT_SCALES,
    Comparator,
    Target,
    format_number,
    parse_target,
)
from perfkpi.units import DEFAULT_UNITS, Unit, UnitRegistry


def _hypothesis_setup_hook() -> None:
    """Register these strategies with :func:`hypothesis.strategies.from_type`.

    Hypothesis runs this hook (declared under the ``hypothesis`` entry point in
    perfkpi's metadata) at the end of its own import.  It is defined before
    this module imports Hypothesis: when this module is what first imports
    Hypothesis, the hook is called while the rest of the module is not yet
    defined, so it names the strategies only inside functions that run when
    a test asks for a type.
    """
    from hypothesis import strategies as hst  # noqa: PLC0415 (see above)

    from perfkpi.rules import RULE_KINDS as kinds  # noqa: PLC0415, N811
    from perfkpi.scheme import Scheme as scheme_type  # noqa: PLC0415, N813
    from perfkpi.targets import Target as target_type  # noqa: PLC0415, N813
    from perfkpi.units import Unit as unit_type  # noqa: PLC0415, N813

    hst.register_type_strategy(target_type, lambda _: targets())
    hst.register_type_strategy(unit_type, lambda _: units())
    hst.register_type_strategy(scheme_type, lambda _: schemes())
    for kind, cls in kinds.items():
        hst.register_type_strategy(cls, _rules_of_kind(kind))


def _rules_of_kind(kind: str) -> Callable[[type], Any]:
    return lambda _: rules(kinds=[kind])


from hypothesis import strategies as st  # noqa: E402 (after the hook)
from hypothesis.errors import InvalidArgument  # noqa: E402

__all__ = [
    "SCORE_KINDS",
    "SPECIAL_DIMENSIONS",
    "assert_evaluations_equal",
    "data_for",
    "from_indicator",
    "rules",
    "schemes",
    "target_texts",
    "targets",
    "units",
]

T = TypeVar("T")

SPECIAL_DIMENSIONS = ("date", "rank")
"""Dimensions whose values are written in forms of their own (``第3名``, dates);
:func:`target_texts` leaves them out unless their units are asked for."""

SCORE_KINDS = (
    "all-or-nothing",
    "bands",
    "categorical",
    "checklist",
    "deadline",
    "distance",
    "equal",
    "goalposts",
    "lower-linear",
    "per-block",
    "per-point",
    "proportional",
    "qualitative",
)
"""The leaf-scoring rule kinds :func:`schemes` places on ordinary leaves."""

_ORDINAL_NODE_KINDS = ("grade-table", "weakest-link")
_PEFA_LABELS = ("A", "B+", "B", "C+", "C", "D+", "D")
_NAMES = (
    "预算执行率",
    "履职效能",
    "管理效率",
    "网上立案率",
    "在线庭审率",
    "系统故障平均响应时间",
    "满意度",
    "产出",
    "效益",
    "资金结余",
    "Budget execution",
)
_CATEGORIES = ("无结余", "有结余但不超过上年结转", "超过上年结转", "是", "部分", "否")
_CHECK_ITEMS = ("预算管理制度", "财务管理制度", "采购管理制度", "资产管理制度")
_REASONS = ("未按时报送", "信息公开不及时", "合同备案超期", "资产账实不符")


# -- argument checking ---------------------------------------------------------


def _fail(msg: str) -> InvalidArgument:
    return InvalidArgument(msg)


def _lazy(build: Callable[[], st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Return a strategy built (and its arguments checked) when first drawn."""
    return st.deferred(build)


def _check_type(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if isinstance(value, bool) and kind is not bool and bool not in _tuple(kind):
        msg = f"{name}={value!r} must be {_kind_name(kind)}, not a bool"
        raise _fail(msg)
    if not isinstance(value, kind):
        msg = (
            f"{name}={value!r} must be {_kind_name(kind)} (got {type(value).__name__})"
        )
        raise _fail(msg)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in _tuple(kind))


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    _check_type(name, value, int)
    assert isinstance(value, int)  # noqa: S101 (narrowing after the check)
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        msg = f"{name}={value!r} must be >= {low}{upper}"
        raise _fail(msg)
    return value


def _check_number(name: str, value: object, *, positive: bool = False) -> float:
    _check_type(name, value, (int, float, decimal.Decimal))
    assert isinstance(value, int | float | decimal.Decimal)  # noqa: S101
    number = float(value)
    if not math.isfinite(number):
        msg = f"{name}={value!r} must be a finite number"
        raise _fail(msg)
    if positive and number <= 0:
        msg = f"{name}={value!r} must be > 0"
        raise _fail(msg)
    if number < 0:
        msg = f"{name}={value!r} must be >= 0"
        raise _fail(msg)
    return number


def _check_bounds(
    min_value: object, max_value: object
) -> tuple[decimal.Decimal, decimal.Decimal]:
    low = _as_bound("min_value", min_value, -1e9)
    high = _as_bound("max_value", max_value, 1e9)
    if low > high:
        msg = f"min_value={min_value!r} is greater than max_value={max_value!r}"
        raise _fail(msg)
    return low, high


def _as_bound(name: str, value: object, default: float) -> decimal.Decimal:
    if value is None:
        return decimal.Decimal(repr(default))
    _check_type(name, value, (int, float, decimal.Decimal))
    assert isinstance(value, int | float | decimal.Decimal)  # noqa: S101
    if not math.isfinite(float(value)):
        msg = f"{name}={value!r} must be a finite number"
        raise _fail(msg)
    if abs(float(value)) > 1e15:  # noqa: PLR2004
        msg = f"{name}={value!r} must be within ±1e15 to be written exactly"
        raise _fail(msg)
    return decimal.Decimal(repr(float(value)))


def _check_registry(registry: object) -> UnitRegistry:
    _check_type("registry", registry, UnitRegistry)
    assert isinstance(registry, UnitRegistry)  # noqa: S101
    return registry


def _collection(name: str, value: object) -> list[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{name}={value!r} must be a collection (a list or tuple)"
        raise _fail(msg)
    out = list(value)
    if not out:
        msg = f"{name}={value!r} must not be empty"
        raise _fail(msg)
    return out


# -- numbers -------------------------------------------------------------------


@st.composite
def _decimals(
    draw: st.DrawFn, low: decimal.Decimal, high: decimal.Decimal, places: int
) -> decimal.Decimal:
    """Draw a decimal in ``[low, high]`` with at most *places* decimals."""
    scale = 10**places
    first = math.ceil(low * scale)
    last = math.floor(high * scale)
    if first > last:  # no number with that many places in the interval
        return low
    n = draw(st.integers(first, last))
    return decimal.Decimal(n).scaleb(-places).normalize() + 0


def _text(number: decimal.Decimal, *, grouped: bool = False) -> str:
    """Write *number* positionally (``12.5``, ``8,634.17`` when grouped)."""
    number = number.normalize() + 0
    if number == number.to_integral_value():
        number = number.quantize(decimal.Decimal(1))
    return f"{number:,f}" if grouped else f"{number:f}"


# -- units ---------------------------------------------------------------------


def units(
    *,
    dimensions: Collection[str] | None = None,
    registry: UnitRegistry = DEFAULT_UNITS,
) -> st.SearchStrategy[Unit]:
    """Return a strategy for units of *registry*.

    Parameters
    ----------
    dimensions
        Draw only units of these dimensions (``"ratio"``, ``"duration"``, …);
        ``None`` (the default) draws from every unit.
    registry
        The unit registry to draw from.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi.testing import units
    >>> @given(units(dimensions=["duration"]))
    ... def test_hours(unit):
    ...     assert unit.dimension == "duration"
    >>> test_hours()
    """

    def build() -> st.SearchStrategy[Unit]:
        reg = _check_registry(registry)
        pool = list(reg.units)
        if dimensions is not None:
            wanted = _collection("dimensions", dimensions)
            unknown = [d for d in wanted if d not in reg.dimensions()]
            if unknown:
                known = ", ".join(reg.dimensions())
                msg = (
                    f"dimensions={wanted!r} names unknown dimensions {unknown!r}; "
                    f"the registry has {known}"
                )
                raise _fail(msg)
            pool = [u for u in pool if u.dimension in wanted]
        return st.sampled_from(pool)

    return _lazy(build)


# -- targets -------------------------------------------------------------------

_SYMBOLS: dict[Comparator, tuple[str, ...]] = {
    Comparator.GE: ("≥", ">=", "≧", "＞＝"),
    Comparator.GT: (">", "＞"),
    Comparator.LE: ("≤", "<=", "≦", "＜＝"),
    Comparator.LT: ("<", "＜"),
    Comparator.EQ: ("=", "==", "＝"),
}
_PREFIX_WORDS: dict[Comparator, tuple[str, ...]] = {
    Comparator.GE: ("不低于", "不少于", "不小于", "大于等于", "至少", "达到", "提升至"),
    Comparator.GT: ("高于", "大于", "超过", "多于"),
    Comparator.LE: (
        "不高于",
        "不超过",
        "不大于",
        "不多于",
        "小于等于",
        "至多",
        "控制在",
    ),
    Comparator.LT: ("低于", "少于", "小于", "不满"),
    Comparator.EQ: ("等于",),
}
_SUFFIX_WORDS: dict[Comparator, tuple[str, ...]] = {
    Comparator.GE: ("以上", "及以上"),
    Comparator.GT: ("以外",),
    Comparator.LE: ("以下", "及以下", "以内", "之内", "内"),
}
_LABEL_PREFIX_WORDS: dict[Comparator, tuple[str, ...]] = {
    Comparator.GE: ("不低于", "至少", "达到"),
    Comparator.GT: ("高于", "优于"),
    Comparator.LE: ("不高于", "至多"),
    Comparator.LT: ("低于", "劣于"),
    Comparator.EQ: ("等于",),
}
_LABEL_SUFFIX_WORDS: dict[Comparator, tuple[str, ...]] = {
    Comparator.GE: ("以上", "及以上"),
    Comparator.LE: ("以下", "及以下"),
}
_RANGE_SEPARATORS = ("~", "～", "至", "到", "—", "–", "-")
"""Spellings of 《民法典》-style targets that :func:`target_texts` writes; each is
in the grammar of :func:`~perfkpi.targets.parse_target` (see *Targets as people
write them*)."""


def _comparators(value: Collection[Comparator | str] | None) -> list[Comparator]:
    if value is None:
        return list(Comparator)
    out: list[Comparator] = []
    for item in _collection("comparators", value):
        try:
            out.append(Comparator(item))
        except ValueError:
            known = ", ".join(repr(c.value) for c in Comparator)
            msg = f"comparators: {item!r} is not a comparator; expected {known}"
            raise _fail(msg) from None
    return out


def _unit_pool(
    value: Iterable[Unit | str | None] | None, registry: UnitRegistry
) -> list[Unit | None]:
    if value is None:
        plain = [u for u in registry.units if u.dimension not in SPECIAL_DIMENSIONS]
        return [None, *plain]
    out: list[Unit | None] = []
    for item in _collection("units", value):
        if item is None:
            out.append(None)
            continue
        symbol = item.symbol if isinstance(item, Unit) else item
        if not isinstance(symbol, str) or registry.find(symbol) is None:
            msg = f"units: {item!r} is not a unit of the registry"
            raise _fail(msg)
        found = registry.find(symbol)
        if isinstance(item, Unit) and found != item:
            msg = f"units: {item!r} differs from the registry's {found!r}"
            raise _fail(msg)
        out.append(found)
    return out


@attrs.frozen
class _TextOptions:
    comparators: tuple[Comparator, ...]
    units: tuple[Unit | None, ...]
    low: decimal.Decimal
    high: decimal.Decimal
    places: int
    labels: bool
    words: bool
    registry: UnitRegistry


def _text_options(
    comparators: Collection[Comparator | str] | None,
    unit_choice: Iterable[Unit | str | None] | None,
    min_value: float | None,
    max_value: float | None,
    max_places: int,
    allow_labels: bool,
    allow_words: bool,
    registry: UnitRegistry,
) -> _TextOptions:
    reg = _check_registry(registry)
    comps = _comparators(comparators)
    pool = _unit_pool(unit_choice, reg)
    low, high = _check_bounds(min_value, max_value)
    places = _check_int("max_places", max_places, 0, 6)
    _check_type("allow_labels", allow_labels, bool)
    _check_type("allow_words", allow_words, bool)
    return _TextOptions(
        tuple(comps), tuple(pool), low, high, places, allow_labels, allow_words, reg
    )


def _unit_text(draw: st.DrawFn, unit: Unit | None) -> str:
    if unit is None:
        return ""
    spellings = [unit.symbol, *unit.aliases]
    return draw(st.sampled_from(spellings))


@st.composite
def _quantity_text(
    draw: st.DrawFn,
    opts: _TextOptions,
    unit: Unit | None,
    *,
    grouped: bool,
    low: decimal.Decimal | None = None,
) -> tuple[decimal.Decimal, str]:
    places = draw(st.integers(0, opts.places))
    number = draw(_decimals(opts.low if low is None else low, opts.high, places))
    group = grouped and draw(st.booleans())
    space = draw(st.sampled_from(("", "", " ")))
    return number, _text(number, grouped=group) + space + _unit_text(draw, unit)


@st.composite
def _one_sided_text(
    draw: st.DrawFn, opts: _TextOptions, comparator: Comparator, unit: Unit | None
) -> str:
    _, body = draw(_quantity_text(opts, unit, grouped=True))
    forms = ["symbol"]
    if opts.words and comparator in _PREFIX_WORDS:
        forms.append("prefix")
    if opts.words and comparator in _SUFFIX_WORDS:
        forms.append("suffix")
    if comparator is Comparator.GE:
        forms.append("bare")
    form = draw(st.sampled_from(forms))
    if form == "prefix":
        return draw(st.sampled_from(_PREFIX_WORDS[comparator])) + body
    if form == "suffix":
        return body + draw(st.sampled_from(_SUFFIX_WORDS[comparator]))
    if form == "bare":
        return body
    return draw(st.sampled_from(_SYMBOLS[comparator])) + body


@st.composite
def _range_text(draw: st.DrawFn, opts: _TextOptions, unit: Unit | None) -> str:
    lo, lo_text = draw(_quantity_text(opts, None, grouped=False))
    hi, hi_text = draw(_quantity_text(opts, None, grouped=False, low=lo))
    symbol = _unit_text(draw, unit)
    left = lo_text + (symbol if draw(st.booleans()) else "")
    right = hi_text + symbol
    if draw(st.booleans()):
        # an open end needs a non-empty interval
        opening = draw(st.sampled_from("[(")) if lo < hi else "["
        closing = draw(st.sampled_from("])")) if lo < hi else "]"
        return f"{opening}{left},{right}{closing}"
    separators = _RANGE_SEPARATORS if opts.words else ("~", "～", "-")
    return left + draw(st.sampled_from(separators)) + right


@st.composite
def _label_text(draw: st.DrawFn, opts: _TextOptions) -> str:
    scale = draw(st.sampled_from(DEFAULT_SCALES))
    label = draw(st.sampled_from(scale.labels))
    comps = [c for c in opts.comparators if c is not Comparator.RANGE]
    comparator = draw(st.sampled_from(comps))
    forms = ["symbol"]
    if comparator is Comparator.GE:
        forms.append("bare")
    if opts.words and comparator in _LABEL_PREFIX_WORDS:
        forms.append("prefix")
    if opts.words and comparator in _LABEL_SUFFIX_WORDS:
        forms.append("suffix")
    form = draw(st.sampled_from(forms))
    if form == "bare":
        return label
    if form == "prefix":
        return draw(st.sampled_from(_LABEL_PREFIX_WORDS[comparator])) + label
    if form == "suffix":
        return label + draw(st.sampled_from(_LABEL_SUFFIX_WORDS[comparator]))
    return draw(st.sampled_from(_SYMBOLS[comparator])) + label


@st.composite
def _target_text(draw: st.DrawFn, opts: _TextOptions) -> str:
    numeric = any(c is not Comparator.RANGE for c in opts.comparators)
    can_label = opts.labels and numeric
    if can_label and draw(st.integers(0, 5)) == 0:
        return draw(_label_text(opts))
    comparator = draw(st.sampled_from(opts.comparators))
    unit = draw(st.sampled_from(opts.units))
    if comparator is Comparator.RANGE:
        return draw(_range_text(opts, unit))
    return draw(_one_sided_text(opts, comparator, unit))


def target_texts(
    *,
    comparators: Collection[Comparator | str] | None = None,
    units: Iterable[Unit | str | None] | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    max_places: int = 4,
    allow_labels: bool = True,
    allow_words: bool = True,
    registry: UnitRegistry = DEFAULT_UNITS,
) -> st.SearchStrategy[str]:
    """Return a strategy for target texts as people write them.

    Texts use the symbols (``≥99%``, ``>=99%``, full-width ``＞＝99％``), the
    comparator words (``不低于95%``, ``8小时以上``, ``3秒内``), bare values
    (``100%``, read as ``≥``), ranges (``90%～110%``, ``[95%,105%]``), unit
    aliases (``2h``), thousands separators (``50,123件``) and labels (``是``,
    ``良以上``).  Every text parses with
    :func:`~perfkpi.targets.parse_target` (given *registry*).

    Parameters
    ----------
    comparators
        The comparators to draw (:class:`~perfkpi.targets.Comparator` values
        or their text, ``"≥"`` … ``"range"``); all by default.
    units
        The units values are written in: symbols or
        :class:`~perfkpi.units.Unit` values of *registry*, ``None`` meaning a
        bare number.  By default every unit
        except dates and ranks (``SPECIAL_DIMENSIONS``), and bare numbers.
    min_value, max_value
        Bounds of the numbers written (default ±1e9; at most ±1e15).
    max_places
        The most decimal places a number is written with (0 to 6).
    allow_labels
        Whether label targets (``是``, ``≥良``) may be drawn.
    allow_words
        Whether comparator words (``不低于``, ``以内``) may be drawn, besides
        symbols.
    registry
        The unit registry the texts are written for.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi import parse_target
    >>> from perfkpi.testing import target_texts
    >>> @given(target_texts(units=["%"], comparators=["≥"], allow_labels=False))
    ... def test_reads(text):
    ...     target = parse_target(text)
    ...     assert target.comparator == "≥" and target.unit.symbol == "%"
    >>> test_reads()
    """

    def build() -> st.SearchStrategy[str]:
        opts = _text_options(
            comparators,
            units,
            min_value,
            max_value,
            max_places,
            allow_labels,
            allow_words,
            registry,
        )
        return _target_text(opts)

    return _lazy(build)


def targets(
    *,
    comparators: Collection[Comparator | str] | None = None,
    units: Iterable[Unit | str | None] | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
    max_places: int = 4,
    allow_labels: bool = True,
    registry: UnitRegistry = DEFAULT_UNITS,
) -> st.SearchStrategy[Target]:
    """Return a strategy for :class:`~perfkpi.targets.Target` values.

    Each target is parsed from a text of :func:`target_texts` (with the same
    options), so it is exactly what :func:`~perfkpi.targets.parse_target` can
    return.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi import parse_target
    >>> from perfkpi.testing import targets
    >>> @given(targets())
    ... def test_round_trip(target):
    ...     assert parse_target(str(target)) == target
    >>> test_round_trip()
    """

    def build() -> st.SearchStrategy[Target]:
        reg = _check_registry(registry)
        texts = target_texts(
            comparators=comparators,
            units=units,
            min_value=min_value,
            max_value=max_value,
            max_places=max_places,
            allow_labels=allow_labels,
            registry=reg,
        )
        return texts.map(lambda text: parse_target(text, units=reg))

    return _lazy(build)


# -- rules ---------------------------------------------------------------------


def _points_decimal(points: float) -> decimal.Decimal:
    return decimal.Decimal(repr(float(points)))


@st.composite
def _amount(draw: st.DrawFn, high: decimal.Decimal, *, positive: bool = False) -> float:
    low = decimal.Decimal("0.01") if positive else decimal.Decimal(0)
    high = max(high, low)
    places = draw(st.integers(0, 2))
    return float(draw(_decimals(low, high, places)))


@st.composite
def _band_rule(draw: st.DrawFn, points: decimal.Decimal) -> Bands:
    unit = draw(st.sampled_from([None, *_common_units()]))
    opts = _text_options(
        [c for c in Comparator if c is not Comparator.EQ] + [Comparator.EQ],
        [unit],
        -1000,
        1000,
        2,
        False,
        True,
        DEFAULT_UNITS,
    )
    count = draw(st.integers(1, 4))
    bands = [
        Band(parse_target(draw(_target_text(opts))), draw(_amount(points)))
        for _ in range(count)
    ]
    otherwise = draw(st.sampled_from([0.0, float(points) / 2]))
    places = draw(st.none() | st.integers(0, 3))
    return Bands(bands, otherwise, places)


def _common_units() -> list[Unit]:
    return [DEFAULT_UNITS.get(s) for s in ("%", "‰", "件", "万元", "小时", "天", "分")]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@st.composite
def _labels(draw: st.DrawFn, pool: Sequence[str], max_size: int) -> list[str]:
    label = st.sampled_from(pool) | st.text(min_size=1, max_size=6)
    return draw(st.lists(label, min_size=1, max_size=max_size, unique_by=_normal))


@st.composite
def _categorical_rule(draw: st.DrawFn, points: decimal.Decimal) -> Categorical:
    labels = draw(_labels(_CATEGORIES, 4))
    return Categorical({label: draw(_amount(points)) for label in labels})


@st.composite
def _checklist_rule(draw: st.DrawFn, points: decimal.Decimal) -> Checklist:
    items = draw(st.just([]) | _labels(_CHECK_ITEMS, 5))
    return Checklist(draw(_amount(max(points, decimal.Decimal(1)))), items)


@st.composite
def _goalposts_rule(draw: st.DrawFn) -> Goalposts:
    log = draw(st.booleans())
    low = decimal.Decimal("0.01") if log else decimal.Decimal(-1000)
    a = draw(_decimals(low, decimal.Decimal(100000), 2))
    b = draw(_decimals(low, decimal.Decimal(100000), 2).filter(lambda x: x != a))
    return Goalposts(float(a), float(b), log)


def _full_table(size: int) -> dict[str, str]:
    """Return a conversion table for every multiset of 1 to *size* PEFA grades.

    Each row gives the grade of the mean rank, rounded down to a half step
    (in the manner of PEFA's M2 method).
    """
    table: dict[str, str] = {}
    for k in range(1, size + 1):
        for combo in itertools.combinations_with_replacement(_PEFA_LABELS, k):
            mean = sum(PEFA.rank(g) for g in combo) / k
            table[",".join(sorted(combo))] = PEFA_GRADES.grade(math.floor(mean * 2) / 2)
    return table


@st.composite
def _grade_table_rule(draw: st.DrawFn) -> GradeTable:
    rows = st.lists(st.sampled_from(_PEFA_LABELS), min_size=1, max_size=3)
    keys = draw(st.lists(rows, min_size=1, max_size=5))
    return GradeTable({",".join(k): draw(st.sampled_from(_PEFA_LABELS)) for k in keys})


def _simple(rule: RuleBase) -> Callable[[decimal.Decimal], st.SearchStrategy[Any]]:
    return lambda _: st.just(rule)


_TEN = decimal.Decimal(10)
_NA_POLICIES = (None, "reweight", "full")

_RULE_BUILDERS: dict[str, Callable[[decimal.Decimal], st.SearchStrategy[Any]]] = {
    "proportional": _simple(Proportional()),
    "lower-linear": _simple(LowerLinear()),
    "all-or-nothing": _simple(AllOrNothing()),
    "equal": _simple(Equal()),
    "distance": _simple(Distance()),
    "qualitative": _simple(Qualitative()),
    "grade": _simple(Grade()),
    "weakest-link": _simple(WeakestLink()),
    "per-point": lambda _: st.builds(
        PerPoint, _amount(_TEN), _amount(_TEN, positive=True)
    ),
    "per-block": lambda _: st.builds(
        PerBlock, _amount(_TEN), _amount(_TEN, positive=True)
    ),
    "bands": _band_rule,
    "categorical": _categorical_rule,
    "checklist": _checklist_rule,
    "goalposts": lambda _: _goalposts_rule(),
    "per-unmet": lambda _: st.builds(PerUnmet, _amount(_TEN)),
    "deadline": lambda _: st.builds(
        Deadline,
        st.none() | _amount(_TEN),
        st.sampled_from(["day", "working-day", "week", "month"]),
        st.booleans(),
    ),
    "shortfall": lambda _: st.builds(Shortfall, _amount(_TEN)),
    "sum": lambda _: st.builds(Sum, st.sampled_from(_NA_POLICIES)),
    "deduct": lambda _: st.builds(Deduct, _amount(_TEN), st.none() | _amount(_TEN)),
    "mean": lambda _: st.builds(Mean, st.sampled_from(["arithmetic", "geometric"])),
    "grade-table": lambda _: _grade_table_rule(),
}
"""How to draw a rule of each kind, given the points of the node it scores."""


def _rule_strategy(
    kind: str, points: decimal.Decimal | None = None
) -> st.SearchStrategy[Any]:
    return _RULE_BUILDERS[kind](decimal.Decimal(100) if points is None else points)


def _kinds(value: Collection[str] | None) -> list[str]:
    if value is None:
        return list(RULE_KINDS)
    out = _collection("kinds", value)
    unknown = [k for k in out if k not in RULE_KINDS]
    if unknown:
        known = ", ".join(sorted(RULE_KINDS))
        msg = f"kinds: unknown rule kinds {unknown!r}; expected some of {known}"
        raise _fail(msg)
    return out


def rules(
    *, kinds: Collection[str] | None = None, points: float | None = None
) -> st.SearchStrategy[Rule]:
    """Return a strategy for rules of the rule library.

    Parameters
    ----------
    kinds
        The rule kinds to draw (names of :data:`perfkpi.rules.RULE_KINDS`:
        ``"proportional"``, ``"bands"``, ``"deduct"``, …); all by default.
    points
        If given, draw only rules that fit a node with these full points: the
        points a band or category gives stay within them, and ``grade``,
        ``weakest-link`` and ``grade-table`` are drawn only for the PEFA top
        rank 4.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi.rules import rule_from_dict, rule_to_dict
    >>> from perfkpi.testing import rules
    >>> @given(rules())
    ... def test_file_form(rule):
    ...     assert rule_from_dict(rule_to_dict(rule)) == rule
    >>> test_file_form()
    """

    def build() -> st.SearchStrategy[Rule]:
        wanted = _kinds(kinds)
        cap = None
        if points is not None:
            cap = _points_decimal(_check_number("points", points))
            ordinal = ("grade", *_ORDINAL_NODE_KINDS)
            if float(points) != PEFA.top:
                wanted = [k for k in wanted if k not in ordinal]
            if not wanted:
                msg = (
                    f"kinds={kinds!r} with points={points!r}: ordinal rules need "
                    f"points = {PEFA.top:g}, so no rule can be drawn"
                )
                raise _fail(msg)
        strategies = [_rule_strategy(k, cap) for k in wanted]
        out: st.SearchStrategy[Any] = st.one_of(strategies)
        return out

    return _lazy(build)


# -- schemes -------------------------------------------------------------------


@attrs.frozen
class _SchemeOptions:
    max_depth: int
    max_children: int
    kinds: frozenset[str]
    total: decimal.Decimal | None
    rounding: Rounding | None
    grades: GradeScale | None
    step: int = 1
    """The granularity of points, in cents: 100 for whole points."""

    @property
    def score_kinds(self) -> list[str]:
        return [k for k in SCORE_KINDS if k in self.kinds]

    @property
    def ordinal(self) -> bool:
        return "grade" in self.kinds and bool(self.kinds & {*_ORDINAL_NODE_KINDS})

    @property
    def inner_kinds(self) -> list[str]:
        return [k for k in ("sum", "mean", "deduct") if k in self.kinds]


def _cents(value: decimal.Decimal) -> int:
    return int(value * 100)


def _points_of(cents: int) -> float:
    return float(decimal.Decimal(cents).scaleb(-2))


@st.composite
def _partition(
    draw: st.DrawFn, cents: int, fixed: Sequence[int | None], step: int
) -> list[int]:
    """Split *cents* among children in multiples of *step*.

    A child with a fixed share gets exactly it; the others share the rest.
    """
    free = [i for i, f in enumerate(fixed) if f is None]
    rest = (cents - sum(f for f in fixed if f is not None)) // step
    cuts = sorted(draw(st.integers(0, rest)) for _ in range(max(len(free) - 1, 0)))
    bounds = [0, *cuts, rest]
    shares = [(b - a) * step for a, b in itertools.pairwise(bounds)]
    out = [f if f is not None else 0 for f in fixed]
    for i, share in zip(free, shares, strict=False):
        out[i] = share
    return out


_ONE_SIDED = [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT]
_LEAF_TARGETS: dict[str, list[Comparator] | None] = {
    "proportional": _ONE_SIDED,
    "all-or-nothing": list(Comparator),
    "distance": [*_ONE_SIDED, Comparator.EQ],
    "lower-linear": [Comparator.LE, Comparator.LT],
    "equal": [Comparator.EQ],
    "per-point": [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT],
    "per-block": [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT],
}


@st.composite
def _deadline_text(draw: st.DrawFn) -> str:
    """Draw a deadline as written in indicator tables: ``2023年11月30日前``."""
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    form = draw(st.sampled_from(["{y}年{m}月{d}日前", "≤{iso}", "{y}年{m}月{d}日之前"]))
    return form.format(y=day.year, m=day.month, d=day.day, iso=day.isoformat())


@st.composite
def _leaf_target(draw: st.DrawFn, kind: str) -> Target | None:
    if kind == "deadline":
        return parse_target(draw(_deadline_text()))
    comparators = _LEAF_TARGETS.get(kind)
    if comparators is None:
        return None
    # each rule's targets are the kinds it reads (perfkpi.rules.value_kind_table):
    # a ratio needs a target above zero, and only some rules read labels
    labels = kind == "all-or-nothing"
    low = 0.01 if kind in ("proportional", "lower-linear") else -100000
    opts = _text_options(comparators, None, low, 100000, 2, labels, True, DEFAULT_UNITS)
    return parse_target(draw(_target_text(opts)))


def _reads(rule: RuleBase, target: Target | None) -> bool:
    """Whether *rule* can score a node with *target* (its value kind and sides)."""
    node = Node("x", "x", points=1.0, rule=rule, target=target)  # type: ignore[arg-type]
    return not any(rule.problems(node))


@st.composite
def _leaf(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, cents: int
) -> list[Node]:
    kind = draw(st.sampled_from(opts.score_kinds))
    points = decimal.Decimal(cents).scaleb(-2)
    rule = draw(_rule_strategy(kind, points))
    target = draw(_leaf_target(kind).filter(partial(_reads, rule)))
    name = draw(_node_name())
    return [Node(code, name, parent, _points_of(cents), rule, target)]


def _words(pool: Sequence[str]) -> st.SearchStrategy[str]:
    """Text that says something: from *pool*, or any text that is not blank."""
    return st.sampled_from(pool) | st.text(min_size=1, max_size=10).filter(str.strip)


def _node_name() -> st.SearchStrategy[str]:
    return st.sampled_from(_NAMES) | st.text(max_size=8)


@st.composite
def _ordinal(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, depth: int
) -> list[Node]:
    kind = draw(st.sampled_from([k for k in _ORDINAL_NODE_KINDS if k in opts.kinds]))
    count = draw(st.integers(1, min(opts.max_children, 3)))
    rule: Rule = (
        WeakestLink() if kind == "weakest-link" else GradeTable(_full_table(count))
    )
    nodes = [Node(code, draw(_node_name()), parent, PEFA.top, rule)]
    for i in range(1, count + 1):
        child = f"{code}.{i}"
        if depth < opts.max_depth - 1 and draw(st.integers(0, 3)) == 0:
            nodes += draw(_ordinal(opts, child, code, depth + 1))
        else:
            nodes.append(Node(child, draw(_node_name()), code, PEFA.top, Grade()))
    return nodes


@st.composite
def _deduct(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, cents: int
) -> list[Node]:
    rule = draw(_rule_strategy("deduct"))
    nodes = [Node(code, draw(_node_name()), parent, _points_of(cents), rule)]
    penalties: list[st.SearchStrategy[Any]] = []
    if "per-unmet" in opts.kinds:
        penalties += [st.none(), _rule_strategy("per-unmet")]
    if "shortfall" in opts.kinds:
        penalties.append(_rule_strategy("shortfall"))
    if not penalties:
        return nodes
    for i in range(1, draw(st.integers(0, opts.max_children)) + 1):
        item_rule = draw(st.one_of(penalties))
        target = draw(
            _leaf_target("proportional").filter(
                partial(_reads, item_rule or PerUnmet())
            )
        )
        name = draw(_node_name())
        nodes.append(Node(f"{code}.{i}", name, code, None, item_rule, target))
    return nodes


def _choices(opts: _SchemeOptions, depth: int) -> list[str]:
    choices = ["leaf"] if opts.score_kinds else []
    if depth < opts.max_depth:
        choices += [k for k in ("sum", "mean") if k in opts.kinds]
        if opts.ordinal:
            choices.append("ordinal")
    if "deduct" in opts.kinds:
        choices.append("deduct")
    return choices


_ORDINAL_CENTS = 400


@st.composite
def _children(
    draw: st.DrawFn,
    opts: _SchemeOptions,
    parent: str | None,
    cents: int | None,
    depth: int,
) -> list[Node]:
    """Draw the children of *parent*: points add up to *cents*, or free (mean)."""
    count = draw(st.integers(1, opts.max_children))
    prefix = "" if parent is None else f"{parent}."
    shapes = [draw(st.sampled_from(_choices(opts, depth))) for _ in range(count)]
    fallback = "leaf" if opts.score_kinds else "deduct"
    if cents is None:  # the children of a mean: any points > 0 weigh them
        shares = [
            _ORDINAL_CENTS
            if s == "ordinal"
            else draw(st.integers(1, 10000 // opts.step)) * opts.step
            for s in shapes
        ]
    else:
        # an ordinal child has exactly 4 points; demote those that do not fit
        while shapes.count("ordinal") * _ORDINAL_CENTS > cents:
            shapes[shapes.index("ordinal")] = fallback
        only_ordinal = shapes.count("ordinal") == len(shapes)
        if only_ordinal and len(shapes) * _ORDINAL_CENTS != cents:
            shapes[-1] = fallback  # a free child takes the rest
        fixed = [_ORDINAL_CENTS if s == "ordinal" else None for s in shapes]
        shares = draw(_partition(cents, fixed, opts.step))
    nodes: list[Node] = []
    for i, (shape, share) in enumerate(zip(shapes, shares, strict=True), start=1):
        code = f"{prefix}{i}"
        if shape == "leaf":
            nodes += draw(_leaf(opts, code, parent, share))
        elif shape == "ordinal":
            nodes += draw(_ordinal(opts, code, parent, depth))
        elif shape == "deduct":
            nodes += draw(_deduct(opts, code, parent, share))
        else:
            rule = draw(_rule_strategy(shape))
            if shape == "sum" and draw(st.booleans()):
                rule = None  # a node with children is a sum by default
            node = Node(code, draw(_node_name()), parent, _points_of(share), rule)
            below = None if shape == "mean" else share
            nodes += [node, *draw(_children(opts, code, below, depth + 1))]
    return nodes


@st.composite
def _total(draw: st.DrawFn, step: int) -> decimal.Decimal:
    whole = st.integers(1, 1000).map(decimal.Decimal)
    places = {1: 2, 10: 1, 100: 0}[step]
    fine = _decimals(decimal.Decimal(1).scaleb(-places), decimal.Decimal(1000), places)
    out: decimal.Decimal = draw(st.just(decimal.Decimal(100)) | whole | fine)
    return out


@st.composite
def _override(draw: st.DrawFn, nodes: Sequence[Node]) -> list[Override]:
    with_target = [n.code for n in nodes if n.target is not None]
    if not with_target or not draw(st.booleans()):
        return []
    grade = draw(st.sampled_from(["Results Not Demonstrated", "不合格"]))
    return [Override(draw(st.sampled_from(with_target)), grade)]


def _arithmetic(node: Node) -> Node:
    if isinstance(node.rule, Mean) and node.rule.mean == "geometric":
        return attrs.evolve(node, rule=Mean("arithmetic"))
    return node


@st.composite
def _scheme(draw: st.DrawFn, opts: _SchemeOptions) -> Scheme:
    rounding = opts.rounding
    if rounding is None:
        rounding = Rounding(
            draw(st.integers(0, 4)),
            draw(st.sampled_from(RoundingMode)),
            draw(st.sampled_from(RoundingStage)),
        )
    # points have no more decimals than scores are rounded to, so that a
    # rounded score never exceeds its node's points
    step = 10 ** (2 - min(rounding.places, 2))
    total = opts.total if opts.total is not None else draw(_total(step))
    cents = _cents(total)
    if cents % step:
        step = 1  # the caller's total has more decimals: keep them
    opts = attrs.evolve(opts, step=step)
    nodes = draw(_children(opts, None, cents, 1))
    if rounding.stage is not RoundingStage.TOTAL:
        # a geometric mean of rounded parts is warned about (SchemeWarning):
        # composite indices round only their final value
        nodes = [_arithmetic(n) for n in nodes]
    grades = opts.grades or draw(st.sampled_from(list(STANDARD_SCALES.values())))
    return Scheme(
        draw(st.sampled_from(["generated", "gz-dept-overall"]) | st.text(max_size=8)),
        draw(_node_name()),
        nodes,
        points=float(total),
        rounding=rounding,
        grades=grades,
        not_applicable=draw(st.sampled_from(["reweight", "full"])),
        overrides=draw(_override(nodes)),
    )


def schemes(
    *,
    max_depth: int = 3,
    max_children: int = 4,
    kinds: Collection[str] | None = None,
    total: float | None = None,
    rounding: Rounding | None = None,
    grades: GradeScale | None = None,
) -> st.SearchStrategy[Scheme]:
    """Return a strategy for valid schemes whose points add up.

    A drawn scheme is a tree of first-level nodes under the total; an inner
    node is a ``sum`` (its children's points add up to its own exactly), a
    ``mean`` (its children's points are weights), a ``deduct`` node with items
    (targets that cost it points when missed), or an ordinal node
    (``weakest-link`` or ``grade-table``, 4 points, over ``grade`` leaves).
    Leaves take any leaf-scoring rule (``SCORE_KINDS``), with targets
    parsed from texts such as :func:`target_texts` writes, each of a kind its
    rule reads (:func:`perfkpi.rules.value_kind_table`).  Points are whole
    numbers or have two decimals, and each parent's points are the exact sum
    of its children's.  A geometric mean is drawn only under rounding stage
    ``total`` (elsewhere perfkpi warns about it, see
    :class:`~perfkpi.errors.SchemeWarning`).

    Parameters
    ----------
    max_depth
        The deepest level of a node with points (1: first-level leaves only).
        Items under a ``deduct`` node sit one level below it.
    max_children
        The most children a node has (and the most first-level nodes).
    kinds
        The rule kinds that may appear (names of
        :data:`perfkpi.rules.RULE_KINDS`); all by default.  At least one
        leaf-scoring kind, or ``"deduct"``, is needed.
    total
        The scheme's total points (whole or with two decimals); drawn by
        default (often 100).
    rounding
        The rounding policy; drawn by default.
    grades
        The grade scale; drawn from the standard scales by default.

    Examples
    --------
    >>> from decimal import Decimal
    >>> from hypothesis import given, settings
    >>> from perfkpi.testing import schemes
    >>> @settings(max_examples=25)
    ... @given(schemes(total=100, kinds=["sum", "proportional", "deduct"]))
    ... def test_first_level_adds_up(scheme):
    ...     assert sum(Decimal(str(n.points)) for n in scheme.roots()) == 100
    >>> test_first_level_adds_up()
    """

    def build() -> st.SearchStrategy[Scheme]:
        depth = _check_int("max_depth", max_depth, 1, 50)
        children = _check_int("max_children", max_children, 1, 50)
        wanted = frozenset(_kinds(kinds))
        if not ({*SCORE_KINDS, "deduct"} & wanted):
            msg = (
                f"kinds={kinds!r} has no kind a leaf can take; "
                f"add one of {', '.join(SCORE_KINDS)} or 'deduct'"
            )
            raise _fail(msg)
        fixed = None
        if total is not None:
            number = _check_number("total", total, positive=True)
            fixed = decimal.Decimal(repr(number))
            if fixed != fixed.quantize(decimal.Decimal("0.01")) or number > 1e9:  # noqa: PLR2004
                msg = f"total={total!r} must have at most two decimals and be <= 1e9"
                raise _fail(msg)
        if rounding is not None:
            _check_type("rounding", rounding, Rounding)
        if grades is not None:
            _check_type("grades", grades, GradeScale)
        opts = _SchemeOptions(depth, children, wanted, fixed, rounding, grades)
        return _scheme(opts)

    return _lazy(build)


# -- data ------------------------------------------------------------------------


def _same_dimension(unit: Unit) -> list[Unit]:
    return [
        u
        for u in DEFAULT_UNITS.units
        if u.dimension == unit.dimension and u.dimension not in SPECIAL_DIMENSIONS
    ]


@st.composite
def _in_other_unit(draw: st.DrawFn, value: float, unit: Unit) -> str:
    """Write *value* (in *unit*) as text in a unit of the same dimension."""
    other = draw(st.sampled_from(_same_dimension(unit) or [unit]))
    context = decimal.Context(prec=12)
    number = context.divide(
        context.multiply(
            decimal.Decimal(repr(value)), decimal.Decimal(repr(unit.factor))
        ),
        decimal.Decimal(repr(other.factor)),
    )
    return _text(number) + draw(st.sampled_from([other.symbol, *other.aliases]))


@st.composite
def _number_near(draw: st.DrawFn, anchors: Sequence[float]) -> float:
    """Draw a number on, just off, or anywhere around *anchors*."""
    anchor = decimal.Decimal(repr(draw(st.sampled_from(anchors))))
    how = draw(st.integers(0, 3))
    if how == 0:
        return float(anchor)
    if how == 1:
        step = draw(st.sampled_from(["0.01", "0.5", "1", "5"]))
        sign = draw(st.sampled_from([-1, 1]))
        return float(anchor + sign * decimal.Decimal(step))
    span = max(abs(anchor) * 2, decimal.Decimal(100))
    places = draw(st.integers(0, 4))
    return float(draw(_decimals(-span, span, places)))


def _plain_number(value: float) -> float | int:
    return int(value) if value == int(value) and abs(value) < 2**53 else value


@st.composite
def _target_actual(draw: st.DrawFn, target: Target, *, unit_text: bool) -> object:
    if target.scale is not None:
        labels = st.sampled_from(target.scale.labels)
        if target.scale.name == "yes-no":
            return draw(labels | st.booleans())
        return draw(labels)
    if target.kind == "date":
        # the day the work was done: around the deadline, as a date or its text
        day = dt.date.fromordinal(int(target.value) + draw(st.integers(-60, 400)))
        if not unit_text:
            return day
        return draw(st.sampled_from([day, f"{day.year}年{day.month}月{day.day}日"]))
    anchors = [target.value] + ([target.upper] if target.upper is not None else [])
    value = draw(_number_near(anchors))
    if unit_text and target.unit is not None and draw(st.booleans()):
        return draw(_in_other_unit(value, target.unit))
    return _unambiguous(target, value, unit_text=unit_text)


def _unambiguous(target: Target, value: float, *, unit_text: bool) -> object:
    """Return *value* as an actual that reads one way only against *target*.

    A plain number that reads two ways 100× apart is warned about
    (:class:`~perfkpi.errors.AmbiguousValueWarning`): write its unit, or move it
    to the reading the target's unit makes plain.
    """
    if _ambiguity(target, value, value) is None:
        return _plain_number(value)
    if target.unit is None:
        return _plain_number(value / 100)
    if unit_text:
        return format_number(value) + target.unit.symbol
    return _plain_number(value * 100)


@st.composite
def _qualitative_actual(draw: st.DrawFn, points: float) -> object:
    w = decimal.Decimal(repr(points))
    tiers = [
        ("达成年度指标", w * decimal.Decimal("0.8"), w, True),
        (
            "部分达成年度指标",
            w * decimal.Decimal("0.6"),
            w * decimal.Decimal("0.8"),
            False,
        ),
        ("未达成年度指标", decimal.Decimal(0), w * decimal.Decimal("0.6"), False),
    ]
    places = 2
    usable = []
    for name, lo, hi, closed in tiers:
        top = hi if closed else hi - decimal.Decimal("0.01")
        if math.ceil(lo * 100) <= math.floor(top * 100):
            usable.append((name, lo, top))  # the lower edge itself included
    if draw(st.booleans()) and usable:
        name, lo, top = draw(st.sampled_from(usable))
        score = float(draw(_decimals(lo, top, places)))
        return {"tier": name, "score": _plain_number(score)}
    return _plain_number(float(draw(_decimals(decimal.Decimal(0), w, places))))


@st.composite
def _bands_actual(draw: st.DrawFn, rule: Bands, *, unit_text: bool) -> object:
    anchors: list[float] = []
    for band in rule.bands:
        anchors.append(band.when.value)
        if band.when.upper is not None:
            anchors.append(band.when.upper)
    first = rule.bands[0].when
    if first.scale is not None:
        return draw(st.sampled_from(first.scale.labels))
    value = draw(_number_near(anchors))
    if unit_text and first.unit is not None and draw(st.booleans()):
        return draw(_in_other_unit(value, first.unit))
    return _unambiguous(first, value, unit_text=unit_text)


@st.composite
def _checklist_actual(draw: st.DrawFn, rule: Checklist) -> object:
    if draw(st.booleans()) and rule.items:
        return draw(st.lists(st.sampled_from(rule.items), unique=True))
    top = len(rule.items) if rule.items else 20
    count = draw(st.integers(0, top))
    return draw(st.sampled_from([count, float(count)]))


@st.composite
def _goalposts_actual(draw: st.DrawFn, rule: Goalposts) -> object:
    if rule.log:
        high = decimal.Decimal(repr(max(rule.min, rule.max))) * 2
        return _plain_number(float(draw(_decimals(decimal.Decimal("0.01"), high, 2))))
    return _plain_number(draw(_number_near([rule.min, rule.max])))


def _actual_for(  # noqa: PLR0911 (one return per kind of actual)
    rule: RuleBase, node: Node, *, unit_text: bool, allow_na: bool
) -> st.SearchStrategy[object]:
    """Return a strategy for actuals *rule* can read on *node*."""
    if isinstance(rule, Grade):
        labels = [*PEFA.ranks, *(PEFA.excluded if allow_na else ())]
        return st.sampled_from(labels)
    if isinstance(rule, Categorical):
        return st.sampled_from(list(rule.scores))
    if isinstance(rule, Checklist):
        return _checklist_actual(rule)
    if isinstance(rule, Qualitative):
        return _qualitative_actual(node.points or 0.0)
    if isinstance(rule, Bands):
        return _bands_actual(rule, unit_text=unit_text)
    if isinstance(rule, Goalposts):
        return _goalposts_actual(rule)
    if node.target is not None:
        return _target_actual(node.target, unit_text=unit_text)
    return _number_near([0.0, 100.0]).map(_plain_number)


def _below(scheme: Scheme, code: str) -> list[str]:
    out: list[str] = []
    stack = [code]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(c.code for c in scheme.children(current))
    return out


@attrs.frozen
class _DataOptions:
    findings: int
    items: int
    na: bool
    unit_text: bool


@st.composite
def _items(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> list[Item]:
    deducts = [n.code for n in scheme.nodes if isinstance(scheme.rule(n.code), Deduct)]
    if not deducts or not opts.items:
        return []
    count = draw(st.integers(0, opts.items))
    out = []
    for _ in range(count):
        target = draw(_leaf_target("proportional"))
        assert target is not None  # noqa: S101
        actual = draw(_target_actual(target, unit_text=opts.unit_text))
        parent = draw(st.sampled_from(deducts))
        name = draw(_words(_NAMES))
        out.append(Item(parent, name, target, actual))  # 指标名称 is never empty
    return out


@st.composite
def _findings(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> list[Finding]:
    deducts = [n.code for n in scheme.nodes if isinstance(scheme.rule(n.code), Deduct)]
    if not deducts or not opts.findings:
        return []
    out = []
    for _ in range(draw(st.integers(0, opts.findings))):
        code = draw(st.sampled_from(deducts))
        rule = scheme.rule(code)
        assert isinstance(rule, Deduct)  # noqa: S101 (deduct_codes hold deducts)
        amount = _amount(_TEN)
        # a finding may leave its points to the node's per_finding
        points = draw(amount if rule.per_finding is None else st.none() | amount)
        # every finding states its reason (扣分原因)
        reason = draw(_words(_REASONS))
        category = draw(st.sampled_from(["", "预算管理", "采购管理"]))
        out.append(Finding(code, points, reason, category))
    return out


def _effective_na(
    scheme: Scheme, marked: Iterable[str], actuals: Mapping[str, object]
) -> set[str]:
    """Return the nodes that will not apply: marked, graded NA/NR, or emptied."""
    na = {code for m in marked for code in _below(scheme, m)}
    for code, value in actuals.items():
        if isinstance(scheme.rule(code), Grade) and value in PEFA.excluded:
            na.add(code)
    for node in sorted(scheme.nodes, key=lambda n: -scheme.depth(n.code)):
        children = scheme.children(node.code)
        if (
            children
            and not isinstance(scheme.rule(node.code), Deduct)
            and all(c.code in na for c in children)
        ):
            na.add(node.code)
    return na


def _weightless(scheme: Scheme, na: set[str]) -> bool:
    """Whether some node would reweight onto applicable children of 0 points."""
    parents: list[str | None] = [None, *(n.code for n in scheme.nodes)]
    for parent in parents:
        if parent in na or isinstance(
            scheme.rule(parent) if parent else None, Deduct | WeakestLink | GradeTable
        ):
            continue
        children = scheme.children(parent)
        applicable = [c for c in children if c.code not in na]
        if 0 < len(applicable) < len(children) and not any(
            c.points for c in applicable
        ):
            return True
    return False


@st.composite
def _data(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> Data:
    # one first-level node and everything below it stays applicable
    anchor = draw(st.sampled_from(scheme.roots())).code
    kept = set(_below(scheme, anchor))
    marked: list[str] = []
    optional = [n.code for n in scheme.nodes if n.code not in kept]
    if opts.na and optional:
        marked = draw(st.lists(st.sampled_from(optional), max_size=3, unique=True))
    skipped = {code for m in marked for code in _below(scheme, m)}
    actuals: dict[str, object] = {}
    for node in scheme.nodes:
        rule = effective_rule(scheme, node.code)
        if rule is None or node.code in skipped:
            continue
        allow_na = opts.na and node.code not in kept
        actuals[node.code] = draw(
            _actual_for(rule, node, unit_text=opts.unit_text, allow_na=allow_na)
        )
    if _weightless(scheme, _effective_na(scheme, marked, actuals)):
        # A node whose applicable children all have 0 points has nothing to
        # re-weight onto (按百分制折算) and does not apply either; when that
        # leaves nothing to score, evaluate() refuses the data.  data_for only
        # draws data that evaluates, so it leaves such markers out.
        marked = []
        for code in [c for c, v in actuals.items() if v in PEFA.excluded]:
            actuals[code] = "D"
        for node in scheme.nodes:
            rule = effective_rule(scheme, node.code)
            if rule is not None and node.code not in actuals:
                actuals[node.code] = draw(
                    _actual_for(rule, node, unit_text=opts.unit_text, allow_na=False)
                )
    return Data(
        actuals=actuals,
        findings=draw(_findings(scheme, opts)),
        items=draw(_items(scheme, opts)),
        not_applicable=sorted(marked),
        entity=draw(st.sampled_from(["广州互联网法院", "entity"])),
        period=draw(st.sampled_from(["2022", "2023"])),
    )


def data_for(
    scheme: Scheme,
    *,
    max_findings: int = 3,
    max_items: int = 2,
    allow_not_applicable: bool = True,
    allow_unit_text: bool = True,
) -> st.SearchStrategy[Data]:
    """Return a strategy for data that *scheme* can evaluate.

    Each drawn :class:`~perfkpi.deductions.Data` gives every node that takes
    an actual a value its rule can read: a number in the target's unit (or,
    with *allow_unit_text*, text in another unit of the same dimension, such
    as ``"45分钟"`` against ``≤1小时``), a label for a label target, a
    category, a checklist, a qualitative tier and score, or a PEFA grade.  It
    may add findings on ``deduct`` nodes, the entity's own items under them,
    and mark nodes not applicable, but always leaves one first-level node
    applicable, so that there is something to score.

    Parameters
    ----------
    scheme
        The scheme the data is for.
    max_findings
        The most findings drawn (0: none).
    max_items
        The most items drawn (0: none).
    allow_not_applicable
        Whether nodes may be marked not applicable (and grades be NA or NR).
    allow_unit_text
        Whether actuals may be text with a unit of their own.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from hypothesis import strategies as st
    >>> from perfkpi import catalog, evaluate
    >>> from perfkpi.testing import data_for
    >>> seed = catalog.scheme("gz-dept-overall")
    >>> @settings(max_examples=25)
    ... @given(data_for(seed))
    ... def test_scores_within_points(data):
    ...     ev = evaluate(seed, data)
    ...     assert all(0 <= s <= seed.node(c).points for c, s in ev.scores.items())
    >>> test_scores_within_points()
    """

    def build() -> st.SearchStrategy[Data]:
        _check_type("scheme", scheme, Scheme)
        opts = _DataOptions(
            _check_int("max_findings", max_findings, 0),
            _check_int("max_items", max_items, 0),
            allow_not_applicable,
            allow_unit_text,
        )
        _check_type("allow_not_applicable", allow_not_applicable, bool)
        _check_type("allow_unit_text", allow_unit_text, bool)
        return _data(scheme, opts)

    return _lazy(build)


# -- indicators ------------------------------------------------------------------


def from_indicator(
    indicator: Indicator,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    allow_unit_text: bool = True,
) -> st.SearchStrategy[object]:
    """Return a strategy for actual values of *indicator*.

    A quantitative indicator's actuals are numbers in its unit, or (with
    *allow_unit_text*) text in a unit of the same dimension (``"45分钟"`` for
    an indicator counted in 小时).  A qualitative indicator's actuals are the
    labels of the standard label scales (``是``, ``达成年度指标``, ``良``).
    An indicator whose unit is not a known unit gets plain numbers.

    Parameters
    ----------
    indicator
        The indicator.
    min_value, max_value
        Bounds of the numbers, in the indicator's unit (default ±1e9).
    allow_unit_text
        Whether actuals may be text with a unit.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi import Indicator, parse_target
    >>> from perfkpi.testing import from_indicator
    >>> response = Indicator("response", "系统故障平均响应时间", unit="小时",
    ...                      direction="lower")
    >>> @given(from_indicator(response, min_value=0, max_value=48))
    ... def test_read_against_target(actual):
    ...     parse_target("≤1小时").is_met(actual)
    >>> test_read_against_target()
    """

    def build() -> st.SearchStrategy[object]:
        _check_type("indicator", indicator, Indicator)
        low, high = _check_bounds(min_value, max_value)
        _check_type("allow_unit_text", allow_unit_text, bool)
        if indicator.direction == "qualitative":
            labels = [label for scale in DEFAULT_SCALES for label in scale.labels]
            return st.sampled_from(labels)
        unit = DEFAULT_UNITS.find(indicator.unit) if indicator.unit else None
        typical = (max(low, decimal.Decimal(0)), min(high, decimal.Decimal(200)))
        ranges = [(low, high)] + ([typical] if typical[0] <= typical[1] else [])

        @st.composite
        def actual(draw: st.DrawFn) -> object:
            lo, hi = draw(st.sampled_from(ranges))
            value = float(draw(_decimals(lo, hi, draw(st.integers(0, 4)))))
            if allow_unit_text and unit is not None and draw(st.booleans()):
                return draw(_in_other_unit(value, unit))
            return _plain_number(value)

        out: st.SearchStrategy[object] = actual()
        return out

    return _lazy(build)


# -- comparing evaluations -------------------------------------------------------


def _differences(actual: Evaluation, expected: Evaluation, abs_tol: float) -> list[str]:
    def close(a: float, b: float) -> bool:
        return a == b or math.isclose(a, b, rel_tol=0.0, abs_tol=abs_tol)

    out: list[str] = []
    if not close(actual.total, expected.total):
        out.append(f"total: {actual.total!r} != {expected.total!r}")
    if actual.grade != expected.grade:
        out.append(f"grade: {actual.grade!r} != {expected.grade!r}")
    for what, left, right in (
        ("score", actual.scores, expected.scores),
        ("penalty", actual.penalties, expected.penalties),
    ):
        for code in sorted(set(left) | set(right)):
            a, b = left.get(code), right.get(code)
            if a is None or b is None or not close(a, b):
                out.append(f"{what} of node {code}: {a!r} != {b!r}")
    for what, left_map, right_map in (
        ("met", actual.met, expected.met),
        ("grade", actual.grades, expected.grades),
    ):
        out.extend(
            f"{what} of node {code}: {left_map.get(code)!r} != {right_map.get(code)!r}"
            for code in sorted(set(left_map) | set(right_map))
            if left_map.get(code) != right_map.get(code)
        )
    if actual.not_applicable != expected.not_applicable:
        out.append(
            "not applicable: "
            f"{sorted(actual.not_applicable)} != {sorted(expected.not_applicable)}"
        )
    left_ledger = sorted(_ledger_key(d) for d in actual.deductions)
    right_ledger = sorted(_ledger_key(d) for d in expected.deductions)
    if len(left_ledger) != len(right_ledger) or any(
        a[:-1] != b[:-1] or not close(a[-1], b[-1])
        for a, b in zip(left_ledger, right_ledger, strict=False)
    ):
        only_left = [d for d in left_ledger if d not in right_ledger]
        only_right = [d for d in right_ledger if d not in left_ledger]
        out.append(
            f"deductions: only in actual {only_left}, only in expected {only_right}"
        )
    return out


def _ledger_key(d: Any) -> tuple[str, str, str, str, str, float]:  # noqa: ANN401
    return (d.node, d.kind, d.source, d.category, d.reason, d.points)


def assert_evaluations_equal(
    actual: Evaluation, expected: Evaluation, *, abs_tol: float = 0.0
) -> None:
    """Assert that two evaluations give the same results.

    Compares the total, the grade, every node's score, penalty, met flag and
    ordinal grade, the not-applicable nodes and the ledger of deductions (as
    a multiset: the ledger's order follows the scheme's node order, which
    does not change a result).  The schemes and data themselves are not
    compared, so evaluations of a scheme and of its reordered or re-loaded
    copy compare equal.

    Parameters
    ----------
    actual, expected
        The evaluations.
    abs_tol
        The largest difference allowed between two numbers; 0 (the default)
        asks for equal reported values.

    Raises
    ------
    AssertionError
        Listing every difference, each naming its node.

    Examples
    --------
    >>> from perfkpi import catalog, evaluate
    >>> from perfkpi.testing import assert_evaluations_equal
    >>> seed = catalog.scheme("gz-dept-overall")
    >>> data = catalog.data("gz-internet-court-2022")
    >>> assert_evaluations_equal(evaluate(seed, data), evaluate(seed, data))
    >>> more = {**data.actuals, "1.2": 99.9}
    >>> changed = evaluate(seed, data.to_dict() | {"actuals": more})
    >>> assert_evaluations_equal(changed, evaluate(seed, data))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: evaluations differ:
      total: 88.64 != 88.63
    ...
    """
    for name, value in (("actual", actual), ("expected", expected)):
        if not isinstance(value, Evaluation):
            msg = f"{name} must be an Evaluation, got {type(value).__name__}"  # type: ignore[unreachable]
            raise TypeError(msg)
    if (
        isinstance(abs_tol, bool)
        or not isinstance(abs_tol, int | float)
        or not (abs_tol >= 0)
    ):
        msg = f"abs_tol must be a number >= 0, got {abs_tol!r}"
        raise TypeError(msg)
    problems = _differences(actual, expected, float(abs_tol))
    if problems:
        raise AssertionError(
            "evaluations differ:\n" + "\n".join(f"  {p}" for p in problems)
        )
