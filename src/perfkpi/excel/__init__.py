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

import datetime as dt
import decimal
import functools
import hashlib
import json
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs

from perfkpi import _checks, _wording
from perfkpi._safe import set_text_cell, write_atomic
from perfkpi.deductions import Data, Finding
from perfkpi.errors import (
    DataError,
    PerfKPIError,
    PerfKPIWarning,
    SchemeError,
    SchemeValidationError,
)
from perfkpi.evaluation import Evaluation
from perfkpi.files import MAX_FILE_BYTES
from perfkpi.grades import grade_scale
from perfkpi.rounding import Rounding
from perfkpi.rules import (
    Deduct,
    Qualitative,
    Rule,
    Sum,
    infer_rule,
    rule_from_dict,
    rule_to_dict,
)
from perfkpi.scheme import Node, Scheme, target_for
from perfkpi.targets import (
    Comparator,
    Target,
    _fold_char,
    format_number,
    parse_target,
)
from perfkpi.units import DEFAULT_UNITS

if TYPE_CHECKING:  # pragma: no cover
    from perfkpi._xlsx import Book, Sheet

__all__ = [
    "HEADERS",
    "MAX_CELLS",
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
    "write_excel",
]

MAX_XML_BYTES = 32 * 1024 * 1024
"""The most bytes of XML a workbook may hold once uncompressed, all parts
together.  A workbook's size on disk says little: its XML compresses a
hundredfold or more, so the limit is on what would be read."""

MAX_SHARED_STRINGS_BYTES = 8 * 1024 * 1024
"""The most bytes of the workbook's table of shared strings, uncompressed."""

MAX_CELLS = 250_000
"""The most cells (rows × columns of the used range) a sheet may span."""


class HiddenCellsWarning(PerfKPIWarning):
    """A sheet read has hidden rows or columns with something in them.

    A hidden row is read like any other (its points count towards the
    total), but the person looking at the sheet does not see it: the warning
    names the sheet and the rows or columns.
    """


class EditedWorkbookWarning(PerfKPIWarning):
    """A workbook perfkpi wrote was edited where it states the scheme or data.

    Its cells are read, as those of any sheet; what they cannot show (scheme
    overrides, items, a custom grade scale) is lost.
    """


class OutputPathError(ValueError, PerfKPIError):
    """An output path would overwrite one of the inputs."""


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

_DEDUCTIONS = "扣分明细"
_META = "perfkpi"
_LEVELS = ("level1", "level2", "level3", "level4", "level5")
_LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标")
_FOOTERS = ("合计", "总分", "总计", "总得分", "等级", "评价等级", "自评等级")
_NOT_APPLICABLE = ("不适用", "N/A", "NA", "/", "—", "－")
_HEADER_ROWS = 30
_NATURES: dict[str, tuple[str, ...]] = {
    "higher": ("正向", "正向指标", "越大越好", "≥", ">=", ">", "高优"),
    "lower": ("反向", "反向指标", "越小越好", "≤", "<=", "<", "低优"),
    "qualitative": ("定性", "定性指标"),
    "": ("定量", "定量指标"),
}
_DIRECTIONS = ("higher", "lower")
_NATURE_DIRECTION: dict[str, Literal["higher", "lower"]] = {
    word: direction  # type: ignore[misc]
    for direction in _DIRECTIONS
    for word in _NATURES[direction]
}


def _openpyxl() -> Any:  # noqa: ANN401 (the openpyxl module)
    try:
        import openpyxl  # noqa: PLC0415 (an optional extra, imported when used)
    except ModuleNotFoundError:  # pragma: no cover (the extra is installed in tests)
        msg = "reading and writing Excel needs openpyxl: pip install 'perfkpi[excel]'"
        raise ModuleNotFoundError(msg) from None
    return openpyxl


@attrs.frozen
class StatedFigure:
    """A figure a sheet states: a node's (or the total's) 得分, 扣分, 分值 or 等级.

    Attributes
    ----------
    node
        The node's code, or ``"total"`` for the 合计 and 等级 rows.
    column
        ``得分``, ``扣分``, ``分值`` or ``等级``.
    value
        The figure as the cell holds it: a number, or text (``不适用``, ``良``).
    cell
        Where it is: ``绩效自评表!G4``.
    """

    node: str
    column: str
    value: float | str
    cell: str


def _a_scheme(value: object) -> Scheme:
    return _checks.instance(value, Scheme, "scheme")


def _some_data(value: object) -> Data:
    return _checks.instance(value, Data, "data")


def _figures(values: Iterable[StatedFigure]) -> tuple[StatedFigure, ...]:
    return _checks.instances(values, StatedFigure, "stated")


@attrs.frozen
class SelfEvaluation:
    """What :func:`read_excel` found in a sheet.

    Attributes
    ----------
    scheme
        The scheme: one node per indicator row, upper levels as inner nodes.
    data
        The actuals, findings and not-applicable markers of the sheet.
    scores
        The 得分 each row reports, by node code (to compare with an
        evaluation).
    reasons
        The 偏差原因 of each row that gives one, by node code.
    total
        The total the sheet reports (its 合计 or 总分 row), if any.
    cells
        The cell of each node's row (``评分表!B7``), by node code.
    source
        The file read.
    stated
        Every figure the sheet states: each row's 得分 and 扣分, the 合计 row's
        得分, 分值 and 扣分 and the 等级 (node ``total``), with its cell; what
        :func:`differences` compares with a recomputation.

    Raises
    ------
    TypeError
        When *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* not a
        :class:`~perfkpi.deductions.Data`, or *stated* not a list of
        :class:`StatedFigure`.
    """

    scheme: Scheme = attrs.field(converter=_a_scheme)
    data: Data = attrs.field(converter=_some_data)
    scores: Mapping[str, float] = attrs.field(factory=dict, hash=False)
    reasons: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    total: float | None = None
    cells: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    source: str = ""
    stated: tuple[StatedFigure, ...] = attrs.field(
        default=(), converter=_figures, hash=False
    )


# -- reading -------------------------------------------------------------------------


def _header_key(text: str) -> str:
    """Return the form of a header that is matched: NFKC, no notes or spaces."""
    norm = re.sub(r"\([^)]*\)", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"[\s:：*]", "", norm)


