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
import math
import types
import unicodedata
from collections.abc import Iterable, Mapping

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.errors import DataError, SchemeError

__all__ = [
    "BUDGET_LIGHT",
    "CN_2020",
    "CN_OLD",
    "HDI",
    "LETTER",
    "ORDINAL_SCALES",
    "PEFA",
    "PEFA_GRADES",
    "RAG",
    "STANDARD_SCALES",
    "Band",
    "GradeScale",
    "OrdinalScale",
    "grade_scale",
]


def _label(value: str) -> str:
    return _checks.text(value, "a band's label")


def _minimum(value: float) -> float:
    minimum = _checks.number(value, "a band's minimum")
    if math.isnan(minimum):
        msg = "a band's minimum must be a number, not NaN"
        raise ValueError(msg)
    return minimum


@attrs.frozen
class Band:
    """A grade and the lowest score that earns it.

    Parameters
    ----------
    label
        The grade (``优``).
    minimum
        The lowest score that earns it.

    Raises
    ------
    TypeError
        If *label* is not text or *minimum* is not a number.
    ValueError
        If *minimum* is NaN.
    """

    label: str = attrs.field(converter=_label)
    minimum: float = attrs.field(converter=_minimum)


def _bands(values: Iterable[Band]) -> tuple[Band, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str) or not isinstance(given, Iterable):
        msg = f"a grade scale's bands must be a list of Band (got {given!r:.60})"
        raise TypeError(msg)
    return tuple(_checks.instance(b, Band, "a grade scale's band") for b in given)


def _name(value: str) -> str:
    return _checks.text(value, "a scale's name")


def _below(value: str) -> str:
    return _checks.text(value, "the label below a scale's bands")


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

    Raises
    ------
    TypeError
        If *name* or *below* is not text, or *bands* is not a list of
        :class:`Band`.
    ValueError
        If there is no band, or the minimums do not strictly decrease.
    """

    name: str = attrs.field(converter=_name)
    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    below: str = attrs.field(converter=_below)

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

LETTER = GradeScale("letter", [Band("A", 90), Band("B", 80), Band("C", 70)], "")
"""Start-at-100 scorecards: A 90–100, B 80–89, C 70–79, and no letter below 70."""

RAG = GradeScale("rag", [Band("green", 100), Band("amber", 70)], "red")
"""Red/amber/green on attainment in %: green ≥ 100, amber [70, 100), red < 70."""

PEFA_GRADES = GradeScale(
    "pefa",
    [
        Band("A", 4),
        Band("B+", 3.5),
        Band("B", 3),
        Band("C+", 2.5),
        Band("C", 2),
        Band("D+", 1.5),
    ],
    "D",
)
"""PEFA ordinal grades on their ranks: A = 4, B+ = 3.5, …, D+ = 1.5, D below."""

BUDGET_LIGHT = GradeScale("budget-light", [Band("绿灯", 80), Band("黄灯", 60)], "红灯")
"""Budget execution warning light on the time-adjusted execution rate in %
((Σ执行/Σ预算)/(月份/12)): 绿灯 ≥ 80, 黄灯 [60, 80), 红灯 < 60."""

HDI = GradeScale(
    "hdi",
    [Band("very high", 0.8), Band("high", 0.7), Band("medium", 0.55)],
    "low",
)
"""UNDP human development groups on the HDI rounded to three decimals: very high
≥ 0.800, high [0.700, 0.800), medium [0.550, 0.700), low < 0.550."""

STANDARD_SCALES: dict[str, GradeScale] = {
    s.name: s for s in (CN_2020, CN_OLD, LETTER, RAG, PEFA_GRADES, BUDGET_LIGHT, HDI)
}
"""The grade scales a scheme file can name."""


def grade_scale(name: str) -> GradeScale:
    """Return a standard grade scale by its name.

    Raises
    ------
    SchemeError
        If no standard scale has that name.
    TypeError
        If *name* is not text.
    """
    _checks.text(name, "a grade scale's name")
    try:
        return STANDARD_SCALES[name]
    except KeyError:
        known = ", ".join(sorted(STANDARD_SCALES))
        msg = f"unknown grade scale {name!r}; expected one of {known}"
        raise SchemeError("grades", msg) from None


def _rank_table(values: Mapping[str, float]) -> Mapping[str, float]:
    given: object = values  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"an ordinal scale's ranks must map labels to numbers (got {given!r:.60})"
        raise TypeError(msg)
    table: dict[str, float] = {}
    for label, rank in given.items():
        _checks.text(label, "an ordinal scale's label")
        value = _checks.number(rank, f"the rank of {label!r}")
        if not math.isfinite(value):
            msg = f"the rank of {label!r} must be a finite number (got {rank!r})"
            raise ValueError(msg)
        table[label] = value
    if not table:
        msg = "an ordinal scale needs at least one label"
        raise ValueError(msg)
    return types.MappingProxyType(table)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return _checks.texts(values, "an ordinal scale's excluded labels")


@attrs.frozen
class OrdinalScale:
    """Ordinal grade labels and their ranks, for leaves scored as grades.

    Parameters
    ----------
    name
        The identifier used by :class:`~perfkpi.rules.Grade` rules.
    ranks
        Each label's rank, higher is better.
    excluded
        Labels that mark the node not applicable (left out of aggregation).

    Raises
    ------
    TypeError
        If *name* is not text, *ranks* is not a mapping of text to numbers, or
        *excluded* is not a list of text.
    ValueError
        If *ranks* is empty or holds a rank that is not finite.
    """

    name: str = attrs.field(converter=_name)
    ranks: Mapping[str, float] = attrs.field(converter=_rank_table, hash=False)
    excluded: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    @property
    def top(self) -> float:
        """The highest rank."""
        return max(self.ranks.values())

    def rank(self, label: object, where: str = "") -> float:
        """Return the rank of *label*; NaN for an excluded label.

        Raises
        ------
        DataError
            If *label* is not on the scale.
        """
        text = unicodedata.normalize("NFKC", str(label)).strip()
        if isinstance(label, str) and text in self.excluded:
            return math.nan
        if not isinstance(label, str) or text not in self.ranks:
            known = " ".join([*self.ranks, *self.excluded])
            raise DataError(where, f"expected a grade ({known}), got {label!r}")
        return float(self.ranks[text])


PEFA = OrdinalScale(
    "pefa",
    {"A": 4, "B+": 3.5, "B": 3, "C+": 2.5, "C": 2, "D+": 1.5, "D": 1, "D*": 1},
    ("NA", "NR"),
)
"""PEFA dimension grades: A = 4 … D = 1; D* (too little information) counts as
D; NA (not applicable) and NR (not rated) are left out."""

ORDINAL_SCALES: dict[str, OrdinalScale] = {PEFA.name: PEFA}
"""Ordinal scales by name."""
