"""Score any number of entities from one table, at numpy speed.

:func:`evaluate_batch` reads a table with one row per entity (a department, a
project, a year) and one column per input node, runs the scheme's compiled
:class:`~perfkpi.plan.Plan` over all rows in cache-sized blocks, and returns a
:class:`BatchResult`: every node's score at every level, the totals, the grades
and, for each row that could not be scored, NaN and the reason.  Each row
gives the same numbers as :func:`~perfkpi.evaluation.evaluate` of that row:
both run the same plan, and text cells are read by the same rule readers.

The columns of the table:

- *code* (``1.2``), one per input node: actuals as
  :func:`~perfkpi.evaluation.evaluate` takes them.  A plain number is in the
  unit of the node's target; text carries its own unit or label (``"99.8%"``,
  ``"45分钟"``, ``"是"``, ``"B+"``) and is read once per distinct value.
- ``findings:<code>``, optional: the total points of the findings on
  ``deduct`` node *code*; an empty cell is no finding.
- ``na:<code>``, optional and boolean: node *code*, and everything below it,
  does not apply.
- ``adjust:<code>``, optional: a manual adjustment of scored leaf *code*, in
  points; an empty cell adjusts nothing.
- ``input:<name>`` and ``input:<code>:<name>``, optional: the raw inputs of
  formula nodes (:attr:`perfkpi.Data.inputs`), by name for every formula node
  or by node code, then name, for one node only.  A formula node computes its
  actual from them as :func:`~perfkpi.formulas.compute_actuals` does for that
  row, with the same reasons (a division by zero, a missing input); an empty
  cell is an input not given.

Other columns (an entity's name, a year) are ignored and listed in
:attr:`BatchResult.ignored`; one of them may label the rows (``id_column``).
Items that an entity brings in its own data (:attr:`perfkpi.Data.items`) do not
fit a fixed table: a batch scores the items declared in the scheme, or takes
their effect as a pre-computed ``findings:<code>`` column.

Examples
--------
>>> import perfkpi
>>> scheme = perfkpi.Scheme.from_nodes("demo", "项目自评", [
...     perfkpi.Node("1", "预算执行率", points=10, target="≥100%",
...                  rule=perfkpi.Proportional()),
...     perfkpi.Node("2", "产出", points=90, rule=perfkpi.Deduct()),
...     perfkpi.Node("2.1", "按时完成率", parent="2", target="≥95%"),
... ])
>>> batch = perfkpi.evaluate_batch(scheme, {
...     "1": [99.8, 100, 87.5, float("nan")],
...     "2.1": ["96%", "90%", "95%", "95%"],
...     "findings:2": [0, 2, 0.5, 0],
... })
>>> batch.total
array([99.98, 97.  , 98.25,   nan])
>>> batch.grades
array(['优', '优', '优', ''], dtype='<U1')
>>> batch.scores["2"]
array([90. , 87. , 89.5, 90. ])
>>> batch.reasons[3]
"column '1', value nan: expected a finite number, got nan"
"""

from __future__ import annotations

import csv
import importlib
import importlib.util
import io
import math
import os
import sys
import types
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol, TextIO, cast

import attrs
import numpy as np

from perfkpi import _checks
from perfkpi._io import open_regular
from perfkpi._safe import csv_text
from perfkpi.errors import DataError, PerfKPIError
from perfkpi.evaluation import _plan
from perfkpi.formulas import (
    _ABSENT,
    Formula,
    FormulaError,
    _name_form,
    _node_actual,
    _scaled_array,
    formula_of,
    reading_unit,
)
from perfkpi.grades import PEFA_GRADES
from perfkpi.plan import Plan, effective_rule
from perfkpi.rules import (
    Bands,
    Checklist,
    Goalposts,
    Qualitative,
    RuleBase,
    _ambiguous_numbers,
    _collecting,
    _strict,
    _warn_collected,
)
from perfkpi.scheme import Scheme

__all__ = [
    "ADJUST",
    "FINDINGS",
    "INPUT",
    "MAX_RAGGED_LISTED",
    "MAX_TABLE_BYTES",
    "NOT_APPLICABLE",
    "BatchResult",
    "evaluate_batch",
    "evaluate_dask",
]

FINDINGS = "findings:"
"""The prefix of a findings column: ``findings:2.1`` holds node 2.1's points."""
NOT_APPLICABLE = "na:"
"""The prefix of a not-applicable column: ``na:1.3`` is true where 1.3 is N/A."""
ADJUST = "adjust:"
"""The prefix of an adjustment column: ``adjust:1.2`` adds points to leaf 1.2."""
INPUT = "input:"
"""The prefix of an input column: ``input:预算数`` for every formula node,
``input:1.2:预算数`` for node 1.2 only."""

MAX_TABLE_BYTES = 512 * 1024 * 1024
"""A CSV table larger than this (in bytes read) is refused: read it with pandas."""
MAX_RAGGED_LISTED = 100
"""How many CSV rows of the wrong width get a reason naming their line.

The rows past these are bad rows all the same, with a reason that counts them.
"""

Errors = Literal["nan", "raise"]
FrameBackend = Literal["pandas", "polars", "pyarrow"]
"""The DataFrame libraries :meth:`BatchResult.to_frame` writes to."""


class _Frame(Protocol):
    """What every frame :meth:`BatchResult.to_frame` returns has.

    pandas and polars DataFrames and pyarrow Tables alike: a shape (rows,
    columns), a length in rows, and a column by name.
    """

    @property
    def shape(self) -> tuple[int, int]: ...  # pragma: no cover

    def __getitem__(self, name: str, /) -> Any: ...  # noqa: ANN401  # pragma: no cover

    def __len__(self) -> int: ...  # pragma: no cover


class _LazyFrame(Protocol):
    """A Dask DataFrame, as :func:`evaluate_dask` takes and returns one."""

    @property
    def _meta(self) -> Any: ...  # noqa: ANN401  # pragma: no cover

    def map_partitions(
        self,
        func: Callable[..., Any],
        *args: Any,  # noqa: ANN401
        **kwargs: Any,  # noqa: ANN401
    ) -> Any: ...  # noqa: ANN401  # pragma: no cover

    def compute(self, **kwargs: Any) -> Any: ...  # noqa: ANN401  # pragma: no cover


Progress = Callable[[int, int], object]

_BLOCK_CELLS = 1 << 18
"""Rows are scored in blocks of about this many scores, to stay in cache."""
_MISSING = "missing actual value"
_FIXED_COLUMNS = ("total", "grade", "reason")
_DATA_KEYS = (
    "actuals",
    "findings",
    "items",
    "not_applicable",
    "adjustments",
    "inputs",
)


# -- the result ---------------------------------------------------------------


def _array_field() -> Any:  # noqa: ANN401 (an attrs field helper)
    return attrs.field(eq=attrs.cmp_using(eq=_same), hash=False, repr=False)


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.dtype.kind == "f":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


class _Reasons(Mapping[int, str]):
    """Row index → reason, for the rows that could not be scored (read-only)."""

    def __init__(self, ids: np.ndarray, texts: Sequence[str]) -> None:
        self._ids = ids
        self._texts = tuple(texts)

    def __getitem__(self, row: int) -> str:
        if not 0 <= row < self._ids.size or self._ids[row] < 0:
            raise KeyError(row)
        return self._texts[int(self._ids[row])]

    def __iter__(self) -> Iterator[int]:
        return (int(i) for i in np.flatnonzero(self._ids >= 0))

    def __len__(self) -> int:
        return int(np.count_nonzero(self._ids >= 0))

    def __repr__(self) -> str:
        shown = dict(list(self.items())[:3])
        more = ", …" if len(self) > len(shown) else ""
        return f"{{{', '.join(f'{k}: {v!r}' for k, v in shown.items())}{more}}}"


