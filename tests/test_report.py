"""Reports: the seed's narrative and score card, every format, stand-alone HTML."""

from __future__ import annotations

import html
import html.parser
import io
import json
import re
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi import Data, Deduct, Finding, Node, Proportional, Scheme, evaluate
from perfkpi.cli import main
from perfkpi.report import FORMATS, Lang, ReportError, narrative, render


@pytest.fixture(scope="module")
def seed() -> perfkpi.Evaluation:
    return evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


# -- the seed's narrative, as the self-evaluation report words it -------------------

# Each line is the report's own figure recomputed: 88.63 = 45.98 + 42.65;
# 履职效能 50 − (4 + 0.02) = 45.98; 管理效率 50 − 7.35 = 42.65.
SEED_NARRATIVE_LINES = [
    "2022年度，广州互联网法院绩效自评得分88.63分（满分100分），等级为“良”。具体如下：",
    "1. 履职效能方面，满分50分，自评得分45.98分。",
    "2. 管理效率方面，满分50分，自评得分42.65分。",
    # 按比例: 10 × (1 − 99.8/100) = 0.02
    "   预算资金支出率考核：实际完成值99.8%，未达到指标值≥100%，按比例扣0.02分。",
    "   运行成本考核：公用经费控制率、“三公”经费控制率均达到指标值，不扣分。",
]

# the category subtotals the report states, summed by hand
SEED_SUBTOTALS = [
    "部门整体绩效指标完成情况考核合计扣4分。",  # four unmet × 1
    "绩效管理考核合计扣3.3分。",  # 1.3 + 2
    "采购管理考核合计扣1.05分。",  # 1 + 1 × (1 − 0.95)
]


def test_seed_narrative_lines(seed: perfkpi.Evaluation) -> None:
    lines = narrative(seed).splitlines()
    for expected in SEED_NARRATIVE_LINES:
        assert expected in lines


def test_seed_narrative_states_the_three_scores(seed: perfkpi.Evaluation) -> None:
    text = narrative(seed)
    for figure in ("88.63", "45.98", "42.65"):
        assert figure in text


def test_seed_narrative_subtotals(seed: perfkpi.Evaluation) -> None:
    text = narrative(seed)
    for expected in SEED_SUBTOTALS:
        assert expected in text


def test_seed_narrative_has_every_deduction_with_its_reason(
    seed: perfkpi.Evaluation,
) -> None:
    text = narrative(seed)
    for d in seed.deductions:
        if d.kind == "finding":
            # the report's reason, verbatim, then its points
            assert f"{d.reason}，扣{d.points:g}分" in text
        else:
            assert d.name in text
            assert f"扣{d.points:g}分" in text


def test_seed_narrative_groups_findings_by_category_in_report_order(
    seed: perfkpi.Evaluation,
) -> None:
    management = narrative(seed).split("2. 管理效率方面")[1]
    heads = [line.strip().split("考核：")[0] for line in management.splitlines()[1:]]
    assert heads == [
        "预算管理",
        "信息公开",
        "绩效管理",
        "采购管理",
        "资产管理",
        "运行成本",
    ]


def test_seed_narrative_english(seed: perfkpi.Evaluation) -> None:
    lines = narrative(seed, lang="en").splitlines()
    assert lines[0] == (
        "广州互联网法院 scored 88.63 of 100 points in its self-evaluation for 2022 "
        "(广州市市级部门整体支出绩效自评), grade 良 (good)."
    )
    assert "1. 履职效能: 45.98 of 50 points." in lines
    assert "2. 管理效率: 42.65 of 50 points." in lines
    assert any("3.3 points off in all." in line for line in lines)


# -- the score card --------------------------------------------------------------------

# node, full points, score, points lost (full − score)
SEED_CARD = [
    ("1", "履职效能", "50.00", "45.98", "4.02"),
    ("1.1", "\u3000部门整体绩效指标完成情况", "40.00", "36.00", "4.00"),
    ("1.2", "\u3000预算资金支出率", "10.00", "9.98", "0.02"),
    ("2", "管理效率", "50.00", "42.65", "7.35"),
]


