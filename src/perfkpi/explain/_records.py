"""What a trace is made of: its inputs, the trace itself, the error of a wrong code."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import attrs

from perfkpi.errors import PerfKPIError
from perfkpi.targets import format_number

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
