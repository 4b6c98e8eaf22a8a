"""Read schemes and entity data from TOML and JSON files.

Nothing in a file is executed.  A scheme file is a ``[scheme]`` table and a flat
list of ``[[node]]`` tables with parent codes; every problem in it is reported
at once, each with the file and the node code.  See :doc:`/file-format`.
"""

from __future__ import annotations

import difflib
import json
import math
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from perfkpi.deductions import Data
from perfkpi.errors import (
    DataError,
    PerfKPIError,
    SchemeError,
    SchemeValidationError,
)
from perfkpi.grades import grade_scale
from perfkpi.rounding import Rounding
from perfkpi.rules import Rule, rule_from_dict
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Target, parse_target

__all__ = ["load_data", "load_scheme", "read_document", "scheme_from_dict"]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this are refused before they are parsed."""

_SCHEME_KEYS = (
    "id",
    "name",
    "points",
    "rounding",
    "grades",
    "description",
    "source",
)
_NODE_KEYS = ("code", "name", "parent", "points", "rule", "target", "category", "note")


def read_document(path: str | Path) -> dict[str, Any]:
    """Read a TOML or JSON file (by its suffix) into plain data.

    Raises
    ------
    SchemeError
        If the file cannot be read, is too large, is not UTF-8, or does not
        parse; the message names the file and, where the format gives it, the
        line.
    """
    path = Path(path)
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"file is {size} bytes; at most {MAX_FILE_BYTES} are read"
            raise SchemeError(where, msg)
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError(where, f"cannot read file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (byte {exc.start})"
        raise SchemeError(where, msg) from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SchemeError(where, f"malformed TOML: {exc}") from None
    if suffix == ".json":
        try:
            doc = json.loads(text, parse_constant=_reject_constant)
        except json.JSONDecodeError as exc:
            msg = f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            raise SchemeError(where, msg) from None
        except (ValueError, RecursionError) as exc:
            raise SchemeError(where, f"malformed JSON: {exc}") from None
        if not isinstance(doc, dict):
            raise SchemeError(where, "expected a JSON object at the top level")
        return doc
    msg = f"unknown file type {suffix!r}; expected .toml or .json"
    raise SchemeError(where, msg)


def _reject_constant(name: str) -> float:
    msg = f"{name} is not a number perfkpi accepts"
    raise ValueError(msg)


def _unknown_keys(
    table: Mapping[str, Any], allowed: tuple[str, ...], where: str
) -> Iterator[SchemeError]:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield SchemeError(where, f"unknown key {key!r}{hint}")


def _number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _node(raw: object, i: int, prefix: str) -> tuple[Node | None, list[SchemeError]]:
    if not isinstance(raw, Mapping):
        return None, [SchemeError(f"{prefix}node[{i}]", "expected a table")]
    code = raw.get("code")
    where = f"{prefix}node {code}" if isinstance(code, str) else f"{prefix}node[{i}]"
    errors = list(_unknown_keys(raw, _NODE_KEYS, where))
    if not isinstance(code, str):
        errors.append(SchemeError(where, f"'code' must be a string (got {code!r})"))
    name = raw.get("name", "")
    if not isinstance(name, str):
        errors.append(SchemeError(where, f"'name' must be a string (got {name!r})"))
    parent = raw.get("parent")
    if parent is not None and not isinstance(parent, str):
        errors.append(SchemeError(where, f"'parent' must be a string (got {parent!r})"))
    points = raw.get("points")
    if points is not None and not _number(points):
        errors.append(SchemeError(where, f"'points' must be a number (got {points!r})"))
    rule: Rule | None = None
    if "rule" in raw:
        try:
            rule = rule_from_dict(raw["rule"])
        except (PerfKPIError, TypeError) as exc:
            errors.append(SchemeError(where, f"rule: {exc}"))
    target: Target | None = None
    if "target" in raw:
        text = raw["target"]
        if not isinstance(text, str):
            errors.append(SchemeError(where, f"'target' must be text (got {text!r})"))
        else:
            try:
                target = parse_target(text)
            except PerfKPIError as exc:
                errors.append(SchemeError(where, f"target: {exc}"))
    errors.extend(
        SchemeError(where, f"{key!r} must be text")
        for key in ("category", "note")
        if not isinstance(raw.get(key, ""), str)
    )
    if errors:
        return None, errors
    node = Node(
        str(code),
        str(name),
        parent=parent,
        points=points,
        rule=rule,
        target=target,
        category=str(raw.get("category", "")),
        note=str(raw.get("note", "")),
    )
    return node, []


def scheme_from_dict(doc: Mapping[str, Any], *, source: str = "") -> Scheme:
    """Build a scheme from the plain form of a scheme file.

    Raises
    ------
    SchemeValidationError
        With every problem found, each naming *source* and the node.
    """
    prefix = f"{source}: " if source else ""
    errors: list[SchemeError] = list(
        _unknown_keys(doc, ("scheme", "node"), f"{prefix}top level")
    )
    head = doc.get("scheme", {})
    if not isinstance(head, Mapping):
        errors.append(SchemeError(f"{prefix}[scheme]", "expected a table"))
        head = {}
    errors += _unknown_keys(head, _SCHEME_KEYS, f"{prefix}[scheme]")
    options: dict[str, Any] = {}
    for key in ("id", "name"):
        if not isinstance(head.get(key), str):
            errors.append(SchemeError(f"{prefix}[scheme]", f"{key!r} must be text"))
    if "points" in head:
        if _number(head["points"]):
            options["points"] = head["points"]
        else:
            errors.append(SchemeError(f"{prefix}[scheme]", "'points' must be a number"))
    if "rounding" in head:
        try:
            options["rounding"] = Rounding(**head["rounding"])
        except (TypeError, ValueError) as exc:
            errors.append(SchemeError(f"{prefix}[scheme] rounding", str(exc)))
    if "grades" in head:
        try:
            options["grades"] = grade_scale(str(head["grades"]))
        except SchemeError as exc:
            errors.append(SchemeError(f"{prefix}[scheme]", exc.problem))
    for key in ("description", "source"):
        if key in head:
            options[key] = str(head[key])
    raw_nodes = doc.get("node", [])
    if not isinstance(raw_nodes, list):
        errors.append(
            SchemeError(f"{prefix}node", "expected a list of [[node]] tables")
        )
        raw_nodes = []
    nodes: list[Node] = []
    for i, raw in enumerate(raw_nodes):
        node, problems = _node(raw, i, prefix)
        errors += problems
        if node is not None:
            nodes.append(node)
    scheme: Scheme | None = None
    try:
        scheme = Scheme(
            str(head.get("id", "")), str(head.get("name", "")), nodes, **options
        )
    except SchemeValidationError as exc:
        for e in exc.exceptions:
            if isinstance(e, SchemeError):
                place = f"{prefix}node {e.where}" if e.where else prefix.rstrip(": ")
                errors.append(SchemeError(place, e.problem))
    if errors or scheme is None:
        raise SchemeValidationError(f"invalid scheme {source or '<dict>'}", errors)
    return scheme


def load_scheme(path: str | Path) -> Scheme:
    """Load a scheme from a TOML or JSON file.

    Raises
    ------
    SchemeValidationError
        With every problem in the file, each naming the file and node.

    Examples
    --------
    >>> from perfkpi import catalog, load_scheme
    >>> load_scheme(catalog.scheme_path("gz-dept-overall")).points
    100.0
    """
    try:
        doc = read_document(path)
    except SchemeError as exc:
        raise SchemeValidationError(f"invalid scheme {path}", [exc]) from None
    return scheme_from_dict(doc, source=str(path))


def load_data(path: str | Path) -> Data:
    """Load one entity's data (actuals, items, findings) from a TOML or JSON file.

    Raises
    ------
    DataError
        Naming the file and the entry that is malformed.
    """
    try:
        doc = read_document(path)
    except SchemeError as exc:
        raise DataError(exc.where, exc.problem) from None
    try:
        return Data.from_dict(doc)
    except DataError as exc:
        raise DataError(f"{path}: {exc.where}", exc.problem) from None
    except PerfKPIError as exc:
        raise DataError(str(path), str(exc)) from None