@pytest.mark.parametrize(("code", "name", "points", "score", "lost"), SEED_CARD)
def test_markdown_score_card_rows(
    seed: perfkpi.Evaluation,
    code: str,
    name: str,
    points: str,
    score: str,
    lost: str,
) -> None:
    text = seed.report(format="markdown")
    assert f"| {code} | {name} | {points} | {score} | {lost} |" in text


def test_markdown_total_row(seed: perfkpi.Evaluation) -> None:
    # 100 − 88.63 = 11.37
    text = seed.report(format="markdown")
    assert "| | **总分** | 100.00 | **88.63** | 11.37 | |" in text


def test_markdown_reasons_in_the_card(seed: perfkpi.Evaluation) -> None:
    text = seed.report(format="markdown")
    row = next(line for line in text.splitlines() if line.startswith("| 2 |"))
    assert "−2 绩效目标编制过程中曾申请市财政局回退修改" in row
    assert "−1.3 绩效管理制度中缺少绩效评价结果应用的内容" in row


def test_text_card_total_line(seed: perfkpi.Evaluation) -> None:
    text = seed.report(format="text")
    total = next(
        line for line in text.splitlines() if "总分" in line and "100.00" in line
    )
    assert total.split() == ["总分", "100.00", "88.63", "11.37"]


def test_json_is_to_dict(seed: perfkpi.Evaluation) -> None:
    plain = json.loads(seed.report(format="json"))
    # what the other formats write besides the data: kind, problems, signature
    report = plain.pop("report")
    assert plain == seed.to_dict()
    assert report["kind"] == "self"
    assert report["signature"] is None
    assert len(report["problems"]) == 12  # 6 unmet + 6 findings


# -- HTML: one self-contained, printable file -----------------------------------------


class _TagBalance(html.parser.HTMLParser):
    VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def _parse(page: str) -> _TagBalance:
    parser = _TagBalance()
    parser.feed(page)
    parser.close()
    return parser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_self_contained(seed: perfkpi.Evaluation, lang: Lang) -> None:
    page = seed.report(format="html", lang=lang)
    parsed = _parse(page)
    assert parsed.problems == []
    assert parsed.stack == []
    # no script, no external stylesheet, image or font: nothing to fetch
    assert not parsed.tags & {"script", "link", "img", "iframe", "object"}
    assert not any(name in ("src", "href") for name, _ in parsed.attrs)
    assert "url(" not in page
    assert "@import" not in page
    assert "@media print" in page
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page


def test_html_states_the_figures_and_reasons(seed: perfkpi.Evaluation) -> None:
    page = seed.report(format="html")
    for figure in ("88.63", "45.98", "42.65", "11.37"):
        assert figure in page
    for d in seed.deductions:
        assert html.escape(d.reason) in page
    assert "1. 履职效能方面，满分50分，自评得分45.98分。" in page


def _one_finding(reason: str, category: str = "信息公开") -> perfkpi.Evaluation:
    scheme = Scheme.from_nodes(
        "s",
        "方案 <s>",
        [
            Node("1", "产出", points=60, target="≥100%", rule=Proportional()),
            Node("2", "管理", points=40, rule=Deduct()),
        ],
    )
    data = Data(
        actuals={"1": 90}, findings=[Finding("2", 1.5, reason, category)], entity="A&B"
    )
    return evaluate(scheme, data)


