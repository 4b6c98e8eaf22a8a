"""The command line's inputs: the files its arguments name, or standard input."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, Literal

from perfkpi.deductions import Data
from perfkpi.errors import DataError, PerfKPIError, SchemeValidationError
from perfkpi.files import (
    MAX_FILE_BYTES,
    data_from_text,
    load_data,
    load_scheme,
    scheme_from_text,
)
from perfkpi.scheme import Scheme

STDIN = "-"


def _stdin(args: Sequence[str]) -> Any:  # noqa: ANN401 (a binary stream)
    """Return standard input as a binary stream, if only one argument is ``-``."""
    if sum(1 for a in args if a == STDIN) > 1:
        raise DataError("<stdin>", "only one argument can read standard input")
    if sys.stdin is None:
        raise DataError("<stdin>", "there is no standard input to read")
    return getattr(sys.stdin, "buffer", sys.stdin)


def _stdin_text(args: Sequence[str]) -> str:
    raw: bytes | str = _stdin(args).read(MAX_FILE_BYTES + 1)
    if isinstance(raw, str):  # a text stream without a buffer
        raw = raw.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_FILE_BYTES:
        msg = f"more than {MAX_FILE_BYTES} bytes; at most that many are read"
        raise DataError("<stdin>", msg)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("<stdin>", f"not UTF-8 text (byte {exc.start})") from None


def _text_format(text: str) -> Literal["toml", "json"]:
    return "json" if text.lstrip().startswith("{") else "toml"


def _scheme(arg: str, args: Sequence[str]) -> Scheme:
    if arg != STDIN:
        return load_scheme(arg)
    text = _stdin_text(args)
    return scheme_from_text(text, format=_text_format(text), source="<stdin>")


def _data(arg: str, args: Sequence[str], scheme: Scheme) -> Data:
    if arg != STDIN:
        return load_data(arg, scheme=scheme)
    text = _stdin_text(args)
    return data_from_text(
        text, format=_text_format(text), scheme=scheme, source="<stdin>"
    )


_DATA_KEYS = frozenset({"actuals", "findings", "items", "inputs", "not_applicable"})


def _validated_scheme(arg: str, args: Sequence[str]) -> Scheme:
    """Load a scheme; say so when the file is a data file given in its place."""
    try:
        return _scheme(arg, args)
    except SchemeValidationError:
        if arg == STDIN or not _looks_like_data(arg):
            raise
        msg = (
            "this is a data file (it gives actuals, findings or inputs), not a "
            "scheme: give the scheme first, perfkpi validate SCHEME DATA"
        )
        raise DataError(arg, msg) from None


def _looks_like_data(path: str) -> bool:
    """Whether *path* reads as a data file: data keys at the top, no nodes."""
    from perfkpi.files import read_document  # noqa: PLC0415

    try:
        doc = read_document(path)
    except (PerfKPIError, OSError, ValueError):
        return False
    return isinstance(doc, dict) and "node" not in doc and bool(_DATA_KEYS & set(doc))


def _is_workbook(path: str) -> bool:
    return path.lower().endswith(".xlsx")
