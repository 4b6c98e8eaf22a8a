"""explain(): the trace of one number, computed by hand for the seed and small cases."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfkpi
from perfkpi import Data, Deduct, Node, Proportional, Rounding, Scheme, Sum, evaluate
from perfkpi.cli import main
from perfkpi.explain import Explanation, UnknownNodeError, explain
from perfkpi.rules import LowerLinear


@pytest.fixture(scope="module")
def seed() -> perfkpi.Evaluation:
    return evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


# code, the line of the trace that shows the arithmetic, the value reported
SEED_TRACES = [
    # 预算资金支出率: 10 × 99.8 ÷ 100 = 9.98
    ("1.2", "代入：10 × 99.8 ÷ 100 = 9.98", 9.98),
    # 中小企业采购份额: 1 × (1 − 95 ÷ 100) = 0.05
    ("2.1", "代入：1 × (1 − 95 ÷ 100) = 0.05", 0.05),
    # four unmet indicators, one point each
    ("1.1", "代入：max(40 − (1 + 1 + 1 + 1), 0) = 36", 36.0),
    # 0.05 + 1 + 1 + 1.3 + 2 + 1 + 1 = 7.35; 50 − 7.35 = 42.65
    ("2", "代入：max(50 − (0.05 + 1 + 1 + 1.3 + 2 + 1 + 1), 0) = 42.65", 42.65),
    ("1", "代入：36 + 9.98 = 45.98", 45.98),
    ("total", "代入：45.98 + 42.65 = 88.63", 88.63),
    # an unmet yes/no item costs its parent's per_unmet, 1
    ("1.1.5", "代入：1", 1.0),
    # a met one costs nothing: 99.66 % ≥ 99 %
    ("1.1.1", "代入：0", 0.0),
]


@pytest.mark.parametrize(("code", "line", "value"), SEED_TRACES)
def test_seed_traces(
    seed: perfkpi.Evaluation, code: str, line: str, value: float
) -> None:
    trace = explain(seed, code)
    assert line in str(trace).splitlines()
    assert trace.value == value


def test_seed_proportional_trace_in_full(seed: perfkpi.Evaluation) -> None:
    assert str(seed.explain("1.2")).splitlines() == [
        "1.2 预算资金支出率 = 9.98分",
        "规则：按比例计分，满分为止（proportional）",
        "输入：",
        "  B 实际完成值 = 99.8%",
        "  A 指标值 = 100%（目标 ≥100%）",
        "  w 分值 = 10分",
        "公式：B < A，得分 = w × B ÷ A",
        "代入：10 × 99.8 ÷ 100 = 9.98",
        "取整：9.98 → 9.98（保留2位小数，四舍五入）",
    ]


def test_seed_total_trace_in_english(seed: perfkpi.Evaluation) -> None:
    assert str(seed.explain("total", lang="en")).splitlines() == [
        "Total = 88.63",
        "rule: sum of the first-level scores (total)",
        "inputs:",
        "  1 履职效能 = 45.98",
        "  2 管理效率 = 42.65",
        "formula: total = Σ first-level",
        "substituted: 45.98 + 42.65 = 88.63",
        "rounding: 88.63 → 88.63 (2 decimal places, half-up)",
        # 80 ≤ 88.63 < 90 is 良 on the 财预〔2020〕10号 scale
        "grade: 良 (80 ≤ 88.63 < 90, cn-2020)",
    ]


def test_deduct_trace_lists_each_deduction_with_its_reason(
    seed: perfkpi.Evaluation,
) -> None:
    trace = seed.explain("2")
    labels = [(i.symbol, i.label, i.text) for i in trace.inputs]
    assert labels[0] == ("w", "分值", "50分")
    assert labels[1] == ("d1", "中小企业采购份额（2.1）", "0.05分")
    assert ("d5", "绩效管理", "2分") in labels
    reasons = [i.note for i in trace.inputs]
    assert "绩效目标编制过程中曾申请市财政局回退修改" in reasons


# -- rounding shows --------------------------------------------------------------------


def _leaf(points: float, target: str, rounding: Rounding | None = None) -> Scheme:
    return Scheme.from_nodes(
        "r",
        "r",
        [Node("1", "指标", points=points, target=target, rule=Proportional())],
        points=points,
        rounding=rounding or Rounding(),
    )


ROUNDING_CASES = [
    # 10 × 107 ÷ 400 = 2.675, half-up on the decimal value: 2.68 (not 2.67)
    (_leaf(10, "≥400"), 107, "2.675 → 2.68（保留2位小数，四舍五入）", 2.675, 2.68),
    # 10 × 1 ÷ 3 = 3.333…: 3.33
    (_leaf(10, "≥3"), 1, "3.3333333333 → 3.33（保留2位小数，四舍五入）", 10 / 3, 3.33),
    # truncation: 10 × 99.87 ÷ 100 = 9.987 → 9.98
    (
        _leaf(10, "≥100%", Rounding(mode="truncate")),
        99.87,
        "9.987 → 9.98（保留2位小数，截尾）",
        9.987,
        9.98,
    ),
    # whole points: 10 × 37.24 ÷ 43.2 = 8.6203… → 9
    (
        _leaf(10, "≥43.2", Rounding(places=0)),
        37.24,
        "→ 9（保留0位小数",
        372.4 / 43.2,
        9,
    ),
]


@pytest.mark.parametrize(("scheme", "actual", "text", "raw", "value"), ROUNDING_CASES)
def test_rounding_is_shown(
    scheme: Scheme, actual: float, text: str, raw: float, value: float
) -> None:
    trace = explain(evaluate(scheme, {"1": actual}), "1")
    assert text in trace.rounding
    assert trace.raw == pytest.approx(raw, abs=1e-9)
    assert trace.value == value


def test_lower_is_better_with_converted_units() -> None:
    # 150分钟 = 2.5小时 > 2小时: 20 × 2 ÷ 2.5 = 16
    trace = explain(evaluate(_leaf(20, "≤2小时"), {"1": "150分钟"}), "1")
    lines = str(trace).splitlines()
    assert "  B 实际完成值 = 2.5小时（填报为 150分钟）" in lines
    assert "公式：B > A，得分 = w × A ÷ B" in lines
    assert "代入：20 × 2 ÷ 2.5 = 16" in lines
    assert trace.value == 16


def test_met_target_scores_full_points() -> None:
    trace = explain(evaluate(_leaf(10, "≥99%"), {"1": "99.66%"}), "1", lang="en")
    assert trace.formula == "B ≥ A, so score = w (capped at full points)"
    assert trace.substituted == "10"
    assert trace.value == 10


def test_rule_kind_without_a_step_by_step_trace() -> None:
    # lower-linear: 10 × (1 − (3 − 2) ÷ 2) = 5, traced by its own description
    scheme = Scheme.from_nodes(
        "l",
        "l",
        [Node("1", "时长", points=10, target="≤2小时", rule=LowerLinear())],
        points=10,
    )
    trace = explain(evaluate(scheme, {"1": "3小时"}), "1")
    assert trace.kind == "lower-linear"
    assert trace.rule == LowerLinear().describe("zh")
    assert trace.formula == trace.rule
    assert trace.value == 5
    assert trace.raw == 5
    assert trace.rounding == "5 → 5（保留2位小数，四舍五入）"


def test_not_applicable_node() -> None:
    scheme = Scheme.from_nodes(
        "na",
        "na",
        [
            Node("1", "产出", points=60, rule=Sum()),
            Node(
                "1.1",
                "数量",
                parent="1",
                points=30,
                target="≥100%",
                rule=Proportional(),
            ),
            Node(
                "1.2",
                "质量",
                parent="1",
                points=30,
                target="≥100%",
                rule=Proportional(),
            ),
            Node("2", "管理", points=40, rule=Deduct()),
        ],
    )
    ev = evaluate(scheme, Data(actuals={"1.1": 90}, not_applicable=["1.2"]))
    trace = ev.explain("1.2")
    assert trace.value is None
    assert str(trace).splitlines()[0] == "1.2 质量 = 不适用"
    parent = ev.explain("1")
    assert ("1.2", "质量", "不适用") in [
        (i.symbol, i.label, i.text) for i in parent.inputs
    ]
    assert any("不适用" in note for note in parent.notes)


def test_unknown_code(seed: perfkpi.Evaluation) -> None:
    with pytest.raises(UnknownNodeError) as info:
        seed.explain("9.9")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, perfkpi.PerfKPIError)
    assert "no node '9.9'" in str(info.value)
    assert "1.1.20" in str(info.value)


def test_unknown_language(seed: perfkpi.Evaluation) -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        explain(seed, "1", lang="fr")


def test_to_dict(seed: perfkpi.Evaluation) -> None:
    doc = seed.explain("1.2").to_dict()
    assert (doc["code"], doc["value"], doc["kind"]) == ("1.2", 9.98, "proportional")
    assert doc["inputs"][0] == {
        "symbol": "B",
        "label": "实际完成值",
        "text": "99.8%",
        "note": "",
    }


# -- the command line ------------------------------------------------------------------


def test_cli_explain(
    seed: perfkpi.Evaluation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--explain", "1.2", "--explain", "total"]) == 0
    out = capsys.readouterr().out
    assert out == f"{seed.explain('1.2')}\n\n{seed.explain('total')}\n"


def test_cli_explain_evaluate(capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    data = str(perfkpi.catalog.data_path("gz-internet-court-2022"))
    assert main(["evaluate", scheme, data, "--explain", "2.1", "--lang", "en"]) == 0
    assert "substituted: 1 × (1 − 95 / 100) = 0.05" in capsys.readouterr().out


def test_cli_explain_unknown_code_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--explain", "9.9", "--lang", "en"]) == 2
    assert "no node '9.9'" in capsys.readouterr().err


# -- properties ------------------------------------------------------------------------


@st.composite
def leaves(draw: Callable[..., Any]) -> tuple[Scheme, float]:
    points = draw(st.integers(1, 10_000)) / 100
    target = draw(st.integers(1, 100_000)) / 100
    lower = draw(st.booleans())
    comparator = "≤" if lower else "≥"
    actual = draw(st.integers(1, 200_000)) / 100
    scheme = _leaf(points, f"{comparator}{target}")
    return scheme, actual


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(leaves())
def test_raw_rounds_to_the_reported_value(case: tuple[Scheme, float]) -> None:
    scheme, actual = case
    ev = evaluate(scheme, {"1": actual})
    trace = explain(ev, "1")
    assert isinstance(trace, Explanation)
    assert trace.value == ev.score("1")
    assert trace.raw is not None
    assert math.isfinite(trace.raw)
    assert scheme.rounding.round(trace.raw) == trace.value


def test_total_under_an_override() -> None:
    from perfkpi.scheme import Override

    # 100 × 95/100 = 95, 优 by score (≥ 90), but the override rates a missed
    # target "RND" whatever the number
    scheme = Scheme.from_nodes(
        "o",
        "o",
        [Node("1", "措施", points=100, target="≥100%", rule=Proportional())],
        overrides=[Override("1", "RND")],
    )
    ev = evaluate(scheme, {"1": 95})
    assert (ev.total, ev.grade) == (95, "RND")
    notes = ev.explain("total").notes
    assert notes == (
        "等级：优（90 ≤ 95，cn-2020）",
        "评定等级：RND（方案的否决规则优先于分数）",
    )
