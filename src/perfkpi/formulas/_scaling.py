"""A formula's result read in a unit, to :data:`~perfkpi.formulas.PLACES` places."""

from __future__ import annotations

import decimal
import math

import numpy as np

from perfkpi import _checks
from perfkpi.formulas import PLACES
from perfkpi.units import Unit


def _exact(value: float, what: str) -> decimal.Decimal:
    """Return the number *value* as a decimal: an integer exactly, a float as written.

    Raises
    ------
    TypeError
        If *value* is not a number.
    """
    number = _checks.number(value, what)
    if isinstance(value, int):
        return decimal.Decimal(value)
    return decimal.Decimal(repr(number))  # np.float64(0.95) as 0.95


def as_fraction(value: float, factor: float) -> float:
    """Return ``value × factor`` computed in decimal (95 % is 0.95, not 0.9500…1).

    Raises
    ------
    TypeError
        If *value* or *factor* is not a number.
    ValueError
        If one is infinite and the other zero: their product is no number.
    """
    exact = _exact(value, "the value"), _exact(factor, "the factor")
    if any(d.is_infinite() for d in exact) and any(d.is_zero() for d in exact):
        msg = f"{value!r} × {factor!r} is not a number (an infinity times zero)"
        raise ValueError(msg)
    return float(exact[0] * exact[1])


def as_actual(value: float, unit: Unit | None) -> float:
    """Express a formula's result in the unit its node reads actuals in.

    A ratio unit (``%``, ``‰``) reads the result as a fraction: 0.998 is
    99.8 %.  The fraction is read in the unit exactly, in decimal, and rounded
    to :data:`PLACES` decimal places of it (half to even), so that 0.285 is
    28.5 % and not 28.499999999999996 %, and 20/21 is 95.2380952381 %.  Any
    other unit takes the number as it is.

    Raises
    ------
    TypeError
        If *value* is not a number, or *unit* neither a
        :class:`~perfkpi.units.Unit` nor ``None``.
    """
    exact = _exact(value, "the value")
    if unit is None:
        return value
    _checks.instance(unit, Unit, "the unit")
    if unit.dimension != "ratio":
        return value
    return _scaled(float(exact), unit.factor)


_POWERS = 10.0 ** np.arange(23)
"""The powers of ten that a float holds exactly."""


_PLACES = decimal.Decimal(1).scaleb(-PLACES)


def _scaled(value: float, factor: float) -> float:
    """Return *value* divided by *factor*, rounded to :data:`PLACES` places.

    The float's exact value is divided in decimal and rounded half to even;
    :func:`_scaled_array` gives the same numbers for an array.
    """
    if not math.isfinite(value):
        return value
    context = decimal.Context(prec=1000, rounding=decimal.ROUND_HALF_EVEN)
    exact = context.divide(decimal.Decimal(value), decimal.Decimal(repr(factor)))
    return float(exact.quantize(_PLACES, context=context))


def _decimal_shift(factor: float) -> int | None:
    """Return *k* where *factor* is written ``10**-k`` (k + PLACES <= 22), else None."""
    exact = decimal.Decimal(repr(factor)).normalize()
    sign, digits, exponent = exact.as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int):
        return None
    return -exponent if 0 <= -exponent <= 22 - PLACES else None


_EXACT_INTEGERS = 2.0**52
"""Below this, a float's fraction is a multiple of 1/2 or finer."""


def _scaled_array(values: np.ndarray, factor: float) -> np.ndarray:
    """Return :func:`_scaled` of each element of *values*, in a few array passes.

    For a factor of ``10**-k``, ``x = v × 10**(k + PLACES)`` is a product of
    two floats, the float nearest the exact product; below 2**52 its rounding
    to an integer *m* is the exact product's, except where *x* lands on a
    half, where the product's rounding error (Dekker's exact product) says
    which way.  ``m / 10**PLACES`` is then one correctly rounded division of
    exact operands: the float nearest the decimal result, as :func:`_scaled`
    computes it.  Every other element (too large, or a factor that is no
    power of ten) is computed by :func:`_scaled`.
    """
    values = np.asarray(values, dtype=np.float64)
    shift = _decimal_shift(factor)
    if shift is None:
        out = np.array(values, dtype=np.float64)
        slow = np.flatnonzero(np.isfinite(values))
    else:
        power = _POWERS[shift + PLACES]
        with np.errstate(all="ignore"):
            x = values * power
            m = np.rint(x)
            half = np.flatnonzero(np.abs(x - m) == 0.5)  # noqa: PLR2004
            if half.size:
                m[half] = _settle_halves(values[half], power, x[half])
            out = np.divide(m, _POWERS[PLACES], out=m)
            large = np.abs(x) >= _EXACT_INTEGERS  # and NaN: left as it is
        slow = np.flatnonzero(large)
        if slow.size:
            out[slow] = values[slow]
            slow = slow[np.isfinite(values[slow])]
    for i in slow.tolist():
        out[i] = _scaled(float(values[i]), factor)
    return out


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split floats into high and low halves of 26 bits (Dekker)."""
    c = 134217729.0 * a  # 2**27 + 1
    high = c - (c - a)
    return high, a - high


def _settle_halves(a: np.ndarray, b: float, x: np.ndarray) -> np.ndarray:
    """Round the exact products ``a × b``, whose float product *x* ends in .5.

    The exact product is ``x + error`` (Dekker's two-product); its sign says
    whether the exact product is above or below the half; none rounds to even.
    A zero keeps the product's sign, as the decimal division does.
    """
    ah, al = _split(a)
    bh, bl = _split(np.broadcast_to(b, a.shape))
    error = ((ah * bh - x) + ah * bl + al * bh) + al * bl
    out: np.ndarray = np.where(
        error > 0, np.floor(x) + 1.0, np.where(error < 0, np.floor(x), np.rint(x))
    )
    signed: np.ndarray = np.copysign(out, x)
    return signed
