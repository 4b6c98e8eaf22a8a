"""Formulas over named raw inputs, read by a small safe evaluator (no ``eval``).

An indicator's actual is often computed from raw figures: 预算执行率 is
``实际支出 / 预算数``, 三公经费变动率 ``(本年 − 上年) / 上年``.  A formula is
text; :func:`parse_formula` reads it with its own tokenizer and a
recursive-descent parser into a short postfix program, and
:meth:`Formula.evaluate` runs that program over a mapping of input values.
Nothing is ever passed to Python's ``eval``, and nothing but arithmetic can
happen.

The grammar::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-") unary | primary
    primary    := number ["%" | "‰"] | name | name "(" arguments ")"
                | "(" expression ")"
    arguments  := expression ("," expression)*

Full-width characters are read as their ASCII forms, so ``（`` is ``(`` and
``，`` is ``,``; other characters that only look like a digit or an operator
(``²``, ``①``, ``₃``, ``½``) are a :class:`FormulaError` naming the character
and its position, never a digit (``a×10²`` would otherwise read as 102·a).
``×`` and ``·`` multiply, ``÷`` divides and ``−`` (U+2212)
subtracts.  A number may end in ``%`` (``95%`` is 0.95) or ``‰``; thousands
separators are not allowed, since the comma separates arguments.  Names are
words (Chinese or Latin letters, digits after the first character, ``_``, and
the quotes of “三公”).  The functions are ``min``, ``max``, ``sum``, ``mean``
and ``abs``.

Inputs may be numbers or arrays, and every operation broadcasts, so the same
formula computes one entity or a million.  ``sum``, ``mean``, ``min`` and
``max`` with one argument reduce it over its last axis (twelve monthly figures
give one value); with several arguments they work element by element.  In
:meth:`Formula.evaluate_batch` the first axis of every input is the entity: a
one-dimensional input is one number per entity (a reduction leaves it as it
is) and a two-dimensional one a list per entity (reduced along its rows).

Examples
--------
>>> from perfkpi.formulas import evaluate_formula, parse_formula
>>> evaluate_formula("实际支出 / 预算数", {"实际支出": 8600, "预算数": 8000})
1.075
>>> evaluate_formula("(本年 − 上年) / 上年", {"本年": 95, "上年": 100})
-0.05
>>> f = parse_formula("mean(月度执行率)")
>>> f.names
('月度执行率',)
>>> f.evaluate({"月度执行率": [0.99, 1.0, 1.01]})
1.0
>>> evaluate_formula("实际支出 / 预算数", {"实际支出": 5, "预算数": 0})
Traceback (most recent call last):
...
perfkpi.formulas.FormulaZeroDivisionError: division by zero in '实际支出 / 预算数'
at character 5 (预算数 is 0)
"""

from __future__ import annotations

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "PLACES",
    "Formula",
    "FormulaError",
    "FormulaResult",
    "FormulaZeroDivisionError",
    "as_actual",
    "as_fraction",
    "compute_actuals",
    "evaluate_formula",
    "formula_of",
    "normalise_name",
    "parse_formula",
    "reading_unit",
]

MAX_LENGTH = 4096
"""Formulas longer than this many characters are refused, at once.

Real formulas are a few dozen characters (the longest in the bundled
indicator library has 46); the limit bounds the cost of a hostile text.
"""

MAX_DEPTH = 64
"""The deepest nesting of parentheses, signs and calls a formula may have.

Deeper text is refused at the first character beyond this depth, before the
parser's recursion could grow with it.
"""

FUNCTIONS = ("abs", "max", "mean", "min", "sum")
"""The functions a formula may call."""

PLACES = 10
"""The decimal places of its unit a formula's result is read to, in a ratio unit."""

# the private modules read the limits above as they are imported
from perfkpi import _public  # noqa: E402
from perfkpi.formulas._actuals import _ABSENT as _ABSENT  # noqa: E402
from perfkpi.formulas._actuals import _node_actual as _node_actual  # noqa: E402
from perfkpi.formulas._actuals import (  # noqa: E402
    compute_actuals,
    formula_of,
    reading_unit,
)
from perfkpi.formulas._errors import (  # noqa: E402
    FormulaError,
    FormulaZeroDivisionError,
)
from perfkpi.formulas._formula import (  # noqa: E402
    Formula,
    evaluate_formula,
    parse_formula,
)
from perfkpi.formulas._result import FormulaResult  # noqa: E402
from perfkpi.formulas._scaling import _scaled as _scaled  # noqa: E402
from perfkpi.formulas._scaling import _scaled_array as _scaled_array  # noqa: E402
from perfkpi.formulas._scaling import as_actual, as_fraction  # noqa: E402
from perfkpi.formulas._tokens import _name_form as _name_form  # noqa: E402
from perfkpi.formulas._tokens import normalise_name  # noqa: E402

# documented, pickled and named in tracebacks as perfkpi.formulas.X, where they began
_public.adopt(__name__, globals(), __all__)
