"""Warnings, errors and the records of :mod:`perfkpi.excel`, and its names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from perfkpi import _checks
from perfkpi.deductions import Data
from perfkpi.errors import PerfKPIError, PerfKPIWarning
from perfkpi.scheme import Scheme


class HiddenCellsWarning(PerfKPIWarning):
    """A sheet read has hidden rows or columns with something in them.

    A hidden row is read like any other (its points count towards the
    total), but the person looking at the sheet does not see it: the warning
    names the sheet and the rows or columns.
    """


class EditedWorkbookWarning(PerfKPIWarning):
    """A workbook perfkpi wrote was edited where it states the scheme or data.

    Its cells are read, as those of any sheet; what they cannot show (scheme
    overrides, items, a custom grade scale) is lost.
    """


class OutputPathError(ValueError, PerfKPIError):
    """An output path would overwrite one of the inputs."""


_META = "perfkpi"


def _openpyxl() -> Any:  # noqa: ANN401 (the openpyxl module)
    try:
        import openpyxl  # noqa: PLC0415 (an optional extra, imported when used)
    except ModuleNotFoundError:  # pragma: no cover (the extra is installed in tests)
        msg = "reading and writing Excel needs openpyxl: pip install 'perfkpi[excel]'"
        raise ModuleNotFoundError(msg) from None
    return openpyxl


@attrs.frozen
class StatedFigure:
    """A figure a sheet states: a node's (or the total's) 得分, 扣分, 分值 or 等级.

    Attributes
    ----------
    node
        The node's code, or ``"total"`` for the 合计 and 等级 rows.
    column
        ``得分``, ``扣分``, ``分值`` or ``等级``.
    value
        The figure as the cell holds it: a number, or text (``不适用``, ``良``).
    cell
        Where it is: ``绩效自评表!G4``.
    """

    node: str
    column: str
    value: float | str
    cell: str


def _a_scheme(value: object) -> Scheme:
    return _checks.instance(value, Scheme, "scheme")


def _some_data(value: object) -> Data:
    return _checks.instance(value, Data, "data")


def _figures(values: Iterable[StatedFigure]) -> tuple[StatedFigure, ...]:
    return _checks.instances(values, StatedFigure, "stated")


@attrs.frozen
class SelfEvaluation:
    """What :func:`read_excel` found in a sheet.

    Attributes
    ----------
    scheme
        The scheme: one node per indicator row, upper levels as inner nodes.
    data
        The actuals, findings and not-applicable markers of the sheet.
    scores
        The 得分 each row reports, by node code (to compare with an
        evaluation).
    reasons
        The 偏差原因 of each row that gives one, by node code.
    total
        The total the sheet reports (its 合计 or 总分 row), if any.
    cells
        The cell of each node's row (``评分表!B7``), by node code.
    source
        The file read.
    stated
        Every figure the sheet states: each row's 得分 and 扣分, the 合计 row's
        得分, 分值 and 扣分 and the 等级 (node ``total``), with its cell; what
        :func:`differences` compares with a recomputation.

    Raises
    ------
    TypeError
        When *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *data* not a
        :class:`~perfkpi.deductions.Data`, or *stated* not a list of
        :class:`StatedFigure`.
    """

    scheme: Scheme = attrs.field(converter=_a_scheme)
    data: Data = attrs.field(converter=_some_data)
    scores: Mapping[str, float] = attrs.field(factory=dict, hash=False)
    reasons: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    total: float | None = None
    cells: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    source: str = ""
    stated: tuple[StatedFigure, ...] = attrs.field(
        default=(), converter=_figures, hash=False
    )
