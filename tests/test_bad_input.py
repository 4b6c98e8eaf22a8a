"""Bad input never slips through: the exact error, and a message that names the place.

Each row of the tables is one bad input with a ``# why`` comment: the call, the
exact error class it must raise, and the places its message must name (a node
code, a file, a character position, a field).  Rows marked ``xfail(strict=True)``
are bugs found by this table and described in their reason; they must start
passing when the bug is fixed, and then lose their mark.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import perfkpi
from perfkpi import (
    DataError,
    Deduct,
    IncompatibleUnitError,
    Node,
    Proportional,
    RuleError,
    Scheme,
    SchemeValidationError,
    TargetSyntaxError,
    UnknownUnitError,
    evaluate,
    load_data,
    load_scheme,
    parse_target,
)
from perfkpi.cli import main
from perfkpi.rules import (
    AllOrNothing,
    Goalposts,
    GradeTable,
    PerBlock,
    PerPoint,
    PerUnmet,
    Qualitative,
    Shortfall,
    rule_from_dict,
)

try:  # the loaders' group of data problems, where the loader has one
    from perfkpi.errors import DataValidationError as DataLoadError
except ImportError:  # pragma: no cover (older loaders raise DataError)
    DataLoadError = DataError  # type: ignore[assignment, misc]

MB = 1024 * 1024

# -- fixtures of the table ------------------------------------------------------------

ONE = Scheme.from_nodes(
    "one",
    "一个指标",
    [
        Node("1", "网上立案率", points=10, target="≥99%", rule=Proportional()),
        Node("2", "管理效率", points=90, rule=Deduct()),
    ],
)
"""Node 1 scores 网上立案率 against ≥99 %; node 2 takes findings."""

LABEL = Scheme.from_nodes(
    "label",
    "label",
    [Node("1", "等保测评", points=100, target="是", rule=AllOrNothing())],
)
QUALITATIVE = Scheme.from_nodes(
    "q", "q", [Node("1", "制度建设", points=100, rule=Qualitative())]
)

SCHEME_DOC: dict[str, Any] = {
    "scheme": {"id": "s", "name": "示例", "points": 100},
    "node": [
        {"code": "1", "name": "产出", "points": 60},
        {
            "code": "1.1",
            "parent": "1",
            "name": "完成率",
            "points": 60,
            "target": "≥100%",
            "rule": "proportional",
        },
        {"code": "2", "name": "管理", "points": 40, "rule": "deduct"},
    ],
}
"""A valid scheme file: each file row below breaks one thing in a copy of it."""


def _doc(**changes: Any) -> dict[str, Any]:  # noqa: ANN401
    doc: dict[str, Any] = json.loads(json.dumps(SCHEME_DOC))
    for path, value in changes.items():
        *head, last = path.split("__")
        table: Any = doc
        for part in head:
            table = table[int(part)] if part.isdigit() else table[part]
        if value is _DELETE:
            del table[last]
        else:
            table[int(last) if last.isdigit() else last] = value
    return doc


_DELETE = object()


def _write(tmp: Path, name: str, content: str | bytes | dict[str, Any]) -> Path:
    path = tmp / name
    if isinstance(content, dict):
        content = json.dumps(content, ensure_ascii=False)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _huge_json(tmp: Path, name: str, template: str) -> Path:
    """Write JSON with a 400-digit integer where *template* has ``HUGE``."""
    return _write(tmp, name, template.replace("HUGE", "1" + "0" * 400))


def _points_text(tmp: Path, number: str) -> Path:
    """Write the scheme with node 2's points spelt *number* in the JSON text."""
    text = json.dumps(SCHEME_DOC).replace('"points": 40', f'"points": {number}')
    return _write(tmp, "s.json", text)


def _fifty_mb(tmp: Path, name: str) -> Path:
    path = tmp / name
    with path.open("wb") as out:
        out.write(b"# padding\n" * (5 * MB + 1))  # 50 MB and ten bytes
    return path


def _deep_tree_toml(levels: int) -> str:
    lines = ['[scheme]\nid = "deep"\nname = "deep"\npoints = 1\n']
    lines.append('[[node]]\ncode = "n0"\nname = "n"\npoints = 1\n')
    for i in range(1, levels):
        parent = f"n{i - 1}"
        lines.append(f'[[node]]\ncode = "n{i}"\nparent = "{parent}"\nname = "n"\n')
        lines.append("points = 1\n")
    return "".join(lines)


Call = Callable[[Path], object]


# -- the table: (call, exact error class, places the message must name) ---------------

