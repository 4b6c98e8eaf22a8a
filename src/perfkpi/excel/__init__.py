"""Excel: read a 绩效自评表 into a scheme and data; write an evaluation as a workbook.

Finance bureaus keep their self-evaluation tables (绩效自评表) in Excel: one row
per indicator, with 一级 / 二级 / 三级指标, 分值 (or 权重), 指标值, 实际完成值,
得分 and 偏差原因.  :func:`read_excel` reads such a sheet into a
:class:`~perfkpi.scheme.Scheme` and :class:`~perfkpi.deductions.Data`, plus the
scores the sheet reports; :func:`write_excel` writes an
:class:`~perfkpi.evaluation.Evaluation` as a formatted workbook (a score card
and the deductions), which :func:`read_excel` reads back.

This module needs the ``excel`` extra (``pip install 'perfkpi[excel]'``,
which installs openpyxl); ``import perfkpi`` does not import it.

How a sheet is read:

- The header row is found among the first rows of the sheet; header names
  match flexibly (full-width forms, spaces, bracketed notes such as ``（A）`` or
  ``（分）`` are ignored; see :data:`HEADERS`).
- Merged cells give their value to every cell they cover, so a merged 一级指标
  names each of its rows; a blank upper-level cell takes the value above it.
- A cell formatted as a percentage is read as what it shows: 0.9966 shown as
  ``99.66%`` is the actual ``"99.66%"`` (at full precision, not rounded to the
  shown decimals).
- A leaf's rule follows its target (:func:`perfkpi.rules.infer_rule`): a
  positive number ``proportional``, a deadline ``deadline``, a 是/否 target
  or a rank ``all-or-nothing``; without a readable target it is a qualitative
  indicator scored by its 得分.  A 指标性质 column gives a bare target its
  direction.  A ``评分规则`` column holding a rule's file form
  (``proportional``, ``{"kind": "bands", ...}``) sets the rule instead: this is
  how a workbook written by :func:`write_excel` keeps its rules.
- Rows whose first cell is 合计, 总分 or 等级 close the table.

Examples
--------
>>> import perfkpi
>>> from perfkpi.excel import read_excel, write_excel
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "gz.xlsx"
>>> write_excel(ev, path)
>>> sheet = read_excel(path)
>>> perfkpi.evaluate(sheet.scheme, sheet.data).total
88.63
"""

from __future__ import annotations

from perfkpi import _public
from perfkpi.excel._book import _open as _open
from perfkpi.excel._check import Difference, check_workbook, differences
from perfkpi.excel._columns import read_table
from perfkpi.excel._model import (
    EditedWorkbookWarning,
    HiddenCellsWarning,
    OutputPathError,
    SelfEvaluation,
    StatedFigure,
)
from perfkpi.excel._model import _openpyxl as _openpyxl
from perfkpi.excel._read import read_excel
from perfkpi.excel._scores import write_table
from perfkpi.excel._table import _field_of as _field_of
from perfkpi.excel._write import _put as _put
from perfkpi.excel._write import _refuse_overwrite as _refuse_overwrite
from perfkpi.excel._write import _save as _save
from perfkpi.excel._write import _ScoreCard as _ScoreCard
from perfkpi.excel._write import _styles as _styles
from perfkpi.excel._write import write_excel

__all__ = [
    "HEADERS",
    "MAX_CELLS",
    "MAX_ROWS",
    "MAX_SHARED_STRINGS_BYTES",
    "MAX_XML_BYTES",
    "SCORE_CARD",
    "Difference",
    "EditedWorkbookWarning",
    "HiddenCellsWarning",
    "OutputPathError",
    "SelfEvaluation",
    "StatedFigure",
    "check_workbook",
    "differences",
    "read_excel",
    "read_table",
    "write_excel",
    "write_table",
]

# The limits and names live here, where a caller may set them: the private
# modules look them up in this module each time they use one.
MAX_XML_BYTES = 32 * 1024 * 1024
"""The most bytes of XML a workbook may hold once uncompressed, all parts
together.  A workbook's size on disk says little: its XML compresses a
hundredfold or more, so the limit is on what would be read."""

MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
"""The most bytes of the workbook's table of shared strings, uncompressed."""

MAX_CELLS = 250_000
"""The most cells (rows × columns of the used range) a sheet may span."""

MAX_ROWS = 1_048_575
"""The most rows of scores :func:`write_table` writes to a sheet: Excel's
1,048,576 rows less the header."""

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("编号", "代码", "指标代码", "指标编号", "指标编码"),
    "level1": ("一级指标",),
    "level2": ("二级指标",),
    "level3": ("三级指标",),
    "level4": ("四级指标",),
    "level5": ("五级指标",),
    "name": ("指标名称", "指标", "绩效指标", "考核指标", "评价指标"),
    "points": ("分值", "权重", "指标分值", "标准分值", "满分", "分数", "指标权重"),
    "symbol": ("计算符号", "符号", "指标值符号"),
    "target": (
        "指标值",
        "年度指标值",
        "年度目标值",
        "目标值",
        "预期指标值",
        "计划值",
        "年度目标",
        "预期值",
    ),
    "unit": ("计量单位", "单位"),
    "actual": (
        "实际完成值",
        "全年实际值",
        "实际值",
        "完成值",
        "实际完成情况",
        "全年实际完成值",
        "实际完成",
        "完成情况",
    ),
    "score": ("得分", "自评得分", "评分", "实际得分", "评价得分"),
    "reason": (
        "偏差原因",
        "偏差原因分析及改进措施",
        "偏差原因分析",
        "偏差原因及改进措施",
        "未完成原因",
        "原因分析",
        "扣分原因",
    ),
    "category": ("类别", "指标类别", "扣分类别"),
    "note": ("备注", "说明", "指标解释", "评分标准", "计分方法"),
    "rule": ("评分规则",),
    "nature": ("指标性质", "指标方向"),
    "lost": ("扣分", "扣减分值", "扣分值"),
    "ignore": ("指标值设定依据", "序号", "上年完成值", "计算公式"),
}
"""Header names each column may have, by field.  Names are compared after NFKC,
without spaces and without bracketed notes; a header that contains one of the
names of three characters or more (``全年实际值（B）``) also matches.  Columns
under ``ignore`` are known and left out."""

SCORE_CARD = "评分表"
"""The name of the score-card sheet :func:`write_excel` writes."""

# the public names present themselves as perfkpi.excel's (docs, reprs, pickles)
_public.adopt(__name__, globals(), __all__)
