"""Pure numpy kernels.  They validate nothing; the public wrappers do.

Every kernel broadcasts its inputs and works on whole blocks of entities:
values have one row per entity and one column per node; parameters have one
entry per column.  NaN in gives NaN out.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "attainment",
    "distance",
    "excess",
    "goalposts",
    "lower_linear",
    "met",
    "per_step",
    "proportional",
    "shortfall",
    "unmet_penalty",
]


def _plain_targets(target: np.ndarray | float) -> bool:
    """Return whether every target is finite and non-zero (no ``0/0`` or ``x/0``)."""
    t = np.asarray(target)
    return bool(t.size) and bool(np.all(np.isfinite(t) & (t != 0)))


def _points_of(fraction: np.ndarray, points: np.ndarray | float) -> np.ndarray:
    """Return ``points · clip(fraction, 0, 1)``, computed in *fraction* itself."""
    np.clip(fraction, 0.0, 1.0, out=fraction)
    np.multiply(points, fraction, out=fraction)
    return fraction


def _ratio(
    actual: np.ndarray, target: np.ndarray | float, higher: np.ndarray | bool
) -> np.ndarray:
    """Return ``B/A`` (higher is better) or ``A/B`` into a new array.

    For finite, non-zero targets (see :func:`_plain_targets`); each element is
    one correctly rounded division, whatever the mix of directions.
    """
    h = np.asarray(higher)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if bool(np.all(h)):
            out: np.ndarray = np.divide(actual, target)
        elif not bool(np.any(h)):
            out = np.divide(target, actual)
        else:  # both directions: the lower-is-better columns divided again
            lower = ~h
            out = np.divide(actual, target)
            reference = np.broadcast_to(target, h.shape)[lower]
            out[..., lower] = np.divide(reference, actual[..., lower])
    return out


def met(
    values: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lower_closed: np.ndarray,
    upper_closed: np.ndarray,
) -> np.ndarray:
    """Return whether each value lies in its target interval (NaN: False)."""
    lo_ok = np.where(lower_closed, values >= lower, values > lower)
    hi_ok = np.where(upper_closed, values <= upper, values < upper)
    out: np.ndarray = lo_ok & hi_ok
    return out


def attainment(
    actual: np.ndarray, target: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    """Return ``B/A`` (higher is better) or ``A/B`` (lower is better), uncapped.

    A zero denominator gives 1 when the target is met (``B = A = 0``, or
    ``B = 0`` for a lower-is-better target) and 0 otherwise.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(higher, actual / target, target / actual)
    nan_in = np.isnan(actual) | np.isnan(target)
    ratio = np.where(np.isnan(ratio) & ~nan_in, 1.0, ratio)
    out: np.ndarray = np.where(np.isinf(ratio), np.where(ratio > 0, 1.0, 0.0), ratio)
    return out


