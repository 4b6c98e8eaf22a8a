"""Read a stated figures file (TOML or JSON) into a :class:`Stated`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from perfkpi import _checks as checks
from perfkpi.check._figures import (
    TOTAL,
    Figure,
    Stated,
    StatedAmount,
    StatedDeduction,
    StatedError,
    StatedRate,
    StatedScore,
)
from perfkpi.errors import PerfKPIError, SchemeError
from perfkpi.files import read_document
from perfkpi.files._read import _parse
from perfkpi.targets import format_number, parse_quantity

_DECIMALS = re.compile(r"\d\.(\d+)")

_TOP = ("report", "score", "deduction", "amount", "rate")
_REPORT = ("title", "scheme", "entity", "period", "grade", "source")
_SCORE = ("node", "value", "points", "actual", "source")
_DEDUCTION = ("node", "points", "category", "actual", "unmet", "parts", "source")
_AMOUNT = ("name", "value", "unit", "parts", "within", "source")
_RATE = ("name", "value", "numerator", "denominator", "source")


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{what} @ {where}")

    def table(self, raw: object, where: str, keys: Sequence[str]) -> Mapping[str, Any]:
        if not isinstance(raw, Mapping):
            self.problem(where, f"expected a table, got {raw!r}")
            return {}
        for key in raw:
            if key not in keys:
                self.problem(
                    where, f"unknown key {key!r}; expected one of {list(keys)}"
                )
        return raw

    def tables(self, raw: object, where: str) -> list[object]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.problem(where, "expected a list of tables")
            return []
        return raw

    def text(self, raw: Mapping[str, Any], key: str, where: str) -> str:
        value = raw.get(key, "")
        if not isinstance(value, str):
            self.problem(where, f"{key!r} must be text (got {value!r})")
            return ""
        return value

    def figure(
        self, raw: object, where: str, source: str, unit: str = ""
    ) -> Figure | None:
        """Read a number as written: ``88.63``, ``"8,634.17万元"``, ``"99.98%"``."""
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            self.problem(
                where, f"expected a number or a number with a unit, got {raw!r}"
            )
            return None
        text = raw if isinstance(raw, str) else format_number(raw)
        try:
            quantity = parse_quantity(text)
        except PerfKPIError as exc:
            self.problem(where, str(exc))
            return None
        decimals = _DECIMALS.search(text)
        places = len(decimals.group(1)) if decimals else 0
        symbol = quantity.unit.symbol if quantity.unit else unit
        return Figure(quantity.value, places, symbol, source)

    def ref(self, raw: object, where: str, source: str) -> str | Figure | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            try:
                parse_quantity(raw)
            except PerfKPIError:
                return raw  # a name
        return self.figure(raw, where, source)


def _actual(reader: _Reader, entry: Mapping[str, Any], where: str) -> object:
    """Return a row's ``actual`` as a data file writes it, or None."""
    actual = entry.get("actual")
    if actual is None:
        return None
    scalar = (str, int, float)
    ok = not isinstance(actual, bool) and (
        isinstance(actual, scalar)
        or (
            isinstance(actual, list)
            and all(isinstance(a, str) and not isinstance(a, bool) for a in actual)
        )
        or (isinstance(actual, Mapping) and set(actual) == {"tier", "score"})
    )
    if not ok:
        reader.problem(
            where,
            "'actual' must be a number, text, a list of checklist items or "
            f"{{tier = …, score = …}} (got {actual!r})",
        )
        return None
    return actual


