"""What ``perfkpi catalog`` prints: the library, one entry, or what a search finds.

An indicator's whole record prints with Chinese labels by default, English
ones with ``lang="en"``; a field inferred rather than read in the source is
starred.

Examples
--------
>>> from perfkpi.catalog.listing import show
>>> print(show("资金到位率", lang="en"), end="")
资金到位率 (funds-in-place-rate)
  family       资金到位率
  formula      实际到位资金 / 预算资金
  unit         %
  nature       ≥ (higher is better)
  class        过程 › 资金管理 (cn-department)
  basis        计划标准 *
  core         yes
  explanation  实际到位的资金占预算安排资金的比例，反映资金落实的情况。
  source       财预〔2020〕10号 项目支出绩效评价管理办法 附件1 (过程 › 资金管理 › 资金到位率)
  evidence     recalled (named from memory of the document; to be checked against its text)
  * assumed: inferred, not read in the source
"""  # noqa: E501 (a doctest's expected output)

from __future__ import annotations

import json
import reprlib
import unicodedata
from typing import Any

from perfkpi import catalog
from perfkpi.files import data_to_dict, indicator_to_dict, scheme_to_dict
from perfkpi.indicators import Indicator
from perfkpi.scheme import Scheme
from perfkpi.targets import format_number

__all__ = ["run", "show"]

_DIRECTIONS = {"higher": "正向", "lower": "反向", "qualitative": "定性"}

_LABELS = {
    "zh": {
        "family": "指标族",
        "formula": "计算公式",
        "unit": "计量单位",
        "nature": "指标性质",
        "class": "指标分类",
        "basis": "取值依据",
        "core": "核心指标",
        "aliases": "别名",
        "explanation": "指标解释",
        "source": "来源",
        "evidence": "来源核对",
    },
    "en": {
        "family": "family",
        "formula": "formula",
        "unit": "unit",
        "nature": "nature",
        "class": "class",
        "basis": "basis",
        "core": "core",
        "aliases": "aliases",
        "explanation": "explanation",
        "source": "source",
        "evidence": "evidence",
    },
}
_NATURES = {
    "zh": {"≥": "正向", "≤": "反向", "=": "等于", "定性": "定性"},
    "en": {
        "≥": "higher is better",
        "≤": "lower is better",
        "=": "equal to the target",
        "定性": "qualitative",
    },
}
_EVIDENCE = {
    "zh": {
        "text": "原文 (已读公开文本)",
        "form": "报告 (已读公开报告或表格)",
        "code": "代码 (已读财政部门评分代码)",
        "recalled": "凭记忆列出文件与条款，引用前须核对原文",
    },
    "en": {
        "text": "text (read in the published text)",
        "form": "form (read in a published report or form)",
        "code": "code (read in a finance ministry's scoring code)",
        "recalled": "recalled (named from memory of the document; to be checked "
        "against its text)",
    },
}
_YES = {"zh": ("是", "否"), "en": ("yes", "no")}
_ASSUMED_NOTE = {
    "zh": "* 推定：非来源原文所载",
    "en": "* assumed: inferred, not read in the source",
}
_FIELD_OF = {"category": "class"}


def _family_of(code: str) -> str:
    return next(f.name for f in catalog.families() if code in f.codes)


def _indicator_dict(ind: Indicator) -> dict[str, Any]:
    rec = catalog.record(ind.code)
    return {
        "family": rec.family,
        "taxonomy": rec.taxonomy,
        **indicator_to_dict(ind),
        "nature": rec.nature,
        "core": rec.core,
        "aliases": list(rec.aliases),
        "source": rec.source,
        "evidence": rec.evidence,
        "assumed": list(rec.assumed),
    }


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _indicator_text(ind: Indicator, lang: str = "zh") -> str:
    rec = catalog.record(ind.code)
    labels = _LABELS[lang]
    yes, no = _YES[lang]
    rows = [
        ("family", rec.family),
        ("formula", ind.formula),
        ("unit", ind.unit),
        ("nature", f"{rec.nature} ({_NATURES[lang][rec.nature]})"),
        ("class", " › ".join(ind.category) + f" ({rec.taxonomy})"),
        ("basis", ind.basis),
        ("core", yes if rec.core else no),
        ("aliases", "、".join(rec.aliases)),
        ("explanation", ind.explanation),
        ("source", rec.source),
        ("evidence", _EVIDENCE[lang][rec.evidence]),
    ]
    assumed = {_FIELD_OF.get(f, f) for f in rec.assumed}
    pad = max(_width(label) for label in labels.values())
    lines = [f"{ind.name} ({ind.code})"]
    for key, value in rows:
        if not value:
            continue
        label = labels[key]
        star = " *" if key in assumed else ""
        lines.append(f"  {label}{' ' * (pad - _width(label))}  {value}{star}")
    if assumed:
        lines.append(f"  {_ASSUMED_NOTE[lang]}")
    return "\n".join(lines) + "\n"


_MATCHED = {
    "zh": ("名称", "别名", "分类", "来源"),
    "en": ("name", "alias", "class", "source"),
}


