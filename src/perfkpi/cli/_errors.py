"""The command line's errors and warnings: one line each, in either language.

A group of problems read from files lists them as ``file:line: place: problem``.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable

from perfkpi.errors import Lang, PerfKPIWarning, message


def _lang(args: argparse.Namespace | None) -> Lang:
    """Return the language of the messages: ``--lang``, else Chinese."""
    lang = getattr(args, "lang", None)
    return "en" if lang == "en" else "zh"


def _say(text: str, args: argparse.Namespace | None) -> str:
    """Return one of the command line's own messages in the command's language."""
    return _in(text, _lang(args))


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


def _in(text: str, lang: Lang) -> str:
    """Return one of perfkpi's English texts in *lang*, through the phrase table."""
    if lang == "en":
        return text
    from perfkpi._messages import text as chinese  # noqa: PLC0415

    return chinese(text)


def _warning_format(lang: Lang) -> Callable[..., str]:
    """Return a :func:`warnings.formatwarning` for perfkpi's warnings in *lang*.

    perfkpi's warnings are one ``perfkpi: warning:`` line each, their text in
    *lang*; any other warning is formatted as Python does.
    """

    def format_warning(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        line: str | None = None,
    ) -> str:
        if issubclass(category, PerfKPIWarning):
            return f"perfkpi: warning: {_in(str(message), lang)}\n"
        return _FORMAT_WARNING(message, category, filename, lineno, line)

    return format_warning


_FORMAT_WARNING = warnings.formatwarning


def _error(message: str) -> None:
    """Write one ``perfkpi: error:`` line to standard error, whatever its encoding."""
    _write_stderr(f"perfkpi: error: {message}\n")


def _write_stderr(text: str) -> None:
    """Write *text* to standard error, what its encoding cannot show escaped."""
    stream = sys.stderr
    if stream is None:  # pragma: no cover (no standard error at all)
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
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
