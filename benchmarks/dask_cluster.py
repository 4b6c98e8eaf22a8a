"""evaluate_dask on a dask.distributed LocalCluster: rows per second per worker.

Writes a partitioned Parquet dataset of N generated rows (10^7 by default; 10
leaves of a 100-point scheme, 40 partitions), starts a LocalCluster of two
worker processes (one thread each), scores the dataset partition by partition
with ``evaluate_dask`` and writes the scores back to Parquet.  Beside it, in
the same run: ``evaluate_batch`` in memory on one partition (the rate one
process reaches with no cluster), and a check that the cluster's scores of
that partition equal the in-memory ones.

When to move to Dask is a question of memory, not speed: see docs/batch.md.
The last line is JSON.

Usage: ``python benchmarks/dask_cluster.py [--rows 10000000] [--partitions 40]``
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import perfkpi
from perfkpi.batch import evaluate_batch, evaluate_dask


def scheme() -> perfkpi.Scheme:
    """Return 2 groups × 5 proportional leaves of 10 points."""
    nodes = []
    for g in range(1, 3):
        nodes.append(perfkpi.Node(str(g), f"一级{g}", points=50, rule=perfkpi.Sum()))
        nodes += [
            perfkpi.Node(
                f"{g}.{k}",
                f"指标{g}{k}",
                parent=str(g),
                points=10,
                target="≥100",
                rule=perfkpi.Proportional(),
            )
            for k in range(1, 6)
        ]
    return perfkpi.Scheme("bench-dask", "集群基准", nodes)


def write_dataset(
    folder: Path, rows: int, partitions: int, bureau: perfkpi.Scheme
) -> None:
    """Write *rows* generated rows as *partitions* Parquet files."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    rng = np.random.default_rng(2023)
    leaves = [n.code for n in bureau.nodes if n.target is not None]
    size = rows // partitions
    for p in range(partitions):
        count = size if p < partitions - 1 else rows - size * (partitions - 1)
        columns = {code: rng.uniform(60, 110, count) for code in leaves}
        pq.write_table(pa.table(columns), folder / f"part-{p:03d}.parquet")


def main() -> None:
    """Write, score on the cluster and in memory; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=40)
    args = parser.parse_args()
    import dask.dataframe as dd  # noqa: PLC0415
    import distributed  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415

    warnings.simplefilter("ignore")
    bureau = scheme()
    workers = 2
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in", Path(tmp) / "out"
        source.mkdir()
        start = time.perf_counter()
        write_dataset(source, args.rows, args.partitions, bureau)
        print(
            f"{args.rows:,} rows in {args.partitions} Parquet files written in "
            f"{time.perf_counter() - start:.1f} s"
        )
        one = pd.read_parquet(min(source.glob("*.parquet")))
        start = time.perf_counter()
        alone = evaluate_batch(bureau, one)
        in_memory = len(one) / (time.perf_counter() - start)
        with (
            distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster),
        ):
            start = time.perf_counter()
            lazy = evaluate_dask(bureau, dd.read_parquet(source))
            text = {"grade": "string", "reason": "string"}
            lazy.astype(text).to_parquet(target, write_index=False)
            took = time.perf_counter() - start
            first = dd.read_parquet(source).partitions[0]
            sample = evaluate_dask(bureau, first).compute()
        same = np.allclose(sample["total"].to_numpy(), alone.total, equal_nan=True)
        rate = args.rows / took
        print(
            f"LocalCluster, {workers} worker processes: {took:.1f} s, "
            f"{rate:,.0f} rows/s, {rate / workers:,.0f} rows/s per worker"
        )
        print(f"evaluate_batch in memory, one process: {in_memory:,.0f} rows/s")
        print(f"cluster equals in memory on a partition: {same}")
        summary = {
            "rows": args.rows,
            "partitions": args.partitions,
            "workers": workers,
            "seconds": round(took, 1),
            "rows_per_s_per_worker": round(rate / workers),
            "in_memory_rows_per_s": round(in_memory),
            "equal_on_sample": bool(same),
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