CASES: list[Any] = [
    # -- targets: text that is not a target --------------------------------------------
    pytest.param(
        # nothing to read
        lambda _: parse_target(""),
        TargetSyntaxError,
        ["character 0"],
        id="target-empty",
    ),
    pytest.param(
        # letters where the number goes
        lambda _: parse_target("≥abc%"),
        TargetSyntaxError,
        ["'≥abc%'", "character 1"],
        id="target-not-a-number",
    ),
    pytest.param(
        # NaN is not a number a target may hold
        lambda _: parse_target("≥NaN%"),
        TargetSyntaxError,
        ["'≥NaN%'", "character 1"],
        id="target-nan",
    ),
    pytest.param(
        # nor is infinity
        lambda _: parse_target("≥inf"),
        TargetSyntaxError,
        ["'≥inf'", "character 1"],
        id="target-inf",
    ),
    pytest.param(
        # a number too large for a float
        lambda _: parse_target("≥" + "9" * 400),
        TargetSyntaxError,
        ["character 1"],
        id="target-huge-number",
    ),
    pytest.param(
        # a unit nobody defined, with the position of the unit
        lambda _: parse_target("≥99furlong"),
        UnknownUnitError,
        ["'furlong'", "character 3"],
        id="target-unknown-unit",
    ),
    pytest.param(
        # the two ends of a range in units of different dimensions
        lambda _: parse_target("[5件,10小时]"),
        IncompatibleUnitError,
        ["[5件,10小时]"],
        id="target-range-unit-mismatch",
    ),
    pytest.param(
        # an open range of zero width holds nothing
        lambda _: parse_target("(5%,5%)"),
        TargetSyntaxError,
        ["'(5%,5%)'", "character"],
        id="target-empty-range",
    ),
    pytest.param(
        # not text at all
        lambda _: parse_target(99),  # type: ignore[arg-type]
        TypeError,
        ["99", "int"],
        id="target-wrong-type",
    ),
    # -- actuals against a target ------------------------------------------------------
    pytest.param(
        # NaN is never an actual
        lambda _: parse_target("≥99%").is_met(math.nan),
        DataError,
        ["nan", "finite"],
        id="is-met-nan",
    ),
    pytest.param(
        # a count is not a percentage
        lambda _: parse_target("≥99%").is_met("5件"),
        IncompatibleUnitError,
        ["5件", "%"],
        id="is-met-unit-mismatch",
    ),
    # -- rules with parameters they cannot work with -----------------------------------
    pytest.param(
        # a block of zero width: division by zero
        lambda _: PerBlock(per=2, block=0),
        RuleError,
        ["'block'", "> 0"],
        id="rule-zero-block",
    ),
    pytest.param(
        # a step of zero width
        lambda _: PerPoint(per=0.5, step=0),
        RuleError,
        ["'step'", "> 0"],
        id="rule-zero-step",
    ),
    pytest.param(
        # goalposts at one place: (x − min)/(max − min) divides by zero
        lambda _: Goalposts(min=50, max=50),
        RuleError,
        ["'min'", "'max'"],
        id="rule-zero-goalposts",
    ),
    pytest.param(
        # the log of a zero goalpost
        lambda _: Goalposts(min=0, max=100, log=True),
        RuleError,
        ["log", "> 0"],
        id="rule-log-zero-goalpost",
    ),
    pytest.param(
        # a negative penalty would add points
        lambda _: PerUnmet(points=-1),
        RuleError,
        ["'points'", "-1"],
        id="rule-negative-penalty",
    ),
    pytest.param(
        # NaN points
        lambda _: Shortfall(points=math.nan),
        RuleError,
        ["'points'", "nan"],
        id="rule-nan-points",
    ),
    pytest.param(
        # a rule kind that does not exist, with the kinds that do
        lambda _: rule_from_dict({"kind": "median"}),
        RuleError,
        ["'median'", "proportional"],
        id="rule-unknown-kind",
    ),
    pytest.param(
        # a parameter value outside its choices
        lambda _: rule_from_dict({"kind": "mean", "mean": "median"}),
        RuleError,
        ["'mean'", "'median'"],
        id="rule-bad-choice",
    ),
    pytest.param(
        # a conversion table keyed by numbers, not grades
        lambda _: GradeTable({1: "A"}),  # type: ignore[dict-item]
        RuleError,
        ["'table'"],
        id="rule-table-wrong-keys",
    ),
    # -- schemes built in Python -------------------------------------------------------
    pytest.param(
        # an empty scheme scores nothing
        lambda _: Scheme.from_nodes("s", "s", []),
        SchemeValidationError,
        ["at least one node"],
        id="scheme-empty",
    ),
    pytest.param(
        # two nodes with one code
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [
                Node("1", "a", points=50, target="≥1", rule=Proportional()),
                Node("1", "b", points=50, target="≥1", rule=Proportional()),
            ],
        ),
        SchemeValidationError,
        ["duplicate code '1'", "@ 1"],
        id="scheme-duplicate-codes",
    ),
    pytest.param(
        # 1 → 2 → 1
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", parent="2", points=100), Node("2", "b", parent="1")],
        ),
        SchemeValidationError,
        ["cycle", "@ 1", "@ 2"],
        id="scheme-cycle",
    ),
    pytest.param(
        # 50 under a 60-point node
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [
                Node("1", "a", points=60),
                Node(
                    "1.1", "b", parent="1", points=50, target="≥1", rule=Proportional()
                ),
                Node("2", "c", points=40, rule=Deduct()),
            ],
        ),
        SchemeValidationError,
        ["sum to 50, not 60", "@ 1"],
        id="scheme-points-do-not-add-up",
    ),
    pytest.param(
        # negative points (a negative budget of points)
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", points=-10, target="≥1", rule=Proportional())],
            points=10,
        ),
        SchemeValidationError,
        ["-10", "@ 1"],
        id="scheme-negative-points",
    ),
    pytest.param(
        # NaN points
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", points=math.nan, target="≥1", rule=Proportional())],
            points=10,
        ),
        SchemeValidationError,
        ["nan", "@ 1"],
        id="scheme-nan-points",
    ),
    pytest.param(
        # a total of zero points
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", points=0, target="≥1", rule=Proportional())],
            points=0,
        ),
        SchemeValidationError,
        ["total points must be > 0"],
        id="scheme-zero-total",
    ),
    pytest.param(
        # an infinite total
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", points=10, target="≥1", rule=Proportional())],
            points=math.inf,
        ),
        SchemeValidationError,
        ["total points", "inf"],
        id="scheme-infinite-total",
    ),
    pytest.param(
        # a node's code must be text
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node(5, "a", points=100, target="≥1", rule=Proportional())],  # type: ignore[arg-type]
        ),
        SchemeValidationError,
        ["code", "5"],
        id="scheme-code-wrong-type",
    ),
    pytest.param(
        # a parent that does not exist
        lambda _: Scheme.from_nodes(
            "s",
            "s",
            [Node("1", "a", parent="9", points=100, target="≥1", rule=Proportional())],
        ),
        SchemeValidationError,
        ["unknown parent '9'", "@ 1"],
        id="scheme-unknown-parent",
    ),
    # -- evaluate(): bad data ----------------------------------------------------------
    pytest.param(
        # NaN is never a score, nor an actual
        lambda _: evaluate(ONE, {"1": math.nan}),
        DataError,
        ["nan", "@ 1"],
        id="evaluate-nan",
    ),
    pytest.param(
        # +inf
        lambda _: evaluate(ONE, {"1": math.inf}),
        DataError,
        ["inf", "@ 1"],
        id="evaluate-inf",
    ),
    pytest.param(
        # -inf
        lambda _: evaluate(ONE, {"1": -math.inf}),
        DataError,
        ["-inf", "@ 1"],
        id="evaluate-minus-inf",
    ),
    pytest.param(
        # a numpy NaN is NaN too
        lambda _: evaluate(ONE, {"1": np.float64("nan")}),
        DataError,
        ["nan", "@ 1"],
        id="evaluate-numpy-nan",
    ),
    pytest.param(
        # no actual for a leaf
        lambda _: evaluate(ONE, {}),
        DataError,
        ["missing", "@ 1"],
        id="evaluate-missing-actual",
    ),
    pytest.param(
        # an actual for a node the scheme does not have
        lambda _: evaluate(ONE, {"1": 99.5, "9": 1}),
        DataError,
        ["'9'"],
        id="evaluate-unknown-node",
    ),
    pytest.param(
        # a number with more digits than a float holds
        lambda _: evaluate(ONE, {"1": 10**400}),
        DataError,
        ["@ 1"],
        id="evaluate-huge-number",
    ),
    pytest.param(
        # the same number as a qualitative score
        lambda _: evaluate(QUALITATIVE, {"1": 10**400}),
        DataError,
        ["@ 1"],
        id="evaluate-huge-qualitative",
    ),
    pytest.param(
        # a unit of another dimension
        lambda _: evaluate(ONE, {"1": "5件"}),
        IncompatibleUnitError,
        ["5件", r"node 1|@ 1"],
        id="evaluate-unit-mismatch",
    ),
    pytest.param(
        # a unit nobody defined
        lambda _: evaluate(ONE, {"1": "99furlong"}),
        DataError,
        ["furlong", "@ 1"],
        id="evaluate-unknown-unit",
    ),
    pytest.param(
        # a list where a number goes
        lambda _: evaluate(ONE, {"1": [99, 100]}),
        DataError,
        ["99, 100", "@ 1"],
        id="evaluate-wrong-type-actual",
    ),
    pytest.param(
        # a list where the data goes
        lambda _: evaluate(ONE, [99]),  # type: ignore[arg-type]
        DataError,
        ["list", "data"],
        id="evaluate-wrong-type-data",
    ),
    pytest.param(
        # a label that is not on the target's scale
        lambda _: evaluate(LABEL, {"1": "也许"}),
        DataError,
        ["'也许'", "@ 1"],
        id="evaluate-unknown-label",
    ),
    pytest.param(
        # a qualitative score outside its tier's band [80, 100]
        lambda _: evaluate(QUALITATIVE, {"1": {"tier": "达成年度指标", "score": 10}}),
        DataError,
        ["[80, 100]", "@ 1"],
        id="evaluate-qualitative-out-of-band",
    ),
    pytest.param(
        # a negative finding would add points
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "findings": [{"node": "2", "points": -1, "reason": "x"}],
            },
        ),
        DataError,
        ["-1", "findings[0]"],
        id="evaluate-negative-finding",
    ),
    pytest.param(
        # a finding too large for a float
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "findings": [{"node": "2", "points": 10**400, "reason": "x"}],
            },
        ),
        DataError,
        ["findings[0]"],
        id="evaluate-huge-finding",
    ),
    pytest.param(
        # findings go on deduct nodes
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "findings": [{"node": "1", "points": 1, "reason": "x"}],
            },
        ),
        DataError,
        ["findings[0]", "deduct"],
        id="evaluate-finding-on-leaf",
    ),
    pytest.param(
        # a finding's node must be a code
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "findings": [{"node": [], "points": 1, "reason": "x"}],
            },
        ),
        DataError,
        ["findings[0]"],
        id="evaluate-finding-node-wrong-type",
    ),
    pytest.param(
        # an item's parent must be a code
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "items": [{"parent": [], "name": "x", "target": "是", "actual": "是"}],
            },
        ),
        DataError,
        ["items[0]"],
        id="evaluate-item-parent-wrong-type",
    ),
    pytest.param(
        # an item's code must be text (a number)
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "items": [
                    {
                        "parent": "2",
                        "name": "x",
                        "target": "是",
                        "actual": "是",
                        "code": 5,
                    }
                ],
            },
        ),
        DataError,
        ["items[0]"],
        id="evaluate-item-code-number",
    ),
    pytest.param(
        # an item's code must be text (a list)
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "items": [
                    {
                        "parent": "2",
                        "name": "x",
                        "target": "是",
                        "actual": "是",
                        "code": [None],
                    }
                ],
            },
        ),
        DataError,
        ["items[0]"],
        id="evaluate-item-code-list",
    ),
    pytest.param(
        # an item's category must be text
        lambda _: evaluate(
            ONE,
            {
                "actuals": {"1": 99},
                "items": [
                    {
                        "parent": "2",
                        "name": "x",
                        "target": "是",
                        "actual": "是",
                        "category": [],
                    }
                ],
            },
        ),
        DataError,
        ["items[0]"],
        id="evaluate-item-category-wrong-type",
    ),
    pytest.param(
        # findings must be a list
        lambda _: evaluate(ONE, {"actuals": {"1": 99}, "findings": 5}),
        DataError,
        ["findings"],
        id="evaluate-findings-wrong-type",
    ),
    pytest.param(
        # not_applicable must be a list of codes
        lambda _: evaluate(ONE, {"actuals": {"1": 99}, "not_applicable": 5}),
        DataError,
        ["not_applicable"],
        id="evaluate-not-applicable-wrong-type",
    ),
    pytest.param(
        # not applicable: a node the scheme does not have
        lambda _: evaluate(ONE, {"actuals": {"1": 99}, "not_applicable": ["9"]}),
        DataError,
        ["'9'", "not_applicable"],
        id="evaluate-not-applicable-unknown",
    ),
    pytest.param(
        # nothing left to score
        lambda _: evaluate(ONE, {"not_applicable": ["1", "2"]}),
        DataError,
        ["not applicable"],
        id="evaluate-everything-not-applicable",
    ),
    # -- scheme files ------------------------------------------------------------------
    pytest.param(
        # TOML with an unclosed string: the file and the line
        lambda tmp: load_scheme(_write(tmp, "s.toml", '[scheme]\nid = "x\n')),
        SchemeValidationError,
        ["s.toml", "malformed TOML", "line 2"],
        id="file-malformed-toml",
    ),
    pytest.param(
        # JSON with a trailing comma: the file, line and column
        lambda tmp: load_scheme(_write(tmp, "s.json", '{"scheme": {"id": "x",}\n}')),
        SchemeValidationError,
        ["s.json", "line 1", "column"],
        id="file-malformed-json",
    ),
    pytest.param(
        # JSON's NaN is no number
        lambda tmp: load_scheme(_write(tmp, "s.json", '{"scheme": {"points": NaN}}')),
        SchemeValidationError,
        ["s.json", "NaN"],
        id="file-json-nan",
    ),
    pytest.param(
        # JSON's 1e400 is infinity once read
        lambda tmp: load_scheme(
            _write(
                tmp,
                "s.json",
                json.dumps(SCHEME_DOC).replace('"points": 40', '"points": 1e400'),
            )
        ),
        SchemeValidationError,
        ["s.json", "node 2", "points"],
        id="file-json-infinite-points",
    ),
    pytest.param(
        # a 400-digit integer
        lambda tmp: load_scheme(
            _huge_json(
                tmp,
                "s.json",
                json.dumps(SCHEME_DOC).replace('"points": 40', '"points": HUGE'),
            )
        ),
        SchemeValidationError,
        ["s.json", "node 2"],
        id="file-json-huge-points",
    ),
    pytest.param(
        # Latin-1 bytes are not UTF-8
        lambda tmp: load_scheme(_write(tmp, "s.toml", b"[scheme]\nname = '\xe9'\n")),
        SchemeValidationError,
        ["s.toml", "UTF-8"],
        id="file-not-utf8",
    ),
    pytest.param(
        # a 50 MB file is refused before it is read
        lambda tmp: load_scheme(_fifty_mb(tmp, "big.toml")),
        SchemeValidationError,
        ["big.toml", "bytes"],
        id="file-50-mb",
    ),
    pytest.param(
        # an empty file has no [scheme] and no node
        lambda tmp: load_scheme(_write(tmp, "empty.toml", "")),
        SchemeValidationError,
        ["empty.toml", "node"],
        id="file-empty",
    ),
    pytest.param(
        # a JSON array is no scheme
        lambda tmp: load_scheme(_write(tmp, "s.json", "[1, 2]")),
        SchemeValidationError,
        ["s.json", "object"],
        id="file-json-array",
    ),
    pytest.param(
        # neither TOML nor JSON
        lambda tmp: load_scheme(_write(tmp, "s.yaml", "scheme: {}")),
        SchemeValidationError,
        ["s.yaml", ".toml"],
        id="file-unknown-type",
    ),
    pytest.param(
        # a file that is not there
        lambda tmp: load_scheme(tmp / "missing.toml"),
        SchemeValidationError,
        ["missing.toml"],
        id="file-missing",
    ),
    pytest.param(
        # JSON nested 100,000 deep must not overflow the stack
        lambda tmp: load_scheme(_write(tmp, "s.json", "[" * 100_000 + "]" * 100_000)),
        SchemeValidationError,
        ["s.json", "deep"],
        id="file-deeply-nested-json",
    ),
    pytest.param(
        # a chain of 2,000 nodes
        lambda tmp: load_scheme(_write(tmp, "deep.toml", _deep_tree_toml(2000))),
        SchemeValidationError,
        ["deep.toml", "deep"],
        id="file-very-deep-tree",
    ),
    pytest.param(
        # a cycle of parents, in a file
        lambda tmp: load_scheme(_write(tmp, "s.json", _doc(node__0__parent="1.1"))),
        SchemeValidationError,
        ["s.json", "cycle", "1.1"],
        id="file-cycle",
    ),
    pytest.param(
        # two nodes coded 2
        lambda tmp: load_scheme(_write(tmp, "s.json", _doc(node__0__code="2"))),
        SchemeValidationError,
        ["s.json", "duplicate code '2'"],
        id="file-duplicate-codes",
    ),
    pytest.param(
        # 1.1 gives 50 of node 1's 60 points
        lambda tmp: load_scheme(_write(tmp, "s.json", _doc(node__1__points=50))),
        SchemeValidationError,
        ["s.json", "node 1", "sum to 50, not 60"],
        id="file-points-do-not-add-up",
    ),
    pytest.param(
        # a unit nobody defined, in a target of the file
        lambda tmp: load_scheme(
            _write(tmp, "s.json", _doc(node__1__target="≥99furlong"))
        ),
        SchemeValidationError,
        ["s.json", "node 1.1", "'furlong'"],
        id="file-unknown-unit",
    ),
    pytest.param(
        # a range whose ends are in different dimensions
        lambda tmp: load_scheme(
            _write(tmp, "s.json", _doc(node__1__target="[5件,10小时]"))
        ),
        SchemeValidationError,
        ["s.json", "node 1.1", "件"],
        id="file-unit-mismatch",
    ),
    pytest.param(
        # points as text
        lambda tmp: load_scheme(_write(tmp, "s.json", _doc(node__2__points="forty"))),
        SchemeValidationError,
        ["s.json", "node 2", "'forty'"],
        id="file-wrong-type-points",
    ),
    pytest.param(
        # negative points in a file
        lambda tmp: load_scheme(_write(tmp, "s.json", _doc(node__2__points=-40))),
        SchemeValidationError,
        ["s.json", "node 2", "-40"],
        id="file-negative-points",
    ),
    pytest.param(
        # rounding to 200 places cannot be computed
        lambda tmp: evaluate(
            load_scheme(_write(tmp, "s.json", _doc(scheme__rounding={"places": 200}))),
            {"1.1": 99.5},
        ),
        SchemeValidationError,
        ["s.json", "rounding"],
        id="file-rounding-places",
    ),
    # -- data files --------------------------------------------------------------------
    pytest.param(
        # findings must be a list of tables
        lambda tmp: load_data(_write(tmp, "d.json", '{"findings": 5}')),
        DataLoadError,
        ["d.json", "findings"],
        id="data-wrong-type-findings",
    ),
    pytest.param(
        # JSON NaN in the actuals
        lambda tmp: load_data(_write(tmp, "d.json", '{"actuals": {"1": NaN}}')),
        DataLoadError,
        ["d.json", "NaN"],
        id="data-nan",
    ),
    pytest.param(
        # a 400-digit finding
        lambda tmp: load_data(
            _huge_json(
                tmp,
                "d.json",
                '{"findings": [{"node": "2", "points": HUGE, "reason": "x"}]}',
            )
        ),
        DataLoadError,
        ["d.json", "findings"],
        id="data-huge-finding",
    ),
    pytest.param(
        # Latin-1 bytes
        lambda tmp: load_data(_write(tmp, "d.toml", b"entity = '\xe9'\n")),
        DataLoadError,
        ["d.toml", "UTF-8"],
        id="data-not-utf8",
    ),
    pytest.param(
        # 50 MB of data
        lambda tmp: load_data(_fifty_mb(tmp, "big.json")),
        DataLoadError,
        ["big.json", "bytes"],
        id="data-50-mb",
    ),
    pytest.param(
        # TOML that does not parse
        lambda tmp: load_data(_write(tmp, "d.toml", "[actuals\n")),
        DataLoadError,
        ["d.toml", "TOML"],
        id="data-malformed-toml",
    ),
]


