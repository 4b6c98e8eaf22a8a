"""Writing an evaluation as a workbook: score card, deductions and hidden record."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi import _checks, _wording, excel
from perfkpi._safe import set_text_cell, write_atomic
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation
from perfkpi.excel._model import _META, OutputPathError, _openpyxl
from perfkpi.excel._table import _exact_difference, _text
from perfkpi.rules import Rule, rule_to_dict
from perfkpi.scheme import Node, Scheme

_DEDUCTIONS = "扣分明细"
_LEVEL_NAMES = ("一级指标", "二级指标", "三级指标", "四级指标", "五级指标")


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters a workbook's XML cannot hold."""


def _put(ws: Any, row: int, column: int, value: object) -> Any:  # noqa: ANN401
    """Write *value* into a cell, text always as text (never a formula).

    A control character that a workbook cannot hold is shown as U+FFFD; the
    hidden record keeps the text as it was.
    """
    cell = ws.cell(row, column)
    if isinstance(value, str):
        value = _ILLEGAL.sub("\ufffd", value)
    set_text_cell(cell, value)
    return cell


def _actual_cell(value: object) -> object:
    """Return an actual as a cell value: numbers and text as they are."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | str | dt.date):
        return value
    if isinstance(value, Mapping) and "score" in value:
        return _text(value.get("tier")) or value["score"]
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _levels(scheme: Scheme, node: Node) -> list[str]:
    names = [node.name]
    current = node
    while current.parent is not None:
        current = scheme.node(current.parent)
        names.append(current.name)
    return names[::-1]


def _score_card_rows(ev: Evaluation) -> Iterator[tuple[Node, list[str]]]:
    for node in ev.scheme.ordered():
        if not node.is_item:
            yield node, _levels(ev.scheme, node)


def _rule_text(rule: Rule | None) -> str:
    if rule is None:
        return ""
    spec = rule_to_dict(rule)
    return spec if isinstance(spec, str) else json.dumps(spec, ensure_ascii=False)


def write_excel(
    evaluation: Evaluation,
    path: str | Path,
    *,
    reasons: Mapping[str, str] | None = None,
    inputs: Iterable[str | Path] = (),
) -> None:
    """Write an evaluation as a formatted workbook.

    The workbook has a score card (``评分表``: one row per scored node with its
    levels, 分值, 指标值, 实际完成值, 得分, 扣分 and 偏差原因, merged cells for the
    upper levels, the total and the grade) and the deductions (``扣分明细``:
    every deduction with its points, category and reason).  A hidden sheet
    records the scheme and the data in full, so that :func:`read_excel` reads
    the workbook back into the same scheme and data.

    Every text cell is written as text, never as a formula, whatever it
    starts with.  The workbook is written to a temporary file in the same
    folder and renamed into place, so a failed write leaves no half a file.

    Parameters
    ----------
    evaluation
        What :func:`perfkpi.evaluate` returned.
    path
        Where to write the ``.xlsx`` file.
    reasons
        The 偏差原因 to write, by node code, in place of the reasons of the
        node's deductions: pass :attr:`SelfEvaluation.reasons` to keep a
        sheet's own text.
    inputs
        The files the evaluation was read from: writing over one of them is
        an :class:`OutputPathError`.  A :class:`SelfEvaluation`'s
        :attr:`~SelfEvaluation.source` is one.

    Raises
    ------
    OutputPathError
        When *path* is one of *inputs*.
    TypeError
        When *evaluation* is not an :class:`~perfkpi.evaluation.Evaluation`,
        *path* or an input not a path, or *reasons* not a mapping of node
        codes to text.
    OSError
        When the file cannot be written (no such folder, no permission, a
        full disk): nothing is left half-written.
    """
    _checks.instance(evaluation, Evaluation, "evaluation")
    given: object = path  # callers without mypy may pass anything
    if not isinstance(given, str | os.PathLike):
        msg = f"path must be a file path (got {type(given).__name__})"
        raise TypeError(msg)
    path = Path(path)
    more: object = reasons
    if more is not None:
        if not isinstance(more, Mapping):
            kind = type(more).__name__
            msg = f"reasons must be a mapping of node codes to text (got {kind})"
            raise TypeError(msg)
        _checks.texts(list(more), "reasons' node codes")
        _checks.texts(list(more.values()), "reasons")
    files: object = inputs
    if isinstance(files, str | bytes | os.PathLike) or not isinstance(files, Iterable):
        msg = f"inputs must be a list of file paths (got {type(files).__name__})"
        raise TypeError(msg)
    sources: list[str | os.PathLike[str]] = []
    for source in files:
        if not isinstance(source, str | os.PathLike):
            msg = f"inputs must be file paths (got {type(source).__name__} in it)"
            raise TypeError(msg)
        sources.append(source)
    _refuse_overwrite(path, sources)
    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    card = _ScoreCard(wb.active, evaluation, reasons=dict(reasons or {}))
    card.write()
    _write_deductions(wb, evaluation)
    _write_meta(wb, evaluation, card.face)
    _save(wb, path)


def _save(wb: Any, path: Path) -> None:  # noqa: ANN401 (an openpyxl workbook)
    """Save a workbook through a temporary file renamed into place."""

    def save(temporary: str) -> None:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="openpyxl")
            wb.save(temporary)

    write_atomic(path, save)


def _refuse_overwrite(path: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise :class:`OutputPathError` when *path* is one of *inputs*."""
    for source in inputs:
        if _same_file(path, Path(source)):
            msg = f"{path}: the output would overwrite the input {source}"
            raise OutputPathError(msg)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (
            a.exists() and b.exists() and a.samefile(b)
        )
    except OSError:
        return False


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415

    thin = Side(style="thin", color="999999")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "head": PatternFill("solid", fgColor="DDE4EE"),
        "total": PatternFill("solid", fgColor="F2F2F2"),
        "bold": Font(bold=True),
        "title": Font(bold=True, size=14),
        "wrap": Alignment(wrap_text=True, vertical="center"),
        "top": Alignment(wrap_text=True, vertical="top"),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }


