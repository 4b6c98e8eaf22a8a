"""How long does perfkpi take to read 10,000 distinct target spellings?

Run ``python benchmarks/targets.py``.  The spellings are built from the grammar's
pieces (comparator words and symbols, numbers with thousands separators and
decimals, units, ranges, dates, ranks and labels), all distinct, in a fixed
pseudo-random order.  Each is parsed once; the goal is under 0.5 s in total.
The last line printed is a JSON object: ``{"spellings": ..., "seconds": ...}``.
"""

from __future__ import annotations

import json
import random
import sys
import time

from perfkpi.targets import parse_target

N = 10_000

PREFIXES = (
    "",
    "≥",
    ">=",
    "＞＝",
    "≤",
    "<=",
    ">",
    "<",
    "=",
    "不低于",
    "不少于",
    "不高于",
    "不超过",
    "高于",
    "低于",
    "达到",
    "提升至",
    "控制在",
    "至少",
)
SUFFIXES = ("", "以上", "及以上", "以下", "以内", "内")
UNITS = (
    "%",
    "‰",
    "个",
    "件",
    "项",
    "次",
    "期",
    "场",
    "人",
    "篇",
    "元",
    "万元",
    "亿元",
    "秒",
    "分钟",
    "小时",
    "天",
    "周",
    "个月",
    "年",
    "工作日",
    "分",
    "级",
    "人次",
    "h",
    "min",
)


def _number(rng: random.Random) -> str:
    whole = rng.randint(0, 99_999)
    text = f"{whole:,}" if whole >= 1000 and rng.random() < 0.5 else str(whole)
    if rng.random() < 0.5:
        text += "." + str(rng.randint(0, 99)).rjust(2, "0")
    return text


def _one(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        prefix = rng.choice(PREFIXES)
        suffix = "" if prefix else rng.choice(SUFFIXES)
        return f"{prefix}{_number(rng)}{rng.choice(UNITS)}{suffix}"
    if roll < 0.75:
        unit = rng.choice(UNITS)
        lo = rng.randint(0, 500)
        hi = lo + rng.randint(1, 500)
        form = rng.choice(
            (
                "{a}{u}-{b}{u}",
                "{a}{u}～{b}{u}",
                "[{a}{u},{b}{u}]",
                "({a}{u},{b}{u}]",
                "{a}{u}至{b}{u}",
                "{a}-{b}{u}",
            )
        )
        return form.format(a=lo, b=hi, u=unit)
    if roll < 0.88:
        year = rng.randint(1990, 2060)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        form = rng.choice(
            (
                "{y}年{m}月{d}日前",
                "{y}-{m:02d}-{d:02d}",
                "≤{y}-{m:02d}-{d:02d}",
                "{y}年{m}月底前",
                "截至{y}年{m}月{d}日",
                "{y}/{m}/{d}前",
            )
        )
        return form.format(y=year, m=month, d=day)
    place = rng.randint(1, 300)
    qualifier = rng.choice(("", "全市", "全省", "全国", "全区"))
    form = rng.choice(("{q}第{n}名", "{q}前{n}名", "进入{q}前{n}", "≤{q}第{n}名"))
    return form.format(q=qualifier, n=place)


def spellings(n: int = N, seed: int = 2022) -> list[str]:
    """Return *n* distinct target spellings."""
    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < n:
        seen.setdefault(_one(rng), None)
    return list(seen)


def main() -> int:
    texts = spellings()
    start = time.perf_counter()
    for text in texts:
        parse_target(text)
    seconds = time.perf_counter() - start
    print(
        f"parsed {len(texts):,} distinct target spellings in {seconds:.3f} s "
        f"({seconds / len(texts) * 1e6:.1f} µs each); goal: under 0.5 s"
    )
    print(json.dumps({"spellings": len(texts), "seconds": round(seconds, 4)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
