"""Targets (指标值) as people write them, and whether an actual meets one.

A :class:`Target` is a comparator with a value in a unit (``≥99%``, ``≤1小时``),
a range (``[90%,110%]``), or a label on an ordered scale (``是``, ``达成年度指标``).
:func:`parse_target` reads the symbolic and the common word forms;
``str(target)`` gives the canonical text, which parses back to an equal target.

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
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

import attrs
import numpy as np

from perfkpi.errors import DataError, TargetSyntaxError, UnknownUnitError
from perfkpi.units import DEFAULT_UNITS, Unit, UnitRegistry, convert

__all__ = [
    "DEFAULT_SCALES",
    "Comparator",
    "LabelScale",
    "Quantity",
    "Target",
    "format_number",
    "parse_quantity",
    "parse_target",
]

Direction = Literal["higher", "lower"]


class Comparator(enum.StrEnum):
    """How an actual is compared with a target value."""

    GE = "≥"
    GT = ">"
    LE = "≤"
    LT = "<"
    EQ = "="
    RANGE = "range"


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class LabelScale:
    """An ordered scale of qualitative labels, best first.

    A label meets a ``≥`` target when it ranks at or above the target's label.

    Parameters
    ----------
    name
        An identifier for the scale (``yes-no``).
    labels
        The labels from best to worst.
    """

    name: str
    labels: tuple[str, ...] = attrs.field(converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        if len(self.labels) < 2 or len(set(self.labels)) != len(self.labels):  # noqa: PLR2004
            msg = f"label scale {self.name!r} needs two or more distinct labels"
            raise ValueError(msg)

    def rank(self, label: str) -> float:
        """Return the rank of *label*: 0 for the worst, higher is better."""
        return float(len(self.labels) - 1 - self.labels.index(label))

    def label(self, rank: float) -> str:
        """Return the label of a rank (the inverse of :meth:`rank`)."""
        return self.labels[len(self.labels) - 1 - int(rank)]


DEFAULT_SCALES: tuple[LabelScale, ...] = (
    LabelScale("yes-no", ("是", "否")),
    LabelScale("achievement", ("达成年度指标", "部分达成年度指标", "未达成年度指标")),
    LabelScale("grade-cn", ("优", "良", "中", "差")),
    LabelScale("level-cn", ("高", "较高", "一般", "低")),
)
"""Label scales known out of the box: 是/否; 达成年度指标 > 部分达成年度指标 >
未达成年度指标; 优 > 良 > 中 > 差; 高 > 较高 > 一般 > 低."""


@attrs.frozen
class Quantity:
    """A number with an optional unit, as read from text such as ``45分钟``."""

    value: float
    unit: Unit | None = None

    def __str__(self) -> str:
        return format_number(self.value) + (self.unit.symbol if self.unit else "")


def format_number(value: float) -> str:
    """Format *value* in the shortest positional form that reads back equal.

    >>> format_number(99.0), format_number(8634.17), format_number(0.00001)
    ('99', '8634.17', '0.00001')
    """
    if value == int(value) and abs(value) < 1e16:  # noqa: PLR2004
        return str(int(value))
    return np.format_float_positional(value, trim="-")


def _as_float(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        msg = f"expected a number, got {value!r} ({type(value).__name__})"
        raise DataError(where, msg)
    number = float(value)
    if not math.isfinite(number):
        raise DataError(where, f"expected a finite number, got {value!r}")
    return number


@attrs.frozen(repr=False)
class Target:
    """A target value (指标值) with its comparator and unit.

    Build one with :func:`parse_target`; the fields are the parsed meaning.

    Parameters
    ----------
    comparator
        ``≥ > ≤ < =`` or ``range``.
    value
        The target value, or the lower end of a range, in *unit*; for a label
        target, the label's rank on *scale*.
    unit
        The unit the target is written in, or ``None`` for a bare number.
    upper
        The upper end of a range.
    lower_closed, upper_closed
        Whether the ends of a range are included.
    scale
        The label scale of a qualitative target.
    """

    comparator: Comparator
    value: float
    unit: Unit | None = None
    upper: float | None = None
    lower_closed: bool = True
    upper_closed: bool = True
    scale: LabelScale | None = None

    def __attrs_post_init__(self) -> None:
        if (self.comparator is Comparator.RANGE) != (self.upper is not None):
            msg = "a range target needs an upper end, and only a range has one"
            raise ValueError(msg)
        if self.upper is not None and self.upper < self.value:
            msg = f"range lower end {self.value} is above its upper end {self.upper}"
            raise ValueError(msg)
        if not math.isfinite(self.value) or (
            self.upper is not None and not math.isfinite(self.upper)
        ):
            msg = "target values must be finite numbers"
            raise ValueError(msg)

    # -- reading actuals --------------------------------------------------
    def to_value(
        self, actual: object, *, where: str = "", units: UnitRegistry = DEFAULT_UNITS
    ) -> float:
        """Return *actual* as a number in this target's unit (or label rank).

        A plain number is taken to be in the unit the target is written in; a
        string carries its own unit (``"45分钟"``) and is converted; a label is
        ranked on the target's scale.

        Raises
        ------
        DataError
            If the actual is not finite or not a label of the scale.
        IncompatibleUnitError
            If the actual's unit measures another dimension.
        """
        if self.scale is not None:
            if isinstance(actual, str):
                label = unicodedata.normalize("NFKC", actual).strip()
                if label in self.scale.labels:
                    return self.scale.rank(label)
            if isinstance(actual, bool):
                return self.scale.rank(self.scale.labels[0 if actual else -1])
            expected = " / ".join(self.scale.labels)
            raise DataError(where, f"expected one of {expected}, got {actual!r}")
        if isinstance(actual, str):
            try:
                quantity = parse_quantity(actual, units=units)
            except (TargetSyntaxError, UnknownUnitError) as exc:
                raise DataError(where, f"cannot read actual: {exc}") from None
            if quantity.unit is None or self.unit is None:
                return quantity.value
            return convert(quantity.value, quantity.unit, self.unit)
        return _as_float(actual, where)

    def is_met(self, actual: object, *, units: UnitRegistry = DEFAULT_UNITS) -> bool:
        """Return whether *actual* meets this target.

        >>> from perfkpi import parse_target
        >>> parse_target("≤8634.17万元").is_met("86317300元")
        True
        """
        return bool(self.met(np.array([self.to_value(actual, units=units)]))[0])

    def met(self, values: np.ndarray) -> np.ndarray:
        """Return a boolean array: which *values* (in this target's unit) meet it."""
        lo, hi = self.bounds()
        lo_ok = values >= lo if self.lower_closed else values > lo
        hi_ok = values <= hi if self.upper_closed else values < hi
        out: np.ndarray = lo_ok & hi_ok
        return out

    def bounds(self) -> tuple[float, float]:
        """Return the interval of values that meet the target.

        Whether each end is included is given by :attr:`lower_closed` and
        :attr:`upper_closed`.
        """
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

    # -- text ---------------------------------------------------------------
    def _text(self, number: float) -> str:
        if self.scale is not None:
            return self.scale.label(number)
        return format_number(number) + (self.unit.symbol if self.unit else "")

    def __str__(self) -> str:
        if self.comparator is Comparator.RANGE:
            assert self.upper is not None  # noqa: S101
            left = "[" if self.lower_closed else "("
            right = "]" if self.upper_closed else ")"
            return f"{left}{self._text(self.value)},{self._text(self.upper)}{right}"
        if self.scale is not None and self.comparator is Comparator.GE:
            return self._text(self.value)
        return f"{self.comparator.value}{self._text(self.value)}"

    def __repr__(self) -> str:
        return f"Target({str(self)!r})"


# -- the parser ------------------------------------------------------------

_PREFIXES: tuple[tuple[str, Comparator], ...] = tuple(
    sorted(
        [
            (">=", Comparator.GE),
            ("≧", Comparator.GE),
            ("≥", Comparator.GE),
            ("不低于", Comparator.GE),
            ("不少于", Comparator.GE),
            ("不小于", Comparator.GE),
            ("大于等于", Comparator.GE),
            ("大于或等于", Comparator.GE),
            ("达到", Comparator.GE),
            ("提升至", Comparator.GE),
            ("<=", Comparator.LE),
            ("≦", Comparator.LE),
            ("≤", Comparator.LE),
            ("不高于", Comparator.LE),
            ("不超过", Comparator.LE),
            ("不大于", Comparator.LE),
            ("不多于", Comparator.LE),
            ("小于等于", Comparator.LE),
            ("小于或等于", Comparator.LE),
            ("控制在", Comparator.LE),
            (">", Comparator.GT),
            ("高于", Comparator.GT),
            ("大于", Comparator.GT),
            ("超过", Comparator.GT),
            ("多于", Comparator.GT),
            ("<", Comparator.LT),
            ("低于", Comparator.LT),
            ("少于", Comparator.LT),
            ("小于", Comparator.LT),
            ("不满", Comparator.LT),
            ("==", Comparator.EQ),
            ("=", Comparator.EQ),
            ("等于", Comparator.EQ),
        ],
        key=lambda pair: -len(pair[0]),
    )
)
"""Comparator words and symbols that open a target, longest first."""

_SUFFIXES: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("内", Comparator.LE),
)
"""Words that close a target.

Per 《民法典》第1259条, 以上, 以下 and 以内 include the number itself.
"""

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_RANGE_SEPARATORS = ("~", "-", "至", "到", "—", "–")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split())


