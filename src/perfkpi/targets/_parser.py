"""The parser of one target: clauses, ranges, brackets and two clauses."""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable
from typing import TypeVar

import attrs

from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
)
from perfkpi.targets._lexicon import (
    _MAX_TWO_CLAUSES,
    _RELATIVE_CHANGE,
    _RELATIVE_COMPARATORS,
    _RELATIVE_HINT,
    _RELATIVE_LEVEL,
    _RISES,
    _Clause,
    _end_of,
    _Value,
)
from perfkpi.targets._normalise import _MAX_PAIRS, _MAX_SPLITS, _Fail
from perfkpi.targets._reader import _ValueReader
from perfkpi.targets._syntax import (
    _COMPARATORS,
    _CONNECTORS,
    _DAY_ONLY,
    _KIND_INDEX,
    _KIND_NAMES,
    _KINDS,
    _SYMBOLS,
)
from perfkpi.targets._target import Target
from perfkpi.targets._values import Comparator, Kind, Quantity
from perfkpi.units import (
    Unit,
    convert,
)

_T = TypeVar("_T")


class _Parser(_ValueReader):
    """Read one normalised text; positions are in the normalised text."""

    __slots__ = ()

    # -- the whole target ------------------------------------------------------
    def target(self, *, nested: bool = False) -> Target:
        s = self.s
        if not s:
            raise _Fail(0, "a target such as '≥99%', '3秒内' or '达成年度指标'")
        if _RELATIVE_HINT.search(s):
            relative = self._relative(nested=nested)
            if relative is not None:
                return relative
        label = self.syntax._labels.get(s)  # noqa: SLF001
        if label is not None:
            return self._make(Comparator.GE, label[1], scale=label[0])
        if len(s) > 2 and s[0] in "[(" and s[-1] in "])":  # noqa: PLR2004
            return self._bracket()
        try:
            return self._one(self._clause(0, len(s)))
        except _Fail as fail:
            failures = [fail]
        attempts = [self._range]
        if len(s) <= _MAX_TWO_CLAUSES:  # no table cell is longer: keep it fast
            attempts.append(self._compound)
        for attempt in attempts:
            try:
                return attempt()
            except _Fail as fail:
                failures.append(fail)
        raise max(failures, key=lambda f: f.priority)

    # -- relative to the prior year: 较上年提高5%, 不低于上年 -----------------------
    def _relative(self, *, nested: bool) -> Target | None:
        s = self.s
        if s.endswith(")") and not nested:  # one level: no (上年…) inside (上年…)
            start = s.rfind("(上年")
            if start > 0:
                return self._resolved(start)
        if m := _RELATIVE_LEVEL.fullmatch(s):
            comparator = _RELATIVE_COMPARATORS[m["word"]]
            return self._make(comparator, 0.0, None, relative=True)
        m = _RELATIVE_CHANGE.match(s)
        if m is None:
            return None
        up = m["verb"] in _RISES
        a, b = m.end(), len(s)
        for word in ("及以上", "或以上", "以上"):
            if s.endswith(word, a, b):
                b -= len(word)
                break
        if a == b:
            if m["at"]:
                raise _Fail(a, f"the size of the change after {m['at']!r}")
            # 较上年有所提高: above the prior value, by any amount
            return self._make(
                Comparator.GT if up else Comparator.LT, 0.0, None, relative=True
            )
        value = self._quantity(a, b)
        if value.lo < 0:
            raise _Fail(a, f"the size of the change after {m['verb']!r}, 0 or more")
        if value.unit is not None and value.unit.dimension in ("date", "rank"):
            raise _Fail(a, "a change in a unit of quantity (5%, 5个百分点, 100万元)")
        comparator = Comparator.GE if up else Comparator.LE
        return self._make(comparator, value.lo, value.unit, relative=True)

    def _resolved(self, start: int) -> Target:
        """Read ``较上年提高5%（上年80%，即≥84%）``: the three must agree."""
        s = self.s
        middle = s.find(",即", start)
        if middle < 0:
            raise _Fail(start, "(上年<prior value>,即<target>) after a relative target")
        source = self._within(0, start, _Parser.nested_target)
        if not source.relative:
            raise _Fail(0, "a relative target (较上年提高5%) before (上年…)")
        prior = self._within(start + 3, middle, _Parser.whole_quantity)
        stated = self._within(middle + 2, len(s) - 1, _Parser.nested_target)
        try:
            resolved = source.resolve(Quantity(prior.lo, prior.unit))
        except (DataError, IncompatibleUnitError) as exc:
            raise _Fail(start + 3, f"a prior value for {source} ({exc})") from None
        plain = attrs.evolve(resolved, source=None, prior=None)
        if plain != stated:
            raise _Fail(
                middle + 2,
                f"{plain}, what {source} gives with 上年{s[start + 3 : middle]}",
            )
        return resolved

    def _within(self, a: int, b: int, read: Callable[[_Parser], _T]) -> _T:
        """Read ``s[a:b]`` alone; a failure is placed in the whole text."""
        part = _Parser(
            self.text, self.s[a:b], self.syntax, self.direction, self.year, self.extra
        )
        try:
            return read(part)
        except _Fail as fail:
            fail.pos += a
            raise

    def nested_target(self) -> Target:
        return self.target(nested=True)

    def whole_quantity(self) -> _Value:
        if not self.s:
            raise _Fail(0, "a number with an optional unit")
        return self._quantity(0, len(self.s))

    def _one(self, clause: _Clause) -> Target:
        c, v = clause
        if v.kind == "date" and c is Comparator.EQ and v.lo != v.hi:
            return self._make(Comparator.RANGE, v.lo, v.unit, upper=v.hi)
        if c in (Comparator.GE, Comparator.GT, Comparator.EQ):
            x = _end_of(v, lower=True, closed=c is not Comparator.GT)
        else:
            x = _end_of(v, lower=False, closed=c is Comparator.LE)
        return self._make(c, x, v.unit, scale=v.scale, qualifier=v.qualifier)

    # -- one clause: [prefix] value [(含)] [suffix] [(含)] ------------------------
    def _clause(self, a: int, b: int) -> _Clause:
        s, syntax = self.s, self.syntax
        if s[a:b] in syntax._prefix:  # noqa: SLF001 (a comparator and nothing else)
            raise _Fail(b, f"a value after {s[a:b]!r}")
        for n in syntax._prefix_lengths:  # noqa: SLF001
            if b - a > n and s[a : a + n] in syntax._prefix:  # noqa: SLF001
                try:
                    return self._clause_from(a + n, b, s[a : a + n])
                except _Fail as fail:
                    # the "word" may begin a label: 不满意 is not 不满 + 意
                    try:
                        return self._clause_from(a, b, "")
                    except _Fail:
                        raise fail from None
        return self._clause_from(a, b, "")

    def _clause_from(self, a: int, b: int, prefix_word: str) -> _Clause:
        s, syntax = self.s, self.syntax
        annotation, b = self._annotation(a, b)
        suffix_word = ""
        for n in syntax._suffix_lengths:  # noqa: SLF001
            if b - a > n and s[b - n : b] in syntax._suffix:  # noqa: SLF001
                suffix_word = s[b - n : b]
                b -= n
                break
        if annotation is None and suffix_word:
            annotation, b = self._annotation(a, b)
        try:
            value = self.value(a, b, prefix_word, suffix_word)
            if suffix_word and not self._sense(suffix_word, value, suffix=True):
                misfit = self._misfit(suffix_word, value.kind, suffix=True)
                raise _Fail(b, misfit)  # noqa: TRY301 (retried just below)
        except _Fail as fail:
            if not suffix_word:
                raise
            # the "suffix" may belong to the value: 3起 (a count), a custom unit
            try:
                value = self.value(a, b + len(suffix_word), prefix_word, "")
            except _Fail:
                raise fail from None
            suffix_word = ""
        kind = value.kind
        first = self._sense(prefix_word, value, suffix=False) if prefix_word else "~"
        if not first:
            raise _Fail(
                a - len(prefix_word), self._misfit(prefix_word, kind, suffix=False)
            )
        second = self._sense(suffix_word, value, suffix=True) if suffix_word else "~"
        if not second:
            raise _Fail(b, self._misfit(suffix_word, kind, suffix=True))
        if first != "~" and second not in ("~", first):
            raise _Fail(
                b, f"one comparator, not both {prefix_word!r} and {suffix_word!r}"
            )
        symbol = first if first != "~" else second
        if kind == "date" and not value.day and {prefix_word, suffix_word} & _DAY_ONLY:
            raise _Fail(
                b,
                "a day before 前 or 后 (2022年12月31日前), or a period end "
                "(2022年12月底前, 2022年底前)",
            )
        comparator = _COMPARATORS.get(symbol)
        if annotation is not None:
            comparator = self._annotated(comparator, annotation=annotation, pos=b)
        if comparator is None:
            comparator = self._default(kind)
        return _Clause(comparator, value)

    def _sense(self, word: str, value: _Value, *, suffix: bool) -> str:
        table = self.syntax._suffix if suffix else self.syntax._prefix  # noqa: SLF001
        sense = table[word][_KIND_INDEX[value.kind]]
        return sense if isinstance(sense, str) else ""

    def _misfit(self, word: str, kind: Kind, *, suffix: bool) -> str:
        table = self.syntax._suffix if suffix else self.syntax._prefix  # noqa: SLF001
        row = table.get(word)
        if row is not None and row[5] and not any(row[1:5]):
            return f"two ends of a range with {word!r} (介于90%与110%之间)"
        fits = [_KIND_NAMES[k] for k in _KINDS if row and row[_KIND_INDEX[k]]]
        if not fits:
            return f"a value that {word!r} can qualify"
        return f"{' or '.join(fits)} with {word!r}, not {_KIND_NAMES[kind]}"

    def _make(self, *args: object, **kwargs: object) -> Target:
        """Build a target; a value it refuses is a parse failure, not a crash."""
        try:
            return Target(*args, **kwargs)  # type: ignore[arg-type]
        except ValueError as exc:
            raise _Fail(len(self.s), f"a valid target ({exc})") from None

    def _default(self, kind: Kind) -> Comparator:
        if kind in ("date", "rank"):
            return Comparator.LE
        if kind == "label" or self.direction == "higher":
            return Comparator.GE
        return Comparator.LE

    @staticmethod
    def _annotated(
        comparator: Comparator | None, *, annotation: bool, pos: int
    ) -> Comparator:
        if comparator in (Comparator.GE, Comparator.GT):
            return Comparator.GE if annotation else Comparator.GT
        if comparator in (Comparator.LE, Comparator.LT):
            return Comparator.LE if annotation else Comparator.LT
        raise _Fail(pos, "(含) or (不含) after a one-sided comparison (90%(含)以上)")

    def _annotation(self, a: int, b: int) -> tuple[bool | None, int]:
        """Strip a trailing ``(含)``/``(不含)``: whether the end is included."""
        s = self.s
        if b - a < 3 or s[b - 1] != ")":  # noqa: PLR2004
            return None, b
        start = s.rfind("(", a, b)
        if start <= a:
            return None, b
        inner = s[start + 1 : b - 1]
        exclude = inner.startswith("不")
        inner = inner.removeprefix("不").removesuffix("本数")
        if inner not in ("含", "包含", "包括"):
            return None, b
        return not exclude, start

    # -- ranges ---------------------------------------------------------------------
    def _frame(self) -> tuple[int, int, str, str]:
        """Strip words that frame a range: 控制在 … , 介于 … 之间."""
        s, syntax = self.s, self.syntax
        a, b = 0, len(s)
        prefix_word = suffix_word = ""
        for n in syntax._prefix_lengths:  # noqa: SLF001
            row = syntax._prefix.get(s[:n])  # noqa: SLF001
            if b > n and row is not None and row[5]:
                prefix_word, a = s[:n], n
                break
        for n in syntax._suffix_lengths:  # noqa: SLF001
            row = syntax._suffix.get(s[b - n :])  # noqa: SLF001
            if b - a > n and row is not None and row[5]:
                suffix_word, b = s[b - n :], b - n
                break
        return a, b, prefix_word, suffix_word

    def _range(self) -> Target:
        s = self.s
        a, b, prefix_word, suffix_word = self._frame()
        if "±" in s[a:b]:
            return self._plus_minus(a, b, s.index("±", a))
        separators = "~至到-"
        if prefix_word == "介于" or suffix_word == "之间":
            separators += "与和"
        splits = [
            i
            for i in range(a + 1, b - 1)
            if s[i] in separators and not (s[i] == "-" and s[i - 1] in "+-~,")
        ]
        if len(splits) > _MAX_SPLITS:
            raise _Fail(
                splits[_MAX_SPLITS], "one separator between two ends (90%～110%)"
            )
        failures: list[_Fail] = []
        for i in splits:
            j = i + 2 if s.startswith("~~", i) else i + 1
            try:
                lo, lo_closed = self._end(a, i)
                hi, hi_closed = self._end(j, b)
                if lo_closed is None and hi_closed is None:
                    lo_closed = hi_closed = True
                elif lo_closed is None:
                    lo_closed = not hi_closed
                elif hi_closed is None:
                    hi_closed = not lo_closed
                return self._make_range(
                    lo, bool(lo_closed), hi, bool(hi_closed), i, ordered=False
                )
            except _Fail as fail:
                failures.append(fail)
        if not failures:
            raise _Fail(-1, "a range such as 90%～110%")
        raise max(failures, key=lambda f: f.priority)

    def _end(self, a: int, b: int) -> tuple[_Value, bool | None]:
        closed, b = self._annotation(a, b)
        return self.value(a, b, "", ""), closed

    def _plus_minus(self, a: int, b: int, i: int) -> Target:
        centre = self.value(a, i, "", "")
        delta = self.value(i + 1, b, "", "")
        if centre.kind != "quantity" or delta.kind != "quantity":
            raise _Fail(i, "numbers on both sides of ±")
        if delta.lo < 0:
            raise _Fail(i + 1, "a non-negative tolerance after ±")
        unit = centre.unit or delta.unit
        tolerance = delta.lo
        if centre.unit and delta.unit and centre.unit != delta.unit:
            tolerance = self._convert(delta.lo, delta.unit, centre.unit, i + 1)
        c, d = decimal.Decimal(repr(centre.lo)), decimal.Decimal(repr(tolerance))
        lo, hi = float(c - d), float(c + d)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise _Fail(a, "a finite range")
        return self._make(Comparator.RANGE, lo, unit, upper=hi)

    def _convert(self, value: float, src: Unit, dst: Unit, pos: int) -> float:
        try:
            return convert(value, src, dst)
        except IncompatibleUnitError as exc:
            raise _Fail(pos, "one dimension", error=exc) from None

    def _make_range(
        self,
        lo: _Value,
        lo_closed: bool,
        hi: _Value,
        hi_closed: bool,
        pos: int,
        *,
        ordered: bool,
    ) -> Target:
        if lo.kind != hi.kind:
            raise _Fail(pos, f"both ends {_KIND_NAMES[lo.kind]}s")
        if lo.kind == "label":
            if lo.scale != hi.scale:
                raise _Fail(pos, "both labels from one scale")
            if not ordered and lo.lo > hi.lo:  # 优至良: the better label may come first
                lo, hi, lo_closed, hi_closed = hi, lo, hi_closed, lo_closed
        if lo.qualifier and hi.qualifier and lo.qualifier != hi.qualifier:
            raise _Fail(pos, "one place name for both ranks")
        qualifier = lo.qualifier or hi.qualifier
        x = _end_of(lo, lower=True, closed=lo_closed)
        y = _end_of(hi, lower=False, closed=hi_closed)
        unit = lo.unit or hi.unit
        if lo.unit is not None and hi.unit is not None and lo.unit != hi.unit:
            y = self._convert(y, hi.unit, lo.unit, pos + 1)
        if y < x or (y == x and not (lo_closed and hi_closed)):
            raise _Fail(pos, "the lower end of the range first, and a non-empty range")
        return self._make(
            Comparator.RANGE,
            x,
            unit,
            upper=y,
            lower_closed=lo_closed,
            upper_closed=hi_closed,
            scale=lo.scale,
            qualifier=qualifier,
        )

    def _bracket(self) -> Target:
        s = self.s
        n = len(s)
        candidates: list[Target] = []
        failures: list[_Fail] = []
        splits = [i for i in range(2, n - 2) if s[i] in ",;"]
        if len(splits) > _MAX_SPLITS:
            raise _Fail(1, "two values separated by one comma, as in [95%,105%]")
        for i in splits:
            try:
                candidates.append(self._bracket_split(i))
            except _Fail as fail:
                failures.append(fail)
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            raise _Fail(1, "two values separated by one comma (write [1000,2000])")
        if failures:
            raise max(failures, key=lambda f: f.priority)
        raise _Fail(1, "two values separated by a comma, as in [95%,105%]")

    def _bracket_split(self, i: int) -> Target:
        s = self.s
        n = len(s)
        lo_closed, hi_closed = s[0] == "[", s[-1] == "]"
        lo_text, hi_text = s[1:i], s[i + 1 : n - 1]
        lo_inf = lo_text in ("-∞", "-inf")
        hi_inf = hi_text in ("∞", "+∞", "inf", "+inf")
        if (lo_inf and lo_closed) or (hi_inf and hi_closed):
            raise _Fail(
                0 if lo_inf else n - 1, "an open bracket at infinity, as in [90%,+∞)"
            )
        if lo_inf and hi_inf:
            raise _Fail(1, "at least one finite end")
        if hi_inf:
            value = self.value(1, i, "", "")
            comparator = Comparator.GE if lo_closed else Comparator.GT
            return self._one(_Clause(comparator, value))
        if lo_inf:
            value = self.value(i + 1, n - 1, "", "")
            comparator = Comparator.LE if hi_closed else Comparator.LT
            return self._one(_Clause(comparator, value))
        lo = self.value(1, i, "", "")
        hi = self.value(i + 1, n - 1, "", "")
        return self._make_range(lo, lo_closed, hi, hi_closed, i, ordered=False)

    # -- two clauses: 60分以上70分以下, ≥90%且≤110% -----------------------------------
    def _compound(self) -> Target:
        s, syntax = self.s, self.syntax
        n = len(s)
        failures: list[_Fail] = []
        tries = 0
        for i in range(1, n - 1):
            splits: list[int] = [i + len(c) for c in _CONNECTORS if s.startswith(c, i)]
            if (
                s[i] in _SYMBOLS
                or any(s[i : i + k] in syntax._prefix for k in syntax._prefix_lengths)  # noqa: SLF001
                or any(s[i - k : i] in syntax._suffix for k in syntax._suffix_lengths)  # noqa: SLF001
            ):
                splits.append(i)
            for j in splits:
                if j >= n:
                    continue
                tries += 1
                if tries > _MAX_PAIRS:
                    raise _Fail(i, "two conditions such as 60分以上70分以下")
                try:
                    return self._pair(self._clause(0, i), self._clause(j, n), i)
                except _Fail as fail:
                    failures.append(fail)
        if not failures:
            raise _Fail(-1, "two conditions such as 60分以上70分以下")
        raise max(failures, key=lambda f: f.priority)

    def _pair(self, first: _Clause, second: _Clause, pos: int) -> Target:
        lower = (Comparator.GE, Comparator.GT)
        upper = (Comparator.LE, Comparator.LT)
        if first.comparator in upper and second.comparator in lower:
            first, second = second, first
        if first.comparator not in lower or second.comparator not in upper:
            raise _Fail(pos, "a lower bound and an upper bound (60分以上70分以下)")
        return self._make_range(
            first.value,
            first.comparator is Comparator.GE,
            second.value,
            second.comparator is Comparator.LE,
            pos,
            ordered=True,
        )
