"""Grade scales: bands of scores with a label each.

Bands are half-open: a score at a threshold takes the band that starts there.
Grades are always taken on the rounded, reported total.

Examples
--------
>>> from perfkpi import grades
>>> grades.CN_2020.grade(88.63), grades.CN_2020.grade(90), grades.CN_2020.grade(59.99)
('良', '优', '差')
>>> grades.CN_OLD.grade(75)
'良'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs
import numpy as np

from perfkpi.errors import SchemeError

__all__ = ["CN_2020", "CN_OLD", "STANDARD_SCALES", "Band", "GradeScale", "grade_scale"]


@attrs.frozen
class Band:
    """A grade and the lowest score that earns it."""

    label: str
    minimum: float


def _bands(values: Iterable[Band]) -> tuple[Band, ...]:
    return tuple(values)


@attrs.frozen
class GradeScale:
    """An ordered set of grade bands, best first.

    Parameters
    ----------
    name
        The identifier used in scheme files (``cn-2020``).
    bands
        The bands from best to worst, with strictly decreasing minimums.
    below
        The label for scores below every band's minimum.
    """

    name: str
    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    below: str

    def __attrs_post_init__(self) -> None:
        minimums = [b.minimum for b in self.bands]
        if not minimums or any(a <= b for a, b in itertools.pairwise(minimums)):
            msg = f"grade scale {self.name!r} needs bands with decreasing minimums"
            raise ValueError(msg)

    @property
    def labels(self) -> tuple[str, ...]:
        """Every label, best first."""
        return (*(b.label for b in self.bands), self.below)

    def grade(self, score: float) -> str:
        """Return the grade of one score."""
        return str(self.grade_array(np.array([score]))[0])

    def grade_array(self, scores: np.ndarray) -> np.ndarray:
        """Return the grades of an array of scores; NaN gets an empty string."""
        ascending = np.array([b.minimum for b in reversed(self.bands)])
        labels = np.array([self.below, *(b.label for b in reversed(self.bands))])
        index = np.searchsorted(ascending, scores, side="right")
        out: np.ndarray = np.where(np.isnan(scores), "", labels[index])
        return out


CN_2020 = GradeScale("cn-2020", [Band("优", 90), Band("良", 80), Band("中", 60)], "差")
"""The scale of 财预〔2020〕10号 (优 ≥ 90, 良 [80, 90), 中 [60, 80), 差 < 60)."""

CN_OLD = GradeScale(
    "cn-80-70-60", [Band("优", 80), Band("良", 70), Band("中", 60)], "差"
)
"""The older scale (优 ≥ 80, 良 [70, 80), 中 [60, 70), 差 < 60)."""

STANDARD_SCALES: dict[str, GradeScale] = {s.name: s for s in (CN_2020, CN_OLD)}


def grade_scale(name: str) -> GradeScale:
    """Return a standard grade scale by its name.

    Raises
    ------
    SchemeError
        If no standard scale has that name.
    """
    try:
        return STANDARD_SCALES[name]
    except KeyError:
        known = ", ".join(sorted(STANDARD_SCALES))
        msg = f"unknown grade scale {name!r}; expected one of {known}"
        raise SchemeError("grades", msg) from None
