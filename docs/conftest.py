# ruff: noqa: INP001 (docs/ is not a package)
"""Run the documentation's examples from the project root.

The pages show paths such as ``docs/examples/training.toml`` as a reader in a
checkout of the source types them; this makes the doctests see the same paths
wherever pytest is started.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

collect_ignore = ["conf.py", "_build"]


@pytest.fixture(autouse=True)
def _at_project_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


# The pages' property examples draw whole schemes; on a cold machine the first
# draws can exceed Hypothesis's generation-time health check, which says
# nothing about the property itself.  The profile holds for the pages only.
settings.register_profile(
    "docs", suppress_health_check=[HealthCheck.too_slow], deadline=None
)


@pytest.fixture(autouse=True)
def _hypothesis_docs_profile() -> Iterator[None]:
    before = settings.get_current_profile_name()
    settings.load_profile("docs")
    yield
    settings.load_profile(before)
