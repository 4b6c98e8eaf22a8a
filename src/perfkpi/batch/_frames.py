"""Reading a table held in memory, and the dispatch of a table by kind.

A 2-D array, a mapping of columns or a DataFrame is read here; files and
streams go to :mod:`perfkpi.batch._csv`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from perfkpi import batch as _package
from perfkpi._io import open_regular
from perfkpi.batch._csv import _read_csv
from perfkpi.batch._options import Errors
from perfkpi.batch._table import _check_unique, _Table
from perfkpi.errors import DataError

_DATA_KEYS = (
    "actuals",
    "findings",
    "items",
    "not_applicable",
    "adjustments",
    "inputs",
)


_WORKBOOK_MAGIC = (b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"))
"""How an .xlsx (a zip archive) and an .xls (a compound file) begin."""


def _read_table(  # noqa: PLR0911 (one return per kind of table)
    table: object,
    columns: Sequence[str] | None,
    errors: Errors,
    id_column: str | None,
    sheet: str | None = None,
) -> _Table:
    if isinstance(table, str | os.PathLike):
        where = os.fspath(table)
        with open_regular(table, error=DataError) as stream:
            head = stream.read(8)
            if head.startswith(_WORKBOOK_MAGIC):
                return _from_workbook(str(where), sheet)
            if sheet is not None:
                raise DataError(
                    "sheet", f"sheet= is for a workbook; {where} is not one"
                )
            stream.seek(0)
            return _read_csv(stream, str(where), errors, id_column)
    if sheet is not None:
        raise DataError("sheet", "sheet= is for the path of a workbook only")
    if isinstance(table, io.IOBase):
        where = str(getattr(table, "name", "<stream>"))
        _refuse_workbook_stream(table, where)
        return _read_csv(table, where, errors, id_column)
    if isinstance(table, np.ma.MaskedArray) and table.ndim == 2:  # noqa: PLR2004
        return _from_array(table, columns)
    if isinstance(table, np.ndarray):
        return _from_array(table, columns)
    if columns is not None:
        raise DataError("columns", "columns= is for a 2-D array only")
    if isinstance(table, Mapping):
        return _from_mapping(table)
    from perfkpi.deductions import Data  # noqa: PLC0415

    if isinstance(table, Data):
        raise DataError(
            "table", "evaluate_batch takes a table; for one Data use evaluate()"
        )
    return _from_frame(table)


def _refuse_workbook_stream(stream: io.IOBase, where: str) -> None:
    """Refuse a workbook's bytes on a stream: it is read from its file."""
    if isinstance(stream, io.TextIOBase) or not stream.seekable():
        return
    at = stream.tell()
    head = stream.read(8)
    stream.seek(at)
    if isinstance(head, bytes) and head.startswith(_WORKBOOK_MAGIC):
        msg = (
            "an Excel workbook, not CSV: give the workbook's path (a workbook "
            "is read from its file), or save the sheet as CSV"
        )
        raise DataError(where, msg)


def _from_workbook(path: str, sheet: str | None) -> _Table:
    """Read a workbook's sheet of entities (:func:`perfkpi.excel.read_table`)."""
    from perfkpi import _hooks  # noqa: PLC0415

    return _from_mapping(_hooks.call("excel.table", path, sheet=sheet))


def _from_array(table: np.ndarray, columns: Sequence[str] | None) -> _Table:
    if table.ndim != 2:  # noqa: PLR2004
        raise DataError("table", f"expected a 2-D array, got {table.ndim} dimensions")
    if columns is None or len(columns) != table.shape[1]:
        msg = f"a 2-D array needs columns=, one code per column ({table.shape[1]})"
        raise DataError("columns", msg)
    names = [str(c) for c in columns]
    _check_unique(names)
    return _Table(
        {n: _unmask(table[:, i]) for i, n in enumerate(names)}, table.shape[0]
    )


