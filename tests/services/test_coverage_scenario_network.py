"""Scenarios on a street network, on the SYNTHETIC toy world plus the SYNTHETIC street lattice of
:func:`tests.fixtures.osm_world.toy_world_streets_xml` (residential streets every 500 m, walking
4.5 km/h = 75 m per minute).

Cell centres (x.5 km) and the points used here are lattice nodes, so a walk is the Manhattan
distance / 75 (no snapping). The four Ausländerbehörden of the toy world stand at (5, 15)
Alphastadt, (26, 16) Gammastadt, (15, 5) Nordkreis and (25, 5) Südkreis (toy km).

By hand: the cell (8.5, 18.5) is 3.5 + 3.5 = 7 km from Alphastadt's office = 93.33 minutes, the
nearest; a new office at (8.5, 17.5) is 1 km away = 13.33 minutes. At 90 minutes the cell gains
access. Every cell's minutes before and after come from the naive loop :func:`walk_minutes`;
beyond the page's search of 120 minutes a cell has none (``inf``), and a cell exactly 120 minutes
away (9 km) may fall either side by the centimetres of the WGS84 round trip: not compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapapp.analysis.coverage.params import NETWORK_MAX_MINUTES, CoverageParams
from mapapp.analysis.coverage.scenario import GAIN, LOSE, SAME, Move, NewOffer, Scenario
from mapapp.analysis.coverage.scenario_result import ScenarioResult, apply_scenario
from mapapp.config import get_settings
from mapapp.services import coverage as coverage_service
from mapapp.services import coverage_scenario as service
from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData
from tests.ui.test_app_toy_versorgungsluecken_network import walk_network  # noqa: F401

ABH = "auslaenderbehoerde"
M_PER_MIN = 75.0
MINUTES = 90.0
NEW_AT = (8.5, 17.5)
CELL = (8.5, 18.5)
ALPHA, GAMMA = "Ausländerbehörde Alphastadt", "Ausländerbehörde Gammastadt"
PARAMS = CoverageParams(categories=(ABH,), mode="walk", threshold_min=MINUTES)
SEARCH = NETWORK_MAX_MINUTES["walk"]


def offices(*, without: str = "", extra: tuple[float, float] | None = None) -> list:
    at = [o.at_km for o in toy.OFFERS if o.category == ABH and o.name != without]
    return [*at, extra] if extra else at


def walk_minutes(places: list[tuple[float, float]]) -> dict[tuple[float, float], float]:
    """Minutes on foot from every cell centre (toy km) to the nearest of ``places``."""
    return {
        (x, y): min(abs(x - a) + abs(y - b) for a, b in places) * 1000 / M_PER_MIN
        for _, x, y, _, _ in toy.cells_km()
    }


def by_cell(sr: ScenarioResult) -> pd.DataFrame:
    """The scenario's cells indexed by their centre in toy km."""
    cells = sr.cells.copy()
    after = sr.after.cells
    cells["x_km"] = np.round((after["x"].to_numpy() - toy.X0) / 1000, 1)
    cells["y_km"] = np.round((after["y"].to_numpy() - toy.Y0) / 1000, 1)
    return cells.set_index(["x_km", "y_km"])


def expected_flags(
    before: dict[tuple[float, float], float], after: dict[tuple[float, float], float]
) -> dict[tuple[float, float], int]:
    return {
        c: GAIN if b > MINUTES >= after[c] else LOSE if after[c] > MINUTES >= b else SAME
        for c, b in before.items()
    }


def offer_id(name: str) -> str:
    offers = coverage_service.load_offers(get_settings())
    return str(offers.loc[offers["name"] == name, "id"].iloc[0])


def check(sr: ScenarioResult, before: dict, after: dict) -> None:
    """Minutes per cell before and after, and who gains or loses access, as by hand."""
    cells = by_cell(sr)
    assert len(cells) == len(before)
    for key, minutes in before.items():  # lattice nodes via WGS84 (7 decimals): centimetres off
        for side, want in (("before", minutes), ("after", after[key])):
            if abs(want - SEARCH) < 0.01:
                continue
            got = cells.loc[key, side]
            assert got == (pytest.approx(want, abs=0.01) if want < SEARCH else np.inf), key
    flags = expected_flags(before, after)
    assert {k: int(cells.loc[k, "access"]) for k in flags} == flags
    foreign = {(x, y): f for _, x, y, _, f in toy.cells_km()}
    assert sr.gain == pytest.approx(sum(foreign[k] for k, v in flags.items() if v == GAIN))
    assert sr.lose == pytest.approx(sum(foreign[k] for k, v in flags.items() if v == LOSE))


