"""复核 of a stack of submissions: perfkpi.review and ``perfkpi review``."""

from __future__ import annotations

import json
import runpy
import tomllib
from pathlib import Path

import attrs
import openpyxl
import pytest

import perfkpi
from perfkpi.check import bundled_stated
from perfkpi.cli import main
from perfkpi.errors import DataError
from perfkpi.excel import OutputPathError, write_excel
from perfkpi.reviews import Review, review

EXAMPLE = Path(__file__).parent.parent / "examples" / "review"
SCHEME = perfkpi.load_scheme(EXAMPLE / "scheme.toml")
EXPECTED = tomllib.loads((EXAMPLE / "expected.toml").read_text(encoding="utf-8"))


def _seed() -> perfkpi.Evaluation:
    return perfkpi.evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


def _same(found: float | str | None, expected: object) -> bool:
    if expected == "":
        return found is None or found == ""
    if isinstance(expected, str) or isinstance(found, str):
        return found == expected
    return found is not None and abs(float(found) - float(str(expected))) < 1e-9


def _check_against_expected(result: Review) -> None:
    expected = EXPECTED["department"]
    assert [Path(e.file).name for e in result.entries] == [d["file"] for d in expected]
    for entry, want in zip(result.entries, expected, strict=True):
        name = want["file"]
        assert entry.stated_total == want.get("stated_total"), name
        assert entry.recomputed_total == want.get("recomputed_total"), name
        assert entry.stated_grade == want.get("stated_grade", ""), name
        assert entry.recomputed_grade == want.get("recomputed_grade", ""), name
        assert want.get("error", "\0") in entry.error or not entry.error, name
        assert bool(entry.error) == ("error" in want), name
        assert len(entry.warnings) == len(want.get("warnings", [])), name
        for part, text in zip(want.get("warnings", []), entry.warnings, strict=True):
            assert part in text, name
        found = [
            (d.place, d.subject, d.stated, d.recomputed) for d in entry.discrepancies
        ]
        wanted = want.get("discrepancies", [])
        assert len(found) == len(wanted), (name, found)
        for got, d in zip(found, wanted, strict=True):
            assert got[:2] == (d["place"], d["subject"]), name
            assert _same(got[2], d["stated"]), (name, got)
            assert _same(got[3], d["recomputed"]), (name, got)


# -- the example: twelve departments, worked out by hand ----------------------------


def test_the_shipped_submissions_review_as_worked_out_by_hand() -> None:
    result = review(SCHEME, [EXAMPLE / "submissions"])
    _check_against_expected(result)
    assert not result.ok


def test_the_generator_writes_the_same_submissions(tmp_path: Path) -> None:
    module = runpy.run_path(str(EXAMPLE / "make_submissions.py"))
    folder = module["main"](tmp_path / "submissions")
    shipped = sorted(p.name for p in (EXAMPLE / "submissions").iterdir())
    assert sorted(p.name for p in folder.iterdir()) == shipped
    _check_against_expected(review(SCHEME, [folder]))


def test_the_example_script_writes_both_outputs(tmp_path: Path) -> None:
    module = runpy.run_path(
        str(Path(__file__).parent.parent / "examples" / "review_submissions.py")
    )
    result = module["main"](tmp_path)
    assert (tmp_path / "review.xlsx").exists()
    assert (tmp_path / "review.html").exists()
    assert len(result.entries) == len(EXPECTED["department"])


# -- what is read --------------------------------------------------------------------


def test_a_folder_skips_lock_files_hidden_files_and_sub_folders(tmp_path: Path) -> None:
    write_excel(_seed(), tmp_path / "法院.xlsx")
    (tmp_path / "~$法院.xlsx").write_bytes(b"lock")  # Excel's lock file
    (tmp_path / ".DS_Store").write_bytes(b"")
    (tmp_path / "说明.pdf").write_bytes(b"%PDF")
    (tmp_path / "old").mkdir()
    write_excel(_seed(), tmp_path / "old" / "去年.xlsx")
    result = review(perfkpi.catalog.scheme("gz-dept-overall"), [tmp_path])
    assert [Path(e.file).name for e in result.entries] == ["法院.xlsx"]
    assert [Path(s).name for s in result.skipped] == ["说明.pdf"]
    assert result.ok


