"""One engine that evaluates every trial of the search."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import attrs

from perfkpi.deductions import Data, Finding
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.whatif._changes import _flat

_State = tuple[Mapping[str, object], Mapping[str, float]]
"""New actuals by node code, and finding points removed by node code."""


class _NotBatchableError(Exception):
    """Some value cannot go through :func:`perfkpi.evaluate_batch`."""


class _Engine:
    """Evaluate trial changes without carrying every finding each time.

    A scheme's score depends on its findings only through the sum of their
    points on each ``deduct`` node, so each trial runs on data holding one
    finding per node: the node's sum (added in the data's order, as
    :func:`perfkpi.evaluate` adds them) less the points removed.  Many trials
    at once go through :func:`perfkpi.evaluate_batch` when their values allow
    it, checked against the evaluation the search starts from.
    """

    def __init__(self, ev: Evaluation) -> None:
        self.ev = ev
        self.scheme = ev.scheme
        self.flat = _flat(ev)
        sums: dict[str, float] = {}
        for finding in self.flat.findings:
            sums[finding.node] = sums.get(finding.node, 0.0) + float(
                finding.points or 0.0
            )
        self.sums = sums
        self.batch_ok = not self.flat.inputs

    def data(self, state: _State) -> Data:
        actuals, removed = state
        findings = []
        for node, total in self.sums.items():
            left = total - removed.get(node, 0.0)
            if left > _EPS:
                findings.append(Finding(node, left, "合计"))
        return attrs.evolve(
            self.flat, actuals={**self.flat.actuals, **actuals}, findings=findings
        )

    def evaluate(self, state: _State) -> Evaluation:
        return evaluate(self.scheme, self.data(state))

    def totals(self, states: Sequence[_State]) -> list[tuple[float, str] | None]:
        """Return the total and grade of each state (None: it cannot be read)."""
        if self.batch_ok and len(states) > 2:  # noqa: PLR2004 (a batch pays off)
            try:
                return self.batch(states)
            except _NotBatchableError:
                pass  # these values: one by one; other trials may still batch
            except Exception:  # noqa: BLE001 (only a shortcut: the slow road follows)
                self.batch_ok = False
        out: list[tuple[float, str] | None] = []
        for state in states:
            try:
                e = self.evaluate(state)
            except PerfKPIError:
                out.append(None)
            else:
                out.append((e.total, e.grade))
        return out

    def batch(self, states: Sequence[_State]) -> list[tuple[float, str] | None]:
        from perfkpi.batch import evaluate_batch  # noqa: PLC0415 (no import cycle)

        rows: list[_State] = [({}, {}), *states]
        n = len(rows)

        def plain(value: object) -> bool:
            return not isinstance(value, bool) and isinstance(value, str | int | float)

        # each column is its base value repeated, patched where a row changes it
        table: dict[str, list[object]] = {}
        for code, value in self.flat.actuals.items():
            if not plain(value):
                raise _NotBatchableError
            table[code] = [value] * n
        for r, (actuals, _) in enumerate(rows):
            for code, value in actuals.items():
                if not plain(value):
                    raise _NotBatchableError
                if code not in table:
                    raise _NotBatchableError  # no base value to fill the others
                table[code][r] = value
        for node, total in self.sums.items():
            table[f"findings:{node}"] = [
                max(total - removed.get(node, 0.0), 0.0) for _, removed in rows
            ]
        for code in self.flat.not_applicable:
            table[f"na:{code}"] = [True] * n
        adjust: dict[str, float] = {}
        for a in self.flat.adjustments:
            adjust[a.node] = adjust.get(a.node, 0.0) + a.points
        for code, points in adjust.items():
            table[f"adjust:{code}"] = [points] * n
        result = evaluate_batch(self.scheme, table)
        totals = [float(t) for t in result.total]
        grades = [str(g) for g in result.grades]
        if totals[0] != self.ev.total or grades[0] != self.ev.grade:
            self.batch_ok = False  # not the same numbers: take the slow road
            raise _NotBatchableError
        return [
            None if math.isnan(t) else (t, g)
            for t, g in zip(totals[1:], grades[1:], strict=True)
        ]


_EPS = 1e-9
