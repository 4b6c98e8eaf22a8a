"""The result of an evaluation: :class:`Evaluation`, its table and its card."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from perfkpi import _hooks, _wording
from perfkpi._frozen import FrozenDict
from perfkpi.deductions import Data, Deduction
from perfkpi.errors import Lang
from perfkpi.plan import effective_rule
from perfkpi.rules import RuleBase
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import format_number

if TYPE_CHECKING:  # pragma: no cover (the modules import this one)
    import perfkpi.explain
    import perfkpi.report
    import perfkpi.whatif


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
