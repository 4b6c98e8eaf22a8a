"""Writing a batch's scores as a workbook a bureau opens in Excel."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from perfkpi import excel
from perfkpi.batch import BatchResult
from perfkpi.errors import DataError
from perfkpi.excel._model import _openpyxl
from perfkpi.excel._write import _ILLEGAL, _refuse_overwrite, _save

_WORDS = {
    "zh": {
        "scores": "评分结果",
        "nodes": "指标",
        "total": "总分",
        "grade": "等级",
        "reason": "未评分原因",
        "code": "代码",
        "name": "指标名称",
        "points": "分值",
        "parent": "上级",
    },
    "en": {
        "scores": "scores",
        "nodes": "nodes",
        "total": "total",
        "grade": "grade",
        "reason": "reason",
        "code": "code",
        "name": "name",
        "points": "points",
        "parent": "parent",
    },
}


def write_table(
    result: BatchResult,
    path: str | os.PathLike[str],
    *,
    lang: Literal["zh", "en"] = "zh",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write a batch's scores as a workbook (``.xlsx``) to open in Excel.

    The first sheet (评分结果, *scores*) holds a row per entity with the
    columns of :meth:`~perfkpi.batch.BatchResult.to_columns`: the id column,
    the table's other columns, 总分 (*total*), 等级 (*grade*), 未评分原因
    (*reason*) and one column per node, headed by its code; a NaN score is an
    empty cell, never 0.  The second sheet (指标, *nodes*) names each code: its
    name, points and parent.  Text is always written as text (a reason or a
    name that starts with ``=`` is never a formula).  The file is written
    through a temporary file renamed into place.

    A CSV file of the same result (:meth:`~perfkpi.batch.BatchResult.to_csv`)
    is UTF-8 without a byte order mark, which Excel on a Chinese system opens
    as GBK, garbled; the workbook opens as it is.

    Parameters
    ----------
    result
        The batch result.
    path
        The workbook to write.
    lang
        The language of the sheets' names and the fixed columns' headers.
    inputs
        Files the workbook must not overwrite (the table and the scheme read).

    Raises
    ------
    DataError
        If the result has more than :data:`MAX_ROWS` rows: write CSV or
        Parquet then.
    OutputPathError
        If *path* is one of *inputs*.
    OSError
        If the file cannot be written.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``.
    TypeError
        If *result* is not a :class:`~perfkpi.batch.BatchResult`, or *path*
        not a path.

    Examples
    --------
    >>> import pathlib, tempfile, openpyxl
    >>> from perfkpi import Node, Proportional, Scheme, evaluate_batch
    >>> from perfkpi.excel import write_table
    >>> scheme = Scheme.from_nodes("s", "s", [Node("1", "结案率", points=10,
    ...     target="≥90%", rule=Proportional())], points=10)
    >>> batch = evaluate_batch(scheme, {"单位": ["甲", "乙"], "1": ["90%", "x"]},
    ...     id_column="单位")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "scores.xlsx"
    >>> write_table(batch, path)
    >>> ws = openpyxl.load_workbook(path)["评分结果"]
    >>> [c.value for c in ws[1]], [c.value for c in ws[2]][:3]
    (['单位', '总分', '等级', '未评分原因', '1'], ['甲', 10, '差'])
    >>> ws["B3"].value is None  # 乙 could not be scored: no total, not 0
    True
    """
    given: object = result  # callers without mypy may pass anything
    if not isinstance(given, BatchResult):
        msg = f"expected a BatchResult, got {type(given).__name__}"
        raise TypeError(msg)
    if lang not in _WORDS:
        msg = f"lang must be 'zh' or 'en' (got {lang!r:.60})"
        raise ValueError(msg)
    target = Path(path)
    _refuse_overwrite(target, inputs)
    most = excel.MAX_ROWS
    if len(result) > most:
        msg = (
            f"{len(result)} rows do not fit a sheet (at most {most} below the "
            "header): write CSV (to_csv) or Parquet (to_frame) instead"
        )
        raise DataError(str(target), msg)
    words = _WORDS[lang]
    openpyxl = _openpyxl()
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 (the excel extra)
    from openpyxl.styles import Font  # noqa: PLC0415

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(words["scores"])
    columns = result.to_columns()
    fixed = {"total", "grade", "reason"}
    heads = [words[name] if name in fixed else name for name in columns]
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_text(WriteOnlyCell, ws, h, bold) for h in heads])
    lists = [_cells(values) for values in columns.values()]
    texts = [values.dtype.kind in "OUS" for values in columns.values()]
    for row in zip(*lists, strict=True):
        ws.append(
            [
                _text(WriteOnlyCell, ws, v) if is_text and isinstance(v, str) else v
                for v, is_text in zip(row, texts, strict=True)
            ]
        )
    nodes = wb.create_sheet(words["nodes"])
    heads = [words["code"], words["name"], words["points"], words["parent"]]
    nodes.append([_text(WriteOnlyCell, nodes, h, bold) for h in heads])
    for code in result.codes:
        node = result.scheme.node(code)
        nodes.append(
            [
                _text(WriteOnlyCell, nodes, code),
                _text(WriteOnlyCell, nodes, node.name),
                node.points,
                _text(WriteOnlyCell, nodes, node.parent or ""),
            ]
        )
    _save(wb, target)


def _text(
    make: Any,  # noqa: ANN401 (openpyxl's WriteOnlyCell)
    ws: Any,  # noqa: ANN401 (its sheet)
    value: object,
    font: Any = None,  # noqa: ANN401
) -> Any:  # noqa: ANN401 (a cell)
    """Return a cell holding *value* as text: never a formula, never a control."""
    cell = make(ws, value=_ILLEGAL.sub("\ufffd", str(value)))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def _cells(values: Any) -> list[object]:  # noqa: ANN401 (a numpy array)
    """Return a column's cells: NaN empty, numpy scalars as Python values."""
    out: list[object] = values.tolist()
    if values.dtype.kind == "f":
        return [None if v != v else v for v in out]  # noqa: PLR0124 (NaN)
    return [None if isinstance(v, float) and math.isnan(v) else v for v in out]
