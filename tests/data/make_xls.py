"""Write ``self-evaluation.xls``, the Excel 97-2003 sheet tests/test_xlsx.py reads.

Needs xlwt (``pip install xlwt``), which only this script uses: the file is
committed, so the tests do not need it.  What it holds, by cell:

- A1:D1 merged: the title 2023年度自评表;
- row 2: 指标名称, 分值, 指标值, 实际完成值;
- row 3: 执行率, 40, ≥100%, 0.952 formatted ``0.0%`` (shown 95.2%);
- row 4 (hidden): 完成时间, 60, 2023年11月30日前, 2023-11-20 formatted as a date;
- a second sheet, 隐藏, hidden.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path


def main() -> None:
    """Write the workbook beside this script."""
    xlwt = importlib.import_module("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("绩效自评表")
    ws.write_merge(0, 0, 0, 3, "2023年度自评表")
    for c, text in enumerate(["指标名称", "分值", "指标值", "实际完成值"]):
        ws.write(1, c, text)
    ws.write(2, 0, "执行率")
    ws.write(2, 1, 40)
    ws.write(2, 2, "≥100%")
    ws.write(2, 3, 0.952, xlwt.easyxf(num_format_str="0.0%"))
    ws.write(3, 0, "完成时间")
    ws.write(3, 1, 60)
    ws.write(3, 2, "2023年11月30日前")
    ws.write(3, 3, dt.date(2023, 11, 20), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    ws.row(3).hidden = True
    wb.add_sheet("隐藏").visibility = 1
    wb.save(str(Path(__file__).with_name("self-evaluation.xls")))


if __name__ == "__main__":
    main()
