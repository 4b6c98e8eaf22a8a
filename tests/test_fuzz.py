"""Fuzzing: whatever comes in, only PerfKPIError subclasses ever come out.

Each fuzzer runs twice: a short run in the default suite (a few seconds for all
of them) and a long run of 10,000 examples, marked ``slow``::

    python -m pytest tests/test_fuzz.py -m slow -p no:cacheprovider \\
        --hypothesis-show-statistics

docs/robustness.md records the figures of the last long run.

Two fuzzers walk the whole surface: ``test_fuzz_public_callable`` calls every
public function and class (``perfkpi.__all__`` and each public submodule's
``__all__``) with generated arguments, and ``test_fuzz_every_command`` runs
every command of the command line with generated files, standard input and
options.  A public callable may raise a ``PerfKPIError`` or a builtin its
docstring's ``Raises`` section names; the builtins that still escape
undocumented are listed in ``OPEN``, callable by callable.

A bug that a fuzzer finds is pinned down by a strict xfail test in
tests/test_bad_input.py.  Until it is fixed, the fuzzers recognise its exact
signature (the exception class and the perfkpi function it escapes from), count
it as a Hypothesis event ``known bug: …`` and go on; anything else that escapes
fails the run.
"""

from __future__ import annotations

import argparse
import atexit
import builtins
import contextlib
import enum
import importlib
import inspect
import io
import json
import math
import pkgutil
import re
import shutil
import sys
import tempfile
import traceback
import types
import warnings
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
    # perfkpi's warnings (a scheme that rounds a composite index at each node,
    # a value that reads two ways) are answers to a drawn input, as its
    # errors are; any other warning still fails the run
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkpi.PerfKPIWarning)
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
    doc = json.loads(json.dumps(doc, default=str))  # dates as ISO text
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


CATALOG_DOCS = [
    perfkpi.files.scheme_to_dict(perfkpi.catalog.scheme(name))
    for name in perfkpi.catalog.schemes()
]
"""The bundled schemes in their file form: real documents to mutate."""


def _scheme_docs() -> st.SearchStrategy[Any]:
    """Valid scheme documents, then the same with one thing changed."""
    to_dict = getattr(perfkpi.files, "scheme_to_dict", None)
    generated = (
        schemes(max_depth=2, max_children=3).map(to_dict)
        if to_dict is not None
        else st.just(SCHEME_DOC)
    )
    valid = st.just(SCHEME_DOC) | generated | st.sampled_from(CATALOG_DOCS)
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
            if exc.code == 0 and ("-h" in argv or "--help" in argv):
                return  # help printed: argparse's own exit, status 0
            _expected(exc)
            return
    # 1: a target not met, a check or review that found something
    assert status in (0, 2) or (
        status == 1
        and argv[:1] in (["target"], ["check"], ["review"], ["review-targets"])
    )
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
    # a plain number against a percentage is read and warned about (documented)
    with _only_perfkpi_errors(), warnings.catch_warnings():
        warnings.simplefilter("ignore", perfkpi.AmbiguousValueWarning)
        ev = evaluate(ONE, data)
        assert 0 <= ev.total <= 100


test_fuzz_evaluate_mapping, test_fuzz_evaluate_mapping_long = _fuzz(
    st.dictionaries(
        st.sampled_from(["1", "2", "actuals", "findings", "items", "not_applicable"]),
        _junk(),
    ),
    check_evaluate_mapping,
)


# -- every public callable, with garbage -----------------------------------------------

_SKIPPED_MODULES = {
    # strategies check their arguments when they are drawn (tests/test_testing.py)
    "perfkpi.testing": "strategies",
    # the command line has its own fuzzers below
    "perfkpi.cli": "command line",
}


