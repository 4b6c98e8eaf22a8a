"""Scoring, deduction and aggregation rules: frozen values that say how a node scores.

A rule plays one of three roles in a tree:

``score``
    A leaf with full points is scored from its actual (:class:`Proportional`,
    :class:`Bands`, :class:`PerPoint`, :class:`Goalposts`, …).
``aggregate``
    A node is scored from its children and findings (:class:`Sum`,
    :class:`Deduct`, :class:`Mean`, :class:`WeakestLink`, :class:`GradeTable`).
``penalty``
    An *item* under a :class:`Deduct` node, with a target but no points of its
    own, takes points off its parent when it falls short (:class:`PerUnmet`,
    :class:`Shortfall`).

Every rule is a frozen value, usable in a scheme file through
:func:`rule_from_dict` / :func:`rule_to_dict`, and computes through a pure numpy
kernel in :mod:`perfkpi._kernels`, so one entity and a million score alike.
See :doc:`/rules` for each rule's source and a table from published phrases
("扣完为止", "按比例计分", …) to rules.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
import math
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal, Protocol

import attrs
import numpy as np

from perfkpi import _checks, _kernels, _phrases
from perfkpi.errors import (
    AmbiguousValueError,
    AmbiguousValueWarning,
    DataError,
    PerfKPIError,
    RuleError,
)
from perfkpi.rounding import MAX_PLACES
from perfkpi.targets import (
    Comparator,
    Target,
    format_number,
    format_target,
    parse_quantity,
    parse_target,
)

__all__ = [
    "RULE_KINDS",
    "VALUE_KINDS",
    "AllOrNothing",
    "Band",
    "Bands",
    "Categorical",
    "Checklist",
    "Columns",
    "Deadline",
    "Deduct",
    "Distance",
    "Equal",
    "Goalposts",
    "Grade",
    "GradeTable",
    "LowerLinear",
    "Mean",
    "PerBlock",
    "PerPoint",
    "PerUnmet",
    "Proportional",
    "Qualitative",
    "Rule",
    "Shortfall",
    "Sum",
    "ValueKind",
    "WeakestLink",
    "infer_rule",
    "rule_from_dict",
    "rule_to_dict",
    "value_kind",
    "value_kind_table",
]

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

ValueKind = Literal["positive", "signed", "date", "rank", "label", "relative"]
"""What a target measures, as far as scoring is concerned (see :func:`value_kind`)."""

VALUE_KINDS: tuple[ValueKind, ...] = (
    "positive",
    "signed",
    "date",
    "rank",
    "label",
    "relative",
)
"""Every value kind, in the order of the documentation's table."""

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


# -- leaf scoring -------------------------------------------------------------


@attrs.frozen
class Proportional(RuleBase):
    """Proportional scoring capped at full points (按比例计分，满分为止).

    Notes
    -----
    With full points *w*, target *A* and actual *B*:

    - higher is better (``≥``): ``w`` if ``B ≥ A``, else ``w·B/A``;
    - lower is better (``≤``): ``w`` if ``B ≤ A``, else ``w·A/B``.

    References
    ----------
    财预〔2020〕10号 项目支出绩效评价管理办法, 单位自评 (higher is better, text and
    the ministry's code); the lower-is-better form as published self-evaluation
    forms apply it.

    Examples
    --------
    The seed's 预算资金支出率: 10 points, target ≥100 %, actual 99.8 %:
    10 × 99.8 / 100 = 9.98.

    >>> from perfkpi import Node, Proportional, Scheme, evaluate
    >>> scheme = Scheme.from_nodes(
    ...     "demo", "demo", [Node("1", "预算资金支出率", points=10,
    ...     target="≥100%", rule=Proportional())], points=10)
    >>> evaluate(scheme, {"1": 99.8}).total
    9.98
    """

    kind: ClassVar[str] = "proportional"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"positive", "relative"})

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        yield from _ratio_sided(self.kind, node)

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "按比例计分，满分为止"
        return "proportional, capped at full points"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``points × min(attainment, 1)``; a met target scores full points.

        A met lower-is-better target scores full points even when the actual is
        zero or negative (``A/B`` would not be a share of anything).
        """
        ratio = _kernels.proportional(values, cols.reference, cols.points, cols.higher)
        out: np.ndarray = np.where(cols.met, cols.points, ratio)
        return out


@attrs.frozen
class LowerLinear(RuleBase):
    """Lower is better, falling linearly to zero at twice the target.

    Notes
    -----
    ``w`` if ``B ≤ A``; ``w·(1 − (B − A)/A)`` if ``A < B < 2A``; ``0`` if
    ``B ≥ 2A``.  The target must be written ``≤A`` (or ``<A``).

    References
    ----------
    The finance ministry's project self-evaluation scoring code (反向指标).

    Examples
    --------
    Target ≤2 hours, actual 2.5 hours, 10 points: 10 × (1 − 0.5/2) = 7.5.

    >>> import numpy as np
    >>> from perfkpi.rules import Columns, LowerLinear
    >>> cols = Columns(np.array([10.0]), np.array([2.0]), np.array([False]),
    ...                np.array([[False]]))
    >>> LowerLinear().score(np.array([[2.5]]), cols)
    array([[7.5]])
    """

    kind: ClassVar[str] = "lower-linear"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"positive", "relative"})

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "反向指标：超出目标按比例扣分，达到目标两倍不得分"
        return "lower is better, linear to zero at twice the target"

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        if node.target is not None and node.target.comparator not in (
            Comparator.LE,
            Comparator.LT,
        ):
            yield f"rule 'lower-linear' needs a '≤' target, not {node.target}"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score the linear fall from the target to twice the target."""
        return _kernels.lower_linear(values, cols.reference, cols.points)


