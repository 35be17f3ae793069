"""``mapapp.render.coverage_*``: classes, the grid image, the web map HTML and the map sheet.

Uses the two-Gemeinde fixture of ``tests/test_coverage_pipeline.py`` (1 km cells in EPSG:25832).
"""

from __future__ import annotations

import html
import io
import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from PIL import Image
from pyproj import Transformer

from mapapp.analysis.coverage.grid import coverage_inputs, demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import run_coverage
from mapapp.render import sheet
from mapapp.render.assets import localize_assets
from mapapp.render.coverage_classes import NODATA_COLOUR, PALETTE, Classes, measure_classes
from mapapp.render.coverage_map import coverage_map, legend_html, units_geojson
from mapapp.render.coverage_raster import cell_values, raster_lookup, raster_png
from mapapp.render.coverage_sheet import map_sheet
from mapapp.text.coverage import headline_sentence
from tests.fixtures.coverage_inputs import ABH, G1, G2, X0, Y0, make_inputs, make_offers


def js(text: str) -> str:
    """``text`` as it appears inside a JSON string literal."""
    return json.dumps(text)[1:-1]


TO_WEB = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


@pytest.fixture(scope="module")
def result(grid):  # type: ignore[no-untyped-def]
    return run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))


@pytest.fixture(scope="module")
def shapes():  # type: ignore[no-untyped-def]
    gem = make_inputs().gemeinden[["ags", "geometry"]]
    kreise = gem.assign(ags=gem["ags"].str[:5])
    land = gpd.GeoDataFrame({"ags": ["05"]}, geometry=[gem.union_all()], crs=gem.crs)
    return gem, kreise, land


# --------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------


def test_classes_upper_bounds_are_inclusive_and_nan_has_no_class() -> None:
    c = Classes("t", (1.0, 2.0, math.inf), ("a", "b", "c"), ("#1", "#2", "#3"))
    np.testing.assert_array_equal(
        c.index([0, 1, 1.5, 2, 99, math.inf, math.nan]), [0, 0, 1, 1, 2, 2, -1]
    )
    assert c.colour([1, math.nan]) == ["#1", NODATA_COLOUR]


def test_distance_classes_follow_the_threshold(result) -> None:  # type: ignore[no-untyped-def]
    c = measure_classes(result, "grid")
    assert c.upper == (0.75, 1.5, 3.0, 6.0, math.inf)  # km: T/2, T, 2T, 4T
    assert c.labels == ("bis 0,75 km", "0,75–1,5 km", "1,5–3 km", "3–6 km", "über 6 km")
    assert c.colours == PALETTE[1:]  # darker = farther
    assert "gewichtet" in measure_classes(result, "gemeinde").title


def test_share_classes(grid) -> None:  # type: ignore[no-untyped-def]
    r = run_coverage(
        grid,
        make_offers(),
        CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.SHARE),
    )
    assert measure_classes(r, "grid").labels == ("bis 1,5 km", "weiter als 1,5 km")
    units = measure_classes(r, "gemeinde")
    assert units.title == "Anteil der ausländischen Bevölkerung weiter als 1,5 km"
    np.testing.assert_array_equal(units.index(r.gemeinden["value"]), [0, 2])  # 0 % and 50 %


def test_fca_classes_put_no_access_first_in_the_darkest_colour(grid) -> None:  # type: ignore[no-untyped-def]
    r = run_coverage(
        grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500, method="2sfca")
    )  # type: ignore[arg-type]
    c = measure_classes(r, "grid")
    # cell values: 0 (4 cells) and 1000 (8 cells); one positive value -> one break at 1000
    assert c.upper == (0.0, 1000.0, math.inf)
    assert c.labels[0] == "kein Angebot erreichbar"
    assert c.colours[0] == PALETTE[-1] and c.colours[-1] == PALETTE[-3]
    np.testing.assert_array_equal(np.unique(c.index(r.cells["value"])), [0, 1])


# --------------------------------------------------------------------------------------------
# Grid image
# --------------------------------------------------------------------------------------------