def test_a_new_office_on_the_street_network(walk_network: ToyData) -> None:  # noqa: F811
    new = NewOffer("S1", "Neue Ausländerbehörde", ABH, *toy.lonlat(*NEW_AT), ags="05111000")
    sr = service.compute_scenario(get_settings(), PARAMS, Scenario(added=(new,)))
    before, after = walk_minutes(offices()), walk_minutes(offices(extra=NEW_AT))
    check(sr, before, after)
    cell = by_cell(sr).loc[CELL]
    assert cell["before"] == pytest.approx(7000 / 75, abs=0.01)  # 93.33 min: beyond 90
    assert cell["after"] == pytest.approx(1000 / 75, abs=0.01)  # 13.33 min
    assert cell["access"] == GAIN
    assert sr.gain > 0 and sr.lose == 0
    assert sr.after.network is not None and sr.after.network.mode == "walk"
    assert sr.after.headline.demand_beyond < sr.before.headline.demand_beyond


def test_a_moved_office_gets_times_from_its_new_point(walk_network: ToyData) -> None:  # noqa: F811
    move = Move(offer_id(ALPHA), *toy.lonlat(*NEW_AT), ags="05111000")
    sr = service.compute_scenario(get_settings(), PARAMS, Scenario(moved=(move,)))
    before = walk_minutes(offices())
    after = walk_minutes(offices(without=ALPHA, extra=NEW_AT))
    check(sr, before, after)
    assert sr.gain > 0 and sr.lose > 0  # the far south-west corner of Alphastadt loses


def test_a_removed_office_drops_out(walk_network: ToyData) -> None:  # noqa: F811
    scenario = Scenario(removed=(offer_id(GAMMA),))
    sr = service.compute_scenario(get_settings(), PARAMS, scenario)
    check(sr, walk_minutes(offices()), walk_minutes(offices(without=GAMMA)))
    assert sr.lose > 0 and sr.gain == 0


def test_merged_table_equals_a_full_recomputation(walk_network: ToyData) -> None:  # noqa: F811
    """Old rows of unchanged offers + new rows of added/moved ones = the table computed anew on
    the offers after the scenario; the new rows are only those of the changed offers."""
    settings = get_settings()
    grid = coverage_service.build_grid(settings, 1000.0, population_grid=False)
    offers = coverage_service.load_offers(settings)
    new = NewOffer("S1", "Neue Ausländerbehörde", ABH, *toy.lonlat(*NEW_AT), ags="05111000")
    alpha = offer_id(ALPHA)
    scenario = Scenario(
        added=(new,), moved=(Move(alpha, *toy.lonlat(20.5, 10.5), ags="05901004"),),
        removed=(offer_id(GAMMA),),
    )  # fmt: skip
    fresh = service.fresh_travel_times(settings, grid, offers, PARAMS, scenario)
    assert set(fresh.table.frame["destination"]) == {"S1", alpha}
    before = coverage_service.travel_times(settings, grid, offers, PARAMS)
    from mapapp.analysis.coverage.scenario_result import after_travel

    merged = after_travel(before, fresh, scenario).table.frame
    anew = coverage_service.travel_times(
        settings, grid, apply_scenario(offers, scenario), PARAMS
    ).table.frame

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        keys = ["origin", "destination"]
        return frame[[*keys, "cost"]].sort_values(keys).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(merged), rows(anew))


def test_only_removals_read_no_network(walk_network: ToyData) -> None:  # noqa: F811
    settings = get_settings()
    grid = coverage_service.build_grid(settings, 1000.0, population_grid=False)
    offers = coverage_service.load_offers(settings)
    fresh = service.fresh_travel_times(
        settings, grid, offers, PARAMS, Scenario(removed=(offer_id(GAMMA),))
    )
    assert fresh.table.frame.empty
