"""Tests for perfkpi.targets: the target grammar, its inverse and judging actuals.

Every expected value below was worked out by reading the text, not by running
the parser.  The canonical forms are pinned to hand-built targets in CANONICAL.
"""

from __future__ import annotations

import datetime as dt
import math
import pickle
import re
import sys
import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
    PerfKPIError,
    TargetSyntaxError,
    UnknownUnitError,
)
from perfkpi.targets import (
    _PREFIX_ROWS,
    _SUFFIX_ROWS,
    DEFAULT_SCALES,
    DEFAULT_SYNTAX,
    MAX_LENGTH,
    Comparator,
    LabelScale,
    Quantity,
    Target,
    TargetSyntax,
    format_number,
    format_target,
    parse_quantity,
    parse_target,
)
from perfkpi.units import DATE_UNIT, DEFAULT_UNITS, RANK_UNIT, Unit

U = DEFAULT_UNITS.get
GE, GT, LE, LT, EQ, RANGE = (
    Comparator.GE,
    Comparator.GT,
    Comparator.LE,
    Comparator.LT,
    Comparator.EQ,
    Comparator.RANGE,
)


def day(text: str) -> float:
    return float(dt.date.fromisoformat(text).toordinal())


def scale(name: str) -> LabelScale:
    return next(s for s in DEFAULT_SCALES if s.name == name)


# -- the canonical forms and what they mean --------------------------------------------

CANONICAL: list[tuple[str, Target]] = [
    ("≥99%", Target(GE, 99.0, U("%"))),
    (">99%", Target(GT, 99.0, U("%"), lower_closed=False)),
    ("≤1小时", Target(LE, 1.0, U("小时"))),
    ("<5%", Target(LT, 5.0, U("%"))),
    ("=0", Target(EQ, 0.0)),
    ("≥50123件", Target(GE, 50123.0, U("件"))),
    ("≤8634.17万元", Target(LE, 8634.17, U("万元"))),
    ("≥-5%", Target(GE, -5.0, U("%"))),
    ("[90%,110%]", Target(RANGE, 90.0, U("%"), upper=110.0)),
    ("(0%,10%]", Target(RANGE, 0.0, U("%"), 10.0, lower_closed=False)),
    ("[60分,70分)", Target(RANGE, 60.0, U("分"), 70.0, upper_closed=False)),
    ("(0,1)", Target(RANGE, 0.0, None, 1.0, lower_closed=False, upper_closed=False)),
    ("≤2022-12-31", Target(LE, day("2022-12-31"), DATE_UNIT)),
    (">2022-06-30", Target(GT, day("2022-06-30"), DATE_UNIT)),
    (
        "[2022-01-01,2022-12-31]",
        Target(RANGE, day("2022-01-01"), DATE_UNIT, day("2022-12-31")),
    ),
    ("≤全市第1名", Target(LE, 1.0, RANK_UNIT, qualifier="全市")),
    ("≤第3名", Target(LE, 3.0, RANK_UNIT)),
    ("<第3名", Target(LT, 3.0, RANK_UNIT)),
    ("是", Target(GE, 1.0, scale=scale("yes-no"))),
    ("=否", Target(EQ, 0.0, scale=scale("yes-no"))),
    ("达成年度指标", Target(GE, 2.0, scale=scale("achievement"))),
    ("良", Target(GE, 2.0, scale=scale("grade-cn"))),
    ("≤中", Target(LE, 1.0, scale=scale("grade-cn"))),
    ("[中,优]", Target(RANGE, 1.0, upper=3.0, scale=scale("grade-cn"))),
    ("≥3级", Target(GE, 3.0, U("级"))),
]


@pytest.mark.parametrize(("text", "target"), CANONICAL)
def test_canonical_meaning(text: str, target: Target) -> None:
    assert target == parse_target(text)
    assert text == str(target)
    assert f"Target({text!r})" == repr(target)


# -- valid spellings: text, its canonical form, keyword arguments ----------------------

