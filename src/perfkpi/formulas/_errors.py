"""The errors of a formula: :class:`FormulaError` and its division by zero."""

from __future__ import annotations

from typing import Any

from perfkpi.errors import PerfKPIError


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
