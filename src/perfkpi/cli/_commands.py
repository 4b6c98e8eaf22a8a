"""The command line's commands on one evaluation: report, analyses, checks, files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from perfkpi.cli._inputs import STDIN, _is_workbook, _stdin_text, _text_format
from perfkpi.errors import DataError
from perfkpi.evaluation import Evaluation
from perfkpi.scheme import Scheme

DEMO_SCHEME = "gz-dept-overall"


DEMO_DATA = "gz-internet-court-2022"


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
