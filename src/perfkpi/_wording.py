"""How reports word targets, actuals and computed deductions, in zh and en.

Every sentence perfkpi writes about a value goes through here, so that no
Python form (a dict, a tuple, ``None``, an unrounded float, an ISO date in a
Chinese sentence) reaches a report, a ledger reason or a trace.  Text the user
wrote (names, labels, reasons, an actual given as text) is kept as written.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping

import numpy as np

# The phrases for a single value live in _phrases (perfkpi.rules words its
# targets with them); they are re-exported here for the modules that word reports.
from perfkpi._phrases import (
    Lang,
    date,
    label,
    number,
    quantity,
    target,
    text_places,
    value,
)
from perfkpi.errors import PerfKPIError
from perfkpi.rules import Checklist, Deadline, Qualitative, RuleBase
from perfkpi.scheme import Node
from perfkpi.targets import Comparator, Target, format_number

__all__ = [
    "Lang",
    "actual",
    "checklist",
    "computed",
    "date",
    "deadline",
    "label",
    "number",
    "off",
    "qualitative",
    "quantity",
    "ratio",
    "reason",
    "target",
    "text_places",
    "tier",
    "value",
]

_EVERY_ZH = {"day": "天", "working-day": "个工作日", "week": "周", "month": "个月"}
_EVERY_EN = {
    "day": "day",
    "working-day": "working day",
    "week": "week",
    "month": "month",
}


def tier(name: str, lang: Lang) -> str:
    """Write a qualitative tier (达成年度指标) in *lang*."""
    return label(name, lang)


def _names(names: object, lang: Lang) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(str(n) for n in names)  # type: ignore[attr-defined]


def checklist(present: object, rule: Checklist, lang: Lang) -> str:
    """Word a checklist actual: which items are there, and which are missing."""
    if isinstance(present, list | tuple):
        names = list(dict.fromkeys(str(n).strip() for n in present))
        missing = [i for i in rule.items if i not in names]
        count = len(names)
        if lang == "zh":
            have = f"具备{count}项（{_names(names, lang)}）" if names else "无一具备"
            lack = f"，缺{len(missing)}项（{_names(missing, lang)}）" if missing else ""
            return have + lack
        have = f"{count} present ({_names(names, lang)})" if names else "none present"
        lack = f", {len(missing)} missing ({_names(missing, lang)})" if missing else ""
        return have + lack
    count = int(float(present))  # type: ignore[arg-type]
    of = len(rule.items)
    if lang == "zh":
        return f"具备{count}项" + (f"（共{of}项）" if of else "")
    return f"{count} present" + (f" of {of}" if of else "")


def qualitative(actual: Mapping[str, object], lang: Lang, places: int = 2) -> str:
    """Word a qualitative actual ``{tier, score}``: 达成年度指标，得3.5分."""
    name = tier(str(actual.get("tier", "")).strip(), lang)
    score = actual.get("score")
    points = number(float(score), places) if isinstance(score, int | float) else ""
    if lang == "zh":
        return f"{name}，得{points}分" if points else name
    return f"{name} ({points} points)" if points else name


def _as_date(actual: object) -> dt.date | None:
    if isinstance(actual, np.datetime64) and not np.isnat(actual):
        actual = actual.astype("datetime64[D]").item()
    if isinstance(actual, dt.datetime):
        return actual.date()
    if isinstance(actual, dt.date):
        return actual
    return None


def actual(  # noqa: PLR0911 (one return per kind of value)
    given: object,
    t: Target | None,
    rule: RuleBase | None,
    lang: Lang,
    places: int = 2,
) -> str:
    """Word an actual (实际完成值) as given in the data.

    Text is kept as the user wrote it; numbers are rounded to *places* with
    the target's unit; dates, yes/no, qualitative tiers and checklists are in
    words.  A missing actual is empty text.
    """
    if given is None:
        return ""
    if isinstance(given, str):
        return _text(given, t, lang, places)
    if isinstance(given, bool | np.bool_):
        if lang == "zh":
            return "是" if given else "否"
        return "yes" if given else "no"
    if isinstance(rule, Checklist) and not isinstance(given, Mapping):
        return checklist(given, rule, lang)
    if isinstance(given, Mapping):
        if isinstance(rule, Qualitative) or set(given) == {"tier", "score"}:
            return qualitative(given, lang, places)
        sep = "；" if lang == "zh" else "; "
        colon = "：" if lang == "zh" else ": "
        return sep.join(
            f"{k}{colon}{actual(v, None, None, lang, places)}" for k, v in given.items()
        )
    if isinstance(given, list | tuple):
        return _names((actual(v, None, None, lang, places) for v in given), lang)
    day = _as_date(given)
    if day is not None:
        return date(day, lang)
    if isinstance(given, int | float | np.number):
        unit = t.unit if t is not None and t.kind == "quantity" else None
        against = t.value if t is not None and t.kind == "quantity" else None
        return quantity(float(given), unit, lang, places, against=against)
    return str(given)


def _text(given: str, t: Target | None, lang: Lang, places: int) -> str:
    """Word an actual given as text: as written, or in English when it reads."""
    if lang == "zh" or t is None:
        return given
    if t.kind == "label":
        return label(given, lang)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # evaluate() warned already
            x = t.to_value(given)
    except (PerfKPIError, ValueError, TypeError):
        return given
    return value(t, x, lang, places)


def deadline(rule: Deadline, t: Target, done: float, lang: Lang) -> str:
    """Word when work due by *t* was done (*done*: its day ordinal).

    ``2023年12月15日完成，晚于2023年11月30日（逾期15天）``.
    """
    day = date(dt.date.fromordinal(int(done)), lang)
    due = date(dt.date.fromordinal(int(t.value)), lang)
    if done <= t.value:
        return f"{day}完成" if lang == "zh" else f"done on {day}"
    late = float(rule.late(np.array([done]), np.array([t.value]))[0])
    n = format_number(late)
    if lang == "zh":
        return f"{day}完成，晚于{due}（逾期{n}{_EVERY_ZH[rule.every]}）"
    period = _EVERY_EN[rule.every] + ("" if late == 1 else "s")
    return f"done on {day}, {n} {period} after the deadline of {due}"


def ratio(x: float, t: Target, lang: Lang, places: int = 2) -> str:
    """Return ``B/A`` (``A/B`` for a lower-is-better target) as written."""
    left, right = x, t.value
    if not t.higher_is_better and t.comparator in (Comparator.LE, Comparator.LT):
        left, right = right, left
    unit = t.unit if t.kind == "quantity" else None
    a = quantity(left, unit, lang, places, against=right)
    b = quantity(right, unit, lang, places)
    return f"{a}/{b}" if lang == "zh" else f"{a} / {b}"


def off(points: float, lang: Lang) -> str:
    """Return ``扣2分`` or ``2 points off``."""
    n = format_number(points)
    if lang == "zh":
        return f"扣{n}分"
    return f"{n} {'point' if points == 1 else 'points'} off"


def reason(  # noqa: PLR0911 (one sentence per kind of deduction)
    kind: str,
    name: str,
    t: Target | None,
    shown: str,
    lang: Lang,
    *,
    lost: float,
    score: float = 0.0,
    points: float = 0.0,
    rule: RuleBase | None = None,
    share: str = "",
) -> str:
    """Word a computed deduction: the indicator, its target and actual, the points.

    *shown* is the actual as :func:`actual` (or :func:`deadline`) words it,
    *share* the ratio as :func:`ratio` writes it, *points* the full points (a
    shortfall's: the rule's points) and *score* the points scored.
    """
    n = format_number
    describe = rule.describe(lang) if rule is not None else ""
    if lang == "zh":
        goal = f"目标{target(t, lang)}，" if t is not None else ""
        if kind == "shortfall":
            return (
                f"{name}：{goal}实际{shown}，按比例{off(lost, lang)}"
                f"（{n(points)}×(1−{share})）"
            )
        if kind == "unmet":
            return f"{name}：{goal}实际{shown}，未达成，{off(lost, lang)}"
        if kind == "proportional":
            return (
                f"{name}：{goal}实际{shown}，按比例计分{n(points)}×{share}={n(score)}，"
                f"{off(lost, lang)}"
            )
        if isinstance(rule, Qualitative):
            return f"{name}：评价为{shown}（满分{n(points)}分），{off(lost, lang)}"
        if isinstance(rule, Deadline | Checklist):
            done = "实际" if isinstance(rule, Deadline) else ""
            return (
                f"{name}：{done}{shown}，{describe}，得{n(score)}分，{off(lost, lang)}"
            )
        return (
            f"{name}：{goal}实际{shown}，{describe}，得{n(score)}分，{off(lost, lang)}"
        )
    goal = f"target {target(t, lang)}, " if t is not None else ""
    if kind == "shortfall":
        return (
            f"{name}: {goal}actual {shown}; deducted in proportion to the shortfall, "
            f"{n(points)} × (1 − {share}), {off(lost, lang)}"
        )
    if kind == "unmet":
        return f"{name}: {goal}actual {shown}; not met, {off(lost, lang)}"
    if kind == "proportional":
        return (
            f"{name}: {goal}actual {shown}; scored in proportion, "
            f"{n(points)} × {share} = {n(score)}, {off(lost, lang)}"
        )
    if isinstance(rule, Qualitative):
        return f"{name}: assessed as {shown}, out of {n(points)}; {off(lost, lang)}"
    if isinstance(rule, Deadline | Checklist):
        return f"{name}: {shown}; {describe}; scored {n(score)}, {off(lost, lang)}"
    return (
        f"{name}: {goal}actual {shown}; {describe}; scored {n(score)}, "
        f"{off(lost, lang)}"
    )


def computed(
    node: Node,
    rule: RuleBase | None,
    given: object,
    x: float,
    kind: str,
    lang: Lang,
    *,
    lost: float,
    score: float = 0.0,
    places: int = 2,
) -> str:
    """Word the deduction computed for *node* from its actual *given* (read as *x*)."""
    t = node.target
    if isinstance(rule, Deadline) and t is not None and t.kind == "date":
        shown = deadline(rule, t, x, lang)
    else:
        shown = actual(given, t, rule, lang, places)
    share = ""
    if t is not None and kind in ("shortfall", "proportional"):
        share = ratio(x, t, lang, places)
    points = node.points or 0.0
    if kind == "shortfall":
        points = float(getattr(rule, "points", points))
    return reason(
        kind,
        node.name,
        t,
        shown,
        lang,
        lost=lost,
        score=score,
        points=points,
        rule=rule,
        share=share,
    )
