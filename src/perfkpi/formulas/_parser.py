"""The recursive-descent parser: tokens to a short postfix program."""

from __future__ import annotations

import difflib

from perfkpi.formulas import FUNCTIONS, MAX_DEPTH
from perfkpi.formulas._errors import FormulaError
from perfkpi.formulas._tokens import _ADDITIVE, _MULTIPLICATIVE, _Token, _tokens

# A program is a tuple of steps run on a stack.  A step is (operation, argument,
# character position, number of operands): operation "number" pushes the
# argument, "name" pushes the input of that name, "neg" and the four operators
# pop their operands and push the result, "call" applies the function named by
# the argument to the top operands.
_Step = tuple[str, object, int, int]


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
