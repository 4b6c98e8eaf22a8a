"""How much faster is a whole table of target proposals than one call per row?

Run ``python benchmarks/targetsetting.py``.  A table of 100,000 rows
(department × indicator, three years of actuals, half higher-is-better, a
spending standard on a quarter of the lower-is-better rows and a plan on a
tenth of all rows, 1 % of the rows with a NaN) is proposed with
:func:`perfkpi.targetsetting.propose_targets`; a sample of 2,000 rows is
proposed with one :func:`~perfkpi.targetsetting.propose_target` call each (the
NaN rows skipped, as a scalar call raises), and the per-row time scaled up to
the table.  Both times are the process's CPU time, best of three.  The last
line printed is a JSON object:
``{"rows": ..., "table_seconds": ..., "per_row_seconds": ..., "ratio": ...}``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import numpy as np

from perfkpi.indicators import Indicator
from perfkpi.targetsetting import propose_target, propose_targets

ROWS = 100_000
SAMPLE = 2_000
HIGHER = Indicator(code="h", name="完成率", unit="%", direction="higher")
LOWER = Indicator(code="l", name="成本控制率", unit="%", direction="lower")


def _best(run: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    """Time the table against one call per row and print the figures."""
    rng = np.random.default_rng(2022)
    history = rng.uniform(80, 105, size=(ROWS, 3)).round(2)
    history[rng.random(ROWS) < 0.01, 1] = np.nan
    higher = rng.random(ROWS) < 0.5
    standard = np.where(~higher & (rng.random(ROWS) < 0.25), 100.0, np.nan)
    plan = np.where(rng.random(ROWS) < 0.1, 95.0, np.nan)
    direction = np.where(higher, "higher", "lower")

    def table() -> object:
        return propose_targets(
            history, direction=direction, plan=plan, standard=standard, unit="%"
        )

    rows = [i for i in range(SAMPLE) if np.isfinite(history[i]).all()]

    def one_by_one() -> object:
        for i in rows:
            propose_target(
                HIGHER if higher[i] else LOWER,
                history[i].tolist(),
                plan=None if np.isnan(plan[i]) else float(plan[i]),
                standard=None if np.isnan(standard[i]) else float(standard[i]),
            )
        return None

    table_seconds = _best(table)
    per_row_seconds = _best(one_by_one) / len(rows) * ROWS
    print(f"{ROWS:,} rows as one table: {table_seconds:.3f} s")
    print(f"one call per row (from {len(rows):,}): {per_row_seconds:.1f} s")
    print(f"ratio: {per_row_seconds / table_seconds:.0f}×")
    print(
        json.dumps(
            {
                "rows": ROWS,
                "table_seconds": round(table_seconds, 4),
                "per_row_seconds": round(per_row_seconds, 2),
                "ratio": round(per_row_seconds / table_seconds),
            }
        )
    )


if __name__ == "__main__":
    main()
