"""Write 绩效目标申报表.xlsx: a project's performance target declaration form.

The layout is the one departments fill in for a project (项目支出绩效目标
申报表): a title with the year, a header block (项目名称, 主管部门, 实施单位,
资金情况, 年度绩效目标), then the indicator table — 一级指标, 二级指标,
三级指标, 指标性质, 指标值, 度量单位 — with the class cells merged down over
their indicators, and the review lines at the foot.  The project and its
figures are made up for the example (a court's information systems, like the
seed department's); the workbook is checked in beside this script.

Run ``python examples/declaration/make_form.py [folder]``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).parent
NAME = "绩效目标申报表.xlsx"

# 一级指标, 二级指标, 三级指标, 指标性质, 指标值, 度量单位
INDICATORS: list[tuple[str, str, str, str, str | float, str]] = [
    ("产出指标", "数量指标", "运维信息系统数量", "≥", 12, "个"),
    ("产出指标", "数量指标", "网上立案审核数量", "≥", 50000, "件"),
    ("产出指标", "质量指标", "系统正常运行率", "≥", 99, "%"),
    ("产出指标", "时效指标", "故障响应时间", "≤", 2, "小时"),
    ("产出指标", "时效指标", "预算执行率", "≥", 100, "%"),
    ("产出指标", "成本指标", "运维服务费用", "≤", 480, "万元"),
    ("效益指标", "社会效益指标", "网上立案率", "≥", "95%", ""),
    ("效益指标", "可持续影响指标", "运维制度健全性", "定性", "健全", ""),
    ("满意度指标", "服务对象满意度指标", "诉讼参与人满意度", "≥", 90, "%"),
]


def build(folder: Path = HERE) -> Path:
    """Write the form into *folder* and return its path."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "申报表"
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def put(coordinate: str, value: str | float, *, merge: str = "") -> None:
        ws[coordinate] = value
        ws[coordinate].alignment = centre
        if merge:
            ws.merge_cells(f"{coordinate}:{merge}")

    put("A1", "项目支出绩效目标申报表", merge="G1")
    ws["A1"].font = Font(bold=True, size=16)
    put("A2", "（2025年度）", merge="G2")
    put("A3", "项目名称")
    put("B3", "智慧法院信息系统运维项目", merge="G3")
    put("A4", "主管部门")
    put("B4", "广州市中级人民法院", merge="C4")
    put("D4", "实施单位")
    put("E4", "广州互联网法院", merge="G4")
    put("A5", "项目资金（万元）", merge="A7")
    put("B5", "年度资金总额")
    put("C5", 500)
    put("B6", "其中：财政拨款")
    put("C6", 500)
    put("B7", "其他资金")
    put("C7", 0)
    put("A8", "年度绩效目标")
    goal = (
        "保障审判执行信息系统全年稳定运行，故障两小时内响应；"
        "支持全年网上立案审核5万件以上，诉讼参与人满意度不低于90%。"
    )
    put("B8", goal, merge="G8")
    _table(ws, put)
    path = folder / NAME
    wb.save(path)
    return path


def _table(ws: Worksheet, put: Callable[..., None]) -> None:
    """Write the indicator table, its class cells merged, and the foot."""
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = [
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
    ]
    for c, text in enumerate(header, start=1):
        ws.cell(9, c, text).font = Font(bold=True)
    first_row = 10
    for i, (first, second, name, nature, value, unit) in enumerate(INDICATORS):
        r = first_row + i
        for c, v in enumerate((first, second, name, nature, value, unit), start=2):
            ws.cell(r, c, v)
    last = first_row + len(INDICATORS) - 1
    # the class cells are merged down over their indicators, as on the form
    put(f"A{first_row}", "年度绩效指标", merge=f"A{last}")
    for column in (2, 3):
        start = first_row
        for r in range(first_row + 1, last + 2):
            above = INDICATORS[start - first_row][column - 2]
            here = INDICATORS[r - first_row][column - 2] if r <= last else None
            if here != above:
                if r - 1 > start:
                    ws.merge_cells(
                        start_row=start,
                        start_column=column,
                        end_row=r - 1,
                        end_column=column,
                    )
                start = r
    put(f"A{last + 2}", "主管部门审核意见")
    put(f"B{last + 2}", "", merge=f"G{last + 2}")
    put(f"A{last + 3}", "填报人：张三　联系电话：020-00000000")
    for row in ws.iter_rows(min_row=3, max_row=last, max_col=7):
        for cell in row:
            cell.border = box
    for letter, width in zip("ABCDEFG", (14, 12, 18, 20, 10, 10, 10), strict=True):
        ws.column_dimensions[letter].width = width


if __name__ == "__main__":
    out = build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(out)
