"""Formulas: a small safe evaluator over named inputs, on scalars and arrays."""

from __future__ import annotations

import math
import pickle
import sys
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from perfkpi import (
    Data,
    DataError,
    Node,
    PerfKPIError,
    Proportional,
    Scheme,
    evaluate,
)
from perfkpi.formulas import (
    MAX_DEPTH,
    MAX_LENGTH,
    Formula,
    FormulaError,
    FormulaZeroDivisionError,
    as_actual,
    as_fraction,
    compute_actuals,
    evaluate_formula,
    normalise_name,
    parse_formula,
    reading_unit,
)
from perfkpi.indicators import Indicator
from perfkpi.rules import Bands
from perfkpi.units import DEFAULT_UNITS

INPUTS = {
    "实际支出": 8600,
    "预算数": 8000,
    "本年": 95,
    "上年": 100,
    "零": 0,
    "月度": [0.98, 1.0, 1.02, 0.96],
    "a": 2,
    "b": 4,
}

# formula, expected value worked out by hand
VALID: list[tuple[str, float]] = [
    ("实际支出 / 预算数", 1.075),  # 8600 / 8000
    ("(本年 − 上年) / 上年", -0.05),  # (95 − 100) / 100, U+2212 minus
    ("(本年 - 上年) / 上年", -0.05),  # ASCII minus
    ("（本年－上年）÷上年", -0.05),  # full-width parentheses and minus, ÷
    ("实际支出 ÷ 预算数 × 100%", 1.075),  # × 100% is × 1
    ("a × b", 8),
    ("a·b", 8),  # middle dot multiplies
    ("a * b + 1", 9),
    ("a + b * 2", 10),  # precedence: 2 + 8
    ("(a + b) * 2", 12),
    ("-a + b", 2),
    ("--a", 2),
    ("+a", 2),
    ("a - b - 1", -3),  # left associative: (2 − 4) − 1
    ("b / a / 2", 1),  # left associative: (4 / 2) / 2
    ("95%", 0.95),
    ("95% * 2", 1.9),  # 0.95 exactly, not 0.9500000000000001
    ("5‰", 0.005),
    ("1e3 / a", 500),
    (".5 + a", 2.5),
    ("sum(月度)", 3.96),  # 0.98 + 1 + 1.02 + 0.96
    ("mean(月度)", 0.99),  # 3.96 / 4
    ("min(月度)", 0.96),
    ("max(月度)", 1.02),
    ("min(a, b)", 2),
    ("max(a, b, 3)", 4),
    ("sum(a, b, 1)", 7),
    ("mean(a, b)", 3),
    ("abs(上年 - 本年 * 2)", 90),  # |100 − 190|
    ("MAX(a, b)", 4),  # function names in any case
    ("sum(a)", 2),  # a scalar reduces to itself
    ("零 / a", 0),
    ("a，b" if False else "max(a，b)", 4),  # full-width comma separates arguments
    ("ａ×１０", 20),  # full-width letter and digits: 2 × 10
    ("（ａ＋ｂ）／２", 3),  # full-width parentheses, plus and slash: (2 + 4) / 2
    ("a\u00a0×\u3000b", 8),  # non-breaking and ideographic spaces
]


@pytest.mark.parametrize(("formula", "expected"), VALID)
def test_valid_formulas(formula: str, expected: float) -> None:
    value = evaluate_formula(formula, INPUTS)
    assert isinstance(value, float)
    assert value == pytest.approx(expected, abs=1e-12)


