"""evaluate_batch(): hand-computed tables, every input form, bad rows, and the
property that every row of a batch is evaluate() of that row."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi import (
    BatchResult,
    Data,
    DataError,
    Deduct,
    Finding,
    IncompatibleUnitError,
    Node,
    PerfKPIError,
    Proportional,
    Scheme,
    Shortfall,
    Sum,
    evaluate,
    evaluate_batch,
    load_scheme,
)
from perfkpi.batch import evaluate_dask
from perfkpi.deductions import Adjustment
from perfkpi.grades import CN_2020
from perfkpi.rules import (
    AllOrNothing,
    Bands,
    Categorical,
    Checklist,
    Distance,
    Equal,
    Goalposts,
    Grade,
    GradeTable,
    LowerLinear,
    Mean,
    PerBlock,
    PerPoint,
    Qualitative,
    Rule,
    WeakestLink,
)
from perfkpi.scheme import Override

SCHEMES = Path(__file__).parent / "schemes"


def _two_level() -> Scheme:
    """产出 60 (two proportional leaves) and 管理 40 (deduct with three items)."""
    return Scheme.from_nodes(
        "small",
        "small",
        [
            Node("1", "产出", points=60, rule=Sum()),
            Node(
                "1.1",
                "完成率",
                parent="1",
                points=40,
                target="≥100%",
                rule=Proportional(),
            ),
            Node(
                "1.2",
                "响应时间",
                parent="1",
                points=20,
                target="≤2小时",
                rule=Proportional(),
            ),
            Node("2", "管理", points=40, rule=Deduct(per_unmet=2)),
            Node(
                "2.1",
                "中小企业份额",
                parent="2",
                target="≥100%",
                rule=Shortfall(points=4),
            ),
            Node("2.2", "制度健全", parent="2", target="是"),
        ],
    )


GOOD: dict[str, list[Any]] = {
    "1.1": [87.5, 100, 120, 50],
    "1.2": ["150分钟", "2小时", 1, "3小时"],
    "2.1": ["80%", 100, "100%", 50],
    "2.2": ["否", "是", "是", "否"],
    "findings:2": [1.25, 0, 0, 30],
}


# -- hand-computed -------------------------------------------------------------


def test_hand_computed_rows() -> None:
    batch = evaluate_batch(_two_level(), GOOD)
    # row 0: 1.1 40 × 87.5/100 = 35; 1.2 150 min = 2.5 h → 20 × 2/2.5 = 16;
    #        2: 40 − 4 × (1 − 0.8) − 2 (unmet 是) − 1.25 = 35.95 → 51 + 35.95
    # row 1: everything met: 100
    # row 2: 1.1 capped at 40; 1.2 1 hour ≤ 2: 20; 2: 40 → 100
    # row 3: 1.1 20; 1.2 20 × 2/3 = 13.33; 2: 40 − 2 − 2 − 30 = 6 → 33.33 + 6
    assert batch.total.tolist() == [86.95, 100, 100, 39.33]
    assert batch.grades.tolist() == ["良", "优", "优", "差"]
    assert batch.scores["1"].tolist() == [51, 60, 60, 33.33]
    assert batch.scores["1.2"].tolist() == [16, 20, 20, 13.33]
    assert batch.scores["2"].tolist() == [35.95, 40, 40, 6]
    # an item's column is the points it cost its parent
    assert batch.scores["2.1"].tolist() == [0.8, 0, 0, 2]
    assert batch.ok.all()
    assert dict(batch.reasons) == {}
    assert len(batch) == 4


def test_result_shape_and_views() -> None:
    batch = evaluate_batch(_two_level(), GOOD)
    assert batch.codes == ("1", "2", "1.1", "1.2", "2.1", "2.2")
    assert batch.array.shape == (4, 7)
    assert np.shares_memory(batch.scores["1.1"], batch.array)
    assert batch.total is not None
    assert batch.total.tolist() == batch.array[:, -1].tolist()
    with pytest.raises(TypeError):
        batch.scores["1"] = np.zeros(4)  # type: ignore[index]


def test_same_as_evaluate_on_the_seed_scheme_without_items() -> None:
    # the seed's 管理效率 findings by row; its 履职效能 items come from data files,
    # so the batch gives 1.1's findings as a pre-computed column
    scheme = perfkpi.catalog.scheme("gz-dept-overall")
    seed = evaluate(scheme, perfkpi.catalog.data("gz-internet-court-2022"))
    table = {
        code: [seed.data.actuals[code]]
        for code in scheme_inputs(scheme)
        if code in seed.data.actuals
    }
    lost_11 = sum(d.points for d in seed.deductions_of("1.1"))
    lost_2 = sum(f.points or 0 for f in seed.data.findings if f.node == "2")
    table["findings:1.1"] = [lost_11]
    table["findings:2"] = [lost_2]
    batch = evaluate_batch(scheme, table)
    assert batch.total.tolist() == [88.63]
    assert batch.grades.tolist() == ["良"]
    assert (batch.scores["1"][0], batch.scores["2"][0]) == (45.98, 42.65)


def scheme_inputs(scheme: Scheme) -> tuple[str, ...]:
    from perfkpi.plan import compile_plan

    return compile_plan(scheme).inputs


# -- input forms ---------------------------------------------------------------


def test_two_dimensional_array_with_columns() -> None:
    scheme = Scheme.from_nodes(
        "a",
        "a",
        [
            Node("1", "a", points=50, target="≥100%", rule=Proportional()),
            Node("2", "b", points=50, target="≤20%", rule=LowerLinear()),
        ],
    )
    table = np.array([[100.0, 20.0], [50.0, 30.0], [80.0, 40.0]])
    batch = evaluate_batch(scheme, table, columns=["1", "2"])
    # 2: 50 × (1 − (30 − 20)/20) = 25; at twice the target 0
    assert batch.total.tolist() == [100, 25 + 25, 40 + 0]
    with pytest.raises(DataError, match="columns="):
        evaluate_batch(scheme, table)
    with pytest.raises(DataError, match="columns="):
        evaluate_batch(scheme, table, columns=["1"])


def test_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "departments.csv"
    path.write_text(
        "单位,1.1,1.2,2.1,2.2,findings:2\n"
        "甲,87.5,150分钟,80%,否,1.25\n"
        "乙,100,2小时,100,是,\n"
        "丙,,1,100%,是,0\n",
        encoding="utf-8",
    )
    batch = evaluate_batch(_two_level(), path, id_column="单位")
    assert batch.total[:2].tolist() == [86.95, 100]
    assert math.isnan(batch.total[2])
    assert batch.reasons[2] == "column '1.1': missing actual value"
    assert batch.ids is not None
    assert batch.ids.tolist() == ["甲", "乙", "丙"]
    assert batch.ignored == ()


_CSV_HEAD = "单位,1.1,1.2,2.1,2.2,findings:2\n"
_CSV_GOOD = ("甲,87.5,150分钟,80%,否,1.25\n", "乙,100,2小时,100,是,\n")


def test_ragged_rows_are_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        _CSV_HEAD
        + _CSV_GOOD[0]
        + "丙,100,2小时\n"  # line 3: three cells
        + "\n"  # a blank line is skipped, not a row
        + "丁,1,234.5,2小时,100%,是,0\n"  # line 5: an unquoted thousands separator
        + _CSV_GOOD[1],
        encoding="utf-8",
    )
    batch = evaluate_batch(_two_level(), path, id_column="单位")
    # the good rows score as in test_csv_file (甲 86.95, 乙 100)
    assert batch.total[[0, 3]].tolist() == [86.95, 100]
    assert np.isnan(batch.array[[1, 2]]).all()
    assert batch.grades.tolist() == ["良", "", "", "优"]
    assert dict(batch.reasons) == {
        1: f"3 cells, the header has 6 @ {path}:3",
        2: (
            "7 cells, the header has 6 (a number with a thousands separator, such "
            'as 1,234.5, must be quoted: "1,234.5", or written 1234.5) '
            f"@ {path}:5"
        ),
    }
    assert batch.ids is not None
    assert batch.ids.tolist() == ["甲", "丙", "丁", "乙"]
    with pytest.raises(DataError) as info:
        evaluate_batch(_two_level(), path, errors="raise")
    assert str(info.value) == f"3 cells, the header has 6 @ {path}:3"


def test_many_ragged_rows_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfkpi.batch.MAX_RAGGED_LISTED", 2)
    text = (
        _CSV_HEAD
        + "丙,100,2小时\n"  # line 2: three cells
        + "丁,1\n"  # line 3: two cells
        + _CSV_GOOD[0]  # line 4
        + "戊,1\n"  # line 5: two cells, past the two listed
        + "己,100,2小时\n"  # line 6: three cells, past the two listed
        + "庚,1\n"  # line 7: two cells
    )
    batch = evaluate_batch(_two_level(), io.BytesIO(text.encode()))
    assert batch.total[2] == 86.95  # as in test_csv_file
    more = "(one of 5 rows of the wrong width; the first 2 name their lines)"
    assert dict(batch.reasons) == {
        0: "3 cells, the header has 6 @ <stream>:2",
        1: "2 cells, the header has 6 @ <stream>:3",
        3: f"2 cells, the header has 6 {more} @ <stream>",
        4: f"3 cells, the header has 6 {more} @ <stream>",
        5: f"2 cells, the header has 6 {more} @ <stream>",
    }
    assert len(batch.reason_texts) == 4  # rows 3 and 5 share a reason


def test_csv_from_a_stream() -> None:
    text = _CSV_HEAD + "".join(_CSV_GOOD)
    for stream in (io.BytesIO(text.encode()), io.StringIO(text)):
        assert evaluate_batch(_two_level(), stream).total.tolist() == [86.95, 100]


def test_csv_limit_counts_bytes_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfkpi.batch.MAX_TABLE_BYTES", 10)
    data = io.BytesIO((_CSV_HEAD + _CSV_GOOD[0]).encode())
    with pytest.raises(DataError) as info:
        evaluate_batch(_two_level(), data)
    assert (
        str(info.value) == "more than 10 bytes; at most that many are read @ <stream>"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_csv_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError) as info:
        evaluate_batch(_two_level(), fifo)
    assert str(info.value).startswith("a FIFO (named pipe), not a regular file")


def test_masked_cells_are_missing() -> None:
    # the hidden 100 under the mask is never read: row 1 is missing its 1.1
    column = np.ma.masked_array([87.5, 100.0], mask=[False, True])
    table = {**{k: v[:2] for k, v in GOOD.items()}, "1.1": column}
    batch = evaluate_batch(_two_level(), table)
    assert batch.total[0] == 86.95
    assert math.isnan(batch.total[1])
    assert dict(batch.reasons) == {1: "column '1.1': missing actual value"}
    listed = {**{k: v[:2] for k, v in GOOD.items()}, "1.1": [87.5, np.ma.masked]}
    assert dict(evaluate_batch(_two_level(), listed).reasons) == dict(batch.reasons)


def test_masked_cells_of_a_2d_array() -> None:
    scheme = Scheme.from_nodes(
        "m",
        "m",
        [
            Node("1", "a", points=50, target="≥100%", rule=Proportional()),
            Node("2", "b", points=50, target="≥100%", rule=Proportional()),
        ],
    )
    table = np.ma.masked_array(
        [[100.0, 50.0], [80.0, 1e9]], mask=[[False, False], [False, True]]
    )
    batch = evaluate_batch(scheme, table, columns=["1", "2"])
    # row 0: 50 + 50 × 0.5 = 75; row 1: node 2 is masked, so missing
    assert batch.total[0] == 75
    assert math.isnan(batch.total[1])
    assert batch.reasons[1] == "column '2': missing actual value"
    assert batch.scores["1"].tolist() == [50, 40]


def test_csv_file_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="header"):
        evaluate_batch(_two_level(), empty)
    with pytest.raises(DataError, match="cannot read file"):
        evaluate_batch(_two_level(), tmp_path / "nothing.csv")


def test_lists_keep_each_cells_type() -> None:
    # a checklist reads the number 2 as a count, and the text "2" not at all
    scheme = Scheme.from_nodes(
        "c", "c", [Node("1", "制度", points=3, rule=Checklist(per=1))], points=3
    )
    batch = evaluate_batch(scheme, {"1": [2, "2", ["a", "b", "c"]]})
    assert batch.total[0] == 2
    assert math.isnan(batch.total[1])
    assert batch.reasons[1] == "column '1', value '2': expected a number, got '2'"
    assert batch.total[2] == 3


def test_pandas_frame() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("narwhals")
    frame = pd.DataFrame({"单位": ["甲", "乙", "丙", "丁"], **GOOD})
    frame.loc[2, "2.2"] = None  # a missing label
    frame["日期"] = pd.to_datetime(["2023-01-01"] * 4)  # ignored, never converted
    batch = evaluate_batch(_two_level(), frame, id_column="单位")
    assert batch.ignored == ("日期",)
    assert batch.total[[0, 1, 3]].tolist() == [86.95, 100, 39.33]
    assert batch.reasons[2] == "column '2.2': missing actual value"
    out = batch.to_frame()
    assert isinstance(out, pd.DataFrame)
    assert out["total"].iloc[0] == 86.95
    assert out["单位"].tolist() == ["甲", "乙", "丙", "丁"]


def test_pandas_nullable_numbers() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("narwhals")
    frame = pd.DataFrame(GOOD)
    frame["1.1"] = pd.array([87.5, None, 120, 50], dtype="Float64")
    batch = evaluate_batch(_two_level(), frame)
    assert batch.ok.tolist() == [True, False, True, True]
    assert (
        batch.reasons[1] == "column '1.1', value nan: expected a finite number, got nan"
    )


def _text_columns() -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {
        k: [str(v) for v in vals] for k, vals in GOOD.items()
    }
    columns["findings:2"] = [float(v) for v in GOOD["findings:2"]]
    return columns


def test_pyarrow_table() -> None:
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("narwhals")
    batch = evaluate_batch(_two_level(), pa.table(_text_columns()))
    assert batch.total.tolist() == [86.95, 100, 100, 39.33]
    assert batch.backend == "pyarrow"
    assert isinstance(batch.to_frame(), pa.Table)  # the library it came from


def test_polars_frame() -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("narwhals")
    batch = evaluate_batch(_two_level(), pl.DataFrame(_text_columns()))
    assert batch.total.tolist() == [86.95, 100, 100, 39.33]
    assert isinstance(batch.to_frame(), pl.DataFrame)


def test_unknown_table_type() -> None:
    pytest.importorskip("narwhals")
    with pytest.raises(DataError, match="expected a mapping"):
        evaluate_batch(_two_level(), 42)


def test_data_supplied_items_are_refused() -> None:
    scheme = _two_level()
    with pytest.raises(DataError, match="items declared in the scheme"):
        evaluate_batch(scheme, {"items": [{"parent": "2", "name": "x"}]})
    with pytest.raises(DataError, match="use evaluate"):
        evaluate_batch(scheme, {"actuals": {"1.1": 100}})
    with pytest.raises(DataError, match="use evaluate"):
        evaluate_batch(scheme, Data(actuals={"1.1": 100}))


# -- up-front errors -----------------------------------------------------------

UP_FRONT: list[tuple[dict[str, Any], str]] = [
    # an input column is missing: named, all at once
    ({"1.1": [1]}, r"missing columns '1\.2', '2\.1', '2\.2'"),
    # a node scored from its children takes no actual
    ({**GOOD, "1": [1, 2, 3, 4]}, "scored from others"),
    # findings on a node that does not deduct
    ({**GOOD, "findings:1.1": [1, 1, 1, 1]}, "findings go on 'deduct' nodes"),
    # findings on a node that does not exist
    ({**GOOD, "findings:9": [1, 1, 1, 1]}, "unknown node"),
    # not applicable: unknown node
    ({**GOOD, "na:9": [True] * 4}, "unknown node '9'"),
    # adjustments go on scored leaves only
    ({**GOOD, "adjust:1": [1] * 4}, "adjustments apply to scored leaves"),
    # columns of different lengths
    ({**GOOD, "1.1": [1, 2]}, "rows"),
    # a column that is not a column
    ({**GOOD, "1.1": "87.5"}, "expected a column"),
]


@pytest.mark.parametrize(("table", "message"), UP_FRONT)
def test_up_front_errors(table: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError, match=message):
        evaluate_batch(_two_level(), table)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="errors"):
        evaluate_batch(_two_level(), GOOD, errors="ignore")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="label the rows"):
        evaluate_batch(_two_level(), GOOD, id_column="name")
    with pytest.raises(DataError, match="2-D array only"):
        evaluate_batch(_two_level(), GOOD, columns=["1.1"])


def test_other_columns_are_ignored_and_listed() -> None:
    batch = evaluate_batch(
        _two_level(), {**GOOD, "year": [2022] * 4, "备注": ["x"] * 4}
    )
    assert batch.ignored == ("year", "备注")


def test_other_columns_come_out_beside_the_scores() -> None:
    # a bureau's table names its projects; the result keeps the names, in the
    # table's order, after the id column and before the scores
    table: dict[str, list[Any]] = {"单位": ["甲", "乙", "丙", "丁"]}
    table["项目名称"] = ["路", "桥", "河", "港"]
    table |= {**GOOD, "year": [2022] * 4}
    batch = evaluate_batch(_two_level(), table, id_column="单位")
    columns = batch.to_columns()
    assert list(columns)[:4] == ["单位", "项目名称", "year", "total"]
    assert columns["项目名称"].tolist() == ["路", "桥", "河", "港"]
    assert batch.to_dict()["rows"][1]["extra"] == {"项目名称": "桥", "year": 2022}
    # the caller's arrays stay theirs: writable, and not changed through the result
    names = np.array(["路", "桥"], dtype=object)
    two_rows = {k: v[:2] for k, v in GOOD.items()} | {"n": names}
    small = evaluate_batch(_two_level(), two_rows)
    assert names.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        small.extra["n"][0] = "x"


def test_extra_columns_named_like_result_columns() -> None:
    # a result fed back in: its 'total' and 'grade' are extra columns now, and
    # must not take the place of the new scores
    table = {**GOOD, "total": [1, 2, 3, 4], "grade": ["差"] * 4, "1.1x": [0] * 4}
    columns = evaluate_batch(_two_level(), table).to_columns()
    assert list(columns)[:4] == ["extra:total", "extra:grade", "1.1x", "total"]
    assert columns["extra:total"].tolist() == [1, 2, 3, 4]
    plain = evaluate_batch(_two_level(), GOOD).to_columns()
    assert columns["total"].tolist() == plain["total"].tolist()
    assert columns["grade"].tolist() == plain["grade"].tolist()


def test_extra_columns_of_rows_that_could_not_be_read() -> None:
    # the second data row has too few cells: its name is not read, the other rows' are
    text = "项目名称,1.1,1.2,2.1,2.2\n路,87.5,2小时,80%,是\n桥,90\n河,100,1,50%,否\n"
    batch = evaluate_batch(_two_level(), io.StringIO(text))
    assert batch.extra["项目名称"].tolist() == ["路", None, "河"]
    assert batch.to_dict()["rows"][1]["extra"] == {"项目名称": None}


# -- bad rows ------------------------------------------------------------------

BAD_CELLS: list[tuple[str, object, type[PerfKPIError], str]] = [
    # NaN is never a score
    ("1.1", math.nan, DataError, "column '1.1', value nan: expected a finite number"),
    # nor is infinity
    ("1.1", math.inf, DataError, "column '1.1', value inf: expected a finite number"),
    # text that is no quantity
    ("1.1", "很多", DataError, "column '1.1', value '很多': cannot read actual"),
    # a unit of another dimension
    ("1.2", "5件", IncompatibleUnitError, "column '1.2', value '5件': cannot compare"),
    # a label not on the scale
    ("2.2", "也许", DataError, "column '2.2', value '也许': expected one of 是 / 否"),
    # a missing cell
    ("2.2", None, DataError, "column '2.2': missing actual value"),
    # negative findings
    ("findings:2", -1.0, DataError, "column 'findings:2', value -1.0: expected"),
]


@pytest.mark.parametrize(("column", "value", "error", "reason"), BAD_CELLS)
def test_a_bad_cell_spoils_only_its_row_and_its_ancestors(
    column: str, value: object, error: type[PerfKPIError], reason: str
) -> None:
    table = {k: list(v) for k, v in GOOD.items()}
    table[column][2] = value
    batch = evaluate_batch(_two_level(), table)
    assert batch.ok.tolist() == [True, True, False, True]
    assert batch.total[[0, 1, 3]].tolist() == [86.95, 100, 39.33]
    assert math.isnan(batch.total[2])
    assert batch.grades[2] == ""
    assert batch.reasons[2].startswith(reason)
    bad_node = column.rpartition(":")[2]
    top = bad_node.split(".")[0]
    other = "2" if top == "1" else "1"
    assert math.isnan(batch.scores[bad_node][2])
    assert math.isnan(batch.scores[top][2])
    assert not math.isnan(batch.scores[other][2])  # the other branch is scored
    assert isinstance(batch.error(2), error)
    assert batch.error(0) is None
    # errors="raise" raises it instead
    with pytest.raises(error) as raised:
        evaluate_batch(_two_level(), table, errors="raise")
    assert str(raised.value) == str(batch.error(2))
    if not column.startswith("findings:"):  # Finding(-1) itself refuses to exist
        # evaluate() of that row raises the same error
        with pytest.raises(error) as info:
            evaluate(_two_level(), _row_data(table, 2))
        assert str(info.value) == str(batch.error(2))


def test_first_reason_is_the_one_evaluate_raises() -> None:
    table = {k: list(v) for k, v in GOOD.items()}
    table["1.2"][0] = "5件"
    table["1.1"][0] = math.nan
    batch = evaluate_batch(_two_level(), table)
    # 1.1 comes before 1.2 in the plan, as evaluate() reads them
    assert batch.reasons[0].startswith("column '1.1'")
    assert len(batch.reasons) == 1
    assert list(batch.reasons) == [0]
    assert "column '1.1'" in repr(batch.reasons)


def test_bad_rows_never_stop_the_rest() -> None:
    n = 1000
    rng = np.random.default_rng(3)
    actual = rng.uniform(50, 120, n).round(2)
    actual[::7] = np.nan
    scheme = Scheme.from_nodes(
        "n", "n", [Node("1", "x", points=100, target="≥100%", rule=Proportional())]
    )
    batch = evaluate_batch(scheme, {"1": actual})
    assert batch.ok.sum() == n - len(range(0, n, 7))
    assert np.isnan(batch.total[::7]).all()
    good = ~np.isnan(actual)
    expected = np.minimum(actual[good], 100)
    assert np.allclose(batch.total[good], expected, atol=0.005)
    assert len(batch.reason_texts) == 1  # one distinct reason, kept once


def test_not_applicable_columns() -> None:
    # 1.2 N/A in row 1: 1 re-weights 1.1 to 60 points (按百分制折算): 60 × 87.5 %
    table = {**GOOD, "na:1.2": [False, "是", 0, None]}
    table["1.2"] = ["150分钟", "坏的", 1, "3小时"]  # not read where N/A
    batch = evaluate_batch(_two_level(), table)
    assert batch.ok.all()
    assert math.isnan(batch.scores["1.2"][1])
    assert batch.scores["1"][1] == 60 * 100 / 100
    assert batch.scores["1"][0] == 51


def test_missing_column_covered_by_not_applicable() -> None:
    table = {k: v for k, v in GOOD.items() if k != "1.2"}
    table["na:1"] = [True, True, False, True]
    batch = evaluate_batch(_two_level(), table)
    assert batch.ok.tolist() == [True, True, False, True]
    assert batch.reasons[2] == "column '1.2': missing actual value"
    # with all of 1 N/A, the total re-weights 2 to 100 points: 35.95 × 100/40
    assert batch.total[0] == 89.88


def test_missing_column_with_a_not_applicable_column_that_flags_no_row() -> None:
    table = {k: v for k, v in GOOD.items() if k != "1.2"}
    table["na:1.2"] = [False] * 4
    batch = evaluate_batch(_two_level(), table)
    assert not batch.ok.any()
    assert batch.reasons[0] == "column '1.2': missing actual value"


def test_findings_too_large_for_a_float() -> None:
    batch = evaluate_batch(_two_level(), {**GOOD, "findings:2": [0, 10**400, 0, 0]})
    assert batch.ok.tolist() == [True, False, True, True]
    assert batch.reasons[1].startswith("column 'findings:2', value 1000")


def test_bad_not_applicable_flag() -> None:
    batch = evaluate_batch(_two_level(), {**GOOD, "na:1.2": [0, 1, "maybe", 0]})
    assert batch.reasons[2] == (
        "column 'na:1.2', value 'maybe': expected true or false, got 'maybe'"
    )


def test_adjustments() -> None:
    batch = evaluate_batch(_two_level(), {**GOOD, "adjust:1.1": [-2, 0, math.nan, 5]})
    # 35 − 2 = 33; an empty cell adjusts nothing; 20 + 5 = 25 (within 40)
    assert batch.scores["1.1"].tolist() == [33, 40, 40, 25]
    assert batch.ok.all()


def test_everything_not_applicable_is_a_bad_row() -> None:
    batch = evaluate_batch(
        _two_level(), {**GOOD, "na:1": [0, 1, 0, 0], "na:2": [0, 1, 0, 0]}
    )
    assert batch.ok.tolist() == [True, False, True, True]
    assert batch.reasons[1] == "every node is not applicable: there is nothing to score"


def test_pefa_grades_tables_and_weakest_link() -> None:
    scheme = load_scheme(SCHEMES / "pefa.toml")
    table = {
        "PI-1.1": ["C", "B", "B", "B"],
        "PI-1.2": ["C", "NA", "B", "B"],
        "PI-1.3": ["A", "B", "B", "B"],
        "PI-2.1": ["B", "A", "A", "A"],
        # row 2: only one grade left, and the table has no row for it
        "PI-2.2": ["D*", "A", "NA", "E"],
    }
    batch = evaluate_batch(scheme, table)
    assert batch.grade_labels("PI-1")[:2].tolist() == ["C+", "B"]
    assert batch.grade_labels("PI-2")[:2].tolist() == ["C", "A"]
    assert batch.grades[:2].tolist() == ["C+", "B+"]
    assert batch.ok.tolist() == [True, True, False, False]
    assert batch.reasons[2] == "conversion table has no row for A @ PI-2"
    assert batch.reasons[3].startswith("column 'PI-2.2', value 'E': expected a grade")
    assert math.isnan(batch.scores["PI-1.2"][1])  # NA: not applicable


def test_overrides() -> None:
    scheme = Scheme.from_nodes(
        "part",
        "part",
        [
            Node("1", "Purpose", points=20, target="≥100%", rule=Proportional()),
            Node("2", "Results", points=80, rule=Deduct()),
            Node("2.1", "Agreed measures", parent="2", target="是"),
        ],
        overrides=[Override("2.1", "Results Not Demonstrated")],
    )
    batch = evaluate_batch(
        scheme, {"1": [100, 100, math.nan], "2.1": ["否", "是", "否"]}
    )
    assert batch.grades.tolist() == ["Results Not Demonstrated", "优", ""]


def test_empty_table() -> None:
    batch = evaluate_batch(_two_level(), {k: [] for k in GOOD})
    assert len(batch) == 0
    assert batch.total.shape == (0,)
    out = io.StringIO()
    batch.to_csv(out)
    assert out.getvalue().splitlines()[0].startswith("total,grade,reason")


def test_progress_is_reported_per_block() -> None:
    calls: list[tuple[int, int]] = []
    n = 5000
    scheme = Scheme.from_nodes(
        "n", "n", [Node("1", "x", points=100, target="≥100%", rule=Proportional())]
    )
    evaluate_batch(
        scheme, {"1": np.full(n, 99.0)}, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[-1] == (n, n)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# -- writing -------------------------------------------------------------------


def test_to_csv_keeps_text_inert() -> None:
    table = {k: v[:2] for k, v in GOOD.items()}
    table["=单位"] = ['=HYPERLINK("http://x")', "-1"]
    table["1.1"] = [87.5, "@x"]
    batch = evaluate_batch(_two_level(), table, id_column="=单位")
    out = io.StringIO()
    batch.to_csv(out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    # text that starts with = - @ gets an apostrophe: the id column's name and
    # cells, and the reason (which quotes nothing formula-like here)
    assert rows[0][0] == "'=单位"
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://x")', "'-1"]
    assert rows[2][3].startswith("column '1.1', value '@x': cannot read actual")
    assert rows[1][1] == "86.95"  # numbers are written as they are


def test_to_csv_and_to_columns(tmp_path: Path) -> None:
    table = {**GOOD, "单位": ["甲", "乙", "丙", "丁"]}
    table["1.1"] = [87.5, math.nan, 120, 50]
    batch = evaluate_batch(_two_level(), table, id_column="单位")
    path = tmp_path / "out.csv"
    batch.to_csv(path)
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [
        "单位",
        "total",
        "grade",
        "reason",
        "1",
        "2",
        "1.1",
        "1.2",
        "2.1",
        "2.2",
    ]
    assert (rows[0]["单位"], rows[0]["total"], rows[0]["grade"]) == (
        "甲",
        "86.95",
        "良",
    )
    assert rows[2]["total"] == "100"  # shortest form
    assert rows[1]["total"] == ""  # NaN is an empty cell
    assert rows[1]["reason"].startswith("column '1.1', value nan")
    assert rows[1]["2"] == "40"  # the other branch is still scored
    columns = batch.to_columns()
    assert columns["reason"].tolist()[0] == ""


def test_node_codes_that_clash_with_fixed_columns() -> None:
    scheme = Scheme.from_nodes(
        "t", "t", [Node("total", "x", points=100, target="≥1", rule=Proportional())]
    )
    columns = evaluate_batch(scheme, {"total": [1.0]}).to_columns()
    assert list(columns) == ["total", "grade", "reason", "node:total"]


def test_to_frame_without_any_frame_library(monkeypatch: pytest.MonkeyPatch) -> None:
    import perfkpi.batch

    monkeypatch.setattr(perfkpi.batch, "_has", lambda _: False)
    batch = evaluate_batch(_two_level(), GOOD)
    with pytest.raises(ImportError, match="to_columns"):
        batch.to_frame()


def test_results_compare_by_value() -> None:
    a = evaluate_batch(_two_level(), GOOD)
    b = evaluate_batch(_two_level(), GOOD)
    assert a == b
    assert isinstance(a, BatchResult)


def test_import_stays_light() -> None:
    code = (
        "import sys, perfkpi; "
        "node = perfkpi.Node('1', 'x', points=100, target='≥100%', "
        "rule=perfkpi.Proportional()); "
        "perfkpi.evaluate_batch(perfkpi.Scheme.from_nodes('s', 's', [node]), "
        "{'1': [99.8, '98%']}); "
        "heavy = {'narwhals', 'pandas', 'polars', 'pyarrow', 'dask'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    ).stdout
    assert out.strip() == "[]"


# -- scale-out -----------------------------------------------------------------


def test_dask_equals_in_memory() -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    pytest.importorskip("narwhals")
    rng = np.random.default_rng(5)
    n = 60
    frame = pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(n)],
            "1.1": rng.uniform(40, 130, n).round(2),
            "1.2": [f"{m}分钟" for m in rng.integers(30, 300, n)],
            "2.1": rng.uniform(50, 110, n).round(1),
            "2.2": rng.choice(["是", "否"], n),
            "findings:2": rng.choice([0, 0.5, 1, 2], n),
        }
    )
    frame.loc[7, "1.1"] = np.nan
    expected = evaluate_batch(_two_level(), frame, id_column="unit").to_frame("pandas")
    lazy = evaluate_dask(
        _two_level(), dd.from_pandas(frame, npartitions=4), id_column="unit"
    )
    got = lazy.compute()
    pd.testing.assert_frame_equal(got, expected)
    assert got["reason"].iloc[7].startswith("column '1.1', value nan")


# -- the property: a batch row is evaluate() of that row -----------------------

ADJUSTMENT_RATE = Bands(
    [
        {"when": "=0%", "score": 3},
        {"when": "(0%,10%]", "score": 2},
        {"when": "(10%,20%]", "score": 1},
        {"when": ">20%", "score": 0},
    ]
)
TWO_DECIMALS = st.integers(0, 20000).map(lambda n: n / 100)
BAD_ANY: list[object] = [math.nan, math.inf, None, "很多", "5件", True]

# kind → (rule, target, points, valid cells, extra bad cells)
LeafKind = tuple[Rule, str | None, float, st.SearchStrategy[Any], list[object]]


def _leaf_kinds() -> list[LeafKind]:
    percent = st.one_of(TWO_DECIMALS, TWO_DECIMALS.map(lambda v: f"{v}%"))
    return [
        (Proportional(), "≥95%", 10, percent, []),
        (
            Proportional(),
            "≤2小时",
            5,
            st.integers(1, 600).map(lambda m: f"{m}分钟"),
            [],
        ),
        (LowerLinear(), "≤20%", 4, percent, []),
        (PerPoint(per=0.5), "≤100%", 5, percent, []),
        (PerBlock(per=2, block=5), "≥100%", 10, percent, []),
        (ADJUSTMENT_RATE, None, 3, percent, []),
        (Goalposts(min=1, max=1000, log=True), None, 6, TWO_DECIMALS, [0.0, -1.0]),
        (Distance(), "=100%", 4, percent, []),
        (Equal(), "=0", 2, st.sampled_from([0.0, -1.0, 2.0]), []),
        (
            AllOrNothing(),
            "是",
            2,
            st.sampled_from(["是", "否", True, False]),
            ["也许", 1.0],
        ),
        (
            Categorical({"无结余": 3, "有结余": 1.5}),
            None,
            3,
            st.sampled_from(["无结余", "有结余"]),
            ["不知道", 1.0],
        ),
        (Checklist(per=1, items=["a", "b", "c"]), None, 3, st.integers(0, 3), [5, 1.5]),
        (Qualitative(), None, 8, st.integers(0, 16).map(lambda n: n / 2), [9.0, -1.0]),
    ]


LEAF_KINDS = _leaf_kinds()
PEFA_TABLE = GradeTable({"A,A": "A", "A,B": "B+", "B,B": "B", "C,D": "D+", "D,D": "D"})
GRADES = st.sampled_from(["A", "B+", "B", "C", "D", "D*", "NA", "NR"])


@st.composite
def _cells(
    draw: st.DrawFn, valid: st.SearchStrategy[Any], bad: Sequence[object], rows: int
) -> list[Any]:
    return [
        draw(st.sampled_from([*BAD_ANY, *bad]))
        if draw(st.integers(0, 9)) == 0
        else draw(valid)
        for _ in range(rows)
    ]


@st.composite
def schemes_and_tables(draw: st.DrawFn) -> tuple[Scheme, dict[str, list[Any]]]:
    rows = draw(st.integers(1, 6))
    nodes: list[Node] = []
    table: dict[str, list[Any]] = {}
    deducts: list[str] = []
    for i in range(draw(st.integers(1, 3))):
        top = str(i + 1)
        shape = draw(st.sampled_from(["sum", "mean", "deduct", "leaf", "pefa"]))
        if shape in ("sum", "mean"):
            children = []
            for j in range(draw(st.integers(1, 3))):
                rule, target, points, valid, bad = draw(st.sampled_from(LEAF_KINDS))
                code = f"{top}.{j + 1}"
                children.append(
                    Node(
                        code, code, parent=top, points=points, target=target, rule=rule
                    )
                )
                table[code] = draw(_cells(valid, bad, rows))
            total = sum(c.points or 0 for c in children)
            rule_top: Rule = (
                Sum()
                if shape == "sum"
                else Mean(mean=draw(st.sampled_from(["arithmetic", "geometric"])))
            )
            nodes += [Node(top, top, points=total, rule=rule_top), *children]
        elif shape == "deduct":
            nodes.append(
                Node(
                    top,
                    top,
                    points=10,
                    rule=Deduct(per_unmet=draw(st.sampled_from([0.5, 1.0, 2.0]))),
                )
            )
            deducts.append(top)
            for j in range(draw(st.integers(0, 3))):
                code = f"{top}.{j + 1}"
                penalty = Shortfall(points=2) if draw(st.booleans()) else None
                nodes.append(Node(code, code, parent=top, target="≥100%", rule=penalty))
                table[code] = draw(_cells(TWO_DECIMALS, [], rows))
        elif shape == "leaf":
            rule, target, points, valid, bad = draw(st.sampled_from(LEAF_KINDS))
            nodes.append(Node(top, top, points=points, target=target, rule=rule))
            table[top] = draw(_cells(valid, bad, rows))
        else:
            how: Rule = WeakestLink() if draw(st.booleans()) else PEFA_TABLE
            nodes.append(Node(top, top, points=4, rule=how))
            for j in range(2):
                code = f"{top}.{j + 1}"
                nodes.append(Node(code, code, parent=top, points=4, rule=Grade()))
                table[code] = draw(_cells(GRADES, ["E"], rows))
    total = sum(n.points or 0 for n in nodes if n.parent is None)
    # PEFA-style sections beside scored ones: the scale is named, not defaulted
    scheme = Scheme.from_nodes("gen", "gen", nodes, points=total, grades=CN_2020)
    for code in deducts:
        if draw(st.booleans()):
            table[f"findings:{code}"] = draw(
                st.lists(
                    st.sampled_from([0.0, 0.5, 1.25, 3.0, 20.0, math.nan]),
                    min_size=rows,
                    max_size=rows,
                )
            )
    codes = [n.code for n in nodes]
    if draw(st.booleans()):
        code = draw(st.sampled_from(codes))
        table[f"na:{code}"] = draw(
            st.lists(st.booleans(), min_size=rows, max_size=rows)
        )
    scored = [
        n.code
        for n in nodes
        if n.points is not None
        and not scheme.children(n.code)
        and n.rule is not None
        and n.rule.role == "score"
    ]
    if draw(st.booleans()) and scored:
        code = draw(st.sampled_from(scored))
        table[f"adjust:{code}"] = draw(
            st.lists(
                st.sampled_from([0.0, -1.5, 2.0, math.nan]),
                min_size=rows,
                max_size=rows,
            )
        )
    return scheme, table


def _row_data(table: dict[str, list[Any]], i: int) -> Data:
    actuals: dict[str, object] = {}
    findings, adjustments, na = [], [], []
    for name, column in table.items():
        value = column[i]
        if name.startswith("findings:"):
            if isinstance(value, float) and math.isnan(value):
                continue
            if isinstance(value, int | float) and value == 0:
                continue
            findings.append(Finding(name[9:], value, "x"))
        elif name.startswith("adjust:"):
            if not (isinstance(value, float) and math.isnan(value)) and value:
                adjustments.append(Adjustment(name[7:], float(value), "x"))
        elif name.startswith("na:"):
            if value:
                na.append(name[3:])
        elif value is not None:
            actuals[name] = value
    return Data(
        actuals=actuals, findings=findings, not_applicable=na, adjustments=adjustments
    )


def _same_row(
    batch: BatchResult, scheme: Scheme, table: dict[str, list[Any]], i: int
) -> None:
    raised: PerfKPIError | None = None
    try:
        ev = evaluate(scheme, _row_data(table, i))
    except PerfKPIError as exc:
        raised = exc
    if raised is not None:
        assert not batch.ok[i]
        error = batch.error(i)
        assert type(error) is type(raised)
        assert str(error) == str(raised)
        assert math.isnan(batch.total[i])
        assert batch.grades[i] == ""
        return
    assert batch.ok[i], batch.reasons.get(i)
    assert batch.total[i] == ev.total
    assert batch.grades[i] == ev.grade
    for code in batch.codes:
        got = batch.scores[code][i]
        if code in ev.not_applicable:
            assert math.isnan(got), code
        elif scheme.node(code).is_item:
            assert got == ev.penalties[code], code
        else:
            assert got == ev.scores[code], code


# what these warn about (values read two ways, rounded composite parts) is
# tested in test_value_kinds.py; here a batch row must equal its evaluation
@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@pytest.mark.filterwarnings("ignore::perfkpi.errors.SchemeWarning")
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(schemes_and_tables())
def test_every_row_equals_evaluate_of_that_row(
    case: tuple[Scheme, dict[str, list[Any]]],
) -> None:
    scheme, table = case
    batch = evaluate_batch(scheme, table)
    for i in range(len(batch)):
        _same_row(batch, scheme, table, i)


@pytest.mark.filterwarnings("ignore::perfkpi.errors.AmbiguousValueWarning")
@pytest.mark.filterwarnings("ignore::perfkpi.errors.SchemeWarning")
@given(schemes_and_tables())
def test_errors_raise_gives_the_first_bad_rows_error(
    case: tuple[Scheme, dict[str, list[Any]]],
) -> None:
    scheme, table = case
    batch = evaluate_batch(scheme, table)
    bad = np.flatnonzero(~batch.ok)
    if bad.size == 0:
        assert evaluate_batch(scheme, table, errors="raise") == batch
        return
    with pytest.raises(PerfKPIError) as info:
        evaluate_batch(scheme, table, errors="raise")
    assert str(info.value) == str(batch.error(int(bad[0])))


def _blocks(
    fn: Callable[[], BatchResult], monkeypatch: pytest.MonkeyPatch
) -> BatchResult:
    import perfkpi.batch

    monkeypatch.setattr(perfkpi.batch, "_BLOCK_CELLS", 1)  # 64-row blocks
    return fn()


def test_blocks_do_not_change_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(11)
    n = 1000
    table = {
        "1.1": rng.uniform(40, 130, n).round(2),
        "1.2": rng.uniform(0.5, 5, n).round(2),
        "2.1": rng.uniform(50, 110, n).round(1),
        "2.2": rng.choice(np.array(["是", "否", "也许"]), n),
    }
    whole = evaluate_batch(_two_level(), table)
    small = _blocks(lambda: evaluate_batch(_two_level(), table), monkeypatch)
    assert whole == small
    for i in range(0, n, 97):
        _same_row(whole, _two_level(), {k: v.tolist() for k, v in table.items()}, i)


# -- the command line ----------------------------------------------------------


def _scheme_file(tmp_path: Path) -> Path:
    path = tmp_path / "scheme.toml"
    path.write_text(
        """\
