"""Reading a sheet into a scheme and data, or a written workbook from its record."""

from __future__ import annotations

import datetime as dt
import functools
import json
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi import excel
from perfkpi.deductions import Data
from perfkpi.errors import (
    PerfKPIError,
    PerfKPIWarning,
    SchemeError,
    SchemeValidationError,
)
from perfkpi.excel._book import _check_size, _fail, _meta, _open, _sheet
from perfkpi.excel._model import _META, EditedWorkbookWarning, SelfEvaluation
from perfkpi.excel._reader import _cell_order, _merged, _Read, _Reader, _stated
from perfkpi.excel._table import (
    _Cell,
    _find_header,
    _grid,
    _number,
    _Row,
    _rows,
    _text,
    _title,
    _value,
    _warn_hidden,
)
from perfkpi.excel._write import _face
from perfkpi.grades import grade_scale
from perfkpi.rounding import Rounding
from perfkpi.rules import Sum
from perfkpi.scheme import Node, Scheme


def read_excel(
    path: str | Path,
    *,
    sheet: str | None = None,
    scheme_id: str | None = None,
    name: str | None = None,
) -> SelfEvaluation:
    """Read a 绩效自评表-style sheet into a scheme and data.

    Parameters
    ----------
    path
        The workbook: ``.xlsx``, or ``.xls`` with the ``xls`` extra (xlrd).
        Other formats (macro-enabled workbooks, encrypted ones, renamed
        files) are refused as unsupported file types.
    sheet
        The sheet to read; by default the first visible sheet whose header row
        is found.  A hidden sheet is read only when named here.
    scheme_id, name
        The scheme's id and name; by default those a workbook written by
        :func:`write_excel` records, else the file's stem and the title above
        the header (or the sheet's name).

    Returns
    -------
    SelfEvaluation
        The scheme, the data, and the figures and reasons the sheet states.
        A workbook :func:`write_excel` wrote, unedited, gives back the scheme
        and data it was written from.

    Raises
    ------
    SchemeValidationError
        With every problem found, each naming the file, the cell and the node;
        also for a file that is not an ``.xlsx`` workbook, or that would read
        more than :data:`MAX_XML_BYTES`, :data:`MAX_SHARED_STRINGS_BYTES` or
        :data:`MAX_CELLS`.

    Warns
    -----
    HiddenCellsWarning
        When the table has hidden rows or columns holding something.
    EditedWorkbookWarning
        When a workbook :func:`write_excel` wrote was edited where it states
        the scheme or the data.
    """
    path = Path(path)
    wb = _open(path)
    meta = _meta(path, wb)
    if sheet is not None and sheet not in wb.sheetnames:
        raise _fail(path, f"no sheet {sheet!r}; it has {', '.join(wb.sheetnames)}")
    if (sheet is None or sheet == excel.SCORE_CARD) and "face" in meta:
        written = _read_written(path, wb, meta, scheme_id, name)
        if written is not None:
            return written
    if sheet is not None:
        names = [sheet]
    else:
        names = [n for n in wb.sheetnames if n != _META and wb.states[n] == "visible"]
    for sheet_name in names:
        ws = _sheet(path, wb, sheet_name)
        _check_size(path, ws)
        grid = _grid(ws)
        found = _find_header(grid)
        if found is not None:
            header_row, columns = found
            _warn_hidden(path, ws, grid, header_row, columns)
            reader = _Reader(str(path), sheet_name)
            rows, footer = _rows(grid, header_row + 1, columns)
            title = _title(grid, header_row) or sheet_name
            scheme_id = scheme_id or str(meta.get("scheme_id") or path.stem)
            name = name or str(meta.get("scheme_name") or title)
            return _assemble(reader, rows, footer, meta, scheme_id, name)
    expected = "一级指标 / 三级指标 or 指标名称, with 分值, 指标值 or 实际完成值"
    hidden = [n for n in wb.sheetnames if n != _META and n not in names]
    also = (
        f"; hidden sheets are not read unless named (sheet=...): {', '.join(hidden)}"
        if hidden
        else ""
    )
    msg = f"no header row found (expected columns such as {expected}){also}"
    raise _fail(path, msg)


@functools.lru_cache(maxsize=16)
def _valid_record(doc: str) -> tuple[Scheme, tuple[warnings.WarningMessage, ...]]:
    """Return the scheme a workbook records, and its warnings: one parse for many.

    A bureau's workbooks carry the same scheme; only a record that loads is
    kept, so that a bad one is reported with its own file.
    """
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scheme = scheme_from_dict(json.loads(doc))
    return scheme, tuple(caught)


