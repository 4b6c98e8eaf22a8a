"""Opening a workbook: what kind of file it is, its limits, its sheets, its record."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from perfkpi import excel
from perfkpi.errors import SchemeError, SchemeValidationError
from perfkpi.excel._model import _META, _openpyxl
from perfkpi.files import MAX_FILE_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from perfkpi._xlsx import Book, Sheet


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
    if total > excel.MAX_XML_BYTES:
        msg = (
            f"the workbook holds {total} bytes once uncompressed; "
            f"at most {excel.MAX_XML_BYTES} are read"
        )
        raise _fail(path, msg)
    strings = next((i for i in parts if i.filename == "xl/sharedStrings.xml"), None)
    if strings is not None and strings.file_size > excel.MAX_SHARED_STRINGS_BYTES:
        msg = (
            f"the workbook's shared strings take {strings.file_size} bytes; "
            f"at most {excel.MAX_SHARED_STRINGS_BYTES} are read"
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
        return open_book(path, max_cells=excel.MAX_CELLS)
    except XlsxError:
        return _openpyxl_book(path)  # a part the fast reader does not read


def _xls_book(path: Path) -> Book:
    """Read an Excel 97-2003 workbook through xlrd (the ``xls`` extra)."""
    from perfkpi._xlsx import TooManyCellsError, XlsxError, open_xls  # noqa: PLC0415

    try:
        return open_xls(path, max_cells=excel.MAX_CELLS)
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
        raise _fail(path, f"{exc}; at most {excel.MAX_CELLS} cells are read") from None
    except XlsxError:
        return _openpyxl_book(path)[name]


def _check_size(path: Path, ws: Sheet) -> None:
    cells = ws.max_row * ws.max_column
    if cells > excel.MAX_CELLS:
        msg = (
            f"sheet {ws.title!r} spans {ws.max_row} rows × {ws.max_column} columns "
            f"({ws.dimensions}); at most {excel.MAX_CELLS} cells are read"
        )
        raise _fail(path, msg)
