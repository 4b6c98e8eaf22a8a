"""Reading a 绩效目标申报表 (declaration form) and reviewing its targets."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from perfkpi import DataError, catalog
from perfkpi._declaration import read_declaration
from perfkpi.cli import main
from perfkpi.targetreview import review_targets

EXAMPLES = Path(__file__).parent.parent / "examples" / "declaration"
FORM = EXAMPLES / "绩效目标申报表.xlsx"
XLS = Path(__file__).parent / "data" / "self-evaluation.xls"

Cell = str | float | None
Row = list[Cell]

HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"]


def _form(
    tmp_path: Path,
    rows: list[Row],
    *,
    header_row: int = 3,
    header: list[str] | None = None,
    name: str = "form.xlsx",
) -> tuple[Path, Workbook, Worksheet]:
    """Write a form: a title, the header at *header_row*, then *rows*."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "表"
    ws["A1"] = "项目支出绩效目标申报表（2026年度）"
    for c, text in enumerate(header or HEADER, start=1):
        ws.cell(header_row, c, text)
    for r, row in enumerate(rows, start=header_row + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    path = tmp_path / name
    wb.save(path)
    return path, wb, ws


GOOD: list[Row] = [
    ["产出指标", "数量指标", "培训人次", "≥", 300, "人次"],
    [None, "质量指标", "培训合格率", "≥", 95, "%"],
    ["效益指标", "社会效益指标", "业务能力提升", "定性", "明显提升", None],
    ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "90%", None],
]


# -- the example form ---------------------------------------------------------------


def test_the_example_form_reads_as_written() -> None:
    form = read_declaration(FORM)
    assert (form.sheet, form.period, form.entity) == (
        "申报表",
        "2025",
        "广州互联网法院",
    )
    assert (form.project, form.department, form.funds) == (
        "智慧法院信息系统运维项目",
        "广州市中级人民法院",
        "500",
    )
    assert form.goal.startswith("保障审判执行信息系统全年稳定运行")
    rows = [(i.cell, i.first, i.second, i.name, i.text) for i in form.indicators]
    # the table starts on row 10 (header on row 9); 一级 is merged B10:B15 and
    # 二级 C10:C11 and C13:C14, so every row carries its classes; a bare
    # number gets its 指标性质 before it and its 度量单位 after it
    assert rows == [
        ("申报表!F10", "产出指标", "数量指标", "运维信息系统数量", "≥12个"),
        ("申报表!F11", "产出指标", "数量指标", "网上立案审核数量", "≥50000件"),
        ("申报表!F12", "产出指标", "质量指标", "系统正常运行率", "≥99%"),
        ("申报表!F13", "产出指标", "时效指标", "故障响应时间", "≤2小时"),
        ("申报表!F14", "产出指标", "时效指标", "预算执行率", "≥100%"),
        ("申报表!F15", "产出指标", "成本指标", "运维服务费用", "≤480万元"),
        ("申报表!F16", "效益指标", "社会效益指标", "网上立案率", "≥95%"),
        ("申报表!F17", "效益指标", "可持续影响指标", "运维制度健全性", "健全"),
        ("申报表!F18", "满意度指标", "服务对象满意度指标", "诉讼参与人满意度", "≥90%"),
    ]
    assert form.indicators[7].qualitative
    assert all(not i.error for i in form.indicators)


def test_the_example_script_writes_the_checked_in_form(tmp_path: Path) -> None:
    build = runpy.run_path(str(EXAMPLES / "make_form.py"))["build"]
    written = build(tmp_path)
    assert read_declaration(written).indicators == read_declaration(FORM).indicators


def test_the_example_form_review_flags_the_spending_indicator() -> None:
    review = review_targets(FORM)
    # classes 产出 / 效益 / 满意度: the 2020 project taxonomy, all present;
    # 预算执行率 is the one money-flow indicator: 1 of 9 one-point rows,
    # 1/9 = 11.1 % > 10 %
    assert review.taxonomy == "cn-project-2020"
    assert [(f.check, f.code, f.name) for f in review.findings] == [
        ("spending-heavy", "申报表!F14", "预算执行率")
    ]
    assert review.spending_share == pytest.approx(1 / 9)
    assert (review.scheme, review.entity, review.period) == (
        "",
        "广州互联网法院",
        "2025",
    )


def test_the_cli_reviews_a_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review-targets", str(FORM), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in doc["findings"]] == ["申报表!F14"]
    assert len(doc["indicators"]) == 9