def _public_modules() -> list[types.ModuleType]:
    """``perfkpi`` and every public submodule, as their ``__all__`` export them."""
    names = ["perfkpi"]
    names += [
        f"perfkpi.{m.name}"
        for m in pkgutil.iter_modules(perfkpi.__path__)
        if not m.name.startswith("_")
    ]
    names.append("perfkpi.catalog.listing")
    out = []
    for name in names:
        if name in _SKIPPED_MODULES:
            continue
        try:
            out.append(importlib.import_module(name))
        except ImportError:  # pragma: no cover (an extra not installed)
            continue
    return out


def _public_callables() -> dict[str, Callable[..., object]]:
    """Every public function and class, by its home ``module.name``, once each."""
    found: dict[str, Callable[..., object]] = {}
    for module in _public_modules():
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not callable(obj) or isinstance(obj, types.GenericAlias):
                continue
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            home = getattr(obj, "__module__", "")
            if home in _SKIPPED_MODULES or not home.startswith("perfkpi"):
                continue  # re-exported from elsewhere, or a typing alias
            if isinstance(obj, type) and issubclass(obj, enum.Enum):
                continue  # an enum's values are its constructor's only input
            found.setdefault(f"{home}.{getattr(obj, '__qualname__', attr)}", obj)
    return dict(sorted(found.items()))


PUBLIC = _public_callables()

_RAISES = re.compile(
    r"^Raises\n-+\n(?P<body>.*?)(?=^\S[^\n]*\n-{3,}\n|\Z)", re.MULTILINE | re.DOTALL
)


def documented_errors(obj: object) -> tuple[type[BaseException], ...]:
    """Return the exception classes the Raises section of *obj*'s docstring names.

    A line of the section that is not indented names one or more classes,
    separated by commas (``TypeError``, ``perfkpi.errors.DataError``); a name
    is looked up among the builtins and perfkpi's errors.
    """
    doc = inspect.getdoc(obj) or ""
    found = _RAISES.search(doc)
    if found is None:
        return ()
    pool = {**vars(builtins), **vars(perfkpi.errors), **vars(perfkpi)}
    out: list[type[BaseException]] = []
    for line in found.group("body").splitlines():
        if not line or line[0].isspace():
            continue
        for name in line.split(","):
            cls = pool.get(name.strip().strip("`~").rsplit(".", 1)[-1])
            if isinstance(cls, type) and issubclass(cls, BaseException):
                out.append(cls)
    return tuple(out)


_EV = evaluate(BASE, DATA_DOC)
_OBJECTS: dict[str, list[Any]] = {
    "Scheme": [BASE, ONE, perfkpi.catalog.scheme("yy-dept-overall")],
    "Evaluation": [_EV],
    "Data": [perfkpi.files.data_from_dict(DATA_DOC)],
    "Target": [parse_target("≥99%"), parse_target("是")],
    "Formula": [parse_formula("实际支出 / 预算数")],
    "Rounding": [perfkpi.Rounding()],
    "Indicator": [perfkpi.catalog.indicator("预算执行率")],
    "UnitRegistry": [perfkpi.units.DEFAULT_UNITS],
    "Unit": [perfkpi.units.DEFAULT_UNITS.find("%")],
    "Rule": [Proportional(), Deduct()],
    "RuleBase": [Proportional(), Deduct()],
    "Node": [Node("1", "x", points=10, target="≥99%", rule=Proportional())],
    "GradeScale": [perfkpi.grades.CN_2020],
    "TargetSyntax": [perfkpi.DEFAULT_SYNTAX],
    "Stated": [perfkpi.check.bundled_stated("gz-internet-court-2022")],
    "PerfKPIError": [perfkpi.SchemeError, perfkpi.DataError],
}
"""perfkpi objects by class: what a parameter annotated with that class gets."""

_TEXTS = ["1", "1.1", "2", "total", "zh", "en", "json", "html", "gz-dept-overall"]
_TEXTS += ["gz-internet-court-2022", "≥99%", "../schemes/gz-dept-overall", "/etc"]
_PATHLIKE = ("path", "folder", "output")


