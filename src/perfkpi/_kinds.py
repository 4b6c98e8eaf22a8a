"""Who evaluates whom: the four kinds of performance evaluation report.

A self-evaluation (自评) is written by the entity itself; a department
evaluation (部门评价) by its supervising department; a finance evaluation
(财政评价) by the finance bureau; a third-party evaluation (第三方评价) by an
institution commissioned to evaluate.  Each kind is named in English
(``"self"``, ``"department"``, ``"finance"``, ``"third-party"``) or in
Chinese; the English name is the one stored.
"""

from __future__ import annotations

from typing import Literal

ReportKind = Literal[
    "self",
    "department",
    "finance",
    "third-party",
    "自评",
    "部门评价",
    "财政评价",
    "第三方评价",
]
"""A kind of report, by its English or its Chinese name."""

CanonicalKind = Literal["self", "department", "finance", "third-party"]

KINDS: dict[str, CanonicalKind] = {
    "self": "self",
    "department": "department",
    "finance": "finance",
    "third-party": "third-party",
    "自评": "self",
    "部门评价": "department",
    "财政评价": "finance",
    "第三方评价": "third-party",
}
"""Every accepted name of a kind, and the kind it names."""

ACCEPTED = ", ".join(KINDS)
"""The accepted names, for error messages."""


def canonical(value: object) -> object:
    """Return the English name of a kind given by either name; others unchanged."""
    if isinstance(value, str) and value.strip() in KINDS:
        return KINDS[value.strip()]
    return value


def known(value: object) -> bool:
    """Say whether *value* names a kind."""
    return isinstance(value, str) and value.strip() in KINDS
