"""What-if and gap to grade: how the total moves when the data changes.

:func:`what_if` re-evaluates an entity with some actuals changed or findings
removed and reports the change in the total and in every node.
:func:`gap_to_grade` answers the planning question "what would it take to reach
the next grade?": it lists every single improvement (an indicator brought to
its target, a finding avoided) with the points it gains per unit of change, and
finds the smallest set of them that lifts the total into the grade's band.

Every number comes from :func:`perfkpi.evaluate`, so the answers follow the
scheme's own rules, floors and rounding.  For many entities,
:func:`what_if_batch` and :func:`gap_to_grade_batch` loop over a list of
:class:`~perfkpi.deductions.Data`; a row that fails gets its reason instead of
stopping the batch.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> what_if(ev, {"1.2": "100%"}).delta
0.02
>>> gap = gap_to_grade(ev)
>>> gap.grade, gap.needed, [s.gain for s in gap.steps], gap.total_after
('优', 1.37, [2.0], 90.63)
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs
import numpy as np

from perfkpi.deductions import Data, Finding
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Comparator, Target, format_number

__all__ = [
    "Change",
    "Gap",
    "GapBatch",
    "GapError",
    "Improvement",
    "Step",
    "WhatIf",
    "WhatIfBatch",
    "gap_to_grade",
    "gap_to_grade_batch",
    "what_if",
    "what_if_batch",
]

Lever = Literal["actuals", "findings"]
LEVERS: tuple[Lever, ...] = ("actuals", "findings")

_Candidate = tuple["Improvement", dict[str, object], list[int]]

MAX_COMBINATIONS = 200_000
"""Sets of improvements considered per size before falling back to greedy."""


class GapError(ValueError, PerfKPIError):
    """A grade that cannot be aimed at, or levers that are not known."""


def _n(value: float) -> str:
    return format_number(round(value, 10))


# -- changes and what-if ---------------------------------------------------------


@attrs.frozen
class Change:
    """One change to an entity's data.

    Attributes
    ----------
    code
        The node whose actual changes, or the node that loses the finding.
    before, after
        The actual before and after; for a removed finding, its points and
        ``None``.
    finding
        The index of the removed finding in the entity's findings, or ``-1``.
    label
        What changes, in words (the node's name, or the finding's reason).
    category
        The category of a removed finding.
    """

    code: str
    before: object
    after: object
    finding: int = -1
    label: str = ""
    category: str = ""

    @property
    def is_finding(self) -> bool:
        """Whether the change removes a finding."""
        return self.finding >= 0

    def describe(self, lang: str = "zh") -> str:
        """Return the change in words."""
        if self.is_finding:
            if lang == "zh":
                where = f"（{self.category}）" if self.category else ""
                return f"避免扣分事项{where}“{self.label}”"
            where = f" ({self.category})" if self.category else ""
            return f"avoid the finding{where} “{self.label}”"
        before, after = _text(self.before), _text(self.after)
        if lang == "zh":
            return f"{self.code} {self.label}由{before}改为{after}"
        return f"{self.code} {self.label}: {before} → {after}"


def _text(value: object) -> str:
    if isinstance(value, float):
        return _n(value)
    return str(value)


def _changes(values: Iterable[Change]) -> tuple[Change, ...]:
    return tuple(values)


@attrs.frozen
class WhatIf:
    """An evaluation before and after some changes.

    Attributes
    ----------
    before, after
        The two evaluations.
    changes
        What changed.
    """

    before: Evaluation
    after: Evaluation
    changes: tuple[Change, ...] = attrs.field(converter=_changes)

    @property
    def delta(self) -> float:
        """The change in the total, rounded as the scheme rounds."""
        return self.before.scheme.rounding.round(self.after.total - self.before.total)

    @property
    def node_deltas(self) -> dict[str, float]:
        """The change in each scored node's score, where it changed."""
        rounding = self.before.scheme.rounding
        out: dict[str, float] = {}
        for code, score in self.after.scores.items():
            old = self.before.scores.get(code)
            if old is not None and score != old:
                out[code] = rounding.round(score - old)
        return out

    def describe(self, lang: str = "zh") -> str:
        """Return the change in the total and the grade, in words."""
        b, a = self.before, self.after
        changes = "；".join(c.describe(lang) for c in self.changes) or "—"
        if lang == "zh":
            return (
                f"{changes}\n总分 {_n(b.total)} → {_n(a.total)}"
                f"（{_signed(self.delta)}分），等级 {b.grade} → {a.grade}"
            )
        return (
            f"{changes}\ntotal {_n(b.total)} → {_n(a.total)} ({_signed(self.delta)}), "
            f"grade {b.grade} → {a.grade}"
        )

    def __str__(self) -> str:
        return self.describe()


