"""The options of one batch: what a bad row does, how progress is reported."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Literal

import numpy as np

from perfkpi import _checks
from perfkpi.scheme import Scheme

Errors = Literal["nan", "raise"]


Progress = Callable[[int, int], object]


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
