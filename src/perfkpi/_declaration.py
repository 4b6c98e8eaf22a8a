"""Read a department's 绩效目标申报表 (performance target declaration form).

A declaration form, as departments fill it in for a project
(项目支出绩效目标申报表) or for the department as a whole
(部门整体支出绩效目标申报表), is one sheet: a header block (项目名称 or
部门名称, 主管部门, 实施单位, the funds, 年度绩效目标 as text), then the
indicator table — 一级指标, 二级指标, 三级指标 (or 指标内容 / 指标名称),
指标值, and often 指标性质 (≥, ≤, =, 定性) and 度量单位.  The class columns
are merged down over the indicators they hold.

:func:`read_declaration` reads such a sheet through ``perfkpi._xlsx`` (the
``.xls`` form through xlrd, the ``xls`` extra):

- the table's header row is found by its labels, wherever it is;
- a merged class cell gives its class to every row it spans, and so does a
  class cell left empty under a filled one (the form's usual way of writing
  it without merging);
- a hidden row or column inside the table, a hidden sheet holding a table,
  and a merged range over the 三级指标, 指标性质, 指标值 or 度量单位 columns
  spanning two indicator rows are refused: what is reviewed is what is seen;
- each 指标值, with its 指标性质 and 度量单位, is read with
  :func:`perfkpi.targets.parse_target`; a target that cannot be read is kept
  with the reason and the cell (``申报表!F12``), for the review to flag.

Every error names the sheet and the cell or rows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

import attrs

from perfkpi.errors import DataError, PerfKPIError, SchemeValidationError
from perfkpi.targets import Target, format_number, parse_target

if TYPE_CHECKING:
    from perfkpi._xlsx import Book, Sheet

__all__ = [
    "DECLARATION_SUFFIXES",
    "Declaration",
    "DeclaredIndicator",
    "read_declaration",
]

DECLARATION_SUFFIXES = (".xlsx", ".xls")
"""The file suffixes read as a declaration form."""

# header labels, by column role; the first label found in a row wins
_LABELS: Mapping[str, tuple[str, ...]] = {
    "first": ("一级指标",),
    "second": ("二级指标",),
    "name": ("三级指标", "指标内容", "指标名称", "绩效指标名称"),
    "nature": ("指标性质", "指标方向", "计算符号"),
    "value": ("指标值", "年度指标值", "目标值", "绩效指标值", "指标目标值"),
    "unit": ("度量单位", "计量单位", "单位"),
}
_REQUIRED = ("name", "value")
# roles one indicator row owns: a merge over two rows of these is refused
_OWN = ("name", "nature", "value", "unit")

# header-block labels (normalised text of the label cell) and their field
_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project", ("项目名称",)),
    ("department", ("部门名称", "主管部门", "主管部门及代码", "预算部门")),
    ("unit", ("实施单位", "预算单位", "单位名称")),
    ("funds", ("年度资金总额", "资金总额", "项目资金总额", "年度预算总额")),
    ("goal", ("年度绩效目标", "年度总体目标", "年度目标", "本年度目标", "总体目标")),
)
_TITLE_ROWS = 3  # a year in the first rows is the form's year
_SHOWN = 10  # hidden rows named in an error
_FOOTER = ("填报人", "填表人", "填报说明", "填表说明", "联系电话")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年度?")
_BARE = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")
_COMPARATORS = ("≥", "≤", ">", "<", "=", "≧", "≦")
_NATURES = {
    "≥": "≥", "≧": "≥", ">=": "≥", "正向": "≥", "正向指标": "≥",
    "≤": "≤", "≦": "≤", "<=": "≤", "反向": "≤", "反向指标": "≤",
    "=": "=", "＝": "=", ">": ">", "<": "<",
    "定性": "定性", "定性指标": "定性",
}  # fmt: skip


def _column_letter(column: int) -> str:
    """Return a column's letters (1 → A, 27 → AA), as Excel names it."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _norm(value: object) -> str:
    """Return a cell's text with full-width forms and white space folded."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return re.sub(r"\s+", "", text)


def _label(value: object) -> str:
    """Return a label's text without its trailing colon or bracketed note."""
    text = _norm(value).rstrip(":：")
    return re.sub(r"[（(].*?[）)]$", "", text)


