"""The signature block and what a report is asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from perfkpi import _kinds
from perfkpi._kinds import CanonicalKind
from perfkpi.evaluation import Evaluation
from perfkpi.report._words import LANGS, Lang, ReportError


def _date(value: object) -> dt.date | None:
    if value is None or (
        isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    ):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    msg = f"the signature's date must be a date or YYYY-MM-DD text (got {value!r:.60})"
    raise ReportError(msg)


def _sign_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str):
        msg = f"the signature's {attribute.name} must be text (got {value!r:.60})"
        raise ReportError(msg)


@attrs.frozen
class Signature:
    """The block a report is signed with: 评价单位, 评价人, 日期.

    A field left empty is a line to sign or write on by hand; the date is
    never filled in by itself.

    Parameters
    ----------
    unit
        评价单位: who evaluates (for a department, finance or third-party
        evaluation the opening sentence names it too).
    evaluator
        评价人: who signs.
    date
        日期: a :class:`datetime.date` or ``YYYY-MM-DD`` text.

    Raises
    ------
    ReportError
        If *unit* or *evaluator* is not text, or *date* is neither a date nor
        ``YYYY-MM-DD`` text.

    Examples
    --------
    >>> Signature("广州市财政局", date="2023-05-31").date
    datetime.date(2023, 5, 31)
    """

    unit: str = attrs.field(default="", validator=_sign_text)
    evaluator: str = attrs.field(default="", validator=_sign_text)
    date: dt.date | None = attrs.field(default=None, converter=_date)


@attrs.frozen
class _Ask:
    """What a report was asked for besides the evaluation."""

    lang: Lang
    kind: CanonicalKind = "self"
    signature: Signature | None = None
    reasons: Mapping[str, str] = attrs.field(factory=dict)


def _language(lang: str) -> Lang:
    if lang not in LANGS:
        msg = f"unknown report language {lang!r}; expected one of {', '.join(LANGS)}"
        raise ReportError(msg)
    return "zh" if lang == "zh" else "en"


def _kind(ev: Evaluation, kind: object) -> CanonicalKind:
    """Return the kind asked for, or the scheme's when *kind* is None."""
    if kind is None:
        kind = ev.scheme.report_kind
    if not _kinds.known(kind):
        msg = f"unknown report kind {kind!r:.60}; expected one of {_kinds.ACCEPTED}"
        raise ReportError(msg)
    return _kinds.KINDS[str(kind).strip()]


def _reasons(reasons: object) -> Mapping[str, str]:
    if reasons is None:
        return {}
    if not isinstance(reasons, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in reasons.items()
    ):
        msg = (
            "reasons must be a mapping of node codes to text "
            f"(got {type(reasons).__name__})"
        )
        raise ReportError(msg)
    return dict(reasons)
