"""Findings, entity data, and the ledger of deductions.

A :class:`Finding` is something an evaluator found wrong (扣分事项), with its
points, reason and category; it belongs to a node scored by
:class:`~perfkpi.rules.Deduct`.  An :class:`Item` is one of an entity's own
indicators under such a node (a department's 绩效指标 with its target and
actual).  :class:`Data` holds everything one entity brings to an evaluation.
A :class:`Deduction` is one line of the resulting ledger, with its reason.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypeVar

import attrs

from perfkpi._frozen import FrozenDict, deep_freeze
from perfkpi.errors import DataError
from perfkpi.targets import Target

__all__ = ["Adjustment", "Data", "Deduction", "Finding", "Item"]

T = TypeVar("T")


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _points(
    _: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is None and attribute.name == "points":
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{attribute.name!r} must be a number (got {value!r})"
        raise DataError("", msg)
    if not _finite(value) or value < 0:
        msg = f"{attribute.name!r} must be a finite number >= 0 (got {value!r})"
        raise DataError("", msg)


def _text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"{attribute.name!r} must be text (got {value!r})"
        raise DataError("", msg)


def _required_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    _text(_, attribute, value)
    if not str(value).strip():
        msg = f"{attribute.name!r} must not be empty"
        raise DataError("", msg)


@attrs.frozen
class Finding:
    """A problem found by an evaluator, and the points it costs.

    Parameters
    ----------
    node
        The code of the node (scored by ``deduct``) that loses the points.
    points
        Points deducted; ``>= 0``.  ``None`` takes the node's ``per_finding``
        (每发现一项扣N分).
    reason
        Why, in the words of the report.
    category
        A label that groups findings (``预算管理``, ``采购管理``).

    Raises
    ------
    DataError
        If *node* or *reason* is not text or is blank, *points* is not a
        finite number ``>= 0`` (or ``None``), or *category* is not text.
    """

    node: str = attrs.field(validator=_required_text)
    points: float | None = attrs.field(validator=_points)
    reason: str = attrs.field(validator=_required_text)
    category: str = attrs.field(default="", validator=_text)


def _reason(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = "an adjustment must carry a reason (偏离度说明)"
        raise DataError("", msg)


def _signed(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"{attribute.name!r} must be a number (got {value!r})"
        raise DataError("", msg)
    if not _finite(value):
        msg = f"{attribute.name!r} must be finite (got {value!r})"
        raise DataError("", msg)


@attrs.frozen
class Adjustment:
    """A manual change to a leaf's score, which must carry its reason.

    "对于因指标值设定过低导致的超额完成，可适度调减": the evaluator lowers (or
    raises) a computed score and says why.  The adjusted score stays within
    ``[0, points]``.

    Parameters
    ----------
    node
        The code of the scored leaf.
    points
        Points added (negative: taken off).
    reason
        Why; required.

    Raises
    ------
    DataError
        If *node* is not text or is blank, *points* is not a finite number,
        or *reason* is missing.
    """

    node: str = attrs.field(validator=_required_text)
    points: float = attrs.field(validator=_signed)
    reason: str = attrs.field(validator=_reason)


def _to_target(value: Target | str) -> Target:
    if isinstance(value, Target):
        return value
    # a bare number says neither ≥ nor ≤: the same rule as a node's target
    from perfkpi.scheme import target_for  # noqa: PLC0415 (scheme builds on this)

    return target_for(value)


@attrs.frozen
class Item:
    """One of an entity's own indicators, placed under a ``deduct`` node.

    Parameters
    ----------
    parent
        The code of the ``deduct`` node it counts towards.
    name
        指标名称.
    target
        指标值, as a :class:`~perfkpi.targets.Target` or its text.
    actual
        全年实际值: a number in the target's unit, a string with its own unit,
        or a label.
    code
        Its code; by default the parent's code with a running number.
    category
        A grouping label for reports.
    note
        Where the figures come from.

    Raises
    ------
    DataError
        If *parent* or *name* is not text or is blank, or *code*,
        *category* or *note* is not text.
    TargetSyntaxError, UnknownUnitError
        If *target* is text that does not parse.
    TypeError
        If *target* is neither a :class:`~perfkpi.targets.Target` nor text.
    """

    parent: str = attrs.field(validator=_required_text)
    name: str = attrs.field(validator=_required_text)
    target: Target = attrs.field(converter=_to_target)
    actual: object = attrs.field(converter=deep_freeze)
    code: str = attrs.field(default="", validator=_text)
    category: str = attrs.field(default="", validator=_text)
    note: str = attrs.field(default="", validator=_text)


def _freeze(mapping: Mapping[str, object], field: str) -> Mapping[str, object]:
    given: object = mapping  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"{field} must be a mapping by code or name (got {reprlib.repr(given)})"
        raise DataError(field, msg)
    frozen = deep_freeze(mapping)
    assert isinstance(frozen, FrozenDict)  # noqa: S101 (a mapping stays one)
    return frozen


def _actuals(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return _freeze(mapping, "actuals")


def _prior(mapping: Mapping[str, object]) -> Mapping[str, object]:
    return _freeze(mapping, "prior")


def _inputs(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return _freeze(mapping, "inputs")


def _entries(values: object, kind: type[T], field: str) -> tuple[T, ...]:
    """Return *values* as a tuple of *kind*, or say which entry is not one."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        msg = f"{field} must be a list of {kind.__name__} (got {reprlib.repr(values)})"
        raise DataError(field, msg)
    out = tuple(values)
    for i, value in enumerate(out):
        if not isinstance(value, kind):
            msg = f"expected a {kind.__name__} (got {reprlib.repr(value)})"
            raise DataError(f"{field}[{i}]", msg)
    return out


