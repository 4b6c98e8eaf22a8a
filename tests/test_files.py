"""Scheme and data files: TOML and JSON, every problem with its place."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfkpi import (
    Data,
    DataError,
    DataValidationError,
    Node,
    Scheme,
    SchemeError,
    SchemeValidationError,
    catalog,
    evaluate,
    load_data,
    load_scheme,
)
from perfkpi.files import (
    MAX_NESTING,
    MAX_SCHEME_BYTES,
    MAX_TREE_DEPTH,
    data_from_dict,
    data_from_text,
    data_to_dict,
    dump_data,
    dump_scheme,
    indicator_to_dict,
    json_schema,
    open_regular,
    read_document,
    read_limited,
    scheme_from_dict,
    scheme_from_text,
    scheme_to_dict,
    to_toml,
)
from perfkpi.grades import STANDARD_SCALES, Band, GradeScale
from perfkpi.indicators import TARGET_BASES, Indicator
from perfkpi.rounding import Rounding, RoundingMode, RoundingStage
from perfkpi.rules import (
    Bands,
    Categorical,
    Checklist,
    Deduct,
    PerPoint,
    PerUnmet,
    Proportional,
    Qualitative,
    Rule,
    Shortfall,
    Sum,
)
from perfkpi.scheme import Override
from perfkpi.targets import parse_target


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(SchemeValidationError) as info:
        load_scheme(path)
    return [str(e) for e in info.value.exceptions]


def test_bundled_scheme_loads_from_toml_and_json(tmp_path: Path) -> None:
    source = catalog.scheme_path("gz-dept-overall")
    doc = tomllib.loads(source.read_text(encoding="utf-8"))
    as_json = _write(tmp_path, "s.json", json.dumps(doc, ensure_ascii=False))
    assert load_scheme(as_json) == load_scheme(source)


def test_bundled_data_loads_from_json(tmp_path: Path) -> None:
    source = catalog.data_path("gz-internet-court-2022")
    doc = tomllib.loads(source.read_text(encoding="utf-8"))
    path = _write(tmp_path, "d.json", json.dumps(doc, ensure_ascii=False))
    ev = evaluate(catalog.scheme("gz-dept-overall"), load_data(path))
    assert ev.total == 88.63


# -- every problem, with its place -----------------------------------------------

THREE_MISTAKES = """\
[scheme]
id = "x"
name = "three mistakes"
points = 100

[[node]]
code = "1"
name = "产出"
points = 60
rule = "sum"

[[node]]
code = "1.1"
parent = "1"
name = "完成率"
points = 50
target = "≥100%"
rule = "proportional"

[[node]]
code = "2"
name = "管理"
points = 40
rule = "deduct"
weight = 3

