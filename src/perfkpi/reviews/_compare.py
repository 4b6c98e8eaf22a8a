"""Comparing a submission's stated figures with the scheme's rules."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from perfkpi.reviews._records import Discrepancy, ReviewEntry, _shown
from perfkpi.scheme import Scheme


def _against_scheme(
    sheet: Any,  # noqa: ANN401 (a SelfEvaluation: openpyxl is an extra)
    scheme: Scheme,
    department: str,
    file: str,
) -> list[Discrepancy]:
    """List the rows whose name, points or target are not the scheme's."""
    out: list[Discrepancy] = []
    own: Scheme = sheet.scheme
    items = {item.code for item in sheet.data.items}
    for node in own.ordered():
        if node.code in items:
            continue
        place = sheet.cells.get(node.code, file)
        if node.code not in scheme:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 指标",
                    node.name,
                    None,
                    f"the scheme {scheme.id!r} has no node {node.code!r}",
                )
            )
            continue
        theirs = scheme.node(node.code)
        if node.name != theirs.name:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.code} 指标名称",
                    node.name,
                    theirs.name,
                    f"the scheme {scheme.id!r} names node {node.code} "
                    f"{theirs.name!r}: a row added, removed or moved?",
                )
            )
            continue
        if not _same_points(node.points, theirs.points):
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 分值",
                    node.points,
                    theirs.points,
                    f"the scheme {scheme.id!r} gives {node.name} "
                    f"{_shown(theirs.points)} points",
                )
            )
        mine = "" if node.target is None else str(node.target)
        published = "" if theirs.target is None else str(theirs.target)
        if mine and published and mine != published:
            out.append(
                Discrepancy(
                    department,
                    file,
                    place,
                    node.code,
                    f"{node.name} 指标值",
                    mine,
                    published,
                    f"the scheme {scheme.id!r} sets the target {published}; "
                    "the review scores against the scheme's",
                )
            )
    missing = [
        n
        for n in scheme.ordered()
        if n.code not in own and n.code not in items and n.parent is None
    ]
    out += [
        Discrepancy(
            department,
            file,
            file,
            n.code,
            f"{n.name} 指标",
            None,
            n.name,
            f"the sheet has no row for the scheme's node {n.code}",
        )
        for n in missing
    ]
    return out


def _same_points(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, abs_tol=1e-9)


def _review_stated(path: Path, scheme: Scheme | None) -> ReviewEntry:
    from perfkpi.check import TOTAL, check_report, load_stated  # noqa: PLC0415

    stated = load_stated(path)
    department = stated.entity or path.stem
    if scheme is None:
        return ReviewEntry(
            str(path),
            department,
            error="a stated-figures file names no rules: give the scheme to "
            "review it by",
        )
    result = check_report(scheme, stated)
    found = [
        Discrepancy(
            department,
            str(path),
            "; ".join(s for s in c.sources if s) or c.subject,
            "",
            c.subject,
            c.stated,
            c.computed if isinstance(c.computed, float | int | str) else None,
            f"{c.kind}: {c.expression}" + (f"; {c.note}" if c.note else ""),
        )
        for c in result.mismatches
    ]
    total = next((s for s in stated.scores if s.node == TOTAL), None)
    stated_total = None if total is None or total.value is None else total.value.value
    recomputed = next(
        (
            float(c.computed)
            for c in result.checks
            if c.kind == "sum"
            and stated_total is not None
            and c.stated == stated_total
            and isinstance(c.computed, float | int)
            and c.subject == "总分"
        ),
        None,
    )
    grade = next((c for c in result.checks if c.kind == "grade"), None)
    return ReviewEntry(
        str(path),
        department,
        stated_total,
        None if recomputed is None else round(recomputed, scheme.rounding.places),
        stated.grade,
        str(grade.computed) if grade is not None else "",
        found,
    )
