"""Collecting the submissions of a folder and scoring each, in processes."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from perfkpi.errors import DataError, PerfKPIError, SchemeError, SchemeValidationError
from perfkpi.evaluation import evaluate
from perfkpi.reviews._compare import _against_scheme, _review_stated
from perfkpi.reviews._records import Discrepancy, ReviewEntry
from perfkpi.reviews._review import Review
from perfkpi.scheme import Scheme
from perfkpi.targetreview import TargetReview, review_targets

# REVIEWED_SUFFIXES is public and documented in perfkpi.reviews
REVIEWED_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".toml", ".json")
_WORKBOOKS = (".xlsx", ".xls", ".xlsm")

Progress = Callable[[int, int], None]
"""A progress callback: ``(done, total)`` after each file."""


# -- reviewing -------------------------------------------------------------------


def review(
    scheme: Scheme | None,
    inputs: Iterable[str | os.PathLike[str]],
    *,
    strict: bool = False,
    progress: Progress | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
    jobs: int = 1,
) -> Review:
    """Recompute every submitted file and list where it disagrees with the rules.

    Parameters
    ----------
    scheme
        The bureau's scheme: every submission is recomputed by it, and a
        workbook row whose 指标名称, 分值 or 指标值 is not the scheme's is a
        discrepancy.  Node codes must match (a workbook
        :func:`perfkpi.excel.write_excel` wrote carries them; a sheet without
        an 编号 column is numbered by its rows, ``1``, ``2.1.1``).  ``None``
        recomputes each workbook by the scheme it states itself; a
        stated-figures file then cannot be reviewed (it names no rules).
    inputs
        Files and folders.  A folder's files with a suffix in
        :data:`REVIEWED_SUFFIXES` are reviewed, in name order (not its
        sub-folders); its other files are listed in :attr:`Review.skipped`.
    strict
        A value that reads two ways (``0.965`` against ``≥95%``) makes its
        file an error row instead of a warning.
    progress
        Called as ``progress(done, total)`` after each file.
    exclude
        Files never read even when a folder holds them: the review's own
        outputs, when they are written into the folder reviewed.
    jobs
        How many processes review files at once (each file is reviewed
        alone, so the result is the same); ``1`` reviews them in this
        process.  Two jobs on two cores review about 1.8 times as many
        files a second (``benchmarks/review.py``).

    Returns
    -------
    Review
        One entry per file, unreadable files and the largest discrepancies
        first.

    Raises
    ------
    DataError
        When an input does not exist, no file to review is found, or
        *jobs* is not a whole number of at least 1.
    TypeError
        When *scheme* is neither a Scheme nor ``None``, or an input is not a
        path.

    Notes
    -----
    A file that cannot be read or scored is an entry with its
    :attr:`~ReviewEntry.error`; the review goes on.  Workbooks are compared
    figure by figure (:func:`perfkpi.excel.differences`: a number agrees
    within half a unit of the scheme's last rounding place).  Stated-figures
    files are checked for their arithmetic only
    (:func:`perfkpi.check.check_report`): their recomputed total is the sum
    of their own first-level scores, and their recomputed grade the grade of
    their stated total.
    """
    if scheme is not None and not isinstance(scheme, Scheme):
        msg = f"scheme must be a Scheme or None, not {type(scheme).__name__}"  # type: ignore[unreachable]
        raise TypeError(msg)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise DataError("jobs", f"a whole number of at least 1, not {jobs!r}")
    files, skipped = _files(inputs, exclude)
    entries = []
    if jobs == 1 or len(files) < _FEW:
        results: Iterable[ReviewEntry] = (
            _review_file(path, scheme, strict=strict) for path in files
        )
        for done, entry in enumerate(results, start=1):
            entries.append(entry)
            if progress is not None:
                progress(done, len(files))
    else:
        entries = _in_processes(
            files, scheme, strict=strict, jobs=jobs, progress=progress
        )
    return Review(scheme, entries, [str(p) for p in skipped])


_FEW = 8  # fewer files than this are reviewed in this process: starting costs more

_JOB: dict[str, Any] = {}


def _start_job(scheme: Scheme | None, strict: bool) -> None:
    _JOB.update(scheme=scheme, strict=strict)


def _job(path: Path) -> ReviewEntry:
    return _review_file(path, _JOB["scheme"], strict=_JOB["strict"])


def _in_processes(
    files: Sequence[Path],
    scheme: Scheme | None,
    *,
    strict: bool,
    jobs: int,
    progress: Progress | None,
) -> list[ReviewEntry]:
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    entries = []
    chunk = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_job, initargs=(scheme, strict)
    ) as pool:
        for done, entry in enumerate(pool.map(_job, files, chunksize=chunk), start=1):
            entries.append(entry)
            if progress is not None:
                progress(done, len(files))
    return entries


def _files(
    inputs: Iterable[str | os.PathLike[str]],
    exclude: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[Path]]:
    if isinstance(inputs, str | os.PathLike):
        inputs = [inputs]
    excluded = {_key(Path(p)) for p in exclude}
    files: list[Path] = []
    skipped: list[Path] = []
    given = [Path(p) for p in inputs]
    for path in given:
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.name.startswith((".", "~$")) or not child.is_file():
                    continue
                if _key(child) in excluded:
                    continue
                if child.suffix.lower() in REVIEWED_SUFFIXES:
                    files.append(child)
                else:
                    skipped.append(child)
        elif path.exists():
            files.append(path)
        else:
            raise DataError(str(path), "no such file or folder")
    if not files:
        where = ", ".join(str(p) for p in given) or "no inputs"
        kinds = ", ".join(REVIEWED_SUFFIXES)
        raise DataError(where, f"no file to review (looked for {kinds})")
    return files, skipped


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:  # pragma: no cover (a path that cannot be resolved)
        return str(path.absolute())


def _review_file(path: Path, scheme: Scheme | None, *, strict: bool) -> ReviewEntry:
    """Review one file; every failure becomes the entry's error."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if path.suffix.lower() in (".toml", ".json"):
                entry = _review_stated(path, scheme)
            else:
                entry = _review_workbook(path, scheme, strict=strict)
        except (PerfKPIError, OSError, ValueError, KeyError) as exc:
            entry = ReviewEntry(str(path), path.stem, error=_error_text(exc, path))
        except Exception as exc:  # noqa: BLE001 (one bad file never stops a review)
            text = f"unexpected error: {type(exc).__name__}: {exc}"
            entry = ReviewEntry(str(path), path.stem, error=text)
    seen: list[str] = []
    for w in caught:
        # the row names the file: a warning need not repeat it
        text = str(w.message).removeprefix(f"{path}: ")
        if text not in seen:
            seen.append(text)
    return attrs.evolve(entry, warnings=seen) if seen else entry


def _error_text(exc: BaseException, path: Path) -> str:
    """Return an error's message without the file name the row already shows."""
    if isinstance(exc, SchemeValidationError):
        parts = []
        for e in exc.exceptions:
            if not isinstance(e, SchemeError):
                parts.append(str(e))
                continue
            where = e.where.removeprefix(str(path)).lstrip(": ")
            parts.append(f"{e.problem} @ {where}" if where else e.problem)
        return "; ".join(parts)
    if isinstance(exc, OSError):
        return f"cannot read file: {exc.strerror or exc}"
    return str(exc)


def _review_workbook(path: Path, scheme: Scheme | None, *, strict: bool) -> ReviewEntry:
    from perfkpi.excel import differences, read_excel  # noqa: PLC0415 (an extra)

    sheet = read_excel(path)
    department = sheet.data.entity or path.stem
    found: list[Discrepancy] = []
    if scheme is not None:
        found += _against_scheme(sheet, scheme, department, str(path))
    try:
        ev = evaluate(scheme or sheet.scheme, sheet.data, strict=strict)
    except PerfKPIError as exc:
        if scheme is None or not found:
            raise
        # the rows that differ from the scheme are why: keep them with the error
        error = f"cannot be recomputed by the scheme {scheme.id!r}: {exc}"
        return ReviewEntry(
            str(path),
            department,
            sheet.total,
            None,
            "",
            "",
            found,
            error=error,
            targets=_declared_targets(sheet),  # its own indicators are declared too
        )
    found += [
        Discrepancy(
            department,
            str(path),
            d.cell,
            d.node,
            f"{d.name} {d.column}",
            d.stated,
            d.recomputed,
            f"{d.rule}: {d.why}" if d.why else d.rule,
        )
        for d in differences(sheet, ev)
    ]
    grade = next(
        (
            f.value
            for f in sheet.stated
            if (f.node, f.column) == ("total", "等级") and isinstance(f.value, str)
        ),
        "",
    )
    return ReviewEntry(
        str(path),
        department,
        sheet.total,
        ev.total,
        grade,
        ev.grade,
        found,
        evaluation=ev,
        reasons=dict(sheet.reasons),
        targets=_declared_targets(sheet),
    )


def _declared_targets(sheet: Any) -> TargetReview | None:  # noqa: ANN401 (a SelfEvaluation)
    """Review the targets a workbook declares; a failure is a warning."""
    try:
        return review_targets(sheet.scheme, sheet.data)
    except (PerfKPIError, KeyError, ValueError) as exc:
        warnings.warn(f"targets not reviewed: {exc}", UserWarning, stacklevel=2)
        return None
