"""The difference map of a coverage scenario: the change of the measure (after minus before) per
grid cell, Gemeinde or Kreis in diverging colours, the changed offers and a legend.

Colours say *better* or *worse*, whichever way the measure runs: a shorter distance, a smaller
share beyond the threshold or left unserved is better; more offers per person (2SFCA, E2SFCA,
offers per 10,000) is better. ColorBrewer RdBu (readable with the common colour-vision
deficiencies): blue better, red worse, light grey unchanged.
"""

from __future__ import annotations

import base64
import math
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.coverage.params import Method
from mapapp.analysis.coverage.scenario_result import ScenarioResult
from mapapp.model import COL_AGS
from mapapp.render import legend
from mapapp.render.coverage_classes import (
    KREIS_EDGE,
    NODATA_COLOUR,
    VIEW_GEMEINDE,
    VIEW_GRID,
    Classes,
)
from mapapp.render.coverage_map import map_attribution, value_text
from mapapp.render.coverage_raster import RasterLookup, cell_values, raster_png
from mapapp.render.maps import COORD_DECIMALS, base_map, web_features
from mapapp.render.safe import esc
from mapapp.text import integer, km, label, number, t
from mapapp.text.coverage_network import value_key

#: Worse (much, some), unchanged, better (some, much): ColorBrewer RdBu, 5 classes.
DIVERGING = ("#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0")
#: New or moved offers; the old place of a removed offer.
CHANGED_COLOUR = "#1b7837"
REMOVED_COLOUR = "#7f7f7f"
#: Changes smaller than this (in the measure's unit) count as "unchanged" (float noise).
SAME_EPS = 1e-9


def better_sign(method: Method) -> float:
    """+1 when a larger value of the measure is better, -1 when a smaller one is."""
    return 1.0 if method in (Method.TWO_SFCA, Method.E2SFCA, Method.PER_CAPITA) else -1.0


def _step(gains: npt.NDArray[np.float64]) -> float:
    """Bound between "some" and "much": half the largest change, two significant digits."""
    finite = np.abs(gains[np.isfinite(gains)])
    top = float(finite.max()) if finite.size else 0.0
    if top <= SAME_EPS:
        return 1.0
    half = top / 2
    digits = 1 - int(math.floor(math.log10(half)))
    return max(round(half, digits), SAME_EPS * 10)


def difference_classes(
    sr: ScenarioResult, gains: npt.NDArray[np.float64], lang: str = "de"
) -> Classes:
    """Five classes of the improvement ``gains`` (change x :func:`better_sign`): worse by more
    than the step, worse, unchanged, better, better by more than the step."""
    step = _step(gains)
    params = sr.after.params
    if params.method is Method.NEAREST and params.network:  # travel minutes
        x = t("cov.minutes", lang, value=number(step, lang, 0 if step == round(step) else 1))
    elif params.method is Method.NEAREST:  # as few places as the step has
        x = t("fmt.km", lang, value=km(step * 1000, lang))
    else:
        x = value_text(sr.after, step, lang)
    measure = t(value_key(params), lang)
    return Classes(
        title=t("scn.legend.title", lang, value=measure),
        upper=(-step, -SAME_EPS, SAME_EPS, step, math.inf),
        labels=(
            t("scn.class.worse_more", lang, x=x),
            t("scn.class.worse", lang, x=x),
            t("scn.class.same", lang),
            t("scn.class.better", lang, x=x),
            t("scn.class.better_more", lang, x=x),
        ),
        colours=DIVERGING,
        nodata_label=t("scn.class.nodata", lang),
    )


def cell_gains(sr: ScenarioResult, lookup: RasterLookup) -> npt.NDArray[np.float64]:
    """Improvement per whole grid cell (positions of ``lookup``)."""
    n = int(lookup.dense.max()) + 1
    with np.errstate(invalid="ignore"):
        change = cell_values(sr.after, n) - cell_values(sr.before, n)
    return change * better_sign(sr.after.params.method)


def _unit_gains(sr: ScenarioResult, level: str, shapes: gpd.GeoDataFrame) -> pd.DataFrame:
    table = sr.units(level).set_index(COL_AGS).reindex(shapes[COL_AGS].astype(str).to_numpy())
    table["gains"] = table["change"].to_numpy(dtype=float) * better_sign(sr.after.params.method)
    return table


def _tooltip(sr: ScenarioResult, rec: dict[str, Any], lang: str) -> str:
    def value(v: Any) -> str:
        return value_text(sr.after, float(v), lang) if v == v and v is not None else "–"

    change = rec.get("change")
    sign = "+" if change is not None and change == change and change > 0 else ""
    lines = [
        f"<b>{esc(rec.get('name'))}</b>",
        esc(f"{t('scn.before', lang)}: {value(rec.get('value_before'))}"),
        esc(f"{t('scn.after', lang)}: {value(rec.get('value_after'))}"),
        esc(f"{t('scn.col.change', lang)}: {sign}{value(change)}"),
        esc(f"{t('scn.col.gain', lang)}: {integer(rec.get('gain'), lang)}"),
        esc(f"{t('scn.col.lose', lang)}: {integer(rec.get('lose'), lang)}"),
    ]
    return "<br>".join(lines)