# formula, error class, character position, text in the message
INVALID: list[tuple[str, type[FormulaError], int | None, str]] = [
    # the divisor is an input that is zero
    ("a / 零", FormulaZeroDivisionError, 2, "零 is 0"),
    # a literal zero divisor
    ("a / 0", FormulaZeroDivisionError, 2, "division by zero"),
    # the divisor is an expression that is zero
    ("a / (b - 4)", FormulaZeroDivisionError, 2, "division by zero"),
    # a name the inputs do not have, with the nearest one suggested
    ("实际支出 / 预算", FormulaError, 7, "did you mean '预算数'?"),
    # an unknown function, with the nearest one suggested
    ("summ(月度)", FormulaError, 0, "did you mean 'sum'?"),
    # abs takes one argument
    ("abs(a, b)", FormulaError, 0, "abs takes one argument"),
    # a call needs an argument
    ("max()", FormulaError, 4, "expected a number, a name or '('"),
    # the formula ends after an operator
    ("a +", FormulaError, 3, "got the end"),
    # two names with no operator between them
    ("a b", FormulaError, 2, "expected an operator"),
    # an unclosed parenthesis
    ("(a + b", FormulaError, 6, "expected ')'"),
    # a closing parenthesis too many
    ("a + b)", FormulaError, 5, "expected an operator"),
    # a character that is not arithmetic: no attribute access, no indexing
    ("a.__class__", FormulaError, 1, "unexpected character '.'"),
    ("x[0]", FormulaError, 1, "unexpected character '['"),
    # exponentiation is not part of the language
    ("a ** b", FormulaError, 3, "expected a number, a name or '('"),
    # an empty formula
    ("", FormulaError, 0, "expected a number"),
    # a number that is not finite
    ("1e999", FormulaError, 0, "number too large"),
    # a result that is not finite
    ("1e308 * 10", FormulaError, 6, "result too large"),
    # mean of an empty list
    ("mean(空)", FormulaError, 0, "mean of no values"),
    # thousands separators would be read as argument separators
    ("8,634.17", FormulaError, 1, "expected an operator"),
    # look-alikes that NFKC would read as digits: a×10² would be 102·a
    ("a×10²", FormulaError, 4, "look-alike character '²'"),
    ("①+a", FormulaError, 0, "U+2460 CIRCLED DIGIT ONE only looks like '1'"),
    ("a×½", FormulaError, 2, "look-alike character '½'"),
    ("a₂", FormulaError, 1, "look-alike character '₂'"),  # not the name a2
    ("a﹢b", FormulaError, 1, "look-alike character '﹢'"),  # small plus sign
    # a digit of another script is not a number
    ("a×٣", FormulaError, 2, "unexpected character '٣'"),
]


@pytest.mark.parametrize(("formula", "error", "position", "text"), INVALID)
def test_invalid_formulas(
    formula: str, error: type[FormulaError], position: int | None, text: str
) -> None:
    with pytest.raises(error) as info:
        evaluate_formula(formula, {**INPUTS, "空": []})
    assert info.value.position == position
    assert text in str(info.value)
    assert repr(formula) in str(info.value)
    assert isinstance(info.value, ValueError | ZeroDivisionError)


def test_zero_division_is_both_builtins() -> None:
    assert issubclass(FormulaZeroDivisionError, ZeroDivisionError)
    assert issubclass(FormulaZeroDivisionError, PerfKPIError)
    assert issubclass(FormulaError, ValueError)


def test_errors_pickle() -> None:
    with pytest.raises(FormulaError) as info:
        evaluate_formula("a / 零", INPUTS)
    again = pickle.loads(pickle.dumps(info.value))  # noqa: S301 (our own object)
    assert str(again) == str(info.value)


BAD_INPUTS: list[tuple[object, str]] = [
    (True, "must be a number"),  # a boolean is not a number
    ("abc", "is not a number"),  # text that is not a number
    ("5件", "is written in 件"),  # a unit other than a percentage
    ([[1, 2], [3]], "rectangular"),  # a ragged list
    ({"x": 1}, "must be a number"),  # a table
    (math.nan, "not finite"),  # NaN
    (math.inf, "not finite"),  # infinity
]


@pytest.mark.parametrize(("value", "text"), BAD_INPUTS)
def test_bad_inputs(value: object, text: str) -> None:
    with pytest.raises(FormulaError, match=text):
        evaluate_formula("x + 1", {"x": value})


def test_percent_text_input() -> None:
    assert evaluate_formula("x * 2", {"x": "95%"}) == 1.9  # 0.95 × 2
    assert evaluate_formula("x + 1", {"x": "8.5"}) == 9.5


def test_names_are_matched_in_nfkc_form() -> None:
    # full-width Latin letters in the input names read as ASCII
    assert evaluate_formula("ab + 1", {"ａｂ": 2}) == 3
    # an input name with a look-alike is kept as it is: no formula can use it
    assert normalise_name("a²") == "a²"


