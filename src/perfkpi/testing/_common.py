"""What the strategies share: argument checks, decimals, and the pools of words."""

from __future__ import annotations

import decimal
import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from perfkpi.units import UnitRegistry

T = TypeVar("T")

# SPECIAL_DIMENSIONS and SCORE_KINDS are public: documented in perfkpi.testing
SPECIAL_DIMENSIONS = ("date", "rank")

SCORE_KINDS = (
    "all-or-nothing",
    "bands",
    "categorical",
    "checklist",
    "deadline",
    "distance",
    "equal",
    "goalposts",
    "lower-linear",
    "per-block",
    "per-point",
    "proportional",
    "qualitative",
)

_ORDINAL_NODE_KINDS = ("grade-table", "weakest-link")
_PEFA_LABELS = ("A", "B+", "B", "C+", "C", "D+", "D")
_NAMES = (
    "预算执行率",
    "履职效能",
    "管理效率",
    "网上立案率",
    "在线庭审率",
    "系统故障平均响应时间",
    "满意度",
    "产出",
    "效益",
    "资金结余",
    "Budget execution",
)
_CATEGORIES = ("无结余", "有结余但不超过上年结转", "超过上年结转", "是", "部分", "否")
_CHECK_ITEMS = ("预算管理制度", "财务管理制度", "采购管理制度", "资产管理制度")
_REASONS = ("未按时报送", "信息公开不及时", "合同备案超期", "资产账实不符")


def _fail(msg: str) -> InvalidArgument:
    return InvalidArgument(msg)


def _lazy(build: Callable[[], st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Return a strategy built (and its arguments checked) when first drawn."""
    return st.deferred(build)


def _check_type(name: str, value: object, kind: type | tuple[type, ...]) -> None:
    if isinstance(value, bool) and kind is not bool and bool not in _tuple(kind):
        msg = f"{name}={value!r} must be {_kind_name(kind)}, not a bool"
        raise _fail(msg)
    if not isinstance(value, kind):
        msg = (
            f"{name}={value!r} must be {_kind_name(kind)} (got {type(value).__name__})"
        )
        raise _fail(msg)


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(k.__name__ for k in _tuple(kind))


def _check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    _check_type(name, value, int)
    assert isinstance(value, int)  # noqa: S101 (narrowing after the check)
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f" and <= {high}"
        msg = f"{name}={value!r} must be >= {low}{upper}"
        raise _fail(msg)
    return value


def _check_number(name: str, value: object, *, positive: bool = False) -> float:
    _check_type(name, value, (int, float, decimal.Decimal))
    assert isinstance(value, int | float | decimal.Decimal)  # noqa: S101
    number = float(value)
    if not math.isfinite(number):
        msg = f"{name}={value!r} must be a finite number"
        raise _fail(msg)
    if positive and number <= 0:
        msg = f"{name}={value!r} must be > 0"
        raise _fail(msg)
    if number < 0:
        msg = f"{name}={value!r} must be >= 0"
        raise _fail(msg)
    return number


def _check_bounds(
    min_value: object, max_value: object
) -> tuple[decimal.Decimal, decimal.Decimal]:
    low = _as_bound("min_value", min_value, -1e9)
    high = _as_bound("max_value", max_value, 1e9)
    if low > high:
        msg = f"min_value={min_value!r} is greater than max_value={max_value!r}"
        raise _fail(msg)
    return low, high


def _as_bound(name: str, value: object, default: float) -> decimal.Decimal:
    if value is None:
        return decimal.Decimal(repr(default))
    _check_type(name, value, (int, float, decimal.Decimal))
    assert isinstance(value, int | float | decimal.Decimal)  # noqa: S101
    if not math.isfinite(float(value)):
        msg = f"{name}={value!r} must be a finite number"
        raise _fail(msg)
    if abs(float(value)) > 1e15:  # noqa: PLR2004
        msg = f"{name}={value!r} must be within ±1e15 to be written exactly"
        raise _fail(msg)
    return decimal.Decimal(repr(float(value)))


def _check_registry(registry: object) -> UnitRegistry:
    _check_type("registry", registry, UnitRegistry)
    assert isinstance(registry, UnitRegistry)  # noqa: S101
    return registry


def _collection(name: str, value: object) -> list[Any]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        msg = f"{name}={value!r} must be a collection (a list or tuple)"
        raise _fail(msg)
    out = list(value)
    if not out:
        msg = f"{name}={value!r} must not be empty"
        raise _fail(msg)
    return out


@st.composite
def _decimals(
    draw: st.DrawFn, low: decimal.Decimal, high: decimal.Decimal, places: int
) -> decimal.Decimal:
    """Draw a decimal in ``[low, high]`` with at most *places* decimals."""
    scale = 10**places
    first = math.ceil(low * scale)
    last = math.floor(high * scale)
    if first > last:  # no number with that many places in the interval
        return low
    n = draw(st.integers(first, last))
    return decimal.Decimal(n).scaleb(-places).normalize() + 0


def _text(number: decimal.Decimal, *, grouped: bool = False) -> str:
    """Write *number* positionally (``12.5``, ``8,634.17`` when grouped)."""
    number = number.normalize() + 0
    if number == number.to_integral_value():
        number = number.quantize(decimal.Decimal(1))
    return f"{number:,f}" if grouped else f"{number:f}"
