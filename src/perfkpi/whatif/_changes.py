"""Changes to an entity's data, and what-if: the score with them applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from perfkpi import _checks
from perfkpi.deductions import Data, Finding
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.targets import format_number


class GapError(ValueError, PerfKPIError):
    """A grade that cannot be aimed at, or levers that are not known."""


def _n(value: float) -> str:
    return format_number(round(value, 10))


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
