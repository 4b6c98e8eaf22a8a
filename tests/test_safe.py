"""Tests for perfkpi._safe: user text never becomes a spreadsheet formula."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfkpi._safe import csv_text, is_formula_like, set_text_cell

# Each dangerous start, as spreadsheet programs read them (OWASP, "CSV Injection").
DANGEROUS = ["=1+1", "+1", "-1+A1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")']
HARMLESS = ["预算执行率", "1-2", "a=b", " =1", "", "网上立案率≥99%"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_dangerous_text_is_prefixed(text: str) -> None:
    assert is_formula_like(text)
    assert csv_text(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_unchanged(text: str) -> None:
    assert not is_formula_like(text)
    assert csv_text(text) == text


def test_excel_cell_keeps_text_as_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    set_text_cell(ws["A1"], "=1+1")
    set_text_cell(ws["A2"], -5)
    path = tmp_path / "out.xlsx"
    wb.save(path)
    back = openpyxl.load_workbook(path).active
    assert back is not None
    assert back["A1"].value == "=1+1"
    assert back["A1"].data_type == "s"
    assert back["A2"].value == -5
    assert back["A2"].data_type == "n"
