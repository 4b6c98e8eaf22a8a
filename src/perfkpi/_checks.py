"""Checks of the arguments that callers without a type checker may get wrong.

Each check names what it checks and quotes what came; a value of the wrong type
is a :class:`TypeError`, one of the right type but out of range a
:class:`ValueError`.  The converters return the value in its stored form.
"""

from __future__ import annotations

import enum
import numbers
import reprlib
from collections.abc import Iterable, Mapping
from typing import TypeVar

__all__ = ["choice", "instance", "instances", "number", "pairs", "text", "texts"]

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def _quote(value: object) -> str:
    return _SHORT.repr(value)


def text(value: object, what: str) -> str:
    """Return *value* if it is text.

    Raises
    ------
    TypeError
        If it is not.
    """
    if not isinstance(value, str):
        msg = f"{what} must be text (got {_quote(value)})"
        raise TypeError(msg)
    return value


def texts(values: object, what: str) -> tuple[str, ...]:
    """Return *values*, a list of text, as a tuple.

    Raises
    ------
    TypeError
        If it is not a list (text alone is not one) or holds something else.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        msg = f"{what} must be a list of text (got {_quote(values)})"
        raise TypeError(msg)
    out = tuple(values)
    for value in out:
        if not isinstance(value, str):
            msg = f"{what} must be a list of text (got {_quote(value)} in it)"
            raise TypeError(msg)
    return out


def number(value: object, what: str) -> float:
    """Return *value*, a real number (not a truth value), as a float.

    Raises
    ------
    TypeError
        If it is not a number.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        msg = f"{what} must be a number (got {_quote(value)})"
        raise TypeError(msg)
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return float("inf") if value > 0 else float("-inf")  # type: ignore[operator]


def instance(value: object, cls: type[T], what: str) -> T:
    """Return *value* if it is an instance of *cls*.

    Raises
    ------
    TypeError
        If it is not.
    """
    if not isinstance(value, cls):
        name = cls.__name__
        article = "an" if name[0] in "AEIO" else "a"  # a Unit, an Override
        msg = f"{what} must be {article} {name} (got {_quote(value)})"
        raise TypeError(msg)
    return value


def choice(value: object, cls: type[E], what: str) -> E:
    """Return the member of the text enum *cls* that *value* is or names.

    Raises
    ------
    ValueError
        If it is none of them.
    """
    if isinstance(value, cls):
        return value
    for member in cls:
        if isinstance(value, str) and value == member.value:
            return member
    known = ", ".join(repr(m.value) for m in cls)
    msg = f"{what} must be one of {known} (got {_quote(value)})"
    raise ValueError(msg)


def instances(values: object, cls: type[T], what: str) -> tuple[T, ...]:
    """Return *values*, a list of instances of *cls*, as a tuple.

    Raises
    ------
    TypeError
        If it is not a list (text and a mapping are not) or holds something else.
    """
    if isinstance(values, str | bytes | Mapping | cls) or not isinstance(
        values, Iterable
    ):
        msg = f"{what} must be a list of {cls.__name__} (got {_quote(values)})"
        raise TypeError(msg)
    return tuple(instance(v, cls, f"each of {what}") for v in values)


def pairs(values: object, what: str) -> tuple[tuple[str, str], ...]:
    """Return *values*, pairs of text or a mapping of text to text, as pairs.

    Raises
    ------
    TypeError
        If it is neither.
    """
    expected = "pairs of text or a mapping of text to text"
    if isinstance(values, Mapping):
        items: Iterable[object] = values.items()
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        msg = f"{what} must be {expected} (got {_quote(values)})"
        raise TypeError(msg)
    else:
        items = values
    out: list[tuple[str, str]] = []
    for item in items:
        if (
            not isinstance(item, tuple | list)
            or len(item) != 2  # noqa: PLR2004 (a pair)
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
        ):
            msg = f"{what} must be {expected} (got {_quote(item)} in it)"
            raise TypeError(msg)
        out.append((item[0], item[1]))
    return tuple(out)
