"""Let a lower layer call into a higher one without importing it.

perfkpi's modules stand in layers (see the design page): values, scoring, files
and the library, analysis and output.  A few conveniences reach upwards —
``Evaluation.report()`` renders with :mod:`perfkpi.report`, a scheme file that
names a library indicator asks :mod:`perfkpi.catalog`, ``load_data`` of an
``.xlsx`` reads it with :mod:`perfkpi.excel`.  The lower module calls the hook by
name; the package's ``__init__`` (the one place that sees every layer) provides
it when perfkpi is imported.  Importing any ``perfkpi.x`` imports the package
first, so every hook is provided before it can be called.

Examples
--------
>>> from perfkpi import _hooks
>>> _hooks.provide("shout", str.upper)
>>> _hooks.call("shout", "优")
'优'
>>> _hooks.call("whisper")
Traceback (most recent call last):
RuntimeError: nothing provides 'whisper': import perfkpi, not one of its files alone
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["call", "provide", "provided"]

_PROVIDERS: dict[str, Callable[..., Any]] = {}


def provide(name: str, function: Callable[..., Any]) -> None:
    """Make *function* the provider of the hook *name* (replacing any before)."""
    _PROVIDERS[name] = function


def provided(name: str) -> bool:
    """Return whether the hook *name* has a provider."""
    return name in _PROVIDERS


def call(name: str, /, *args: Any, **kwargs: Any) -> Any:  # noqa: ANN401 (the provider's)
    """Call the provider of the hook *name* with *args* and *kwargs*.

    Raises
    ------
    RuntimeError
        If nothing provides *name*: perfkpi was not imported as a package.
    """
    try:
        function = _PROVIDERS[name]
    except KeyError:
        msg = f"nothing provides {name!r}: import perfkpi, not one of its files alone"
        raise RuntimeError(msg) from None
    return function(*args, **kwargs)
