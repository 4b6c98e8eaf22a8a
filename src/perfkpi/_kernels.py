"""Pure numpy kernels.  They validate nothing; the public wrappers do.

Every kernel broadcasts its inputs and works on whole columns of entities.
"""

from __future__ import annotations

import numpy as np

__all__ = ["met", "proportional", "shortfall", "unmet_penalty"]


def met(
    values: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    lower_closed: np.ndarray,
    upper_closed: np.ndarray,
) -> np.ndarray:
    """Return whether each value lies in its target interval."""
    lo_ok = np.where(lower_closed, values >= lower, values > lower)
    hi_ok = np.where(upper_closed, values <= upper, values < upper)
    out: np.ndarray = lo_ok & hi_ok
    return out


def proportional(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    """Score points x min(B/A, 1) (higher is better) or points x min(A/B, 1).

    A zero denominator scores full points when the target is met (B <= A = 0 for a
    lower-is-better target) and zero otherwise.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, actual / target, target / actual)
    ratio = np.where(
        np.isnan(ratio) & ~np.isnan(actual) & ~np.isnan(target), 1.0, ratio
    )
    ratio = np.where(np.isinf(ratio), np.where(ratio > 0, 1.0, 0.0), ratio)
    out: np.ndarray = points * np.clip(ratio, 0.0, 1.0)
    return out


def shortfall(
    actual: np.ndarray, target: np.ndarray, points: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    """Deduct points x (1 - B/A) for a shortfall, clipped to [0, points]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(higher, actual / target, target / actual)
    ratio = np.where(np.isinf(ratio), np.where(ratio > 0, 1.0, 0.0), ratio)
    out: np.ndarray = points * np.clip(1.0 - ratio, 0.0, 1.0)
    return out


def unmet_penalty(is_met: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Deduct *points* for each item whose target is not met."""
    out: np.ndarray = np.where(is_met, 0.0, points)
    return out
