"""Indicators: reusable definitions, independent of any scheme.

An :class:`Indicator` says what is measured and how (name, unit, direction,
taxonomy class, formula, 指标解释, 指标值设定依据).  A scheme places it in a tree
with a :class:`~perfkpi.scheme.Node`, which adds the points, target and rule.

Examples
--------
>>> from perfkpi import Indicator
>>> rate = Indicator(
...     code="budget-execution-rate",
...     name="预算执行率",
...     unit="%",
...     formula="实际支出 / 预算数",
...     category=("产出", "时效"),
... )
>>> rate.name, rate.direction
('预算执行率', 'higher')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from perfkpi import _checks

__all__ = ["TARGET_BASES", "Indicator"]

TARGET_BASES = ("计划标准", "历史标准", "行业标准", "预算支出标准", "其他标准")
"""The recognised bases of a target value (指标值设定依据)."""


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return _checks.texts(values, "an indicator's category")


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    _checks.text(value, f"an indicator's {field.name}")


def _check_direction(_: object, __: attrs.Attribute[str], value: object) -> None:
    if value not in ("higher", "lower", "qualitative"):
        msg = (
            "an indicator's direction must be 'higher', 'lower' or 'qualitative' "
            f"(got {value!r:.60})"
        )
        raise ValueError(msg)


def _check_basis(_: object, field: attrs.Attribute[str], value: str) -> None:
    _text(_, field, value)
    if value and value not in TARGET_BASES:
        msg = f"basis must be one of {', '.join(TARGET_BASES)} (got {value!r})"
        raise ValueError(msg)


@attrs.frozen
class Indicator:
    """A performance indicator (绩效指标) as a reusable definition.

    Parameters
    ----------
    code
        A stable identifier, unique within a catalogue.
    name
        指标名称, verbatim.
    unit
        计量单位 symbol (``%``, ``件``, ``小时``), or empty for a qualitative one.
    direction
        ``"higher"`` (正向), ``"lower"`` (反向) or ``"qualitative"`` (定性).
    category
        The taxonomy path, e.g. ``("产出", "数量")``.
    formula
        计算公式 over named raw inputs, as text (``实际支出 / 预算数``).
    explanation
        指标解释: what it measures and how it is counted.
    basis
        指标值设定依据: one of :data:`TARGET_BASES`, or empty.

    Raises
    ------
    TypeError
        If *category* is not a list of text, or another field but *direction*
        is not text.
    ValueError
        If *direction* or *basis* is not one of its values.
    """

    code: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    unit: str = attrs.field(default="", validator=_text)
    direction: Literal["higher", "lower", "qualitative"] = attrs.field(
        default="higher", validator=_check_direction
    )
    category: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    formula: str = attrs.field(default="", validator=_text)
    explanation: str = attrs.field(default="", validator=_text)
    basis: str = attrs.field(default="", validator=_check_basis)
