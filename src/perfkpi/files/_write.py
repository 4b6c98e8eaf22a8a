"""Schemes and data to tables and files."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi.deductions import Data
from perfkpi.errors import (
    DataError,
)
from perfkpi.files._indicators import _catalog_indicator, _shorthand, indicator_to_dict
from perfkpi.files._problems import _DATA_KEYS
from perfkpi.files._read import Format
from perfkpi.files._toml import to_toml
from perfkpi.grades import STANDARD_SCALES, GradeScale
from perfkpi.rules import rule_to_dict
from perfkpi.scheme import Node, Scheme

# -- writing ----------------------------------------------------------------------


def _grades_to_dict(scale: GradeScale) -> str | dict[str, Any]:
    if STANDARD_SCALES.get(scale.name) == scale:
        return scale.name
    return {
        "name": scale.name,
        "bands": [{"label": b.label, "minimum": b.minimum} for b in scale.bands],
        "below": scale.below,
    }


def _node_indicator_to_dict(node: Node) -> dict[str, Any]:
    indicator = node.indicator
    if indicator is None:
        return {}
    known = _catalog_indicator(indicator.code)
    if known == indicator:
        return {"indicator": indicator.name}
    if (
        known is not None
        and attrs.evolve(known, formula=indicator.formula) == indicator
    ):
        return {"indicator": indicator.name, "formula": indicator.formula}
    if indicator.formula and indicator == _shorthand(
        node.code, node.name, node.target, indicator.formula
    ):
        return {"formula": indicator.formula}
    return {"indicator": indicator_to_dict(indicator)}


def scheme_to_dict(scheme: Scheme) -> dict[str, Any]:
    """Return the plain file form of *scheme* (the inverse of :func:`scheme_from_dict`).

    Examples
    --------
    >>> from perfkpi import catalog
    >>> from perfkpi.files import scheme_to_dict
    >>> doc = scheme_to_dict(catalog.scheme("gz-dept-overall"))
    >>> doc["node"][2]["target"], doc["node"][2]["rule"]
    ('≥100%', 'proportional')

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    head: dict[str, Any] = {
        "id": scheme.id,
        "name": scheme.name,
        "points": scheme.points,
        "grades": _grades_to_dict(scheme.grades),
        "rounding": {
            "places": scheme.rounding.places,
            "mode": str(scheme.rounding.mode),
            "stage": str(scheme.rounding.stage),
        },
    }
    if scheme.description:
        head["description"] = scheme.description
    if scheme.source:
        head["source"] = scheme.source
    if scheme.not_applicable != "reweight":
        head["not_applicable"] = scheme.not_applicable
    if scheme.report_kind != "self":
        head["report_kind"] = scheme.report_kind
    if scheme.overrides:
        head["overrides"] = [
            {"node": o.node, "grade": o.grade} for o in scheme.overrides
        ]
    nodes = []
    for node in scheme.nodes:
        entry: dict[str, Any] = {"code": node.code}
        if node.parent is not None:
            entry["parent"] = node.parent
        entry["name"] = node.name
        if node.points is not None:
            entry["points"] = node.points
        if node.target is not None:
            entry["target"] = str(node.target)
        if node.rule is not None:
            entry["rule"] = rule_to_dict(node.rule)
        entry.update(_node_indicator_to_dict(node))
        if node.category:
            entry["category"] = node.category
        if node.note:
            entry["note"] = node.note
        if node.direction is not None:
            entry["direction"] = node.direction
        nodes.append(entry)
    return {"scheme": head, "node": nodes}


