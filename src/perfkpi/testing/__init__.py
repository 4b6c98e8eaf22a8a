"""Hypothesis strategies for testing code built on perfkpi.

Install the ``testing`` extra (``pip install 'perfkpi[testing]'``) to use this
module; ``import perfkpi`` never imports it, nor Hypothesis.

The strategies follow Hypothesis's own API style: each function returns a
strategy, every option is keyword-only, the defaults are as permissive as the
library allows, and a bad argument raises
:class:`~hypothesis.errors.InvalidArgument` when the strategy is first drawn
from, not when it is built.

================================  ==============================================
strategy                          draws
================================  ==============================================
:func:`targets`                   :class:`~perfkpi.targets.Target` values
:func:`target_texts`              target texts as people write them
                                  (``不低于95%``, ``3秒内``, ``90%～110%``)
:func:`units`                     :class:`~perfkpi.units.Unit` values
:func:`rules`                     scoring, penalty and aggregation rules
:func:`schemes`                   valid :class:`~perfkpi.scheme.Scheme` trees
                                  whose points add up
:func:`data_for`                  :class:`~perfkpi.deductions.Data` a given
                                  scheme can evaluate: actuals, findings, items,
                                  not-applicable markers
:func:`from_indicator`            actual values for an
                                  :class:`~perfkpi.indicators.Indicator`
================================  ==============================================

:func:`assert_evaluations_equal` compares two evaluations result by result and
names the first node that differs.

When Hypothesis is installed alongside perfkpi, ``st.from_type(perfkpi.Target)``
(and likewise :class:`~perfkpi.units.Unit`, :class:`~perfkpi.scheme.Scheme` and
every rule class) uses these strategies: perfkpi registers them through the
``hypothesis`` entry point, which runs only when Hypothesis is imported.

Examples
--------
Every scheme perfkpi can build evaluates, with any data it accepts, to a total
within the scheme's points:

>>> from hypothesis import given, settings
>>> from hypothesis import strategies as st
>>> from perfkpi import Rounding, evaluate
>>> from perfkpi.testing import data_for, schemes
>>> @settings(max_examples=20, deadline=None)
... @given(st.data(), schemes(max_depth=2, rounding=Rounding()))
... def test_total_within_points(data, scheme):
...     ev = evaluate(scheme, data.draw(data_for(scheme)))
...     assert 0 <= ev.total <= scheme.points
>>> test_total_within_points()

A bad argument is reported when the strategy is used:

>>> from perfkpi.testing import units
>>> @given(units(dimensions=["furlongs"]))
... def test_units(unit):
...     pass
>>> test_units()  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
hypothesis.errors.InvalidArgument: dimensions=['furlongs'] names unknown dimensions
['furlongs']; the registry has ratio, percentage-point, count, ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _hypothesis_setup_hook() -> None:
    """Register these strategies with :func:`hypothesis.strategies.from_type`.

    Hypothesis runs this hook (declared under the ``hypothesis`` entry point in
    perfkpi's metadata) at the end of its own import.  It is defined before
    this module imports Hypothesis: when this module is what first imports
    Hypothesis, the hook is called while the rest of the module is not yet
    defined, so it names the strategies only inside functions that run when
    a test asks for a type.
    """
    from hypothesis import strategies as hst  # noqa: PLC0415 (see above)

    from perfkpi.rules import RULE_KINDS as kinds  # noqa: PLC0415, N811
    from perfkpi.scheme import Scheme as scheme_type  # noqa: PLC0415, N813
    from perfkpi.targets import Target as target_type  # noqa: PLC0415, N813
    from perfkpi.units import Unit as unit_type  # noqa: PLC0415, N813

    hst.register_type_strategy(target_type, lambda _: targets())
    hst.register_type_strategy(unit_type, lambda _: units())
    hst.register_type_strategy(scheme_type, lambda _: schemes())
    for kind, cls in kinds.items():
        hst.register_type_strategy(cls, _rules_of_kind(kind))


def _rules_of_kind(kind: str) -> Callable[[type], Any]:
    return lambda _: rules(kinds=[kind])


# the strategies import Hypothesis, so they come after the hook
from perfkpi import _public  # noqa: E402
from perfkpi.testing import _common  # noqa: E402
from perfkpi.testing._assertions import assert_evaluations_equal  # noqa: E402
from perfkpi.testing._data import data_for, from_indicator  # noqa: E402
from perfkpi.testing._rules import rules  # noqa: E402
from perfkpi.testing._schemes import schemes  # noqa: E402
from perfkpi.testing._targets import target_texts, targets, units  # noqa: E402

__all__ = [
    "SCORE_KINDS",
    "SPECIAL_DIMENSIONS",
    "assert_evaluations_equal",
    "data_for",
    "from_indicator",
    "rules",
    "schemes",
    "target_texts",
    "targets",
    "units",
]

SPECIAL_DIMENSIONS = _common.SPECIAL_DIMENSIONS
"""Dimensions whose values are written in forms of their own (``第3名``, dates);
:func:`target_texts` leaves them out unless their units are asked for."""

SCORE_KINDS = _common.SCORE_KINDS
"""The leaf-scoring rule kinds :func:`schemes` places on ordinary leaves."""


# documented and named as perfkpi.testing.X, where they began
_public.adopt(__name__, globals(), __all__)
