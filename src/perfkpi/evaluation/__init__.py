"""Evaluate one entity against a scheme, with the explanation of every number.

:func:`evaluate` validates the data, runs the scheme's compiled
:class:`~perfkpi.plan.Plan` on one row, and wraps the numbers in an
:class:`Evaluation`: the total and grade, each node's score, and the ledger of
deductions with their reasons.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> ev.total, ev.grade
(88.63, '良')
>>> ev.score("1"), ev.score("2")
(45.98, 42.65)
>>> [(d.node, d.points) for d in ev.deductions if d.node == "1.1"]
[('1.1', 1.0), ('1.1', 1.0), ('1.1', 1.0), ('1.1', 1.0)]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from perfkpi import _hooks, _wording
from perfkpi._frozen import FrozenDict
from perfkpi.deductions import Data, Deduction, Finding, Item
from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
    Lang,
    PerfKPIError,
    SchemeValidationError,
)
from perfkpi.grades import PEFA_GRADES
from perfkpi.plan import Plan, compile_plan, effective_rule
from perfkpi.rules import Deduct, Proportional, RuleBase, Shortfall, _ambiguous, _strict
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Target, format_number, parse_quantity

if TYPE_CHECKING:  # pragma: no cover (the modules import this one)
    import perfkpi.explain
    import perfkpi.report
    import perfkpi.whatif

__all__ = ["Evaluation", "evaluate"]


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    given: object = mapping  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = (
            f"an evaluation's tables must be mappings by node code (got {given!r:.60})"
        )
        raise TypeError(msg)
    return FrozenDict(given)


@attrs.frozen
class Evaluation:
    """The result of evaluating one entity, with its explanation.

    Attributes
    ----------
    scheme
        The scheme evaluated against, with the entity's own items added.
    data
        The data as given.
    total
        The total score, rounded by the scheme's policy.
    grade
        The grade of the rounded total.
    scores
        Each scored node's rounded score, by code.
    met
        For each node with a target, whether it was met.
    penalties
        For each item, by code, the points it cost its parent.
    deductions
        The ledger: every deduction with its points and reason.
    not_applicable
        The codes of the nodes that do not apply (given in the data, graded NA
        or NR, or all of whose children do not apply); they have no score.
    grades
        For nodes scored as ordinal grades, the grade label by code.

    Raises
    ------
    TypeError
        If *scores*, *met*, *penalties* or *grades* is not a mapping (the other
        fields are kept as given: :func:`evaluate` builds evaluations).
    """

    scheme: Scheme
    data: Data
    total: float
    grade: str
    scores: Mapping[str, float] = attrs.field(converter=_freeze, hash=False)
    met: Mapping[str, bool] = attrs.field(converter=_freeze, hash=False)
    penalties: Mapping[str, float] = attrs.field(converter=_freeze, hash=False)
    deductions: tuple[Deduction, ...] = ()
    not_applicable: frozenset[str] = frozenset()
    grades: Mapping[str, str] = attrs.field(factory=dict, converter=_freeze, hash=False)

    def score(self, code: str) -> float:
        """Return the rounded score of node *code*.

        Raises
        ------
        KeyError
            If *code* is not a scored node of the scheme (items have no score of
            their own; see :attr:`penalties`).
        """
        try:
            return self.scores[code]
        except KeyError:
            if code in self.not_applicable:
                msg = f"node {code!r} is not applicable, so it has no score"
            else:
                msg = f"no scored node {code!r} in scheme {self.scheme.id!r}"
            raise KeyError(msg) from None

    def deductions_of(self, code: str) -> tuple[Deduction, ...]:
        """Return the deductions taken off node *code*."""
        return tuple(d for d in self.deductions if d.node == code)

    def __repr__(self) -> str:
        """Return a one-line summary: scheme, entity, total and grade."""
        who = " ".join(x for x in (self.data.entity, self.data.period) if x)
        who = f" {who}" if who else ""
        return (
            f"<Evaluation {self.scheme.id}{who}: {format_number(self.total)} "
            f"({self.grade}), {len(self.scheme)} nodes, "
            f"{len(self.deductions)} deductions>"
        )

    def _repr_html_(self) -> str:
        """Return the score card as an HTML table, for notebooks."""
        return _html_card(self)

    def to_dict(self) -> dict[str, Any]:
        """Return the evaluation as plain, JSON-able data (reported values)."""
        nodes = []
        items = []
        places = _wording.text_places(self.scheme.rounding.places)

        def actual(node: Node) -> str:
            rule = effective_rule(self.scheme, node.code)
            return _actual_text(self.data, node, rule=rule, places=places)

        for node in self.scheme.ordered():
            if node.is_item:
                items.append(
                    {
                        "code": node.code,
                        "name": node.name,
                        "parent": node.parent,
                        "target": str(node.target),
                        "actual": actual(node),
                        "met": self.met.get(node.code),
                        "penalty": self.penalties.get(node.code),
                        "category": node.category,
                    }
                )
                continue
            entry: dict[str, Any] = {
                "code": node.code,
                "name": node.name,
                "parent": node.parent,
                "points": node.points,
                "score": self.scores.get(node.code),
                "not_applicable": node.code in self.not_applicable,
                "deductions": [
                    {
                        "points": d.points,
                        "reason": d.reason,
                        "category": d.category,
                        "kind": d.kind,
                        "source": d.source,
                    }
                    for d in self.deductions_of(node.code)
                ],
            }
            if node.target is not None:
                entry["target"] = str(node.target)
                entry["actual"] = actual(node)
                entry["met"] = self.met.get(node.code)
            if node.code in self.grades:
                entry["grade"] = self.grades[node.code]
            nodes.append(entry)
        return {
            "scheme": self.scheme.id,
            "scheme_name": self.scheme.name,
            "entity": self.data.entity,
            "period": self.data.period,
            "points": self.scheme.points,
            "total": self.total,
            "grade": self.grade,
            "nodes": nodes,
            "items": items,
        }

    def report(
        self,
        format: perfkpi.report.Format = "text",  # noqa: A002
        lang: perfkpi.report.Lang = "zh",
        *,
        kind: perfkpi.report.Kind | None = None,
        signature: perfkpi.report.Signature | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> str:
        """Render the score card, the narrative, the indicators and the problems.

        Parameters
        ----------
        format
            ``"text"``, ``"markdown"``, ``"html"`` (one self-contained,
            printable file) or ``"json"``.
        lang
            ``"zh"`` or ``"en"``.
        kind
            Who evaluates whom: ``"self"`` (自评), ``"department"`` (部门评价),
            ``"finance"`` (财政评价) or ``"third-party"`` (第三方评价); by
            default the scheme's ``report_kind``.
        signature
            A :class:`~perfkpi.report.Signature` to end the report with.
        reasons
            偏差原因 by node code, kept verbatim.

        Raises
        ------
        perfkpi.report.ReportError
            For an unknown format, language or kind, or a wrong signature or
            reasons.

        See Also
        --------
        perfkpi.report.render
        """
        rendered: str = _hooks.call(
            "report.render",
            self,
            format=format,
            lang=lang,
            kind=kind,
            signature=signature,
            reasons=reasons,
        )
        return rendered

    def explain(self, code: str, lang: Lang = "zh") -> perfkpi.explain.Explanation:
        """Trace one number: its rule, inputs, formula and rounding.

        *code* is a node code or ``"total"``; see :func:`perfkpi.explain.explain`.
        """
        explanation: perfkpi.explain.Explanation = _hooks.call(
            "explain.explain", self, code, lang=lang
        )
        return explanation

    def what_if(
        self,
        actuals: Mapping[str, object] | None = None,
        *,
        drop_findings: Iterable[int] = (),
    ) -> perfkpi.whatif.WhatIf:
        """Re-evaluate with actuals changed or findings removed.

        See :func:`perfkpi.whatif.what_if`.
        """
        changed: perfkpi.whatif.WhatIf = _hooks.call(
            "whatif.what_if", self, actuals, drop_findings=drop_findings
        )
        return changed

    def gap_to_grade(
        self,
        grade: str | None = None,
        *,
        levers: Sequence[str] = ("actuals", "findings"),
        max_changes: int = 6,
    ) -> perfkpi.whatif.Gap:
        """Find the fewest improvements that reach *grade* (default: the next).

        See :func:`perfkpi.whatif.gap_to_grade`.
        """
        gap: perfkpi.whatif.Gap = _hooks.call(
            "whatif.gap_to_grade", self, grade, levers=levers, max_changes=max_changes
        )
        return gap


def _actual_text(
    data: Data,
    node: Node,
    lang: _wording.Lang = "zh",
    *,
    rule: object = None,
    places: int = 2,
) -> str:
    """Return *node*'s actual as a report words it (see :mod:`perfkpi._wording`)."""
    given = rule if isinstance(rule, RuleBase) else None
    return _wording.actual(_actual_of(data, node), node.target, given, lang, places)