[[node]]
code = "3"
parent = "9"
name = "孤儿"
points = 1
rule = "deduct"
"""

THREE_MISTAKES_JSON = """\
{
  "scheme": {"id": "x", "name": "three mistakes", "points": 100},
  "node": [
    {"code": "1", "name": "产出", "points": 60, "rule": "sum"},
    {"code": "1.1", "parent": "1", "name": "完成率", "points": 50,
     "target": "≥100%", "rule": "proportional"},
    {
      "code": "2",
      "name": "管理",
      "points": 40,
      "rule": "deduct",
      "weight": 3
    },
    {"code": "3",
     "parent": "9", "name": "孤儿", "points": 1, "rule": "deduct"}
  ]
}
"""

EXPECTED_KEYS = (
    "code, name, parent, points, rule, target, indicator, formula, category, note, "
    "direction"
)
WEIGHT = (
    f"unknown key 'weight'; did you mean 'points'? (expected one of {EXPECTED_KEYS})"
)


def test_three_mistakes_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.toml", THREE_MISTAKES)
    # in line order: 1's points (line 9) do not match its children's 50; an
    # unknown key (line 25); an unknown parent (line 29)
    assert _problems(path) == [
        f"children's points sum to 50, not 60 @ {path}:9: node 1",
        f"{WEIGHT} @ {path}:25: node 2",
        f"unknown parent '9' @ {path}:29: node 3",
    ]


def test_three_mistakes_in_json(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.json", THREE_MISTAKES_JSON)
    # node 1's object opens on line 4; "weight" is on line 12; 3's parent on 15
    assert _problems(path) == [
        f"children's points sum to 50, not 60 @ {path}:4: node 1",
        f"{WEIGHT} @ {path}:12: node 2",
        f"unknown parent '9' @ {path}:15: node 3",
    ]


def test_scheme_from_text_names_lines_without_a_file() -> None:
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_text(THREE_MISTAKES)
    assert str(info.value.exceptions[2]) == "unknown parent '9' @ line 29: node 3"


def test_dict_problems_have_no_line() -> None:
    doc = tomllib.loads(THREE_MISTAKES)
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc, source="s.toml")
    assert "unknown parent '9' @ s.toml: node 3" in [
        str(e) for e in info.value.exceptions
    ]


# key written, suggestion expected
MISSPELT: list[tuple[str, str]] = [
    ("pionts", "points"),
    ("weight", "points"),
    ("权重", "points"),
    ("分值", "points"),
    ("parnet", "parent"),
    ("formual", "formula"),
    ("indicater", "indicator"),
    ("categroy", "category"),
]


@pytest.mark.parametrize(("key", "nearest"), MISSPELT)
def test_unknown_key_suggests_nearest(tmp_path: Path, key: str, nearest: str) -> None:
    text = THREE_MISTAKES.replace("weight = 3", f'"{key}" = 3')
    problems = _problems(_write(tmp_path, "s.toml", text))
    assert any(f"unknown key '{key}'; did you mean '{nearest}'?" in p for p in problems)


def test_unknown_scheme_keys(tmp_path: Path) -> None:
    text = THREE_MISTAKES.replace(
        "points = 100\n", 'points = 100\ngrade = "cn-2020"\n', 1
    )
    text = text.replace('id = "x"\n', 'id = "x"\nrounding = { place = 2 }\n', 1)
    problems = _problems(_write(tmp_path, "s.toml", text))
    assert any(
        "unknown key 'grade'; did you mean 'grades'?" in p and ":6: [scheme]" in p
        for p in problems
    )
    assert any(
        "unknown key 'place'; did you mean 'places'?" in p
        and ":3: [scheme] rounding" in p
        for p in problems
    )


def test_bad_target_rule_and_formula_name_their_lines(tmp_path: Path) -> None:
    text = (
        THREE_MISTAKES.replace('target = "≥abc"', "")
        .replace('target = "≥100%"', 'target = "≥100咕咕"\nformula = "a / "')
        .replace('rule = "sum"', 'rule = "summ"')
    )
    problems = _problems(_write(tmp_path, "s.toml", text))
    assert any(":10: node 1" in p and "unknown rule kind 'summ'" in p for p in problems)
    assert any(":17: node 1.1" in p and "unknown unit '咕咕'" in p for p in problems)
    assert any(
        ":18: node 1.1" in p and "formula: expected a number" in p for p in problems
    )


# file name, content, expected text, line named
MALFORMED: list[tuple[str, str | bytes, str, int | None]] = [
    # TOML with a missing closing quote
    ("s.toml", '[scheme]\nid = "x\n', "malformed TOML", 2),
    # JSON with a trailing comma: the line and column are named
    ("s.json", '{"scheme": {"id": "x",}\n}', "malformed JSON at line 1", 1),
    # NaN is not a number a scheme may hold
    ("s.json", '{"scheme": {"points": NaN}}', "NaN", None),
    # a JSON array is no scheme
    ("s.json", "[1, 2]", "JSON object", None),
    # Latin-1 bytes are not UTF-8
    ("s.toml", b"name = '\xe9'", "not UTF-8", None),
    # neither TOML nor JSON
    ("s.yaml", "a: 1", "expected .toml or .json", None),
    # JSON nested deeper than the limit, on its third line
    (
        "s.json",
        '{"a":\n\n' + "[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5) + "}",
        "nested 38 levels deep",
        3,
    ),
    # TOML nested deeper than the limit
    (
        "s.toml",
        "a = " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1),
        "nested 33 levels deep",
        1,
    ),
]


@pytest.mark.parametrize(("name", "content", "expected", "line"), MALFORMED)
def test_malformed_files(
    tmp_path: Path, name: str, content: str | bytes, expected: str, line: int | None
) -> None:
    path = _write(tmp_path, name, content)
    problems = _problems(path)
    assert len(problems) == 1
    assert expected in problems[0]
    place = f"{path}:{line}" if line else str(path)
    assert place in problems[0]


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    deep = "[" * 100
    text = f'[scheme]\nid = "x"\nname = "{deep}"\ndescription = \'{deep}\'\n# {deep}\n'
    text += '[[node]]\ncode = "1"\nname = "a"\npoints = 100\nrule = "deduct"\n'
    assert load_scheme(_write(tmp_path, "s.toml", text)).name == deep


def test_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfkpi.files.MAX_SCHEME_BYTES", 10)
    path = _write(tmp_path, "s.toml", THREE_MISTAKES)
    assert _problems(path) == [
        f"file is {len(THREE_MISTAKES.encode())} bytes; at most 10 are read @ {path}"
    ]


def test_data_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfkpi.files.MAX_FILE_BYTES", 10)
    text = 'entity = "某单位"\n'  # 10 + 9 + 2 bytes: 某单位 is three 3-byte characters
    path = _write(tmp_path, "d.toml", text)
    with pytest.raises(DataValidationError) as info:
        load_data(path)
    assert [str(e) for e in info.value.exceptions] == [
        f"file is 21 bytes; at most 10 are read @ {path}"
    ]


def test_scheme_text_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("perfkpi.files.MAX_SCHEME_BYTES", 8)
    # 4 characters, 1 + 3 × 3 = 10 UTF-8 bytes: over 8 bytes though not 8 characters
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_text("#根根根", source="s.toml")
    assert [str(e) for e in info.value.exceptions] == [
        (
            "scheme text is over 8 bytes; a scheme file is at most that "
            "(MAX_SCHEME_BYTES) @ s.toml"
        )
    ]


def test_the_largest_scheme_is_read() -> None:
    # a scheme of exactly MAX_SCHEME_BYTES bytes: a comment pads a one-node scheme
    head = _HEAD + _LEAF
    text = head + "#" + "x" * (MAX_SCHEME_BYTES - len(head) - 2) + "\n"
    assert len(text.encode()) == MAX_SCHEME_BYTES
    assert scheme_from_text(text).points == 10
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_text(text + " ")
    assert "over 262144 bytes" in str(info.value.exceptions[0])  # 256 KiB


def test_the_problems_listed_are_the_first_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("perfkpi.files.MAX_PROBLEMS", 1)
    text = (
        '[scheme]\nid = "x"\nname = "x"\npoints = 10\n\n'  # lines 1-5
        '[[node]]\ncode = "1"\nname = "a"\n'  # lines 6-8
        'points = "十"\n'  # line 9: found after the unknown key below
        'weight = 3\nrule = "deduct"\n'  # line 10: found first
    )
    path = _write(tmp_path, "s.toml", text)
    with pytest.raises(SchemeValidationError) as info:
        load_scheme(path)
    assert info.value.message.endswith("2 problems, the first 1 by line listed")
    assert [str(e) for e in info.value.exceptions] == [
        f"'points' must be a finite number (got '十', a str) @ {path}:9: node 1"
    ]


def test_problems_listed_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("perfkpi.files.MAX_PROBLEMS", 2)
    path = _write(tmp_path, "s.toml", THREE_MISTAKES)
    with pytest.raises(SchemeValidationError) as info:
        load_scheme(path)
    # the three problems of test_three_mistakes_reported_at_once, the first two
    # by line listed and all three counted
    assert info.value.message == (
        f"invalid scheme {path}: 3 problems, the first 2 by line listed"
    )
    assert [str(e) for e in info.value.exceptions] == [
        f"children's points sum to 50, not 60 @ {path}:9: node 1",
        f"{WEIGHT} @ {path}:25: node 2",
    ]


# -- hostile files -------------------------------------------------------------------

_HEAD = '[scheme]\nid = "x"\nname = "x"\npoints = 10\n'
_LEAF = '[[node]]\ncode = "1"\nname = "a"\npoints = 10\nrule = "deduct"\n'

# strings the bracket count must skip: (TOML value, the text it holds)
STRINGS_AROUND_BRACKETS = [
    ('"""[[[""""', '[[["'),  # a closing run of four: one quote, then """
    ('"""[[[\\""""', '[[["'),  # an escaped quote, then the closing three
    ("'''[[['''''", "[[[''"),  # a literal string's closing run of five
    ('"[[[ \\" [["', '[[[ " [['),
    ("'[[[ \\'", "[[[ \\"),  # no escapes in a literal string
]


@pytest.mark.parametrize(("value", "held"), STRINGS_AROUND_BRACKETS)
def test_strings_hide_brackets(tmp_path: Path, value: str, held: str) -> None:
    text = f"{_HEAD}description = {value}\n{_LEAF}"
    assert load_scheme(_write(tmp_path, "s.toml", text)).description == held


# (file, text, format, line and column where the unclosed string starts)
UNCLOSED = [
    ("s.toml", 'x = "' + '\\"' * 2000, "TOML", 1, 5),
    ("s.toml", 'a = 1\nx = """' + '\\"' * 2000, "TOML", 2, 5),
    ("s.toml", "a = 1\n\nx = '''" + "''x" * 2000, "TOML", 3, 5),
    ("s.toml", 'x = "a\ny = 2\n', "TOML", 1, 5),  # a basic string ends with its line
    ("s.json", '{"x": "' + '\\"' * 2000, "JSON", 1, 7),
    ("s.json", '"' * 4001, "JSON", 1, 4001),  # 2,000 empty strings, then one open
]


@pytest.mark.parametrize(
    ("name", "text", "fmt", "line", "column"),
    UNCLOSED,
    ids=["basic", "multi", "literal", "line", "json", "quotes"],
)
def test_unclosed_strings_are_malformed(
    tmp_path: Path, name: str, text: str, fmt: str, line: int, column: int
) -> None:
    # found by the linear scan before the parser runs (why: the scan was
    # quadratic on these, rescanning from every later quote)
    path = _write(tmp_path, name, text)
    expected = (
        f"malformed {fmt}: the string that starts at line {line}, column "
        f"{column} never closes @ {path}:{line}"
    )
    assert _problems(path) == [expected]


def test_one_typo_per_node_each_at_its_line(tmp_path: Path) -> None:
    root = '[[node]]\ncode = "r"\nname = "r"\npoints = 10\nrule = "sum"\n'
    nodes = "".join(
        f'[[node]]\ncode = "{i}"\nparent = "r"\nname = "a"\npionts = 2\n'
        'rule = "deduct"\n'
        for i in range(1, 6)
    )
    path = _write(tmp_path, "s.toml", _HEAD + root + nodes)
    typos = [p for p in _problems(path) if "unknown key" in p]
    # the head is 4 lines, the root node 5, each node 6 with its typo the 5th:
    # node i's typo is on line 4 + 5 + 6 * (i - 1) + 5
    assert [p.split(" @ ")[1] for p in typos] == [
        f"{path}:{4 + 5 + 6 * (i - 1) + 5}: node {i}" for i in range(1, 6)
    ]
    assert all("did you mean 'points'?" in p for p in typos)


def test_duplicate_json_keys_are_refused(tmp_path: Path) -> None:
    text = '{"scheme": {"id": "x", "name": "x",\n"points": 10,\n"points": 20}}'
    path = _write(tmp_path, "s.json", text)
    assert _problems(path) == [
        (
            "malformed JSON at line 3: duplicate key 'points' (a key may appear "
            f"once in an object) @ {path}:3"
        )
    ]


def test_duplicate_json_keys_in_data(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.json", '{"actuals": {"1": 3,\n "1": 4}}')
    with pytest.raises(DataValidationError) as info:
        load_data(path)
    assert [str(e) for e in info.value.exceptions] == [
        (
            "malformed JSON at line 2: duplicate key '1' (a key may appear once "
            f"in an object) @ {path}:2"
        )
    ]


def test_data_from_text_names_source_and_line() -> None:
    data = data_from_text('[actuals]\n"1.2" = "99.8%"\n', source="<stdin>")
    assert dict(data.actuals) == {"1.2": "99.8%"}
    with pytest.raises(DataValidationError) as info:
        data_from_text('entity = "x"\n[actuals]\n"1.2" = [1, "a"\n', source="<stdin>")
    [problem] = [str(e) for e in info.value.exceptions]
    assert problem.startswith("malformed TOML")
    assert problem.endswith("@ <stdin>:3")


def test_same_key_in_two_objects_is_fine(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.json", '{"actuals": {"1": 3}, "inputs": {"1": 4}}')
    assert read_document(path) == {"actuals": {"1": 3}, "inputs": {"1": 4}}


def _special_files(tmp_path: Path) -> list[tuple[Path, str]]:
    """Return files that are not regular, with what perfkpi calls them."""
    out = [(tmp_path, "a directory")]
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.toml"
        os.mkfifo(fifo)
        out.append((fifo, "a FIFO (named pipe)"))
    if Path("/dev/zero").exists():
        link = tmp_path / "zero.toml"
        link.symlink_to("/dev/zero")
        out.append((link, "a character device"))
    return out


def test_special_files_are_refused_before_reading(tmp_path: Path) -> None:
    specials = _special_files(tmp_path)
    for path, kind in specials:
        with pytest.raises(SchemeValidationError) as info:
            load_scheme(path)
        assert [str(e) for e in info.value.exceptions] == [
            (
                f"{kind}, not a regular file: perfkpi reads regular files only "
                f"(the command line reads standard input from -) @ {path}"
            )
        ]
        with pytest.raises(DataError, match="not a regular file"):
            open_regular(path, error=DataError)


def test_limit_counts_bytes_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.toml", "x" * 11)
    assert read_limited(path, limit=11) == b"x" * 11
    with pytest.raises(DataError) as info:
        read_limited(path, limit=10, error=DataError)
    assert str(info.value) == f"file is 11 bytes; at most 10 are read @ {path}"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_limit_holds_when_the_size_lies() -> None:
    # a /proc file reports 0 bytes and holds more
    assert Path("/proc/self/status").stat().st_size == 0
    with pytest.raises(SchemeError) as info:
        read_limited("/proc/self/status", limit=10)
    assert str(info.value) == (
        "file is over 10 bytes; at most 10 are read @ /proc/self/status"
    )


# wrong arguments are the caller's mistake: TypeError or ValueError, as documented
WRONG_ARGUMENTS = [
    (lambda: read_limited(None), TypeError, "path must be a str or os.PathLike"),  # type: ignore[arg-type]
    (lambda: read_limited("x", limit=-1), ValueError, "limit must be 0 or more"),
    (lambda: read_limited("x", limit=1.5), TypeError, "limit must be a whole"),  # type: ignore[arg-type]
    (lambda: open_regular("x", error=ValueError), TypeError, "perfkpi error class"),  # type: ignore[arg-type]
    (lambda: scheme_from_text(b"x"), TypeError, "text must be a str"),  # type: ignore[arg-type]
    (lambda: data_from_text("x", format="yaml"), ValueError, "'toml' or 'json'"),  # type: ignore[arg-type]
    (lambda: to_toml([1]), TypeError, "doc must be a mapping"),  # type: ignore[arg-type]
    (lambda: to_toml({"a": 2**63}), ValueError, "integers have 64 bits"),
    (lambda: to_toml({"a": math.inf}), ValueError, "cannot write inf"),
]


@pytest.mark.parametrize(("call", "error", "message"), WRONG_ARGUMENTS)
def test_wrong_arguments(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_missing_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "none.toml"
    with pytest.raises(SchemeError) as info:
        read_limited(path)
    assert str(info.value) == f"cannot read file: No such file or directory @ {path}"


def test_tree_too_deep() -> None:
    depth = MAX_TREE_DEPTH + 3
    nodes = [{"code": "n0", "name": "根", "points": 1, "rule": "sum"}]
    for i in range(1, depth):
        rule = "sum" if i < depth - 1 else "deduct"
        nodes.append(
            {
                "code": f"n{i}",
                "parent": f"n{i - 1}",
                "name": "子",
                "points": 1,
                "rule": rule,
            }
        )
    doc = {"scheme": {"id": "deep", "name": "deep", "points": 1}, "node": nodes}
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc)
    assert [str(e) for e in info.value.exceptions] == [
        (
            f"the tree is {depth} levels deep here; at most {MAX_TREE_DEPTH} are "
            f"read @ node n{depth - 1}"
        )
    ]


def test_the_depth_limits_are_read_from_perfkpi_files_when_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the limits are perfkpi.files.MAX_*, looked up when a file is read: setting
    # them there changes what every reader does
    monkeypatch.setattr("perfkpi.files.MAX_NESTING", 2)
    assert scheme_from_text.__module__ == "perfkpi.files"
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_text("a = [[[]]]", source="s.toml")  # three arrays deep
    assert [str(e) for e in info.value.exceptions] == [
        "nested 3 levels deep; at most 2 are read @ s.toml:1"
    ]
    monkeypatch.setattr("perfkpi.files.MAX_TREE_DEPTH", 2)
    nodes = [
        {"code": "n0", "name": "根", "points": 1, "rule": "sum"},  # level 1
        {"code": "n1", "parent": "n0", "name": "子", "points": 1, "rule": "sum"},
        {"code": "n2", "parent": "n1", "name": "孙", "points": 1, "rule": "deduct"},
    ]
    doc = {"scheme": {"id": "deep", "name": "deep", "points": 1}, "node": nodes}
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc)
    assert [str(e) for e in info.value.exceptions] == [
        "the tree is 3 levels deep here; at most 2 are read @ node n2"
    ]


def test_cycle_is_reported_not_recursed() -> None:
    doc = {
        "scheme": {"id": "c", "name": "c", "points": 1},
        "node": [
            {"code": "r", "name": "r", "points": 1, "rule": "deduct"},
            {"code": "a", "parent": "b", "name": "a", "points": 1, "rule": "deduct"},
            {"code": "b", "parent": "a", "name": "b", "points": 1, "rule": "deduct"},
        ],
    }
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc)
    assert "node is its own ancestor (a cycle of parents) @ node a" in str(info.value)


def test_a_broken_node_does_not_orphan_its_children() -> None:
    # node 1's target is bad: that is reported once; its child is not an orphan
    doc = {
        "scheme": {"id": "s", "name": "s", "points": 10},
        "node": [
            {"code": "1", "name": "a", "points": 10, "target": "≥x", "rule": "sum"},
            {
                "code": "1.1",
                "parent": "1",
                "name": "b",
                "points": 10,
                "target": "≥1",
                "rule": "proportional",
            },
        ],
    }
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc)
    assert len(info.value.exceptions) == 1
    assert "target: cannot read '≥x'" in str(info.value.exceptions[0])


@given(st.text(max_size=200))
def test_any_text_is_a_scheme_or_a_validation_error(text: str) -> None:
    for fmt in ("toml", "json"):
        with contextlib.suppress(SchemeValidationError):
            scheme_from_text(text, format=fmt)


# -- formulas and indicators in scheme files ---------------------------------------

FORMULA_SCHEME = """\
[scheme]
id = "f"
name = "公式"
points = 30

[[node]]
code = "1"
name = "预算执行率"
points = 10
target = "≥100%"
rule = "proportional"
indicator = "预算执行率"

[[node]]
code = "2"
name = "自定义"
points = 10
target = "≤100%"
rule = "proportional"
formula = "实际 / 计划"

[[node]]
code = "3"
name = "满意度"
points = 10
target = "≥90%"
rule = "proportional"
basis = "历史标准"
"""
# the last node's indicator is a table of its own
FORMULA_SCHEME = FORMULA_SCHEME.replace(
    'basis = "历史标准"',
    '[node.indicator]\ncode = "my-sat"\nname = "满意度"\nunit = "%"\n'
    'category = ["满意度", "服务对象满意度"]\nformula = "满意 / 调查"\n'
    'basis = "历史标准"',
)


def test_indicators_by_reference_shorthand_and_table(tmp_path: Path) -> None:
    scheme = load_scheme(_write(tmp_path, "f.toml", FORMULA_SCHEME))
    assert scheme.node("1").indicator == catalog.indicator("预算执行率")
    assert scheme.node("2").indicator == Indicator(
        "2", "自定义", unit="%", direction="lower", formula="实际 / 计划"
    )
    assert scheme.node("3").indicator == Indicator(
        "my-sat",
        "满意度",
        unit="%",
        category=("满意度", "服务对象满意度"),
        formula="满意 / 调查",
        basis="历史标准",
    )
    data_text = """\
[inputs."1"]
"实际支出" = 95
"预算数" = 100

[inputs."2"]
"实际" = 110
"计划" = 100

[inputs]
"满意" = 45
"调查" = 50
"""
    data = load_data(_write(tmp_path, "d.toml", data_text), scheme=scheme)
    # 95/100 = 95 %; 110/100 = 110 %; 45/50 = 90 %
    assert dict(data.actuals) == {"1": 95.0, "2": 110.0, "3": 90.0}
    ev = evaluate(scheme, data)
    # 10 × 0.95 = 9.5; 10 × 100/110 = 9.09; 10
    assert (ev.score("1"), ev.score("2"), ev.score("3")) == (9.5, 9.09, 10)


INDICATOR_PROBLEMS: list[tuple[str, str]] = [
    # a name not in the catalog, with the nearest suggested
    (
        'indicator = "预算执行"',
        "no indicator '预算执行' in the catalog; did you mean '预算执行率'?",
    ),
    # an unknown unit in an inline indicator
    ('indicator = { code = "x", unit = "咕咕" }', "unknown unit '咕咕'"),
    # a basis that is not one of the five
    ('indicator = { code = "x", basis = "经验" }', "'basis' must be one of"),
    # a direction that is not one of the three
    ('indicator = { code = "x", direction = "up" }', "'direction' must be"),
    # a misspelt key inside the table
    (
        'indicator = { code = "x", fromula = "a" }',
        "unknown key 'fromula'; did you mean 'formula'?",
    ),
    # an inline indicator needs a code
    ('indicator = { name = "x" }', "'code' is required"),
    # a formula that does not parse
    ('formula = "a +* b"', "formula: expected a number, a name or '('"),
    # a formula on a node with a label target
    ('formula = "a / b"\ntarget = "是"', "the target 是 is a label"),
]


@pytest.mark.parametrize(("line", "text"), INDICATOR_PROBLEMS)
def test_indicator_problems(tmp_path: Path, line: str, text: str) -> None:
    source = THREE_MISTAKES.replace(
        'rule = "proportional"', f'rule = "proportional"\n{line}'
    )
    source = source.replace(
        'target = "≥100%"\n', "" if "target" in line else 'target = "≥100%"\n'
    )
    problems = _problems(_write(tmp_path, "s.toml", source))
    assert any(text in p and "node 1.1" in p for p in problems), problems


def test_formula_on_a_node_without_an_actual() -> None:
    doc = {
        "scheme": {"id": "s", "name": "s", "points": 5},
        "node": [
            {
                "code": "1",
                "name": "a",
                "points": 5,
                "rule": "deduct",
                "formula": "a / b",
            }
        ],
    }
    with pytest.raises(SchemeValidationError) as info:
        scheme_from_dict(doc)
    assert "the node takes none (no target) @ node 1" in str(info.value)


# -- data files ------------------------------------------------------------------------

DATA_THREE_MISTAKES = """\
entity = "某单位"

[actuals]
"1.1" = "95%"

[[findings]]
node = "2"
points = "many"
reason = "逾期"

[[findings]]
node = "2"
points = 1
reason = "ok"

[[items]]
parent = "2"
name = "控制率"
target = "≤abc"
actual = "1"

not_applicable = 3
"""


def test_data_file_reports_every_problem(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "d.toml",
        DATA_THREE_MISTAKES.replace("not_applicable = 3\n", "") + "\n[extra]\na = 1\n",
    )
    with pytest.raises(DataValidationError) as info:
        load_data(path)
    problems = [str(e) for e in info.value.exceptions]
    assert len(problems) == 3
    assert problems[0].endswith(f"@ {path}:6: findings[0]")  # 'points' must be a number
    assert "'points' must be a number" in problems[0]
    assert problems[1].endswith(f"@ {path}:16: items[0]")  # the target cannot be read
    assert "unknown key 'extra'" in problems[2]
    assert problems[2].endswith(f"@ {path}:23: top level")
    assert isinstance(info.value, DataError)  # except DataError still catches it


def test_data_checked_against_the_scheme(tmp_path: Path) -> None:
    text = (
        'not_applicable = ["7"]\n[actuals]\n"1.2" = "99%"\n"9" = 1\n\n'
        '[[findings]]\nnode = "8"\npoints = 1\nreason = "x"\n'
    )
    path = _write(tmp_path, "d.toml", text)
    with pytest.raises(DataValidationError) as info:
        load_data(path, scheme=catalog.scheme("gz-dept-overall"))
    assert [str(e) for e in info.value.exceptions] == [
        f"unknown node '7' @ {path}:1: not_applicable",
        f"actual given for unknown node '9' @ {path}:4: actuals.9",
        f"unknown node '8' @ {path}:7: findings[0]",
    ]


def test_data_file_missing(tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        load_data(tmp_path / "nothing.toml")
    assert "cannot read file: No such file or directory" in str(info.value)


def test_plain_table_of_actuals(tmp_path: Path) -> None:
    data = load_data(_write(tmp_path, "d.toml", '"1.2" = "99.8%"\n"2.1" = 95\n'))
    assert dict(data.actuals) == {"1.2": "99.8%", "2.1": 95}


def test_not_applicable_and_adjustments(tmp_path: Path) -> None:
    text = (
        'not_applicable = ["2.3"]\n[[adjustments]]\nnode = "1.2"\n'
        'points = -0.5\nreason = "指标值设定过低"\n'
    )
    data = load_data(
        _write(tmp_path, "d.toml", text), scheme=catalog.scheme("gz-dept-overall")
    )
    assert data.not_applicable == ("2.3",)
    assert data.adjustments[0].reason == "指标值设定过低"


def test_inputs_must_be_numbers() -> None:
    with pytest.raises(DataValidationError) as info:
        data_from_dict({"inputs": {"a": True, "1": {"b": {"c": 1}}}})
    expected = "an input is a number, a percentage text or a list of numbers"
    assert [str(e) for e in info.value.exceptions] == [
        f"{expected} (got True, a bool) @ inputs.a",
        f"{expected} (got {{'c': 1}}, a dict) @ inputs.1.b",
    ]


def test_data_names_a_bundled_scheme_for_its_inputs(tmp_path: Path) -> None:
    text = catalog.data_path("example-project-2023").read_text(encoding="utf-8")
    data = load_data(_write(tmp_path, "d.toml", text))
    assert data.actuals["1"] == 95.2  # 952 / 1000, computed with cn-project-2020


# -- writing and the round trip -------------------------------------------------------


@pytest.mark.parametrize("name", catalog.schemes())
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_bundled_schemes_round_trip(tmp_path: Path, name: str, fmt: str) -> None:
    scheme = catalog.scheme(name)
    path = tmp_path / f"s.{fmt}"
    text = dump_scheme(scheme, path)
    assert path.read_text(encoding="utf-8") == text
    assert load_scheme(path) == scheme


@pytest.mark.parametrize("name", catalog.datasets())
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_bundled_data_round_trip(tmp_path: Path, name: str, fmt: str) -> None:
    data = catalog.data(name)
    path = tmp_path / f"d.{fmt}"
    dump_data(data, path)
    assert load_data(path) == attrs.evolve(data, inputs={}) or load_data(path) == data


def test_dump_data_refuses_what_a_file_cannot_hold() -> None:
    with pytest.raises(DataError, match="cannot write a object"):
        dump_data(Data(actuals={"1": object()}))
    with pytest.raises(DataError, match="not a finite number"):
        dump_data(Data(actuals={"1": math.inf}))


def test_every_field_has_a_file_form() -> None:
    # a new field of Scheme or Node must get a file form (and this test a line)
    scheme_fields = {a.name for a in attrs.fields(Scheme) if not a.name.startswith("_")}
    assert scheme_fields - {"nodes"} == {
        "id",
        "name",
        "points",
        "rounding",
        "grades",
        "description",
        "source",
        "not_applicable",
        "overrides",
        "report_kind",
    }
    assert {a.name for a in attrs.fields(Node)} == {
        "code",
        "name",
        "parent",
        "points",
        "rule",
        "target",
        "indicator",
        "category",
        "note",
        "direction",
    }


TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
LABELS = st.text(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x4E80), min_size=1, max_size=4
)
RESERVED = ("findings:", "na:", "adjust:")  # a batch table's column prefixes
# codes a reader can tell apart: no control or format characters, and no two
# alike once full-width forms fold (the scheme refuses both, see test_scheme.py)
CODES = st.lists(
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cc", "Cf")),
        min_size=1,
        max_size=5,
    ).filter(lambda c: bool(c.strip()) and not c.strip().startswith(RESERVED)),
    min_size=1,
    max_size=9,
    unique_by=lambda c: unicodedata.normalize("NFKC", c).strip(),
)
NUMERIC_TARGETS = [
    "≥100%",
    "≤100%",
    "≥99.5%",
    "≤1小时",
    "≥1200人次",
    "≥0",
    "≤0%",
    "3秒内",
]
POINTS = st.integers(1, 40) | st.sampled_from([0.5, 2.5, 12.25])
FORMULAS = ["实际支出 / 预算数", "(本年 − 上年) / 上年", "mean(x)", "a / b × 100%"]


