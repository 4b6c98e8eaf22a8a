"""Reviewing declared targets (绩效目标审核) the way a finance bureau does.

A department declares its indicators and their targets: the leaves of a scheme
and the items of its data file.  :func:`review_targets` checks them on the four
dimensions finance bureaus review targets on — completeness, relevance,
appropriateness and feasibility (完整性、相关性、适当性、可行性) — and each
:class:`TargetFinding` names the indicator (its node code and name), the check
and why.  :data:`CHECKS` lists every check with its rule and threshold.

Examples
--------
>>> from perfkpi import catalog
>>> from perfkpi.targetreview import review_targets
>>> review = review_targets(catalog.scheme("cn-project-2020"))
>>> review.ok, len(review.indicators)
(True, 7)
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi._declaration import Declaration, is_declaration, read_declaration
from perfkpi.deductions import Data
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.files import load_scheme, read_document
from perfkpi.indicators import Indicator
from perfkpi.rules import Deduct
from perfkpi.scheme import Scheme
from perfkpi.targets import Comparator, Target, format_number, parse_target

__all__ = [
    "CHECKS",
    "DIMENSIONS",
    "HISTORY_MARGIN",
    "PLACEHOLDERS",
    "SPENDING_SHARE",
    "Check",
    "ReviewedIndicator",
    "TargetFinding",
    "TargetReview",
    "review_targets",
    "run",
]

DIMENSIONS = ("completeness", "relevance", "appropriateness", "feasibility")
"""The four dimensions of a target review, in the order reports list them."""

_DIMENSION_ZH = {
    "completeness": "完整性",
    "relevance": "相关性",
    "appropriateness": "适当性",
    "feasibility": "可行性",
}

SPENDING_SHARE = 0.10
"""The largest share of the points at stake that money-flow indicators may carry.

财预〔2020〕10号 gives 预算执行率, the one spending indicator of a project
self-evaluation, 10 of 100 points; a set that puts more on execution and
spending rates is flagged.
"""

HISTORY_MARGIN = 0.10
"""How far beyond the history's range (as a share of its end) a target may lie."""

PLACEHOLDERS = ("待定", "待填", "待补充", "xx", "××", "**", "tbd", "?", "…")
"""Text that marks a name or target as not yet filled in (case ignored)."""


@attrs.frozen
class Check:
    """One check of the review: its code, dimension, name and rule.

    Parameters
    ----------
    code
        Its identifier in findings (``spending-heavy``).
    dimension
        One of :data:`DIMENSIONS`.
    zh
        Its name in Chinese.
    rule
        What it flags, with its threshold.
    """

    code: str
    dimension: str
    zh: str
    rule: str


CHECKS: tuple[Check, ...] = (
    Check(
        "missing-class",
        "completeness",
        "指标类别缺失",
        "a first-level class of the taxonomy has no indicator",
    ),
    Check(
        "placeholder",
        "completeness",
        "占位内容",
        "a name or target holds a placeholder (待定, XX, ××, TBD …)",
    ),
    Check(
        "no-value",
        "completeness",
        "缺少指标值",
        "an indicator has no target value, or one that cannot be read",
    ),
    Check(
        "no-unit",
        "completeness",
        "缺少计量单位",
        "a quantitative target has no unit",
    ),
    Check(
        "no-direction",
        "completeness",
        "缺少指标性质",
        "a quantitative target says neither ≥ nor ≤ (and no library "
        "indicator gives its direction)",
    ),
    Check(
        "spending-heavy",
        "relevance",
        "偏重资金支出",
        "indicators that only measure money flowing (execution and spending "
        "rates) carry more than SPENDING_SHARE (10 %) of the points at stake",
    ),
    Check(
        "duty-unserved",
        "relevance",
        "职能无指标",
        "a duty (主要职能) is served by no indicator",
    ),
    Check(
        "below-last-year",
        "appropriateness",
        "目标值设置偏低",
        "a target is less demanding than last year's actual",
    ),
    Check(
        "above-standard",
        "appropriateness",
        "超出支出标准",
        "a target allows more than the spending standard",
    ),
    Check(
        "all-100",
        "appropriateness",
        "指标值均为100%",
        "every percentage target (two or more) is exactly 100 %",
    ),
    Check(
        "outside-history",
        "feasibility",
        "偏离历史水平",
        "a target lies more than HISTORY_MARGIN (10 %) beyond the highest or "
        "lowest actual of its history: a human confirms it",
    ),
)
"""Every check, in the order reports list them."""

