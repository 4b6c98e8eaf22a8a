"""Leaf rules that score by table or by date: bands, categories, checklists, tiers.

:class:`Band` and :class:`Bands`, :class:`Categorical`, :class:`Checklist`,
:class:`Qualitative` and :class:`Deadline`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from perfkpi import _phrases
from perfkpi.errors import DataError, PerfKPIError, RuleError
from perfkpi.rounding import MAX_PLACES
from perfkpi.rules._base import (
    Columns,
    Role,
    RuleBase,
    ValueKind,
    _flag,
    _is_finite,
    _Node,
    _non_negative,
    _number,
    _optional_points,
    _read_against,
)
from perfkpi.targets import (
    Comparator,
    Target,
    format_number,
    format_target,
    parse_target,
)


def _to_target(value: Target | str) -> Target:
    given: object = value  # callers without mypy may pass anything
    if isinstance(given, Target):
        return given
    if not isinstance(given, str):
        msg = f"a band's condition must be a target or its text (got {given!r:.60})"
        raise RuleError(msg)
    try:
        return parse_target(given)
    except PerfKPIError as exc:
        msg = f"band condition: {exc}"
        raise RuleError(msg) from None


@attrs.frozen
class Band:
    """One band of a :class:`Bands` rule: a condition and the points it gives.

    Parameters
    ----------
    when
        The condition, as a :class:`~perfkpi.targets.Target` or its text
        (``(0%,10%]``).
    score
        The points the band gives.

    Raises
    ------
    RuleError
        If *when* is neither a target nor text that parses as one, or *score*
        is not a finite number >= 0.
    """

    when: Target = attrs.field(converter=_to_target)
    score: float = attrs.field(validator=_non_negative)


def _bands(values: Iterable[Band | Mapping[str, Any]]) -> tuple[Band, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | Mapping) or not isinstance(given, Iterable):
        msg = f"'bands' must be a list of bands (got {given!r:.60})"
        raise RuleError(msg)
    out = []
    for value in given:
        if isinstance(value, Band):
            out.append(value)
        elif isinstance(value, Mapping) and set(value) == {"when", "score"}:
            out.append(Band(value["when"], value["score"]))
        else:
            msg = f"a band is {{when = '…', score = …}}, got {value!r}"
            raise RuleError(msg)
    if not out:
        msg = "rule 'bands' needs at least one band"
        raise RuleError(msg)
    return tuple(out)


def _places(_: object, __: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 0 <= value <= MAX_PLACES
    ):
        msg = f"'places' must be a whole number from 0 to {MAX_PLACES} (got {value!r})"
        raise RuleError(msg)


@attrs.frozen
class Bands(RuleBase):
    """Stepped bands with declared inclusive ends: the first band that holds scores.

    "0 → 8分；0–10%(含) → 6分；10–20%(含) → 4分；20–30%(含) → 2分；大于30%不得分".
    Each band's condition is a target (``=0%``, ``(0%,10%]``, ``>30%``); the
    first one the actual meets gives the points.

    Parameters
    ----------
    bands
        The bands, tried in order.
    otherwise
        The points when no band holds (0 by default).
    places
        Round the actual to this many decimals (half-up) before banding, for
        tables with gaps such as "70–90 %, 50–69.99 %".

    Raises
    ------
    RuleError
        If *bands* is not a non-empty list of :class:`Band` (or tables with
        ``when`` and ``score``), *otherwise* is not a finite number >= 0, or
        *places* is not a whole number from 0 to 10.

    References
    ----------
    岳阳市 部门整体支出评分表 (预算调整率, 重点支出安排率); point tables of
    international scorecards (5 for > 90 %, 4 for 70–90 %, …).
    """

    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    otherwise: float = attrs.field(default=0.0, validator=_non_negative)
    places: int | None = attrs.field(default=None, validator=_places)

    kind: ClassVar[str] = "bands"
    actual_text: ClassVar[str] = (
        "a value in the bands' unit (number, date, rank, label)"
    )
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        zh = lang == "zh"
        parts = [
            f"{format_target(b.when, 'zh')}得{format_number(b.score)}分"
            if zh
            else f"{_phrases.target(b.when, 'en')}: {format_number(b.score)}"
            for b in self.bands
        ]
        rest = format_number(self.otherwise)
        if zh:
            other = f"其余得{rest}分" if self.otherwise else "其余不得分"
            return "分段计分：" + "；".join([*parts, other])
        return "stepped bands: " + "; ".join([*parts, f"otherwise {rest}"])

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        units = {b.when.unit for b in self.bands}
        if len(units) > 1:
            yield "the bands of one rule must share a unit"
        for band in self.bands:
            if node.points is not None and band.score > node.points:
                yield (
                    f"band {band.when} gives {format_number(band.score)}, "
                    f"more than the node's {format_number(node.points)} points"
                )

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Read the actual against the bands' unit (the first band's target)."""
        return _read_against(self.bands[0].when, actual, where)

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Score the first band that holds."""
        if self.places is not None:
            from perfkpi.rounding import RoundingMode, round_array  # noqa: PLC0415

            values = round_array(values, self.places, RoundingMode.HALF_UP)
        # the bands laid from the last to the first: where several hold, the
        # first is laid last and is the one kept; NaN meets no band
        out = np.where(np.isnan(values), np.nan, float(self.otherwise))
        for band in reversed(self.bands):
            np.copyto(out, band.score, where=band.when.met(values))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "bands": [{"when": str(b.when), "score": b.score} for b in self.bands],
        }
        if self.otherwise:
            out["otherwise"] = self.otherwise
        if self.places is not None:
            out["places"] = self.places
        return out


def _score_table(values: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(values, Mapping) or not values:
        msg = f"'scores' must be a non-empty table of label = points (got {values!r})"
        raise RuleError(msg)
    table: dict[str, float] = {}
    for label, points in values.items():
        if isinstance(points, bool) or not isinstance(points, int | float):
            msg = f"points for {label!r} must be a number (got {points!r})"
            raise RuleError(msg)
        if not _is_finite(points) or points < 0:
            msg = f"points for {label!r} must be >= 0 (got {points!r})"
            raise RuleError(msg)
        table[unicodedata.normalize("NFKC", str(label)).strip()] = float(points)
    return table


@attrs.frozen
class Categorical(RuleBase):
    """Points looked up by the actual's category.

    "无结余3分；有结余但不超过上年结转2分；超过不得分".

    Parameters
    ----------
    scores
        Points for each category label.

    Raises
    ------
    RuleError
        If *scores* is not a non-empty table of labels to finite numbers >= 0.

    References
    ----------
    岳阳市 部门整体支出评分表 (资金结余).
    """

    scores: Mapping[str, float] = attrs.field(converter=_score_table, hash=False)

    kind: ClassVar[str] = "categorical"
    actual_text: ClassVar[str] = "a category label"
    role: ClassVar[Role] = "score"

    def __hash__(self) -> int:
        return hash((self.kind, tuple(self.scores.items())))

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            parts = [f"{k}得{format_number(v)}分" for k, v in self.scores.items()]
            return "按类别计分：" + "；".join(parts)
        parts = [f"{k}: {format_number(v)}" for k, v in self.scores.items()]
        return "by category: " + "; ".join(parts)

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from self._relative_problems(node)
        for label, points in self.scores.items():
            if node.points is not None and points > node.points:
                yield f"category {label!r} gives more than the node's points"

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Return the index of the actual's category."""
        label = unicodedata.normalize("NFKC", str(actual)).strip()
        labels = list(self.scores)
        if not isinstance(actual, str) or label not in labels:
            expected = " / ".join(labels)
            raise DataError(where, f"expected one of {expected}, got {actual!r}")
        return float(labels.index(label))

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:  # noqa: ARG002
        """Look up each category's points."""
        table = np.array([*self.scores.values(), np.nan])
        index = np.where(np.isnan(values), len(self.scores), values).astype(np.intp)
        out: np.ndarray = table[index]
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the file form of the rule."""
        return {"kind": self.kind, "scores": dict(self.scores)}


def _labels(values: Iterable[str]) -> tuple[str, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | Mapping) or not isinstance(given, Iterable):
        msg = f"'items' must be a list of names (got {given!r:.60})"
        raise RuleError(msg)
    return tuple(unicodedata.normalize("NFKC", str(v)).strip() for v in given)


@attrs.frozen
class Checklist(RuleBase):
    """An additive checklist: points for each item present, up to full points.

    Parameters
    ----------
    per
        Points per item present.
    items
        The items, when the actual lists names; an actual may also be a count.

    Raises
    ------
    RuleError
        If *per* is not a finite number >= 0 or *items* is not a list.

    References
    ----------
    岳阳市 部门整体支出评分表 (管理制度健全性: 1 point for each of 3 items).
    """

    per: float = attrs.field(default=1.0, validator=_non_negative)
    items: tuple[str, ...] = attrs.field(default=(), converter=_labels)

    kind: ClassVar[str] = "checklist"
    actual_text: ClassVar[str] = "a list of item names, or a count"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        per = format_number(self.per)
        return (
            f"每具备一项得{per}分" if lang == "zh" else f"{per} points per item present"
        )

    def read(self, actual: object, node: _Node, where: str) -> float:  # noqa: ARG002
        """Count the items present (a list of names, or a count)."""
        if isinstance(actual, list | tuple):
            names = [unicodedata.normalize("NFKC", str(a)).strip() for a in actual]
            unknown = [n for n in names if self.items and n not in self.items]
            if unknown:
                msg = f"unknown checklist items {unknown}; expected {list(self.items)}"
                raise DataError(where, msg)
            return float(len(set(names)))
        count = _number(actual, where)
        if count < 0 or count != int(count):
            raise DataError(where, f"expected a whole count >= 0, got {actual!r}")
        if self.items and count > len(self.items):
            msg = f"count {actual!r} exceeds the {len(self.items)} items"
            raise DataError(where, msg)
        return count

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score ``min(per · count, points)``."""
        out: np.ndarray = np.minimum(self.per * values, cols.points)
        return out


