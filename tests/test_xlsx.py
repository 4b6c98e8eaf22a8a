"""The fast workbook reader reads what openpyxl reads, cell for cell."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from perfkpi._xlsx import Book, XlsxError, from_openpyxl, open_book
from perfkpi.errors import SchemeValidationError

FORMATS = [
    "General",
    "0.00",
    "0%",
    "0.0%",
    "yyyy-mm-dd",
    "yyyy年m月d日",
    "h:mm",
    "[h]:mm:ss",
    '0.0"分"',
    '"%"0',
    "@",
]

_TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc"),  # a workbook holds no control characters
    ),
    max_size=12,
)
_VALUES = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(["=SUM(A1:A2)", " 95% ", "≥100%", "是", "合计", "1,234"]),
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False).filter(lambda x: x == 0 or abs(x) > 1e-9),
    st.booleans(),
    st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)),
)


@st.composite
def workbooks(draw: st.DrawFn) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    if draw(st.booleans()):
        wb.epoch = CALENDAR_MAC_1904
    for n in range(draw(st.integers(1, 3))):
        ws = wb.worksheets[0] if n == 0 else wb.create_sheet()
        ws.title = f"表{n}"
        for _ in range(draw(st.integers(0, 25))):
            r, c = draw(st.integers(1, 12)), draw(st.integers(1, 6))
            cell = ws.cell(r, c)
            value = draw(_VALUES)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, as perfkpi writes it
            cell.number_format = draw(st.sampled_from(FORMATS))
        if draw(st.booleans()):
            ws.cell(draw(st.integers(1, 12)), 1).value = CellRichText(
                "达成", TextBlock(InlineFont(b=True), "年度指标")
            )
        top = draw(st.integers(1, 10))
        left = draw(st.integers(1, 4))
        if draw(st.booleans()):
            bottom = top + draw(st.integers(0, 3))
            right = left + draw(st.integers(0, 2))
            if (bottom, right) != (top, left):
                ws.merge_cells(
                    start_row=top, start_column=left, end_row=bottom, end_column=right
                )
        for r in draw(st.sets(st.integers(1, 14), max_size=3)):
            ws.row_dimensions[r].hidden = True
        for letter in draw(st.sets(st.sampled_from("ABCDEFG"), max_size=2)):
            ws.column_dimensions[letter].hidden = True
        if n and draw(st.booleans()):
            ws.sheet_state = draw(st.sampled_from(["hidden", "veryHidden"]))
    return wb


def _same(a: Book, b: Book) -> None:
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        x, y = a[name], b[name]
        assert (x.title, x.state) == (y.title, y.state)
        assert sorted(x.merged) == sorted(y.merged)
        assert x.hidden_rows == y.hidden_rows
        assert x.hidden_columns == y.hidden_columns
        assert (x.max_row, x.max_column) == (y.max_row, y.max_column)
        assert x.cells == y.cells
        assert list(x.rows()) == list(y.rows())


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(wb=workbooks())
def test_the_fast_reader_reads_what_openpyxl_reads(
    wb: openpyxl.Workbook, tmp_path: Path
) -> None:
    path = tmp_path / "x.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb.save(path)
        reference = from_openpyxl(openpyxl.load_workbook(path, data_only=True))
    _same(open_book(path), reference)


def test_every_example_workbook_reads_the_same() -> None:
    folder = Path(__file__).parent.parent / "examples" / "review" / "submissions"
    paths = [p for p in folder.glob("*.xlsx") if zipfile.is_zipfile(p)]
    assert len(paths) >= 9  # the readable ones of twelve
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = from_openpyxl(openpyxl.load_workbook(path, data_only=True))
        _same(open_book(path), reference)


def test_a_numbered_cell_formatted_as_a_percentage(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]
    ws["A1"] = 0.965
    ws["A1"].number_format = "0.0%"
    ws["B2"] = dt.date(2023, 11, 30)
    ws["B2"].number_format = "yyyy-mm-dd"
    ws["C3"] = 45260  # a plain number: stays a number
    wb.save(tmp_path / "x.xlsx")
    sheet = open_book(tmp_path / "x.xlsx")["Sheet"]
    assert sheet.cells[(1, 1)] == (0.965, "0.0%")
    assert sheet.cells[(2, 2)] == (dt.datetime(2023, 11, 30), "yyyy-mm-dd")  # noqa: DTZ001
    assert sheet.cells[(3, 3)] == (45260, "General")
    assert (sheet.max_row, sheet.max_column, sheet.dimensions) == (3, 3, "A1:C3")


def test_a_document_type_declaration_is_refused(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.save(tmp_path / "x.xlsx")
    with zipfile.ZipFile(tmp_path / "x.xlsx") as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + parts[sheet][38:]
    )
    with zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(XlsxError, match="declares a document type"):
        open_book(tmp_path / "bad.xlsx")["Sheet"]


def test_a_sheet_with_too_many_cells_is_refused_while_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import perfkpi.excel

    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]
    for r in range(1, 8):
        ws.append(["指标名称", "分值", "指标值", "实际完成值"] if r == 1 else [r] * 4)
    wb.save(tmp_path / "x.xlsx")
    monkeypatch.setattr(perfkpi.excel, "MAX_CELLS", 10)
    with pytest.raises(SchemeValidationError) as caught:
        perfkpi.excel.read_excel(tmp_path / "x.xlsx")
    assert "sheet 'Sheet' holds more than 10 cells" in str(caught.value)


def test_a_broken_part_read_late_falls_back_to_openpyxl(tmp_path: Path) -> None:
    from perfkpi.excel import read_excel

    wb = openpyxl.Workbook()
    wb.worksheets[0]["A1"] = "指标名称"
    wb.save(tmp_path / "x.xlsx")
    with zipfile.ZipFile(tmp_path / "x.xlsx") as src:
        parts = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    # a shared string that is not there: both readers fail, with a clear error
    parts[sheet] = re.sub(
        rb'<c r="A1" t="inlineStr">.*?</c>',
        b'<c r="A1" t="s"><v>99</v></c>',
        parts[sheet],
    )
    with zipfile.ZipFile(tmp_path / "bad.xlsx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    with pytest.raises(XlsxError, match="IndexError"):
        open_book(tmp_path / "bad.xlsx")["Sheet"]
    with pytest.raises(SchemeValidationError) as caught:
        read_excel(tmp_path / "bad.xlsx")
    assert "not an Excel workbook (.xlsx): IndexError" in str(caught.value)


# -- Excel 97-2003 (.xls), through xlrd ---------------------------------------------

XLS = Path(__file__).parent / "data" / "self-evaluation.xls"


def test_an_xls_sheet_is_read_as_shown() -> None:
    # tests/data/make_xls.py says what each cell holds
    from perfkpi.excel import HiddenCellsWarning, read_excel

    with pytest.warns(HiddenCellsWarning, match="hidden rows 4"):
        sheet = read_excel(XLS)
    # 0.952 formatted 0.0% is 95.2 %; the date cell is a day
    assert dict(sheet.data.actuals) == {"1": "95.2%", "2": dt.date(2023, 11, 20)}
    assert [(n.code, n.name, n.points) for n in sheet.scheme.ordered()] == [
        ("1", "执行率", 40.0),
        ("2", "完成时间", 60.0),
    ]
    # 40 × 95.2 / 100 = 38.08; done by 30 November: 60; total 98.08
    import perfkpi

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert perfkpi.evaluate(sheet.scheme, sheet.data).total == 98.08


def test_an_xls_book_lists_its_sheets_merges_and_hidden_parts() -> None:
    from perfkpi._xlsx import open_xls

    book = open_xls(XLS)
    assert book.sheetnames == ["绩效自评表", "隐藏"]
    assert dict(book.states) == {"绩效自评表": "visible", "隐藏": "hidden"}
    sheet = book["绩效自评表"]
    assert sheet.merged == [(1, 1, 1, 4)]
    assert sheet.hidden_rows == {4}
    assert sheet.cells[(3, 4)] == (0.952, "0.0%")
    assert sheet.cells[(3, 2)] == (40.0, "General")


def test_an_xls_without_the_extra_or_damaged_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from perfkpi.excel import read_excel

    damaged = tmp_path / "坏.xls"
    damaged.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    with pytest.raises(SchemeValidationError) as caught:
        read_excel(damaged)
    assert "an Excel 97-2003 workbook (.xls) or an encrypted workbook" in str(
        caught.value
    )
    monkeypatch.setitem(sys.modules, "xlrd", None)  # as if not installed
    with pytest.raises(SchemeValidationError) as caught:
        read_excel(XLS)
    assert "pip install 'perfkpi[xls]'" in str(caught.value)


def test_a_recorded_scheme_warns_for_every_workbook_that_records_it(
    tmp_path: Path,
) -> None:
    import perfkpi
    from perfkpi.errors import SchemeWarning
    from perfkpi.excel import read_excel, write_excel
    from perfkpi.rules import Mean

    nodes = [
        perfkpi.Node("1", "x", points=10, rule=Mean(mean="geometric")),
        perfkpi.Node(
            "1.1",
            "a",
            parent="1",
            points=3,
            target="≥100%",
            rule=perfkpi.Proportional(),
        ),
        perfkpi.Node(
            "1.2",
            "b",
            parent="1",
            points=1,
            target="≥100%",
            rule=perfkpi.Proportional(),
        ),
    ]
    with pytest.warns(SchemeWarning, match="geometric mean"):
        scheme = perfkpi.Scheme("g", "g", nodes, points=10)
    for name in ("甲", "乙"):
        ev = perfkpi.evaluate(scheme, {"1.1": 50, "1.2": 100})
        write_excel(ev, tmp_path / f"{name}.xlsx")
    # the bureau's scheme is read once for both; each workbook still warns
    for name in ("甲", "乙"):
        with pytest.warns(SchemeWarning, match="geometric mean"):
            read_excel(tmp_path / f"{name}.xlsx")
