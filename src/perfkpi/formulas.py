"""Formulas over named raw inputs, read by a small safe evaluator (no ``eval``).

An indicator's actual is often computed from raw figures: 预算执行率 is
``实际支出 / 预算数``, 三公经费变动率 ``(本年 − 上年) / 上年``.  A formula is
text; :func:`parse_formula` reads it with its own tokenizer and a
recursive-descent parser into a short postfix program, and
:meth:`Formula.evaluate` runs that program over a mapping of input values.
Nothing is ever passed to Python's ``eval``, and nothing but arithmetic can
happen.

The grammar::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | primary
    primary    := number ["%" | "‰"] | name | name "(" arguments ")"
                | "(" expression ")"
    arguments  := expression ("," expression)*

Full-width characters are read as their ASCII forms, so ``（`` is ``(`` and
``，`` is ``,``; other characters that only look like a digit or an operator
(``²``, ``①``, ``₃``, ``½``) are a :class:`FormulaError` naming the character
and its position, never a digit (``a×10²`` would otherwise read as 102·a).
``×`` and ``·`` multiply, ``÷`` divides and ``−`` (U+2212)
subtracts.  A number may end in ``%`` (``95%`` is 0.95) or ``‰``; thousands
separators are not allowed, since the comma separates arguments.  Names are
words (Chinese or Latin letters, digits after the first character, ``_``, and
the quotes of “三公”).  The functions are ``min``, ``max``, ``sum``, ``mean``
and ``abs``.

Inputs may be numbers or arrays, and every operation broadcasts, so the same
formula computes one entity or a million.  ``sum``, ``mean``, ``min`` and
``max`` with one argument reduce it over its last axis (twelve monthly figures
give one value); with several arguments they work element by element.  In
:meth:`Formula.evaluate_batch` the first axis of every input is the entity: a
one-dimensional input is one number per entity (a reduction leaves it as it
is) and a two-dimensional one a list per entity (reduced along its rows).

Examples
--------
>>> from perfkpi.formulas import evaluate_formula, parse_formula
>>> evaluate_formula("实际支出 / 预算数", {"实际支出": 8600, "预算数": 8000})
1.075
>>> evaluate_formula("(本年 − 上年) / 上年", {"本年": 95, "上年": 100})
-0.05
>>> f = parse_formula("mean(月度执行率)")
>>> f.names
('月度执行率',)
>>> f.evaluate({"月度执行率": [0.99, 1.0, 1.01]})
1.0
>>> evaluate_formula("实际支出 / 预算数", {"实际支出": 5, "预算数": 0})
Traceback (most recent call last):
...
perfkpi.formulas.FormulaZeroDivisionError: division by zero in '实际支出 / 预算数'
at character 5 (预算数 is 0)
"""

from __future__ import annotations

import decimal
import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import attrs
import numpy as np

from perfkpi.deductions import Data
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import _fold_char, parse_quantity
from perfkpi.units import Unit

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Formula",
    "FormulaError",
    "FormulaResult",
    "FormulaZeroDivisionError",
    "as_actual",
    "as_fraction",
    "compute_actuals",
    "evaluate_formula",
    "formula_of",
    "normalise_name",
    "parse_formula",
    "reading_unit",
]

MAX_LENGTH = 4096
"""Formulas longer than this many characters are refused."""

MAX_DEPTH = 64
"""The deepest nesting of parentheses, signs and calls a formula may have."""


class FormulaError(ValueError, PerfKPIError):
    """A formula cannot be read, or its inputs cannot be used.

    Parameters
    ----------
    formula
        The formula as given.
    position
        The 0-based character position of the problem, or ``None`` when the
        problem is not at one place (an input of the wrong type).
    problem
        What is wrong and what was expected.
    detail
        More about it: what came, the element of an array, a suggestion.
    """

    def __init__(
        self, formula: str, position: int | None, problem: str, detail: str = ""
    ) -> None:
        self.formula = formula
        self.position = position
        self.problem = problem
        self.detail = detail
        super().__init__(formula, position, problem, detail)

    def __str__(self) -> str:
        where = "" if self.position is None else f" at character {self.position}"
        more = f" ({self.detail})" if self.detail else ""
        return f"{self.problem} in {self.formula!r}{where}{more}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.formula, self.position, self.problem, self.detail))


