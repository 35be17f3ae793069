"""Coverage with travel minutes (a network mode) on the SYNTHETIC two-Gemeinde scenario of
:mod:`tests.fixtures.coverage_inputs`: the cost-table path of the measures, fed with hand-made
minutes.

The hand-made "streets" run on the 1 km lattice only (Manhattan distance), walked at 75 m per
minute. Cell d (x 1.5 km, y 1.5 km) is 1414 m from O1 as the crow flies but 2000 m on the
lattice = 26.7 min; its other office O3 (3 km, 1 km) is 2000 m = 26.7 min away, too. With 20
minutes (= 1500 m at 75 m/min) d is within the straight-line threshold of 1500 m and beyond the
network one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mapapp.analysis.accessibility.costs import CostTable
from mapapp.analysis.coverage.grid import demand_grid_nrw, piece_ids
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import run_coverage
from mapapp.analysis.network import NetworkBasis, TravelTimes
from tests.fixtures.coverage_inputs import ABH, X0, Y0, make_inputs, make_offers

WALK_M_PER_MIN = 75.0
BASIS = NetworkBasis("walk", 4.5, 4.5, "toy.osm", "2024-06-02T08:00:00Z", 120.0)


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


def travel(grid, rule, limit: float = 120.0) -> TravelTimes:  # type: ignore[no-untyped-def]
    """Minutes by ``rule(dx, dy)`` (metres) from every cell to every offer, up to ``limit``."""
    offers = make_offers()
    rows = []
    for piece, x, y in zip(piece_ids(grid.cells), grid.cells["x"], grid.cells["y"], strict=True):
        for oid, point in zip(offers["id"], offers.geometry, strict=True):
            minutes = rule(abs(x - point.x), abs(y - point.y))
            if minutes <= limit:
                rows.append((piece, oid, minutes))
    frame = pd.DataFrame(rows, columns=["origin", "destination", "cost"])
    return TravelTimes(CostTable(frame), BASIS)


def manhattan(dx: float, dy: float) -> float:
    return (dx + dy) / WALK_M_PER_MIN


def crow(dx: float, dy: float) -> float:
    """Straight line at 100 m per minute: minutes equal the straight-line metres / 100."""
    return math.hypot(dx, dy) / 100.0


def cell(result, x: float, y: float) -> pd.Series:  # type: ignore[no-untyped-def]
    cells = result.cells
    hit = (np.round(cells["x"] - X0) == x) & (np.round(cells["y"] - Y0) == y)
    return cells[hit].iloc[0]


def test_a_cell_within_the_straight_line_is_beyond_on_the_network(grid) -> None:  # type: ignore[no-untyped-def]
    line = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    net_params = CoverageParams(categories=(ABH,), mode="walk", threshold_min=20)
    net = run_coverage(grid, make_offers(), net_params, travel=travel(grid, manhattan))
    assert not cell(line, 1500, 1500)["beyond"]
    d = cell(net, 1500, 1500)
    assert d["beyond"] and d["nearest_min"] == pytest.approx(2000 / 75)
    assert d["nearest_m"] == pytest.approx(math.hypot(1000, 1000))  # straight line kept
    # by hand on the lattice (20 min = 1500 m): within are a (0), b (1000), c (1000) from O1 and
    # e f i j (1000 each) from O3; d g k (2000) and h l (3000) are beyond: 5 x 25 foreign people
    assert net.headline.demand_beyond == 125 and line.headline.demand_beyond < 125
    assert net.headline.mode == "walk" and net.headline.threshold == 20
    assert net.network == BASIS and line.network is None


def test_nearest_in_minutes_per_cell_and_unit(grid) -> None:  # type: ignore[no-untyped-def]
    params = CoverageParams(categories=(ABH,), mode="walk", threshold_min=20)
    # search limit 30 min (2250 m): h and l (3000 m from O3 = 40 min) are not reached
    result = run_coverage(grid, make_offers(), params, travel=travel(grid, manhattan, 30))
    assert cell(result, 500, 1500)["value"] == pytest.approx(1000 / 75)  # c from O1
    assert cell(result, 5500, 1500)["value"] == math.inf and cell(result, 5500, 1500)["beyond"]
    gem = result.gemeinden.set_index("ags")
    # G2 (e..l, 25 each) from O3: e f i j 1000 m, g k 2000 m; h and l unreached (not averaged)
    want = (4 * 1000 + 2 * 2000) / 6 / 75
    assert gem.loc["05154004", "value"] == pytest.approx(want)


def test_capacity_and_2sfca_on_the_table_equal_the_straight_line(grid) -> None:  # type: ignore[no-untyped-def]
    """A cost table of straight-line metres / 100 with 15 minutes gives what 1500 m gives."""
    offers = make_offers()
    offers["capacity"] = [60, 5, 150]
    for method in (Method.CAPACITY, Method.TWO_SFCA, Method.SHARE):
        line = run_coverage(
            grid, offers, CoverageParams(categories=(ABH,), threshold_m=1500, method=method)
        )
        net = run_coverage(
            grid, offers,
            CoverageParams(categories=(ABH,), mode="walk", threshold_min=15, method=method),
            travel=travel(grid, crow),
        )  # fmt: skip
        assert net.cells["value"].to_numpy() == pytest.approx(line.cells["value"].to_numpy())
        assert net.headline.value == pytest.approx(line.headline.value)
    assert net.headline.demand_beyond == line.headline.demand_beyond


def test_mode_and_minutes_go_together(grid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="threshold_min"):
        CoverageParams(mode="walk")
    with pytest.raises(ValueError, match="threshold_min"):
        CoverageParams(threshold_min=10)
    with pytest.raises(ValueError, match="Art der Entfernung"):
        CoverageParams(mode="boat", threshold_min=10)
    params = CoverageParams(categories=(ABH,), mode="car", threshold_min=15)
    assert (params.threshold, params.catchment, params.network) == (15, 15, True)
    with pytest.raises(ValueError, match="Reisezeiten"):
        run_coverage(grid, make_offers(), params)  # no travel times for a network mode
    with pytest.raises(ValueError, match="Reisezeiten"):
        run_coverage(grid, make_offers(), CoverageParams(), travel=travel(grid, crow))
