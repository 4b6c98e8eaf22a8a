"""Read and write schemes and entity data as TOML and JSON files.

A scheme file is a ``[scheme]`` table and a flat list of ``[[node]]`` tables
linked by parent codes; a data file holds one entity's actuals, raw inputs,
findings, items, adjustments and not-applicable markers.  Both are plain data:
nothing in a file is executed, rules are named by their kind and built by
:func:`perfkpi.rules.rule_from_dict`, targets are text read by
:func:`~perfkpi.targets.parse_target`, formulas are read by
:mod:`perfkpi.formulas`.

Loading reports every problem of a file at once, each with the file, the line
(where the format gives one), the node code and what was expected::

    scheme.toml:42: node 1.2

Only regular files are read (never a FIFO or a device), at most
:data:`MAX_FILE_BYTES` bytes of them (:data:`MAX_SCHEME_BYTES` of a scheme), and
at most :data:`MAX_PROBLEMS` problems are listed.  Files over that, documents
nested deeper than
:data:`MAX_NESTING` and trees deeper than :data:`MAX_TREE_DEPTH` are refused
with a clear message.  :func:`dump_scheme` writes a scheme back; loading what
it writes gives an equal scheme.  See :doc:`/file-format`.

Examples
--------
>>> import perfkpi
>>> from perfkpi.files import dump_scheme, scheme_from_text
>>> scheme = perfkpi.catalog.scheme("gz-dept-overall")
>>> text = dump_scheme(scheme)
>>> for line in text.splitlines()[:3]:
...     print(line)
[scheme]
id = "gz-dept-overall"
name = "广州市市级部门整体支出绩效自评"
>>> scheme_from_text(text, format="toml") == scheme
True
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import functools
import json
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np

from perfkpi import _checks, _hooks, _kinds
from perfkpi._io import _check_path, open_regular
from perfkpi.deductions import Data
from perfkpi.errors import (
    DataError,
    DataValidationError,
    PerfKPIError,
    SchemeError,
    SchemeValidationError,
)
from perfkpi.formulas import FormulaError, compute_actuals, parse_formula
from perfkpi.grades import STANDARD_SCALES, Band, GradeScale, grade_scale
from perfkpi.indicators import TARGET_BASES, Indicator
from perfkpi.rounding import Rounding
from perfkpi.rules import Rule, rule_from_dict, rule_to_dict
from perfkpi.scheme import Node, Override, Scheme, target_for
from perfkpi.targets import Comparator, Target
from perfkpi.units import DEFAULT_UNITS

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_PROBLEMS",
    "MAX_SCHEME_BYTES",
    "MAX_TREE_DEPTH",
    "data_from_dict",
    "data_from_text",
    "data_to_dict",
    "dump_data",
    "dump_scheme",
    "indicator_from_dict",
    "indicator_to_dict",
    "json_schema",
    "load_data",
    "load_scheme",
    "open_regular",
    "read_document",
    "read_limited",
    "scheme_from_dict",
    "scheme_from_text",
    "scheme_to_dict",
    "to_toml",
]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this are refused before they are parsed."""

# documented and named in tracebacks as perfkpi.files.X, where they began
open_regular.__module__ = __name__

MAX_SCHEME_BYTES = 256 * 1024
"""Scheme files (and scheme text) larger than this, in UTF-8 bytes, are refused.

A province-wide scheme of a few hundred nodes is tens of KiB; the limit keeps the
answer to any scheme file, good or hostile, under a second.
"""

MAX_NESTING = 32
"""The deepest nesting of arrays and tables a file may have."""

MAX_PROBLEMS = 100
"""The most problems of one file listed; the error's message counts the rest."""

MAX_TREE_DEPTH = 32
"""The most levels a scheme's tree may have (a first-level node is level 1)."""

Format = Literal["toml", "json"]

_SCHEME_KEYS = (
    "id",
    "name",
    "points",
    "rounding",
    "grades",
    "description",
    "source",
    "not_applicable",
    "overrides",
    "report_kind",
)
_NODE_KEYS = (
    "code",
    "name",
    "parent",
    "points",
    "rule",
    "target",
    "indicator",
    "formula",
    "category",
    "note",
    "direction",
)
_INDICATOR_KEYS = (
    "code",
    "name",
    "unit",
    "direction",
    "category",
    "formula",
    "explanation",
    "basis",
)
_ROUNDING_KEYS = ("places", "mode", "stage")
_GRADES_KEYS = ("name", "bands", "below")
_DATA_KEYS = (
    "$schema",
    "entity",
    "period",
    "scheme",
    "actuals",
    "inputs",
    "not_applicable",
    "findings",
    "items",
    "adjustments",
    "prior",
    "上年",
)
_HINTS = {
    "weight": "points",
    "weights": "points",
    "score": "points",
    "分值": "points",
    "权重": "points",
    "children": "parent",
    "nodes": "node",
    "title": "name",
    "grade": "grades",
    "kind": "report_kind",
}
"""Nearest keys that spelling alone would not find."""


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
    if depth[deepest] <= MAX_NESTING:
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
    limit = MAX_FILE_BYTES if limit is None else limit
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
    if depth > MAX_NESTING:
        msg = f"nested {depth} levels deep; at most {MAX_NESTING} are read"
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


# -- checking values --------------------------------------------------------------


def _number(value: object) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _got(value: object) -> str:
    return f"got {value!r}, a {type(value).__name__}"


@functools.lru_cache(maxsize=1024)
def _nearest(key: str, allowed: tuple[str, ...]) -> str | None:
    """Return the allowed key *key* likely misspells (cached: files repeat typos)."""
    hint = _HINTS.get(key)
    if hint in allowed:
        return hint
    if len(key) > 4 * max(map(len, allowed)):  # too long to be a typo
        return None
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = _nearest(key, allowed)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"unknown key {key!r}{hint} (expected one of {', '.join(allowed)})"


Problem = str | Callable[[], str]
"""A problem's text, or a function that builds it (called only if it is listed)."""


