"""perfkpi.testing: every strategy draws what it promises, and refuses bad arguments."""

from __future__ import annotations

import datetime as dt
import doctest
import inspect
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import perfkpi
from perfkpi import (
    Comparator,
    Data,
    Indicator,
    Node,
    Rounding,
    Scheme,
    Target,
    Unit,
    evaluate,
    parse_target,
)
from perfkpi.grades import CN_OLD
from perfkpi.rules import (
    RULE_KINDS,
    Bands,
    Categorical,
    Deduct,
    Mean,
    RuleBase,
    Sum,
    rule_from_dict,
    rule_to_dict,
)
from perfkpi.testing import (
    assert_evaluations_equal,
    data_for,
    from_indicator,
    rules,
    schemes,
    target_texts,
    targets,
    units,
)
from perfkpi.units import DEFAULT_UNITS

DOCS = Path(__file__).parent.parent / "docs"

# -- targets and units -----------------------------------------------------------------


@given(target_texts())
def test_every_target_text_parses_and_round_trips(text: str) -> None:
    target = parse_target(text)
    assert parse_target(str(target)) == target


@given(targets())
def test_targets_round_trip(target: Target) -> None:
    assert parse_target(str(target)) == target


@given(targets(comparators=["≤", "<"], units=["小时", "分钟"], allow_labels=False))
def test_targets_keep_to_the_comparators_and_units_asked_for(target: Target) -> None:
    assert target.comparator in (Comparator.LE, Comparator.LT)
    assert target.unit is not None
    assert target.unit.symbol in ("小时", "分钟")


@given(targets(comparators=["range"], min_value=0, max_value=10, max_places=0))
def test_range_targets_within_bounds(target: Target) -> None:
    assert target.comparator is Comparator.RANGE
    assert target.upper is not None
    assert 0 <= target.value <= target.upper <= 10
    assert target.value == int(target.value)


@given(target_texts(units=[None], allow_labels=False, allow_words=False))
def test_symbol_only_texts_use_no_words(text: str) -> None:
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


@given(units(dimensions=["duration", "money"]))
def test_units_keep_to_the_dimensions(unit: Unit) -> None:
    assert unit.dimension in ("duration", "money")


CUSTOM = DEFAULT_UNITS.with_units(Unit("人日", "effort", 1.0))


@given(units(dimensions=["effort"], registry=CUSTOM))
def test_units_from_a_custom_registry(unit: Unit) -> None:
    assert unit.symbol == "人日"


# -- rules -----------------------------------------------------------------------------


@given(rules())
def test_rules_round_trip_through_their_file_form(rule: RuleBase) -> None:
    assert rule_from_dict(rule_to_dict(rule)) == rule  # type: ignore[arg-type]


@given(rules(kinds=["bands", "categorical"], points=3))
def test_rules_fit_the_points_asked_for(rule: RuleBase) -> None:
    assert isinstance(rule, Bands | Categorical)
    given_points = (
        [b.score for b in rule.bands] + [rule.otherwise]
        if isinstance(rule, Bands)
        else list(rule.scores.values())
    )
    assert all(0 <= p <= 3 for p in given_points)


@given(rules(kinds=["grade", "weakest-link", "proportional"], points=10))
def test_ordinal_rules_need_four_points(rule: RuleBase) -> None:
    # only the PEFA top rank (4) fits an ordinal rule, so 10 points leave proportional
    assert rule.kind == "proportional"


# -- schemes ---------------------------------------------------------------------------


def _decimal(points: float | None) -> Decimal:
    return Decimal(repr(points or 0.0))


def _check_sums(scheme: Scheme) -> None:
    """Each sum's children (and the first level) add up exactly, in decimal."""
    assert sum(_decimal(n.points) for n in scheme.roots()) == _decimal(scheme.points)
    for node in scheme.nodes:
        rule = scheme.rule(node.code)
        children = scheme.children(node.code)
        if isinstance(rule, Sum) and children:
            assert sum(_decimal(c.points) for c in children) == _decimal(node.points)


@settings(max_examples=50)
@given(schemes())
def test_scheme_points_add_up_exactly(scheme: Scheme) -> None:
    _check_sums(scheme)


@settings(max_examples=50)
@given(schemes(max_depth=2, max_children=3, total=100))
def test_schemes_respect_shape_and_total(scheme: Scheme) -> None:
    assert scheme.points == 100
    for node in scheme.nodes:
        depth = scheme.depth(node.code)
        assert depth <= 2 + node.is_item  # items sit one level below their node
        assert len(scheme.children(node.code)) <= 3
    assert len(scheme.roots()) <= 3