def test_raster_lookup_puts_each_cell_where_it_belongs(grid) -> None:  # type: ignore[no-untyped-def]
    lookup = raster_lookup(grid, px_per_cell=4)
    (south, west), (north, east) = lookup.bounds
    lon0, lat0 = TO_WEB.transform(X0, Y0)
    lon1, lat1 = TO_WEB.transform(X0 + 6000, Y0 + 2000)
    assert west <= lon0 < east and south <= lat0 < north
    assert west < lon1 <= east and south < lat1 <= north
    height, width = lookup.pixel_cell.shape
    assert width >= 6 * 4 and height >= 2 * 4
    # the pixel under a cell centre shows that cell
    merc = Transformer.from_crs("EPSG:25832", "EPSG:3857", always_xy=True)
    mx0, my1 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(west, north)
    mx1, my0 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(east, south)
    for cell in range(grid.n_cells):
        cx = (grid.cell_ix[cell] + 0.5) * 1000
        cy = (grid.cell_iy[cell] + 0.5) * 1000
        mx, my = merc.transform(cx, cy)
        col = int((mx - mx0) / (mx1 - mx0) * width)
        row = int((my1 - my) / (my1 - my0) * height)
        assert lookup.pixel_cell[row, col] == cell
    assert set(np.unique(lookup.pixel_cell[lookup.pixel_cell >= 0])) == set(range(12))


def test_raster_lookup_outline_masks_pixels(grid) -> None:  # type: ignore[no-untyped-def]
    full = raster_lookup(grid)
    half = raster_lookup(grid, shapely.box(X0, Y0, X0 + 2000, Y0 + 2000))  # G1 only
    inside = half.pixel_cell >= 0
    assert 0 < inside.sum() < (full.pixel_cell >= 0).sum()
    cells = set(np.unique(half.pixel_cell[inside]))
    g1_cells = set(grid.cells.loc[grid.cells["ags"] == G1, "cell"])
    assert cells <= g1_cells