@st.composite
def _path_args(draw: st.DrawFn, folder: Path) -> Any:  # noqa: ANN401
    """A path inside *folder*: missing, the folder itself, or a file of junk bytes."""
    how = draw(st.sampled_from(["missing", "folder", "file"]))
    if how == "folder":
        return str(folder)
    suffix = draw(st.sampled_from([".toml", ".json", ".xlsx", ".csv", ".png", ""]))
    path = folder / f"f{draw(st.integers(0, 3))}{suffix}"
    if how == "file":
        path.write_bytes(draw(st.binary(max_size=64)))
    return draw(st.sampled_from([path, str(path)]))


def _argument(param: inspect.Parameter, folder: Path) -> st.SearchStrategy[Any]:
    """What a parameter gets: perfkpi objects where its annotation names a class,
    and any JSON-like value (text, numbers, lists, tables) where it takes data.

    An object of the wrong perfkpi class (a Scheme where an Evaluation
    belongs) is a programming error that a type checker reports; it is not
    drawn.  Paths stay inside *folder*.
    """
    if any(part in param.name for part in _PATHLIKE):
        return _path_args(folder)
    if param.name == "inputs" and "Path" in str(param.annotation):
        return st.lists(_path_args(folder), max_size=2)
    names = set(re.findall(r"[A-Za-z_]\w*", str(param.annotation)))
    objects = [o for n in sorted(names & set(_OBJECTS)) for o in _OBJECTS[n]]
    plain = names - set(_OBJECTS) - {"None", "type"}
    data = st.sampled_from(_TEXTS) | _junk()
    if objects and plain:
        return st.sampled_from(objects) | data
    if objects:
        return (
            st.sampled_from(objects) | st.none()
            if "None" in names
            else (st.sampled_from(objects))
        )
    return data


@st.composite
def _calls(draw: st.DrawFn, obj: Callable[..., object], folder: Path) -> Any:  # noqa: ANN401
    """Arguments for *obj*: each required one, and some optional ones by name."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):  # pragma: no cover (a builtin without one)
        return (), {}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        required = param.default is param.empty
        by_name = param.kind is param.KEYWORD_ONLY
        if (required and by_name) or (not required and draw(st.integers(0, 2)) == 0):
            kwargs[param.name] = draw(_argument(param, folder))
        elif required:
            args.append(draw(_argument(param, folder)))
    return tuple(args), kwargs


OPEN: dict[str, tuple[type[BaseException], ...]] = {
    # none open: every public callable documents the builtins it raises
}
"""Builtins that still escape a public callable undocumented, by callable.

