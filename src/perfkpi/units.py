"""Units of measure and the registry that knows them.

A :class:`Unit` belongs to one *dimension* and carries a factor to that
dimension's base unit.  Values convert within a dimension and never across one:
45 分钟 is 0.75 小时, but 5 件 is not any number of hours.

Dimensions known out of the box (the full table, with every alias, is in the
documentation page *Targets as people write them*):

- ``ratio``: % ‰ ‱
- ``count``: 个 件 项 次 期 场 人 篇 台 套 份 家 所 户 名 条 … (one to one)
- ``money``: 元 千元 万元 十万元 百万元 千万元 亿元
- ``duration``: 毫秒 秒 分钟 小时 天 周 (also ``ms s min h d``)
- ``month``: 月 季度 年
- ``workday``: 工作日
- ``points``: 分; ``level``: 级; ``star``: 星
- ``rank``: 名次, written 第N名; 1 is the best place
- ``date``: 日期, a day stored as its proleptic ordinal
- ``length``, ``area``, ``mass``, ``volume``: 米 千米, 平方米 亩 公顷, 千克 吨,
  升 立方米

A *compound unit* is a ratio of two known units written with one slash:
``元/人``, ``万元/公里``, ``人次/年``, ``元/平方米``.  It is made on look-up,
keeps the spelling it was written in, measures the dimension
``numerator/denominator`` (``money/count``) and converts by the ratio of the two
parts' factors: 0.3 万元/人 is 3000 元/人, while 元/人 and 元/公里 (or 元) do not
convert.  Counts convert one to one, so 元/人 and 元/个 are the same dimension.

Months and years are *not* durations.  A month is 28 to 31 days and a year 365
or 366, so neither is a fixed number of seconds; they form their own dimension
``month`` (月 = 1, 季度 = 3, 年 = 12; 半年 reads as 0.5 年) that converts within
itself and never to days.  Working days (工作日) likewise do not convert to
calendar days.

The registry is an immutable value: extend it with :meth:`UnitRegistry.with_units`
or :meth:`UnitRegistry.with_alias` and pass the result where a registry is
accepted; nothing global is mutated.

Examples
--------
>>> from perfkpi.units import DEFAULT_UNITS, Unit
>>> DEFAULT_UNITS.convert(45, "分钟", "小时")
0.75
>>> DEFAULT_UNITS.convert(86317300, "元", "万元")
8631.73
>>> DEFAULT_UNITS.convert(2, "年", "个月")
24.0
>>> DEFAULT_UNITS.get("％").symbol
'%'
>>> DEFAULT_UNITS.convert(5, "件", "小时")
Traceback (most recent call last):
...
perfkpi.errors.IncompatibleUnitError: cannot compare 件 (count) with 小时 (duration)
>>> DEFAULT_UNITS.convert(0.3, "万元/人", "元/人")
3000.0
>>> DEFAULT_UNITS.convert(1, "元/人", "元/公里")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
perfkpi.errors.IncompatibleUnitError: cannot compare 元/人 (money/count) with ...
>>> hectare_registry = DEFAULT_UNITS.with_units(Unit("垧", "area", 10000.0))
>>> hectare_registry.convert(1, "垧", "亩")
15.0
"""

from __future__ import annotations

import decimal
import difflib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping

import attrs

from perfkpi import _checks
from perfkpi.errors import IncompatibleUnitError, UnknownUnitError

__all__ = [
    "DATE_UNIT",
    "DEFAULT_UNITS",
    "RANK_UNIT",
    "Unit",
    "UnitRegistry",
    "compound",
    "convert",
]


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return _checks.texts(values, "a unit's aliases")


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    _checks.text(value, f"a unit's {field.name}")


def _factor(value: float) -> float:
    return _checks.number(value, "a unit's factor")


