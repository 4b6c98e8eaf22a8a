"""Render an evaluation as text, Markdown or JSON, in Chinese or English.

The score card lists each scored node with its full points and score; the
ledger lists every deduction with its points and reason.  Findings' reasons are
data and stay verbatim; sentences perfkpi builds itself follow *lang*.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Literal

from perfkpi.deductions import Deduction
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation
from perfkpi.targets import format_number

__all__ = ["FORMATS", "LANGS", "ReportError", "render"]

FORMATS = ("text", "markdown", "json")
LANGS = ("zh", "en")

Lang = Literal["zh", "en"]

_WORDS: dict[str, dict[str, str]] = {
    "zh": {
        "code": "代码",
        "node": "指标",
        "points": "分值",
        "score": "得分",
        "lost": "扣分",
        "total": "总分",
        "grade": "等级",
        "deductions": "扣分明细",
        "reason": "扣分原因",
        "category": "类别",
        "none": "无扣分",
        "items": "部门绩效指标完成情况",
        "target": "指标值",
        "actual": "实际完成值",
        "met": "是否达成",
        "yes": "达成",
        "no": "未达成",
    },
    "en": {
        "code": "Code",
        "node": "Indicator",
        "points": "Points",
        "score": "Score",
        "lost": "Lost",
        "total": "Total",
        "grade": "Grade",
        "deductions": "Deductions",
        "reason": "Reason",
        "category": "Category",
        "none": "no deductions",
        "items": "Indicators and their targets",
        "target": "Target",
        "actual": "Actual",
        "met": "Met",
        "yes": "met",
        "no": "not met",
    },
}


class ReportError(ValueError, PerfKPIError):
    """An unknown report format or language was asked for."""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def _fmt(value: float | None, places: int) -> str:
    if value is None:
        return ""
    return f"{value:.{places}f}"


def _reason(deduction: Deduction, lang: Lang) -> str:
    if lang == "zh" or deduction.kind == "finding":
        return deduction.reason
    what = {
        "unmet": "target not met",
        "shortfall": "deducted in proportion to the shortfall",
        "proportional": "scored in proportion to the target",
    }[deduction.kind]
    return (
        f"{deduction.name}: target {deduction.target}, actual {deduction.actual}; "
        f"{what}, {format_number(deduction.points)} points off"
    )


def _heading(ev: Evaluation) -> str:
    who = " ".join(x for x in (ev.data.entity, ev.data.period) if x)
    title = ev.scheme.name
    return f"{title} — {who}" if who else title


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            _pad(cell, widths[i], right=right[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def _text(ev: Evaluation, lang: Lang) -> str:
    w = _WORDS[lang]
    places = ev.scheme.rounding.places
    lines = [_heading(ev), ""]
    rows: list[list[str]] = [[w["code"], w["node"], w["points"], w["score"]]]
    for node in ev.scheme.ordered():
        if node.is_item:
            continue
        indent = "  " * (ev.scheme.depth(node.code) - 1)
        rows.append(
            [
                node.code,
                indent + node.name,
                _fmt(node.points, places),
                _fmt(ev.scores[node.code], places),
            ]
        )
    rows.append(
        ["", w["total"], _fmt(ev.scheme.points, places), _fmt(ev.total, places)]
    )
    lines += _table(rows, [False, False, True, True])
    lines += ["", f"{w['grade']}: {ev.grade}", "", f"{w['deductions']}:"]
    if not ev.deductions:
        lines.append(f"  {w['none']}")
    for d in ev.deductions:
        category = f"[{d.category}] " if d.category else ""
        lines.append(
            f"  {d.node:<6} -{_fmt(d.points, places)}  {category}{_reason(d, lang)}"
        )
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(ev: Evaluation, lang: Lang) -> str:
    w = _WORDS[lang]
    places = ev.scheme.rounding.places
    out = [f"# {_md_escape(_heading(ev))}", ""]
    out += [
        f"| {w['code']} | {w['node']} | {w['points']} | {w['score']} |",
        "|---|---|---:|---:|",
    ]
    for node in ev.scheme.ordered():
        if node.is_item:
            continue
        indent = "\u3000" * (ev.scheme.depth(node.code) - 1)
        out.append(
            f"| {node.code} | {indent}{_md_escape(node.name)} | "
            f"{_fmt(node.points, places)} | {_fmt(ev.scores[node.code], places)} |"
        )
    out.append(
        f"| | **{w['total']}** | {_fmt(ev.scheme.points, places)} | "
        f"**{_fmt(ev.total, places)}** |"
    )
    out += ["", f"**{w['grade']}**: {ev.grade}", "", f"## {w['deductions']}", ""]
    if ev.deductions:
        out += [
            f"| {w['code']} | {w['lost']} | {w['category']} | {w['reason']} |",
            "|---|---:|---|---|",
        ]
        out += [
            f"| {d.node} | {_fmt(d.points, places)} | {_md_escape(d.category)} | "
            f"{_md_escape(_reason(d, lang))} |"
            for d in ev.deductions
        ]
    else:
        out.append(w["none"])
    items = [n for n in ev.scheme.ordered() if n.is_item]
    if items:
        out += [
            "",
            f"## {w['items']}",
            "",
            (
                f"| {w['code']} | {w['node']} | {w['target']} | {w['actual']} "
                f"| {w['met']} |"
            ),
            "|---|---|---|---|---|",
        ]
        table = ev.to_dict()["items"]
        out += [
            f"| {i['code']} | {_md_escape(i['name'])} | {_md_escape(i['target'])} | "
            f"{_md_escape(i['actual'])} | {w['yes'] if i['met'] else w['no']} |"
            for i in table
        ]
    return "\n".join(out) + "\n"


def render(ev: Evaluation, *, format: str = "text", lang: str = "zh") -> str:  # noqa: A002
    """Render *ev* in *format* (text, markdown, json) and *lang* (zh, en).

    Raises
    ------
    ReportError
        For an unknown format or language.
    """
    if format not in FORMATS:
        msg = f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}"
        raise ReportError(msg)
    if lang not in LANGS:
        msg = f"unknown report language {lang!r}; expected one of {', '.join(LANGS)}"
        raise ReportError(msg)
    language: Lang = "zh" if lang == "zh" else "en"
    if format == "json":
        return json.dumps(ev.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if format == "markdown":
        return _markdown(ev, language)
    return _text(ev, language)
