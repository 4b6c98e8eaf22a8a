"""Write the twelve submitted self-evaluations of the review example.

Every department of an invented city ran the same training project and
submitted its 绩效自评表 to the finance bureau, scored by the bureau's scheme
(``scheme.toml`` beside this file).  Most departments filled in the workbook
the bureau handed out (written here by :func:`perfkpi.excel.write_excel`);
two used their own Excel layout.  Some made the mistakes a bureau meets every
spring; ``expected.toml`` lists, worked out by hand, what a review finds.

Run ``python examples/review/make_submissions.py [FOLDER]`` to write them
(by default into ``submissions/`` beside this file).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import openpyxl

import perfkpi
from perfkpi.excel import write_excel

HERE = Path(__file__).parent

# Every target met: 100 points.
MET: dict[str, object] = {
    "1": "100%",
    "2.1.1": "1200人次",
    "2.2.1": "96%",
    "2.3.1": dt.date(2023, 11, 20),
    "3.1.1": "92%",
    "3.2.1": "480万元",
    "4.1.1": "93%",
}


def _workbook(
    scheme: perfkpi.Scheme, path: Path, entity: str, **actuals: object
) -> None:
    """Write the bureau's workbook for *entity*, scored by *scheme*."""
    values = {**MET, **{k.replace("_", "."): v for k, v in actuals.items()}}
    data = perfkpi.Data(actuals=values, entity=entity, period="2023")
    write_excel(perfkpi.evaluate(scheme, data), path)


def _edit(path: Path, edits: dict[str, Any], *, sheet: str = "评分表") -> None:
    """Change cells of a written workbook, as a person would in Excel.

    A value given as ``(value, number_format)`` also sets the cell's format.
    """
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for cell, value in edits.items():
        if isinstance(value, tuple):
            ws[cell], ws[cell].number_format = value
        else:
            ws[cell] = value
    wb.save(path)


def _cell(path: Path, code: str, header: str) -> str:
    """Return the address of the cell of node *code* under *header*."""
    ws = openpyxl.load_workbook(path)["评分表"]
    headers = [c.value for c in ws[2]]
    column = openpyxl.utils.get_column_letter(headers.index(header) + 1)
    for row in ws.iter_rows(min_row=3):
        if row[0].value == code:
            return f"{column}{row[0].row}"
    msg = f"no row {code}"
    raise LookupError(msg)


def _total_cell(path: Path, label: str) -> str:
    """Return the address of the 得分 cell of the 合计 or 等级 row."""
    ws = openpyxl.load_workbook(path)["评分表"]
    headers = [c.value for c in ws[2]]
    column = openpyxl.utils.get_column_letter(headers.index("得分") + 1)
    for row in ws.iter_rows(min_row=3):
        if label in (c.value for c in row):
            return f"{column}{row[0].row}"
    msg = f"no row {label}"
    raise LookupError(msg)


def _own_layout(path: Path, title: str, rows: list[list[object]]) -> None:
    """Write a sheet in a department's own layout: no 编号, merged levels."""
    wb = openpyxl.Workbook()
    ws = wb.worksheets[0]
    ws.title = "绩效自评表"
    ws.append([title])
    ws.append(
        ["一级指标", "二级指标", "三级指标", "分值", "年度指标值", "实际完成值", "得分"]
    )
    for row in rows:
        ws.append(row)
    ws.merge_cells("A1:G1")
    wb.save(path)


