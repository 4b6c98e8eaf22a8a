"""Short reprs and notebook cards: what a notebook shows for a result."""

from __future__ import annotations

import numpy as np

import perfkpi


def _seed() -> perfkpi.Evaluation:
    return perfkpi.evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


def test_an_evaluation_repr_is_one_short_line() -> None:
    text = repr(_seed())
    # the seed report: 88.63, 良
    assert text.startswith(
        "<Evaluation gz-dept-overall 广州互联网法院 2022: 88.63 (良), "
    )
    assert text.endswith(" deductions>")
    assert "\n" not in text
    assert len(text) < 120


def test_a_scheme_and_a_batch_repr() -> None:
    scheme = perfkpi.Scheme(
        "s",
        "示例",
        [
            perfkpi.Node(
                "1", "执行率", points=100, target="≥1", rule=perfkpi.Proportional()
            )
        ],
    )
    assert repr(scheme) == "<Scheme s '示例': 1 nodes, 100 points, grades cn-2020>"
    batch = perfkpi.evaluate_batch(scheme, {"1": np.array([1.0, np.nan])})
    # the NaN row is not scored
    assert repr(batch) == "<BatchResult s: 2 rows, 1 nodes, 1 rows not scored>"


def test_the_notebook_card_is_the_score_card() -> None:
    card = _seed()._repr_html_()
    assert card.startswith(
        "<table><caption>广州市市级部门整体支出绩效自评 广州互联网法院 2022"
    )
    # 履职效能 45.98 of 50, 管理效率 42.65 of 50, total 88.63 (良)
    right = '<td style="text-align:right">'
    assert f"履职效能</td>{right}50</td>{right}45.98" in card
    assert "42.65" in card
    assert "88.63（良）" in card