@attrs.frozen
class AllOrNothing(RuleBase):
    """Full points when the target is met, none otherwise (达成得满分，否则不得分).

    Examples
    --------
    A qualitative ``是`` target: ``是`` scores full points, ``否`` scores 0.
    """

    kind: ClassVar[str] = "all-or-nothing"
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(VALUE_KINDS)
    actual_text: ClassVar[str] = "whatever the target reads"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            "达成得满分，未达成不得分" if lang == "zh" else "full points if met, else 0"
        )

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Score ``points`` where met, else 0."""
        out: np.ndarray = np.where(cols.met, cols.points, 0.0)
        return out


@attrs.frozen
class Equal(RuleBase):
    """An equality target: full points when the actual equals it.

    Notes
    -----
    With target ``=0`` the ministry's code gives full points for any ``B ≤ 0``
    (nothing happened that should not have); for other values equality is
    all-or-nothing.

    References
    ----------
    The finance ministry's project self-evaluation scoring code (``=`` 指标).
    """

    kind: ClassVar[str] = "equal"
    actual_text: ClassVar[str] = "whatever the target reads"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            "等于目标值得满分"
            if lang == "zh"
            else "full points when equal to the target"
        )

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        if node.target is not None and node.target.comparator is not Comparator.EQ:
            yield f"rule 'equal' needs an '=' target, not {node.target}"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``points`` where equal (or ``≤ 0`` for a zero target)."""
        zero = cols.reference == 0
        ok = np.where(zero, values <= 0, cols.met)
        out: np.ndarray = np.where(ok, cols.points, 0.0)
        return np.where(np.isnan(values), np.nan, out)


@attrs.frozen
class PerPoint(RuleBase):
    """Deduct per percentage point (or unit) past a line, floored at zero.

    "≤100%计满分；每超过一个百分点扣0.5分，扣完为止".  The line is the node's
    target: a ``≤`` target deducts for going over it, a ``≥`` target for falling
    under it.  Part of a step counts in proportion (100.5 % loses 0.25).

    Parameters
    ----------
    per
        Points deducted per *step*.
    step
        The size of a step, in the target's unit (1 percentage point by default).

    Raises
    ------
    RuleError
        If *per* is not a finite number >= 0, or *step* not one > 0.

    Notes
    -----
    ``score = max(w − per · excess / step, 0)``, ``excess`` being how far the
    actual is past the line.

    References
    ----------
    岳阳市 部门整体支出评分表: 财政供养人员控制率, 三公经费变动率, 三公经费控制率.

    Examples
    --------
    5 points, ≤100 %, 0.5 per point over: 103 % loses 1.5, scoring 3.5.
    """

    per: float = attrs.field(validator=_non_negative)
    step: float = attrs.field(default=1.0, validator=_positive)

    kind: ClassVar[str] = "per-point"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(
        {"positive", "signed", "rank", "relative"}
    )

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        per, step = format_number(self.per), format_number(self.step)
        if lang == "zh":
            return f"每偏离{step}个单位扣{per}分，扣完为止"
        return f"{per} points off per {step} past the target, floored at zero"

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        yield from _one_sided(self.kind, node)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``max(w − per · excess / step, 0)``."""
        excess = _kernels.excess(values, cols.reference, cols.higher)
        return _kernels.per_step(excess, cols.points, self.per, self.step, whole=False)


@attrs.frozen
class PerBlock(RuleBase):
    """Deduct per whole block past a line, floored at zero.

    "100%计满分，每低于5%扣2分，扣完为止": only whole blocks count, so 99.27 %
    loses nothing and 94.9 % loses 2.

    Parameters
    ----------
    per
        Points deducted per whole block.
    block
        The size of a block, in the target's unit.

    Raises
    ------
    RuleError
        If *per* is not a finite number >= 0, or *block* not one > 0.

    Notes
    -----
    ``score = max(w − per · ⌊excess / block⌋, 0)``.

    References
    ----------
    Published departmental schemes (预算执行率 "每低于5%扣2分").
    """

    per: float = attrs.field(validator=_non_negative)
    block: float = attrs.field(validator=_positive)

    kind: ClassVar[str] = "per-block"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(
        {"positive", "signed", "rank", "relative"}
    )

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        per, block = format_number(self.per), format_number(self.block)
        if lang == "zh":
            return f"每偏离{block}扣{per}分（整段计），扣完为止"
        return f"{per} points off per whole {block} past the target, floored at zero"

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        yield from _one_sided(self.kind, node)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``max(w − per · ⌊excess / block⌋, 0)``."""
        excess = _kernels.excess(values, cols.reference, cols.higher)
        return _kernels.per_step(excess, cols.points, self.per, self.block, whole=True)


def _one_sided(kind: str, node: _Node) -> Iterator[str]:
    if node.target is not None and node.target.comparator in (
        Comparator.RANGE,
        Comparator.EQ,
    ):
        yield f"rule {kind!r} needs a one-sided target (≥ or ≤), not {node.target}"


def _ratio_sided(kind: str, node: _Node) -> Iterator[str]:
    target = node.target
    if target is None or value_kind(target) != "positive":
        return
    if target.comparator is Comparator.EQ:
        yield (
            f"rule {kind!r} takes a ratio to a one-sided target (≥ or ≤), not "
            f"{target}: use 'equal' or 'distance' for an '=' target"
        )
    elif target.comparator is Comparator.RANGE:
        yield (
            f"rule {kind!r} takes a ratio to a one-sided target (≥ or ≤), not the "
            f"range {target}: use 'all-or-nothing' or 'bands'"
        )


def _to_target(value: Target | str) -> Target:
    given: object = value  # callers without mypy may pass anything
    if isinstance(given, Target):
        return given
    if not isinstance(given, str):
        msg = f"a band's condition must be a target or its text (got {given!r:.60})"
        raise RuleError(msg)
    try:
        return parse_target(given)
    except PerfKPIError as exc:
        msg = f"band condition: {exc}"
        raise RuleError(msg) from None


@attrs.frozen
class Band:
    """One band of a :class:`Bands` rule: a condition and the points it gives.

    Parameters
    ----------
    when
        The condition, as a :class:`~perfkpi.targets.Target` or its text
        (``(0%,10%]``).
    score
        The points the band gives.

    Raises
    ------
    RuleError
        If *when* is neither a target nor text that parses as one, or *score*
        is not a finite number >= 0.
    """

    when: Target = attrs.field(converter=_to_target)
    score: float = attrs.field(validator=_non_negative)


