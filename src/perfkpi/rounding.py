"""Rounding policies: places, mode and stage, decimal-correct.

Published schemes round scores to two decimals "四舍五入" (half away from zero),
some truncate, some report whole points.  Python's :func:`round` rounds half to
even and works on the binary value, so ``round(2.675, 2) == 2.67``; perfkpi rounds
the number as written (its shortest decimal form), so 2.675 becomes 2.68 and a
float-noise value like 45.980000000000004 reports as 45.98.

The rule holds at every magnitude a float can have, from 5e-324 to 1.8e308:
the result is what ``decimal`` gives on the shortest form (``repr``) in the
chosen mode, so ``Rounding().round(1e13)`` is 1e13 and a value written with six
decimals, rounded to six places, is the same float as a band edge written with
the same six decimals.  The one exception is arithmetic noise: a value whose
shortest form needs 16 or 17 significant digits and lies within
:data:`NOISE_ULPS` units in the last place of a rounding boundary that has at
most 15 significant digits is taken to be on it, so 4.7 + 5.4
(10.100000000000001) rounds ``up`` to 10.1, not 10.2.  A policy keeps 0 to
:data:`MAX_PLACES` (10) decimal places; more than that is not a score.

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
>>> Rounding().round(1e13), Rounding(places=1, mode="up").round(4.7 + 5.4)
(10000000000000.0, 10.1)
>>> Rounding(places=308)
Traceback (most recent call last):
...
ValueError: 'places' must be between 0 and 10 (got 308)
"""

from __future__ import annotations

import decimal
import enum
import math
from typing import Literal, overload

import attrs
import numpy as np
from numpy.typing import ArrayLike

from perfkpi import _checks

__all__ = [
    "MAX_PLACES",
    "NOISE_ULPS",
    "ModeName",
    "Rounding",
    "RoundingMode",
    "RoundingStage",
    "StageName",
]

ModeName = Literal["half-up", "half-even", "truncate", "up"]
"""The rounding modes by name, as a scheme file writes them."""

StageName = Literal["each-node", "each-leaf", "total"]
"""The rounding stages by name, as a scheme file writes them."""


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
_HALVES = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN)

MAX_PLACES = 10
"""The most decimal places a policy (or a ``bands`` rule) may keep."""

NOISE_ULPS = 8
"""How close, in units in the last place, a computed value must be to a rounding
boundary to be taken as on it (when its shortest form has 16 or 17 significant
digits and the boundary at most 15)."""

_WRITTEN_DIGITS = 15
"""Every decimal of up to this many significant digits survives a trip through
a float64: such a number is taken as written, never as noise."""

_CONTEXT = decimal.Context(prec=800, Emin=-999_999, Emax=999_999)
"""Wide enough for every finite float64 exactly (the smallest has 751 digits)."""

_FAST_BELOW = 2.0**44
"""Below this scaled magnitude (value times 10**places) the array path decides
every element with float operations that are exact; above it (and for the rare
element whose shortest form cannot be checked in floats) :mod:`decimal` does."""

_SPREAD = tuple(
    (10.0**p * (1 - 2.0**-40), 10.0**p * (1 + 2.0**-40)) for p in range(MAX_PLACES + 1)
)
"""Per number of places, ``10**places`` times 1 − 2**-40 and 1 + 2**-40."""

_POW10 = np.array([float(f"1e{e}") for e in range(-330, 310)])
"""The float nearest to each power of ten from 1e-330 to 1e309."""
_POW10_FIRST = -330


def _significant_digits(number: decimal.Decimal) -> int:
    return 0 if not number else len(number.normalize(_CONTEXT).as_tuple().digits)


def _round_exact(value: float, places: int, mode: RoundingMode) -> float:
    """Round one float by the rule of :func:`round_array`, with :mod:`decimal`."""
    if not math.isfinite(value):
        return value
    quantum = decimal.Decimal(1).scaleb(-places)
    written = abs(decimal.Decimal(repr(value)))
    if _significant_digits(written) > _WRITTEN_DIGITS:
        if mode in _HALVES:
            low = written.quantize(quantum, decimal.ROUND_FLOOR, _CONTEXT)
            boundary = low + quantum / 2
        else:
            boundary = written.quantize(quantum, decimal.ROUND_HALF_EVEN, _CONTEXT)
        near = float(boundary)
        if _significant_digits(boundary) <= _WRITTEN_DIGITS and abs(
            abs(value) - near
        ) <= NOISE_ULPS * math.ulp(near):
            written = boundary
    exact = written.quantize(quantum, _DECIMAL_MODES[mode], _CONTEXT)
    return math.copysign(float(exact), value)