def _actual_of(data: Data, node: Node) -> object:
    if node.code in data.actuals:
        return data.actuals[node.code]
    for item in data.items:
        if item.code == node.code:
            return item.actual
    return None


def _item_nodes(scheme: Scheme, items: tuple[Item, ...]) -> tuple[Node, ...]:
    nodes: list[Node] = []
    used = {n.code for n in scheme.nodes}
    counters: dict[str, int] = {}
    for i, item in enumerate(items):
        where = f"items[{i}]"
        if item.parent not in scheme:
            raise DataError(where, f"unknown parent node {item.parent!r}")
        if not isinstance(scheme.rule(item.parent), Deduct):
            raise DataError(
                where, f"items go under 'deduct' nodes; {item.parent} is not one"
            )
        code = item.code
        if not code:
            n = counters.get(item.parent, len(scheme.children(item.parent)))
            while f"{item.parent}.{n + 1}" in used:
                n += 1
            code = f"{item.parent}.{n + 1}"
            counters[item.parent] = n + 1
        if code in used:
            raise DataError(where, f"duplicate code {code!r}")
        used.add(code)
        nodes.append(
            Node(
                code,
                item.name,
                parent=item.parent,
                target=item.target,
                category=item.category,
                note=item.note,
            )
        )
    return tuple(nodes)


