"""Let a package's public names present themselves as the package's own.

A module grown too long becomes a package of private modules whose
``__init__`` re-exports the public names.  :func:`adopt` renames each class
and function defined in those private modules (and a class's own methods)
``package.Name``, where they began: so the API reference documents them,
pickles and tracebacks name them there, and their doctests (a method's is
collected with its class only when both say the package) run once.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping

__all__ = ["adopt"]


def adopt(package: str, namespace: Mapping[str, object], names: Iterable[str]) -> None:
    """Rename the objects *names* of *namespace* defined under *package*.

    Only classes and functions whose ``__module__`` is a private module of
    *package* (``package._x``) are renamed; a name imported from elsewhere
    keeps its home.
    """
    inside = f"{package}._"
    for name in names:
        obj = namespace[name]
        if not isinstance(obj, type | types.FunctionType):
            continue
        home = obj.__module__
        if not home.startswith(inside):
            continue
        if isinstance(obj, type):
            for member in vars(obj).values():
                function = getattr(member, "__func__", member)
                if isinstance(function, property):
                    function = function.fget
                if (
                    isinstance(function, types.FunctionType)
                    and function.__module__ == home
                ):
                    function.__module__ = package
        obj.__module__ = package