def _unmask(values: np.ndarray) -> np.ndarray:
    """Return a masked array's cells with the masked ones missing (``None``).

    A masked cell's hidden data is never read: it is missing, as an empty
    cell is.
    """
    if not isinstance(values, np.ma.MaskedArray):
        return values
    data: np.ndarray = np.ma.getdata(values)
    mask = np.ma.getmaskarray(values)
    if not mask.any():
        return data
    out = data.astype(object)
    out[mask] = None
    return out


def _from_mapping(table: Mapping[Any, Any]) -> _Table:
    if "items" in table:
        msg = (
            "a batch takes the items declared in the scheme only: add the entity's "
            "items to the scheme as nodes, or give their points as a "
            f"'{_package.FINDINGS}<code>' column"
        )
        raise DataError("items", msg)
    if any(isinstance(table.get(k), Mapping) for k in _DATA_KEYS):
        msg = "expected a table of columns, got one entity's data; use evaluate()"
        raise DataError("table", msg)
    columns: dict[str, np.ndarray] = {}
    rows: int | None = None
    for name, values in table.items():
        column = _as_column(values, str(name))
        if rows is None:
            rows = column.size
        elif column.size != rows:
            msg = f"column has {column.size} rows, the first column {rows}"
            raise DataError(str(name), msg)
        columns[str(name)] = column
    return _Table(columns, rows or 0)


def _as_column(values: object, name: str) -> np.ndarray:
    if not isinstance(values, np.ndarray) and hasattr(values, "__array__"):
        values = np.asarray(values)  # a pandas Series, a pyarrow array, …
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise DataError(name, "a column must be one-dimensional")
        return _unmask(values)
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        msg = f"expected a column (a sequence or array), got {type(values).__name__}"
        raise DataError(name, msg)
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = None if value is np.ma.masked else value
    kinds = {type(v) for v in out}
    if kinds == {float}:
        return out.astype(np.float64)
    if kinds == {int} and all(abs(v) < 2**53 for v in out):
        return out.astype(np.int64)
    return out  # mixed types: each cell is read as it is


def _from_frame(table: object) -> _Table:
    module = type(table).__module__.split(".")[0]
    try:
        import narwhals.stable.v1 as nw  # noqa: PLC0415
    except ImportError:
        msg = (
            f"a {module} table needs narwhals: pip install 'perfkpi[dataframe]' "
            "(or give a mapping of columns, a 2-D array or a CSV file)"
        )
        raise ImportError(msg) from None
    try:
        frame = nw.from_native(table, eager_only=True)
    except TypeError:
        msg = (
            "expected a mapping of column → values, a 2-D array with columns=, "
            f"a CSV file or a DataFrame, got {type(table).__name__}"
        )
        raise DataError("table", msg) from None
    names = [str(c) for c in frame.columns]
    _check_unique(names)

    def column(name: str) -> np.ndarray:
        series = frame[name]
        nulls = series.is_null()
        if series.dtype.is_numeric() and nulls.any():
            series = series.cast(nw.Float64).fill_null(float("nan"))
        out: np.ndarray = series.to_numpy()
        if series.dtype.is_numeric() or (
            series.dtype == nw.Boolean and not nulls.any()
        ):
            return out
        out = np.array(out, dtype=object)  # a copy
        out[nulls.to_numpy()] = None  # pandas NaN / NA, polars and arrow nulls
        return out

    return _Table(_Columns(names, column), len(frame), module)


class _Columns(Mapping[str, np.ndarray]):
    """A frame's columns as numpy arrays, converted when first asked for.

    Columns the batch does not read (names, dates) are never converted.
    """

    def __init__(
        self, names: Sequence[str], convert: Callable[[str], np.ndarray]
    ) -> None:
        self._names = tuple(names)
        self._convert = convert
        self._done: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._done:
            if name not in self._names:
                raise KeyError(name)
            self._done[name] = self._convert(name)
        return self._done[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
