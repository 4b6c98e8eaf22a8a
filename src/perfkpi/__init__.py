"""perfkpi: performance indicators, targets, deductions and weighting trees.

Define indicators, score actuals against targets, apply deduction rules and roll
scores up a weighting tree to a total and a grade, exactly as published budget
performance evaluations (预算绩效评价) do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from perfkpi import _hooks, catalog
from perfkpi.batch import BatchResult, evaluate_batch
from perfkpi.check import CheckResult, check_report, load_stated
from perfkpi.deductions import Data, Deduction, Finding, Item
from perfkpi.errors import (
    AmbiguousValueError,
    AmbiguousValueWarning,
    DataError,
    DataValidationError,
    IncompatibleUnitError,
    PerfKPIError,
    PerfKPIWarning,
    RuleError,
    SchemeError,
    SchemeValidationError,
    SchemeWarning,
    TargetSyntaxError,
    UnknownUnitError,
)
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.explain import Explanation
from perfkpi.explain import explain as _explain
from perfkpi.files import (
    dump_data,
    dump_scheme,
    load_data,
    load_scheme,
)
from perfkpi.formulas import (
    Formula,
    FormulaError,
    FormulaZeroDivisionError,
    compute_actuals,
    parse_formula,
)
from perfkpi.grades import Band, GradeScale
from perfkpi.indicators import Indicator
from perfkpi.reviews import Review, review
from perfkpi.rounding import Rounding
from perfkpi.rules import Deduct, PerUnmet, Proportional, Shortfall, Sum
from perfkpi.scheme import Node, Scheme
from perfkpi.targetreview import TargetFinding, TargetReview, review_targets
from perfkpi.targets import (
    DEFAULT_SYNTAX,
    Comparator,
    LabelScale,
    Quantity,
    Target,
    TargetSyntax,
    format_target,
    parse_quantity,
    parse_target,
)
from perfkpi.targetsetting import (
    TargetProposal,
    TargetTable,
    propose_target,
    propose_targets,
)
from perfkpi.units import Unit, UnitRegistry
from perfkpi.whatif import (
    Gap,
    WhatIf,
    gap_to_grade,
    gap_to_grade_batch,
    what_if,
    what_if_batch,
)
from perfkpi.years import YearComparison, compare_years

__all__ = [
    "DEFAULT_SYNTAX",
    "AmbiguousValueError",
    "AmbiguousValueWarning",
    "Band",
    "BatchResult",
    "CheckResult",
    "Comparator",
    "Data",
    "DataError",
    "DataValidationError",
    "Deduct",
    "Deduction",
    "Evaluation",
    "Explanation",
    "Finding",
    "Formula",
    "FormulaError",
    "FormulaZeroDivisionError",
    "Gap",
    "GradeScale",
    "IncompatibleUnitError",
    "Indicator",
    "Item",
    "LabelScale",
    "Node",
    "PerUnmet",
    "PerfKPIError",
    "PerfKPIWarning",
    "Proportional",
    "Quantity",
    "Review",
    "Rounding",
    "RuleError",
    "Scheme",
    "SchemeError",
    "SchemeValidationError",
    "SchemeWarning",
    "Shortfall",
    "Sum",
    "Target",
    "TargetFinding",
    "TargetProposal",
    "TargetReview",
    "TargetSyntax",
    "TargetSyntaxError",
    "TargetTable",
    "Unit",
    "UnitRegistry",
    "UnknownUnitError",
    "WhatIf",
    "YearComparison",
    "catalog",
    "check_report",
    "compare_years",
    "compute_actuals",
    "dump_data",
    "dump_scheme",
    "evaluate",
    "evaluate_batch",
    "format_target",
    "gap_to_grade",
    "gap_to_grade_batch",
    "load_data",
    "load_scheme",
    "load_stated",
    "parse_formula",
    "parse_quantity",
    "parse_target",
    "propose_target",
    "propose_targets",
    "review",
    "review_targets",
    "what_if",
    "what_if_batch",
]


if TYPE_CHECKING:
    from pathlib import Path

    from perfkpi.excel import SelfEvaluation


def _read_excel(path: Path) -> SelfEvaluation:
    """Read a 绩效自评表 for the files layer, importing the ``excel`` extra late."""
    from perfkpi.excel import read_excel  # noqa: PLC0415 (optional extra)

    return read_excel(path)


def _excel() -> Any:  # noqa: ANN401 (the module)
    """Return :mod:`perfkpi.excel`, imported when first used (an optional extra)."""
    import perfkpi.excel  # noqa: PLC0415

    return perfkpi.excel


def _read_excel_table(path: str, *, sheet: str | None = None) -> dict[str, Any]:
    """Read a workbook's table of entities for the batch, with the ``excel`` extra."""
    try:
        from perfkpi.excel import read_table  # noqa: PLC0415 (optional extra)

        return read_table(path, sheet=sheet)
    except ModuleNotFoundError as exc:
        if exc.name not in (None, "openpyxl"):
            raise
        msg = (
            "reading a workbook needs the excel extra (pip install "
            "'perfkpi[excel]'); or save the sheet as CSV (UTF-8)"
        )
        raise DataError(path, msg) from None


# The files layer asks the library and the Excel reader through these hooks
# (the catalog builds on the loader; openpyxl is an optional extra).
_hooks.provide("library.indicator", catalog.indicator)
_hooks.provide("library.suggest", catalog.suggest)
_hooks.provide("library.schemes", catalog.schemes)
_hooks.provide("library.scheme", catalog.scheme)
_hooks.provide("excel.read", _read_excel)
_hooks.provide("excel.table", _read_excel_table)
_hooks.provide("excel.write_table", lambda *a, **k: _excel().write_table(*a, **k))


def _render(ev: Evaluation, **options: Any) -> str:  # noqa: ANN401 (render's)
    """Render *ev* with :mod:`perfkpi.report`, imported on the first report."""
    from perfkpi.report import render  # noqa: PLC0415 (keeps import light)

    return render(ev, **options)


# Evaluation's convenience methods reach the analyses and the report through
# these hooks (the analyses import the evaluation, not the other way round).
_hooks.provide("report.render", _render)
_hooks.provide("explain.explain", _explain)
_hooks.provide("whatif.what_if", what_if)
_hooks.provide("whatif.gap_to_grade", gap_to_grade)

if TYPE_CHECKING:
    __version__: str
    """The installed version of perfkpi (read from its metadata when asked)."""


def __getattr__(name: str) -> str:
    """Return ``__version__``, read from the installed metadata on first use.

    Raises
    ------
    AttributeError
        For any other name.
    """
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("perfkpi")
    msg = f"module 'perfkpi' has no attribute {name!r}"
    raise AttributeError(msg)
