"""Report text reads as an evaluator writes it: no Python values, numbers as written.

Every report format in both languages, the explain traces and the ledger's
reasons are rendered for every catalog scheme (with its bundled data, or data
drawn for it) and for generated schemes of every rule kind, and searched for
what only a program would write: ``{'``, ``('``, ``['``, ``None``,
``True``/``False``, a float with all its digits, ``datetime.date(``, an ISO
deadline.  Text the user wrote (names, reasons, actuals given as text) is
taken out first: it is data and stays as written.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi import Data, Evaluation, Node, Proportional, Scheme, catalog, evaluate
from perfkpi.plan import effective_rule
from perfkpi.report import FORMATS, LANGS, Format, Kind, Signature, render
from perfkpi.rules import (
    RULE_KINDS,
    AllOrNothing,
    Categorical,
    Checklist,
    Deadline,
    Qualitative,
)
from perfkpi.testing import data_for, schemes

REPRS = {
    "a dict": re.compile(r"\{'"),
    "a tuple": re.compile(r"\('"),
    "a list": re.compile(r"\[(?:'|-?\d+(?:\.\d+)?, )"),
    "None, True or False": re.compile(r"\b(?:None|True|False)\b"),
    "an unrounded float": re.compile(r"\d\.\d{11,}"),
    "a date object": re.compile(r"datetime|Timestamp\(|numpy\.|np\.|FrozenDict"),
    "an ISO deadline": re.compile(r"[≤≥<>]=?\d{4}-\d\d-\d\d"),
    "a NaN": re.compile(r"\bnan\b"),
}

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


# -- what the user wrote ----------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):  # its keys are field names or codes
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _user_text(ev: Evaluation) -> list[str]:
    """Every text of the scheme and the data, longest first."""
    scheme, data = ev.scheme, ev.data
    found = {scheme.id, scheme.name, data.entity, data.period, ev.grade}
    found |= {b.label for b in scheme.grades.bands} | {scheme.grades.below}
    for node in scheme.nodes:
        found |= {node.name, node.category, node.note}
        rule = scheme.rule(node.code)
        if isinstance(rule, Categorical):  # the scheme's own labels
            found |= set(rule.scores)
        if isinstance(rule, Checklist):
            found |= set(rule.items)
    for f in data.findings:
        found |= {f.reason, f.category}
    for i in data.items:
        found |= {i.name, i.category, i.note, *_strings(i.actual)}
    for a in data.adjustments:
        found.add(a.reason)
    found |= set(_strings(dict(data.actuals)))
    # a number or a single letter or digit would take perfkpi's own text with
    # it; a single other character (良, 是, a quote) is the user's
    found = {s.strip() for s in found if not _figure(s.strip())}
    found = {s for s in found if len(s) > 1 or not s.isascii() or not s.isalnum()}
    return sorted(found, key=len, reverse=True)


def _figure(text: str) -> bool:
    return re.fullmatch(r"[\d\s.,%+-]*", text) is not None


def _spellings(text: str) -> set[str]:
    from perfkpi.report import _line, _md_escape

    one = _line(text)
    return {
        text,
        one,
        one.strip(),
        html.escape(one),
        html.escape(one.strip()),
        _md_escape(text),
        json.dumps(text, ensure_ascii=False)[1:-1],
    }


def _without_user_text(out: str, ev: Evaluation) -> str:
    for text in _user_text(ev):
        for spelling in sorted(_spellings(text), key=len, reverse=True):
            if spelling:
                out = out.replace(spelling, "§")
    return out


# -- what perfkpi wrote -------------------------------------------------------------


def _json_prose(page: str) -> str:
    """The sentences of a JSON report: reasons and actuals (targets are data)."""
    plain = json.loads(page)
    lines = [str(i["actual"]) for i in plain["items"]]
    lines += plain["report"]["problems"]
    for node in plain["nodes"]:
        lines += [d["reason"] for d in node["deductions"]]
        if "actual" in node:
            lines.append(str(node["actual"]))
    return "\n".join(lines)


# every kind of report; the others signed with a date and lines to write on
KINDS: tuple[Kind, ...] = ("self", "department", "finance", "third-party")
SIGNED = Signature(date=dt.date(2023, 5, 31))


def _texts(ev: Evaluation) -> Iterator[tuple[str, str]]:
    """Every text perfkpi writes about *ev*, with where it comes from."""
    for lang in LANGS:
        for format in FORMATS:  # noqa: A001 (the report's own word)
            page = render(ev, format=format, lang=lang)
            yield f"{format} {lang}", _json_prose(page) if format == "json" else page
        # the other kinds word the opening, the scores and the kind line
        # differently (Markdown and JSON share the text's sentences), signed
        for kind in KINDS[1:]:
            for format in ("text", "html"):  # noqa: A001
                page = render(ev, format=format, lang=lang, kind=kind, signature=SIGNED)
                yield f"{format} {lang} {kind}", page
        for node in ev.scheme.ordered():
            yield f"explain {node.code} {lang}", str(ev.explain(node.code, lang=lang))
        yield f"explain total {lang}", str(ev.explain("total", lang=lang))
    yield "ledger", "\n".join(d.reason for d in ev.deductions)


def _reprs(ev: Evaluation) -> list[str]:
    """Return each line of *ev*'s texts that holds a Python value, saying which."""
    bad = []
    for where, text in _texts(ev):
        for line in _without_user_text(text, ev).splitlines():
            for what, pattern in REPRS.items():
                if pattern.search(line):
                    bad.append(f"{where}: {what}: {line.strip()[:200]}")
    return bad