_WIDTHS = {
    "编号": 8,
    "分值": 8,
    "指标值": 14,
    "实际完成值": 14,
    "得分": 8,
    "扣分": 8,
    "偏差原因": 48,
    "类别": 10,
    "备注": 30,
    "评分规则": 24,
}


@attrs.define
class _ScoreCard:
    """Writes the score-card sheet of an evaluation."""

    ws: Any
    ev: Evaluation
    reasons: dict[str, str] = attrs.field(factory=dict)
    style: dict[str, Any] = attrs.field(factory=_styles)
    headers: list[str] = attrs.field(factory=list)
    depth: int = 3

    @property
    def face(self) -> str:
        """The fingerprint of what the sheet shows (see :func:`_face`)."""
        return _face(self.ws.iter_rows(min_row=2, values_only=True))

    def write(self) -> None:
        from openpyxl.utils import get_column_letter  # noqa: PLC0415

        ev, ws = self.ev, self.ws
        ws.title = excel.SCORE_CARD
        rows = list(_score_card_rows(ev))
        self.depth = max(3, *(len(levels) for _, levels in rows))
        self.headers = [
            "编号",
            *_LEVEL_NAMES[: self.depth],
            "分值",
            "指标值",
            "实际完成值",
            "得分",
            "扣分",
            "偏差原因",
            "类别",
            "备注",
            "评分规则",
        ]
        title = " ".join(
            t for t in (ev.scheme.name, ev.data.entity, ev.data.period) if t
        )
        _put(ws, 1, 1, title).font = self.style["title"]
        ws.merge_cells(
            start_row=1, start_column=1, end_row=1, end_column=len(self.headers)
        )
        for c, text in enumerate(self.headers, start=1):
            self.format(_put(ws, 2, c, text), head=True)
        spans: dict[int, list[tuple[str, int]]] = {}
        for r, (node, levels) in enumerate(rows, start=3):
            self.node_row(r, node, levels)
            for k in range(len(levels)):
                spans.setdefault(k, []).append((_ancestor(ev.scheme, node, k), r))
        _merge_levels(ws, spans)
        self.total_rows(3 + len(rows))
        for i, header in enumerate(self.headers, start=1):
            width = _WIDTHS.get(header, 18)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "B3"

    def column(self, header: str) -> int:
        return self.headers.index(header) + 1

    def format(self, cell: Any, *, head: bool = False) -> None:  # noqa: ANN401
        cell.border = self.style["border"]
        if head:
            cell.font = self.style["bold"]
            cell.fill = self.style["head"]
            cell.alignment = self.style["centre"]

    def node_row(self, r: int, node: Node, levels: Sequence[str]) -> None:
        ev, ws = self.ev, self.ws
        na = node.code in ev.not_applicable
        score = ev.scores.get(node.code)
        values: dict[str, object] = {
            "编号": node.code,
            "分值": node.points,
            "指标值": "" if node.target is None else _wording.target(node.target, "zh"),
            "得分": "不适用" if na or score is None else score,
            "偏差原因": self.reasons.get(node.code)
            or "；".join(d.reason for d in ev.deductions_of(node.code)),
            "类别": node.category,
            "备注": node.note,
            "评分规则": _rule_text(node.rule),
        }
        if not na and score is not None and node.points is not None:
            values["扣分"] = _exact_difference(node.points, score)
        if na:
            values["实际完成值"] = "不适用"
        elif node.code in ev.data.actuals:
            values["实际完成值"] = _actual_cell(ev.data.actuals[node.code])
        for k, name in enumerate(levels):
            _put(ws, r, 2 + k, name)
        for key, value in values.items():
            _put(ws, r, self.column(key), value)
        for c in range(1, len(self.headers) + 1):
            cell = ws.cell(r, c)
            self.format(cell)
            cell.alignment = self.style["centre" if c <= self.depth + 1 else "wrap"]
        for key in ("分值", "得分", "扣分"):
            ws.cell(r, self.column(key)).number_format = "0.00"
        if isinstance(values.get("实际完成值"), dt.date):
            ws.cell(r, self.column("实际完成值")).number_format = "yyyy-mm-dd"

    def total_rows(self, r: int) -> None:
        ev, ws = self.ev, self.ws
        _put(ws, r, 2, "合计")
        _put(ws, r, self.column("分值"), ev.scheme.points).number_format = "0.00"
        _put(ws, r, self.column("得分"), ev.total).number_format = "0.00"
        _put(ws, r + 1, 2, "等级")
        _put(ws, r + 1, self.column("得分"), ev.grade)
        for row in (r, r + 1):
            for c in range(1, len(self.headers) + 1):
                cell = ws.cell(row, c)
                self.format(cell)
                cell.fill = self.style["total"]
                cell.font = self.style["bold"]


