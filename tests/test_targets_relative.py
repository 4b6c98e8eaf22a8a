"""Targets relative to the prior year (较上年提高5%, 不低于上年) and Data.prior."""

from __future__ import annotations

import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi import Data, Node, Scheme, evaluate
from perfkpi.batch import evaluate_batch
from perfkpi.errors import (
    AmbiguousValueError,
    AmbiguousValueWarning,
    DataError,
    DataValidationError,
    IncompatibleUnitError,
    SchemeValidationError,
    TargetSyntaxError,
)
from perfkpi.files import (
    data_from_dict,
    data_from_text,
    data_to_dict,
    dump_data,
    dump_scheme,
    json_schema,
    scheme_from_text,
)
from perfkpi.rules import (
    AllOrNothing,
    Deadline,
    Equal,
    PerPoint,
    Proportional,
    Rule,
    value_kind,
)
from perfkpi.targets import Comparator, Target, format_target, parse_target
from perfkpi.units import DEFAULT_UNITS

PERCENT = DEFAULT_UNITS.get("%")

# spelling -> canonical text (what str() writes and reads back)
SPELLINGS = [
    ("较上年提高5%", "较上年提高5%"),
    ("比上年增长5%", "较上年提高5%"),
    ("较上年度增长5%以上", "较上年提高5%"),
    ("同比增长5%", "较上年提高5%"),
    ("较上年增长不低于5%", "较上年提高5%"),
    ("较去年提高5个百分点", "较上年提高5个百分点"),
    ("较上年提高5百分点", "较上年提高5个百分点"),
    ("较上年下降10%", "较上年下降10%"),
    ("较上年同期减少100万元", "较上年下降100万元"),
    ("不低于上年", "不低于上年"),
    ("不低于上年水平", "不低于上年"),
    ("≥上年", "不低于上年"),
    ("不高于上年", "不高于上年"),
    ("不超过上年水平", "不高于上年"),
    ("高于上年", "高于上年"),
    ("较上年有所提高", "高于上年"),
    ("低于上年", "低于上年"),
    ("较上年有所下降", "低于上年"),
    ("较上年提高5％", "较上年提高5%"),  # full-width percent sign
]


@pytest.mark.parametrize(("text", "canonical"), SPELLINGS)
def test_relative_spellings(text: str, canonical: str) -> None:
    target = parse_target(text)
    assert target.relative
    assert target.kind == "relative"
    assert value_kind(target) == "relative"
    assert str(target) == canonical
    assert parse_target(canonical) == target


def test_relative_fields() -> None:
    # 较上年提高5%: a rise of 5 (per cent of the prior value)
    t = parse_target("较上年提高5%")
    assert (t.comparator, t.value, t.unit) == (Comparator.GE, 5.0, PERCENT)
    # 较上年下降10%: a fall of 10
    t = parse_target("较上年下降10%")
    assert (t.comparator, t.value) == (Comparator.LE, 10.0)
    # 不低于上年: the prior itself, no change and no unit
    t = parse_target("不低于上年")
    assert (t.comparator, t.value, t.unit) == (Comparator.GE, 0.0, None)
    # the direction does not change a relative target: its words say the side
    assert parse_target("较上年提高5%", direction="lower") == parse_target(
        "较上年提高5%"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("较上年提高-5%", "0 or more"),
        ("较上年提高abc", "a number"),
        ("较上年提高5日期", "a change in a unit of quantity"),
        ("较上年提高不低于", "the size of the change"),
    ],
)
def test_bad_relative_text(text: str, expected: str) -> None:
    with pytest.raises(TargetSyntaxError, match=expected):
        parse_target(text)


def test_relative_target_constructor_checks() -> None:
    with pytest.raises(ValueError, match="rise"):
        Target(Comparator.GE, -5, PERCENT, relative=True)
    with pytest.raises(ValueError, match="rise"):
        Target(Comparator.EQ, 5, PERCENT, relative=True)
    with pytest.raises(ValueError, match="'>' and '<'"):
        Target(Comparator.GT, 5, PERCENT, relative=True)
    with pytest.raises(ValueError, match="source and its prior"):
        Target(Comparator.GE, 84, PERCENT, source=parse_target("较上年提高5%"))
    with pytest.raises(TypeError, match="relative"):
        Target(Comparator.GE, 5, PERCENT, relative="yes")  # type: ignore[arg-type]


def test_an_unresolved_target_never_scores() -> None:
    target = parse_target("较上年提高5%")
    with pytest.raises(DataError, match="prior-year value"):
        target.is_met("90%")
    with pytest.raises(ValueError, match="prior-year value"):
        target.bounds()


