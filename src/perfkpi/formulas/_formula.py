"""A parsed formula and its evaluation: one row, and a vectorised fast path."""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Mapping

import attrs
import numpy as np

from perfkpi.errors import PerfKPIError
from perfkpi.formulas import MAX_LENGTH
from perfkpi.formulas._errors import FormulaError, FormulaZeroDivisionError
from perfkpi.formulas._parser import _Parser, _Step
from perfkpi.formulas._result import (
    _CODE,
    FormulaResult,
    _all_finite,
    _first,
    _mark,
    _Messages,
    _missing_reason,
    _Value,
)
from perfkpi.formulas._scaling import as_fraction
from perfkpi.formulas._tokens import _name_form
from perfkpi.targets import parse_quantity

_REDUCE: dict[str, Callable[..., np.ndarray]] = {
    "sum": np.sum,
    "mean": np.mean,
    "min": np.min,
    "max": np.max,
}


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
