"""复核: re-score a whole stack of submitted self-evaluations in one call.

Each spring a finance bureau receives the self-evaluation sheets (绩效自评表)
of every department it funds and reviews them (复核): recomputes each score,
finds where the stated figures and the rules disagree, and ranks departments
by what was found.  :func:`review` does this for a folder of submitted
workbooks (``.xlsx``) and stated-figures files (``.toml`` / ``.json``, see
:doc:`/checks`):

- each workbook is read (:func:`perfkpi.excel.read_excel`) and recomputed by
  the bureau's scheme; every 得分, 扣分, 合计 and 等级 the sheet states is
  compared with the recomputation (:func:`perfkpi.excel.differences`), and
  every row whose 指标名称, 分值 or 指标值 is not the scheme's is listed too;
- each stated-figures file is checked for its arithmetic
  (:func:`perfkpi.check.check_report`);
- a file that cannot be read, or whose figures cannot be scored, becomes a
  row with its error: the review never stops half-way;
- the warnings a file raises (hidden rows, a value that reads two ways, an
  edited workbook) are kept with its row, not printed.

The result, a :class:`Review`, lists the departments with the largest
discrepancy first; it writes a workbook (:meth:`Review.to_excel`: a summary
sheet, a sheet of every discrepancy and one scored sheet per department), an
HTML page (:meth:`Review.to_html`), text (:meth:`Review.summary`) and JSON
(:meth:`Review.to_dict`).

Examples
--------
>>> import pathlib, tempfile
>>> import perfkpi
>>> from perfkpi.excel import write_excel
>>> scheme = perfkpi.catalog.scheme("gz-dept-overall")
>>> ev = perfkpi.evaluate(scheme, perfkpi.catalog.data("gz-internet-court-2022"))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_excel(ev, folder / "广州互联网法院.xlsx")
>>> (folder / "某局.xlsx").write_text("not a workbook")
14
>>> result = perfkpi.review(scheme, [folder])
>>> for entry in result.entries:
...     print(entry.department, entry.stated_total, entry.recomputed_total, entry.ok)
某局 None None False
广州互联网法院 88.63 88.63 True
>>> result.entries[0].error
'unsupported file type: not an Excel workbook (.xlsx): not a zip archive'
"""

from __future__ import annotations

import html
import math
import os
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi import _checks
from perfkpi._safe import write_atomic
from perfkpi.errors import DataError, PerfKPIError, SchemeError, SchemeValidationError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.scheme import Scheme
from perfkpi.targetreview import TargetFinding, TargetReview, review_targets
from perfkpi.targets import format_number

__all__ = [
    "REVIEWED_SUFFIXES",
    "Discrepancy",
    "Review",
    "ReviewEntry",
    "review",
]

REVIEWED_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".toml", ".json")
"""The files of a folder that :func:`review` reads.

``.xls`` workbooks are read with the ``xls`` extra (else listed with their
error); ``.xlsm`` ones are listed with their error (save as ``.xlsx``
without macros), so that no submitted workbook is passed over in silence.  Files
whose names start with ``.`` or ``~$`` (the lock files Excel leaves beside an
open workbook) are never read.
"""

