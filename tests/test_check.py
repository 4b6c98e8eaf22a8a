"""check_report(): the seed's stated figures, seeded mismatches, rounding, bad files.

Every expected finding is computed by hand in the comments.
"""

from __future__ import annotations

import copy
import io
import json
import math
import re
import sys
import tomllib
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi.check import (
    Check,
    CheckResult,
    StatedError,
    bundled_stated,
    check_report,
    load_stated,
    stated_from_dict,
    stated_from_text,
    stated_names,
)
from perfkpi.cli import main
from perfkpi.rules import AllOrNothing
from perfkpi.testing import data_for, schemes

SEED_STATED = Path(
    str(resources.files("perfkpi").joinpath("_stated/gz-internet-court-2022.toml"))
)


@pytest.fixture(scope="module")
def scheme() -> perfkpi.Scheme:
    return perfkpi.catalog.scheme("gz-dept-overall")


def _doc() -> dict[str, Any]:
    return tomllib.loads(SEED_STATED.read_text(encoding="utf-8"))


def _check(scheme: perfkpi.Scheme, doc: dict[str, Any]) -> CheckResult:
    return check_report(scheme, stated_from_dict(doc, source="test"))


def _found(result: CheckResult) -> list[tuple[str, str]]:
    return [(c.kind, c.subject) for c in result.mismatches]


# -- the seed --------------------------------------------------------------------------

# Every relation among the report's figures, recomputed by hand:
SEED_CHECKS = [
    ("points", "1 履职效能", True),  # 满分50分, as the scheme
    ("points", "2 管理效率", True),  # 满分50分
    ("sum", "总分", True),  # 45.98 + 42.65 = 88.63
    (
        "deductions",
        "总分",
        True,
    ),  # 100 − (4 + 0.02 + 1 + 1 + 3.3 + 1.05 + 1 + 0) = 88.63
    ("deductions", "1 履职效能", True),  # 50 − (4 + 0.02) = 45.98
    ("deductions", "2 管理效率", True),  # 50 − (1 + 1 + 3.3 + 1.05 + 1 + 0) = 42.65
    ("rule", "1.1 部门整体绩效指标完成情况", True),  # 4 unmet × 1 = 4
    ("rule", "1.2 预算资金支出率", True),  # 10 × (1 − 99.8/100) = 0.02
    ("subtotal", "2 管理效率 绩效管理", True),  # 1.3 + 2 = 3.3
    ("subtotal", "2 管理效率 采购管理", True),  # 1 + 0.05 = 1.05
    ("rule", "2.1 中小企业采购份额", True),  # 1 × (1 − 95/100) = 0.05
    ("amount", "实际完成支出", True),  # 4,148.76 + 4,482.97 = 8,631.73
    (
        "within",
        "中台化改造项目2022年安排 ≤ 中台化改造项目总投资",
        True,
    ),  # 900 ≤ 2155.80
    # 8,631.73 / 8,634.17 = 1 − 2.44/8,634.17 = 0.9997174… → 99.97 %, while the
    # report states 99.98 %: 0.0083 points apart, more than the ±0.005 (plus
    # ±0.0001 from the rounding of the two amounts) that rounding allows.
    ("rate", "预算完成率", False),
]


def test_seed_every_relation(scheme: perfkpi.Scheme) -> None:
    result = check_report(scheme, bundled_stated("gz-internet-court-2022"))
    assert [(c.kind, c.subject, c.ok) for c in result.checks] == SEED_CHECKS


def test_seed_the_one_mismatch(scheme: perfkpi.Scheme) -> None:
    result = check_report(scheme, load_stated(SEED_STATED))
    assert not result.ok
    (rate,) = result.mismatches
    assert rate.stated == 99.98
    # 8631.73 / 8634.17 = 1 − 2.44 / 8634.17 = 1 − 0.000282598 = 0.999717402
    assert rate.computed == pytest.approx(99.9717402, abs=1e-7)
    assert rate.difference == pytest.approx(99.98 - 99.9717402, abs=1e-7)
    assert rate.sources == (
        "一（三）：预算完成率为99.98%",
        "一（三）：实际完成支出8,631.73万元",
        "一（三）：2022年，本院年度预算为8,634.17万元",
    )
    # rounded up (进位) 99.9717… would give 99.98: the checker says so
    assert "进位" in rate.note


