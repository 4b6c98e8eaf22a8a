"""Read what a person sees in an ``.xlsx`` workbook, fast.

:func:`perfkpi.excel.read_excel` needs little of a workbook: each sheet's
name and state (visible or hidden), its cell values with their number
formats, its merged ranges and its hidden rows and columns.  openpyxl builds a
full object model (fonts, borders, fills of every cell) to give that, which
costs ~100 ms for a styled 40-row sheet; this module reads the same facts
straight from the workbook's XML with :mod:`xml.etree.ElementTree`, about ten
times faster, and is what :func:`~perfkpi.excel.read_excel` reads through.

The values are openpyxl's own, by its own rules (``data_only=True``): the
number-format tables and the date conversions are openpyxl's functions, a
number is an ``int`` unless written with a point or an exponent, a cell
formatted as a date or a time holds a :class:`datetime.datetime`,
:class:`datetime.time` or :class:`datetime.timedelta`, and a sheet's extent
counts every cell element and every merged range, as openpyxl's does.
``tests/test_xlsx.py`` checks the two readers agree on generated workbooks.
:func:`from_openpyxl` gives the same :class:`Book` from an openpyxl workbook,
and :func:`open_book` falls back to it for a file this reader does not read.
"""

from __future__ import annotations

import functools
import importlib
import posixpath
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import attrs
from openpyxl.styles.numbers import (
    BUILTIN_FORMATS,
    BUILTIN_FORMATS_REVERSE,
    is_date_format,
    is_timedelta_format,
)
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_to_tuple,
    get_column_letter,
    range_boundaries,
)
from openpyxl.utils.datetime import (
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

__all__ = [
    "Book",
    "Sheet",
    "TooManyCellsError",
    "XlsxError",
    "from_openpyxl",
    "open_book",
    "open_xls",
]

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


class XlsxError(Exception):
    """A part of the workbook this reader does not read (openpyxl may)."""


class TooManyCellsError(Exception):
    """A sheet holds more cells than the reader was asked to read."""


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _truth(value: str | None) -> bool:
    return value is not None and value.strip().lower() in ("1", "true")


@attrs.define
class Sheet:
    """One sheet: its cells (value, number format), merges and hidden parts."""

    title: str
    state: str = "visible"
    cells: dict[tuple[int, int], tuple[object, str]] = attrs.field(factory=dict)
    merged: list[tuple[int, int, int, int]] = attrs.field(factory=list)
    hidden_rows: set[int] = attrs.field(factory=set)
    hidden_columns: set[int] = attrs.field(factory=set)

    @property
    def max_row(self) -> int:
        """The last row with a cell or a merged range (1 when empty)."""
        rows = [r for r, _ in self.cells] + [m[2] for m in self.merged]
        return max(rows, default=1)

    @property
    def max_column(self) -> int:
        """The last column with a cell or a merged range (1 when empty)."""
        columns = [c for _, c in self.cells] + [m[3] for m in self.merged]
        return max(columns, default=1)

    @property
    def dimensions(self) -> str:
        """The range the sheet spans, as ``A1:H20``."""
        return f"A1:{get_column_letter(self.max_column)}{self.max_row}"

    def value(self, row: int, column: int) -> object:
        """Return a cell's value (``None`` for an empty or absent cell)."""
        found = self.cells.get((row, column))
        return None if found is None else found[0]

    def rows(self, min_row: int = 1) -> Iterator[list[tuple[object, str, str]]]:
        """Yield each row from *min_row*: (value, number format, coordinate)."""
        width = self.max_column
        letters = [get_column_letter(c) for c in range(1, width + 1)]
        for r in range(min_row, self.max_row + 1):
            row = []
            for c in range(1, width + 1):
                value, fmt = self.cells.get((r, c), (None, "General"))
                row.append((value, fmt, f"{letters[c - 1]}{r}"))
            yield row

    def values(self, min_row: int = 1) -> Iterator[list[object]]:
        """Yield each row's values from *min_row* (no coordinates made)."""
        width = self.max_column
        for r in range(min_row, self.max_row + 1):
            yield [self.value(r, c) for c in range(1, width + 1)]


@attrs.define
class Book:
    """The sheets of a workbook, each read when first asked for."""

    sheetnames: list[str]
    states: Mapping[str, str]  # visible, hidden or veryHidden, by sheet
    _loaders: Mapping[str, Any]
    _sheets: dict[str, Sheet] = attrs.field(factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.sheetnames

    def __getitem__(self, name: str) -> Sheet:
        """Return the sheet *name*, reading it the first time.

        Raises
        ------
        XlsxError
            When the sheet's part is malformed.
        TooManyCellsError
            When it holds more cells than the reader may read.
        """
        if name not in self._sheets:
            try:
                self._sheets[name] = self._loaders[name]()
            except (KeyError, ValueError, IndexError, TypeError) as exc:
                msg = f"sheet {name!r}: {type(exc).__name__}: {exc}"
                raise XlsxError(msg) from None
        return self._sheets[name]


def from_openpyxl(wb: Any) -> Book:  # noqa: ANN401 (an openpyxl workbook)
    """Return the :class:`Book` of a workbook openpyxl read."""
    sheets: dict[str, Sheet] = {}
    for ws in wb.worksheets + list(getattr(wb, "chartsheets", [])):
        sheet = Sheet(ws.title, ws.sheet_state)
        for (r, c), cell in getattr(ws, "_cells", {}).items():
            if type(cell).__name__ == "MergedCell":
                continue
            sheet.cells[(r, c)] = (cell.value, str(cell.number_format))
        if hasattr(ws, "merged_cells"):
            sheet.merged = [
                (m.min_row, m.min_col, m.max_row, m.max_col)
                for m in ws.merged_cells.ranges
            ]
            sheet.hidden_rows = {
                int(r) for r, dim in ws.row_dimensions.items() if dim.hidden
            }
            sheet.hidden_columns = {
                c
                for dim in ws.column_dimensions.values()
                if dim.hidden and dim.min is not None
                for c in range(dim.min, (dim.max or dim.min) + 1)
            }
        sheets[ws.title] = sheet
    names = list(wb.sheetnames)
    loaders = {name: (lambda s=sheets[name]: s) for name in names}
    return Book(names, {n: sheets[n].state for n in names}, loaders)


# -- the fast reader ------------------------------------------------------------------


def _xml(archive: zipfile.ZipFile, name: str) -> ET.Element:
    return _parse(archive.read(name), name)


def _parse(data: bytes, name: str) -> ET.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        msg = f"{name} declares a document type; a workbook part never does"
        raise XlsxError(msg)
    try:
        return ET.fromstring(data)  # noqa: S314 (no DTD: checked above)
    except ET.ParseError as exc:
        msg = f"{name}: {exc}"
        raise XlsxError(msg) from None


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Return a part's relationships, by id, as archive paths."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    out = {}
    for rel in _xml(archive, rels):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = path
    return out


def _text_of(node: ET.Element) -> str:
    """Return the text of an ``si`` or ``is`` element, as openpyxl does.

    The plain ``t`` and each run's ``t``, without phonetic runs (``rPh``).
    """
    parts = []
    for child in node:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts += [g.text or "" for g in child if _local(g.tag) == "t"]
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    if path is None or path not in archive.NameToInfo:
        return []
    root = _xml(archive, path)
    return [_text_of(si).replace("x005F_", "") for si in root]


@attrs.frozen
class _Styles:
    formats: list[str]  # number format of each cell style (xf) index
    dates: frozenset[int]
    timedeltas: frozenset[int]

    def format_of(self, index: int) -> str:
        if 0 <= index < len(self.formats):
            return self.formats[index]
        return "General"


def _styles(archive: zipfile.ZipFile, path: str | None) -> _Styles:
    if path is None or path not in archive.NameToInfo:
        return _Styles(["General"], frozenset(), frozenset())
    root = _xml(archive, path)
    custom: dict[int, str] = {}
    formats: list[str] = []
    for child in root:
        tag = _local(child.tag)
        if tag == "numFmts":
            for fmt in child:
                try:
                    custom[int(fmt.get("numFmtId", ""))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif tag == "cellXfs":
            for xf in child:
                try:
                    number = int(xf.get("numFmtId", "0"))
                except ValueError:
                    number = 0
                if number in custom:
                    code = custom[number]
                    if code in BUILTIN_FORMATS_REVERSE:
                        code = BUILTIN_FORMATS[BUILTIN_FORMATS_REVERSE[code]]
                else:
                    code = BUILTIN_FORMATS.get(number, "General")
                formats.append(code)
    if not formats:
        formats = ["General"]
    dates = frozenset(i for i, f in enumerate(formats) if is_date_format(f))
    spans = frozenset(i for i, f in enumerate(formats) if is_timedelta_format(f))
    return _Styles(formats, dates, spans)


@functools.lru_cache(maxsize=4096)
def _column(letters: str) -> int:
    return column_index_from_string(letters)


def _coordinate(ref: str) -> tuple[int, int]:
    """Return (row, column) of a cell reference such as ``AB12``."""
    letters = ref.rstrip("0123456789")
    if not letters or len(letters) == len(ref) or not letters.isalpha():
        return coordinate_to_tuple(ref)  # openpyxl's error for a bad reference
    return int(ref[len(letters) :]), _column(letters.upper())


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


class _SheetReader:
    def __init__(
        self,
        strings: list[str],
        styles: _Styles,
        epoch: Any,  # noqa: ANN401 (a datetime)
        max_cells: int | None = None,
    ) -> None:
        self.strings = strings
        self.styles = styles
        self.epoch = epoch
        self.max_cells = max_cells

    def read(self, data: bytes | None, path: str, title: str, state: str) -> Sheet:
        sheet = Sheet(title, state)
        if data is None:
            return sheet  # a sheet without a part
        root = _parse(data, path)
        if _local(root.tag) != "worksheet":
            return sheet  # a chart sheet or a dialog sheet: no cells
        for child in root:
            tag = _local(child.tag)
            if tag == "sheetData":
                self.rows(child, sheet)
            elif tag == "mergeCells":
                for merge in child:
                    ref = merge.get("ref", "")
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                    if None in (min_row, min_col, max_row, max_col):
                        continue
                    sheet.merged.append((min_row, min_col, max_row, max_col))  # type: ignore[arg-type]
            elif tag == "cols":
                for col in child:
                    if _truth(col.get("hidden")):
                        low = int(col.get("min", "0"))
                        high = int(col.get("max", str(low)))
                        sheet.hidden_columns.update(range(low, high + 1))
        for min_row, min_col, max_row, max_col in sheet.merged:
            # the cells a range covers, but its first, hold nothing; its first
            # is a cell even when the file has no element for it
            sheet.cells.setdefault((min_row, min_col), (None, "General"))
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        sheet.cells.pop((r, c), None)
        return sheet

    def rows(self, data: ET.Element, sheet: Sheet) -> None:
        ns = data.tag[: data.tag.index("}") + 1] if data.tag.startswith("{") else ""
        row_tag, cell_tag = f"{ns}row", f"{ns}c"
        v_tag, is_tag = f"{ns}v", f"{ns}is"
        cells = sheet.cells
        row_number = 0
        for row in data.iter(row_tag):
            r = row.get("r")
            row_number = int(float(r)) if r else row_number + 1
            if _truth(row.get("hidden")):
                sheet.hidden_rows.add(row_number)
            column = 0
            for cell in row.iter(cell_tag):
                ref = cell.get("r")
                if ref:
                    row_at, column = _coordinate(ref)
                else:
                    row_at, column = row_number, column + 1
                cells[(row_at, column)] = self.cell(cell, v_tag, is_tag)
            if self.max_cells is not None and len(cells) > self.max_cells:
                msg = (
                    f"sheet {sheet.title!r} holds more than {self.max_cells} cells "
                    f"(row {row_number} reached)"
                )
                raise TooManyCellsError(msg)

    def cell(self, cell: ET.Element, v_tag: str, is_tag: str) -> tuple[object, str]:
        kind = cell.get("t", "n")
        style = int(cell.get("s") or 0)
        fmt = self.styles.format_of(style)
        if kind == "inlineStr":
            inline = cell.find(is_tag)
            return (None if inline is None else _text_of(inline)), fmt
        raw = cell.findtext(v_tag) or None
        if raw is None:
            return None, fmt
        value: object = raw
        if kind == "n":
            number = _number(raw)
            value = number
            if style in self.styles.dates:
                try:
                    value = from_excel(
                        number, self.epoch, timedelta=style in self.styles.timedeltas
                    )
                except (OverflowError, ValueError):
                    value = "#VALUE!"
        elif kind == "s":
            value = self.strings[int(raw)]
        elif kind == "b":
            value = bool(int(raw))
        elif kind == "d":
            value = from_ISO8601(raw)  # type: ignore[no-untyped-call]
        return value, fmt


def open_book(path: Path, max_cells: int | None = None) -> Book:
    """Read a workbook's sheet list, strings and styles; sheets when asked for.

    Raises
    ------
    XlsxError
        When a part is missing or malformed, or holds a document type
        declaration: the caller reads the file with openpyxl instead.
    TooManyCellsError
        When a sheet read holds more than *max_cells* cell elements.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise XlsxError(str(exc)) from None
    with archive:
        try:
            return _open(archive, max_cells)
        except (KeyError, ValueError, IndexError, TypeError, zipfile.BadZipFile) as exc:
            msg = f"{type(exc).__name__}: {exc}"
            raise XlsxError(msg) from None


def _open(archive: zipfile.ZipFile, max_cells: int | None) -> Book:
    root_rels = _rels(archive, "")
    # the office document: the workbook part, wherever the package puts it
    main = next(
        (p for p in root_rels.values() if p.endswith(".xml") and "workbook" in p),
        "xl/workbook.xml",
    )
    workbook = _xml(archive, main)
    rels = _rels(archive, main)
    epoch = CALENDAR_WINDOWS_1900
    entries: list[tuple[str, str, str]] = []
    for child in workbook:
        tag = _local(child.tag)
        if tag == "workbookPr" and _truth(child.get("date1904")):
            epoch = CALENDAR_MAC_1904
        elif tag == "sheets":
            for sheet in child:
                name = sheet.get("name", "")
                state = sheet.get("state", "visible")
                rid = sheet.get(f"{{{_REL}}}id", "")
                entries.append((name, state, rels.get(rid, "")))
    strings_path = next(
        (t for t in rels.values() if t.endswith("sharedStrings.xml")), None
    )
    styles_path = next((t for t in rels.values() if t.endswith("styles.xml")), None)
    strings = _shared_strings(archive, strings_path)
    reader = _SheetReader(strings, _styles(archive, styles_path), epoch, max_cells)
    loaders = {}
    for name, state, target in entries:
        data = archive.read(target) if target in archive.NameToInfo else None
        loaders[name] = functools.partial(reader.read, data, target, name, state)
    names = [name for name, _, _ in entries]
    return Book(names, {name: state for name, state, _ in entries}, loaders)


# -- Excel 97-2003 (.xls), through xlrd -----------------------------------------------

_XLS_STATES = {0: "visible", 1: "hidden", 2: "veryHidden"}


def open_xls(path: Path, max_cells: int | None = None) -> Book:
    """Read an Excel 97-2003 workbook with xlrd: values, formats, merges, hidden.

    xlrd (the ``xls`` extra) reads each cell's number format and the hidden
    rows and columns, which decide what a cell means: a number formatted as a
    percentage, a date.  A number is a ``float`` (the format stores no
    integers); a date-formatted number is a :class:`datetime.datetime` (a
    :class:`datetime.time` below one day).

    Raises
    ------
    ModuleNotFoundError
        Without xlrd.
    XlsxError
        When xlrd cannot read the file (damaged, encrypted, not a workbook).
    TooManyCellsError
        When a sheet holds more than *max_cells* cells.
    """
    xlrd = importlib.import_module("xlrd")
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=False)
    except Exception as exc:  # noqa: BLE001 (xlrd raises many kinds for a bad file)
        msg = f"{type(exc).__name__}: {exc}"
        raise XlsxError(msg) from None
    try:
        sheets = {s.name: _xls_sheet(xlrd, book, s, max_cells) for s in book.sheets()}
    except (ValueError, IndexError, KeyError, TypeError, AttributeError) as exc:
        msg = f"{type(exc).__name__}: {exc}"
        raise XlsxError(msg) from None
    finally:
        book.release_resources()
    names = list(sheets)
    loaders = {name: functools.partial(lambda s: s, sheets[name]) for name in names}
    return Book(names, {n: sheets[n].state for n in names}, loaders)


def _xls_sheet(xlrd: Any, book: Any, ws: Any, max_cells: int | None) -> Sheet:  # noqa: ANN401
    if max_cells is not None and ws.nrows * ws.ncols > max_cells:
        msg = (
            f"sheet {ws.name!r} spans {ws.nrows} rows × {ws.ncols} columns; "
            f"at most {max_cells} cells are read"
        )
        raise TooManyCellsError(msg)
    sheet = Sheet(ws.name, _XLS_STATES.get(ws.visibility, "hidden"))
    formats = {key: fmt.format_str for key, fmt in book.format_map.items()}
    for r in range(ws.nrows):
        for c in range(ws.ncols):
            cell = ws.cell(r, c)
            if cell.ctype == xlrd.XL_CELL_EMPTY:
                continue
            xf = book.xf_list[cell.xf_index] if cell.xf_index is not None else None
            fmt = formats.get(xf.format_key, "General") if xf is not None else "General"
            sheet.cells[(r + 1, c + 1)] = (
                _xls_value(xlrd, book, cell),
                fmt or "General",
            )
    for rlo, rhi, clo, chi in ws.merged_cells:
        sheet.merged.append((rlo + 1, clo + 1, rhi, chi))
        sheet.cells.setdefault((rlo + 1, clo + 1), (None, "General"))
    sheet.hidden_rows = {r + 1 for r, info in ws.rowinfo_map.items() if info.hidden}
    sheet.hidden_columns = {c + 1 for c, info in ws.colinfo_map.items() if info.hidden}
    return sheet


def _xls_value(xlrd: Any, book: Any, cell: Any) -> object:  # noqa: ANN401, PLR0911 (a return per cell type)
    kind, value = cell.ctype, cell.value
    if kind == xlrd.XL_CELL_TEXT:
        return value
    if kind == xlrd.XL_CELL_NUMBER:
        return float(value)
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return "#VALUE!"
        return moment.time() if value < 1 else moment
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(value, "#VALUE!")
    return None  # a blank cell: formatted, empty
