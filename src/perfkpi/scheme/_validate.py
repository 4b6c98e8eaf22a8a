"""The scheme's validation: every problem of the tree, found at once."""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from perfkpi import _kinds
from perfkpi.errors import (
    SchemeError,
    SchemeWarning,
)
from perfkpi.grades import PEFA, GradeScale
from perfkpi.indicators import Indicator
from perfkpi.rounding import Rounding, RoundingStage
from perfkpi.rules import (
    Deduct,
    GradeTable,
    Mean,
    RuleBase,
    Sum,
    WeakestLink,
)
from perfkpi.scheme._node import _DEFAULT_GRADES, _TOLERANCE, Node, Override
from perfkpi.targets import format_number

if TYPE_CHECKING:
    from perfkpi.scheme._scheme import Scheme


def _wrong_settings(scheme: Scheme) -> Iterator[SchemeError]:
    """Yield a problem for each of the scheme's own fields of the wrong type."""
    for field in ("id", "name", "description", "source"):
        value = getattr(scheme, field)
        if not isinstance(value, str):
            yield SchemeError(field, f"a scheme's {field} must be text (got {value!r})")
    for field, cls in (("rounding", Rounding), ("grades", GradeScale)):
        value = getattr(scheme, field)
        if not isinstance(value, cls):
            msg = f"a scheme's {field} must be a {cls.__name__} (got {value!r:.60})"
            yield SchemeError(field, msg)
    if scheme.not_applicable not in ("reweight", "full"):
        msg = (
            "a scheme's not_applicable must be 'reweight' or 'full' "
            f"(got {scheme.not_applicable!r:.60})"
        )
        yield SchemeError("not_applicable", msg)
    if not _kinds.known(scheme.report_kind):
        msg = (
            f"a scheme's report_kind must be one of {_kinds.ACCEPTED} "
            f"(got {scheme.report_kind!r:.60})"
        )
        yield SchemeError("report_kind", msg)
    overrides: tuple[object, ...] = scheme.overrides
    for i, override in enumerate(overrides):
        if not isinstance(override, Override):
            msg = f"expected an Override, got {override!r:.60}"
            yield SchemeError(f"overrides[{i}]", msg)


def _wrong_types(nodes: Iterable[object]) -> Iterator[SchemeError]:
    """Yield a problem for each node whose code, parent or name is not text."""
    for i, node in enumerate(nodes):
        if not isinstance(node, Node):
            yield SchemeError(f"nodes[{i}]", f"expected a Node, got {node!r}")
            continue
        code: object = node.code
        parent: object = node.parent
        where = code if isinstance(code, str) else f"nodes[{i}]"
        if not isinstance(code, str):
            yield SchemeError(where, f"a node's code must be text (got {code!r})")
        if parent is not None and not isinstance(parent, str):
            msg = f"a node's parent must be a code as text (got {parent!r})"
            yield SchemeError(where, msg)
        for field in ("name", "category", "note"):
            value = getattr(node, field)
            if not isinstance(value, str):
                msg = f"a node's {field} must be text (got {value!r})"
                yield SchemeError(where, msg)
        rule: object = node.rule
        if rule is not None and not isinstance(rule, RuleBase):
            msg = f"a node's rule must be a rule such as Proportional() (got {rule!r})"
            yield SchemeError(where, msg)
        indicator: object = node.indicator
        if indicator is not None and not isinstance(indicator, Indicator):
            msg = f"a node's indicator must be an Indicator (got {indicator!r})"
            yield SchemeError(where, msg)