def test_a_form_beside_a_scheme_adds_its_rows() -> None:
    scheme = catalog.scheme("cn-project-2020")
    alone = review_targets(scheme)
    both = review_targets(scheme, FORM)
    assert len(both.indicators) == len(alone.indicators) + 9
    assert both.indicators[-1].code == "申报表!F18"
    with pytest.raises(DataError, match="give no data beside it"):
        review_targets(FORM, FORM)


# -- what a form may look like --------------------------------------------------------


def test_the_header_is_found_by_its_labels_and_blank_classes_carry_down(
    tmp_path: Path,
) -> None:
    path, _, _ = _form(tmp_path, GOOD, header_row=7)
    form = read_declaration(path)
    assert [(i.cell, i.first, i.second, i.text) for i in form.indicators] == [
        ("表!E8", "产出指标", "数量指标", "≥300人次"),
        ("表!E9", "产出指标", "质量指标", "≥95%"),
        ("表!E10", "效益指标", "社会效益指标", "明显提升"),
        ("表!E11", "满意度指标", "服务对象满意度指标", "≥90%"),
    ]
    assert form.period == "2026"
    review = review_targets(path)
    # 产出, 效益, 满意度 all present; no money indicator; every target readable
    assert review.ok, review.report()


def test_a_percentage_cell_reads_as_shown(tmp_path: Path) -> None:
    path, wb, ws = _form(
        tmp_path, [["产出指标", "质量指标", "合格率", "≥", 0.95, None]]
    )
    ws["E4"].number_format = "0%"
    wb.save(path)
    # 0.95 shown as 95%
    assert read_declaration(path).indicators[0].text == "≥95%"


def test_a_form_without_nature_or_unit_columns(tmp_path: Path) -> None:
    rows: list[Row] = [
        ["产出指标", "数量指标", "检查次数", "6次"],
        [None, None, "整改率", "≤5%"],
    ]
    path, _, _ = _form(
        tmp_path, rows, header=["一级指标", "二级指标", "指标内容", "指标值"]
    )
    review = review_targets(path)
    # 6次 says neither ≥ nor ≤ (检查次数 is no library indicator); the
    # classes 效益 and 满意度 of the 2020 taxonomy have no indicator
    found = [(f.check, f.code, f.name) for f in review.findings]
    assert found == [
        ("missing-class", "", "效益"),
        ("missing-class", "", "满意度"),
        ("no-direction", "表!D4", "检查次数"),
    ]


def test_a_cost_class_chooses_the_2021_taxonomy(tmp_path: Path) -> None:
    rows: list[Row] = [
        *GOOD,
        ["成本指标", "经济成本指标", "人均培训成本", "≤", 800, "元"],
    ]
    review = review_targets(_form(tmp_path, rows)[0])
    # 产出, 效益, 满意度 and 成本: four classes of cn-project-2021, three of 2020
    assert review.taxonomy == "cn-project-2021"
    assert review.ok, review.report()


# -- hostile forms ---------------------------------------------------------------------


def test_no_header_is_refused(tmp_path: Path) -> None:
    path, _, _ = _form(tmp_path, GOOD, header=["类别", "名称", "说明"])
    with pytest.raises(DataError, match="no sheet holds an indicator table") as caught:
        read_declaration(path)
    assert caught.value.where == str(path)
    with pytest.raises(DataError, match="no sheet holds an indicator table"):
        review_targets(path)


def test_a_tbd_target_is_a_placeholder_named_by_its_cell(tmp_path: Path) -> None:
    rows: list[Row] = [
        *GOOD[:3],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "TBD", "%"],
    ]
    review = review_targets(_form(tmp_path, rows)[0])
    # TBD is a placeholder, not also an unreadable value
    assert [(f.check, f.code, f.name) for f in review.findings] == [
        ("placeholder", "表!E7", "参训人员满意度")
    ]
    assert "TBD" in review.findings[0].reason("en")


def test_an_unreadable_target_names_its_cell_and_why(tmp_path: Path) -> None:
    rows: list[Row] = [
        *GOOD[:3],
        ["满意度指标", "服务对象满意度指标", "参训人员满意度", "≥", "大部分", None],
    ]
    path, _, _ = _form(tmp_path, rows)
    row = read_declaration(path).indicators[3]
    assert row.target is None
    assert row.error.startswith("表!E7: cannot read '≥大部分'")
    found = review_targets(path).findings
    assert [(f.check, f.code) for f in found] == [("no-value", "表!E7")]
    assert "表!E7: cannot read" in found[0].reason("en")


