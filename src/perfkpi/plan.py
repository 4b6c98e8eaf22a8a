"""Compile a scheme into numpy arrays once, then score any number of entities.

The plan orders nodes breadth first behind a virtual root (the total), so that
each level of the tree is one contiguous block of columns and the children of
each parent are contiguous inside it.  Scoring is then one vectorised kernel
call per distinct leaf rule, and a sum of each parent's children's columns,
added left to right as a person adds them, for the inner nodes.  The
one-entity :func:`~perfkpi.evaluation.evaluate` and the many-entity
:func:`~perfkpi.batch.evaluate_batch` run this same code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.grades import ORDINAL_SCALES, PEFA_GRADES
from perfkpi.rounding import RoundingStage, round_array
from perfkpi.rules import (
    Columns,
    Deduct,
    GradeTable,
    Mean,
    PerUnmet,
    RuleBase,
    Sum,
    WeakestLink,
)
from perfkpi.scheme import Scheme

__all__ = ["Plan", "PlanResult", "compile_plan", "effective_rule"]


def _array_field() -> np.ndarray:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False, repr=False)


@attrs.frozen
class _Group:
    """Input columns scored by one rule value."""

    rule: RuleBase
    cols: np.ndarray = _array_field()
    pos: np.ndarray = _array_field()
    points: np.ndarray = _array_field()
    reference: np.ndarray = _array_field()
    higher: np.ndarray = _array_field()


@attrs.frozen
class _Kind:
    """The parents of one level that aggregate the same way."""

    how: str
    segments: np.ndarray = _array_field()
    parents: np.ndarray = _array_field()
    rules: tuple[GradeTable, ...] = ()


@attrs.frozen
class _Level:
    start: int
    stop: int
    offsets: np.ndarray = _array_field()
    kinds: tuple[_Kind, ...] = ()


@attrs.frozen
class Plan:
    """A scheme compiled to index arrays.  Build it with :func:`compile_plan`.

    Attributes
    ----------
    codes
        Node codes in column order (breadth first); column ``len(codes)`` is the
        total.
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
    points: np.ndarray = _array_field()
    findings_col: np.ndarray = _array_field()
    scored_leaves: np.ndarray = _array_field()
    groups: tuple[_Group, ...] = ()
    levels: tuple[_Level, ...] = ()

    @property
    def total_column(self) -> int:
        """The column of the total in :attr:`PlanResult.scores`."""
        return len(self.codes)

    def run(
        self,
        values: np.ndarray,
        findings: np.ndarray,
        na: np.ndarray | None = None,
        adjust: np.ndarray | None = None,
        *,
        scratch: _Scratch | None = None,
    ) -> PlanResult:
        """Score entities.

        Parameters
        ----------
        values
            Shape ``(N, len(inputs))``: each input's actual as its rule reads it
            (in the target's unit; label ranks for qualitative targets).  NaN
            marks a bad value: the row's affected scores become NaN.
        findings
            Shape ``(N, len(deduct_codes))``: the findings' points per node.
        na
            Shape ``(N, len(codes))``, optional: which nodes are not applicable.
        adjust
            Shape ``(N, len(codes))``, optional: manual adjustments added to
            scored leaves (clipped to ``[0, points]``).
        scratch
            Buffers to score in, reused from call to call (see
            ``_Scratch``); the result's arrays are then views of them,
            good until the next call with the same scratch.

        Returns
        -------
        PlanResult
            Every node's score (an item's column holds the penalty it costs).
        """
        rounding = self.scheme.rounding
        n = values.shape[0]
        width = len(self.codes) + 1
        if scratch is None:
            scratch = _Scratch(n, width)
        scores, full_na = scratch.take(n, width)  # a node's column is contiguous
        met = self._met(values)
        if na is not None:
            full_na[:, : len(self.codes)] = na
        for group in self.groups:
            # a few columns at a time: a rule's temporaries stay small
            for part in _parts(group.cols.size, n):
                at = group.cols[part]
                cols = Columns(
                    group.points[part],
                    group.reference[part],
                    group.higher[part],
                    met[:, at],
                )
                scores[:, group.pos[part]] = group.rule.score(values[:, at], cols)
        if adjust is not None and self.scored_leaves.size:
            leaves = self.scored_leaves
            scores[:, leaves] = np.clip(
                scores[:, leaves] + adjust[:, leaves], 0.0, self.points[leaves]
            )
        leaf_columns = self._leaf_columns
        scores[:, leaf_columns] = rounding.at_leaves(scores[:, leaf_columns])
        if na is not None:
            scores = np.where(full_na, np.nan, scores)

        any_na = na is not None and bool(full_na.any())
        for level in reversed(self.levels):
            _aggregate(self, level, scores, full_na, findings, any_na=any_na)
        if rounding.stage is not RoundingStage.EACH_NODE:
            # node scores are reported rounded; the total was summed unrounded
            scores = round_array(scores, rounding.places, rounding.mode)
        scores[:, -1] = round_array(scores[:, -1], rounding.places, rounding.mode)
        return PlanResult(self, scores, met, full_na)

    def _met(self, values: np.ndarray) -> np.ndarray:
        """Return :func:`perfkpi._kernels.met` of *values*, in two comparisons.

        An open end ``x > a`` is ``x >= nextafter(a, +inf)`` for every float, so
        both ends become closed comparisons (NaN still meets nothing).
        """
        lower = np.where(
            self.lower_closed, self.lower, np.nextafter(self.lower, np.inf)
        )
        upper = np.where(
            self.upper_closed, self.upper, np.nextafter(self.upper, -np.inf)
        )
        met: np.ndarray = values >= lower
        met &= values <= upper
        return met

    @property
    def _leaf_columns(self) -> slice | np.ndarray:
        """Index the input columns of the scores: a slice when they are contiguous.

        A slice is a view, so the leaves are rounded without a gather and a
        scatter (they are contiguous when every input sits on the deepest level).
        """
        pos = self.input_pos
        if pos.size and bool(np.all(np.diff(pos) == 1)):
            return slice(int(pos[0]), int(pos[-1]) + 1)
        return pos


