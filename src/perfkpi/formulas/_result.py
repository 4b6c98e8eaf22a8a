"""A formula's results over many rows, with each failed row's reason code."""

from __future__ import annotations

import functools
import math

import attrs
import numpy as np

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


def _missing_reason(name: str) -> str:
    return f"input {name} is missing (NaN)"