def _deduction(
    reader: _Reader, raw: object, where: str, node: str
) -> StatedDeduction | None:
    entry = reader.table(raw, where, _DEDUCTION)
    if not isinstance(raw, Mapping):
        return None
    code = entry.get("node", node)
    if not isinstance(code, str) or not code:
        reader.problem(where, f"'node' must be a node code (got {code!r})")
        return None
    source = reader.text(entry, "source", where)
    if "points" not in entry:
        reader.problem(where, "a deduction needs its 'points'")
        return None
    points = reader.figure(entry["points"], where, source)
    actual = _actual(reader, entry, where)
    unmet = entry.get("unmet")
    if unmet is not None and (
        isinstance(unmet, bool) or not isinstance(unmet, int) or unmet < 0
    ):
        reader.problem(where, f"'unmet' must be a whole number >= 0 (got {unmet!r})")
        unmet = None
    parts = [
        _deduction(reader, part, f"{where}.parts[{i}]", code)
        for i, part in enumerate(reader.tables(entry.get("parts"), f"{where}.parts"))
    ]
    if points is None or None in parts:
        return None
    return StatedDeduction(
        code,
        points,
        reader.text(entry, "category", where),
        actual,
        unmet,
        [p for p in parts if p is not None],
    )


def _read_scores(reader: _Reader, raw_list: object) -> list[StatedScore]:
    scores: list[StatedScore] = []
    for i, raw in enumerate(reader.tables(raw_list, "score")):
        where = f"score[{i}]"
        entry = reader.table(raw, where, _SCORE)
        node = entry.get("node")
        if not isinstance(node, str) or not node:
            reader.problem(
                where, f"'node' must be a node code or 'total' (got {node!r})"
            )
            continue
        source_text = reader.text(entry, "source", where)
        value = (
            reader.figure(entry["value"], where, source_text)
            if "value" in entry
            else None
        )
        points = (
            reader.figure(entry["points"], where, source_text)
            if "points" in entry
            else None
        )
        if value is None and points is None:
            if "value" not in entry and "points" not in entry:
                reader.problem(where, "a score needs a 'value' or 'points'")
            continue
        if any(s.node == node for s in scores):
            reader.problem(where, f"a second score for node {node!r}")
            continue
        actual = _actual(reader, entry, where)
        if actual is not None and node == TOTAL:
            reader.problem(where, "the total has no actual; give it on a leaf's row")
            actual = None
        scores.append(StatedScore(node, value, points, actual))
    return scores


def _read_amounts(reader: _Reader, raw_list: object) -> list[StatedAmount]:
    amounts: list[StatedAmount] = []
    for i, raw in enumerate(reader.tables(raw_list, "amount")):
        where = f"amount[{i}]"
        entry = reader.table(raw, where, _AMOUNT)
        name = reader.text(entry, "name", where)
        if not name:
            reader.problem(where, "an amount needs a 'name'")
            continue
        source_text = reader.text(entry, "source", where)
        value = reader.figure(
            entry.get("value"), where, source_text, reader.text(entry, "unit", where)
        )
        parts = entry.get("parts", [])
        if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
            reader.problem(where, "'parts' must be a list of amount names")
            parts = []
        if value is not None:
            amounts.append(
                StatedAmount(name, value, parts, reader.text(entry, "within", where))
            )
    return amounts


def _read_rates(reader: _Reader, raw_list: object) -> list[StatedRate]:
    rates: list[StatedRate] = []
    for i, raw in enumerate(reader.tables(raw_list, "rate")):
        where = f"rate[{i}]"
        entry = reader.table(raw, where, _RATE)
        name = reader.text(entry, "name", where)
        source_text = reader.text(entry, "source", where)
        value = reader.figure(entry.get("value"), where, source_text)
        if not name or value is None:
            if not name:
                reader.problem(where, "a rate needs a 'name'")
            continue
        rates.append(
            StatedRate(
                name,
                value,
                reader.ref(entry.get("numerator"), where, source_text),
                reader.ref(entry.get("denominator"), where, source_text),
            )
        )
    return rates