def test_every_digit_lookalike_is_refused_in_a_formula() -> None:
    # every character NFKC turns into something beginning with an ASCII digit,
    # except the full-width digits ０-９ themselves
    lookalikes = [
        chr(code)
        for code in range(sys.maxunicode + 1)
        if not 0xFF10 <= code <= 0xFF19
        and (norm := unicodedata.normalize("NFKC", chr(code))) != chr(code)
        and norm[0].isascii()
        and norm[0].isdigit()
    ]
    assert len(lookalikes) > 200
    for char in lookalikes:
        with pytest.raises(FormulaError, match="look-alike") as info:
            parse_formula(f"a×1{char}")
        assert 3 == info.value.position


def test_names_and_text() -> None:
    f = parse_formula(
        "(上年结转 + 年初预算 + 追加 − 年末结余) / (上年结转 + 年初预算 + 追加)"
    )
    assert f.names == ("上年结转", "年初预算", "追加", "年末结余")
    assert str(f) == f.text
    assert parse_formula(str(f)) == f
    # (10 + 100 + 20 − 13) / (10 + 100 + 20) = 117 / 130 = 0.9
    inputs = {"上年结转": 10, "年初预算": 100, "追加": 20, "年末结余": 13}
    assert f.evaluate(inputs) == pytest.approx(0.9)


def test_quoted_names() -> None:
    # “三公”经费 keeps its quotes as part of the name
    assert evaluate_formula("“三公”经费 / 预算", {"“三公”经费": 3, "预算": 4}) == 0.75


def test_limits() -> None:
    with pytest.raises(FormulaError, match="characters long") as caught:
        parse_formula("a+" * MAX_LENGTH)
    # refused at the first character beyond the limit, before any is read
    assert caught.value.position == MAX_LENGTH
    assert "8,192 characters long" in str(caught.value)  # 2 × 4096
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse_formula("(" * (MAX_DEPTH + 5) + "a" + ")" * (MAX_DEPTH + 5))
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse_formula("-" * (MAX_DEPTH + 5) + "a")
    # a long flat chain is fine: it is not nested
    assert evaluate_formula("+".join(["1"] * 1000), {}) == 1000


# -- arrays ----------------------------------------------------------------------


def test_arrays_broadcast() -> None:
    value = evaluate_formula(
        "实际支出 / 预算数", {"实际支出": [95, 120, 50], "预算数": 100}
    )
    assert isinstance(value, np.ndarray)
    assert value.tolist() == pytest.approx([0.95, 1.2, 0.5])


def test_reductions_over_the_last_axis() -> None:
    # two entities, three months each: row means 1.0 and 2.0
    value = evaluate_formula("mean(x)", {"x": [[0.5, 1.0, 1.5], [2, 2, 2]]})
    assert isinstance(value, np.ndarray)
    assert value.tolist() == [1.0, 2.0]
    # several arguments work element by element
    value = evaluate_formula("max(a, b)", {"a": [1, 5], "b": [3, 2]})
    assert isinstance(value, np.ndarray)
    assert value.tolist() == [3, 5]


def test_shapes_that_do_not_broadcast() -> None:
    with pytest.raises(FormulaError, match="do not broadcast"):
        evaluate_formula("a + b", {"a": [1, 2], "b": [1, 2, 3]})
    with pytest.raises(FormulaError, match="do not broadcast"):
        evaluate_formula("max(a, b)", {"a": [1, 2], "b": [1, 2, 3]})


def test_array_division_by_zero_raises_naming_the_element() -> None:
    with pytest.raises(FormulaZeroDivisionError, match="element 1"):
        evaluate_formula("a / b", {"a": [1, 2, 3], "b": [1, 0, 0]})


def test_batch_gives_nan_and_a_reason_per_element() -> None:
    out = parse_formula("(本年 - 上年) / 上年").evaluate_batch(
        {"本年": [110, 90, 5, math.nan], "上年": [100, 100, 0, 100]}
    )
    assert out.values[:2].tolist() == pytest.approx([0.1, -0.1])
    assert np.isnan(out.values[2:]).all()
    assert out.reasons.tolist() == [
        "",
        "",
        "division by zero at character 10 (上年 is 0)",
        "input 本年 is missing (NaN)",
    ]
    assert out.ok.tolist() == [True, True, False, False]


