"""Indicators from and to tables, and the library indicators a file names."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from perfkpi import _checks, _hooks
from perfkpi.errors import (
    SchemeValidationError,
)
from perfkpi.files._locate import _Locator
from perfkpi.files._problems import _INDICATOR_KEYS, _got, _Problems, _text
from perfkpi.formulas import FormulaError, parse_formula
from perfkpi.indicators import TARGET_BASES, Indicator
from perfkpi.targets import Comparator, Target
from perfkpi.units import DEFAULT_UNITS

# -- indicators -------------------------------------------------------------------


def indicator_from_dict(raw: Mapping[str, Any]) -> Indicator:
    """Build an :class:`~perfkpi.indicators.Indicator` from its table form.

    Raises
    ------
    SchemeValidationError
        With every problem of the table.

    Examples
    --------
    >>> from perfkpi.files import indicator_from_dict
    >>> indicator_from_dict({"code": "r", "name": "预算执行率", "unit": "%",
    ...                      "formula": "实际支出 / 预算数"}).formula
    '实际支出 / 预算数'
    """
    problems = _Problems("", _Locator())
    indicator = _indicator(problems, raw, (), "indicator")
    if indicator is None:
        raise SchemeValidationError(*problems.listed("invalid indicator"))
    return indicator


def _indicator(
    problems: _Problems,
    raw: object,
    path: tuple[str | int, ...],
    what: str,
) -> Indicator | None:
    if not isinstance(raw, Mapping):
        problems.add(path, what, f"an indicator is a table ({_got(raw)})")
        return None
    before = len(problems.errors)
    problems.unknown_keys(raw, _INDICATOR_KEYS, path, what)
    fields: dict[str, Any] = {}
    for key in ("code", "name", "unit", "formula", "explanation", "basis"):
        fields[key] = _text(problems, raw, key, path, what, required=key == "code")
    direction = raw.get("direction", "higher")
    if direction not in ("higher", "lower", "qualitative"):
        problems.add(
            (*path, "direction"),
            what,
            "'direction' must be 'higher', 'lower' or 'qualitative' "
            f"(got {direction!r})",
        )
    category = raw.get("category", [])
    if isinstance(category, str):
        category = [category]
    if not isinstance(category, list) or not all(isinstance(c, str) for c in category):
        problems.add(
            (*path, "category"),
            what,
            f"'category' must be a list of text ({_got(category)})",
        )
        category = []
    if fields["unit"] and fields["unit"] not in DEFAULT_UNITS:
        close = DEFAULT_UNITS.suggest(fields["unit"])
        hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
        problems.add((*path, "unit"), what, f"unknown unit {fields['unit']!r}{hint}")
    if fields["basis"] and fields["basis"] not in TARGET_BASES:
        problems.add(
            (*path, "basis"),
            what,
            f"'basis' must be one of {', '.join(TARGET_BASES)} "
            f"(got {fields['basis']!r})",
        )
    if fields["formula"]:
        _check_formula(problems, fields["formula"], (*path, "formula"), what)
    if len(problems.errors) > before:
        return None
    return Indicator(direction=direction, category=tuple(category), **fields)


def _check_formula(
    problems: _Problems, text: str, path: tuple[str | int, ...], what: str
) -> None:
    try:
        parse_formula(text)
    except FormulaError as exc:
        problems.add(path, what, f"formula: {exc}")


def indicator_to_dict(indicator: Indicator) -> dict[str, Any]:
    """Return the table form of an indicator.

    The inverse of :func:`indicator_from_dict`: fields at their defaults are
    left out.

    Raises
    ------
    TypeError
        If *indicator* is not an :class:`~perfkpi.indicators.Indicator`.
    """
    _checks.instance(indicator, Indicator, "the indicator")
    out: dict[str, Any] = {"code": indicator.code}
    defaults = Indicator(code=indicator.code, name="")
    for field in attrs.fields(Indicator):
        value = getattr(indicator, field.name)
        if field.name != "code" and value != getattr(defaults, field.name):
            out[field.name] = list(value) if isinstance(value, tuple) else value
    return out


def _catalog_indicator(name: str) -> Indicator | None:
    """Return the library indicator *name* (a code or name), or None.

    The library (:mod:`perfkpi.catalog`) builds on this loader, so the loader
    asks it through the hook ``library.indicator`` instead of importing it.
    """
    try:
        found: Indicator = _hooks.call("library.indicator", name)
    except KeyError:
        return None
    return found


def _shorthand(code: str, name: str, target: Target | None, formula: str) -> Indicator:
    """Return the indicator a node's bare ``formula = "…"`` stands for."""
    unit = target.unit.symbol if target is not None and target.unit is not None else ""
    lower = target is not None and target.comparator in (Comparator.LE, Comparator.LT)
    return Indicator(
        code=code,
        name=name,
        unit=unit,
        direction="lower" if lower else "higher",
        formula=formula,
    )