@pytest.mark.parametrize(("call", "error", "places"), CASES)
def test_bad_input(
    tmp_path: Path, call: Call, error: type[Exception], places: list[str]
) -> None:
    with pytest.raises(error) as info:
        call(tmp_path)
    assert type(info.value) is error
    message = str(info.value)
    for place in places:
        if "|" in place:  # any of several spellings
            assert any(p in message for p in place.split("|")), (place, message)
        else:
            assert place in message, (place, message)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) + len(CLI_CASES) >= 40


# -- the command line ----------------------------------------------------------------

CLI_CASES: list[Any] = [
    pytest.param(
        # validate lists the problems of a scheme file, naming it and the node
        lambda tmp: ["validate", str(_write(tmp, "s.json", _doc(node__1__points=50)))],
        ["s.json", "node 1", "sum to 50, not 60"],
        id="cli-validate-bad-scheme",
    ),
    pytest.param(
        # a scheme file that is not there
        lambda tmp: ["validate", str(tmp / "nothing.toml")],
        ["nothing.toml"],
        id="cli-missing-file",
    ),
    pytest.param(
        # a data file with NaN
        lambda tmp: [
            "evaluate",
            str(_write(tmp, "s.json", SCHEME_DOC)),
            str(_write(tmp, "d.json", '{"actuals": {"1.1": NaN}}')),
        ],
        ["d.json", "NaN"],
        id="cli-evaluate-nan",
    ),
    pytest.param(
        # an actual of the wrong dimension
        lambda tmp: [
            "evaluate",
            str(_write(tmp, "s.json", SCHEME_DOC)),
            str(_write(tmp, "d.json", '{"actuals": {"1.1": "5件"}}')),
        ],
        ["5件"],
        id="cli-evaluate-unit-mismatch",
    ),
    pytest.param(
        # a target that does not read
        lambda _: ["target", "≥abc"],
        ["'≥abc'", "character 1"],
        id="cli-bad-target",
    ),
    pytest.param(
        # an actual of the wrong dimension against a target
        lambda _: ["target", "≥99%", "5件"],
        ["5件", "%"],
        id="cli-target-unit-mismatch",
    ),
    pytest.param(
        # a 50 MB scheme
        lambda tmp: ["validate", str(_fifty_mb(tmp, "big.toml"))],
        ["big.toml", "bytes"],
        id="cli-50-mb",
    ),
]


