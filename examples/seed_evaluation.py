"""Recompute the Guangzhou Internet Court's 2022 self-evaluation through the API.

The published report (2022年度广州互联网法院部门整体支出绩效自评报告) states a
total of 88.63: 履职效能 45.98 of 50 and 管理效率 42.65 of 50.

Run it with ``python examples/seed_evaluation.py``.
"""

from __future__ import annotations

import perfkpi


def main() -> perfkpi.Evaluation:
    """Evaluate the bundled data against the bundled scheme and print the result."""
    scheme = perfkpi.catalog.scheme("gz-dept-overall")
    data = perfkpi.catalog.data("gz-internet-court-2022")
    ev = perfkpi.evaluate(scheme, data)

    print(f"{data.entity} {data.period}: {ev.total} ({ev.grade})")
    for node in scheme.roots():
        print(f"  {node.name}: {ev.score(node.code)} / {node.points:g}")
    print("deductions:")
    for d in ev.deductions:
        print(f"  {d.node:<4} -{d.points:<5g} [{d.category}] {d.reason}")
    return ev


if __name__ == "__main__":
    main()
