"""The scenario's difference map and texts on the SYNTHETIC two-Gemeinde world of
:mod:`tests.fixtures.coverage_inputs` (threshold 1.5 km, Ausländerbehörden).

A new office S1 at x 5000, y 1000 (G2) brings g h k l from 1581/2550 m to 707 m: G2's mean
distance falls by 0.68 km (better: blue), G1 stays the same; 100 people of G2 gain access.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.scenario import NewOffer, Scenario
from mapapp.analysis.coverage.scenario_result import run_scenario
from mapapp.projection import to_web
from mapapp.render.coverage_difference import (
    CHANGED_COLOUR,
    DIVERGING,
    REMOVED_COLOUR,
    better_sign,
    cell_gains,
    difference_classes,
    difference_map,
)
from mapapp.render.coverage_raster import raster_lookup
from mapapp.text.coverage_scenario import access_sentence, change_rows, scenario_rule, top_names
from tests.fixtures.coverage_inputs import ABH, G2, X0, Y0, make_inputs, make_offers

PARAMS = CoverageParams(categories=(ABH,), threshold_m=1500)


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


@pytest.fixture(scope="module")
def added(grid):  # type: ignore[no-untyped-def]
    lon, lat = to_web([X0 + 5000], [Y0 + 1000])
    new = NewOffer("S1", "Neu <i>", ABH, float(lon[0]), float(lat[0]), ags=G2)
    return run_scenario(grid, make_offers(), PARAMS, Scenario(added=(new,), removed=("O2",)))


@pytest.fixture(scope="module")
def shapes():  # type: ignore[no-untyped-def]
    gem = make_inputs().gemeinden[["ags", "geometry"]]
    return gem, gem.assign(ags=gem["ags"].str[:5])


def test_better_is_smaller_or_larger_by_measure() -> None:
    assert better_sign(Method.NEAREST) == better_sign(Method.SHARE) == -1
    assert better_sign(Method.CAPACITY) == -1
    assert better_sign(Method.TWO_SFCA) == better_sign(Method.PER_CAPITA) == 1


def test_classes_are_symmetric_around_unchanged(added) -> None:  # type: ignore[no-untyped-def]
    change = added.gemeinden.set_index("ags")["change"]
    gains = -change.to_numpy(dtype=float)
    classes = difference_classes(added, gains)
    # largest improvement 0.679 km -> step half of it, two digits: 0.34 km
    assert classes.upper[0] == -0.34 and classes.upper[3] == 0.34
    assert classes.labels == (
        "schlechter um mehr als 0,34 km", "schlechter um bis zu 0,34 km", "unverändert",
        "besser um bis zu 0,34 km", "besser um mehr als 0,34 km",
    )  # fmt: skip
    assert classes.colour(gains) == [DIVERGING[2], DIVERGING[4]]  # G1 same, G2 much better
    assert classes.colour([math.nan]) != classes.colour([0.0])


def test_choropleth_and_grid_maps(added, grid, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, kreise = shapes
    html = difference_map(added, "gemeinde", kreise=kreise, gemeinden=gem).get_root().render()
    assert DIVERGING[4] in html and DIVERGING[2] in html and CHANGED_COLOUR in html
    assert "Neu <i>" not in html and "Neu \\u0026lt;i\\u0026gt;" in html  # escaped
    assert "MBE Zweitdorf" not in html  # removed, but an MBE never counted here
    lookup = raster_lookup(grid)
    gains = cell_gains(added, lookup)
    assert int(np.isclose(gains, 0).sum()) == 8 and int((gains > 0).sum()) == 4
    html = difference_map(added, "grid", kreise=kreise, lookup=lookup).get_root().render()
    assert "data:image/png;base64," in html
    kreis = difference_map(added, "kreis", kreise=kreise).get_root().render()
    assert "Kreis Zwei" in kreis


def test_a_removed_office_is_drawn_at_its_old_place(grid, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, kreise = shapes
    removed = run_scenario(grid, make_offers(), PARAMS, Scenario(removed=("O3",)))
    html = difference_map(removed, "gemeinde", kreise=kreise, gemeinden=gem).get_root().render()
    assert "ABH Kreis Zwei" in html and REMOVED_COLOUR in html
    assert DIVERGING[0] in html  # G2 much worse


def test_texts(added) -> None:  # type: ignore[no-untyped-def]
    assert access_sentence(added) == (
        "Zugang heißt: ein gezähltes Angebot höchstens 1,5 km entfernt. Im Szenario gewinnen "
        "**100** Menschen (ausländische Bevölkerung) Zugang, **0** verlieren ihn."
    )
    assert top_names(added, "gain") == "Am meisten gewinnen: Zweitdorf <b> (100)."
    assert top_names(added, "lose") is None
    rows = change_rows(added.scenario, {"O2": ("MBE Zweitdorf", "migrationsberatung_erwachsene")})
    assert rows.to_dict("records") == [
        {"action": "hinzugefügt", "offer": "Neu <i> (S1)", "category": "Ausländerbehörde"},
        {"action": "entfernt", "offer": "MBE Zweitdorf (O2)",
         "category": "Migrationsberatung für Erwachsene (MBE)"},
    ]  # fmt: skip
    assert "höchstens 1,5 km" in scenario_rule(PARAMS)
    assert "at most 1.5 km" in scenario_rule(PARAMS, "en")