@st.composite
def indicators(draw: st.DrawFn, *, formula: bool) -> Indicator | None:
    kind = draw(st.sampled_from(["none", "catalog", "inline"]))
    if kind == "none":
        return None
    if kind == "catalog":
        return draw(st.sampled_from(catalog.indicators()))
    return Indicator(
        code=draw(TEXT),
        name=draw(TEXT),
        unit=draw(st.sampled_from(["", "%", "件", "万元"])),
        direction=draw(st.sampled_from(["higher", "lower", "qualitative"])),
        category=draw(st.lists(TEXT, max_size=2)),
        formula=draw(st.sampled_from(FORMULAS))
        if formula and draw(st.booleans())
        else "",
        explanation=draw(TEXT),
        basis=draw(st.sampled_from(["", *TARGET_BASES])),
    )


LEAF_KINDS = [
    "proportional",
    "per-point",
    "bands",
    "qualitative",
    "categorical",
    "checklist",
    "deduct",
    "items",
]


@st.composite
def leaf_rules(draw: st.DrawFn, points: float) -> tuple[str, Rule, str | None]:  # noqa: PLR0911 (one return per kind)
    """Draw a leaf's kind, rule and target."""
    kind = draw(st.sampled_from(LEAF_KINDS))
    if kind == "proportional":
        return kind, Proportional(), draw(st.sampled_from(NUMERIC_TARGETS[:4]))
    if kind == "per-point":
        rule: Rule = PerPoint(per=draw(st.sampled_from([0.5, 1, 2])))
        return kind, rule, draw(st.sampled_from(NUMERIC_TARGETS[:4]))
    if kind == "bands":
        scores = draw(st.lists(st.sampled_from([0, 0.5, 1]), min_size=1, max_size=3))
        whens = ["=0%", "(0%,10%]", ">10%"]
        bands = [{"when": w, "score": s} for w, s in zip(whens, scores, strict=False)]
        return kind, Bands(bands), None
    if kind == "qualitative":
        return kind, Qualitative(), None
    if kind == "categorical":
        labels = draw(st.lists(LABELS, min_size=1, max_size=3, unique=True))
        table = {label: min(i, points) for i, label in enumerate(labels)}
        return kind, Categorical(table), None
    if kind == "checklist":
        items = draw(st.lists(LABELS, max_size=3, unique=True))
        return kind, Checklist(per=1, items=items), None
    per_finding = draw(st.sampled_from([None, 1.0]))
    rule = Deduct(per_unmet=draw(st.sampled_from([1, 0.5])), per_finding=per_finding)
    return kind, rule, None