@attrs.frozen
class Unit:
    """A unit of measure.

    Parameters
    ----------
    symbol
        The canonical symbol, as written in Chinese tables (``%``, ``万元``, ``小时``).
    dimension
        What it measures; units convert only within one dimension.
    factor
        How many base units of the dimension one of this unit is.
    aliases
        Other spellings that mean this unit (``h`` for ``小时``).
    name
        An English name for reports.

    Examples
    --------
    >>> Unit("小时", "duration", 3600.0, ("h", "hr"), "hour").ascii_symbol
    'h'

    Raises
    ------
    TypeError
        If *symbol*, *dimension* or *name* is not text, *factor* is not a
        number, or *aliases* is not a list of text.
    ValueError
        If *symbol* or *dimension* is empty, or *factor* is not a positive
        finite number.
    """

    symbol: str = attrs.field(validator=_text)
    dimension: str = attrs.field(validator=_text)
    factor: float = attrs.field(default=1.0, converter=_factor)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    name: str = attrs.field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        if not self.symbol.strip() or not self.dimension:
            msg = f"a unit needs a symbol and a dimension (got {self!r})"
            raise ValueError(msg)
        if not (self.factor > 0 and self.factor < float("inf")):
            msg = f"unit {self.symbol!r}: factor must be a positive finite number"
            raise ValueError(msg)

    def __str__(self) -> str:
        return self.symbol

    @property
    def ascii_symbol(self) -> str:
        """The symbol if it is ASCII, else the first ASCII alias, else the symbol."""
        if self.symbol.isascii():
            return self.symbol
        return next((a for a in self.aliases if a.isascii()), self.symbol)


def _unit_tuple(values: Iterable[Unit]) -> tuple[Unit, ...]:
    return _checks.instances(values, Unit, "a unit registry's units")


