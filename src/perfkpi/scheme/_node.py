"""Nodes and overrides, and the reading of a node's target."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from perfkpi import _checks
from perfkpi.errors import (
    SchemeError,
    SchemeValidationError,
    TargetSyntaxError,
)
from perfkpi.grades import CN_2020
from perfkpi.indicators import Indicator
from perfkpi.rules import (
    Rule,
)
from perfkpi.targets import Target, parse_target
from perfkpi.units import DEFAULT_UNITS

Direction = Literal["higher", "lower"]

_TOLERANCE = 1e-9

_DEFAULT_GRADES = attrs.evolve(CN_2020)
"""The scale a scheme gets when it names none: equal to ``CN_2020``, but its own
object, so that validation can tell a chosen scale from the default."""


def target_for(
    text: str, direction: Direction | None = None, *, unit: str | None = None
) -> Target:
    """Read a node's target, taking a bare number's comparator from *direction*.

    ``"≥95%"``, ``"3秒内"`` and ``"2022年12月31日前"`` say which side meets them;
    a bare number (``"100%"``) does not, and reads as ``≥`` with direction
    ``"higher"``, ``≤`` with ``"lower"``.  This is the one rule for bare targets
    everywhere a node's target is read: a :class:`Node` built with target text,
    scheme files and Excel sheets.  A node's direction is its own
    ``direction``, else its library indicator's.

    *unit* is the indicator's unit (计量单位), the context of a unit word with
    two readings: ``≤5块`` is ``≤5元`` for an indicator in 元 or 万元 (see
    :func:`~perfkpi.targets.parse_target`).  A unit the registry does not know
    (an indicator's free text) gives no context and is not an error here.

    Raises
    ------
    TargetSyntaxError, UnknownUnitError, IncompatibleUnitError
        For a bare number without a direction (asking for ``≥`` or ``≤``), and
        for text :func:`~perfkpi.targets.parse_target` cannot read.
    TypeError
        If *text* is not text, or *unit* neither text nor ``None``.
    ValueError
        If *direction* is not ``"higher"``, ``"lower"`` or ``None``.

    Examples
    --------
    >>> target_for("100%", "lower"), target_for("≥99%")
    (Target('≤100%'), Target('≥99%'))
    >>> target_for("100%")
    Traceback (most recent call last):
    ...
    perfkpi.errors.TargetSyntaxError: cannot read '100%' at character 0: \
expected '≥' or '≤' before a bare number (or a direction for the node: \
'higher' or 'lower')
    """
    if direction not in (None, "higher", "lower"):
        msg = f"direction must be 'higher', 'lower' or None (got {direction!r:.60})"
        raise ValueError(msg)
    given: object = unit  # callers without mypy may pass anything
    if given is not None and not isinstance(given, str):
        msg = f"an indicator's unit must be text or None (got {given!r:.60})"
        raise TypeError(msg)
    context = unit if unit and unit in DEFAULT_UNITS else None
    higher = parse_target(text, direction="higher", unit=context)
    if higher.kind != "quantity" or not _bare(text, higher, context):
        return higher
    if direction is None:
        expected = (
            "'≥' or '≤' before a bare number (or a direction for the node: "
            "'higher' or 'lower')"
        )
        raise TargetSyntaxError(text, 0, expected)
    if direction == "higher":
        return higher
    return parse_target(text, direction="lower", unit=context)


def _bare(text: str, higher: Target, unit: str | None) -> bool:
    """Whether *text* leaves its comparator to the direction."""
    return parse_target(text, direction="lower", unit=unit) != higher


def _to_target(value: Target | str | None) -> Target | None:
    given: object = value  # callers without mypy may pass anything
    if given is None or isinstance(given, Target | str):
        # text is read in __attrs_post_init__, where the node's direction is known
        return given  # type: ignore[return-value]
    msg = f"a target must be a Target or its text (got {given!r})"
    raise SchemeError("target", msg)


def _direction(_: object, __: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and value not in ("higher", "lower"):
        msg = f"a node's direction is 'higher', 'lower' or None (got {value!r})"
        raise SchemeError("direction", msg)


def _to_points(value: float | None) -> float | None:
    if value is None:
        return None
    return _to_float(value)


def _to_float(value: float) -> float:
    if isinstance(value, bool):
        msg = f"points must be a number (got {value!r})"
        raise SchemeError("points", msg)
    try:
        return float(value)
    except OverflowError:  # an int too large for a float: reported as not finite
        return math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        msg = f"points must be a number (got {value!r})"
        raise SchemeError("points", msg) from None


@attrs.frozen
class Node:
    """One place in a scheme's tree.

    Parameters
    ----------
    code
        The node's code in this scheme (``1.2``); unique within the scheme.
    name
        The name shown in reports (``预算资金支出率``).
    parent
        The parent's code, or ``None`` for a first-level node.
    points
        Full points (分值).  ``None`` marks an *item*: a target under a
        :class:`~perfkpi.rules.Deduct` node that costs its parent points when
        missed but has none of its own.
    rule
        How the node is scored; ``None`` takes the default for its place
        (:class:`~perfkpi.rules.Sum` for a node with children, the parent's
        ``per_unmet`` for an item).
    target
        The target (指标值), as a :class:`~perfkpi.targets.Target` or its text.
    indicator
        The reusable indicator definition this node places, if any.
    category
        A label that groups deductions in reports (``采购管理``).
    note
        Free text: the source of the node, assumptions made.
    direction
        ``"higher"`` (正向) or ``"lower"`` (反向): the comparator a bare target
        such as ``"100%"`` takes (see :func:`target_for`).  By default the
        indicator's direction; with neither, a bare target is an error.

    Raises
    ------
    SchemeError
        If *points* is not a number, *target* is neither a target nor text, or
        *direction* is not ``"higher"``, ``"lower"`` or ``None`` (the other
        fields are checked with the whole tree, when a :class:`Scheme` is
        built).
    TargetSyntaxError, UnknownUnitError
        If *target* is text that does not parse, or a bare number without a
        direction.
    """

    code: str
    name: str
    parent: str | None = None
    points: float | None = attrs.field(default=None, converter=_to_points)
    rule: Rule | None = None
    target: Target | None = attrs.field(default=None, converter=_to_target)
    indicator: Indicator | None = None
    category: str = ""
    note: str = ""
    direction: Direction | None = attrs.field(default=None, validator=_direction)

    def __attrs_post_init__(self) -> None:
        text: object = self.target
        if isinstance(text, str):
            direction = self.direction
            indicator: object = self.indicator
            if (
                direction is None
                and isinstance(indicator, Indicator)
                and indicator.direction != "qualitative"
            ):
                direction = indicator.direction
            unit = indicator.unit if isinstance(indicator, Indicator) else None
            object.__setattr__(self, "target", target_for(text, direction, unit=unit))

    @property
    def is_item(self) -> bool:
        """Whether this node is an item (a target with no points of its own)."""
        return self.points is None


def _listed(values: object, what: str) -> tuple[object, ...]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        msg = f"a scheme's {what} must be a list (got {values!r:.60})"
        raise SchemeValidationError("invalid scheme", [SchemeError(what, msg)])
    return tuple(values)


def _nodes(values: Iterable[Node]) -> tuple[Node, ...]:
    return _listed(values, "nodes")  # type: ignore[return-value]


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    _checks.text(value, f"an override's {field.name}")


@attrs.frozen
class Override:
    """A rating that replaces the grade whatever the number.

    Parameters
    ----------
    node
        The code of the node whose target decides.
    grade
        The rating given when the node's target is not met.

    Examples
    --------
    A programme without agreed performance measures is rated "Results Not
    Demonstrated" whatever its score (US OMB, Program Assessment Rating Tool).

    Raises
    ------
    TypeError
        If *node* or *grade* is not text.
    """

    node: str = attrs.field(validator=_text)
    grade: str = attrs.field(validator=_text)


def _overrides(values: Iterable[Override]) -> tuple[Override, ...]:
    return _listed(values, "overrides")  # type: ignore[return-value]