def _chinese_in_english(ev: Evaluation) -> list[str]:
    """Return the lines of *ev*'s English texts with Chinese that perfkpi wrote."""
    texts = [render(ev, format=f, lang="en") for f in ("text", "markdown", "html")]
    texts += [render(ev, lang="en", kind=k, signature=SIGNED) for k in KINDS[1:]]
    texts += [str(ev.explain(n.code, lang="en")) for n in ev.scheme.ordered()]
    texts.append(str(ev.explain("total", lang="en")))
    return [
        line
        for text in texts
        for line in _without_user_text(text, ev).splitlines()
        if CJK.search(line)
    ]


def _evaluate(scheme: Scheme, data: Data) -> Evaluation:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # drawn values may read two ways
        return evaluate(scheme, data)


# -- the catalog ------------------------------------------------------------------

BUNDLED = {catalog.scheme_of(d): d for d in catalog.datasets()}


@pytest.mark.parametrize("scheme_id", sorted(BUNDLED))
def test_catalog_with_its_data_has_no_python_values(scheme_id: str) -> None:
    ev = evaluate(catalog.scheme(scheme_id), catalog.data(BUNDLED[scheme_id]))
    assert ev.deductions  # there is something to word
    assert _reprs(ev) == []


@pytest.mark.parametrize(
    "scheme_id", sorted(set(catalog.schemes()) - set(BUNDLED)) or ["none"]
)
def test_catalog_with_drawn_data_has_no_python_values(scheme_id: str) -> None:
    if scheme_id == "none":
        pytest.skip("every catalog scheme has bundled data")
    scheme = catalog.scheme(scheme_id)

    @settings(
        max_examples=3,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data_for(scheme))
    def check(data: Data) -> None:
        assert _reprs(_evaluate(scheme, data)) == []

    check()


# -- generated schemes, one rule kind at a time -------------------------------------

# the kinds a drawn scheme needs beside the one looked at
WITH = {
    "sum": {"proportional"},
    "mean": {"proportional"},
    "per-unmet": {"deduct"},
    "shortfall": {"deduct"},
    "grade": {"weakest-link", "proportional"},
    "weakest-link": {"grade", "proportional"},
    "grade-table": {"grade", "proportional"},
}


def _kinds(ev: Evaluation) -> set[str]:
    out = set()
    for node in ev.scheme.nodes:
        for rule in (ev.scheme.rule(node.code), effective_rule(ev.scheme, node.code)):
            if rule is not None:
                out.add(rule.kind)
    return out


