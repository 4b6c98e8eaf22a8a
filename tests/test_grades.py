"""Grade scales: half-open bands on the rounded total."""

from __future__ import annotations

import numpy as np
import pytest

from perfkpi import Band, GradeScale, SchemeError
from perfkpi.grades import CN_2020, CN_OLD, grade_scale

# 财预〔2020〕10号: 优 ≥ 90, 良 [80, 90), 中 [60, 80), 差 < 60
CN_2020_CASES = [
    (100, "优"),
    (90, "优"),
    (89.99, "良"),
    (88.63, "良"),  # the seed
    (80, "良"),
    (79.99, "中"),
    (60, "中"),
    (59.99, "差"),
    (0, "差"),
]


@pytest.mark.parametrize(("score", "grade"), CN_2020_CASES)
def test_cn_2020(score: float, grade: str) -> None:
    assert CN_2020.grade(score) == grade


@pytest.mark.parametrize(
    ("score", "grade"),
    [(80, "优"), (79.99, "良"), (70, "良"), (69.99, "中"), (59, "差")],
)
def test_cn_old(score: float, grade: str) -> None:
    assert CN_OLD.grade(score) == grade


def test_grade_array_marks_nan_empty() -> None:
    out = CN_2020.grade_array(np.array([95.0, np.nan, 10.0]))
    assert list(out) == ["优", "", "差"]


def test_lookup_by_name() -> None:
    assert grade_scale("cn-2020") is CN_2020
    with pytest.raises(SchemeError, match="cn-2020"):
        grade_scale("cn-2099")


def test_bands_must_decrease() -> None:
    with pytest.raises(ValueError, match="decreasing"):
        GradeScale("bad", [Band("A", 50), Band("B", 60)], "C")