VALID: list[tuple[str, str, dict[str, Any]]] = [
    # comparator symbols, ASCII and full-width
    ("≥99%", "≥99%", {}),
    (">=99%", "≥99%", {}),
    ("≧99%", "≥99%", {}),
    ("⩾90分", "≥90分", {}),
    ("＞＝９９％", "≥99%", {}),
    ("≥ 99 %", "≥99%", {}),
    ("≤1小时", "≤1小时", {}),
    ("<=1h", "≤1小时", {}),
    ("≦1小时", "≤1小时", {}),
    ("＜＝１ｈ", "≤1小时", {}),
    # full-width forms fold; other compatibility characters that are no digit fold
    ("≥９５．５％", "≥95.5%", {}),  # full-width digits, point and percent
    ("－５％～＋５％", "[-5%,5%]", {}),  # full-width signs and tilde
    ("［９０％，１１０％］", "[90%,110%]", {}),  # full-width brackets and comma
    ("≥99\u3000%", "≥99%", {}),  # an ideographic space
    ("≥99\u00a0%", "≥99%", {}),  # a non-breaking space
    ("≥100㎡", "≥100平方米", {}),  # ㎡ is a unit, not a digit
    ("≤3⼩时", "≤3小时", {}),  # Kangxi radical ⼩ (PDF copies) is 小
    ("2022‑12‑31前", "≤2022-12-31", {}),  # non-breaking hyphens in a date
    (">0", ">0", {}),
    ("<5%", "<5%", {}),
    ("=0", "=0", {}),
    ("==100%", "=100%", {}),
    ("＝０次", "=0次", {}),
    # at least (≥)
    ("不低于95%", "≥95%", {}),
    ("不少于6个", "≥6个", {}),
    ("不小于10", "≥10", {}),
    ("大于等于80分", "≥80分", {}),
    ("大于或等于80分", "≥80分", {}),
    ("不得低于98%", "≥98%", {}),
    ("至少3次", "≥3次", {}),
    ("达到100%", "≥100%", {}),
    ("提升至3级", "≥3级", {}),
    ("提高到95%", "≥95%", {}),
    ("90%以上", "≥90%", {}),  # 以上 includes the number (民法典第1259条)
    ("90%及以上", "≥90%", {}),
    ("8小时以上", "≥8小时", {}),
    # at most (≤)
    ("不高于5%", "≤5%", {}),
    ("不超过1小时", "≤1小时", {}),
    ("不大于3", "≤3", {}),
    ("不多于2次", "≤2次", {}),
    ("小于等于2天", "≤2天", {}),
    ("30%以下", "≤30%", {}),  # 以下 includes the number
    ("3秒内", "≤3秒", {}),
    ("3秒以内", "≤3秒", {}),  # 以内 includes the number
    ("5个工作日内", "≤5工作日", {}),
    ("控制在5%以内", "≤5%", {}),
    ("控制在5%", "≤5%", {}),
    ("降低至2%", "≤2%", {}),
    # more than (>), less than (<), equal (=)
    ("高于90%", ">90%", {}),
    ("大于0", ">0", {}),
    ("超过60分", ">60分", {}),  # 超过 excludes the number
    ("100米以外", ">100米", {}),  # 以外 excludes the number
    ("低于5%", "<5%", {}),
    ("少于3次", "<3次", {}),
    ("小于1‰", "<1‰", {}),
    ("不满18人", "<18人", {}),  # 不满 excludes the number
    ("不足10%", "<10%", {}),
    ("等于0", "=0", {}),
    # a word before and after that agree; (含)/(不含) on one side
    ("不低于95%以上", "≥95%", {}),
    ("≤3秒内", "≤3秒", {}),
    ("90%(含)以上", "≥90%", {}),
    ("60分（不含）以上", ">60分", {}),
    ("5%以下(不含)", "<5%", {}),
    # a bare value takes the indicator's direction
    ("100%", "≥100%", {}),
    ("100%", "≤100%", {"direction": "lower"}),
    ("0次", "≤0次", {"direction": "lower"}),
    # numbers
    ("50,123件", "≥50123件", {}),
    ("８，６３４．１７万元", "≥8634.17万元", {}),
    ("≤8634.17万元", "≤8634.17万元", {}),
    ("≥-5%", "≥-5%", {}),
    ("≥+5%", "≥5%", {}),
    ("≥−5%", "≥-5%", {}),  # U+2212 MINUS SIGN
    ("≥.5", "≥0.5", {}),
    ("1.2万人次", "≥12000人次", {}),
    ("5万", "≥50000", {}),
    ("百分之九十五以上", "≥95%", {}),
    ("千分之三以下", "≤3‰", {}),
    ("三级", "≥3级", {}),
    ("两个工作日内", "≤2工作日", {}),
    ("十五天内", "≤15天", {}),
    ("半小时内", "≤0.5小时", {}),
    ("一百零五件", "≥105件", {}),
    # units
    ("215期", "≥215期", {}),
    ("6个", "≥6个", {}),
    ("1亿元", "≥1亿元", {}),
    ("3个月内", "≤3月", {}),
    ("1年以内", "≤1年", {}),
    ("2周内", "≤2周", {}),
    ("45min", "≥45分钟", {}),
    ("≤30s", "≤30秒", {}),
    ("≥1,000元", "≥1000元", {}),
    ("≤5‰", "≤5‰", {}),
    ("2个季度", "≥2季度", {}),
    ("≥4星", "≥4星", {}),
    ("不超过3起", "≤3起", {}),  # 起 is a count here, not "from"
    # ranges
    ("90%-110%", "[90%,110%]", {}),
    ("90%～110%", "[90%,110%]", {}),
    ("90%~110%", "[90%,110%]", {}),
    ("90%—110%", "[90%,110%]", {}),
    ("90%至110%", "[90%,110%]", {}),
    ("90%到110%", "[90%,110%]", {}),
    ("90-110%", "[90%,110%]", {}),
    ("[95%,105%]", "[95%,105%]", {}),
    ("［95%，105%］", "[95%,105%]", {}),
    ("(0,10%]", "(0%,10%]", {}),
    ("[0,10%)", "[0%,10%)", {}),
    ("(0%,10%)", "(0%,10%)", {}),
    ("0-10%(含)", "(0%,10%]", {}),  # one end marked: the other is the opposite
    ("60分(含)-70分", "[60分,70分)", {}),
    ("90%(含)至110%(含)", "[90%,110%]", {}),
    ("0%(不含)至10%(不含)", "(0%,10%)", {}),
    ("60分以上70分以下", "[60分,70分]", {}),
    ("60分以上不满70分", "[60分,70分)", {}),
    ("超过60分不超过70分", "(60分,70分]", {}),
    ("≥90%且≤110%", "[90%,110%]", {}),
    ("大于0且小于等于10%", "(0%,10%]", {}),
    ("介于90%与110%之间", "[90%,110%]", {}),
    ("在90%-110%之间", "[90%,110%]", {}),
    ("控制在90%～110%", "[90%,110%]", {}),
    ("100%±5%", "[95%,105%]", {}),
    ("[90%,+∞)", "≥90%", {}),
    ("(-∞,5%]", "≤5%", {}),
    ("[30分钟,1小时]", "[30分钟,60分钟]", {}),
    ("-5%-5%", "[-5%,5%]", {}),
    ("[1,000,2,000]", "[1000,2000]", {}),
    # dates and deadlines
    ("2022年12月31日前", "≤2022-12-31", {}),
    ("2022年12月31日之前", "≤2022-12-31", {}),
    ("2022-12-31前", "≤2022-12-31", {}),
    ("2022/12/31", "≤2022-12-31", {}),  # a bare date is a deadline
    ("2022.6.30前", "≤2022-06-30", {}),
    ("2022年12月底前", "≤2022-12-31", {}),
    ("2022年2月底前", "≤2022-02-28", {}),
    ("2024年2月末前", "≤2024-02-29", {}),
    ("2022年底前", "≤2022-12-31", {}),
    ("年底前", "≤2022-12-31", {"year": 2022}),
    ("年内", "≤2023-12-31", {"year": 2023}),
    ("2022年内", "≤2022-12-31", {}),
    ("6月30日前", "≤2022-06-30", {"year": 2022}),
    ("截至2022年12月31日", "≤2022-12-31", {}),
    ("不晚于2022年6月30日", "≤2022-06-30", {}),
    ("2022年7月1日起", "≥2022-07-01", {}),
    ("2022年7月1日以后", "≥2022-07-01", {}),
    ("早于2022年7月1日", "<2022-07-01", {}),
    ("晚于2022年6月30日", ">2022-06-30", {}),
    ("2022年12月", "≤2022-12-31", {}),
    ("2022年12月起", "≥2022-12-01", {}),
    ("二〇二二年十二月三十一日前", "≤2022-12-31", {}),
    ("2022年1月1日至2022年12月31日", "[2022-01-01,2022-12-31]", {}),
    ("[2022-01-01,2022-06-30]", "[2022-01-01,2022-06-30]", {}),
    ("上半年", "≤2022-06-30", {"year": 2022}),
    ("2022年12月31日前完成", "≤2022-12-31", {}),
    ("2022年1月1日起至2022年12月31日止", "[2022-01-01,2022-12-31]", {}),
    ("=2022-06-30", "=2022-06-30", {}),
    # ranks, where lower is better
    ("全市第一", "≤全市第1名", {}),
    ("第1名", "≤第1名", {}),
    ("第一名", "≤第1名", {}),
    ("前三", "≤第3名", {}),
    ("前3名", "≤第3名", {}),
    ("全省前十", "≤全省第10名", {}),
    ("居全市法院首位", "≤全市法院第1名", {}),
    ("全市排名第一", "≤全市第1名", {}),
    ("进入全国前三", "≤全国第3名", {}),
    ("不低于第3名", "≤第3名", {}),  # standing: third or better
    ("优于第3名", "<第3名", {}),
    ("第三名以内", "≤第3名", {}),
    ("前20名以内", "≤第20名", {}),
    ("Top 10", "≤第10名", {}),
    ("≥第3名", "≥第3名", {}),  # a symbol compares the place number
    ("=第2名", "=第2名", {}),
    ("第一至第三名", "[第1名,第3名]", {}),
    # labels
    ("是", "是", {}),
    ("否", "否", {}),
    ("=否", "=否", {}),
    ("ｙｅｓ", "是", {}),
    ("达成年度指标", "达成年度指标", {}),
    ("部分达成年度指标", "部分达成年度指标", {}),
    ("部分达成年度指标并具有一定效果", "部分达成年度指标", {}),
    ("优", "优", {}),
    ("良好", "良", {}),
    ("良及以上", "良", {}),
    ("不低于良", "良", {}),
    ("中以下", "≤中", {}),
    ("高于一般", ">一般", {}),
    ("较高", "较高", {}),
    ("[中,优]", "[中,优]", {}),
    ("良至优", "[良,优]", {}),
    ("合格", "合格", {}),
    ("满意", "满意", {}),
]


