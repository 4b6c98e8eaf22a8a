"""The built-in library: standard schemes and example data, as data files.

Examples
--------
>>> from perfkpi import catalog
>>> catalog.schemes()
('gz-dept-overall',)
>>> catalog.scheme("gz-dept-overall").name
'广州市市级部门整体支出绩效自评'
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from perfkpi.deductions import Data
from perfkpi.files import load_data, load_scheme
from perfkpi.scheme import Scheme

__all__ = ["data", "data_path", "datasets", "scheme", "scheme_path", "schemes"]


def _folder(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


def _names(folder: str) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in _folder(folder).glob("*.toml")))


def _path(folder: str, name: str) -> Path:
    path = _folder(folder) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(_names(folder))
        msg = f"no bundled {folder.removesuffix('s')} {name!r}; known: {known}"
        raise KeyError(msg)
    return path


def schemes() -> tuple[str, ...]:
    """Return the ids of the bundled schemes."""
    return _names("schemes")


def datasets() -> tuple[str, ...]:
    """Return the names of the bundled data sets."""
    return _names("data")


def scheme_path(name: str) -> Path:
    """Return the file of a bundled scheme."""
    return _path("schemes", name)


def data_path(name: str) -> Path:
    """Return the file of a bundled data set."""
    return _path("data", name)


@functools.cache
def scheme(name: str) -> Scheme:
    """Return a bundled scheme by its id.

    Raises
    ------
    KeyError
        If no bundled scheme has that id.
    """
    return load_scheme(scheme_path(name))


@functools.cache
def data(name: str) -> Data:
    """Return a bundled data set by its name."""
    return load_data(data_path(name))