def _bands(values: Iterable[Band | Mapping[str, Any]]) -> tuple[Band, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | Mapping) or not isinstance(given, Iterable):
        msg = f"'bands' must be a list of bands (got {given!r:.60})"
        raise RuleError(msg)
    out = []
    for value in given:
        if isinstance(value, Band):
            out.append(value)
        elif isinstance(value, Mapping) and set(value) == {"when", "score"}:
            out.append(Band(value["when"], value["score"]))
        else:
            msg = f"a band is {{when = '…', score = …}}, got {value!r}"
            raise RuleError(msg)
    if not out:
        msg = "rule 'bands' needs at least one band"
        raise RuleError(msg)
    return tuple(out)


def _places(_: object, __: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_PLACES
    ):
        msg = f"'places' must be a whole number from 0 to {MAX_PLACES} (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Bands(RuleBase):
    """Stepped bands with declared inclusive ends: the first band that holds scores.

    "0 → 8分；0–10%(含) → 6分；10–20%(含) → 4分；20–30%(含) → 2分；大于30%不得分".
    Each band's condition is a target (``=0%``, ``(0%,10%]``, ``>30%``); the
    first one the actual meets gives the points.

    Parameters
    ----------
    bands
        The bands, tried in order.
    otherwise
        The points when no band holds (0 by default).
    places
        Round the actual to this many decimals (half-up) before banding, for
        tables with gaps such as "70–90 %, 50–69.99 %".

    Raises
    ------
    RuleError
        If *bands* is not a non-empty list of :class:`Band` (or tables with
        ``when`` and ``score``), *otherwise* is not a finite number >= 0, or
        *places* is not a whole number from 0 to 10.

    References
    ----------
    岳阳市 部门整体支出评分表 (预算调整率, 重点支出安排率); point tables of
    international scorecards (5 for > 90 %, 4 for 70–90 %, …).
    """

    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    otherwise: float = attrs.field(default=0.0, validator=_non_negative)
    places: int | None = attrs.field(default=None, validator=_places)

    kind: ClassVar[str] = "bands"
    actual_text: ClassVar[str] = (
        "a value in the bands' unit (number, date, rank, label)"
    )
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        zh = lang == "zh"
        parts = [
            f"{format_target(b.when, 'zh')}得{format_number(b.score)}分"
            if zh
            else f"{_phrases.target(b.when, 'en')}: {format_number(b.score)}"
            for b in self.bands
        ]
        rest = format_number(self.otherwise)
        if zh:
            other = f"其余得{rest}分" if self.otherwise else "其余不得分"
            return "分段计分：" + "；".join([*parts, other])
        return "stepped bands: " + "; ".join([*parts, f"otherwise {rest}"])

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        units = {b.when.unit for b in self.bands}
        if len(units) > 1:
            yield "the bands of one rule must share a unit"
        for band in self.bands:
            if node.points is not None and band.score > node.points:
                yield (
                    f"band {band.when} gives {format_number(band.score)}, "
                    f"more than the node's {format_number(node.points)} points"
                )

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Read the actual against the bands' unit (the first band's target)."""
        return _read_against(self.bands[0].when, actual, where)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Score the first band that holds."""
        if self.places is not None:
            from perfkpi.rounding import RoundingMode, round_array  # noqa: PLC0415

            values = round_array(values, self.places, RoundingMode.HALF_UP)
        out = np.full(values.shape, float(self.otherwise))
        decided = np.zeros(values.shape, dtype=bool)
        for band in self.bands:
            hit = band.when.met(values) & ~decided
            out[hit] = band.score
            decided |= hit
        result: np.ndarray = np.where(np.isnan(values), np.nan, out)
        return result

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "bands": [{"when": str(b.when), "score": b.score} for b in self.bands],
        }
        if self.otherwise:
            out["otherwise"] = self.otherwise
        if self.places is not None:
            out["places"] = self.places
        return out


def _score_table(values: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(values, Mapping) or not values:
        msg = f"'scores' must be a non-empty table of label = points (got {values!r})"
        raise RuleError(msg)
    table: dict[str, float] = {}
    for label, points in values.items():
        if isinstance(points, bool) or not isinstance(points, int | float):
            msg = f"points for {label!r} must be a number (got {points!r})"
            raise RuleError(msg)
        if not _is_finite(points) or points < 0:
            msg = f"points for {label!r} must be >= 0 (got {points!r})"
            raise RuleError(msg)
        table[unicodedata.normalize("NFKC", str(label)).strip()] = float(points)
    return table


@attrs.frozen
class Categorical(RuleBase):
    """Points looked up by the actual's category.

    "无结余3分；有结余但不超过上年结转2分；超过不得分".

    Parameters
    ----------
    scores
        Points for each category label.

    Raises
    ------
    RuleError
        If *scores* is not a non-empty table of labels to finite numbers >= 0.

    References
    ----------
    岳阳市 部门整体支出评分表 (资金结余).
    """

    scores: Mapping[str, float] = attrs.field(converter=_score_table, hash=False)

    kind: ClassVar[str] = "categorical"
    actual_text: ClassVar[str] = "a category label"
    role: ClassVar[Role] = "score"

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.scores.items())))

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            parts = [f"{k}得{format_number(v)}分" for k, v in self.scores.items()]
            return "按类别计分：" + "；".join(parts)
        parts = [f"{k}: {format_number(v)}" for k, v in self.scores.items()]
        return "by category: " + "; ".join(parts)

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        for label, points in self.scores.items():
            if node.points is not None and points > node.points:
                yield f"category {label!r} gives more than the node's points"

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Return the index of the actual's category."""
        label = unicodedata.normalize("NFKC", str(actual)).strip()
        labels = list(self.scores)
        if not isinstance(actual, str) or label not in labels:
            expected = " / ".join(labels)
            raise DataError(where, f"expected one of {expected}, got {actual!r}")
        return float(labels.index(label))

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Look up each category's points."""
        table = np.array([*self.scores.values(), np.nan])
        index = np.where(np.isnan(values), len(self.scores), values).astype(np.intp)
        out: np.ndarray = table[index]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        return {"kind": self.kind, "scores": dict(self.scores)}


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | Mapping) or not isinstance(given, Iterable):
        msg = f"'items' must be a list of names (got {given!r:.60})"
        raise RuleError(msg)
    return tuple(unicodedata.normalize("NFKC", str(v)).strip() for v in given)


