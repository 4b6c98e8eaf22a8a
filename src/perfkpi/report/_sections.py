"""The sections every format shares: score card, leaves, problems, signature."""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from perfkpi import _wording
from perfkpi.deductions import Deduction
from perfkpi.evaluation import Evaluation
from perfkpi.report._narrative import _actual, _reason, _strip
from perfkpi.report._signature import _Ask
from perfkpi.report._words import (
    _KIND_NAMES,
    _WORDS,
    Lang,
    _fmt,
    _line,
    _num,
    _pad,
    _width,
)
from perfkpi.scheme import Node

# -- the score card ------------------------------------------------------------


def _card_rows(ev: Evaluation) -> list[tuple[Node, int, float | None, float]]:
    """Scored nodes with their depth, score (None: not applicable) and points lost."""
    rows = []
    rounding = ev.scheme.rounding
    for node in ev.scheme.ordered():
        if node.is_item:
            continue
        score = ev.scores.get(node.code)
        lost = 0.0
        if score is not None:
            lost = rounding.round(max((node.points or 0.0) - score, 0.0))
        rows.append((node, ev.scheme.depth(node.code), score, lost))
    return rows


def _score_cell(score: float | None, places: int, lang: Lang) -> str:
    if score is None:
        return "不适用" if lang == "zh" else "n/a"
    return _fmt(score, places)


def _heading(ev: Evaluation) -> str:
    who = " ".join(x for x in (ev.data.entity, ev.data.period) if x)
    title = ev.scheme.name
    return _line(f"{title} — {who}" if who else title)


def _table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            _pad(cell, widths[i], right=right[i]) for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


@attrs.frozen
class _Leaf:
    """One row of the indicator table: a leaf of the tree, scored or an item."""

    node: Node
    target: str
    actual: str
    met: bool | None  # None: no target, or not applicable
    applicable: bool
    score: float | None
    lost: float
    reason: str
    deductions: tuple[Deduction, ...]


def _leaves(ev: Evaluation, ask: _Ask) -> list[_Leaf]:
    """Return every leaf of the tree, with target, actual, score and reason in *lang*.

    The reason is the sheet's own 偏差原因 when *ask* carries one for the node,
    else the reasons of the deductions the node caused.
    """
    rounding = ev.scheme.rounding
    sep = "；" if ask.lang == "zh" else "; "
    out = []
    for node in ev.scheme.ordered():
        if ev.scheme.children(node.code):
            continue
        code = node.code
        applicable = code not in ev.not_applicable
        taken = tuple(d for d in ev.deductions if code in (d.node, d.source))
        score = ev.scores.get(code) if applicable else None
        if score is not None and node.points is not None:
            lost = rounding.round(max(node.points - score, 0.0))
        else:
            lost = rounding.round(math.fsum(d.points for d in taken))
        own = ask.reasons.get(code, "").strip()
        met = ev.met.get(code) if applicable else None
        out.append(
            _Leaf(
                node,
                _wording.target(node.target, ask.lang) if node.target else "",
                _actual(ev, node, ask.lang),
                None if met is None else bool(met),
                applicable,
                score,
                lost,
                _line(own)
                if own
                else sep.join(_reason(ev, d, ask.lang) for d in taken),
                taken,
            )
        )
    return out


def _short(leaf: _Leaf) -> bool:
    """Say whether a leaf is a problem: its target missed, or points lost by its rule.

    Points a leaf loses to findings alone are listed with the findings.
    """
    if not leaf.applicable:
        return False
    if leaf.met is not None:
        return not leaf.met
    computed = any(d.kind != "finding" for d in leaf.deductions)
    return bool(leaf.lost) and (computed or not leaf.deductions)


