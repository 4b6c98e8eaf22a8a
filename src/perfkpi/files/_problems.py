"""Checking values: the keys each table allows, and the problems of one file."""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from perfkpi import files as _files
from perfkpi.errors import (
    SchemeError,
)
from perfkpi.files._locate import _at, _Locator, _place

_SCHEME_KEYS = (
    "id",
    "name",
    "points",
    "rounding",
    "grades",
    "description",
    "source",
    "not_applicable",
    "overrides",
    "report_kind",
)
_NODE_KEYS = (
    "code",
    "name",
    "parent",
    "points",
    "rule",
    "target",
    "indicator",
    "formula",
    "category",
    "note",
    "direction",
)
_INDICATOR_KEYS = (
    "code",
    "name",
    "unit",
    "direction",
    "category",
    "formula",
    "explanation",
    "basis",
)
_ROUNDING_KEYS = ("places", "mode", "stage")
_GRADES_KEYS = ("name", "bands", "below")
_DATA_KEYS = (
    "$schema",
    "entity",
    "period",
    "scheme",
    "actuals",
    "inputs",
    "not_applicable",
    "findings",
    "items",
    "adjustments",
    "prior",
    "上年",
)
_HINTS = {
    "weight": "points",
    "weights": "points",
    "score": "points",
    "分值": "points",
    "权重": "points",
    "children": "parent",
    "nodes": "node",
    "title": "name",
    "grade": "grades",
    "kind": "report_kind",
}
"""Nearest keys that spelling alone would not find."""


# -- checking values --------------------------------------------------------------


def _number(value: object) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _got(value: object) -> str:
    return f"got {value!r}, a {type(value).__name__}"


@functools.lru_cache(maxsize=1024)
def _nearest(key: str, allowed: tuple[str, ...]) -> str | None:
    """Return the allowed key *key* likely misspells (cached: files repeat typos)."""
    hint = _HINTS.get(key)
    if hint in allowed:
        return hint
    if len(key) > 4 * max(map(len, allowed)):  # too long to be a typo
        return None
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_key(key: str, allowed: tuple[str, ...]) -> str:
    close = _nearest(key, allowed)
    hint = f"; did you mean {close!r}?" if close else ""
    return f"unknown key {key!r}{hint} (expected one of {', '.join(allowed)})"


Problem = str | Callable[[], str]
"""A problem's text, or a function that builds it (called only if it is listed)."""


@attrs.define
class _Problems:
    """Problems found so far, each with its place in the file.

    A problem's line and text are found only when the problems are listed, and
    the text (a did-you-mean search) only for the :data:`MAX_PROBLEMS` listed.
    """

    source: str
    locator: _Locator
    errors: list[tuple[tuple[str | int, ...], str, Problem]] = attrs.field(factory=list)

    def add(self, path: tuple[str | int, ...], what: str, problem: Problem) -> None:
        self.errors.append((path, what, problem))

    def unknown_keys(
        self,
        table: Mapping[str, Any],
        allowed: Sequence[str],
        path: tuple[str | int, ...],
        what: str,
    ) -> None:
        known = tuple(allowed)
        for key in table:
            if key not in known:
                problem = functools.partial(_unknown_key, str(key), known)
                self.add((*path, key), what, problem)

    def listed(self, heading: str) -> tuple[str, list[SchemeError]]:
        """Return the heading and the first :data:`MAX_PROBLEMS` problems, by line.

        With more problems than that, the heading says how many there are.
        """
        # sorted by table first, then by line within the tables that hold the
        # first MAX_PROBLEMS: a key's line is found only for those
        tables = [self.locator.table_line(path) or 0 for path, _, _ in self.errors]
        order = sorted(range(len(tables)), key=tables.__getitem__)
        if len(order) > _files.MAX_PROBLEMS:
            last = tables[order[_files.MAX_PROBLEMS - 1]]
            order = [i for i in order if tables[i] <= last]
        lines = {i: self.locator.line(self.errors[i][0]) for i in order}
        order.sort(key=lambda i: lines[i] or 0)
        listed = []
        for i in order[: _files.MAX_PROBLEMS]:
            _, what, problem = self.errors[i]
            text = problem if isinstance(problem, str) else problem()
            where = _place(self.source, lines[i], what)
            listed.append(SchemeError(where, text, **_at(self.source, lines[i])))
        if len(self.errors) > _files.MAX_PROBLEMS:
            heading = (
                f"{heading}: {len(self.errors)} problems, the first "
                f"{_files.MAX_PROBLEMS} by line listed"
            )
        return heading, listed


def _text(
    problems: _Problems,
    table: Mapping[str, Any],
    key: str,
    path: tuple[str | int, ...],
    what: str,
    *,
    required: bool = False,
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            problems.add(path, what, f"{key!r} is required (text)")
        return ""
    if not isinstance(value, str):
        problems.add((*path, key), what, f"{key!r} must be text ({_got(value)})")
        return ""
    return value
