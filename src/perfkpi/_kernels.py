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
    """Score ``points · min(B/A, 1)`` (higher is better) or ``points · min(A/B, 1)``."""
    out: np.ndarray = points * np.clip(attainment(actual, target, higher), 0.0, 1.0)
    return out


def shortfall(
    actual: np.ndarray,
    target: np.ndarray,
    points: np.ndarray | float,
    higher: np.ndarray,
) -> np.ndarray:
    """Deduct ``points · (1 − attainment)`` for a shortfall, clipped to [0, points]."""
    out: np.ndarray = points * np.clip(
        1.0 - attainment(actual, target, higher), 0.0, 1.0
    )
    return out


def lower_linear(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Score ``w`` at or under *A*, falling linearly to 0 at ``2A``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fraction = 1.0 - (actual - target) / target
    fraction = np.where(actual <= target, 1.0, fraction)
    fraction = np.where(np.isnan(actual), np.nan, fraction)
    out: np.ndarray = points * np.clip(fraction, 0.0, 1.0)
    return out


def excess(actual: np.ndarray, line: np.ndarray, higher: np.ndarray) -> np.ndarray:
    """Return how far each actual is past its line (0 when on the good side)."""
    out: np.ndarray = np.maximum(np.where(higher, line - actual, actual - line), 0.0)
    return out


def per_step(
    past: np.ndarray, points: np.ndarray, per: float, step: float, *, whole: bool
) -> np.ndarray:
    """Deduct *per* for each *step* past the line (whole steps only if asked)."""
    with np.errstate(over="ignore"):
        steps = past / step
    # a past so far that the count of steps overflows is still a count: the
    # largest float, so that a deduction of 0 per step stays 0 (0 · inf is NaN)
    steps = np.minimum(steps, np.finfo(np.float64).max)
    if whole:
        # 1e-9 absorbs float noise such as 100 − 95.00000000000001
        steps = np.floor(steps + 1e-9)
    with np.errstate(over="ignore"):
        out: np.ndarray = np.maximum(points - per * steps, 0.0)
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
    out: np.ndarray = points * np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return out


def distance(actual: np.ndarray, target: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Score ``w · max(0, 1 − |B − A|/|A|)``; a zero target needs ``B = 0``."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        fraction = 1.0 - np.abs(actual - target) / np.abs(target)
    fraction = np.where(target == 0, np.where(actual == 0, 1.0, 0.0), fraction)
    fraction = np.where(np.isnan(actual), np.nan, fraction)
    out: np.ndarray = points * np.clip(fraction, 0.0, 1.0)
    return out


def unmet_penalty(is_met: np.ndarray, points: np.ndarray | float) -> np.ndarray:
    """Deduct *points* for each item whose target is not met."""
    out: np.ndarray = np.where(is_met, 0.0, points)
    return out