def _read_number(text: str, start: int, original: str) -> tuple[float, int]:
    match = _NUMBER.match(text, start)
    if match is None:
        raise TargetSyntaxError(original, start, "a number such as 99 or 8,634.17")
    value = float(match.group().replace(",", ""))
    if not math.isfinite(value):
        raise TargetSyntaxError(original, start, "a finite number")
    return value, match.end()


def _read_unit(
    text: str, start: int, end: int, original: str, units: UnitRegistry
) -> Unit | None:
    symbol = text[start:end]
    if not symbol:
        return None
    if symbol in units:
        return units.get(symbol)
    if not _NUMBER.search(symbol):
        units.get(symbol)  # raises UnknownUnitError with suggestions
    raise TargetSyntaxError(
        original, start, "a unit such as % or 小时 after the number"
    )


def _read_quantity(
    text: str, start: int, end: int, original: str, units: UnitRegistry
) -> Quantity:
    value, pos = _read_number(text, start, original)
    return Quantity(value, _read_unit(text, pos, end, original, units))


def parse_quantity(text: str, *, units: UnitRegistry = DEFAULT_UNITS) -> Quantity:
    """Read a number with an optional unit: ``"45分钟"``, ``"50,123件"``, ``"99.66%"``.

    Raises
    ------
    TargetSyntaxError
        If the text is not a number followed by an optional unit.
    UnknownUnitError
        If the unit is not in *units*.
    """
    norm = _normalise(text)
    if not norm:
        raise TargetSyntaxError(text, 0, "a number with an optional unit")
    return _read_quantity(norm, 0, len(norm), text, units)


