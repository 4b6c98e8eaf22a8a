"""The core indicator library and the bundled schemes and data sets."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from perfkpi import catalog, evaluate
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


def test_thirteen_families_in_order() -> None:
    families = catalog.families()
    assert [f.name for f in families] == [name for name, _ in FAMILIES]
    for family, (_, members) in zip(families, FAMILIES, strict=True):
        names = [catalog.indicator(code).name for code in family.codes]
        assert names == [name for name, _ in members]
    assert len(catalog.indicators()) == 15


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
]


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
    )
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
    assert "13 families, 15 indicators" in out
    for name, members in FAMILIES:
        assert f"  {name}\n" in out
        for indicator, _ in members:
            assert f"    {indicator}  " in out
    for scheme in catalog.schemes():
        assert f"  {scheme}  " in out


def test_cli_shows_one_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "预算执行率"]) == 0
    assert "formula      实际支出 / 预算数" in capsys.readouterr().out
    assert main(["catalog", "yy-dept-overall"]) == 0
    assert "    1.1  财政供养人员控制率  5  ≤100%" in capsys.readouterr().out
    assert main(["catalog", "gz-internet-court-2022"]) == 0
    assert "广州互联网法院 2022  for gz-dept-overall" in capsys.readouterr().out


def test_cli_unknown_entry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "三公"]) == 2
    assert "did you mean '三公经费变动率'" in capsys.readouterr().err


def test_cli_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["indicators"]) == 15
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
    assert "not a file path" in err


@pytest.mark.parametrize("lookup", [catalog.scheme, catalog.data, catalog.scheme_path])
def test_a_name_is_text(lookup: object) -> None:
    with pytest.raises(TypeError, match=r"must be a str \(got \[1\] that is a list\)"):
        lookup([1])  # type: ignore[operator]


def test_bundled_names_still_work() -> None:
    assert catalog.scheme("gz-dept-overall").id == "gz-dept-overall"
    assert catalog.data("gz-internet-court-2022").entity == "广州互联网法院"
    assert catalog.scheme_of("gz-internet-court-2022") == "gz-dept-overall"