@attrs.frozen
class Checklist(RuleBase):
    """An additive checklist: points for each item present, up to full points.

    Parameters
    ----------
    per
        Points per item present.
    items
        The items, when the actual lists names; an actual may also be a count.

    Raises
    ------
    RuleError
        If *per* is not a finite number >= 0 or *items* is not a list.

    References
    ----------
    岳阳市 部门整体支出评分表 (管理制度健全性: 1 point for each of 3 items).
    """

    per: float = attrs.field(default=1.0, validator=_non_negative)
    items: tuple[str, ...] = attrs.field(default=(), converter=_labels)

    kind: ClassVar[str] = "checklist"
    actual_text: ClassVar[str] = "a list of item names, or a count"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        per = format_number(self.per)
        return (
            f"每具备一项得{per}分" if lang == "zh" else f"{per} points per item present"
        )

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Count the items present (a list of names, or a count)."""
        if isinstance(actual, list | tuple):
            names = [unicodedata.normalize("NFKC", str(a)).strip() for a in actual]
            unknown = [n for n in names if self.items and n not in self.items]
            if unknown:
                msg = f"unknown checklist items {unknown}; expected {list(self.items)}"
                raise DataError(where, msg)
            return float(len(set(names)))
        count = _number(actual, where)
        if count < 0 or count != int(count):
            raise DataError(where, f"expected a whole count >= 0, got {actual!r}")
        if self.items and count > len(self.items):
            msg = f"count {actual!r} exceeds the {len(self.items)} items"
            raise DataError(where, msg)
        return count

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``min(per · count, points)``."""
        out: np.ndarray = np.minimum(self.per * values, cols.points)
        return out


_TIERS: tuple[tuple[tuple[str, ...], float, float, bool], ...] = (
    (("达成年度指标",), 0.8, 1.0, True),
    (("部分达成年度指标并具有一定效果", "部分达成年度指标"), 0.6, 0.8, False),
    (("未达成年度指标且效果较差", "未达成年度指标"), 0.0, 0.6, False),
)


@attrs.frozen
class Qualitative(RuleBase):
    """A qualitative indicator: the evaluator picks a score inside a tier's band.

    达成年度指标 ``[0.8w, w]``; 部分达成年度指标并具有一定效果 ``[0.6w, 0.8w)``;
    未达成年度指标且效果较差 ``[0, 0.6w)``.  The actual is a table
    ``{tier = "…", score = …}``; the score is checked against the tier's band.
    A bare score is accepted and its tier is the band it falls in.

    References
    ----------
    财预〔2020〕10号 项目支出绩效评价管理办法 (定性指标), and the ministry's code.
    """

    kind: ClassVar[str] = "qualitative"
    actual_text: ClassVar[str] = "{tier, score}, or a score"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "定性指标：按达成程度在相应分档内评分"
        return "qualitative: a score chosen inside the tier's band"

    def read(self, actual: object, node: _Node, where: str) -> float:
        """Check the chosen score against its tier and return it."""
        points = node.points or 0.0
        if isinstance(actual, Mapping):
            if set(actual) != {"tier", "score"}:
                msg = f"expected {{tier = …, score = …}}, got {dict(actual)!r}"
                raise DataError(where, msg)
            tier = unicodedata.normalize("NFKC", str(actual["tier"])).strip()
            score = _number(actual["score"], where)
            for names, lo, hi, closed in _TIERS:
                name = names[0]
                if tier in names:
                    # the band in decimal, so that 0.8 × 0.1 is 0.08 exactly
                    w = decimal.Decimal(repr(points))
                    low = float(decimal.Decimal(repr(lo)) * w)
                    high = float(decimal.Decimal(repr(hi)) * w)
                    inside = low <= score <= high if closed else low <= score < high
                    if not inside:
                        bracket = "]" if closed else ")"
                        msg = (
                            f"score {format_number(score)} is outside {name}'s band "
                            f"[{format_number(low)}, {format_number(high)}{bracket}"
                        )
                        raise DataError(where, msg)
                    return score
            known = " / ".join(t[0][0] for t in _TIERS)
            raise DataError(where, f"unknown tier {tier!r}; expected {known}")
        score = _number(actual, where)
        if not 0 <= score <= points:
            msg = (
                f"score {format_number(score)} is outside [0, {format_number(points)}]"
            )
            raise DataError(where, msg)
        return score

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the chosen scores, within ``[0, points]``."""
        out: np.ndarray = np.clip(values, 0.0, cols.points)
        return out


def _check_goalposts(instance: Goalposts, _: object, __: object) -> None:
    if instance.min == instance.max:
        msg = "goalposts 'min' and 'max' must differ"
        raise RuleError(msg)
    if instance.log and (instance.min <= 0 or instance.max <= 0):
        msg = "log goalposts need 'min' and 'max' > 0"
        raise RuleError(msg)


@attrs.frozen
class Goalposts(RuleBase):
    """Goalpost normalisation: ``(x − min)/(max − min)``, capped to ``[0, 1]``.

    Parameters
    ----------
    min, max
        The goalposts, in the actual's unit; ``max < min`` for a
        lower-is-better input.
    log
        Take natural logarithms of the actual and the goalposts first (income
        indices).

    Raises
    ------
    RuleError
        If *min* or *max* is not a finite number, they are equal, *log* is not
        true or false, or *log* is true and a goalpost is not above zero.

    Notes
    -----
    ``score = w · clip((f(x) − f(min)) / (f(max) − f(min)), 0, 1)`` with ``f``
    the identity or ``ln``.

    References
    ----------
    Composite indices with goalposts, such as UNDP's Human Development Index
    (technical notes: dimension index = (actual − minimum)/(maximum − minimum),
    log of income).
    """

    min: float = attrs.field(validator=_finite)
    max: float = attrs.field(validator=_finite)
    log: bool = attrs.field(default=False, validator=[_flag, _check_goalposts])

    kind: ClassVar[str] = "goalposts"
    actual_text: ClassVar[str] = "a number (in the target's unit when there is one)"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        lo, hi = format_number(self.min), format_number(self.max)
        f = "ln " if self.log else ""
        return f"({f}x − {f}{lo}) / ({f}{hi} − {f}{lo})" + (
            "，封顶" if lang == "zh" else ", capped"
        )

    def read(self, actual: object, node: _Node, where: str) -> float:
        """Read the actual; a log transform needs it positive."""
        value = super().read(actual, node, where)
        if self.log and value <= 0:
            raise DataError(
                where, f"a log goalpost needs an actual > 0, got {actual!r}"
            )
        return value

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score the capped, normalised distance between the goalposts."""
        return _kernels.goalposts(values, self.min, self.max, cols.points, log=self.log)