@attrs.define
class _Problems:
    """Problems found so far, each with its place in the file.

    A problem's line and text are found only when the problems are listed, and
    the text (a did-you-mean search) only for the :data:`MAX_PROBLEMS` listed.
    """

    source: str
    locator: _Locator
    errors: list[tuple[tuple[str | int, ...], str, Problem]] = attrs.field(factory=list)

    def add(self, path: tuple[str | int, ...], what: str, problem: Problem) -> None:
        self.errors.append((path, what, problem))

    def unknown_keys(
        self,
        table: Mapping[str, Any],
        allowed: Sequence[str],
        path: tuple[str | int, ...],
        what: str,
    ) -> None:
        known = tuple(allowed)
        for key in table:
            if key not in known:
                problem = functools.partial(_unknown_key, str(key), known)
                self.add((*path, key), what, problem)

    def listed(self, heading: str) -> tuple[str, list[SchemeError]]:
        """Return the heading and the first :data:`MAX_PROBLEMS` problems, by line.

        With more problems than that, the heading says how many there are.
        """
        # sorted by table first, then by line within the tables that hold the
        # first MAX_PROBLEMS: a key's line is found only for those
        tables = [self.locator.table_line(path) or 0 for path, _, _ in self.errors]
        order = sorted(range(len(tables)), key=tables.__getitem__)
        if len(order) > MAX_PROBLEMS:
            last = tables[order[MAX_PROBLEMS - 1]]
            order = [i for i in order if tables[i] <= last]
        lines = {i: self.locator.line(self.errors[i][0]) for i in order}
        order.sort(key=lambda i: lines[i] or 0)
        listed = []
        for i in order[:MAX_PROBLEMS]:
            _, what, problem = self.errors[i]
            text = problem if isinstance(problem, str) else problem()
            where = _place(self.source, lines[i], what)
            listed.append(SchemeError(where, text, **_at(self.source, lines[i])))
        if len(self.errors) > MAX_PROBLEMS:
            heading = (
                f"{heading}: {len(self.errors)} problems, the first {MAX_PROBLEMS} "
                "by line listed"
            )
        return heading, listed


