"""The Chinese forms of perfkpi's error messages.

An error's English text is its ``str()``; its Chinese text is built from the
same parts.  Every error class has a Chinese frame (``方案错误：…``), and the
free-text parts (what is wrong, what was expected) are looked up in
:data:`PHRASES`: English templates, as the code writes them, with their
Chinese forms.  A template's ``{name}`` fields match any text, which is itself
looked up (a nested phrase), so ``rule: expected a number, got 'x'`` becomes
``规则：应为数字，实际为 'x'``.  A text no template matches is kept in English
inside the Chinese frame: nothing is lost, and nothing is guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

__all__ = ["PHRASES", "chinese", "group_line", "phrase", "text"]

_DIMENSIONS: Final = {
    "area": "面积",
    "count": "数量",
    "date": "日期",
    "duration": "时长",
    "length": "长度",
    "level": "等级",
    "mass": "质量",
    "money": "金额",
    "month": "月份",
    "percentage-point": "百分点",
    "points": "分值",
    "rank": "名次",
    "ratio": "比率",
    "star": "星级",
    "volume": "体积",
    "workday": "工作日",
    "number": "数字",
}

_GENERIC_EN = (
    "a number with its unit (99%, 1小时), a date (2022年12月31日), a rank "
    "(全市第一, 前三) or a label (是, 优, 达成年度指标)"
)
_GENERIC_ZH = (
    "带单位的数字（99%、1小时）、日期（2022年12月31日）、名次（全市第一、前三）"
    "或等级词（是、优、达成年度指标）"
)

PHRASES: Final[tuple[tuple[str, str], ...]] = (
    *((f"{{symbol}} ({en})", f"{{symbol}}（{zh}）") for en, zh in _DIMENSIONS.items()),
    # -- the error classes' own frames, when quoted inside another message -----
    (
        "cannot read {text:q} at character {position:n}: expected {expected}",
        "无法读取 {text}：字符位置 {position} 处应为{expected}",
    ),
    (
        (
            "unknown unit {symbol:q} in {text:q} at character {position:n}; did you "
            "mean {suggestions}?"
        ),
        (
            "未知单位 {symbol}（见于 {text} 字符位置 {position}）；"
            "是否想写 {suggestions}？"
        ),
    ),
    (
        "unknown unit {symbol:q} in {text:q} at character {position:n}",
        "未知单位 {symbol}（见于 {text} 字符位置 {position}）",
    ),
    (
        "unknown unit {symbol}; did you mean {suggestions}?",
        "未知单位 {symbol}；是否想写 {suggestions}？",
    ),
    ("unknown unit {symbol}", "未知单位 {symbol}"),
    (
        "cannot compare {given} with {expected} in {text:q} at character {position:n}",
        "无法比较 {given} 与 {expected}（见于 {text} 字符位置 {position}）",
    ),
    ("cannot compare {given} with {expected}", "无法比较 {given} 与 {expected}"),
    # -- what a target text should have been (targets.py) ----------------------
    (
        "a target such as '≥99%', '3秒内' or '达成年度指标'",
        "指标值，如 '≥99%'、'3秒内' 或 '达成年度指标'",
    ),
    ("a value after {word}", "{word} 之后的值"),
    ("a value", "一个值"),
    ("one comparator, not both {a} and {b}", "一个比较词，而不是同时用 {a} 和 {b}"),
    (
        (
            "a day before 前 or 后 (2022年12月31日前), or a period end "
            "(2022年12月底前, 2022年底前)"
        ),
        "前、后之前写具体日期（2022年12月31日前），或写期末（2022年12月底前、2022年底前）",
    ),
    ("a valid target ({why})", "有效的指标值（{why}）"),
    (
        "(含) or (不含) after a one-sided comparison (90%(含)以上)",
        "单边比较之后的 (含) 或 (不含)（90%(含)以上）",
    ),
    (_GENERIC_EN, _GENERIC_ZH),
    (
        "a number in plain decimal notation (no exponent)",
        "普通小数写法的数字（不用指数）",
    ),
    ("digits after one decimal point", "只有一个小数点的数字"),
    (
        "digits in groups of three after a comma (50,123)",
        "逗号之后三位一组的数字（50,123）",
    ),
    ("a finite number", "有限的数"),
    (
        "a Chinese numeral such as 三, 十五 or 一百零五",
        "中文数字，如 三、十五 或 一百零五",
    ),
    ("a digit after the sign", "正负号之后的数字"),
    ("a number", "数字"),
    ("a label", "等级词"),
    ("a date", "日期"),
    ("a rank", "名次"),
    ("nothing after {word}N", "{word}N 之后不再有内容"),
    ("the unit {symbol} in the registry", "单位表中的单位 {symbol}"),
    ("a unit such as % or 小时 after the number", "数字之后的单位，如 % 或 小时"),
    ("a known unit", "已知的单位"),
    ("a place such as 第一 or 第3名", "名次，如 第一 或 第3名"),
    ("a place from 1 (第1名)", "从 1 起的名次（第1名）"),
    ("a place name such as 全市 before the rank", "名次之前的范围，如 全市"),
    (
        "a year: write it (2022年底前) or pass year=2022 to parse_target",
        "年份：写明年份（2022年底前），或给 parse_target 传 year=2022",
    ),
    (
        "a valid date ({y}年{m}月{d}日 does not exist)",
        "有效的日期（没有{y}年{m}月{d}日）",
    ),
    ("a valid date ({y}年{m}月 does not exist)", "有效的日期（没有{y}年{m}月）"),
    (
        "one separator between two ends (90%～110%)",
        "两端之间只有一个分隔符（90%～110%）",
    ),
    ("a range such as 90%～110%", "区间，如 90%～110%"),
    ("numbers on both sides of ±", "± 两边的数字"),
    ("a non-negative tolerance after ±", "± 之后的非负容差"),
    ("a finite range", "有限的区间"),
    ("one dimension", "两端量纲相同"),
    ("both ends {kind}s", "两端都是{kind}"),
    ("both labels from one scale", "两个等级词出自同一等级表"),
    ("one place name for both ranks", "两个名次的范围相同"),
    (
        "the lower end of the range first, and a non-empty range",
        "区间下限在前，且区间不为空",
    ),
    (
        "two values separated by one comma, as in [95%,105%]",
        "以一个逗号分隔的两个值，如 [95%,105%]",
    ),
    (
        "two values separated by one comma (write [1000,2000])",
        "以一个逗号分隔的两个值（写作 [1000,2000]）",
    ),
    (
        "two values separated by a comma, as in [95%,105%]",
        "以逗号分隔的两个值，如 [95%,105%]",
    ),
    ("an open bracket at infinity, as in [90%,+∞)", "无穷的一端用开括号，如 [90%,+∞)"),
    ("at least one finite end", "至少一端有限"),
    ("two conditions such as 60分以上70分以下", "两个条件，如 60分以上70分以下"),
    (
        "a lower bound and an upper bound (60分以上70分以下)",
        "一个下限和一个上限（60分以上70分以下）",
    ),
    ("a number with an optional unit", "数字，可带单位"),
    ("at most {n} characters (got {got})", "至多 {n} 个字符（实有 {got} 个）"),
    ("a number without spaces inside", "中间没有空格的数字"),
    (
        (
            "plain digits, signs and symbols (0-9, full-width ０-９, %, ≥), not {char} "
            "(U+{code} {name}, a look-alike of {plain})"
        ),
        (
            "普通的数字和符号（0-9、全角０-９、%、≥），而不是 {char}"
            "（U+{code} {name}，形似 {plain}）"
        ),
    ),
    (
        "two ends of a range with {word} (介于90%与110%之间)",
        "与 {word} 搭配的区间两端（介于90%与110%之间）",
    ),
    ("a value that {word} can qualify", "{word} 能修饰的值"),
    ("{kinds} with {word}, not {kind}", "与 {word} 搭配的{kinds}，而不是{kind}"),
    (
        (
            "'≥' or '≤' before a bare number (or a direction for the node: 'higher' or "
            "'lower')"
        ),
        "单独的数字前写 '≥' 或 '≤'（或为节点设 direction：'higher' 或 'lower'）",
    ),
    # -- actual values (targets.py, evaluation.py) ----------------------------
    ("expected a number, got {value} ({type})", "应为数字，实为 {value}（{type}）"),
    ("expected a number, got {value}", "应为数字，实为 {value}"),
    ("expected a finite number, got {value}", "应为有限的数，实为 {value}"),
    ("expected a date, got NaT", "应为日期，实为 NaT（缺失的日期）"),
    ("expected a date, got {value}", "应为日期，实为 {value}"),
    (
        "expected a date or a day ordinal (date.toordinal()), got {value}",
        "应为日期或日序数（date.toordinal()），实为 {value}",
    ),
    ("expected a day, got the period {value}", "应为具体的一天，实为期间 {value}"),
    ("expected one of {allowed}, got {value}", "应为以下之一：{allowed}，实为 {value}"),
    ("expected {what}, got {value}", "应为{what}，实为 {value}"),
    ("cannot read actual: {why}", "无法读取实际值：{why}"),
    ("a plain number", "纯数字"),
    (
        "a rank among {place}, but the target ranks among {other}",
        "在{place}的名次，但指标值是在{other}的名次",
    ),
    ("unknown parent node {code}", "未知的上级节点 {code}"),
    (
        "items go under 'deduct' nodes; {code} is not one",
        "扣分项应在 'deduct' 节点之下；{code} 不是",
    ),
    ("duplicate code {code}", "重复的编号 {code}"),
    ("actual given for unknown node {code}", "给了未知节点 {code} 的实际值"),
    (
        "node {code} is scored from others; it takes no actual",
        "节点 {code} 由下级计分，不取实际值",
    ),
    ("unknown node {code}", "未知节点 {code}"),
    ("missing actual value", "缺少实际值"),
    ("finding for unknown node {code}", "问题记在未知节点 {code} 上"),
    (
        "findings go on 'deduct' nodes; {code} is scored otherwise",
        "问题应记在 'deduct' 节点上；{code} 另有计分方式",
    ),
    (
        "the finding states no points and node {code} sets no per_finding",
        "该问题没写扣分，节点 {code} 也没设 per_finding",
    ),
    (
        "adjustments apply to scored leaves; {code} is not one",
        "调整只用于计分的末级指标；{code} 不是",
    ),
    ("expected Data or a mapping, got {type}", "应为 Data 或映射，实为 {type}"),
    (
        "every node is not applicable: there is nothing to score",
        "所有节点都不适用：没有可计分的内容",
    ),
    # -- relative targets and prior-year values ------------------------------------
    ("prior-year value for unknown node {code}", "给了未知节点 {code} 的上年值"),
    (
        (
            "node {code}'s target {target} is not relative to the prior year: its "
            "prior-year value would not be read"
        ),
        "节点 {code} 的指标值 {target} 不是相对上年的：它的上年值不会被读取",
    ),
    (
        "the target resolved with the prior-year value: {why}",
        "用上年值推出的指标值：{why}",
    ),
    ("give the prior-year table once, as 'prior'", "上年值表只给一次，写作 'prior'"),
    (
        "a prior-year value is a number or text with its unit ({got})",
        "上年值应为数字或带单位的文本（{got}）",
    ),
    ("the prior value {value} is too large", "上年值 {value} 太大"),
    (
        (
            "a change in per cent ({change}) is a share of the prior-year value, which "
            "must be above zero (got {value})"
        ),
        "以百分比表示的变化（{change}）是上年值的比例，上年值须大于零（实为 {value}）",
    ),
    (
        "missing prior-year value (上年) for the relative target {target}",
        "相对指标值 {target} 缺少上年值（上年）",
    ),
    ("cannot read the prior-year value (上年): {why}", "无法读取上年值（上年）：{why}"),
    (
        (
            "{target} against a prior-year rate of {prior} is read as a share of it "
            "({share}); as percentage points it would be {points}: write the change "
            "in 个百分点 for points, or the target itself for a share"
        ),
        (
            "{target} 对照上年比率 {prior}，按上年值的比例读作 {share}；若指百分点则是 "
            "{points}：指百分点请写“个百分点”，指比例请直接写出指标值"
        ),
    ),
    (
        "the size of the change after {word}, 0 or more",
        "{word} 之后的变化幅度，0 或以上",
    ),
    ("the size of the change after {word}", "{word} 之后的变化幅度"),
    (
        "a change in a unit of quantity (5%, 5个百分点, 100万元)",
        "以数量单位表示的变化（5%、5个百分点、100万元）",
    ),
    (
        "(上年<prior value>,即<target>) after a relative target",
        "相对指标值之后的 (上年<上年值>,即<指标值>)",
    ),
    (
        "a relative target (较上年提高5%) before (上年…)",
        "(上年…) 之前的相对指标值（较上年提高5%）",
    ),
    (
        "{target}, what {relative} gives with 上年{prior}",
        "{target}，即 {relative} 按上年{prior}推出的值",
    ),
    ("a prior value for {what} ({why})", "{what} 的上年值（{why}）"),
    (
        (
            "a unit with one reading: {word} is {unit} in speech (5{w2}钱) and a "
            "count of plots or boards (5{w3}地); write {money} (or {w4}钱) for "
            "money, or give the "
            "indicator's unit (unit='{u1}' or unit='{u2}')"
        ),
        (
            "只有一种读法的单位：{word} 口语里是 {unit}（5{w2}钱），"
            "也是地块或板块的数量"
            "（5{w3}地）；金额请写 {money}（或 {w4}钱），或给出指标的单位"
            "（unit='{u1}' 或 unit='{u2}'）"
        ),
    ),
    # -- reading files (files.py) ---------------------------------------------
    ("cannot read file: {why}", "无法读取文件：{why}"),
    ("cannot write: {why}", "无法写入：{why}"),
    ("No such file or directory", "没有该文件或目录"),
    ("Permission denied", "没有权限"),
    ("Is a directory", "是一个目录"),
    ("Not a directory", "不是目录"),
    ("File name too long", "文件名太长"),
    ("No space left on device", "设备上没有剩余空间"),
    (
        "file is {size} bytes; at most {limit} are read",
        "文件有 {size} 字节；至多读取 {limit} 字节",
    ),
    (
        "file is over {size} bytes; at most {limit} are read",
        "文件超过 {size} 字节；至多读取 {limit} 字节",
    ),
    (
        (
            "{kind}, not a regular file: perfkpi reads regular files only (the command "
            "line reads standard input from -)"
        ),
        "{kind}，不是普通文件：perfkpi 只读普通文件（命令行用 - 读标准输入）",
    ),
    ("a directory", "目录"),
    ("a FIFO (named pipe)", "FIFO（命名管道）"),
    ("a character device", "字符设备"),
    ("a block device", "块设备"),
    ("a socket", "套接字"),
    ("not a regular file", "非普通文件"),
    ("not UTF-8 text (byte {n})", "不是 UTF-8 文本（字节 {n} 处）"),
    (
        "unknown file type {suffix}; expected .toml or .json",
        "未知的文件类型 {suffix}；应为 .toml 或 .json",
    ),
    (
        (
            "malformed {format}: the string that starts at line {line}, "
            "column {column} never closes"
        ),
        "{format} 格式错误：第 {line} 行第 {column} 列开始的字符串没有结束",
    ),
    (
        "nested {depth} levels deep; at most {limit} are read",
        "嵌套 {depth} 层；至多读取 {limit} 层",
    ),
    ("malformed TOML: nested too deeply", "TOML 格式错误：嵌套过深"),
    ("malformed TOML: {why}", "TOML 格式错误：{why}"),
    (
        (
            "malformed JSON at line {line}: duplicate key {key} (a key may appear once "
            "in an object)"
        ),
        "JSON 格式错误，第 {line} 行：重复的键 {key}（一个对象里每个键只能出现一次）",
    ),
    (
        "malformed JSON: duplicate key {key} (a key may appear once in an object)",
        "JSON 格式错误：重复的键 {key}（一个对象里每个键只能出现一次）",
    ),
    (
        "malformed JSON at line {line}, column {column}: {why}",
        "JSON 格式错误，第 {line} 行第 {column} 列：{why}",
    ),
    ("malformed JSON: {why}", "JSON 格式错误：{why}"),
    ("expected a JSON object at the top level", "顶层应为 JSON 对象"),
    (
        (
            "scheme text is over {size} bytes; a scheme file is at most that "
            "(MAX_SCHEME_BYTES)"
        ),
        "方案文本超过 {size} 字节；方案文件至多这么大（MAX_SCHEME_BYTES）",
    ),
    (
        "invalid scheme {source}: {n} problems, the first {m} by line listed",
        "方案 {source} 无效：共 {n} 个问题，按行列出前 {m} 个",
    ),
    (
        "invalid data {source}: {n} problems, the first {m} by line listed",
        "数据 {source} 无效：共 {n} 个问题，按行列出前 {m} 个",
    ),
    ("invalid scheme {source}", "方案 {source} 无效"),
    ("invalid data {source}", "数据 {source} 无效"),
    ("invalid indicator", "指标无效"),
    ("{n} problems", "{n} 个问题"),
    # -- scheme and data file contents (files.py) -------------------------------
    ("got {value}, a {type}", "实为 {value}，类型 {type}"),
    ("{key} is required (text)", "缺少 {key}（文本）"),
    ("{key} must be text ({got})", "{key} 应为文本（{got}）"),
    ("{key} must be a finite number ({got})", "{key} 应为有限的数（{got}）"),
    ("{key} must be a whole number ({got})", "{key} 应为整数（{got}）"),
    ("{key} must be a table ({got})", "{key} 应为表（{got}）"),
    ("{key} must be a list of text ({got})", "{key} 应为文本的列表（{got}）"),
    ("{key} must be a list of tables ({got})", "{key} 应为表的列表（{got}）"),
    ("expected a table ({got})", "应为表（{got}）"),
    ("expected a list of tables ({got})", "应为表的列表（{got}）"),
    ("expected a list of [[node]] tables", "应为 [[node]] 表的列表"),
    (
        "unknown key {key}; did you mean {close}? (expected one of {allowed})",
        "未知的键 {key}；是否想写 {close}？（应为以下之一：{allowed}）",
    ),
    (
        "unknown key {key} (expected one of {allowed})",
        "未知的键 {key}（应为以下之一：{allowed}）",
    ),
    (
        "a [scheme] table with 'id' and 'name' is required",
        "需要含 'id' 与 'name' 的 [scheme] 表",
    ),
    (
        "the tree is {depth} levels deep here; at most {limit} are read",
        "此处树深 {depth} 层；至多读取 {limit} 层",
    ),
    ("a scheme document is a table ({got})", "方案文档应为表（{got}）"),
    ("a data document is a table ({got})", "数据文档应为表（{got}）"),
    ("an indicator is a table ({got})", "指标应为表（{got}）"),
    (
        "an input is a number, a percentage text or a list of numbers ({got})",
        "输入应为数字、百分比文本或数字列表（{got}）",
    ),
    (
        "'direction' must be 'higher', 'lower' or 'qualitative' (got {value})",
        "'direction' 应为 'higher'、'lower' 或 'qualitative'（实为 {value}）",
    ),
    (
        "'direction' must be 'higher' or 'lower' ({got})",
        "'direction' 应为 'higher' 或 'lower'（{got}）",
    ),
    (
        "'basis' must be one of {allowed} (got {value})",
        "'basis' 应为以下之一：{allowed}（实为 {value}）",
    ),
    ("formula: {why}", "公式：{why}"),
    ("rule: {why}", "规则：{why}"),
    ("target: {why}", "指标值：{why}"),
    (
        "a formula gives a number, but the target {target} is a label",
        "公式得出数字，但指标值 {target} 是等级词",
    ),
    (
        "a formula computes an actual, but the node takes none (no target)",
        "公式计算实际值，但该节点不取实际值（没有指标值）",
    ),
    (
        (
            "no indicator {name} in the catalog; did you mean {close}? (give a code or "
            "name of perfkpi.catalog.indicators(), or a table)"
        ),
        (
            "指标库中没有指标 {name}；是否想写 {close}？"
            "（给出 perfkpi.catalog.indicators() 中的编号或名称，或一张表）"
        ),
    ),
    (
        (
            "no indicator {name} in the catalog (give a code or name of "
            "perfkpi.catalog.indicators(), or a table)"
        ),
        (
            "指标库中没有指标 {name}"
            "（给出 perfkpi.catalog.indicators() 中的编号或名称，或一张表）"
        ),
    ),
    (
        "'grades' must be a scale's name or a table ({got})",
        "'grades' 应为等级表的名称或一张表（{got}）",
    ),
    (
        "an override is {{node = '…', grade = '…'}} (got {got})",
        "覆盖项写作 {{node = '…', grade = '…'}}（{got}）",
    ),
    (
        "'not_applicable' must be 'reweight' or 'full' (got {value})",
        "'not_applicable' 应为 'reweight' 或 'full'（实为 {value}）",
    ),
    (
        "'report_kind' must be one of {allowed} ({got})",
        "'report_kind' 应为以下之一：{allowed}（{got}）",
    ),
    ("cannot write {value}: more than 64 bits", "无法写出 {value}：超过 64 位"),
    ("cannot write {value}: not a finite number", "无法写出 {value}：不是有限的数"),
    ("cannot write a {type} ({value})", "无法写出 {type}（{value}）"),
    # -- scheme structure (scheme.py) -------------------------------------------
    (
        "a target must be a Target or its text (got {value})",
        "指标值应为 Target 或其文本（实为 {value}）",
    ),
    (
        "a node's direction is 'higher', 'lower' or None (got {value})",
        "节点的 direction 应为 'higher'、'lower' 或 None（实为 {value}）",
    ),
    ("points must be a number (got {value})", "分值应为数字（实为 {value}）"),
    (
        "a scheme's {field} must be a list (got {value})",
        "方案的 {field} 应为列表（实为 {value}）",
    ),
    (
        "a scheme's {field} must be text (got {value})",
        "方案的 {field} 应为文本（实为 {value}）",
    ),
    (
        "a scheme's not_applicable must be 'reweight' or 'full' (got {value})",
        "方案的 not_applicable 应为 'reweight' 或 'full'（实为 {value}）",
    ),
    (
        "a scheme's report_kind must be one of {allowed} (got {value})",
        "方案的 report_kind 应为以下之一：{allowed}（实为 {value}）",
    ),
    (
        "a scheme's {field} must be a {type} (got {value})",
        "方案的 {field} 应为 {type}（实为 {value}）",
    ),
    (
        "a node's rule must be a rule such as Proportional() (got {value})",
        "节点的 rule 应为评分规则，如 Proportional()（实为 {value}）",
    ),
    (
        "a node's indicator must be an Indicator (got {value})",
        "节点的 indicator 应为 Indicator（实为 {value}）",
    ),
    (
        (
            "the first-level nodes {codes} are ordinal grades (A = 4 … D = 1), but the "
            "total is graded on the default scale 优/良/中/差 (优 ≥ 90 points), so "
            "every "
            "entity would be 差: set grades = 'pefa', or name the scale meant"
        ),
        (
            "一级节点 {codes} 是序数等次（A = 4 … D = 1），但总分按默认等级 优/良/中/差"
            "（优 ≥ 90 分）评定，每个对象都会是差："
            "请设 grades = 'pefa'，或写明所用的等级表"
        ),
    ),
    (
        (
            "a child of {kind} node {code} must be graded (rule 'grade', "
            "'weakest-link' "
            "or 'grade-table')"
        ),
        (
            "{kind} 节点 {code} 的下级须评等次（规则 'grade'、'weakest-link' 或 "
            "'grade-table'）"
        ),
    ),
    ("a node's code must be text (got {value})", "节点的编号应为文本（实为 {value}）"),
    (
        "a node's parent must be a code as text (got {value})",
        "节点的 parent 应为文本形式的编号（实为 {value}）",
    ),
    (
        "a node's {field} must be text (got {value})",
        "节点的 {field} 应为文本（实为 {value}）",
    ),
    ("node {code} has an empty code", "节点 {code} 的编号为空"),
    ("unknown parent {code}", "未知的上级 {code}"),
    (
        "points must be a finite number >= 0 (got {value})",
        "分值应为 ≥0 的有限数（实为 {value}）",
    ),
    ("a scheme needs at least one node", "方案至少需要一个节点"),
    ("total points must be > 0 (got {value})", "总分值应 >0（实为 {value}）"),
    (
        "node is its own ancestor (a cycle of parents)",
        "节点是自己的上级（上级关系成环）",
    ),
    (
        "no first-level node (every node has a parent)",
        "没有一级节点（每个节点都有上级）",
    ),
    ("override names unknown node {code}", "覆盖项指向未知节点 {code}"),
    ("an override's node needs a target", "覆盖项的节点需要指标值"),
    (
        "{nodes} have no points, but their parent sums them",
        "{nodes} 没有分值，但其上级按分值相加",
    ),
    (
        "{children} sum to {total}, not {points}",
        "{children} 合计 {total}，而不是 {points}",
    ),
    (
        "a node without points is an item and must sit under a 'deduct' node",
        "没有分值的节点是扣分项，须在 'deduct' 节点之下",
    ),
    ("an item needs a target", "扣分项需要指标值"),
    ("children's points", "下级的分值"),
    ("an item takes a penalty rule, not {rule}", "扣分项只用扣分规则，而不是 {rule}"),
    ("an item cannot have children", "扣分项不能有下级"),
    (
        "a leaf with points needs a rule (e.g. 'proportional')",
        "有分值的末级指标需要评分规则（如 'proportional'）",
    ),
    (
        "rule {rule} is for items (nodes without points)",
        "规则 {rule} 用于扣分项（没有分值的节点）",
    ),
    (
        "rule {rule} scores a leaf, but the node has children",
        "规则 {rule} 为末级指标计分，但该节点有下级",
    ),
    ("rule {rule} needs children", "规则 {rule} 需要下级"),
    (
        "a child of 'deduct' node {code} must be an item (no points of its own)",
        "'deduct' 节点 {code} 的下级须为扣分项（自身没有分值）",
    ),
    (
        "a child of 'mean' node {code} needs points > 0 (its weight)",
        "'mean' 节点 {code} 的下级需要 >0 的分值（即权重）",
    ),
    (
        "an ordinal node's points must be the top rank {rank}",
        "序数节点的分值须为最高等次 {rank}",
    ),
    (
        (
            "code {code} holds invisible or direction-control characters "
            "({chars}); write it with visible characters only"
        ),
        "编号 {code} 含有不可见或方向控制字符（{chars}）；请只用可见字符",
    ),
    (
        (
            "code {code} looks the same as {other} (they differ only in invisible "
            "characters, spaces at the ends or character width)"
        ),
        "编号 {code} 看起来与 {other} 相同（只差在不可见字符、首尾空格或全半角）",
    ),
    (
        (
            "code {code} starts with {prefix}, which a batch table reserves for "
            "its own columns"
        ),
        "编号 {code} 以 {prefix} 开头，批量表把它留给自己的列",
    ),
    # -- rules (rules.py) -----------------------------------------------------------
    ("{name} must be a number (got {value})", "{name} 应为数字（实为 {value}）"),
    (
        "{name} must be a finite number >= 0 (got {value})",
        "{name} 应为 ≥0 的有限数（实为 {value}）",
    ),
    ("{name} must be > 0 (got {value})", "{name} 应 >0（实为 {value}）"),
    ("{name} must be finite (got {value})", "{name} 应为有限的数（实为 {value}）"),
    (
        "{name} must be true or false (got {value})",
        "{name} 应为 true 或 false（实为 {value}）",
    ),
    (
        "a band's condition must be a target or its text (got {value})",
        "分段的条件应为指标值或其文本（实为 {value}）",
    ),
    ("band condition: {why}", "分段条件：{why}"),
    (
        "'bands' must be a list of bands (got {value})",
        "'bands' 应为分段的列表（实为 {value}）",
    ),
    ("rule 'bands' needs at least one band", "规则 'bands' 至少需要一个分段"),
    (
        "a band is {{when = '…', score = …}}, got {value}",
        "分段写作 {{when = '…', score = …}}，实为 {value}",
    ),
    (
        "'places' must be a whole number from 0 to {limit} (got {value})",
        "'places' 应为 0 到 {limit} 的整数（实为 {value}）",
    ),
    (
        "'scores' must be a non-empty table of label = points (got {value})",
        "'scores' 应为非空的 等级词 = 分值 表（实为 {value}）",
    ),
    (
        "points for {label} must be a number (got {value})",
        "{label} 的分值应为数字（实为 {value}）",
    ),
    (
        "points for {label} must be >= 0 (got {value})",
        "{label} 的分值应 ≥0（实为 {value}）",
    ),
    (
        "'items' must be a list of names (got {value})",
        "'items' 应为名称的列表（实为 {value}）",
    ),
    ("goalposts 'min' and 'max' must differ", "目标区间的 'min' 与 'max' 不能相同"),
    ("log goalposts need 'min' and 'max' > 0", "对数目标区间需要 'min' 与 'max' 都 >0"),
    (
        "'every' must be one of {allowed} (got {value})",
        "'every' 应为以下之一：{allowed}（实为 {value}）",
    ),
    (
        "'mean' must be 'arithmetic' or 'geometric' (got {value})",
        "'mean' 应为 'arithmetic' 或 'geometric'（实为 {value}）",
    ),
    (
        "'table' must be a non-empty table of grades = grade (got {value})",
        "'table' 应为非空的 等次组合 = 等次 表（实为 {value}）",
    ),
    (
        (
            '\'table\' maps grades such as "A,C" to a grade such as "B" '
            "(got {key} = {value})"
        ),
        (
            '\'table\' 把 "A,C" 这样的等次组合对应到 "B" 这样的等次'
            "（实为 {key} = {value}）"
        ),
    ),
    (
        "'scale' must be the name of an ordinal scale (got {value})",
        "'scale' 应为序数等级表的名称（实为 {value}）",
    ),
    (
        "a rule is a kind name or a table with 'kind', got {value}",
        "评分规则写作规则名，或含 'kind' 的表，实为 {value}",
    ),
    (
        "unknown rule kind {kind}; expected one of {allowed}",
        "未知的规则 {kind}；应为以下之一：{allowed}",
    ),
    (
        "rule {kind} takes {allowed}, not {given}",
        "规则 {kind} 只取 {allowed}，不取 {given}",
    ),
    ("rule {kind}: {why}", "规则 {kind}：{why}"),
    ("count {count} exceeds the {n} items", "数量 {count} 超过了 {n} 项"),
    (
        "unknown checklist items {items}; expected {allowed}",
        "未知的清单项 {items}；应为 {allowed}",
    ),
    ("unknown tier {tier}; expected {allowed}", "未知的档次 {tier}；应为 {allowed}"),
    ("score {score} is outside [0, {top}]", "得分 {score} 超出 [0, {top}]"),
    (
        "score {score} is outside {tier}'s band [{lo}, {hi}",
        "得分 {score} 超出 {tier} 的区间 [{lo}, {hi}",
    ),
    (
        "a log goalpost needs an actual > 0, got {value}",
        "对数目标区间需要 >0 的实际值，实为 {value}",
    ),
    ("conversion table has no row for {value}", "换算表中没有 {value} 这一行"),
    # -- values that read two ways (rules.py) ------------------------------------
    (
        (
            "the plain number {value} is read in the target's unit, as {shown}% "
            "against {target}; as a fraction (how a spreadsheet stores a "
            "percentage) it would be {percent}%: write it with its unit ({a} or "
            "{b}) to say which"
        ),
        (
            "纯数字 {value} 按指标值的单位读作 {shown}%（对照 {target}）；"
            "若按小数读（电子表格存百分比的方式）则是 {percent}%："
            "请带上单位写（{a} 或 {b}）以示区别"
        ),
    ),
    (
        (
            "the target {target} has no unit but the actual {value} is a "
            "percentage, compared as {shown} with {plain}; if the target is a "
            "fraction, write it as a percentage (0.95 → 95%)"
        ),
        (
            "指标值 {target} 没有单位，而实际值 {value} 是百分比，"
            "按 {shown} 与 {plain} 比较；若指标值是小数，请写成百分比（0.95 → 95%）"
        ),
    ),
    (
        (
            "the target {target} looks like a fraction and the actual {value} "
            "like a percentage ({shown} against {plain}); write the target with "
            "its unit (95%) or the actual as a fraction"
        ),
        (
            "指标值 {target} 像小数，而实际值 {value} 像百分比"
            "（{shown} 对照 {plain}）；请给指标值带上单位（95%），或把实际值写成小数"
        ),
    ),
    # -- findings, items and inputs (deductions.py, formulas.py) --------------------
    ("{name} must be a finite number >= 0", "{name} 应为 ≥0 的有限数"),
    ("{name} must not be empty", "{name} 不能为空"),
    ("an adjustment must carry a reason (偏离度说明)", "调整须写明理由（偏离度说明）"),
    (
        "{name} must be a mapping by code or name (got {value})",
        "{name} 应为按编号或名称的映射（实为 {value}）",
    ),
    (
        "{name} must be a list of {what} (got {value})",
        "{name} 应为 {what} 的列表（实为 {value}）",
    ),
    ("expected a {what} (got {value})", "应为 {what}（实为 {value}）"),
    (
        "not_applicable must be a list of node codes (got {value})",
        "not_applicable 应为节点编号的列表（实为 {value}）",
    ),
    (
        "not_applicable holds node codes as text (got {value})",
        "not_applicable 中的节点编号应为文本（实为 {value}）",
    ),
    ("unknown keys {keys}; expected {allowed}", "未知的键 {keys}；应为 {allowed}"),
    ("look-alike character {char}", "形似的字符 {char}"),
    ("unexpected character {char}", "意外的字符 {char}"),
    ("number too large", "数字太大"),
    (
        "input {name} must be a number or an array of numbers",
        "输入 {name} 应为数字或数字数组",
    ),
    (
        "input {name} must be numbers, not booleans",
        "输入 {name} 应为数字，而不是布尔值",
    ),
    ("input {name} is written in {unit}", "输入 {name} 写成了 {unit}"),
    (
        "input {name} must be a number or a rectangular array of numbers",
        "输入 {name} 应为数字或规整的数字数组",
    ),
    ("input {name} is not a number", "输入 {name} 不是数字"),
    ("input {name} is not finite", "输入 {name} 不是有限的数"),
    ("a formula is text", "公式应为文本"),
    ("formula is {n} characters long", "公式长 {n} 个字符"),
    ("inputs for unknown node {code}", "给了未知节点 {code} 的输入"),
    ("missing input {name} for {code}", "{code} 缺少输入 {name}"),
    (
        "{name} gives {n} values, not one (reduce a list with sum, mean, min or max)",
        "{name} 给出 {n} 个值，而不是一个（用 sum、mean、min 或 max 归并列表）",
    ),
    (
        "both an actual ({actual}) and inputs giving {value}; give one",
        "既给了实际值（{actual}）又给了得出 {value} 的输入；只给一种",
    ),
    ("node {code} has no formula to take inputs", "节点 {code} 没有公式，不取输入"),
    ("expected {what}", "应为{what}"),
    ("nested too deeply", "嵌套过深"),
    ("unknown function {name}", "未知的函数 {name}"),
    ("abs takes one argument", "abs 只取一个参数"),
    ("unknown name {name}", "未知的名称 {name}"),
    ("inputs must be a mapping of name to value", "输入应为 名称 → 值 的映射"),
    ("shapes {a} and {b} do not broadcast", "形状 {a} 与 {b} 无法广播"),
    ("result too large for a number", "结果太大，超出数字范围"),
    ("division by zero", "除以零"),
    ("{name} of no values", "{name} 没有可计算的值"),
    ("arguments of {name} do not broadcast", "{name} 的参数无法广播"),
    # -- 申报表 workbooks (_declaration.py) -------------------------------------
    (
        "no sheet holds an indicator table (a row with the labels {labels})",
        "没有工作表含指标表（即有 {labels} 列名的一行）",
    ),
    (
        "several sheets hold an indicator table ({names}): name one",
        "多个工作表含指标表（{names}）：请指定其一",
    ),
    ("no sheet {name:q} (it has {names})", "没有工作表 {name}（现有 {names}）"),
    # -- a workbook's table of entities (excel/_columns.py, batch) -------------
    ("no sheet {name:q}; it has {names}", "没有工作表 {name}；现有 {names}"),
    (
        (
            "{count:n} sheets hold data ({names}); name the one to read (sheet=, "
            "or --sheet): the sheet of a year or a region is not guessed"
        ),
        (
            "{count} 个工作表含数据（{names}）：请指定要读取的一个（sheet= 或 "
            "--sheet）；不猜测哪一个是某年或某地区的工作表"
        ),
    ),
    ("no visible sheet holds a table", "没有可见的工作表含表格"),
    (
        (
            "no visible sheet holds a table (hidden sheets are read only when "
            "named: {names})"
        ),
        "没有可见的工作表含表格（隐藏的工作表只在指定时读取：{names}）",
    ),
    ("the sheet is empty: expected a header row", "工作表为空：应有一行列名"),
    (
        "a column with values has no name in the header row",
        "有值的一列在列名行中没有列名",
    ),
    ("two columns are named {name:q}", "两列同名：{name}"),
    (
        (
            "two columns are named {name:q} (a header cell merged across columns: "
            "the table needs one header row, a name in each column)"
        ),
        "两列同名：{name}（列名单元格跨列合并：表格须只有一行列名，每列各有列名）",
    ),
    (
        "a column name must be text, not {kind:w} {value}",
        "列名应为文本，而不是 {kind} {value}",
    ),
    (
        (
            "the column name is the number {value}: node codes are text (1.1 and "
            "1.10 are one number); format the cell as text and write the code again"
        ),
        (
            "列名是数字 {value}：节点代码是文本（1.1 与 1.10 是同一个数）；"
            "请将单元格设为文本格式后重新填写代码"
        ),
    ),
    (
        (
            "a row of {what} is not an entity: scored as one, it would stand among "
            "them; remove the row, or read a sheet without it"
        ),
        "{what}行不是被评价对象：若作为对象评分，会混在对象之中；请删除该行，或读取不含该行的工作表",
    ),
    (
        "sheet= is for a workbook; {path} is not one",
        "sheet= 只用于工作簿；{path} 不是工作簿",
    ),
    ("sheet= is for the path of a workbook only", "sheet= 只用于工作簿的路径"),
    (
        (
            "{rows:n} rows do not fit a sheet (at most {most:n} below the header): "
            "write CSV (to_csv) or Parquet (to_frame) instead"
        ),
        (
            "{rows} 行超出一个工作表的容量（列名行以下至多 {most} 行）："
            "请改写为 CSV（to_csv）或 Parquet（to_frame）"
        ),
    ),
    (
        (
            "an Excel workbook, not CSV: give the workbook's path (a workbook is "
            "read from its file), or save the sheet as CSV"
        ),
        (
            "这是 Excel 工作簿，不是 CSV：请给出工作簿的路径（工作簿从其文件读取），"
            "或将工作表另存为 CSV"
        ),
    ),
    (
        (
            "reading a workbook needs the excel extra (pip install "
            "'perfkpi[excel]'); or save the sheet as CSV (UTF-8)"
        ),
        (
            "读取工作簿需要 excel 扩展（pip install 'perfkpi[excel]'）；"
            "或将工作表另存为 CSV（UTF-8）"
        ),
    ),
    ("the sheet is hidden: unhide it", "该工作表已隐藏：请取消隐藏"),
    (
        "no indicator table: no row holds the labels {labels}",
        "没有指标表：没有哪一行含列名 {labels}",
    ),
    (
        (
            "a hidden sheet holds an indicator table: unhide it or delete it, so "
            "that what is reviewed is what is seen"
        ),
        "隐藏的工作表含指标表：请取消隐藏或删除，使审核的即是看到的",
    ),
    (
        (
            "hidden rows inside the indicator table ({rows}): unhide or delete "
            "them, so that what is reviewed is what is seen"
        ),
        "指标表内有隐藏的行（{rows}）：请取消隐藏或删除，使审核的即是看到的",
    ),
    (
        "the table's column {letters} is hidden: unhide it",
        "指标表的 {letters} 列已隐藏：请取消隐藏",
    ),
    (
        "a 指标值 ({value}) without a 三级指标 name",
        "有指标值（{value}）而没有三级指标名称",
    ),
    # -- batch tables (perfkpi.batch) --------------------------------------------
    ("cannot read: {why}", "无法读取：{why}"),
    ("empty file: expected a header row", "空文件：应有表头行"),
    ("malformed CSV: {why}", "CSV 格式错误：{why}"),
    ("columns= is for a 2-D array only", "columns= 只用于二维数组"),
    (
        "evaluate_batch takes a table; for one Data use evaluate()",
        "evaluate_batch 只取数据表；单个 Data 请用 evaluate()",
    ),
    ("a 2-D array", "二维数组"),
    ("{n:n} dimensions", "{n} 维"),
    (
        "a 2-D array needs columns=, one code per column ({n:n})",
        "二维数组需要 columns=，每列一个编号（共 {n} 列）",
    ),
    (
        (
            "a batch takes the items declared in the scheme only: add the "
            "entity's items to the scheme as nodes, or give their points as a "
            "'{prefix}<code>' column"
        ),
        (
            "批量评价只取方案中列明的扣分项：请把该对象的扣分项作为节点加入方案，"
            "或以 '{prefix}<code>' 列给出其扣分"
        ),
    ),
    (
        "expected a table of columns, got one entity's data; use evaluate()",
        "应为按列给出的数据表，实为单个对象的数据；请用 evaluate()",
    ),
    (
        "column has {n:n} rows, the first column {m:n}",
        "该列有 {n} 行，而第一列有 {m} 行",
    ),
    ("a column must be one-dimensional", "列应为一维"),
    (
        "expected a column (a sequence or array), got {type}",
        "应为一列（序列或数组），实为 {type}",
    ),
    ("no column {name:q} to label the rows", "没有用来标注各行的列 {name}"),
    (
        "missing columns {names} (one per input node)",
        "缺少列 {names}（每个输入节点一列）",
    ),
    (
        "findings go on 'deduct' nodes; {code} is {what}",
        "问题应记在 'deduct' 节点上；{code} 是{what}",
    ),
    ("an unknown node", "未知节点"),
    ("scored otherwise", "另有计分方式的节点"),
    (
        "input {key:q} is given twice (also as {other:q})",
        "输入 {key} 给了两次（又作 {other}）",
    ),
    (
        (
            "the target {target} is relative to the prior-year value, which "
            "differs from entity to entity: score such a scheme one entity at a "
            "time with evaluate(scheme, Data(prior={{code: value}}))"
        ),
        (
            "指标值 {target} 相对于上年值，而上年值因对象而异："
            "这样的方案请逐个对象评价，"
            "用 evaluate(scheme, Data(prior={{code: value}}))"
        ),
    ),
    ("duplicate column {name}", "重复的列 {name}"),
    (
        (
            "{n:n} cells, the header has {width:n} (a number with a thousands "
            'separator, such as 1,234.5, must be quoted: "1,234.5", or written '
            "1234.5)"
        ),
        (
            "{n} 个单元格，而表头有 {width} 个（带千位分隔符的数字，如 1,234.5，"
            '须加引号写作 "1,234.5"，或写作 1234.5）'
        ),
    ),
    ("{n:n} cells, the header has {width:n}", "{n} 个单元格，而表头有 {width} 个"),
    (
        (
            "{n:n} cells, the header has {width:n} (one of {rows:n} rows of the "
            "wrong width; the first {first:n} name their lines)"
        ),
        (
            "{n} 个单元格，而表头有 {width} 个（共 {rows} 行宽度不符；"
            "列出前 {first} 行的行号）"
        ),
    ),
    # -- the catalog (perfkpi.catalog) --------------------------------------------
    ("needs a known taxonomy (got {tax})", "需要已知的分类体系（实为 {tax}）"),
    (
        "category {category} is not a class of {tax}",
        "类别 {category} 不属于 {tax} 的分类",
    ),
    ("malformed: {why}", "格式错误：{why}"),
    (
        "unexpected {words}: give one NAME, or search QUERY",
        "多余的 {words}：请只给一个 NAME，或 search QUERY",
    ),
    (
        "give one QUERY: perfkpi catalog search QUERY",
        "请只给一个 QUERY：perfkpi catalog search QUERY",
    ),
    (
        "give a NAME: perfkpi catalog show NAME",
        "请给出 NAME：perfkpi catalog show NAME",
    ),
    # -- workbooks (perfkpi.excel) --------------------------------------------------
    (
        "the scheme this workbook records cannot be read: {why}",
        "无法读取本工作簿记录的方案：{why}",
    ),
    (
        "{path}: the output would overwrite the input {source}",
        "{path}：输出会覆盖输入文件 {source}",
    ),
    # -- grades, reports and reviews ------------------------------------------------
    (
        "unknown grade scale {name:q}; expected one of {known}",
        "未知的等级表 {name}；应为以下之一：{known}",
    ),
    (
        "unknown report format {format:q}; expected one of {known}",
        "未知的报告格式 {format}；应为以下之一：{known}",
    ),
    (
        "signature must be a Signature (got {type})",
        "signature 应为 Signature（实为 {type}）",
    ),
    (
        "the signature's date must be a date or YYYY-MM-DD text (got {value})",
        "签章日期应为日期或 YYYY-MM-DD 文本（实为 {value}）",
    ),
    (
        "unknown report language {lang:q}; expected one of {known}",
        "未知的报告语言 {lang}；应为以下之一：{known}",
    ),
    (
        "unknown report kind {kind}; expected one of {known}",
        "未知的报告类型 {kind}；应为以下之一：{known}",
    ),
    (
        "reasons must be a mapping of node codes to text (got {type})",
        "reasons 应为 节点编号 → 文本 的映射（实为 {type}）",
    ),
    (
        "a whole number of at least 1, not {value}",
        "应为不小于 1 的整数，而不是 {value}",
    ),
    ("no file to review (looked for {kinds})", "没有可复核的文件（查找的是 {kinds}）"),
    ("no such file or folder", "没有该文件或文件夹"),
    ("lang must be 'zh' or 'en', not {lang}", "lang 应为 'zh' 或 'en'，而不是 {lang}"),
    ("unknown option(s): {names}", "未知的选项：{names}"),
    ("the review workbook is written as .xlsx", "复核工作簿写为 .xlsx"),
    # -- declared indicators and proposed targets (targetreview, targetsetting) -----
    ("'items' must be a list of tables", "'items' 应为表的列表"),
    (
        "no declared indicator {name} (give a name or node code)",
        "没有申报的指标 {name}（请给出指标名称或节点编号）",
    ),
    (
        "a 申报表 is the whole declared set: give no data beside it",
        "申报表即全部申报内容：不要另给数据",
    ),
    ("the data is for scheme {named}, not {id}", "该数据属于方案 {named}，而不是 {id}"),
    ("cannot read {value:q}: {why}", "无法读取 {value}：{why}"),
    (
        "{value} has a unit, but the indicator has none",
        "{value} 带单位，但该指标没有单位",
    ),
    (
        "a table of columns needs years=: the names of its year columns",
        "按列给出的表需要 years=：即各年份列的列名",
    ),
    ("no column {name:q} (columns: {names})", "没有列 {name}（现有列：{names}）"),
    ("year columns differ in length: {lengths}", "各年份列的长度不一：{lengths}"),
    ("no column {name:q} in the table", "表中没有列 {name}"),
    # -- gaps and what-ifs (perfkpi.whatif) -------------------------------------------
    ("no node {code:q} in scheme {id:q}", "方案 {id} 中没有节点 {code}"),
    (
        "no finding {index:n}; the entity has {n:n}",
        "没有编号为 {index} 的问题（从 0 起）；该对象共有 {n} 个问题",
    ),
    (
        "grade {grade} has no band in scale {scale}; expected {known}",
        "等级 {grade} 在等级表 {scale} 中没有分数段；应为 {known}",
    ),
    (
        "max_changes must be a whole number 0-{limit:n} (got {value})",
        "max_changes 应为 0 到 {limit} 的整数（实为 {value}）",
    ),
    (
        "unknown levers {levers}; expected some of {known}",
        "未知的改进途径 {levers}；应取以下若干：{known}",
    ),
    # -- several years of one table (years.py) ----------------------------------------
    (
        (
            "{n:n} rows could not be read (the first is row {first:n}): every row "
            "must be read to line the years up"
        ),
        "{n} 行无法读取（第一处是第 {first} 行）：须读出每一行才能按年份对齐",
    ),
    ("no such column in the table", "表中没有该列"),
    (
        "row {row:n}: the year {value} is not a whole number",
        "第 {row} 行：年份 {value} 不是整数",
    ),
    (
        "rows {a:n} and {b:n} are both {id} in {year}: one row per entity and year",
        "第 {a} 行与第 {b} 行都是 {id} 的 {year} 年数据：每个对象每年只能有一行",
    ),
    # -- texts built by helpers: workbooks, the catalog, proposed targets ----------
    (
        (
            "the merged range {range} spans {what} over an indicator's own cells "
            "(三级指标, 指标性质, 指标值, 度量单位): unmerge it and give each "
            "indicator its own"
        ),
        (
            "合并单元格 {range} 跨{what}，覆盖了指标自身的单元格（三级指标、指标性质、"
            "指标值、度量单位）：请取消合并，让每个指标各占其单元格"
        ),
    ),
    ("several indicator rows", "多个指标行"),
    ("several columns", "多列"),
    ("invalid workbook {source}", "工作簿 {source} 无效"),
    ("unsupported file type: {what}", "不支持的文件类型：{what}"),
    (
        "not an Excel workbook (.xlsx): not a zip archive",
        "不是 Excel 工作簿（.xlsx）：不是 zip 压缩包",
    ),
    (
        "not an Excel workbook (.xlsx): a damaged zip archive ({why})",
        "不是 Excel 工作簿（.xlsx）：zip 压缩包已损坏（{why}）",
    ),
    (
        "not an Excel workbook (.xlsx): a zip archive without xl/workbook.xml",
        "不是 Excel 工作簿（.xlsx）：zip 压缩包中没有 xl/workbook.xml",
    ),
    (
        "a macro-enabled workbook (.xlsm); save it as .xlsx without macros",
        "启用宏的工作簿（.xlsm）；请另存为不含宏的 .xlsx",
    ),
    (
        "the workbook holds {n:n} bytes once uncompressed; at most {limit:n} are read",
        "工作簿解压后有 {n} 字节；至多读取 {limit} 字节",
    ),
    (
        "the workbook's shared strings take {n:n} bytes; at most {limit:n} are read",
        "工作簿的共享字符串占 {n} 字节；至多读取 {limit} 字节",
    ),
    (
        (
            "an Excel 97-2003 workbook (.xls): reading it needs the xls extra "
            "(pip install 'perfkpi[xls]'), or save it as .xlsx (Excel Workbook)"
        ),
        (
            "Excel 97-2003 工作簿（.xls）：读取它需要 xls 附加组件"
            "（pip install 'perfkpi[xls]'），或另存为 .xlsx（Excel 工作簿）"
        ),
    ),
    (
        (
            "an Excel 97-2003 workbook (.xls) or an encrypted workbook that cannot "
            "be read ({why}); save it as .xlsx (Excel Workbook)"
        ),
        (
            "无法读取的 Excel 97-2003 工作簿（.xls）或加密工作簿（{why}）；"
            "请另存为 .xlsx（Excel 工作簿）"
        ),
    ),
    (
        "sheet {sheet:q} holds more than {n:n} cells (row {row:n} reached)",
        "工作表 {sheet} 超过 {n} 个单元格（读到第 {row} 行）",
    ),
    (
        (
            "sheet {sheet:q} spans {rows:n} rows × {columns:n} columns; at most "
            "{n:n} cells are read"
        ),
        "工作表 {sheet} 占 {rows} 行 × {columns} 列；至多读取 {n} 个单元格",
    ),
    (
        "{why}; at most {n:n} cells are read",
        "{why}；至多读取 {n} 个单元格",
    ),
    (
        "no bundled {kind} {name:q}; known: {known}",
        "没有内置的 {kind} {name}；现有：{known}",
    ),
    (
        (
            "no bundled {kind} {name:q} (names from the catalog only, not a file "
            "path); known: {known}"
        ),
        "没有内置的 {kind} {name}（只认指标库中的名称，不认文件路径）；现有：{known}",
    ),
    (
        "no indicator {name:q} (names from the catalog only, not a file path)",
        "没有指标 {name}（只认指标库中的名称，不认文件路径）",
    ),
    (
        "no indicator {name:q} in the catalog; did you mean {close}?",
        "指标库中没有指标 {name}；是否想写 {close}？",
    ),
    ("no indicator {name:q} in the catalog", "指标库中没有指标 {name}"),
    ("no taxonomy {name:q}; known: {known}", "没有分类体系 {name}；现有：{known}"),
    (
        (
            "a spending standard is a ceiling for lower-is-better (cost) indicators "
            "only, and this row is higher-is-better"
        ),
        "支出标准只是越低越好（成本）指标的上限，而本行指标越高越好",
    ),
    ("no plan figure (计划标准) was given", "没有给出计划标准"),
    ("no spending standard (预算支出标准) was given", "没有给出预算支出标准"),
    (
        "no history, plan or spending standard to propose a target from",
        "没有历史数据、计划标准或支出标准可据以提出指标值",
    ),
    (
        "the three-year mean needs three years of actuals, got {n:n}",
        "三年平均需要三年的实际值，实有 {n} 年",
    ),
    (
        "year column {n:n} of the history is not a finite number (NaN)",
        "历史数据的第 {n} 个年份列不是有限的数（NaN）",
    ),
    # -- warnings -------------------------------------------------------------------
    ("{problem} @ {where}", "{problem}（{where}）"),
    (
        "{problem} (and 1 other value of this column) @ {where}",
        "{problem}（{where}；该列另有 1 个值同样如此）",
    ),
    (
        "{problem} (and {n:n} other values of this column) @ {where}",
        "{problem}（{where}；该列另有 {n} 个值同样如此）",
    ),
    (
        (
            "scheme {id}: nodes {nodes} take a geometric mean of composite-index "
            "parts rounded at stage {stage}; composite indices such as the HDI "
            "round only the final value, so set rounding stage = 'total' (or say "
            "so in the scheme's description if the rounding is meant)"
        ),
        (
            "方案 {id}：节点 {nodes} 对在 {stage} 阶段已修约的综合指数分项取几何平均；"
            "人类发展指数（HDI）等综合指数只对最终值修约，请设 rounding stage = "
            "'total'（若确需如此修约，请在方案说明中写明）"
        ),
    ),
    (
        (
            "{path}: the score card was edited after perfkpi wrote it; it is read "
            "from its cells, and what they cannot show (overrides, items, custom "
            "grade scales) is taken from its hidden sheet only where the cells "
            "hold it"
        ),
        (
            "{path}：评分表在 perfkpi 写出后被修改过；按其单元格读取，单元格无法体现的"
            "内容（覆盖项、扣分项、自定义等级表）仅在单元格仍含有时才从隐藏工作表取用"
        ),
    ),
    (
        (
            "{path}: sheet {sheet:q} has hidden {parts}; they are read as if "
            "shown: unhide them to see what is scored"
        ),
        (
            "{path}：工作表 {sheet} 有隐藏的{parts}；照常读取："
            "请取消隐藏，以便看清计分的内容"
        ),
    ),
    ("rows {rows} and columns {columns}", "第 {rows} 行和 {columns} 列"),
    ("rows {rows}", "第 {rows} 行"),
    ("columns {columns}", "{columns} 列"),
    (
        (
            "no font with Chinese glyphs found; labels fall back to node codes and "
            "English. To draw Chinese labels, {hint}."
        ),
        "未找到含中文字形的字体；标签改用节点编号和英文。如需中文标签，{hint}。",
    ),
    (
        (
            "install a font with Chinese glyphs, e.g. `apt-get install "
            "fonts-noto-cjk` (Debian, Ubuntu), `dnf install "
            "google-noto-sans-cjk-fonts` (Fedora), `brew install --cask "
            "font-noto-sans-cjk-sc` (macOS); Windows has Microsoft YaHei.  Then "
            "delete matplotlib's font cache (matplotlib.get_cachedir()) so that it "
            "finds the new font"
        ),
        (
            "请安装含中文字形的字体，如 `apt-get install fonts-noto-cjk`"
            "（Debian、Ubuntu）、`dnf install google-noto-sans-cjk-fonts`（Fedora）、"
            "`brew install --cask font-noto-sans-cjk-sc`（macOS）；Windows 自带"
            "微软雅黑（Microsoft YaHei）。然后删除 matplotlib 的字体缓存"
            "（matplotlib.get_cachedir()），使其找到新字体"
        ),
    ),
    ("targets not reviewed: {why}", "指标值未复核：{why}"),
    # -- places ---------------------------------------------------------------------
    ("top level", "顶层"),
    ("node {code:w}", "节点 {code}"),
    ("[scheme] {what}", "[scheme] {what}"),
    # -- the command line (perfkpi.cli) -----------------------------------------
    ("only one argument can read standard input", "只能有一个参数读标准输入"),
    ("there is no standard input to read", "没有可读的标准输入"),
    (
        "more than {n} bytes; at most that many are read",
        "超过 {n} 字节；至多读取这么多",
    ),
    ("the scored workbook is written as .xlsx", "评分工作簿写为 .xlsx"),
    (
        "give SCHEME and the files or folders to review (or --own)",
        "请给出 SCHEME 和要复核的文件或文件夹（或用 --own）",
    ),
    ("the output would overwrite an input", "输出会覆盖一个输入文件"),
    (
        "the review is written as .xlsx (with .html beside) or .html",
        "复核结果写为 .xlsx（旁附 .html）或 .html",
    ),
    ("give SCHEME and STATED, or a workbook", "请给出 SCHEME 和 STATED，或一个工作簿"),
    ("--check writes text or json", "--check 只输出 text 或 json"),
    (
        "--explain, --gap and --what-if write text or json",
        "--explain、--gap 和 --what-if 只输出 text 或 json",
    ),
    ("expected CODE=VALUE, got {pair}", "应为 CODE=VALUE，实为 {pair}"),
    (
        (
            "this is a data file (it gives actuals, findings or inputs), not a scheme: "
            "give the scheme first, perfkpi validate SCHEME DATA"
        ),
        (
            "这是数据文件（给出实际值、问题或输入），不是方案：请先给出方案，"
            "perfkpi validate SCHEME DATA"
        ),
    ),
    (
        "standard output was closed before everything was written",
        "标准输出在全部写完之前被关闭",
    ),
    (
        (
            "standard output cannot show {char} in its encoding {encoding}; set "
            "PYTHONIOENCODING=utf-8 (or LANG to a UTF-8 locale)"
        ),
        (
            "标准输出的编码 {encoding} 无法显示 {char}；请设置 PYTHONIOENCODING=utf-8"
            "（或把 LANG 设为 UTF-8 区域）"
        ),
    ),
    ("cannot write standard output: {why}", "无法写入标准输出：{why}"),
    ("interrupted", "已中断"),
    # argparse's own messages about a command line
    ("argument {name}: {why}", "参数 {name}：{why}"),
    (
        "invalid choice: {value:q} (choose from {choices})",
        "无效的选项 {value}（可选：{choices}）",
    ),
    ("the following arguments are required: {names}", "缺少以下参数：{names}"),
    ("one of the arguments {names} is required", "需要以下参数之一：{names}"),
    ("unrecognized arguments: {words}", "无法识别的参数：{words}"),
    ("expected one argument", "需要一个值"),
    ("expected at most one argument", "至多需要一个值"),
    ("expected at least one argument", "至少需要一个值"),
    ("expected {n:n} argument", "需要 {n} 个值"),
    ("expected {n:n} arguments", "需要 {n} 个值"),
    ("invalid {type} value: {value:q}", "无效的 {type} 值：{value}"),
    ("not allowed with argument {other}", "不能与参数 {other} 同时使用"),
    (
        "ambiguous option: {option} could match {matches}",
        "有歧义的选项：{option} 可匹配 {matches}",
    ),
    ("ignored explicit argument {value}", "忽略了显式给出的值 {value}"),
    (
        "expected a date as YYYY-MM-DD (got {value})",
        "应为 YYYY-MM-DD 格式的日期（实为 {value}）",
    ),
    # -- figures (plot.py) ----------------------------------------------------------
    (
        (
            "figures need matplotlib: install the plot extra with pip install "
            "'perfkpi[plot]'"
        ),
        "作图需要 matplotlib：请用 pip install 'perfkpi[plot]' 安装 plot 附加组件",
    ),
)
"""English templates, as the code writes them, and their Chinese forms."""

_FIELD = re.compile(r"\{(\w+)(?::(\w))?\}")
_KINDS = {
    "": ".+?",  # any text
    "q": r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"",  # a quoted repr
    "n": r"[0-9][0-9,]*",  # a whole number
    "w": r"\S+",  # one word
}


_QUOTED = re.compile(_KINDS["q"])


def _compile(template: str) -> re.Pattern[str]:
    """Return a pattern matching what *template* produces, a group per field."""
    parts: list[str] = []
    pos = 0
    literal = template.replace("{{", "\x00").replace("}}", "\x01")
    for match in _FIELD.finditer(literal):
        parts.append(re.escape(literal[pos : match.start()]))
        kind = _KINDS[match.group(2) or ""]
        parts.append(f"(?P<{match.group(1)}>{kind})")
        pos = match.end()
    parts.append(re.escape(literal[pos:]))
    pattern = "".join(parts).replace("\\\x00", "\x00").replace("\\\x01", "\x01")
    pattern = pattern.replace("\x00", "\\{").replace("\x01", "\\}")
    return re.compile(pattern, re.DOTALL)


def _literal_length(template: str) -> int:
    return len(_FIELD.sub("", template))


@functools.cache
def _table() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Return the phrases compiled, the most specific (longest literal) first."""
    ordered = sorted(PHRASES, key=lambda p: -_literal_length(p[0]))
    return tuple((_compile(en), zh) for en, zh in ordered)