def test_seed_unchecked_figure(scheme: perfkpi.Scheme) -> None:
    result = check_report(scheme, bundled_stated("gz-internet-court-2022"))
    # the project's 100 % comes without the amounts it is a rate of
    assert result.unchecked == ("中台化改造项目预算完成率 100%：未给出分子分母",)


def test_seed_report_text(scheme: perfkpi.Scheme) -> None:
    text = check_report(scheme, bundled_stated("gz-internet-court-2022")).report()
    lines = text.splitlines()
    assert lines[0] == "2022年度广州互联网法院部门整体支出绩效自评报告"
    assert lines[1] == "共复核14项勾稽关系：13项相符，1项不符；1个数据无从复核。"
    assert "✗ 比率 预算完成率" in lines
    assert "    报告数  99.98%（一（三）：预算完成率为99.98%）" in lines
    computed = "    复算数  99.97% = 实际完成支出 8631.73万元 ÷ 年度预算 8634.17万元"
    assert f"{computed} = 99.9717%" in lines
    assert "    相差0.0083个百分点，超出取整允许的±0.0051个百分点" in lines


def test_seed_report_english(scheme: perfkpi.Scheme) -> None:
    result = check_report(scheme, bundled_stated("gz-internet-court-2022"), lang="en")
    text = result.report(show_all=True)
    assert (
        "14 relations checked: 13 hold, 1 do not; 1 figures cannot be checked." in text
    )
    assert (
        "    off by 0.0083 percentage points; rounding allows ±0.0051 percentage points"
        in text
    )
    assert text.count("✓") == 13


def test_seed_as_json(scheme: perfkpi.Scheme) -> None:
    doc = check_report(scheme, bundled_stated("gz-internet-court-2022")).to_dict()
    assert (doc["ok"], doc["checked"], len(doc["mismatches"])) == (False, 14, 1)
    json.dumps(doc)


def test_bundled_names() -> None:
    assert "gz-internet-court-2022" in stated_names()
    with pytest.raises(KeyError, match="no bundled stated figures 'x'"):
        bundled_stated("x")


# -- seeded mismatches -----------------------------------------------------------------


def _score(doc: dict[str, Any], node: str, value: float) -> None:
    next(s for s in doc["score"] if s["node"] == node)["value"] = value


def _deduction(doc: dict[str, Any], node: str, category: str = "") -> dict[str, Any]:
    return next(
        d
        for d in doc["deduction"]
        if d["node"] == node and d.get("category", "") == category
    )


def _amount(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in doc["amount"] if a["name"] == name)


def _total_typo(doc: dict[str, Any]) -> None:
    _score(doc, "total", 88.36)


def _management_typo(doc: dict[str, Any]) -> None:
    _score(doc, "2", 42.56)


def _part_changed(doc: dict[str, Any]) -> None:
    _deduction(doc, "2", "绩效管理")["parts"][1]["points"] = 1


def _slipped_decimal(doc: dict[str, Any]) -> None:
    _deduction(doc, "1.2")["points"] = 0.2


def _basic_spending_transposed(doc: dict[str, Any]) -> None:
    _amount(doc, "基本支出")["value"] = "4,148.67万元"


def _full_points(doc: dict[str, Any]) -> None:
    next(s for s in doc["score"] if s["node"] == "1")["points"] = 40


def _three_unmet(doc: dict[str, Any]) -> None:
    _deduction(doc, "1.1")["unmet"] = 3


def _allocation_above_total(doc: dict[str, Any]) -> None:
    _amount(doc, "中台化改造项目2022年安排")["value"] = "3000万元"


def _grade_stated(doc: dict[str, Any]) -> None:
    doc["report"]["grade"] = "优"


def _rate_corrected(doc: dict[str, Any]) -> None:
    next(r for r in doc["rate"] if r["name"] == "预算完成率")["value"] = "99.97%"


RATE = ("rate", "预算完成率")