def _with_items(scheme: Scheme, data: Data) -> tuple[Scheme, Data]:
    if not data.items:
        return scheme, data
    nodes = _item_nodes(scheme, data.items)
    items = tuple(
        attrs.evolve(item, code=node.code)
        for item, node in zip(data.items, nodes, strict=True)
    )
    try:
        merged = scheme.with_nodes(nodes)
    except SchemeValidationError as exc:
        raise DataError("items", str(exc)) from None
    return merged, attrs.evolve(data, items=items)


def _with_prior(scheme: Scheme, data: Data) -> tuple[Scheme, Scheme]:
    """Resolve each relative target (较上年提高5%) with the entity's prior value.

    Return the scheme to score and the scheme to show: a node that does not
    apply keeps its relative target in the second, and is scored (as not
    applicable) with a stand-in prior of 1 in the first.
    """
    relative = {
        node.code: node.target.source or node.target
        for node in scheme.nodes
        if node.target is not None
        and (node.target.relative or node.target.source is not None)
    }
    for code in data.prior:
        if code not in scheme:
            raise DataError("prior", f"prior-year value for unknown node {code!r}")
        if code not in relative:
            msg = (
                f"node {code}'s target {scheme.node(code).target} is not relative "
                "to the prior year: its prior-year value would not be read"
            )
            raise DataError(f"prior.{code}", msg)
    if not relative:
        return scheme, scheme
    scored: list[Node] = []
    shown: list[Node] = []
    for node in scheme.nodes:
        target = relative.get(node.code)
        if target is None:
            scored.append(node)
            shown.append(node)
            continue
        unit = node.indicator.unit if node.indicator is not None else ""
        if node.code not in data.prior and any(
            node.code == na or _is_below(scheme, node.code, na)
            for na in data.not_applicable
            if na in scheme
        ):
            stand_in = target.resolve(1, where=node.code)
            scored.append(attrs.evolve(node, target=stand_in))
            shown.append(attrs.evolve(node, target=target))
            continue
        resolved = target.resolve(
            data.prior.get(node.code), unit=unit or None, where=node.code
        )
        _same_dimension(resolved, data.actuals.get(node.code), node.code)
        _share_or_points(target, resolved, node.code)
        scored.append(attrs.evolve(node, target=resolved))
        shown.append(scored[-1])
    try:
        return (
            attrs.evolve(scheme, nodes=tuple(scored)),
            attrs.evolve(scheme, nodes=tuple(shown)),
        )
    except SchemeValidationError as exc:
        first = exc.exceptions[0]
        where, problem = getattr(first, "where", ""), getattr(first, "problem", first)
        msg = f"the target resolved with the prior-year value: {problem}"
        raise DataError(where, msg) from None


