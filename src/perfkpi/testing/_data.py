"""Strategies for data a scheme can evaluate, and for an indicator's actuals."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable, Mapping, Sequence

import attrs
from hypothesis import strategies as st

from perfkpi.deductions import Data, Finding, Item
from perfkpi.grades import PEFA
from perfkpi.indicators import Indicator
from perfkpi.plan import effective_rule
from perfkpi.rules import (
    Bands,
    Categorical,
    Checklist,
    Deduct,
    Goalposts,
    Grade,
    GradeTable,
    Qualitative,
    RuleBase,
    WeakestLink,
    _ambiguity,
)
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import (
    DEFAULT_SCALES,
    Target,
    format_number,
)
from perfkpi.testing._common import (
    _NAMES,
    _REASONS,
    SPECIAL_DIMENSIONS,
    _check_bounds,
    _check_int,
    _check_type,
    _decimals,
    _lazy,
    _text,
)
from perfkpi.testing._rules import _TEN, _amount
from perfkpi.testing._schemes import _leaf_target, _words
from perfkpi.units import DEFAULT_UNITS, Unit


def _same_dimension(unit: Unit) -> list[Unit]:
    return [
        u
        for u in DEFAULT_UNITS.units
        if u.dimension == unit.dimension and u.dimension not in SPECIAL_DIMENSIONS
    ]


@st.composite
def _in_other_unit(draw: st.DrawFn, value: float, unit: Unit) -> str:
    """Write *value* (in *unit*) as text in a unit of the same dimension."""
    other = draw(st.sampled_from(_same_dimension(unit) or [unit]))
    context = decimal.Context(prec=12)
    number = context.divide(
        context.multiply(
            decimal.Decimal(repr(value)), decimal.Decimal(repr(unit.factor))
        ),
        decimal.Decimal(repr(other.factor)),
    )
    return _text(number) + draw(st.sampled_from([other.symbol, *other.aliases]))


@st.composite
def _number_near(draw: st.DrawFn, anchors: Sequence[float]) -> float:
    """Draw a number on, just off, or anywhere around *anchors*."""
    anchor = decimal.Decimal(repr(draw(st.sampled_from(anchors))))
    how = draw(st.integers(0, 3))
    if how == 0:
        return float(anchor)
    if how == 1:
        step = draw(st.sampled_from(["0.01", "0.5", "1", "5"]))
        sign = draw(st.sampled_from([-1, 1]))
        return float(anchor + sign * decimal.Decimal(step))
    span = max(abs(anchor) * 2, decimal.Decimal(100))
    places = draw(st.integers(0, 4))
    return float(draw(_decimals(-span, span, places)))


def _plain_number(value: float) -> float | int:
    return int(value) if value == int(value) and abs(value) < 2**53 else value


@st.composite
def _target_actual(draw: st.DrawFn, target: Target, *, unit_text: bool) -> object:
    if target.scale is not None:
        labels = st.sampled_from(target.scale.labels)
        if target.scale.name == "yes-no":
            return draw(labels | st.booleans())
        return draw(labels)
    if target.kind == "date":
        # the day the work was done: around the deadline, as a date or its text
        day = dt.date.fromordinal(int(target.value) + draw(st.integers(-60, 400)))
        if not unit_text:
            return day
        return draw(st.sampled_from([day, f"{day.year}年{day.month}月{day.day}日"]))
    anchors = [target.value] + ([target.upper] if target.upper is not None else [])
    value = draw(_number_near(anchors))
    if unit_text and target.unit is not None and draw(st.booleans()):
        return draw(_in_other_unit(value, target.unit))
    return _unambiguous(target, value, unit_text=unit_text)


def _unambiguous(target: Target, value: float, *, unit_text: bool) -> object:
    """Return *value* as an actual that reads one way only against *target*.

    A plain number that reads two ways 100× apart is warned about
    (:class:`~perfkpi.errors.AmbiguousValueWarning`): write its unit, or move it
    to the reading the target's unit makes plain.
    """
    if _ambiguity(target, value, value) is None:
        return _plain_number(value)
    if target.unit is None:
        return _plain_number(value / 100)
    if unit_text:
        return format_number(value) + target.unit.symbol
    return _plain_number(value * 100)


@st.composite
def _qualitative_actual(draw: st.DrawFn, points: float) -> object:
    w = decimal.Decimal(repr(points))
    tiers = [
        ("达成年度指标", w * decimal.Decimal("0.8"), w, True),
        (
            "部分达成年度指标",
            w * decimal.Decimal("0.6"),
            w * decimal.Decimal("0.8"),
            False,
        ),
        ("未达成年度指标", decimal.Decimal(0), w * decimal.Decimal("0.6"), False),
    ]
    places = 2
    usable = []
    for name, lo, hi, closed in tiers:
        top = hi if closed else hi - decimal.Decimal("0.01")
        if math.ceil(lo * 100) <= math.floor(top * 100):
            usable.append((name, lo, top))  # the lower edge itself included
    if draw(st.booleans()) and usable:
        name, lo, top = draw(st.sampled_from(usable))
        score = float(draw(_decimals(lo, top, places)))
        return {"tier": name, "score": _plain_number(score)}
    return _plain_number(float(draw(_decimals(decimal.Decimal(0), w, places))))


@st.composite
def _bands_actual(draw: st.DrawFn, rule: Bands, *, unit_text: bool) -> object:
    anchors: list[float] = []
    for band in rule.bands:
        anchors.append(band.when.value)
        if band.when.upper is not None:
            anchors.append(band.when.upper)
    first = rule.bands[0].when
    if first.scale is not None:
        return draw(st.sampled_from(first.scale.labels))
    value = draw(_number_near(anchors))
    if unit_text and first.unit is not None and draw(st.booleans()):
        return draw(_in_other_unit(value, first.unit))
    return _unambiguous(first, value, unit_text=unit_text)


@st.composite
def _checklist_actual(draw: st.DrawFn, rule: Checklist) -> object:
    if draw(st.booleans()) and rule.items:
        return draw(st.lists(st.sampled_from(rule.items), unique=True))
    top = len(rule.items) if rule.items else 20
    count = draw(st.integers(0, top))
    return draw(st.sampled_from([count, float(count)]))


@st.composite
def _goalposts_actual(draw: st.DrawFn, rule: Goalposts) -> object:
    if rule.log:
        high = decimal.Decimal(repr(max(rule.min, rule.max))) * 2
        return _plain_number(float(draw(_decimals(decimal.Decimal("0.01"), high, 2))))
    return _plain_number(draw(_number_near([rule.min, rule.max])))


def _actual_for(  # noqa: PLR0911 (one return per kind of actual)
    rule: RuleBase, node: Node, *, unit_text: bool, allow_na: bool
) -> st.SearchStrategy[object]:
    """Return a strategy for actuals *rule* can read on *node*."""
    if isinstance(rule, Grade):
        labels = [*PEFA.ranks, *(PEFA.excluded if allow_na else ())]
        return st.sampled_from(labels)
    if isinstance(rule, Categorical):
        return st.sampled_from(list(rule.scores))
    if isinstance(rule, Checklist):
        return _checklist_actual(rule)
    if isinstance(rule, Qualitative):
        return _qualitative_actual(node.points or 0.0)
    if isinstance(rule, Bands):
        return _bands_actual(rule, unit_text=unit_text)
    if isinstance(rule, Goalposts):
        return _goalposts_actual(rule)
    if node.target is not None:
        return _target_actual(node.target, unit_text=unit_text)
    return _number_near([0.0, 100.0]).map(_plain_number)


def _below(scheme: Scheme, code: str) -> list[str]:
    out: list[str] = []
    stack = [code]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(c.code for c in scheme.children(current))
    return out


@attrs.frozen
class _DataOptions:
    findings: int
    items: int
    na: bool
    unit_text: bool


@st.composite
def _items(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> list[Item]:
    deducts = [n.code for n in scheme.nodes if isinstance(scheme.rule(n.code), Deduct)]
    if not deducts or not opts.items:
        return []
    count = draw(st.integers(0, opts.items))
    out = []
    for _ in range(count):
        target = draw(_leaf_target("proportional"))
        assert target is not None  # noqa: S101
        actual = draw(_target_actual(target, unit_text=opts.unit_text))
        parent = draw(st.sampled_from(deducts))
        name = draw(_words(_NAMES))
        out.append(Item(parent, name, target, actual))  # 指标名称 is never empty
    return out


@st.composite
def _findings(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> list[Finding]:
    deducts = [n.code for n in scheme.nodes if isinstance(scheme.rule(n.code), Deduct)]
    if not deducts or not opts.findings:
        return []
    out = []
    for _ in range(draw(st.integers(0, opts.findings))):
        code = draw(st.sampled_from(deducts))
        rule = scheme.rule(code)
        assert isinstance(rule, Deduct)  # noqa: S101 (deduct_codes hold deducts)
        amount = _amount(_TEN)
        # a finding may leave its points to the node's per_finding
        points = draw(amount if rule.per_finding is None else st.none() | amount)
        # every finding states its reason (扣分原因)
        reason = draw(_words(_REASONS))
        category = draw(st.sampled_from(["", "预算管理", "采购管理"]))
        out.append(Finding(code, points, reason, category))
    return out


def _effective_na(
    scheme: Scheme, marked: Iterable[str], actuals: Mapping[str, object]
) -> set[str]:
    """Return the nodes that will not apply: marked, graded NA/NR, or emptied."""
    na = {code for m in marked for code in _below(scheme, m)}
    for code, value in actuals.items():
        if isinstance(scheme.rule(code), Grade) and value in PEFA.excluded:
            na.add(code)
    for node in sorted(scheme.nodes, key=lambda n: -scheme.depth(n.code)):
        children = scheme.children(node.code)
        if (
            children
            and not isinstance(scheme.rule(node.code), Deduct)
            and all(c.code in na for c in children)
        ):
            na.add(node.code)
    return na


def _weightless(scheme: Scheme, na: set[str]) -> bool:
    """Whether some node would reweight onto applicable children of 0 points."""
    parents: list[str | None] = [None, *(n.code for n in scheme.nodes)]
    for parent in parents:
        if parent in na or isinstance(
            scheme.rule(parent) if parent else None, Deduct | WeakestLink | GradeTable
        ):
            continue
        children = scheme.children(parent)
        applicable = [c for c in children if c.code not in na]
        if 0 < len(applicable) < len(children) and not any(
            c.points for c in applicable
        ):
            return True
    return False


@st.composite
def _data(draw: st.DrawFn, scheme: Scheme, opts: _DataOptions) -> Data:
    # one first-level node and everything below it stays applicable
    anchor = draw(st.sampled_from(scheme.roots())).code
    kept = set(_below(scheme, anchor))
    marked: list[str] = []
    optional = [n.code for n in scheme.nodes if n.code not in kept]
    if opts.na and optional:
        marked = draw(st.lists(st.sampled_from(optional), max_size=3, unique=True))
    skipped = {code for m in marked for code in _below(scheme, m)}
    actuals: dict[str, object] = {}
    for node in scheme.nodes:
        rule = effective_rule(scheme, node.code)
        if rule is None or node.code in skipped:
            continue
        allow_na = opts.na and node.code not in kept
        actuals[node.code] = draw(
            _actual_for(rule, node, unit_text=opts.unit_text, allow_na=allow_na)
        )
    if _weightless(scheme, _effective_na(scheme, marked, actuals)):
        # A node whose applicable children all have 0 points has nothing to
        # re-weight onto (按百分制折算) and does not apply either; when that
        # leaves nothing to score, evaluate() refuses the data.  data_for only
        # draws data that evaluates, so it leaves such markers out.
        marked = []
        for code in [c for c, v in actuals.items() if v in PEFA.excluded]:
            actuals[code] = "D"
        for node in scheme.nodes:
            rule = effective_rule(scheme, node.code)
            if rule is not None and node.code not in actuals:
                actuals[node.code] = draw(
                    _actual_for(rule, node, unit_text=opts.unit_text, allow_na=False)
                )
    return Data(
        actuals=actuals,
        findings=draw(_findings(scheme, opts)),
        items=draw(_items(scheme, opts)),
        not_applicable=sorted(marked),
        entity=draw(st.sampled_from(["广州互联网法院", "entity"])),
        period=draw(st.sampled_from(["2022", "2023"])),
    )


def data_for(
    scheme: Scheme,
    *,
    max_findings: int = 3,
    max_items: int = 2,
    allow_not_applicable: bool = True,
    allow_unit_text: bool = True,
) -> st.SearchStrategy[Data]:
    """Return a strategy for data that *scheme* can evaluate.

    Each drawn :class:`~perfkpi.deductions.Data` gives every node that takes
    an actual a value its rule can read: a number in the target's unit (or,
    with *allow_unit_text*, text in another unit of the same dimension, such
    as ``"45分钟"`` against ``≤1小时``), a label for a label target, a
    category, a checklist, a qualitative tier and score, or a PEFA grade.  It
    may add findings on ``deduct`` nodes, the entity's own items under them,
    and mark nodes not applicable, but always leaves one first-level node
    applicable, so that there is something to score.

    Parameters
    ----------
    scheme
        The scheme the data is for.
    max_findings
        The most findings drawn (0: none).
    max_items
        The most items drawn (0: none).
    allow_not_applicable
        Whether nodes may be marked not applicable (and grades be NA or NR).
    allow_unit_text
        Whether actuals may be text with a unit of their own.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from hypothesis import strategies as st
    >>> from perfkpi import catalog, evaluate
    >>> from perfkpi.testing import data_for
    >>> seed = catalog.scheme("gz-dept-overall")
    >>> @settings(max_examples=25)
    ... @given(data_for(seed))
    ... def test_scores_within_points(data):
    ...     ev = evaluate(seed, data)
    ...     assert all(0 <= s <= seed.node(c).points for c, s in ev.scores.items())
    >>> test_scores_within_points()
    """

    def build() -> st.SearchStrategy[Data]:
        _check_type("scheme", scheme, Scheme)
        opts = _DataOptions(
            _check_int("max_findings", max_findings, 0),
            _check_int("max_items", max_items, 0),
            allow_not_applicable,
            allow_unit_text,
        )
        _check_type("allow_not_applicable", allow_not_applicable, bool)
        _check_type("allow_unit_text", allow_unit_text, bool)
        return _data(scheme, opts)

    return _lazy(build)


def from_indicator(
    indicator: Indicator,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    allow_unit_text: bool = True,
) -> st.SearchStrategy[object]:
    """Return a strategy for actual values of *indicator*.

    A quantitative indicator's actuals are numbers in its unit, or (with
    *allow_unit_text*) text in a unit of the same dimension (``"45分钟"`` for
    an indicator counted in 小时).  A qualitative indicator's actuals are the
    labels of the standard label scales (``是``, ``达成年度指标``, ``良``).
    An indicator whose unit is not a known unit gets plain numbers.

    Parameters
    ----------
    indicator
        The indicator.
    min_value, max_value
        Bounds of the numbers, in the indicator's unit (default ±1e9).
    allow_unit_text
        Whether actuals may be text with a unit.

    Examples
    --------
    >>> from hypothesis import given
    >>> from perfkpi import Indicator, parse_target
    >>> from perfkpi.testing import from_indicator
    >>> response = Indicator("response", "系统故障平均响应时间", unit="小时",
    ...                      direction="lower")
    >>> @given(from_indicator(response, min_value=0, max_value=48))
    ... def test_read_against_target(actual):
    ...     parse_target("≤1小时").is_met(actual)
    >>> test_read_against_target()
    """

    def build() -> st.SearchStrategy[object]:
        _check_type("indicator", indicator, Indicator)
        low, high = _check_bounds(min_value, max_value)
        _check_type("allow_unit_text", allow_unit_text, bool)
        if indicator.direction == "qualitative":
            labels = [label for scale in DEFAULT_SCALES for label in scale.labels]
            return st.sampled_from(labels)
        unit = DEFAULT_UNITS.find(indicator.unit) if indicator.unit else None
        typical = (max(low, decimal.Decimal(0)), min(high, decimal.Decimal(200)))
        ranges = [(low, high)] + ([typical] if typical[0] <= typical[1] else [])

        @st.composite
        def actual(draw: st.DrawFn) -> object:
            lo, hi = draw(st.sampled_from(ranges))
            value = float(draw(_decimals(lo, hi, draw(st.integers(0, 4)))))
            if allow_unit_text and unit is not None and draw(st.booleans()):
                return draw(_in_other_unit(value, unit))
            return _plain_number(value)

        out: st.SearchStrategy[object] = actual()
        return out

    return _lazy(build)
