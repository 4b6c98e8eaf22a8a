"""Render an evaluation as a report: text, Markdown, HTML or JSON, zh or en.

A report has the two parts a self-evaluation report (自评报告) has: the score
card, listing each scored node with its full points, score, the points it lost
and why; and the narrative, written the way such a report words its
conclusion: the total, then each first-level node with its full points and
score, then its deductions grouped by category with their reasons and
subtotals.

Findings' reasons are data and stay verbatim in every language; the sentences
perfkpi builds itself follow *lang*.  The HTML report is one self-contained file
(inline CSS, no script, no external link) that prints on A4.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> text = narrative(ev)
>>> print(text.splitlines()[0])
2022年度，广州互联网法院绩效自评得分88.63分（满分100分），等级为“良”。具体如下：
>>> print(text.splitlines()[1])
1. 履职效能方面，满分50分，自评得分45.98分。
>>> print(text.splitlines()[-1])
   运行成本考核：公用经费控制率、“三公”经费控制率均达到指标值，不扣分。
"""

from __future__ import annotations

import datetime as dt  # noqa: F401 (Sphinx reads Signature's annotations here)
import json
from collections.abc import Mapping

from perfkpi import _public
from perfkpi.evaluation import Evaluation
from perfkpi.report import _words
from perfkpi.report._html import _html
from perfkpi.report._json import _plain
from perfkpi.report._markdown import _markdown
from perfkpi.report._markdown import _md_escape as _md_escape
from perfkpi.report._narrative import narrative as narrative
from perfkpi.report._signature import Signature as Signature
from perfkpi.report._signature import _Ask, _kind, _language, _reasons
from perfkpi.report._text import _text
from perfkpi.report._words import ReportError as ReportError
from perfkpi.report._words import _line as _line

__all__ = [
    "FORMATS",
    "KINDS",
    "LANGS",
    "Format",
    "Kind",
    "Lang",
    "ReportError",
    "Signature",
    "narrative",
    "render",
]

Format = _words.Format
"""A report format: ``"text"``, ``"markdown"``, ``"json"`` or ``"html"``."""

Lang = _words.Lang
"""A language of the sentences perfkpi writes: ``"zh"`` or ``"en"``."""

Kind = _words.Kind
"""Who evaluates whom: ``"self"`` (自评), ``"department"`` (部门评价),
``"finance"`` (财政评价) or ``"third-party"`` (第三方评价), by the English or
the Chinese name."""

FORMATS = _words.FORMATS
"""The report formats :func:`~perfkpi.report.render` writes."""

LANGS = _words.LANGS
"""The languages of the sentences perfkpi writes."""

KINDS = _words.KINDS
"""The names of the kinds of report, English then Chinese."""


# -- dispatch ------------------------------------------------------------------


def render(
    ev: Evaluation,
    *,
    format: Format = "text",  # noqa: A002
    lang: Lang = "zh",
    kind: Kind | None = None,
    signature: Signature | None = None,
    reasons: Mapping[str, str] | None = None,
) -> str:
    """Render *ev* as a report.

    Every report has the narrative, the score card with the deductions and
    their reasons, the table of every leaf indicator (指标值, 实际完成值, 分值,
    得分, 扣分, 偏差原因), the problems found (存在的问题: each unmet indicator
    and each finding; an empty section says there are none) and, when asked
    for, the signature block.

    Parameters
    ----------
    ev
        The evaluation.
    format
        ``"text"``, ``"markdown"``, ``"html"`` (one self-contained, printable
        file) or ``"json"`` (the plain data of
        :meth:`~perfkpi.evaluation.Evaluation.to_dict`, with the kind, the
        problems and the signature under ``report``; with ``lang="en"`` the
        reasons of computed deductions and the actuals in English).
    lang
        ``"zh"`` or ``"en"``: the language of the words and sentences perfkpi
        writes.  Names and findings' reasons are data and stay as given.
    kind
        Who evaluates whom (see :data:`Kind`): ``"self"`` (自评),
        ``"department"`` (部门评价), ``"finance"`` (财政评价) or
        ``"third-party"`` (第三方评价), by either name.  By default the
        scheme's :attr:`~perfkpi.scheme.Scheme.report_kind`.
    signature
        The signature block (评价单位, 评价人, 日期) to end the report with;
        none by default.  Its empty fields are lines to write on.
    reasons
        偏差原因 by node code, kept verbatim in the indicator table and the
        problems (pass :attr:`perfkpi.excel.SelfEvaluation.reasons` to keep a
        sheet's own); a leaf without one shows the reasons of its deductions.

    Raises
    ------
    ReportError
        For an unknown format, language or kind, a *signature* that is not a
        :class:`Signature`, or *reasons* that are not a mapping of codes to
        text.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> page = render(ev, format="html")
    >>> page.startswith("<!DOCTYPE html>"), "<script" in page, "88.63" in page
    (True, False, True)
    """
    if format not in FORMATS:
        msg = f"unknown report format {format!r}; expected one of {', '.join(FORMATS)}"
        raise ReportError(msg)
    given: object = signature  # callers without mypy may pass anything
    if given is not None and not isinstance(given, Signature):
        msg = f"signature must be a Signature (got {type(given).__name__})"
        raise ReportError(msg)
    ask = _Ask(_language(lang), _kind(ev, kind), signature, _reasons(reasons))
    if format == "json":
        return json.dumps(_plain(ev, ask), ensure_ascii=False, indent=2) + "\n"
    if format == "markdown":
        return _markdown(ev, ask)
    if format == "html":
        return _html(ev, ask)
    return _text(ev, ask)


# the objects defined in the private modules present themselves as this
# module's, so the reference, reprs and pickles name perfkpi.report.Name
_public.adopt(__name__, globals(), __all__)
