"""Strategies for valid schemes whose points add up."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import itertools
from collections.abc import Collection, Sequence
from functools import partial
from typing import Any

import attrs
from hypothesis import strategies as st

from perfkpi.grades import PEFA, STANDARD_SCALES, GradeScale
from perfkpi.rounding import Rounding, RoundingMode, RoundingStage
from perfkpi.rules import (
    Grade,
    GradeTable,
    Mean,
    PerUnmet,
    Rule,
    RuleBase,
    WeakestLink,
)
from perfkpi.scheme import Node, Override, Scheme
from perfkpi.targets import (
    Comparator,
    Target,
    parse_target,
)
from perfkpi.testing._common import (
    _NAMES,
    _ORDINAL_NODE_KINDS,
    SCORE_KINDS,
    _check_int,
    _check_number,
    _check_type,
    _decimals,
    _fail,
    _lazy,
)
from perfkpi.testing._rules import _full_table, _kinds, _rule_strategy
from perfkpi.testing._targets import _target_text, _text_options
from perfkpi.units import DEFAULT_UNITS


@attrs.frozen
class _SchemeOptions:
    max_depth: int
    max_children: int
    kinds: frozenset[str]
    total: decimal.Decimal | None
    rounding: Rounding | None
    grades: GradeScale | None
    step: int = 1
    """The granularity of points, in cents: 100 for whole points."""

    @property
    def score_kinds(self) -> list[str]:
        return [k for k in SCORE_KINDS if k in self.kinds]

    @property
    def ordinal(self) -> bool:
        return "grade" in self.kinds and bool(self.kinds & {*_ORDINAL_NODE_KINDS})

    @property
    def inner_kinds(self) -> list[str]:
        return [k for k in ("sum", "mean", "deduct") if k in self.kinds]


def _cents(value: decimal.Decimal) -> int:
    return int(value * 100)


def _points_of(cents: int) -> float:
    return float(decimal.Decimal(cents).scaleb(-2))


@st.composite
def _partition(
    draw: st.DrawFn, cents: int, fixed: Sequence[int | None], step: int
) -> list[int]:
    """Split *cents* among children in multiples of *step*.

    A child with a fixed share gets exactly it; the others share the rest.
    """
    free = [i for i, f in enumerate(fixed) if f is None]
    rest = (cents - sum(f for f in fixed if f is not None)) // step
    cuts = sorted(draw(st.integers(0, rest)) for _ in range(max(len(free) - 1, 0)))
    bounds = [0, *cuts, rest]
    shares = [(b - a) * step for a, b in itertools.pairwise(bounds)]
    out = [f if f is not None else 0 for f in fixed]
    for i, share in zip(free, shares, strict=False):
        out[i] = share
    return out


_ONE_SIDED = [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT]
_LEAF_TARGETS: dict[str, list[Comparator] | None] = {
    "proportional": _ONE_SIDED,
    "all-or-nothing": list(Comparator),
    "distance": [*_ONE_SIDED, Comparator.EQ],
    "lower-linear": [Comparator.LE, Comparator.LT],
    "equal": [Comparator.EQ],
    "per-point": [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT],
    "per-block": [Comparator.GE, Comparator.GT, Comparator.LE, Comparator.LT],
}


@st.composite
def _deadline_text(draw: st.DrawFn) -> str:
    """Draw a deadline as written in indicator tables: ``2023年11月30日前``."""
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    form = draw(st.sampled_from(["{y}年{m}月{d}日前", "≤{iso}", "{y}年{m}月{d}日之前"]))
    return form.format(y=day.year, m=day.month, d=day.day, iso=day.isoformat())


@functools.cache  # strategies are immutable: build each once, not per draw
@st.composite
def _leaf_target(draw: st.DrawFn, kind: str) -> Target | None:
    if kind == "deadline":
        return parse_target(draw(_deadline_text()))
    comparators = _LEAF_TARGETS.get(kind)
    if comparators is None:
        return None
    # each rule's targets are the kinds it reads (perfkpi.rules.value_kind_table):
    # a ratio needs a target above zero, and only some rules read labels
    labels = kind == "all-or-nothing"
    low = 0.01 if kind in ("proportional", "lower-linear") else -100000
    opts = _text_options(comparators, None, low, 100000, 2, labels, True, DEFAULT_UNITS)
    return parse_target(draw(_target_text(opts)))


def _reads(rule: RuleBase, target: Target | None) -> bool:
    """Whether *rule* can score a node with *target* (its value kind and sides)."""
    node = Node("x", "x", points=1.0, rule=rule, target=target)  # type: ignore[arg-type]
    return not any(rule.problems(node))


@st.composite
def _leaf(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, cents: int
) -> list[Node]:
    kind = draw(st.sampled_from(opts.score_kinds))
    points = decimal.Decimal(cents).scaleb(-2)
    rule = draw(_rule_strategy(kind, points))
    target = draw(_leaf_target(kind).filter(partial(_reads, rule)))
    name = draw(_node_name())
    return [Node(code, name, parent, _points_of(cents), rule, target)]


def _words(pool: Sequence[str]) -> st.SearchStrategy[str]:
    """Text that says something: from *pool*, or any text that is not blank."""
    return st.sampled_from(pool) | st.text(min_size=1, max_size=10).filter(str.strip)


@functools.cache
def _node_name() -> st.SearchStrategy[str]:
    return st.sampled_from(_NAMES) | st.text(max_size=8)


@st.composite
def _ordinal(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, depth: int
) -> list[Node]:
    kind = draw(st.sampled_from([k for k in _ORDINAL_NODE_KINDS if k in opts.kinds]))
    count = draw(st.integers(1, min(opts.max_children, 3)))
    rule: Rule = (
        WeakestLink() if kind == "weakest-link" else GradeTable(_full_table(count))
    )
    nodes = [Node(code, draw(_node_name()), parent, PEFA.top, rule)]
    for i in range(1, count + 1):
        child = f"{code}.{i}"
        if depth < opts.max_depth - 1 and draw(st.integers(0, 3)) == 0:
            nodes += draw(_ordinal(opts, child, code, depth + 1))
        else:
            nodes.append(Node(child, draw(_node_name()), code, PEFA.top, Grade()))
    return nodes


@st.composite
def _deduct(
    draw: st.DrawFn, opts: _SchemeOptions, code: str, parent: str | None, cents: int
) -> list[Node]:
    rule = draw(_rule_strategy("deduct"))
    nodes = [Node(code, draw(_node_name()), parent, _points_of(cents), rule)]
    penalties: list[st.SearchStrategy[Any]] = []
    if "per-unmet" in opts.kinds:
        penalties += [st.none(), _rule_strategy("per-unmet")]
    if "shortfall" in opts.kinds:
        penalties.append(_rule_strategy("shortfall"))
    if not penalties:
        return nodes
    for i in range(1, draw(st.integers(0, opts.max_children)) + 1):
        item_rule = draw(st.one_of(penalties))
        target = draw(
            _leaf_target("proportional").filter(
                partial(_reads, item_rule or PerUnmet())
            )
        )
        name = draw(_node_name())
        nodes.append(Node(f"{code}.{i}", name, code, None, item_rule, target))
    return nodes


def _choices(opts: _SchemeOptions, depth: int) -> list[str]:
    choices = ["leaf"] if opts.score_kinds else []
    if depth < opts.max_depth:
        choices += [k for k in ("sum", "mean") if k in opts.kinds]
        if opts.ordinal:
            choices.append("ordinal")
    if "deduct" in opts.kinds:
        choices.append("deduct")
    return choices


_ORDINAL_CENTS = 400


@st.composite
def _children(
    draw: st.DrawFn,
    opts: _SchemeOptions,
    parent: str | None,
    cents: int | None,
    depth: int,
) -> list[Node]:
    """Draw the children of *parent*: points add up to *cents*, or free (mean)."""
    count = draw(st.integers(1, opts.max_children))
    prefix = "" if parent is None else f"{parent}."
    shapes = [draw(st.sampled_from(_choices(opts, depth))) for _ in range(count)]
    fallback = "leaf" if opts.score_kinds else "deduct"
    if cents is None:  # the children of a mean: any points > 0 weigh them
        shares = [
            _ORDINAL_CENTS
            if s == "ordinal"
            else draw(st.integers(1, 10000 // opts.step)) * opts.step
            for s in shapes
        ]
    else:
        # an ordinal child has exactly 4 points; demote those that do not fit
        while shapes.count("ordinal") * _ORDINAL_CENTS > cents:
            shapes[shapes.index("ordinal")] = fallback
        only_ordinal = shapes.count("ordinal") == len(shapes)
        if only_ordinal and len(shapes) * _ORDINAL_CENTS != cents:
            shapes[-1] = fallback  # a free child takes the rest
        fixed = [_ORDINAL_CENTS if s == "ordinal" else None for s in shapes]
        shares = draw(_partition(cents, fixed, opts.step))
    nodes: list[Node] = []
    for i, (shape, share) in enumerate(zip(shapes, shares, strict=True), start=1):
        code = f"{prefix}{i}"
        if shape == "leaf":
            nodes += draw(_leaf(opts, code, parent, share))
        elif shape == "ordinal":
            nodes += draw(_ordinal(opts, code, parent, depth))
        elif shape == "deduct":
            nodes += draw(_deduct(opts, code, parent, share))
        else:
            rule = draw(_rule_strategy(shape))
            if shape == "sum" and draw(st.booleans()):
                rule = None  # a node with children is a sum by default
            node = Node(code, draw(_node_name()), parent, _points_of(share), rule)
            below = None if shape == "mean" else share
            nodes += [node, *draw(_children(opts, code, below, depth + 1))]
    return nodes


@st.composite
def _total(draw: st.DrawFn, step: int) -> decimal.Decimal:
    whole = st.integers(1, 1000).map(decimal.Decimal)
    places = {1: 2, 10: 1, 100: 0}[step]
    fine = _decimals(decimal.Decimal(1).scaleb(-places), decimal.Decimal(1000), places)
    out: decimal.Decimal = draw(st.just(decimal.Decimal(100)) | whole | fine)
    return out


@st.composite
def _override(draw: st.DrawFn, nodes: Sequence[Node]) -> list[Override]:
    with_target = [n.code for n in nodes if n.target is not None]
    if not with_target or not draw(st.booleans()):
        return []
    grade = draw(st.sampled_from(["Results Not Demonstrated", "不合格"]))
    return [Override(draw(st.sampled_from(with_target)), grade)]


def _arithmetic(node: Node) -> Node:
    if isinstance(node.rule, Mean) and node.rule.mean == "geometric":
        return attrs.evolve(node, rule=Mean("arithmetic"))
    return node


@st.composite
def _scheme(draw: st.DrawFn, opts: _SchemeOptions) -> Scheme:
    rounding = opts.rounding
    if rounding is None:
        rounding = Rounding(
            draw(st.integers(0, 4)),
            draw(st.sampled_from(RoundingMode)),
            draw(st.sampled_from(RoundingStage)),
        )
    # points have no more decimals than scores are rounded to, so that a
    # rounded score never exceeds its node's points
    step = 10 ** (2 - min(rounding.places, 2))
    total = opts.total if opts.total is not None else draw(_total(step))
    cents = _cents(total)
    if cents % step:
        step = 1  # the caller's total has more decimals: keep them
    opts = attrs.evolve(opts, step=step)
    nodes = draw(_children(opts, None, cents, 1))
    if rounding.stage is not RoundingStage.TOTAL:
        # a geometric mean of rounded parts is warned about (SchemeWarning):
        # composite indices round only their final value
        nodes = [_arithmetic(n) for n in nodes]
    grades = opts.grades or draw(st.sampled_from(list(STANDARD_SCALES.values())))
    return Scheme(
        draw(st.sampled_from(["generated", "gz-dept-overall"]) | st.text(max_size=8)),
        draw(_node_name()),
        nodes,
        points=float(total),
        rounding=rounding,
        grades=grades,
        not_applicable=draw(st.sampled_from(["reweight", "full"])),
        overrides=draw(_override(nodes)),
    )


def schemes(
    *,
    max_depth: int = 3,
    max_children: int = 4,
    kinds: Collection[str] | None = None,
    total: float | None = None,
    rounding: Rounding | None = None,
    grades: GradeScale | None = None,
) -> st.SearchStrategy[Scheme]:
    """Return a strategy for valid schemes whose points add up.

    A drawn scheme is a tree of first-level nodes under the total; an inner
    node is a ``sum`` (its children's points add up to its own exactly), a
    ``mean`` (its children's points are weights), a ``deduct`` node with items
    (targets that cost it points when missed), or an ordinal node
    (``weakest-link`` or ``grade-table``, 4 points, over ``grade`` leaves).
    Leaves take any leaf-scoring rule (``SCORE_KINDS``), with targets
    parsed from texts such as :func:`target_texts` writes, each of a kind its
    rule reads (:func:`perfkpi.rules.value_kind_table`).  Points are whole
    numbers or have two decimals, and each parent's points are the exact sum
    of its children's.  A geometric mean is drawn only under rounding stage
    ``total`` (elsewhere perfkpi warns about it, see
    :class:`~perfkpi.errors.SchemeWarning`).

    Parameters
    ----------
    max_depth
        The deepest level of a node with points (1: first-level leaves only).
        Items under a ``deduct`` node sit one level below it.
    max_children
        The most children a node has (and the most first-level nodes).
    kinds
        The rule kinds that may appear (names of
        :data:`perfkpi.rules.RULE_KINDS`); all by default.  At least one
        leaf-scoring kind, or ``"deduct"``, is needed.
    total
        The scheme's total points (whole or with two decimals); drawn by
        default (often 100).
    rounding
        The rounding policy; drawn by default.
    grades
        The grade scale; drawn from the standard scales by default.

    Examples
    --------
    >>> from decimal import Decimal
    >>> from hypothesis import given, settings
    >>> from perfkpi.testing import schemes
    >>> @settings(max_examples=25)
    ... @given(schemes(total=100, kinds=["sum", "proportional", "deduct"]))
    ... def test_first_level_adds_up(scheme):
    ...     assert sum(Decimal(str(n.points)) for n in scheme.roots()) == 100
    >>> test_first_level_adds_up()
    """

    def build() -> st.SearchStrategy[Scheme]:
        depth = _check_int("max_depth", max_depth, 1, 50)
        children = _check_int("max_children", max_children, 1, 50)
        wanted = frozenset(_kinds(kinds))
        if not ({*SCORE_KINDS, "deduct"} & wanted):
            msg = (
                f"kinds={kinds!r} has no kind a leaf can take; "
                f"add one of {', '.join(SCORE_KINDS)} or 'deduct'"
            )
            raise _fail(msg)
        fixed = None
        if total is not None:
            number = _check_number("total", total, positive=True)
            fixed = decimal.Decimal(repr(number))
            if fixed != fixed.quantize(decimal.Decimal("0.01")) or number > 1e9:  # noqa: PLR2004
                msg = f"total={total!r} must have at most two decimals and be <= 1e9"
                raise _fail(msg)
        if rounding is not None:
            _check_type("rounding", rounding, Rounding)
        if grades is not None:
            _check_type("grades", grades, GradeScale)
        opts = _SchemeOptions(depth, children, wanted, fixed, rounding, grades)
        return _scheme(opts)

    return _lazy(build)
