"""The core indicator library (核心绩效指标库) and the standard schemes, as data.

Everything here is a data file in the package: the indicators, each a
:class:`Record` with its source, and their taxonomies in ``indicators.toml``,
the standard schemes under ``schemes/`` and example data sets under ``data/``.
Look an indicator up by its code, Chinese name or an alias, find one with
:func:`search`, and a scheme by its id.

Examples
--------
>>> from perfkpi import catalog
>>> rate = catalog.indicator("预算执行率")
>>> rate.formula, rate.unit, rate.category
('实际支出 / 预算数', '%', ('过程', '预算执行'))
>>> catalog.indicator("sme-procurement-share").name
'中小企业采购份额'
>>> len(catalog.records()) >= 60
True
>>> catalog.record("预算执行率").source.startswith("财预〔2020〕10号")
True
>>> [r.name for r in catalog.search("执行")][:2]
['预算执行率', '政府采购执行率']
>>> catalog.schemes()[:2]
('cn-project-2020', 'cn-project-eval-2020')
>>> catalog.scheme("gz-dept-overall").name
'广州市市级部门整体支出绩效自评'
"""

from __future__ import annotations

import difflib
import functools
import re
import reprlib
import types
import unicodedata
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from perfkpi.deductions import Data
from perfkpi.errors import SchemeError, SchemeValidationError
from perfkpi.files import indicator_from_dict, load_data, load_scheme, read_document
from perfkpi.indicators import Indicator
from perfkpi.scheme import Scheme

__all__ = [
    "ASSUMABLE",
    "EVIDENCE",
    "NATURES",
    "SEARCH_FIELDS",
    "Family",
    "Record",
    "Taxonomy",
    "data",
    "data_path",
    "datasets",
    "families",
    "indicator",
    "indicator_table",
    "indicators",
    "record",
    "records",
    "scheme",
    "scheme_of",
    "scheme_path",
    "schemes",
    "search",
    "search_schemes",
    "suggest",
    "taxonomies",
    "taxonomy",
    "taxonomy_of",
]


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str) or not isinstance(given, Iterable):
        msg = f"expected a list of text (got {reprlib.repr(given)})"
        raise TypeError(msg)
    out = tuple(given)
    wrong = [v for v in out if not isinstance(v, str)]
    if wrong:
        msg = f"expected a list of text (got {reprlib.repr(wrong[0])} in it)"
        raise TypeError(msg)
    return out


