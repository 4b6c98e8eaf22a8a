"""Read and write schemes and entity data as TOML and JSON files.

A scheme file is a ``[scheme]`` table and a flat list of ``[[node]]`` tables
linked by parent codes; a data file holds one entity's actuals, raw inputs,
findings, items, adjustments and not-applicable markers.  Both are plain data:
nothing in a file is executed, rules are named by their kind and built by
:func:`perfkpi.rules.rule_from_dict`, targets are text read by
:func:`~perfkpi.targets.parse_target`, formulas are read by
:mod:`perfkpi.formulas`.

Loading reports every problem of a file at once, each with the file, the line
(where the format gives one), the node code and what was expected::

    scheme.toml:42: node 1.2

Only regular files are read (never a FIFO or a device), at most
:data:`MAX_FILE_BYTES` bytes of them (:data:`MAX_SCHEME_BYTES` of a scheme), and
at most :data:`MAX_PROBLEMS` problems are listed.  Files over that, documents
nested deeper than
:data:`MAX_NESTING` and trees deeper than :data:`MAX_TREE_DEPTH` are refused
with a clear message.  :func:`dump_scheme` writes a scheme back; loading what
it writes gives an equal scheme.  See :doc:`/file-format`.

Examples
--------
>>> import perfkpi
>>> from perfkpi.files import dump_scheme, scheme_from_text
>>> scheme = perfkpi.catalog.scheme("gz-dept-overall")
>>> text = dump_scheme(scheme)
>>> for line in text.splitlines()[:3]:
...     print(line)
[scheme]
id = "gz-dept-overall"
name = "广州市市级部门整体支出绩效自评"
>>> scheme_from_text(text, format="toml") == scheme
True
"""

from __future__ import annotations

import json
from typing import Any, Literal

from perfkpi import _public
from perfkpi._io import open_regular
from perfkpi.files._data import data_from_dict, data_from_text, load_data
from perfkpi.files._indicators import indicator_from_dict, indicator_to_dict
from perfkpi.files._locate import _JSON_STRINGS as _JSON_STRINGS
from perfkpi.files._locate import _TOML_STRINGS as _TOML_STRINGS
from perfkpi.files._locate import _nesting as _nesting
from perfkpi.files._locate import _unclosed as _unclosed
from perfkpi.files._read import Format as Format
from perfkpi.files._read import read_document, read_limited
from perfkpi.files._scheme import load_scheme, scheme_from_dict, scheme_from_text
from perfkpi.files._toml import to_toml
from perfkpi.files._write import data_to_dict, dump_data, dump_scheme, scheme_to_dict

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_NESTING",
    "MAX_PROBLEMS",
    "MAX_SCHEME_BYTES",
    "MAX_TREE_DEPTH",
    "data_from_dict",
    "data_from_text",
    "data_to_dict",
    "dump_data",
    "dump_scheme",
    "indicator_from_dict",
    "indicator_to_dict",
    "json_schema",
    "load_data",
    "load_scheme",
    "open_regular",
    "read_document",
    "read_limited",
    "scheme_from_dict",
    "scheme_from_text",
    "scheme_to_dict",
    "to_toml",
]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this are refused before they are parsed."""

# documented and named in tracebacks as perfkpi.files.X, where they began
open_regular.__module__ = __name__

MAX_SCHEME_BYTES = 256 * 1024
"""Scheme files (and scheme text) larger than this, in UTF-8 bytes, are refused.

A province-wide scheme of a few hundred nodes is tens of KiB; the limit keeps the
answer to any scheme file, good or hostile, under a second.
"""

MAX_NESTING = 32
"""The deepest nesting of arrays and tables a file may have."""

MAX_PROBLEMS = 100
"""The most problems of one file listed; the error's message counts the rest."""

MAX_TREE_DEPTH = 32
"""The most levels a scheme's tree may have (a first-level node is level 1)."""


# -- the JSON Schema ----------------------------------------------------------------


def json_schema(kind: Literal["scheme", "data"] = "scheme") -> dict[str, Any]:
    """Return the JSON Schema of scheme files (or of data files), as shipped.

    The schemas are files in the package, ``perfkpi/schema/scheme.schema.json``
    and ``perfkpi/schema/data.schema.json``; editors and CI can validate files
    with them.  They describe the shape of a file; the loader checks more
    (targets, rule parameters, the tree).

    Raises
    ------
    ValueError
        For a *kind* other than ``"scheme"`` or ``"data"`` (never read as a
        path).

    Examples
    --------
    >>> from perfkpi.files import json_schema
    >>> json_schema()["title"]
    'perfkpi scheme file'
    """
    from importlib import resources  # noqa: PLC0415

    if kind not in ("scheme", "data"):  # never a path joined as given
        msg = f"kind must be 'scheme' or 'data' (got {kind!r})"
        raise ValueError(msg)
    text = (
        resources.files("perfkpi")
        .joinpath(f"schema/{kind}.schema.json")
        .read_text("utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    return schema


# The code lives in private modules (_locate, _read, _problems, _indicators,
# _scheme, _data, _write, _toml); its public names present themselves as
# perfkpi.files.X, where they are documented, pickled and named in tracebacks.
# The private modules read the MAX_* limits from this module when they run, so
# setting perfkpi.files.MAX_PROBLEMS (say) changes what they do.
_public.adopt(__name__, globals(), __all__)
