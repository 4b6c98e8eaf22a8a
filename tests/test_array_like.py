"""Target.met and Rounding.round take any array-like, as numpy functions do."""

from __future__ import annotations

import numpy as np
import pytest

from perfkpi import Rounding, parse_target

pd = pytest.importorskip("pandas")


def test_round_a_scalar_gives_a_float() -> None:
    # 2.675 is written with three places: half-up gives 2.68
    assert Rounding().round(2.675) == 2.68
    assert isinstance(Rounding().round(2.675), float)
    assert isinstance(Rounding().round(np.float64(2.675)), float)
    assert Rounding(places=0).round(3) == 3.0


@pytest.mark.parametrize(
    "values",
    [[0.25, 0.35], (0.25, 0.35), np.array([0.25, 0.35]), pd.Series([0.25, 0.35])],
    ids=["list", "tuple", "array", "series"],
)
def test_round_an_array_like_gives_an_array(values: object) -> None:
    # half-up at one place: 0.25 → 0.3, 0.35 → 0.4 (as written, not as stored)
    out = Rounding(places=1).round(values)  # type: ignore[call-overload]
    assert isinstance(out, np.ndarray)
    assert out.tolist() == [0.3, 0.4]


def test_round_keeps_the_shape() -> None:
    out = Rounding(places=0, mode="truncate").round([[1.9, 2.1], [-1.9, 3.0]])
    # truncate drops the fraction toward zero
    assert out.tolist() == [[1.0, 2.0], [-1.0, 3.0]]
    assert Rounding().round([]).shape == (0,)


def test_round_refuses_text() -> None:
    with pytest.raises(TypeError, match="value must be numbers"):
        Rounding().round(["1.5"])


def test_met_a_scalar_gives_a_bool() -> None:
    target = parse_target("≥95%")
    assert target.met(95) is True
    assert target.met(94.99) is False


@pytest.mark.parametrize(
    "values",
    [[94.9, 95, 99.5], np.array([94.9, 95, 99.5]), pd.Series([94.9, 95, 99.5])],
    ids=["list", "array", "series"],
)
def test_met_an_array_like_gives_an_array(values: object) -> None:
    out = parse_target("≥95%").met(values)  # type: ignore[call-overload]
    assert isinstance(out, np.ndarray)
    assert out.tolist() == [False, True, True]


def test_met_keeps_the_shape_and_refuses_text() -> None:
    # [90,110] closed at both ends
    out = parse_target("[90,110]").met([[89, 90], [110, 111]])
    assert out.tolist() == [[False, True], [True, False]]
    with pytest.raises(TypeError, match="values must be numbers"):
        parse_target("≥95%").met(["95%"])


def test_mode_and_stage_by_name() -> None:
    rounding = Rounding(places=1, mode="half-even", stage="total")
    # half-even: 0.25 → 0.2 (to the even digit)
    assert rounding.round(0.25) == 0.2
    assert rounding.stage == "total"
    with pytest.raises(ValueError, match="rounding mode"):
        Rounding(mode="sideways")  # type: ignore[arg-type]