@functools.lru_cache(maxsize=4096)
def phrase(text: str) -> str | None:
    """Return the Chinese form of an English phrase, or None when none is known.

    The fields a template matches are looked up in turn; a field no template
    matches is kept as it is (a name, a number, a quoted value), and so is an
    ``A or B`` list unless every part of it is known (or quoted: suggestions
    such as ``'a' or 'b'`` read ``'a' 或 'b'``).
    """
    for pattern, zh in _table():
        match = pattern.fullmatch(text)
        if match is not None:
            fields = {k: _field(v) for k, v in match.groupdict().items()}
            return zh.format(**fields)
    return None


def _field(value: str) -> str:
    found = phrase(value)
    if found is not None:
        return found
    parts = value.split(" or ")
    if len(parts) > 1:
        if all(_QUOTED.fullmatch(p) for p in parts):  # suggestions: 'a' or 'b'
            return " 或 ".join(parts)
        known = [phrase(p) for p in parts]
        if all(k is not None for k in known):
            return "或".join(k for k in known if k is not None)
    return value


def text(value: object) -> str:
    """Return *value*'s text in Chinese where known, else its English text."""
    english = str(value)
    return phrase(english) or english


# -- the frames -------------------------------------------------------------------


def _at(text_: str, position: int | None) -> str:
    if not text_:
        return ""
    if position is None:
        return f"（见于 {text_!r}）"
    return f"（见于 {text_!r} 字符位置 {position}）"


