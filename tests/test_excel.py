"""Excel: a 绩效自评表 read into a scheme and data; a scored workbook read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfkpi import SchemeValidationError, catalog, evaluate, load_data, load_scheme
from perfkpi.excel import HEADERS, SCORE_CARD, read_excel, write_excel
from perfkpi.rules import AllOrNothing, Proportional, Qualitative, Sum

openpyxl = pytest.importorskip("openpyxl")

PERCENT = "0.0%"

# One project's 绩效自评表 as finance bureaus lay it out: a title, a header row
# with bracketed notes, merged upper levels, percent-formatted cells, a blank
# upper-level cell meaning "as above", and a 合计 row.
HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "分值（分）",
    "年度指标值（A）",
    "全年实际值（B）",
    "得分",
    "偏差原因分析及改进措施",
]
ROWS: list[list[Any]] = [
    ["预算执行率", None, None, 10, "≥100%", 0.952, 9.52, "部分资金年底未支付"],
    [
        "产出指标",
        "数量指标",
        "培训人次",
        20,
        "≥1200人次",
        "1080人次",
        18,
        "疫情停训两期",
    ],
    [None, None, "培训期数", 10, "≥10期", "10期", 10, None],
    [None, "质量指标", "合格率", 10, "≥95%", 0.96, 10, None],
    [None, "时效指标", "按时完成率", 10, 1, 1, 10, None],
    [
        "效益指标",
        "社会效益指标",
        "培训效果",
        20,
        "有效提升",
        "明显提升",
        17,
        "个别课程反馈一般",
    ],
    [None, "可持续影响指标", "长效机制建立", 10, "是", "是", 10, None],
    [
        "满意度指标",
        "服务对象满意度指标",
        "参训人员满意度",
        10,
        "≥90%",
        "93.5%",
        10,
        None,
    ],
    ["合计", None, None, 100, None, None, 94.52, None],
]
PERCENT_CELLS = ["F3", "F6", "E7", "F7"]


def _sheet(
    path: Path, rows: list[list[Any]] = ROWS, header: list[str] = HEADER
) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    ws["A1"] = "2023年度培训项目绩效自评表"
    ws.merge_cells("A1:H1")
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cell in PERCENT_CELLS:
        ws[cell].number_format = PERCENT
    ws.merge_cells("A3:C3")  # 预算执行率 across the three levels
    ws.merge_cells("A4:A7")  # 产出指标 over its rows
    ws.merge_cells("B4:B5")  # 数量指标 over its two rows
    ws.merge_cells("A11:C11")  # 合计
    # A9 is left blank on purpose: a blank upper level takes the value above
    wb.save(path)
    return path


def test_read_a_self_evaluation_sheet(tmp_path: Path) -> None:
    sheet = read_excel(_sheet(tmp_path / "自评表.xlsx"))
    scheme = sheet.scheme
    assert (scheme.id, scheme.name, scheme.points) == (
        "自评表",
        "2023年度培训项目绩效自评表",
        100,
    )
    assert [(n.code, n.name, n.parent, n.points) for n in scheme.ordered()] == [
        ("1", "预算执行率", None, 10),
        ("2", "产出指标", None, 50),
        ("2.1", "数量指标", "2", 30),
        ("2.1.1", "培训人次", "2.1", 20),
        ("2.1.2", "培训期数", "2.1", 10),
        ("2.2", "质量指标", "2", 10),
        ("2.2.1", "合格率", "2.2", 10),
        ("2.3", "时效指标", "2", 10),
        ("2.3.1", "按时完成率", "2.3", 10),
        ("3", "效益指标", None, 30),
        ("3.1", "社会效益指标", "3", 20),
        ("3.1.1", "培训效果", "3.1", 20),
        ("3.2", "可持续影响指标", "3", 10),
        ("3.2.1", "长效机制建立", "3.2", 10),
        ("4", "满意度指标", None, 10),
        ("4.1", "服务对象满意度指标", "4", 10),
        ("4.1.1", "参训人员满意度", "4.1", 10),
    ]
    assert scheme.rule("1") == Proportional()
    assert scheme.rule("2") == Sum()
    assert scheme.rule("3.1.1") == Qualitative()
    assert scheme.node("3.1.1").note == "指标值：有效提升"
    assert scheme.rule("3.2.1") == AllOrNothing()
    assert str(scheme.node("2.3.1").target) == "≥100%"  # the percent cell 1 shows 100%
    # percent-formatted cells are read as what they show
    assert dict(sheet.data.actuals) == {
        "1": "95.2%",
        "2.1.1": "1080人次",
        "2.1.2": "10期",
        "2.2.1": "96%",
        "2.3.1": "100%",
        "3.1.1": 17,
        "3.2.1": "是",
        "4.1.1": "93.5%",
    }
    assert sheet.scores["2.1.1"] == 18
    assert sheet.reasons == {
        "1": "部分资金年底未支付",
        "2.1.1": "疫情停训两期",
        "3.1.1": "个别课程反馈一般",
    }
    assert sheet.total == 94.52
    assert sheet.cells["2.2.1"] == "绩效自评表!A6"


def test_recomputed_scores_match_the_sheet(tmp_path: Path) -> None:
    sheet = read_excel(_sheet(tmp_path / "s.xlsx"))
    ev = evaluate(sheet.scheme, sheet.data)
    # 10 × 95.2/100 = 9.52; 20 × 1080/1200 = 18; 17 chosen; the rest met in full
    for code, score in sheet.scores.items():
        if not sheet.scheme.children(code):
            assert ev.score(code) == score
    # 9.52 + 18 + 10 + 10 + 10 + 17 + 10 + 10
    assert (ev.total, ev.grade) == (94.52, "优")


def test_round_trip_through_a_written_workbook(tmp_path: Path) -> None:
    sheet = read_excel(_sheet(tmp_path / "s.xlsx"))
    ev = evaluate(sheet.scheme, sheet.data)
    out = tmp_path / "scored.xlsx"
    write_excel(ev, out)
    again = read_excel(out)
    assert again.scheme == sheet.scheme
    assert again.data == sheet.data
    assert again.total == 94.52
    assert evaluate(again.scheme, again.data).total == ev.total


def test_written_workbook_is_formatted(tmp_path: Path) -> None:
    ev = evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )
    out = tmp_path / "gz.xlsx"
    write_excel(ev, out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [SCORE_CARD, "扣分明细", "perfkpi"]
    assert wb["perfkpi"].sheet_state == "hidden"
    ws = wb[SCORE_CARD]
    header = [c.value for c in ws[2]]
    assert header[:9] == [
        "编号",
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "指标值",
        "实际完成值",
        "得分",
        "扣分",
    ]
    assert ws["A2"].font.bold
    # 履职效能 (rows 3–5: the node, 1.1 and 1.2) is one merged cell
    assert "B3:B5" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(r, 1).value for r in range(3, 7)] == ["1", "1.1", "1.2", "2"]
    assert ws["H5"].value == 9.98
    assert ws["H5"].number_format == "0.00"
    assert ws["I5"].value == 0.02  # 10 − 9.98
    assert (ws["B7"].value, ws["H7"].value) == ("合计", 88.63)
    assert (ws["B8"].value, ws["H8"].value) == ("等级", "良")
    deductions = wb["扣分明细"]
    assert deductions.max_row == 13  # the header and twelve deductions
    assert deductions["C2"].value == 1


def test_seed_goes_to_excel_and_back(tmp_path: Path) -> None:
    ev = evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )
    out = tmp_path / "gz.xlsx"
    write_excel(ev, out)
    sheet = read_excel(out)
    # items and findings of a deduct node come back as one finding of the points lost
    assert [(f.node, f.points) for f in sheet.data.findings] == [
        ("1.1", 4),
        ("2", 7.35),
    ]
    again = evaluate(sheet.scheme, sheet.data)
    assert (again.total, again.score("1"), again.score("2")) == (88.63, 45.98, 42.65)
    assert (sheet.data.entity, sheet.data.period) == ("广州互联网法院", "2022")
    assert load_scheme(out) == sheet.scheme
    assert load_data(out) == sheet.data


def test_weights_in_percent_are_points(tmp_path: Path) -> None:
    header = ["指标名称", "权重", "目标值", "实际值", "得分"]
    rows: list[list[Any]] = [
        ["预算执行率", 0.4, "≥100%", "100%", 40],
        ["满意度", 0.6, "≥90%", "99%", 60],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    ws["B2"].number_format = ws["B3"].number_format = "0%"
    path = tmp_path / "w.xlsx"
    wb.save(path)
    sheet = read_excel(path)
    assert [(n.name, n.points) for n in sheet.scheme.nodes] == [
        ("预算执行率", 40),
        ("满意度", 60),
    ]


def test_symbol_and_unit_columns(tmp_path: Path) -> None:
    header = [
        "三级指标",
        "分值",
        "计算符号",
        "指标值",
        "计量单位",
        "实际完成值",
        "得分",
    ]
    rows: list[list[Any]] = [
        ["培训人次", 50, "≥", 1200, "人次", 1200, 50],
        ["响应时间", 50, "≤", 2, "小时", "90分钟", 50],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "u.xlsx"
    wb.save(path)
    scheme = read_excel(path).scheme
    assert [str(n.target) for n in scheme.nodes] == ["≥1200人次", "≤2小时"]


def test_not_applicable_rows(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[2][5] = "不适用"  # 培训期数
    sheet = read_excel(_sheet(tmp_path / "s.xlsx", rows))
    assert sheet.data.not_applicable == ("2.1.2",)
    assert "2.1.2" not in sheet.data.actuals


def test_every_problem_with_its_cell(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[1][3] = "二十"  # 培训人次's points are not a number (D4)
    rows[2][5] = "很多"  # 培训期数's actual cannot be read against ≥10期 (F5)
    rows[5][6] = None  # 培训效果 is qualitative and has no 得分 (G8)
    path = _sheet(tmp_path / "bad.xlsx", rows)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    problems = [str(e) for e in info.value.exceptions]
    assert len(problems) == 3, problems
    assert problems[0].startswith("分值 must be a number >= 0 (got '二十')")
    assert problems[0].endswith(f"@ {path}: 绩效自评表!D4: node 2.1.1")
    assert "实际完成值: cannot read actual" in problems[1]
    assert problems[1].endswith(f"@ {path}: 绩效自评表!F5: node 2.1.2")
    assert problems[2].startswith("得分 is empty")
    assert problems[2].endswith(f"@ {path}: 绩效自评表!G8: node 3.1.1")


def test_points_that_do_not_add_up_name_the_row(tmp_path: Path) -> None:
    header = ["一级指标", "三级指标", "分值", "指标值", "实际完成值", "得分"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    ws.append(["产出", None, 30, None, None, None])  # says 30, its children give 20
    ws.append(["产出", "完成率", 20, "≥100%", "100%", 20])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert [str(e) for e in info.value.exceptions] == [
        f"children's points sum to 20, not 30 @ {path}: Sheet!A2: node 1"
    ]


# header as written, the field it is read as
HEADER_NAMES: list[tuple[str, str | None]] = [
    ("全年实际值（B）", "actual"),
    ("实际完成值", "actual"),
    ("分值（分）", "points"),
    ("权重(%)", "points"),
    ("年度指标值（A）", "target"),
    ("指 标 值", "target"),  # spaces inside
    ("偏差原因分析及改进措施", "reason"),
    ("三级指标名称", "level3"),
    ("自评得分", "score"),
    ("指标解释", "note"),
    ("指标值设定依据", None),  # known, and left out: not the target
    ("上年完成值", None),
    ("序号", None),
    ("金额", None),
]


@pytest.mark.parametrize(("text", "field"), HEADER_NAMES)
def test_headers_match_flexibly(text: str, field: str | None) -> None:
    from perfkpi.excel import _field_of

    assert _field_of(text) == field


def test_header_table_is_public() -> None:
    assert "实际完成值" in HEADERS["actual"]


BAD_FILES: list[tuple[bytes | None, str]] = [
    (b"not a workbook", "not an Excel workbook"),  # text with an .xlsx name
    (None, "cannot read file"),  # no file at all
]


@pytest.mark.parametrize(("content", "text"), BAD_FILES)
def test_bad_files(tmp_path: Path, content: bytes | None, text: str) -> None:
    path = tmp_path / "x.xlsx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert text in str(info.value)
    assert str(path) in str(info.value)


def test_sheet_without_a_header(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["甲", "乙"])
    path = tmp_path / "n.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert "no header row found" in str(info.value)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path, sheet="nope")
    assert "no sheet 'nope'" in str(info.value)
