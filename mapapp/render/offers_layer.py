"""Offers on the web map: one clustered layer fed by a compact data array, and its legend.

Why not one ``folium.Marker`` per offer: each marker becomes its own block of JavaScript plus a
popup element (measured ~7 s and 7.7 MB at 10,000 offers). Here the offers travel once as a
columnar JSON payload (:func:`mapapp.render.offers_payload.offers_payload`) and a small script
creates the markers in a ``L.markerClusterGroup`` (chunked loading) and builds each popup only
when it is opened.

Safety: every text reaches the page as JSON data (:func:`mapapp.render.safe.json_for_script`:
``< > & ' ` { }`` escaped inside strings, so nothing in it is HTML, script or template source), and
the popup/tooltip builders HTML-escape each value before inserting it (``esc`` in the script);
the payload carries a website or e-mail address only when it may become a link
(:func:`mapapp.model.is_http_url`, :func:`mapapp.model.is_plain_email`).

Approximate locations (Gemeinde centre, Kreis area) are drawn hollow with a dashed outline and the
popup says how the point was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from folium.plugins import MarkerCluster
from folium.template import Template

from mapapp.model import OfferCategory
from mapapp.offers_model import Offer
from mapapp.render import legend as _legend
from mapapp.render.offers_payload import (
    CATEGORY_CODE_COLOURS,
    CATEGORY_CODES,
    CATEGORY_COLOURS,
    filter_bbox,
    offers_payload,
)
from mapapp.render.safe import esc, json_for_script
from mapapp.text import label, t

_LAYER_JS = """
var {{ this.get_name() }} = (function () {
    var D = {{ this.payload_json }};
    var S = D.s, F = D.f, V = D.v, L_ = D.labels;
    var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
    function esc(v) { return String(v).replace(/[&<>"']/g, function (ch) { return ESC[ch]; }); }
    function val(key, i) {
        if (F[key]) { return S[F[key][i]]; }
        return V[key] ? V[key][i] : "";
    }
    function row(key, i) {
        var v = val(key, i);
        if (!v) { return ""; }
        if (key === "web") {  // the payload holds only http(s) URLs (model.is_http_url)
            v = '<a href="' + esc(v) + '" target="_blank" rel="noopener noreferrer">' + esc(v) + "</a>";
        } else if (key === "email") {  // only plain addresses (model.is_plain_email)
            v = '<a href="mailto:' + esc(v) + '">' + esc(v) + "</a>";
        } else {
            v = esc(v).replace(/\\n/g, "<br>");
        }
        return "<tr><th>" + esc(L_[key]) + "</th><td>" + v + "</td></tr>";
    }
    function popup(layer) {
        var i = layer.options.oi, cat = D.cats[D.c[i]], prec = D.prec[D.p[i]];
        var h = '<div class="mapapp-offer"><b>' + esc(val("name", i)) + "</b><br>"
            + '<span style="color:' + esc(cat[2]) + '">&#9679;</span> ' + esc(cat[1])
            + '<table class="mapapp-offer-table">';
        var keys = ["provider", "addr", "hours", "phone", "email", "web", "lang", "tg"];
        for (var k = 0; k < keys.length; k++) { h += row(keys[k], i); }
        var bf = D.bfl[D.b[i]];
        if (bf) { h += "<tr><th>" + esc(L_.bf) + "</th><td>" + esc(bf) + "</td></tr>"; }
        h += row("src", i) + row("ver", i) + row("note", i) + "</table>";
        if (prec[0] !== "address") { h += "<i>" + esc(prec[1]) + "</i><br>"; }
        if (D.more) { h += '<small>' + esc(D.more) + "</small>"; }
        return h + "</div>";
    }
    function tip(layer) {
        var i = layer.options.oi;
        return esc(val("name", i)) + " – " + esc(D.cats[D.c[i]][1]);
    }
    var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
    var markers = new Array(D.lat.length);
    var icons = {};
    function icon(c, exact) {
        // one shared icon per category and precision: a circle with the category code,
        // filled for an exact address, hollow and dashed for an approximate location
        var key = c + (exact ? "e" : "a");
        if (!icons[key]) {
            var cat = D.cats[c];
            var style = exact
                ? "background:" + cat[2] + ";color:" + cat[4] + ";border:1px solid #222"
                : "background:#fff;color:#222;border:2px dashed " + cat[2];
            icons[key] = L.divIcon({
                className: "mapapp-offer-icon",
                html: '<div style="' + style + ';width:22px;height:22px;border-radius:50%;'
                    + 'box-sizing:border-box;font:bold 10px/20px sans-serif;text-align:center">'
                    + esc(cat[3]) + "</div>",
                iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10]
            });
        }
        return icons[key];
    }
    for (var i = 0; i < D.lat.length; i++) {
        var exact = D.prec[D.p[i]][0] === "address";
        var m = L.marker([D.lat[i], D.lon[i]], {icon: icon(D.c[i], exact), oi: i});
        m.bindPopup(popup, {maxWidth: 320});
        m.bindTooltip(tip);
        markers[i] = m;
    }
    cluster.addLayers(markers);
    return cluster;
})();
"""


class OffersLayer(MarkerCluster):
    """Clustered offer markers from :func:`offers_payload` (a folium Layer; LayerControl-aware).

    Uses the same Leaflet.markercluster assets as ``folium.plugins.MarkerCluster`` (so
    :mod:`mapapp.render.assets` serves or inlines the vendored copies).
    """

    _template = Template("{% macro script(this, kwargs) %}" + _LAYER_JS + "{% endmacro %}")

    def __init__(
        self,
        offers: Sequence[Offer],
        name: str = "",
        show: bool = True,
        detail: str = "auto",
        lang: str = "de",
        **cluster_options: Any,
    ) -> None:
        options = {"chunked_loading": True, "max_cluster_radius": 50, **cluster_options}
        super().__init__(  # type: ignore[no-untyped-call]
            name=name or t("map.layer.offers", lang),
            overlay=True,
            control=True,
            show=show,
            **options,
        )
        self._name = "OffersLayer"
        self.count = len(offers)
        self.payload_json = json_for_script(
            offers_payload(offers, detail, lang), ensure_ascii=False
        )


def legend_html(categories: Sequence[OfferCategory] | None = None, lang: str = "de") -> str:
    """HTML of the category legend (escaped), including the hollow-marker note."""
    cats = list(categories) if categories is not None else list(OfferCategory)
    rows = [
        _legend.Row(
            '<span style="display:inline-block;width:18px;height:18px;border-radius:50%;'
            f"background:{CATEGORY_COLOURS[c]};color:{CATEGORY_CODE_COLOURS[c]};"
            "font:bold 8px/18px sans-serif;"
            f'text-align:center;margin-right:5px">{esc(CATEGORY_CODES[c])}</span>',
            label("category", c, lang),
        )
        for c in cats
    ]
    rows.append(
        _legend.Row(
            '<span style="display:inline-block;width:9px;height:9px;border-radius:50%;'
            'border:2px dashed #555;margin-right:5px"></span>',
            t("legend.offer.approx", lang),
            "margin-top:4px",
        )
    )
    return _legend.legend_html(t("legend.offers", lang), rows, collapsible=True)


def add_offers_layer(
    fmap: folium.Map,
    offers: Sequence[Offer],
    *,
    name: str = "",
    bbox: tuple[float, float, float, float] | None = None,
    legend: bool = True,
    detail: str = "auto",
    lang: str = "de",
) -> OffersLayer:
    """Add the clustered offers layer (and a legend of the categories present) to ``fmap``.

    Parameters
    ----------
    offers
        Offers to show (already filtered by the caller, e.g. :func:`mapapp.analysis.offers.filter_offers`).
    bbox
        (south, west, north, east) WGS84: only offers in the current view (for very large sets).
    detail
        Texts carried to the browser (:func:`offers_payload`): the interactive map keeps the
        payload small ("auto"); show contact details in a list beside it (a click returns the
        point: look it up with :meth:`mapapp.analysis.offers.OfferIndex.nearest`).
    lang
        Language of the popups, tooltips, legend and layer name (:mod:`mapapp.text`).
    """
    shown = filter_bbox(offers, bbox)
    layer = OffersLayer(shown, name=name, detail=detail, lang=lang)
    layer.add_to(fmap)
    if legend:
        present = sorted({o.category for o in shown}, key=list(OfferCategory).index)
        legend_box = _legend.Legend(
            legend_html(present or None, lang),
            position="bottomright",
            css_class="mapapp-offer-legend",
        )
        fmap.add_child(legend_box)
    return layer
