"""The ``perfkpi`` command line.

Exit status: 0 on success, 2 on bad input (with a message on standard error that
names the file, the place and what was expected).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from perfkpi import catalog
from perfkpi.errors import PerfKPIError, SchemeValidationError
from perfkpi.evaluation import evaluate
from perfkpi.files import load_data, load_scheme
from perfkpi.report import FORMATS, LANGS
from perfkpi.targets import parse_target

__all__ = ["main"]

DEMO_SCHEME = "gz-dept-overall"
DEMO_DATA = "gz-internet-court-2022"

_EPILOG = """\
examples:
  perfkpi demo
  perfkpi demo --format json --lang en
  perfkpi evaluate scheme.toml data.toml --format markdown
  perfkpi validate scheme.toml
  perfkpi target "≤1小时" 45分钟
  perfkpi catalog
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkpi",
        description="Score performance indicators against targets and roll them up "
        "a weighting tree to a total and a grade.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo",
        help="evaluate the bundled Guangzhou Internet Court 2022 self-evaluation",
        description="Recompute the Guangzhou Internet Court's 2022 whole-department "
        "self-evaluation (88.63) with every deduction explained.",
    )
    _add_output(demo)

    ev = sub.add_parser(
        "evaluate",
        help="evaluate one entity's data file against a scheme file",
        description="Evaluate DATA (TOML or JSON) against SCHEME (TOML or JSON).",
    )
    ev.add_argument("scheme", metavar="SCHEME", help="scheme file (.toml or .json)")
    ev.add_argument("data", metavar="DATA", help="data file (.toml or .json)")
    _add_output(ev)

    val = sub.add_parser(
        "validate",
        help="check a scheme file and list every problem",
        description="Check SCHEME and list every problem with its place.",
    )
    val.add_argument("scheme", metavar="SCHEME")

    tgt = sub.add_parser(
        "target",
        help="read a target and optionally judge an actual against it",
        description="Print the canonical form of TEXT; with ACTUAL, whether it is met.",
    )
    tgt.add_argument("text", metavar="TEXT", help='a target such as "≥99%%" or "3秒内"')
    tgt.add_argument(
        "actual", metavar="ACTUAL", nargs="?", help='e.g. 99.66 or "45分钟"'
    )

    sub.add_parser(
        "catalog",
        help="list the bundled schemes and data sets",
        description="List the schemes and data sets that ship with perfkpi.",
    )
    return parser


def _run(args: argparse.Namespace) -> int:
    command = args.command
    if command == "demo":
        ev = evaluate(catalog.scheme(DEMO_SCHEME), catalog.data(DEMO_DATA))
        sys.stdout.write(ev.report(format=args.format, lang=args.lang))
    elif command == "evaluate":
        ev = evaluate(load_scheme(args.scheme), load_data(args.data))
        sys.stdout.write(ev.report(format=args.format, lang=args.lang))
    elif command == "validate":
        scheme = load_scheme(args.scheme)
        print(f"{args.scheme}: valid scheme {scheme.id!r} ({len(scheme)} nodes)")
    elif command == "target":
        target = parse_target(args.text)
        if args.actual is None:
            print(target)
        else:
            met = target.is_met(args.actual)
            print(f"{target}  {args.actual}  {'met' if met else 'not met'}")
    else:
        print("schemes:")
        for name in catalog.schemes():
            print(f"  {name}  {catalog.scheme(name).name}")
        print("data:")
        for name in catalog.datasets():
            print(f"  {name}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``)."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SchemeValidationError as exc:
        print(f"perfkpi: error: {exc}", file=sys.stderr)
        return 2
    except PerfKPIError as exc:
        print(f"perfkpi: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
