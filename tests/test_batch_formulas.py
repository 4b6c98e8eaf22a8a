"""evaluate_batch() with formula inputs: hand-computed rows, every input form,
and the property that every row of the batch is evaluate() of that row."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from perfkpi import (
    Data,
    DataError,
    Node,
    PerfKPIError,
    Proportional,
    Scheme,
    evaluate,
    evaluate_batch,
)
from perfkpi.batch import BatchResult
from perfkpi.formulas import _scaled, _scaled_array
from perfkpi.indicators import Indicator
from perfkpi.rules import Bands, LowerLinear

RATE = Indicator("rate", "预算执行率", unit="%", formula="实际支出 / 预算数")
CHANGE = Indicator("change", "变动率", unit="%", formula="(本年 - 上年) / 上年")
PER_MILLE = Indicator("pm", "差错率", unit="‰", formula="差错 / 预算数")


def _rates() -> Scheme:
    """Two nodes computing 实际支出 / 预算数: against ≥90 % and ≥100 %."""
    return Scheme.from_nodes(
        "s",
        "s",
        [
            Node(
                "1",
                "执行率",
                points=10,
                target="≥90%",
                rule=Proportional(),
                indicator=RATE,
            ),
            Node(
                "2",
                "执行率",
                points=10,
                target="≥100%",
                rule=Proportional(),
                indicator=RATE,
            ),
        ],
        points=20,
    )


def test_hand_computed_rates() -> None:
    batch = evaluate_batch(
        _rates(),
        {
            "input:实际支出": [95, 80, 100],
            "input:预算数": [100, 100, 80],
        },
    )
    # 95 / 100 = 95 %: ≥90 % met, so 10; against ≥100 % 10 × 0.95 = 9.5
    # 80 / 100 = 80 %: 10 × 80/90 = 8.888… → 8.89; 10 × 0.8 = 8
    # 100 / 80 = 125 %: both met, 10 each
    assert batch.scores["1"].tolist() == [10.0, 8.89, 10.0]
    assert batch.scores["2"].tolist() == [9.5, 8.0, 10.0]
    assert batch.total.tolist() == [19.5, 16.89, 20.0]


def test_own_inputs_win_over_shared_ones() -> None:
    batch = evaluate_batch(
        _rates(),
        {
            "input:实际支出": [90.0, 90.0],
            "input:预算数": [100.0, 100.0],
            "input:2:实际支出": [100.0, None],  # row 1: node 2 has none of its own
        },
    )
    # row 0: node 1 90 % (10), node 2 100/100 = 100 % (10)
    # row 1: node 2 takes the shared 90 / 100 = 90 %: 10 × 0.9 = 9
    assert batch.scores["2"].tolist() == [10.0, 9.0]
    assert batch.total.tolist() == [20.0, 19.0]


def test_an_actual_beside_shared_inputs_wins() -> None:
    batch = evaluate_batch(
        _rates(),
        {
            "1": [None, "85%"],
            "input:实际支出": [95.0, 95.0],
            "input:预算数": [100.0, 100.0],
        },
    )
    # row 0: no actual, computed 95 % (10); row 1: the given 85 %: 10 × 85/90
    assert batch.scores["1"].tolist() == [10.0, 9.44]


def test_an_actual_beside_own_inputs_must_agree() -> None:
    batch = evaluate_batch(
        _rates(),
        {
            "2": [95.0, 96.0],
            "input:2:实际支出": [95.0, 95.0],
            "input:2:预算数": [100.0, 100.0],
            "input:实际支出": [1.0, 1.0],
            "input:预算数": [1.0, 1.0],
        },
    )
    assert batch.scores["2"][0] == 9.5
    assert batch.reasons[1] == (
        "both an actual (96.0) and inputs giving 95.0; give one @ inputs.2"
    )


def test_bad_rows_say_what_evaluate_says() -> None:
    table: dict[str, list[Any]] = {
        "input:实际支出": [5.0, None, math.nan, "x", "95%", 1e308],
        "input:预算数": [0.0, 100.0, 100.0, 100.0, 1.0, 1e-308],
    }
    batch = evaluate_batch(_rates(), table)
    assert batch.reasons[0] == (
        "division by zero in '实际支出 / 预算数' at character 5 (预算数 is 0) @ 1"
    )
    assert batch.reasons[1] == "missing input '实际支出' for '实际支出 / 预算数' @ 1"
    assert batch.reasons[2] == (
        "input '实际支出' is not finite in '实际支出 / 预算数' at character 0 @ 1"
    )
    assert batch.reasons[3].startswith("input '实际支出' is not a number")
    # "95%" is 0.95: 0.95 / 1 = 95 %
    assert batch.scores["2"][4] == 9.5
    assert batch.reasons[5] == (
        "result too large for a number in '实际支出 / 预算数' at character 5 @ 1"
    )
    for row in range(len(batch)):
        _same_row(batch, _rates(), table, row)


def test_per_mille_and_exact_percentages() -> None:
    scheme = Scheme.from_nodes(
        "s",
        "s",
        [
            Node(
                "1",
                "差错率",
                points=10,
                target="≤5‰",
                rule=Proportional(),
                indicator=PER_MILLE,
            ),
            Node(
                "2",
                "变动率",
                points=10,
                target="≤20%",
                rule=LowerLinear(),
                indicator=CHANGE,
            ),
        ],
        points=20,
    )
    batch = evaluate_batch(
        scheme,
        {
            "input:差错": [3.0, 10.0],
            "input:预算数": [1000.0, 1000.0],
            "input:本年": [107.0, 128.5],
            "input:上年": [100.0, 100.0],
        },
    )
    # 3 / 1000 = 3 ‰ ≤ 5 ‰: 10; 10 / 1000 = 10 ‰: 10 × 5/10 = 5
    assert batch.scores["1"].tolist() == [10.0, 5.0]
    # 7 % ≤ 20 %: 10; 28.5 % (0.285 read as 28.5, not 28.499999999999996):
    # lower-linear, 8.5 points over the target, lose 10 × 8.5/20 = 4.25
    assert batch.scores["2"].tolist() == [10.0, 5.75]


def test_input_columns_are_checked_up_front() -> None:
    scheme = _rates()
    with pytest.raises(DataError, match="inputs for unknown node '9'"):
        evaluate_batch(scheme, {"input:9:实际支出": [1.0]})
    with pytest.raises(DataError, match="given twice"):
        evaluate_batch(scheme, {"input:实际支出": [1.0], "input:实际 支出": [1.0]})
    with pytest.raises(DataError, match=r"expected input:<name>"):
        evaluate_batch(scheme, {"input:1: ": [1.0], "1": [1.0], "2": [1.0]})
    plain = Scheme.from_nodes(
        "p",
        "p",
        [Node("1", "a", points=10, target="≥90%", rule=Proportional())],
        points=10,
    )
    with pytest.raises(DataError, match="node 1 has no formula to take inputs"):
        evaluate_batch(plain, {"1": [1.0], "input:1:a": [1.0]})
    # a shared input no formula reads is listed with the ignored columns
    batch = evaluate_batch(plain, {"1": [90.0], "input:其他": [1.0]})
    assert batch.ignored == ("input:其他",)
    # a node with neither its actual nor inputs is still a missing column
    with pytest.raises(DataError, match="missing columns '2'"):
        evaluate_batch(scheme, {"input:1:实际支出": [1.0], "input:1:预算数": [1.0]})


def _frame_table() -> dict[str, list[Any]]:
    return {
        "单位": ["a", "b", "c"],
        "input:实际支出": [95.0, 5.0, 80.0],
        "input:预算数": [100.0, 0.0, 100.0],
    }


def _check_frame_result(batch: BatchResult) -> None:
    assert batch.total[0] == 19.5
    assert math.isnan(batch.total[1])
    assert batch.total[2] == 16.89
    assert batch.reasons[1].startswith("division by zero")


def test_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "单位,input:实际支出,input:预算数\na,95,100\nb,5,0\nc,80,100\n",
        encoding="utf-8",
    )
    _check_frame_result(evaluate_batch(_rates(), path, id_column="单位"))
    with path.open(encoding="utf-8") as stream:  # the csv module
        _check_frame_result(evaluate_batch(_rates(), stream, id_column="单位"))


def test_pandas_and_pyarrow_frames() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("narwhals")
    _check_frame_result(evaluate_batch(_rates(), pd.DataFrame(_frame_table())))
    _check_frame_result(evaluate_batch(_rates(), pa.table(_frame_table())))


def test_cli_batch_with_inputs(tmp_path: Path) -> None:
    from perfkpi.cli import main

    scheme = tmp_path / "s.toml"
    scheme.write_text(
        """\
