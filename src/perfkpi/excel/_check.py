"""Checking the figures a sheet states against what the rules give."""

from __future__ import annotations

import warnings
from pathlib import Path

import attrs

from perfkpi import _checks
from perfkpi.errors import PerfKPIError, PerfKPIWarning
from perfkpi.evaluation import Evaluation
from perfkpi.excel._model import SelfEvaluation, StatedFigure
from perfkpi.excel._read import read_excel
from perfkpi.excel._table import _exact_difference, _text
from perfkpi.scheme import Scheme
from perfkpi.targets import format_number


@attrs.frozen
class Difference:
    """A figure a sheet states that its recomputation does not give.

    Attributes
    ----------
    cell
        Where the sheet states it: ``绩效自评表!G4``.
    node
        The node's code, or ``"total"``.
    name
        The node's name (``合计`` for the total).
    column
        ``得分``, ``扣分``, ``分值`` or ``等级``.
    stated
        The figure as the sheet states it.
    recomputed
        What the scheme's rules give (``"不适用"`` for a node that does not
        apply).
    rule
        The rule that gives it (``proportional``), ``sum`` for the total.
    why
        How it is recomputed, with the numbers.
    """

    cell: str
    node: str
    name: str
    column: str
    stated: float | str
    recomputed: float | str
    rule: str
    why: str

    def __str__(self) -> str:
        return (
            f"{self.cell}: {self.node} {self.name} {self.column} stated "
            f"{_shown(self.stated)}, recomputed {_shown(self.recomputed)} "
            f"({self.rule}: {self.why})"
        )

    def to_dict(self) -> dict[str, object]:
        """Return the difference as plain, JSON-able data."""
        return attrs.asdict(self)


def _shown(value: float | str) -> str:
    return value if isinstance(value, str) else format_number(value)


def differences(
    sheet: SelfEvaluation, evaluation: Evaluation | None = None
) -> tuple[Difference, ...]:
    """Return every figure the sheet states that its recomputation does not give.

    Each 得分 and 扣分 of a row, the 合计 row's 得分, 分值 and 扣分, and the
    等级 are compared with what the scheme's rules give for the sheet's
    actuals (:attr:`SelfEvaluation.stated`).  A number agrees when it is
    within half a unit of the scheme's last rounding place (9.524 states
    9.52; 9.5 does not).

    Parameters
    ----------
    sheet
        What :func:`read_excel` read.
    evaluation
        The recomputation; by default ``evaluate(sheet.scheme, sheet.data)``.
        Pass one made with another scheme (a bureau's) to check the sheet
        against it: the node codes must be the same.

    Returns
    -------
    tuple of Difference
        In the order of the sheet's cells; empty when every figure agrees.

    Examples
    --------
    >>> import openpyxl, pathlib, tempfile
    >>> wb = openpyxl.Workbook()
    >>> ws = wb.active
    >>> ws.append(["指标名称", "分值", "指标值", "实际完成值", "得分"])
    >>> ws.append(["执行率", 40, "≥100%", "95%", 40])
    >>> ws.append(["满意度", 60, "≥90%", "93%", 60])
    >>> ws.append(["合计", 100, None, None, 100])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "自评.xlsx"
    >>> wb.save(path)
    >>> for d in differences(read_excel(path)):
    ...     print(d)
    Sheet!E2: 1 执行率 得分 stated 40, recomputed 38 (proportional: 40 × 95 / 100 = 38)
    Sheet!E4: total 合计 得分 stated 100, recomputed 98 (sum: 38 + 60 = 98)

    Raises
    ------
    TypeError
        When *sheet* is not a :class:`SelfEvaluation` or *evaluation* not an
        :class:`~perfkpi.evaluation.Evaluation`.
    DataError
        Without *evaluation*, when the sheet's data cannot be evaluated (see
        :func:`perfkpi.evaluate`).
    """
    from perfkpi.evaluation import evaluate  # noqa: PLC0415

    _checks.instance(sheet, SelfEvaluation, "sheet")
    if evaluation is not None:
        _checks.instance(evaluation, Evaluation, "evaluation")

    ev = evaluation if evaluation is not None else evaluate(sheet.scheme, sheet.data)
    scheme = ev.scheme
    half = 0.5 * 10.0**-scheme.rounding.places + 1e-9
    out: list[Difference] = []
    for figure in sheet.stated:
        found = _recompute(ev, figure)
        if found is None:
            continue
        recomputed, rule, why = found
        stated = figure.value
        if isinstance(stated, str) or isinstance(recomputed, str):
            same = _text(stated) == _text(recomputed)
        else:
            same = abs(stated - recomputed) <= half
        if not same:
            name = "合计" if figure.node == "total" else scheme.node(figure.node).name
            if figure.node in ev.scores:
                trace = _why(ev, figure.node)
                why = f"{why}; {trace}" if why else trace
            out.append(
                Difference(
                    figure.cell,
                    figure.node,
                    name,
                    figure.column,
                    stated,
                    recomputed,
                    rule,
                    why,
                )
            )
    return tuple(out)


