"""The review workbook's 目标审核 sheet: the target review of the submissions."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import perfkpi
from perfkpi.deductions import Data
from perfkpi.excel import write_excel
from perfkpi.files import scheme_from_text
from perfkpi.reviews import review

# A training project, 100 points: 预算执行率 10, 产出 60, 效益 20, 满意度 10.
# Its classes 产出 / 效益 / 满意度 are those of the 2020 project taxonomy, all
# present; 预算执行率 is the one money-flow indicator, 10 of 100 points = 10 %,
# not more than 10 %: the scheme's own targets raise nothing.
SCHEME_TEXT = """
[scheme]
id = "train-2025"
name = "培训项目"
points = 100

[[node]]
code = "1"
name = "预算执行率"
points = {execution}
target = "≥100%"
rule = "proportional"

[[node]]
code = "2"
name = "产出指标"
points = 60
rule = "sum"

[[node]]
code = "2.1"
parent = "2"
name = "培训人次"
points = 30
target = "≥1000人次"
rule = "proportional"

[[node]]
code = "2.2"
parent = "2"
name = "培训合格率"
points = 30
target = "≥{passed}%"
rule = "proportional"

[[node]]
code = "3"
name = "效益指标"
points = 20
rule = "sum"

[[node]]
code = "3.1"
parent = "3"
name = "结业学员就业率"
points = 20
target = "≥{employed}%"
rule = "proportional"

[[node]]
code = "4"
name = "满意度指标"
points = {satisfied_points}
rule = "sum"

[[node]]
code = "4.1"
parent = "4"
name = "学员满意度"
points = {satisfied_points}
target = "≥{satisfied}%"
rule = "proportional"
"""

ACTUALS = {"1": "100%", "2.1": "1000人次", "2.2": "100%", "3.1": "100%", "4.1": "100%"}


def _scheme(
    execution: int = 10, passed: int = 95, employed: int = 80, satisfied: int = 90
) -> perfkpi.Scheme:
    text = SCHEME_TEXT.format(
        execution=execution,
        passed=passed,
        employed=employed,
        satisfied=satisfied,
        satisfied_points=20 - execution,
    )
    return scheme_from_text(text)


def _submit(folder: Path, name: str, scheme: perfkpi.Scheme) -> None:
    ev = perfkpi.evaluate(scheme, Data(actuals=ACTUALS, entity=name))
    write_excel(ev, folder / f"{name}.xlsx")


def _rows(path: Path) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path)
    return list(wb["目标审核"].iter_rows(values_only=True))


def test_a_department_whose_targets_are_all_100_is_listed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bureau = _scheme()
    _submit(folder, "甲局", bureau)
    # 乙局 raised every percentage target to 100 %: 1, 2.2, 3.1 and 4.1, four
    # percentage targets all exactly 100 %: the all-100 check
    _submit(folder, "乙局", _scheme(passed=100, employed=100, satisfied=100))
    result = review(bureau, [folder])
    assert [(d, f.check) for d, _, f in result.target_findings()] == [
        ("乙局", "all-100")
    ]
    out = tmp_path / "review.xlsx"
    result.to_excel(out)
    wb = openpyxl.load_workbook(out)
    # no warnings, so no 提示 sheet; 乙局 first: the same total, but three
    # 指标值 rows that are not the scheme's
    assert wb.sheetnames == ["汇总", "差异明细", "目标审核", "乙局", "甲局"]
    rows = _rows(out)
    assert rows[0] == (
        "部门",
        "文件",
        "审核维度",
        "检查",
        "问题",
        "编号",
        "指标",
        "规则与原因",
    )
    assert len(rows) == 2
    department, file, dimension, check, problem, code, name, reason = rows[1]
    assert (department, dimension, check, problem) == (
        "乙局",
        "适当性",
        "all-100",
        "指标值均为100%",
    )
    assert Path(str(file)).name == "乙局.xlsx"
    assert (code, name) == (None, None)  # about the whole set
    assert reason == "全部 4 项百分比指标的指标值均为100%，未体现差异"


def test_the_schemes_own_finding_is_listed_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # 预算执行率 at 20 of 100 points: 20 % > 10 %, on the scheme itself
    bureau = _scheme(execution=20)
    for name in ("甲局", "乙局", "丙局"):
        _submit(folder, name, bureau)
    result = review(bureau, [folder])
    # every department declared the scheme's targets: nothing of their own
    assert all(e.targets is not None for e in result.entries)
    assert [(d, f.check, f.code) for d, _, f in result.target_findings()] == [
        ("", "spending-heavy", "1")
    ]
    out = tmp_path / "review.xlsx"
    result.to_excel(out, lang="en")
    wb = openpyxl.load_workbook(out)
    rows = list(wb["Target review"].iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][:7] == (
        "Scheme train-2025",
        None,
        "relevance",
        "spending-heavy",
        "spending-heavy",
        "1",
        "预算执行率",
    )
    # 20 of the 100 points at stake
    assert "(20%)" in str(rows[1][7])
    # the text and the JSON carry it too
    assert (
        "  ! 评价方案 train-2025: [spending-heavy] 1 预算执行率: " in result.summary()
    )
    targets = result.to_dict()["targets"]
    assert isinstance(targets, list)
    assert [(t["department"], t["check"], t["code"]) for t in targets] == [
        ("", "spending-heavy", "1")
    ]


def test_nothing_flagged_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bureau = _scheme()
    _submit(folder, "甲局", bureau)
    result = review(bureau, [folder])
    assert result.target_findings() == []
    out = tmp_path / "review.xlsx"
    result.to_excel(out)
    assert _rows(out)[1][-1] == "未发现问题。"


def test_own_schemes_are_reviewed_in_full(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _submit(folder, "乙局", _scheme(passed=100, employed=100, satisfied=100))
    result = review(None, [folder])
    # no bureau scheme: the department's own set, all of it
    assert [(d, f.check) for d, _, f in result.target_findings()] == [
        ("乙局", "all-100")
    ]


def test_a_stated_figures_file_has_no_target_review(tmp_path: Path) -> None:
    source = Path(perfkpi.__file__).parent / "_stated" / "gz-internet-court-2022.toml"
    path = tmp_path / "广州互联网法院.toml"
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (entry,) = review(perfkpi.catalog.scheme("gz-dept-overall"), [path]).entries
    # it states scores, not indicators and targets
    assert entry.targets is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_review_travels_between_processes(tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(8):  # enough for two processes
        _submit(folder, f"局{i}", _scheme(passed=100, employed=100, satisfied=100))
    result = review(_scheme(), [folder], jobs=jobs)
    assert [f.check for _, _, f in result.target_findings()] == ["all-100"] * 8
