"""The core indicator library (核心绩效指标库) and the standard schemes, as data.

Everything here is a data file in the package: the common indicators and their
taxonomies in ``indicators.toml``, the standard schemes under ``schemes/`` and
example data sets under ``data/``.  Look an indicator up by its code or its
Chinese name, a scheme by its id.

Examples
--------
>>> from perfkpi import catalog
>>> rate = catalog.indicator("预算执行率")
>>> rate.formula, rate.unit, rate.category
('实际支出 / 预算数', '%', ('过程', '预算执行'))
>>> catalog.indicator("sme-procurement-share").name
'中小企业采购份额'
>>> len(catalog.families())
13
>>> catalog.schemes()
('cn-project-2020', 'dz-dept-overall', 'gz-dept-overall', 'yy-dept-overall')
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
    "Family",
    "Taxonomy",
    "data",
    "data_path",
    "datasets",
    "families",
    "indicator",
    "indicator_table",
    "indicators",
    "scheme",
    "scheme_of",
    "scheme_path",
    "schemes",
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
    indicators: tuple[Indicator, ...]
    families: tuple[Family, ...]
    taxonomies: Mapping[str, Taxonomy] = attrs.field(hash=False)
    taxonomy_of: Mapping[str, str] = attrs.field(hash=False)
    index: Mapping[str, Indicator] = attrs.field(hash=False)


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
    indicators: list[Indicator] = []
    members: dict[str, list[str]] = {}
    taxonomy_of: dict[str, str] = {}
    index: dict[str, Indicator] = {}
    for i, raw in enumerate(doc.get("indicator", [])):
        where = f"{source}: indicator[{i}]"
        fields = dict(raw)
        family = fields.pop("family", None)
        tax = fields.pop("taxonomy", None)
        try:
            made = indicator_from_dict(fields)
        except SchemeValidationError as exc:
            errors += [SchemeError(where, str(e)) for e in exc.exceptions]
            continue
        if not isinstance(family, str) or tax not in taxonomies:
            errors.append(SchemeError(where, "needs a family and a known taxonomy"))
            continue
        if made.category not in taxonomies[tax]:
            msg = f"category {made.category} is not a class of {tax}"
            errors.append(SchemeError(where, msg))
        for key in (made.code, made.name):
            if _key(key) in index:
                errors.append(SchemeError(where, f"duplicate code or name {key!r}"))
            index[_key(key)] = made
        indicators.append(made)
        members.setdefault(family, []).append(made.code)
        taxonomy_of[made.code] = tax
    if errors:
        raise SchemeValidationError(f"invalid indicator library {source}", errors)
    return _Library(
        tuple(indicators),
        tuple(Family(name, codes) for name, codes in members.items()),
        types.MappingProxyType(taxonomies),
        types.MappingProxyType(taxonomy_of),
        types.MappingProxyType(index),
    )


@functools.cache
def _library() -> _Library:
    path = _folder("indicators.toml")
    return _library_from(read_document(path), str(path))


def indicators() -> tuple[Indicator, ...]:
    """Return every indicator of the library, family by family."""
    return _library().indicators


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
    names = {_key(i.name): i.name for i in library.indicators}
    codes = {_key(i.code): i.code for i in library.indicators}
    wanted = _key(key)
    if not wanted:
        return ()
    within = [v for k, v in names.items() if wanted in k or k in wanted]
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
    return taxonomy(_library().taxonomy_of[indicator(key).code])


_DIRECTIONS = {"higher": "正向", "lower": "反向", "qualitative": "定性"}


def indicator_table() -> str:
    """Return the library as a Markdown table, one row per indicator.

    The documentation's catalog page shows this table; a test keeps the two
    the same.
    """
    head = (
        "| family | code | 指标名称 | 计算公式 | unit | direction | class "
        "| 指标值设定依据 | 指标解释 |"
    )
    rows = [head, "|" + "---|" * 9]
    for family in families():
        for code in family.codes:
            ind = indicator(code)
            cells = [
                family.name,
                f"`{ind.code}`",
                ind.name,
                ind.formula,
                ind.unit,
                f"{ind.direction} ({_DIRECTIONS[ind.direction]})",
                " › ".join(ind.category) + f" ({_library().taxonomy_of[code]})",
                ind.basis,
                ind.explanation,
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
    KeyError: "no bundled scheme '../data/example-project-2023' (names from the catalog only, not a file path); known: cn-project-2020, dz-dept-overall, gz-dept-overall, yy-dept-overall"
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