def test_a_missing_input_or_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file or folder"):
        review(SCHEME, [tmp_path / "nowhere"])
    with pytest.raises(DataError, match=r"no file to review \(looked for .xlsx"):
        review(SCHEME, [tmp_path])
    with pytest.raises(TypeError, match="scheme must be a Scheme or None, not str"):
        review("scheme.toml", [tmp_path])  # type: ignore[arg-type]


def test_the_review_own_outputs_are_not_read(tmp_path: Path) -> None:
    write_excel(_seed(), tmp_path / "法院.xlsx")
    write_excel(_seed(), tmp_path / "review.xlsx")  # a previous review's name
    result = review(None, [tmp_path], exclude=[tmp_path / "review.xlsx"])
    assert [Path(e.file).name for e in result.entries] == ["法院.xlsx"]


def test_each_workbook_by_its_own_scheme(tmp_path: Path) -> None:
    write_excel(_seed(), tmp_path / "法院.xlsx")
    (entry,) = review(None, [tmp_path]).entries
    # the seed report: 45.98 + 42.65 = 88.63, 良
    assert (entry.department, entry.recomputed_total, entry.recomputed_grade) == (
        "广州互联网法院",
        88.63,
        "良",
    )
    assert entry.ok


def test_a_stated_figures_file_is_checked_for_its_arithmetic(tmp_path: Path) -> None:
    source = Path(perfkpi.__file__).parent / "_stated"
    text = (source / "gz-internet-court-2022.toml").read_text(encoding="utf-8")
    path = tmp_path / "广州互联网法院.toml"
    path.write_text(text, encoding="utf-8")
    scheme = perfkpi.catalog.scheme("gz-dept-overall")
    (entry,) = review(scheme, [path]).entries
    # the report states 预算完成率 99.98 %; its own amounts give 99.97 %
    # (tests/test_check.py works the figures out)
    subjects = [d.subject for d in entry.discrepancies]
    assert subjects == [
        m.subject
        for m in perfkpi.check_report(
            scheme, bundled_stated("gz-internet-court-2022")
        ).mismatches
    ]
    assert "预算完成率" in subjects
    assert entry.stated_total == 88.63  # 45.98 + 42.65
    assert entry.recomputed_total == 88.63
    assert not entry.error
    (entry,) = review(None, [path]).entries
    assert "names no rules" in entry.error


def test_strict_makes_a_value_read_two_ways_an_error_row() -> None:
    path = EXAMPLE / "submissions" / "市农业农村局.xlsx"
    (entry,) = review(SCHEME, [path], strict=True).entries
    assert "0.965" in entry.error
    assert entry.discrepancies == ()


def test_progress_is_called_after_each_file() -> None:
    calls: list[tuple[int, int]] = []
    review(
        SCHEME, [EXAMPLE / "submissions"], progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(n, 12) for n in range(1, 13)]


# -- what is written -----------------------------------------------------------------


def test_the_workbook_has_summary_discrepancies_warnings_and_scored_sheets(
    tmp_path: Path,
) -> None:
    result = review(SCHEME, [EXAMPLE / "submissions"])
    out = tmp_path / "review.xlsx"
    result.to_excel(out)
    wb = openpyxl.load_workbook(out)
    scored = [e.department for e in result.entries if e.evaluation is not None]
    assert wb.sheetnames == ["汇总", "差异明细", "提示", "目标审核", *scored]
    summary = list(wb["汇总"].iter_rows(values_only=True))
    assert summary[0][:5] == ("序号", "部门", "申报总分", "复核总分", "差额")
    assert [row[1] for row in summary[1:]] == [e.department for e in result.entries]
    # 市农业农村局: 100 stated, 85.15 recomputed (expected.toml)
    row = next(r for r in summary if r[1] == "市农业农村局")
    assert row[2:5] == (100, 85.15, 14.85)
    details = list(wb["差异明细"].iter_rows(values_only=True))
    assert len(details) == 1 + len(result.discrepancies)
    assert sum(1 for r in details if r[0] == "市住建局") == 8
    card = wb["市教育局"]
    assert any(c.value == 97.5 for row in card.iter_rows() for c in row)


