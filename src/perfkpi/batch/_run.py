"""The scoring run: :func:`evaluate_batch`.

A scheme prepared once, the table read in cache-sized blocks through the
plan, the bad rows and their reasons, the grades.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi import batch as _package
from perfkpi.batch._columns import (
    _MISSING,
    _NO_VALUE,
    _actual_reader,
    _finite,
    _flag_reader,
    _number_check,
    _points_reader,
    _Problems,
    _Reader,
    _TwoWays,
)
from perfkpi.batch._frames import _read_table
from perfkpi.batch._inputs import _formula_columns
from perfkpi.batch._layout import _below, _Layout, _layout
from perfkpi.batch._options import Errors, Progress, _check_options
from perfkpi.batch._result import BatchResult
from perfkpi.batch._table import _Ragged, _Table
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.evaluation import _plan
from perfkpi.plan import Plan, _Scratch, effective_rule
from perfkpi.rules import (
    RuleBase,
    _collecting,
    _strict,
    _warn_collected,
)
from perfkpi.scheme import Scheme


@attrs.frozen
class _Prepared:
    """What a batch needs of a plan beyond the plan itself, worked out once."""

    plan: Plan
    rules: tuple[RuleBase, ...]
    """Each input's rule, defaults applied."""
    checks: tuple[Callable[[np.ndarray], np.ndarray] | None, ...]
    """Each input's vectorised number check (see :func:`_number_check`)."""
    above: Mapping[str, np.ndarray]
    """Each node's scores column, its ancestors' and the total's."""


_PREPARED: list[tuple[Scheme, _Prepared]] = []


_PREPARED_KEPT = 8


def _refuse_relative(scheme: Scheme) -> None:
    """Refuse targets relative to the prior year: each entity has its own."""
    for node in scheme.nodes:
        if node.target is not None and node.target.relative:
            msg = (
                f"the target {node.target} is relative to the prior-year value, "
                "which differs from entity to entity: score such a scheme one "
                "entity at a time with evaluate(scheme, Data(prior={code: value}))"
            )
            raise DataError(node.code, msg)


def _prepare(scheme: Scheme) -> _Prepared:
    """Return the prepared plan of *scheme*, from a small cache by identity.

    The plan itself comes from the cache :func:`~perfkpi.evaluation.evaluate`
    uses; looking a scheme up by identity first saves hashing the whole tree.
    """
    for known, prepared in _PREPARED:
        if known is scheme:
            return prepared
    _refuse_relative(scheme)
    plan = _plan(scheme)
    rules = []
    for code in plan.inputs:
        rule = effective_rule(plan.scheme, code)
        assert rule is not None  # noqa: S101 (inputs have rules)
        rules.append(rule)
    checks = tuple(
        _number_check(rule, plan.scheme, code)
        for rule, code in zip(rules, plan.inputs, strict=True)
    )
    position = {code: i for i, code in enumerate(plan.codes)}
    above: dict[str, np.ndarray] = {}
    for code in plan.codes:
        columns = [len(plan.codes)]
        current: str | None = code
        while current is not None:
            columns.append(position[current])
            current = plan.scheme.node(current).parent
        above[code] = np.array(columns, dtype=np.intp)
    prepared = _Prepared(plan, tuple(rules), checks, above)
    _PREPARED[:] = [(scheme, prepared), *_PREPARED[: _PREPARED_KEPT - 1]]
    return prepared


Bad = tuple[np.ndarray, np.ndarray, np.ndarray]
"""Rows of a block, their problem ids, and the scores columns they blank."""


