"""A bureau's table of departments as an Excel workbook, scored in one batch."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perfkpi import Node, Proportional, Scheme, evaluate_batch
from perfkpi.errors import DataError
from perfkpi.excel import HiddenCellsWarning, read_table

openpyxl = pytest.importorskip("openpyxl")


def _scheme() -> Scheme:
    """执行率 (≥100 %, 10 points) and 件数 (≥5件, 10 points), both proportional."""
    return Scheme.from_nodes(
        "t",
        "t",
        [
            Node("1", "执行率", points=10, target="≥100%", rule=Proportional()),
            Node("2", "件数", points=10, target="≥5件", rule=Proportional()),
        ],
        points=20,
    )


def _book(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_a_sheet_of_departments_is_scored(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "1", "2", "备注"])
    ws.append(["甲", 0.96, 4, "已整改"])  # 0.96 shown as 96%
    ws.append([None, None, None, None])  # a blank row between departments
    ws.append(["乙", 1, "6件", None])  # 1 shown as 100%
    ws.append(["丙", "=1/0", 5, None])  # a formula never computed: no value
    ws["B2"].number_format = "0%"
    ws["B4"].number_format = "0%"
    path = tmp_path / "departments.xlsx"
    wb.save(path)
    batch = evaluate_batch(_scheme(), path, id_column="单位")
    assert batch.ids is not None
    assert batch.ids.tolist() == ["甲", "乙", "丙"]
    # 甲: 10 × 96/100 = 9.6, 10 × 4/5 = 8 → 17.6; 乙: 10 + 10 (6 ≥ 5) = 20
    assert batch.total[:2].tolist() == [17.6, 20.0]
    # 丙's formula has no cached value: missing, never a zero
    assert math.isnan(batch.total[2])
    assert "missing" in batch.reasons[2]
    # the remark is kept beside the scores
    assert batch.extra["备注"].tolist() == ["已整改", None, None]


def test_read_table_reads_cells_as_shown(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([1, "1.2", "完成时间", "是否公开", "编码"])  # 1 typed as a number
    day = dt.datetime(2023, 11, 28)  # noqa: DTZ001 (a cell's date has no zone)
    ws.append([0.875, "3件", day, True, 440101])
    ws["A2"].number_format = "0.0%"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    table = read_table(path)
    assert list(table) == ["1", "1.2", "完成时间", "是否公开", "编码"]
    assert table["1"].tolist() == ["87.5%"]
    assert table["完成时间"].tolist() == [dt.date(2023, 11, 28)]
    assert table["是否公开"].tolist() == ["是"]
    # whole numbers stay whole: a unit's number is not 440101.0
    assert table["编码"].dtype == np.int64
    assert table["编码"].tolist() == [440101]


def test_a_code_typed_as_a_decimal_number_is_refused(tmp_path: Path) -> None:
    # 1.10 typed into a cell is the number 1.1: the column of node 1.10 would
    # be read as node 1.1's
    path = _book(tmp_path / "t.xlsx", {"表": [["单位", 1.1], ["甲", 0.9]]})
    message = r"the column name is the number 1\.1: .* @ .*t\.xlsx: 表!B1$"
    with pytest.raises(DataError, match=message):
        read_table(path)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["单位", "1"], ["合计", 2]], r"a row of 合计 is not an entity: .*表!A2$"),
        ([["单位", "1"], ["甲", 1], ["平 均", 1]], r"a row of 平均 is not an entity"),
        ([["单位", "1", "1"], ["甲", 1, 2]], r"two columns are named '1' @ .*表!C1$"),
        ([["单位", None, "2"], ["甲", 1, 2]], r"a column with values has .*表!B1$"),
    ],
)
def test_tables_that_cannot_be_read_as_entities(
    tmp_path: Path, rows: list[list[Any]], message: str
) -> None:
    path = _book(tmp_path / "t.xlsx", {"表": rows})
    with pytest.raises(DataError, match=message):
        evaluate_batch(_scheme(), path)


def test_the_sheet_is_named_when_several_hold_data(tmp_path: Path) -> None:
    rows_2022: list[list[Any]] = [["单位", "1", "2"], ["甲", "90%", 4]]
    rows_2023: list[list[Any]] = [["单位", "1", "2"], ["甲", "100%", 5]]
    path = _book(tmp_path / "t.xlsx", {"2022": rows_2022, "2023": rows_2023, "空": []})
    with pytest.raises(DataError, match=r"2 sheets hold data \(2022, 2023\)"):
        evaluate_batch(_scheme(), path)
    # 10 × 90/100 + 10 × 4/5 = 17; 2023: both met, 20
    assert evaluate_batch(_scheme(), path, sheet="2022").total.tolist() == [17.0]
    assert evaluate_batch(_scheme(), path, sheet="2023").total.tolist() == [20.0]
    with pytest.raises(DataError, match=r"no sheet '2024'; it has 2022, 2023, 空"):
        evaluate_batch(_scheme(), path, sheet="2024")


def test_a_hidden_sheet_is_read_only_when_named(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    shown = wb.active
    shown.title = "2023"
    for row in [["单位", "1", "2"], ["甲", "100%", 5]]:
        shown.append(row)
    old = wb.create_sheet("2022")
    for row in [["单位", "1", "2"], ["甲", "90%", 4]]:
        old.append(row)
    old.sheet_state = "hidden"
    path = tmp_path / "t.xlsx"
    wb.save(path)
    assert evaluate_batch(_scheme(), path).total.tolist() == [20.0]
    assert evaluate_batch(_scheme(), path, sheet="2022").total.tolist() == [17.0]


def test_hidden_rows_are_scored_and_warned_about(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["单位", "1", "2"], ["甲", "100%", 5], ["乙", "50%", 5]]:
        ws.append(row)
    ws.row_dimensions[3].hidden = True  # filtered out, not deleted
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with pytest.warns(HiddenCellsWarning, match="hidden rows 3"):
        batch = evaluate_batch(_scheme(), path)
    assert batch.total.tolist() == [20.0, 15.0]  # 乙: 10 × 50/100 + 10


def test_a_workbook_is_known_by_its_bytes_not_its_name(tmp_path: Path) -> None:
    path = _book(tmp_path / "t.xlsx", {"表": [["1", "2"], ["100%", 5]]})
    renamed = tmp_path / "t.csv"
    renamed.write_bytes(path.read_bytes())
    assert evaluate_batch(_scheme(), renamed).total.tolist() == [20.0]
    with pytest.raises(DataError, match="an Excel workbook, not CSV"):
        evaluate_batch(_scheme(), io.BytesIO(path.read_bytes()))
    csv = tmp_path / "t2.csv"
    csv.write_text("1,2\n100%,5\n", encoding="utf-8")
    with pytest.raises(DataError, match="sheet= is for a workbook"):
        evaluate_batch(_scheme(), csv, sheet="表")
    with pytest.raises(DataError, match="sheet= is for the path of a workbook"):
        evaluate_batch(_scheme(), {"1": ["100%"], "2": [5]}, sheet="表")
    with pytest.raises(TypeError, match="sheet must be text"):
        evaluate_batch(_scheme(), path, sheet=1)  # type: ignore[arg-type]


def test_cli_batch_reads_a_named_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfkpi.cli import main
    from perfkpi.files import dump_scheme

    scheme = tmp_path / "s.toml"
    dump_scheme(_scheme(), scheme)
    rows_2022: list[list[Any]] = [["单位", "1", "2"], ["甲", "90%", 4]]
    rows_2023: list[list[Any]] = [["单位", "1", "2"], ["甲", "100%", 5]]
    book = _book(tmp_path / "t.xlsx", {"2022": rows_2022, "2023": rows_2023})
    assert main(["batch", str(scheme), str(book), "--sheet", "2022"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "单位,total,grade,reason,1,2"
    assert lines[1].startswith("甲,17,")
    assert main(["batch", str(scheme), str(book), "--lang", "en"]) == 2
    assert "2 sheets hold data (2022, 2023)" in capsys.readouterr().err


def test_a_title_above_the_table_is_passed_over(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度部门绩效评价汇总表"])
    ws.merge_cells("A1:C1")
    ws.append([])
    ws.append(["单位", "1", "2"])
    ws.append(["甲", "100%", 4])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    # 10 + 10 × 4/5 = 18
    assert evaluate_batch(_scheme(), path, id_column="单位").total.tolist() == [18.0]


def test_a_two_row_header_is_refused(tmp_path: Path) -> None:
    # group labels merged over their columns, the codes in the row below
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "产出指标", None])
    ws.merge_cells("B1:C1")
    ws.append([None, "1", "2"])
    ws.append(["甲", "100%", 4])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    with pytest.raises(DataError, match=r"merged across columns: .* one header row"):
        evaluate_batch(_scheme(), path)


# -- scores written as a workbook -------------------------------------------------


def test_scores_written_as_a_workbook(tmp_path: Path) -> None:
    table = {
        "单位": ["甲", '=HYPERLINK("http://x")', "丙"],
        "备注": ["已整改", None, "@x"],
        "1": ["96%", "100%", "x"],
        "2": [4, 5, 5],
    }
    batch = evaluate_batch(_scheme(), table, id_column="单位")
    path = tmp_path / "scores.xlsx"
    batch.to_excel(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["评分结果", "指标"]
    ws = wb["评分结果"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["单位", "备注", "总分", "等级", "未评分原因", "1", "2"]
    # 甲: 10 × 96/100 = 9.6, 10 × 4/5 = 8 → 17.6
    assert rows[1][:3] == ["甲", "已整改", 17.6]
    # text that a spreadsheet would run stays text
    assert rows[2][0] == '=HYPERLINK("http://x")'
    assert ws["A3"].data_type == "s"
    # 丙 could not be scored: its total is an empty cell, never 0
    assert rows[3][2] is None
    assert rows[3][4].startswith("column '1', value 'x'")
    assert ws.freeze_panes == "A2"
    nodes = [[c.value for c in row] for row in wb["指标"].iter_rows()]
    assert nodes == [
        ["代码", "指标名称", "分值", "上级"],
        ["1", "执行率", 10, None],
        ["2", "件数", 10, None],
    ]
    english = tmp_path / "en.xlsx"
    batch.to_excel(english, lang="en")
    assert openpyxl.load_workbook(english).sheetnames == ["scores", "nodes"]


def test_a_workbook_of_scores_refuses_what_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfkpi.excel
    from perfkpi.excel import OutputPathError, write_table

    source = _book(tmp_path / "t.xlsx", {"表": [["1", "2"], ["100%", 5]]})
    batch = evaluate_batch(_scheme(), source)
    with pytest.raises(OutputPathError, match="would overwrite the input"):
        batch.to_excel(source, inputs=[source])
    monkeypatch.setattr(perfkpi.excel, "MAX_ROWS", 0)
    with pytest.raises(DataError, match="1 rows do not fit a sheet"):
        batch.to_excel(tmp_path / "out.xlsx")
    with pytest.raises(ValueError, match="lang must be"):
        write_table(batch, tmp_path / "o.xlsx", lang="fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a BatchResult"):
        write_table({"1": [1]}, tmp_path / "o.xlsx")  # type: ignore[arg-type]


def test_cli_batch_writes_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfkpi.cli import main
    from perfkpi.files import dump_scheme

    scheme = tmp_path / "s.toml"
    dump_scheme(_scheme(), scheme)
    book = _book(tmp_path / "t.xlsx", {"表": [["单位", "1", "2"], ["甲", "90%", 4]]})
    out = tmp_path / "scores.xlsx"
    assert main(["batch", str(scheme), str(book), "-o", str(out)]) == 0
    ws = openpyxl.load_workbook(out)["评分结果"]
    assert [c.value for c in ws[2]][:3] == ["甲", 17, "差"]  # 9 + 8
    # writing over the table read is refused
    assert main(["batch", str(scheme), str(book), "-o", str(book)]) == 2
    assert "输出会覆盖输入文件" in capsys.readouterr().err


def test_a_range_merged_over_rows_names_each_row(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [
        ["区域", "单位", "1", "2"],
        ["东区", "甲", "100%", 5],
        [None, "乙", "50%", 5],
    ]:
        ws.append(row)
    ws.merge_cells("A2:A3")
    path = tmp_path / "t.xlsx"
    wb.save(path)
    batch = evaluate_batch(_scheme(), path, id_column="单位")
    assert batch.extra["区域"].tolist() == ["东区", "东区"]
    assert batch.total.tolist() == [20.0, 15.0]  # 乙: 10 × 50/100 + 10