def test_text_from_submissions_is_never_a_formula_or_markup(tmp_path: Path) -> None:
    ev = _seed()
    bad = '=HYPERLINK("http://x","<script>alert(1)</script>")'
    data = attrs.evolve(ev.data, entity=bad)
    scheme = perfkpi.catalog.scheme("gz-dept-overall")
    write_excel(perfkpi.evaluate(scheme, data), tmp_path / "x.xlsx")
    result = review(None, [tmp_path / "x.xlsx"])
    out = tmp_path / "out"
    out.mkdir()
    result.to_excel(out / "review.xlsx")
    ws = openpyxl.load_workbook(out / "review.xlsx")["汇总"]
    assert ws["B2"].value == bad
    assert ws["B2"].data_type == "s"
    page = result.to_html(out / "review.html")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_an_output_never_overwrites_an_input(tmp_path: Path) -> None:
    path = tmp_path / "法院.xlsx"
    write_excel(_seed(), path)
    result = review(None, [path])
    with pytest.raises(OutputPathError, match="would overwrite the input"):
        result.to_excel(path)
    with pytest.raises(DataError, match=r"written as \.xlsx"):
        result.to_excel(tmp_path / "review.csv")


def test_summary_in_english_and_json() -> None:
    result = review(SCHEME, [EXAMPLE / "submissions"])
    text = result.summary("en")
    assert text.startswith(
        "12 files reviewed: 3 agree in every figure, 5 differ, 4 could not be reviewed."
    )
    doc = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert doc["files"] == 12
    assert doc["ok"] is False
    with pytest.raises(DataError, match="lang must be 'zh' or 'en'"):
        result.summary("fr")


# -- the command line ----------------------------------------------------------------


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(EXAMPLE / "scheme.toml")
    out = tmp_path / "review.xlsx"
    assert main(["review", scheme, str(EXAMPLE / "submissions"), "-o", str(out)]) == 1
    assert out.exists()
    assert out.with_suffix(".html").exists()
    assert "共复核12个文件" in capsys.readouterr().out
    good = tmp_path / "good"
    good.mkdir()
    write_excel(_seed(), good / "法院.xlsx")
    assert main(["review", "--own", str(good)]) == 0
    assert main(["review", scheme, str(tmp_path / "nowhere")]) == 2
    assert "没有该文件或文件夹" in capsys.readouterr().err
    assert main(["review", scheme]) == 2
    assert main(["review", "--own", str(good), "-o", str(good / "x.csv")]) == 2


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(EXAMPLE / "scheme.toml")
    path = str(EXAMPLE / "submissions" / "市人社局.xlsx")
    assert main(["review", scheme, path, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    (entry,) = doc["entries"]
    # 98.98 stated, 98.89 recomputed (expected.toml): 0.09 apart
    assert (entry["stated_total"], entry["recomputed_total"]) == (98.98, 98.89)
    assert entry["difference"] == pytest.approx(0.09)


def test_two_processes_give_the_same_review() -> None:
    one = review(SCHEME, [EXAMPLE / "submissions"])
    calls: list[int] = []
    two = review(
        SCHEME, [EXAMPLE / "submissions"], jobs=2, progress=lambda d, _: calls.append(d)
    )
    assert two.to_dict() == one.to_dict()
    assert calls == list(range(1, 13))
    _check_against_expected(two)
    for bad in (0, -1, 1.5, True):
        with pytest.raises(DataError, match="a whole number of at least 1"):
            review(SCHEME, [EXAMPLE / "submissions"], jobs=bad)  # type: ignore[arg-type]
