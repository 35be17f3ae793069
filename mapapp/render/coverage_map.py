"""The coverage web map (:mod:`mapapp.analysis.coverage` results): grid image or choropleth.

The grid is drawn as one image (:mod:`.coverage_raster`), not as tens of thousands of GeoJSON
squares. Gemeinden and Kreise are drawn as GeoJSON polygons (choropleth) with escaped tooltips;
offers as small circles (filled at an exact address, hollow where approximate).
"""

from __future__ import annotations

import base64
import math
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from mapapp.analysis.coverage.params import Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import ATTRIBUTION_OSM_DATA
from mapapp.render import legend
from mapapp.render.coverage_classes import (
    KREIS_EDGE,
    NODATA_COLOUR,
    OFFER_COLOUR,
    VIEW_GEMEINDE,
    VIEW_GRID,
    VIEW_KREIS,
    VIEWS,
    Classes,
    measure_classes,
    unit_table,
)
from mapapp.render.coverage_raster import RasterLookup, classed_cells, raster_png
from mapapp.render.maps import COORD_DECIMALS, base_map, web_features
from mapapp.render.safe import RawHtml, esc
from mapapp.text import integer, label, number, percent, t
from mapapp.text.coverage import attribution, attribution_text
from mapapp.text.coverage_basis import basis_text
from mapapp.text.coverage_network import method_label, reach_text

# keep the scale bar visible above a long (wrapped) attribution line
_CSS = (
    "<style>.leaflet-control-attribution{font-size:10px}"
    ".leaflet-bottom.leaflet-left{bottom:28px}"
    "@media (max-width:520px){.mapapp-legend{font-size:10px !important;"
    "max-width:180px !important;padding:3px 5px !important}"
    ".leaflet-bottom.leaflet-left{bottom:46px}}</style>"
)


def value_text(result: CoverageResult, value: float, lang: str = "de") -> str:
    """The measure value with its unit."""
    method = result.params.method
    if method is Method.NEAREST and result.params.network:  # travel minutes
        return t("cov.minutes", lang, value=number(value, lang))
    if method is Method.NEAREST:
        return t("fmt.km", lang, value=number(value, lang))
    if method in (Method.SHARE, Method.CAPACITY):
        return percent(value, lang)
    key = "cov.value.per10k" if method is Method.PER_CAPITA else "cov.value.per100k"
    return t(key, lang, value=number(value, lang, 2))


def unit_tooltip(result: CoverageResult, rec: dict[str, Any], lang: str = "de") -> str:
    """Escaped tooltip HTML for one Gemeinde or Kreis."""
    p = result.params
    lines = [
        f"<b>{esc(rec.get('name'))}</b>",
        esc(
            t(
                "cov.tip.demand",
                lang,
                who=label("demand", p.demand, lang),
                value=integer(rec.get("demand"), lang),
            )
        ),
        esc(
            t(
                "cov.tip.beyond",
                lang,
                km=reach_text(p.threshold, p.mode, lang),
                people=integer(rec.get("demand_beyond"), lang),
                share=percent(rec.get("share_beyond_pct"), lang),
            )
        ),
        esc(
            t(
                "cov.tip.mean",
                lang,
                km=t("fmt.km", lang, value=number(rec.get("mean_nearest_km"), lang)),
            )
        ),
        esc(t("cov.tip.offers", lang, n=integer(rec.get("offers"), lang))),
    ]
    flag = rec.get("nearest_approx")
    if isinstance(flag, bool | np.bool_) and flag:  # a shape without a result row: NaN
        lines.append(f"<i>{esc(t('cov.approx_row', lang))}</i>")
    if p.method not in (Method.NEAREST, Method.SHARE):  # otherwise the measure is listed above
        value = value_text(result, rec.get("value", math.nan), lang)
        lines.insert(1, f"{esc(label('method', p.method, lang))}: {esc(value)}")
    return "<br>".join(lines)


