"""Rounding policies: places, mode and stage, decimal-correct.

Published schemes round scores to two decimals "四舍五入" (half away from zero),
some truncate, some report whole points.  Python's :func:`round` rounds half to
even and works on the binary value, so ``round(2.675, 2) == 2.67``; perfkpi rounds
the number as written (its shortest decimal form), so 2.675 becomes 2.68 and a
float-noise value like 45.980000000000004 reports as 45.98.

Examples
--------
>>> from perfkpi import Rounding
>>> r = Rounding()
>>> r.round(2.675), r.round(0.125), r.round(45.980000000000004)
(2.68, 0.13, 45.98)
>>> Rounding(places=2, mode="truncate").round(9.9872)
9.98
>>> Rounding(places=0).round(37.24 / 43.2 * 10)
9.0
"""

from __future__ import annotations

import decimal
import enum
from typing import overload

import attrs
import numpy as np

__all__ = ["Rounding", "RoundingMode", "RoundingStage"]


class RoundingMode(enum.StrEnum):
    """How a number is brought to a number of decimal places."""

    HALF_UP = "half-up"
    """Halves go away from zero, 四舍五入 (2.675 → 2.68)."""
    HALF_EVEN = "half-even"
    """Halves go to the even digit, banker's rounding (2.665 → 2.66)."""
    TRUNCATE = "truncate"
    """Drop the further digits (9.9872 → 9.98)."""
    UP = "up"
    """Away from zero whenever any further digit is non-zero (9.9812 → 9.99)."""


class RoundingStage(enum.StrEnum):
    """Where rounding happens in the tree."""

    EACH_NODE = "each-node"
    """Every leaf, deduction and node score is rounded before it is summed."""
    EACH_LEAF = "each-leaf"
    """Leaf scores and item deductions are rounded; sums of them are not."""
    TOTAL = "total"
    """Only the total is rounded; node scores are reported rounded."""


_DECIMAL_MODES = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.TRUNCATE: decimal.ROUND_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
}


def _round_exact(value: float, places: int, mode: RoundingMode) -> float:
    quantum = decimal.Decimal(1).scaleb(-places)
    exact = decimal.Decimal(repr(value)).quantize(
        quantum, rounding=_DECIMAL_MODES[mode], context=decimal.Context(prec=400)
    )
    return float(exact)


_EPS16 = 16 * float(np.finfo(np.float64).eps)
_WIDE = 1e-9 / _EPS16
"""Above this scaled magnitude the float-noise tolerance grows with the value."""
_EXACT_BELOW = 2.0**50
"""Below this scaled magnitude boundary cases are settled by float comparisons."""
_HALVES = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)
_NOISE_ULPS = 8
"""A value within this many units in the last place of a rounding boundary is
taken to be on it: float noise from adding rounded scores (4.7 + 5.4 =
10.100000000000001) must not move a number across a boundary it sits on."""


def round_array(values: np.ndarray, places: int, mode: RoundingMode) -> np.ndarray:
    """Round every element of *values* the way :class:`Rounding` does.

    The fast path works on the scaled binary value; elements that lie within float
    noise of a rounding boundary are redone exactly on their shortest decimal form
    (see :func:`_settle`).  NaN stays NaN.
    """
    x = np.asarray(values, dtype=np.float64)
    scale = 10.0**places
    signed = bool(np.signbit(x).any())  # scores are seldom negative
    y = np.abs(x) if signed else x * scale
    if signed:
        y *= scale
    wide = bool(y.size) and np.nanmax(y, initial=0.0) >= _WIDE
    with np.errstate(invalid="ignore"):
        if mode in _HALVES:
            rounded = y + 0.5
            np.floor(rounded, out=rounded)
            # in [-0.5, 0.5): the boundaries are at the ends (y's buffer is reused)
            distance = np.subtract(y, rounded, out=y if not wide else None)
            np.abs(distance, out=distance)
            np.subtract(0.5, distance, out=distance)
        else:
            rounded = np.floor(y) if mode is RoundingMode.TRUNCATE else np.ceil(y)
            distance = np.rint(y)  # the boundaries are the integers
            np.subtract(y, distance, out=distance)
            np.abs(distance, out=distance)
        near = distance < 1e-9  # noqa: PLR2004
        if wide:
            near |= distance < _EPS16 * y
    rounded /= scale
    out = np.copysign(rounded, x, out=rounded) if signed else rounded
    if near.any():
        out[near] = _settle(x[near], places, mode)
    return out