@attrs.frozen
class DeclaredIndicator:
    """One row of a declaration form's indicator table.

    Parameters
    ----------
    cell
        Where its 指标值 is (``申报表!F12``): every finding and error names it.
    first, second
        Its 一级指标 and 二级指标 (carried down from a merged or blank cell).
    name
        Its 三级指标.
    text
        The target as the review reads it: the 指标值 with the 指标性质
        before it and the 度量单位 after it when the value does not say them.
    nature, unit
        The 指标性质 and 度量单位 as written (``""`` when the form has none).
    target
        The target read from *text*, or ``None`` when it cannot be read (or
        is empty).
    error
        Why it cannot be read, naming the cell; ``""`` when it can.
    qualitative
        Whether the 指标性质 says 定性 (or the target is a label).
    """

    cell: str
    first: str
    second: str
    name: str
    text: str
    nature: str = ""
    unit: str = ""
    target: Target | None = None
    error: str = ""
    qualitative: bool = False

    @property
    def directional(self) -> bool:
        """Whether the form says which way the target goes (≥ or ≤)."""
        if self.nature:
            return True
        t = self.text.lstrip()
        return (
            t.startswith(_COMPARATORS)
            or self.target is None
            or (self.target.kind != "quantity")
        )


@attrs.frozen
class Declaration:
    """A declaration form, as read.

    Parameters
    ----------
    path, sheet
        The file and the sheet read.
    title
        The form's title (its first text cell).
    period
        The year it declares (from ``2025年度`` in the title block), or ``""``.
    project, department, unit
        The 项目名称 (or ``""`` for a department-wide form), the 主管部门 or
        部门名称 and the 实施单位, as written.
    funds
        The 年度资金总额 as written (``""`` when not given).
    goal
        The 年度绩效目标 text.
    indicators
        The indicator rows, top to bottom.
    """

    path: str
    sheet: str
    title: str
    period: str
    project: str
    department: str
    unit: str
    funds: str
    goal: str
    indicators: tuple[DeclaredIndicator, ...]

    @property
    def entity(self) -> str:
        """Whose targets: the 实施单位, else the 主管部门, else the project."""
        return self.unit or self.department or self.project


def is_declaration(value: object) -> TypeGuard[str | Path]:
    """Whether *value* is a path whose suffix marks a declaration form."""
    return isinstance(value, str | Path) and Path(value).suffix.lower() in (
        DECLARATION_SUFFIXES
    )


def read_declaration(path: str | Path, *, sheet: str | None = None) -> Declaration:
    """Read a 绩效目标申报表 workbook.

    Parameters
    ----------
    path
        The ``.xlsx`` (or ``.xls``, with the ``xls`` extra) workbook.
    sheet
        The sheet to read; by default the one visible sheet holding an
        indicator table.

    Returns
    -------
    Declaration

    Raises
    ------
    DataError
        If the file cannot be read as a workbook, no sheet (or several) holds
        an indicator table, the table is on a hidden sheet, a hidden row or
        column lies inside it, a merged range spans two indicators' own
        cells, or a row gives a 指标值 without a 三级指标.
    TypeError
        If *path* is not a path or *sheet* is not text.
    """
    if not isinstance(path, str | Path):
        msg = f"path must be a workbook's path (got {path!r:.60})"  # type: ignore[unreachable]
        raise TypeError(msg)
    if sheet is not None and not isinstance(sheet, str):
        msg = f"sheet must be a sheet's name (got {sheet!r:.60})"  # type: ignore[unreachable]
        raise TypeError(msg)
    path = Path(path)
    book = _book(path)
    ws, header = _find_table(path, book, sheet)
    return _read(path, ws, header)


def _book(path: Path) -> Book:
    from perfkpi.excel import _open  # noqa: PLC0415 (openpyxl is an extra)

    try:
        return _open(path)
    except SchemeValidationError as exc:
        problems = "; ".join(getattr(e, "problem", str(e)) for e in exc.exceptions)
        raise DataError(str(path), problems) from None
    except ValueError as exc:  # a path the system refuses (a NUL byte)
        raise DataError(str(path), f"cannot read file: {exc}") from None


def _sheet(path: Path, book: Book, name: str) -> Sheet:
    from perfkpi._xlsx import TooManyCellsError, XlsxError  # noqa: PLC0415

    try:
        return book[name]
    except (TooManyCellsError, XlsxError) as exc:
        raise DataError(f"{path}: {name}", str(exc)) from None


def _header_in(ws: Sheet) -> tuple[int, dict[str, int]] | None:
    """Return the header row and each role's column, or ``None``."""
    limit = min(ws.max_row, 200)
    for r in range(1, limit + 1):
        found: dict[str, int] = {}
        for c in range(1, ws.max_column + 1):
            text = _label(ws.value(r, c))
            for role, labels in _LABELS.items():
                if role not in found and text in labels:
                    found[role] = c
                    break
        if all(role in found for role in _REQUIRED):
            return r, found
    return None


