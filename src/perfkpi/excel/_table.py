"""Locating a sheet's table: cells, header row, columns, rows and values."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import re
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from perfkpi import excel
from perfkpi.excel._model import HiddenCellsWarning
from perfkpi.targets import _fold_char, format_number

if TYPE_CHECKING:  # pragma: no cover
    from perfkpi._xlsx import Sheet

_LEVELS = ("level1", "level2", "level3", "level4", "level5")


_FOOTERS = ("合计", "总分", "总计", "总得分", "等级", "评价等级", "自评等级")


_HEADER_ROWS = 30


def _header_key(text: str) -> str:
    """Return the form of a header that is matched: NFKC, no notes or spaces."""
    norm = re.sub(r"\([^)]*\)", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"[\s:：*]", "", norm)


@functools.lru_cache(maxsize=1024)
def _field_of(text: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    for field, names in excel.HEADERS.items():
        if key in names:
            return None if field == "ignore" else field
    best: tuple[int, str] | None = None
    for field, names in excel.HEADERS.items():
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


def _title(grid: list[list[_Cell]], header_row: int) -> str:
    for row in grid[:header_row]:
        for cell in row:
            text = _text(cell.value)
            if text:
                return text
    return ""
