"""Reading the rows of a table into nodes and data; the figures a sheet states."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from perfkpi.deductions import Finding
from perfkpi.errors import DataError, PerfKPIError, SchemeError
from perfkpi.excel._model import StatedFigure
from perfkpi.excel._table import (
    _OWN_ROW,
    _Cell,
    _exact_difference,
    _header_key,
    _number,
    _Row,
    _text,
    _value,
)
from perfkpi.rules import Deduct, Qualitative, Rule, Sum, infer_rule, rule_from_dict
from perfkpi.scheme import Node, target_for
from perfkpi.targets import Comparator, Target, parse_target
from perfkpi.units import DEFAULT_UNITS

_NOT_APPLICABLE = ("不适用", "N/A", "NA", "/", "—", "－")


_NATURES: dict[str, tuple[str, ...]] = {
    "higher": ("正向", "正向指标", "越大越好", "≥", ">=", ">", "高优"),
    "lower": ("反向", "反向指标", "越小越好", "≤", "<=", "<", "低优"),
    "qualitative": ("定性", "定性指标"),
    "": ("定量", "定量指标"),
}
_DIRECTIONS = ("higher", "lower")
_NATURE_DIRECTION: dict[str, Literal["higher", "lower"]] = {
    word: direction  # type: ignore[misc]
    for direction in _DIRECTIONS
    for word in _NATURES[direction]
}


@attrs.frozen
class _Read:
    """One row read: its node, and what it brings to the data."""

    node: Node
    actual: object = None
    finding: Finding | None = None
    not_applicable: bool = False
    score: float | None = None
    reason: str = ""


@attrs.define
class _Reader:
    """Reads the rows of one sheet, collecting every problem with its cell."""

    source: str
    sheet: str
    found: list[tuple[int, int, SchemeError]] = attrs.field(factory=list)
    failed: set[str] = attrs.field(factory=set)
    merged: set[str] = attrs.field(factory=set)

    def empty(self, row: _Row, field: str, code: str, problem: str) -> None:
        """Report an empty cell, unless a range merged over it was reported."""
        cell = row.get(field)
        if cell is not None and cell.span in self.merged:
            return
        if cell is not None and cell.merged_from:
            problem += (
                f" ({cell.span} is merged: its {_COLUMNS[field]} is the "
                "group's, in its first row)"
            )
        self.fail(row, field, code, problem)

    def fail(self, row: _Row, field: str | None, code: str, problem: str) -> None:
        cell = row.get(field) if field else None
        coordinate = cell.coordinate if cell is not None else row.place()
        place = f"{self.source}: {self.sheet}!{coordinate}"
        where = f"{place}: node {code}" if code else place
        column = next((i for i, c in enumerate(row.cells.values()) if c is cell), 0)
        self.found.append((row.number, column, SchemeError(where, problem)))
        self.failed.add(code)

    @property
    def errors(self) -> list[SchemeError]:
        """The problems found, in the order of their cells."""
        return [e for _, _, e in sorted(self.found, key=lambda t: (t[0], t[1]))]

    def points(self, row: _Row, code: str) -> float | None:
        cell = row.get("points")
        if cell is None or _text(cell.value) == "":
            return None
        raw = cell.value
        number = _number(raw)
        if cell.percent and isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(decimal.Decimal(repr(float(raw))) * 100)  # 权重 10% → 10
        if number is None or number < 0:
            self.fail(row, "points", code, f"分值 must be a number >= 0 (got {raw!r})")
            return None
        return number

    def target(self, row: _Row, code: str) -> tuple[Target | None, str]:
        """Return the row's target, or None and the text when it is not one.

        Text with no digit (``有效提升``) is a qualitative indicator's target;
        text with a digit that cannot be read is a problem.
        """
        value = row.value("target")
        if isinstance(value, dt.date):
            value = f"{value.year}年{value.month}月{value.day}日"
        text = value if isinstance(value, str) else _text(value)
        if not text or text in _NOT_APPLICABLE:
            return None, ""
        symbol = _text(row.value("symbol"))
        unit = _text(row.value("unit"))
        if symbol and symbol != "定性" and not text.startswith(symbol):
            text = symbol + text
        if unit and unit in DEFAULT_UNITS and isinstance(value, int | float):
            text += unit
        direction = self.nature(row, code)
        try:
            parse_target(text)
        except PerfKPIError as exc:
            if any(ch.isdigit() for ch in text):
                self.fail(row, "target", code, f"指标值: {exc}")
            return None, text
        try:
            given: Literal["higher", "lower"] | None = (
                "lower" if direction == "lower" else None
            )
            if direction == "higher":
                given = "higher"
            target = target_for(text, given, unit=unit or None)
        except PerfKPIError:
            msg = (
                f"指标值 {text!r} is a bare number: write ≥ or ≤ before it, or "
                "give the sheet a 指标性质 column (正向 or 反向)"
            )
            self.fail(row, "target", code, msg)
            return None, text
        if direction in _DIRECTIONS and not _agrees(target, direction):
            nature = _text(row.value("nature"))
            msg = f"指标性质 {nature!r} contradicts the target {text!r}"
            self.fail(row, "nature", code, msg)
        return target, text

    def nature(self, row: _Row, code: str) -> str:
        """Return the 指标性质: ``higher``, ``lower``, ``qualitative`` or ``""``."""
        text = _header_key(_text(row.value("nature")))
        if not text:
            return ""
        for nature, words in _NATURES.items():
            if text in words:
                return nature
        allowed = "、".join(w for words in _NATURES.values() for w in words[:1])
        msg = f"指标性质 must be one of {allowed}, ≥ or ≤ (got {text!r})"
        self.fail(row, "nature", code, msg)
        return ""

    def rule(self, row: _Row, code: str) -> Rule | None:
        text = _text(row.value("rule"))
        if not text:
            return None
        spec: object = text
        if text.startswith("{"):
            try:
                spec = json.loads(text)
            except ValueError:
                self.fail(row, "rule", code, f"评分规则 is not a rule: {text!r}")
                return None
        try:
            return rule_from_dict(spec)  # type: ignore[arg-type]
        except (PerfKPIError, TypeError, ValueError):
            return None  # free text describing the rule: kept as a note

    def node(self, row: _Row, code: str, parent: str | None, *, leaf: bool) -> _Read:
        """Read the node of *row* and what it brings to the data."""
        points = self.points(row, code)
        rule = self.rule(row, code)
        target, target_text = self.target(row, code)
        notes = [_text(row.value("note"))]
        if rule is None and _text(row.value("rule")):
            notes.append(f"评分规则：{_text(row.value('rule'))}")
        nature = _header_key(_text(row.value("nature")))
        if not leaf:
            rule = rule or Sum()
        elif rule is None and nature in _NATURES["qualitative"]:
            rule = Qualitative()
        elif rule is None:
            rule = infer_rule(target)
        if isinstance(rule, Qualitative) and target_text:
            notes.insert(0, f"指标值：{target_text}")
        node = Node(
            code,
            row.path[-1],
            parent=parent,
            points=points,
            rule=rule,
            target=target if not isinstance(rule, Qualitative) else None,
            category=_text(row.value("category")),
            note="；".join(n for n in notes if n),
            direction=_NATURE_DIRECTION.get(nature),
        )
        read = _Read(
            node,
            score=_number(row.value("score")),
            reason=_text(row.value("reason")),
        )
        if leaf:
            read = self.leaf(row, read)
        return read

    def leaf(self, row: _Row, read: _Read) -> _Read:
        """Add a leaf's actual, finding or not-applicable marker."""
        node, rule = read.node, read.node.rule
        if node.points is None and _text(row.value("points")) == "":
            msg = "分值 is empty: a leaf needs its points"
            self.empty(row, "points", node.code, msg)
        actual = row.value("actual")
        if isinstance(actual, str) and actual in _NOT_APPLICABLE:
            return attrs.evolve(read, not_applicable=True)
        if isinstance(rule, Deduct):
            return _with_finding(read)
        if isinstance(rule, Qualitative):
            if read.score is None:
                msg = "得分 is empty: a qualitative indicator is scored by its 得分"
                self.empty(row, "score", node.code, msg)
            return attrs.evolve(read, actual=read.score)
        if actual is None or actual == "":
            msg = "实际完成值 is empty (write 不适用 for a node that does not apply)"
            self.empty(row, "actual", node.code, msg)
            return read
        cell = row.get("actual")
        dated = node.target is not None and node.target.kind == "date"
        if dated and isinstance(actual, int | float) and cell is not None:
            msg = (
                f"实际完成值 is the number {actual!r}, not a date: the target "
                f"{node.target} is a deadline; format the cell as a date or write "
                "the date as text (2023年12月31日)"
            )
            self.fail(row, "actual", node.code, msg)
            return read
        if rule is not None and node.points is not None:
            try:
                rule.read(actual, node, node.code)
            except PerfKPIError as exc:
                problem = exc.problem if isinstance(exc, DataError) else str(exc)
                self.fail(row, "actual", node.code, f"实际完成值: {problem}")
        return attrs.evolve(read, actual=actual)


