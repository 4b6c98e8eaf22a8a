"""The completeness checks: the classes and each target's elements."""

from __future__ import annotations

from collections.abc import Sequence

from perfkpi.targetreview._declared import _placeholder, _Raw
from perfkpi.targetreview._results import ReviewedIndicator, TargetFinding

# -- the checks -------------------------------------------------------------------


def _completeness(
    raws: Sequence[_Raw], reviewed: Sequence[ReviewedIndicator], taxonomy: str
) -> list[TargetFinding]:
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    out: list[TargetFinding] = []
    if not taxonomy:
        out.append(
            TargetFinding(
                "missing-class",
                "",
                "",
                "无法判断指标类别：没有指标取自指标库，也没有标注类别",
                "the classes cannot be told: no indicator is from the library "
                "or tagged with a class (pass taxonomy= or use library indicators)",
            )
        )
    else:
        have = {c[0] for c in (r.category for r in reviewed) if c}
        unknown = sum(1 for r in reviewed if not r.category)
        for first in catalog.taxonomy(taxonomy).classes:
            if first in have:
                continue
            zh = f"分类体系 {taxonomy} 的“{first}”类没有指标"
            en = f"no indicator of the class {first!r} of the taxonomy {taxonomy}"
            if unknown:
                zh += f"（另有 {unknown} 项指标未分类）"
                en += f" ({unknown} indicators have no class)"
            out.append(TargetFinding("missing-class", "", first, zh, en))
    for raw in raws:
        out.extend(_element_findings(raw))
    return out


def _element_findings(raw: _Raw) -> list[TargetFinding]:
    out = []
    for text, what_zh, what_en in (
        (raw.name, "名称", "name"),
        (raw.text, "指标值", "target"),
    ):
        mark = _placeholder(text)
        if mark is not None:
            out.append(
                TargetFinding(
                    "placeholder",
                    raw.code,
                    raw.name,
                    f"{what_zh}“{text}”含占位内容“{mark}”",
                    f"the {what_en} {text!r} holds the placeholder {mark!r}",
                )
            )
    if raw.text and _placeholder(raw.text) is not None:
        return out  # a placeholder target is not also unreadable
    if not raw.readable:
        if raw.text:
            zh, en = (
                f"指标值“{raw.text}”无法识别",
                f"the target {raw.text!r} cannot be read",
            )
            if raw.problem:
                zh, en = f"{zh}（{raw.problem}）", f"{en} ({raw.problem})"
        else:
            zh, en = "未填写指标值", "no target value"
        out.append(TargetFinding("no-value", raw.code, raw.name, zh, en))
        return out
    target = raw.target
    if target is None or target.kind != "quantity" or raw.qualitative:
        return out
    if target.unit is None:
        out.append(
            TargetFinding(
                "no-unit",
                raw.code,
                raw.name,
                f"指标值“{raw.text}”没有计量单位",
                f"the target {raw.text!r} has no unit",
            )
        )
    if not raw.directional:
        out.append(
            TargetFinding(
                "no-direction",
                raw.code,
                raw.name,
                f"指标值“{raw.text}”未写明≥或≤",
                f"the target {raw.text!r} says neither ≥ nor ≤",
            )
        )
    return out