def _write(text: str, path: str | Path | None) -> str:
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _format_for(path: str | Path | None, format: Format | None) -> Format:  # noqa: A002
    """Return the format to write: *format*, else *path*'s suffix's, else TOML.

    Raises
    ------
    TypeError
        If *path* is neither ``None`` nor a path.
    ValueError
        If *format* is neither ``None``, ``"toml"`` nor ``"json"``.
    """
    given: object = path  # callers without mypy may pass anything
    if given is not None and not isinstance(given, str | os.PathLike):
        msg = f"path must be a str or os.PathLike (got {given!r:.60})"
        raise TypeError(msg)
    if format is not None:
        if format not in ("toml", "json"):
            msg = f"format must be 'toml' or 'json' (got {format!r:.60})"
            raise ValueError(msg)
        return format
    if path is not None and Path(path).suffix.lower() == ".json":
        return "json"
    return "toml"


def dump_scheme(
    scheme: Scheme,
    path: str | Path | None = None,
    *,
    format: Format | None = None,  # noqa: A002
) -> str:
    """Write *scheme* as TOML or JSON text, and to *path* if given.

    Parameters
    ----------
    scheme
        The scheme.
    path
        Where to write (UTF-8); its suffix chooses the format unless *format*
        does.
    format
        ``"toml"`` (the default) or ``"json"``.

    Returns
    -------
    str
        The text written.  :func:`load_scheme` on it gives a scheme equal to
        *scheme*.

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, or *path*
        neither ``None`` nor a path.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.
    OSError
        If *path* cannot be written (a folder, a missing folder, no permission,
        a full disk); nothing is checked before writing.
    """
    fmt = _format_for(path, format)
    doc = scheme_to_dict(scheme)
    if fmt == "json":
        return _write(
            json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n", path
        )
    return _write(to_toml(doc), path)


def _plain_value(value: object, where: str) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | str | dt.date | dt.time) or value is None:
        return value  # a date is a TOML date, and ISO 8601 text in JSON
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise DataError(where, f"cannot write {value}: more than 64 bits")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise DataError(where, f"cannot write {value!r}: not a finite number")
        return value
    if isinstance(value, Mapping):
        return {str(k): _plain_value(v, where) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain_value(v, where) for v in value]
    raise DataError(where, f"cannot write a {type(value).__name__} ({value!r})")


def _iso(value: object) -> str:
    """Write a date or time in JSON, which has none, as ISO 8601 text."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    msg = f"cannot write a {type(value).__name__} in JSON"
    raise TypeError(msg)


def data_to_dict(data: Data) -> dict[str, Any]:
    """Return the plain file form of *data*, leaving out what is empty.

    Raises
    ------
    TypeError
        If *data* is not a :class:`~perfkpi.deductions.Data`.
    DataError
        If an actual or input is not plain data (a number, text, a list or a
        table), or is a number a file cannot hold (not finite, an integer of
        more than 64 bits).
    """
    _checks.instance(data, Data, "the data")
    full = data.to_dict()
    out: dict[str, Any] = {}
    for key in _DATA_KEYS:
        value = full.get(key)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = [
                {k: v for k, v in e.items() if v not in (None, "")}
                if isinstance(e, Mapping)
                else e
                for e in value
            ]
        out[key] = _plain_value(value, key)
    return out


def dump_data(
    data: Data,
    path: str | Path | None = None,
    *,
    format: Format | None = None,  # noqa: A002
) -> str:
    """Write entity data as TOML or JSON text, and to *path* if given.

    Raises
    ------
    DataError
        If an actual or input is not plain data (a number, text, a list or a
        table), or is a number a file cannot hold (not finite, an integer of
        more than 64 bits).
    TypeError
        If *data* is not a :class:`~perfkpi.deductions.Data`, or *path* neither
        ``None`` nor a path.
    ValueError
        If *format* is neither ``"toml"`` nor ``"json"``.
    OSError
        If *path* cannot be written (a folder, a missing folder, no permission,
        a full disk).
    """
    fmt = _format_for(path, format)
    doc = data_to_dict(data)
    if fmt == "json":
        text = json.dumps(
            doc, ensure_ascii=False, indent=2, allow_nan=False, default=_iso
        )
        return _write(text + "\n", path)
    return _write(to_toml(doc), path)
