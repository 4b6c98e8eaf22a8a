"""Scheme and data files: TOML and JSON, every problem with its place."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from perfkpi import (
    DataError,
    SchemeValidationError,
    catalog,
    evaluate,
    load_data,
    load_scheme,
)


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


def test_three_mistakes_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.toml", THREE_MISTAKES)
    problems = _problems(path)
    # 1. children of 1 add up to 50, not 60; 2. an unknown key; 3. an unknown parent
    assert f"unknown key 'weight' @ {path}: node 2" in problems
    assert f"children's points sum to 50, not 60 @ {path}: node 1" in problems
    assert f"unknown parent '9' @ {path}: node 3" in problems


def test_unknown_key_suggests_nearest(tmp_path: Path) -> None:
    text = THREE_MISTAKES.replace("weight = 3", "pionts = 3")
    problems = _problems(_write(tmp_path, "s.toml", text))
    assert any("unknown key 'pionts'; did you mean 'points'?" in p for p in problems)


def test_bad_target_and_rule_name_the_node(tmp_path: Path) -> None:
    text = THREE_MISTAKES.replace('target = "≥100%"', 'target = "≥abc"').replace(
        'rule = "sum"', 'rule = "summ"'
    )
    problems = _problems(_write(tmp_path, "s.toml", text))
    assert any("node 1.1" in p and "target" in p for p in problems)
    assert any(
        "node 1 " in p + " " and "unknown rule kind 'summ'" in p for p in problems
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        # TOML with a missing closing quote
        ("s.toml", '[scheme]\nid = "x\n', "malformed TOML"),
        # JSON with a trailing comma: the line and column are named
        ("s.json", '{"scheme": {"id": "x",}\n}', "line 1"),
        # NaN is not a number a scheme may hold
        ("s.json", '{"scheme": {"points": NaN}}', "NaN"),
        # a JSON array is no scheme
        ("s.json", "[1, 2]", "JSON object"),
        # Latin-1 bytes are not UTF-8
        ("s.toml", b"name = '\xe9'", "not UTF-8"),
        # neither TOML nor JSON
        ("s.yaml", "a: 1", "expected .toml or .json"),
    ],
)
def test_malformed_files(
    tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = _write(tmp_path, name, content)
    problems = _problems(path)
    assert len(problems) == 1
    assert expected in problems[0]
    assert str(path) in problems[0]


def test_data_file_errors_name_the_entry(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "d.toml",
        '[actuals]\n"1" = 1\n[[findings]]\nnode = "2"\npoints = "many"\nreason = "x"\n',
    )
    with pytest.raises(DataError) as info:
        load_data(path)
    assert f"{path}: findings[0]" in str(info.value)


def test_data_file_missing(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read file"):
        load_data(tmp_path / "nothing.toml")