def _validate(scheme: Scheme) -> Iterator[SchemeError]:
    yield from _check_codes(scheme.nodes)
    seen: set[str] = set()
    for node in scheme.nodes:
        where = node.code or "<empty code>"
        if not node.code.strip():
            yield SchemeError(where, f"node {node.name!r} has an empty code")
        if node.code in seen:
            yield SchemeError(where, f"duplicate code {node.code!r}")
        seen.add(node.code)
        if node.parent is not None and node.parent not in scheme:
            yield SchemeError(where, f"unknown parent {node.parent!r}")
        if node.points is not None and (
            not math.isfinite(node.points) or node.points < 0
        ):
            msg = f"points must be a finite number >= 0 (got {node.points!r})"
            yield SchemeError(where, msg)
    if not scheme.nodes:
        yield SchemeError("", "a scheme needs at least one node")
    if not math.isfinite(scheme.points) or scheme.points <= 0:
        yield SchemeError("", f"total points must be > 0 (got {scheme.points!r})")

    on_cycle = _cycle_members(scheme)
    for code in sorted(on_cycle):
        yield SchemeError(code, "node is its own ancestor (a cycle of parents)")

    top = [n for n in scheme.nodes if n.parent is None]
    if scheme.nodes and not top:
        yield SchemeError("", "no first-level node (every node has a parent)")
    if top and not on_cycle:
        yield from _check_sum(
            "", [n for n in top if n.code], scheme.points, "first-level nodes"
        )

    for node in scheme.nodes:
        if node.code in on_cycle:
            continue
        yield from _check_place(scheme, node)
    for override in scheme.overrides:
        if override.node not in scheme:
            yield SchemeError(
                "overrides", f"override names unknown node {override.node!r}"
            )
        elif scheme.node(override.node).target is None:
            yield SchemeError(override.node, "an override's node needs a target")
    if top and not on_cycle:
        yield from _check_ordinal_total(scheme, top)


def _check_ordinal_total(scheme: Scheme, top: list[Node]) -> Iterator[SchemeError]:
    """Refuse ordinal first-level nodes graded on the default points scale."""
    if scheme.grades is not _DEFAULT_GRADES:
        return  # a scale the scheme chose, whatever it is
    ordinal = [
        n.code
        for n in top
        if (rule := scheme.rule(n.code)) is not None and rule.kind in _ORDINAL_KINDS
    ]
    if ordinal:
        yield SchemeError(
            ordinal[0],
            "the first-level nodes "
            f"{', '.join(ordinal)} are ordinal grades (A = 4 … D = 1), but the "
            "total is graded on the default scale 优/良/中/差 (优 ≥ 90 points), "
            "so every entity would be 差: set grades = 'pefa', or name the scale "
            "meant",
        )


def _warn_composite(scheme: Scheme) -> None:
    """Warn when a composite index's parts are rounded before they combine."""
    if scheme.rounding.stage is RoundingStage.TOTAL:
        return
    nodes = [
        n.code
        for n in scheme.nodes
        if isinstance(rule := scheme.rule(n.code), Mean) and rule.mean == "geometric"
    ]
    if nodes:
        shown = ", ".join(nodes[:5]) + (" …" if len(nodes) > 5 else "")  # noqa: PLR2004
        message = (
            f"scheme {scheme.id!r}: nodes {shown} take a geometric mean of "
            "composite-index parts rounded at stage "
            f"{scheme.rounding.stage.value!r}; composite indices such as the HDI "
            "round only the final value, so set rounding stage = 'total' (or "
            "say so in the scheme's description if the rounding is meant)"
        )
        warnings.warn(SchemeWarning(message), stacklevel=4)


_RESERVED_PREFIXES = ("findings:", "na:", "adjust:")
"""Code prefixes a batch table reserves for its own columns (see perfkpi.batch)."""


def _invisible(char: str) -> bool:
    """Whether *char* is a control or format character (zero-width, bidi, NUL)."""
    return unicodedata.category(char) in ("Cc", "Cf")


def _look(code: str) -> str:
    """Return how *code* looks: NFKC (full width folded), invisibles and edges gone."""
    shown = "".join(c for c in code if not _invisible(c))
    return unicodedata.normalize("NFKC", shown).strip()


def _check_codes(nodes: Iterable[Node]) -> Iterator[SchemeError]:
    """Refuse codes a reader cannot tell apart, and codes a batch table reserves.

    A code may not hold a control or format character (zero-width spaces and
    joiners, direction marks and overrides, NUL, line breaks); two codes that
    look the same once those are dropped and full-width forms folded
    (``1.1``, ``1．1``, ``１.１``) collide; and a code may not start with a
    prefix a batch table reserves (``findings:``, ``na:``, ``adjust:``).
    """
    first: dict[str, str] = {}
    for node in nodes:
        code = node.code
        hidden = sorted({f"U+{ord(c):04X}" for c in code if _invisible(c)})
        where = repr(code)[1:-1] if hidden else code  # the place, printable
        if hidden:
            msg = (
                f"code {code!r} holds invisible or direction-control characters "
                f"({', '.join(hidden)}); write it with visible characters only"
            )
            yield SchemeError(where, msg)
        look = _look(code)
        other = first.setdefault(look, code)
        if other != code:
            msg = (
                f"code {code!r} looks the same as {other!r} (they differ only in "
                "invisible characters, spaces at the ends or character width)"
            )
            yield SchemeError(where, msg)
        reserved = next((p for p in _RESERVED_PREFIXES if look.startswith(p)), None)
        if reserved is not None:
            msg = (
                f"code {code!r} starts with {reserved!r}, which a batch table "
                "reserves for its own columns"
            )
            yield SchemeError(where, msg)


