"""Penalties on items and the rules that score a node from its children.

:class:`PerUnmet` and :class:`Shortfall` take points off a :class:`Deduct`
parent; :class:`Sum`, :class:`Deduct`, :class:`Mean`, :class:`WeakestLink`,
:class:`GradeTable` aggregate; :class:`Grade` scores a grade as its rank.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from perfkpi import _kernels
from perfkpi.errors import DataError, RuleError
from perfkpi.rules._base import (
    VALUE_KINDS,
    Columns,
    Role,
    RuleBase,
    ValueKind,
    _Node,
    _non_negative,
    _optional_points,
)
from perfkpi.rules._linear import _ratio_sided
from perfkpi.targets import format_number

# -- penalties on items ---------------------------------------------------------


@attrs.frozen
class PerUnmet(RuleBase):
    """An item that misses its target costs its parent fixed points.

    Parameters
    ----------
    points
        The points deducted when the target is not met.

    Raises
    ------
    RuleError
        If *points* is not a finite number >= 0.
    """

    points: float = attrs.field(default=1.0, validator=_non_negative)

    kind: ClassVar[str] = "per-unmet"
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(VALUE_KINDS)
    actual_text: ClassVar[str] = "whatever the target reads"
    role: ClassVar[Role] = "penalty"
    needs_target: ClassVar[bool] = True

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.points)
        return f"未达成扣{n}分" if lang == "zh" else f"{n} points off when not met"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the penalty: ``points`` where not met."""
        out = _kernels.unmet_penalty(cols.met, self.points)
        result: np.ndarray = np.where(np.isnan(values), np.nan, out)
        return result


@attrs.frozen
class Shortfall(RuleBase):
    """An item costs its parent points in proportion to its shortfall (按比例扣分).

    Parameters
    ----------
    points
        The most points the item can cost.

    Raises
    ------
    RuleError
        If *points* is not a finite number >= 0.

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
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"positive", "relative"})

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        yield from _ratio_sided(self.kind, node)

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.points)
        if lang == "zh":
            return f"按比例扣分（最多{n}分）"
        return f"proportional deduction, at most {n}"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the penalty ``points × (1 − attainment)``, clipped; 0 when met."""
        lost = _kernels.shortfall(values, cols.reference, self.points, cols.higher)
        return _kernels.zero_where_met(cols.met, lost, self.points)


# -- aggregation ------------------------------------------------------------------

NAPolicy = Literal["reweight", "full"]


def _na_policy(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (
        not isinstance(value, str) or value not in ("reweight", "full")
    ):
        msg = f"'not_applicable' must be 'reweight' or 'full' (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Sum(RuleBase):
    """A node scores the sum of its children's scores.

    Its children's full points must add up to its own.

    Parameters
    ----------
    not_applicable
        What a not-applicable child does: ``"reweight"`` scales the applicable
        children's scores up to the node's points (按百分制折算), ``"full"``
        counts it at full points; ``None`` (the default) follows the scheme.

    Raises
    ------
    RuleError
        If *not_applicable* is not ``"reweight"``, ``"full"`` or ``None``.
    """

    not_applicable: NAPolicy | None = attrs.field(default=None, validator=_na_policy)

    kind: ClassVar[str] = "sum"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "下级指标得分之和" if lang == "zh" else "sum of the children's scores"


@attrs.frozen
class Deduct(RuleBase):
    """Start at full points and deduct, floored at zero (扣完为止).

    Deductions come from findings (每发现一项扣N分, each with its points and reason)
    and from the node's items: an item that misses its target costs
    *per_unmet* points unless it has a penalty rule of its own.

    Parameters
    ----------
    per_unmet
        Points deducted for each item whose target is not met.
    per_finding
        Points for a finding that does not state its own (每发现一项扣N分).

    Raises
    ------
    RuleError
        If *per_unmet* is not a finite number >= 0, or *per_finding* neither
        ``None`` nor one.

    Notes
    -----
    ``score = max(w − Σ findings − Σ penalties, 0)``.

    Examples
    --------
    The seed's 部门整体绩效指标完成情况: 40 points, four of its indicators missed,
    one point each: 40 − 4 = 36.
    """

    per_unmet: float = attrs.field(default=1.0, validator=_non_negative)
    per_finding: float | None = attrs.field(default=None, validator=_optional_points)

    kind: ClassVar[str] = "deduct"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.per_unmet)
        if lang == "zh":
            return f"每发现一项问题或每项未达成扣{n}分，扣完为止"
        return f"deduct per finding, {n} per unmet item, floored at zero"