def _find_table(
    path: Path, book: Book, wanted: str | None
) -> tuple[Sheet, tuple[int, dict[str, int]]]:
    labels = "、".join(_LABELS["name"][:1] + _LABELS["value"][:1])
    if wanted is not None:
        if wanted not in book:
            names = ", ".join(book.sheetnames)
            raise DataError(str(path), f"no sheet {wanted!r} (it has {names})")
        ws = _sheet(path, book, wanted)
        if book.states.get(wanted, "visible") != "visible":
            raise DataError(f"{path}: {wanted}", "the sheet is hidden: unhide it")
        header = _header_in(ws)
        if header is None:
            msg = f"no indicator table: no row holds the labels {labels}"
            raise DataError(f"{path}: {wanted}", msg)
        return ws, header
    tables: list[tuple[Sheet, tuple[int, dict[str, int]]]] = []
    for name in book.sheetnames:
        ws = _sheet(path, book, name)
        header = _header_in(ws)
        if header is None:
            continue
        if book.states.get(name, "visible") != "visible":
            msg = (
                "a hidden sheet holds an indicator table: unhide it or delete "
                "it, so that what is reviewed is what is seen"
            )
            raise DataError(f"{path}: {name}", msg)
        tables.append((ws, header))
    if not tables:
        msg = f"no sheet holds an indicator table (a row with the labels {labels})"
        raise DataError(str(path), msg)
    if len(tables) > 1:
        names = ", ".join(repr(t[0].title) for t in tables)
        raise DataError(
            str(path), f"several sheets hold an indicator table ({names}): name one"
        )
    return tables[0]


def _text(value: object, fmt: str = "General") -> str:  # noqa: PLR0911 (a return per kind)
    """Return a cell's value as the form shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if "%" in fmt:
            return format_number(round(float(value) * 100, 10)) + "%"
        return format_number(float(value))
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def _cell(ws: Sheet, row: int, column: int) -> str:
    found = ws.cells.get((row, column))
    if found is None:
        return ""
    return _text(*found)


def _where(ws: Sheet, row: int, column: int) -> str:
    return f"{ws.title}!{_column_letter(column)}{row}"


def _block(ws: Sheet, header: int) -> dict[str, str]:
    """Return the header block's fields: the filled cell right of each label."""
    out: dict[str, str] = {}
    for r in range(1, header):
        for c in range(1, ws.max_column + 1):
            text = _label(ws.value(r, c))
            if not text:
                continue
            for field, labels in _FIELDS:
                if field in out or text not in labels:
                    continue
                value = next(
                    (
                        v
                        for k in range(c + 1, ws.max_column + 1)
                        if (v := _cell(ws, r, k))
                    ),
                    "",
                )
                out[field] = value
    return out


def _title(ws: Sheet, header: int) -> tuple[str, str]:
    title = period = ""
    for r in range(1, header):
        for c in range(1, ws.max_column + 1):
            text = _cell(ws, r, c)
            if not text:
                continue
            if not title:
                title = text
            year = _YEAR.search(_norm(text))
            if not period and year and ("年度" in text or r <= _TITLE_ROWS):
                period = year.group(1)
    return title, period


def _end(ws: Sheet, start: int, columns: dict[str, int]) -> int:
    """Return the table's last row: before a footer row, or the sheet's last."""
    last = start - 1
    for r in range(start, ws.max_row + 1):
        texts = [_norm(ws.value(r, c)) for c in range(1, ws.max_column + 1)]
        if any(t.startswith(_FOOTER) or t.endswith("审核意见") for t in texts if t):
            break
        if any(_cell(ws, r, c) for c in columns.values()):
            last = r
    return last


def _check_hidden(
    path: Path, ws: Sheet, header: int, end: int, columns: dict[str, int]
) -> None:
    rows = sorted(r for r in ws.hidden_rows if header <= r <= end)
    if rows:
        shown = ", ".join(str(r) for r in rows[:10]) + (
            " …" if len(rows) > _SHOWN else ""
        )
        msg = (
            f"hidden rows inside the indicator table ({shown}): unhide or "
            "delete them, so that what is reviewed is what is seen"
        )
        raise DataError(f"{path}: {ws.title}", msg)
    hidden = sorted(c for c in columns.values() if c in ws.hidden_columns)
    if hidden:
        letters = ", ".join(_column_letter(c) for c in hidden)
        msg = f"the table's column {letters} is hidden: unhide it"
        raise DataError(f"{path}: {ws.title}", msg)


