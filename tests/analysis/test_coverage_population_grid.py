"""Versorgungslücken on a real population grid (Zensus 2022 1 km) instead of spreading by area.

Fixture: the two Gemeinden of ``tests.fixtures.coverage_inputs.make_inputs`` (G1 x 0-2 km, G2 x 2-6 km,
y 0-2 km, relative to E 350000 / N 5650000), with G2's foreign population set to 100 (so the foreign
shares differ: G1 100/400 = 25 %, G2 100/800 = 12.5 %), and a SYNTHETIC grid of 1 km cells (made-up
people, centres in EPSG:25832, deliberately off the 1 km lattice as reprojected Zensus cells are):

    cell  centre (m)     people  Gemeinde  lattice cell (display)  nearest Ausländerbehörde
    A     (480, 530)       120   G1        (350, 5650)             O1: hypot(20, 30)
    B     (1100, 100)       30   G1        (351, 5650)             O1: hypot(600, 400)
    H     (1900, 900)       10   G1        (351, 5650) like B      O3: hypot(1100, 100)
    C     (2490, 1520)     200   G2        (352, 5651)             O3: hypot(510, 520)
    E     (3450, 560)        0   G2        (353, 5650)             O3: hypot(450, 440)
    D     (5530, 1480)      50   G2        (355, 5651)             O3: hypot(2530, 480)
    F     (6600, 500)      999   -  (east of G2: dropped)
    G     (1480, 2600)      40   -  (north of G1: dropped)

Offers (``make_offers``): O1 Ausländerbehörde at (500, 500), O3 Ausländerbehörde at (3000, 1000),
O2 MBE at (5500, 1500). With a 1 km threshold H (1104.5 m) and D (2575.1 m) are beyond.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.grid import (
    CoverageInputs,
    DemandGrid,
    demand_grid_from_population_grid,
    demand_grid_nrw,
)
from mapapp.analysis.coverage.params import POPULATION_ZENSUS_GRID, CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.cli import main
from mapapp.config import Settings
from mapapp.io import datasets
from mapapp.io.tabular import sources_path
from mapapp.model import DataError
from mapapp.services import coverage
from mapapp.text.coverage import attribution, export_comment, method_text, sources
from tests.fixtures.coverage_inputs import ABH, G1, G2, SHARES, X0, Y0, make_inputs, make_offers
from tests.fixtures.files import zip_member
from tests.fixtures.toy_land import write_bkg_gpkg

GRID_ATTRIBUTION = (
    "Zensus 2022, Bevölkerungszahl in Gitterzellen 1 km, "
    "© Statistische Ämter des Bundes und der Länder, dl-de/by-2-0"
)
# name: (x, y relative to X0/Y0, people) - synthetic
CELLS = {
    "A": (480, 530, 120.0),
    "B": (1100, 100, 30.0),
    "H": (1900, 900, 10.0),
    "C": (2490, 1520, 200.0),
    "E": (3450, 560, 0.0),
    "D": (5530, 1480, 50.0),
    "F": (6600, 500, 999.0),
    "G": (1480, 2600, 40.0),
}
INSIDE = ["A", "B", "H", "C", "E", "D"]
GEMEINDE = {"A": G1, "B": G1, "H": G1, "C": G2, "E": G2, "D": G2}
SHARE = {G1: 0.25, G2: 0.125}
NEAREST = {  # metres to the nearest Ausländerbehörde, by hand
    "A": math.hypot(20, 30),
    "B": math.hypot(600, 400),
    "H": math.hypot(1100, 100),
    "C": math.hypot(510, 520),
    "E": math.hypot(450, 440),
    "D": math.hypot(2530, 480),
}


def population_grid() -> pd.DataFrame:
    """The synthetic grid as :func:`mapapp.io.datasets.load_nrw_population_grid` returns it."""
    return pd.DataFrame(
        {
            "cell_id": [f"cell_{name}" for name in CELLS],
            "x": [X0 + x for x, _, _ in CELLS.values()],
            "y": [Y0 + y for _, y, _ in CELLS.values()],
            "population": [p for _, _, p in CELLS.values()],
        }
    )


def grid_inputs(foreign: bool = True) -> CoverageInputs:
    inputs = make_inputs(foreign)
    if not foreign:
        return inputs
    return dataclasses.replace(
        inputs, gemeinden=inputs.gemeinden.assign(foreign_population=[100.0, 100.0])
    )


def by_cell(frame: pd.DataFrame, column: str) -> dict[str, float]:
    return {cid.removeprefix("cell_"): v for cid, v in zip(frame["cell_id"], frame[column])}


@pytest.fixture(scope="module")
def grid() -> DemandGrid:
    return demand_grid_from_population_grid(grid_inputs(), population_grid(), 1000)


# --------------------------------------------------------------------------------------------
# The demand grid
# --------------------------------------------------------------------------------------------


def test_cells_keep_their_people_and_centres_and_find_their_gemeinde(grid) -> None:  # type: ignore[no-untyped-def]
    cells = grid.cells
    assert sorted(by_cell(cells, "ags")) == sorted(INSIDE)  # F and G (outside) are dropped
    assert by_cell(cells, "ags") == GEMEINDE
    assert by_cell(cells, "kreis_ags") == {k: g[:5] for k, g in GEMEINDE.items()}
    # people as in the grid (not rescaled to the Gemeinde totals 400 / 800)
    assert by_cell(cells, "population") == {k: CELLS[k][2] for k in INSIDE}
    assert cells.groupby("ags")["population"].sum().to_dict() == {G1: 160.0, G2: 250.0}
    # distances are measured from the real centres
    assert by_cell(cells, "x") == {k: X0 + CELLS[k][0] for k in INSIDE}
    assert by_cell(cells, "y") == {k: Y0 + CELLS[k][1] for k in INSIDE}
    # foreign people: the cell's people × its Gemeinde's Zensus share
    assert by_cell(cells, "foreign_population") == pytest.approx(
        {k: CELLS[k][2] * SHARE[GEMEINDE[k]] for k in INSIDE}
    )
    assert grid.population_source == POPULATION_ZENSUS_GRID == "zensus2022_grid"
    assert grid.cell_size_m == 1000 and grid.foreign_known


def test_cells_snap_to_the_metric_lattice_for_display(grid) -> None:  # type: ignore[no-untyped-def]
    assert grid.n_cells == 5  # B and H share one lattice cell
    code = grid.cells.set_index("cell_id")["cell"]
    lattice = {
        name: (int(grid.cell_ix[code[f"cell_{name}"]]), int(grid.cell_iy[code[f"cell_{name}"]]))
        for name in INSIDE
    }
    assert lattice == {
        "A": (350, 5650),
        "B": (351, 5650),
        "H": (351, 5650),
        "C": (352, 5651),
        "E": (353, 5650),
        "D": (355, 5651),
    }


def test_demand_grid_nrw_takes_the_population_grid_too() -> None:
    via_nrw = demand_grid_nrw(grid_inputs(), 1000, population_grid=population_grid())
    direct = demand_grid_from_population_grid(grid_inputs(), population_grid(), 1000)
    pd.testing.assert_frame_equal(via_nrw.cells, direct.cells)
    assert via_nrw.population_source == POPULATION_ZENSUS_GRID


def test_no_cell_in_nrw_is_an_error() -> None:
    outside = population_grid().iloc[-2:]  # F and G only
    with pytest.raises(DataError, match="keine Zelle"):
        demand_grid_from_population_grid(grid_inputs(), outside, 1000)


# --------------------------------------------------------------------------------------------
# Coverage on it, by hand
# --------------------------------------------------------------------------------------------

PARAMS = CoverageParams(categories=(ABH,), threshold_m=1000, cell_size_m=1000)


def test_nearest_distances_and_share_beyond(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), PARAMS)
    assert by_cell(result.cells, "nearest_m") == pytest.approx(NEAREST)
    assert {k for k, b in by_cell(result.cells, "beyond").items() if b} == {"H", "D"}
    g1 = result.gemeinden.set_index("ags").loc[G1]
    g2 = result.gemeinden.set_index("ags").loc[G2]
    # foreign: G1 A 30, B 7.5, H 2.5 (beyond); G2 C 25, E 0, D 6.25 (beyond)
    assert (g1["demand"], g1["demand_beyond"], g1["share_beyond_pct"]) == pytest.approx(
        (40.0, 2.5, 6.25)
    )
    assert (g2["demand"], g2["demand_beyond"], g2["share_beyond_pct"]) == pytest.approx(
        (31.25, 6.25, 20.0)
    )
    assert g1["population"] == 160 and g2["population"] == 250
    mean_g1 = (30 * NEAREST["A"] + 7.5 * NEAREST["B"] + 2.5 * NEAREST["H"]) / 40
    assert g1["mean_nearest_km"] == pytest.approx(mean_g1 / 1000)
    h = result.headline
    assert (h.demand_total, h.demand_beyond) == pytest.approx((71.25, 8.75))
    assert h.share_beyond_pct == pytest.approx(8.75 / 71.25 * 100)


def test_raster_value_of_a_shared_lattice_cell_is_the_demand_weighted_mean(grid) -> None:  # type: ignore[no-untyped-def]
    from mapapp.render.coverage_raster import cell_values, raster_lookup

    result = run_coverage(grid, make_offers(), PARAMS)
    values = cell_values(result, grid.n_cells)
    shared = int(grid.cells.set_index("cell_id").loc["cell_B", "cell"])
    assert values[shared] == pytest.approx((7.5 * NEAREST["B"] + 2.5 * NEAREST["H"]) / 10 / 1000)
    lookup = raster_lookup(grid)  # the image builds on the snapped cells
    assert set(np.unique(lookup.pixel_cell)) == {-1, 0, 1, 2, 3, 4}


def test_foreign_year_works_on_top(grid) -> None:  # type: ignore[no-untyped-def]
    with_shares = dataclasses.replace(grid, foreign_shares=SHARES)
    result = run_coverage(
        with_shares, make_offers(), dataclasses.replace(PARAMS, foreign_year=2006)
    )
    # INKAR 2006: Kreis 05111 10 %, Kreis 05154 25 % of the cell's people
    expected = {k: CELLS[k][2] * (0.10 if GEMEINDE[k] == G1 else 0.25) for k in INSIDE}
    assert by_cell(result.cells, "foreign_population") == pytest.approx(expected)
    assert (result.headline.demand_total, result.headline.demand_beyond) == pytest.approx(
        (78.5, 1.0 + 12.5)
    )
    assert "INKAR" in attribution(result) and "Gitterzellen 1 km" in attribution(result)
    people = sources(result)[1]
    assert "Gitterzelle 1 km" in people and "Kreises 2006 (INKAR" in people


def test_texts_name_the_grid(grid) -> None:  # type: ignore[no-untyped-def]
    from mapapp.render.coverage_map import map_attribution

    result = run_coverage(grid, make_offers(), PARAMS)
    assert GRID_ATTRIBUTION in attribution(result)
    assert "Destatis" not in attribution(result)
    assert GRID_ATTRIBUTION in map_attribution(result)
    assert (
        GRID_ATTRIBUTION in sources(result)[1]
        and "Ausländeranteil ihrer Gemeinde" in (sources(result)[1])
    )
    text = method_text(result)
    for part in (
        "Einwohner je Gitterzelle 1 km des Zensus 2022",
        "6 Zellen",
        "außerhalb der NRW-Gemeinden sind weggelassen",
        "nicht auf die Gemeindesummen umgerechnet",
        "nur für die Darstellung",
        "Mittelpunkt jeder Gitterzelle",
    ):
        assert part in text, part
    assert "nach Fläche gleichmäßig" not in text
    assert GRID_ATTRIBUTION in export_comment(result)


def test_without_zensus_per_gemeinde_the_grid_has_no_foreign_people() -> None:
    grid = demand_grid_from_population_grid(grid_inputs(foreign=False), population_grid(), 1000)
    assert not grid.foreign_known
    with pytest.raises(DataError, match="Zensus"):
        run_coverage(grid, make_offers(), PARAMS)
    result = run_coverage(grid, make_offers(), dataclasses.replace(PARAMS, demand="all"))
    assert (result.headline.demand_total, result.headline.demand_beyond) == (410, 60)
    assert "ausländische Bevölkerung unbekannt" in sources(result)[1]
    assert GRID_ATTRIBUTION in attribution(result) and "Destatis" not in attribution(result)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fake_nrw_grid(monkeypatch):  # type: ignore[no-untyped-def]
    """``mapapp coverage nrw`` on the fixture, with the synthetic population grid."""
    monkeypatch.setattr(coverage, "load_inputs", lambda settings: grid_inputs())
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    monkeypatch.setattr(datasets, "load_nrw_population_grid", lambda settings: population_grid())


@pytest.mark.parametrize("level", ["gemeinde", "cell"])
def test_cli_population_grid_gives_the_core_numbers(fake_nrw_grid, tmp_path, capsys, level) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    args = ["coverage", "nrw", "--category", ABH, "--threshold", "1000", "--level", level]
    assert main([*args, "--population-grid", "--out", str(out)]) == 0
    expected = export_table(
        run_coverage(
            demand_grid_from_population_grid(grid_inputs(), population_grid(), 1000),
            make_offers(),
            PARAMS,
        ),
        level,
    )
    assert not out.read_text(encoding="utf-8").startswith("#")  # no comment line in a CSV
    got = pd.read_csv(out, dtype={"ags": str, "kreis_ags": str, "cell_id": str})
    assert list(got.columns) == list(expected.columns) and len(got) == len(expected)
    np.testing.assert_allclose(got["demand"], expected["demand"], rtol=1e-12)
    if level == "cell":
        assert got["cell_id"].tolist() == expected["cell_id"].tolist()
        assert sorted(got["cell_id"]) == sorted(f"cell_{k}" for k in INSIDE)
        np.testing.assert_allclose(got["nearest_m"], expected["nearest_m"], rtol=1e-12)
        assert by_cell(got, "nearest_m") == pytest.approx(NEAREST)
    else:
        np.testing.assert_allclose(got["demand_beyond"], expected["demand_beyond"], rtol=1e-12)
        assert dict(zip(got["ags"], got["demand_beyond"])) == pytest.approx({G1: 2.5, G2: 6.25})
    assert GRID_ATTRIBUTION in sources_path(out).read_text(encoding="utf-8")
    assert "12,3 % der ausländischen Bevölkerung" in capsys.readouterr().out
    # without the option: the Gemeinde figures spread by area (other numbers)
    assert main([*args, "--out", str(out)]) == 0
    assert "Gitterzellen" not in sources_path(out).read_text(encoding="utf-8")


def test_cli_population_grid_fixes_the_cell_size(fake_nrw_grid, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    args = ["coverage", "nrw", "--category", ABH, "--population-grid", "--cell-size", "500"]
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--cell-size" in err
    assert not out.exists()


def test_cli_population_grid_missing_file_is_one_line(
    empty_data_dir, monkeypatch, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(coverage, "load_inputs", lambda settings: grid_inputs())
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    out = tmp_path / "out.csv"
    code = main(["coverage", "nrw", "--category", ABH, "--population-grid", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("mapapp: ") and err.count("\n") == 1
    assert "Zensus2022_Bevoelkerungszahl.zip" in err
    assert "mapapp fetch-data --only zensus_grid" in err
    assert not out.exists()


# --------------------------------------------------------------------------------------------
# Loader: the official zip layout, clipped to NRW, cached
# --------------------------------------------------------------------------------------------

# EPSG:3035 centres of SYNTHETIC 1 km cells around the toy Land of tests.fixtures.toy_land (x 300-330 km,
# y 5650-5670 km in EPSG:25832; a Land-06 square at x 340-350 km):
LOADER_CELLS = [
    ("CRS3035RES1000mN3117000E4055000", 4055500, 3117500, "1200"),  # (304497, 5665399): inside
    ("CRS3035RES1000mN3106000E4075000", 4075500, 3106500, "35"),  # (324650, 5654680): inside
    ("CRS3035RES1000mN3117000E4056000", 4056500, 3117500, "–"),  # a marker instead of people
    ("CRS3035RES1000mN3106000E4095000", 4095500, 3106500, "500"),  # (344650, 5654959): Land 06
    ("CRS3035RES1000mN3150000E4151000", 4151500, 3150500, "9"),  # far away
]


def write_grid_zip(path: Path, rows: list[tuple[str, int, int, str]]) -> Path:
    """A zip like the official one: one semicolon CSV per resolution (resolution in the name)."""
    header = "GITTER_ID_1km;x_mp_1km;y_mp_1km;Einwohner"
    text = "\n".join([header, *(";".join(map(str, r)) for r in rows)]) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zip_member("Zensus2022_Bevoelkerungszahl_1km-Gitter.csv"), text)
        zf.writestr(
            zip_member("Zensus2022_Bevoelkerungszahl_10km-Gitter.csv"),
            "GITTER_ID_10km;x_mp_10km;y_mp_10km;Einwohner\n"
            "CRS3035RES10000mN3110000E4050000;4055000;3115000;77777\n",
        )
    return path


def test_loader_reads_the_official_layout_clips_and_caches(empty_data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=empty_data_dir)
    assert datasets.load_nrw_population_grid(settings) is None  # no file: None
    bkg = settings.raw_dir / "bkg"
    bkg.mkdir(parents=True)
    write_bkg_gpkg(bkg / "vg250_test.gpkg")
    zip_path = write_grid_zip(datasets.population_grid_path(settings), LOADER_CELLS)
    assert zip_path == settings.raw_dir / "zensus2022" / "Zensus2022_Bevoelkerungszahl.zip"

    cells = datasets.load_nrw_population_grid(settings)
    assert cells is not None
    # the two cells near the toy NRW, the 1 km file; the marker row and far cells left out
    assert cells["cell_id"].tolist() == [r[0] for r in LOADER_CELLS[:2]]
    assert cells["population"].tolist() == [1200.0, 35.0]
    to_metric = Transformer.from_crs("EPSG:3035", "EPSG:25832", always_xy=True)
    expected = np.array([to_metric.transform(r[1], r[2]) for r in LOADER_CELLS[:2]])
    np.testing.assert_allclose(cells[["x", "y"]].to_numpy(), expected, atol=1e-6)
    cached = list(settings.derived_dir.glob("zensus_grid_1km_*.parquet"))
    assert len(cached) == 1

    # the second call reads the Parquet cache, not the zip
    from mapapp.io import population_grid

    def no_parse(*args: object, **kwargs: object) -> pd.DataFrame:
        raise AssertionError("the zip was parsed again")

    monkeypatch.setattr(population_grid, "read_population_grid", no_parse)
    pd.testing.assert_frame_equal(datasets.load_nrw_population_grid(settings), cells)
    monkeypatch.undo()

    # a changed file (other size) is a new key: parsed again
    write_grid_zip(
        zip_path, [*LOADER_CELLS, ("CRS3035RES1000mN3106000E4074000", 4074500, 3106500, "8")]
    )
    again = datasets.load_nrw_population_grid(settings)
    assert again is not None and again["population"].tolist() == [1200.0, 35.0, 8.0]
    assert len(list(settings.derived_dir.glob("zensus_grid_1km_*.parquet"))) == 2


# --------------------------------------------------------------------------------------------
# The page (real data mirror + a synthetic grid zip)
# --------------------------------------------------------------------------------------------

# SYNTHETIC people in three 1 km cells in Düsseldorf (EPSG:3035 centres).
PAGE_CELLS = [
    ("CRS3035RES1000mN3128000E4095000", 4095500, 3128500, "1200"),
    ("CRS3035RES1000mN3128000E4096000", 4096500, 3128500, "7"),
    ("CRS3035RES1000mN3129000E4095000", 4095500, 3129500, "300"),
]


@pytest.mark.data
def test_page_offers_the_grid_when_the_file_is_there(
    real_data_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from mapapp.config import get_settings

    data = tmp_path / "data"
    shutil.copytree(real_data_cache / "raw", data / "raw")
    if (real_data_cache / "derived").exists():
        shutil.copytree(real_data_cache / "derived", data / "derived")
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    script = "from mapapp.ui.pages import versorgungsluecken\nversorgungsluecken.render()\n"
    at = AppTest.from_string(script, default_timeout=180)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("fetch-data --only zensus_grid" in c.value for c in at.caption)
    assert not [r for r in at.radio if r.key == "gap_population"]

    write_grid_zip(datasets.population_grid_path(get_settings()), PAGE_CELLS)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    choice = at.radio(key="gap_population")
    assert choice.value == "area"
    assert choice.options == [
        "Gemeinde-Zahlen flächig verteilt (Standard)",
        "Zensus-2022-Gitter 1 km",
    ]
    choice.set_value("grid").run()
    assert not at.exception, [e.message for e in at.exception]

    settings = get_settings()
    expected = run_coverage(
        demand_grid_nrw(
            coverage.load_inputs(settings),
            1000,
            population_grid=datasets.load_nrw_population_grid(settings),
        ),
        coverage.load_offers(settings),
        CoverageParams(),
    )
    h = expected.headline
    metrics = {m.label: m.value for m in at.metric}
    people = f"{h.demand_beyond:,.0f}".translate(str.maketrans(",.", ".,"))
    if h.support == "approximate":  # the page marks an approximation
        people = f"≈ {people}"
    assert metrics["Ausländische Einwohner weiter entfernt"] == people
    assert expected.gemeinden["ags"].tolist() == ["05111000"]  # the three cells: Düsseldorf
    assert expected.gemeinden["population"].tolist() == [1507.0]
    texts = " ".join(m.value for m in at.markdown)
    assert "Einwohner je Gitterzelle 1 km" in texts and "3 Zellen" in texts
