"""Reading a sheet that is a table of entities: one header row, a row each."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np

from perfkpi.errors import DataError, SchemeValidationError
from perfkpi.excel._book import _check_size, _open, _sheet
from perfkpi.excel._model import _META
from perfkpi.excel._table import _Cell, _grid, _text, _value, _warn_hidden

_TOTALS = frozenset({"合计", "总计", "小计", "平均", "平均值", "均值", "总平均"})
"""Cell texts that mark a row of totals or means, not an entity."""


def read_table(
    path: str | os.PathLike[str], *, sheet: str | None = None
) -> dict[str, np.ndarray]:
    """Read a sheet that holds a table of entities into columns.

    The header is the first row with two cells of its own (a title above
    it, in one cell or merged across the columns, is passed over): each cell
    names its column (a node code such as ``1.2``, ``findings:2``, ``单位``).
    Every row below it with anything in it is an entity.  This is the table
    :func:`~perfkpi.batch.evaluate_batch` and ``perfkpi batch`` read from a
    workbook, cell by cell as :func:`read_excel` reads a cell: a cell
    formatted as a percentage is what it shows (``"96%"``), a date cell its
    day, TRUE and FALSE 是 and 否, an empty cell missing, and a merged range
    gives its value to every cell it covers.

    Parameters
    ----------
    path
        The workbook: ``.xlsx``, or ``.xls`` with the ``xls`` extra.
    sheet
        The sheet to read.  By default the one visible sheet that holds
        anything; a workbook with several such sheets must name one (the
        years or regions of a workbook are not guessed), and a hidden sheet is
        read only when named.

    Returns
    -------
    dict of str to numpy.ndarray
        The columns, in the sheet's order: a column of whole numbers only as
        integers, of numbers only as floats, any other as objects.

    Raises
    ------
    DataError
        Naming the file (and the sheet and cell where there is one): a file
        that is not a workbook or is too large (see :data:`MAX_CELLS`), no
        sheet of that name, no sheet or several sheets with data and none
        named, a header cell that is a number with decimals (``1.1`` and
        ``1.10`` are the same number: node codes are text), a date or is empty
        above values, two columns of one name, and a row of totals or means
        (合计, 总计, 小计, 平均): it is not an entity, and scored as one it
        would stand among them.

    TypeError
        If *path* is not a path.

    Warns
    -----
    HiddenCellsWarning
        When rows or columns of the table that hold something are hidden:
        they are read as if shown.

    Examples
    --------
    >>> import tempfile, pathlib, openpyxl
    >>> from perfkpi.excel import read_table
    >>> wb = openpyxl.Workbook()
    >>> wb.active.append(["单位", "1.1", "1.2"])
    >>> wb.active.append(["甲", 0.96, "3件"])
    >>> wb.active["B2"].number_format = "0%"
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "units.xlsx"
    >>> wb.save(path)
    >>> table = read_table(path)
    >>> table["单位"].tolist(), table["1.1"].tolist(), table["1.2"].tolist()
    (['甲'], ['96%'], ['3件'])
    """
    where = Path(path)
    try:
        wb = _open(where)
        name = _chosen_sheet(where, wb, sheet)
        ws = _sheet(where, wb, name)
        _check_size(where, ws)
    except SchemeValidationError as exc:
        first = exc.exceptions[0]
        raise DataError(str(where), str(getattr(first, "problem", first))) from None
    grid = _grid(ws)
    place = f"{where}: {name}"
    header_row = _header_row(grid)
    if header_row is None:
        raise DataError(place, "the sheet is empty: expected a header row")
    body = grid[header_row + 1 :]
    columns = _header(place, grid[header_row], body)
    _warn_hidden(where, ws, grid, header_row, columns)
    values: dict[str, list[object]] = {n: [] for n in columns}
    for row in body:
        cells = [row[c] if c < len(row) else None for c in columns.values()]
        if not any(cell is not None and _text(cell.value) for cell in cells):
            continue  # a blank row between entities
        _refuse_totals(place, cells)
        for column, cell in zip(values.values(), cells, strict=True):
            column.append(None if cell is None else _value(cell))
    return {n: _column(v) for n, v in values.items()}


def _header_row(grid: list[list[_Cell]]) -> int | None:
    """Return the header row: the first with two cells of its own, after titles.

    A title above the table (``2023年度部门绩效汇总表``, in one cell or merged
    across the columns) has one cell of its own and is passed over; a table of
    a single column has its header in its first row with anything in it.
    """
    first = None
    for r, row in enumerate(grid):
        own = [c for c in row if _text(c.value) and not c.merged_from_left]
        if own and first is None:
            first = r
        if len(own) >= 2:  # noqa: PLR2004 (a title has one)
            return r
    return first


def _chosen_sheet(path: Path, wb: object, sheet: str | None) -> str:
    from perfkpi.excel._book import _fail  # noqa: PLC0415

    names: list[str] = list(getattr(wb, "sheetnames", []))
    if sheet is not None:
        if sheet not in names:
            raise _fail(path, f"no sheet {sheet!r}; it has {', '.join(names)}")
        return sheet
    states = getattr(wb, "states", {})
    visible = [n for n in names if n != _META and states.get(n) == "visible"]
    full = [n for n in visible if _holds_something(path, wb, n)]
    hidden = [n for n in names if n != _META and n not in visible]
    if not full:
        also = f" (hidden sheets are read only when named: {', '.join(hidden)})"
        raise _fail(path, "no visible sheet holds a table" + (also if hidden else ""))
    if len(full) > 1:
        msg = (
            f"{len(full)} sheets hold data ({', '.join(full)}); name the one to "
            "read (sheet=, or --sheet): the sheet of a year or a region is not "
            "guessed"
        )
        raise _fail(path, msg)
    return full[0]


def _holds_something(path: Path, wb: object, name: str) -> bool:
    ws = _sheet(path, wb, name)  # type: ignore[arg-type]
    return any(_text(value) for value, _ in ws.cells.values())


def _header(place: str, header: list[_Cell], body: list[list[_Cell]]) -> dict[str, int]:
    """Return each named column's index by its name, checking the names."""
    columns: dict[str, int] = {}
    for c, cell in enumerate(header):
        name = _name(place, cell)
        if not name:
            if any(c < len(row) and _text(row[c].value) for row in body):
                msg = "a column with values has no name in the header row"
                raise DataError(f"{place}!{cell.coordinate}", msg)
            continue
        if name in columns:
            msg = f"two columns are named {name!r}"
            if cell.merged_from_left:
                msg += (
                    " (a header cell merged across columns: the table needs one "
                    "header row, a name in each column)"
                )
            raise DataError(f"{place}!{cell.coordinate}", msg)
        columns[name] = c
    return columns