SEEDED: list[tuple[Callable[[dict[str, Any]], None], list[tuple[str, str]]]] = [
    # 88.36 for 88.63: 45.98 + 42.65 = 88.63 ≠ 88.36, and 100 − 11.37 = 88.63 ≠ 88.36
    (_total_typo, [("sum", "总分"), ("deductions", "总分"), RATE]),
    # 42.56 for 42.65: 45.98 + 42.56 = 88.54 ≠ 88.63; 50 − 7.35 = 42.65 ≠ 42.56;
    # the total from the deductions (88.63) still holds
    (_management_typo, [("sum", "总分"), ("deductions", "2 管理效率"), RATE]),
    # 绩效管理 parts 1.3 + 1 = 2.3 ≠ 3.3 (the scores are computed from 3.3: hold)
    (_part_changed, [("subtotal", "2 管理效率 绩效管理"), RATE]),
    # 0.2 for 0.02: the rule gives 10 × (1 − 0.998) = 0.02 ≠ 0.2;
    # 50 − 4.2 = 45.8 ≠ 45.98; 100 − 11.55 = 88.45 ≠ 88.63
    (
        _slipped_decimal,
        [
            ("deductions", "总分"),
            ("deductions", "1 履职效能"),
            ("rule", "1.2 预算资金支出率"),
            RATE,
        ],
    ),
    # 4,148.67 + 4,482.97 = 8,631.64 ≠ 8,631.73 (0.09 apart; rounding allows 0.015)
    (_basic_spending_transposed, [("amount", "实际完成支出"), RATE]),
    # 满分40分 stated for 履职效能, which has 50 in the scheme
    (_full_points, [("points", "1 履职效能"), RATE]),
    # three unmet indicators × 1 = 3 ≠ the 4 stated
    (_three_unmet, [("rule", "1.1 部门整体绩效指标完成情况"), RATE]),
    # 3,000 above the project's 2,155.80 total
    (
        _allocation_above_total,
        [("within", "中台化改造项目2022年安排 ≤ 中台化改造项目总投资"), RATE],
    ),
    # 88.63 is 良 (80 ≤ 88.63 < 90), not 优
    (_grade_stated, [("grade", "总分"), RATE]),
    # 99.97 % is what 8,631.73 / 8,634.17 rounds to: nothing left to flag
    (_rate_corrected, []),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), SEEDED, ids=[m.__name__.strip("_") for m, _ in SEEDED]
)
def test_seeded_mismatches(
    scheme: perfkpi.Scheme,
    mutate: Callable[[dict[str, Any]], None],
    expected: list[tuple[str, str]],
) -> None:
    doc = _doc()
    mutate(doc)
    assert sorted(_found(_check(scheme, doc))) == sorted(expected)


# -- what holds within rounding --------------------------------------------------------

WITHIN_ROUNDING: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    # 尾差: true parts 4,148.764 + 4,482.974 = 8,631.738 round to 4,148.76,
    # 4,482.97 and 8,631.74; so 8,631.74 beside parts summing to 8,631.73 holds
    (
        "tail difference",
        lambda d: _amount(d, "实际完成支出").update(value="8,631.74万元"),
    ),
    # written with more decimals: 8,631.730 is the same figure
    ("more places", lambda d: _amount(d, "实际完成支出").update(value="8631.730万元")),
    # an amount in 元: 86,317,300 元 = 8,631.73 万元
    ("another unit", lambda d: _amount(d, "实际完成支出").update(value="86317300元")),
]


@pytest.mark.parametrize(
    ("why", "mutate"), WITHIN_ROUNDING, ids=[w for w, _ in WITHIN_ROUNDING]
)
def test_holds_within_rounding(
    scheme: perfkpi.Scheme, why: str, mutate: Callable[[dict[str, Any]], None]
) -> None:
    del why
    doc = _doc()
    _rate_corrected(doc)
    mutate(doc)
    assert _check(scheme, doc).ok


def test_tail_difference_of_two_cents_is_flagged(scheme: perfkpi.Scheme) -> None:
    # 8,631.75 is 0.02 from 8,631.73: beyond ±0.005 × 3
    doc = _doc()
    _rate_corrected(doc)
    _amount(doc, "实际完成支出")["value"] = "8,631.75万元"
    assert _found(_check(scheme, doc)) == [("amount", "实际完成支出")]


def test_rate_with_literal_operands(scheme: perfkpi.Scheme) -> None:
    # 95 / 100 = 95 %, stated as 95.0 %
    doc = {
        "rate": [
            {"name": "份额", "value": "95.0%", "numerator": 95, "denominator": 100}
        ]
    }
    result = _check(scheme, doc)
    assert [(c.kind, c.ok) for c in result.checks] == [("rate", True)]


