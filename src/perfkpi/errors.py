"""Errors and warnings raised by perfkpi.

Every error perfkpi raises derives from :class:`PerfKPIError` and also from the
builtin exception it semantically is, so ``except ValueError`` keeps working for
callers that do not know perfkpi.  Messages quote the input, say where the problem
is (node code, file, line, character position) and what was expected.

``str(error)`` is the message in English; :func:`message` (or the error's own
:meth:`PerfKPIError.localized`) gives it in Chinese or English, built from the
same parts.  An error read from a file knows the file and line as attributes
(``file``, ``line``, ``column``), which the command line prints in the
``file:line: message`` form editors and CI read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, Literal, Self, cast

# the languages messages are written in (perfkpi.report documents the same type)
Lang = Literal["zh", "en"]

LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
"""The languages messages are written in, Chinese first (the default)."""

__all__ = [
    "LANGS",
    "AmbiguousValueError",
    "AmbiguousValueWarning",
    "DataError",
    "DataValidationError",
    "IncompatibleUnitError",
    "PerfKPIError",
    "PerfKPIWarning",
    "RuleError",
    "SchemeError",
    "SchemeValidationError",
    "SchemeWarning",
    "TargetSyntaxError",
    "UnknownUnitError",
    "message",
]


def message(error: BaseException, lang: Lang = "zh") -> str:
    """Return *error*'s message in *lang*.

    English is ``str(error)``.  Chinese puts the error's parts in a Chinese
    frame; what is wrong and what was expected are translated where perfkpi
    knows the phrase, and otherwise kept in English inside the frame.  Any
    exception is accepted: one that is not perfkpi's keeps its own text under
    a Chinese ``错误：`` frame.

    Parameters
    ----------
    error
        The exception.
    lang
        ``"zh"`` (the default) or ``"en"``.

    Returns
    -------
    str
        The message, one line per problem for a group.

    Raises
    ------
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``.
    TypeError
        If *error* is not an exception.

    Examples
    --------
    >>> from perfkpi.errors import DataError, message
    >>> err = DataError("1.2", "missing actual value")
    >>> str(err)
    'missing actual value @ 1.2'
    >>> message(err, "zh")
    '数据错误：缺少实际值（1.2）'
    >>> message(err, "en") == str(err)
    True
    """
    given: object = error  # callers without mypy may pass anything
    if not isinstance(given, BaseException):
        msg = f"error must be an exception, not {type(given).__name__}"
        raise TypeError(msg)
    if lang not in LANGS:
        msg = f"lang must be 'zh' or 'en', not {lang!r}"
        raise ValueError(msg)
    if lang == "en":
        return str(error)
    from perfkpi._messages import chinese  # noqa: PLC0415 (only when asked)

    return chinese(error)


class PerfKPIError(Exception):
    """Base class of every error raised by perfkpi."""

    def localized(self, lang: Lang = "zh") -> str:
        """Return the message in *lang*: ``"en"`` is ``str(self)``.

        See :func:`perfkpi.errors.message` (a method of another name: a group
        of problems already has a ``message``, its heading).

        Raises
        ------
        ValueError
            If *lang* is not ``"zh"`` or ``"en"``.
        """
        return message(self, lang)


class PerfKPIWarning(UserWarning):
    """Base class of every warning issued by perfkpi."""


class AmbiguousValueWarning(PerfKPIWarning):
    """A value can be read two ways that differ by a factor of 100 or more.

    A plain ``0.965`` against ``≥95%`` is read in the target's unit (0.965 %),
    but a spreadsheet stores 96.5 % as 0.965; a target ``≥0.95`` with an actual
    ``90%`` compares 90 with 0.95.  The message names the node, the value and
    both readings.  Under ``strict=True`` the same case is an
    :class:`AmbiguousValueError`.
    """


class SchemeWarning(PerfKPIWarning):
    """A scheme is valid but one of its settings is likely to mislead.

    For example a geometric mean or goalposts over rounded children: composite
    indices round only the final value.
    """


class TargetSyntaxError(ValueError, PerfKPIError):
    """A target or quantity text could not be read.

    Parameters
    ----------
    text
        The text as given.
    position
        The 0-based character position where reading failed.
    expected
        What would have been accepted at that position.
    """

    def __init__(self, text: str, position: int, expected: str) -> None:
        self.text = text
        self.position = position
        self.expected = expected
        super().__init__(text, position, expected)

    def __str__(self) -> str:
        return (
            f"cannot read {self.text!r} at character {self.position}: "
            f"expected {self.expected}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.text, self.position, self.expected))


class UnknownUnitError(ValueError, PerfKPIError):
    """A unit symbol is not in the unit registry.

    Parameters
    ----------
    symbol
        The unknown symbol.
    suggestions
        Known symbols that look alike, best first.
    text
        The whole text the symbol was read from, if any.
    position
        The 0-based character position of the symbol in *text*, if known.
    """

    def __init__(
        self,
        symbol: str,
        suggestions: Sequence[str] = (),
        text: str = "",
        position: int | None = None,
    ) -> None:
        self.symbol = symbol
        self.suggestions = tuple(suggestions)
        self.text = text
        self.position = position
        super().__init__(symbol, self.suggestions)

    def __str__(self) -> str:
        msg = f"unknown unit {self.symbol!r}"
        if self.text:
            msg += f" in {self.text!r}"
            if self.position is not None:
                msg += f" at character {self.position}"
        if self.suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in self.suggestions)
            msg += "?"
        return msg

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.symbol, self.suggestions, self.text, self.position),
        )


class IncompatibleUnitError(ValueError, PerfKPIError):
    """Two quantities of different dimensions were compared or converted.

    Parameters
    ----------
    given
        The unit (and dimension) that came.
    expected
        The unit (and dimension) that was needed.
    text
        The text being read when it happened (a target such as
        ``[5件,10小时]``), if any.
    position
        The 0-based character position in *text*, if known.
    where
        The node code (or data file place) the value belongs to, if any.
    """

    def __init__(
        self,
        given: str,
        expected: str,
        text: str = "",
        position: int | None = None,
        where: str = "",
    ) -> None:
        self.given = given
        self.expected = expected
        self.text = text
        self.position = position
        self.where = where
        super().__init__(given, expected)

    def __str__(self) -> str:
        msg = f"cannot compare {self.given} with {self.expected}"
        if self.text:
            msg += f" in {self.text!r}"
            if self.position is not None:
                msg += f" at character {self.position}"
        if self.where:
            msg += f" @ {self.where}"
        return msg

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            type(self),
            (self.given, self.expected, self.text, self.position, self.where),
        )


class _Placed:
    """What a scheme's and a data problem share: a place, a problem, a file line."""

    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __init__(
        self,
        where: str,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.where = where
        self.problem = problem
        self.file, self.line, self.column = file, line, column
        super().__init__(where, problem)  # type: ignore[call-arg]  # ValueError, next in line

    def __str__(self) -> str:
        return f"{self.problem} @ {self.where}" if self.where else self.problem

    def __reduce__(self) -> tuple[Any, ...]:
        place = {"file": self.file, "line": self.line, "column": self.column}
        return (type(self), (self.where, self.problem), place)


class SchemeError(_Placed, ValueError, PerfKPIError):
    """One problem in a scheme, at a node path or a file place.

    Parameters
    ----------
    where
        The place: a node code such as ``1.2``, or ``file:line``.
    problem
        What is wrong and what was expected.
    file
        The file the problem is in, when it was read from one (``str()``
        does not change: *where* already names it).
    line
        The 1-based line in *file*, when known.
    column
        The 1-based column in *line*, when known.
    """


class _Problems:
    """What the groups of problems share: listing, ``except*`` and pickling."""

    def derive(self, excs: Sequence[Any]) -> Any:  # noqa: ANN401 (its own type)
        """Return a group of the same class holding *excs* (used by ``except*``)."""
        group = cast("ExceptionGroup[Exception]", self)
        return type(self)(group.message, excs)  # type: ignore[call-arg]

    def __str__(self) -> str:
        """List every problem with its place, one per line."""
        group = cast("ExceptionGroup[Exception]", self)
        lines = [f"{group.message} ({len(group.exceptions)} problems)"]
        lines += [f"  - {e}" for e in group.exceptions]
        return "\n".join(lines)

    def __reduce__(self) -> tuple[Any, ...]:
        group = cast("ExceptionGroup[Exception]", self)
        return (type(self), (group.message, list(group.exceptions)))


class SchemeValidationError(_Problems, ExceptionGroup[SchemeError], PerfKPIError):
    """Every problem found in a scheme, reported at once.

    It is an :class:`ExceptionGroup` of :class:`SchemeError`; ``str()`` lists
    every problem with its place, one per line.
    """

    def __new__(cls, message: str, errors: Sequence[SchemeError]) -> Self:
        """Create the group from a message and its problems."""
        return super().__new__(cls, message, list(errors))

    def __init__(self, message: str, errors: Sequence[SchemeError]) -> None:
        super().__init__(message, list(errors))


class DataError(_Placed, ValueError, PerfKPIError):
    """An input value for an evaluation is missing, malformed or not a number.

    Parameters
    ----------
    where
        The node code (or data file place) the value belongs to.
    problem
        What is wrong and what was expected.
    file
        The file the problem is in, when it was read from one (``str()``
        does not change: *where* already names it).
    line
        The 1-based line in *file*, when known.
    column
        The 1-based column in *line*, when known.
    """


class DataValidationError(_Problems, ExceptionGroup[DataError], DataError):
    """Every problem found in a data file, reported at once.

    It is an :class:`ExceptionGroup` of :class:`DataError` and a
    :class:`DataError` itself, so ``except DataError`` still catches it;
    ``str()`` lists every problem with its place.
    """

    where: str
    problem: str

    def __new__(cls, message: str, errors: Sequence[DataError]) -> Self:
        """Create the group from a message and its problems."""
        self = super().__new__(cls, message, list(errors))
        self.where = message
        self.problem = f"{len(errors)} problems"
        return self

    def __init__(self, message: str, errors: Sequence[DataError]) -> None:
        super().__init__(message, list(errors))


class AmbiguousValueError(DataError):
    """An ambiguous value (see :class:`AmbiguousValueWarning`) under ``strict=True``."""


class RuleError(ValueError, PerfKPIError):
    """A scoring rule was given parameters it cannot work with."""
