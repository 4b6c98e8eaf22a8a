"""How fast is a formula over a million rows, against numpy's own arithmetic?

Run ``python benchmarks/formulas.py`` (about half a minute).  For 10^5 and
10^6 rows of two inputs (实际支出 and 预算数, uniform in [1, 100)) it times, in
one run, after a warm-up, in interleaved rounds of three back-to-back runs of
each case, the best CPU time of every case (CPU time, so that other programs
on a shared machine count less):

- the *floor*: numpy's ``a / b`` on the same arrays;
- ``parse_formula("实际支出 / 预算数").evaluate(...)``, which raises at the first
  problem (here there is none);
- ``Formula.evaluate_batch`` of the same good rows;
- ``Formula.evaluate_batch`` of the same rows with 1 % bad ones (a zero
  divisor, a NaN, an infinite input), and the reasons of the bad rows read
  through ``codes`` and ``messages``.

It prints each time and its ratio to the floor.  Goal: at most 3× the floor
for 10^6 rows.  The last line printed is a JSON object with the keys
``formula_ratio_vs_numpy`` (``evaluate`` at 10^6 rows),
``formula_batch_ratio_vs_numpy`` and ``formula_bad_rows_ratio_vs_numpy``
(``evaluate_batch`` at 10^6 rows, good and with 1 % bad rows) and the
figures of every size.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable

import numpy as np

from perfkpi.formulas import parse_formula

SIZES = (100_000, 1_000_000)
REPEATS = 20
BACK_TO_BACK = 3
GOAL = 3.0
TEXT = "实际支出 / 预算数"

Run = Callable[[], object]


def _cases(n: int) -> dict[str, Run]:
    """Return the runs to time for *n* rows, the floor first."""
    rng = np.random.default_rng(20240601)
    spent = rng.uniform(1, 100, n)
    budget = rng.uniform(1, 100, n)
    formula = parse_formula(TEXT)
    good = {"实际支出": spent, "预算数": budget}
    # one row in a hundred is bad: a zero divisor, a NaN, an infinite input
    bad_spent = spent.copy()
    bad_budget = budget.copy()
    bad_budget[0::300] = 0.0
    bad_spent[100::300] = np.nan
    bad_spent[200::300] = np.inf
    bad = {"实际支出": bad_spent, "预算数": bad_budget}

    def bad_reasons() -> object:
        out = formula.evaluate_batch(bad)
        rows = np.flatnonzero(out.codes)
        return [out.messages[code] for code in out.codes[rows].tolist()]

    return {
        "numpy a / b": lambda: spent / budget,
        "evaluate": lambda: formula.evaluate(good),
        "evaluate_batch": lambda: formula.evaluate_batch(good),
        "evaluate_batch, 1 % bad": lambda: formula.evaluate_batch(bad),
        "the same, bad reasons read": bad_reasons,
    }


def _best(runs: dict[str, Run]) -> dict[str, float]:
    """Return the best time of each run, the runs interleaved."""
    best = dict.fromkeys(runs, float("inf"))
    for run in runs.values():  # warm up: the allocator's pools, the caches
        run()
    gc.collect()
    gc.disable()  # as timeit does: a collection is no part of any run
    try:
        for _ in range(REPEATS):
            for name, run in runs.items():
                # back to back, so that each run finds the memory the previous
                # one freed (not the memory a different case left behind)
                for _ in range(BACK_TO_BACK):
                    start = time.process_time()
                    run()
                    best[name] = min(best[name], time.process_time() - start)
    finally:
        gc.enable()
    return best


def main() -> int:
    """Time every case at every size; print the figures and the JSON line."""
    rounds = f"best of {REPEATS} interleaved rounds of {BACK_TO_BACK} runs"
    print(f"{TEXT!r}, {rounds}; goal <= {GOAL}x numpy")
    figures: dict[str, dict[str, float]] = {}
    for n in SIZES:
        times = _best(_cases(n))
        floor = times["numpy a / b"]
        figures[str(n)] = {}
        for name, seconds in times.items():
            ratio = seconds / floor
            print(f"  n={n:>9,}  {name:<24} {seconds * 1e3:8.3f} ms  {ratio:5.2f}x")
            figures[str(n)][name] = round(seconds, 6)
            figures[str(n)][f"{name} ratio"] = round(ratio, 2)
    top = figures[str(SIZES[-1])]
    ratio = top["evaluate ratio"]
    print(f"evaluate at {SIZES[-1]:,} rows: {ratio:.2f}x numpy ", end="")
    print("ok" if ratio <= GOAL else "OVER GOAL")
    print(
        json.dumps(
            {
                "formula_ratio_vs_numpy": ratio,
                "formula_batch_ratio_vs_numpy": top["evaluate_batch ratio"],
                "formula_bad_rows_ratio_vs_numpy": top["evaluate_batch, 1 % bad ratio"],
                "sizes": figures,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
