"""Years side by side: perfkpi.years.compare_years."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import perfkpi
from perfkpi.errors import DataError
from perfkpi.years import compare_years

SCHEME = perfkpi.Scheme(
    "s",
    "示例",
    [
        perfkpi.Node(
            "1", "预算执行率", points=40, target="≥100%", rule=perfkpi.Proportional()
        ),
        perfkpi.Node(
            "2", "满意度", points=60, target="≥90%", rule=perfkpi.Proportional()
        ),
    ],
)


def test_each_row_is_lined_up_with_its_year_before() -> None:
    table = {
        "单位": ["甲", "乙", "甲", "乙", "丙", "甲"],
        "年度": ["2023", "2022", "2022", "2023", "2023", "2020"],
        "1": ["100%", "80%", "90%", "85%", "100%", "50%"],
        "2": ["90%", "90%", "72%", "90%", "90%", "90%"],
    }
    years = compare_years(SCHEME, table, id_column="单位", year_column="年度")
    # 甲 2023: 40 + 60 = 100; 甲 2022: 40 × 0.9 + 60 × 72/90 = 36 + 48 = 84
    # 乙 2022: 32 + 60 = 92; 乙 2023: 34 + 60 = 94; 丙 2023: 100
    # 甲 2020: 20 + 60 = 80, two years before 2022: no change for 2022
    assert years.total.tolist() == [100, 92, 84, 94, 100, 80]
    assert years.years.tolist() == [2023, 2022, 2022, 2023, 2023, 2020]
    assert years.prior.tolist() == [2, -1, -1, 1, -1, -1]
    change = years.change()
    assert change[0] == 16  # 100 − 84
    assert change[3] == 2  # 94 − 92
    assert [math.isnan(c) for c in change] == [False, True, True, False, True, True]
    # node 2 of 甲: 60 in 2023, 48 in 2022
    assert years.change("2")[0] == 12
    columns = years.to_columns()
    assert list(columns)[:2] == ["单位", "year"]
    assert columns["change:total"][0] == 16
    assert columns["prior:1"][0] == 36


def test_a_change_equals_two_evaluations_apart() -> None:
    rng = np.random.default_rng(7)
    n = 40
    ids = [f"单位{i % 10}" for i in range(n)]
    year = [2020 + i // 10 for i in range(n)]
    a = rng.integers(50, 110, n)
    b = rng.integers(50, 110, n)
    first = [f"{x}%" for x in a]
    second = [f"{x}%" for x in b]
    table: dict[str, list[object]] = {
        "id": list(ids),
        "year": list(year),
        "1": list(first),
        "2": list(second),
    }
    years = compare_years(SCHEME, table, id_column="id", year_column="year")
    for row in range(n):
        if years.prior[row] < 0:
            continue
        p = int(years.prior[row])
        now = perfkpi.evaluate(SCHEME, {"1": first[row], "2": second[row]})
        before = perfkpi.evaluate(SCHEME, {"1": first[p], "2": second[p]})
        assert (ids[p], year[p]) == (ids[row], year[row] - 1)
        assert years.change()[row] == round(now.total - before.total, 2)


def test_a_bad_row_has_no_change() -> None:
    table = {
        "id": ["甲", "甲"],
        "year": [2022, 2023],
        "1": ["90%", "九成"],
        "2": ["90%", "90%"],
    }
    years = compare_years(SCHEME, table, id_column="id", year_column="year")
    assert math.isnan(years.total[1])
    assert math.isnan(years.change()[1])
    assert 1 in years.result.reasons


def test_a_csv_file(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text(
        "单位,年度,1,2\n甲,2022年,90%,90%\n甲,2023年,100%,90%\n", encoding="utf-8"
    )
    years = compare_years(SCHEME, path, id_column="单位", year_column="年度")
    assert years.change().tolist()[1] == 4  # 100 − 96


@pytest.mark.parametrize(
    ("table", "message"),
    [
        # why: the same department twice in one year cannot be lined up
        (
            {
                "id": ["甲", "甲"],
                "year": [2023, 2023],
                "1": ["1%"] * 2,
                "2": ["1%"] * 2,
            },
            "rows 1 and 2 are both '甲' in 2023",
        ),
        # why: a year must be a whole number
        (
            {"id": ["甲"], "year": ["2023.5"], "1": ["1%"], "2": ["1%"]},
            "row 1: the year '2023.5' is not a whole number",
        ),
        # why: the year column must be there
        ({"id": ["甲"], "1": ["1%"], "2": ["1%"]}, "no such column"),
    ],
)
def test_bad_tables(table: dict[str, list[object]], message: str) -> None:
    with pytest.raises(DataError, match=message):
        compare_years(SCHEME, table, id_column="id", year_column="year")


def test_a_ragged_csv_row_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "years.csv"
    path.write_text("id,year,1,2\n甲,2022,90%,90%\n甲,2023,100%\n", encoding="utf-8")
    with pytest.raises(DataError, match="every row must be read to line the years up"):
        compare_years(SCHEME, path, id_column="id", year_column="year")


def test_a_frame_is_read_once_and_kept_as_its_library() -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("narwhals")
    frame = pd.DataFrame(
        {
            "单位": ["甲", "甲"],
            "年度": [2022, 2023],
            "1": [90.0, 100.0],
            "2": [72.0, 90.0],
            "备注": ["a", "b"],  # read by nothing
        }
    )
    years = compare_years(SCHEME, frame, id_column="单位", year_column="年度")
    # 2022: 40 × 0.9 + 60 × 72/90 = 84; 2023: 100; the change 16
    assert years.total.tolist() == [84, 100]
    assert years.change().tolist()[1] == 16
    # the batch scored the frame as read, not a copy of its columns
    assert years.result.backend == "pandas"
    assert years.result.ignored == ("年度", "备注")


def test_compare_years_checks_the_batch_options() -> None:
    with pytest.raises(ValueError, match="errors must be 'nan' or 'raise'"):
        compare_years(
            SCHEME,
            {"单位": ["甲"], "年度": [2023], "1": [1.0], "2": [1.0]},
            id_column="单位",
            year_column="年度",
            errors="x",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "ids",
    [
        ["A01", "B02", "A01", "B02", "C03", "A01"],  # ASCII: compared as bytes
        ["甲", "乙", "甲", "乙", "丙", "甲"],  # any other text as it is
    ],
)
@pytest.mark.parametrize("base", [2020, -3000])  # a narrow and a very wide span
def test_the_year_before_is_found_by_table_and_by_sort_alike(
    ids: list[str], base: int
) -> None:
    from perfkpi.years import _prior

    # rows: id0 in base+3, id1 in base+2, id0 in base+2, id1 in base+3,
    # id2 in base+3, id0 in base; with base −3000 one more row in 3000 makes
    # the span of years too wide for a table of every (entity, year)
    years = [base + 3, base + 2, base + 2, base + 3, base + 3, base]
    text = ids
    if base < 0:
        years, text = [*years, 3000], [*ids, ids[4]]
    prior = _prior(np.array(text), np.array(years), "id")
    # row 0 (id0, +3) ← row 2 (id0, +2); row 3 (id1, +3) ← row 1 (id1, +2);
    # id0's +2 has no +1 (only base): none; the rest have no year before
    assert prior.tolist()[:6] == [2, -1, -1, 1, -1, -1]
    assert all(p == -1 for p in prior.tolist()[6:])


def test_the_same_entity_twice_in_a_year_is_named_by_both_paths() -> None:
    from perfkpi.years import _prior

    for years in ([2021, 2022, 2022], [-3000, 3000, 3000]):
        with pytest.raises(DataError, match=r"rows 2 and 3 are both 'A' in"):
            _prior(np.array(["B", "A", "A"]), np.array(years), "id")
