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

import datetime as dt
import decimal
import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.deductions import Data, Finding
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.rules import _TIERS, Bands, Categorical, Checklist, Qualitative
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

Lever = Literal[
    "numbers", "dates", "tiers", "checklists", "categories", "items", "findings"
]
LEVERS: tuple[Lever, ...] = (
    "numbers",
    "dates",
    "tiers",
    "checklists",
    "categories",
    "items",
    "findings",
)
"""Every lever :func:`gap_to_grade` can pull."""

_ALIASES: dict[str, tuple[Lever, ...]] = {"actuals": LEVERS[:-1], "all": LEVERS}

MAX_CHANGES = 64
"""The largest ``max_changes``: sets searched one size at a time up to it."""

MAX_COMBINATIONS = 200_000
"""Sets of improvements collected per size, at most."""


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
    lever
        The kind of change: ``numbers``, ``dates``, ``tiers``, ``checklists``,
        ``categories``, ``items`` or ``findings`` (see :func:`gap_to_grade`);
        ``""`` for a change given by hand.
    note
        A word on the change (``按期完成``: done by the deadline).
    """

    code: str
    before: object
    after: object
    finding: int = -1
    label: str = ""
    category: str = ""
    lever: str = ""
    note: str = ""

    @property
    def is_finding(self) -> bool:
        """Whether the change removes a finding."""
        return self.finding >= 0

    def to_dict(self) -> dict[str, Any]:
        """Return the change as plain, JSON-able data (dates as ISO text)."""
        out = attrs.asdict(self, recurse=False)
        out["before"], out["after"] = _plain(self.before), _plain(self.after)
        return out

    def describe(self, lang: str = "zh") -> str:  # noqa: PLR0911 (one per form)
        """Return the change in words."""
        zh = lang == "zh"
        if self.is_finding:
            if zh:
                where = f"（{self.category}）" if self.category else ""
                return f"避免扣分事项{where}“{self.label}”"
            where = f" ({self.category})" if self.category else ""
            return f"avoid the finding{where} “{self.label}”"
        before, after = _text(self.before, lang), _text(self.after, lang)
        english = _NOTES_EN.get(self.note, self.note)
        note = (f"（{self.note}）" if zh else f" ({english})") if self.note else ""
        if isinstance(self.after, dt.date):
            if zh:
                return f"{self.code} {self.label}完成日期由{before}提前至{after}{note}"
            return f"{self.code} {self.label}: done {after} instead of {before}{note}"
        if self.lever in ("tiers", "checklists") and zh:
            return f"{self.code} {self.label}由{before}提升至{after}{note}"
        if zh:
            return f"{self.code} {self.label}由{before}改为{after}{note}"
        return f"{self.code} {self.label}: {before} → {after}{note}"


_NOTES_EN = {"按期完成": "on time"}


def _plain(value: object) -> object:
    """Return *value* as JSON-able data: dates as ISO text, tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _text(value: object, lang: str = "zh") -> str:  # noqa: PLR0911 (one per form)
    if isinstance(value, float):
        return _n(value)
    if isinstance(value, dt.date):
        return (
            f"{value.year}年{value.month}月{value.day}日"
            if lang == "zh"
            else str(value)
        )
    if isinstance(value, Mapping) and set(value) == {"tier", "score"}:
        score = _n(float(value["score"]))
        if lang == "zh":
            return f"“{value['tier']}”（{score}分）"
        return f"“{value['tier']}” ({score} points)"
    if isinstance(value, list | tuple):
        if not value:
            return "（无）" if lang == "zh" else "(none)"
        return "“" + "、".join(str(v) for v in value) + "”"
    return str(value)


def _changes(values: Iterable[Change]) -> tuple[Change, ...]:
    return _checks.instances(values, Change, "a what-if's changes")


