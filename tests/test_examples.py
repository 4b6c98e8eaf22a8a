"""Every script in examples/ runs, and prints what its story says."""

from __future__ import annotations

import runpy
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.mark.parametrize("script", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_example_runs(script: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    assert result.stdout


def test_seed_example_reproduces_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(EXAMPLES / "seed_evaluation.py"))
    ev = module["main"]()
    assert (ev.total, ev.grade) == (88.63, "良")
    out = capsys.readouterr().out
    assert "广州互联网法院 2022: 88.63 (良)" in out
    assert "履职效能: 45.98 / 50" in out
    assert "管理效率: 42.65 / 50" in out


def test_build_a_scheme_example(capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(EXAMPLES / "build_a_scheme.py"))
    ev = module["main"]()
    # 10 × 95/100 = 9.5; 50 × 1080/1200 = 45; 93.5 % ≥ 90 % → 40; total 94.5
    assert (ev.score("1"), ev.score("2"), ev.score("3")) == (9.5, 45, 40)
    assert (ev.total, ev.grade) == (94.5, "优")
    assert "94.50" in capsys.readouterr().out
