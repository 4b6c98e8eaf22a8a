"""The rule library: every published style, computed by hand from the rule text."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi import (
    Data,
    DataError,
    Deduct,
    Finding,
    Node,
    Proportional,
    Rounding,
    RuleError,
    Scheme,
    SchemeValidationError,
    SchemeWarning,
    Sum,
    evaluate,
    load_scheme,
)
from perfkpi.deductions import Adjustment
from perfkpi.grades import BUDGET_LIGHT, LETTER, RAG
from perfkpi.plan import compile_plan
from perfkpi.rules import (
    AllOrNothing,
    Bands,
    Categorical,
    Checklist,
    Distance,
    Equal,
    Goalposts,
    Grade,
    LowerLinear,
    Mean,
    PerBlock,
    PerPoint,
    Qualitative,
    Rule,
    WeakestLink,
    rule_from_dict,
    rule_to_dict,
)
from perfkpi.scheme import Override

SCHEMES = Path(__file__).parent / "schemes"


def _one(rule: Rule, points: float, target: str | None = None) -> Scheme:
    return Scheme.from_nodes(
        "one",
        "one",
        [Node("1", "x", points=points, target=target, rule=rule)],
        points=points,
    )


def _score(
    rule: Rule, points: float, actual: object, target: str | None = None
) -> float:
    return evaluate(_one(rule, points, target), {"1": actual}).score("1")


# -- DOMAIN §2 and §4: Chinese schemes -----------------------------------------

LEAF_CASES: list[tuple[str, Rule, float, str | None, object, float]] = [
    # 按比例计分，满分为止: 10 × 99.8/100
    ("proportional", Proportional(), 10, "≥100%", 99.8, 9.98),
    ("proportional over", Proportional(), 10, "≥100%", 120, 10),
    # form variant, lower is better: 10 × 2/2.5
    ("proportional lower", Proportional(), 10, "≤2小时", "150分钟", 8),
    # ministry code, lower is better: 10 × (1 − (2.5 − 2)/2)
    ("lower-linear", LowerLinear(), 10, "≤2小时", 2.5, 7.5),
    ("lower-linear at 2A", LowerLinear(), 10, "≤2小时", 4, 0),
    ("lower-linear met", LowerLinear(), 10, "≤2小时", 1, 10),
    # = 0 target: w if B ≤ 0 else 0
    ("equal zero met", Equal(), 5, "=0", 0, 5),
    ("equal zero below", Equal(), 5, "=0", -1, 5),
    ("equal zero missed", Equal(), 5, "=0", 2, 0),
    ("equal nonzero", Equal(), 5, "=3级", 3, 5),
    ("all-or-nothing met", AllOrNothing(), 4, "是", "是", 4),
    ("all-or-nothing missed", AllOrNothing(), 4, "≥99%", 98.9, 0),
    # 岳阳 财政供养人员控制率 5: ≤100% full; each point over −0.5, floored
    ("per-point 103%", PerPoint(per=0.5), 5, "≤100%", 103, 5 - 0.5 * 3),
    ("per-point 112%", PerPoint(per=0.5), 5, "≤100%", 112, 0),
    ("per-point part", PerPoint(per=0.5), 5, "≤100%", 100.5, 5 - 0.5 * 0.5),
    # 三公经费变动率 5: ≤0 full; each point of growth −0.5
    ("per-point growth", PerPoint(per=0.5), 5, "≤0%", 4, 5 - 0.5 * 4),
    # 三公经费控制率 6: each point over −1
    ("per-point control", PerPoint(per=1), 6, "≤100%", 102.5, 6 - 2.5),
    # "100%计满分，每低于5%扣2分，扣完为止": 99.27 % loses nothing
    ("per-block 99.27", PerBlock(per=2, block=5), 10, "≥100%", 99.27, 10),
    ("per-block 94.9", PerBlock(per=2, block=5), 10, "≥100%", 94.9, 10 - 2),
    ("per-block 95", PerBlock(per=2, block=5), 10, "≥100%", 95, 10 - 2),
    ("per-block 80", PerBlock(per=2, block=5), 10, "≥100%", 80, 10 - 2 * 4),
    # distance to target: 10 × (1 − |90 − 100|/100)
    ("distance", Distance(), 10, "=100%", 90, 9),
    ("distance over", Distance(), 10, "=100%", 105, 9.5),
]


@pytest.mark.parametrize(
    ("rule", "points", "target", "actual", "expected"),
    [c[1:] for c in LEAF_CASES],
    ids=[c[0] for c in LEAF_CASES],
)
def test_leaf_rules(
    rule: Rule, points: float, target: str | None, actual: object, expected: float
) -> None:
    assert _score(rule, points, actual, target) == expected


# 岳阳 预算调整率 3: = 0 → 3, (0,10%] → 2, (10,20%] → 1, (20,30%] → 0.5, > 30% → 0
ADJUSTMENT_RATE = Bands(
    [
        {"when": "=0%", "score": 3},
        {"when": "(0%,10%]", "score": 2},
        {"when": "(10%,20%]", "score": 1},
        {"when": "(20%,30%]", "score": 0.5},
        {"when": ">30%", "score": 0},
    ]
)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(0, 3), (0.01, 2), (10, 2), (10.01, 1), (20, 1), (30, 0.5), (30.5, 0), ("12%", 1)],
)
def test_stepped_bands_with_inclusive_ends(actual: object, expected: float) -> None:
    assert _score(ADJUSTMENT_RATE, 3, actual) == expected


# 岳阳 重点支出安排率 5: ≥90% 5, [80,90) 4, [70,80) 3, [60,70) 2, < 60% 0
KEY_SPENDING = Bands(
    [
        {"when": "≥90%", "score": 5},
        {"when": "[80%,90%)", "score": 4},
        {"when": "[70%,80%)", "score": 3},
        {"when": "[60%,70%)", "score": 2},
    ],
)


@pytest.mark.parametrize(
    ("actual", "expected"), [(95, 5), (90, 5), (89.99, 4), (60, 2), (59.9, 0)]
)
def test_key_spending_bands(actual: float, expected: float) -> None:
    assert _score(KEY_SPENDING, 5, actual) == expected


def test_point_table_with_gaps_rounds_before_banding() -> None:
    # 5 for > 90 %, 4 for 70–90 %, 3 for 50–69.99 %: 69.996 rounds to 70.00 → 4
    table = Bands(
        [
            {"when": ">90%", "score": 5},
            {"when": "[70%,90%]", "score": 4},
            {"when": "[50%,69.99%]", "score": 3},
        ],
        places=2,
    )
    assert _score(table, 5, 69.996) == 4
    assert _score(table, 5, 69.994) == 3


def test_categorical() -> None:
    # 岳阳 资金结余 3: 无结余 3; 有结余但不超过上年结转 2; 超过不得分
    rule = Categorical({"无结余": 3, "有结余但不超过上年结转": 2, "超过上年结转": 0})
    assert _score(rule, 3, "无结余") == 3
    assert _score(rule, 3, "有结余但不超过上年结转") == 2
    assert _score(rule, 3, "超过上年结转") == 0
    with pytest.raises(DataError, match="无结余"):
        _score(rule, 3, "不知道")


def test_checklist() -> None:
    # 岳阳 管理制度健全性 3: 1 point per item of 3
    rule = Checklist(per=1, items=["财务管理制度", "项目管理制度", "资产管理制度"])
    assert _score(rule, 3, ["财务管理制度", "资产管理制度"]) == 2
    assert _score(rule, 3, 3) == 3
    with pytest.raises(DataError, match="unknown checklist items"):
        _score(rule, 3, ["会议制度"])


def test_qualitative_band_is_validated() -> None:
    # 10 points: 达成 [8, 10]; 部分达成 [6, 8); 未达成 [0, 6)
    rule = Qualitative()
    assert _score(rule, 10, {"tier": "部分达成年度指标", "score": 7}) == 7
    assert _score(rule, 10, {"tier": "达成年度指标", "score": 10}) == 10
    with pytest.raises(
        DataError, match=r"outside 部分达成年度指标并具有一定效果's band \[6, 8\)"
    ):
        _score(rule, 10, {"tier": "部分达成年度指标", "score": 8})
    with pytest.raises(DataError, match="outside"):
        _score(rule, 10, {"tier": "未达成年度指标", "score": 6})


def test_deduct_per_finding() -> None:
    # "每发现一项扣1分，扣完为止": three findings on a 2-point node → 0
    scheme = Scheme.from_nodes(
        "f",
        "f",
        [Node("1", "资金使用合规性", points=3, rule=Deduct(per_finding=1))],
        points=3,
    )
    two = evaluate(
        scheme,
        {
            "findings": [
                {"node": "1", "points": None, "reason": "a"},
                {"node": "1", "points": None, "reason": "b"},
            ]
        },
    )
    assert two.score("1") == 3 - 2
    four = Data(findings=[Finding("1", None, str(i)) for i in range(4)])
    assert evaluate(scheme, four).score("1") == 0


def test_finding_without_points_needs_per_finding() -> None:
    scheme = Scheme.from_nodes(
        "f", "f", [Node("1", "x", points=3, rule=Deduct())], points=3
    )
    with pytest.raises(DataError, match="per_finding"):
        evaluate(scheme, Data(findings=[Finding("1", None, "x")]))


def test_budget_execution_warning_light() -> None:
    # (Σ执行/Σ预算)/(month/12): 450/1000 at month 6 → 0.45/0.5 = 90 % → 绿灯
    rate = (450 / 1000) / (6 / 12) * 100
    assert BUDGET_LIGHT.grade(rate) == "绿灯"
    assert BUDGET_LIGHT.grade((350 / 1000) / (6 / 12) * 100) == "黄灯"  # 70 %
    assert BUDGET_LIGHT.grade((250 / 1000) / (6 / 12) * 100) == "红灯"  # 50 %


# -- not applicable --------------------------------------------------------------


def _na_scheme(policy: str) -> Scheme:
    return Scheme.from_nodes(
        "na",
        "na",
        [
            Node("1", "产出", points=60, rule=Sum()),
            Node(
                "1.1", "a", parent="1", points=30, target="≥100%", rule=Proportional()
            ),
            Node(
                "1.2", "b", parent="1", points=20, target="≥100%", rule=Proportional()
            ),
            Node(
                "1.3", "c", parent="1", points=10, target="≥100%", rule=Proportional()
            ),
            Node("2", "满意度", points=40, target="≥90%", rule=Proportional()),
        ],
        not_applicable=policy,
    )


def test_not_applicable_reweighted() -> None:
    # 1.3 N/A: (30 × 0.5 + 20 × 1) × 60/50 = 35 × 1.2 = 42
    ev = evaluate(
        _na_scheme("reweight"),
        Data(actuals={"1.1": 50, "1.2": 100, "2": 90}, not_applicable=["1.3"]),
    )
    assert ev.score("1") == 42
    assert ev.total == 82
    assert "1.3" in ev.not_applicable
    with pytest.raises(KeyError, match="not applicable"):
        ev.score("1.3")


def test_not_applicable_full_marks() -> None:
    # 1.3 N/A counts 10: 15 + 20 + 10 = 45
    ev = evaluate(
        _na_scheme("full"),
        Data(actuals={"1.1": 50, "1.2": 100, "2": 90}, not_applicable=["1.3"]),
    )
    assert ev.score("1") == 45


def test_all_children_not_applicable_is_reported() -> None:
    # every child of 1 N/A: 1 is N/A itself and the total reweights to 2 alone:
    # 40 × 1 × 100/40 = 100
    ev = evaluate(
        _na_scheme("reweight"),
        Data(actuals={"2": 95}, not_applicable=["1.1", "1.2", "1.3"]),
    )
    assert "1" in ev.not_applicable
    assert ev.total == 100
    assert ev.to_dict()["nodes"][0]["score"] is None


def test_everything_not_applicable_is_an_error() -> None:
    with pytest.raises(DataError, match="every node is not applicable"):
        evaluate(_na_scheme("reweight"), Data(not_applicable=["1", "2"]))


def test_one_of_two_alternatives() -> None:
    # 二者择其一进行考核: a 10-point slot scored by whichever alternative applies
    scheme = Scheme.from_nodes(
        "alt",
        "alt",
        [
            Node("1", "择一", points=10, rule=Mean()),
            Node(
                "1.1",
                "方案甲",
                parent="1",
                points=10,
                target="≥100%",
                rule=Proportional(),
            ),
            Node(
                "1.2",
                "方案乙",
                parent="1",
                points=10,
                target="≥50件",
                rule=Proportional(),
            ),
        ],
        points=10,
    )
    ev = evaluate(scheme, Data(actuals={"1.2": 40}, not_applicable=["1.1"]))
    assert ev.score("1") == 10 * 40 / 50


# -- DOMAIN §5: beyond China -------------------------------------------------------


def test_composite_index_from_file() -> None:
    scheme = load_scheme(SCHEMES / "hdi.toml")
    ev = evaluate(scheme, {"health": 80, "eys": 15, "mys": 12, "income": 40000})
    health = (80 - 20) / (85 - 20)
    education = ((15 - 0) / 18 + (12 - 0) / 15) / 2
    income = (math.log(40000) - math.log(100)) / (math.log(75000) - math.log(100))
    hdi = (health * education * income) ** (1 / 3)  # 0.8804…
    assert ev.total == round(hdi, 3) == 0.880
    assert ev.grade == "very high"


def test_composite_index_cap_and_band_on_rounded_value() -> None:
    scheme = load_scheme(SCHEMES / "hdi.toml")
    capped = evaluate(scheme, {"health": 90, "eys": 20, "mys": 16, "income": 200000})
    assert capped.total == 1.0  # every input beyond its maximum goalpost: capped at 1
    # chosen so that the unrounded index is just under 0.8 and rounds to 0.800
    inputs = {"health": 72, "eys": 14.4, "mys": 12, "income": 20000}
    health, education = (72 - 20) / 65, (14.4 / 18 + 12 / 15) / 2
    income = math.log(20000 / 100) / math.log(75000 / 100)
    raw = (health * education * income) ** (1 / 3)
    ev = evaluate(scheme, inputs)
    assert ev.total == round(raw, 3)
    assert ev.grade == ("very high" if round(raw, 3) >= 0.8 else "high")


def test_pefa_weakest_link_and_table_from_file() -> None:
    scheme = load_scheme(SCHEMES / "pefa.toml")
    ev = evaluate(
        scheme,
        {"PI-1.1": "C", "PI-1.2": "C", "PI-1.3": "A", "PI-2.1": "B", "PI-2.2": "D*"},
    )
    assert ev.grades["PI-1"] == "C+"  # M1: weakest C, another is higher → C+
    assert ev.grades["PI-2"] == "C"  # M2 table: B and D (D* counts as D) → C
    assert ev.grade == "C+"  # weakest link over C+ and C: C, with a higher one → C+


def test_pefa_na_dimension_is_excluded() -> None:
    scheme = load_scheme(SCHEMES / "pefa.toml")
    ev = evaluate(
        scheme,
        {"PI-1.1": "B", "PI-1.2": "NA", "PI-1.3": "B", "PI-2.1": "A", "PI-2.2": "A"},
    )
    assert ev.grades["PI-1"] == "B"  # B, B with the NA one left out
    assert ev.grades["PI-2"] == "A"
    assert "PI-1.2" in ev.not_applicable


def test_pefa_missing_table_row_is_an_error() -> None:
    scheme = load_scheme(SCHEMES / "pefa.toml")
    grades = {"PI-1.1": "B", "PI-1.2": "B", "PI-1.3": "B", "PI-2.1": "A"}
    # with 2.2 not applicable only one grade is left: the table has no such row
    with pytest.raises(DataError, match="conversion table has no row for A @ PI-2"):
        evaluate(scheme, {**grades, "PI-2.2": "NA"})
    # a label that is not a grade
    with pytest.raises(DataError, match="expected a grade"):
        evaluate(scheme, {**grades, "PI-2.2": "E"})


def test_override_rating() -> None:
    # PART: a programme without agreed measures is "Results Not Demonstrated"
    scheme = Scheme.from_nodes(
        "part",
        "part",
        [
            Node("1", "Purpose", points=20, target="≥100%", rule=Proportional()),
            Node("2", "Results", points=80, rule=Deduct()),
            Node(
                "2.1", "Agreed performance measures", parent="2", target="是", rule=None
            ),
        ],
        overrides=[Override("2.1", "Results Not Demonstrated")],
    )
    ev = evaluate(scheme, {"1": 100, "2.1": "否"})
    assert ev.total == 20 + 80 - 1
    assert ev.grade == "Results Not Demonstrated"
    assert evaluate(scheme, {"1": 100, "2.1": "是"}).grade == "优"


def test_start_at_100_letter_grades() -> None:
    scheme = Scheme.from_nodes(
        "audit",
        "audit",
        [Node("1", "审计", points=100, rule=Deduct())],
        grades=LETTER,
    )
    ev = evaluate(scheme, Data(findings=[Finding("1", 12.5, "x")]))
    assert (ev.total, ev.grade) == (87.5, "B")
    ev = evaluate(scheme, Data(findings=[Finding("1", 31, "x")]))
    assert (ev.total, ev.grade) == (69, "")  # below 70: no letter


def test_red_amber_green() -> None:
    assert [RAG.grade(v) for v in (100, 99.9, 70, 69.9)] == [
        "green",
        "amber",
        "amber",
        "red",
    ]


def test_weighted_geometric_mean_of_children() -> None:
    # weights 3 and 1: 10 × (0.5^(3/4) × 1^(1/4)) = 10 × 0.5946 = 5.95
    nodes = [
        Node("1", "x", points=10, rule=Mean(mean="geometric")),
        Node("1.1", "a", parent="1", points=3, target="≥100%", rule=Proportional()),
        Node("1.2", "b", parent="1", points=1, target="≥100%", rule=Proportional()),
    ]
    # rounded parts of a geometric mean are warned about (composite indices
    # round only the final value); here the parts are whole: 5 and 1
    with pytest.warns(SchemeWarning, match="geometric mean"):
        scheme = Scheme.from_nodes("g", "g", nodes, points=10)
    ev = evaluate(scheme, {"1.1": 50, "1.2": 100})
    assert ev.score("1") == round(10 * 0.5**0.75, 2) == 5.95


def test_adjustment_needs_reason_and_stays_within_points() -> None:
    scheme = _one(Proportional(), 10, "≥100%")
    ev = evaluate(
        scheme,
        Data(actuals={"1": 150}, adjustments=[Adjustment("1", -2, "目标值设定偏低")]),
    )
    assert ev.score("1") == 8
    assert [d.kind for d in ev.deductions] == ["adjustment"]
    with pytest.raises(DataError, match="reason"):
        Adjustment("1", -2, " ")
    raised = evaluate(
        scheme, Data(actuals={"1": 150}, adjustments=[Adjustment("1", 5, "x")])
    )
    assert raised.score("1") == 10


def test_rounding_modes_and_stages() -> None:
    # two leaves of 1/3 point each: each-leaf truncation gives 0.33 + 0.33 = 0.66
    nodes = [
        Node("1", "a", points=1, target="≥3", rule=Proportional()),
        Node("2", "b", points=1, target="≥3", rule=Proportional()),
    ]
    data = {"1": 1, "2": 1}
    truncate = Scheme.from_nodes(
        "r", "r", nodes, points=2, rounding=Rounding(mode="truncate", stage="each-leaf")
    )
    assert evaluate(truncate, data).total == 0.66
    whole = Scheme.from_nodes("r", "r", nodes, points=2, rounding=Rounding(places=0))
    assert evaluate(whole, data).total == 0  # each leaf 0.333 → 0


# -- validation and file forms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "per-point"}, "per"),  # 'per' is required
        ({"kind": "per-point", "per": -1}, ">= 0"),  # negative deduction
        ({"kind": "per-block", "per": 1, "block": 0}, "> 0"),  # zero block
        ({"kind": "bands", "bands": []}, "at least one band"),  # empty table
        ({"kind": "bands", "bands": [{"when": "≥abc", "score": 1}]}, "band condition"),
        ({"kind": "goalposts", "min": 5, "max": 5}, "differ"),  # zero width
        ({"kind": "goalposts", "min": 0, "max": 5, "log": True}, "> 0"),  # log of 0
        ({"kind": "mean", "mean": "harmonic"}, "mean"),  # unknown mean
        ({"kind": "sum", "not_applicable": "skip"}, "reweight"),  # unknown policy
        ({"kind": "proportional", "points": 3}, "takes no parameters"),
        ({"kind": "nonsense"}, "unknown rule kind"),
    ],
)
def test_bad_rule_parameters(spec: dict[str, Any], message: str) -> None:
    with pytest.raises((RuleError, ValueError), match=message):
        rule_from_dict(spec)


@pytest.mark.parametrize(
    "rule",
    [
        Proportional(),
        LowerLinear(),
        PerPoint(per=0.5),
        PerBlock(per=2, block=5),
        ADJUSTMENT_RATE,
        Bands([{"when": ">90%", "score": 5}], otherwise=1, places=2),
        Categorical({"无结余": 3, "有结余": 2}),
        Checklist(per=1, items=["a", "b"]),
        Goalposts(min=100, max=75000, log=True),
        Mean(mean="geometric"),
        Sum(not_applicable="full"),
        Deduct(per_unmet=0.5, per_finding=1),
        WeakestLink(),
        Grade(),
    ],
    ids=repr,
)
def test_rule_file_form_round_trip(rule: Rule) -> None:
    assert rule_from_dict(rule_to_dict(rule)) == rule


def test_rules_that_do_not_fit_are_reported() -> None:
    with pytest.raises(SchemeValidationError) as info:
        Scheme.from_nodes(
            "bad",
            "bad",
            [
                Node("1", "a", points=5, target="≥100%", rule=LowerLinear()),
                Node("2", "b", points=5, target="[1,2]", rule=PerPoint(per=1)),
                Node("3", "c", points=2, rule=Bands([{"when": ">1", "score": 3}])),
                Node("4", "d", points=88, rule=WeakestLink()),
            ],
        )
    problems = [str(e) for e in info.value.exceptions]
    assert "rule 'lower-linear' needs a '≤' target, not ≥100% @ 1" in problems
    assert (
        "rule 'per-point' needs a one-sided target (≥ or ≤), not [1,2] @ 2" in problems
    )
    assert "band >1 gives 3, more than the node's 2 points @ 3" in problems
    assert "rule 'weakest-link' needs children @ 4" in problems


# -- properties ---------------------------------------------------------------------

HIGHER_RULES: list[tuple[Rule, str | None]] = [
    (Proportional(), "≥80%"),
    (PerPoint(per=0.5), "≥90%"),
    (PerBlock(per=2, block=5), "≥100%"),
    (AllOrNothing(), "≥75%"),
    (KEY_SPENDING, None),
    (Goalposts(min=10, max=90), None),
    (Goalposts(min=1, max=1000, log=True), None),
]
LOWER_RULES: list[tuple[Rule, str | None]] = [
    (Proportional(), "≤20%"),
    (LowerLinear(), "≤20%"),
    (PerPoint(per=1), "≤100%"),
    (ADJUSTMENT_RATE, None),
    (Goalposts(min=90, max=10), None),
]


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(
    st.sampled_from(HIGHER_RULES),
    st.floats(min_value=0.01, max_value=500, allow_nan=False),
    st.floats(min_value=0.01, max_value=500, allow_nan=False),
)
def test_higher_is_better_never_decreases(
    case: tuple[Rule, str | None], a: float, b: float
) -> None:
    rule, target = case
    low, high = sorted((a, b))
    scheme = _one(rule, 5, target)
    s_low, s_high = (evaluate(scheme, {"1": v}).score("1") for v in (low, high))
    assert s_low <= s_high
    assert 0 <= s_low <= 5
    assert 0 <= s_high <= 5


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(
    st.sampled_from(LOWER_RULES),
    st.floats(min_value=0, max_value=500, allow_nan=False),
    st.floats(min_value=0, max_value=500, allow_nan=False),
)
def test_lower_is_better_never_increases(
    case: tuple[Rule, str | None], a: float, b: float
) -> None:
    rule, target = case
    low, high = sorted((a, b))
    scheme = _one(rule, 3, target)
    s_low, s_high = (evaluate(scheme, {"1": v}).score("1") for v in (low, high))
    assert s_low >= s_high
    assert 0 <= s_high <= 3


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=200, allow_nan=False),
            st.floats(min_value=0, max_value=200, allow_nan=False),
            st.sampled_from(["无结余", "有结余"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_one_entity_equals_its_row_in_a_batch(
    rows: list[tuple[float, float, str]],
) -> None:
    scheme = Scheme.from_nodes(
        "b",
        "b",
        [
            Node("1", "x", points=40, rule=Sum()),
            Node(
                "1.1", "a", parent="1", points=20, target="≥90%", rule=PerPoint(per=1)
            ),
            Node("1.2", "b", parent="1", points=20, rule=ADJUSTMENT_RATE),
            Node("2", "c", points=60, rule=Categorical({"无结余": 60, "有结余": 30})),
        ],
        points=100,
    )
    plan = compile_plan(scheme)
    assert plan.inputs == ("2", "1.1", "1.2")
    values = np.array([[0.0 if c == "无结余" else 1.0, a, b] for a, b, c in rows])
    batch = plan.run(values, np.zeros((len(rows), 0)))
    for i, (a, b, c) in enumerate(rows):
        single = evaluate(scheme, {"1.1": a, "1.2": b, "2": c})
        assert batch.total[i] == single.total
        assert batch.column("1")[i] == single.score("1")


# -- arguments of the wrong type -------------------------------------------------


def _any(value: object) -> Any:  # noqa: ANN401 (what a caller without mypy passes)
    return value


def test_rule_arguments_of_the_wrong_type_are_rule_errors() -> None:
    from perfkpi import rules

    cases: list[tuple[Any, str]] = [
        (lambda: rules.Band(_any(None), 3), r"condition must be a target or its text"),
        (
            lambda: rules.Bands(_any(None)),
            r"'bands' must be a list of bands \(got None\)",
        ),
        (
            lambda: rules.Checklist(items=_any(0.5)),
            r"'items' must be a list of names",
        ),
        (
            lambda: rules.Goalposts(0, 1, log=_any("no")),
            r"'log' must be true or false",
        ),
        (lambda: rules.Deadline(whole=_any(1)), r"'whole' must be true or false"),
        (lambda: rules.Deadline(every=_any(["day"])), r"'every' must be one of day"),
        (lambda: rules.Mean(_any(["geometric"])), r"'mean' must be 'arithmetic' or"),
        (lambda: rules.Sum(_any(["full"])), r"'not_applicable' must be 'reweight'"),
        (
            lambda: rules.Grade(_any(["pefa"])),
            r"'scale' must be the name of an ordinal",
        ),
    ]
    for make, message in cases:
        with pytest.raises(RuleError, match=message):
            make()


def test_rule_helpers_refuse_what_is_not_a_target_or_rule() -> None:
    from perfkpi.rules import infer_rule, rule_to_dict, value_kind

    with pytest.raises(TypeError, match=r"the target must be a Target \(got '≥99%'\)"):
        value_kind("≥99%")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="the target must be a Target"):
        infer_rule("≥99%")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the rule must be a RuleBase \(got 'sum'\)"):
        rule_to_dict("sum")  # type: ignore[arg-type]


def test_per_step_past_so_far_that_the_steps_overflow() -> None:
    import warnings

    from perfkpi import _kernels

    past = np.array([1e307, math.nan, 0.5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning escapes
        # 1e307 / 0.01 overflows: nothing per step still deducts nothing
        # (0 · inf would be NaN), a NaN past stays NaN, 0.5 / 0.01 = 50 steps of 0
        free = _kernels.per_step(past, np.ones(3), 0.0, 0.01, whole=True)
        # 0.5 a step over that many steps takes every point
        dear = _kernels.per_step(past, np.ones(3), 0.5, 0.01, whole=True)
    assert free[[0, 2]].tolist() == [1.0, 1.0]
    assert math.isnan(free[1])
    assert dear[[0, 2]].tolist() == [0.0, 0.0]
    assert math.isnan(dear[1])
