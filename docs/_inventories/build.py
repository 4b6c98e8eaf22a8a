# ruff: noqa: INP001 (docs/ is not a package)
"""Write the intersphinx inventories the documentation links through.

The documentation is built without network access, so intersphinx cannot fetch
the ``objects.inv`` of Python, numpy, attrs and Hypothesis.  It reads these
files instead (``intersphinx_mapping`` in ``docs/conf.py``).  Each is a
hand-listed subset of the real inventory, made offline: exactly the objects
perfkpi's pages and docstrings refer to, each with the address under which its
project documents it.

To add a name, add it to ``INVENTORIES`` below and run, from the project root::

    python docs/_inventories/build.py

To check the list against the real inventories, where a network is available,
print one and compare the names, roles and addresses::

    python -m sphinx.ext.intersphinx https://docs.python.org/3/objects.inv
    python -m sphinx.ext.intersphinx https://numpy.org/doc/stable/objects.inv
    python -m sphinx.ext.intersphinx https://www.attrs.org/en/stable/objects.inv
    python -m sphinx.ext.intersphinx https://hypothesis.readthedocs.io/en/latest/objects.inv

A name the build warns about (``py:class reference target not found: X``) is
one to add here, or, for a private name, to ``nitpick_ignore_regex``.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import NamedTuple


class Entry(NamedTuple):
    """One object: its name, its Sphinx role and its address in its project."""

    name: str
    role: str
    path: str


class Inventory(NamedTuple):
    """The header of an inventory file and the objects it lists."""

    project: str
    version: str
    entries: tuple[Entry, ...]


def _abc(name: str) -> Entry:
    return Entry(
        f"collections.abc.{name}",
        "py:class",
        f"library/collections.abc.html#collections.abc.{name}",
    )


# file name (without ".inv") -> inventory; the base address of each is in
# docs/conf.py, beside the file's name
INVENTORIES: dict[str, Inventory] = {
    # https://docs.python.org/3/
    "python": Inventory(
        "Python",
        "3",
        (
            _abc("Callable"),
            _abc("Collection"),
            _abc("Iterable"),
            _abc("Iterator"),
            _abc("Mapping"),
            _abc("Sequence"),
            Entry("datetime.date", "py:class", "library/datetime.html#datetime.date"),
            Entry(
                "datetime.date.toordinal",
                "py:method",
                "library/datetime.html#datetime.date.toordinal",
            ),
            Entry("os.PathLike", "py:class", "library/os.html#os.PathLike"),
            Entry("pathlib.Path", "py:class", "library/pathlib.html#pathlib.Path"),
            Entry("round", "py:function", "library/functions.html#round"),
        ),
    ),
    # https://numpy.org/doc/stable/
    "numpy": Inventory(
        "NumPy",
        "stable",
        (
            Entry(
                "numpy.ndarray",
                "py:class",
                "reference/generated/numpy.ndarray.html#numpy.ndarray",
            ),
            Entry(
                "numpy.typing.ArrayLike",
                "py:data",
                "reference/typing.html#numpy.typing.ArrayLike",
            ),
            Entry(
                "numpy.ufunc.reduceat",
                "py:method",
                "reference/generated/numpy.ufunc.reduceat.html#numpy.ufunc.reduceat",
            ),
        ),
    ),
    # https://www.attrs.org/en/stable/
    "attrs": Inventory(
        "attrs",
        "stable",
        (Entry("attrs.evolve", "py:function", "api.html#attrs.evolve"),),
    ),
    # https://hypothesis.readthedocs.io/en/latest/
    "hypothesis": Inventory(
        "Hypothesis",
        "latest",
        (
            Entry(
                "hypothesis.errors.InvalidArgument",
                "py:exception",
                "reference/api.html#hypothesis.errors.InvalidArgument",
            ),
            Entry(
                "hypothesis.strategies.SearchStrategy",
                "py:class",
                "reference/strategies.html#hypothesis.strategies.SearchStrategy",
            ),
        ),
    ),
}


def inventory_bytes(inventory: Inventory) -> bytes:
    """Return ``inventory`` in Sphinx's ``objects.inv`` version 2 format.

    Four header lines, then one line per object, zlib-compressed:
    ``name domain:role priority address display-name`` (``-`` for a display
    name that is the name itself).
    """
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {inventory.project}\n"
        f"# Version: {inventory.version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    lines = "".join(
        f"{entry.name} {entry.role} 1 {entry.path} -\n"
        for entry in sorted(inventory.entries)
    )
    return header.encode() + zlib.compress(lines.encode(), 9)


def main() -> None:
    """Write every inventory beside this script."""
    here = Path(__file__).resolve().parent
    for name, inventory in INVENTORIES.items():
        (here / f"{name}.inv").write_bytes(inventory_bytes(inventory))


if __name__ == "__main__":
    main()
