"""Figures: the seed's waterfall and node scores, PNG and SVG, with or without CJK."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

import matplotlib as mpl

mpl.use("Agg")

import perfkpi
from perfkpi import plot
from perfkpi.cli import main


@pytest.fixture(scope="module")
def seed() -> perfkpi.Evaluation:
    return perfkpi.evaluate(
        perfkpi.catalog.scheme("gz-dept-overall"),
        perfkpi.catalog.data("gz-internet-court-2022"),
    )


@contextlib.contextmanager
def _chinese_labels() -> Iterator[None]:
    """Expect the font warning only on a machine without a CJK font."""
    if plot.cjk_font() is None:
        with pytest.warns(plot.FontWarning, match="fonts-noto-cjk"):
            yield
    else:
        yield


def _widths(fig: object) -> list[float]:
    ax = fig.axes[0]  # type: ignore[attr-defined]
    return [round(float(bar.get_width()), 2) for bar in ax.patches]


# full marks, each deduction of the ledger in order, the total
SEED_WATERFALL = [100.0, 1, 1, 1, 1, 0.02, 0.05, 1, 1, 1.3, 2, 1, 1, 88.63]


def test_seed_waterfall_bars(seed: perfkpi.Evaluation) -> None:
    with _chinese_labels():
        fig = plot.waterfall(seed)
    assert _widths(fig) == SEED_WATERFALL
    # each step starts where the one before ended: 100 − 1 = 99 for the first
    lefts = [round(float(bar.get_x()), 2) for bar in fig.axes[0].patches]  # type: ignore[attr-defined]
    assert lefts[:3] == [0, 99, 98]
    # 100 − 11.37 = 88.63: the last deduction ends at the total
    assert lefts[-2] == 88.63


def test_seed_node_scores_bars(seed: perfkpi.Evaluation) -> None:
    with _chinese_labels():
        fig = plot.node_scores(seed)
    # full points of 1, 1.1, 1.2, 2, then their scores
    assert _widths(fig) == [50, 40, 10, 50, 45.98, 36, 9.98, 42.65]


@pytest.mark.parametrize("suffix", ["png", "svg"])
@pytest.mark.parametrize("draw", [plot.waterfall, plot.node_scores])
def test_figures_are_written(
    seed: perfkpi.Evaluation, tmp_path: Path, suffix: str, draw: object
) -> None:
    with _chinese_labels():
        fig = draw(seed, lang="zh")  # type: ignore[operator]
        path = plot.save(fig, tmp_path / f"figure.{suffix}")
    data = path.read_bytes()
    if suffix == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        assert b"<svg" in data[:1000]
        assert b"<text" not in data  # text is drawn as paths: no font needed


def test_save_figures(seed: perfkpi.Evaluation, tmp_path: Path) -> None:
    with _chinese_labels():
        paths = plot.save_figures(seed, tmp_path)
    assert sorted(p.name for p in paths) == [
        "node-scores-zh.png",
        "node-scores-zh.svg",
        "waterfall-zh.png",
        "waterfall-zh.svg",
    ]


def test_svg_is_reproducible(seed: perfkpi.Evaluation, tmp_path: Path) -> None:
    with _chinese_labels():
        one = plot.save(plot.node_scores(seed), tmp_path / "a.svg").read_bytes()
        two = plot.save(plot.node_scores(seed), tmp_path / "b.svg").read_bytes()
    assert one == two


def test_without_a_cjk_font_labels_fall_back(
    seed: perfkpi.Evaluation, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with pytest.warns(plot.FontWarning, match="apt-get install fonts-noto-cjk"):
        fig = plot.waterfall(seed)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[:2] == ["Full marks", "Item 1.1.5 not met"]
    assert labels[5:7] == ["1.2 below full", "2.1 shortfall"]
    assert labels[-1] == "Score"
    # and it draws without a missing-glyph warning (warnings are errors here)
    plot.save(fig, tmp_path / "fallback.png")


def test_english_labels_with_chinese_names_warn_only_without_font(
    seed: perfkpi.Evaluation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plot, "cjk_font", lambda: None)
    with pytest.warns(plot.FontWarning):
        fig = plot.node_scores(seed, lang="en")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [label.strip() for label in labels] == ["1", "1.1", "1.2", "2"]


def test_explicit_font(seed: perfkpi.Evaluation) -> None:
    font = plot.cjk_font()
    if font is None:
        pytest.skip("no CJK font on this machine")
    fig = plot.waterfall(seed, font=font)
    assert fig.axes[0].get_yticklabels()[1].get_text() == "实际执行到位率居全市法院第…"


def test_bad_suffix(seed: perfkpi.Evaluation, tmp_path: Path) -> None:
    with _chinese_labels():
        fig = plot.waterfall(seed)
    with pytest.raises(ValueError, match=r"\.png or \.svg, not '\.pdf'"):
        plot.save(fig, tmp_path / "x.pdf")


def test_missing_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(plot.PlotDependencyError, match=r"perfkpi\[plot\]"):
        plot._matplotlib()  # noqa: SLF001


def test_importing_plot_does_not_import_matplotlib() -> None:
    code = "import sys, perfkpi.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    ).stdout
    assert out.strip() == "False"


def test_cli_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    data = str(perfkpi.catalog.data_path("gz-internet-court-2022"))
    out = tmp_path / "w.svg"
    with _chinese_labels():
        code = main(["plot", scheme, data, "-o", str(out), "--kind", "scores"])
    assert code == 0
    assert out.read_bytes().startswith(b"<?xml")
    assert capsys.readouterr().out.strip() == str(out)


def test_cli_plot_bad_suffix_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scheme = str(perfkpi.catalog.scheme_path("gz-dept-overall"))
    data = str(perfkpi.catalog.data_path("gz-internet-court-2022"))
    with _chinese_labels():
        code = main(["plot", scheme, data, "-o", str(tmp_path / "w.gif")])
    assert code == 2
    assert "w.gif" in capsys.readouterr().err


def test_arguments_of_the_wrong_type_or_value(
    seed: perfkpi.Evaluation, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match=r"lang must be 'zh' or 'en' \(got 'fr'\)"):
        plot.waterfall(seed, lang="fr")
    with pytest.raises(TypeError, match=r"the font must be text \(got 3\)"):
        plot.node_scores(seed, font=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"no installed font is named 'No Such'"):
        plot.waterfall(seed, font="No Such")
    with pytest.raises(TypeError, match=r"the evaluation must be an Evaluation"):
        plot.waterfall(seed.scheme)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"the figure must be a Figure"):
        plot.save([], tmp_path / "x.png")  # type: ignore[arg-type]
    # a language is part of the file names: nothing else reaches the path
    with pytest.raises(ValueError, match=r"lang must be 'zh' or 'en'"):
        plot.save_figures(seed, tmp_path, lang="../x")
    with pytest.raises(ValueError, match=r"written as 'png' or 'svg', not 'pdf'"):
        plot.save_figures(seed, tmp_path, formats=["pdf"])
    with pytest.raises(TypeError, match=r"formats must be a list of text"):
        plot.save_figures(seed, tmp_path, formats=None)  # type: ignore[arg-type]
    assert not list(tmp_path.iterdir())  # refused before anything was written
