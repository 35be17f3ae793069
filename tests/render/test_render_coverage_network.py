"""Maps, legend, sheet and texts of a travel-time result (network mode) on the SYNTHETIC
two-Gemeinde scenario with hand-made walking minutes (:mod:`tests.analysis.test_coverage_network`):
they say minutes, name the mode, its speed and the OSM extract's date, and credit OpenStreetMap."""

from __future__ import annotations

import geopandas as gpd
import pytest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.render.coverage_classes import measure_classes
from mapapp.render.coverage_map import map_attribution
from mapapp.render.coverage_sheet import map_sheet
from mapapp.text.coverage import headline_sentence, method_text, sources
from tests.analysis.test_coverage_network import manhattan, travel
from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    grid = demand_grid_nrw(make_inputs(), 1000)
    params = CoverageParams(categories=(ABH,), mode="walk", threshold_min=20)
    return run_coverage(grid, make_offers(), params, travel=travel(grid, manhattan))


def test_legend_in_minutes_up_to_the_search(result) -> None:  # type: ignore[no-untyped-def]
    classes = measure_classes(result, "grid")
    assert classes.title == "Reisezeit zu Fuß zum nächsten Angebot"
    assert classes.upper == (10, 20, 40, 80, float("inf"))
    assert classes.labels == (
        "bis 10 Min.", "10–20 Min.", "20–40 Min.", "40–80 Min.", "über 80 Min.",
    )  # fmt: skip
    # d at 2000 m = 26.7 min falls in 20–40
    assert classes.index([2000 / 75])[0] == 2
    en = measure_classes(result, "kreis", "en")
    assert en.title.startswith("Mean travel time on foot")


def test_texts_name_mode_speed_extract_and_credit_osm(result) -> None:  # type: ignore[no-untyped-def]
    sentence = headline_sentence(result.headline)
    assert "brauchen mehr als 20 Min. zu Fuß zum nächsten Angebot" in sentence
    text = method_text(result)
    assert "Reisezeit zum nächsten Angebot (Minuten, Straßennetz)" in text
    assert "Reisezeit zu Fuß auf dem Straßennetz aus OpenStreetMap (Auszug toy.osm" in text
    assert "Stand 02.06.2024" in text and "4,5 km/h" in text and "bis 120 Minuten" in text
    assert "Luftlinie vom" not in text  # the straight-line paragraph is replaced
    assert any("OpenStreetMap-Mitwirkende, ODbL" in line for line in sources(result))
    assert "OpenStreetMap-Mitwirkende, ODbL" in map_attribution(result)
    assert "20 min on foot" in headline_sentence(result.headline, "en")


def test_sheet_says_minutes_and_the_network(result) -> None:  # type: ignore[no-untyped-def]
    gem = make_inputs().gemeinden[["ags", "geometry"]]
    kreise = gem.assign(ags=gem["ags"].str[:5])
    land = gpd.GeoDataFrame({"ags": ["05"]}, geometry=[gem.union_all()], crs=gem.crs)
    svg = map_sheet(result, "kreis", kreise=kreise, land=land, fmt="svg").decode("utf-8")
    for text in (
        "Schwelle: 20 Min. zu Fuß",
        "Wege: Reisezeit zu Fuß, OpenStreetMap-Straßennetz (toy.osm, Stand",  # wrapped line
        "02.06.2024); 4,5 km/h auf allen Wegen, die zu Fuß offen sind",
        "OpenStreetMap-Mitwirkende, ODbL 1.0",
    ):
        assert text in svg, text
