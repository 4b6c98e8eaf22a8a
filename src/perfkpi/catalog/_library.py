"""The indicator library as read from ``indicators.toml``, and its lookups."""

from __future__ import annotations

import difflib
import functools
import reprlib
import types
import unicodedata
from collections.abc import Mapping
from typing import Any

import attrs

from perfkpi.catalog._bundled import _folder, _looks_like_path
from perfkpi.catalog._records import Family, Record, Taxonomy
from perfkpi.errors import SchemeError, SchemeValidationError
from perfkpi.files import indicator_from_dict, read_document
from perfkpi.indicators import Indicator


def _key(text: str) -> str:
    """Return the lookup form of a name: NFKC, no spaces or quotes, lower case."""
    norm = unicodedata.normalize("NFKC", text)
    kept = (c for c in norm if not c.isspace() and c not in _QUOTES)
    return "".join(kept).lower()


_QUOTES = "\"'“”‘’「」"


@attrs.frozen
class _Library:
    records: tuple[Record, ...]
    families: tuple[Family, ...]
    taxonomies: Mapping[str, Taxonomy] = attrs.field(hash=False)
    index: Mapping[str, Record] = attrs.field(hash=False)


_RECORD_KEYS = ("family", "taxonomy", "source", "evidence", "nature", "core")


def _record_from(
    raw: Mapping[str, Any], where: str, taxonomies: Mapping[str, Taxonomy]
) -> tuple[Record | None, list[SchemeError]]:
    fields = dict(raw)
    extra = {
        k: fields.pop(k) for k in (*_RECORD_KEYS, "aliases", "assumed") if k in fields
    }
    try:
        made = indicator_from_dict(fields)
    except SchemeValidationError as exc:
        return None, [SchemeError(where, str(e)) for e in exc.exceptions]
    tax = extra.get("taxonomy")
    if tax not in taxonomies:
        return None, [SchemeError(where, f"needs a known taxonomy (got {tax!r})")]
    try:
        record = Record(made, **extra)
    except (TypeError, ValueError) as exc:
        return None, [SchemeError(where, str(exc))]
    if made.category not in taxonomies[record.taxonomy]:
        msg = f"category {made.category} is not a class of {record.taxonomy}"
        return None, [SchemeError(where, msg)]
    return record, []