def test_html_escapes_data() -> None:
    ev = _one_finding('<script>alert("x")</script> & 扣分', "a|b")
    page = ev.report(format="html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 扣分" in page
    assert "方案 &lt;s&gt;" in page
    assert "A&amp;B" in page


def test_markdown_escapes_pipes() -> None:
    ev = _one_finding("原因|另一列")
    assert "原因\\|另一列" in ev.report(format="markdown")


def test_small_scheme_by_hand() -> None:
    # 1: 60 × 90/100 = 54 (lost 6); 2: 40 − 1.5 = 38.5; total 92.5, 优
    ev = _one_finding("逾期备案")
    text = narrative(ev)
    assert "绩效自评得分92.50分（满分100分），等级为“优”" in text
    assert "1. 产出方面，满分60分，自评得分54.00分。" in text
    assert "   信息公开考核：逾期备案，扣1.5分。" in text
    md = ev.report(format="markdown")
    assert "| 1 | 产出 | 60.00 | 54.00 | 6.00 |" in md


def test_no_deductions() -> None:
    scheme = Scheme.from_nodes(
        "s",
        "s",
        [
            Node("1", "产出", points=60, target="≥100%", rule=Proportional()),
            Node("2", "管理", points=40, rule=Deduct()),
        ],
    )
    ev = evaluate(scheme, {"1": 100})
    text = narrative(ev)
    assert "绩效自评得分100.00分" in text
    assert "   产出考核：满分60分，不扣分。" in text
    assert "   管理考核：满分40分，不扣分。" in text
    assert "无扣分" in ev.report(format="text")


UNKNOWN = [
    ({"format": "pdf"}, r"unknown report format 'pdf'"),  # not a format we write
    ({"lang": "fr"}, r"unknown report language 'fr'"),  # zh and en only
]


@pytest.mark.parametrize(("kwargs", "message"), UNKNOWN)
def test_unknown_format_or_language(
    seed: perfkpi.Evaluation, kwargs: dict[str, str], message: str
) -> None:
    with pytest.raises(ReportError, match=message):
        render(seed, **kwargs)  # type: ignore[arg-type]


def test_formats_listed() -> None:
    assert set(FORMATS) == {"text", "markdown", "html", "json"}


@given(
    # a finding must say why: blank reasons are refused when it is made
    st.text(min_size=1, max_size=60).filter(lambda s: s.strip()),
    st.text(max_size=10),
    st.integers(min_value=0, max_value=4000).map(lambda n: n / 100),
)
def test_any_reason_renders_escaped_in_every_format(
    reason: str, category: str, points: float
) -> None:
    scheme = Scheme.from_nodes(
        "s", "s", [Node("1", "管理", points=40, rule=Deduct())], points=40
    )
    ev = evaluate(scheme, Data(findings=[Finding("1", points, reason, category)]))
    page = ev.report(format="html")
    parsed = _parse(page)
    assert parsed.problems == []
    assert "script" not in parsed.tags
    # line breaks and control characters read as spaces (see _flat)
    assert html.escape(_flat(reason, strip=False)) in page
    for fmt in ("text", "markdown", "json"):
        assert f"{ev.total:.2f}" in ev.report(format=fmt) or fmt == "json"


def test_not_applicable_nodes_and_items() -> None:
    scheme = Scheme.from_nodes(
        "na",
        "na",
        [
            Node("1", "产出", points=60, rule=perfkpi.Sum()),
            Node(
                "1.1",
                "数量",
                parent="1",
                points=30,
                target="≥100%",
                rule=Proportional(),
            ),
            Node(
                "1.2",
                "质量",
                parent="1",
                points=30,
                target="≥100%",
                rule=Proportional(),
            ),
            Node("2", "管理", points=40, rule=Deduct()),
            Node("2.1", "公开", parent="2", target="是"),
        ],
    )
    ev = evaluate(
        scheme, Data(actuals={"1.1": 90, "2.1": "是"}, not_applicable=["1.2"])
    )
    text = narrative(ev)
    assert "   质量考核：不适用，不计分。" in text
    md = ev.report(format="markdown")
    assert "| 1.2 | 　质量 | 30.00 | 不适用 |" in md
    assert "| 2.1 | 公开 | 是 | 是 | 达成 |" in md
    assert "不适用" in ev.report(format="html")


# -- standard input on the command line ------------------------------------------


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    stream = io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)


def test_evaluate_reads_data_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = perfkpi.catalog.data_path("gz-internet-court-2022")
    _stdin(monkeypatch, data.read_text(encoding="utf-8"))
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["evaluate", scheme, "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 88.63


def test_validate_reads_json_scheme_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {
        "scheme": {"id": "s", "name": "s", "points": 10},
        "node": [{"code": "1", "name": "a", "points": 10, "rule": "deduct"}],
    }
    _stdin(monkeypatch, json.dumps(doc))
    assert main(["validate", "-"]) == 0
    assert "-: valid scheme 's' (1 nodes)" in capsys.readouterr().out


def test_malformed_stdin_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "actuals = [")
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    assert main(["evaluate", scheme, "-"]) == 2
    assert "<stdin>" in capsys.readouterr().err