def _alias_pairs(
    values: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    return _checks.pairs(values, "a unit registry's aliases")


def _normalise(symbol: str) -> str:
    """Return the lookup key of a symbol: NFKC, no spaces, ASCII lower-cased."""
    key = "".join(unicodedata.normalize("NFKC", symbol).split())
    return key.lower() if key.isascii() else key


@attrs.frozen
class UnitRegistry:
    """An immutable collection of units, looked up by symbol or alias.

    Look-ups read full-width forms as their ASCII forms (NFKC) and ignore the
    case of ASCII symbols (``H`` is ``h``).

    Parameters
    ----------
    units
        The units; each symbol and alias must be unique across the registry.
    aliases
        Extra spellings for units already in the registry, as
        ``(alias, symbol)`` pairs or a mapping; unlike a unit's own aliases
        they leave the :class:`Unit` value unchanged.

    Raises
    ------
    TypeError
        If *units* is not a list of :class:`Unit`, or *aliases* is not pairs of
        text or a mapping of text to text.
    ValueError
        If a symbol or alias is empty or means two units, or an alias names a
        unit the registry does not have.

    Examples
    --------
    >>> from perfkpi.units import DEFAULT_UNITS
    >>> registry = DEFAULT_UNITS.with_alias("钟点", "小时")
    >>> registry.get("钟点") == DEFAULT_UNITS.get("小时")
    True
    >>> "钟点" in DEFAULT_UNITS
    False
    """

    units: tuple[Unit, ...] = attrs.field(converter=_unit_tuple)
    aliases: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_alias_pairs
    )
    _by_symbol: Mapping[str, Unit] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        table: dict[str, Unit] = {}
        for unit in self.units:
            for key in (unit.symbol, *unit.aliases):
                norm = _normalise(key)
                if not norm:
                    msg = f"unit {unit.symbol!r} has an empty alias"
                    raise ValueError(msg)
                if norm in table and table[norm] != unit:
                    msg = f"unit symbol {key!r} is defined twice"
                    raise ValueError(msg)
                table[norm] = unit
        for alias, symbol in self.aliases:
            target = table.get(_normalise(symbol))
            if target is None:
                msg = f"alias {alias!r} names an unknown unit {symbol!r}"
                raise ValueError(msg)
            norm = _normalise(alias)
            if not norm or (norm in table and table[norm] != target):
                msg = f"unit alias {alias!r} is empty or already means another unit"
                raise ValueError(msg)
            table[norm] = target
        object.__setattr__(self, "_by_symbol", table)

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and self.find(symbol) is not None

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def find(self, symbol: str) -> Unit | None:
        """Return the unit written as *symbol*, or ``None`` if there is none.

        A ratio of two known units (``元/人``) is a compound unit, made on
        look-up (see :func:`compound`).

        >>> from perfkpi.units import DEFAULT_UNITS
        >>> DEFAULT_UNITS.find("个月").symbol, DEFAULT_UNITS.find("furlong")
        ('月', None)
        >>> DEFAULT_UNITS.find("万元/公里").dimension
        'money/length'
        """
        unit = self._by_symbol.get(symbol)
        if unit is None:
            unit = self._by_symbol.get(_normalise(symbol))
        if unit is None and isinstance(symbol, str) and "/" in _normalise(symbol):
            unit = self._compound(symbol)
        return unit

    def _compound(self, symbol: str) -> Unit | None:
        spelled = "".join(unicodedata.normalize("NFKC", symbol).split())
        parts = spelled.split("/")
        if len(parts) != 2:  # noqa: PLR2004 (one slash: a ratio of two units)
            return None
        top = self._by_symbol.get(_normalise(parts[0]))
        bottom = self._by_symbol.get(_normalise(parts[1]))
        if top is None or bottom is None or not _divisible(top, bottom):
            return None
        return compound(top, bottom, spelled)

    def get(self, symbol: str) -> Unit:
        """Return the unit written as *symbol*.

        Raises
        ------
        UnknownUnitError
            If no unit has that symbol or alias; the error suggests close matches.

        Examples
        --------
        >>> from perfkpi.units import DEFAULT_UNITS
        >>> DEFAULT_UNITS.get("小事")
        Traceback (most recent call last):
        ...
        perfkpi.errors.UnknownUnitError: unknown unit '小事'; did you mean '小时'?
        """
        unit = self.find(symbol)
        if unit is None:
            raise UnknownUnitError(symbol, self.suggest(symbol))
        return unit

    def _suggest_compound(self, key: str, n: int) -> tuple[str, ...]:
        top, _, bottom = key.partition("/")
        if "/" in bottom:
            return ()
        tops = (top,) if top in self._by_symbol else self.suggest(top, n)
        bottoms = (bottom,) if bottom in self._by_symbol else self.suggest(bottom, n)
        return tuple(f"{a}/{b}" for a in tops for b in bottoms)[:n]

    def suggest(self, symbol: str, n: int = 3) -> tuple[str, ...]:
        """Return up to *n* known symbols or aliases that look like *symbol*."""
        key = _normalise(symbol)
        if not key:
            return ()
        if "/" in key:
            return self._suggest_compound(key, n)
        close = difflib.get_close_matches(key, list(self._by_symbol), n=10, cutoff=0.5)

        def score(candidate: str) -> float:
            # a same-length near-miss (分种 → 分钟) beats a shorter prefix (分)
            ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
            return ratio - 0.2 * abs(len(candidate) - len(key))

        return tuple(sorted(close, key=score, reverse=True)[:n])

    def symbols(self) -> tuple[str, ...]:
        """Return every known symbol and alias (as looked up), longest first."""
        return tuple(sorted(self._by_symbol, key=lambda s: (-len(s), s)))

    def dimensions(self) -> tuple[str, ...]:
        """Return the dimensions of the registry's units, in order of appearance."""
        return tuple(dict.fromkeys(unit.dimension for unit in self.units))

    def with_units(self, *units: Unit) -> UnitRegistry:
        """Return a new registry with *units* added (the original is unchanged)."""
        return UnitRegistry((*self.units, *units), self.aliases)

    def with_alias(self, alias: str, symbol: str) -> UnitRegistry:
        """Return a new registry in which *alias* also means the unit *symbol*."""
        return UnitRegistry(self.units, (*self.aliases, (alias, symbol)))

    def convert(
        self, value: float, from_unit: str | Unit, to_unit: str | Unit
    ) -> float:
        """Convert *value* from one unit to another of the same dimension.

        Raises
        ------
        IncompatibleUnitError
            If the two units measure different dimensions.
        UnknownUnitError
            If a unit given by its symbol is not in the registry.
        """
        src = from_unit if isinstance(from_unit, Unit) else self.get(from_unit)
        dst = to_unit if isinstance(to_unit, Unit) else self.get(to_unit)
        return convert(value, src, dst)


