"""What-if and gap to grade: how the total moves when the data changes.

:func:`what_if` re-evaluates an entity with some actuals changed or findings
removed and reports the change in the total and in every node.
:func:`gap_to_grade` answers the planning question "what would it take to reach
the next grade?": it lists every single improvement (an indicator brought to
its target, a finding avoided) with the points it gains per unit of change, and
finds the smallest set of them that lifts the total into the grade's band.

Every number comes from :func:`perfkpi.evaluate`, so the answers follow the
scheme's own rules, floors and rounding.  For many entities,
:func:`what_if_batch` and :func:`gap_to_grade_batch` loop over a list of
:class:`~perfkpi.deductions.Data`; a row that fails gets its reason instead of
stopping the batch.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> what_if(ev, {"1.2": "100%"}).delta
0.02
>>> gap = gap_to_grade(ev)
>>> gap.grade, gap.needed, [s.gain for s in gap.steps], gap.total_after
('优', 1.37, [2.0], 90.63)
"""

from __future__ import annotations

# The public classes are named perfkpi.whatif.X (see the end), so the annotations
# of their fields resolve here (Mapping, np, Evaluation); the search's levers and
# limits stay importable from here as well.
from collections.abc import Mapping as Mapping

import numpy as np  # noqa: F401

from perfkpi import _public
from perfkpi.evaluation import Evaluation as Evaluation
from perfkpi.whatif._batch import (
    GapBatch,
    WhatIfBatch,
    gap_to_grade_batch,
    what_if_batch,
)
from perfkpi.whatif._changes import Change, GapError, WhatIf, what_if
from perfkpi.whatif._gap import LEVERS as LEVERS
from perfkpi.whatif._gap import MAX_CHANGES as MAX_CHANGES
from perfkpi.whatif._gap import MAX_COMBINATIONS as MAX_COMBINATIONS
from perfkpi.whatif._gap import Gap, Improvement, Step
from perfkpi.whatif._gap import Lever as Lever
from perfkpi.whatif._search import MAX_CHECKS as MAX_CHECKS
from perfkpi.whatif._search import gap_to_grade

__all__ = [
    "Change",
    "Gap",
    "GapBatch",
    "GapError",
    "Improvement",
    "Step",
    "WhatIf",
    "WhatIfBatch",
    "gap_to_grade",
    "gap_to_grade_batch",
    "what_if",
    "what_if_batch",
]


# documented, pickled and named in tracebacks as perfkpi.whatif.X, where they began
_public.adopt(__name__, globals(), __all__)
