"""Strategies for the rules of the rule library."""

from __future__ import annotations

import decimal
import functools
import itertools
import math
import unicodedata
from collections.abc import Callable, Collection, Sequence
from typing import Any

from hypothesis import strategies as st

from perfkpi.grades import PEFA, PEFA_GRADES
from perfkpi.rules import (
    RULE_KINDS,
    AllOrNothing,
    Band,
    Bands,
    Categorical,
    Checklist,
    Deadline,
    Deduct,
    Distance,
    Equal,
    Goalposts,
    Grade,
    GradeTable,
    LowerLinear,
    Mean,
    PerBlock,
    PerPoint,
    PerUnmet,
    Proportional,
    Qualitative,
    Rule,
    RuleBase,
    Shortfall,
    Sum,
    WeakestLink,
)
from perfkpi.targets import (
    Comparator,
    parse_target,
)
from perfkpi.testing._common import (
    _CATEGORIES,
    _CHECK_ITEMS,
    _ORDINAL_NODE_KINDS,
    _PEFA_LABELS,
    _check_number,
    _collection,
    _decimals,
    _fail,
    _lazy,
)
from perfkpi.testing._targets import _target_text, _text_options
from perfkpi.units import DEFAULT_UNITS, Unit


def _points_decimal(points: float) -> decimal.Decimal:
    return decimal.Decimal(repr(float(points)))


@st.composite
def _amount(draw: st.DrawFn, high: decimal.Decimal, *, positive: bool = False) -> float:
    low = decimal.Decimal("0.01") if positive else decimal.Decimal(0)
    high = max(high, low)
    places = draw(st.integers(0, 2))
    return float(draw(_decimals(low, high, places)))


@st.composite
def _band_rule(draw: st.DrawFn, points: decimal.Decimal) -> Bands:
    unit = draw(st.sampled_from([None, *_common_units()]))
    opts = _text_options(
        [c for c in Comparator if c is not Comparator.EQ] + [Comparator.EQ],
        [unit],
        -1000,
        1000,
        2,
        False,
        True,
        DEFAULT_UNITS,
    )
    count = draw(st.integers(1, 4))
    bands = [
        Band(parse_target(draw(_target_text(opts))), draw(_amount(points)))
        for _ in range(count)
    ]
    otherwise = draw(st.sampled_from([0.0, float(points) / 2]))
    places = draw(st.none() | st.integers(0, 3))
    return Bands(bands, otherwise, places)


def _common_units() -> list[Unit]:
    return [DEFAULT_UNITS.get(s) for s in ("%", "‰", "件", "万元", "小时", "天", "分")]


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


@st.composite
def _labels(draw: st.DrawFn, pool: Sequence[str], max_size: int) -> list[str]:
    label = st.sampled_from(pool) | st.text(min_size=1, max_size=6)
    return draw(st.lists(label, min_size=1, max_size=max_size, unique_by=_normal))


@st.composite
def _categorical_rule(draw: st.DrawFn, points: decimal.Decimal) -> Categorical:
    labels = draw(_labels(_CATEGORIES, 4))
    return Categorical({label: draw(_amount(points)) for label in labels})


@st.composite
def _checklist_rule(draw: st.DrawFn, points: decimal.Decimal) -> Checklist:
    items = draw(st.just([]) | _labels(_CHECK_ITEMS, 5))
    return Checklist(draw(_amount(max(points, decimal.Decimal(1)))), items)


@st.composite
def _goalposts_rule(draw: st.DrawFn) -> Goalposts:
    log = draw(st.booleans())
    low = decimal.Decimal("0.01") if log else decimal.Decimal(-1000)
    a = draw(_decimals(low, decimal.Decimal(100000), 2))
    b = draw(_decimals(low, decimal.Decimal(100000), 2).filter(lambda x: x != a))
    return Goalposts(float(a), float(b), log)


def _full_table(size: int) -> dict[str, str]:
    """Return a conversion table for every multiset of 1 to *size* PEFA grades.

    Each row gives the grade of the mean rank, rounded down to a half step
    (in the manner of PEFA's M2 method).
    """
    table: dict[str, str] = {}
    for k in range(1, size + 1):
        for combo in itertools.combinations_with_replacement(_PEFA_LABELS, k):
            mean = sum(PEFA.rank(g) for g in combo) / k
            table[",".join(sorted(combo))] = PEFA_GRADES.grade(math.floor(mean * 2) / 2)
    return table


