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

# The public classes are named perfkpi.scheme.X (see the end), so the annotations
# of their fields and methods resolve here.
from collections.abc import Iterable as Iterable
from collections.abc import Iterator as Iterator
from collections.abc import Mapping as Mapping
from typing import Literal as Literal

from perfkpi import _public
from perfkpi._kinds import CanonicalKind as CanonicalKind
from perfkpi.grades import GradeScale as GradeScale
from perfkpi.indicators import Indicator as Indicator
from perfkpi.rounding import Rounding as Rounding
from perfkpi.rules import Rule as Rule
from perfkpi.scheme._node import Direction as Direction
from perfkpi.scheme._node import Node, Override, target_for
from perfkpi.scheme._scheme import Scheme
from perfkpi.scheme._validate import _RESERVED_PREFIXES as _RESERVED_PREFIXES
from perfkpi.targets import Target as Target

__all__ = ["Node", "Override", "Scheme", "target_for"]


# documented, pickled and named in tracebacks as perfkpi.scheme.X, where they began
_public.adopt(__name__, globals(), __all__)