# -- resolving, by hand -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prior", "absolute"),
    [
        # 80 × (1 + 5/100) = 84
        ("较上年提高5%", "80%", "≥84%"),
        # a plain prior takes no unit under a change in per cent: 80 × 1.05
        ("较上年提高5%", 80, "≥84"),
        # 80 % + 5 points = 85 %; a plain prior of a change in points is in %
        ("较上年提高5个百分点", "80%", "≥85%"),
        ("较上年提高5个百分点", 80, "≥85%"),
        # 5 points are 50 ‰: 800 ‰ + 50 ‰ = 850 ‰
        ("较上年提高5个百分点", "800‰", "≥850‰"),
        # 200 × (1 − 10/100) = 180
        ("较上年下降10%", "200万元", "≤180万元"),
        # 2 亿元 + 100 万元 = 2.01 亿元
        ("较上年增加100万元", "2亿元", "≥2.01亿元"),
        # 3000 元/人 − 300 元/人 = 2700 元/人 (a compound unit)
        ("较上年减少300元/人", "0.3万元/人", "≤0.27万元/人"),
        ("不低于上年", "1200人次", "≥1200人次"),
        ("高于上年", "95.5%", ">95.5%"),
        ("不高于上年", "3天", "≤3天"),
    ],
)
def test_resolve_by_hand(text: str, prior: object, absolute: str) -> None:
    resolved = parse_target(text).resolve(prior)
    plain = attrs.evolve(resolved, source=None, prior=None)
    assert str(plain) == absolute
    assert resolved.source == parse_target(text)
    assert not resolved.relative
    # the text says the relative target, the prior and the absolute target,
    # and reads back to the same target
    assert str(resolved).startswith(str(parse_target(text)) + "（上年")
    assert str(resolved).endswith(f"，即{absolute}）")
    assert parse_target(str(resolved)) == resolved
    assert parse_target(format_target(resolved, "ascii")) == resolved


def test_resolved_text_of_the_brief() -> None:
    resolved = parse_target("较上年提高5%").resolve("80%")
    assert str(resolved) == "较上年提高5%（上年80%，即≥84%）"
    assert resolved.value == 84.0
    assert resolved.is_met("84%")
    assert not resolved.is_met("83%")


def test_a_stated_resolution_must_agree() -> None:
    # 80 × 1.05 is 84, not 85
    with pytest.raises(TargetSyntaxError, match="≥84%"):
        parse_target("较上年提高5%（上年80%，即≥85%）")
    with pytest.raises(TargetSyntaxError, match="relative target"):
        parse_target("≥84%（上年80%，即≥84%）")


def test_resolve_errors() -> None:
    points = parse_target("较上年提高5个百分点")
    with pytest.raises(DataError, match=r"missing prior-year value .* @ 1\.2"):
        points.resolve(None, where="1.2")
    with pytest.raises(DataError, match="cannot read the prior-year value"):
        points.resolve("eighty", where="1.2")
    # 个百分点 changes a rate: a prior in 人 is another quantity
    with pytest.raises(IncompatibleUnitError, match=r"80人.*rate"):
        points.resolve("80人")
    # 100 万元 is added to money, not to a rate
    with pytest.raises(IncompatibleUnitError, match=r"80%.*万元"):
        parse_target("较上年增加100万元").resolve("80%")
    # a prior in another dimension than the indicator's unit
    with pytest.raises(IncompatibleUnitError, match="indicator's unit"):
        parse_target("不低于上年").resolve("80人", unit="%")
    # a share of a prior of zero or less means nothing
    with pytest.raises(DataError, match="above zero"):
        parse_target("较上年提高5%").resolve(0)
    with pytest.raises(ValueError, match="only a relative target"):
        parse_target("≥84%").resolve(80)
    with pytest.raises(DataError, match="number"):
        parse_target("较上年提高5%").resolve([80])


def test_the_indicator_unit_is_the_unit_of_a_plain_prior() -> None:
    resolved = parse_target("较上年提高5%").resolve(80, unit="%")
    assert str(resolved) == "较上年提高5%（上年80%，即≥84%）"


# -- scoring ---------------------------------------------------------------------


def _scheme(target: str, rule: Rule | None = None) -> Scheme:
    node = Node("1", "结案率", points=10, target=target, rule=rule or Proportional())
    return Scheme.from_nodes("s", "s", [node], points=10)


