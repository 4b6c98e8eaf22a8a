"""Fuzzing: whatever comes in, only PerfKPIError subclasses ever come out.

Each fuzzer runs twice: a short run in the default suite (a few seconds for all
of them) and a long run of 10,000 examples, marked ``slow``::

    python -m pytest tests/test_fuzz.py -m slow -p no:cacheprovider \\
        --hypothesis-show-statistics

docs/robustness.md records the figures of the last long run.

A bug that a fuzzer finds is pinned down by a strict xfail test in
tests/test_bad_input.py.  Until it is fixed, the fuzzers recognise its exact
signature (the exception class and the perfkpi function it escapes from), count
it as a Hypothesis event ``known bug: …`` and go on; anything else that escapes
fails the run.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import perfkpi
from perfkpi import (
    Data,
    Deduct,
    Node,
    PerfKPIError,
    Proportional,
    Scheme,
    evaluate,
    load_data,
    load_scheme,
    parse_quantity,
    parse_target,
)
from perfkpi.cli import main
from perfkpi.formulas import parse_formula
from perfkpi.testing import data_for, schemes, target_texts, targets

SHORT = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = settings(SHORT, max_examples=10_000)

# -- known bugs ------------------------------------------------------------------------


@attrs.frozen
class KnownBug:
    """A bug found by the fuzzers, recognised by where it escapes.

    Attributes
    ----------
    test
        The strict xfail test in tests/test_bad_input.py that reproduces it.
    error
        The exception class that escapes.
    where
        ``module.py:function`` of the innermost perfkpi frame it escapes from.
    """

    test: str
    error: type[BaseException]
    where: tuple[str, ...]

    def matches(self, exc: BaseException) -> bool:
        if not isinstance(exc, self.error):
            return False
        frames = [
            f"{Path(f.filename).name}:{f.name}"
            for f in traceback.extract_tb(exc.__traceback__)
            if "perfkpi" in Path(f.filename).parts
        ]
        return bool(frames) and frames[-1] in self.where


KNOWN_BUGS: tuple[KnownBug, ...] = ()
"""Open bugs the fuzzers recognise by their signature; empty when none is open.