def test_a_merge_over_two_indicators_values_is_refused(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws.merge_cells("E4:E5")  # one 指标值 for 培训人次 and 培训合格率
    wb.save(path)
    with pytest.raises(DataError, match="several indicator rows") as caught:
        read_declaration(path)
    assert caught.value.where == f"{path}: 表!E4:E5"


def test_a_merge_over_the_class_columns_is_read(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws["A5"] = None
    ws.merge_cells("A4:A5")
    wb.save(path)
    assert [i.first for i in read_declaration(path).indicators[:2]] == ["产出指标"] * 2


def test_a_hidden_row_is_refused(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws.row_dimensions[6].hidden = True  # 业务能力提升
    wb.save(path)
    with pytest.raises(
        DataError, match=r"hidden rows inside the indicator table \(6\)"
    ):
        read_declaration(path)


def test_a_hidden_row_of_an_xls_form_is_refused() -> None:
    # tests/data/make_xls.py: the table's header is row 2, row 4 is hidden
    pytest.importorskip("xlrd")
    with pytest.raises(
        DataError, match=r"hidden rows inside the indicator table \(4\)"
    ):
        read_declaration(XLS)


def test_a_table_on_a_hidden_sheet_is_refused(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws.sheet_state = "hidden"
    wb.create_sheet("封面")
    wb.save(path)
    with pytest.raises(
        DataError, match="a hidden sheet holds an indicator table"
    ) as caught:
        read_declaration(path)
    assert caught.value.where == f"{path}: 表"


def test_a_value_without_a_name_is_refused(tmp_path: Path) -> None:
    rows: list[Row] = [*GOOD, [None, None, None, "≥", 5, "次"]]
    with pytest.raises(DataError, match="without a 三级指标") as caught:
        read_declaration(_form(tmp_path, rows)[0])
    assert caught.value.where.endswith("表!C8")


def test_the_table_ends_at_the_review_lines(tmp_path: Path) -> None:
    rows: list[Row] = [
        *GOOD,
        [None],
        ["主管部门审核意见", None, "同意", None, None, None],
    ]
    assert len(read_declaration(_form(tmp_path, rows)[0]).indicators) == 4


def test_not_a_workbook_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "假.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(DataError, match="not an Excel workbook"):
        read_declaration(path)
    with pytest.raises(TypeError, match="path must be"):
        read_declaration(3)  # type: ignore[arg-type]


def test_a_named_sheet(tmp_path: Path) -> None:
    path, wb, _ = _form(tmp_path, GOOD)
    wb.create_sheet("其他")
    wb.save(path)
    assert read_declaration(path, sheet="表").sheet == "表"
    with pytest.raises(DataError, match="no indicator table"):
        read_declaration(path, sheet="其他")
    with pytest.raises(DataError, match="no sheet '无'"):
        read_declaration(path, sheet="无")


def test_a_declaration_read_from_a_named_sheet_is_reviewed(tmp_path: Path) -> None:
    path, wb, _ = _form(tmp_path, GOOD)
    other = wb.create_sheet("副本")
    rows: list[Row] = [list(HEADER), *GOOD[:1]]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            other.cell(r, c, value)
    wb.save(path)
    with pytest.raises(DataError, match="several sheets hold an indicator table"):
        review_targets(path)
    form = read_declaration(path, sheet="表")
    # the four rows of 表, all sound
    review = review_targets(form)
    assert len(review.indicators) == 4
    assert review.ok
    both = review_targets(catalog.scheme("cn-project-2020"), form)
    assert both.indicators[-1].code == "表!E7"


def test_a_hidden_column_of_the_table_is_refused(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws.column_dimensions["F"].hidden = True  # 度量单位
    wb.save(path)
    with pytest.raises(DataError, match="the table's column F is hidden"):
        read_declaration(path)


def test_a_merge_across_name_and_value_is_refused(tmp_path: Path) -> None:
    path, wb, ws = _form(tmp_path, GOOD)
    ws.merge_cells("C5:E5")  # 培训合格率's name, nature and value in one cell
    wb.save(path)
    with pytest.raises(DataError, match="several columns") as caught:
        read_declaration(path)
    assert caught.value.where == f"{path}: 表!C5:E5"
