"""How fast and how lean is ``evaluate_batch`` against hand-written numpy?

Run ``python benchmarks/batch.py`` (10^3 to 10^6 entities, a few minutes) or
``python benchmarks/batch.py --quick`` (fewer repetitions, under five minutes on
two cores).  ``--figure PATH`` also draws the scaling figure (needs matplotlib).

The scheme has three levels and 50 leaves of twelve rule kinds (proportional
both ways, lower-linear, per-point, per-block, bands, goalposts and log
goalposts, distance, all-or-nothing, checklist, qualitative) plus five items
under a ``deduct`` node; the table has one float column per input and a
findings column.  In one run it measures:

- ``evaluate_batch`` for N = 100,000 with every node's subtotal, against a
  hand-written numpy *floor* for the same outputs: each leaf's fraction, the
  leaf scores rounded half-up to 2 places, ``np.add.reduceat`` per level, each
  level rounded, the total (the floor pays for ``np.column_stack`` of the
  input columns; the batch copies them into its blocks).  Rounding is
  included on both sides; the floor rounds naively
  (``floor(x·100 + 0.5)/100``), perfkpi decimal-correctly.
  Both read the same dict of columns.  Each is the best of several interleaved
  runs.  Goal: at most 1.0× the floor.
- ``evaluate()`` called in a loop over rows of the same table.  Goal: the batch
  is at least 200× faster per entity.
- The peak memory of ``evaluate_batch`` (tracemalloc, numpy's buffers included)
  plus its input, against the size of its input and output arrays.  Goal: at
  most 2×.

- Reading the same table as a CSV file (10^6 rows, 10^5 with ``--quick``; 51
  columns): perfkpi's reader (pyarrow when installed) against
  ``pyarrow.csv.read_csv`` of the same file, in wall-clock time (both use every
  core), best of three interleaved runs; and the ``csv`` module reader, which
  perfkpi falls back to, once.  Goal: at most 2× pyarrow.

- A batch whose formula nodes take raw inputs: the same scheme with its
  proportional, per-block, distance and all-or-nothing leaves computing their
  actual as ``实际支出 / 预算数`` from two ``input:CODE:NAME`` columns each,
  against the same batch given the rates those inputs compute, at 10^5 and
  10^6 rows (10^5 only with ``--quick``).  Goal: at most 1.5×.

- the peers, when installed (``pip install '.[bench]'``): pymcdm's ``WSM``
  and scikit-criteria's ``WeightedSumModel`` on the leaves' matrix (a flat
  weighted sum, no subtotals), as ratios to the same floor.

The last line printed is a JSON object with the keys ``entities``, ``leaves``,
``ratio_vs_numpy_floor``, ``speedup_vs_scalar_loop``, ``peak_memory_ratio``,
``csv_ratio_vs_pyarrow`` (``null`` without pyarrow), ``ratio_pymcdm`` and
``ratio_skcriteria`` (``null`` when not installed),
``formula_ratio_vs_numpy`` (from ``benchmarks/formulas.py``) and
``formula_inputs_ratio`` (the formula-input batch against the rates, at the
largest size measured).
"""

from __future__ import annotations

import argparse
import csv
import functools
import gc
import importlib.util
import io
import json
import math
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from perfkpi import Deduct, Node, Proportional, Scheme, Shortfall, Sum, evaluate
from perfkpi import evaluate_batch as batch_fn
from perfkpi.batch import _read_csv_stdlib, _read_table
from perfkpi.errors import AmbiguousValueWarning
from perfkpi.formulas import _scaled_array
from perfkpi.indicators import Indicator
from perfkpi.rules import (
    AllOrNothing,
    Bands,
    Checklist,
    Distance,
    Goalposts,
    LowerLinear,
    PerBlock,
    PerPoint,
    Qualitative,
    Rule,
)

MAIN_N = 100_000
CSV_N = 1_000_000
SCALES = (1_000, 10_000, 100_000, 1_000_000)

ADJUSTMENT_RATE = Bands(
    [
        {"when": "=0%", "score": 1},
        {"when": "(0%,10%]", "score": 0.6},
        {"when": "(10%,20%]", "score": 0.3},
        {"when": ">20%", "score": 0},
    ]
)