Found by :func:`test_fuzz_public_callable`; each is either a missing check
(an ``AttributeError``, a bare ``ValueError`` from unpacking) or an error the
docstring does not list yet.  The fuzzer counts them as ``open: …`` events and
goes on; a builtin that is not listed fails it.  docs/robustness.md lists
them; remove an entry when its callable is fixed.
"""


def _only_documented(name: str, obj: object, exc: BaseException) -> None:
    """Let a PerfKPIError, a documented builtin, an open entry or a known bug pass."""
    if not isinstance(exc, PerfKPIError) and isinstance(exc, documented_errors(obj)):
        event(f"documented {type(exc).__name__}")
        return
    if not isinstance(exc, PerfKPIError) and isinstance(exc, OPEN.get(name, ())):
        event(f"open: {name} {type(exc).__name__}")
        return
    _expected(exc)


def _check_public(name: str, data: st.DataObject) -> None:
    obj = PUBLIC[name]
    with (
        tempfile.TemporaryDirectory() as tmp,
        contextlib.chdir(tmp),
        warnings.catch_warnings(),
    ):
        # perfkpi's own warnings say what they mean; the rest are errors
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", perfkpi.PerfKPIWarning)
        args, kwargs = data.draw(_calls(obj, Path(tmp)))
        try:
            made = obj(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 (sorted by _only_documented)
            _only_documented(name, obj, exc)
            return
        if isinstance(made, io.IOBase):
            made.close()  # open_regular hands back an open file


@pytest.mark.parametrize("name", list(PUBLIC))
@settings(SHORT, max_examples=5)
@given(data=st.data())
def test_fuzz_public_callable(name: str, data: st.DataObject) -> None:
    _check_public(name, data)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PUBLIC))
@settings(SHORT, max_examples=1_000)
@given(data=st.data())
def test_fuzz_public_callable_long(name: str, data: st.DataObject) -> None:
    _check_public(name, data)


def test_open_entries_are_public_callables() -> None:
    assert set(OPEN) <= set(PUBLIC)
    for errors in OPEN.values():
        assert errors
        assert not any(issubclass(e, PerfKPIError) for e in errors)


def test_the_walk_finds_the_public_api() -> None:
    # a few names from each layer, and nothing private or from elsewhere
    for name in (
        "perfkpi.targets.parse_target",
        "perfkpi.files.scheme_from_dict",
        "perfkpi.files.data_from_dict",
        "perfkpi.scheme.Node",
        "perfkpi.catalog.data",
        "perfkpi.report.render",
        "perfkpi.catalog.listing.show",
    ):
        assert name in PUBLIC
    assert not [n for n in PUBLIC if "._" in n or not n.startswith("perfkpi.")]


def test_documented_errors_reads_the_raises_section() -> None:
    def sample() -> None:
        """Do nothing.

        Raises
        ------
        KeyError
            If so.
        TypeError, perfkpi.errors.DataError
            If not.

        Examples
        --------
        ValueError
        """

    assert documented_errors(sample) == (KeyError, TypeError, perfkpi.DataError)
    assert documented_errors(len) == ()


# -- every command of the command line, with garbage ---------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    # the commands as the command line defines them (argparse's own parts)
    parser = perfkpi.cli._parser()  # noqa: SLF001
    actions = parser._actions  # noqa: SLF001
    sub = next(a for a in actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    commands: dict[str, argparse.ArgumentParser] = dict(sub.choices)
    return commands


COMMANDS = _subcommands()
_FILE_ARGUMENTS = {
    "scheme": _scheme_docs(),
    "data": st.just(DATA_DOC) | st.just(DATA_DOC).flatmap(_mutated) | _junk(),
    "stated": st.just({"scheme": "s", "total": 98.5}) | _junk(),
}


_VALID_FOLDER = Path(tempfile.mkdtemp(prefix="perfkpi-fuzz-"))
atexit.register(shutil.rmtree, _VALID_FOLDER, ignore_errors=True)
(_VALID_FOLDER / "scheme.json").write_text(json.dumps(SCHEME_DOC), encoding="utf-8")
(_VALID_FOLDER / "data.json").write_text(json.dumps(DATA_DOC), encoding="utf-8")
(_VALID_FOLDER / "table.csv").write_text(
    "1.1,1.2,2.1,findings:2\n99.5,5%,2天,1\n,abc,,\n", encoding="utf-8"
)
_VALID_FILES: dict[str, list[Path]] = {
    "scheme": [
        _VALID_FOLDER / "scheme.json",
        perfkpi.catalog.scheme_path("gz-dept-overall"),
    ],
    "data": [
        _VALID_FOLDER / "data.json",
        perfkpi.catalog.data_path("gz-internet-court-2022"),
    ],
    "stated": [
        Path(perfkpi.__file__).parent / "_stated" / "gz-internet-court-2022.toml"
    ],
    "table": [_VALID_FOLDER / "table.csv"],
}
"""Files that load: the documents above and the bundled seed, so that the
garbage in the options reaches the commands' work, not only their loaders."""