def _same_unit(lo: Quantity, hi: Quantity, text: str, pos: int) -> Unit | None:
    if lo.unit is None:
        return hi.unit
    if hi.unit is None or hi.unit == lo.unit:
        return lo.unit
    raise TargetSyntaxError(text, pos, f"both ends of the range in {lo.unit.symbol}")


def _parse_bracket(text: str, original: str, units: UnitRegistry) -> Target:
    close = text[-1]
    if close not in "])":
        raise TargetSyntaxError(original, len(text), "']' or ')' closing the range")
    inner = text[1:-1]
    splits = [i for i, ch in enumerate(inner) if ch == ","]
    candidates: list[tuple[Quantity, Quantity]] = []
    for i in splits:
        try:
            lo = _read_quantity(inner, 0, i, original, units)
            hi = _read_quantity(inner, i + 1, len(inner), original, units)
        except (TargetSyntaxError, UnknownUnitError):
            continue
        candidates.append((lo, hi))
    if len(candidates) != 1:
        what = "no" if not candidates else "more than one"
        raise TargetSyntaxError(
            original, 1, f"two quantities separated by one comma ({what} way found)"
        )
    lo, hi = candidates[0]
    unit = _same_unit(lo, hi, original, 1)
    if hi.value < lo.value:
        raise TargetSyntaxError(original, 1, "the lower end first")
    return Target(
        Comparator.RANGE,
        lo.value,
        unit,
        upper=hi.value,
        lower_closed=text[0] == "[",
        upper_closed=close == "]",
    )