@pytest.mark.parametrize(("text", "canonical", "kwargs"), VALID)
def test_valid(text: str, canonical: str, kwargs: dict[str, Any]) -> None:
    target = parse_target(text, **kwargs)
    assert canonical == str(target)
    assert parse_target(canonical) == target


def test_enough_spellings() -> None:
    assert len(VALID) >= 100
    assert len(INVALID) >= 30


# -- invalid spellings -----------------------------------------------------------------

INVALID: list[tuple[str, type[ValueError]]] = [
    ("", TargetSyntaxError),  # nothing to read
    ("   ", TargetSyntaxError),  # only spaces
    ("-", TargetSyntaxError),  # a lone sign
    ("+%", TargetSyntaxError),  # a sign without digits
    ("NaN", TargetSyntaxError),  # not a number
    ("Ｎａｎ%", TargetSyntaxError),  # not a number, even full-width
    ("inf", TargetSyntaxError),  # infinity is no target
    ("1e999999", TargetSyntaxError),  # exponent notation is not written in tables
    ("≥1e3件", TargetSyntaxError),  # nor a small exponent
    ("9" * 400, TargetSyntaxError),  # beyond any float
    ("≥", TargetSyntaxError),  # a comparator with no value
    ("以上", TargetSyntaxError),  # a closing word with no value
    ("≥99%%", UnknownUnitError),  # '%%' is no unit
    ("≥3小事", UnknownUnitError),  # a typo for 小时
    ("5.5.5", TargetSyntaxError),  # two decimal points
    ("5.", TargetSyntaxError),  # no digits after the point
    ("1,23", TargetSyntaxError),  # thousands come in groups of three
    ("50 123件", TargetSyntaxError),  # a space inside a number
    ("高于90%以上", TargetSyntaxError),  # > and ≥ at once: which is meant?
    ("≤1小时以上", TargetSyntaxError),  # ≤ and ≥ at once
    ("110%-90%", TargetSyntaxError),  # the lower end must come first
    ("(5%,5%)", TargetSyntaxError),  # an empty range
    ("[5%,5%)", TargetSyntaxError),  # also empty
    ("5件-1小时", IncompatibleUnitError),  # ends in different dimensions
    ("[1件,2小时]", IncompatibleUnitError),  # the same in brackets
    ("年底前", TargetSyntaxError),  # which year? (no year= given)
    ("2022年2月30日前", TargetSyntaxError),  # no such day
    ("2022年2月29日前", TargetSyntaxError),  # 2022 is not a leap year
    ("2022年13月1日前", TargetSyntaxError),  # no such month
    ("2022年12月前", TargetSyntaxError),  # before December starts, or by its end?
    ("第0名", TargetSyntaxError),  # places count from 1
    ("全市第一以下", TargetSyntaxError),  # "first or below" is no target
    ("前三名以下", TargetSyntaxError),  # the same for a top three
    ("3天前", TargetSyntaxError),  # 前 (before) needs a date, not a duration
    ("达到2022年12月31日", TargetSyntaxError),  # 达到 does not go with a date
    ("不少于良", TargetSyntaxError),  # 不少于 (no fewer than) counts, labels do not
    ("[90%,+∞]", TargetSyntaxError),  # infinity is never included
    ("(-∞,+∞)", TargetSyntaxError),  # no finite end: everything meets it
    ("达成年度指木", TargetSyntaxError),  # a typo for 达成年度指标
    ("100%±-5%", TargetSyntaxError),  # a negative tolerance
    ("≥99%,", TargetSyntaxError),  # a dangling comma
    ("90%(含)", TargetSyntaxError),  # (含) with no comparator to qualify
    ("=90%(含)", TargetSyntaxError),  # (含) does not qualify =
    ("1-2-3", TargetSyntaxError),  # three ends
    ("十十件", TargetSyntaxError),  # not a Chinese numeral
    ("一百五件", TargetSyntaxError),  # colloquial 150 or 105? refused
    ("介于90%", TargetSyntaxError),  # 介于 needs two ends
    ("[95%;105%;110%]", TargetSyntaxError),  # three values in brackets
    ("全市第一至全省第三", TargetSyntaxError),  # ranks among different places
    ("≥是以下", TargetSyntaxError),  # ≥ and ≤ at once
    # look-alikes: NFKC would read them as digits or operators, silently
    ("①95%", TargetSyntaxError),  # circled one: NFKC reads 195%
    ("9²%", TargetSyntaxError),  # superscript two: NFKC reads 92%
    ("≥9⁹", TargetSyntaxError),  # superscript nine: NFKC reads 99
    ("≥9₉%", TargetSyntaxError),  # subscript nine: NFKC reads 99%
    ("≥½", TargetSyntaxError),  # vulgar fraction: NFKC reads 1⁄2
    ("⑴≥95%", TargetSyntaxError),  # parenthesised one: NFKC reads (1)≥95%
    ("⒈≥95%", TargetSyntaxError),  # digit one full stop: NFKC reads 1.≥95%
    ("≥99﹪", TargetSyntaxError),  # small percent sign, a look-alike of %
    ("≥99％％", UnknownUnitError),  # full-width %% folds to '%%', no unit
    ("㊀级", TargetSyntaxError),  # circled ideograph one: NFKC reads 一级
    ("≥9٣%", UnknownUnitError),  # an Arabic-Indic three is no ASCII digit
    ("≥95%\U0001d7d7", TargetSyntaxError),  # mathematical bold nine after a value
    # crafted repetition: refused after a bounded number of tries
    ("1-" * 20, TargetSyntaxError),  # twenty separators: no range has more than one
    ("至" * 30, TargetSyntaxError),  # thirty separators and no value
    ("[" + "1," * 10 + "1]", TargetSyntaxError),  # ten commas in brackets
    ("≥1" * 40 + "以上", TargetSyntaxError),  # forty comparisons, not two
]


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_invalid(text: str, error: type[ValueError]) -> None:
    with pytest.raises(error) as info:
        parse_target(text)
    assert issubclass(type(info.value), PerfKPIError)
    message = str(info.value)
    assert message
    if isinstance(info.value, TargetSyntaxError):
        assert info.value.text == text
        assert 0 <= info.value.position <= len(text)
        assert repr(text) in message


