"""Scoring a Dask DataFrame partition by partition (:func:`evaluate_dask`)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any, Protocol

from perfkpi.batch._options import Errors
from perfkpi.batch._run import evaluate_batch
from perfkpi.scheme import Scheme


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