def _share_or_points(target: Target, resolved: Target, where: str) -> None:
    """Warn when a change in % of a prior rate could mean percentage points.

    ``较上年提高5%`` of a prior 80 % is read as a share (≥84 %); a writer may
    have meant 5 points (≥85 %).  The two differ by less than a factor of 100
    but can move a score: say which, or (under strict) refuse.
    """
    prior = resolved.prior
    if (
        target.unit is None
        or target.unit.symbol != "%"
        or not target.value
        or prior is None
        or prior.unit is None
        or prior.unit.symbol != "%"
    ):
        return
    up = resolved.value >= prior.value
    points = prior.value + target.value if up else prior.value - target.value
    sign = "≥" if up else "≤"
    problem = (
        f"{target} against a prior-year rate of {prior} is read as "
        f"a share of it ({sign}{format_number(resolved.value)}%); as percentage "
        f"points it would be {sign}{format_number(points)}%: write the change in "
        "个百分点 for points, or the target itself for a share"
    )
    _ambiguous(where, problem, stacklevel=5)


def _same_dimension(target: Target, actual: object, code: str) -> None:
    """Refuse a prior value in another dimension than the actual, naming both."""
    prior = target.prior
    if prior is None or prior.unit is None or not isinstance(actual, str):
        return
    try:
        unit = parse_quantity(actual).unit
    except PerfKPIError:
        return  # the actual's own error comes when it is read
    if unit is not None and unit.dimension != prior.unit.dimension:
        raise IncompatibleUnitError(
            f"上年 {prior} ({prior.unit.dimension})",
            f"the actual {actual} ({unit.dimension})",
            where=code,
        )


@functools.lru_cache(maxsize=128)
def _plan(scheme: Scheme) -> Plan:
    return compile_plan(scheme)


def _inputs(plan: Plan, data: Data) -> tuple[np.ndarray, np.ndarray]:
    """Read every input's actual as its rule reads it; mark N/A nodes."""
    scheme = plan.scheme
    actuals = dict(data.actuals)
    for item in data.items:
        actuals[item.code] = item.actual
    inputs = set(plan.inputs)
    for code in actuals:
        if code not in scheme:
            raise DataError(code, f"actual given for unknown node {code!r}")
        if code not in inputs:
            raise DataError(
                code, f"node {code} is scored from others; it takes no actual"
            )
    na = np.zeros(len(plan.codes), dtype=bool)
    position = {code: i for i, code in enumerate(plan.codes)}
    for code in data.not_applicable:
        if code not in scheme:
            raise DataError("not_applicable", f"unknown node {code!r}")
        na[position[code]] = True
        for node in scheme.ordered():  # a node's descendants do not apply either
            if _is_below(scheme, node.code, code):
                na[position[node.code]] = True
    row = np.zeros(len(plan.inputs))
    for col, code in enumerate(plan.inputs):
        if na[position[code]]:
            continue
        if code not in actuals:
            raise DataError(code, "missing actual value")
        rule = effective_rule(scheme, code)
        assert rule is not None  # noqa: S101 (inputs have rules)
        value = rule.read(actuals[code], scheme.node(code), code)
        if math.isnan(value):  # graded NA or NR
            na[position[code]] = True
            continue
        row[col] = value
    return row, na


def _is_below(scheme: Scheme, code: str, ancestor: str) -> bool:
    parent = scheme.node(code).parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = scheme.node(parent).parent
    return False


def _findings(plan: Plan, data: Data) -> tuple[np.ndarray, tuple[Finding, ...]]:
    row = np.zeros(len(plan.deduct_codes))
    resolved: list[Finding] = []
    for i, finding in enumerate(data.findings):
        where = f"findings[{i}]"
        if finding.node not in plan.deduct_codes:
            if finding.node not in plan.scheme:
                raise DataError(where, f"finding for unknown node {finding.node!r}")
            raise DataError(
                where,
                f"findings go on 'deduct' nodes; {finding.node} is scored otherwise",
            )
        points = finding.points
        if points is None:
            rule = plan.scheme.rule(finding.node)
            points = rule.per_finding if isinstance(rule, Deduct) else None
            if points is None:
                msg = (
                    f"the finding states no points and node {finding.node} "
                    "sets no per_finding"
                )
                raise DataError(where, msg)
        row[plan.deduct_codes.index(finding.node)] += points
        resolved.append(attrs.evolve(finding, points=points))
    return row, tuple(resolved)