def _cycle_members(scheme: Scheme) -> set[str]:
    """Return the codes on a cycle of parents, visiting each node once."""
    members: set[str] = set()
    index = {n.code: n for n in scheme.nodes}
    done: set[str] = set()  # walked already: on a cycle found, or leading nowhere
    for node in scheme.nodes:
        path: dict[str, int] = {}  # code → place on this walk
        current: Node | None = node
        while current is not None and current.code not in done:
            if current.code in path:  # came back to a node on this walk
                members.update(list(path)[path[current.code] :])
                break
            path[current.code] = len(path)
            current = index.get(current.parent) if current.parent else None
        done.update(path)
    return members


def _check_sum(
    where: str, children: list[Node], expected: float, what: str
) -> Iterator[SchemeError]:
    missing = [c.code for c in children if c.points is None]
    if missing:
        yield SchemeError(
            where,
            f"{what} {', '.join(missing)} have no points, but their parent sums them",
        )
        return
    total = math.fsum(c.points for c in children if c.points is not None)
    if abs(total - expected) > _TOLERANCE:
        label = "children's points" if where else "first-level points"
        yield SchemeError(
            where,
            f"{label} sum to {format_number(total)}, not {format_number(expected)}",
        )


_ORDINAL_KINDS = ("grade", "weakest-link", "grade-table")


def _check_place(scheme: Scheme, node: Node) -> Iterator[SchemeError]:
    where = node.code
    children = list(scheme.children(node.code))
    rule = scheme.rule(node.code)
    parent = scheme.node(node.parent) if node.parent and node.parent in scheme else None
    if node.is_item:
        if parent is None or not isinstance(scheme.rule(parent.code), Deduct):
            yield SchemeError(
                where,
                "a node without points is an item and must sit under a 'deduct' node",
            )
        if node.target is None:
            yield SchemeError(where, "an item needs a target")
        if rule is not None and rule.role != "penalty":
            yield SchemeError(where, f"an item takes a penalty rule, not {rule.kind!r}")
        if children:
            yield SchemeError(where, "an item cannot have children")
        if rule is not None:
            yield from (SchemeError(where, p) for p in rule.problems(node))
        return
    if rule is None:
        yield SchemeError(
            where, "a leaf with points needs a rule (e.g. 'proportional')"
        )
        return
    if rule.role == "penalty":
        yield SchemeError(
            where, f"rule {rule.kind!r} is for items (nodes without points)"
        )
    if children and rule.role == "score":
        yield SchemeError(
            where, f"rule {rule.kind!r} scores a leaf, but the node has children"
        )
    if rule.role == "aggregate" and not children and not isinstance(rule, Deduct):
        yield SchemeError(where, f"rule {rule.kind!r} needs children")
    yield from (SchemeError(where, p) for p in rule.problems(node))
    if isinstance(rule, Sum) and children and node.points is not None:
        yield from _check_sum(where, children, node.points, "children")
    if isinstance(rule, Deduct):
        for child in children:
            if not child.is_item:
                yield SchemeError(
                    child.code,
                    f"a child of 'deduct' node {node.code} must be an item "
                    "(no points of its own)",
                )
    if isinstance(rule, Mean):
        for child in children:
            if not child.points:
                yield SchemeError(
                    child.code,
                    f"a child of 'mean' node {node.code} needs points > 0 (its weight)",
                )
    if isinstance(rule, WeakestLink | GradeTable):
        if node.points != PEFA.top:
            yield SchemeError(
                where, f"an ordinal node's points must be the top rank {PEFA.top:g}"
            )
        for child in children:
            child_rule = scheme.rule(child.code)
            if child_rule is None or child_rule.kind not in _ORDINAL_KINDS:
                yield SchemeError(
                    child.code,
                    f"a child of {rule.kind!r} node {node.code} must be graded "
                    "(rule 'grade', 'weakest-link' or 'grade-table')",
                )