# -- bad files -------------------------------------------------------------------------

BAD: list[tuple[dict[str, Any], list[str]]] = [
    # a node the scheme does not have
    ({"score": [{"node": "9", "value": 1}]}, ["node '9' is not in scheme"]),
    # a deduction on the total names no node
    ({"deduction": [{"node": "total", "points": 1}]}, ["names a node, not the total"]),
    # several problems at once, each with its place
    (
        {
            "score": [{"node": "1"}],
            "amount": [{"name": "a", "value": "x万元"}, {"value": 1}],
            "rate": [
                {"name": "r", "value": "1%", "numerator": "nope", "denominator": 1}
            ],
            "extra": 1,
        },
        [
            "unknown section 'extra'",
            "a score needs a 'value' or 'points' @ score[0]",
            "@ amount[0]",
            "an amount needs a 'name' @ amount[1]",
            "'nope' is not a named amount @ rate r",
        ],
    ),
    # a deduction without points, and an unmet count that is not a count
    (
        {"deduction": [{"node": "1.1"}, {"node": "1.1", "points": 1, "unmet": -1}]},
        ["needs its 'points' @ deduction[0]", "'unmet' must be a whole number"],
    ),
]


@pytest.mark.parametrize(("doc", "messages"), BAD)
def test_bad_stated_figures(
    scheme: perfkpi.Scheme, doc: dict[str, Any], messages: list[str]
) -> None:
    with pytest.raises(StatedError) as info:
        _check(scheme, doc)
    assert isinstance(info.value, ValueError)
    for message in messages:
        assert message in str(info.value)


def test_malformed_text() -> None:
    with pytest.raises(StatedError, match="malformed TOML"):
        stated_from_text("[[score]\n", source="<stdin>")
    with pytest.raises(StatedError, match="expected a JSON object"):
        stated_from_text("[1]", format="json")


def test_missing_file() -> None:
    with pytest.raises(StatedError, match="cannot read"):
        load_stated("no/such/file.toml")


# -- the command line ------------------------------------------------------------------


def test_cli_check_finds_the_mismatch(capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["check", scheme, str(SEED_STATED)]) == 1
    assert "✗ 比率 预算完成率" in capsys.readouterr().out


def test_cli_demo_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--check"]) == 1
    assert "1项不符" in capsys.readouterr().out


def test_cli_check_clean_file_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _doc()
    _rate_corrected(doc)
    path = tmp_path / "stated.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["check", scheme, str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_cli_check_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(SEED_STATED.read_bytes()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["check", scheme, "-", "--lang", "en"]) == 1
    assert "1 do not" in capsys.readouterr().out


def test_cli_check_bad_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stated.toml"
    path.write_text('[[score]]\nnode = "9"\nvalue = 1\n', encoding="utf-8")
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["check", scheme, str(path), "--lang", "en"]) == 2
    assert "node '9' is not in scheme" in capsys.readouterr().err


def test_cli_two_stdin_arguments_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    )
    assert main(["check", "-", "-", "--lang", "en"]) == 2
    assert "only one argument can read standard input" in capsys.readouterr().err


# -- properties ------------------------------------------------------------------------

cents = st.integers(min_value=0, max_value=10**9)


@given(st.lists(cents, min_size=1, max_size=6))
def test_sums_of_written_figures_hold(parts: list[int]) -> None:
    # figures in cents, written with two decimals: their exact sum always holds
    total = sum(parts)
    doc = {
        "amount": [
            {
                "name": "total",
                "value": f"{total / 100:.2f}",
                "parts": [f"p{i}" for i in range(len(parts))],
            },
            *(
                {"name": f"p{i}", "value": f"{p / 100:.2f}"}
                for i, p in enumerate(parts)
            ),
        ]
    }
    result = _check(perfkpi.catalog.scheme("gz-dept-overall"), doc)
    assert result.ok