Fixed, and removed from here: an ACTUAL starting with '-' taken for an option
(cli.py main); decimal.InvalidOperation rounding 1e60 (rounding.py); a NaN total
when re-weighting onto children with no points (plan.py).
"""


def _expected(exc: BaseException) -> None:
    """Let a PerfKPIError or a known bug pass; anything else fails the fuzzer."""
    if isinstance(exc, PerfKPIError):
        assert str(exc), f"{type(exc).__name__} with an empty message"
        return
    for bug in KNOWN_BUGS:
        if bug.matches(exc):
            event(f"known bug: {bug.test}")
            return
    raise exc


@contextlib.contextmanager
def _only_perfkpi_errors() -> Any:  # noqa: ANN401 (a context manager)
    try:
        yield
    except Exception as exc:  # noqa: BLE001 (sorted by _expected)
        _expected(exc)


# -- value pools -----------------------------------------------------------------------

TARGET_ALPHABET = (
    "0123456789.,+-~%‰[]()≥≤<>=≧≦ 　"
    "以上下内外至到不低于超过满足第名前后年月日号底末半季度全市省"
    "是否优良中差件个小时分钟秒元万亿级天周工作日"
    "０１２３４５６７８９％＞＜＝，．"
    "一二三四五六七八九十百千零"
    "abcdefghmsLNRA*/"
)
FORMULA_ALPHABET = (
    "0123456789.eE+-*/×÷−·()（）,，、%‰ 实际支出预算数本年上年abxyz_“”minaxsuebp"
)
INTERESTING_TEXT = [
    "",
    " ",
    "≥99%",
    "99.66%",
    "45分钟",
    "是",
    "否",
    "达成年度指标",
    "B+",
    "D*",
    "NA",
    "NR",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "1" + "0" * 400,
    "∞",
    "-0",
    "1,000",
    "5件",
    "99furlong",
    "全市第一",
    "2022年12月31日",
    "\x00",
    "\ud7ff",
]


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.just(10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        st.decimals(allow_nan=False).map(float),
        st.text(max_size=12),
        st.text(alphabet=TARGET_ALPHABET, max_size=12),
        st.sampled_from(INTERESTING_TEXT),
    )


def _junk() -> st.SearchStrategy[Any]:
    """Any value a JSON or TOML document can hold, and then some."""
    return st.recursive(
        _scalars(),
        lambda kids: (
            st.lists(kids, max_size=4)
            | st.dictionaries(st.text(max_size=8), kids, max_size=4)
        ),
        max_leaves=12,
    )


@st.composite
def _mutated(draw: st.DrawFn, doc: Any) -> Any:  # noqa: ANN401 (any document)
    """Replace, delete or add one value somewhere in *doc* (a JSON-like tree)."""
    doc = json.loads(json.dumps(doc))
    places: list[tuple[Any, Any]] = []

    def walk(value: Any) -> None:  # noqa: ANN401
        if isinstance(value, dict):
            places.extend((value, k) for k in value)
            places.append((value, None))  # a new key
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            places.extend((value, i) for i in range(len(value)))
            for child in value:
                walk(child)

    walk(doc)
    if not places:
        return draw(_junk())
    container, key = draw(st.sampled_from(places))
    how = draw(st.sampled_from(["replace", "delete", "add"]))
    if key is None or how == "add":
        if isinstance(container, dict):
            container[draw(st.text(max_size=8))] = draw(_junk())
        else:
            container.append(draw(_junk()))
    elif how == "delete":
        del container[key]
    else:
        container[key] = draw(_junk())
    return doc


SCHEME_DOC: dict[str, Any] = {
    "scheme": {
        "id": "s",
        "name": "示例",
        "points": 100,
        "rounding": {"places": 2, "mode": "half-up"},
        "grades": "cn-2020",
    },
    "node": [
        {"code": "1", "name": "产出", "points": 60},
        {
            "code": "1.1",
            "parent": "1",
            "name": "完成率",
            "points": 30,
            "target": "≥100%",
            "rule": "proportional",
        },
        {
            "code": "1.2",
            "parent": "1",
            "name": "调整率",
            "points": 30,
            "rule": {
                "kind": "bands",
                "bands": [
                    {"when": "=0%", "score": 30},
                    {"when": "(0%,10%]", "score": 20},
                ],
            },
        },
        {"code": "2", "name": "管理", "points": 40, "rule": "deduct"},
        {"code": "2.1", "parent": "2", "name": "按时", "target": "≤3天"},
    ],
}
DATA_DOC: dict[str, Any] = {
    "entity": "某部门",
    "period": "2023",
    "actuals": {"1.1": 99.5, "1.2": "5%", "2.1": "2天"},
    "findings": [
        {"node": "2", "points": 1, "reason": "合同备案超期", "category": "采购"}
    ],
    "not_applicable": [],
}
BASE = perfkpi.files.scheme_from_dict(SCHEME_DOC)
ONE = Scheme.from_nodes(
    "one",
    "one",
    [
        Node("1", "网上立案率", points=10, target="≥99%", rule=Proportional()),
        Node("2", "管理效率", points=90, rule=Deduct()),
    ],
)


def _scheme_docs() -> st.SearchStrategy[Any]:
    """Valid scheme documents, then the same with one thing changed."""
    to_dict = getattr(perfkpi.files, "scheme_to_dict", None)
    generated = (
        schemes(max_depth=2, max_children=3).map(to_dict)
        if to_dict is not None
        else st.just(SCHEME_DOC)
    )
    valid = st.just(SCHEME_DOC) | generated
    return valid | valid.flatmap(_mutated) | valid.flatmap(_mutated).flatmap(_mutated)


@st.composite
def _bytes_edit(draw: st.DrawFn, raw: bytes) -> bytes:
    """Delete, insert or overwrite a few bytes of *raw*."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(raw)))
        how = draw(st.sampled_from(["delete", "insert", "overwrite"]))
        chunk = draw(st.binary(min_size=1, max_size=4))
        if how == "delete":
            raw = raw[:at] + raw[at + len(chunk) :]
        elif how == "insert":
            raw = raw[:at] + chunk + raw[at:]
        else:
            raw = raw[:at] + chunk + raw[at + len(chunk) :]
    return raw