@attrs.frozen
class BatchResult:
    """The scores of many entities, one row each.

    Attributes
    ----------
    scheme
        The scheme scored against.
    codes
        Every node's code, breadth first: the column order of :attr:`array`.
    array
        Shape ``(N, len(codes) + 1)``: every node's score, the total last.  A
        not-applicable node and every score that depends on a bad value is NaN.
    grades
        The grade of each row's total (overrides applied); ``""`` for a row
        that could not be scored.
    reason_ids
        Per row, the index of its reason in :attr:`reason_texts`, or -1.
    reason_texts
        The distinct reasons.
    problems
        The error behind each reason, as :func:`~perfkpi.evaluation.evaluate`
        raises it for that row.
    ids
        The values of the ``id_column``, if one was named.
    id_column
        Its name.
    ignored
        The columns of the table that are not read.
    backend
        The DataFrame library the table came from, if any (for :meth:`to_frame`).

    Raises
    ------
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, or *array*,
        *grades*, *reason_ids* (or *ids*, when given) not a numpy array.
    """

    scheme: Scheme
    codes: tuple[str, ...]
    array: np.ndarray = _array_field()
    grades: np.ndarray = _array_field()
    reason_ids: np.ndarray = _array_field()
    reason_texts: tuple[str, ...] = ()
    problems: tuple[PerfKPIError, ...] = attrs.field(default=(), eq=False, repr=False)
    ids: np.ndarray | None = attrs.field(default=None, eq=False, repr=False)
    id_column: str | None = None
    ignored: tuple[str, ...] = ()
    backend: str | None = None

    def __attrs_post_init__(self) -> None:
        _checks.instance(self.scheme, Scheme, "a batch result's scheme")
        arrays: dict[str, object] = {  # callers without mypy may pass anything
            "array": self.array,
            "grades": self.grades,
            "reason_ids": self.reason_ids,
            "ids": self.ids,
        }
        for name, array in arrays.items():
            if array is not None and not isinstance(array, np.ndarray):
                got = f"{array!r:.60}"
                msg = f"a batch result's {name} must be a numpy array (got {got})"
                raise TypeError(msg)
        # results are values: nobody changes a score in place
        for array in arrays.values():
            if isinstance(array, np.ndarray):
                array.flags.writeable = False

    def __len__(self) -> int:
        return int(self.array.shape[0])

    def __repr__(self) -> str:
        """Return a one-line summary: scheme, rows, nodes and bad rows."""
        return (
            f"<BatchResult {self.scheme.id}: {len(self)} rows, {len(self.codes)} "
            f"nodes, {len(self.reasons)} rows not scored>"
        )

    @property
    def total(self) -> np.ndarray:
        """The totals, shape ``(N,)``, rounded by the scheme's policy."""
        out: np.ndarray = self.array[:, -1]
        return out

    @property
    def scores(self) -> Mapping[str, np.ndarray]:
        """Each node's scores by code (views of :attr:`array`).

        An item's column holds the points it cost its parent, as
        :attr:`perfkpi.Evaluation.penalties` does.
        """
        return types.MappingProxyType(
            {code: self.array[:, i] for i, code in enumerate(self.codes)}
        )

    @property
    def ok(self) -> np.ndarray:
        """Which rows were scored (a boolean mask)."""
        out: np.ndarray = self.reason_ids < 0
        return out

    @property
    def reasons(self) -> Mapping[int, str]:
        """Why each bad row could not be scored: row index → reason."""
        return _Reasons(self.reason_ids, self.reason_texts)

    def error(self, row: int) -> PerfKPIError | None:
        """Return the error that row *row* raises in ``evaluate()``, if any."""
        rid = int(self.reason_ids[row])
        return None if rid < 0 else self.problems[rid]

    def grade_labels(self, code: str) -> np.ndarray:
        """Return the ordinal grade labels (A, B+, …) of a graded node's ranks."""
        out: np.ndarray = PEFA_GRADES.grade_array(self.scores[code])
        return out

    def to_columns(self) -> dict[str, np.ndarray]:
        """Return the result as named columns.

        The columns are the ``id_column`` under its own name (if one was named),
        ``total``, ``grade``, ``reason`` (``""`` for a good row) and one per
        node code.  A node whose code is one of those names is written
        ``node:<code>``; an id column named like a fixed column is ``id``.
        The scores are views of :attr:`array` (read-only).
        """
        return self._columns(self.array)

    def _columns(self, array: np.ndarray) -> dict[str, np.ndarray]:
        """Return :meth:`to_columns`, the scores being views of *array*."""
        out: dict[str, np.ndarray] = {}
        if self.ids is not None:
            name = self.id_column or "id"
            out["id" if name in _FIXED_COLUMNS else name] = self.ids
        out["total"] = array[:, -1]
        out["grade"] = self.grades
        texts = np.array(["", *self.reason_texts], dtype=object)
        out["reason"] = texts[self.reason_ids + 1]
        for i, code in enumerate(self.codes):
            name = f"node:{code}" if code in out or code in _FIXED_COLUMNS else code
            out[name] = array[:, i]
        return out

    def to_frame(self, backend: FrameBackend | None = None) -> _Frame:
        """Return the result as a DataFrame (columns as :meth:`to_columns`).

        A pandas frame holds the scores as float columns of one copy of
        :attr:`array` (made at once, never column by column) and the grades
        as a categorical column whose categories are the scheme's grades, ``""``
        first: the same categories for every batch of one scheme, so that the
        frames of Dask partitions concatenate as they are.

        Parameters
        ----------
        backend
            ``"pandas"``, ``"polars"`` or ``"pyarrow"``.  By default the library
            the table came from, else pandas if it is installed, else polars,
            else pyarrow.

        Returns
        -------
        pandas.DataFrame, polars.DataFrame or pyarrow.Table

        Raises
        ------
        ImportError
            If none of them is installed (use :meth:`to_columns` then).
        """
        names = [backend] if backend else [self.backend, "pandas", "polars", "pyarrow"]
        for name in names:
            if name in ("pandas", "polars", "pyarrow") and _has(name):
                module = importlib.import_module(name)
                if name == "pandas":
                    return cast("_Frame", self._pandas(module))
                plain = {k: _plain(v) for k, v in self.to_columns().items()}
                return cast(
                    "_Frame",
                    module.DataFrame(plain)
                    if name == "polars"
                    else module.table(plain),
                )
        wanted = backend or "pandas, polars or pyarrow"
        msg = f"to_frame() needs {wanted}; to_columns() gives plain numpy arrays"
        raise ImportError(msg)

    def _pandas(self, pd: types.ModuleType) -> object:
        """Return the pandas frame of :meth:`to_frame`, without copying by column."""
        columns = self._columns(np.array(self.array))  # one writable copy
        labels = list(
            dict.fromkeys(
                [
                    "",
                    *self.scheme.grades.labels,
                    *(o.grade for o in self.scheme.overrides),
                ]
            )
        )
        codes = np.full(len(self), -1, dtype=np.int16)
        for k, label in enumerate(labels):
            codes[self.grades == label] = k
        if (codes >= 0).all():
            columns["grade"] = pd.Categorical.from_codes(codes, categories=labels)
        return pd.DataFrame(columns, copy=False)

    def to_csv(self, path: str | os.PathLike[str] | TextIO) -> None:
        """Write the result as CSV (UTF-8, columns as :meth:`to_columns`).

        Scores are written in their shortest form (``88.63``, ``90``); a NaN
        score is an empty cell.  *path* may be an open text stream.

        Raises
        ------
        OSError
            If *path* cannot be written (a folder, a missing folder, no
            permission, a full disk), or the stream cannot.
        """
        if isinstance(path, str | os.PathLike):
            with Path(path).open("w", encoding="utf-8", newline="") as stream:
                self._write_csv(stream)
        else:
            self._write_csv(path)

    def _write_csv(self, stream: TextIO) -> None:
        columns = self.to_columns()
        writer = csv.writer(stream)
        writer.writerow([csv_text(name) for name in columns])
        step = 1 << 14
        for lo in range(0, len(self), step):
            block = [_cells(col[lo : lo + step]) for col in columns.values()]
            writer.writerows(zip(*block, strict=True))