@given(
    st.lists(cents, min_size=1, max_size=6), st.integers(min_value=1, max_value=10**6)
)
def test_sums_off_beyond_rounding_are_flagged(parts: list[int], off: int) -> None:
    # n parts and the total each stand for ±0.005: any gap above 0.005 × (n + 1) shows
    total = sum(parts) + math.ceil(0.5 * (len(parts) + 1)) + off
    doc = {
        "amount": [
            {
                "name": "total",
                "value": f"{total / 100:.2f}",
                "parts": [f"p{i}" for i in range(len(parts))],
            },
            *(
                {"name": f"p{i}", "value": f"{p / 100:.2f}"}
                for i, p in enumerate(parts)
            ),
        ]
    }
    result = _check(perfkpi.catalog.scheme("gz-dept-overall"), doc)
    assert [(c.kind, c.subject) for c in result.mismatches] == [("amount", "total")]


def test_check_type() -> None:
    check = Check("sum", "x", 1.0, 1.0, "1", ok=True)
    assert check.difference == 0
    assert copy.copy(check) == check


# -- scores recomputed from the actuals the rows state ---------------------------------


def _small(rows: list[dict[str, Any]], **data: Any) -> CheckResult:  # noqa: ANN401
    return check_report(
        perfkpi.Scheme.from_nodes(
            "small",
            "small",
            [
                perfkpi.Node(
                    "1", "网上立案率", points=10, target="≥99%", rule=AllOrNothing()
                ),
                perfkpi.Node(
                    "2",
                    "预算执行率",
                    points=10,
                    target="≥100%",
                    rule=perfkpi.Proportional(),
                ),
            ],
            points=20,
        ),
        stated_from_dict({"score": rows}),
        **data,
    )


def test_full_marks_on_a_missed_target_is_flagged() -> None:
    # 98.5 % < 99 %: all-or-nothing gives 0, the report states 10 (full marks)
    result = _small([{"node": "1", "value": 10, "actual": "98.5%", "source": "p. 2"}])
    assert [(c.kind, c.stated, c.computed) for c in result.mismatches] == [
        ("score", 10.0, 0.0)
    ]
    check = result.mismatches[0]
    assert "目标≥99%（未达成）" in check.expression
    assert "达成得满分，未达成不得分" in check.expression
    assert (
        check.note
        == "报告给出满分10分，但实际98.5%未达到目标≥99%，按本方案规则应得0分。"
    )
    text = result.report()
    assert "✗ 得分规则 1 网上立案率" in text
    assert "报告数  10.00（p. 2）" in text
    assert "复算数  0.00 = 实际98.5%" in text


def test_full_marks_on_a_met_target_holds() -> None:
    # 99.2 % ≥ 99 %: 10; 95 % of ≥100 % proportional: 10 × 95/100 = 9.5
    result = _small(
        [
            {"node": "1", "value": 10, "actual": "99.2%"},
            {"node": "2", "value": 9.5, "actual": 95},
        ]
    )
    assert [(c.kind, c.ok) for c in result.checks] == [
        ("score", True),
        ("score", True),
    ]


def test_partial_score_off_by_the_rule() -> None:
    # 95 %: 10 × 0.95 = 9.5, stated 9.8 (as if 98 %); 9.55 would also be off:
    # scores are rounded by the scheme (2 places) and compared exactly
    result = _small([{"node": "2", "value": 9.8, "actual": "95%"}], lang="en")
    (check,) = result.mismatches
    assert (check.stated, check.computed) == (9.8, 9.5)
    assert check.note == (
        "By the scheme's rule the actual 95% scores 9.5; the report states 9.8."
    )


def test_unreadable_actual_is_flagged_not_passed() -> None:
    # 5小时 cannot be read against a percent target: a mismatch that says why
    result = _small([{"node": "1", "value": 10, "actual": "5小时"}])
    (check,) = result.mismatches
    assert (check.kind, check.computed) == ("score", None)
    assert "所报实际值5小时无法按目标≥99%读取" in check.note


def test_score_row_without_actual_still_reads_as_before() -> None:
    # backward compatible: no actual, no score check
    result = _small([{"node": "1", "value": 10}])
    assert result.checks == ()


def test_stated_actual_against_the_data() -> None:
    # 98.46 % is written 98.5 % (one decimal: [98.45, 98.55)); 96 is not 95 %
    result = _small(
        [
            {"node": "1", "value": 0, "actual": "98.5%"},
            {"node": "2", "value": 9.5, "actual": "95%"},
        ],
        data=perfkpi.Data(actuals={"1": "98.46%", "2": 96}),
    )
    assert [(c.kind, c.subject, c.ok) for c in result.checks] == [
        ("score", "1 网上立案率", True),
        ("score", "2 预算执行率", True),
        ("actual", "1 网上立案率", True),
        ("actual", "2 预算执行率", False),
    ]
    bad = result.mismatches[0]
    assert (bad.stated, bad.computed) == ("95%", "96%")
    assert "报告所述实际值与数据不符" in bad.note


