"""Open and read the files perfkpi is given, refusing anything but regular files.

Every reader (scheme and data files, tables, workbooks) opens its file through
:func:`open_regular`, so a directory, a FIFO, a device or a socket is refused
before anything is read from it.  It is documented and re-exported by
:mod:`perfkpi.files` (whose :func:`~perfkpi.files.read_limited` also limits
how much is read).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO

from perfkpi.errors import PerfKPIError, SchemeError

__all__ = ["open_regular"]


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """Return what a file of *mode* is, unless it is a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return (
        f"{kind}, not a regular file: perfkpi reads regular files only "
        "(the command line reads standard input from -)"
    )


def _check_path(path: object, error: object) -> None:
    if not isinstance(path, str | bytes | os.PathLike):
        msg = f"path must be a str or os.PathLike, not {type(path).__name__}"
        raise TypeError(msg)
    if not (isinstance(error, type) and issubclass(error, PerfKPIError)):
        msg = f"error must be a perfkpi error class, not {error!r}"
        raise TypeError(msg)


def open_regular(
    path: str | os.PathLike[str], *, error: type[PerfKPIError] = SchemeError
) -> BinaryIO:
    """Open *path* to read bytes, refusing anything but a regular file.

    A symbolic link is followed; what it leads to must be a regular file.  A
    directory, a FIFO, a device (``/dev/zero``, a terminal) or a socket is
    refused before anything is read from it, so nothing hangs on a pipe that
    never ends or reads until memory is gone.

    Parameters
    ----------
    path
        The file.
    error
        The error class to raise, called as ``error(path, problem)``
        (:class:`~perfkpi.errors.SchemeError` or
        :class:`~perfkpi.errors.DataError`).

    Raises
    ------
    SchemeError
        (or *error*) If the file cannot be opened or is not a regular file;
        the message names the file.
    TypeError
        If *path* is not a path, or *error* not a perfkpi error class.
    """
    _check_path(path, error)
    where = os.fsdecode(path)
    nonblocking = getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait
    try:
        kind = _not_regular(os.stat(path).st_mode)  # noqa: PTH116 (before opening)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | nonblocking | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise error(where, f"cannot read file: {exc.strerror}") from None
    except ValueError as exc:  # a NUL character in the path
        raise error(where, f"cannot read file: {exc}") from None
    if kind is not None:
        raise error(where, kind)
    try:
        kind = _not_regular(os.fstat(fd).st_mode)  # it may have changed since
        if kind is not None:
            raise error(where, kind)  # noqa: TRY301 (closed below)
        if nonblocking:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
