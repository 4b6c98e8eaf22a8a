"""A small TOML writer."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

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