_WORKBOOKS = (".xlsx", ".xls", ".xlsm")

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)`` after each file."""


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return _checks.texts(values, "a list of texts")


@attrs.frozen
class Discrepancy:
    """One figure a submission states that the review does not give.

    Attributes
    ----------
    department
        The department whose submission it is.
    file
        The submitted file.
    place
        Where the figure is: a cell (``评分表!G7``) or the report's own
        source for a stated-figures file.
    node
        The node's code, ``total`` for the 合计 and 等级 rows, or ``""``.
    subject
        What is compared: the indicator's name and the column
        (``预算执行率 得分``).
    stated
        The figure as the submission states it.
    recomputed
        What the review gives (``None`` when nothing can be computed).
    reason
        The rule and how the figure is recomputed, with the numbers.

    """

    department: str
    file: str
    place: str
    node: str
    subject: str
    stated: float | str | None
    recomputed: float | str | None
    reason: str

    @property
    def difference(self) -> float | None:
        """Stated minus recomputed, when both are numbers."""
        if isinstance(self.stated, float | int) and isinstance(
            self.recomputed, float | int
        ):
            return float(self.stated) - float(self.recomputed)
        return None

    def to_dict(self) -> dict[str, object]:
        """Return the discrepancy as plain, JSON-able data."""
        return {**attrs.asdict(self), "difference": self.difference}


def _discrepancies(values: Iterable[Discrepancy]) -> tuple[Discrepancy, ...]:
    return _checks.instances(values, Discrepancy, "discrepancies")


@attrs.frozen
class ReviewEntry:
    """The review of one submitted file.

    Attributes
    ----------
    file
        The file, as given or as found in the folder.
    department
        The department: the entity the file names, else the file's stem.
    stated_total, recomputed_total
        The total the file states and the one the review gives (``None``
        when there is none, or the file could not be scored).
    stated_grade, recomputed_grade
        The same for the grade (``""`` when there is none).
    discrepancies
        Every figure that does not agree, in the order of the file.
    warnings
        What reading and scoring the file warned of, one line each.
    error
        Why the file could not be reviewed; ``""`` when it was.
    evaluation
        The recomputation of a workbook, for its scored sheet (``None`` for
        a stated-figures file or an error).
    reasons
        The workbook's own 偏差原因, by node code, kept in its scored sheet.
    targets
        The review (:func:`perfkpi.targetreview.review_targets`) of the
        indicators and targets the workbook declares — its own 指标值, as
        the department wrote them — or ``None`` for a stated-figures file,
        an error, or a set that could not be reviewed (the reason is a
        warning).

    Raises
    ------
    TypeError
        When *discrepancies* does not hold :class:`Discrepancy` values,
        *warnings* texts, or *targets* is not a
        :class:`~perfkpi.targetreview.TargetReview`.
    """

    file: str
    department: str
    stated_total: float | None = None
    recomputed_total: float | None = None
    stated_grade: str = ""
    recomputed_grade: str = ""
    discrepancies: tuple[Discrepancy, ...] = attrs.field(
        default=(), converter=_discrepancies
    )
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    error: str = ""
    evaluation: Evaluation | None = attrs.field(default=None, eq=False, repr=False)
    reasons: Mapping[str, str] = attrs.field(
        factory=dict, eq=False, repr=False, hash=False
    )
    targets: TargetReview | None = attrs.field(
        default=None,
        eq=False,
        repr=False,
        validator=attrs.validators.optional(attrs.validators.instance_of(TargetReview)),
    )

    @property
    def difference(self) -> float | None:
        """Stated total minus recomputed total, when both are known."""
        if self.stated_total is None or self.recomputed_total is None:
            return None
        return _exact(self.stated_total - self.recomputed_total)

    @property
    def ok(self) -> bool:
        """Whether the file was reviewed and every figure agrees."""
        return not self.error and not self.discrepancies

    def to_dict(self) -> dict[str, object]:
        """Return the entry as plain, JSON-able data (without the evaluation)."""
        return {
            "file": self.file,
            "department": self.department,
            "stated_total": self.stated_total,
            "recomputed_total": self.recomputed_total,
            "difference": self.difference,
            "stated_grade": self.stated_grade,
            "recomputed_grade": self.recomputed_grade,
            "ok": self.ok,
            "error": self.error,
            "warnings": list(self.warnings),
            "discrepancies": [d.to_dict() for d in self.discrepancies],
        }


def _exact(value: float) -> float:
    """Return a difference of two 2-place figures without float noise."""
    return round(value, 10) + 0.0


def _order(entry: ReviewEntry) -> tuple[int, float, int, str]:
    """Sort key: unreadable files first, then the largest discrepancy."""
    gap = abs(entry.difference) if entry.difference is not None else 0.0
    return (0 if entry.error else 1, -gap, -len(entry.discrepancies), entry.file)


def _entries(values: Iterable[ReviewEntry]) -> tuple[ReviewEntry, ...]:
    return tuple(sorted(_checks.instances(values, ReviewEntry, "entries"), key=_order))


_WORDS = {
    "zh": {
        "title": "绩效自评复核",
        "no": "序号",
        "department": "部门",
        "file": "文件",
        "stated_total": "申报总分",
        "recomputed_total": "复核总分",
        "difference": "差额",
        "stated_grade": "申报等级",
        "recomputed_grade": "复核等级",
        "count": "差异数",
        "warnings": "提示数",
        "error": "无法复核的原因",
        "place": "位置",
        "node": "编号",
        "subject": "项目",
        "stated": "申报值",
        "recomputed": "复核值",
        "reason": "规则与原因",
        "warning": "提示",
        "summary_sheet": "汇总",
        "discrepancy_sheet": "差异明细",
        "warning_sheet": "提示",
        "target_sheet": "目标审核",
        "dimension": "审核维度",
        "check": "检查",
        "check_name": "问题",
        "indicator": "指标",
        "scheme_row": "评价方案 {id}",
        "no_finding": "未发现问题。",
        "discrepancies": "差异明细",
        "files": "共复核{n}个文件：{ok}个全部相符，{bad}个有差异，{err}个无法复核。",
        "skipped": "未读取的文件（不是工作簿或数据文件）：{files}",
        "none": "每个数字都与规则相符。",
    },
    "en": {
        "title": "Review of self-evaluations",
        "no": "No.",
        "department": "Department",
        "file": "File",
        "stated_total": "Stated total",
        "recomputed_total": "Recomputed total",
        "difference": "Difference",
        "stated_grade": "Stated grade",
        "recomputed_grade": "Recomputed grade",
        "count": "Discrepancies",
        "warnings": "Warnings",
        "error": "Why it could not be reviewed",
        "place": "Place",
        "node": "Code",
        "subject": "Figure",
        "stated": "Stated",
        "recomputed": "Recomputed",
        "reason": "Rule and why",
        "warning": "Warning",
        "summary_sheet": "Summary",
        "discrepancy_sheet": "Discrepancies",
        "warning_sheet": "Warnings",
        "target_sheet": "Target review",
        "dimension": "Dimension",
        "check": "Check",
        "check_name": "Problem",
        "indicator": "Indicator",
        "scheme_row": "Scheme {id}",
        "no_finding": "Nothing flagged.",
        "discrepancies": "Discrepancies",
        "files": "{n} files reviewed: {ok} agree in every figure, {bad} differ, "
        "{err} could not be reviewed.",
        "skipped": "Files not read (neither a workbook nor a data file): {files}",
        "none": "Every figure agrees with the rules.",
    },
}


def _words(lang: str) -> Mapping[str, str]:
    if lang not in _WORDS:
        msg = f"lang must be 'zh' or 'en', not {lang!r}"
        raise DataError("lang", msg)
    return _WORDS[lang]


def _shown(value: float | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return format_number(value)


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


# -- reviewing -------------------------------------------------------------------


def review(
    scheme: Scheme | None,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    progress: Progress | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
    jobs: int = 1,
) -> Review:
    """Recompute every submitted file and list where it disagrees with the rules.

    Parameters
    ----------
    scheme
        The bureau's scheme: every submission is recomputed by it, and a
        workbook row whose 指标名称, 分值 or 指标值 is not the scheme's is a
        discrepancy.  Node codes must match (a workbook
        :func:`perfkpi.excel.write_excel` wrote carries them; a sheet without
        an 编号 column is numbered by its rows, ``1``, ``2.1.1``).  ``None``
        recomputes each workbook by the scheme it states itself; a
        stated-figures file then cannot be reviewed (it names no rules).
    inputs
        Files and folders.  A folder's files with a suffix in
        :data:`REVIEWED_SUFFIXES` are reviewed, in name order (not its
        sub-folders); its other files are listed in :attr:`Review.skipped`.
    strict
        A value that reads two ways (``0.965`` against ``≥95%``) makes its
        file an error row instead of a warning.
    progress
        Called as ``progress(done, total)`` after each file.
    exclude
        Files never read even when a folder holds them: the review's own
        outputs, when they are written into the folder reviewed.
    jobs
        How many processes review files at once (each file is reviewed
        alone, so the result is the same); ``1`` reviews them in this
        process.  Two jobs on two cores review about 1.8 times as many
        files a second (``benchmarks/review.py``).

    Returns
    -------
    Review
        One entry per file, unreadable files and the largest discrepancies
        first.

    Raises
    ------
    DataError
        When an input does not exist, no file to review is found, or
        *jobs* is not a whole number of at least 1.
    TypeError
        When *scheme* is neither a Scheme nor ``None``, or an input is not a
        path.

    Notes
    -----
    A file that cannot be read or scored is an entry with its
    :attr:`~ReviewEntry.error`; the review goes on.  Workbooks are compared
    figure by figure (:func:`perfkpi.excel.differences`: a number agrees
    within half a unit of the scheme's last rounding place).  Stated-figures
    files are checked for their arithmetic only
    (:func:`perfkpi.check.check_report`): their recomputed total is the sum
    of their own first-level scores, and their recomputed grade the grade of
    their stated total.
    """
    if scheme is not None and not isinstance(scheme, Scheme):
        msg = f"scheme must be a Scheme or None, not {type(scheme).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise DataError("jobs", f"a whole number of at least 1, not {jobs!r}")
    files, skipped = _files(inputs, exclude)
    entries = []
    if jobs == 1 or len(files) < _FEW:
        results: Iterable[ReviewEntry] = (
            _review_file(path, scheme, strict=strict) for path in files
        )
        for done, entry in enumerate(results, start=1):
            entries.append(entry)
            if progress is not None:
                progress(done, len(files))
    else:
        entries = _in_processes(
            files, scheme, strict=strict, jobs=jobs, progress=progress
        )
    return Review(scheme, entries, [str(p) for p in skipped])


_FEW = 8  # fewer files than this are reviewed in this process: starting costs more

_JOB: dict[str, Any] = {}


def _start_job(scheme: Scheme | None, strict: bool) -> None:
    _JOB.update(scheme=scheme, strict=strict)


def _job(path: Path) -> ReviewEntry:
    return _review_file(path, _JOB["scheme"], strict=_JOB["strict"])


def _in_processes(
    files: Sequence[Path],
    scheme: Scheme | None,
    *,
    strict: bool,
    jobs: int,
    progress: Progress | None,
) -> list[ReviewEntry]:
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    entries = []
    chunk = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_job, initargs=(scheme, strict)
    ) as pool:
        for done, entry in enumerate(pool.map(_job, files, chunksize=chunk), start=1):
            entries.append(entry)
            if progress is not None:
                progress(done, len(files))
    return entries


def _files(
    inputs: Iterable[str | os.PathLike[str]],
    exclude: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[Path]]:
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    excluded = {_key(Path(p)) for p in exclude}
    files: list[Path] = []
    skipped: list[Path] = []
    given = [Path(p) for p in inputs]
    for path in given:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith((".", "~$")) or not child.is_file():
                    continue
                if _key(child) in excluded:
                    continue
                if child.suffix.lower() in REVIEWED_SUFFIXES:
                    files.append(child)
                else:
                    skipped.append(child)
        elif path.exists():
            files.append(path)
        else:
            raise DataError(str(path), "no such file or folder")
    if not files:
        where = ", ".join(str(p) for p in given) or "no inputs"
        kinds = ", ".join(REVIEWED_SUFFIXES)
        raise DataError(where, f"no file to review (looked for {kinds})")
    return files, skipped


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:  # pragma: no cover (a path that cannot be resolved)
        return str(path.absolute())


def _review_file(path: Path, scheme: Scheme | None, *, strict: bool) -> ReviewEntry:
    """Review one file; every failure becomes the entry's error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if path.suffix.lower() in (".toml", ".json"):
                entry = _review_stated(path, scheme)
            else:
                entry = _review_workbook(path, scheme, strict=strict)
        except (PerfKPIError, OSError, ValueError, KeyError) as exc:
            entry = ReviewEntry(str(path), path.stem, error=_error_text(exc, path))
        except Exception as exc:  # noqa: BLE001 (one bad file never stops a review)
            text = f"unexpected error: {type(exc).__name__}: {exc}"
            entry = ReviewEntry(str(path), path.stem, error=text)
    seen: list[str] = []
    for w in caught:
        # the row names the file: a warning need not repeat it
        text = str(w.message).removeprefix(f"{path}: ")
        if text not in seen:
            seen.append(text)
    return attrs.evolve(entry, warnings=seen) if seen else entry


def _error_text(exc: BaseException, path: Path) -> str:
    """Return an error's message without the file name the row already shows."""
    if isinstance(exc, SchemeValidationError):
        parts = []
        for e in exc.exceptions:
            if not isinstance(e, SchemeError):
                parts.append(str(e))
                continue
            where = e.where.removeprefix(str(path)).lstrip(": ")
            parts.append(f"{e.problem} @ {where}" if where else e.problem)
        return "; ".join(parts)
    if isinstance(exc, OSError):
        return f"cannot read file: {exc.strerror or exc}"
    return str(exc)


def _review_workbook(path: Path, scheme: Scheme | None, *, strict: bool) -> ReviewEntry:
    from perfkpi.excel import differences, read_excel  # noqa: PLC0415 (an extra)

    sheet = read_excel(path)
    department = sheet.data.entity or path.stem
    found: list[Discrepancy] = []
    if scheme is not None:
        found += _against_scheme(sheet, scheme, department, str(path))
    try:
        ev = evaluate(scheme or sheet.scheme, sheet.data, strict=strict)
    except PerfKPIError as exc:
        if scheme is None or not found:
            raise
        # the rows that differ from the scheme are why: keep them with the error
        error = f"cannot be recomputed by the scheme {scheme.id!r}: {exc}"
        return ReviewEntry(
            str(path),
            department,
            sheet.total,
            None,
            "",
            "",
            found,
            error=error,
            targets=_declared_targets(sheet),  # its own indicators are declared too
        )
    found += [
        Discrepancy(
            department,
            str(path),
            d.cell,
            d.node,
            f"{d.name} {d.column}",
            d.stated,
            d.recomputed,
            f"{d.rule}: {d.why}" if d.why else d.rule,
        )
        for d in differences(sheet, ev)
    ]
    grade = next(
        (
            f.value
            for f in sheet.stated
            if (f.node, f.column) == ("total", "等级") and isinstance(f.value, str)
        ),
        "",
    )
    return ReviewEntry(
        str(path),
        department,
        sheet.total,
        ev.total,
        grade,
        ev.grade,
        found,
        evaluation=ev,
        reasons=dict(sheet.reasons),
        targets=_declared_targets(sheet),
    )


def _declared_targets(sheet: Any) -> TargetReview | None:  # noqa: ANN401 (a SelfEvaluation)
    """Review the targets a workbook declares; a failure is a warning."""
    try:
        return review_targets(sheet.scheme, sheet.data)
    except (PerfKPIError, KeyError, ValueError) as exc:
        warnings.warn(f"targets not reviewed: {exc}", UserWarning, stacklevel=2)
        return None


def _against_scheme(
    sheet: Any,  # noqa: ANN401 (a SelfEvaluation: openpyxl is an extra)
    scheme: Scheme,
    department: str,
    file: str,
) -> list[Discrepancy]:
    """List the rows whose name, points or target are not the scheme's."""
    out: list[Discrepancy] = []
    own: Scheme = sheet.scheme
    items = {item.code for item in sheet.data.items}
    for node in own.ordered():
        if node.code in items:
            continue
        place = sheet.cells.get(node.code, file)
        if node.code not in scheme:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 指标",
                    node.name,
                    None,
                    f"the scheme {scheme.id!r} has no node {node.code!r}",
                )
            )
            continue
        theirs = scheme.node(node.code)
        if node.name != theirs.name:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.code} 指标名称",
                    node.name,
                    theirs.name,
                    f"the scheme {scheme.id!r} names node {node.code} "
                    f"{theirs.name!r}: a row added, removed or moved?",
                )
            )
            continue
        if not _same_points(node.points, theirs.points):
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 分值",
                    node.points,
                    theirs.points,
                    f"the scheme {scheme.id!r} gives {node.name} "
                    f"{_shown(theirs.points)} points",
                )
            )
        mine = "" if node.target is None else str(node.target)
        published = "" if theirs.target is None else str(theirs.target)
        if mine and published and mine != published:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 指标值",
                    mine,
                    published,
                    f"the scheme {scheme.id!r} sets the target {published}; "
                    "the review scores against the scheme's",
                )
            )
    missing = [
        n
        for n in scheme.ordered()
        if n.code not in own and n.code not in items and n.parent is None
    ]
    out += [
        Discrepancy(
            department,
            file,
            file,
            n.code,
            f"{n.name} 指标",
            None,
            n.name,
            f"the sheet has no row for the scheme's node {n.code}",
        )
        for n in missing
    ]
    return out