# text -> (position in the text as given, words the message must contain)
WHERE: list[tuple[str, int, str]] = [
    ("≥1e999999", 2, "no exponent"),
    ("-", 1, "a digit after the sign"),
    ("≥", 1, "a value after '≥'"),
    ("50 123件", 3, "without spaces"),
    ("＞＝９９％％", 4, "%"),
    ("年底前", 0, "year=2022"),
    ("2022年12月前", 8, "2022年12月底前"),
    ("高于90%以上", 5, "not both '高于' and '以上'"),
    ("达成年度指木", 0, "did you mean '达成年度指标'"),
    ("1,23", 1, "groups of three"),
    ("①95%", 0, "'①' (U+2460 CIRCLED DIGIT ONE, a look-alike of '1')"),
    ("≥9²%", 2, "'²' (U+00B2 SUPERSCRIPT TWO, a look-alike of '2')"),
    ("≥９₅%", 2, "'₅' (U+2085 SUBSCRIPT FIVE, a look-alike of '5')"),
]


@pytest.mark.parametrize(("text", "position", "words"), WHERE)
def test_error_position(text: str, position: int, words: str) -> None:
    with pytest.raises((TargetSyntaxError, UnknownUnitError)) as info:
        parse_target(text)
    err = info.value
    assert isinstance(err, TargetSyntaxError | UnknownUnitError)
    assert position == err.position
    assert words in str(err)


# Every character that NFKC turns into something beginning with an ASCII digit,
# except the full-width digits ０-９ themselves: ① ² ₃ ½ ⑴ ⒈ 𝟗 ...
DIGIT_LOOKALIKES = [
    chr(code)
    for code in range(sys.maxunicode + 1)
    if not 0xFF10 <= code <= 0xFF19
    and (norm := unicodedata.normalize("NFKC", chr(code))) != chr(code)
    and norm[0].isascii()
    and norm[0].isdigit()
]


def test_every_digit_lookalike_is_refused_where_it_stands() -> None:
    assert len(DIGIT_LOOKALIKES) > 200  # circled, super- and subscript, math ...
    for char in DIGIT_LOOKALIKES:
        text = f"≥9{char}%"
        with pytest.raises(TargetSyntaxError) as info:
            parse_target(text)
        assert 2 == info.value.position, text
        assert f"U+{ord(char):04X}" in str(info.value)


def test_a_text_longer_than_the_limit_is_refused() -> None:
    text = "1-" * 8000  # was read in seconds and 143 MB; now refused at once
    with pytest.raises(TargetSyntaxError) as info:
        parse_target(text)
    assert MAX_LENGTH == info.value.position
    assert "at most 2000 characters (got 16,000)" in str(info.value)
    assert "1-1-1-" in info.value.text
    assert len(info.value.text) == 41  # the first 40 characters and "…"
    with pytest.raises(TargetSyntaxError, match="at most 2000"):
        parse_quantity("9" * (MAX_LENGTH + 1))
    with pytest.raises(DataError, match="at most 2000") as data:
        parse_target("≥99%").to_value("9" * (MAX_LENGTH + 1), where="1.2")
    assert "1.2" == data.value.where


def test_a_text_at_the_limit_is_read() -> None:
    text = "≥" + "0" * (MAX_LENGTH - 3) + "1%"  # 2000 characters: ≥1%
    assert MAX_LENGTH == len(text)
    assert parse_target(text) == parse_target("≥1%")
    # a date range has five candidate separators, within the bound
    assert "[2022-01-01,2022-12-31]" == str(parse_target("2022-01-01-2022-12-31"))


def test_unknown_unit_error_says_where() -> None:
    with pytest.raises(UnknownUnitError) as info:
        parse_target("≥3小事")
    err = info.value
    assert ("小事", "≥3小事", 2) == (err.symbol, err.text, err.position)
    assert "小时" == err.suggestions[0]


def test_incompatible_range_says_where() -> None:
    with pytest.raises(IncompatibleUnitError) as info:
        parse_target("[5件,10小时]")
    err = info.value
    assert ("[5件,10小时]", 4) == (err.text, err.position)
    assert "in '[5件,10小时]' at character 4" in str(err)
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 (our own object)
    assert str(err) == str(again)


def test_incompatible_actual_names_its_node() -> None:
    with pytest.raises(IncompatibleUnitError) as info:
        parse_target("≥99%").to_value("5件", where="1.2")
    assert "1.2" == info.value.where
    assert str(info.value).endswith("@ 1.2")


def test_errors_pickle() -> None:
    with pytest.raises(TargetSyntaxError) as info:
        parse_target("≥")
    again = pickle.loads(pickle.dumps(info.value))  # noqa: S301 (our own object)
    assert str(info.value) == str(again)