def _text(
    problems: _Problems,
    table: Mapping[str, Any],
    key: str,
    path: tuple[str | int, ...],
    what: str,
    *,
    required: bool = False,
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(path, what, f"{key!r} is required (text)")
        return ""
    if not isinstance(value, str):
        problems.add((*path, key), what, f"{key!r} must be text ({_got(value)})")
        return ""
    return value


# -- indicators -------------------------------------------------------------------


def indicator_from_dict(raw: Mapping[str, Any]) -> Indicator:
    """Build an :class:`~perfkpi.indicators.Indicator` from its table form.

    Raises
    ------
    SchemeValidationError
        With every problem of the table.

    Examples
    --------
    >>> from perfkpi.files import indicator_from_dict
    >>> indicator_from_dict({"code": "r", "name": "预算执行率", "unit": "%",
    ...                      "formula": "实际支出 / 预算数"}).formula
    '实际支出 / 预算数'
    """
    problems = _Problems("", _Locator())
    indicator = _indicator(problems, raw, (), "indicator")
    if indicator is None:
        raise SchemeValidationError(*problems.listed("invalid indicator"))
    return indicator


def _indicator(
    problems: _Problems,
    raw: object,
    path: tuple[str | int, ...],
    what: str,
) -> Indicator | None:
    if not isinstance(raw, Mapping):
        problems.add(path, what, f"an indicator is a table ({_got(raw)})")
        return None
    before = len(problems.errors)
    problems.unknown_keys(raw, _INDICATOR_KEYS, path, what)
    fields: dict[str, Any] = {}
    for key in ("code", "name", "unit", "formula", "explanation", "basis"):
        fields[key] = _text(problems, raw, key, path, what, required=key == "code")
    direction = raw.get("direction", "higher")
    if direction not in ("higher", "lower", "qualitative"):
        problems.add(
            (*path, "direction"),
            what,
            "'direction' must be 'higher', 'lower' or 'qualitative' "
            f"(got {direction!r})",
        )
    category = raw.get("category", [])
    if isinstance(category, str):
        category = [category]
    if not isinstance(category, list) or not all(isinstance(c, str) for c in category):
        problems.add(
            (*path, "category"),
            what,
            f"'category' must be a list of text ({_got(category)})",
        )
        category = []
    if fields["unit"] and fields["unit"] not in DEFAULT_UNITS:
        close = DEFAULT_UNITS.suggest(fields["unit"])
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        problems.add((*path, "unit"), what, f"unknown unit {fields['unit']!r}{hint}")
    if fields["basis"] and fields["basis"] not in TARGET_BASES:
        problems.add(
            (*path, "basis"),
            what,
            f"'basis' must be one of {', '.join(TARGET_BASES)} "
            f"(got {fields['basis']!r})",
        )
    if fields["formula"]:
        _check_formula(problems, fields["formula"], (*path, "formula"), what)
    if len(problems.errors) > before:
        return None
    return Indicator(direction=direction, category=tuple(category), **fields)


def _check_formula(
    problems: _Problems, text: str, path: tuple[str | int, ...], what: str
) -> None:
    try:
        parse_formula(text)
    except FormulaError as exc:
        problems.add(path, what, f"formula: {exc}")


def indicator_to_dict(indicator: Indicator) -> dict[str, Any]:
    """Return the table form of an indicator.

    The inverse of :func:`indicator_from_dict`: fields at their defaults are
    left out.

    Raises
    ------
    TypeError
        If *indicator* is not an :class:`~perfkpi.indicators.Indicator`.
    """
    _checks.instance(indicator, Indicator, "the indicator")
    out: dict[str, Any] = {"code": indicator.code}
    defaults = Indicator(code=indicator.code, name="")
    for field in attrs.fields(Indicator):
        value = getattr(indicator, field.name)
        if field.name != "code" and value != getattr(defaults, field.name):
            out[field.name] = list(value) if isinstance(value, tuple) else value
    return out


def _catalog_indicator(name: str) -> Indicator | None:
    """Return the library indicator *name* (a code or name), or None.

    The library (:mod:`perfkpi.catalog`) builds on this loader, so the loader
    asks it through the hook ``library.indicator`` instead of importing it.
    """
    try:
        found: Indicator = _hooks.call("library.indicator", name)
    except KeyError:
        return None
    return found


def _shorthand(code: str, name: str, target: Target | None, formula: str) -> Indicator:
    """Return the indicator a node's bare ``formula = "…"`` stands for."""
    unit = target.unit.symbol if target is not None and target.unit is not None else ""
    lower = target is not None and target.comparator in (Comparator.LE, Comparator.LT)
    return Indicator(
        code=code,
        name=name,
        unit=unit,
        direction="lower" if lower else "higher",
        formula=formula,
    )


# -- schemes ----------------------------------------------------------------------


def _node(problems: _Problems, raw: object, i: int) -> tuple[Node | None, bool]:
    """Read one ``[[node]]`` table.

    Returns the node and whether it was read without a problem.  A node with
    problems comes back as a skeleton of its good parts (when it has a code),
    so that the tree can still be checked for further problems.
    """
    path: tuple[str | int, ...] = ("node", i)
    if not isinstance(raw, Mapping):
        problems.add(path, f"node[{i}]", f"expected a table ({_got(raw)})")
        return None, False
    code = raw.get("code")
    what = f"node {code}" if isinstance(code, str) else f"node[{i}]"
    before = len(problems.errors)
    problems.unknown_keys(raw, _NODE_KEYS, path, what)
    if not isinstance(code, str):
        problems.add((*path, "code"), what, f"'code' must be text ({_got(code)})")
    name = _text(problems, raw, "name", path, what)
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.add((*path, "parent"), what, f"'parent' must be text ({_got(parent)})")
        parent = None
    points = raw.get("points")
    if points is not None and not _number(points):
        msg = f"'points' must be a finite number ({_got(points)})"
        problems.add((*path, "points"), what, msg)
        points = None
    rule: Rule | None = None
    if "rule" in raw:
        try:
            rule = rule_from_dict(raw["rule"])
        except (PerfKPIError, TypeError, ValueError) as exc:
            problems.add((*path, "rule"), what, f"rule: {exc}")
    direction = _node_direction(problems, raw, path, what)
    target = _node_target(problems, raw, path, what, direction)
    category = _text(problems, raw, "category", path, what)
    note = _text(problems, raw, "note", path, what)
    indicator = _node_indicator(problems, raw, path, what, target)
    if isinstance(raw.get("formula"), str):
        if target is not None and target.scale is not None:
            msg = f"a formula gives a number, but the target {target} is a label"
            problems.add((*path, "formula"), what, msg)
        elif target is None and "target" not in raw and not hasattr(rule, "bands"):
            msg = "a formula computes an actual, but the node takes none (no target)"
            problems.add((*path, "formula"), what, msg)
    ok = len(problems.errors) == before
    if not isinstance(code, str):
        return None, ok
    node = Node(
        code,
        name,
        parent=parent,
        points=points,
        rule=rule,
        target=target,
        indicator=indicator,
        category=category,
        note=note,
        direction=direction,
    )
    return node, ok


_target_for = functools.lru_cache(maxsize=1024)(target_for)
"""Targets read once per text and direction: scheme files repeat them."""


def _node_target(
    problems: _Problems,
    raw: Mapping[str, Any],
    path: tuple[str | int, ...],
    what: str,
    direction: Literal["higher", "lower"] | None,
) -> Target | None:
    """Read a node's target; a bare number takes the node's or indicator's direction."""
    if "target" not in raw:
        return None
    text = raw["target"]
    if not isinstance(text, str):
        msg = f"'target' must be text ({_got(text)})"
        problems.add((*path, "target"), what, msg)
        return None
    try:
        return _target_for(text, direction or _ref_direction(raw))
    except PerfKPIError as exc:
        problems.add((*path, "target"), what, f"target: {exc}")
        return None


def _node_direction(
    problems: _Problems, raw: Mapping[str, Any], path: tuple[str | int, ...], what: str
) -> Literal["higher", "lower"] | None:
    """Read a node's own ``direction`` (the comparator of a bare target)."""
    direction = raw.get("direction")
    if direction is None or direction in ("higher", "lower"):
        return direction
    msg = f"'direction' must be 'higher' or 'lower' ({_got(direction)})"
    problems.add((*path, "direction"), what, msg)
    return None


def _ref_direction(raw: Mapping[str, Any]) -> Literal["higher", "lower"] | None:
    """Return the direction of the library indicator a node names, if it has one."""
    ref = raw.get("indicator")
    direction: object = None
    if isinstance(ref, str):
        found = _catalog_indicator(ref)
        direction = None if found is None else found.direction
    elif isinstance(ref, Mapping):
        direction = ref.get("direction")
    if direction == "higher":
        return "higher"
    if direction == "lower":
        return "lower"
    return None


def _indicator_ref(
    problems: _Problems, ref: object, path: tuple[str | int, ...], what: str
) -> Indicator | None:
    """Read a node's ``indicator``: a catalog code or name, or a table."""
    if not isinstance(ref, str):
        return _indicator(problems, ref, (*path, "indicator"), f"{what} indicator")
    indicator = _catalog_indicator(ref)
    if indicator is None:
        close: tuple[str, ...] = _hooks.call("library.suggest", ref)
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        problems.add(
            (*path, "indicator"),
            what,
            f"no indicator {ref!r} in the catalog{hint} "
            "(give a code or name of perfkpi.catalog.indicators(), or a table)",
        )
    return indicator


def _node_indicator(
    problems: _Problems,
    raw: Mapping[str, Any],
    path: tuple[str | int, ...],
    what: str,
    target: Target | None,
) -> Indicator | None:
    before = len(problems.errors)
    indicator = None
    if raw.get("indicator") is not None:
        indicator = _indicator_ref(problems, raw["indicator"], path, what)
    formula = raw.get("formula")
    if formula is not None:
        if isinstance(formula, str):
            _check_formula(problems, formula, (*path, "formula"), what)
        else:
            msg = f"'formula' must be text ({_got(formula)})"
            problems.add((*path, "formula"), what, msg)
    if len(problems.errors) > before or formula is None:
        return indicator
    if indicator is None:
        code, name = raw.get("code"), raw.get("name", "")
        return _shorthand(str(code), str(name), target, formula)
    return attrs.evolve(indicator, formula=formula)


def _grades(problems: _Problems, value: object) -> GradeScale | None:
    path: tuple[str | int, ...] = ("scheme", "grades")
    if isinstance(value, str):
        try:
            return grade_scale(value)
        except SchemeError as exc:
            problems.add(path, "[scheme]", exc.problem)
            return None
    if not isinstance(value, Mapping):
        problems.add(
            path,
            "[scheme]",
            f"'grades' must be a scale's name or a table ({_got(value)})",
        )
        return None
    problems.unknown_keys(value, _GRADES_KEYS, path, "[scheme] grades")
    bands = value.get("bands")
    try:
        if not isinstance(bands, list):
            msg = "'bands' must be a list of {label = …, minimum = …}"
            raise TypeError(msg)  # noqa: TRY301 (one handler for every shape)
        made = []
        for band in bands:
            if not isinstance(band, Mapping) or set(band) != {"label", "minimum"}:
                msg = f"a band is {{label = …, minimum = …}}, got {band!r}"
                raise TypeError(msg)  # noqa: TRY301
            if not isinstance(band["label"], str) or not _number(band["minimum"]):
                msg = f"a band's label is text and its minimum a number, got {band!r}"
                raise TypeError(msg)  # noqa: TRY301
            made.append(Band(band["label"], band["minimum"]))
        name, below = value.get("name", "custom"), value.get("below", "")
        if not isinstance(name, str) or not isinstance(below, str):
            msg = "'name' and 'below' must be text"
            raise TypeError(msg)  # noqa: TRY301
        return GradeScale(name, made, below)
    except (TypeError, ValueError) as exc:
        problems.add(path, "[scheme] grades", str(exc))
        return None


def _overrides(problems: _Problems, value: object) -> list[Override]:
    path: tuple[str | int, ...] = ("scheme", "overrides")
    if not isinstance(value, list):
        problems.add(
            path, "[scheme]", f"'overrides' must be a list of tables ({_got(value)})"
        )
        return []
    out = []
    for i, entry in enumerate(value):
        if (
            not isinstance(entry, Mapping)
            or set(entry) != {"node", "grade"}
            or not all(isinstance(v, str) for v in entry.values())
        ):
            problems.add(
                (*path, i),
                "[scheme] overrides",
                f"an override is {{node = '…', grade = '…'}} (got {entry!r})",
            )
            continue
        out.append(Override(entry["node"], entry["grade"]))
    return out


def _head(problems: _Problems, head: Mapping[str, Any]) -> dict[str, Any]:
    """Return the scheme options of the ``[scheme]`` table."""
    path: tuple[str | int, ...] = ("scheme",)
    what = "[scheme]"
    problems.unknown_keys(head, _SCHEME_KEYS, path, what)
    options: dict[str, Any] = {}
    for key in ("id", "name"):
        options[key] = _text(problems, head, key, path, what, required=True)
    for key in ("description", "source"):
        options[key] = _text(problems, head, key, path, what)
    if "points" in head:
        if _number(head["points"]):
            options["points"] = head["points"]
        else:
            problems.add(
                (*path, "points"),
                what,
                f"'points' must be a finite number ({_got(head['points'])})",
            )
    if "rounding" in head:
        rounding = head["rounding"]
        if not isinstance(rounding, Mapping):
            problems.add(
                (*path, "rounding"),
                what,
                f"'rounding' must be a table ({_got(rounding)})",
            )
        else:
            problems.unknown_keys(
                rounding, _ROUNDING_KEYS, (*path, "rounding"), f"{what} rounding"
            )
            try:
                places = rounding.get("places", 2)
                if isinstance(places, bool) or not isinstance(places, int):
                    msg = f"'places' must be a whole number ({_got(places)})"
                    raise TypeError(msg)  # noqa: TRY301
                known = {k: v for k, v in rounding.items() if k in _ROUNDING_KEYS}
                options["rounding"] = Rounding(**known)
            except (TypeError, ValueError) as exc:
                problems.add((*path, "rounding"), f"{what} rounding", str(exc))
    if "grades" in head:
        scale = _grades(problems, head["grades"])
        if scale is not None:
            options["grades"] = scale
    if "not_applicable" in head:
        policy = head["not_applicable"]
        if policy in ("reweight", "full"):
            options["not_applicable"] = policy
        else:
            problems.add(
                (*path, "not_applicable"),
                what,
                f"'not_applicable' must be 'reweight' or 'full' (got {policy!r})",
            )
    if "overrides" in head:
        options["overrides"] = _overrides(problems, head["overrides"])
    if "report_kind" in head:
        kind = head["report_kind"]
        if _kinds.known(kind):
            options["report_kind"] = _kinds.canonical(kind)
        else:
            problems.add(
                (*path, "report_kind"),
                what,
                f"'report_kind' must be one of {_kinds.ACCEPTED} ({_got(kind)})",
            )
    return options


def _tree_depths(nodes: Sequence[Node]) -> dict[str, int]:
    """Return each node's level, following parents (cycles and orphans stop)."""
    parents = {n.code: n.parent for n in nodes}
    depth: dict[str, int] = {}
    for node in nodes:
        chain = [node.code]
        seen = {node.code}
        parent = node.parent
        while parent is not None and parent in parents and parent not in seen:
            if parent in depth:
                break
            chain.append(parent)
            seen.add(parent)
            parent = parents[parent]
        base = depth.get(parent, 0) if parent is not None else 0
        for offset, code in enumerate(reversed(chain), start=1):
            depth.setdefault(code, base + offset)
    return depth


_PROBLEM_KEYS = (
    ("unknown parent", "parent"),
    ("children's points", "points"),
    ("points must", "points"),
    ("rule ", "rule"),
    ("an item needs a target", "code"),
)
"""Which key of a node a problem found by the tree's checks is about."""


def _key_of(problem: str) -> str:
    return next((key for start, key in _PROBLEM_KEYS if problem.startswith(start)), "")


def _scheme(doc: Mapping[str, Any], problems: _Problems) -> Scheme | None:
    problems.unknown_keys(doc, ("$schema", "scheme", "node"), (), "top level")
    head = doc.get("scheme")
    if head is None:
        msg = "a [scheme] table with 'id' and 'name' is required"
        problems.add((), "top level", msg)
        head = {}
    elif not isinstance(head, Mapping):
        problems.add(("scheme",), "[scheme]", f"expected a table ({_got(head)})")
        head = {}
    options = _head(problems, head)
    raw_nodes = doc.get("node", [])
    if not isinstance(raw_nodes, list):
        problems.add(("node",), "node", "expected a list of [[node]] tables")
        raw_nodes = []
    nodes: list[Node] = []
    index: dict[str, int] = {}
    # Problems already reported at a node (or, for its points, at its parent)
    # are not reported again by the tree's checks.
    quiet: set[str] = set()
    for i, raw in enumerate(raw_nodes):
        node, ok = _node(problems, raw, i)
        if node is None:
            continue
        nodes.append(node)
        index.setdefault(node.code, i)
        if not ok:
            quiet.add(node.code)
            quiet.add("" if node.parent is None else node.parent)
    deep = [(d, c) for c, d in _tree_depths(nodes).items() if d > MAX_TREE_DEPTH]
    if deep:
        level, code = max(deep)
        msg = f"the tree is {level} levels deep here; at most {MAX_TREE_DEPTH} are read"
        problems.add(("node", index[code]), f"node {code}", msg)
        return None
    try:
        return Scheme(options.pop("id"), options.pop("name"), nodes, **options)
    except SchemeValidationError as exc:
        for error in exc.exceptions:
            where = error.where if isinstance(error, SchemeError) else ""
            problem = error.problem if isinstance(error, SchemeError) else str(error)
            if where in quiet:
                continue
            path: tuple[str | int, ...] = ("node",)
            what = f"node {where}"
            if where in index:
                key = _key_of(problem)
                path = ("node", index[where], key) if key else ("node", index[where])
            elif where in ("", "grades", "overrides"):
                path = ("scheme", where) if where else ("scheme",)
                what = f"[scheme] {where}".strip()
            problems.add(path, what, problem)
        return None


def _build_scheme(doc: Mapping[str, Any], source: str, locator: _Locator) -> Scheme:
    problems = _Problems(source, locator)
    scheme = _scheme(doc, problems)
    if problems.errors or scheme is None:
        heading, listed = problems.listed(f"invalid scheme {source or '<dict>'}")
        raise SchemeValidationError(heading, listed)
    return scheme


def scheme_from_dict(doc: Mapping[str, Any], *, source: str = "") -> Scheme:
    """Build a scheme from the plain form of a scheme file.

    Parameters
    ----------
    doc
        ``{"scheme": {...}, "node": [{...}, ...]}``.
    source
        The name used in error messages (a file name).

    Raises
    ------
    SchemeValidationError
        With every problem found, each naming *source* and the node.
    """
    given: object = doc  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        where = source or "top level"
        problem = SchemeError(where, f"a scheme document is a table ({_got(doc)})")
        raise SchemeValidationError(f"invalid scheme {source or '<dict>'}", [problem])
    return _build_scheme(doc, source, _Locator())


def scheme_from_text(text: str, *, format: Format = "toml", source: str = "") -> Scheme:  # noqa: A002
    """Build a scheme from the text of a scheme file.

    Raises
    ------
    SchemeValidationError
        With every problem found (the first :data:`MAX_PROBLEMS` by line listed,
        the message counting them all), each naming *source*, the line and the
        node; or for text over :data:`MAX_SCHEME_BYTES` bytes.
    TypeError
        If *text* is not a string.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.
    """
    try:
        if isinstance(text, str):
            _check_scheme_size(text, source)
        doc, locator = _parse(text, format, source)
    except SchemeError as exc:
        raise SchemeValidationError(
            f"invalid scheme {source or '<text>'}", [exc]
        ) from None
    return _build_scheme(doc, source, locator)


def _check_scheme_size(text: str, source: str) -> None:
    """Refuse scheme *text* of more than :data:`MAX_SCHEME_BYTES` UTF-8 bytes."""
    limit = MAX_SCHEME_BYTES
    size = len(text)  # a character is one to four bytes
    if limit // 4 < size <= limit:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        msg = (
            f"scheme text is over {limit} bytes; a scheme file is at most that "
            "(MAX_SCHEME_BYTES)"
        )
        raise SchemeError(source or "<text>", msg)


