"""Evaluate one entity against a scheme, with the explanation of every number.

:func:`evaluate` validates the data, runs the scheme's compiled
:class:`~perfkpi.plan.Plan` on one row, and wraps the numbers in an
:class:`Evaluation`: the total and grade, each node's score, and the ledger of
deductions with their reasons.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> ev.total, ev.grade
(88.63, '良')
>>> ev.score("1"), ev.score("2")
(45.98, 42.65)
>>> [(d.node, d.points) for d in ev.deductions if d.node == "1.1"]
[('1.1', 1.0), ('1.1', 1.0), ('1.1', 1.0), ('1.1', 1.0)]
"""

from perfkpi import _public
from perfkpi.evaluation._prepare import _plan as _plan  # the plan cache, for batch
from perfkpi.evaluation._result import Evaluation
from perfkpi.evaluation._score import evaluate

__all__ = ["Evaluation", "evaluate"]

# the public names and their methods present themselves as this package's: in the
# docs, reprs, pickles and doctests
_public.adopt(__name__, globals(), __all__)
