"""The tokenizer of a formula: full-width forms folded, names, numbers, operators."""

from __future__ import annotations

import decimal
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Literal, NamedTuple

from perfkpi import _checks
from perfkpi.formulas._errors import FormulaError
from perfkpi.targets import _fold_char

_OPERATORS = {
    "+": "+",
    "-": "-",
    "\u2212": "-",  # minus sign
    "\u2013": "-",  # en dash
    "*": "*",
    "×": "*",
    "·": "*",
    "/": "/",
    "÷": "/",
    "(": "(",
    ")": ")",
    ",": ",",
    "、": ",",
}


# one token after optional spaces: the groups are tried in this order, and no
# two can start with the same character
_TOKEN = re.compile(
    r"\s*(?:(?P<op>[-+*/(),\u2212\u2013×·÷、])"
    r"|(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
    r"(?P<scale>[%‰])?"
    r"|(?P<name>(?:[^\W\d]|[“”‘’])(?:\w|[“”‘’])*))"
)


_SPACE = re.compile(r"\s*")


_ADDITIVE = frozenset("+-")


_MULTIPLICATIVE = frozenset("*/")


_PERCENT = {"%": decimal.Decimal("0.01"), "‰": decimal.Decimal("0.001")}


def _normalise(text: str, formula: str | None = None) -> tuple[str, Sequence[int]]:
    """Return the read form of *text*, character by character, and a position map.

    Full-width forms are their ASCII characters; a look-alike (``²``, ``①``:
    a character that NFKC alone would turn into a digit or an operator) is a
    :class:`FormulaError` when
    reading *formula*, and is kept as it is in a name (*formula* ``None``),
    where it can match nothing a formula may contain.  ``positions[i]`` is
    the index in *text* of the character that gave the ``i``-th character of
    the result.
    """
    if text.isascii():
        return text, range(len(text) + 1)
    out: list[str] = []
    positions: list[int] = []
    for i, char in enumerate(text):
        norm = _fold_char(char) if char >= "\x80" else char
        if norm is None:
            if formula is not None:
                look = unicodedata.normalize("NFKC", char)
                name = unicodedata.name(char, "a compatibility character")
                raise FormulaError(
                    formula,
                    i,
                    f"look-alike character {char!r}",
                    f"U+{ord(char):04X} {name} only looks like {look!r}; "
                    "write digits and operators as such (0-9, full-width ０-９)",
                )
            norm = char
        out.append(norm)
        positions.extend([i] * len(norm))
    positions.append(len(text))
    return "".join(out), positions


def normalise_name(name: str) -> str:
    """Return the form of an input name that formulas match.

    Full-width forms are read as ASCII (NFKC for other compatibility
    characters), spaces are dropped.

    Raises
    ------
    TypeError
        If *name* is not text.
    """
    _checks.text(name, "an input name")
    return "".join(_normalise(name)[0].split())


_name_form = functools.lru_cache(maxsize=4096)(normalise_name)
""":func:`normalise_name` of a text, remembered: the same columns come every call."""


class _Token(NamedTuple):
    kind: Literal["number", "name", "op", "end"]
    text: str
    position: int
    value: float = 0.0


def _tokens(formula: str) -> list[_Token]:
    """Split *formula* into tokens, in one left-to-right pass (linear time)."""
    norm, where = _normalise(formula, formula)
    tokens: list[_Token] = []
    append = tokens.append
    match = _TOKEN.match
    i = 0
    while True:
        found = match(norm, i)
        if found is None:
            i = _SPACE.match(norm, i).end()  # type: ignore[union-attr]
            if i == len(norm):
                break
            raise FormulaError(
                formula,
                where[i],
                f"unexpected character {norm[i]!r}",
                "expected a number, a name, an operator + − × ÷ or a parenthesis",
            )
        op, name = found["op"], found["name"]
        if op is not None:
            append(_Token("op", _OPERATORS[op], where[found.start("op")]))
        elif name is not None:
            append(_Token("name", name, where[found.start("name")]))
        else:
            append(_number(formula, found, where[found.start("number")]))
        i = found.end()
    tokens.append(_Token("end", "", len(formula)))
    return tokens


def _number(formula: str, found: re.Match[str], position: int) -> _Token:
    """Return the number token of *found*, its ``%`` or ``‰`` applied."""
    digits = found["number"]
    scale = found["scale"]
    if scale is None:
        value = float(digits)  # correctly rounded, as float(Decimal(digits)) is
        text = digits
    else:
        text = digits + scale
        try:
            value = float(decimal.Decimal(digits) * _PERCENT[scale])
        except ArithmeticError:  # decimal.Overflow: an exponent beyond 10**999999
            value = math.inf
    if not math.isfinite(value):
        raise FormulaError(formula, position, "number too large")
    return _Token("number", text, position, value)
