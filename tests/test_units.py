"""Tests for perfkpi.units: the unit registry and conversions."""

from __future__ import annotations

import math
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi.errors import IncompatibleUnitError, PerfKPIError, UnknownUnitError
from perfkpi.units import (
    DATE_UNIT,
    DEFAULT_UNITS,
    RANK_UNIT,
    Unit,
    UnitRegistry,
    convert,
)

# spelling -> (canonical symbol, dimension, factor to the dimension's base)
VALID_UNITS: list[tuple[str, str, str, float]] = [
    ("%", "%", "ratio", 0.01),
    ("％", "%", "ratio", 0.01),  # full-width percent sign
    ("﹪", "%", "ratio", 0.01),  # small percent sign
    ("percent", "%", "ratio", 0.01),
    # why: a difference of two rates is not a rate (提高5个百分点 is not 5 %)
    ("百分点", "个百分点", "percentage-point", 1.0),
    ("个百分点", "个百分点", "percentage-point", 1.0),
    ("pp", "个百分点", "percentage-point", 1.0),
    ("‰", "‰", "ratio", 0.001),
    ("‱", "‱", "ratio", 0.0001),
    ("个", "个", "count", 1.0),
    ("件", "件", "count", 1.0),
    ("项", "项", "count", 1.0),
    ("次", "次", "count", 1.0),
    ("期", "期", "count", 1.0),
    ("场", "场", "count", 1.0),
    ("人", "人", "count", 1.0),
    ("篇", "篇", "count", 1.0),
    ("台", "台", "count", 1.0),
    ("套", "套", "count", 1.0),
    ("份", "份", "count", 1.0),
    ("家", "家", "count", 1.0),
    ("所", "所", "count", 1.0),
    ("户", "户", "count", 1.0),
    ("名", "名", "count", 1.0),
    ("人次", "人次", "count", 1.0),
    ("元", "元", "money", 1.0),
    ("CNY", "元", "money", 1.0),
    ("cny", "元", "money", 1.0),  # ASCII look-ups ignore case
    ("万元", "万元", "money", 1e4),
    ("亿元", "亿元", "money", 1e8),
    ("秒", "秒", "duration", 1.0),
    ("s", "秒", "duration", 1.0),
    ("分钟", "分钟", "duration", 60.0),
    ("min", "分钟", "duration", 60.0),
    ("小时", "小时", "duration", 3600.0),
    ("h", "小时", "duration", 3600.0),
    ("H", "小时", "duration", 3600.0),
    ("天", "天", "duration", 86400.0),
    ("日", "天", "duration", 86400.0),
    ("周", "周", "duration", 604800.0),
    ("月", "月", "month", 1.0),
    ("个月", "月", "month", 1.0),
    ("季度", "季度", "month", 3.0),
    ("年", "年", "month", 12.0),
    ("工作日", "工作日", "workday", 1.0),
    ("分", "分", "points", 1.0),
    ("级", "级", "level", 1.0),
    ("名次", "名次", "rank", 1.0),
    ("日期", "日期", "date", 1.0),
    ("公里", "千米", "length", 1000.0),
    ("㎡", "平方米", "area", 1.0),  # NFKC reads the square-metre sign as m2
    ("m²", "平方米", "area", 1.0),
    ("公斤", "千克", "mass", 1.0),
]

# value, from, to, the converted value worked out by hand
CONVERSIONS: list[tuple[float, str, str, float]] = [
    (45, "分钟", "小时", 0.75),
    (1, "小时", "秒", 3600),
    (3600, "s", "h", 1),
    (2, "周", "天", 14),
    (86317300, "元", "万元", 8631.73),
    (8634.17, "万元", "元", 86341700),
    (1.5, "亿元", "万元", 15000),
    (99.66, "%", "‰", 996.6),
    (5, "‰", "%", 0.5),
    (2, "年", "月", 24),
    (6, "个月", "年", 0.5),
    (1, "季度", "月", 3),
    (1, "公顷", "亩", 15),
    (1, "千米", "米", 1000),
    (2.5, "吨", "千克", 2500),
    (50123, "件", "个", 50123),  # counts convert one to one
    (0, "小时", "分钟", 0),
    (-3, "%", "‰", -30),
]

