"""复核: review a folder of submitted self-evaluations, and write the review.

Twelve departments submitted the self-evaluation of the same training project
(examples/review/submissions, written by examples/review/make_submissions.py).
The bureau recomputes every one by its scheme and lists what disagrees, the
largest discrepancy first: the same as

    cd examples/review && perfkpi review scheme.toml submissions -o review.xlsx
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import perfkpi

HERE = Path(__file__).parent / "review"


def main(out: Path | None = None) -> perfkpi.Review:
    """Review the submissions; write review.xlsx and review.html into *out*."""
    scheme = perfkpi.load_scheme(HERE / "scheme.toml")
    result = perfkpi.review(scheme, [HERE / "submissions"])
    print(result.summary(details=False), end="")
    folder = out or Path(tempfile.mkdtemp())
    result.to_excel(folder / "review.xlsx")
    result.to_html(folder / "review.html")
    print(f"wrote {folder / 'review.xlsx'} and {folder / 'review.html'}")
    return result


if __name__ == "__main__":
    main()