def _library_from(doc: Mapping[str, Any], source: str) -> _Library:
    errors: list[SchemeError] = []
    taxonomies: dict[str, Taxonomy] = {}
    for i, raw in enumerate(doc.get("taxonomy", [])):
        try:
            taxonomies[raw["name"]] = Taxonomy(
                raw["name"], raw["title"], raw["source"], raw["classes"]
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(SchemeError(f"{source}: taxonomy[{i}]", f"malformed: {exc}"))
    records: list[Record] = []
    members: dict[str, list[str]] = {}
    index: dict[str, Record] = {}
    for i, raw in enumerate(doc.get("indicator", [])):
        where = f"{source}: indicator[{i}]"
        record, problems = _record_from(raw, where, taxonomies)
        errors += problems
        if record is None:
            continue
        for key in (record.code, record.name, *record.aliases):
            if _key(key) in index:
                errors.append(SchemeError(where, f"duplicate code or name {key!r}"))
            index[_key(key)] = record
        records.append(record)
        members.setdefault(record.family, []).append(record.code)
    if errors:
        raise SchemeValidationError(f"invalid indicator library {source}", errors)
    return _Library(
        tuple(records),
        tuple(Family(name, codes) for name, codes in members.items()),
        types.MappingProxyType(taxonomies),
        types.MappingProxyType(index),
    )


@functools.cache
def _library() -> _Library:
    path = _folder("indicators.toml")
    return _library_from(read_document(path), str(path))


def indicators() -> tuple[Indicator, ...]:
    """Return every indicator of the library, in the library's order."""
    return tuple(r.indicator for r in _library().records)


def records() -> tuple[Record, ...]:
    """Return every record of the library, in the library's order."""
    return _library().records


def record(key: str) -> Record:
    """Return the whole record of an indicator, by its code, name or an alias.

    Raises
    ------
    KeyError
        If no indicator has that code, name or alias; the message suggests
        the nearest ones.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> rec = catalog.record("财政供养人员控制率")   # an alias
    >>> rec.name, rec.nature, rec.core
    ('在职人员控制率', '≤', True)
    """
    return _lookup(key)


def indicator(key: str) -> Indicator:
    """Return an indicator by its code or its name.

    Names match whatever their width, spaces or quotes (``"三公"经费控制率``
    finds ``“三公”经费控制率``).

    Raises
    ------
    KeyError
        If no indicator has that code or name; the message suggests the
        nearest ones.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> catalog.indicator('"三公"经费控制率').direction
    'lower'
    >>> catalog.indicator("预算执行")
    Traceback (most recent call last):
    ...
    KeyError: "no indicator '预算执行' in the catalog; did you mean '预算执行率'?"
    """
    return _lookup(key).indicator


def _lookup(key: str) -> Record:
    found = _library().index.get(_key(key)) if isinstance(key, str) else None
    if found is None:
        if isinstance(key, str) and _looks_like_path(key):
            msg = f"no indicator {key!r} (names from the catalog only, not a file path)"
            raise KeyError(msg)
        close = suggest(key) if isinstance(key, str) else ()
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        msg = f"no indicator {key!r} in the catalog{hint}"
        raise KeyError(msg)
    return found


def suggest(key: str, n: int = 2) -> tuple[str, ...]:
    """Return the names of the indicators nearest to *key*, best first.

    Raises
    ------
    TypeError
        If *key* is not text or *n* is not a whole number.
    ValueError
        If *n* is not positive.
    """
    given: object = key  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"key must be text (got {reprlib.repr(given)})"
        raise TypeError(msg)
    if isinstance(n, bool) or not isinstance(n, int):
        msg = f"n must be a whole number (got {reprlib.repr(n)})"
        raise TypeError(msg)
    if n < 1:
        msg = f"n must be 1 or more (got {n})"
        raise ValueError(msg)
    library = _library()
    names = {_key(i.name): i.name for i in library.records}
    codes = {_key(i.code): i.code for i in library.records}
    wanted = _key(key)
    if not wanted:
        return ()
    within = [v for k, v in names.items() if wanted in k or k in wanted]
    if within:  # a name that holds the key (or that it holds) beats a near one
        return tuple(within[:n])
    close = difflib.get_close_matches(wanted, [*names, *codes], n=n, cutoff=0.5)
    found = [*within, *(names.get(c) or codes[c] for c in close)]
    return tuple(dict.fromkeys(found))[:n]


def families() -> tuple[Family, ...]:
    """Return the families of the library, in order."""
    return _library().families


def taxonomies() -> tuple[str, ...]:
    """Return the names of the bundled taxonomies."""
    return tuple(_library().taxonomies)


def taxonomy(name: str) -> Taxonomy:
    """Return a bundled taxonomy by name.

    Raises
    ------
    KeyError
        If there is no such taxonomy (a name that is not text included).
    """
    try:
        return _library().taxonomies[name]
    except (KeyError, TypeError):
        known = ", ".join(taxonomies())
        msg = f"no taxonomy {name!r}; known: {known}"
        raise KeyError(msg) from None


def taxonomy_of(key: str) -> Taxonomy:
    """Return the taxonomy an indicator's category belongs to.

    Raises
    ------
    KeyError
        If no indicator has that code or name.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> catalog.taxonomy_of("成本节约率").name
    'cn-project-2021'
    """
    return taxonomy(_lookup(key).taxonomy)


_DIRECTIONS = {"higher": "正向", "lower": "反向", "qualitative": "定性"}


def indicator_table() -> str:
    """Return the library as a Markdown table, one row per indicator.

    A field inferred rather than read in the source is starred.  The
    documentation's catalog page shows this table; a test keeps the two the
    same.
    """
    head = (
        "| family | code | 指标名称 | 计算公式 | unit | 指标性质 | class "
        "| 取值依据 | core | source | evidence |"
    )
    rows = [head, "|" + "---|" * 11]
    for family in families():
        for code in family.codes:
            rec = _lookup(code)
            ind = rec.indicator

            def star(field: str, text: str, rec: Record = rec) -> str:
                return f"{text} \\*" if text and field in rec.assumed else text

            cells = [
                family.name,
                f"`{ind.code}`",
                ind.name,
                star("formula", ind.formula),
                star("unit", ind.unit),
                star("nature", rec.nature),
                star("category", " › ".join(ind.category) + f" ({rec.taxonomy})"),
                star("basis", ind.basis),
                star("core", "yes" if rec.core else "no"),
                rec.source,
                rec.evidence,
            ]
            rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows) + "\n"
