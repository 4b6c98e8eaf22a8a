"""Indicators: what the definition refuses."""

from __future__ import annotations

import pytest

from perfkpi import Indicator


def test_indicator_refuses_wrong_types() -> None:
    with pytest.raises(TypeError, match=r"an indicator's code must be text \(got 1\)"):
        Indicator(1, "预算执行率")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"category must be a list of text \(got '产出'"
    ):
        Indicator("r", "预算执行率", category="产出")  # text alone is not a list
    with pytest.raises(TypeError, match="an indicator's basis must be text"):
        Indicator("r", "预算执行率", basis=None)  # type: ignore[arg-type]


def test_indicator_refuses_unknown_direction() -> None:
    with pytest.raises(
        ValueError,
        match=r"'higher', 'lower' or 'qualitative' \(got '正向'\)",
    ):
        Indicator("r", "预算执行率", direction="正向")  # type: ignore[arg-type]