INCOMPATIBLE: list[tuple[str, str]] = [
    ("件", "小时"),  # a count is not a duration
    ("月", "天"),  # months vary in length: their own dimension
    ("年", "秒"),  # so do years
    ("工作日", "天"),  # working days are not calendar days
    ("%", "元"),  # a ratio is not money
    ("分", "分钟"),  # points are not minutes
    ("级", "名次"),  # a level is not a rank
    ("日期", "天"),  # a date is not a duration
]

# unknown symbol -> a suggestion that must be offered
UNKNOWN: list[tuple[str, str]] = [
    ("小事", "小时"),
    ("万圆", "万元"),
    ("分种", "分钟"),
    ("%%", "%"),
]


@pytest.mark.parametrize(("spelling", "symbol", "dimension", "factor"), VALID_UNITS)
def test_lookup(spelling: str, symbol: str, dimension: str, factor: float) -> None:
    unit = DEFAULT_UNITS.get(spelling)
    assert (symbol, dimension, factor) == (unit.symbol, unit.dimension, unit.factor)
    assert spelling in DEFAULT_UNITS


@pytest.mark.parametrize(("value", "src", "dst", "expected"), CONVERSIONS)
def test_convert(value: float, src: str, dst: str, expected: float) -> None:
    assert expected == DEFAULT_UNITS.convert(value, src, dst)


@pytest.mark.parametrize(("src", "dst"), INCOMPATIBLE)
def test_incompatible(src: str, dst: str) -> None:
    with pytest.raises(IncompatibleUnitError) as info:
        DEFAULT_UNITS.convert(1, src, dst)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, PerfKPIError)
    assert src in str(info.value)


@pytest.mark.parametrize(("symbol", "suggestion"), UNKNOWN)
def test_unknown_suggests(symbol: str, suggestion: str) -> None:
    with pytest.raises(UnknownUnitError) as info:
        DEFAULT_UNITS.get(symbol)
    assert suggestion in info.value.suggestions
    assert f"did you mean {suggestion!r}" in str(info.value)


def test_unknown_without_suggestion() -> None:
    with pytest.raises(UnknownUnitError) as info:
        DEFAULT_UNITS.get("furlong")
    assert "unknown unit 'furlong'" == str(info.value)
    assert DEFAULT_UNITS.find("furlong") is None
    assert "furlong" not in DEFAULT_UNITS
    assert 5 not in DEFAULT_UNITS


def test_unknown_unit_error_fields_and_pickle() -> None:
    err = UnknownUnitError("小事", ("小时",), "≥3小事", 2)
    assert (
        "unknown unit '小事' in '≥3小事' at character 2; did you mean '小时'?"
        == str(err)
    )
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 (our own object)
    assert (again.symbol, again.suggestions, again.text, again.position) == (
        "小事",
        ("小时",),
        "≥3小事",
        2,
    )
    # the old two-argument form still works
    assert "unknown unit 'x'" == str(UnknownUnitError("x"))


def test_registry_is_immutable() -> None:
    hectare = Unit("垧", "area", 10000.0)
    bigger = DEFAULT_UNITS.with_units(hectare)
    assert "垧" in bigger
    assert "垧" not in DEFAULT_UNITS
    assert 15 == bigger.convert(1, "垧", "亩")
    aliased = DEFAULT_UNITS.with_alias("钟点", "小时")
    assert aliased.get("钟点") is DEFAULT_UNITS.get("小时")
    assert "钟点" not in DEFAULT_UNITS
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        DEFAULT_UNITS.units = ()  # type: ignore[misc]


def test_registry_rejects_clashes() -> None:
    with pytest.raises(ValueError, match="defined twice"):
        DEFAULT_UNITS.with_units(Unit("h", "mass"))
    with pytest.raises(ValueError, match="unknown unit"):
        DEFAULT_UNITS.with_alias("x", "no-such-unit")
    with pytest.raises(ValueError, match="already means"):
        DEFAULT_UNITS.with_alias("h", "秒")
    with pytest.raises(ValueError, match="empty alias"):
        UnitRegistry((Unit("a", "x", 1.0, (" ",)),))


def test_unit_validation() -> None:
    with pytest.raises(ValueError, match="symbol and a dimension"):
        Unit("", "count")
    with pytest.raises(ValueError, match="positive finite"):
        Unit("x", "count", 0.0)
    with pytest.raises(ValueError, match="positive finite"):
        Unit("x", "count", math.inf)