def load_scheme(path: str | Path) -> Scheme:
    """Load a scheme from a TOML, JSON or Excel (``.xlsx``) file.

    An Excel file is read as a 绩效自评表 by :func:`perfkpi.excel.read_excel`
    (which needs the ``excel`` extra).

    Raises
    ------
    SchemeValidationError
        With every problem in the file (the first :data:`MAX_PROBLEMS` by line
        listed, the message counting them all), each naming the file, the line
        (where the format gives one) and the node; or for a file over
        :data:`MAX_SCHEME_BYTES` bytes.

    Examples
    --------
    >>> from perfkpi import catalog, load_scheme
    >>> load_scheme(catalog.scheme_path("gz-dept-overall")).points
    100.0
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        scheme: Scheme = _hooks.call("excel.read", path).scheme
        return scheme
    try:
        text = _read_text(path, MAX_SCHEME_BYTES)
        doc, locator = _parse(text, _format_of(path), str(path))
    except SchemeError as exc:
        raise SchemeValidationError(f"invalid scheme {path}", [exc]) from None
    return _build_scheme(doc, str(path), locator)


# -- data ---------------------------------------------------------------------------


def _data_problem(
    problems: _Problems, path: tuple[str | int, ...], exc: Exception
) -> None:
    what = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    problem = exc.problem if isinstance(exc, DataError | SchemeError) else str(exc)
    problems.add(path, what.lstrip(".") or "data", problem)


def _check_data_entries(doc: Mapping[str, Any], problems: _Problems) -> None:
    """Try each entry of a data document alone, to report every bad one."""
    problems.unknown_keys(doc, _DATA_KEYS, (), "top level")
    for key in ("entity", "period", "scheme"):
        if key in doc and not isinstance(doc[key], str | int):
            problems.add((key,), key, f"{key!r} must be text ({_got(doc[key])})")
    for key in ("actuals", "inputs", "prior", "上年"):
        if key in doc and not isinstance(doc[key], Mapping):
            problems.add((key,), key, f"expected a table ({_got(doc[key])})")
    if "prior" in doc and "上年" in doc:
        problems.add(("上年",), "上年", "give the prior-year table once, as 'prior'")
    for key in ("prior", "上年"):
        prior = doc.get(key, {})
        for code, value in prior.items() if isinstance(prior, Mapping) else ():
            if not (_number(value) or isinstance(value, str)):
                problems.add(
                    (key, code),
                    f"{key}.{code}",
                    "a prior-year value is a number or text with its unit "
                    f"({_got(value)})",
                )
    for section in ("findings", "items", "adjustments"):
        entries = doc.get(section, [])
        if not isinstance(entries, list):
            problems.add(
                (section,), section, f"expected a list of tables ({_got(entries)})"
            )
            continue
        for i, entry in enumerate(entries):
            try:
                Data.from_dict({section: [entry]})
            except (PerfKPIError, TypeError, ValueError) as exc:
                _data_problem(problems, (section, i), exc)
    if "not_applicable" in doc:
        try:
            Data.from_dict({"not_applicable": doc["not_applicable"]})
        except (PerfKPIError, TypeError, ValueError) as exc:
            _data_problem(problems, ("not_applicable",), exc)
    inputs = doc.get("inputs", {})
    if isinstance(inputs, Mapping):
        for name, value in inputs.items():
            values = value.items() if isinstance(value, Mapping) else [(None, value)]
            for inner, item in values:
                path: tuple[str | int, ...] = (
                    ("inputs", name) if inner is None else ("inputs", name, inner)
                )
                if not _input_value(item):
                    problems.add(
                        path,
                        ".".join(str(p) for p in path),
                        "an input is a number, a percentage text or a list of "
                        f"numbers ({_got(item)})",
                    )


def _input_value(value: object) -> bool:
    if isinstance(value, list):
        return all(_number(v) for v in value)
    return _number(value) or isinstance(value, str)


def _check_against(scheme: Scheme, doc: Mapping[str, Any], problems: _Problems) -> None:
    """Report codes in the data that the scheme does not have."""
    for code in (
        doc.get("actuals", {}) if isinstance(doc.get("actuals"), Mapping) else ()
    ):
        if code not in scheme:
            problems.add(
                ("actuals", code),
                f"actuals.{code}",
                f"actual given for unknown node {code!r}",
            )
    for section, key in (
        ("findings", "node"),
        ("adjustments", "node"),
        ("items", "parent"),
    ):
        entries = doc.get(section, [])
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            code = entry.get(key) if isinstance(entry, Mapping) else None
            if isinstance(code, str) and code not in scheme:
                problems.add(
                    (section, i, key), f"{section}[{i}]", f"unknown node {code!r}"
                )
    for key in ("prior", "上年"):
        prior = doc.get(key, {})
        for code in prior if isinstance(prior, Mapping) else ():
            if code not in scheme:
                problems.add(
                    (key, code),
                    f"{key}.{code}",
                    f"prior-year value for unknown node {code!r}",
                )
    codes = doc.get("not_applicable", [])
    for code in codes if isinstance(codes, list) else []:
        if isinstance(code, str) and code not in scheme:
            problems.add(
                ("not_applicable",), "not_applicable", f"unknown node {code!r}"
            )


def data_from_dict(
    doc: Mapping[str, Any], *, scheme: Scheme | None = None, source: str = ""
) -> Data:
    """Build entity data from the plain form of a data file.

    Parameters
    ----------
    doc
        The file form (see :doc:`/file-format`).
    scheme
        The scheme the data is for.  With it, codes are checked against the
        scheme and the actuals of formula nodes are computed from the raw
        ``inputs`` (:func:`perfkpi.formulas.compute_actuals`).
    source
        The name used in error messages.

    Raises
    ------
    DataValidationError
        With every problem found, each naming *source* and the entry.
    """
    given: object = doc  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        where = source or "top level"
        problem = DataError(where, f"a data document is a table ({_got(doc)})")
        raise DataValidationError(f"invalid data {source or '<dict>'}", [problem])
    return _build_data(doc, scheme, source, _Locator())


_SECTIONS = (
    "actuals",
    "inputs",
    "not_applicable",
    "findings",
    "items",
    "adjustments",
    "prior",
    "上年",
)


def _build_data(
    doc: Mapping[str, Any], scheme: Scheme | None, source: str, locator: _Locator
) -> Data:
    problems = _Problems(source, locator)
    if not set(doc) & set(_SECTIONS):  # a plain table of code = actual
        meta = ("entity", "period", "scheme", "$schema")
        actuals = {k: v for k, v in doc.items() if k not in meta}
        doc = {**{k: doc[k] for k in meta if k in doc}, "actuals": actuals}
    _check_data_entries(doc, problems)
    if scheme is not None:
        _check_against(scheme, doc, problems)
    data: Data | None = None
    if not problems.errors:
        plain = {k: v for k, v in doc.items() if k not in ("scheme", "$schema")}
        try:
            data = Data.from_dict(plain)
        except (PerfKPIError, TypeError, ValueError) as exc:  # pragma: no cover
            _data_problem(problems, (), exc)  # each entry was checked alone above
    if data is not None and scheme is not None:
        try:
            data = compute_actuals(scheme, data)
        except DataError as exc:
            # "inputs.1.2" (the node's own inputs) or "1.2" (shared inputs)
            code = exc.where.removeprefix("inputs.")
            path: tuple[str | int, ...] = (
                ("inputs", code) if code != exc.where else ("inputs",)
            )
            problems.add(path, f"node {code}", exc.problem)
    if problems.errors or data is None:
        heading, listed = problems.listed(f"invalid data {source or '<dict>'}")
        raise DataValidationError(heading, [_as_data(e) for e in listed])
    return data


def data_from_text(
    text: str,
    *,
    format: Format = "toml",  # noqa: A002
    scheme: Scheme | None = None,
    source: str = "",
) -> Data:
    """Build entity data from the text of a data file.

    Parameters
    ----------
    text
        The text of a TOML or JSON data file.
    format
        ``"toml"`` (the default) or ``"json"``.
    scheme
        The scheme the data is for (see :func:`load_data`).
    source
        The name used in error messages.

    Raises
    ------
    DataValidationError
        A :class:`~perfkpi.errors.DataError` group with every problem in the
        text, each naming *source*, the line and the entry.
    TypeError
        If *text* is not a string, or *scheme* neither a
        :class:`~perfkpi.scheme.Scheme` nor ``None``.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.

    Examples
    --------
    >>> from perfkpi.files import data_from_text
    >>> data_from_text('{"actuals": {"1.2": "99.8%"}}', format="json").actuals
    {'1.2': '99.8%'}
    """
    if scheme is not None:
        _checks.instance(scheme, Scheme, "the scheme")
    try:
        doc, locator = _parse(text, format, source)
    except SchemeError as exc:
        raise DataValidationError(
            f"invalid data {source or '<text>'}", [_as_data(exc)]
        ) from None
    return _build_data(doc, scheme, source, locator)


def load_data(path: str | Path, *, scheme: Scheme | None = None) -> Data:
    """Load one entity's data from a TOML, JSON or Excel (``.xlsx``) file.

    Parameters
    ----------
    path
        The data file.
    scheme
        The scheme the data is for.  With it, every code in the file is
        checked against the scheme, and formula nodes get their actuals
        computed from the raw ``inputs``.  Without it, a file that names a
        bundled scheme (``scheme = "cn-project-2020"``) is checked against
        that one when it has inputs.

    Raises
    ------
    DataValidationError
        A :class:`~perfkpi.errors.DataError` group with every problem in the
        file, each naming the file, the line and the entry.

    Examples
    --------
    >>> from perfkpi import catalog, load_data
    >>> data = load_data(catalog.data_path("gz-internet-court-2022"))
    >>> data.entity, data.actuals["1.2"]
    ('广州互联网法院', '99.8%')
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        data: Data = _hooks.call("excel.read", path).data
        return data
    try:
        doc, locator = _parse(_read_text(path), _format_of(path), str(path))
    except SchemeError as exc:
        raise DataValidationError(f"invalid data {path}", [_as_data(exc)]) from None
    if (
        scheme is None
        and doc.get("inputs")
        and isinstance(doc.get("scheme"), str)
        and doc["scheme"] in _hooks.call("library.schemes")
    ):
        scheme = _hooks.call("library.scheme", doc["scheme"])
    return _build_data(doc, scheme, str(path), locator)


