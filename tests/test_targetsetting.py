"""Proposing targets from history, a plan or a spending standard."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from perfkpi import DataError, IncompatibleUnitError, Indicator
from perfkpi.targetsetting import TargetProposal, propose_target, propose_targets

RATE = Indicator(code="r", name="办结率", unit="%", direction="higher")
COST = Indicator(code="c", name="单位成本控制率", unit="%", direction="lower")


# -- one indicator -----------------------------------------------------------------

# (history, method, expected target, expected method); every figure by hand
PROPOSALS = [
    # mean of 96, 97, 98 = 291 / 3 = 97
    ([96, 97, 98], "three-year-mean", "≥97%", "three-year-mean"),
    # auto: last year's 98 is better than the mean 97, so 98
    ([96, 97, 98], "auto", "≥98%", "last-year"),
    # auto: mean of 98, 96, 97 = 97 and last year 97 is not better: the mean
    ([98, 96, 97], "auto", "≥97%", "three-year-mean"),
    # only the last three count: mean of 90, 91, 92 = 91; last year 92 wins
    ([50, 90, 91, 92], "three-year-mean", "≥91%", "three-year-mean"),
    # fewer than three years: last year's actual
    ([96, 97.5], "auto", "≥97.5%", "last-year"),
    ([97.5], "auto", "≥97.5%", "last-year"),
    ([96, 97, 98], "last-year", "≥98%", "last-year"),
    # 96 + 97 + 97.5 = 290.5, / 3 = 96.8333… → 96.83 (half-up, 2 places)
    ([96, 97, 97.5], "three-year-mean", "≥96.83%", "three-year-mean"),
]


@pytest.mark.parametrize(("history", "method", "target", "used"), PROPOSALS)
def test_proposal_from_history(
    history: list[float], method: str, target: str, used: str
) -> None:
    p = propose_target(RATE, history, method=method)  # type: ignore[arg-type]
    assert (str(p.target), p.method, p.basis) == (target, used, "历史标准")


def test_lower_is_better_takes_the_lower_figure() -> None:
    # mean of 104, 103, 98 = 305 / 3 = 101.67; last year's 98 is lower (better)
    p = propose_target(COST, [104, 103, 98])
    assert (str(p.target), p.method) == ("≤98%", "last-year")
    # mean of 98, 103, 104 = 101.67; last year's 104 is worse: the mean
    p = propose_target(COST, [98, 103, 104])
    assert (str(p.target), p.method) == ("≤101.67%", "three-year-mean")


def test_standard_caps_a_cost_indicator() -> None:
    # the mean 101.67 is above the standard 100: the standard is the target
    p = propose_target(COST, [98, 103, 104], standard=100)
    assert (str(p.target), p.basis, p.figures) == ("≤100%", "预算支出标准", (100.0,))
    # 98 is within the standard: history stays the basis
    p = propose_target(COST, [104, 103, 98], standard=100)
    assert (str(p.target), p.basis) == ("≤98%", "历史标准")
    # nothing but the standard
    p = propose_target(COST, standard="100%")
    assert (str(p.target), p.method) == ("≤100%", "standard")


def test_plan_comes_first() -> None:
    p = propose_target(RATE, [96, 97, 98], plan=95)
    assert (str(p.target), p.basis, p.figures) == ("≥95%", "计划标准", (95.0,))
    assert p.reason("en") == "plan standard: the plan figure 95%"
    # a plan above a cost indicator's standard is capped
    p = propose_target(COST, plan=104, standard=100)
    assert (str(p.target), p.method) == ("≤100%", "standard")


def test_places() -> None:
    # 290.5 / 3 = 96.8333…: one place 96.8, none 97
    assert propose_target(RATE, [96, 97, 97.5], places=1).target.value == 97.5
    one = propose_target(RATE, [96, 97, 97.5], method="three-year-mean", places=1)
    none = propose_target(RATE, [96, 97, 97.5], method="three-year-mean", places=0)
    assert (one.target.value, none.target.value) == (96.8, 97.0)


def test_reasons_say_the_basis_and_the_figures() -> None:
    p = propose_target("预算执行率", [96, 97, 98], method="three-year-mean")
    assert p.reason() == "历史标准：近三年实际值96%、97%、98%的平均值为97%"
    assert p.reason("en") == (
        "historical standard: the mean of the last three years' actuals "
        "96%, 97%, 98% is 97%"
    )
    p = propose_target("预算执行率", [97.5])
    assert p.reason() == "历史标准：取上年实际值97.5%（实际值不足三年）"
    d = p.to_dict()
    assert (d["target"], d["basis"], d["method"], d["figures"]) == (
        "≥97.5%",
        "历史标准",
        "last-year",
        [97.5],
    )


def test_text_figures_are_converted_to_the_indicators_unit() -> None:
    # 60, 30, 45 minutes = 1, 0.5, 0.75 hours; mean 0.75 and last year 0.75
    p = propose_target("系统故障平均响应时间", ["60分钟", "30分钟", "45分钟"])
    assert (str(p.target), p.method) == ("≤0.75小时", "three-year-mean")


# (arguments, error, words of the message); why each is bad
BAD = [
    # NaN is not an actual
    ((RATE, [96, math.nan, 98]), DataError, "history[1]"),
    ((RATE, [96, "abc"]), DataError, "history[1]"),
    # a count is not a time
    (("系统故障平均响应时间", ["5件"]), IncompatibleUnitError, "count"),
    # nothing to propose from
    ((RATE, []), ValueError, "no history, plan or spending standard"),
    # a qualitative indicator has no figure
    (("绩效目标合理性", [1]), ValueError, "qualitative"),
    # not a list
    ((RATE, "96"), TypeError, "history must be a list"),
    ((3, [96]), TypeError, "indicator must be"),
    (("没有这个指标", [96]), KeyError, "no indicator"),
]


@pytest.mark.parametrize(("args", "error", "words"), BAD)
def test_bad_input(
    args: tuple[object, ...], error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=re.escape(words)):
        propose_target(*args)  # type: ignore[arg-type]


def test_bad_options() -> None:
    with pytest.raises(ValueError, match="ceiling for a lower-is-better"):
        propose_target(RATE, [96], standard=100)
    with pytest.raises(ValueError, match="needs three years"):
        propose_target(RATE, [96, 97], method="three-year-mean")
    with pytest.raises(ValueError, match="no plan figure"):
        propose_target(RATE, [96], method="plan")
    with pytest.raises(ValueError, match="method must be one of"):
        propose_target(RATE, [96], method="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="places must be"):
        propose_target(RATE, [96], places=-1)


# -- a whole table -----------------------------------------------------------------


def test_table_of_rows() -> None:
    history = np.array(
        [
            [96, 97, 98],  # higher: last year 98 beats the mean 97
            [98, 96, 97],  # higher: the mean 97
            [98, 103, 104],  # lower, standard 100: the mean 101.67 capped at 100
            [90, np.nan, 92],  # NaN in the window: no proposal
        ]
    )
    out = propose_targets(
        history,
        direction=["higher", "higher", "lower", "higher"],
        standard=[np.nan, np.nan, 100, np.nan],
        unit="%",
    )
    assert out.value[:3].tolist() == [98.0, 97.0, 100.0]
    assert math.isnan(out.value[3])
    assert out.methods == ("last-year", "three-year-mean", "standard", "")
    assert out.bases == ("历史标准", "历史标准", "预算支出标准", "")
    assert out.comparators == ("≥", "≥", "≤", "≥")
    assert out.problems == {
        3: "year column 1 of the history is not a finite number (NaN)"
    }
    assert str(out.proposal(2).target) == "≤100%"
    with pytest.raises(ValueError, match="row 3"):
        out.proposal(3)
    assert out.to_dict()["target"] == [98.0, 97.0, 100.0, None]


def test_table_of_columns_with_plans() -> None:
    table = {
        "department": ["甲", "乙"],
        "2021": [96.0, 80.0],
        "2022": [97.0, 85.0],
        "plan": [np.nan, 90.0],
    }
    out = propose_targets(table, years=("2021", "2022"), plan="plan")
    # two years: last year's 97; 乙 has a plan of 90
    assert out.value.tolist() == [97.0, 90.0]
    assert out.methods == ("last-year", "plan")


def test_table_agrees_with_one_at_a_time() -> None:
    rng = np.random.default_rng(7)
    history = rng.uniform(80, 100, size=(40, 3)).round(2)
    higher = rng.random(40) > 0.5
    out = propose_targets(
        history, direction=np.where(higher, "higher", "lower"), unit="%"
    )
    for row in range(40):
        one = propose_target(RATE if higher[row] else COST, history[row].tolist())
        assert (out.value[row], out.methods[row]) == (one.target.value, one.method)


def test_table_errors() -> None:
    with pytest.raises(DataError, match="row 0"):
        propose_targets([[np.nan]], errors="raise")
    with pytest.raises(DataError, match="years="):
        propose_targets({"2022": [1.0]})
    with pytest.raises(DataError, match="no column '2023'"):
        propose_targets({"2022": [1.0]}, years=["2023"])
    with pytest.raises(DataError, match="'higher' or 'lower'"):
        propose_targets([[1.0]], direction=["up"])
    with pytest.raises(DataError, match="2 values, one per row"):
        propose_targets([[1.0], [2.0]], plan=[1.0])
    with pytest.raises(DataError, match="2-D"):
        propose_targets([1.0, 2.0])  # type: ignore[list-item]
    with pytest.raises(DataError, match="expected numbers"):
        propose_targets([["96%"]])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="errors must be"):
        propose_targets([[1.0]], errors="skip")  # type: ignore[arg-type]


def test_standard_on_a_higher_row_is_a_bad_row() -> None:
    out = propose_targets([[96.0]], standard=100)
    assert out.problems[0].startswith("a spending standard is a ceiling")


def test_proposal_is_a_record() -> None:
    p = propose_target(RATE, [96])
    assert isinstance(p, TargetProposal)
    assert p.history == (96.0,)