def test_ascii_symbol() -> None:
    assert "h" == DEFAULT_UNITS.get("小时").ascii_symbol
    assert "%" == DEFAULT_UNITS.get("%").ascii_symbol
    assert "件" == DEFAULT_UNITS.get("件").ascii_symbol  # no ASCII spelling
    assert "小时" == str(DEFAULT_UNITS.get("h"))


def test_registry_views() -> None:
    assert len(DEFAULT_UNITS) == len(DEFAULT_UNITS.units)
    assert list(DEFAULT_UNITS) == list(DEFAULT_UNITS.units)
    dims = DEFAULT_UNITS.dimensions()
    for dim in ("ratio", "count", "money", "duration", "month", "date", "rank"):
        assert dim in dims
    symbols = DEFAULT_UNITS.symbols()
    assert len(symbols[0]) >= len(symbols[-1])
    assert DATE_UNIT in DEFAULT_UNITS.units
    assert RANK_UNIT in DEFAULT_UNITS.units
    assert () == DEFAULT_UNITS.suggest("   ")


def test_every_symbol_is_normalised() -> None:
    # what the parser looks up is NFKC text without spaces
    for unit in DEFAULT_UNITS:
        assert DEFAULT_UNITS.get(unit.symbol) is unit
        for alias in unit.aliases:
            assert DEFAULT_UNITS.get(alias) is unit


units_by_dimension = st.sampled_from(
    [u for u in DEFAULT_UNITS.units if u.dimension not in ("date", "rank")]
)


@given(
    unit=units_by_dimension,
    data=st.data(),
    value=st.decimals(min_value=-(10**9), max_value=10**9, places=4).map(float),
)
def test_round_trip_conversion(unit: Unit, data: st.DataObject, value: float) -> None:
    same = [u for u in DEFAULT_UNITS.units if u.dimension == unit.dimension]
    other = data.draw(st.sampled_from(same))
    there = convert(value, unit, other)
    back = convert(there, other, unit)
    assert math.isclose(value, back, rel_tol=1e-12, abs_tol=1e-12)


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_same_factor_is_identity(value: float) -> None:
    assert value == convert(value, DEFAULT_UNITS.get("件"), DEFAULT_UNITS.get("个"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"symbol": None, "dimension": "count"}, "a unit's symbol must be text"),
        ({"symbol": "件", "dimension": 1}, "a unit's dimension must be text"),
        ({"symbol": "件", "dimension": "count", "factor": "1"}, "factor must be a"),
        ({"symbol": "件", "dimension": "count", "aliases": "ge"}, "list of text"),
        ({"symbol": "件", "dimension": "count", "name": None}, "name must be text"),
    ],
)
def test_unit_refuses_wrong_types(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        Unit(**kwargs)  # type: ignore[arg-type]


def test_registry_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match="units must be a list of Unit"):
        UnitRegistry(DEFAULT_UNITS.get("件"))  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match="each of a unit registry's units must be a Unit"
    ):
        UnitRegistry(["件"])  # type: ignore[list-item]
    with pytest.raises(
        TypeError, match=r"aliases must be pairs of text .* \(got .钟点. in it\)"
    ):
        UnitRegistry(DEFAULT_UNITS.units, ["钟点"])  # type: ignore[list-item]
    with pytest.raises(
        TypeError, match=r"aliases must be pairs of text .* \(got .钟点.\)"
    ):
        UnitRegistry(DEFAULT_UNITS.units, "钟点")  # type: ignore[arg-type]


def test_percentage_points_are_not_percent() -> None:
    from perfkpi.errors import IncompatibleUnitError
    from perfkpi.targets import parse_target

    # 提高5个百分点 is a difference of two rates: 6 个百分点 meets it, 6 % is
    # another quantity and is refused, not read as 6 个百分点
    target = parse_target("≥5个百分点")
    assert str(target) == "≥5个百分点"
    assert target.is_met("6个百分点")
    assert not target.is_met("4百分点")
    with pytest.raises(IncompatibleUnitError):
        target.is_met("6%")
    with pytest.raises(IncompatibleUnitError):
        parse_target("≥5%").is_met("6个百分点")