def _signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + _n(abs(value))


def _flat(ev: Evaluation) -> Data:
    """Return *ev*'s data with its items as actuals of the evaluated scheme."""
    actuals = dict(ev.data.actuals)
    for item in ev.data.items:
        actuals[item.code] = item.actual
    return attrs.evolve(ev.data, actuals=actuals, items=())


def _apply(data: Data, actuals: Mapping[str, object], drop: Iterable[int]) -> Data:
    dropped = set(drop)
    return attrs.evolve(
        data,
        actuals={**data.actuals, **actuals},
        findings=tuple(f for i, f in enumerate(data.findings) if i not in dropped),
    )


def _finding_label(finding: Finding) -> str:
    return finding.reason or finding.category or finding.node


def _make_changes(
    ev: Evaluation, actuals: Mapping[str, object], drop: Sequence[int]
) -> list[Change]:
    scheme, data = ev.scheme, _flat(ev)
    changes: list[Change] = []
    for code, value in actuals.items():
        if code not in scheme:
            msg = f"no node {code!r} in scheme {scheme.id!r}"
            raise GapError(msg)
        changes.append(
            Change(code, data.actuals.get(code), value, label=scheme.node(code).name)
        )
    for index in drop:
        if not 0 <= index < len(data.findings):
            msg = f"no finding {index}; the entity has {len(data.findings)}"
            raise GapError(msg)
        finding = data.findings[index]
        changes.append(
            Change(
                finding.node,
                finding.points,
                None,
                finding=index,
                label=_finding_label(finding),
                category=finding.category,
            )
        )
    return changes


def what_if(
    ev: Evaluation,
    actuals: Mapping[str, object] | None = None,
    *,
    drop_findings: Iterable[int] = (),
) -> WhatIf:
    """Re-evaluate with some actuals changed or findings removed.

    Parameters
    ----------
    ev
        The evaluation to start from.
    actuals
        New actuals by node code (an item's code included, e.g. ``1.1.5``),
        written as in a data file: ``"100%"``, ``"是"``, ``45``.
    drop_findings
        Indexes, in ``ev.data.findings``, of findings to remove.

    Returns
    -------
    WhatIf
        With the change in the total (:attr:`WhatIf.delta`) and in each node.

    Raises
    ------
    DataError
        If a new actual cannot be read against its node.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> w = what_if(ev, {"1.1.5": "是"}, drop_findings=[4])
    >>> w.delta, w.after.total, w.after.grade
    (2.0, 90.63, '优')
    >>> w.node_deltas
    {'1': 1.0, '2': 1.0, '1.1': 1.0}
    """
    actuals = dict(actuals or {})
    drop = list(drop_findings)
    changes = _make_changes(ev, actuals, drop)
    flat = _flat(ev)
    before = evaluate(ev.scheme, flat)
    after = evaluate(ev.scheme, _apply(flat, actuals, drop))
    return WhatIf(before, after, changes)


# -- gap to grade ---------------------------------------------------------------


