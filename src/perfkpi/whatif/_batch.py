"""What-if and gap to grade for many entities at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.deductions import Data
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import evaluate
from perfkpi.scheme import Scheme
from perfkpi.whatif._changes import _indexes, what_if
from perfkpi.whatif._gap import LEVERS, Gap, _levers, _max_changes
from perfkpi.whatif._search import gap_to_grade


def _array_field() -> np.ndarray:
    return attrs.field(eq=attrs.cmp_using(eq=np.array_equal), hash=False)


def _errors(values: Mapping[int, str]) -> Mapping[int, str]:
    given: object = values  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"a batch's errors must map row indexes to reasons (got {given!r:.60})"
        raise TypeError(msg)
    return dict(given)


def _rows(
    data: Sequence[Data | Mapping[str, object]],
) -> Sequence[Data | Mapping[str, object]]:
    given: object = data  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping | Data) or not isinstance(
        given, Sequence
    ):
        msg = f"data must be a list of entities' data (got {given!r:.60})"
        raise TypeError(msg)
    return data


@attrs.frozen
class WhatIfBatch:
    """The same change applied to many entities.

    Attributes
    ----------
    before, after, delta
        Totals before and after the change, and their difference; NaN for a
        row that could not be evaluated.
    errors
        The reason for each failed row, by row index.

    Raises
    ------
    TypeError
        If *errors* is not a mapping (the arrays are kept as given:
        :func:`what_if_batch` builds batches).
    """

    before: np.ndarray = _array_field()
    after: np.ndarray = _array_field()
    delta: np.ndarray = _array_field()
    errors: Mapping[int, str] = attrs.field(factory=dict, converter=_errors)


def what_if_batch(
    scheme: Scheme,
    data: Sequence[Data | Mapping[str, object]],
    actuals: Mapping[str, object] | None = None,
    *,
    drop_findings: Iterable[int] = (),
) -> WhatIfBatch:
    """Apply the same what-if to every entity of a list.

    Each row is evaluated with :func:`perfkpi.evaluate` before and after; a
    row whose data or change cannot be read gets NaN and its reason.

    Examples
    --------
    >>> import perfkpi
    >>> from perfkpi import Node, Proportional, Scheme
    >>> scheme = Scheme.from_nodes("s", "s", [Node("1", "预算执行率", points=10,
    ...     target="≥100%", rule=Proportional())], points=10)
    >>> batch = what_if_batch(scheme, [{"1": 90}, {"1": 95}, {"1": "x"}], {"1": 100})
    >>> batch.delta.tolist()[:2], list(batch.errors)
    ([1.0, 0.5], [2])

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* is not a
        list, or *actuals* or *drop_findings* is not of its type (see
        :func:`what_if`).
    """
    _checks.instance(scheme, Scheme, "the scheme")
    data = _rows(data)
    given: object = actuals
    if given is not None and not isinstance(given, Mapping):
        msg = f"actuals must be a mapping of node code to value (got {given!r:.60})"
        raise TypeError(msg)
    drop = _indexes(drop_findings)
    n = len(data)
    before = np.full(n, np.nan)
    after = np.full(n, np.nan)
    errors: dict[int, str] = {}
    for row, entity in enumerate(data):
        try:
            w = what_if(evaluate(scheme, entity), actuals, drop_findings=drop)
        except PerfKPIError as exc:
            errors[row] = str(exc)
            continue
        before[row], after[row] = w.before.total, w.after.total
    delta = scheme.rounding.round(after - before)
    return WhatIfBatch(before, after, delta, errors)


def _gaps(values: Iterable[Gap | None]) -> tuple[Gap | None, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping | Gap) or not isinstance(
        given, Iterable
    ):
        msg = f"a batch's gaps must be a list of Gap or None (got {given!r:.60})"
        raise TypeError(msg)
    out = tuple(given)
    for gap in out:
        if gap is not None and not isinstance(gap, Gap):
            msg = f"a batch's gaps must be a list of Gap or None (got {gap!r:.60})"
            raise TypeError(msg)
    return out


@attrs.frozen
class GapBatch:
    """Gaps to grade for many entities.

    Attributes
    ----------
    gaps
        One :class:`Gap` per row, ``None`` for a row that failed.
    errors
        The reason for each failed row, by row index.

    Raises
    ------
    TypeError
        If *gaps* is not a list of :class:`Gap` or ``None``, or *errors* is not
        a mapping.
    """

    gaps: tuple[Gap | None, ...] = attrs.field(converter=_gaps)
    errors: Mapping[int, str] = attrs.field(factory=dict, converter=_errors)

    @property
    def needed(self) -> np.ndarray:
        """Points each row is short of its aimed grade (NaN for failed rows)."""
        return np.array([g.needed if g is not None else np.nan for g in self.gaps])

    @property
    def changes(self) -> np.ndarray:
        """How many changes each row needs (-1 for failed rows)."""
        return np.array([len(g.steps) if g is not None else -1 for g in self.gaps])


def gap_to_grade_batch(
    scheme: Scheme,
    data: Sequence[Data | Mapping[str, object]],
    grade: str | None = None,
    *,
    levers: Sequence[str] = LEVERS,
    max_changes: int = 6,
) -> GapBatch:
    """Run :func:`~perfkpi.whatif.gap_to_grade` for every entity of a list.

    A row that cannot be evaluated gets ``None`` and its reason; the batch
    never stops half-way.

    Raises
    ------
    GapError
        If *levers* names an unknown lever or *max_changes* is not a whole
        number from 0 to 64 (``MAX_CHANGES``).
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* is not a
        list, or *levers* not a list of names.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    data = _rows(data)
    _levers(levers)
    _max_changes(max_changes)
    gaps: list[Gap | None] = []
    errors: dict[int, str] = {}
    for row, entity in enumerate(data):
        try:
            ev = evaluate(scheme, entity)
            gaps.append(gap_to_grade(ev, grade, levers=levers, max_changes=max_changes))
        except PerfKPIError as exc:
            errors[row] = str(exc)
            gaps.append(None)
    return GapBatch(gaps, errors)
