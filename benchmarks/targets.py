"""How long does perfkpi take to read 10,000 distinct target spellings?

Run ``python benchmarks/targets.py``.  The spellings are built from the grammar's
pieces (comparator words and symbols, numbers with thousands separators and
decimals, units, ranges, dates, ranks and labels), all distinct, in a fixed
pseudo-random order.  Each is parsed once; the goal is under 0.5 s in total.
The last line printed is a JSON object: ``{"spellings": ..., "seconds": ...}``.

``python benchmarks/targets.py --scaling`` reads crafted repetitive texts
(``"1-" * n``, ``"[" + "1," * n + "]"``, ``"至" * n`` ...) and formulas at three
lengths below the limits (about 12, 48 and 192 characters, where two
conditions such as ``60分以上70分以下`` are also tried, and 120, 480 and 1,920
characters for targets; 250, 1,000 and 4,000 for formulas) and prints the time
(the process's CPU time, best of seven, so that other work on a shared machine
does not count) and the peak memory (:mod:`tracemalloc`) at each, with the growth
exponents
``log(t16 / t1) / log(16)``; the goal is at most 1.2.  It ends with a 1 MiB
text of each kind, which must be answered (read or refused) in under 1 s.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import sys
import time
import tracemalloc
from collections.abc import Callable

from perfkpi.errors import PerfKPIError
from perfkpi.formulas import parse_formula
from perfkpi.targets import parse_quantity, parse_target

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


CRAFTED: dict[str, Callable[[int], str]] = {
    "1-": lambda n: "1-" * (n // 2),
    "-1": lambda n: "-1" * (n // 2),
    "1~": lambda n: "1~" * (n // 2),
    "[1,...]": lambda n: "[" + "1," * (n // 2) + "]",
    "(1,...)": lambda n: "(" + "1;" * (n // 2) + "1)",
    "1(含)...": lambda n: "1" + "(含)" * (n // 3),
    "≥1...以上": lambda n: "≥1" * (n // 2) + "以上",
    "第...": lambda n: "第" * n,
    "前一...x": lambda n: "前" + "一" * n + "x",
    "年月...": lambda n: "年月" * (n // 2),
    "至...": lambda n: "至" * n,
    "优至...": lambda n: "优至" * (n // 2),
    "1,000...": lambda n: "1,000" * (n // 5),
    "１－ (full-width)": lambda n: "１－" * (n // 2),
    "1±...": lambda n: "1±" * (n // 2),
    "介于1与...之间": lambda n: "介于" + "1与" * (n // 2) + "之间",
    "99 ...(spaces)": lambda n: "9 " * (n // 2),
}
FORMULAS: dict[str, Callable[[int], str]] = {
    "a+...": lambda n: "a+" * (n // 2) + "a",
    "(...": lambda n: "(" * n,
    "1....": lambda n: "1." * (n // 2),
    "max(a,...)": lambda n: "max(" + "a," * (n // 2) + "a)",
}


def _answer(read: Callable[[str], object], text: str) -> None:
    with contextlib.suppress(PerfKPIError):
        read(text)


def _xs(n: int) -> str:
    return "x" * n


def _tuples(text: str) -> list[tuple[str, str, int, float]]:
    """A control: one small tuple per character, as a tokenizer makes."""
    return [("op", "+", i * 1000, 0.0) for i in range(len(text))]


def _measure(read: Callable[[str], object], text: str) -> tuple[float, int]:
    _answer(read, text)  # warm caches (regexes, look-ups) first
    best = math.inf
    for _ in range(7):
        start = time.process_time()
        _answer(read, text)
        best = min(best, time.process_time() - start)
    tracemalloc.start()
    _answer(read, text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak


def scaling() -> int:
    """Print time and peak memory on crafted texts at x1, x4 and x16."""
    worst = 0.0
    cases: list[tuple[str, Callable[[int], str], Callable[[str], object], int]] = [
        (name, make, parse_target, base)
        for base in (12, 120)  # two conditions are tried up to 200 characters
        for name, make in CRAFTED.items()
    ]
    cases.append(("quantity 1...x", lambda n: "1" * n + "x", parse_quantity, 120))
    cases += [(name, make, parse_formula, 250) for name, make in FORMULAS.items()]
    control = ("n tuples", _xs, _tuples, 250)
    for name, make, read, base in [*cases, control]:
        rows = [
            (len(text), *_measure(read, text))
            for text in (make(base), make(4 * base), make(16 * base))
        ]
        (n1, t1, m1), _, (n3, t3, m3) = rows
        time_exp = math.log(t3 / t1) / math.log(n3 / n1)
        memory_exp = math.log(max(m3, 1) / max(m1, 1)) / math.log(n3 / n1)
        if read is not _tuples:
            worst = max(worst, time_exp, memory_exp)
        cells = "  ".join(
            f"{n:>5} {t * 1e3:6.2f} ms {m / 1e3:6.0f} kB" for n, t, m in rows
        )
        exponents = f"exp t={time_exp:.2f} m={memory_exp:.2f}"
        print(f"{read.__name__:14} {name:18} {cells}  {exponents}")
    slowest = 0.0
    for _name, make, read, _ in cases:
        unit = make(64)
        text = (unit * (2**20 // len(unit) + 1))[: 2**20]
        start = time.perf_counter()
        _answer(read, text)
        slowest = max(slowest, time.perf_counter() - start)
    print(
        f"worst growth exponent {worst:.2f} (goal <= 1.2); "
        f"slowest 1 MiB text {slowest * 1e3:.1f} ms (goal < 1000 ms)"
    )
    print(
        json.dumps(
            {
                "worst_exponent": round(worst, 2),
                "slowest_mib_seconds": round(slowest, 4),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(scaling() if "--scaling" in sys.argv[1:] else main())
