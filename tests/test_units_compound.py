"""Compound units (元/人, 万元/公里) and the two readings of 块."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi.errors import IncompatibleUnitError, UnknownUnitError
from perfkpi.targets import parse_quantity, parse_target
from perfkpi.units import DEFAULT_UNITS, Unit, compound

# spelling -> (dimension, factor to the base of the dimension), by hand:
# 万元 is 10^4 元; 公里 is 10^3 米; 亩 is 10000/15 平方米; 年 is 12 月
COMPOUNDS = [
    ("元/人", "money/count", 1.0),
    ("万元/公里", "money/length", 1e4 / 1e3),
    ("人次/年", "count/month", 1 / 12),
    ("元/平方米", "money/area", 1.0),
    ("万元/个", "money/count", 1e4),
    ("万元/亩", "money/area", 15.0),
    ("元／人", "money/count", 1.0),  # full-width slash
]


@pytest.mark.parametrize(("spelling", "dimension", "factor"), COMPOUNDS)
def test_compound_units_are_ratios_of_known_units(
    spelling: str, dimension: str, factor: float
) -> None:
    unit = DEFAULT_UNITS.get(spelling)
    assert unit.dimension == dimension
    assert unit.factor == pytest.approx(factor, rel=1e-12)
    assert unit.symbol == spelling.replace("／", "/")
    assert spelling in DEFAULT_UNITS


def test_compound_units_convert_by_scale() -> None:
    # 0.3 万元 = 3000 元, per person on both sides
    assert DEFAULT_UNITS.convert(0.3, "万元/人", "元/人") == 3000.0
    # 1 万元/亩 = 10000 元 per 10000/15 m² = 15 元/m²
    assert DEFAULT_UNITS.convert(1, "万元/亩", "元/平方米") == 15.0
    # 12 人次 a year is 1 人次 a month
    assert DEFAULT_UNITS.convert(12, "人次/年", "人次/月") == 1.0


@pytest.mark.parametrize(
    ("left", "right"),
    [("元/人", "元/公里"), ("元/人", "元"), ("元", "元/人"), ("人次/年", "人次/天")],
)
def test_compound_units_of_other_dimensions_do_not_compare(
    left: str, right: str
) -> None:
    with pytest.raises(IncompatibleUnitError) as caught:
        DEFAULT_UNITS.convert(1, left, right)
    assert left in str(caught.value)
    assert right in str(caught.value)


@pytest.mark.parametrize("spelling", ["元/人/年", "元/", "/人", "元/狗", "日期/人"])
def test_what_is_not_a_compound_unit(spelling: str) -> None:
    assert DEFAULT_UNITS.find(spelling) is None
    with pytest.raises(UnknownUnitError):
        DEFAULT_UNITS.get(spelling)


def test_an_unknown_part_suggests_the_known_spelling() -> None:
    with pytest.raises(UnknownUnitError) as caught:
        DEFAULT_UNITS.get("元/人欠")
    assert "元/人次" in caught.value.suggestions


def test_compound_refuses_dates_ranks_and_compounds() -> None:
    with pytest.raises(ValueError, match="日期"):
        compound(DEFAULT_UNITS.get("元"), DEFAULT_UNITS.get("日期"))
    with pytest.raises(ValueError, match="元/人"):
        compound(DEFAULT_UNITS.get("元/人"), DEFAULT_UNITS.get("年"))
    with pytest.raises(TypeError):
        compound("元", DEFAULT_UNITS.get("人"))  # type: ignore[arg-type]


def test_targets_with_compound_units() -> None:
    target = parse_target("≤3000元/人")
    assert str(target) == "≤3000元/人"
    assert target.unit is not None
    assert target.unit.dimension == "money/count"
    assert target.is_met("0.3万元/人")  # 3000 ≤ 3000
    assert not target.is_met("0.31万元/人")  # 3100 > 3000
    assert target.is_met(2999)  # a plain number is in the target's unit
    with pytest.raises(IncompatibleUnitError, match=r"元/公里.*元/人"):
        target.is_met("3000元/公里")
    with pytest.raises(IncompatibleUnitError, match=r"3000元 \(money\).*元/人"):
        target.is_met("3000元")
    # the spelling is kept: 万元/公里 is not rewritten as 万元/千米
    assert str(parse_target("不超过3.5万元/公里")) == "≤3.5万元/公里"
    assert str(parse_target("3000元/人以下")) == "≤3000元/人"
    # 5万 is 50000 before a compound unit too
    assert str(parse_target("≥5万人次/年")) == "≥50000人次/年"
    # a range whose ends are spelt differently: 0.3万元/人 is 3000元/人
    assert str(parse_target("0.2万元/人～3000元/人")) == "[0.2万元/人,0.3万元/人]"
    assert str(parse_quantity("120元/平方米")) == "120元/平方米"


def test_a_range_across_dimensions_is_refused() -> None:
    with pytest.raises(IncompatibleUnitError):
        parse_target("[100元/人,200元/公里]")


@given(st.sampled_from([c[0] for c in COMPOUNDS]), st.integers(1, 10**6))
def test_compound_targets_read_back(spelling: str, n: int) -> None:
    target = parse_target(f"≤{n}{spelling}")
    assert parse_target(str(target)) == target


# -- 块 --------------------------------------------------------------------------


def test_kuai_is_money_in_a_money_context() -> None:
    # the indicator's unit decides; written back as 元
    assert str(parse_target("≤5块", unit="元")) == "≤5元"
    assert str(parse_target("≤5块", unit=DEFAULT_UNITS.get("万元"))) == "≤5元"
    assert str(parse_target("≤5万块", unit="元")) == "≤50000元"
    assert str(parse_target("≤30块/人", unit="元/人")) == "≤30元/人"
    # 块钱 is money whatever the context
    assert str(parse_target("≤5块钱")) == "≤5元"
    # against a money target, an actual of 4块 is 4 元
    assert parse_target("≤5元").is_met("4块")
    assert not parse_target("≤5元").is_met("6块")
    assert parse_target("≤0.5万元").is_met("4999块")


def test_kuai_is_a_count_in_a_count_context() -> None:
    target = parse_target("≥3块", unit="个")
    assert str(target) == "≥3块"
    assert target.unit == DEFAULT_UNITS.get("块")
    assert target.is_met("4块")
    assert not target.is_met("2块")


def test_kuai_without_a_money_context_is_the_registry_count() -> None:
    # the registry's reading: a count (5块 示范田); a plain number compares the
    # same either way (块 and 元 are both 1 of their base), and an actual in 元
    # against it is an error, not a silent reading
    for text in ("≤5块", "5块以下"):
        target = parse_target(text)
        assert target.unit == DEFAULT_UNITS.get("块")
        assert str(target) == "≤5块"
        assert parse_target(str(target)) == target
    assert parse_quantity("5块").unit == DEFAULT_UNITS.get("块")
    assert parse_target("≤5块").is_met(4)
    with pytest.raises(IncompatibleUnitError, match=r"4元 \(money\).*块 \(count\)"):
        parse_target("≤5块").is_met("4元")
    # a context of another dimension leaves the count, and the units then differ
    assert parse_target("≤5块", unit="小时").unit == DEFAULT_UNITS.get("块")


def test_a_registry_may_give_kuai_one_meaning() -> None:
    money = DEFAULT_UNITS.with_units(Unit("块币", "money", 1.0))
    # the default registry's 块 is still a count; a registry without 元 reads it so
    no_yuan = type(DEFAULT_UNITS)(
        tuple(u for u in DEFAULT_UNITS.units if u.dimension != "money")
    )
    assert str(parse_target("≥3块", units=no_yuan)) == "≥3块"
    assert str(parse_target("≤5块", unit="元", units=money)) == "≤5元"


def test_unit_argument_is_checked() -> None:
    with pytest.raises(UnknownUnitError):
        parse_target("≤5块", unit="furlong")
    with pytest.raises(TypeError):
        parse_target("≤5块", unit=5)  # type: ignore[arg-type]


# -- 块 in a node's target: the indicator's unit is the context ----------------


def test_kuai_in_a_node_of_a_money_indicator() -> None:
    from perfkpi import Indicator, Node

    money = Indicator("cost", "单位成本", unit="元", direction="lower")
    plots = Indicator("plots", "示范田", unit="块", direction="higher")

    def target(text: str, indicator: Indicator) -> str:
        return str(Node("1", "x", points=5, target=text, indicator=indicator).target)

    assert target("≤5块", money) == "≤5元"
    # a bare number takes the indicator's direction, and 块 its unit
    assert target("5块", money) == "≤5元"
    # without a money indicator 块 is the registry's count (5块 示范田)
    assert target("≥5块", plots) == "≥5块"
    assert Node("1", "x", points=5, target="≤5块").target == parse_target("≤5块")


def test_kuai_in_a_scheme_file(tmp_path: Path) -> None:
    from perfkpi.files import load_scheme

    text = """