def _has(module: str) -> bool:
    if module in sys.modules:
        return True
    return importlib.util.find_spec(module) is not None


def _plain(values: np.ndarray) -> Any:  # noqa: ANN401
    """Return an object column as a list (polars and pyarrow infer its type)."""
    return values.tolist() if values.dtype == object else values


def _cells(values: np.ndarray) -> list[str]:
    """Return a column's cells as CSV text, formula-like text made inert."""
    if values.dtype.kind == "f":
        return [_number_text(v) for v in values.tolist()]
    return [_cell_text(v) for v in values.tolist()]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int | np.number | bool):
        return str(value)
    return csv_text(str(value))


def _number_text(value: float) -> str:
    if value != value:  # noqa: PLR0124 (NaN)
        return ""
    return repr(value).removesuffix(".0")


# -- reading the table --------------------------------------------------------


@attrs.frozen
class _Table:
    columns: Mapping[str, np.ndarray]
    rows: int
    backend: str | None = None
    bad: _Ragged | None = None
    """Rows that could not be read (not in *columns*)."""


def _read_table(
    table: object, columns: Sequence[str] | None, errors: Errors, id_column: str | None
) -> _Table:
    if isinstance(table, str | os.PathLike):
        where = os.fspath(table)
        with open_regular(table, error=DataError) as stream:
            return _read_csv(stream, str(where), errors, id_column)
    if isinstance(table, io.IOBase):
        where = str(getattr(table, "name", "<stream>"))
        return _read_csv(table, where, errors, id_column)
    if isinstance(table, np.ma.MaskedArray) and table.ndim == 2:  # noqa: PLR2004
        return _from_array(table, columns)
    if isinstance(table, np.ndarray):
        return _from_array(table, columns)
    if columns is not None:
        raise DataError("columns", "columns= is for a 2-D array only")
    if isinstance(table, Mapping):
        return _from_mapping(table)
    from perfkpi.deductions import Data  # noqa: PLC0415

    if isinstance(table, Data):
        raise DataError(
            "table", "evaluate_batch takes a table; for one Data use evaluate()"
        )
    return _from_frame(table)


def _from_array(table: np.ndarray, columns: Sequence[str] | None) -> _Table:
    if table.ndim != 2:  # noqa: PLR2004
        raise DataError("table", f"expected a 2-D array, got {table.ndim} dimensions")
    if columns is None or len(columns) != table.shape[1]:
        msg = f"a 2-D array needs columns=, one code per column ({table.shape[1]})"
        raise DataError("columns", msg)
    names = [str(c) for c in columns]
    _check_unique(names)
    return _Table(
        {n: _unmask(table[:, i]) for i, n in enumerate(names)}, table.shape[0]
    )


def _unmask(values: np.ndarray) -> np.ndarray:
    """Return a masked array's cells with the masked ones missing (``None``).

    A masked cell's hidden data is never read: it is missing, as an empty
    cell is.
    """
    if not isinstance(values, np.ma.MaskedArray):
        return values
    data: np.ndarray = np.ma.getdata(values)
    mask = np.ma.getmaskarray(values)
    if not mask.any():
        return data
    out = data.astype(object)
    out[mask] = None
    return out