def _place(where: str) -> str:
    """Translate the description after ``file:line:`` (``node 1.2``, ``top level``)."""
    head, sep, what = where.rpartition(": ")
    if sep and what:
        return f"{head}: {text(what)}"
    return text(where)


def _located(problem: object, where: str) -> str:
    body = text(problem)
    return f"{body}（{_place(where)}）" if where else body


def _problems(head: str, lines: Sequence[str]) -> str:
    return "\n".join([f"{head}（{len(lines)} 个问题）", *[f"  - {x}" for x in lines]])


def group_line(exc: BaseException) -> str:
    """Return one problem of a group as the group lists it, in Chinese."""
    where, problem = getattr(exc, "where", None), getattr(exc, "problem", None)
    if isinstance(where, str) and problem is not None:
        return _located(problem, where)
    return chinese(exc)


def _target_syntax(exc: Any) -> str:  # noqa: ANN401 (each class its own)
    return f"无法读取 {exc.text!r}：字符位置 {exc.position} 处应为{text(exc.expected)}"


def _unknown_unit(exc: Any) -> str:  # noqa: ANN401
    msg = f"未知单位 {exc.symbol!r}{_at(exc.text, exc.position)}"
    if exc.suggestions:
        msg += "；是否想写 " + " 或 ".join(repr(s) for s in exc.suggestions) + "？"
    return msg


