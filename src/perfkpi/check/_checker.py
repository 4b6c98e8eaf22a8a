"""Recompute every relation among the stated figures, within rounding."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import attrs

from perfkpi.check._amounts import _AmountChecks
from perfkpi.check._figures import TOTAL, Figure, StatedDeduction, StatedScore
from perfkpi.check._precision import (
    _EPS,
    _actual_text,
    _interval,
    _n,
    _warned,
)
from perfkpi.check._reading import _DECIMALS
from perfkpi.check._result import Kind
from perfkpi.deductions import Data, Item
from perfkpi.errors import DataError, IncompatibleUnitError, PerfKPIError
from perfkpi.evaluation import evaluate
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import format_number, parse_quantity


class _Checker(_AmountChecks):
    """Every check of one report: scores and deductions here, the rest inherited."""

    # -- scores ---------------------------------------------------------------------
    def points(self) -> None:
        for s in self.stated.scores:
            if s.points is None:
                continue
            full = (
                self.scheme.points
                if s.node == TOTAL
                else self.scheme.node(s.node).points
            )
            if full is None:
                continue
            self.add(
                kind="points",
                subject=self.node_label(s.node),
                stated=s.points.value,
                computed=float(full),
                expression=f"{self.scheme.id}: {_n(full)}",
                ok=abs(full - s.points.value) <= _EPS,
                tolerance=0.0,
                sources=(s.points.source,),
            )

    def sums(self) -> None:
        for s in self.stated.scores:
            if s.value is None:
                continue
            if s.node == TOTAL:
                children = list(self.scheme.roots())
            elif getattr(self.scheme.rule(s.node), "kind", None) == "sum":
                children = list(self.scheme.children(s.node))
            else:
                continue
            parts = [self.scores.get(c.code) for c in children]
            if not children or any(p is None or p.value is None for p in parts):
                continue
            values = [p.value for p in parts if p is not None and p.value is not None]
            computed = math.fsum(v.value for v in values)
            self.add(
                kind="sum",
                subject=self.node_label(s.node),
                stated=s.value.value,
                computed=computed,
                expression=" + ".join(_n(v.value) for v in values)
                + f" = {_n(computed)}",
                ok=self.equal(s.value.value, computed),
                sources=(s.value.source, *(v.source for v in values)),
            )

    def lines_in(self, code: str) -> list[StatedDeduction]:
        codes = self.subtree(code) if code != TOTAL else None
        return [d for d in self.stated.deductions if codes is None or d.node in codes]

    def from_deductions(self, code: str) -> float | None:
        """Return the score *code* must have given the stated deductions."""
        if code == TOTAL:
            parts = [self.from_deductions(r.code) for r in self.scheme.roots()]
            return (
                None if None in parts else math.fsum(p for p in parts if p is not None)
            )
        node = self.scheme.node(code)
        kind = getattr(self.scheme.rule(code), "kind", None)
        if kind == "sum":
            parts = [
                self.from_deductions(c.code)
                for c in self.scheme.children(code)
                if not c.is_item
            ]
            if None in parts:
                return None
            return self.rounding.round(math.fsum(p for p in parts if p is not None))
        if node.points is None:
            return None
        role = getattr(self.scheme.rule(code), "role", None)
        if kind != "deduct" and role != "score":
            return None  # an aggregation perfkpi cannot undo from deductions
        lost = math.fsum(d.points.value for d in self.lines_in(code))
        return self.rounding.round(max(node.points - lost, 0.0))

    def deductions(self) -> None:
        if not self.stated.deductions:
            return
        roots_with_lines = {
            r.code for r in self.scheme.roots() if self.lines_in(r.code)
        }
        for s in self.stated.scores:
            if s.value is None:
                continue
            if s.node == TOTAL:
                if len(roots_with_lines) < len(self.scheme.roots()):
                    continue
                full = self.scheme.points
            else:
                root = self.root_of(s.node)
                if root not in roots_with_lines:
                    continue
                full = self.scheme.node(s.node).points or 0.0
            computed = self.from_deductions(s.node)
            if computed is None:
                self.unchecked.append(
                    f"{self.node_label(s.node)} {_n(s.value.value)}: "
                    + (
                        "其规则不能由扣分倒推得分"
                        if self.zh
                        else "its rule does not give a score from deductions"
                    )
                )
                continue
            lines = self.lines_in(s.node)
            terms = " + ".join(_n(d.points.value) for d in lines) or "0"
            flat = self.rounding.round(full - math.fsum(d.points.value for d in lines))
            expression = (
                f"{_n(full)} − ({terms}) = {_n(computed)}"
                if abs(flat - computed) <= _EPS
                else f"{self.floor_text()} = {_n(computed)}"
            )
            self.add(
                kind="deductions",
                subject=self.node_label(s.node),
                stated=s.value.value,
                computed=computed,
                expression=expression,
                ok=self.equal(s.value.value, computed),
                sources=(s.value.source, *(d.points.source for d in lines)),
            )

    def floor_text(self) -> str:
        return (
            "各项得分扣完为止后相加"
            if self.zh
            else "each node floored at zero, then summed"
        )

    def root_of(self, code: str) -> str:
        node = self.scheme.node(code)
        while node.parent is not None:
            node = self.scheme.node(node.parent)
        return node.code

    def grade(self) -> None:
        total = self.scores.get(TOTAL)
        if not self.stated.grade or total is None or total.value is None:
            return
        grade = self.scheme.grades.grade(total.value.value)
        self.add(
            kind="grade",
            subject=self.node_label(TOTAL),
            stated=self.stated.grade,
            computed=grade,
            expression=f"{self.scheme.grades.name}({_n(total.value.value)})",
            ok=grade == self.stated.grade,
            tolerance=0.0,
            sources=(total.value.source,),
        )

    # -- scores of leaves from their actuals --------------------------------------
    def leaf_scores(self) -> None:
        """Recompute each stated leaf score from its stated actual."""
        for s in self.stated.scores:
            if s.actual is None or s.value is None:
                continue
            node = self.scheme.node(s.node)
            subject = self.node_label(s.node)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    score, met = self.rescore(node, s.actual)
            except (DataError, IncompatibleUnitError) as exc:
                self.unreadable("score", subject, s.value.value, s.actual, node, exc)
                continue
            except (PerfKPIError, ValueError, TypeError, KeyError) as exc:
                why = "规则无法单独复算" if self.zh else "the rule cannot recompute it"
                self.unchecked.append(f"{subject} {_n(s.value.value)}: {why} ({exc})")
                continue
            ok = self.equal(s.value.value, score)
            notes = [] if ok else [self.score_why(node, s, score, met)]
            if caught:
                notes.append(_warned(caught))
            self.add(
                kind="score",
                subject=subject,
                stated=s.value.value,
                computed=score,
                expression=self.rule_text(node, s.actual, met),
                ok=ok,
                sources=(s.value.source,),
                note=" ".join(notes),
            )

    def alone(self, node: Node) -> Scheme:
        """Return a scheme of *node* alone, with the rule the scheme gives it."""
        leaf = attrs.evolve(node, parent=None, rule=self.scheme.rule(node.code))
        return self.part([leaf], node.points or 0.0)

    def part(self, nodes: Sequence[Node], points: float) -> Scheme:
        """Return a scheme of *nodes* with every option of the scheme checked.

        Its rounding, grade scale and policies are the scheme's, so a rule is
        recomputed as the scheme computes it (and an ordinal rule keeps the
        scale it is declared with); overrides name nodes left out, so go.
        """
        return attrs.evolve(
            self.scheme, id="check", nodes=tuple(nodes), points=points, overrides=()
        )

    def rescore(self, node: Node, actual: object) -> tuple[float, bool | None]:
        """Return the score the scheme's rule gives *node* for *actual*."""
        if node.points is None or self.scheme.children(node.code):
            msg = f"node {node.code} is not a scored leaf"
            raise ValueError(msg)
        if node.points == 0:  # no rule gives more than the points
            self.read(node, actual)  # but the actual must still read
            met = node.target.is_met(actual) if node.target is not None else None
            return 0.0, met
        ev = evaluate(self.alone(node), {node.code: actual})
        if node.code not in ev.scores:
            msg = f"node {node.code} is not applicable"
            raise ValueError(msg)
        return self.rounding.round(ev.scores[node.code]), ev.met.get(node.code)

    def rule_text(self, node: Node, actual: object, met: bool | None) -> str:
        rule = self.scheme.rule(node.code)
        describe = getattr(rule, "describe", None)
        text = str(describe(self.lang)) if callable(describe) else ""
        shown = _actual_text(actual)
        if self.zh:
            target = f"，目标{node.target}" if node.target else ""
            state = {True: "（达成）", False: "（未达成）", None: ""}[met]
            return f"实际{shown}{target}{state}，{text}"
        target = f", target {node.target}" if node.target else ""
        state = {True: " (met)", False: " (not met)", None: ""}[met]
        return f"actual {shown}{target}{state}, {text}"

    def score_why(
        self, node: Node, s: StatedScore, score: float, met: bool | None
    ) -> str:
        stated = s.value.value if s.value is not None else 0.0
        shown = _actual_text(s.actual)
        full = node.points is not None and abs(stated - node.points) <= _EPS
        if full and met is False:
            if self.zh:
                return (
                    f"报告给出满分{_n(stated)}分，但实际{shown}未达到目标"
                    f"{node.target}，按本方案规则应得{_n(score)}分。"
                )
            return (
                f"The report gives full points ({_n(stated)}), but the actual "
                f"{shown} misses the target {node.target}: the scheme's rule "
                f"gives {_n(score)}."
            )
        if self.zh:
            return f"按本方案规则，实际{shown}应得{_n(score)}分，报告为{_n(stated)}分。"
        return (
            f"By the scheme's rule the actual {shown} scores {_n(score)}; the "
            f"report states {_n(stated)}."
        )

    def unreadable(
        self,
        kind: Kind,
        subject: str,
        stated: float,
        actual: object,
        node: Node,
        exc: Exception,
    ) -> None:
        """Flag a stated actual the node's rule cannot read: never a pass."""
        target = node.target if node.target is not None else "—"
        if self.zh:
            why = f"所报实际值{_actual_text(actual)}无法按目标{target}读取：{exc}"
        else:
            why = (
                f"the stated actual {_actual_text(actual)} cannot be read against "
                f"the target {target}: {exc}"
            )
        self.add(
            kind=kind,
            subject=subject,
            stated=stated,
            computed=None,
            expression="—",
            ok=False,
            note=why,
        )

    # -- stated actuals against the data ------------------------------------------
    def actuals(self) -> None:
        """Compare each stated actual with the data's actual for its node."""
        if self.data is None:
            return
        rows: list[tuple[str, object, str]] = [
            (s.node, s.actual, s.value.source if s.value else "")
            for s in self.stated.scores
            if s.actual is not None
        ]

        def walk(lines: Sequence[StatedDeduction]) -> None:
            for d in lines:
                if d.actual is not None:
                    rows.append((d.node, d.actual, d.points.source))
                walk(d.parts)

        walk(self.stated.deductions)
        given = self.data.actuals
        for code, stated, source in rows:
            if code not in given:
                continue
            node = self.scheme.node(code)
            data_actual = given[code]
            subject = self.node_label(code)
            try:
                lo, hi = self.actual_interval(node, stated)
                value = self.read(node, data_actual)
            except (PerfKPIError, ValueError, TypeError) as exc:
                ok, how = False, f"{exc}"
            else:
                ok = lo - _EPS <= value <= hi + _EPS
                how = (
                    f"数据中{code}的实际值"
                    if self.zh
                    else f"the data's actual of {code}"
                )
            note = ""
            if not ok:
                note = (
                    "报告所述实际值与数据不符，得分复核依据的是报告所述。"
                    if self.zh
                    else "The stated actual contradicts the data; the score "
                    "checks above use the stated one."
                )
            self.add(
                kind="actual",
                subject=subject,
                stated=_actual_text(stated),
                computed=_actual_text(data_actual, node),
                expression=how,
                ok=ok,
                tolerance=0.0,
                sources=(source,),
                note=note,
            )

    def read(self, node: Node, actual: object) -> float:
        """Return *actual* as the number the node's rule reads."""
        rule = self.scheme.rule(node.code)
        if rule is not None and getattr(rule, "role", None) == "score":
            return rule.read(actual, node, node.code)
        if node.target is None:
            msg = f"node {node.code} has no target to read an actual against"
            raise ValueError(msg)
        return node.target.to_value(actual, where=node.code)

    def actual_interval(self, node: Node, actual: object) -> tuple[float, float]:
        """Return the values a written actual stands for, in the node's terms.

        ``"98.5%"`` stands for [98.45 %, 98.55 %) under half-up rounding; a
        label, a date, a category or a count stands for itself.
        """
        value = self.read(node, actual)
        quantity = node.target is not None and node.target.kind == "quantity"
        if not quantity or isinstance(actual, bool):
            return value, value
        if isinstance(actual, str):
            text = actual
        elif isinstance(actual, int | float):
            text = format_number(float(actual))
        else:
            return value, value
        try:
            written = parse_quantity(text)
        except PerfKPIError:
            return value, value
        decimals = _DECIMALS.search(text)
        places = len(decimals.group(1)) if decimals else 0
        lo, hi = _interval(Figure(written.value, places), self.rounding.mode)
        symbol = written.unit.symbol if written.unit else ""
        ends = [self.read(node, f"{_n(x)}{symbol}") for x in (lo, hi)]
        return min(ends), max(ends)

    # -- deductions ------------------------------------------------------------------
    def subtotals(self, lines: Sequence[StatedDeduction]) -> None:
        for d in lines:
            subject = self.deduction_label(d)
            if d.parts:
                computed = math.fsum(p.points.value for p in d.parts)
                self.add(
                    kind="subtotal",
                    subject=subject,
                    stated=d.points.value,
                    computed=computed,
                    expression=" + ".join(_n(p.points.value) for p in d.parts)
                    + f" = {_n(computed)}",
                    ok=self.equal(d.points.value, computed),
                    sources=(d.points.source, *(p.points.source for p in d.parts)),
                )
                self.subtotals(d.parts)
            if d.actual is not None or d.unmet is not None:
                self.rule(d, subject)

    def deduction_label(self, d: StatedDeduction) -> str:
        label = self.node_label(d.node)
        return f"{label} {d.category}" if d.category else label

    def rule(self, d: StatedDeduction, subject: str) -> None:
        """Recompute a deduction from the stated actual by the scheme's rule."""
        node = self.scheme.node(d.node)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                lost, how = self.recompute(node, d)
        except (DataError, IncompatibleUnitError) as exc:
            self.unreadable("rule", subject, d.points.value, d.actual, node, exc)
            return
        except (PerfKPIError, ValueError, TypeError, KeyError) as exc:
            why = (
                "规则无法单独复算" if self.zh else "the rule cannot recompute it alone"
            )
            self.unchecked.append(f"{subject} {_n(d.points.value)}: {why} ({exc})")
            return
        self.add(
            kind="rule",
            subject=subject,
            stated=d.points.value,
            computed=lost,
            expression=how,
            ok=self.equal(d.points.value, lost),
            sources=(d.points.source,),
            note=_warned(caught),
        )

    def recompute(self, node: Node, d: StatedDeduction) -> tuple[float, str]:
        scheme = self.scheme
        rule = scheme.rule(node.code)
        describe = getattr(rule, "describe", None)
        if d.unmet is not None:
            if node.points is None:
                msg = f"node {node.code} has no points to deduct from"
                raise ValueError(msg)
            alone = self.part([attrs.evolve(node, parent=None)], node.points)
            items = [Item(node.code, f"#{i + 1}", "是", "否") for i in range(d.unmet)]
            ev = evaluate(alone, Data(items=items))
            lost = self.rounding.round(node.points - ev.total)
            text = str(describe(self.lang)) if callable(describe) else ""
            unmet = f"{d.unmet}项未达成" if self.zh else f"{d.unmet} unmet"
            return lost, f"{unmet}，{text}" if self.zh else f"{unmet}, {text}"
        if node.is_item:
            parent = scheme.node(str(node.parent))
            alone = self.part(
                [attrs.evolve(parent, parent=None), node], parent.points or 0.0
            )
            ev = evaluate(alone, {node.code: d.actual})
            lost = ev.penalties[node.code]
        else:
            alone = self.part([attrs.evolve(node, parent=None)], node.points or 0.0)
            ev = evaluate(alone, {node.code: d.actual})
            lost = self.rounding.round((node.points or 0.0) - ev.scores[node.code])
        rule_text = (
            str(describe(self.lang))
            if callable(describe)
            else ("上级规则" if self.zh else "parent's rule")
        )
        target = f"，目标{node.target}" if self.zh else f", target {node.target}"
        actual = f"实际{d.actual}" if self.zh else f"actual {d.actual}"
        sep = "，" if self.zh else ", "
        return lost, f"{actual}{target if node.target else ''}{sep}{rule_text}"

    @property
    def lang(self) -> str:
        return "zh" if self.zh else "en"

    def run(self) -> None:
        self.points()
        self.sums()
        self.deductions()
        self.grade()
        self.leaf_scores()
        self.actuals()
        self.subtotals(self.stated.deductions)
        self.amount_sums()
        self.rates()
        self.loose_figures()
