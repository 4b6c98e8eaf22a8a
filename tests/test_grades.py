"""Grade scales: half-open bands on the rounded total."""

from __future__ import annotations

import numpy as np
import pytest

from perfkpi import Band, GradeScale, SchemeError
from perfkpi.grades import CN_2020, CN_OLD, OrdinalScale, grade_scale

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


def test_band_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match=r"a band's label must be text \(got 90\)"):
        Band(90, 90)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"a band's minimum must be a number"):
        Band("优", "90")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not NaN"):
        Band("优", float("nan"))


def test_grade_scale_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match=r"bands must be a list of Band \(got '优'\)"):
        GradeScale("x", "优", "差")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"band must be a Band \(got \('优', 90\)\)"):
        GradeScale("x", [("优", 90)], "差")  # type: ignore[list-item]
    with pytest.raises(TypeError, match="the label below a scale's bands must be text"):
        GradeScale("x", [Band("优", 90)], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a grade scale's name must be text"):
        grade_scale(["cn-2020"])  # type: ignore[arg-type]


def test_ordinal_scale_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match="ranks must map labels to numbers"):
        OrdinalScale("x", ["A", "B"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the rank of 'A' must be a number"):
        OrdinalScale("x", {"A": "4"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="at least one label"):
        OrdinalScale("x", {})
    with pytest.raises(TypeError, match="excluded labels must be a list of text"):
        OrdinalScale("x", {"A": 4}, "NA")  # text alone is not a list
