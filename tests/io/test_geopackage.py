"""GeoPackages for QGIS (``mapapp.io.geopackage``, ``mapapp.services.geopackages``,
``mapapp.render.qgis_styles``), read back with pyogrio and sqlite3 as QGIS/GDAL read them.

The inputs are SYNTHETIC (tests/fixtures/coverage_inputs.py and hand-made offers and units).
"""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.analysis.funding import CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT, CLASSES
from mapapp.io.geopackage import STYLES_TABLE, GpkgLayer, geopackage_bytes, write_geopackage
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.render.coverage_classes import PALETTE, VIEW_GRID, measure_classes
from mapapp.render.offers_payload import CATEGORY_COLOURS
from mapapp.render.qgis_styles import funding_qml, rgba
from mapapp.render.style import FUNDING_STYLES
from mapapp.services.geopackages import (
    LAYER_CELLS,
    LAYER_GEMEINDEN,
    LAYER_KREISE,
    cells_frame,
    coverage_layers,
    funding_layer,
    offers_layer,
)
from mapapp.services.table_exports import funded_table_labelled
from mapapp.text import t
from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers

STYLE_COLUMNS = [
    "f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName",
    "styleQML", "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time",
]  # fmt: skip
ATTRIBUTION = "© GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0 (SYNTHETIC test)"


def styles(path: Path) -> dict[str, str]:
    """f_table_name -> styleQML of the default styles, read as QGIS reads the table."""
    frame = pyogrio.read_dataframe(path, layer=STYLES_TABLE)
    assert list(frame.columns) == STYLE_COLUMNS
    return {
        row.f_table_name: row.styleQML
        for row in frame.itertuples()
        if bool(row.useAsDefault) and row.f_geometry_column == "geom"
    }


def renderer(qml: str) -> ET.Element:
    root = ET.fromstring(qml.split("\n", 1)[1])  # after the DOCTYPE line
    assert root.tag == "qgis"
    found = root.find("renderer-v2")
    assert found is not None
    return found


def units() -> gpd.GeoDataFrame:
    """Two funded units and an unfunded one, as funding_units returns them (SYNTHETIC)."""
    boxes = [shapely.box(300_000, 5_650_000, 310_000, 5_660_000), shapely.box(310_000, 5_650_000, 320_000, 5_660_000), shapely.box(320_000, 5_650_000, 330_000, 5_660_000)]  # fmt: skip
    return gpd.GeoDataFrame(
        {
            "ags": ["05901", "05111000", "05902016"],
            "name": ["Nordkreis", "Alphastadt", "Epsilonstadt"],
            "level": ["kreis", "kreis", "gemeinde"],
            "unit_type": ["Kreis", "kreisfreie Stadt", "kreisangehörige Stadt"],
            "eligible": [True, True, False],
            "funded": [True, True, False],
            "map_class": [CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT, "other"],
            "years": [(2007,), (2005, 2006), ()],
            "n_projects": [1, 1, 0],
            "projects": ["Konzept N", '=HYPERLINK("http://x")', ""],
            "focus": ["", "", ""],
            "amount_eur": [75_000.0, float("nan"), float("nan")],
            "confidence": ["uncertain", "documented", ""],
            "sources": [("https://example.org/n",), (), ()],
        },
        geometry=boxes,
        crs="EPSG:25832",
    )


def offers() -> list[Offer]:
    return [
        Offer(
            id="a", name="Beratung Ä", category=OfferCategory.MBE, city="Aheim",
            lat=51.2, lon=6.8, precision=Precision.ADDRESS, coord_source=CoordSource.FILE,
            source="SYNTHETIC",
        ),
        Offer(
            id="k", name="Amt ohne Ort", category=OfferCategory.ABH, kreis_ags="05901",
            lon=None, lat=None, precision=Precision.KREIS_AREA,
            coord_source=CoordSource.BOUNDARY, source="SYNTHETIC",
        ),
    ]  # fmt: skip


