"""Types a caller's checker sees: names as Literal types, lookups typed."""

from __future__ import annotations

import inspect
import typing
from importlib.metadata import version
from pathlib import Path

import perfkpi
from perfkpi import catalog
from perfkpi.errors import LANGS, Lang
from perfkpi.evaluation import Evaluation
from perfkpi.rounding import ModeName, RoundingMode, RoundingStage, StageName
from perfkpi.scheme import Scheme


def test_version_is_text() -> None:
    assert isinstance(perfkpi.__version__, str)
    assert perfkpi.__version__ == version("perfkpi")


def test_literal_names_match_the_enums() -> None:
    # a name the Literal allows is exactly a value the enum accepts
    assert set(typing.get_args(ModeName)) == {m.value for m in RoundingMode}
    assert set(typing.get_args(StageName)) == {s.value for s in RoundingStage}
    assert typing.get_args(Lang) == LANGS == ("zh", "en")


def test_catalog_lookups_are_typed() -> None:
    hints = {
        name: typing.get_type_hints(getattr(catalog, name))["return"]
        for name in ("scheme", "data", "scheme_path", "schemes", "indicator")
    }
    assert hints["scheme"] is Scheme
    assert hints["scheme_path"] is Path
    assert hints["schemes"] == tuple[str, ...]
    assert hints["indicator"] is perfkpi.Indicator
    assert hints["data"] is perfkpi.Data


def test_explain_takes_a_language() -> None:
    # the annotation as written (the return type is only known to a checker)
    lang = inspect.signature(Evaluation.explain).parameters["lang"]
    assert lang.annotation == "Lang"
    assert lang.default == "zh"