@attrs.frozen
class WhatIf:
    """An evaluation before and after some changes.

    Attributes
    ----------
    before, after
        The two evaluations.
    changes
        What changed.

    Raises
    ------
    TypeError
        If *changes* is not a list of :class:`Change` (the evaluations are
        kept as given: :func:`what_if` builds what-ifs).
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

    def to_dict(self) -> dict[str, Any]:
        """Return the what-if as plain, JSON-able data.

        The totals and grades before and after, the change in the total, the
        change in each node that changed, and the changes made.
        """
        return {
            "total_before": self.before.total,
            "total_after": self.after.total,
            "delta": self.delta,
            "grade_before": self.before.grade,
            "grade_after": self.after.grade,
            "node_deltas": self.node_deltas,
            "changes": [c.to_dict() for c in self.changes],
        }

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


def _indexes(values: Iterable[int]) -> list[int]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"drop_findings must be a list of finding indexes (got {given!r:.60})"
        raise TypeError(msg)
    out = list(given)
    for index in out:
        if isinstance(index, bool) or not isinstance(index, int):
            msg = f"drop_findings must be whole numbers (got {index!r:.60} in it)"
            raise TypeError(msg)
    return out


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
    GapError
        If *actuals* names a node the scheme does not have, or
        *drop_findings* a finding the entity does not have.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation`, *actuals*
        neither a mapping nor ``None``, or *drop_findings* not a list of whole
        numbers.

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
    _checks.instance(ev, Evaluation, "the evaluation")
    given: object = actuals
    if given is not None and not isinstance(given, Mapping):
        msg = f"actuals must be a mapping of node code to value (got {given!r:.60})"
        raise TypeError(msg)
    actuals = dict(actuals or {})
    drop = _indexes(drop_findings)
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
        the target, days, tiers or categories climbed, checklist items, or
        one finding.
    unit
        The unit of *size*: the target's unit, ``天`` (days), ``档`` (tiers),
        ``级`` (label or category steps) or ``项`` (items, findings).
    places
        The decimal places the rate is written with: 2, or more when the
        scheme rounds to more.
    """

    change: Change
    gain: float
    size: float
    unit: str
    places: int = 2

    @property
    def rate(self) -> float:
        """Points gained per unit of change."""
        return self.gain / self.size if self.size else math.inf

    def rate_text(self) -> str:
        """Return the rate rounded to :attr:`places` decimals."""
        if math.isinf(self.rate):
            return "∞"
        return format_number(round(self.rate, self.places))

    def describe(self, lang: str = "zh") -> str:
        """Return the improvement, its gain and its rate in words."""
        per = _per_unit(self.unit, lang)
        if lang == "zh":
            return (
                f"{self.change.describe(lang)}：+{_n(self.gain)}分"
                f"（{per}{self.rate_text()}分）"
            )
        return (
            f"{self.change.describe(lang)}: +{_n(self.gain)} ({self.rate_text()} {per})"
        )


def _per_unit(unit: str, lang: str) -> str:
    if lang == "zh":
        if unit == "%":
            return "每个百分点"
        return f"每{unit}" if unit in ("级", "项", "档", "天", "名") else f"每1{unit}"
    names = {
        "%": "per percentage point",
        "级": "per step",
        "项": "per item",
        "档": "per tier",
        "天": "per day",
        "名": "per place",
    }
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
    return _checks.instances(values, Step, "a gap's steps")


def _improvements(values: Iterable[Improvement]) -> tuple[Improvement, ...]:
    return _checks.instances(values, Improvement, "a gap's candidates")


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

    Raises
    ------
    TypeError
        If *steps* is not a list of :class:`Step` or *candidates* not a list of
        :class:`Improvement` (the other fields are kept as given:
        :func:`gap_to_grade` builds gaps).
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

    def to_dict(self) -> dict[str, Any]:
        """Return the gap as plain, JSON-able data.

        The grade aimed at, its minimum, the total and grade now, the points
        needed, whether the steps reach it, the total after them, and each
        step and candidate with its change, gain and size.
        """

        def improvement(i: Improvement) -> dict[str, Any]:
            return {
                "change": i.change.to_dict(),
                "gain": i.gain,
                "size": i.size,
                "unit": i.unit,
            }

        return {
            "grade": self.grade,
            "minimum": self.minimum,
            "total": self.evaluation.total,
            "current_grade": self.evaluation.grade,
            "needed": self.needed,
            "reached": self.reached,
            "total_after": self.total_after,
            "steps": [
                {**improvement(s.improvement), "step_gain": s.gain, "total": s.total}
                for s in self.steps
            ],
            "candidates": [improvement(c) for c in self.candidates],
        }

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


def _rank(scheme: Scheme, grade: str) -> int:
    labels = list(scheme.grades.labels)
    return labels.index(grade) if grade in labels else len(labels)


