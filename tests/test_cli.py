"""The command line, run in-process and as ``python -m perfkpi``."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from perfkpi import catalog
from perfkpi.cli import main


def test_demo_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "88.63" in out
    assert "45.98" in out
    assert "42.65" in out
    assert "良" in out


def test_demo_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["total"], doc["grade"]) == (88.63, "良")
    scores = {n["code"]: n["score"] for n in doc["nodes"]}
    assert (scores["1"], scores["2"]) == (45.98, 42.65)
    deductions = [d for n in doc["nodes"] for d in n["deductions"]]
    assert len(deductions) == 12
    assert all(d["reason"] for d in deductions)


def test_demo_markdown_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "markdown", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "| | **Total** | 100.00 | **88.63** |" in out


def test_evaluate_bundled_files(capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(catalog.scheme_path("gz-dept-overall"))
    data = str(catalog.data_path("gz-internet-court-2022"))
    assert main(["evaluate", scheme, data]) == 0
    assert "88.63" in capsys.readouterr().out


def test_validate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(catalog.scheme_path("gz-dept-overall"))]) == 0
    assert "valid scheme 'gz-dept-overall'" in capsys.readouterr().out


def test_validate_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        '[scheme]\nid = "x"\nname = "x"\npoints = 50\n'
        '[[node]]\ncode = "1"\nname = "a"\npoints = 45\nrule = "deduct"\n',
        encoding="utf-8",
    )
    assert main(["validate", str(path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "first-level points sum to 45, not 50" in err
    # the same in Chinese, the default
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert "first-level points 合计 45，而不是 50" in err


def test_target(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≤1小时", "45分钟"]) == 0
    assert capsys.readouterr().out.split() == ["≤1小时", "45分钟", "met"]
    assert main(["target", "不低于95%"]) == 0
    assert capsys.readouterr().out.strip() == "≥95%"


def test_target_unit_mismatch_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≤1小时", "5件"]) == 2
    assert "件" in capsys.readouterr().err


def test_target_syntax_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["target", "≥", "--lang", "en"]) == 2
    assert "character" in capsys.readouterr().err
    assert main(["target", "≥"]) == 2
    assert "字符位置" in capsys.readouterr().err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "no/such/scheme.toml"]) == 2
    assert "no/such/scheme.toml" in capsys.readouterr().err


def test_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    assert "gz-dept-overall" in out
    assert "gz-internet-court-2022" in out


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perfkpi", "demo", "--format", "json"],
        capture_output=True,
        check=True,
        text=True,
        encoding="utf-8",
    )
    assert json.loads(result.stdout)["total"] == 88.63


# -- standard input ------------------------------------------------------------------

_SCHEME = """\
[scheme]
id = "t"
name = "测试"
points = 100

