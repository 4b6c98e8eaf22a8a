"""Every rule by kind, the rule a target implies, and the file form of rules.

:data:`RULE_KINDS`, :func:`infer_rule`, :func:`value_kind_table`,
:func:`rule_from_dict` and :func:`rule_to_dict`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from perfkpi import _checks
from perfkpi.errors import RuleError
from perfkpi.rules._aggregate import (
    Deduct,
    Grade,
    GradeTable,
    Mean,
    PerUnmet,
    Shortfall,
    Sum,
    WeakestLink,
)
from perfkpi.rules._bands import Bands, Categorical, Checklist, Deadline, Qualitative
from perfkpi.rules._base import _ABSOLUTE, _PROPOSE, VALUE_KINDS, RuleBase, value_kind
from perfkpi.rules._linear import (
    AllOrNothing,
    Distance,
    Equal,
    Goalposts,
    LowerLinear,
    PerBlock,
    PerPoint,
    Proportional,
)
from perfkpi.targets import Comparator, Target

# Rule and RULE_KINDS are documented where perfkpi.rules re-exports them
Rule = (
    Proportional
    | LowerLinear
    | AllOrNothing
    | Equal
    | PerPoint
    | PerBlock
    | Bands
    | Categorical
    | Checklist
    | Qualitative
    | Goalposts
    | Distance
    | Deadline
    | Grade
    | PerUnmet
    | Shortfall
    | Sum
    | Deduct
    | Mean
    | WeakestLink
    | GradeTable
)

RULE_KINDS: dict[str, type[RuleBase]] = {
    cls.kind: cls
    for cls in (
        Proportional,
        LowerLinear,
        AllOrNothing,
        Equal,
        PerPoint,
        PerBlock,
        Bands,
        Categorical,
        Checklist,
        Qualitative,
        Goalposts,
        Distance,
        Deadline,
        Grade,
        PerUnmet,
        Shortfall,
        Sum,
        Deduct,
        Mean,
        WeakestLink,
        GradeTable,
    )
}


def infer_rule(target: Target | None) -> Rule:
    """Return the rule a leaf takes when its scheme does not name one.

    The rule follows what the target measures, never a ratio where a ratio has
    no meaning: a date is a :class:`Deadline` (late scores 0), a yes/no label
    :class:`AllOrNothing`, another label (or no target) :class:`Qualitative`,
    a rank or a range :class:`AllOrNothing`, an ``=`` target :class:`Equal`, a
    one-sided quantity above zero :class:`Proportional`, and a quantity whose
    target is zero or negative :class:`AllOrNothing`.

    Raises
    ------
    TypeError
        If *target* is neither a :class:`~perfkpi.targets.Target` nor ``None``.

    Examples
    --------
    >>> from perfkpi import parse_target
    >>> [infer_rule(parse_target(t)).kind for t in
    ...  ("≥95%", "2022年12月31日前", "是", "全市第一", "≤0%", "=0")]
    ['proportional', 'deadline', 'all-or-nothing', 'all-or-nothing', \
'all-or-nothing', 'equal']
    """
    if target is None:
        return Qualitative()
    kind = value_kind(target)
    if kind == "label":
        assert target.scale is not None  # noqa: S101 (a label has a scale)
        return AllOrNothing() if target.scale.name == "yes-no" else Qualitative()
    if kind == "date" and target.comparator is Comparator.LE:
        return Deadline()
    if target.comparator is Comparator.EQ and kind in ("positive", "signed"):
        return Equal()
    if kind == "positive" and target.comparator is not Comparator.RANGE:
        return Proportional()
    return AllOrNothing()


_TARGET_NOTES: dict[str, str] = {
    "bands": "its bands' conditions decide",
    "categorical": "not read: the actual is a category",
    "checklist": "not read: the actual lists items",
    "qualitative": "not read: the evaluator scores inside a tier",
    "goalposts": "gives the unit only: the goalposts decide",
    "grade": "not read: the actual is a grade",
}


def value_kind_table() -> str:
    """Return the table of the target kinds each scoring rule reads, as Markdown.

    One row per leaf or item rule, one column per :data:`VALUE_KINDS` entry:
    ``✓`` where the rule scores that kind of target, else the error a scheme
    gets and the rule it proposes.  The documentation's table is this
    function's output, checked by a test.
    """
    heads = {
        "positive": "quantity > 0",
        "signed": "quantity ≤ 0",
        "date": "date",
        "rank": "rank",
        "label": "label",
        "relative": "relative (较上年)",
    }
    lines = [
        "| rule | " + " | ".join(heads[k] for k in VALUE_KINDS) + " | actual |",
        "|---|" + "---|" * len(VALUE_KINDS) + "---|",
    ]
    for kind, cls in RULE_KINDS.items():
        if cls.role == "aggregate":
            continue
        note = _TARGET_NOTES.get(kind)
        cells = [
            "✓" if k in cls.target_kinds else f"✗ {_PROPOSE[k]}" for k in VALUE_KINDS
        ]
        if note is not None:
            cells = [
                f"any ({note})" if i == 0 else "any" if k in _ABSOLUTE else cells[i]
                for i, k in enumerate(VALUE_KINDS)
            ]
        lines.append(f"| `{kind}` | " + " | ".join(cells) + f" | {cls.actual_text} |")
    return "\n".join(lines) + "\n"


def rule_from_dict(spec: str | Mapping[str, Any]) -> Rule:
    """Build a rule from its file form: ``"proportional"`` or ``{"kind": ..., ...}``.

    Raises
    ------
    RuleError
        For an unknown kind or parameters the rule does not take.

    Examples
    --------
    >>> rule_from_dict({"kind": "per-point", "per": 0.5})
    PerPoint(per=0.5, step=1.0)
    >>> bands = rule_from_dict({"kind": "bands", "bands": [
    ...     {"when": "=0%", "score": 3}, {"when": "(0%,10%]", "score": 2}]})
    >>> rule_to_dict(bands)["bands"][1]
    {'when': '(0%,10%]', 'score': 2}
    """
    if isinstance(spec, str):
        spec = {"kind": spec}
    if not isinstance(spec, Mapping):
        msg = f"a rule is a kind name or a table with 'kind', got {spec!r}"  # type: ignore[unreachable]
        raise RuleError(msg)
    params = dict(spec)
    kind = params.pop("kind", None)
    cls = RULE_KINDS.get(str(kind))
    if cls is None:
        known = ", ".join(sorted(RULE_KINDS))
        msg = f"unknown rule kind {kind!r}; expected one of {known}"
        raise RuleError(msg)
    names = {a.name for a in attrs.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(params) - names)
    if unknown:
        allowed = ", ".join(sorted(names)) or "no parameters"
        msg = f"rule {kind!r} takes {allowed}, not {', '.join(unknown)}"
        raise RuleError(msg)
    try:
        return cls.from_params(params)  # type: ignore[return-value]
    except RuleError:
        raise
    except (TypeError, ValueError) as exc:
        msg = f"rule {kind!r}: {exc.args[0] if exc.args else exc}"
        raise RuleError(msg) from None


def rule_to_dict(rule: Rule) -> str | dict[str, Any]:
    """Return the file form of *rule* (the inverse of :func:`rule_from_dict`).

    Raises
    ------
    TypeError
        If *rule* is not a rule.
    """
    return _checks.instance(rule, RuleBase, "the rule").to_dict()
