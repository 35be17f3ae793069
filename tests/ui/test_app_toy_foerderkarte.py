"""The Förderkarte page through AppTest on the SYNTHETIC toy world (no data mirror needed).

Expected numbers are worked out by hand in :mod:`tests.fixtures.toy_world` (its docstring has the
funding table). ``st_folium`` shows up as an unknown component in AppTest; these tests only make
sure that rendering it raises nothing.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT
from tests.fixtures import toy_world as toy
from tests.fixtures.pages import run_page
from tests.fixtures.toy_files import ToyData

TIMEOUT = 30  # seconds; the toy world renders in about a second
COUNTS = ["Kreise", "Städte", "Kommunen", "Projekte"]


def page(**params: str) -> AppTest:
    return run_page("foerderkarte", **params)


#: The counts table's German headers -> the machine columns of ``funding_counts``.
COUNT_HEADERS = {
    "Förderjahr(e)": "period",
    "Kreise": "Kreise",
    "Städte": "Städte",
    "Kommunen": "Kommunen",
    "Anzahl Projekte": "Projekte",
}


def counts_table(at: AppTest) -> pd.DataFrame:
    """The counts per type and year as shown (German headers, no ``period``), with the machine
    column names back for the comparisons."""
    for df in at.dataframe:
        if list(df.value.columns) == list(COUNT_HEADERS):
            return df.value.rename(columns=COUNT_HEADERS)
    raise AssertionError("counts table with German headers not found")


def funded_table(at: AppTest) -> pd.DataFrame:
    """The table of funded units (the frame with ``ags`` and ``n_projects`` columns)."""
    for df in at.dataframe:
        if {"ags", "n_projects"} <= set(df.value.columns):
            return df.value
    raise AssertionError("funded-units table not found")


def row_counts(table: pd.DataFrame, period: str) -> dict[str, int]:
    row = table[table["period"] == period].iloc[0]
    return {k: int(row[k]) for k in COUNTS}


def test_default_view_counts_every_year_of_the_toy_list(toy_data_dir: ToyData) -> None:
    at = page()
    control = at.button_group(key="fk_years")
    # 2009 is in the toy list: the later year and the whole programme become options
    assert control.options == ["2005", "2006", "2007", "2005–2007", "2009", "2005–2012"]
    assert control.value == "2005–2007"
    table = counts_table(at)
    assert list(table["period"]) == ["2005", "2006", "2007", "2005–2007"]
    for period in ("2005", "2006", "2007", "2005–2007"):
        assert row_counts(table, period) == toy.FUNDING_COUNTS[period], period
    assert any(type(el).__name__ == "UnknownElement" for el in at.main)  # the map
    assert not at.error


def test_funded_units_2005_2007(toy_data_dir: ToyData) -> None:
    table = funded_table(page()).set_index("ags")
    assert set(table.index) == toy.FUNDED_2005_2007
    # Südkreis: one project over three years, 120 000 EUR; Alphastadt: 2005 and 2006
    assert table.loc["05902", "years"] == "2005, 2006, 2007"
    assert table.loc["05902", "amount_eur"] == pytest.approx(120_000)
    assert table.loc["05111000", "years"] == "2005, 2006"
    assert table.loc["05901", "name"] == "Nordkreis"


@pytest.mark.parametrize("period", ["2005", "2007", "2009"])
def test_year_switch_and_url(toy_data_dir: ToyData, period: str) -> None:
    at = page()
    at.button_group(key="fk_years").set_value(period).run()
    assert not at.exception
    assert list(counts_table(at)["period"]) == [period]
    assert row_counts(counts_table(at), period) == toy.FUNDING_COUNTS[period]
    assert at.query_params.get("jahre") == period

    shared = page(jahre=period)  # the same view from a shared link
    assert shared.button_group(key="fk_years").value == period
    assert row_counts(counts_table(shared), period) == toy.FUNDING_COUNTS[period]


def test_year_2009_shows_only_gammastadt(toy_data_dir: ToyData) -> None:
    table = funded_table(page(jahre="2009"))
    assert list(table["ags"]) == ["05901008"]


def test_completeness_compares_with_the_toy_totals(toy_data_dir: ToyData) -> None:
    published, loaded = toy.PUBLISHED_KOMMUNEN_2005_2008
    at = page()
    [expander] = [e for e in at.expander if "Vollständigkeit" in e.label]
    texts = [m.value for m in expander.markdown]
    # "Kommunen 2005–2008 (Stand 2008-10-08): 4 von 8 ..." and the Städte/Kreise rows
    kommunen = [t for t in texts if "Kommunen 2005–2008" in t]
    assert len(kommunen) == 1, texts
    assert re.search(rf"\b{loaded}\b.*\b{published}\b", kommunen[0]), kommunen
    staedte = next(t for t in texts if t.startswith("Städte 2005–2008"))
    kreise = next(t for t in texts if t.startswith("Kreise 2005–2008"))
    assert re.search(r"\b2\b.*\b5\b", staedte) and re.search(r"\b2\b.*\b3\b", kreise)


@pytest.mark.parametrize(
    ("lang", "heading", "rows"),
    [
        (
            "en",
            "Completeness",
            ["Municipalities 2005–2008 (as of Oct 8, 2008)", "Cities", "Districts"],
        ),
        ("ar", "اكتمال", ["البلديات 2005–2008 (بتاريخ", "المدن", "الدوائر"]),
    ],
)
def test_completeness_rows_are_labelled_in_the_page_language(
    toy_data_dir: ToyData, lang: str, heading: str, rows: list[str]
) -> None:
    at = page(lang=lang)
    [expander] = [e for e in at.expander if heading in e.label]
    # the rows below the list's note, markdown escapes removed
    texts = [re.sub(r"\\(.)", r"\1", m.value) for m in expander.markdown][1:]
    assert len(texts) == 3, texts
    for text, start in zip(texts, rows, strict=True):
        assert text.startswith(start), texts
    for german in ("Kommunen", "Städte", "Kreise", "Stand", "2008-10-08"):
        assert not any(german in text for text in texts), (german, texts)


def test_whole_app_opens_on_the_foerderkarte(toy_data_dir: ToyData) -> None:
    at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert row_counts(counts_table(at), "2005–2007") == toy.FUNDING_COUNTS["2005–2007"]
