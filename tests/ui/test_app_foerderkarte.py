"""The Förderkarte page through ``streamlit.testing.v1.AppTest`` (real data from the mirror).

Expected numbers come from the committed documented list read with plain ``csv`` code
(``tests/documented_list.py``), independently of the app's own functions. ``st_folium`` shows up
as an unknown component in AppTest; these tests only make sure that rendering it raises nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT
from tests.fixtures.documented_list import (
    TOTALS,
    documented_rows,
    expected_counts,
    read_csv,
    row_years,
)

APP = str(REPO_ROOT / "streamlit_app.py")
TIMEOUT = 120  # seconds; the first run builds the simplified boundary cache

pytestmark = pytest.mark.data


def counts_table(at: AppTest):  # type: ignore[no-untyped-def]
    """The "Anzahl nach Typ und Jahr" frame (German headers as shown; ``period`` and
    ``Projekte`` renamed back for the comparisons)."""
    for df in at.dataframe:
        frame = df.value
        if "Förderjahr(e)" in frame.columns and "Kommunen" in frame.columns:
            return frame.rename(columns={"Förderjahr(e)": "period", "Anzahl Projekte": "Projekte"})
    raise AssertionError("counts table not found")


def years_control(at: AppTest):  # type: ignore[no-untyped-def]
    return at.button_group(key="fk_years")


def fresh_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_reference_parser_sanity() -> None:
    assert row_years("2005;2006") == {2005, 2006}
    assert row_years("2005-2007") == {2005, 2006, 2007}
    assert row_years("") == set()


def test_page_renders_title_controls_and_map(real_data_dir: Path) -> None:
    at = fresh_app()
    assert [t.value for t in at.title] == ["Geförderte Kommunen"]
    control = years_control(at)
    assert control.options[:4] == ["2005", "2006", "2007", "2005–2007"]
    assert control.value == "2005–2007"
    # st_folium is an unknown component in AppTest: it is there and nothing raised.
    assert any(type(el).__name__ == "UnknownElement" for el in at.main)
    assert not at.error


def test_year_switch_changes_counts(real_data_dir: Path) -> None:
    e2005, e2007 = expected_counts(2005), expected_counts(2007)
    assert e2005 != e2007, "the documented list should differ between 2005 and 2007"

    at = fresh_app()
    years_control(at).set_value("2005").run()
    assert not at.exception
    t2005 = counts_table(at)
    assert list(t2005["period"]) == ["2005"]
    assert t2005.iloc[0][["Kreise", "Städte", "Kommunen", "Projekte"]].to_dict() == e2005
    assert at.query_params.get("jahre") == "2005"

    years_control(at).set_value("2007").run()
    assert not at.exception
    t2007 = counts_table(at)
    assert list(t2007["period"]) == ["2007"]
    assert t2007.iloc[0][["Kreise", "Städte", "Kommunen", "Projekte"]].to_dict() == e2007
    assert not t2007.equals(t2005)


def test_default_view_has_one_row_per_year_and_total(real_data_dir: Path) -> None:
    at = fresh_app()
    table = counts_table(at)
    assert list(table["period"]) == ["2005", "2006", "2007", "2005–2007"]
    for year in (2005, 2006, 2007):
        row = table[table["period"] == str(year)].iloc[0]
        assert row[["Kreise", "Städte", "Kommunen", "Projekte"]].to_dict() == expected_counts(year)
    combined = {
        r["ags"].strip()
        for r in documented_rows()
        if row_years(r["funding_years"]) & {2005, 2006, 2007}
    }
    assert int(table.iloc[-1]["Kommunen"]) == len(combined)


def test_year_from_url(real_data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["jahre"] = "2006"
    at.run()
    assert not at.exception
    assert years_control(at).value == "2006"
    assert list(counts_table(at)["period"]) == ["2006"]


def test_completeness_mentions_published_total(real_data_dir: Path) -> None:
    published = {r["kommunen"] for r in read_csv(TOTALS) if r["cumulative"] == "yes"}
    assert "86" in published
    at = fresh_app()
    [expander] = [e for e in at.expander if e.label == "Vollständigkeit der geladenen Liste"]
    texts = [m.value for m in expander.markdown]
    assert any("dokumentierte" in t for t in texts)
    assert any(re.search(r"\bvon 86 veröffentlichten\b", t) for t in texts), texts


def test_details_panel_without_click(real_data_dir: Path) -> None:
    at = fresh_app()
    assert "Details" in [s.value for s in at.header]
    assert any(i.value == "Keine Fläche ausgewählt." for i in at.info)


def test_empty_data_dir_shows_fetch_instruction(empty_data_dir: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Geförderte Kommunen"]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "mapapp fetch-data" in errors[0], errors
    # The page stopped before the controls and the map.
    assert len(at.button_group) == 0
    assert not any(type(el).__name__ == "UnknownElement" for el in at.main)
