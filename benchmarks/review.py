"""How many submitted workbooks ``perfkpi.review`` re-scores a second.

Generates N workbooks (500 by default) of 40 indicator rows each, written as a
bureau hands them out (``write_excel``: styled, merged level columns, the
hidden record; 25 distinct ones, the rest copies under other names), then
reviews the folder with one and with two processes.
Beside it, in the same run and on a sample of the same files, it times what
reading alone costs with each reader:

- openpyxl's full load (``load_workbook``, what ``read_excel`` once used),
- openpyxl's read-only mode, iterating every cell,
- python-calamine, when installed (values only: no number formats, no
  hidden rows, so it cannot tell 96.5 % from 0.965),
- perfkpi's own XML reader (``perfkpi._xlsx``), every sheet.

Goal (issue "Excel and 复核"): at least 50 workbooks a second on a 2-core
machine.  The last line is JSON.

Usage: ``python benchmarks/review.py [--n 500] [--sample 50]``
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import shutil
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import openpyxl

import perfkpi
from perfkpi._xlsx import open_book
from perfkpi.excel import write_excel


def scheme() -> perfkpi.Scheme:
    """Return a 4 × 2 × 5 scheme: 40 proportional leaves of 2.5 points."""
    nodes = []
    for g in range(1, 5):
        nodes.append(
            perfkpi.Node(str(g), f"一级指标{g}", points=25, rule=perfkpi.Sum())
        )
        for s in range(1, 3):
            code = f"{g}.{s}"
            nodes.append(
                perfkpi.Node(
                    code,
                    f"二级指标{g}{s}",
                    parent=str(g),
                    points=12.5,
                    rule=perfkpi.Sum(),
                )
            )
            nodes += [
                perfkpi.Node(
                    f"{code}.{k}",
                    f"三级指标{g}{s}{k}",
                    parent=code,
                    points=2.5,
                    target="≥100%",
                    rule=perfkpi.Proportional(),
                )
                for k in range(1, 6)
            ]
    return perfkpi.Scheme("bench-review", "复核基准", nodes)


DISTINCT = 25
"""Distinct workbooks written; the rest are copies of them under other names
(writing is slower than reviewing, and a copy is reviewed like any file)."""


def generate(folder: Path, n: int, bureau: perfkpi.Scheme) -> None:
    """Write *n* departments' workbooks into *folder*."""
    rng = random.Random(2023)
    leaves = [node.code for node in bureau.nodes if node.target is not None]
    written: list[Path] = []
    for i in range(n):
        path = folder / f"部门{i:04d}.xlsx"
        if i < DISTINCT:
            actuals = {code: f"{rng.randint(80, 100)}%" for code in leaves}
            data = perfkpi.Data(actuals=actuals, entity=f"部门{i:04d}", period="2023")
            write_excel(perfkpi.evaluate(bureau, data), path)
            written.append(path)
        else:
            shutil.copyfile(written[i % DISTINCT], path)


def per_second(paths: list[Path], read: Callable[[Path], object]) -> float:
    """Return how many of *paths* *read* gets through a second (best of two)."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for path in paths:
            read(path)
        best = min(best, time.perf_counter() - start)
    return len(paths) / best


def openpyxl_full(path: Path) -> object:
    return openpyxl.load_workbook(path, data_only=True)


def openpyxl_read_only(path: Path) -> object:
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    wb.close()
    return cells


def fast(path: Path) -> object:
    book = open_book(path)
    return [book[name].cells for name in book.sheetnames]


def calamine() -> Callable[[Path], object] | None:
    try:
        module = importlib.import_module("python_calamine")
    except ModuleNotFoundError:
        return None

    def read(path: Path) -> object:
        wb = module.CalamineWorkbook.from_path(str(path))
        return [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names]

    return read


def main() -> None:
    """Generate, read and review; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="workbooks (500)")
    parser.add_argument("--sample", type=int, default=50, help="read-only sample")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    bureau = scheme()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        generate(folder, args.n, bureau)
        made = time.perf_counter() - start
        paths = sorted(folder.glob("*.xlsx"))
        sample = paths[: args.sample]
        print(f"{args.n} workbooks of 40 rows written in {made:.1f} s")
        print(f"{os.cpu_count()} processors\n")
        rates = {
            "openpyxl full load": per_second(sample, openpyxl_full),
            "openpyxl read-only": per_second(sample, openpyxl_read_only),
            "perfkpi XML reader": per_second(sample, fast),
        }
        reader = calamine()
        if reader is not None:
            rates["python-calamine (values only)"] = per_second(sample, reader)
        print(f"reading only, {len(sample)} workbooks:")
        for name, rate in rates.items():
            print(f"  {name:32} {rate:7.1f} workbooks/s")
        reviewed = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            result = perfkpi.review(bureau, [folder], jobs=jobs)
            took = time.perf_counter() - start
            assert result.ok, "a generated workbook did not review clean"  # noqa: S101
            reviewed[jobs] = args.n / took
        print(f"\nperfkpi.review, {args.n} workbooks (read, recompute, compare):")
        for jobs, rate in reviewed.items():
            print(
                f"  {jobs} process{'es' if jobs > 1 else '  '}  {rate:7.1f} workbooks/s"
            )
        goal = 50.0
        best = max(reviewed.values())
        print(
            f"\ngoal ≥ {goal:.0f} workbooks/s: {'met' if best >= goal else 'NOT met'}"
        )
        summary = {
            "workbooks": args.n,
            "rows": 40,
            "review_per_s_1_process": round(reviewed[1], 1),
            "review_per_s_2_processes": round(reviewed[2], 1),
            "read_per_s": {k: round(v, 1) for k, v in rates.items()},
            "ratio_xml_reader_vs_openpyxl": round(
                rates["perfkpi XML reader"] / rates["openpyxl full load"], 2
            ),
            "goal_met": best >= goal,
        }
        print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()