def _mean_kind(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in ("arithmetic", "geometric"):
        msg = f"'mean' must be 'arithmetic' or 'geometric' (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Mean(RuleBase):
    """A weighted mean of the children's attainment, times the node's points.

    Each child's attainment is its score over its full points; the children's
    full points are the weights.  Children's points need not add up to the
    node's.

    Parameters
    ----------
    mean
        ``"arithmetic"`` or ``"geometric"``.

    Raises
    ------
    RuleError
        If *mean* is neither.

    Notes
    -----
    Arithmetic: ``w · Σ wᵢ·(sᵢ/wᵢ) / Σ wᵢ``; geometric:
    ``w · Π (sᵢ/wᵢ)^(wᵢ/Σ wᵢ)``.  Not-applicable children drop out and the
    weights of the rest are renormalised.

    References
    ----------
    Composite indices: UNDP's Human Development Index (geometric mean of the
    dimension indices since 2010).
    """

    mean: Literal["arithmetic", "geometric"] = attrs.field(
        default="arithmetic", validator=_mean_kind
    )

    kind: ClassVar[str] = "mean"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "下级指标加权" + (
                "几何平均" if self.mean == "geometric" else "算术平均"
            )
        return f"weighted {self.mean} mean of the children"


@attrs.frozen
class WeakestLink(RuleBase):
    """The weakest child's grade, with "+" when any other child is higher.

    Children are scored as ordinal ranks (see :data:`perfkpi.grades.PEFA`):
    A = 4, B = 3, C = 2, D = 1, a "+" adds a half.  Not-applicable children
    (NA, NR) are excluded.

    Notes
    -----
    ``rank = min(rᵢ) + ½ · [max(rᵢ) > min(rᵢ)]``, so C, C, A gives C+.

    References
    ----------
    PEFA 2016 framework, scoring method M1 (weakest link).
    """

    kind: ClassVar[str] = "weakest-link"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "最弱环节法" if lang == "zh" else "weakest link (M1)"


def _table(values: Mapping[str, str]) -> Mapping[str, str]:
    if not isinstance(values, Mapping) or not values:
        msg = f"'table' must be a non-empty table of grades = grade (got {values!r})"
        raise RuleError(msg)
    table: dict[str, str] = {}
    entries: Mapping[Any, object] = values
    for key, grade in entries.items():
        if not isinstance(key, str) or not isinstance(grade, str):
            msg = (
                '\'table\' maps grades such as "A,C" to a grade such as "B" '
                f"(got {key!r} = {grade!r})"
            )
            raise RuleError(msg)
        table[_multiset_key(key.split(","))] = grade.strip()
    return table


def _multiset_key(grades: Sequence[str]) -> str:
    return ",".join(sorted(g.strip() for g in grades))


@attrs.frozen
class GradeTable(RuleBase):
    """A published conversion table over the multiset of the children's grades.

    Parameters
    ----------
    table
        Maps the children's grades, comma-separated in any order (``"A,C,D"``),
        to the node's grade.  Missing combinations are an error at evaluation.

    Raises
    ------
    RuleError
        If *table* is not a non-empty table of text to text.

    References
    ----------
    PEFA 2016 framework, scoring method M2 (averaging), conversion table.
    """

    table: Mapping[str, str] = attrs.field(converter=_table, hash=False)

    kind: ClassVar[str] = "grade-table"
    role: ClassVar[Role] = "aggregate"

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.table.items()))))

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "按换算表确定等级" if lang == "zh" else "conversion table (M2)"

    def lookup(self, grades: Sequence[str], where: str) -> str:
        """Return the grade for the children's *grades*."""
        key = _multiset_key(grades)
        try:
            return self.table[key]
        except KeyError:
            raise DataError(where, f"conversion table has no row for {key}") from None

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        return {"kind": self.kind, "table": dict(self.table)}


def _scale_name(_: object, __: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"'scale' must be the name of an ordinal scale (got {value!r:.60})"
        raise RuleError(msg)


@attrs.frozen
class Grade(RuleBase):
    """A leaf scored as an ordinal grade label (A, B+, …, D; D* counts as D).

    The actual is the grade; NA (not applicable) and NR (not rated) mark the
    node not applicable, so aggregations exclude it.

    Parameters
    ----------
    scale
        The name of the ordinal scale in :data:`perfkpi.grades.ORDINAL_SCALES`
        (an unknown name is a problem of the scheme that uses the rule).

    Raises
    ------
    RuleError
        If *scale* is not text.
    """

    scale: str = attrs.field(default="pefa", validator=_scale_name)

    kind: ClassVar[str] = "grade"
    actual_text: ClassVar[str] = "a grade label (A, B+, …, D, D*, NA, NR)"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            f"等级 ({self.scale})" if lang == "zh" else f"ordinal grade ({self.scale})"
        )

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        from perfkpi.grades import ORDINAL_SCALES  # noqa: PLC0415

        scale = ORDINAL_SCALES.get(self.scale)
        if scale is None:
            yield f"unknown ordinal scale {self.scale!r}"
        elif node.points != scale.top:
            yield f"an ordinal node's points must be its scale's top rank {scale.top:g}"

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Return the grade's rank, or NaN-for-N/A for NA and NR."""
        from perfkpi.grades import ORDINAL_SCALES  # noqa: PLC0415

        return ORDINAL_SCALES[self.scale].rank(actual, where)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Return the ranks."""
        return values
