"""Scenarios by hand on the SYNTHETIC two-Gemeinde world of :mod:`tests.fixtures.coverage_inputs`
(25 foreign residents per 1 km cell, Ausländerbehörden only, threshold 1.5 km).

Before: O1 (a's centre, 500/500) reaches a b c d (0, 1000, 1000, 1414 m); O3 (3000/1000)
reaches e f i j (707 m each); g k (1581 m) and h l (2550 m) are beyond: 100 people in G2.

- remove O1: a c are 2550 m, b d 1581 m from O3 -> all of G1 (100 people) lose access;
- add S1 at 5000/1000: g h k l are 707 m from it -> 100 people in G2 gain access; G2's mean
  distance falls from (4 x 707.1 + 2 x 1581.1 + 2 x 2549.5) / 8 = 1386.2 m to 707.1 m;
- move O3 to 5000/1000: g h k l gain (707 m), e f i j lose (e 2000 m from O1, f j 1581 m,
  i 2236 m): 100 gain and 100 lose in G2, nobody in G1 changes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.scenario import (
    GAIN,
    LOSE,
    Move,
    NewOffer,
    Points,
    Scenario,
    access_flags,
    apply_to_points,
    change,
)
from mapapp.analysis.coverage.scenario_result import apply_scenario, run_scenario
from mapapp.model import DataError
from mapapp.projection import to_web
from tests.fixtures.coverage_inputs import ABH, G1, G2, X0, Y0, make_inputs, make_offers

PARAMS = CoverageParams(categories=(ABH,), threshold_m=1500)


def lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = to_web([X0 + x], [Y0 + y])
    return float(lon[0]), float(lat[0])


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


def gem(result, column: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    table = result.gemeinden.set_index("ags")
    return {ags: float(table.loc[ags, column]) for ags in (G1, G2)}


def test_removing_the_only_nearby_offer_loses_access(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_scenario(grid, make_offers(), PARAMS, Scenario(removed=("O1",)))
    assert gem(result, "lose") == {G1: 100.0, G2: 0.0}
    assert gem(result, "gain") == {G1: 0.0, G2: 0.0}
    assert (result.gain, result.lose) == (0.0, 100.0)
    assert gem(result, "demand_beyond_before") == {G1: 0.0, G2: 100.0}
    assert gem(result, "demand_beyond_after") == {G1: 100.0, G2: 100.0}
    assert result.before.headline.demand_beyond == 100
    assert result.after.headline.demand_beyond == 200
    assert result.after.headline.n_offers == 1
    changed = result.changed("gemeinde")
    assert list(changed["ags"]) == [G1]  # G2's values stay the same
    kreis = result.kreise.set_index("ags")
    assert (kreis.loc["05111", "lose"], kreis.loc["05154", "lose"]) == (100, 0)


def test_adding_an_offer_gains_access_and_shortens_the_distance(grid) -> None:  # type: ignore[no-untyped-def]
    lon, lat = lonlat(5000, 1000)
    new = NewOffer("S1", "Neue ABH", ABH, lon, lat, ags=G2)
    result = run_scenario(grid, make_offers(), PARAMS, Scenario(added=(new,)))
    assert gem(result, "gain") == {G1: 0.0, G2: 100.0}
    assert result.lose == 0 and result.after.headline.demand_beyond == 0
    g2 = result.gemeinden.set_index("ags").loc[G2]
    before = (4 * math.hypot(500, 500) + 2 * math.hypot(1500, 500) + 2 * math.hypot(2500, 500)) / 8
    assert g2["value_before"] == pytest.approx(before / 1000)
    assert g2["value_after"] == pytest.approx(math.hypot(500, 500) / 1000, abs=1e-6)
    assert g2["change"] == pytest.approx((math.hypot(500, 500) - before) / 1000, abs=1e-6)
    assert result.gemeinden.set_index("ags").loc[G1, "change"] == 0
    cells = result.cells
    assert (cells["access"] == GAIN).sum() == 4 and (cells["access"] == LOSE).sum() == 0
    assert list(result.changed("gemeinde")["ags"]) == [G2]
    assert "S1" in set(result.after.offers["id"])


def test_moving_an_offer_gains_some_and_loses_others(grid) -> None:  # type: ignore[no-untyped-def]
    lon, lat = lonlat(5000, 1000)
    scenario = Scenario(moved=(Move("O3", lon, lat, ags=G2),))
    result = run_scenario(grid, make_offers(), PARAMS, scenario)
    assert gem(result, "gain") == {G1: 0.0, G2: 100.0}
    assert gem(result, "lose") == {G1: 0.0, G2: 100.0}
    moved = result.after.offers.set_index("id").loc["O3"]
    assert (moved["precision"], moved["ags"], moved["kreis_ags"]) == ("address", G2, "05154")


def test_share_measure_changes_by_the_people_who_gain(grid) -> None:  # type: ignore[no-untyped-def]
    lon, lat = lonlat(5000, 1000)
    params = CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.SHARE)
    scenario = Scenario(added=(NewOffer("S1", "Neu", ABH, lon, lat, ags=G2),))
    result = run_scenario(grid, make_offers(), params, scenario)
    g2 = result.gemeinden.set_index("ags").loc[G2]
    assert (g2["value_before"], g2["value_after"], g2["change"]) == (50.0, 0.0, -50.0)


def test_unknown_ids_are_named(grid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match="'O9' gibt es nicht"):
        apply_scenario(make_offers(), Scenario(removed=("O9",)))
    lon, lat = lonlat(0, 0)
    with pytest.raises(DataError, match="'O1' gibt es schon"):
        apply_scenario(make_offers(), Scenario(added=(NewOffer("O1", "x", ABH, lon, lat),)))


def test_the_offer_frame_is_not_changed() -> None:
    offers = make_offers()
    lon, lat = lonlat(5000, 1000)
    after = apply_scenario(offers, Scenario(moved=(Move("O1", lon, lat, G2),), removed=("O2",)))
    assert list(offers["id"]) == ["O1", "O2", "O3"] and offers.loc[0, "precision"] == "address"
    assert list(after["id"]) == ["O1", "O3"]
    assert after.geometry.iloc[0].x == pytest.approx(X0 + 5000, abs=0.01)
    assert offers.geometry.iloc[0].x == pytest.approx(X0 + 500, abs=0.01)


def test_scenario_edits() -> None:
    lon, lat = lonlat(0, 0)
    s = Scenario().add(NewOffer("S1", "a", ABH, lon, lat)).remove(["O1"])
    assert s.next_id() == "S2" and s.n_changes == 2
    s = s.move(Move("S1", lon + 0.01, lat)).move(Move("O3", lon, lat))
    assert s.added[0].lon == lon + 0.01 and [m.id for m in s.moved] == ["O3"]
    s = s.remove(["S1"])
    assert (s.added, s.removed) == ((), ("O1",))
    assert s.with_removed([]).n_changes == 1 and not Scenario().n_changes


def test_points_change_and_access_rule() -> None:
    supply = Points(["A", "B"], np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([1.0, 2.0]))
    out = apply_to_points(
        supply,
        add=Points(["C"], np.array([[5.0, 5.0]]), np.array([3.0])),
        remove=["A"],
        move={"B": (20.0, 1.0)},
    )
    assert out.ids == ["B", "C"]
    assert out.xy is not None and out.xy.tolist() == [[20.0, 1.0], [5.0, 5.0]]
    assert out.value is not None and out.value.tolist() == [2.0, 3.0]
    assert supply.xy is not None and supply.xy[1].tolist() == [10.0, 0.0]  # input untouched
    with pytest.raises(DataError, match="'Z'"):
        apply_to_points(supply, move={"Z": (0.0, 0.0)})
    got = change(np.array([1.0, np.nan, 3.0]), np.array([2.0, 1.0, np.nan]))
    assert got[0] == 1.0 and np.isnan(got[1:]).all()
    flags = access_flags(np.array([True, False, True, False]), np.array([True, True, False, False]))
    assert flags.tolist() == [0, GAIN, LOSE, 0]