@attrs.define
class _Run:
    """The readers and state of one call of :func:`evaluate_batch`."""

    prepared: _Prepared
    table: _Table
    layout: _Layout
    errors: Errors
    problems: _Problems = attrs.field(factory=_Problems)
    actuals: dict[int, _Reader] = attrs.field(factory=dict)
    flags: list[_Reader] = attrs.field(factory=list)
    findings: list[_Reader] = attrs.field(factory=list)
    adjust: list[_Reader] = attrs.field(factory=list)
    plain: frozenset[int] = frozenset()
    """Inputs whose column holds numbers that are read as themselves if finite
    (and, for a :class:`_TwoWays` check, outside its band): checked at once."""
    bands: np.ndarray = attrs.field(factory=lambda: np.empty((0, 2)))
    """Per input, shape ``(inputs, 2, 1)``: the ``low`` and ``high`` of its
    two-way band (the largest float for both when it has none)."""
    scratch: _Scratch = attrs.field(factory=lambda: _Scratch(0, 0))
    """The buffers each block is scored in (``perfkpi.plan._Scratch``)."""
    computed: dict[str, np.ndarray] = attrs.field(factory=dict)
    """The formula nodes' columns of actuals, by code (see :func:`_formula_columns`)."""
    failed: list[Bad] = attrs.field(factory=list)
    """Per formula node, the rows whose computation fails (whole-table rows)."""

    @property
    def plan(self) -> Plan:
        """The compiled plan."""
        return self.prepared.plan

    def __attrs_post_init__(self) -> None:
        layout, problems = self.layout, self.problems
        if layout.formulas:
            self.computed, self.failed = _formula_columns(self)
        self.actuals = {
            j: _actual_reader(self.prepared, j, column, problems)
            for j, column in layout.actuals.items()
        }
        self.plain = frozenset(
            j
            for j, reader in self.actuals.items()
            if (reader.check is _finite or isinstance(reader.check, _TwoWays))
            and self.full(layout.actuals[j]).dtype.kind in "iuf"
        )
        bands = np.full((len(self.plan.inputs), 2, 1), _LARGEST)
        for j in self.plain:
            check = self.actuals[j].check
            if isinstance(check, _TwoWays):
                bands[j, :, 0] = check.low, check.high
        self.bands = bands
        self.flags = [_flag_reader(c, problems) for _, c in layout.na]
        self.findings = [
            _points_reader(c, problems, signed=False) for _, c in layout.findings
        ]
        self.adjust = [
            _points_reader(c, problems, signed=True) for _, c in layout.adjust
        ]

    def full(self, name: str) -> np.ndarray:
        """Return the whole column *name*: a formula node's actuals, or the table's."""
        computed = self.computed.get(name)
        return self.table.columns[name] if computed is None else computed

    def column(self, name: str, lo: int, hi: int) -> np.ndarray:
        out: np.ndarray = self.full(name)[lo:hi]
        return out


