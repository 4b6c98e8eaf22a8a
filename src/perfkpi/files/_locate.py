"""Where in a TOML or JSON text a key stands: the line locators."""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

import numpy as np

from perfkpi import files as _files
from perfkpi.errors import (
    DataError,
    SchemeError,
)

# -- finding lines ----------------------------------------------------------------


class _Locator:
    """Lines of the tables and keys of a document, found by a light scan.

    TOML (read by :mod:`tomllib`) and JSON (read by :mod:`json`) give no
    positions for the values they return; this scans the source text for the
    table headers and keys instead.  A place it cannot find has no line.
    """

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """Return the line of the value at *path* (``("node", 3, "target")``)."""
        del path
        return None

    def table_line(self, path: tuple[str | int, ...]) -> int | None:
        """Return a line at or before :meth:`line`'s, found faster.

        Problems sorted by it are in the order of their lines, but for those
        with the same table line (see :meth:`_Problems.listed`).
        """
        return self.line(path)


# possessive: a part never gives back what it read, so a long line is read once
_TOML_PART = r"""(?:[A-Za-z0-9_-]++|"(?:[^"\\]++|\\.)*+"|'[^']*+')"""


class _TomlLocator(_Locator):
    _HEADER = re.compile(
        rf"^\s*(\[\[?)\s*({_TOML_PART}(?:\s*\.\s*{_TOML_PART})*+)\s*\]\]?\s*(?:#.*)?$"
    )
    _PART = re.compile(_TOML_PART)
    _KEY = re.compile(rf"^\s*({_TOML_PART})\s*[=.]")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        counts: dict[tuple[str, ...], int] = {}
        starts: list[tuple[tuple[str | int, ...], int]] = [((), 0)]
        for i, line in enumerate(self.lines):
            match = self._HEADER.match(line)
            if match is None:
                continue
            parts = tuple(_unquote(p) for p in self._PART.findall(match.group(2)))
            # a header inside the last element of an array of tables
            path: tuple[str | int, ...] = ()
            for size in range(len(parts), 0, -1):
                if parts[:size] in counts and (
                    size < len(parts) or match.group(1) == "["
                ):
                    index = counts[parts[:size]] - 1
                    path = (*parts[:size], index, *parts[size:])
                    break
            else:
                path = parts
            if match.group(1) == "[[":
                index = counts.get(parts, 0)
                counts[parts] = index + 1
                path = (*path, index)
            starts.append((path, i))
        # each table's lines, found once: a problem's line is then a lookup,
        # not a walk over every table (nodes × problems on a big file)
        self.sections: dict[tuple[str | int, ...], tuple[int, int]] = {}
        for n, (path, start) in enumerate(starts):
            end = starts[n + 1][1] if n + 1 < len(starts) else len(self.lines)
            self.sections.setdefault(path, (start, end))
        self.keys: dict[tuple[str | int, ...], dict[str, int]] = {}

    def _key_in(self, section: tuple[str | int, ...], key: str) -> int | None:
        keys = self.keys.get(section)
        if keys is None:  # the keys of a table, read the first time one is asked
            start, end = self.sections[section]
            keys = {}
            for i in range(start + 1 if section else 0, end):
                match = self._KEY.match(self.lines[i])
                if match is not None:
                    keys.setdefault(_unquote(match.group(1)), i + 1)
            self.keys[section] = keys
        return keys.get(key)

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """Return the line of the value at *path*, or of its closest table."""
        for size in range(len(path), -1, -1):
            head = path[:size]
            if head not in self.sections:
                continue
            header = self.sections[head][0] + 1 if head else None
            if size == len(path):
                return header
            found = self._key_in(head, str(path[size]))
            return found if found is not None else header
        return None

    def table_line(self, path: tuple[str | int, ...]) -> int | None:
        """Return the line of the closest table's header (a key's is within it)."""
        for size in range(len(path), -1, -1):
            head = path[:size]
            if head in self.sections:
                return self.sections[head][0] + 1 if head else None
        return None


def _unquote(part: str) -> str:
    if part[:1] == '"':
        try:
            text: str = json.loads(part)
        except ValueError:
            return part[1:-1]
        return text
    if part[:1] == "'":
        return part[1:-1]
    return part