@attrs.frozen
class Improvement:
    """One single improvement and what it gains on its own.

    Attributes
    ----------
    change
        The change.
    gain
        Points the total gains when only this change is made.
    size
        The size of the change in its unit: the distance from the actual to
        the target, label steps, or one finding.
    unit
        The unit of *size*: the target's unit, ``级`` (label steps) or
        ``项`` (findings).
    """

    change: Change
    gain: float
    size: float
    unit: str

    @property
    def rate(self) -> float:
        """Points gained per unit of change."""
        return self.gain / self.size if self.size else math.inf

    def describe(self, lang: str = "zh") -> str:
        """Return the improvement, its gain and its rate in words."""
        per = _per_unit(self.unit, lang)
        if lang == "zh":
            return (
                f"{self.change.describe(lang)}：+{_n(self.gain)}分"
                f"（{per}{_n(self.rate)}分）"
            )
        return f"{self.change.describe(lang)}: +{_n(self.gain)} ({_n(self.rate)} {per})"


def _per_unit(unit: str, lang: str) -> str:
    if lang == "zh":
        if unit == "%":
            return "每个百分点"
        return f"每{unit}" if unit in ("级", "项") else f"每1{unit}"
    names = {"%": "per percentage point", "级": "per step", "项": "per finding"}
    return names.get(unit, f"per {unit}" if unit else "per unit")


@attrs.frozen
class Step:
    """One step of a path to a grade, with what it gains in sequence.

    Attributes
    ----------
    improvement
        The improvement, possibly trimmed to what is needed.
    gain
        Points gained by this step after the steps before it.
    total
        The total after this step.
    """

    improvement: Improvement
    gain: float
    total: float

    @property
    def change(self) -> Change:
        """The change made by this step."""
        return self.improvement.change