def _adjustments(plan: Plan, data: Data) -> np.ndarray | None:
    if not data.adjustments:
        return None
    row = np.zeros(len(plan.codes))
    scored = {plan.codes[int(i)] for i in plan.scored_leaves}
    for i, adjustment in enumerate(data.adjustments):
        if adjustment.node not in scored:
            msg = f"adjustments apply to scored leaves; {adjustment.node!r} is not one"
            raise DataError(f"adjustments[{i}]", msg)
        row[plan.codes.index(adjustment.node)] += adjustment.points
    return row


def evaluate(
    scheme: Scheme, data: Data | Mapping[str, Any], *, strict: bool = False
) -> Evaluation:
    """Evaluate one entity.

    Parameters
    ----------
    scheme
        The scheme to score against.
    data
        A :class:`~perfkpi.deductions.Data`, its plain form (``{"actuals": ...,
        "findings": ..., "items": ...}``), or a plain mapping of node code to
        actual value.
    strict
        Raise :class:`~perfkpi.errors.AmbiguousValueError` where a value reads
        two ways 100× apart (a plain ``0.965`` against ``≥95%``), instead of
        warning with :class:`~perfkpi.errors.AmbiguousValueWarning`.

    Returns
    -------
    Evaluation

    Raises
    ------
    DataError
        For a missing, NaN or infinite actual, an actual or finding for an
        unknown node, or an actual the target cannot read, naming the node;
        for a relative target (``较上年提高5%``) without a prior-year value in
        ``data.prior``, or a prior value for a node whose target is not
        relative.
    IncompatibleUnitError
        If an actual's unit measures another dimension than its target's, or a
        prior-year value's than its change or its actual.
    AmbiguousValueError
        Under ``strict=True``, for a value that reads two ways 100× apart.

    Warns
    -----
    AmbiguousValueWarning
        For a value that reads two ways 100× apart, naming the node and both
        readings (the value is read in the target's unit).

    Examples
    --------
    >>> import warnings
    >>> from perfkpi import Node, Proportional, Scheme
    >>> scheme = Scheme.from_nodes("s", "s", [Node("1", "网上立案率", points=10,
    ...     target="≥95%", rule=Proportional())], points=10)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     evaluate(scheme, {"1": 0.965}).total
    0.1
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    the plain number 0.965 is read in the target's unit, as 0.965% against ≥95%; \
as a fraction (how a spreadsheet stores a percentage) it would be 96.5%: ...
    >>> evaluate(scheme, {"1": "96.5%"}).total
    10.0
    """
    with _strict(strict):
        return _evaluate(scheme, data)


def _evaluate(scheme: Scheme, data: Data | Mapping[str, Any]) -> Evaluation:
    if not isinstance(data, Data):
        if not isinstance(data, Mapping):
            msg = f"expected Data or a mapping, got {type(data).__name__}"  # type: ignore[unreachable]
            raise DataError("data", msg)
        data = Data.from_dict(data)
    if data.inputs:
        from perfkpi.formulas import compute_actuals  # noqa: PLC0415 (no cycle)

        data = compute_actuals(scheme, data)
    scheme, data = _with_items(scheme, data)
    scored, scheme = _with_prior(scheme, data)
    plan = _plan(scored)
    values, na = _inputs(plan, data)
    findings, resolved = _findings(plan, data)
    data = attrs.evolve(data, findings=resolved)
    adjust = _adjustments(plan, data)
    result = plan.run(
        values[np.newaxis, :],
        findings[np.newaxis, :],
        na[np.newaxis, :] if na.any() else None,
        adjust[np.newaxis, :] if adjust is not None else None,
    )
    if result.na[0, -1]:
        raise DataError("", "every node is not applicable: there is nothing to score")

    scores: dict[str, float] = {}
    penalties: dict[str, float] = {}
    not_applicable: set[str] = set()
    for i, code in enumerate(plan.codes):
        if result.na[0, i]:
            not_applicable.add(code)
            continue
        value = float(result.scores[0, i])
        (penalties if scheme.node(code).is_item else scores)[code] = value
    met = {
        code: bool(result.met[0, col])
        for col, code in enumerate(plan.inputs)
        if code not in not_applicable and scheme.node(code).target is not None
    }
    total = float(result.total[0])
    grade = scheme.grades.grade(total)
    for override in scheme.overrides:
        if met.get(override.node) is False:
            grade = override.grade
            break
    grades = {
        code: PEFA_GRADES.grade(scores[code])
        for code in scores
        if (rule := scheme.rule(code)) is not None and rule.kind in _ORDINAL
    }
    ledger = _ledger(scheme, data, scores, penalties, values, plan)
    return Evaluation(
        scheme,
        data,
        total,
        grade,
        scores,
        met,
        penalties,
        ledger,
        frozenset(not_applicable),
        grades,
    )


