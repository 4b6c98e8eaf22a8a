"""Strategies for units, target texts and targets."""

from __future__ import annotations

import decimal
import functools
from collections.abc import Collection, Iterable

import attrs
from hypothesis import strategies as st

from perfkpi.targets import (
    DEFAULT_SCALES,
    Comparator,
    Target,
    parse_target,
)
from perfkpi.testing._common import (
    SPECIAL_DIMENSIONS,
    _check_bounds,
    _check_int,
    _check_registry,
    _check_type,
    _collection,
    _decimals,
    _fail,
    _lazy,
    _text,
)
from perfkpi.units import DEFAULT_UNITS, Unit, UnitRegistry


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


@functools.cache  # strategies are immutable: build each once, not per draw
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


@functools.cache  # strategies are immutable: build each once, not per draw
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


@functools.cache  # strategies are immutable: build each once, not per draw
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
