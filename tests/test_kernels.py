"""The scoring kernels' quick paths give what their definitions give.

Each kernel has a quick path, computed in place, for the common case (every
target finite and non-zero, one direction per group of columns).  Here each is
compared with its definition written out element by element, in plain Python,
on values that include the awkward ones: zero, negative zero, infinities, NaN,
overflowing ratios and values right on the target.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from perfkpi import _kernels

AWKWARD = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-300, -1e-300, 1e300, 5e-324]

actuals = st.lists(
    st.one_of(st.sampled_from(AWKWARD), st.floats(allow_nan=True)),
    min_size=1,
    max_size=6,
)
targets = st.floats(min_value=-1e6, max_value=1e6, allow_subnormal=True).filter(
    lambda t: t != 0
)
points = st.floats(min_value=0, max_value=100)


def _clip(x: float) -> float:
    return x if math.isnan(x) else min(max(x, 0.0), 1.0)


def _attainment(a: float, t: float, higher: bool) -> float:
    """The definition: B/A or A/B; 0/0 is 1 when met, an infinite ratio 1 or 0."""
    if math.isnan(a) or math.isnan(t):
        return math.nan
    num, den = (a, t) if higher else (t, a)
    if den == 0:
        ratio = (
            math.nan
            if num == 0
            else math.copysign(math.inf, num) * (math.copysign(1.0, den))
        )
    else:
        try:
            ratio = num / den
        except OverflowError:  # pragma: no cover (floats overflow to inf)
            ratio = math.inf
    if math.isnan(ratio):
        return 1.0
    if math.isinf(ratio):
        return 1.0 if ratio > 0 else 0.0
    return ratio


def _same(got: np.ndarray, expected: list[float]) -> None:
    for g, e in zip(got.tolist(), expected, strict=True):
        assert (math.isnan(g) and math.isnan(e)) or g == e, (got, expected)


def _column(values: list[float]) -> np.ndarray:
    return np.array(values).reshape(-1, 1)


@given(actuals, targets, points, st.booleans())
def test_proportional_is_points_times_clipped_attainment(
    values: list[float], target: float, full: float, higher: bool
) -> None:
    got = _kernels.proportional(
        _column(values), np.array([target]), np.array([full]), np.array([higher])
    )
    expected = [full * _clip(_attainment(a, target, higher)) for a in values]
    _same(got[:, 0], expected)


@given(actuals, targets, points, st.booleans())
def test_shortfall_is_points_times_clipped_one_minus_attainment(
    values: list[float], target: float, full: float, higher: bool
) -> None:
    got = _kernels.shortfall(
        _column(values), np.array([target]), np.array([full]), np.array([higher])
    )
    expected = [full * _clip(1.0 - _attainment(a, target, higher)) for a in values]
    _same(got[:, 0], expected)


@given(actuals, targets, points)
def test_lower_linear_falls_from_the_target_to_twice_it(
    values: list[float], target: float, full: float
) -> None:
    got = _kernels.lower_linear(_column(values), np.array([target]), np.array([full]))
    expected = []
    for a in values:
        if math.isnan(a):
            fraction = math.nan
        elif a <= target:
            fraction = 1.0
        else:
            with np.errstate(all="ignore"):  # inf - inf and the like, as numpy
                fraction = float(1.0 - (np.float64(a) - target) / np.float64(target))
        expected.append(full * _clip(fraction))
    _same(got[:, 0], expected)


@given(actuals, targets, points)
def test_distance_falls_with_the_gap_to_the_target(
    values: list[float], target: float, full: float
) -> None:
    got = _kernels.distance(_column(values), np.array([target]), np.array([full]))
    expected = []
    for a in values:
        if math.isnan(a):
            fraction = math.nan
        else:
            with np.errstate(all="ignore"):
                gap = abs(np.float64(a) - target) / abs(np.float64(target))
                fraction = float(1.0 - gap)
        expected.append(full * _clip(fraction))
    _same(got[:, 0], expected)


@given(actuals, targets, st.booleans())
def test_excess_is_the_distance_past_the_line(
    values: list[float], line: float, higher: bool
) -> None:
    got = _kernels.excess(_column(values), np.array([line]), np.array([higher]))
    expected = []
    for a in values:
        with np.errstate(all="ignore"):
            past = float(np.float64(line) - a if higher else np.float64(a) - line)
        expected.append(past if math.isnan(past) else max(past, 0.0))
    _same(got[:, 0], expected)


def test_mixed_directions_and_zero_targets_take_the_general_path() -> None:
    # two columns: ≥90 (higher) and ≤0 (lower, zero target); rows 95 and 0
    values = np.array([[95.0, 0.0], [45.0, 3.0]])
    got = _kernels.proportional(
        values, np.array([90.0, 0.0]), np.array([10.0, 4.0]), np.array([True, False])
    )
    # 95/90 caps at 1 → 10; a zero target met by 0 → 4; 45/90 → 5; 0/3 → 0
    assert got.tolist() == [[10.0, 4.0], [5.0, 0.0]]


@given(actuals, targets, targets, points)
def test_proportional_with_both_directions_in_one_group(
    values: list[float], up: float, down: float, full: float
) -> None:
    # one group of two columns, ≥up and ≤down, each row the same actual in both
    block = np.column_stack([values, values])
    got = _kernels.proportional(
        block, np.array([up, down]), np.array([full, full]), np.array([True, False])
    )
    _same(got[:, 0], [full * _clip(_attainment(a, up, True)) for a in values])
    _same(got[:, 1], [full * _clip(_attainment(a, down, False)) for a in values])


@given(
    st.lists(
        st.lists(st.floats(-1e6, 1e6), min_size=12, max_size=12),
        min_size=1,
        max_size=4,
    ),
    st.lists(st.integers(1, 11), max_size=4, unique=True),
)
def test_a_parent_sums_its_children_left_to_right_whatever_the_rows(
    rows: list[list[float]], cuts: list[int]
) -> None:
    from perfkpi.plan import _sums

    # segments of 12 columns cut at *cuts*; a segment of 9 or more columns is
    # where numpy's own sum of a single row goes pairwise
    offsets = np.array(sorted({0, *cuts}))
    block = np.array(rows)
    bounds = [*offsets.tolist(), 12]
    expected = []
    for row in rows:
        sums = []
        for a, b in itertools.pairwise(bounds):
            total = row[a]
            for value in row[a + 1 : b]:
                total += value  # as a person adds, one after the other
            sums.append(total)
        expected.append(sums)
    assert _sums(block, offsets).tolist() == expected
    # one entity alone gets the same bits as inside a block
    for i, row in enumerate(rows):
        assert _sums(np.array([row]), offsets).tolist() == [expected[i]]


@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from([0.0, 0.5, 1.0, math.nan])), min_size=1
    ),
    st.floats(min_value=-10, max_value=10),
)
def test_met_selections_are_the_wheres_they_stand_for(
    cells: list[tuple[bool, float]], full: float
) -> None:
    # a score in [0, points] (a fraction of the points) or NaN, where NaN is
    # never met; negative points take np.where itself
    met = np.array([m and not math.isnan(f) for m, f in cells])
    scores = np.array([f * full for _, f in cells])
    points = np.array(full)
    expected_full = [
        full if m else s for m, s in zip(met, scores.tolist(), strict=True)
    ]
    _same(_kernels.full_where_met(met, points, scores.copy()), expected_full)
    _same(
        _kernels.zero_where_met(met, scores.copy(), points),
        [0.0 if m else s for m, s in zip(met, scores.tolist(), strict=True)],
    )
    _same(_kernels.points_where(met, points), [full if m else 0.0 for m in met])
    _same(_kernels.unmet_penalty(met, points), [0.0 if m else full for m in met])
