"""The Chinese phrase table: what it translates, and how much is left in English.

Every place in perfkpi that raises an error with a free-text problem is found
in the source (the text as written, its ``{…}`` parts standing for what is
filled in) and looked up in :data:`perfkpi._messages.PHRASES`.  The count of
those with a Chinese form is printed and held to a floor here, and the places
users meet first (target texts, units, scheme and data files, evaluation
data) must all be translated.
"""

from __future__ import annotations

import ast
import collections
import itertools
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import perfkpi
from perfkpi._messages import PHRASES, phrase, text

SOURCE = Path(perfkpi.__file__).parent

# the error constructors, and which argument holds the free text
_CALLS = {
    "DataError": 1,
    "SchemeError": 1,
    "AmbiguousValueError": 1,
    "error": 1,  # files.read_limited's error class, called as error(where, problem)
    "RuleError": 0,
    "TargetSyntaxError": 2,
    "_Fail": 1,  # targets.py: what was expected, for a TargetSyntaxError
    "FormulaError": 2,
    "FormulaZeroDivisionError": 2,
    "GapError": 0,
    "ReportError": 0,
    "OutputPathError": 0,
    "PlotDependencyError": 0,
    "add": 2,  # files.py: problems.add(path, what, problem)
}

# the modules whose every literal problem has a Chinese form (all of them: the
# places left in English are texts built by a helper, found here as None)
_COMPLETE = (
    "targets.py",
    "units.py",
    "files.py",
    "evaluation.py",
    "scheme.py",
    "rules.py",
    "formulas.py",
    "deductions.py",
    "_declaration.py",
    "batch.py",
    "catalog.py",
    "cli.py",
    "excel.py",
    "grades.py",
    "plot.py",
    "report.py",
    "reviews.py",
    "targetreview.py",
    "targetsetting.py",
    "whatif.py",
    "years.py",
)


@attrs.frozen
class Site:
    """One raise site: where, the constructor, and the text (None: built elsewhere)."""

    module: str
    line: int
    call: str
    template: str | None


def _template(
    node: ast.expr, assigns: dict[str, list[tuple[int, ast.expr]]]
) -> str | None:
    """Return the text *node* builds, ``{}`` for each part filled in, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        out = ""
        for value in node.values:
            if isinstance(value, ast.Constant):
                out += str(value.value).replace("{", "{{").replace("}", "}}")
            else:
                out += "{}"
        return out
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left, assigns), _template(node.right, assigns)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.Name):
        before = [(n, v) for n, v in assigns.get(node.id, []) if n < node.lineno]
        if before:
            return _template(max(before, key=lambda x: x[0])[1], {})
    return None


def _sites(path: Path) -> Iterator[Site]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = str(path.relative_to(SOURCE))
    seen: set[tuple[int, str]] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        assigns: dict[str, list[tuple[int, ast.expr]]] = collections.defaultdict(list)
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
            ):
                assigns[node.targets[0].id].append((node.lineno, node.value))
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            index = _CALLS.get(name)
            if index is None or len(node.args) <= index:
                continue
            if name == "add" and not (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "problems"
            ):
                continue
            if (node.lineno, name) in seen:  # a nested function is walked twice
                continue
            seen.add((node.lineno, name))
            yield Site(module, node.lineno, name, _template(node.args[index], assigns))


def raise_sites() -> list[Site]:
    """Return every raise site with a free-text problem in perfkpi's source."""
    return [s for path in sorted(SOURCE.rglob("*.py")) for s in _sites(path)]


_FILLINGS = ("'x'", "1", "x", "")


def translated(site: Site) -> bool:
    """Whether the site's text, filled in, has a Chinese form.

    Each ``{}`` is filled with a quoted value, a number, a word or nothing
    (a hint that may be absent); every mix is tried for a text with up to
    four, one filling for all of them beyond that.
    """
    if site.template is None:
        return False
    parts = site.template.split("{}")
    holes = len(parts) - 1
    mixes = (
        itertools.product(_FILLINGS, repeat=holes)
        if holes <= 4
        else ((f,) * holes for f in _FILLINGS)
    )
    for mix in mixes:
        sample = parts[0] + "".join(f + p for f, p in zip(mix, parts[1:], strict=True))
        if phrase(sample.replace("{{", "{").replace("}}", "}")) is not None:
            return True
    return False


def test_the_count_of_translated_raise_sites(
    capsys: pytest.CaptureFixture[str],
) -> None:
    sites = raise_sites()
    done: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for site in sites:
        total[site.module] += 1
        done[site.module] += translated(site)
    with capsys.disabled():
        width = max(map(len, total))
        print("\nraise sites with a Chinese text, by module:")
        for module in sorted(total):
            print(f"  {module:<{width}}  {done[module]:>3} / {total[module]:>3}")
        print(f"  {'all':<{width}}  {sum(done.values()):>3} / {sum(total.values()):>3}")
    # the extraction finds the raise sites (there are hundreds), and all but
    # the texts built by helpers are translated; the figures are in docs/cli.md
    assert sum(total.values()) > 300
    assert sum(done.values()) >= 418


@pytest.mark.parametrize("module", _COMPLETE)
def test_each_complete_module_is_all_translated(module: str) -> None:
    # a literal problem text here has a Chinese form; a text built by a
    # helper (template None) is checked through the phrases it returns
    # a module split into a package counts with all its files
    package = module.removesuffix(".py") + "/"
    sites = [
        s for s in raise_sites() if s.module == module or s.module.startswith(package)
    ]
    left = [s for s in sites if s.template is not None and not translated(s)]
    assert left == []