def _recorded_scheme(doc: str, source: str) -> Scheme:
    """Return the recorded scheme, warning as loading it warns, every time."""
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    try:
        scheme, caught = _valid_record(doc)
    except (ValueError, TypeError, PerfKPIError):
        return scheme_from_dict(json.loads(doc), source=source)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return scheme


def _read_written(
    path: Path,
    wb: Any,  # noqa: ANN401 (an openpyxl workbook)
    meta: Mapping[str, object],
    scheme_id: str | None,
    name: str | None,
) -> SelfEvaluation | None:
    """Read a workbook :func:`write_excel` wrote from its record, if unedited.

    Returns None when the score card was edited since (its cells are then
    read as any sheet's) or the record is incomplete.
    """
    from perfkpi.files import data_from_dict  # noqa: PLC0415

    if excel.SCORE_CARD not in wb.sheetnames or "scheme_doc" not in meta:
        return None
    ws = _sheet(path, wb, excel.SCORE_CARD)
    _check_size(path, ws)
    if _face(ws.values(2)) != meta.get("face"):
        msg = (
            f"{path}: the score card was edited after perfkpi wrote it; it is "
            "read from its cells, and what they cannot show (overrides, items, "
            "custom grade scales) is taken from its hidden sheet only where the "
            "cells hold it"
        )
        warnings.warn(msg, EditedWorkbookWarning, stacklevel=3)
        return None
    source = f"{path}: {_META}"
    try:
        scheme = _recorded_scheme(str(meta["scheme_doc"]), source)
        doc = json.loads(str(meta.get("data_doc") or "{}"))
        data = data_from_dict(doc, scheme=scheme, source=source)
        dates = json.loads(str(meta.get("data_dates") or "{}"))
        if dates:
            actuals = {
                **data.actuals,
                **{k: dt.date.fromisoformat(v) for k, v in dates.items()},
            }
            data = attrs.evolve(data, actuals=actuals)
    except (ValueError, TypeError, PerfKPIError):
        return None  # a damaged record: read the cells
    if scheme_id or name:
        scheme = attrs.evolve(
            scheme, id=scheme_id or scheme.id, name=name or scheme.name
        )
    grid = _grid(ws)
    found = _find_header(grid)
    if found is None or "code" not in found[1]:
        return None
    _warn_hidden(path, ws, grid, found[0], found[1])
    rows, footer = _rows(grid, found[0] + 1, found[1])
    reasons: dict[str, str] = {}
    cells: dict[str, str] = {}
    coded: list[tuple[str, _Row]] = []
    for row in rows:
        code = _text(row.value("code"))
        if code not in scheme:
            return None
        coded.append((code, row))
        if _text(row.value("reason")):
            reasons[code] = _text(row.value("reason"))
        cells[code] = f"{excel.SCORE_CARD}!{row.place()}"
    stated = _stated(excel.SCORE_CARD, coded, footer)
    scores = {
        f.node: f.value
        for f in stated
        if f.column == "得分" and f.node != "total" and isinstance(f.value, float)
    }
    total = next(
        (f.value for f in stated if (f.node, f.column) == ("total", "得分")), None
    )
    return SelfEvaluation(
        scheme,
        data,
        scores,
        reasons,
        total if isinstance(total, float) else None,
        cells,
        source=str(path),
        stated=stated,
    )


def _codes(rows: Sequence[_Row], reader: _Reader) -> dict[tuple[str, ...], str]:
    """Give every path (each row's, and each prefix of one) its code, in order."""
    by_path: dict[tuple[str, ...], _Row] = {}
    for row in rows:
        if row.path in by_path:
            reader.fail(row, None, "", f"a second row for {' › '.join(row.path)}")
        by_path.setdefault(row.path, row)
    codes: dict[tuple[str, ...], str] = {}
    counters: dict[tuple[str, ...], int] = {}
    for row in rows:
        for size in range(1, len(row.path) + 1):
            path = row.path[:size]
            if path in codes:
                continue
            counters[path[:-1]] = counters.get(path[:-1], 0) + 1
            own = _text(by_path[path].value("code")) if path in by_path else ""
            parent = codes.get(path[:-1], "")
            n = str(counters[path[:-1]])
            codes[path] = own or (f"{parent}.{n}" if parent else n)
    return codes


