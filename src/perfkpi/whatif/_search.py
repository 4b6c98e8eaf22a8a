"""The search for the smallest set of improvements, and gap_to_grade."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.rules import Bands
from perfkpi.whatif._candidates import _Candidate, _candidates, _drops, _first, _state
from perfkpi.whatif._changes import _apply, _n
from perfkpi.whatif._engine import _Engine, _State
from perfkpi.whatif._gap import (
    LEVERS,
    MAX_COMBINATIONS,
    Gap,
    Improvement,
    Step,
    _decimals,
    _levers,
    _max_changes,
    _next_grade,
    _rank,
)

_CHECKS_PER_ROUND = 64
MAX_CHECKS = 2_048
"""Sets verified by evaluation per size before the search moves on."""


@attrs.frozen
class _Class:
    """Candidates that gain the same and may be taken several times."""

    gain: float
    members: tuple[_Candidate, ...]
    key: str


def _classes(cands: Sequence[_Candidate]) -> list[_Class]:
    groups: dict[tuple[str, float], list[_Candidate]] = {}
    out: list[_Class] = []
    for c in cands:
        if c.drop:
            ((node, points),) = c.removed.items()
            groups.setdefault((node, points), []).append(c)
        else:
            out.append(_Class(c.gain, (c,), c.key))
    out += [_Class(m[0].gain, tuple(m), "") for m in groups.values()]
    out.sort(key=lambda k: -k.gain)
    return out


def _sets(
    classes: Sequence[_Class], k: int, threshold: float, limit: int
) -> list[tuple[float, list[tuple[int, int]]]]:
    """Return sets of *k* candidates whose gains add up to *threshold* or more.

    Each set is a list of (class, how many of its members); at most *limit*
    sets, found depth first over the classes sorted by gain, best first.
    """
    units: list[float] = []  # each class's gain, repeated up to k times
    start: list[int] = []
    for c in classes:
        start.append(len(units))
        units += [c.gain] * min(len(c.members), k)
    prefix = [0.0, *itertools.accumulate(units)]

    def best(i: int, r: int) -> float:
        a = start[i] if i < len(start) else len(units)
        b = min(a + r, len(units))
        return prefix[b] - prefix[a] if b - a == r else -math.inf

    out: list[tuple[float, list[tuple[int, int]]]] = []
    chosen: list[tuple[int, int]] = []
    keys: set[str] = set()

    def walk(i: int, r: int, total: float) -> None:
        for j in range(i, len(classes)):
            if len(out) >= limit or total + best(j, r) < threshold:
                return
            c = classes[j]
            if c.key and c.key in keys:
                continue
            for n in range(min(len(c.members), r), 0, -1):
                chosen.append((j, n))
                keys.add(c.key)
                if r == n:
                    if total + n * c.gain >= threshold:
                        out.append((total + n * c.gain, list(chosen)))
                else:
                    walk(j + 1, r - n, total + n * c.gain)
                chosen.pop()
                keys.discard(c.key)
                if len(out) >= limit:
                    return

    walk(0, k, 0.0)
    return out


def _search(
    engine: _Engine,
    grade: str,
    need: float,
    cands: Sequence[_Candidate],
    max_changes: int,
) -> list[_Candidate] | None:
    """Return the smallest set of candidates that reaches *grade*, or None."""
    classes = _classes(cands)
    slack = 10.0**-engine.scheme.rounding.places
    target = _rank(engine.scheme, grade)
    for k in range(1, max_changes + 1):
        sets = _sets(classes, k, need - k * slack, MAX_COMBINATIONS)
        sets.sort(key=lambda s: s[0])  # the least gain that still reaches
        for first in range(0, min(len(sets), MAX_CHECKS), _CHECKS_PER_ROUND):
            chunk = sets[first : first + _CHECKS_PER_ROUND]
            picks = [
                [m for j, n in combo for m in classes[j].members[:n]]
                for _, combo in chunk
            ]
            results = engine.totals([_state(p) for p in picks])
            for pick, result in zip(picks, results, strict=True):
                if result is not None and _rank(engine.scheme, result[1]) <= target:
                    return pick
    return None


def _greedy(
    engine: _Engine, grade: str, cands: Sequence[_Candidate]
) -> list[_Candidate]:
    """Take candidates in rank order until the grade is reached (or all are).

    A candidate that excludes one already taken replaces it when it gains
    more.  The first reaching prefix is found by bisection.
    """
    target = _rank(engine.scheme, grade)
    # the sequence of sets, as the candidate taken at each step (and the one it
    # replaces), with the state after each step, built in one pass
    taken: list[tuple[_Candidate, _Candidate | None]] = []
    states: list[_State] = []
    by_key: dict[str, _Candidate] = {}
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in cands:
        replaced = by_key.get(c.key) if c.key else None
        if replaced is not None and c.gain <= replaced.gain:
            continue
        if c.key:
            by_key[c.key] = c
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
        taken.append((c, replaced))
        states.append((dict(actuals), dict(removed)))
    if not taken:
        return []

    def reaches(i: int) -> bool:
        (result,) = engine.totals([states[i]])
        return result is not None and _rank(engine.scheme, result[1]) <= target

    hi = len(taken) - 1
    if reaches(hi):
        hi = _first(0, hi, reaches)
    chosen: dict[int, _Candidate] = {}
    for c, replaced in taken[: hi + 1]:
        if replaced is not None:
            del chosen[id(replaced)]
        chosen[id(c)] = c
    return list(chosen.values())


def _trim(engine: _Engine, grade: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """Bring numeric and date changes down to the least that still reaches."""
    out = list(chosen)
    for i in reversed(range(len(out))):
        trimmed = _trim_one(engine, grade, out, i)
        if trimmed is not None:
            out[i] = trimmed
    return out


def _trim_one(
    engine: _Engine, grade: str, chosen: list[_Candidate], i: int
) -> _Candidate | None:
    scheme = engine.scheme
    cand = chosen[i]
    imp = cand.improvement
    if cand.drop or imp.unit in ("级", "档", "项") or len(cand.actuals) != 1:
        return None
    ((code, new),) = cand.actuals.items()
    target = scheme.node(code).target
    rule = scheme.rule(code)
    if isinstance(rule, Bands):
        target = rule.bands[0].when  # read in the bands' unit
    if target is None:
        return None
    dates = target.kind == "date"
    old = target.to_value(imp.change.before, where=code)
    goal = target.to_value(new, where=code)
    unit = target.unit.symbol if target.unit and not dates else ""
    step = 1.0 if dates else 10.0 ** -max(_decimals(goal), _decimals(old), 2)
    sign = 1.0 if goal >= old else -1.0
    rank = _rank(scheme, grade)

    def value(n: int) -> object:
        moved = old + sign * n * step
        if dates:
            return dt.date.fromordinal(round(moved))
        return f"{_n(moved)}{unit}"

    def works(n: int) -> bool:
        trial = [
            *chosen[:i],
            attrs.evolve(cand, actuals={code: value(n)}),
            *chosen[i + 1 :],
        ]
        (result,) = engine.totals([_state(trial)])
        return result is not None and _rank(scheme, result[1]) <= rank

    hi = round(abs(goal - old) / step)
    if hi <= 1:
        return None
    lo = _first(1, hi, works)
    after = value(lo)
    if lo == round(abs(goal - old) / step) or not works(lo):
        return None
    size = abs(target.to_value(after, where=code) - old)
    (single,) = engine.totals([({code: after}, {})])
    if single is None:
        return None
    gain = scheme.rounding.round(single[0] - engine.ev.total)
    note = (
        imp.change.note
        if target.is_met(after) and target is scheme.node(code).target
        else ""
    )
    change = attrs.evolve(imp.change, after=after, note=note)
    improvement = Improvement(change, gain, size, imp.unit, imp.places)
    return attrs.evolve(cand, improvement=improvement, actuals={code: after})


def gap_to_grade(
    ev: Evaluation,
    grade: str | None = None,
    *,
    levers: Sequence[str] = LEVERS,
    max_changes: int = 6,
) -> Gap:
    """Find the fewest improvements that lift the total into a grade's band.

    Parameters
    ----------
    ev
        The evaluation to start from.
    grade
        The grade aimed at; by default the next one above ``ev.grade``.
    levers
        What may change, any of: ``"numbers"`` (a numeric actual brought to
        its target), ``"dates"`` (a deadline met: the work done on time),
        ``"tiers"`` (a qualitative indicator, or a label such as 是 or 良,
        one tier up or more), ``"checklists"`` (one item more present, or
        more), ``"categories"`` (a category that scores more), ``"items"``
        (a missed item under a ``deduct`` node met) and ``"findings"`` (a
        finding avoided).  ``"actuals"`` stands for every lever but findings,
        ``"all"`` for every lever; by default every lever.
    max_changes
        The largest set searched exhaustively, 0 to 64 (``MAX_CHANGES``);
        beyond it, improvements are taken greedily in rank order.

    Returns
    -------
    Gap
        The steps, ranked by points gained per unit of change with each step's
        gain in sequence, and every single improvement considered.

    Raises
    ------
    GapError
        If *grade* has no band in the scheme's scale, a lever is unknown, or
        *max_changes* is not a whole number from 0 to 64.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation` or *levers*
        is not a list of names.

    Notes
    -----
    Each candidate is one change evaluated on its own: an input brought to the
    nearest value that meets its target (a label target: its label; a numeric
    one: its bound, or a hundredth past an open one; a deadline: the day
    itself), a qualitative indicator raised to the lowest score of a higher
    tier, a checklist given one more item (or two, …), a categorical
    indicator given a category that scores more, or one finding removed.  Its
    *rate* is its gain divided by the size of the change in its unit (the
    target's unit, days, tiers, label or category steps, items, findings).
    The search tries sets of one change, then two, …, and among the sets of
    the smallest size that reach the grade picks the one that gains the
    least, i.e. asks for the least; numeric and date changes in it are then
    trimmed to the least value (a hundredth of their unit, or a day) that
    still reaches.  Every set is checked by evaluating it, so floors, caps
    and rounding are the scheme's.

    Findings that cost the same points on the same node are one candidate
    taken up to as many times as there are such findings, and a trial
    evaluates one finding per node (the sum of its points), so the search
    grows with the number of findings about linearly, not as its square.

    A node floored at zero may need several removals before any one gains:
    such gains are not seen one at a time.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> gap = gap_to_grade(ev, levers=["actuals"])
    >>> [(s.change.code, s.change.after, s.gain) for s in gap.steps]
    [('1.1.5', '是', 1.0), ('1.1.6', '是', 1.0)]
    >>> gap.total_after, gap.after.grade
    (90.63, '优')
    """
    _checks.instance(ev, Evaluation, "the evaluation")
    chosen_levers = _levers(levers)
    _max_changes(max_changes)
    grade, minimum = _next_grade(ev, grade)
    engine = _Engine(ev)
    places = max(2, ev.scheme.rounding.places)
    cands = _candidates(engine, chosen_levers, places)
    candidates = [c.improvement for c in cands]
    target = _rank(ev.scheme, grade)
    if _rank(ev.scheme, ev.grade) <= target:
        return Gap(ev, grade, minimum, (), candidates, ev, reached=True)
    need = ev.scheme.rounding.round(minimum - ev.total)
    found = _search(engine, grade, need, cands, max_changes)
    chosen = (
        _greedy(engine, grade, cands) if found is None else _trim(engine, grade, found)
    )
    chosen.sort(key=lambda c: (-c.improvement.rate, -c.gain))
    prefixes: list[_State] = []
    actuals: dict[str, object] = {}
    removed: dict[str, float] = {}
    for c in chosen:  # the state after each step, built in one pass
        actuals.update(c.actuals)
        for node, points in c.removed.items():
            removed[node] = removed.get(node, 0.0) + points
        prefixes.append((dict(actuals), dict(removed)))
    results = engine.totals(prefixes)
    totals = np.array([r[0] if r is not None else math.nan for r in results])
    after = (
        evaluate(ev.scheme, _apply(engine.flat, actuals, _drops(chosen)))
        if chosen
        else ev
    )
    if chosen and totals[-1] != after.total:
        # the trials' summed findings rounded otherwise than the findings one
        # by one (truncation, rounding up): the steps are evaluated in full
        totals = np.array(
            [
                evaluate(
                    ev.scheme, _apply(engine.flat, state[0], _drops(chosen[: i + 1]))
                ).total
                for i, state in enumerate(prefixes)
            ]
        )
    gains = ev.scheme.rounding.round(np.diff(totals, prepend=ev.total))
    steps = [
        Step(c.improvement, float(g), float(t))
        for c, g, t in zip(chosen, gains, totals, strict=True)
    ]
    reached = _rank(ev.scheme, after.grade) <= target
    return Gap(ev, grade, minimum, steps, candidates, after, reached=reached)
