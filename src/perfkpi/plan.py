"""Compile a scheme into numpy arrays once, then score any number of entities.

The plan orders nodes breadth first, so that each level of the tree is one
contiguous block of columns and the children of each parent are contiguous
inside it.  Scoring is then one vectorised step per rule kind for the leaves and
one :func:`numpy.add.reduceat` per level for the inner nodes.  The one-entity
:func:`~perfkpi.evaluation.evaluate` and the many-entity path run this same code.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from perfkpi import _kernels
from perfkpi.rounding import RoundingStage, round_array
from perfkpi.rules import Deduct, PerUnmet, Proportional, Shortfall
from perfkpi.scheme import Scheme

__all__ = ["Plan", "PlanResult", "compile_plan"]


def _array_field() -> np.ndarray:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)


@attrs.frozen
class _Level:
    start: int
    stop: int
    parents: np.ndarray = _array_field()
    offsets: np.ndarray = _array_field()


@attrs.frozen
class Plan:
    """A scheme compiled to index arrays.  Build it with :func:`compile_plan`.

    Attributes
    ----------
    codes
        Node codes in column order (breadth first).
    inputs
        Codes of the nodes that take an actual value, in input-column order.
    deduct_codes
        Codes of the ``deduct`` nodes, in findings-column order.
    """

    scheme: Scheme
    codes: tuple[str, ...]
    inputs: tuple[str, ...]
    deduct_codes: tuple[str, ...]
    input_pos: np.ndarray = _array_field()
    lower: np.ndarray = _array_field()
    upper: np.ndarray = _array_field()
    lower_closed: np.ndarray = _array_field()
    upper_closed: np.ndarray = _array_field()
    reference: np.ndarray = _array_field()
    higher: np.ndarray = _array_field()
    points: np.ndarray = _array_field()
    prop: np.ndarray = _array_field()
    unmet: np.ndarray = _array_field()
    unmet_points: np.ndarray = _array_field()
    short: np.ndarray = _array_field()
    short_points: np.ndarray = _array_field()
    deduct_pos: np.ndarray = _array_field()
    is_deduct: np.ndarray = _array_field()
    lone_deduct: np.ndarray = _array_field()
    findings_col: np.ndarray = _array_field()
    levels: tuple[_Level, ...] = ()
    n_roots: int = 0

    def run(self, values: np.ndarray, findings: np.ndarray) -> PlanResult:
        """Score entities.

        Parameters
        ----------
        values
            Shape ``(N, len(inputs))``: each input's actual, in its target's unit
            (label ranks for qualitative targets).
        findings
            Shape ``(N, len(deduct_codes))``: the findings' points per node.

        Returns
        -------
        PlanResult
            Every node's score (an item's column holds the penalty it costs).
        """
        rounding = self.scheme.rounding
        n = values.shape[0]
        scores = np.zeros((n, len(self.codes)))
        met = _kernels.met(
            values, self.lower, self.upper, self.lower_closed, self.upper_closed
        )
        met &= ~np.isnan(values)
        if self.prop.size:
            cols = self.prop
            scores[:, self.input_pos[cols]] = rounding.at_nodes(
                _kernels.proportional(
                    values[:, cols],
                    self.reference[cols],
                    self.points[self.input_pos[cols]],
                    self.higher[cols],
                )
            )
        if self.unmet.size:
            penalty = _kernels.unmet_penalty(met[:, self.unmet], self.unmet_points)
            penalty[np.isnan(values[:, self.unmet])] = np.nan
            scores[:, self.input_pos[self.unmet]] = penalty
        if self.short.size:
            cols = self.short
            scores[:, self.input_pos[cols]] = rounding.at_nodes(
                _kernels.shortfall(
                    values[:, cols],
                    self.reference[cols],
                    self.short_points,
                    self.higher[cols],
                )
            )
        # findings per node; column -1 (a zero column) for nodes without findings
        lost = np.concatenate([findings, np.zeros((n, 1))], axis=1)[
            :, self.findings_col
        ]
        for level in reversed(self.levels):
            sums = np.add.reduceat(
                scores[:, level.start : level.stop], level.offsets, axis=1
            )
            parents = level.parents
            is_deduct = self.is_deduct[parents]
            result = np.where(
                is_deduct,
                np.maximum(
                    self.points[parents] - sums - lost[:, parents],
                    0.0,
                ),
                sums,
            )
            scores[:, parents] = rounding.at_nodes(result)
        # deduct nodes without children: findings only
        lone = self.lone_deduct
        if lone.size:
            scores[:, lone] = rounding.at_nodes(
                np.maximum(self.points[lone] - lost[:, lone], 0.0)
            )
        total = scores[:, : self.n_roots].sum(axis=1)
        if rounding.stage is RoundingStage.TOTAL:
            scores = round_array(scores, rounding.places, rounding.mode)
        total = round_array(total, rounding.places, rounding.mode)
        return PlanResult(self, scores, met, total)


@attrs.frozen
class PlanResult:
    """The raw arrays of one run of a plan."""

    plan: Plan
    scores: np.ndarray = _array_field()
    met: np.ndarray = _array_field()
    total: np.ndarray = _array_field()

    def column(self, code: str) -> np.ndarray:
        """Return the column of scores for node *code*."""
        out: np.ndarray = self.scores[:, self.plan.codes.index(code)]
        return out


def _breadth_first(scheme: Scheme) -> list[list[str]]:
    levels: list[list[str]] = []
    current = [n.code for n in scheme.roots()]
    while current:
        levels.append(current)
        current = [c.code for code in current for c in scheme.children(code)]
    return levels


def compile_plan(scheme: Scheme) -> Plan:
    """Compile *scheme* into a :class:`Plan`."""
    by_level = _breadth_first(scheme)
    codes = tuple(code for level in by_level for code in level)
    pos = {code: i for i, code in enumerate(codes)}
    points = np.array(
        [p if (p := scheme.node(c).points) is not None else math.nan for c in codes]
    )

    inputs = [c for c in codes if scheme.node(c).target is not None]
    lower, upper, lo_closed, hi_closed, reference, higher = [], [], [], [], [], []
    prop, unmet, unmet_points, short, short_points = [], [], [], [], []
    for col, code in enumerate(inputs):
        node = scheme.node(code)
        target = node.target
        assert target is not None  # noqa: S101 (selected above)
        lo, hi = target.bounds()
        lower.append(lo)
        upper.append(hi)
        lo_closed.append(target.lower_closed)
        hi_closed.append(target.upper_closed)
        higher.append(target.comparator.value not in "≤<")
        reference.append(target.value if math.isfinite(lo) else hi)
        rule = scheme.rule(code)
        if isinstance(rule, Proportional):
            prop.append(col)
        elif isinstance(rule, Shortfall):
            short.append(col)
            short_points.append(rule.points)
        elif node.is_item:
            parent_rule = scheme.rule(node.parent) if node.parent else None
            per = (
                rule.points
                if isinstance(rule, PerUnmet)
                else (parent_rule.per_unmet if isinstance(parent_rule, Deduct) else 1.0)
            )
            unmet.append(col)
            unmet_points.append(per)

    deduct_codes = tuple(c for c in codes if isinstance(scheme.rule(c), Deduct))
    levels = []
    start = len(by_level[0])
    for level_codes in by_level[1:]:
        parents: list[int] = []
        offsets: list[int] = []
        previous: str | None = None
        for i, code in enumerate(level_codes):
            parent = scheme.node(code).parent
            if parent != previous:
                parents.append(pos[str(parent)])
                offsets.append(i)
                previous = parent
        levels.append(
            _Level(
                start,
                start + len(level_codes),
                np.array(parents, dtype=np.intp),
                np.array(offsets, dtype=np.intp),
            )
        )
        start += len(level_codes)

    def ints(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.intp)

    deduct_pos = ints([pos[c] for c in deduct_codes])
    is_deduct = np.zeros(len(codes), dtype=bool)
    is_deduct[deduct_pos] = True
    findings_col = np.full(len(codes), -1, dtype=np.intp)
    findings_col[deduct_pos] = np.arange(deduct_pos.size)
    with_children = {int(p) for level in levels for p in level.parents}

    return Plan(
        scheme=scheme,
        codes=codes,
        inputs=tuple(inputs),
        deduct_codes=deduct_codes,
        input_pos=ints([pos[c] for c in inputs]),
        lower=np.array(lower, dtype=np.float64),
        upper=np.array(upper, dtype=np.float64),
        lower_closed=np.array(lo_closed, dtype=bool),
        upper_closed=np.array(hi_closed, dtype=bool),
        reference=np.array(reference, dtype=np.float64),
        higher=np.array(higher, dtype=bool),
        points=points,
        prop=ints(prop),
        unmet=ints(unmet),
        unmet_points=np.array(unmet_points, dtype=np.float64),
        short=ints(short),
        short_points=np.array(short_points, dtype=np.float64),
        deduct_pos=deduct_pos,
        is_deduct=is_deduct,
        lone_deduct=ints([int(p) for p in deduct_pos if int(p) not in with_children]),
        findings_col=findings_col,
        levels=tuple(levels),
        n_roots=len(by_level[0]),
    )