class FormulaZeroDivisionError(FormulaError, ZeroDivisionError):
    """A formula divided by zero (for arrays: in at least one element)."""


# -- reading ---------------------------------------------------------------------

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
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"(?:[^\W\d]|[“”‘’])(?:\w|[“”‘’])*")
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
    """
    return "".join(_normalise(name)[0].split())


class _Token(NamedTuple):
    kind: Literal["number", "name", "op", "end"]
    text: str
    position: int
    value: float = 0.0


def _tokens(formula: str) -> list[_Token]:
    norm, where = _normalise(formula, formula)
    tokens: list[_Token] = []
    i = 0
    while i < len(norm):
        char = norm[i]
        if char.isspace():
            i += 1
            continue
        if char in _OPERATORS:
            tokens.append(_Token("op", _OPERATORS[char], where[i]))
            i += 1
            continue
        number = _NUMBER.match(norm, i)
        if number is not None:
            end = number.end()
            scale = decimal.Decimal(1)
            if end < len(norm) and norm[end] in _PERCENT:
                scale = _PERCENT[norm[end]]
                end += 1
            try:
                value = float(decimal.Decimal(number.group()) * scale)
            except ArithmeticError:  # decimal.Overflow: an exponent beyond 10**999999
                value = math.inf
            if not math.isfinite(value):
                raise FormulaError(formula, where[i], "number too large")
            tokens.append(_Token("number", norm[i:end], where[i], value))
            i = end
            continue
        name = _NAME.match(norm, i)
        if name is not None:
            tokens.append(_Token("name", name.group(), where[i]))
            i = name.end()
            continue
        raise FormulaError(
            formula,
            where[i],
            f"unexpected character {char!r}",
            "expected a number, a name, an operator + − × ÷ or a parenthesis",
        )
    tokens.append(_Token("end", "", len(formula)))
    return tokens


# A program is a tuple of steps run on a stack.  A step is (operation, argument,
# character position, number of operands): operation "number" pushes the
# argument, "name" pushes the input of that name, "neg" and the four operators
# pop their operands and push the result, "call" applies the function named by
# the argument to the top operands.
_Step = tuple[str, object, int, int]

_REDUCE: dict[str, Callable[..., np.ndarray]] = {
    "sum": np.sum,
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
}
FUNCTIONS = ("abs", "max", "mean", "min", "sum")
"""The functions a formula may call."""


class _Parser:
    def __init__(self, formula: str) -> None:
        self.formula = formula
        self.tokens = _tokens(formula)
        self.i = 0
        self.steps: list[_Step] = []
        self.names: dict[str, None] = {}

    @property
    def token(self) -> _Token:
        return self.tokens[self.i]

    def fail(self, expected: str) -> FormulaError:
        token = self.token
        got = "the end" if token.kind == "end" else repr(token.text)
        return FormulaError(
            self.formula, token.position, f"expected {expected}", f"got {got}"
        )

    def program(self) -> tuple[tuple[_Step, ...], tuple[str, ...]]:
        self.expression(0)
        if self.token.kind != "end":
            raise self.fail("an operator + − × ÷ or the end")
        return tuple(self.steps), tuple(self.names)

    def expression(self, depth: int) -> None:
        self.term(depth)
        while self.token.kind == "op" and self.token.text in "+-":
            op = self.token
            self.i += 1
            self.term(depth)
            self.steps.append((op.text, "", op.position, 2))

    def term(self, depth: int) -> None:
        self.unary(depth)
        while self.token.kind == "op" and self.token.text in "*/":
            op = self.token
            self.i += 1
            self.unary(depth)
            self.steps.append((op.text, "", op.position, 2))

    def unary(self, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise FormulaError(
                self.formula,
                self.token.position,
                "nested too deeply",
                f"at most {MAX_DEPTH} levels",
            )
        token = self.token
        if token.kind == "op" and token.text in "+-":
            self.i += 1
            self.unary(depth + 1)
            if token.text == "-":
                self.steps.append(("neg", "", token.position, 1))
            return
        self.primary(depth)

    def primary(self, depth: int) -> None:
        token = self.token
        if token.kind == "number":
            self.i += 1
            self.steps.append(("number", token.value, token.position, 0))
            return
        if token.kind == "name":
            self.i += 1
            if self.token.kind == "op" and self.token.text == "(":
                self.call(token, depth)
                return
            self.names.setdefault(token.text)
            self.steps.append(("name", token.text, token.position, 0))
            return
        if token.kind == "op" and token.text == "(":
            self.i += 1
            self.expression(depth + 1)
            if not (self.token.kind == "op" and self.token.text == ")"):
                raise self.fail("')'")
            self.i += 1
            return
        raise self.fail("a number, a name or '('")

    def call(self, name: _Token, depth: int) -> None:
        function = name.text.lower()
        if function not in FUNCTIONS:
            close = difflib.get_close_matches(function, FUNCTIONS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise FormulaError(
                self.formula,
                name.position,
                f"unknown function {name.text!r}",
                f"expected one of {', '.join(FUNCTIONS)}{hint}",
            )
        self.i += 1  # the "("
        count = 0
        while True:
            self.expression(depth + 1)
            count += 1
            if self.token.kind == "op" and self.token.text == ",":
                self.i += 1
                continue
            if self.token.kind == "op" and self.token.text == ")":
                self.i += 1
                break
            raise self.fail("',' or ')'")
        if function == "abs" and count != 1:
            raise FormulaError(
                self.formula, name.position, "abs takes one argument", f"got {count}"
            )
        self.steps.append(("call", function, name.position, count))


# -- running -------------------------------------------------------------------


@attrs.frozen(eq=False)
class _Value:
    """A value on the stack, with the elements already spoilt and why."""

    value: np.ndarray
    bad: np.ndarray
    reason: np.ndarray


def _blank(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(shape, dtype=bool), np.full(shape, "", dtype=object)


def _first(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.where(a != "", a, b)
    return out


@attrs.frozen
class FormulaResult:
    """The result of a formula over arrays: values, and NaN with a reason.

    Attributes
    ----------
    values
        The results; NaN where an element could not be computed.
    reasons
        An array of the same shape: ``""`` for a computed element, else why
        it is NaN (``"division by zero at character 5 (预算数 is 0)"``).
    """

    values: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal))
    reasons: np.ndarray = attrs.field(eq=attrs.cmp_using(eq=np.array_equal))

    @property
    def ok(self) -> np.ndarray:
        """Which elements were computed."""
        out: np.ndarray = self.reasons == ""
        return out


def _input_array(formula: str, name: str, value: object) -> np.ndarray:
    if isinstance(value, str):
        try:
            quantity = parse_quantity(value)
        except PerfKPIError as exc:
            msg = f"input {name!r} is not a number"
            raise FormulaError(formula, None, msg, str(exc)) from None
        if quantity.unit is None:
            return np.asarray(quantity.value, dtype=np.float64)
        if quantity.unit.dimension != "ratio":
            msg = f"input {name!r} is written in {quantity.unit.symbol}"
            why = "inputs are plain numbers or percentages such as '95%'"
            raise FormulaError(formula, None, msg, why)
        return np.asarray(as_fraction(quantity.value, quantity.unit.factor))
    if isinstance(value, bool) or not isinstance(
        value, int | float | np.number | np.ndarray | list | tuple
    ):
        msg = f"input {name!r} must be a number or an array of numbers"
        raise FormulaError(formula, None, msg, f"got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        msg = f"input {name!r} must be a number or a rectangular array of numbers"
        raise FormulaError(formula, None, msg) from None
    if isinstance(value, np.ndarray) and value.dtype == np.bool_:
        msg = f"input {name!r} must be numbers, not booleans"
        raise FormulaError(formula, None, msg)
    return array


def as_fraction(value: float, factor: float) -> float:
    """Return ``value × factor`` computed in decimal (95 % is 0.95, not 0.9500…1)."""
    return float(decimal.Decimal(repr(value)) * decimal.Decimal(repr(factor)))


def _missing_reason(name: str) -> str:
    return f"input {name} is missing (NaN)"


@attrs.frozen
class Formula:
    """A parsed formula: its text, the input names it uses, and its program.

    Build one with :func:`parse_formula`.  Two formulas are equal when their
    texts are; ``str(formula)`` is the text, which parses back to an equal
    formula.

    Attributes
    ----------
    text
        The formula as written.
    names
        The input names it uses, in order of first appearance (NFKC form).
    """

    text: str
    names: tuple[str, ...] = attrs.field(eq=False)
    _steps: tuple[_Step, ...] = attrs.field(eq=False, repr=False)

    def __str__(self) -> str:
        return self.text

    def evaluate(self, inputs: Mapping[str, object]) -> float | np.ndarray:
        """Compute the formula, raising at the first problem.

        Parameters
        ----------
        inputs
            A value for each name: a number, a percentage text (``"95%"``), or
            an array (list) of numbers.  Names are matched in NFKC form.

        Returns
        -------
        float or numpy.ndarray
            A float when the result has one element and no input was an array
            of more; otherwise an array.

        Raises
        ------
        FormulaError
            For a missing name (with the nearest known name), an input that is
            not a number, inputs whose shapes do not broadcast, a non-finite
            input, or a result too large for a float.
        FormulaZeroDivisionError
            For a division by zero, naming the formula, the position of the
            ``/`` and (for arrays) the first element.

        Examples
        --------
        >>> from perfkpi.formulas import parse_formula
        >>> rate = parse_formula("满意人数 / 有效调查人数")
        >>> rate.evaluate({"满意人数": 475, "有效调查人数": 500})
        0.95
        >>> rate.evaluate({"满意人数": [475, 300], "有效调查人数": [500, 400]})
        array([0.95, 0.75])
        """
        result = self._run(inputs, strict=True, batch=False)
        return _plain(result.values)

    def evaluate_batch(self, inputs: Mapping[str, object]) -> FormulaResult:
        """Compute the formula element by element, never stopping half-way.

        An element that divides by zero, overflows or has a NaN input is NaN in
        the result, with the reason in :attr:`FormulaResult.reasons`.  Problems
        that concern the whole formula (an unknown name, shapes that do not
        broadcast) still raise :class:`FormulaError`.

        Examples
        --------
        >>> from perfkpi.formulas import parse_formula
        >>> out = parse_formula("(本年 - 上年) / 上年").evaluate_batch(
        ...     {"本年": [110, 90, 5], "上年": [100, 100, 0]})
        >>> out.values
        array([ 0.1, -0.1,  nan])
        >>> out.reasons[2]
        'division by zero at character 10 (上年 is 0)'
        """
        return self._run(inputs, strict=False, batch=True)

    def _lookup(self, inputs: Mapping[str, object]) -> dict[str, np.ndarray]:
        table: dict[str, object] = {}
        for key, value in inputs.items():
            if isinstance(key, str):
                table.setdefault(normalise_name(key), value)
        out: dict[str, np.ndarray] = {}
        for name in self.names:
            if name not in table:
                known = sorted(table)
                close = difflib.get_close_matches(name, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                given = ", ".join(known) if known else "none"
                position = next(s[2] for s in self._steps if s[1] == name)
                msg = f"unknown name {name!r}"
                raise FormulaError(
                    self.text, position, msg, f"inputs given: {given}{hint}"
                )
            out[name] = _input_array(self.text, name, table[name])
        return out

    def _run(
        self, inputs: Mapping[str, object], *, strict: bool, batch: bool
    ) -> FormulaResult:
        if not isinstance(inputs, Mapping):
            msg = "inputs must be a mapping of name to value"  # type: ignore[unreachable]
            raise FormulaError(self.text, None, msg, f"got {inputs!r}")
        values = self._lookup(inputs)
        stack: list[_Value] = []
        with np.errstate(all="ignore"):
            for step in self._steps:
                stack.append(
                    self._step(step, stack, values, strict=strict, batch=batch)
                )
        (result,) = stack
        out = np.where(result.bad, np.nan, result.value)
        return FormulaResult(out, result.reason)

    def _step(
        self,
        step: _Step,
        stack: list[_Value],
        values: Mapping[str, np.ndarray],
        *,
        strict: bool,
        batch: bool,
    ) -> _Value:
        op, arg, pos, count = step
        if op == "number":
            bad, reason = _blank(())
            return _Value(np.asarray(arg, dtype=np.float64), bad, reason)
        if op == "name":
            name = str(arg)
            value = values[name]
            bad = ~np.isfinite(value)
            if strict and bad.any():
                msg = f"input {name!r} is not finite"
                raise FormulaError(self.text, pos, msg, _where(bad))
            reason = np.where(bad, _missing_reason(name), "").astype(object)
            return _Value(value, bad, reason)
        if op == "neg":
            a = stack.pop()
            return _Value(-a.value, a.bad, a.reason)
        if op == "call":
            args = stack[len(stack) - count :]
            del stack[len(stack) - count :]
            return self._call(str(arg), args, pos, strict=strict, batch=batch)
        b = stack.pop()
        a = stack.pop()
        try:
            shape = np.broadcast_shapes(a.value.shape, b.value.shape)
        except ValueError:
            msg = f"shapes {a.value.shape} and {b.value.shape} do not broadcast"
            raise FormulaError(self.text, pos, msg) from None
        bad = a.bad | b.bad
        reason = _first(a.reason, b.reason)
        if op == "+":
            value = a.value + b.value
        elif op == "-":
            value = a.value - b.value
        elif op == "*":
            value = a.value * b.value
        else:
            zero = np.broadcast_to(b.value == 0, shape) & ~bad
            if zero.any():
                what = self._describe_divisor(pos)
                if strict:
                    detail = "; ".join(d for d in (what, _where(zero)) if d)
                    raise FormulaZeroDivisionError(
                        self.text, pos, "division by zero", detail
                    )
                why = f"division by zero at character {pos}"
                why += f" ({what})" if what else ""
                reason = _first(reason, np.where(zero, why, "").astype(object))
                bad = bad | zero
            value = a.value / np.where(b.value == 0, 1.0, b.value)
        return self._checked(value, bad, reason, pos, strict=strict)

    def _checked(
        self,
        value: np.ndarray,
        bad: np.ndarray,
        reason: np.ndarray,
        pos: int,
        *,
        strict: bool,
    ) -> _Value:
        value = np.asarray(value, dtype=np.float64)
        bad = np.broadcast_to(bad, value.shape)
        reason = np.broadcast_to(reason, value.shape)
        overflow = ~np.isfinite(value) & ~bad
        if overflow.any():
            if strict:
                msg = "result too large for a number"
                raise FormulaError(self.text, pos, msg, _where(overflow))
            why = f"result too large at character {pos}"
            reason = _first(reason, np.where(overflow, why, "").astype(object))
            bad = bad | overflow
        return _Value(value, np.array(bad), np.array(reason, dtype=object))

    def _call(
        self, function: str, args: list[_Value], pos: int, *, strict: bool, batch: bool
    ) -> _Value:
        if function == "abs":
            (a,) = args
            return _Value(np.abs(a.value), a.bad, a.reason)
        if len(args) == 1:
            (a,) = args
            # a batch's first axis is the entities: a 1-D input is one number each
            if a.value.ndim == 0 or (batch and a.value.ndim == 1):
                return a
            if a.value.shape[-1] == 0:
                if function == "sum":
                    zeros = np.zeros(a.value.shape[:-1])
                    bad, reason = _blank(zeros.shape)
                    return _Value(zeros, bad, reason)
                msg = f"{function} of no values"
                raise FormulaError(self.text, pos, msg)
            value = _REDUCE[function](np.where(a.bad, 0.0, a.value), axis=-1)
            bad = np.any(a.bad, axis=-1)
            reason = np.full(bad.shape, "", dtype=object)
            for index in zip(*np.nonzero(a.bad), strict=True):
                row = tuple(index[:-1])
                if reason[row] == "":
                    reason[row] = a.reason[tuple(index)]
            return self._checked(value, bad, reason, pos, strict=strict)
        try:
            shape = np.broadcast_shapes(*(a.value.shape for a in args))
        except ValueError:
            shapes = ", ".join(str(a.value.shape) for a in args)
            msg = f"arguments of {function} do not broadcast"
            raise FormulaError(self.text, pos, msg, f"shapes {shapes}") from None
        stacked = np.stack([np.broadcast_to(a.value, shape) for a in args])
        bad = np.any(np.stack([np.broadcast_to(a.bad, shape) for a in args]), axis=0)
        reason = np.full(shape, "", dtype=object)
        for a in args:
            reason = _first(reason, np.broadcast_to(a.reason, shape))
        value = _REDUCE[function](stacked, axis=0)
        return self._checked(value, bad, reason, pos, strict=strict)

    def _describe_divisor(self, pos: int) -> str:
        """Name the divisor when it is a single name (``上年``)."""
        steps = self._steps
        index = next(i for i, s in enumerate(steps) if s[0] == "/" and s[2] == pos)
        before = self._steps[index - 1]
        if before[0] == "name":
            return f"{before[1]} is 0"
        return ""


def _where(mask: np.ndarray) -> str:
    if mask.ndim == 0:
        return ""
    first = tuple(int(i) for i in np.argwhere(mask)[0])
    index = first[0] if len(first) == 1 else first
    return f"element {index}"


def _plain(values: np.ndarray) -> float | np.ndarray:
    if values.ndim == 0:
        return float(values)
    return values


def parse_formula(text: str) -> Formula:
    """Read a formula.

    Raises
    ------
    FormulaError
        With the character position and what was expected there, for text
        that is not a formula, an unknown function, or a formula longer than
        :data:`MAX_LENGTH` or nested deeper than :data:`MAX_DEPTH`.

    Examples
    --------
    >>> from perfkpi.formulas import parse_formula
    >>> parse_formula(
    ...     "(上年结转 + 年初预算 + 追加 − 年末结余) / (上年结转 + 年初预算 + 追加)"
    ... ).names
    ('上年结转', '年初预算', '追加', '年末结余')
    >>> spent = parse_formula("实际支出 ÷ 预算数 × 100%")
    >>> spent.evaluate({"实际支出": 9, "预算数": 10})
    0.9
    >>> parse_formula("实际支出 / ")
    Traceback (most recent call last):
    ...
    perfkpi.formulas.FormulaError: expected a number, a name or '(' in '实际支出 / '
    at character 7 (got the end)
    """
    if not isinstance(text, str):
        msg = "a formula is text"  # type: ignore[unreachable]
        raise FormulaError(repr(text), None, msg, f"got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        msg = f"formula is {len(text)} characters long"
        raise FormulaError(text[:40] + "…", None, msg, f"at most {MAX_LENGTH}")
    steps, names = _Parser(text).program()
    return Formula(text, names, steps)


def evaluate_formula(text: str, inputs: Mapping[str, object]) -> float | np.ndarray:
    """Read *text* as a formula and compute it over *inputs*.

    A shortcut for ``parse_formula(text).evaluate(inputs)``; see
    :meth:`Formula.evaluate`.

    Examples
    --------
    >>> from perfkpi.formulas import evaluate_formula
    >>> evaluate_formula("(计划成本 − 实际成本) / 计划成本",
    ...                  {"计划成本": 200, "实际成本": 180})
    0.1
    >>> evaluate_formula("max(本年, 上年)", {"本年": [1, 5], "上年": [3, 2]})
    array([3., 5.])
    """
    return parse_formula(text).evaluate(inputs)


# -- formula indicators in a scheme ----------------------------------------------


def formula_of(node: Node) -> Formula | None:
    """Return the parsed formula of a scheme node's indicator, if it has one.

    Raises
    ------
    FormulaError
        If the indicator's formula cannot be read.
    """
    if node.indicator is None or not node.indicator.formula:
        return None
    return parse_formula(node.indicator.formula)


def reading_unit(scheme: Scheme, code: str) -> Unit | None:
    """Return the unit node *code* reads its actual in: its target's, or its bands'."""
    node = scheme.node(code)
    if node.target is not None:
        return node.target.unit
    bands: tuple[Any, ...] = getattr(scheme.rule(code), "bands", ())
    if bands:
        unit: Unit | None = bands[0].when.unit
        return unit
    return None


def as_actual(value: float, unit: Unit | None) -> float:
    """Express a formula's result in the unit its node reads actuals in.

    A ratio unit (``%``, ``‰``) reads the result as a fraction: 0.998 is
    99.8 %.  Any other unit takes the number as it is.
    """
    if unit is None or unit.dimension != "ratio":
        return value
    exact = decimal.Decimal(repr(value)) / decimal.Decimal(repr(unit.factor))
    return float(exact)


def _node_inputs(
    data: Data, codes: Iterable[str]
) -> tuple[dict[str, object], dict[str, Mapping[str, object]]]:
    shared: dict[str, object] = {}
    per_node: dict[str, Mapping[str, object]] = {}
    known = set(codes)
    for key, value in data.inputs.items():
        if isinstance(value, Mapping) and key in known:
            per_node[key] = value
        elif isinstance(value, Mapping):
            msg = f"inputs for unknown node {key!r}"
            raise DataError(f"inputs.{key}", msg)
        else:
            shared[key] = value
    return shared, per_node


def compute_actuals(scheme: Scheme, data: Data) -> Data:
    """Compute the actuals of formula nodes from the data's raw inputs.

    A node computes its actual when its indicator has a formula and the data
    gives inputs for it: under ``inputs["1.2"]`` (the node's own) or in the
    flat ``inputs`` table (shared by every formula node).  An actual given
    directly wins when the node has no inputs of its own; giving both an
    actual and the node's own inputs is an error unless they agree, so that
    computing twice gives the same data.  Against a target in a ratio unit
    (``%``, ``‰``) the formula's result is a fraction: 0.998 is 99.8 %.  Other
    units take the number as it is.

    Parameters
    ----------
    scheme
        The :class:`~perfkpi.scheme.Scheme` whose nodes carry the formulas.
    data
        The entity's data, with its ``inputs``.

    Returns
    -------
    Data
        *data* with the computed actuals added (the inputs are kept).

    Raises
    ------
    DataError
        Naming the node, for inputs of an unknown node, an actual given
        twice, a missing input, a division by zero or a result that is not
        one number.

    Examples
    --------
    >>> from perfkpi import Data, Node, Proportional, Scheme
    >>> from perfkpi.formulas import compute_actuals
    >>> from perfkpi.indicators import Indicator
    >>> rate = Indicator("r", "预算执行率", unit="%", formula="实际支出 / 预算数")
    >>> scheme = Scheme.from_nodes("s", "示例", [
    ...     Node("1", "预算执行率", points=100, target="≥100%",
    ...          rule=Proportional(), indicator=rate)])
    >>> data = Data(inputs={"1": {"实际支出": 95, "预算数": 100}})
    >>> compute_actuals(scheme, data).actuals["1"]
    95.0
    """
    nodes = {n.code: n for n in scheme.nodes}
    shared, per_node = _node_inputs(data, nodes)
    actuals = dict(data.actuals)
    for code, node in nodes.items():
        where = f"inputs.{code}" if code in per_node else code
        try:
            formula = formula_of(node)
        except FormulaError as exc:
            raise DataError(code, f"formula: {exc}") from None
        if formula is None:
            if code in per_node:
                raise DataError(where, f"node {code} has no formula to take inputs")
            continue
        own = per_node.get(code, {})
        table = {normalise_name(k): v for k, v in shared.items()}
        table.update({normalise_name(k): v for k, v in own.items()})
        present = [n for n in formula.names if n in table]
        if not own and (not present or code in actuals):
            continue  # no inputs for this node: its actual comes as given
        missing = [n for n in formula.names if n not in table]
        if missing:
            msg = f"missing input {', '.join(map(repr, missing))} for {formula.text!r}"
            raise DataError(where, msg)
        try:
            value = formula.evaluate(table)
        except FormulaError as exc:
            raise DataError(where, str(exc)) from None
        if isinstance(value, np.ndarray):
            msg = (
                f"{formula.text!r} gives {value.size} values, not one "
                "(reduce a list with sum, mean, min or max)"
            )
            raise DataError(where, msg)
        computed = as_actual(value, reading_unit(scheme, code))
        if code in actuals and actuals[code] != computed:
            # the same inputs computed again agree: compute_actuals is idempotent
            msg = (
                f"both an actual ({actuals[code]!r}) and inputs giving "
                f"{computed!r}; give one"
            )
            raise DataError(where, msg)
        actuals[code] = computed
    return attrs.evolve(data, actuals=actuals)