def _ancestor(scheme: Scheme, node: Node, level: int) -> str:
    """Return the code of *node*'s ancestor at *level* (0 for the first level)."""
    chain = [node.code]
    current = node
    while current.parent is not None:
        current = scheme.node(current.parent)
        chain.append(current.code)
    chain.reverse()
    return chain[level]


def _merge_levels(ws: Any, spans: Mapping[int, list[tuple[str, int]]]) -> None:  # noqa: ANN401
    """Merge each level column over the consecutive rows of the same ancestor."""
    for k, entries in spans.items():
        runs: list[list[Any]] = []
        for code, r in entries:
            if runs and runs[-1][0] == code and runs[-1][2] + 1 == r:
                runs[-1][2] = r
            else:
                runs.append([code, r, r])
        for _, start, stop in runs:
            if stop > start:
                ws.merge_cells(
                    start_row=start, start_column=2 + k, end_row=stop, end_column=2 + k
                )


def _write_deductions(wb: Any, ev: Evaluation) -> None:  # noqa: ANN401
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    style = _styles()
    ws = wb.create_sheet(_DEDUCTIONS)
    headers = ["编号", "指标", "扣分", "类别", "扣分原因", "来源"]
    for c, text in enumerate(headers, start=1):
        cell = _put(ws, 1, c, text)
        cell.font, cell.fill, cell.border = (
            style["bold"],
            style["head"],
            style["border"],
        )
    for r, d in enumerate(ev.deductions, start=2):
        name = ev.scheme.node(d.node).name
        values = [d.node, name, d.points, d.category, d.reason, d.source or d.kind]
        for c, value in enumerate(values, start=1):
            cell = _put(ws, r, c, value)
            cell.border, cell.alignment = style["border"], style["top"]
        ws.cell(r, 3).number_format = "0.00"
    for i, width in enumerate((8, 24, 8, 10, 64, 10), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


_CHUNK = 30_000  # characters per cell: Excel holds at most 32,767 in one


def _face(rows: Iterable[Sequence[object]]) -> str:
    """Return a fingerprint of the score card's cells a person may edit.

    *rows* are the values of the sheet's rows from the header row (the
    second) down.

    Every cell from the header row down counts but for the stated figures
    (得分, 扣分) and the reasons (偏差原因), which are read from the sheet
    whatever the record says.  A workbook whose fingerprint still matches the
    one recorded when it was written has not been edited where it matters,
    and its recorded scheme and data are read instead of its cells.
    """
    skip: set[int] | None = None
    digest = hashlib.sha256()
    for row in rows:
        if skip is None:  # the header row
            headers = [_text(value) for value in row]
            skip = {
                i for i, h in enumerate(headers) if h in ("得分", "扣分", "偏差原因")
            }
        for i, raw in enumerate(row):
            if i in skip:
                continue
            value = raw
            if isinstance(raw, dt.datetime) and raw.time() == dt.time():
                value = raw.date()
            if isinstance(value, bool):
                text = f"b{value}"
            elif isinstance(value, dt.date):
                text = f"d{value.isoformat()}"
            elif isinstance(value, int | float):
                text = f"n{float(value)!r}"
            else:
                # a workbook's XML keeps no carriage return
                text = "" if value is None or value == "" else f"s{value}"
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            digest.update(text.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(b"\x01")
    return digest.hexdigest()


def _documents(ev: Evaluation) -> list[tuple[str, object]]:
    """Return the scheme and data in their file forms, in cell-sized chunks."""
    from perfkpi.files import data_to_dict, scheme_to_dict  # noqa: PLC0415

    out: list[tuple[str, object]] = []
    docs: list[tuple[str, Any]] = [("scheme_doc", scheme_to_dict)]
    docs.append(("data_doc", data_to_dict))
    # the evaluated scheme holds the data's items as nodes: they are stored
    # with the data, as they came
    items = {item.code for item in ev.data.items}
    # a data file holds no dates: they are recorded apart, as ISO text
    dates = {
        code: value.isoformat()
        for code, value in ev.data.actuals.items()
        if isinstance(value, dt.date)
    }
    plain = attrs.evolve(
        ev.data, actuals={**ev.data.actuals, **dict.fromkeys(dates, "")}
    )
    if dates:
        out.append(("data_dates", json.dumps(dates)))
    for key, to_dict in docs:
        value = ev.scheme if key == "scheme_doc" else plain
        try:
            doc = to_dict(value)
            if key == "scheme_doc":
                doc["node"] = [n for n in doc["node"] if n.get("code") not in items]
            text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
        except (PerfKPIError, TypeError, ValueError):
            continue  # not expressible in a file: read back from the cells
        out += [(key, text[i : i + _CHUNK]) for i in range(0, len(text), _CHUNK)]
    return out


def _write_meta(wb: Any, ev: Evaluation, face: str) -> None:  # noqa: ANN401
    ws = wb.create_sheet(_META)
    scheme = ev.scheme
    rounding = {
        "places": scheme.rounding.places,
        "mode": str(scheme.rounding.mode),
        "stage": str(scheme.rounding.stage),
    }
    rows: list[tuple[str, object]] = [
        ("scheme_id", scheme.id),
        ("scheme_name", scheme.name),
        ("points", scheme.points),
        ("grades", scheme.grades.name),
        ("rounding", json.dumps(rounding)),
        ("not_applicable", scheme.not_applicable),
        ("description", scheme.description),
        ("source", scheme.source),
        ("entity", ev.data.entity),
        ("period", ev.data.period),
        ("face", face),
        *_documents(ev),
    ]
    for r, (key, value) in enumerate(rows, start=1):
        _put(ws, r, 1, key)
        _put(ws, r, 2, value)
    ws.sheet_state = "hidden"