def _file_texts(doc: Any) -> list[tuple[str, bytes]]:  # noqa: ANN401
    out = [(".json", json.dumps(doc, ensure_ascii=False).encode())]
    to_toml = getattr(perfkpi.files, "to_toml", None)
    if to_toml is not None and isinstance(doc, dict):
        with contextlib.suppress(Exception):
            out.append((".toml", to_toml(doc).encode()))
    return out


@st.composite
def _files(draw: st.DrawFn, docs: st.SearchStrategy[Any]) -> tuple[str, bytes]:
    """A file name suffix and its bytes: random, or a document edited."""
    how = draw(st.sampled_from(["random", "document", "edited"]))
    if how == "random":
        suffix = draw(st.sampled_from([".toml", ".json", ".yaml", ""]))
        return suffix, draw(st.binary(max_size=200))
    suffix, raw = draw(st.sampled_from(_file_texts(draw(docs))))
    if how == "edited":
        raw = draw(_bytes_edit(raw))
    return suffix, raw


def _load_file(load: Callable[[Path], object], suffix: str, raw: bytes) -> object:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(raw)
        return load(path)


# -- the fuzzers -----------------------------------------------------------------------


def _fuzz(
    strategy: st.SearchStrategy[Any], check: Callable[[Any], None]
) -> tuple[Callable[[], None], Callable[[], None]]:
    """Return the short and the long (``slow``) test of *check* on *strategy*."""
    short = SHORT(given(strategy)(check))
    long = pytest.mark.slow(LONG(given(strategy)(check)))
    return short, long


def check_parse_target(text: str) -> None:
    for direction in ("higher", "lower"):
        with _only_perfkpi_errors():
            target = parse_target(text, direction=direction)
            # whatever parses has a canonical text that parses back to it
            assert parse_target(str(target)) == target


@st.composite
def _edited_target_text(draw: st.DrawFn) -> str:
    text = draw(target_texts())
    at = draw(st.integers(0, len(text)))
    cut = draw(st.integers(0, 2))
    return text[:at] + draw(st.text(TARGET_ALPHABET, max_size=3)) + text[at + cut :]


TARGET_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=TARGET_ALPHABET, max_size=20),
    target_texts(),
    _edited_target_text(),
)
test_fuzz_parse_target, test_fuzz_parse_target_long = _fuzz(
    TARGET_TEXT, check_parse_target
)


def check_parse_quantity(text: str) -> None:
    with _only_perfkpi_errors():
        quantity = parse_quantity(text)
        assert math.isfinite(quantity.value)


test_fuzz_parse_quantity, test_fuzz_parse_quantity_long = _fuzz(
    TARGET_TEXT, check_parse_quantity
)


def check_actual_against_target(case: tuple[perfkpi.Target, Any]) -> None:
    target, actual = case
    with _only_perfkpi_errors():
        value = target.to_value(actual)
        assert math.isfinite(value)  # NaN is never read as an actual
        target.is_met(actual)


test_fuzz_actual_against_target, test_fuzz_actual_against_target_long = _fuzz(
    st.tuples(targets(), _junk() | TARGET_TEXT), check_actual_against_target
)


def check_scheme_document(doc: Any) -> None:  # noqa: ANN401
    with _only_perfkpi_errors():
        perfkpi.files.scheme_from_dict(doc, source="fuzz.json")


test_fuzz_scheme_document, test_fuzz_scheme_document_long = _fuzz(
    _scheme_docs(), check_scheme_document
)


def check_load_scheme(case: tuple[str, bytes]) -> None:
    with _only_perfkpi_errors():
        scheme = _load_file(load_scheme, *case)
        assert isinstance(scheme, Scheme)


test_fuzz_load_scheme, test_fuzz_load_scheme_long = _fuzz(
    _files(_scheme_docs()), check_load_scheme
)


def _data_docs() -> st.SearchStrategy[Any]:
    valid = st.just(DATA_DOC)
    return valid | valid.flatmap(_mutated) | _junk()


def check_load_data(case: tuple[str, bytes]) -> None:
    with _only_perfkpi_errors():
        data = _load_file(load_data, *case)
        assert isinstance(data, Data)
        ev = evaluate(BASE, data)
        assert math.isfinite(ev.total)


