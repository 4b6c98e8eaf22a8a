"""The values a target compares: comparators, label scales, quantities, numbers."""

from __future__ import annotations

import decimal
import enum
import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import (
    DataError,
)
from perfkpi.units import (
    Unit,
)

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
# documented as perfkpi.targets.DEFAULT_SCALES, where it is public


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