def round_array(values: np.ndarray, places: int, mode: RoundingMode) -> np.ndarray:
    """Round every element of *values* the way :class:`Rounding` does.

    Each element is rounded as written: :mod:`decimal` rounding of its shortest
    decimal form (``repr``), at every magnitude from the smallest float to the
    largest.  One exception keeps arithmetic noise from crossing a boundary: a
    value whose shortest form needs 16 or 17 significant digits (no one wrote
    it; it came from adding or dividing) and that lies within
    :data:`NOISE_ULPS` units in the last place of a rounding boundary written
    with at most 15 significant digits is taken to be on that boundary
    (4.7 + 5.4 = 10.100000000000001 rounds up to 10.1 at one place).  NaN and
    infinities are returned as they are.

    Notes
    -----
    Each element is scaled twice, by ``10**places`` made a little smaller and a
    little larger (by a factor of 1 ± 2**-40, far more than the binary value's
    and arithmetic noise's distance from the written number), and brought to a
    whole number by the mode's step (``rint``, ``trunc`` or ``ceil``).  Where the
    two agree, no rounding boundary lies between them, and that whole number is
    the decimal answer: seven array passes in all.  The others (near a boundary,
    too large, NaN) are settled exactly in floats (see :func:`_settle`) or, when
    too large for that, by :mod:`decimal`.
    """
    _check_places(None, None, places)
    x = np.asarray(values, dtype=np.float64)
    if x.ndim == 0:
        out0: np.ndarray = round_array(x.reshape(1), places, mode).reshape(())
        return out0
    low, high = _SPREAD[places]
    with np.errstate(over="ignore", invalid="ignore"):
        # "A": both come out C- or F-contiguous, so they flatten without a copy
        if mode is RoundingMode.UP:  # away from zero: ceil of the magnitude
            a = np.abs(x)
            first = np.multiply(a, low, order="A")
            second = np.multiply(a, high, order="A")
            step: np.ufunc = np.ceil
        else:  # rint (half modes: they differ only on ties) or trunc
            first = np.multiply(x, low, order="A")
            second = np.multiply(x, high, order="A")
            step = np.trunc if mode is RoundingMode.TRUNCATE else np.rint
        step(first, out=first)
        step(second, out=second)
        # 0 where the two agree; NaN where the value is NaN, infinite or
        # overflowed when scaled; a whole number where a boundary lies between
        np.subtract(second, first, out=second)
    first /= 10.0**places
    if mode is RoundingMode.UP:
        np.copysign(first, x, out=first)
    if second.any():  # seldom many: found by index, not by a mask of the whole
        order: Literal["C", "F"] = (
            "F" if first.flags.f_contiguous and x.ndim > 1 else "C"
        )
        unclear = np.flatnonzero(second.ravel(order=order) != 0)  # NaN too
        where = np.unravel_index(unclear, x.shape, order=order)
        near = x[where]
        known = ~np.isnan(near)  # NaN is NaN already: nothing to settle
        if not known.all():
            unclear, near = unclear[known], near[known]
        first.ravel(order=order)[unclear] = _settle(near, places, mode)
    return first