@st.composite
def _grade_table_rule(draw: st.DrawFn) -> GradeTable:
    rows = st.lists(st.sampled_from(_PEFA_LABELS), min_size=1, max_size=3)
    keys = draw(st.lists(rows, min_size=1, max_size=5))
    return GradeTable({",".join(k): draw(st.sampled_from(_PEFA_LABELS)) for k in keys})


def _simple(rule: RuleBase) -> Callable[[decimal.Decimal], st.SearchStrategy[Any]]:
    return lambda _: st.just(rule)


_TEN = decimal.Decimal(10)
_NA_POLICIES = (None, "reweight", "full")

_RULE_BUILDERS: dict[str, Callable[[decimal.Decimal], st.SearchStrategy[Any]]] = {
    "proportional": _simple(Proportional()),
    "lower-linear": _simple(LowerLinear()),
    "all-or-nothing": _simple(AllOrNothing()),
    "equal": _simple(Equal()),
    "distance": _simple(Distance()),
    "qualitative": _simple(Qualitative()),
    "grade": _simple(Grade()),
    "weakest-link": _simple(WeakestLink()),
    "per-point": lambda _: st.builds(
        PerPoint, _amount(_TEN), _amount(_TEN, positive=True)
    ),
    "per-block": lambda _: st.builds(
        PerBlock, _amount(_TEN), _amount(_TEN, positive=True)
    ),
    "bands": _band_rule,
    "categorical": _categorical_rule,
    "checklist": _checklist_rule,
    "goalposts": lambda _: _goalposts_rule(),
    "per-unmet": lambda _: st.builds(PerUnmet, _amount(_TEN)),
    "deadline": lambda _: st.builds(
        Deadline,
        st.none() | _amount(_TEN),
        st.sampled_from(["day", "working-day", "week", "month"]),
        st.booleans(),
    ),
    "shortfall": lambda _: st.builds(Shortfall, _amount(_TEN)),
    "sum": lambda _: st.builds(Sum, st.sampled_from(_NA_POLICIES)),
    "deduct": lambda _: st.builds(Deduct, _amount(_TEN), st.none() | _amount(_TEN)),
    "mean": lambda _: st.builds(Mean, st.sampled_from(["arithmetic", "geometric"])),
    "grade-table": lambda _: _grade_table_rule(),
}
"""How to draw a rule of each kind, given the points of the node it scores."""


@functools.cache  # strategies are immutable: build each once, not per draw
def _rule_strategy(
    kind: str, points: decimal.Decimal | None = None
) -> st.SearchStrategy[Any]:
    return _RULE_BUILDERS[kind](decimal.Decimal(100) if points is None else points)


def _kinds(value: Collection[str] | None) -> list[str]:
    if value is None:
        return list(RULE_KINDS)
    out = _collection("kinds", value)
    unknown = [k for k in out if k not in RULE_KINDS]
    if unknown:
        known = ", ".join(sorted(RULE_KINDS))
        msg = f"kinds: unknown rule kinds {unknown!r}; expected some of {known}"
        raise _fail(msg)
    return out


def rules(
    *, kinds: Collection[str] | None = None, points: float | None = None
) -> st.SearchStrategy[Rule]:
    """Return a strategy for rules of the rule library.

    Parameters
    ----------
    kinds
        The rule kinds to draw (names of :data:`perfkpi.rules.RULE_KINDS`:
        ``"proportional"``, ``"bands"``, ``"deduct"``, …); all by default.
    points
        If given, draw only rules that fit a node with these full points: the
        points a band or category gives stay within them, and ``grade``,
        ``weakest-link`` and ``grade-table`` are drawn only for the PEFA top
        rank 4.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi.rules import rule_from_dict, rule_to_dict
    >>> from perfkpi.testing import rules
    >>> @given(rules())
    ... def test_file_form(rule):
    ...     assert rule_from_dict(rule_to_dict(rule)) == rule
    >>> test_file_form()
    """

    def build() -> st.SearchStrategy[Rule]:
        wanted = _kinds(kinds)
        cap = None
        if points is not None:
            cap = _points_decimal(_check_number("points", points))
            ordinal = ("grade", *_ORDINAL_NODE_KINDS)
            if float(points) != PEFA.top:
                wanted = [k for k in wanted if k not in ordinal]
            if not wanted:
                msg = (
                    f"kinds={kinds!r} with points={points!r}: ordinal rules need "
                    f"points = {PEFA.top:g}, so no rule can be drawn"
                )
                raise _fail(msg)
        strategies = [_rule_strategy(k, cap) for k in wanted]
        out: st.SearchStrategy[Any] = st.one_of(strategies)
        return out

    return _lazy(build)