def _levers(levers: Sequence[str]) -> frozenset[str]:
    given: object = levers  # callers without mypy may pass anything
    if isinstance(given, str):
        given = (given,)
    if isinstance(given, bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"levers must be a list of lever names (got {given!r:.60})"
        raise TypeError(msg)
    chosen: set[str] = set()
    unknown: list[str] = []
    for lever in given:
        if not isinstance(lever, str):
            unknown.append(repr(lever))
        elif lever in _ALIASES:
            chosen.update(_ALIASES[lever])
        elif lever in LEVERS:
            chosen.add(lever)
        else:
            unknown.append(str(lever))
    if unknown:
        known = [*LEVERS, *_ALIASES]
        msg = f"unknown levers {sorted(unknown)}; expected some of {known}"
        raise GapError(msg)
    return frozenset(chosen)


def _lever_of(scheme: Scheme, node: Node) -> str | None:  # noqa: PLR0911
    """Return the lever that moves *node*'s actual, or None if none does."""
    if scheme.children(node.code):
        return None
    if node.is_item:
        return "items"
    rule = scheme.rule(node.code)
    if rule is None or getattr(rule, "role", None) != "score":
        return None
    special = {"qualitative": "tiers", "categorical": "categories"}
    if rule.kind in special:
        return special[rule.kind]
    if rule.kind == "checklist":
        return "checklists"
    target = node.target
    if isinstance(rule, Bands):
        target = rule.bands[0].when  # the bands share one unit
    if target is None:
        return None
    return {"date": "dates", "label": "tiers"}.get(target.kind, "numbers")


def _decimals(value: float) -> int:
    text = format_number(value)
    return len(text.split(".")[1]) if "." in text else 0


def _meeting_value(target: Target, current: float) -> float | str | None:
    """Return the nearest actual that meets *target*, in its unit (or label)."""
    if target.scale is not None:
        return target.scale.label(target.value) if current < target.value else None
    places = 0 if target.kind in ("date", "rank") else max(_decimals(target.value), 2)
    step = 10.0**-places
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


# -- one engine for every trial --------------------------------------------------

_State = tuple[Mapping[str, object], Mapping[str, float]]
"""New actuals by node code, and finding points removed by node code."""


class _NotBatchableError(Exception):
    """Some value cannot go through :func:`perfkpi.evaluate_batch`."""


class _Engine:
    """Evaluate trial changes without carrying every finding each time.

    A scheme's score depends on its findings only through the sum of their
    points on each ``deduct`` node, so each trial runs on data holding one
    finding per node: the node's sum (added in the data's order, as
    :func:`perfkpi.evaluate` adds them) less the points removed.  Many trials
    at once go through :func:`perfkpi.evaluate_batch` when their values allow
    it, checked against the evaluation the search starts from.
    """

    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev
        self.scheme = ev.scheme
        self.flat = _flat(ev)
        sums: dict[str, float] = {}
        for finding in self.flat.findings:
            sums[finding.node] = sums.get(finding.node, 0.0) + float(
                finding.points or 0.0
            )
        self.sums = sums
        self.batch_ok = not self.flat.inputs

    def data(self, state: _State) -> Data:
        actuals, removed = state
        findings = []
        for node, total in self.sums.items():
            left = total - removed.get(node, 0.0)
            if left > _EPS:
                findings.append(Finding(node, left, "合计"))
        return attrs.evolve(
            self.flat, actuals={**self.flat.actuals, **actuals}, findings=findings
        )

    def evaluate(self, state: _State) -> Evaluation:
        return evaluate(self.scheme, self.data(state))

    def totals(self, states: Sequence[_State]) -> list[tuple[float, str] | None]:
        """Return the total and grade of each state (None: it cannot be read)."""
        if self.batch_ok and len(states) > 2:  # noqa: PLR2004 (a batch pays off)
            try:
                return self.batch(states)
            except _NotBatchableError:
                pass  # these values: one by one; other trials may still batch
            except Exception:  # noqa: BLE001 (only a shortcut: the slow road follows)
                self.batch_ok = False
        out: list[tuple[float, str] | None] = []
        for state in states:
            try:
                e = self.evaluate(state)
            except PerfKPIError:
                out.append(None)
            else:
                out.append((e.total, e.grade))
        return out

    def batch(self, states: Sequence[_State]) -> list[tuple[float, str] | None]:
        from perfkpi.batch import evaluate_batch  # noqa: PLC0415 (no import cycle)

        rows: list[_State] = [({}, {}), *states]
        n = len(rows)

        def plain(value: object) -> bool:
            return not isinstance(value, bool) and isinstance(value, str | int | float)

        # each column is its base value repeated, patched where a row changes it
        table: dict[str, list[object]] = {}
        for code, value in self.flat.actuals.items():
            if not plain(value):
                raise _NotBatchableError
            table[code] = [value] * n
        for r, (actuals, _) in enumerate(rows):
            for code, value in actuals.items():
                if not plain(value):
                    raise _NotBatchableError
                if code not in table:
                    raise _NotBatchableError  # no base value to fill the others
                table[code][r] = value
        for node, total in self.sums.items():
            table[f"findings:{node}"] = [
                max(total - removed.get(node, 0.0), 0.0) for _, removed in rows
            ]
        for code in self.flat.not_applicable:
            table[f"na:{code}"] = [True] * n
        adjust: dict[str, float] = {}
        for a in self.flat.adjustments:
            adjust[a.node] = adjust.get(a.node, 0.0) + a.points
        for code, points in adjust.items():
            table[f"adjust:{code}"] = [points] * n
        result = evaluate_batch(self.scheme, table)
        totals = [float(t) for t in result.total]
        grades = [str(g) for g in result.grades]
        if totals[0] != self.ev.total or grades[0] != self.ev.grade:
            self.batch_ok = False  # not the same numbers: take the slow road
            raise _NotBatchableError
        return [
            None if math.isnan(t) else (t, g)
            for t, g in zip(totals[1:], grades[1:], strict=True)
        ]


_EPS = 1e-9


# -- candidates ------------------------------------------------------------------


@attrs.frozen
class _Candidate:
    improvement: Improvement
    actuals: Mapping[str, object]
    drop: tuple[int, ...] = ()
    key: str = ""  # candidates with the same key exclude each other
    removed: Mapping[str, float] = attrs.field(factory=dict)

    @property
    def gain(self) -> float:
        return self.improvement.gain


@attrs.frozen
class _Option:
    code: str
    lever: str
    before: object
    after: object
    size: float
    unit: str
    note: str = ""


def _current(node: Node, ev: Evaluation) -> bool:
    """Return whether *node* loses points now."""
    if node.is_item:
        return bool(ev.penalties.get(node.code))
    return ev.scores.get(node.code, 0.0) < (node.points or 0.0)


def _options(  # noqa: PLR0911 (one return per kind of rule)
    ev: Evaluation, flat: Data, node: Node, lever: str
) -> list[_Option]:
    """Return the better actuals *node* could have, nearest first."""
    old = flat.actuals.get(node.code)
    if old is None or node.code in ev.not_applicable or not _current(node, ev):
        return []
    rule = ev.scheme.rule(node.code)
    try:
        if isinstance(rule, Qualitative):
            return _tier_options(node, old)
        if isinstance(rule, Categorical):
            return _category_options(node, rule, old)
        if isinstance(rule, Checklist):
            return _checklist_options(node, rule, old)
        if isinstance(rule, Bands):
            return _band_options(ev, node, rule, lever, old)
        return _target_options(node, lever, old, node.target)
    except PerfKPIError:
        return []


def _band_options(
    ev: Evaluation, node: Node, rule: Bands, lever: str, old: object
) -> list[_Option]:
    """Return the nearest actual in each band that scores more than now."""
    have = ev.scores.get(node.code, 0.0)
    out: list[_Option] = []
    for band in rule.bands:
        if band.score <= have:
            continue
        for option in _target_options(node, lever, old, band.when):
            if all(o.after != option.after for o in out):
                out.append(option)
    return out


def _target_options(
    node: Node, lever: str, old: object, target: Target | None
) -> list[_Option]:
    if target is None:
        return []
    current = target.to_value(old, where=node.code)
    new = _meeting_value(target, current)
    if new is None:
        return []
    symbol = target.unit.symbol if target.unit else ""
    if isinstance(new, str):
        assert target.scale is not None  # noqa: S101 (labels have a scale)
        size = abs(target.scale.rank(new) - current)
        return [_Option(node.code, lever, old, new, size, "级")]
    if target.kind == "date":
        before = dt.date.fromordinal(int(current))
        after = dt.date.fromordinal(int(new))
        on_time = target is node.target and target.is_met(after)
        note = "按期完成" if on_time else ""
        return [
            _Option(node.code, lever, before, after, abs(new - current), "天", note)
        ]
    if target.kind == "rank":
        place = f"第{round(new)}名"
        shown_rank = old if isinstance(old, str) else f"第{round(current)}名"
        return [_Option(node.code, lever, shown_rank, place, abs(new - current), "名")]
    shown = old
    if not isinstance(old, str):
        shown = f"{_n(current)}{symbol}"
    return [
        _Option(
            node.code, lever, shown, f"{_n(new)}{symbol}", abs(new - current), symbol
        )
    ]


def _tier_options(node: Node, old: object) -> list[_Option]:
    points = node.points or 0.0
    w = decimal.Decimal(repr(points))
    bands = [
        (names[0], float(decimal.Decimal(repr(lo)) * w), names)
        for names, lo, _, _ in _TIERS
    ]  # best tier first
    if isinstance(old, Mapping):
        tier = str(old.get("tier", "")).strip()
        score = float(old.get("score", 0.0))
        level = next(
            (i for i, (_, _, names) in enumerate(bands) if tier in names), None
        )
    else:
        score = float(old) if isinstance(old, int | float) else math.nan
        level = next((i for i, (_, low, _) in enumerate(bands) if score >= low), None)
    if level is None or math.isnan(score):
        return []
    before = {"tier": bands[level][0], "score": score}
    return [
        _Option(
            node.code, "tiers", before, {"tier": name, "score": low}, level - i, "档"
        )
        for i, (name, low, _) in enumerate(bands[:level])
        if low > score
    ][::-1]


def _category_options(node: Node, rule: Categorical, old: object) -> list[_Option]:
    label = str(old).strip()
    if label not in rule.scores:
        return []
    have = rule.scores[label]
    better = sorted(
        (points, name) for name, points in rule.scores.items() if points > have
    )
    ladder = sorted({p for p in rule.scores.values() if p >= have})
    return [
        _Option(node.code, "categories", old, name, ladder.index(points), "级")
        for points, name in better
    ]


_MAX_CHECKLIST_OPTIONS = 20


def _checklist_options(node: Node, rule: Checklist, old: object) -> list[_Option]:
    points = node.points or 0.0
    options: list[_Option] = []
    if isinstance(old, list | tuple):
        present = [str(x).strip() for x in old]
        missing = [i for i in rule.items if i not in present]
        for j in range(1, len(missing) + 1):
            after = (*present, *missing[:j])
            options.append(
                _Option(node.code, "checklists", tuple(present), after, j, "项")
            )
            if rule.per * len(set(after)) >= points:
                break
        return options[:_MAX_CHECKLIST_OPTIONS]
    if isinstance(old, bool) or not isinstance(old, int | float) or rule.per <= 0:
        return []
    count = int(old)
    most = len(rule.items) if rule.items else math.ceil(points / rule.per)
    for j in range(1, min(most - count, _MAX_CHECKLIST_OPTIONS) + 1):
        options.append(_Option(node.code, "checklists", count, count + j, j, "项"))
        if rule.per * (count + j) >= points:
            break
    return options


def _candidates(
    engine: _Engine, levers: frozenset[str], places: int
) -> list[_Candidate]:
    """Return every single improvement that gains, ranked, and its gain."""
    ev, flat, scheme = engine.ev, engine.flat, engine.scheme
    options: list[_Option] = []
    for node in scheme.ordered():
        lever = _lever_of(scheme, node)
        if lever is not None and lever in levers:
            options += _options(ev, flat, node, lever)
    groups: dict[tuple[str, float], list[int]] = {}
    if "findings" in levers:
        for i, finding in enumerate(flat.findings):
            groups.setdefault((finding.node, float(finding.points or 0.0)), []).append(
                i
            )
    # items alike (same parent, rule, target, actual and change) gain alike:
    # one trial each
    alike: dict[tuple[str, ...], int] = {}
    trial_of: list[int] = []
    states: list[_State] = []
    for o in options:
        key = _alike(scheme, o)
        if key is None or key not in alike:
            if key is not None:
                alike[key] = len(states)
            trial_of.append(len(states))
            states.append(({o.code: o.after}, {}))
        else:
            trial_of.append(alike[key])
    first_group = len(states)
    states += [({}, {node: points}) for node, points in groups]
    results = engine.totals(states)
    rounding = scheme.rounding
    out: list[_Candidate] = []
    for option, trial in zip(options, trial_of, strict=True):
        result = results[trial]
        if result is None:
            continue
        gain = rounding.round(result[0] - ev.total)
        if gain <= 0:
            continue
        node = scheme.node(option.code)
        change = Change(
            option.code,
            option.before,
            option.after,
            label=node.name,
            lever=option.lever,
            note=option.note,
        )
        improvement = Improvement(change, gain, option.size, option.unit, places)
        out.append(
            _Candidate(improvement, {option.code: option.after}, key=option.code)
        )
    for (code, points), result in zip(groups, results[first_group:], strict=True):
        if result is None:
            continue
        gain = rounding.round(result[0] - ev.total)
        if gain <= 0:
            continue
        for i in groups[(code, points)]:
            finding = flat.findings[i]
            change = Change(
                finding.node,
                finding.points,
                None,
                finding=i,
                label=_finding_label(finding),
                category=finding.category,
                lever="findings",
            )
            improvement = Improvement(change, gain, 1.0, "项", places)
            out.append(_Candidate(improvement, {}, (i,), "", {code: points}))
    order = {n.code: i for i, n in enumerate(scheme.ordered())}
    out.sort(
        key=lambda c: (
            -c.improvement.rate,
            -c.gain,
            c.improvement.change.finding,
            order.get(c.improvement.change.code, 0),
        )
    )
    return out


def _alike(scheme: Scheme, option: _Option) -> tuple[str, ...] | None:
    """Return what makes an item's change gain what another's gains, or None."""
    node = scheme.node(option.code)
    if not node.is_item or node.parent is None:
        return None
    return (
        node.parent,
        repr(scheme.rule(node.code)),
        str(node.target),
        repr(option.before),
        repr(option.after),
    )


def _state(chosen: Iterable[_Candidate]) -> _State:
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in chosen:
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
    return actuals, removed


def _first(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """Return the least i in [lo, hi] with ok(i), for a monotone *ok* (else *hi*)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _drops(chosen: Iterable[_Candidate]) -> list[int]:
    return [i for c in chosen for i in c.drop]


# -- the search ------------------------------------------------------------------

_CHECKS_PER_ROUND = 64
MAX_CHECKS = 2_048
"""Sets verified by evaluation per size before the search moves on."""


@attrs.frozen
class _Class:
    """Candidates that gain the same and may be taken several times."""

    gain: float
    members: tuple[_Candidate, ...]
    key: str


def _classes(cands: Sequence[_Candidate]) -> list[_Class]:
    groups: dict[tuple[str, float], list[_Candidate]] = {}
    out: list[_Class] = []
    for c in cands:
        if c.drop:
            ((node, points),) = c.removed.items()
            groups.setdefault((node, points), []).append(c)
        else:
            out.append(_Class(c.gain, (c,), c.key))
    out += [_Class(m[0].gain, tuple(m), "") for m in groups.values()]
    out.sort(key=lambda k: -k.gain)
    return out


def _sets(
    classes: Sequence[_Class], k: int, threshold: float, limit: int
) -> list[tuple[float, list[tuple[int, int]]]]:
    """Return sets of *k* candidates whose gains add up to *threshold* or more.

    Each set is a list of (class, how many of its members); at most *limit*
    sets, found depth first over the classes sorted by gain, best first.
    """
    units: list[float] = []  # each class's gain, repeated up to k times
    start: list[int] = []
    for c in classes:
        start.append(len(units))
        units += [c.gain] * min(len(c.members), k)
    prefix = [0.0, *itertools.accumulate(units)]

    def best(i: int, r: int) -> float:
        a = start[i] if i < len(start) else len(units)
        b = min(a + r, len(units))
        return prefix[b] - prefix[a] if b - a == r else -math.inf

    out: list[tuple[float, list[tuple[int, int]]]] = []
    chosen: list[tuple[int, int]] = []
    keys: set[str] = set()

    def walk(i: int, r: int, total: float) -> None:
        for j in range(i, len(classes)):
            if len(out) >= limit or total + best(j, r) < threshold:
                return
            c = classes[j]
            if c.key and c.key in keys:
                continue
            for n in range(min(len(c.members), r), 0, -1):
                chosen.append((j, n))
                keys.add(c.key)
                if r == n:
                    if total + n * c.gain >= threshold:
                        out.append((total + n * c.gain, list(chosen)))
                else:
                    walk(j + 1, r - n, total + n * c.gain)
                chosen.pop()
                keys.discard(c.key)
                if len(out) >= limit:
                    return

    walk(0, k, 0.0)
    return out


def _search(
    engine: _Engine,
    grade: str,
    need: float,
    cands: Sequence[_Candidate],
    max_changes: int,
) -> list[_Candidate] | None:
    """Return the smallest set of candidates that reaches *grade*, or None."""
    classes = _classes(cands)
    slack = 10.0**-engine.scheme.rounding.places
    target = _rank(engine.scheme, grade)
    for k in range(1, max_changes + 1):
        sets = _sets(classes, k, need - k * slack, MAX_COMBINATIONS)
        sets.sort(key=lambda s: s[0])  # the least gain that still reaches
        for first in range(0, min(len(sets), MAX_CHECKS), _CHECKS_PER_ROUND):
            chunk = sets[first : first + _CHECKS_PER_ROUND]
            picks = [
                [m for j, n in combo for m in classes[j].members[:n]]
                for _, combo in chunk
            ]
            results = engine.totals([_state(p) for p in picks])
            for pick, result in zip(picks, results, strict=True):
                if result is not None and _rank(engine.scheme, result[1]) <= target:
                    return pick
    return None


def _greedy(
    engine: _Engine, grade: str, cands: Sequence[_Candidate]
) -> list[_Candidate]:
    """Take candidates in rank order until the grade is reached (or all are).

    A candidate that excludes one already taken replaces it when it gains
    more.  The first reaching prefix is found by bisection.
    """
    target = _rank(engine.scheme, grade)
    # the sequence of sets, as the candidate taken at each step (and the one it
    # replaces), with the state after each step, built in one pass
    taken: list[tuple[_Candidate, _Candidate | None]] = []
    states: list[_State] = []
    by_key: dict[str, _Candidate] = {}
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in cands:
        replaced = by_key.get(c.key) if c.key else None
        if replaced is not None and c.gain <= replaced.gain:
            continue
        if c.key:
            by_key[c.key] = c
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
        taken.append((c, replaced))
        states.append((dict(actuals), dict(removed)))
    if not taken:
        return []

    def reaches(i: int) -> bool:
        (result,) = engine.totals([states[i]])
        return result is not None and _rank(engine.scheme, result[1]) <= target

    hi = len(taken) - 1
    if reaches(hi):
        hi = _first(0, hi, reaches)
    chosen: dict[int, _Candidate] = {}
    for c, replaced in taken[: hi + 1]:
        if replaced is not None:
            del chosen[id(replaced)]
        chosen[id(c)] = c
    return list(chosen.values())


def _trim(engine: _Engine, grade: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """Bring numeric and date changes down to the least that still reaches."""
    out = list(chosen)
    for i in reversed(range(len(out))):
        trimmed = _trim_one(engine, grade, out, i)
        if trimmed is not None:
            out[i] = trimmed
    return out


def _trim_one(
    engine: _Engine, grade: str, chosen: list[_Candidate], i: int
) -> _Candidate | None:
    scheme = engine.scheme
    cand = chosen[i]
    imp = cand.improvement
    if cand.drop or imp.unit in ("级", "档", "项") or len(cand.actuals) != 1:
        return None
    ((code, new),) = cand.actuals.items()
    target = scheme.node(code).target
    rule = scheme.rule(code)
    if isinstance(rule, Bands):
        target = rule.bands[0].when  # read in the bands' unit
    if target is None:
        return None
    dates = target.kind == "date"
    old = target.to_value(imp.change.before, where=code)
    goal = target.to_value(new, where=code)
    unit = target.unit.symbol if target.unit and not dates else ""
    step = 1.0 if dates else 10.0 ** -max(_decimals(goal), _decimals(old), 2)
    sign = 1.0 if goal >= old else -1.0
    rank = _rank(scheme, grade)

    def value(n: int) -> object:
        moved = old + sign * n * step
        if dates:
            return dt.date.fromordinal(round(moved))
        return f"{_n(moved)}{unit}"

    def works(n: int) -> bool:
        trial = [
            *chosen[:i],
            attrs.evolve(cand, actuals={code: value(n)}),
            *chosen[i + 1 :],
        ]
        (result,) = engine.totals([_state(trial)])
        return result is not None and _rank(scheme, result[1]) <= rank

    hi = round(abs(goal - old) / step)
    if hi <= 1:
        return None
    lo = _first(1, hi, works)
    after = value(lo)
    if lo == round(abs(goal - old) / step) or not works(lo):
        return None
    size = abs(target.to_value(after, where=code) - old)
    (single,) = engine.totals([({code: after}, {})])
    if single is None:
        return None
    gain = scheme.rounding.round(single[0] - engine.ev.total)
    note = (
        imp.change.note
        if target.is_met(after) and target is scheme.node(code).target
        else ""
    )
    change = attrs.evolve(imp.change, after=after, note=note)
    improvement = Improvement(change, gain, size, imp.unit, imp.places)
    return attrs.evolve(cand, improvement=improvement, actuals={code: after})


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
        What may change, any of: ``"numbers"`` (a numeric actual brought to
        its target), ``"dates"`` (a deadline met: the work done on time),
        ``"tiers"`` (a qualitative indicator, or a label such as 是 or 良,
        one tier up or more), ``"checklists"`` (one item more present, or
        more), ``"categories"`` (a category that scores more), ``"items"``
        (a missed item under a ``deduct`` node met) and ``"findings"`` (a
        finding avoided).  ``"actuals"`` stands for every lever but findings,
        ``"all"`` for every lever; by default every lever.
    max_changes
        The largest set searched exhaustively, 0 to 64 (``MAX_CHANGES``);
        beyond it, improvements are taken greedily in rank order.

    Returns
    -------
    Gap
        The steps, ranked by points gained per unit of change with each step's
        gain in sequence, and every single improvement considered.

    Raises
    ------
    GapError
        If *grade* has no band in the scheme's scale, a lever is unknown, or
        *max_changes* is not a whole number from 0 to 64.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation` or *levers*
        is not a list of names.

    Notes
    -----
    Each candidate is one change evaluated on its own: an input brought to the
    nearest value that meets its target (a label target: its label; a numeric
    one: its bound, or a hundredth past an open one; a deadline: the day
    itself), a qualitative indicator raised to the lowest score of a higher
    tier, a checklist given one more item (or two, …), a categorical
    indicator given a category that scores more, or one finding removed.  Its
    *rate* is its gain divided by the size of the change in its unit (the
    target's unit, days, tiers, label or category steps, items, findings).
    The search tries sets of one change, then two, …, and among the sets of
    the smallest size that reach the grade picks the one that gains the
    least, i.e. asks for the least; numeric and date changes in it are then
    trimmed to the least value (a hundredth of their unit, or a day) that
    still reaches.  Every set is checked by evaluating it, so floors, caps
    and rounding are the scheme's.

    Findings that cost the same points on the same node are one candidate
    taken up to as many times as there are such findings, and a trial
    evaluates one finding per node (the sum of its points), so the search
    grows with the number of findings about linearly, not as its square.

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
    _checks.instance(ev, Evaluation, "the evaluation")
    chosen_levers = _levers(levers)
    if (
        isinstance(max_changes, bool)
        or not isinstance(max_changes, int)
        or not 0 <= max_changes <= MAX_CHANGES
    ):
        msg = (
            f"max_changes must be a whole number 0-{MAX_CHANGES} (got {max_changes!r})"
        )
        raise GapError(msg)
    grade, minimum = _next_grade(ev, grade)
    engine = _Engine(ev)
    places = max(2, ev.scheme.rounding.places)
    cands = _candidates(engine, chosen_levers, places)
    candidates = [c.improvement for c in cands]
    target = _rank(ev.scheme, grade)
    if _rank(ev.scheme, ev.grade) <= target:
        return Gap(ev, grade, minimum, (), candidates, ev, reached=True)
    need = ev.scheme.rounding.round(minimum - ev.total)
    found = _search(engine, grade, need, cands, max_changes)
    chosen = (
        _greedy(engine, grade, cands) if found is None else _trim(engine, grade, found)
    )
    chosen.sort(key=lambda c: (-c.improvement.rate, -c.gain))
    prefixes: list[_State] = []
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in chosen:  # the state after each step, built in one pass
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
        prefixes.append((dict(actuals), dict(removed)))
    results = engine.totals(prefixes)
    totals = np.array([r[0] if r is not None else math.nan for r in results])
    after = (
        evaluate(ev.scheme, _apply(engine.flat, actuals, _drops(chosen)))
        if chosen
        else ev
    )
    if chosen and totals[-1] != after.total:
        # the trials' summed findings rounded otherwise than the findings one
        # by one (truncation, rounding up): the steps are evaluated in full
        totals = np.array(
            [
                evaluate(
                    ev.scheme, _apply(engine.flat, state[0], _drops(chosen[: i + 1]))
                ).total
                for i, state in enumerate(prefixes)
            ]
        )
    gains = ev.scheme.rounding.round(np.diff(totals, prepend=ev.total))
    steps = [
        Step(c.improvement, float(g), float(t))
        for c, g, t in zip(chosen, gains, totals, strict=True)
    ]
    reached = _rank(ev.scheme, after.grade) <= target
    return Gap(ev, grade, minimum, steps, candidates, after, reached=reached)


# -- batches ---------------------------------------------------------------------


def _array_field() -> np.ndarray:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)


def _errors(values: Mapping[int, str]) -> Mapping[int, str]:
    given: object = values  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"a batch's errors must map row indexes to reasons (got {given!r:.60})"
        raise TypeError(msg)
    return dict(given)


def _rows(
    data: Sequence[Data | Mapping[str, object]],
) -> Sequence[Data | Mapping[str, object]]:
    given: object = data  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping | Data) or not isinstance(
        given, Sequence
    ):
        msg = f"data must be a list of entities' data (got {given!r:.60})"
        raise TypeError(msg)
    return data


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

    Raises
    ------
    TypeError
        If *errors* is not a mapping (the arrays are kept as given:
        :func:`what_if_batch` builds batches).
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

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* is not a
        list, or *actuals* or *drop_findings* is not of its type (see
        :func:`what_if`).
    """
    _checks.instance(scheme, Scheme, "the scheme")
    data = _rows(data)
    given: object = actuals
    if given is not None and not isinstance(given, Mapping):
        msg = f"actuals must be a mapping of node code to value (got {given!r:.60})"
        raise TypeError(msg)
    drop = _indexes(drop_findings)
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
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping | Gap) or not isinstance(
        given, Iterable
    ):
        msg = f"a batch's gaps must be a list of Gap or None (got {given!r:.60})"
        raise TypeError(msg)
    out = tuple(given)
    for gap in out:
        if gap is not None and not isinstance(gap, Gap):
            msg = f"a batch's gaps must be a list of Gap or None (got {gap!r:.60})"
            raise TypeError(msg)
    return out


@attrs.frozen
class GapBatch:
    """Gaps to grade for many entities.

    Attributes
    ----------
    gaps
        One :class:`Gap` per row, ``None`` for a row that failed.
    errors
        The reason for each failed row, by row index.

    Raises
    ------
    TypeError
        If *gaps* is not a list of :class:`Gap` or ``None``, or *errors* is not
        a mapping.
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

    Raises
    ------
    GapError
        If *levers* names an unknown lever or *max_changes* is not a whole
        number from 0 to 64 (``MAX_CHANGES``).
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* is not a
        list, or *levers* not a list of names.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    data = _rows(data)
    _levers(levers)
    if (
        isinstance(max_changes, bool)
        or not isinstance(max_changes, int)
        or not 0 <= max_changes <= MAX_CHANGES
    ):
        msg = (
            f"max_changes must be a whole number 0-{MAX_CHANGES} (got {max_changes!r})"
        )
        raise GapError(msg)
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