def _search_text(query: str, lang: str) -> tuple[str, int]:
    hits = catalog._hits(query)  # noqa: SLF001 (the search, with where it matched)
    found = catalog.search_schemes(query)
    if not hits and not found:
        return f"nothing in the catalog matches {query!r}\n", 1
    lines = []
    if hits:
        lines.append(f"indicators matching {query!r} ({len(hits)}):")
        for hit in hits:
            rec = hit.record
            where = _MATCHED[lang][hit.field]
            lines.append(
                f"  {rec.name}  {rec.code}  [{' › '.join(rec.indicator.category)}"
                f" ({rec.taxonomy})]  ({where})"
            )
    if found:
        lines.append(f"schemes matching {query!r} ({len(found)}):")
        lines += [f"  {n}  {catalog.scheme(n).name}" for n in found]
    return "\n".join(lines) + "\n", 0


def _search_json(query: str) -> tuple[str, int]:
    hits = catalog._hits(query)  # noqa: SLF001 (the search, with where it matched)
    found = catalog.search_schemes(query)
    doc = {
        "query": query,
        "indicators": [
            {
                "matched": catalog.SEARCH_FIELDS[h.field],
                "how": ("exact", "prefix", "substring")[h.tier],
                **_indicator_dict(h.record.indicator),
            }
            for h in hits
        ],
        "schemes": [{"id": n, "name": catalog.scheme(n).name} for n in found],
    }
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    return text, 0 if hits or found else 1


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


def _check_lang(lang: object) -> str:
    if not isinstance(lang, str) or lang not in _LABELS:
        msg = f"lang must be 'zh' or 'en' (got {lang!r:.40})"
        raise ValueError(msg)
    return str(lang)


def show(
    name: str | None = None,
    format: str = "text",  # noqa: A002
    lang: str = "zh",
) -> str:
    """Return the catalog listing, or one entry, as text, Markdown or JSON.

    Parameters
    ----------
    name
        An indicator's code, name or alias, a scheme's id or a data set's
        name; by default everything is listed.  An indicator prints as its
        whole record.
    format
        ``"text"``, ``"markdown"`` (the whole library as tables) or ``"json"``.
    lang
        The labels of an indicator's record in text: ``"zh"`` (default) or
        ``"en"``.

    Raises
    ------
    perfkpi.errors.DataError
        If *name* is nothing in the catalog (the message suggests the nearest
        indicator names).
    ValueError
        If *lang* is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> from perfkpi.catalog.listing import show
    >>> print(show("预算执行率"), end="")  # doctest: +ELLIPSIS
    预算执行率 (budget-execution-rate)
      指标族    预算执行率
      计算公式  实际支出 / 预算数
      计量单位  %
      指标性质  ≥ (正向)
      指标分类  过程 › 预算执行 (cn-department)
      取值依据  计划标准 *
      核心指标  是
      指标解释  本年度实际支出数占预算数的比例...
      来源      财预〔2020〕10号 项目支出绩效评价管理办法 第十九条 ...
      来源核对  凭记忆列出文件与条款，引用前须核对原文
      * 推定：非来源原文所载
    """
    from perfkpi.errors import DataError  # noqa: PLC0415

    lang = _check_lang(lang)
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
        return _indicator_text(catalog.indicator(name), lang)
    except KeyError as exc:
        raise DataError("catalog", str(exc.args[0])) from None


def run(
    words: list[str],
    format: str = "text",  # noqa: A002
    lang: str = "zh",
) -> tuple[str, int]:
    """Run ``perfkpi catalog WORDS``: return what it prints and its exit code.

    ``[]`` lists everything; ``["search", QUERY]`` prints the indicators
    (best first, with the field that matched) and the schemes that match
    QUERY, exit code 1 when nothing does; ``["show", NAME]`` or ``[NAME]``
    prints one entry, as :func:`show` does.

    Raises
    ------
    perfkpi.errors.DataError
        If a name is nothing in the catalog, a search has no query or an
        empty one, or the words are none of the forms above.
    TypeError
        If *words* is not a list of text.
    ValueError
        If *lang* is neither ``"zh"`` nor ``"en"``.

    Examples
    --------
    >>> from perfkpi.catalog.listing import run
    >>> text, code = run(["search", "财政供养"])
    >>> print(text, end="")
    indicators matching '财政供养' (1):
      在职人员控制率  staff-control-rate  [投入 › 预算配置 (cn-department)]  (别名)
    >>> code
    0
    """
    from perfkpi.errors import DataError  # noqa: PLC0415

    given: object = words  # callers without mypy may pass anything
    if not isinstance(given, list | tuple) or not all(
        isinstance(w, str) for w in given
    ):
        msg = f"words must be a list of text (got {reprlib.repr(given)})"
        raise TypeError(msg)
    lang = _check_lang(lang)
    head, rest = (words[0], list(words[1:])) if words else (None, [])
    if head == "search":
        if len(rest) != 1:
            msg = "give one QUERY: perfkpi catalog search QUERY"
            raise DataError("catalog search", msg)
        try:
            if format == "json":
                return _search_json(rest[0])
            return _search_text(rest[0], lang)
        except ValueError as exc:
            raise DataError("catalog search", str(exc)) from None
    if head == "show":
        head, rest = (rest[0], rest[1:]) if rest else (None, ["show"])
        if head is None:
            raise DataError("catalog show", "give a NAME: perfkpi catalog show NAME")
    if rest:
        msg = f"unexpected {' '.join(rest)!r}: give one NAME, or search QUERY"
        raise DataError("catalog", msg)
    return show(head, format, lang), 0
