"""What-if and gap to grade, with every expected total worked out by hand."""

from __future__ import annotations

import math

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfkpi
from perfkpi import Data, Deduct, Finding, Node, Proportional, Scheme, evaluate
from perfkpi.cli import main
from perfkpi.whatif import (
    GapError,
    gap_to_grade,
    gap_to_grade_batch,
    what_if,
    what_if_batch,
)


@pytest.fixture(scope="module")
def seed() -> perfkpi.Evaluation:
    return evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


# -- what-if ------------------------------------------------------------------------

# the seed's findings, in the order of its data file
SEED_FINDINGS = [
    ("预算管理", 1.0),
    ("信息公开", 1.0),
    ("绩效管理", 1.3),
    ("绩效管理", 2.0),
    ("采购管理", 1.0),
    ("资产管理", 1.0),
]

WHAT_IFS: list[tuple[dict[str, object], list[int], float, float, str]] = [
    # 预算资金支出率 at 100 %: 10 × 100/100 = 10, +0.02
    ({"1.2": "100%"}, [], 0.02, 88.65, "良"),
    # 中小企业采购份额 at 100 %: the 0.05 penalty goes, +0.05
    ({"2.1": "100%"}, [], 0.05, 88.68, "良"),
    # 实际执行到位率 first in the city: one unmet indicator fewer, +1
    ({"1.1.5": "是"}, [], 1.0, 89.63, "良"),
    # the 2-point finding (绩效目标回退修改) avoided
    ({}, [3], 2.0, 90.63, "优"),
    # both 绩效管理 findings avoided: +1.3 + 2 = +3.3
    ({}, [2, 3], 3.3, 91.93, "优"),
    # 预算资金支出率 at 99.9 %: 10 × 0.999 = 9.99, +0.01
    ({"1.2": 99.9}, [], 0.01, 88.64, "良"),
    # 公用经费控制率 over its ≤100 % target: a 1-point penalty (assumed per_unmet)
    ({"2.2": "101%"}, [], -1.0, 87.63, "良"),
]


@pytest.mark.parametrize(("actuals", "drop", "delta", "total", "grade"), WHAT_IFS)
def test_seed_what_if(
    seed: perfkpi.Evaluation,
    actuals: dict[str, object],
    drop: list[int],
    delta: float,
    total: float,
    grade: str,
) -> None:
    w = seed.what_if(actuals, drop_findings=drop)
    assert w.before.total == 88.63
    assert w.delta == delta
    assert (w.after.total, w.after.grade) == (total, grade)


def test_what_if_node_deltas(seed: perfkpi.Evaluation) -> None:
    w = what_if(seed, {"1.2": "100%"})
    # 1.2: 9.98 → 10; 履职效能: 45.98 → 46
    assert w.node_deltas == {"1": 0.02, "1.2": 0.02}
    assert "总分 88.63 → 88.65（+0.02分），等级 良 → 良" in w.describe()


def test_what_if_describes_removed_finding(seed: perfkpi.Evaluation) -> None:
    w = what_if(seed, drop_findings=[3])
    assert w.changes[0].describe() == (
        "避免扣分事项（绩效管理）“绩效目标编制过程中曾申请市财政局回退修改”"
    )
    assert w.changes[0].before == 2


def test_what_if_bad_input(seed: perfkpi.Evaluation) -> None:
    with pytest.raises(GapError, match="no finding 9"):
        what_if(seed, drop_findings=[9])
    with pytest.raises(GapError, match="no node '7'"):
        what_if(seed, {"7": 1})
    with pytest.raises(perfkpi.DataError):
        what_if(seed, {"1.2": "很多"})


def test_seed_findings_order(seed: perfkpi.Evaluation) -> None:
    assert [(f.category, f.points) for f in seed.data.findings] == SEED_FINDINGS


# -- gap to grade: the seed ------------------------------------------------------------


def test_seed_gap_to_excellent(seed: perfkpi.Evaluation) -> None:
    gap = seed.gap_to_grade()
    # 优 starts at 90: 90 − 88.63 = 1.37 missing
    assert (gap.grade, gap.minimum, gap.needed) == ("优", 90, 1.37)
    # one change is enough only if it gains ≥ 1.37: the 2-point finding alone
    assert [(s.change.finding, s.gain, s.total) for s in gap.steps] == [(3, 2.0, 90.63)]
    assert gap.reached


