"""Keep user text inert in the spreadsheets and CSV files perfkpi writes.

A spreadsheet program runs a cell whose text starts with ``=``, ``+``, ``-``
or ``@`` as a formula, and some also act on a leading tab or carriage return
(CSV or formula injection).  Names, reasons and entity ids come from other
people's files, so every writer passes user text through this one module:

- :func:`csv_text` prefixes such text with an apostrophe, the mark spreadsheet
  programs read as "this is text";
- :func:`set_text_cell` stores such text in an openpyxl cell as a string
  (data type ``s``), never as a formula.

Numbers are never touched: ``-5`` written as a number stays a number.

Examples
--------
>>> from perfkpi._safe import csv_text, is_formula_like
>>> is_formula_like("=HYPERLINK(A1)"), is_formula_like("预算执行率")
(True, False)
>>> csv_text("@SUM(A1:A9)"), csv_text("-1 个百分点"), csv_text("网上立案率")
("'@SUM(A1:A9)", "'-1 个百分点", '网上立案率')
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "FORMULA_STARTS",
    "csv_text",
    "is_formula_like",
    "set_text_cell",
    "write_atomic",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""The first characters that make a spreadsheet treat text as a formula."""


def is_formula_like(text: str) -> bool:
    """Return whether a spreadsheet could read *text* as a formula."""
    return text.startswith(FORMULA_STARTS)


def csv_text(text: str) -> str:
    """Return *text* safe to write in a CSV cell (apostrophe-prefixed if needed)."""
    return "'" + text if is_formula_like(text) else text


def set_text_cell(cell: Any, value: object) -> None:  # noqa: ANN401 (openpyxl cell)
    """Store *value* in an openpyxl *cell*; text is always stored as text.

    openpyxl stores a string that starts with ``=`` as a formula; this keeps
    every string a string (data type ``s``), so the workbook shows it as
    written and never runs it.
    """
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, write: Callable[[str], None]) -> None:
    """Write a file through *write* (given a path) to a temporary, then rename.

    The temporary file is made in *path*'s folder, so the rename is atomic:
    a failed write leaves no half a file and never touches an existing one.
    The file gets the permissions a newly created file would (``0o666`` less
    the umask), not the private ones of a temporary file.
    """
    fd, temporary = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=f"{path.suffix}.tmp", dir=path.parent
    )
    os.close(fd)
    try:
        write(temporary)
        Path(temporary).chmod(0o666 & ~_umask())
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
