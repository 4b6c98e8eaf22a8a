"""Schemes from tables, text and files."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from perfkpi import _hooks, _kinds
from perfkpi import files as _files
from perfkpi.errors import (
    PerfKPIError,
    SchemeError,
    SchemeValidationError,
)
from perfkpi.files._indicators import (
    _catalog_indicator,
    _check_formula,
    _indicator,
    _shorthand,
)
from perfkpi.files._locate import _Locator
from perfkpi.files._problems import (
    _GRADES_KEYS,
    _NODE_KEYS,
    _ROUNDING_KEYS,
    _SCHEME_KEYS,
    _got,
    _number,
    _Problems,
    _text,
)
from perfkpi.files._read import Format, _format_of, _parse, _read_text
from perfkpi.grades import Band, GradeScale, grade_scale
from perfkpi.indicators import Indicator
from perfkpi.rounding import Rounding
from perfkpi.rules import Rule, rule_from_dict
from perfkpi.scheme import Node, Override, Scheme, target_for
from perfkpi.targets import Target

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
        return _target_for(text, direction or _ref_direction(raw), unit=_ref_unit(raw))
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


def _ref_field(raw: Mapping[str, Any], field: str) -> object:
    """Return a field (``unit``, ``direction``) of the indicator a node names.

    The node's own indicator table, or the library's by name; ``None`` when
    there is none.
    """
    ref = raw.get("indicator")
    if isinstance(ref, str):
        found = _catalog_indicator(ref)
        return None if found is None else getattr(found, field)
    if isinstance(ref, Mapping):
        return ref.get(field)
    return None


def _ref_unit(raw: Mapping[str, Any]) -> str | None:
    """Return the unit of the indicator a node names (its own or the library's)."""
    unit = _ref_field(raw, "unit")
    return unit if isinstance(unit, str) and unit else None


def _ref_direction(raw: Mapping[str, Any]) -> Literal["higher", "lower"] | None:
    """Return the direction of the indicator a node names, if it has one."""
    direction = _ref_field(raw, "direction")
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
    deep = [(d, c) for c, d in _tree_depths(nodes).items() if d > _files.MAX_TREE_DEPTH]
    if deep:
        level, code = max(deep)
        msg = (
            f"the tree is {level} levels deep here; "
            f"at most {_files.MAX_TREE_DEPTH} are read"
        )
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
    limit = _files.MAX_SCHEME_BYTES
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
        text = _read_text(path, _files.MAX_SCHEME_BYTES)
        doc, locator = _parse(text, _format_of(path), str(path))
    except SchemeError as exc:
        raise SchemeValidationError(f"invalid scheme {path}", [exc]) from None
    return _build_scheme(doc, str(path), locator)