def _classes(values: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    given: object = values  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        msg = f"classes must be a mapping of class to sub-classes (got {given!r:.60})"
        raise TypeError(msg)
    return types.MappingProxyType({k: _str_tuple(v) for k, v in values.items()})


@attrs.frozen
class Taxonomy:
    """A versioned classification of indicators (产出 / 效益 / 满意度 / 成本 …).

    Parameters
    ----------
    name
        Its identifier (``cn-project-2020``).
    title
        Its title, in the words of its source.
    source
        Where it comes from.
    classes
        The first-level classes, each with its sub-classes.

    Raises
    ------
    TypeError
        If *classes* is not a mapping of names to lists of text.
    """

    name: str
    title: str
    source: str
    classes: Mapping[str, tuple[str, ...]] = attrs.field(converter=_classes, hash=False)

    def __contains__(self, path: object) -> bool:
        """Whether *path* (``("产出", "数量")`` or ``("产出",)``) is a class."""
        if not isinstance(path, tuple) or not 1 <= len(path) <= 2:  # noqa: PLR2004
            return False
        if path[0] not in self.classes:
            return False
        return len(path) == 1 or path[1] in self.classes[path[0]]


@attrs.frozen
class Family:
    """A family of the library: one formula, or a few that go together.

    Parameters
    ----------
    name
        The family's name (``“三公”经费控制率, 公用经费控制率``).
    codes
        The codes of its indicators.

    Raises
    ------
    TypeError
        If *codes* is not a list of text.
    """

    name: str
    codes: tuple[str, ...] = attrs.field(converter=_str_tuple)


NATURES = ("≥", "≤", "=", "定性")
"""The 指标性质 of a record: higher is better, lower is better, equal, qualitative."""

EVIDENCE = ("text", "form", "code", "recalled")
"""How a record's source was seen.

``text``: read in the published text; ``form``: read in a published form or
report; ``code``: read in a finance ministry's scoring code; ``recalled``: the
document and article are named from memory of the published rule and are to
be checked against its text before they are quoted.
"""

ASSUMABLE = ("unit", "nature", "category", "formula", "explanation", "basis", "core")
"""The fields of a record that may be marked assumed (inferred, not read)."""

_NATURE_OF = {"higher": "≥", "lower": "≤", "qualitative": "定性"}


def _check_nature(record: Record, _: attrs.Attribute[str], value: str) -> None:
    if value not in NATURES:
        msg = f"nature must be one of {', '.join(NATURES)} (got {value!r:.40})"
        raise ValueError(msg)
    direction = record.indicator.direction
    if value != "=" and _NATURE_OF[direction] != value:
        msg = f"nature {value!r} does not agree with direction {direction!r}"
        raise ValueError(msg)
    if value == "=" and direction == "qualitative":
        msg = "nature '=' needs a quantitative direction ('higher' or 'lower')"
        raise ValueError(msg)


def _check_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        msg = f"{attribute.name} must be non-empty text (got {reprlib.repr(value)})"
        raise TypeError(msg) if not isinstance(value, str) else ValueError(msg)


def _check_indicator(_: object, __: attrs.Attribute[Indicator], value: object) -> None:
    if not isinstance(value, Indicator):
        msg = f"indicator must be an Indicator (got {reprlib.repr(value)})"
        raise TypeError(msg)


def _check_evidence(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in EVIDENCE:
        msg = f"evidence must be one of {', '.join(EVIDENCE)} (got {value!r:.40})"
        raise ValueError(msg)


def _check_core(_: object, __: attrs.Attribute[bool], value: object) -> None:
    if not isinstance(value, bool):
        msg = f"core must be true or false (got {reprlib.repr(value)})"
        raise TypeError(msg)


def _check_assumed(
    _: object, __: attrs.Attribute[tuple[str, ...]], value: tuple[str, ...]
) -> None:
    wrong = [v for v in value if v not in ASSUMABLE]
    if wrong:
        msg = f"assumed names fields of the record: one of {', '.join(ASSUMABLE)} "
        msg += f"(got {wrong[0]!r:.40})"
        raise ValueError(msg)


@attrs.frozen
class Record:
    """One indicator of the library, with what the library says about it.

    The :class:`~perfkpi.indicators.Indicator` is what a scheme places (name,
    code, unit, direction, class, formula, 指标解释, 取值依据); the record adds
    the fields of an indicator library: its 指标性质, whether it is a core
    indicator, other names it goes by, its source and which of its fields
    were inferred rather than read there.

    Parameters
    ----------
    indicator
        The indicator itself.
    family
        The family it belongs to (one formula, or a few that go together).
    taxonomy
        The name of the taxonomy its class belongs to.
    source
        The document and article (or section) it comes from.
    evidence
        How the source was seen: one of :data:`EVIDENCE`.
    nature
        指标性质: one of :data:`NATURES`; by default the one its direction
        gives (``≥`` for higher, ``≤`` for lower, ``定性`` for qualitative).
    core
        Whether it is a core indicator (核心指标): one a published framework
        sets for every project or department, not one department's own.
    aliases
        Other names it goes by in published schemes.
    assumed
        The fields inferred rather than read in the source, from
        :data:`ASSUMABLE`.

    Raises
    ------
    TypeError
        If *indicator* is not an Indicator, a text field is not text, *core*
        is not a bool, or *aliases* or *assumed* is not a list of text.
    ValueError
        If *source*, *family* or *taxonomy* is empty, *evidence*, *nature*
        or an *assumed* name is not one of those allowed, or *nature* does
        not agree with the indicator's direction.
    """

    indicator: Indicator = attrs.field(validator=_check_indicator)
    family: str = attrs.field(validator=_check_text)
    taxonomy: str = attrs.field(validator=_check_text)
    source: str = attrs.field(validator=_check_text)
    evidence: str = attrs.field(default="text", validator=_check_evidence)
    nature: str = attrs.field(
        default=attrs.Factory(
            lambda self: _NATURE_OF.get(getattr(self.indicator, "direction", ""), ""),
            takes_self=True,
        ),
        validator=_check_nature,
    )
    core: bool = attrs.field(default=False, validator=_check_core)
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    assumed: tuple[str, ...] = attrs.field(
        default=(), converter=_str_tuple, validator=_check_assumed
    )

    @property
    def code(self) -> str:
        """The indicator's code."""
        return self.indicator.code

    @property
    def name(self) -> str:
        """The indicator's name (指标名称)."""
        return self.indicator.name


def _folder(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


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


SEARCH_FIELDS = ("name", "alias", "class", "source")
"""The fields :func:`search` looks in, in the order they rank."""

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


# -- schemes and data sets ----------------------------------------------------------


def _names(folder: str) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in _folder(folder).glob("*.toml")))


_DRIVE = re.compile(r"[A-Za-z]:")


def _looks_like_path(name: str) -> bool:
    """Whether *name* is a file path: a separator, ``..``, NUL or a drive letter."""
    return (
        "/" in name
        or "\\" in name
        or "\0" in name
        or ".." in name
        or _DRIVE.match(name) is not None
    )


def _path(folder: str, name: object) -> Path:
    """Return the file of a bundled scheme or data set, by its name only.

    A name is looked up among the bundled files; it is never joined to a
    folder as given, so no name reaches a file outside the catalog, and no
    file's content is ever quoted back.
    """
    kind = "scheme" if folder == "schemes" else "data set"
    if not isinstance(name, str):
        msg = f"a bundled {kind}'s name must be a str (got {name!r} that is a "
        msg += f"{type(name).__name__})"
        raise TypeError(msg)
    known = _names(folder)
    if name not in known:
        why = ""
        if _looks_like_path(name):
            why = " (names from the catalog only, not a file path)"
        msg = f"no bundled {kind} {name!r}{why}; known: {', '.join(known)}"
        raise KeyError(msg)
    return _folder(folder) / f"{name}.toml"


def schemes() -> tuple[str, ...]:
    """Return the ids of the bundled schemes."""
    return _names("schemes")


def datasets() -> tuple[str, ...]:
    """Return the names of the bundled data sets."""
    return _names("data")


def scheme_path(name: str) -> Path:
    """Return the file of a bundled scheme.

    Raises
    ------
    KeyError
        If no bundled scheme has that id; a file path (a separator, ``..``
        or a drive letter) is never one, and the message says so.
    TypeError
        If *name* is not a str.
    """
    return _path("schemes", name)


def data_path(name: str) -> Path:
    """Return the file of a bundled data set.

    Raises
    ------
    KeyError
        If no bundled data set has that name; a file path (a separator,
        ``..`` or a drive letter) is never one, and the message says so.
    TypeError
        If *name* is not a str.
    """
    return _path("data", name)


def scheme(name: str) -> Scheme:
    """Return a bundled scheme by its id.

    Only the ids :func:`schemes` lists are accepted: *name* is never read as
    a file path.

    Raises
    ------
    KeyError
        If no bundled scheme has that id (a file path included: the message
        says that names come from the catalog only).
    TypeError
        If *name* is not a str.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> catalog.scheme("../data/example-project-2023")
    Traceback (most recent call last):
    ...
    KeyError: "no bundled scheme '../data/example-project-2023' (names from the catalog only, not a file path); known: cn-project-2020, cn-project-eval-2020, dz-dept-overall, gz-dept-overall, yy-dept-overall"
    """  # noqa: E501 (a doctest's expected output)
    scheme_path(name)
    return _scheme(name)


@functools.cache
def _scheme(name: str) -> Scheme:
    return load_scheme(scheme_path(name))


def data(name: str) -> Data:
    """Return a bundled data set by its name.

    A data set names the bundled scheme it is for; formula nodes get their
    actuals computed from its raw inputs.  Only the names :func:`datasets`
    lists are accepted: *name* is never read as a file path.

    Raises
    ------
    KeyError
        If no bundled data set has that name (a file path included: the
        message says that names come from the catalog only).
    TypeError
        If *name* is not a str.
    """
    data_path(name)
    return _data(name)


@functools.cache
def _data(name: str) -> Data:
    path = data_path(name)
    for_scheme = read_document(path).get("scheme")
    if isinstance(for_scheme, str) and for_scheme in schemes():
        return load_data(path, scheme=scheme(for_scheme))
    return load_data(path)  # pragma: no cover (every bundled set names its scheme)


def scheme_of(name: str) -> str:
    """Return the id of the bundled scheme a bundled data set is for ("" if none).

    Raises
    ------
    KeyError
        If no bundled data set has that name.
    TypeError
        If *name* is not a str.
    """
    for_scheme = read_document(data_path(name)).get("scheme", "")
    return for_scheme if isinstance(for_scheme, str) else ""