def test_seed_deduction_actuals_agree_with_the_seed_data(
    scheme: perfkpi.Scheme,
) -> None:
    # the stated 99.8 % (1.2) and 95 % (2.1) are the data file's actuals
    result = check_report(
        scheme,
        bundled_stated("gz-internet-court-2022"),
        data=perfkpi.catalog.data("gz-internet-court-2022"),
    )
    actual = [(c.subject, c.ok) for c in result.checks if c.kind == "actual"]
    assert actual == [("1.2 预算资金支出率", True), ("2.1 中小企业采购份额", True)]
    assert [m.subject for m in result.mismatches] == ["预算完成率"]


def test_seed_deduction_actual_contradicting_the_data(scheme: perfkpi.Scheme) -> None:
    doc = _doc()
    _deduction(doc, "1.2")["actual"] = "98.8%"
    # 98.8 % against the data's 99.8 %, and 10 × (1 − 0.988) = 0.12 ≠ 0.02
    result = check_report(
        scheme,
        stated_from_dict(doc),
        data=perfkpi.catalog.data("gz-internet-court-2022"),
    )
    assert _found(result) == [
        ("actual", "1.2 预算资金支出率"),
        ("rule", "1.2 预算资金支出率"),
        RATE,
    ]


BAD_ACTUALS: list[tuple[dict[str, Any], str]] = [
    # why: the total is scored by the tree, not read from an actual
    (
        {"score": [{"node": "total", "value": 1, "actual": 1}]},
        "the total has no actual",
    ),
    # why: 履职效能 aggregates its children; an actual there means nothing
    ({"score": [{"node": "1", "value": 1, "actual": 1}]}, "node '1' has children"),
    # why: 部门整体绩效指标 is a deduct node: its score comes from findings and
    # unmet items, not from an actual
    (
        {"score": [{"node": "1.1", "value": 36, "actual": 1}]},
        "node '1.1' is scored by 'deduct', which reads no actual",
    ),
    # why: true is neither a number nor a label as written in a data file
    ({"score": [{"node": "1.2", "value": 1, "actual": True}]}, "'actual' must be"),
    ({"deduction": [{"node": "1.2", "points": 1, "actual": [1]}]}, "'actual' must be"),
]


@pytest.mark.parametrize(("doc", "message"), BAD_ACTUALS)
def test_bad_actuals(scheme: perfkpi.Scheme, doc: dict[str, Any], message: str) -> None:
    with pytest.raises(StatedError, match=re.escape(message)):
        _check(scheme, doc)


def test_unreadable_deduction_actual_is_flagged(scheme: perfkpi.Scheme) -> None:
    # 5小时 against 1.2's ≥100 %: a time is no percentage, so the stated 0.02
    # cannot follow from it; once listed as not checkable, now a mismatch
    doc = _doc()
    _deduction(doc, "1.2")["actual"] = "5小时"
    result = _check(scheme, doc)
    assert _found(result) == [("rule", "1.2 预算资金支出率"), RATE]
    assert result.mismatches[0].computed is None
    assert "所报实际值5小时无法按目标≥100%读取" in result.mismatches[0].note


def test_cli_check_flags_full_marks_on_a_missed_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the clean seed file plus a score row: 1.2 预算资金支出率 stated at full
    # marks (10) with its actual 99.8 %: proportional gives 10 × 0.998 = 9.98
    doc = _doc()
    _rate_corrected(doc)
    doc["score"].append({"node": "1.2", "value": 10, "actual": "99.8%"})
    path = tmp_path / "stated.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["check", scheme, str(path)]) == 1
    out = capsys.readouterr().out
    assert "✗ 得分规则 1.2 预算资金支出率" in out
    assert (
        "报告给出满分10分，但实际99.8%未达到目标≥100%，按本方案规则应得9.98分。" in out
    )


