"""Reviewing a declared target set: every check firing and not firing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perfkpi import DataError, SchemeValidationError, catalog
from perfkpi.cli import main
from perfkpi.files import scheme_from_text
from perfkpi.scheme import Scheme
from perfkpi.targetreview import CHECKS, TargetReview, review_targets

GZ_SCHEME = catalog.scheme_path("gz-dept-overall")
GZ_DATA = catalog.data_path("gz-internet-court-2022")

MINI = """
[scheme]
id = "mini"
name = "mini"
points = 100

[[node]]
code = "1"
name = "产出指标"
points = 60
rule = { kind = "deduct", per_unmet = 1 }

[[node]]
code = "2"
name = "效益指标"
points = 20
target = "≥90%"
rule = "proportional"

[[node]]
code = "3"
name = "服务对象满意度"
points = 20
target = "≥90%"
rule = "proportional"
indicator = "满意度"
"""


def mini() -> Scheme:
    return scheme_from_text(MINI)


def items(*entries: dict[str, object]) -> dict[str, object]:
    return {"scheme": "mini", "items": [{"parent": "1", **e} for e in entries]}


def checks(review: TargetReview, check: str) -> list[tuple[str, str]]:
    return [(f.code, f.name) for f in review.findings if f.check == check]


# -- the seed's own department ---------------------------------------------------


def test_seed_department_is_too_heavy_on_spending() -> None:
    review = review_targets(GZ_SCHEME, GZ_DATA)
    # 20 items + 1.2 + 2.1, 2.2, 2.3
    assert len(review.indicators) == 24
    # stakes: 1.2 has 10 points; 20 items under 1.1 and 2.2, 2.3 under 2 cost
    # 1 each when unmet; 2.1 is a shortfall of 1 point: 10 + 20 + 1 + 1 + 1 = 33.
    # money flow: 1.2 预算资金支出率 (by name), 2.2 and 2.3 (class 过程 › 预算执行)
    # = 10 + 1 + 1 = 12; 12 / 33 = 36.4 % > 10 %
    assert review.spending_share == pytest.approx(12 / 33)
    # the 20 items are outputs and satisfaction: 20 / 33
    assert review.outcome_share == pytest.approx(20 / 33)
    assert [(f.check, f.code) for f in review.findings] == [
        ("missing-class", ""),
        ("spending-heavy", "1.2, 2.2, 2.3"),
    ]
    # the library classes its court indicators under cn-project-2020, whose
    # first level is 产出 / 效益 / 满意度: no 效益
    assert review.taxonomy == "cn-project-2020"
    assert review.findings[0].name == "效益"
    assert not review.ok


def test_national_template_is_clean() -> None:
    # 预算执行率 10 of 100 points: exactly 10 %, not more
    review = review_targets(catalog.scheme("cn-project-2020"))
    assert review.spending_share == pytest.approx(0.10)
    assert review.ok
    assert review.report("en").endswith("Nothing flagged.\n")


# -- completeness -----------------------------------------------------------------


def test_missing_class_fires_and_not() -> None:
    review = review_targets(mini(), taxonomy="cn-project-2020")
    # 产出指标 is a container without items: no 产出 indicator
    assert checks(review, "missing-class") == [("", "产出")]
    review = review_targets(
        mini(), items({"name": "完成率", "target": "≥95%"}), taxonomy="cn-project-2020"
    )
    assert checks(review, "missing-class") == []


def test_missing_class_without_any_class() -> None:
    text = MINI.replace('indicator = "满意度"', "").replace("效益", "其他")
    text = text.replace("服务对象满意度", "其他二")
    review = review_targets(scheme_from_text(text))
    assert review.taxonomy == ""
    assert checks(review, "missing-class") == [("", "")]


def test_element_checks() -> None:
    data = items(
        {"name": "办结率", "target": "待定"},
        {"name": "XX率", "target": "≥95%"},
        {"name": "受理件数", "target": "100"},
        {"name": "审核率"},
        {"name": "覆盖率", "target": "很多很多"},
        {"name": "完成率", "target": "≥95%"},
    )
    review = review_targets(mini(), data, taxonomy="cn-project-2020")
    assert checks(review, "placeholder") == [("1.1", "办结率"), ("1.2", "XX率")]
    # "100" is neither ≥ nor ≤ and has no unit
    assert checks(review, "no-unit") == [("1.3", "受理件数")]
    assert checks(review, "no-direction") == [("1.3", "受理件数")]
    # no target, and one that cannot be read; a placeholder is not also these
    assert checks(review, "no-value") == [("1.4", "审核率"), ("1.5", "覆盖率")]


def test_a_library_indicator_gives_the_direction() -> None:
    # 满意度 is higher-is-better in the library: "90%" is read as ≥90%
    review = review_targets(mini(), items({"name": "满意度", "target": "90%"}))
    assert checks(review, "no-direction") == []


# -- relevance ---------------------------------------------------------------------


def test_spending_heavy_does_not_fire_on_outputs() -> None:
    data = items({"name": "预算执行率", "target": "≥100%"})
    # one money item (1 point at stake) among 1 + 20 + 20 = 41: 2.4 %
    review = review_targets(mini(), data)
    assert checks(review, "spending-heavy") == []
    text = MINI.replace(
        "points = 20\ntarget", "points = 20\nindicator = '预算执行率'\ntarget", 1
    )
    # 效益指标 now is 预算执行率 with 20 points: 20 / 41 = 48.8 %
    review = review_targets(
        scheme_from_text(text), items({"name": "完成率", "target": "≥1件"})
    )
    assert checks(review, "spending-heavy") == [("2", "效益指标")]
    (spending,) = [f for f in review.findings if f.check == "spending-heavy"]
    assert "分值 20/41（48.8%）" in spending.reason_zh


DUTIES = {
    "审判": ["网上立案率", "在线庭审率", "1.1.3"],
    "执行": ["实际执行到位率居全市法院第一"],
    "调查研究、司法建议": [],
    "法制宣传": [],
}


def test_duties_without_indicators() -> None:
    review = review_targets(GZ_SCHEME, GZ_DATA, duties=DUTIES)
    assert checks(review, "duty-unserved") == [
        ("", "调查研究、司法建议"),
        ("", "法制宣传"),
    ]
    served = {k: v for k, v in DUTIES.items() if v}
    review = review_targets(GZ_SCHEME, GZ_DATA, duties=served)
    assert checks(review, "duty-unserved") == []


def test_a_duty_naming_an_unknown_indicator_is_bad_input() -> None:
    with pytest.raises(DataError, match="no declared indicator '网上立案'"):
        review_targets(GZ_SCHEME, GZ_DATA, duties={"审判": ["网上立案"]})


# -- appropriateness ---------------------------------------------------------------


def test_below_last_year() -> None:
    history: dict[str, list[float | str]] = {
        "网上立案率": [99.5, 99.66],  # ≥99% is below last year's 99.66 %
        "在线庭审率": [98.5],  # ≥99% is above 98.5 %: fine
        "系统故障平均响应时间": ["45分钟"],  # ≤1小时 allows more than 0.75 h
        "数据报表查询速度": ["3秒"],  # 3秒内 = ≤3秒: the same as last year
    }
    review = review_targets(GZ_SCHEME, GZ_DATA, history=history)
    assert checks(review, "below-last-year") == [
        ("1.1.1", "网上立案率"),
        ("1.1.9", "系统故障平均响应时间"),
    ]


def test_above_standard() -> None:
    review = review_targets(GZ_SCHEME, GZ_DATA, standards={"公用经费控制率": "98%"})
    assert checks(review, "above-standard") == [("2.2", "公用经费控制率")]
    review = review_targets(GZ_SCHEME, GZ_DATA, standards={"2.2": 100})
    assert checks(review, "above-standard") == []


def test_every_target_at_100_percent() -> None:
    text = MINI.replace("≥90%", "≥100%")
    review = review_targets(scheme_from_text(text))
    assert checks(review, "all-100") == [("", "")]
    # two targets at 90 %: not every one at 100 %
    assert checks(review_targets(mini()), "all-100") == []


# -- feasibility -------------------------------------------------------------------


def test_outside_history() -> None:
    # highest actual 88; 88 × 1.1 = 96.8 < 99: far above what was ever reached
    review = review_targets(GZ_SCHEME, GZ_DATA, history={"网上立案率": [80, 85, 88]})
    assert checks(review, "outside-history") == [("1.1.1", "网上立案率")]
    # 92–98: 99 is within 98 × 1.1
    review = review_targets(GZ_SCHEME, GZ_DATA, history={"网上立案率": [92, 95, 98]})
    assert checks(review, "outside-history") == []


# -- input, output, command line ---------------------------------------------------


def test_bad_input() -> None:
    with pytest.raises(DataError, match="no declared indicator '不存在'"):
        review_targets(GZ_SCHEME, GZ_DATA, history={"不存在": [1]})
    with pytest.raises(DataError, match="list of past actuals"):
        review_targets(GZ_SCHEME, GZ_DATA, history={"网上立案率": 99})  # type: ignore[dict-item]
    with pytest.raises(DataError, match="finite"):
        review_targets(GZ_SCHEME, GZ_DATA, history={"网上立案率": [float("nan")]})
    with pytest.raises(DataError, match="for scheme 'gz-dept-overall', not 'mini'"):
        review_targets(mini(), GZ_DATA)
    with pytest.raises(DataError, match="unknown parent node '9'"):
        review_targets(mini(), {"items": [{"parent": "9", "name": "x"}]})
    with pytest.raises(DataError, match="'name' must be text"):
        review_targets(mini(), {"items": [{"parent": "1"}]})
    with pytest.raises(DataError, match="expected a Scheme"):
        review_targets(3)  # type: ignore[arg-type]
    with pytest.raises(SchemeValidationError):
        review_targets("/nonexistent/scheme.toml")
    with pytest.raises(KeyError, match="taxonomy"):
        review_targets(mini(), taxonomy="nope")


def test_output() -> None:
    review = review_targets(GZ_SCHEME, GZ_DATA)
    d = review.to_dict()
    assert (d["ok"], len(d["indicators"]), d["findings"][1]["check"]) == (
        False,
        24,
        "spending-heavy",
    )
    assert d["findings"][1]["dimension"] == "relevance"
    text = review.report()
    assert "相关性" in text
    assert "3/24" in text
    assert "12/33（36.4%）" in text
    assert "12 of the 33 points at stake (36.4%)" in review.report("en")
    with pytest.raises(ValueError, match="lang"):
        review.report("fr")


def test_every_check_has_a_dimension() -> None:
    assert {c.dimension for c in CHECKS} == {
        "completeness",
        "relevance",
        "appropriateness",
        "feasibility",
    }


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review-targets", str(GZ_SCHEME), str(GZ_DATA)]) == 1
    assert "[spending-heavy]" in capsys.readouterr().out
    clean = catalog.scheme_path("cn-project-2020")
    assert main(["review-targets", str(clean)]) == 0
    capsys.readouterr()
    assert (
        main(["review-targets", str(GZ_SCHEME), str(GZ_DATA), "--format", "json"]) == 1
    )
    out = json.loads(capsys.readouterr().out)
    assert out["findings"][1]["check"] == "spending-heavy"
    assert main(["review-targets", str(tmp_path / "missing.toml")]) == 2
    history = tmp_path / "history.toml"
    history.write_text('[history]\n"网上立案率" = [99.5, 99.66]\n', encoding="utf-8")
    args = ["review-targets", str(GZ_SCHEME), str(GZ_DATA), "--history", str(history)]
    assert main([*args, "--lang", "en"]) == 1
    assert "below-last-year" in capsys.readouterr().out
    history.write_text('[history]\n"不存在" = [1]\n', encoding="utf-8")
    assert main(args) == 2
    assert "没有申报的指标 '不存在'" in capsys.readouterr().err
    history.write_text("x = 1\n", encoding="utf-8")
    assert main(args) == 2
    duties = tmp_path / "duties.toml"
    duties.write_text('[duties]\n"法制宣传" = []\n', encoding="utf-8")
    assert main(["review-targets", str(clean), "--duties", str(duties)]) == 1
    assert main(["review-targets", str(clean), "--taxonomy", "nope"]) == 2