# -- writing ----------------------------------------------------------------------


def _grades_to_dict(scale: GradeScale) -> str | dict[str, Any]:
    if STANDARD_SCALES.get(scale.name) == scale:
        return scale.name
    return {
        "name": scale.name,
        "bands": [{"label": b.label, "minimum": b.minimum} for b in scale.bands],
        "below": scale.below,
    }


def _node_indicator_to_dict(node: Node) -> dict[str, Any]:
    indicator = node.indicator
    if indicator is None:
        return {}
    known = _catalog_indicator(indicator.code)
    if known == indicator:
        return {"indicator": indicator.name}
    if (
        known is not None
        and attrs.evolve(known, formula=indicator.formula) == indicator
    ):
        return {"indicator": indicator.name, "formula": indicator.formula}
    if indicator.formula and indicator == _shorthand(
        node.code, node.name, node.target, indicator.formula
    ):
        return {"formula": indicator.formula}
    return {"indicator": indicator_to_dict(indicator)}


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    """Return the plain file form of *scheme* (the inverse of :func:`scheme_from_dict`).

    Examples
    --------
    >>> from perfkpi import catalog
    >>> from perfkpi.files import scheme_to_dict
    >>> doc = scheme_to_dict(catalog.scheme("gz-dept-overall"))
    >>> doc["node"][2]["target"], doc["node"][2]["rule"]
    ('≥100%', 'proportional')

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    head: dict[str, Any] = {
        "id": scheme.id,
        "name": scheme.name,
        "points": scheme.points,
        "grades": _grades_to_dict(scheme.grades),
        "rounding": {
            "places": scheme.rounding.places,
            "mode": str(scheme.rounding.mode),
            "stage": str(scheme.rounding.stage),
        },
    }
    if scheme.description:
        head["description"] = scheme.description
    if scheme.source:
        head["source"] = scheme.source
    if scheme.not_applicable != "reweight":
        head["not_applicable"] = scheme.not_applicable
    if scheme.report_kind != "self":
        head["report_kind"] = scheme.report_kind
    if scheme.overrides:
        head["overrides"] = [
            {"node": o.node, "grade": o.grade} for o in scheme.overrides
        ]
    nodes = []
    for node in scheme.nodes:
        entry: dict[str, Any] = {"code": node.code}
        if node.parent is not None:
            entry["parent"] = node.parent
        entry["name"] = node.name
        if node.points is not None:
            entry["points"] = node.points
        if node.target is not None:
            entry["target"] = str(node.target)
        if node.rule is not None:
            entry["rule"] = rule_to_dict(node.rule)
        entry.update(_node_indicator_to_dict(node))
        if node.category:
            entry["category"] = node.category
        if node.note:
            entry["note"] = node.note
        if node.direction is not None:
            entry["direction"] = node.direction
        nodes.append(entry)
    return {"scheme": head, "node": nodes}


def _write(text: str, path: str | Path | None) -> str:
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _format_for(path: str | Path | None, format: Format | None) -> Format:  # noqa: A002
    """Return the format to write: *format*, else *path*'s suffix's, else TOML.

    Raises
    ------
    TypeError
        If *path* is neither ``None`` nor a path.
    ValueError
        If *format* is neither ``None``, ``"toml"`` nor ``"json"``.
    """
    given: object = path  # callers without mypy may pass anything
    if given is not None and not isinstance(given, str | os.PathLike):
        msg = f"path must be a str or os.PathLike (got {given!r:.60})"
        raise TypeError(msg)
    if format is not None:
        if format not in ("toml", "json"):
            msg = f"format must be 'toml' or 'json' (got {format!r:.60})"
            raise ValueError(msg)
        return format
    if path is not None and Path(path).suffix.lower() == ".json":
        return "json"
    return "toml"


def dump_scheme(
    scheme: Scheme,
    path: str | Path | None = None,
    *,
    format: Format | None = None,  # noqa: A002
) -> str:
    """Write *scheme* as TOML or JSON text, and to *path* if given.

    Parameters
    ----------
    scheme
        The scheme.
    path
        Where to write (UTF-8); its suffix chooses the format unless *format*
        does.
    format
        ``"toml"`` (the default) or ``"json"``.

    Returns
    -------
    str
        The text written.  :func:`load_scheme` on it gives a scheme equal to
        *scheme*.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, or *path*
        neither ``None`` nor a path.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.
    OSError
        If *path* cannot be written (a folder, a missing folder, no permission,
        a full disk); nothing is checked before writing.
    """
    fmt = _format_for(path, format)
    doc = scheme_to_dict(scheme)
    if fmt == "json":
        return _write(
            json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n", path
        )
    return _write(to_toml(doc), path)


def _plain_value(value: object, where: str) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | str | dt.date | dt.time) or value is None:
        return value  # a date is a TOML date, and ISO 8601 text in JSON
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise DataError(where, f"cannot write {value}: more than 64 bits")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DataError(where, f"cannot write {value!r}: not a finite number")
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain_value(v, where) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain_value(v, where) for v in value]
    raise DataError(where, f"cannot write a {type(value).__name__} ({value!r})")


def _iso(value: object) -> str:
    """Write a date or time in JSON, which has none, as ISO 8601 text."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    msg = f"cannot write a {type(value).__name__} in JSON"
    raise TypeError(msg)


