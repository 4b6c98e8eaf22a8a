"""Excel: a 绩效自评表 read into a scheme and data; a scored workbook read back."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfkpi import SchemeValidationError, catalog, evaluate, load_data, load_scheme
from perfkpi.errors import AmbiguousValueWarning
from perfkpi.excel import (
    HEADERS,
    SCORE_CARD,
    EditedWorkbookWarning,
    HiddenCellsWarning,
    OutputPathError,
    check_workbook,
    differences,
    read_excel,
    write_excel,
)
from perfkpi.rules import AllOrNothing, Deadline, Proportional, Qualitative, Sum
from perfkpi.testing import assert_evaluations_equal, data_for, schemes

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
    [None, "时效指标", "按时完成率", 10, "≥100%", 1, 10, None],
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
PERCENT_CELLS = ["F3", "F6", "F7"]


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
    # the scheme and data come back whole: items (with the codes the
    # evaluation gave them) and findings included
    assert sheet.scheme == catalog.scheme("gz-dept-overall")
    assert sheet.data == ev.data
    # the data file has 20 [[items]] and 6 [[findings]]
    assert (len(sheet.data.items), len(sheet.data.findings)) == (20, 6)
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


def test_kuai_in_a_sheet_reads_by_the_unit_column(tmp_path: Path) -> None:
    # 计量单位 元: 块 in the 指标值 is money; 计量单位 块: a count (示范田)
    header = ["三级指标", "分值", "指标值", "计量单位", "实际完成值", "得分"]
    rows: list[list[Any]] = [
        ["人均培训成本", 50, "≤30块", "元", "28元", 50],
        ["示范田", 50, "≥5块", "块", "6块", 50],
    ]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "k.xlsx"
    wb.save(path)
    scheme = read_excel(path).scheme
    assert [str(n.target) for n in scheme.nodes] == ["≤30元", "≥5块"]


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


# -- read what the person sees ---------------------------------------------------------


def _book(rows: list[list[Any]], header: list[str] | None = None) -> Any:  # noqa: ANN401
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自评"
    ws.append(header or ["指标名称", "分值", "指标值", "实际完成值", "得分"])
    for row in rows:
        ws.append(row)
    return wb


def test_hidden_sheets_are_not_read_unless_named(tmp_path: Path) -> None:
    wb = _book([["预算执行率", 100, "≥100%", "100%", 100]])
    shown = wb.active
    shown.title = "已隐藏"
    shown.sheet_state = "hidden"
    other = wb.create_sheet("说明")
    other.append(["本表为填报说明"])
    path = tmp_path / "h.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert "no header row found" in str(info.value)
    assert "hidden sheets are not read unless named (sheet=...): 已隐藏" in str(
        info.value
    )
    sheet = read_excel(path, sheet="已隐藏")
    assert [n.name for n in sheet.scheme.nodes] == ["预算执行率"]


def test_hidden_rows_and_columns_are_reported(tmp_path: Path) -> None:
    wb = _book(
        [
            ["预算执行率", 60, "≥100%", "100%", 60],
            ["满意度", 40, "≥90%", "95%", 40],
        ]
    )
    ws = wb.active
    ws.row_dimensions[3].hidden = True  # 满意度's row
    ws.column_dimensions["E"].hidden = True  # the 得分 column
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.warns(HiddenCellsWarning) as record:
        sheet = read_excel(path)
    message = str(record[0].message)
    assert "'自评' has hidden rows 3 and columns E" in message
    # the hidden row is read, not dropped: its 40 points count (60 + 40)
    assert sheet.scheme.points == 100


def test_percent_cells_as_shown_and_fractions_as_read(tmp_path: Path) -> None:
    wb = _book(
        [
            ["执行率", 50, "≥95%", 0.965, 50],  # formatted as a percentage below
            ["合格率", 50, "≥95%", 0.965, 50],  # unformatted: the number as read
        ]
    )
    wb.active["D2"].number_format = "0.0%"
    path = tmp_path / "p.xlsx"
    wb.save(path)
    # 0.965 shown as 96.5% is the actual 96.5%; the plain 0.965 stays 0.965,
    # and the rule reading it warns that it may be a fraction of 1
    with pytest.warns(AmbiguousValueWarning, match=r"0\.965 is read .* @ 2"):
        sheet = read_excel(path)
    assert dict(sheet.data.actuals) == {"1": "96.5%", "2": 0.965}


def test_date_cells_and_deadline_rows(tmp_path: Path) -> None:
    import datetime as dt

    wb = _book(
        [
            ["完工时间", 50, dt.date(2023, 12, 31), dt.date(2023, 11, 30), 50],
            ["验收时间", 50, "2023年12月31日前", "2024年1月31日", 0],
        ]
    )
    wb.active["C2"].number_format = wb.active["D2"].number_format = "yyyy-mm-dd"
    path = tmp_path / "d.xlsx"
    wb.save(path)
    sheet = read_excel(path)
    # a date cell and the date text are the same deadline
    assert [str(n.target) for n in sheet.scheme.nodes] == [
        "≤2023-12-31",
        "≤2023-12-31",
    ]
    assert sheet.data.actuals["1"] == dt.date(2023, 11, 30)
    for node in sheet.scheme.nodes:
        # a ratio of two day numbers is no score: a deadline, never proportional
        assert sheet.scheme.rule(node.code) == Deadline()
    ev = evaluate(sheet.scheme, sheet.data)
    # done a month early: full 50; a month late: 0 (逾期不得分), not the 49.998
    # that 50 × 738,885 / 738,916 (the day numbers) would give
    assert ev.score("1") == 50
    assert ev.score("2") == 0


def test_a_serial_number_against_a_deadline_is_an_error(tmp_path: Path) -> None:
    # 45291 is 2023-12-31 as Excel counts days, shown as a plain number
    wb = _book([["完工时间", 100, "2023年12月31日前", 45291, 100]])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    (problem,) = info.value.exceptions
    assert str(problem).startswith("实际完成值 is the number 45291, not a date")
    assert str(problem).endswith(f"@ {path}: 自评!D2: node 1")


# 指标性质 as written, the target as read
NATURES: list[tuple[str, str]] = [
    ("正向", "≥100%"),
    ("反向", "≤100%"),
    ("≤", "≤100%"),
    ("正向指标", "≥100%"),
]


def test_a_bare_target_needs_a_direction(tmp_path: Path) -> None:
    # 100% in a percent-formatted cell, with nothing to say ≥ or ≤
    wb = _book([["在职人员控制率", 100, 1, "98%", 100]])
    wb.active["C2"].number_format = "0%"
    path = tmp_path / "b.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert [str(e) for e in info.value.exceptions] == [
        (
            "指标值 '100%' is a bare number: write ≥ or ≤ before it, or give the "
            f"sheet a 指标性质 column (正向 or 反向) @ {path}: 自评!C2: node 1"
        )
    ]


@pytest.mark.parametrize(("nature", "target"), NATURES)
def test_a_nature_column_gives_a_bare_target_its_direction(
    tmp_path: Path, nature: str, target: str
) -> None:
    header = ["指标名称", "指标性质", "分值", "指标值", "实际完成值", "得分"]
    wb = _book([["在职人员控制率", nature, 100, "100%", "100%", 100]], header)
    path = tmp_path / "n.xlsx"
    wb.save(path)
    (node,) = read_excel(path).scheme.nodes
    assert str(node.target) == target
    assert node.direction == ("lower" if target.startswith("≤") else "higher")


def test_a_qualitative_nature_and_a_contradiction(tmp_path: Path) -> None:
    header = ["指标名称", "指标性质", "分值", "指标值", "实际完成值", "得分"]
    wb = _book(
        [
            ["社会效益", "定性", 50, "≥90%", "较好", 45],  # scored by its 得分
            ["控制率", "反向", 30, "≥95%", "96%", 30],  # ≥ on a 反向 row
            ["完成率", "向上", 20, "95%", "96%", 20],  # not a 指标性质
        ],
        header,
    )
    path = tmp_path / "q.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert [str(e) for e in info.value.exceptions] == [
        f"指标性质 '反向' contradicts the target '≥95%' @ {path}: 自评!B3: node 2",
        (
            "指标性质 must be one of 正向、反向、定性、定量, ≥ or ≤ (got '向上') "
            f"@ {path}: 自评!B4: node 3"
        ),
        (
            "指标值 '95%' is a bare number: write ≥ or ≤ before it, or give the "
            f"sheet a 指标性质 column (正向 or 反向) @ {path}: 自评!D4: node 3"
        ),
    ]
    wb.active["D3"] = "≤5%"
    wb.active["B4"] = "正向"
    wb.save(path)
    sheet = read_excel(path)
    assert isinstance(sheet.scheme.rule("1"), Qualitative)
    assert sheet.scheme.node("1").note == "指标值：≥90%"


# -- limits and file types -------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # a sheet of the same row repeated: 40 MB of XML that compresses to ~100 KB
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = b"<worksheet><sheetData>" + row * 800_000 + b"</sheetData></worksheet>"
    path = _zip(
        tmp_path / "bomb.xlsx",
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": sheet,
        },
    )
    assert path.stat().st_size < 1_000_000
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert f"holds {len(sheet) + 8 + 11} bytes once uncompressed" in str(info.value)
    assert str(path) in str(info.value)


def test_too_many_shared_strings_are_refused(tmp_path: Path) -> None:
    # 9 MiB of shared strings (over the 8 MiB bound), within the 32 MiB total
    strings = b"<sst>" + b"<si><t>" + b"x" * (9 * 1024 * 1024) + b"</t></si></sst>"
    path = _zip(
        tmp_path / "strings.xlsx",
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/sharedStrings.xml": strings,
        },
    )
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert f"shared strings take {len(strings)} bytes" in str(info.value)


def test_a_sheet_spanning_too_many_cells_is_refused(tmp_path: Path) -> None:
    wb = _book([["预算执行率", 100, "≥100%", "100%", 100]])
    wb.active["XFD1000"] = "远处的一格"  # 1000 rows × 16,384 columns
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert "spans 1000 rows × 16384 columns (A1:XFD1000)" in str(info.value)


UNSUPPORTED: list[tuple[bytes | dict[str, bytes], str]] = [
    # an Excel 97-2003 file starts with the OLE2 signature
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 500, "Excel 97-2003 workbook (.xls)"),
    # macros: the workbook holds a VBA project
    (
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/vbaProject.bin": b"\0",
        },
        "macro-enabled workbook (.xlsm)",
    ),
    # a Word file renamed .xlsx is a zip without a workbook
    ({"word/document.xml": b"<w/>"}, "a zip archive without xl/workbook.xml"),
    # a PNG renamed .xlsx
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "not a zip archive"),
]


@pytest.mark.parametrize(("content", "text"), UNSUPPORTED)
def test_unsupported_file_types(
    tmp_path: Path, content: bytes | dict[str, bytes], text: str
) -> None:
    path = tmp_path / "上报.xlsx"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        _zip(path, content)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert f"unsupported file type: {text}" in str(info.value) or text in str(
        info.value
    )
    assert str(path) in str(info.value)


# -- write nothing that can harm, lose nothing -----------------------------------------


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path) -> None:
    wb = _book(
        [
            ['=HYPERLINK("http://x","点此")', 50, "≥100%", "100%", 50],
            ["+满意度", 50, "≥90%", "95%", 50, "@SUM(A1)"],
        ],
        ["指标名称", "分值", "指标值", "实际完成值", "得分", "偏差原因"],
    )
    wb.active["F2"] = "-未达标"
    wb.active["F2"].data_type = "s"
    for cell in ("A2", "A3", "F3"):
        wb.active[cell].data_type = "s"
    path = tmp_path / "f.xlsx"
    wb.save(path)
    sheet = read_excel(path)
    ev = evaluate(sheet.scheme, sheet.data)
    out = tmp_path / "out.xlsx"
    write_excel(ev, out, reasons=sheet.reasons)
    ws = openpyxl.load_workbook(out)[SCORE_CARD]
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value}
    assert cells['=HYPERLINK("http://x","点此")'] == "s"
    assert cells["+满意度"] == "s"
    assert cells["-未达标"] == "s"  # the sheet's own reasons, kept verbatim
    assert cells["@SUM(A1)"] == "s"
    assert not any(
        isinstance(v, str) and v.startswith("=") and t == "f" for v, t in cells.items()
    )


def test_the_sheets_own_reasons_are_kept(tmp_path: Path) -> None:
    sheet = read_excel(_sheet(tmp_path / "s.xlsx"))
    ev = evaluate(sheet.scheme, sheet.data)
    out = tmp_path / "scored.xlsx"
    write_excel(ev, out, reasons=sheet.reasons)
    again = read_excel(out)
    assert again.reasons == sheet.reasons
    assert again.reasons["2.1.1"] == "疫情停训两期"


def test_an_output_never_overwrites_an_input(tmp_path: Path) -> None:
    path = _sheet(tmp_path / "s.xlsx")
    before = path.read_bytes()
    sheet = read_excel(path)
    ev = evaluate(sheet.scheme, sheet.data)
    with pytest.raises(OutputPathError) as info:
        write_excel(ev, tmp_path / "." / "s.xlsx", inputs=[sheet.source])
    assert "would overwrite the input" in str(info.value)
    assert path.read_bytes() == before
    write_excel(ev, tmp_path / "scored.xlsx", inputs=[sheet.source])
    # written through a temporary file renamed into place: nothing left over
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx", "scored.xlsx"]


def test_an_edited_written_workbook_is_read_from_its_cells(tmp_path: Path) -> None:
    from perfkpi.grades import Band, GradeScale

    sheet = read_excel(_sheet(tmp_path / "s.xlsx"))
    scale = GradeScale("达标制", (Band("达标", 95),), "未达标")
    scheme = attrs.evolve(sheet.scheme, grades=scale)
    out = tmp_path / "scored.xlsx"
    write_excel(evaluate(scheme, sheet.data), out)
    wb = openpyxl.load_workbook(out)
    ws = wb[SCORE_CARD]
    actual = [c.value for c in ws[2]].index("实际完成值") + 1
    row = next(r for r in range(3, ws.max_row) if ws.cell(r, 1).value == "2.1.1")
    ws.cell(row, actual).value = "1200人次"  # the department corrects 培训人次
    wb.save(out)
    with pytest.warns(EditedWorkbookWarning):
        again = read_excel(out)
    assert again.data.actuals["2.1.1"] == "1200人次"
    # the cells give the nodes; the record still gives the grade scale
    assert again.scheme == scheme
    # 94.52 + 20 × 1200 / 1200 − 18 = 96.52: 达标 (95 and above)
    assert evaluate(again.scheme, again.data).grade == "达标"


# -- the sheet's own figures -----------------------------------------------------------


def test_a_consistent_sheet_has_no_differences(tmp_path: Path) -> None:
    assert differences(read_excel(_sheet(tmp_path / "s.xlsx"))) == ()


def test_a_stated_score_the_rule_does_not_give(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[1][6] = 20  # 培训人次 states full marks; 20 × 1080 / 1200 = 18
    sheet = read_excel(_sheet(tmp_path / "s.xlsx", rows))
    (d,) = differences(sheet)
    assert (d.cell, d.node, d.name, d.column, d.stated, d.recomputed, d.rule) == (
        "绩效自评表!G4",
        "2.1.1",
        "培训人次",
        "得分",
        20,
        18,
        "proportional",
    )
    assert "1080" in d.why
    assert str(d).startswith(
        "绩效自评表!G4: 2.1.1 培训人次 得分 stated 20, recomputed 18"
    )


def test_a_score_written_as_text_is_its_number(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[0][6] = "9.520"  # 预算执行率: 10 × 95.2 / 100 = 9.52, written as text
    rows[1][6] = "18.5"  # 培训人次: 20 × 1080 / 1200 = 18, not 18.5
    found = differences(read_excel(_sheet(tmp_path / "s.xlsx", rows)))
    assert [(d.cell, d.stated, d.recomputed) for d in found] == [
        ("绩效自评表!G4", 18.5, 18)
    ]


def test_every_stated_figure_is_compared(tmp_path: Path) -> None:
    header = ["指标名称", "分值", "指标值", "实际完成值", "得分", "扣分"]
    wb = _book(
        [
            ["执行率", 40, "≥100%", "95%", 38, 2],  # 40 × 95 / 100 = 38, 40 − 38 = 2
            ["满意度", 60, "≥90%", "85%", 60, 0],  # 60 × 85 / 90 = 56.67, lost 3.33
            ["合计", 90, None, None, 98, 2],  # 40 + 60 = 100; 38 + 56.67 = 94.67
            ["等级", None, None, None, "优"],  # 94.67 is 优 (90 and above)
        ],
        header,
    )
    path = tmp_path / "c.xlsx"
    wb.save(path)
    found = [
        (d.cell, d.node, d.column, d.stated, d.recomputed)
        for d in differences(read_excel(path))
    ]
    assert found == [
        ("自评!E3", "2", "得分", 60, 56.67),
        ("自评!F3", "2", "扣分", 0, 3.33),
        ("自评!B4", "total", "分值", 90, 100),
        ("自评!E4", "total", "得分", 98, 94.67),
        ("自评!F4", "total", "扣分", 2, 5.33),
    ]


def test_an_evaluation_with_another_scheme(tmp_path: Path) -> None:
    sheet = read_excel(_sheet(tmp_path / "s.xlsx"))
    nodes = [
        attrs.evolve(n, rule=AllOrNothing()) if n.code == "1" else n
        for n in sheet.scheme.nodes
    ]
    strict = attrs.evolve(sheet.scheme, nodes=nodes)
    ev = evaluate(strict, sheet.data)
    # 预算执行率 95.2% misses ≥100%: 0 under all-or-nothing, not the stated 9.52;
    # the total 94.52 − 9.52 = 85
    assert [(d.node, d.stated, d.recomputed) for d in differences(sheet, ev)] == [
        ("1", 9.52, 0),
        ("total", 94.52, 85),
    ]


# -- merged figures --------------------------------------------------------------------

MERGED_HEADER = ["一级指标", "三级指标", "分值", "指标值", "实际完成值", "得分"]


def test_merged_points_over_a_group_without_its_own_row(tmp_path: Path) -> None:
    wb = _book(
        [
            ["产出", "数量", 20, "≥10个", "10个", 10],
            ["产出", "质量", None, "≥90%", "95%", 10],
            ["效益", "满意度", 80, "≥90%", "95%", 80],
        ],
        MERGED_HEADER,
    )
    wb.active.merge_cells("C2:C3")  # 20 points shown once for 数量 and 质量
    path = tmp_path / "m.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    # never 20 for each (40 points from 20 shown), never 20 and 0: one error
    assert [str(e) for e in info.value.exceptions] == [
        (
            "分值 is merged over C2:C3, the rows of 数量、质量: it is 产出's 分值 as a "
            "whole, which has no row of its own to hold it; give each row its own 分值 "
            f"@ {path}: 自评!C2: node 1.1"
        )
    ]


def test_merged_points_belong_to_the_group_row(tmp_path: Path) -> None:
    wb = _book(
        [
            ["产出", None, 20, None, None, None],  # the group's own row
            ["产出", "数量", 10, "≥10个", "10个", 10],
            ["产出", "质量", 10, "≥90%", "95%", 10],
            ["效益", "满意度", 80, "≥90%", "95%", 80],
            ["合计", None, 100, None, None, 100],
        ],
        MERGED_HEADER,
    )
    path = tmp_path / "g.xlsx"
    wb.save(path)
    sheet = read_excel(path)
    assert [(n.code, n.points) for n in sheet.scheme.ordered()][:3] == [
        ("1", 20),
        ("1.1", 10),
        ("1.2", 10),
    ]
    # the group's 20 merged down over its rows: the rows below own no points
    wb.active["C3"] = wb.active["C4"] = None
    wb.active.merge_cells("C2:C4")
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    problems = [str(e) for e in info.value.exceptions]
    assert problems[0] == (
        "分值 is empty: a leaf needs its points (C2:C4 is merged: its 分值 is the "
        f"group's, in its first row) @ {path}: 自评!C3: node 1.1"
    )
    assert problems[1].endswith(f"@ {path}: 自评!C4: node 1.2")


def test_a_merged_score_is_the_groups_stated_score(tmp_path: Path) -> None:
    wb = _book(
        [
            ["产出", "数量", 10, "≥10个", "8个", 20],  # 10 × 8 / 10 = 8
            ["产出", "质量", 10, "≥90%", "90%", None],  # 10
            ["效益", "满意度", 80, "≥90%", "90%", 80],
        ],
        MERGED_HEADER,
    )
    wb.active.merge_cells("F2:F3")  # 产出 states 20 for its two rows together
    path = tmp_path / "s.xlsx"
    wb.save(path)
    sheet = read_excel(path)
    assert sheet.scores == {"1": 20, "2.1": 80}
    (d,) = differences(sheet)
    # 8 + 10 = 18, not the 20 the merged cell states
    assert (d.cell, d.node, d.name, d.stated, d.recomputed) == (
        "自评!F2",
        "1",
        "产出",
        20,
        18,
    )


def test_an_actual_merged_across_groups_is_an_error(tmp_path: Path) -> None:
    wb = _book(
        [
            ["产出", "完成率", 50, "≥90%", "95%", 50],
            ["效益", "满意度", 50, "≥90%", None, 50],
        ],
        MERGED_HEADER,
    )
    wb.active.merge_cells("E2:E3")
    path = tmp_path / "a.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert [str(e) for e in info.value.exceptions] == [
        (
            "实际完成值 is merged over E2:E3, across 完成率、满意度: it belongs to no "
            f"one of them; give each row its own 实际完成值 @ {path}: 自评!E2: node 1.1"
        )
    ]


def test_a_written_workbook_agrees_until_its_scores_are_edited(tmp_path: Path) -> None:
    ev = evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )
    out = tmp_path / "gz.xlsx"
    write_excel(ev, out)
    assert differences(read_excel(out)) == ()
    wb = openpyxl.load_workbook(out)
    ws = wb[SCORE_CARD]
    ws["H5"] = 10  # 1.2 预算完成率: full marks claimed, the rule gives 9.98
    wb.save(out)
    sheet = read_excel(out)  # the stated figures changed, not the scheme or data
    assert sheet.scheme == catalog.scheme("gz-dept-overall")
    assert [(d.cell, d.node, d.stated, d.recomputed) for d in differences(sheet)] == [
        ("评分表!H5", "1.2", 10, 9.98)
    ]


# -- the round trip, for every scheme the library can express --------------------------


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_written_workbooks_read_back_equal(tmp_path: Path, data: st.DataObject) -> None:
    with warnings.catch_warnings(record=True) as caught:
        # drawn schemes and data may warn (a fraction against a percent, a
        # composite index rounded early): not this test's; the reader's own
        # warnings are, below
        warnings.simplefilter("always")
        scheme = data.draw(schemes(max_depth=3, max_children=3))
        entity = data.draw(data_for(scheme))
        ev = evaluate(scheme, entity)
        out = tmp_path / "round.xlsx"
        write_excel(ev, out)
        sheet = read_excel(out)
        again = evaluate(sheet.scheme, sheet.data)
    mine = (EditedWorkbookWarning, HiddenCellsWarning)
    assert [w.message for w in caught if issubclass(w.category, mine)] == []
    assert sheet.scheme == scheme
    assert sheet.data == ev.data
    assert_evaluations_equal(again, ev)
    assert differences(sheet, again) == ()


def test_check_workbook_reads_recomputes_and_compares(tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][6] = 9  # 合格率 96% meets ≥95%: 10, not 9
    rows[-1][6] = 93.52  # the 合计 follows the stated rows: 94.52 − 1
    sheet, found = check_workbook(_sheet(tmp_path / "s.xlsx", rows))
    assert sheet.total == 93.52
    assert [(d.cell, d.stated, d.recomputed) for d in found] == [
        ("绩效自评表!G6", 9, 10),
        ("绩效自评表!G11", 93.52, 94.52),
    ]


@pytest.mark.parametrize("points", ["①00", "1⁰0", "½"])
def test_lookalike_digits_in_a_cell_are_no_number(tmp_path: Path, points: str) -> None:
    # NFKC read '①00' as 100: a look-alike digit is refused like any text
    wb = _book([["预算执行率", points, "≥100%", "100%", None]])
    path = tmp_path / "l.xlsx"
    wb.save(path)
    with pytest.raises(SchemeValidationError) as info:
        read_excel(path)
    assert "分值 must be a number >= 0" in str(info.value)


def test_fullwidth_digits_in_a_cell_still_read(tmp_path: Path) -> None:
    wb = _book([["预算执行率", "１００", "≥100%", "100%", None]])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    assert read_excel(path).scheme.nodes[0].points == 100.0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfkpi", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_check_reads_a_workbook_and_exits_1_on_a_difference(
    tmp_path: Path,
) -> None:
    # 预算执行率: 10 points, ≥100%, actual 95%: 10 × 95/100 = 9.5, stated 10
    wb = _book([["预算执行率", 10, "≥100%", "95%", 10]])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    run = _cli("check", str(path))
    assert run.returncode == 1, run.stderr
    assert "1 figures differ" in run.stdout
    assert "stated 10, recomputed 9.5" in run.stdout
    as_json = _cli("check", str(path), "--format", "json")
    assert as_json.returncode == 1
    doc = json.loads(as_json.stdout)
    assert doc["ok"] is False
    assert doc["differences"][0]["recomputed"] == 9.5
    # stated as recomputed: every figure agrees
    wb = _book([["预算执行率", 10, "≥100%", "95%", 9.5]])
    wb.save(path)
    ok = _cli("check", str(path))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "every stated figure agrees" in ok.stdout


def test_cli_check_needs_two_files_or_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[scheme]\n", encoding="utf-8")
    run = _cli("check", str(path))
    assert run.returncode == 2
    assert run.stderr.startswith("perfkpi: error:")


def test_cli_evaluate_writes_the_scored_workbook_never_over_an_input(
    tmp_path: Path,
) -> None:
    scheme = tmp_path / "s.toml"
    scheme.write_text(
        '[scheme]\nid = "s"\nname = "s"\npoints = 10\n'
        '[[node]]\ncode = "1"\nname = "预算执行率"\npoints = 10\n'
        'target = "≥100%"\nrule = "proportional"\n',
        encoding="utf-8",
    )
    data = tmp_path / "d.toml"
    data.write_text('[actuals]\n"1" = "95%"\n', encoding="utf-8")
    out = tmp_path / "scored.xlsx"
    run = _cli("evaluate", str(scheme), str(data), "-o", str(out))
    assert run.returncode == 0, run.stderr
    # 10 × 95 / 100 = 9.5, and the workbook it wrote checks clean
    read = read_excel(out)
    assert evaluate(read.scheme, read.data).total == 9.5
    assert _cli("check", str(out)).returncode == 0
    over = _cli("evaluate", str(scheme), str(data), "-o", str(data))
    assert over.returncode == 2
    assert data.read_text(encoding="utf-8") == '[actuals]\n"1" = "95%"\n'
    before = out.read_bytes()
    same = _cli("evaluate", str(out), str(out), "-o", str(out))
    assert same.returncode == 2
    assert same.stderr.startswith("perfkpi: error:")
    assert out.read_bytes() == before


def test_wrong_arguments_are_named(tmp_path: Path) -> None:
    from perfkpi.excel import SelfEvaluation

    ev = evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )
    out = tmp_path / "x.xlsx"
    with pytest.raises(TypeError, match="evaluation must be"):
        write_excel("not an evaluation", out)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="path must be a file path"):
        write_excel(ev, 5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reasons must be a mapping"):
        write_excel(ev, out, reasons=["部分资金"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inputs must be a list of file paths"):
        write_excel(ev, out, inputs="in.xlsx")
    with pytest.raises(TypeError, match="scheme must be"):
        SelfEvaluation("scheme", ev.data)
    with pytest.raises(TypeError, match="sheet must be"):
        differences(ev)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scheme must be"):
        check_workbook(out, "gz-dept-overall")  # type: ignore[arg-type]
    assert not out.exists()
