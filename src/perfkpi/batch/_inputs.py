"""The ``input:`` columns: each formula node's actuals, for every row.

They are computed as :func:`~perfkpi.formulas.compute_actuals` computes them
for one entity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import numpy as np

from perfkpi.batch._columns import _EMPTY, _NO_VALUE
from perfkpi.batch._layout import _FormulaNode
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.formulas import (
    _ABSENT,
    _node_actual,
    _scaled_array,
)

if TYPE_CHECKING:
    from perfkpi.batch._run import _Run


@attrs.frozen
class _InputCells:
    """A column of inputs read as numbers, or a column of actuals' presence."""

    raw: np.ndarray
    values: np.ndarray
    given: np.ndarray
    """Which cells are given (not empty)."""
    odd: np.ndarray | None
    """Which given cells are not plain numbers (read one by one, as evaluate())."""


def _input_cells(raw: np.ndarray) -> _InputCells:
    """Read an input column: numbers as floats; empty cells not given."""
    rows = raw.size
    if raw.dtype.kind in "iuf":
        values = raw.astype(np.float64, copy=False)
        return _InputCells(raw, values, np.ones(rows, dtype=bool), None)
    values = np.zeros(rows)
    given = np.ones(rows, dtype=bool)
    odd = np.zeros(rows, dtype=bool)
    for i, value in enumerate(raw.tolist()):
        kind = type(value)
        if kind is float or kind is int:
            try:
                values[i] = value
            except OverflowError:  # an int too large for a float
                odd[i] = True
        elif value is None:
            given[i] = False
        else:
            odd[i] = True
    return _InputCells(raw, values, given, odd if odd.any() else None)


