"""The HTML report: one self-contained file with its CSS."""

from __future__ import annotations

import html

from perfkpi.evaluation import Evaluation
from perfkpi.report._narrative import _grade, _reason, _signed, _story
from perfkpi.report._sections import (
    _LEAF_HEAD,
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
from perfkpi.report._words import _WORDS, _fmt, _num

# -- HTML ----------------------------------------------------------------------

_CSS = """\
:root { --ink: #1f2328; --muted: #59636e; --rule: #d1d9e0; --good: #2f6f4f;
  --bad: #b42318; --bar: #3b6fb6; --bar-bg: #e6ecf5; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.7 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
    "Microsoft YaHei", "Hiragino Sans GB", "WenQuanYi Micro Hei", "SimHei",
    system-ui, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; line-height: 1.3; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; padding-bottom: .25rem;
  border-bottom: 2px solid var(--ink); }
.who { color: var(--muted); margin: 0 0 1rem; }
.summary { display: flex; gap: 2rem; align-items: baseline; margin: 1rem 0;
  padding: .75rem 1rem; border: 1px solid var(--rule); border-radius: 6px; }
.summary .value { font-size: 2rem; font-weight: 700; }
.summary .label, .summary .of { color: var(--muted); margin: 0 .35rem; }
.grade { font-size: 1.5rem; font-weight: 700; }
.story p { margin: .4rem 0; text-indent: 2em; }
.story p.part { font-weight: 700; text-indent: 0; margin-top: .9rem; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem;
  vertical-align: top; text-align: left; }
th { background: #f6f8fa; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
tr.level-1 td.name, tr.level-1 td.num { font-weight: 700; }
td.code { white-space: nowrap; }
td.name { min-width: 12em; }
td.value { white-space: nowrap; }
tr.total td { font-weight: 700; border-top: 2px solid var(--ink); }
td.lost { color: var(--bad); }
td.bar { width: 7rem; }
.bar span { display: block; height: .8rem; background: var(--bar);
  border-radius: 2px; }
.bar { background-clip: content-box; }
.bar div { background: var(--bar-bg); border-radius: 2px; }
ul.reasons { margin: 0; padding-left: 1.1rem; }
.met { color: var(--good); }
.unmet { color: var(--bad); font-weight: 700; }
.na { color: var(--muted); }
.problems ol { margin: 0; padding-left: 1.6rem; }
.problems li { margin: .3rem 0; }
.sign { margin: 3rem 0 0 auto; width: 22rem; }
.sign p { display: flex; align-items: baseline; margin: 1.1rem 0; }
.sign .label { white-space: nowrap; }
.sign .value, .sign .blank { flex: 1; border-bottom: 1px solid var(--ink);
  min-height: 1.5em; padding: 0 .25rem; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .summary, .story p, .problems li, .sign { break-inside: avoid; }
  thead { display: table-header-group; }
  .bar span, .bar div, th { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _reasons_list(items: str) -> str:
    return f'<ul class="reasons">{items}</ul>' if items else ""


def _html(ev: Evaluation, ask: _Ask) -> str:
    lang = ask.lang
    w = _WORDS[lang]
    places = ev.scheme.rounding.places
    who = " ".join(x for x in (ev.data.entity, ev.data.period) if x)
    opening, paragraphs = _story(ev, ask)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(_heading(ev))}</title>",
        f"<style>\n{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<header>",
        f"<h1>{_e(ev.scheme.name)}</h1>",
    ]
    out.append(
        f'<p class="who">{_e(" · ".join(x for x in (who, _kind_line(ask)) if x))}</p>'
    )
    out += [
        '<div class="summary">',
        (
            f'<div><span class="label">{w["total"]}</span>'
            f'<span class="value">{_fmt(ev.total, places)}</span>'
            f'<span class="of">/ {_num(ev.scheme.points)}</span></div>'
        ),
        (
            f'<div><span class="label">{w["grade"]}</span>'
            f'<span class="grade">{_e(ev.grade)}</span></div>'
        ),
        "</div>",
        "</header>",
        f'<section class="story"><h2>{_summary_word(ask)}</h2>',
        f"<p>{_e(opening)}</p>",
    ]
    for head, sentences in paragraphs:
        out.append(f'<p class="part">{_e(head)}</p>')
        out += [f"<p>{_e(s)}</p>" for s in sentences]
    out += [
        "</section>",
        f"<section><h2>{w['card']}</h2>",
        "<table>",
        (
            "<thead><tr>"
            f"<th>{w['code']}</th><th>{w['node']}</th>"
            f'<th class="num">{w["points"]}</th><th class="num">{w["score"]}</th>'
            f'<th></th><th class="num">{w["lost"]}</th><th>{w["reason"]}</th>'
            "</tr></thead>"
        ),
        "<tbody>",
    ]
    for node, depth, score, lost in _card_rows(ev):
        share = 100.0 * score / node.points if node.points and score else 0.0
        reasons = "".join(
            f"<li>{_signed(-d.points)} {_e(_reason(ev, d, lang))}</li>"
            for d in ev.deductions_of(node.code)
        )
        pad = f' style="padding-left:{0.5 + 1.2 * (depth - 1):.1f}rem"'
        out.append(
            f'<tr class="level-{depth}"><td class="code">{_e(node.code)}</td>'
            f'<td class="name"{pad}>{_e(node.name)}</td>'
            f'<td class="num">{_fmt(node.points, places)}</td>'
            f'<td class="num">{_score_cell(score, places, lang)}</td>'
            f'<td class="bar"><div><span style="width:{share:.1f}%"></span></div></td>'
            f'<td class="num lost">{_fmt(lost, places) if lost else ""}</td>'
            f"<td>{_reasons_list(reasons)}</td></tr>"
        )
    total_lost = ev.scheme.rounding.round(ev.scheme.points - ev.total)
    share = 100.0 * ev.total / ev.scheme.points
    out += [
        (
            f'<tr class="total"><td></td><td>{w["total"]}</td>'
            f'<td class="num">{_fmt(ev.scheme.points, places)}</td>'
            f'<td class="num">{_fmt(ev.total, places)}</td>'
            f'<td class="bar"><div><span style="width:{share:.1f}%"></span></div></td>'
            f'<td class="num lost">{_fmt(total_lost, places) if total_lost else ""}'
            "</td>"
            f"<td>{w['grade']}: {_e(_grade(ev, lang))}</td></tr>"
        ),
        "</tbody>",
        "</table>",
        "</section>",
    ]
    head = "".join(
        f'<th class="num">{w[key]}</th>'
        if key in ("points", "score", "lost")
        else f"<th>{w[key]}</th>"
        for key in _LEAF_HEAD
    )
    out += [
        f"<section><h2>{w['items']}</h2>",
        "<table>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
    ]
    for leaf in _leaves(ev, ask):
        cells = _leaf_cells(leaf, places, lang)
        style = "na" if leaf.met is None else "met" if leaf.met else "unmet"
        out.append(
            f'<tr><td class="code">{_e(cells[0])}</td>'
            f'<td class="name">{_e(cells[1])}</td>'
            f'<td class="value">{_e(cells[2])}</td>'
            f'<td class="value">{_e(cells[3])}</td>'
            f'<td class="value"><span class="{style}">{_e(cells[4])}</span></td>'
            f'<td class="num">{cells[5]}</td><td class="num">{_e(cells[6])}</td>'
            f'<td class="num lost">{cells[7]}</td><td>{_e(cells[8])}</td></tr>'
        )
    out += ["</tbody>", "</table>", "</section>"]
    problems = _problems(ev, ask)
    out.append(f'<section class="problems"><h2>{w["problems"]}</h2>')
    if problems:
        out.append("<ol>" + "".join(f"<li>{_e(p)}</li>" for p in problems) + "</ol>")
    else:
        out.append(f"<p>{w['no_problems']}</p>")
    out.append("</section>")
    signature = _signature_lines(ask)
    if signature:
        out.append('<section class="sign">')
        out += [
            f'<p><span class="label">{label}{_colon(lang)}</span>'
            + (
                f'<span class="value">{_e(value)}</span>'
                if value
                else '<span class="blank"></span>'
            )
            + "</p>"
            for label, value in signature
        ]
        out.append("</section>")
    out += [
        f"<footer>{w['generated']} · {w['scheme']} {_e(ev.scheme.id)}</footer>",
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