def _check_unique(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataError(name, f"duplicate column {name!r}")
        seen.add(name)


def _from_mapping(table: Mapping[Any, Any]) -> _Table:
    if "items" in table:
        msg = (
            "a batch takes the items declared in the scheme only: add the entity's "
            "items to the scheme as nodes, or give their points as a "
            f"'{FINDINGS}<code>' column"
        )
        raise DataError("items", msg)
    if any(isinstance(table.get(k), Mapping) for k in _DATA_KEYS):
        msg = "expected a table of columns, got one entity's data; use evaluate()"
        raise DataError("table", msg)
    columns: dict[str, np.ndarray] = {}
    rows: int | None = None
    for name, values in table.items():
        column = _as_column(values, str(name))
        if rows is None:
            rows = column.size
        elif column.size != rows:
            msg = f"column has {column.size} rows, the first column {rows}"
            raise DataError(str(name), msg)
        columns[str(name)] = column
    return _Table(columns, rows or 0)


def _as_column(values: object, name: str) -> np.ndarray:
    if not isinstance(values, np.ndarray) and hasattr(values, "__array__"):
        values = np.asarray(values)  # a pandas Series, a pyarrow array, …
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise DataError(name, "a column must be one-dimensional")
        return _unmask(values)
    if isinstance(values, str) or not isinstance(values, Sequence | np.ndarray):
        msg = f"expected a column (a sequence or array), got {type(values).__name__}"
        raise DataError(name, msg)
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = None if value is np.ma.masked else value
    kinds = {type(v) for v in out}
    if kinds == {float}:
        return out.astype(np.float64)
    if kinds == {int} and all(abs(v) < 2**53 for v in out):
        return out.astype(np.int64)
    return out  # mixed types: each cell is read as it is


def _from_frame(table: object) -> _Table:
    module = type(table).__module__.split(".")[0]
    try:
        import narwhals.stable.v1 as nw  # noqa: PLC0415
    except ImportError:
        msg = (
            f"a {module} table needs narwhals: pip install 'perfkpi[dataframe]' "
            "(or give a mapping of columns, a 2-D array or a CSV file)"
        )
        raise ImportError(msg) from None
    try:
        frame = nw.from_native(table, eager_only=True)
    except TypeError:
        msg = (
            "expected a mapping of column → values, a 2-D array with columns=, "
            f"a CSV file or a DataFrame, got {type(table).__name__}"
        )
        raise DataError("table", msg) from None
    names = [str(c) for c in frame.columns]
    _check_unique(names)

    def column(name: str) -> np.ndarray:
        series = frame[name]
        nulls = series.is_null()
        if series.dtype.is_numeric() and nulls.any():
            series = series.cast(nw.Float64).fill_null(float("nan"))
        out: np.ndarray = series.to_numpy()
        if series.dtype.is_numeric() or (
            series.dtype == nw.Boolean and not nulls.any()
        ):
            return out
        out = np.array(out, dtype=object)  # a copy
        out[nulls.to_numpy()] = None  # pandas NaN / NA, polars and arrow nulls
        return out

    return _Table(_Columns(names, column), len(frame), module)


class _Columns(Mapping[str, np.ndarray]):
    """A frame's columns as numpy arrays, converted when first asked for.

    Columns the batch does not read (names, dates) are never converted.
    """

    def __init__(
        self, names: Sequence[str], convert: Callable[[str], np.ndarray]
    ) -> None:
        self._names = tuple(names)
        self._convert = convert
        self._done: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._done:
            if name not in self._names:
                raise KeyError(name)
            self._done[name] = self._convert(name)
        return self._done[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


_NUMBER = __import__("re").compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def _cell(text: str) -> object:
    """Read one CSV cell: empty is missing, a plain number a number, else text."""
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return float(text)
    return text


class _Limited(io.RawIOBase):
    """A binary stream that refuses to yield more than *limit* bytes."""

    def __init__(self, raw: BinaryIO, limit: int, where: str) -> None:
        self._raw = raw
        self._left = limit
        self._limit = limit
        self._where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 (a writable buffer)
        view = memoryview(buffer).cast("B")
        data = self._raw.read(min(len(view), self._left + 1)) or b""
        if len(data) > self._left:
            msg = f"more than {self._limit} bytes; at most that many are read"
            raise DataError(self._where, msg)
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)


def _text_stream(stream: object, where: str) -> TextIO:
    if isinstance(stream, io.TextIOBase):
        return cast("TextIO", stream)
    limited = io.BufferedReader(
        _Limited(cast("BinaryIO", stream), MAX_TABLE_BYTES, where)
    )
    return io.TextIOWrapper(limited, encoding="utf-8-sig", newline="")


@attrs.define
class _Ragged:
    """The rows of a CSV file with more or fewer cells than its header.

    Each is kept as three numbers; errors and reason texts are made only when
    the result is put together, and only the first :data:`MAX_RAGGED_LISTED`
    rows get their own (see :meth:`reasons`).
    """

    where: str
    width: int
    found: list[tuple[int, int, int]] = attrs.field(factory=list)
    """Each row's index in the table, the line where it ends, its cells."""
    grouped: list[bool] = attrs.field(factory=list)
    """Whether each listed row holds a number split at a thousands separator."""
    labels: list[object] = attrs.field(factory=list)
    """Each row's cell of the id column, if one was named."""

    def __len__(self) -> int:
        return len(self.found)

    @property
    def rows(self) -> np.ndarray:
        """Each row's index in the table."""
        out: np.ndarray = np.array([row for row, _, _ in self.found], dtype=np.intp)
        return out

    def add(self, row: int, line: int, cells: Sequence[str]) -> None:
        self.found.append((row, line, len(cells)))
        if len(self.found) <= MAX_RAGGED_LISTED:
            # cells joined by NUL, which the csv module never lets into a cell
            self.grouped.append(
                len(cells) > self.width
                and _GROUPED.search("\0".join(cells)) is not None
            )

    def error(self, k: int) -> DataError:
        """Return the error of the *k*-th ragged row (one of the listed), by line."""
        _, line, cells = self.found[k]
        msg = f"{cells} cells, the header has {self.width}"
        if k < len(self.grouped) and self.grouped[k]:
            msg += _GROUPED_HINT
        return DataError(f"{self.where}:{line}", msg)

    def reasons(self, problems: _Problems) -> np.ndarray:
        """Register the rows' reasons in *problems*; return each row's reason id.

        The first :data:`MAX_RAGGED_LISTED` rows each get their own reason,
        naming the line; the rows past them share one reason per number of
        cells, which counts every ragged row.  (A file whose every row is
        ragged was written with another delimiter, or with numbers with
        thousands separators, and its first rows show where.)
        """
        ids = np.empty(len(self), dtype=np.intp)
        listed = min(len(self), MAX_RAGGED_LISTED)
        for k in range(listed):
            ids[k] = problems.add(None, _NO_VALUE, self.error(k))
        if listed < len(self):
            cells = np.array([n for _, _, n in self.found[listed:]], dtype=np.intp)
            distinct, which = np.unique(cells, return_inverse=True)
            shared = [
                problems.add(
                    None,
                    _NO_VALUE,
                    DataError(
                        self.where,
                        f"{n} cells, the header has {self.width} (one of "
                        f"{len(self)} rows of the wrong width; the first "
                        f"{MAX_RAGGED_LISTED} name their lines)",
                    ),
                )
                for n in distinct.tolist()
            ]
            ids[listed:] = np.array(shared, dtype=np.intp)[which.reshape(-1)]
        return ids


_GROUPED = __import__("re").compile(
    r"(?:^|\0)\s*[+-]?\d{1,3}\0\d{3}(?:\.\d*)?\s*(?:\0|$)"
)
"""Two cells that were one number with a thousands separator (``1,234.5``)."""
_GROUPED_HINT = (
    " (a number with a thousands separator, such as 1,234.5, must be "
    'quoted: "1,234.5", or written 1234.5)'
)


def _read_csv(
    source: object, where: str, errors: Errors, id_column: str | None
) -> _Table:
    """Read a CSV table from a binary or text stream.

    A binary stream is read by pyarrow when it is installed and the file is
    regular (every row as wide as the header, every cell within the csv
    module's field limit); otherwise, and for a text stream, by the csv
    module.  Both give the same columns (see :func:`_read_csv_arrow`).

    A row with more or fewer cells than the header is left out and listed in
    :attr:`_Table.bad` with its line (with ``errors="raise"``, it raises).
    """
    if not isinstance(source, io.TextIOBase) and _has("pyarrow"):
        raw = _read_all(source, where)
        table = _read_csv_arrow(raw)
        if table is not None:
            return table
        source = io.BytesIO(raw)
    return _read_csv_stdlib(source, where, errors, id_column)


def _read_all(stream: object, where: str) -> bytes:
    """Return every byte of a binary *stream*, refusing more than the limit."""
    limit = MAX_TABLE_BYTES
    read = cast("Callable[[int], object]", cast("BinaryIO", stream).read)
    try:
        step = os.fstat(cast("BinaryIO", stream).fileno()).st_size + 1
    except (AttributeError, OSError, ValueError):  # no file behind it
        step = limit + 1 if isinstance(stream, io.BytesIO) else 1 << 24
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := read(min(step, limit + 1 - total)):
            if not isinstance(chunk, bytes | bytearray | memoryview):
                msg = f"expected a binary or text stream, got {type(chunk).__name__}"
                raise DataError(where, msg)
            chunks.append(bytes(chunk))
            total += len(chunks[-1])
            if total > limit:
                msg = f"more than {limit} bytes; at most that many are read"
                raise DataError(where, msg)
            step = 1 << 24
    except OSError as exc:
        raise DataError(where, f"cannot read: {exc.strerror or exc}") from None
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_ASCII_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
""":data:`_NUMBER` for ASCII digits, in the RE2 syntax of pyarrow.compute."""


def _read_csv_arrow(raw: bytes) -> _Table | None:
    """Read CSV bytes with pyarrow, giving the columns the csv module would.

    Returns ``None`` where the csv module must decide: a ragged row, a cell
    over its field limit, text that is not UTF-8, anything pyarrow refuses.
    pyarrow's own reading of a cell is kept only where it cannot differ from
    :func:`_cell`: finite numbers in a column of numbers, when no cell may
    start or end with a space (which pyarrow trims) and, for a column of
    integers, no ``0x`` is in the file (pyarrow reads ``0x10`` as 16) and no
    ``-0`` if the column has a zero.  Every other column is
    read as text and each cell by :func:`_cell`'s rule.
    """
    pa = importlib.import_module("pyarrow")  # an optional extra
    pc = importlib.import_module("pyarrow.compute")
    pacsv = importlib.import_module("pyarrow.csv")

    if _long_line(raw, csv.field_size_limit()):
        return None
    parse = pacsv.ParseOptions(newlines_in_values=True)
    convert = pacsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        true_values=["\0"],  # no cell is read as a boolean
        false_values=["\0"],
    )
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw), parse_options=parse, convert_options=convert
        )
    except (pa.ArrowException, ValueError, UnicodeError):
        return None
    raw_names = table.column_names
    if any("\ufffd" in name for name in raw_names):
        return None  # perhaps not UTF-8: the csv module says where
    names = [h.strip() for h in raw_names]
    _check_unique(names)
    suspects = _Suspects(
        # pyarrow reads " 12 " as the number 12; the csv module keeps it as text
        padded=_padded(raw),
        minus_zero=_after(raw, b"-", b"0"),
        hexadecimal=_before(raw, b"0", b"xX"),  # pyarrow reads 0x10 as 16
    )
    columns: dict[str, np.ndarray] = {}
    as_text = []
    rows = table.num_rows
    parts = table.columns
    del table  # each column is let go as soon as it is read
    for i, name in enumerate(names):
        column, parts[i] = parts[i], None
        kind = column.type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            numbers = _arrow_numbers(column, pa.types.is_integer(kind), suspects)
            if numbers is None:
                as_text.append(i)
            else:
                columns[name] = numbers
        elif pa.types.is_null(kind):
            columns[name] = np.full(rows, None, dtype=object)
        elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
            columns[name] = _text_cells(column, pc)
        else:  # dates, times: text to the csv module
            as_text.append(i)
    if as_text:
        text = pacsv.ConvertOptions(
            column_types={raw_names[i]: pa.string() for i in as_text},
            include_columns=[raw_names[i] for i in as_text],
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        try:
            again = pacsv.read_csv(
                pa.py_buffer(raw), parse_options=parse, convert_options=text
            )
        except (pa.ArrowException, ValueError, UnicodeError):
            return None  # not UTF-8: the csv module says where
        for i in as_text:
            columns[names[i]] = _text_cells(again.column(raw_names[i]), pc)
    if rows == 0:
        columns = {name: np.empty(0) for name in names}
    return _Table({name: columns[name] for name in names}, rows)


@attrs.frozen
class _Suspects:
    """What in a CSV file pyarrow may read as a number the csv module does not."""

    padded: bool  # a cell may start or end with a space or a tab
    minus_zero: bool  # "-0" somewhere
    hexadecimal: bool  # "0x" or "0X" somewhere


def _arrow_numbers(
    column: Any,  # noqa: ANN401 (a pyarrow ChunkedArray)
    integers: bool,
    suspects: _Suspects,
) -> np.ndarray | None:
    """Return a pyarrow column of numbers as the csv module reads it.

    ``None``: pyarrow may have read a cell otherwise (``" 1"``, ``"nan"``,
    ``"inf"``, ``"1e400"``, ``"0x10"``, ``"-0"``); read the column as text.
    """
    if suspects.padded or (integers and suspects.hexadecimal):
        return None
    values: np.ndarray = column.to_numpy().astype(np.float64, copy=False)
    nulls = None
    present = values
    if column.null_count:
        nulls = column.is_null().to_numpy(zero_copy_only=False)
        present = values[~nulls]
    if not np.isfinite(present).all() or (
        integers and suspects.minus_zero and not present.all()
    ):
        return None
    if nulls is not None:
        values = values.astype(object)
        values[nulls] = None
    return values


def _text_cells(column: Any, pc: Any) -> np.ndarray:  # noqa: ANN401
    """Read a pyarrow text column cell by cell as :func:`_cell` reads text."""
    number = pc.match_substring_regex(column, _ASCII_NUMBER).fill_null(False)
    number_mask = number.to_numpy(zero_copy_only=False)
    if number_mask.all():
        out: np.ndarray = np.asarray(pc.cast(column, "float64").to_numpy())
        return out
    values: np.ndarray = np.asarray(column.to_numpy(zero_copy_only=False), object)
    if number_mask.any():
        numbers = pc.cast(pc.filter(column, number), "float64").to_numpy()
        values[number_mask] = np.array(numbers.tolist(), dtype=object)
    for i in np.flatnonzero(~number_mask).tolist():
        text = values[i]
        values[i] = None if text is None else _cell(text)
    if all(isinstance(v, float) for v in values.tolist()):
        values = values.astype(np.float64)
    return values


def _any_of(values: np.ndarray, chars: bytes) -> np.ndarray:
    """Which of the bytes *values* are one of *chars*."""
    mask: np.ndarray = values == chars[0]
    for char in chars[1:]:
        mask |= values == char
    return mask


def _after(raw: bytes, first: bytes, then: bytes) -> bool:
    """Whether a byte of *first* is followed by one of *then* (*first* is rare)."""
    if not any(bytes([char]) in raw for char in first):  # a fast scan each
        return False
    view = np.frombuffer(raw, dtype=np.uint8)
    at = np.flatnonzero(_any_of(view[:-1], first))
    return bool(_any_of(view[at + 1], then).any())


def _before(raw: bytes, first: bytes, then: bytes) -> bool:
    """Whether a byte of *first* is followed by one of *then* (*then* is rare)."""
    if not any(bytes([char]) in raw for char in then):
        return False
    view = np.frombuffer(raw, dtype=np.uint8)
    at = np.flatnonzero(_any_of(view[1:], then))
    return bool(_any_of(view[at], first).any())


def _padded(raw: bytes) -> bool:
    """Whether a cell may start or end with a space or a tab (pyarrow trims them)."""
    if raw[:1] in (b" ", b"\t") or raw[-1:] in (b" ", b"\t"):
        return True
    edges = b',\n\r"'
    return _after(raw, b" \t", edges) or _before(raw, edges, b" \t")


def _long_line(raw: bytes, limit: int) -> bool:
    """Whether a line of *raw* is longer than *limit* bytes (a cell might be)."""
    start = 0  # the start of a line
    while len(raw) - start > limit:
        # the last line end within reach: every line before it is short enough
        end = raw.rfind(b"\n", start, start + limit + 1)
        if end < 0:
            return True
        start = end + 1
    return False


def _read_csv_stdlib(
    source: object, where: str, errors: Errors, id_column: str | None
) -> _Table:
    """Read a CSV table with the csv module (see :func:`_read_csv`)."""
    stream = _text_stream(source, where)
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError(where, "empty file: expected a header row") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DataError(f"{where}:1", f"malformed CSV: {exc}") from None
    names = [h.strip() for h in header]
    _check_unique(names)
    at = names.index(id_column) if id_column in names else None
    width = len(names)
    blocks: list[list[np.ndarray]] = [[] for _ in names]
    rows: list[list[str]] = []
    bad = _Ragged(where, width)
    count = 0
    try:
        for row in reader:
            if len(row) != width:
                if not any(row):
                    continue  # a blank line
                bad.add(count, reader.line_num, row)
                if at is not None:
                    bad.labels.append(_cell(row[at]) if at < len(row) else None)
                if errors == "raise":
                    raise bad.error(0)
                count += 1
                continue
            rows.append(row)
            count += 1
            if len(rows) == 1 << 15:
                _csv_block(rows, blocks)
                rows = []
    except (csv.Error, UnicodeDecodeError) as exc:
        where_line = f"{where}:{reader.line_num}"
        raise DataError(where_line, f"malformed CSV: {exc}") from None
    _csv_block(rows, blocks)
    columns = {}
    for name, parts in zip(names, blocks, strict=True):
        kinds = {p.dtype.kind for p in parts}
        if kinds == {"f"} or not parts:
            columns[name] = np.concatenate(parts) if parts else np.empty(0)
        else:
            columns[name] = np.concatenate([p.astype(object) for p in parts])
    return _Table(columns, count - len(bad), bad=bad if len(bad) else None)


def _csv_block(rows: list[list[str]], blocks: list[list[np.ndarray]]) -> None:
    if not rows:
        return
    for j, cells in enumerate(zip(*rows, strict=True)):
        try:
            block = np.array(cells, dtype=np.float64)
            if not np.isfinite(block).all() or not all(map(_NUMBER.fullmatch, cells)):
                raise ValueError  # noqa: TRY301 (fall back to reading cell by cell)
        except ValueError:
            read = [_cell(text) for text in cells]
            block = np.array(read, dtype=object)  # scalars: a 1-D array
            if all(isinstance(v, float) for v in read):
                block = block.astype(np.float64)
        blocks[j].append(block)


# -- reading a column ---------------------------------------------------------


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
            distinct, codes = np.unique(values[rows], return_inverse=True)
            found = [self.one(v) for v in distinct.tolist()]
            return self._settle(out.copy(), rows, [found[i] for i in codes.tolist()])
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

    @staticmethod
    def _settle(out: np.ndarray, rows: np.ndarray, found: list[float | int]) -> _Cells:
        bad_rows, bad_ids = [], []
        for row, value in zip(rows.tolist(), found, strict=True):
            if isinstance(value, int):
                out[row] = math.nan
                bad_rows.append(row)
                bad_ids.append(-1 - value)
            else:
                out[row] = value
        return _Cells(
            out, np.array(bad_rows, dtype=np.intp), np.array(bad_ids, dtype=np.intp)
        )


_EMPTY = np.empty(0, dtype=np.intp)
_NAN_KEY = ("nan",)


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
            low, high = ambiguous

            def two_ways(values: np.ndarray) -> np.ndarray:
                # numbers that read two ways 100× apart take the full reading,
                # which warns about them (or refuses them under strict)
                with np.errstate(invalid="ignore"):
                    size = np.abs(values)
                    out: np.ndarray = ~np.isfinite(values) | (
                        (size > low) & (size <= high)
                    )
                return out

            return two_ways
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
                whole = (values >= 0) & (values == np.floor(values)) & (values <= most)
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


# -- scoring ------------------------------------------------------------------


@attrs.frozen
class _Layout:
    """Which table column feeds which part of the plan."""

    actuals: Mapping[int, str]  # input column → table column
    findings: tuple[tuple[int, str], ...]  # (findings column, table column)
    na: tuple[tuple[str, str], ...]  # (node code, table column)
    adjust: tuple[tuple[int, str], ...]  # (scores column, table column)
    ignored: tuple[str, ...]
    formulas: tuple[_FormulaNode, ...] = ()
    """The formula nodes that take inputs, in the order evaluate() computes them."""


def _layout(plan: Plan, table: _Table, id_column: str | None) -> _Layout:
    """Check the columns against the plan, up front."""
    scheme = plan.scheme
    position = {code: i for i, code in enumerate(plan.codes)}
    scored = {plan.codes[int(i)] for i in plan.scored_leaves}
    inputs = {code: j for j, code in enumerate(plan.inputs)}
    actuals: dict[int, str] = {}
    findings, na, adjust, ignored, inputs_given = [], [], [], [], []
    for name in table.columns:
        code = name.partition(":")[2]
        if name.startswith(INPUT):
            inputs_given.append(name)
        elif name.startswith(FINDINGS):
            if code not in plan.deduct_codes:
                what = "an unknown node" if code not in scheme else "scored otherwise"
                msg = f"findings go on 'deduct' nodes; {code!r} is {what}"
                raise DataError(name, msg)
            findings.append((plan.deduct_codes.index(code), name))
        elif name.startswith(NOT_APPLICABLE):
            if code not in scheme:
                raise DataError(name, f"unknown node {code!r}")
            na.append((code, name))
        elif name.startswith(ADJUST):
            if code not in scored:
                msg = f"adjustments apply to scored leaves; {code!r} is not one"
                raise DataError(name, msg)
            adjust.append((position[code], name))
        elif name in inputs:
            actuals[inputs[name]] = name
        elif name in scheme:
            msg = f"node {name} is scored from others; it takes no actual"
            raise DataError(name, msg)
        elif name != id_column:
            ignored.append(name)
    if id_column is not None and id_column not in table.columns:
        raise DataError(id_column, f"no column {id_column!r} to label the rows")
    formulas, unused = _formula_layout(plan, inputs_given, actuals)
    ignored += unused
    covered = {code for code, _ in na}
    missing = [
        code
        for j, code in enumerate(plan.inputs)
        if j not in actuals and not _covered(scheme, code, covered)
    ]
    if missing:
        names = ", ".join(map(repr, missing))
        raise DataError("table", f"missing columns {names} (one per input node)")
    return _Layout(
        actuals, tuple(findings), tuple(na), tuple(adjust), tuple(ignored), formulas
    )


def _covered(scheme: Scheme, code: str, ancestors: set[str]) -> bool:
    """Return whether *code* or one of its ancestors is in *ancestors*."""
    current: str | None = code
    while current is not None:
        if current in ancestors:
            return True
        current = scheme.node(current).parent
    return False


def _below(plan: Plan, code: str) -> np.ndarray:
    """Return the scores columns of *code* and everything below it."""
    return np.array(
        [i for i, c in enumerate(plan.codes) if _covered(plan.scheme, c, {code})],
        dtype=np.intp,
    )


# -- formula inputs -----------------------------------------------------------


@attrs.frozen
class _FormulaNode:
    """A formula node that takes inputs from the table."""

    j: int
    """Its input position in the plan."""
    code: str
    formula: Formula
    factor: float | None
    """The factor of the ratio unit it reads its actual in (``None``: no ratio)."""
    names: tuple[tuple[str | None, str | None], ...]
    """For each name of the formula, its own column and the shared one."""
    own: tuple[str, ...]
    """Every column of the node's own inputs (a name of its formula or not)."""
    actual: str | None
    """The table's column of its actual, if there is one."""


def _formula_layout(
    plan: Plan, columns: Sequence[str], actuals: dict[int, str]
) -> tuple[tuple[_FormulaNode, ...], list[str]]:
    """Match the input columns to the formula nodes, up front.

    A formula node whose actual the inputs may compute reads its actual from a
    column of its own code, made by :func:`_formula_columns`; *actuals* is
    updated to say so.  Returns the formula nodes, in the order
    :func:`~perfkpi.formulas.compute_actuals` computes them, and the shared
    input columns no formula reads.
    """
    if not columns:
        return (), []
    scheme = plan.scheme
    shared: dict[str, str] = {}
    own: dict[str, dict[str, str]] = {}
    for column in columns:
        code, sep, name = column[len(INPUT) :].partition(":")
        if not sep:
            code, name = "", code
        if not "".join(name.split()):
            raise DataError(column, "expected input:<name> or input:<code>:<name>")
        if sep and code not in scheme:
            raise DataError(column, f"inputs for unknown node {code!r}")
        key = _name_form(name)
        known = own.setdefault(code, {}) if sep else shared
        if key in known:
            msg = f"input {key!r} is given twice (also as {known[key]!r})"
            raise DataError(column, msg)
        known[key] = column
    position = {code: j for j, code in enumerate(plan.inputs)}
    out: list[_FormulaNode] = []
    read: set[str] = set()
    for node in scheme.nodes:  # the order compute_actuals computes them in
        code = node.code
        try:
            formula = formula_of(node)
        except FormulaError as exc:
            raise DataError(code, f"formula: {exc}") from None
        mine = own.get(code, {})
        if formula is None:
            if mine:
                column = next(iter(mine.values()))
                raise DataError(column, f"node {code} has no formula to take inputs")
            continue
        read.update(shared[n] for n in formula.names if n in shared)
        if not mine and not any(n in shared for n in formula.names):
            continue
        j = position.get(code)
        if j is None:
            msg = f"node {code} is scored from others; it takes no actual"
            raise DataError(code, msg)
        unit = reading_unit(scheme, code)
        ratio = unit is not None and unit.dimension == "ratio"
        factor = unit.factor if unit is not None and ratio else None
        names = tuple((mine.get(n), shared.get(n)) for n in formula.names)
        given = actuals.get(j)
        actuals[j] = code
        out.append(
            _FormulaNode(j, code, formula, factor, names, tuple(mine.values()), given)
        )
    unused = [column for column in shared.values() if column not in read]
    return tuple(out), unused


@attrs.frozen
class _InputCells:
    """A column of inputs read as numbers, or a column of actuals' presence."""

    raw: np.ndarray
    values: np.ndarray
    given: np.ndarray
    """Which cells are given (not empty)."""
    odd: np.ndarray | None
    """Which given cells are not plain numbers (read one by one, as evaluate())."""


def _input_cells(raw: np.ndarray) -> _InputCells:
    """Read an input column: numbers as floats; empty cells not given."""
    rows = raw.size
    if raw.dtype.kind in "iuf":
        values = raw.astype(np.float64, copy=False)
        return _InputCells(raw, values, np.ones(rows, dtype=bool), None)
    values = np.zeros(rows)
    given = np.ones(rows, dtype=bool)
    odd = np.zeros(rows, dtype=bool)
    for i, value in enumerate(raw.tolist()):
        kind = type(value)
        if kind is float or kind is int:
            try:
                values[i] = value
            except OverflowError:  # an int too large for a float
                odd[i] = True
        elif value is None:
            given[i] = False
        else:
            odd[i] = True
    return _InputCells(raw, values, given, odd if odd.any() else None)


def _formula_columns(
    run: _Run,
) -> tuple[dict[str, np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Compute the formula nodes' actuals for every row, as evaluate() would.

    Returns, by node code, the column of actuals the plan reads (computed
    where the row's inputs compute it, the table's actual elsewhere), and for
    each formula node the rows whose computation fails, their problem ids and
    the scores columns they blank, in the order evaluate() meets them.
    """
    columns: dict[str, np.ndarray] = {}
    failed = []
    cache: dict[str, _InputCells] = {}

    def cells(name: str) -> _InputCells:
        if name not in cache:
            cache[name] = _input_cells(run.table.columns[name])
        return cache[name]

    for node in run.layout.formulas:
        column, rows, ids = _formula_column(run, node, cells)
        columns[node.code] = column
        if rows.size:
            failed.append((rows, ids, run.prepared.above[node.code]))
    return columns, failed


def _formula_column(  # noqa: PLR0915 (one pass over a node's cases)
    run: _Run, node: _FormulaNode, cells: Callable[[str], _InputCells]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return one formula node's column of actuals, its failed rows and their ids.

    A row computes its actual when it gives the node inputs of its own, or
    gives one of the formula's names as a shared input and no actual; as in
    :func:`~perfkpi.formulas.compute_actuals`.  Rows of plain numbers are
    computed at once by :meth:`~perfkpi.formulas.Formula.evaluate_batch`; a row
    that fails there is given the error evaluate() raises for it (one
    computation of a row per distinct reason).  Rows with a cell that is not
    a plain number, and rows that give both an actual and inputs of their
    own, are computed one by one, as evaluate() computes them.
    """
    rows = run.table.rows
    code = node.code
    none = np.zeros(rows, dtype=bool)
    own_any = none.copy()
    for column in node.own:
        own_any |= cells(column).given
    actual = None if node.actual is None else run.table.columns[node.actual]
    if actual is None:
        actual_given = none
    elif actual.dtype.kind in "iuf":
        actual_given = ~none
    else:
        actual_given = np.fromiter((v is not None for v in actual.tolist()), bool, rows)
    values: dict[str, np.ndarray] = {}
    given: list[np.ndarray] = []
    odd = none.copy()
    sources: list[tuple[_InputCells | None, _InputCells | None]] = []
    for name, (mine, shared) in zip(node.formula.names, node.names, strict=True):
        a = None if mine is None else cells(mine)
        b = None if shared is None else cells(shared)
        sources.append((a, b))
        if a is not None and b is not None:
            values[name] = np.where(a.given, a.values, b.values)
            given.append(a.given | b.given)
            for cell, used in ((a, a.given), (b, ~a.given)):
                if cell.odd is not None:
                    odd |= cell.odd & used
        elif a is not None or b is not None:
            only = a if a is not None else b
            assert only is not None  # noqa: S101 (one of them is)
            values[name] = only.values
            given.append(only.given)
            if only.odd is not None:
                odd |= only.odd
        else:
            values[name] = np.zeros(rows)
            given.append(none)
    present = np.logical_or.reduce(given) if given else none
    complete = np.logical_and.reduce(given) if given else ~none
    active = own_any | (present & ~actual_given)
    missing = active & ~complete
    one_by_one = active & complete & (odd | (own_any & actual_given))
    fast = active & complete & ~one_by_one
    errors: list[tuple[np.ndarray, PerfKPIError]] = []
    done_rows: list[np.ndarray] = []
    done_values: list[np.ndarray] = []

    def where(row: int) -> str:
        return f"inputs.{code}" if own_any[row] else code

    def one(row: int) -> float | DataError:
        table: dict[str, object] = {}
        for name, (a, b) in zip(node.formula.names, sources, strict=True):
            for x in (a, b):
                if x is not None and x.given[row]:
                    table[name] = (
                        x.raw[row].item() if x.raw.dtype.kind in "iufb" else x.raw[row]
                    )
                    break
        given_actual: object = _ABSENT
        if actual is not None and actual_given[row]:
            given_actual = (
                actual[row].item() if actual.dtype.kind in "iuf" else actual[row]
            )
        try:
            out = _node_actual(
                run.plan.scheme,
                code,
                node.formula,
                table,
                own=bool(own_any[row]),
                where=where(row),
                actual=given_actual,
            )
        except DataError as exc:
            return exc
        assert out is not None  # noqa: S101 (an active row computes)
        return out

    if missing.any():
        at = np.flatnonzero(missing)
        lacks = np.stack([~mask[at] for mask in given] + [own_any[at]], axis=1)
        kinds, which = np.unique(lacks, axis=0, return_inverse=True)
        for k in range(kinds.shape[0]):
            part = at[which.reshape(-1) == k]
            row = int(part[0])
            lacking = [
                n
                for n, mask in zip(node.formula.names, given, strict=True)
                if not mask[row]
            ]
            names = ", ".join(map(repr, lacking))
            msg = f"missing input {names} for {node.formula.text!r}"
            errors.append((part, DataError(where(row), msg)))
    if fast.any():
        every = bool(fast.all())
        at = np.arange(rows) if every else np.flatnonzero(fast)
        inputs = values if every else {k: v[at] for k, v in values.items()}
        result = node.formula.evaluate_batch(inputs)
        good = result.codes == 0
        computed = result.values
        if not good.all():
            bad = at[~good]
            kinds, which = np.unique(
                result.codes[~good].astype(np.int64) * 2 + own_any[bad],
                return_inverse=True,
            )
            for k in range(kinds.size):
                part = bad[which.reshape(-1) == k]
                error = one(int(part[0]))
                if isinstance(error, DataError):
                    errors.append((part, error))
                else:  # not expected: each row then says for itself
                    for row in part.tolist():
                        out = one(row)
                        if isinstance(out, DataError):
                            errors.append((np.array([row]), out))
                        else:
                            done_rows.append(np.array([row]))
                            done_values.append(np.array([out]))
            at = at[good]
            computed = computed[good]
        if node.factor is not None:
            computed = _scaled_array(computed, node.factor)
        done_rows.append(at)
        done_values.append(computed)
    for row in np.flatnonzero(one_by_one).tolist():
        out = one(row)
        if isinstance(out, DataError):
            errors.append((np.array([row]), out))
        else:
            done_rows.append(np.array([row]))
            done_values.append(np.array([out]))
    failed = np.concatenate([part for part, _ in errors]) if errors else _EMPTY
    ids = (
        np.concatenate(
            [
                np.full(part.size, run.problems.add(None, _NO_VALUE, error))
                for part, error in errors
            ]
        )
        if errors
        else _EMPTY
    )
    order = np.argsort(failed, kind="stable")
    failed, ids = failed[order], ids[order]
    # the plan reads this column as the node's actuals
    everywhere = bool(active.all())
    if (actual is None and not everywhere) or (
        actual is not None and actual.dtype.kind not in "iuf"
    ):
        reading = (
            np.full(rows, None, dtype=object)
            if actual is None
            else actual.astype(object)
        )
        for part, numbers in zip(done_rows, done_values, strict=True):
            reading[part] = numbers.tolist()
    else:
        reading = np.zeros(rows) if actual is None else actual.astype(np.float64)
        if len(done_rows) == 1 and done_rows[0].size == rows:
            reading = done_values[0]
        else:
            for part, numbers in zip(done_rows, done_values, strict=True):
                reading[part] = numbers
    reading[failed] = 0.0  # the row is bad: the reading is never used
    return reading, failed, ids


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
    """Inputs whose column holds numbers that are read as themselves if finite."""
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
            if reader.check is _finite
            and self.full(layout.actuals[j]).dtype.kind in "iuf"
        )
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
) -> BatchResult:
    """Score every row of *table* against *scheme*.

    Parameters
    ----------
    scheme
        The scheme to score against.
    table
        A mapping of column name → values (arrays or lists), a 2-D array (with
        *columns*), the path of a CSV file or an open file of one (binary or
        text), or any DataFrame that narwhals reads (pandas, polars, pyarrow;
        needs the ``dataframe`` extra).  See the module documentation for the
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
        UTF-8 CSV); with ``errors="raise"``, for the first bad row (a CSV row
        of the wrong width as soon as it is read).
    IncompatibleUnitError
        With ``errors="raise"``, when the first bad row has a unit of another
        dimension.
    TypeError
        If *scheme* is not a :class:`~perfkpi.scheme.Scheme`, *columns* not a
        list of names, *id_column* not text, *progress* not callable or
        *strict* not ``True`` or ``False``.
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
    data = _read_table(table, columns, errors, id_column)
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
    ids = None if id_column is None else data.columns[id_column]
    if data.bad is not None:
        array, grades, reason_ids, ids = _with_bad_rows(
            data, data.bad, run.problems, (array, grades, reason_ids), ids
        )
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
    )
    return result, list(ambiguous)


def _check_options(
    scheme: object,
    columns: object,
    errors: object,
    id_column: object,
    progress: object,
    strict: object,
) -> None:
    """Check :func:`evaluate_batch`'s arguments other than the table.

    Raises
    ------
    TypeError
        If one is of the wrong type.
    ValueError
        If *errors* is neither ``"nan"`` nor ``"raise"``.
    """
    _checks.instance(scheme, Scheme, "the scheme")
    if columns is not None and (
        isinstance(columns, str | bytes) or not isinstance(columns, Collection)
    ):
        msg = f"columns must be a list of column names (got {columns!r:.60})"
        raise TypeError(msg)
    if errors not in ("nan", "raise"):
        msg = f"errors must be 'nan' or 'raise', not {errors!r:.60}"
        raise ValueError(msg)
    if id_column is not None:
        _checks.text(id_column, "id_column")
    if progress is not None and not callable(progress):
        msg = f"progress must be callable (got {progress!r:.60})"
        raise TypeError(msg)
    if not isinstance(strict, bool | np.bool_):
        msg = f"strict must be True or False (got {strict!r:.60})"
        raise TypeError(msg)


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
    step = max(64, _BLOCK_CELLS // width)
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
    finite = np.logical_and.reduce(np.isfinite(values), axis=1) if run.plain else None
    for j, code in enumerate(plan.inputs):
        skip = None if skips is None else skips[:, j]
        if finite is not None and j in run.plain and finite[j]:
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
        result = plan.run(values, findings, na, adjust)
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
    return result.met, result.na


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


# -- scale-out ----------------------------------------------------------------


def evaluate_dask(
    scheme: Scheme,
    frame: _LazyFrame,
    *,
    errors: Errors = "nan",
    id_column: str | None = None,
) -> _LazyFrame:
    """Score a Dask DataFrame partition by partition, lazily.

    Each partition (a pandas DataFrame) is scored by :func:`evaluate_batch` and
    turned into the frame of :meth:`BatchResult.to_frame`, keeping the
    partition's index; nothing runs until the result is computed or written.

    Parameters
    ----------
    scheme
        The scheme to score against.
    frame
        A ``dask.dataframe.DataFrame`` with the columns :func:`evaluate_batch`
        reads.
    errors, id_column
        As for :func:`evaluate_batch`; with ``errors="raise"`` the first bad
        row of a partition raises when that partition is computed.

    Returns
    -------
    dask.dataframe.DataFrame
        One row per input row: ``total``, ``grade``, ``reason`` and one column
        per node (see :meth:`BatchResult.to_columns`).

    Raises
    ------
    TypeError
        If *frame* is not a Dask DataFrame, or as :func:`evaluate_batch` for
        the other arguments.
    ValueError
        If *errors* is neither ``"nan"`` nor ``"raise"``.
    DataError
        Up front, as :func:`evaluate_batch` does for the frame's columns (read
        from its empty ``_meta`` frame); with ``errors="raise"``, for the first
        bad row of a partition when that partition is computed.
    IncompatibleUnitError
        With ``errors="raise"``, as :func:`evaluate_batch`, when a partition
        is computed.

    Examples
    --------
    ``evaluate_dask(scheme, dd.read_csv("departments-*.csv")).to_csv("out-*.csv")``
    scores files larger than memory with every core (needs the ``dask`` extra).
    """
    if not (hasattr(frame, "_meta") and hasattr(frame, "map_partitions")):
        msg = f"frame must be a Dask DataFrame (got {frame!r:.60})"
        raise TypeError(msg)
    meta = _partition(frame._meta, scheme, errors, id_column)  # noqa: SLF001
    out: _LazyFrame = frame.map_partitions(
        _partition, scheme, errors, id_column, meta=meta, align_dataframes=False
    )
    return out


def _partition(
    part: Any,  # noqa: ANN401
    scheme: Scheme,
    errors: Errors,
    id_column: str | None,
) -> Any:  # noqa: ANN401
    result = evaluate_batch(scheme, part, errors=errors, id_column=id_column)
    out: Any = result._pandas(importlib.import_module("pandas"))  # noqa: SLF001
    out.index = part.index
    return out