def _incompatible(exc: Any) -> str:  # noqa: ANN401
    msg = f"无法比较 {text(exc.given)} 与 {text(exc.expected)}"
    msg += _at(exc.text, exc.position)
    if exc.where:
        msg += f"（{exc.where}）"
    return msg


def _framed(frame: str) -> Callable[[Any], str]:
    def render(exc: Any) -> str:  # noqa: ANN401
        return f"{frame}：{_located(exc.problem, exc.where)}"

    return render


def _group(exc: Any) -> str:  # noqa: ANN401
    return _problems(text(exc.message), [group_line(e) for e in exc.exceptions])


def _stated(exc: Any) -> str:  # noqa: ANN401
    head = f"申报数据 {exc.source or '<dict>'} 无效"
    if len(exc.problems) == 1:
        return f"{head}：{text(exc.problems[0])}"
    return _problems(head, [text(p) for p in exc.problems])


def _unknown_node(exc: Any) -> str:  # noqa: ANN401
    return (
        f"评价中没有节点 {exc.code!r}；应为 'total' 或以下之一：{', '.join(exc.known)}"
    )


def _formula(exc: Any) -> str:  # noqa: ANN401
    where = "" if exc.position is None else f" 字符位置 {exc.position}"
    more = f"（{text(exc.detail)}）" if exc.detail else ""
    return f"公式错误：{text(exc.problem)}（见于 {exc.formula!r}{where}）{more}"