def _name(place: str, cell: _Cell) -> str:
    """Return a header cell's column name: its text, or a whole number."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        msg = f"a column name must be text, not {type(value).__name__} {value!r}"
        raise DataError(f"{place}!{cell.coordinate}", msg)
    if isinstance(value, float) and not value.is_integer():
        msg = (
            f"the column name is the number {value!r}: node codes are text "
            "(1.1 and 1.10 are one number); format the cell as text and write "
            "the code again"
        )
        raise DataError(f"{place}!{cell.coordinate}", msg)
    if not isinstance(value, str):
        return str(int(value))
    return unicodedata.normalize("NFKC", value).strip()


def _refuse_totals(place: str, cells: list[_Cell | None]) -> None:
    for cell in cells:
        if cell is None or not isinstance(cell.value, str):
            continue
        text = "".join(unicodedata.normalize("NFKC", cell.value).split())
        if text in _TOTALS:
            msg = (
                f"a row of {text} is not an entity: scored as one, it would "
                "stand among them; remove the row, or read a sheet without it"
            )
            raise DataError(f"{place}!{cell.coordinate}", msg)


def _column(values: list[object]) -> np.ndarray:
    """Return a column: numbers when every cell is one, objects otherwise.

    Whole numbers stay whole (an id column of unit numbers); a column with a
    fraction anywhere is of floats.
    """
    kinds = {type(v) for v in values}
    if values and kinds <= {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:  # beyond 64 bits: kept as Python ints
            pass
    elif values and kinds <= {int, float}:
        return np.array(values, dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
