"""Scoring, deduction and aggregation rules: frozen values that say how a node scores.

A rule plays one of three roles in a tree:

``score``
    A leaf with full points is scored from its actual (:class:`Proportional`,
    :class:`Bands`, :class:`PerPoint`, :class:`Goalposts`, …).
``aggregate``
    A node is scored from its children and findings (:class:`Sum`,
    :class:`Deduct`, :class:`Mean`, :class:`WeakestLink`, :class:`GradeTable`).
``penalty``
    An *item* under a :class:`Deduct` node, with a target but no points of its
    own, takes points off its parent when it falls short (:class:`PerUnmet`,
    :class:`Shortfall`).

Every rule is a frozen value, usable in a scheme file through
:func:`rule_from_dict` / :func:`rule_to_dict`, and computes through a pure numpy
kernel in :mod:`perfkpi._kernels`, so one entity and a million score alike.
See :doc:`/rules` for each rule's source and a table from published phrases
("扣完为止", "按比例计分", …) to rules.
"""

from __future__ import annotations

# Besides __all__, RuleBase and the private helpers that other modules of perfkpi
# and the tests import from here (_strict, _collecting, _TIERS, ...) are imported
# here; so are the names in the annotations of the public classes' fields (ClassVar,
# Literal, Mapping, np, NAPolicy, Role, Target), which resolve here because the
# classes are named perfkpi.rules.X (see the end).
from collections.abc import Mapping as Mapping
from typing import ClassVar as ClassVar
from typing import Literal as Literal

import numpy as np  # noqa: F401

from perfkpi import _public
from perfkpi.rules import _base, _registry
from perfkpi.rules._aggregate import (
    Deduct,
    Grade,
    GradeTable,
    Mean,
    PerUnmet,
    Shortfall,
    Sum,
    WeakestLink,
)
from perfkpi.rules._aggregate import NAPolicy as NAPolicy
from perfkpi.rules._bands import _TIERS as _TIERS
from perfkpi.rules._bands import (
    Band,
    Bands,
    Categorical,
    Checklist,
    Deadline,
    Qualitative,
)
from perfkpi.rules._base import Columns, value_kind
from perfkpi.rules._base import Role as Role
from perfkpi.rules._base import RuleBase as RuleBase
from perfkpi.rules._base import _ambiguity as _ambiguity
from perfkpi.rules._base import _ambiguous as _ambiguous
from perfkpi.rules._base import _ambiguous_numbers as _ambiguous_numbers
from perfkpi.rules._base import _collected_quietly as _collected_quietly
from perfkpi.rules._base import _collecting as _collecting
from perfkpi.rules._base import _strict as _strict
from perfkpi.rules._base import _warn_collected as _warn_collected
from perfkpi.rules._linear import (
    AllOrNothing,
    Distance,
    Equal,
    Goalposts,
    LowerLinear,
    PerBlock,
    PerPoint,
    Proportional,
)
from perfkpi.rules._registry import (
    infer_rule,
    rule_from_dict,
    rule_to_dict,
    value_kind_table,
)
from perfkpi.targets import Target as Target

__all__ = [
    "RULE_KINDS",
    "VALUE_KINDS",
    "AllOrNothing",
    "Band",
    "Bands",
    "Categorical",
    "Checklist",
    "Columns",
    "Deadline",
    "Deduct",
    "Distance",
    "Equal",
    "Goalposts",
    "Grade",
    "GradeTable",
    "LowerLinear",
    "Mean",
    "PerBlock",
    "PerPoint",
    "PerUnmet",
    "Proportional",
    "Qualitative",
    "Rule",
    "Shortfall",
    "Sum",
    "ValueKind",
    "WeakestLink",
    "infer_rule",
    "rule_from_dict",
    "rule_to_dict",
    "value_kind",
    "value_kind_table",
]

# the constants and type aliases are documented here, with their public names
ValueKind = _base.ValueKind
"""What a target measures, as far as scoring is concerned (see :func:`value_kind`)."""

VALUE_KINDS = _base.VALUE_KINDS
"""Every value kind, in the order of the documentation's table."""

Rule = _registry.Rule
"""Any rule perfkpi knows."""

RULE_KINDS = _registry.RULE_KINDS
"""Rule classes by the ``kind`` name used in scheme files."""

# documented, pickled and named in tracebacks as perfkpi.rules.X, where they began
_public.adopt(__name__, globals(), [*__all__, "RuleBase"])
