"""Writing targets: :func:`format_target`, the inverse of the parser."""

from __future__ import annotations

import datetime as dt

import attrs

from perfkpi import _checks
from perfkpi.targets._syntax import DEFAULT_SYNTAX
from perfkpi.targets._target import Target
from perfkpi.targets._values import (
    _ASCII_COMPARATORS,
    Comparator,
    Quantity,
    Style,
    format_number,
)

# -- writing targets -----------------------------------------------------------------

_ZH_WORDS = {
    "quantity": {
        Comparator.GE: ("不低于", ""),
        Comparator.GT: ("超过", ""),
        Comparator.LE: ("不超过", ""),
        Comparator.LT: ("低于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "label": {
        Comparator.GE: ("", ""),
        Comparator.GT: ("优于", ""),
        Comparator.LE: ("", "及以下"),
        Comparator.LT: ("低于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "date": {
        Comparator.GE: ("", "起"),
        Comparator.GT: ("晚于", ""),
        Comparator.LE: ("", "前"),
        Comparator.LT: ("早于", ""),
        Comparator.EQ: ("等于", ""),
    },
    "rank": {
        Comparator.GE: ("≥", ""),
        Comparator.GT: (">", ""),
        Comparator.LE: ("", ""),
        Comparator.LT: ("优于", ""),
        Comparator.EQ: ("等于", ""),
    },
}


def _value_text(
    target: Target, x: float, style: Style, *, zh_rank_top: bool = False
) -> str:
    kind = target.kind
    if kind == "label":
        assert target.scale is not None  # noqa: S101
        return target.scale.label(x)
    if kind == "date":
        day = dt.date.fromordinal(int(x))
        if style == "zh":
            return f"{day.year:04d}年{day.month}月{day.day}日"
        return day.isoformat()
    if kind == "rank":
        if zh_rank_top and x > 1:
            return f"{target.qualifier}前{int(x)}名"
        return f"{target.qualifier}第{int(x)}名"
    unit = target.unit
    text = (
        "" if unit is None else unit.ascii_symbol if style == "ascii" else unit.symbol
    )
    return format_number(x) + text


_RELATIVE_WORDS = {
    Comparator.GE: ("较上年提高", "不低于上年"),
    Comparator.GT: ("", "高于上年"),
    Comparator.LE: ("较上年下降", "不高于上年"),
    Comparator.LT: ("", "低于上年"),
}


def _relative_text(target: Target, style: Style) -> str:
    change, level = _RELATIVE_WORDS[target.comparator]
    if target.value == 0 and target.unit is None:
        return level
    unit = target.unit
    text = (
        "" if unit is None else unit.ascii_symbol if style == "ascii" else unit.symbol
    )
    return change + format_number(target.value) + text


def _resolved_text(
    target: Target, source: Target, prior: Quantity, style: Style
) -> str:
    plain = attrs.evolve(target, source=None, prior=None)
    if prior.unit is None:
        prior_text = format_number(prior.value)
    else:
        prior_text = _value_text(
            attrs.evolve(plain, unit=prior.unit), prior.value, style
        )
    absolute = format_target(plain, style)
    if style == "ascii":
        return f"{_relative_text(source, style)}(上年{prior_text},即{absolute})"
    return f"{_relative_text(source, style)}（上年{prior_text}，即{absolute}）"


def format_target(  # noqa: PLR0911 (one return per form of target)
    target: Target, style: Style = "canonical"
) -> str:
    """Write *target* as text that :func:`parse_target` reads back as an equal target.

    Parameters
    ----------
    target
        The target.
    style
        ``"canonical"`` (what ``str()`` gives): symbols ``≥ > ≤ < =``, ranges in
        brackets, ISO dates, ranks as ``≤全市第1名``.  ``"zh"``: Chinese words
        (``不低于99%``, ``90%至110%``, ``2022年12月31日前``, ``全市前3名``).
        ``"ascii"``: ASCII comparators (``>=``), brackets, ISO dates and each
        unit's ASCII alias where it has one (``<=1h``); labels, ranks and units
        without an ASCII spelling stay as written.

    Raises
    ------
    TypeError
        If *target* is not a :class:`Target`.
    ValueError
        If *style* is not one of its values.

    Examples
    --------
    >>> from perfkpi.targets import format_target, parse_target
    >>> t = parse_target("≥99%")
    >>> format_target(t), format_target(t, "zh"), format_target(t, "ascii")
    ('≥99%', '不低于99%', '>=99%')
    >>> format_target(parse_target("(0%,10%]"), "zh")
    '0%（不含）至10%（含）'
    >>> format_target(parse_target("年底前", year=2022), "zh")
    '2022年12月31日前'
    >>> format_target(parse_target("≤1小时"), "ascii")
    '<=1h'
    """
    c = _checks.instance(target, Target, "the target").comparator
    if not isinstance(style, str) or style not in ("canonical", "zh", "ascii"):
        msg = f"style must be 'canonical', 'zh' or 'ascii' (got {style!r:.60})"
        raise ValueError(msg)
    if target.relative:
        return _relative_text(target, style)
    if target.source is not None and target.prior is not None:
        return _resolved_text(target, target.source, target.prior, style)
    if style == "zh" and any(
        target.qualifier.startswith(word) for word in DEFAULT_SYNTAX.prefix_words()
    ):
        style = "canonical"  # a place name starting like a word (在…) would lose it
    if c is Comparator.RANGE:
        assert target.upper is not None  # noqa: S101 (a range has an upper end)
        lo = _value_text(target, target.value, style)
        hi = _value_text(target, target.upper, style)
        if style == "zh":
            if target.lower_closed and target.upper_closed:
                return f"{lo}至{hi}"
            left = "（含）" if target.lower_closed else "（不含）"
            right = "（含）" if target.upper_closed else "（不含）"
            return f"{lo}{left}至{hi}{right}"
        left = "[" if target.lower_closed else "("
        right = "]" if target.upper_closed else ")"
        return f"{left}{lo},{hi}{right}"
    if style == "zh":
        prefix, suffix = _ZH_WORDS[target.kind][c]
        top = target.kind == "rank" and c is Comparator.LE
        return (
            prefix + _value_text(target, target.value, style, zh_rank_top=top) + suffix
        )
    text = _value_text(target, target.value, style)
    if target.kind == "label" and c is Comparator.GE:
        return text
    symbol = _ASCII_COMPARATORS[c] if style == "ascii" else c.value
    return symbol + text