def main(folder: Path | None = None) -> Path:
    """Write the submissions into *folder* and return it."""
    folder = folder or HERE / "submissions"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    scheme = perfkpi.load_scheme(HERE / "scheme.toml")

    # 市教育局: right in every figure.
    _workbook(
        scheme,
        folder / "市教育局.xlsx",
        "市教育局",
        **{"1": "95%", "2_1_1": "1080人次"},
    )

    # 市卫生健康委: 960 of 1,200 trainees, but the full 20 points claimed.
    path = folder / "市卫生健康委.xlsx"
    _workbook(scheme, path, "市卫生健康委", **{"1": "98%", "2_1_1": "960人次"})
    _edit(
        path,
        {
            _cell(path, "2.1.1", "得分"): 20,
            _cell(path, "2.1.1", "扣分"): 0,
            _total_cell(path, "合计"): 99.8,
        },
    )

    # 市人社局: every row right, the 合计 typed with two digits swapped.
    path = folder / "市人社局.xlsx"
    _workbook(scheme, path, "市人社局", **{"3_1_1": "85%"})
    _edit(path, {_total_cell(path, "合计"): 98.98})

    # 市民政局: 87.74 is 良, the sheet says 优.
    path = folder / "市民政局.xlsx"
    _workbook(
        scheme,
        path,
        "市民政局",
        **{
            "1": "90%",
            "2_1_1": "900人次",
            "2_2_1": "90%",
            "3_1_1": "72%",
            "3_2_1": "550万元",
            "4_1_1": "85%",
        },
    )
    _edit(path, {_total_cell(path, "等级"): "优"})

    # 市司法局: the completion date pasted as a number (45260 is 2023-11-30
    # in Excel's count) into a cell formatted as General, not as a date.
    path = folder / "市司法局.xlsx"
    _workbook(scheme, path, "市司法局")
    _edit(path, {_cell(path, "2.3.1", "实际完成值"): (45260, "General")})

    # 市交通运输局: a damaged Excel 97-2003 file (its signature and nothing else).
    (folder / "市交通运输局.xls").write_bytes(
        bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
    )

    # 市文旅局: the 满意度 row (9.78 of 10) hidden before sending.
    path = folder / "市文旅局.xlsx"
    _workbook(scheme, path, "市文旅局", **{"4_1_1": "88%"})
    wb = openpyxl.load_workbook(path)
    ws = wb["评分表"]
    row = int(_cell(path, "4.1.1", "得分")[1:])
    ws.row_dimensions[row].hidden = True
    wb.save(path)

    # 市农业农村局: 合格率 96.5 % typed as 0.965 in a cell not formatted as a
    # percentage; the department kept its full 15 points.
    path = folder / "市农业农村局.xlsx"
    _workbook(scheme, path, "市农业农村局")
    _edit(path, {_cell(path, "2.2.1", "实际完成值"): 0.965})

    # 市住建局: scored its 92 % 合格率 against a target it lowered to ≥90%.
    own = perfkpi.Scheme(
        scheme.id,
        scheme.name,
        [
            n
            if n.code != "2.2.1"
            else perfkpi.Node(
                n.code,
                n.name,
                points=n.points,
                parent=n.parent,
                target="≥90%",
                rule=n.rule,
            )
            for n in scheme.nodes
        ],
        points=scheme.points,
        grades=scheme.grades,
        rounding=scheme.rounding,
    )
    _workbook(own, folder / "市住建局.xlsx", "市住建局", **{"2_2_1": "92%"})

    # 市科技局: the upload broke off half-way.
    path = folder / "市科技局.xlsx"
    _workbook(scheme, path, "市科技局")
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])

    # 市水务局: its own layout, right in every figure.
    _own_layout(
        folder / "市水务局.xlsx",
        "市水务局2023年度职业技能培训项目绩效自评表",
        [
            ["预算执行率", None, None, 10, "≥100%", "100%", 10],
            ["产出指标", "数量指标", "培训人次", 20, "≥1200人次", "1250人次", 20],
            [None, "质量指标", "培训合格率", 15, "≥95%", "97%", 15],
            [
                None,
                "时效指标",
                "项目完成时间",
                15,
                "2023年11月30日前",
                "2023年11月28日",
                15,
            ],
            ["效益指标", "社会效益指标", "参训人员就业率", 20, "≥90%", "91%", 20],
            [None, "经济效益指标", "项目总成本", 10, "≤500万元", "520万元", 9.62],
            [
                "满意度指标",
                "服务对象满意度指标",
                "参训人员满意度",
                10,
                "≥90%",
                "95%",
                10,
            ],
            ["合计", None, None, 100, None, None, 99.62],
        ],
    )

    # 市体育局: its own layout, with an indicator of its own (培训期数) that
    # takes half of 数量指标's points.
    _own_layout(
        folder / "市体育局.xlsx",
        "市体育局2023年度职业技能培训项目绩效自评表",
        [
            ["预算执行率", None, None, 10, "≥100%", "100%", 10],
            ["产出指标", "数量指标", "培训人次", 10, "≥1200人次", "1200人次", 10],
            [None, None, "培训期数", 10, "≥10期", "10期", 10],
            [None, "质量指标", "培训合格率", 15, "≥95%", "95%", 15],
            [
                None,
                "时效指标",
                "项目完成时间",
                15,
                "2023年11月30日前",
                "2023年11月30日",
                15,
            ],
            ["效益指标", "社会效益指标", "参训人员就业率", 20, "≥90%", "90%", 20],
            [None, "经济效益指标", "项目总成本", 10, "≤500万元", "500万元", 10],
            [
                "满意度指标",
                "服务对象满意度指标",
                "参训人员满意度",
                10,
                "≥90%",
                "90%",
                10,
            ],
            ["合计", None, None, 100, None, None, 100],
        ],
    )
    return folder


if __name__ == "__main__":
    out = main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(f"wrote {len(list(out.iterdir()))} submissions to {out}")