# -- judging actuals -------------------------------------------------------------------

IS_MET: list[tuple[str, object, bool]] = [
    ("≥99%", 99.66, True),
    ("≥99%", "98.5%", False),
    ("≥99%", 99, True),
    ("≥99%", "990‰", True),
    ("≥99%", "99.66 %", True),
    (">99%", 99, False),  # > excludes the target value
    ("不满18人", 18, False),
    ("不满18人", 17, True),
    ("18人以上", 18, True),  # 以上 includes it
    ("18人以下", 18, True),
    ("超过60分", 60, False),
    ("60分以内", 60, True),
    ("≤1小时", "45分钟", True),
    ("≤1小时", "61分钟", False),
    ("≤1小时", "3600s", True),
    ("≤1小时", 1, True),
    ("3秒内", "3秒", True),
    ("3秒内", "3001毫秒", False),
    ("≤8634.17万元", "86317300元", True),
    ("≤8634.17万元", "86341700元", True),
    ("≤8634.17万元", "86341701元", False),
    ("≥50,123件", "50,123件", True),
    ("≥50,123件", "5万件", False),
    ("[90%,110%]", "90%", True),
    ("(90%,110%]", "90%", False),
    ("[90%,110%)", 110, False),
    ("提升至3级", "3级", True),
    ("提升至3级", "2级", False),
    ("8小时以上", "8小时", True),
    ("≤1年", "11个月", True),
    ("≤1年", "13个月", False),
    ("≥95%", Decimal(95), True),
    ("≥95%", Fraction(191, 2), True),
    ("≥95%", np.float64(94.9), False),
    ("≥5", "5件", True),  # a unitless target takes the actual's number
    ("2022年12月31日前", dt.date(2022, 12, 31), True),  # 前 includes the day
    ("2022年12月31日前", dt.date(2023, 1, 1), False),
    ("2022年12月31日前", "2022-12-20", True),
    ("2022年12月31日前", "2023年1月1日", False),
    ("2022年12月31日前", "12月31日", True),  # the target's year
    ("2022年12月31日前", dt.datetime(2022, 12, 31, 23, 59), True),  # noqa: DTZ001
    ("2022年12月31日前", np.datetime64("2022-12-31"), True),
    ("2022年12月31日前", day("2022-12-31"), True),
    ("2022年7月1日起", dt.date(2022, 6, 30), False),
    ("全市第一", 1, True),
    ("全市第一", 2, False),
    ("全市第一", "第1名", True),
    ("全市第一", "全市第一", True),
    ("前三", "第三名", True),
    ("前三", "第4名", False),
    ("前三", "3", True),
    ("优", "良", False),
    ("良", "优", True),
    ("良", "良好", True),
    ("是", "是", True),
    ("是", "否", False),
    ("是", True, True),
    ("是", False, False),
    ("=否", "否", True),
    ("=否", "是", False),
    ("达成年度指标", "部分达成年度指标", False),
    ("部分达成年度指标", "达成年度指标", True),
    ("[中,优]", "差", False),
]


@pytest.mark.parametrize(("text", "actual", "expected"), IS_MET)
def test_is_met(text: str, actual: object, *, expected: bool) -> None:
    target = parse_target(text)
    assert expected is target.is_met(actual)
    value = target.to_value(actual)
    assert [expected] == target.met(np.array([value])).tolist()


ACTUAL_ERRORS: list[tuple[str, object, type[PerfKPIError]]] = [
    ("≤1小时", "5件", IncompatibleUnitError),  # a count against a duration
    ("≤1小时", dt.date(2022, 1, 1), IncompatibleUnitError),  # a date against one
    ("≥1天", "3个月", IncompatibleUnitError),  # months are not days
    ("2022年12月31日前", "5件", IncompatibleUnitError),  # a count against a date
    ("≥99%", "2022-12-31", IncompatibleUnitError),  # a date against a ratio
    ("2022年12月31日前", "2022年12月", DataError),  # a month is not a day
    ("2022年12月31日前", 0, DataError),  # no day has ordinal 0
    ("2022年12月31日前", np.datetime64("NaT"), DataError),  # no date at all
    ("是", "也许", DataError),  # not on the scale
    ("是", 1, DataError),  # a label target takes labels
    ("≥99%", math.nan, DataError),  # never a NaN
    ("≥99%", math.inf, DataError),  # nor infinity
    ("≥99%", None, DataError),  # missing
    ("≥99%", "abc", DataError),  # unreadable
    ("≥99%", "≥99%", DataError),  # a target is not an actual
    ("≥99%", True, DataError),  # a bool is not a number
    ("≥99%", "99小事", DataError),  # an unknown unit
    ("≥99%", "优", DataError),  # a label against a number
    ("全市第一", "全省第一", DataError),  # a rank among other places
    ("≥99%", "①99%", DataError),  # a look-alike digit, not 199%
    ("≥99%", "99⁵%", DataError),  # a superscript five, not 995%
]


@pytest.mark.parametrize(("text", "actual", "error"), ACTUAL_ERRORS)
def test_actual_errors(text: str, actual: object, error: type[PerfKPIError]) -> None:
    with pytest.raises(error):
        parse_target(text).is_met(actual)


def test_to_value_says_where() -> None:
    with pytest.raises(DataError) as info:
        parse_target("≥99%").to_value("abc", where="1.2")
    assert "1.2" == info.value.where


def test_a_look_alike_actual_names_its_node_and_character() -> None:
    with pytest.raises(DataError) as info:
        parse_target("≥99%").to_value("9⁹.5%", where="1.2")
    assert "1.2" == info.value.where
    assert "character 1" in str(info.value)
    assert "'⁹' (U+2079 SUPERSCRIPT NINE" in str(info.value)


def test_actual_in_a_custom_unit() -> None:
    syntax = DEFAULT_SYNTAX.with_unit(Unit("人日", "effort"))
    target = parse_target("≥30人日", syntax=syntax)
    assert target.is_met("31人日")  # the target's own unit is understood
    registry = DEFAULT_UNITS.with_units(Unit("人月", "effort", 22.0))
    assert target.is_met("2人月", units=registry)


def test_met_on_arrays() -> None:
    target = parse_target("(0%,10%]")
    values = np.array([-1.0, 0.0, 5.0, 10.0, 10.5, math.nan])
    assert [False, False, True, True, False, False] == target.met(values).tolist()
    deadline = parse_target("2022年12月31日前")
    days = np.array([day("2022-12-30"), day("2022-12-31"), day("2023-01-01")])
    assert [True, True, False] == deadline.met(days).tolist()


