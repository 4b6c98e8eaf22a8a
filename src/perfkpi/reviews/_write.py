"""Writing a review: the workbook and the HTML page."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from perfkpi._safe import write_atomic
from perfkpi.reviews._records import _WORDS, _shown

if TYPE_CHECKING:  # Review calls these writers: imported for annotations only
    from perfkpi.reviews._review import Review


# -- writing ---------------------------------------------------------------------


def _refuse_inputs(path: Path, inputs: Iterable[str | os.PathLike[str]]) -> None:
    from perfkpi.excel import _refuse_overwrite  # noqa: PLC0415 (an extra)

    _refuse_overwrite(path, inputs)


def _write_atomic(path: Path, content: bytes) -> None:
    def write(temporary: str) -> None:
        Path(temporary).write_bytes(content)

    write_atomic(path, write)


_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #999; padding: 0.3em 0.6em; vertical-align: top; }
th { background: #dde4ee; }
td.num { text-align: right; font-variant-numeric: tabular-nums;
         white-space: nowrap; }
td.name, th { white-space: nowrap; }
tr.error td { background: #fbe3e3; }
tr.differs td { background: #fff4d6; }
"""


def _html_page(review: Review, words: Mapping[str, str], lang: str) -> str:
    e = html.escape
    head = review._summary_headers(words)  # noqa: SLF001 (same package)
    rows = review._summary_rows()  # noqa: SLF001
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head>',
        '<meta charset="utf-8">',
        f"<title>{e(words['title'])}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(words['title'])}</h1>",
    ]
    if review.scheme is not None:
        parts.append(f"<p>{e(review.scheme.name)} ({e(review.scheme.id)})</p>")
    parts.append(f"<p>{e(review._counts(words))}</p>")  # noqa: SLF001
    if review.skipped:
        parts.append(
            f"<p>{e(words['skipped'].format(files=', '.join(review.skipped)))}</p>"
        )
    numeric = {2, 3, 4, 7, 8}
    parts.append("<table><thead><tr>")
    parts += [f"<th>{e(h)}</th>" for h in head]
    parts.append("</tr></thead><tbody>")
    for entry, row in zip(review.entries, rows, strict=True):
        cls = "error" if entry.error else ("differs" if not entry.ok else "")
        parts.append(f'<tr class="{cls}">' if cls else "<tr>")
        *cells, file = row
        parts += [
            f'<td class="num">{e(c)}</td>'
            if i in numeric
            else (
                f'<td class="name">{e(c)}</td>'
                if i in (1, 5, 6)
                else f"<td>{e(c)}</td>"
            )
            for i, c in enumerate(cells)
        ]
        # the file's name; its whole path shows on hover
        parts.append(f'<td class="name" title="{e(file)}">{e(Path(file).name)}</td>')
        parts.append("</tr>")
    parts.append("</tbody></table>")
    found = review.discrepancies
    if found:
        parts.append(f"<h2>{e(words['discrepancies'])}</h2><table><thead><tr>")
        keys = ("department", "place", "subject", "stated", "recomputed", "reason")
        parts += [f"<th>{e(words[k])}</th>" for k in keys]
        parts.append("</tr></thead><tbody>")
        for d in found:
            cells = [
                d.department,
                d.place,
                d.subject,
                _shown(d.stated),
                _shown(d.recomputed),
                d.reason,
            ]
            parts.append("<tr>")
            parts += [
                f'<td class="num">{e(c)}</td>' if i in (3, 4) else f"<td>{e(c)}</td>"
                for i, c in enumerate(cells)
            ]
            parts.append("</tr>")
        parts.append("</tbody></table>")
    warned = [(x.department, w) for x in review.entries for w in x.warnings]
    if warned:
        parts.append(f"<h2>{e(words['warning_sheet'])}</h2><table><thead><tr>")
        parts.append(f"<th>{e(words['department'])}</th>")
        parts.append(f"<th>{e(words['warning'])}</th></tr></thead><tbody>")
        parts += [f"<tr><td>{e(d)}</td><td>{e(w)}</td></tr>" for d, w in warned]
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


_SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def _target_rows(
    review: Review, words: Mapping[str, str]
) -> tuple[list[str], list[list[str]]]:
    """Return the 目标审核 sheet's headers and rows."""
    from perfkpi.targetreview import CHECKS  # noqa: PLC0415

    zh = words is _WORDS["zh"]
    names = {c.code: c.zh if zh else c.code for c in CHECKS}
    dims = {"completeness": "完整性", "relevance": "相关性",
            "appropriateness": "适当性", "feasibility": "可行性"}  # fmt: skip
    keys = ("department", "file", "dimension", "check", "check_name", "node")
    headers = [*(words[k] for k in keys), words["indicator"], words["reason"]]
    scheme_id = review.scheme.id if review.scheme is not None else ""
    rows = [
        [
            department or words["scheme_row"].format(id=scheme_id),
            file,
            dims[f.dimension] if zh else f.dimension,
            f.check,
            names[f.check],
            f.code,
            f.name,
            f.reason("zh" if zh else "en"),
        ]
        for department, file, f in review.target_findings()
    ]
    if not rows:
        rows = [["", "", "", "", "", "", "", words["no_finding"]]]
    return headers, rows


def _sheet_name(name: str, taken: set[str]) -> str:
    """Return a unique, legal sheet name (≤ 31 characters) for *name*."""
    base = (name.translate(_SHEET_BAD).strip("' ") or "Sheet")[:31]
    candidate, n = base, 2
    while candidate.casefold() in taken:
        suffix = f" ({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _write_workbook(review: Review, path: Path, words: Mapping[str, str]) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    from perfkpi.excel import (  # noqa: PLC0415 (an extra)
        _openpyxl,
        _put,
        _save,
        _ScoreCard,
        _styles,
    )

    openpyxl = _openpyxl()
    wb = openpyxl.Workbook()
    style = _styles()
    taken: set[str] = set()

    def sheet(ws: Any, title: str, headers: Sequence[str], rows: Any) -> None:  # noqa: ANN401
        ws.title = _sheet_name(title, taken)
        for c, text in enumerate(headers, start=1):
            cell = _put(ws, 1, c, text)
            cell.font, cell.fill = style["bold"], style["head"]
            cell.border, cell.alignment = style["border"], style["centre"]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                cell = _put(ws, r, c, value)
                cell.border, cell.alignment = style["border"], style["top"]
                if isinstance(value, float):
                    cell.number_format = "0.00"
        for c, header in enumerate(headers, start=1):
            longest = max(
                [len(str(header)) * 2]
                + [len(str(row[c - 1])) * 2 for row in rows if row[c - 1] is not None]
            )
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, longest))
        ws.freeze_panes = "A2"

    summary_rows = [
        [
            i,
            e.department,
            e.stated_total,
            e.recomputed_total,
            e.difference,
            e.stated_grade,
            e.recomputed_grade,
            len(e.discrepancies),
            len(e.warnings),
            e.error,
            e.file,
        ]
        for i, e in enumerate(review.entries, start=1)
    ]
    headers = review._summary_headers(words)  # noqa: SLF001 (same package)
    sheet(wb.active, words["summary_sheet"], headers, summary_rows)
    keys = (
        "department",
        "file",
        "place",
        "node",
        "subject",
        "stated",
        "recomputed",
        "reason",
    )
    found = [[getattr(d, k) for k in keys] for d in review.discrepancies]
    headers = [words[k] for k in keys]
    sheet(wb.create_sheet(), words["discrepancy_sheet"], headers, found)
    warned = [[e.department, e.file, w] for e in review.entries for w in e.warnings]
    if warned:
        headers = [words["department"], words["file"], words["warning"]]
        sheet(wb.create_sheet(), words["warning_sheet"], headers, warned)
    sheet(wb.create_sheet(), words["target_sheet"], *_target_rows(review, words))
    for entry in review.entries:
        if entry.evaluation is None:
            continue
        ws = wb.create_sheet()
        _ScoreCard(ws, entry.evaluation, reasons=dict(entry.reasons)).write()
        ws.title = _sheet_name(entry.department, taken)
    _save(wb, path)
