"""The narrative as a self-evaluation report words it; deductions' reasons."""

from __future__ import annotations

import math
import warnings

import attrs

from perfkpi import _wording
from perfkpi._kinds import CanonicalKind
from perfkpi.deductions import Deduction
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation
from perfkpi.plan import effective_rule
from perfkpi.report._signature import _Ask, _kind, _language
from perfkpi.report._words import _EVALUATORS, Kind, Lang, _fmt, _line, _num
from perfkpi.scheme import Node

# -- the narrative -------------------------------------------------------------


@attrs.frozen
class _Group:
    """One paragraph under a first-level node: a child node or a category."""

    title: str
    deductions: tuple[Deduction, ...]
    points: float | None = None
    clean: tuple[str, ...] = ()
    applicable: bool = True


@attrs.frozen
class _Part:
    """One first-level node with its paragraphs."""

    node: Node
    score: float | None
    groups: tuple[_Group, ...]


def _subtree(ev: Evaluation, code: str) -> set[str]:
    out = {code}
    for child in ev.scheme.children(code):
        out |= _subtree(ev, child.code)
    return out


def _parts(ev: Evaluation) -> tuple[_Part, ...]:
    scheme = ev.scheme
    parts: list[_Part] = []
    for root in scheme.roots():
        groups: list[_Group] = []
        for child in scheme.children(root.code):
            if child.is_item:
                continue
            codes = _subtree(ev, child.code)
            groups.append(
                _Group(
                    child.name,
                    tuple(d for d in ev.deductions if d.node in codes),
                    child.points,
                    applicable=child.code not in ev.not_applicable,
                )
            )
        # deductions taken off the root itself, grouped by category: findings
        # first, in the order the data gives them, then computed deductions
        own = [d for d in ev.deductions if d.node == root.code]
        findings = [d for d in own if d.kind == "finding"]
        computed = [d for d in own if d.kind != "finding"]
        order: list[str] = []
        for d in (*findings, *computed):
            if d.category not in order:
                order.append(d.category)
        items = [c for c in scheme.children(root.code) if c.is_item]
        for item in items:
            category = item.category or root.category
            if category not in order:
                order.append(category)
        for category in order:
            listed = tuple(d for d in (*findings, *computed) if d.category == category)
            clean = tuple(
                i.name
                for i in items
                if (i.category or root.category) == category
                and ev.met.get(i.code, False)
            )
            groups.append(_Group(category or root.name, listed, clean=clean))
        if not groups:  # a leaf, or a node with nothing to say: one sentence
            groups.append(_Group(root.name, (), root.points))
        parts.append(_Part(root, ev.scores.get(root.code), tuple(groups)))
    return tuple(parts)


def _strip(reason: str) -> str:
    return reason.rstrip("。；;，,. ")


def _phrase(ev: Evaluation, d: Deduction, title: str, lang: Lang) -> str:
    """One deduction in the narrative's words, with its points."""
    p = _num(d.points)
    name = "" if d.name == title else d.name
    if lang == "en":
        return _phrase_en(ev, d, name, p)
    target, actual = _facts(ev, d, lang)
    if d.kind == "finding":
        return f"{_strip(d.reason)}，扣{p}分"
    if d.kind == "unmet":
        return f"{name}未达成（指标值{target}，实际完成值{actual}），扣{p}分"
    if d.kind in ("shortfall", "proportional"):
        return f"{name}实际完成值{actual}，未达到指标值{target}，按比例扣{p}分"
    reason = _strip(d.reason)
    if d.kind == "rule" and reason.startswith(f"{d.name}："):
        reason = name + "：" * bool(name) + reason[len(d.name) + 1 :]
    return reason if "扣" in reason else f"{reason}，扣{p}分"


def _phrase_en(ev: Evaluation, d: Deduction, name: str, p: str) -> str:
    points = "point" if d.points == 1 else "points"
    target, actual = _facts(ev, d, "en")
    what = f"{name} at {actual}" if name else f"actual {actual}"
    if d.kind == "finding":
        return f"{_strip(d.reason)}: {p} {points} off"
    if d.kind == "unmet":
        return f"{d.name} not met (target {target}, actual {actual}): {p} {points} off"
    if d.kind in ("shortfall", "proportional"):
        return f"{what} against a target of {target}: {p} {points} off in proportion"
    if d.kind == "adjustment":
        return f"adjusted ({_strip(d.reason)}): {_signed(-d.points)} {points}"
    reason = _strip(_reason_text(ev, d, "en"))
    if not name and reason.startswith(f"{d.name}: "):
        reason = reason[len(d.name) + 2 :]
    return reason