[[node]]
code = "1"
name = "完成率"
points = 100
target = "≥100%"
rule = "proportional"
"""


def _feed(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    stream = io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stream)


def _scheme_file(tmp_path: Path) -> str:
    path = tmp_path / "s.toml"
    path.write_text(_SCHEME, encoding="utf-8")
    return str(path)


def test_batch_reads_the_table_from_stdin(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _feed(monkeypatch, "1\n99\n50\n")
    assert main(["batch", _scheme_file(tmp_path), "-"]) == 0
    # 100 × 99 / 100 = 99 (优, 90 and up); 100 × 50 / 100 = 50 (差, under 60)
    assert capsys.readouterr().out.splitlines() == [
        "total,grade,reason,1",
        "99,优,,99",
        "50,差,,50",
    ]


def test_evaluate_reads_data_from_stdin(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _feed(monkeypatch, '{"actuals": {"1": "99%"}}')  # JSON: it starts with {
    assert main(["evaluate", _scheme_file(tmp_path), "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 99


def test_evaluate_reads_the_scheme_from_stdin(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "d.toml"
    data.write_text('[actuals]\n"1" = "50%"\n', encoding="utf-8")
    _feed(monkeypatch, _SCHEME)  # TOML: it does not start with {
    assert main(["evaluate", "-", str(data), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 50


def test_stdin_json_with_a_duplicate_key(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _feed(monkeypatch, '{"actuals": {"1": "99%",\n"1": "50%"}}')
    assert main(["evaluate", _scheme_file(tmp_path), "-", "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "perfkpi: error: invalid data <stdin> (1 problems)\n"
        "<stdin>:2: malformed JSON at line 2: duplicate key '1' (a key may appear "
        "once in an object)\n"
    )


def test_one_argument_reads_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _feed(monkeypatch, "1\n99\n")
    assert main(["batch", "-", "-", "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "perfkpi: error: only one argument can read standard input @ <stdin>\n"
    )
    assert main(["batch", "-", "-"]) == 2
    assert capsys.readouterr().err == (
        "perfkpi: error: 数据错误：只能有一个参数读标准输入（<stdin>）\n"
    )


# -- a good citizen: pipes, encodings, full disks ----------------------------------


def _perfkpi(*args: str, **options: Any) -> subprocess.Popen[bytes]:  # noqa: ANN401
    return subprocess.Popen(
        [sys.executable, "-m", "perfkpi", *args],
        stderr=subprocess.PIPE,
        **options,
    )


def test_closed_pipe_is_one_line(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    # 20,000 rows of output, far more than a pipe holds
    table.write_text("1\n" + "99\n" * 20_000, encoding="utf-8")
    process = _perfkpi(
        "batch",
        _scheme_file(tmp_path),
        str(table),
        "--lang",
        "en",
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()
        process.stdout.close()  # as `| head -1` does
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert first == b"total,grade,reason,1\r\n"  # the csv module ends rows so
    assert process.returncode == 2
    assert err.decode() == (
        "perfkpi: error: standard output was closed before everything was written\n"
    )


def test_terminal_that_cannot_show_chinese_is_one_line() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    process = _perfkpi("demo", "--lang", "en", stdout=subprocess.DEVNULL, env=env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.decode() == (
        # the error line itself is ascii: 广 is escaped
        "perfkpi: error: standard output cannot show '\\u5e7f' in its encoding ascii; "
        "set PYTHONIOENCODING=utf-8 (or LANG to a UTF-8 locale)\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_disk_is_one_line(tmp_path: Path) -> None:
    with Path("/dev/full").open("wb") as full:
        process = _perfkpi("demo", "--lang", "en", stdout=full)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.decode() == (
        "perfkpi: error: cannot write standard output: No space left on device\n"
    )
    table = tmp_path / "t.csv"
    table.write_text("1\n99\n", encoding="utf-8")
    process = _perfkpi("batch", _scheme_file(tmp_path), str(table), "-o", "/dev/full")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.decode() == (
        "perfkpi: error: 数据错误：无法写入：设备上没有剩余空间（/dev/full）\n"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_argument_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    assert main(["batch", _scheme_file(tmp_path), str(fifo), "--lang", "en"]) == 2
    assert capsys.readouterr().err == (
        "perfkpi: error: a FIFO (named pipe), not a regular file: perfkpi reads "
        f"regular files only (the command line reads standard input from -) @ {fifo}\n"
    )


def test_an_unexpected_file_error_names_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # a safety net: every reader turns its OSError into a perfkpi error first
    def fail(args: object) -> int:
        del args
        raise PermissionError(13, "Permission denied", "out.csv")

    monkeypatch.setattr("perfkpi.cli._run", fail)
    assert main(["catalog"]) == 2
    assert capsys.readouterr().err == "perfkpi: error: 没有权限（out.csv）\n"
    assert main(["catalog", "--lang", "en"]) == 2
    assert capsys.readouterr().err == "perfkpi: error: Permission denied @ out.csv\n"


def test_version_and_a_target_not_met(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"perfkpi {version('perfkpi')}\n"
    # 98.5 % does not reach 99 %: status 1, for scripts
    assert main(["target", "≥99%", "98.5"]) == 1
    assert capsys.readouterr().out == "≥99%  98.5  not met\n"


def test_json_for_analyses_validate_and_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["demo", "--explain", "1.2", "--gap", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # the seed: 10 × 99.8 / 100 = 9.98; 88.63 is 1.37 short of 优 (90)
    assert doc["explain"][0]["value"] == 9.98
    assert (doc["gap"]["grade"], doc["gap"]["needed"]) == ("优", 1.37)
    assert main(["demo", "--what-if", "1.2=100%", "--format", "json"]) == 0
    # 9.98 → 10: the total gains 0.02
    assert json.loads(capsys.readouterr().out)["what_if"]["delta"] == 0.02
    # an analysis is never written as HTML or Markdown without a word
    assert main(["demo", "--explain", "1.2", "--format", "html", "--lang", "en"]) == 2
    assert "write text or json" in capsys.readouterr().err
    scheme = str(Path(catalog.__file__).parent / "schemes" / "gz-dept-overall.toml")
    assert main(["validate", scheme, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "gz-dept-overall"
    # a negative target stays a value beside --format
    assert main(["target", "-5%以下", "-6%", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "target": "≤-5%",
        "actual": "-6%",
        "met": True,
    }


def test_validate_given_a_data_file_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(catalog.__file__).parent / "data" / "gz-internet-court-2022.toml"
    assert main(["validate", str(data), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "this is a data file" in err
    assert "perfkpi validate SCHEME DATA" in err
    assert main(["validate", str(data)]) == 2
    assert "这是数据文件" in capsys.readouterr().err


_TWO_TYPOS = """\
[scheme]
id = "x"
name = "X"

