"""The relevance checks: indicators against the department's duties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from perfkpi.errors import DataError
from perfkpi.targetreview._checklist import _OUTCOME_CLASSES, SPENDING_SHARE, _fold
from perfkpi.targetreview._results import ReviewedIndicator, TargetFinding, _pct
from perfkpi.targets import format_number


def _relevance(
    reviewed: Sequence[ReviewedIndicator],
    duties: Mapping[str, Sequence[str]] | None,
) -> tuple[list[TargetFinding], float, float]:
    total = sum(r.stake for r in reviewed)
    money = [r for r in reviewed if r.money]
    outcome = [
        r
        for r in reviewed
        if not r.money and (not r.category or r.category[0] in _OUTCOME_CLASSES)
    ]
    spent = sum(r.stake for r in money)
    share = spent / total if total else 0.0
    outcome_share = sum(r.stake for r in outcome) / total if total else 0.0
    out = []
    if share > SPENDING_SHARE:
        names = "、".join(f"{r.code} {r.name}" for r in money)
        names_en = ", ".join(f"{r.code} {r.name}" for r in money)
        out.append(
            TargetFinding(
                "spending-heavy",
                ", ".join(r.code for r in money),
                "、".join(r.name for r in money),
                f"只衡量资金支出的指标（{names}）{len(money)} 项，占指标 "
                f"{len(money)}/{len(reviewed)}，却占分值 {format_number(spent)}/"
                f"{format_number(total)}（{_pct(share)}），超过 "
                f"{_pct(SPENDING_SHARE)}；产出和效益类指标占 {_pct(outcome_share)}",
                f"{len(money)} of {len(reviewed)} indicators only measure money "
                f"flowing ({names_en}) yet carry {format_number(spent)} of the "
                f"{format_number(total)} points at stake ({_pct(share)}), more than "
                f"{_pct(SPENDING_SHARE)}; outputs and outcomes carry "
                f"{_pct(outcome_share)}",
            )
        )
    if duties is not None:
        out.extend(_duty_findings(reviewed, duties))
    return out, share, outcome_share


def _duty_findings(
    reviewed: Sequence[ReviewedIndicator], duties: Mapping[str, Sequence[str]]
) -> list[TargetFinding]:
    known = {_fold(r.name): r for r in reviewed} | {_fold(r.code): r for r in reviewed}
    out = []
    for duty, names in duties.items():
        if not isinstance(names, Sequence) or isinstance(names, str):
            msg = f"expected a list of indicator names, got {names!r:.60}"
            raise DataError(f"duties[{duty!r}]", msg)
        for name in names:
            if not isinstance(name, str) or _fold(name) not in known:
                msg = f"no declared indicator {name!r:.40} (give a name or node code)"
                raise DataError(f"duties[{duty!r}]", msg)
        if not names:
            out.append(
                TargetFinding(
                    "duty-unserved",
                    "",
                    duty,
                    f"主要职能“{duty}”没有对应的绩效指标",
                    f"no indicator serves the duty {duty!r}",
                )
            )
    return out