def test_every_target_syntax_phrase_is_translated() -> None:
    sites = [s for s in raise_sites() if s.call in ("_Fail", "TargetSyntaxError")]
    assert len(sites) > 40  # the extraction sees the parser
    assert [s for s in sites if s.template is not None and not translated(s)] == []


def _warning_texts(path: Path) -> Iterator[tuple[str, int, str | None]]:
    """Yield each ``warnings.warn`` of *path*: its line and its text's template."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        assigns: dict[str, list[tuple[int, ast.expr]]] = collections.defaultdict(list)
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                assigns[node.targets[0].id].append((node.lineno, node.value))
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "warn"
                and node.args
            ):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Call) and arg.args:  # SchemeWarning(message)
                arg = arg.args[0]
            yield str(path.relative_to(SOURCE)), node.lineno, _template(arg, assigns)


def test_every_warning_has_a_chinese_form() -> None:
    # the command line prints perfkpi's warnings in the --lang language
    found = [w for path in sorted(SOURCE.rglob("*.py")) for w in _warning_texts(path)]
    assert len(found) >= 7  # the extraction sees them
    left = [
        (module, line, template)
        for module, line, template in found
        if not translated(Site(module, line, "warn", template))
    ]
    assert left == []


# -- the table itself ----------------------------------------------------------------


def test_no_english_template_is_listed_twice() -> None:
    english = [en for en, _ in PHRASES]
    repeated = [en for en, n in collections.Counter(english).items() if n > 1]
    assert repeated == []


def test_each_chinese_form_uses_the_fields_of_its_english() -> None:
    import string

    def fields(template: str) -> set[str]:
        return {
            name.partition(":")[0]
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        }

    wrong = [
        (en, zh)
        for en, zh in PHRASES
        if fields(zh)
        != fields(en.replace(":q}", "}").replace(":n}", "}").replace(":w}", "}"))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        # a phrase with a phrase inside: each is looked up
        ("rule: expected a number, got 'x'", "规则：应为数字，实为 'x'"),
        (
            "'points' must be a finite number (got 'ten', a str)",
            "'points' 应为有限的数（实为 'ten'，类型 str）",
        ),
        # a unit with its dimension
        ("expected % (ratio), got '5件'", "应为%（比率），实为 '5件'"),
        # a list of known phrases joined by "or" is translated part by part
        (
            "a number or a date with '以上', not a label",
            "与 '以上' 搭配的数字或日期，而不是等级词",
        ),
        # the parts that are values are kept as they are
        ("unknown node '9.9'", "未知节点 '9.9'"),
        (
            "cannot read file: No such file or directory",
            "无法读取文件：没有该文件或目录",
        ),
        # a value that reads two ways: every number and quote kept
        (
            (
                "the plain number 0.965 is read in the target's unit, as 0.965% "
                "against ≥95%; as a fraction (how a spreadsheet stores a percentage) "
                "it would be 96.5%: write it with its unit ('0.965%' or '96.5%') to "
                "say which"
            ),
            (
                "纯数字 0.965 按指标值的单位读作 0.965%（对照 ≥95%）；若按小数读"
                "（电子表格存百分比的方式）则是 96.5%：请带上单位写（'0.965%' 或 "
                "'96.5%'）以示区别"
            ),
        ),
        # a warning: the problem, then where it is
        (
            (
                "the target ≥0.95 looks like a fraction and the actual '90%' like "
                "a percentage (90 against ≥0.95); write the target with its unit "
                "(95%) or the actual as a fraction (and 2 other values of this "
                "column) @ 1.2"
            ),
            (
                "指标值 ≥0.95 像小数，而实际值 '90%' 像百分比（90 对照 ≥0.95）；"
                "请给指标值带上单位（95%），或把实际值写成小数"
                "（1.2；该列另有 2 个值同样如此）"
            ),
        ),
        (
            (
                "a.xlsx: sheet '表1' has hidden rows 4, 5 and columns C; they are "
                "read as if shown: unhide them to see what is scored"
            ),
            (
                "a.xlsx：工作表 '表1' 有隐藏的第 4, 5 行和 C 列；照常读取："
                "请取消隐藏，以便看清计分的内容"
            ),
        ),
        # suggestions joined by "or" are quoted values, kept as they are
        (
            (
                "no indicator '三公' in the catalog; did you mean '三公经费变动率' "
                "or '“三公”经费控制率'?"
            ),
            (
                "指标库中没有指标 '三公'；"
                "是否想写 '三公经费变动率' 或 '“三公”经费控制率'？"
            ),
        ),
        # argparse's messages, the argument named first
        (
            "argument --format: invalid choice: 'nope' (choose from 'text', 'json')",
            "参数 --format：无效的选项 'nope'（可选：'text', 'json'）",
        ),
    ],
)
def test_nested_phrases(english: str, chinese: str) -> None:
    assert text(english) == chinese


def test_an_unknown_text_is_kept_in_english() -> None:
    assert phrase("something perfkpi never says") is None
    assert text("something perfkpi never says") == "something perfkpi never says"
    # a known frame keeps the parts it does not know: "tea or coffee" is not
    # a list of known phrases, so it stays as written
    assert text("a number with 'x', not tea or coffee") == (
        "与 'x' 搭配的数字，而不是tea or coffee"
    )