def legend_html(
    classes: Classes, *, offers: bool = True, nodata: bool = False, lang: str = "de"
) -> str:
    """Escaped legend HTML: a swatch per class (plus offers and no-data rows)."""

    def box(colour: str) -> str:
        return legend.box_swatch(f"border:1px solid #777;background:{colour}", width=16)

    rows = [
        legend.Row(box(c), label) for label, c in zip(classes.labels, classes.colours, strict=True)
    ]
    if nodata:
        rows.append(legend.Row(box(NODATA_COLOUR), classes.nodata_label))
    if offers:
        dot = (
            "display:inline-block;width:9px;height:9px;border-radius:50%;margin:0 9px 0 3px;"
            f"vertical-align:middle;border:2px solid {OFFER_COLOUR};background:{{b}}"
        )
        rows.append(
            legend.Row(
                f"<span style='{dot.format(b=OFFER_COLOUR)}'></span>",
                t("legend.offer.exact", lang),
                "margin-top:4px",
            )
        )
        rows.append(
            legend.Row(
                f"<span style='{dot.format(b='#ffffff')}'></span>", t("legend.offer.approx", lang)
            )
        )
    return legend.legend_html(classes.title, rows)


def _offer_tooltip(rec: dict[Any, Any], precision: str, lang: str = "de") -> str:
    category = rec.get("category")
    name = label("category", category, lang) if category else rec.get("category_label")
    tip = f"<b>{esc(rec.get('name'))}</b><br>{esc(name)}"
    if precision != "address":
        where = t("offer.location", lang, precision=label("precision", precision, lang))
        tip += f"<br><i>{esc(where)}</i>"
    return tip


