"""How reports word targets, actuals and computed deductions, in zh and en.

Every sentence perfkpi writes about a value goes through here, so that no
Python form (a dict, a tuple, ``None``, an unrounded float, an ISO date in a
Chinese sentence) reaches a report, a ledger reason or a trace.  Text the user
wrote (names, labels, reasons, an actual given as text) is kept as written.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Mapping
from typing import Literal

import attrs
import numpy as np

from perfkpi.errors import PerfKPIError
from perfkpi.rules import Checklist, Deadline, Qualitative, RuleBase
from perfkpi.scheme import Node
from perfkpi.targets import Comparator, Target, format_number, format_target
from perfkpi.units import Unit

Lang = Literal["zh", "en"]

_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_TIERS_EN = {
    "达成年度指标": "annual target achieved",
    "部分达成年度指标并具有一定效果": "annual target partly achieved, with some effect",
    "部分达成年度指标": "annual target partly achieved",
    "未达成年度指标且效果较差": "annual target not achieved, with poor effect",
    "未达成年度指标": "annual target not achieved",
}

_LABELS_EN = {
    **_TIERS_EN,
    "是": "yes",
    "否": "no",
    "优": "excellent",
    "良": "good",
    "中": "fair",
    "差": "poor",
    "高": "high",
    "较高": "fairly high",
    "一般": "average",
    "低": "low",
    "非常满意": "very satisfied",
    "满意": "satisfied",
    "基本满意": "fairly satisfied",
    "不满意": "dissatisfied",
    "合格": "pass",
    "不合格": "fail",
}
"""English for the labels of the scales perfkpi knows (``DEFAULT_SCALES``)."""

_EVERY_ZH = {"day": "天", "working-day": "个工作日", "week": "周", "month": "个月"}
_EVERY_EN = {
    "day": "day",
    "working-day": "working day",
    "week": "week",
    "month": "month",
}

_PLAIN_EN = frozenset({"yuan", "mu", "percent", "per mille", "per ten thousand"})


def text_places(places: int) -> int:
    """Return the places a report writes a rate with: 2, or the scheme's if more."""
    return max(2, places)


def number(value: float, places: int = 2, *, against: float | None = None) -> str:
    """Write *value* rounded to *places* (shortest form, no trailing zeros).

    With *against*, a value that differs from it but would round to it is
    written with as many more places as tell them apart (99.996 against 100 is
    not written as 100).
    """
    value = float(value)
    if not math.isfinite(value):
        return format_number(value)
    shown = round(value, places)
    if against is not None and value != against:
        while shown == round(against, places) and places < 10:  # noqa: PLR2004
            places += 1
            shown = round(value, places)
    return format_number(shown + 0.0)  # + 0.0: no "-0"


def _plural(name: str, value: float) -> str:
    if value == 1 or name in _PLAIN_EN or name.endswith("s"):
        return name
    return name + "s"


def quantity(
    value: float,
    unit: Unit | None,
    lang: Lang,
    places: int = 2,
    *,
    against: float | None = None,
) -> str:
    """Write a number with its unit, as a Chinese table or an English text does."""
    text = number(value, places, against=against)
    if unit is None:
        return text
    if lang == "zh" or unit.symbol in ("%", "‰", "‱"):
        return text + unit.symbol
    if unit.dimension == "count" or not unit.name:
        return text  # 个, 项, 人次: a measure word English does without
    if unit.dimension == "money" and unit.symbol != "元":
        yuan = number(value * unit.factor, places)
        return f"{_grouped(yuan)} yuan"
    if unit.dimension == "level":
        return f"level {text}"
    return f"{text} {_plural(unit.name, round(value, places))}"


def _grouped(text: str) -> str:
    whole, dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"


