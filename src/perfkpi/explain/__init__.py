"""Explain one number of an evaluation: its rule, inputs, formula and rounding.

:func:`explain` traces a node's score (or an item's penalty, or the total) back
to where it comes from: the rule that scores it, each input with its unit, the
formula with the numbers substituted, and the rounding that turns the raw value
into the reported one.  It is what a finance bureau asks when it questions a
figure: "where does 9.98 come from?"

Rules perfkpi knows are traced step by step; a rule kind added later is still
explained by its own description, its inputs and its reported value.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> print(explain(ev, "1.2"))
1.2 预算资金支出率 = 9.98分
规则：按比例计分，满分为止（proportional）
输入：
  B 实际完成值 = 99.8%
  A 指标值 = 100%（目标 ≥100%）
  w 分值 = 10分
公式：B < A，得分 = w × B ÷ A
代入：10 × 99.8 ÷ 100 = 9.98
取整：9.98 → 9.98（保留2位小数，四舍五入）
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable
from typing import Any, Literal

import attrs

from perfkpi import _wording
from perfkpi.errors import PerfKPIError
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.grades import GradeScale
from perfkpi.plan import effective_rule
from perfkpi.rounding import Rounding, RoundingMode, RoundingStage
from perfkpi.scheme import Node
from perfkpi.targets import Comparator, Target, format_number

__all__ = ["Explanation", "Input", "UnknownNodeError", "explain"]

Lang = Literal["zh", "en"]

TOTAL = "total"
"""The code that names the total in :func:`~perfkpi.explain.explain`."""


class UnknownNodeError(KeyError, PerfKPIError):
    """A code that names no node of the evaluated scheme.

    Parameters
    ----------
    code
        The code asked for.
    known
        The codes that exist.
    """

    def __init__(self, code: str, known: Iterable[str]) -> None:
        self.code = code
        self.known = tuple(known)
        super().__init__(code, self.known)

    def __str__(self) -> str:
        return (
            f"no node {self.code!r} in the evaluation; expected 'total' or one of "
            f"{', '.join(self.known)}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.known))


def _inputs(values: Iterable[Input]) -> tuple[Input, ...]:
    return tuple(values)


def _strs(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen
class Input:
    """One input of a traced number.

    Attributes
    ----------
    symbol
        The symbol the formula uses (``B``, ``A``, ``w``, ``d1``).
    label
        What it is (``实际完成值``, ``target``).
    text
        Its value with its unit, as used in the formula.
    note
        Where it comes from or how it was converted, if worth saying.
    """

    symbol: str
    label: str
    text: str
    note: str = ""


@attrs.frozen
class Explanation:
    """The trace of one number of an evaluation.

    ``str(explanation)`` gives the trace as lines of text in its language.

    Attributes
    ----------
    code
        The node code, or ``"total"``.
    name
        The node's name.
    value
        The reported (rounded) number; ``None`` for a node that does not apply.
    kind
        The rule kind (``proportional``, ``deduct`` …), ``item`` for an item
        without a rule of its own, ``total`` for the total.
    rule
        The rule's description in the explanation's language.
    inputs
        The inputs, each with its unit.
    formula
        The formula in symbols, or the rule's description for a rule kind
        perfkpi does not trace step by step.
    substituted
        The formula with the numbers put in, ending with the raw value.
    raw
        The value before rounding, when it is traced.
    rounding
        How *raw* became *value*.
    notes
        Further lines: the grade of a total, the stage of rounding.
    lang
        ``"zh"`` or ``"en"``.

    Raises
    ------
    TypeError
        If *inputs* or *notes* is not a list.
    """

    code: str
    name: str
    value: float | None
    kind: str
    rule: str
    inputs: tuple[Input, ...] = attrs.field(default=(), converter=_inputs)
    formula: str = ""
    substituted: str = ""
    raw: float | None = None
    rounding: str = ""
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    unit: str = ""
    lang: str = "zh"

    def __str__(self) -> str:
        zh = self.lang == "zh"
        w = _ZH if zh else _EN
        if self.value is None:
            value = "不适用" if zh else "not applicable"
        else:
            value = f"{format_number(self.value)}{self.unit}"
        head = f"{self.code} {self.name}" if self.code != TOTAL else self.name
        lines = [f"{head} = {value}"]
        colon = "：" if zh else ": "
        kind = f"（{self.kind}）" if zh else f" ({self.kind})"
        lines.append(f"{w['rule']}{colon}{self.rule}{kind}")
        if self.inputs:
            lines.append(w["inputs"])
            for i in self.inputs:
                note = ""
                if i.note:
                    note = f"（{i.note}）" if zh else f" ({i.note})"
                lines.append(f"  {i.symbol} {i.label} = {i.text}{note}")
        if self.formula:
            lines.append(f"{w['formula']}{colon}{self.formula}")
        if self.substituted:
            lines.append(f"{w['substituted']}{colon}{self.substituted}")
        if self.rounding:
            lines.append(f"{w['rounding']}{colon}{self.rounding}")
        lines += list(self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the trace as plain, JSON-able data."""
        return {
            "code": self.code,
            "name": self.name,
            "value": self.value,
            "kind": self.kind,
            "rule": self.rule,
            "inputs": [attrs.asdict(i) for i in self.inputs],
            "formula": self.formula,
            "substituted": self.substituted,
            "raw": self.raw,
            "rounding": self.rounding,
            "notes": list(self.notes),
        }


_ZH = {
    "rule": "规则",
    "inputs": "输入：",
    "formula": "公式",
    "substituted": "代入",
    "rounding": "取整",
    "actual": "实际完成值",
    "target": "指标值",
    "points": "分值",
    "score": "得分",
    "total": "总分",
    "unit": "分",
}
_EN = {
    "rule": "rule",
    "inputs": "inputs:",
    "formula": "formula",
    "substituted": "substituted",
    "rounding": "rounding",
    "actual": "actual",
    "target": "target",
    "points": "full points",
    "score": "score",
    "total": "Total",
    "unit": "",
}

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


def explain(ev: Evaluation, code: str, lang: str = "zh") -> Explanation:
    """Trace one number of *ev*: a node's score, an item's penalty or the total.

    Parameters
    ----------
    ev
        The evaluation.
    code
        A node code of the evaluated scheme (the entity's items included), or
        ``"total"``.
    lang
        ``"zh"`` (the default) or ``"en"``.

    Returns
    -------
    Explanation
        The rule, the inputs with units, the formula with the numbers
        substituted, and the rounding.

    Raises
    ------
    UnknownNodeError
        If *code* names no node (a :class:`KeyError`).
    TypeError
        If *code* is not text.
    ValueError
        For an unknown language.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> print(explain(ev, "total", lang="en"))
    Total = 88.63
    rule: sum of the first-level scores (total)
    inputs:
      1 履职效能 = 45.98
      2 管理效率 = 42.65
    formula: total = Σ first-level
    substituted: 45.98 + 42.65 = 88.63
    rounding: 88.63 → 88.63 (2 decimal places, half-up)
    grade: 良 (80 ≤ 88.63 < 90, cn-2020)
    """
    if lang not in ("zh", "en"):
        msg = f"unknown language {lang!r}; expected zh or en"
        raise ValueError(msg)
    given: object = code  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"code must be text (got {given!r:.60})"
        raise TypeError(msg)
    tracer = _Tracer(ev, "zh" if lang == "zh" else "en")
    if code.strip().lower() in (TOTAL, "总分"):
        return tracer.total()
    if code not in ev.scheme:
        known = [n.code for n in ev.scheme.ordered()]
        raise UnknownNodeError(code, known)
    return tracer.node(code)
