"""A review's records: each submission's entry, its discrepancies, their words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from perfkpi import _checks
from perfkpi.errors import DataError
from perfkpi.evaluation import Evaluation
from perfkpi.targetreview import TargetReview
from perfkpi.targets import format_number


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
