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
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.deductions import Data
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import _fold_char, parse_quantity
from perfkpi.units import Unit

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "PLACES",
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
"""Formulas longer than this many characters are refused, at once.

Real formulas are a few dozen characters (the longest in the bundled
indicator library has 46); the limit bounds the cost of a hostile text.
"""

MAX_DEPTH = 64
"""The deepest nesting of parentheses, signs and calls a formula may have.

Deeper text is refused at the first character beyond this depth, before the
parser's recursion could grow with it.
"""


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
    """A recursive-descent parser over the tokens, writing the postfix program.

    ``keys[i]`` is the operator of token *i* (``"+"``, ``"("`` …) or its kind
    (``"number"``, ``"name"``, ``"end"``): one list look-up per decision.
    """

    def __init__(self, formula: str) -> None:
        self.formula = formula
        self.tokens = _tokens(formula)
        self.keys = [t.text if t.kind == "op" else t.kind for t in self.tokens]
        self.i = 0
        self.steps: list[_Step] = []
        self.names: dict[str, None] = {}

    def fail(self, expected: str) -> FormulaError:
        token = self.tokens[self.i]
        got = "the end" if token.kind == "end" else repr(token.text)
        return FormulaError(
            self.formula, token.position, f"expected {expected}", f"got {got}"
        )

    def program(self) -> tuple[tuple[_Step, ...], tuple[str, ...]]:
        self.expression(0)
        if self.keys[self.i] != "end":
            raise self.fail("an operator + − × ÷ or the end")
        return tuple(self.steps), tuple(self.names)

    def expression(self, depth: int) -> None:
        self.term(depth)
        keys = self.keys
        while keys[self.i] in _ADDITIVE:
            op = self.tokens[self.i]
            self.i += 1
            self.term(depth)
            self.steps.append((op.text, "", op.position, 2))

    def term(self, depth: int) -> None:
        self.unary(depth)
        keys = self.keys
        while keys[self.i] in _MULTIPLICATIVE:
            op = self.tokens[self.i]
            self.i += 1
            self.unary(depth)
            self.steps.append((op.text, "", op.position, 2))

    def unary(self, depth: int) -> None:
        token = self.tokens[self.i]
        if depth > MAX_DEPTH:
            raise FormulaError(
                self.formula,
                token.position,
                "nested too deeply",
                f"at most {MAX_DEPTH} levels",
            )
        if self.keys[self.i] in _ADDITIVE:
            self.i += 1
            self.unary(depth + 1)
            if token.text == "-":
                self.steps.append(("neg", "", token.position, 1))
            return
        self.primary(depth)

    def primary(self, depth: int) -> None:
        token = self.tokens[self.i]
        key = self.keys[self.i]
        if key == "number":
            self.i += 1
            self.steps.append(("number", token.value, token.position, 0))
            return
        if key == "name":
            self.i += 1
            if self.keys[self.i] == "(":
                self.call(token, depth)
                return
            self.names.setdefault(token.text)
            self.steps.append(("name", token.text, token.position, 0))
            return
        if key == "(":
            self.i += 1
            self.expression(depth + 1)
            if self.keys[self.i] != ")":
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
            if self.keys[self.i] == ",":
                self.i += 1
                continue
            if self.keys[self.i] == ")":
                self.i += 1
                break
            raise self.fail("',' or ')'")
        if function == "abs" and count != 1:
            raise FormulaError(
                self.formula, name.position, "abs takes one argument", f"got {count}"
            )
        self.steps.append(("call", function, name.position, count))


# -- running -------------------------------------------------------------------


# Reasons travel as integer codes: 0 for an element that was computed, k for the
# k-th reason of the run.  Each reason's text is made once, by the step that
# finds the problem, never once per element; the array of texts is built only
# when FormulaResult.reasons is read.  A stack value whose elements were all
# computed carries no codes at all (None), and is checked for a problem with
# one reduction, so that a formula over good data costs its arithmetic and
# little more.
_CODE = np.int16  # a step gives at most two texts, and steps < MAX_LENGTH