[scheme]
id = "s"
name = "s"
points = 10

[[node]]
code = "1"
name = "预算执行率"
points = 10
target = "≥100%"
rule = "proportional"
formula = "实际支出 / 预算数"
""",
        encoding="utf-8",
    )
    table = tmp_path / "t.csv"
    table.write_text("input:实际支出,input:预算数\n95,100\n1,0\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["batch", str(scheme), str(table), "-o", str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    # 95 / 100 = 95 % of ≥100 %: 10 × 0.95 = 9.5
    assert lines[1].startswith("9.5,")
    assert "division by zero" in lines[2]


# -- the property: a batch row is evaluate() of that row -----------------------

NAMES = ("实际支出", "预算数", "上年")
FORMULAS = (
    "实际支出 / 预算数",
    "(实际支出 - 上年) / 上年",
    "max(实际支出, 预算数) / 100",
    "实际支出 × 预算数",
)
TARGETS = ("≥90%", "≥100%", "≤20%", "≥95‰", "≥10")
CELLS = st.one_of(
    st.integers(-3, 300).map(float),
    st.integers(0, 3000).map(lambda n: n / 100),
    # 1e200 × 1e200 overflows; a finite actual near 1e308 is left out, as
    # evaluate()'s wording of it overflows (a warning) in the scalar path
    st.sampled_from([0.0, 1e200, -1e200, math.nan]),
    st.integers(0, 200),
)
ODD_CELLS = st.sampled_from([None, None, "95%", "x", "3件", True, math.inf])


@st.composite
def _column(draw: st.DrawFn, rows: int) -> list[Any]:
    return [
        draw(ODD_CELLS) if draw(st.integers(0, 5)) == 0 else draw(CELLS)
        for _ in range(rows)
    ]


@st.composite
def schemes_and_tables(draw: st.DrawFn) -> tuple[Scheme, dict[str, list[Any]]]:
    rows = draw(st.integers(1, 6))
    nodes = []
    table: dict[str, list[Any]] = {}
    count = draw(st.integers(1, 3))
    for i in range(count):
        code = str(i + 1)
        formula = draw(st.sampled_from(FORMULAS))
        target = draw(st.sampled_from(TARGETS))
        unit = target.removeprefix("≥").removeprefix("≤").lstrip("0123456789")
        indicator = Indicator(f"i{i}", "x", unit=unit, formula=formula)
        rule = (
            Bands([{"when": "≤20%", "score": 5}, {"when": ">20%", "score": 1}])
            if draw(st.booleans()) and unit == "%"
            else Proportional()
        )
        nodes.append(
            Node(
                code,
                code,
                points=5,
                target=None if isinstance(rule, Bands) else target,
                rule=rule,
                indicator=indicator,
            )
        )
        if draw(st.booleans()):
            table[code] = [
                draw(st.sampled_from([None, 95.0, "95%", 20.0, math.nan]))
                for _ in range(rows)
            ]
        for name in NAMES:
            if draw(st.integers(0, 3)) == 0:
                table[f"input:{code}:{name}"] = draw(_column(rows))
    for name in NAMES:
        if draw(st.integers(0, 2)) > 0:
            table[f"input:{name}"] = draw(_column(rows))
    if draw(st.booleans()):
        table[f"na:{draw(st.sampled_from([n.code for n in nodes]))}"] = draw(
            st.lists(st.booleans(), min_size=rows, max_size=rows)
        )
    scheme = Scheme.from_nodes("gen", "gen", nodes, points=5 * count)
    return scheme, table


def _row_data(table: dict[str, list[Any]], i: int) -> Data:
    """The row as evaluate() takes it: an empty cell is a value not given."""
    actuals: dict[str, object] = {}
    inputs: dict[str, Any] = {}
    own: dict[str, dict[str, object]] = {}
    na = []
    for name, column in table.items():
        value = column[i]
        if name.startswith("na:"):
            if value:
                na.append(name[3:])
        elif value is None:
            continue
        elif name.startswith("input:"):
            code, sep, key = name[6:].partition(":")
            if sep:
                own.setdefault(code, {})[key] = value
            else:
                inputs[code] = value
        else:
            actuals[name] = value
    inputs.update(own)
    return Data(actuals=actuals, inputs=inputs, not_applicable=na)


def _same_row(
    batch: BatchResult, scheme: Scheme, table: dict[str, list[Any]], i: int
) -> None:
    raised: PerfKPIError | None = None
    try:
        ev = evaluate(scheme, _row_data(table, i))
    except PerfKPIError as exc:
        raised = exc
    if raised is not None:
        assert not batch.ok[i], (i, raised)
        error = batch.error(i)
        assert type(error) is type(raised)
        assert str(error) == str(raised)
        assert math.isnan(batch.total[i])
        return
    assert batch.ok[i], batch.reasons.get(i)
    assert batch.total[i] == ev.total
    assert batch.grades[i] == ev.grade
    for code in batch.codes:
        got = batch.scores[code][i]
        if code in ev.not_applicable:
            assert math.isnan(got), code
        else:
            assert got == ev.scores[code], code


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(schemes_and_tables())
def test_every_row_equals_evaluate_of_that_row(
    case: tuple[Scheme, dict[str, list[Any]]],
) -> None:
    scheme, table = case
    try:
        batch = evaluate_batch(scheme, table)
    except DataError as exc:
        # refused up front: only a node with neither its actual nor inputs
        refused = str(exc)
        assert "missing columns" in refused
        return
    for i in range(len(batch)):
        _same_row(batch, scheme, table, i)


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow])
@given(schemes_and_tables())
def test_csv_gives_the_same_batch(case: tuple[Scheme, dict[str, list[Any]]]) -> None:
    scheme, table = case
    text = io.StringIO()
    names = list(table)
    assume(names)  # a CSV file without columns has no header to write
    text.write(",".join(names) + "\n")
    for i in range(len(table[names[0]])):
        cells = ["" if table[n][i] is None else repr(table[n][i]) for n in names]
        cells = [c.strip("'") for c in cells]
        text.write(",".join(cells) + "\n")
    raw = text.getvalue().encode("utf-8")
    try:
        from_bytes = evaluate_batch(scheme, io.BytesIO(raw))
    except DataError:
        return
    from_text = evaluate_batch(scheme, io.StringIO(raw.decode("utf-8")))
    assert from_bytes == from_text


# -- reading a fraction in its unit ---------------------------------------------


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(10**9), 10**9).map(lambda n: n / 10**6),
            # products that land on a half: n.5 / 10**12
            st.integers(-(10**6), 10**6).map(lambda n: (n + 0.5) / 1e12),
        ),
        min_size=1,
        max_size=50,
    ),
    st.sampled_from([0.01, 0.001, 0.0001, 1.0, 0.3]),
)
def test_scaled_array_is_scaled_of_each(values: list[float], factor: float) -> None:
    got = _scaled_array(np.array(values), factor)
    want = np.array([_scaled(v, factor) for v in values])
    assert np.array_equal(got, want, equal_nan=True)
    assert (np.signbit(got) == np.signbit(want)).all()


def test_scaled_by_hand() -> None:
    # 0.285 is 0.28499999999999998…; in % to ten places: 28.5
    assert _scaled(0.285, 0.01) == 28.5
    # 20/21 = 0.952380952380952…: 95.2380952381 %
    assert _scaled(20 / 21, 0.01) == 95.2380952381
    # a half at the eleventh place goes to even: 0.5e-12 is 0.5e-10 %
    assert _scaled_array(np.array([0.07, 1e300]), 0.01).tolist() == [7.0, 1e302]


# -- the frame of a result -------------------------------------------------------


def test_pandas_frame_of_a_result() -> None:
    pd = pytest.importorskip("pandas")
    batch = evaluate_batch(
        _rates(), {"input:实际支出": [95.0, 1.0], "input:预算数": [100.0, 0.0]}
    )
    frame = batch.to_frame("pandas")
    assert isinstance(frame, pd.DataFrame)
    # the 2020 scale grades the total itself: 19.5 is below 60, 差; the bad
    # row has no grade
    assert frame["grade"].tolist() == ["差", ""]
    assert frame["grade"].cat.categories.tolist() == ["", "优", "良", "中", "差"]
    assert frame["total"].iloc[0] == 19.5
    assert frame["reason"].iloc[0] == ""
    # the frame's scores are its own: changing them leaves the result alone
    frame.loc[0, "total"] = 0.0
    assert batch.total[0] == 19.5


def test_ambiguity_warnings_point_at_the_caller() -> None:
    from perfkpi.errors import AmbiguousValueWarning
    from perfkpi.years import compare_years

    scheme = Scheme.from_nodes(
        "p",
        "p",
        [Node("1", "a", points=10, target="≥99%", rule=Proportional())],
        points=10,
    )
    # 0.995 reads as 0.995 % or, as a fraction, 99.5 %
    with pytest.warns(AmbiguousValueWarning) as caught:
        evaluate_batch(scheme, {"1": [0.995]})
    assert caught[0].filename == __file__
    with pytest.warns(AmbiguousValueWarning) as caught:
        compare_years(
            scheme,
            {"id": ["a"], "year": [2023], "1": [0.995]},
            id_column="id",
            year_column="year",
        )
    assert caught[0].filename == __file__