# kind: (rule, target, points, low, high, decimals) — actuals are drawn uniformly
KINDS: dict[str, tuple[Rule, str | None, float, float, float, int]] = {
    "proportional": (Proportional(), "≥100%", 2, 60, 120, 2),
    "proportional-lower": (Proportional(), "≤2小时", 2, 0.5, 4, 2),
    "lower-linear": (LowerLinear(), "≤20%", 2, 0, 50, 2),
    "per-point": (PerPoint(per=0.5), "≤100%", 2, 90, 115, 2),
    "per-block": (PerBlock(per=2, block=5), "≥100%", 2, 70, 105, 2),
    "bands": (ADJUSTMENT_RATE, None, 1, 0, 30, 2),
    "goalposts": (Goalposts(min=20, max=85), None, 2, 15, 90, 2),
    "goalposts-log": (Goalposts(min=100, max=75000, log=True), None, 2, 50, 1e5, 2),
    "distance": (Distance(), "=100%", 2, 70, 130, 2),
    "all-or-nothing": (AllOrNothing(), "≥95%", 2, 85, 100, 2),
    "checklist": (Checklist(per=1), None, 3, 0, 3, 0),
    "qualitative": (Qualitative(), None, 2, 0, 2, 1),
}
ITEM = (95.0, 80, 110, 2)  # items: target ≥95 %, actuals 80–110 %


def build_scheme() -> tuple[Scheme, list[tuple[str, str, str]]]:
    """Return the scheme and its leaves as (code, parent, kind), in tree order."""
    nodes: list[Node] = []
    leaves: list[tuple[str, str, str]] = []
    names = list(KINDS)
    count = 0
    for i in range(4):
        top = str(i + 1)
        middle_nodes: list[Node] = []
        for j in range(3):
            mid = f"{top}.{j + 1}"
            size = 4 if i * 3 + j < 10 else 5
            if mid == "4.3":  # a deduct node with five items
                middle_nodes.append(Node(mid, mid, parent=top, points=5, rule=Deduct()))
                for k in range(size):
                    code = f"{mid}.{k + 1}"
                    rule = Shortfall(points=1) if k % 2 else None
                    middle_nodes.append(
                        Node(code, code, parent=mid, target="≥95%", rule=rule)
                    )
                    leaves.append((code, mid, "shortfall" if k % 2 else "unmet"))
                continue
            children = []
            for k in range(size):
                kind = names[count % len(names)]
                count += 1
                rule, target, points, *_ = KINDS[kind]
                code = f"{mid}.{k + 1}"
                children.append(
                    Node(
                        code, kind, parent=mid, points=points, target=target, rule=rule
                    )
                )
                leaves.append((code, mid, kind))
            points = sum(c.points or 0 for c in children)
            middle_nodes += [Node(mid, mid, parent=top, points=points, rule=Sum())]
            middle_nodes += children
        points = sum(n.points or 0 for n in middle_nodes if n.parent == top)
        nodes += [Node(top, top, points=points, rule=Sum()), *middle_nodes]
    total = sum(n.points or 0 for n in nodes if n.parent is None)
    return Scheme.from_nodes("bench", "benchmark", nodes, points=total), leaves


def build_table(
    leaves: list[tuple[str, str, str]], n: int, seed: int = 0
) -> dict[str, np.ndarray]:
    """Return N rows of actuals (one float column per leaf) and the findings."""
    rng = np.random.default_rng(seed)
    table: dict[str, np.ndarray] = {}
    for code, _, kind in leaves:
        if kind in ("unmet", "shortfall"):
            _, low, high, places = ITEM
        else:
            *_, low, high, places = KINDS[kind]
        table[code] = np.round(rng.uniform(low, high, n), places)
    table["findings:4.3"] = rng.choice(np.array([0.0, 0.0, 0.5, 1.0]), n)
    return table


# -- formula inputs -------------------------------------------------------------

RATE = Indicator("rate", "预算执行率", unit="%", formula="实际支出 / 预算数")
FORMULA_KINDS = ("proportional", "per-block", "distance", "all-or-nothing")