def test_html_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--format", "html", "--lang", "en"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>")
    assert "88.63" in page


# -- hostile text: no user string becomes markup ------------------------------------

_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _flat(text: str, *, strip: bool = True) -> str:
    """User text as the reports promise to show it: one line, control chars spaces."""
    out = _BREAKS.sub(" ", text)
    return out.strip() if strip else out


HOSTILE_NAME = "x\n# owned"
HOSTILE_CELL = "a | b *bold* [l](http://e) <img src=x onerror=alert(1)>"
HOSTILE_REASON = "r <script>x</script>\n- item | `code` _u_ \\"


def _hostile(
    name: str = HOSTILE_NAME,
    other: str = HOSTILE_CELL,
    reason: str = HOSTILE_REASON,
    category: str = "c\n# cat",
    entity: str = "<script>e</script>\n| fake | row |",
    period: str = "2023\n## h",
    title: str = "方案 <script>alert(1)</script>\n# owned",
) -> perfkpi.Evaluation:
    scheme = Scheme.from_nodes(
        "h",
        title,
        [
            Node("1", name, points=10, target="≥99%", rule=Proportional()),
            Node("2", other, points=90, rule=Deduct()),
        ],
    )
    data = Data(
        actuals={"1": 98},
        findings=[Finding("2", 1, reason, category)],
        entity=entity,
        period=period,
    )
    return evaluate(scheme, data)


def _markdown_tokens(text: str) -> list[Any]:
    markdown_it = pytest.importorskip("markdown_it")
    parser = markdown_it.MarkdownIt("commonmark").enable("table")
    tokens: list[Any] = parser.parse(text)
    return tokens


def _cells(tokens: list[Any]) -> list[list[str]]:
    """The rendered text of each table row's cells, rows in order."""
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("td_open", "th_open"):
            inline = tokens[i + 1]
            text = "".join(
                c.content for c in inline.children or [] if c.type in ("text", "code")
            )
            rows[-1].append(text)
    return rows


def _inline_kinds(tokens: list[Any]) -> set[str]:
    return {c.type for t in tokens if t.type == "inline" for c in t.children or []}


def test_hostile_markdown_stays_text() -> None:
    md = _hostile().report(format="markdown")
    tokens = _markdown_tokens(md)
    # the report's own headings only: one title, four sections (summary, score
    # card, indicators, problems)
    headings = [t.tag for t in tokens if t.type == "heading_open"]
    assert headings == ["h1", "h2", "h2", "h2", "h2"]
    # no raw HTML, link, image or code span, anywhere
    assert not {t.type for t in tokens} & {"html_block", "html_inline"}
    assert not _inline_kinds(tokens) & {
        "html_inline",
        "link_open",
        "image",
        "code_inline",
        "em_open",
    }
    # the score card: a header, two nodes and the total, six cells each; the
    # indicators: a header and the two leaves, nine cells each
    rows = _cells(tokens)
    assert [len(r) for r in rows] == [6, 6, 6, 6, 9, 9, 9]
    assert rows[1][1] == "x # owned"
    assert rows[2][1] == "a | b *bold* [l](http://e) <img src=x onerror=alert(1)>"
    # −1 and the reason, every mark shown as typed, the newline a space
    assert rows[2][5] == "−1 r <script>x</script> - item | `code` _u_ \\"
    assert "<script" not in md
    assert "<img" not in md


def _text_of(inline: Any) -> str:  # noqa: ANN401 (a markdown-it token)
    return "".join(c.content for c in inline.children or [] if c.type == "text")


