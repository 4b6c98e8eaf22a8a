"""Schemes: frozen trees of nodes, validated as a whole.

A :class:`Scheme` is a flat list of :class:`Node` values linked by parent codes.
Building one checks the whole tree and reports every problem at once in a
:class:`~perfkpi.errors.SchemeValidationError`: duplicate codes, unknown parents,
cycles, children's points that do not add up to their parent's, rules that do
not fit the node's place.  Codes must be told apart by a reader and by a batch
table: a code with an invisible or direction-control character (a zero-width
space, U+202E), two codes that look the same (``1.1`` and ``1．1``) and a code
that starts with ``findings:``, ``na:`` or ``adjust:`` are refused.

Examples
--------
>>> from perfkpi import Node, Scheme, Sum, Proportional
>>> scheme = Scheme.from_nodes("s", "两级示例", [
...     Node("1", "产出", points=60, rule=Sum()),
...     Node("1.1", "完成率", parent="1", points=45, target="≥100%",
...          rule=Proportional()),
... ], points=60)
Traceback (most recent call last):
...
perfkpi.errors.SchemeValidationError: invalid scheme 's' (1 problems)
  - children's points sum to 45, not 60 @ 1
"""

from __future__ import annotations

import math
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import attrs

from perfkpi import _checks, _kinds
from perfkpi._kinds import CanonicalKind
from perfkpi.errors import (
    SchemeError,
    SchemeValidationError,
    SchemeWarning,
    TargetSyntaxError,
)
from perfkpi.grades import CN_2020, PEFA, GradeScale
from perfkpi.indicators import Indicator
from perfkpi.rounding import Rounding, RoundingStage
from perfkpi.rules import (
    Deduct,
    GradeTable,
    Mean,
    Rule,
    RuleBase,
    Sum,
    WeakestLink,
)
from perfkpi.targets import Target, format_number, parse_target

__all__ = ["Node", "Override", "Scheme", "target_for"]

Direction = Literal["higher", "lower"]

_TOLERANCE = 1e-9

_DEFAULT_GRADES = attrs.evolve(CN_2020)
"""The scale a scheme gets when it names none: equal to ``CN_2020``, but its own
object, so that validation can tell a chosen scale from the default."""


def target_for(text: str, direction: Direction | None = None) -> Target:
    """Read a node's target, taking a bare number's comparator from *direction*.

    ``"≥95%"``, ``"3秒内"`` and ``"2022年12月31日前"`` say which side meets them;
    a bare number (``"100%"``) does not, and reads as ``≥`` with direction
    ``"higher"``, ``≤`` with ``"lower"``.  This is the one rule for bare targets
    everywhere a node's target is read: a :class:`Node` built with target text,
    scheme files and Excel sheets.  A node's direction is its own
    ``direction``, else its library indicator's.

    Raises
    ------
    TargetSyntaxError, UnknownUnitError, IncompatibleUnitError
        For a bare number without a direction (asking for ``≥`` or ``≤``), and
        for text :func:`~perfkpi.targets.parse_target` cannot read.
    TypeError
        If *text* is not text.
    ValueError
        If *direction* is not ``"higher"``, ``"lower"`` or ``None``.

    Examples
    --------
    >>> target_for("100%", "lower"), target_for("≥99%")
    (Target('≤100%'), Target('≥99%'))
    >>> target_for("100%")
    Traceback (most recent call last):
    ...
    perfkpi.errors.TargetSyntaxError: cannot read '100%' at character 0: \
expected '≥' or '≤' before a bare number (or a direction for the node: \
'higher' or 'lower')
    """
    if direction not in (None, "higher", "lower"):
        msg = f"direction must be 'higher', 'lower' or None (got {direction!r:.60})"
        raise ValueError(msg)
    higher = parse_target(text, direction="higher")
    if higher.kind != "quantity" or not _bare(text, higher):
        return higher
    if direction is None:
        expected = (
            "'≥' or '≤' before a bare number (or a direction for the node: "
            "'higher' or 'lower')"
        )
        raise TargetSyntaxError(text, 0, expected)
    return higher if direction == "higher" else parse_target(text, direction="lower")


def _bare(text: str, higher: Target) -> bool:
    """Whether *text* leaves its comparator to the direction."""
    return parse_target(text, direction="lower") != higher


def _to_target(value: Target | str | None) -> Target | None:
    given: object = value  # callers without mypy may pass anything
    if given is None or isinstance(given, Target | str):
        # text is read in __attrs_post_init__, where the node's direction is known
        return given  # type: ignore[return-value]
    msg = f"a target must be a Target or its text (got {given!r})"
    raise SchemeError("target", msg)