def date(day: dt.date, lang: Lang) -> str:
    """Write a date as ``2023年12月15日`` or ``15 Dec 2023``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def label(text: str, lang: Lang) -> str:
    """Write a label of a known scale (是, 良, 满意) in *lang*; others as written."""
    if lang == "zh":
        return text
    return _LABELS_EN.get(text.strip(), text)


def value(target: Target, x: float, lang: Lang, places: int = 2) -> str:
    """Write *x*, a value read against *target*, in the target's own terms."""
    if target.kind == "label" and target.scale is not None:
        return label(target.scale.label(x), lang)
    if target.kind == "date":
        return date(dt.date.fromordinal(int(x)), lang)
    if target.kind == "rank":
        where = target.qualifier
        if lang == "zh":
            return f"{where}第{int(x)}名"
        return f"rank {int(x)}" + (f" ({where})" if where else "")
    return quantity(x, target.unit, lang, places, against=target.value)


def target(t: Target, lang: Lang) -> str:
    """Write a target (指标值) as a report does.

    In Chinese, a one-sided quantity keeps its comparator symbol (``≥99%``, as
    performance-target tables write it); dates, ranges, ranks and labels are in
    words (``2023年11月30日前``, ``90%至110%``, ``全市前3名``).  In English
    everything is in words (``at least 99%``, ``by 30 Nov 2023``).
    """
    if t.relative or t.source is not None:  # 较上年提高5%（上年80%，即≥84%）
        return format_target(t) if lang == "zh" else _relative_en(t)
    if lang == "zh":
        if t.kind == "quantity" and t.comparator is not Comparator.RANGE:
            return format_target(t)
        return format_target(t, "zh")
    return _target_en(t)


def _relative_en(t: Target) -> str:
    """Word a target relative to the prior year, and what it resolved to."""
    source = t.source or t
    up = source.comparator in (Comparator.GE, Comparator.GT)
    if source.unit is None and source.value == 0:
        words = {
            Comparator.GE: "at least",
            Comparator.GT: "above",
            Comparator.LE: "at most",
            Comparator.LT: "below",
        }
        text = f"{words[source.comparator]} the prior year's value"
    else:
        change = quantity(source.value, source.unit, "en")
        text = f"{change} {'above' if up else 'below'} the prior year's value"
    if t.source is None or t.prior is None:
        return text
    prior = quantity(t.prior.value, t.prior.unit, "en")
    plain = attrs.evolve(t, source=None, prior=None)
    return f"{text} (prior year {prior}, so {_target_en(plain)})"


_EN_WORDS = {
    "quantity": {
        Comparator.GE: "at least {}",
        Comparator.GT: "more than {}",
        Comparator.LE: "at most {}",
        Comparator.LT: "less than {}",
        Comparator.EQ: "exactly {}",
    },
    "label": {
        Comparator.GE: "{} or better",
        Comparator.GT: "better than {}",
        Comparator.LE: "{} or below",
        Comparator.LT: "below {}",
        Comparator.EQ: "{}",
    },
    "date": {
        Comparator.GE: "from {}",
        Comparator.GT: "after {}",
        Comparator.LE: "by {}",
        Comparator.LT: "before {}",
        Comparator.EQ: "on {}",
    },
}


def _target_en(t: Target) -> str:
    c = t.comparator
    if c is Comparator.RANGE:
        assert t.upper is not None  # noqa: S101 (a range has an upper end)
        lo = value(t, t.value, "en")
        hi = value(t, t.upper, "en")
        if t.lower_closed and t.upper_closed:
            return f"{lo} to {hi}"
        left = "inclusive" if t.lower_closed else "exclusive"
        right = "inclusive" if t.upper_closed else "exclusive"
        return f"{lo} ({left}) to {hi} ({right})"
    if t.kind == "rank":
        n = int(t.value)
        where = f" ({t.qualifier})" if t.qualifier else ""
        if c is Comparator.LE:
            return (f"top {n}" if n > 1 else "first") + where
        words = {
            Comparator.GE: "rank {} or lower",
            Comparator.GT: "below rank {}",
            Comparator.LT: "above rank {}",
            Comparator.EQ: "rank {}",
        }
        return words[c].format(n) + where
    if t.kind == "label" and c is Comparator.GE:
        return value(t, t.value, "en")
    return _EN_WORDS[t.kind][c].format(value(t, t.value, "en"))


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