def _agrees(target: Target, direction: str) -> bool:
    """Return whether a one-sided *target* points the way its 指标性质 says."""
    if target.kind != "quantity":
        return True
    higher = target.comparator in (Comparator.GE, Comparator.GT)
    lower = target.comparator in (Comparator.LE, Comparator.LT)
    return not ((higher and direction == "lower") or (lower and direction == "higher"))


def _with_finding(read: _Read) -> _Read:
    """Give a ``deduct`` leaf one finding: the points its 得分 is short of full."""
    node = read.node
    if node.points is None or read.score is None:
        return read
    lost = _exact_difference(node.points, read.score)
    if lost <= 0:
        return read
    finding = Finding(node.code, lost, read.reason or "自评扣分", node.category)
    return attrs.evolve(read, finding=finding)


_COLUMNS = {"points": "分值", "actual": "实际完成值", "score": "得分", "lost": "扣分"}


def _stated(
    sheet: str, rows: Iterable[tuple[str, _Row]], footer: Mapping[str, _Cell]
) -> list[StatedFigure]:
    """Return the figures the rows and the footer state, each with its cell."""
    out: list[StatedFigure] = []
    cells = [(code, field, row.get(field)) for code, row in rows for field in _OWN_ROW]
    cells += [("total", field, cell) for field, cell in footer.items()]
    for code, field, cell in cells:
        if cell is None or field == "actual" or (code != "total" and field == "points"):
            continue
        value = _value(cell)
        column = "等级" if field == "grade" else _COLUMNS[field]
        number = _number(value)
        # a number written as text ("9.50") is that number; "95%" stays text
        percent = isinstance(value, str) and value.endswith("%")
        if number is not None and not percent and not isinstance(value, bool):
            out.append(StatedFigure(code, column, number, f"{sheet}!{cell.coordinate}"))
        elif _text(value):
            out.append(
                StatedFigure(code, column, _text(value), f"{sheet}!{cell.coordinate}")
            )
    return out


