"""What every rule shares: the node it reads, field checks, value kinds, readings.

:class:`RuleBase` and :class:`Columns`; :func:`value_kind` and the table of
what each kind of target means; the reading of an actual against a target,
with the warning (or, under strict, the error) for a value that reads two
ways 100× apart.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal, Protocol

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import (
    AmbiguousValueError,
    AmbiguousValueWarning,
    DataError,
    PerfKPIError,
    RuleError,
)
from perfkpi.targets import Target, format_number, format_target, parse_quantity

Role = Literal["score", "aggregate", "penalty"]


class _Node(Protocol):
    """What a rule reads of the node it scores (a :class:`perfkpi.scheme.Node`)."""

    @property
    def points(self) -> float | None: ...

    @property
    def target(self) -> Target | None: ...


NOT_APPLICABLE = float("nan")
"""What :meth:`RuleBase.read` returns for an actual that marks the node N/A."""


def _is_finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{attribute.name!r} must be a number (got {value!r})"
        raise RuleError(msg)
    if not _is_finite(value) or value < 0:
        msg = f"{attribute.name!r} must be a finite number >= 0 (got {value!r})"
        raise RuleError(msg)


def _optional_points(
    instance: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None:
        _non_negative(instance, attribute, value)  # type: ignore[arg-type]


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    _non_negative(_, attribute, value)
    if value == 0:
        msg = f"{attribute.name!r} must be > 0 (got {value!r})"
        raise RuleError(msg)


def _finite(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{attribute.name!r} must be a number (got {value!r})"
        raise RuleError(msg)
    if not _is_finite(value):
        msg = f"{attribute.name!r} must be finite (got {value!r})"
        raise RuleError(msg)


def _flag(_: object, attribute: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"{attribute.name!r} must be true or false (got {value!r})"
        raise RuleError(msg)


# -- value kinds ----------------------------------------------------------------

# ValueKind and VALUE_KINDS are documented where perfkpi.rules re-exports them
ValueKind = Literal["positive", "signed", "date", "rank", "label", "relative"]

VALUE_KINDS: tuple[ValueKind, ...] = (
    "positive",
    "signed",
    "date",
    "rank",
    "label",
    "relative",
)

_ABSOLUTE_ORDER = tuple(k for k in VALUE_KINDS if k != "relative")
_ABSOLUTE: frozenset[ValueKind] = frozenset(_ABSOLUTE_ORDER)
"""The kinds a target has on its own, without a prior-year value."""

_KIND_TEXT: dict[ValueKind, str] = {
    "positive": "a quantity above zero (≥95%, ≤1小时)",
    "signed": "a quantity whose target is zero or negative (≤0%, ≥-5%)",
    "date": "a date (2022年12月31日前)",
    "rank": "a rank (全市第一, 前三)",
    "label": "a label or tier (是, 良以上, 达成年度指标)",
    "relative": "relative to the prior-year value (较上年提高5%, 不低于上年)",
}

_ADVICE: dict[ValueKind, str] = {
    "positive": "use 'proportional', 'per-point' or 'bands'",
    "signed": "use 'per-point' (每偏离一个百分点扣x分), 'bands' or 'all-or-nothing'",
    "date": "use 'deadline' (逾期扣分) or 'all-or-nothing'",
    "rank": "use 'all-or-nothing', 'per-point' (每下降一名扣x分) or 'bands'",
    "label": "use 'all-or-nothing' or 'qualitative'",
    "relative": (
        "use 'proportional', 'all-or-nothing' or 'per-point', which score it "
        "once the prior-year value resolves it"
    ),
}


_PROPOSE: dict[ValueKind, str] = {
    "positive": "(use `proportional`)",
    "signed": "(use `per-point`, `bands`)",
    "date": "(use `deadline`)",
    "rank": "(use `all-or-nothing`, `per-point`)",
    "label": "(use `all-or-nothing`, `qualitative`)",
    "relative": "(use `proportional`, `all-or-nothing`)",
}


def value_kind(target: Target) -> ValueKind:
    """Return what *target* measures, as far as scoring is concerned.

    A quantity is ``"positive"`` when every finite end of its interval is above
    zero, so that a ratio ``actual / target`` means something; otherwise
    ``"signed"``.  Dates, ranks and labels are their own kinds, and so is a
    target relative to the prior-year value (``较上年提高5%``): it is scored
    as the absolute target it resolves to for each entity, by the rules that
    read ``"relative"``.

    Raises
    ------
    TypeError
        If *target* is not a :class:`~perfkpi.targets.Target`.

    Examples
    --------
    >>> from perfkpi import parse_target
    >>> [value_kind(parse_target(t)) for t in
    ...  ("≥95%", "≤0%", "2022年12月31日前", "全市第一", "是", "较上年提高5%")]
    ['positive', 'signed', 'date', 'rank', 'label', 'relative']
    """
    kind = _checks.instance(target, Target, "the target").kind
    if kind != "quantity":
        return kind
    ends = [end for end in target.bounds() if math.isfinite(end)]
    return "positive" if all(end > 0 for end in ends) else "signed"


def _kind_misfit(rule: RuleBase, target: Target, kind: ValueKind) -> str:
    reads = " or ".join(
        _KIND_TEXT[k] for k in _ABSOLUTE_ORDER if k in rule.target_kinds
    )
    why = ""
    if rule.target_kinds == {"positive"}:
        why = "a ratio to it has no meaning; " if kind == "signed" else ""
    return (
        f"rule {rule.kind!r} reads {reads}, but the target {target} is "
        f"{_KIND_TEXT[kind]}: {why}{_ADVICE[kind]}"
    )


# -- readings that differ by a factor of 100 ----------------------------------------

_STRICT: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "perfkpi_strict", default=False
)
_COLLECT: contextvars.ContextVar[list[tuple[str, str]] | None] = contextvars.ContextVar(
    "perfkpi_ambiguous", default=None
)

_PERCENT_LINE = 10.0
"""A percent target at or above this makes a plain number ≤ 1 look like a fraction."""


@contextlib.contextmanager
def _strict(strict: bool) -> Iterator[None]:
    """Within the block, an ambiguous value raises instead of warning."""
    token = _STRICT.set(strict)
    try:
        yield
    finally:
        _STRICT.reset(token)


@contextlib.contextmanager
def _collecting() -> Iterator[list[tuple[str, str]]]:
    """Within the block, ambiguous values are collected instead of warned about."""
    found: list[tuple[str, str]] = []
    token = _COLLECT.set(found)
    try:
        yield found
    finally:
        _COLLECT.reset(token)


def _collected_quietly() -> list[tuple[str, str]] | None:
    """Return the list ambiguous values are collected in, unless strict or none.

    The batch engine tallies a table's ambiguous plain numbers itself (they
    read as themselves) only when they are collected for one warning per
    column; under strict each is an error and takes the full reading.
    """
    return None if _STRICT.get() else _COLLECT.get()


def _text_unit(actual: str) -> str | None:
    """Return the unit symbol written in *actual*, or None (none, or unreadable)."""
    try:
        quantity = parse_quantity(actual)
    except PerfKPIError:
        return None
    return None if quantity.unit is None else quantity.unit.symbol


def _ambiguity(  # noqa: PLR0911 (one return per reading)
    target: Target, actual: object, value: float
) -> str | None:
    """Say why *value* read from *actual* against *target* may be off by 100×."""
    if target.kind != "quantity" or not math.isfinite(value):
        return None
    ends = [abs(end) for end in target.bounds() if math.isfinite(end)]
    if not ends:
        return None
    shown = format_number(value)
    if target.unit is not None and target.unit.symbol == "%":
        if (
            0 < abs(value) <= 1
            and max(ends) >= _PERCENT_LINE
            and (not isinstance(actual, str) or _text_unit(actual) is None)
        ):
            percent = format_number(float(decimal.Decimal(shown) * 100))
            return (
                f"the plain number {actual!r} is read in the target's unit, as "
                f"{shown}% against {target}; as a fraction (how a spreadsheet "
                f"stores a percentage) it would be {percent}%: write it with its "
                f"unit ('{shown}%' or '{percent}%') to say which"
            )
        return None
    if target.unit is not None:
        return None
    # text is read a second time only against a target without a unit
    written = _text_unit(actual) if isinstance(actual, str) else None
    if written in ("%", "‰"):
        return (
            f"the target {target} has no unit but the actual {actual!r} is a "
            f"percentage, compared as {shown} with {format_target(target)}; if the "
            "target is a fraction, write it as a percentage (0.95 → 95%)"
        )
    if (
        written is None and all(0 < end < 1 for end in ends) and 1 < abs(value) <= 100  # noqa: PLR2004 (a percentage's range)
    ):
        return (
            f"the target {target} looks like a fraction and the actual {actual!r} "
            f"like a percentage ({shown} against {format_target(target)}); write "
            "the target with its unit (95%) or the actual as a fraction"
        )
    return None


def _read_against(target: Target, actual: object, where: str) -> float:
    """Read *actual* in *target*'s unit, refusing what would read silently wrong.

    A plain number against a date is refused (an unformatted spreadsheet date
    is a serial number such as 45291, not a day of the proleptic calendar); a
    value that reads two ways 100× apart warns, or raises under strict.
    """
    if target.kind == "date" and not isinstance(actual, str | dt.date | np.datetime64):
        msg = (
            f"expected a date (a date, or text such as 2023年12月15日), got "
            f"{actual!r}: a plain number is not read as a date (an unformatted "
            "spreadsheet date is a serial number such as 45291)"
        )
        raise DataError(where, msg)
    value = target.to_value(actual, where=where)
    _check_reading(target, actual, value, where)
    return value


def _check_reading(target: Target, actual: object, value: float, where: str) -> None:
    """Warn (or raise under strict) when *value* may be off by a factor of 100."""
    problem = _ambiguity(target, actual, value)
    if problem is None:
        return
    if _STRICT.get():
        raise AmbiguousValueError(where, problem)
    collected = _COLLECT.get()
    if collected is not None:
        collected.append((where, problem))
        return
    warnings.warn(AmbiguousValueWarning(f"{problem} @ {where}"), stacklevel=4)


def _ambiguous(where: str, problem: str, stacklevel: int) -> None:
    """Warn about *problem* (raise under strict, collect in a table's run)."""
    if _STRICT.get():
        raise AmbiguousValueError(where, problem)
    collected = _COLLECT.get()
    if collected is not None:
        collected.append((where, problem))
        return
    warnings.warn(AmbiguousValueWarning(f"{problem} @ {where}"), stacklevel=stacklevel)


def _ambiguous_numbers(target: Target | None) -> tuple[float, float] | None:
    """Return ``(low, high)``: plain numbers with ``low < |x| ≤ high`` are ambiguous.

    ``None`` when no plain number is ambiguous against *target*; the batch
    engine sends the numbers in the interval through the full reading, which
    warns (or raises under strict).
    """
    if target is None or target.kind != "quantity":
        return None
    ends = [abs(end) for end in target.bounds() if math.isfinite(end)]
    if not ends:
        return None
    if target.unit is not None and target.unit.symbol == "%":
        return (0.0, 1.0) if max(ends) >= _PERCENT_LINE else None
    if target.unit is None and all(0 < end < 1 for end in ends):
        return (1.0, 100.0)
    return None


def _warn_collected(found: Sequence[tuple[str, str]]) -> None:
    """Warn once per node about the ambiguous values collected from a table."""
    by_node: dict[str, list[str]] = {}
    for where, problem in found:
        by_node.setdefault(where, []).append(problem)
    for where, problems in by_node.items():
        more = len(problems) - 1
        also = (
            f" (and {more} other value{'s' if more > 1 else ''} of this column)"
            if more
            else ""
        )
        message = f"{problems[0]}{also} @ {where}"
        warnings.warn(AmbiguousValueWarning(message), stacklevel=3)


@attrs.frozen
class Columns:
    """The compiled facts of a group of input columns, handed to rule kernels.

    Each array has one entry per column of the group; ``met`` and the values
    passed alongside have one row per entity.
    """

    points: np.ndarray
    reference: np.ndarray
    higher: np.ndarray
    met: np.ndarray


class RuleBase:
    """Behaviour shared by every rule; rules themselves are frozen attrs classes."""

    kind: ClassVar[str]
    role: ClassVar[Role]
    needs_target: ClassVar[bool] = False
    target_kinds: ClassVar[frozenset[ValueKind]] = _ABSOLUTE
    """The kinds of target the rule can read (see :func:`value_kind`)."""
    actual_text: ClassVar[str] = "a number or text in the target's unit"
    """What the rule reads as an actual, for the documentation's table."""

    def describe(self, lang: str = "zh") -> str:  # noqa: ARG002 (overridden)
        """Return a one-line description of the rule."""
        return self.kind

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        if self.needs_target and node.target is None:
            yield f"rule {self.kind!r} needs a target"
        if node.target is not None:
            kind = value_kind(node.target)
            if kind not in self.target_kinds:
                yield _kind_misfit(self, node.target, kind)

    def _relative_problems(self, node: _Node) -> Iterator[str]:
        """Yield the misfit of a relative target, for rules that read no kind."""
        target = node.target
        if (
            target is not None
            and target.relative
            and "relative" not in self.target_kinds
        ):
            yield _kind_misfit(self, target, "relative")

    def read(self, actual: object, node: _Node, where: str) -> float:
        """Return *actual* as the number this rule's kernel works on.

        The default reads it against the node's target (in the target's unit).
        A plain number that may be a fraction against a percent target (or a
        percentage against a fraction) gives an
        :class:`~perfkpi.errors.AmbiguousValueWarning`, or an
        :class:`~perfkpi.errors.AmbiguousValueError` under ``strict=True``.
        """
        if node.target is None:
            return _number(actual, where)
        return _read_against(node.target, actual, where)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score a block of columns (one per node using this rule)."""
        raise NotImplementedError  # pragma: no cover

    def to_dict(self) -> str | dict[str, Any]:
        """Return the file form of the rule (see :func:`rule_to_dict`)."""
        params = {
            a.name: getattr(self, a.name)
            for a in attrs.fields(type(self))  # type: ignore[arg-type]
            if getattr(self, a.name) != a.default
        }
        if not params:
            return self.kind
        return {"kind": self.kind, **params}

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RuleBase:
        """Build the rule from the parameters of its file form."""
        return cls(**params)


def _number(actual: object, where: str) -> float:
    if isinstance(actual, bool) or not isinstance(actual, int | float | np.number):
        msg = f"expected a number, got {actual!r}"
        raise DataError(where, msg)
    try:
        value = float(actual)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise DataError(where, f"expected a finite number, got {actual!r}")
    return value
