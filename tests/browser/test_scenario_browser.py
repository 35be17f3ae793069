"""A scenario round trip on the real Versorgungslücken page (real data, offline): upload a CSV with
one new Ausländerbehörde where the most people live beyond 10 km, see the headlines before and
after differ and the difference table list that Gemeinde as gaining access; remove the new
office again and before equals after. The new office is test data (SYNTHETIC), placed at the
centre of the grid cell with the most people beyond the threshold in the top-ranked Gemeinde
(computed here with the page's own pipeline on the same data directory)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mapapp.analysis.coverage.params import CoverageParams
from mapapp.config import Settings
from mapapp.projection import to_web
from mapapp.services import coverage
from tests.browser.conftest import AppPage
from tests.browser.harness import MAP_IFRAME

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

PAGE = "/versorgungsluecken"
SECTION = "Szenario: Angebote hinzufügen, verschieben, entfernen"


def new_office(data_dir: Path, target: Path) -> tuple[Path, str]:
    """A CSV with one new Ausländerbehörde in the Gemeinde with the most foreign residents beyond
    10 km (the page's defaults), and that Gemeinde's name."""
    result = coverage.compute(Settings(data_dir=data_dir), CoverageParams())
    top = result.gemeinden.sort_values(["demand_beyond", "ags"], ascending=[False, True]).iloc[0]
    assert top["demand_beyond"] > 0
    cells = result.cells[(result.cells["ags"] == top["ags"]) & result.cells["beyond"]]
    cell = cells.sort_values(["demand", "cell_id"], ascending=[False, True]).iloc[0]
    lon, lat = to_web([cell["x"]], [cell["y"]])
    path = target / "neue_abh.csv"
    path.write_text(
        "name,category,lat,lon\n"
        f"Neue Ausländerbehörde (SYNTHETIC),Ausländerbehörde,{lat[0]:.6f},{lon[0]:.6f}\n",
        encoding="utf-8",
    )
    return path, str(top["name"])


def scenario_metrics(app: AppPage) -> list[str]:
    """Before (share, people, measure) and after (the same): the metrics after the page's four."""
    values = app.page.locator("[data-testid='stMetricValue']").all_inner_texts()
    return values[4:10]


def gain_table_cells(app: AppPage) -> list[str]:
    """Cell texts of the scenario's Gemeinde table (the first table below its heading; the grid
    fills its accessible cells once it is on screen)."""
    heading = app.page.get_by_text("Wer gewinnt, wer verliert")
    table = heading.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    table.scroll_into_view_if_needed()
    cells = table.locator("[role='gridcell']")
    expect(cells.first).to_be_attached()
    return cells.all_inner_texts()


def test_scenario_round_trip(
    open_app: Callable[..., AppPage], real_data_cache: Path, tmp_path: Path
) -> None:
    app = open_app(PAGE)
    page = app.page
    heading = page.get_by_text(SECTION)
    heading.wait_for()
    expect(page.get_by_text("Noch keine Änderung")).to_be_visible()
    csv, gemeinde = new_office(real_data_cache, tmp_path)

    heading.scroll_into_view_if_needed()
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(csv))
    expect(page.get_by_text("neue_abh.csv")).to_be_visible()
    page.get_by_role("button", name="Angebote aus der Datei hinzufügen").click()
    expect(page.get_by_text("Wer gewinnt, wer verliert")).to_be_visible()
    expect(page.get_by_text("Aus neue_abh.csv übernommen: 1")).to_be_visible()
    expect(page.locator("[data-testid='stMetricValue']")).to_have_count(10)
    before, after = scenario_metrics(app)[:3], scenario_metrics(app)[3:]
    assert before[1] != after[1] and before[0] != after[0]  # people and share beyond 10 km
    expect(page.get_by_text(f"Am meisten gewinnen: {gemeinde}")).to_be_visible()
    cells = gain_table_cells(app)
    assert cells[0] == gemeinde and int(cells[2].replace(".", "")) > 0  # name, AGS, gain
    assert page.get_by_text("Unterschied nachher – vorher").is_visible()
    expect(page.locator(MAP_IFRAME)).to_have_count(2)

    remove = page.locator("[data-testid='stMultiSelect']").filter(has_text="Angebote entfernen")
    remove.scroll_into_view_if_needed()
    remove.locator("input").click()
    page.keyboard.type("(S1)")
    page.get_by_role("option", name="Neue Ausländerbehörde (SYNTHETIC) (S1)").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("ändert an keiner Gemeinde").first).to_be_visible()  # both tabs
    metrics = scenario_metrics(app)
    assert metrics[:3] == metrics[3:] == before
    assert not page.locator("[data-testid='stException']").count()
