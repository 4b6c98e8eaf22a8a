"""Reports: the seed's narrative and score card, every format, stand-alone HTML."""

from __future__ import annotations

import html
import html.parser
import io
import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

import perfkpi
from perfkpi import Data, Deduct, Finding, Node, Proportional, Scheme, evaluate
from perfkpi.cli import main
from perfkpi.report import FORMATS, ReportError, narrative, render


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
        "(广州市市级部门整体支出绩效自评), grade 良."
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
    assert json.loads(seed.report(format="json")) == seed.to_dict()


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
def test_html_is_self_contained(seed: perfkpi.Evaluation, lang: str) -> None:
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
        render(seed, **kwargs)


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
    assert (
        html.escape(reason.replace("\r", "\n")) in page or html.escape(reason) in page
    )
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
