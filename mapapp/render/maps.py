"""The folium base every web map starts from: an NRW view, offline background, attribution.

Every text that reaches HTML is escaped (:func:`mapapp.render.safe.esc`); folium's tooltip/popup
templates insert property values as HTML, so properties carry pre-escaped strings only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from mapapp.config import CRS_WEB, TILE_URL
from mapapp.render.safe import RawHtml, esc, json_for_script
from mapapp.text import t

NRW_BOUNDS = [[50.32, 5.86], [52.53, 9.46]]  # south-west, north-east (lat, lon)
COORD_DECIMALS = 5  # ~1 m; keeps the payload small


def web_features(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict[str, Any]:
    """GeoJSON FeatureCollection in EPSG:4326 with rounded coordinates and selected properties."""
    web = frame.to_crs(CRS_WEB)
    geoms = shapely.transform(web.geometry.values, lambda c: np.round(c, COORD_DECIMALS))
    features = []
    records = web[list(properties)].to_dict("records") if properties else [{}] * len(web)
    for geom, props in zip(geoms, records, strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {k: _jsonable(v) for k, v in props.items()},
                "geometry": shapely.geometry.mapping(geom),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def outline_features(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Boundary outlines for the web (no properties)."""
    return web_features(frame, [])


class _Attribution(MacroElement):
    """Adds a (pre-escaped) attribution text to the map's attribution control."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
        {% endmacro %}"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Attribution"
        self.text_json = json_for_script(text)


class _FitOnResize(MacroElement):
    """Fit the bounds again when the container is resized, until the user moves the map.

    Inside Streamlit the map's iframe gets its final width only after the first layout, which
    would otherwise leave NRW cut off.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (m, bounds) {
          var touched = false;
          m.once('mousedown touchstart wheel keydown', function () { touched = true; });
          function opts() {
            // Keep the fitted area clear of the legend (top right): beside it on wide maps,
            // below it on narrow ones (phones).
            var lg = m.getContainer().querySelector('.mapapp-legend');
            var wide = m.getSize().x > 700;
            var right = lg && wide ? lg.offsetWidth + 16 : 10;
            var top = lg && !wide ? lg.offsetHeight + 16 : 10;
            return {paddingTopLeft: [10, top], paddingBottomRight: [right, 36], animate: false};
          }
          m.fitBounds(bounds, opts());
          // controls added later in this script (the legend) are measured after it ran
          setTimeout(function () { if (!touched) { m.fitBounds(bounds, opts()); } }, 0);
          if (window.ResizeObserver) {
            new ResizeObserver(function () {
              m.invalidateSize();
              if (!touched) { m.fitBounds(bounds, opts()); }
            }).observe(m.getContainer());
          }
        })({{ this._parent.get_name() }}, {{ this.bounds|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FitOnResize"
        self.bounds = bounds


def base_map(
    *,
    tiles: bool,
    attribution: str,
    bounds: list[list[float]] | None = None,
    lang: str = "de",
) -> folium.Map:
    """Empty map fitted to ``bounds`` ([[south, west], [north, east]], default NRW); boundaries
    stay readable without tiles (light background). ``lang``: the tile layer's name and credit."""
    m = folium.Map(
        location=[51.45, 7.6],
        zoom_start=7,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    # markercluster needs maxZoom on the map even when no tile layer is shown
    m.options.update({"maxZoom": 18, "minZoom": 6})
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        RawHtml(
            "<style>.leaflet-container{background:#f4f6f8}"
            ".leaflet-control-attribution{font-size:11px;line-height:1.3}</style>"
        ),
        name="mapapp_bg",
    )
    if tiles:
        folium.TileLayer(
            tiles=TILE_URL,
            attr=esc(t("map.osm", lang)),
            name=t("map.layer.tiles", lang),
            max_zoom=18,
            opacity=0.6,
        ).add_to(m)
    if attribution:
        m.add_child(_Attribution(esc(attribution)))
    m.add_child(_FitOnResize(bounds or NRW_BOUNDS))
    return m
