"""Targets (指标值) as people write them, and whether an actual meets one.

A :class:`Target` is a comparator with a value in a unit (``≥99%``, ``≤1小时``),
a range (``[90%,110%]``), a deadline (``≤2022-12-31``), a rank (``≤全市第1名``)
or a label on an ordered scale (``是``, ``达成年度指标``).  :func:`parse_target`
reads the spellings found in Chinese indicator tables and their ASCII and
full-width variants; ``str(target)`` gives the canonical text, which parses back
to an equal target, and :func:`format_target` writes it in Chinese words or in
ASCII.  The documentation page *Targets as people write them* tabulates the
whole grammar with the source of every spelling.

Reading a target is a pipeline of small steps before one grammar:

1. normalise: full-width forms (``＞＝９９％`` is ``>=99%``), dashes and the
   minus sign, no spaces (except that a space inside a number is an error);
   a look-alike that NFKC alone would read as a digit or an operator (``①``,
   ``²``, ``₅``, ``½``) is an error naming it, never a digit;
2. a whole-text label (``达成年度指标``) or a bracketed range (``(0,10%]``);
3. one clause: an optional comparator word in front (``不低于``, ``≥``), a value,
   an optional ``(含)``/``(不含)`` and an optional word behind (``以上``, ``内``,
   ``前``);
4. failing that, a range ``90%～110%`` or two clauses ``60分以上70分以下``.

Reading is linear in the length of the text: a text longer than
:data:`MAX_LENGTH` is refused unread, and ranges, brackets and two clauses are
tried split at a bounded number of places, so crafted text (``"1-" * 8000``)
costs no more than an ordinary one of its length.

Decisions
---------
- **Inclusive ends** follow 《民法典》第1259条: 以上, 以下, 以内 include the number
  itself; 不满, 超过, 以外 exclude it.
- **A bare value** takes the comparator its indicator's direction gives:
  ``"100%"`` is ``≥100%`` by default and ``≤100%`` with ``direction="lower"``.
  A bare label is "this label or better"; a bare date is a deadline; a bare rank
  is "this place or better".  The direction applies to numbers only.
- **Deadlines**: ``2022年12月31日前`` includes 31 December.  A period ends at
  24:00 of its last day (《民法典》第203条), so work finished on the day is on
  time; 前, 以前, 之前 and 后, 以后, 之后 include the day named.  They need a day
  (``2022年12月前`` is refused as ambiguous; write ``2022年12月底前``).  Dates
  are stored as proleptic ordinals (:meth:`datetime.date.toordinal`) in the
  unit ``日期``; a text without a year (``年底前``) takes ``year=`` or is an error.
- **Months and years** are not durations (their length varies): they form the
  dimension ``month`` (月, 季度, 年 = 12 月) that never converts to days.
- **Ranks** (``全市第一``, ``第1名``, ``前三``) are numbers where lower is better:
  a bare rank means ``≤ N``.  The place the rank is among (全市, 全省) is kept in
  :attr:`Target.qualifier`.  Comparator *symbols* compare the rank number
  (``≤第3名``); comparator *words* speak of standing, so ``不低于第3名`` is also
  ``≤3`` and ``优于第3名`` is ``<3``; words that could mean either are refused.
- **Labels** (``优 > 良 > 中 > 差``) are ranked from 0 for the worst; a label meets
  a target at or above it.  Schemes may bring their own :class:`LabelScale`.

Examples
--------
>>> from perfkpi import parse_target
>>> t = parse_target("≥99%")
>>> t.is_met(99.66), t.is_met("98.5%")
(True, False)
>>> parse_target("3秒内")
Target('≤3秒')
>>> parse_target("≤1小时").is_met("45分钟")
True
>>> parse_target("不低于95%")
Target('≥95%')
>>> str(parse_target("90%～110%"))
'[90%,110%]'
>>> parse_target("是").is_met("否")
False
>>> parse_target("全市第一")
Target('≤全市第1名')
>>> parse_target("2022年12月31日前").is_met("2022-12-31")
True
>>> parse_target("优").is_met("良"), parse_target("良").is_met("优")
(False, True)
"""

from __future__ import annotations

import types

from perfkpi.targets._format import format_target
from perfkpi.targets._normalise import MAX_LENGTH as _MAX_LENGTH
from perfkpi.targets._normalise import _fold_char as _fold_char
from perfkpi.targets._parse import parse_quantity, parse_target
from perfkpi.targets._syntax import _PREFIX_ROWS as _PREFIX_ROWS
from perfkpi.targets._syntax import _SUFFIX_ROWS as _SUFFIX_ROWS
from perfkpi.targets._syntax import DEFAULT_SYNTAX as _DEFAULT_SYNTAX
from perfkpi.targets._syntax import TargetSyntax
from perfkpi.targets._target import Target
from perfkpi.targets._values import DEFAULT_SCALES as _DEFAULT_SCALES
from perfkpi.targets._values import (
    Comparator,
    LabelScale,
    Quantity,
    format_number,
)

__all__ = [
    "DEFAULT_SCALES",
    "DEFAULT_SYNTAX",
    "MAX_LENGTH",
    "Comparator",
    "LabelScale",
    "Quantity",
    "Target",
    "TargetSyntax",
    "format_number",
    "format_target",
    "parse_quantity",
    "parse_target",
]

DEFAULT_SCALES = _DEFAULT_SCALES
"""The label scales known out of the box.

是/否; 达成年度指标 > 部分达成年度指标 > 未达成年度指标 (the three tiers of
财预〔2020〕10号); 优 > 良 > 中 > 差; 高 > 较高 > 一般 > 低; 非常满意 > 满意 >
基本满意 > 不满意; 合格 > 不合格.  When two scales share a label, the first wins."""

DEFAULT_SYNTAX = _DEFAULT_SYNTAX
"""The vocabulary :func:`parse_target` reads by default.

Its units are :data:`perfkpi.units.DEFAULT_UNITS` and its scales
:data:`DEFAULT_SCALES`; extend it with the ``with_…`` methods."""

MAX_LENGTH = _MAX_LENGTH
"""The longest target, quantity or actual text read, in characters.

No table cell comes near it; a longer text is refused before it is read.  The
limit is a second line of defence only: reading is linear in the length of the
text below it too."""


def _adopt(obj: object) -> None:
    """Name *obj* (and a class's own methods) perfkpi.targets.X, where they began.

    So they are documented, pickled, named in tracebacks and doctested here: a
    method's doctest is collected with its class only when both say this module.
    """
    if isinstance(obj, type):
        for member in vars(obj).values():
            function = getattr(member, "__func__", member)
            if (
                isinstance(function, types.FunctionType)
                and function.__module__ == obj.__module__
            ):
                function.__module__ = __name__
    if isinstance(obj, type | types.FunctionType):
        obj.__module__ = __name__


for _name in __all__:
    _adopt(globals()[_name])
del _name
