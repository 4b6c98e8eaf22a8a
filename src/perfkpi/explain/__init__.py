"""Explain one number of an evaluation: its rule, inputs, formula and rounding.

:func:`explain` traces a node's score (or an item's penalty, or the total) back
to where it comes from: the rule that scores it, each input with its unit, the
formula with the numbers substituted, and the rounding that turns the raw value
into the reported one.  It is what a finance bureau asks when it questions a
figure: "where does 9.98 come from?"

Rules perfkpi knows are traced step by step; a rule kind added later is still
explained by its own description, its inputs and its reported value.

Examples
--------
>>> import perfkpi
>>> ev = perfkpi.evaluate(
...     perfkpi.catalog.scheme("gz-dept-overall"),
...     perfkpi.catalog.data("gz-internet-court-2022"),
... )
>>> print(explain(ev, "1.2"))
1.2 预算资金支出率 = 9.98分
规则：按比例计分，满分为止（proportional）
输入：
  B 实际完成值 = 99.8%
  A 指标值 = 100%（目标 ≥100%）
  w 分值 = 10分
公式：B < A，得分 = w × B ÷ A
代入：10 × 99.8 ÷ 100 = 9.98
取整：9.98 → 9.98（保留2位小数，四舍五入）
"""

from __future__ import annotations

from perfkpi import _public
from perfkpi.evaluation import Evaluation
from perfkpi.explain._records import TOTAL as TOTAL
from perfkpi.explain._records import Explanation, Input, UnknownNodeError
from perfkpi.explain._tracer import _Tracer

__all__ = ["Explanation", "Input", "UnknownNodeError", "explain"]


def explain(ev: Evaluation, code: str, lang: str = "zh") -> Explanation:
    """Trace one number of *ev*: a node's score, an item's penalty or the total.

    Parameters
    ----------
    ev
        The evaluation.
    code
        A node code of the evaluated scheme (the entity's items included), or
        ``"total"``.
    lang
        ``"zh"`` (the default) or ``"en"``.

    Returns
    -------
    Explanation
        The rule, the inputs with units, the formula with the numbers
        substituted, and the rounding.

    Raises
    ------
    UnknownNodeError
        If *code* names no node (a :class:`KeyError`).
    TypeError
        If *code* is not text.
    ValueError
        For an unknown language.

    Examples
    --------
    >>> import perfkpi
    >>> ev = perfkpi.evaluate(
    ...     perfkpi.catalog.scheme("gz-dept-overall"),
    ...     perfkpi.catalog.data("gz-internet-court-2022"),
    ... )
    >>> print(explain(ev, "total", lang="en"))
    Total = 88.63
    rule: sum of the first-level scores (total)
    inputs:
      1 履职效能 = 45.98
      2 管理效率 = 42.65
    formula: total = Σ first-level
    substituted: 45.98 + 42.65 = 88.63
    rounding: 88.63 → 88.63 (2 decimal places, half-up)
    grade: 良 (80 ≤ 88.63 < 90, cn-2020)
    """
    if lang not in ("zh", "en"):
        msg = f"unknown language {lang!r}; expected zh or en"
        raise ValueError(msg)
    given: object = code  # callers without mypy may pass anything
    if not isinstance(given, str):
        msg = f"code must be text (got {given!r:.60})"
        raise TypeError(msg)
    tracer = _Tracer(ev, "zh" if lang == "zh" else "en")
    if code.strip().lower() in (TOTAL, "总分"):
        return tracer.total()
    if code not in ev.scheme:
        known = [n.code for n in ev.scheme.ordered()]
        raise UnknownNodeError(code, known)
    return tracer.node(code)


# documented, pickled and named in tracebacks as perfkpi.explain.X, where they began
_public.adopt(__name__, globals(), __all__)
