"""The Markdown report."""

from __future__ import annotations

import re

from perfkpi.evaluation import Evaluation
from perfkpi.report._narrative import _grade, _reason, _signed, _story
from perfkpi.report._sections import (
    _LEAF_HEAD,
    _blank,
    _card_rows,
    _colon,
    _heading,
    _kind_line,
    _leaf_cells,
    _leaves,
    _problems,
    _score_cell,
    _signature_lines,
    _summary_word,
)
from perfkpi.report._signature import _Ask
from perfkpi.report._words import _WORDS, _fmt, _line

_MD_SPECIAL = {
    **{c: "\\" + c for c in "\\`*_[]|~#$!"},
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_MD_TABLE = str.maketrans(_MD_SPECIAL)
_MD_BLOCK_START = re.compile(r"^(?:[-+=]|(\d{1,9})([.)]))")


def _md_escape(text: object, *, starts_line: bool = False) -> str:
    """Return user text as literal Markdown text on one line.

    Markdown's inline marks are backslash-escaped and ``& < >`` become
    entities (every Markdown dialect passes entities through; not every one
    honours a backslash before ``<``), so no text becomes a link, an image,
    emphasis, code, a table cell or raw HTML.  Surrounding spaces are dropped
    (they would break ``**bold**``); with *starts_line*, a leading ``-``,
    ``+``, ``=`` or ``1.`` that would start a list or underline a heading is
    escaped too.
    """
    out = _line(text).strip().translate(_MD_TABLE)
    if starts_line:
        found = _MD_BLOCK_START.match(out)
        if found is not None and found.group(1) is None:
            out = "\\" + out
        elif found is not None:
            out = found.group(1) + "\\" + out[found.end(1) :]
    return out


def _markdown(ev: Evaluation, ask: _Ask) -> str:
    lang = ask.lang
    w = _WORDS[lang]
    places = ev.scheme.rounding.places
    opening, paragraphs = _story(ev, ask)
    out = [
        f"# {_md_escape(_heading(ev))}",
        "",
        _md_escape(_kind_line(ask), starts_line=True),
        "",
        f"## {_summary_word(ask)}",
        "",
        _md_escape(opening, starts_line=True),
        "",
    ]
    for head, sentences in paragraphs:
        out += [f"**{_md_escape(head)}**", ""]
        out += [f"- {_md_escape(s, starts_line=True)}" for s in sentences]
        out.append("")
    out += [
        f"## {w['card']}",
        "",
        (
            f"| {w['code']} | {w['node']} | {w['points']} | {w['score']} "
            f"| {w['lost']} | {w['reason']} |"
        ),
        "|---|---|---:|---:|---:|---|",
    ]
    sep = "；" if lang == "zh" else "; "
    for node, depth, score, lost in _card_rows(ev):
        indent = ("\u3000" if lang == "zh" else "\u00a0\u00a0") * (depth - 1)
        reasons = sep.join(
            f"{_signed(-d.points)} {_md_escape(_reason(ev, d, lang))}"
            for d in ev.deductions_of(node.code)
        )
        out.append(
            f"| {_md_escape(node.code)} | {indent}{_md_escape(node.name)} | "
            f"{_fmt(node.points, places)} | {_score_cell(score, places, lang)} | "
            f"{_fmt(lost, places) if lost else ''} | {reasons} |"
        )
    total_lost = ev.scheme.rounding.round(ev.scheme.points - ev.total)
    out.append(
        f"| | **{w['total']}** | {_fmt(ev.scheme.points, places)} | "
        f"**{_fmt(ev.total, places)}** | "
        f"{_fmt(total_lost, places) if total_lost else ''} | |"
    )
    out += ["", f"**{w['grade']}**: {_md_escape(_grade(ev, lang))}"]
    out += [
        "",
        f"## {w['items']}",
        "",
        "| " + " | ".join(w[key] for key in _LEAF_HEAD) + " |",
        "|---|---|---|---|---|---:|---:|---:|---|",
    ]
    out += [
        "| " + " | ".join(_md_escape(c) for c in _leaf_cells(leaf, places, lang)) + " |"
        for leaf in _leaves(ev, ask)
    ]
    out += ["", f"## {w['problems']}", ""]
    problems = _problems(ev, ask)
    out += [
        f"{i}. {_md_escape(p, starts_line=True)}"
        for i, p in enumerate(problems, start=1)
    ]
    if not problems:
        out.append(_md_escape(w["no_problems"], starts_line=True))
    signature = _signature_lines(ask)
    if signature:
        out.append("")
        out += [
            f"{label}{_colon(lang)}{_md_escape(value or _blank(label, ask))}  "
            for label, value in signature
        ]
        out[-1] = out[-1].rstrip()
    return "\n".join(out) + "\n"
