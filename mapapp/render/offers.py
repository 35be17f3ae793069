"""Offers on the web map: one clustered layer fed by a compact data array, and an offline HTML export.

Why not one ``folium.Marker`` per offer: each marker becomes its own block of JavaScript plus a
popup element (measured ~7 s and 7.7 MB at 10,000 offers). Here the offers travel once as a
columnar JSON payload (:func:`offers_payload`: coordinates, category index, indices into one table
of distinct strings) and a small script creates canvas circle markers in a
``L.markerClusterGroup`` (chunked loading) and builds each popup only when it is opened.

Safety: every text reaches the page as JSON data (:func:`mapapp.render.safe.json_for_script`:
``< > & ' ` { }`` escaped inside strings, so nothing in it is HTML, script or template source), and
the popup/tooltip/legend builders HTML-escape each value before inserting it (``esc`` in the
script); links are only made from ``http(s)://`` URLs and plain e-mail addresses. The numbered
result badges get plain-text tooltips (``textContent``).

Approximate locations (Gemeinde centre, Kreis area) are drawn hollow with a dashed outline and the
popup says how the point was found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from folium.plugins import MarkerCluster
from folium.template import Template

from mapapp.model import OFFER_CATEGORY_LABELS_DE, OfferCategory
from mapapp.offers_model import (
    PRECISION_LABELS_DE,
    TARGET_GROUP_LABELS_DE,
    Accessibility,
    Offer,
    Precision,
)
from mapapp.render.safe import RawHtml, TextTooltip, esc, json_for_script, with_tooltip

#: One colour per category (distinct hues; the legend and popup name the category as text too).
CATEGORY_COLOURS: dict[OfferCategory, str] = {
    OfferCategory.KI: "#0072B2",
    OfferCategory.ABH: "#D55E00",
    OfferCategory.MBE: "#009E73",
    OfferCategory.JMD: "#56B4E9",
    OfferCategory.INTEGRATIONSKURS: "#E69F00",
    OfferCategory.SPRACHKURS: "#B8860B",
    OfferCategory.INTEGRATION_POINT: "#CC79A7",
    OfferCategory.ANTIDISKRIMINIERUNG: "#7B3294",
    OfferCategory.FLUECHTLINGSBERATUNG: "#1B7837",
    OfferCategory.MIGRATIONSDIENST: "#4D9221",
    OfferCategory.JOBCENTER: "#525252",
    OfferCategory.KOMMUNAL: "#2166AC",
    OfferCategory.LANDESKOORDINATION: "#B2182B",
    OfferCategory.SONSTIGES: "#969696",
}

#: Short code per category, drawn in the marker and the legend (markers differ not by colour alone).
CATEGORY_CODES: dict[OfferCategory, str] = {
    OfferCategory.KI: "KI",
    OfferCategory.ABH: "AB",
    OfferCategory.MBE: "MB",
    OfferCategory.JMD: "JM",
    OfferCategory.INTEGRATIONSKURS: "IK",
    OfferCategory.SPRACHKURS: "SK",
    OfferCategory.INTEGRATION_POINT: "IP",
    OfferCategory.ANTIDISKRIMINIERUNG: "AD",
    OfferCategory.FLUECHTLINGSBERATUNG: "FB",
    OfferCategory.MIGRATIONSDIENST: "MD",
    OfferCategory.JOBCENTER: "JC",
    OfferCategory.KOMMUNAL: "KA",
    OfferCategory.LANDESKOORDINATION: "LK",
    OfferCategory.SONSTIGES: "SO",
}

#: Text fields carried in the payload (key in the payload -> label in the popup).
_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", ""),
    ("provider", "Träger"),
    ("addr", "Adresse"),
    ("hours", "Öffnungszeiten"),
    ("phone", "Telefon"),
    ("email", "E-Mail"),
    ("web", "Web"),
    ("lang", "Sprachen"),
    ("tg", "Zielgruppen"),
    ("src", "Quelle"),
    ("ver", "geprüft am"),
    ("note", "Hinweis"),
)

_BARRIER_LABELS = {Accessibility.YES: "ja", Accessibility.NO: "nein", Accessibility.UNKNOWN: ""}
_PRECISIONS = list(Precision)
_BF = list(Accessibility)


def _field_values(o: Offer) -> dict[str, str]:
    return {
        "name": o.name,
        "provider": o.provider or "",
        "addr": o.address,
        "hours": o.opening_hours or "",
        "phone": o.phone or "",
        "email": o.email or "",
        "web": o.website or "",
        "lang": ", ".join(o.languages),
        "tg": ", ".join(TARGET_GROUP_LABELS_DE.get(t, str(t)) for t in o.target_groups),
        "src": o.source or "",
        "ver": o.last_verified.isoformat() if o.last_verified else "",
        "note": o.note or "",
    }


def filter_bbox(
    offers: Sequence[Offer], bbox: tuple[float, float, float, float] | None
) -> list[Offer]:
    """Offers inside ``bbox`` = (south, west, north, east) in WGS84 degrees (all when ``None``)."""
    if bbox is None:
        return list(offers)
    south, west, north, east = bbox
    return [o for o in offers if south <= o.lat <= north and west <= o.lon <= east]


#: Fields per detail level (see :func:`offers_payload`).
DETAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "full": tuple(k for k, _ in _FIELDS),
    "map": ("name", "provider", "addr", "lang"),
    "minimal": ("name",),
}
#: ``detail="auto"`` switches from "map" to "minimal" above this many offers (payload budget).
AUTO_MINIMAL_ABOVE = 20_000
MORE_HINT = "Kontakt, Web, Öffnungszeiten und Quelle: in der Angebotsliste"


def offers_payload(offers: Sequence[Offer], detail: str = "auto") -> dict[str, Any]:
    """Compact, columnar description of the offers for the map script.

    Parameters
    ----------
    detail
        Which texts travel to the browser: ``"full"`` (everything, for the standalone export),
        ``"map"`` (name, provider, address, languages – the interactive map; contact details belong
        in the list beside it), ``"minimal"`` (name only), ``"auto"`` (``"map"`` up to
        :data:`AUTO_MINIMAL_ABOVE` offers, else ``"minimal"``). Category, precision and
        barrier-free always travel (as small integers).

    Returns
    -------
    dict with ``cats`` ([value, German label, colour] per category), ``prec`` ([value, label]),
    ``lat``/``lon`` (WGS84, 5 decimals ≈ 1 m), ``c``/``p``/``b`` (category, precision, barrier-free
    indices), ``s`` (table of distinct strings, index 0 = ""), ``f`` (field -> indices into ``s``,
    for fields with many repeats) and ``v`` (field -> the strings themselves, for mostly unique
    fields such as names), ``labels`` and ``more`` (hint shown when details were left out).
    """
    if detail == "auto":
        detail = "map" if len(offers) <= AUTO_MINIMAL_ABOVE else "minimal"
    if detail not in DETAIL_FIELDS:
        raise ValueError(f"detail '{detail}' unbekannt ({', '.join(DETAIL_FIELDS)} oder auto)")
    keys = DETAIL_FIELDS[detail]
    cats = list(OfferCategory)
    cat_pos = {c: i for i, c in enumerate(cats)}
    prec_pos = {p: i for i, p in enumerate(_PRECISIONS)}
    bf_pos = {b: i for i, b in enumerate(_BF)}
    values: dict[str, list[str]] = {k: [] for k in keys}
    lat: list[float] = []
    lon: list[float] = []
    cat: list[int] = []
    prec: list[int] = []
    bf: list[int] = []
    for o in offers:
        lat.append(round(o.lat, 5))
        lon.append(round(o.lon, 5))
        cat.append(cat_pos[o.category])
        prec.append(prec_pos[o.precision])
        bf.append(bf_pos[o.barrier_free])
        fv = _field_values(o)
        for key in keys:
            values[key].append(fv[key])
    strings: dict[str, int] = {"": 0}
    indexed: dict[str, list[int]] = {}
    direct: dict[str, list[str]] = {}
    for key, col in values.items():
        if len(set(col)) * 2 > len(col):  # mostly unique: an index would only add bytes
            direct[key] = col
            continue
        idx_col = []
        for value in col:
            idx = strings.get(value)
            if idx is None:
                idx = strings[value] = len(strings)
            idx_col.append(idx)
        indexed[key] = idx_col
    return {
        "cats": [
            [c.value, OFFER_CATEGORY_LABELS_DE[c], CATEGORY_COLOURS[c], CATEGORY_CODES[c]]
            for c in cats
        ],
        "prec": [[p.value, PRECISION_LABELS_DE[p]] for p in _PRECISIONS],
        "bfl": [_BARRIER_LABELS[b] for b in _BF],
        "labels": {k: label for k, label in _FIELDS},
        "more": "" if detail == "full" else MORE_HINT,
        "s": list(strings),
        "lat": lat,
        "lon": lon,
        "c": cat,
        "p": prec,
        "b": bf,
        "f": indexed,
        "v": direct,
    }


_LAYER_JS = """
var {{ this.get_name() }} = (function () {
    var D = {{ this.payload_json }};
    var S = D.s, F = D.f, V = D.v, L_ = D.labels;
    var ESC = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"};
    var PLAIN_MAIL = /^[^\\s@?&<>"'`,;:()\\[\\]\\\\\\/]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$/;
    function esc(v) { return String(v).replace(/[&<>"']/g, function (ch) { return ESC[ch]; }); }
    function val(key, i) {
        if (F[key]) { return S[F[key][i]]; }
        return V[key] ? V[key][i] : "";
    }
    function row(key, i) {
        var v = val(key, i);
        if (!v) { return ""; }
        if (key === "web") {
            if (!/^https?:\\/\\//i.test(v)) { return ""; }
            v = '<a href="' + esc(v) + '" target="_blank" rel="noopener noreferrer">' + esc(v) + "</a>";
        } else if (key === "email") {
            v = PLAIN_MAIL.test(v) ? '<a href="mailto:' + esc(v) + '">' + esc(v) + "</a>" : esc(v);
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
        if (bf) { h += "<tr><th>barrierefrei</th><td>" + esc(bf) + "</td></tr>"; }
        h += row("src", i) + row("ver", i) + row("note", i) + "</table>";
        if (prec[0] !== "address") { h += "<i>Lage ungefähr: " + esc(prec[1]) + "</i><br>"; }
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
                ? "background:" + cat[2] + ";color:#fff;border:1px solid #222"
                : "background:#fff;color:" + cat[2] + ";border:2px dashed " + cat[2];
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
        name: str = "Integrationsangebote",
        show: bool = True,
        detail: str = "auto",
        **cluster_options: Any,
    ) -> None:
        options = {"chunked_loading": True, "max_cluster_radius": 50, **cluster_options}
        super().__init__(  # type: ignore[no-untyped-call]
            name=name, overlay=True, control=True, show=show, **options
        )
        self._name = "OffersLayer"
        self.count = len(offers)
        self.payload_json = json_for_script(offers_payload(offers, detail), ensure_ascii=False)


def legend_html(categories: Sequence[OfferCategory] | None = None) -> str:
    """HTML of the category legend (escaped), including the hollow-marker note."""
    cats = list(categories) if categories is not None else list(OfferCategory)
    items = "".join(
        f'<div><span style="display:inline-block;width:18px;height:18px;border-radius:50%;'
        f"background:{CATEGORY_COLOURS[c]};color:#fff;font:bold 8px/18px sans-serif;"
        f'text-align:center;margin-right:5px">{esc(CATEGORY_CODES[c])}</span>'
        f"{esc(OFFER_CATEGORY_LABELS_DE[c])}</div>"
        for c in cats
    )
    note = (
        '<div style="margin-top:4px"><span style="display:inline-block;width:9px;height:9px;'
        'border-radius:50%;border:2px dashed #555;margin-right:5px"></span>'
        "Lage ungefähr (Gemeinde/Kreis)</div>"
    )
    return (
        '<div class="mapapp-offer-legend" style="background:rgba(255,255,255,.9);padding:6px 8px;'
        'font:12px/1.4 sans-serif;border-radius:4px;max-height:60vh;overflow:auto">'
        f"<details><summary><b>Legende: Angebote</b></summary>{items}{note}</details></div>"
    )


class _Legend(folium.MacroElement):
    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div");
                div.innerHTML = {{ this.html_json }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}"""
    )

    def __init__(self, legend: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "OffersLegend"
        self.html_json = json_for_script(legend)


def add_offers_layer(
    fmap: folium.Map,
    offers: Sequence[Offer],
    *,
    name: str = "Integrationsangebote",
    bbox: tuple[float, float, float, float] | None = None,
    legend: bool = True,
    detail: str = "auto",
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
    """
    shown = filter_bbox(offers, bbox)
    layer = OffersLayer(shown, name=name, detail=detail)
    layer.add_to(fmap)
    if legend:
        present = sorted({o.category for o in shown}, key=list(OfferCategory).index)
        fmap.add_child(_Legend(legend_html(present or None)))
    return layer


def offers_map(
    offers: Sequence[Offer],
    *,
    background: Any = None,
    title: str | None = None,
    attribution: str = "",
    tiles: bool = True,
    detail: str = "auto",
) -> folium.Map:
    """A folium map of the offers (NRW view), with optional background boundaries.

    Parameters
    ----------
    background
        GeoDataFrame of polygons (e.g. Kreise, any CRS) drawn as thin outlines so the map stays
        readable offline (tiles need the internet).
    attribution
        Source/licence text shown in the map's attribution control (escaped).
    """
    from mapapp.render.maps import base_map, web_features

    bounds = None
    if offers:
        lats = [o.lat for o in offers]
        lons = [o.lon for o in offers]
        bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
    # title and attribution go into one box at the top (below), not into the attribution control
    fmap = base_map(tiles=tiles, attribution="", bounds=bounds)
    if background is not None and len(background):
        folium.GeoJson(
            web_features(background, []),
            name="Grenzen",
            style_function=lambda _f: {"color": "#777", "weight": 1, "fill": False},
            control=True,
        ).add_to(fmap)
    add_offers_layer(fmap, offers, detail=detail)
    folium.LayerControl(collapsed=True).add_to(fmap)
    header = []
    if title:
        header.append(f"<b>{esc(title)}</b>")
    if attribution:
        header.append(esc(attribution))
    if header:
        box = (
            '<div style="position:fixed;top:8px;left:50px;z-index:1000;background:rgba(255,255,255,.9);'
            'padding:4px 8px;font:12px/1.4 sans-serif;border-radius:4px;max-width:60%">'
            + "<br>".join(header)
            + "</div>"
        )
        fmap.get_root().html.add_child(RawHtml(box))  # type: ignore[attr-defined]
    return fmap


def export_offers_html(
    offers: Sequence[Offer],
    *,
    background: Any = None,
    title: str = "Integrationsangebote in NRW",
    attribution: str = "",
) -> str:
    """A standalone HTML page with the offers map that works offline (Leaflet inlined, no CDN).

    Popups carry every field (``detail="full"``): there is no list beside the map in the file.
    """
    from mapapp.render.assets import standalone_html

    fmap = offers_map(
        offers, background=background, title=title, attribution=attribution, detail="full"
    )
    return standalone_html(fmap)


FIT_HITS = 5
#: Above this many matching offers the public map draws only those near the searched place.
MAP_NEARBY_ABOVE = 20_000


def nearby_bbox(point: tuple[float, float] | None) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) of about ±50 km around ``point`` = (lat, lon); ``None`` without."""
    if point is None:
        return None
    lat, lon = point
    return (lat - 0.45, lon - 0.75, lat + 0.45, lon + 0.75)


def offers_search_map(
    offers: Sequence[Offer],
    *,
    point: tuple[float, float] | None,
    hits: Sequence[Offer],
    gemeinden: Any,
    attribution: str,
    tiles: bool = True,
    funding_units: Any = None,
) -> folium.Map:
    """The public "Angebote finden" map: Gemeinde outlines, clustered offers, the searched point
    and the numbered nearest hits (same numbers as the list beside the map).

    With more than :data:`MAP_NEARBY_ABOVE` offers and a searched point, only the offers within
    :func:`nearby_bbox` of it are drawn (clustering 100,000 markers takes the browser seconds).

    Parameters
    ----------
    offers
        Offers matching the filters (clustered layer).
    point
        ``(lat, lon)`` of the searched place, or ``None`` (NRW overview).
    hits
        Nearest offers in list order; drawn as numbered badges.
    gemeinden
        Gemeinde polygons (EPSG:25832) drawn as light outlines (readable without tiles).
    funding_units
        Optional Förderkarte units (:func:`mapapp.analysis.funding.funding_units`) as an overlay.
    """
    from mapapp.analysis.funding import CLASS_FUNDED_KREIS
    from mapapp.render.maps import base_map, web_features

    # Fit the searched point and the closest few hits (the rest stays reachable by panning).
    pts = ([list(point)] if point else []) + [[o.lat, o.lon] for o in hits[:FIT_HITS]]
    bounds = None
    if pts:
        lats, lons = [p[0] for p in pts], [p[1] for p in pts]
        pad = 0.03  # degrees: a single point still shows its surroundings
        bounds = [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]
    # title and attribution go into one box at the top (below), not into the attribution control
    fmap = base_map(tiles=tiles, attribution="", bounds=bounds)
    folium.GeoJson(
        web_features(gemeinden, []),
        name="Gemeinden",
        style_function=lambda _f: {"color": "#8c8c8c", "weight": 0.6, "fillOpacity": 0.0},
        interactive=False,
        control=False,
    ).add_to(fmap)
    if funding_units is not None and len(funding_units):
        funded = funding_units[funding_units["funded"]]
        if len(funded):
            folium.GeoJson(
                web_features(
                    funded.assign(label=[esc(n) for n in funded["name"]]),
                    ["ags", "map_class", "label"],
                ),
                name="KOMM-IN gefördert",
                style_function=lambda f: {
                    "color": "#08306b"
                    if f["properties"]["map_class"] == CLASS_FUNDED_KREIS
                    else "#4d1a00",
                    "weight": 2,
                    "fillColor": "#0072B2"
                    if f["properties"]["map_class"] == CLASS_FUNDED_KREIS
                    else "#D55E00",
                    "fillOpacity": 0.15,
                },
                tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
            ).add_to(fmap)
    add_offers_layer(
        fmap, offers, bbox=nearby_bbox(point) if len(offers) > MAP_NEARBY_ABOVE else None
    )
    if point is not None:
        with_tooltip(
            folium.CircleMarker(
                location=list(point),
                radius=8,
                color="#000000",
                weight=3,
                fill=True,
                fill_color="#FFD700",
                fill_opacity=1.0,
            ),
            TextTooltip("Suchort"),
        ).add_to(fmap)
    for i, o in enumerate(hits, start=1):
        with_tooltip(
            folium.Marker(
                location=[o.lat, o.lon],
                icon=folium.DivIcon(
                    html=(
                        '<div style="background:#111;color:#fff;border-radius:10px;width:20px;'
                        "height:20px;font:bold 12px/20px sans-serif;text-align:center;"
                        f'border:2px solid #fff">{i}</div>'
                    ),
                    icon_size=(20, 20),
                    icon_anchor=(10, 26),
                    class_name="mapapp-hit",
                ),
            ),
            TextTooltip(f"{i}. {o.name}"),
        ).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topleft").add_to(fmap)
    return fmap