test_fuzz_load_data, test_fuzz_load_data_long = _fuzz(
    _files(_data_docs()), check_load_data
)


@st.composite
def _evaluations(draw: st.DrawFn) -> tuple[Scheme, Any]:
    """A scheme and data for it: drawn valid, then broken in one place."""
    scheme = draw(schemes(max_depth=2, max_children=3))
    how = draw(st.sampled_from(["valid", "edited", "junk"]))
    if how == "junk":
        codes = [n.code for n in scheme.nodes]
        keys = st.sampled_from(codes) | st.text(max_size=4)
        return scheme, draw(st.dictionaries(keys, _junk(), max_size=6))
    data = draw(data_for(scheme)).to_dict()
    if how == "edited":
        data = draw(_mutated(data))
    return scheme, data


def check_evaluate(case: tuple[Scheme, Any]) -> None:
    scheme, data = case
    with _only_perfkpi_errors():
        ev = evaluate(scheme, data)
        assert math.isfinite(ev.total)
        assert ev.total >= 0


test_fuzz_evaluate, test_fuzz_evaluate_long = _fuzz(_evaluations(), check_evaluate)


@st.composite
def _formulas(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    text = draw(
        st.text(alphabet=FORMULA_ALPHABET, max_size=30)
        | st.sampled_from(
            [
                "实际支出 / 预算数",
                "(本年 − 上年) / 上年",
                "mean(a) × 100%",
                "max(a, b) - min(a, b)",
                "sum(a) ÷ x",
                "abs(-a) / (b - b)",
                "((((a))))",
                "a" + " + a" * 50,
            ]
        )
    )
    names = ["实际支出", "预算数", "本年", "上年", "a", "b", "x"]
    numbers = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-(10**6), 10**6),
        st.just(0),
        st.just(1e308),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4),
        st.sampled_from(["95%", "abc", "5件", "", "1e400"]),
        _junk(),
    )
    inputs = draw(st.dictionaries(st.sampled_from(names), numbers, max_size=7))
    return text, inputs


def check_formula(case: tuple[str, dict[str, Any]]) -> None:
    text, inputs = case
    with _only_perfkpi_errors():
        formula = parse_formula(text)
        assert parse_formula(str(formula)) == formula
        value = formula.evaluate(inputs)
        # evaluate() raises rather than return a non-finite number
        assert np.all(np.isfinite(value)), (text, inputs, value)
    with _only_perfkpi_errors():
        batch = parse_formula(text).evaluate_batch(inputs)
        bad = ~np.isfinite(np.asarray(batch.values))
        # every element that is not a number has its reason
        assert np.all(np.asarray(batch.reasons)[bad] != "")


test_fuzz_formula, test_fuzz_formula_long = _fuzz(_formulas(), check_formula)


@st.composite
def _batches(draw: st.DrawFn) -> tuple[Scheme, dict[str, list[Any]]]:
    scheme = draw(schemes(max_depth=2, max_children=3))
    rows = draw(st.integers(1, 5))
    plan = perfkpi.plan.compile_plan(scheme)
    table: dict[str, list[Any]] = {}
    for code in plan.inputs:
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing column
        good = data_for(scheme, allow_not_applicable=False, max_items=0)
        column = []
        for _ in range(rows):
            if draw(st.booleans()):
                column.append(draw(good).actuals.get(code))
            else:
                column.append(draw(_scalars()))
        table[code] = column
    for code in plan.deduct_codes:
        if draw(st.booleans()):
            table[f"findings:{code}"] = draw(
                st.lists(_scalars(), min_size=rows, max_size=rows)
            )
    if draw(st.booleans()):
        code = draw(st.sampled_from(plan.codes))
        table[f"na:{code}"] = draw(
            st.lists(st.booleans() | _scalars(), min_size=rows, max_size=rows)
        )
    return scheme, table


