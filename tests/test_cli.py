"""The command line, run in-process and as ``python -m perfkpi``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from perfkpi import catalog
from perfkpi.cli import main


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "88.63" in out
    assert "45.98" in out
    assert "42.65" in out
    assert "良" in out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["total"], doc["grade"]) == (88.63, "良")
    scores = {n["code"]: n["score"] for n in doc["nodes"]}
    assert (scores["1"], scores["2"]) == (45.98, 42.65)
    deductions = [d for n in doc["nodes"] for d in n["deductions"]]
    assert len(deductions) == 12
    assert all(d["reason"] for d in deductions)


def test_demo_markdown_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "markdown", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "| | **Total** | 100.00 | **88.63** |" in out


def test_evaluate_bundled_files(capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(catalog.scheme_path("gz-dept-overall"))
    data = str(catalog.data_path("gz-internet-court-2022"))
    assert main(["evaluate", scheme, data]) == 0
    assert "88.63" in capsys.readouterr().out


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(catalog.scheme_path("gz-dept-overall"))]) == 0
    assert "valid scheme 'gz-dept-overall'" in capsys.readouterr().out


def test_validate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[scheme]\nid = "x"\nname = "x"\npoints = 50\n'
        '[[node]]\ncode = "1"\nname = "a"\npoints = 45\nrule = "deduct"\n',
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "first-level points sum to 45, not 50" in err


def test_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≤1小时", "45分钟"]) == 0
    assert capsys.readouterr().out.split() == ["≤1小时", "45分钟", "met"]
    assert main(["target", "不低于95%"]) == 0
    assert capsys.readouterr().out.strip() == "≥95%"


def test_target_unit_mismatch_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≤1小时", "5件"]) == 2
    assert "件" in capsys.readouterr().err


def test_target_syntax_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≥"]) == 2
    assert "character" in capsys.readouterr().err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/scheme.toml"]) == 2
    assert "no/such/scheme.toml" in capsys.readouterr().err


def test_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "gz-dept-overall" in out
    assert "gz-internet-court-2022" in out


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perfkpi", "demo", "--format", "json"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    assert json.loads(result.stdout)["total"] == 88.63
