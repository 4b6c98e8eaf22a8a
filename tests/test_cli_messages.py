"""The command line's warnings and argparse's own messages, in either language.

Chinese by default, English with ``--lang en``, like the errors: perfkpi's
warnings are one ``perfkpi: warning:`` line each, and what argparse says about
a command line it cannot read (a missing argument, a choice it does not know)
goes through the same phrase table, the exit status staying 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from perfkpi.cli import main

# -- warnings --------------------------------------------------------------------------

_SCHEME = """\
[scheme]
id = "s"
name = "s"
points = 10

[[node]]
code = "1"
name = "网上立案率"
points = 10
target = "≥95%"
rule = "proportional"
"""


def _warned(tmp_path: Path, *more: str) -> str:
    """Return the standard error of ``perfkpi evaluate`` with an ambiguous 0.965."""
    scheme, data = tmp_path / "s.toml", tmp_path / "d.toml"
    scheme.write_text(_SCHEME, encoding="utf-8")
    data.write_text('[actuals]\n"1" = 0.965\n', encoding="utf-8")
    # a child process: pytest turns warnings into errors, the command line
    # prints them
    run = subprocess.run(
        [sys.executable, "-m", "perfkpi", "evaluate", str(scheme), str(data), *more],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={"PYTHONIOENCODING": "utf-8", "PATH": ""},
        check=False,
    )
    assert run.returncode == 0
    return run.stderr


def test_an_ambiguous_value_warns_in_chinese_by_default(tmp_path: Path) -> None:
    # 0.965 against ≥95% reads as 0.965 %, or as 96.5 % if it is a fraction
    assert _warned(tmp_path) == (
        "perfkpi: warning: 纯数字 0.965 按指标值的单位读作 0.965%（对照 ≥95%）；"
        "若按小数读（电子表格存百分比的方式）则是 96.5%：请带上单位写"
        "（'0.965%' 或 '96.5%'）以示区别（1）\n"
    )


def test_an_ambiguous_value_warns_in_english_with_lang_en(tmp_path: Path) -> None:
    assert _warned(tmp_path, "--lang", "en") == (
        "perfkpi: warning: the plain number 0.965 is read in the target's unit, "
        "as 0.965% against ≥95%; as a fraction (how a spreadsheet stores a "
        "percentage) it would be 96.5%: write it with its unit ('0.965%' or "
        "'96.5%') to say which @ 1\n"
    )


# -- argparse's messages ---------------------------------------------------------------


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """Return the lines of standard error of a command line argparse refuses."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err.splitlines()


@pytest.fixture(autouse=True)
def _columns(monkeypatch: pytest.MonkeyPatch) -> None:
    # argparse wraps the usage to the terminal's width
    monkeypatch.setenv("COLUMNS", "80")


def test_a_missing_argument_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _refused(["evaluate"], capsys)
    assert lines[0].startswith("用法：perfkpi evaluate [-h] ")
    # the usage's next lines line up under its first: 用法： is six columns
    # wide, "usage: " seven
    assert lines[1].startswith(" " * len("123456perfkpi evaluate ") + "[")
    assert lines[-1] == "perfkpi evaluate: error: 缺少以下参数：SCHEME, DATA"


def test_a_missing_argument_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _refused(["evaluate", "--lang", "en"], capsys)
    assert lines[0].startswith("usage: perfkpi evaluate [-h] ")
    assert lines[1].startswith(" " * len("usage: perfkpi evaluate ") + "[")
    assert lines[-1] == (
        "perfkpi evaluate: error: the following arguments are required: SCHEME, DATA"
    )


def test_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _refused(["--bogus"], capsys) == [
        "用法：perfkpi [-h] [--version] COMMAND ...",
        "perfkpi: error: 缺少以下参数：COMMAND",
    ]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["demo", "--bogus"], "perfkpi: error: 无法识别的参数：--bogus"),
        (
            ["demo", "--bogus", "--lang", "en"],
            "perfkpi: error: unrecognized arguments: --bogus",
        ),
        (
            ["evaluate", "a", "b", "--lang"],
            "perfkpi evaluate: error: 参数 --lang：需要一个值",
        ),
        (
            ["evaluate", "a", "b", "--lang=en", "--strict", "--explain"],
            "perfkpi evaluate: error: argument --explain: expected one argument",
        ),
        (
            ["demo", "--sign-date", "2023-13-01"],
            (
                "perfkpi demo: error: 参数 --sign-date："
                "应为 YYYY-MM-DD 格式的日期（实为 '2023-13-01'）"
            ),
        ),
    ],
)
def test_argparse_says_what_is_wrong_in_the_language_asked(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _refused(argv, capsys)[-1] == line


def test_an_unknown_choice_in_either_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    zh = _refused(["evaluate", "x", "--lang", "zh", "--format", "nope"], capsys)[-1]
    assert zh.startswith(
        "perfkpi evaluate: error: 参数 --format：无效的选项 'nope'（可选："
    )
    assert zh.endswith("）")
    assert "markdown" in zh
    en = _refused(["evaluate", "x", "--lang", "en", "--format", "nope"], capsys)[-1]
    assert en.startswith(
        "perfkpi evaluate: error: argument --format: invalid choice: 'nope' "
        "(choose from "
    )


def test_the_last_lang_is_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    # as argparse reads it: the last --lang wins; after -- it is a value
    assert _refused(["evaluate", "--lang", "en", "--lang=zh"], capsys)[-1] == (
        "perfkpi evaluate: error: 缺少以下参数：SCHEME, DATA"
    )
    assert _refused(["evaluate", "--lang", "zh", "--lang=en"], capsys)[-1] == (
        "perfkpi evaluate: error: the following arguments are required: SCHEME, DATA"
    )
    # SCHEME is "--lang", DATA "en", and x is one too many
    assert _refused(["evaluate", "--", "--lang", "en", "x"], capsys) == [
        "用法：perfkpi [-h] [--version] COMMAND ...",
        "perfkpi: error: 无法识别的参数：x",
    ]