def test_batch_reduction_carries_the_reason() -> None:
    out = parse_formula("sum(x / y)").evaluate_batch(
        {"x": [[1, 2], [3, 4]], "y": [[1, 0], [1, 1]]}
    )
    assert np.isnan(out.values[0])
    assert out.values[1] == 7  # 3/1 + 4/1
    assert out.reasons.tolist() == ["division by zero at character 6 (y is 0)", ""]


def test_batch_inputs_are_one_number_or_one_list_per_entity() -> None:
    # a 1-D input in a batch is one number per entity: max leaves it alone
    assert parse_formula("max(x)").evaluate_batch({"x": [1, 5]}).values.tolist() == [
        1,
        5,
    ]
    # a 2-D input is a list per entity: max takes each row's largest
    out = parse_formula("max(x)").evaluate_batch({"x": [[1, 5], [7, 2]]})
    assert out.values.tolist() == [5, 7]


def test_batch_still_raises_for_the_whole_formula() -> None:
    with pytest.raises(FormulaError, match="unknown name"):
        parse_formula("x / z").evaluate_batch({"x": [1]})


# -- the reasons of bad rows, on the fast path and off it --------------------------

# Each row below is bad for one reason; the reason is the text the module's
# documentation gives (a division by zero names the character of its "/", 5 in
# "实际支出 / 预算数", and the divisor's name; a NaN or infinite input is
# "missing (NaN)"; a result beyond the largest float names its operator).
BAD_ROWS: list[tuple[float, float, str]] = [
    (5.0, 0.0, "division by zero at character 5 (预算数 is 0)"),
    (math.nan, 8000.0, "input 实际支出 is missing (NaN)"),
    (math.inf, 8000.0, "input 实际支出 is missing (NaN)"),
    (8600.0, math.nan, "input 预算数 is missing (NaN)"),
    (8600.0, -math.inf, "input 预算数 is missing (NaN)"),  # 8600 / −inf would be −0
    (1e300, 1e-300, "result too large at character 5"),  # 1e600 is beyond a float
    (math.nan, 0.0, "input 实际支出 is missing (NaN)"),  # the first reason wins
]


def test_bad_rows_keep_their_reasons_among_many_good_ones() -> None:
    rows = 10_000
    spent = np.full(rows, 8600.0)
    budget = np.full(rows, 8000.0)
    where = [3, 500, 501, 4_000, 7_777, 9_000, 9_999]
    for row, (a, b, _) in zip(where, BAD_ROWS, strict=True):
        spent[row], budget[row] = a, b
    out = parse_formula("实际支出 / 预算数").evaluate_batch(
        {"实际支出": spent, "预算数": budget}
    )
    expected = [""] * rows
    for row, (_, _, reason) in zip(where, BAD_ROWS, strict=True):
        expected[row] = reason
    assert out.reasons.tolist() == expected
    assert np.flatnonzero(~out.ok).tolist() == where
    good = np.ones(rows, dtype=bool)
    good[where] = False
    assert (out.values[good] == 1.075).all()  # 8600 / 8000
    assert np.isnan(out.values[where]).all()
    # the codes index the messages; code 0 is a computed row
    assert out.messages[0] == ""
    assert [out.messages[c] for c in out.codes[where]] == [r for *_, r in BAD_ROWS]
    assert out.codes.dtype.kind == "i"


def test_good_rows_have_no_reason() -> None:
    out = parse_formula("(本年 − 上年) / 上年").evaluate_batch(
        {"本年": np.full(1000, 110.0), "上年": np.full(1000, 100.0)}
    )
    assert out.messages == ("",)
    assert (out.codes == 0).all()
    assert (out.reasons == "").all()
    assert out.values == pytest.approx(np.full(1000, 0.1))  # (110 − 100) / 100


