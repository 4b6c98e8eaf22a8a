"""The checks a target review makes: dimensions, thresholds and rules."""

from __future__ import annotations

import re
import unicodedata

import attrs

# DIMENSIONS, SPENDING_SHARE, HISTORY_MARGIN, PLACEHOLDERS and CHECKS are
# public and documented in perfkpi.targetreview
DIMENSIONS = ("completeness", "relevance", "appropriateness", "feasibility")

_DIMENSION_ZH = {
    "completeness": "完整性",
    "relevance": "相关性",
    "appropriateness": "适当性",
    "feasibility": "可行性",
}

SPENDING_SHARE = 0.10

HISTORY_MARGIN = 0.10

PLACEHOLDERS = ("待定", "待填", "待补充", "xx", "××", "**", "tbd", "?", "…")


@attrs.frozen
class Check:
    """One check of the review: its code, dimension, name and rule.

    Parameters
    ----------
    code
        Its identifier in findings (``spending-heavy``).
    dimension
        One of :data:`DIMENSIONS`.
    zh
        Its name in Chinese.
    rule
        What it flags, with its threshold.
    """

    code: str
    dimension: str
    zh: str
    rule: str


CHECKS: tuple[Check, ...] = (
    Check(
        "missing-class",
        "completeness",
        "指标类别缺失",
        "a first-level class of the taxonomy has no indicator",
    ),
    Check(
        "placeholder",
        "completeness",
        "占位内容",
        "a name or target holds a placeholder (待定, XX, ××, TBD …)",
    ),
    Check(
        "no-value",
        "completeness",
        "缺少指标值",
        "an indicator has no target value, or one that cannot be read",
    ),
    Check(
        "no-unit",
        "completeness",
        "缺少计量单位",
        "a quantitative target has no unit",
    ),
    Check(
        "no-direction",
        "completeness",
        "缺少指标性质",
        "a quantitative target says neither ≥ nor ≤ (and no library "
        "indicator gives its direction)",
    ),
    Check(
        "spending-heavy",
        "relevance",
        "偏重资金支出",
        "indicators that only measure money flowing (execution and spending "
        "rates) carry more than SPENDING_SHARE (10 %) of the points at stake",
    ),
    Check(
        "duty-unserved",
        "relevance",
        "职能无指标",
        "a duty (主要职能) is served by no indicator",
    ),
    Check(
        "below-last-year",
        "appropriateness",
        "目标值设置偏低",
        "a target is less demanding than last year's actual",
    ),
    Check(
        "above-standard",
        "appropriateness",
        "超出支出标准",
        "a target allows more than the spending standard",
    ),
    Check(
        "all-100",
        "appropriateness",
        "指标值均为100%",
        "every percentage target (two or more) is exactly 100 %",
    ),
    Check(
        "outside-history",
        "feasibility",
        "偏离历史水平",
        "a target lies more than HISTORY_MARGIN (10 %) beyond the highest or "
        "lowest actual of its history: a human confirms it",
    ),
)

_CHECK = {c.code: c for c in CHECKS}

_NAMED_CLASSES = 2  # first-level classes a set must name to choose its taxonomy
_MONEY_CLASSES = frozenset({("过程", "预算执行"), ("过程", "资金管理")})
_MONEY_NAME = re.compile(
    "(预算|资金|经费|支出|支付).*(执行|支出|到位|完成|控制|支付|进度)率"
)
_OUTCOME_CLASSES = frozenset(
    {"产出", "效益", "效果", "满意度", "成本", "部门绩效情况", "产出数量"}
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()