def proportional(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    """Score ``points · min(B/A, 1)`` (higher is better) or ``points · min(A/B, 1)``.

    When every target is finite and non-zero, the ratio is clipped in place:
    an infinite ratio (``A/0``, or an overflow) clips to what
    :func:`attainment` maps it to, so the scores are the same.
    """
    if not _plain_targets(target):
        out: np.ndarray = points * np.clip(attainment(actual, target, higher), 0.0, 1.0)
        return out
    return _points_of(_ratio(actual, target, higher), points)


def shortfall(
    actual: np.ndarray,
    target: np.ndarray,
    points: np.ndarray | float,
    higher: np.ndarray,
) -> np.ndarray:
    """Deduct ``points · (1 − attainment)`` for a shortfall, clipped to [0, points].

    In place when :func:`proportional` is (the same infinities clip the same way).
    """
    if not _plain_targets(target):
        out: np.ndarray = points * np.clip(
            1.0 - attainment(actual, target, higher), 0.0, 1.0
        )
        return out
    ratio = _ratio(actual, target, higher)
    return _points_of(np.subtract(1.0, ratio, out=ratio), points)


def lower_linear(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Score ``w`` at or under *A*, falling linearly to 0 at ``2A``.

    With every target finite and above zero, ``1 − (B − A)/A`` is at least 1
    wherever ``B ≤ A`` (and NaN only where *B* is), so clipping alone gives
    the full points there: computed in place.
    """
    t = np.asarray(target)
    if t.size and bool(np.all(np.isfinite(t) & (t > 0))):
        with np.errstate(invalid="ignore", over="ignore"):
            quick: np.ndarray = np.subtract(actual, target)
            np.divide(quick, target, out=quick)
            np.subtract(1.0, quick, out=quick)
        return _points_of(quick, points)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fraction = 1.0 - (actual - target) / target
    fraction = np.where(actual <= target, 1.0, fraction)
    fraction = np.where(np.isnan(actual), np.nan, fraction)
    out: np.ndarray = points * np.clip(fraction, 0.0, 1.0)
    return out


def excess(actual: np.ndarray, line: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Return how far each actual is past its line (0 when on the good side)."""
    h = np.asarray(higher)
    if h.size and bool(np.all(h == h.flat[0])):  # one direction: no np.where
        with np.errstate(invalid="ignore", over="ignore"):
            past: np.ndarray = (
                np.subtract(line, actual) if h.flat[0] else np.subtract(actual, line)
            )
        np.maximum(past, 0.0, out=past)
        return past
    out: np.ndarray = np.maximum(np.where(higher, line - actual, actual - line), 0.0)
    return out


def per_step(
    past: np.ndarray, points: np.ndarray, per: float, step: float, *, whole: bool
) -> np.ndarray:
    """Deduct *per* for each *step* past the line (whole steps only if asked)."""
    with np.errstate(over="ignore"):
        steps = np.divide(past, step)
    # a past so far that the count of steps overflows is still a count: the
    # largest float, so that a deduction of 0 per step stays 0 (0 · inf is NaN)
    np.minimum(steps, np.finfo(np.float64).max, out=steps)
    if whole:
        # 1e-9 absorbs float noise such as 100 − 95.00000000000001
        steps += 1e-9
        np.floor(steps, out=steps)
    with np.errstate(over="ignore", invalid="ignore"):
        np.multiply(per, steps, out=steps)
        out: np.ndarray = np.subtract(points, steps, out=steps)
    np.maximum(out, 0.0, out=out)
    return out


def goalposts(
    actual: np.ndarray, low: float, high: float, points: np.ndarray, *, log: bool
) -> np.ndarray:
    """Score ``w · clip((f(x) − f(min)) / (f(max) − f(min)), 0, 1)``."""
    if log:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x = np.log(actual)
        lo, hi = np.log(low), np.log(high)
    else:
        x, lo, hi = actual, low, high
    with np.errstate(invalid="ignore", over="ignore"):
        fraction: np.ndarray = np.subtract(x, lo)
        fraction /= hi - lo
    return _points_of(fraction, points)


def distance(actual: np.ndarray, target: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Score ``w · max(0, 1 − |B − A|/|A|)``; a zero target needs ``B = 0``."""
    if _plain_targets(target):  # no zero target
        with np.errstate(invalid="ignore", over="ignore"):
            quick: np.ndarray = np.subtract(actual, target)
            np.abs(quick, out=quick)
            np.divide(quick, np.abs(target), out=quick)
            np.subtract(1.0, quick, out=quick)
        return _points_of(quick, points)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fraction = 1.0 - np.abs(actual - target) / np.abs(target)
    fraction = np.where(target == 0, np.where(actual == 0, 1.0, 0.0), fraction)
    fraction = np.where(np.isnan(actual), np.nan, fraction)
    out: np.ndarray = points * np.clip(fraction, 0.0, 1.0)
    return out


def unmet_penalty(is_met: np.ndarray, points: np.ndarray | float) -> np.ndarray:
    """Deduct *points* for each item whose target is not met."""
    if _non_negative(points):  # False · w is 0.0, True · w is w: one pass
        out: np.ndarray = np.multiply(~is_met, points)
        return out
    return np.where(is_met, 0.0, points)


def points_where(is_met: np.ndarray, points: np.ndarray | float) -> np.ndarray:
    """Return *points* where met, else 0 (``np.where(is_met, points, 0.0)``)."""
    if _non_negative(points):
        out: np.ndarray = np.multiply(is_met, points)
        return out
    return np.where(is_met, points, 0.0)


def full_where_met(
    is_met: np.ndarray, points: np.ndarray | float, scores: np.ndarray
) -> np.ndarray:
    """Return ``np.where(is_met, points, scores)`` for *scores* in ``[0, points]``.

    With every *points* at least 0, ``max(is_met · points, score)`` is the
    same (NaN stays NaN: NaN meets nothing) in two passes without a
    broadcast ``where``.
    """
    if _non_negative(points):
        out: np.ndarray = np.multiply(is_met, points)
        np.maximum(out, scores, out=out)
        return out
    return np.where(is_met, points, scores)


def zero_where_met(
    is_met: np.ndarray, scores: np.ndarray, points: np.ndarray | float
) -> np.ndarray:
    """Return ``np.where(is_met, 0.0, scores)`` for *scores* in ``[0, points]``.

    With every *points* at least 0 the scores are multiplied by 0 or 1 in
    place (NaN stays NaN: NaN meets nothing).
    """
    if _non_negative(points):
        np.multiply(scores, ~is_met, out=scores)
        return scores
    out: np.ndarray = np.where(is_met, 0.0, scores)
    return out


def _non_negative(points: np.ndarray | float) -> bool:
    return bool(np.all(np.asarray(points) >= 0))
