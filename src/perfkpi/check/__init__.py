"""Check the arithmetic of a submitted report against its scheme.

A finance bureau receives hundreds of self-evaluation reports (自评报告) and
must check that each one adds up: that the subtotals are the sums of their
parts, every score is its full points less its deductions, every rate is its
numerator over its denominator, and every deduction is what the scheme's rule
gives for the actual the report states.  :func:`check_report` does this for the
figures a report states, written down as a *stated figures* file (see
:doc:`/checks`), and lists each relation that does not hold beyond rounding,
with both numbers and where each comes from.

"Beyond rounding" is meant exactly.  Scores and deductions are rounded by the
scheme's policy, so a score must equal the rounded recomputation.  Amounts and
rates are rounded where they are written: 99.98 % stands for any value in
[99.975 %, 99.985 %) under half-up rounding, and a relation holds when the
intervals of its two sides meet.

Examples
--------
>>> import perfkpi
>>> from perfkpi.check import bundled_stated, check_report
>>> result = check_report(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     bundled_stated("gz-internet-court-2022"),
... )
>>> result.ok, len(result.checks), [m.subject for m in result.mismatches]
(False, 14, ['预算完成率'])
>>> m = result.mismatches[0]
>>> m.stated, round(m.computed or 0, 4)
(99.98, 99.9717)
"""

from __future__ import annotations

from collections.abc import Sequence

from perfkpi import _public
from perfkpi.check._checker import _Checker
from perfkpi.check._figures import TOTAL as TOTAL  # read by perfkpi.reviews
from perfkpi.check._figures import (
    Figure,
    Stated,
    StatedAmount,
    StatedDeduction,
    StatedError,
    StatedRate,
    StatedScore,
)
from perfkpi.check._reading import (
    bundled_stated,
    load_stated,
    stated_from_dict,
    stated_from_text,
    stated_names,
)
from perfkpi.check._result import Check, CheckResult
from perfkpi.check._result import Kind as Kind  # resolves the annotation of Check.kind
from perfkpi.deductions import Data
from perfkpi.scheme import Scheme

__all__ = [
    "Check",
    "CheckResult",
    "Figure",
    "Stated",
    "StatedAmount",
    "StatedDeduction",
    "StatedError",
    "StatedRate",
    "StatedScore",
    "bundled_stated",
    "check_report",
    "load_stated",
    "stated_from_dict",
    "stated_from_text",
    "stated_names",
]


def _validate(scheme: Scheme, stated: Stated) -> None:
    problems: list[str] = []

    def known(code: str, where: str) -> None:
        if code != TOTAL and code not in scheme:
            problems.append(f"node {code!r} is not in scheme {scheme.id!r} @ {where}")

    for i, s in enumerate(stated.scores):
        known(s.node, f"score[{i}]")
        if s.actual is None or s.node not in scheme:
            continue
        node = scheme.node(s.node)
        rule = scheme.rule(s.node)
        if scheme.children(s.node) or node.points is None:
            what = "has children" if scheme.children(s.node) else "is an item"
        elif getattr(rule, "role", None) != "score":
            kind = getattr(rule, "kind", "no rule")
            what = f"is scored by {kind!r}, which reads no actual"
        else:
            continue
        problems.append(
            f"node {s.node!r} {what}: an actual belongs on a scored leaf's "
            f"row (an item's actual on its [[deduction]] row) @ score[{i}]"
        )

    def walk(lines: Sequence[StatedDeduction], where: str) -> None:
        for i, d in enumerate(lines):
            if d.node == TOTAL:
                problems.append(
                    f"a deduction names a node, not the total @ {where}[{i}]"
                )
            known(d.node, f"{where}[{i}]")
            walk(d.parts, f"{where}[{i}].parts")

    walk(stated.deductions, "deduction")
    if problems:
        raise StatedError(stated.source or "stated figures", problems)


def check_report(
    scheme: Scheme, stated: Stated, *, lang: str = "zh", data: Data | None = None
) -> CheckResult:
    """Recompute every relation among the figures a report states.

    Parameters
    ----------
    scheme
        The scheme the report was scored by.
    stated
        The figures the report states (:func:`load_stated`).
    lang
        The language of the expressions and notes: ``"zh"`` or ``"en"``.
    data
        The entity's data, when the reviewer has it: each actual a row states
        is then compared with the data's actual for the same node.

    Returns
    -------
    CheckResult
        Every relation checked; :attr:`CheckResult.mismatches` are those that
        do not hold within rounding.

    Raises
    ------
    StatedError
        If a stated node code is not in the scheme, or a score row gives an
        actual for a node that has children or is an item.

    Notes
    -----
    The relations checked:

    - stated full points against the scheme's;
    - each ``sum`` node (and the total) against its stated children;
    - each stated score against its full points less the stated deductions in
      its subtree, nodes floored at zero (only for first-level nodes that
      have stated deductions: a report that lists none is not read as
      claiming none);
    - each deduction with parts against the sum of its parts;
    - each deduction with a stated actual (or number of unmet indicators)
      against what the node's own rule gives, recomputed with
      :func:`perfkpi.evaluate` on that node alone;
    - each amount with parts against their sum, and each part against the
      whole it lies within;
    - each rate with a numerator and a denominator against their quotient;
    - the stated grade against the scheme's grade of the stated total;
    - each leaf score with a stated actual against what the node's rule gives
      for that actual (a full-marks score whose actual misses its target is
      flagged, with both numbers, the rule and why);
    - with *data*, each stated actual against the data's actual for its
      node, within the precision it is written with.

    An actual the node's rule cannot read (``"98.5"`` against a ``是`` target)
    is a mismatch, never a pass.
    """
    _validate(scheme, stated)
    checker = _Checker(scheme, stated, lang, data)
    checker.run()
    notes: list[str] = []
    if stated.scheme and stated.scheme != scheme.id:
        notes.append(
            f"注意：报告注明的评分方案为{stated.scheme!r}，复核使用{scheme.id!r}。"
            if lang == "zh"
            else f"note: the report names scheme {stated.scheme!r}; checked against "
            f"{scheme.id!r}."
        )
    title = " ".join(x for x in (stated.title or stated.entity, stated.period) if x)
    if stated.title:
        title = stated.title
    language = "zh" if lang == "zh" else "en"
    return CheckResult(checker.checks, checker.unchecked, notes, title, language)


# documented, pickled and named in tracebacks as perfkpi.check.X, where they began
_public.adopt(__name__, globals(), __all__)
