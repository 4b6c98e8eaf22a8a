"""The command line's target review: files in, report out."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from perfkpi.errors import DataError
from perfkpi.files import read_document
from perfkpi.targetreview._review import review_targets


def _table(path: str | None, key: str) -> Mapping[str, Any] | None:
    if path is None:
        return None
    doc = read_document(path)
    table = doc.get(key)
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise DataError(f"{path}: {key}", "expected a table by indicator name")
    return table


def run(
    scheme: str,
    data: str | None = None,
    *,
    history: str | None = None,
    duties: str | None = None,
    taxonomy: str | None = None,
    format: str = "text",  # noqa: A002 (the command's option)
    lang: str = "zh",
) -> tuple[str, int]:
    """Run ``perfkpi review-targets``: the output and the exit status.

    The status is 0 when nothing is flagged and 1 when something is.

    Parameters
    ----------
    scheme, data
        The scheme file and, optionally, a data file with the items.
    history
        A TOML or JSON file with a ``[history]`` table (indicator name =
        past actuals, oldest first) and optionally a ``[standards]`` table
        (indicator name = spending standard).
    duties
        A TOML or JSON file with a ``[duties]`` table (duty = names of the
        indicators that serve it).
    taxonomy
        The taxonomy whose classes are required.
    format, lang
        ``text`` or ``json``; ``zh`` or ``en``.

    Raises
    ------
    DataError, SchemeError, SchemeValidationError
        As :func:`review_targets`, and if a file cannot be read or *format*
        is not one of its values.
    IncompatibleUnitError
        If a history figure or standard is in a unit of another dimension.
    TypeError
        If a file argument is not a path.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``.
    """
    paths: tuple[tuple[str, object], ...] = (
        ("scheme", scheme),
        ("data", data),
        ("history", history),
    )
    for what, value in paths:
        if value is not None and not isinstance(value, str | Path):
            msg = f"{what} must be a file's path (got {value!r:.60})"
            raise TypeError(msg)
    names: tuple[tuple[str, object], ...] = (("duties", duties), ("taxonomy", taxonomy))
    for what, value in names:
        if value is not None and not isinstance(value, str | Path):
            msg = f"{what} must be a file's path or a name (got {value!r:.60})"
            raise TypeError(msg)
    if format not in ("text", "json"):
        raise DataError("--format", f"expected text or json, got {format!r:.40}")
    if history is not None and not (
        _table(history, "history") or _table(history, "standards")
    ):
        raise DataError(history, "expected a [history] or [standards] table")
    if duties is not None and _table(duties, "duties") is None:
        raise DataError(duties, "expected a [duties] table")
    try:
        review = review_targets(
            scheme,
            data,
            history=_table(history, "history"),
            standards=_table(history, "standards"),
            duties=_table(duties, "duties"),
            taxonomy=taxonomy,
        )
    except KeyError as exc:
        raise DataError("--taxonomy", str(exc.args[0])) from None
    if format == "json":
        import json  # noqa: PLC0415 (only for this output)

        text = json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = review.report(lang)
    return text, 0 if review.ok else 1