def _check_merges(
    path: Path, ws: Sheet, start: int, end: int, columns: dict[str, int]
) -> None:
    own = {columns[r] for r in _OWN if r in columns}
    for r1, c1, r2, c2 in ws.merged:
        if r2 < start or r1 > end:
            continue
        spans_rows = r2 > r1
        covered = [c for c in own if c1 <= c <= c2]
        if covered and (
            spans_rows or len([c for c in columns.values() if c1 <= c <= c2]) > 1
        ):
            where = f"{_column_letter(c1)}{r1}:{_column_letter(c2)}{r2}"
            msg = (
                f"the merged range {where} spans "
                + ("several indicator rows" if spans_rows else "several columns")
                + " over an indicator's own cells (三级指标, 指标性质, 指标值, "
                "度量单位): unmerge it and give each indicator its own"
            )
            raise DataError(f"{path}: {ws.title}!{where}", msg)


def _merged_values(ws: Sheet) -> dict[tuple[int, int], object]:
    """Each merged cell's value: its range's top-left value."""
    out: dict[tuple[int, int], object] = {}
    for r1, c1, r2, c2 in ws.merged:
        top = ws.value(r1, c1)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                out[(r, c)] = top
    return out


def _read(path: Path, ws: Sheet, found: tuple[int, dict[str, int]]) -> Declaration:
    header, columns = found
    start = header + 1
    # a second header row (a class column split in two) is skipped
    while start <= ws.max_row and any(
        _label(ws.value(start, c)) in sum(_LABELS.values(), ())
        for c in columns.values()
    ):
        start += 1
    end = _end(ws, start, columns)
    _check_hidden(path, ws, header, end, columns)
    _check_merges(path, ws, start, end, columns)
    merged = _merged_values(ws)
    block = _block(ws, header)
    title, period = _title(ws, header)
    rows = list(_rows(path, ws, start, end, columns, merged))
    return Declaration(
        str(path),
        ws.title,
        title,
        period,
        block.get("project", ""),
        block.get("department", ""),
        block.get("unit", ""),
        block.get("funds", ""),
        block.get("goal", ""),
        tuple(rows),
    )


def _rows(
    path: Path,
    ws: Sheet,
    start: int,
    end: int,
    columns: dict[str, int],
    merged: Mapping[tuple[int, int], object],
) -> Iterator[DeclaredIndicator]:
    classes = {"first": "", "second": ""}

    def get(r: int, role: str) -> str:
        c = columns.get(role)
        if c is None:
            return ""
        if (r, c) in merged:
            return _text(merged[(r, c)])
        return _cell(ws, r, c)

    for r in range(start, end + 1):
        for role in ("first", "second"):
            text = get(r, role)
            if text:
                if role == "first" and text != classes["first"]:
                    classes["second"] = ""  # a new first class starts its own seconds
                classes[role] = text
        name, value = get(r, "name"), get(r, "value")
        nature, unit = get(r, "nature"), get(r, "unit")
        if not name and not value:
            continue
        where = _where(ws, r, columns["value"])
        if not name:
            at = f"{path}: {_where(ws, r, columns['name'])}"
            raise DataError(at, f"a 指标值 ({value!r:.40}) without a 三级指标 name")
        yield _indicator(
            where, classes["first"], classes["second"], name, value, nature, unit
        )


def _indicator(
    where: str, first: str, second: str, name: str, value: str, nature: str, unit: str
) -> DeclaredIndicator:
    sign = _NATURES.get(_norm(nature), "")
    qualitative = sign == "定性"
    text = value
    if value and not qualitative:
        if unit and _BARE.match(_norm(value)):
            text = f"{value}{unit}"
        if sign and not _norm(value).startswith(_COMPARATORS):
            text = f"{sign}{text}"
    if not value:
        return DeclaredIndicator(where, first, second, name, "", nature, unit)
    if nature and not sign:
        error = f"{where}: 指标性质 {nature!r:.20} is not ≥, ≤, =, > , < or 定性"
        return DeclaredIndicator(
            where, first, second, name, text, nature, unit, error=error
        )
    try:
        target = parse_target(text, direction="lower" if sign == "≤" else "higher")
    except PerfKPIError as exc:
        if qualitative:
            # a qualitative target in words the parser does not know is kept as written
            return DeclaredIndicator(
                where, first, second, name, text, nature, unit, qualitative=True
            )
        error = f"{where}: {exc}"
        return DeclaredIndicator(
            where, first, second, name, text, nature, unit, error=error
        )
    return DeclaredIndicator(
        where,
        first,
        second,
        name,
        text,
        nature,
        unit,
        target,
        qualitative=qualitative or target.kind == "label",
    )
