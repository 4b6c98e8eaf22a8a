"""What ``perfkpi catalog`` prints: the library, or one indicator, scheme or data set.

Examples
--------
>>> from perfkpi.catalog.listing import show
>>> print(show("资金到位率"), end="")
资金到位率 (funds-in-place-rate)
  family       资金到位率
  formula      实际到位资金 / 预算资金
  unit         %
  direction    higher (正向)
  class        过程 › 资金管理 (cn-department)
  basis        计划标准
  explanation  实际到位的资金占预算安排资金的比例，反映资金落实的情况。
"""

from __future__ import annotations

import json
from typing import Any

from perfkpi import catalog
from perfkpi.files import data_to_dict, indicator_to_dict, scheme_to_dict
from perfkpi.indicators import Indicator
from perfkpi.scheme import Scheme
from perfkpi.targets import format_number

__all__ = ["show"]

_DIRECTIONS = {"higher": "正向", "lower": "反向", "qualitative": "定性"}


def _family_of(code: str) -> str:
    return next(f.name for f in catalog.families() if code in f.codes)


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    return {
        "family": _family_of(ind.code),
        "taxonomy": catalog.taxonomy_of(ind.code).name,
        **indicator_to_dict(ind),
    }


def _indicator_text(ind: Indicator) -> str:
    rows = [
        ("family", _family_of(ind.code)),
        ("formula", ind.formula),
        ("unit", ind.unit),
        ("direction", f"{ind.direction} ({_DIRECTIONS[ind.direction]})"),
        (
            "class",
            " › ".join(ind.category) + f" ({catalog.taxonomy_of(ind.code).name})",
        ),
        ("basis", ind.basis),
        ("explanation", ind.explanation),
    ]
    lines = [f"{ind.name} ({ind.code})"]
    lines += [f"  {key:<11}  {value}" for key, value in rows if value]
    return "\n".join(lines) + "\n"


def _scheme_text(scheme: Scheme) -> str:
    points = format_number(scheme.points)
    lines = [
        f"{scheme.id}  {scheme.name}",
        f"  {points} points, grades {scheme.grades.name}, {len(scheme)} nodes",
    ]
    if scheme.source:
        lines.append(f"  source: {scheme.source}")
    lines.append("")
    for node in scheme.ordered():
        indent = "  " * scheme.depth(node.code)
        points = "" if node.points is None else format_number(node.points)
        target = "" if node.target is None else str(node.target)
        rule = scheme.rule(node.code)
        how = rule.describe("zh") if rule is not None else ""
        ref = f"  [{node.indicator.name}]" if node.indicator is not None else ""
        lines.append(
            f"{indent}{node.code}  {node.name}  {points}  {target}  {how}{ref}".rstrip()
        )
    return "\n".join(lines) + "\n"


def _listing() -> str:
    indicators = catalog.indicators()
    counts = f"{len(catalog.families())} families, {len(indicators)} indicators"
    lines = [f"indicators (核心绩效指标库: {counts}):"]
    for family in catalog.families():
        lines.append(f"  {family.name}")
        for code in family.codes:
            ind = catalog.indicator(code)
            lines.append(
                f"    {ind.name}  {ind.code}  = {ind.formula}  "
                f"[{ind.unit}, {ind.direction}; {' › '.join(ind.category)}]"
            )
    lines.append("schemes:")
    lines += [f"  {n}  {catalog.scheme(n).name}" for n in catalog.schemes()]
    lines.append("data:")
    for name in catalog.datasets():
        scheme = catalog.scheme_of(name)
        lines.append(f"  {name}" + (f"  for {scheme}" if scheme else ""))
    return "\n".join(lines) + "\n"


def _markdown() -> str:
    lines = ["## Indicators", "", catalog.indicator_table(), "## Schemes", ""]
    lines += ["| id | name | points | nodes |", "|---|---|---|---|"]
    for name in catalog.schemes():
        scheme = catalog.scheme(name)
        lines.append(
            f"| `{name}` | {scheme.name} | {format_number(scheme.points)} "
            f"| {len(scheme)} |"
        )
    return "\n".join(lines) + "\n"


def _json(name: str | None) -> str:
    doc: Any
    if name is None:
        doc = {
            "indicators": [_indicator_dict(i) for i in catalog.indicators()],
            "schemes": [
                {"id": n, "name": catalog.scheme(n).name} for n in catalog.schemes()
            ],
            "data": [
                {"name": n, "scheme": catalog.scheme_of(n)} for n in catalog.datasets()
            ],
        }
    elif name in catalog.schemes():
        doc = scheme_to_dict(catalog.scheme(name))
    elif name in catalog.datasets():
        doc = data_to_dict(catalog.data(name))
    else:
        doc = _indicator_dict(catalog.indicator(name))
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def show(name: str | None = None, format: str = "text") -> str:  # noqa: A002
    """Return the catalog listing, or one entry, as text, Markdown or JSON.

    Parameters
    ----------
    name
        An indicator's code or name, a scheme's id or a data set's name; by
        default everything is listed.
    format
        ``"text"``, ``"markdown"`` (the whole library as tables) or ``"json"``.

    Raises
    ------
    perfkpi.errors.DataError
        If *name* is nothing in the catalog (the message suggests the nearest
        indicator names).
    """
    from perfkpi.errors import DataError  # noqa: PLC0415

    try:
        if format == "json":
            return _json(name)
        if format == "markdown":
            return _markdown()
        if name is None:
            return _listing()
        if name in catalog.schemes():
            return _scheme_text(catalog.scheme(name))
        if name in catalog.datasets():
            data = catalog.data(name)
            scheme = catalog.scheme_of(name)
            return (
                f"{name}  {data.entity} {data.period}  for {scheme}\n"
                f"  {len(data.actuals)} actuals, {len(data.items)} items, "
                f"{len(data.findings)} findings, {len(data.inputs)} inputs\n"
            )
        return _indicator_text(catalog.indicator(name))
    except KeyError as exc:
        raise DataError("catalog", str(exc.args[0])) from None