def _assemble(
    reader: _Reader,
    rows: Sequence[_Row],
    footer: Mapping[str, _Cell],
    meta: Mapping[str, object],
    scheme_id: str,
    name: str,
) -> SelfEvaluation:
    codes = _codes(rows, reader)
    group_scores = _merged(reader, rows, codes)
    by_path = {row.path: row for row in reversed(rows)}
    order = list(codes)
    inner = {p[:-1] for p in order if len(p) > 1}
    reads: dict[tuple[str, ...], _Read] = {}
    for path in reversed(order):  # children first, for the points of inner nodes
        parent = codes[path[:-1]] if len(path) > 1 else None
        kids = [reads[q].node.points or 0.0 for q in order if q[:-1] == path]
        row = by_path.get(path)
        if row is None:
            node = Node(
                codes[path], path[-1], parent=parent, points=sum(kids), rule=Sum()
            )
            reads[path] = _Read(node)
            continue
        read = reader.node(row, codes[path], parent, leaf=path not in inner)
        if read.node.points is None and path in inner:
            read = attrs.evolve(read, node=attrs.evolve(read.node, points=sum(kids)))
        reads[path] = read
    ordered = [reads[p] for p in order]
    options = _options(meta, reader)
    roots = [r.node for r in ordered if r.node.parent is None]
    options.setdefault("points", sum(n.points or 0.0 for n in roots) or 100.0)
    scheme: Scheme | None = None
    try:
        scheme = Scheme(scheme_id, name, [r.node for r in ordered], **options)
    except SchemeValidationError as exc:
        rows_by_code = {codes[p]: row for p, row in by_path.items()}
        # a problem already reported at a row (or, for its points, at its
        # parent) is not reported again by the tree's checks
        quiet = reader.failed | {
            r.node.parent for r in ordered if r.node.code in reader.failed
        }
        for error in exc.exceptions:
            where = error.where if isinstance(error, SchemeError) else ""
            problem = error.problem if isinstance(error, SchemeError) else str(error)
            if where in quiet:
                continue
            if where in rows_by_code:
                reader.fail(rows_by_code[where], None, where, problem)
            else:
                place = f"{reader.source}: {reader.sheet}"
                reader.found.append((0, 0, SchemeError(place, problem)))
    if reader.errors or scheme is None:
        msg = f"invalid workbook {reader.source}"
        raise SchemeValidationError(msg, reader.errors)
    data = Data(
        actuals={r.node.code: r.actual for r in ordered if r.actual is not None},
        findings=[r.finding for r in ordered if r.finding is not None],
        not_applicable=[r.node.code for r in ordered if r.not_applicable],
        entity=_text(meta.get("entity")),
        period=_text(meta.get("period")),
    )
    coded = [(codes[row.path], row) for row in by_path.values()]
    stated = _stated(reader.sheet, coded, footer) + group_scores
    scores = {r.node.code: r.score for r in ordered if r.score is not None}
    for figure in group_scores:
        if isinstance(figure.value, float):
            scores[figure.node] = figure.value
    return SelfEvaluation(
        scheme,
        data,
        scores,
        {r.node.code: r.reason for r in ordered if r.reason},
        _number(_value(footer["score"])) if "score" in footer else None,
        {codes[p]: f"{reader.sheet}!{row.place()}" for p, row in by_path.items()},
        source=reader.source,
        stated=sorted(stated, key=_cell_order),
    )


def _options(meta: Mapping[str, object], reader: _Reader) -> dict[str, Any]:
    """Return the scheme's policies a written workbook records.

    The recorded scheme gives them (a custom grade scale included); without
    one, the rows of the ``perfkpi`` sheet.  A record that cannot be read is a
    problem of the workbook, never a policy silently dropped.
    """
    from perfkpi.files import scheme_from_dict  # noqa: PLC0415

    options: dict[str, Any] = {}
    if isinstance(meta.get("points"), int | float):
        options["points"] = meta["points"]
    try:
        if "scheme_doc" in meta:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PerfKPIWarning)
                doc = json.loads(str(meta["scheme_doc"]))
                recorded = scheme_from_dict(doc, source=_META)
            options["grades"] = recorded.grades
            options["rounding"] = recorded.rounding
        else:
            if isinstance(meta.get("grades"), str):
                options["grades"] = grade_scale(str(meta["grades"]))
            if isinstance(meta.get("rounding"), str):
                options["rounding"] = Rounding(**json.loads(str(meta["rounding"])))
    except (PerfKPIError, TypeError, ValueError) as exc:
        place = f"{reader.source}: {_META}"
        problem = f"the scheme this workbook records cannot be read: {exc}"
        reader.found.append((0, 0, SchemeError(place, problem)))
    for key in ("description", "source"):
        if isinstance(meta.get(key), str):
            options[key] = meta[key]
    if meta.get("not_applicable") in ("reweight", "full"):
        options["not_applicable"] = meta["not_applicable"]
    return options
