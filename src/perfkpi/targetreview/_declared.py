"""Reading the declared set: a scheme's leaves, data items or a form."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi._declaration import Declaration
from perfkpi.deductions import Data
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.files import read_document
from perfkpi.indicators import Indicator
from perfkpi.rules import Deduct
from perfkpi.scheme import Scheme
from perfkpi.targetreview._checklist import PLACEHOLDERS, _fold
from perfkpi.targets import Target, parse_target

# -- reading the declared set -----------------------------------------------------


def _record_of(name: str, indicator: Indicator | None) -> Any:  # noqa: ANN401 (a catalog Record)
    for key in (indicator.code if indicator else "", name):
        found = _exact_record(key) if key else None
        if found is not None:
            return found
    return None


@functools.lru_cache(maxsize=4096)
def _exact_record(key: str) -> Any:  # noqa: ANN401 (a catalog Record)
    """Return the library record of *key* (code, name or alias), or ``None``.

    An exact look-up: ``catalog.record`` would work out suggestions for every
    name that is not in the library, which costs more than the review.
    """
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    return catalog._library().index.get(catalog._key(key))  # noqa: SLF001


def _placeholder(text: str) -> str | None:
    folded = _fold(text)
    for mark in PLACEHOLDERS:
        if mark in folded:
            return mark
    return None


@attrs.frozen
class _Raw:
    """A declared indicator before its class is settled."""

    code: str
    name: str
    text: str
    target: Target | None
    stake: float
    context: tuple[str, ...]  # the names and categories above it, nearest first
    indicator: Indicator | None = None
    directional: bool = True
    readable: bool = True
    qualitative: bool = False
    category: tuple[str, ...] = ()  # the class a 申报表 declares it in
    problem: str = ""  # why its target cannot be read, naming the cell


def _scheme_raws(scheme: Scheme) -> list[_Raw]:
    parents = {n.parent for n in scheme.nodes}
    out = []
    for node in scheme.nodes:
        if node.code in parents:
            continue
        rule = scheme.rule(node.code)
        if node.target is None and node.indicator is None and isinstance(rule, Deduct):
            continue  # a container of items or findings, not an indicator
        out.append(
            _Raw(
                node.code,
                node.name,
                "" if node.target is None else str(node.target),
                node.target,
                _stake(scheme, node.code, node.points, rule),
                _context(scheme, node.parent, node.category),
                node.indicator,
                qualitative=node.target is None or node.target.kind == "label",
            )
        )
    return out


def _stake(scheme: Scheme, code: str, points: float | None, rule: object) -> float:
    if points is not None:
        return float(points)
    own = getattr(rule, "points", None)
    if isinstance(own, int | float) and not isinstance(rule, Deduct):
        return float(own)
    parent = scheme.node(code).parent if code in scheme else None
    parent_rule = scheme.rule(parent) if parent else None
    return float(parent_rule.per_unmet) if isinstance(parent_rule, Deduct) else 1.0


def _context(scheme: Scheme, parent: str | None, category: str) -> tuple[str, ...]:
    names = [category] if category else []
    while parent is not None and parent in scheme:
        node = scheme.node(parent)
        names += [node.name, *([node.category] if node.category else [])]
        parent = node.parent
    return tuple(names)


def _item_raws(scheme: Scheme, items: Sequence[Mapping[str, Any]]) -> list[_Raw]:
    used = {n.code for n in scheme.nodes}
    counters: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        where = f"items[{i}]"
        parent = item.get("parent")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataError(where, f"'name' must be text (got {name!r:.40})")
        if not isinstance(parent, str) or parent not in scheme:
            raise DataError(where, f"unknown parent node {parent!r:.40}")
        rule = scheme.rule(parent)
        if not isinstance(rule, Deduct):
            msg = f"items go under 'deduct' nodes; {parent} is not one"
            raise DataError(where, msg)
        code = item.get("code") or ""
        if not isinstance(code, str):
            raise DataError(where, f"'code' must be text (got {code!r:.40})")
        if not code:
            n = counters.get(parent, len(scheme.children(parent)))
            while f"{parent}.{n + 1}" in used:
                n += 1
            code = f"{parent}.{n + 1}"
            counters[parent] = n + 1
        used.add(code)
        out.append(_item_raw(scheme, item, code, name, parent, float(rule.per_unmet)))
    return out


def _item_raw(
    scheme: Scheme,
    item: Mapping[str, Any],
    code: str,
    name: str,
    parent: str,
    stake: float,
) -> _Raw:
    text = item.get("target")
    category = item.get("category") or ""
    context = _context(scheme, parent, category if isinstance(category, str) else "")
    if isinstance(text, Target):
        return _Raw(
            code, name, str(text), text, stake, context,
            qualitative=text.kind == "label",
        )  # fmt: skip
    if text is None or (isinstance(text, str) and not text.strip()):
        return _Raw(code, name, "", None, stake, context, readable=False)
    if not isinstance(text, str):
        msg = f"'target' must be text (got {text!r:.40})"
        raise DataError(f"items of {code}", msg)
    record = _record_of(name, None)
    try:
        higher = parse_target(text, direction="higher")
        lower = parse_target(text, direction="lower")
    except PerfKPIError:
        return _Raw(code, name, text, None, stake, context, readable=False)
    direction = record.indicator.direction if record is not None else None
    target = lower if direction == "lower" else higher
    return _Raw(
        code,
        name,
        text,
        target,
        stake,
        context,
        record.indicator if record is not None else None,
        directional=higher == lower or direction in ("higher", "lower"),
        qualitative=target.kind == "label",
    )


def _form_raws(form: Declaration) -> list[_Raw]:
    """Each indicator of a declaration form, weighing one point."""
    out = []
    for row in form.indicators:
        record = _record_of(row.name, None)
        direction = record.indicator.direction if record is not None else None
        target = row.target
        directional = row.directional or direction in ("higher", "lower")
        if target is not None and not row.nature and direction == "lower":
            target = parse_target(row.text, direction="lower")
        out.append(
            _Raw(
                row.cell,
                row.name,
                row.text,
                target,
                1.0,
                tuple(x for x in (row.second, row.first) if x),
                record.indicator if record is not None else None,
                directional=directional,
                readable=bool(row.text) and (target is not None or row.qualitative),
                qualitative=row.qualitative,
                category=tuple(
                    x for x in (_class_word(row.first), _class_word(row.second)) if x
                ),
                problem=row.error,
            )
        )
    return out


def _class_word(text: str) -> str:
    """Return a form's class as the taxonomies name it: 产出指标 → 产出."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return text.removesuffix("指标") if text != "指标" else ""


def _items_of(data: object) -> tuple[list[Mapping[str, Any]], str, str, str]:
    """Return a data set's items as tables, with its scheme, entity and period."""
    if isinstance(data, Data):
        own: list[Mapping[str, Any]] = [
            attrs.asdict(i, recurse=False) for i in data.items
        ]
        return own, "", data.entity, data.period
    if isinstance(data, str | Path):
        doc = read_document(data)
        where = str(data)
    elif isinstance(data, Mapping):
        doc, where = dict(data), "data"
    else:
        msg = f"expected a data file's path, a Data or a mapping, got {data!r:.60}"
        raise DataError("data", msg)
    items = doc.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise DataError(where, "'items' must be a list of tables")
    scheme = doc.get("scheme", "")
    return items, str(scheme), str(doc.get("entity", "")), str(doc.get("period", ""))
