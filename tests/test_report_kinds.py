"""Report kinds, the indicator table, 存在的问题 and the signature block.

The seed is the Guangzhou Internet Court's 2022 whole-department
self-evaluation (/work/shared/seed): its report states 88.63 in all, 履职效能
45.98 of 50, 管理效率 42.65 of 50, an average spending rate of 99.8% against
100% (扣0.02分 = 10 × (1 − 0.998)), a share of 95% bought from small firms
(扣0.05分 = 1 × (1 − 0.95)), four of its own indicators not met at 1 point each,
and six findings.  Every expected sentence below is written by hand from those
figures.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

import perfkpi
from perfkpi import (
    Data,
    Deduct,
    Evaluation,
    Finding,
    Node,
    Proportional,
    Scheme,
)
from perfkpi.cli import main
from perfkpi.errors import SchemeValidationError
from perfkpi.files import scheme_from_text, scheme_to_dict
from perfkpi.report import (
    KINDS,
    Format,
    Kind,
    Lang,
    ReportError,
    Signature,
    narrative,
    render,
)
from perfkpi.rules import Qualitative


@pytest.fixture(scope="module")
def seed() -> Evaluation:
    return perfkpi.evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


# -- who evaluates whom -----------------------------------------------------------

OPENINGS_ZH: dict[Kind, str] = {
    "self": "2022年度，广州互联网法院绩效自评得分88.63分（满分100分），"
    "等级为“良”。具体如下：",
    "department": "2022年度，主管部门对广州互联网法院的绩效评价得分88.63分"
    "（满分100分），等级为“良”。具体如下：",
    "finance": "2022年度，财政部门对广州互联网法院的绩效评价得分88.63分"
    "（满分100分），等级为“良”。具体如下：",
    "third-party": "2022年度，受托第三方机构对广州互联网法院的绩效评价得分"
    "88.63分（满分100分），等级为“良”。具体如下：",
}

OPENINGS_EN: dict[Kind, str] = {
    "self": "广州互联网法院 scored 88.63 of 100 points in its self-evaluation for "
    "2022 (广州市市级部门整体支出绩效自评), grade 良 (good).",
    "department": "In the evaluation by the supervising department for 2022 "
    "(广州市市级部门整体支出绩效自评), 广州互联网法院 scored 88.63 of 100 points, "
    "grade 良 (good).",
    "finance": "In the evaluation by the finance bureau for 2022 "
    "(广州市市级部门整体支出绩效自评), 广州互联网法院 scored 88.63 of 100 points, "
    "grade 良 (good).",
    "third-party": "In the evaluation by a commissioned third-party institution "
    "for 2022 (广州市市级部门整体支出绩效自评), 广州互联网法院 scored 88.63 of 100 "
    "points, grade 良 (good).",
}

CHINESE: dict[Kind, Kind] = {
    "self": "自评",
    "department": "部门评价",
    "finance": "财政评价",
    "third-party": "第三方评价",
}
FORMATS: tuple[Format, ...] = ("text", "markdown", "html", "json")
OTHERS: tuple[Kind, ...] = ("department", "finance", "third-party")
LANGS: tuple[Lang, ...] = ("zh", "en")


@pytest.mark.parametrize("kind", sorted(OPENINGS_ZH))
def test_each_kind_opens_with_who_evaluates_whom(seed: Evaluation, kind: Kind) -> None:
    assert narrative(seed, kind=kind).splitlines()[0] == OPENINGS_ZH[kind]
    english = narrative(seed, lang="en", kind=kind)
    assert english.splitlines()[0] == OPENINGS_EN[kind]


@pytest.mark.parametrize("kind", sorted(CHINESE))
def test_a_kind_by_its_chinese_name_reads_the_same(
    seed: Evaluation, kind: Kind
) -> None:
    for fmt in FORMATS:
        chinese = render(seed, format=fmt, kind=CHINESE[kind])
        assert chinese == render(seed, format=fmt, kind=kind)


def test_scores_are_self_evaluated_or_evaluated(seed: Evaluation) -> None:
    # 履职效能 50 − (4 + 0.02) = 45.98
    assert "1. 履职效能方面，满分50分，自评得分45.98分。" in narrative(seed)
    for kind in OTHERS:
        text = narrative(seed, kind=kind)
        assert "1. 履职效能方面，满分50分，评价得分45.98分。" in text
        assert "自评" not in text


def test_the_kind_is_stated_under_the_title(seed: Evaluation) -> None:
    assert render(seed).splitlines()[1] == "评价类型：自评"
    assert render(seed, kind="finance").splitlines()[1] == "评价类型：财政评价"
    english = render(seed, lang="en", kind="third-party").splitlines()[1]
    assert english == "Evaluation: third-party evaluation"
    assert "评价类型：部门评价" in render(seed, format="markdown", kind="department")
    assert "评价类型：第三方评价" in render(seed, format="html", kind="third-party")
    # the summary is a self-evaluation's 自评结论 or an evaluation's 评价结论
    assert "\n自评结论：\n" in render(seed)
    assert "\n评价结论：\n" in render(seed, kind="finance")


def test_the_signature_names_the_evaluating_body(seed: Evaluation) -> None:
    signed = Signature("广州市财政局")
    text = narrative(seed, kind="finance")
    assert "财政部门对广州互联网法院" in text
    page = render(seed, kind="finance", signature=signed)
    assert (
        "2022年度，财政部门（广州市财政局）对广州互联网法院的绩效评价得分88.63分"
        in page
    )
    english = render(seed, lang="en", kind="finance", signature=signed)
    assert "In the evaluation by the finance bureau (广州市财政局) for 2022" in english


def _kinded(kind: str) -> Scheme:
    return Scheme.from_nodes(
        "k",
        "项目支出绩效评价",
        [Node("1", "产出数量", points=100, target="≥100%", rule=Proportional())],
        report_kind=kind,
    )


def test_the_scheme_chooses_the_kind_and_the_call_wins() -> None:
    ev = perfkpi.evaluate(_kinded("财政评价"), Data(actuals={"1": 100}, entity="某局"))
    assert ev.scheme.report_kind == "finance"
    assert narrative(ev).startswith("财政部门对某局的绩效评价得分100.00分")
    assert narrative(ev, kind="self").startswith("某局绩效自评得分100.00分")
    assert ev.report(kind="第三方评价").splitlines()[1] == "评价类型：第三方评价"


def test_an_unknown_kind_lists_the_accepted_ones(seed: Evaluation) -> None:
    with pytest.raises(ReportError, match=r"unknown report kind 'audit'.*第三方评价"):
        render(seed, kind="audit")  # type: ignore[arg-type]
    with pytest.raises(ReportError, match="unknown report kind"):
        narrative(seed, kind="自评报告")  # type: ignore[arg-type]
    with pytest.raises(SchemeValidationError) as caught:
        _kinded("audit")
    assert "a scheme's report_kind must be one of self, department" in str(caught.value)


SCHEME_FILE = """\
[scheme]
id = "k"
name = "k"
report_kind = "{kind}"