_CONTEXT = decimal.Context(prec=34)
_SIGNIFICANT = decimal.Context(prec=15)


def _decimal(number: float) -> decimal.Decimal:
    return decimal.Decimal(repr(float(number)))


def convert(value: float, src: Unit, dst: Unit) -> float:
    """Convert *value* from unit *src* to unit *dst* of the same dimension.

    The arithmetic is done in decimal on the shortest repr of each number and
    the result is rounded to 15 significant digits (what a float holds
    exactly), so that 99.66 % is 996.6 ‰, 86317300 元 is 8631.73 万元 and
    1 公顷 is 15 亩, without float noise.

    Raises
    ------
    IncompatibleUnitError
        If the dimensions differ.

    Examples
    --------
    >>> from perfkpi.units import DEFAULT_UNITS
    >>> convert(99.66, DEFAULT_UNITS.get("%"), DEFAULT_UNITS.get("‰"))
    996.6
    """
    if src.dimension != dst.dimension:
        raise IncompatibleUnitError(
            f"{src.symbol} ({src.dimension})", f"{dst.symbol} ({dst.dimension})"
        )
    if src.factor == dst.factor:
        return value
    exact = _CONTEXT.divide(
        _CONTEXT.multiply(_decimal(value), _decimal(src.factor)),
        _decimal(dst.factor),
    )
    return float(_SIGNIFICANT.plus(exact))


def _divisible(*units: Unit) -> bool:
    return not any("/" in u.dimension or u.dimension in ("date", "rank") for u in units)


def compound(top: Unit, bottom: Unit, symbol: str = "") -> Unit:
    """Return the unit *top* per *bottom* (``元/人``), spelt *symbol*.

    Its dimension is ``top.dimension/bottom.dimension`` and its factor the ratio
    of the two factors, so 万元/人 is 10000 元/人; by default it is spelt
    ``top.symbol/bottom.symbol``.

    Raises
    ------
    TypeError
        If *top* or *bottom* is not a :class:`Unit`, or *symbol* is not text.
    ValueError
        If a part is itself a compound unit, a date or a rank (places and days
        are not amounts one can divide).

    Examples
    --------
    >>> from perfkpi.units import DEFAULT_UNITS, compound
    >>> unit = compound(DEFAULT_UNITS.get("万元"), DEFAULT_UNITS.get("公里"))
    >>> unit.symbol, unit.dimension, unit.factor
    ('万元/千米', 'money/length', 10.0)
    """
    _checks.instance(top, Unit, "a compound unit's numerator")
    _checks.instance(bottom, Unit, "a compound unit's denominator")
    _checks.text(symbol, "a compound unit's symbol")
    for part in (top, bottom):
        if not _divisible(part):
            msg = (
                f"a compound unit divides two amounts; {part.symbol} "
                f"({part.dimension}) cannot be one of its parts"
            )
            raise ValueError(msg)
    factor = float(
        _SIGNIFICANT.plus(
            _CONTEXT.divide(_decimal(top.factor), _decimal(bottom.factor))
        )
    )
    name = f"{top.name or top.symbol} per {bottom.name or bottom.symbol}"
    return Unit(
        symbol or f"{top.symbol}/{bottom.symbol}",
        f"{top.dimension}/{bottom.dimension}",
        factor,
        (),
        name,
    )


_COUNT_SYMBOLS = (
    "个 件 项 次 期 场 人 篇 台 套 份 家 所 户 名 条 批 册 本 部 辆 座 处 间 张 "
    "例 起 宗 笔 类 门 节 支 棵 株 只 头 架 艘 盏 块 把 根 口 课 届 轮 队 组 "
    "人次 户次 项次 场次 批次 期次 件次 篇次 家次 个次 班次 车次 架次 人天 课时 学时"
)

DATE_UNIT = Unit("日期", "date", 1.0, ("date",), "date")
"""The unit of a date target: its value is the day's proleptic ordinal
(:meth:`datetime.date.toordinal`), and it is written back as the date."""

RANK_UNIT = Unit("名次", "rank", 1.0, ("rank",), "rank")
"""The unit of a rank target (第1名, 前三): 1 is the best place."""

DEFAULT_UNITS = UnitRegistry(
    (
        Unit("%", "ratio", 0.01, ("percent", "pct", "百分比"), "percent"),
        # a difference of two rates (提高5个百分点) is not a rate: 5 个百分点
        # is never read as 5 %, and the two do not convert
        Unit(
            "个百分点",
            "percentage-point",
            1.0,
            ("百分点", "pp", "percentage point", "percentage points"),
            "percentage point",
        ),
        Unit("‰", "ratio", 0.001, ("permille", "千分比"), "per mille"),
        Unit("‱", "ratio", 0.0001, ("bp", "万分比"), "per ten thousand"),
        *(Unit(s, "count", 1.0, (), "count") for s in _COUNT_SYMBOLS.split()),
        Unit("元", "money", 1.0, ("yuan", "CNY", "RMB", "人民币元", "块钱"), "yuan"),
        Unit("千元", "money", 1e3, (), "thousand yuan"),
        Unit("万元", "money", 1e4, (), "ten thousand yuan"),
        Unit("十万元", "money", 1e5, (), "hundred thousand yuan"),
        Unit("百万元", "money", 1e6, (), "million yuan"),
        Unit("千万元", "money", 1e7, (), "ten million yuan"),
        Unit("亿元", "money", 1e8, (), "hundred million yuan"),
        Unit("毫秒", "duration", 0.001, ("ms",), "millisecond"),
        Unit("秒", "duration", 1.0, ("s", "sec", "secs", "秒钟"), "second"),
        Unit("分钟", "duration", 60.0, ("min", "mins", "minute", "minutes"), "minute"),
        Unit(
            "小时",
            "duration",
            3600.0,
            ("h", "hr", "hrs", "hour", "hours", "钟头"),
            "hour",
        ),
        Unit("天", "duration", 86400.0, ("日", "d", "day", "days", "自然日"), "day"),
        Unit("周", "duration", 604800.0, ("星期", "week", "weeks", "wk"), "week"),
        Unit("月", "month", 1.0, ("个月", "month", "months", "mo"), "month"),
        Unit("季度", "month", 3.0, ("quarter", "quarters"), "quarter"),
        Unit("年", "month", 12.0, ("year", "years", "yr", "周年"), "year"),
        Unit("工作日", "workday", 1.0, ("workday", "workdays"), "working day"),
        Unit("分", "points", 1.0, ("points", "pt", "pts"), "point"),
        Unit("级", "level", 1.0, ("level",), "level"),
        Unit("星", "star", 1.0, ("星级", "star", "stars"), "star"),
        RANK_UNIT,
        DATE_UNIT,
        Unit("毫米", "length", 0.001, ("mm",), "millimetre"),
        Unit("厘米", "length", 0.01, ("cm",), "centimetre"),
        Unit("米", "length", 1.0, ("m",), "metre"),
        Unit("千米", "length", 1000.0, ("km", "公里"), "kilometre"),
        Unit("平方米", "area", 1.0, ("m2", "平米"), "square metre"),
        Unit("亩", "area", 10000 / 15, ("mu",), "mu"),
        Unit("公顷", "area", 10000.0, ("ha",), "hectare"),
        Unit("平方公里", "area", 1e6, ("km2", "平方千米"), "square kilometre"),
        Unit("克", "mass", 0.001, ("g",), "gram"),
        Unit("千克", "mass", 1.0, ("kg", "公斤"), "kilogram"),
        Unit("吨", "mass", 1000.0, ("t",), "tonne"),
        Unit("升", "volume", 1.0, ("L",), "litre"),
        Unit("立方米", "volume", 1000.0, ("m3", "方"), "cubic metre"),
    )
)
"""The units perfkpi knows out of the box.

Counts (个, 件, 项, …) share one dimension and convert one to one.  ``工作日``
(working days) is its own dimension and does not convert to calendar days;
months and years form the dimension ``month`` and do not convert to days.
"""
