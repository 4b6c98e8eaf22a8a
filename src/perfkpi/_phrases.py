"""How perfkpi words one value in zh and en: numbers, quantities, dates, targets.

The phrases here need only the value and its :class:`~perfkpi.targets.Target`
(no rule, no node), so that :mod:`perfkpi.rules` can word a target without
importing :mod:`perfkpi._wording`, which builds its sentences on the rules.
:mod:`perfkpi._wording` re-exports them.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

import attrs

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
