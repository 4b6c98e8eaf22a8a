"""The public surface: exports, version, and what importing costs."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import subprocess
import sys

import perfkpi


def test_all_is_sorted_and_importable() -> None:
    # constants first, then classes, then functions and modules (isort style)
    def order(name: str) -> tuple[int, str]:
        if name.isupper():
            return (0, name)
        return (1 if name[0].isupper() else 2, name)

    assert list(perfkpi.__all__) == sorted(perfkpi.__all__, key=order)
    for name in perfkpi.__all__:
        assert getattr(perfkpi, name) is not None


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    assert perfkpi.__version__ == version("perfkpi")


def test_import_pulls_in_no_extra() -> None:
    code = (
        "import sys, perfkpi; "
        "heavy = {'hypothesis', 'openpyxl', 'matplotlib', 'narwhals', 'pandas'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_errors_are_builtins_too() -> None:
    assert issubclass(perfkpi.TargetSyntaxError, ValueError)
    assert issubclass(perfkpi.DataError, ValueError)
    assert issubclass(perfkpi.SchemeValidationError, ExceptionGroup)
    for name in perfkpi.__all__:
        obj = getattr(perfkpi, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, Exception)
            and not issubclass(obj, Warning)
        ):
            assert issubclass(obj, perfkpi.PerfKPIError)
        if isinstance(obj, type) and issubclass(obj, Warning):
            assert issubclass(obj, perfkpi.PerfKPIWarning)


# -- every public callable says what it raises -------------------------------------

_RECORDS = {
    # results the engine builds: they hold what they are given and check nothing
    "perfkpi.deductions.Deduction",
    "perfkpi.explain.Input",
    "perfkpi.formulas.Formula",
    "perfkpi.formulas.FormulaResult",
    "perfkpi.plan.Plan",
    "perfkpi.plan.PlanResult",
    "perfkpi.rules.Columns",
    "perfkpi.whatif.Change",
    "perfkpi.whatif.Improvement",
    "perfkpi.whatif.Step",
    "perfkpi.excel.Difference",
    "perfkpi.excel.StatedFigure",
    "perfkpi.reviews.Discrepancy",
    "perfkpi.years.YearComparison",
    "perfkpi.targetreview.Check",
    "perfkpi.targetreview.ReviewedIndicator",
    "perfkpi.targetreview.TargetFinding",
    "perfkpi.targetreview.TargetReview",
    "perfkpi.targetsetting.TargetProposal",
    "perfkpi.targetsetting.TargetTable",
}
# no Raises section yet (the fuzzers' OPEN table lists what escapes them): none left
_NOT_YET: set[str] = set()


def _public_callables() -> dict[str, object]:
    """Every public function and class that takes arguments, by ``module.name``."""
    names = ["perfkpi", "perfkpi.catalog.listing"]
    names += [
        f"perfkpi.{m.name}"
        for m in pkgutil.iter_modules(perfkpi.__path__)
        if not m.name.startswith("_") and m.name != "testing"  # strategies
    ]
    found: dict[str, object] = {}
    for name in names:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            home = getattr(obj, "__module__", "")
            if not callable(obj) or not home.startswith("perfkpi"):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException | enum.Enum):
                continue
            if not inspect.signature(obj).parameters:
                continue
            found[f"{home}.{obj.__qualname__}"] = obj
    return found


def test_every_public_callable_lists_what_it_raises() -> None:
    without = {
        name
        for name, obj in _public_callables().items()
        if "Raises\n------" not in (inspect.getdoc(obj) or "")
    }
    assert without == _RECORDS | _NOT_YET