@attrs.frozen(eq=False)
class _Value:
    """A value on the stack, with each element's reason code (``None``: all good).

    When *code* is ``None`` every element of *value* is finite.
    """

    value: np.ndarray
    code: np.ndarray | None


class _Messages:
    """The reasons of one run: a text's code is its index; code 0 is ``""``."""

    def __init__(self) -> None:
        self.texts: list[str] = [""]
        self._codes: dict[str, int] = {"": 0}

    def code(self, text: str) -> int:
        """Return the code of *text*, giving it the next one if it is new."""
        code = self._codes.get(text)
        if code is None:
            code = self._codes[text] = len(self.texts)
            self.texts.append(text)
        return code


def _all_finite(value: np.ndarray) -> bool:
    """Return whether every element of *value* is finite, in one fast pass.

    A sum is finite only if every term is (NaN and ±inf carry through a sum),
    and a sum needs no temporary array; only a sum that overflows is checked
    element by element.
    """
    return math.isfinite(np.add.reduce(value, axis=None)) or bool(
        np.isfinite(value).all()
    )


def _first(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """Return each element's first reason code: *a*'s, else *b*'s."""
    if a is None:
        return b
    if b is None:
        return a
    out: np.ndarray = np.where(a != 0, a, b)
    return out


def _mark(
    code: np.ndarray | None, where: np.ndarray, new: int, shape: tuple[int, ...]
) -> np.ndarray:
    """Return *code*, of *shape*, with *new* where *where* holds.

    *where* holds only where *code* is 0: a spoilt element keeps its first
    reason.
    """
    if code is None:
        out = np.zeros(shape, dtype=_CODE)
    else:
        out = np.array(np.broadcast_to(code, shape), dtype=_CODE)
    np.copyto(out, _CODE(new), where=where)
    return out


@attrs.frozen(eq=False)
class FormulaResult:
    """The result of a formula over arrays: values, and NaN with a reason.

    Each element's reason is an integer code into :attr:`messages`, so that a
    million good rows cost no text at all; :attr:`reasons` spells them out.
    Two results are equal when their values (NaN equal to NaN) and their
    reasons are.

    Attributes
    ----------
    values
        The results; NaN where an element could not be computed.
    codes
        An integer array of the same shape: 0 for a computed element, else
        the index in :attr:`messages` of why it is NaN.
    messages
        The reasons met, ``messages[0]`` being ``""``
        (``"division by zero at character 5 (预算数 is 0)"``).
    """

    values: np.ndarray
    codes: np.ndarray
    messages: tuple[str, ...]

    @property
    def ok(self) -> np.ndarray:
        """Which elements were computed."""
        out: np.ndarray = self.codes == 0
        return out

    @functools.cached_property
    def reasons(self) -> np.ndarray:
        """An array of the values' shape: ``""`` for a computed element, else why.

        Built from :attr:`codes` when first read (object dtype).
        """
        texts = np.empty(len(self.messages), dtype=object)
        texts[:] = self.messages
        out: np.ndarray = texts[self.codes.ravel()].reshape(self.codes.shape)
        return out

    def __eq__(self, other: object) -> bool:
        """Compare values (NaN equal to NaN) and reasons."""
        if not isinstance(other, FormulaResult):
            return NotImplemented
        return bool(
            np.array_equal(self.values, other.values, equal_nan=True)
            and np.array_equal(self.reasons, other.reasons)
        )

    __hash__ = None  # type: ignore[assignment]


def _input_array(formula: str, name: str, value: object) -> np.ndarray:
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value  # a column as a table gives it: nothing to convert
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


def _exact(value: float, what: str) -> decimal.Decimal:
    """Return the number *value* as a decimal: an integer exactly, a float as written.

    Raises
    ------
    TypeError
        If *value* is not a number.
    """
    number = _checks.number(value, what)
    if isinstance(value, int):
        return decimal.Decimal(value)
    return decimal.Decimal(repr(number))  # np.float64(0.95) as 0.95


def as_fraction(value: float, factor: float) -> float:
    """Return ``value × factor`` computed in decimal (95 % is 0.95, not 0.9500…1).

    Raises
    ------
    TypeError
        If *value* or *factor* is not a number.
    ValueError
        If one is infinite and the other zero: their product is no number.
    """
    exact = _exact(value, "the value"), _exact(factor, "the factor")
    if any(d.is_infinite() for d in exact) and any(d.is_zero() for d in exact):
        msg = f"{value!r} × {factor!r} is not a number (an infinity times zero)"
        raise ValueError(msg)
    return float(exact[0] * exact[1])


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
        the result, with the reason in :attr:`FormulaResult.reasons` (and its
        code in :attr:`FormulaResult.codes`).  Over good data the cost is the
        arithmetic's and little more (see the figures in :doc:`/formulas`);
        reasons are worked out only for a batch that has bad elements, and
        their text only once per kind of problem.

        Raises
        ------
        FormulaError
            For problems that concern the whole formula: an unknown name, an
            input that is not a number or an array of numbers, shapes that do
            not broadcast, ``min``, ``max`` or ``mean`` of no values.

        Examples
        --------
        >>> from perfkpi.formulas import parse_formula
        >>> out = parse_formula("(本年 - 上年) / 上年").evaluate_batch(
        ...     {"本年": [110, 90, 5], "上年": [100, 100, 0]})
        >>> out.values
        array([ 0.1, -0.1,  nan])
        >>> out.reasons[2]
        'division by zero at character 10 (上年 is 0)'
        >>> out.codes
        array([0, 0, 1], dtype=int16)
        >>> out.messages[1]
        'division by zero at character 10 (上年 is 0)'
        """
        return self._run(inputs, strict=False, batch=True)

    def _lookup(self, inputs: Mapping[str, object]) -> dict[str, np.ndarray]:
        table: dict[str, object] = {}
        for key, value in inputs.items():
            if isinstance(key, str):
                table.setdefault(_name_form(key), value)
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
        with np.errstate(all="ignore"):
            fast = self._fast(values, batch=batch)
            if fast is not None:
                result = _Value(fast, None)
                messages = _Messages()
            else:
                result, messages = self._careful(values, strict=strict, batch=batch)
        value = result.value
        if (
            not isinstance(value, np.ndarray)  # a NumPy scalar, from a 0-d input
            or not value.flags.writeable
            or any(value is v for v in values.values())
        ):
            value = np.array(value, dtype=np.float64)  # never the caller's array
        if result.code is None:
            codes = np.zeros(value.shape, dtype=_CODE)
        else:
            codes = result.code
            if codes.shape != value.shape:
                codes = np.array(np.broadcast_to(codes, value.shape))
            np.copyto(value, np.nan, where=codes != 0)
        return FormulaResult(value, codes, tuple(messages.texts))

    @functools.cached_property
    def _checked_steps(self) -> frozenset[int]:
        """The steps whose bad elements could vanish from the result.

        A NaN or an infinity carries through ``+ − × ÷``, a sign, ``abs``,
        ``sum`` and ``mean`` to the result, except as a divisor (``1 / inf``
        is 0) and as an argument of ``min`` or ``max`` (``min(inf, 3)`` is 3).
        """
        out: set[int] = set()
        stack: list[int] = []
        for index, (op, arg, _, count) in enumerate(self._steps):
            if op in {"number", "name"}:
                stack.append(index)
                continue
            operands = stack[len(stack) - count :]
            del stack[len(stack) - count :]
            if op == "/":
                out.add(operands[1])
            elif op == "call" and arg in {"min", "max"}:
                out.update(operands)
            stack.append(index)
        return frozenset(out)

    def _fast(
        self, values: Mapping[str, np.ndarray], *, batch: bool
    ) -> np.ndarray | None:
        """Run the program over good inputs without reasons (``None``: not so).

        Only the values of :attr:`_checked_steps` and the result are looked at,
        each in one reduction: a formula over good data costs its arithmetic
        and little more.  ``None`` when an element is not finite, or for
        anything unusual (shapes that do not broadcast, an empty value, which
        could hide a bad input broadcast to nothing), which the careful run
        then reports as it always does.
        """
        checked = self._checked_steps
        stack: list[np.ndarray] = []
        try:
            for index, (op, arg, _, count) in enumerate(self._steps):
                if op == "number":
                    out = np.asarray(arg, dtype=np.float64)
                elif op == "name":
                    out = values[str(arg)]
                elif op == "neg":
                    out = -stack.pop()
                elif op == "call":
                    args = stack[len(stack) - count :]
                    del stack[len(stack) - count :]
                    out = _fast_call(str(arg), args, batch=batch)
                else:
                    b = stack.pop()
                    a = stack.pop()
                    out = _ARITHMETIC[op](a, b)
                if out.size == 0 or (index in checked and not _all_finite(out)):
                    return None  # an empty value could hide a bad input's elements
                stack.append(out)
        except (_NotFastError, ValueError):  # ValueError: shapes that do not broadcast
            return None
        (result,) = stack
        if not _all_finite(result):
            return None
        return np.asarray(result, dtype=np.float64)

    def _careful(
        self, values: Mapping[str, np.ndarray], *, strict: bool, batch: bool
    ) -> tuple[_Value, _Messages]:
        """Run the program with a reason for every bad element (raise, if *strict*)."""
        messages = _Messages()
        stack: list[_Value] = []
        for index in range(len(self._steps)):
            stack.append(
                self._step(index, stack, values, messages, strict=strict, batch=batch)
            )
        (result,) = stack
        return result, messages

    def _step(  # noqa: PLR0911 (one return per kind of step)
        self,
        index: int,
        stack: list[_Value],
        values: Mapping[str, np.ndarray],
        messages: _Messages,
        *,
        strict: bool,
        batch: bool,
    ) -> _Value:
        op, arg, pos, count = self._steps[index]
        if op == "number":
            return _Value(np.asarray(arg, dtype=np.float64), None)
        if op == "name":
            name = str(arg)
            value = values[name]
            if math.isfinite(np.add.reduce(value, axis=None)):
                return _Value(value, None)
            bad = ~np.isfinite(value)
            if not bad.any():  # the sum overflowed
                return _Value(value, None)
            if strict:
                msg = f"input {name!r} is not finite"
                raise FormulaError(self.text, pos, msg, _where(bad))
            why = messages.code(_missing_reason(name))
            return _Value(value, _mark(None, bad, why, bad.shape))
        if op == "neg":
            a = stack.pop()
            return _Value(-a.value, a.code)
        if op == "call":
            args = stack[len(stack) - count :]
            del stack[len(stack) - count :]
            return self._call(str(arg), args, pos, messages, strict=strict, batch=batch)
        b = stack.pop()
        a = stack.pop()
        try:
            shape = a.value.shape
            if b.value.shape != shape:
                shape = np.broadcast_shapes(shape, b.value.shape)
        except ValueError:
            msg = f"shapes {a.value.shape} and {b.value.shape} do not broadcast"
            raise FormulaError(self.text, pos, msg) from None
        code: np.ndarray | None = _first(a.code, b.code)
        if op == "+":
            value = a.value + b.value
        elif op == "-":
            value = a.value - b.value
        elif op == "*":
            value = a.value * b.value
        else:
            return self._divided(index, a, b, code, messages, strict=strict)
        return self._checked(value, code, pos, messages, strict=strict)

    def _divided(
        self,
        index: int,
        a: _Value,
        b: _Value,
        code: np.ndarray | None,
        messages: _Messages,
        *,
        strict: bool,
    ) -> _Value:
        """Divide, marking zero divisors, then overflows (raise, if *strict*).

        Where both operands are good (finite), a quotient is not finite only
        for a zero divisor or an overflow: the divisor is looked at only there.
        """
        pos = self._steps[index][2]
        value = a.value / b.value
        if code is None and _all_finite(value):
            return _Value(value, None)
        new = ~np.isfinite(value)
        if code is not None:
            new &= code == 0
        if not new.any():
            return _Value(value, code)
        zero = new & (b.value == 0)
        if zero.any():
            what = self._describe_divisor(index)
            if strict:
                detail = "; ".join(d for d in (what, _where(zero)) if d)
                raise FormulaZeroDivisionError(
                    self.text, pos, "division by zero", detail
                )
            why = f"division by zero at character {pos}"
            why += f" ({what})" if what else ""
            code = _mark(code, zero, messages.code(why), value.shape)
            new &= ~zero
            if not new.any():
                return _Value(value, code)
        if strict:
            msg = "result too large for a number"
            raise FormulaError(self.text, pos, msg, _where(new))
        why = f"result too large at character {pos}"
        return _Value(value, _mark(code, new, messages.code(why), value.shape))

    def _checked(
        self,
        value: np.ndarray,
        code: np.ndarray | None,
        pos: int,
        messages: _Messages,
        *,
        strict: bool,
    ) -> _Value:
        """Mark the elements of *value* that overflowed (raise, if *strict*)."""
        value = np.asarray(value, dtype=np.float64)
        if code is None:
            if _all_finite(value):
                return _Value(value, None)
            overflow = ~np.isfinite(value)
        else:
            overflow = ~np.isfinite(value) & (code == 0)
            if not overflow.any():
                return _Value(value, code)
        if strict:
            msg = "result too large for a number"
            raise FormulaError(self.text, pos, msg, _where(overflow))
        why = f"result too large at character {pos}"
        return _Value(value, _mark(code, overflow, messages.code(why), value.shape))

    def _call(
        self,
        function: str,
        args: list[_Value],
        pos: int,
        messages: _Messages,
        *,
        strict: bool,
        batch: bool,
    ) -> _Value:
        if function == "abs":
            (a,) = args
            return _Value(np.abs(a.value), a.code)
        if len(args) == 1:
            (a,) = args
            # a batch's first axis is the entities: a 1-D input is one number each
            if a.value.ndim == 0 or (batch and a.value.ndim == 1):
                return a
            if a.value.shape[-1] == 0:
                if function == "sum":
                    return _Value(np.zeros(a.value.shape[:-1]), None)
                msg = f"{function} of no values"
                raise FormulaError(self.text, pos, msg)
            if a.code is None:
                value = _REDUCE[function](a.value, axis=-1)
                return self._checked(value, None, pos, messages, strict=strict)
            # each row takes the reason of its first spoilt element
            codes = np.broadcast_to(a.code, a.value.shape)
            bad = codes != 0
            value = _REDUCE[function](np.where(bad, 0.0, a.value), axis=-1)
            first = np.argmax(bad, axis=-1)[..., np.newaxis]
            row = np.take_along_axis(codes, first, axis=-1)[..., 0]
            return self._checked(value, row, pos, messages, strict=strict)
        try:
            shape = np.broadcast_shapes(*(a.value.shape for a in args))
        except ValueError:
            shapes = ", ".join(str(a.value.shape) for a in args)
            msg = f"arguments of {function} do not broadcast"
            raise FormulaError(self.text, pos, msg, f"shapes {shapes}") from None
        stacked = np.stack([np.broadcast_to(a.value, shape) for a in args])
        value = _REDUCE[function](stacked, axis=0)
        spoilt: np.ndarray | None = None
        for a in args:
            spoilt = _first(spoilt, a.code)
        return self._checked(value, spoilt, pos, messages, strict=strict)

    def _describe_divisor(self, index: int) -> str:
        """Name the divisor of step *index* when it is a single name (``上年``)."""
        before = self._steps[index - 1]
        if before[0] == "name":
            return f"{before[1]} is 0"
        return ""


class _NotFastError(Exception):
    """The fast run cannot go on: the careful run will say why, if anything."""


_ARITHMETIC: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}


def _fast_call(function: str, args: list[np.ndarray], *, batch: bool) -> np.ndarray:
    """Apply *function* as the careful run does, for good arguments."""
    if function == "abs":
        (a,) = args
        out: np.ndarray = np.abs(a)
        return out
    if len(args) == 1:
        (a,) = args
        if a.ndim == 0 or (batch and a.ndim == 1):
            return a
        if a.shape[-1] == 0:
            raise _NotFastError
        return _REDUCE[function](a, axis=-1)
    shape = np.broadcast_shapes(*(a.shape for a in args))
    stacked = np.stack([np.broadcast_to(a, shape) for a in args])
    return _REDUCE[function](stacked, axis=0)


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
        # refused before anything is read: the cost does not grow with the text
        msg = f"formula is {len(text):,} characters long"
        why = f"at most {MAX_LENGTH:,} characters are read"
        raise FormulaError(text[:40] + "…", MAX_LENGTH, msg, why)
    steps, names = _Parser(text).program()
    return Formula(text, names, steps)


def evaluate_formula(text: str, inputs: Mapping[str, object]) -> float | np.ndarray:
    """Read *text* as a formula and compute it over *inputs*.

    A shortcut for ``parse_formula(text).evaluate(inputs)``; see
    :meth:`Formula.evaluate`.

    Raises
    ------
    FormulaError
        If *text* is not a formula (see :func:`parse_formula`), or for a
        missing name, an input that is not a number, inputs whose shapes do not
        broadcast, a non-finite input, or a result too large for a float.
    FormulaZeroDivisionError
        For a division by zero, naming the formula, the position of the
        ``/`` and (for arrays) the first element.

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
    """Return the unit node *code* reads its actual in: its target's, or its bands'.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme` or *code* is not
        text.
    KeyError
        If the scheme has no node *code*.
    """
    _checks.instance(scheme, Scheme, "the scheme")
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
    99.8 %.  The fraction is read in the unit exactly, in decimal, and rounded
    to :data:`PLACES` decimal places of it (half to even), so that 0.285 is
    28.5 % and not 28.499999999999996 %, and 20/21 is 95.2380952381 %.  Any
    other unit takes the number as it is.

    Raises
    ------
    TypeError
        If *value* is not a number, or *unit* neither a
        :class:`~perfkpi.units.Unit` nor ``None``.
    """
    exact = _exact(value, "the value")
    if unit is None:
        return value
    _checks.instance(unit, Unit, "the unit")
    if unit.dimension != "ratio":
        return value
    return _scaled(float(exact), unit.factor)


PLACES = 10
"""The decimal places of its unit a formula's result is read to, in a ratio unit."""

_POWERS = 10.0 ** np.arange(23)
"""The powers of ten that a float holds exactly."""
_PLACES = decimal.Decimal(1).scaleb(-PLACES)


def _scaled(value: float, factor: float) -> float:
    """Return *value* divided by *factor*, rounded to :data:`PLACES` places.

    The float's exact value is divided in decimal and rounded half to even;
    :func:`_scaled_array` gives the same numbers for an array.
    """
    if not math.isfinite(value):
        return value
    context = decimal.Context(prec=1000, rounding=decimal.ROUND_HALF_EVEN)
    exact = context.divide(decimal.Decimal(value), decimal.Decimal(repr(factor)))
    return float(exact.quantize(_PLACES, context=context))


def _decimal_shift(factor: float) -> int | None:
    """Return *k* where *factor* is written ``10**-k`` (k + PLACES <= 22), else None."""
    exact = decimal.Decimal(repr(factor)).normalize()
    sign, digits, exponent = exact.as_tuple()
    if sign or digits != (1,) or not isinstance(exponent, int):
        return None
    return -exponent if 0 <= -exponent <= 22 - PLACES else None


_EXACT_INTEGERS = 2.0**52
"""Below this, a float's fraction is a multiple of 1/2 or finer."""


def _scaled_array(values: np.ndarray, factor: float) -> np.ndarray:
    """Return :func:`_scaled` of each element of *values*, in a few array passes.

    For a factor of ``10**-k``, ``x = v × 10**(k + PLACES)`` is a product of
    two floats, the float nearest the exact product; below 2**52 its rounding
    to an integer *m* is the exact product's, except where *x* lands on a
    half, where the product's rounding error (Dekker's exact product) says
    which way.  ``m / 10**PLACES`` is then one correctly rounded division of
    exact operands: the float nearest the decimal result, as :func:`_scaled`
    computes it.  Every other element (too large, or a factor that is no
    power of ten) is computed by :func:`_scaled`.
    """
    values = np.asarray(values, dtype=np.float64)
    shift = _decimal_shift(factor)
    if shift is None:
        out = np.array(values, dtype=np.float64)
        slow = np.flatnonzero(np.isfinite(values))
    else:
        power = _POWERS[shift + PLACES]
        with np.errstate(all="ignore"):
            x = values * power
            m = np.rint(x)
            half = np.flatnonzero(np.abs(x - m) == 0.5)  # noqa: PLR2004
            if half.size:
                m[half] = _settle_halves(values[half], power, x[half])
            out = np.divide(m, _POWERS[PLACES], out=m)
            large = np.abs(x) >= _EXACT_INTEGERS  # and NaN: left as it is
        slow = np.flatnonzero(large)
        if slow.size:
            out[slow] = values[slow]
            slow = slow[np.isfinite(values[slow])]
    for i in slow.tolist():
        out[i] = _scaled(float(values[i]), factor)
    return out


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split floats into high and low halves of 26 bits (Dekker)."""
    c = 134217729.0 * a  # 2**27 + 1
    high = c - (c - a)
    return high, a - high


def _settle_halves(a: np.ndarray, b: float, x: np.ndarray) -> np.ndarray:
    """Round the exact products ``a × b``, whose float product *x* ends in .5.

    The exact product is ``x + error`` (Dekker's two-product); its sign says
    whether the exact product is above or below the half; none rounds to even.
    A zero keeps the product's sign, as the decimal division does.
    """
    ah, al = _split(a)
    bh, bl = _split(np.broadcast_to(b, a.shape))
    error = ((ah * bh - x) + ah * bl + al * bh) + al * bl
    out: np.ndarray = np.where(
        error > 0, np.floor(x) + 1.0, np.where(error < 0, np.floor(x), np.rint(x))
    )
    signed: np.ndarray = np.copysign(out, x)
    return signed


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


_ABSENT = object()


def _node_actual(
    scheme: Scheme,
    code: str,
    formula: Formula,
    table: Mapping[str, object],
    *,
    own: bool,
    where: str,
    actual: object = _ABSENT,
) -> float | None:
    """Return node *code*'s actual computed from *table*, as :func:`compute_actuals`.

    *table* holds the inputs by normalised name (the node's own over the
    shared), *own* whether the node has inputs of its own, *actual* the
    actual given for it, if any.  ``None``: the node's actual comes as given.

    Raises
    ------
    DataError
        At *where*, as :func:`compute_actuals` does.
    """
    present = [n for n in formula.names if n in table]
    if not own and (not present or actual is not _ABSENT):
        return None  # no inputs for this node: its actual comes as given
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
    if actual is not _ABSENT and actual != computed:
        # the same inputs computed again agree: compute_actuals is idempotent
        msg = f"both an actual ({actual!r}) and inputs giving {computed!r}; give one"
        raise DataError(where, msg)
    return computed


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
        given = actuals.get(code, _ABSENT)
        computed = _node_actual(
            scheme, code, formula, table, own=bool(own), where=where, actual=given
        )
        if computed is not None:
            actuals[code] = computed
    return attrs.evolve(data, actuals=actuals)