def check_workbook(
    path: str | Path,
    scheme: Scheme | None = None,
    *,
    sheet: str | None = None,
    strict: bool = False,
) -> tuple[SelfEvaluation, tuple[Difference, ...]]:
    """Read a workbook and list the figures it states that the rules do not give.

    This is what ``perfkpi check`` does with a workbook: read it
    (:func:`read_excel`), recompute it — by its own scheme, or by *scheme*
    (the bureau's, with the same node codes) — and compare
    (:func:`differences`).

    Parameters
    ----------
    path
        The workbook.
    scheme
        The scheme to recompute by; by default the one the sheet gives.
    sheet
        The sheet to read (see :func:`read_excel`).
    strict
        Passed to :func:`perfkpi.evaluate`: a value that reads two ways is an
        error instead of a warning.

    Returns
    -------
    tuple
        The sheet read and its differences (empty when every figure agrees).

    Raises
    ------
    SchemeValidationError
        When the workbook cannot be read (see :func:`read_excel`).
    DataError
        When its data cannot be evaluated by the scheme (see
        :func:`perfkpi.evaluate`); with *strict*, an
        :class:`~perfkpi.errors.AmbiguousValueError`.
    TypeError
        When *scheme* is neither a Scheme nor ``None``.
    """
    from perfkpi.evaluation import evaluate  # noqa: PLC0415

    if scheme is not None:
        _checks.instance(scheme, Scheme, "scheme")

    read = read_excel(path, sheet=sheet)
    ev = evaluate(scheme or read.scheme, read.data, strict=strict)
    return read, differences(read, ev)


def _recompute(  # noqa: PLR0911 (one return per kind of figure)
    ev: Evaluation, figure: StatedFigure
) -> tuple[float | str, str, str] | None:
    """Return what the evaluation gives for a stated figure: value, rule, why."""
    scheme, code = ev.scheme, figure.node
    if code == "total":
        roots = [n for n in scheme.nodes if n.parent is None]
        scored = [ev.scores[n.code] for n in roots if n.code in ev.scores]
        sums = " + ".join(format_number(v) for v in scored)
        if figure.column == "得分":
            return ev.total, "sum", f"{sums} = {format_number(ev.total)}"
        if figure.column == "分值":
            parts = " + ".join(format_number(n.points or 0.0) for n in roots)
            return scheme.points, "sum", f"{parts} = {format_number(scheme.points)}"
        if figure.column == "扣分":
            lost = _exact_difference(scheme.points, ev.total)
            why = f"{format_number(scheme.points)} − {format_number(ev.total)}"
            return lost, "sum", f"{why} = {format_number(lost)}"
        return ev.grade, "grade", f"{scheme.grades.name}: {format_number(ev.total)}"
    if code not in scheme:
        return None
    rule = scheme.rule(code)
    kind = rule.kind if rule is not None else "item"
    if code in ev.not_applicable:
        return "不适用", kind, "the node does not apply"
    if code not in ev.scores:
        return None
    score = ev.scores[code]
    if figure.column == "扣分":
        points = scheme.node(code).points or 0.0
        lost = _exact_difference(points, score)
        return lost, kind, f"{format_number(points)} − {format_number(score)}"
    return score, kind, ""


def _why(ev: Evaluation, code: str) -> str:
    """Return how a node's score is recomputed, with the numbers, in one line."""
    try:
        with warnings.catch_warnings():
            # the evaluation gave its warnings already: the trace repeats none
            warnings.simplefilter("ignore", PerfKPIWarning)
            trace = ev.explain(code, lang="en")
    except (PerfKPIError, ValueError, KeyError):
        rule = ev.scheme.rule(code)
        return rule.describe("en") if rule is not None else ""
    return trace.substituted or trace.formula or trace.rule
