"""Check the arithmetic of a submitted report against its scheme.

A finance bureau receives hundreds of self-evaluation reports (自评报告) and
must check that each one adds up: that the subtotals are the sums of their
parts, every score is its full points less its deductions, every rate is its
numerator over its denominator, and every deduction is what the scheme's rule
gives for the actual the report states.  :func:`check_report` does this for the
figures a report states, written down as a *stated figures* file (see
:doc:`/checks`), and lists each relation that does not hold beyond rounding,
with both numbers and where each comes from.

"Beyond rounding" is meant exactly.  Scores and deductions are rounded by the
scheme's policy, so a score must equal the rounded recomputation.  Amounts and
rates are rounded where they are written: 99.98 % stands for any value in
[99.975 %, 99.985 %) under half-up rounding, and a relation holds when the
intervals of its two sides meet.

Examples
--------
>>> import perfkpi
>>> from perfkpi.check import bundled_stated, check_report
>>> result = check_report(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     bundled_stated("gz-internet-court-2022"),
... )
>>> result.ok, len(result.checks), [m.subject for m in result.mismatches]
(False, 14, ['预算完成率'])
>>> m = result.mismatches[0]
>>> m.stated, round(m.computed or 0, 4)
(99.98, 99.9717)
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import warnings
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs

from perfkpi import _checks as checks
from perfkpi._frozen import deep_freeze
from perfkpi.deductions import Data, Item
from perfkpi.errors import DataError, IncompatibleUnitError, PerfKPIError
from perfkpi.evaluation import evaluate
from perfkpi.files import read_document
from perfkpi.rounding import RoundingMode
from perfkpi.scheme import Node, Scheme
from perfkpi.targets import format_number, parse_quantity
from perfkpi.units import Unit, convert

__all__ = [
    "Check",
    "CheckResult",
    "Figure",
    "Stated",
    "StatedAmount",
    "StatedDeduction",
    "StatedError",
    "StatedRate",
    "StatedScore",
    "bundled_stated",
    "check_report",
    "load_stated",
    "stated_from_dict",
    "stated_from_text",
    "stated_names",
]

TOTAL = "total"
"""The node code that names the total in a stated figures file."""

Kind = Literal[
    "points",
    "sum",
    "deductions",
    "subtotal",
    "score",
    "actual",
    "rule",
    "amount",
    "rate",
    "within",
    "grade",
]


class StatedError(ValueError, PerfKPIError):
    """A stated figures file that cannot be read, with every problem in it.

    Parameters
    ----------
    source
        The file (or ``<stdin>``).
    problems
        Each problem, with its place in the file.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        super().__init__(source, self.problems)

    def __str__(self) -> str:
        head = f"invalid stated figures {self.source or '<dict>'}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0]}"
        return "\n".join(
            [f"{head} ({len(self.problems)} problems)"]
            + [f"  - {p}" for p in self.problems]
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.source, self.problems))


# -- the stated figures --------------------------------------------------------------


def _text(_: object, field: attrs.Attribute[str], value: object) -> None:
    checks.text(value, f"{field.name!r}")


def _number(_: object, field: attrs.Attribute[float], value: object) -> None:
    checks.number(value, f"{field.name!r}")


def _places(_: object, __: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"'places' must be a whole number (got {value!r:.60})"
        raise TypeError(msg)
    if value < 0:
        msg = f"'places' must be a whole number >= 0 (got {value!r})"
        raise ValueError(msg)


def _figure(_: object, field: attrs.Attribute[Figure], value: object) -> None:
    checks.instance(value, Figure, f"{field.name!r}")


def _optional_figure(
    _: object, field: attrs.Attribute[Figure | None], value: object
) -> None:
    if value is not None:
        checks.instance(value, Figure, f"{field.name!r}")


def _reference(
    _: object, field: attrs.Attribute[str | Figure | None], value: object
) -> None:
    if value is not None and not isinstance(value, str | Figure):
        msg = (
            f"{field.name!r} must be an amount's name, a Figure or None "
            f"(got {value!r:.60})"
        )
        raise TypeError(msg)


@attrs.frozen
class Figure:
    """A number as a report writes it.

    Attributes
    ----------
    value
        The number.
    places
        The decimal places it is written with: its precision.
    unit
        Its unit symbol (``万元``, ``%``), or ``""``.
    source
        Where the report states it (section, sentence).

    Raises
    ------
    TypeError
        If *value* is not a number, *places* not a whole number, or *unit* or
        *source* not text.
    ValueError
        If *places* is below zero.
    """

    value: float = attrs.field(validator=_number)
    places: int = attrs.field(default=0, validator=_places)
    unit: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)

    def __str__(self) -> str:
        return f"{self.value:.{self.places}f}{self.unit}"


@attrs.frozen
class StatedScore:
    """A score the report states for a node (or ``total``), with its full points.

    Attributes
    ----------
    node
        The node code, or ``total``.
    value
        The stated score.
    points
        The stated full points.
    actual
        The actual the report gives for a scored leaf (``"98.5%"``), written
        as in a data file; the score is then recomputed from it by the node's
        rule.

    Raises
    ------
    TypeError
        If *node* is not text, or *value* or *points* neither a
        :class:`Figure` nor ``None``.
    """

    node: str = attrs.field(validator=_text)
    value: Figure | None = attrs.field(default=None, validator=_optional_figure)
    points: Figure | None = attrs.field(default=None, validator=_optional_figure)
    actual: object = attrs.field(default=None, converter=deep_freeze)


def _deductions(values: Iterable[StatedDeduction]) -> tuple[StatedDeduction, ...]:
    return checks.instances(values, StatedDeduction, "'deductions'")


def _parts(values: Iterable[StatedDeduction]) -> tuple[StatedDeduction, ...]:
    return checks.instances(values, StatedDeduction, "'parts'")


