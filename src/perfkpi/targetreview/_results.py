"""The results of a target review: indicators, findings and the review."""

from __future__ import annotations

from typing import Any

import attrs

from perfkpi.targetreview._checklist import _CHECK, _DIMENSION_ZH, DIMENSIONS
from perfkpi.targets import Target, format_number


@attrs.frozen
class ReviewedIndicator:
    """One declared indicator, as the review read it.

    Parameters
    ----------
    code, name
        Its node code and name.
    target
        Its target, or ``None`` (qualitative, missing or unreadable).
    text
        The target as written.
    stake
        The points it puts at stake: a leaf's points, or what an unmet item
        costs its ``deduct`` parent.
    category
        Its class (first level, second level), or ``()`` when unknown.
    money
        Whether it only measures money flowing (an execution or spending rate).
    qualitative
        Whether it is qualitative (a label target such as ``是``, or a leaf
        scored without one).
    """

    code: str
    name: str
    target: Target | None
    text: str
    stake: float
    category: tuple[str, ...] = ()
    money: bool = False
    qualitative: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the indicator as plain JSON-able data."""
        return {
            "code": self.code,
            "name": self.name,
            "target": self.text,
            "stake": self.stake,
            "category": list(self.category),
            "money": self.money,
            "qualitative": self.qualitative,
        }


@attrs.frozen
class TargetFinding:
    """A problem of a declared target set: which indicator, which check, why.

    Parameters
    ----------
    check
        The check's code (see :data:`CHECKS`).
    code, name
        The indicator's node code and name; for a finding about the whole set
        or a duty, the code is empty and the name says what it is about.
    reason_zh, reason_en
        Why, in Chinese and in English.
    """

    check: str
    code: str
    name: str
    reason_zh: str
    reason_en: str

    @property
    def dimension(self) -> str:
        """The dimension the check belongs to."""
        return _CHECK[self.check].dimension

    def reason(self, lang: str = "zh") -> str:
        """Return the reason in *lang* (``"zh"`` or ``"en"``).

        Raises
        ------
        ValueError
            If *lang* is neither.
        """
        return self.reason_zh if _lang(lang) == "zh" else self.reason_en

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as plain JSON-able data."""
        return {
            "check": self.check,
            "dimension": self.dimension,
            "code": self.code,
            "name": self.name,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def _lang(lang: object) -> str:
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en' (got {lang!r:.40})"
        raise ValueError(msg)
    return str(lang)


def _pct(share: float) -> str:
    return format_number(round(share * 100, 1)) + "%"


@attrs.frozen
class TargetReview:
    """The review of one declared target set.

    Parameters
    ----------
    scheme
        The scheme's id (``""`` for a 申报表 reviewed alone).
    entity, period
        Whose targets, for which period (from the data file).
    taxonomy
        The taxonomy whose classes were required (empty when none could be
        told).
    indicators
        The declared indicators, as read.
    findings
        What was flagged, in the order of :data:`CHECKS`.
    spending_share, outcome_share
        The shares of the points at stake on money-flow indicators and on
        outputs and outcomes.
    """

    scheme: str
    entity: str
    period: str
    taxonomy: str
    indicators: tuple[ReviewedIndicator, ...]
    findings: tuple[TargetFinding, ...]
    spending_share: float
    outcome_share: float

    @property
    def ok(self) -> bool:
        """Whether nothing was flagged."""
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        """Return the review as plain JSON-able data."""
        return {
            "scheme": self.scheme,
            "entity": self.entity,
            "period": self.period,
            "taxonomy": self.taxonomy,
            "ok": self.ok,
            "spending_share": self.spending_share,
            "outcome_share": self.outcome_share,
            "indicators": [i.to_dict() for i in self.indicators],
            "findings": [f.to_dict() for f in self.findings],
        }

    def report(self, lang: str = "zh") -> str:
        """Return the review as text, one finding a line, by dimension.

        Raises
        ------
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        zh = _lang(lang) == "zh"
        who = " ".join(x for x in (self.entity, self.period) if x)
        money = sum(1 for i in self.indicators if i.money)
        n = len(self.indicators)
        if zh:
            lines = [
                f"绩效目标审核：{who or self.scheme}"
                + (f"（{self.scheme}）" if self.scheme else ""),
                (
                    f"  {n} 项指标；分类体系 {self.taxonomy or '未知'}；"
                    f"资金支出类指标 {money} 项，占分值 {_pct(self.spending_share)}；"
                    f"产出和效益类占 {_pct(self.outcome_share)}"
                ),
            ]
        else:
            lines = [
                f"Target review: {who or self.scheme}"
                + (f" ({self.scheme})" if self.scheme else ""),
                (
                    f"  {n} indicators; taxonomy {self.taxonomy or 'unknown'}; "
                    f"{money} money-flow indicators carry "
                    f"{_pct(self.spending_share)} of the points at stake, outputs "
                    f"and outcomes {_pct(self.outcome_share)}"
                ),
            ]
        if self.ok:
            lines.append("  未发现问题。" if zh else "  Nothing flagged.")
            return "\n".join(lines) + "\n"
        count = len(self.findings)
        lines.append(f"  发现 {count} 项问题：" if zh else f"  {count} flagged:")
        for dim in DIMENSIONS:
            found = [f for f in self.findings if f.dimension == dim]
            if not found:
                continue
            lines.append(f"  {_DIMENSION_ZH[dim] if zh else dim}")
            for f in found:
                what = " ".join(x for x in (f.code, f.name) if x)
                lines.append(f"    [{f.check}] {what}: {f.reason(lang)}")
        return "\n".join(lines) + "\n"
