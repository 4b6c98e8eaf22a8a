"""The bases and a proposal's record: one indicator's proposed target and its reason."""

from __future__ import annotations

import math
from typing import Any, Literal

import attrs

from perfkpi.targets import Target, format_number

Method = Literal["auto", "last-year", "three-year-mean", "plan", "standard"]

METHODS: tuple[str, ...] = ("auto", "last-year", "three-year-mean", "plan", "standard")
"""How a target is proposed: by the rule (``auto``) or by one basis."""

_USED = ("last-year", "three-year-mean", "plan", "standard")
_BASIS = {
    "last-year": "历史标准",
    "three-year-mean": "历史标准",
    "plan": "计划标准",
    "standard": "预算支出标准",
}
_YEARS = 3
_BAD = -1


@attrs.frozen
class TargetProposal:
    """A proposed target, the basis it rests on and why.

    Parameters
    ----------
    indicator
        The indicator's name.
    target
        The proposed target (``≥97%``).
    method
        What gave it: ``last-year``, ``three-year-mean``, ``plan`` or
        ``standard``.
    history
        The past actuals read, oldest first, in the target's unit.
    plan, standard
        The plan figure and the spending standard, when given (else NaN).
    mean
        The rounded mean of the last three years, when there were three
        (else NaN).
    """

    indicator: str
    target: Target
    method: str
    history: tuple[float, ...] = ()
    plan: float = math.nan
    standard: float = math.nan
    mean: float = math.nan

    @property
    def basis(self) -> str:
        """The 指标值设定依据: 计划标准, 历史标准 or 预算支出标准."""
        return _BASIS[self.method]

    @property
    def figures(self) -> tuple[float, ...]:
        """The figures the proposal was computed from."""
        if self.method == "plan":
            return (self.plan,)
        if self.method == "standard":
            return (self.standard,)
        if self.method == "three-year-mean":
            return self.history[-_YEARS:]
        return self.history[-1:]

    def reason(self, lang: str = "zh") -> str:
        """Say in one line which basis gave the target and why.

        Raises
        ------
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        if lang not in ("zh", "en"):
            msg = f"lang must be 'zh' or 'en' (got {lang!r:.40})"
            raise ValueError(msg)
        unit = self.target.unit.symbol if self.target.unit else ""
        return _reason(self, lang == "zh", unit)

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain JSON-able data."""
        return {
            "indicator": self.indicator,
            "target": str(self.target),
            "basis": self.basis,
            "method": self.method,
            "figures": list(self.figures),
            "reason_zh": self.reason("zh"),
            "reason_en": self.reason("en"),
        }


def _fmt(value: float, unit: str) -> str:
    return format_number(value) + unit


def _reason(p: TargetProposal, zh: bool, unit: str) -> str:  # noqa: PLR0911 (one line per case)
    last = _fmt(p.history[-1], unit) if p.history else ""
    mean = _fmt(p.mean, unit)
    if p.method == "plan":
        plan = _fmt(p.plan, unit)
        return (
            f"计划标准：取计划数{plan}"
            if zh
            else f"plan standard: the plan figure {plan}"
        )
    if p.method == "standard":
        std = _fmt(p.standard, unit)
        if zh:
            return f"预算支出标准：以支出标准{std}为上限"
        return f"spending standard: the spending standard {std} is the ceiling"
    if p.method == "three-year-mean":
        years = "、".join(_fmt(v, unit) for v in p.history[-_YEARS:])
        if zh:
            return f"历史标准：近三年实际值{years}的平均值为{mean}"
        years = ", ".join(_fmt(v, unit) for v in p.history[-_YEARS:])
        return (
            f"historical standard: the mean of the last three years' actuals "
            f"{years} is {mean}"
        )
    if not math.isnan(p.mean):
        if zh:
            return (
                f"历史标准：上年实际值{last}优于近三年平均值{mean}，目标不低于上年实际"
            )
        return (
            f"historical standard: last year's actual {last} is better than the "
            f"three-year mean {mean}; a target is not set below last year's actual"
        )
    if zh:
        return f"历史标准：取上年实际值{last}（实际值不足三年）"
    return f"historical standard: last year's actual {last} (fewer than three years)"
