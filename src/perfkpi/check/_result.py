"""The result of a check: each relation recomputed, and its text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from perfkpi import _checks as checks
from perfkpi.targets import format_number

Kind = Literal[
    "points",
    "sum",
    "deductions",
    "subtotal",
    "score",
    "actual",
    "rule",
    "amount",
    "rate",
    "within",
    "grade",
]


def _sources(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'sources'")


def _unchecked(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'unchecked'")


def _notes(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'notes'")


@attrs.frozen
class Check:
    """One relation between stated figures, recomputed.

    Attributes
    ----------
    kind
        ``points`` (full points against the scheme), ``sum`` (a node against
        its children), ``deductions`` (a score against its full points and
        deductions), ``subtotal`` (a deduction against its parts), ``score``
        (a leaf's score against the scheme's rule for the stated actual),
        ``actual`` (a stated actual against the data's), ``rule``
        (a deduction against the scheme's rule for the stated actual),
        ``amount`` (an amount against its parts), ``rate`` (a rate against
        its numerator and denominator), ``within`` (a part not above its
        whole), ``grade`` (the grade of the stated total).
    subject
        What is checked: a node code and name, a category, an amount's name.
    stated
        The stated figure.
    computed
        The recomputed value, unrounded (``None`` for a grade).
    expression
        How it was recomputed, with the numbers.
    ok
        Whether the relation holds within rounding.
    tolerance
        How far apart the two may be: what rounding allows.
    sources
        Where the stated figure and each number used come from.
    note
        Anything further, such as which rounding would make it hold.

    Raises
    ------
    TypeError
        If *sources* is not a list of text (the other fields are kept as
        given: :func:`check_report` builds checks).
    """

    kind: Kind
    subject: str
    stated: float | str
    computed: float | str | None
    expression: str
    ok: bool
    tolerance: float = 0.0
    unit: str = ""
    places: int = 2
    sources: tuple[str, ...] = attrs.field(default=(), converter=_sources)
    note: str = ""

    @property
    def difference(self) -> float | None:
        """Stated minus computed, for numbers."""
        if isinstance(self.stated, str) or not isinstance(self.computed, float | int):
            return None
        return float(self.stated) - float(self.computed)

    def to_dict(self) -> dict[str, Any]:
        """Return the check as plain, JSON-able data."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "stated": self.stated,
            "computed": self.computed,
            "difference": self.difference,
            "tolerance": self.tolerance,
            "unit": self.unit,
            "expression": self.expression,
            "ok": self.ok,
            "sources": list(self.sources),
            "note": self.note,
        }


def _checks(values: Iterable[Check]) -> tuple[Check, ...]:
    return checks.instances(values, Check, "'checks'")


_KIND_WORDS = {
    "zh": {
        "points": "满分",
        "sum": "合计",
        "deductions": "得分与扣分",
        "subtotal": "扣分小计",
        "score": "得分规则",
        "actual": "实际值与数据",
        "rule": "扣分规则",
        "amount": "金额合计",
        "rate": "比率",
        "within": "部分不超过整体",
        "grade": "等级",
    },
    "en": {
        "points": "full points",
        "sum": "sum",
        "deductions": "score from deductions",
        "subtotal": "subtotal",
        "score": "score by rule",
        "actual": "actual against data",
        "rule": "rule",
        "amount": "amount",
        "rate": "rate",
        "within": "part within whole",
        "grade": "grade",
    },
}


@attrs.frozen
class CheckResult:
    """Every relation checked, and what could not be checked.

    Attributes
    ----------
    checks
        Every relation recomputed, in the order of the scheme and the file.
    unchecked
        Stated figures that enter no relation, with why.
    notes
        Remarks on the inputs (a stated scheme id that differs, …).

    Raises
    ------
    TypeError
        If *checks* is not a list of :class:`Check`, or *unchecked* or *notes*
        not a list of text.
    """

    checks: tuple[Check, ...] = attrs.field(converter=_checks)
    unchecked: tuple[str, ...] = attrs.field(default=(), converter=_unchecked)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    title: str = ""
    lang: str = "zh"

    @property
    def mismatches(self) -> tuple[Check, ...]:
        """The relations that do not hold within rounding."""
        return tuple(c for c in self.checks if not c.ok)

    @property
    def ok(self) -> bool:
        """Whether every relation holds."""
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain, JSON-able data."""
        return {
            "title": self.title,
            "ok": self.ok,
            "checked": len(self.checks),
            "mismatches": [c.to_dict() for c in self.mismatches],
            "checks": [c.to_dict() for c in self.checks],
            "unchecked": list(self.unchecked),
            "notes": list(self.notes),
        }

    def report(self, lang: str | None = None, *, show_all: bool = False) -> str:
        """Return the result as text: a summary, then each mismatch.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``; by default the language the checks were
            written in.
        show_all
            List the relations that hold as well.
        """
        zh = (lang or self.lang) == "zh"
        words = _KIND_WORDS["zh" if zh else "en"]
        n, bad = len(self.checks), len(self.mismatches)
        lines = [self.title] if self.title else []
        if zh:
            lines.append(
                f"共复核{n}项勾稽关系：{n - bad}项相符，{bad}项不符"
                + (
                    f"；{len(self.unchecked)}个数据无从复核。"
                    if self.unchecked
                    else "。"
                )
            )
        else:
            lines.append(
                f"{n} relations checked: {n - bad} hold, {bad} do not"
                + (
                    f"; {len(self.unchecked)} figures cannot be checked."
                    if self.unchecked
                    else "."
                )
            )
        lines += list(self.notes)
        shown = self.checks if show_all else self.mismatches
        for c in shown:
            lines.append("")
            lines += _check_lines(c, words, zh)
        if self.unchecked:
            lines.append("")
            lines.append(
                "无从复核的数据：" if zh else "Figures that cannot be checked:"
            )
            lines += [f"  - {u}" for u in self.unchecked]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.report()


def _fmt(value: float | str | None, places: int, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.{places}f}{unit}"


def _check_lines(c: Check, words: Mapping[str, str], zh: bool) -> list[str]:
    mark = "✓" if c.ok else "✗"
    lines = [f"{mark} {words[c.kind]} {c.subject}"]
    stated = _fmt(c.stated, c.places, c.unit)
    computed = _fmt(c.computed, c.places, c.unit)
    first = c.sources[0] if c.sources else ""
    src = (f"（{first}）" if zh else f"  ({first})") if first else ""
    lines.append(f"    {'报告数' if zh else 'stated  '}  {stated}{src}")
    lines.append(f"    {'复算数' if zh else 'computed'}  {computed} = {c.expression}")
    diff = c.difference
    if not c.ok and diff is not None:
        digits = c.places + 2
        off = format_number(round(abs(diff), digits))
        tol = format_number(round(c.tolerance, digits))
        if zh:
            unit = "个百分点" if c.unit == "%" else c.unit
            lines.append(f"    相差{off}{unit}，超出取整允许的±{tol}{unit}")
        else:
            unit = " percentage points" if c.unit == "%" else c.unit
            lines.append(f"    off by {off}{unit}; rounding allows ±{tol}{unit}")
    lines += [f"    {'来源' if zh else 'from'}  {s}" for s in c.sources[1:]]
    if c.note:
        lines.append(f"    {c.note}")
    return lines