def _settle(values: np.ndarray, places: int, mode: RoundingMode) -> np.ndarray:
    """Round values that lie near a rounding boundary, exactly.

    For the boundary *c* nearest to a value (a half in the last place kept for
    the half modes, a whole one for the others) the float nearest to *c* is
    computed by one correctly rounded division of two exact integers.  A value
    equal to it has *c* as its shortest form (*c* has at most 15 significant
    digits); any other value lies on the same side of *c* as its shortest form
    does, because reading decimals into floats is monotonic.  Values too large
    for this go to :mod:`decimal` one by one.
    """
    out = np.empty_like(values)
    a = np.abs(values)
    with np.errstate(over="ignore", invalid="ignore"):  # huge values go to decimal
        y = a * 10.0**places
        small = y < _FAST_BELOW
        if mode in _HALVES:
            whole = np.floor(y)
            boundary = (10 * whole + 5) / 10.0 ** (places + 1)
        else:
            whole = np.rint(y)
            boundary = whole / 10.0**places
        d = a - boundary  # exact where it matters (Sterbenz)
        noise = (d != 0) & (np.abs(d) <= NOISE_ULPS * np.spacing(boundary)) & small
        written, unknown = _short(a[noise])
        tie = d == 0
        tie[noise] = ~written
        above = (d > 0) & ~tie
        below = (d < 0) & ~tie
        if mode is RoundingMode.HALF_UP:
            result = whole + (above | tie)
        elif mode is RoundingMode.HALF_EVEN:
            result = whole + (above | (tie & (np.fmod(whole, 2) == 1)))
        elif mode is RoundingMode.TRUNCATE:
            result = whole - below
        else:
            result = whole + above
        out[:] = np.copysign(result / 10.0**places, values)
    slow = ~small & np.isfinite(values)  # NaN and infinities are kept as they are
    slow[np.flatnonzero(noise)[unknown]] = True
    for i in np.flatnonzero(slow):
        out[i] = _round_exact(float(values[i]), places, mode)
    return out


def _short(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return which positive *a* have a shortest form of at most 15 digits.

    The second array marks elements this cannot tell in floats (very small
    ones); their first entry is meaningless.
    """
    exponent = np.searchsorted(_POW10, a, side="right") - 1 + _POW10_FIRST
    shift = _WRITTEN_DIGITS - 1 - exponent  # a * 10**shift has 15 whole digits
    unknown = (shift < 0) | (shift > 22)  # noqa: PLR2004 (10**22 is exact)
    shift = np.where(unknown, 0, shift)
    power = 10.0**shift
    m = np.rint(a * power)
    written = ((m - 1) / power == a) | (m / power == a) | ((m + 1) / power == a)
    return written, unknown


def _check_places(_: object, __: attrs.Attribute[int] | None, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"'places' must be a whole number (got {value!r})"
        raise ValueError(msg)  # noqa: TRY004 (a ValueError reads better in a file)
    if not 0 <= value <= MAX_PLACES:
        msg = f"'places' must be between 0 and {MAX_PLACES} (got {value!r})"
        raise ValueError(msg)


def _mode(value: RoundingMode | ModeName) -> RoundingMode:
    return _checks.choice(value, RoundingMode, "a rounding mode")


def _stage(value: RoundingStage | StageName) -> RoundingStage:
    return _checks.choice(value, RoundingStage, "a rounding stage")


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

    Raises
    ------
    ValueError
        If *places* is not a whole number from 0 to :data:`MAX_PLACES`, or
        *mode* or *stage* is not one of its values.
    """

    places: int = attrs.field(default=2, validator=_check_places)
    mode: RoundingMode = attrs.field(default=RoundingMode.HALF_UP, converter=_mode)
    stage: RoundingStage = attrs.field(
        default=RoundingStage.EACH_NODE, converter=_stage
    )

    @overload
    def round(self, value: float) -> float: ...
    @overload
    def round(self, value: ArrayLike) -> np.ndarray: ...
    def round(self, value: ArrayLike) -> float | np.ndarray:
        """Round a number, or any array-like, by this policy.

        A single number (a Python or numpy scalar) gives a ``float``; anything
        else an array, as numpy functions do: an array, a list, a pandas
        Series all give a ``float64`` array of their shape.

        Raises
        ------
        TypeError
            If *value* holds something that is not a number.

        Examples
        --------
        >>> from perfkpi.rounding import Rounding
        >>> Rounding().round(2.675)
        2.68
        >>> Rounding(places=1).round([0.25, 0.35])
        array([0.3, 0.4])
        """
        x = np.asarray(value)
        if x.dtype.kind not in "biuf":
            msg = f"value must be numbers, not {type(value).__name__} of {x.dtype}"
            raise TypeError(msg)
        out = round_array(x.astype(np.float64).reshape(-1), self.places, self.mode)
        if x.ndim == 0:
            return float(out[0])
        return out.reshape(x.shape)

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