_ORDINAL = ("grade", "weakest-link", "grade-table")


def _ledger(
    scheme: Scheme,
    data: Data,
    scores: Mapping[str, float],
    penalties: Mapping[str, float],
    values: np.ndarray,
    plan: Plan,
) -> tuple[Deduction, ...]:
    rounding = scheme.rounding
    places = _wording.text_places(rounding.places)
    out: list[Deduction] = []
    adjusted = {a.node for a in data.adjustments}
    for col, code in enumerate(plan.inputs):
        node = scheme.node(code)
        if code not in scores and code not in penalties:
            continue  # not applicable
        rule = effective_rule(scheme, code)
        actual = _actual_text(data, node, rule=rule, places=places)
        target = node.target
        given = _actual_of(data, node)
        if node.is_item:
            assert target is not None  # noqa: S101 (items have targets)
            pts = penalties[code]
            if pts <= 0:
                continue
            parent = scheme.node(str(node.parent))
            category = node.category or parent.category
            kind = "shortfall" if isinstance(rule, Shortfall) else "unmet"
            reason = _wording.computed(
                node, rule, given, values[col], kind, "zh", lost=pts, places=places
            )
            out.append(
                Deduction(
                    parent.code,
                    pts,
                    reason,
                    category,
                    kind,  # type: ignore[arg-type]
                    code,
                    node.name,
                    str(target),
                    actual,
                )
            )
            continue
        if node.points is None or rule is None or rule.kind in _ORDINAL:
            continue
        if code in adjusted:
            continue  # the adjustment's own line explains the score
        lost = rounding.round(node.points - scores[code])
        if lost <= 0:
            continue
        target_text = "" if target is None else str(target)
        kind = (
            "proportional"
            if isinstance(rule, Proportional) and target is not None
            else "rule"
        )
        reason = _wording.computed(
            node,
            rule,
            given,
            values[col],
            kind,
            "zh",
            lost=lost,
            score=scores[code],
            places=places,
        )
        out.append(
            Deduction(
                code,
                lost,
                reason,
                node.category,
                kind,  # type: ignore[arg-type]
                code,
                node.name,
                target_text,
                actual,
            )
        )
    out.extend(
        Deduction(
            f.node,
            rounding.round(f.points or 0.0),
            f.reason,
            f.category or scheme.node(f.node).category,
        )
        for f in data.findings
    )
    out.extend(
        Deduction(
            a.node,
            -rounding.round(a.points),
            a.reason,
            scheme.node(a.node).category,
            "adjustment",
            a.node,
            scheme.node(a.node).name,
        )
        for a in data.adjustments
    )
    order = {node.code: i for i, node in enumerate(scheme.ordered())}
    out.sort(key=lambda d: order[d.node])
    return tuple(out)


def _html_card(ev: Evaluation) -> str:
    """Return a compact score card: each scored node, its points and score."""
    import html  # noqa: PLC0415

    e = html.escape
    rows = []
    for node in ev.scheme.ordered():
        if node.code not in ev.scores and node.code not in ev.not_applicable:
            continue
        depth = 0
        parent = node.parent
        while parent is not None:
            depth += 1
            parent = ev.scheme.node(parent).parent
        score = (
            "不适用"
            if node.code in ev.not_applicable
            else format_number(ev.scores[node.code])
        )
        points = "" if node.points is None else format_number(node.points)
        pad = "&nbsp;" * 4 * depth
        rows.append(
            f"<tr><td>{e(node.code)}</td><td>{pad}{e(node.name)}</td>"
            f'<td style="text-align:right">{points}</td>'
            f'<td style="text-align:right">{e(score)}</td></tr>'
        )
    title = " ".join(x for x in (ev.scheme.name, ev.data.entity, ev.data.period) if x)
    return (
        f"<table><caption>{e(title)}</caption>"
        "<thead><tr><th>编号</th><th>指标</th><th>分值</th><th>得分</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><th></th><th>合计</th>"
        f'<th style="text-align:right">{format_number(ev.scheme.points)}</th>'
        f'<th style="text-align:right">{format_number(ev.total)}（{e(ev.grade)}）</th>'
        "</tr></tfoot></table>"
    )
