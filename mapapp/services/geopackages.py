"""The GeoPackage layers the pages and the CLI hand out: offers, funded units, coverage results.

Each layer is a :class:`mapapp.io.geopackage.GpkgLayer` in EPSG:25832 with the app's style
(:mod:`mapapp.render.qgis_styles`: same colours and classes as the maps, field aliases in
``lang``) and the attribution of its data. Field names stay the machine columns, so a style's
expressions and scripts work in every language; QGIS shows the aliases.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import CRS_METRIC, CRS_WEB
from mapapp.io.geopackage import GpkgLayer
from mapapp.offers_model import OFFER_COLUMNS, Offer, offers_table_rows
from mapapp.render.coverage_classes import VIEW_GRID, measure_classes, unit_table
from mapapp.render.coverage_raster import cell_values
from mapapp.render.qgis_styles import classes_qml, funding_qml, offers_qml
from mapapp.services.table_exports import (
    FUNDED_CONCEPTS,
    code_labels,
    coverage_headers,
    funded_table_headers,
)
from mapapp.text import integer, label, t
from mapapp.text.coverage import attribution as coverage_attribution
from mapapp.text.coverage import export_comment

LAYER_OFFERS = "angebote"
LAYER_FUNDING = "foerderung"
LAYER_GEMEINDEN = "gemeinden"
LAYER_KREISE = "kreise"
LAYER_CELLS = "zellen"

#: Columns of the funding layer (the Förderkarte units, lists flattened).
FUNDING_COLUMNS = (
    "ags", "name", "level", "unit_type", "unit_type_label", "map_class", "map_class_label",
    "eligible", "funded", "years", "n_projects", "projects", "focus", "amount_eur",
    "confidence", "confidence_label", "sources",
)  # fmt: skip


def offers_layer(offers: Sequence[Offer], attribution: str, lang: str = "de") -> GpkgLayer:
    """The offers as points (no geometry for an offer without a location); ``category_label``
    in ``lang``; lists joined by ``;`` as in the CSV."""
    frame = pd.DataFrame.from_records(offers_table_rows(offers), columns=list(OFFER_COLUMNS))
    frame["category_label"] = [label("category", o.category, lang) for o in offers]
    points = [
        shapely.Point(o.lonlat) if o.lonlat is not None else None  # lonlat: (lon, lat)
        for o in offers
    ]
    layer = gpd.GeoDataFrame(frame, geometry=points, crs=CRS_WEB).to_crs(CRS_METRIC)
    aliases = {c: t(f"col.offer.{c}", lang) for c in OFFER_COLUMNS}
    return GpkgLayer(
        name=LAYER_OFFERS,
        frame=layer,
        title=t("gpkg.layer.offers", lang),
        attribution=attribution,
        qml=offers_qml(lang, aliases),
    )


def funding_layer(
    units: gpd.GeoDataFrame, years_label: str, attribution: str, lang: str = "de"
) -> GpkgLayer:
    """The Förderkarte units (:func:`mapapp.analysis.funding.funding_units`) with their
    boundaries and class (``map_class``, styled as on the map). Each coded column keeps its
    codes and has a ``<column>_label`` beside it in ``lang`` (as the Excel table labels them);
    QGIS shows the label column under the table's header, the code column as "… (Code)"."""
    frame = units.copy()
    frame["map_class_label"] = [t(f"funding.class.{c}", lang) for c in frame["map_class"]]
    for column, concept in FUNDED_CONCEPTS.items():
        frame[f"{column}_label"] = code_labels(frame[column], concept, lang)
    frame["years"] = [", ".join(map(str, ys)) for ys in frame["years"]]
    frame["sources"] = [" | ".join(s) for s in frame["sources"]]
    frame["amount_eur"] = pd.to_numeric(frame["amount_eur"], errors="coerce")
    layer = gpd.GeoDataFrame(
        frame[list(FUNDING_COLUMNS)], geometry=frame.geometry.to_numpy(), crs=units.crs
    )
    aliases = {c: h for c, h in funded_table_headers(lang).items() if c in FUNDING_COLUMNS}
    for column in FUNDED_CONCEPTS:
        aliases[f"{column}_label"] = aliases[column]
        aliases[column] = t("gpkg.col.code", lang, column=aliases[column])
    aliases["map_class_label"] = t("gpkg.col.map_class", lang)
    return GpkgLayer(
        name=LAYER_FUNDING,
        frame=layer,
        title=t("gpkg.layer.funding", lang, years=years_label),
        attribution=attribution,
        qml=funding_qml(lang, aliases),
    )


def coverage_layers(
    result: CoverageResult,
    gemeinden: gpd.GeoDataFrame,
    kreise: gpd.GeoDataFrame,
    lang: str = "de",
    *,
    cells: bool = True,
) -> list[GpkgLayer]:
    """Coverage per Gemeinde and per Kreis (their boundaries, every result column) and, with
    ``cells``, per grid cell; each styled with the legend classes of its map view."""
    attribution = coverage_attribution(result, lang)
    metadata = {"PARAMETERS": export_comment(result, lang)}
    aliases = coverage_headers(lang, result.params)
    layers = []
    for level, name, shapes in (
        ("gemeinde", LAYER_GEMEINDEN, gemeinden),
        ("kreis", LAYER_KREISE, kreise),
    ):
        table = unit_table(result, shapes, level).reset_index()
        table = table.replace([np.inf, -np.inf], np.nan)
        frame = gpd.GeoDataFrame(table, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
        layers.append(
            GpkgLayer(
                name=name,
                frame=frame,
                title=t(f"gpkg.layer.{level}", lang),
                attribution=attribution,
                qml=classes_qml(measure_classes(result, level, lang), aliases=aliases),
                metadata=metadata,
            )
        )
    if cells:
        layers.append(
            GpkgLayer(
                name=LAYER_CELLS,
                frame=cells_frame(result),
                title=t("gpkg.layer.cell", lang, size=integer(result.params.cell_size_m, lang)),
                attribution=attribution,
                qml=classes_qml(
                    measure_classes(result, VIEW_GRID, lang), aliases=aliases, outline=False
                ),
                metadata=metadata,
            )
        )
    return layers


def cells_frame(result: CoverageResult) -> gpd.GeoDataFrame:
    """One square per whole grid cell (as the map draws them): ``cell_id`` (of its first piece),
    ``population``, ``demand``, ``demand_beyond``, ``nearest_m`` (nearest of its pieces, empty
    without an offer) and ``value`` (the map's value: demand-weighted mean over the pieces)."""
    pieces = result.cells
    size = float(result.params.cell_size_m)
    beyond = pieces["demand"].to_numpy(float) * pieces["beyond"].to_numpy(bool)
    grouped = pieces.assign(demand_beyond=beyond).groupby("cell", sort=True)
    table = grouped.agg(
        cell_id=("cell_id", "first"),
        x=("x", "first"),
        y=("y", "first"),
        population=("population", "sum"),
        demand=("demand", "sum"),
        demand_beyond=("demand_beyond", "sum"),
        nearest_m=("nearest_m", "min"),
    )
    table["value"] = cell_values(result, result.n_cells)[table.index.to_numpy()]
    table = table.replace([np.inf, -np.inf], np.nan)
    # A piece's centroid lies inside its (convex) square, so the square is found from it.
    ix = np.floor(table["x"].to_numpy(float) / size)
    iy = np.floor(table["y"].to_numpy(float) / size)
    squares = shapely.box(ix * size, iy * size, (ix + 1) * size, (iy + 1) * size)
    out = table.drop(columns=["x", "y"]).reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry=squares, crs=CRS_METRIC)
