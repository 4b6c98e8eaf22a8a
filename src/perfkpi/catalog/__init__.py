"""The core indicator library (核心绩效指标库) and the standard schemes, as data.

Everything here is a data file in the package: the indicators, each a
:class:`Record` with its source, and their taxonomies in ``indicators.toml``,
the standard schemes under ``schemes/`` and example data sets under ``data/``.
Look an indicator up by its code, Chinese name or an alias, find one with
:func:`search`, and a scheme by its id.

Examples
--------
>>> from perfkpi import catalog
>>> rate = catalog.indicator("预算执行率")
>>> rate.formula, rate.unit, rate.category
('实际支出 / 预算数', '%', ('过程', '预算执行'))
>>> catalog.indicator("sme-procurement-share").name
'中小企业采购份额'
>>> len(catalog.records()) >= 60
True
>>> catalog.record("预算执行率").source.startswith("财预〔2020〕10号")
True
>>> [r.name for r in catalog.search("执行")][:2]
['预算执行率', '政府采购执行率']
>>> catalog.schemes()[:2]
('cn-project-2020', 'cn-project-eval-2020')
>>> catalog.scheme("gz-dept-overall").name
'广州市市级部门整体支出绩效自评'
"""

from __future__ import annotations

from perfkpi import _public
from perfkpi.catalog._bundled import (
    data,
    data_path,
    datasets,
    scheme,
    scheme_of,
    scheme_path,
    schemes,
)
from perfkpi.catalog._library import _key as _key
from perfkpi.catalog._library import _library as _library
from perfkpi.catalog._library import _library_from as _library_from
from perfkpi.catalog._library import (
    families,
    indicator,
    indicator_table,
    indicators,
    record,
    records,
    suggest,
    taxonomies,
    taxonomy,
    taxonomy_of,
)
from perfkpi.catalog._records import ASSUMABLE as _ASSUMABLE
from perfkpi.catalog._records import EVIDENCE as _EVIDENCE
from perfkpi.catalog._records import NATURES as _NATURES
from perfkpi.catalog._records import Family, Record, Taxonomy
from perfkpi.catalog._search import SEARCH_FIELDS as _SEARCH_FIELDS
from perfkpi.catalog._search import _hits as _hits
from perfkpi.catalog._search import search, search_schemes

__all__ = [
    "ASSUMABLE",
    "EVIDENCE",
    "NATURES",
    "SEARCH_FIELDS",
    "Family",
    "Record",
    "Taxonomy",
    "data",
    "data_path",
    "datasets",
    "families",
    "indicator",
    "indicator_table",
    "indicators",
    "record",
    "records",
    "scheme",
    "scheme_of",
    "scheme_path",
    "schemes",
    "search",
    "search_schemes",
    "suggest",
    "taxonomies",
    "taxonomy",
    "taxonomy_of",
]


# the documented constants, with their docstrings (the code reads them where
# they are defined)
NATURES = _NATURES
"""The 指标性质 of a record: higher is better, lower is better, equal, qualitative."""

EVIDENCE = _EVIDENCE
"""How a record's source was seen.

``text``: read in the published text; ``form``: read in a published form or
report; ``code``: read in a finance ministry's scoring code; ``recalled``: the
document and article are named from memory of the published rule and are to
be checked against its text before they are quoted.
"""

ASSUMABLE = _ASSUMABLE
"""The fields of a record that may be marked assumed (inferred, not read)."""

SEARCH_FIELDS = _SEARCH_FIELDS
"""The fields :func:`search` looks in, in the order they rank."""


# The code lives in private modules (_records, _library, _search, _bundled); its
# public names present themselves as perfkpi.catalog.X, where they are
# documented, pickled and named in tracebacks.
_public.adopt(__name__, globals(), __all__)
