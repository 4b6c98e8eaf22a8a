"""The command line's arguments: every command's parser, its help and examples."""

from __future__ import annotations

import argparse
import contextvars
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from perfkpi.cli._errors import _in, _write_stderr
from perfkpi.cli._inputs import STDIN
from perfkpi.errors import LANGS, Lang
from perfkpi.report import FORMATS

_EPILOG = """\
examples:
  perfkpi demo
  perfkpi demo --format json --lang en
  perfkpi demo --explain 1.2 --gap
  perfkpi evaluate scheme.toml data.toml --format markdown
  perfkpi evaluate scheme.toml data.toml --format html > report.html
  perfkpi batch scheme.toml departments.csv -o scores.csv
  cat data.toml | perfkpi evaluate scheme.toml -
  perfkpi check scheme.toml stated.toml
  perfkpi review scheme.toml submissions/ -o review.xlsx
  perfkpi plot scheme.toml data.toml -o waterfall.svg
  perfkpi validate scheme.toml
  perfkpi target "≤1小时" 45分钟
  perfkpi catalog

exit status: 0 success, 1 a check found mismatches (or a target is not met),
2 bad input
"""


_DEMO_EPILOG = """\
examples:
  perfkpi demo                          the score card and narrative in Chinese
  perfkpi demo --format html > seed.html   one printable HTML file
  perfkpi demo --format markdown --lang en
  perfkpi demo --explain 1.2            where 9.98 comes from
  perfkpi demo --explain total --lang en
  perfkpi demo --gap                    the fewest improvements to reach 优
  perfkpi demo --gap 优 --levers actuals
  perfkpi demo --what-if 1.2=100% --what-if 1.1.5=是
  perfkpi demo --check                  check the report's stated figures (exit 1)
"""


_EVALUATE_EPILOG = """\
examples:
  perfkpi evaluate scheme.toml data.toml
  perfkpi evaluate scheme.toml data.json --format html > report.html
  perfkpi evaluate scheme.toml data.toml --explain 2 --explain total
  perfkpi evaluate scheme.toml data.toml --gap
  perfkpi evaluate scheme.toml data.toml --what-if 1.2=100% --drop-finding 3
  perfkpi evaluate scheme.toml - < data.toml

SCHEME or DATA may be - to read standard input (not both).
"""


_CHECK_EPILOG = """\
examples:
  perfkpi check scheme.toml stated.toml
  perfkpi check scheme.toml stated.toml --all --lang en
  perfkpi check scheme.toml stated.toml --format json
  perfkpi check scheme.toml - < stated.toml
  perfkpi check self-evaluation.xlsx
  perfkpi check scheme.toml self-evaluation.xlsx --format json

exit status: 0 every figure adds up, 1 some do not, 2 bad input.
The stated figures file lists the scores, deductions, amounts and rates the
report states; see the documentation page "Checking a report".  A workbook
(.xlsx) is read as a self-evaluation sheet: its 得分, 扣分, 合计 and 等级 are
recomputed by its own scheme, or by SCHEME when one is given.
"""


_REVIEW_EPILOG = """\
examples:
  perfkpi review scheme.toml submissions/ -o review.xlsx   also writes review.html
  perfkpi review scheme.toml a.xlsx b.xlsx c.toml --format json
  perfkpi review scheme.toml submissions/ -o review.html --lang en
  perfkpi review --own submissions/          each workbook by its own scheme

exit status: 0 every figure of every file agrees, 1 a discrepancy or a file
that cannot be reviewed, 2 bad input (no such file, no file to review, an
output that would overwrite an input).
A folder's .xlsx, .toml and .json files are reviewed (.xls and .xlsm are
listed with their error); a file that cannot be read becomes a row with its
error, and the review goes on.
"""


_PLOT_EPILOG = """\
examples:
  perfkpi plot scheme.toml data.toml -o waterfall.png
  perfkpi plot scheme.toml data.toml -o scores.svg --kind scores --lang en

Needs the plot extra: pip install 'perfkpi[plot]'.
"""


_BATCH_EPILOG = """\
examples:
  perfkpi batch scheme.toml departments.csv -o scores.csv
  perfkpi batch scheme.toml departments.csv --id-column 单位 -o scores.csv
  perfkpi batch scheme.toml departments.csv --errors raise   stop at the first bad row
  cat departments.csv | perfkpi batch scheme.toml - | head

TABLE has a header row and one row per entity: a column per input node (named by
its code) and optional findings:CODE, na:CODE and adjust:CODE columns.  OUT gets
the total, grade, reason (empty for a scored row) and every node's score.
"""


_VALIDATE_EPILOG = """\
examples:
  perfkpi validate scheme.toml
  perfkpi validate scheme.toml data.toml   also check the data against the scheme
  perfkpi validate - < scheme.json
"""


