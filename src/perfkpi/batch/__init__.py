"""Score any number of entities from one table, at numpy speed.

:func:`evaluate_batch` reads a table with one row per entity (a department, a
project, a year) and one column per input node, runs the scheme's compiled
:class:`~perfkpi.plan.Plan` over all rows in cache-sized blocks, and returns a
:class:`BatchResult`: every node's score at every level, the totals, the grades
and, for each row that could not be scored, NaN and the reason.  Each row
gives the same numbers as :func:`~perfkpi.evaluation.evaluate` of that row:
both run the same plan, and text cells are read by the same rule readers.

The columns of the table:

- *code* (``1.2``), one per input node: actuals as
  :func:`~perfkpi.evaluation.evaluate` takes them.  A plain number is in the
  unit of the node's target; text carries its own unit or label (``"99.8%"``,
  ``"45分钟"``, ``"是"``, ``"B+"``) and is read once per distinct value.
- ``findings:<code>``, optional: the total points of the findings on
  ``deduct`` node *code*; an empty cell is no finding.
- ``na:<code>``, optional and boolean: node *code*, and everything below it,
  does not apply.
- ``adjust:<code>``, optional: a manual adjustment of scored leaf *code*, in
  points; an empty cell adjusts nothing.
- ``input:<name>`` and ``input:<code>:<name>``, optional: the raw inputs of
  formula nodes (:attr:`perfkpi.Data.inputs`), by name for every formula node
  or by node code, then name, for one node only.  A formula node computes its
  actual from them as :func:`~perfkpi.formulas.compute_actuals` does for that
  row, with the same reasons (a division by zero, a missing input); an empty
  cell is an input not given.

Other columns (an entity's name, a year) are ignored and listed in
:attr:`BatchResult.ignored`; one of them may label the rows (``id_column``).
Items that an entity brings in its own data (:attr:`perfkpi.Data.items`) do not
fit a fixed table: a batch scores the items declared in the scheme, or takes
their effect as a pre-computed ``findings:<code>`` column.

Examples
--------
>>> import perfkpi
>>> scheme = perfkpi.Scheme.from_nodes("demo", "项目自评", [
...     perfkpi.Node("1", "预算执行率", points=10, target="≥100%",
...                  rule=perfkpi.Proportional()),
...     perfkpi.Node("2", "产出", points=90, rule=perfkpi.Deduct()),
...     perfkpi.Node("2.1", "按时完成率", parent="2", target="≥95%"),
... ])
>>> batch = perfkpi.evaluate_batch(scheme, {
...     "1": [99.8, 100, 87.5, float("nan")],
...     "2.1": ["96%", "90%", "95%", "95%"],
...     "findings:2": [0, 2, 0.5, 0],
... })
>>> batch.total
array([99.98, 97.  , 98.25,   nan])
>>> batch.grades
array(['优', '优', '优', ''], dtype='<U1')
>>> batch.scores["2"]
array([90. , 87. , 89.5, 90. ])
>>> batch.reasons[3]
"column '1', value nan: expected a finite number, got nan"
"""

from __future__ import annotations

import importlib.util
import sys

from perfkpi import _public
from perfkpi.batch._csv import _long_line as _long_line
from perfkpi.batch._csv import _read_csv_arrow as _read_csv_arrow
from perfkpi.batch._csv import _read_csv_stdlib as _read_csv_stdlib
from perfkpi.batch._dask import evaluate_dask
from perfkpi.batch._frames import _read_table as _read_table
from perfkpi.batch._options import Errors as Errors
from perfkpi.batch._options import Progress as Progress
from perfkpi.batch._options import _check_options as _check_options
from perfkpi.batch._result import BatchResult
from perfkpi.batch._result import FrameBackend as FrameBackend
from perfkpi.batch._run import _evaluate_table as _evaluate_table
from perfkpi.batch._run import _prepare as _prepare
from perfkpi.batch._run import evaluate_batch

__all__ = [
    "ADJUST",
    "FINDINGS",
    "INPUT",
    "MAX_RAGGED_LISTED",
    "MAX_TABLE_BYTES",
    "NOT_APPLICABLE",
    "BatchResult",
    "evaluate_batch",
    "evaluate_dask",
]

FINDINGS = "findings:"
"""The prefix of a findings column: ``findings:2.1`` holds node 2.1's points."""
NOT_APPLICABLE = "na:"
"""The prefix of a not-applicable column: ``na:1.3`` is true where 1.3 is N/A."""
ADJUST = "adjust:"
"""The prefix of an adjustment column: ``adjust:1.2`` adds points to leaf 1.2."""
INPUT = "input:"
"""The prefix of an input column: ``input:预算数`` for every formula node,
``input:1.2:预算数`` for node 1.2 only."""

MAX_TABLE_BYTES = 512 * 1024 * 1024
"""A CSV table larger than this (in bytes read) is refused: read it with pandas."""
MAX_RAGGED_LISTED = 100
"""How many CSV rows of the wrong width get a reason naming their line.

The rows past these are bad rows all the same, with a reason that counts them.
"""

_BLOCK_CELLS = 1 << 19
"""Rows are scored in blocks of about this many scores, to stay in cache."""


def _has(module: str) -> bool:
    if module in sys.modules:
        return True
    return importlib.util.find_spec(module) is not None


# documented, pickled and named in tracebacks as perfkpi.batch.X, where they began
_public.adopt(__name__, globals(), ("BatchResult", "evaluate_batch", "evaluate_dask"))
