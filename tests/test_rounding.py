"""Rounding: decimal-correct half-up and the other modes."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi import Rounding
from perfkpi.rounding import RoundingMode, round_array

# (value, places, mode, expected) — the expected value is what a person writing
# the number on paper gets.
CASES = [
    (2.675, 2, "half-up", 2.68),  # binary 2.67499999... but written 2.675
    (0.125, 2, "half-up", 0.13),
    (45.980000000000004, 2, "half-up", 45.98),  # float noise from 40 + 5.98
    (9.98, 2, "half-up", 9.98),
    (0.045, 2, "half-up", 0.05),
    (1.005, 2, "half-up", 1.01),
    (-2.675, 2, "half-up", -2.68),  # half away from zero
    (2.665, 2, "half-even", 2.66),
    (2.675, 2, "half-even", 2.68),
    (9.9872, 2, "truncate", 9.98),
    (45.98, 2, "truncate", 45.98),  # 45.98 * 100 is 4597.999... in binary
    (9.9812, 2, "up", 9.99),
    (9.98, 2, "up", 9.98),  # no further digit: nothing to round up
    (37.24 / 43.2 * 10, 0, "half-up", 9.0),  # 8.62 reported as whole points: 9
    (88.625, 2, "half-up", 88.63),
    (0.0, 2, "half-up", 0.0),
    # sums of rounded scores carry float noise that must not cross a boundary
    (4.7 + 5.4, 1, "up", 10.1),  # 10.100000000000001
    (0.7 + 0.1, 1, "truncate", 0.8),  # 0.7999999999999999
    (0.3 + 0.035, 2, "half-up", 0.34),  # 0.33499999999999996
]


@pytest.mark.parametrize(("value", "places", "mode", "expected"), CASES)
def test_round_cases(value: float, places: int, mode: str, expected: float) -> None:
    assert Rounding(places=places, mode=mode).round(value) == expected


def test_round_array_keeps_nan_and_shape() -> None:
    values = np.array([[2.675, np.nan], [0.125, 45.980000000000004]])
    out = round_array(values, 2, RoundingMode.HALF_UP)
    assert out.shape == (2, 2)
    assert np.isnan(out[0, 1])
    assert [out[0, 0], out[1, 0], out[1, 1]] == [2.68, 0.13, 45.98]


def _reference(value: float, places: int, mode: str) -> float:
    """Round the number as written, with :mod:`decimal`.

    A value within 8 units in the last place of a rounding boundary (a grid
    point for the directed modes, a half for the others) counts as on it: that
    is float noise from arithmetic, not a digit anyone wrote.
    """
    modes = {
        "half-up": decimal.ROUND_HALF_UP,
        "half-even": decimal.ROUND_HALF_EVEN,
        "truncate": decimal.ROUND_DOWN,
        "up": decimal.ROUND_UP,
    }
    quantum = decimal.Decimal(1).scaleb(-places)
    written = decimal.Decimal(repr(value))
    if mode in ("truncate", "up"):
        boundary = written.quantize(quantum, rounding=decimal.ROUND_HALF_EVEN)
    else:
        low = written.quantize(quantum, rounding=decimal.ROUND_FLOOR)
        boundary = low + quantum / 2
    if abs(value - float(boundary)) <= 8 * math.ulp(float(boundary)):
        written = boundary
    return float(written.quantize(quantum, rounding=modes[mode]))


@given(
    st.integers(min_value=-(10**10), max_value=10**10),
    st.sampled_from(["half-up", "half-even", "truncate", "up"]),
    st.integers(min_value=0, max_value=3),
)
def test_agrees_with_decimal_on_four_decimal_places(
    units: int, mode: str, places: int
) -> None:
    value = units / 10_000  # every number with up to 4 decimal places
    assert Rounding(places=places, mode=mode).round(value) == _reference(
        value, places, mode
    )


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.sampled_from(["half-up", "half-even", "truncate", "up"]),
)
def test_agrees_with_decimal_on_any_float(value: float, mode: str) -> None:
    assert Rounding(mode=mode).round(value) == _reference(value, 2, mode)


@given(st.lists(st.integers(-(10**8), 10**8), min_size=1, max_size=50))
def test_array_equals_scalar(units: list[int]) -> None:
    values = np.array(units) / 1000
    rounding = Rounding()
    assert list(rounding.round(values)) == [rounding.round(float(v)) for v in values]


def test_rejects_unknown_mode() -> None:
    with pytest.raises(ValueError, match="banker"):
        Rounding(mode="banker")