_TARGET_EPILOG = """\
examples:
  perfkpi target "不低于95%"            prints ≥95%
  perfkpi target "≤1小时" 45分钟        prints ≤1小时  45分钟  met
  perfkpi target "3秒内" 3.2秒
"""


_CATALOG_EPILOG = """\
examples:
  perfkpi catalog                       the indicators, schemes and data sets
  perfkpi catalog search 执行           indicators and schemes matching a word
  perfkpi catalog show 预算执行率        one indicator's whole record
  perfkpi catalog 预算执行率 --lang en   the same, with English labels
  perfkpi catalog cn-project-2020       one scheme, as a tree
  perfkpi catalog --format markdown     the indicator library as a table
"""


_REVIEW_TARGETS_EPILOG = """\
examples:
  perfkpi review-targets scheme.toml data.toml
  perfkpi review-targets scheme.toml data.toml --history history.toml --lang en
  perfkpi review-targets scheme.toml data.toml --duties duties.toml --format json
  perfkpi review-targets 绩效目标申报表.xlsx      a department's declaration form
"""


_WORDS: contextvars.ContextVar[Sequence[str] | None] = contextvars.ContextVar(
    "_WORDS", default=None
)
"""The command line being read, for the language of argparse's own messages."""


def _lang_of(words: Sequence[str]) -> Lang:
    """Return the language ``--lang`` asks for in *words* (the last one), else zh."""
    lang = "zh"
    for i, word in enumerate(words):
        if word == "--":
            break
        option, eq, value = word.partition("=")
        if len(option) > len("--l") and "--lang".startswith(option):
            if eq:
                lang = value
            elif i + 1 < len(words):
                lang = words[i + 1]
    return "en" if lang == "en" else "zh"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose own messages follow ``--lang`` (Chinese by default).

    argparse says what is wrong with a command line in English
    (``the following arguments are required: SCHEME, DATA``); under Chinese
    the message and the usage line's prefix go through the phrase table.
    The exit status stays 2.
    """

    def parse_args(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        namespace: argparse.Namespace | None = None,
    ) -> argparse.Namespace:
        words = list(sys.argv[1:] if args is None else args)
        token = _WORDS.set(words)
        try:
            return super().parse_args(words, namespace)
        finally:
            _WORDS.reset(token)

    def error(self, message: str) -> NoReturn:
        if _lang_of(_WORDS.get() or ()) == "en":
            super().error(message)
        usage = self.format_usage()
        head = "usage: "
        if usage.startswith(head):
            # 用法： is as wide on a terminal as "usage: " less one column
            usage = "用法：" + usage[len(head) :].replace("\n ", "\n")
        _write_stderr(f"{usage}{self.prog}: error: {_in(message, 'zh')}\n")
        self.exit(2)


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--lang", choices=LANGS, default="zh", help="report language (default: zh)"
    )


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD (got {text!r})"
        raise argparse.ArgumentTypeError(msg) from None


def _add_report(parser: argparse.ArgumentParser) -> None:
    from perfkpi.report import KINDS  # noqa: PLC0415 (beside FORMATS, imported late)

    parser.add_argument(
        "--kind",
        choices=KINDS,
        default=None,
        help="who evaluates whom: self (自评), department (部门评价), finance "
        "(财政评价) or third-party (第三方评价) (default: the scheme's report_kind)",
    )
    parser.add_argument(
        "--sign",
        action="store_true",
        help="end the report with a signature block (评价单位, 评价人, 日期), "
        "its empty fields lines to write on",
    )
    parser.add_argument(
        "--sign-unit", metavar="TEXT", default="", help="评价单位 (implies --sign)"
    )
    parser.add_argument(
        "--sign-evaluator", metavar="TEXT", default="", help="评价人 (implies --sign)"
    )
    parser.add_argument(
        "--sign-date",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        default=None,
        help="日期 (implies --sign; never today's date unless given)",
    )


def _add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a value that reads two ways 100x apart (0.965 against ≥95%%) is "
        "an error, not a warning",
    )


def _add_analysis(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--explain",
        metavar="CODE",
        action="append",
        default=[],
        help="print the trace of one number (a node code, or 'total') "
        "instead of the report; repeatable",
    )
    parser.add_argument(
        "--gap",
        metavar="GRADE",
        nargs="?",
        const="",
        default=None,
        help="print the fewest improvements that reach GRADE "
        "(default: the next grade up)",
    )
    parser.add_argument(
        "--levers",
        metavar="LEVER[,LEVER…]",
        default="all",
        help="what --gap may change, comma-separated: all (the default), actuals "
        "(every lever but findings), numbers, dates, tiers, checklists, "
        "categories, items, findings",
    )
    parser.add_argument(
        "--what-if",
        metavar="CODE=VALUE",
        action="append",
        default=[],
        help="print the change in the total when CODE's actual is VALUE; repeatable",
    )
    parser.add_argument(
        "--drop-finding",
        metavar="N",
        type=int,
        action="append",
        default=[],
        help="with --what-if: remove the N-th finding (from 0); repeatable",
    )


def _sub(
    sub: Any,  # noqa: ANN401 (argparse's private subparsers type)
    name: str,
    help_text: str,
    description: str,
    epilog: str,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def _add_review_targets(sub: Any) -> None:  # noqa: ANN401 (argparse's subparsers)
    rvt = _sub(
        sub,
        "review-targets",
        "review a department's declared indicators and targets",
        "Check the indicators of SCHEME (and the items of DATA) for completeness, "
        "relevance, appropriateness and feasibility; exit 1 when anything is "
        "flagged.",
        _REVIEW_TARGETS_EPILOG,
    )
    rvt.add_argument(
        "scheme", metavar="SCHEME", help="scheme file, or a 绩效目标申报表 (.xlsx/.xls)"
    )
    rvt.add_argument(
        "data", metavar="DATA", nargs="?", help="data file with items, or a 申报表"
    )
    rvt.add_argument("--history", metavar="FILE", help="[history] and [standards]")
    rvt.add_argument("--duties", metavar="FILE", help="[duties]: duty = indicators")
    rvt.add_argument("--taxonomy", metavar="NAME", help="the classes to require")
    rvt.add_argument("--format", choices=("text", "json"), default="text")
    rvt.add_argument("--lang", choices=("zh", "en"), default="zh")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version("perfkpi")
    except PackageNotFoundError:  # pragma: no cover (run from a source tree)
        return "(not installed)"


def _parser() -> argparse.ArgumentParser:  # noqa: PLR0915 (a block per command)
    parser = _Parser(
        prog="perfkpi",
        description="Score performance indicators against targets and roll them up "
        "a weighting tree to a total and a grade.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"perfkpi {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = _sub(
        sub,
        "demo",
        "evaluate the bundled Guangzhou Internet Court 2022 self-evaluation",
        "Recompute the Guangzhou Internet Court's 2022 whole-department "
        "self-evaluation (88.63) with every deduction explained.",
        _DEMO_EPILOG,
    )
    _add_output(demo)
    _add_report(demo)
    _add_analysis(demo)
    demo.add_argument(
        "--check",
        action="store_true",
        help="check the report's own stated figures instead (exit 1: they do not "
        "all add up)",
    )

    ev = _sub(
        sub,
        "evaluate",
        "evaluate one entity's data file against a scheme file",
        "Evaluate DATA (TOML or JSON) against SCHEME (TOML or JSON).",
        _EVALUATE_EPILOG,
    )
    ev.add_argument(
        "scheme", metavar="SCHEME", help="scheme file (.toml or .json), or -"
    )
    ev.add_argument("data", metavar="DATA", help="data file (.toml or .json), or -")
    _add_output(ev)
    _add_report(ev)
    _add_strict(ev)
    ev.add_argument(
        "-o",
        "--output",
        metavar="OUT.xlsx",
        help="also write the scored workbook (never over an input file)",
    )
    _add_analysis(ev)

    chk = _sub(
        sub,
        "check",
        "check the arithmetic of the figures a report states",
        "Recompute every sum, every score from its deductions and every rate "
        "from its parts among the figures STATED lists, and list each mismatch "
        "beyond rounding with both numbers and where they come from.",
        _CHECK_EPILOG,
    )
    chk.add_argument(
        "scheme", metavar="SCHEME", help="scheme file, or -; or a workbook (.xlsx)"
    )
    chk.add_argument(
        "stated",
        metavar="STATED",
        nargs="?",
        help="stated figures file (.toml or .json), a workbook (.xlsx), or -",
    )
    _add_check_output(chk)
    _add_strict(chk)

    rev = _sub(
        sub,
        "review",
        "复核: recompute a folder of submitted self-evaluations",
        "Recompute every submitted workbook (.xlsx) and stated-figures file "
        "(.toml, .json) by SCHEME and list, department by department, every "
        "figure that does not agree, the largest discrepancy first.",
        _REVIEW_EPILOG,
    )
    rev.add_argument(
        "paths",
        metavar="SCHEME INPUT",
        nargs="+",
        help="the scheme file, then the submitted files and folders",
    )
    rev.add_argument(
        "--own",
        action="store_true",
        help="no SCHEME: recompute each workbook by the scheme it states",
    )
    rev.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write the review: OUT.xlsx (and OUT.html beside it), or OUT.html",
    )
    rev.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what is printed (default: text)",
    )
    rev.add_argument(
        "--lang", choices=LANGS, default="zh", help="language (default: zh)"
    )
    _add_strict(rev)
    rev.add_argument(
        "--jobs",
        metavar="N",
        type=int,
        default=os.cpu_count() or 1,
        help="files reviewed at once, each in its own process (default: the "
        "number of processors)",
    )

    plt = _sub(
        sub,
        "plot",
        "draw the deduction waterfall or the node scores to PNG or SVG",
        "Evaluate DATA against SCHEME and draw a figure; the suffix of OUT "
        "(.png or .svg) sets the format.",
        _PLOT_EPILOG,
    )
    plt.add_argument("scheme", metavar="SCHEME", help="scheme file, or -")
    plt.add_argument("data", metavar="DATA", help="data file, or -")
    plt.add_argument("-o", "--output", metavar="OUT", required=True)
    plt.add_argument(
        "--kind",
        choices=("waterfall", "scores"),
        default="waterfall",
        help="which figure (default: waterfall)",
    )
    plt.add_argument(
        "--lang", choices=LANGS, default="zh", help="label language (default: zh)"
    )

    bat = _sub(
        sub,
        "batch",
        "score every row of a CSV table against a scheme",
        "Score each row of TABLE (CSV, or a sheet of an Excel workbook) against "
        "SCHEME and write every node's "
        "score, the total, the grade and, for a row that cannot be scored, the "
        "reason, as CSV.",
        _BATCH_EPILOG,
    )
    bat.add_argument("scheme", metavar="SCHEME", help="scheme file, or -")
    bat.add_argument(
        "table",
        metavar="TABLE",
        help="CSV file or Excel workbook (.xlsx), one row per entity, or - (CSV)",
    )
    bat.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default=STDIN,
        help="CSV to write, or a workbook when OUT ends in .xlsx (default: -)",
    )
    bat.add_argument(
        "--errors",
        choices=("nan", "raise"),
        default="nan",
        help="a bad row: NaN and a reason (default), or stop with its error",
    )
    bat.add_argument(
        "--id-column", metavar="NAME", help="a column that labels the rows"
    )
    bat.add_argument(
        "--sheet",
        metavar="NAME",
        help="the sheet of a workbook TABLE to read (default: its one sheet with data)",
    )
    _add_strict(bat)
    _add_error_lang(bat)

    val = _sub(
        sub,
        "validate",
        "check a scheme file and list every problem",
        "Check SCHEME and list every problem with its place.",
        _VALIDATE_EPILOG,
    )
    val.add_argument("scheme", metavar="SCHEME", help="scheme file, or -")
    val.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="a data file to check against the scheme too",
    )
    _add_text_or_json(val)
    _add_error_lang(val)

    tgt = _sub(
        sub,
        "target",
        "read a target and optionally judge an actual against it",
        "Print the canonical form of TEXT; with ACTUAL, whether it is met.",
        _TARGET_EPILOG,
    )
    tgt.add_argument("text", metavar="TEXT", help='a target such as "≥99%%" or "3秒内"')
    tgt.add_argument(
        "actual", metavar="ACTUAL", nargs="?", help='e.g. 99.66 or "45分钟"'
    )
    _add_text_or_json(tgt)
    _add_error_lang(tgt)

    _add_review_targets(sub)

    cat = _sub(
        sub,
        "catalog",
        "list the core indicator library, the bundled schemes and data sets",
        "List the indicators, schemes and data sets that ship with perfkpi; "
        "with NAME, show one of them.",
        _CATALOG_EPILOG,
    )
    cat.add_argument(
        "name",
        metavar="NAME",
        nargs="?",
        help="an indicator's code, name or alias, a scheme's id or a data set's "
        "name; or 'search' or 'show' followed by QUERY",
    )
    cat.add_argument(
        "query", metavar="QUERY", nargs="?", help="what to search for, or to show"
    )
    cat.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="labels of an indicator's record (default: zh)",
    )
    cat.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="output format (default: text)",
    )
    return parser


def _add_error_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=LANGS,
        default="zh",
        help="language of the error messages (default: zh)",
    )


def _add_text_or_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )


def _add_check_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--lang", choices=LANGS, default="zh", help="language (default: zh)"
    )
    parser.add_argument(
        "--all",
        action="store_true",
        dest="show_all",
        help="list the relations that hold as well",
    )


def _target_words(words: list[str]) -> list[str]:
    """Put ``--`` before a target's values, keeping ``--format`` and ``--lang``."""
    options: list[str] = []
    values: list[str] = []
    rest = iter(words[1:])
    for word in rest:
        if word in ("--format", "--lang"):
            options += [word, next(rest, "")]
        elif word.startswith(("--format=", "--lang=")):
            options.append(word)
        else:
            values.append(word)
    if any(v.startswith("-") for v in values):
        return ["target", *options, "--", *values]
    return ["target", *options, *values]
