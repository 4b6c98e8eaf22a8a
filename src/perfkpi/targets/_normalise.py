"""Normalising text before it is read, and the failure signal of reading."""

from __future__ import annotations

import functools
import itertools
import unicodedata

from perfkpi.errors import (
    IncompatibleUnitError,
    TargetSyntaxError,
    UnknownUnitError,
)

# -- normalisation ----------------------------------------------------------------

_TRANSLATE = str.maketrans(
    {
        "−": "-",
        "‐": "-",
        "‑": "-",
        "‒": "~",
        "–": "~",
        "—": "~",
        "―": "~",
        "〜": "~",
    }
)
_DIGITS = frozenset("0123456789")

MAX_LENGTH = 2000
# documented as perfkpi.targets.MAX_LENGTH, where it is public

_MAX_SPLITS = 8
"""The most places a range (``90%~110%``) or a bracket (``[95%,105%]``) is tried
split at.  Each try reads both ends, so an unbounded number of tries would make
reading quadratic; no real range has more candidate separators than a date
range such as ``2022-01-01-2022-12-31`` (five)."""

_MAX_PAIRS = 16
"""The most places two conditions (``60分以上70分以下``) are tried split at."""

_LOOKALIKE = frozenset(
    "0123456789!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "≥≤≧≦⩾⩽±∞‰‱×÷·−‐‑‒–—―〜"
    "零〇一二两三四五六七八九十百千万亿"
)
"""What a compatibility character must not turn into: a digit, a sign, an
operator, a bracket, a separator or a Chinese numeral."""


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str | None:
    """Return the form in which *char* is read, or ``None`` for a look-alike.

    Full-width forms (U+FF01 to U+FF5E) are their ASCII characters and the
    ideographic space is a space; Kangxi radicals and CJK compatibility
    ideographs (PDF copies are full of them) are the ideographs they look
    like.  Any other character that NFKC would turn into a digit, a sign, an
    operator, a bracket or a Chinese numeral (① ² ₃ ½ ⑴ ⒈ ㊀ ﹪) is a
    look-alike: read as NFKC reads it, ``①95%`` would silently be 195 %, so
    it is refused.  Other compatibility characters (㎡, ℃, a non-breaking
    space) take their NFKC form.
    """
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:  # noqa: PLR2004 (the full-width ASCII block)
        return chr(code - 0xFEE0)
    if code == 0x3000:  # noqa: PLR2004 (ideographic space)
        return " "
    norm = unicodedata.normalize("NFKC", char)
    if (
        norm == char
        or 0x2E80 <= code <= 0x2FDF  # noqa: PLR2004 (CJK and Kangxi radicals)
        or unicodedata.normalize("NFC", char) == norm
    ):
        return norm
    if norm[0] in _LOOKALIKE:
        return None
    return norm


def _lookalike(char: str) -> str:
    """Say what was expected instead of the look-alike *char*."""
    name = unicodedata.name(char, "a compatibility character")
    norm = unicodedata.normalize("NFKC", char)
    return (
        f"plain digits, signs and symbols (0-9, full-width ０-９, %, ≥), not "
        f"{char!r} (U+{ord(char):04X} {name}, a look-alike of {norm!r})"
    )


def _normalise_piece(text: str) -> str:
    if text.isascii():
        return text
    out: list[str] = []
    for i, char in enumerate(text):
        if char < "\x80" or ord(char) in _TRANSLATE:
            out.append(char)
            continue
        folded = _fold_char(char)
        if folded is None:
            raise TargetSyntaxError(text, i, _lookalike(char))
        out.append(folded)
    return "".join(out).translate(_TRANSLATE)


def _normalise(text: str) -> str:
    """Fold full-width forms and dashes, drop whitespace; refuse look-alikes.

    A space inside a number is an error, and so is a text longer than
    :data:`MAX_LENGTH` (quoted by its first 40 characters only).
    """
    if len(text) > MAX_LENGTH:
        expected = f"at most {MAX_LENGTH} characters (got {len(text):,})"
        raise TargetSyntaxError(text[:40] + "…", MAX_LENGTH, expected)
    norm = _normalise_piece(text)
    parts = norm.split()
    if len(parts) == 1 and parts[0] is norm:
        return norm
    joined = "".join(parts)
    offset = 0
    for left, right in itertools.pairwise(parts):
        offset += len(left)
        if left[-1] in _DIGITS and right[0] in _DIGITS:
            pos = _original_position(text, offset)
            raise TargetSyntaxError(text, pos, "a number without spaces inside")
    return joined


def _original_position(text: str, pos: int) -> int:
    """Map a position in the normalised text back to *text*."""
    n = 0
    for i, ch in enumerate(text):
        piece = "".join(_normalise_piece(ch).split())
        if n + len(piece) > pos:
            return i
        n += len(piece)
    return len(text)


# -- parse failures ---------------------------------------------------------------


class _Fail(Exception):  # noqa: N818 (internal signal, never escapes)
    """Reading failed at a position of the normalised text."""

    def __init__(
        self,
        pos: int,
        expected: str,
        *,
        unit: str | None = None,
        suggestions: tuple[str, ...] = (),
        error: IncompatibleUnitError | None = None,
    ) -> None:
        super().__init__(pos, expected)
        self.pos = pos
        self.expected = expected
        self.unit = unit
        self.suggestions = suggestions
        self.error = error

    @property
    def priority(self) -> int:
        return 1 << 30 if self.error is not None else self.pos


def _public_error(
    text: str, fail: _Fail
) -> TargetSyntaxError | UnknownUnitError | IncompatibleUnitError:
    pos = _original_position(text, max(fail.pos, 0))
    if fail.error is not None:
        err = fail.error
        return IncompatibleUnitError(err.given, err.expected, text, pos)
    if fail.unit is not None:
        return UnknownUnitError(fail.unit, fail.suggestions, text, pos)
    return TargetSyntaxError(text, pos, fail.expected)
