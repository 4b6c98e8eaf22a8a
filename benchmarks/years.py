"""What lining years up costs on top of one batch: compare_years against the batch.

Generates E entities × Y years (10^5 × 3 by default) of a 40-leaf scheme as a
mapping of numeric columns, then times, interleaved and best of five, the batch
alone (``evaluate_batch``) and the comparison (``compare_years``: the same
batch, plus the sort and search that line each row up with its year before).
Goal (issue "Speed on every path"): the comparison at the speed of one batch.
Times are CPU times of this process (``time.process_time``): the machine is
shared, and on a busy one CPU time is the steadier measure.
The last line is JSON.

Usage: ``python benchmarks/years.py [--entities 100000] [--years 3]``
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

import perfkpi
from perfkpi.years import compare_years


def scheme() -> perfkpi.Scheme:
    """Return 4 groups × 10 proportional leaves of 2.5 points."""
    nodes = []
    for g in range(1, 5):
        nodes.append(perfkpi.Node(str(g), f"一级{g}", points=25, rule=perfkpi.Sum()))
        nodes += [
            perfkpi.Node(
                f"{g}.{k}",
                f"指标{g}{k}",
                parent=str(g),
                points=2.5,
                target="≥100",
                rule=perfkpi.Proportional(),
            )
            for k in range(1, 11)
        ]
    return perfkpi.Scheme("bench-years", "逐年比较基准", nodes)


def main() -> None:
    """Time both and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    bureau = scheme()
    rows = args.entities * args.years
    rng = np.random.default_rng(2023)
    table: dict[str, np.ndarray] = {
        "id": np.tile(np.arange(args.entities), args.years).astype(str),
        "year": np.repeat(np.arange(2020, 2020 + args.years), args.entities),
    }
    for node in bureau.nodes:
        if node.target is not None:
            table[node.code] = rng.uniform(60, 110, rows)
    batch, years = [], []
    for _ in range(5):
        start = time.process_time()
        perfkpi.evaluate_batch(bureau, table, id_column="id")
        batch.append(time.process_time() - start)
        start = time.process_time()
        compare_years(bureau, table, id_column="id", year_column="year")
        years.append(time.process_time() - start)
    ratio = min(years) / min(batch)
    print(f"{args.entities:,} entities × {args.years} years = {rows:,} rows, 40 leaves")
    print(f"  evaluate_batch  {min(batch) * 1000:8.1f} ms")
    print(f"  compare_years   {min(years) * 1000:8.1f} ms   ({ratio:.2f}× the batch)")
    summary = {
        "rows": rows,
        "batch_ms": round(min(batch) * 1000, 1),
        "compare_years_ms": round(min(years) * 1000, 1),
        "ratio_vs_batch": round(ratio, 2),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
