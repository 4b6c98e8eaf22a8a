"""Entity data from tables, text and files."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from perfkpi import _checks, _hooks
from perfkpi.deductions import Data
from perfkpi.errors import (
    DataError,
    DataValidationError,
    PerfKPIError,
    SchemeError,
)
from perfkpi.files._locate import _as_data, _Locator
from perfkpi.files._problems import _DATA_KEYS, _got, _number, _Problems
from perfkpi.files._read import Format, _format_of, _parse, _read_text
from perfkpi.formulas import compute_actuals
from perfkpi.scheme import Scheme

# -- data ---------------------------------------------------------------------------


def _data_problem(
    problems: _Problems, path: tuple[str | int, ...], exc: Exception
) -> None:
    what = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
    problem = exc.problem if isinstance(exc, DataError | SchemeError) else str(exc)
    problems.add(path, what.lstrip(".") or "data", problem)


def _check_data_entries(doc: Mapping[str, Any], problems: _Problems) -> None:
    """Try each entry of a data document alone, to report every bad one."""
    problems.unknown_keys(doc, _DATA_KEYS, (), "top level")
    for key in ("entity", "period", "scheme"):
        if key in doc and not isinstance(doc[key], str | int):
            problems.add((key,), key, f"{key!r} must be text ({_got(doc[key])})")
    for key in ("actuals", "inputs", "prior", "上年"):
        if key in doc and not isinstance(doc[key], Mapping):
            problems.add((key,), key, f"expected a table ({_got(doc[key])})")
    if "prior" in doc and "上年" in doc:
        problems.add(("上年",), "上年", "give the prior-year table once, as 'prior'")
    for key in ("prior", "上年"):
        prior = doc.get(key, {})
        for code, value in prior.items() if isinstance(prior, Mapping) else ():
            if not (_number(value) or isinstance(value, str)):
                problems.add(
                    (key, code),
                    f"{key}.{code}",
                    "a prior-year value is a number or text with its unit "
                    f"({_got(value)})",
                )
    for section in ("findings", "items", "adjustments"):
        entries = doc.get(section, [])
        if not isinstance(entries, list):
            problems.add(
                (section,), section, f"expected a list of tables ({_got(entries)})"
            )
            continue
        for i, entry in enumerate(entries):
            try:
                Data.from_dict({section: [entry]})
            except (PerfKPIError, TypeError, ValueError) as exc:
                _data_problem(problems, (section, i), exc)
    if "not_applicable" in doc:
        try:
            Data.from_dict({"not_applicable": doc["not_applicable"]})
        except (PerfKPIError, TypeError, ValueError) as exc:
            _data_problem(problems, ("not_applicable",), exc)
    inputs = doc.get("inputs", {})
    if isinstance(inputs, Mapping):
        for name, value in inputs.items():
            values = value.items() if isinstance(value, Mapping) else [(None, value)]
            for inner, item in values:
                path: tuple[str | int, ...] = (
                    ("inputs", name) if inner is None else ("inputs", name, inner)
                )
                if not _input_value(item):
                    problems.add(
                        path,
                        ".".join(str(p) for p in path),
                        "an input is a number, a percentage text or a list of "
                        f"numbers ({_got(item)})",
                    )


def _input_value(value: object) -> bool:
    if isinstance(value, list):
        return all(_number(v) for v in value)
    return _number(value) or isinstance(value, str)


def _check_against(scheme: Scheme, doc: Mapping[str, Any], problems: _Problems) -> None:
    """Report codes in the data that the scheme does not have."""
    for code in (
        doc.get("actuals", {}) if isinstance(doc.get("actuals"), Mapping) else ()
    ):
        if code not in scheme:
            problems.add(
                ("actuals", code),
                f"actuals.{code}",
                f"actual given for unknown node {code!r}",
            )
    for section, key in (
        ("findings", "node"),
        ("adjustments", "node"),
        ("items", "parent"),
    ):
        entries = doc.get(section, [])
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            code = entry.get(key) if isinstance(entry, Mapping) else None
            if isinstance(code, str) and code not in scheme:
                problems.add(
                    (section, i, key), f"{section}[{i}]", f"unknown node {code!r}"
                )
    for key in ("prior", "上年"):
        prior = doc.get(key, {})
        for code in prior if isinstance(prior, Mapping) else ():
            if code not in scheme:
                problems.add(
                    (key, code),
                    f"{key}.{code}",
                    f"prior-year value for unknown node {code!r}",
                )
    codes = doc.get("not_applicable", [])
    for code in codes if isinstance(codes, list) else []:
        if isinstance(code, str) and code not in scheme:
            problems.add(
                ("not_applicable",), "not_applicable", f"unknown node {code!r}"
            )


def data_from_dict(
    doc: Mapping[str, Any], *, scheme: Scheme | None = None, source: str = ""
) -> Data:
    """Build entity data from the plain form of a data file.

    Parameters
    ----------
    doc
        The file form (see :doc:`/file-format`).
    scheme
        The scheme the data is for.  With it, codes are checked against the
        scheme and the actuals of formula nodes are computed from the raw
        ``inputs`` (:func:`perfkpi.formulas.compute_actuals`).
    source
        The name used in error messages.

    Raises
    ------
    DataValidationError
        With every problem found, each naming *source* and the entry.
    """
    given: object = doc  # callers without mypy may pass anything
    if not isinstance(given, Mapping):
        where = source or "top level"
        problem = DataError(where, f"a data document is a table ({_got(doc)})")
        raise DataValidationError(f"invalid data {source or '<dict>'}", [problem])
    return _build_data(doc, scheme, source, _Locator())


_SECTIONS = _DATA_KEYS[_DATA_KEYS.index("actuals") :]
"""The data file's tables (its other keys are the entity's fields)."""


def _build_data(
    doc: Mapping[str, Any], scheme: Scheme | None, source: str, locator: _Locator
) -> Data:
    problems = _Problems(source, locator)
    if not set(doc) & set(_SECTIONS):  # a plain table of code = actual
        meta = ("entity", "period", "scheme", "$schema")
        actuals = {k: v for k, v in doc.items() if k not in meta}
        doc = {**{k: doc[k] for k in meta if k in doc}, "actuals": actuals}
    _check_data_entries(doc, problems)
    if scheme is not None:
        _check_against(scheme, doc, problems)
    data: Data | None = None
    if not problems.errors:
        plain = {k: v for k, v in doc.items() if k not in ("scheme", "$schema")}
        try:
            data = Data.from_dict(plain)
        except (PerfKPIError, TypeError, ValueError) as exc:  # pragma: no cover
            _data_problem(problems, (), exc)  # each entry was checked alone above
    if data is not None and scheme is not None:
        try:
            data = compute_actuals(scheme, data)
        except DataError as exc:
            # "inputs.1.2" (the node's own inputs) or "1.2" (shared inputs)
            code = exc.where.removeprefix("inputs.")
            path: tuple[str | int, ...] = (
                ("inputs", code) if code != exc.where else ("inputs",)
            )
            problems.add(path, f"node {code}", exc.problem)
    if problems.errors or data is None:
        heading, listed = problems.listed(f"invalid data {source or '<dict>'}")
        raise DataValidationError(heading, [_as_data(e) for e in listed])
    return data


def data_from_text(
    text: str,
    *,
    format: Format = "toml",  # noqa: A002
    scheme: Scheme | None = None,
    source: str = "",
) -> Data:
    """Build entity data from the text of a data file.

    Parameters
    ----------
    text
        The text of a TOML or JSON data file.
    format
        ``"toml"`` (the default) or ``"json"``.
    scheme
        The scheme the data is for (see :func:`load_data`).
    source
        The name used in error messages.

    Raises
    ------
    DataValidationError
        A :class:`~perfkpi.errors.DataError` group with every problem in the
        text, each naming *source*, the line and the entry.
    TypeError
        If *text* is not a string, or *scheme* neither a
        :class:`~perfkpi.scheme.Scheme` nor ``None``.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.

    Examples
    --------
    >>> from perfkpi.files import data_from_text
    >>> data_from_text('{"actuals": {"1.2": "99.8%"}}', format="json").actuals
    {'1.2': '99.8%'}
    """
    if scheme is not None:
        _checks.instance(scheme, Scheme, "the scheme")
    try:
        doc, locator = _parse(text, format, source)
    except SchemeError as exc:
        raise DataValidationError(
            f"invalid data {source or '<text>'}", [_as_data(exc)]
        ) from None
    return _build_data(doc, scheme, source, locator)


def load_data(path: str | Path, *, scheme: Scheme | None = None) -> Data:
    """Load one entity's data from a TOML, JSON or Excel (``.xlsx``) file.

    Parameters
    ----------
    path
        The data file.
    scheme
        The scheme the data is for.  With it, every code in the file is
        checked against the scheme, and formula nodes get their actuals
        computed from the raw ``inputs``.  Without it, a file that names a
        bundled scheme (``scheme = "cn-project-2020"``) is checked against
        that one when it has inputs.

    Raises
    ------
    DataValidationError
        A :class:`~perfkpi.errors.DataError` group with every problem in the
        file, each naming the file, the line and the entry.

    Examples
    --------
    >>> from perfkpi import catalog, load_data
    >>> data = load_data(catalog.data_path("gz-internet-court-2022"))
    >>> data.entity, data.actuals["1.2"]
    ('广州互联网法院', '99.8%')
    """
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        data: Data = _hooks.call("excel.read", path).data
        return data
    try:
        doc, locator = _parse(_read_text(path), _format_of(path), str(path))
    except SchemeError as exc:
        raise DataValidationError(f"invalid data {path}", [_as_data(exc)]) from None
    if (
        scheme is None
        and doc.get("inputs")
        and isinstance(doc.get("scheme"), str)
        and doc["scheme"] in _hooks.call("library.schemes")
    ):
        scheme = _hooks.call("library.scheme", doc["scheme"])
    return _build_data(doc, scheme, str(path), locator)