@attrs.frozen
class Distance(RuleBase):
    """Distance to target: full points at the target, less the farther away.

    Notes
    -----
    ``score = w · max(0, 1 − |B − A| / |A|)``; with ``A = 0`` only ``B = 0``
    scores.
    """

    kind: ClassVar[str] = "distance"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(
        {"positive", "signed", "relative"}
    )

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        if node.target is not None and node.target.comparator is Comparator.RANGE:
            yield (
                f"rule 'distance' measures from one value, not the range "
                f"{node.target}: use 'all-or-nothing' or 'bands'"
            )

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            "按偏离目标的程度计分" if lang == "zh" else "by relative distance to target"
        )

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``w · max(0, 1 − |B − A|/|A|)``."""
        return _kernels.distance(values, cols.reference, cols.points)


_EVERY = ("day", "working-day", "week", "month")
_EVERY_ZH = {"day": "天", "working-day": "个工作日", "week": "周", "month": "个月"}
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _every(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in _EVERY:
        msg = f"'every' must be one of {', '.join(_EVERY)} (got {value!r})"
        raise RuleError(msg)


def _days(ordinals: np.ndarray) -> np.ndarray:
    """Day ordinals (``date.toordinal()``) as ``datetime64[D]``."""
    out: np.ndarray = (ordinals - _EPOCH).astype("int64").astype("datetime64[D]")
    return out


def _months_late(done: np.ndarray, due: np.ndarray, *, whole: bool) -> np.ndarray:
    """Calendar months from *due* to *done* (both ``datetime64[D]``, done > due).

    A month runs to the same day of a later month, or that month's last day when
    it is shorter (31 January + 1 month = 28 February).  Started months count
    unless *whole*.
    """
    done_m, due_m = done.astype("datetime64[M]"), due.astype("datetime64[M]")
    months = done_m.astype("int64") - due_m.astype("int64")
    done_day = (done - done_m.astype("datetime64[D]")).astype("int64") + 1
    due_day = (due - due_m.astype("datetime64[D]")).astype("int64") + 1
    month_length = ((done_m + 1).astype("datetime64[D]") - done_m).astype("int64")
    anniversary = np.minimum(due_day, month_length)
    if whole:
        out: np.ndarray = months - (done_day < anniversary)
    else:
        out = months + (done_day > anniversary)
    return out


@attrs.frozen
class Deadline(RuleBase):
    """A deadline: full points when done on time, points off for lateness.

    "按期完成得满分，每逾期一天扣x分，扣完为止".  The target is a date written as a
    deadline (``2022年12月31日前``, ``≤2022-12-31``); the actual is the date the
    work was done.  Without *per*, lateness of any length scores 0
    (逾期不得分).

    Parameters
    ----------
    per
        Points off per *every* late; ``None`` (the default): 0 when late.
    every
        The period lateness is counted in: ``"day"`` (calendar days),
        ``"working-day"`` (Monday to Friday), ``"week"`` or ``"month"``
        (calendar months).
    whole
        Count only complete weeks or months (by default a started one counts,
        "不足一周按一周计").

    Raises
    ------
    RuleError
        If *per* is neither ``None`` nor a finite number >= 0, *every* is not
        one of its values, or *whole* is not true or false.

    Notes
    -----
    ``score = max(w − per · n, 0)`` with ``n`` the periods late; ``w`` when
    done on or before the deadline.  Working days are Monday to Friday: public
    holidays and the weekend days worked in their place (调休) are not known to
    perfkpi, so a scheme that counts them must give lateness in days itself.

    References
    ----------
    Published project evaluation schemes score timeliness (时效指标) as met / not
    met, or per day, week or month overdue, floored at zero.

    Examples
    --------
    10 points, due 2023年11月30日前, done 15 December: 15 days late at 0.5 a day
    loses 7.5.

    >>> from perfkpi import Node, Scheme, evaluate
    >>> import datetime as dt
    >>> scheme = Scheme.from_nodes("d", "d", [Node("1", "系统上线", points=10,
    ...     target="2023年11月30日前", rule=Deadline(per=0.5))], points=10)
    >>> evaluate(scheme, {"1": dt.date(2023, 12, 15)}).total
    2.5
    >>> evaluate(scheme, {"1": "2023年11月28日"}).total
    10.0
    """

    per: float | None = attrs.field(default=None, validator=_optional_points)
    every: Literal["day", "working-day", "week", "month"] = attrs.field(
        default="day", validator=_every
    )
    whole: bool = attrs.field(default=False, validator=_flag)

    kind: ClassVar[str] = "deadline"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"date"})
    actual_text: ClassVar[str] = "a date, or its text (2023年12月15日)"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if self.per is None:
            if lang == "zh":
                return "按期完成得满分，逾期不得分"
            return "full points if done by the deadline, else 0"
        per = format_number(self.per)
        if lang == "zh":
            return f"按期完成得满分，每逾期1{_EVERY_ZH[self.every]}扣{per}分，扣完为止"
        return f"{per} points off per {self.every} late, floored at zero"

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        target = node.target
        if (
            target is not None
            and target.kind == "date"
            and target.comparator is not Comparator.LE
        ):
            yield (
                f"rule 'deadline' needs a deadline (≤ a date, 'X日前'), not {target}"
            )

    def late(self, values: np.ndarray, due: np.ndarray) -> np.ndarray:
        """Return the periods late (0 when on time; NaN in, NaN out)."""
        nan = np.isnan(values)
        done_ord = np.where(nan, due, values)
        late_days = np.maximum(done_ord - due, 0.0)
        if self.every == "day":
            count = late_days
        elif self.every == "week":
            weeks = late_days / 7
            count = np.floor(weeks) if self.whole else np.ceil(weeks)
        else:
            done, deadline = _days(done_ord), _days(due * np.ones_like(done_ord))
            if self.every == "working-day":
                # working days after the deadline, up to and including the day done
                count = np.busday_count(deadline + 1, done + 1).astype(np.float64)
            else:
                count = _months_late(done, deadline, whole=self.whole).astype(float)
            count = np.where(late_days > 0, np.maximum(count, 0.0), 0.0)
        out: np.ndarray = np.where(nan, np.nan, count)
        return out

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score full points on time, ``max(w − per · periods late, 0)`` after."""
        points = cols.points * np.ones_like(values)
        if self.per is None:
            late_score = np.zeros_like(values)
        else:
            late = self.late(values, cols.reference * np.ones_like(values))
            late_score = np.maximum(points - self.per * late, 0.0)
        out: np.ndarray = np.where(cols.met, points, late_score)
        return np.where(np.isnan(values), np.nan, out)