def test_hostile_markdown_heading_and_opening() -> None:
    md = _hostile().report(format="markdown")
    tokens = _markdown_tokens(md)
    # the title: scheme name — entity period, the newlines spaces
    assert tokens[0].tag == "h1"
    assert _text_of(tokens[1]) == (
        "方案 <script>alert(1)</script> # owned — "
        "<script>e</script> | fake | row | 2023 ## h"
    )
    # the kind of evaluation, then "## 自评结论"; the opening is a paragraph,
    # not a heading, though the period starts its line
    assert _text_of(tokens[4]) == "评价类型：自评"
    assert [t.type for t in tokens[6:10]] == [
        "heading_open",
        "inline",
        "heading_close",
        "paragraph_open",
    ]
    assert _text_of(tokens[10]).startswith(
        "2023 ## h，<script>e</script> | fake | row |绩效自评得分98.90分"
    )


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("- item", "a bullet"),
        ("+ item", "a bullet"),
        ("1. first", "an ordered list"),
        ("3) third", "an ordered list"),
        ("=====", "a heading's underline"),
        ("> quoted", "a block quote"),
        ("    code", "an indented code block"),
        ("```", "a code fence"),
    ],
)
def test_a_name_cannot_start_a_block(name: str, why: str) -> None:
    # the name starts a line of the narrative: "- {name}考核：…"
    md = _hostile(name=name, category="", period="", entity="").report(
        format="markdown"
    )
    tokens = _markdown_tokens(md)
    kinds = {t.type for t in tokens}
    # one ordered list, the report's own 存在的问题 (the name's 98% is unmet),
    # each of its items one paragraph of text
    assert [t.type for t in tokens].count("ordered_list_open") == 1, why
    # and two bullet lists, the narrative's, one per first-level node
    assert [t.type for t in tokens].count("bullet_list_open") == 2, why
    assert not kinds & {
        "blockquote_open",
        "code_block",
        "fence",
    }, why
    assert [t.tag for t in tokens if t.type == "heading_open"] == [
        "h1",
        "h2",
        "h2",
        "h2",
        "h2",
    ], why


def test_hostile_html_is_escaped() -> None:
    for lang in ("zh", "en"):
        page = _hostile().report(format="html", lang=lang)
        parsed = _parse(page)
        assert parsed.problems == []
        assert not parsed.tags & {"script", "img"}
        assert "&lt;script&gt;x&lt;/script&gt;" in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
        assert "<title>方案 &lt;script&gt;alert(1)&lt;/script&gt; # owned" in page


def test_hostile_text_report_keeps_its_lines() -> None:
    text = _hostile().report(format="text", lang="en")
    lines = text.splitlines()
    # no line starts with what came after a newline in the data
    for forged in ("# owned", "## h", "| fake", "- item", "# cat"):
        assert not any(line.startswith(forged) for line in lines), forged
    # the card: header, two nodes, total; every node on its own line
    assert any(line.startswith("1     x # owned") for line in lines)


_ANY_TEXT = st.text(min_size=1, max_size=30).filter(lambda s: s.strip())


@settings(max_examples=50, deadline=None)
@given(name=_ANY_TEXT, other=_ANY_TEXT, reason=_ANY_TEXT, entity=st.text(max_size=20))
def test_any_user_text_is_literal_in_markdown(
    name: str, other: str, reason: str, entity: str
) -> None:
    ev = _hostile(
        name=name, other=other, reason=reason, entity=entity, period="", category=""
    )
    tokens = _markdown_tokens(ev.report(format="markdown"))
    assert [t.tag for t in tokens if t.type == "heading_open"] == [
        "h1",
        "h2",
        "h2",
        "h2",
        "h2",
    ]
    assert not {t.type for t in tokens} & {"html_block", "html_inline", "code_block"}
    assert not _inline_kinds(tokens) & {
        "html_inline",
        "link_open",
        "image",
        "code_inline",
    }
    rows = _cells(tokens)
    assert [len(r) for r in rows] == [6, 6, 6, 6, 9, 9, 9]
    # what the reader sees is exactly the text, on one line
    assert rows[1][1] == _flat(name)
    assert rows[2][1] == _flat(other)
    assert rows[2][5] == f"−1 {_flat(reason)}".strip()
