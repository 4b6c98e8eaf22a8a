# ruff: noqa: INP001 (docs/ is not a package)
"""Run the documentation's examples from the project root.

The pages show paths such as ``docs/examples/training.toml`` as a reader in a
checkout of the source types them; this makes the doctests see the same paths
wherever pytest is started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

collect_ignore = ["conf.py", "_build"]


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
