"""Reading a CSV table: with pyarrow when it can, else with the csv module.

Both give the same columns; the size limit, the rows of the wrong width and
the cells pyarrow would read differently are handled here.
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import os
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO, cast

import attrs
import numpy as np

from perfkpi import batch as _package
from perfkpi.batch._options import Errors
from perfkpi.batch._table import _check_unique, _Ragged, _Table
from perfkpi.errors import DataError

_NUMBER = __import__("re").compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _cell(text: str) -> object:
    """Read one CSV cell: empty is missing, a plain number a number, else text."""
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return float(text)
    return text


class _Limited(io.RawIOBase):
    """A binary stream that refuses to yield more than *limit* bytes."""

    def __init__(self, raw: BinaryIO, limit: int, where: str) -> None:
        self._raw = raw
        self._left = limit
        self._limit = limit
        self._where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 (a writable buffer)
        view = memoryview(buffer).cast("B")
        data = self._raw.read(min(len(view), self._left + 1)) or b""
        if len(data) > self._left:
            msg = f"more than {self._limit} bytes; at most that many are read"
            raise DataError(self._where, msg)
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)


def _text_stream(stream: object, where: str) -> TextIO:
    if isinstance(stream, io.TextIOBase):
        return cast("TextIO", stream)
    limited = io.BufferedReader(
        _Limited(cast("BinaryIO", stream), _package.MAX_TABLE_BYTES, where)
    )
    return io.TextIOWrapper(limited, encoding="utf-8-sig", newline="")


def _read_csv(
    source: object, where: str, errors: Errors, id_column: str | None
) -> _Table:
    """Read a CSV table from a binary or text stream.

    A binary stream is read by pyarrow when it is installed and the file is
    regular (every row as wide as the header, every cell within the csv
    module's field limit); otherwise, and for a text stream, by the csv
    module.  Both give the same columns (see :func:`_read_csv_arrow`).

    A row with more or fewer cells than the header is left out and listed in
    :attr:`_Table.bad` with its line (with ``errors="raise"``, it raises).
    """
    if not isinstance(source, io.TextIOBase) and _package._has("pyarrow"):  # noqa: SLF001 (read here: tests patch it)
        raw = _read_all(source, where)
        table = _read_csv_arrow(raw)
        if table is not None:
            return table
        source = io.BytesIO(raw)
    return _read_csv_stdlib(source, where, errors, id_column)


def _read_all(stream: object, where: str) -> bytes:
    """Return every byte of a binary *stream*, refusing more than the limit."""
    limit = _package.MAX_TABLE_BYTES
    read = cast("Callable[[int], object]", cast("BinaryIO", stream).read)
    try:
        step = os.fstat(cast("BinaryIO", stream).fileno()).st_size + 1
    except (AttributeError, OSError, ValueError):  # no file behind it
        step = limit + 1 if isinstance(stream, io.BytesIO) else 1 << 24
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := read(min(step, limit + 1 - total)):
            if not isinstance(chunk, bytes | bytearray | memoryview):
                msg = f"expected a binary or text stream, got {type(chunk).__name__}"
                raise DataError(where, msg)
            chunks.append(bytes(chunk))
            total += len(chunks[-1])
            if total > limit:
                msg = f"more than {limit} bytes; at most that many are read"
                raise DataError(where, msg)
            step = 1 << 24
    except OSError as exc:
        raise DataError(where, f"cannot read: {exc.strerror or exc}") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_ASCII_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
""":data:`_NUMBER` for ASCII digits, in the RE2 syntax of pyarrow.compute."""


def _read_csv_arrow(raw: bytes) -> _Table | None:
    """Read CSV bytes with pyarrow, giving the columns the csv module would.

    Returns ``None`` where the csv module must decide: a ragged row, a cell
    over its field limit, text that is not UTF-8, anything pyarrow refuses.
    pyarrow's own reading of a cell is kept only where it cannot differ from
    :func:`_cell`: finite numbers in a column of numbers, when no cell may
    start or end with a space (which pyarrow trims) and, for a column of
    integers, no ``0x`` is in the file (pyarrow reads ``0x10`` as 16) and no
    ``-0`` if the column has a zero.  Every other column is
    read as text and each cell by :func:`_cell`'s rule.
    """
    pa = importlib.import_module("pyarrow")  # an optional extra
    pc = importlib.import_module("pyarrow.compute")
    pacsv = importlib.import_module("pyarrow.csv")

    if _long_line(raw, csv.field_size_limit()):
        return None
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        true_values=["\0"],  # no cell is read as a boolean
        false_values=["\0"],
    )
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw), parse_options=parse, convert_options=convert
        )
    except (pa.ArrowException, ValueError, UnicodeError):
        return None
    raw_names = table.column_names
    if any("\ufffd" in name for name in raw_names):
        return None  # perhaps not UTF-8: the csv module says where
    names = [h.strip() for h in raw_names]
    _check_unique(names)
    suspects = _Suspects(
        # pyarrow reads " 12 " as the number 12; the csv module keeps it as text
        padded=_padded(raw),
        minus_zero=_after(raw, b"-", b"0"),
        hexadecimal=_before(raw, b"0", b"xX"),  # pyarrow reads 0x10 as 16
    )
    columns: dict[str, np.ndarray] = {}
    as_text = []
    rows = table.num_rows
    parts = table.columns
    del table  # each column is let go as soon as it is read
    for i, name in enumerate(names):
        column, parts[i] = parts[i], None
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            numbers = _arrow_numbers(column, pa.types.is_integer(kind), suspects)
            if numbers is None:
                as_text.append(i)
            else:
                columns[name] = numbers
        elif pa.types.is_null(kind):
            columns[name] = np.full(rows, None, dtype=object)
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns[name] = _text_cells(column, pc)
        else:  # dates, times: text to the csv module
            as_text.append(i)
    if as_text:
        text = pacsv.ConvertOptions(
            column_types={raw_names[i]: pa.string() for i in as_text},
            include_columns=[raw_names[i] for i in as_text],
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        try:
            again = pacsv.read_csv(
                pa.py_buffer(raw), parse_options=parse, convert_options=text
            )
        except (pa.ArrowException, ValueError, UnicodeError):
            return None  # not UTF-8: the csv module says where
        for i in as_text:
            columns[names[i]] = _text_cells(again.column(raw_names[i]), pc)
    if rows == 0:
        columns = {name: np.empty(0) for name in names}
    return _Table({name: columns[name] for name in names}, rows)


@attrs.frozen
class _Suspects:
    """What in a CSV file pyarrow may read as a number the csv module does not."""

    padded: bool  # a cell may start or end with a space or a tab
    minus_zero: bool  # "-0" somewhere
    hexadecimal: bool  # "0x" or "0X" somewhere


def _arrow_numbers(
    column: Any,  # noqa: ANN401 (a pyarrow ChunkedArray)
    integers: bool,
    suspects: _Suspects,
) -> np.ndarray | None:
    """Return a pyarrow column of numbers as the csv module reads it.

    ``None``: pyarrow may have read a cell otherwise (``" 1"``, ``"nan"``,
    ``"inf"``, ``"1e400"``, ``"0x10"``, ``"-0"``); read the column as text.
    """
    if suspects.padded or (integers and suspects.hexadecimal):
        return None
    values: np.ndarray = column.to_numpy().astype(np.float64, copy=False)
    nulls = None
    present = values
    if column.null_count:
        nulls = column.is_null().to_numpy(zero_copy_only=False)
        present = values[~nulls]
    if not np.isfinite(present).all() or (
        integers and suspects.minus_zero and not present.all()
    ):
        return None
    if nulls is not None:
        values = values.astype(object)
        values[nulls] = None
    return values


def _text_cells(column: Any, pc: Any) -> np.ndarray:  # noqa: ANN401
    """Read a pyarrow text column cell by cell as :func:`_cell` reads text."""
    number = pc.match_substring_regex(column, _ASCII_NUMBER).fill_null(False)
    number_mask = number.to_numpy(zero_copy_only=False)
    if number_mask.all():
        out: np.ndarray = np.asarray(pc.cast(column, "float64").to_numpy())
        return out
    values: np.ndarray = np.asarray(column.to_numpy(zero_copy_only=False), object)
    if number_mask.any():
        numbers = pc.cast(pc.filter(column, number), "float64").to_numpy()
        values[number_mask] = np.array(numbers.tolist(), dtype=object)
    for i in np.flatnonzero(~number_mask).tolist():
        text = values[i]
        values[i] = None if text is None else _cell(text)
    if all(isinstance(v, float) for v in values.tolist()):
        values = values.astype(np.float64)
    return values


def _any_of(values: np.ndarray, chars: bytes) -> np.ndarray:
    """Which of the bytes *values* are one of *chars*."""
    mask: np.ndarray = values == chars[0]
    for char in chars[1:]:
        mask |= values == char
    return mask


def _after(raw: bytes, first: bytes, then: bytes) -> bool:
    """Whether a byte of *first* is followed by one of *then* (*first* is rare)."""
    if not any(bytes([char]) in raw for char in first):  # a fast scan each
        return False
    view = np.frombuffer(raw, dtype=np.uint8)
    at = np.flatnonzero(_any_of(view[:-1], first))
    return bool(_any_of(view[at + 1], then).any())


def _before(raw: bytes, first: bytes, then: bytes) -> bool:
    """Whether a byte of *first* is followed by one of *then* (*then* is rare)."""
    if not any(bytes([char]) in raw for char in then):
        return False
    view = np.frombuffer(raw, dtype=np.uint8)
    at = np.flatnonzero(_any_of(view[1:], then))
    return bool(_any_of(view[at], first).any())


def _padded(raw: bytes) -> bool:
    """Whether a cell may start or end with a space or a tab (pyarrow trims them)."""
    if raw[:1] in (b" ", b"\t") or raw[-1:] in (b" ", b"\t"):
        return True
    edges = b',\n\r"'
    return _after(raw, b" \t", edges) or _before(raw, edges, b" \t")


def _long_line(raw: bytes, limit: int) -> bool:
    """Whether a line of *raw* is longer than *limit* bytes (a cell might be)."""
    start = 0  # the start of a line
    while len(raw) - start > limit:
        # the last line end within reach: every line before it is short enough
        end = raw.rfind(b"\n", start, start + limit + 1)
        if end < 0:
            return True
        start = end + 1
    return False


def _read_csv_stdlib(
    source: object, where: str, errors: Errors, id_column: str | None
) -> _Table:
    """Read a CSV table with the csv module (see :func:`_read_csv`)."""
    stream = _text_stream(source, where)
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(where, "empty file: expected a header row") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataError(f"{where}:1", f"malformed CSV: {exc}") from None
    names = [h.strip() for h in header]
    if names:  # a text stream opened as utf-8 keeps the byte order mark
        names[0] = names[0].removeprefix("\ufeff").strip()
    _check_unique(names)
    at = names.index(id_column) if id_column in names else None
    width = len(names)
    blocks: list[list[np.ndarray]] = [[] for _ in names]
    rows: list[list[str]] = []
    bad = _Ragged(where, width)
    count = 0
    try:
        for row in reader:
            if len(row) != width:
                if not any(row):
                    continue  # a blank line
                bad.add(count, reader.line_num, row)
                if at is not None:
                    bad.labels.append(_cell(row[at]) if at < len(row) else None)
                if errors == "raise":
                    raise bad.error(0)
                count += 1
                continue
            rows.append(row)
            count += 1
            if len(rows) == 1 << 15:
                _csv_block(rows, blocks)
                rows = []
    except (csv.Error, UnicodeDecodeError) as exc:
        where_line = f"{where}:{reader.line_num}"
        raise DataError(where_line, f"malformed CSV: {exc}") from None
    _csv_block(rows, blocks)
    columns = {}
    for name, parts in zip(names, blocks, strict=True):
        kinds = {p.dtype.kind for p in parts}
        if kinds == {"f"} or not parts:
            columns[name] = np.concatenate(parts) if parts else np.empty(0)
        else:
            columns[name] = np.concatenate([p.astype(object) for p in parts])
    return _Table(columns, count - len(bad), bad=bad if len(bad) else None)


def _csv_block(rows: list[list[str]], blocks: list[list[np.ndarray]]) -> None:
    if not rows:
        return
    for j, cells in enumerate(zip(*rows, strict=True)):
        try:
            block = np.array(cells, dtype=np.float64)
            if not np.isfinite(block).all() or not all(map(_NUMBER.fullmatch, cells)):
                raise ValueError  # noqa: TRY301 (fall back to reading cell by cell)
        except ValueError:
            read = [_cell(text) for text in cells]
            block = np.array(read, dtype=object)  # scalars: a 1-D array
            if all(isinstance(v, float) for v in read):
                block = block.astype(np.float64)
        blocks[j].append(block)
