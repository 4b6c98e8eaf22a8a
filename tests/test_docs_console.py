"""The command-line sessions shown in the docs are what perfkpi prints.

Every ```console block of the docs pages and the README whose command is
``perfkpi …`` and whose files exist in the repository (the bundled demo, the
files under ``docs/examples``) is run from the repository's root, standard
error with standard output, as a terminal shows them.  The block's lines must
be the output's lines; a line ``...`` in a block stands for any number of
lines left out, and a command piped to ``head -N`` or ``tail -N`` is cut as
the shell would cut it.  Blocks whose files are placeholders (``scheme.toml``)
are illustrations and are listed, not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
_BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
_PIPE = re.compile(r"\s*\|\s*(head|tail)\s+-(\d+)\s*$")


@attrs.frozen
class Session:
    """One ``$ perfkpi …`` command of a docs page and the output shown under it."""

    page: str
    line: int
    command: str
    shown: tuple[str, ...]


def _sessions() -> list[Session]:
    out: list[Session] = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in _BLOCK.finditer(text):
            lines = block.group(1).splitlines()
            starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
            for k, start in enumerate(starts):
                stop = starts[k + 1] if k + 1 < len(starts) else len(lines)
                command = lines[start][2:]
                if not command.startswith("perfkpi "):
                    continue
                line = text.count("\n", 0, block.start()) + 2 + start
                shown = tuple(lines[start + 1 : stop])
                out.append(Session(page.name, line, command, shown))
    return out


def _argv(command: str) -> tuple[list[str], tuple[str, int] | None]:
    """Return the arguments after ``perfkpi`` and a ``head``/``tail`` cut, if any."""
    cut = None
    pipe = _PIPE.search(command)
    if pipe:
        cut = (pipe.group(1), int(pipe.group(2)))
        command = command[: pipe.start()]
    words = shlex.split(command.split(" #", 1)[0])
    return words[1:], cut


def _runnable(session: Session) -> bool:
    """Whether every file the command names exists here (none are placeholders)."""
    argv, _ = _argv(session.command)
    if any(word.isupper() for word in argv):
        return False  # a placeholder: perfkpi COMMAND --help
    if any(word in (">", ">>", "-o") for word in argv):
        return False  # writes a file: shown for its effect, not its output
    files = [w for w in argv if re.search(r"\.(toml|json|csv|xlsx|xls)$", w)]
    return all((ROOT / f).is_file() for f in files)


SESSIONS = _sessions()
RUN = [s for s in SESSIONS if _runnable(s) and s.shown]
LISTED = [s for s in SESSIONS if _runnable(s) and not s.shown]
"""Commands listed without their output (a synopsis): they must be accepted."""


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "perfkpi", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        check=False,
    )


def _matches(shown: tuple[str, ...], output: list[str]) -> bool:
    """Whether *output* is *shown*, each ``...`` line standing for any lines."""
    pattern = "".join(
        r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line) + r"\n"
        for line in shown
    )
    return re.fullmatch(pattern, "".join(f"{line}\n" for line in output)) is not None


def test_the_docs_show_sessions_and_most_are_run() -> None:
    # the extraction sees the pages' sessions; the illustrations are few
    assert len(SESSIONS) > 20
    assert len(RUN) >= 8
    assert len(LISTED) >= 10


@pytest.mark.parametrize("session", LISTED, ids=[f"{s.page}:{s.line}" for s in LISTED])
def test_a_listed_docs_command_is_accepted(session: Session) -> None:
    # exit status 2 is a usage error (an option that does not exist) or a
    # file that cannot be read; 0 and 1 are answers (1: not met, not found)
    argv, _ = _argv(session.command)
    done = _run(argv)
    assert done.returncode in (0, 1), done.stdout[-2000:]


@pytest.mark.parametrize("session", RUN, ids=[f"{s.page}:{s.line}" for s in RUN])
def test_a_docs_session_prints_what_it_shows(session: Session) -> None:
    argv, cut = _argv(session.command)
    output = _run(argv).stdout.splitlines()
    if cut is not None:
        how, count = cut
        output = output[:count] if how == "head" else output[-count:]
    assert _matches(session.shown, output), "\n".join(
        [f"{session.page}:{session.line}: $ {session.command}", "printed:", *output]
    )
