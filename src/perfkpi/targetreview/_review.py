"""Reviewing a declared set of targets on the four dimensions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from perfkpi._declaration import Declaration, is_declaration, read_declaration
from perfkpi.deductions import Data
from perfkpi.errors import DataError
from perfkpi.files import load_scheme
from perfkpi.scheme import Scheme
from perfkpi.targetreview._appropriateness import _appropriateness
from perfkpi.targetreview._completeness import _completeness
from perfkpi.targetreview._declared import (
    _form_raws,
    _item_raws,
    _items_of,
    _Raw,
    _scheme_raws,
)
from perfkpi.targetreview._feasibility import _feasibility
from perfkpi.targetreview._relevance import _relevance
from perfkpi.targetreview._results import ReviewedIndicator, TargetReview
from perfkpi.targetreview._taxonomy import _classify


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DataError(
            what, f"expected a mapping by indicator name, got {value!r:.60}"
        )
    return value


def _history(value: object) -> Mapping[str, Sequence[Any]]:
    out = _mapping(value, "history")
    for name, past in out.items():
        if isinstance(past, str | bytes) or not isinstance(past, Sequence):
            msg = f"expected a list of past actuals, oldest first, got {past!r:.60}"
            raise DataError(f"history[{name!r}]", msg)
    return out


def _check_names(
    table: Mapping[str, Any], reviewed: Sequence[ReviewedIndicator], what: str
) -> None:
    known = {r.name for r in reviewed} | {r.code for r in reviewed}
    for name in table:
        if name not in known:
            msg = f"no declared indicator {name!r:.40} (give a name or node code)"
            raise DataError(what, msg)


def review_targets(
    scheme: Scheme | Declaration | str | Path,
    data: Data | Declaration | Mapping[str, Any] | str | Path | None = None,
    *,
    history: Mapping[str, Sequence[float | str]] | None = None,
    standards: Mapping[str, float | str] | None = None,
    duties: Mapping[str, Sequence[str]] | None = None,
    taxonomy: str | None = None,
) -> TargetReview:
    """Review a department's declared indicators and targets.

    Parameters
    ----------
    scheme
        The scheme (a :class:`~perfkpi.scheme.Scheme` or its file): its
        leaves with a target, an indicator or a scoring rule of their own are
        declared indicators.  A 绩效目标申报表 workbook (``.xlsx``, or
        ``.xls`` with the ``xls`` extra) is the whole declared set: its
        indicator table's rows, each weighing one point (see
        :doc:`/target-review`), or the
        :class:`~perfkpi._declaration.Declaration`
        :func:`~perfkpi._declaration.read_declaration` read from one.
    data
        A data file (path), its plain mapping or a :class:`~perfkpi.deductions.Data`:
        its ``items`` are declared indicators too; or a 申报表 workbook, whose
        rows are declared beside the scheme's leaves.  A file is read as
        written, so a placeholder target (``待定``) is a finding, not an
        error.  A form's indicator is named by its 指标值 cell
        (``申报表!F12``) in the findings' ``code``.
    history
        Past actuals by indicator name (or node code), oldest first, in the
        target's unit or as text with a unit.
    standards
        Spending standards (预算支出标准) by indicator name or node code.
    duties
        The department's duties (主要职能), each with the names (or node
        codes) of the indicators that serve it.
    taxonomy
        The taxonomy whose first-level classes are required.  By default:
        for a 申报表, the one whose classes its 一级指标 column names most;
        else the one whose classes the nodes above the indicators name most
        (产出指标, 效益指标 …; two classes at least), ties going to the one
        most library indicators of the set come from; else the one most
        library indicators come from.

    Returns
    -------
    TargetReview
        The findings, ``ok`` when there are none.

    Raises
    ------
    SchemeError, SchemeValidationError
        If the scheme file cannot be read or is not a valid scheme.
    DataError
        If the data is not a data file, a mapping or a Data, an item has no
        name or an unknown parent, the data names another scheme, a 申报表
        cannot be read (no indicator table, hidden rows or sheets, a merged
        range over two indicators, a 指标值 without a name: the error names
        the sheet and the cell), or
        *history*, *standards* or *duties* name an indicator that is not
        declared or hold a value that cannot be read.
    IncompatibleUnitError
        If a history figure or standard is in a unit of another dimension.
    KeyError
        If *taxonomy* is not a taxonomy of the catalog.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> from perfkpi.targetreview import review_targets
    >>> review = review_targets(
    ...     catalog.scheme("cn-project-2020"),
    ...     history={"4.1": ["92%", "95%"]},   # by node code or name
    ... )
    >>> [(f.check, f.code, f.name) for f in review.findings]
    [('below-last-year', '4.1', '服务对象满意度')]
    >>> print(review.findings[0].reason())
    指标值≥90%低于上年实际值95%（目标值设置偏低）
    """
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    given: object = scheme  # callers without mypy may pass anything
    raws: list[_Raw] = []
    entity = period = scheme_id = ""
    if is_declaration(given) or isinstance(given, Declaration):
        if data is not None:
            msg = "a 申报表 is the whole declared set: give no data beside it"
            raise DataError("data", msg)
        form = given if isinstance(given, Declaration) else read_declaration(given)
        raws, entity, period = _form_raws(form), form.entity, form.period
    elif not isinstance(scheme, Scheme):
        if not isinstance(given, str | Path):
            msg = f"expected a Scheme or a scheme file's path, got {scheme!r:.60}"
            raise DataError("scheme", msg)
        scheme = load_scheme(given)
    if isinstance(scheme, Scheme):
        scheme_id = scheme.id
        raws = _scheme_raws(scheme)
    if taxonomy is not None:
        catalog.taxonomy(taxonomy)
    if data is not None and isinstance(scheme, Scheme):
        if is_declaration(data) or isinstance(data, Declaration):
            form = data if isinstance(data, Declaration) else read_declaration(data)
            raws += _form_raws(form)
            entity, period = form.entity, form.period
        else:
            items, named, entity, period = _items_of(data)
            if named and named != scheme.id:
                msg = f"the data is for scheme {named!r}, not {scheme.id!r}"
                raise DataError("data", msg)
            raws += _item_raws(scheme, items)
    chosen, classes, money = _classify(raws, taxonomy)
    reviewed = tuple(
        ReviewedIndicator(
            r.code, r.name, r.target, r.text, r.stake, c, m, r.qualitative
        )
        for r, c, m in zip(raws, classes, money, strict=True)
    )
    past = _history(history)
    ceilings = _mapping(standards, "standards")
    _check_names(past, reviewed, "history")
    _check_names(ceilings, reviewed, "standards")
    if duties is not None:
        _mapping(duties, "duties")
    relevance, share, outcome_share = _relevance(reviewed, duties)
    findings = [
        *_completeness(raws, reviewed, chosen),
        *relevance,
        *_appropriateness(reviewed, past, ceilings),
        *_feasibility(reviewed, past),
    ]
    return TargetReview(
        scheme_id,
        entity,
        period,
        chosen,
        reviewed,
        tuple(findings),
        share,
        outcome_share,
    )
