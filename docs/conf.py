"""Sphinx configuration for the perfkpi documentation.

Build with ``python -m sphinx -n -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import inspect
import pkgutil
import re
import sys
from importlib.metadata import version as _version
from pathlib import Path

from docutils import nodes
from docutils.nodes import Element, TextElement
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.ext.intersphinx import resolve_reference_any_inventory

import perfkpi

project = "perfkpi"
copyright = "perfkpi contributors"
release = _version("perfkpi")
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.napoleon",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
language = "en"

# -- MyST ----------------------------------------------------------------------
myst_heading_anchors = 3

# -- autodoc and napoleon ------------------------------------------------------
autodoc_member_order = "bysource"
# attrs fields are the public attributes of perfkpi's values; listing them gives
# each one a target, so ``:attr:`Target.unit``` and the like resolve.
autodoc_default_options = {"undoc-members": True}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autosummary_generate = False
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
# "Attributes" sections become field lists; the attributes themselves are
# documented once, by autodoc (see undoc-members above).
napoleon_use_ivar = True

# -- intersphinx ---------------------------------------------------------------
# Builds never use the network: each project's inventory is a small file in
# _inventories/, listing the objects these pages refer to, written by
# _inventories/build.py (which says how to check it against the real one).
intersphinx_mapping = {
    "python": ("https://docs.python.org/3/", "_inventories/python.inv"),
    "numpy": ("https://numpy.org/doc/stable/", "_inventories/numpy.inv"),
    "attrs": ("https://www.attrs.org/en/stable/", "_inventories/attrs.inv"),
    "hypothesis": (
        "https://hypothesis.readthedocs.io/en/latest/",
        "_inventories/hypothesis.inv",
    ),
}
# numpy.typing.ArrayLike is shown by its name rather than as the union it stands for
autodoc_type_aliases = {"ArrayLike": "numpy.typing.ArrayLike"}

# -- nitpicky references -------------------------------------------------------
nitpick_ignore_regex = [
    # private helper classes named in the annotations of documented fields
    (r"py:class", r"perfkpi\.[\w.]*\._\w+"),
]

# -- HTML ----------------------------------------------------------------------
html_theme = "furo"
html_title = f"perfkpi {release}"


# -- the top-level names in api.md --------------------------------------------
# The list of names exported by ``perfkpi`` is generated from ``perfkpi.__all__``
# so that it cannot fall behind the package.  Each entry links to the object's
# documentation in the module that defines it.
_TOP_LEVEL_MARKER = "<!-- perfkpi.__all__ -->"


def _home(name: str) -> str:
    """Return the module that defines (or, for a constant, exports) ``perfkpi.name``."""
    obj = getattr(perfkpi, name)
    if inspect.ismodule(obj):
        return "perfkpi"
    if inspect.isclass(obj) or inspect.isroutine(obj):
        return str(obj.__module__)
    for module_name, module in sorted(sys.modules.items()):
        if (
            module_name.startswith("perfkpi.")
            and name in getattr(module, "__all__", ())
            and getattr(module, name, None) is obj
        ):
            return module_name
    return "perfkpi"


def _top_level_names(_app: object, docname: str, source: list[str]) -> None:
    if docname != "api":
        return
    # one table per defining module, so that the summaries' own short
    # references (":func:`parse_target`") resolve in their module
    groups: dict[str, list[str]] = {}
    for name in perfkpi.__all__:
        groups.setdefault(_home(name), []).append(name)
    lines = ["```{eval-rst}"]
    for module, names in sorted(groups.items()):
        lines += [f".. rubric:: {module}", "", f".. currentmodule:: {module}", ""]
        lines += [".. autosummary::", "   :nosignatures:", ""]
        lines += [f"   {name}" for name in names]
        lines.append("")
    lines.append("```")
    source[0] = source[0].replace(_TOP_LEVEL_MARKER, "\n".join(lines))


# -- attribute and data docstrings --------------------------------------------
# napoleon reads "text: more text" on the first line of the docstring of an
# attribute, a property or a module constant as "type: description".  perfkpi
# gives types as annotations, never that way, so those docstrings are kept as
# written: they are saved before napoleon runs (priority 500) and put back after.
_AS_WRITTEN: dict[str, list[str]] = {}


def _save_docstring(
    _app: object, what: str, name: str, _obj: object, _opts: object, lines: list[str]
) -> None:
    if what in ("attribute", "data", "property"):
        _AS_WRITTEN[name] = list(lines)


def _restore_docstring(
    _app: object, what: str, name: str, _obj: object, _opts: object, lines: list[str]
) -> None:
    if what in ("attribute", "data", "property") and name in _AS_WRITTEN:
        lines[:] = _AS_WRITTEN.pop(name)


# -- modules not yet placed in the docs -----------------------------------------
# Every public module of perfkpi is documented: those that no page documents
# with an indexed ``automodule`` are added at the end of api.md, so a new module
# is never missing and never documented twice.
_MORE_MODULES_MARKER = "<!-- more modules -->"
_AUTOMODULE = re.compile(r"automodule:: perfkpi\.(\w+)\n((?:[ \t]+:.*\n)*)")


def _more_modules(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname != "api":
        return
    text = source[0]
    pages = "\n".join(
        page.read_text(encoding="utf-8") for page in Path(app.srcdir).glob("*.md")
    )
    names = sorted(
        m.name for m in pkgutil.iter_modules(perfkpi.__path__) if m.name[0] != "_"
    )
    indexed = {
        m.group(1)
        for m in _AUTOMODULE.finditer(pages)
        if ":no-index:" not in m.group(2)
    }
    missing = [n for n in names if n not in indexed]
    block = [
        f"## `perfkpi.{name}`\n\n```{{eval-rst}}\n.. automodule:: perfkpi.{name}\n"
        "   :members:\n```\n"
        for name in missing
    ]
    source[0] = text.replace(_MORE_MODULES_MARKER, "\n".join(block))


# -- references to top-level names ---------------------------------------------
# Objects are documented under the module that defines them, which is also the
# name their annotations carry.  A reference to the top-level name a user types
# (``perfkpi.evaluate``, ``perfkpi.Target.is_met``) is resolved to that place.
def _top_level_reference(
    app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: Element
) -> Element | None:
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("perfkpi."):
        return None
    head, _, rest = target.removeprefix("perfkpi.").partition(".")
    if head not in perfkpi.__all__ or _home(head) == "perfkpi":
        return None
    canonical = ".".join(filter(None, (_home(head), head, rest)))
    domain = env.get_domain("py")
    return domain.resolve_xref(
        env, node["refdoc"], app.builder, node["reftype"], canonical, node, contnode
    )


# -- references to other projects -----------------------------------------------
# Two kinds of reference intersphinx does not resolve as written.  Short names
# some annotations carry stand for numpy's: ``np.ndarray``, and ``ArrayLike``
# where autodoc_type_aliases does not apply.  And a name an inventory lists under
# another type than the role asks for is found under any type: ``:func:`` for
# numpy's ``ufunc.reduceat`` (a method), a class annotation naming
# ``numpy.typing.ArrayLike`` (data).
_SHORT_NAMES = {"ArrayLike": "numpy.typing.ArrayLike"}


def _external_reference(
    _app: Sphinx, env: BuildEnvironment, node: pending_xref, contnode: TextElement
) -> Element | None:
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or target.startswith("perfkpi."):
        return None
    if target.startswith("np."):
        target = "numpy." + target.removeprefix("np.")
    target = _SHORT_NAMES.get(target, target)
    saved = node["reftarget"], node["reftype"]
    node["reftarget"], node["reftype"] = target, "obj"
    try:
        return resolve_reference_any_inventory(env, True, node, contnode)
    finally:
        node["reftarget"], node["reftype"] = saved


# -- doctest blocks -------------------------------------------------------------
# A ```python block of >>> examples ends with a blank line so that doctest knows
# where the expected output stops; the rendered page does not need it.
def _strip_doctest_blank_lines(_app: Sphinx, doctree: nodes.document) -> None:
    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if text.startswith(">>>") and text.endswith("\n"):
            stripped = text.rstrip("\n")
            block.rawsource = stripped
            block[:] = [nodes.Text(stripped)]


def _api_always_outdated(*_args: object) -> list[str]:
    # api.md is generated from the package, which Sphinx does not watch
    return ["api"]


def setup(app: Sphinx) -> None:
    """Register the generated API sections, reference aliases and docstring guard."""
    app.connect("env-get-outdated", _api_always_outdated)
    app.connect("source-read", _top_level_names)
    app.connect("source-read", _more_modules)
    app.connect("missing-reference", _top_level_reference)
    app.connect("missing-reference", _external_reference)
    app.connect("doctree-read", _strip_doctest_blank_lines)
    app.connect("autodoc-process-docstring", _save_docstring, priority=400)
    app.connect("autodoc-process-docstring", _restore_docstring, priority=600)
