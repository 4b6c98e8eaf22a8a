"""Leaf rules that score a number against its target along a line or a threshold.

:class:`Proportional`, :class:`LowerLinear`, :class:`AllOrNothing`,
:class:`Equal`, :class:`PerPoint`, :class:`PerBlock`, :class:`Goalposts` and
:class:`Distance`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import attrs
import numpy as np

from perfkpi import _kernels
from perfkpi.errors import DataError, RuleError
from perfkpi.rules._base import (
    VALUE_KINDS,
    Columns,
    Role,
    RuleBase,
    ValueKind,
    _finite,
    _flag,
    _Node,
    _non_negative,
    _positive,
    value_kind,
)
from perfkpi.targets import Comparator, format_number

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
        return _kernels.full_where_met(cols.met, cols.points, ratio)


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
        return _kernels.points_where(cols.met, cols.points)


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
