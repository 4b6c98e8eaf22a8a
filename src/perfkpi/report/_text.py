"""The plain-text report."""

from __future__ import annotations

from perfkpi.evaluation import Evaluation
from perfkpi.report._narrative import _grade, _narrative, _reason
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
    _table,
)
from perfkpi.report._signature import _Ask
from perfkpi.report._words import _WORDS, _fmt, _line

# -- text ----------------------------------------------------------------------


def _ends(lang: str) -> str:
    """Return the colon that ends a heading: full-width in Chinese."""
    return "：" if lang == "zh" else ":"


def _text(ev: Evaluation, ask: _Ask) -> str:
    lang = ask.lang
    w = _WORDS[lang]
    places = ev.scheme.rounding.places
    lines = [
        _heading(ev),
        _kind_line(ask),
        "",
        f"{_summary_word(ask)}{_ends(lang)}",
        _narrative(ev, ask),
        "",
    ]
    rows: list[list[str]] = [[w["code"], w["node"], w["points"], w["score"], w["lost"]]]
    for node, depth, score, lost in _card_rows(ev):
        rows.append(
            [
                _line(node.code),
                "  " * (depth - 1) + _line(node.name),
                _fmt(node.points, places),
                _score_cell(score, places, lang),
                _fmt(lost, places) if lost else "",
            ]
        )
    total_lost = ev.scheme.rounding.round(ev.scheme.points - ev.total)
    rows.append(
        [
            "",
            w["total"],
            _fmt(ev.scheme.points, places),
            _fmt(ev.total, places),
            _fmt(total_lost, places) if total_lost else "",
        ]
    )
    lines += [f"{w['card']}{_ends(lang)}"]
    lines += _table(rows, [False, False, True, True, True])
    lines += ["", f"{w['grade']}{_colon(lang)}{_line(_grade(ev, lang))}", ""]
    lines.append(f"{w['deductions']}{_ends(lang)}")
    if not ev.deductions:
        lines.append(f"  {w['none']}")
    for d in ev.deductions:
        category = f"[{_line(d.category)}] " if d.category else ""
        lines.append(
            f"  {_line(d.node):<6} -{_fmt(d.points, places)}  "
            f"{category}{_reason(ev, d, lang)}"
        )
    lines += ["", f"{w['items']}{_ends(lang)}"]
    rows = [[w[key] for key in _LEAF_HEAD]]
    rows += [_leaf_cells(leaf, places, lang) for leaf in _leaves(ev, ask)]
    lines += ["  " + line for line in _table(rows, [False] * 5 + [True] * 3 + [False])]
    lines += ["", f"{w['problems']}{_ends(lang)}"]
    problems = _problems(ev, ask)
    lines += [f"  {i}. {p}" for i, p in enumerate(problems, start=1)]
    if not problems:
        lines.append(f"  {w['no_problems']}")
    signature = _signature_lines(ask)
    if signature:
        lines.append("")
        lines += [
            f"{label}{_colon(lang)}{value or _blank(label, ask)}"
            for label, value in signature
        ]
    return "\n".join(lines) + "\n"
