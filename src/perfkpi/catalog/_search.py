"""Searching the library and the bundled schemes."""

from __future__ import annotations

import reprlib
from collections.abc import Iterable

import attrs

from perfkpi.catalog._bundled import scheme, schemes
from perfkpi.catalog._library import (
    _key,
    _library,
)
from perfkpi.catalog._records import Record

# SEARCH_FIELDS is documented in the package, perfkpi.catalog
SEARCH_FIELDS = ("name", "alias", "class", "source")

_TIERS = ("exact", "prefix", "substring")


@attrs.frozen
class _Hit:
    record: Record
    tier: int
    field: int


def _texts(record: Record) -> tuple[tuple[str, ...], ...]:
    """Return the texts of *record* that a search looks in, field by field."""
    category = record.indicator.category
    classes = (*category, "".join(category), record.taxonomy)
    return (
        (record.name, record.code),
        record.aliases,
        classes,
        (record.source,),
    )


def _match(wanted: str, texts: Iterable[str]) -> int | None:
    """Return the best tier at which *wanted* matches one of *texts*."""
    best: int | None = None
    for text in texts:
        key = _key(text)
        if key == wanted:
            return 0
        tier = 1 if key.startswith(wanted) else 2 if wanted in key else None
        if tier is not None and (best is None or tier < best):
            best = tier
    return best


def _hits(query: str) -> list[_Hit]:
    given: object = query  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"query must be text (got {reprlib.repr(given)})"
        raise TypeError(msg)
    wanted = _key(query)
    if not wanted:
        msg = "query is empty: give a word of a name, alias, class or source"
        raise ValueError(msg)
    hits = []
    for rec in _library().records:
        found = [
            (tier, field)
            for field, texts in enumerate(_texts(rec))
            if (tier := _match(wanted, texts)) is not None
        ]
        if found:
            tier, field = min(found)
            hits.append(_Hit(rec, tier, field))
    order = {r.code: i for i, r in enumerate(_library().records)}
    return sorted(hits, key=lambda h: (h.tier, h.field, order[h.record.code]))


def search(query: str) -> tuple[Record, ...]:
    """Return the records that match *query*, best first.

    A record matches when *query* is its name (or code), one of its aliases,
    its class (a class, a class path written without separators, or the
    taxonomy's name) or its source, or the start or a part of one of them;
    widths, spaces, quotes and case do not matter.  Records rank by how
    they match (exact, then prefix, then substring), then by where (name,
    alias, class, source), then in the library's order.

    Raises
    ------
    TypeError
        If *query* is not text.
    ValueError
        If *query* is empty (or only spaces and quotes).

    Examples
    --------
    >>> from perfkpi import catalog
    >>> [r.name for r in catalog.search("执行")][:3]
    ['预算执行率', '政府采购执行率', '制度执行有效性']
    >>> catalog.search("财政供养人员控制率")[0].name     # an alias
    '在职人员控制率'
    """
    return tuple(h.record for h in _hits(query))


def search_schemes(query: str) -> tuple[str, ...]:
    """Return the ids of the bundled schemes whose id, name or source holds *query*.

    Raises
    ------
    TypeError
        If *query* is not text.
    ValueError
        If *query* is empty (or only spaces and quotes).

    Examples
    --------
    >>> from perfkpi import catalog
    >>> catalog.search_schemes("项目支出绩效评价")
    ('cn-project-2020', 'cn-project-eval-2020')
    """
    given: object = query  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"query must be text (got {reprlib.repr(given)})"
        raise TypeError(msg)
    wanted = _key(query)
    if not wanted:
        msg = "query is empty: give a word of a scheme's id, name or source"
        raise ValueError(msg)
    out = []
    for name in schemes():
        found = scheme(name)
        texts = (name, found.name, found.description, found.source)
        if any(wanted in _key(t) for t in texts):
            out.append(name)
    return tuple(out)