def _formula_columns(
    run: _Run,
) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Compute the formula nodes' actuals for every row, as evaluate() would.

    Returns, by node code, the column of actuals the plan reads (computed
    where the row's inputs compute it, the table's actual elsewhere), and for
    each formula node the rows whose computation fails, their problem ids and
    the scores columns they blank, in the order evaluate() meets them.
    """
    columns: dict[str, np.ndarray] = {}
    failed = []
    cache: dict[str, _InputCells] = {}

    def cells(name: str) -> _InputCells:
        if name not in cache:
            cache[name] = _input_cells(run.table.columns[name])
        return cache[name]

    for node in run.layout.formulas:
        column, rows, ids = _formula_column(run, node, cells)
        columns[node.code] = column
        if rows.size:
            failed.append((rows, ids, run.prepared.above[node.code]))
    return columns, failed


def _formula_column(  # noqa: PLR0915 (one pass over a node's cases)
    run: _Run, node: _FormulaNode, cells: Callable[[str], _InputCells]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return one formula node's column of actuals, its failed rows and their ids.

    A row computes its actual when it gives the node inputs of its own, or
    gives one of the formula's names as a shared input and no actual; as in
    :func:`~perfkpi.formulas.compute_actuals`.  Rows of plain numbers are
    computed at once by :meth:`~perfkpi.formulas.Formula.evaluate_batch`; a row
    that fails there is given the error evaluate() raises for it (one
    computation of a row per distinct reason).  Rows with a cell that is not
    a plain number, and rows that give both an actual and inputs of their
    own, are computed one by one, as evaluate() computes them.
    """
    rows = run.table.rows
    code = node.code
    none = np.zeros(rows, dtype=bool)
    own_any = none.copy()
    for column in node.own:
        own_any |= cells(column).given
    actual = None if node.actual is None else run.table.columns[node.actual]
    if actual is None:
        actual_given = none
    elif actual.dtype.kind in "iuf":
        actual_given = ~none
    else:
        actual_given = np.fromiter((v is not None for v in actual.tolist()), bool, rows)
    values: dict[str, np.ndarray] = {}
    given: list[np.ndarray] = []
    odd = none.copy()
    sources: list[tuple[_InputCells | None, _InputCells | None]] = []
    for name, (mine, shared) in zip(node.formula.names, node.names, strict=True):
        a = None if mine is None else cells(mine)
        b = None if shared is None else cells(shared)
        sources.append((a, b))
        if a is not None and b is not None:
            values[name] = np.where(a.given, a.values, b.values)
            given.append(a.given | b.given)
            for cell, used in ((a, a.given), (b, ~a.given)):
                if cell.odd is not None:
                    odd |= cell.odd & used
        elif a is not None or b is not None:
            only = a if a is not None else b
            assert only is not None  # noqa: S101 (one of them is)
            values[name] = only.values
            given.append(only.given)
            if only.odd is not None:
                odd |= only.odd
        else:
            values[name] = np.zeros(rows)
            given.append(none)
    present = np.logical_or.reduce(given) if given else none
    complete = np.logical_and.reduce(given) if given else ~none
    active = own_any | (present & ~actual_given)
    missing = active & ~complete
    one_by_one = active & complete & (odd | (own_any & actual_given))
    fast = active & complete & ~one_by_one
    errors: list[tuple[np.ndarray, PerfKPIError]] = []
    done_rows: list[np.ndarray] = []
    done_values: list[np.ndarray] = []

    def where(row: int) -> str:
        return f"inputs.{code}" if own_any[row] else code

    def one(row: int) -> float | DataError:
        table: dict[str, object] = {}
        for name, (a, b) in zip(node.formula.names, sources, strict=True):
            for x in (a, b):
                if x is not None and x.given[row]:
                    table[name] = (
                        x.raw[row].item() if x.raw.dtype.kind in "iufb" else x.raw[row]
                    )
                    break
        given_actual: object = _ABSENT
        if actual is not None and actual_given[row]:
            given_actual = (
                actual[row].item() if actual.dtype.kind in "iuf" else actual[row]
            )
        try:
            out = _node_actual(
                run.plan.scheme,
                code,
                node.formula,
                table,
                own=bool(own_any[row]),
                where=where(row),
                actual=given_actual,
            )
        except DataError as exc:
            return exc
        assert out is not None  # noqa: S101 (an active row computes)
        return out

    if missing.any():
        at = np.flatnonzero(missing)
        lacks = np.stack([~mask[at] for mask in given] + [own_any[at]], axis=1)
        kinds, which = np.unique(lacks, axis=0, return_inverse=True)
        for k in range(kinds.shape[0]):
            part = at[which.reshape(-1) == k]
            row = int(part[0])
            lacking = [
                n
                for n, mask in zip(node.formula.names, given, strict=True)
                if not mask[row]
            ]
            names = ", ".join(map(repr, lacking))
            msg = f"missing input {names} for {node.formula.text!r}"
            errors.append((part, DataError(where(row), msg)))
    if fast.any():
        every = bool(fast.all())
        at = np.arange(rows) if every else np.flatnonzero(fast)
        inputs = values if every else {k: v[at] for k, v in values.items()}
        result = node.formula.evaluate_batch(inputs)
        good = result.codes == 0
        computed = result.values
        if not good.all():
            bad = at[~good]
            kinds, which = np.unique(
                result.codes[~good].astype(np.int64) * 2 + own_any[bad],
                return_inverse=True,
            )
            for k in range(kinds.size):
                part = bad[which.reshape(-1) == k]
                error = one(int(part[0]))
                if isinstance(error, DataError):
                    errors.append((part, error))
                else:  # not expected: each row then says for itself
                    for row in part.tolist():
                        out = one(row)
                        if isinstance(out, DataError):
                            errors.append((np.array([row]), out))
                        else:
                            done_rows.append(np.array([row]))
                            done_values.append(np.array([out]))
            at = at[good]
            computed = computed[good]
        if node.factor is not None:
            computed = _scaled_array(computed, node.factor)
        done_rows.append(at)
        done_values.append(computed)
    for row in np.flatnonzero(one_by_one).tolist():
        out = one(row)
        if isinstance(out, DataError):
            errors.append((np.array([row]), out))
        else:
            done_rows.append(np.array([row]))
            done_values.append(np.array([out]))
    failed = np.concatenate([part for part, _ in errors]) if errors else _EMPTY
    ids = (
        np.concatenate(
            [
                np.full(part.size, run.problems.add(None, _NO_VALUE, error))
                for part, error in errors
            ]
        )
        if errors
        else _EMPTY
    )
    order = np.argsort(failed, kind="stable")
    failed, ids = failed[order], ids[order]
    # the plan reads this column as the node's actuals
    everywhere = bool(active.all())
    if (actual is None and not everywhere) or (
        actual is not None and actual.dtype.kind not in "iuf"
    ):
        reading = (
            np.full(rows, None, dtype=object)
            if actual is None
            else actual.astype(object)
        )
        for part, numbers in zip(done_rows, done_values, strict=True):
            reading[part] = numbers.tolist()
    else:
        reading = np.zeros(rows) if actual is None else actual.astype(np.float64)
        if len(done_rows) == 1 and done_rows[0].size == rows:
            reading = done_values[0]
        else:
            for part, numbers in zip(done_rows, done_values, strict=True):
                reading[part] = numbers
    reading[failed] = 0.0  # the row is bad: the reading is never used
    return reading, failed, ids