@pytest.mark.parametrize(("argv", "places"), CLI_CASES)
def test_bad_input_on_the_command_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: Callable[[Path], list[str]],
    places: list[str],
) -> None:
    assert main([*argv(tmp_path), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("perfkpi: error: ")
    assert "Traceback" not in captured.err
    for place in places:
        assert place in captured.err, (place, captured.err)


def test_command_line_exit_status_is_two(tmp_path: Path) -> None:
    bad = _write(tmp_path, "s.toml", '[scheme]\nid = "x\n')
    result = subprocess.run(
        [sys.executable, "-m", "perfkpi", "validate", str(bad)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.returncode == 2
    assert "s.toml" in result.stderr
    assert "Traceback" not in result.stderr


# -- batches: a bad row is NaN with its reason, the others are scored -----------------

TWO = Scheme.from_nodes(
    "two",
    "two",
    [
        Node("1", "网上立案率", points=50, target="≥99%", rule=Proportional()),
        Node("2", "在线庭审率", points=50, target="≥99%", rule=Proportional()),
    ],
)
"""Two leaves of 50 points against ≥99 %: 99.5 % on both scores 100."""

BATCH_ROWS: list[Any] = [
    pytest.param(
        # NaN in one row: that row is NaN with a reason naming the column
        TWO,
        {"1": [99.5, math.nan], "2": [99.5, 99.5]},
        "'1'",
        id="batch-nan",
    ),
    pytest.param(
        # +inf
        TWO,
        {"1": [99.5, math.inf], "2": [99.5, 99.5]},
        "'1'",
        id="batch-inf",
    ),
    pytest.param(
        # a unit of another dimension
        TWO,
        {"1": [99.5, "5件"], "2": [99.5, 99.5]},
        "5件",
        id="batch-unit-mismatch",
    ),
    pytest.param(
        # text that is no number
        TWO,
        {"1": [99.5, "很多"], "2": [99.5, 99.5]},
        "很多",
        id="batch-not-a-number",
    ),
    pytest.param(
        # a negative finding
        ONE,
        {"1": [99.5, 99.5], "findings:2": [0, -1]},
        "findings:2",
        id="batch-negative-finding",
    ),
    pytest.param(
        # a finding too large for a float
        ONE,
        {"1": [99.5, 99.5], "findings:2": [0, 10**400]},
        "findings:2",
        id="batch-huge-finding",
    ),
    pytest.param(
        # a qualitative score too large for a float
        QUALITATIVE,
        {"1": [90, 10**400]},
        "'1'",
        id="batch-huge-actual",
    ),
    pytest.param(
        # node 2's column is missing; na:2 covers the first row only
        TWO,
        {"1": [99.5, 99.5], "na:2": [True, False]},
        "2",
        id="batch-missing-column-covered-by-na",
    ),
]


@pytest.mark.parametrize(("scheme", "table", "place"), BATCH_ROWS)
def test_batch_bad_rows(
    scheme: Scheme, table: dict[str, list[Any]], place: str
) -> None:
    batch = perfkpi.evaluate_batch(scheme, table)
    # the good first row is scored; the bad second row is NaN with its reason
    assert batch.total[0] == evaluate(scheme, _row(table, 0)).total
    assert math.isnan(batch.total[1])
    assert place in batch.reasons[1]
    assert 0 not in batch.reasons


def _row(table: dict[str, list[Any]], i: int) -> dict[str, Any]:
    actuals = {k: v[i] for k, v in table.items() if ":" not in k}
    findings = [
        {"node": k.split(":")[1], "points": v[i], "reason": "x"}
        for k, v in table.items()
        if k.startswith("findings:") and v[i]
    ]
    na = [k.split(":")[1] for k, v in table.items() if k.startswith("na:") and v[i]]
    return {"actuals": actuals, "findings": findings, "not_applicable": na}


@pytest.mark.parametrize(
    ("table", "place"),
    [
        # a missing input column
        ({"1": [99.5]}, "2"),
        # findings on a node that is not a deduct node
        ({"1": [99.5], "2": [99.5], "findings:1": [1]}, "findings:1"),
        # not applicable: a node the scheme does not have
        ({"1": [99.5], "2": [99.5], "na:9": [True]}, "na:9"),
        # columns of different lengths
        ({"1": [99.5], "2": [99.5, 99.5]}, "rows"),
    ],
    ids=["missing-column", "findings-on-a-leaf", "na-unknown-node", "ragged"],
)
def test_batch_bad_tables_raise_up_front(
    table: dict[str, list[Any]], place: str
) -> None:
    with pytest.raises(DataError) as info:
        perfkpi.evaluate_batch(TWO, table)
    assert type(info.value) is DataError
    assert place in str(info.value)


def test_batch_na_column_that_marks_no_row() -> None:
    batch = perfkpi.evaluate_batch(TWO, {"1": [99.5, 99.5], "na:2": [False, False]})
    assert all(math.isnan(t) for t in batch.total)
    assert "2" in batch.reasons[0]


def test_command_line_reads_an_actual_starting_with_minus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["target", "≤0%", "-3%"]) == 0
    assert "met" in capsys.readouterr().out


def test_command_line_reads_a_target_starting_with_minus(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["target", "-5%以下"]) == 0
    assert capsys.readouterr().out.strip() == "≤-5%"


# -- spreadsheets --------------------------------------------------------------------


def test_spreadsheet_with_missing_headers(tmp_path: Path) -> None:
    excel = pytest.importorskip("perfkpi.excel", reason="perfkpi.excel not built")
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    # numbers under 分值 / 指标值 / 实际完成值, but no column that names the
    # indicators (一级指标 … or 指标名称): no row can become a node
    sheet.append(["分值", "指标值", "实际完成值"])
    sheet.append([100, "≥99%", "99.66%"])
    path = tmp_path / "自评表.xlsx"
    book.save(path)
    with pytest.raises(SchemeValidationError) as info:
        excel.read_excel(path)
    assert type(info.value) is SchemeValidationError
    assert "自评表.xlsx" in str(info.value)
    assert "header" in str(info.value)
    assert "指标名称" in str(info.value)


# -- valid input at the edges: no false alarm, no quiet wrong number -----------------


def test_qualitative_band_edge_is_inclusive() -> None:
    scheme = Scheme.from_nodes(
        "q", "q", [Node("1", "制度建设", points=0.1, rule=Qualitative())], points=0.1
    )
    ev = evaluate(scheme, {"1": {"tier": "达成年度指标", "score": 0.08}})
    assert ev.total == 0.08


def test_reweighting_onto_zero_points() -> None:
    scheme = Scheme.from_nodes(
        "z",
        "z",
        [
            Node("1", "产出", points=100, target="≥100%", rule=Proportional()),
            Node("2", "管理", points=0, rule=Deduct()),
        ],
    )
    outcome: float | str
    try:  # either a clear error, or a number
        outcome = evaluate(scheme, {"not_applicable": ["1"]}).total
    except DataError as exc:
        outcome = str(exc)
    assert isinstance(outcome, str) or not math.isnan(outcome)


def test_a_huge_finite_actual_is_banded() -> None:
    bands = perfkpi.rules.Bands([{"when": "≥90%", "score": 10}], places=0)
    scheme = Scheme.from_nodes(
        "b", "b", [Node("1", "重点支出安排率", points=10, rule=bands)], points=10
    )
    assert evaluate(scheme, {"1": 1e60}).total == 10
    batch = perfkpi.evaluate_batch(scheme, {"1": [1e60, 95]})
    assert list(batch.total) == [10, 10]


def test_band_scores_with_a_whole_otherwise() -> None:
    bands = perfkpi.rules.Bands([{"when": "≥0", "score": 0.1}], otherwise=17)
    scheme = Scheme.from_nodes(
        "b",
        "b",
        [
            Node("1", "预算调整率", points=34, rule=bands),
            Node("2", "其他", points=66, target="≥1", rule=Proportional()),
        ],
    )
    # 0 meets ≥0: the first band gives 0.1, not the 17 of 'otherwise'
    assert evaluate(scheme, {"1": 0, "2": 1}).score("1") == 0.1


def test_bundled_scheme_still_scores_88_63() -> None:
    # the table's fixtures leave the shared catalog alone
    ev = evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )
    assert ev.total == 88.63


# -- hostile schemes: codes that look alike, reserved prefixes, wrong types -----------


def _pair(first: str, second: str) -> Scheme:
    """Two nodes of 50 points each, coded *first* and *second*."""
    return Scheme.from_nodes(
        "pair",
        "pair",
        [
            Node(first, "甲", points=50, rule=Deduct()),
            Node(second, "乙", points=50, rule=Deduct()),
        ],
    )


def _single(**fields: object) -> Scheme:
    return Scheme.from_nodes("one", "one", [Node(**{"name": "甲", **fields})])  # type: ignore[arg-type]


HOSTILE_CASES: list[Any] = [
    pytest.param(
        # a full-width full stop (U+FF0E) looks like "."
        lambda _: _pair("1.1", "1．1"),
        SchemeValidationError,
        ["'1．1' looks the same as '1.1'", "character width"],
        id="code-full-width-look-alike",
    ),
    pytest.param(
        # full-width digits (U+FF11) too
        lambda _: _pair("１.１", "1.1"),
        SchemeValidationError,
        ["'1.1' looks the same as '１.１'"],
        id="code-full-width-digits",
    ),
    pytest.param(
        # a zero-width space (U+200B) is invisible: refused, and a collision
        lambda _: _pair("1.1", "1.1\u200b"),
        SchemeValidationError,
        ["U+200B", "invisible", "looks the same as '1.1'", "@ 1.1\\u200b"],
        id="code-zero-width-space",
    ),
    pytest.param(
        # a zero-width joiner (U+200D) alone is refused
        lambda _: _single(code="1\u200d", points=100, rule=Deduct()),
        SchemeValidationError,
        ["U+200D"],
        id="code-zero-width-joiner",
    ),
    pytest.param(
        # a right-to-left override (U+202E) reorders how the code reads
        lambda _: _single(code="1\u202e2", points=100, rule=Deduct()),
        SchemeValidationError,
        ["U+202E", "direction-control"],
        id="code-bidi-override",
    ),
    pytest.param(
        # a left-to-right mark (U+200E) is as invisible
        lambda _: _pair("2", "\u200e2"),
        SchemeValidationError,
        ["U+200E", "looks the same as '2'"],
        id="code-bidi-mark",
    ),
    pytest.param(
        # a byte-order mark (U+FEFF) pasted at the front
        lambda _: _single(code="\ufeff1", points=100, rule=Deduct()),
        SchemeValidationError,
        ["U+FEFF"],
        id="code-byte-order-mark",
    ),
    pytest.param(
        # a line break would start a line of its own in every listing
        lambda _: _single(code="1\n2", points=100, rule=Deduct()),
        SchemeValidationError,
        ["U+000A", "@ 1\\n2"],
        id="code-newline",
    ),
    pytest.param(
        # spaces at the ends do not show in a table
        lambda _: _pair("3", " 3 "),
        SchemeValidationError,
        ["' 3 ' looks the same as '3'", "spaces at the ends"],
        id="code-padded-look-alike",
    ),
    pytest.param(
        # a batch table would read column "na:1" as node 1's N/A flag
        lambda _: _pair("1", "na:1"),
        SchemeValidationError,
        ["'na:1' starts with 'na:'", "batch table reserves"],
        id="code-reserved-na",
    ),
    pytest.param(
        # ... "findings:2" as node 2's findings
        lambda _: _pair("2", "findings:2"),
        SchemeValidationError,
        ["'findings:2' starts with 'findings:'"],
        id="code-reserved-findings",
    ),
    pytest.param(
        # ... and "adjust:1" as an adjustment, also in full-width letters
        lambda _: _pair("1", "ａｄｊｕｓｔ:1"),
        SchemeValidationError,
        ["starts with 'adjust:'"],
        id="code-reserved-adjust-full-width",
    ),
    pytest.param(
        # a rule's name where the rule goes (the file form, not the object)
        lambda _: _single(code="1", points=100, rule="proportional"),
        SchemeValidationError,
        [
            "a node's rule must be a rule such as Proportional()",
            "'proportional'",
            "@ 1",
        ],
        id="node-rule-a-string",
    ),
    pytest.param(
        # the rule's class, not a rule
        lambda _: _single(code="1", points=100, rule=Proportional),
        SchemeValidationError,
        ["rule must be a rule", "Proportional'>", "@ 1"],
        id="node-rule-a-class",
    ),
    pytest.param(
        # an indicator's name where an Indicator goes
        lambda _: _single(code="1", points=100, rule=Deduct(), indicator="预算执行率"),
        SchemeValidationError,
        ["indicator must be an Indicator", "'预算执行率'"],
        id="node-indicator-a-string",
    ),
    pytest.param(
        # points that are not a number
        lambda _: Node("1", "甲", points="十分"),  # type: ignore[arg-type]
        perfkpi.SchemeError,
        ["points must be a number", "'十分'"],
        id="node-points-text",
    ),
    pytest.param(
        # a list where points go
        lambda _: Node("1", "甲", points=[10]),  # type: ignore[arg-type]
        perfkpi.SchemeError,
        ["points must be a number", "[10]"],
        id="node-points-list",
    ),
    pytest.param(
        # True is not 1 point
        lambda _: Node("1", "甲", points=True),
        perfkpi.SchemeError,
        ["points must be a number", "True"],
        id="node-points-bool",
    ),
    pytest.param(
        # a number where a target's text goes
        lambda _: Node("1", "甲", points=10, target=99),  # type: ignore[arg-type]
        perfkpi.SchemeError,
        ["a target must be a Target or its text", "99"],
        id="node-target-a-number",
    ),
    pytest.param(
        # a list where a scheme document (a table) belongs
        lambda _: perfkpi.files.scheme_from_dict([1, 2]),  # type: ignore[arg-type]
        SchemeValidationError,
        ["a scheme document is a table", "[1, 2]", "a list"],
        id="scheme-document-a-list",
    ),
    pytest.param(
        # text where a data document belongs
        lambda _: perfkpi.files.data_from_dict("x"),  # type: ignore[arg-type]
        DataLoadError,
        ["a data document is a table", "'x'", "a str"],
        id="data-document-text",
    ),
    pytest.param(
        # actuals that are not a mapping
        lambda _: perfkpi.Data(actuals="1"),  # type: ignore[arg-type]
        DataError,
        ["actuals must be a mapping", "@ actuals"],
        id="data-actuals-text",
    ),
    pytest.param(
        # a number among the findings
        lambda _: perfkpi.Data(findings=[1]),  # type: ignore[list-item]
        DataError,
        ["expected a Finding (got 1)", "@ findings[0]"],
        id="data-finding-a-number",
    ),
    pytest.param(
        # an entity that is not text
        lambda _: perfkpi.Data(entity=2022),  # type: ignore[arg-type]
        DataError,
        ["'entity' must be text (got 2022)"],
        id="data-entity-a-number",
    ),
    pytest.param(
        # the scheme's total that is not a number
        lambda _: Scheme("s", "s", (), points="all"),  # type: ignore[arg-type]
        perfkpi.SchemeError,
        ["points must be a number", "'all'"],
        id="scheme-points-text",
    ),
]


@pytest.mark.parametrize(("call", "error", "places"), HOSTILE_CASES)
def test_hostile_scheme(
    tmp_path: Path, call: Call, error: type[Exception], places: list[str]
) -> None:
    with pytest.raises(error) as info:
        call(tmp_path)
    assert type(info.value) is error
    message = str(info.value)
    for place in places:
        assert place in message, (place, message)


def test_codes_that_only_look_different_still_load() -> None:
    # visible differences are differences: case, a hyphen, a CJK full stop
    scheme = Scheme.from_nodes(
        "ok",
        "ok",
        [
            Node("A1", "甲", points=25, rule=Deduct()),
            Node("a1", "乙", points=25, rule=Deduct()),
            Node("1-1", "丙", points=25, rule=Deduct()),
            Node("1。1", "丁", points=25, rule=Deduct()),
        ],
    )
    assert [n.code for n in scheme.nodes] == ["A1", "a1", "1-1", "1。1"]


def test_reserved_prefixes_are_the_batch_columns() -> None:
    from perfkpi import batch, scheme

    reserved = scheme._RESERVED_PREFIXES  # noqa: SLF001 (one fact, two modules)
    assert set(reserved) == {batch.FINDINGS, batch.NOT_APPLICABLE, batch.ADJUST}


def test_a_look_alike_code_in_a_file_names_both(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        '[scheme]\nid = "s"\nname = "s"\n\n'
        '[[node]]\ncode = "1.1"\nname = "甲"\npoints = 50\nrule = "deduct"\n\n'
        '[[node]]\ncode = "1．1"\nname = "乙"\npoints = 50\nrule = "deduct"\n',
        encoding="utf-8",
    )
    with pytest.raises(SchemeValidationError) as info:
        load_scheme(path)
    assert "'1．1' looks the same as '1.1'" in str(info.value)


# the catalog's and explain's documented TypeErrors: (call, the message)
TYPE_ERRORS: list[Any] = [
    pytest.param(lambda: perfkpi.catalog.suggest(5), "key must be text", id="key"),  # type: ignore[arg-type]
    pytest.param(
        lambda: perfkpi.catalog.suggest("预算", n="2"),  # type: ignore[arg-type]
        "n must be a whole number",
        id="n",
    ),
    pytest.param(
        lambda: perfkpi.catalog.Taxonomy("t", "t", "s", "x"),  # type: ignore[arg-type]
        "classes must be a mapping",
        id="classes",
    ),
    pytest.param(
        lambda: perfkpi.catalog.Family("f", "code"),
        "expected a list of text",
        id="family-codes",
    ),
    pytest.param(
        lambda: evaluate(ONE, {"1": 99}).explain([]),  # type: ignore[arg-type]
        "code must be text",
        id="explain-code",
    ),
]


@pytest.mark.parametrize(("call", "message"), TYPE_ERRORS)
def test_documented_type_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        call()