KINDS = ["sum", "proportional", "per-point", "deduct", "per-unmet"]


@settings(max_examples=50)
@given(schemes(kinds=KINDS))
def test_schemes_use_only_the_kinds_asked_for(scheme: Scheme) -> None:
    for node in scheme.nodes:
        rule = scheme.rule(node.code)
        kind = "per-unmet" if rule is None else rule.kind  # items default to it
        assert kind in KINDS


@settings(max_examples=30)
@given(schemes(rounding=Rounding(places=0), grades=CN_OLD))
def test_schemes_with_whole_points_when_rounding_to_whole_points(
    scheme: Scheme,
) -> None:
    # points have no more decimals than scores are rounded to
    assert scheme.rounding == Rounding(places=0)
    assert scheme.grades is CN_OLD
    for node in scheme.nodes:
        if node.points is not None and scheme.points == int(scheme.points):
            assert node.points == int(node.points)


@settings(max_examples=30)
@given(schemes(kinds=["mean", "proportional"], max_depth=2))
def test_mean_children_weigh_more_than_nothing(scheme: Scheme) -> None:
    for node in scheme.nodes:
        if isinstance(scheme.rule(node.code), Mean):
            assert all(c.points for c in scheme.children(node.code))


# -- data ------------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(st.data(), schemes())
def test_every_drawn_data_evaluates(data: st.DataObject, scheme: Scheme) -> None:
    drawn = data.draw(data_for(scheme))
    ev = evaluate(scheme, drawn)
    assert ev.total == ev.total  # never NaN
    assert not any(code in ev.scores for code in drawn.not_applicable)


@settings(max_examples=30, deadline=None)
@given(st.data(), schemes())
def test_data_without_findings_items_or_na(data: st.DataObject, scheme: Scheme) -> None:
    drawn = data.draw(
        data_for(
            scheme,
            max_findings=0,
            max_items=0,
            allow_not_applicable=False,
            allow_unit_text=False,
        )
    )
    assert drawn.findings == ()
    assert drawn.items == ()
    assert drawn.not_applicable == ()
    for code, actual in drawn.actuals.items():
        target = scheme.node(code).target
        if target is not None and target.kind == "date":
            assert isinstance(actual, dt.date)  # a date, not its text
        elif target is not None and target.scale is None:
            assert isinstance(actual, int | float)  # no text with a unit
    ev = evaluate(scheme, drawn)
    assert not ev.not_applicable


SEED = perfkpi.catalog.scheme("gz-dept-overall")


@settings(max_examples=30, deadline=None)
@given(data_for(SEED))
def test_data_for_the_bundled_scheme(data: Data) -> None:
    ev = evaluate(SEED, data)
    assert 0 <= ev.total <= 100


# -- indicators ------------------------------------------------------------------------

RESPONSE = Indicator("response", "系统故障平均响应时间", unit="小时", direction="lower")
SATISFACTION = Indicator("satisfied", "满意度", direction="qualitative")


@given(from_indicator(RESPONSE, min_value=0, max_value=48))
def test_indicator_values_read_in_its_unit(actual: object) -> None:
    hours = parse_target("≤1小时").to_value(actual)
    assert -1e-6 <= hours <= 48 + 1e-6


@given(from_indicator(SATISFACTION))
def test_qualitative_indicator_values_are_labels(actual: object) -> None:
    assert isinstance(actual, str)
    assert any(actual in scale.labels for scale in perfkpi.targets.DEFAULT_SCALES)


@given(from_indicator(Indicator("x", "自定义", unit="furlong")))
def test_unknown_indicator_unit_gives_plain_numbers(actual: object) -> None:
    assert isinstance(actual, int | float)


# -- bad arguments: InvalidArgument when drawn -----------------------------------------