def test_seed_gap_applied_by_hand_reaches_90(seed: perfkpi.Evaluation) -> None:
    gap = seed.gap_to_grade()
    data = perfkpi.catalog.data("gz-internet-court-2022")
    dropped = {s.change.finding for s in gap.steps if s.change.is_finding}
    changed = {
        s.change.code: s.change.after for s in gap.steps if not s.change.is_finding
    }
    items = [
        attrs.evolve(item, actual=changed.get(f"1.1.{i + 1}", item.actual))
        for i, item in enumerate(data.items)
    ]
    fixed = attrs.evolve(
        data,
        actuals={
            **data.actuals,
            **{k: v for k, v in changed.items() if k.count(".") < 2},
        },
        items=items,
        findings=[f for i, f in enumerate(data.findings) if i not in dropped],
    )
    after = evaluate(perfkpi.catalog.scheme("gz-dept-overall"), fixed)
    assert after.total >= 90
    assert after.grade == "优"


def test_seed_gap_by_indicators_only(seed: perfkpi.Evaluation) -> None:
    gap = seed.gap_to_grade(levers=["actuals"])
    # indicator gains: four unmet items +1 each, 1.2 +0.02, 2.1 +0.05; one item
    # (+1) with both rates (+0.07) falls short of 1.37, so two items are needed
    assert [(s.change.code, s.change.after, s.gain, s.total) for s in gap.steps] == [
        ("1.1.5", "是", 1.0, 89.63),
        ("1.1.6", "是", 1.0, 90.63),
    ]
    # apply them by hand to the data file's items 5 and 6
    data = perfkpi.catalog.data("gz-internet-court-2022")
    items = list(data.items)
    items[4] = attrs.evolve(items[4], actual="是")
    items[5] = attrs.evolve(items[5], actual="是")
    after = evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"), attrs.evolve(data, items=items)
    )
    assert after.total == 90.63


def test_seed_candidates_ranked_by_points_per_unit(seed: perfkpi.Evaluation) -> None:
    gap = seed.gap_to_grade()
    ranked = [
        (c.change.code, c.change.finding, c.gain, c.size, c.unit)
        for c in gap.candidates
    ]
    assert ranked[:2] == [("2", 3, 2.0, 1.0, "项"), ("2", 2, 1.3, 1.0, "项")]
    # 1.2: 0.02 for 0.2 percentage points = 0.1 per point; 2.1: 0.05 for 5 = 0.01
    assert ranked[-2:] == [
        ("1.2", -1, 0.02, pytest.approx(0.2), "%"),
        ("2.1", -1, 0.05, 5.0, "%"),
    ]
    assert gap.candidates[-2].rate == pytest.approx(0.1)
    assert gap.candidates[-1].rate == pytest.approx(0.01)
    rates = [c.rate for c in gap.candidates]
    assert rates == sorted(rates, reverse=True)


def test_seed_gap_text(seed: perfkpi.Evaluation) -> None:
    text = seed.gap_to_grade().describe(candidates=False)
    assert text.splitlines() == [
        "当前总分88.63分（良）；“优”需90分，还差1.37分。",
        "最少改进（1项），按每单位改进得分排序：",
        (
            "  1. 避免扣分事项（绩效管理）“绩效目标编制过程中曾申请市财政局回退修改”"
            "：+2分 → 90.63分"
        ),
        "改进后总分90.63分，等级“优”，达到“优”。",
    ]


# -- gap to grade: small cases by hand -------------------------------------------------


def _two_leaves() -> Scheme:
    return Scheme.from_nodes(
        "t",
        "t",
        [
            Node("A", "完成率", points=50, target="≥100%", rule=Proportional()),
            Node("B", "达标率", points=50, target="≥100%", rule=Proportional()),
        ],
    )


def test_partial_improvement_is_trimmed_to_what_is_needed() -> None:
    # A: 50 × 0.90 = 45, B: 50 × 0.88 = 44, total 89 (良), 1 short of 90.
    # A to 100 % gains 5, B gains 6: the least gain that reaches is A.  Trimmed:
    # 50 × 91.99 % = 45.995, which rounds half-up to 46.00 → 90.00 (优);
    # 91.98 % gives 45.99 → 89.99.  So the step is A to 91.99 %, +1.
    ev = evaluate(_two_leaves(), {"A": 90, "B": 88})
    gap = gap_to_grade(ev)
    assert [(s.change.code, s.change.after, s.gain, s.total) for s in gap.steps] == [
        ("A", "91.99%", 1.0, 90.0)
    ]
    assert evaluate(_two_leaves(), {"A": "91.99%", "B": 88}).grade == "优"
    assert evaluate(_two_leaves(), {"A": "91.98%", "B": 88}).grade == "良"