def _same_points(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=1e-9)


def _review_stated(path: Path, scheme: Scheme | None) -> ReviewEntry:
    from perfkpi.check import TOTAL, check_report, load_stated  # noqa: PLC0415

    stated = load_stated(path)
    department = stated.entity or path.stem
    if scheme is None:
        return ReviewEntry(
            str(path),
            department,
            error="a stated-figures file names no rules: give the scheme to "
            "review it by",
        )
    result = check_report(scheme, stated)
    found = [
        Discrepancy(
            department,
            str(path),
            "; ".join(s for s in c.sources if s) or c.subject,
            "",
            c.subject,
            c.stated,
            c.computed if isinstance(c.computed, float | int | str) else None,
            f"{c.kind}: {c.expression}" + (f"; {c.note}" if c.note else ""),
        )
        for c in result.mismatches
    ]
    total = next((s for s in stated.scores if s.node == TOTAL), None)
    stated_total = None if total is None or total.value is None else total.value.value
    recomputed = next(
        (
            float(c.computed)
            for c in result.checks
            if c.kind == "sum"
            and stated_total is not None
            and c.stated == stated_total
            and isinstance(c.computed, float | int)
            and c.subject == "总分"
        ),
        None,
    )
    grade = next((c for c in result.checks if c.kind == "grade"), None)
    return ReviewEntry(
        str(path),
        department,
        stated_total,
        None if recomputed is None else round(recomputed, scheme.rounding.places),
        stated.grade,
        str(grade.computed) if grade is not None else "",
        found,
    )


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
    head = review._summary_headers(words)  # noqa: SLF001 (same module)
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
    headers = review._summary_headers(words)  # noqa: SLF001 (same module)
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
