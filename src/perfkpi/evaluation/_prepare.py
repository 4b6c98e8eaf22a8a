"""The steps before scoring: items, prior-year targets, inputs, findings."""

from __future__ import annotations

import functools
import math

import attrs
import numpy as np

from perfkpi.deductions import Data, Finding, Item
from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
    PerfKPIError,
    SchemeValidationError,
)
from perfkpi.plan import Plan, compile_plan, effective_rule
from perfkpi.rules import Deduct, _ambiguous
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Target, format_number, parse_quantity


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
