"""The target: a comparator with a value, and whether an actual meets it."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from typing import overload

import attrs
import numpy as np
from numpy.typing import ArrayLike

from perfkpi import _checks
from perfkpi.errors import (
    DataError,
    IncompatibleUnitError,
    TargetSyntaxError,
    UnknownUnitError,
)
from perfkpi.targets._lexicon import _valid_qualifier
from perfkpi.targets._normalise import _Fail, _normalise, _public_error
from perfkpi.targets._reader import _ValueReader
from perfkpi.targets._syntax import DEFAULT_SYNTAX, _syntax_with
from perfkpi.targets._values import (
    Comparator,
    LabelScale,
    Quantity,
    TargetKind,
    _as_float,
    _prior_text,
)
from perfkpi.units import (
    DEFAULT_UNITS,
    Unit,
    UnitRegistry,
    convert,
)

# -- the target -----------------------------------------------------------------

_MAX_ORDINAL = dt.date.max.toordinal()


def _default_lower_closed(target: Target) -> bool:
    return target.comparator in (Comparator.GE, Comparator.EQ, Comparator.RANGE)


def _default_upper_closed(target: Target) -> bool:
    return target.comparator in (Comparator.LE, Comparator.EQ, Comparator.RANGE)


def _whole(number: float) -> bool:
    return number == int(number)


@attrs.frozen(repr=False)
class Target:
    """A target value (指标值) with its comparator and unit.

    Build one with :func:`parse_target`; the fields are the parsed meaning, and
    every target is the interval of values that meet it (:meth:`bounds`).

    Parameters
    ----------
    comparator
        ``≥ > ≤ < =`` or ``range``.
    value
        The target value, or the lower end of a range, in *unit*; for a label
        target, the label's rank on *scale*; for a date, its proleptic ordinal;
        for a rank, the place (1 is best).
    unit
        The unit the target is written in, or ``None`` for a bare number.
    upper
        The upper end of a range.
    lower_closed, upper_closed
        Whether the ends of the interval are included.  For a one-sided target
        they follow from the comparator (``>`` excludes its value; an infinite
        end is open) and need not be given.
    scale
        The label scale of a qualitative target.
    qualifier
        For a rank, the place it is among (``全市`` in ``全市第一``).
    relative
        Whether the target is relative to the prior-year value (上年):
        *value* is then the size of the change, ``≥`` a rise and ``≤`` a fall.
        In a ratio unit (``%``, ``‰``) the change is a share of the prior
        value (``较上年提高5%``: ≥ prior × 1.05); in any other unit it is added
        to it (``较上年提高5个百分点``: ≥ prior + 5 points); without a unit and
        with value 0 it is the prior value itself (``不低于上年``).  Such a
        target has no bounds until :meth:`resolve` gives it a prior value.
    source, prior
        For a target resolved from a relative one: that relative target and
        the prior-year value it was resolved with; the text says all three
        (``较上年提高5%（上年80%，即≥84%）``).

    Raises
    ------
    TypeError
        If a field is not of its type: *comparator* a :class:`Comparator`,
        *value* and *upper* numbers, *unit* a :class:`~perfkpi.units.Unit`,
        *lower_closed* and *upper_closed* true or false, *scale* a
        :class:`LabelScale`, *qualifier* text.
    ValueError
        If the fields do not make a target: a range without an upper end (or
        another comparator with one), a value that is not finite, an empty
        range, a label rank off its scale, a date or rank that is not a whole
        day or place, a qualifier on anything but a rank; a relative target
        with a negative change, a range, ``=``, or ``>``/``<`` with a change;
        a *source* that is not relative or without a *prior*.
    """

    comparator: Comparator
    value: float
    unit: Unit | None = None
    upper: float | None = None
    lower_closed: bool = attrs.field(
        default=attrs.Factory(_default_lower_closed, takes_self=True)
    )
    upper_closed: bool = attrs.field(
        default=attrs.Factory(_default_upper_closed, takes_self=True)
    )
    scale: LabelScale | None = None
    qualifier: str = ""
    relative: bool = False
    source: Target | None = None
    prior: Quantity | None = None

    def __attrs_post_init__(self) -> None:
        self._check_types()
        c = self.comparator
        if (c is Comparator.RANGE) != (self.upper is not None):
            msg = "a range target needs an upper end, and only a range has one"
            raise ValueError(msg)
        if not math.isfinite(self.value) or (
            self.upper is not None and not math.isfinite(self.upper)
        ):
            msg = "target values must be finite numbers"
            raise ValueError(msg)
        if self.upper is not None:
            if self.upper < self.value:
                msg = (
                    f"range lower end {self.value} is above its upper end {self.upper}"
                )
                raise ValueError(msg)
            if self.upper == self.value and not (
                self.lower_closed and self.upper_closed
            ):
                msg = f"the range {self} is empty"
                raise ValueError(msg)
        else:
            lower = c in (Comparator.GE, Comparator.EQ)
            upper = c in (Comparator.LE, Comparator.EQ)
            if (self.lower_closed, self.upper_closed) != (lower, upper):
                if c is Comparator.GT and self.lower_closed:
                    msg = "a '>' target excludes its value (lower_closed=False)"
                    raise ValueError(msg)
                if c is Comparator.LT and self.upper_closed:
                    msg = "a '<' target excludes its value (upper_closed=False)"
                    raise ValueError(msg)
                # the end at infinity is open; the flags follow the comparator
                object.__setattr__(self, "lower_closed", lower)
                object.__setattr__(self, "upper_closed", upper)
        self._check_kind()

    def _check_types(self) -> None:
        _checks.instance(self.comparator, Comparator, "a target's comparator")
        value = _checks.number(self.value, "a target's value")
        upper = (
            None
            if self.upper is None
            else _checks.number(self.upper, "a target's upper end")
        )
        if not math.isfinite(value) or (upper is not None and not math.isfinite(upper)):
            msg = "target values must be finite numbers"
            raise ValueError(msg)
        if self.unit is not None:
            _checks.instance(self.unit, Unit, "a target's unit")
        if self.scale is not None:
            _checks.instance(self.scale, LabelScale, "a target's scale")
        for name in ("lower_closed", "upper_closed"):
            flag: object = getattr(self, name)
            if not isinstance(flag, bool):
                msg = f"a target's {name} must be true or false (got {flag!r:.60})"
                raise TypeError(msg)
        _checks.text(self.qualifier, "a target's qualifier")
        relative: object = self.relative
        if not isinstance(relative, bool):
            msg = f"a target's relative must be true or false (got {relative!r:.60})"
            raise TypeError(msg)
        if self.source is not None:
            _checks.instance(self.source, Target, "a target's source")
        if self.prior is not None:
            _checks.instance(self.prior, Quantity, "a target's prior")

    def _check_relative(self) -> None:
        if (self.source is None) != (self.prior is None):
            msg = "a resolved target has both its source and its prior value"
            raise ValueError(msg)
        if self.source is not None and (self.relative or not self.source.relative):
            msg = "a resolved target's source is a relative target, and it is not one"
            raise ValueError(msg)
        if not self.relative:
            return
        if self.scale is not None or self.qualifier or self.kind != "relative":
            msg = "a relative target is a change of a quantity"
            raise ValueError(msg)
        c = self.comparator
        if c in (Comparator.RANGE, Comparator.EQ) or self.value < 0:
            msg = (
                "a relative target is a rise (≥) or a fall (≤) of zero or more "
                "(较上年提高5%, 较上年下降10%)"
            )
            raise ValueError(msg)
        if c in (Comparator.GT, Comparator.LT) and (self.value or self.unit):
            msg = "'>' and '<' relative targets compare with the prior value itself"
            raise ValueError(msg)

    def _check_kind(self) -> None:
        self._check_relative()
        ends = (self.value,) if self.upper is None else (self.value, self.upper)
        if self.scale is not None:
            if self.unit is not None:
                msg = "a label target has no unit"
                raise ValueError(msg)
            if not all(_whole(x) and 0 <= x < len(self.scale.labels) for x in ends):
                msg = f"label ranks must be whole numbers on scale {self.scale.name!r}"
                raise ValueError(msg)
        dimension = self.unit.dimension if self.unit else ""
        if dimension == "date" and not all(
            _whole(x) and 1 <= x <= _MAX_ORDINAL for x in ends
        ):
            msg = "a date target's values are day ordinals (date.toordinal())"
            raise ValueError(msg)
        if dimension == "rank" and not all(_whole(x) and x >= 1 for x in ends):
            msg = "a rank target's places are whole numbers from 1"
            raise ValueError(msg)
        if self.qualifier and (
            dimension != "rank" or not _valid_qualifier(self.qualifier)
        ):
            msg = (
                f"qualifier {self.qualifier!r}: only a rank has one, and it is a "
                "place name such as 全市"
            )
            raise ValueError(msg)

    @property
    def kind(self) -> TargetKind:
        """What the target measures: ``quantity``, ``label``, ``date`` or ``rank``.

        A target relative to the prior-year value is ``relative`` until it is
        resolved (:meth:`resolve`).
        """
        if self.relative:
            return "relative"
        if self.scale is not None:
            return "label"
        if self.unit is not None and self.unit.dimension in ("date", "rank"):
            return "date" if self.unit.dimension == "date" else "rank"
        return "quantity"

    # -- reading actuals --------------------------------------------------
    def to_value(
        self, actual: object, *, where: str = "", units: UnitRegistry = DEFAULT_UNITS
    ) -> float:
        """Return *actual* as a number in this target's unit (or label rank).

        A plain number is taken to be in the unit the target is written in; a
        string carries its own unit (``"45分钟"``) and is converted; a date may be
        a :class:`datetime.date` or its text; a rank may be ``"第2名"``; a label
        is ranked on the target's scale.

        Raises
        ------
        DataError
            If the actual is not finite, cannot be read, or is not a label of
            the scale.
        IncompatibleUnitError
            If the actual's unit measures another dimension.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≤1小时").to_value("45分钟")
        0.75
        >>> parse_target("≥良").to_value("优秀")
        3.0
        """
        kind = self.kind
        if kind == "relative":
            raise DataError(where, self._unresolved())
        if kind == "label":
            return self._label_value(actual, where)
        if isinstance(actual, str):
            return self._text_value(actual, where, units)
        if kind == "date":
            return self._date_value(actual, where)
        if isinstance(actual, dt.date | np.datetime64):
            given = f"{actual} (date)"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        return _as_float(actual, where)

    def _unresolved(self) -> str:
        return (
            f"the target {self} is relative to the prior-year value (上年): "
            "give the prior value (Data(prior={code: value}), a 'prior' table "
            "in a data file) to score it"
        )

    def _unit_text(self) -> str:
        if self.unit is None:
            return "a plain number"
        return f"{self.unit.symbol} ({self.unit.dimension})"

    def _label_value(self, actual: object, where: str) -> float:
        assert self.scale is not None  # noqa: S101 (only called for labels)
        if isinstance(actual, str):
            label = self.scale.resolve(actual)
            if label is not None:
                return self.scale.rank(label)
        if isinstance(actual, bool | np.bool_):
            return self.scale.rank(self.scale.labels[0 if actual else -1])
        expected = " / ".join(self.scale.labels)
        raise DataError(where, f"expected one of {expected}, got {actual!r}")

    def _date_value(self, actual: object, where: str) -> float:
        if isinstance(actual, np.datetime64):
            if np.isnat(actual):
                raise DataError(where, "expected a date, got NaT")
            day = actual.astype("datetime64[D]").item()
            if not isinstance(day, dt.date):
                raise DataError(where, f"expected a date, got {actual!r}")
            actual = day
        if isinstance(actual, dt.datetime):
            return float(actual.date().toordinal())
        if isinstance(actual, dt.date):
            return float(actual.toordinal())
        number = _as_float(actual, where)
        if not (_whole(number) and 1 <= number <= _MAX_ORDINAL):
            msg = f"expected a date or a day ordinal (date.toordinal()), got {actual!r}"
            raise DataError(where, msg)
        return number

    def _text_value(self, actual: str, where: str, units: UnitRegistry) -> float:
        syntax = DEFAULT_SYNTAX if units is DEFAULT_UNITS else _syntax_with(units)
        year = None
        if self.kind == "date":
            year = dt.date.fromordinal(int(self.value)).year
        try:
            norm = _normalise(actual)
            parser = _ValueReader(actual, norm, syntax, "higher", year, self.unit)
            value = parser.value(0, len(norm), "", "")
        except _Fail as fail:
            message = _public_error(actual, fail)
            raise DataError(where, f"cannot read actual: {message}") from None
        except TargetSyntaxError as exc:
            raise DataError(where, f"cannot read actual: {exc}") from None
        kind = self.kind
        if value.kind == "label":
            raise DataError(where, f"expected {self._unit_text()}, got {actual!r}")
        if kind == "date":
            if value.kind != "date":
                given = f"{actual} ({value.unit.symbol if value.unit else 'number'})"
                raise IncompatibleUnitError(given, self._unit_text(), where=where)
            if not value.day:
                raise DataError(where, f"expected a day, got the period {actual!r}")
            return value.lo
        if value.kind == "date":
            given = f"{actual} (date)"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        if kind == "rank" and value.kind == "rank":
            if value.qualifier and self.qualifier and value.qualifier != self.qualifier:
                msg = f"a rank among {value.qualifier}, but the target ranks among "
                raise DataError(where, msg + self.qualifier)
            return value.lo
        if value.unit is None or self.unit is None:
            return value.lo
        if value.unit.dimension != self.unit.dimension:
            given = f"{actual} ({value.unit.dimension})"
            raise IncompatibleUnitError(given, self._unit_text(), where=where)
        return convert(value.lo, value.unit, self.unit)

    def is_met(self, actual: object, *, units: UnitRegistry = DEFAULT_UNITS) -> bool:
        """Return whether *actual* meets this target.

        *actual* is a plain number (in the unit the target is written in), a
        string with its unit, a date, a rank or a label.

        Raises
        ------
        DataError
            If the actual cannot be read (see :meth:`to_value`).
        IncompatibleUnitError
            If the actual's unit measures another dimension.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≤8634.17万元").is_met("86317300元")
        True
        >>> parse_target("前三").is_met("第4名")
        False
        """
        value = self.to_value(actual, units=units)
        lo, hi = self.bounds()
        lo_ok = value >= lo if self.lower_closed else value > lo
        hi_ok = value <= hi if self.upper_closed else value < hi
        return lo_ok and hi_ok

    @overload
    def met(self, values: float) -> bool: ...
    @overload
    def met(self, values: ArrayLike) -> np.ndarray: ...
    def met(self, values: ArrayLike) -> bool | np.ndarray:
        """Return which *values* (numbers in this target's unit) meet it.

        Any array-like is taken, as numpy functions take one: an array, a
        list, a pandas Series.  A single number gives a ``bool``; anything
        else a boolean array of its shape.

        Raises
        ------
        ValueError
            If the target is relative and not yet resolved (see :meth:`bounds`).
        TypeError
            If *values* are not numbers (text is read by :meth:`is_met`).

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> parse_target("≥95%").met([94.9, 95, 99.5])
        array([False,  True,  True])
        >>> parse_target("≥95%").met(95)
        True
        """
        lo, hi = self.bounds()
        x = np.asarray(values)
        if x.dtype.kind not in "biuf":
            msg = (
                "values must be numbers in the target's unit, not "
                f"{type(values).__name__} of {x.dtype}"
            )
            raise TypeError(msg)
        out: np.ndarray
        # a closed infinite end keeps every value but NaN, which the other end's
        # comparison turns away anyway: one comparison does
        if self.lower_closed and lo == -math.inf:
            out = x <= hi if self.upper_closed else x < hi
        elif self.upper_closed and hi == math.inf:
            out = x >= lo if self.lower_closed else x > lo
        else:
            lo_ok = x >= lo if self.lower_closed else x > lo
            hi_ok = x <= hi if self.upper_closed else x < hi
            out = lo_ok & hi_ok
        return bool(out) if out.ndim == 0 else out

    def bounds(self) -> tuple[float, float]:
        """Return the interval of values that meet the target.

        Whether each end is included is given by the fields ``lower_closed``
        and ``upper_closed``.

        Raises
        ------
        ValueError
            If the target is relative to the prior-year value: it has bounds
            only once resolved (:meth:`resolve`), never silently its change.
        """
        if self.relative:
            raise ValueError(self._unresolved())
        c = self.comparator
        if c in (Comparator.GE, Comparator.GT):
            return (self.value, math.inf)
        if c in (Comparator.LE, Comparator.LT):
            return (-math.inf, self.value)
        if c is Comparator.EQ:
            return (self.value, self.value)
        assert self.upper is not None  # noqa: S101 (checked in post-init)
        return (self.value, self.upper)

    @property
    def higher_is_better(self) -> bool:
        """Whether meeting the target means reaching *at least* a value."""
        return self.comparator in (Comparator.GE, Comparator.GT)

    # -- relative targets -------------------------------------------------------
    def resolve(
        self,
        prior: object,
        *,
        unit: str | Unit | None = None,
        where: str = "",
        units: UnitRegistry = DEFAULT_UNITS,
    ) -> Target:
        """Return the absolute target a relative one means for a prior-year value.

        ``较上年提高5%`` with prior 80 % is ``≥84%`` (80 × 1.05);
        ``较上年提高5个百分点`` is ``≥85%`` (80 + 5 points); ``较上年下降10%``
        with prior 200 万元 is ``≤180万元``; ``不低于上年`` is ``≥`` the prior.
        The result keeps this target as its ``source`` and the prior value,
        and its text says all three (``较上年提高5%（上年80%，即≥84%）``).

        Parameters
        ----------
        prior
            The prior-year value: a number, or text with its unit (``"80%"``).
            A plain number is in *unit* if given, else in the unit of the
            change when that is added (个百分点 changes a rate in ``%``), else
            unitless.
        unit
            The indicator's unit: a plain prior is read in it, and a prior in
            another dimension is an error.
        where
            The place named in errors (the node's code).
        units
            The registry the prior's unit is read from.

        Raises
        ------
        ValueError
            If this target is not relative.
        DataError
            If *prior* is missing (``None``), not a finite number or its
            text, or zero or negative under a change in per cent (a share of
            nothing); naming *where*.
        IncompatibleUnitError
            If the prior's unit does not go with the change (个百分点 changes a
            rate; 万元 is added to money) or with *unit*.
        UnknownUnitError
            If *unit* is not in *units*.
        TypeError
            If *unit* is neither text nor a :class:`~perfkpi.units.Unit`,
            *where* is not text or *units* is not a registry.

        Examples
        --------
        >>> from perfkpi import parse_target
        >>> target = parse_target("较上年提高5%").resolve("80%")
        >>> target
        Target('较上年提高5%（上年80%，即≥84%）')
        >>> target.value, target.is_met("83%")
        (84.0, False)
        >>> parse_target("较上年提高5个百分点").resolve(80)
        Target('较上年提高5个百分点（上年80%，即≥85%）')
        >>> parse_target("不低于上年").resolve("1200人次")
        Target('不低于上年（上年1200人次，即≥1200人次）')
        """
        if not self.relative:
            msg = f"only a relative target is resolved (got {self})"
            raise ValueError(msg)
        _checks.text(where, "the place")
        _checks.instance(units, UnitRegistry, "the unit registry")
        context: Unit | None = None
        if isinstance(unit, str):
            context = units.get(unit)
        elif unit is not None:
            context = _checks.instance(unit, Unit, "the indicator's unit")
        value, prior_unit = self._prior(prior, context, where, units)
        change = self.unit
        sign = 1 if self.comparator in (Comparator.GE, Comparator.GT) else -1
        x, d = decimal.Decimal(repr(value)), decimal.Decimal(repr(self.value))
        if change is not None and change.dimension == "ratio":
            if value <= 0:
                msg = (
                    f"a change in per cent ({self}) is a share of the prior-year "
                    f"value, which must be above zero (got {_prior_text(prior)})"
                )
                raise DataError(where, msg)
            share = d * decimal.Decimal(repr(change.factor))
            resolved = float(x * (1 + sign * share))
        else:
            if change is not None:
                d = decimal.Decimal(repr(self._in(prior_unit, where, units)))
            resolved = float(x + sign * d)
        if not math.isfinite(resolved):
            raise DataError(where, f"the prior value {prior!r:.60} is too large")
        quantity = Quantity(value, prior_unit)
        return Target(
            self.comparator, resolved, prior_unit, source=self, prior=quantity
        )

    def _prior(
        self, prior: object, context: Unit | None, where: str, units: UnitRegistry
    ) -> tuple[float, Unit | None]:
        """Return the prior value and its unit, checked against the change."""
        if prior is None:
            msg = f"missing prior-year value (上年) for the relative target {self}"
            raise DataError(where, msg)
        change = self.unit
        if isinstance(prior, Quantity):
            value, unit = prior.value, prior.unit
        elif isinstance(prior, str):
            from perfkpi.targets._parse import parse_quantity  # noqa: PLC0415 (it imports Target)

            try:
                quantity = parse_quantity(prior, units=units)
            except (TargetSyntaxError, UnknownUnitError) as exc:
                msg = f"cannot read the prior-year value (上年): {exc}"
                raise DataError(where, msg) from None
            value, unit = quantity.value, quantity.unit
        else:
            value, unit = _as_float(prior, where), None
        if not math.isfinite(value):
            raise DataError(where, f"expected a finite prior value, got {prior!r:.60}")
        if unit is None:
            if context is not None:
                unit = context
            elif change is not None and change.dimension == "percentage-point":
                unit = units.find("%")
            elif change is not None and change.dimension != "ratio":
                unit = change
        given = f"上年 {_prior_text(prior)}"
        if (
            unit is not None
            and context is not None
            and unit.dimension != context.dimension
        ):
            expected = f"{context.symbol} ({context.dimension}), the indicator's unit"
            raise IncompatibleUnitError(given, expected, where=where)
        if change is None or change.dimension == "ratio":
            return value, unit
        points = change.dimension == "percentage-point"
        if unit is None or unit.dimension != ("ratio" if points else change.dimension):
            expected = (
                f"a rate (%), which {change.symbol} changes"
                if points
                else f"{change.symbol} ({change.dimension}), the change's unit"
            )
            raise IncompatibleUnitError(given, expected, where=where)
        return value, unit

    def _in(self, unit: Unit | None, where: str, units: UnitRegistry) -> float:
        """Return the change in *unit* (a point of a rate is 1 % of it)."""
        change = self.unit
        assert change is not None  # noqa: S101 (only for a change with a unit)
        assert unit is not None  # noqa: S101 (checked by _prior)
        if change.dimension == "percentage-point":
            percent = units.find("%")
            if percent is None:  # pragma: no cover (a registry without %)
                raise DataError(where, "the unit % is not in the registry")
            return convert(self.value, percent, unit)
        return convert(self.value, change, unit)

    # -- text ---------------------------------------------------------------
    def __str__(self) -> str:
        from perfkpi.targets._format import format_target  # noqa: PLC0415 (it imports Target)

        return format_target(self)

    def __repr__(self) -> str:
        return f"Target({str(self)!r})"