@st.composite
def _file_argument(draw: st.DrawFn, dest: str, folder: Path) -> tuple[str, bytes]:
    """A file argument and what standard input holds: a file, '-' or no file."""
    how = draw(st.sampled_from(["valid", "valid", "file", "file", "stdin", "missing"]))
    if how == "valid" and dest in _VALID_FILES:
        return str(draw(st.sampled_from(_VALID_FILES[dest]))), b""
    if dest == "table":
        rows = draw(
            st.lists(st.lists(st.text(TARGET_ALPHABET, max_size=6), max_size=4))
        )
        raw = "\n".join(",".join(r) for r in [["1", "2", "na:1"], *rows]).encode()
        suffix = ".csv"
    else:
        suffix, raw = draw(_files(_FILE_ARGUMENTS.get(dest, _junk())))
    if how == "stdin":
        return "-", raw
    path = folder / f"{dest}{suffix}"
    if how == "file":
        path.write_bytes(raw)
    return str(path), b""


@st.composite
def _command_lines(
    draw: st.DrawFn, command: str, folder: Path
) -> tuple[list[str], bytes]:
    """A command line for *command*: its arguments drawn, its options some of them."""
    argv = [command]
    stdin = b""
    values = TARGET_TEXT | st.sampled_from(["1", "1.1", "total", "2=5", "0", "-1"])
    for action in COMMANDS[command]._actions:  # noqa: SLF001
        if action.dest == "help":
            continue
        if not action.option_strings:
            if action.nargs == "?" and draw(st.booleans()):
                continue
            if action.dest in ("scheme", "data", "stated", "table") and (
                command != "catalog"
            ):
                path, raw = draw(_file_argument(action.dest, folder))
                stdin = raw or stdin
                argv.append(path)
            else:
                argv.append(draw(values))
            continue
        if draw(st.integers(0, 2)):
            continue
        flag = action.option_strings[-1]
        if action.nargs == 0:
            argv.append(flag)
        elif action.dest == "output":
            name = draw(st.sampled_from(["out.png", "out.svg", "out.csv", "out", "."]))
            argv += [flag, str(folder / name)]
        elif action.choices is not None and draw(st.integers(0, 3)):
            argv += [flag, str(draw(st.sampled_from(list(action.choices))))]
        elif action.nargs == "?" and draw(st.booleans()):
            argv.append(flag)
        else:
            argv += [flag, draw(values)]
    if command == "target" and "--" not in argv and len(argv) > 1:
        argv.insert(1, "--")  # a target may start with '-'
    return argv, stdin


def check_every_command(command: str, data: st.DataObject) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        contextlib.chdir(tmp),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", perfkpi.PerfKPIWarning)
        argv, stdin = data.draw(_command_lines(command, Path(tmp)))
        out, err = io.StringIO(), io.StringIO()
        standard_input = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stdin(standard_input),
        ):
            try:
                status = main(argv)
            except SystemExit as exc:
                # argparse refuses a malformed option with status 2 and a usage
                assert exc.code == 2, (argv, exc.code)  # noqa: PT017
                assert "error:" in err.getvalue()
                return
            except Exception as exc:  # noqa: BLE001 (sorted by _expected)
                _expected(exc)
                return
    # 1: a check found figures that do not add up
    event(f"{command}: status {status}")
    assert status in (0, 1, 2), (argv, status)
    if status == 2:
        assert err.getvalue().startswith("perfkpi: error: "), (argv, err.getvalue())


@contextlib.contextmanager
def _stdin(stream: io.TextIOWrapper) -> Any:  # noqa: ANN401 (a context manager)
    saved = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = saved


@pytest.mark.parametrize("command", sorted(COMMANDS))
@SHORT
@given(data=st.data())
def test_fuzz_every_command(command: str, data: st.DataObject) -> None:
    check_every_command(command, data)


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(SHORT, max_examples=1_000)
@given(data=st.data())
def test_fuzz_every_command_long(command: str, data: st.DataObject) -> None:
    check_every_command(command, data)


def test_every_command_is_fuzzed() -> None:
    expected = {"batch", "catalog", "check", "demo", "evaluate", "plot", "target"}
    assert expected | {"validate"} <= set(COMMANDS)
