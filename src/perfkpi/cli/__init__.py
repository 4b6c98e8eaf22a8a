"""The ``perfkpi`` command line.

Exit status: 0 on success, 1 when ``perfkpi check`` finds figures that do not
add up, 2 on bad input (with a message on standard error that names the file,
the place and what was expected) and on output that cannot be written (a
closed pipe, a full disk, a terminal whose encoding cannot show the text).
A file argument ``-`` reads standard input: a CSV table for ``perfkpi batch``,
else TOML, or JSON when the text starts with ``{``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import warnings
from collections.abc import Sequence
from typing import Any, Literal

from perfkpi import catalog
from perfkpi.deductions import Data
from perfkpi.errors import (
    LANGS,
    DataError,
    Lang,
    PerfKPIError,
    PerfKPIWarning,
    SchemeValidationError,
    message,
)
from perfkpi.evaluation import Evaluation, evaluate
from perfkpi.files import (
    MAX_FILE_BYTES,
    data_from_text,
    load_data,
    load_scheme,
    scheme_from_text,
)
from perfkpi.report import FORMATS
from perfkpi.scheme import Scheme
from perfkpi.targets import parse_target

__all__ = ["main"]

DEMO_SCHEME = "gz-dept-overall"
DEMO_DATA = "gz-internet-court-2022"
STDIN = "-"

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


def _report(ev: Evaluation, args: argparse.Namespace, inputs: Sequence[str]) -> str:
    """Return the report the arguments ask for, a workbook's own 偏差原因 kept."""
    from perfkpi.report import Signature  # noqa: PLC0415 (beside FORMATS)

    signature = None
    if args.sign or args.sign_unit or args.sign_evaluator or args.sign_date:
        signature = Signature(args.sign_unit, args.sign_evaluator, args.sign_date)
    sheets = [f for f in inputs if f != STDIN and _is_workbook(f)]
    reasons = None
    if sheets:
        from perfkpi.excel import read_excel  # noqa: PLC0415 (openpyxl is an extra)

        reasons = read_excel(sheets[-1]).reasons
    return ev.report(
        format=args.format,
        lang=args.lang,
        kind=args.kind,
        signature=signature,
        reasons=reasons,
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
    parser = argparse.ArgumentParser(
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
        "Score each row of TABLE (CSV) against SCHEME and write every node's "
        "score, the total, the grade and, for a row that cannot be scored, the "
        "reason, as CSV.",
        _BATCH_EPILOG,
    )
    bat.add_argument("scheme", metavar="SCHEME", help="scheme file, or -")
    bat.add_argument(
        "table", metavar="TABLE", help="CSV file, one row per entity, or -"
    )
    bat.add_argument(
        "-o", "--output", metavar="OUT", default=STDIN, help="CSV to write (default: -)"
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


# -- standard input ----------------------------------------------------------------


def _stdin(args: Sequence[str]) -> Any:  # noqa: ANN401 (a binary stream)
    """Return standard input as a binary stream, if only one argument is ``-``."""
    if sum(1 for a in args if a == STDIN) > 1:
        raise DataError("<stdin>", "only one argument can read standard input")
    if sys.stdin is None:
        raise DataError("<stdin>", "there is no standard input to read")
    return getattr(sys.stdin, "buffer", sys.stdin)


def _stdin_text(args: Sequence[str]) -> str:
    raw: bytes | str = _stdin(args).read(MAX_FILE_BYTES + 1)
    if isinstance(raw, str):  # a text stream without a buffer
        raw = raw.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_FILE_BYTES:
        msg = f"more than {MAX_FILE_BYTES} bytes; at most that many are read"
        raise DataError("<stdin>", msg)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError("<stdin>", f"not UTF-8 text (byte {exc.start})") from None


def _text_format(text: str) -> Literal["toml", "json"]:
    return "json" if text.lstrip().startswith("{") else "toml"


def _scheme(arg: str, args: Sequence[str]) -> Scheme:
    if arg != STDIN:
        return load_scheme(arg)
    text = _stdin_text(args)
    return scheme_from_text(text, format=_text_format(text), source="<stdin>")


def _data(arg: str, args: Sequence[str], scheme: Scheme) -> Data:
    if arg != STDIN:
        return load_data(arg, scheme=scheme)
    text = _stdin_text(args)
    return data_from_text(
        text, format=_text_format(text), scheme=scheme, source="<stdin>"
    )


# -- commands ----------------------------------------------------------------------


_DATA_KEYS = frozenset({"actuals", "findings", "items", "inputs", "not_applicable"})


def _validated_scheme(arg: str, args: Sequence[str]) -> Scheme:
    """Load a scheme; say so when the file is a data file given in its place."""
    try:
        return _scheme(arg, args)
    except SchemeValidationError:
        if arg == STDIN or not _looks_like_data(arg):
            raise
        msg = (
            "this is a data file (it gives actuals, findings or inputs), not a "
            "scheme: give the scheme first, perfkpi validate SCHEME DATA"
        )
        raise DataError(arg, msg) from None


def _looks_like_data(path: str) -> bool:
    """Whether *path* reads as a data file: data keys at the top, no nodes."""
    from perfkpi.files import read_document  # noqa: PLC0415

    try:
        doc = read_document(path)
    except (PerfKPIError, OSError, ValueError):
        return False
    return isinstance(doc, dict) and "node" not in doc and bool(_DATA_KEYS & set(doc))


def _parse_what_if(pairs: Sequence[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in pairs:
        code, sep, value = pair.partition("=")
        if not sep or not code.strip():
            raise DataError("--what-if", f"expected CODE=VALUE, got {pair!r}")
        out[code.strip()] = value.strip()
    return out


def _analyse(ev: Evaluation, args: argparse.Namespace) -> bool:
    """Print what --explain, --gap and --what-if ask for; return whether any did."""
    from perfkpi.explain import explain  # noqa: PLC0415 (keeps start-up light)
    from perfkpi.whatif import gap_to_grade, what_if  # noqa: PLC0415

    asked = args.explain or args.what_if or args.drop_finding or args.gap is not None
    if not asked:
        return False
    if args.format not in ("text", "json"):
        msg = "--explain, --gap and --what-if write text or json"
        raise DataError("--format", msg)
    blocks: list[str] = []
    doc: dict[str, Any] = {}
    traces = [explain(ev, code, lang=args.lang) for code in args.explain]
    blocks += [str(t) for t in traces]
    if traces:
        doc["explain"] = [t.to_dict() for t in traces]
    if args.what_if or args.drop_finding:
        change = what_if(
            ev, _parse_what_if(args.what_if), drop_findings=args.drop_finding
        )
        blocks.append(change.describe(args.lang))
        doc["what_if"] = change.to_dict()
    if args.gap is not None:
        levers = tuple(w.strip() for w in args.levers.split(",") if w.strip())
        gap = gap_to_grade(ev, args.gap or None, levers=levers)
        blocks.append(gap.describe(args.lang))
        doc["gap"] = gap.to_dict()
    if args.format == "json":
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write("\n\n".join(blocks) + "\n")
    return True


def _check(scheme: Scheme, stated_arg: str, args: argparse.Namespace) -> int:
    from perfkpi.check import (  # noqa: PLC0415 (keeps start-up light)
        bundled_stated,
        check_report,
        load_stated,
        stated_from_text,
    )

    if stated_arg == DEMO_DATA and args.command == "demo":
        stated = bundled_stated(DEMO_DATA)
    elif stated_arg == STDIN:
        text = _stdin_text([args.scheme, stated_arg])
        stated = stated_from_text(text, format=_text_format(text), source="<stdin>")
    else:
        stated = load_stated(stated_arg)
    result = check_report(scheme, stated, lang=args.lang)
    if args.format == "json":
        sys.stdout.write(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
        )
    else:
        sys.stdout.write(result.report(show_all=args.show_all))
    return 0 if result.ok else 1


def _write_workbook(ev: Evaluation, out: str, inputs: Sequence[str]) -> None:
    from perfkpi.excel import read_excel, write_excel  # noqa: PLC0415 (an extra)

    if not _is_workbook(out):
        raise DataError(out, "the scored workbook is written as .xlsx")
    # a department's own 偏差原因 are kept when the data came from its sheet
    sheets = [f for f in inputs if f != STDIN and _is_workbook(f)]
    reasons = read_excel(sheets[-1]).reasons if sheets else None
    try:
        write_excel(ev, out, reasons=reasons, inputs=[f for f in inputs if f != STDIN])
    except OSError as exc:
        raise DataError(out, f"cannot write: {exc.strerror or exc}") from None
    print(f"perfkpi: wrote {out}", file=sys.stderr)


def _is_workbook(path: str) -> bool:
    return path.lower().endswith(".xlsx")


def _check_workbook(scheme: Scheme | None, path: str, args: argparse.Namespace) -> int:
    from perfkpi.excel import check_workbook  # noqa: PLC0415 (openpyxl is an extra)

    _, found = check_workbook(path, scheme, strict=args.strict)
    if args.format == "json":
        doc = {
            "workbook": path,
            "ok": not found,
            "differences": [d.to_dict() for d in found],
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif found:
        lines = [f"{path}: {len(found)} figures differ from the rules"]
        lines += [f"  ✗ {d}" for d in found]
        sys.stdout.write("\n".join(lines) + "\n")
    else:
        sys.stdout.write(f"{path}: every stated figure agrees with the rules\n")
    return 1 if found else 0


def _plot(ev: Evaluation, args: argparse.Namespace) -> None:
    from perfkpi import plot  # noqa: PLC0415 (matplotlib is an extra)

    draw = plot.waterfall if args.kind == "waterfall" else plot.node_scores
    try:
        path = plot.save(draw(ev, lang=args.lang), args.output)
    except ValueError as exc:
        raise DataError(args.output, str(exc)) from None
    except OSError as exc:
        raise DataError(args.output, f"cannot write: {exc.strerror}") from None
    print(f"{path}")


PROGRESS_MIN_ROWS = 20_000
"""A batch shows a progress bar on a terminal from this many rows."""


class _ProgressBar:
    """Draw ``progress(done, total)`` as one line redrawn on stderr, on a tty only."""

    def __init__(
        self,
        verb: str = "scoring",
        unit: str = "rows",
        minimum: int | None = None,
    ) -> None:
        self.shown = -1
        self.verb, self.unit, self.minimum = verb, unit, minimum

    def __call__(self, done: int, total: int) -> None:
        stream = sys.stderr
        minimum = PROGRESS_MIN_ROWS if self.minimum is None else self.minimum
        if total < minimum or not stream.isatty():
            return
        percent = done * 100 // total
        if percent == self.shown:
            return
        self.shown = percent
        filled = percent * 30 // 100
        bar = "█" * filled + "░" * (30 - filled)
        stream.write(
            f"\r{self.verb} {bar} {percent:3d}% {done:,}/{total:,} {self.unit}"
        )
        if done == total:
            stream.write("\n")
        stream.flush()


def _batch(scheme: Scheme, args: argparse.Namespace) -> None:
    from perfkpi.batch import evaluate_batch  # noqa: PLC0415 (keeps start-up light)

    table = _stdin([args.scheme, args.table]) if args.table == STDIN else args.table
    result = evaluate_batch(
        scheme,
        table,
        errors=args.errors,
        id_column=args.id_column,
        progress=_ProgressBar(),
        strict=args.strict,
    )
    if args.output == STDIN:
        result.to_csv(sys.stdout)
    else:
        try:
            result.to_csv(args.output)
        except OSError as exc:
            raise DataError(args.output, f"cannot write: {exc.strerror}") from None
    bad = len(result.reasons)
    note = f"; {bad} could not be scored (see the reason column)" if bad else ""
    print(f"perfkpi: scored {len(result)} rows{note}", file=sys.stderr)


def _review(args: argparse.Namespace) -> int:
    from perfkpi.reviews import review  # noqa: PLC0415 (keeps start-up light)

    paths = list(args.paths)
    if args.own:
        scheme = None
    else:
        if len(paths) < 2:  # noqa: PLR2004 (SCHEME and one input)
            msg = "give SCHEME and the files or folders to review (or --own)"
            raise DataError(paths[0], msg)
        scheme = _scheme(paths.pop(0), [])
    outputs = _review_outputs(args.output)
    for out in outputs:
        if out in paths:
            raise DataError(out, "the output would overwrite an input")
    result = review(
        scheme,
        paths,
        strict=args.strict,
        progress=_ProgressBar("reviewing", "files", 1),
        exclude=outputs,
        jobs=args.jobs,
    )
    written = []
    for out in outputs:
        try:
            if out.lower().endswith(".xlsx"):
                result.to_excel(out, lang=args.lang, inputs=paths)
            else:
                result.to_html(out, lang=args.lang, inputs=paths)
        except OSError as exc:
            raise DataError(out, f"cannot write: {exc.strerror or exc}") from None
        written.append(out)
    if args.format == "json":
        doc = result.to_dict()
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(result.summary(args.lang))
    if written:
        print(f"perfkpi: wrote {', '.join(written)}", file=sys.stderr)
    return 0 if result.ok else 1


def _review_outputs(out: str | None) -> list[str]:
    if out is None:
        return []
    lower = out.lower()
    if lower.endswith(".xlsx"):
        return [out, out[: -len(".xlsx")] + ".html"]
    if lower.endswith((".html", ".htm")):
        return [out]
    raise DataError(out, "the review is written as .xlsx (with .html beside) or .html")


def _review_targets(args: argparse.Namespace) -> int:
    from perfkpi.targetreview import run  # noqa: PLC0415

    text, status = run(
        args.scheme,
        args.data,
        history=args.history,
        duties=args.duties,
        taxonomy=args.taxonomy,
        format=args.format,
        lang=args.lang,
    )
    sys.stdout.write(text)
    return status


def _run(args: argparse.Namespace) -> int:  # noqa: PLR0911, PLR0915 (an exit status per command)
    command = args.command
    if command == "demo":
        scheme = catalog.scheme(DEMO_SCHEME)
        if args.check:
            args.scheme, args.show_all = DEMO_SCHEME, False
            if args.format not in ("text", "json"):
                raise DataError("--format", "--check writes text or json")
            return _check(scheme, DEMO_DATA, args)
        ev = evaluate(scheme, catalog.data(DEMO_DATA))
        if not _analyse(ev, args):
            sys.stdout.write(_report(ev, args, []))
    elif command == "evaluate":
        files = [args.scheme, args.data]
        scheme = _scheme(args.scheme, files)
        ev = evaluate(scheme, _data(args.data, files, scheme), strict=args.strict)
        if args.output is not None:
            _write_workbook(ev, args.output, files)
        if not _analyse(ev, args):
            sys.stdout.write(_report(ev, args, files))
    elif command == "check":
        if args.stated is None:
            if not _is_workbook(args.scheme):
                raise DataError(args.scheme, "give SCHEME and STATED, or a workbook")
            return _check_workbook(None, args.scheme, args)
        scheme = _scheme(args.scheme, [args.scheme, args.stated])
        if _is_workbook(args.stated):
            return _check_workbook(scheme, args.stated, args)
        return _check(scheme, args.stated, args)
    elif command == "review":
        return _review(args)
    elif command == "plot":
        files = [args.scheme, args.data]
        scheme = _scheme(args.scheme, files)
        _plot(evaluate(scheme, _data(args.data, files, scheme)), args)
    elif command == "batch":
        _batch(_scheme(args.scheme, [args.scheme, args.table]), args)
    elif command == "validate":
        files = [args.scheme, *([args.data] if args.data else [])]
        scheme = _validated_scheme(args.scheme, files)
        if args.data:
            evaluate(scheme, _data(args.data, files, scheme))
        if args.format == "json":
            doc = {
                "scheme": args.scheme,
                "id": scheme.id,
                "nodes": len(scheme),
                "data": args.data,
                "valid": True,
            }
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            print(f"{args.scheme}: valid scheme {scheme.id!r} ({len(scheme)} nodes)")
            if args.data:
                print(f"{args.data}: valid data for {scheme.id!r}")
    elif command == "review-targets":
        return _review_targets(args)
    elif command == "target":
        target = parse_target(args.text)
        met = None if args.actual is None else target.is_met(args.actual)
        if args.format == "json":
            doc = {"target": str(target), "actual": args.actual, "met": met}
            print(json.dumps(doc, ensure_ascii=False))
        elif met is None:
            print(target)
        else:
            print(f"{target}  {args.actual}  {'met' if met else 'not met'}")
        if met is False:
            return 1
    else:
        from perfkpi.catalog.listing import run  # noqa: PLC0415

        words = [w for w in (args.name, args.query) if w is not None]
        text, code = run(words, args.format, args.lang)
        sys.stdout.write(text)
        return code
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status (see the module's description); 130 when interrupted.
        An error in the input or in writing the output is a message on
        standard error and status 2, not an exception.

    Raises
    ------
    SystemExit
        From ``argparse``: with status 2 and the usage on standard error
        when *argv* is not a command line it knows, with status 0 after
        ``--help`` or ``--version``.
    TypeError, AttributeError
        If *argv* is not a list of text (a programming error: the command line
        always gives text).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    if (
        words[:1] == ["target"]
        and "--" not in words
        and not {"-h", "--help"} & set(words)
    ):
        # a negative target or actual such as "-5%以下" is a value, not an option
        words = _target_words(words)
    args: argparse.Namespace | None = None
    try:
        args = _parser().parse_args(words)
        with warnings.catch_warnings():
            warnings.formatwarning = _format_warning
            status = _run(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
    except (SchemeValidationError, PerfKPIError) as exc:
        _error(_located(exc, _lang(args)))
        return 2
    except BrokenPipeError:
        _drop_stdout()
        _error(_say("standard output was closed before everything was written", args))
        return 2
    except UnicodeEncodeError as exc:
        shown = exc.object[exc.start]
        _error(
            _say(
                f"standard output cannot show {shown!r} in its encoding "
                f"{exc.encoding}; set PYTHONIOENCODING=utf-8 (or LANG to a UTF-8 "
                "locale)",
                args,
            )
        )
        return 2
    except OSError as exc:
        _error(_say(_os_problem(exc), args))
        return 2
    except KeyboardInterrupt:
        _error(_say("interrupted", args))
        return 130
    return status


def _lang(args: argparse.Namespace | None) -> Lang:
    """Return the language of the messages: ``--lang``, else Chinese."""
    lang = getattr(args, "lang", None)
    return "en" if lang == "en" else "zh"


def _say(text: str, args: argparse.Namespace | None) -> str:
    """Return one of the command line's own messages in the command's language."""
    if _lang(args) == "en":
        return text
    from perfkpi._messages import text as chinese  # noqa: PLC0415

    return chinese(text)


def _located(exc: BaseException, lang: Lang) -> str:
    """Return *exc*'s message in *lang*; a problem with a line as ``file:line: …``.

    A group of problems is its heading, then one line per problem: those whose
    file and line are known as ``file:line: place: problem`` (``file:line:col``
    when the column is known), the form editors and CI problem matchers read.
    A single error keeps its one line.
    """
    text = message(exc, lang)
    problems = getattr(exc, "exceptions", None)
    if not isinstance(problems, tuple) or not any(_line_of(e) for e in problems):
        return text
    heading = text.splitlines()[0]
    lines = [heading]
    for problem in problems:
        line = _line_of(problem)
        if line is None:
            lines.append(f"  - {_unlocated(problem, lang)}")
        else:
            lines.append(f"{line}: {_problem_text(problem, lang)}")
    return "\n".join(lines)


def _unlocated(problem: BaseException, lang: Lang) -> str:
    """Return a problem of a group as the group lists it, in *lang*."""
    if lang == "en":
        return str(problem)
    from perfkpi._messages import group_line  # noqa: PLC0415

    return group_line(problem)


def _line_of(problem: BaseException) -> str | None:
    """Return ``file:line`` (or ``file:line:col``) of *problem*, if known."""
    file, line = getattr(problem, "file", None), getattr(problem, "line", None)
    if not file or not isinstance(line, int):
        return None
    column = getattr(problem, "column", None)
    return f"{file}:{line}" + (f":{column}" if isinstance(column, int) else "")


def _problem_text(problem: BaseException, lang: Lang) -> str:
    """Return ``place: problem`` of a located problem, without its file and line."""
    from perfkpi._messages import text as chinese  # noqa: PLC0415

    where = str(getattr(problem, "where", ""))
    what = str(getattr(problem, "problem", problem))
    head = f"{getattr(problem, 'file', '')}:{getattr(problem, 'line', '')}"
    place = (
        where.removeprefix(head).removeprefix(": ") if where.startswith(head) else ""
    )
    if lang == "zh":
        what, place = chinese(what), chinese(place) if place else ""
    return f"{place}: {what}" if place else what


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


def _format_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    line: str | None = None,
) -> str:
    """Format perfkpi's warnings as one ``perfkpi: warning:`` line each."""
    if issubclass(category, PerfKPIWarning):
        return f"perfkpi: warning: {message}\n"
    return _FORMAT_WARNING(message, category, filename, lineno, line)


_FORMAT_WARNING = warnings.formatwarning


def _error(message: str) -> None:
    """Write one ``perfkpi: error:`` line to standard error, whatever its encoding."""
    line = f"perfkpi: error: {message}\n"
    stream = sys.stderr
    if stream is None:  # pragma: no cover (no standard error at all)
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(line.encode(encoding, "backslashreplace").decode(encoding))
        stream.flush()
    except (OSError, LookupError, ValueError):  # pragma: no cover (stderr is gone)
        pass


def _os_problem(exc: OSError) -> str:
    """Say what failed: a file the command opened itself, or standard output."""
    if exc.filename is not None:
        return f"{exc.strerror or exc} @ {exc.filename}"
    _drop_stdout()  # a full disk or a broken device under standard output
    return f"cannot write standard output: {exc.strerror or exc}"


def _drop_stdout() -> None:
    """Point standard output at the null device, so nothing fails at exit.

    After a closed pipe or a full disk, the output buffer still holds text that
    Python would try to write at exit, printing a traceback; what is lost is
    already lost.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, fd)
    os.close(null)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
