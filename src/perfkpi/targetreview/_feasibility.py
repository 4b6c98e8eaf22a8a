"""The feasibility checks: targets against the history of actuals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perfkpi.targetreview._appropriateness import _figure
from perfkpi.targetreview._checklist import HISTORY_MARGIN
from perfkpi.targetreview._results import ReviewedIndicator, TargetFinding, _pct
from perfkpi.targets import format_number


def _feasibility(
    reviewed: Sequence[ReviewedIndicator], history: Mapping[str, Sequence[float]]
) -> list[TargetFinding]:
    out = []
    for r in reviewed:
        target = r.target
        past = history.get(r.name, history.get(r.code))
        if not past or target is None or r.qualitative or target.kind != "quantity":
            continue
        values = [_figure(target, v, f"history[{r.name!r}]") for v in past]
        lo, hi = min(values), max(values)
        low_edge = lo - HISTORY_MARGIN * abs(lo)
        high_edge = hi + HISTORY_MARGIN * abs(hi)
        ends = [target.value] if target.upper is None else [target.value, target.upper]
        if all(low_edge <= v <= high_edge for v in ends):
            continue
        unit = target.unit.symbol if target.unit else ""
        span = f"{format_number(lo)}{unit}–{format_number(hi)}{unit}"
        out.append(
            TargetFinding(
                "outside-history",
                r.code,
                r.name,
                f"指标值{target}远离历史实际值范围{span}（超出10%），请人工确认",
                f"the target {target} lies more than {_pct(HISTORY_MARGIN)} outside "
                f"the history's range {span}; to be confirmed",
            )
        )
    return out