def formula_tables(
    scheme: Scheme, leaves: list[tuple[str, str, str]], n: int
) -> tuple[Scheme, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Return the scheme with formula leaves, its input table and its rate table.

    The formula leaves compute 实际支出 / 预算数 from their own two input
    columns; the rate table gives the same rows with each formula leaf's rate
    (the fraction read in %, as the batch reads it) in its actual column.
    """
    codes = [code for code, _, kind in leaves if kind in FORMULA_KINDS]
    nodes = [
        attrs.evolve(node, indicator=RATE) if node.code in codes else node
        for node in scheme.nodes
    ]
    with_formulas = Scheme.from_nodes(
        "bench-formulas", "benchmark", nodes, points=scheme.points
    )
    rates = build_table(leaves, n, seed=3)
    inputs = dict(rates)
    rng = np.random.default_rng(4)
    for code in codes:
        budget = np.round(rng.uniform(1_000, 50_000, n), 2)
        spent = np.round(budget * rates[code] / 100, 2)
        del inputs[code]
        inputs[f"input:{code}:实际支出"] = spent
        inputs[f"input:{code}:预算数"] = budget
        rates[code] = _scaled_array(spent / budget, 0.01)
    return with_formulas, inputs, rates


def formula_comparison(
    scheme: Scheme, leaves: list[tuple[str, str, str]], sizes: tuple[int, ...]
) -> dict[int, tuple[float, float]]:
    """Time the formula-input batch and the rate batch at each size."""
    out: dict[int, tuple[float, float]] = {}
    for n in sizes:
        with_formulas, inputs, rates = formula_tables(scheme, leaves, n)
        a = batch_fn(with_formulas, inputs)
        b = batch_fn(with_formulas, rates)
        if a != b:
            msg = "the formula inputs and their rates score differently"
            raise AssertionError(msg)
        reps = 5 if n <= MAIN_N else 3
        t_rates, t_inputs = best_of(
            reps,
            functools.partial(batch_fn, with_formulas, rates),
            functools.partial(batch_fn, with_formulas, inputs),
        )
        out[n] = (t_rates, t_inputs)
        del inputs, rates, a, b
        gc.collect()
    return out


def print_formulas(
    scheme: Scheme, leaves: list[tuple[str, str, str]], sizes: tuple[int, ...]
) -> float:
    """Print the formula-input comparison; return the ratio at the largest size."""
    with warnings.catch_warnings():
        # the lower-linear leaves' small plain numbers, on both sides alike
        warnings.simplefilter("ignore", AmbiguousValueWarning)
        formulas = formula_comparison(scheme, leaves, sizes)
    count = sum(kind in FORMULA_KINDS for _, _, kind in leaves)
    for n, (t_rates, t_inputs) in formulas.items():
        print(
            f"formula inputs, N={n:,} ({count} leaves from 实际支出 / 预算数): "
            f"rates {t_rates * 1e3:.1f} ms, inputs {t_inputs * 1e3:.1f} ms, "
            f"ratio {t_inputs / t_rates:.2f} (goal ≤ 1.5)"
        )
    t_rates, t_inputs = formulas[max(formulas)]
    return round(t_inputs / t_rates, 3)


# -- the hand-written floor -----------------------------------------------------


def half_up(x: np.ndarray) -> np.ndarray:
    """Round non-negative scores half-up to 2 places, the naive way."""
    out: np.ndarray = np.floor(x * 100.0 + 0.5) / 100.0
    return out


def make_floor(  # noqa: PLR0915 (one statement per rule kind)
    scheme: Scheme, leaves: list[tuple[str, str, str]]
) -> Callable[[dict[str, np.ndarray]], tuple[np.ndarray, ...]]:
    """Return the floor: a function of the table computing every subtotal."""
    codes = [code for code, _, _ in leaves]
    kinds: dict[str, np.ndarray] = {}
    for j, (_, _, kind) in enumerate(leaves):
        kinds.setdefault(kind, np.array([], dtype=np.intp))
        kinds[kind] = np.append(kinds[kind], j)
    points = np.array([scheme.node(c).points or 0.0 for c in codes])
    parents = [parent for _, parent, _ in leaves]
    mid_offsets = np.array(
        [j for j, p in enumerate(parents) if j == 0 or p != parents[j - 1]]
    )
    mids = list(dict.fromkeys(parents))
    tops = [m.split(".")[0] for m in mids]
    top_offsets = np.array(
        [j for j, t in enumerate(tops) if j == 0 or t != tops[j - 1]]
    )
    mid_points = np.array([scheme.node(m).points or 0.0 for m in mids])
    deduct = mids.index("4.3")
    log_lo, log_hi = math.log(100.0), math.log(75000.0)

    def floor(table: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
        x = np.column_stack([table[c] for c in codes])
        s = np.empty_like(x)

        def at(kind: str) -> tuple[np.ndarray, np.ndarray]:
            j = kinds[kind]
            return j, x[:, j]

        j, v = at("proportional")
        s[:, j] = points[j] * np.minimum(v / 100.0, 1.0)
        j, v = at("proportional-lower")
        s[:, j] = points[j] * np.minimum(2.0 / v, 1.0)
        j, v = at("lower-linear")
        s[:, j] = points[j] * np.clip(1.0 - (v - 20.0) / 20.0, 0.0, 1.0)
        j, v = at("per-point")
        s[:, j] = np.maximum(points[j] - 0.5 * np.maximum(v - 100.0, 0.0), 0.0)
        j, v = at("per-block")
        blocks = np.floor(np.maximum(100.0 - v, 0.0) / 5.0 + 1e-9)
        s[:, j] = np.maximum(points[j] - 2.0 * blocks, 0.0)
        j, v = at("bands")
        s[:, j] = np.select([v == 0, v <= 10, v <= 20], [1.0, 0.6, 0.3], 0.0)
        j, v = at("goalposts")
        s[:, j] = points[j] * np.clip((v - 20.0) / 65.0, 0.0, 1.0)
        j, v = at("goalposts-log")
        s[:, j] = points[j] * np.clip((np.log(v) - log_lo) / (log_hi - log_lo), 0, 1)
        j, v = at("distance")
        s[:, j] = points[j] * np.clip(1.0 - np.abs(v - 100.0) / 100.0, 0.0, 1.0)
        j, v = at("all-or-nothing")
        s[:, j] = np.where(v >= 95.0, points[j], 0.0)
        j, v = at("checklist")
        s[:, j] = np.minimum(v, points[j])
        j, v = at("qualitative")
        s[:, j] = np.clip(v, 0.0, points[j])
        j, v = at("unmet")
        s[:, j] = np.where(v >= 95.0, 0.0, 1.0)
        j, v = at("shortfall")
        s[:, j] = np.clip(1.0 - v / 95.0, 0.0, 1.0)
        s = half_up(s)
        mid = np.add.reduceat(s, mid_offsets, axis=1)
        lost = mid[:, deduct] + table["findings:4.3"]
        mid[:, deduct] = np.maximum(mid_points[deduct] - lost, 0.0)
        mid = half_up(mid)
        top = half_up(np.add.reduceat(mid, top_offsets, axis=1))
        total = half_up(top.sum(axis=1))
        return s, mid, top, total

    return floor


# -- measuring ----------------------------------------------------------------------


def best_of(repeats: int, *functions: Callable[[], object]) -> list[float]:
    """Return each function's best CPU time over *repeats* interleaved runs.

    CPU time of this process (``time.process_time``), not wall-clock time: the
    machine is shared, and numpy runs these on one thread, so on an idle machine
    the two agree, and on a busy one CPU time is the steadier measure.
    """
    best = [math.inf] * len(functions)
    for _ in range(repeats):
        for i, function in enumerate(functions):
            gc.collect()
            start = time.process_time()
            function()
            best[i] = min(best[i], time.process_time() - start)
    return best


def peak_memory(scheme: Scheme, table: dict[str, np.ndarray]) -> tuple[float, int]:
    """Return (peak / (input + output), output bytes) for one batch."""
    inputs = sum(column.nbytes for column in table.values())
    gc.collect()
    tracemalloc.start()
    result = batch_fn(scheme, table)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    output = result.array.nbytes + result.grades.nbytes + result.reason_ids.nbytes
    return (inputs + peak) / (inputs + output), output


def scalar_loop(scheme: Scheme, table: dict[str, np.ndarray], rows: int) -> float:
    """Return the seconds per entity of evaluate() over the first *rows* rows."""
    records = []
    for i in range(rows):
        actuals = {k: float(v[i]) for k, v in table.items() if ":" not in k}
        points = float(table["findings:4.3"][i])
        findings = [{"node": "4.3", "points": points, "reason": "x"}] if points else []
        records.append({"actuals": actuals, "findings": findings})
    start = time.process_time()
    for record in records:
        evaluate(scheme, record)
    return (time.process_time() - start) / rows


def _write_csv(table: dict[str, np.ndarray], path: Path) -> None:
    if importlib.util.find_spec("pyarrow") is not None:
        import pyarrow as pa  # noqa: PLC0415
        import pyarrow.csv as pacsv  # noqa: PLC0415

        pacsv.write_csv(pa.table(table), str(path))
        return
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(table)
        writer.writerows(zip(*(c.tolist() for c in table.values()), strict=True))


def _wall_best(repeats: int, *functions: Callable[[], object]) -> list[float]:
    """Return each function's best wall-clock time over interleaved runs."""
    best = [math.inf] * len(functions)
    for _ in range(repeats):
        for i, function in enumerate(functions):
            gc.collect()
            start = time.perf_counter()
            function()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def csv_comparison(leaves: list[tuple[str, str, str]], rows: int) -> dict[str, Any]:
    """Time reading one CSV table: perfkpi, pyarrow, and the csv module."""
    table = build_table(leaves, rows, seed=2)
    out: dict[str, Any] = {"rows": rows, "columns": len(table)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        _write_csv(table, path)
        del table
        out["megabytes"] = round(path.stat().st_size / 1e6, 1)

        def ours() -> object:
            return _read_table(path, None, "nan", None)

        if importlib.util.find_spec("pyarrow") is not None:
            import pyarrow.csv as pacsv  # noqa: PLC0415

            ours()  # the first call imports pyarrow.compute
            t_ours, t_arrow = _wall_best(3, ours, lambda: pacsv.read_csv(str(path)))
            out["pyarrow_s"] = round(t_arrow, 3)
        else:
            (t_ours,) = _wall_best(1, ours)
        out["perfkpi_s"] = round(t_ours, 3)
        gc.collect()
        start = time.perf_counter()
        with path.open("rb") as stream:
            _read_csv_stdlib(io.BufferedReader(stream), str(path), "nan", None)
        out["csv_module_s"] = round(time.perf_counter() - start, 3)
    if "pyarrow_s" in out:
        out["ratio"] = round(out["perfkpi_s"] / out["pyarrow_s"], 3)
    return out


def peers(
    table: dict[str, np.ndarray],
    leaves: list[tuple[str, str, str]],
    t_floor: float,
) -> dict[str, float | None]:
    """Time the peers' weighted sums on the same matrix, when installed.

    pymcdm's ``WSM`` and scikit-criteria's ``WeightedSumModel``, called as
    their documentation shows, on the leaves' matrix with equal weights (a
    flat weighted sum: no subtotals, no rounding, no reasons); each time is
    given as a ratio to the floor measured in the same run.
    """
    matrix = np.column_stack([table[code] for code, _, _ in leaves])
    k = matrix.shape[1]
    weights = np.full(k, 1.0 / k)
    out: dict[str, float | None] = {"ratio_pymcdm": None, "ratio_skcriteria": None}
    try:
        wsm = importlib.import_module("pymcdm.methods").WSM()
        types = np.ones(k)
        # its default sum normalisation takes positive values only
        positive = np.abs(matrix) + 1.0
        (t,) = best_of(2, lambda: wsm(positive, weights, types))
        out["ratio_pymcdm"] = round(t / t_floor, 3)
    except ModuleNotFoundError:
        pass
    try:
        skc = importlib.import_module("skcriteria")
        model = importlib.import_module("skcriteria.agg.simple").WeightedSumModel()
        dm = skc.mkdm(matrix, objectives=[max] * k, weights=weights)
        (t,) = best_of(3, lambda: model.evaluate(dm))
        out["ratio_skcriteria"] = round(t / t_floor, 3)
    except ModuleNotFoundError:
        pass
    return out


def formula_ratio() -> float | None:
    """Return ``benchmarks/formulas.py``'s ratio at 10^6 rows (its last line)."""
    script = Path(__file__).with_name("formulas.py")
    done = subprocess.run(  # noqa: S603 (this repository's own script)
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    try:
        value = json.loads(done.stdout.strip().splitlines()[-1])
        return float(value["formula_ratio_vs_numpy"])
    except (ValueError, IndexError, KeyError, TypeError):
        return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--figure", type=Path, help="write the scaling figure (PNG)")
    args = parser.parse_args(argv)
    # the lower-linear leaves' rates go down to 0.01 %, written as plain numbers
    # in the target's unit on purpose: they take the two-way reading (and its
    # cost) in every run; the warnings about them would only bury the figures
    warnings.simplefilter("ignore", AmbiguousValueWarning)
    repeats = 5 if args.quick else 11
    scheme, leaves = build_scheme()
    floor = make_floor(scheme, leaves)
    print(f"scheme: 3 levels, {len(leaves)} leaves, {len(scheme)} nodes")

    # the main comparison at N = 100,000
    table = build_table(leaves, MAIN_N)
    result = batch_fn(scheme, table)
    _, _, _, total = floor(table)
    differ = int(np.count_nonzero(result.total != total))
    biggest = float(np.max(np.abs(result.total - total)))
    print(
        f"floor and batch totals differ in {differ} of {MAIN_N} rows "
        f"(at most {biggest:.2f}: the floor's naive half-up on binary values)"
    )
    t_floor, t_batch = best_of(
        repeats, lambda t=table: floor(t), lambda t=table: batch_fn(scheme, t)
    )
    ratio = t_batch / t_floor
    print(
        f"N={MAIN_N:,}: floor {t_floor * 1e3:.1f} ms, batch {t_batch * 1e3:.1f} ms, "
        f"ratio {ratio:.2f} (goal ≤ 1.0)"
    )
    per_row = scalar_loop(scheme, table, 100 if args.quick else 400)
    speedup = per_row / (t_batch / MAIN_N)
    print(
        f"evaluate() loop: {per_row * 1e6:.0f} µs per entity; batch "
        f"{t_batch / MAIN_N * 1e6:.2f} µs per entity: {speedup:,.0f}× (goal ≥ 200×)"
    )
    memory, _ = peak_memory(scheme, table)
    print(f"peak memory / (input + output): {memory:.2f} (goal ≤ 2)")
    others = peers(table, leaves, t_floor)
    for name, value in others.items():
        shown = "not installed" if value is None else f"{value:.2f}× the floor"
        print(f"{name.removeprefix('ratio_')}: {shown} (flat, no subtotals)")
    del table, result, total

    # the scaling, 10^3 … 10^6
    print()
    print(
        "| entities | floor (ms) | batch (ms) | ratio | µs per entity | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    rows = []
    for n in SCALES:
        table = build_table(leaves, n, seed=1)
        reps = max(3, min(repeats, 10_000_000 // (n * 10)))
        t_floor_n, t_batch_n = best_of(
            reps, lambda t=table: floor(t), lambda t=table: batch_fn(scheme, t)
        )
        mem_n, _ = peak_memory(scheme, table)
        rows.append((n, t_floor_n, t_batch_n, mem_n))
        print(
            f"| {n:,} | {t_floor_n * 1e3:.1f} | {t_batch_n * 1e3:.1f} | "
            f"{t_batch_n / t_floor_n:.2f} | {t_batch_n / n * 1e6:.2f} | {mem_n:.2f}× |"
        )
        del table
        gc.collect()
    if args.figure is not None:
        draw(rows, per_row, args.figure)

    # a batch of raw inputs against the same batch given the rates
    print()
    inputs_ratio = print_formulas(
        scheme, leaves, (MAIN_N,) if args.quick else (MAIN_N, 1_000_000)
    )

    # reading the table from CSV
    print()
    reading = csv_comparison(leaves, CSV_N // 10 if args.quick else CSV_N)
    arrow = (
        f"pyarrow.csv {reading['pyarrow_s']:.2f} s, ratio {reading['ratio']:.2f} "
        "(goal ≤ 2); "
        if "ratio" in reading
        else "pyarrow is not installed; "
    )
    print(
        f"CSV, {reading['rows']:,} rows × {reading['columns']} columns "
        f"({reading['megabytes']} MB): perfkpi {reading['perfkpi_s']:.2f} s, "
        f"{arrow}csv module {reading['csv_module_s']:.2f} s"
    )
    print()
    print(
        json.dumps(
            {
                "entities": MAIN_N,
                "leaves": len(leaves),
                "ratio_vs_numpy_floor": round(ratio, 3),
                "speedup_vs_scalar_loop": round(speedup, 1),
                "peak_memory_ratio": round(memory, 3),
                "csv_ratio_vs_pyarrow": reading.get("ratio"),
                **others,
                "formula_ratio_vs_numpy": formula_ratio(),
                "formula_inputs_ratio": inputs_ratio,
            }
        )
    )


def draw(
    rows: list[tuple[int, float, float, float]], per_row: float, path: Path
) -> None:
    """Draw µs per entity against entities, log-log, for both and the loop."""
    try:
        import matplotlib as mpl  # noqa: PLC0415

        mpl.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print("matplotlib is not installed: no figure", file=sys.stderr)
        return
    n = [r[0] for r in rows]
    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    ax.plot(n, [r[2] / r[0] * 1e6 for r in rows], "o-", label="evaluate_batch")
    ax.plot(n, [r[1] / r[0] * 1e6 for r in rows], "s--", label="hand-written numpy")
    ax.axhline(per_row * 1e6, color="grey", linestyle=":", label="evaluate() in a loop")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("entities (3 levels, 50 leaves)")
    ax.set_ylabel("µs per entity")
    ax.set_title("perfkpi batch scoring, every node's subtotal")
    ax.grid(visible=True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    print(f"figure: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
