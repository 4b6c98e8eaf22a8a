"""The tracer: each rule's score, an item's penalty and the total, step by step."""

from __future__ import annotations

import functools
import math
import warnings

import attrs

from perfkpi import _wording
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.explain._records import _EN, _ZH, TOTAL, Explanation, Input, Lang
from perfkpi.grades import GradeScale
from perfkpi.plan import effective_rule
from perfkpi.rounding import Rounding, RoundingMode, RoundingStage
from perfkpi.scheme import Node
from perfkpi.targets import Comparator, Target, format_number

_MODES = {
    RoundingMode.HALF_UP: ("四舍五入", "half-up"),
    RoundingMode.HALF_EVEN: ("四舍六入五成双", "half-even"),
    RoundingMode.TRUNCATE: ("截尾", "truncated"),
    RoundingMode.UP: ("进位", "rounded up"),
}


_PLACES = 10
"""The places a trace writes a value with: float noise removed, nothing else."""


def _n(value: float) -> str:
    """Write a number as a trace shows it: shortest form, float noise removed."""
    return format_number(round(value, 10))


class _Tracer:
    """Traces the numbers of one evaluation in one language."""

    def __init__(self, ev: Evaluation, lang: Lang) -> None:
        self.ev = ev
        self.lang = lang
        self.w = _ZH if lang == "zh" else _EN
        self.scheme = ev.scheme
        self.rounding = ev.scheme.rounding
        self._raw: dict[str, float | None] = {}

    # -- helpers --------------------------------------------------------------
    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def pts(self, value: float) -> str:
        return f"{_n(value)}{self.w['unit']}"

    def describe(self, rule: object) -> str:
        describe = getattr(rule, "describe", None)
        return str(describe(self.lang)) if callable(describe) else str(rule)

    def rounding_text(self, raw: float, value: float) -> str:
        places = self.rounding.places
        zh_mode, en_mode = _MODES.get(
            self.rounding.mode, (str(self.rounding.mode),) * 2
        )
        if self.zh:
            return f"{_n(raw)} → {_n(value)}（保留{places}位小数，{zh_mode}）"
        return f"{_n(raw)} → {_n(value)} ({places} decimal places, {en_mode})"

    def stage_notes(self) -> tuple[str, ...]:
        if self.rounding.stage is RoundingStage.TOTAL:
            if self.zh:
                return ("说明：本方案只在总分处取整，各项得分按未取整的值相加。",)
            return (
                "note: this scheme rounds the total only; scores are summed unrounded.",
            )
        return ()

    def actual_of(self, node: Node) -> object:
        data = self.ev.data
        if node.code in data.actuals:
            return data.actuals[node.code]
        for item in data.items:
            if item.code == node.code:
                return item.actual
        return None

    def value_text(self, target: Target, value: float) -> str:
        return _wording.value(target, value, self.lang, _PLACES)

    def given_text(self, node: Node, given: object) -> str:
        rule = effective_rule(self.scheme, node.code)
        return _wording.actual(given, node.target, rule, self.lang, _PLACES)

    def actual_input(self, node: Node, target: Target) -> tuple[Input, float]:
        given = self.actual_of(node)
        value = target.to_value(given, where=node.code)
        text = self.value_text(target, value)
        note = ""
        if isinstance(given, str) and given.strip() != text:
            note = f"填报为 {given}" if self.zh else f"given as {given}"
        return Input("B", self.w["actual"], text, note), value

    def target_input(self, target: Target) -> Input:
        text = self.value_text(target, target.value)
        label = "目标" if self.zh else "target"
        goal = _wording.target(target, self.lang)
        return Input("A", self.w["target"], text, f"{label} {goal}")

    # -- raw values -------------------------------------------------------------
    def used(self, code: str) -> float | None:
        """Return the value a parent adds up: reported, or raw if only totals round."""
        if self.rounding.stage is RoundingStage.TOTAL:
            return self.raw(code)
        return self.reported(code)

    def reported(self, code: str) -> float | None:
        if code in self.ev.penalties:
            return self.ev.penalties[code]
        return self.ev.scores.get(code)

    def raw(self, code: str) -> float | None:
        """Return the value of *code* before its own rounding, if it can be traced.

        Leaves come from the engine run once more without rounding, so every
        rule kind, known or added later, is traced the same way; ``sum`` and
        ``deduct`` nodes add up what the engine adds up.
        """
        node = self.scheme.node(code)
        kind = getattr(self.scheme.rule(code), "kind", None)
        children = list(self.scheme.children(code))
        if code in self.ev.not_applicable:
            raw = None
        elif self.rounding.stage is RoundingStage.TOTAL or (
            not children and kind != "deduct"
        ):
            raw = self.unrounded.get(code)
        elif any(c.code in self.ev.not_applicable for c in children):
            raw = None  # re-weighting is the rule's business: not traced
        else:
            used = [self.used(c.code) for c in children]
            parts = [u for u in used if u is not None]
            findings = [
                f.points or 0.0 for f in self.ev.data.findings if f.node == code
            ]
            raw = None
            if len(parts) < len(used):
                pass
            elif kind == "sum":
                raw = math.fsum(parts)
            elif kind == "deduct" and node.points is not None:
                raw = max(node.points - math.fsum([*parts, *findings]), 0.0)
        return raw

    @functools.cached_property
    def unrounded(self) -> dict[str, float]:
        """Every node's value from the engine run without rounding."""
        ev = self.ev
        actuals = dict(ev.data.actuals)
        for item in ev.data.items:
            actuals[item.code] = item.actual
        data = attrs.evolve(ev.data, actuals=actuals, items=())
        exact = Rounding(places=10, mode=self.rounding.mode, stage="each-node")
        try:
            with warnings.catch_warnings():
                # what the scheme and data warn of was warned of when evaluated
                warnings.simplefilter("ignore")
                raw = evaluate(attrs.evolve(ev.scheme, rounding=exact), data)
        except PerfKPIError:  # pragma: no cover (the same data evaluated once)
            return {}
        return {**raw.scores, **raw.penalties}

    def per_unmet(self, node: Node) -> float:
        rule = self.scheme.rule(node.code)
        if rule is not None and hasattr(rule, "points"):
            return float(rule.points)
        parent = self.scheme.rule(str(node.parent)) if node.parent else None
        return float(getattr(parent, "per_unmet", 1.0))

    # -- traces -------------------------------------------------------------------
    def total(self) -> Explanation:
        ev = self.ev
        roots = self.scheme.roots()
        na = "不适用" if self.zh else "not applicable"
        inputs = [
            Input(
                r.code,
                r.name,
                self.pts(ev.scores[r.code]) if r.code in ev.scores else na,
            )
            for r in roots
        ]
        used = [self.used(r.code) for r in roots]
        raw: float | None = None
        substituted = ""
        if all(u is not None for u in used):
            raw = math.fsum(u for u in used if u is not None)
            substituted = " + ".join(_n(u) for u in used if u is not None)
            substituted += f" = {_n(raw)}"
        grades = self.scheme.grades
        notes = [*self.stage_notes(), self.grade_line(ev.total, grades)]
        if any(r.code in ev.not_applicable for r in roots):
            notes.insert(
                0,
                "有不适用的一级指标：总分按方案的不适用规则处理"
                "（按百分制折算，或计满分）。"
                if self.zh
                else "some first-level nodes do not apply: the total follows the "
                "scheme's not-applicable policy (re-weighted, or counted at full "
                "marks).",
            )
        if ev.grade != grades.grade(ev.total):  # an override of the scheme decided
            notes.append(
                f"评定等级：{ev.grade}（方案的否决规则优先于分数）"
                if self.zh
                else f"rated: {ev.grade} (an override of the scheme comes first)"
            )
        if self.zh:
            rule, formula = "一级指标得分之和", "总分 = Σ 一级指标得分"
        else:
            rule, formula = "sum of the first-level scores", "total = Σ first-level"
        return Explanation(
            TOTAL,
            self.w["total"],
            ev.total,
            "total",
            rule,
            inputs,
            formula,
            substituted,
            raw,
            self.rounding_text(raw, ev.total) if raw is not None else "",
            notes,
            self.w["unit"],
            self.lang,
        )

    def grade_line(self, total: float, grades: GradeScale) -> str:
        grade = grades.grade(total)
        labels = [b.label for b in grades.bands]
        lower: float | None = None
        upper: float | None = None
        if grade in labels:
            i = labels.index(grade)
            lower = grades.bands[i].minimum
            upper = grades.bands[i - 1].minimum if i > 0 else None
        else:
            upper = grades.bands[-1].minimum
        text = _n(total)
        if lower is not None:
            text = f"{_n(lower)} ≤ {text}"
        if upper is not None:
            text = f"{text} < {_n(upper)}"
        if self.zh:
            return f"等级：{grade}（{text}，{grades.name}）"
        return f"grade: {grade} ({text}, {grades.name})"

    def node(self, code: str) -> Explanation:
        node = self.scheme.node(code)
        rule = self.scheme.rule(code)
        kind = getattr(rule, "kind", None)
        if code in self.ev.not_applicable:
            return self.not_applicable(node, rule)
        if node.is_item and rule is None:
            return self.unmet(node, None)
        traced = {
            "per-unmet": self.unmet,
            "sum": self.sum,
            "deduct": self.deduct,
        }
        if node.target is not None:
            traced |= {"shortfall": self.shortfall, "proportional": self.proportional}
        trace = traced.get(str(kind))
        if trace is not None:
            return trace(node, rule)
        return self.other(node, rule, str(kind))

    def _explanation(
        self,
        node: Node,
        kind: str,
        rule: str,
        inputs: list[Input],
        formula: str,
        substituted: str,
    ) -> Explanation:
        raw = self.raw(node.code)
        value = self.reported(node.code)
        if raw is not None and substituted and not substituted.endswith(_n(raw)):
            substituted += f" = {_n(raw)}"
        rounding = ""
        if raw is not None and value is not None:
            rounding = self.rounding_text(raw, value)
        return Explanation(
            node.code,
            node.name,
            value,
            kind,
            rule,
            inputs,
            formula,
            substituted,
            raw,
            rounding,
            self.stage_notes(),
            self.w["unit"],
            self.lang,
        )

    def not_applicable(self, node: Node, rule: object) -> Explanation:
        note = (
            "本项不适用，不计分；上级指标按其规则处理。"
            if self.zh
            else "not applicable: no score; its parent's rule decides what follows."
        )
        return Explanation(
            node.code,
            node.name,
            None,
            str(getattr(rule, "kind", "item")),
            self.describe(rule) if rule is not None else "",
            notes=(note,),
            unit=self.w["unit"],
            lang=self.lang,
        )

    def ratio(self, b: float, target: Target) -> tuple[str, str]:
        """Return the attainment ratio in symbols and in numbers (``B ÷ A``)."""
        slash = "÷" if self.zh else "/"
        if _higher(target):
            return f"B {slash} A", f"{_n(b)} {slash} {_n(target.value)}"
        return f"A {slash} B", f"{_n(target.value)} {slash} {_n(b)}"

    def proportional(self, node: Node, rule: object) -> Explanation:
        target = node.target
        assert target is not None  # noqa: S101 (checked by the caller)
        w = node.points or 0.0
        actual, b = self.actual_input(node, target)
        inputs = [
            actual,
            self.target_input(target),
            Input("w", self.w["points"], self.pts(w)),
        ]
        higher = _higher(target)
        symbols, numbers = self.ratio(b, target)
        so = "，" if self.zh else ", so "
        score = "得分" if self.zh else "score"
        if (b >= target.value) if higher else (b <= target.value):
            cond = "B ≥ A" if higher else "B ≤ A"
            full = "（满分为止）" if self.zh else " (capped at full points)"
            formula = f"{cond}{so}{score} = w{full}"
            substituted = _n(w)
        else:
            cond = "B < A" if higher else "B > A"
            formula = f"{cond}{so}{score} = w × {symbols}"
            substituted = f"{_n(w)} × {numbers}"
        return self._explanation(
            node, "proportional", self.describe(rule), inputs, formula, substituted
        )

    def shortfall(self, node: Node, rule: object) -> Explanation:
        target = node.target
        assert target is not None  # noqa: S101 (checked by the caller)
        points = float(getattr(rule, "points", 0.0))
        actual, b = self.actual_input(node, target)
        inputs = [
            actual,
            self.target_input(target),
            Input("p", "最多扣分" if self.zh else "at most", self.pts(points)),
        ]
        symbols, numbers = self.ratio(b, target)
        if self.ev.met.get(node.code, False):
            formula = "B 达到 A，不扣分" if self.zh else "B meets A: nothing off"
            substituted = "0"
        else:
            penalty = "扣分" if self.zh else "penalty"
            formula = f"{penalty} = p × (1 − {symbols})"
            substituted = f"{_n(points)} × (1 − {numbers})"
        return self._explanation(
            node, "shortfall", self.describe(rule), inputs, formula, substituted
        )

    def unmet(self, node: Node, rule: object) -> Explanation:
        per = self.per_unmet(node)
        inputs: list[Input] = []
        if node.target is not None:
            actual, _ = self.actual_input(node, node.target)
            inputs += [actual, self.target_input(node.target)]
        label = "未达成扣分" if self.zh else "points if not met"
        inputs.append(Input("p", label, self.pts(per)))
        if rule is None:
            description = (
                f"未达成扣{_n(per)}分（上级指标 {node.parent} 的规则）"
                if self.zh
                else f"{_n(per)} points off when not met (rule of {node.parent})"
            )
        else:
            description = self.describe(rule)
        if self.ev.met.get(node.code, False):
            formula = "B 达到 A，不扣分" if self.zh else "B meets A: nothing off"
            substituted = "0"
        else:
            formula = "B 未达到 A，扣分 = p" if self.zh else "B misses A: penalty = p"
            substituted = _n(per)
        kind = "item" if rule is None else "per-unmet"
        return self._explanation(node, kind, description, inputs, formula, substituted)

    def child_inputs(self, code: str) -> tuple[list[Input], list[float]]:
        inputs: list[Input] = []
        used: list[float] = []
        for child in self.scheme.children(code):
            value = self.used(child.code)
            if value is None:
                text = "不适用" if self.zh else "not applicable"
                inputs.append(Input(child.code, child.name, text))
                continue
            shown = self.reported(child.code)
            inputs.append(
                Input(
                    child.code,
                    child.name,
                    self.pts(shown if shown is not None else value),
                )
            )
            used.append(value)
        return inputs, used

    def sum(self, node: Node, rule: object) -> Explanation:
        inputs, used = self.child_inputs(node.code)
        formula = "得分 = Σ 下级指标得分" if self.zh else "score = Σ children"
        substituted = ""
        if self.raw(node.code) is not None:
            substituted = " + ".join(_n(u) for u in used) or "0"
        out = self._explanation(
            node, "sum", self.describe(rule), inputs, formula, substituted
        )
        if any(
            c.code in self.ev.not_applicable for c in self.scheme.children(node.code)
        ):
            note = (
                "有不适用的下级指标：得分按方案的不适用规则处理"
                "（按百分制折算，或计满分）。"
                if self.zh
                else "some children do not apply: the score follows the scheme's "
                "not-applicable policy (re-weighted, or counted at full marks)."
            )
            out = attrs.evolve(out, notes=(*out.notes, note))
        return out

    def deduct(self, node: Node, rule: object) -> Explanation:
        w = node.points or 0.0
        inputs = [Input("w", self.w["points"], self.pts(w))]
        lost: list[float] = []
        for child in self.scheme.children(node.code):
            used = self.used(child.code)
            if not used:
                continue
            lost.append(used)
            label = (
                f"{child.name}（{child.code}）"
                if self.zh
                else f"{child.name} ({child.code})"
            )
            inputs.append(
                Input(f"d{len(lost)}", label, self.pts(used), self.item_note(child))
            )
        for f in self.ev.data.findings:
            if f.node != node.code:
                continue
            points = f.points or 0.0
            lost.append(points)
            label = f.category or ("问题" if self.zh else "finding")
            inputs.append(Input(f"d{len(lost)}", label, self.pts(points), f.reason))
        formula = (
            "得分 = max(w − Σ d, 0)（扣完为止）"
            if self.zh
            else "score = max(w − Σ d, 0) (floored at zero)"
        )
        terms = " + ".join(_n(x) for x in lost) if lost else "0"
        substituted = f"max({_n(w)} − ({terms}), 0)"
        return self._explanation(
            node, "deduct", self.describe(rule), inputs, formula, substituted
        )

    def item_note(self, node: Node) -> str:
        if node.target is None:
            return ""
        actual = self.given_text(node, self.actual_of(node))
        goal = _wording.target(node.target, self.lang)
        if self.zh:
            return f"指标值{goal}，实际完成值{actual}"
        return f"target {goal}, actual {actual}"

    def other(self, node: Node, rule: object, kind: str) -> Explanation:
        """Trace a rule kind perfkpi does not know step by step: its description."""
        inputs: list[Input] = []
        given = self.actual_of(node)
        if node.target is not None:
            try:
                actual, _ = self.actual_input(node, node.target)
            except PerfKPIError:  # the rule reads its actual its own way
                actual = Input("B", self.w["actual"], self.given_text(node, given))
            inputs += [actual, self.target_input(node.target)]
        elif given is not None:
            inputs.append(Input("B", self.w["actual"], self.given_text(node, given)))
        if node.points is not None:
            inputs.append(Input("w", self.w["points"], self.pts(node.points)))
        children, _ = self.child_inputs(node.code)
        inputs += children
        return self._explanation(
            node, kind, self.describe(rule), inputs, self.describe(rule), ""
        )


def _higher(target: Target) -> bool:
    return target.comparator not in (Comparator.LE, Comparator.LT)
