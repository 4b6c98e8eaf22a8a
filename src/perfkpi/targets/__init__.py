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

import calendar
import datetime as dt
import decimal
import difflib
import enum
import functools
import itertools
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Literal, NamedTuple, TypeVar, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike

from perfkpi import _checks
from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
    TargetSyntaxError,
    UnknownUnitError,
)
from perfkpi.units import (
    DATE_UNIT,
    DEFAULT_UNITS,
    RANK_UNIT,
    Unit,
    UnitRegistry,
    convert,
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

Direction = Literal["higher", "lower"]
Style = Literal["canonical", "zh", "ascii"]
Kind = Literal["quantity", "label", "date", "rank"]
TargetKind = Literal["quantity", "label", "date", "rank", "relative"]


class Comparator(enum.StrEnum):
    """How an actual is compared with a target value."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="
    RANGE = "range"


_ASCII_COMPARATORS = {
    Comparator.GE: ">=",
    Comparator.GT: ">",
    Comparator.LE: "<=",
    Comparator.LT: "<",
    Comparator.EQ: "=",
}


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return _checks.texts(values, "a label scale's labels")


def _pairs(
    values: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    return _checks.pairs(values, "a label scale's aliases")


def _scale_name(_: object, __: attrs.Attribute[str], value: object) -> None:
    _checks.text(value, "a label scale's name")


def _key(text: str) -> str:
    """Return the look-up form of a word or label: NFKC, without spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# -- label scales -------------------------------------------------------------


@attrs.frozen(cache_hash=True)
class LabelScale:
    """An ordered scale of qualitative labels, best first.

    A label meets a ``≥`` target when it ranks at or above the target's label.
    Ranks count from 0 for the worst label, so that higher is better.

    Parameters
    ----------
    name
        An identifier for the scale (``yes-no``).
    labels
        The labels from best to worst.
    aliases
        Other spellings of labels, as ``(alias, label)`` pairs or a mapping
        (``{"良好": "良"}``); they read as the label, which is what is written back.

    Raises
    ------
    TypeError
        If *name* is not text, *labels* is not a list of text, or *aliases* is
        not pairs of text or a mapping of text to text.
    ValueError
        If there are fewer than two distinct labels, a label is empty or
        repeated, or an alias names no label or is a label itself.

    Examples
    --------
    >>> scale = LabelScale("pefa", ("A", "B", "C", "D"), {"D*": "D"})
    >>> scale.rank("A"), scale.rank("D*"), scale.label(2)
    (3.0, 0.0, 'B')
    """

    name: str = attrs.field(validator=_scale_name)
    labels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    aliases: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    _lookup: Mapping[str, str] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for label in self.labels:
            key = _key(label)
            if not key or key in lookup:
                msg = f"label scale {self.name!r} needs distinct, non-empty labels"
                raise ValueError(msg)
            lookup[key] = label
        if len(lookup) < 2:  # noqa: PLR2004 (a scale orders at least two labels)
            msg = f"label scale {self.name!r} needs two or more distinct labels"
            raise ValueError(msg)
        for alias, label in self.aliases:
            key = _key(alias)
            if label not in self.labels:
                msg = f"alias {alias!r} of scale {self.name!r} names no label"
                raise ValueError(msg)
            if not key or lookup.get(key, label) != label:
                msg = f"alias {alias!r} of scale {self.name!r} is already a label"
                raise ValueError(msg)
            lookup[key] = label
        object.__setattr__(self, "_lookup", lookup)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.resolve(text) is not None

    def resolve(self, text: str) -> str | None:
        """Return the label *text* means (a label or an alias), or ``None``."""
        return self._lookup.get(text) or self._lookup.get(_key(text))

    def rank(self, label: str) -> float:
        """Return the rank of *label* (or an alias): 0 for the worst, higher is better.

        Raises
        ------
        ValueError
            If *label* is not on the scale.
        """
        resolved = self.resolve(label)
        if resolved is None:
            msg = f"{label!r} is not a label of scale {self.name!r}"
            raise ValueError(msg)
        return float(len(self.labels) - 1 - self.labels.index(resolved))

    def label(self, rank: float) -> str:
        """Return the label of a rank (the inverse of :meth:`rank`).

        Raises
        ------
        ValueError
            If *rank* is not a whole number from 0 to ``len(labels) - 1``.
        """
        if not (rank == int(rank) and 0 <= rank < len(self.labels)):
            msg = f"{rank!r} is not a rank of scale {self.name!r}"
            raise ValueError(msg)
        return self.labels[len(self.labels) - 1 - int(rank)]


DEFAULT_SCALES: tuple[LabelScale, ...] = (
    LabelScale("yes-no", ("是", "否"), {"yes": "是", "no": "否", "√": "是", "×": "否"}),
    LabelScale(
        "achievement",
        ("达成年度指标", "部分达成年度指标", "未达成年度指标"),
        {
            "全部达成年度指标": "达成年度指标",
            "部分达成年度指标并具有一定效果": "部分达成年度指标",
            "未达成年度指标且效果较差": "未达成年度指标",
        },
    ),
    LabelScale(
        "grade-cn",
        ("优", "良", "中", "差"),
        {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"},
    ),
    LabelScale("level-cn", ("高", "较高", "一般", "低")),
    LabelScale("satisfaction", ("非常满意", "满意", "基本满意", "不满意")),
    LabelScale("pass-fail", ("合格", "不合格")),
)
"""The label scales known out of the box.

是/否; 达成年度指标 > 部分达成年度指标 > 未达成年度指标 (the three tiers of
财预〔2020〕10号); 优 > 良 > 中 > 差; 高 > 较高 > 一般 > 低; 非常满意 > 满意 >
基本满意 > 不满意; 合格 > 不合格.  When two scales share a label, the first wins."""


# -- quantities and numbers ---------------------------------------------------


def _real(_: object, field: attrs.Attribute[float], value: object) -> None:
    _checks.number(value, f"a quantity's {field.name}")


def _optional_unit(_: object, __: attrs.Attribute[Unit | None], value: object) -> None:
    if value is not None:
        _checks.instance(value, Unit, "a quantity's unit")


@attrs.frozen
class Quantity:
    """A number with an optional unit, as read from text such as ``45分钟``.

    Parameters
    ----------
    value
        The number.
    unit
        Its unit, or ``None`` for a bare number.

    Raises
    ------
    TypeError
        If *value* is not a number or *unit* is neither a
        :class:`~perfkpi.units.Unit` nor ``None``.
    """

    value: float = attrs.field(validator=_real)
    unit: Unit | None = attrs.field(default=None, validator=_optional_unit)

    def __str__(self) -> str:
        return format_number(self.value) + (self.unit.symbol if self.unit else "")


def format_number(value: float) -> str:
    """Format *value* in the shortest positional form that reads back equal.

    >>> format_number(99.0), format_number(8634.17), format_number(0.00001)
    ('99', '8634.17', '0.00001')

    Raises
    ------
    TypeError
        If *value* is not a number.
    """
    _checks.number(value, "the number to format")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an int too large for a float: written in full
        return str(value)
    if not finite:
        return str(value)
    if value == int(value) and abs(value) < 1e16:  # noqa: PLR2004
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _as_float(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(
        value, numbers.Real | np.number | decimal.Decimal
    ):
        msg = f"expected a number, got {value!r} ({type(value).__name__})"
        raise DataError(where, msg)
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise DataError(where, f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise DataError(where, f"expected a finite number, got {value!r}")
    return number


def _prior_text(prior: object) -> str:
    if isinstance(prior, float | int) and not isinstance(prior, bool):
        return format_number(prior)
    return f"{prior}"[:60]


# -- the target -----------------------------------------------------------------

_MAX_ORDINAL = dt.date.max.toordinal()


def _default_lower_closed(target: Target) -> bool:
    return target.comparator in (Comparator.GE, Comparator.EQ, Comparator.RANGE)


def _default_upper_closed(target: Target) -> bool:
    return target.comparator in (Comparator.LE, Comparator.EQ, Comparator.RANGE)


def _whole(number: float) -> bool:
    return number == int(number)


@attrs.frozen(repr=False)
class Target:
    """A target value (指标值) with its comparator and unit.

    Build one with :func:`parse_target`; the fields are the parsed meaning, and
    every target is the interval of values that meet it (:meth:`bounds`).

    Parameters
    ----------
    comparator
        ``≥ > ≤ < =`` or ``range``.
    value
        The target value, or the lower end of a range, in *unit*; for a label
        target, the label's rank on *scale*; for a date, its proleptic ordinal;
        for a rank, the place (1 is best).
    unit
        The unit the target is written in, or ``None`` for a bare number.
    upper
        The upper end of a range.
    lower_closed, upper_closed
        Whether the ends of the interval are included.  For a one-sided target
        they follow from the comparator (``>`` excludes its value; an infinite
        end is open) and need not be given.
    scale
        The label scale of a qualitative target.
    qualifier
        For a rank, the place it is among (``全市`` in ``全市第一``).
    relative
        Whether the target is relative to the prior-year value (上年):
        *value* is then the size of the change, ``≥`` a rise and ``≤`` a fall.
        In a ratio unit (``%``, ``‰``) the change is a share of the prior
        value (``较上年提高5%``: ≥ prior × 1.05); in any other unit it is added
        to it (``较上年提高5个百分点``: ≥ prior + 5 points); without a unit and
        with value 0 it is the prior value itself (``不低于上年``).  Such a
        target has no bounds until :meth:`resolve` gives it a prior value.
    source, prior
        For a target resolved from a relative one: that relative target and
        the prior-year value it was resolved with; the text says all three
        (``较上年提高5%（上年80%，即≥84%）``).

    Raises
    ------
    TypeError
        If a field is not of its type: *comparator* a :class:`Comparator`,
        *value* and *upper* numbers, *unit* a :class:`~perfkpi.units.Unit`,
        *lower_closed* and *upper_closed* true or false, *scale* a
        :class:`LabelScale`, *qualifier* text.
    ValueError
        If the fields do not make a target: a range without an upper end (or
        another comparator with one), a value that is not finite, an empty
        range, a label rank off its scale, a date or rank that is not a whole
        day or place, a qualifier on anything but a rank; a relative target
        with a negative change, a range, ``=``, or ``>``/``<`` with a change;
        a *source* that is not relative or without a *prior*.
    """

    comparator: Comparator
    value: float
    unit: Unit | None = None
    upper: float | None = None
    lower_closed: bool = attrs.field(
        default=attrs.Factory(_default_lower_closed, takes_self=True)
    )
    upper_closed: bool = attrs.field(
        default=attrs.Factory(_default_upper_closed, takes_self=True)
    )
    scale: LabelScale | None = None
    qualifier: str = ""
    relative: bool = False
    source: Target | None = None
    prior: Quantity | None = None

    def __attrs_post_init__(self) -> None:
        self._check_types()
        c = self.comparator
        if (c is Comparator.RANGE) != (self.upper is not None):
            msg = "a range target needs an upper end, and only a range has one"
            raise ValueError(msg)
        if not math.isfinite(self.value) or (
            self.upper is not None and not math.isfinite(self.upper)
        ):
            msg = "target values must be finite numbers"
            raise ValueError(msg)
        if self.upper is not None:
            if self.upper < self.value:
                msg = (
                    f"range lower end {self.value} is above its upper end {self.upper}"
                )
                raise ValueError(msg)
            if self.upper == self.value and not (
                self.lower_closed and self.upper_closed
            ):
                msg = f"the range {self} is empty"
                raise ValueError(msg)
        else:
            lower = c in (Comparator.GE, Comparator.EQ)
            upper = c in (Comparator.LE, Comparator.EQ)
            if (self.lower_closed, self.upper_closed) != (lower, upper):
                if c is Comparator.GT and self.lower_closed:
                    msg = "a '>' target excludes its value (lower_closed=False)"
                    raise ValueError(msg)
                if c is Comparator.LT and self.upper_closed:
                    msg = "a '<' target excludes its value (upper_closed=False)"
                    raise ValueError(msg)
                # the end at infinity is open; the flags follow the comparator
                object.__setattr__(self, "lower_closed", lower)
                object.__setattr__(self, "upper_closed", upper)
        self._check_kind()

    def _check_types(self) -> None:
        _checks.instance(self.comparator, Comparator, "a target's comparator")
        value = _checks.number(self.value, "a target's value")
        upper = (
            None
            if self.upper is None
            else _checks.number(self.upper, "a target's upper end")
        )
        if not math.isfinite(value) or (upper is not None and not math.isfinite(upper)):
            msg = "target values must be finite numbers"
            raise ValueError(msg)
        if self.unit is not None:
            _checks.instance(self.unit, Unit, "a target's unit")
        if self.scale is not None:
            _checks.instance(self.scale, LabelScale, "a target's scale")
        for name in ("lower_closed", "upper_closed"):
            flag: object = getattr(self, name)
            if not isinstance(flag, bool):
                msg = f"a target's {name} must be true or false (got {flag!r:.60})"
                raise TypeError(msg)
        _checks.text(self.qualifier, "a target's qualifier")
        relative: object = self.relative
        if not isinstance(relative, bool):
            msg = f"a target's relative must be true or false (got {relative!r:.60})"
            raise TypeError(msg)
        if self.source is not None:
            _checks.instance(self.source, Target, "a target's source")
        if self.prior is not None:
            _checks.instance(self.prior, Quantity, "a target's prior")

    def _check_relative(self) -> None:
        if (self.source is None) != (self.prior is None):
            msg = "a resolved target has both its source and its prior value"
            raise ValueError(msg)
        if self.source is not None and (self.relative or not self.source.relative):
            msg = "a resolved target's source is a relative target, and it is not one"
            raise ValueError(msg)
        if not self.relative:
            return
        if self.scale is not None or self.qualifier or self.kind != "relative":
            msg = "a relative target is a change of a quantity"
            raise ValueError(msg)
        c = self.comparator
        if c in (Comparator.RANGE, Comparator.EQ) or self.value < 0:
            msg = (
                "a relative target is a rise (≥) or a fall (≤) of zero or more "
                "(较上年提高5%, 较上年下降10%)"
            )
            raise ValueError(msg)
        if c in (Comparator.GT, Comparator.LT) and (self.value or self.unit):
            msg = "'>' and '<' relative targets compare with the prior value itself"
            raise ValueError(msg)

    def _check_kind(self) -> None:
        self._check_relative()
        ends = (self.value,) if self.upper is None else (self.value, self.upper)
        if self.scale is not None:
            if self.unit is not None:
                msg = "a label target has no unit"
                raise ValueError(msg)
            if not all(_whole(x) and 0 <= x < len(self.scale.labels) for x in ends):
                msg = f"label ranks must be whole numbers on scale {self.scale.name!r}"
                raise ValueError(msg)
        dimension = self.unit.dimension if self.unit else ""
        if dimension == "date" and not all(
            _whole(x) and 1 <= x <= _MAX_ORDINAL for x in ends
        ):
            msg = "a date target's values are day ordinals (date.toordinal())"
            raise ValueError(msg)
        if dimension == "rank" and not all(_whole(x) and x >= 1 for x in ends):
            msg = "a rank target's places are whole numbers from 1"
            raise ValueError(msg)
        if self.qualifier and (
            dimension != "rank" or not _valid_qualifier(self.qualifier)
        ):
            msg = (
                f"qualifier {self.qualifier!r}: only a rank has one, and it is a "
                "place name such as 全市"
            )
            raise ValueError(msg)

    @property
    def kind(self) -> TargetKind:
        """What the target measures: ``quantity``, ``label``, ``date`` or ``rank``.

        A target relative to the prior-year value is ``relative`` until it is
        resolved (:meth:`resolve`).
        """
        if self.relative:
            return "relative"
        if self.scale is not None:
            return "label"
        if self.unit is not None and self.unit.dimension in ("date", "rank"):
            return "date" if self.unit.dimension == "date" else "rank"
        return "quantity"

    # -- reading actuals --------------------------------------------------
    def to_value(
        self, actual: object, *, where: str = "", units: UnitRegistry = DEFAULT_UNITS
    ) -> float:
        """Return *actual* as a number in this target's unit (or label rank).

        A plain number is taken to be in the unit the target is written in; a
        string carries its own unit (``"45分钟"``) and is converted; a date may be
        a :class:`datetime.date` or its text; a rank may be ``"第2名"``; a label
        is ranked on the target's scale.

        Raises
        ------
        DataError
            If the actual is not finite, cannot be read, or is not a label of
            the scale.
        IncompatibleUnitError
            If the actual's unit measures another dimension.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≤1小时").to_value("45分钟")
        0.75
        >>> parse_target("≥良").to_value("优秀")
        3.0
        """
        kind = self.kind
        if kind == "relative":
            raise DataError(where, self._unresolved())
        if kind == "label":
            return self._label_value(actual, where)
        if isinstance(actual, str):
            return self._text_value(actual, where, units)
        if kind == "date":
            return self._date_value(actual, where)
        if isinstance(actual, dt.date | np.datetime64):
            given = f"{actual} (date)"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        return _as_float(actual, where)

    def _unresolved(self) -> str:
        return (
            f"the target {self} is relative to the prior-year value (上年): "
            "give the prior value (Data(prior={code: value}), a 'prior' table "
            "in a data file) to score it"
        )

    def _unit_text(self) -> str:
        if self.unit is None:
            return "a plain number"
        return f"{self.unit.symbol} ({self.unit.dimension})"

    def _label_value(self, actual: object, where: str) -> float:
        assert self.scale is not None  # noqa: S101 (only called for labels)
        if isinstance(actual, str):
            label = self.scale.resolve(actual)
            if label is not None:
                return self.scale.rank(label)
        if isinstance(actual, bool | np.bool_):
            return self.scale.rank(self.scale.labels[0 if actual else -1])
        expected = " / ".join(self.scale.labels)
        raise DataError(where, f"expected one of {expected}, got {actual!r}")

    def _date_value(self, actual: object, where: str) -> float:
        if isinstance(actual, np.datetime64):
            if np.isnat(actual):
                raise DataError(where, "expected a date, got NaT")
            day = actual.astype("datetime64[D]").item()
            if not isinstance(day, dt.date):
                raise DataError(where, f"expected a date, got {actual!r}")
            actual = day
        if isinstance(actual, dt.datetime):
            return float(actual.date().toordinal())
        if isinstance(actual, dt.date):
            return float(actual.toordinal())
        number = _as_float(actual, where)
        if not (_whole(number) and 1 <= number <= _MAX_ORDINAL):
            msg = f"expected a date or a day ordinal (date.toordinal()), got {actual!r}"
            raise DataError(where, msg)
        return number

    def _text_value(self, actual: str, where: str, units: UnitRegistry) -> float:
        syntax = DEFAULT_SYNTAX if units is DEFAULT_UNITS else _syntax_with(units)
        year = None
        if self.kind == "date":
            year = dt.date.fromordinal(int(self.value)).year
        try:
            norm = _normalise(actual)
            parser = _Parser(actual, norm, syntax, "higher", year, self.unit)
            value = parser.value(0, len(norm), "", "")
        except _Fail as fail:
            message = _public_error(actual, fail)
            raise DataError(where, f"cannot read actual: {message}") from None
        except TargetSyntaxError as exc:
            raise DataError(where, f"cannot read actual: {exc}") from None
        kind = self.kind
        if value.kind == "label":
            raise DataError(where, f"expected {self._unit_text()}, got {actual!r}")
        if kind == "date":
            if value.kind != "date":
                given = f"{actual} ({value.unit.symbol if value.unit else 'number'})"
                raise IncompatibleUnitError(given, self._unit_text(), where=where)
            if not value.day:
                raise DataError(where, f"expected a day, got the period {actual!r}")
            return value.lo
        if value.kind == "date":
            given = f"{actual} (date)"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        if kind == "rank" and value.kind == "rank":
            if value.qualifier and self.qualifier and value.qualifier != self.qualifier:
                msg = f"a rank among {value.qualifier}, but the target ranks among "
                raise DataError(where, msg + self.qualifier)
            return value.lo
        if value.unit is None or self.unit is None:
            return value.lo
        if value.unit.dimension != self.unit.dimension:
            given = f"{actual} ({value.unit.dimension})"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        return convert(value.lo, value.unit, self.unit)

    def is_met(self, actual: object, *, units: UnitRegistry = DEFAULT_UNITS) -> bool:
        """Return whether *actual* meets this target.

        *actual* is a plain number (in the unit the target is written in), a
        string with its unit, a date, a rank or a label.

        Raises
        ------
        DataError
            If the actual cannot be read (see :meth:`to_value`).
        IncompatibleUnitError
            If the actual's unit measures another dimension.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≤8634.17万元").is_met("86317300元")
        True
        >>> parse_target("前三").is_met("第4名")
        False
        """
        value = self.to_value(actual, units=units)
        lo, hi = self.bounds()
        lo_ok = value >= lo if self.lower_closed else value > lo
        hi_ok = value <= hi if self.upper_closed else value < hi
        return lo_ok and hi_ok

    @overload
    def met(self, values: float) -> bool: ...
    @overload
    def met(self, values: ArrayLike) -> np.ndarray: ...
    def met(self, values: ArrayLike) -> bool | np.ndarray:
        """Return which *values* (numbers in this target's unit) meet it.

        Any array-like is taken, as numpy functions take one: an array, a
        list, a pandas Series.  A single number gives a ``bool``; anything
        else a boolean array of its shape.

        Raises
        ------
        ValueError
            If the target is relative and not yet resolved (see :meth:`bounds`).
        TypeError
            If *values* are not numbers (text is read by :meth:`is_met`).

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≥95%").met([94.9, 95, 99.5])
        array([False,  True,  True])
        >>> parse_target("≥95%").met(95)
        True
        """
        lo, hi = self.bounds()
        x = np.asarray(values)
        if x.dtype.kind not in "biuf":
            msg = (
                "values must be numbers in the target's unit, not "
                f"{type(values).__name__} of {x.dtype}"
            )
            raise TypeError(msg)
        lo_ok = x >= lo if self.lower_closed else x > lo
        hi_ok = x <= hi if self.upper_closed else x < hi
        out: np.ndarray = lo_ok & hi_ok
        return bool(out) if out.ndim == 0 else out

    def bounds(self) -> tuple[float, float]:
        """Return the interval of values that meet the target.

        Whether each end is included is given by the fields ``lower_closed``
        and ``upper_closed``.

        Raises
        ------
        ValueError
            If the target is relative to the prior-year value: it has bounds
            only once resolved (:meth:`resolve`), never silently its change.
        """
        if self.relative:
            raise ValueError(self._unresolved())
        c = self.comparator
        if c in (Comparator.GE, Comparator.GT):
            return (self.value, math.inf)
        if c in (Comparator.LE, Comparator.LT):
            return (-math.inf, self.value)
        if c is Comparator.EQ:
            return (self.value, self.value)
        assert self.upper is not None  # noqa: S101 (checked in post-init)
        return (self.value, self.upper)

    @property
    def higher_is_better(self) -> bool:
        """Whether meeting the target means reaching *at least* a value."""
        return self.comparator in (Comparator.GE, Comparator.GT)

    # -- relative targets -------------------------------------------------------
    def resolve(
        self,
        prior: object,
        *,
        unit: str | Unit | None = None,
        where: str = "",
        units: UnitRegistry = DEFAULT_UNITS,
    ) -> Target:
        """Return the absolute target a relative one means for a prior-year value.

        ``较上年提高5%`` with prior 80 % is ``≥84%`` (80 × 1.05);
        ``较上年提高5个百分点`` is ``≥85%`` (80 + 5 points); ``较上年下降10%``
        with prior 200 万元 is ``≤180万元``; ``不低于上年`` is ``≥`` the prior.
        The result keeps this target as its ``source`` and the prior value,
        and its text says all three (``较上年提高5%（上年80%，即≥84%）``).

        Parameters
        ----------
        prior
            The prior-year value: a number, or text with its unit (``"80%"``).
            A plain number is in *unit* if given, else in the unit of the
            change when that is added (个百分点 changes a rate in ``%``), else
            unitless.
        unit
            The indicator's unit: a plain prior is read in it, and a prior in
            another dimension is an error.
        where
            The place named in errors (the node's code).
        units
            The registry the prior's unit is read from.

        Raises
        ------
        ValueError
            If this target is not relative.
        DataError
            If *prior* is missing (``None``), not a finite number or its
            text, or zero or negative under a change in per cent (a share of
            nothing); naming *where*.
        IncompatibleUnitError
            If the prior's unit does not go with the change (个百分点 changes a
            rate; 万元 is added to money) or with *unit*.
        UnknownUnitError
            If *unit* is not in *units*.
        TypeError
            If *unit* is neither text nor a :class:`~perfkpi.units.Unit`,
            *where* is not text or *units* is not a registry.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> target = parse_target("较上年提高5%").resolve("80%")
        >>> target
        Target('较上年提高5%（上年80%，即≥84%）')
        >>> target.value, target.is_met("83%")
        (84.0, False)
        >>> parse_target("较上年提高5个百分点").resolve(80)
        Target('较上年提高5个百分点（上年80%，即≥85%）')
        >>> parse_target("不低于上年").resolve("1200人次")
        Target('不低于上年（上年1200人次，即≥1200人次）')
        """
        if not self.relative:
            msg = f"only a relative target is resolved (got {self})"
            raise ValueError(msg)
        _checks.text(where, "the place")
        _checks.instance(units, UnitRegistry, "the unit registry")
        context: Unit | None = None
        if isinstance(unit, str):
            context = units.get(unit)
        elif unit is not None:
            context = _checks.instance(unit, Unit, "the indicator's unit")
        value, prior_unit = self._prior(prior, context, where, units)
        change = self.unit
        sign = 1 if self.comparator in (Comparator.GE, Comparator.GT) else -1
        x, d = decimal.Decimal(repr(value)), decimal.Decimal(repr(self.value))
        if change is not None and change.dimension == "ratio":
            if value <= 0:
                msg = (
                    f"a change in per cent ({self}) is a share of the prior-year "
                    f"value, which must be above zero (got {_prior_text(prior)})"
                )
                raise DataError(where, msg)
            share = d * decimal.Decimal(repr(change.factor))
            resolved = float(x * (1 + sign * share))
        else:
            if change is not None:
                d = decimal.Decimal(repr(self._in(prior_unit, where, units)))
            resolved = float(x + sign * d)
        if not math.isfinite(resolved):
            raise DataError(where, f"the prior value {prior!r:.60} is too large")
        quantity = Quantity(value, prior_unit)
        return Target(
            self.comparator, resolved, prior_unit, source=self, prior=quantity
        )

    def _prior(
        self, prior: object, context: Unit | None, where: str, units: UnitRegistry
    ) -> tuple[float, Unit | None]:
        """Return the prior value and its unit, checked against the change."""
        if prior is None:
            msg = f"missing prior-year value (上年) for the relative target {self}"
            raise DataError(where, msg)
        change = self.unit
        if isinstance(prior, Quantity):
            value, unit = prior.value, prior.unit
        elif isinstance(prior, str):
            try:
                quantity = parse_quantity(prior, units=units)
            except (TargetSyntaxError, UnknownUnitError) as exc:
                msg = f"cannot read the prior-year value (上年): {exc}"
                raise DataError(where, msg) from None
            value, unit = quantity.value, quantity.unit
        else:
            value, unit = _as_float(prior, where), None
        if not math.isfinite(value):
            raise DataError(where, f"expected a finite prior value, got {prior!r:.60}")
        if unit is None:
            if context is not None:
                unit = context
            elif change is not None and change.dimension == "percentage-point":
                unit = units.find("%")
            elif change is not None and change.dimension != "ratio":
                unit = change
        given = f"上年 {_prior_text(prior)}"
        if (
            unit is not None
            and context is not None
            and unit.dimension != context.dimension
        ):
            expected = f"{context.symbol} ({context.dimension}), the indicator's unit"
            raise IncompatibleUnitError(given, expected, where=where)
        if change is None or change.dimension == "ratio":
            return value, unit
        points = change.dimension == "percentage-point"
        if unit is None or unit.dimension != ("ratio" if points else change.dimension):
            expected = (
                f"a rate (%), which {change.symbol} changes"
                if points
                else f"{change.symbol} ({change.dimension}), the change's unit"
            )
            raise IncompatibleUnitError(given, expected, where=where)
        return value, unit

    def _in(self, unit: Unit | None, where: str, units: UnitRegistry) -> float:
        """Return the change in *unit* (a point of a rate is 1 % of it)."""
        change = self.unit
        assert change is not None  # noqa: S101 (only for a change with a unit)
        assert unit is not None  # noqa: S101 (checked by _prior)
        if change.dimension == "percentage-point":
            percent = units.find("%")
            if percent is None:  # pragma: no cover (a registry without %)
                raise DataError(where, "the unit % is not in the registry")
            return convert(self.value, percent, unit)
        return convert(self.value, change, unit)

    # -- text ---------------------------------------------------------------
    def __str__(self) -> str:
        return format_target(self)

    def __repr__(self) -> str:
        return f"Target({str(self)!r})"


# -- the grammar's words ----------------------------------------------------------
#
# Each row: the word, then what it means before (prefix) or after (suffix) a
# quantity, a label, a date and a rank, then whether it may frame a range.
# "≥ ≤ > < =" are comparators, "~" means "allowed, no comparator of its own"
# and "" means "does not go with this kind of value".

_Row = tuple[str, str, str, str, str, bool]

_PREFIX_ROWS: tuple[_Row, ...] = (
    # word           quantity label date rank  range
    ("≥", "≥", "≥", "≥", "≥", False),
    (">=", "≥", "≥", "≥", "≥", False),
    ("≧", "≥", "≥", "≥", "≥", False),
    ("⩾", "≥", "≥", "≥", "≥", False),
    ("≤", "≤", "≤", "≤", "≤", False),
    ("<=", "≤", "≤", "≤", "≤", False),
    ("≦", "≤", "≤", "≤", "≤", False),
    ("⩽", "≤", "≤", "≤", "≤", False),
    (">", ">", ">", ">", ">", False),
    ("<", "<", "<", "<", "<", False),
    ("=", "=", "=", "=", "=", False),
    ("==", "=", "=", "=", "=", False),
    # at least
    ("不低于", "≥", "≥", "≥", "≤", False),
    ("不得低于", "≥", "≥", "≥", "≤", False),
    ("不应低于", "≥", "≥", "≥", "≤", False),
    ("不少于", "≥", "", "", "", False),
    ("不得少于", "≥", "", "", "", False),
    ("不小于", "≥", "", "", "", False),
    ("大于等于", "≥", "", "", "", False),
    ("大于或等于", "≥", "", "", "", False),
    ("高于或等于", "≥", "≥", "", "", False),
    ("至少", "≥", "≥", "", "", False),
    ("最少", "≥", "", "", "", False),
    ("最低", "≥", "≥", "", "", False),
    ("达到", "≥", "≥", "", "≤", False),
    ("提升至", "≥", "≥", "", "≤", False),
    ("提升到", "≥", "≥", "", "≤", False),
    ("提高至", "≥", "≥", "", "≤", False),
    ("提高到", "≥", "≥", "", "≤", False),
    ("上升至", "≥", "≥", "", "≤", False),
    ("上升到", "≥", "≥", "", "≤", False),
    ("增加至", "≥", "", "", "", False),
    ("增加到", "≥", "", "", "", False),
    ("增长至", "≥", "", "", "", False),
    ("增长到", "≥", "", "", "", False),
    ("增至", "≥", "", "", "", False),
    ("不差于", "", "≥", "", "≤", False),
    ("不劣于", "", "≥", "", "≤", False),
    ("不落后于", "", "", "", "≤", False),
    # at most
    ("不高于", "≤", "≤", "", "", False),
    ("不得高于", "≤", "≤", "", "", False),
    ("不应高于", "≤", "≤", "", "", False),
    ("不超过", "≤", "", "≤", "≤", False),
    ("不得超过", "≤", "", "≤", "≤", False),
    ("不应超过", "≤", "", "≤", "≤", False),
    ("不超出", "≤", "", "", "", False),
    ("不大于", "≤", "", "", "", False),
    ("不得大于", "≤", "", "", "", False),
    ("不多于", "≤", "", "", "", False),
    ("不得多于", "≤", "", "", "", False),
    ("小于等于", "≤", "", "", "", False),
    ("小于或等于", "≤", "", "", "", False),
    ("低于或等于", "≤", "≤", "", "", False),
    ("至多", "≤", "≤", "", "", False),
    ("最多", "≤", "", "", "", False),
    ("最高", "≤", "≤", "", "", False),
    ("控制在", "≤", "", "", "", True),
    ("降低至", "≤", "", "", "", False),
    ("降低到", "≤", "", "", "", False),
    ("降至", "≤", "", "", "", False),
    ("下降至", "≤", "", "", "", False),
    ("下降到", "≤", "", "", "", False),
    ("减少至", "≤", "", "", "", False),
    ("减少到", "≤", "", "", "", False),
    ("压缩至", "≤", "", "", "", False),
    ("压缩到", "≤", "", "", "", False),
    ("缩短至", "≤", "", "", "", False),
    ("缩短到", "≤", "", "", "", False),
    # more than
    ("高于", ">", ">", "", "<", False),
    ("大于", ">", "", "", "", False),
    ("超过", ">", "", "", "<", False),
    ("超出", ">", "", "", "", False),
    ("多于", ">", "", "", "", False),
    ("优于", "", ">", "", "<", False),
    ("好于", "", ">", "", "<", False),
    # less than
    ("低于", "<", "<", "", "", False),
    ("少于", "<", "", "", "", False),
    ("小于", "<", "", "", "", False),
    ("不满", "<", "", "", "", False),
    ("不足", "<", "", "", "", False),
    ("未满", "<", "", "", "", False),
    ("劣于", "", "<", "", "", False),
    # equal
    ("等于", "=", "=", "=", "=", False),
    # frames: no comparator of their own
    ("在", "~", "~", "~", "~", True),
    ("保持", "~", "~", "", "≤", True),
    ("保持在", "~", "~", "", "≤", True),
    ("维持", "~", "~", "", "≤", True),
    ("维持在", "~", "~", "", "≤", True),
    ("处于", "~", "~", "", "", True),
    ("介于", "", "", "", "", True),
    # dates
    ("截至", "", "", "≤", "", False),
    ("截止", "", "", "≤", "", False),
    ("截止到", "", "", "≤", "", False),
    ("截止至", "", "", "≤", "", False),
    ("至", "", "", "≤", "", False),
    ("到", "", "", "≤", "", False),
    ("于", "", "", "~", "", False),
    ("不晚于", "", "", "≤", "", False),
    ("不迟于", "", "", "≤", "", False),
    ("最迟", "", "", "≤", "", False),
    ("最晚", "", "", "≤", "", False),
    ("不早于", "", "", "≥", "", False),
    ("自", "", "", "≥", "", False),
    ("从", "", "", "≥", "", False),
    ("早于", "", "", "<", "", False),
    ("晚于", "", "", ">", "", False),
    ("迟于", "", "", ">", "", False),
    # ranks: at this place or better
    ("居", "", "", "", "≤", False),
    ("位居", "", "", "", "≤", False),
    ("位列", "", "", "", "≤", False),
    ("名列", "", "", "", "≤", False),
    ("排名", "", "", "", "≤", False),
    ("排在", "", "", "", "≤", False),
    ("进入", "", "", "", "≤", False),
    ("跻身", "", "", "", "≤", False),
)
"""Words and symbols that open a target (see the module notes for the columns)."""

_SUFFIX_ROWS: tuple[_Row, ...] = (
    # word           quantity label date rank  range
    ("以上", "≥", "≥", "", "≤", False),
    ("及以上", "≥", "≥", "", "≤", False),
    ("或以上", "≥", "≥", "", "≤", False),
    ("以下", "≤", "≤", "", "", False),
    ("及以下", "≤", "≤", "", "", False),
    ("或以下", "≤", "≤", "", "", False),
    ("以内", "≤", "", "≤", "≤", False),
    ("之内", "≤", "", "≤", "≤", False),
    ("内", "≤", "", "≤", "≤", False),
    ("以内完成", "≤", "", "≤", "", False),
    ("内完成", "≤", "", "≤", "", False),
    ("以外", ">", "", "", "", False),
    ("之外", ">", "", "", "", False),
    ("前", "", "", "≤", "", False),
    ("以前", "", "", "≤", "", False),
    ("之前", "", "", "≤", "", False),
    ("前完成", "", "", "≤", "", False),
    ("以前完成", "", "", "≤", "", False),
    ("之前完成", "", "", "≤", "", False),
    ("止", "", "", "≤", "", False),
    ("为止", "", "", "≤", "", False),
    ("后", "", "", "≥", "", False),
    ("以后", "", "", "≥", "", False),
    ("之后", "", "", "≥", "", False),
    ("起", "", "", "≥", "", False),
    ("之间", "", "", "", "", True),
    ("范围内", "", "", "", "", True),
    ("区间内", "", "", "", "", True),
)
"""Words that close a target.  Per 《民法典》第1259条, 以上, 以下 and 以内 include
the number itself and 以外 excludes it."""

_DAY_ONLY = frozenset(("前", "以前", "之前", "前完成", "以前完成", "之前完成"))
_DAY_ONLY |= frozenset(("后", "以后", "之后"))
_WITHIN = frozenset(("内", "以内", "之内", "内完成", "以内完成"))
_CONNECTORS = (
    "并且",
    "而且",
    "同时",
    "且",
    "并",
    "而",
    "但",
    ",",
    ";",
    "、",
    "&&",
    "&",
)
_SYMBOLS = frozenset("≥≤<>=≧≦⩾⩽")
_KINDS: tuple[Kind, ...] = ("quantity", "label", "date", "rank")
_KIND_INDEX = {kind: i + 1 for i, kind in enumerate(_KINDS)}
_KIND_NAMES = {
    "quantity": "a number",
    "label": "a label",
    "date": "a date",
    "rank": "a rank",
}
_COMPARATORS = {
    "≥": Comparator.GE,
    ">": Comparator.GT,
    "≤": Comparator.LE,
    "<": Comparator.LT,
    "=": Comparator.EQ,
}
_SYMBOL_MEANINGS = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    ">": ">",
    "<": "<",
    "=": "=",
    "==": "=",
}


def _alias_triples(
    values: Iterable[tuple[str, str, bool]],
) -> tuple[tuple[str, str, bool], ...]:
    expected = "(word, meaning, is_suffix) triples of text, text and true or false"
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"a syntax's aliases must be {expected} (got {given!r:.60})"
        raise TypeError(msg)
    out: list[tuple[str, str, bool]] = []
    for item in given:
        if (
            not isinstance(item, tuple | list)
            or len(item) != 3  # noqa: PLR2004 (a triple)
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
            or not isinstance(item[2], bool)
        ):
            msg = f"a syntax's aliases must be {expected} (got {item!r:.60} in it)"
            raise TypeError(msg)
        out.append((item[0], item[1], item[2]))
    return tuple(out)


def _scale_tuple(values: Iterable[LabelScale]) -> tuple[LabelScale, ...]:
    return _checks.instances(values, LabelScale, "a syntax's scales")


def _registry(_: object, __: attrs.Attribute[UnitRegistry], value: object) -> None:
    _checks.instance(value, UnitRegistry, "a syntax's units")


@attrs.frozen(cache_hash=True)
class TargetSyntax:
    """The vocabulary a target is read with: units, label scales and word aliases.

    An immutable value: the ``with_…`` methods return a new syntax and leave
    this one (and :data:`DEFAULT_SYNTAX`) unchanged.  Pass it to
    :func:`parse_target` as ``syntax=``.

    Parameters
    ----------
    units
        The unit registry.
    scales
        The label scales, searched in order (the first scale with a label wins).
    aliases
        Extra comparator words as ``(word, meaning, is_suffix)``; the meaning is
        a symbol (``≥``, ``<=`` …) or a word the grammar already knows.

    Raises
    ------
    TypeError
        If *units* is not a :class:`~perfkpi.units.UnitRegistry`, *scales* is
        not a list of :class:`LabelScale`, or *aliases* is not
        ``(text, text, bool)`` triples.
    ValueError
        If an alias is empty or holds a digit, or its meaning is neither a
        comparator symbol nor a word the grammar knows.

    Examples
    --------
    >>> from perfkpi.targets import DEFAULT_SYNTAX, LabelScale, parse_target
    >>> from perfkpi.units import Unit
    >>> syntax = (
    ...     DEFAULT_SYNTAX.with_unit(Unit("人日", "effort", 1.0))
    ...     .with_scale(LabelScale("star", ("五星", "四星", "三星")))
    ...     .with_alias("起码", "≥")
    ...     .with_alias("开外", "以上", suffix=True)
    ... )
    >>> parse_target("起码30人日", syntax=syntax)
    Target('≥30人日')
    >>> parse_target("四星", syntax=syntax).is_met("五星")
    True
    >>> parse_target("90%开外", syntax=syntax)
    Target('≥90%')
    """

    units: UnitRegistry = attrs.field(default=DEFAULT_UNITS, validator=_registry)
    scales: tuple[LabelScale, ...] = attrs.field(
        default=DEFAULT_SCALES, converter=_scale_tuple
    )
    aliases: tuple[tuple[str, str, bool], ...] = attrs.field(
        default=(), converter=_alias_triples
    )
    _prefix: Mapping[str, _Row] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _suffix: Mapping[str, _Row] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _prefix_lengths: tuple[int, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _suffix_lengths: tuple[int, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _labels: Mapping[str, tuple[LabelScale, float]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        prefix = {row[0]: row for row in _PREFIX_ROWS}
        suffix = {row[0]: row for row in _SUFFIX_ROWS}
        for word, meaning, is_suffix in self.aliases:
            table = suffix if is_suffix else prefix
            key = _key(word)
            if not key or any(ch.isdigit() for ch in key):
                msg = f"alias {word!r} must be a non-empty word without digits"
                raise ValueError(msg)
            if meaning in _SYMBOL_MEANINGS:
                m = _SYMBOL_MEANINGS[meaning]
                table[key] = (key, m, m, m, m, False)
            elif _key(meaning) in table:
                table[key] = (key, *table[_key(meaning)][1:])
            else:
                where = "after" if is_suffix else "before"
                msg = (
                    f"alias {word!r}: {meaning!r} is neither a comparator symbol "
                    f"nor a word the grammar knows {where} a value"
                )
                raise ValueError(msg)
        labels: dict[str, tuple[LabelScale, float]] = {}
        for scale in self.scales:
            for key, label in scale._lookup.items():  # noqa: SLF001 (same module)
                labels.setdefault(key, (scale, scale.rank(label)))
        set_ = object.__setattr__
        set_(self, "_prefix", prefix)
        set_(self, "_suffix", suffix)
        set_(
            self,
            "_prefix_lengths",
            tuple(sorted({len(w) for w in prefix}, reverse=True)),
        )
        set_(
            self,
            "_suffix_lengths",
            tuple(sorted({len(w) for w in suffix}, reverse=True)),
        )
        set_(self, "_labels", labels)

    def with_unit(self, *units: Unit) -> TargetSyntax:
        """Return a syntax that also knows *units*."""
        return attrs.evolve(self, units=self.units.with_units(*units))

    def with_unit_alias(self, alias: str, symbol: str) -> TargetSyntax:
        """Return a syntax in which *alias* also means the unit *symbol*."""
        return attrs.evolve(self, units=self.units.with_alias(alias, symbol))

    def with_scale(self, *scales: LabelScale) -> TargetSyntax:
        """Return a syntax that reads the labels of *scales* first."""
        return attrs.evolve(self, scales=(*scales, *self.scales))

    def with_alias(
        self, word: str, meaning: str, *, suffix: bool = False
    ) -> TargetSyntax:
        """Return a syntax in which *word* means *meaning*.

        Parameters
        ----------
        word
            The new word (``不少于``, ``开外``).
        meaning
            A comparator symbol (``≥``, ``<=`` …) or a word the grammar already
            knows in the same position, whose meaning is copied.
        suffix
            Whether the word follows the value (like ``以上``) instead of
            preceding it (like ``不低于``).
        """
        return attrs.evolve(self, aliases=(*self.aliases, (word, meaning, suffix)))

    def prefix_words(self) -> tuple[str, ...]:
        """Return the words and symbols that may open a target."""
        return tuple(self._prefix)

    def suffix_words(self) -> tuple[str, ...]:
        """Return the words that may close a target."""
        return tuple(self._suffix)


DEFAULT_SYNTAX = TargetSyntax()
"""The vocabulary :func:`parse_target` reads by default.

Its units are :data:`perfkpi.units.DEFAULT_UNITS` and its scales
:data:`DEFAULT_SCALES`; extend it with the ``with_…`` methods."""


_SYNTAX_CACHE: dict[tuple[int, int, int], TargetSyntax] = {}


def _syntax_with(
    units: UnitRegistry | None = None,
    scales: tuple[LabelScale, ...] | None = None,
    base: TargetSyntax | None = None,
) -> TargetSyntax:
    base = base or DEFAULT_SYNTAX
    units = base.units if units is None else units
    scales = base.scales if scales is None else scales
    if units is base.units and scales == base.scales:
        return base
    key = (id(base), id(units), hash(scales))
    cached = _SYNTAX_CACHE.get(key)
    if cached is None or cached.units != units or cached.scales != scales:
        cached = attrs.evolve(base, units=units, scales=scales)
        if len(_SYNTAX_CACHE) > 64:  # noqa: PLR2004 (a small cache)
            _SYNTAX_CACHE.clear()
        _SYNTAX_CACHE[key] = cached
    return cached


# -- normalisation ----------------------------------------------------------------

_TRANSLATE = str.maketrans(
    {
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "~",
        "–": "~",
        "—": "~",
        "―": "~",
        "〜": "~",
    }
)
_DIGITS = frozenset("0123456789")

MAX_LENGTH = 2000
"""The longest target, quantity or actual text read, in characters.

No table cell comes near it; a longer text is refused before it is read.  The
limit is a second line of defence only: reading is linear in the length of the
text below it too."""

_MAX_SPLITS = 8
"""The most places a range (``90%~110%``) or a bracket (``[95%,105%]``) is tried
split at.  Each try reads both ends, so an unbounded number of tries would make
reading quadratic; no real range has more candidate separators than a date
range such as ``2022-01-01-2022-12-31`` (five)."""

_MAX_PAIRS = 16
"""The most places two conditions (``60分以上70分以下``) are tried split at."""

_LOOKALIKE = frozenset(
    "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "≥≤≧≦⩾⩽±∞‰‱×÷·−‐‑‒–—―〜"
    "零〇一二两三四五六七八九十百千万亿"
)
"""What a compatibility character must not turn into: a digit, a sign, an
operator, a bracket, a separator or a Chinese numeral."""


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str | None:
    """Return the form in which *char* is read, or ``None`` for a look-alike.

    Full-width forms (U+FF01 to U+FF5E) are their ASCII characters and the
    ideographic space is a space; Kangxi radicals and CJK compatibility
    ideographs (PDF copies are full of them) are the ideographs they look
    like.  Any other character that NFKC would turn into a digit, a sign, an
    operator, a bracket or a Chinese numeral (① ² ₃ ½ ⑴ ⒈ ㊀ ﹪) is a
    look-alike: read as NFKC reads it, ``①95%`` would silently be 195 %, so
    it is refused.  Other compatibility characters (㎡, ℃, a non-breaking
    space) take their NFKC form.
    """
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:  # noqa: PLR2004 (the full-width ASCII block)
        return chr(code - 0xFEE0)
    if code == 0x3000:  # noqa: PLR2004 (ideographic space)
        return " "
    norm = unicodedata.normalize("NFKC", char)
    if (
        norm == char
        or 0x2E80 <= code <= 0x2FDF  # noqa: PLR2004 (CJK and Kangxi radicals)
        or unicodedata.normalize("NFC", char) == norm
    ):
        return norm
    if norm[0] in _LOOKALIKE:
        return None
    return norm


def _lookalike(char: str) -> str:
    """Say what was expected instead of the look-alike *char*."""
    name = unicodedata.name(char, "a compatibility character")
    norm = unicodedata.normalize("NFKC", char)
    return (
        f"plain digits, signs and symbols (0-9, full-width ０-９, %, ≥), not "
        f"{char!r} (U+{ord(char):04X} {name}, a look-alike of {norm!r})"
    )


def _normalise_piece(text: str) -> str:
    if text.isascii():
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        if char < "\x80" or ord(char) in _TRANSLATE:
            out.append(char)
            continue
        folded = _fold_char(char)
        if folded is None:
            raise TargetSyntaxError(text, i, _lookalike(char))
        out.append(folded)
    return "".join(out).translate(_TRANSLATE)


def _normalise(text: str) -> str:
    """Fold full-width forms and dashes, drop whitespace; refuse look-alikes.

    A space inside a number is an error, and so is a text longer than
    :data:`MAX_LENGTH` (quoted by its first 40 characters only).
    """
    if len(text) > MAX_LENGTH:
        expected = f"at most {MAX_LENGTH} characters (got {len(text):,})"
        raise TargetSyntaxError(text[:40] + "…", MAX_LENGTH, expected)
    norm = _normalise_piece(text)
    parts = norm.split()
    if len(parts) == 1 and parts[0] is norm:
        return norm
    joined = "".join(parts)
    offset = 0
    for left, right in itertools.pairwise(parts):
        offset += len(left)
        if left[-1] in _DIGITS and right[0] in _DIGITS:
            pos = _original_position(text, offset)
            raise TargetSyntaxError(text, pos, "a number without spaces inside")
    return joined


def _original_position(text: str, pos: int) -> int:
    """Map a position in the normalised text back to *text*."""
    n = 0
    for i, ch in enumerate(text):
        piece = "".join(_normalise_piece(ch).split())
        if n + len(piece) > pos:
            return i
        n += len(piece)
    return len(text)


# -- parse failures ---------------------------------------------------------------


class _Fail(Exception):  # noqa: N818 (internal signal, never escapes)
    """Reading failed at a position of the normalised text."""

    def __init__(
        self,
        pos: int,
        expected: str,
        *,
        unit: str | None = None,
        suggestions: tuple[str, ...] = (),
        error: IncompatibleUnitError | None = None,
    ) -> None:
        super().__init__(pos, expected)
        self.pos = pos
        self.expected = expected
        self.unit = unit
        self.suggestions = suggestions
        self.error = error

    @property
    def priority(self) -> int:
        return 1 << 30 if self.error is not None else self.pos


def _public_error(
    text: str, fail: _Fail
) -> TargetSyntaxError | UnknownUnitError | IncompatibleUnitError:
    pos = _original_position(text, max(fail.pos, 0))
    if fail.error is not None:
        err = fail.error
        return IncompatibleUnitError(err.given, err.expected, text, pos)
    if fail.unit is not None:
        return UnknownUnitError(fail.unit, fail.suggestions, text, pos)
    return TargetSyntaxError(text, pos, fail.expected)


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


# -- the parser ----------------------------------------------------------------------

_T = TypeVar("_T")

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


class _Parser:
    """Read one normalised text; positions are in the normalised text."""

    __slots__ = ("direction", "extra", "s", "syntax", "text", "year")

    def __init__(
        self,
        text: str,
        norm: str,
        syntax: TargetSyntax,
        direction: Direction,
        year: int | None,
        extra: Unit | None = None,
    ) -> None:
        self.text = text
        self.s = norm
        self.syntax = syntax
        self.direction = direction
        self.year = year
        self.extra = extra

    # -- the whole target ------------------------------------------------------
    def target(self, *, nested: bool = False) -> Target:
        s = self.s
        if not s:
            raise _Fail(0, "a target such as '≥99%', '3秒内' or '达成年度指标'")
        if _RELATIVE_HINT.search(s):
            relative = self._relative(nested=nested)
            if relative is not None:
                return relative
        label = self.syntax._labels.get(s)  # noqa: SLF001
        if label is not None:
            return self._make(Comparator.GE, label[1], scale=label[0])
        if len(s) > 2 and s[0] in "[(" and s[-1] in "])":  # noqa: PLR2004
            return self._bracket()
        try:
            return self._one(self._clause(0, len(s)))
        except _Fail as fail:
            failures = [fail]
        attempts = [self._range]
        if len(s) <= _MAX_TWO_CLAUSES:  # no table cell is longer: keep it fast
            attempts.append(self._compound)
        for attempt in attempts:
            try:
                return attempt()
            except _Fail as fail:
                failures.append(fail)
        raise max(failures, key=lambda f: f.priority)

    # -- relative to the prior year: 较上年提高5%, 不低于上年 -----------------------
    def _relative(self, *, nested: bool) -> Target | None:
        s = self.s
        if s.endswith(")") and not nested:  # one level: no (上年…) inside (上年…)
            start = s.rfind("(上年")
            if start > 0:
                return self._resolved(start)
        if m := _RELATIVE_LEVEL.fullmatch(s):
            comparator = _RELATIVE_COMPARATORS[m["word"]]
            return self._make(comparator, 0.0, None, relative=True)
        m = _RELATIVE_CHANGE.match(s)
        if m is None:
            return None
        up = m["verb"] in _RISES
        a, b = m.end(), len(s)
        for word in ("及以上", "或以上", "以上"):
            if s.endswith(word, a, b):
                b -= len(word)
                break
        if a == b:
            if m["at"]:
                raise _Fail(a, f"the size of the change after {m['at']!r}")
            # 较上年有所提高: above the prior value, by any amount
            return self._make(
                Comparator.GT if up else Comparator.LT, 0.0, None, relative=True
            )
        value = self._quantity(a, b)
        if value.lo < 0:
            raise _Fail(a, f"the size of the change after {m['verb']!r}, 0 or more")
        if value.unit is not None and value.unit.dimension in ("date", "rank"):
            raise _Fail(a, "a change in a unit of quantity (5%, 5个百分点, 100万元)")
        comparator = Comparator.GE if up else Comparator.LE
        return self._make(comparator, value.lo, value.unit, relative=True)

    def _resolved(self, start: int) -> Target:
        """Read ``较上年提高5%（上年80%，即≥84%）``: the three must agree."""
        s = self.s
        middle = s.find(",即", start)
        if middle < 0:
            raise _Fail(start, "(上年<prior value>,即<target>) after a relative target")
        source = self._within(0, start, _Parser.nested_target)
        if not source.relative:
            raise _Fail(0, "a relative target (较上年提高5%) before (上年…)")
        prior = self._within(start + 3, middle, _Parser.whole_quantity)
        stated = self._within(middle + 2, len(s) - 1, _Parser.nested_target)
        try:
            resolved = source.resolve(Quantity(prior.lo, prior.unit))
        except (DataError, IncompatibleUnitError) as exc:
            raise _Fail(start + 3, f"a prior value for {source} ({exc})") from None
        plain = attrs.evolve(resolved, source=None, prior=None)
        if plain != stated:
            raise _Fail(
                middle + 2,
                f"{plain}, what {source} gives with 上年{s[start + 3 : middle]}",
            )
        return resolved

    def _within(self, a: int, b: int, read: Callable[[_Parser], _T]) -> _T:
        """Read ``s[a:b]`` alone; a failure is placed in the whole text."""
        part = _Parser(
            self.text, self.s[a:b], self.syntax, self.direction, self.year, self.extra
        )
        try:
            return read(part)
        except _Fail as fail:
            fail.pos += a
            raise

    def nested_target(self) -> Target:
        return self.target(nested=True)

    def whole_quantity(self) -> _Value:
        if not self.s:
            raise _Fail(0, "a number with an optional unit")
        return self._quantity(0, len(self.s))

    def _one(self, clause: _Clause) -> Target:
        c, v = clause
        if v.kind == "date" and c is Comparator.EQ and v.lo != v.hi:
            return self._make(Comparator.RANGE, v.lo, v.unit, upper=v.hi)
        if c in (Comparator.GE, Comparator.GT, Comparator.EQ):
            x = _end_of(v, lower=True, closed=c is not Comparator.GT)
        else:
            x = _end_of(v, lower=False, closed=c is Comparator.LE)
        return self._make(c, x, v.unit, scale=v.scale, qualifier=v.qualifier)

    # -- one clause: [prefix] value [(含)] [suffix] [(含)] ------------------------
    def _clause(self, a: int, b: int) -> _Clause:
        s, syntax = self.s, self.syntax
        if s[a:b] in syntax._prefix:  # noqa: SLF001 (a comparator and nothing else)
            raise _Fail(b, f"a value after {s[a:b]!r}")
        for n in syntax._prefix_lengths:  # noqa: SLF001
            if b - a > n and s[a : a + n] in syntax._prefix:  # noqa: SLF001
                try:
                    return self._clause_from(a + n, b, s[a : a + n])
                except _Fail as fail:
                    # the "word" may begin a label: 不满意 is not 不满 + 意
                    try:
                        return self._clause_from(a, b, "")
                    except _Fail:
                        raise fail from None
        return self._clause_from(a, b, "")

    def _clause_from(self, a: int, b: int, prefix_word: str) -> _Clause:
        s, syntax = self.s, self.syntax
        annotation, b = self._annotation(a, b)
        suffix_word = ""
        for n in syntax._suffix_lengths:  # noqa: SLF001
            if b - a > n and s[b - n : b] in syntax._suffix:  # noqa: SLF001
                suffix_word = s[b - n : b]
                b -= n
                break
        if annotation is None and suffix_word:
            annotation, b = self._annotation(a, b)
        try:
            value = self.value(a, b, prefix_word, suffix_word)
            if suffix_word and not self._sense(suffix_word, value, suffix=True):
                misfit = self._misfit(suffix_word, value.kind, suffix=True)
                raise _Fail(b, misfit)  # noqa: TRY301 (retried just below)
        except _Fail as fail:
            if not suffix_word:
                raise
            # the "suffix" may belong to the value: 3起 (a count), a custom unit
            try:
                value = self.value(a, b + len(suffix_word), prefix_word, "")
            except _Fail:
                raise fail from None
            suffix_word = ""
        kind = value.kind
        first = self._sense(prefix_word, value, suffix=False) if prefix_word else "~"
        if not first:
            raise _Fail(
                a - len(prefix_word), self._misfit(prefix_word, kind, suffix=False)
            )
        second = self._sense(suffix_word, value, suffix=True) if suffix_word else "~"
        if not second:
            raise _Fail(b, self._misfit(suffix_word, kind, suffix=True))
        if first != "~" and second not in ("~", first):
            raise _Fail(
                b, f"one comparator, not both {prefix_word!r} and {suffix_word!r}"
            )
        symbol = first if first != "~" else second
        if kind == "date" and not value.day and {prefix_word, suffix_word} & _DAY_ONLY:
            raise _Fail(
                b,
                "a day before 前 or 后 (2022年12月31日前), or a period end "
                "(2022年12月底前, 2022年底前)",
            )
        comparator = _COMPARATORS.get(symbol)
        if annotation is not None:
            comparator = self._annotated(comparator, annotation=annotation, pos=b)
        if comparator is None:
            comparator = self._default(kind)
        return _Clause(comparator, value)

    def _sense(self, word: str, value: _Value, *, suffix: bool) -> str:
        table = self.syntax._suffix if suffix else self.syntax._prefix  # noqa: SLF001
        sense = table[word][_KIND_INDEX[value.kind]]
        return sense if isinstance(sense, str) else ""

    def _misfit(self, word: str, kind: Kind, *, suffix: bool) -> str:
        table = self.syntax._suffix if suffix else self.syntax._prefix  # noqa: SLF001
        row = table.get(word)
        if row is not None and row[5] and not any(row[1:5]):
            return f"two ends of a range with {word!r} (介于90%与110%之间)"
        fits = [_KIND_NAMES[k] for k in _KINDS if row and row[_KIND_INDEX[k]]]
        if not fits:
            return f"a value that {word!r} can qualify"
        return f"{' or '.join(fits)} with {word!r}, not {_KIND_NAMES[kind]}"

    def _make(self, *args: object, **kwargs: object) -> Target:
        """Build a target; a value it refuses is a parse failure, not a crash."""
        try:
            return Target(*args, **kwargs)  # type: ignore[arg-type]
        except ValueError as exc:
            raise _Fail(len(self.s), f"a valid target ({exc})") from None

    def _default(self, kind: Kind) -> Comparator:
        if kind in ("date", "rank"):
            return Comparator.LE
        if kind == "label" or self.direction == "higher":
            return Comparator.GE
        return Comparator.LE

    @staticmethod
    def _annotated(
        comparator: Comparator | None, *, annotation: bool, pos: int
    ) -> Comparator:
        if comparator in (Comparator.GE, Comparator.GT):
            return Comparator.GE if annotation else Comparator.GT
        if comparator in (Comparator.LE, Comparator.LT):
            return Comparator.LE if annotation else Comparator.LT
        raise _Fail(pos, "(含) or (不含) after a one-sided comparison (90%(含)以上)")

    def _annotation(self, a: int, b: int) -> tuple[bool | None, int]:
        """Strip a trailing ``(含)``/``(不含)``: whether the end is included."""
        s = self.s
        if b - a < 3 or s[b - 1] != ")":  # noqa: PLR2004
            return None, b
        start = s.rfind("(", a, b)
        if start <= a:
            return None, b
        inner = s[start + 1 : b - 1]
        exclude = inner.startswith("不")
        inner = inner.removeprefix("不").removesuffix("本数")
        if inner not in ("含", "包含", "包括"):
            return None, b
        return not exclude, start

    # -- one value ---------------------------------------------------------------
    def value(self, a: int, b: int, prefix_word: str, suffix_word: str) -> _Value:
        s = self.s
        body = s[a:b]
        if not body:
            after = f" after {prefix_word!r}" if prefix_word else ""
            raise _Fail(a, "a value" + after)
        label = self.syntax._labels.get(body)  # noqa: SLF001
        if label is not None:
            return _Value("label", label[1], label[1], scale=label[0])
        if _RANK_HINT.search(body):
            rank = self._rank(a, b)
            if rank is not None:
                return rank
        if "年" in body or "月" in body or (len(body) >= 8 and body[4] in "-/."):  # noqa: PLR2004
            date = self._date(a, b, prefix_word, suffix_word)
            if date is not None:
                return date
        first = body[0]
        if not (
            first in _DIGITS
            or first in "+-.半"
            or first in _CN_DIGITS
            or first in _CN_POWERS
            or body.startswith(("百分之", "千分之", "万分之"))
        ):
            raise _Fail(a, _GENERIC + self._label_hint(body))
        return self._quantity(a, b)

    def _label_hint(self, body: str) -> str:
        if len(body) > 2 * _MAX_QUALIFIER:  # no label is this long
            return ""
        labels = list(self.syntax._labels)  # noqa: SLF001
        close = difflib.get_close_matches(body, labels, n=1, cutoff=0.6)
        return f"; did you mean {close[0]!r}?" if close else ""

    def _number(self, a: int, b: int) -> tuple[decimal.Decimal | float, int]:
        s = self.s
        match = _NUMBER.match(s, a, b)
        if match is not None:
            p = match.end()
            if p < b:
                c = s[p]
                nxt = s[p + 1] if p + 1 < b else ""
                if c in "eE" and (nxt in _DIGITS or (nxt and nxt in "+-")):
                    raise _Fail(p, "a number in plain decimal notation (no exponent)")
                if c == ".":
                    raise _Fail(p, "digits after one decimal point")
                if c in _DIGITS or (c == "," and nxt in _DIGITS and nxt):
                    raise _Fail(p, "digits in groups of three after a comma (50,123)")
            text = match.group().replace(",", "")
            value = float(text)
            if not math.isfinite(value):
                raise _Fail(a, "a finite number")
            return value, p
        match = _CN_NUMBER.match(s, a, b)
        if match is not None:
            n = _cn_int(match.group())
            if n is None:
                raise _Fail(a, "a Chinese numeral such as 三, 十五 or 一百零五")
            return float(n), match.end()
        if s.startswith("半", a, b):
            return 0.5, a + 1
        if a < b and s[a] in "+-":
            raise _Fail(a + 1, "a digit after the sign")
        raise _Fail(a, "a number")

    def _quantity(self, a: int, b: int) -> _Value:
        s, units = self.s, self.syntax.units
        for word, symbol in _PERCENT_WORDS:
            if s.startswith(word, a):
                number, p = self._number(a + len(word), b)
                if p != b:
                    raise _Fail(p, f"nothing after {word}N")
                percent = units.find(symbol)
                if percent is None:
                    raise _Fail(a, f"the unit {symbol} in the registry")
                return _Value("quantity", float(number), float(number), percent)
        number, p = self._number(a, b)
        value = float(number)
        unit: Unit | None = None
        if p < b:
            rest = self._two_way(s[p:b])
            unit = units.find(rest)
            if unit is None and rest[0] == "个" and len(rest) > 1:
                unit = units.find(rest[1:])
            if (
                unit is None
                and self.extra is not None
                and _key(rest).lower()
                in {_key(x).lower() for x in (self.extra.symbol, *self.extra.aliases)}
            ):
                unit = self.extra
            if unit is None:
                value, unit = self._multiplied(value, rest, p)
        return _Value("quantity", value, value, unit)

    def _multiplied(self, value: float, rest: str, p: int) -> tuple[float, Unit | None]:
        """Read ``5万件`` as 50000 件 (and ``3万`` as 30000)."""
        units = self.syntax.units
        for word, factor in _MULTIPLIERS:
            if rest.startswith(word):
                tail = self._two_way(rest[len(word) :])
                unit = units.find(tail) if tail else None
                if tail and unit is None:
                    continue
                exact = decimal.Decimal(repr(value)) * factor
                result = float(exact)
                if not math.isfinite(result):
                    raise _Fail(p, "a finite number")
                return result, unit
        if any(ch in _DIGITS or ch in "~,;[]()±" for ch in rest):
            raise _Fail(p, "a unit such as % or 小时 after the number")
        raise _Fail(p, "a known unit", unit=rest, suggestions=units.suggest(rest))

    def _two_way(self, rest: str) -> str:
        """Read a unit word that means two things (块) by its context.

        块 is 元 in speech (5块钱) and a measure word of plots and boards (5块
        地), which is the registry's reading.  A money context reads it as 元:
        the unit of the target, for an actual, or the indicator's unit (the
        ``unit`` of :func:`parse_target`), for a target.
        """
        parts = rest.split("/")
        if not any(part in _TWO_WAYS for part in parts) or self.extra is None:
            return rest
        units = self.syntax.units
        context = self.extra.dimension.split("/")
        if len(context) != len(parts):
            return rest
        read: list[str] = []
        for part, dimension in zip(parts, context, strict=True):
            money = units.find(_TWO_WAYS.get(part, ""))
            known = units.find(part)
            if (
                money is not None
                and dimension == money.dimension
                and (known is None or known.dimension != money.dimension)
            ):
                read.append(money.symbol)
            else:
                read.append(part)
        return "/".join(read)

    def _rank(self, a: int, b: int) -> _Value | None:
        match = _RANK.fullmatch(self.s, a, b)
        if match is None:
            return None
        if match.group("first"):
            place = 1
        else:
            digits = match.group("n") or match.group("top") or match.group("top2")
            place_or_none = int(digits) if digits[0] in _DIGITS else _cn_int(digits)
            if place_or_none is None:
                raise _Fail(a, "a place such as 第一 or 第3名")
            place = place_or_none
        if place < 1:
            raise _Fail(a, "a place from 1 (第1名)")
        qualifier = match.group("q")
        if qualifier and not _valid_qualifier(qualifier):
            raise _Fail(a, "a place name such as 全市 before the rank")
        return _Value(
            "rank", float(place), float(place), RANK_UNIT, qualifier=qualifier
        )

    def _date(  # noqa: PLR0911 (one return per form of date)
        self, a: int, b: int, prefix_word: str, suffix_word: str
    ) -> _Value | None:
        s = self.s
        if m := _DATE_ISO.fullmatch(s, a, b):
            return self._day(a, int(m["y"]), int(m["m"]), int(m["d"]))
        if m := _DATE_DAY.fullmatch(s, a, b):
            return self._day(a, self._year(a, m["y"]), self._month(m["m"]), _cn(m["d"]))
        if m := _DATE_MONTH_END.fullmatch(s, a, b):
            year, month = self._year(a, m["y"]), self._month(m["m"])
            return self._day(a, year, month, self._last_day(a, year, month))
        if m := _DATE_MONTH.fullmatch(s, a, b):
            year, month = self._year(a, m["y"]), self._month(m["m"])
            first = self._day(a, year, month, 1)
            last = self._day(a, year, month, self._last_day(a, year, month))
            return first._replace(hi=last.hi, day=False)
        if m := _DATE_YEAR_END.fullmatch(s, a, b):
            return self._day(a, self._year(a, m["y"]), 12, 31)
        if m := _DATE_HALF.fullmatch(s, a, b):
            year = self._year(a, m["y"])
            if m["h"] == "上":
                first, last = self._day(a, year, 1, 1), self._day(a, year, 6, 30)
            else:
                first, last = self._day(a, year, 7, 1), self._day(a, year, 12, 31)
            return first._replace(hi=last.hi, day=False)
        if m := _DATE_YEAR.fullmatch(s, a, b):
            if (
                m["y"]
                and not m["du"]
                and not self._year_context(prefix_word, suffix_word)
            ):
                return None  # 2022年 alone is a duration of 2022 years
            year = self._year(a, m["y"])
            first, last = self._day(a, year, 1, 1), self._day(a, year, 12, 31)
            return first._replace(hi=last.hi, day=False)
        return None

    def _year_context(self, prefix_word: str, suffix_word: str) -> bool:
        if suffix_word in _WITHIN:
            return True
        rows = [
            row
            for word, table in (
                (prefix_word, self.syntax._prefix),  # noqa: SLF001
                (suffix_word, self.syntax._suffix),  # noqa: SLF001
            )
            if word and (row := table.get(word)) is not None
        ]
        return any(row[3] and not row[1] for row in rows)

    def _year(self, a: int, text: str | None) -> int:
        if text:
            return _year_of(text)
        if self.year is None:
            raise _Fail(
                a, "a year: write it (2022年底前) or pass year=2022 to parse_target"
            )
        return self.year

    def _month(self, text: str) -> int:
        return _cn(text)

    def _last_day(self, a: int, year: int, month: int) -> int:
        if not (1 <= year <= 9999 and 1 <= month <= 12):  # noqa: PLR2004
            raise _Fail(a, f"a valid date ({year}年{month}月 does not exist)")
        return calendar.monthrange(year, month)[1]

    def _day(self, a: int, year: int, month: int, day: int) -> _Value:
        try:
            ordinal = dt.date(year, month, day).toordinal()
        except ValueError:
            raise _Fail(
                a, f"a valid date ({year}年{month}月{day}日 does not exist)"
            ) from None
        return _Value("date", float(ordinal), float(ordinal), DATE_UNIT)

    # -- ranges ---------------------------------------------------------------------
    def _frame(self) -> tuple[int, int, str, str]:
        """Strip words that frame a range: 控制在 … , 介于 … 之间."""
        s, syntax = self.s, self.syntax
        a, b = 0, len(s)
        prefix_word = suffix_word = ""
        for n in syntax._prefix_lengths:  # noqa: SLF001
            row = syntax._prefix.get(s[:n])  # noqa: SLF001
            if b > n and row is not None and row[5]:
                prefix_word, a = s[:n], n
                break
        for n in syntax._suffix_lengths:  # noqa: SLF001
            row = syntax._suffix.get(s[b - n :])  # noqa: SLF001
            if b - a > n and row is not None and row[5]:
                suffix_word, b = s[b - n :], b - n
                break
        return a, b, prefix_word, suffix_word

    def _range(self) -> Target:
        s = self.s
        a, b, prefix_word, suffix_word = self._frame()
        if "±" in s[a:b]:
            return self._plus_minus(a, b, s.index("±", a))
        separators = "~至到-"
        if prefix_word == "介于" or suffix_word == "之间":
            separators += "与和"
        splits = [
            i
            for i in range(a + 1, b - 1)
            if s[i] in separators and not (s[i] == "-" and s[i - 1] in "+-~,")
        ]
        if len(splits) > _MAX_SPLITS:
            raise _Fail(
                splits[_MAX_SPLITS], "one separator between two ends (90%～110%)"
            )
        failures: list[_Fail] = []
        for i in splits:
            j = i + 2 if s.startswith("~~", i) else i + 1
            try:
                lo, lo_closed = self._end(a, i)
                hi, hi_closed = self._end(j, b)
                if lo_closed is None and hi_closed is None:
                    lo_closed = hi_closed = True
                elif lo_closed is None:
                    lo_closed = not hi_closed
                elif hi_closed is None:
                    hi_closed = not lo_closed
                return self._make_range(
                    lo, bool(lo_closed), hi, bool(hi_closed), i, ordered=False
                )
            except _Fail as fail:
                failures.append(fail)
        if not failures:
            raise _Fail(-1, "a range such as 90%～110%")
        raise max(failures, key=lambda f: f.priority)

    def _end(self, a: int, b: int) -> tuple[_Value, bool | None]:
        closed, b = self._annotation(a, b)
        return self.value(a, b, "", ""), closed

    def _plus_minus(self, a: int, b: int, i: int) -> Target:
        centre = self.value(a, i, "", "")
        delta = self.value(i + 1, b, "", "")
        if centre.kind != "quantity" or delta.kind != "quantity":
            raise _Fail(i, "numbers on both sides of ±")
        if delta.lo < 0:
            raise _Fail(i + 1, "a non-negative tolerance after ±")
        unit = centre.unit or delta.unit
        tolerance = delta.lo
        if centre.unit and delta.unit and centre.unit != delta.unit:
            tolerance = self._convert(delta.lo, delta.unit, centre.unit, i + 1)
        c, d = decimal.Decimal(repr(centre.lo)), decimal.Decimal(repr(tolerance))
        lo, hi = float(c - d), float(c + d)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise _Fail(a, "a finite range")
        return self._make(Comparator.RANGE, lo, unit, upper=hi)

    def _convert(self, value: float, src: Unit, dst: Unit, pos: int) -> float:
        try:
            return convert(value, src, dst)
        except IncompatibleUnitError as exc:
            raise _Fail(pos, "one dimension", error=exc) from None

    def _make_range(
        self,
        lo: _Value,
        lo_closed: bool,
        hi: _Value,
        hi_closed: bool,
        pos: int,
        *,
        ordered: bool,
    ) -> Target:
        if lo.kind != hi.kind:
            raise _Fail(pos, f"both ends {_KIND_NAMES[lo.kind]}s")
        if lo.kind == "label":
            if lo.scale != hi.scale:
                raise _Fail(pos, "both labels from one scale")
            if not ordered and lo.lo > hi.lo:  # 优至良: the better label may come first
                lo, hi, lo_closed, hi_closed = hi, lo, hi_closed, lo_closed
        if lo.qualifier and hi.qualifier and lo.qualifier != hi.qualifier:
            raise _Fail(pos, "one place name for both ranks")
        qualifier = lo.qualifier or hi.qualifier
        x = _end_of(lo, lower=True, closed=lo_closed)
        y = _end_of(hi, lower=False, closed=hi_closed)
        unit = lo.unit or hi.unit
        if lo.unit is not None and hi.unit is not None and lo.unit != hi.unit:
            y = self._convert(y, hi.unit, lo.unit, pos + 1)
        if y < x or (y == x and not (lo_closed and hi_closed)):
            raise _Fail(pos, "the lower end of the range first, and a non-empty range")
        return self._make(
            Comparator.RANGE,
            x,
            unit,
            upper=y,
            lower_closed=lo_closed,
            upper_closed=hi_closed,
            scale=lo.scale,
            qualifier=qualifier,
        )

    def _bracket(self) -> Target:
        s = self.s
        n = len(s)
        candidates: list[Target] = []
        failures: list[_Fail] = []
        splits = [i for i in range(2, n - 2) if s[i] in ",;"]
        if len(splits) > _MAX_SPLITS:
            raise _Fail(1, "two values separated by one comma, as in [95%,105%]")
        for i in splits:
            try:
                candidates.append(self._bracket_split(i))
            except _Fail as fail:
                failures.append(fail)
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise _Fail(1, "two values separated by one comma (write [1000,2000])")
        if failures:
            raise max(failures, key=lambda f: f.priority)
        raise _Fail(1, "two values separated by a comma, as in [95%,105%]")

    def _bracket_split(self, i: int) -> Target:
        s = self.s
        n = len(s)
        lo_closed, hi_closed = s[0] == "[", s[-1] == "]"
        lo_text, hi_text = s[1:i], s[i + 1 : n - 1]
        lo_inf = lo_text in ("-∞", "-inf")
        hi_inf = hi_text in ("∞", "+∞", "inf", "+inf")
        if (lo_inf and lo_closed) or (hi_inf and hi_closed):
            raise _Fail(
                0 if lo_inf else n - 1, "an open bracket at infinity, as in [90%,+∞)"
            )
        if lo_inf and hi_inf:
            raise _Fail(1, "at least one finite end")
        if hi_inf:
            value = self.value(1, i, "", "")
            comparator = Comparator.GE if lo_closed else Comparator.GT
            return self._one(_Clause(comparator, value))
        if lo_inf:
            value = self.value(i + 1, n - 1, "", "")
            comparator = Comparator.LE if hi_closed else Comparator.LT
            return self._one(_Clause(comparator, value))
        lo = self.value(1, i, "", "")
        hi = self.value(i + 1, n - 1, "", "")
        return self._make_range(lo, lo_closed, hi, hi_closed, i, ordered=False)

    # -- two clauses: 60分以上70分以下, ≥90%且≤110% -----------------------------------
    def _compound(self) -> Target:
        s, syntax = self.s, self.syntax
        n = len(s)
        failures: list[_Fail] = []
        tries = 0
        for i in range(1, n - 1):
            splits: list[int] = [i + len(c) for c in _CONNECTORS if s.startswith(c, i)]
            if (
                s[i] in _SYMBOLS
                or any(s[i : i + k] in syntax._prefix for k in syntax._prefix_lengths)  # noqa: SLF001
                or any(s[i - k : i] in syntax._suffix for k in syntax._suffix_lengths)  # noqa: SLF001
            ):
                splits.append(i)
            for j in splits:
                if j >= n:
                    continue
                tries += 1
                if tries > _MAX_PAIRS:
                    raise _Fail(i, "two conditions such as 60分以上70分以下")
                try:
                    return self._pair(self._clause(0, i), self._clause(j, n), i)
                except _Fail as fail:
                    failures.append(fail)
        if not failures:
            raise _Fail(-1, "two conditions such as 60分以上70分以下")
        raise max(failures, key=lambda f: f.priority)

    def _pair(self, first: _Clause, second: _Clause, pos: int) -> Target:
        lower = (Comparator.GE, Comparator.GT)
        upper = (Comparator.LE, Comparator.LT)
        if first.comparator in upper and second.comparator in lower:
            first, second = second, first
        if first.comparator not in lower or second.comparator not in upper:
            raise _Fail(pos, "a lower bound and an upper bound (60分以上70分以下)")
        return self._make_range(
            first.value,
            first.comparator is Comparator.GE,
            second.value,
            second.comparator is Comparator.LE,
            pos,
            ordered=True,
        )


def _cn(text: str) -> int:
    """Read a small number written in digits or as a Chinese numeral."""
    if text[0] in _DIGITS:
        return int(text)
    value = _cn_int(text)
    return 0 if value is None else value


# -- public entry points -------------------------------------------------------------


def parse_quantity(text: str, *, units: UnitRegistry = DEFAULT_UNITS) -> Quantity:
    """Read a number with an optional unit: ``"45分钟"``, ``"50,123件"``, ``"99.66%"``.

    Thousands separators, full-width digits, signs, Chinese numerals
    (``三级``), ``百分之九十五`` and the multipliers 万 and 亿 (``5万件``) are read.

    Raises
    ------
    TargetSyntaxError
        If the text is not a number followed by an optional unit.
    UnknownUnitError
        If the unit is not in *units*.
    TypeError
        If *text* is not text or *units* not a
        :class:`~perfkpi.units.UnitRegistry`.

    Examples
    --------
    >>> parse_quantity("50,123件")
    Quantity(value=50123.0, unit=Unit(symbol='件', dimension='count', factor=1.0, aliases=(), name='count'))
    >>> str(parse_quantity("百分之九十五")), str(parse_quantity("1.2万人次"))
    ('95%', '12000人次')
    """  # noqa: E501 (a doctest output line)
    if not isinstance(text, str):
        msg = f"quantity must be a str, got {text!r} ({type(text).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    _checks.instance(units, UnitRegistry, "the unit registry")
    norm = _normalise(text)
    syntax = DEFAULT_SYNTAX if units is DEFAULT_UNITS else _syntax_with(units)
    parser = _Parser(text, norm, syntax, "higher", None)
    try:
        if not norm:
            raise _Fail(0, "a number with an optional unit")  # noqa: TRY301
        value = parser._quantity(0, len(norm))  # noqa: SLF001
    except _Fail as fail:
        raise _public_error(text, fail) from None
    return Quantity(value.lo, value.unit)


def parse_target(
    text: str,
    *,
    direction: Direction = "higher",
    units: UnitRegistry | None = None,
    scales: Iterable[LabelScale] | None = None,
    syntax: TargetSyntax | None = None,
    year: int | None = None,
    unit: str | Unit | None = None,
) -> Target:
    """Read a target as written in an indicator table.

    Parameters
    ----------
    text
        The target: ``"≥99%"``, ``"不低于95%"``, ``"3秒内"``, ``"≤1小时"``,
        ``"50,123件"``, ``"90%～110%"``, ``"[95%,105%]"``, ``"提升至3级"``,
        ``"全市第一"``, ``"2022年12月31日前"``, ``"是"``, ``"达成年度指标"``.
        Full-width characters are read as their ASCII forms; look-alike
        digits and operators (``①``, ``²``) are a
        :class:`~perfkpi.errors.TargetSyntaxError`.
    direction
        The comparator a bare number takes: ``"higher"`` (the default) reads
        ``"100%"`` as ``≥100%``, ``"lower"`` as ``≤100%``.  Bare dates are
        deadlines, bare ranks "this place or better" and bare labels "this label
        or better", whatever the direction.
    units
        The unit registry to read units from (default: the syntax's).
    scales
        The label scales a qualitative target may come from, searched in
        order (default: the syntax's).
    syntax
        The vocabulary: units, scales and extra words
        (default :data:`DEFAULT_SYNTAX`).
    year
        The year of a date written without one (``年底前``, ``12月31日前``).
    unit
        The indicator's unit (计量单位), as a symbol or a
        :class:`~perfkpi.units.Unit`: the context that decides a unit word
        with two readings: ``块`` is 元 where the unit is money (``≤5块`` with
        ``unit="元"`` is ``≤5元``), and otherwise the registry's count (5块
        of plots or boards).

    Returns
    -------
    Target

    Raises
    ------
    TargetSyntaxError
        With the character position and what was expected there; also for a
        look-alike digit (``①``, ``²``) and for a text longer than
        :data:`MAX_LENGTH` characters.
    UnknownUnitError
        If the unit (or *unit*) is not in the registry; close matches are
        suggested.
    IncompatibleUnitError
        If the two ends of a range measure different dimensions.
    TypeError
        If *text* is not text, or *units*, *scales*, *syntax* or *unit* is not
        of its type.
    ValueError
        If *direction* is not ``"higher"`` or ``"lower"``, or *year* is not a
        whole number from 1 to 9999.

    Notes
    -----
    Inclusive ends follow 《民法典》第1259条: 以上, 以下 and 以内 include the number
    itself; 不满, 超过 and 以外 exclude it.  The parser raises nothing but the
    first three errors (all :class:`~perfkpi.errors.PerfKPIError`) for any text.

    Examples
    --------
    >>> parse_target("不超过1小时"), parse_target("30%以下"), parse_target("100%")
    (Target('≤1小时'), Target('≤30%'), Target('≥100%'))
    >>> parse_target("(0%,10%]").is_met(0)
    False
    >>> parse_target("60分(含)-70分"), parse_target("60分以上不满70分")
    (Target('[60分,70分)'), Target('[60分,70分)'))
    >>> parse_target("年底前", year=2022)
    Target('≤2022-12-31')
    >>> parse_target("≥1e999999")
    Traceback (most recent call last):
    ...
    perfkpi.errors.TargetSyntaxError: cannot read '≥1e999999' at character 2: expected a number in plain decimal notation (no exponent)
    """  # noqa: E501 (a doctest output line)
    if not isinstance(text, str):
        msg = f"target must be a str, got {text!r} ({type(text).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    if not isinstance(direction, str) or direction not in ("higher", "lower"):
        msg = f"direction must be 'higher' or 'lower', not {direction!r:.60}"
        raise ValueError(msg)
    if year is not None and (
        isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999  # noqa: PLR2004
    ):
        msg = f"year must be an int from 1 to 9999, not {year!r}"
        raise ValueError(msg)
    chosen = DEFAULT_SYNTAX
    if syntax is not None:
        chosen = _checks.instance(syntax, TargetSyntax, "the syntax")
    if units is not None:
        _checks.instance(units, UnitRegistry, "the unit registry")
    if units is not None or scales is not None:
        chosen = _syntax_with(
            units,
            None
            if scales is None
            else _checks.instances(scales, LabelScale, "the label scales"),
            base=chosen,
        )
    context: Unit | None = None
    if isinstance(unit, str):
        context = chosen.units.get(unit)
    elif unit is not None:
        context = _checks.instance(unit, Unit, "the indicator's unit")
    norm = _normalise(text)
    try:
        return _Parser(text, norm, chosen, direction, year, context).target()
    except _Fail as fail:
        raise _public_error(text, fail) from None


# -- writing targets -----------------------------------------------------------------

_ZH_WORDS = {
    "quantity": {
        Comparator.GE: ("不低于", ""),
        Comparator.GT: ("超过", ""),
        Comparator.LE: ("不超过", ""),
        Comparator.LT: ("低于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "label": {
        Comparator.GE: ("", ""),
        Comparator.GT: ("优于", ""),
        Comparator.LE: ("", "及以下"),
        Comparator.LT: ("低于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "date": {
        Comparator.GE: ("", "起"),
        Comparator.GT: ("晚于", ""),
        Comparator.LE: ("", "前"),
        Comparator.LT: ("早于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "rank": {
        Comparator.GE: ("≥", ""),
        Comparator.GT: (">", ""),
        Comparator.LE: ("", ""),
        Comparator.LT: ("优于", ""),
        Comparator.EQ: ("等于", ""),
    },
}


def _value_text(
    target: Target, x: float, style: Style, *, zh_rank_top: bool = False
) -> str:
    kind = target.kind
    if kind == "label":
        assert target.scale is not None  # noqa: S101
        return target.scale.label(x)
    if kind == "date":
        day = dt.date.fromordinal(int(x))
        if style == "zh":
            return f"{day.year:04d}年{day.month}月{day.day}日"
        return day.isoformat()
    if kind == "rank":
        if zh_rank_top and x > 1:
            return f"{target.qualifier}前{int(x)}名"
        return f"{target.qualifier}第{int(x)}名"
    unit = target.unit
    text = (
        "" if unit is None else unit.ascii_symbol if style == "ascii" else unit.symbol
    )
    return format_number(x) + text


_RELATIVE_WORDS = {
    Comparator.GE: ("较上年提高", "不低于上年"),
    Comparator.GT: ("", "高于上年"),
    Comparator.LE: ("较上年下降", "不高于上年"),
    Comparator.LT: ("", "低于上年"),
}


def _relative_text(target: Target, style: Style) -> str:
    change, level = _RELATIVE_WORDS[target.comparator]
    if target.value == 0 and target.unit is None:
        return level
    unit = target.unit
    text = (
        "" if unit is None else unit.ascii_symbol if style == "ascii" else unit.symbol
    )
    return change + format_number(target.value) + text


def _resolved_text(
    target: Target, source: Target, prior: Quantity, style: Style
) -> str:
    plain = attrs.evolve(target, source=None, prior=None)
    if prior.unit is None:
        prior_text = format_number(prior.value)
    else:
        prior_text = _value_text(
            attrs.evolve(plain, unit=prior.unit), prior.value, style
        )
    absolute = format_target(plain, style)
    if style == "ascii":
        return f"{_relative_text(source, style)}(上年{prior_text},即{absolute})"
    return f"{_relative_text(source, style)}（上年{prior_text}，即{absolute}）"


def format_target(  # noqa: PLR0911 (one return per form of target)
    target: Target, style: Style = "canonical"
) -> str:
    """Write *target* as text that :func:`parse_target` reads back as an equal target.

    Parameters
    ----------
    target
        The target.
    style
        ``"canonical"`` (what ``str()`` gives): symbols ``≥ > ≤ < =``, ranges in
        brackets, ISO dates, ranks as ``≤全市第1名``.  ``"zh"``: Chinese words
        (``不低于99%``, ``90%至110%``, ``2022年12月31日前``, ``全市前3名``).
        ``"ascii"``: ASCII comparators (``>=``), brackets, ISO dates and each
        unit's ASCII alias where it has one (``<=1h``); labels, ranks and units
        without an ASCII spelling stay as written.

    Raises
    ------
    TypeError
        If *target* is not a :class:`Target`.
    ValueError
        If *style* is not one of its values.

    Examples
    --------
    >>> from perfkpi.targets import format_target, parse_target
    >>> t = parse_target("≥99%")
    >>> format_target(t), format_target(t, "zh"), format_target(t, "ascii")
    ('≥99%', '不低于99%', '>=99%')
    >>> format_target(parse_target("(0%,10%]"), "zh")
    '0%（不含）至10%（含）'
    >>> format_target(parse_target("年底前", year=2022), "zh")
    '2022年12月31日前'
    >>> format_target(parse_target("≤1小时"), "ascii")
    '<=1h'
    """
    c = _checks.instance(target, Target, "the target").comparator
    if not isinstance(style, str) or style not in ("canonical", "zh", "ascii"):
        msg = f"style must be 'canonical', 'zh' or 'ascii' (got {style!r:.60})"
        raise ValueError(msg)
    if target.relative:
        return _relative_text(target, style)
    if target.source is not None and target.prior is not None:
        return _resolved_text(target, target.source, target.prior, style)
    if style == "zh" and any(
        target.qualifier.startswith(word) for word in DEFAULT_SYNTAX.prefix_words()
    ):
        style = "canonical"  # a place name starting like a word (在…) would lose it
    if c is Comparator.RANGE:
        assert target.upper is not None  # noqa: S101 (a range has an upper end)
        lo = _value_text(target, target.value, style)
        hi = _value_text(target, target.upper, style)
        if style == "zh":
            if target.lower_closed and target.upper_closed:
                return f"{lo}至{hi}"
            left = "（含）" if target.lower_closed else "（不含）"
            right = "（含）" if target.upper_closed else "（不含）"
            return f"{lo}{left}至{hi}{right}"
        left = "[" if target.lower_closed else "("
        right = "]" if target.upper_closed else ")"
        return f"{left}{lo},{hi}{right}"
    if style == "zh":
        prefix, suffix = _ZH_WORDS[target.kind][c]
        top = target.kind == "rank" and c is Comparator.LE
        return (
            prefix + _value_text(target, target.value, style, zh_rank_top=top) + suffix
        )
    text = _value_text(target, target.value, style)
    if target.kind == "label" and c is Comparator.GE:
        return text
    symbol = _ASCII_COMPARATORS[c] if style == "ascii" else c.value
    return symbol + text
