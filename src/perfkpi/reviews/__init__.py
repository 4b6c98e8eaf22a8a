"""复核: re-score a whole stack of submitted self-evaluations in one call.

Each spring a finance bureau receives the self-evaluation sheets (绩效自评表)
of every department it funds and reviews them (复核): recomputes each score,
finds where the stated figures and the rules disagree, and ranks departments
by what was found.  :func:`review` does this for a folder of submitted
workbooks (``.xlsx``) and stated-figures files (``.toml`` / ``.json``, see
:doc:`/checks`):

- each workbook is read (:func:`perfkpi.excel.read_excel`) and recomputed by
  the bureau's scheme; every 得分, 扣分, 合计 and 等级 the sheet states is
  compared with the recomputation (:func:`perfkpi.excel.differences`), and
  every row whose 指标名称, 分值 or 指标值 is not the scheme's is listed too;
- each stated-figures file is checked for its arithmetic
  (:func:`perfkpi.check.check_report`);
- a file that cannot be read, or whose figures cannot be scored, becomes a
  row with its error: the review never stops half-way;
- the warnings a file raises (hidden rows, a value that reads two ways, an
  edited workbook) are kept with its row, not printed.

The result, a :class:`Review`, lists the departments with the largest
discrepancy first; it writes a workbook (:meth:`Review.to_excel`: a summary
sheet, a sheet of every discrepancy and one scored sheet per department), an
HTML page (:meth:`Review.to_html`), text (:meth:`Review.summary`) and JSON
(:meth:`Review.to_dict`).

Examples
--------
>>> import pathlib, tempfile
>>> import perfkpi
>>> from perfkpi.excel import write_excel
>>> scheme = perfkpi.catalog.scheme("gz-dept-overall")
>>> ev = perfkpi.evaluate(scheme, perfkpi.catalog.data("gz-internet-court-2022"))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_excel(ev, folder / "广州互联网法院.xlsx")
>>> (folder / "某局.xlsx").write_text("not a workbook")
14
>>> result = perfkpi.review(scheme, [folder])
>>> for entry in result.entries:
...     print(entry.department, entry.stated_total, entry.recomputed_total, entry.ok)
某局 None None False
广州互联网法院 88.63 88.63 True
>>> result.entries[0].error
'unsupported file type: not an Excel workbook (.xlsx): not a zip archive'
"""

from __future__ import annotations

from perfkpi import _public
from perfkpi.reviews import _collect
from perfkpi.reviews._collect import review as review
from perfkpi.reviews._records import Discrepancy as Discrepancy
from perfkpi.reviews._records import ReviewEntry as ReviewEntry
from perfkpi.reviews._review import Review as Review

__all__ = [
    "REVIEWED_SUFFIXES",
    "Discrepancy",
    "Review",
    "ReviewEntry",
    "review",
]

REVIEWED_SUFFIXES = _collect.REVIEWED_SUFFIXES
"""The files of a folder that :func:`review` reads.

``.xls`` workbooks are read with the ``xls`` extra (else listed with their
error); ``.xlsm`` ones are listed with their error (save as ``.xlsx``
without macros), so that no submitted workbook is passed over in silence.  Files
whose names start with ``.`` or ``~$`` (the lock files Excel leaves beside an
open workbook) are never read.
"""

# the objects defined in the private modules present themselves as this
# module's, so the reference, reprs and pickles name perfkpi.reviews.Name
_public.adopt(__name__, globals(), __all__)
