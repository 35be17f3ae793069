"""Formula-injection-safe CSV and the shared vocabulary."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from mapapp.io.tabular import neutralize_cell, to_safe_csv
from mapapp.model import DataError, YearSelection, normalize_ags


@pytest.mark.parametrize("cell", ["=1+1", "+49 211", "-2+3", "@SUM(A1)", "\t=x", "＝1"])
def test_formula_like_text_is_prefixed(cell: str) -> None:
    assert neutralize_cell(cell) == "'" + cell


def test_numbers_and_plain_text_stay() -> None:
    assert neutralize_cell(-5) == -5
    assert neutralize_cell("Kreis Unna") == "Kreis Unna"


def test_safe_csv_round_trip() -> None:
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x","y")', "Unna"], "n": [1, -2]})
    text = to_safe_csv(frame)
    back = pd.read_csv(io.StringIO(text))
    assert back["name"].tolist() == ['\'=HYPERLINK("http://x","y")', "Unna"]
    assert back["n"].tolist() == [1, -2]


def test_normalize_ags() -> None:
    assert normalize_ags(5111000) == "05111000"
    assert normalize_ags("5111000.0", 8) == "05111000"
    assert normalize_ags("5958", 5) == "05958"
    with pytest.raises(ValueError):
        normalize_ags("05x11")
    with pytest.raises(ValueError):
        normalize_ags("051110001")


def test_year_selection() -> None:
    assert YearSelection.parse("2005-2007").years == (2005, 2006, 2007)
    assert YearSelection.parse("2007, 2005").label == "2005, 2007"
    assert YearSelection.parse("2005–2007").label == "2005–2007"
    with pytest.raises(ValueError):
        YearSelection.parse("2007-2005")
    with pytest.raises(ValueError):
        YearSelection.parse("abc")


def test_data_error_names_file_row_field() -> None:
    err = DataError("kaputt", file="liste.csv", row=7, field="ags")
    assert str(err) == "liste.csv, Zeile 7, Feld 'ags': kaputt"