def evaluate_batch(
    scheme: Scheme,
    table: object,
    *,
    columns: Sequence[str] | None = None,
    errors: Errors = "nan",
    id_column: str | None = None,
    progress: Progress | None = None,
    strict: bool = False,
    sheet: str | None = None,
) -> BatchResult:
    """Score every row of *table* against *scheme*.

    Parameters
    ----------
    scheme
        The scheme to score against.
    table
        A mapping of column name → values (arrays or lists), a 2-D array (with
        *columns*), the path of a CSV file or an open file of one (binary or
        text), the path of an Excel workbook (``.xlsx``, or ``.xls`` with the
        ``xls`` extra; needs the ``excel`` extra, and is read by
        :func:`perfkpi.excel.read_table`: known by its first bytes, whatever
        its name), or any DataFrame that narwhals reads (pandas, polars,
        pyarrow; needs the ``dataframe`` extra).  See the module documentation for the
        columns.  A masked cell of a numpy masked array is missing.  A CSV row
        with more or fewer cells than the header is a bad row, its reason
        naming the line (for the first :data:`MAX_RAGGED_LISTED` of them).
        Only regular files are read, at most :data:`MAX_TABLE_BYTES` of them,
        with pyarrow when it is installed (the same columns as the csv
        module's, faster).
    columns
        The column names of a 2-D array.
    errors
        ``"nan"`` (the default): a row that cannot be scored gets NaN and a
        reason, and every other row is scored.  ``"raise"``: raise the first
        bad row's error instead, as :func:`~perfkpi.evaluation.evaluate` would.
    id_column
        A column that labels the rows (written first by :meth:`BatchResult.to_csv`).
    progress
        Called as ``progress(rows_done, rows)`` after each block of rows.
    sheet
        The sheet of a workbook to read (by default its one visible sheet
        with data; see :func:`perfkpi.excel.read_table`).
    strict
        A value that reads two ways 100× apart (a plain ``0.965`` against
        ``≥95%``) makes its row bad, with an
        :class:`~perfkpi.errors.AmbiguousValueError` as its reason, instead of
        being read in the target's unit with a warning.

    Returns
    -------
    BatchResult

    Warns
    -----
    AmbiguousValueWarning
        Once per column with values that read two ways 100× apart (unless
        *strict*), naming the node, an example and how many values.

    Raises
    ------
    DataError
        Up front, for a scheme with a target relative to the prior year
        (``较上年提高5%``: score it one entity at a time with
        :func:`~perfkpi.evaluation.evaluate`), a missing input column, a
        column of a node that takes no
        actual, a ``findings:``, ``na:`` or ``adjust:`` column of the wrong
        node, or an unreadable table (not a regular file, too large, not
        UTF-8 CSV, a workbook :func:`perfkpi.excel.read_table` refuses, or
        *sheet* given for a table that is not a workbook); with
        ``errors="raise"``, for the first bad row (a CSV row of the wrong width
        as soon as it is read).
    IncompatibleUnitError
        With ``errors="raise"``, when the first bad row has a unit of another
        dimension.
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *columns* not a
        list of names, *id_column* or *sheet* not text, *progress* not
        callable or *strict* not ``True`` or ``False``.
    ValueError
        If *errors* is neither ``"nan"`` nor ``"raise"``.

    Notes
    -----
    A bad cell (missing, NaN, infinite, unreadable text, a unit of another
    dimension) makes its node and every node above it NaN in that row; other
    nodes and other rows are untouched.  A row's reason is the error that
    :func:`~perfkpi.evaluation.evaluate` raises for it (see
    :meth:`BatchResult.error`).
    """
    _check_options(scheme, columns, errors, id_column, progress, strict)
    prepared = _prepare(scheme)
    if sheet is not None:
        _checks.text(sheet, "sheet")
    data = _read_table(table, columns, errors, id_column, sheet)
    result, ambiguous = _evaluate_table(
        prepared, data, errors, id_column, progress, strict=strict
    )
    _warn_collected(ambiguous)  # pointing at the caller
    return result


def _evaluate_table(
    prepared: _Prepared,
    data: _Table,
    errors: Errors,
    id_column: str | None,
    progress: Progress | None,
    *,
    strict: bool,
) -> tuple[BatchResult, list[tuple[str, str]]]:
    """Score a table already read (:func:`evaluate_batch` checks the options).

    :func:`~perfkpi.years.compare_years` reads the table once and scores it
    here, reading no column twice.  Returns the result and the values read
    two ways, for the caller to warn about (pointing at its own caller).
    """
    scheme = prepared.plan.scheme
    plan = prepared.plan
    layout = _layout(plan, data, id_column)
    run = _Run(prepared, data, layout, errors)
    with _strict(strict), _collecting() as ambiguous:
        array, grades, reason_ids = _score(run, progress)
    for reader in run.actuals.values():
        reader.finish(ambiguous)
    ids = None if id_column is None else data.columns[id_column]
    extra = {name: data.columns[name] for name in layout.ignored}
    if data.bad is not None:
        array, grades, reason_ids, ids = _with_bad_rows(
            data, data.bad, run.problems, (array, grades, reason_ids), ids
        )
        extra = {name: _spread(values, data.bad.rows) for name, values in extra.items()}
    result = BatchResult(
        scheme,
        plan.codes,
        array,
        grades,
        reason_ids,
        tuple(run.problems.texts),
        tuple(run.problems.errors),
        ids,
        id_column,
        layout.ignored,
        data.backend,
        extra,
    )
    return result, list(ambiguous)


