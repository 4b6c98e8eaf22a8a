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
import types
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from perfkpi.deductions import Data, Deduction, Item
from perfkpi.errors import DataError, SchemeValidationError
from perfkpi.plan import Plan, compile_plan
from perfkpi.rules import Deduct, Proportional, Shortfall
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Comparator, Target, format_number

__all__ = ["Evaluation", "evaluate"]


def _freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return types.MappingProxyType(dict(mapping))


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
    """

    scheme: Scheme
    data: Data
    total: float
    grade: str
    scores: Mapping[str, float] = attrs.field(converter=_freeze, hash=False)
    met: Mapping[str, bool] = attrs.field(converter=_freeze, hash=False)
    penalties: Mapping[str, float] = attrs.field(converter=_freeze, hash=False)
    deductions: tuple[Deduction, ...] = ()

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
            msg = f"no scored node {code!r} in scheme {self.scheme.id!r}"
            raise KeyError(msg) from None

    def deductions_of(self, code: str) -> tuple[Deduction, ...]:
        """Return the deductions taken off node *code*."""
        return tuple(d for d in self.deductions if d.node == code)

    def to_dict(self) -> dict[str, Any]:
        """Return the evaluation as plain, JSON-able data (reported values)."""
        nodes = []
        items = []
        for node in self.scheme.ordered():
            if node.is_item:
                items.append(
                    {
                        "code": node.code,
                        "name": node.name,
                        "parent": node.parent,
                        "target": str(node.target),
                        "actual": _actual_text(self.data, node),
                        "met": self.met[node.code],
                        "penalty": self.penalties[node.code],
                        "category": node.category,
                    }
                )
                continue
            entry: dict[str, Any] = {
                "code": node.code,
                "name": node.name,
                "parent": node.parent,
                "points": node.points,
                "score": self.scores[node.code],
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
                entry["actual"] = _actual_text(self.data, node)
                entry["met"] = self.met[node.code]
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

    def report(self, format: str = "text", lang: str = "zh") -> str:  # noqa: A002
        """Render the score card and deductions.

        Parameters
        ----------
        format
            ``"text"``, ``"markdown"`` or ``"json"``.
        lang
            ``"zh"`` or ``"en"``.
        """
        from perfkpi.report import render  # noqa: PLC0415 (keeps import light)

        return render(self, format=format, lang=lang)


def _actual_text(data: Data, node: Node) -> str:
    actual = _actual_of(data, node)
    if isinstance(actual, str):
        return actual
    if isinstance(actual, bool):
        return "是" if actual else "否"
    if isinstance(actual, int | float):
        unit = node.target.unit.symbol if node.target and node.target.unit else ""
        return format_number(float(actual)) + unit
    return repr(actual)


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


@functools.lru_cache(maxsize=128)
def _plan(scheme: Scheme) -> Plan:
    return compile_plan(scheme)


def _values(plan: Plan, data: Data) -> np.ndarray:
    scheme = plan.scheme
    actuals = dict(data.actuals)
    for item in data.items:
        actuals[item.code] = item.actual
    for code in actuals:
        if code not in scheme:
            msg = f"actual given for unknown node {code!r}"
            raise DataError(code, msg)
        if scheme.node(code).target is None:
            raise DataError(code, f"node {code} has no target, so it takes no actual")
    row = np.empty(len(plan.inputs))
    for col, code in enumerate(plan.inputs):
        if code not in actuals:
            raise DataError(code, "missing actual value")
        target = scheme.node(code).target
        assert target is not None  # noqa: S101 (inputs have targets)
        row[col] = target.to_value(actuals[code], where=code)
    return row


def _findings(plan: Plan, data: Data) -> np.ndarray:
    row = np.zeros(len(plan.deduct_codes))
    for i, finding in enumerate(data.findings):
        if finding.node not in plan.deduct_codes:
            where = f"findings[{i}]"
            if finding.node not in plan.scheme:
                raise DataError(where, f"finding for unknown node {finding.node!r}")
            raise DataError(
                where,
                f"findings go on 'deduct' nodes; {finding.node} is scored otherwise",
            )
        row[plan.deduct_codes.index(finding.node)] += finding.points
    return row


def evaluate(scheme: Scheme, data: Data | Mapping[str, Any]) -> Evaluation:
    """Evaluate one entity.

    Parameters
    ----------
    scheme
        The scheme to score against.
    data
        A :class:`~perfkpi.deductions.Data`, its plain form (``{"actuals": ...,
        "findings": ..., "items": ...}``), or a plain mapping of node code to
        actual value.

    Returns
    -------
    Evaluation

    Raises
    ------
    DataError
        For a missing, NaN or infinite actual, an actual or finding for an
        unknown node, or an actual the target cannot read, naming the node.
    IncompatibleUnitError
        If an actual's unit measures another dimension than its target's.
    """
    if not isinstance(data, Data):
        if not isinstance(data, Mapping):
            msg = f"expected Data or a mapping, got {type(data).__name__}"  # type: ignore[unreachable]
            raise DataError("data", msg)
        data = Data.from_dict(data)
    scheme, data = _with_items(scheme, data)
    plan = _plan(scheme)
    values = _values(plan, data)[np.newaxis, :]
    findings = _findings(plan, data)[np.newaxis, :]
    result = plan.run(values, findings)

    scores: dict[str, float] = {}
    penalties: dict[str, float] = {}
    for i, code in enumerate(plan.codes):
        value = float(result.scores[0, i])
        (penalties if scheme.node(code).is_item else scores)[code] = value
    met = {code: bool(result.met[0, col]) for col, code in enumerate(plan.inputs)}
    total = float(result.total[0])
    grade = scheme.grades.grade(total)
    ledger = _ledger(scheme, data, scores, penalties, values[0], plan)
    return Evaluation(scheme, data, total, grade, scores, met, penalties, ledger)


def _ledger(
    scheme: Scheme,
    data: Data,
    scores: Mapping[str, float],
    penalties: Mapping[str, float],
    values: np.ndarray,
    plan: Plan,
) -> tuple[Deduction, ...]:
    rounding = scheme.rounding
    out: list[Deduction] = []
    for col, code in enumerate(plan.inputs):
        node = scheme.node(code)
        target = node.target
        assert target is not None  # noqa: S101
        actual = _actual_text(data, node)
        rule = scheme.rule(code)
        if node.is_item:
            pts = penalties[code]
            if pts <= 0:
                continue
            parent = scheme.node(str(node.parent))
            category = node.category or parent.category
            if isinstance(rule, Shortfall):
                ratio = _ratio_text(values[col], target)
                reason = (
                    f"{node.name}：目标{target}，实际{actual}，"
                    f"按比例扣{format_number(pts)}分"
                    f"（{format_number(rule.points)}×(1−{ratio})）"
                )
                kind = "shortfall"
            else:
                reason = (
                    f"{node.name}：目标{target}，实际{actual}，未达成，"
                    f"扣{format_number(pts)}分"
                )
                kind = "unmet"
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
        elif isinstance(rule, Proportional) and node.points is not None:
            lost = rounding.round(node.points - scores[code])
            if lost <= 0:
                continue
            ratio = _ratio_text(values[col], target)
            reason = (
                f"{node.name}：目标{target}，实际{actual}，按比例计分"
                f"{format_number(node.points)}×{ratio}={format_number(scores[code])}，"
                f"扣{format_number(lost)}分"
            )
            out.append(
                Deduction(
                    code,
                    lost,
                    reason,
                    node.category,
                    "proportional",
                    code,
                    node.name,
                    str(target),
                    actual,
                )
            )
    out.extend(
        Deduction(
            f.node,
            rounding.round(f.points),
            f.reason,
            f.category or scheme.node(f.node).category,
        )
        for f in data.findings
    )
    order = {node.code: i for i, node in enumerate(scheme.ordered())}
    out.sort(key=lambda d: order[d.node])
    return tuple(out)


def _ratio_text(value: float, target: Target) -> str:
    """Return ``B/A`` (or ``A/B`` for a lower-is-better target) as written."""
    unit = target.unit.symbol if target.unit else ""
    left, right = value, target.value
    if not target.higher_is_better and target.comparator in (
        Comparator.LE,
        Comparator.LT,
    ):
        left, right = right, left
    return f"{format_number(left)}{unit}/{format_number(right)}{unit}"
