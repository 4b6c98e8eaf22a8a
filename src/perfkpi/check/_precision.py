"""The precision of written figures: the values a rounded figure stands for."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from perfkpi.check._figures import Figure
from perfkpi.rounding import RoundingMode
from perfkpi.scheme import Node
from perfkpi.targets import format_number
from perfkpi.units import Unit


def _interval(fig: Figure, mode: RoundingMode) -> tuple[float, float]:
    """Return the values *fig* can stand for, rounded as *mode* rounds."""
    unit = 10.0**-fig.places
    if mode is RoundingMode.TRUNCATE:
        return (
            (fig.value, fig.value + unit)
            if fig.value >= 0
            else (fig.value - unit, fig.value)
        )
    if mode is RoundingMode.UP:
        return (
            (fig.value - unit, fig.value)
            if fig.value >= 0
            else (fig.value, fig.value + unit)
        )
    return (fig.value - unit / 2, fig.value + unit / 2)


_EPS = 1e-9


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + _EPS and b[0] <= a[1] + _EPS


def _n(value: float) -> str:
    return format_number(round(value, 10))


_MODE_WORDS = {
    RoundingMode.HALF_UP: ("四舍五入", "half-up"),
    RoundingMode.HALF_EVEN: ("四舍六入五成双", "half-even"),
    RoundingMode.TRUNCATE: ("截尾", "truncation"),
    RoundingMode.UP: ("进位", "rounding up"),
}


def _actual_text(actual: object, node: Node | None = None) -> str:
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        target = node.target if node is not None else None
        unit = target.unit.symbol if target is not None and target.unit else ""
        return _n(float(actual)) + (
            unit if target and target.kind == "quantity" else ""
        )
    if isinstance(actual, Mapping):
        return "、".join(f"{k}={_actual_text(v)}" for k, v in actual.items())
    if isinstance(actual, tuple | list):
        return "[" + "、".join(_actual_text(a) for a in actual) + "]"
    return str(actual)


def _warned(caught: Sequence[warnings.WarningMessage]) -> str:
    return " ".join(str(w.message) for w in caught)


def _unit(symbol: str) -> Unit:
    from perfkpi.units import DEFAULT_UNITS  # noqa: PLC0415

    return DEFAULT_UNITS.get(symbol)