def test_gap_to_a_named_grade() -> None:
    # to 中 from 差: A 50 × 0.5 = 25, B 50 × 0.3 = 15, total 40; 中 starts at 60.
    # One change: A to 100 % (+25 → 65) or B (+35 → 75); the least gain is A,
    # trimmed to the least x with round(50 × x) ≥ 45: 50 × 89.99 % = 44.995,
    # half-up 45.00 → 60.00; 89.98 % gives 44.99 → 59.99.
    ev = evaluate(_two_leaves(), {"A": 50, "B": 30})
    gap = gap_to_grade(ev, "中")
    assert [(s.change.code, s.change.after, s.total) for s in gap.steps] == [
        ("A", "89.99%", 60.0)
    ]
    assert evaluate(_two_leaves(), {"A": "89.98%", "B": 30}).grade == "差"


def test_already_there() -> None:
    ev = evaluate(_two_leaves(), {"A": 100, "B": 100})
    gap = gap_to_grade(ev)
    assert (gap.grade, gap.needed, gap.steps, gap.reached) == ("优", 0, (), True)
    assert gap.after is ev


def test_unreachable_with_the_levers_given() -> None:
    scheme = Scheme.from_nodes(
        "f", "f", [Node("1", "管理", points=100, rule=Deduct())], points=100
    )
    ev = evaluate(scheme, Data(findings=[Finding("1", 15, "问题")]))
    gap = gap_to_grade(ev, levers=["actuals"])  # findings may not change
    assert (ev.total, gap.reached, gap.steps, gap.candidates) == (85, False, (), ())
    assert "没有可用的改进。" in gap.describe()


def test_bad_grade_and_lever(seed: perfkpi.Evaluation) -> None:
    with pytest.raises(GapError, match="grade 'A'"):
        gap_to_grade(seed, "A")
    with pytest.raises(GapError, match="unknown levers"):
        gap_to_grade(seed, levers=["luck"])


# -- batches ---------------------------------------------------------------------------


def test_what_if_batch() -> None:
    rows: list[Data | dict[str, object]] = [
        {"A": 90, "B": 88},  # 45 + 44 = 89; with A at 100 %: 50 + 44 = 94
        {"A": 100, "B": 50},  # 50 + 25 = 75; A already full: 75
        {"A": "x", "B": 1},  # unreadable
    ]
    batch = what_if_batch(_two_leaves(), rows, {"A": "100%"})
    assert batch.before[:2].tolist() == [89.0, 75.0]
    assert batch.after[:2].tolist() == [94.0, 75.0]
    assert batch.delta[:2].tolist() == [5.0, 0.0]
    assert math.isnan(batch.delta[2])
    assert list(batch.errors) == [2]
    assert "A" in batch.errors[2]


def test_gap_batch() -> None:
    rows: list[Data | dict[str, object]] = [
        {"A": 90, "B": 88},
        {"A": 100},
        {"A": 100, "B": 100},
    ]
    batch = gap_to_grade_batch(_two_leaves(), rows)
    assert batch.gaps[1] is None
    assert list(batch.errors) == [1]  # B is missing
    np.testing.assert_array_equal(batch.needed, [1.0, np.nan, 0.0])
    assert batch.changes.tolist() == [1, -1, 0]


# -- the command line ------------------------------------------------------------------


def test_cli_gap(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--gap"]) == 0
    out = capsys.readouterr().out
    assert "还差1.37分" in out
    assert "：+2分 → 90.63分" in out


def test_cli_gap_indicators_only_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--gap", "优", "--levers", "actuals", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "  2. 1.1.6 等级保护2.0测评完成全部系统测评: 否 → 是: +1 → 90.63" in out


def test_cli_what_if(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--what-if", "1.2=100%", "--drop-finding", "3"]) == 0
    # +0.02 and +2: 88.63 → 90.65
    assert "总分 88.63 → 90.65（+2.02分），等级 良 → 优" in capsys.readouterr().out


def test_cli_what_if_malformed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--what-if", "1.2"]) == 2
    assert "CODE=VALUE" in capsys.readouterr().err


# -- properties ------------------------------------------------------------------------


@given(
    st.integers(0, 1000).map(lambda n: n / 10),
    st.integers(0, 1000).map(lambda n: n / 10),
)
def test_gap_steps_reach_the_grade(a: float, b: float) -> None:
    ev = evaluate(_two_leaves(), {"A": a, "B": b})
    gap = gap_to_grade(ev)
    # both leaves at 100 % always give 100 (优), so the next grade is reachable
    assert gap.reached
    assert gap.after.total >= gap.minimum or gap.grade == ev.grade
    changes = {s.change.code: s.change.after for s in gap.steps}
    again = evaluate(
        _two_leaves(), {"A": changes.get("A", a), "B": changes.get("B", b)}
    )
    assert again.total == gap.after.total
    assert sum(s.gain for s in gap.steps) == pytest.approx(gap.after.total - ev.total)