def _steps(values: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(values)


def _improvements(values: Iterable[Improvement]) -> tuple[Improvement, ...]:
    return tuple(values)


@attrs.frozen
class Gap:
    """The way from an evaluation to a grade.

    Attributes
    ----------
    evaluation
        The evaluation it starts from.
    grade
        The grade aimed at.
    minimum
        The lowest total of that grade.
    steps
        The smallest set of improvements found that reaches the grade, ranked
        by points gained per unit of change, each with its gain in sequence.
    candidates
        Every single improvement considered, ranked the same way.
    after
        The evaluation with every step applied.
    reached
        Whether *after* has the grade aimed at (or a better one).
    """

    evaluation: Evaluation
    grade: str
    minimum: float
    steps: tuple[Step, ...] = attrs.field(converter=_steps)
    candidates: tuple[Improvement, ...] = attrs.field(converter=_improvements)
    after: Evaluation
    reached: bool

    @property
    def needed(self) -> float:
        """Points missing to the grade's minimum (0 when there already)."""
        gap = self.minimum - self.evaluation.total
        return max(self.evaluation.scheme.rounding.round(gap), 0.0)

    @property
    def total_after(self) -> float:
        """The total with every step applied."""
        return self.after.total

    @property
    def changes(self) -> tuple[Change, ...]:
        """The changes of the steps, in order."""
        return tuple(s.change for s in self.steps)

    def describe(self, lang: str = "zh", *, candidates: bool = True) -> str:
        """Return the path to the grade and the ranked candidates in words."""
        ev = self.evaluation
        lines: list[str] = []
        zh = lang == "zh"
        if zh:
            lines.append(
                f"当前总分{_n(ev.total)}分（{ev.grade}）；“{self.grade}”需{_n(self.minimum)}分"
                + (f"，还差{_n(self.needed)}分。" if self.needed else "，已达到。")
            )
        else:
            lines.append(
                f"Total {_n(ev.total)} ({ev.grade}); “{self.grade}” needs "
                f"{_n(self.minimum)}"
                + (
                    f": {_n(self.needed)} points short."
                    if self.needed
                    else ": reached."
                )
            )
        if self.steps:
            if zh:
                lines.append(f"最少改进（{len(self.steps)}项），按每单位改进得分排序：")
            else:
                lines.append(
                    f"Fewest improvements ({len(self.steps)}), ranked by points "
                    "gained per unit of change:"
                )
            for i, step in enumerate(self.steps, start=1):
                pts = "分" if zh else ""
                lines.append(
                    f"  {i}. {step.change.describe(lang)}：+{_n(step.gain)}{pts} → "
                    f"{_n(step.total)}{pts}"
                    if zh
                    else f"  {i}. {step.change.describe(lang)}: +{_n(step.gain)} → "
                    f"{_n(step.total)}"
                )
            a = self.after
            if zh:
                result = "达到" if self.reached else "仍未达到"
                lines.append(
                    f"改进后总分{_n(a.total)}分，等级“{a.grade}”，{result}“{self.grade}”。"
                )
            else:
                result = "reaches" if self.reached else "still misses"
                lines.append(
                    f"After them: {_n(a.total)}, grade {a.grade}; {result} "
                    f"“{self.grade}”."
                )
        elif self.needed:
            lines.append("没有可用的改进。" if zh else "No improvement is available.")
        if candidates and self.candidates:
            lines.append(
                "可选的单项改进（按每单位改进得分排序）："
                if zh
                else "Single improvements, ranked by points per unit of change:"
            )
            lines += [f"  - {c.describe(lang)}" for c in self.candidates]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.describe()


def _next_grade(ev: Evaluation, grade: str | None) -> tuple[str, float]:
    grades = ev.scheme.grades
    bands = list(grades.bands)
    labels = [b.label for b in bands]
    if grade is None:
        current = ev.grade
        if current in labels:
            i = labels.index(current)
            grade = labels[i - 1] if i > 0 else current
        else:
            grade = labels[-1]
    if grade not in labels:
        known = ", ".join(labels)
        msg = f"grade {grade!r} has no band in scale {grades.name!r}; expected {known}"
        raise GapError(msg)
    return grade, bands[labels.index(grade)].minimum


def _rank(ev: Evaluation, grade: str) -> int:
    labels = list(ev.scheme.grades.labels)
    return labels.index(grade) if grade in labels else len(labels)


def _takes_actual(scheme: Scheme, node: Node) -> bool:
    if scheme.children(node.code):
        return False
    if node.is_item:
        return True
    rule = scheme.rule(node.code)
    return rule is not None and getattr(rule, "role", None) == "score"


def _decimals(value: float) -> int:
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def _meeting_value(target: Target, current: float) -> float | str | None:
    """Return the nearest actual that meets *target*, in its unit (or label)."""
    if target.scale is not None:
        return target.scale.label(target.value) if current < target.value else None
    step = 10.0 ** -max(_decimals(target.value), 2)
    c, a = target.comparator, target.value
    if c is Comparator.RANGE:
        upper = target.upper if target.upper is not None else a
        lo = a if target.lower_closed else a + step
        hi = upper if target.upper_closed else upper - step
        return lo if current < lo else hi if current > hi else None
    meeting = {
        Comparator.GE: a,
        Comparator.GT: a + step,
        Comparator.LE: a,
        Comparator.LT: a - step,
        Comparator.EQ: a,
    }[c]
    return None if meeting == current else meeting


def _gain(
    ev: Evaluation, flat: Data, actuals: Mapping[str, object], drop: Sequence[int]
) -> float | None:
    """Return what the total gains with the change, or None if it cannot be read."""
    try:
        after = evaluate(ev.scheme, _apply(flat, actuals, drop))
    except PerfKPIError:
        return None
    return ev.scheme.rounding.round(after.total - ev.total)


def _actual_candidate(ev: Evaluation, flat: Data, node: Node) -> _Candidate | None:
    """Return the improvement that brings *node* to its target, if it gains."""
    code, scheme = node.code, ev.scheme
    if code in ev.not_applicable or not _takes_actual(scheme, node):
        return None
    losing = (
        bool(ev.penalties.get(code))
        if node.is_item
        else ev.scores.get(code, 0.0) < (node.points or 0.0)
    )
    target = node.target
    old = flat.actuals.get(code)
    if not losing or target is None or old is None:
        return None
    try:
        current = target.to_value(old, where=code)
    except PerfKPIError:
        return None
    new = _meeting_value(target, current)
    if new is None:
        return None
    symbol = target.unit.symbol if target.unit else ""
    after: object
    if isinstance(new, str):
        assert target.scale is not None  # noqa: S101 (labels have a scale)
        size, unit, after = abs(target.scale.rank(new) - current), "级", new
    else:
        size, unit, after = abs(new - current), symbol, f"{_n(new)}{symbol}"
    gain = _gain(ev, flat, {code: after}, [])
    if gain is None or gain <= 0:
        return None
    shown = old
    if not isinstance(old, str) and target.scale is None:
        shown = f"{_n(current)}{symbol}"
    change = Change(code, shown, after, label=node.name)
    return Improvement(change, gain, size, unit), {code: after}, []


def _candidates(ev: Evaluation, flat: Data, levers: Sequence[str]) -> list[_Candidate]:
    scheme = ev.scheme
    out: list[_Candidate] = []
    if "actuals" in levers:
        for node in scheme.ordered():
            candidate = _actual_candidate(ev, flat, node)
            if candidate is not None:
                out.append(candidate)
    if "findings" in levers:
        for i, finding in enumerate(flat.findings):
            gain = _gain(ev, flat, {}, [i])
            if gain is None or gain <= 0:
                continue
            change = Change(
                finding.node,
                finding.points,
                None,
                finding=i,
                label=_finding_label(finding),
                category=finding.category,
            )
            out.append((Improvement(change, gain, 1.0, "项"), {}, [i]))
    order = {n.code: i for i, n in enumerate(scheme.ordered())}
    out.sort(
        key=lambda c: (
            -c[0].rate,
            -c[0].gain,
            c[0].change.finding,
            order.get(c[0].change.code, 0),
        )
    )
    return out


def _reaches(ev: Evaluation, grade: str) -> bool:
    return _rank(ev, ev.grade) <= _rank(ev, grade)


def _combine(
    chosen: Sequence[_Candidate],
) -> tuple[dict[str, object], list[int]]:
    actuals: dict[str, object] = {}
    drop: list[int] = []
    for _, a, d in chosen:
        actuals.update(a)
        drop += d
    return actuals, drop


def _search(
    ev: Evaluation,
    flat: Data,
    grade: str,
    need: float,
    cands: list[_Candidate],
    max_changes: int,
) -> list[_Candidate] | None:
    """Return the smallest set of candidates that reaches *grade*, or None."""
    gains = [c[0].gain for c in cands]
    slack = 10.0**-ev.scheme.rounding.places
    for k in range(1, min(max_changes, len(cands)) + 1):
        best = sum(sorted(gains, reverse=True)[:k])
        if best < need - k * slack:
            continue
        combos: list[tuple[float, tuple[int, ...]]] = []
        for combo in itertools.combinations(range(len(cands)), k):
            estimate = math.fsum(gains[i] for i in combo)
            if estimate >= need - k * slack:
                combos.append((estimate, combo))
            if len(combos) > MAX_COMBINATIONS:
                break
        combos.sort()  # the least gain that still reaches: the cheapest change
        for _, combo in combos:
            chosen = [cands[i] for i in combo]
            actuals, drop = _combine(chosen)
            after = evaluate(ev.scheme, _apply(flat, actuals, drop))
            if _reaches(after, grade):
                return chosen
    return None


def _trim(
    ev: Evaluation, flat: Data, grade: str, chosen: list[_Candidate]
) -> list[_Candidate]:
    """Bring numeric changes down to the least value that still reaches *grade*."""
    out = list(chosen)
    for i in reversed(range(len(out))):
        trimmed = _trim_one(ev, flat, grade, out, i)
        if trimmed is not None:
            out[i] = trimmed
    return out


def _trim_one(
    ev: Evaluation, flat: Data, grade: str, chosen: list[_Candidate], i: int
) -> _Candidate | None:
    scheme = ev.scheme
    imp, actuals, drop = chosen[i]
    if len(actuals) != 1 or imp.unit == "级":
        return None
    ((code, new),) = actuals.items()
    target = scheme.node(code).target
    if target is None:
        return None
    old = target.to_value(imp.change.before, where=code)
    goal = target.to_value(new, where=code)
    unit = target.unit.symbol if target.unit else ""
    step = 10.0 ** -max(_decimals(goal), _decimals(old), 2)
    sign = 1.0 if goal >= old else -1.0

    def value(n: int) -> str:
        return f"{_n(old + sign * n * step)}{unit}"

    def works(n: int) -> bool:
        changed: dict[str, object] = {code: value(n)}
        trial: list[_Candidate] = [*chosen[:i], (imp, changed, drop), *chosen[i + 1 :]]
        a, d = _combine(trial)
        return _reaches(evaluate(scheme, _apply(flat, a, d)), grade)

    lo, hi = 1, round(abs(goal - old) / step)
    while lo < hi:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid + 1
    after = value(lo)
    if after == new or not works(lo):
        return None
    size = abs(target.to_value(after, where=code) - old)
    single = evaluate(scheme, _apply(flat, {code: after}, []))
    gain = scheme.rounding.round(single.total - ev.total)
    change = attrs.evolve(imp.change, after=after)
    return Improvement(change, gain, size, imp.unit), {code: after}, drop


def gap_to_grade(
    ev: Evaluation,
    grade: str | None = None,
    *,
    levers: Sequence[str] = LEVERS,
    max_changes: int = 6,
) -> Gap:
    """Find the fewest improvements that lift the total into a grade's band.

    Parameters
    ----------
    ev
        The evaluation to start from.
    grade
        The grade aimed at; by default the next one above ``ev.grade``.
    levers
        What may change: ``"actuals"`` (an indicator brought to its target)
        and ``"findings"`` (a finding avoided).
    max_changes
        The largest set searched exhaustively; beyond it, improvements are
        taken greedily in rank order.

    Returns
    -------
    Gap
        The steps, ranked by points gained per unit of change with each step's
        gain in sequence, and every single improvement considered.

    Raises
    ------
    GapError
        If *grade* has no band in the scheme's scale, or a lever is unknown.

    Notes
    -----
    Each candidate is one change evaluated on its own: an input brought to the
    nearest value that meets its target (a label target: its label; a numeric
    one: its bound, or a hundredth past an open one), or one finding removed.
    Its *rate* is its gain divided by the size of the change in its unit (the
    target's unit, label steps, or findings).  The search tries sets of one
    change, then two, …, and among the sets of the smallest size that reach
    the grade picks the one that gains the least, i.e. asks for the least;
    numeric changes in it are then trimmed to the least value (to a hundredth
    of their unit) that still reaches.  Every set is checked with
    :func:`~perfkpi.evaluate`, so floors, caps and rounding are the scheme's.
    A node floored at zero may need several removals before any one gains:
    such gains are not seen one at a time.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> gap = gap_to_grade(ev, levers=["actuals"])
    >>> [(s.change.code, s.change.after, s.gain) for s in gap.steps]
    [('1.1.5', '是', 1.0), ('1.1.6', '是', 1.0)]
    >>> gap.total_after, gap.after.grade
    (90.63, '优')
    """
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        msg = f"unknown levers {unknown}; expected some of {list(LEVERS)}"
        raise GapError(msg)
    grade, minimum = _next_grade(ev, grade)
    flat = _flat(ev)
    cands = _candidates(ev, flat, levers)
    candidates = [c[0] for c in cands]
    if _reaches(ev, grade):
        return Gap(ev, grade, minimum, (), candidates, ev, reached=True)
    need = ev.scheme.rounding.round(minimum - ev.total)
    chosen = _search(ev, flat, grade, need, cands, max_changes)
    if chosen is None:  # greedy in rank order, as far as it goes
        chosen = []
        for cand in cands:
            chosen.append(cand)
            actuals, drop = _combine(chosen)
            if _reaches(evaluate(ev.scheme, _apply(flat, actuals, drop)), grade):
                break
    else:
        chosen = _trim(ev, flat, grade, chosen)
    chosen.sort(key=lambda c: (-c[0].rate, -c[0].gain))
    steps: list[Step] = []
    applied: list[_Candidate] = []
    total = ev.total
    after = ev
    for cand in chosen:
        applied.append(cand)
        actuals, drop = _combine(applied)
        after = evaluate(ev.scheme, _apply(flat, actuals, drop))
        steps.append(
            Step(cand[0], ev.scheme.rounding.round(after.total - total), after.total)
        )
        total = after.total
    return Gap(
        ev, grade, minimum, steps, candidates, after, reached=_reaches(after, grade)
    )


# -- batches ---------------------------------------------------------------------


def _array_field() -> np.ndarray:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)