@st.composite
def _scored(draw: st.DrawFn) -> tuple[perfkpi.Scheme, perfkpi.Evaluation]:
    scheme = draw(schemes(max_depth=3, max_children=3))
    data = draw(data_for(scheme, max_items=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkpi.PerfKPIWarning)
        try:
            return scheme, perfkpi.evaluate(scheme, data)
        except perfkpi.PerfKPIError:
            assume(False)
            raise


@settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(_scored())
def test_scores_stated_as_evaluated_hold(
    case: tuple[perfkpi.Scheme, perfkpi.Evaluation],
) -> None:
    # every scored leaf stated with the actual it was evaluated from and the
    # score it got: nothing to flag (no crying wolf), and a score 1 point off
    # is flagged
    scheme, ev = case
    rows = []
    for code, actual in ev.data.actuals.items():
        rule = scheme.rule(code)
        if (
            code in ev.scores
            and getattr(rule, "role", None) == "score"
            and not scheme.children(code)
            and scheme.node(code).points is not None
        ):
            plain = json.loads(json.dumps(actual, default=str))
            rows.append({"node": code, "value": ev.scores[code], "actual": plain})
    assume(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkpi.PerfKPIWarning)
        try:
            stated = stated_from_dict({"score": rows})
        except StatedError:
            assume(False)
            raise
        result = check_report(scheme, stated)
        assert [c.subject for c in result.mismatches] == []
        off = [{**rows[0], "value": rows[0]["value"] + 1}]
        flagged = check_report(scheme, stated_from_dict({"score": off}))
    assert [c.kind for c in flagged.mismatches] == ["score"]


def test_a_zero_point_leaf_scores_zero() -> None:
    # a leaf worth 0 points scores 0 whatever its actual: a stated 1 is off
    scheme = perfkpi.Scheme.from_nodes(
        "z",
        "z",
        [
            perfkpi.Node("1", "x", points=0, target="是", rule=AllOrNothing()),
            perfkpi.Node(
                "2", "y", points=100, target="≥100%", rule=perfkpi.Proportional()
            ),
        ],
    )
    result = check_report(
        scheme, stated_from_dict({"score": [{"node": "1", "value": 1, "actual": "是"}]})
    )
    assert [(c.kind, c.stated, c.computed) for c in result.mismatches] == [
        ("score", 1.0, 0.0)
    ]


# -- arguments of the wrong type -------------------------------------------------


def test_stated_records_refuse_wrong_types() -> None:
    from perfkpi.check import (
        CheckResult,
        Figure,
        Stated,
        StatedAmount,
        StatedDeduction,
        StatedRate,
        StatedScore,
    )

    with pytest.raises(TypeError, match=r"'value' must be a number \(got '98.5'\)"):
        Figure("98.5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'places' must be a whole number >= 0"):
        Figure(98.5, -1)
    with pytest.raises(TypeError, match=r"'value' must be a Figure \(got 98.5\)"):
        StatedScore("total", 98.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'parts' must be a list of StatedDeduction"):
        StatedDeduction("1", Figure(1.0), parts=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'parts' must be a list of text"):
        StatedAmount("支出", Figure(1.0), parts="预算")
    with pytest.raises(TypeError, match=r"'numerator' must be an amount's name"):
        StatedRate("执行率", Figure(1.0), numerator=5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'scores' must be a list of StatedScore"):
        Stated(scores=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'checks' must be a list of Check"):
        CheckResult(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"'notes' must be a list of text \(got 'x'\)"):
        CheckResult([], notes="x")


def test_stated_readers_refuse_wrong_types() -> None:
    from perfkpi.check import StatedError, stated_from_dict, stated_from_text

    with pytest.raises(StatedError, match=r"expected a table at the top level"):
        stated_from_dict("total = 1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the stated figures' text must be text"):
        stated_from_text(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"format must be 'toml' or 'json'"):
        stated_from_text("", format="yaml")


def test_stated_text_goes_through_the_one_reader() -> None:
    # JSON keeps the last of two equal keys: 88.63 would have been read as 90,
    # silently; the files' reader refuses the second key with its line
    text = '{"report": {"total": 88.63},\n "report": {"total": 90}}'
    with pytest.raises(StatedError, match=r"line 2: duplicate key 'report'"):
        stated_from_text(text, format="json", source="stated.json")
    # and its nesting limit: 5,000 brackets are refused, not recursed into
    with pytest.raises(StatedError, match="nested 5000 levels deep"):
        stated_from_text("[" * 5000, format="json")