def _signed(points: float) -> str:
    return ("+" if points > 0 else "−") + _num(abs(points))


def _quiet_sentence(group: _Group, lang: Lang) -> str:
    """Word a group without deductions: not applicable, targets met, full marks."""
    title = group.title
    if lang == "en":
        if not group.applicable:
            return f"{title}: not applicable."
        if group.clean:
            return (
                f"{title}: {', '.join(group.clean)} met their targets; no points off."
            )
        return f"{title}: no points off."
    if not group.applicable:
        return f"{title}考核：不适用，不计分。"
    if group.clean:
        both = "均" if len(group.clean) > 1 else ""
        return f"{title}考核：{'、'.join(group.clean)}{both}达到指标值，不扣分。"
    full = f"满分{_num(group.points)}分，" if group.points is not None else ""
    return f"{title}考核：{full}不扣分。"


def _group_sentence(ev: Evaluation, group: _Group, lang: Lang) -> str:
    if not group.applicable or not group.deductions:
        return _quiet_sentence(group, lang)
    lost = ev.scheme.rounding.round(math.fsum(d.points for d in group.deductions))
    title = group.title
    many = len(group.deductions) > 1
    if lang == "zh":
        phrases = "；".join(_phrase(ev, d, title, lang) for d in group.deductions)
        total = f"{title}考核合计扣{_num(lost)}分。" if many else ""
        return f"{title}考核：{phrases}。{total}"
    phrases = "; ".join(_phrase(ev, d, title, lang) for d in group.deductions)
    total = f" {_num(lost)} points off in all." if many else ""
    return f"{title}: {phrases}.{total}"


def _evaluator(ask: _Ask) -> str:
    """Name who evaluates: 主管部门, or 主管部门（某某局） when the unit is given."""
    who = _EVALUATORS[ask.lang][ask.kind]
    unit = ask.signature.unit.strip() if ask.signature is not None else ""
    if not unit:
        return who
    return f"{who}（{unit}）" if ask.lang == "zh" else f"{who} ({unit})"


def _opening(ev: Evaluation, ask: _Ask) -> str:
    places = ev.scheme.rounding.places
    total = _fmt(ev.total, places)
    points = _num(ev.scheme.points)
    entity, period = ev.data.entity, ev.data.period
    if ask.lang == "zh":
        when = ""
        if period:
            when = f"{period}年度，" if period.isdigit() else f"{period}，"
        if ask.kind == "self":
            whose = f"{entity}绩效自评"
        else:
            whose = f"{_evaluator(ask)}对{entity or '被评价单位'}的绩效评价"
        return (
            f"{when}{whose}得分{total}分（满分{points}分），"
            f"等级为“{ev.grade}”。具体如下："
        )
    when = f" for {period}" if period else ""
    grade = _grade(ev, ask.lang)
    if ask.kind == "self":
        who = entity or "The entity evaluated"
        return (
            f"{who} scored {total} of {points} points in its self-evaluation{when} "
            f"({ev.scheme.name}), grade {grade}."
        )
    return (
        f"In the evaluation by {_evaluator(ask)}{when} ({ev.scheme.name}), "
        f"{entity or 'the entity evaluated'} scored {total} of {points} points, "
        f"grade {grade}."
    )


def _grade(ev: Evaluation, lang: Lang) -> str:
    """Return the grade as the scheme names it, with its English where known."""
    english = _wording.label(ev.grade, lang)
    return ev.grade if english == ev.grade else f"{ev.grade} ({english})"


def _root_sentence(
    ev: Evaluation, part: _Part, index: int, lang: Lang, kind: CanonicalKind
) -> str:
    places = ev.scheme.rounding.places
    score = _fmt(part.score, places)
    points = _num(part.node.points) if part.node.points is not None else ""
    if part.score is None:
        if lang == "zh":
            return f"{index}. {part.node.name}方面不适用，不计分。"
        return f"{index}. {part.node.name}: not applicable."
    if lang == "zh":
        scored = "自评得分" if kind == "self" else "评价得分"
        return f"{index}. {part.node.name}方面，满分{points}分，{scored}{score}分。"
    return f"{index}. {part.node.name}: {score} of {points} points."