def _plain(frame: str) -> Callable[[Any], str]:
    def render(exc: Any) -> str:  # noqa: ANN401
        return f"{frame}：{text(exc)}"

    return render


# by class name, the most derived first: errors.py cannot import the modules
# that define their own classes (they import errors.py)
_FRAMES: Final[tuple[tuple[str, Callable[[Any], str]], ...]] = (
    ("TargetSyntaxError", _target_syntax),
    ("UnknownUnitError", _unknown_unit),
    ("IncompatibleUnitError", _incompatible),
    ("SchemeValidationError", _group),
    ("DataValidationError", _group),
    ("AmbiguousValueError", _framed("数值有歧义")),
    ("SchemeError", _framed("方案错误")),
    ("DataError", _framed("数据错误")),
    ("RuleError", _plain("评分规则错误")),
    ("StatedError", _stated),
    ("UnknownNodeError", _unknown_node),
    ("FormulaZeroDivisionError", _formula),
    ("FormulaError", _formula),
    ("ReportError", _plain("报告参数错误")),
    ("GapError", _plain("无法计算差距")),
    ("OutputPathError", _plain("输出路径错误")),
    ("PlotDependencyError", _plain("缺少作图组件")),
)


def chinese(exc: BaseException) -> str:
    """Return *exc*'s message in Chinese: its class's frame, its parts translated."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    for name, render in _FRAMES:
        if name in names:
            return render(exc)
    return f"错误：{text(exc)}"
