"""Properties across the library, drawn with perfkpi.testing.

- one entity equals its row in a batch;
- a scheme and its data survive writing and reading back;
- reordering the nodes of a scheme (or of its file) changes no result;
- rounding agrees with a ``decimal.Decimal`` reference;
- deductions never go below zero or above the points;
- nothing is lost: evaluating mutates nothing, results do not change, and a
  batch with bad rows returns every good row's result.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import itertools
import json
import math
import pickle
import tomllib
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi import (
    Data,
    Deduct,
    Evaluation,
    Node,
    Proportional,
    Rounding,
    Scheme,
    Sum,
    evaluate,
)
from perfkpi.plan import compile_plan
from perfkpi.rounding import RoundingMode, RoundingStage
from perfkpi.testing import assert_evaluations_equal, data_for, schemes

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ALL_ROUNDINGS = [
    Rounding(places, mode, stage)
    for places in range(5)
    for mode in RoundingMode
    for stage in RoundingStage
]
"""Every rounding policy: places 0 to 4, each mode, each stage."""


def _any_schemes(**options: Any) -> st.SearchStrategy[Scheme]:  # noqa: ANN401
    return st.sampled_from(ALL_ROUNDINGS).flatmap(
        lambda rounding: schemes(rounding=rounding, **options)
    )


REPORTED_ROUNDINGS = ALL_ROUNDINGS
"""Policies whose node scores are reported rounded: every one, ``each-leaf``
included (see :func:`test_each_leaf_stage_reports_rounded_node_scores`)."""


def _reported_schemes(**options: Any) -> st.SearchStrategy[Scheme]:  # noqa: ANN401
    return st.sampled_from(REPORTED_ROUNDINGS).flatmap(
        lambda rounding: schemes(rounding=rounding, **options)
    )


# -- one entity equals its row in a batch ----------------------------------------------


def _findings_of(scheme: Scheme, data: Data) -> dict[str, float]:
    out: dict[str, float] = {}
    for finding in data.findings:
        rule = scheme.rule(finding.node)
        assert isinstance(rule, Deduct)
        points = finding.points if finding.points is not None else rule.per_finding
        assert points is not None
        out[finding.node] = out.get(finding.node, 0.0) + float(points)
    return out


def _table(scheme: Scheme, rows: Sequence[Data]) -> dict[str, list[Any]]:
    """Lay the rows out as evaluate_batch reads them: a column per input."""
    plan = compile_plan(scheme)
    table: dict[str, list[Any]] = {
        code: [row.actuals.get(code) for row in rows] for code in plan.inputs
    }
    for code in plan.deduct_codes:
        table[f"findings:{code}"] = [
            _findings_of(scheme, r).get(code, 0.0) for r in rows
        ]
    for code in sorted({c for r in rows for c in r.not_applicable}):
        table[f"na:{code}"] = [code in r.not_applicable for r in rows]
    return table


@st.composite
def _scheme_and_rows(
    draw: st.DrawFn,
    /,
    **options: Any,  # noqa: ANN401
) -> tuple[Scheme, list[Data]]:
    scheme = draw(_any_schemes(max_depth=3, max_children=3))
    rows = draw(
        st.lists(data_for(scheme, max_items=0, **options), min_size=1, max_size=4)
    )
    return scheme, rows


@PROPERTY
@given(_scheme_and_rows())
def test_one_entity_equals_its_row_in_a_batch(
    case: tuple[Scheme, list[Data]],
) -> None:
    scheme, rows = case
    batch = perfkpi.evaluate_batch(scheme, _table(scheme, rows))
    assert batch.total.shape == (len(rows),)
    for i, data in enumerate(rows):
        ev = evaluate(scheme, data)
        assert batch.total[i] == ev.total
        assert batch.grades[i] == ev.grade or scheme.overrides
        for code, score in ev.scores.items():
            assert batch.scores[code][i] == score, code


# -- writing and reading back ----------------------------------------------------------


@PROPERTY
@given(schemes(), st.sampled_from(["toml", "json"]))
def test_scheme_dump_load_round_trip(scheme: Scheme, fmt: str) -> None:
    files = perfkpi.files
    text = files.dump_scheme(scheme, format=fmt)  # type: ignore[arg-type]
    assert files.scheme_from_text(text, format=fmt) == scheme  # type: ignore[arg-type]


@PROPERTY
@given(st.data(), schemes(max_depth=2), st.sampled_from(["toml", "json"]))
def test_data_dump_load_round_trip(
    data: st.DataObject, scheme: Scheme, fmt: str
) -> None:
    drawn = data.draw(data_for(scheme))
    files = perfkpi.files
    text = files.dump_data(drawn, format=fmt)  # type: ignore[arg-type]
    doc = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    back = files.data_from_dict(doc)
    expected = drawn
    if fmt == "json":
        # JSON has no dates: a date actual is written, and read back, as ISO
        # text, which reads as the same day against a date target
        iso = {
            code: value.isoformat()
            for code, value in drawn.actuals.items()
            if isinstance(value, dt.date)
        }
        expected = attrs.evolve(drawn, actuals={**drawn.actuals, **iso})
    assert back == expected
    assert_evaluations_equal(evaluate(scheme, back), evaluate(scheme, drawn))


@pytest.mark.parametrize("fmt", ["toml", "json"])
@pytest.mark.parametrize("what", ["finding reason", "item name"])
def test_empty_text_survives_the_data_round_trip(what: str, fmt: str) -> None:
    files = perfkpi.files
    try:
        if what == "finding reason":
            data = Data(actuals={"1": 1}, findings=[perfkpi.Finding("2", 1.0, "")])
        else:
            data = Data(items=[perfkpi.Item("2", "", "≥95%", 96)])
    except perfkpi.DataError:
        return  # refused up front: also fine
    text = files.dump_data(data, format=fmt)  # type: ignore[arg-type]
    doc = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    assert files.data_from_dict(doc) == data


# -- reordering changes nothing --------------------------------------------------------


@PROPERTY
@given(st.data(), _reported_schemes())
def test_reordering_nodes_changes_no_result(
    data: st.DataObject, scheme: Scheme
) -> None:
    drawn = data.draw(data_for(scheme))
    shuffled = data.draw(st.permutations(scheme.nodes))
    reordered = attrs.evolve(scheme, nodes=tuple(shuffled))
    assert_evaluations_equal(evaluate(reordered, drawn), evaluate(scheme, drawn))


@PROPERTY
@given(st.data(), _reported_schemes())
def test_reordering_nodes_in_a_file_changes_no_result(
    data: st.DataObject, scheme: Scheme
) -> None:
    drawn = data.draw(data_for(scheme))
    doc = tomllib.loads(perfkpi.files.dump_scheme(scheme, format="toml"))
    as_written = perfkpi.files.scheme_from_dict(doc, source="scheme.toml")
    doc["node"] = data.draw(st.permutations(doc["node"]))
    shuffled = perfkpi.files.scheme_from_dict(doc, source="shuffled.toml")
    assert_evaluations_equal(evaluate(shuffled, drawn), evaluate(as_written, drawn))


def test_each_leaf_stage_reports_rounded_node_scores() -> None:
    scheme = Scheme.from_nodes(
        "leaf",
        "leaf",
        [
            Node("1", "a", points=10, rule=perfkpi.rules.Mean()),
            Node("1.1", "b", parent="1", points=3, target="≥1", rule=Proportional()),
            Node("1.2", "c", parent="1", points=4, target="≥1", rule=Proportional()),
            Node("2", "d", points=90, target="≥1", rule=Proportional()),
        ],
        rounding=Rounding(1, "half-up", "each-leaf"),
    )
    ev = evaluate(scheme, {"1.1": 0.5, "1.2": 0.3, "2": 1})
    # leaves: 3 × 0.5 = 1.5 and 4 × 0.3 = 1.2; mean: 10 × 2.7/7 = 3.857… → 3.9
    assert ev.score("1") == 3.9
    assert ev.to_dict()["nodes"][0]["score"] == 3.9


# -- rounding against a Decimal reference ----------------------------------------------

_DECIMAL = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.TRUNCATE: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
}


def _reference(value: decimal.Decimal, places: int, mode: RoundingMode) -> float:
    quantum = decimal.Decimal(1).scaleb(-places)
    return float(value.quantize(quantum, rounding=_DECIMAL[mode]))


@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=4),
    st.integers(0, 4),
    st.sampled_from(RoundingMode),
)
def test_rounding_agrees_with_a_decimal_reference(
    value: decimal.Decimal, places: int, mode: RoundingMode
) -> None:
    # a number written with up to 4 decimals is rounded as written: 2.675 → 2.68
    expected = _reference(value, places, mode)
    rounding = Rounding(places, mode)
    assert rounding.round(float(value)) == expected
    assert rounding.round(np.array([float(value)]))[0] == expected


@given(
    st.integers(0, 4).flatmap(
        lambda places: st.tuples(
            st.just(places),
            st.lists(
                st.decimals(min_value=0, max_value=100, places=places),
                min_size=2,
                max_size=8,
            ),
        )
    ),
    st.sampled_from(RoundingMode),
)
def test_rounding_a_sum_of_scores_agrees_with_a_decimal_reference(
    case: tuple[int, list[decimal.Decimal]], mode: RoundingMode
) -> None:
    # node scores are rounded to the policy's places, then summed in floating
    # point; the sum must round to the exact decimal sum
    places, scores = case
    total = 0.0
    for score in scores:
        total += float(score)
    exact = sum(scores, decimal.Decimal(0))
    assert Rounding(places, mode).round(total) == _reference(exact, places, mode)


@pytest.mark.parametrize("value", [1e60, -1e60, 1e300])
def test_rounding_a_large_number_keeps_it(value: float) -> None:
    assert Rounding().round(value) == value
    assert Rounding(0, "truncate").round(np.array([value]))[0] == value


@pytest.mark.parametrize(
    ("scores", "places", "mode", "expected"),
    [
        ([4.7, 5.4], 1, RoundingMode.UP, 10.1),
        ([0.7, 0.1], 1, RoundingMode.TRUNCATE, 0.8),
        ([0.1, 0.2], 2, RoundingMode.UP, 0.3),
        ([0.3, 0.6], 2, RoundingMode.TRUNCATE, 0.9),
    ],
)
def test_directed_rounding_of_a_sum_of_scores(
    scores: list[float], places: int, mode: RoundingMode, expected: float
) -> None:
    total = 0.0
    for score in scores:
        total += score
    assert Rounding(places, mode).round(total) == expected


def test_directed_rounding_never_exceeds_the_points() -> None:
    scheme = Scheme.from_nodes(
        "up",
        "up",
        [
            Node("1", "产出", points=10.1),
            Node("1.1", "a", parent="1", points=4.7, target="≥1", rule=Proportional()),
            Node("1.2", "b", parent="1", points=5.4, target="≥1", rule=Proportional()),
            Node("2", "c", points=89.9, target="≥1", rule=Proportional()),
        ],
        rounding=Rounding(1, "up"),
    )
    ev = evaluate(scheme, {"1.1": 1, "1.2": 1, "2": 1})
    assert ev.score("1") == 10.1
    assert ev.total == 100


# -- deductions stay within bounds -----------------------------------------------------

DEDUCTIONS = ["sum", "deduct", "per-unmet", "shortfall", "proportional", "per-point"]


@PROPERTY
@given(st.data(), _reported_schemes(kinds=DEDUCTIONS))
def test_deductions_never_below_zero_or_above_the_points(
    data: st.DataObject, scheme: Scheme
) -> None:
    drawn = data.draw(data_for(scheme, max_findings=8))
    ev = evaluate(scheme, drawn)
    merged = ev.scheme  # with the entity's own items
    for code, score in ev.scores.items():
        node = merged.node(code)
        assert node.points is not None
        assert 0 <= score <= node.points, code
    for code, penalty in ev.penalties.items():
        # an item costs at most its rule's points, rounded by the scheme's policy
        # (with whole points, a 0.5 penalty is reported as 1)
        assert 0 <= penalty <= scheme.rounding.round(_most(merged, code)), code
    for deduction in ev.deductions:
        if deduction.kind != "adjustment":
            assert deduction.points >= 0, deduction
    assert 0 <= ev.total <= scheme.points


def _most(scheme: Scheme, code: str) -> float:
    """The most an item can cost: its rule's points, or its parent's per_unmet."""
    rule = scheme.rule(code)
    points = getattr(rule, "points", None)
    if points is None:
        parent = scheme.rule(str(scheme.node(code).parent))
        points = getattr(parent, "per_unmet", 0.0)
    return float(points or 0.0)


@PROPERTY
@given(st.data(), _reported_schemes())
def test_every_score_within_its_points(data: st.DataObject, scheme: Scheme) -> None:
    ev = evaluate(scheme, data.draw(data_for(scheme)))
    for code, score in ev.scores.items():
        points = ev.scheme.node(code).points
        assert points is not None
        assert 0 <= score <= points, (code, score, points)
    assert not math.isnan(ev.total)


# -- nothing lost ----------------------------------------------------------------------


@PROPERTY
@given(st.data(), schemes())
def test_evaluating_never_mutates_its_inputs(
    data: st.DataObject, scheme: Scheme
) -> None:
    drawn = data.draw(data_for(scheme))
    plain = drawn.to_dict()
    scheme_before = pickle.dumps(scheme)
    data_before = (repr(drawn), copy.deepcopy(drawn.to_dict()))
    plain_before = copy.deepcopy(plain)
    evaluate(scheme, drawn)
    evaluate(scheme, plain)
    assert pickle.dumps(scheme) == scheme_before
    assert (repr(drawn), drawn.to_dict()) == data_before
    assert plain == plain_before


def test_evaluating_never_mutates_the_bundled_inputs() -> None:
    scheme = perfkpi.catalog.scheme("gz-dept-overall")
    data = perfkpi.catalog.data("gz-internet-court-2022")
    plain = data.to_dict()
    before = copy.deepcopy(plain)
    evaluate(scheme, plain)
    assert plain == before


SEED = perfkpi.catalog.scheme("gz-dept-overall")
SEED_DATA = perfkpi.catalog.data("gz-internet-court-2022")


def test_evaluations_are_frozen() -> None:
    ev = evaluate(SEED, SEED_DATA)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.total = 100  # type: ignore[misc]
    for mapping in (ev.scores, ev.met, ev.penalties, ev.grades):
        with pytest.raises(TypeError):
            mapping["1"] = 0  # type: ignore[index]
    assert isinstance(ev.deductions, tuple)
    assert isinstance(ev.not_applicable, frozenset)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ev.deductions[0].points = 0  # type: ignore[misc]


def test_to_dict_is_a_copy() -> None:
    ev = evaluate(SEED, SEED_DATA)
    out = ev.to_dict()
    out["total"] = 0
    out["nodes"][0]["score"] = 0
    assert ev.to_dict()["total"] == 88.63
    assert ev.total == 88.63


def test_an_evaluation_does_not_change_when_its_inputs_do() -> None:
    scheme = Scheme.from_nodes(
        "c",
        "c",
        [
            Node(
                "1",
                "制度",
                points=3,
                rule=perfkpi.rules.Checklist(items=["a", "b", "c"]),
            ),
            Node("2", "定性", points=97, rule=perfkpi.rules.Qualitative()),
        ],
    )
    listed, chosen = ["a", "b"], {"tier": "达成年度指标", "score": 90}
    ev = evaluate(scheme, {"1": listed, "2": chosen})
    before = ev.to_dict()
    listed.append("c")
    chosen["score"] = 10
    assert ev.to_dict() == before
    assert ev.data.actuals["1"] == ("a", "b")
    assert ev.data.actuals["2"] == {"tier": "达成年度指标", "score": 90}


def test_batch_results_are_read_only() -> None:
    batch = perfkpi.evaluate_batch(SEED, _table(SEED, [SEED_DATA]))
    with pytest.raises(ValueError, match="read-only"):
        batch.total[0] = 100
    with pytest.raises(ValueError, match="read-only"):
        batch.scores["1"][0] = 50


BAD_VALUES = [math.nan, math.inf, -math.inf, "5furlong"]


@PROPERTY
@given(st.data(), _scheme_and_rows(allow_not_applicable=False))
def test_a_batch_with_bad_rows_returns_every_good_row(
    data: st.DataObject, case: tuple[Scheme, list[Data]]
) -> None:
    scheme, rows = case
    plan = compile_plan(scheme)
    if not plan.inputs:
        return  # findings only: nothing to spoil
    bad = data.draw(st.sets(st.integers(0, len(rows) - 1)))
    table = _table(scheme, rows)
    spoilt: dict[int, str] = {}
    for i in sorted(bad):
        code = data.draw(st.sampled_from(plan.inputs))
        table[code][i] = data.draw(st.sampled_from(BAD_VALUES))
        spoilt[i] = code
    batch = perfkpi.evaluate_batch(scheme, table)
    assert batch.total.shape == (len(rows),)
    for i, row in enumerate(rows):
        if i in spoilt:
            assert math.isnan(batch.total[i])
            assert batch.reasons[i]
        else:
            assert batch.total[i] == evaluate(scheme, row).total
            assert i not in batch.reasons


# -- deep trees ------------------------------------------------------------------------


def _chain(levels: int) -> Scheme:
    codes = [f"n{i}" for i in range(levels)]
    nodes = [Node(codes[0], "n", points=1, rule=Sum())]
    nodes += [
        Node(c, "n", parent=p, points=1) for p, c in itertools.pairwise(codes[:-1])
    ]
    nodes.append(
        Node(
            codes[-1], "n", parent=codes[-2], points=1, target="≥1", rule=Proportional()
        )
    )
    return Scheme.from_nodes("chain", "chain", nodes, points=1)


def test_data_and_evaluations_pickle() -> None:
    ev = evaluate(SEED, SEED_DATA)
    assert pickle.loads(pickle.dumps(SEED_DATA)) == SEED_DATA  # noqa: S301
    assert copy.deepcopy(SEED_DATA) == SEED_DATA
    back = pickle.loads(pickle.dumps(ev))  # noqa: S301 (our own bytes)
    assert_evaluations_equal(back, ev)


def test_a_deep_tree_evaluates() -> None:
    # 200 levels: far deeper than any published scheme, well inside Python's stack
    ev = evaluate(_chain(200), {"n199": 1})
    assert ev.total == 1


def test_a_very_deep_tree_evaluates_without_recursion_error() -> None:
    ev = evaluate(_chain(1000), {"n999": 1})
    assert ev.total == 1


def test_evaluation_type() -> None:
    assert isinstance(evaluate(SEED, SEED_DATA), Evaluation)
