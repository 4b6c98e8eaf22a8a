"""Build a small project self-evaluation scheme in code and score one project.

A 财预〔2020〕10号-style project scheme, cut down to three indicators: 预算执行率
10 points, one 产出 indicator 50 points, one 满意度 indicator 40 points.

Run it with ``python examples/build_a_scheme.py``.
"""

from __future__ import annotations

import perfkpi
from perfkpi import Node, Proportional, Scheme


def main() -> perfkpi.Evaluation:
    """Build the scheme, evaluate one project, and print its Markdown report."""
    scheme = Scheme.from_nodes(
        "project-demo",
        "项目支出绩效自评（示例）",
        [
            Node("1", "预算执行率", points=10, target="≥100%", rule=Proportional()),
            Node("2", "产出", points=50),
            Node(
                "2.1",
                "培训人次",
                parent="2",
                points=50,
                target="≥1,200人次",
                rule=Proportional(),
            ),
            Node("3", "满意度", points=40),
            Node(
                "3.1",
                "参训人员满意度",
                parent="3",
                points=40,
                target="≥90%",
                rule=Proportional(),
            ),
        ],
    )
    ev = perfkpi.evaluate(scheme, {"1": "95%", "2.1": "1,080人次", "3.1": 93.5})
    print(ev.report(format="markdown", lang="zh"))
    return ev


if __name__ == "__main__":
    main()
