"""Gap to grade: the improvements that lift a total into a grade, as results."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from perfkpi import _checks
from perfkpi.evaluation import Evaluation
from perfkpi.rules import Bands
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Comparator, Target, format_number
from perfkpi.whatif._changes import Change, GapError, _n

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


def _max_changes(max_changes: object) -> None:
    """Refuse a *max_changes* that is not a whole number 0 to MAX_CHANGES."""
    if (
        isinstance(max_changes, bool)
        or not isinstance(max_changes, int)
        or not 0 <= max_changes <= MAX_CHANGES
    ):
        msg = (
            f"max_changes must be a whole number 0-{MAX_CHANGES} (got {max_changes!r})"
        )
        raise GapError(msg)


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