@st.composite
def leaves(draw: st.DrawFn, code: str, parent: str | None) -> list[Node]:
    """Draw a leaf (a deduct leaf may come with its items)."""
    points = draw(POINTS)
    kind, rule, target = draw(leaf_rules(points))
    takes_actual = kind in ("proportional", "per-point", "bands")
    indicator = draw(indicators(formula=takes_actual))
    name = draw(TEXT)
    if target is not None and draw(st.booleans()):
        # what a bare `formula = "…"` stands for: the node's own indicator
        unit = target.removeprefix("≥").removeprefix("≤").lstrip("0123456789.")
        indicator = Indicator(
            code,
            name,
            unit=unit,
            direction="lower" if target.startswith("≤") else "higher",
            formula=draw(st.sampled_from(FORMULAS)),
        )
    nodes = [
        Node(
            code,
            name,
            parent=parent,
            points=max(points, 1) if kind == "bands" else points,
            rule=rule,
            target=target,
            indicator=indicator,
            category=draw(TEXT),
            note=draw(TEXT),
        )
    ]
    if kind == "items":
        for i in range(draw(st.integers(1, 2))):
            penalty = draw(
                st.sampled_from([None, PerUnmet(points=2), Shortfall(points=1)])
            )
            # a shortfall is a ratio to the target: only targets above zero
            item_target = draw(
                st.sampled_from(
                    NUMERIC_TARGETS[:5] if penalty == Shortfall(1) else NUMERIC_TARGETS
                )
            )
            nodes.append(
                Node(
                    f"{code}.item{i}",  # longer than any drawn code
                    draw(TEXT),
                    parent=code,
                    target=item_target,
                    rule=penalty,
                )
            )
    return nodes


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    codes = draw(CODES)
    parents: list[str | None] = [None]
    parents += [draw(st.sampled_from([None, *codes[:i]])) for i in range(1, len(codes))]
    children = {c: [codes[i] for i, p in enumerate(parents) if p == c] for c in codes}
    nodes: list[Node] = []
    points: dict[str, float] = {}
    for code, parent in reversed(list(zip(codes, parents, strict=True))):
        if children[code]:
            total = math.fsum(points[c] for c in children[code])
            points[code] = total
            nodes.append(
                Node(
                    code,
                    draw(TEXT),
                    parent=parent,
                    points=total,
                    rule=draw(st.sampled_from([None, Sum()])),
                )
            )
        else:
            made = draw(leaves(code, parent))
            points[code] = made[0].points or 0.0
            nodes.extend(made)
    roots = [c for c, p in zip(codes, parents, strict=True) if p is None]
    targeted = [n.code for n in nodes if n.target is not None and n.points is not None]
    overrides = (
        [
            Override(c, draw(TEXT))
            for c in draw(st.lists(st.sampled_from(targeted), max_size=1))
        ]
        if targeted
        else []
    )
    grades = draw(
        st.sampled_from(list(STANDARD_SCALES.values()))
        | st.builds(
            lambda name, below: GradeScale(
                name, [Band("甲", 90), Band("乙", 75.5)], below
            ),
            TEXT,
            TEXT,
        )
    )
    return Scheme.from_nodes(
        draw(TEXT),
        draw(TEXT),
        draw(st.permutations(nodes)),
        points=math.fsum(points[c] for c in roots),
        rounding=Rounding(
            places=draw(st.integers(0, 4)),
            mode=draw(st.sampled_from(list(RoundingMode))),
            stage=draw(st.sampled_from(list(RoundingStage))),
        ),
        grades=grades,
        description=draw(TEXT),
        source=draw(TEXT),
        not_applicable=draw(st.sampled_from(["reweight", "full"])),
        overrides=overrides,
    )