def test_layers_styles_and_attribution_as_qgis_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "foerderung.gpkg"
    write_geopackage(path, [funding_layer(units(), "2005–2007", ATTRIBUTION)])
    assert [list(x) for x in pyogrio.list_layers(path)] == [
        ["foerderung", "Polygon"],
        [STYLES_TABLE, None],
    ]
    frame = pyogrio.read_dataframe(path, layer="foerderung")
    assert frame.crs.to_epsg() == 25832
    assert frame["years"].tolist() == ["2007", "2005, 2006", ""]
    assert frame["map_class_label"].tolist()[:2] == ["Kreis (gefördert)", "Stadt (gefördert)"]
    info = pyogrio.read_info(path, layer="foerderung")
    assert info["layer_metadata"]["DESCRIPTION"] == ATTRIBUTION  # QGIS: abstract
    assert info["layer_metadata"]["ATTRIBUTION"] == ATTRIBUTION
    assert info["layer_metadata"]["IDENTIFIER"].endswith("2005–2007")  # QGIS: title
    qml = styles(path)["foerderung"]
    r = renderer(qml)
    assert r.get("type") == "categorizedSymbol" and r.get("attr") == "map_class"
    assert [c.get("value") for c in r.iter("category")] == list(CLASSES)
    for cls in CLASSES:  # the app's colours (render/style.py), with their opacity
        style = FUNDING_STYLES[cls]
        assert rgba(style.fill, style.fill_opacity) in qml and rgba(style.edge) in qml
    assert "LinePatternFill" in qml and "CentroidFill" in qml  # Kreis hatch, Stadt symbol
    with closing(sqlite3.connect(path)) as db:
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents").fetchall())
        assert contents == {"foerderung": "features", STYLES_TABLE: "attributes"}
        extensions = {r[0] for r in db.execute("SELECT table_name FROM gpkg_extensions")}
        assert STYLES_TABLE not in extensions  # as QGIS writes it (no unknown extension)


@pytest.mark.parametrize(
    ("lang", "confidence", "unit_types"),
    [
        ("en", ["uncertain", "documented", ""],
         ["district (Kreis)", "independent city", "town within a district"]),
        ("ar", ["غير مؤكد", "موثَّق", ""],
         ["دائرة (Kreis)", "مدينة مستقلة (لا تتبع دائرة)", "مدينة تابعة لدائرة"]),
    ],
)  # fmt: skip
def test_funding_layer_has_the_coded_columns_labelled_like_the_excel_table(
    tmp_path: Path, lang: str, confidence: list[str], unit_types: list[str]
) -> None:
    path = tmp_path / "foerderung.gpkg"
    write_geopackage(path, [funding_layer(units(), "2005–2007", ATTRIBUTION, lang)])
    frame = pyogrio.read_dataframe(path, layer="foerderung")
    # the codes stay for scripts and styles, the label column beside each in the language
    assert frame["confidence"].tolist() == ["uncertain", "documented", ""]
    assert frame["confidence_label"].tolist() == confidence
    assert frame["unit_type"].tolist() == units()["unit_type"].tolist()
    assert frame["unit_type_label"].tolist() == unit_types
    # the same words as the labelled (Excel) table of the same units
    excel = funded_table_labelled(units()[["unit_type", "confidence"]], lang)
    assert excel[t("fk.col.confidence", lang)].tolist() == confidence
    assert excel[t("fk.col.unit_type", lang)].tolist() == unit_types
    # QGIS: the label column under the table's header, the code column named as the code
    aliases = {
        a.get("field"): a.get("name")
        for a in ET.fromstring(styles(path)["foerderung"].split("\n", 1)[1]).iter("alias")
    }
    assert aliases["confidence_label"] == t("fk.col.confidence", lang)
    assert aliases["confidence"] == t("gpkg.col.code", lang, column=t("fk.col.confidence", lang))
    assert aliases["unit_type_label"] == t("fk.col.unit_type", lang)


