"""The grammar's words and the vocabulary a parser reads (:class:`TargetSyntax`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from perfkpi import _checks
from perfkpi.targets._values import DEFAULT_SCALES, Comparator, Kind, LabelScale, _key
from perfkpi.units import (
    DEFAULT_UNITS,
    Unit,
    UnitRegistry,
)

# -- the grammar's words ----------------------------------------------------------
#
# Each row: the word, then what it means before (prefix) or after (suffix) a
# quantity, a label, a date and a rank, then whether it may frame a range.
# "≥ ≤ > < =" are comparators, "~" means "allowed, no comparator of its own"
# and "" means "does not go with this kind of value".

_Row = tuple[str, str, str, str, str, bool]

_PREFIX_ROWS: tuple[_Row, ...] = (
    # word           quantity label date rank  range
    ("≥", "≥", "≥", "≥", "≥", False),
    (">=", "≥", "≥", "≥", "≥", False),
    ("≧", "≥", "≥", "≥", "≥", False),
    ("⩾", "≥", "≥", "≥", "≥", False),
    ("≤", "≤", "≤", "≤", "≤", False),
    ("<=", "≤", "≤", "≤", "≤", False),
    ("≦", "≤", "≤", "≤", "≤", False),
    ("⩽", "≤", "≤", "≤", "≤", False),
    (">", ">", ">", ">", ">", False),
    ("<", "<", "<", "<", "<", False),
    ("=", "=", "=", "=", "=", False),
    ("==", "=", "=", "=", "=", False),
    # at least
    ("不低于", "≥", "≥", "≥", "≤", False),
    ("不得低于", "≥", "≥", "≥", "≤", False),
    ("不应低于", "≥", "≥", "≥", "≤", False),
    ("不少于", "≥", "", "", "", False),
    ("不得少于", "≥", "", "", "", False),
    ("不小于", "≥", "", "", "", False),
    ("大于等于", "≥", "", "", "", False),
    ("大于或等于", "≥", "", "", "", False),
    ("高于或等于", "≥", "≥", "", "", False),
    ("至少", "≥", "≥", "", "", False),
    ("最少", "≥", "", "", "", False),
    ("最低", "≥", "≥", "", "", False),
    ("达到", "≥", "≥", "", "≤", False),
    ("提升至", "≥", "≥", "", "≤", False),
    ("提升到", "≥", "≥", "", "≤", False),
    ("提高至", "≥", "≥", "", "≤", False),
    ("提高到", "≥", "≥", "", "≤", False),
    ("上升至", "≥", "≥", "", "≤", False),
    ("上升到", "≥", "≥", "", "≤", False),
    ("增加至", "≥", "", "", "", False),
    ("增加到", "≥", "", "", "", False),
    ("增长至", "≥", "", "", "", False),
    ("增长到", "≥", "", "", "", False),
    ("增至", "≥", "", "", "", False),
    ("不差于", "", "≥", "", "≤", False),
    ("不劣于", "", "≥", "", "≤", False),
    ("不落后于", "", "", "", "≤", False),
    # at most
    ("不高于", "≤", "≤", "", "", False),
    ("不得高于", "≤", "≤", "", "", False),
    ("不应高于", "≤", "≤", "", "", False),
    ("不超过", "≤", "", "≤", "≤", False),
    ("不得超过", "≤", "", "≤", "≤", False),
    ("不应超过", "≤", "", "≤", "≤", False),
    ("不超出", "≤", "", "", "", False),
    ("不大于", "≤", "", "", "", False),
    ("不得大于", "≤", "", "", "", False),
    ("不多于", "≤", "", "", "", False),
    ("不得多于", "≤", "", "", "", False),
    ("小于等于", "≤", "", "", "", False),
    ("小于或等于", "≤", "", "", "", False),
    ("低于或等于", "≤", "≤", "", "", False),
    ("至多", "≤", "≤", "", "", False),
    ("最多", "≤", "", "", "", False),
    ("最高", "≤", "≤", "", "", False),
    ("控制在", "≤", "", "", "", True),
    ("降低至", "≤", "", "", "", False),
    ("降低到", "≤", "", "", "", False),
    ("降至", "≤", "", "", "", False),
    ("下降至", "≤", "", "", "", False),
    ("下降到", "≤", "", "", "", False),
    ("减少至", "≤", "", "", "", False),
    ("减少到", "≤", "", "", "", False),
    ("压缩至", "≤", "", "", "", False),
    ("压缩到", "≤", "", "", "", False),
    ("缩短至", "≤", "", "", "", False),
    ("缩短到", "≤", "", "", "", False),
    # more than
    ("高于", ">", ">", "", "<", False),
    ("大于", ">", "", "", "", False),
    ("超过", ">", "", "", "<", False),
    ("超出", ">", "", "", "", False),
    ("多于", ">", "", "", "", False),
    ("优于", "", ">", "", "<", False),
    ("好于", "", ">", "", "<", False),
    # less than
    ("低于", "<", "<", "", "", False),
    ("少于", "<", "", "", "", False),
    ("小于", "<", "", "", "", False),
    ("不满", "<", "", "", "", False),
    ("不足", "<", "", "", "", False),
    ("未满", "<", "", "", "", False),
    ("劣于", "", "<", "", "", False),
    # equal
    ("等于", "=", "=", "=", "=", False),
    # frames: no comparator of their own
    ("在", "~", "~", "~", "~", True),
    ("保持", "~", "~", "", "≤", True),
    ("保持在", "~", "~", "", "≤", True),
    ("维持", "~", "~", "", "≤", True),
    ("维持在", "~", "~", "", "≤", True),
    ("处于", "~", "~", "", "", True),
    ("介于", "", "", "", "", True),
    # dates
    ("截至", "", "", "≤", "", False),
    ("截止", "", "", "≤", "", False),
    ("截止到", "", "", "≤", "", False),
    ("截止至", "", "", "≤", "", False),
    ("至", "", "", "≤", "", False),
    ("到", "", "", "≤", "", False),
    ("于", "", "", "~", "", False),
    ("不晚于", "", "", "≤", "", False),
    ("不迟于", "", "", "≤", "", False),
    ("最迟", "", "", "≤", "", False),
    ("最晚", "", "", "≤", "", False),
    ("不早于", "", "", "≥", "", False),
    ("自", "", "", "≥", "", False),
    ("从", "", "", "≥", "", False),
    ("早于", "", "", "<", "", False),
    ("晚于", "", "", ">", "", False),
    ("迟于", "", "", ">", "", False),
    # ranks: at this place or better
    ("居", "", "", "", "≤", False),
    ("位居", "", "", "", "≤", False),
    ("位列", "", "", "", "≤", False),
    ("名列", "", "", "", "≤", False),
    ("排名", "", "", "", "≤", False),
    ("排在", "", "", "", "≤", False),
    ("进入", "", "", "", "≤", False),
    ("跻身", "", "", "", "≤", False),
)
"""Words and symbols that open a target (see the module notes for the columns)."""

_SUFFIX_ROWS: tuple[_Row, ...] = (
    # word           quantity label date rank  range
    ("以上", "≥", "≥", "", "≤", False),
    ("及以上", "≥", "≥", "", "≤", False),
    ("或以上", "≥", "≥", "", "≤", False),
    ("以下", "≤", "≤", "", "", False),
    ("及以下", "≤", "≤", "", "", False),
    ("或以下", "≤", "≤", "", "", False),
    ("以内", "≤", "", "≤", "≤", False),
    ("之内", "≤", "", "≤", "≤", False),
    ("内", "≤", "", "≤", "≤", False),
    ("以内完成", "≤", "", "≤", "", False),
    ("内完成", "≤", "", "≤", "", False),
    ("以外", ">", "", "", "", False),
    ("之外", ">", "", "", "", False),
    ("前", "", "", "≤", "", False),
    ("以前", "", "", "≤", "", False),
    ("之前", "", "", "≤", "", False),
    ("前完成", "", "", "≤", "", False),
    ("以前完成", "", "", "≤", "", False),
    ("之前完成", "", "", "≤", "", False),
    ("止", "", "", "≤", "", False),
    ("为止", "", "", "≤", "", False),
    ("后", "", "", "≥", "", False),
    ("以后", "", "", "≥", "", False),
    ("之后", "", "", "≥", "", False),
    ("起", "", "", "≥", "", False),
    ("之间", "", "", "", "", True),
    ("范围内", "", "", "", "", True),
    ("区间内", "", "", "", "", True),
)
"""Words that close a target.  Per 《民法典》第1259条, 以上, 以下 and 以内 include
the number itself and 以外 excludes it."""

_DAY_ONLY = frozenset(("前", "以前", "之前", "前完成", "以前完成", "之前完成"))
_DAY_ONLY |= frozenset(("后", "以后", "之后"))
_WITHIN = frozenset(("内", "以内", "之内", "内完成", "以内完成"))
_CONNECTORS = (
    "并且",
    "而且",
    "同时",
    "且",
    "并",
    "而",
    "但",
    ",",
    ";",
    "、",
    "&&",
    "&",
)
_SYMBOLS = frozenset("≥≤<>=≧≦⩾⩽")
_KINDS: tuple[Kind, ...] = ("quantity", "label", "date", "rank")
_KIND_INDEX = {kind: i + 1 for i, kind in enumerate(_KINDS)}
_KIND_NAMES = {
    "quantity": "a number",
    "label": "a label",
    "date": "a date",
    "rank": "a rank",
}
_COMPARATORS = {
    "≥": Comparator.GE,
    ">": Comparator.GT,
    "≤": Comparator.LE,
    "<": Comparator.LT,
    "=": Comparator.EQ,
}
_SYMBOL_MEANINGS = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    ">": ">",
    "<": "<",
    "=": "=",
    "==": "=",
}


def _alias_triples(
    values: Iterable[tuple[str, str, bool]],
) -> tuple[tuple[str, str, bool], ...]:
    expected = "(word, meaning, is_suffix) triples of text, text and true or false"
    given: object = values  # callers without mypy may pass anything
    if isinstance(given, str | bytes | Mapping) or not isinstance(given, Iterable):
        msg = f"a syntax's aliases must be {expected} (got {given!r:.60})"
        raise TypeError(msg)
    out: list[tuple[str, str, bool]] = []
    for item in given:
        if (
            not isinstance(item, tuple | list)
            or len(item) != 3  # noqa: PLR2004 (a triple)
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
            or not isinstance(item[2], bool)
        ):
            msg = f"a syntax's aliases must be {expected} (got {item!r:.60} in it)"
            raise TypeError(msg)
        out.append((item[0], item[1], item[2]))
    return tuple(out)


def _scale_tuple(values: Iterable[LabelScale]) -> tuple[LabelScale, ...]:
    return _checks.instances(values, LabelScale, "a syntax's scales")


def _registry(_: object, __: attrs.Attribute[UnitRegistry], value: object) -> None:
    _checks.instance(value, UnitRegistry, "a syntax's units")


@attrs.frozen(cache_hash=True)
class TargetSyntax:
    """The vocabulary a target is read with: units, label scales and word aliases.

    An immutable value: the ``with_…`` methods return a new syntax and leave
    this one (and :data:`DEFAULT_SYNTAX`) unchanged.  Pass it to
    :func:`parse_target` as ``syntax=``.

    Parameters
    ----------
    units
        The unit registry.
    scales
        The label scales, searched in order (the first scale with a label wins).
    aliases
        Extra comparator words as ``(word, meaning, is_suffix)``; the meaning is
        a symbol (``≥``, ``<=`` …) or a word the grammar already knows.

    Raises
    ------
    TypeError
        If *units* is not a :class:`~perfkpi.units.UnitRegistry`, *scales* is
        not a list of :class:`LabelScale`, or *aliases* is not
        ``(text, text, bool)`` triples.
    ValueError
        If an alias is empty or holds a digit, or its meaning is neither a
        comparator symbol nor a word the grammar knows.

    Examples
    --------
    >>> from perfkpi.targets import DEFAULT_SYNTAX, LabelScale, parse_target
    >>> from perfkpi.units import Unit
    >>> syntax = (
    ...     DEFAULT_SYNTAX.with_unit(Unit("人日", "effort", 1.0))
    ...     .with_scale(LabelScale("star", ("五星", "四星", "三星")))
    ...     .with_alias("起码", "≥")
    ...     .with_alias("开外", "以上", suffix=True)
    ... )
    >>> parse_target("起码30人日", syntax=syntax)
    Target('≥30人日')
    >>> parse_target("四星", syntax=syntax).is_met("五星")
    True
    >>> parse_target("90%开外", syntax=syntax)
    Target('≥90%')
    """

    units: UnitRegistry = attrs.field(default=DEFAULT_UNITS, validator=_registry)
    scales: tuple[LabelScale, ...] = attrs.field(
        default=DEFAULT_SCALES, converter=_scale_tuple
    )
    aliases: tuple[tuple[str, str, bool], ...] = attrs.field(
        default=(), converter=_alias_triples
    )
    _prefix: Mapping[str, _Row] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _suffix: Mapping[str, _Row] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _prefix_lengths: tuple[int, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _suffix_lengths: tuple[int, ...] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _labels: Mapping[str, tuple[LabelScale, float]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        prefix = {row[0]: row for row in _PREFIX_ROWS}
        suffix = {row[0]: row for row in _SUFFIX_ROWS}
        for word, meaning, is_suffix in self.aliases:
            table = suffix if is_suffix else prefix
            key = _key(word)
            if not key or any(ch.isdigit() for ch in key):
                msg = f"alias {word!r} must be a non-empty word without digits"
                raise ValueError(msg)
            if meaning in _SYMBOL_MEANINGS:
                m = _SYMBOL_MEANINGS[meaning]
                table[key] = (key, m, m, m, m, False)
            elif _key(meaning) in table:
                table[key] = (key, *table[_key(meaning)][1:])
            else:
                where = "after" if is_suffix else "before"
                msg = (
                    f"alias {word!r}: {meaning!r} is neither a comparator symbol "
                    f"nor a word the grammar knows {where} a value"
                )
                raise ValueError(msg)
        labels: dict[str, tuple[LabelScale, float]] = {}
        for scale in self.scales:
            for key, label in scale._lookup.items():  # noqa: SLF001 (same module)
                labels.setdefault(key, (scale, scale.rank(label)))
        set_ = object.__setattr__
        set_(self, "_prefix", prefix)
        set_(self, "_suffix", suffix)
        set_(
            self,
            "_prefix_lengths",
            tuple(sorted({len(w) for w in prefix}, reverse=True)),
        )
        set_(
            self,
            "_suffix_lengths",
            tuple(sorted({len(w) for w in suffix}, reverse=True)),
        )
        set_(self, "_labels", labels)

    def with_unit(self, *units: Unit) -> TargetSyntax:
        """Return a syntax that also knows *units*."""
        return attrs.evolve(self, units=self.units.with_units(*units))

    def with_unit_alias(self, alias: str, symbol: str) -> TargetSyntax:
        """Return a syntax in which *alias* also means the unit *symbol*."""
        return attrs.evolve(self, units=self.units.with_alias(alias, symbol))

    def with_scale(self, *scales: LabelScale) -> TargetSyntax:
        """Return a syntax that reads the labels of *scales* first."""
        return attrs.evolve(self, scales=(*scales, *self.scales))

    def with_alias(
        self, word: str, meaning: str, *, suffix: bool = False
    ) -> TargetSyntax:
        """Return a syntax in which *word* means *meaning*.

        Parameters
        ----------
        word
            The new word (``不少于``, ``开外``).
        meaning
            A comparator symbol (``≥``, ``<=`` …) or a word the grammar already
            knows in the same position, whose meaning is copied.
        suffix
            Whether the word follows the value (like ``以上``) instead of
            preceding it (like ``不低于``).
        """
        return attrs.evolve(self, aliases=(*self.aliases, (word, meaning, suffix)))

    def prefix_words(self) -> tuple[str, ...]:
        """Return the words and symbols that may open a target."""
        return tuple(self._prefix)

    def suffix_words(self) -> tuple[str, ...]:
        """Return the words that may close a target."""
        return tuple(self._suffix)


DEFAULT_SYNTAX = TargetSyntax()
# documented as perfkpi.targets.DEFAULT_SYNTAX, where it is public


_SYNTAX_CACHE: dict[tuple[int, int, int], TargetSyntax] = {}


def _syntax_with(
    units: UnitRegistry | None = None,
    scales: tuple[LabelScale, ...] | None = None,
    base: TargetSyntax | None = None,
) -> TargetSyntax:
    base = base or DEFAULT_SYNTAX
    units = base.units if units is None else units
    scales = base.scales if scales is None else scales
    if units is base.units and scales == base.scales:
        return base
    key = (id(base), id(units), hash(scales))
    cached = _SYNTAX_CACHE.get(key)
    if cached is None or cached.units != units or cached.scales != scales:
        cached = attrs.evolve(base, units=units, scales=scales)
        if len(_SYNTAX_CACHE) > 64:  # noqa: PLR2004 (a small cache)
            _SYNTAX_CACHE.clear()
        _SYNTAX_CACHE[key] = cached
    return cached