@functools.lru_cache(maxsize=1024)
def _field_of(text: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    for field, names in HEADERS.items():
        if key in names:
            return None if field == "ignore" else field
    best: tuple[int, str] | None = None
    for field, names in HEADERS.items():
        for name in names:
            longer = best is None or len(name) > best[0]
            if len(name) >= 3 and name in key and longer:  # noqa: PLR2004
                best = (len(name), field)
    return None if best is None or best[1] == "ignore" else best[1]


@attrs.frozen
class _Cell:
    value: object
    percent: bool
    coordinate: str
    merged_from_left: bool = False
    span: str = ""  # the merged range over several rows the cell is in
    merged_from: str = ""  # the range's first cell, when it is not this one


@functools.lru_cache(maxsize=256)
def _is_percent(number_format: str) -> bool:
    return "%" in re.sub(r'"[^"]*"', "", number_format or "")


def _grid(ws: Sheet) -> list[list[_Cell]]:
    """Return the sheet's cells, each merged range's value copied to every cell.

    A cell of a range merged over several rows knows the range (``span``) and,
    below its first row, the first cell (``merged_from``): the rows of a
    figure such as 分值 decide where such a value belongs (:func:`_rows`).
    """
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    rows = [
        [_Cell(value, _is_percent(fmt), coordinate) for value, fmt, coordinate in row]
        for row in ws.rows()
    ]
    for min_row, min_col, max_row, max_col in ws.merged:
        top = rows[min_row - 1][min_col - 1]
        tall = max_row > min_row
        coord = (
            f"{get_column_letter(min_col)}{min_row}:"
            f"{get_column_letter(max_col)}{max_row}"
        )
        for r in range(min_row, max_row + 1):
            for c in range(min_col, max_col + 1):
                if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                    cell = rows[r - 1][c - 1]
                    rows[r - 1][c - 1] = _Cell(
                        top.value,
                        top.percent,
                        cell.coordinate,
                        merged_from_left=c > min_col,
                        span=coord if tall else "",
                        merged_from=top.coordinate if r > min_row else "",
                    )
    return rows


def _find_header(rows: list[list[_Cell]]) -> tuple[int, dict[str, int]] | None:
    best: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(rows[:_HEADER_ROWS]):
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            if isinstance(cell.value, str):
                field = _field_of(cell.value)
                if field is not None and field not in columns:
                    columns[field] = c
        named = any(f in columns for f in (*_LEVELS, "name"))
        enough = named and len(columns) >= 3  # noqa: PLR2004
        if enough and (best is None or len(columns) > len(best[1])):
            best = (r, columns)
    return best


def _text(value: object) -> str:
    """Return a cell's value as text, verbatim but for the spaces around it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _percent_text(value: float) -> str:
    exact = decimal.Decimal(repr(float(value))) * 100
    return format_number(float(exact)) + "%"


def _value(cell: _Cell) -> object:
    """Return a cell's value as read: percentages as text, text stripped."""
    value = cell.value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if cell.percent:
            return _percent_text(float(value))
        return value
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()  # a date-formatted cell: the day it shows
    return value


@attrs.define
class _Row:
    path: tuple[str, ...]
    cells: dict[str, _Cell]
    number: int

    def get(self, field: str) -> _Cell | None:
        return self.cells.get(field)

    def value(self, field: str) -> object:
        cell = self.cells.get(field)
        return None if cell is None else _value(cell)

    def place(self, field: str | None = None) -> str:
        cell = self.cells.get(field) if field else None
        if cell is None:
            cell = next(iter(self.cells.values()))
        return cell.coordinate


_OWN_ROW = ("points", "actual", "score", "lost")
"""Figures that belong to one row: merged over several, they are not copied."""


def _rows(
    rows: list[list[_Cell]], start: int, columns: dict[str, int]
) -> tuple[list[_Row], dict[str, _Cell]]:
    """Return the indicator rows below the header, and the footer's cells.

    The footer's cells are the 合计 row's ``score``, ``points`` and ``lost``
    and the 等级 row's ``grade``.  A figure of :data:`_OWN_ROW` merged over
    several rows is read in the range's first row only; the rows below see
    an empty cell that knows the range.
    """
    levels = [columns[f] for f in _LEVELS if f in columns]
    if "name" in columns and columns["name"] not in levels:
        levels.append(columns["name"])
    out: list[_Row] = []
    above = [""] * len(levels)
    footer: dict[str, _Cell] = {}
    for r in range(start, len(rows)):
        row = rows[r]
        cells = {f: row[c] for f, c in columns.items() if c < len(row)}
        for field in _OWN_ROW:
            cell = cells.get(field)
            if cell is not None and cell.merged_from:
                cells[field] = attrs.evolve(cell, value=None, percent=False)
        level_cells = [row[c] if c < len(row) else None for c in levels]
        # a name merged across level columns (预算执行率 over 一二三级) counts once
        names = [
            "" if cell is None or cell.merged_from_left else _text(cell.value)
            for cell in level_cells
        ]
        if not any(names) and not any(_text(c.value) for c in cells.values()):
            continue
        first = next((n for n in names if n), "")
        if _header_key(first) in _FOOTERS:
            if _header_key(first) in _FOOTERS[:4]:
                for field in ("score", "points", "lost"):
                    if field in cells and field not in footer:
                        footer[field] = cells[field]
            elif "score" in cells and "grade" not in footer:
                footer["grade"] = cells["score"]
            continue
        for i, name in enumerate(names):
            skipped = level_cells[i] is not None and level_cells[i].merged_from_left  # type: ignore[union-attr]
            if name:
                if name != above[i]:
                    above[i + 1 :] = [""] * (len(above) - i - 1)
                above[i] = name
            elif not skipped and any(names[i + 1 :]):
                names[i] = above[i]  # a blank upper level takes the value above
        path = tuple(n for n in names if n)
        if path:
            out.append(_Row(path, cells, r + 1))
    return out, footer


def _number(value: object) -> float | None:  # noqa: PLR0911 (one per reading)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value:
        # full-width digits fold; a look-alike (①, ², ½) is no number at all
        folded = [_fold_char(c) for c in value]
        if None in folded:
            return None
        text = "".join(c for c in folded if c is not None).replace(",", "").strip()
        try:
            if text.endswith("%"):
                return float(decimal.Decimal(text[:-1]))
            return float(text)
        except (ValueError, decimal.InvalidOperation):
            return None
    return None


def _exact_difference(a: float, b: float) -> float:
    return float(decimal.Decimal(repr(a)) - decimal.Decimal(repr(b)))


@attrs.frozen
class _Read:
    """One row read: its node, and what it brings to the data."""

    node: Node
    actual: object = None
    finding: Finding | None = None
    not_applicable: bool = False
    score: float | None = None
    reason: str = ""


@attrs.define
class _Reader:
    """Reads the rows of one sheet, collecting every problem with its cell."""

    source: str
    sheet: str
    found: list[tuple[int, int, SchemeError]] = attrs.field(factory=list)
    failed: set[str] = attrs.field(factory=set)
    merged: set[str] = attrs.field(factory=set)

    def empty(self, row: _Row, field: str, code: str, problem: str) -> None:
        """Report an empty cell, unless a range merged over it was reported."""
        cell = row.get(field)
        if cell is not None and cell.span in self.merged:
            return
        if cell is not None and cell.merged_from:
            problem += (
                f" ({cell.span} is merged: its {_COLUMNS[field]} is the "
                "group's, in its first row)"
            )
        self.fail(row, field, code, problem)

    def fail(self, row: _Row, field: str | None, code: str, problem: str) -> None:
        cell = row.get(field) if field else None
        coordinate = cell.coordinate if cell is not None else row.place()
        place = f"{self.source}: {self.sheet}!{coordinate}"
        where = f"{place}: node {code}" if code else place
        column = next((i for i, c in enumerate(row.cells.values()) if c is cell), 0)
        self.found.append((row.number, column, SchemeError(where, problem)))
        self.failed.add(code)

    @property
    def errors(self) -> list[SchemeError]:
        """The problems found, in the order of their cells."""
        return [e for _, _, e in sorted(self.found, key=lambda t: (t[0], t[1]))]

    def points(self, row: _Row, code: str) -> float | None:
        cell = row.get("points")
        if cell is None or _text(cell.value) == "":
            return None
        raw = cell.value
        number = _number(raw)
        if cell.percent and isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(decimal.Decimal(repr(float(raw))) * 100)  # 权重 10% → 10
        if number is None or number < 0:
            self.fail(row, "points", code, f"分值 must be a number >= 0 (got {raw!r})")
            return None
        return number

    def target(self, row: _Row, code: str) -> tuple[Target | None, str]:
        """Return the row's target, or None and the text when it is not one.

        Text with no digit (``有效提升``) is a qualitative indicator's target;
        text with a digit that cannot be read is a problem.
        """
        value = row.value("target")
        if isinstance(value, dt.date):
            value = f"{value.year}年{value.month}月{value.day}日"
        text = value if isinstance(value, str) else _text(value)
        if not text or text in _NOT_APPLICABLE:
            return None, ""
        symbol = _text(row.value("symbol"))
        unit = _text(row.value("unit"))
        if symbol and symbol != "定性" and not text.startswith(symbol):
            text = symbol + text
        if unit and unit in DEFAULT_UNITS and isinstance(value, int | float):
            text += unit
        direction = self.nature(row, code)
        try:
            parse_target(text)
        except PerfKPIError as exc:
            if any(ch.isdigit() for ch in text):
                self.fail(row, "target", code, f"指标值: {exc}")
            return None, text
        try:
            given: Literal["higher", "lower"] | None = (
                "lower" if direction == "lower" else None
            )
            if direction == "higher":
                given = "higher"
            target = target_for(text, given)
        except PerfKPIError:
            msg = (
                f"指标值 {text!r} is a bare number: write ≥ or ≤ before it, or "
                "give the sheet a 指标性质 column (正向 or 反向)"
            )
            self.fail(row, "target", code, msg)
            return None, text
        if direction in _DIRECTIONS and not _agrees(target, direction):
            nature = _text(row.value("nature"))
            msg = f"指标性质 {nature!r} contradicts the target {text!r}"
            self.fail(row, "nature", code, msg)
        return target, text

    def nature(self, row: _Row, code: str) -> str:
        """Return the 指标性质: ``higher``, ``lower``, ``qualitative`` or ``""``."""
        text = _header_key(_text(row.value("nature")))
        if not text:
            return ""
        for nature, words in _NATURES.items():
            if text in words:
                return nature
        allowed = "、".join(w for words in _NATURES.values() for w in words[:1])
        msg = f"指标性质 must be one of {allowed}, ≥ or ≤ (got {text!r})"
        self.fail(row, "nature", code, msg)
        return ""

    def rule(self, row: _Row, code: str) -> Rule | None:
        text = _text(row.value("rule"))
        if not text:
            return None
        spec: object = text
        if text.startswith("{"):
            try:
                spec = json.loads(text)
            except ValueError:
                self.fail(row, "rule", code, f"评分规则 is not a rule: {text!r}")
                return None
        try:
            return rule_from_dict(spec)  # type: ignore[arg-type]
        except (PerfKPIError, TypeError, ValueError):
            return None  # free text describing the rule: kept as a note

    def node(self, row: _Row, code: str, parent: str | None, *, leaf: bool) -> _Read:
        """Read the node of *row* and what it brings to the data."""
        points = self.points(row, code)
        rule = self.rule(row, code)
        target, target_text = self.target(row, code)
        notes = [_text(row.value("note"))]
        if rule is None and _text(row.value("rule")):
            notes.append(f"评分规则：{_text(row.value('rule'))}")
        nature = _header_key(_text(row.value("nature")))
        if not leaf:
            rule = rule or Sum()
        elif rule is None and nature in _NATURES["qualitative"]:
            rule = Qualitative()
        elif rule is None:
            rule = infer_rule(target)
        if isinstance(rule, Qualitative) and target_text:
            notes.insert(0, f"指标值：{target_text}")
        node = Node(
            code,
            row.path[-1],
            parent=parent,
            points=points,
            rule=rule,
            target=target if not isinstance(rule, Qualitative) else None,
            category=_text(row.value("category")),
            note="；".join(n for n in notes if n),
            direction=_NATURE_DIRECTION.get(nature),
        )
        read = _Read(
            node,
            score=_number(row.value("score")),
            reason=_text(row.value("reason")),
        )
        if leaf:
            read = self.leaf(row, read)
        return read

    def leaf(self, row: _Row, read: _Read) -> _Read:
        """Add a leaf's actual, finding or not-applicable marker."""
        node, rule = read.node, read.node.rule
        if node.points is None and _text(row.value("points")) == "":
            msg = "分值 is empty: a leaf needs its points"
            self.empty(row, "points", node.code, msg)
        actual = row.value("actual")
        if isinstance(actual, str) and actual in _NOT_APPLICABLE:
            return attrs.evolve(read, not_applicable=True)
        if isinstance(rule, Deduct):
            return _with_finding(read)
        if isinstance(rule, Qualitative):
            if read.score is None:
                msg = "得分 is empty: a qualitative indicator is scored by its 得分"
                self.empty(row, "score", node.code, msg)
            return attrs.evolve(read, actual=read.score)
        if actual is None or actual == "":
            msg = "实际完成值 is empty (write 不适用 for a node that does not apply)"
            self.empty(row, "actual", node.code, msg)
            return read
        cell = row.get("actual")
        dated = node.target is not None and node.target.kind == "date"
        if dated and isinstance(actual, int | float) and cell is not None:
            msg = (
                f"实际完成值 is the number {actual!r}, not a date: the target "
                f"{node.target} is a deadline; format the cell as a date or write "
                "the date as text (2023年12月31日)"
            )
            self.fail(row, "actual", node.code, msg)
            return read
        if rule is not None and node.points is not None:
            try:
                rule.read(actual, node, node.code)
            except PerfKPIError as exc:
                problem = exc.problem if isinstance(exc, DataError) else str(exc)
                self.fail(row, "actual", node.code, f"实际完成值: {problem}")
        return attrs.evolve(read, actual=actual)


def _agrees(target: Target, direction: str) -> bool:
    """Return whether a one-sided *target* points the way its 指标性质 says."""
    if target.kind != "quantity":
        return True
    higher = target.comparator in (Comparator.GE, Comparator.GT)
    lower = target.comparator in (Comparator.LE, Comparator.LT)
    return not ((higher and direction == "lower") or (lower and direction == "higher"))


def _with_finding(read: _Read) -> _Read:
    """Give a ``deduct`` leaf one finding: the points its 得分 is short of full."""
    node = read.node
    if node.points is None or read.score is None:
        return read
    lost = _exact_difference(node.points, read.score)
    if lost <= 0:
        return read
    finding = Finding(node.code, lost, read.reason or "自评扣分", node.category)
    return attrs.evolve(read, finding=finding)


def _meta(path: Path, wb: Book) -> dict[str, object]:
    if _META not in wb.sheetnames:
        return {}
    out: dict[str, object] = {}
    for row in _sheet(path, wb, _META).values():
        if len(row) >= 2 and isinstance(row[0], str):  # noqa: PLR2004
            key, value = row[0], row[1]
            if key in ("scheme_doc", "data_doc") and isinstance(value, str):
                value = str(out.get(key, "")) + value
            out[key] = value
    return out


def _fail(path: Path, problem: str) -> SchemeValidationError:
    return SchemeValidationError(
        f"invalid workbook {path}", [SchemeError(str(path), problem)]
    )


_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
_ZIP = b"PK\x03\x04"


def _unsupported(path: Path, what: str) -> SchemeValidationError:
    return _fail(path, f"unsupported file type: {what}")


def _inspect(path: Path) -> Literal["xlsx", "xls"]:
    """Refuse what is not an Excel workbook, or would read too much.

    Returns which kind it is: ``xlsx`` (a zip of XML parts) or ``xls`` (an
    Excel 97-2003 compound file, read through xlrd).

    The zip's directory is read first: the declared uncompressed size of each
    part bounds what Python's zip reader will ever inflate, so a small file
    that would inflate to gigabytes is refused before openpyxl opens it.
    """
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(_OLE2):
        return "xls"
    if not head.startswith(_ZIP):
        raise _unsupported(path, "not an Excel workbook (.xlsx): not a zip archive")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            names = {info.filename for info in parts}
            types = ""
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= 1024 * 1024:
                    types = archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
        msg = f"not an Excel workbook (.xlsx): a damaged zip archive ({exc})"
        raise _unsupported(path, msg) from None
    if "xl/vbaProject.bin" in names or "macroEnabled" in types:
        msg = "a macro-enabled workbook (.xlsm); save it as .xlsx without macros"
        raise _unsupported(path, msg)
    if "xl/workbook.xml" not in names:
        msg = "not an Excel workbook (.xlsx): a zip archive without xl/workbook.xml"
        raise _unsupported(path, msg)
    total = sum(info.file_size for info in parts)
    if total > MAX_XML_BYTES:
        msg = (
            f"the workbook holds {total} bytes once uncompressed; "
            f"at most {MAX_XML_BYTES} are read"
        )
        raise _fail(path, msg)
    strings = next((i for i in parts if i.filename == "xl/sharedStrings.xml"), None)
    if strings is not None and strings.file_size > MAX_SHARED_STRINGS_BYTES:
        msg = (
            f"the workbook's shared strings take {strings.file_size} bytes; "
            f"at most {MAX_SHARED_STRINGS_BYTES} are read"
        )
        raise _fail(path, msg)
    return "xlsx"


def _open(path: Path) -> Book:
    kind = "xlsx"
    try:
        size = path.stat().st_size
        if size <= MAX_FILE_BYTES:
            kind = _inspect(path)
    except OSError as exc:
        raise _fail(path, f"cannot read file: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise _fail(path, f"file is {size} bytes; at most {MAX_FILE_BYTES} are read")
    from perfkpi._xlsx import XlsxError, open_book  # noqa: PLC0415

    if kind == "xls":
        return _xls_book(path)
    try:
        return open_book(path, max_cells=MAX_CELLS)
    except XlsxError:
        return _openpyxl_book(path)  # a part the fast reader does not read


def _xls_book(path: Path) -> Book:
    """Read an Excel 97-2003 workbook through xlrd (the ``xls`` extra)."""
    from perfkpi._xlsx import TooManyCellsError, XlsxError, open_xls  # noqa: PLC0415

    try:
        return open_xls(path, max_cells=MAX_CELLS)
    except ModuleNotFoundError:
        msg = (
            "an Excel 97-2003 workbook (.xls): reading it needs the xls extra "
            "(pip install 'perfkpi[xls]'), or save it as .xlsx (Excel Workbook)"
        )
        raise _unsupported(path, msg) from None
    except TooManyCellsError as exc:
        raise _fail(path, str(exc)) from None
    except XlsxError as exc:
        msg = (
            f"an Excel 97-2003 workbook (.xls) or an encrypted workbook that "
            f"cannot be read ({exc}); save it as .xlsx (Excel Workbook)"
        )
        raise _unsupported(path, msg) from None


def _openpyxl_book(path: Path) -> Book:
    """Read a workbook with openpyxl, which decides what the fast reader did not."""
    from perfkpi._xlsx import from_openpyxl  # noqa: PLC0415

    openpyxl = _openpyxl()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="openpyxl")
            # the file is opened here so that it is closed however openpyxl fails
            with path.open("rb") as stream:
                return from_openpyxl(openpyxl.load_workbook(stream, data_only=True))
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a bad file)
        msg = f"not an Excel workbook (.xlsx): {type(exc).__name__}: {exc}"
        raise _unsupported(path, msg) from None