# -- penalties on items ---------------------------------------------------------


@attrs.frozen
class PerUnmet(RuleBase):
    """An item that misses its target costs its parent fixed points.

    Parameters
    ----------
    points
        The points deducted when the target is not met.

    Raises
    ------
    RuleError
        If *points* is not a finite number >= 0.
    """

    points: float = attrs.field(default=1.0, validator=_non_negative)

    kind: ClassVar[str] = "per-unmet"
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset(VALUE_KINDS)
    actual_text: ClassVar[str] = "whatever the target reads"
    role: ClassVar[Role] = "penalty"
    needs_target: ClassVar[bool] = True

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.points)
        return f"未达成扣{n}分" if lang == "zh" else f"{n} points off when not met"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the penalty: ``points`` where not met."""
        out = _kernels.unmet_penalty(cols.met, self.points)
        result: np.ndarray = np.where(np.isnan(values), np.nan, out)
        return result


@attrs.frozen
class Shortfall(RuleBase):
    """An item costs its parent points in proportion to its shortfall (按比例扣分).

    Parameters
    ----------
    points
        The most points the item can cost.

    Raises
    ------
    RuleError
        If *points* is not a finite number >= 0.

    Notes
    -----
    With target *A* and actual *B*, higher is better:
    ``points × (1 − B/A)``, clipped to ``[0, points]``; lower is better:
    ``points × (1 − A/B)``.

    Examples
    --------
    The seed's 中小企业采购份额: 95 % of the required share, 1 point at stake:
    1 × (1 − 0.95) = 0.05.
    """

    points: float = attrs.field(validator=_non_negative)

    kind: ClassVar[str] = "shortfall"
    role: ClassVar[Role] = "penalty"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"positive", "relative"})

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        yield from _ratio_sided(self.kind, node)

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.points)
        if lang == "zh":
            return f"按比例扣分（最多{n}分）"
        return f"proportional deduction, at most {n}"

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the penalty ``points × (1 − attainment)``, clipped; 0 when met."""
        lost = _kernels.shortfall(values, cols.reference, self.points, cols.higher)
        out: np.ndarray = np.where(cols.met, 0.0, lost)
        return out


# -- aggregation ------------------------------------------------------------------

NAPolicy = Literal["reweight", "full"]