def test_bounds_and_direction() -> None:
    assert (99.0, math.inf) == parse_target("≥99%").bounds()
    assert (-math.inf, 1.0) == parse_target("≤1小时").bounds()
    assert (5.0, 5.0) == parse_target("=5").bounds()
    assert (90.0, 110.0) == parse_target("[90%,110%]").bounds()
    assert parse_target("≥99%").higher_is_better
    assert parse_target("良").higher_is_better
    assert not parse_target("全市第一").higher_is_better  # a rank: lower is better
    assert not parse_target("2022年底前").higher_is_better  # sooner is better
    assert not parse_target("[90%,110%]").higher_is_better


def test_kinds() -> None:
    assert "quantity" == parse_target("≥99%").kind
    assert "label" == parse_target("是").kind
    assert "date" == parse_target("2022年底前").kind
    assert "rank" == parse_target("前三").kind


# -- writing targets -------------------------------------------------------------------

ZH: list[tuple[str, str]] = [
    ("≥99%", "不低于99%"),
    ("≤1小时", "不超过1小时"),
    (">60分", "超过60分"),
    ("<5%", "低于5%"),
    ("=0", "等于0"),
    ("[90%,110%]", "90%至110%"),
    ("(0%,10%]", "0%（不含）至10%（含）"),
    ("≤2022-12-31", "2022年12月31日前"),
    ("≥2022-07-01", "2022年7月1日起"),
    ("<2022-07-01", "早于2022年7月1日"),
    (">2022-06-30", "晚于2022年6月30日"),
    ("≤全市第1名", "全市第1名"),
    ("≤第3名", "前3名"),
    ("<第3名", "优于第3名"),
    ("良", "良"),
    ("≤中", "中及以下"),
    (">一般", "优于一般"),
    ("=否", "等于否"),
    ("[中,优]", "中至优"),
]

ASCII: list[tuple[str, str]] = [
    ("≥99%", ">=99%"),
    ("≤1小时", "<=1h"),
    ("≤30秒", "<=30s"),
    ("≥5件", ">=5件"),
    ("=0", "=0"),
    ("[90%,110%]", "[90%,110%]"),
    ("≤2022-12-31", "<=2022-12-31"),
    ("≥1000元", ">=1000yuan"),
    ("≤2天", "<=2d"),
    ("≤3月", "<=3month"),
    ("良", "良"),
    ("≤中", "<=中"),
]


@pytest.mark.parametrize(("canonical", "zh"), ZH)
def test_format_zh(canonical: str, zh: str) -> None:
    target = parse_target(canonical)
    assert zh == format_target(target, "zh")
    assert target == parse_target(zh)


@pytest.mark.parametrize(("canonical", "ascii_text"), ASCII)
def test_format_ascii(canonical: str, ascii_text: str) -> None:
    target = parse_target(canonical)
    assert ascii_text == format_target(target, "ascii")
    assert target == parse_target(ascii_text)


def test_format_number() -> None:
    assert "99" == format_number(99.0)
    assert "8634.17" == format_number(8634.17)
    assert "0.00001" == format_number(0.00001)
    assert "-5" == format_number(-5.0)
    assert "0" == format_number(-0.0)
    assert "100000000000000000000" == format_number(1e20)
    assert "nan" == format_number(math.nan)


# -- quantities ------------------------------------------------------------------------

QUANTITIES: list[tuple[str, float, str | None]] = [
    ("45分钟", 45.0, "分钟"),
    ("50,123件", 50123.0, "件"),
    ("99.66%", 99.66, "%"),
    ("８６３１．７３万元", 8631.73, "万元"),
    ("3", 3.0, None),
    ("-2.5", -2.5, None),
    ("三级", 3.0, "级"),
    ("百分之九十五", 95.0, "%"),
    ("5万件", 50000.0, "件"),
    ("1.5亿元", 1.5, "亿元"),
    ("3千万元", 3.0, "千万元"),
]


@pytest.mark.parametrize(("text", "value", "symbol"), QUANTITIES)
def test_parse_quantity(text: str, value: float, symbol: str | None) -> None:
    quantity = parse_quantity(text)
    assert value == quantity.value
    assert symbol == (quantity.unit.symbol if quantity.unit else None)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", TargetSyntaxError),  # nothing
        ("≥5", TargetSyntaxError),  # a target, not a quantity
        ("5小事", UnknownUnitError),  # no such unit
        ("1e5", TargetSyntaxError),  # exponent notation
    ],
)
def test_parse_quantity_invalid(text: str, error: type[PerfKPIError]) -> None:
    with pytest.raises(error):
        parse_quantity(text)


def test_quantity_str() -> None:
    assert "45分钟" == str(Quantity(45.0, U("分钟")))
    assert "3" == str(Quantity(3.0))


# -- the vocabulary: extensible without editing the package ----------------------------


def test_syntax_extension() -> None:
    effort = Unit("人日", "effort", 1.0, ("person-day",))
    stars = LabelScale("star", ("甲等", "乙等", "丙等"))
    syntax = (
        DEFAULT_SYNTAX.with_unit(effort)
        .with_unit_alias("钟点", "小时")
        .with_scale(stars)
        .with_alias("起码", "≥")
        .with_alias("至少要", "不低于")
        .with_alias("开外", "以上", suffix=True)
    )
    assert Target(GE, 30.0, effort) == parse_target("起码30人日", syntax=syntax)
    assert Target(GE, 30.0, effort) == parse_target("至少要30person-day", syntax=syntax)
    assert Target(LE, 2.0, U("小时")) == parse_target("≤2钟点", syntax=syntax)
    assert Target(GE, 1.0, scale=stars) == parse_target("乙等", syntax=syntax)
    assert Target(GE, 90.0, U("%")) == parse_target("90%开外", syntax=syntax)
    # the default vocabulary is untouched
    for text in ("起码30人日", "≤2钟点", "乙等", "90%开外"):
        with pytest.raises(PerfKPIError):
            parse_target(text)
    assert DEFAULT_SYNTAX == TargetSyntax()


def test_scheme_scale_takes_precedence() -> None:
    own = LabelScale("mine", ("优", "合格", "差"))
    target = parse_target("合格", syntax=DEFAULT_SYNTAX.with_scale(own))
    assert own == target.scale
    assert target.is_met("优")


