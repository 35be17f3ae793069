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
#: Light background (readable without tiles), small attribution, the tiles-failed note.
_BASE_CSS = (
    ".leaflet-container{background:#f4f6f8}"
    ".leaflet-control-attribution{font-size:11px;line-height:1.3}"
    ".mapapp-tiles-note{background:rgba(255,255,255,.9);padding:2px 6px;font:11px/1.3 sans-serif;"
    "border-radius:3px;max-width:70vw}"
)


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


class _MetricScale(MacroElement):
    """A metric-only scale bar (Leaflet's default also shows miles).

    On a narrow map (a phone) the attribution wraps over the whole width; the scale bar then
    moves up above it instead of being hidden under it.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (m) {
          var scale = L.control.scale({imperial: false, metric: true, position: 'bottomleft'});
          scale.addTo(m);
          function lift() {
            var c = m.getContainer();
            var attr = c.querySelector('.leaflet-control-attribution');
            var corner = c.querySelector('.leaflet-bottom.leaflet-left');
            if (!attr || !corner) { return; }
            corner.style.bottom = '0px';
            var a = attr.getBoundingClientRect();
            var s = scale.getContainer().getBoundingClientRect();
            var overlap = a.left < s.right && a.top < s.bottom;
            corner.style.bottom = overlap ? attr.offsetHeight + 'px' : '0px';
          }
          setTimeout(lift, 0);  // after the attribution texts added later in this script
          m.on('layeradd layerremove resize', function () { setTimeout(lift, 0); });
          // the attribution also wraps anew when its text or font changes (a web font loading
          // late): follow its size, not only the map's events
          if (window.ResizeObserver && m.attributionControl) {
            new ResizeObserver(function () { lift(); })
              .observe(m.attributionControl.getContainer());
          }
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "MetricScale"


class _TilesFallback(MacroElement):
    """When the background tiles fail to load (offline), remove the tile layer (its credit goes
    with it) and say so in one line at the bottom of the map; the map stays as without tiles."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (m, layer, note) {
          var failed = false;
          layer.on('tileerror', function () {
            if (failed) { return; }
            failed = true;
            m.removeLayer(layer);
            var box = L.control({position: 'bottomleft'});
            box.onAdd = function () {
              var div = L.DomUtil.create('div', 'mapapp-tiles-note');
              div.textContent = note;
              return div;
            };
            box.addTo(m);
          });
        })({{ this._parent.get_name() }}, {{ this.layer_name }}, {{ this.note_json }});
        {% endmacro %}"""
    )

    def __init__(self, layer: folium.TileLayer, note: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TilesFallback"
        self.layer_name = layer.get_name()
        self.note_json = json_for_script(note)


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
    stay readable without tiles (light background). ``lang``: the tile layer's name and credit.

    Without ``tiles`` no tile layer exists, so the browser requests no tile at all. With
    ``tiles``, the OpenStreetMap credit belongs to the tile layer and leaves the attribution
    with it when the tiles fail to load (:class:`_TilesFallback`). The scale bar is metric only.
    """
    m = folium.Map(
        location=[51.45, 7.6],
        zoom_start=7,
        tiles=None,
        control_scale=False,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    # markercluster needs maxZoom on the map even when no tile layer is shown
    m.options.update({"maxZoom": 18, "minZoom": 6})
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        RawHtml(f"<style>{_BASE_CSS}</style>"), name="mapapp_bg"
    )
    m.add_child(_MetricScale())
    if tiles:
        layer = folium.TileLayer(
            tiles=TILE_URL,
            attr=esc(t("map.osm", lang)),
            name=t("map.layer.tiles", lang),
            max_zoom=18,
            opacity=0.6,
        )
        layer.add_to(m)
        m.add_child(_TilesFallback(layer, t("map.tiles.failed", lang)))
    if attribution:
        m.add_child(_Attribution(esc(attribution)))
    m.add_child(_FitOnResize(bounds or NRW_BOUNDS))
    return m