def _parse_range(text: str, original: str, units: UnitRegistry) -> Target | None:
    for i in range(1, len(text)):
        if text[i] not in _RANGE_SEPARATORS:
            continue
        if text[i] == "-" and not (text[i - 1].isdigit() or text[i - 1] in "%‰"):
            continue
        try:
            lo = _read_quantity(text, 0, i, original, units)
        except (TargetSyntaxError, UnknownUnitError):
            continue
        hi = _read_quantity(text, i + 1, len(text), original, units)
        unit = _same_unit(lo, hi, original, i + 1)
        if hi.value < lo.value:
            raise TargetSyntaxError(original, 0, "the lower end of the range first")
        return Target(Comparator.RANGE, lo.value, unit, upper=hi.value)
    return None


def parse_target(
    text: str,
    *,
    direction: Direction = "higher",
    units: UnitRegistry = DEFAULT_UNITS,
    scales: Iterable[LabelScale] = DEFAULT_SCALES,
) -> Target:
    """Read a target as written in an indicator table.

    Parameters
    ----------
    text
        The target: ``"≥99%"``, ``"不低于95%"``, ``"3秒内"``, ``"≤1小时"``,
        ``"90%～110%"``, ``"[95%,105%]"``, ``"是"``, ``"达成年度指标"``.
        Full-width characters are read as their ASCII forms (NFKC).
    direction
        The comparator a bare value takes: ``"higher"`` (the default) reads
        ``"100%"`` as ``≥100%``, ``"lower"`` as ``≤100%``.
    units
        The unit registry to read units from.
    scales
        The label scales a qualitative target may come from, searched in order.

    Returns
    -------
    Target

    Raises
    ------
    TargetSyntaxError
        With the character position and what was expected there.
    UnknownUnitError
        If the unit is not in *units*; close matches are suggested.

    Notes
    -----
    Inclusive ends follow 《民法典》第1259条: 以上, 以下 and 以内 include the number
    itself; 不满 and 超过 exclude it.

    Examples
    --------
    >>> parse_target("不超过1小时"), parse_target("30%以下"), parse_target("100%")
    (Target('≤1小时'), Target('≤30%'), Target('≥100%'))
    >>> parse_target("(0%,10%]").is_met(0)
    False
    """
    if not isinstance(text, str):
        msg = f"target must be a str, got {text!r} ({type(text).__name__})"  # type: ignore[unreachable]
        raise TypeError(msg)
    norm = _normalise(text)
    if not norm:
        raise TargetSyntaxError(text, 0, "a target such as '≥99%' or '3秒内'")
    if norm[0] in "[(":
        return _parse_bracket(norm, text, units)

    comparator: Comparator | None = None
    start, end = 0, len(norm)
    for word, comp in _PREFIXES:
        if norm.startswith(word):
            comparator, start = comp, len(word)
            break
    for word, comp in _SUFFIXES:
        if norm.endswith(word) and end - len(word) > start:
            if comparator is not None and comparator is not comp:
                raise TargetSyntaxError(
                    text, end - len(word), f"no second comparator after {comparator}"
                )
            comparator, end = comp, end - len(word)
            break
    body = norm[start:end]
    if not body:
        raise TargetSyntaxError(text, start, "a value after the comparator")

    for scale in scales:
        if body in scale.labels:
            return Target(comparator or Comparator.GE, scale.rank(body), scale=scale)

    if comparator is None:
        ranged = _parse_range(body, text, units)
        if ranged is not None:
            return ranged
        comparator = Comparator.GE if direction == "higher" else Comparator.LE
    quantity = _read_quantity(norm, start, end, text, units)
    return Target(comparator, quantity.value, quantity.unit)
