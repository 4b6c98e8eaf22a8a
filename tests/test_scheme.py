"""Whole-tree validation: every problem, each with its node."""

from __future__ import annotations

import pickle

import pytest

from perfkpi import (
    Deduct,
    Node,
    PerfKPIError,
    Proportional,
    Scheme,
    SchemeError,
    SchemeValidationError,
    Shortfall,
    Sum,
)


def _problems(nodes: list[Node], points: float = 100) -> list[str]:
    with pytest.raises(SchemeValidationError) as info:
        Scheme.from_nodes("t", "test", nodes, points=points)
    assert isinstance(info.value, PerfKPIError)
    return [str(e) for e in info.value.exceptions]


def test_children_points_must_add_up() -> None:
    problems = _problems(
        [
            Node("1", "履职效能", points=50, rule=Sum()),
            Node("1.1", "a", parent="1", points=40, rule=Deduct()),
            Node("1.2", "b", parent="1", points=5, target="≥100%", rule=Proportional()),
        ],
        points=50,
    )
    assert problems == ["children's points sum to 45, not 50 @ 1"]


def test_first_level_points_must_add_up_to_total() -> None:
    problems = _problems([Node("1", "a", points=40, rule=Deduct())], points=100)
    assert problems == ["first-level points sum to 40, not 100"]


def test_duplicate_code() -> None:
    problems = _problems(
        [
            Node("1", "a", points=50, rule=Deduct()),
            Node("1", "b", points=50, rule=Deduct()),
        ]
    )
    assert problems == ["duplicate code '1' @ 1"]


def test_unknown_parent() -> None:
    problems = _problems(
        [
            Node("1", "a", points=100, rule=Deduct()),
            Node("2.1", "b", parent="2", points=10, rule=Deduct()),
        ]
    )
    assert problems == ["unknown parent '2' @ 2.1"]


def test_cycle_is_reported_for_each_member() -> None:
    problems = _problems(
        [
            Node("1", "root", points=100, rule=Deduct()),
            Node("a", "a", parent="b", points=1, rule=Deduct()),
            Node("b", "b", parent="a", points=1, rule=Deduct()),
        ]
    )
    assert problems == [
        "node is its own ancestor (a cycle of parents) @ a",
        "node is its own ancestor (a cycle of parents) @ b",
    ]


def test_several_problems_reported_at_once() -> None:
    problems = _problems(
        [
            Node("1", "a", points=50, rule=Sum()),
            Node("1.1", "b", parent="1", points=45, rule=Deduct()),
            Node("1.1", "c", parent="1", points=5, rule=Deduct()),
            Node("2", "d", parent="9", points=50, rule=Deduct()),
            Node("3", "e", points=50, rule=Proportional()),
        ]
    )
    assert "duplicate code '1.1' @ 1.1" in problems
    assert "unknown parent '9' @ 2" in problems
    assert "rule 'proportional' needs a target @ 3" in problems
    assert len(problems) >= 3


def test_rules_must_fit_their_place() -> None:
    problems = _problems(
        [
            Node("1", "a", points=60, rule=Proportional(), target="≥1"),
            Node("1.1", "b", parent="1", points=60, rule=Deduct()),
            Node("2", "c", points=40, rule=Shortfall(points=1), target="≥1"),
        ]
    )
    assert (
        "rule 'proportional' scores a leaf, but the node has children @ 1" in problems
    )
    assert "rule 'shortfall' is for items (nodes without points) @ 2" in problems


def test_item_must_sit_under_deduct_and_have_target() -> None:
    problems = _problems(
        [
            Node("1", "a", points=100, rule=Sum()),
            Node("1.1", "item", parent="1"),
        ]
    )
    assert (
        "a node without points is an item and must sit under a 'deduct' node @ 1.1"
        in problems
    )
    assert "an item needs a target @ 1.1" in problems


def test_negative_points() -> None:
    problems = _problems([Node("1", "a", points=-5, rule=Deduct())], points=100)
    assert "points must be a finite number >= 0 (got -5.0) @ 1" in problems


def test_empty_scheme() -> None:
    assert _problems([]) == ["a scheme needs at least one node"]


def test_errors_pickle() -> None:
    error = SchemeError("1.2", "children's points sum to 45, not 50")
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own object)
    assert str(again) == str(error)
    group = SchemeValidationError("invalid scheme 't'", [error])
    assert str(pickle.loads(pickle.dumps(group))) == str(group)  # noqa: S301


def test_navigation() -> None:
    scheme = Scheme.from_nodes(
        "t",
        "test",
        [
            Node("2", "b", points=50, rule=Deduct()),
            Node(
                "1.1", "a1", parent="1", points=50, target="≥100%", rule=Proportional()
            ),
            Node("1", "a", points=50),
        ],
    )
    assert [n.code for n in scheme.ordered()] == ["2", "1", "1.1"]
    assert scheme.depth("1.1") == 2
    assert isinstance(scheme.rule("1"), Sum)  # the default for a node with children
    with pytest.raises(KeyError, match="no node '9'"):
        scheme.node("9")


# -- the scheme's own fields of the wrong type ----------------------------------


def test_scheme_fields_of_the_wrong_type_are_listed_problems() -> None:
    node = Node("1", "x", points=100, target="≥99%", rule=Proportional())
    with pytest.raises(SchemeValidationError) as info:
        Scheme("s", "s", node)  # type: ignore[arg-type]
    assert [str(e) for e in info.value.exceptions] == [
        f"a scheme's nodes must be a list (got {node!r:.60}) @ nodes"
    ]
    with pytest.raises(SchemeValidationError) as info:
        Scheme(
            "s",
            "s",
            [node],
            rounding="half-up",  # type: ignore[arg-type]
            grades="cn-2020",  # type: ignore[arg-type]
            not_applicable="none",  # type: ignore[arg-type]
            overrides=[("1", "差")],  # type: ignore[list-item]
        )
    assert [str(e) for e in info.value.exceptions] == [
        "a scheme's rounding must be a Rounding (got 'half-up') @ rounding",
        "a scheme's grades must be a GradeScale (got 'cn-2020') @ grades",
        (
            "a scheme's not_applicable must be 'reweight' or 'full' (got 'none') "
            "@ not_applicable"
        ),
        "expected an Override, got ('1', '差') @ overrides[0]",
    ]


def test_override_and_node_lookup_refuse_wrong_types() -> None:
    from perfkpi.scheme import Override

    with pytest.raises(TypeError, match=r"an override's grade must be text \(got 3\)"):
        Override("1", 3)  # type: ignore[arg-type]
    scheme = Scheme.from_nodes(
        "s", "s", [Node("1", "x", points=100, target="≥99%", rule=Proportional())]
    )
    with pytest.raises(TypeError, match=r"a node's code must be text \(got \['1'\]\)"):
        scheme.node(["1"])  # type: ignore[arg-type]


def test_target_for_refuses_an_unknown_direction() -> None:
    from perfkpi.scheme import target_for

    with pytest.raises(ValueError, match=r"'higher', 'lower' or None \(got '正向'\)"):
        target_for("100%", "正向")  # type: ignore[arg-type]