def _spread(values: np.ndarray, bad_rows: np.ndarray) -> np.ndarray:
    """Return a column of the rows read with ``None`` at the rows not read."""
    rows = values.size + len(bad_rows)
    good = np.ones(rows, dtype=bool)
    good[bad_rows] = False
    out = np.empty(rows, dtype=object)
    out[good] = values
    out[~good] = None
    return out


def _with_bad_rows(
    data: _Table,
    bad: _Ragged,
    problems: _Problems,
    scored: tuple[np.ndarray, np.ndarray, np.ndarray],
    ids: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Put the rows that could not be read back in their places, NaN with a reason."""
    array, grades, reason_ids = scored
    rows = data.rows + len(bad)
    bad_rows = bad.rows
    good = np.ones(rows, dtype=bool)
    good[bad_rows] = False
    full = np.full((rows, array.shape[1]), math.nan)
    full[good] = array
    all_grades = np.full(rows, "", dtype=grades.dtype)
    all_grades[good] = grades
    all_reasons = np.full(rows, -1, dtype=np.intp)
    all_reasons[good] = reason_ids
    all_reasons[bad_rows] = bad.reasons(problems)
    all_ids = None
    if ids is not None:
        labels = np.empty(rows, dtype=object)
        labels[good] = ids
        labels[bad_rows] = np.array(bad.labels, dtype=object)
        kinds = {type(v) for v in labels.tolist()} - {type(None)}
        all_ids = labels
        if kinds <= {float}:
            all_ids = np.array(
                [math.nan if v is None else v for v in labels.tolist()],
                dtype=np.float64,
            )
    return full, all_grades, all_reasons, all_ids


def _score(
    run: _Run, progress: Progress | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score the table block by block into preallocated output arrays."""
    plan = run.plan
    scheme = plan.scheme
    n = run.table.rows
    width = len(plan.codes) + 1
    labels = [*scheme.grades.labels, *(o.grade for o in scheme.overrides)]
    array = np.empty((n, width))
    grades = np.empty(n, dtype=f"<U{max(1, *map(len, labels))}")
    reason_ids = np.full(n, -1, dtype=np.intp)
    step = max(64, _package._BLOCK_CELLS // width)  # noqa: SLF001 (read here: tests patch it)
    step = max(1, -(-n // max(1, -(-n // step))))  # blocks of even size
    spare = _Spare(run.prepared, min(step, max(n, 1)))
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        out, reasons = array[lo:hi], reason_ids[lo:hi]
        bad, met, na = _block(run, spare, lo, hi, out)
        for rows, ids, blank in bad:
            out[np.ix_(rows, blank)] = math.nan
            unset = reasons[rows] < 0
            reasons[rows[unset]] = ids[unset]
        _grade(run, out[:, -1], met, na, reasons, grades[lo:hi])
        if run.errors == "raise" and (reasons >= 0).any():
            first = int(np.flatnonzero(reasons >= 0)[0])
            raise run.problems.errors[int(reasons[first])]
        if progress is not None:
            progress(hi, n)
    return array, grades, reason_ids


class _Spare:
    """Buffers reused from block to block, and the columns each input blanks."""

    def __init__(self, prepared: _Prepared, rows: int) -> None:
        plan = prepared.plan
        # the values are filled column by column: keep each column contiguous
        self.values = np.zeros((len(plan.inputs), rows))
        self.findings = np.zeros((rows, len(plan.deduct_codes)))
        self.actual_above = [prepared.above[code] for code in plan.inputs]
        self.finding_above = [prepared.above[code] for code in plan.deduct_codes]


@attrs.define
class _Block:
    """What reading one block of rows found: its bad cells and N/A nodes."""

    rows: int
    nodes: int
    bad: list[Bad] = attrs.field(factory=list)
    na: np.ndarray | None = None

    def not_applicable(self) -> np.ndarray:
        """Return the block's N/A matrix, made on first use."""
        if self.na is None:
            self.na = np.zeros((self.rows, self.nodes), dtype=bool)
        return self.na


def _block(
    run: _Run, spare: _Spare, lo: int, hi: int, out: np.ndarray
) -> tuple[list[Bad], np.ndarray, np.ndarray]:
    """Read rows *lo* to *hi*, run the plan into *out*; return the bad cells.

    The bad cells are listed in the order :func:`~perfkpi.evaluation.evaluate`
    meets them, so a row's first entry is the error it raises there.
    """
    block = _Block(hi - lo, len(run.plan.codes))
    _read_flags(run, block, lo, hi)
    for rows, ids, above in run.failed:  # evaluate() computes formulas first
        start, stop = np.searchsorted(rows, (lo, hi))
        if stop > start:
            block.bad.append((rows[start:stop] - lo, ids[start:stop], above))
    values = _read_actuals(run, spare, block, lo, hi)
    findings, adjust = _read_points(run, spare, block, lo, hi)
    met, na = _run_plan(run, values.T, findings, block.na, adjust, out, block.bad)
    return block.bad, met, na


def _read_flags(run: _Run, block: _Block, lo: int, hi: int) -> None:
    """Mark the nodes flagged not applicable, with everything below them."""
    everything = np.arange(block.nodes + 1)
    for (code, name), reader in zip(run.layout.na, run.flags, strict=True):
        cells = reader.block(run.column(name, lo, hi))
        flagged = np.flatnonzero(cells.numbers == 1.0)
        if flagged.size:
            block.not_applicable()[np.ix_(flagged, _below(run.plan, code))] = True
        if cells.bad.size:
            block.bad.append((cells.bad, cells.problem, everything))


def _read_actuals(
    run: _Run, spare: _Spare, block: _Block, lo: int, hi: int
) -> np.ndarray:
    """Return the block's actuals, shape ``(inputs, rows)``, as the plan reads them.

    An N/A cell reads 0 (as in :func:`~perfkpi.evaluation.evaluate`), a bad
    cell NaN; graded NA and NR mark their node N/A.
    """
    plan, layout = run.plan, run.layout
    skips = None if block.na is None else block.na[:, plan.input_pos]
    values: np.ndarray = spare.values[:, : block.rows]
    for j in run.plain:  # numbers read as themselves: copy, then check at once
        values[j] = run.column(layout.actuals[j], lo, hi)
    clean = _clean(values, run.bands) if run.plain else None
    for j, code in enumerate(plan.inputs):
        skip = None if skips is None else skips[:, j]
        if clean is not None and j in run.plain and clean[j]:
            if skip is not None and skip.any():
                values[j] = np.where(skip, 0.0, values[j])
            continue
        actual = run.actuals.get(j)
        if actual is None:  # no column: fine wherever an na: column covers it
            values[j] = 0.0
            missing = np.arange(block.rows) if skip is None else np.flatnonzero(~skip)
            if missing.size:
                problem = run.problems.add(code, _NO_VALUE, DataError(code, _MISSING))
                values[j, missing] = math.nan
                ids = np.full(missing.size, problem)
                block.bad.append((missing, ids, spare.actual_above[j]))
            continue
        cells = actual.block(run.column(layout.actuals[j], lo, hi))
        read = cells.numbers
        graded = np.isnan(read)  # NA / NR grades, and bad cells
        if cells.bad.size:
            graded[cells.bad] = False
            ok = np.ones(cells.bad.size, bool) if skip is None else ~skip[cells.bad]
            if ok.any():
                above = spare.actual_above[j]
                block.bad.append((cells.bad[ok], cells.problem[ok], above))
        if graded.any():
            block.not_applicable()[graded, plan.input_pos[j]] = True
            skip = graded if skip is None else skip | graded
        values[j] = read if skip is None else np.where(skip, 0.0, read)
    return values


_LARGEST = np.finfo(np.float64).max


def _clean(values: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """Return, per input (row of *values*), whether every value reads as itself.

    A value does when it is finite and outside its input's two-way band
    (``low < |x| <= high``); rows of inputs that are not plain hold anything
    and their answer is not used.  One pass per operation for all inputs.
    """
    low, high = bands[:, 0], bands[:, 1]
    with np.errstate(invalid="ignore"):
        size = np.abs(values)
        ok = size <= low
        above = size > high
        above &= size <= _LARGEST  # neither NaN nor an infinity
        ok |= above
    out: np.ndarray = ok.all(axis=1)
    return out


def _read_points(
    run: _Run, spare: _Spare, block: _Block, lo: int, hi: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the block's findings and adjustments (``None``: no adjustments)."""
    plan, layout = run.plan, run.layout
    findings: np.ndarray = spare.findings[: block.rows]
    for (j, name), reader in zip(layout.findings, run.findings, strict=True):
        cells = reader.block(run.column(name, lo, hi))
        findings[:, j] = cells.numbers
        if cells.bad.size:
            findings[cells.bad, j] = 0.0
            block.bad.append((cells.bad, cells.problem, spare.finding_above[j]))
    adjust: np.ndarray | None = None
    for (pos, name), reader in zip(layout.adjust, run.adjust, strict=True):
        cells = reader.block(run.column(name, lo, hi))
        if adjust is None:
            adjust = np.zeros((block.rows, block.nodes))
        adjust[:, pos] += cells.numbers
        if cells.bad.size:
            adjust[cells.bad, pos] = 0.0
            above = run.prepared.above[plan.codes[pos]]
            block.bad.append((cells.bad, cells.problem, above))
    return findings, adjust


def _run_plan(
    run: _Run,
    values: np.ndarray,
    findings: np.ndarray,
    na: np.ndarray | None,
    adjust: np.ndarray | None,
    out: np.ndarray,
    bad: list[Bad],
) -> tuple[np.ndarray, np.ndarray]:
    """Run the plan on a block; isolate the rows whose aggregation raises.

    Only a conversion table without a row's combination of grades raises; the
    block is halved until that row is alone.
    """
    plan = run.plan
    rows = values.shape[0]
    width = out.shape[1]
    try:
        result = plan.run(values, findings, na, adjust, scratch=run.scratch)
    except PerfKPIError as exc:
        if rows == 1:
            out[:] = math.nan
            problem = run.problems.add(None, _NO_VALUE, exc)
            bad.append(
                (np.zeros(1, dtype=np.intp), np.array([problem]), np.arange(width))
            )
            return np.zeros((1, len(plan.inputs)), bool), np.ones((1, width), bool)
        half = rows // 2
        mets, nas = [], []
        for part in (slice(0, half), slice(half, rows)):
            part_bad: list[Bad] = []
            met, part_na = _run_plan(
                run,
                values[part],
                findings[part],
                None if na is None else na[part],
                None if adjust is None else adjust[part],
                out[part],
                part_bad,
            )
            start = part.start or 0
            bad.extend((r + start, i, b) for r, i, b in part_bad)
            mets.append(met)
            nas.append(part_na)
        return np.concatenate(mets), np.concatenate(nas)
    out[:] = result.scores
    if result.na.any():  # e.g. a deduct node marked N/A still computes a score
        np.copyto(out, math.nan, where=result.na)
    nothing = np.flatnonzero(result.na[:, -1])
    if nothing.size:
        error = DataError("", "every node is not applicable: there is nothing to score")
        problem = run.problems.add(None, _NO_VALUE, error)
        bad.append((nothing, np.full(nothing.size, problem), np.arange(width)))
    # the not-applicable matrix is a view of the run's scratch buffers, which
    # the next call overwrites (the other half of a split block, or the next
    # block): return a copy the caller owns
    return result.met, result.na.copy()


def _grade(
    run: _Run,
    total: np.ndarray,
    met: np.ndarray,
    na: np.ndarray,
    reasons: np.ndarray,
    grades: np.ndarray,
) -> None:
    """Grade the totals of a block; apply the scheme's overrides."""
    plan = run.plan
    scheme = plan.scheme
    grades[:] = scheme.grades.grade_array(total)
    done = reasons >= 0
    grades[done] = ""
    for override in scheme.overrides:
        j = plan.inputs.index(override.node)
        pos = plan.codes.index(override.node)
        hit = ~met[:, j] & ~na[:, pos] & ~done
        grades[hit] = override.grade
        done |= hit