def _units_layer(
    sr: ScenarioResult, shapes: gpd.GeoDataFrame, level: str, classes: Classes, lang: str
) -> folium.GeoJson:
    table = _unit_gains(sr, level, shapes)
    records = table.reset_index().to_dict("records")
    props = pd.DataFrame(
        {
            "tooltip": [_tooltip(sr, {str(k): v for k, v in r.items()}, lang) for r in records],
            "fill": classes.colour(table["gains"].to_numpy(dtype=float)),
        }
    )
    web = gpd.GeoDataFrame(props, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    gemeinde = level == VIEW_GEMEINDE
    return folium.GeoJson(
        web_features(web, list(props.columns)),
        name=t("map.layer.gemeinden" if gemeinde else "map.layer.kreise", lang),
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.85,
            "color": "#666666" if gemeinde else KREIS_EDGE,
            "weight": 0.4 if gemeinde else 1.2,
        },
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def _offer_points(offers: pd.DataFrame, ids: set[str], lang: str) -> dict[str, Any]:
    features = []
    for rec in offers.to_dict("records"):
        if str(rec.get("id")) not in ids:
            continue
        lat, lon = float(rec.get("lat") or math.nan), float(rec.get("lon") or math.nan)
        if not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        tip = (
            f"<b>{esc(rec.get('name'))}</b><br>{esc(label('category', rec.get('category'), lang))}"
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"tooltip": tip},
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _add_changed_offers(m: folium.Map, sr: ScenarioResult, lang: str) -> None:
    """New and moved offers (filled green), removed offers at their old place (hollow grey)."""
    s = sr.scenario
    layers = (
        (sr.before.offers, set(s.removed), REMOVED_COLOUR, "#ffffff", "scn.legend.removed"),
        (sr.after.offers, {o.id for o in s.added} | {m.id for m in s.moved}, CHANGED_COLOUR,
         CHANGED_COLOUR, "scn.legend.changed"),
    )  # fmt: skip
    for offers, ids, colour, fill, name in layers:
        data = _offer_points(offers, ids, lang)
        if not data["features"]:
            continue
        folium.GeoJson(
            data,
            name=t(name, lang),
            marker=folium.CircleMarker(radius=6, weight=2),
            style_function=lambda _f, c=colour, fc=fill: {
                "color": c,
                "fillColor": fc,
                "fillOpacity": 1.0,
                "weight": 2,
            },  # fmt: skip
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        ).add_to(m)


def legend_html(classes: Classes, *, nodata: bool, lang: str = "de") -> str:
    """Escaped legend: the five classes, no data, changed and removed offers."""

    def box(colour: str) -> str:
        return legend.box_swatch(f"border:1px solid #777;background:{colour}", width=16)

    rows = [
        legend.Row(box(c), text) for text, c in zip(classes.labels, classes.colours, strict=True)
    ]
    if nodata:
        rows.append(legend.Row(box(NODATA_COLOUR), classes.nodata_label))
    dot = (
        "display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 8px 0 3px;"
        "vertical-align:middle;border:2px solid {c};background:{b}"
    )
    rows.append(
        legend.Row(
            f"<span style='{dot.format(c=CHANGED_COLOUR, b=CHANGED_COLOUR)}'></span>",
            t("scn.legend.changed", lang),
            "margin-top:4px",
        )
    )
    rows.append(
        legend.Row(
            f"<span style='{dot.format(c=REMOVED_COLOUR, b='#ffffff')}'></span>",
            t("scn.legend.removed", lang),
        )
    )
    return legend.legend_html(classes.title, rows)


def difference_map(
    sr: ScenarioResult,
    view: str,
    *,
    kreise: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None = None,
    lookup: RasterLookup | None = None,
    tiles: bool = False,
    lang: str = "de",
) -> folium.Map:
    """The change per grid cell (``view`` grid, needs ``lookup``), Gemeinde or Kreis."""
    m = base_map(tiles=tiles, attribution=map_attribution(sr.after, lang), lang=lang)
    if view == VIEW_GRID:
        if lookup is None:
            raise ValueError("die Rasteransicht braucht raster_lookup(...)")
        gains = cell_gains(sr, lookup)
        classes = difference_classes(sr, gains, lang)
        idx = classes.index(gains)
        folium.raster_layers.ImageOverlay(
            "data:image/png;base64," + base64.b64encode(raster_png(lookup, idx, classes)).decode(),
            bounds=lookup.bounds,
            opacity=0.85,
            name=t("map.layer.grid", lang, size=integer(sr.after.params.cell_size_m, lang)),
            pixelated=True,
        ).add_to(m)
        nodata = bool((idx < 0).any())
        folium.GeoJson(
            web_features(kreise, []),
            name=t("map.layer.kreisgrenzen", lang),
            style_function=lambda _f: {"fillOpacity": 0.0, "color": KREIS_EDGE, "weight": 1.0},
            interactive=False,
        ).add_to(m)
    else:
        shapes = gemeinden if view == VIEW_GEMEINDE else kreise
        if shapes is None:
            raise ValueError("die Gemeindeansicht braucht die Gemeindegrenzen")
        gains = _unit_gains(sr, view, shapes)["gains"].to_numpy(dtype=float)
        classes = difference_classes(sr, gains, lang)
        nodata = bool(np.isnan(gains).any())
        _units_layer(sr, shapes, view, classes, lang).add_to(m)
    _add_changed_offers(m, sr, lang)
    m.add_child(legend.Legend(legend_html(classes, nodata=nodata, lang=lang)))
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    return m


__all__ = [
    "CHANGED_COLOUR",
    "DIVERGING",
    "REMOVED_COLOUR",
    "better_sign",
    "cell_gains",
    "difference_classes",
    "difference_map",
    "legend_html",
]
