"""The review of a folder: its rows, its text and its JSON."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi.errors import DataError
from perfkpi.reviews._records import (
    _WORDS,
    Discrepancy,
    ReviewEntry,
    _entries,
    _shown,
    _strs,
    _words,
)
from perfkpi.reviews._write import (
    _html_page,
    _refuse_inputs,
    _write_atomic,
    _write_workbook,
)
from perfkpi.scheme import Scheme
from perfkpi.targetreview import TargetFinding, review_targets


@attrs.frozen
class Review:
    """The review of a stack of submissions, largest discrepancy first.

    Attributes
    ----------
    scheme
        The scheme each submission was recomputed by (``None``: each
        workbook's own).
    entries
        One per file: unreadable files first, then by the size of the
        difference between the stated and the recomputed total, then by the
        number of discrepancies, then by file name.
    skipped
        Files of the folders given that are not read (another kind of file).

    Raises
    ------
    TypeError
        When *entries* does not hold :class:`ReviewEntry` values, or
        *skipped* texts.
    """

    scheme: Scheme | None
    entries: tuple[ReviewEntry, ...] = attrs.field(converter=_entries)
    skipped: tuple[str, ...] = attrs.field(default=(), converter=_strs)

    @property
    def discrepancies(self) -> tuple[Discrepancy, ...]:
        """Every discrepancy, department by department in the entries' order."""
        return tuple(d for e in self.entries for d in e.discrepancies)

    @property
    def ok(self) -> bool:
        """Whether every file was reviewed and every figure agrees."""
        return all(e.ok for e in self.entries)

    def to_dict(self) -> dict[str, object]:
        """Return the review as plain, JSON-able data."""
        return {
            "scheme": None if self.scheme is None else self.scheme.id,
            "ok": self.ok,
            "files": len(self.entries),
            "entries": [e.to_dict() for e in self.entries],
            "skipped": list(self.skipped),
            "targets": [
                {"department": d, "file": f, **finding.to_dict()}
                for d, f, finding in self.target_findings()
            ],
        }

    def target_findings(self) -> list[tuple[str, str, TargetFinding]]:
        """Return the target review's findings: (department, file, finding).

        The scheme's own targets are reviewed first (department ``""``,
        file ``""``): every department is scored by them, so a finding on
        them is the bureau's, and is listed once.  Then each workbook's
        declared targets (:attr:`ReviewEntry.targets`), in the entries'
        order: only the findings the scheme's own review does not hold, so a
        department that declared the scheme's targets adds none.

        Raises
        ------
        DataError, SchemeValidationError
            Never for a review :func:`review` made; for a hand-made one
            whose scheme cannot be reviewed, as
            :func:`~perfkpi.targetreview.review_targets`.
        """
        out: list[tuple[str, str, TargetFinding]] = []
        known: set[tuple[str, str, str, str]] = set()
        if self.scheme is not None:
            for f in review_targets(self.scheme).findings:
                out.append(("", "", f))
                known.add((f.check, f.code, f.name, f.reason_zh))
        for e in self.entries:
            if e.targets is None:
                continue
            out.extend(
                (e.department, e.file, f)
                for f in e.targets.findings
                if (f.check, f.code, f.name, f.reason_zh) not in known
            )
        return out

    # -- text --------------------------------------------------------------------

    def _counts(self, words: Mapping[str, str]) -> str:
        err = sum(1 for e in self.entries if e.error)
        ok = sum(1 for e in self.entries if e.ok)
        bad = len(self.entries) - ok - err
        return words["files"].format(n=len(self.entries), ok=ok, bad=bad, err=err)

    def _summary_rows(self) -> list[list[str]]:
        rows = []
        for i, e in enumerate(self.entries, start=1):
            rows.append(
                [
                    str(i),
                    e.department,
                    _shown(e.stated_total),
                    _shown(e.recomputed_total),
                    _shown(e.difference),
                    e.stated_grade or "—",
                    e.recomputed_grade or "—",
                    str(len(e.discrepancies)),
                    str(len(e.warnings)),
                    e.error or "",
                    e.file,
                ]
            )
        return rows

    def _summary_headers(self, words: Mapping[str, str]) -> list[str]:
        keys = (
            "no",
            "department",
            "stated_total",
            "recomputed_total",
            "difference",
            "stated_grade",
            "recomputed_grade",
            "count",
            "warnings",
            "error",
            "file",
        )
        return [words[k] for k in keys]

    def summary(self, lang: str = "zh", *, details: bool = True) -> str:
        """Return the review as text: counts, the summary table, then details.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``.
        details
            Also list every discrepancy, warning and error under the table,
            and the target review's findings (:meth:`target_findings`).

        Returns
        -------
        str
            Lines ending with a newline.

        Raises
        ------
        DataError
            For a *lang* other than ``"zh"`` or ``"en"``.
        """
        words = _words(lang)
        lines = [self._counts(words)]
        if self.skipped:
            lines.append(words["skipped"].format(files=", ".join(self.skipped)))
        lines.append("")
        headers = self._summary_headers(words)[:-1]
        rows = [row[:-1] for row in self._summary_rows()]
        lines += _table(headers, rows)
        if details:
            for e in self.entries:
                if e.ok and not e.warnings:
                    continue
                lines.append("")
                lines.append(f"{e.department} ({e.file})")
                if e.error:
                    lines.append(f"  ✗ {e.error}")
                lines += [
                    f"  ✗ {d.place}: {d.subject} {words['stated']} "
                    f"{_shown(d.stated)}, {words['recomputed']} "
                    f"{_shown(d.recomputed)} ({d.reason})"
                    for d in e.discrepancies
                ]
                lines += [f"  ! {w}" for w in e.warnings]
        found = self.target_findings() if details else []
        if found:
            lines += ["", words["target_sheet"]]
            scheme_id = self.scheme.id if self.scheme is not None else ""
            for department, _, f in found:
                who = department or words["scheme_row"].format(id=scheme_id)
                what = " ".join(x for x in (f.code, f.name) if x)
                why = f.reason("zh" if words is _WORDS["zh"] else "en")
                lines.append(f"  ! {who}: [{f.check}] {what}: {why}")
        if self.ok and self.entries:
            lines += ["", words["none"]]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.summary()

    # -- HTML --------------------------------------------------------------------

    def to_html(self, path: str | os.PathLike[str] | None = None, **kw: Any) -> str:  # noqa: ANN401
        """Return the review as one self-contained HTML page; write it if asked.

        The page holds the counts, the summary table (a row per department,
        largest discrepancy first), every discrepancy and every warning.
        Every text is escaped: a department name cannot become markup.

        Parameters
        ----------
        path
            Where to write the page (written to a temporary file and renamed
            into place); by default nothing is written.
        **kw
            ``lang`` (``"zh"`` by default) and ``inputs``: files the page
            must not overwrite.

        Returns
        -------
        str
            The page.

        Raises
        ------
        DataError
            For an unknown *lang*.
        perfkpi.excel.OutputPathError
            When *path* is one of the reviewed files or of *inputs*.
        OSError
            When the page cannot be written.
        """
        lang = str(kw.pop("lang", "zh"))
        inputs = [*kw.pop("inputs", ()), *(e.file for e in self.entries)]
        if kw:
            msg = f"unknown option(s): {', '.join(sorted(kw))}"
            raise DataError("to_html", msg)
        words = _words(lang)
        page = _html_page(self, words, lang)
        if path is not None:
            _refuse_inputs(Path(path), inputs)
            _write_atomic(Path(path), page.encode("utf-8"))
        return page

    # -- Excel -------------------------------------------------------------------

    def to_excel(
        self,
        path: str | os.PathLike[str],
        *,
        lang: str = "zh",
        inputs: Iterable[str | os.PathLike[str]] = (),
    ) -> None:
        """Write the review as a workbook.

        Sheets: the summary (汇总: one row per department, largest
        discrepancy first), every discrepancy (差异明细), every warning (提示,
        when there is one), the target review (目标审核: the findings of
        :func:`perfkpi.targetreview.review_targets` on the scheme's own
        targets, then, department by department, those its declared targets
        add; see :meth:`target_findings`) and one scored sheet per department
        that could be scored, named after it (as
        :func:`perfkpi.excel.write_excel` writes its score card, the
        department's own 偏差原因 kept).  Text from the
        submissions is always written as text, never as a formula.

        Parameters
        ----------
        path
            The ``.xlsx`` file to write (to a temporary file, renamed into
            place).
        lang
            ``"zh"`` or ``"en"``, for the headers.
        inputs
            Files the workbook must not overwrite, besides the reviewed ones.

        Raises
        ------
        DataError
            For an unknown *lang*, or a path that does not end in ``.xlsx``.
        perfkpi.excel.OutputPathError
            When *path* is one of the reviewed files or of *inputs*.
        OSError
            When the workbook cannot be written.
        """
        words = _words(lang)
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            raise DataError(str(path), "the review workbook is written as .xlsx")
        _refuse_inputs(target, [*inputs, *(e.file for e in self.entries)])
        _write_workbook(self, target, words)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lay out a text table, CJK counted two columns wide."""
    import unicodedata  # noqa: PLC0415

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    widths = [width(h) for h in headers]
    for row in rows:
        widths = [max(w, width(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)
        ).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *map(line, rows)]
