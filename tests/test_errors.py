"""Every error class in both languages: its English ``str()`` and its Chinese text.

The expected texts are written out by hand.  ``str()`` stays the English text
(logs and callers rely on it); :func:`perfkpi.errors.message` gives either.
"""

from __future__ import annotations

import importlib
import pickle
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pytest

import perfkpi
from perfkpi import load_data, load_scheme
from perfkpi.check import StatedError
from perfkpi.errors import (
    AmbiguousValueError,
    DataError,
    DataValidationError,
    IncompatibleUnitError,
    PerfKPIError,
    RuleError,
    SchemeError,
    SchemeValidationError,
    TargetSyntaxError,
    UnknownUnitError,
    message,
)
from perfkpi.excel import OutputPathError
from perfkpi.explain import UnknownNodeError
from perfkpi.formulas import FormulaError, FormulaZeroDivisionError
from perfkpi.plot import PlotDependencyError
from perfkpi.report import ReportError
from perfkpi.whatif import GapError

Case = tuple[Callable[[], BaseException], str, str]

CASES: dict[str, Case] = {
    "TargetSyntaxError": (
        lambda: TargetSyntaxError("≥95 5", 4, "a number without spaces inside"),
        "cannot read '≥95 5' at character 4: expected a number without spaces inside",
        "无法读取 '≥95 5'：字符位置 4 处应为中间没有空格的数字",
    ),
    "UnknownUnitError": (
        lambda: UnknownUnitError("%x", ["%"], "≥95%x", 3),
        "unknown unit '%x' in '≥95%x' at character 3; did you mean '%'?",
        "未知单位 '%x'（见于 '≥95%x' 字符位置 3）；是否想写 '%'？",
    ),
    "IncompatibleUnitError": (
        lambda: IncompatibleUnitError(
            "小时 (duration)", "件 (count)", "[5件,10小时]", 4, "1.2"
        ),
        (
            "cannot compare 小时 (duration) with 件 (count) in '[5件,10小时]' at "
            "character 4 @ 1.2"
        ),
        "无法比较 小时（时长） 与 件（数量）（见于 '[5件,10小时]' 字符位置 4）（1.2）",
    ),
    "SchemeError": (
        lambda: SchemeError("s.toml:8: node 1", "rule: expected a number, got 'x'"),
        "rule: expected a number, got 'x' @ s.toml:8: node 1",
        "方案错误：规则：应为数字，实为 'x'（s.toml:8: 节点 1）",
    ),
    "SchemeValidationError": (
        lambda: SchemeValidationError(
            "invalid scheme s.toml",
            [
                SchemeError("s.toml: top level", "a scheme needs at least one node"),
                SchemeError("1", "an item needs a target"),
            ],
        ),
        (
            "invalid scheme s.toml (2 problems)\n"
            "  - a scheme needs at least one node @ s.toml: top level\n"
            "  - an item needs a target @ 1"
        ),
        (
            "方案 s.toml 无效（2 个问题）\n"
            "  - 方案至少需要一个节点（s.toml: 顶层）\n"
            "  - 扣分项需要指标值（1）"
        ),
    ),
    "DataError": (
        lambda: DataError("1.2", "missing actual value"),
        "missing actual value @ 1.2",
        "数据错误：缺少实际值（1.2）",
    ),
    "DataValidationError": (
        lambda: DataValidationError(
            "invalid data d.toml", [DataError("d.toml:3: node 9", "unknown node '9'")]
        ),
        "invalid data d.toml (1 problems)\n  - unknown node '9' @ d.toml:3: node 9",
        "数据 d.toml 无效（1 个问题）\n  - 未知节点 '9'（d.toml:3: 节点 9）",
    ),
    "AmbiguousValueError": (
        # a problem with no Chinese form: the frame is Chinese, the text kept
        lambda: AmbiguousValueError("1.2", "0.965 reads as 0.965 % or 96.5 %"),
        "0.965 reads as 0.965 % or 96.5 % @ 1.2",
        "数值有歧义：0.965 reads as 0.965 % or 96.5 %（1.2）",
    ),
    "RuleError": (
        lambda: RuleError("rule: expected a finite number, got inf"),
        "rule: expected a finite number, got inf",
        "评分规则错误：规则：应为有限的数，实为 inf",
    ),
    "StatedError": (
        lambda: StatedError("stated.toml", ["expected a table (got 1, a int)"]),
        "invalid stated figures stated.toml: expected a table (got 1, a int)",
        "申报数据 stated.toml 无效：应为表（实为 1，类型 int）",
    ),
    "ReportError": (
        lambda: ReportError("unknown format 'pdf'"),
        "unknown format 'pdf'",
        "报告参数错误：unknown format 'pdf'",
    ),
    "PlotDependencyError": (
        lambda: PlotDependencyError(
            "figures need matplotlib: install the plot extra with pip install "
            "'perfkpi[plot]'"
        ),
        (
            "figures need matplotlib: install the plot extra with pip install "
            "'perfkpi[plot]'"
        ),
        (
            "缺少作图组件：作图需要 matplotlib：请用 pip install 'perfkpi[plot]' "
            "安装 plot 附加组件"
        ),
    ),
    "OutputPathError": (
        lambda: OutputPathError("the output would overwrite an input"),
        "the output would overwrite an input",
        "输出路径错误：输出会覆盖一个输入文件",
    ),
    "UnknownNodeError": (
        lambda: UnknownNodeError("9.9", ["1", "1.1"]),
        "no node '9.9' in the evaluation; expected 'total' or one of 1, 1.1",
        "评价中没有节点 '9.9'；应为 'total' 或以下之一：1, 1.1",
    ),
    "GapError": (
        lambda: GapError("unknown levers ['nope']"),
        "unknown levers ['nope']",
        "无法计算差距：unknown levers ['nope']",
    ),
    "FormulaError": (
        lambda: FormulaError("a / ", 4, "expected a number", "the formula ends"),
        "expected a number in 'a / ' at character 4 (the formula ends)",
        # the detail has no Chinese form: it is kept as written
        "公式错误：应为数字（见于 'a / ' 字符位置 4）（the formula ends）",
    ),
    "FormulaZeroDivisionError": (
        lambda: FormulaZeroDivisionError("a / b", None, "division by zero"),
        "division by zero in 'a / b'",
        "公式错误：除以零（见于 'a / b'）",
    ),
    "PerfKPIError": (
        lambda: PerfKPIError("unknown node '9'"),
        "unknown node '9'",
        "错误：未知节点 '9'",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_both_languages(name: str) -> None:
    make, english, chinese = CASES[name]
    error = make()
    assert type(error).__name__ == name
    assert str(error) == english
    assert message(error, "en") == english
    assert message(error, "zh") == chinese
    assert message(error) == chinese  # Chinese by default, like the reports
    if isinstance(error, PerfKPIError):
        assert error.localized("zh") == chinese
        assert error.localized("en") == english


def _error_classes() -> set[str]:
    for module in pkgutil.walk_packages(perfkpi.__path__, "perfkpi."):
        if not module.name.endswith("__main__"):  # that one runs the CLI
            importlib.import_module(module.name)
    found: set[str] = set()
    todo: list[type[BaseException]] = [PerfKPIError]
    while todo:
        cls = todo.pop()
        if not cls.__module__.startswith("perfkpi"):
            continue
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def test_every_error_class_is_in_the_table() -> None:
    assert _error_classes() - set(CASES) == set()


def test_a_foreign_exception_gets_a_chinese_frame() -> None:
    assert message(OSError("disk on fire"), "zh") == "错误：disk on fire"
    assert message(OSError("disk on fire"), "en") == "disk on fire"


def test_a_wrong_language_or_error_is_refused() -> None:
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', not 'fr'"):
        message(DataError("1", "x"), "fr")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="error must be an exception, not str"):
        message("x")  # type: ignore[arg-type]


def test_file_line_and_column_are_kept_and_pickled() -> None:
    error = SchemeError(
        "s.toml:3: node 1", "an item needs a target", file="s.toml", line=3, column=7
    )
    assert (error.file, error.line, error.column) == ("s.toml", 3, 7)
    # str() does not change: where already names the place
    assert str(error) == "an item needs a target @ s.toml:3: node 1"
    again = pickle.loads(pickle.dumps(error))  # noqa: S301 (our own bytes)
    assert (again.file, again.line, again.column) == ("s.toml", 3, 7)
    assert str(again) == str(error)
    data = pickle.loads(pickle.dumps(DataError("1", "x", file="d.toml", line=2)))  # noqa: S301
    assert (data.file, data.line, data.column) == ("d.toml", 2, None)
    # without a place the attributes are None
    assert DataError("1", "x").line is None


def test_a_loaded_file_gives_its_problems_a_line(tmp_path: Path) -> None:
    folder = tmp_path
    scheme = folder / "s.toml"
    scheme.write_text(
        '[scheme]\nid = "x"\nname = "X"\n\n[[node]]\ncode = "1"\nname = "a"\n'
        'points = 10\nrul = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(SchemeValidationError) as info:
        load_scheme(scheme)
    (problem,) = info.value.exceptions
    assert isinstance(problem, SchemeError)
    # rul is on line 9
    assert (problem.file, problem.line) == (str(scheme), 9)
    data = folder / "d.json"
    data.write_text('{"actuals":\n  {"1": 1,}}', encoding="utf-8")
    with pytest.raises(DataValidationError) as info2:
        load_data(data)
    (bad,) = info2.value.exceptions
    assert isinstance(bad, DataError)
    # the stray comma: "}" where a key belongs, line 2, column 11
    assert (bad.file, bad.line, bad.column) == (str(data), 2, 11)
