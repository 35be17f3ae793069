"""Place names on the offline map: one label per Gemeinde at its representative point, shown
from city zoom on (:data:`LABEL_MIN_ZOOM`), so the map is readable without a tile background.

The names travel as a GeoJSON FeatureCollection of points (:func:`gemeinde_label_points`) in
JSON (:func:`mapapp.render.safe.json_for_script`); the script puts each name into its label with
``textContent`` (a Leaflet ``divIcon`` whose ``html`` is an element, never an HTML string), so a
name is text, never markup.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from mapapp.model import COL_NAME
from mapapp.render.maps import web_features
from mapapp.render.safe import RawHtml, json_for_script

#: Gemeinde names appear from this zoom level on (a city and its neighbours fill the map).
LABEL_MIN_ZOOM = 10

_CSS = (
    "<style>.mapapp-gemeinde-label{background:none;border:none;}"
    ".mapapp-gemeinde-label span{display:inline-block;transform:translate(-50%,-50%);"
    "white-space:nowrap;font:600 12px/1.2 sans-serif;color:#222;"
    "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff;pointer-events:none}"
    ".mapapp-search-label{background:none;border:none;}"
    ".mapapp-search-label span{position:absolute;left:0;bottom:26px;transform:translateX(-50%);"
    "white-space:nowrap;font:14px/1.3 sans-serif;color:#222;background:#fff;"
    "border:1px solid #888;border-radius:4px;padding:3px 7px;"
    "box-shadow:0 1px 3px rgba(0,0,0,.35);pointer-events:none}</style>"
)


def gemeinde_label_points(gemeinden: gpd.GeoDataFrame) -> dict[str, Any]:
    """GeoJSON points (WGS84): each Gemeinde's representative point (always inside it) with
    its ``name``."""
    points = gpd.GeoDataFrame(
        {"name": gemeinden[COL_NAME].astype(str).to_numpy()},
        geometry=gemeinden.geometry.representative_point().to_numpy(),
        crs=gemeinden.crs,
    )
    return web_features(points, ["name"])


class GemeindeLabels(MacroElement):
    """A layer of Gemeinde names on the map, visible from ``min_zoom`` on."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map, data, minZoom) {
            var layer = L.layerGroup();
            data.features.forEach(function (f) {
                var span = document.createElement("span");
                span.textContent = f.properties.name;
                var c = f.geometry.coordinates;
                L.marker([c[1], c[0]], {
                    icon: L.divIcon({className: "mapapp-gemeinde-label", html: span,
                                     iconSize: null}),
                    interactive: false, keyboard: false
                }).addTo(layer);
            });
            function update() {
                if (map.getZoom() >= minZoom) { layer.addTo(map); }
                else { map.removeLayer(layer); }
            }
            map.on("zoomend", update);
            update();
        })({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.min_zoom }});
        {% endmacro %}"""
    )

    def __init__(self, points: dict[str, Any], min_zoom: int = LABEL_MIN_ZOOM) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "GemeindeLabels"
        self.data_json = json_for_script(points, ensure_ascii=False)
        self.min_zoom = int(min_zoom)


class SearchLabel(MacroElement):
    """The searched place's name, always shown just above its point. A marker with a
    ``divIcon`` (placed by Leaflet like every marker, so it follows every fit and zoom; a
    permanent tooltip opened before the map was fitted stayed where the first view put it);
    the text is set with ``textContent``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map, latlng, text) {
            var span = document.createElement("span");
            span.textContent = text;
            L.marker(latlng, {
                icon: L.divIcon({className: "mapapp-search-label", html: span, iconSize: null}),
                interactive: false, keyboard: false, zIndexOffset: 1000
            }).addTo(map);
        })({{ this._parent.get_name() }}, {{ this.latlng_json }}, {{ this.text_json }});
        {% endmacro %}"""
    )

    def __init__(self, latlng: tuple[float, float], text: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SearchLabel"
        self.latlng_json = json_for_script([float(latlng[0]), float(latlng[1])])
        self.text_json = json_for_script(str(text), ensure_ascii=False)


def add_gemeinde_labels(
    fmap: Any, gemeinden: gpd.GeoDataFrame, min_zoom: int = LABEL_MIN_ZOOM
) -> None:
    """Gemeinde names on ``fmap`` from ``min_zoom`` on (see the module docstring); nothing for a
    frame without names."""
    if gemeinden is None or not len(gemeinden) or COL_NAME not in gemeinden.columns:
        return
    fmap.get_root().header.add_child(RawHtml(_CSS), name="mapapp_gemeinde_label_css")
    fmap.add_child(GemeindeLabels(gemeinde_label_points(gemeinden), min_zoom))
