"""Formula nodes of a scheme: their actuals computed from raw inputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.deductions import Data
from perfkpi.errors import DataError
from perfkpi.formulas._errors import FormulaError
from perfkpi.formulas._formula import Formula, parse_formula
from perfkpi.formulas._scaling import as_actual
from perfkpi.formulas._tokens import normalise_name
from perfkpi.scheme import Node, Scheme
from perfkpi.units import Unit


def formula_of(node: Node) -> Formula | None:
    """Return the parsed formula of a scheme node's indicator, if it has one.

    Raises
    ------
    FormulaError
        If the indicator's formula cannot be read.
    """
    if node.indicator is None or not node.indicator.formula:
        return None
    return parse_formula(node.indicator.formula)


def reading_unit(scheme: Scheme, code: str) -> Unit | None:
    """Return the unit node *code* reads its actual in: its target's, or its bands'.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme` or *code* is not
        text.
    KeyError
        If the scheme has no node *code*.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    node = scheme.node(code)
    if node.target is not None:
        return node.target.unit
    bands: tuple[Any, ...] = getattr(scheme.rule(code), "bands", ())
    if bands:
        unit: Unit | None = bands[0].when.unit
        return unit
    return None


def _node_inputs(
    data: Data, codes: Iterable[str]
) -> tuple[dict[str, object], dict[str, Mapping[str, object]]]:
    shared: dict[str, object] = {}
    per_node: dict[str, Mapping[str, object]] = {}
    known = set(codes)
    for key, value in data.inputs.items():
        if isinstance(value, Mapping) and key in known:
            per_node[key] = value
        elif isinstance(value, Mapping):
            msg = f"inputs for unknown node {key!r}"
            raise DataError(f"inputs.{key}", msg)
        else:
            shared[key] = value
    return shared, per_node


_ABSENT = object()


def _node_actual(
    scheme: Scheme,
    code: str,
    formula: Formula,
    table: Mapping[str, object],
    *,
    own: bool,
    where: str,
    actual: object = _ABSENT,
) -> float | None:
    """Return node *code*'s actual computed from *table*, as :func:`compute_actuals`.

    *table* holds the inputs by normalised name (the node's own over the
    shared), *own* whether the node has inputs of its own, *actual* the
    actual given for it, if any.  ``None``: the node's actual comes as given.

    Raises
    ------
    DataError
        At *where*, as :func:`compute_actuals` does.
    """
    present = [n for n in formula.names if n in table]
    if not own and (not present or actual is not _ABSENT):
        return None  # no inputs for this node: its actual comes as given
    missing = [n for n in formula.names if n not in table]
    if missing:
        msg = f"missing input {', '.join(map(repr, missing))} for {formula.text!r}"
        raise DataError(where, msg)
    try:
        value = formula.evaluate(table)
    except FormulaError as exc:
        raise DataError(where, str(exc)) from None
    if isinstance(value, np.ndarray):
        msg = (
            f"{formula.text!r} gives {value.size} values, not one "
            "(reduce a list with sum, mean, min or max)"
        )
        raise DataError(where, msg)
    computed = as_actual(value, reading_unit(scheme, code))
    if actual is not _ABSENT and actual != computed:
        # the same inputs computed again agree: compute_actuals is idempotent
        msg = f"both an actual ({actual!r}) and inputs giving {computed!r}; give one"
        raise DataError(where, msg)
    return computed


def compute_actuals(scheme: Scheme, data: Data) -> Data:
    """Compute the actuals of formula nodes from the data's raw inputs.

    A node computes its actual when its indicator has a formula and the data
    gives inputs for it: under ``inputs["1.2"]`` (the node's own) or in the
    flat ``inputs`` table (shared by every formula node).  An actual given
    directly wins when the node has no inputs of its own; giving both an
    actual and the node's own inputs is an error unless they agree, so that
    computing twice gives the same data.  Against a target in a ratio unit
    (``%``, ``‰``) the formula's result is a fraction: 0.998 is 99.8 %.  Other
    units take the number as it is.

    Parameters
    ----------
    scheme
        The :class:`~perfkpi.scheme.Scheme` whose nodes carry the formulas.
    data
        The entity's data, with its ``inputs``.

    Returns
    -------
    Data
        *data* with the computed actuals added (the inputs are kept).

    Raises
    ------
    DataError
        Naming the node, for inputs of an unknown node, an actual given
        twice, a missing input, a division by zero or a result that is not
        one number.

    Examples
    --------
    >>> from perfkpi import Data, Node, Proportional, Scheme
    >>> from perfkpi.formulas import compute_actuals
    >>> from perfkpi.indicators import Indicator
    >>> rate = Indicator("r", "预算执行率", unit="%", formula="实际支出 / 预算数")
    >>> scheme = Scheme.from_nodes("s", "示例", [
    ...     Node("1", "预算执行率", points=100, target="≥100%",
    ...          rule=Proportional(), indicator=rate)])
    >>> data = Data(inputs={"1": {"实际支出": 95, "预算数": 100}})
    >>> compute_actuals(scheme, data).actuals["1"]
    95.0
    """
    nodes = {n.code: n for n in scheme.nodes}
    shared, per_node = _node_inputs(data, nodes)
    actuals = dict(data.actuals)
    for code, node in nodes.items():
        where = f"inputs.{code}" if code in per_node else code
        try:
            formula = formula_of(node)
        except FormulaError as exc:
            raise DataError(code, f"formula: {exc}") from None
        if formula is None:
            if code in per_node:
                raise DataError(where, f"node {code} has no formula to take inputs")
            continue
        own = per_node.get(code, {})
        table = {normalise_name(k): v for k, v in shared.items()}
        table.update({normalise_name(k): v for k, v in own.items()})
        given = actuals.get(code, _ABSENT)
        computed = _node_actual(
            scheme, code, formula, table, own=bool(own), where=where, actual=given
        )
        if computed is not None:
            actuals[code] = computed
    return attrs.evolve(data, actuals=actuals)