def test_units_and_scales_keywords() -> None:
    registry = DEFAULT_UNITS.with_units(Unit("垧", "area", 10000.0))
    assert Target(GE, 2.0, registry.get("垧")) == parse_target("2垧", units=registry)
    pefa = LabelScale("pefa", ("A", "B", "C", "D"))
    assert Target(GE, 2.0, scale=pefa) == parse_target("B", scales=[pefa])
    assert parse_target("≥99%") == parse_target("≥99%", units=DEFAULT_UNITS)
    with pytest.raises(TargetSyntaxError):
        parse_target("是", scales=[pefa])  # only the scales given


@pytest.mark.parametrize(
    ("word", "meaning"),
    [
        ("", "≥"),  # an empty word
        ("3倍", "≥"),  # digits in a word
        ("大约", "≈"),  # not a comparator the grammar has
        ("大约", "左右"),  # nor a word it knows
    ],
)
def test_bad_alias(word: str, meaning: str) -> None:
    with pytest.raises(ValueError, match="alias"):
        DEFAULT_SYNTAX.with_alias(word, meaning)


def test_syntax_words() -> None:
    assert "不低于" in DEFAULT_SYNTAX.prefix_words()
    assert "以上" in DEFAULT_SYNTAX.suffix_words()


# -- label scales ----------------------------------------------------------------------


def test_label_scale() -> None:
    grades = scale("grade-cn")
    assert (3.0, 2.0, 1.0, 0.0) == tuple(
        grades.rank(x) for x in ("优", "良", "中", "差")
    )
    assert 2.0 == grades.rank("良好")
    assert "良" == grades.label(2)
    assert "良好" in grades
    assert "甲" not in grades
    assert grades.resolve("甲") is None
    with pytest.raises(ValueError, match="not a label"):
        grades.rank("甲")
    with pytest.raises(ValueError, match="not a rank"):
        grades.label(4)
    with pytest.raises(ValueError, match="not a rank"):
        grades.label(1.5)


@pytest.mark.parametrize(
    ("labels", "aliases"),
    [
        (("优",), {}),  # one label orders nothing
        (("优", "优"), {}),  # duplicates
        (("优", ""), {}),  # an empty label
        (("优", "良"), {"好": "甲"}),  # an alias of no label
        (("优", "良"), {"良": "优"}),  # an alias that is another label
    ],
)
def test_bad_label_scale(labels: tuple[str, ...], aliases: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="label"):
        LabelScale("bad", labels, aliases)


# -- Target values ---------------------------------------------------------------------

BAD_TARGETS: list[dict[str, Any]] = [
    {"comparator": RANGE, "value": 1.0},  # a range without an upper end
    {"comparator": GE, "value": 1.0, "upper": 2.0},  # an upper end on a ≥
    {"comparator": RANGE, "value": 2.0, "upper": 1.0},  # ends reversed
    {"comparator": RANGE, "value": 1.0, "upper": 1.0, "lower_closed": False},  # empty
    {"comparator": GE, "value": math.nan},  # NaN
    {"comparator": GE, "value": math.inf},  # infinity
    {"comparator": GT, "value": 1.0, "lower_closed": True},  # > with its value in
    {"comparator": LT, "value": 1.0, "upper_closed": True},  # < with its value in
    {"comparator": GE, "value": 0.5, "scale": DEFAULT_SCALES[0]},  # half a label
    {"comparator": GE, "value": 1.0, "unit": U("%"), "scale": DEFAULT_SCALES[0]},
    {"comparator": LE, "value": 0.0, "unit": DATE_UNIT},  # no day 0
    {"comparator": LE, "value": 0.0, "unit": RANK_UNIT},  # no place 0
    {"comparator": LE, "value": 1.5, "unit": RANK_UNIT},  # no place 1.5
    {"comparator": LE, "value": 1.0, "qualifier": "全市"},  # a qualifier on a number
    {"comparator": LE, "value": 1.0, "unit": RANK_UNIT, "qualifier": "第"},  # bad name
]


@pytest.mark.parametrize("fields", BAD_TARGETS)
def test_bad_targets(fields: dict[str, Any]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (each case has its own message)
        Target(**fields)


def test_flags_follow_the_comparator() -> None:
    # the old spelling with both flags set still gives the same target
    assert parse_target("≥5") == Target(GE, 5.0, lower_closed=True, upper_closed=True)
    assert (False, False) == attrs.astuple(Target(GT, 5.0))[4:6]
    assert (False, True) == attrs.astuple(Target(LE, 5.0))[4:6]
    assert (True, True) == attrs.astuple(Target(EQ, 5.0))[4:6]


def test_target_is_frozen() -> None:
    target = parse_target("≥99%")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        target.value = 1.0  # type: ignore[misc]
    assert hash(target) == hash(parse_target("不低于99%"))


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        parse_target(99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_quantity(99)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="direction"):
        parse_target("99%", direction="up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="year"):
        parse_target("年底前", year=0)
    with pytest.raises(ValueError, match="year"):
        parse_target("年底前", year=True)


# -- the documentation page covers the whole grammar -----------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "targets.md"


def test_docs_tabulate_every_word_and_unit() -> None:
    # the cells of the page's tables (not its code blocks)
    rows = [r for r in DOCS.read_text(encoding="utf-8").splitlines() if r[:1] == "|"]
    cells = {c for row in rows for c in re.findall(r"`([^`]+)`", row)}
    words = [row[0] for row in (*_PREFIX_ROWS, *_SUFFIX_ROWS)]
    missing = [w for w in words if w not in cells]
    assert [] == missing
    symbols = [s for u in DEFAULT_UNITS for s in (u.symbol, *u.aliases)]
    assert [] == [s for s in symbols if s not in cells]
    labels = [x for sc in DEFAULT_SCALES for x in (*sc.labels, *dict(sc.aliases))]
    assert [] == [x for x in labels if x not in cells]


# -- properties ------------------------------------------------------------------------

QUANTITY_UNITS = [u for u in DEFAULT_UNITS.units if u.dimension not in ("date", "rank")]
QUALIFIERS = ["", "全市", "全省", "全国", "全市法院", "全区", "同类城市", "本系统"]
ONE_SIDED = [GE, GT, LE, LT, EQ]
numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-(10**12), max_value=10**12, places=4).map(float),
    st.integers(min_value=-(10**6), max_value=10**6).map(float),
)