# drawing a scheme is slow on a busy machine: that is no failure of the test
_SLOW_DRAWS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SLOW_DRAWS
@given(schemes(), st.sampled_from(["toml", "json"]))
def test_dump_then_load_gives_an_equal_scheme(scheme: Scheme, fmt: str) -> None:
    text = dump_scheme(scheme, format=fmt)  # type: ignore[arg-type]
    assert scheme_from_text(text, format=fmt) == scheme  # type: ignore[arg-type]


@_SLOW_DRAWS  # and a validator is built per example
@given(schemes())
def test_dumped_schemes_match_the_json_schema(scheme: Scheme) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(scheme_to_dict(scheme), json_schema("scheme"))


@given(
    st.dictionaries(
        TEXT,
        TEXT
        # TOML integers have 64 bits: to_toml refuses larger ones (tested apart)
        | st.integers(-(2**63), 2**63 - 1)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.lists(TEXT, max_size=3),
        max_size=5,
    )
)
def test_to_toml_round_trips_through_tomllib(doc: dict[str, object]) -> None:
    assert tomllib.loads(to_toml(doc)) == doc


def test_to_toml_escapes() -> None:
    doc = {'a"b': 'x"y\\z\n\t\x00\x7f', "键": "值"}
    text = to_toml(doc)
    assert text == '"a\\"b" = "x\\"y\\\\z\\n\\t\\u0000\\u007F"\n"键" = "值"\n'
    assert tomllib.loads(text) == doc