class _JsonLocator(_Locator):
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.offsets: dict[tuple[str | int, ...], int] = {}
        try:
            self._value(0, ())
        except (ValueError, IndexError):  # pragma: no cover (text parsed before)
            self.offsets.clear()

    def _skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in " \t\r\n":
            i += 1
        return i

    def _value(self, i: int, path: tuple[str | int, ...]) -> int:
        decoder = json.JSONDecoder()
        i = self._skip(i)
        self.offsets[path] = i
        char = self.text[i]
        if len(path) < 3 and char in "{[":  # noqa: PLR2004 (deep enough for nodes)
            close = "}" if char == "{" else "]"
            i = self._skip(i + 1)
            index = 0
            while self.text[i] != close:
                key: str | int = index
                if char == "{":
                    key, i = decoder.raw_decode(self.text, i)
                    i = self._skip(i) + 1  # the ":"
                i = self._skip(self._value(i, (*path, key)))
                index += 1
                if self.text[i] == ",":
                    i = self._skip(i + 1)
            return i + 1
        _, end = decoder.raw_decode(self.text, i)
        return int(end)

    def line(self, path: tuple[str | int, ...]) -> int | None:
        """Return the line of the value at *path*, or of its closest parent."""
        for size in range(len(path), 0, -1):
            offset = self.offsets.get(path[:size])
            if offset is not None:
                return bisect.bisect_left(self.newlines, offset) + 1
        return None


# Each pattern matches wherever it starts and never backtracks (possessive
# loops); a string that never closes runs to the end of its line or of the text
# and ends in an empty "open…" group.  A pattern that could fail after reading
# far, as an unclosed string did, is tried again at every later quote:
# quadratic on a file of repeated \".
_TOML_STRINGS = re.compile(
    r'"""(?:[^"\\]++|\\.|""?(?!"))*+(?:"{3,5}|(?P<open1>\\?\Z))'
    r"|'''(?:[^']++|''?(?!'))*+(?:'{3,5}|(?P<open2>\Z))"
    r'|"(?:[^"\\\n]++|\\.)*+(?:"|(?P<open3>))'
    r"|'[^'\n]*+(?:'|(?P<open4>))"
    r"|#[^\n]*+",
    re.DOTALL,
)
_JSON_STRINGS = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|(?P<open>))', re.DOTALL)


def _unclosed(text: str, strings: re.Pattern[str]) -> int | None:
    """Return where the first string that never closes starts, if one does.

    A quote outside a string or comment can only open one, in TOML and in
    JSON, so such a string makes the text malformed; finding it here takes
    one linear scan, where the parser may take far longer to give up.
    """
    for match in strings.finditer(text):
        if (match.lastgroup or "").startswith("open"):
            return match.start()
    return None


def _nesting(text: str, strings: re.Pattern[str]) -> tuple[int, int]:
    """Return the deepest nesting of brackets outside strings, and its line.

    The line is found only when the nesting is over :data:`MAX_NESTING`.
    """
    bare = strings.sub(lambda m: "\n" * m.group().count("\n"), text)
    marks = re.sub(r"[^\[\]{}\n]", "", bare)
    if not marks.strip("\n"):
        return 0, 0
    codes = np.frombuffer(marks.encode("ascii"), dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, 0)
    steps = np.where((codes == ord("]")) | (codes == ord("}")), -1, steps)
    depth = np.cumsum(steps)
    deepest = int(depth.argmax())
    if depth[deepest] <= _files.MAX_NESTING:
        return int(depth[deepest]), 0
    return int(depth[deepest]), int(np.count_nonzero(codes[:deepest] == ord("\n"))) + 1


def _place(source: str, line: int | None, what: str = "") -> str:
    """Return ``file:line: what``, leaving out the parts not known."""
    head = source
    if line:
        head = f"{source}:{line}" if source else f"line {line}"
    if head and what:
        return f"{head}: {what}"
    return head or what


def _at(source: str, line: int | None, column: int | None = None) -> dict[str, Any]:
    """Return the ``file``, ``line`` and ``column`` of a problem, the known ones."""
    if not source or not line:
        return {}
    return {"file": source, "line": line, "column": column}


def _as_data(error: SchemeError) -> DataError:
    """Return a file's problem as a :class:`DataError`, with its place."""
    return DataError(
        error.where,
        error.problem,
        file=error.file,
        line=error.line,
        column=error.column,
    )
