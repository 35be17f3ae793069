"""Offer maps: the overview map, its offline HTML export and the public "Angebote finden" map.

The offers themselves are one clustered layer (:mod:`mapapp.render.offers_layer`); this module adds
the surroundings: background outlines, a title box, the searched place and the numbered hits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium

from mapapp.analysis.funding import CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT
from mapapp.offers_model import Offer
from mapapp.render.assets import standalone_html
from mapapp.render.maps import base_map, web_features
from mapapp.render.offers_labels import SearchLabel, add_gemeinde_labels
from mapapp.render.offers_layer import add_offers_layer
from mapapp.render.safe import RawHtml, TextTooltip, esc, with_tooltip
from mapapp.render.style import FUNDING_STYLES
from mapapp.text import t


def offers_map(
    offers: Sequence[Offer],
    *,
    background: Any = None,
    title: str | None = None,
    attribution: str = "",
    tiles: bool = True,
    detail: str = "auto",
    lang: str = "de",
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
    bounds = None
    points = [p for p in (o.lonlat for o in offers) if p is not None]
    if points:
        lats = [p[1] for p in points]
        lons = [p[0] for p in points]
        bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
    # title and attribution go into one box at the top (below), not into the attribution control
    fmap = base_map(tiles=tiles, attribution="", bounds=bounds, lang=lang)
    if background is not None and len(background):
        folium.GeoJson(
            web_features(background, []),
            name=t("map.layer.boundaries", lang),
            style_function=lambda _f: {"color": "#777", "weight": 1, "fill": False},
            control=True,
        ).add_to(fmap)
    add_offers_layer(fmap, offers, detail=detail, lang=lang)
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
    title: str | None = None,
    attribution: str = "",
    lang: str = "de",
) -> str:
    """A standalone HTML page with the offers map that works offline (Leaflet inlined, no CDN).

    Popups carry every field (``detail="full"``): there is no list beside the map in the file.
    ``title`` defaults to the catalogue's title in ``lang``.
    """
    fmap = offers_map(
        offers,
        background=background,
        title=t("map.offers.title", lang) if title is None else title,
        attribution=attribution,
        detail="full",
        lang=lang,
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
    lang: str = "de",
    place: str = "",
) -> folium.Map:
    """The public "Angebote finden" map: Gemeinde outlines and (from city zoom on) names,
    clustered offers, the searched point ("Suchort: …", always labelled) and the numbered
    nearest hits (same numbers as the list beside the map).

    Long by its parameter list and docstring only; the steps are small helpers.

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
    lang
        Language of every label on the map (:mod:`mapapp.text`); data stay as entered.
    place
        What was searched, for the label of the searched point (plain text).
    """
    fmap = base_map(
        tiles=tiles, attribution=attribution, bounds=_search_bounds(point, hits), lang=lang
    )
    folium.GeoJson(
        web_features(gemeinden, []),
        name=t("map.layer.gemeinden", lang),
        style_function=lambda _f: {"color": "#8c8c8c", "weight": 0.6, "fillOpacity": 0.0},
        interactive=False,
        control=False,
    ).add_to(fmap)
    add_gemeinde_labels(fmap, gemeinden)
    if funding_units is not None and len(funding_units):
        _add_funded_overlay(fmap, funding_units, lang)
    add_offers_layer(
        fmap,
        offers,
        bbox=nearby_bbox(point) if len(offers) > MAP_NEARBY_ABOVE else None,
        lang=lang,
    )
    if point is not None:
        _search_marker(point).add_to(fmap)
        fmap.add_child(SearchLabel(point, _search_text(place, lang)))
    for i, o in enumerate(hits, start=1):
        if o.lonlat is not None:  # an offer without a location is only in the list
            _hit_marker(i, o).add_to(fmap)
    folium.LayerControl(collapsed=True, position="topleft").add_to(fmap)
    return fmap


def _search_text(place: str, lang: str) -> str:
    """ "Suchort: <place>" (plain text; shown with ``textContent``)."""
    return t("map.search_point.place", lang, place=place) if place else t("map.search_point", lang)


def _search_marker(point: tuple[float, float]) -> Any:
    """The searched place: a yellow ring (its "Suchort: …" label is :class:`SearchLabel`)."""
    return folium.CircleMarker(
        location=list(point),
        radius=8,
        color="#000000",
        weight=3,
        fill=True,
        fill_color="#FFD700",
        fill_opacity=1.0,
        class_name="mapapp-search-point",
    )


def _search_bounds(
    point: tuple[float, float] | None, hits: Sequence[Offer]
) -> list[list[float]] | None:
    """Fit the searched point and the closest few hits (the rest stays reachable by panning)."""
    located = [p for p in (o.lonlat for o in hits[:FIT_HITS]) if p is not None]
    pts = ([list(point)] if point else []) + [[lat, lon] for lon, lat in located]
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    pad = 0.03  # degrees: a single point still shows its surroundings
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]


def _add_funded_overlay(fmap: folium.Map, funding_units: Any, lang: str) -> None:
    """KOMM-IN funded Kreise and Städte, lightly filled in the Förderkarte's colours."""
    funded = funding_units[funding_units["funded"]]
    if not len(funded):
        return
    kreis, stadt = FUNDING_STYLES[CLASS_FUNDED_KREIS], FUNDING_STYLES[CLASS_FUNDED_STADT]

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        st = kreis if feature["properties"]["map_class"] == CLASS_FUNDED_KREIS else stadt
        return {"color": st.edge, "weight": 2, "fillColor": st.fill, "fillOpacity": 0.15}

    folium.GeoJson(
        web_features(
            funded.assign(label=[esc(n) for n in funded["name"]]), ["ags", "map_class", "label"]
        ),
        name=t("map.layer.funded", lang),
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)


def _hit_marker(i: int, o: Offer) -> Any:
    """The numbered badge of the ``i``-th hit (same number as in the list beside the map); only
    for an offer with a location."""
    lon, lat = o.lonlat or (float("nan"), float("nan"))
    return with_tooltip(
        folium.Marker(
            location=[lat, lon],
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
    )