def _na_policy(_: object, __: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None and (
        not isinstance(value, str) or value not in ("reweight", "full")
    ):
        msg = f"'not_applicable' must be 'reweight' or 'full' (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Sum(RuleBase):
    """A node scores the sum of its children's scores.

    Its children's full points must add up to its own.

    Parameters
    ----------
    not_applicable
        What a not-applicable child does: ``"reweight"`` scales the applicable
        children's scores up to the node's points (按百分制折算), ``"full"``
        counts it at full points; ``None`` (the default) follows the scheme.

    Raises
    ------
    RuleError
        If *not_applicable* is not ``"reweight"``, ``"full"`` or ``None``.
    """

    not_applicable: NAPolicy | None = attrs.field(default=None, validator=_na_policy)

    kind: ClassVar[str] = "sum"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "下级指标得分之和" if lang == "zh" else "sum of the children's scores"


@attrs.frozen
class Deduct(RuleBase):
    """Start at full points and deduct, floored at zero (扣完为止).

    Deductions come from findings (每发现一项扣N分, each with its points and reason)
    and from the node's items: an item that misses its target costs
    *per_unmet* points unless it has a penalty rule of its own.

    Parameters
    ----------
    per_unmet
        Points deducted for each item whose target is not met.
    per_finding
        Points for a finding that does not state its own (每发现一项扣N分).

    Raises
    ------
    RuleError
        If *per_unmet* is not a finite number >= 0, or *per_finding* neither
        ``None`` nor one.

    Notes
    -----
    ``score = max(w − Σ findings − Σ penalties, 0)``.

    Examples
    --------
    The seed's 部门整体绩效指标完成情况: 40 points, four of its indicators missed,
    one point each: 40 − 4 = 36.
    """

    per_unmet: float = attrs.field(default=1.0, validator=_non_negative)
    per_finding: float | None = attrs.field(default=None, validator=_optional_points)

    kind: ClassVar[str] = "deduct"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        n = format_number(self.per_unmet)
        if lang == "zh":
            return f"每发现一项问题或每项未达成扣{n}分，扣完为止"
        return f"deduct per finding, {n} per unmet item, floored at zero"


def _mean_kind(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in ("arithmetic", "geometric"):
        msg = f"'mean' must be 'arithmetic' or 'geometric' (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Mean(RuleBase):
    """A weighted mean of the children's attainment, times the node's points.

    Each child's attainment is its score over its full points; the children's
    full points are the weights.  Children's points need not add up to the
    node's.

    Parameters
    ----------
    mean
        ``"arithmetic"`` or ``"geometric"``.

    Raises
    ------
    RuleError
        If *mean* is neither.

    Notes
    -----
    Arithmetic: ``w · Σ wᵢ·(sᵢ/wᵢ) / Σ wᵢ``; geometric:
    ``w · Π (sᵢ/wᵢ)^(wᵢ/Σ wᵢ)``.  Not-applicable children drop out and the
    weights of the rest are renormalised.

    References
    ----------
    Composite indices: UNDP's Human Development Index (geometric mean of the
    dimension indices since 2010).
    """

    mean: Literal["arithmetic", "geometric"] = attrs.field(
        default="arithmetic", validator=_mean_kind
    )

    kind: ClassVar[str] = "mean"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "下级指标加权" + (
                "几何平均" if self.mean == "geometric" else "算术平均"
            )
        return f"weighted {self.mean} mean of the children"


@attrs.frozen
class WeakestLink(RuleBase):
    """The weakest child's grade, with "+" when any other child is higher.

    Children are scored as ordinal ranks (see :data:`perfkpi.grades.PEFA`):
    A = 4, B = 3, C = 2, D = 1, a "+" adds a half.  Not-applicable children
    (NA, NR) are excluded.

    Notes
    -----
    ``rank = min(rᵢ) + ½ · [max(rᵢ) > min(rᵢ)]``, so C, C, A gives C+.

    References
    ----------
    PEFA 2016 framework, scoring method M1 (weakest link).
    """

    kind: ClassVar[str] = "weakest-link"
    role: ClassVar[Role] = "aggregate"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "最弱环节法" if lang == "zh" else "weakest link (M1)"


def _table(values: Mapping[str, str]) -> Mapping[str, str]:
    if not isinstance(values, Mapping) or not values:
        msg = f"'table' must be a non-empty table of grades = grade (got {values!r})"
        raise RuleError(msg)
    table: dict[str, str] = {}
    entries: Mapping[Any, object] = values
    for key, grade in entries.items():
        if not isinstance(key, str) or not isinstance(grade, str):
            msg = (
                '\'table\' maps grades such as "A,C" to a grade such as "B" '
                f"(got {key!r} = {grade!r})"
            )
            raise RuleError(msg)
        table[_multiset_key(key.split(","))] = grade.strip()
    return table


def _multiset_key(grades: Sequence[str]) -> str:
    return ",".join(sorted(g.strip() for g in grades))


@attrs.frozen
class GradeTable(RuleBase):
    """A published conversion table over the multiset of the children's grades.

    Parameters
    ----------
    table
        Maps the children's grades, comma-separated in any order (``"A,C,D"``),
        to the node's grade.  Missing combinations are an error at evaluation.

    Raises
    ------
    RuleError
        If *table* is not a non-empty table of text to text.

    References
    ----------
    PEFA 2016 framework, scoring method M2 (averaging), conversion table.
    """

    table: Mapping[str, str] = attrs.field(converter=_table, hash=False)

    kind: ClassVar[str] = "grade-table"
    role: ClassVar[Role] = "aggregate"

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.table.items()))))

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return "按换算表确定等级" if lang == "zh" else "conversion table (M2)"

    def lookup(self, grades: Sequence[str], where: str) -> str:
        """Return the grade for the children's *grades*."""
        key = _multiset_key(grades)
        try:
            return self.table[key]
        except KeyError:
            raise DataError(where, f"conversion table has no row for {key}") from None

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        return {"kind": self.kind, "table": dict(self.table)}