@pytest.mark.parametrize(
    ("text", "inputs", "reason"),
    [
        # a bad element that arithmetic would hide: 1 / inf is 0, min(inf, 3) is 3
        ("1 / x", {"x": [math.inf, 2.0]}, "input x is missing (NaN)"),
        ("min(x, 3)", {"x": [math.inf, 2.0]}, "input x is missing (NaN)"),
        ("max(x, 3)", {"x": [-math.inf, 2.0]}, "input x is missing (NaN)"),
        ("min(x)", {"x": [[math.inf, 5.0], [2.0, 4.0]]}, "input x is missing (NaN)"),
        # 2 / 0 is inf, and 1 / inf would be 0: the inner "/" (character 7 of
        # "1 / (a / b)") is the reason
        (
            "1 / (a / b)",
            {"a": [2.0, 2.0], "b": [0.0, 1.0]},
            "division by zero at character 7 (b is 0)",
        ),
        # 1e200 × 1e200 is beyond a float, and 1 / inf would be 0 (the "*" is
        # character 7 of "1 / (x * x)")
        ("1 / (x * x)", {"x": [1e200, 2.0]}, "result too large at character 7"),
    ],
)
def test_reasons_that_arithmetic_would_hide(
    text: str, inputs: dict[str, list[float]], reason: str
) -> None:
    out = parse_formula(text).evaluate_batch(inputs)
    assert out.reasons.tolist()[0] == reason
    assert np.isnan(out.values[0])
    assert out.reasons.tolist()[1] == ""
    with pytest.raises(FormulaError):
        parse_formula(text).evaluate(inputs)


def test_the_result_is_never_the_callers_array() -> None:
    given = np.array([1.0, 2.0])
    out = parse_formula("x").evaluate({"x": given})
    assert isinstance(out, np.ndarray)
    assert out is not given
    out[0] = 99.0
    assert given.tolist() == [1.0, 2.0]
    batch = parse_formula("sum(x)").evaluate_batch({"x": given})  # one per entity
    batch.values[0] = 99.0
    assert given.tolist() == [1.0, 2.0]


def test_a_bad_input_broadcast_to_nothing_is_still_bad() -> None:
    # x has no elements, so x × y has none either: y's NaN is still reported
    x = np.zeros((3, 0))
    with pytest.raises(FormulaError, match="input 'y' is not finite"):
        parse_formula("sum(x * y)").evaluate({"x": x, "y": math.nan})
    out = parse_formula("sum(x * y)").evaluate_batch({"x": x, "y": math.nan})
    assert out.values.tolist() == [0.0, 0.0, 0.0]  # the sum of no values is 0
    assert out.reasons.tolist() == ["", "", ""]


def test_zero_dimensional_inputs() -> None:
    out = parse_formula("-y").evaluate_batch({"y": np.asarray(math.nan)})
    assert out.values.shape == ()
    assert out.reasons.tolist() == "input y is missing (NaN)"
    assert parse_formula("-y").evaluate({"y": np.asarray(2.0)}) == -2.0


def test_results_compare_by_values_and_reasons() -> None:
    f = parse_formula("a / b")
    one = f.evaluate_batch({"a": [1.0, 1.0], "b": [0.0, 2.0]})
    assert one == f.evaluate_batch({"a": [1.0, 1.0], "b": [0.0, 2.0]})  # NaN == NaN
    assert one != f.evaluate_batch({"a": [1.0, 1.0], "b": [math.nan, 2.0]})


# -- properties ------------------------------------------------------------------


@given(st.text(max_size=60))
def test_any_text_gives_a_value_or_a_perfkpi_error(text: str) -> None:
    try:
        value = evaluate_formula(text, INPUTS)
    except PerfKPIError:
        return
    assert isinstance(value, float | np.ndarray)


OPERATORS = st.sampled_from(["+", "-", "*", "/", " × ", " ÷ ", " − "])


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    """Draw a well-formed formula over the names x, y and z."""
    if depth > 3 or draw(st.booleans()):
        return draw(
            st.sampled_from(["x", "y", "z"])
            | st.integers(0, 100).map(str)
            | st.sampled_from(["50%", "2.5", "1e2"])
        )
    kind = draw(st.sampled_from(["op", "paren", "neg", "call"]))
    if kind == "op":
        left = draw(expressions(depth + 1))
        right = draw(expressions(depth + 1))
        return f"{left}{draw(OPERATORS)}{right}"
    if kind == "paren":
        return f"({draw(expressions(depth + 1))})"
    if kind == "neg":
        return f"-{draw(expressions(depth + 1))}"
    function = draw(st.sampled_from(["min", "max", "sum", "mean", "abs"]))
    count = 1 if function == "abs" else draw(st.integers(1, 3))
    args = [draw(expressions(depth + 1)) for _ in range(count)]
    return f"{function}({', '.join(args)})"


