"""Reading a column: each distinct cell once, by the node's rule reader.

The problems met are collected once per distinct reason (:class:`_Problems`).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import numpy as np

from perfkpi.errors import DataError, PerfKPIError
from perfkpi.rules import (
    Bands,
    Checklist,
    Goalposts,
    Qualitative,
    RuleBase,
    _ambiguous_numbers,
    _collected_quietly,
)
from perfkpi.scheme import Scheme

if TYPE_CHECKING:
    from perfkpi.batch._run import _Prepared


_MISSING = "missing actual value"


class _Problems:
    """The distinct problems met, each with its reason text, by key."""

    def __init__(self) -> None:
        self.errors: list[PerfKPIError] = []
        self.texts: list[str] = []
        self._index: dict[str, int] = {}

    def add(self, column: str | None, value: object, error: PerfKPIError) -> int:
        """Register *error* met in *column* (``None``: not a column's) for *value*."""
        problem = error.problem if isinstance(error, DataError) else str(error)
        if column is None:
            text = str(error)
        elif value is _NO_VALUE:
            text = f"column {column!r}: {problem}"
        else:
            text = f"column {column!r}, value {value!r}: {problem}"
        if text not in self._index:
            self._index[text] = len(self.texts)
            self.texts.append(text)
            self.errors.append(error)
        return self._index[text]


_NO_VALUE = object()


@attrs.define
class _Cells:
    """A block of one column read as numbers, with its bad cells."""

    numbers: np.ndarray
    bad: np.ndarray  # row offsets within the block
    problem: np.ndarray  # problem id per bad row


def _factorize(values: np.ndarray) -> tuple[list[object], np.ndarray]:
    """Return the distinct values (type-aware) and each cell's index into them."""
    if values.dtype.kind in "USbiuf":
        uniques, inverse = np.unique(values, return_inverse=True)
        return [u.item() for u in uniques], inverse.reshape(-1)
    kinds = set(map(type, values))
    if kinds == {str}:
        uniques, inverse = np.unique(values.astype(np.str_), return_inverse=True)
        return [str(u) for u in uniques], inverse.reshape(-1)
    index: dict[object, int] = {}
    distinct: list[object] = []
    codes = np.empty(values.size, dtype=np.intp)
    for i, value in enumerate(values.tolist()):
        try:
            key: object = (value.__class__, value)
            j = index.get(key)
        except TypeError:  # unhashable (a list of checklist items, a table)
            key, j = None, None
        if j is None:
            j = len(distinct)
            distinct.append(value)
            if key is not None:
                index[key] = j
        codes[i] = j
    return distinct, codes


class _Reader:
    """Reads one column's blocks into numbers, remembering distinct values."""

    def __init__(
        self,
        column: str,
        read: Callable[[object], float],
        problems: _Problems,
        *,
        check: Callable[[np.ndarray], np.ndarray] | None = None,
        numeric: bool = False,
    ) -> None:
        self.column = column
        self.read = read
        self.problems = problems
        self.check = check
        self.numeric = numeric
        self.cache: dict[object, float | int] = {}
        # cached per distinct value: a float, or -1 - problem id as an int
        self.worded: tuple[str, str] | None = None  # the two-way warning, once given
        self.pending: list[np.ndarray] = []  # the two-way numbers met, to count
        self.held = 0  # how many numbers pending holds

    def one(self, value: object) -> float | int:
        """Read one value: a float, or ``-1 - problem id`` (an int) if it is bad."""
        try:
            key: object = (value.__class__, value)
            if isinstance(value, float) and math.isnan(value):
                key = _NAN_KEY  # NaN != NaN: one key for all of them
            hit = self.cache.get(key)
        except TypeError:  # unhashable (a list of checklist items, a table)
            key, hit = None, None
        if hit is not None:
            return hit
        result: float | int
        try:
            result = float(self.read(value))
        except PerfKPIError as exc:
            shown = _NO_VALUE if value is None else value
            result = -1 - self.problems.add(self.column, shown, exc)
        if key is not None:
            self.cache[key] = result
        return result

    def block(self, values: np.ndarray) -> _Cells:
        if self.numeric and values.dtype.kind in "iuf":
            out = values.astype(np.float64, copy=False)
            suspect = self.check(out) if self.check is not None else ~np.isfinite(out)
            if not suspect.any():
                return _Cells(out, _EMPTY, _EMPTY)
            rows = np.flatnonzero(suspect)
            if isinstance(self.check, _TwoWays):
                rows = self._tally(values, out, rows)
                if not rows.size:
                    return _Cells(out, _EMPTY, _EMPTY)
            distinct, codes = np.unique(values[rows], return_inverse=True)
            found = [self.one(v) for v in distinct.tolist()]
            return self._settle(out.copy(), rows, found, codes.reshape(-1))
        uniques, codes = _factorize(values)
        found = [self.one(v) for v in uniques]
        table = np.array(
            [v if isinstance(v, float) else math.nan for v in found], dtype=np.float64
        )
        out = table[codes]
        bad_distinct = [i for i, v in enumerate(found) if isinstance(v, int)]
        if not bad_distinct:
            return _Cells(out, _EMPTY, _EMPTY)
        ids = np.full(len(found), -1, dtype=np.intp)
        for i in bad_distinct:
            ids[i] = -1 - int(found[i])
        cell_ids = ids[codes]
        rows = np.flatnonzero(cell_ids >= 0)
        return _Cells(out, rows, cell_ids[rows])

    def _tally(
        self, values: np.ndarray, out: np.ndarray, rows: np.ndarray
    ) -> np.ndarray:
        """Count the finite numbers of *rows* that read two ways; return the others.

        A finite plain number that reads two ways 100× apart reads as itself,
        with one warning per column that gives the first such value and counts
        the distinct ones: the first such value takes the full reading (which
        words the warning), the others are kept to be counted once the table
        is read (:meth:`finish`), without a reading each.  Under strict (or
        outside a table's run) every one takes the full reading, and is an
        error.
        """
        collected = _collected_quietly()
        finite = np.isfinite(out[rows])
        if collected is None or not finite.any():
            return rows
        numbers = values[rows[finite]]  # ints stay ints
        if self.worded is None:
            before = len(collected)
            self.one(numbers[0].item())  # the value as the table holds it
            if len(collected) == before:  # no warning after all: read each as
                return rows  # evaluate() would
            self.worded = collected[-1]
        self.pending.append(numbers)
        self.held += numbers.size
        if self.held > _HELD_MOST:  # keep the distinct ones only
            self.pending = [np.unique(np.concatenate(self.pending))]
            self.held = self.pending[0].size
        left: np.ndarray = rows[~finite]
        return left

    def finish(self, collected: list[tuple[str, str]]) -> None:
        """Count the distinct two-way numbers met into *collected*, one entry each.

        The first one's warning is there already; the others repeat it, for
        :func:`~perfkpi.rules._warn_collected` to count.
        """
        if self.worded is not None and self.pending:
            distinct = np.unique(np.concatenate(self.pending)).size
            collected.extend([self.worded] * (distinct - 1))
        self.pending, self.held, self.worded = [], 0, None

    @staticmethod
    def _settle(
        out: np.ndarray, rows: np.ndarray, found: list[float | int], codes: np.ndarray
    ) -> _Cells:
        """Put the readings of the distinct values *found* in their *rows*.

        ``codes`` gives each row's distinct value; a reading that is an int is
        a problem id (``-1 - id``): its rows are NaN and bad.  Done per
        distinct value, so a column of a million bad cells is a few array
        operations.
        """
        bad = np.array([isinstance(v, int) for v in found], dtype=bool)
        numbers = np.array(
            [math.nan if isinstance(v, int) else v for v in found], dtype=np.float64
        )
        ids = np.array(
            [-1 - v if isinstance(v, int) else -1 for v in found], dtype=np.intp
        )
        out[rows] = numbers[codes]
        hit = bad[codes]
        return _Cells(out, rows[hit], ids[codes[hit]])


_EMPTY = np.empty(0, dtype=np.intp)


_HELD_MOST = 1 << 20
"""The most two-way numbers a reader keeps before it keeps the distinct ones only."""


_NAN_KEY = ("nan",)


@attrs.frozen
class _TwoWays:
    """Flags the numbers that read two ways 100× apart (``low < |x| ≤ high``).

    Against a rule that reads a plain number as itself: a flagged finite
    number still reads as itself, with a warning (or is refused under strict);
    see :meth:`_Reader._tally`.  Non-finite numbers are flagged too.
    """

    low: float
    high: float

    def __call__(self, values: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            size = np.abs(values)
            out: np.ndarray = ~np.isfinite(values) | (
                (size > self.low) & (size <= self.high)
            )
        return out


def _finite(values: np.ndarray) -> np.ndarray:
    out: np.ndarray = ~np.isfinite(values)
    return out


def _number_check(  # noqa: PLR0911 (one return per rule kind)
    rule: RuleBase, scheme: Scheme, code: str
) -> Callable[[np.ndarray], np.ndarray] | None:
    """Return a vectorised test of the numbers *rule* may not read as themselves.

    For the rules listed here, reading a finite plain number returns it unchanged
    unless the test flags it; flagged numbers go through ``rule.read`` one
    distinct value at a time.  ``None``: read every distinct value.
    """
    node = scheme.node(code)
    kind = type(rule)
    if kind.read is RuleBase.read:
        if node.target is not None and node.target.kind == "date":
            return None  # a plain number is no date: each value is read
        scale = None if node.target is None else node.target.scale
        ambiguous = _ambiguous_numbers(node.target)
        if scale is None and ambiguous is not None:
            return _TwoWays(*ambiguous)
        return _finite if scale is None else None
    if kind is Bands and kind.read is Bands.read:
        when = rule.bands[0].when  # type: ignore[attr-defined]
        return _finite if when.scale is None and when.kind != "date" else None
    if kind is Goalposts and kind.read is Goalposts.read:
        if not rule.log:  # type: ignore[attr-defined]
            return _finite

        def positive(values: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                out: np.ndarray = ~(np.isfinite(values) & (values > 0))
            return out

        return positive
    if kind is Qualitative and kind.read is Qualitative.read:
        top = node.points or 0.0

        def in_band(values: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                out: np.ndarray = ~((values >= 0) & (values <= top))
            return out

        return in_band
    if kind is Checklist and kind.read is Checklist.read:
        most = len(rule.items) if rule.items else math.inf  # type: ignore[attr-defined]

        def count(values: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                whole = (
                    np.isfinite(values)  # an infinite count is no count (no items
                    & (values >= 0)  # listed: no upper bound to stop it)
                    & (values == np.floor(values))
                    & (values <= most)
                )
            out: np.ndarray = ~whole
            return out

        return count
    return None


def _actual_reader(
    prepared: _Prepared, j: int, column: str, problems: _Problems
) -> _Reader:
    plan = prepared.plan
    code = plan.inputs[j]
    rule = prepared.rules[j]
    node = plan.scheme.node(code)

    def read(value: object) -> float:
        if value is None:
            raise DataError(code, _MISSING)
        return rule.read(value, node, code)

    check = prepared.checks[j]
    return _Reader(column, read, problems, check=check, numeric=check is not None)


def _points_reader(column: str, problems: _Problems, *, signed: bool) -> _Reader:
    what = "a finite number" if signed else "a finite number >= 0"

    def read(value: object) -> float:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0.0  # an empty cell: nothing found, nothing adjusted
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise DataError(column, f"expected {what}, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise DataError(column, f"expected {what}, got {value!r}")
        try:
            number = float(value)
        except OverflowError:  # an int too large for a float
            number = math.inf
        if not math.isfinite(number) or (number < 0 and not signed):
            raise DataError(column, f"expected {what}, got {value!r}")
        return number

    def check(values: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            good = np.isfinite(values) if signed else (values >= 0) & (values < np.inf)
        out: np.ndarray = ~good
        return out

    return _Reader(column, read, problems, check=check, numeric=True)


_TRUE = {"true", "t", "yes", "y", "1", "是", "不适用", "na"}


_FALSE = {"false", "f", "no", "n", "0", "否", ""}


def _flag_reader(column: str, problems: _Problems) -> _Reader:
    def read(value: object) -> float:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return 0.0
        if isinstance(value, bool | np.bool_):
            return float(bool(value))
        if isinstance(value, int | float | np.number) and value in (0, 1):
            return float(value)
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip().lower()
            if text in _TRUE:
                return 1.0
            if text in _FALSE:
                return 0.0
        raise DataError(column, f"expected true or false, got {value!r}")

    return _Reader(column, read, problems)
