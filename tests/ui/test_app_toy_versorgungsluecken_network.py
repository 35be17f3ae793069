"""The Versorgungslücken page with travel times on a street network, through AppTest on the
SYNTHETIC toy world plus the SYNTHETIC street lattice of :func:`tests.fixtures.osm_world.
toy_world_streets_xml` (residential streets every 500 m; walking 4.5 km/h = 75 m per minute).

On the lattice a walk is the Manhattan distance (cell centres and offices are lattice nodes), so
the expected figures come from a naive loop: a cell is beyond ``T`` minutes when
``min over offices (|dx| + |dy|) / 75 > T``. The cell at (8.5, 18.5) km in Alphastadt is 4.95 km
from its office (5, 15) as the crow flies but 7 km = 93.3 minutes on foot: beyond 90 minutes,
within the straight-line equivalent of 90 minutes (6.75 km).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.config import get_settings
from mapapp.services import coverage as coverage_service
from mapapp.services.network import build_network, network_folder
from tests.fixtures import toy_world as toy
from tests.fixtures.osm_world import write_toy_world_streets
from tests.fixtures.pages import run_page
from tests.fixtures.toy_files import ToyData
from tests.ui.test_app_toy_versorgungsluecken import ABH, metrics, num, ranking

M_PER_MIN = 75.0
MINUTES = 90
CELL = (8.5, 18.5)


@pytest.fixture
def walk_network(toy_data_dir: ToyData) -> ToyData:
    """The walking network of the lattice built into the toy data directory."""
    settings = get_settings()
    osm = write_toy_world_streets(settings.osm_dir)
    build_network(osm, "walk", network_folder(settings, "walk"))
    return toy_data_dir


def naive(*, minutes: float | None = None, km: float | None = None) -> dict[str, float]:
    """Foreign people beyond the threshold per Gemeinde: walking minutes on the lattice, or the
    straight line in km (offices: the four Ausländerbehörden, Kreis ones at their seats)."""
    offices = [o.at_km for o in toy.OFFERS if o.category == ABH]
    beyond: dict[str, float] = {}
    for ags, x, y, _, foreign in toy.cells_km():
        if minutes is not None:
            far = min(abs(x - a) + abs(y - b) for a, b in offices) * 1000 / M_PER_MIN > minutes
        else:
            far = min(math.hypot(x - a, y - b) for a, b in offices) > (km or 0)
        if far:
            beyond[ags] = beyond.get(ags, 0.0) + foreign
    return beyond


def walk_page() -> AppTest:
    at = run_page("versorgungsluecken")
    at.radio(key="gap_mode").set_value("walk").run()
    at.slider(key=f"gap_min_{'walk'}").set_value(MINUTES).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_walking_minutes_in_the_headline_and_ranking(walk_network: ToyData) -> None:
    want = naive(minutes=MINUTES)
    line = naive(km=MINUTES * M_PER_MIN / 1000)  # the same reach as the crow flies: 6.75 km
    assert sum(want.values()) > sum(line.values())
    at = walk_page()
    assert at.radio(key="gap_mode").options == ["Luftlinie", "zu Fuß"]  # only the built mode
    share, people, _, _ = metrics(at)
    assert num(people) == round(sum(want.values()))
    labels = [m.label.replace("\\", "") for m in at.metric]  # markdown escapes
    assert "Anteil über 90 Min. zu Fuß" in labels
    texts = " ".join(m.value for m in [*at.markdown, *at.warning]).replace("\\", "")
    assert "mehr als 90 Min. zu Fuß zum nächsten Angebot" in texts
    table = ranking(at).set_index("ags")
    for ags, demand in want.items():
        assert table.loc[ags, "demand_beyond"] == pytest.approx(demand)
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "nicht innerhalb von 90 Min. zu Fuß" in captions  # the ranking names the mode
    assert at.caption[0].value.startswith("Wo leben")  # the intro names the mode, not "Luftlinie"
    assert "Reisezeiten zu Fuß auf dem Straßennetz aus OpenStreetMap" in at.caption[0].value
    assert "Luftlinie" not in at.caption[0].value
    assert at.selectbox(key="gap_method").format_func("nearest") == (
        "Reisezeit zum nächsten Angebot (Minuten, Straßennetz)"
    )
    # the method panel: mode, speed, the extract and its date
    assert "Reisezeit zu Fuß auf dem Straßennetz aus OpenStreetMap" in texts
    assert "toy-world.osm" in texts and "4,5 km/h" in texts and "01.05.2024" in texts
    assert not at.error


def test_a_cell_within_the_straight_line_is_beyond_on_foot(walk_network: ToyData) -> None:
    """The page's compute path (services.coverage.travel_times -> run_coverage) on one cell."""
    settings = get_settings()
    grid = coverage_service.build_grid(settings, 1000.0, population_grid=False)
    offers = coverage_service.load_offers(settings)
    params = CoverageParams(categories=(ABH,), mode="walk", threshold_min=MINUTES)
    travel = coverage_service.travel_times(settings, grid, offers, params)
    net = run_coverage(grid, offers, params, travel=travel)
    line = run_coverage(
        grid, offers, CoverageParams(categories=(ABH,), threshold_m=MINUTES * M_PER_MIN)
    )
    x, y = toy.metric(*CELL)

    def at_cell(result):  # type: ignore[no-untyped-def]
        cells = result.cells
        return cells[np.isclose(cells["x"], x) & np.isclose(cells["y"], y)].iloc[0]

    # lattice nodes go through WGS84 with 7 decimals: a few centimetres off
    assert at_cell(net)["nearest_min"] == pytest.approx(7000 / M_PER_MIN, abs=0.01)
    assert at_cell(net)["beyond"] and not at_cell(line)["beyond"]
    assert at_cell(line)["nearest_m"] == pytest.approx(math.hypot(3500, 3500), abs=1)


def test_without_a_network_only_the_straight_line_and_a_hint(toy_data_dir: ToyData) -> None:
    at = run_page("versorgungsluecken")
    assert not [r for r in at.radio if r.key == "gap_mode"]
    captions = " ".join(c.value for c in at.caption)
    assert "Luftlinienentfernungen" in at.caption[0].value
    assert "mapapp fetch-data --only osm" in captions
    assert "mapapp network build --mode walk" in captions