def _cell_order(figure: StatedFigure) -> tuple[int, int, str]:
    match = re.search(r"!([A-Z]+)(\d+)$", figure.cell)
    if match is None:
        return (0, 0, figure.cell)
    letters, number = match.groups()
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return (int(number), column, figure.cell)


def _merged(
    reader: _Reader, rows: Sequence[_Row], codes: Mapping[tuple[str, ...], str]
) -> list[StatedFigure]:
    """Check figures merged over several rows; return a group's merged 得分.

    A 分值, 实际完成值, 得分 or 扣分 merged over several rows belongs to the
    group whose rows it covers, all of them and nothing else: to the group's
    own row, when the range starts there (the rows below need their own);
    for a 得分, to the group even without a row of its own (a stated group
    score).  A range that covers part of a group, or rows of several, or a
    group without a row of its own for anything but its 得分, is an error at
    its cell: the value is never copied into each row.
    """
    spans: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        for field in _OWN_ROW:
            cell = row.get(field)
            if cell is not None and cell.span:
                spans.setdefault((field, cell.span), []).append(row)
    out: list[StatedFigure] = []
    for (field, span), covered in spans.items():
        if len(covered) < 2:  # noqa: PLR2004
            continue
        top, label = covered[0], _COLUMNS[field]
        prefix = covered[0].path
        for row in covered[1:]:
            n = 0
            while n < min(len(prefix), len(row.path)) and prefix[n] == row.path[n]:
                n += 1
            prefix = prefix[:n]
        under = [r for r in rows if prefix and r.path[: len(prefix)] == prefix]
        whole = bool(prefix) and [id(r) for r in under] == [id(r) for r in covered]
        if whole and top.path == prefix:
            continue  # the group's own row: the value is its, the rows below own none
        value = top.value(field)
        if whole and field == "score" and _number(value) is not None:
            cell = top.get(field)
            where = f"{reader.sheet}!{cell.coordinate if cell else top.place()}"
            out.append(
                StatedFigure(codes[prefix], "得分", _number(value) or 0.0, where)
            )
            if cell is not None:  # the group's, not its first row's
                top.cells[field] = attrs.evolve(cell, value=None)
            continue
        names = "、".join(r.path[-1] for r in covered)
        if whole:
            msg = (
                f"{label} is merged over {span}, the rows of {names}: it is "
                f"{prefix[-1]}'s {label} as a whole, which has no row of its "
                f"own to hold it; give each row its own {label}"
            )
        else:
            msg = (
                f"{label} is merged over {span}, across {names}: it belongs to "
                f"no one of them; give each row its own {label}"
            )
        reader.fail(top, field, codes[top.path], msg)
        reader.merged.add(span)
        reader.failed.update(codes[r.path] for r in covered)
    return out