def _sheet(path: Path, wb: Book, name: str) -> Sheet:
    """Return a sheet of *wb*, read by openpyxl when the fast reader cannot."""
    from perfkpi._xlsx import TooManyCellsError, XlsxError  # noqa: PLC0415

    try:
        return wb[name]
    except TooManyCellsError as exc:
        raise _fail(path, f"{exc}; at most {MAX_CELLS} cells are read") from None
    except XlsxError:
        return _openpyxl_book(path)[name]


def _check_size(path: Path, ws: Sheet) -> None:
    cells = ws.max_row * ws.max_column
    if cells > MAX_CELLS:
        msg = (
            f"sheet {ws.title!r} spans {ws.max_row} rows × {ws.max_column} columns "
            f"({ws.dimensions}); at most {MAX_CELLS} cells are read"
        )
        raise _fail(path, msg)


def read_excel(
    path: str | Path,
    *,
    sheet: str | None = None,
    scheme_id: str | None = None,
    name: str | None = None,
) -> SelfEvaluation:
    """Read a 绩效自评表-style sheet into a scheme and data.

    Parameters
    ----------
    path
        The workbook: ``.xlsx``, or ``.xls`` with the ``xls`` extra (xlrd).
        Other formats (macro-enabled workbooks, encrypted ones, renamed
        files) are refused as unsupported file types.
    sheet
        The sheet to read; by default the first visible sheet whose header row
        is found.  A hidden sheet is read only when named here.
    scheme_id, name
        The scheme's id and name; by default those a workbook written by
        :func:`write_excel` records, else the file's stem and the title above
        the header (or the sheet's name).

    Returns
    -------
    SelfEvaluation
        The scheme, the data, and the figures and reasons the sheet states.
        A workbook :func:`write_excel` wrote, unedited, gives back the scheme
        and data it was written from.

    Raises
    ------
    SchemeValidationError
        With every problem found, each naming the file, the cell and the node;
        also for a file that is not an ``.xlsx`` workbook, or that would read
        more than :data:`MAX_XML_BYTES`, :data:`MAX_SHARED_STRINGS_BYTES` or
        :data:`MAX_CELLS`.

    Warns
    -----
    HiddenCellsWarning
        When the table has hidden rows or columns holding something.
    EditedWorkbookWarning
        When a workbook :func:`write_excel` wrote was edited where it states
        the scheme or the data.
    """
    path = Path(path)
    wb = _open(path)
    meta = _meta(path, wb)
    if sheet is not None and sheet not in wb.sheetnames:
        raise _fail(path, f"no sheet {sheet!r}; it has {', '.join(wb.sheetnames)}")
    if (sheet is None or sheet == SCORE_CARD) and "face" in meta:
        written = _read_written(path, wb, meta, scheme_id, name)
        if written is not None:
            return written
    if sheet is not None:
        names = [sheet]
    else:
        names = [n for n in wb.sheetnames if n != _META and wb.states[n] == "visible"]
    for sheet_name in names:
        ws = _sheet(path, wb, sheet_name)
        _check_size(path, ws)
        grid = _grid(ws)
        found = _find_header(grid)
        if found is not None:
            header_row, columns = found
            _warn_hidden(path, ws, grid, header_row, columns)
            reader = _Reader(str(path), sheet_name)
            rows, footer = _rows(grid, header_row + 1, columns)
            title = _title(grid, header_row) or sheet_name
            scheme_id = scheme_id or str(meta.get("scheme_id") or path.stem)
            name = name or str(meta.get("scheme_name") or title)
            return _assemble(reader, rows, footer, meta, scheme_id, name)
    expected = "一级指标 / 三级指标 or 指标名称, with 分值, 指标值 or 实际完成值"
    hidden = [n for n in wb.sheetnames if n != _META and n not in names]
    also = (
        f"; hidden sheets are not read unless named (sheet=...): {', '.join(hidden)}"
        if hidden
        else ""
    )
    msg = f"no header row found (expected columns such as {expected}){also}"
    raise _fail(path, msg)