def test_read_document_kept_for_plain_reading(tmp_path: Path) -> None:
    path = _write(tmp_path, "d.toml", 'a = 1\n[b]\nc = "d"\n')
    assert read_document(path) == {"a": 1, "b": {"c": "d"}}


def test_json_schema_is_shipped() -> None:
    schema = json_schema("scheme")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["$defs"]["node"]["properties"]) == set(EXPECTED_KEYS.split(", "))
    assert schema["$defs"]["rounding"]["properties"]["stage"]["enum"] == [
        str(s) for s in RoundingStage
    ]
    assert schema["$defs"]["rounding"]["properties"]["mode"]["enum"] == [
        str(m) for m in RoundingMode
    ]
    assert json_schema("data")["title"] == "perfkpi data file"


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = tomllib.loads(THREE_MISTAKES)
    with pytest.raises(jsonschema.ValidationError, match="'weight' was unexpected"):
        jsonschema.validate(doc, json_schema("scheme"))


def test_targets_round_trip_through_their_text() -> None:
    for text in NUMERIC_TARGETS:
        target = parse_target(text)
        assert parse_target(str(target)) == target


def test_dates_are_written_as_dates() -> None:
    data = Data(actuals={"1": dt.date(2022, 12, 31)})
    text = dump_data(data)
    assert text == "[actuals]\n1 = 2022-12-31\n"
    assert data_from_dict(tomllib.loads(text)) == data
    # JSON has no dates: ISO 8601 text, which reads back as text
    assert json.loads(dump_data(data, format="json")) == {
        "actuals": {"1": "2022-12-31"}
    }