[scheme]
id = "small"
name = "small"
points = 100

[[node]]
code = "1"
name = "完成率"
points = 60
target = "≥100%"
rule = "proportional"

[[node]]
code = "2"
name = "管理"
points = 40
rule = "deduct"
""",
        encoding="utf-8",
    )
    return path


def _table_file(tmp_path: Path, rows: int = 3) -> Path:
    path = tmp_path / "table.csv"
    lines = ["单位,1,findings:2"]
    lines += [f"u{i},{90 + i % 3 * 5},{i % 2}" for i in range(rows)]
    lines[2] = "u1,很多,1"  # a bad row
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_batch_writes_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfkpi.cli import main

    out = tmp_path / "out.csv"
    code = main(
        [
            "batch",
            str(_scheme_file(tmp_path)),
            str(_table_file(tmp_path)),
            "-o",
            str(out),
            "--id-column",
            "单位",
        ]
    )
    assert code == 0
    with out.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    # u0: 60 × 90 % + 40 = 94; u2: 60 + 40 = 100
    assert [(r["单位"], r["total"], r["grade"]) for r in rows] == [
        ("u0", "94", "优"),
        ("u1", "", ""),
        ("u2", "100", "优"),
    ]
    assert rows[1]["reason"].startswith("column '1', value '很多'")
    err = capsys.readouterr().err
    assert "scored 3 rows; 1 could not be scored" in err
    assert "\r" not in err  # not a terminal: no progress bar


def test_cli_batch_to_stdout_and_raise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfkpi.cli import main

    scheme, table = str(_scheme_file(tmp_path)), str(_table_file(tmp_path))
    assert main(["batch", scheme, table]) == 0
    # the 单位 column is not scored: it comes out beside the scores
    assert capsys.readouterr().out.splitlines()[0] == "单位,total,grade,reason,1,2"
    assert main(["batch", scheme, table, "--errors", "raise", "--lang", "en"]) == 2
    assert "cannot read actual" in capsys.readouterr().err
    assert main(["batch", scheme, str(tmp_path / "none.csv"), "--lang", "en"]) == 2
    assert "cannot read file" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_bar_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfkpi.batch
    import perfkpi.cli

    monkeypatch.setattr(perfkpi.cli, "PROGRESS_MIN_ROWS", 100)
    monkeypatch.setattr(perfkpi.batch, "_BLOCK_CELLS", 1)  # 64-row blocks
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "out.csv"
    table = _table_file(tmp_path, rows=500)
    assert (
        perfkpi.cli.main(
            ["batch", str(_scheme_file(tmp_path)), str(table), "-o", str(out)]
        )
        == 0
    )
    text = terminal.getvalue()
    assert text.count("\r") >= 5
    assert "100% 500/500 rows\n" in text
    # a small table draws no bar
    small = _Terminal()
    monkeypatch.setattr(sys, "stderr", small)
    perfkpi.cli.main(
        [
            "batch",
            str(_scheme_file(tmp_path)),
            str(_table_file(tmp_path)),
            "-o",
            str(out),
        ]
    )
    assert "\r" not in small.getvalue()


def test_python_dash_m_batch(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "perfkpi",
            "batch",
            str(_scheme_file(tmp_path)),
            str(_table_file(tmp_path)),
            "-o",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text(encoding="utf-8").startswith("单位,total,grade,reason")


# -- the pyarrow CSV reader gives what the csv module gives ---------------------

# cells that the two readers could take differently: signs, zeros, exponents,
# overflow, words pyarrow reads as numbers, booleans or nulls, dates, times,
# spaces, separators, units, non-ASCII digits, quotes and line breaks
TRICKY_CELLS = (
    "1",
    "0",
    "-0",
    "-0.0",
    "+5",
    ".5",
    "5.",
    "1e5",
    "1.E-2",
    "1e400",
    "-1e400",
    "nan",
    "NaN",
    "inf",
    "-Infinity",
    "NA",
    "N/A",
    "null",
    "None",
    "#N/A",
    "true",
    "FALSE",
    "2024-01-01",
    "2024-01-01 12:00:00",
    "12:30",
    "95%",
    "99.8%",
    "1,234",
    "1,234.5",
    "  12 ",
    " 12",
    "12 ",
    "",
    "是",
    "否",
    "150分钟",
    "١٢",
    "１２",
    "9007199254740993",
    "123456789012345678901234567890",
    "0.1000000000000000055511151231257827",
    "-3.25",
    'a"b',
    "x\ny",
    "x\r\ny",
    "0x10",
    "1_000",
)


def _same_cells(fast: np.ndarray, slow: np.ndarray) -> None:
    """The same dtype and, cell by cell, the same type and value (and zero sign)."""
    assert fast.dtype == slow.dtype
    for a, b in zip(fast.tolist(), slow.tolist(), strict=True):
        assert type(a) is type(b), (a, b)
        if isinstance(a, float):
            assert (math.isnan(a) and math.isnan(b)) or (
                a == b and math.copysign(1, a) == math.copysign(1, b)
            ), (a, b)
        else:
            assert a == b


def _both_readers(raw: bytes) -> tuple[Any, Any]:
    from perfkpi.batch import _read_csv_arrow, _read_csv_stdlib

    return _read_csv_arrow(raw), _read_csv_stdlib(io.BytesIO(raw), "t", "nan", None)


def _csv_bytes(
    grid: Sequence[Sequence[str]], *, bom: bool, crlf: bool, quote_all: bool
) -> bytes:
    out = io.StringIO()
    end = "\r\n" if crlf else "\n"
    if quote_all:
        writer = csv.writer(out, lineterminator=end, quoting=csv.QUOTE_ALL)
    else:
        writer = csv.writer(out, lineterminator=end)
    writer.writerows(grid)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


@pytest.mark.parametrize("cell", TRICKY_CELLS)
@pytest.mark.parametrize("quote_all", [False, True])
def test_pyarrow_reads_each_tricky_cell_as_the_csv_module(
    cell: str, quote_all: bool
) -> None:
    pytest.importorskip("pyarrow")
    # the cell alone in its column, and beside plain numbers in another
    grid = [["a", "b"], [cell, "1.5"], ["2", cell], [cell, cell]]
    raw = _csv_bytes(grid, bom=True, crlf=True, quote_all=quote_all)
    fast, slow = _both_readers(raw)
    assert fast is not None  # pyarrow read it: every row is as wide as the header
    assert fast.rows == slow.rows == 3
    assert list(fast.columns) == list(slow.columns) == ["a", "b"]
    for name in ("a", "b"):
        _same_cells(fast.columns[name], slow.columns[name])


def test_pyarrow_reads_a_plain_table_itself() -> None:
    pytest.importorskip("pyarrow")
    raw = b" a , b\n1,2.5\n-3,\n"
    fast, _ = _both_readers(raw)
    assert fast is not None
    assert list(fast.columns) == ["a", "b"]  # names stripped, as the header's
    _same_cells(fast.columns["a"], np.array([1.0, -3.0]))
    _same_cells(fast.columns["b"], np.array([2.5, None], dtype=object))


@pytest.mark.parametrize(
    "raw",
    [
        b"a,b\n1,2\n3\n",  # a ragged row: the csv module names its line
        b"a,b\n1,2\n,,\n",  # a ragged blank row, skipped by the csv module
        b"a,b\n1,\xff\n",  # not UTF-8
        b"a\n" + b"0" * (1 << 17) + b"1\n",  # a cell over the field limit
        b"",  # no header
    ],
)
def test_what_pyarrow_leaves_to_the_csv_module(raw: bytes) -> None:
    pytest.importorskip("pyarrow")
    from perfkpi.batch import _read_csv_arrow

    assert _read_csv_arrow(raw) is None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(
                st.sampled_from(TRICKY_CELLS)
                | st.floats(allow_nan=False, allow_infinity=False).map(repr)
                | st.integers(-(2**70), 2**70).map(str),
                min_size=width,
                max_size=width,
            ),
            max_size=6,
        ).map(lambda rows: [[f"c{j}" for j in range(width)], *rows])
    ),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_pyarrow_and_the_csv_module_give_the_same_batch(
    grid: list[list[str]], bom: bool, crlf: bool, quote_all: bool
) -> None:
    pytest.importorskip("pyarrow")
    raw = _csv_bytes(grid, bom=bom, crlf=crlf, quote_all=quote_all)
    fast, slow = _both_readers(raw)
    if fast is not None:
        assert fast.rows == slow.rows
        assert list(fast.columns) == list(slow.columns)
        for name in fast.columns:
            _same_cells(fast.columns[name], slow.columns[name])
    # scored: each column is the actual of a leaf against ≥95%
    width = len(grid[0])
    scheme = Scheme.from_nodes(
        "w",
        "w",
        [
            Node(f"c{j}", "完成率", points=10, target="≥95%", rule=Proportional())
            for j in range(width)
        ],
        points=10 * width,
    )
    text = raw.decode("utf-8-sig")
    # strict: a plain number that reads two ways is a bad row, not a warning
    binary = evaluate_batch(scheme, io.BytesIO(raw), strict=True)  # pyarrow
    stdlib = evaluate_batch(scheme, io.StringIO(text, newline=""), strict=True)
    assert np.array_equal(binary.array, stdlib.array, equal_nan=True)
    assert binary.reason_ids.tolist() == stdlib.reason_ids.tolist()
    assert binary.reason_texts == stdlib.reason_texts
    assert binary.grades.tolist() == stdlib.grades.tolist()


@pytest.mark.parametrize(
    ("raw", "limit", "long"),
    [
        (b"ab\ncd", 2, False),  # lines of 2 and 2 bytes
        (b"abc\ncd", 2, True),  # the first line has 3
        (b"ab\ncde", 2, True),  # the last line has 3, no newline after it
        (b"ab\n\ncd\n", 2, False),
        (b"abcd", 4, False),
        (b"abcde", 4, True),
        (b"a\nbcdef\ng", 4, True),  # a line of 5 between short ones
    ],
)
def test_long_line(raw: bytes, limit: int, long: bool) -> None:
    from perfkpi.batch import _long_line

    assert _long_line(raw, limit) is long


# -- wrong arguments -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"errors": "skip"},
            ValueError,
            r"^errors must be 'nan' or 'raise', not 'skip'$",
        ),
        (
            {"id_column": {"a": 1}},
            TypeError,
            r"^id_column must be text \(got \{'a': 1\}\)$",
        ),
        ({"progress": "bar"}, TypeError, r"^progress must be callable \(got 'bar'\)$"),
        ({"strict": "yes"}, TypeError, r"^strict must be True or False \(got 'yes'\)$"),
        (
            {"columns": "1.1"},
            TypeError,
            r"^columns must be a list of column names \(got '1.1'\)$",
        ),
    ],
)
def test_evaluate_batch_names_a_wrong_option(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        evaluate_batch(_two_level(), GOOD, **kwargs)


def test_evaluate_batch_takes_a_scheme() -> None:
    with pytest.raises(TypeError, match=r"^the scheme must be a Scheme \(got 's'\)$"):
        evaluate_batch("s", GOOD)  # type: ignore[arg-type]


def test_evaluate_dask_takes_a_dask_frame() -> None:
    with pytest.raises(
        TypeError, match=r"^frame must be a Dask DataFrame \(got '1'\)$"
    ):
        evaluate_dask(_two_level(), "1")  # type: ignore[arg-type]


def test_batch_result_checks_its_arrays() -> None:
    good = evaluate_batch(_two_level(), GOOD)
    with pytest.raises(
        TypeError, match=r"^a batch result's scheme must be a Scheme \(got 's'\)$"
    ):
        BatchResult("s", good.codes, good.array, good.grades, good.reason_ids)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^a batch result's grades must be a numpy array \(got '1'\)$"
    ):
        BatchResult(good.scheme, good.codes, good.array, "1", good.reason_ids)  # type: ignore[arg-type]


def test_to_dict_and_names_by_hand() -> None:
    # 结案率 ≥90% × 10 points, proportional: 90% → 10; 45% → 10 × 45/90 = 5;
    # "x" is not a number: a bad row, its scores null (JSON has no NaN)
    scheme = Scheme.from_nodes(
        "s",
        "s",
        [Node("1", "结案率", points=10, target="≥90%", rule=Proportional())],
        points=10,
    )
    batch = evaluate_batch(
        scheme, {"单位": ["甲", "乙", "丙"], "1": ["90%", "45%", "x"]}, id_column="单位"
    )
    assert dict(batch.names) == {"1": "结案率"}
    out = batch.to_dict()
    assert out["scheme"] == "s"
    assert out["codes"] == ["1"]
    rows = out["rows"]
    assert [r["id"] for r in rows] == ["甲", "乙", "丙"]
    assert [r["total"] for r in rows] == [10.0, 5.0, None]
    assert rows[1]["scores"] == {"1": 5.0}
    assert rows[2]["scores"] == {"1": None}
    assert rows[0]["reason"] == ""
    assert "x" in rows[2]["reason"]
    assert rows[2]["grade"] == ""
    json.dumps(out, allow_nan=False)  # plain data: no NaN, no numpy values


def test_an_infinite_checklist_count_is_a_bad_row() -> None:
    # a checklist without listed items has no upper count: +inf read as a count
    # gave min(1 × inf, 100) = 100 points, where evaluate() refuses inf
    scheme = Scheme.from_nodes(
        "s", "s", [Node("3", "清单", points=100, rule=Checklist(per=1.0))], points=100
    )
    with pytest.raises(DataError, match="expected a finite number, got inf"):
        evaluate(scheme, {"3": math.inf})
    batch = evaluate_batch(scheme, {"3": [math.inf, 5]})
    assert math.isnan(batch.total[0])
    reason = "column '3', value inf: expected a finite number, got inf"
    assert batch.reasons[0] == reason
    assert batch.total[1] == 5.0  # 5 items × 1 point


def test_a_text_stream_that_kept_its_byte_order_mark() -> None:
    # a file exported as "UTF-8 with BOM" and opened with encoding="utf-8":
    # the mark is not part of the first column's name (it read as '1.1' and
    # was reported missing)
    text = "\ufeff1.1,1.2,2.1,2.2\n100,2小时,100%,是\n"
    batch = evaluate_batch(_two_level(), io.StringIO(text))
    # 1.1 at 100 % of ≥100 %: 40; 1.2 at 2 h of ≤2 h: 20; 2.1 and 2.2 met: 40
    assert batch.total.tolist() == [100.0]


def test_each_bad_number_of_a_column_gives_its_own_rows_their_reason() -> None:
    # a numeric column: three kinds of bad number, repeated and interleaved with
    # good ones; each bad row names its own value, each good row is scored
    scheme = Scheme.from_nodes(
        "n", "n", [Node("1", "x", points=100, target="≥100", rule=Proportional())]
    )
    column = np.array([50.0, math.nan, math.inf, 80.0, -math.inf, math.nan, math.inf])
    batch = evaluate_batch(scheme, {"1": column})
    assert batch.ok.tolist() == [True, False, False, True, False, False, False]
    # 100 × 50/100 = 50; 100 × 80/100 = 80
    assert batch.total[[0, 3]].tolist() == [50.0, 80.0]
    values = {1: "nan", 2: "inf", 4: "-inf", 5: "nan", 6: "inf"}
    for row, shown in values.items():
        assert batch.reasons[row].startswith(f"column '1', value {shown}:"), row


def test_a_row_whose_table_lookup_fails_leaves_the_other_rows_overrides_alone() -> None:
    # row 1 has no row in the conversion table: the block is halved until it is
    # alone. Row 0's node 2 is not applicable, so its override must not apply,
    # as evaluate() decides, however the block was split.
    nodes = [
        Node("1", "PEFA", points=4, rule=GradeTable({"A,A": "A", "A,B": "B+"})),
        Node("1.1", "a", parent="1", points=4, rule=Grade()),
        Node("1.2", "b", parent="1", points=4, rule=Grade()),
        Node("2", "x", points=10, target="≥100%", rule=Proportional()),
    ]
    scheme = Scheme.from_nodes(
        "t", "t", nodes, points=14, grades=CN_2020, overrides=[Override("2", "RND")]
    )
    table: dict[str, list[Any]] = {
        "1.1": ["A", "C", "A"],
        "1.2": ["A", "C", "B"],
        "2": [50, 100, 50],
        "na:2": [True, False, False],
    }
    batch = evaluate_batch(scheme, table)
    assert batch.ok.tolist() == [True, False, True]
    assert batch.reasons[1] == "conversion table has no row for C,C @ 1"
    for i in (0, 2):
        ev = evaluate(scheme, _row_data(table, i))
        assert batch.grades[i] == ev.grade, i
    assert batch.grades[0] != "RND"  # not applicable: no override
    assert batch.grades[2] == "RND"  # 50 % of ≥100 %: not met