@attrs.frozen
class StatedDeduction:
    """A deduction the report states, possibly with the parts it adds up.

    Attributes
    ----------
    node
        The code of the node that loses the points (an item's code for a
        deduction an item causes).
    points
        The points deducted.
    category
        The category the report files it under (``绩效管理``).
    actual
        The actual the report gives, when the deduction follows from it by the
        node's rule (``"99.8%"``), written as in a data file.
    unmet
        How many indicators were not met, when that is what the deduction
        counts.
    parts
        The stated parts of a subtotal ("合计扣3.3分" = 1.3 + 2).

    Raises
    ------
    TypeError
        If *node* or *category* is not text, *points* not a :class:`Figure`,
        or *parts* not a list of :class:`StatedDeduction`.
    """

    node: str = attrs.field(validator=_text)
    points: Figure = attrs.field(validator=_figure)
    category: str = attrs.field(default="", validator=_text)
    actual: object = attrs.field(default=None, converter=deep_freeze)
    unmet: int | None = None
    parts: tuple[StatedDeduction, ...] = attrs.field(default=(), converter=_parts)


def _names(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'parts'")


@attrs.frozen
class StatedAmount:
    """An amount the report states, possibly the sum of named parts.

    Attributes
    ----------
    name
        Its name (``实际完成支出``).
    value
        The amount.
    parts
        Names of the amounts it is the sum of.
    within
        Name of an amount it is part of (so it cannot exceed it).

    Raises
    ------
    TypeError
        If *name* or *within* is not text, *value* not a :class:`Figure`, or
        *parts* not a list of text.
    """

    name: str = attrs.field(validator=_text)
    value: Figure = attrs.field(validator=_figure)
    parts: tuple[str, ...] = attrs.field(default=(), converter=_names)
    within: str = attrs.field(default="", validator=_text)


@attrs.frozen
class StatedRate:
    """A rate the report states, possibly with its numerator and denominator.

    Numerator and denominator are amounts named in the file, or numbers.

    Raises
    ------
    TypeError
        If *name* is not text, *value* not a :class:`Figure`, or *numerator*
        or *denominator* neither an amount's name, a :class:`Figure` nor
        ``None``.
    """

    name: str = attrs.field(validator=_text)
    value: Figure = attrs.field(validator=_figure)
    numerator: str | Figure | None = attrs.field(default=None, validator=_reference)
    denominator: str | Figure | None = attrs.field(default=None, validator=_reference)


def _scores(values: Iterable[StatedScore]) -> tuple[StatedScore, ...]:
    return checks.instances(values, StatedScore, "'scores'")


def _amounts(values: Iterable[StatedAmount]) -> tuple[StatedAmount, ...]:
    return checks.instances(values, StatedAmount, "'amounts'")


def _rates(values: Iterable[StatedRate]) -> tuple[StatedRate, ...]:
    return checks.instances(values, StatedRate, "'rates'")


@attrs.frozen
class Stated:
    """The figures one report states.

    Read one with :func:`~perfkpi.check.load_stated`.

    Raises
    ------
    TypeError
        If *scores*, *deductions*, *amounts* or *rates* is not a list of its
        class, or another field is not text.
    """

    scores: tuple[StatedScore, ...] = attrs.field(default=(), converter=_scores)
    deductions: tuple[StatedDeduction, ...] = attrs.field(
        default=(), converter=_deductions
    )
    amounts: tuple[StatedAmount, ...] = attrs.field(default=(), converter=_amounts)
    rates: tuple[StatedRate, ...] = attrs.field(default=(), converter=_rates)
    grade: str = attrs.field(default="", validator=_text)
    scheme: str = attrs.field(default="", validator=_text)
    entity: str = attrs.field(default="", validator=_text)
    period: str = attrs.field(default="", validator=_text)
    title: str = attrs.field(default="", validator=_text)
    source: str = attrs.field(default="", validator=_text)


# -- reading the file ------------------------------------------------------------------

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
    try:
        if format == "json":
            doc = json.loads(text)
            if not isinstance(doc, dict):
                raise StatedError(source, ["expected a JSON object at the top level"])
        else:
            doc = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise StatedError(source, [f"malformed {format.upper()}: {exc}"]) from None
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


# -- checks ---------------------------------------------------------------------


def _sources(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'sources'")


def _unchecked(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'unchecked'")


def _notes(values: Iterable[str]) -> tuple[str, ...]:
    return checks.texts(values, "'notes'")


@attrs.frozen
class Check:
    """One relation between stated figures, recomputed.

    Attributes
    ----------
    kind
        ``points`` (full points against the scheme), ``sum`` (a node against
        its children), ``deductions`` (a score against its full points and
        deductions), ``subtotal`` (a deduction against its parts), ``score``
        (a leaf's score against the scheme's rule for the stated actual),
        ``actual`` (a stated actual against the data's), ``rule``
        (a deduction against the scheme's rule for the stated actual),
        ``amount`` (an amount against its parts), ``rate`` (a rate against
        its numerator and denominator), ``within`` (a part not above its
        whole), ``grade`` (the grade of the stated total).
    subject
        What is checked: a node code and name, a category, an amount's name.
    stated
        The stated figure.
    computed
        The recomputed value, unrounded (``None`` for a grade).
    expression
        How it was recomputed, with the numbers.
    ok
        Whether the relation holds within rounding.
    tolerance
        How far apart the two may be: what rounding allows.
    sources
        Where the stated figure and each number used come from.
    note
        Anything further, such as which rounding would make it hold.

    Raises
    ------
    TypeError
        If *sources* is not a list of text (the other fields are kept as
        given: :func:`check_report` builds checks).
    """

    kind: Kind
    subject: str
    stated: float | str
    computed: float | str | None
    expression: str
    ok: bool
    tolerance: float = 0.0
    unit: str = ""
    places: int = 2
    sources: tuple[str, ...] = attrs.field(default=(), converter=_sources)
    note: str = ""

    @property
    def difference(self) -> float | None:
        """Stated minus computed, for numbers."""
        if isinstance(self.stated, str) or not isinstance(self.computed, float | int):
            return None
        return float(self.stated) - float(self.computed)

    def to_dict(self) -> dict[str, Any]:
        """Return the check as plain, JSON-able data."""
        return {
            "kind": self.kind,
            "subject": self.subject,
            "stated": self.stated,
            "computed": self.computed,
            "difference": self.difference,
            "tolerance": self.tolerance,
            "unit": self.unit,
            "expression": self.expression,
            "ok": self.ok,
            "sources": list(self.sources),
            "note": self.note,
        }


def _checks(values: Iterable[Check]) -> tuple[Check, ...]:
    return checks.instances(values, Check, "'checks'")


_KIND_WORDS = {
    "zh": {
        "points": "满分",
        "sum": "合计",
        "deductions": "得分与扣分",
        "subtotal": "扣分小计",
        "score": "得分规则",
        "actual": "实际值与数据",
        "rule": "扣分规则",
        "amount": "金额合计",
        "rate": "比率",
        "within": "部分不超过整体",
        "grade": "等级",
    },
    "en": {
        "points": "full points",
        "sum": "sum",
        "deductions": "score from deductions",
        "subtotal": "subtotal",
        "score": "score by rule",
        "actual": "actual against data",
        "rule": "rule",
        "amount": "amount",
        "rate": "rate",
        "within": "part within whole",
        "grade": "grade",
    },
}


@attrs.frozen
class CheckResult:
    """Every relation checked, and what could not be checked.

    Attributes
    ----------
    checks
        Every relation recomputed, in the order of the scheme and the file.
    unchecked
        Stated figures that enter no relation, with why.
    notes
        Remarks on the inputs (a stated scheme id that differs, …).

    Raises
    ------
    TypeError
        If *checks* is not a list of :class:`Check`, or *unchecked* or *notes*
        not a list of text.
    """

    checks: tuple[Check, ...] = attrs.field(converter=_checks)
    unchecked: tuple[str, ...] = attrs.field(default=(), converter=_unchecked)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)
    title: str = ""
    lang: str = "zh"

    @property
    def mismatches(self) -> tuple[Check, ...]:
        """The relations that do not hold within rounding."""
        return tuple(c for c in self.checks if not c.ok)

    @property
    def ok(self) -> bool:
        """Whether every relation holds."""
        return not self.mismatches

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain, JSON-able data."""
        return {
            "title": self.title,
            "ok": self.ok,
            "checked": len(self.checks),
            "mismatches": [c.to_dict() for c in self.mismatches],
            "checks": [c.to_dict() for c in self.checks],
            "unchecked": list(self.unchecked),
            "notes": list(self.notes),
        }

    def report(self, lang: str | None = None, *, show_all: bool = False) -> str:
        """Return the result as text: a summary, then each mismatch.

        Parameters
        ----------
        lang
            ``"zh"`` or ``"en"``; by default the language the checks were
            written in.
        show_all
            List the relations that hold as well.
        """
        zh = (lang or self.lang) == "zh"
        words = _KIND_WORDS["zh" if zh else "en"]
        n, bad = len(self.checks), len(self.mismatches)
        lines = [self.title] if self.title else []
        if zh:
            lines.append(
                f"共复核{n}项勾稽关系：{n - bad}项相符，{bad}项不符"
                + (
                    f"；{len(self.unchecked)}个数据无从复核。"
                    if self.unchecked
                    else "。"
                )
            )
        else:
            lines.append(
                f"{n} relations checked: {n - bad} hold, {bad} do not"
                + (
                    f"; {len(self.unchecked)} figures cannot be checked."
                    if self.unchecked
                    else "."
                )
            )
        lines += list(self.notes)
        shown = self.checks if show_all else self.mismatches
        for c in shown:
            lines.append("")
            lines += _check_lines(c, words, zh)
        if self.unchecked:
            lines.append("")
            lines.append(
                "无从复核的数据：" if zh else "Figures that cannot be checked:"
            )
            lines += [f"  - {u}" for u in self.unchecked]
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.report()


def _fmt(value: float | str | None, places: int, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return f"{value:.{places}f}{unit}"


def _check_lines(c: Check, words: Mapping[str, str], zh: bool) -> list[str]:
    mark = "✓" if c.ok else "✗"
    lines = [f"{mark} {words[c.kind]} {c.subject}"]
    stated = _fmt(c.stated, c.places, c.unit)
    computed = _fmt(c.computed, c.places, c.unit)
    first = c.sources[0] if c.sources else ""
    src = (f"（{first}）" if zh else f"  ({first})") if first else ""
    lines.append(f"    {'报告数' if zh else 'stated  '}  {stated}{src}")
    lines.append(f"    {'复算数' if zh else 'computed'}  {computed} = {c.expression}")
    diff = c.difference
    if not c.ok and diff is not None:
        digits = c.places + 2
        off = format_number(round(abs(diff), digits))
        tol = format_number(round(c.tolerance, digits))
        if zh:
            unit = "个百分点" if c.unit == "%" else c.unit
            lines.append(f"    相差{off}{unit}，超出取整允许的±{tol}{unit}")
        else:
            unit = " percentage points" if c.unit == "%" else c.unit
            lines.append(f"    off by {off}{unit}; rounding allows ±{tol}{unit}")
    lines += [f"    {'来源' if zh else 'from'}  {s}" for s in c.sources[1:]]
    if c.note:
        lines.append(f"    {c.note}")
    return lines


# -- arithmetic with the precision of written figures ----------------------------


def _interval(fig: Figure, mode: RoundingMode) -> tuple[float, float]:
    """Return the values *fig* can stand for, rounded as *mode* rounds."""
    unit = 10.0**-fig.places
    if mode is RoundingMode.TRUNCATE:
        return (
            (fig.value, fig.value + unit)
            if fig.value >= 0
            else (fig.value - unit, fig.value)
        )
    if mode is RoundingMode.UP:
        return (
            (fig.value - unit, fig.value)
            if fig.value >= 0
            else (fig.value, fig.value + unit)
        )
    return (fig.value - unit / 2, fig.value + unit / 2)


_EPS = 1e-9


def _meet(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + _EPS and b[0] <= a[1] + _EPS


def _n(value: float) -> str:
    return format_number(round(value, 10))


_MODE_WORDS = {
    RoundingMode.HALF_UP: ("四舍五入", "half-up"),
    RoundingMode.HALF_EVEN: ("四舍六入五成双", "half-even"),
    RoundingMode.TRUNCATE: ("截尾", "truncation"),
    RoundingMode.UP: ("进位", "rounding up"),
}


class _Checker:
    def __init__(
        self, scheme: Scheme, stated: Stated, lang: str, data: Data | None = None
    ) -> None:
        self.scheme = scheme
        self.stated = stated
        self.data = data
        self.zh = lang == "zh"
        self.rounding = scheme.rounding
        self.places = scheme.rounding.places
        self.checks: list[Check] = []
        self.unchecked: list[str] = []
        self.scores = {s.node: s for s in stated.scores}
        self.amounts = {a.name: a for a in stated.amounts}

    # -- helpers ------------------------------------------------------------------
    def node_label(self, code: str) -> str:
        if code == TOTAL:
            return "总分" if self.zh else "total"
        return f"{code} {self.scheme.node(code).name}"

    def equal(self, stated: float, computed: float) -> bool:
        return abs(self.rounding.round(computed) - stated) <= _EPS

    def add(self, **fields: Any) -> None:  # noqa: ANN401
        fields.setdefault("places", self.places)
        fields.setdefault("tolerance", 0.5 * 10.0**-self.places)
        self.checks.append(Check(**fields))

    def subtree(self, code: str) -> set[str]:
        out = {code}
        for child in self.scheme.children(code):
            out |= self.subtree(child.code)
        return out

    # -- scores ---------------------------------------------------------------------
    def points(self) -> None:
        for s in self.stated.scores:
            if s.points is None:
                continue
            full = (
                self.scheme.points
                if s.node == TOTAL
                else self.scheme.node(s.node).points
            )
            if full is None:
                continue
            self.add(
                kind="points",
                subject=self.node_label(s.node),
                stated=s.points.value,
                computed=float(full),
                expression=f"{self.scheme.id}: {_n(full)}",
                ok=abs(full - s.points.value) <= _EPS,
                tolerance=0.0,
                sources=(s.points.source,),
            )

    def sums(self) -> None:
        for s in self.stated.scores:
            if s.value is None:
                continue
            if s.node == TOTAL:
                children = list(self.scheme.roots())
            elif getattr(self.scheme.rule(s.node), "kind", None) == "sum":
                children = list(self.scheme.children(s.node))
            else:
                continue
            parts = [self.scores.get(c.code) for c in children]
            if not children or any(p is None or p.value is None for p in parts):
                continue
            values = [p.value for p in parts if p is not None and p.value is not None]
            computed = math.fsum(v.value for v in values)
            self.add(
                kind="sum",
                subject=self.node_label(s.node),
                stated=s.value.value,
                computed=computed,
                expression=" + ".join(_n(v.value) for v in values)
                + f" = {_n(computed)}",
                ok=self.equal(s.value.value, computed),
                sources=(s.value.source, *(v.source for v in values)),
            )

    def lines_in(self, code: str) -> list[StatedDeduction]:
        codes = self.subtree(code) if code != TOTAL else None
        return [d for d in self.stated.deductions if codes is None or d.node in codes]

    def from_deductions(self, code: str) -> float | None:
        """Return the score *code* must have given the stated deductions."""
        if code == TOTAL:
            parts = [self.from_deductions(r.code) for r in self.scheme.roots()]
            return (
                None if None in parts else math.fsum(p for p in parts if p is not None)
            )
        node = self.scheme.node(code)
        kind = getattr(self.scheme.rule(code), "kind", None)
        if kind == "sum":
            parts = [
                self.from_deductions(c.code)
                for c in self.scheme.children(code)
                if not c.is_item
            ]
            if None in parts:
                return None
            return self.rounding.round(math.fsum(p for p in parts if p is not None))
        if node.points is None:
            return None
        role = getattr(self.scheme.rule(code), "role", None)
        if kind != "deduct" and role != "score":
            return None  # an aggregation perfkpi cannot undo from deductions
        lost = math.fsum(d.points.value for d in self.lines_in(code))
        return self.rounding.round(max(node.points - lost, 0.0))

    def deductions(self) -> None:
        if not self.stated.deductions:
            return
        roots_with_lines = {
            r.code for r in self.scheme.roots() if self.lines_in(r.code)
        }
        for s in self.stated.scores:
            if s.value is None:
                continue
            if s.node == TOTAL:
                if len(roots_with_lines) < len(self.scheme.roots()):
                    continue
                full = self.scheme.points
            else:
                root = self.root_of(s.node)
                if root not in roots_with_lines:
                    continue
                full = self.scheme.node(s.node).points or 0.0
            computed = self.from_deductions(s.node)
            if computed is None:
                self.unchecked.append(
                    f"{self.node_label(s.node)} {_n(s.value.value)}: "
                    + (
                        "其规则不能由扣分倒推得分"
                        if self.zh
                        else "its rule does not give a score from deductions"
                    )
                )
                continue
            lines = self.lines_in(s.node)
            terms = " + ".join(_n(d.points.value) for d in lines) or "0"
            flat = self.rounding.round(full - math.fsum(d.points.value for d in lines))
            expression = (
                f"{_n(full)} − ({terms}) = {_n(computed)}"
                if abs(flat - computed) <= _EPS
                else f"{self.floor_text()} = {_n(computed)}"
            )
            self.add(
                kind="deductions",
                subject=self.node_label(s.node),
                stated=s.value.value,
                computed=computed,
                expression=expression,
                ok=self.equal(s.value.value, computed),
                sources=(s.value.source, *(d.points.source for d in lines)),
            )

    def floor_text(self) -> str:
        return (
            "各项得分扣完为止后相加"
            if self.zh
            else "each node floored at zero, then summed"
        )

    def root_of(self, code: str) -> str:
        node = self.scheme.node(code)
        while node.parent is not None:
            node = self.scheme.node(node.parent)
        return node.code

    def grade(self) -> None:
        total = self.scores.get(TOTAL)
        if not self.stated.grade or total is None or total.value is None:
            return
        grade = self.scheme.grades.grade(total.value.value)
        self.add(
            kind="grade",
            subject=self.node_label(TOTAL),
            stated=self.stated.grade,
            computed=grade,
            expression=f"{self.scheme.grades.name}({_n(total.value.value)})",
            ok=grade == self.stated.grade,
            tolerance=0.0,
            sources=(total.value.source,),
        )

    # -- scores of leaves from their actuals --------------------------------------
    def leaf_scores(self) -> None:
        """Recompute each stated leaf score from its stated actual."""
        for s in self.stated.scores:
            if s.actual is None or s.value is None:
                continue
            node = self.scheme.node(s.node)
            subject = self.node_label(s.node)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    score, met = self.rescore(node, s.actual)
            except (DataError, IncompatibleUnitError) as exc:
                self.unreadable("score", subject, s.value.value, s.actual, node, exc)
                continue
            except (PerfKPIError, ValueError, TypeError, KeyError) as exc:
                why = "规则无法单独复算" if self.zh else "the rule cannot recompute it"
                self.unchecked.append(f"{subject} {_n(s.value.value)}: {why} ({exc})")
                continue
            ok = self.equal(s.value.value, score)
            notes = [] if ok else [self.score_why(node, s, score, met)]
            if caught:
                notes.append(_warned(caught))
            self.add(
                kind="score",
                subject=subject,
                stated=s.value.value,
                computed=score,
                expression=self.rule_text(node, s.actual, met),
                ok=ok,
                sources=(s.value.source,),
                note=" ".join(notes),
            )

    def alone(self, node: Node) -> Scheme:
        """Return a scheme of *node* alone, with the rule the scheme gives it."""
        leaf = attrs.evolve(node, parent=None, rule=self.scheme.rule(node.code))
        return self.part([leaf], node.points or 0.0)

    def part(self, nodes: Sequence[Node], points: float) -> Scheme:
        """Return a scheme of *nodes* with every option of the scheme checked.

        Its rounding, grade scale and policies are the scheme's, so a rule is
        recomputed as the scheme computes it (and an ordinal rule keeps the
        scale it is declared with); overrides name nodes left out, so go.
        """
        return attrs.evolve(
            self.scheme, id="check", nodes=tuple(nodes), points=points, overrides=()
        )

    def rescore(self, node: Node, actual: object) -> tuple[float, bool | None]:
        """Return the score the scheme's rule gives *node* for *actual*."""
        if node.points is None or self.scheme.children(node.code):
            msg = f"node {node.code} is not a scored leaf"
            raise ValueError(msg)
        if node.points == 0:  # no rule gives more than the points
            self.read(node, actual)  # but the actual must still read
            met = node.target.is_met(actual) if node.target is not None else None
            return 0.0, met
        ev = evaluate(self.alone(node), {node.code: actual})
        if node.code not in ev.scores:
            msg = f"node {node.code} is not applicable"
            raise ValueError(msg)
        return self.rounding.round(ev.scores[node.code]), ev.met.get(node.code)

    def rule_text(self, node: Node, actual: object, met: bool | None) -> str:
        rule = self.scheme.rule(node.code)
        describe = getattr(rule, "describe", None)
        text = str(describe(self.lang)) if callable(describe) else ""
        shown = _actual_text(actual)
        if self.zh:
            target = f"，目标{node.target}" if node.target else ""
            state = {True: "（达成）", False: "（未达成）", None: ""}[met]
            return f"实际{shown}{target}{state}，{text}"
        target = f", target {node.target}" if node.target else ""
        state = {True: " (met)", False: " (not met)", None: ""}[met]
        return f"actual {shown}{target}{state}, {text}"

    def score_why(
        self, node: Node, s: StatedScore, score: float, met: bool | None
    ) -> str:
        stated = s.value.value if s.value is not None else 0.0
        shown = _actual_text(s.actual)
        full = node.points is not None and abs(stated - node.points) <= _EPS
        if full and met is False:
            if self.zh:
                return (
                    f"报告给出满分{_n(stated)}分，但实际{shown}未达到目标"
                    f"{node.target}，按本方案规则应得{_n(score)}分。"
                )
            return (
                f"The report gives full points ({_n(stated)}), but the actual "
                f"{shown} misses the target {node.target}: the scheme's rule "
                f"gives {_n(score)}."
            )
        if self.zh:
            return f"按本方案规则，实际{shown}应得{_n(score)}分，报告为{_n(stated)}分。"
        return (
            f"By the scheme's rule the actual {shown} scores {_n(score)}; the "
            f"report states {_n(stated)}."
        )

    def unreadable(
        self,
        kind: Kind,
        subject: str,
        stated: float,
        actual: object,
        node: Node,
        exc: Exception,
    ) -> None:
        """Flag a stated actual the node's rule cannot read: never a pass."""
        target = node.target if node.target is not None else "—"
        if self.zh:
            why = f"所报实际值{_actual_text(actual)}无法按目标{target}读取：{exc}"
        else:
            why = (
                f"the stated actual {_actual_text(actual)} cannot be read against "
                f"the target {target}: {exc}"
            )
        self.add(
            kind=kind,
            subject=subject,
            stated=stated,
            computed=None,
            expression="—",
            ok=False,
            note=why,
        )

    # -- stated actuals against the data ------------------------------------------
    def actuals(self) -> None:
        """Compare each stated actual with the data's actual for its node."""
        if self.data is None:
            return
        rows: list[tuple[str, object, str]] = [
            (s.node, s.actual, s.value.source if s.value else "")
            for s in self.stated.scores
            if s.actual is not None
        ]

        def walk(lines: Sequence[StatedDeduction]) -> None:
            for d in lines:
                if d.actual is not None:
                    rows.append((d.node, d.actual, d.points.source))
                walk(d.parts)

        walk(self.stated.deductions)
        given = self.data.actuals
        for code, stated, source in rows:
            if code not in given:
                continue
            node = self.scheme.node(code)
            data_actual = given[code]
            subject = self.node_label(code)
            try:
                lo, hi = self.actual_interval(node, stated)
                value = self.read(node, data_actual)
            except (PerfKPIError, ValueError, TypeError) as exc:
                ok, how = False, f"{exc}"
            else:
                ok = lo - _EPS <= value <= hi + _EPS
                how = (
                    f"数据中{code}的实际值"
                    if self.zh
                    else f"the data's actual of {code}"
                )
            note = ""
            if not ok:
                note = (
                    "报告所述实际值与数据不符，得分复核依据的是报告所述。"
                    if self.zh
                    else "The stated actual contradicts the data; the score "
                    "checks above use the stated one."
                )
            self.add(
                kind="actual",
                subject=subject,
                stated=_actual_text(stated),
                computed=_actual_text(data_actual, node),
                expression=how,
                ok=ok,
                tolerance=0.0,
                sources=(source,),
                note=note,
            )

    def read(self, node: Node, actual: object) -> float:
        """Return *actual* as the number the node's rule reads."""
        rule = self.scheme.rule(node.code)
        if rule is not None and getattr(rule, "role", None) == "score":
            return rule.read(actual, node, node.code)
        if node.target is None:
            msg = f"node {node.code} has no target to read an actual against"
            raise ValueError(msg)
        return node.target.to_value(actual, where=node.code)

    def actual_interval(self, node: Node, actual: object) -> tuple[float, float]:
        """Return the values a written actual stands for, in the node's terms.

        ``"98.5%"`` stands for [98.45 %, 98.55 %) under half-up rounding; a
        label, a date, a category or a count stands for itself.
        """
        value = self.read(node, actual)
        quantity = node.target is not None and node.target.kind == "quantity"
        if not quantity or isinstance(actual, bool):
            return value, value
        if isinstance(actual, str):
            text = actual
        elif isinstance(actual, int | float):
            text = format_number(float(actual))
        else:
            return value, value
        try:
            written = parse_quantity(text)
        except PerfKPIError:
            return value, value
        decimals = _DECIMALS.search(text)
        places = len(decimals.group(1)) if decimals else 0
        lo, hi = _interval(Figure(written.value, places), self.rounding.mode)
        symbol = written.unit.symbol if written.unit else ""
        ends = [self.read(node, f"{_n(x)}{symbol}") for x in (lo, hi)]
        return min(ends), max(ends)

    # -- deductions ------------------------------------------------------------------
    def subtotals(self, lines: Sequence[StatedDeduction]) -> None:
        for d in lines:
            subject = self.deduction_label(d)
            if d.parts:
                computed = math.fsum(p.points.value for p in d.parts)
                self.add(
                    kind="subtotal",
                    subject=subject,
                    stated=d.points.value,
                    computed=computed,
                    expression=" + ".join(_n(p.points.value) for p in d.parts)
                    + f" = {_n(computed)}",
                    ok=self.equal(d.points.value, computed),
                    sources=(d.points.source, *(p.points.source for p in d.parts)),
                )
                self.subtotals(d.parts)
            if d.actual is not None or d.unmet is not None:
                self.rule(d, subject)

    def deduction_label(self, d: StatedDeduction) -> str:
        label = self.node_label(d.node)
        return f"{label} {d.category}" if d.category else label

    def rule(self, d: StatedDeduction, subject: str) -> None:
        """Recompute a deduction from the stated actual by the scheme's rule."""
        node = self.scheme.node(d.node)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                lost, how = self.recompute(node, d)
        except (DataError, IncompatibleUnitError) as exc:
            self.unreadable("rule", subject, d.points.value, d.actual, node, exc)
            return
        except (PerfKPIError, ValueError, TypeError, KeyError) as exc:
            why = (
                "规则无法单独复算" if self.zh else "the rule cannot recompute it alone"
            )
            self.unchecked.append(f"{subject} {_n(d.points.value)}: {why} ({exc})")
            return
        self.add(
            kind="rule",
            subject=subject,
            stated=d.points.value,
            computed=lost,
            expression=how,
            ok=self.equal(d.points.value, lost),
            sources=(d.points.source,),
            note=_warned(caught),
        )

    def recompute(self, node: Node, d: StatedDeduction) -> tuple[float, str]:
        scheme = self.scheme
        rule = scheme.rule(node.code)
        describe = getattr(rule, "describe", None)
        if d.unmet is not None:
            if node.points is None:
                msg = f"node {node.code} has no points to deduct from"
                raise ValueError(msg)
            alone = self.part([attrs.evolve(node, parent=None)], node.points)
            items = [Item(node.code, f"#{i + 1}", "是", "否") for i in range(d.unmet)]
            ev = evaluate(alone, Data(items=items))
            lost = self.rounding.round(node.points - ev.total)
            text = str(describe(self.lang)) if callable(describe) else ""
            unmet = f"{d.unmet}项未达成" if self.zh else f"{d.unmet} unmet"
            return lost, f"{unmet}，{text}" if self.zh else f"{unmet}, {text}"
        if node.is_item:
            parent = scheme.node(str(node.parent))
            alone = self.part(
                [attrs.evolve(parent, parent=None), node], parent.points or 0.0
            )
            ev = evaluate(alone, {node.code: d.actual})
            lost = ev.penalties[node.code]
        else:
            alone = self.part([attrs.evolve(node, parent=None)], node.points or 0.0)
            ev = evaluate(alone, {node.code: d.actual})
            lost = self.rounding.round((node.points or 0.0) - ev.scores[node.code])
        rule_text = (
            str(describe(self.lang))
            if callable(describe)
            else ("上级规则" if self.zh else "parent's rule")
        )
        target = f"，目标{node.target}" if self.zh else f", target {node.target}"
        actual = f"实际{d.actual}" if self.zh else f"actual {d.actual}"
        sep = "，" if self.zh else ", "
        return lost, f"{actual}{target if node.target else ''}{sep}{rule_text}"

    @property
    def lang(self) -> str:
        return "zh" if self.zh else "en"

    # -- amounts and rates -------------------------------------------------------------
    def in_unit(self, fig: Figure, unit: str) -> tuple[float, float]:
        """Return the interval of *fig* converted to *unit*."""
        lo, hi = _interval(fig, self.rounding.mode)
        if fig.unit == unit or not fig.unit or not unit:
            return lo, hi
        src, dst = _unit(fig.unit), _unit(unit)
        return convert(lo, src, dst), convert(hi, src, dst)

    def amount_sums(self) -> None:
        for a in self.stated.amounts:
            if a.parts:
                parts = [self.amounts[p] for p in a.parts]
                bounds = [self.in_unit(p.value, a.value.unit) for p in parts]
                low = math.fsum(b[0] for b in bounds)
                high = math.fsum(b[1] for b in bounds)
                computed = math.fsum(
                    self.value_in(p.value, a.value.unit) for p in parts
                )
                stated = _interval(a.value, self.rounding.mode)
                self.add(
                    kind="amount",
                    subject=a.name,
                    stated=a.value.value,
                    computed=computed,
                    expression=" + ".join(
                        f"{p.name} {_n(p.value.value)}{p.value.unit}" for p in parts
                    )
                    + f" = {_n(computed)}{a.value.unit}",
                    ok=_meet(stated, (low, high)),
                    tolerance=(high - low + stated[1] - stated[0]) / 2,
                    unit=a.value.unit,
                    places=a.value.places,
                    sources=(a.value.source, *(p.value.source for p in parts)),
                )
            if a.within:
                whole = self.amounts[a.within]
                part = self.in_unit(a.value, whole.value.unit)
                total = _interval(whole.value, self.rounding.mode)
                ok = part[0] <= total[1] + _EPS
                self.add(
                    kind="within",
                    subject=f"{a.name} ≤ {whole.name}",
                    stated=a.value.value,
                    computed=whole.value.value,
                    expression=(
                        f"{whole.name} {_n(whole.value.value)}{whole.value.unit}"
                    ),
                    ok=ok,
                    tolerance=0.0,
                    unit=a.value.unit,
                    places=max(a.value.places, whole.value.places),
                    sources=(a.value.source, whole.value.source),
                )

    def value_in(self, fig: Figure, unit: str) -> float:
        if fig.unit == unit or not fig.unit or not unit:
            return fig.value
        return convert(fig.value, _unit(fig.unit), _unit(unit))

    def operand(self, ref: str | Figure) -> tuple[Figure, str]:
        if isinstance(ref, str):
            amount = self.amounts[ref]
            return amount.value, f"{ref} {_n(amount.value.value)}{amount.value.unit}"
        return ref, f"{_n(ref.value)}{ref.unit}"

    def rates(self) -> None:
        for r in self.stated.rates:
            if r.numerator is None or r.denominator is None:
                continue
            num, num_text = self.operand(r.numerator)
            den, den_text = self.operand(r.denominator)
            scale = {"%": 100.0, "‰": 1000.0}.get(r.value.unit, 1.0)
            n_lo, n_hi = _interval(num, self.rounding.mode)
            d_lo, d_hi = self.in_unit(den, num.unit)
            if d_lo <= 0:
                continue
            low, high = scale * n_lo / d_hi, scale * n_hi / d_lo
            computed = scale * num.value / self.value_in(den, num.unit)
            stated = _interval(r.value, self.rounding.mode)
            ok = _meet(stated, (low, high))
            note = "" if ok else self.modes_note(r.value, (low, high))
            slash = "÷" if self.zh else "/"
            self.add(
                kind="rate",
                subject=r.name,
                stated=r.value.value,
                computed=computed,
                expression=(
                    f"{num_text} {slash} {den_text} = "
                    f"{_n(round(computed, 4))}{r.value.unit}"
                ),
                ok=ok,
                tolerance=(stated[1] - stated[0]) / 2 + (high - low) / 2,
                unit=r.value.unit,
                places=r.value.places,
                sources=(
                    r.value.source,
                    *(
                        self.amounts[x].value.source
                        for x in (r.numerator, r.denominator)
                        if isinstance(x, str)
                    ),
                ),
                note=note,
            )

    def modes_note(self, fig: Figure, computed: tuple[float, float]) -> str:
        modes = [
            m
            for m in RoundingMode
            if m is not self.rounding.mode and _meet(_interval(fig, m), computed)
        ]
        if not modes:
            return ""
        names = (
            "、".join(_MODE_WORDS[m][0] for m in modes)
            if self.zh
            else ", ".join(_MODE_WORDS[m][1] for m in modes)
        )
        if self.zh:
            mode = _MODE_WORDS[self.rounding.mode][0]
            return f"（若按{names}取整则相符；本方案为{mode}）"
        return (
            f"(it holds under {names}; the scheme rounds "
            f"{_MODE_WORDS[self.rounding.mode][1]})"
        )

    def loose_figures(self) -> None:
        used: set[str] = set()
        for a in self.stated.amounts:
            if a.parts or a.within:
                used.add(a.name)
                used.update(a.parts)
                if a.within:
                    used.add(a.within)
        for r in self.stated.rates:
            for x in (r.numerator, r.denominator):
                if isinstance(x, str):
                    used.add(x)
        for a in self.stated.amounts:
            if a.name not in used:
                self.unchecked.append(
                    f"{a.name} {a.value}"
                    + ("：未给出构成" if self.zh else ": no parts stated")
                )
        for r in self.stated.rates:
            if r.numerator is None or r.denominator is None:
                self.unchecked.append(
                    f"{r.name} {r.value}"
                    + (
                        "：未给出分子分母"
                        if self.zh
                        else ": no numerator and denominator stated"
                    )
                )

    def run(self) -> None:
        self.points()
        self.sums()
        self.deductions()
        self.grade()
        self.leaf_scores()
        self.actuals()
        self.subtotals(self.stated.deductions)
        self.amount_sums()
        self.rates()
        self.loose_figures()


def _actual_text(actual: object, node: Node | None = None) -> str:
    if isinstance(actual, int | float) and not isinstance(actual, bool):
        target = node.target if node is not None else None
        unit = target.unit.symbol if target is not None and target.unit else ""
        return _n(float(actual)) + (
            unit if target and target.kind == "quantity" else ""
        )
    if isinstance(actual, Mapping):
        return "、".join(f"{k}={_actual_text(v)}" for k, v in actual.items())
    if isinstance(actual, tuple | list):
        return "[" + "、".join(_actual_text(a) for a in actual) + "]"
    return str(actual)


def _warned(caught: Sequence[warnings.WarningMessage]) -> str:
    return " ".join(str(w.message) for w in caught)


def _unit(symbol: str) -> Unit:
    from perfkpi.units import DEFAULT_UNITS  # noqa: PLC0415

    return DEFAULT_UNITS.get(symbol)


def _validate(scheme: Scheme, stated: Stated) -> None:
    problems: list[str] = []

    def known(code: str, where: str) -> None:
        if code != TOTAL and code not in scheme:
            problems.append(f"node {code!r} is not in scheme {scheme.id!r} @ {where}")

    for i, s in enumerate(stated.scores):
        known(s.node, f"score[{i}]")
        if s.actual is None or s.node not in scheme:
            continue
        node = scheme.node(s.node)
        rule = scheme.rule(s.node)
        if scheme.children(s.node) or node.points is None:
            what = "has children" if scheme.children(s.node) else "is an item"
        elif getattr(rule, "role", None) != "score":
            kind = getattr(rule, "kind", "no rule")
            what = f"is scored by {kind!r}, which reads no actual"
        else:
            continue
        problems.append(
            f"node {s.node!r} {what}: an actual belongs on a scored leaf's "
            f"row (an item's actual on its [[deduction]] row) @ score[{i}]"
        )

    def walk(lines: Sequence[StatedDeduction], where: str) -> None:
        for i, d in enumerate(lines):
            if d.node == TOTAL:
                problems.append(
                    f"a deduction names a node, not the total @ {where}[{i}]"
                )
            known(d.node, f"{where}[{i}]")
            walk(d.parts, f"{where}[{i}].parts")

    walk(stated.deductions, "deduction")
    if problems:
        raise StatedError(stated.source or "stated figures", problems)


def check_report(
    scheme: Scheme, stated: Stated, *, lang: str = "zh", data: Data | None = None
) -> CheckResult:
    """Recompute every relation among the figures a report states.

    Parameters
    ----------
    scheme
        The scheme the report was scored by.
    stated
        The figures the report states (:func:`load_stated`).
    lang
        The language of the expressions and notes: ``"zh"`` or ``"en"``.
    data
        The entity's data, when the reviewer has it: each actual a row states
        is then compared with the data's actual for the same node.

    Returns
    -------
    CheckResult
        Every relation checked; :attr:`CheckResult.mismatches` are those that
        do not hold within rounding.

    Raises
    ------
    StatedError
        If a stated node code is not in the scheme, or a score row gives an
        actual for a node that has children or is an item.

    Notes
    -----
    The relations checked:

    - stated full points against the scheme's;
    - each ``sum`` node (and the total) against its stated children;
    - each stated score against its full points less the stated deductions in
      its subtree, nodes floored at zero (only for first-level nodes that
      have stated deductions: a report that lists none is not read as
      claiming none);
    - each deduction with parts against the sum of its parts;
    - each deduction with a stated actual (or number of unmet indicators)
      against what the node's own rule gives, recomputed with
      :func:`perfkpi.evaluate` on that node alone;
    - each amount with parts against their sum, and each part against the
      whole it lies within;
    - each rate with a numerator and a denominator against their quotient;
    - the stated grade against the scheme's grade of the stated total;
    - each leaf score with a stated actual against what the node's rule gives
      for that actual (a full-marks score whose actual misses its target is
      flagged, with both numbers, the rule and why);
    - with *data*, each stated actual against the data's actual for its
      node, within the precision it is written with.

    An actual the node's rule cannot read (``"98.5"`` against a ``是`` target)
    is a mismatch, never a pass.
    """
    _validate(scheme, stated)
    checker = _Checker(scheme, stated, lang, data)
    checker.run()
    notes: list[str] = []
    if stated.scheme and stated.scheme != scheme.id:
        notes.append(
            f"注意：报告注明的评分方案为{stated.scheme!r}，复核使用{scheme.id!r}。"
            if lang == "zh"
            else f"note: the report names scheme {stated.scheme!r}; checked against "
            f"{scheme.id!r}."
        )
    title = " ".join(x for x in (stated.title or stated.entity, stated.period) if x)
    if stated.title:
        title = stated.title
    language = "zh" if lang == "zh" else "en"
    return CheckResult(checker.checks, checker.unchecked, notes, title, language)