def test_scored_against_the_prior_year_by_hand() -> None:
    # prior 80 %, 较上年提高5%: target ≥ 80 × 1.05 = 84 %; actual 83 % under
    # proportional scores 10 × 83/84 = 9.8810 → 9.88 (two places)
    # 5 % of a prior rate could also mean 5 points (80 + 5 = 85 %): warned
    with pytest.warns(AmbiguousValueWarning, match=r"points it would be ≥85%"):
        ev = evaluate(_scheme("较上年提高5%"), Data({"1": "83%"}, prior={"1": "80%"}))
    assert ev.total == 9.88
    assert ev.met == {"1": False}
    # under strict the same is an error, never a score
    with pytest.raises(AmbiguousValueError, match=r"share of it \(≥84%\)"):
        evaluate(
            _scheme("较上年提高5%"), Data({"1": "83%"}, prior={"1": "80%"}), strict=True
        )
    # 84 % meets it: full points
    with pytest.warns(AmbiguousValueWarning):
        ev84 = evaluate(_scheme("较上年提高5%"), Data({"1": "84%"}, prior={"1": "80%"}))
    assert ev84.total == 10.0
    # the report says the relative target, the prior and what it came to
    text = ev.report()
    assert "较上年提高5%（上年80%，即≥84%）" in text
    assert ev.deductions[0].target == "较上年提高5%（上年80%，即≥84%）"


def test_points_and_a_fall_by_hand() -> None:
    # prior 80 % + 5 points = 85 %; actual 85 % meets it
    scheme = _scheme("较上年提高5个百分点", AllOrNothing())
    assert evaluate(scheme, Data({"1": "85%"}, prior={"1": "80%"})).total == 10
    assert evaluate(scheme, Data({"1": "84.9%"}, prior={"1": "80%"})).total == 0
    # 三公经费 prior 200 万元, 较上年下降10%: ≤ 180 万元; 190 万元 misses by
    # 10 万元 = 1 step of 10 万元 at 2 points a step: 10 − 2 = 8
    per = PerPoint(per=2, step=10)
    scheme = _scheme("较上年下降10%", per)
    ev = evaluate(scheme, Data({"1": "190万元"}, prior={"1": "200万元"}))
    assert ev.total == 8.0


def test_missing_prior_names_the_node() -> None:
    with pytest.raises(DataError) as caught:
        evaluate(_scheme("较上年提高5%"), {"1": "83%"})
    assert caught.value.where == "1"
    assert "prior-year value" in caught.value.problem


def test_wrong_unit_prior_is_an_error() -> None:
    # the change is in per cent, so 80 人 resolves, to ≥84人, which a rate is not
    with pytest.raises(IncompatibleUnitError, match=r"上年 80人 .*83%"):
        evaluate(_scheme("较上年提高5%"), Data({"1": "83%"}, prior={"1": "80人"}))
    with pytest.raises(IncompatibleUnitError, match="rate"):
        evaluate(
            _scheme("较上年提高5个百分点", AllOrNothing()),
            Data({"1": "83%"}, prior={"1": "80人"}),
        )


def test_prior_for_the_wrong_node_is_an_error() -> None:
    with pytest.raises(DataError, match="unknown node '9'"):
        evaluate(_scheme("较上年提高5%"), Data({"1": "83%"}, prior={"1": 80, "9": 1}))
    with pytest.raises(DataError, match="not relative"):
        evaluate(_scheme("≥84%"), Data({"1": "83%"}, prior={"1": "80%"}))


def test_a_node_not_applicable_needs_no_prior() -> None:
    nodes = [
        Node("1", "结案率", points=10, target="较上年提高5%", rule=Proportional()),
        Node("2", "满意度", points=10, target="≥90%", rule=Proportional()),
    ]
    scheme = Scheme.from_nodes("s", "s", nodes, points=20)
    ev = evaluate(scheme, Data({"2": "90%"}, not_applicable=["1"]))
    assert "1" in ev.not_applicable


def test_a_resolved_target_a_rule_cannot_score_is_named() -> None:
    # prior 0 %: 不低于上年 is ≥0 %, and a ratio to zero means nothing
    with pytest.raises(DataError, match=r"proportional.*@ 1"):
        evaluate(_scheme("不低于上年"), Data({"1": "3%"}, prior={"1": "0%"}))


@pytest.mark.parametrize("rule", [Equal(), Deadline(per=1)])
def test_rules_that_cannot_read_a_relative_target_are_refused_at_load(
    rule: Rule,
) -> None:
    with pytest.raises(SchemeValidationError) as caught:
        _scheme("较上年提高5%", rule)
    assert "is relative to the prior-year value" in str(caught.value)


def test_batch_refuses_relative_targets() -> None:
    with pytest.raises(DataError, match="one entity at a time"):
        evaluate_batch(_scheme("较上年提高5%"), {"1": [83.0]})


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
def test_what_if_and_explain_keep_both_texts() -> None:
    ev = evaluate(_scheme("较上年提高5%"), Data({"1": "83%"}, prior={"1": "80%"}))
    assert "上年80%" in str(ev.explain("1"))
    # scoring the evaluation's own scheme again resolves from the source
    again = evaluate(ev.scheme, Data({"1": "84%"}, prior={"1": "80%"}))
    assert again.total == 10.0


# -- files ---------------------------------------------------------------------------


