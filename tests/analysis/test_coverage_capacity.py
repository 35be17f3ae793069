"""The capacity method in the NRW pipeline, by hand on the SYNTHETIC two-Gemeinde scenario of
:mod:`tests.fixtures.coverage_inputs` (25 foreign residents per 1 km cell, catchment 1.5 km).

O3 (Kreis seat, x 3 km y 1 km, capacity 150) goes first: within 1.5 km are only e f i j (707 m
each; b d g k are 1581 m away): it takes their 100 people and has 50 left that nobody in reach
needs. O1 (cell a, capacity 60): a (0 m) 25, then b and c (1000 m each; b's cell id sorts first)
25 and 10 -> c keeps 15; d (1414 m) gets nothing. Unserved: G1 c 15 + d 25 = 40 of 100,
G2 g h k l = 100 of 200; NRW 140 of 300.
"""

from __future__ import annotations

import pytest

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method, Support
from mapapp.analysis.coverage.result import run_coverage
from mapapp.render.coverage_classes import measure_classes
from mapapp.text.coverage import headline_sentence, method_text
from tests.fixtures.coverage_inputs import ABH, G1, G2, X0, Y0, make_inputs, make_offers

PARAMS = CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.CAPACITY)


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


def offers(capacities: list[float | None]):  # type: ignore[no-untyped-def]
    frame = make_offers()
    frame["capacity"] = capacities  # O1, O2 (MBE, not counted), O3
    return frame


def test_unserved_people_per_cell_unit_and_nrw(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, offers([60, 5, 150]), PARAMS)
    cells = result.cells
    unserved = {
        (round(x - X0), round(y - Y0)): u
        for x, y, u in zip(cells["x"], cells["y"], cells["unserved"], strict=True)
    }
    assert unserved == {
        (500, 500): 0, (1500, 500): 0, (500, 1500): 15, (1500, 1500): 25,
        (2500, 500): 0, (3500, 500): 0, (2500, 1500): 0, (3500, 1500): 0,
        (4500, 500): 25, (5500, 500): 25, (4500, 1500): 25, (5500, 1500): 25,
    }  # fmt: skip
    gem = result.gemeinden.set_index("ags")
    assert gem.loc[G1, "demand_unserved"] == 40 and gem.loc[G2, "demand_unserved"] == 100
    assert gem.loc[G1, "value"] == pytest.approx(40) and gem.loc[G2, "value"] == 50
    assert result.kreise.set_index("ags").loc["05154", "demand_unserved"] == 100
    h = result.headline
    assert (h.demand_unserved, h.n_capacity, h.value_support) == (140, 2, Support.APPROXIMATE)
    assert h.value == pytest.approx(140 / 300 * 100)
    assert "unserved" in export_table(result, "cell").columns
    sentence = headline_sentence(h)
    assert "bleiben 140 Menschen der ausländischen Bevölkerung (46,7" in sentence
    assert "Kapazitäten: 2 von 2 gezählten Angeboten haben eine" in sentence
    text = method_text(result)
    assert "absteigender Kapazität" in text and "Umkreis von 1,5 km" in text
    assert measure_classes(result, "grid").labels[-1] == "über 75\xa0%"


def test_only_offers_with_a_capacity_serve(grid) -> None:  # type: ignore[no-untyped-def]
    # O1 without a capacity: only O3 serves e f i j; everybody else is unserved
    result = run_coverage(grid, offers([None, 5, 150]), PARAMS)
    gem = result.gemeinden.set_index("ags")
    assert (gem.loc[G1, "demand_unserved"], gem.loc[G2, "demand_unserved"]) == (100, 100)
    assert result.headline.n_capacity == 1
    assert "Kapazitäten: 1 von 2 gezählten Angeboten" in headline_sentence(result.headline)


def test_without_capacities_the_method_says_why_it_cannot_compute(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), PARAMS)  # no capacity column at all
    h = result.headline
    assert h.n_capacity == 0 and h.value_support is Support.NO_CAPACITY
    assert h.value != h.value  # NaN: no figure
    assert result.gemeinden["value"].isna().all()
    sentence = headline_sentence(h)
    assert "Keine Aussage möglich: Für keines der gezählten Angebote (Ausländerbehörde)" in sentence
    # the distance figures do not depend on capacities and stay
    assert sentence.startswith("Nur eine Näherung")