def check_evaluate_batch(case: tuple[Scheme, dict[str, list[Any]]]) -> None:
    evaluate_batch = getattr(perfkpi, "evaluate_batch", None)
    if evaluate_batch is None:  # pragma: no cover
        pytest.skip("perfkpi.evaluate_batch is not built yet")
    scheme, table = case
    rows = len(next(iter(table.values()), []))
    with _only_perfkpi_errors():
        batch = evaluate_batch(scheme, table)
        total = np.asarray(batch.total)
        assert total.shape == (rows,)  # nothing lost: one result per row
        for i in range(rows):
            assert math.isfinite(total[i]) or batch.reasons.get(i)


test_fuzz_evaluate_batch, test_fuzz_evaluate_batch_long = _fuzz(
    _batches(), check_evaluate_batch
)


def check_command_line(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            _expected(exc)
            return
    assert status in (0, 2)
    if status == 2:
        assert err.getvalue().startswith("perfkpi: error: ")


test_fuzz_command_line, test_fuzz_command_line_long = _fuzz(
    st.tuples(st.just("target"), TARGET_TEXT).map(list)
    | st.tuples(st.just("target"), TARGET_TEXT, TARGET_TEXT).map(list),
    check_command_line,
)


@st.composite
def _workbooks(draw: st.DrawFn) -> bytes:
    """The bytes of a workbook: random, or a sheet of known headers and junk cells."""
    openpyxl = pytest.importorskip("openpyxl")
    excel = pytest.importorskip("perfkpi.excel")
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=200))
    names = [n for names in excel.HEADERS.values() for n in names]
    header = draw(st.lists(st.sampled_from(names), min_size=1, max_size=8))
    cell = st.one_of(
        st.none(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(alphabet=TARGET_ALPHABET, max_size=10),
        st.sampled_from(INTERESTING_TEXT[:-2]),
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for _ in range(draw(st.integers(0, 6))):
        sheet.append(draw(st.lists(cell, min_size=len(header), max_size=len(header))))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check_read_excel(raw: bytes) -> None:
    excel = pytest.importorskip("perfkpi.excel")
    with _only_perfkpi_errors():
        sheet = _load_file(excel.read_excel, ".xlsx", raw)
        evaluate(sheet.scheme, sheet.data)  # type: ignore[attr-defined]


test_fuzz_read_excel, test_fuzz_read_excel_long = _fuzz(_workbooks(), check_read_excel)


# -- the harness itself ----------------------------------------------------------------


def test_known_bug_signatures_are_precise() -> None:
    # an OverflowError from anywhere else is not excused
    with pytest.raises(OverflowError):
        _expected(OverflowError("somewhere else"))
    # a PerfKPIError always is
    _expected(perfkpi.DataError("1", "bad"))


REPRODUCTIONS: dict[str, Callable[[], object]] = {}
"""A reproduction of each known bug, to keep its signature honest."""


def test_each_known_bug_signature_matches_its_reproduction() -> None:
    # every open bug has a reproduction, and its signature recognises it; with
    # no bug open, both tables are empty
    assert set(REPRODUCTIONS) == {bug.test for bug in KNOWN_BUGS}
    for bug in KNOWN_BUGS:
        escaped: BaseException | None = None
        try:
            REPRODUCTIONS[bug.test]()
        except (Exception, SystemExit) as exc:  # noqa: BLE001 (sorted below)
            escaped = exc
        # while the bug lasts its signature recognises it; once fixed, the call
        # succeeds or raises a PerfKPIError, and the entry should be removed
        fixed = escaped is None or isinstance(escaped, PerfKPIError)
        assert fixed or (escaped is not None and bug.matches(escaped)), bug.test


def test_every_fuzzer_has_a_long_run() -> None:
    names = {n for n in globals() if n.startswith("test_fuzz_")}
    short = {n for n in names if not n.endswith("_long")}
    assert short
    assert {f"{n}_long" for n in short} == names - short


def check_evaluate_mapping(data: Mapping[str, Any]) -> None:
    with _only_perfkpi_errors():
        ev = evaluate(ONE, data)
        assert 0 <= ev.total <= 100


test_fuzz_evaluate_mapping, test_fuzz_evaluate_mapping_long = _fuzz(
    st.dictionaries(
        st.sampled_from(["1", "2", "actuals", "findings", "items", "not_applicable"]),
        _junk(),
    ),
    check_evaluate_mapping,
)