def data_to_dict(data: Data) -> dict[str, Any]:
    """Return the plain file form of *data*, leaving out what is empty.

    Raises
    ------
    TypeError
        If *data* is not a :class:`~perfkpi.deductions.Data`.
    DataError
        If an actual or input is not plain data (a number, text, a list or a
        table), or is a number a file cannot hold (not finite, an integer of
        more than 64 bits).
    """
    _checks.instance(data, Data, "the data")
    full = data.to_dict()
    out: dict[str, Any] = {}
    for key in _DATA_KEYS:
        value = full.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = [
                {k: v for k, v in e.items() if v not in (None, "")}
                if isinstance(e, Mapping)
                else e
                for e in value
            ]
        out[key] = _plain_value(value, key)
    return out


def dump_data(
    data: Data,
    path: str | Path | None = None,
    *,
    format: Format | None = None,  # noqa: A002
) -> str:
    """Write entity data as TOML or JSON text, and to *path* if given.

    Raises
    ------
    DataError
        If an actual or input is not plain data (a number, text, a list or a
        table), or is a number a file cannot hold (not finite, an integer of
        more than 64 bits).
    TypeError
        If *data* is not a :class:`~perfkpi.deductions.Data`, or *path* neither
        ``None`` nor a path.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.
    OSError
        If *path* cannot be written (a folder, a missing folder, no permission,
        a full disk).
    """
    fmt = _format_for(path, format)
    doc = data_to_dict(data)
    if fmt == "json":
        text = json.dumps(
            doc, ensure_ascii=False, indent=2, allow_nan=False, default=_iso
        )
        return _write(text + "\n", path)
    return _write(to_toml(doc), path)