def _findings(values: Iterable[Finding]) -> tuple[Finding, ...]:
    return _entries(values, Finding, "findings")


def _items(values: Iterable[Item]) -> tuple[Item, ...]:
    return _entries(values, Item, "items")


def _adjustments(values: Iterable[Adjustment]) -> tuple[Adjustment, ...]:
    return _entries(values, Adjustment, "adjustments")


def _codes(values: Iterable[str]) -> tuple[str, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"not_applicable must be a list of node codes (got {reprlib.repr(given)})"
        raise DataError("not_applicable", msg)
    out = tuple(values)
    for code in out:
        if not isinstance(code, str):
            msg = f"not_applicable holds node codes as text (got {code!r})"  # type: ignore[unreachable]
            raise DataError("not_applicable", msg)
    return out


@attrs.frozen
class Data:
    """What one entity brings to an evaluation.

    Parameters
    ----------
    actuals
        Actual values by node code.
    findings
        Findings, each naming its node.
    items
        The entity's own indicators under ``deduct`` nodes.
    not_applicable
        Codes of the nodes that do not apply to this entity.
    adjustments
        Manual adjustments of leaf scores, each with its reason.
    inputs
        Raw inputs for formula indicators, by name (or by node code, then name).
    entity
        Who is evaluated (``广州互联网法院``).
    period
        The period evaluated (``2022``).
    prior
        Prior-year values (上年) by node code: a number or text with its unit
        (``"80%"``), read by the node's relative target (``较上年提高5%``),
        which resolves to an absolute target for this entity
        (:meth:`perfkpi.targets.Target.resolve`).

    Raises
    ------
    DataError
        Naming the field: *actuals*, *inputs* or *prior* that is not a mapping,
        *findings*, *items* or *adjustments* that is not a list of
        :class:`Finding`, :class:`Item` or :class:`Adjustment`,
        *not_applicable* that is not a list of codes, or an *entity* or
        *period* that is not text.
    """

    actuals: Mapping[str, object] = attrs.field(
        factory=dict, converter=_actuals, hash=False
    )
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)
    items: tuple[Item, ...] = attrs.field(default=(), converter=_items)
    not_applicable: tuple[str, ...] = attrs.field(default=(), converter=_codes)
    adjustments: tuple[Adjustment, ...] = attrs.field(
        default=(), converter=_adjustments
    )
    inputs: Mapping[str, Any] = attrs.field(factory=dict, converter=_inputs, hash=False)
    entity: str = attrs.field(default="", validator=_text)
    period: str = attrs.field(default="", validator=_text)
    prior: Mapping[str, object] = attrs.field(
        factory=dict, converter=_prior, hash=False
    )

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Data:
        """Build data from its plain form.

        Either the file form ``{"actuals": {...}, "findings": [...],
        "items": [...], "not_applicable": [...], "adjustments": [...],
        "inputs": {...}, "prior": {...}, "entity": ..., "period": ...}`` or a
        plain mapping of node code to actual value.  The prior-year table may
        also be called ``上年``.

        Raises
        ------
        DataError
            Naming the place of every malformed entry.
        """
        keys = {
            "actuals",
            "findings",
            "items",
            "not_applicable",
            "adjustments",
            "inputs",
            "entity",
            "period",
            "prior",
            "上年",
        }
        if not (set(raw) & (keys - {"entity", "period"})):
            return cls(actuals=raw)
        unknown = sorted(set(raw) - keys)
        if unknown:
            msg = (
                f"unknown keys {', '.join(map(repr, unknown))}; expected {sorted(keys)}"
            )
            raise DataError("data", msg)
        actuals = raw.get("actuals", {})
        if not isinstance(actuals, Mapping):
            raise DataError(
                "actuals", f"expected a table of code = value, got {actuals!r}"
            )
        for key in ("findings", "items", "adjustments", "not_applicable"):
            if not isinstance(raw.get(key, []), list | tuple):
                msg = f"expected a list, got {raw[key]!r}"
                raise DataError(key, msg)
        findings = [
            _build(Finding, _with_points(entry), f"findings[{i}]")
            for i, entry in enumerate(raw.get("findings", []))
        ]
        items = [
            _build(Item, entry, f"items[{i}]")
            for i, entry in enumerate(raw.get("items", []))
        ]
        adjustments = [
            _build(Adjustment, entry, f"adjustments[{i}]")
            for i, entry in enumerate(raw.get("adjustments", []))
        ]
        inputs = raw.get("inputs", {})
        if not isinstance(inputs, Mapping):
            raise DataError(
                "inputs", f"expected a table of name = value, got {inputs!r}"
            )
        if "prior" in raw and "上年" in raw:
            raise DataError("prior", "give the prior-year table once, as 'prior'")
        prior = raw.get("prior", raw.get("上年", {}))
        if not isinstance(prior, Mapping):
            raise DataError(
                "prior", f"expected a table of code = prior-year value, got {prior!r}"
            )
        return cls(
            actuals=actuals,
            findings=findings,
            items=items,
            not_applicable=raw.get("not_applicable", ()),
            adjustments=adjustments,
            inputs=inputs,
            entity=str(raw.get("entity", "")),
            period=str(raw.get("period", "")),
            prior=prior,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the plain file form (the inverse of :meth:`from_dict`)."""
        return {
            "entity": self.entity,
            "period": self.period,
            "actuals": dict(self.actuals),
            "findings": [attrs.asdict(f) for f in self.findings],
            "not_applicable": list(self.not_applicable),
            "adjustments": [attrs.asdict(a) for a in self.adjustments],
            "inputs": dict(self.inputs),
            "prior": dict(self.prior),
            "items": [
                {**attrs.asdict(i, recurse=False), "target": str(i.target)}
                for i in self.items
            ],
        }


def _with_points(entry: object) -> object:
    """Let a finding in a file leave out its points (the node's per_finding)."""
    if isinstance(entry, Mapping) and "points" not in entry:
        return {**entry, "points": None}
    return entry


def _build(cls: type[T], entry: object, where: str) -> T:
    if not isinstance(entry, Mapping):
        raise DataError(where, f"expected a table, got {entry!r}")
    names = {a.name for a in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(entry) - names)
    if unknown:
        msg = f"unknown keys {', '.join(map(repr, unknown))}; expected {sorted(names)}"
        raise DataError(where, msg)
    try:
        return cls(**entry)
    except DataError as exc:
        raise DataError(where, exc.problem) from None
    except (TypeError, ValueError) as exc:
        raise DataError(where, str(exc)) from None


@attrs.frozen
class Deduction:
    """One line of the ledger: points taken off a node, and why.

    Parameters
    ----------
    node
        The code of the node that lost the points.
    points
        The points deducted, rounded as the scheme reports them.
    reason
        Why: a finding's reason, or a sentence built from the target and actual.
    category
        The grouping label.
    kind
        ``"finding"``, ``"unmet"``, ``"shortfall"``, ``"proportional"``,
        ``"rule"`` (any other scoring rule below full points) or
        ``"adjustment"`` (negative when the adjustment added points).
    source
        The item or leaf the deduction comes from, when it is not a finding.
    name, target, actual
        For a computed deduction: the indicator's name, its target and the
        actual, as reported.
    """

    node: str
    points: float
    reason: str
    category: str = ""
    kind: Literal[
        "finding", "unmet", "shortfall", "proportional", "rule", "adjustment"
    ] = "finding"
    source: str = ""
    name: str = ""
    target: str = ""
    actual: str = ""