[[node]]
code = "1"
name = "a"
points = 10
rul = "ratio"
target = "≥90%"

[[node]]
code = "2"
name = "b"
pionts = 5
"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_file_problems_as_file_line_message(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    # the form editors and CI problem matchers read: one problem a line
    (tmp_path / "scheme.toml").write_text(_TWO_TYPOS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "scheme.toml", "--lang", lang]) == 2
    heading, *problems = capsys.readouterr().err.splitlines()
    assert heading.startswith("perfkpi: error: ")
    assert len(problems) == 2
    assert all(re.match(r"^scheme.toml:\d+: ", p) for p in problems), problems
    # rul is on line 9 of the file, pionts on line 15
    if lang == "en":
        assert heading == "perfkpi: error: invalid scheme scheme.toml (2 problems)"
        assert problems[0].startswith(
            "scheme.toml:9: node 1: unknown key 'rul'; did you mean 'rule'? "
        )
        assert problems[1].startswith(
            "scheme.toml:15: node 2: unknown key 'pionts'; did you mean 'points'? "
        )
    else:
        assert heading == "perfkpi: error: 方案 scheme.toml 无效（2 个问题）"
        assert problems[0].startswith(
            "scheme.toml:9: 节点 1: 未知的键 'rul'；是否想写 'rule'？"
        )
        assert problems[1].startswith(
            "scheme.toml:15: 节点 2: 未知的键 'pionts'；是否想写 'points'？"
        )


def test_malformed_json_gives_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text('{\n  "scheme": {"id": "x",}\n}\n', encoding="utf-8")
    assert main(["validate", str(path), "--lang", "en"]) == 2
    lines = capsys.readouterr().err.splitlines()
    # after the stray comma (column 23) comes "}" at column 24, not a key
    assert lines[1].startswith(f"{path}:2:24: malformed JSON at line 2, column 24")


_COMMANDS = [
    "demo",
    "evaluate",
    "check",
    "review",
    "plot",
    "batch",
    "validate",
    "target",
    "review-targets",
    "catalog",
]


@pytest.mark.parametrize("command", _COMMANDS)
def test_every_command_takes_lang(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "--lang {zh,en}" in capsys.readouterr().out
