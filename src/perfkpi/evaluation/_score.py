"""Scoring: :func:`evaluate`, and the ledger of deductions it explains."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from perfkpi import _wording
from perfkpi.deductions import Data, Deduction
from perfkpi.errors import DataError
from perfkpi.evaluation._prepare import (
    _adjustments,
    _findings,
    _inputs,
    _plan,
    _with_items,
    _with_prior,
)
from perfkpi.evaluation._result import Evaluation, _actual_of, _actual_text
from perfkpi.grades import PEFA_GRADES
from perfkpi.plan import Plan, effective_rule
from perfkpi.rules import Proportional, Shortfall, _strict
from perfkpi.scheme import Scheme


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
