"""evaluate(): the seed to the cent, hand-computed small cases, bad data, properties."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfkpi
from perfkpi import (
    Data,
    DataError,
    Deduct,
    Finding,
    IncompatibleUnitError,
    Item,
    Node,
    PerUnmet,
    Proportional,
    Rounding,
    Scheme,
    Shortfall,
    Sum,
    evaluate,
)


@pytest.fixture(scope="module")
def seed() -> perfkpi.Evaluation:
    return evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


# -- the seed: 2022年度广州互联网法院部门整体支出绩效自评报告 --------------------


def test_seed_total_and_grade(seed: perfkpi.Evaluation) -> None:
    # 自评得分88.63分 = 履职效能 45.98 + 管理效率 42.65; 80 ≤ 88.63 < 90 is 良
    assert seed.total == 88.63
    assert seed.grade == "良"


def test_seed_duty_performance(seed: perfkpi.Evaluation) -> None:
    # four indicators unmet, 1 point each: 40 − 4 = 36
    assert seed.score("1.1") == 40 - 4
    # 预算资金支出率 按比例: 10 × 99.8 / 100 = 9.98 (扣0.02分)
    assert seed.score("1.2") == 9.98
    assert seed.score("1") == 45.98


def test_seed_management_efficiency(seed: perfkpi.Evaluation) -> None:
    # 预算管理 1 + 信息公开 1 + 绩效管理 (1.3 + 2) + 采购管理 (1 + 1 × (1 − 0.95))
    # + 资产管理 1 = 7.35 → 50 − 7.35 = 42.65
    assert seed.score("2") == 42.65
    by_category: dict[str, float] = {}
    for d in seed.deductions_of("2"):
        by_category[d.category] = round(by_category.get(d.category, 0) + d.points, 2)
    assert by_category == {
        "预算管理": 1,
        "信息公开": 1,
        "绩效管理": 3.3,
        "采购管理": 1.05,
        "资产管理": 1,
    }


def test_seed_unmet_indicators_are_computed(seed: perfkpi.Evaluation) -> None:
    unmet = [d.name for d in seed.deductions_of("1.1")]
    assert unmet == [
        "实际执行到位率居全市法院第一",
        "等级保护2.0测评完成全部系统测评",
        "可复用应用推广至其他部门使用",
        "可复用服务组件推广至其他部门使用",
    ]
    assert all(d.kind == "unmet" and d.points == 1 for d in seed.deductions_of("1.1"))
    # the others are met: 网上立案率 99.66% ≥ 99%, 响应时间 1小时 ≤ 1小时, …
    met = {seed.scheme.node(c).name: m for c, m in seed.met.items()}
    assert met["网上立案率"] is True
    assert met["系统故障平均响应时间"] is True
    assert met["中小企业采购份额"] is False


def test_seed_every_deduction_has_a_reason(seed: perfkpi.Evaluation) -> None:
    assert len(seed.deductions) == 4 + 1 + 1 + 6
    assert all(d.reason for d in seed.deductions)
    assert math.fsum(d.points for d in seed.deductions) == pytest.approx(100 - 88.63)


def test_seed_to_dict_shape(seed: perfkpi.Evaluation) -> None:
    doc = seed.to_dict()
    assert (doc["scheme"], doc["total"], doc["grade"]) == (
        "gz-dept-overall",
        88.63,
        "良",
    )
    nodes = {n["code"]: n for n in doc["nodes"]}
    assert (nodes["1"]["score"], nodes["2"]["score"]) == (45.98, 42.65)
    assert set(nodes["1.1"]) >= {
        "code",
        "name",
        "parent",
        "points",
        "score",
        "deductions",
    }
    assert set(nodes["1.1"]["deductions"][0]) >= {"points", "reason", "category"}


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_seed_reports(
    seed: perfkpi.Evaluation, fmt: perfkpi.report.Format, lang: perfkpi.report.Lang
) -> None:
    text = seed.report(format=fmt, lang=lang)
    for figure in ("88.63", "45.98", "42.65"):
        assert figure in text
    assert "绩效目标编制过程中曾申请市财政局回退修改" in text


def test_report_rejects_unknown_format(seed: perfkpi.Evaluation) -> None:
    with pytest.raises(perfkpi.PerfKPIError, match=r"pdf.*text, markdown, json"):
        seed.report(format="pdf")  # type: ignore[arg-type]


# -- small schemes computed by hand ------------------------------------------


def _two_level() -> Scheme:
    return Scheme.from_nodes(
        "small",
        "small",
        [
            Node("1", "产出", points=60, rule=Sum()),
            Node(
                "1.1",
                "完成率",
                parent="1",
                points=40,
                target="≥100%",
                rule=Proportional(),
            ),
            Node(
                "1.2",
                "响应时间",
                parent="1",
                points=20,
                target="≤2小时",
                rule=Proportional(),
            ),
            Node("2", "管理", points=40, rule=Deduct(per_unmet=2)),
            Node(
                "2.1",
                "中小企业份额",
                parent="2",
                target="≥100%",
                rule=Shortfall(points=4),
            ),
            Node("2.2", "制度健全", parent="2", target="是"),
            Node("2.3", "公开", parent="2", target="是", rule=PerUnmet(points=0.5)),
        ],
    )


def test_small_scheme_by_hand() -> None:
    ev = evaluate(
        _two_level(),
        Data(
            actuals={
                "1.1": 87.5,
                "1.2": "150分钟",
                "2.1": "80%",
                "2.2": "否",
                "2.3": "否",
            },
            findings=[Finding("2", 1.25, "合同备案不及时", "采购管理")],
        ),
    )
    # 1.1: 40 × 87.5/100 = 35; 1.2: 150 min = 2.5 h > 2 h → 20 × 2/2.5 = 16
    assert (ev.score("1.1"), ev.score("1.2"), ev.score("1")) == (35, 16, 51)
    # 2: 40 − 4 × (1 − 0.8) − 2 (unmet, parent's per_unmet) − 0.5 − 1.25 = 35.45
    assert ev.score("2") == 35.45
    assert ev.total == 86.45
    assert ev.grade == "良"


def test_deductions_floor_at_zero() -> None:
    scheme = Scheme.from_nodes(
        "f", "f", [Node("1", "信息公开", points=2, rule=Deduct())], points=2
    )
    ev = evaluate(scheme, {"findings": [{"node": "1", "points": 3, "reason": "x"}]})
    assert ev.score("1") == 0
    assert ev.total == 0


def test_items_from_data_get_codes_and_count() -> None:
    scheme = Scheme.from_nodes(
        "i", "i", [Node("1", "绩效指标", points=10, rule=Deduct())], points=10
    )
    data = Data(
        items=[
            Item("1", "网上立案率", "≥99%", "98%"),
            Item("1", "在线庭审率", "≥99%", 99.5),
        ]
    )
    ev = evaluate(scheme, data)
    assert ev.score("1") == 9  # one of two unmet: 10 − 1
    assert [n.code for n in ev.scheme.children("1")] == ["1.1", "1.2"]


def test_plain_mapping_of_actuals() -> None:
    ev = evaluate(
        _two_level(), {"1.1": 100, "1.2": 2, "2.1": 100, "2.2": "是", "2.3": "是"}
    )
    assert ev.total == 100


def test_rounding_total_only() -> None:
    scheme = Scheme.from_nodes(
        "r",
        "r",
        [
            Node("1", "a", points=1, target="≥3", rule=Proportional()),
            Node("2", "b", points=1, target="≥3", rule=Proportional()),
        ],
        points=2,
        rounding=Rounding(places=2, stage="total"),
    )
    ev = evaluate(scheme, {"1": 1, "2": 1})
    # 1/3 + 1/3 = 0.6667 → 0.67 (each node rounded first would give 0.66)
    assert ev.total == 0.67


# -- bad data ------------------------------------------------------------------

BAD_DATA: list[tuple[dict[str, Any], type[Exception], str]] = [
    # NaN never scores
    ({"1.1": math.nan}, DataError, "1.1"),
    # infinite is no actual either
    ({"1.1": math.inf}, DataError, "1.1"),
    # a code the scheme does not have
    ({"9.9": 1}, DataError, "9.9"),
    # missing actual for an input node
    ({"1.1": 100}, DataError, "1.2"),
    # a unit of another dimension
    (
        {"1.1": 100, "1.2": "5件", "2.1": 100, "2.2": "是", "2.3": "是"},
        IncompatibleUnitError,
        "件",
    ),
    # a label not on the scale
    ({"1.1": 100, "1.2": 1, "2.1": 100, "2.2": "也许", "2.3": "是"}, DataError, "2.2"),
    # an actual for a node that takes none
    ({"1": 5}, DataError, "1"),
    # a bool is not a number
    ({"1.1": True}, DataError, "1.1"),
]


@pytest.mark.parametrize(("data", "error", "place"), BAD_DATA)
def test_bad_data(data: dict[str, Any], error: type[Exception], place: str) -> None:
    with pytest.raises(error) as info:
        evaluate(_two_level(), data)
    assert place in str(info.value)


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
def test_finding_on_node_that_is_not_deduct() -> None:
    with pytest.raises(DataError, match=r"1\.1 is scored otherwise @ findings\[0\]"):
        evaluate(
            _two_level(),
            {
                "actuals": {"1.1": 1, "1.2": 1, "2.1": 1, "2.2": "是", "2.3": "是"},
                "findings": [{"node": "1.1", "points": 1, "reason": "x"}],
            },
        )


def test_negative_finding_points() -> None:
    with pytest.raises(DataError, match="points"):
        Finding("2", -1, "x")


def test_evaluation_does_not_mutate_input() -> None:
    actuals = {"1.1": 100, "1.2": 2, "2.1": 100, "2.2": "是", "2.3": "是"}
    copy = dict(actuals)
    ev = evaluate(_two_level(), {"actuals": actuals})
    assert actuals == copy
    with pytest.raises(TypeError):
        ev.scores["1"] = 0  # type: ignore[index]


# -- properties ----------------------------------------------------------------

points_st = st.integers(min_value=0, max_value=5000).map(lambda n: n / 100)


@st.composite
def schemes_and_data(draw: Callable[..., Any]) -> tuple[Scheme, Data]:
    nodes: list[Node] = []
    actuals: dict[str, object] = {}
    findings: list[Finding] = []
    for i in range(draw(st.integers(1, 4))):
        top = str(i + 1)
        kind = draw(st.sampled_from(["sum", "deduct", "leaf"]))
        if kind == "sum":
            nodes.append(Node(top, top, points=0, rule=Sum()))
            children = []
            for j in range(draw(st.integers(1, 4))):
                code = f"{top}.{j + 1}"
                pts = draw(points_st)
                target = draw(st.integers(1, 200))
                children.append(
                    Node(
                        code,
                        code,
                        parent=top,
                        points=pts,
                        target=f"≥{target}%",
                        rule=Proportional(),
                    )
                )
                actuals[code] = draw(st.integers(0, 300)) / 10
            total = round(math.fsum(c.points or 0 for c in children), 2)
            nodes[-1] = Node(top, top, points=total, rule=Sum())
            nodes.extend(children)
        elif kind == "deduct":
            pts = draw(points_st)
            nodes.append(
                Node(top, top, points=pts, rule=Deduct(per_unmet=draw(points_st)))
            )
            for j in range(draw(st.integers(0, 3))):
                code = f"{top}.{j + 1}"
                nodes.append(
                    Node(
                        code,
                        code,
                        parent=top,
                        target="≥100%",
                        rule=Shortfall(points=draw(points_st))
                        if draw(st.booleans())
                        else None,
                    )
                )
                actuals[code] = draw(st.integers(0, 1500)) / 10
            findings += [
                Finding(top, draw(points_st), "x")
                for _ in range(draw(st.integers(0, 3)))
            ]
        else:
            nodes.append(
                Node(
                    top,
                    top,
                    points=draw(points_st),
                    target="≤3小时",
                    rule=Proportional(),
                )
            )
            actuals[top] = f"{draw(st.integers(1, 600))}分钟"
    # points as a user writes them: two decimals
    total = round(math.fsum(n.points or 0 for n in nodes if n.parent is None), 2)
    if total == 0:  # a scheme needs positive total points: add a one-point leaf
        nodes.append(Node("0", "0", points=1, target="≥1", rule=Proportional()))
        actuals["0"] = 0.5
        total = 1
    scheme = Scheme.from_nodes("gen", "gen", nodes, points=total)
    return scheme, Data(actuals=actuals, findings=findings)


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(schemes_and_data())
def test_scores_lie_between_zero_and_full_points(case: tuple[Scheme, Data]) -> None:
    scheme, data = case
    ev = evaluate(scheme, data)
    for code, score in ev.scores.items():
        points = scheme.node(code).points
        assert points is not None
        assert 0 <= score <= points
    assert 0 <= ev.total <= scheme.points


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(schemes_and_data())
def test_sum_node_is_sum_of_rounded_children(case: tuple[Scheme, Data]) -> None:
    scheme, data = case
    ev = evaluate(scheme, data)
    rounding = scheme.rounding
    for node in scheme.nodes:
        if isinstance(scheme.rule(node.code), Sum):
            children = [ev.score(c.code) for c in scheme.children(node.code)]
            assert ev.score(node.code) == rounding.round(math.fsum(children))
    roots = [ev.score(n.code) for n in scheme.roots()]
    assert ev.total == rounding.round(math.fsum(roots))


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@given(schemes_and_data())
def test_deduct_node_is_points_minus_deductions_floored(
    case: tuple[Scheme, Data],
) -> None:
    scheme, data = case
    ev = evaluate(scheme, data)
    for node in scheme.nodes:
        if isinstance(scheme.rule(node.code), Deduct):
            assert node.points is not None
            lost = math.fsum(d.points for d in ev.deductions_of(node.code))
            expected = scheme.rounding.round(max(node.points - lost, 0.0))
            assert ev.score(node.code) == pytest.approx(expected, abs=1e-9)


def test_plan_functions_refuse_what_is_not_a_scheme() -> None:
    from perfkpi.plan import compile_plan, effective_rule

    with pytest.raises(TypeError, match=r"the scheme must be a Scheme \(got 'gz'\)"):
        compile_plan("gz")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="the scheme must be a Scheme"):
        effective_rule(None, "1")  # type: ignore[arg-type]


def test_evaluation_tables_must_be_mappings() -> None:
    from perfkpi.evaluation import Evaluation

    ev = evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )
    with pytest.raises(TypeError, match=r"tables must be mappings by node code"):
        Evaluation(ev.scheme, ev.data, 1.0, "优", [("1", 1.0)], {}, {})  # type: ignore[arg-type]