[[node]]
code = "1"
name = "管理"
points = 100
rule = "deduct"
"""


def test_the_scheme_file_key() -> None:
    scheme = scheme_from_text(SCHEME_FILE.format(kind="第三方评价"), format="toml")
    assert scheme.report_kind == "third-party"
    assert scheme_to_dict(scheme)["scheme"]["report_kind"] == "third-party"
    # a self-evaluation, the default, is not written out
    plain = scheme_from_text(SCHEME_FILE.replace('report_kind = "{kind}"\n', ""))
    assert "report_kind" not in scheme_to_dict(plain)["scheme"]
    with pytest.raises(SchemeValidationError) as caught:
        scheme_from_text(SCHEME_FILE.format(kind="审计"), format="toml")
    message = str(caught.value)
    assert "'report_kind' must be one of" in message
    assert "self, department, finance, third-party, 自评, 部门评价, 财政评价" in message
    assert "line 4" in message  # where the key is


def test_kinds_listed() -> None:
    assert KINDS == (
        "self",
        "department",
        "finance",
        "third-party",
        "自评",
        "部门评价",
        "财政评价",
        "第三方评价",
    )


# -- the indicator table --------------------------------------------------------------


def _row(text: str, code: str) -> list[str]:
    """The cells of *code*'s row of the text report's indicator table."""
    table = text.split("绩效指标完成情况：\n")[1].split("\n\n", maxsplit=1)[0]
    line = next(r for r in table.splitlines() if r.split()[0] == code)
    return re.split(r"\s{2,}", line.strip())


SEED_ROWS = {
    # code: name, 指标值, 实际完成值, 是否达成, then 分值, 得分, 扣分 where scored
    "1.1.1": ["网上立案率", "≥99%", "99.66%", "达成"],  # the report: 99.66%, 目标99%
    "1.1.5": ["实际执行到位率居全市法院第一", "是", "否", "未达成", "1.00"],
    # 10 × 99.8 ÷ 100 = 9.98, 10 − 9.98 = 0.02
    "1.2": ["预算资金支出率", "≥100%", "99.8%", "未达成", "10.00", "9.98", "0.02"],
    # 1 × (1 − 95 ÷ 100) = 0.05
    "2.1": ["中小企业采购份额", "≥100%", "95%", "未达成", "0.05"],
    "2.3": ["“三公”经费控制率", "≤100%", "100%", "达成"],
}


@pytest.mark.parametrize("code", sorted(SEED_ROWS))
def test_seed_indicator_rows(seed: Evaluation, code: str) -> None:
    cells = _row(render(seed), code)
    expected = SEED_ROWS[code]
    assert cells[1 : 1 + len(expected)] == expected


def test_every_leaf_is_in_the_table(seed: Evaluation) -> None:
    # 20 of the court's own indicators, 预算资金支出率, and three items under 管理效率
    text = render(seed)
    table = text.split("绩效指标完成情况：\n")[1].split("\n\n")[0].splitlines()
    assert len(table) == 1 + 20 + 1 + 3
    markdown = render(seed, format="markdown")
    assert (
        "| 1.2 | 预算资金支出率 | ≥100% | 99.8% | 未达成 | 10.00 | 9.98 | 0.02 |"
        in markdown
    )
    english = render(seed, format="markdown", lang="en")
    assert (
        "| 1.2 | 预算资金支出率 | at least 100% | 99.8% | not met | 10.00 | 9.98 "
        "| 0.02 |" in english
    )


def test_the_reason_of_a_deduction_is_the_deviation_reason(seed: Evaluation) -> None:
    # without a sheet's own text, 偏差原因 is why the points were lost
    cells = _row(render(seed), "1.2")
    assert cells[-1].startswith("预算资金支出率：目标≥100%，实际99.8%")
    assert cells[-1].endswith("扣0.02分")


def test_a_sheets_own_deviation_reason_is_kept(seed: Evaluation) -> None:
    own = {"1.2": "受疫情影响，部分合同款项\n延至次年支付"}
    text = render(seed, reasons=own)
    assert _row(text, "1.2")[-1] == "受疫情影响，部分合同款项 延至次年支付"
    assert (
        "预算资金支出率未达到指标值：指标值≥100%，实际完成值99.8%，扣0.02分。"
        "偏差原因：受疫情影响，部分合同款项 延至次年支付。" in text
    )
    english = render(seed, lang="en", reasons=own)
    assert "Reason given: 受疫情影响，部分合同款项 延至次年支付." in english
    assert "受疫情影响，部分合同款项 延至次年支付" in render(
        seed, format="html", reasons=own
    )
    with pytest.raises(ReportError, match="reasons must be a mapping"):
        render(seed, reasons={"1.2": 3})  # type: ignore[dict-item]


# -- 存在的问题 -----------------------------------------------------------------------


SEED_PROBLEMS = [
    "1. 实际执行到位率居全市法院第一未达到指标值：指标值是，实际完成值否，扣1分。",
    "5. 预算资金支出率未达到指标值：指标值≥100%，实际完成值99.8%，扣0.02分。",
    "6. 中小企业采购份额未达到指标值：指标值≥100%，实际完成值95%，扣0.05分。",
    "8. 信息公开：预决算公开格式问题检查中，市财政局要求统一整改（扣1分）。",
    "10. 绩效管理：绩效目标编制过程中曾申请市财政局回退修改（扣2分）。",
]


def _problems(text: str) -> list[str]:
    # the heading ends with a full-width colon in Chinese, ":" in English
    part = re.split("存在的问题[：:]\n", text)[1].split("\n\n", maxsplit=1)[0]
    return [line.strip() for line in part.splitlines()]


def test_seed_problems(seed: Evaluation) -> None:
    problems = _problems(render(seed))
    # six indicators not met (four own indicators, 1.2, 2.1), six findings
    assert len(problems) == 12
    for expected in SEED_PROBLEMS:
        assert expected in problems
    english = render(seed, lang="en")
    assert (
        "5. 预算资金支出率 did not meet its target: target at least 100%, actual "
        "99.8%; 0.02 points off." in english
    )
    assert (
        "8. 信息公开: 预决算公开格式问题检查中，市财政局要求统一整改 (1 point off)."
        in (english)
    )
    markdown = render(seed, format="markdown")
    assert "\n## 存在的问题\n\n1. 实际执行到位率居全市法院第一未达到指标值" in markdown
    page = render(seed, format="html")
    assert (
        "<li>中小企业采购份额未达到指标值：指标值≥100%，实际完成值95%，扣0.05分。</li>"
        in (page)
    )


@pytest.fixture(scope="module")
def clean() -> Evaluation:
    scheme = Scheme.from_nodes(
        "c",
        "c",
        [
            Node("1", "产出", points=60, target="≥100%", rule=Proportional()),
            Node("2", "管理", points=40, rule=Deduct()),
        ],
    )
    return perfkpi.evaluate(scheme, {"1": 100})


def test_no_problems_is_said_plainly(clean: Evaluation) -> None:
    assert _problems(render(clean)) == ["各项指标均达到指标值，未发现问题。"]
    none_en = "No problems: every indicator met its target and nothing was found wrong."
    assert _problems(
        render(clean, lang="en").replace("Problems found", "存在的问题")
    ) == [none_en]
    assert "## 存在的问题\n\n各项指标均达到指标值，未发现问题。" in render(
        clean, format="markdown"
    )
    assert "<p>各项指标均达到指标值，未发现问题。</p>" in render(clean, format="html")
    assert json.loads(render(clean, format="json"))["report"]["problems"] == []


def test_a_finding_without_a_category_is_under_its_node() -> None:
    scheme = Scheme.from_nodes(
        "m",
        "m",
        [Node("1", "资产管理", points=10, rule=Deduct())],
        points=10,
    )
    ev = perfkpi.evaluate(scheme, Data(findings=[Finding("1", 2, "档案不全", "")]))
    assert _problems(render(ev)) == ["1. 资产管理：档案不全（扣2分）。"]
    assert _problems(render(ev, lang="en").replace("Problems found", "存在的问题")) == [
        "1. 资产管理: 档案不全 (2 points off)."
    ]


def test_an_indicator_without_a_target_that_lost_points() -> None:
    # a qualitative indicator has no 指标值: 达成年度指标 is the band
    # [0.8 × 4, 4] = [3.2, 4], scored 3.5, so 4 − 3.5 = 0.5 lost
    scheme = Scheme.from_nodes(
        "q", "q", [Node("1", "时效指标", points=4, rule=Qualitative())], points=4
    )
    ev = perfkpi.evaluate(scheme, {"1": {"tier": "达成年度指标", "score": 3.5}})
    assert _problems(render(ev)) == [
        "1. 时效指标未得满分：实际完成值达成年度指标，得3.5分，扣0.5分。"
    ]
    english = render(ev, lang="en").replace("Problems found", "存在的问题")
    assert _problems(english) == [
        (
            "1. 时效指标 did not score full points: actual annual target achieved "
            "(3.5 points); 0.5 points off."
        )
    ]


# -- the signature block --------------------------------------------------------------


def test_no_signature_by_default(seed: Evaluation) -> None:
    for fmt in FORMATS[:3]:
        for lang in LANGS:
            page = render(seed, format=fmt, lang=lang)
            assert "评价人" not in page
            assert "Evaluator" not in page


def test_a_blank_signature_is_lines_to_write_on(seed: Evaluation) -> None:
    text = render(seed, signature=Signature())
    assert text.splitlines()[-3:] == [
        "评价单位：________________",
        "评价人：________________",
        "日期：________年____月____日",
    ]
    english = render(seed, lang="en", signature=Signature())
    assert english.splitlines()[-3:] == [
        "Evaluating body: ________________",
        "Evaluator: ________________",
        "Date: ________________",
    ]
    today = dt.date.today()  # noqa: DTZ011 (the day where the report is made)
    for page in (text, english, render(seed, format="html", signature=Signature())):
        assert f"{today.year}年{today.month}月{today.day}日" not in page
        assert today.isoformat() not in page


def test_a_filled_signature(seed: Evaluation) -> None:
    signed = Signature("某会计师事务所", "张三", dt.date(2023, 5, 31))
    assert Signature("某会计师事务所", "张三", "2023-05-31") == signed
    text = render(seed, kind="third-party", signature=signed)
    assert text.splitlines()[-3:] == [
        "评价单位：某会计师事务所",
        "评价人：张三",
        "日期：2023年5月31日",
    ]
    english = render(seed, lang="en", signature=signed)
    assert english.splitlines()[-1] == "Date: 31 May 2023"
    markdown = render(seed, format="markdown", signature=signed)
    assert markdown.splitlines()[-3:] == [
        "评价单位：某会计师事务所  ",
        "评价人：张三  ",
        "日期：2023年5月31日",
    ]
    page = render(seed, format="html", signature=signed)
    assert (
        '<p><span class="label">评价人：</span><span class="value">张三</span></p>'
        in page
    )
    plain = json.loads(render(seed, format="json", signature=signed))["report"]
    assert plain["signature"] == {
        "unit": "某会计师事务所",
        "evaluator": "张三",
        "date": "2023-05-31",
    }


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "31/05/2023"}, "date must be a date or YYYY-MM-DD"),
        ({"date": 20230531}, "date must be a date or YYYY-MM-DD"),
        ({"evaluator": 3}, "evaluator must be text"),
        ({"unit": None}, "unit must be text"),
    ],
)
def test_a_wrong_signature(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ReportError, match=message):
        Signature(**fields)  # type: ignore[arg-type]


def test_a_signature_must_be_one(seed: Evaluation) -> None:
    with pytest.raises(ReportError, match="signature must be a Signature"):
        render(seed, signature="张三")  # type: ignore[arg-type]


# -- the command line ---------------------------------------------------------------


def test_kind_and_signature_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["demo", "--kind", "财政评价", "--sign-unit", "广州市财政局"]
    assert main([*args, "--sign-date", "2023-05-31"]) == 0
    out = capsys.readouterr().out
    assert "财政部门（广州市财政局）对广州互联网法院的绩效评价得分88.63分" in out
    assert out.splitlines()[-3:] == [
        "评价单位：广州市财政局",
        "评价人：________________",
        "日期：2023年5月31日",
    ]
    assert main(["demo", "--sign", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Date: ________________"
    assert main(["demo"]) == 0
    assert "评价人" not in capsys.readouterr().out


def test_bad_kind_or_date_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--sign-date", "2023-13-01", "--lang", "en"])
    assert caught.value.code == 2
    assert "expected a date as YYYY-MM-DD" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["demo", "--kind", "audit", "--lang", "en"])
    assert caught.value.code == 2
    assert "invalid choice: 'audit'" in capsys.readouterr().err
