"""The JSON report."""

from __future__ import annotations

from typing import Any

from perfkpi.evaluation import Evaluation
from perfkpi.report._narrative import _actual, _reason_text
from perfkpi.report._sections import _problems
from perfkpi.report._signature import _Ask

# -- JSON ----------------------------------------------------------------------


def _plain(ev: Evaluation, ask: _Ask) -> dict[str, Any]:
    """Return :meth:`Evaluation.to_dict`, its sentences and actuals in *lang*.

    Targets stay in their canonical form (data that reads back); the reasons
    of computed deductions and the actuals are worded in *lang*.  The key
    ``report`` holds what the other formats write besides: the kind, the
    problems found and the signature block.
    """
    lang = ask.lang
    out = ev.to_dict()
    sig = ask.signature
    out["report"] = {
        "kind": ask.kind,
        "problems": _problems(ev, ask),
        "signature": None
        if sig is None
        else {
            "unit": sig.unit,
            "evaluator": sig.evaluator,
            "date": None if sig.date is None else sig.date.isoformat(),
        },
    }
    if lang == "zh":
        return out
    for entry in (*out["nodes"], *out["items"]):
        node = ev.scheme.node(entry["code"])
        if "actual" in entry:
            entry["actual"] = _actual(ev, node, lang)
        for plain, d in zip(
            entry.get("deductions", ()), ev.deductions_of(node.code), strict=True
        ):
            plain["reason"] = _reason_text(ev, d, lang)
    return out
