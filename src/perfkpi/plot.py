"""Figures of an evaluation: the deduction waterfall and each node's score.

People read a score card faster as a picture.  :func:`waterfall` walks from
full marks through every deduction to the total; :func:`node_scores` sets each
node's score against its full points.  Both return a
:class:`matplotlib.figure.Figure`, drawn without ``matplotlib.pyplot`` (no
window, no global state), that :func:`save` writes to PNG or SVG.

matplotlib comes with the ``plot`` extra (``pip install 'perfkpi[plot]'``) and
is imported only when a figure is drawn.  Chinese labels need a font with CJK
glyphs: perfkpi looks for one among the fonts matplotlib knows (Noto Sans CJK,
Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang, …).  Without
one it warns, says how to install one, and labels the figure with node codes
and English words instead of drawing empty boxes.

Examples
--------
A small scheme with English names, so that no font question arises:

>>> from perfkpi import Deduct, Node, Proportional, Scheme, evaluate
>>> from perfkpi import plot
>>> scheme = Scheme.from_nodes("demo", "Demo", [
...     Node("1", "Output", points=60, target="≥100%", rule=Proportional()),
...     Node("2", "Management", points=40, rule=Deduct()),
... ])
>>> ev = evaluate(scheme, {"actuals": {"1": 95}, "findings": [
...     {"node": "2", "points": 1.5, "reason": "late filing"}]})
>>> ev.total
95.5
>>> fig = plot.waterfall(ev, lang="en")
>>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
['Full marks', 'Output', 'late filing', 'Score']
>>> [float(bar.get_width()) for bar in fig.axes[0].patches]
[100.0, 3.0, 1.5, 95.5]
"""

from __future__ import annotations

import functools
import math
import pathlib
import unicodedata
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from perfkpi import _checks
from perfkpi.errors import PerfKPIError, PerfKPIWarning
from perfkpi.evaluation import Evaluation
from perfkpi.targets import format_number

if TYPE_CHECKING:  # pragma: no cover (annotations only; matplotlib is optional)
    import matplotlib.axes
    import matplotlib.figure

__all__ = [
    "CJK_FONTS",
    "FontWarning",
    "PlotDependencyError",
    "cjk_font",
    "node_scores",
    "save",
    "save_figures",
    "waterfall",
]

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "SimSun",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Droid Sans Fallback",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
"""Font families with Chinese glyphs, in the order perfkpi prefers them."""

INSTALL_HINT = (
    "install a font with Chinese glyphs, e.g. `apt-get install fonts-noto-cjk` "
    "(Debian, Ubuntu), `dnf install google-noto-sans-cjk-fonts` (Fedora), "
    "`brew install --cask font-noto-sans-cjk-sc` (macOS); Windows has "
    "Microsoft YaHei.  Then delete matplotlib's font cache "
    "(matplotlib.get_cachedir()) so that it finds the new font"
)


class PlotDependencyError(ImportError, PerfKPIError):
    """matplotlib is not installed: figures need the ``plot`` extra."""


class FontWarning(PerfKPIWarning):
    """No font with Chinese glyphs: labels fall back to codes and English."""


def _matplotlib() -> Any:  # noqa: ANN401 (the module, imported on demand)
    try:
        import matplotlib as mpl  # noqa: PLC0415
        import matplotlib.figure  # noqa: PLC0415 (loads mpl.figure)
    except ImportError:
        msg = (
            "figures need matplotlib: install the plot extra with "
            "pip install 'perfkpi[plot]'"
        )
        raise PlotDependencyError(msg) from None
    return mpl


@functools.cache
def cjk_font() -> str | None:
    """Return the family name of an installed font with Chinese glyphs, or None.

    The families in :data:`CJK_FONTS` are tried first, then any font
    matplotlib knows whose name says CJK, Han, Hei, Song or Kai.
    """
    mpl = _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    del mpl
    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FONTS:
        if family in names:
            return family
    hints = ("CJK", "Han Sans", "Han Serif", "Hei", "Song", "Kai", "Ming", "YaHei")
    for name in sorted(names):
        if any(h in name for h in hints):
            return name
    return None


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


_GENERIC_FAMILIES = ("serif", "sans-serif", "monospace", "cursive", "fantasy")


def _check_lang(lang: str) -> None:
    given: object = lang  # callers without mypy may pass anything
    if not isinstance(given, str) or given not in ("zh", "en"):
        msg = f"lang must be 'zh' or 'en' (got {given!r:.60})"
        raise ValueError(msg)


