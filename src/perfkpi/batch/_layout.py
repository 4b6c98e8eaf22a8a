"""Which table column feeds which part of the plan.

Actuals, ``findings:``, ``na:``, ``adjust:`` and the ``input:`` columns of
formula nodes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from perfkpi import batch as _package
from perfkpi.batch._table import _Table
from perfkpi.errors import DataError
from perfkpi.formulas import (
    Formula,
    FormulaError,
    _name_form,
    formula_of,
    reading_unit,
)
from perfkpi.plan import Plan
from perfkpi.scheme import Scheme


@attrs.frozen
class _Layout:
    """Which table column feeds which part of the plan."""

    actuals: Mapping[int, str]  # input column → table column
    findings: tuple[tuple[int, str], ...]  # (findings column, table column)
    na: tuple[tuple[str, str], ...]  # (node code, table column)
    adjust: tuple[tuple[int, str], ...]  # (scores column, table column)
    ignored: tuple[str, ...]
    formulas: tuple[_FormulaNode, ...] = ()
    """The formula nodes that take inputs, in the order evaluate() computes them."""


def _layout(plan: Plan, table: _Table, id_column: str | None) -> _Layout:
    """Check the columns against the plan, up front."""
    scheme = plan.scheme
    position = {code: i for i, code in enumerate(plan.codes)}
    scored = {plan.codes[int(i)] for i in plan.scored_leaves}
    inputs = {code: j for j, code in enumerate(plan.inputs)}
    actuals: dict[int, str] = {}
    findings, na, adjust, ignored, inputs_given = [], [], [], [], []
    for name in table.columns:
        code = name.partition(":")[2]
        if name.startswith(_package.INPUT):
            inputs_given.append(name)
        elif name.startswith(_package.FINDINGS):
            if code not in plan.deduct_codes:
                what = "an unknown node" if code not in scheme else "scored otherwise"
                msg = f"findings go on 'deduct' nodes; {code!r} is {what}"
                raise DataError(name, msg)
            findings.append((plan.deduct_codes.index(code), name))
        elif name.startswith(_package.NOT_APPLICABLE):
            if code not in scheme:
                raise DataError(name, f"unknown node {code!r}")
            na.append((code, name))
        elif name.startswith(_package.ADJUST):
            if code not in scored:
                msg = f"adjustments apply to scored leaves; {code!r} is not one"
                raise DataError(name, msg)
            adjust.append((position[code], name))
        elif name in inputs:
            actuals[inputs[name]] = name
        elif name in scheme:
            msg = f"node {name} is scored from others; it takes no actual"
            raise DataError(name, msg)
        elif name != id_column:
            ignored.append(name)
    if id_column is not None and id_column not in table.columns:
        raise DataError(id_column, f"no column {id_column!r} to label the rows")
    formulas, unused = _formula_layout(plan, inputs_given, actuals)
    ignored += unused
    covered = {code for code, _ in na}
    missing = [
        code
        for j, code in enumerate(plan.inputs)
        if j not in actuals and not _covered(scheme, code, covered)
    ]
    if missing:
        names = ", ".join(map(repr, missing))
        raise DataError("table", f"missing columns {names} (one per input node)")
    return _Layout(
        actuals, tuple(findings), tuple(na), tuple(adjust), tuple(ignored), formulas
    )


def _covered(scheme: Scheme, code: str, ancestors: set[str]) -> bool:
    """Return whether *code* or one of its ancestors is in *ancestors*."""
    current: str | None = code
    while current is not None:
        if current in ancestors:
            return True
        current = scheme.node(current).parent
    return False


def _below(plan: Plan, code: str) -> np.ndarray:
    """Return the scores columns of *code* and everything below it."""
    return np.array(
        [i for i, c in enumerate(plan.codes) if _covered(plan.scheme, c, {code})],
        dtype=np.intp,
    )


@attrs.frozen
class _FormulaNode:
    """A formula node that takes inputs from the table."""

    j: int
    """Its input position in the plan."""
    code: str
    formula: Formula
    factor: float | None
    """The factor of the ratio unit it reads its actual in (``None``: no ratio)."""
    names: tuple[tuple[str | None, str | None], ...]
    """For each name of the formula, its own column and the shared one."""
    own: tuple[str, ...]
    """Every column of the node's own inputs (a name of its formula or not)."""
    actual: str | None
    """The table's column of its actual, if there is one."""


def _formula_layout(
    plan: Plan, columns: Sequence[str], actuals: dict[int, str]
) -> tuple[tuple[_FormulaNode, ...], list[str]]:
    """Match the input columns to the formula nodes, up front.

    A formula node whose actual the inputs may compute reads its actual from a
    column of its own code, made by :func:`_formula_columns`; *actuals* is
    updated to say so.  Returns the formula nodes, in the order
    :func:`~perfkpi.formulas.compute_actuals` computes them, and the shared
    input columns no formula reads.
    """
    if not columns:
        return (), []
    scheme = plan.scheme
    shared: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for column in columns:
        code, sep, name = column[len(_package.INPUT) :].partition(":")
        if not sep:
            code, name = "", code
        if not "".join(name.split()):
            raise DataError(column, "expected input:<name> or input:<code>:<name>")
        if sep and code not in scheme:
            raise DataError(column, f"inputs for unknown node {code!r}")
        key = _name_form(name)
        known = own.setdefault(code, {}) if sep else shared
        if key in known:
            msg = f"input {key!r} is given twice (also as {known[key]!r})"
            raise DataError(column, msg)
        known[key] = column
    position = {code: j for j, code in enumerate(plan.inputs)}
    out: list[_FormulaNode] = []
    read: set[str] = set()
    for node in scheme.nodes:  # the order compute_actuals computes them in
        code = node.code
        try:
            formula = formula_of(node)
        except FormulaError as exc:
            raise DataError(code, f"formula: {exc}") from None
        mine = own.get(code, {})
        if formula is None:
            if mine:
                column = next(iter(mine.values()))
                raise DataError(column, f"node {code} has no formula to take inputs")
            continue
        read.update(shared[n] for n in formula.names if n in shared)
        if not mine and not any(n in shared for n in formula.names):
            continue
        j = position.get(code)
        if j is None:
            msg = f"node {code} is scored from others; it takes no actual"
            raise DataError(code, msg)
        unit = reading_unit(scheme, code)
        ratio = unit is not None and unit.dimension == "ratio"
        factor = unit.factor if unit is not None and ratio else None
        names = tuple((mine.get(n), shared.get(n)) for n in formula.names)
        given = actuals.get(j)
        actuals[j] = code
        out.append(
            _FormulaNode(j, code, formula, factor, names, tuple(mine.values()), given)
        )
    unused = [column for column in shared.values() if column not in read]
    return tuple(out), unused
