"""The bundled schemes and data sets, by name only."""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

from perfkpi.deductions import Data
from perfkpi.files import load_data, load_scheme, read_document
from perfkpi.scheme import Scheme

# -- schemes and data sets ----------------------------------------------------------


def _folder(name: str) -> Path:
    return Path(str(resources.files("perfkpi.catalog").joinpath(name)))


def _names(folder: str) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in _folder(folder).glob("*.toml")))


_DRIVE = re.compile(r"[A-Za-z]:")


def _looks_like_path(name: str) -> bool:
    """Whether *name* is a file path: a separator, ``..``, NUL or a drive letter."""
    return (
        "/" in name
        or "\\" in name
        or "\0" in name
        or ".." in name
        or _DRIVE.match(name) is not None
    )


def _path(folder: str, name: object) -> Path:
    """Return the file of a bundled scheme or data set, by its name only.

    A name is looked up among the bundled files; it is never joined to a
    folder as given, so no name reaches a file outside the catalog, and no
    file's content is ever quoted back.
    """
    kind = "scheme" if folder == "schemes" else "data set"
    if not isinstance(name, str):
        msg = f"a bundled {kind}'s name must be a str (got {name!r} that is a "
        msg += f"{type(name).__name__})"
        raise TypeError(msg)
    known = _names(folder)
    if name not in known:
        why = ""
        if _looks_like_path(name):
            why = " (names from the catalog only, not a file path)"
        msg = f"no bundled {kind} {name!r}{why}; known: {', '.join(known)}"
        raise KeyError(msg)
    return _folder(folder) / f"{name}.toml"


def schemes() -> tuple[str, ...]:
    """Return the ids of the bundled schemes."""
    return _names("schemes")


def datasets() -> tuple[str, ...]:
    """Return the names of the bundled data sets."""
    return _names("data")


def scheme_path(name: str) -> Path:
    """Return the file of a bundled scheme.

    Raises
    ------
    KeyError
        If no bundled scheme has that id; a file path (a separator, ``..``
        or a drive letter) is never one, and the message says so.
    TypeError
        If *name* is not a str.
    """
    return _path("schemes", name)


def data_path(name: str) -> Path:
    """Return the file of a bundled data set.

    Raises
    ------
    KeyError
        If no bundled data set has that name; a file path (a separator,
        ``..`` or a drive letter) is never one, and the message says so.
    TypeError
        If *name* is not a str.
    """
    return _path("data", name)


def scheme(name: str) -> Scheme:
    """Return a bundled scheme by its id.

    Only the ids :func:`schemes` lists are accepted: *name* is never read as
    a file path.

    Raises
    ------
    KeyError
        If no bundled scheme has that id (a file path included: the message
        says that names come from the catalog only).
    TypeError
        If *name* is not a str.

    Examples
    --------
    >>> from perfkpi import catalog
    >>> catalog.scheme("../data/example-project-2023")
    Traceback (most recent call last):
    ...
    KeyError: "no bundled scheme '../data/example-project-2023' (names from the catalog only, not a file path); known: cn-project-2020, cn-project-eval-2020, dz-dept-overall, gz-dept-overall, yy-dept-overall"
    """  # noqa: E501 (a doctest's expected output)
    scheme_path(name)
    return _scheme(name)


@functools.cache
def _scheme(name: str) -> Scheme:
    return load_scheme(scheme_path(name))


def data(name: str) -> Data:
    """Return a bundled data set by its name.

    A data set names the bundled scheme it is for; formula nodes get their
    actuals computed from its raw inputs.  Only the names :func:`datasets`
    lists are accepted: *name* is never read as a file path.

    Raises
    ------
    KeyError
        If no bundled data set has that name (a file path included: the
        message says that names come from the catalog only).
    TypeError
        If *name* is not a str.
    """
    data_path(name)
    return _data(name)


@functools.cache
def _data(name: str) -> Data:
    path = data_path(name)
    for_scheme = read_document(path).get("scheme")
    if isinstance(for_scheme, str) and for_scheme in schemes():
        return load_data(path, scheme=scheme(for_scheme))
    return load_data(path)  # pragma: no cover (every bundled set names its scheme)


def scheme_of(name: str) -> str:
    """Return the id of the bundled scheme a bundled data set is for ("" if none).

    Raises
    ------
    KeyError
        If no bundled data set has that name.
    TypeError
        If *name* is not a str.
    """
    for_scheme = read_document(data_path(name)).get("scheme", "")
    return for_scheme if isinstance(for_scheme, str) else ""