def _errors(values: Mapping[int, str]) -> Mapping[int, str]:
    return dict(values)


@attrs.frozen
class WhatIfBatch:
    """The same change applied to many entities.

    Attributes
    ----------
    before, after, delta
        Totals before and after the change, and their difference; NaN for a
        row that could not be evaluated.
    errors
        The reason for each failed row, by row index.
    """

    before: np.ndarray = _array_field()
    after: np.ndarray = _array_field()
    delta: np.ndarray = _array_field()
    errors: Mapping[int, str] = attrs.field(factory=dict, converter=_errors)


def what_if_batch(
    scheme: Scheme,
    data: Sequence[Data | Mapping[str, object]],
    actuals: Mapping[str, object] | None = None,
    *,
    drop_findings: Iterable[int] = (),
) -> WhatIfBatch:
    """Apply the same what-if to every entity of a list.

    Each row is evaluated with :func:`perfkpi.evaluate` before and after; a
    row whose data or change cannot be read gets NaN and its reason.

    Examples
    --------
    >>> import perfkpi
    >>> from perfkpi import Node, Proportional, Scheme
    >>> scheme = Scheme.from_nodes("s", "s", [Node("1", "预算执行率", points=10,
    ...     target="≥100%", rule=Proportional())], points=10)
    >>> batch = what_if_batch(scheme, [{"1": 90}, {"1": 95}, {"1": "x"}], {"1": 100})
    >>> batch.delta.tolist()[:2], list(batch.errors)
    ([1.0, 0.5], [2])
    """
    drop = list(drop_findings)
    n = len(data)
    before = np.full(n, np.nan)
    after = np.full(n, np.nan)
    errors: dict[int, str] = {}
    for row, entity in enumerate(data):
        try:
            w = what_if(evaluate(scheme, entity), actuals, drop_findings=drop)
        except PerfKPIError as exc:
            errors[row] = str(exc)
            continue
        before[row], after[row] = w.before.total, w.after.total
    delta = scheme.rounding.round(after - before)
    return WhatIfBatch(before, after, delta, errors)


