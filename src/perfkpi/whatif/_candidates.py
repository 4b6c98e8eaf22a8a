"""The candidate improvements: each value a node could take instead."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Iterable, Mapping

import attrs

from perfkpi.deductions import Data
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation
from perfkpi.rules import _TIERS, Bands, Categorical, Checklist, Qualitative
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import Target
from perfkpi.whatif._changes import Change, _finding_label, _n
from perfkpi.whatif._engine import _Engine, _State
from perfkpi.whatif._gap import Improvement, _lever_of, _meeting_value


@attrs.frozen
class _Candidate:
    improvement: Improvement
    actuals: Mapping[str, object]
    drop: tuple[int, ...] = ()
    key: str = ""  # candidates with the same key exclude each other
    removed: Mapping[str, float] = attrs.field(factory=dict)

    @property
    def gain(self) -> float:
        return self.improvement.gain


@attrs.frozen
class _Option:
    code: str
    lever: str
    before: object
    after: object
    size: float
    unit: str
    note: str = ""


def _current(node: Node, ev: Evaluation) -> bool:
    """Return whether *node* loses points now."""
    if node.is_item:
        return bool(ev.penalties.get(node.code))
    return ev.scores.get(node.code, 0.0) < (node.points or 0.0)


def _options(  # noqa: PLR0911 (one return per kind of rule)
    ev: Evaluation, flat: Data, node: Node, lever: str
) -> list[_Option]:
    """Return the better actuals *node* could have, nearest first."""
    old = flat.actuals.get(node.code)
    if old is None or node.code in ev.not_applicable or not _current(node, ev):
        return []
    rule = ev.scheme.rule(node.code)
    try:
        if isinstance(rule, Qualitative):
            return _tier_options(node, old)
        if isinstance(rule, Categorical):
            return _category_options(node, rule, old)
        if isinstance(rule, Checklist):
            return _checklist_options(node, rule, old)
        if isinstance(rule, Bands):
            return _band_options(ev, node, rule, lever, old)
        return _target_options(node, lever, old, node.target)
    except PerfKPIError:
        return []


def _band_options(
    ev: Evaluation, node: Node, rule: Bands, lever: str, old: object
) -> list[_Option]:
    """Return the nearest actual in each band that scores more than now."""
    have = ev.scores.get(node.code, 0.0)
    out: list[_Option] = []
    for band in rule.bands:
        if band.score <= have:
            continue
        for option in _target_options(node, lever, old, band.when):
            if all(o.after != option.after for o in out):
                out.append(option)
    return out


def _target_options(
    node: Node, lever: str, old: object, target: Target | None
) -> list[_Option]:
    if target is None:
        return []
    current = target.to_value(old, where=node.code)
    new = _meeting_value(target, current)
    if new is None:
        return []
    symbol = target.unit.symbol if target.unit else ""
    if isinstance(new, str):
        assert target.scale is not None  # noqa: S101 (labels have a scale)
        size = abs(target.scale.rank(new) - current)
        return [_Option(node.code, lever, old, new, size, "级")]
    if target.kind == "date":
        before = dt.date.fromordinal(int(current))
        after = dt.date.fromordinal(int(new))
        on_time = target is node.target and target.is_met(after)
        note = "按期完成" if on_time else ""
        return [
            _Option(node.code, lever, before, after, abs(new - current), "天", note)
        ]
    if target.kind == "rank":
        place = f"第{round(new)}名"
        shown_rank = old if isinstance(old, str) else f"第{round(current)}名"
        return [_Option(node.code, lever, shown_rank, place, abs(new - current), "名")]
    shown = old
    if not isinstance(old, str):
        shown = f"{_n(current)}{symbol}"
    return [
        _Option(
            node.code, lever, shown, f"{_n(new)}{symbol}", abs(new - current), symbol
        )
    ]


def _tier_options(node: Node, old: object) -> list[_Option]:
    points = node.points or 0.0
    w = decimal.Decimal(repr(points))
    bands = [
        (names[0], float(decimal.Decimal(repr(lo)) * w), names)
        for names, lo, _, _ in _TIERS
    ]  # best tier first
    if isinstance(old, Mapping):
        tier = str(old.get("tier", "")).strip()
        score = float(old.get("score", 0.0))
        level = next(
            (i for i, (_, _, names) in enumerate(bands) if tier in names), None
        )
    else:
        score = float(old) if isinstance(old, int | float) else math.nan
        level = next((i for i, (_, low, _) in enumerate(bands) if score >= low), None)
    if level is None or math.isnan(score):
        return []
    before = {"tier": bands[level][0], "score": score}
    return [
        _Option(
            node.code, "tiers", before, {"tier": name, "score": low}, level - i, "档"
        )
        for i, (name, low, _) in enumerate(bands[:level])
        if low > score
    ][::-1]


def _category_options(node: Node, rule: Categorical, old: object) -> list[_Option]:
    label = str(old).strip()
    if label not in rule.scores:
        return []
    have = rule.scores[label]
    better = sorted(
        (points, name) for name, points in rule.scores.items() if points > have
    )
    ladder = sorted({p for p in rule.scores.values() if p >= have})
    return [
        _Option(node.code, "categories", old, name, ladder.index(points), "级")
        for points, name in better
    ]


_MAX_CHECKLIST_OPTIONS = 20


def _checklist_options(node: Node, rule: Checklist, old: object) -> list[_Option]:
    points = node.points or 0.0
    options: list[_Option] = []
    if isinstance(old, list | tuple):
        present = [str(x).strip() for x in old]
        missing = [i for i in rule.items if i not in present]
        for j in range(1, len(missing) + 1):
            after = (*present, *missing[:j])
            options.append(
                _Option(node.code, "checklists", tuple(present), after, j, "项")
            )
            if rule.per * len(set(after)) >= points:
                break
        return options[:_MAX_CHECKLIST_OPTIONS]
    if isinstance(old, bool) or not isinstance(old, int | float) or rule.per <= 0:
        return []
    count = int(old)
    most = len(rule.items) if rule.items else math.ceil(points / rule.per)
    for j in range(1, min(most - count, _MAX_CHECKLIST_OPTIONS) + 1):
        options.append(_Option(node.code, "checklists", count, count + j, j, "项"))
        if rule.per * (count + j) >= points:
            break
    return options


def _candidates(
    engine: _Engine, levers: frozenset[str], places: int
) -> list[_Candidate]:
    """Return every single improvement that gains, ranked, and its gain."""
    ev, flat, scheme = engine.ev, engine.flat, engine.scheme
    options: list[_Option] = []
    for node in scheme.ordered():
        lever = _lever_of(scheme, node)
        if lever is not None and lever in levers:
            options += _options(ev, flat, node, lever)
    groups: dict[tuple[str, float], list[int]] = {}
    if "findings" in levers:
        for i, finding in enumerate(flat.findings):
            groups.setdefault((finding.node, float(finding.points or 0.0)), []).append(
                i
            )
    # items alike (same parent, rule, target, actual and change) gain alike:
    # one trial each
    alike: dict[tuple[str, ...], int] = {}
    trial_of: list[int] = []
    states: list[_State] = []
    for o in options:
        key = _alike(scheme, o)
        if key is None or key not in alike:
            if key is not None:
                alike[key] = len(states)
            trial_of.append(len(states))
            states.append(({o.code: o.after}, {}))
        else:
            trial_of.append(alike[key])
    first_group = len(states)
    states += [({}, {node: points}) for node, points in groups]
    results = engine.totals(states)
    rounding = scheme.rounding
    out: list[_Candidate] = []
    for option, trial in zip(options, trial_of, strict=True):
        result = results[trial]
        if result is None:
            continue
        gain = rounding.round(result[0] - ev.total)
        if gain <= 0:
            continue
        node = scheme.node(option.code)
        change = Change(
            option.code,
            option.before,
            option.after,
            label=node.name,
            lever=option.lever,
            note=option.note,
        )
        improvement = Improvement(change, gain, option.size, option.unit, places)
        out.append(
            _Candidate(improvement, {option.code: option.after}, key=option.code)
        )
    for (code, points), result in zip(groups, results[first_group:], strict=True):
        if result is None:
            continue
        gain = rounding.round(result[0] - ev.total)
        if gain <= 0:
            continue
        for i in groups[(code, points)]:
            finding = flat.findings[i]
            change = Change(
                finding.node,
                finding.points,
                None,
                finding=i,
                label=_finding_label(finding),
                category=finding.category,
                lever="findings",
            )
            improvement = Improvement(change, gain, 1.0, "项", places)
            out.append(_Candidate(improvement, {}, (i,), "", {code: points}))
    order = {n.code: i for i, n in enumerate(scheme.ordered())}
    out.sort(
        key=lambda c: (
            -c.improvement.rate,
            -c.gain,
            c.improvement.change.finding,
            order.get(c.improvement.change.code, 0),
        )
    )
    return out


def _alike(scheme: Scheme, option: _Option) -> tuple[str, ...] | None:
    """Return what makes an item's change gain what another's gains, or None."""
    node = scheme.node(option.code)
    if not node.is_item or node.parent is None:
        return None
    return (
        node.parent,
        repr(scheme.rule(node.code)),
        str(node.target),
        repr(option.before),
        repr(option.after),
    )


def _state(chosen: Iterable[_Candidate]) -> _State:
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in chosen:
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
    return actuals, removed


def _first(lo: int, hi: int, ok: Callable[[int], bool]) -> int:
    """Return the least i in [lo, hi] with ok(i), for a monotone *ok* (else *hi*)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _drops(chosen: Iterable[_Candidate]) -> list[int]:
    return [i for c in chosen for i in c.drop]
