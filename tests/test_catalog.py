"""The core indicator library and the bundled schemes and data sets."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from perfkpi import catalog, evaluate
from perfkpi.catalog.listing import show
from perfkpi.cli import main
from perfkpi.files import json_schema
from perfkpi.formulas import parse_formula
from perfkpi.indicators import TARGET_BASES
from perfkpi.rules import Bands, Categorical, Checklist, Deduct, PerPoint, Qualitative

DOCS = Path(__file__).parent.parent / "docs"

# The thirteen rows of the formula table in DOMAIN.md §3, with the indicators
# of each and the inputs its formula names.
FAMILIES: list[tuple[str, list[tuple[str, tuple[str, ...]]]]] = [
    ("预算执行率", [("预算执行率", ("实际支出", "预算数"))]),
    ("资金到位率", [("资金到位率", ("实际到位资金", "预算资金"))]),
    (
        "预算完成率",
        [("预算完成率", ("上年结转", "年初预算", "追加", "年末结余"))],
    ),
    ("预算调整率", [("预算调整率", ("本年追加", "年初预算"))]),
    ("在职人员控制率", [("在职人员控制率", ("在职人员数", "编制数"))]),
    ("三公经费变动率", [("三公经费变动率", ("本年", "上年"))]),
    (
        "“三公”经费控制率, 公用经费控制率",
        [
            ("“三公”经费控制率", ("实际支出", "预算安排")),
            ("公用经费控制率", ("实际支出", "预算安排")),
        ],
    ),
    ("政府采购执行率", [("政府采购执行率", ("实际采购金额", "采购预算"))]),
    ("中小企业采购份额", [("中小企业采购份额", ("面向中小企业采购额", "应预留额"))]),
    ("结转结余率", [("结转结余率", ("结转结余总额", "支出预算数"))]),
    (
        "实际完成率, 质量达标率",
        [
            ("实际完成率", ("实际产出", "计划产出")),
            ("质量达标率", ("达标产出", "实际产出")),
        ],
    ),
    ("成本节约率", [("成本节约率", ("计划成本", "实际成本"))]),
    ("满意度", [("满意度", ("满意人数", "有效调查人数"))]),
]


def test_the_formula_table_comes_first() -> None:
    families = catalog.families()[: len(FAMILIES)]
    assert [f.name for f in families] == [name for name, _ in FAMILIES]
    for family, (_, members) in zip(families, FAMILIES, strict=True):
        names = [catalog.indicator(code).name for code in family.codes]
        assert names == [name for name, _ in members]


def test_at_least_sixty_sourced_indicators() -> None:
    records = catalog.records()
    assert len(records) >= 60
    assert [r.indicator for r in records] == list(catalog.indicators())
    assert len({r.code for r in records}) == len(records)


@pytest.mark.parametrize("record", catalog.records(), ids=lambda r: r.code)
def test_every_record_is_sourced_and_well_formed(record: catalog.Record) -> None:
    assert record.source.strip()
    assert record.evidence in catalog.EVIDENCE
    assert set(record.assumed) <= set(catalog.ASSUMABLE)
    assert record.nature in catalog.NATURES
    ind = record.indicator
    assert ind.category in catalog.taxonomy(record.taxonomy)
    assert ind.explanation
    if ind.formula:
        assert parse_formula(ind.formula).names
    if record.nature == "定性":
        assert ind.direction == "qualitative"
        assert not ind.formula
    else:
        assert ind.unit  # a quantitative indicator has a unit
    # the seed's indicators come from its report, and say which part
    if record.family == "法院部门整体绩效指标":
        assert record.source.startswith(
            "广州互联网法院2022年度部门整体支出绩效自评报告 "
        )
        assert record.evidence == "form"
        assert "category" in record.assumed  # the report does not class them


# Sources named in the brief of the library: each must be the source of some records.
SOURCES = [
    ("财预〔2020〕10号", 15),  # the project frameworks (self-evaluation and 附件1)
    ("财预〔2013〕53号", 20),  # the department-wide common framework
    ("content_1705915", 8),  # Hunan: 岳阳
    ("xxgk-show-16453", 17),  # Sichuan: 达州, every second-level node
    ("广州互联网法院2022年度部门整体支出绩效自评报告", 25),  # the seed
]


@pytest.mark.parametrize(("source", "at_least"), SOURCES)
def test_the_sources_studied_are_covered(source: str, at_least: int) -> None:
    assert len([r for r in catalog.records() if source in r.source]) >= at_least


def test_the_seed_indicators_are_in_the_catalog() -> None:
    # as the report writes them (二(二) and 二(三)), with its units
    for name, unit, nature in [
        ("网上立案率", "%", "≥"),
        ("在线庭审率", "%", "≥"),
        ("法定审限内结案率", "%", "≥"),
        ("纠纷调撤化解率", "%", "≥"),
        ("一审息诉服判率", "%", "≥"),
        ("系统故障平均响应时间", "小时", "≤"),
        ("数据报表查询速度", "秒", "≤"),
        ("网络安全等级", "级", "="),
        ("可复用应用", "个", "≥"),
        ("可复用服务组件", "个", "≥"),
        ("年度使用系统审理的案件量", "件", "≥"),
        ("官方微信公众号发布内容数量", "期", "≥"),
    ]:
        record = catalog.record(name)
        assert (record.indicator.unit, record.nature) == (unit, nature), name


@pytest.mark.parametrize(
    ("name", "inputs"), [m for _, members in FAMILIES for m in members]
)
def test_each_indicator_is_complete(name: str, inputs: tuple[str, ...]) -> None:
    ind = catalog.indicator(name)
    assert parse_formula(ind.formula).names == inputs
    assert ind.unit == "%"
    assert ind.direction in ("higher", "lower")
    assert ind.category in catalog.taxonomy_of(name)
    assert len(ind.category) == 2
    assert ind.explanation
    assert ind.basis in TARGET_BASES


# indicator, inputs, value worked out by hand
VALUES: list[tuple[str, dict[str, float], float]] = [
    ("预算执行率", {"实际支出": 95, "预算数": 100}, 0.95),  # 95/100 → 95 %
    ("预算执行率", {"实际支出": 8631.73, "预算数": 8634.17}, 8631.73 / 8634.17),
    ("资金到位率", {"实际到位资金": 90, "预算资金": 100}, 0.9),
    # (10 + 100 + 20 − 13) / (10 + 100 + 20) = 117 / 130
    ("预算完成率", {"上年结转": 10, "年初预算": 100, "追加": 20, "年末结余": 13}, 0.9),
    ("预算调整率", {"本年追加": 12, "年初预算": 100}, 0.12),
    ("在职人员控制率", {"在职人员数": 98, "编制数": 100}, 0.98),
    ("三公经费变动率", {"本年": 95, "上年": 100}, -0.05),
    ("“三公”经费控制率", {"实际支出": 80, "预算安排": 100}, 0.8),
    ("公用经费控制率", {"实际支出": 101, "预算安排": 100}, 1.01),
    ("政府采购执行率", {"实际采购金额": 45, "采购预算": 50}, 0.9),
    ("中小企业采购份额", {"面向中小企业采购额": 95, "应预留额": 100}, 0.95),
    ("结转结余率", {"结转结余总额": 5, "支出预算数": 200}, 0.025),
    ("实际完成率", {"实际产出": 1080, "计划产出": 1200}, 0.9),
    ("质量达标率", {"达标产出": 1026, "实际产出": 1080}, 0.95),
    ("成本节约率", {"计划成本": 200, "实际成本": 180}, 0.1),
    ("满意度", {"满意人数": 475, "有效调查人数": 500}, 0.95),
    ("支付进度率", {"实际支付进度": 72, "既定支付进度": 80}, 0.9),
    # (120 − 150) / 150 = −30 / 150
    (
        "结转结余变动率",
        {"本年结转结余总额": 120, "上年结转结余总额": 150},
        -0.2,
    ),
    ("重点支出安排率", {"重点项目支出": 850, "项目总支出": 1000}, 0.85),
    (
        "固定资产利用率",
        {"实际在用固定资产总额": 380, "所有固定资产总额": 400},
        0.95,
    ),
    ("完成及时率", {"及时完成实际工作数": 46, "计划工作数": 50}, 0.92),
    ("重点工作办结率", {"重点工作实际完成数": 19, "交办或下达数": 20}, 0.95),
    # the seed's own figures are rates; these inputs are made up to check the formula
    ("网上立案率", {"网上立案数": 997, "立案总数": 1000}, 0.997),
    ("培训参训率", {"参训人数": 120, "应参训人数": 120}, 1.0),
]


def test_every_formula_parses() -> None:
    formulas = [r.indicator.formula for r in catalog.records() if r.indicator.formula]
    assert len(formulas) >= 30
    for text in formulas:
        parse_formula(text)


@pytest.mark.parametrize(("name", "inputs", "expected"), VALUES)
def test_formulas_compute(name: str, inputs: dict[str, float], expected: float) -> None:
    value = parse_formula(catalog.indicator(name).formula).evaluate(inputs)
    assert value == pytest.approx(expected)


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("预算执行率", "budget-execution-rate"),
        ("budget-execution-rate", "budget-execution-rate"),
        ("BUDGET-EXECUTION-RATE", "budget-execution-rate"),  # codes in any case
        ("“三公”经费控制率", "three-public-control-rate"),
        ('"三公"经费控制率', "three-public-control-rate"),  # ASCII quotes
        ("三公经费控制率", "three-public-control-rate"),  # no quotes
        ("满意度 ", "satisfaction-rate"),  # spaces
    ],
)
def test_lookup(key: str, code: str) -> None:
    assert catalog.indicator(key).code == code


def test_unknown_indicator_suggests() -> None:
    with pytest.raises(KeyError, match="did you mean '预算执行率'"):
        catalog.indicator("预算执行")
    assert catalog.suggest("三公") == ("三公经费变动率", "“三公”经费控制率")
    assert catalog.suggest("") == ()


def test_taxonomies() -> None:
    assert catalog.taxonomies() == (
        "cn-project-2020",
        "cn-project-2021",
        "cn-department",
        "cn-project-eval-2020",
        "dz-dept",
    )
    frame = catalog.taxonomy("cn-project-eval-2020")
    assert list(frame.classes) == ["决策", "过程", "产出", "效益"]
    assert ("过程", "组织实施") in frame
    project = catalog.taxonomy("cn-project-2020")
    assert ("产出", "数量") in project
    assert ("产出",) in project
    assert ("成本", "经济成本") not in project  # 成本 is first-level only from 2021
    assert ("成本", "经济成本") in catalog.taxonomy("cn-project-2021")
    assert "产出" not in project  # a path is a tuple
    with pytest.raises(KeyError, match="known: cn-project-2020"):
        catalog.taxonomy("nope")


# -- schemes ---------------------------------------------------------------------


def test_at_least_four_schemes() -> None:
    assert catalog.schemes() == (
        "cn-project-2020",
        "cn-project-eval-2020",
        "dz-dept-overall",
        "gz-dept-overall",
        "yy-dept-overall",
    )
    for name in catalog.schemes():
        scheme = catalog.scheme(name)
        assert scheme.id == name
        assert scheme.points == 100
        assert scheme.source


def _first_level(name: str) -> list[tuple[str, float | None]]:
    return [(n.name, n.points) for n in catalog.scheme(name).roots()]


def test_project_scheme_follows_the_2020_rules() -> None:
    scheme = catalog.scheme("cn-project-2020")
    assert _first_level("cn-project-2020") == [
        ("预算执行率", 10),
        ("产出指标", 50),
        ("效益指标", 30),
        ("满意度指标", 10),
    ]
    assert scheme.grades.name == "cn-2020"
    assert scheme.rounding.places == 2
    assert str(scheme.rounding.mode) == "half-up"
    assert scheme.node("1").indicator == catalog.indicator("预算执行率")
    assert isinstance(scheme.rule("3.1"), Qualitative)
    # every assumed point value says so
    for node in scheme.nodes:
        if not node.note.startswith("Published"):
            assert "assumed" in node.note


# 财预〔2020〕10号 附件1 项目支出绩效评价指标体系框架: its first and second levels.
FRAMEWORK_2020 = {
    "决策": ["项目立项", "绩效目标", "资金投入"],
    "过程": ["资金管理", "组织实施"],
    "产出": ["产出数量", "产出质量", "产出时效", "产出成本"],
    "效益": ["项目效益"],
}


def test_the_2020_evaluation_framework_template() -> None:
    scheme = catalog.scheme("cn-project-eval-2020")
    roots = scheme.roots()
    assert [n.name for n in roots] == list(FRAMEWORK_2020)
    for root in roots:
        assert [c.name for c in scheme.children(root.code)] == FRAMEWORK_2020[root.name]
    # every third-level node is a catalog indicator of the framework
    leaves = [n for n in scheme.nodes if scheme.depth(n.code) == 3]
    assert all(n.indicator is not None for n in leaves)
    assert {n.name for n in leaves} >= {"资金到位率", "预算执行率", "满意度"}
    # the published rule: 产出 and 效益 weigh at least 60 % (第二十二条); the
    # framework itself publishes no points, so each one says it is assumed
    points = {n.name: n.points for n in roots}
    assert sum(p or 0 for p in points.values()) == 100
    assert (points["产出"] or 0) + (points["效益"] or 0) >= 60
    assert all("assumed" in n.note for n in scheme.nodes)
    assert scheme.grades.name == "cn-2020"


def test_the_2020_templates_are_found_by_name() -> None:
    assert catalog.search_schemes("项目支出绩效评价") == (
        "cn-project-2020",
        "cn-project-eval-2020",
    )
    assert catalog.search_schemes("附件1") == ("cn-project-eval-2020",)
    assert catalog.search_schemes("指标体系框架") == ("cn-project-eval-2020",)
    with pytest.raises(ValueError, match="query is empty"):
        catalog.search_schemes(" ")


def test_example_project_by_hand() -> None:
    ev = evaluate(
        catalog.scheme("cn-project-2020"), catalog.data("example-project-2023")
    )
    # 1: 952/1000 = 95.2 % → 10 × 0.952 = 9.52
    # 2.1.1: 1080/1200 = 90 % → 20 × 0.9 = 18
    # 2.2.1: 1026/1080 = 95 % → 15 × 0.95 = 14.25
    # 2.3: 14; 3.1: 10; 3.2: 13.5; 4.1: 475/500 = 95 % ≥ 90 % → 10
    assert ev.score("1") == 9.52
    assert ev.score("2") == 46.25  # 18 + 14.25 + 14
    assert ev.score("3") == 23.5
    assert ev.score("4") == 10
    assert (ev.total, ev.grade) == (89.27, "良")


def test_guangzhou_scheme_is_marked_reconstructed() -> None:
    scheme = catalog.scheme("gz-dept-overall")
    assert scheme.source.startswith("Reconstructed from")
    text = catalog.scheme_path("gz-dept-overall").read_text(encoding="utf-8")
    assert "ASSUMED" in text
    assert scheme.node("2.1").indicator == catalog.indicator("中小企业采购份额")


def test_seed_reproduces_88_63() -> None:
    ev = evaluate(
        catalog.scheme("gz-dept-overall"), catalog.data("gz-internet-court-2022")
    )
    assert (ev.total, ev.grade) == (88.63, "良")


def test_yueyang_published_rules() -> None:
    scheme = catalog.scheme("yy-dept-overall")
    assert _first_level("yy-dept-overall") == [
        ("投入", 15),
        ("过程", 40),
        ("产出", 25),
        ("效果", 20),
    ]
    assert scheme.rule("1.1") == PerPoint(per=0.5)
    assert scheme.rule("2.4") == PerPoint(per=1)
    assert isinstance(scheme.rule("1.3"), Bands)
    assert isinstance(scheme.rule("2.1"), Bands)
    assert isinstance(scheme.rule("2.3"), Categorical)
    assert scheme.rule("2.5") == Checklist(per=1)
    assert scheme.rule("2.2") == Deduct(per_finding=0.5)
    for code in ("2.7", "3", "4"):
        assert "ASSUMED" in scheme.node(code).note


def test_yueyang_by_hand() -> None:
    data = {
        "actuals": {
            "1.1": "103%",  # 3 points over × 0.5 = 1.5 → 3.5
            "1.2": "-2%",  # ≤ 0 → 5
            "1.3": "85%",  # [80, 90) → 4
            "2.1": "12%",  # (10, 20] → 1
            "2.3": "有结余但不超过上年结转",  # 2
            "2.4": "101.5%",  # 1.5 points over × 1 → 4.5
            "2.5": 2,  # 2 items × 1 → 2
        },
        # one fund late: 3 − 0.5 = 2.5 (the finding takes per_finding)
        "findings": [{"node": "2.2", "points": 0.5, "reason": "专项资金未按时拨付"}],
    }
    ev = evaluate(catalog.scheme("yy-dept-overall"), data)
    assert ev.score("1") == 12.5  # 3.5 + 5 + 4
    # 1 + 2.5 + 2 + 4.5 + 2 + 3 + 19
    assert ev.score("2") == 34
    assert ev.total == 91.5  # 12.5 + 34 + 25 + 20


def test_dazhou_published_points() -> None:
    scheme = catalog.scheme("dz-dept-overall")
    assert _first_level("dz-dept-overall") == [
        ("部门决策", 25),
        ("综合管理", 30),
        ("部门绩效情况", 45),
    ]
    assert [(n.name, n.points) for n in scheme.children("2.7")] == [
        ("预算公开", 2),
        ("决算公开", 2),
        ("绩效信息公开", 2),
    ]
    assert [n.points for n in scheme.children("3.3")] == [3, 3, 4]
    leaves = [n for n in scheme.nodes if not scheme.children(n.code)]
    assert all(isinstance(scheme.rule(n.code), Deduct) for n in leaves)
    assert all("Rule assumed" in n.note for n in leaves)


def test_data_sets() -> None:
    assert catalog.datasets() == ("example-project-2023", "gz-internet-court-2022")
    assert catalog.scheme_of("gz-internet-court-2022") == "gz-dept-overall"
    with pytest.raises(KeyError, match="known: example-project-2023"):
        catalog.data_path("nope")


# -- JSON Schema -------------------------------------------------------------------


def test_bundled_files_match_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    for name in catalog.schemes():
        doc = tomllib.loads(catalog.scheme_path(name).read_text(encoding="utf-8"))
        jsonschema.validate(doc, json_schema("scheme"))
    for name in catalog.datasets():
        doc = tomllib.loads(catalog.data_path(name).read_text(encoding="utf-8"))
        jsonschema.validate(doc, json_schema("data"))


# -- the docs and the command line ------------------------------------------------


def test_docs_table_is_the_library() -> None:
    page = (DOCS / "catalog.md").read_text(encoding="utf-8")
    assert catalog.indicator_table() in page


def test_cli_lists_families_and_schemes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    counts = f"{len(catalog.families())} families, {len(catalog.records())} indicators"
    assert counts in out
    for name, members in FAMILIES:
        assert f"  {name}\n" in out
        for indicator, _ in members:
            assert f"    {indicator}  " in out
    for scheme in catalog.schemes():
        assert f"  {scheme}  " in out


def test_cli_shows_one_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "预算执行率"]) == 0
    assert "  计算公式  实际支出 / 预算数\n" in capsys.readouterr().out
    assert main(["catalog", "show", "预算执行率", "--lang", "en"]) == 0
    assert "  formula      实际支出 / 预算数\n" in capsys.readouterr().out
    assert main(["catalog", "yy-dept-overall"]) == 0
    assert "    1.1  财政供养人员控制率  5  ≤100%" in capsys.readouterr().out
    assert main(["catalog", "show", "gz-internet-court-2022"]) == 0
    assert "广州互联网法院 2022  for gz-dept-overall" in capsys.readouterr().out


def test_cli_unknown_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "三公"]) == 2
    assert "是否想写 '三公经费变动率' 或 " in capsys.readouterr().err
    assert main(["catalog", "show"]) == 2
    assert "请给出 NAME" in capsys.readouterr().err
    assert main(["catalog", "预算执行率", "资金到位率"]) == 2
    assert "多余的 '资金到位率'" in capsys.readouterr().err


# -- search and show ---------------------------------------------------------------


def _names(query: str) -> list[str]:
    return [r.name for r in catalog.search(query)]


def test_search_ranks_names_then_classes_then_sources() -> None:
    found = _names("执行")
    # the four names holding 执行, in the library's order ...
    assert found[:4] == [
        "预算执行率",
        "政府采购执行率",
        "制度执行有效性",
        "实际执行到位率",
    ]
    # ... then those whose class is 过程 › 预算执行 ...
    assert found[4:7] == ["预算完成率", "预算调整率", "“三公”经费控制率"]
    # ... then those whose source holds it (the seed's 审判执行工作 section)
    assert found[-1] == "纠纷调撤化解率"
    assert "网上立案率" in found


def test_search_puts_an_exact_name_before_a_prefix() -> None:
    assert _names("预算编制")[:2] == ["预算编制", "预算编制科学性"]
    # exact 满意度, then the names that hold it
    assert _names("满意度")[0] == "满意度"
    assert set(_names("满意度")[1:6]) == {
        "协作部门满意度",
        "管理对象满意度",
        "社会公众满意度",
        "法官对机构运行辅助工作的满意度",
        "全院干警对开展培训的满意度",
    }
    # a prefix of a name before a part of one
    assert _names("预算")[:4] == [
        "预算执行率",
        "预算完成率",
        "预算调整率",
        "预算编制科学性",
    ]


def test_search_by_alias_class_and_source() -> None:
    assert _names("财政供养人员控制率") == ["在职人员控制率"]  # an alias
    assert _names("服务对象满意度")[0] == "满意度"  # an alias, before classes
    # the class 职责履行 exactly, then 实际完成率, whose source names that class
    assert _names("职责履行") == ["完成及时率", "重点工作办结率", "实际完成率"]
    assert set(_names("content_1705915")) == {  # 岳阳's page: the source
        "预算调整率",
        "在职人员控制率",
        "三公经费变动率",
        "“三公”经费控制率",
        "重点支出安排率",
        "管理制度健全性",
        "资金使用合规性",
        "资金结余",
    }
    assert catalog.search("BUDGET-execution-RATE")[0].name == "预算执行率"
    assert catalog.search("“三公”")[0].name == "三公经费变动率"
    assert catalog.search("zzz") == ()


def test_search_refuses_what_is_not_a_query() -> None:
    with pytest.raises(ValueError, match="query is empty"):
        catalog.search(" “” ")
    with pytest.raises(TypeError, match="query must be text"):
        catalog.search(5)  # type: ignore[arg-type]


def test_record_by_name_code_or_alias() -> None:
    by_alias = catalog.record("财政供养人员控制率")
    assert by_alias is catalog.record("staff-control-rate")
    assert by_alias.name == "在职人员控制率"
    assert catalog.indicator("财政供养人员控制率") == by_alias.indicator
    with pytest.raises(KeyError, match="did you mean"):
        catalog.record("预算执行")


def test_show_prints_the_whole_record() -> None:
    expected = """\
