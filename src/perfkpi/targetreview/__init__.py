"""Reviewing declared targets (绩效目标审核) the way a finance bureau does.

A department declares its indicators and their targets: the leaves of a scheme
and the items of its data file.  :func:`review_targets` checks them on the four
dimensions finance bureaus review targets on — completeness, relevance,
appropriateness and feasibility (完整性、相关性、适当性、可行性) — and each
:class:`TargetFinding` names the indicator (its node code and name), the check
and why.  :data:`CHECKS` lists every check with its rule and threshold.

Examples
--------
>>> from perfkpi import catalog
>>> from perfkpi.targetreview import review_targets
>>> review = review_targets(catalog.scheme("cn-project-2020"))
>>> review.ok, len(review.indicators)
(True, 7)
"""

from __future__ import annotations

from perfkpi import _public
from perfkpi.targetreview import _checklist
from perfkpi.targetreview._checklist import Check as Check
from perfkpi.targetreview._cli import run as run
from perfkpi.targetreview._results import ReviewedIndicator as ReviewedIndicator
from perfkpi.targetreview._results import TargetFinding as TargetFinding
from perfkpi.targetreview._results import TargetReview as TargetReview
from perfkpi.targetreview._review import review_targets as review_targets

__all__ = [
    "CHECKS",
    "DIMENSIONS",
    "HISTORY_MARGIN",
    "PLACEHOLDERS",
    "SPENDING_SHARE",
    "Check",
    "ReviewedIndicator",
    "TargetFinding",
    "TargetReview",
    "review_targets",
    "run",
]

DIMENSIONS = _checklist.DIMENSIONS
"""The four dimensions of a target review, in the order reports list them."""

SPENDING_SHARE = _checklist.SPENDING_SHARE
"""The largest share of the points at stake that money-flow indicators may carry.

财预〔2020〕10号 gives 预算执行率, the one spending indicator of a project
self-evaluation, 10 of 100 points; a set that puts more on execution and
spending rates is flagged.
"""

HISTORY_MARGIN = _checklist.HISTORY_MARGIN
"""How far beyond the history's range (as a share of its end) a target may lie."""

PLACEHOLDERS = _checklist.PLACEHOLDERS
"""Text that marks a name or target as not yet filled in (case ignored)."""

CHECKS = _checklist.CHECKS
"""Every check, in the order reports list them."""

# the objects defined in the private modules present themselves as this
# module's, so the reference, reprs and pickles name perfkpi.targetreview.Name
_public.adopt(__name__, globals(), __all__)
