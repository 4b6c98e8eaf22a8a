"""Compare two evaluations result by result."""

from __future__ import annotations

import math
from typing import Any

from perfkpi.evaluation import Evaluation


def _differences(actual: Evaluation, expected: Evaluation, abs_tol: float) -> list[str]:
    def close(a: float, b: float) -> bool:
        return a == b or math.isclose(a, b, rel_tol=0.0, abs_tol=abs_tol)

    out: list[str] = []
    if not close(actual.total, expected.total):
        out.append(f"total: {actual.total!r} != {expected.total!r}")
    if actual.grade != expected.grade:
        out.append(f"grade: {actual.grade!r} != {expected.grade!r}")
    for what, left, right in (
        ("score", actual.scores, expected.scores),
        ("penalty", actual.penalties, expected.penalties),
    ):
        for code in sorted(set(left) | set(right)):
            a, b = left.get(code), right.get(code)
            if a is None or b is None or not close(a, b):
                out.append(f"{what} of node {code}: {a!r} != {b!r}")
    for what, left_map, right_map in (
        ("met", actual.met, expected.met),
        ("grade", actual.grades, expected.grades),
    ):
        out.extend(
            f"{what} of node {code}: {left_map.get(code)!r} != {right_map.get(code)!r}"
            for code in sorted(set(left_map) | set(right_map))
            if left_map.get(code) != right_map.get(code)
        )
    if actual.not_applicable != expected.not_applicable:
        out.append(
            "not applicable: "
            f"{sorted(actual.not_applicable)} != {sorted(expected.not_applicable)}"
        )
    left_ledger = sorted(_ledger_key(d) for d in actual.deductions)
    right_ledger = sorted(_ledger_key(d) for d in expected.deductions)
    if len(left_ledger) != len(right_ledger) or any(
        a[:-1] != b[:-1] or not close(a[-1], b[-1])
        for a, b in zip(left_ledger, right_ledger, strict=False)
    ):
        only_left = [d for d in left_ledger if d not in right_ledger]
        only_right = [d for d in right_ledger if d not in left_ledger]
        out.append(
            f"deductions: only in actual {only_left}, only in expected {only_right}"
        )
    return out


def _ledger_key(d: Any) -> tuple[str, str, str, str, str, float]:  # noqa: ANN401
    return (d.node, d.kind, d.source, d.category, d.reason, d.points)


def assert_evaluations_equal(
    actual: Evaluation, expected: Evaluation, *, abs_tol: float = 0.0
) -> None:
    """Assert that two evaluations give the same results.

    Compares the total, the grade, every node's score, penalty, met flag and
    ordinal grade, the not-applicable nodes and the ledger of deductions (as
    a multiset: the ledger's order follows the scheme's node order, which
    does not change a result).  The schemes and data themselves are not
    compared, so evaluations of a scheme and of its reordered or re-loaded
    copy compare equal.

    Parameters
    ----------
    actual, expected
        The evaluations.
    abs_tol
        The largest difference allowed between two numbers; 0 (the default)
        asks for equal reported values.

    Raises
    ------
    AssertionError
        Listing every difference, each naming its node.

    Examples
    --------
    >>> from perfkpi import catalog, evaluate
    >>> from perfkpi.testing import assert_evaluations_equal
    >>> seed = catalog.scheme("gz-dept-overall")
    >>> data = catalog.data("gz-internet-court-2022")
    >>> assert_evaluations_equal(evaluate(seed, data), evaluate(seed, data))
    >>> more = {**data.actuals, "1.2": 99.9}
    >>> changed = evaluate(seed, data.to_dict() | {"actuals": more})
    >>> assert_evaluations_equal(changed, evaluate(seed, data))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: evaluations differ:
      total: 88.64 != 88.63
    ...
    """
    for name, value in (("actual", actual), ("expected", expected)):
        if not isinstance(value, Evaluation):
            msg = f"{name} must be an Evaluation, got {type(value).__name__}"  # type: ignore[unreachable]
            raise TypeError(msg)
    if (
        isinstance(abs_tol, bool)
        or not isinstance(abs_tol, int | float)
        or not (abs_tol >= 0)
    ):
        msg = f"abs_tol must be a number >= 0, got {abs_tol!r}"
        raise TypeError(msg)
    problems = _differences(actual, expected, float(abs_tol))
    if problems:
        raise AssertionError(
            "evaluations differ:\n" + "\n".join(f"  {p}" for p in problems)
        )