_TIERS: tuple[tuple[tuple[str, ...], float, float, bool], ...] = (
    (("达成年度指标",), 0.8, 1.0, True),
    (("部分达成年度指标并具有一定效果", "部分达成年度指标"), 0.6, 0.8, False),
    (("未达成年度指标且效果较差", "未达成年度指标"), 0.0, 0.6, False),
)


@attrs.frozen
class Qualitative(RuleBase):
    """A qualitative indicator: the evaluator picks a score inside a tier's band.

    达成年度指标 ``[0.8w, w]``; 部分达成年度指标并具有一定效果 ``[0.6w, 0.8w)``;
    未达成年度指标且效果较差 ``[0, 0.6w)``.  The actual is a table
    ``{tier = "…", score = …}``; the score is checked against the tier's band.
    A bare score is accepted and its tier is the band it falls in.

    References
    ----------
    财预〔2020〕10号 项目支出绩效评价管理办法 (定性指标), and the ministry's code.
    """

    kind: ClassVar[str] = "qualitative"
    actual_text: ClassVar[str] = "{tier, score}, or a score"
    role: ClassVar[Role] = "score"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if lang == "zh":
            return "定性指标：按达成程度在相应分档内评分"
        return "qualitative: a score chosen inside the tier's band"

    def read(self, actual: object, node: _Node, where: str) -> float:
        """Check the chosen score against its tier and return it."""
        points = node.points or 0.0
        if isinstance(actual, Mapping):
            if set(actual) != {"tier", "score"}:
                msg = f"expected {{tier = …, score = …}}, got {dict(actual)!r}"
                raise DataError(where, msg)
            tier = unicodedata.normalize("NFKC", str(actual["tier"])).strip()
            score = _number(actual["score"], where)
            for names, lo, hi, closed in _TIERS:
                name = names[0]
                if tier in names:
                    # the band in decimal, so that 0.8 × 0.1 is 0.08 exactly
                    w = decimal.Decimal(repr(points))
                    low = float(decimal.Decimal(repr(lo)) * w)
                    high = float(decimal.Decimal(repr(hi)) * w)
                    inside = low <= score <= high if closed else low <= score < high
                    if not inside:
                        bracket = "]" if closed else ")"
                        msg = (
                            f"score {format_number(score)} is outside {name}'s band "
                            f"[{format_number(low)}, {format_number(high)}{bracket}"
                        )
                        raise DataError(where, msg)
                    return score
            known = " / ".join(t[0][0] for t in _TIERS)
            raise DataError(where, f"unknown tier {tier!r}; expected {known}")
        score = _number(actual, where)
        if not 0 <= score <= points:
            msg = (
                f"score {format_number(score)} is outside [0, {format_number(points)}]"
            )
            raise DataError(where, msg)
        return score

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Return the chosen scores, within ``[0, points]``."""
        out: np.ndarray = np.clip(values, 0.0, cols.points)
        return out


_EVERY = ("day", "working-day", "week", "month")
_EVERY_ZH = {"day": "天", "working-day": "个工作日", "week": "周", "month": "个月"}
_EPOCH = dt.date(1970, 1, 1).toordinal()


def _every(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or value not in _EVERY:
        msg = f"'every' must be one of {', '.join(_EVERY)} (got {value!r})"
        raise RuleError(msg)


def _days(ordinals: np.ndarray) -> np.ndarray:
    """Day ordinals (``date.toordinal()``) as ``datetime64[D]``."""
    out: np.ndarray = (ordinals - _EPOCH).astype("int64").astype("datetime64[D]")
    return out


def _months_late(done: np.ndarray, due: np.ndarray, *, whole: bool) -> np.ndarray:
    """Calendar months from *due* to *done* (both ``datetime64[D]``, done > due).

    A month runs to the same day of a later month, or that month's last day when
    it is shorter (31 January + 1 month = 28 February).  Started months count
    unless *whole*.
    """
    done_m, due_m = done.astype("datetime64[M]"), due.astype("datetime64[M]")
    months = done_m.astype("int64") - due_m.astype("int64")
    done_day = (done - done_m.astype("datetime64[D]")).astype("int64") + 1
    due_day = (due - due_m.astype("datetime64[D]")).astype("int64") + 1
    month_length = ((done_m + 1).astype("datetime64[D]") - done_m).astype("int64")
    anniversary = np.minimum(due_day, month_length)
    if whole:
        out: np.ndarray = months - (done_day < anniversary)
    else:
        out = months + (done_day > anniversary)
    return out


@attrs.frozen
class Deadline(RuleBase):
    """A deadline: full points when done on time, points off for lateness.

    "按期完成得满分，每逾期一天扣x分，扣完为止".  The target is a date written as a
    deadline (``2022年12月31日前``, ``≤2022-12-31``); the actual is the date the
    work was done.  Without *per*, lateness of any length scores 0
    (逾期不得分).

    Parameters
    ----------
    per
        Points off per *every* late; ``None`` (the default): 0 when late.
    every
        The period lateness is counted in: ``"day"`` (calendar days),
        ``"working-day"`` (Monday to Friday), ``"week"`` or ``"month"``
        (calendar months).
    whole
        Count only complete weeks or months (by default a started one counts,
        "不足一周按一周计").

    Raises
    ------
    RuleError
        If *per* is neither ``None`` nor a finite number >= 0, *every* is not
        one of its values, or *whole* is not true or false.

    Notes
    -----
    ``score = max(w − per · n, 0)`` with ``n`` the periods late; ``w`` when
    done on or before the deadline.  Working days are Monday to Friday: public
    holidays and the weekend days worked in their place (调休) are not known to
    perfkpi, so a scheme that counts them must give lateness in days itself.

    References
    ----------
    Published project evaluation schemes score timeliness (时效指标) as met / not
    met, or per day, week or month overdue, floored at zero.

    Examples
    --------
    10 points, due 2023年11月30日前, done 15 December: 15 days late at 0.5 a day
    loses 7.5.

    >>> from perfkpi import Node, Scheme, evaluate
    >>> import datetime as dt
    >>> scheme = Scheme.from_nodes("d", "d", [Node("1", "系统上线", points=10,
    ...     target="2023年11月30日前", rule=Deadline(per=0.5))], points=10)
    >>> evaluate(scheme, {"1": dt.date(2023, 12, 15)}).total
    2.5
    >>> evaluate(scheme, {"1": "2023年11月28日"}).total
    10.0
    """

    per: float | None = attrs.field(default=None, validator=_optional_points)
    every: Literal["day", "working-day", "week", "month"] = attrs.field(
        default="day", validator=_every
    )
    whole: bool = attrs.field(default=False, validator=_flag)

    kind: ClassVar[str] = "deadline"
    role: ClassVar[Role] = "score"
    needs_target: ClassVar[bool] = True
    target_kinds: ClassVar[frozenset[ValueKind]] = frozenset({"date"})
    actual_text: ClassVar[str] = "a date, or its text (2023年12月15日)"

    def describe(self, lang: str = "zh") -> str:
        """Return a one-line description of the rule."""
        if self.per is None:
            if lang == "zh":
                return "按期完成得满分，逾期不得分"
            return "full points if done by the deadline, else 0"
        per = format_number(self.per)
        if lang == "zh":
            return f"按期完成得满分，每逾期1{_EVERY_ZH[self.every]}扣{per}分，扣完为止"
        return f"{per} points off per {self.every} late, floored at zero"

    def problems(self, node: _Node) -> Iterator[str]:
        """Yield what is wrong with using this rule on *node*."""
        yield from super().problems(node)
        target = node.target
        if (
            target is not None
            and target.kind == "date"
            and target.comparator is not Comparator.LE
        ):
            yield (
                f"rule 'deadline' needs a deadline (≤ a date, 'X日前'), not {target}"
            )

    def late(self, values: np.ndarray, due: np.ndarray) -> np.ndarray:
        """Return the periods late (0 when on time; NaN in, NaN out)."""
        nan = np.isnan(values)
        done_ord = np.where(nan, due, values)
        late_days = np.maximum(done_ord - due, 0.0)
        if self.every == "day":
            count = late_days
        elif self.every == "week":
            weeks = late_days / 7
            count = np.floor(weeks) if self.whole else np.ceil(weeks)
        else:
            done, deadline = _days(done_ord), _days(due * np.ones_like(done_ord))
            if self.every == "working-day":
                # working days after the deadline, up to and including the day done
                count = np.busday_count(deadline + 1, done + 1).astype(np.float64)
            else:
                count = _months_late(done, deadline, whole=self.whole).astype(float)
            count = np.where(late_days > 0, np.maximum(count, 0.0), 0.0)
        out: np.ndarray = np.where(nan, np.nan, count)
        return out

    def score(self, values: np.ndarray, cols: Columns) -> np.ndarray:
        """Score full points on time, ``max(w − per · periods late, 0)`` after."""
        points = cols.points * np.ones_like(values)
        if self.per is None:
            late_score = np.zeros_like(values)
        else:
            late = self.late(values, cols.reference * np.ones_like(values))
            late_score = np.maximum(points - self.per * late, 0.0)
        out: np.ndarray = np.where(cols.met, points, late_score)
        return np.where(np.isnan(values), np.nan, out)
