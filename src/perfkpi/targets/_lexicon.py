"""The lexicon of the grammar: numbers, dates, ranks, relative words, operands."""

from __future__ import annotations

import decimal
import re
from typing import NamedTuple

from perfkpi.targets._normalise import _DIGITS
from perfkpi.targets._values import Comparator, Kind, LabelScale
from perfkpi.units import (
    Unit,
)

# -- numbers --------------------------------------------------------------------

_NUMBER = re.compile(
    r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+"
)
_CN_NUMBER = re.compile("[零〇一二两三四五六七八九十百千]+")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_PERCENT_WORDS = (("百分之", "%"), ("千分之", "‰"), ("万分之", "‱"))
_MULTIPLIERS = (
    ("千万", decimal.Decimal(10**7)),
    ("百万", decimal.Decimal(10**6)),
    ("万", decimal.Decimal(10**4)),
    ("亿", decimal.Decimal(10**8)),
)


def _cn_int(text: str) -> int | None:  # noqa: PLR0911 (each refusal says why)
    """Read a Chinese numeral up to 9999 (``十五``, ``一百零五``, ``二〇二二``)."""
    if all(ch in _CN_DIGITS for ch in text):
        if len(text) == 1 or (len(text) == 4 and text[0] not in "零〇"):  # noqa: PLR2004
            return int("".join(str(_CN_DIGITS[ch]) for ch in text))
        return None
    total = 0
    digit: int | None = None
    last_power = 10**4
    zero = False
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None:
                return None
            value = _CN_DIGITS[ch]
            if value == 0:
                zero = True
                continue
            digit = value
        else:
            power = _CN_POWERS[ch]
            if power >= last_power:
                return None
            if digit is None:
                if total or zero or power != 10:  # noqa: PLR2004 (十五 = 15)
                    return None
                digit = 1
            total += digit * power
            digit, last_power, zero = None, power, False
    if digit is not None:
        if last_power > 10 and not zero and last_power != 10**4:  # noqa: PLR2004
            return None  # 一百五 is colloquial for 150: refuse rather than guess
        total += digit
    return total


def _cn_numeral(n: int) -> str:
    """Write 1 ≤ n ≤ 99 as a Chinese numeral (``第一``, ``前十二``)."""
    digits = "零一二三四五六七八九"
    if n < 10:  # noqa: PLR2004
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# -- dates and ranks ---------------------------------------------------------------

_Y = r"(?P<y>[0-9]{4}|[〇零一二三四五六七八九]{4})"
_M = r"(?P<m>[0-9]{1,2}|十[一二]?|[一二三四五六七八九])"
_D = r"(?P<d>[0-9]{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_DATE_ISO = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
)
_DATE_DAY = re.compile(rf"(?:{_Y}年)?{_M}月{_D}[日号]")
_DATE_MONTH_END = re.compile(rf"(?:{_Y}年)?{_M}月(?:底|末)")
_DATE_MONTH = re.compile(rf"{_Y}年{_M}月份?")
_DATE_YEAR_END = re.compile(rf"(?:{_Y}|本|当|今)?年度?(?:底|末)")
_DATE_YEAR = re.compile(rf"(?:{_Y}|(?P<this>本|当|今))?年(?P<du>度)?")
_DATE_HALF = re.compile(rf"(?:{_Y}年)?(?P<h>上|下)半年")

_STANDING = "排名|排位|排在|名列|位列|位居|居"
_RANK = re.compile(
    r"(?P<q>[\u4e00-\u9fff]*?)"
    rf"(?:{_STANDING})?"
    r"(?:第(?P<n>[0-9]+|[零〇一二两三四五六七八九十百千]+)(?:名|位)?"
    r"|前(?P<top>[0-9]+|[零〇一二两三四五六七八九十百千]+)(?:名|位)?"
    r"|(?P<first>首位|榜首)"
    r"|(?i:top)(?P<top2>[0-9]+))"
)
_RANK_HINT = re.compile(r"[第前首榜]|(?i:top)")
_QUALIFIER_BANNED = frozenset("第前首榜至到与和")
_MAX_QUALIFIER = 20


def _valid_qualifier(text: str) -> bool:
    """Whether *text* can qualify a rank and read back as itself."""
    if (
        not text
        or len(text) > _MAX_QUALIFIER
        or any(
            not ("\u4e00" <= ch <= "\u9fff") or ch in _QUALIFIER_BANNED for ch in text
        )
    ):
        return False
    match = _RANK.fullmatch(text + "第1名")
    return match is not None and match.group("q") == text


def _year_of(text: str) -> int:
    if text[0] in _DIGITS:
        return int(text)
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))


class _Value(NamedTuple):
    """One operand as read: a number, a label, a rank or a date.

    A date may be a period (a month, a year): ``lo`` is its first day and
    ``hi`` its last.
    """

    kind: Kind
    lo: float
    hi: float
    unit: Unit | None = None
    scale: LabelScale | None = None
    qualifier: str = ""
    day: bool = True


class _Clause(NamedTuple):
    comparator: Comparator
    value: _Value


def _end_of(value: _Value, *, lower: bool, closed: bool) -> float:
    """Return the number a value gives as the lower or upper end of an interval.

    ``≥ 2022年12月`` starts on 1 December and ``> 2022年12月`` after 31 December;
    ``≤`` ends on 31 December and ``<`` before 1 December.
    """
    if lower:
        return value.lo if closed else value.hi
    return value.hi if closed else value.lo


# -- relative words, units read two ways, limits -------------------------------------

_RELATIVE_HINT = re.compile("上一?年|去年|同比")
_RELATIVE_BASE = "(?:上一?年度?|去年)(?:同期)?(?:水平)?"
_RISES = frozenset(("提高", "增长", "增加", "上升", "提升"))
_RELATIVE_CHANGE = re.compile(
    rf"(?:(?:较|比|相比|与){_RELATIVE_BASE}(?:相比)?|同比)(?:有所)?"
    "(?P<verb>提高|增长|增加|上升|提升|下降|降低|减少|压减)"
    "(?P<at>不低于|不少于|至少)?"
)
_RELATIVE_COMPARATORS = {
    **dict.fromkeys(("不低于", "不少于", "不小于", ">=", "≥"), Comparator.GE),
    **dict.fromkeys(("不高于", "不超过", "不多于", "不大于", "<=", "≤"), Comparator.LE),
    **dict.fromkeys(("高于", "超过", "多于", "大于", ">"), Comparator.GT),
    **dict.fromkeys(("低于", "少于", "小于", "<"), Comparator.LT),
}
_RELATIVE_LEVEL = re.compile(
    "(?P<word>"
    + "|".join(sorted(map(re.escape, _RELATIVE_COMPARATORS), key=len, reverse=True))
    + f"){_RELATIVE_BASE}"
)

_TWO_WAYS = {"块": "元"}
"""Unit words with two readings: money in speech, a count as a measure word."""

_MAX_TWO_CLAUSES = 200
"""Texts longer than this are not tried as two clauses (60分以上70分以下)."""

_GENERIC = (
    "a number with its unit (99%, 1小时), a date (2022年12月31日), a rank "
    "(全市第一, 前三) or a label (是, 优, 达成年度指标)"
)