FINITE = st.floats(-1e6, 1e6, allow_nan=False)


@given(
    expressions(), st.lists(st.tuples(FINITE, FINITE, FINITE), min_size=1, max_size=5)
)
def test_arrays_agree_with_scalars(
    text: str, rows: list[tuple[float, float, float]]
) -> None:
    formula = parse_formula(text)
    columns = {name: [row[i] for row in rows] for i, name in enumerate("xyz")}
    batch = formula.evaluate_batch(columns)
    # a formula without names gives one value for every row
    values = np.broadcast_to(batch.values, (len(rows),))
    reasons = np.broadcast_to(batch.reasons, (len(rows),))
    for i, row in enumerate(rows):
        scalar_inputs = dict(zip("xyz", row, strict=True))
        try:
            value = formula.evaluate(scalar_inputs)
        except PerfKPIError:
            assert reasons[i] != ""
            assert np.isnan(values[i])
            continue
        assert reasons[i] == ""
        assert values[i] == value


# -- formula indicators in a scheme ------------------------------------------------

RATE = Indicator("rate", "预算执行率", unit="%", formula="实际支出 / 预算数")


def _scheme(*nodes: Node) -> Scheme:
    return Scheme.from_nodes(
        "s", "示例", nodes, points=sum(n.points or 0 for n in nodes)
    )


def test_compute_actuals_reads_a_fraction_as_percent() -> None:
    scheme = _scheme(
        Node(
            "1",
            "预算执行率",
            points=10,
            target="≥100%",
            rule=Proportional(),
            indicator=RATE,
        )
    )
    data = compute_actuals(
        scheme, Data(inputs={"1": {"实际支出": 952, "预算数": 1000}})
    )
    # 952 / 1000 = 0.952, read against ≥100% as 95.2 %
    assert data.actuals["1"] == 95.2
    assert evaluate(scheme, data).total == 9.52  # 10 × 0.952


def test_compute_actuals_in_per_mille_and_plain_units() -> None:
    permille = Indicator("r", "r", formula="a / b")
    count = Indicator("c", "c", formula="sum(a)")
    scheme = _scheme(
        Node(
            "1",
            "千分比",
            points=5,
            target="≤5‰",
            rule=Proportional(),
            indicator=permille,
        ),
        Node(
            "2", "件数", points=5, target="≥10件", rule=Proportional(), indicator=count
        ),
    )
    data = compute_actuals(
        scheme, Data(inputs={"1": {"a": 3, "b": 1000}, "2": {"a": [4, 5]}})
    )
    assert data.actuals["1"] == 3.0  # 0.003 is 3 ‰
    assert data.actuals["2"] == 9.0  # a count is taken as it is


def test_compute_actuals_with_bands_reads_in_the_bands_unit() -> None:
    adjust = Indicator("adj", "预算调整率", formula="本年追加 / 年初预算")
    rule = Bands([{"when": "=0%", "score": 3}, {"when": "(0%,10%]", "score": 2}])
    scheme = _scheme(Node("1", "预算调整率", points=3, rule=rule, indicator=adjust))
    data = compute_actuals(scheme, Data(inputs={"本年追加": 5, "年初预算": 100}))
    assert data.actuals["1"] == 5.0  # 5 %
    assert evaluate(scheme, data).total == 2


def test_shared_inputs_feed_every_formula_node() -> None:
    scheme = _scheme(
        Node("1", "a", points=10, target="≥100%", rule=Proportional(), indicator=RATE),
        Node("2", "b", points=10, target="≥100%", rule=Proportional(), indicator=RATE),
    )
    data = compute_actuals(
        scheme, Data(inputs={"实际支出": 90, "预算数": 100, "2": {"实际支出": 100}})
    )
    # node 2's own 实际支出 wins over the shared one
    assert dict(data.actuals) == {"1": 90.0, "2": 100.0}


def test_compute_actuals_is_idempotent() -> None:
    scheme = _scheme(
        Node(
            "1",
            "a",
            points=10,
            target="≥100%",
            rule=Proportional(),
            indicator=RATE,
        )
    )
    once = compute_actuals(scheme, Data(inputs={"1": {"实际支出": 95, "预算数": 100}}))
    assert compute_actuals(scheme, once) == once