BAD_ARGUMENTS: list[tuple[str, Callable[[], st.SearchStrategy[Any]]]] = [
    # a dimension no unit has
    ("units dimensions", lambda: units(dimensions=["furlongs"])),
    # a string is not a collection of dimensions
    ("units dimensions str", lambda: units(dimensions="duration")),
    # an empty collection leaves nothing to draw
    ("units dimensions empty", lambda: units(dimensions=[])),
    # a registry must be a UnitRegistry
    ("units registry", lambda: units(registry={"%": 1})),  # type: ignore[arg-type]
    # not a comparator
    ("targets comparator", lambda: targets(comparators=["≈"])),
    # a unit the registry does not know
    ("targets unit", lambda: targets(units=["furlong"])),
    # a Unit that differs from the registry's unit of that symbol
    ("targets unit value", lambda: targets(units=[Unit("%", "ratio", 0.5)])),
    # bounds the wrong way round
    ("target_texts bounds", lambda: target_texts(min_value=10, max_value=1)),
    # infinite bounds cannot be written
    ("target_texts inf", lambda: target_texts(max_value=float("inf"))),
    # NaN bounds
    ("target_texts nan", lambda: target_texts(min_value=float("nan"))),
    # beyond what a float writes exactly
    ("target_texts huge", lambda: target_texts(max_value=1e300)),
    # places must be a whole number from 0 to 6
    ("target_texts places", lambda: target_texts(max_places=-1)),
    ("target_texts places float", lambda: target_texts(max_places=2.5)),  # type: ignore[arg-type]
    ("target_texts places big", lambda: target_texts(max_places=30)),
    # booleans must be booleans
    ("target_texts labels", lambda: target_texts(allow_labels="yes")),  # type: ignore[arg-type]
    # an unknown rule kind
    ("rules kind", lambda: rules(kinds=["median"])),
    # negative points
    ("rules points", lambda: rules(points=-1)),
    # NaN points
    ("rules points nan", lambda: rules(points=float("nan"))),
    # only ordinal kinds, which need 4 points
    ("rules ordinal", lambda: rules(kinds=["grade"], points=10)),
    # depth and children start at 1
    ("schemes depth", lambda: schemes(max_depth=0)),
    ("schemes children", lambda: schemes(max_children=0)),
    ("schemes depth bool", lambda: schemes(max_depth=True)),
    # no kind a leaf can take
    ("schemes kinds", lambda: schemes(kinds=["sum", "mean"])),
    # the total must be > 0 and have at most two decimals
    ("schemes total zero", lambda: schemes(total=0)),
    ("schemes total negative", lambda: schemes(total=-100)),
    ("schemes total places", lambda: schemes(total=100.125)),
    ("schemes total inf", lambda: schemes(total=float("inf"))),
    # policies of the wrong type
    ("schemes rounding", lambda: schemes(rounding="half-up")),  # type: ignore[arg-type]
    ("schemes grades", lambda: schemes(grades="cn-2020")),  # type: ignore[arg-type]
    # data for something that is not a scheme
    ("data_for scheme", lambda: data_for({"1": 1})),  # type: ignore[arg-type]
    # counts must be >= 0
    ("data_for findings", lambda: data_for(SEED, max_findings=-1)),
    ("data_for items", lambda: data_for(SEED, max_items=-2)),
    ("data_for na", lambda: data_for(SEED, allow_not_applicable=1)),  # type: ignore[arg-type]
    # an indicator must be an Indicator
    ("from_indicator", lambda: from_indicator("预算执行率")),  # type: ignore[arg-type]
    (
        "from_indicator bounds",
        lambda: from_indicator(RESPONSE, min_value=5, max_value=1),
    ),
]


@pytest.mark.parametrize(
    "build", [b for _, b in BAD_ARGUMENTS], ids=[n for n, _ in BAD_ARGUMENTS]
)
def test_bad_arguments_raise_invalid_argument_when_drawn(
    build: Callable[[], st.SearchStrategy[Any]],
) -> None:
    strategy = build()  # building it never raises: Hypothesis style

    @given(strategy)
    def draw(value: object) -> None:
        pass

    with pytest.raises(InvalidArgument):
        draw()


def test_invalid_argument_message_names_the_argument() -> None:
    @given(schemes(total=-5))
    def draw(scheme: Scheme) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"total=-5 must be > 0"):
        draw()


# -- the Hypothesis entry point --------------------------------------------------------


def test_entry_point_is_declared() -> None:
    (hook,) = [e for e in entry_points(group="hypothesis") if e.name == "perfkpi"]
    assert hook.value == "perfkpi.testing:_hypothesis_setup_hook"


@given(st.from_type(Target), st.from_type(Unit))
def test_from_type_uses_the_strategies(target: Target, unit: Unit) -> None:
    assert parse_target(str(target)) == target
    assert unit in DEFAULT_UNITS.units


@settings(max_examples=20)
@given(st.from_type(Scheme), st.from_type(Deduct))
def test_from_type_schemes_and_rules(scheme: Scheme, rule: Deduct) -> None:
    _check_sums(scheme)
    assert isinstance(rule, Deduct)


@pytest.mark.parametrize("kind", sorted(RULE_KINDS))
def test_from_type_knows_every_rule_class(kind: str) -> None:
    cls = RULE_KINDS[kind]

    @settings(max_examples=10)
    @given(st.from_type(cls))
    def draw(rule: RuleBase) -> None:
        assert type(rule) is cls

    draw()