# -- a small TOML writer ---------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_INLINE_WIDTH = 72


def _toml_string(text: str) -> str:
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:  # noqa: PLR2004 (control characters)
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    given: object = key  # a table from anywhere may have keys of any kind
    if not isinstance(given, str):
        msg = f"cannot write the key {given!r:.60} in TOML: keys are text"
        raise TypeError(msg)
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def _toml_scalar(value: object) -> str | None:
    """Return a boolean, number, text, date or time as TOML; ``None`` otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            msg = f"cannot write {value} in TOML: integers have 64 bits"
            raise ValueError(msg)
        if isinstance(value, float) and not math.isfinite(value):
            msg = f"cannot write {value!r} in TOML"
            raise ValueError(msg)
        return _toml_number(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()  # a TOML date, date-time or time
    return None


def _toml_inline(value: object) -> str:
    scalar = _toml_scalar(value)
    if scalar is not None:
        return scalar
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        parts = [f"{_toml_key(k)} = {_toml_inline(v)}" for k, v in value.items()]
        return "{ " + ", ".join(parts) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_inline(v) for v in value) + "]"
    msg = f"cannot write a {type(value).__name__} in TOML"
    raise TypeError(msg)


def _is_table_list(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _toml_table(table: Mapping[str, Any], path: str, lines: list[str]) -> None:
    """Write the keys of *table*, then its long sub-tables as ``[path.key]``."""
    later: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in table.items():
        if value is None:
            continue
        inline = _toml_inline(value)
        if isinstance(value, Mapping) and value and len(inline) > _INLINE_WIDTH:
            later.append((key, value))
            continue
        lines.append(f"{_toml_key(key)} = {inline}")
    for key, value in later:
        sub = f"{path}.{_toml_key(key)}"
        lines.extend(["", f"[{sub}]"])
        _toml_table(value, sub, lines)


def to_toml(doc: Mapping[str, Any]) -> str:
    """Return *doc* (plain data) as TOML text.

    Top-level values come first, then tables as ``[table]`` and lists of
    tables as ``[[table]]``; a table value longer than a line is written as a
    sub-table.  ``None`` values are left out.

    Examples
    --------
    >>> from perfkpi.files import to_toml
    >>> print(to_toml({"entity": "某中心", "actuals": {"1.2": "99.8%"},
    ...                "findings": [{"node": "2", "points": 1, "reason": "逾期"}]}))
    entity = "某中心"
    <BLANKLINE>
    [actuals]
    "1.2" = "99.8%"
    <BLANKLINE>
    [[findings]]
    node = "2"
    points = 1
    reason = "逾期"
    <BLANKLINE>

    Raises
    ------
    TypeError
        If *doc* is not a mapping, or holds a value TOML has no form for or a
        key that is not text.
    ValueError
        If a number is not finite, or an integer needs more than 64 bits.
    """
    given: object = doc  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"doc must be a mapping, not {type(given).__name__}"
        raise TypeError(msg)
    lines: list[str] = []
    tables: list[tuple[str, Any]] = []
    for key, value in doc.items():
        if value is None:
            continue
        if isinstance(value, Mapping) or _is_table_list(value):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_inline(value)}")
    for key, value in tables:
        name = _toml_key(key)
        if isinstance(value, Mapping):
            lines.extend(["", f"[{name}]"] if lines else [f"[{name}]"])
            _toml_table(value, name, lines)
            continue
        for entry in value:
            lines.extend(["", f"[[{name}]]"] if lines else [f"[[{name}]]"])
            _toml_table(entry, name, lines)
    return "\n".join(lines) + "\n"


# -- the JSON Schema ----------------------------------------------------------------


def json_schema(kind: Literal["scheme", "data"] = "scheme") -> dict[str, Any]:
    """Return the JSON Schema of scheme files (or of data files), as shipped.

    The schemas are files in the package, ``perfkpi/schema/scheme.schema.json``
    and ``perfkpi/schema/data.schema.json``; editors and CI can validate files
    with them.  They describe the shape of a file; the loader checks more
    (targets, rule parameters, the tree).

    Raises
    ------
    ValueError
        For a *kind* other than ``"scheme"`` or ``"data"`` (never read as a
        path).

    Examples
    --------
    >>> from perfkpi.files import json_schema
    >>> json_schema()["title"]
    'perfkpi scheme file'
    """
    from importlib import resources  # noqa: PLC0415

    if kind not in ("scheme", "data"):  # never a path joined as given
        msg = f"kind must be 'scheme' or 'data' (got {kind!r})"
        raise ValueError(msg)
    text = (
        resources.files("perfkpi")
        .joinpath(f"schema/{kind}.schema.json")
        .read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema
