"""Units of measure and the registry that knows them.

A :class:`Unit` belongs to one *dimension* (``ratio``, ``count``, ``money``,
``duration``, ``workday``, ``points``, ``level``) and carries a factor to that
dimension's base unit.  Values convert within a dimension and never across one.

The registry is an immutable value: extend it with :meth:`UnitRegistry.with_units`
and pass the result where a registry is accepted; nothing global is mutated.

Examples
--------
>>> from perfkpi.units import DEFAULT_UNITS
>>> DEFAULT_UNITS.convert(45, "分钟", "小时")
0.75
>>> DEFAULT_UNITS.convert(86317300, "元", "万元")
8631.73
>>> DEFAULT_UNITS.get("％").symbol
'%'
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping

import attrs

from perfkpi.errors import IncompatibleUnitError, UnknownUnitError

__all__ = ["DEFAULT_UNITS", "Unit", "UnitRegistry"]


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


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
    """

    symbol: str
    dimension: str
    factor: float = 1.0
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    name: str = ""

    def __str__(self) -> str:
        return self.symbol


def _unit_tuple(values: Iterable[Unit]) -> tuple[Unit, ...]:
    return tuple(values)


def _normalise(symbol: str) -> str:
    return unicodedata.normalize("NFKC", symbol).strip()


@attrs.frozen
class UnitRegistry:
    """An immutable collection of units, looked up by symbol or alias.

    Parameters
    ----------
    units
        The units; each symbol and alias must be unique across the registry.
    """

    units: tuple[Unit, ...] = attrs.field(converter=_unit_tuple)
    _by_symbol: Mapping[str, Unit] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        table: dict[str, Unit] = {}
        for unit in self.units:
            for key in (unit.symbol, *unit.aliases):
                norm = _normalise(key)
                if norm in table and table[norm] != unit:
                    msg = f"unit symbol {key!r} is defined twice"
                    raise ValueError(msg)
                table[norm] = unit
        object.__setattr__(self, "_by_symbol", table)

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and _normalise(symbol) in self._by_symbol

    def get(self, symbol: str) -> Unit:
        """Return the unit written as *symbol*.

        Raises
        ------
        UnknownUnitError
            If no unit has that symbol or alias; the error suggests close matches.
        """
        unit = self._by_symbol.get(_normalise(symbol))
        if unit is None:
            close = difflib.get_close_matches(
                _normalise(symbol), list(self._by_symbol), n=3, cutoff=0.5
            )
            raise UnknownUnitError(symbol, close)
        return unit

    def symbols(self) -> tuple[str, ...]:
        """Return every known symbol and alias, longest first."""
        return tuple(sorted(self._by_symbol, key=lambda s: (-len(s), s)))

    def with_units(self, *units: Unit) -> UnitRegistry:
        """Return a new registry with *units* added (the original is unchanged)."""
        return UnitRegistry((*self.units, *units))

    def convert(
        self, value: float, from_unit: str | Unit, to_unit: str | Unit
    ) -> float:
        """Convert *value* from one unit to another of the same dimension.

        Raises
        ------
        IncompatibleUnitError
            If the two units measure different dimensions.
        """
        src = from_unit if isinstance(from_unit, Unit) else self.get(from_unit)
        dst = to_unit if isinstance(to_unit, Unit) else self.get(to_unit)
        return convert(value, src, dst)


def convert(value: float, src: Unit, dst: Unit) -> float:
    """Convert *value* from unit *src* to unit *dst* of the same dimension.

    Raises
    ------
    IncompatibleUnitError
        If the dimensions differ.
    """
    if src.dimension != dst.dimension:
        raise IncompatibleUnitError(
            f"{src.symbol} ({src.dimension})", f"{dst.symbol} ({dst.dimension})"
        )
    if src.factor == dst.factor:
        return value
    return value * src.factor / dst.factor


_COUNT_SYMBOLS = (
    "个 件 项 次 期 场 人 篇 台 套 份 家 所 户 名 条 批 册 本 "
    "部 辆 座 处 间 张 例 起 宗 笔 人次 户次"
)

DEFAULT_UNITS = UnitRegistry(
    (
        Unit("%", "ratio", 0.01, ("percent", "百分比", "百分点"), "percent"),
        Unit("‰", "ratio", 0.001, ("permille",), "per mille"),
        *(Unit(s, "count", 1.0, (), "count") for s in _COUNT_SYMBOLS.split()),
        Unit("元", "money", 1.0, ("yuan", "CNY"), "yuan"),
        Unit("千元", "money", 1e3, (), "thousand yuan"),
        Unit("万元", "money", 1e4, (), "ten thousand yuan"),
        Unit("亿元", "money", 1e8, (), "hundred million yuan"),
        Unit("秒", "duration", 1.0, ("s", "sec", "秒钟"), "second"),
        Unit("分钟", "duration", 60.0, ("min",), "minute"),
        Unit("小时", "duration", 3600.0, ("h", "hr", "个小时"), "hour"),
        Unit("天", "duration", 86400.0, ("日", "d", "day", "days"), "day"),
        Unit("周", "duration", 604800.0, ("星期", "week", "weeks"), "week"),
        Unit("工作日", "workday", 1.0, ("个工作日",), "working day"),
        Unit("分", "points", 1.0, ("points", "pt"), "point"),
        Unit("级", "level", 1.0, ("level",), "level"),
    )
)
"""The units perfkpi knows out of the box.

Counts (个, 件, 项, …) share one dimension and convert one to one.  ``工作日``
(working days) is its own dimension: it does not convert to calendar days.
Months and years are not durations here because their length varies.
"""