def _check_font(font: str | None) -> None:
    if font is None:
        return
    _checks.text(font, "the font")
    _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    names = {f.name for f in font_manager.fontManager.ttflist}
    if font not in names and font not in _GENERIC_FAMILIES:
        found = cjk_font()
        hint = f"; {found!r} has Chinese glyphs" if found else f"; {INSTALL_HINT}"
        msg = f"no installed font is named {font!r}{hint}"
        raise ValueError(msg)


class _Labels:
    """The words of a figure in its language, and the fallback without a font."""

    def __init__(self, lang: str, font: str | None) -> None:
        _check_lang(lang)
        _check_font(font)
        self.lang = "zh" if lang == "zh" else "en"
        self.font = font if font is not None else cjk_font()
        self.cjk = self.font is not None
        self.warned = False
        if not self.cjk and self.lang == "zh":
            self.warn()
            self.lang = "en"
        self.family = [self.font, "DejaVu Sans"] if self.font else ["DejaVu Sans"]

    def warn(self) -> None:
        if not self.warned:
            warnings.warn(
                "no font with Chinese glyphs found; labels fall back to node codes "
                f"and English. To draw Chinese labels, {INSTALL_HINT}.",
                FontWarning,
                stacklevel=4,
            )
            self.warned = True

    def word(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def text(self, text: str, fallback: str) -> str:
        """Return *text*, or *fallback* when it needs glyphs no font has."""
        if _has_cjk(text) and not self.cjk:
            self.warn()
            return fallback
        return text.replace("$", r"\$")


def _short(text: str, width: int = 26) -> str:
    """Cut *text* to about *width* columns (CJK characters count two)."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            return out + "…"
        out, used = out + ch, used + w
    return out


def _n(value: float) -> str:
    return format_number(round(value, 10))


def _new_figure(height: float) -> matplotlib.figure.Figure:
    mpl = _matplotlib()
    figure: matplotlib.figure.Figure = mpl.figure.Figure(
        figsize=(9.0, height), layout="constrained"
    )
    return figure


def _deduction_label(d: Any, labels: _Labels) -> str:  # noqa: ANN401
    if d.kind == "finding":
        text = f"{d.category}：{d.reason}" if d.category else d.reason
        fallback = f"Finding on {d.node}"
    elif d.kind == "adjustment":
        text = f"{d.name}（调整）"
        fallback = f"Adjustment of {d.node}"
    else:
        text = d.name or d.reason
        what = {"unmet": "not met", "shortfall": "shortfall"}.get(d.kind, "below full")
        source = d.source or d.node
        fallback = f"Item {source} {what}" if d.kind == "unmet" else f"{source} {what}"
    return labels.text(_short(text), fallback)


def _title(
    ax: matplotlib.axes.Axes, ev: Evaluation, labels: _Labels, what: str
) -> None:
    who = " ".join(x for x in (ev.data.entity, ev.data.period) if x)
    name = labels.text(ev.scheme.name, ev.scheme.id)
    who = labels.text(who, "")
    head = f"{who} {what}" if who else what
    ax.set_title(f"{head}\n{name}", fontfamily=labels.family, fontsize=11, loc="left")


def waterfall(
    ev: Evaluation,
    *,
    lang: str = "zh",
    font: str | None = None,
) -> matplotlib.figure.Figure:
    """Draw the deduction waterfall: full marks, each deduction, the total.

    Parameters
    ----------
    ev
        The evaluation.
    lang
        ``"zh"`` or ``"en"`` for the words perfkpi writes; names and reasons
        are shown as given.
    font
        A font family to use for Chinese labels; by default :func:`cjk_font`.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per step, top to bottom.  The x axis starts just
        below the total, not at zero, so that small deductions stay visible;
        its label says where it starts.

    Raises
    ------
    PlotDependencyError
        If matplotlib is not installed.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation`, or *font*
        neither text nor ``None``.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``, or no installed font is named
        *font*.

    Warns
    -----
    FontWarning
        If *lang* is ``"zh"`` and no font with Chinese glyphs is installed.
    """
    _checks.instance(ev, Evaluation, "the evaluation")
    labels = _Labels(lang, font)
    full = ev.scheme.points
    steps = [d for d in ev.deductions if d.points]
    names = [labels.word("满分", "Full marks")]
    names += [_deduction_label(d, labels) for d in steps]
    names.append(labels.word("得分", "Score"))
    fig = _new_figure(1.6 + 0.36 * len(names))
    ax = fig.add_subplot()
    running = full
    lefts, widths, colours, texts = [0.0], [full], ["#8c959f"], [_n(full)]
    for d in steps:
        after = running - d.points
        lefts.append(min(running, after))
        widths.append(abs(d.points))
        colours.append("#c0392b" if d.points > 0 else "#2f8f5b")
        texts.append(("−" if d.points > 0 else "+") + _n(abs(d.points)))
        running = after
    lefts.append(0.0)
    widths.append(ev.total)
    colours.append("#3b6fb6")
    texts.append(f"{ev.total:.{ev.scheme.rounding.places}f}")
    y = list(range(len(names)))
    ax.barh(y, widths, left=lefts, color=colours, height=0.62)
    low = min([ev.total, *(left for left in lefts[1:-1])])
    start = max(0.0, 5.0 * math.floor((low - 0.15 * (full - low) - 0.5) / 5.0))
    span = full - start
    ax.set_xlim(start, full + 0.12 * span)
    for i in range(1, len(y) - 1):  # connectors between steps
        level = lefts[i] if texts[i].startswith("−") else lefts[i] + widths[i]
        ax.plot([level, level], [i - 0.31, i + 0.69], color="#57606a", linewidth=0.6)
    for yi, left, width, text in zip(y, lefts, widths, texts, strict=True):
        ax.text(
            left + width + 0.01 * span,
            yi,
            text,
            va="center",
            fontsize=8.5,
            fontfamily=labels.family,
        )
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", labelfontfamily=labels.family, labelsize=9)
    ax.tick_params(axis="x", labelfontfamily=labels.family, labelsize=8.5)
    ax.invert_yaxis()
    ax.set_xlabel(
        labels.word(
            f"分（横轴自{_n(start)}分起）", f"points (axis starts at {_n(start)})"
        ),
        fontfamily=labels.family,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _title(ax, ev, labels, labels.word("扣分瀑布图", "deduction waterfall"))
    return fig


_GRADE_COLOURS = ("#2f8f5b", "#3b6fb6", "#d68910", "#c0392b")


def _legend(
    ax: matplotlib.axes.Axes,
    colours: Sequence[str],
    grades: Sequence[str],
    labels: _Labels,
) -> None:
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles = []
    for colour in sorted(set(colours), key=_GRADE_COLOURS.index):
        index = _GRADE_COLOURS.index(colour)
        last = len(_GRADE_COLOURS) - 1
        names = [g for i, g in enumerate(grades) if min(i, last) == index]
        text = "、".join(names) if labels.lang == "zh" else ", ".join(names)
        handles.append(
            Patch(color=colour, label=labels.text(text, f"band {index + 1}"))
        )
    font = {"family": labels.family, "size": 8}
    ax.legend(
        handles=handles,
        title=labels.word("得分率对应的等级", "grade of the share"),
        loc="lower left",
        bbox_to_anchor=(1.0, 0.0),
        prop=font,
        title_fontproperties=font,
        frameon=False,
    )


def node_scores(
    ev: Evaluation,
    *,
    lang: str = "zh",
    font: str | None = None,
) -> matplotlib.figure.Figure:
    """Draw each scored node's score against its full points.

    Parameters
    ----------
    ev
        The evaluation.
    lang
        ``"zh"`` or ``"en"``.
    font
        A font family to use for Chinese labels; by default :func:`cjk_font`.

    Returns
    -------
    matplotlib.figure.Figure
        One row per node, depth first: a pale bar for the full points and,
        over it, the score, coloured by the grade its share of full points
        would earn on the scheme's scale.

    Raises
    ------
    PlotDependencyError
        If matplotlib is not installed.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation`, or *font*
        neither text nor ``None``.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``, or no installed font is named
        *font*.

    Warns
    -----
    FontWarning
        If *lang* is ``"zh"`` and no font with Chinese glyphs is installed.
    """
    _checks.instance(ev, Evaluation, "the evaluation")
    labels = _Labels(lang, font)
    scheme = ev.scheme
    rows = [
        n
        for n in scheme.ordered()
        if not n.is_item and n.points and n.code in ev.scores
    ]
    fig = _new_figure(1.6 + 0.42 * max(len(rows), 1))
    ax = fig.add_subplot()
    places = scheme.rounding.places
    grades = list(scheme.grades.labels)
    y = list(range(len(rows)))
    names = []
    for node in rows:
        indent = "  " * (scheme.depth(node.code) - 1)
        names.append(indent + labels.text(f"{node.code} {node.name}", node.code))
    full = [float(n.points or 0.0) for n in rows]
    score = [ev.scores[n.code] for n in rows]
    colours = []
    for points, value in zip(full, score, strict=True):
        grade = scheme.grades.grade(scheme.points * value / points)
        index = grades.index(grade) if grade in grades else len(grades) - 1
        colours.append(_GRADE_COLOURS[min(index, len(_GRADE_COLOURS) - 1)])
    ax.barh(y, full, color="#e6ecf5", height=0.62, edgecolor="#b6c2d2")
    ax.barh(y, score, color=colours, height=0.42)
    top = max(full, default=1.0)
    for yi, points, value in zip(y, full, score, strict=True):
        ax.text(
            points + 0.01 * top,
            yi,
            f"{value:.{places}f} / {_n(points)}",
            va="center",
            fontsize=8.5,
            fontfamily=labels.family,
        )
    ax.set_xlim(0, top * 1.22)
    _legend(ax, colours, grades, labels)
    ax.set_yticks(y, names)
    ax.tick_params(axis="y", labelfontfamily=labels.family, labelsize=9)
    ax.tick_params(axis="x", labelfontfamily=labels.family, labelsize=8.5)
    ax.invert_yaxis()
    ax.set_xlabel(labels.word("分", "points"), fontfamily=labels.family)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    total = f"{ev.total:.{places}f}"
    what = labels.word(
        f"各项得分（总分{total}，{labels.text(ev.grade, '')}）",
        f"scores (total {total})",
    )
    _title(ax, ev, labels, what)
    return fig


def save(figure: matplotlib.figure.Figure, path: str | pathlib.Path) -> pathlib.Path:
    """Write *figure* to *path*; the suffix (``.png`` or ``.svg``) sets the format.

    PNG is written at 200 dpi; SVG keeps text as paths, so it shows the same
    everywhere without the font.  The output is reproducible (no date, fixed
    ids).

    Raises
    ------
    OSError
        If the file cannot be written (a missing folder, a name too long).
    PlotDependencyError
        If matplotlib is not installed.
    TypeError
        If *figure* is not a matplotlib figure or *path* is not a path.
    ValueError
        For another suffix.
    """
    mpl = _matplotlib()
    _checks.instance(figure, mpl.figure.Figure, "the figure")
    given: object = path
    if not isinstance(given, str | pathlib.PurePath):
        msg = f"the path must be text or a path (got {given!r:.60})"
        raise TypeError(msg)
    path = pathlib.Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in ("png", "svg"):
        msg = f"figures are written as .png or .svg, not {path.suffix!r}"
        raise ValueError(msg)
    metadata: dict[str, Any] = {"Date": None} if suffix == "svg" else {}
    with mpl.rc_context({"svg.hashsalt": "perfkpi", "svg.fonttype": "path"}):
        figure.savefig(path, format=suffix, dpi=200, metadata=metadata)
    return path


def save_figures(
    ev: Evaluation,
    folder: str | pathlib.Path,
    *,
    lang: str = "zh",
    formats: Sequence[str] = ("png", "svg"),
    font: str | None = None,
) -> list[pathlib.Path]:
    """Draw both figures of *ev* and save each in every format into *folder*.

    The files are named ``waterfall-<lang>.<format>`` and
    ``node-scores-<lang>.<format>``.

    Raises
    ------
    OSError
        If *folder* cannot be made (a file has its name) or a file cannot be
        written.
    PlotDependencyError
        If matplotlib is not installed.
    TypeError
        If *ev* is not an :class:`~perfkpi.evaluation.Evaluation`, *folder* not
        a path, *formats* not a list of text, or *font* neither text nor
        ``None``.
    ValueError
        If *lang* is not ``"zh"`` or ``"en"``, a format is not ``"png"`` or
        ``"svg"``, or no installed font is named *font*.

    Warns
    -----
    FontWarning
        If *lang* is ``"zh"`` and no font with Chinese glyphs is installed.
    """
    _checks.instance(ev, Evaluation, "the evaluation")
    _check_lang(lang)
    given: object = folder
    if not isinstance(given, str | pathlib.PurePath):
        msg = f"the folder must be text or a path (got {given!r:.60})"
        raise TypeError(msg)
    for fmt in _checks.texts(formats, "formats"):
        if fmt not in ("png", "svg"):
            msg = f"figures are written as 'png' or 'svg', not {fmt!r}"
            raise ValueError(msg)
    _check_font(font)
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out: list[pathlib.Path] = []
    for name, draw in (("waterfall", waterfall), ("node-scores", node_scores)):
        fig = draw(ev, lang=lang, font=font)
        out += [save(fig, folder / f"{name}-{lang}.{fmt}") for fmt in formats]
    return out