def test_an_actual_given_directly_is_kept() -> None:
    scheme = _scheme(
        Node("1", "a", points=10, target="≥100%", rule=Proportional(), indicator=RATE)
    )
    data = compute_actuals(scheme, Data(actuals={"1": "97%"}))
    assert dict(data.actuals) == {"1": "97%"}


BAD_DATA: list[tuple[dict[str, object], str, str]] = [
    # inputs of a node the scheme does not have
    ({"inputs": {"9": {"实际支出": 1}}}, "inputs.9", "unknown node"),
    # inputs for a node without a formula
    ({"inputs": {"2": {"x": 1}}}, "inputs.2", "no formula"),
    # both the actual and the inputs
    (
        {"actuals": {"1": "95%"}, "inputs": {"1": {"实际支出": 1, "预算数": 2}}},
        "inputs.1",
        "both an actual ('95%') and inputs giving 50.0",
    ),
    # an input missing
    ({"inputs": {"1": {"实际支出": 1}}}, "inputs.1", "missing input '预算数'"),
    # a division by zero names the node
    ({"inputs": {"1": {"实际支出": 1, "预算数": 0}}}, "inputs.1", "division by zero"),
    # a list where one number is needed
    (
        {"inputs": {"1": {"实际支出": [1, 2], "预算数": 1}}},
        "inputs.1",
        "2 values, not one",
    ),
]


@pytest.mark.parametrize(("raw", "where", "text"), BAD_DATA)
def test_compute_actuals_errors(raw: dict[str, object], where: str, text: str) -> None:
    scheme = _scheme(
        Node("1", "a", points=10, target="≥100%", rule=Proportional(), indicator=RATE),
        Node("2", "b", points=10, target="≥100%", rule=Proportional()),
    )
    with pytest.raises(DataError) as info:
        compute_actuals(scheme, Data.from_dict(raw))
    assert info.value.where == where
    assert text in info.value.problem


def test_formula_is_a_value() -> None:
    assert isinstance(parse_formula("a"), Formula)
    assert parse_formula("a + b") == parse_formula("a + b")
    assert parse_formula("a + b") != parse_formula("a+b")  # equal texts only


# -- wrong arguments -----------------------------------------------------------------


def test_normalise_name_takes_text() -> None:
    with pytest.raises(TypeError, match=r"^an input name must be text \(got 5\)$"):
        normalise_name(5)  # type: ignore[arg-type]


def test_as_fraction_takes_numbers() -> None:
    with pytest.raises(TypeError, match=r"^the value must be a number \(got '95'\)$"):
        as_fraction("95", 0.01)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^the factor must be a number \(got None\)$"):
        as_fraction(95, None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^inf × 0 is not a number"):
        as_fraction(math.inf, 0)
    # a NumPy float is read as the number it shows: 95 × 0.01 = 0.95 exactly
    assert as_fraction(np.float64(95.0), 0.01) == 0.95


def test_as_actual_takes_a_number_and_a_unit() -> None:
    percent = DEFAULT_UNITS.find("%")
    with pytest.raises(TypeError, match=r"^the value must be a number \(got 'x'\)$"):
        as_actual("x", None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^the unit must be a Unit \(got '%'\)$"):
        as_actual(0.5, "%")  # type: ignore[arg-type]
    # 0.998 read in % is 0.998 / 0.01 = 99.8
    assert as_actual(np.float64(0.998), percent) == 99.8


def test_reading_unit_takes_a_scheme_and_a_code() -> None:
    scheme = _scheme(
        Node("1", "a", points=10, target="≥100%", rule=Proportional(), indicator=RATE)
    )
    assert reading_unit(scheme, "1") == DEFAULT_UNITS.find("%")
    with pytest.raises(TypeError, match=r"^the scheme must be a Scheme \(got 's'\)$"):
        reading_unit("s", "1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^a node's code must be text \(got 1\)$"):
        reading_unit(scheme, 1)  # type: ignore[arg-type]
    with pytest.raises(KeyError, match="has no node '9'"):
        reading_unit(scheme, "9")