网上立案率 (court-online-filing-rate)
  指标族    法院部门整体绩效指标
  计算公式  网上立案数 / 立案总数 *
  计量单位  %
  指标性质  ≥ (正向)
  指标分类  产出 › 质量 (cn-project-2020) *
  取值依据  计划标准 *
  核心指标  否
  指标解释  网上立案的案件占立案总数的比例。2022年 99.66%，目标 ≥99%。
  来源      广州互联网法院2022年度部门整体支出绩效自评报告 二(二) 1. 审判执行工作
  来源核对  报告 (已读公开报告或表格)
  * 推定：非来源原文所载
"""
    assert show("网上立案率") == expected
    english = show("网上立案率", lang="en")
    assert "\n  formula      网上立案数 / 立案总数 *\n" in english
    assert "\n  core         no\n" in english
    assert english.endswith("  * assumed: inferred, not read in the source\n")
    bad: tuple[object, ...] = ("fr", [], None)
    for lang in bad:
        with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
            show("网上立案率", lang=lang)  # type: ignore[arg-type]


def test_show_as_json_carries_every_field() -> None:
    doc = json.loads(show("在职人员控制率", format="json"))
    assert doc["source"].startswith("岳阳市部门整体支出评分表")
    assert doc["aliases"] == ["财政供养人员控制率"]
    assert (doc["nature"], doc["core"], doc["evidence"]) == ("≤", True, "text")
    assert doc["assumed"] == ["basis"]
    assert doc["formula"] == "在职人员数 / 编制数"


def test_cli_search(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "search", "财政供养"]) == 0
    out = capsys.readouterr().out
    assert out == (
        "indicators matching '财政供养' (1):\n"
        "  在职人员控制率  staff-control-rate  "
        "[投入 › 预算配置 (cn-department)]  (别名)\n"
    )
    assert main(["catalog", "search", "执行", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("indicators matching '执行' (")
    assert (
        "  预算执行率  budget-execution-rate  "
        "[过程 › 预算执行 (cn-department)]  (name)\n"
    ) in out
    assert "schemes matching '执行' (1):\n  cn-project-2020  " in out
    assert main(["catalog", "search", "附件1", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in doc["schemes"]] == ["cn-project-eval-2020"]
    assert doc["indicators"][0]["matched"] == "source"
    assert main(["catalog", "search", "zzz"]) == 1
    assert capsys.readouterr().out == "nothing in the catalog matches 'zzz'\n"
    assert main(["catalog", "search"]) == 2
    assert "请只给一个 QUERY" in capsys.readouterr().err


# -- the record and the library file ---------------------------------------------------


def _record(**fields: object) -> catalog.Record:
    base: dict[str, object] = {
        "indicator": catalog.indicator("预算执行率"),
        "family": "f",
        "taxonomy": "cn-department",
        "source": "a document, article 1",
    }
    return catalog.Record(**{**base, **fields})  # type: ignore[arg-type]


def test_a_record_checks_its_fields() -> None:
    assert _record().nature == "≥"  # from the direction
    assert _record(nature="=").nature == "="
    with pytest.raises(ValueError, match="does not agree with direction 'higher'"):
        _record(nature="≤")
    with pytest.raises(ValueError, match="source must be non-empty text"):
        _record(source=" ")
    with pytest.raises(ValueError, match="assumed names fields of the record"):
        _record(assumed=["colour"])
    with pytest.raises(ValueError, match="evidence must be one of"):
        _record(evidence="hearsay")
    with pytest.raises(TypeError, match="core must be true or false"):
        _record(core="yes")
    with pytest.raises(TypeError, match="indicator must be an Indicator"):
        _record(indicator="预算执行率")


def test_the_library_matches_its_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    folder = Path(catalog.__file__).parent
    schema = json.loads(
        (folder.parent / "schema" / "catalog.schema.json").read_text(encoding="utf-8")
    )
    doc = tomllib.loads((folder / "indicators.toml").read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    fields = schema["$defs"]["record"]["properties"]
    # the schema and the Record allow the same values
    assert tuple(fields["nature"]["enum"]) == catalog.NATURES
    assert tuple(fields["evidence"]["enum"]) == catalog.EVIDENCE
    assert tuple(fields["assumed"]["items"]["enum"]) == catalog.ASSUMABLE
    assert tuple(fields["basis"]["enum"][1:]) == TARGET_BASES
    del doc["indicator"][0]["source"]
    with pytest.raises(jsonschema.ValidationError, match="'source' is a required"):
        jsonschema.validate(doc, schema)


def test_an_indicator_without_a_source_does_not_ship() -> None:
    from perfkpi.catalog import _library_from
    from perfkpi.errors import SchemeValidationError

    doc = tomllib.loads(
        (Path(catalog.__file__).parent / "indicators.toml").read_text(encoding="utf-8")
    )
    assert len(_library_from(doc, "x").records) == len(catalog.records())
    del doc["indicator"][3]["source"]
    doc["indicator"][5]["assumed"] = ["colour"]
    with pytest.raises(SchemeValidationError) as info:
        _library_from(doc, "x")
    messages = [str(e) for e in info.value.exceptions]
    assert any("indicator[3]" in m and "source" in m for m in messages)
    assert any("indicator[5]" in m and "colour" in m for m in messages)


def test_cli_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["indicators"]) == len(catalog.records())
    assert doc["indicators"][0]["family"] == "预算执行率"
    assert main(["catalog", "--format", "markdown"]) == 0
    assert catalog.indicator_table() in capsys.readouterr().out
    assert main(["catalog", "cn-project-2020", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["scheme"]["id"] == "cn-project-2020"


# -- names, never paths ------------------------------------------------------------

# why each is refused: it would name a file outside the catalog
PATH_NAMES = [
    "/etc/x",  # an absolute path
    "../data/example-project-2023",  # a bundled file of the other folder
    "..",  # the parent folder
    "schemes/gz-dept-overall",  # a separator
    "a\\b",  # a Windows separator
    "C:x",  # a drive letter
    "gz-dept-overall\x00",  # a NUL byte
]


@pytest.mark.parametrize("name", PATH_NAMES)
@pytest.mark.parametrize(
    "lookup",
    [catalog.scheme, catalog.data, catalog.scheme_path, catalog.data_path],
)
def test_a_path_is_no_catalog_name(lookup: object, name: str) -> None:
    with pytest.raises(KeyError, match="names from the catalog only, not a file path"):
        lookup(name)  # type: ignore[operator]


@pytest.mark.parametrize("name", PATH_NAMES)
def test_an_indicator_is_no_path_either(name: str) -> None:
    with pytest.raises(KeyError, match="names from the catalog only, not a file path"):
        catalog.indicator(name)


def test_a_toml_file_elsewhere_is_neither_read_nor_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"\n', encoding="utf-8")
    stem = str(secret.with_suffix(""))
    for lookup in (catalog.scheme, catalog.data, catalog.scheme_of):
        with pytest.raises(KeyError) as info:
            lookup(stem)
        assert "hunter2" not in str(info.value)
        assert "password" not in str(info.value)


def test_the_command_line_takes_catalog_names_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('password = "hunter2"\n', encoding="utf-8")
    assert main(["catalog", str(secret.with_suffix(""))]) == 2
    err = capsys.readouterr().err
    assert "hunter2" not in err
    assert "不认文件路径" in err


@pytest.mark.parametrize("lookup", [catalog.scheme, catalog.data, catalog.scheme_path])
def test_a_name_is_text(lookup: object) -> None:
    with pytest.raises(TypeError, match=r"must be a str \(got \[1\] that is a list\)"):
        lookup([1])  # type: ignore[operator]


def test_bundled_names_still_work() -> None:
    assert catalog.scheme("gz-dept-overall").id == "gz-dept-overall"
    assert catalog.data("gz-internet-court-2022").entity == "广州互联网法院"
    assert catalog.scheme_of("gz-internet-court-2022") == "gz-dept-overall"