def test_prior_round_trips_through_files() -> None:
    data = Data({"1": "83%"}, prior={"1": "80%", "2": 1200})
    doc = data_to_dict(data)
    assert doc["prior"] == {"1": "80%", "2": 1200}
    for fmt in ("toml", "json"):
        text = dump_data(data, format=fmt)
        assert data_from_text(text, format=fmt) == data
        assert dict(data_from_text(text, format=fmt).prior) == {"1": "80%", "2": 1200}


def test_prior_table_under_its_chinese_name() -> None:
    data = data_from_dict({"actuals": {"1": "83%"}, "上年": {"1": "80%"}})
    assert dict(data.prior) == {"1": "80%"}
    text = '[actuals]\n"1" = "83%"\n\n["上年"]\n"1" = "80%"\n'
    assert dict(data_from_text(text).prior) == {"1": "80%"}
    with pytest.raises(DataValidationError) as caught:
        data_from_dict({"prior": {"1": 1}, "上年": {"1": 1}})
    assert "once" in str(caught.value)


def test_bad_prior_tables_are_named() -> None:
    with pytest.raises(DataValidationError) as caught:
        data_from_dict({"actuals": {"1": 1}, "prior": [80]})
    assert "expected a table" in str(caught.value)
    assert "@ prior" in str(caught.value)
    with pytest.raises(DataValidationError) as caught:
        data_from_dict({"actuals": {"1": 1}, "prior": {"1": [80]}})
    assert "@ prior.1" in str(caught.value)
    with pytest.raises(DataValidationError) as caught:
        data_from_dict(
            {"actuals": {"1": "83%"}, "prior": {"9": 1}},
            scheme=_scheme("较上年提高5%"),
        )
    assert "unknown node '9'" in str(caught.value)


def test_prior_in_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = data_to_dict(Data({"1": "83%"}, prior={"1": "80%", "2": 3}))
    jsonschema.validate(json.loads(json.dumps(doc)), json_schema("data"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"prior": {"1": [1]}}, json_schema("data"))


# -- property: a relative target scores as its resolved absolute target ---------------


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(
    prior=st.integers(1, 10_000).map(lambda n: n / 100),
    change=st.integers(0, 5_000).map(lambda n: n / 100),
    actual=st.integers(1, 20_000).map(lambda n: n / 100),
    rise=st.booleans(),
    unit=st.sampled_from(["%", "万元", "人次"]),
)
def test_relative_scores_as_its_resolved_target(
    prior: float, change: float, actual: float, rise: bool, unit: str
) -> None:
    verb = "提高" if rise else "下降"
    if not rise:
        change = min(change, 90.0)  # a fall of 100 % or more leaves nothing
    text = f"较上年{verb}{change}%"
    resolved = parse_target(text).resolve(f"{prior}{unit}")
    absolute = attrs.evolve(resolved, source=None, prior=None)
    rule = Proportional() if rise else PerPoint(per=1)
    relative_ev = evaluate(
        _scheme(text, rule),
        Data({"1": f"{actual}{unit}"}, prior={"1": f"{prior}{unit}"}),
    )
    absolute_ev = evaluate(_scheme(str(absolute), rule), {"1": f"{actual}{unit}"})
    assert relative_ev.total == absolute_ev.total
    assert relative_ev.met == absolute_ev.met


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
def test_reports_word_relative_targets_in_both_languages() -> None:
    nodes = [
        Node("1", "结案率", points=10, target="较上年提高5%", rule=Proportional()),
        Node("2", "调解率", points=10, target="不低于上年", rule=Proportional()),
    ]
    scheme = Scheme.from_nodes("s", "s", nodes, points=20)
    data = Data({"1": "83%"}, prior={"1": "80%"}, not_applicable=["2"])
    ev = evaluate(scheme, data)
    english = ev.report(lang="en")
    assert (
        "5% above the prior year's value (prior year 80%, so at least 84%)" in english
    )
    assert "at least the prior year's value" in english  # the node not applicable
    assert "较上年提高5%（上年80%，即≥84%）" in ev.report()
    for fmt in ("markdown", "html"):
        for lang in ("zh", "en"):
            assert "84%" in ev.report(format=fmt, lang=lang)


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
def test_relative_targets_round_trip_through_scheme_files() -> None:
    scheme = _scheme("较上年提高5%")
    for fmt in ("toml", "json"):
        text = dump_scheme(scheme, format=fmt)
        assert "较上年提高5%" in text
        assert scheme_from_text(text, format=fmt) == scheme
    # the evaluation's scheme holds the resolved target, which reads back too
    ev = evaluate(scheme, Data({"1": "83%"}, prior={"1": "80%"}))
    text = dump_scheme(ev.scheme)
    assert "较上年提高5%（上年80%，即≥84%）" in text
    assert scheme_from_text(text) == ev.scheme