def test_all_is_sorted_and_importable() -> None:
    import perfkpi.testing as module

    assert list(module.__all__) == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None


@pytest.mark.parametrize(
    "first",
    [
        # hypothesis imported first: its entry point imports perfkpi.testing
        "import hypothesis, perfkpi",
        # perfkpi.testing imported first: it imports hypothesis, whose entry
        # point finds the half-imported module and its hook
        "import perfkpi.testing",
    ],
)
def test_from_type_whatever_is_imported_first(first: str) -> None:
    code = (
        f"{first}\n"
        "from hypothesis import given, settings, strategies as st\n"
        "@settings(max_examples=5)\n"
        "@given(st.from_type(perfkpi.Target))\n"
        "def t(x): assert isinstance(x, perfkpi.Target)\n"
        "t()\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    )
    assert out.stdout.strip() == "ok"


def test_import_perfkpi_does_not_import_hypothesis() -> None:
    code = "import sys, perfkpi; print('hypothesis' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    )
    assert out.stdout.strip() == "False"


# -- assert_evaluations_equal ----------------------------------------------------------

DATA = perfkpi.catalog.data("gz-internet-court-2022")


def test_equal_evaluations_pass() -> None:
    assert_evaluations_equal(evaluate(SEED, DATA), evaluate(SEED, DATA))


def test_reordered_scheme_evaluates_equal() -> None:
    reordered = attrs.evolve(SEED, nodes=tuple(reversed(SEED.nodes)))
    assert_evaluations_equal(evaluate(reordered, DATA), evaluate(SEED, DATA))


def test_differences_are_listed_with_their_nodes() -> None:
    other = attrs.evolve(DATA, actuals={**DATA.actuals, "1.2": 99.9})
    with pytest.raises(AssertionError) as info:
        assert_evaluations_equal(evaluate(SEED, other), evaluate(SEED, DATA))
    message = str(info.value)
    # 10 × 99.9 / 100 = 9.99 instead of 9.98: node 1.2, its parent 1, the total
    assert "total: 88.64 != 88.63" in message
    assert "score of node 1.2: 9.99 != 9.98" in message
    assert "score of node 1: 45.99 != 45.98" in message
    assert "deductions:" in message


def test_tolerance() -> None:
    other = attrs.evolve(DATA, actuals={**DATA.actuals, "1.2": 99.9})
    # every difference is 0.01, within 0.011, except the ledger's reason text
    with pytest.raises(AssertionError, match="deductions") as info:
        assert_evaluations_equal(
            evaluate(SEED, other), evaluate(SEED, DATA), abs_tol=0.011
        )
    assert "total" not in str(info.value)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        # not an evaluation
        (("x", "y"), {}),
        # a negative tolerance
        ((None, None), {"abs_tol": -1}),
    ],
)
def test_assert_evaluations_equal_checks_its_arguments(
    args: tuple[Any, Any], kwargs: dict[str, Any]
) -> None:
    ev = evaluate(SEED, DATA)
    first, second = (ev if a is None else a for a in args)
    with pytest.raises(TypeError):
        assert_evaluations_equal(first, second, **kwargs)


def test_scheme_node_reorder_changes_nothing_in_a_small_scheme() -> None:
    nodes = [
        Node("1", "产出", points=60),
        Node("1.1", "完成率", parent="1", points=60, target="≥100%"),
        Node("2", "管理", points=40, rule=Deduct()),
    ]
    nodes[1] = attrs.evolve(nodes[1], rule=perfkpi.Proportional())
    a = Scheme.from_nodes("s", "s", nodes)
    b = Scheme.from_nodes("s", "s", list(reversed(nodes)))
    data = {"1.1": 90}
    # 60 × 90/100 = 54; 40 − 0 = 40; 94
    assert evaluate(a, data).total == 94
    assert_evaluations_equal(evaluate(b, data), evaluate(a, data))


# -- the documentation page ------------------------------------------------------------


def test_the_testing_page_runs() -> None:
    page = DOCS / "testing.md"
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        verbose=False,
    )
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    "strategy", [units, target_texts, targets, rules, schemes, data_for, from_indicator]
)
def test_options_are_keyword_only(strategy: Callable[..., object]) -> None:
    params = list(inspect.signature(strategy).parameters.values())
    # data_for and from_indicator take what they draw for; everything else is a
    # keyword-only option
    if strategy in (data_for, from_indicator):
        params = params[1:]
    assert all(p.kind is p.KEYWORD_ONLY for p in params)