def _story(ev: Evaluation, ask: _Ask) -> tuple[str, list[tuple[str, list[str]]]]:
    """Return the opening and each part's head and sentences, each on one line."""
    lang = ask.lang
    paragraphs = [
        (
            _line(_root_sentence(ev, part, i, lang, ask.kind)),
            [_line(_group_sentence(ev, g, lang)) for g in part.groups],
        )
        for i, part in enumerate(_parts(ev), start=1)
    ]
    return _line(_opening(ev, ask)), paragraphs


def narrative(ev: Evaluation, lang: Lang = "zh", kind: Kind | None = None) -> str:
    """Return the narrative of an evaluation report as plain text.

    The first line states who evaluated, the total and the grade; each
    first-level node follows with its full points and score, then one line per
    child node or deduction category with every deduction, its reason and
    points, and the category's subtotal where there is more than one.

    Parameters
    ----------
    ev
        The evaluation.
    lang
        ``"zh"`` (the default) or ``"en"``.
    kind
        Who evaluates whom (see :data:`Kind`); by default the scheme's
        :attr:`~perfkpi.scheme.Scheme.report_kind`.

    Raises
    ------
    ReportError
        For an unknown language or kind.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> print(narrative(ev, kind="财政评价").splitlines()[0])
    2022年度，财政部门对广州互联网法院的绩效评价得分88.63分（满分100分），等级为“良”。具体如下：
    """
    ask = _Ask(_language(lang), _kind(ev, kind))
    return _narrative(ev, ask)


def _narrative(ev: Evaluation, ask: _Ask) -> str:
    opening, paragraphs = _story(ev, ask)
    lines = [opening]
    for head, sentences in paragraphs:
        lines.append(head)
        lines += [f"   {s}" for s in sentences]
    return "\n".join(lines)


def _reason(ev: Evaluation, deduction: Deduction, lang: Lang) -> str:
    return _line(_reason_text(ev, deduction, lang))


def _facts(ev: Evaluation, d: Deduction, lang: Lang) -> tuple[str, str]:
    """Return a computed deduction's target and actual, as *lang* writes them."""
    if not d.source or d.source not in ev.scheme:
        return d.target, d.actual
    node = ev.scheme.node(d.source)
    target = _wording.target(node.target, lang) if node.target is not None else ""
    return target, _actual(ev, node, lang)


def _actual(ev: Evaluation, node: Node, lang: Lang) -> str:
    """Return *node*'s actual as *lang* words it ("" when none was given)."""
    places = _wording.text_places(ev.scheme.rounding.places)
    given = _given(ev, node.code)
    if node.code in ev.not_applicable and given is None:
        return ""
    rule = effective_rule(ev.scheme, node.code)
    return _wording.actual(given, node.target, rule, lang, places)


def _given(ev: Evaluation, code: str) -> object:
    if code in ev.data.actuals:
        return ev.data.actuals[code]
    return next((i.actual for i in ev.data.items if i.code == code), None)


_COMPUTED = ("unmet", "shortfall", "proportional", "rule")


def _reason_text(ev: Evaluation, deduction: Deduction, lang: Lang) -> str:
    """Return the reason of a deduction in *lang*.

    Findings' and adjustments' reasons are data and stay as given; the reason
    of a computed deduction is worded again from its node, rule and actual.
    """
    d = deduction
    if lang == "zh" or d.kind not in _COMPUTED or d.source not in ev.scheme:
        return d.reason
    node = ev.scheme.node(d.source)
    rule = effective_rule(ev.scheme, d.source)
    given = _given(ev, d.source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # evaluate() warned already
            value = rule.read(given, node, d.source) if rule is not None else 0.0
    except PerfKPIError:  # pragma: no cover (evaluate() read it)
        return d.reason
    return _wording.computed(
        node,
        rule,
        given,
        value,
        d.kind,
        lang,
        lost=d.points,
        score=ev.scores.get(d.source, 0.0),
        places=_wording.text_places(ev.scheme.rounding.places),
    )
