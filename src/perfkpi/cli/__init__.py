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
import json
import sys
import warnings
from collections.abc import Sequence

from perfkpi import catalog
from perfkpi.cli._commands import DEMO_DATA as DEMO_DATA
from perfkpi.cli._commands import DEMO_SCHEME as DEMO_SCHEME
from perfkpi.cli._commands import (
    _analyse,
    _check,
    _check_workbook,
    _plot,
    _report,
    _review_targets,
    _write_workbook,
)
from perfkpi.cli._errors import (
    _drop_stdout,
    _error,
    _lang,
    _located,
    _os_problem,
    _say,
    _warning_format,
)
from perfkpi.cli._inputs import STDIN as STDIN
from perfkpi.cli._inputs import (
    _data,
    _is_workbook,
    _scheme,
    _stdin,
    _validated_scheme,
)
from perfkpi.cli._parser import _parser as _parser
from perfkpi.cli._parser import _target_words
from perfkpi.errors import DataError, PerfKPIError, SchemeValidationError
from perfkpi.evaluation import evaluate
from perfkpi.scheme import Scheme
from perfkpi.targets import parse_target

__all__ = ["main"]


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
        sheet=args.sheet,
    )
    if args.output == STDIN:
        result.to_csv(sys.stdout)
    else:
        try:
            if args.output.lower().endswith(".xlsx"):
                inputs = [p for p in (args.scheme, args.table) if p != STDIN]
                result.to_excel(args.output, lang=_lang(args), inputs=inputs)
            else:
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
            warnings.formatwarning = _warning_format(_lang(args))
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