def _direction(_: object, __: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and value not in ("higher", "lower"):
        msg = f"a node's direction is 'higher', 'lower' or None (got {value!r})"
        raise SchemeError("direction", msg)


def _to_points(value: float | None) -> float | None:
    if value is None:
        return None
    return _to_float(value)


def _to_float(value: float) -> float:
    if isinstance(value, bool):
        msg = f"points must be a number (got {value!r})"
        raise SchemeError("points", msg)
    try:
        return float(value)
    except OverflowError:  # an int too large for a float: reported as not finite
        return math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        msg = f"points must be a number (got {value!r})"
        raise SchemeError("points", msg) from None


@attrs.frozen
class Node:
    """One place in a scheme's tree.

    Parameters
    ----------
    code
        The node's code in this scheme (``1.2``); unique within the scheme.
    name
        The name shown in reports (``预算资金支出率``).
    parent
        The parent's code, or ``None`` for a first-level node.
    points
        Full points (分值).  ``None`` marks an *item*: a target under a
        :class:`~perfkpi.rules.Deduct` node that costs its parent points when
        missed but has none of its own.
    rule
        How the node is scored; ``None`` takes the default for its place
        (:class:`~perfkpi.rules.Sum` for a node with children, the parent's
        ``per_unmet`` for an item).
    target
        The target (指标值), as a :class:`~perfkpi.targets.Target` or its text.
    indicator
        The reusable indicator definition this node places, if any.
    category
        A label that groups deductions in reports (``采购管理``).
    note
        Free text: the source of the node, assumptions made.
    direction
        ``"higher"`` (正向) or ``"lower"`` (反向): the comparator a bare target
        such as ``"100%"`` takes (see :func:`target_for`).  By default the
        indicator's direction; with neither, a bare target is an error.

    Raises
    ------
    SchemeError
        If *points* is not a number, *target* is neither a target nor text, or
        *direction* is not ``"higher"``, ``"lower"`` or ``None`` (the other
        fields are checked with the whole tree, when a :class:`Scheme` is
        built).
    TargetSyntaxError, UnknownUnitError
        If *target* is text that does not parse, or a bare number without a
        direction.
    """

    code: str
    name: str
    parent: str | None = None
    points: float | None = attrs.field(default=None, converter=_to_points)
    rule: Rule | None = None
    target: Target | None = attrs.field(default=None, converter=_to_target)
    indicator: Indicator | None = None
    category: str = ""
    note: str = ""
    direction: Direction | None = attrs.field(default=None, validator=_direction)

    def __attrs_post_init__(self) -> None:
        text: object = self.target
        if isinstance(text, str):
            direction = self.direction
            indicator: object = self.indicator
            if (
                direction is None
                and isinstance(indicator, Indicator)
                and indicator.direction != "qualitative"
            ):
                direction = indicator.direction
            object.__setattr__(self, "target", target_for(text, direction))

    @property
    def is_item(self) -> bool:
        """Whether this node is an item (a target with no points of its own)."""
        return self.points is None


def _listed(values: object, what: str) -> tuple[object, ...]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        msg = f"a scheme's {what} must be a list (got {values!r:.60})"
        raise SchemeValidationError("invalid scheme", [SchemeError(what, msg)])
    return tuple(values)


def _nodes(values: Iterable[Node]) -> tuple[Node, ...]:
    return _listed(values, "nodes")  # type: ignore[return-value]


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    _checks.text(value, f"an override's {field.name}")


@attrs.frozen
class Override:
    """A rating that replaces the grade whatever the number.

    Parameters
    ----------
    node
        The code of the node whose target decides.
    grade
        The rating given when the node's target is not met.

    Examples
    --------
    A programme without agreed performance measures is rated "Results Not
    Demonstrated" whatever its score (US OMB, Program Assessment Rating Tool).

    Raises
    ------
    TypeError
        If *node* or *grade* is not text.
    """

    node: str = attrs.field(validator=_text)
    grade: str = attrs.field(validator=_text)


def _overrides(values: Iterable[Override]) -> tuple[Override, ...]:
    return _listed(values, "overrides")  # type: ignore[return-value]


@attrs.frozen
class Scheme:
    """A scoring scheme: a validated tree of nodes with its policies.

    Parameters
    ----------
    id
        A stable identifier (``gz-dept-overall``).
    name
        The scheme's title.
    nodes
        The nodes, parents before or after children: order is free.
    points
        The total's full points; the first-level nodes must add up to it.
    rounding
        The rounding policy.
    grades
        The grade scale applied to the rounded total.
    description, source
        Free text for reports and docs.
    not_applicable
        What a not-applicable node does to its parent unless the parent's rule
        says otherwise: ``"reweight"`` (按百分制折算, the default) or ``"full"``.
    overrides
        Ratings that replace the grade whatever the number.
    report_kind
        Who evaluates whom, for the wording of reports: ``"self"`` (自评, the
        default), ``"department"`` (部门评价), ``"finance"`` (财政评价) or
        ``"third-party"`` (第三方评价); the Chinese names are accepted and
        stored as the English ones.

    Raises
    ------
    SchemeValidationError
        Listing every problem in the tree, each with its node code; a field of
        the wrong type (*nodes* or *overrides* not a list, *rounding* not a
        :class:`~perfkpi.rounding.Rounding`, *grades* not a
        :class:`~perfkpi.grades.GradeScale`, a name that is not text) is one of
        them.
    SchemeError
        If *points* is not a number.
    """

    id: str
    name: str
    nodes: tuple[Node, ...] = attrs.field(converter=_nodes)
    points: float = attrs.field(default=100.0, converter=_to_float)
    rounding: Rounding = attrs.field(factory=Rounding)
    grades: GradeScale = attrs.field(factory=lambda: _DEFAULT_GRADES)
    description: str = ""
    source: str = ""
    not_applicable: Literal["reweight", "full"] = "reweight"
    overrides: tuple[Override, ...] = attrs.field(default=(), converter=_overrides)
    report_kind: CanonicalKind = attrs.field(default="self", converter=_kinds.canonical)
    _index: Mapping[str, Node] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _children: Mapping[str | None, tuple[str, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        wrong = [*_wrong_settings(self), *_wrong_types(self.nodes)]
        if wrong:
            raise SchemeValidationError(f"invalid scheme {self.id!r}", wrong)
        index: dict[str, Node] = {}
        children: dict[str | None, list[str]] = {}
        for node in self.nodes:
            index.setdefault(node.code, node)
            children.setdefault(node.parent, []).append(node.code)
        object.__setattr__(self, "_index", index)
        object.__setattr__(
            self, "_children", {k: tuple(v) for k, v in children.items()}
        )
        errors = list(_validate(self))
        if errors:
            raise SchemeValidationError(f"invalid scheme {self.id!r}", errors)
        _warn_composite(self)

    @classmethod
    def from_nodes(
        cls,
        id: str,  # noqa: A002
        name: str,
        nodes: Iterable[Node],
        **options: object,
    ) -> Scheme:
        """Build and validate a scheme from its nodes (options as for the class)."""
        return cls(id, name, tuple(nodes), **options)  # type: ignore[arg-type]

    # -- navigation ---------------------------------------------------------
    def __contains__(self, code: object) -> bool:
        return code in self._index

    def __iter__(self) -> Iterator[Node]:
        return iter(self.ordered())

    def __repr__(self) -> str:
        """Return a one-line summary: id, name, nodes, points and grades."""
        return (
            f"<Scheme {self.id} {self.name!r}: {len(self.nodes)} nodes, "
            f"{self.points:g} points, grades {self.grades.name}>"
        )

    def __len__(self) -> int:
        return len(self.nodes)

    def node(self, code: str) -> Node:
        """Return the node with *code*.

        Raises
        ------
        KeyError
            If the scheme has no such node.
        TypeError
            If *code* is not text.
        """
        _checks.text(code, "a node's code")
        try:
            return self._index[code]
        except KeyError:
            msg = f"scheme {self.id!r} has no node {code!r}"
            raise KeyError(msg) from None

    def children(self, code: str | None) -> tuple[Node, ...]:
        """Return the children of *code* (``None``: the first-level nodes)."""
        return tuple(self._index[c] for c in self._children.get(code, ()))

    def roots(self) -> tuple[Node, ...]:
        """Return the first-level nodes."""
        return self.children(None)

    def ordered(self) -> tuple[Node, ...]:
        """Return the nodes depth first, each parent before its children."""
        out: list[Node] = []
        stack = list(reversed(self.roots()))
        while stack:  # iterative, so that a deep tree cannot exhaust the stack
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children(node.code)))
        return tuple(out)

    def depth(self, code: str) -> int:
        """Return the level of a node: 1 for a first-level node."""
        level, node = 1, self.node(code)
        while node.parent is not None:
            level, node = level + 1, self.node(node.parent)
        return level

    def rule(self, code: str) -> Rule | None:
        """Return the rule that scores *code*, defaults applied.

        An item without a rule of its own returns ``None``: it costs its
        parent's ``per_unmet`` when missed.
        """
        node = self.node(code)
        if node.rule is not None:
            return node.rule
        if self._children.get(code):
            return Sum()
        return None

    def with_nodes(self, nodes: Iterable[Node]) -> Scheme:
        """Return a new scheme with *nodes* added (validated again)."""
        return attrs.evolve(self, nodes=(*self.nodes, *nodes))


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