@functools.lru_cache(maxsize=16)
def _valid_record(doc: str) -> tuple[Scheme, tuple[warnings.WarningMessage, ...]]:
    """Return the scheme a workbook records, and its warnings: one parse for many.

    A bureau's workbooks carry the same scheme; only a record that loads is
    kept, so that a bad one is reported with its own file.
    """
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheme = scheme_from_dict(json.loads(doc))
    return scheme, tuple(caught)


def _recorded_scheme(doc: str, source: str) -> Scheme:
    """Return the recorded scheme, warning as loading it warns, every time."""
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    try:
        scheme, caught = _valid_record(doc)
    except (ValueError, TypeError, PerfKPIError):
        return scheme_from_dict(json.loads(doc), source=source)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return scheme


def _read_written(
    path: Path,
    wb: Any,  # noqa: ANN401 (an openpyxl workbook)
    meta: Mapping[str, object],
    scheme_id: str | None,
    name: str | None,
) -> SelfEvaluation | None:
    """Read a workbook :func:`write_excel` wrote from its record, if unedited.

    Returns None when the score card was edited since (its cells are then
    read as any sheet's) or the record is incomplete.
    """
    from perfkpi.files import data_from_dict  # noqa: PLC0415

    if SCORE_CARD not in wb.sheetnames or "scheme_doc" not in meta:
        return None
    ws = _sheet(path, wb, SCORE_CARD)
    _check_size(path, ws)
    if _face(ws.values(2)) != meta.get("face"):
        msg = (
            f"{path}: the score card was edited after perfkpi wrote it; it is "
            "read from its cells, and what they cannot show (overrides, items, "
            "custom grade scales) is taken from its hidden sheet only where the "
            "cells hold it"
        )
        warnings.warn(msg, EditedWorkbookWarning, stacklevel=3)
        return None
    source = f"{path}: {_META}"
    try:
        scheme = _recorded_scheme(str(meta["scheme_doc"]), source)
        doc = json.loads(str(meta.get("data_doc") or "{}"))
        data = data_from_dict(doc, scheme=scheme, source=source)
        dates = json.loads(str(meta.get("data_dates") or "{}"))
        if dates:
            actuals = {
                **data.actuals,
                **{k: dt.date.fromisoformat(v) for k, v in dates.items()},
            }
            data = attrs.evolve(data, actuals=actuals)
    except (ValueError, TypeError, PerfKPIError):
        return None  # a damaged record: read the cells
    if scheme_id or name:
        scheme = attrs.evolve(
            scheme, id=scheme_id or scheme.id, name=name or scheme.name
        )
    grid = _grid(ws)
    found = _find_header(grid)
    if found is None or "code" not in found[1]:
        return None
    _warn_hidden(path, ws, grid, found[0], found[1])
    rows, footer = _rows(grid, found[0] + 1, found[1])
    reasons: dict[str, str] = {}
    cells: dict[str, str] = {}
    coded: list[tuple[str, _Row]] = []
    for row in rows:
        code = _text(row.value("code"))
        if code not in scheme:
            return None
        coded.append((code, row))
        if _text(row.value("reason")):
            reasons[code] = _text(row.value("reason"))
        cells[code] = f"{SCORE_CARD}!{row.place()}"
    stated = _stated(SCORE_CARD, coded, footer)
    scores = {
        f.node: f.value
        for f in stated
        if f.column == "得分" and f.node != "total" and isinstance(f.value, float)
    }
    total = next(
        (f.value for f in stated if (f.node, f.column) == ("total", "得分")), None
    )
    return SelfEvaluation(
        scheme,
        data,
        scores,
        reasons,
        total if isinstance(total, float) else None,
        cells,
        source=str(path),
        stated=stated,
    )