def test_cell_values_weight_split_cells_by_demand() -> None:
    inputs = make_inputs()
    # move the Gemeinde border to x = 1.5 km: cells x 1-2 km are split between G1 and G2
    geoms = [
        shapely.box(X0, Y0, X0 + 1500, Y0 + 2000),
        shapely.box(X0 + 1500, Y0, X0 + 6000, Y0 + 2000),
    ]
    split = coverage_inputs(
        inputs.gemeinden.set_geometry(gpd.GeoSeries(geoms, crs=inputs.gemeinden.crs)),
        inputs.kreise,
        pd.DataFrame(
            {"ags": [G1, G2], "population": [300, 900], "foreign_population": [90.0, 90.0]}
        ),
        population_source="zensus2022",
        boundary_product="VG5000",
        boundary_year=2021,
    )
    g = demand_grid_nrw(split, 1000)
    assert len(g.cells) == 14 and g.n_cells == 12
    r = run_coverage(g, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    values = cell_values(r, g.n_cells)
    cells = r.cells
    for cell in range(g.n_cells):
        part = cells[cells["cell"] == cell]
        expected = float((part["value"] * part["demand"]).sum() / part["demand"].sum())
        assert values[cell] == pytest.approx(expected)
    assert (cells.groupby("cell").size() == 2).sum() == 2


def test_raster_png_is_a_palette_image_with_transparent_outside(grid, result) -> None:  # type: ignore[no-untyped-def]
    lookup = raster_lookup(grid)
    classes = measure_classes(result, "grid")
    idx = classes.index(cell_values(result, grid.n_cells))
    png = raster_png(lookup, idx, classes)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "P" and image.size == lookup.pixel_cell.shape[::-1]
    pixels = np.asarray(image)
    np.testing.assert_array_equal(pixels == 0, lookup.pixel_cell < 0)  # 0 = transparent
    assert image.info["transparency"] == 0
    inside = lookup.pixel_cell >= 0
    np.testing.assert_array_equal(pixels[inside], idx[lookup.pixel_cell[inside]] + 2)
    rgb = image.convert("RGB").getpixel(
        (int(np.argwhere(inside)[0][1]), int(np.argwhere(inside)[0][0]))
    )
    assert "#{:02x}{:02x}{:02x}".format(*rgb) in classes.colours


# --------------------------------------------------------------------------------------------
# Web map
# --------------------------------------------------------------------------------------------


def test_grid_map_html(grid, result, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, kreise, _ = shapes
    m = coverage_map(result, "grid", kreise=kreise, gemeinden=gem, lookup=raster_lookup(grid))
    localize_assets(m)
    html = m.get_root().render()
    assert "data:image/png;base64," in html
    # legend and attribution go through JSON (non-ASCII as \\u escapes)
    assert js("Entfernung zum nächsten Angebot (Luftlinie)") in html
    assert js("© GeoBasis-DE / BKG 2021 (Daten verändert)") in html and "Zensus 2022" in html
    assert (
        "ABH Kreis Zwei" in html
        and js("Standort: Gemeindezentrum des Kreissitzes (ungefähr)") in html
    )
    assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
    assert len(html.encode()) < 200_000


def test_choropleth_escapes_names_and_colours_units(result, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, kreise, _ = shapes
    html = coverage_map(result, "gemeinde", kreise=kreise, gemeinden=gem).get_root().render()
    assert "Zweitdorf <b>" not in html
    # escaped once (&lt;b&gt;), then JSON-encoded by folium with & < > as \\u escapes
    assert "Zweitdorf \\u0026lt;b\\u0026gt;" in html
    classes = measure_classes(result, "gemeinde")
    for colour in classes.colour(result.gemeinden["value"]):
        assert colour in html
    kreis_html = coverage_map(result, "kreis", kreise=kreise).get_root().render()
    assert "Kreis Zwei" in kreis_html


def test_legend_html_escapes_labels() -> None:
    c = Classes("<script>x</script>", (math.inf,), ("<i>",), ("#fff",), "keine Angabe")
    html = legend_html(c, nodata=True)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;i&gt;" in html
    assert "keine Angabe" in html and "Angebot (Adresse)" in html


def test_units_geojson(result, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, _, _ = shapes
    data = units_geojson(result, gem, "gemeinde")
    json.dumps(data, allow_nan=False)  # valid JSON (no NaN)
    assert len(data["features"]) == 2
    props = {f["properties"]["ags"]: f["properties"] for f in data["features"]}
    assert props[G2]["demand_beyond"] == 100 and props[G2]["share_beyond_pct"] == 50
    assert data["parameters"]["threshold_m"] == 1500 and data["parameters"]["offers"] == 2
    assert "GeoBasis-DE" in data["attribution"]
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 5 < lon < 10 and 50 < lat < 53


# --------------------------------------------------------------------------------------------
# Map sheet
# --------------------------------------------------------------------------------------------


def test_map_sheet_formats_and_texts(grid, result, shapes) -> None:  # type: ignore[no-untyped-def]
    gem, kreise, land = shapes
    lookup = raster_lookup(grid)
    png = map_sheet(result, "grid", kreise=kreise, land=land, lookup=lookup, fmt="png", dpi=50)
    assert png.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png)).size == (584, 413)  # A4 landscape at 50 dpi
    pdf = map_sheet(result, "gemeinde", kreise=kreise, land=land, gemeinden=gem, fmt="pdf")
    assert pdf.startswith(b"%PDF")
    svg = map_sheet(result, "kreis", kreise=kreise, land=land, fmt="svg").decode("utf-8")
    for text in (
        "Versorgungslücken NRW",
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "Schwelle: 1,5 km",
        "Zensus 2022 (Stichtag 15.05.2022)",
        "unvollständig",
    ):
        assert text in svg, text
    # the headline with its caveat (G2's nearest offer stands at its Kreis seat) and its basis
    sentence = headline_sentence(result.headline)
    assert sentence.startswith("Nur eine Näherung") and "Auf Basis von 2 Angeboten" in sentence
    for line in sheet.wrap(sentence, 165).split("\n"):
        assert html.escape(line, quote=False) in svg, line
    with pytest.raises(ValueError, match="Format"):
        map_sheet(result, "kreis", kreise=kreise, land=land, fmt="gif")