def test_integers_beyond_64_bits_are_not_written() -> None:
    with pytest.raises(DataError) as info:
        dump_data(Data(actuals={"1": 2**70}))
    assert str(info.value) == f"cannot write {2**70}: more than 64 bits @ actuals"


# -- wrong arguments -----------------------------------------------------------------


def test_writers_name_a_wrong_argument(tmp_path: Path) -> None:
    scheme = catalog.scheme("gz-dept-overall")
    with pytest.raises(TypeError, match=r"^the scheme must be a Scheme \(got 's'\)$"):
        scheme_to_dict("s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^the scheme must be a Scheme \(got 's'\)$"):
        dump_scheme("s")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^the data must be a Data \(got 5\)$"):
        data_to_dict(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^the data must be a Data \(got 5\)$"):
        dump_data(5)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^the indicator must be an Indicator \(got 'x'\)$"
    ):
        indicator_to_dict("x")  # type: ignore[arg-type]
    # an unknown format was written as TOML
    with pytest.raises(
        ValueError, match=r"^format must be 'toml' or 'json' \(got 'yaml'\)$"
    ):
        dump_scheme(scheme, format="yaml")  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"^format must be 'toml' or 'json' \(got 'csv'\)$"
    ):
        dump_data(Data(actuals={"1": 1}), tmp_path / "d.toml", format="csv")  # type: ignore[arg-type]
    assert not (tmp_path / "d.toml").exists()
    with pytest.raises(
        TypeError, match=r"^path must be a str or os.PathLike \(got 5\)$"
    ):
        dump_scheme(scheme, 5)  # type: ignore[arg-type]
    # a folder cannot be written: the OSError the Raises section lists
    with pytest.raises(IsADirectoryError):
        dump_data(Data(actuals={"1": 1}), tmp_path)


def test_data_from_text_takes_a_scheme_or_none() -> None:
    with pytest.raises(TypeError, match=r"^the scheme must be a Scheme \(got 's'\)$"):
        data_from_text("", scheme="s")  # type: ignore[arg-type]


def test_toml_keys_are_text() -> None:
    with pytest.raises(
        TypeError, match=r"^cannot write the key 1 in TOML: keys are text$"
    ):
        to_toml({1: 2})  # type: ignore[dict-item]
    with pytest.raises(
        TypeError, match=r"^cannot write the key 1 in TOML: keys are text$"
    ):
        to_toml({"a": {1: 2}})
    # in an inline table too (it was written as the text "2")
    with pytest.raises(
        TypeError, match=r"^cannot write the key 2 in TOML: keys are text$"
    ):
        to_toml({"a": [{"b": {2: 3}}]})