[scheme]
id = "k"
name = "k"
points = 100

[[node]]
code = "1"
name = "人均成本"
points = 50
target = "≤30块"
rule = "proportional"
indicator = { code = "c1", name = "人均成本", unit = "元" }

[[node]]
code = "2"
name = "资金结余"
points = 30
target = "5块"
rule = "proportional"
indicator = "资金结余"

[[node]]
code = "3"
name = "示范田"
points = 20
target = "≥5块"
rule = "proportional"
"""
    path = tmp_path / "k.toml"
    path.write_text(text, encoding="utf-8")
    scheme = load_scheme(path)
    # the node's own indicator in 元; the library's 资金结余 in 万元 (and lower)
    assert str(scheme.node("1").target) == "≤30元"
    assert str(scheme.node("2").target) == "≤5元"
    second = scheme.node("2").target
    assert second is not None
    assert second.is_met("4元")
    # no indicator: a count
    assert str(scheme.node("3").target) == "≥5块"


def test_an_indicator_unit_the_registry_does_not_know_gives_no_context() -> None:
    from perfkpi.scheme import target_for

    assert str(target_for("≤5块", unit="某某")) == "≤5块"
    assert str(target_for("≤5块", unit="元")) == "≤5元"
    with pytest.raises(TypeError, match="unit"):
        target_for("≤5块", unit=5)  # type: ignore[arg-type]