def _scale_name(_: object, __: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"'scale' must be the name of an ordinal scale (got {value!r:.60})"
        raise RuleError(msg)


@attrs.frozen
class Grade(RuleBase):
    """A leaf scored as an ordinal grade label (A, B+, …, D; D* counts as D).

    The actual is the grade; NA (not applicable) and NR (not rated) mark the
    node not applicable, so aggregations exclude it.

    Parameters
    ----------
    scale
        The name of the ordinal scale in :data:`perfkpi.grades.ORDINAL_SCALES`
        (an unknown name is a problem of the scheme that uses the rule).

    Raises
    ------
    RuleError
        If *scale* is not text.
    """

    scale: str = attrs.field(default="pefa", validator=_scale_name)

    kind: ClassVar[str] = "grade"
    actual_text: ClassVar[str] = "a grade label (A, B+, …, D, D*, NA, NR)"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        return (
            f"等级 ({self.scale})" if lang == "zh" else f"ordinal grade ({self.scale})"
        )

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        from perfkpi.grades import ORDINAL_SCALES  # noqa: PLC0415

        scale = ORDINAL_SCALES.get(self.scale)
        if scale is None:
            yield f"unknown ordinal scale {self.scale!r}"
        elif node.points != scale.top:
            yield f"an ordinal node's points must be its scale's top rank {scale.top:g}"

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Return the grade's rank, or NaN-for-N/A for NA and NR."""
        from perfkpi.grades import ORDINAL_SCALES  # noqa: PLC0415

        return ORDINAL_SCALES[self.scale].rank(actual, where)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Return the ranks."""
        return values


Rule = (
    Proportional
    | LowerLinear
    | AllOrNothing
    | Equal
    | PerPoint
    | PerBlock
    | Bands
    | Categorical
    | Checklist
    | Qualitative
    | Goalposts
    | Distance
    | Deadline
    | Grade
    | PerUnmet
    | Shortfall
    | Sum
    | Deduct
    | Mean
    | WeakestLink
    | GradeTable
)
"""Any rule perfkpi knows."""

RULE_KINDS: dict[str, type[RuleBase]] = {
    cls.kind: cls
    for cls in (
        Proportional,
        LowerLinear,
        AllOrNothing,
        Equal,
        PerPoint,
        PerBlock,
        Bands,
        Categorical,
        Checklist,
        Qualitative,
        Goalposts,
        Distance,
        Deadline,
        Grade,
        PerUnmet,
        Shortfall,
        Sum,
        Deduct,
        Mean,
        WeakestLink,
        GradeTable,
    )
}
"""Rule classes by the ``kind`` name used in scheme files."""


def infer_rule(target: Target | None) -> Rule:
    """Return the rule a leaf takes when its scheme does not name one.

    The rule follows what the target measures, never a ratio where a ratio has
    no meaning: a date is a :class:`Deadline` (late scores 0), a yes/no label
    :class:`AllOrNothing`, another label (or no target) :class:`Qualitative`,
    a rank or a range :class:`AllOrNothing`, an ``=`` target :class:`Equal`, a
    one-sided quantity above zero :class:`Proportional`, and a quantity whose
    target is zero or negative :class:`AllOrNothing`.

    Raises
    ------
    TypeError
        If *target* is neither a :class:`~perfkpi.targets.Target` nor ``None``.

    Examples
    --------
    >>> from perfkpi import parse_target
    >>> [infer_rule(parse_target(t)).kind for t in
    ...  ("≥95%", "2022年12月31日前", "是", "全市第一", "≤0%", "=0")]
    ['proportional', 'deadline', 'all-or-nothing', 'all-or-nothing', \
'all-or-nothing', 'equal']
    """
    if target is None:
        return Qualitative()
    kind = value_kind(target)
    if kind == "label":
        assert target.scale is not None  # noqa: S101 (a label has a scale)
        return AllOrNothing() if target.scale.name == "yes-no" else Qualitative()
    if kind == "date" and target.comparator is Comparator.LE:
        return Deadline()
    if target.comparator is Comparator.EQ and kind in ("positive", "signed"):
        return Equal()
    if kind == "positive" and target.comparator is not Comparator.RANGE:
        return Proportional()
    return AllOrNothing()


_TARGET_NOTES: dict[str, str] = {
    "bands": "its bands' conditions decide",
    "categorical": "not read: the actual is a category",
    "checklist": "not read: the actual lists items",
    "qualitative": "not read: the evaluator scores inside a tier",
    "goalposts": "gives the unit only: the goalposts decide",
    "grade": "not read: the actual is a grade",
}


def value_kind_table() -> str:
    """Return the table of the target kinds each scoring rule reads, as Markdown.

    One row per leaf or item rule, one column per :data:`VALUE_KINDS` entry:
    ``✓`` where the rule scores that kind of target, else the error a scheme
    gets and the rule it proposes.  The documentation's table is this
    function's output, checked by a test.
    """
    heads = {
        "positive": "quantity > 0",
        "signed": "quantity ≤ 0",
        "date": "date",
        "rank": "rank",
        "label": "label",
        "relative": "relative (较上年)",
    }
    lines = [
        "| rule | " + " | ".join(heads[k] for k in VALUE_KINDS) + " | actual |",
        "|---|" + "---|" * len(VALUE_KINDS) + "---|",
    ]
    for kind, cls in RULE_KINDS.items():
        if cls.role == "aggregate":
            continue
        note = _TARGET_NOTES.get(kind)
        cells = [
            "✓" if k in cls.target_kinds else f"✗ {_PROPOSE[k]}" for k in VALUE_KINDS
        ]
        if note is not None:
            cells = [
                f"any ({note})" if i == 0 else "any" if k in _ABSOLUTE else cells[i]
                for i, k in enumerate(VALUE_KINDS)
            ]
        lines.append(f"| `{kind}` | " + " | ".join(cells) + f" | {cls.actual_text} |")
    return "\n".join(lines) + "\n"


def rule_from_dict(spec: str | Mapping[str, Any]) -> Rule:
    """Build a rule from its file form: ``"proportional"`` or ``{"kind": ..., ...}``.

    Raises
    ------
    RuleError
        For an unknown kind or parameters the rule does not take.

    Examples
    --------
    >>> rule_from_dict({"kind": "per-point", "per": 0.5})
    PerPoint(per=0.5, step=1.0)
    >>> bands = rule_from_dict({"kind": "bands", "bands": [
    ...     {"when": "=0%", "score": 3}, {"when": "(0%,10%]", "score": 2}]})
    >>> rule_to_dict(bands)["bands"][1]
    {'when': '(0%,10%]', 'score': 2}
    """
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, Mapping):
        msg = f"a rule is a kind name or a table with 'kind', got {spec!r}"  # type: ignore[unreachable]
        raise RuleError(msg)
    params = dict(spec)
    kind = params.pop("kind", None)
    cls = RULE_KINDS.get(str(kind))
    if cls is None:
        known = ", ".join(sorted(RULE_KINDS))
        msg = f"unknown rule kind {kind!r}; expected one of {known}"
        raise RuleError(msg)
    names = {a.name for a in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(params) - names)
    if unknown:
        allowed = ", ".join(sorted(names)) or "no parameters"
        msg = f"rule {kind!r} takes {allowed}, not {', '.join(unknown)}"
        raise RuleError(msg)
    try:
        return cls.from_params(params)  # type: ignore[return-value]
    except RuleError:
        raise
    except (TypeError, ValueError) as exc:
        msg = f"rule {kind!r}: {exc.args[0] if exc.args else exc}"
        raise RuleError(msg) from None


def rule_to_dict(rule: Rule) -> str | dict[str, Any]:
    """Return the file form of *rule* (the inverse of :func:`rule_from_dict`).

    Raises
    ------
    TypeError
        If *rule* is not a rule.
    """
    return _checks.instance(rule, RuleBase, "the rule").to_dict()