_CHECK = {c.code: c for c in CHECKS}

_NAMED_CLASSES = 2  # first-level classes a set must name to choose its taxonomy
_MONEY_CLASSES = frozenset({("过程", "预算执行"), ("过程", "资金管理")})
_MONEY_NAME = re.compile(
    "(预算|资金|经费|支出|支付).*(执行|支出|到位|完成|控制|支付|进度)率"
)
_OUTCOME_CLASSES = frozenset(
    {"产出", "效益", "效果", "满意度", "成本", "部门绩效情况", "产出数量"}
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@attrs.frozen
class ReviewedIndicator:
    """One declared indicator, as the review read it.

    Parameters
    ----------
    code, name
        Its node code and name.
    target
        Its target, or ``None`` (qualitative, missing or unreadable).
    text
        The target as written.
    stake
        The points it puts at stake: a leaf's points, or what an unmet item
        costs its ``deduct`` parent.
    category
        Its class (first level, second level), or ``()`` when unknown.
    money
        Whether it only measures money flowing (an execution or spending rate).
    qualitative
        Whether it is qualitative (a label target such as ``是``, or a leaf
        scored without one).
    """

    code: str
    name: str
    target: Target | None
    text: str
    stake: float
    category: tuple[str, ...] = ()
    money: bool = False
    qualitative: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the indicator as plain JSON-able data."""
        return {
            "code": self.code,
            "name": self.name,
            "target": self.text,
            "stake": self.stake,
            "category": list(self.category),
            "money": self.money,
            "qualitative": self.qualitative,
        }


@attrs.frozen
class TargetFinding:
    """A problem of a declared target set: which indicator, which check, why.

    Parameters
    ----------
    check
        The check's code (see :data:`CHECKS`).
    code, name
        The indicator's node code and name; for a finding about the whole set
        or a duty, the code is empty and the name says what it is about.
    reason_zh, reason_en
        Why, in Chinese and in English.
    """

    check: str
    code: str
    name: str
    reason_zh: str
    reason_en: str

    @property
    def dimension(self) -> str:
        """The dimension the check belongs to."""
        return _CHECK[self.check].dimension

    def reason(self, lang: str = "zh") -> str:
        """Return the reason in *lang* (``"zh"`` or ``"en"``).

        Raises
        ------
        ValueError
            If *lang* is neither.
        """
        return self.reason_zh if _lang(lang) == "zh" else self.reason_en

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as plain JSON-able data."""
        return {
            "check": self.check,
            "dimension": self.dimension,
            "code": self.code,
            "name": self.name,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


def _lang(lang: object) -> str:
    if lang not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en' (got {lang!r:.40})"
        raise ValueError(msg)
    return str(lang)


def _pct(share: float) -> str:
    return format_number(round(share * 100, 1)) + "%"


@attrs.frozen
class TargetReview:
    """The review of one declared target set.

    Parameters
    ----------
    scheme
        The scheme's id (``""`` for a 申报表 reviewed alone).
    entity, period
        Whose targets, for which period (from the data file).
    taxonomy
        The taxonomy whose classes were required (empty when none could be
        told).
    indicators
        The declared indicators, as read.
    findings
        What was flagged, in the order of :data:`CHECKS`.
    spending_share, outcome_share
        The shares of the points at stake on money-flow indicators and on
        outputs and outcomes.
    """

    scheme: str
    entity: str
    period: str
    taxonomy: str
    indicators: tuple[ReviewedIndicator, ...]
    findings: tuple[TargetFinding, ...]
    spending_share: float
    outcome_share: float

    @property
    def ok(self) -> bool:
        """Whether nothing was flagged."""
        return not self.findings

    def to_dict(self) -> dict[str, Any]:
        """Return the review as plain JSON-able data."""
        return {
            "scheme": self.scheme,
            "entity": self.entity,
            "period": self.period,
            "taxonomy": self.taxonomy,
            "ok": self.ok,
            "spending_share": self.spending_share,
            "outcome_share": self.outcome_share,
            "indicators": [i.to_dict() for i in self.indicators],
            "findings": [f.to_dict() for f in self.findings],
        }

    def report(self, lang: str = "zh") -> str:
        """Return the review as text, one finding a line, by dimension.

        Raises
        ------
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        zh = _lang(lang) == "zh"
        who = " ".join(x for x in (self.entity, self.period) if x)
        money = sum(1 for i in self.indicators if i.money)
        n = len(self.indicators)
        if zh:
            lines = [
                f"绩效目标审核：{who or self.scheme}"
                + (f"（{self.scheme}）" if self.scheme else ""),
                (
                    f"  {n} 项指标；分类体系 {self.taxonomy or '未知'}；"
                    f"资金支出类指标 {money} 项，占分值 {_pct(self.spending_share)}；"
                    f"产出和效益类占 {_pct(self.outcome_share)}"
                ),
            ]
        else:
            lines = [
                f"Target review: {who or self.scheme}"
                + (f" ({self.scheme})" if self.scheme else ""),
                (
                    f"  {n} indicators; taxonomy {self.taxonomy or 'unknown'}; "
                    f"{money} money-flow indicators carry "
                    f"{_pct(self.spending_share)} of the points at stake, outputs "
                    f"and outcomes {_pct(self.outcome_share)}"
                ),
            ]
        if self.ok:
            lines.append("  未发现问题。" if zh else "  Nothing flagged.")
            return "\n".join(lines) + "\n"
        count = len(self.findings)
        lines.append(f"  发现 {count} 项问题：" if zh else f"  {count} flagged:")
        for dim in DIMENSIONS:
            found = [f for f in self.findings if f.dimension == dim]
            if not found:
                continue
            lines.append(f"  {_DIMENSION_ZH[dim] if zh else dim}")
            for f in found:
                what = " ".join(x for x in (f.code, f.name) if x)
                lines.append(f"    [{f.check}] {what}: {f.reason(lang)}")
        return "\n".join(lines) + "\n"


# -- reading the declared set -----------------------------------------------------


def _record_of(name: str, indicator: Indicator | None) -> Any:  # noqa: ANN401 (a catalog Record)
    for key in (indicator.code if indicator else "", name):
        found = _exact_record(key) if key else None
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def _exact_record(key: str) -> Any:  # noqa: ANN401 (a catalog Record)
    """Return the library record of *key* (code, name or alias), or ``None``.

    An exact look-up: ``catalog.record`` would work out suggestions for every
    name that is not in the library, which costs more than the review.
    """
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    return catalog._library().index.get(catalog._key(key))  # noqa: SLF001


def _placeholder(text: str) -> str | None:
    folded = _fold(text)
    for mark in PLACEHOLDERS:
        if mark in folded:
            return mark
    return None


@attrs.frozen
class _Raw:
    """A declared indicator before its class is settled."""

    code: str
    name: str
    text: str
    target: Target | None
    stake: float
    context: tuple[str, ...]  # the names and categories above it, nearest first
    indicator: Indicator | None = None
    directional: bool = True
    readable: bool = True
    qualitative: bool = False
    category: tuple[str, ...] = ()  # the class a 申报表 declares it in
    problem: str = ""  # why its target cannot be read, naming the cell


def _scheme_raws(scheme: Scheme) -> list[_Raw]:
    parents = {n.parent for n in scheme.nodes}
    out = []
    for node in scheme.nodes:
        if node.code in parents:
            continue
        rule = scheme.rule(node.code)
        if node.target is None and node.indicator is None and isinstance(rule, Deduct):
            continue  # a container of items or findings, not an indicator
        out.append(
            _Raw(
                node.code,
                node.name,
                "" if node.target is None else str(node.target),
                node.target,
                _stake(scheme, node.code, node.points, rule),
                _context(scheme, node.parent, node.category),
                node.indicator,
                qualitative=node.target is None or node.target.kind == "label",
            )
        )
    return out


def _stake(scheme: Scheme, code: str, points: float | None, rule: object) -> float:
    if points is not None:
        return float(points)
    own = getattr(rule, "points", None)
    if isinstance(own, int | float) and not isinstance(rule, Deduct):
        return float(own)
    parent = scheme.node(code).parent if code in scheme else None
    parent_rule = scheme.rule(parent) if parent else None
    return float(parent_rule.per_unmet) if isinstance(parent_rule, Deduct) else 1.0


def _context(scheme: Scheme, parent: str | None, category: str) -> tuple[str, ...]:
    names = [category] if category else []
    while parent is not None and parent in scheme:
        node = scheme.node(parent)
        names += [node.name, *([node.category] if node.category else [])]
        parent = node.parent
    return tuple(names)


def _item_raws(scheme: Scheme, items: Sequence[Mapping[str, Any]]) -> list[_Raw]:
    used = {n.code for n in scheme.nodes}
    counters: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        where = f"items[{i}]"
        parent = item.get("parent")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataError(where, f"'name' must be text (got {name!r:.40})")
        if not isinstance(parent, str) or parent not in scheme:
            raise DataError(where, f"unknown parent node {parent!r:.40}")
        rule = scheme.rule(parent)
        if not isinstance(rule, Deduct):
            msg = f"items go under 'deduct' nodes; {parent} is not one"
            raise DataError(where, msg)
        code = item.get("code") or ""
        if not isinstance(code, str):
            raise DataError(where, f"'code' must be text (got {code!r:.40})")
        if not code:
            n = counters.get(parent, len(scheme.children(parent)))
            while f"{parent}.{n + 1}" in used:
                n += 1
            code = f"{parent}.{n + 1}"
            counters[parent] = n + 1
        used.add(code)
        out.append(_item_raw(scheme, item, code, name, parent, float(rule.per_unmet)))
    return out


def _item_raw(
    scheme: Scheme,
    item: Mapping[str, Any],
    code: str,
    name: str,
    parent: str,
    stake: float,
) -> _Raw:
    text = item.get("target")
    category = item.get("category") or ""
    context = _context(scheme, parent, category if isinstance(category, str) else "")
    if isinstance(text, Target):
        return _Raw(
            code, name, str(text), text, stake, context,
            qualitative=text.kind == "label",
        )  # fmt: skip
    if text is None or (isinstance(text, str) and not text.strip()):
        return _Raw(code, name, "", None, stake, context, readable=False)
    if not isinstance(text, str):
        msg = f"'target' must be text (got {text!r:.40})"
        raise DataError(f"items of {code}", msg)
    record = _record_of(name, None)
    try:
        higher = parse_target(text, direction="higher")
        lower = parse_target(text, direction="lower")
    except PerfKPIError:
        return _Raw(code, name, text, None, stake, context, readable=False)
    direction = record.indicator.direction if record is not None else None
    target = lower if direction == "lower" else higher
    return _Raw(
        code,
        name,
        text,
        target,
        stake,
        context,
        record.indicator if record is not None else None,
        directional=higher == lower or direction in ("higher", "lower"),
        qualitative=target.kind == "label",
    )


def _form_raws(form: Declaration) -> list[_Raw]:
    """Each indicator of a declaration form, weighing one point."""
    out = []
    for row in form.indicators:
        record = _record_of(row.name, None)
        direction = record.indicator.direction if record is not None else None
        target = row.target
        directional = row.directional or direction in ("higher", "lower")
        if target is not None and not row.nature and direction == "lower":
            target = parse_target(row.text, direction="lower")
        out.append(
            _Raw(
                row.cell,
                row.name,
                row.text,
                target,
                1.0,
                tuple(x for x in (row.second, row.first) if x),
                record.indicator if record is not None else None,
                directional=directional,
                readable=bool(row.text) and (target is not None or row.qualitative),
                qualitative=row.qualitative,
                category=tuple(
                    x for x in (_class_word(row.first), _class_word(row.second)) if x
                ),
                problem=row.error,
            )
        )
    return out


def _class_word(text: str) -> str:
    """Return a form's class as the taxonomies name it: 产出指标 → 产出."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.removesuffix("指标") if text != "指标" else ""


def _items_of(data: object) -> tuple[list[Mapping[str, Any]], str, str, str]:
    """Return a data set's items as tables, with its scheme, entity and period."""
    if isinstance(data, Data):
        own: list[Mapping[str, Any]] = [
            attrs.asdict(i, recurse=False) for i in data.items
        ]
        return own, "", data.entity, data.period
    if isinstance(data, str | Path):
        doc = read_document(data)
        where = str(data)
    elif isinstance(data, Mapping):
        doc, where = dict(data), "data"
    else:
        msg = f"expected a data file's path, a Data or a mapping, got {data!r:.60}"
        raise DataError("data", msg)
    items = doc.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise DataError(where, "'items' must be a list of tables")
    scheme = doc.get("scheme", "")
    return items, str(scheme), str(doc.get("entity", "")), str(doc.get("period", ""))


# -- classes ------------------------------------------------------------------------


def _classify(
    raws: Sequence[_Raw], taxonomy: str | None
) -> tuple[str, list[tuple[str, ...]], list[bool]]:
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    records = [_record_of(r.name, r.indicator) for r in raws]
    declared = {r.category[0] for r in raws if r.category}
    if taxonomy is None and declared:
        # a 申报表 says its classes: the taxonomy whose classes it uses
        fits = {
            t: len(declared & set(catalog.taxonomy(t).classes))
            for t in catalog.taxonomies()
        }
        most = max(fits.values(), default=0)
        taxonomy = next(
            (t for t in catalog.taxonomies() if most and fits[t] == most), None
        )
    if taxonomy is None:
        counts = Counter(rec.taxonomy for rec in records if rec is not None)
        order = catalog.taxonomies()
        # the classes the set names itself (产出指标, 效益指标 …) come first:
        # one library indicator must not pull the set into another framework
        texts = [t for r in raws for t in r.context]
        named = {
            t: sum(1 for c in catalog.taxonomy(t).classes if any(c in x for x in texts))
            for t in order
        }
        key = {
            t: (named[t] if named[t] >= _NAMED_CLASSES else 0, counts[t]) for t in order
        }
        best = max(key.values(), default=(0, 0))
        taxonomy = next((t for t in order if best != (0, 0) and key[t] == best), "")
    firsts = tuple(catalog.taxonomy(taxonomy).classes) if taxonomy else ()
    classes: list[tuple[str, ...]] = []
    money: list[bool] = []
    for raw, rec in zip(raws, records, strict=True):
        category: tuple[str, ...] = ()
        if raw.category:
            category = raw.category
        elif rec is not None:
            category = rec.indicator.category
        elif raw.indicator is not None and raw.indicator.category:
            category = raw.indicator.category
        else:
            category = next(
                (
                    (c,)
                    for text in (raw.name, *raw.context)
                    for c in firsts
                    if c in text
                ),
                (),
            )
        classes.append(category)
        own = (
            rec.indicator.category
            if rec is not None
            else raw.indicator.category
            if raw.indicator is not None
            else ()
        )
        if own:
            money.append(tuple(own[:2]) in _MONEY_CLASSES)
        else:
            money.append(_MONEY_NAME.search(raw.name) is not None)
    return taxonomy, classes, money


# -- the checks -------------------------------------------------------------------


def _completeness(
    raws: Sequence[_Raw], reviewed: Sequence[ReviewedIndicator], taxonomy: str
) -> list[TargetFinding]:
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    out: list[TargetFinding] = []
    if not taxonomy:
        out.append(
            TargetFinding(
                "missing-class",
                "",
                "",
                "无法判断指标类别：没有指标取自指标库，也没有标注类别",
                "the classes cannot be told: no indicator is from the library "
                "or tagged with a class (pass taxonomy= or use library indicators)",
            )
        )
    else:
        have = {c[0] for c in (r.category for r in reviewed) if c}
        unknown = sum(1 for r in reviewed if not r.category)
        for first in catalog.taxonomy(taxonomy).classes:
            if first in have:
                continue
            zh = f"分类体系 {taxonomy} 的“{first}”类没有指标"
            en = f"no indicator of the class {first!r} of the taxonomy {taxonomy}"
            if unknown:
                zh += f"（另有 {unknown} 项指标未分类）"
                en += f" ({unknown} indicators have no class)"
            out.append(TargetFinding("missing-class", "", first, zh, en))
    for raw in raws:
        out.extend(_element_findings(raw))
    return out


def _element_findings(raw: _Raw) -> list[TargetFinding]:
    out = []
    for text, what_zh, what_en in (
        (raw.name, "名称", "name"),
        (raw.text, "指标值", "target"),
    ):
        mark = _placeholder(text)
        if mark is not None:
            out.append(
                TargetFinding(
                    "placeholder",
                    raw.code,
                    raw.name,
                    f"{what_zh}“{text}”含占位内容“{mark}”",
                    f"the {what_en} {text!r} holds the placeholder {mark!r}",
                )
            )
    if raw.text and _placeholder(raw.text) is not None:
        return out  # a placeholder target is not also unreadable
    if not raw.readable:
        if raw.text:
            zh, en = (
                f"指标值“{raw.text}”无法识别",
                f"the target {raw.text!r} cannot be read",
            )
            if raw.problem:
                zh, en = f"{zh}（{raw.problem}）", f"{en} ({raw.problem})"
        else:
            zh, en = "未填写指标值", "no target value"
        out.append(TargetFinding("no-value", raw.code, raw.name, zh, en))
        return out
    target = raw.target
    if target is None or target.kind != "quantity" or raw.qualitative:
        return out
    if target.unit is None:
        out.append(
            TargetFinding(
                "no-unit",
                raw.code,
                raw.name,
                f"指标值“{raw.text}”没有计量单位",
                f"the target {raw.text!r} has no unit",
            )
        )
    if not raw.directional:
        out.append(
            TargetFinding(
                "no-direction",
                raw.code,
                raw.name,
                f"指标值“{raw.text}”未写明≥或≤",
                f"the target {raw.text!r} says neither ≥ nor ≤",
            )
        )
    return out


def _relevance(
    reviewed: Sequence[ReviewedIndicator],
    duties: Mapping[str, Sequence[str]] | None,
) -> tuple[list[TargetFinding], float, float]:
    total = sum(r.stake for r in reviewed)
    money = [r for r in reviewed if r.money]
    outcome = [
        r
        for r in reviewed
        if not r.money and (not r.category or r.category[0] in _OUTCOME_CLASSES)
    ]
    spent = sum(r.stake for r in money)
    share = spent / total if total else 0.0
    outcome_share = sum(r.stake for r in outcome) / total if total else 0.0
    out = []
    if share > SPENDING_SHARE:
        names = "、".join(f"{r.code} {r.name}" for r in money)
        names_en = ", ".join(f"{r.code} {r.name}" for r in money)
        out.append(
            TargetFinding(
                "spending-heavy",
                ", ".join(r.code for r in money),
                "、".join(r.name for r in money),
                f"只衡量资金支出的指标（{names}）{len(money)} 项，占指标 "
                f"{len(money)}/{len(reviewed)}，却占分值 {format_number(spent)}/"
                f"{format_number(total)}（{_pct(share)}），超过 "
                f"{_pct(SPENDING_SHARE)}；产出和效益类指标占 {_pct(outcome_share)}",
                f"{len(money)} of {len(reviewed)} indicators only measure money "
                f"flowing ({names_en}) yet carry {format_number(spent)} of the "
                f"{format_number(total)} points at stake ({_pct(share)}), more than "
                f"{_pct(SPENDING_SHARE)}; outputs and outcomes carry "
                f"{_pct(outcome_share)}",
            )
        )
    if duties is not None:
        out.extend(_duty_findings(reviewed, duties))
    return out, share, outcome_share


def _duty_findings(
    reviewed: Sequence[ReviewedIndicator], duties: Mapping[str, Sequence[str]]
) -> list[TargetFinding]:
    known = {_fold(r.name): r for r in reviewed} | {_fold(r.code): r for r in reviewed}
    out = []
    for duty, names in duties.items():
        if not isinstance(names, Sequence) or isinstance(names, str):
            msg = f"expected a list of indicator names, got {names!r:.60}"
            raise DataError(f"duties[{duty!r}]", msg)
        for name in names:
            if not isinstance(name, str) or _fold(name) not in known:
                msg = f"no declared indicator {name!r:.40} (give a name or node code)"
                raise DataError(f"duties[{duty!r}]", msg)
        if not names:
            out.append(
                TargetFinding(
                    "duty-unserved",
                    "",
                    duty,
                    f"主要职能“{duty}”没有对应的绩效指标",
                    f"no indicator serves the duty {duty!r}",
                )
            )
    return out


def _figure(target: Target, value: object, where: str) -> float:
    number = target.to_value(value, where=where)
    if not math.isfinite(number):
        raise DataError(where, f"expected a finite number, got {value!r}")
    return number


def _appropriateness(
    reviewed: Sequence[ReviewedIndicator],
    history: Mapping[str, Sequence[float]],
    standards: Mapping[str, object],
) -> list[TargetFinding]:
    out = []
    for r in reviewed:
        target = r.target
        if target is None or r.qualitative or target.kind != "quantity":
            continue
        past = history.get(r.name, history.get(r.code))
        one_sided = target.comparator not in (Comparator.EQ, Comparator.RANGE)
        if past and one_sided:
            last = _figure(target, past[-1], f"history[{r.name!r}]")
            low = (
                target.value < last if target.higher_is_better else target.value > last
            )
            if low:
                shown = format_number(last) + (
                    target.unit.symbol if target.unit else ""
                )
                out.append(
                    TargetFinding(
                        "below-last-year",
                        r.code,
                        r.name,
                        f"指标值{target}低于上年实际值{shown}（目标值设置偏低）",
                        f"the target {target} is less demanding than last year's "
                        f"actual {shown}",
                    )
                )
        standard = standards.get(r.name, standards.get(r.code))
        if standard is not None:
            ceiling = _figure(target, standard, f"standards[{r.name!r}]")
            upper = target.bounds()[1]
            if upper > ceiling:
                shown = format_number(ceiling) + (
                    target.unit.symbol if target.unit else ""
                )
                out.append(
                    TargetFinding(
                        "above-standard",
                        r.code,
                        r.name,
                        f"指标值{target}超出预算支出标准{shown}",
                        f"the target {target} allows more than the spending "
                        f"standard {shown}",
                    )
                )
    percent = [
        r
        for r in reviewed
        if r.target is not None
        and not r.qualitative
        and r.target.unit is not None
        and r.target.unit.symbol == "%"
    ]
    if len(percent) >= 2 and all(  # noqa: PLR2004 (two or more)
        r.target is not None and r.target.value == 100 and r.target.upper is None  # noqa: PLR2004
        for r in percent
    ):
        out.append(
            TargetFinding(
                "all-100",
                "",
                "",
                f"全部 {len(percent)} 项百分比指标的指标值均为100%，未体现差异",
                f"all {len(percent)} percentage targets are exactly 100 %",
            )
        )
    return out


def _feasibility(
    reviewed: Sequence[ReviewedIndicator], history: Mapping[str, Sequence[float]]
) -> list[TargetFinding]:
    out = []
    for r in reviewed:
        target = r.target
        past = history.get(r.name, history.get(r.code))
        if not past or target is None or r.qualitative or target.kind != "quantity":
            continue
        values = [_figure(target, v, f"history[{r.name!r}]") for v in past]
        lo, hi = min(values), max(values)
        low_edge = lo - HISTORY_MARGIN * abs(lo)
        high_edge = hi + HISTORY_MARGIN * abs(hi)
        ends = [target.value] if target.upper is None else [target.value, target.upper]
        if all(low_edge <= v <= high_edge for v in ends):
            continue
        unit = target.unit.symbol if target.unit else ""
        span = f"{format_number(lo)}{unit}–{format_number(hi)}{unit}"
        out.append(
            TargetFinding(
                "outside-history",
                r.code,
                r.name,
                f"指标值{target}远离历史实际值范围{span}（超出10%），请人工确认",
                f"the target {target} lies more than {_pct(HISTORY_MARGIN)} outside "
                f"the history's range {span}; to be confirmed",
            )
        )
    return out


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


def _table(path: str | None, key: str) -> Mapping[str, Any] | None:
    if path is None:
        return None
    doc = read_document(path)
    table = doc.get(key)
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise DataError(f"{path}: {key}", "expected a table by indicator name")
    return table


def run(
    scheme: str,
    data: str | None = None,
    *,
    history: str | None = None,
    duties: str | None = None,
    taxonomy: str | None = None,
    format: str = "text",  # noqa: A002 (the command's option)
    lang: str = "zh",
) -> tuple[str, int]:
    """Run ``perfkpi review-targets``: the output and the exit status.

    The status is 0 when nothing is flagged and 1 when something is.

    Parameters
    ----------
    scheme, data
        The scheme file and, optionally, a data file with the items.
    history
        A TOML or JSON file with a ``[history]`` table (indicator name =
        past actuals, oldest first) and optionally a ``[standards]`` table
        (indicator name = spending standard).
    duties
        A TOML or JSON file with a ``[duties]`` table (duty = names of the
        indicators that serve it).
    taxonomy
        The taxonomy whose classes are required.
    format, lang
        ``text`` or ``json``; ``zh`` or ``en``.

    Raises
    ------
    DataError, SchemeError, SchemeValidationError
        As :func:`review_targets`, and if a file cannot be read or *format*
        is not one of its values.
    IncompatibleUnitError
        If a history figure or standard is in a unit of another dimension.
    TypeError
        If a file argument is not a path.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``.
    """
    paths: tuple[tuple[str, object], ...] = (
        ("scheme", scheme),
        ("data", data),
        ("history", history),
    )
    for what, value in paths:
        if value is not None and not isinstance(value, str | Path):
            msg = f"{what} must be a file's path (got {value!r:.60})"
            raise TypeError(msg)
    names: tuple[tuple[str, object], ...] = (("duties", duties), ("taxonomy", taxonomy))
    for what, value in names:
        if value is not None and not isinstance(value, str | Path):
            msg = f"{what} must be a file's path or a name (got {value!r:.60})"
            raise TypeError(msg)
    if format not in ("text", "json"):
        raise DataError("--format", f"expected text or json, got {format!r:.40}")
    if history is not None and not (
        _table(history, "history") or _table(history, "standards")
    ):
        raise DataError(history, "expected a [history] or [standards] table")
    if duties is not None and _table(duties, "duties") is None:
        raise DataError(duties, "expected a [duties] table")
    try:
        review = review_targets(
            scheme,
            data,
            history=_table(history, "history"),
            standards=_table(history, "standards"),
            duties=_table(duties, "duties"),
            taxonomy=taxonomy,
        )
    except KeyError as exc:
        raise DataError("--taxonomy", str(exc.args[0])) from None
    if format == "json":
        import json  # noqa: PLC0415 (only for this output)

        text = json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = review.report(lang)
    return text, 0 if review.ok else 1