_PART_CELLS = 1 << 16
"""A rule scores about this many values at a time (512 KiB of floats)."""


def _parts(columns: int, rows: int) -> list[slice]:
    """Cut a group's *columns* into runs of about :data:`_PART_CELLS` values."""
    step = max(1, _PART_CELLS // max(rows, 1))
    return [slice(a, min(a + step, columns)) for a in range(0, columns, step)]


class _Scratch:
    """The buffers :meth:`Plan.run` scores in, for up to *rows* entities.

    A batch scores block after block in the same buffers: fresh arrays of a
    block's size each time cost the operating system's page faults (zeroed
    memory is mapped afresh), which can take longer than the scoring.
    """

    def __init__(self, rows: int, width: int) -> None:
        self.scores = np.empty((rows, width), order="F")
        self.na = np.empty((rows, width), dtype=bool, order="F")

    def take(self, rows: int, width: int) -> tuple[np.ndarray, np.ndarray]:
        """Return zeroed scores and not-applicable arrays of *rows* rows."""
        if rows > self.scores.shape[0] or width != self.scores.shape[1]:
            self.scores = np.empty((rows, width), order="F")
            self.na = np.empty((rows, width), dtype=bool, order="F")
        scores, na = self.scores[:rows], self.na[:rows]
        scores.fill(0.0)
        na.fill(False)
        return scores, na


def _lost(plan: Plan, findings: np.ndarray, parents: np.ndarray) -> np.ndarray:
    """Return the findings' points of the deduct nodes *parents* (0 for others)."""
    cols = plan.findings_col[parents]
    out = np.zeros((findings.shape[0], parents.size))
    have = cols >= 0
    if have.any():
        out[:, have] = findings[:, cols[have]]
    return out


def _stops(offsets: np.ndarray, width: int) -> list[tuple[int, int]]:
    """Return each segment's first and last-plus-one column (as ``reduceat``)."""
    starts = offsets.tolist()
    return list(zip(starts, [*starts[1:], width], strict=True))


def _sums(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Return ``np.add.reduceat(values, offsets, axis=1)``, summed left to right.

    The columns of each segment are added one after the other, whatever the
    number of rows (numpy's own reductions sum a single row's many columns
    pairwise, so one entity and a block could differ in the last bit), and a
    column at a time is far quicker than ``reduceat`` across each row's few
    columns.
    """
    out = np.empty((values.shape[0], offsets.size), order="F")
    for s, (a, b) in enumerate(_stops(offsets, values.shape[1])):
        column = out[:, s]
        if b - a <= 1:  # a segment of one (or, as reduceat, an empty one)
            column[:] = values[:, a]
            continue
        np.add(values[:, a], values[:, a + 1], out=column)
        for j in range(a + 2, b):
            column += values[:, j]
    return out


def _segments(ufunc: np.ufunc, values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Return ``ufunc.reduceat(values, offsets, axis=1)`` for an order-free *ufunc*."""
    out = np.empty((values.shape[0], offsets.size), dtype=values.dtype, order="F")
    for s, (a, b) in enumerate(_stops(offsets, values.shape[1])):
        if b - a <= 1:
            out[:, s] = values[:, a]
        else:
            ufunc.reduce(values[:, a:b], axis=1, out=out[:, s])
    return out


def _aggregate(  # noqa: PLR0915
    plan: Plan,
    level: _Level,
    scores: np.ndarray,
    na: np.ndarray,
    findings: np.ndarray,
    *,
    any_na: bool,
) -> None:
    rounding = plan.scheme.rounding
    child = scores[:, level.start : level.stop]
    child_na = na[:, level.start : level.stop]
    weights = plan.points[level.start : level.stop]
    offsets = level.offsets
    sums: np.ndarray | None = None  # the level's segment sums, shared by its kinds
    for kind in level.kinds:
        seg, parents = kind.segments, kind.parents
        points = plan.points[parents]
        how = kind.how
        if how in ("sum", "sum-full", "deduct", "mean") and not any_na:
            if sums is None:
                sums = _sums(child, offsets)
            total = sums[:, seg]
            if how == "deduct":
                result = np.maximum(
                    points - total - _lost(plan, findings, parents), 0.0
                )
            elif how == "mean":
                result = points * total / np.add.reduceat(weights, offsets)[seg]
            else:
                result = total
            all_na = None
        elif how == "sum-full":
            filled = np.where(child_na, weights, child)
            result = _sums(filled, offsets)[:, seg]
            all_na = _segments(np.logical_and, child_na, offsets)[:, seg]
        elif how in ("sum", "mean", "deduct"):
            applicable = np.where(child_na, 0.0, child)
            total = _sums(applicable, offsets)[:, seg]
            all_na = _segments(np.logical_and, child_na, offsets)[:, seg]
            if how == "deduct":
                result = np.maximum(
                    points - total - _lost(plan, findings, parents), 0.0
                )
                all_na = None
            else:
                w_app = np.where(child_na, 0.0, weights)
                den = _sums(w_app, offsets)[:, seg]
                full = np.add.reduceat(weights, offsets)[seg]
                with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                    scaled = points * total / den
                some_na = _segments(np.logical_or, child_na, offsets)[:, seg]
                if how == "sum":
                    result = np.where(some_na, scaled, total)
                else:
                    result = np.where(den == full, points * total / full, scaled)
                # the children that still apply carry no points: there is nothing
                # to reweight onto, so the node does not apply either
                all_na = all_na | (some_na & (den == 0))
        elif how == "geometric":
            w_app = np.where(child_na, 0.0, weights)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                logs = np.where(child_na, 0.0, w_app * np.log(child / weights))
            den = _sums(w_app, offsets)[:, seg]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                result = points * np.exp(_sums(logs, offsets)[:, seg] / den)
            all_na = den == 0
        elif how == "weakest":
            low = _segments(np.minimum, np.where(child_na, np.inf, child), offsets)
            high = _segments(np.maximum, np.where(child_na, -np.inf, child), offsets)
            low, high = low[:, seg], high[:, seg]
            result = np.where(np.isinf(low), np.nan, low + 0.5 * (high > low))
            all_na = np.isinf(low)
        else:  # "table"
            result = _table_lookup(kind, level, child, child_na, plan)
            all_na = _segments(np.logical_and, child_na, offsets)[:, seg]
        if how in ("weakest", "table"):
            scores[:, parents] = result
        else:
            scores[:, parents] = rounding.at_nodes(result)
        if all_na is not None:
            na[:, parents] |= all_na
            scores[:, parents] = np.where(na[:, parents], np.nan, scores[:, parents])


def _table_lookup(
    kind: _Kind,
    level: _Level,
    child: np.ndarray,
    child_na: np.ndarray,
    plan: Plan,
) -> np.ndarray:
    out = np.full((child.shape[0], kind.parents.size), np.nan)
    bounds = [*level.offsets.tolist(), child.shape[1]]
    scale = ORDINAL_SCALES["pefa"]
    for j, (segment, rule) in enumerate(zip(kind.segments, kind.rules, strict=True)):
        lo, hi = bounds[int(segment)], bounds[int(segment) + 1]
        ranks = child[:, lo:hi]
        skip = child_na[:, lo:hi]
        labels = PEFA_GRADES.grade_array(np.where(skip, np.nan, ranks))
        cache: dict[tuple[str, ...], float] = {}
        code = plan.codes[int(kind.parents[j])]
        for i in range(child.shape[0]):
            if np.isnan(ranks[i][~skip[i]]).any():
                continue
            key = tuple(str(x) for x in labels[i] if x)
            if not key:
                continue
            if key not in cache:
                cache[key] = scale.rank(rule.lookup(key, code), code)
            out[i, j] = cache[key]
    return out


@attrs.frozen
class PlanResult:
    """The raw arrays of one run of a plan.

    ``scores`` has one column per node plus a last column for the total; N/A
    nodes hold NaN and are marked in ``na``.
    """

    plan: Plan
    scores: np.ndarray = _array_field()
    met: np.ndarray = _array_field()
    na: np.ndarray = _array_field()

    @property
    def total(self) -> np.ndarray:
        """The totals, one per entity."""
        out: np.ndarray = self.scores[:, -1]
        return out

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


def _how(scheme: Scheme, code: str | None) -> str:
    rule = Sum(scheme.not_applicable) if code is None else scheme.rule(code)
    if isinstance(rule, Sum):
        policy = rule.not_applicable or scheme.not_applicable
        return "sum-full" if policy == "full" else "sum"
    if isinstance(rule, Deduct):
        return "deduct"
    if isinstance(rule, Mean):
        return "geometric" if rule.mean == "geometric" else "mean"
    if isinstance(rule, WeakestLink):
        return "weakest"
    if isinstance(rule, GradeTable):
        return "table"
    msg = f"node {code} has children but rule {rule!r} does not aggregate"
    raise AssertionError(msg)  # the scheme's validation prevents this


def effective_rule(scheme: Scheme, code: str) -> RuleBase | None:
    """Return the rule that reads and scores *code*'s actual, defaults applied.

    An item without its own rule gets its parent's ``per_unmet``; a node that
    aggregates others returns ``None``.

    Raises
    ------
    KeyError
        If *scheme* has no node *code*.
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme` or *code* is not
        text.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    node = scheme.node(code)
    rule = scheme.rule(code)
    if rule is None and node.is_item:
        parent_rule = scheme.rule(str(node.parent))
        per = parent_rule.per_unmet if isinstance(parent_rule, Deduct) else 1.0
        return PerUnmet(points=per)
    if rule is not None and rule.role in ("score", "penalty"):
        return rule
    return None


def compile_plan(scheme: Scheme) -> Plan:  # noqa: PLR0915
    """Compile *scheme* into a :class:`Plan`.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    by_level = _breadth_first(scheme)
    codes = tuple(code for level in by_level for code in level)
    pos = {code: i for i, code in enumerate(codes)}
    points = np.array(
        [
            *(
                p if (p := scheme.node(c).points) is not None else math.nan
                for c in codes
            ),
            scheme.points,
        ]
    )

    inputs: list[str] = []
    rules: list[RuleBase] = []
    lower, upper, lo_closed, hi_closed, reference, higher = [], [], [], [], [], []
    for code in codes:
        rule = effective_rule(scheme, code)
        if rule is None:
            continue
        inputs.append(code)
        rules.append(rule)
        target = scheme.node(code).target
        if target is None:
            lo, hi = -math.inf, math.inf
            lower_closed = upper_closed = True
            ref, up = math.nan, True
        else:
            lo, hi = target.bounds()
            lower_closed, upper_closed = target.lower_closed, target.upper_closed
            ref = target.value if math.isfinite(lo) else hi
            up = target.comparator.value not in "≤<"
        lower.append(lo)
        upper.append(hi)
        lo_closed.append(lower_closed)
        hi_closed.append(upper_closed)
        reference.append(ref)
        higher.append(up)

    grouped: dict[RuleBase, list[int]] = {}
    for col, rule in enumerate(rules):
        grouped.setdefault(rule, []).append(col)
    input_pos = np.array([pos[c] for c in inputs], dtype=np.intp)
    ref_arr = np.array(reference, dtype=np.float64)
    higher_arr = np.array(higher, dtype=bool)
    groups = tuple(
        _Group(
            rule,
            np.array(cols, dtype=np.intp),
            input_pos[cols],
            points[input_pos[cols]],
            ref_arr[cols],
            higher_arr[cols],
        )
        for rule, cols in grouped.items()
    )

    deduct_codes = tuple(c for c in codes if isinstance(scheme.rule(c), Deduct))
    findings_col = np.full(len(codes) + 1, -1, dtype=np.intp)
    for i, code in enumerate(deduct_codes):
        findings_col[pos[code]] = i

    levels = []
    parent_levels: list[Sequence[str | None]] = [[None], *by_level[:-1]]
    start = 0
    for level_codes, parent_codes in zip(by_level, parent_levels, strict=True):
        segment_of: dict[str | None, int] = {}
        offsets: list[int] = []
        for i, code in enumerate(level_codes):
            parent = scheme.node(code).parent
            if parent not in segment_of:
                segment_of[parent] = len(offsets)
                offsets.append(i)
        kinds: dict[str, list[str | None]] = {}
        for parent in parent_codes:
            if parent in segment_of:
                kinds.setdefault(_how(scheme, parent), []).append(parent)
        levels.append(
            _Level(
                start,
                start + len(level_codes),
                np.array(offsets, dtype=np.intp),
                tuple(
                    _Kind(
                        how,
                        np.array([segment_of[p] for p in members], dtype=np.intp),
                        np.array(
                            [len(codes) if p is None else pos[p] for p in members],
                            dtype=np.intp,
                        ),
                        tuple(
                            r
                            for p in members
                            if p is not None
                            and isinstance(r := scheme.rule(p), GradeTable)
                        ),
                    )
                    for how, members in kinds.items()
                ),
            )
        )
        start += len(level_codes)

    # deduct nodes without children still aggregate: their findings alone
    lone = [c for c in deduct_codes if not scheme.children(c)]
    if lone:
        levels.append(_lone_deduct_level(lone, pos, len(codes)))

    scored = [
        pos[c]
        for c, r in zip(inputs, rules, strict=True)
        if r.role == "score" and scheme.node(c).points is not None
    ]
    return Plan(
        scheme=scheme,
        codes=codes,
        inputs=tuple(inputs),
        deduct_codes=deduct_codes,
        input_pos=input_pos,
        lower=np.array(lower, dtype=np.float64),
        upper=np.array(upper, dtype=np.float64),
        lower_closed=np.array(lo_closed, dtype=bool),
        upper_closed=np.array(hi_closed, dtype=bool),
        points=points,
        findings_col=findings_col,
        groups=groups,
        levels=tuple(levels),
        scored_leaves=np.array(scored, dtype=np.intp),
    )


def _lone_deduct_level(lone: list[str], pos: dict[str, int], width: int) -> _Level:
    """Return a pseudo-level that scores deduct nodes without children.

    The total's column (index *width*) is zero while levels run deepest first,
    so it serves as the zero child; reversed order runs this level first.
    """
    return _Level(
        width,
        width + 1,
        np.zeros(len(lone), dtype=np.intp),
        (
            _Kind(
                "deduct",
                np.zeros(len(lone), dtype=np.intp),
                np.array([pos[c] for c in lone], dtype=np.intp),
            ),
        ),
    )
