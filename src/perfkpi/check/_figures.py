"""The figures a report states: the records a stated figures file becomes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from perfkpi import _checks as checks
from perfkpi._frozen import deep_freeze
from perfkpi.errors import PerfKPIError

TOTAL = "total"
"""The node code that names the total in a stated figures file."""


class StatedError(ValueError, PerfKPIError):
    """A stated figures file that cannot be read, with every problem in it.

    Parameters
    ----------
    source
        The file (or ``<stdin>``).
    problems
        Each problem, with its place in the file.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(source, self.problems)

    def __str__(self) -> str:
        head = f"invalid stated figures {self.source or '<dict>'}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        return "\n".join(
            [f"{head} ({len(self.problems)} problems)"]
            + [f"  - {p}" for p in self.problems]
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.source, self.problems))


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    checks.text(value, f"{field.name!r}")


def _number(_: object, field: attrs.Attribute[float], value: object) -> None:
    checks.number(value, f"{field.name!r}")


def _places(_: object, __: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"'places' must be a whole number (got {value!r:.60})"
        raise TypeError(msg)
    if value < 0:
        msg = f"'places' must be a whole number >= 0 (got {value!r})"
        raise ValueError(msg)


def _figure(_: object, field: attrs.Attribute[Figure], value: object) -> None:
    checks.instance(value, Figure, f"{field.name!r}")


def _optional_figure(
    _: object, field: attrs.Attribute[Figure | None], value: object
) -> None:
    if value is not None:
        checks.instance(value, Figure, f"{field.name!r}")


def _reference(
    _: object, field: attrs.Attribute[str | Figure | None], value: object
) -> None:
    if value is not None and not isinstance(value, str | Figure):
        msg = (
            f"{field.name!r} must be an amount's name, a Figure or None "
            f"(got {value!r:.60})"
        )
        raise TypeError(msg)


@attrs.frozen
class Figure:
    """A number as a report writes it.

    Attributes
    ----------
    value
        The number.
    places
        The decimal places it is written with: its precision.
    unit
        Its unit symbol (``万元``, ``%``), or ``""``.
    source
        Where the report states it (section, sentence).

    Raises
    ------
    TypeError
        If *value* is not a number, *places* not a whole number, or *unit* or
        *source* not text.
    ValueError
        If *places* is below zero.
    """

    value: float = attrs.field(validator=_number)
    places: int = attrs.field(default=0, validator=_places)
    unit: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)

    def __str__(self) -> str:
        return f"{self.value:.{self.places}f}{self.unit}"


@attrs.frozen
class StatedScore:
    """A score the report states for a node (or ``total``), with its full points.

    Attributes
    ----------
    node
        The node code, or ``total``.
    value
        The stated score.
    points
        The stated full points.
    actual
        The actual the report gives for a scored leaf (``"98.5%"``), written
        as in a data file; the score is then recomputed from it by the node's
        rule.

    Raises
    ------
    TypeError
        If *node* is not text, or *value* or *points* neither a
        :class:`Figure` nor ``None``.
    """

    node: str = attrs.field(validator=_text)
    value: Figure | None = attrs.field(default=None, validator=_optional_figure)
    points: Figure | None = attrs.field(default=None, validator=_optional_figure)
    actual: object = attrs.field(default=None, converter=deep_freeze)


def _deductions(values: Iterable[StatedDeduction]) -> tuple[StatedDeduction, ...]:
    return checks.instances(values, StatedDeduction, "'deductions'")


def _parts(values: Iterable[StatedDeduction]) -> tuple[StatedDeduction, ...]:
    return checks.instances(values, StatedDeduction, "'parts'")


@attrs.frozen
class StatedDeduction:
    """A deduction the report states, possibly with the parts it adds up.

    Attributes
    ----------
    node
        The code of the node that loses the points (an item's code for a
        deduction an item causes).
    points
        The points deducted.
    category
        The category the report files it under (``绩效管理``).
    actual
        The actual the report gives, when the deduction follows from it by the
        node's rule (``"99.8%"``), written as in a data file.
    unmet
        How many indicators were not met, when that is what the deduction
        counts.
    parts
        The stated parts of a subtotal ("合计扣3.3分" = 1.3 + 2).

    Raises
    ------
    TypeError
        If *node* or *category* is not text, *points* not a :class:`Figure`,
        or *parts* not a list of :class:`StatedDeduction`.
    """

    node: str = attrs.field(validator=_text)
    points: Figure = attrs.field(validator=_figure)
    category: str = attrs.field(default="", validator=_text)
    actual: object = attrs.field(default=None, converter=deep_freeze)
    unmet: int | None = None
    parts: tuple[StatedDeduction, ...] = attrs.field(default=(), converter=_parts)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'parts'")


@attrs.frozen
class StatedAmount:
    """An amount the report states, possibly the sum of named parts.

    Attributes
    ----------
    name
        Its name (``实际完成支出``).
    value
        The amount.
    parts
        Names of the amounts it is the sum of.
    within
        Name of an amount it is part of (so it cannot exceed it).

    Raises
    ------
    TypeError
        If *name* or *within* is not text, *value* not a :class:`Figure`, or
        *parts* not a list of text.
    """

    name: str = attrs.field(validator=_text)
    value: Figure = attrs.field(validator=_figure)
    parts: tuple[str, ...] = attrs.field(default=(), converter=_names)
    within: str = attrs.field(default="", validator=_text)


@attrs.frozen
class StatedRate:
    """A rate the report states, possibly with its numerator and denominator.

    Numerator and denominator are amounts named in the file, or numbers.

    Raises
    ------
    TypeError
        If *name* is not text, *value* not a :class:`Figure`, or *numerator*
        or *denominator* neither an amount's name, a :class:`Figure` nor
        ``None``.
    """

    name: str = attrs.field(validator=_text)
    value: Figure = attrs.field(validator=_figure)
    numerator: str | Figure | None = attrs.field(default=None, validator=_reference)
    denominator: str | Figure | None = attrs.field(default=None, validator=_reference)


def _scores(values: Iterable[StatedScore]) -> tuple[StatedScore, ...]:
    return checks.instances(values, StatedScore, "'scores'")


def _amounts(values: Iterable[StatedAmount]) -> tuple[StatedAmount, ...]:
    return checks.instances(values, StatedAmount, "'amounts'")


def _rates(values: Iterable[StatedRate]) -> tuple[StatedRate, ...]:
    return checks.instances(values, StatedRate, "'rates'")


@attrs.frozen
class Stated:
    """The figures one report states.

    Read one with :func:`~perfkpi.check.load_stated`.

    Raises
    ------
    TypeError
        If *scores*, *deductions*, *amounts* or *rates* is not a list of its
        class, or another field is not text.
    """

    scores: tuple[StatedScore, ...] = attrs.field(default=(), converter=_scores)
    deductions: tuple[StatedDeduction, ...] = attrs.field(
        default=(), converter=_deductions
    )
    amounts: tuple[StatedAmount, ...] = attrs.field(default=(), converter=_amounts)
    rates: tuple[StatedRate, ...] = attrs.field(default=(), converter=_rates)
    grade: str = attrs.field(default="", validator=_text)
    scheme: str = attrs.field(default="", validator=_text)
    entity: str = attrs.field(default="", validator=_text)
    period: str = attrs.field(default="", validator=_text)
    title: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)
