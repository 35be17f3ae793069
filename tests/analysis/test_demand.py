"""Demand grids on hand-placed Gemeinde rectangles (EPSG:25832, metres)."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from mapapp.analysis.demand import build_demand_grid
from mapapp.analysis.demand_sources import (
    demand_from_population_grid,
    foreign_population_from_share,
)
from mapapp.model import DataError

# Three Gemeinden (1 km cells):
#   05554004  box(0, 0, 2000, 1000)       -> two full cells, 200 people (20 foreign)
#   05554008  box(2000, 0, 2500, 1500)    -> pieces of 500 x 1000 and 500 x 500, 300 people
#   05111000  box(350, 2100, 1350, 2600)  -> pieces 650 x 500 and 350 x 500, 1000 people


def three_gemeinden(offset: tuple[float, float] = (0.0, 0.0)) -> gpd.GeoDataFrame:
    ox, oy = offset
    return gpd.GeoDataFrame(
        {
            "ags": ["05554004", "05554008", "5111000"],  # lost leading zero is restored
            "population": [200, 300, 1000],
            "foreign_population": [20, 0, 250],
        },
        geometry=[
            box(ox + 0, oy + 0, ox + 2000, oy + 1000),
            box(ox + 2000, oy + 0, ox + 2500, oy + 1500),
            box(ox + 350, oy + 2100, ox + 1350, oy + 2600),
        ],
        crs="EPSG:25832",
    )


def test_square_grid_by_hand():
    grid = build_demand_grid(three_gemeinden(), cell_size=1000)
    assert grid.crs == "EPSG:25832"
    expected = pd.DataFrame(
        {
            "cell_id": [
                "CRS25832RES1000mN0E0",
                "CRS25832RES1000mN0E1000",
                "CRS25832RES1000mN0E2000",
                "CRS25832RES1000mN1000E2000",
                "CRS25832RES1000mN2000E0",
                "CRS25832RES1000mN2000E1000",
            ],
            "ags": ["05554004"] * 2 + ["05554008"] * 2 + ["05111000"] * 2,
            "kreis_ags": ["05554"] * 4 + ["05111"] * 2,
            "x": [500.0, 1500.0, 2250.0, 2250.0, 675.0, 1175.0],
            "y": [500.0, 500.0, 500.0, 1250.0, 2350.0, 2350.0],
            "area_m2": [1e6, 1e6, 5e5, 2.5e5, 325000.0, 175000.0],
            "population": [100.0, 100.0, 200.0, 100.0, 650.0, 350.0],
            "foreign_population": [10.0, 10.0, 0.0, 0.0, 162.5, 87.5],
        }
    )
    got = pd.DataFrame(grid.drop(columns="geometry"))
    got = got.sort_values(["ags", "cell_id"]).reset_index(drop=True)
    expected = expected.sort_values(["ags", "cell_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)
    np.testing.assert_allclose(grid.geometry.area, grid["area_m2"], rtol=1e-12)


def test_square_grid_sums_to_each_gemeinde_and_ids_use_real_coordinates():
    gemeinden = three_gemeinden(offset=(350_123.5, 5_650_777.0))
    grid = build_demand_grid(gemeinden, cell_size=250)
    sums = grid.groupby("ags")[["population", "foreign_population"]].sum()
    np.testing.assert_allclose(sums.loc["05554004"], [200, 20], rtol=1e-12)
    np.testing.assert_allclose(sums.loc["05554008"], [300, 0], rtol=1e-12)
    np.testing.assert_allclose(sums.loc["05111000"], [1000, 250], rtol=1e-12)
    # every piece lies inside its Gemeinde and the pieces tile it
    areas = grid.groupby("ags")["area_m2"].sum()
    np.testing.assert_allclose(areas.loc["05554004"], 2e6, rtol=1e-12)
    assert grid["cell_id"].str.match(r"^CRS25832RES250mN\d+E\d+$").all()
    corner = grid["cell_id"].str.extract(r"N(\d+)E(\d+)").astype(int)
    assert (corner % 250 == 0).all().all()
    assert not grid.duplicated(["cell_id", "ags"]).any()


def test_square_grid_with_hole_and_exclave():
    outer = Polygon(
        [(0, 0), (3000, 0), (3000, 3000), (0, 3000)],
        [[(1000, 1000), (2000, 1000), (2000, 2000), (1000, 2000)]],
    )
    gemeinde = gpd.GeoDataFrame(
        {"ags": ["05554004"], "population": [900.0]},
        geometry=[MultiPolygon([outer, box(5000, 0, 6000, 1000)])],
        crs="EPSG:25832",
    )
    grid = build_demand_grid(gemeinde, cell_size=1000)
    # 8 ring cells + 1 exclave cell, each 1 km², the hole cell is empty
    assert len(grid) == 9
    assert "CRS25832RES1000mN1000E1000" not in set(grid["cell_id"])
    np.testing.assert_allclose(grid["population"], 100.0, rtol=1e-12)
    assert "foreign_population" not in grid.columns  # not in the input


def test_grid_reprojects_other_crs():
    gemeinden = three_gemeinden(offset=(350_000, 5_650_000))
    direct = build_demand_grid(gemeinden, cell_size=500)
    via_wgs84 = build_demand_grid(gemeinden.to_crs("EPSG:4326"), cell_size=500)
    assert len(direct) == len(via_wgs84)
    np.testing.assert_allclose(
        via_wgs84.groupby("ags")["population"].sum(),
        direct.groupby("ags")["population"].sum(),
        rtol=1e-12,
    )


def test_h3_grid_sums_and_covers():
    gemeinden = three_gemeinden(offset=(350_000, 5_650_000))
    grid = build_demand_grid(gemeinden, kind="h3", h3_resolution=9)
    assert all(h3.is_valid_cell(c) for c in grid["cell_id"])
    assert set(h3.get_resolution(c) for c in grid["cell_id"]) == {9}
    sums = grid.groupby("ags")["population"].sum()
    np.testing.assert_allclose(sums.loc[["05554004", "05554008", "05111000"]], [200, 300, 1000])
    # the pieces cover each Gemeinde (up to the straight-edge approximation of hexagons)
    covered = grid.groupby("ags")["area_m2"].sum()
    np.testing.assert_allclose(covered.loc["05554004"], 2e6, rtol=1e-6)
    # denser cells get more people: population is proportional to area within a Gemeinde
    g = grid[grid["ags"] == "05111000"]
    np.testing.assert_allclose(g["population"] / g["area_m2"], 1000 / g["area_m2"].sum())


def test_grid_bad_input():
    gemeinden = three_gemeinden()
    with pytest.raises(DataError, match="mehrfach"):
        build_demand_grid(gemeinden.assign(ags=["05554004"] * 3))
    with pytest.raises(DataError) as info:
        build_demand_grid(gemeinden.assign(population=[1, -5, 3]))
    assert info.value.field == "population" and "05554008" in str(info.value)
    with pytest.raises(DataError):
        build_demand_grid(gemeinden.assign(ags=["05554004", "abc", "05111000"]))
    with pytest.raises(ValueError, match="CRS"):
        build_demand_grid(gemeinden.set_crs(None, allow_override=True))
    with pytest.raises(ValueError, match="cell_size"):
        build_demand_grid(gemeinden, cell_size=0)
    with pytest.raises(ValueError, match="kind"):
        build_demand_grid(gemeinden, kind="triangle")  # type: ignore[arg-type]


def test_demand_from_population_grid():
    gemeinden = three_gemeinden()
    grid = pd.DataFrame(
        {
            "cell_id": ["a", "b", "c", "d", "e"],
            "x": [500.0, 2000.0, 2250.0, 800.0, 9000.0],  # b on the 05554004/05554008 border
            "y": [500.0, 500.0, 1250.0, 2300.0, 9000.0],  # e outside every Gemeinde
            "population": [30.0, 12.0, 7.0, 40.0, 99.0],
        }
    )
    out = demand_from_population_grid(grid, gemeinden)
    expected = pd.DataFrame(
        {
            "cell_id": ["a", "b", "c", "d"],
            "ags": ["05554004", "05554004", "05554008", "05111000"],
            "kreis_ags": ["05554", "05554", "05554", "05111"],
            "x": [500.0, 2000.0, 2250.0, 800.0],
            "y": [500.0, 500.0, 1250.0, 2300.0],
            "population": [30.0, 12.0, 7.0, 40.0],
            "foreign_population": [3.0, 1.2, 0.0, 10.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected, check_dtype=False, rtol=1e-12)
    without = demand_from_population_grid(grid, gemeinden.drop(columns="foreign_population"))
    assert "foreign_population" not in without.columns
    with pytest.raises(DataError) as info:
        demand_from_population_grid(grid.assign(population=[1, 2, np.nan, 4, 5]), gemeinden)
    assert info.value.field == "population"


def test_foreign_population_from_gemeinde_and_kreis_shares():
    gemeinden = pd.DataFrame(
        {"ags": ["05554004", "05554008", "05111000"], "population": [200.0, 300.0, 1000.0]}
    )
    zensus = pd.DataFrame(
        {"ags": ["05554004", "05554008", "05111000"], "foreign_share_pct": [10, 0, 22.8]}
    )
    out = foreign_population_from_share(gemeinden, zensus)
    np.testing.assert_allclose(out["foreign_population"], [20.0, 0.0, 228.0])
    inkar = pd.DataFrame({"kreis_ags": ["05554", "05111"], "share": [0.05, 0.2]})
    out = foreign_population_from_share(
        gemeinden, inkar, share_key="kreis_ags", share="share", percent=False
    )
    np.testing.assert_allclose(out["foreign_population"], [10.0, 15.0, 200.0])
    assert "foreign_population" not in gemeinden.columns  # input unchanged
    with pytest.raises(DataError, match="05111"):
        foreign_population_from_share(
            gemeinden, inkar.iloc[:1], share_key="kreis_ags", share="share", percent=False
        )
    with pytest.raises(DataError, match="zwischen 0 und 100"):
        foreign_population_from_share(gemeinden, zensus.assign(foreign_share_pct=[10, 0, 120]))
