"""The library's records: taxonomies, families and indicators with their sources."""

from __future__ import annotations

import reprlib
import types
from collections.abc import Iterable, Mapping

import attrs

from perfkpi.indicators import Indicator


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


# NATURES, EVIDENCE and ASSUMABLE are documented in the package, perfkpi.catalog
NATURES = ("≥", "≤", "=", "定性")

EVIDENCE = ("text", "form", "code", "recalled")

ASSUMABLE = ("unit", "nature", "category", "formula", "explanation", "basis", "core")

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