def _problem(leaf: _Leaf, own: str, lang: Lang) -> str:
    """Word one indicator that fell short: expected, achieved, points lost, why."""
    name = leaf.node.name
    lost = _num(leaf.lost)
    if lang == "zh":
        actual = leaf.actual or "未填报"
        if leaf.target:
            text = f"{name}未达到指标值：指标值{leaf.target}，实际完成值{actual}"
        else:
            text = f"{name}未得满分：实际完成值{actual}"
        text += f"，扣{lost}分" if leaf.lost else ""
        text += f"。偏差原因：{_strip(own)}" if own else ""
        return _line(text + "。")
    actual = leaf.actual or "not given"
    if leaf.target:
        text = f"{name} did not meet its target: target {leaf.target}, actual {actual}"
    else:
        text = f"{name} did not score full points: actual {actual}"
    text += f"; {lost} {_points_word(leaf.lost)} off" if leaf.lost else ""
    text += f". Reason given: {_strip(own)}" if own else ""
    return _line(text + ".")


def _problems(ev: Evaluation, ask: _Ask) -> list[str]:
    """Return the problems found: each indicator that fell short, then each finding.

    An indicator that missed its target (or lost points by its rule) names
    what was expected and what was achieved, the points it cost and the
    sheet's own 偏差原因 if there is one; a finding is its reason, verbatim,
    under its category.
    """
    zh = ask.lang == "zh"
    out = [
        _problem(leaf, ask.reasons.get(leaf.node.code, "").strip(), ask.lang)
        for leaf in _leaves(ev, ask)
        if _short(leaf)
    ]
    for d in ev.deductions:
        if d.kind != "finding":
            continue
        where = d.category or (
            ev.scheme.node(d.node).name if d.node in ev.scheme else d.node
        )
        p = _num(d.points)
        if zh:
            out.append(_line(f"{where}：{_strip(d.reason)}（扣{p}分）。"))
        else:
            points = _points_word(d.points)
            out.append(_line(f"{where}: {_strip(d.reason)} ({p} {points} off)."))
    return out


def _points_word(points: float) -> str:
    return "point" if points == 1 else "points"


_BLANK = "________________"


def _signature_lines(ask: _Ask) -> list[tuple[str, str]]:
    """Return the signature block's labels and values ("" for a line to write on)."""
    sig = ask.signature
    if sig is None:
        return []
    w = _WORDS[ask.lang]
    day = _wording.date(sig.date, ask.lang) if sig.date is not None else ""
    return [
        (w["unit"], _line(sig.unit).strip()),
        (w["evaluator"], _line(sig.evaluator).strip()),
        (w["date"], day),
    ]


def _blank(label: str, ask: _Ask) -> str:
    """Return a line to write on by hand; a Chinese date keeps its 年月日."""
    if label == _WORDS["zh"]["date"] and ask.lang == "zh":
        return "________年____月____日"
    return _BLANK


def _colon(lang: Lang) -> str:
    return "：" if lang == "zh" else ": "


def _kind_line(ask: _Ask) -> str:
    w = _WORDS[ask.lang]
    return f"{w['kind']}{_colon(ask.lang)}{_KIND_NAMES[ask.lang][ask.kind]}"


def _summary_word(ask: _Ask) -> str:
    return _WORDS[ask.lang]["summary" if ask.kind == "self" else "conclusion"]


_LEAF_HEAD = (
    "code",
    "node",
    "target",
    "actual",
    "met",
    "points",
    "score",
    "lost",
    "deviation",
)


def _leaf_cells(leaf: _Leaf, places: int, lang: Lang) -> list[str]:
    """Return a leaf's row: code, name, target, actual, met, points, score, reason."""
    return [
        _line(leaf.node.code),
        _line(leaf.node.name),
        _line(leaf.target),
        _line(leaf.actual),
        _met_word(leaf.met, leaf.applicable, lang),
        _fmt(leaf.node.points, places),
        _score_cell(leaf.score, places, lang) if leaf.node.points is not None else "",
        _fmt(leaf.lost, places) if leaf.lost else "",
        leaf.reason,
    ]


# -- Markdown ------------------------------------------------------------------


def _met_word(met: bool | None, applicable: bool, lang: Lang) -> str:
    """Say whether a leaf met its target: empty when it has none."""
    if not applicable:
        return "不适用" if lang == "zh" else "n/a"
    if met is None:
        return ""
    return _WORDS[lang]["yes" if met else "no"]
