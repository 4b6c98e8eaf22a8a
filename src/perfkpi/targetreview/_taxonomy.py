"""Choosing the taxonomy a declared set follows and classing each indicator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from perfkpi.targetreview._checklist import _MONEY_CLASSES, _MONEY_NAME, _NAMED_CLASSES
from perfkpi.targetreview._declared import _Raw, _record_of

# -- classes ------------------------------------------------------------------------


def _classify(
    raws: Sequence[_Raw], taxonomy: str | None
) -> tuple[str, list[tuple[str, ...]], list[bool]]:
    from perfkpi import catalog  # noqa: PLC0415 (the catalog loads files)

    records = [_record_of(r.name, r.indicator) for r in raws]
    declared = {r.category[0] for r in raws if r.category}
    if taxonomy is None and declared:
        # a 申报表 says its classes: the taxonomy whose classes it uses
        fits = {
            t: len(declared & set(catalog.taxonomy(t).classes))
            for t in catalog.taxonomies()
        }
        most = max(fits.values(), default=0)
        taxonomy = next(
            (t for t in catalog.taxonomies() if most and fits[t] == most), None
        )
    if taxonomy is None:
        counts = Counter(rec.taxonomy for rec in records if rec is not None)
        order = catalog.taxonomies()
        # the classes the set names itself (产出指标, 效益指标 …) come first:
        # one library indicator must not pull the set into another framework
        texts = [t for r in raws for t in r.context]
        named = {
            t: sum(1 for c in catalog.taxonomy(t).classes if any(c in x for x in texts))
            for t in order
        }
        key = {
            t: (named[t] if named[t] >= _NAMED_CLASSES else 0, counts[t]) for t in order
        }
        best = max(key.values(), default=(0, 0))
        taxonomy = next((t for t in order if best != (0, 0) and key[t] == best), "")
    firsts = tuple(catalog.taxonomy(taxonomy).classes) if taxonomy else ()
    classes: list[tuple[str, ...]] = []
    money: list[bool] = []
    for raw, rec in zip(raws, records, strict=True):
        category: tuple[str, ...] = ()
        if raw.category:
            category = raw.category
        elif rec is not None:
            category = rec.indicator.category
        elif raw.indicator is not None and raw.indicator.category:
            category = raw.indicator.category
        else:
            category = next(
                (
                    (c,)
                    for text in (raw.name, *raw.context)
                    for c in firsts
                    if c in text
                ),
                (),
            )
        classes.append(category)
        own = (
            rec.indicator.category
            if rec is not None
            else raw.indicator.category
            if raw.indicator is not None
            else ()
        )
        if own:
            money.append(tuple(own[:2]) in _MONEY_CLASSES)
        else:
            money.append(_MONEY_NAME.search(raw.name) is not None)
    return taxonomy, classes, money
