"""Scoring and deduction rules: frozen values that say how a node is scored.

A rule plays one of three roles in a tree:

``score``
    A leaf with full points and a target is scored from its actual
    (:class:`Proportional`).
``aggregate``
    A node is scored from its children and findings (:class:`Sum`,
    :class:`Deduct`).
``penalty``
    An item under a :class:`Deduct` node, with a target but no points of its own,
    takes points off its parent when it falls short (:class:`PerUnmet`,
    :class:`Shortfall`).

Each rule delegates its arithmetic to a kernel in :mod:`perfkpi._kernels`, so one
entity and a million are scored by the same code.
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

import attrs

from perfkpi.errors import RuleError

__all__ = [
    "RULE_KINDS",
    "Deduct",
    "PerUnmet",
    "Proportional",
    "Rule",
    "Shortfall",
    "Sum",
    "rule_from_dict",
]

Role = Literal["score", "aggregate", "penalty"]


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        msg = f"{attribute.name!r} must be a finite number >= 0 (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Proportional:
    """Proportional scoring capped at full points (按比例计分，满分为止).

    Notes
    -----
    With full points *w*, target *A* and actual *B*:

    - higher is better (``≥``): ``w`` if ``B ≥ A``, else ``w·B/A``;
    - lower is better (``≤``): ``w`` if ``B ≤ A``, else ``w·A/B``.

    References
    ----------
    财预〔2020〕10号 项目支出绩效评价管理办法, 单位自评 (higher is better); the
    lower-is-better form as published self-evaluation forms apply it.

    Examples
    --------
    The seed's 预算资金支出率: 10 points, target ≥100 %, actual 99.8 %:
    10 × 99.8 / 100 = 9.98.

    >>> from perfkpi import Node, Proportional, Scheme, evaluate
    >>> scheme = Scheme.from_nodes(
    ...     "demo", "demo", [Node("1", "预算资金支出率", points=10,
    ...     target="≥100%", rule=Proportional())], points=10)
    >>> evaluate(scheme, {"1": 99.8}).total
    9.98
    """

    kind: ClassVar[str] = "proportional"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            "按比例计分，满分为止"
            if lang == "zh"
            else "proportional, capped at full points"
        )


@attrs.frozen
class Sum:
    """A node scores the sum of its children's scores.

    Its children's full points must add up to its own.
    """

    kind: ClassVar[str] = "sum"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "下级指标得分之和" if lang == "zh" else "sum of the children's scores"


@attrs.frozen
class Deduct:
    """Start at full points and deduct, floored at zero (扣完为止).

    Deductions come from findings (每发现一项扣N分, each with its points and reason)
    and from the node's items: an item that misses its target costs
    *per_unmet* points unless it has a penalty rule of its own.

    Parameters
    ----------
    per_unmet
        Points deducted for each item whose target is not met.

    Notes
    -----
    ``score = max(w − Σ findings − Σ penalties, 0)``.

    Examples
    --------
    The seed's 部门整体绩效指标完成情况: 40 points, four of its indicators missed,
    one point each: 40 − 4 = 36.
    """

    per_unmet: float = attrs.field(default=1.0, validator=_non_negative)

    kind: ClassVar[str] = "deduct"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = f"{self.per_unmet:g}"
        if lang == "zh":
            return f"每发现一项问题或每项未达成扣{n}分，扣完为止"
        return f"deduct per finding, {n} per unmet item, floored at zero"


@attrs.frozen
class PerUnmet:
    """An item that misses its target costs its parent fixed points.

    Parameters
    ----------
    points
        The points deducted when the target is not met.
    """

    points: float = attrs.field(default=1.0, validator=_non_negative)

    kind: ClassVar[str] = "per-unmet"
    role: ClassVar[Role] = "penalty"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = f"{self.points:g}"
        return f"未达成扣{n}分" if lang == "zh" else f"{n} points off when not met"


@attrs.frozen
class Shortfall:
    """An item costs its parent points in proportion to its shortfall (按比例扣分).

    Parameters
    ----------
    points
        The most points the item can cost.

    Notes
    -----
    With target *A* and actual *B*, higher is better:
    ``points × (1 − B/A)``, clipped to ``[0, points]``; lower is better:
    ``points × (1 − A/B)``.

    Examples
    --------
    The seed's 中小企业采购份额: 95 % of the required share, 1 point at stake:
    1 × (1 − 0.95) = 0.05.
    """

    points: float = attrs.field(validator=_non_negative)

    kind: ClassVar[str] = "shortfall"
    role: ClassVar[Role] = "penalty"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = f"{self.points:g}"
        return (
            f"按比例扣分（最多{n}分）"
            if lang == "zh"
            else f"proportional deduction, at most {n}"
        )


Rule = Proportional | Sum | Deduct | PerUnmet | Shortfall
"""Any rule perfkpi knows."""

RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls for cls in (Proportional, Sum, Deduct, PerUnmet, Shortfall)
}
"""Rule classes by the ``kind`` name used in scheme files."""


def rule_from_dict(spec: str | dict[str, object]) -> Rule:
    """Build a rule from its file form: ``"proportional"`` or ``{"kind": ..., ...}``.

    Raises
    ------
    RuleError
        For an unknown kind or parameters the rule does not take.
    """
    if isinstance(spec, str):
        spec = {"kind": spec}
    params = dict(spec)
    kind = params.pop("kind", None)
    cls = RULE_KINDS.get(str(kind))
    if cls is None:
        known = ", ".join(sorted(RULE_KINDS))
        msg = f"unknown rule kind {kind!r}; expected one of {known}"
        raise RuleError(msg)
    names = {a.name for a in attrs.fields(cls)}
    unknown = sorted(set(params) - names)
    if unknown:
        allowed = ", ".join(sorted(names)) or "no parameters"
        msg = f"rule {kind!r} takes {allowed}, not {', '.join(unknown)}"
        raise RuleError(msg)
    for key, value in params.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            msg = f"rule {kind!r} parameter {key!r} must be a number (got {value!r})"
            raise RuleError(msg)
    return cls(**params)  # type: ignore[arg-type]


def rule_to_dict(rule: Rule) -> str | dict[str, object]:
    """Return the file form of *rule* (the inverse of :func:`rule_from_dict`)."""
    params = attrs.asdict(rule)
    if not params:
        return rule.kind
    return {"kind": rule.kind, **params}