def _offers_geojson(offers: pd.DataFrame, lang: str = "de") -> dict[str, Any]:
    features = []
    for rec in offers.to_dict("records"):
        lat, lon = rec.get("lat"), rec.get("lon")
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        precision = str(rec.get("precision") or "")
        lonlat = [round(float(lon), COORD_DECIMALS), round(float(lat), COORD_DECIMALS)]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "tooltip": _offer_tooltip(rec, precision, lang),
                    "exact": precision == "address",
                },
                "geometry": {"type": "Point", "coordinates": lonlat},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _add_offers(m: folium.Map, offers: pd.DataFrame, lang: str) -> None:
    data = _offers_geojson(offers, lang)
    if not data["features"]:
        return
    folium.GeoJson(
        data,
        name=t("map.layer.offers", lang),
        marker=folium.CircleMarker(radius=4, weight=2),
        style_function=lambda f: {
            "color": OFFER_COLOUR,
            "fillColor": OFFER_COLOUR if f["properties"]["exact"] else "#ffffff",
            "fillOpacity": 1.0,
            "weight": 2,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    ).add_to(m)


def _units_layer(
    result: CoverageResult,
    shapes: gpd.GeoDataFrame,
    level: str,
    classes: Classes | None,
    lang: str,
) -> folium.GeoJson:
    """Gemeinden or Kreise with tooltips; filled by class (``classes``) or as outlines only."""
    table = unit_table(result, shapes, level)
    records = table.reset_index().to_dict("records")
    props = pd.DataFrame(
        {
            "tooltip": [
                unit_tooltip(result, {str(k): v for k, v in r.items()}, lang) for r in records
            ]
        }
    )
    if classes is not None:
        props["fill"] = classes.colour(table["value"].to_numpy(dtype=float))
    web = gpd.GeoDataFrame(props, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    filled = classes is not None

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        if filled:
            return {
                "fillColor": feature["properties"]["fill"],
                "fillOpacity": 0.85,
                "color": "#666666" if level == VIEW_GEMEINDE else KREIS_EDGE,
                "weight": 0.4 if level == VIEW_GEMEINDE else 1.2,
            }
        return {"fillOpacity": 0.0, "color": KREIS_EDGE, "weight": 1.0, "opacity": 0.9}

    return folium.GeoJson(
        web_features(web, list(props.columns)),
        name=t("map.layer.gemeinden" if level == VIEW_GEMEINDE else "map.layer.kreise", lang),
        style_function=style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def map_attribution(result: CoverageResult, lang: str = "de") -> str:
    """The attribution on the web map: boundaries and population (offers are credited per
    offer), and OpenStreetMap when the figures rest on its street network."""
    text = attribution_text(
        result.boundary_year,
        result.population_source,
        offers=False,
        foreign_year=result.foreign_year,
        grid_resolution_m=result.params.cell_size_m,
        lang=lang,
    )
    return f"{text} | {ATTRIBUTION_OSM_DATA}" if result.network is not None else text


def coverage_map(
    result: CoverageResult,
    view: str,
    *,
    kreise: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None = None,
    lookup: RasterLookup | None = None,
    tiles: bool = False,
    lang: str = "de",
) -> folium.Map:
    """The coverage web map: grid image or Gemeinde/Kreis choropleth, Kreis outlines, offers, legend.

    Parameters
    ----------
    view
        :data:`VIEW_GRID` (needs ``lookup``), :data:`VIEW_GEMEINDE` (needs ``gemeinden``) or
        :data:`VIEW_KREIS`.
    kreise, gemeinden
        Boundary polygons with ``ags`` (any CRS; simplified web geometry recommended).
    lang
        Language of the legend, tooltips and layer names (:mod:`mapapp.text`).
    """
    if view not in VIEWS:
        raise ValueError(f"Ansicht muss eine von {', '.join(VIEWS)} sein")
    m = base_map(tiles=tiles, attribution=map_attribution(result, lang), lang=lang)
    m.get_root().header.add_child(RawHtml(_CSS), name="mapapp_coverage_css")  # type: ignore[attr-defined]
    classes = measure_classes(result, view, lang)
    if view == VIEW_GRID:
        nodata = _add_grid(m, result, classes, lookup, lang)
        _units_layer(result, kreise, VIEW_KREIS, None, lang).add_to(m)
    elif view == VIEW_GEMEINDE:
        if gemeinden is None:
            raise ValueError("die Gemeindeansicht braucht die Gemeindegrenzen")
        nodata = bool(result.gemeinden["value"].isna().any())
        _units_layer(result, gemeinden, VIEW_GEMEINDE, classes, lang).add_to(m)
        folium.GeoJson(
            web_features(kreise, []),
            name=t("map.layer.kreisgrenzen", lang),
            style_function=lambda _f: {"fillOpacity": 0.0, "color": KREIS_EDGE, "weight": 1.2},
            interactive=False,
        ).add_to(m)
    else:
        nodata = bool(result.kreise["value"].isna().any())
        _units_layer(result, kreise, VIEW_KREIS, classes, lang).add_to(m)
    _add_offers(m, result.offers, lang)
    m.add_child(legend.Legend(legend_html(classes, nodata=nodata, lang=lang)))
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    return m


def _add_grid(
    m: folium.Map,
    result: CoverageResult,
    classes: Classes,
    lookup: RasterLookup | None,
    lang: str = "de",
) -> bool:
    """The classed grid as one image overlay; returns whether some cell has no value."""
    if lookup is None:
        raise ValueError("die Rasteransicht braucht raster_lookup(...)")
    idx = classed_cells(result, lookup, classes)
    png = raster_png(lookup, idx, classes)
    folium.raster_layers.ImageOverlay(
        "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        bounds=lookup.bounds,
        opacity=0.85,
        name=t("map.layer.grid", lang, size=integer(result.params.cell_size_m, lang)),
        pixelated=True,
    ).add_to(m)
    return bool((idx < 0).any())


def units_geojson(
    result: CoverageResult, shapes: gpd.GeoDataFrame, level: str, lang: str = "de"
) -> dict[str, Any]:
    """Gemeinden or Kreise with every result column as GeoJSON (WGS84) plus attribution/parameters
    (``measure`` and the attribution in ``lang``; property names stay the machine columns)."""
    table = unit_table(result, shapes, level).reset_index()
    frame = gpd.GeoDataFrame(table, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    data = web_features(frame, list(table.columns))
    for feature in data["features"]:
        for key, value in feature["properties"].items():
            if isinstance(value, float) and not math.isfinite(value):
                feature["properties"][key] = None
    p = result.params
    data["attribution"] = attribution(result, lang)
    data["parameters"] = {
        "method": p.method.value,
        "measure": method_label(p, lang),
        "demand": p.demand.value,
        "categories": list(p.categories),
        "threshold_m": p.threshold_m,
        "cell_size_m": p.cell_size_m,
        "catchment_m": p.catchment_m,
        "mode": p.mode,
        "threshold_min": p.threshold_min,
        "offers": result.headline.n_offers,
        "basis": basis_text(result.headline, lang),
    }
    return data
