"""The checker's state, and its checks of amounts and rates."""

from __future__ import annotations

import math
from typing import Any

from perfkpi.check._figures import TOTAL, Figure, Stated
from perfkpi.check._precision import _EPS, _MODE_WORDS, _interval, _meet, _n, _unit
from perfkpi.check._result import Check
from perfkpi.deductions import Data
from perfkpi.rounding import RoundingMode
from perfkpi.scheme import Scheme
from perfkpi.units import convert


class _CheckerBase:
    """The inputs, the checks found so far, and the helpers every check uses."""

    def __init__(
        self, scheme: Scheme, stated: Stated, lang: str, data: Data | None = None
    ) -> None:
        self.scheme = scheme
        self.stated = stated
        self.data = data
        self.zh = lang == "zh"
        self.rounding = scheme.rounding
        self.places = scheme.rounding.places
        self.checks: list[Check] = []
        self.unchecked: list[str] = []
        self.scores = {s.node: s for s in stated.scores}
        self.amounts = {a.name: a for a in stated.amounts}

    # -- helpers ------------------------------------------------------------------
    def node_label(self, code: str) -> str:
        if code == TOTAL:
            return "总分" if self.zh else "total"
        return f"{code} {self.scheme.node(code).name}"

    def equal(self, stated: float, computed: float) -> bool:
        return abs(self.rounding.round(computed) - stated) <= _EPS

    def add(self, **fields: Any) -> None:  # noqa: ANN401
        fields.setdefault("places", self.places)
        fields.setdefault("tolerance", 0.5 * 10.0**-self.places)
        self.checks.append(Check(**fields))

    def subtree(self, code: str) -> set[str]:
        out = {code}
        for child in self.scheme.children(code):
            out |= self.subtree(child.code)
        return out


class _AmountChecks(_CheckerBase):
    """Amounts against their parts and wholes; rates against their operands."""

    # -- amounts and rates -------------------------------------------------------------
    def in_unit(self, fig: Figure, unit: str) -> tuple[float, float]:
        """Return the interval of *fig* converted to *unit*."""
        lo, hi = _interval(fig, self.rounding.mode)
        if fig.unit == unit or not fig.unit or not unit:
            return lo, hi
        src, dst = _unit(fig.unit), _unit(unit)
        return convert(lo, src, dst), convert(hi, src, dst)

    def amount_sums(self) -> None:
        for a in self.stated.amounts:
            if a.parts:
                parts = [self.amounts[p] for p in a.parts]
                bounds = [self.in_unit(p.value, a.value.unit) for p in parts]
                low = math.fsum(b[0] for b in bounds)
                high = math.fsum(b[1] for b in bounds)
                computed = math.fsum(
                    self.value_in(p.value, a.value.unit) for p in parts
                )
                stated = _interval(a.value, self.rounding.mode)
                self.add(
                    kind="amount",
                    subject=a.name,
                    stated=a.value.value,
                    computed=computed,
                    expression=" + ".join(
                        f"{p.name} {_n(p.value.value)}{p.value.unit}" for p in parts
                    )
                    + f" = {_n(computed)}{a.value.unit}",
                    ok=_meet(stated, (low, high)),
                    tolerance=(high - low + stated[1] - stated[0]) / 2,
                    unit=a.value.unit,
                    places=a.value.places,
                    sources=(a.value.source, *(p.value.source for p in parts)),
                )
            if a.within:
                whole = self.amounts[a.within]
                part = self.in_unit(a.value, whole.value.unit)
                total = _interval(whole.value, self.rounding.mode)
                ok = part[0] <= total[1] + _EPS
                self.add(
                    kind="within",
                    subject=f"{a.name} ≤ {whole.name}",
                    stated=a.value.value,
                    computed=whole.value.value,
                    expression=(
                        f"{whole.name} {_n(whole.value.value)}{whole.value.unit}"
                    ),
                    ok=ok,
                    tolerance=0.0,
                    unit=a.value.unit,
                    places=max(a.value.places, whole.value.places),
                    sources=(a.value.source, whole.value.source),
                )

    def value_in(self, fig: Figure, unit: str) -> float:
        if fig.unit == unit or not fig.unit or not unit:
            return fig.value
        return convert(fig.value, _unit(fig.unit), _unit(unit))

    def operand(self, ref: str | Figure) -> tuple[Figure, str]:
        if isinstance(ref, str):
            amount = self.amounts[ref]
            return amount.value, f"{ref} {_n(amount.value.value)}{amount.value.unit}"
        return ref, f"{_n(ref.value)}{ref.unit}"

    def rates(self) -> None:
        for r in self.stated.rates:
            if r.numerator is None or r.denominator is None:
                continue
            num, num_text = self.operand(r.numerator)
            den, den_text = self.operand(r.denominator)
            scale = {"%": 100.0, "‰": 1000.0}.get(r.value.unit, 1.0)
            n_lo, n_hi = _interval(num, self.rounding.mode)
            d_lo, d_hi = self.in_unit(den, num.unit)
            if d_lo <= 0:
                continue
            low, high = scale * n_lo / d_hi, scale * n_hi / d_lo
            computed = scale * num.value / self.value_in(den, num.unit)
            stated = _interval(r.value, self.rounding.mode)
            ok = _meet(stated, (low, high))
            note = "" if ok else self.modes_note(r.value, (low, high))
            slash = "÷" if self.zh else "/"
            self.add(
                kind="rate",
                subject=r.name,
                stated=r.value.value,
                computed=computed,
                expression=(
                    f"{num_text} {slash} {den_text} = "
                    f"{_n(round(computed, 4))}{r.value.unit}"
                ),
                ok=ok,
                tolerance=(stated[1] - stated[0]) / 2 + (high - low) / 2,
                unit=r.value.unit,
                places=r.value.places,
                sources=(
                    r.value.source,
                    *(
                        self.amounts[x].value.source
                        for x in (r.numerator, r.denominator)
                        if isinstance(x, str)
                    ),
                ),
                note=note,
            )

    def modes_note(self, fig: Figure, computed: tuple[float, float]) -> str:
        modes = [
            m
            for m in RoundingMode
            if m is not self.rounding.mode and _meet(_interval(fig, m), computed)
        ]
        if not modes:
            return ""
        names = (
            "、".join(_MODE_WORDS[m][0] for m in modes)
            if self.zh
            else ", ".join(_MODE_WORDS[m][1] for m in modes)
        )
        if self.zh:
            mode = _MODE_WORDS[self.rounding.mode][0]
            return f"（若按{names}取整则相符；本方案为{mode}）"
        return (
            f"(it holds under {names}; the scheme rounds "
            f"{_MODE_WORDS[self.rounding.mode][1]})"
        )

    def loose_figures(self) -> None:
        used: set[str] = set()
        for a in self.stated.amounts:
            if a.parts or a.within:
                used.add(a.name)
                used.update(a.parts)
                if a.within:
                    used.add(a.within)
        for r in self.stated.rates:
            for x in (r.numerator, r.denominator):
                if isinstance(x, str):
                    used.add(x)
        for a in self.stated.amounts:
            if a.name not in used:
                self.unchecked.append(
                    f"{a.name} {a.value}"
                    + ("：未给出构成" if self.zh else ": no parts stated")
                )
        for r in self.stated.rates:
            if r.numerator is None or r.denominator is None:
                self.unchecked.append(
                    f"{r.name} {r.value}"
                    + (
                        "：未给出分子分母"
                        if self.zh
                        else ": no numerator and denominator stated"
                    )
                )
