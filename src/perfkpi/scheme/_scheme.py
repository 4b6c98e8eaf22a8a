"""The scheme: its fields, lookups and the checks run when it is built."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

import attrs

from perfkpi import _checks, _kinds
from perfkpi._kinds import CanonicalKind
from perfkpi.errors import (
    SchemeValidationError,
)
from perfkpi.grades import GradeScale
from perfkpi.rounding import Rounding
from perfkpi.rules import (
    Rule,
    Sum,
)
from perfkpi.scheme._node import (
    _DEFAULT_GRADES,
    Node,
    Override,
    _nodes,
    _overrides,
    _to_float,
)
from perfkpi.scheme._validate import (
    _validate,
    _warn_composite,
    _wrong_settings,
    _wrong_types,
)


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