def test_offers_layer_points_in_utm_with_category_colours(tmp_path: Path) -> None:
    path = tmp_path / "angebote.gpkg"
    path.write_bytes(geopackage_bytes([offers_layer(offers(), ATTRIBUTION)]))
    frame = pyogrio.read_dataframe(path, layer="angebote")
    assert frame["name"].tolist() == ["Beratung Ä", "Amt ohne Ort"]
    point = frame.geometry.iloc[0]
    assert 300_000 < point.x < 400_000 and 5_600_000 < point.y < 5_700_000  # EPSG:25832 m
    assert frame.geometry.iloc[1] is None  # known only by its Kreis: no invented point
    qml = styles(path)["angebote"]
    assert renderer(qml).get("type") == "RuleRenderer"
    assert rgba(CATEGORY_COLOURS[OfferCategory.MBE]) in qml
    assert rgba(CATEGORY_COLOURS[OfferCategory.ABH]) in qml
    assert '<alias field="category_label" index="3" name="Kategorie" />' in qml


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    params = CoverageParams(categories=(ABH,), threshold_m=1500)
    return run_coverage(demand_grid_nrw(make_inputs(), 1000), make_offers(), params)


def test_coverage_layers_per_gemeinde_kreis_and_cell(result, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gemeinden = make_inputs().gemeinden
    kreise = gemeinden.dissolve("kreis_ags").reset_index()[["kreis_ags", "geometry"]]
    kreise = kreise.rename(columns={"kreis_ags": "ags"})
    path = tmp_path / "luecken.gpkg"
    write_geopackage(path, coverage_layers(result, gemeinden, kreise, "en", cells=True))
    names = [str(n) for n, _ in pyogrio.list_layers(path)]
    assert names == [LAYER_GEMEINDEN, LAYER_KREISE, LAYER_CELLS, STYLES_TABLE]
    gem = pyogrio.read_dataframe(path, layer=LAYER_GEMEINDEN)
    expected = result.gemeinden.set_index("ags")["value"]
    np.testing.assert_allclose(gem["value"], expected.reindex(gem["ags"]).to_numpy())
    cells = pyogrio.read_dataframe(path, layer=LAYER_CELLS)
    assert cells["demand"].sum() == pytest.approx(result.cells["demand"].sum())
    assert set(cells.geometry.area.round(3)) == {1_000_000.0}  # whole 1 km squares
    qml = styles(path)
    for level in ("gemeinde", "kreis"):
        classes = measure_classes(result, level, "en")
        layer = LAYER_GEMEINDEN if level == "gemeinde" else LAYER_KREISE
        rules = list(renderer(qml[layer]).iter("rule"))
        assert [r.get("label") for r in rules[1:]] == list(classes.labels)
        for colour in classes.colours:
            assert rgba(colour) in qml[layer]
    assert rgba(PALETTE[-1]) in qml[LAYER_CELLS]
    grid = measure_classes(result, VIEW_GRID, "en")
    assert [r.get("label") for r in renderer(qml[LAYER_CELLS]).iter("rule")][1:] == list(
        grid.labels
    )
    info = pyogrio.read_info(path, layer=LAYER_KREISE)["layer_metadata"]
    assert "GeoBasis-DE" in info["DESCRIPTION"] and "1,500" in info["PARAMETERS"]


def test_cells_are_the_squares_of_the_map(result) -> None:  # type: ignore[no-untyped-def]
    cells = cells_frame(result)
    assert len(cells) == result.n_cells
    for square, x, y in zip(
        cells.geometry, result.cells.groupby("cell")["x"].first(), result.cells.groupby("cell")["y"].first(), strict=True
    ):  # fmt: skip
        assert square.contains(shapely.Point(x, y)) or square.touches(shapely.Point(x, y))


def test_layer_names_must_be_unique(tmp_path: Path) -> None:
    layer = GpkgLayer("a", units(), "A", ATTRIBUTION, funding_qml())
    with pytest.raises(ValueError, match="eindeutig"):
        write_geopackage(tmp_path / "x.gpkg", [layer, layer])
    assert not (tmp_path / "x.gpkg").exists()