def _settle(values: np.ndarray, places: int, mode: RoundingMode) -> np.ndarray:
    """Round values that lie within float noise of a boundary, exactly.

    The result is what :mod:`decimal` gives on each value's shortest decimal form
    (``repr``).  For a boundary *c* (a half or a whole in the last place kept),
    the float nearest to *c* is computed exactly by one IEEE division; a value
    equal to it has *c* as its shortest form, and any other value lies on the
    same side of *c* as its shortest form does, because rounding decimals to
    floats is monotonic.  Values too large for that argument go to
    :mod:`decimal` one by one.
    """
    scale = 10.0**places
    a = np.abs(values)
    y = a * scale
    if mode in _HALVES:
        whole = np.floor(y)
        boundary = (2 * whole + 1) / (2 * scale)
        tie = np.abs(a - boundary) <= _NOISE_ULPS * np.spacing(boundary)
        if mode is RoundingMode.HALF_UP:
            up = (a > boundary) | tie
        else:
            up = (a > boundary) | (tie & (np.fmod(whole, 2) == 1))
        result = (whole + up) / scale
    else:
        nearest = np.rint(y)
        boundary = nearest / scale
        on_grid = np.abs(a - boundary) <= _NOISE_ULPS * np.spacing(boundary)
        if mode is RoundingMode.TRUNCATE:
            result = np.where((a >= boundary) | on_grid, nearest, nearest - 1) / scale
        else:
            result = np.where((a <= boundary) | on_grid, nearest, nearest + 1) / scale
    out: np.ndarray = np.copysign(result, values)
    for i in np.flatnonzero(y >= _EXACT_BELOW):
        out[i] = _round_exact(float(values[i]), places, mode)
    return out


MAX_PLACES = 12
"""The most decimal places a policy may keep (float64 holds about 15 digits)."""


def _check_places(_: object, __: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"'places' must be a whole number (got {value!r})"
        raise ValueError(msg)  # noqa: TRY004 (a ValueError reads better in a file)
    if not 0 <= value <= MAX_PLACES:
        msg = f"'places' must be between 0 and {MAX_PLACES} (got {value!r})"
        raise ValueError(msg)


@attrs.frozen
class Rounding:
    """A declared rounding policy.

    Parameters
    ----------
    places
        Decimal places kept (0 for whole points).
    mode
        ``"half-up"`` (四舍五入, the default), ``"half-even"``, ``"truncate"``
        or ``"up"``.
    stage
        ``"each-node"`` (the default, as the ministry's code does: every indicator
        score is rounded before summing), ``"each-leaf"`` (leaves only) or
        ``"total"`` (only the total; node scores are reported rounded).
    """

    places: int = attrs.field(default=2, validator=_check_places)
    mode: RoundingMode = attrs.field(
        default=RoundingMode.HALF_UP, converter=RoundingMode
    )
    stage: RoundingStage = attrs.field(
        default=RoundingStage.EACH_NODE, converter=RoundingStage
    )

    @overload
    def round(self, value: float) -> float: ...
    @overload
    def round(self, value: np.ndarray) -> np.ndarray: ...
    def round(self, value: float | np.ndarray) -> float | np.ndarray:
        """Round a number or an array by this policy."""
        if isinstance(value, np.ndarray):
            return round_array(value, self.places, self.mode)
        return float(round_array(np.array([value]), self.places, self.mode)[0])

    def at_leaves(self, values: np.ndarray) -> np.ndarray:
        """Round leaf scores if this policy rounds leaves, else return them."""
        if self.stage is RoundingStage.TOTAL:
            return values
        return round_array(values, self.places, self.mode)

    def at_nodes(self, values: np.ndarray) -> np.ndarray:
        """Round inner-node scores if this policy rounds at each node."""
        if self.stage is RoundingStage.EACH_NODE:
            return round_array(values, self.places, self.mode)
        return values