@st.composite
def targets(draw: st.DrawFn) -> Target:
    kind = draw(st.sampled_from(["quantity", "date", "rank", "label"]))
    extra: dict[str, Any] = {}
    if kind == "quantity":
        unit = draw(st.sampled_from([None, *QUANTITY_UNITS]))
        values = st.builds(float, numbers)
        extra["unit"] = unit
    elif kind == "date":
        values = st.dates().map(lambda d: float(d.toordinal()))
        extra["unit"] = DATE_UNIT
    elif kind == "rank":
        values = st.integers(min_value=1, max_value=10**6).map(float)
        extra["unit"] = RANK_UNIT
        extra["qualifier"] = draw(st.sampled_from(QUALIFIERS))
    else:
        label_scale = draw(st.sampled_from(DEFAULT_SCALES))
        values = st.integers(0, len(label_scale.labels) - 1).map(float)
        extra["scale"] = label_scale
    if draw(st.booleans()):
        lo, hi = sorted((draw(values), draw(values)))
        lo_closed, hi_closed = draw(st.booleans()), draw(st.booleans())
        if lo == hi:
            lo_closed = hi_closed = True
        return Target(
            RANGE, lo, upper=hi, lower_closed=lo_closed, upper_closed=hi_closed, **extra
        )
    return Target(draw(st.sampled_from(ONE_SIDED)), draw(values), **extra)


@given(target=targets(), style=st.sampled_from(["canonical", "zh", "ascii"]))
def test_round_trip(target: Target, style: str) -> None:
    text = format_target(target, style)  # type: ignore[arg-type]
    assert target == parse_target(text)


def test_long_numbers_round_trip() -> None:
    # found by Hypothesis: a range with a 300-digit end, written in Chinese
    target = Target(RANGE, 0.0, None, 1e300, lower_closed=False, upper_closed=False)
    for style in ("canonical", "zh", "ascii"):
        assert target == parse_target(format_target(target, style))


@given(target=targets())
def test_str_is_canonical(target: Target) -> None:
    assert str(target) == format_target(target)
    assert str(target) == str(parse_target(str(target)))


_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@given(target=targets())
def test_full_width_spelling(target: Target) -> None:
    text = format_target(target, "ascii")
    wide = "".join(_FULL_WIDTH.get(ch, ch) for ch in text)
    assert target == parse_target(wide)


TOKENS = [
    *(row[0] for row in _PREFIX_ROWS[:40]),
    *(row[0] for row in _SUFFIX_ROWS),
    *"0123456789.,-+%‰~[]()（）±∞年月日底末第前名号",
    "(含)",
    "(不含)",
    "万",
    "亿",
    "小时",
    "分钟",
    "件",
    "元",
    "万元",
    "全市",
    "是",
    "否",
    "良",
    "达成年度指标",
    "百分之",
    "一",
    "十",
    "三",
    "〇",
    "且",
    "与",
    " ",
    "e",
]


def _parse_or_error(text: str) -> None:
    errors = (TargetSyntaxError, UnknownUnitError, IncompatibleUnitError)
    try:
        target = parse_target(text, year=2022)
    except errors as exc:
        message = str(exc)
    else:
        message = str(target)
        assert target == parse_target(str(target))
    assert message


@given(text=st.text())
def test_any_text(text: str) -> None:
    _parse_or_error(text)


@settings(max_examples=500)
@given(text=st.lists(st.sampled_from(TOKENS), max_size=8).map("".join))
def test_any_grammar_soup(text: str) -> None:
    _parse_or_error(text)


@given(
    text=st.text(alphabet="0123456789.,-+~%[]()年月日第名前以上下内含不至", max_size=14)
)
def test_any_number_soup(text: str) -> None:
    _parse_or_error(text)


@given(target=targets(), data=st.data())
def test_is_met_matches_met(target: Target, data: st.DataObject) -> None:
    lo, hi = target.bounds()
    probe = data.draw(
        st.sampled_from(
            [x for x in (lo, hi, lo - 1, hi + 1, (lo + hi) / 2) if math.isfinite(x)]
        )
        if math.isfinite(lo) or math.isfinite(hi)
        else st.just(0.0)
    )
    expected = bool(target.met(np.array([probe]))[0])
    inside = (probe > lo or (target.lower_closed and probe == lo)) and (
        probe < hi or (target.upper_closed and probe == hi)
    )
    assert inside == expected


# -- arguments of the wrong type -------------------------------------------------


def test_target_fields_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match=r"comparator must be a Comparator \(got '≥'\)"):
        Target("≥", 99)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a target's value must be a number"):
        Target(Comparator.GE, "99")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="target values must be finite numbers"):
        Target(Comparator.GE, 10**400)
    with pytest.raises(TypeError, match="a target's unit must be a Unit"):
        Target(Comparator.GE, 99, "%")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lower_closed must be true or false"):
        Target(Comparator.GE, 99, lower_closed="yes")  # type: ignore[arg-type]


def test_label_scale_and_syntax_refuse_wrong_types() -> None:
    with pytest.raises(TypeError, match=r"labels must be a list of text \(got 'AB'\)"):
        LabelScale("s", "AB")  # text alone is not a list
    with pytest.raises(TypeError, match=r"aliases must be pairs of text .* in it\)"):
        LabelScale("s", ("A", "B"), ["A"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="a syntax's units must be a UnitRegistry"):
        TargetSyntax(units="%")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"each of a syntax's scales must be a"):
        TargetSyntax(scales=["yes-no"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"\(word, meaning, is_suffix\) triples"):
        TargetSyntax(aliases=[("起码", "≥")])  # type: ignore[list-item]


def test_parse_target_and_friends_refuse_wrong_types() -> None:
    with pytest.raises(TypeError, match=r"the syntax must be a TargetSyntax"):
        parse_target("≥99%", syntax="zh")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"each of the label scales must be a"):
        parse_target("是", scales=[None])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"the unit registry must be a UnitRegistry"):
        parse_quantity("5件", units={})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the number to format must be a number"):
        format_number("99")  # type: ignore[arg-type]
    assert format_number(10**20 * 10**400) == "1" + "0" * 420
    with pytest.raises(ValueError, match=r"style must be 'canonical', 'zh' or 'ascii'"):
        format_target(parse_target("≥99%"), "html")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the target must be a Target"):
        format_target("≥99%")  # type: ignore[arg-type]


def test_quantity_fields_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match=r"a quantity's value must be a number"):
        Quantity("5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a quantity's unit must be a Unit"):
        Quantity(5, "件")  # type: ignore[arg-type]
