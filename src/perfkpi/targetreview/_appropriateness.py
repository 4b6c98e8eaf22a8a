"""The appropriateness checks: spending shares and targets' ambition."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from perfkpi.errors import DataError
from perfkpi.targetreview._results import ReviewedIndicator, TargetFinding
from perfkpi.targets import Comparator, Target, format_number


def _figure(target: Target, value: object, where: str) -> float:
    number = target.to_value(value, where=where)
    if not math.isfinite(number):
        raise DataError(where, f"expected a finite number, got {value!r}")
    return number


def _appropriateness(
    reviewed: Sequence[ReviewedIndicator],
    history: Mapping[str, Sequence[float]],
    standards: Mapping[str, object],
) -> list[TargetFinding]:
    out = []
    for r in reviewed:
        target = r.target
        if target is None or r.qualitative or target.kind != "quantity":
            continue
        past = history.get(r.name, history.get(r.code))
        one_sided = target.comparator not in (Comparator.EQ, Comparator.RANGE)
        if past and one_sided:
            last = _figure(target, past[-1], f"history[{r.name!r}]")
            low = (
                target.value < last if target.higher_is_better else target.value > last
            )
            if low:
                shown = format_number(last) + (
                    target.unit.symbol if target.unit else ""
                )
                out.append(
                    TargetFinding(
                        "below-last-year",
                        r.code,
                        r.name,
                        f"指标值{target}低于上年实际值{shown}（目标值设置偏低）",
                        f"the target {target} is less demanding than last year's "
                        f"actual {shown}",
                    )
                )
        standard = standards.get(r.name, standards.get(r.code))
        if standard is not None:
            ceiling = _figure(target, standard, f"standards[{r.name!r}]")
            upper = target.bounds()[1]
            if upper > ceiling:
                shown = format_number(ceiling) + (
                    target.unit.symbol if target.unit else ""
                )
                out.append(
                    TargetFinding(
                        "above-standard",
                        r.code,
                        r.name,
                        f"指标值{target}超出预算支出标准{shown}",
                        f"the target {target} allows more than the spending "
                        f"standard {shown}",
                    )
                )
    percent = [
        r
        for r in reviewed
        if r.target is not None
        and not r.qualitative
        and r.target.unit is not None
        and r.target.unit.symbol == "%"
    ]
    if len(percent) >= 2 and all(  # noqa: PLR2004 (two or more)
        r.target is not None and r.target.value == 100 and r.target.upper is None  # noqa: PLR2004
        for r in percent
    ):
        out.append(
            TargetFinding(
                "all-100",
                "",
                "",
                f"全部 {len(percent)} 项百分比指标的指标值均为100%，未体现差异",
                f"all {len(percent)} percentage targets are exactly 100 %",
            )
        )
    return out