@pytest.mark.parametrize("kind", sorted(RULE_KINDS))
def test_generated_schemes_have_no_python_values(kind: str) -> None:
    seen = []

    @settings(
        max_examples=6,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def check(draw: st.DataObject) -> None:
        with warnings.catch_warnings():
            # a drawn geometric mean may be rounded at each node: warned of
            warnings.simplefilter("ignore")
            scheme = draw.draw(
                schemes(kinds={kind, *WITH.get(kind, ())}, max_depth=2, max_children=3)
            )
        ev = _evaluate(scheme, draw.draw(data_for(scheme)))
        seen.append(kind in _kinds(ev))
        assert _reprs(ev) == []
        assert _chinese_in_english(ev) == []

    check()
    assert any(seen), f"no drawn scheme used {kind!r}"


def test_the_patterns_catch_what_they_name() -> None:
    # each pattern against the Python value it is there to catch
    for value in (
        {"tier": "达成年度指标", "score": 3.5},
        ("符合法律法规和发展规划", "程序规范"),
        ["a", "b"],
        [1.5, 2],
        None,
        True,
        39.93530133766045,
        dt.date(2023, 12, 15),
        float("nan"),
    ):
        assert any(p.search(repr(value)) for p in REPRS.values()), value
    assert REPRS["an ISO deadline"].search("≤2023-11-30")
    for fine in ("≥99%", "[90%,110%]", "2023年11月30日前", "0.2527075812", "第1名"):
        assert not any(p.search(fine) for p in REPRS.values()), fine


# -- each value kind, worded ----------------------------------------------------------


def _one(node: Node, actual: object) -> Evaluation:
    scheme = Scheme.from_nodes("t", "测试方案", [node], points=node.points or 0)
    return evaluate(scheme, {node.code: actual})


def test_qualitative_tier_and_score() -> None:
    # tier 达成年度指标 is the band [0.8 × 4, 4] = [3.2, 4]: 3.5 is in it, 0.5 off
    ev = _one(
        Node("1", "时效指标", points=4, rule=Qualitative()),
        {
            "tier": "达成年度指标",
            "score": 3.5,
        },
    )
    (d,) = ev.deductions
    assert d.points == 0.5
    assert d.reason == "时效指标：评价为达成年度指标，得3.5分（满分4分），扣0.5分"
    assert "达成年度指标，得3.5分" in render(ev, format="markdown")
    en = render(ev, lang="en")
    assert "annual target achieved (3.5 points), out of 4; 0.5 points off" in en


def test_checklist_present_and_missing() -> None:
    rule = Checklist(per=1, items=("制度健全", "执行有效", "档案完整"))
    # two of three present at 1 point each: 2 of 3, 1 off
    ev = _one(
        Node("1", "管理制度健全性", points=3, rule=rule), ["制度健全", "执行有效"]
    )
    (d,) = ev.deductions
    assert (d.points, ev.score("1")) == (1, 2)
    assert "具备2项（制度健全、执行有效），缺1项（档案完整）" in d.reason
    assert "2 present (制度健全, 执行有效), 1 missing (档案完整)" in render(
        ev, lang="en"
    )


def test_late_deadline() -> None:
    node = Node(
        "1", "系统上线", points=10, target="2023年11月30日前", rule=Deadline(per=0.5)
    )
    # 1 to 15 December is 15 days late; 15 × 0.5 = 7.5 off, 2.5 left
    ev = _one(node, dt.date(2023, 12, 15))
    (d,) = ev.deductions
    assert (d.points, ev.score("1")) == (7.5, 2.5)
    assert "2023年12月15日完成，晚于2023年11月30日（逾期15天）" in d.reason
    assert "done on 15 Dec 2023, 15 days after the deadline of 30 Nov 2023" in (
        render(ev, lang="en")
    )
    trace = str(ev.explain("1"))
    assert "2023年11月30日前" in trace
    assert "≤2023-11-30" not in trace
    assert "by 30 Nov 2023" in str(ev.explain("1", lang="en"))


def test_rates_are_rounded_in_sentences() -> None:
    node = Node("1", "预算执行率", points=10, target="≥40%", rule=Proportional())
    # 10 × 39.93530133766045 / 40 = 9.98; the rate is written with 2 places
    ev = _one(node, 39.93530133766045)
    for lang in LANGS:
        for format in ("text", "markdown", "html"):  # noqa: A001
            page = render(ev, format=format, lang=lang)
            assert "39.94%" in page
            assert "39.9353" not in page
    assert "39.94%" in ev.deductions[0].reason


def test_a_rate_is_not_rounded_onto_its_target() -> None:
    node = Node("1", "网上立案率", points=10, target="≥100%", rule=AllOrNothing())
    # 99.996 misses ≥100% and scores 0; with 2 places it would read 100%, which
    # meets the target: a third place tells them apart
    ev = _one(node, 99.996)
    assert ev.score("1") == 0
    assert "实际99.996%" in ev.deductions[0].reason


def test_a_scheme_with_more_places_keeps_them() -> None:
    node = Node("1", "预算执行率", points=10, target="≥40%", rule=Proportional())
    scheme = Scheme.from_nodes(
        "t", "t", [node], points=10, rounding=perfkpi.Rounding(places=4)
    )
    ev = evaluate(scheme, {"1": 39.93530133766045})
    assert "39.9353%" in ev.deductions[0].reason


# -- English -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Evaluation:
    return evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )


@pytest.mark.parametrize("format", ["text", "markdown", "html", "json"])
def test_english_seed_report_has_no_chinese_of_its_own(
    seed: Evaluation,
    format: Format,  # noqa: A002 (the report's own word)
) -> None:
    page = render(seed, format=format, lang="en")
    if format == "json":
        page = _json_prose(page)
    left = [
        line for line in _without_user_text(page, seed).splitlines() if CJK.search(line)
    ]
    assert left == []


def test_english_seed_traces_have_no_chinese_of_their_own(seed: Evaluation) -> None:
    for node in seed.scheme.ordered():
        trace = str(seed.explain(node.code, lang="en"))
        left = [
            line
            for line in _without_user_text(trace, seed).splitlines()
            if CJK.search(line)
        ]
        assert left == [], node.code


def test_english_demo_from_the_command_line(
    seed: Evaluation, capsys: pytest.CaptureFixture[str]
) -> None:
    from perfkpi.cli import main

    for args in (
        ["demo", "--lang", "en"],
        ["demo", "--format", "markdown", "--lang", "en"],
    ):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "grade 良 (good)" in out
        left = [
            line
            for line in _without_user_text(out, seed).splitlines()
            if CJK.search(line)
        ]
        assert left == [], args


def test_the_check_finds_chinese_that_perfkpi_wrote(seed: Evaluation) -> None:
    # the seed's opening in Chinese is perfkpi's own sentence: it must be caught
    zh = render(seed, lang="zh")
    assert CJK.search(_without_user_text(zh, seed))


# -- the Excel score card -----------------------------------------------------------


def test_score_card_targets_in_words_read_back(tmp_path: Path) -> None:
    from perfkpi.excel import EditedWorkbookWarning, read_excel, write_excel

    nodes = [
        Node("1", "系统上线", points=10, target="≤2023-11-30", rule=Deadline(per=0.5)),
        Node("2", "偏差率", points=10, target="[90%,110%]", rule=AllOrNothing()),
        Node("3", "排名", points=10, target="≤全市第3名", rule=AllOrNothing()),
        Node("4", "评级", points=10, target="≤良", rule=AllOrNothing()),
        Node("5", "执行率", points=10, target="≥99%", rule=AllOrNothing()),
    ]
    scheme = Scheme.from_nodes("t", "t", nodes, points=50)
    actuals = {
        "1": "2023年12月5日",
        "2": "95%",
        "3": "全市第2名",
        "4": "中",
        "5": "99.5%",
    }
    written = tmp_path / "card.xlsx"
    write_excel(evaluate(scheme, actuals), written)
    book = openpyxl.load_workbook(written)
    sheet = book.worksheets[0]
    # the 指标值 column, as a Chinese score card writes targets
    column = [row[5] for row in sheet.iter_rows(min_row=3, max_row=7, values_only=True)]
    assert column == ["2023年11月30日前", "90%至110%", "全市前3名", "良及以下", "≥99%"]
    # an edited card is read from its cells: the words read back as the targets
    sheet.cell(row=sheet.max_row + 2, column=1, value="复核意见")
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    with pytest.warns(EditedWorkbookWarning):
        back = read_excel(edited)
    assert [n.target for n in back.scheme.nodes] == [n.target for n in nodes]