def _gaps(values: Iterable[Gap | None]) -> tuple[Gap | None, ...]:
    return tuple(values)


@attrs.frozen
class GapBatch:
    """Gaps to grade for many entities.

    Attributes
    ----------
    gaps
        One :class:`Gap` per row, ``None`` for a row that failed.
    errors
        The reason for each failed row, by row index.
    """

    gaps: tuple[Gap | None, ...] = attrs.field(converter=_gaps)
    errors: Mapping[int, str] = attrs.field(factory=dict, converter=_errors)

    @property
    def needed(self) -> np.ndarray:
        """Points each row is short of its aimed grade (NaN for failed rows)."""
        return np.array([g.needed if g is not None else np.nan for g in self.gaps])

    @property
    def changes(self) -> np.ndarray:
        """How many changes each row needs (-1 for failed rows)."""
        return np.array([len(g.steps) if g is not None else -1 for g in self.gaps])


def gap_to_grade_batch(
    scheme: Scheme,
    data: Sequence[Data | Mapping[str, object]],
    grade: str | None = None,
    *,
    levers: Sequence[str] = LEVERS,
    max_changes: int = 6,
) -> GapBatch:
    """Run :func:`~perfkpi.whatif.gap_to_grade` for every entity of a list.

    A row that cannot be evaluated gets ``None`` and its reason; the batch
    never stops half-way.
    """
    gaps: list[Gap | None] = []
    errors: dict[int, str] = {}
    for row, entity in enumerate(data):
        try:
            ev = evaluate(scheme, entity)
            gaps.append(gap_to_grade(ev, grade, levers=levers, max_changes=max_changes))
        except PerfKPIError as exc:
            errors[row] = str(exc)
            gaps.append(None)
    return GapBatch(gaps, errors)