def _warn_hidden(
    path: Path,
    ws: Sheet,
    grid: list[list[_Cell]],
    header_row: int,
    columns: Mapping[str, int],
) -> None:
    """Warn of hidden rows and columns of the table that hold something."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    rows = [
        r + 1
        for r in range(header_row, len(grid))
        if r + 1 in ws.hidden_rows and any(_text(cell.value) for cell in grid[r])
    ]
    hidden_columns = ws.hidden_columns
    used = sorted(c + 1 for c in columns.values() if c + 1 in hidden_columns)
    parts = []
    if rows:
        parts.append("rows " + ", ".join(str(r) for r in rows))
    if used:
        parts.append("columns " + ", ".join(get_column_letter(c) for c in used))
    if parts:
        msg = (
            f"{path}: sheet {ws.title!r} has hidden {' and '.join(parts)}; "
            "they are read as if shown: unhide them to see what is scored"
        )
        warnings.warn(msg, HiddenCellsWarning, stacklevel=3)


def _codes(rows: Sequence[_Row], reader: _Reader) -> dict[tuple[str, ...], str]:
    """Give every path (each row's, and each prefix of one) its code, in order."""
    by_path: dict[tuple[str, ...], _Row] = {}
    for row in rows:
        if row.path in by_path:
            reader.fail(row, None, "", f"a second row for {' › '.join(row.path)}")
        by_path.setdefault(row.path, row)
    codes: dict[tuple[str, ...], str] = {}
    counters: dict[tuple[str, ...], int] = {}
    for row in rows:
        for size in range(1, len(row.path) + 1):
            path = row.path[:size]
            if path in codes:
                continue
            counters[path[:-1]] = counters.get(path[:-1], 0) + 1
            own = _text(by_path[path].value("code")) if path in by_path else ""
            parent = codes.get(path[:-1], "")
            n = str(counters[path[:-1]])
            codes[path] = own or (f"{parent}.{n}" if parent else n)
    return codes


def _assemble(
    reader: _Reader,
    rows: Sequence[_Row],
    footer: Mapping[str, _Cell],
    meta: Mapping[str, object],
    scheme_id: str,
    name: str,
) -> SelfEvaluation:
    codes = _codes(rows, reader)
    group_scores = _merged(reader, rows, codes)
    by_path = {row.path: row for row in reversed(rows)}
    order = list(codes)
    inner = {p[:-1] for p in order if len(p) > 1}
    reads: dict[tuple[str, ...], _Read] = {}
    for path in reversed(order):  # children first, for the points of inner nodes
        parent = codes[path[:-1]] if len(path) > 1 else None
        kids = [reads[q].node.points or 0.0 for q in order if q[:-1] == path]
        row = by_path.get(path)
        if row is None:
            node = Node(
                codes[path], path[-1], parent=parent, points=sum(kids), rule=Sum()
            )
            reads[path] = _Read(node)
            continue
        read = reader.node(row, codes[path], parent, leaf=path not in inner)
        if read.node.points is None and path in inner:
            read = attrs.evolve(read, node=attrs.evolve(read.node, points=sum(kids)))
        reads[path] = read
    ordered = [reads[p] for p in order]
    options = _options(meta, reader)
    roots = [r.node for r in ordered if r.node.parent is None]
    options.setdefault("points", sum(n.points or 0.0 for n in roots) or 100.0)
    scheme: Scheme | None = None
    try:
        scheme = Scheme(scheme_id, name, [r.node for r in ordered], **options)
    except SchemeValidationError as exc:
        rows_by_code = {codes[p]: row for p, row in by_path.items()}
        # a problem already reported at a row (or, for its points, at its
        # parent) is not reported again by the tree's checks
        quiet = reader.failed | {
            r.node.parent for r in ordered if r.node.code in reader.failed
        }
        for error in exc.exceptions:
            where = error.where if isinstance(error, SchemeError) else ""
            problem = error.problem if isinstance(error, SchemeError) else str(error)
            if where in quiet:
                continue
            if where in rows_by_code:
                reader.fail(rows_by_code[where], None, where, problem)
            else:
                place = f"{reader.source}: {reader.sheet}"
                reader.found.append((0, 0, SchemeError(place, problem)))
    if reader.errors or scheme is None:
        msg = f"invalid workbook {reader.source}"
        raise SchemeValidationError(msg, reader.errors)
    data = Data(
        actuals={r.node.code: r.actual for r in ordered if r.actual is not None},
        findings=[r.finding for r in ordered if r.finding is not None],
        not_applicable=[r.node.code for r in ordered if r.not_applicable],
        entity=_text(meta.get("entity")),
        period=_text(meta.get("period")),
    )
    coded = [(codes[row.path], row) for row in by_path.values()]
    stated = _stated(reader.sheet, coded, footer) + group_scores
    scores = {r.node.code: r.score for r in ordered if r.score is not None}
    for figure in group_scores:
        if isinstance(figure.value, float):
            scores[figure.node] = figure.value
    return SelfEvaluation(
        scheme,
        data,
        scores,
        {r.node.code: r.reason for r in ordered if r.reason},
        _number(_value(footer["score"])) if "score" in footer else None,
        {codes[p]: f"{reader.sheet}!{row.place()}" for p, row in by_path.items()},
        source=reader.source,
        stated=sorted(stated, key=_cell_order),
    )


_COLUMNS = {"points": "分值", "actual": "实际完成值", "score": "得分", "lost": "扣分"}


def _stated(
    sheet: str, rows: Iterable[tuple[str, _Row]], footer: Mapping[str, _Cell]
) -> list[StatedFigure]:
    """Return the figures the rows and the footer state, each with its cell."""
    out: list[StatedFigure] = []
    cells = [(code, field, row.get(field)) for code, row in rows for field in _OWN_ROW]
    cells += [("total", field, cell) for field, cell in footer.items()]
    for code, field, cell in cells:
        if cell is None or field == "actual" or (code != "total" and field == "points"):
            continue
        value = _value(cell)
        column = "等级" if field == "grade" else _COLUMNS[field]
        number = _number(value)
        # a number written as text ("9.50") is that number; "95%" stays text
        percent = isinstance(value, str) and value.endswith("%")
        if number is not None and not percent and not isinstance(value, bool):
            out.append(StatedFigure(code, column, number, f"{sheet}!{cell.coordinate}"))
        elif _text(value):
            out.append(
                StatedFigure(code, column, _text(value), f"{sheet}!{cell.coordinate}")
            )
    return out


def _cell_order(figure: StatedFigure) -> tuple[int, int, str]:
    match = re.search(r"!([A-Z]+)(\d+)$", figure.cell)
    if match is None:
        return (0, 0, figure.cell)
    letters, number = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (int(number), column, figure.cell)


def _merged(
    reader: _Reader, rows: Sequence[_Row], codes: Mapping[tuple[str, ...], str]
) -> list[StatedFigure]:
    """Check figures merged over several rows; return a group's merged 得分.

    A 分值, 实际完成值, 得分 or 扣分 merged over several rows belongs to the
    group whose rows it covers, all of them and nothing else: to the group's
    own row, when the range starts there (the rows below need their own);
    for a 得分, to the group even without a row of its own (a stated group
    score).  A range that covers part of a group, or rows of several, or a
    group without a row of its own for anything but its 得分, is an error at
    its cell: the value is never copied into each row.
    """
    spans: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        for field in _OWN_ROW:
            cell = row.get(field)
            if cell is not None and cell.span:
                spans.setdefault((field, cell.span), []).append(row)
    out: list[StatedFigure] = []
    for (field, span), covered in spans.items():
        if len(covered) < 2:  # noqa: PLR2004
            continue
        top, label = covered[0], _COLUMNS[field]
        prefix = covered[0].path
        for row in covered[1:]:
            n = 0
            while n < min(len(prefix), len(row.path)) and prefix[n] == row.path[n]:
                n += 1
            prefix = prefix[:n]
        under = [r for r in rows if prefix and r.path[: len(prefix)] == prefix]
        whole = bool(prefix) and [id(r) for r in under] == [id(r) for r in covered]
        if whole and top.path == prefix:
            continue  # the group's own row: the value is its, the rows below own none
        value = top.value(field)
        if whole and field == "score" and _number(value) is not None:
            cell = top.get(field)
            where = f"{reader.sheet}!{cell.coordinate if cell else top.place()}"
            out.append(
                StatedFigure(codes[prefix], "得分", _number(value) or 0.0, where)
            )
            if cell is not None:  # the group's, not its first row's
                top.cells[field] = attrs.evolve(cell, value=None)
            continue
        names = "、".join(r.path[-1] for r in covered)
        if whole:
            msg = (
                f"{label} is merged over {span}, the rows of {names}: it is "
                f"{prefix[-1]}'s {label} as a whole, which has no row of its "
                f"own to hold it; give each row its own {label}"
            )
        else:
            msg = (
                f"{label} is merged over {span}, across {names}: it belongs to "
                f"no one of them; give each row its own {label}"
            )
        reader.fail(top, field, codes[top.path], msg)
        reader.merged.add(span)
        reader.failed.update(codes[r.path] for r in covered)
    return out


# -- checking a sheet's own figures ---------------------------------------------------


@attrs.frozen
class Difference:
    """A figure a sheet states that its recomputation does not give.

    Attributes
    ----------
    cell
        Where the sheet states it: ``绩效自评表!G4``.
    node
        The node's code, or ``"total"``.
    name
        The node's name (``合计`` for the total).
    column
        ``得分``, ``扣分``, ``分值`` or ``等级``.
    stated
        The figure as the sheet states it.
    recomputed
        What the scheme's rules give (``"不适用"`` for a node that does not
        apply).
    rule
        The rule that gives it (``proportional``), ``sum`` for the total.
    why
        How it is recomputed, with the numbers.
    """

    cell: str
    node: str
    name: str
    column: str
    stated: float | str
    recomputed: float | str
    rule: str
    why: str

    def __str__(self) -> str:
        return (
            f"{self.cell}: {self.node} {self.name} {self.column} stated "
            f"{_shown(self.stated)}, recomputed {_shown(self.recomputed)} "
            f"({self.rule}: {self.why})"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the difference as plain, JSON-able data."""
        return attrs.asdict(self)


def _shown(value: float | str) -> str:
    return value if isinstance(value, str) else format_number(value)


def differences(
    sheet: SelfEvaluation, evaluation: Evaluation | None = None
) -> tuple[Difference, ...]:
    """Return every figure the sheet states that its recomputation does not give.

    Each 得分 and 扣分 of a row, the 合计 row's 得分, 分值 and 扣分, and the
    等级 are compared with what the scheme's rules give for the sheet's
    actuals (:attr:`SelfEvaluation.stated`).  A number agrees when it is
    within half a unit of the scheme's last rounding place (9.524 states
    9.52; 9.5 does not).

    Parameters
    ----------
    sheet
        What :func:`read_excel` read.
    evaluation
        The recomputation; by default ``evaluate(sheet.scheme, sheet.data)``.
        Pass one made with another scheme (a bureau's) to check the sheet
        against it: the node codes must be the same.

    Returns
    -------
    tuple of Difference
        In the order of the sheet's cells; empty when every figure agrees.

    Examples
    --------
    >>> import openpyxl, pathlib, tempfile
    >>> wb = openpyxl.Workbook()
    >>> ws = wb.active
    >>> ws.append(["指标名称", "分值", "指标值", "实际完成值", "得分"])
    >>> ws.append(["执行率", 40, "≥100%", "95%", 40])
    >>> ws.append(["满意度", 60, "≥90%", "93%", 60])
    >>> ws.append(["合计", 100, None, None, 100])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "自评.xlsx"
    >>> wb.save(path)
    >>> for d in differences(read_excel(path)):
    ...     print(d)
    Sheet!E2: 1 执行率 得分 stated 40, recomputed 38 (proportional: 40 × 95 / 100 = 38)
    Sheet!E4: total 合计 得分 stated 100, recomputed 98 (sum: 38 + 60 = 98)

    Raises
    ------
    TypeError
        When *sheet* is not a :class:`SelfEvaluation` or *evaluation* not an
        :class:`~perfkpi.evaluation.Evaluation`.
    DataError
        Without *evaluation*, when the sheet's data cannot be evaluated (see
        :func:`perfkpi.evaluate`).
    """
    from perfkpi.evaluation import evaluate  # noqa: PLC0415

    _checks.instance(sheet, SelfEvaluation, "sheet")
    if evaluation is not None:
        _checks.instance(evaluation, Evaluation, "evaluation")

    ev = evaluation if evaluation is not None else evaluate(sheet.scheme, sheet.data)
    scheme = ev.scheme
    half = 0.5 * 10.0**-scheme.rounding.places + 1e-9
    out: list[Difference] = []
    for figure in sheet.stated:
        found = _recompute(ev, figure)
        if found is None:
            continue
        recomputed, rule, why = found
        stated = figure.value
        if isinstance(stated, str) or isinstance(recomputed, str):
            same = _text(stated) == _text(recomputed)
        else:
            same = abs(stated - recomputed) <= half
        if not same:
            name = "合计" if figure.node == "total" else scheme.node(figure.node).name
            if figure.node in ev.scores:
                trace = _why(ev, figure.node)
                why = f"{why}; {trace}" if why else trace
            out.append(
                Difference(
                    figure.cell,
                    figure.node,
                    name,
                    figure.column,
                    stated,
                    recomputed,
                    rule,
                    why,
                )
            )
    return tuple(out)


def check_workbook(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    sheet: str | None = None,
    strict: bool = False,
) -> tuple[SelfEvaluation, tuple[Difference, ...]]:
    """Read a workbook and list the figures it states that the rules do not give.

    This is what ``perfkpi check`` does with a workbook: read it
    (:func:`read_excel`), recompute it — by its own scheme, or by *scheme*
    (the bureau's, with the same node codes) — and compare
    (:func:`differences`).

    Parameters
    ----------
    path
        The workbook.
    scheme
        The scheme to recompute by; by default the one the sheet gives.
    sheet
        The sheet to read (see :func:`read_excel`).
    strict
        Passed to :func:`perfkpi.evaluate`: a value that reads two ways is an
        error instead of a warning.

    Returns
    -------
    tuple
        The sheet read and its differences (empty when every figure agrees).

    Raises
    ------
    SchemeValidationError
        When the workbook cannot be read (see :func:`read_excel`).
    DataError
        When its data cannot be evaluated by the scheme (see
        :func:`perfkpi.evaluate`); with *strict*, an
        :class:`~perfkpi.errors.AmbiguousValueError`.
    TypeError
        When *scheme* is neither a Scheme nor ``None``.
    """
    from perfkpi.evaluation import evaluate  # noqa: PLC0415

    if scheme is not None:
        _checks.instance(scheme, Scheme, "scheme")

    read = read_excel(path, sheet=sheet)
    ev = evaluate(scheme or read.scheme, read.data, strict=strict)
    return read, differences(read, ev)


def _recompute(  # noqa: PLR0911 (one return per kind of figure)
    ev: Evaluation, figure: StatedFigure
) -> tuple[float | str, str, str] | None:
    """Return what the evaluation gives for a stated figure: value, rule, why."""
    scheme, code = ev.scheme, figure.node
    if code == "total":
        roots = [n for n in scheme.nodes if n.parent is None]
        scored = [ev.scores[n.code] for n in roots if n.code in ev.scores]
        sums = " + ".join(format_number(v) for v in scored)
        if figure.column == "得分":
            return ev.total, "sum", f"{sums} = {format_number(ev.total)}"
        if figure.column == "分值":
            parts = " + ".join(format_number(n.points or 0.0) for n in roots)
            return scheme.points, "sum", f"{parts} = {format_number(scheme.points)}"
        if figure.column == "扣分":
            lost = _exact_difference(scheme.points, ev.total)
            why = f"{format_number(scheme.points)} − {format_number(ev.total)}"
            return lost, "sum", f"{why} = {format_number(lost)}"
        return ev.grade, "grade", f"{scheme.grades.name}: {format_number(ev.total)}"
    if code not in scheme:
        return None
    rule = scheme.rule(code)
    kind = rule.kind if rule is not None else "item"
    if code in ev.not_applicable:
        return "不适用", kind, "the node does not apply"
    if code not in ev.scores:
        return None
    score = ev.scores[code]
    if figure.column == "扣分":
        points = scheme.node(code).points or 0.0
        lost = _exact_difference(points, score)
        return lost, kind, f"{format_number(points)} − {format_number(score)}"
    return score, kind, ""


def _why(ev: Evaluation, code: str) -> str:
    """Return how a node's score is recomputed, with the numbers, in one line."""
    try:
        with warnings.catch_warnings():
            # the evaluation gave its warnings already: the trace repeats none
            warnings.simplefilter("ignore", PerfKPIWarning)
            trace = ev.explain(code, lang="en")
    except (PerfKPIError, ValueError, KeyError):
        rule = ev.scheme.rule(code)
        return rule.describe("en") if rule is not None else ""
    return trace.substituted or trace.formula or trace.rule


def _title(grid: list[list[_Cell]], header_row: int) -> str:
    for row in grid[:header_row]:
        for cell in row:
            text = _text(cell.value)
            if text:
                return text
    return ""


def _options(meta: Mapping[str, object], reader: _Reader) -> dict[str, Any]:
    """Return the scheme's policies a written workbook records.

    The recorded scheme gives them (a custom grade scale included); without
    one, the rows of the ``perfkpi`` sheet.  A record that cannot be read is a
    problem of the workbook, never a policy silently dropped.
    """
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    options: dict[str, Any] = {}
    if isinstance(meta.get("points"), int | float):
        options["points"] = meta["points"]
    try:
        if "scheme_doc" in meta:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PerfKPIWarning)
                doc = json.loads(str(meta["scheme_doc"]))
                recorded = scheme_from_dict(doc, source=_META)
            options["grades"] = recorded.grades
            options["rounding"] = recorded.rounding
        else:
            if isinstance(meta.get("grades"), str):
                options["grades"] = grade_scale(str(meta["grades"]))
            if isinstance(meta.get("rounding"), str):
                options["rounding"] = Rounding(**json.loads(str(meta["rounding"])))
    except (PerfKPIError, TypeError, ValueError) as exc:
        place = f"{reader.source}: {_META}"
        problem = f"the scheme this workbook records cannot be read: {exc}"
        reader.found.append((0, 0, SchemeError(place, problem)))
    for key in ("description", "source"):
        if isinstance(meta.get(key), str):
            options[key] = meta[key]
    if meta.get("not_applicable") in ("reweight", "full"):
        options["not_applicable"] = meta["not_applicable"]
    return options


# -- writing -------------------------------------------------------------------------


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters a workbook's XML cannot hold."""


def _put(ws: Any, row: int, column: int, value: object) -> Any:  # noqa: ANN401
    """Write *value* into a cell, text always as text (never a formula).

    A control character that a workbook cannot hold is shown as U+FFFD; the
    hidden record keeps the text as it was.
    """
    cell = ws.cell(row, column)
    if isinstance(value, str):
        value = _ILLEGAL.sub("\ufffd", value)
    set_text_cell(cell, value)
    return cell


def _actual_cell(value: object) -> object:
    """Return an actual as a cell value: numbers and text as they are."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str | dt.date):
        return value
    if isinstance(value, Mapping) and "score" in value:
        return _text(value.get("tier")) or value["score"]
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _levels(scheme: Scheme, node: Node) -> list[str]:
    names = [node.name]
    current = node
    while current.parent is not None:
        current = scheme.node(current.parent)
        names.append(current.name)
    return names[::-1]


def _score_card_rows(ev: Evaluation) -> Iterator[tuple[Node, list[str]]]:
    for node in ev.scheme.ordered():
        if not node.is_item:
            yield node, _levels(ev.scheme, node)


def _rule_text(rule: Rule | None) -> str:
    if rule is None:
        return ""
    spec = rule_to_dict(rule)
    return spec if isinstance(spec, str) else json.dumps(spec, ensure_ascii=False)


def write_excel(
    evaluation: Evaluation,
    path: str | Path,
    *,
    reasons: Mapping[str, str] | None = None,
    inputs: Iterable[str | Path] = (),
) -> None:
    """Write an evaluation as a formatted workbook.

    The workbook has a score card (``评分表``: one row per scored node with its
    levels, 分值, 指标值, 实际完成值, 得分, 扣分 and 偏差原因, merged cells for the
    upper levels, the total and the grade) and the deductions (``扣分明细``:
    every deduction with its points, category and reason).  A hidden sheet
    records the scheme and the data in full, so that :func:`read_excel` reads
    the workbook back into the same scheme and data.

    Every text cell is written as text, never as a formula, whatever it
    starts with.  The workbook is written to a temporary file in the same
    folder and renamed into place, so a failed write leaves no half a file.

    Parameters
    ----------
    evaluation
        What :func:`perfkpi.evaluate` returned.
    path
        Where to write the ``.xlsx`` file.
    reasons
        The 偏差原因 to write, by node code, in place of the reasons of the
        node's deductions: pass :attr:`SelfEvaluation.reasons` to keep a
        sheet's own text.
    inputs
        The files the evaluation was read from: writing over one of them is
        an :class:`OutputPathError`.  A :class:`SelfEvaluation`'s
        :attr:`~SelfEvaluation.source` is one.

    Raises
    ------
    OutputPathError
        When *path* is one of *inputs*.
    TypeError
        When *evaluation* is not an :class:`~perfkpi.evaluation.Evaluation`,
        *path* or an input not a path, or *reasons* not a mapping of node
        codes to text.
    OSError
        When the file cannot be written (no such folder, no permission, a
        full disk): nothing is left half-written.
    """
    _checks.instance(evaluation, Evaluation, "evaluation")
    given: object = path  # callers without mypy may pass anything
    if not isinstance(given, str | os.PathLike):
        msg = f"path must be a file path (got {type(given).__name__})"
        raise TypeError(msg)
    path = Path(path)
    more: object = reasons
    if more is not None:
        if not isinstance(more, Mapping):
            kind = type(more).__name__
            msg = f"reasons must be a mapping of node codes to text (got {kind})"
            raise TypeError(msg)
        _checks.texts(list(more), "reasons' node codes")
        _checks.texts(list(more.values()), "reasons")
    files: object = inputs
    if isinstance(files, str | bytes | os.PathLike) or not isinstance(files, Iterable):
        msg = f"inputs must be a list of file paths (got {type(files).__name__})"
        raise TypeError(msg)
    sources: list[str | os.PathLike[str]] = []
    for source in files:
        if not isinstance(source, str | os.PathLike):
            msg = f"inputs must be file paths (got {type(source).__name__} in it)"
            raise TypeError(msg)
        sources.append(source)
    _refuse_overwrite(path, sources)
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    card = _ScoreCard(wb.active, evaluation, reasons=dict(reasons or {}))
    card.write()
    _write_deductions(wb, evaluation)
    _write_meta(wb, evaluation, card.face)
    _save(wb, path)


def _save(wb: Any, path: Path) -> None:  # noqa: ANN401 (an openpyxl workbook)
    """Save a workbook through a temporary file renamed into place."""

    def save(temporary: str) -> None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="openpyxl")
            wb.save(temporary)

    write_atomic(path, save)


def _refuse_overwrite(path: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`OutputPathError` when *path* is one of *inputs*."""
    for source in inputs:
        if _same_file(path, Path(source)):
            msg = f"{path}: the output would overwrite the input {source}"
            raise OutputPathError(msg)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (
            a.exists() and b.exists() and a.samefile(b)
        )
    except OSError:
        return False


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415

    thin = Side(style="thin", color="999999")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "head": PatternFill("solid", fgColor="DDE4EE"),
        "total": PatternFill("solid", fgColor="F2F2F2"),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "wrap": Alignment(wrap_text=True, vertical="center"),
        "top": Alignment(wrap_text=True, vertical="top"),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


_WIDTHS = {
    "编号": 8,
    "分值": 8,
    "指标值": 14,
    "实际完成值": 14,
    "得分": 8,
    "扣分": 8,
    "偏差原因": 48,
    "类别": 10,
    "备注": 30,
    "评分规则": 24,
}


@attrs.define
class _ScoreCard:
    """Writes the score-card sheet of an evaluation."""

    ws: Any
    ev: Evaluation
    reasons: dict[str, str] = attrs.field(factory=dict)
    style: dict[str, Any] = attrs.field(factory=_styles)
    headers: list[str] = attrs.field(factory=list)
    depth: int = 3

    @property
    def face(self) -> str:
        """The fingerprint of what the sheet shows (see :func:`_face`)."""
        return _face(self.ws.iter_rows(min_row=2, values_only=True))

    def write(self) -> None:
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        ev, ws = self.ev, self.ws
        ws.title = SCORE_CARD
        rows = list(_score_card_rows(ev))
        self.depth = max(3, *(len(levels) for _, levels in rows))
        self.headers = [
            "编号",
            *_LEVEL_NAMES[: self.depth],
            "分值",
            "指标值",
            "实际完成值",
            "得分",
            "扣分",
            "偏差原因",
            "类别",
            "备注",
            "评分规则",
        ]
        title = " ".join(
            t for t in (ev.scheme.name, ev.data.entity, ev.data.period) if t
        )
        _put(ws, 1, 1, title).font = self.style["title"]
        ws.merge_cells(
            start_row=1, start_column=1, end_row=1, end_column=len(self.headers)
        )
        for c, text in enumerate(self.headers, start=1):
            self.format(_put(ws, 2, c, text), head=True)
        spans: dict[int, list[tuple[str, int]]] = {}
        for r, (node, levels) in enumerate(rows, start=3):
            self.node_row(r, node, levels)
            for k in range(len(levels)):
                spans.setdefault(k, []).append((_ancestor(ev.scheme, node, k), r))
        _merge_levels(ws, spans)
        self.total_rows(3 + len(rows))
        for i, header in enumerate(self.headers, start=1):
            width = _WIDTHS.get(header, 18)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "B3"

    def column(self, header: str) -> int:
        return self.headers.index(header) + 1

    def format(self, cell: Any, *, head: bool = False) -> None:  # noqa: ANN401
        cell.border = self.style["border"]
        if head:
            cell.font = self.style["bold"]
            cell.fill = self.style["head"]
            cell.alignment = self.style["centre"]

    def node_row(self, r: int, node: Node, levels: Sequence[str]) -> None:
        ev, ws = self.ev, self.ws
        na = node.code in ev.not_applicable
        score = ev.scores.get(node.code)
        values: dict[str, object] = {
            "编号": node.code,
            "分值": node.points,
            "指标值": "" if node.target is None else _wording.target(node.target, "zh"),
            "得分": "不适用" if na or score is None else score,
            "偏差原因": self.reasons.get(node.code)
            or "；".join(d.reason for d in ev.deductions_of(node.code)),
            "类别": node.category,
            "备注": node.note,
            "评分规则": _rule_text(node.rule),
        }
        if not na and score is not None and node.points is not None:
            values["扣分"] = _exact_difference(node.points, score)
        if na:
            values["实际完成值"] = "不适用"
        elif node.code in ev.data.actuals:
            values["实际完成值"] = _actual_cell(ev.data.actuals[node.code])
        for k, name in enumerate(levels):
            _put(ws, r, 2 + k, name)
        for key, value in values.items():
            _put(ws, r, self.column(key), value)
        for c in range(1, len(self.headers) + 1):
            cell = ws.cell(r, c)
            self.format(cell)
            cell.alignment = self.style["centre" if c <= self.depth + 1 else "wrap"]
        for key in ("分值", "得分", "扣分"):
            ws.cell(r, self.column(key)).number_format = "0.00"
        if isinstance(values.get("实际完成值"), dt.date):
            ws.cell(r, self.column("实际完成值")).number_format = "yyyy-mm-dd"

    def total_rows(self, r: int) -> None:
        ev, ws = self.ev, self.ws
        _put(ws, r, 2, "合计")
        _put(ws, r, self.column("分值"), ev.scheme.points).number_format = "0.00"
        _put(ws, r, self.column("得分"), ev.total).number_format = "0.00"
        _put(ws, r + 1, 2, "等级")
        _put(ws, r + 1, self.column("得分"), ev.grade)
        for row in (r, r + 1):
            for c in range(1, len(self.headers) + 1):
                cell = ws.cell(row, c)
                self.format(cell)
                cell.fill = self.style["total"]
                cell.font = self.style["bold"]


def _ancestor(scheme: Scheme, node: Node, level: int) -> str:
    """Return the code of *node*'s ancestor at *level* (0 for the first level)."""
    chain = [node.code]
    current = node
    while current.parent is not None:
        current = scheme.node(current.parent)
        chain.append(current.code)
    chain.reverse()
    return chain[level]


def _merge_levels(ws: Any, spans: Mapping[int, list[tuple[str, int]]]) -> None:  # noqa: ANN401
    """Merge each level column over the consecutive rows of the same ancestor."""
    for k, entries in spans.items():
        runs: list[list[Any]] = []
        for code, r in entries:
            if runs and runs[-1][0] == code and runs[-1][2] + 1 == r:
                runs[-1][2] = r
            else:
                runs.append([code, r, r])
        for _, start, stop in runs:
            if stop > start:
                ws.merge_cells(
                    start_row=start, start_column=2 + k, end_row=stop, end_column=2 + k
                )


def _write_deductions(wb: Any, ev: Evaluation) -> None:  # noqa: ANN401
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    style = _styles()
    ws = wb.create_sheet(_DEDUCTIONS)
    headers = ["编号", "指标", "扣分", "类别", "扣分原因", "来源"]
    for c, text in enumerate(headers, start=1):
        cell = _put(ws, 1, c, text)
        cell.font, cell.fill, cell.border = (
            style["bold"],
            style["head"],
            style["border"],
        )
    for r, d in enumerate(ev.deductions, start=2):
        name = ev.scheme.node(d.node).name
        values = [d.node, name, d.points, d.category, d.reason, d.source or d.kind]
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.border, cell.alignment = style["border"], style["top"]
        ws.cell(r, 3).number_format = "0.00"
    for i, width in enumerate((8, 24, 8, 10, 64, 10), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


_CHUNK = 30_000  # characters per cell: Excel holds at most 32,767 in one


def _face(rows: Iterable[Sequence[object]]) -> str:
    """Return a fingerprint of the score card's cells a person may edit.

    *rows* are the values of the sheet's rows from the header row (the
    second) down.

    Every cell from the header row down counts but for the stated figures
    (得分, 扣分) and the reasons (偏差原因), which are read from the sheet
    whatever the record says.  A workbook whose fingerprint still matches the
    one recorded when it was written has not been edited where it matters,
    and its recorded scheme and data are read instead of its cells.
    """
    skip: set[int] | None = None
    digest = hashlib.sha256()
    for row in rows:
        if skip is None:  # the header row
            headers = [_text(value) for value in row]
            skip = {
                i for i, h in enumerate(headers) if h in ("得分", "扣分", "偏差原因")
            }
        for i, raw in enumerate(row):
            if i in skip:
                continue
            value = raw
            if isinstance(raw, dt.datetime) and raw.time() == dt.time():
                value = raw.date()
            if isinstance(value, bool):
                text = f"b{value}"
            elif isinstance(value, dt.date):
                text = f"d{value.isoformat()}"
            elif isinstance(value, int | float):
                text = f"n{float(value)!r}"
            else:
                # a workbook's XML keeps no carriage return
                text = "" if value is None or value == "" else f"s{value}"
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(b"\x01")
    return digest.hexdigest()


def _documents(ev: Evaluation) -> list[tuple[str, object]]:
    """Return the scheme and data in their file forms, in cell-sized chunks."""
    from perfkpi.files import data_to_dict, scheme_to_dict  # noqa: PLC0415

    out: list[tuple[str, object]] = []
    docs: list[tuple[str, Any]] = [("scheme_doc", scheme_to_dict)]
    docs.append(("data_doc", data_to_dict))
    # the evaluated scheme holds the data's items as nodes: they are stored
    # with the data, as they came
    items = {item.code for item in ev.data.items}
    # a data file holds no dates: they are recorded apart, as ISO text
    dates = {
        code: value.isoformat()
        for code, value in ev.data.actuals.items()
        if isinstance(value, dt.date)
    }
    plain = attrs.evolve(
        ev.data, actuals={**ev.data.actuals, **dict.fromkeys(dates, "")}
    )
    if dates:
        out.append(("data_dates", json.dumps(dates)))
    for key, to_dict in docs:
        value = ev.scheme if key == "scheme_doc" else plain
        try:
            doc = to_dict(value)
            if key == "scheme_doc":
                doc["node"] = [n for n in doc["node"] if n.get("code") not in items]
            text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
        except (PerfKPIError, TypeError, ValueError):
            continue  # not expressible in a file: read back from the cells
        out += [(key, text[i : i + _CHUNK]) for i in range(0, len(text), _CHUNK)]
    return out


def _write_meta(wb: Any, ev: Evaluation, face: str) -> None:  # noqa: ANN401
    ws = wb.create_sheet(_META)
    scheme = ev.scheme
    rounding = {
        "places": scheme.rounding.places,
        "mode": str(scheme.rounding.mode),
        "stage": str(scheme.rounding.stage),
    }
    rows: list[tuple[str, object]] = [
        ("scheme_id", scheme.id),
        ("scheme_name", scheme.name),
        ("points", scheme.points),
        ("grades", scheme.grades.name),
        ("rounding", json.dumps(rounding)),
        ("not_applicable", scheme.not_applicable),
        ("description", scheme.description),
        ("source", scheme.source),
        ("entity", ev.data.entity),
        ("period", ev.data.period),
        ("face", face),
        *_documents(ev),
    ]
    for r, (key, value) in enumerate(rows, start=1):
        _put(ws, r, 1, key)
        _put(ws, r, 2, value)
    ws.sheet_state = "hidden"
