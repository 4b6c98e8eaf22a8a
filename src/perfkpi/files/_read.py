"""Reading documents: bounded reads of regular files, parsing TOML and JSON."""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from perfkpi import files as _files
from perfkpi._io import _check_path, open_regular
from perfkpi.errors import (
    PerfKPIError,
    SchemeError,
)
from perfkpi.files._locate import (
    _JSON_STRINGS,
    _TOML_STRINGS,
    _at,
    _JsonLocator,
    _Locator,
    _nesting,
    _place,
    _TomlLocator,
    _unclosed,
)

Format = Literal["toml", "json"]

# -- reading documents ------------------------------------------------------------


def read_limited(
    path: str | os.PathLike[str],
    *,
    limit: int | None = None,
    error: type[PerfKPIError] = SchemeError,
) -> bytes:
    """Return the bytes of the regular file *path*, refusing more than *limit*.

    The limit holds for the bytes actually read (at most *limit* + 1 are),
    not for the size the file system reports, which a file that grows or a
    special file can belie.

    Parameters
    ----------
    path
        The file (see :func:`open_regular` for what is refused).
    limit
        The most bytes read; :data:`MAX_FILE_BYTES` by default.
    error
        The error class to raise, called as ``error(path, problem)``.

    Raises
    ------
    SchemeError
        (or *error*) If the file cannot be read, is not a regular file, or
        holds more than *limit* bytes; the message names the file.
    TypeError
        If *path* is not a path, *limit* not a whole number, or *error* not a
        perfkpi error class.
    ValueError
        If *limit* is negative.
    """
    _check_path(path, error)
    limit = _files.MAX_FILE_BYTES if limit is None else limit
    if isinstance(limit, bool) or not isinstance(limit, int):
        msg = f"limit must be a whole number of bytes, not {type(limit).__name__}"
        raise TypeError(msg)
    if limit < 0:
        msg = f"limit must be 0 or more, not {limit}"
        raise ValueError(msg)
    where = os.fsdecode(path)
    with open_regular(path, error=error) as stream:
        try:
            size = os.fstat(stream.fileno()).st_size
            if size > limit:
                msg = f"file is {size} bytes; at most {limit} are read"
                raise error(where, msg)
            raw = stream.read(limit + 1)
        except OSError as exc:
            raise error(where, f"cannot read file: {exc.strerror}") from None
    if len(raw) > limit:
        raise error(where, f"file is over {limit} bytes; at most {limit} are read")
    return raw


def _read_text(path: Path, limit: int | None = None) -> str:
    where = str(path)
    raw = read_limited(path, limit=limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start})"
        raise SchemeError(where, msg) from None


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".json":
        return "json"
    msg = f"unknown file type {suffix!r}; expected .toml or .json"
    raise SchemeError(str(path), msg)


def _parse(text: str, fmt: Format, source: str) -> tuple[dict[str, Any], _Locator]:
    """Parse *text*; raise one :class:`SchemeError` naming *source* and the line.

    A *text* that is not a string is a :class:`TypeError`, a *fmt* other than
    ``"toml"`` or ``"json"`` a :class:`ValueError` (a caller's mistake, not
    the file's).
    """
    given: object = text  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"text must be a str, not {type(given).__name__}"
        raise TypeError(msg)
    if fmt not in ("toml", "json"):
        msg = f"format must be 'toml' or 'json', not {fmt!r}"
        raise ValueError(msg)
    strings = _TOML_STRINGS if fmt == "toml" else _JSON_STRINGS
    start = _unclosed(text, strings)
    if start is not None:
        line = text.count("\n", 0, start) + 1
        column = start - text.rfind("\n", 0, start)
        msg = (
            f"malformed {fmt.upper()}: the string that starts at line {line}, "
            f"column {column} never closes"
        )
        raise SchemeError(_place(source, line), msg, **_at(source, line, column))
    depth, line = _nesting(text, strings)
    if depth > _files.MAX_NESTING:
        msg = f"nested {depth} levels deep; at most {_files.MAX_NESTING} are read"
        raise SchemeError(_place(source, line), msg, **_at(source, line))
    if fmt == "toml":
        try:
            return tomllib.loads(text), _TomlLocator(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            line = int(found.group(1)) if found else 0
            if "(at end of document)" in str(exc):
                line = max(1, text.count("\n") + (not text.endswith("\n")))
            where, place = _place(source, line), _at(source, line)
            raise SchemeError(where, f"malformed TOML: {exc}", **place) from None
        except RecursionError:  # pragma: no cover (nesting is checked first)
            raise SchemeError(source, "malformed TOML: nested too deeply") from None
    try:
        doc = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys
        )
    except _DuplicateKeyError as exc:
        first = _first_duplicate(text)
        key = exc.key if first is None else first[0]
        at = None if first is None else text.count("\n", 0, first[1]) + 1
        msg = (
            f"malformed JSON{f' at line {at}' if at else ''}: duplicate key "
            f"{key!r} (a key may appear once in an object)"
        )
        raise SchemeError(_place(source, at), msg, **_at(source, at)) from None
    except json.JSONDecodeError as exc:
        msg = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        place = _at(source, exc.lineno, exc.colno)
        raise SchemeError(_place(source, exc.lineno), msg, **place) from None
    except (ValueError, RecursionError) as exc:
        raise SchemeError(source, f"malformed JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise SchemeError(source, "expected a JSON object at the top level")
    return doc, _JsonLocator(text)


def _reject_constant(name: str) -> float:
    msg = f"{name} is not a number perfkpi accepts"
    raise ValueError(msg)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (as TOML does)."""
    out = dict(pairs)
    if len(out) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return out


def _first_duplicate(text: str) -> tuple[str, int] | None:
    """Return the first key given twice in one object of JSON *text*, and where.

    Called only on a document that :mod:`json` read but for a duplicate key,
    nested at most :data:`MAX_NESTING` deep; it stops at the first duplicate.
    """
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\r\n]*")

    def skip(i: int) -> int:
        match = space.match(text, i)
        return match.end() if match else i

    def value(i: int) -> tuple[int, tuple[str, int] | None]:
        i = skip(i)
        if text[i] not in "{[":
            return int(decoder.raw_decode(text, i)[1]), None
        close = "}" if text[i] == "{" else "]"
        keys: set[str] = set()
        i = skip(i + 1)
        while text[i] != close:
            if close == "}":
                start = i
                key, i = decoder.raw_decode(text, i)
                if key in keys:
                    return i, (key, start)
                keys.add(key)
                i = skip(i) + 1  # the ":"
            i, found = value(i)
            if found is not None:
                return i, found
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
        return i + 1, None

    try:
        return value(0)[1]
    except (ValueError, IndexError):  # pragma: no cover (json read it)
        return None


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML or JSON file (by its suffix) into plain data.

    Raises
    ------
    SchemeError
        If the file cannot be read, is too large or nested too deeply, is not
        UTF-8, or does not parse; the message names the file and, where the
        format gives it, the line.
    """
    path = Path(path)
    doc, _ = _parse(_read_text(path), _format_of(path), str(path))
    return doc