def stated_from_dict(doc: Mapping[str, Any], *, source: str = "") -> Stated:
    """Build stated figures from the plain form of a stated figures file.

    Raises
    ------
    StatedError
        With every problem found, each with its place in the file; also if
        *doc* is not a table.
    """
    given: object = doc  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"expected a table at the top level (got {given!r:.60})"
        raise StatedError(str(source), [msg])
    reader = _Reader(source)
    for key in doc:
        if key not in _TOP:
            reader.problem(
                "top level", f"unknown section {key!r}; expected {list(_TOP)}"
            )
    head = reader.table(doc.get("report", {}), "[report]", _REPORT)
    scores = _read_scores(reader, doc.get("score"))
    deductions = [
        d
        for i, raw in enumerate(reader.tables(doc.get("deduction"), "deduction"))
        if (d := _deduction(reader, raw, f"deduction[{i}]", "")) is not None
    ]
    amounts = _read_amounts(reader, doc.get("amount"))
    rates = _read_rates(reader, doc.get("rate"))
    _check_names(reader, amounts, rates)
    if reader.problems:
        raise StatedError(source, reader.problems)
    return Stated(
        scores,
        deductions,
        amounts,
        rates,
        reader.text(head, "grade", "[report]"),
        reader.text(head, "scheme", "[report]"),
        reader.text(head, "entity", "[report]"),
        str(head.get("period", "")),
        reader.text(head, "title", "[report]"),
        reader.text(head, "source", "[report]"),
    )


def _check_names(
    reader: _Reader, amounts: Sequence[StatedAmount], rates: Sequence[StatedRate]
) -> None:
    names = {a.name for a in amounts}
    for a in amounts:
        for part in a.parts:
            if part not in names:
                reader.problem(
                    f"amount {a.name}", f"part {part!r} is not a named amount"
                )
        if a.within and a.within not in names:
            reader.problem(
                f"amount {a.name}", f"within {a.within!r} is not a named amount"
            )
    for r in rates:
        for ref in (r.numerator, r.denominator):
            if isinstance(ref, str) and ref not in names:
                reader.problem(f"rate {r.name}", f"{ref!r} is not a named amount")


def stated_from_text(text: str, *, format: str = "toml", source: str = "") -> Stated:  # noqa: A002
    """Build stated figures from the text of a TOML or JSON file.

    Raises
    ------
    StatedError
        If the text does not parse, or for every problem in it.
    TypeError
        If *text* is not text.
    ValueError
        If *format* is not ``"toml"`` or ``"json"``.
    """
    checks.text(text, "the stated figures' text")
    if not isinstance(format, str) or format not in ("toml", "json"):
        msg = f"format must be 'toml' or 'json' (got {format!r:.60})"
        raise ValueError(msg)
    # the one reader of TOML and JSON: its limits, duplicate keys and lines
    try:
        doc, _ = _parse(text, "json" if format == "json" else "toml", source)
    except SchemeError as exc:
        raise StatedError(source, [exc.problem]) from None
    return stated_from_dict(doc, source=source)


def load_stated(path: str | Path) -> Stated:
    """Load the figures a report states from a TOML or JSON file.

    Raises
    ------
    StatedError
        If the file cannot be read, or for every problem in it.
    """
    try:
        doc = read_document(path)
    except PerfKPIError as exc:
        raise StatedError(str(path), [str(exc)]) from None
    return stated_from_dict(doc, source=str(path))


def _stated_folder() -> Path:
    return Path(str(resources.files("perfkpi").joinpath("_stated")))


def stated_names() -> tuple[str, ...]:
    """Return the names of the bundled stated figures files."""
    return tuple(sorted(p.stem for p in _stated_folder().glob("*.toml")))


def bundled_stated(name: str) -> Stated:
    """Return bundled stated figures by name (``gz-internet-court-2022``).

    Raises
    ------
    KeyError
        If no bundled file has that name: only the names of
        :func:`stated_names` are looked up, never a path.
    """
    known = stated_names()
    if name not in known:  # a name from the listing, never joined as given
        msg = f"no bundled stated figures {name!r}; known: {', '.join(known)}"
        raise KeyError(msg)
    return load_stated(_stated_folder() / f"{name}.toml")
