"""Reading one value (a number, a label, a date, a rank) of a normalised text."""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import difflib
import math

from perfkpi.targets._lexicon import (
    _CN_DIGITS,
    _CN_NUMBER,
    _CN_POWERS,
    _DATE_DAY,
    _DATE_HALF,
    _DATE_ISO,
    _DATE_MONTH,
    _DATE_MONTH_END,
    _DATE_YEAR,
    _DATE_YEAR_END,
    _GENERIC,
    _MAX_QUALIFIER,
    _MULTIPLIERS,
    _NUMBER,
    _PERCENT_WORDS,
    _RANK,
    _RANK_HINT,
    _TWO_WAYS,
    _cn_int,
    _valid_qualifier,
    _Value,
    _year_of,
)
from perfkpi.targets._normalise import _DIGITS, _Fail
from perfkpi.targets._syntax import _WITHIN, TargetSyntax
from perfkpi.targets._values import Direction, _key
from perfkpi.units import (
    DATE_UNIT,
    RANK_UNIT,
    Unit,
)


class _ValueReader:
    """Read the values of one normalised text; positions are in the normalised text."""

    __slots__ = ("direction", "extra", "s", "syntax", "text", "year")

    def __init__(
        self,
        text: str,
        norm: str,
        syntax: TargetSyntax,
        direction: Direction,
        year: int | None,
        extra: Unit | None = None,
    ) -> None:
        self.text = text
        self.s = norm
        self.syntax = syntax
        self.direction = direction
        self.year = year
        self.extra = extra

    # -- one value ---------------------------------------------------------------
    def value(self, a: int, b: int, prefix_word: str, suffix_word: str) -> _Value:
        s = self.s
        body = s[a:b]
        if not body:
            after = f" after {prefix_word!r}" if prefix_word else ""
            raise _Fail(a, "a value" + after)
        label = self.syntax._labels.get(body)  # noqa: SLF001
        if label is not None:
            return _Value("label", label[1], label[1], scale=label[0])
        if _RANK_HINT.search(body):
            rank = self._rank(a, b)
            if rank is not None:
                return rank
        if "年" in body or "月" in body or (len(body) >= 8 and body[4] in "-/."):  # noqa: PLR2004
            date = self._date(a, b, prefix_word, suffix_word)
            if date is not None:
                return date
        first = body[0]
        if not (
            first in _DIGITS
            or first in "+-.半"
            or first in _CN_DIGITS
            or first in _CN_POWERS
            or body.startswith(("百分之", "千分之", "万分之"))
        ):
            raise _Fail(a, _GENERIC + self._label_hint(body))
        return self._quantity(a, b)

    def _label_hint(self, body: str) -> str:
        if len(body) > 2 * _MAX_QUALIFIER:  # no label is this long
            return ""
        labels = list(self.syntax._labels)  # noqa: SLF001
        close = difflib.get_close_matches(body, labels, n=1, cutoff=0.6)
        return f"; did you mean {close[0]!r}?" if close else ""

    def _number(self, a: int, b: int) -> tuple[decimal.Decimal | float, int]:
        s = self.s
        match = _NUMBER.match(s, a, b)
        if match is not None:
            p = match.end()
            if p < b:
                c = s[p]
                nxt = s[p + 1] if p + 1 < b else ""
                if c in "eE" and (nxt in _DIGITS or (nxt and nxt in "+-")):
                    raise _Fail(p, "a number in plain decimal notation (no exponent)")
                if c == ".":
                    raise _Fail(p, "digits after one decimal point")
                if c in _DIGITS or (c == "," and nxt in _DIGITS and nxt):
                    raise _Fail(p, "digits in groups of three after a comma (50,123)")
            text = match.group().replace(",", "")
            value = float(text)
            if not math.isfinite(value):
                raise _Fail(a, "a finite number")
            return value, p
        match = _CN_NUMBER.match(s, a, b)
        if match is not None:
            n = _cn_int(match.group())
            if n is None:
                raise _Fail(a, "a Chinese numeral such as 三, 十五 or 一百零五")
            return float(n), match.end()
        if s.startswith("半", a, b):
            return 0.5, a + 1
        if a < b and s[a] in "+-":
            raise _Fail(a + 1, "a digit after the sign")
        raise _Fail(a, "a number")

    def _quantity(self, a: int, b: int) -> _Value:
        s, units = self.s, self.syntax.units
        for word, symbol in _PERCENT_WORDS:
            if s.startswith(word, a):
                number, p = self._number(a + len(word), b)
                if p != b:
                    raise _Fail(p, f"nothing after {word}N")
                percent = units.find(symbol)
                if percent is None:
                    raise _Fail(a, f"the unit {symbol} in the registry")
                return _Value("quantity", float(number), float(number), percent)
        number, p = self._number(a, b)
        value = float(number)
        unit: Unit | None = None
        if p < b:
            rest = self._two_way(s[p:b])
            unit = units.find(rest)
            if unit is None and rest[0] == "个" and len(rest) > 1:
                unit = units.find(rest[1:])
            if (
                unit is None
                and self.extra is not None
                and _key(rest).lower()
                in {_key(x).lower() for x in (self.extra.symbol, *self.extra.aliases)}
            ):
                unit = self.extra
            if unit is None:
                value, unit = self._multiplied(value, rest, p)
        return _Value("quantity", value, value, unit)

    def _multiplied(self, value: float, rest: str, p: int) -> tuple[float, Unit | None]:
        """Read ``5万件`` as 50000 件 (and ``3万`` as 30000)."""
        units = self.syntax.units
        for word, factor in _MULTIPLIERS:
            if rest.startswith(word):
                tail = self._two_way(rest[len(word) :])
                unit = units.find(tail) if tail else None
                if tail and unit is None:
                    continue
                exact = decimal.Decimal(repr(value)) * factor
                result = float(exact)
                if not math.isfinite(result):
                    raise _Fail(p, "a finite number")
                return result, unit
        if any(ch in _DIGITS or ch in "~,;[]()±" for ch in rest):
            raise _Fail(p, "a unit such as % or 小时 after the number")
        raise _Fail(p, "a known unit", unit=rest, suggestions=units.suggest(rest))

    def _two_way(self, rest: str) -> str:
        """Read a unit word that means two things (块) by its context.

        块 is 元 in speech (5块钱) and a measure word of plots and boards (5块
        地), which is the registry's reading.  A money context reads it as 元:
        the unit of the target, for an actual, or the indicator's unit (the
        ``unit`` of :func:`parse_target`), for a target.
        """
        parts = rest.split("/")
        if not any(part in _TWO_WAYS for part in parts) or self.extra is None:
            return rest
        units = self.syntax.units
        context = self.extra.dimension.split("/")
        if len(context) != len(parts):
            return rest
        read: list[str] = []
        for part, dimension in zip(parts, context, strict=True):
            money = units.find(_TWO_WAYS.get(part, ""))
            known = units.find(part)
            if (
                money is not None
                and dimension == money.dimension
                and (known is None or known.dimension != money.dimension)
            ):
                read.append(money.symbol)
            else:
                read.append(part)
        return "/".join(read)

    def _rank(self, a: int, b: int) -> _Value | None:
        match = _RANK.fullmatch(self.s, a, b)
        if match is None:
            return None
        if match.group("first"):
            place = 1
        else:
            digits = match.group("n") or match.group("top") or match.group("top2")
            place_or_none = int(digits) if digits[0] in _DIGITS else _cn_int(digits)
            if place_or_none is None:
                raise _Fail(a, "a place such as 第一 or 第3名")
            place = place_or_none
        if place < 1:
            raise _Fail(a, "a place from 1 (第1名)")
        qualifier = match.group("q")
        if qualifier and not _valid_qualifier(qualifier):
            raise _Fail(a, "a place name such as 全市 before the rank")
        return _Value(
            "rank", float(place), float(place), RANK_UNIT, qualifier=qualifier
        )

    def _date(  # noqa: PLR0911 (one return per form of date)
        self, a: int, b: int, prefix_word: str, suffix_word: str
    ) -> _Value | None:
        s = self.s
        if m := _DATE_ISO.fullmatch(s, a, b):
            return self._day(a, int(m["y"]), int(m["m"]), int(m["d"]))
        if m := _DATE_DAY.fullmatch(s, a, b):
            return self._day(a, self._year(a, m["y"]), self._month(m["m"]), _cn(m["d"]))
        if m := _DATE_MONTH_END.fullmatch(s, a, b):
            year, month = self._year(a, m["y"]), self._month(m["m"])
            return self._day(a, year, month, self._last_day(a, year, month))
        if m := _DATE_MONTH.fullmatch(s, a, b):
            year, month = self._year(a, m["y"]), self._month(m["m"])
            first = self._day(a, year, month, 1)
            last = self._day(a, year, month, self._last_day(a, year, month))
            return first._replace(hi=last.hi, day=False)
        if m := _DATE_YEAR_END.fullmatch(s, a, b):
            return self._day(a, self._year(a, m["y"]), 12, 31)
        if m := _DATE_HALF.fullmatch(s, a, b):
            year = self._year(a, m["y"])
            if m["h"] == "上":
                first, last = self._day(a, year, 1, 1), self._day(a, year, 6, 30)
            else:
                first, last = self._day(a, year, 7, 1), self._day(a, year, 12, 31)
            return first._replace(hi=last.hi, day=False)
        if m := _DATE_YEAR.fullmatch(s, a, b):
            if (
                m["y"]
                and not m["du"]
                and not self._year_context(prefix_word, suffix_word)
            ):
                return None  # 2022年 alone is a duration of 2022 years
            year = self._year(a, m["y"])
            first, last = self._day(a, year, 1, 1), self._day(a, year, 12, 31)
            return first._replace(hi=last.hi, day=False)
        return None

    def _year_context(self, prefix_word: str, suffix_word: str) -> bool:
        if suffix_word in _WITHIN:
            return True
        rows = [
            row
            for word, table in (
                (prefix_word, self.syntax._prefix),  # noqa: SLF001
                (suffix_word, self.syntax._suffix),  # noqa: SLF001
            )
            if word and (row := table.get(word)) is not None
        ]
        return any(row[3] and not row[1] for row in rows)

    def _year(self, a: int, text: str | None) -> int:
        if text:
            return _year_of(text)
        if self.year is None:
            raise _Fail(
                a, "a year: write it (2022年底前) or pass year=2022 to parse_target"
            )
        return self.year

    def _month(self, text: str) -> int:
        return _cn(text)

    def _last_day(self, a: int, year: int, month: int) -> int:
        if not (1 <= year <= 9999 and 1 <= month <= 12):  # noqa: PLR2004
            raise _Fail(a, f"a valid date ({year}年{month}月 does not exist)")
        return calendar.monthrange(year, month)[1]

    def _day(self, a: int, year: int, month: int, day: int) -> _Value:
        try:
            ordinal = dt.date(year, month, day).toordinal()
        except ValueError:
            raise _Fail(
                a, f"a valid date ({year}年{month}月{day}日 does not exist)"
            ) from None
        return _Value("date", float(ordinal), float(ordinal), DATE_UNIT)


def _cn(text: str) -> int:
    """Read a small number written in digits or as a Chinese numeral."""
    if text[0] in _DIGITS:
        return int(text)
    value = _cn_int(text)
    return 0 if value is None else value
