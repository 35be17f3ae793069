"""The Förderkarte on the web: classified units, outlines, Stadt symbols, legend; HTML export.

Every text that reaches HTML is escaped here (:func:`mapapp.render.safe.esc`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np

from mapapp.analysis.funding import (
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASSES,
    inside_funded_kreis,
)
from mapapp.io.boundaries import Boundaries
from mapapp.model import is_http_url
from mapapp.render.assets import standalone_html
from mapapp.render.captions import funding_attribution, funding_title
from mapapp.render.funding_hatch import HatchPatterns, hatch_fill, hatch_swatch
from mapapp.render.legend import Legend, Row, box_swatch, legend_html
from mapapp.render.maps import base_map, outline_features, web_features
from mapapp.render.safe import esc
from mapapp.render.style import FUNDING_STYLES, GEMEINDE_OUTLINE, RB_OUTLINE
from mapapp.text import integer, label, t

RB_PANE = "mapapp-rb"
#: Maps at least this wide show the legend unfolded; narrower ones (phones) show its title only.
LEGEND_OPEN_FROM_PX = 600


def _years_text(years: Iterable[int]) -> str:
    ys = list(years)
    return ", ".join(map(str, ys)) if ys else "–"


def class_label(cls: str, lang: str = "de") -> str:
    """The legend label of a map class (:data:`mapapp.analysis.funding.CLASSES`)."""
    return t(f"funding.class.{cls}", lang)


def unit_tooltip(rec: dict[str, Any], lang: str = "de") -> str:
    """Escaped tooltip HTML for one Förderkarte unit."""
    unit_type = label("unit_type", rec["unit_type"], lang)
    parts = [f"<b>{esc(rec['name'])}</b>", esc(unit_type), esc(class_label(rec["map_class"], lang))]
    if rec.get("funded"):
        parts.append(esc(t("fk.tip.years", lang, years=_years_text(rec["years"]))))
    return "<br>".join(parts)


def unit_popup(rec: dict[str, Any], lang: str = "de") -> str:
    """Escaped popup HTML (used in the standalone export; the app shows a details panel)."""
    lines = [f"<b>{esc(rec['name'])}</b> ({esc(label('unit_type', rec['unit_type'], lang))})"]
    if rec.get("funded"):
        lines.append(esc(t("fk.tip.years", lang, years=_years_text(rec["years"]))))
        lines.append(esc(t("fk.popup.projects", lang, value=rec.get("projects", ""))))
        if rec.get("focus"):
            lines.append(esc(t("fk.popup.focus", lang, value=rec["focus"])))
        amount = rec.get("amount_eur")
        if amount is not None and not (isinstance(amount, float) and np.isnan(amount)):
            lines.append(esc(t("fk.popup.amount", lang, value=integer(amount, lang))))
        for url in rec.get("sources", ()):
            if is_http_url(url):
                lines.append(
                    f'{esc(t("fk.popup.source", lang))}: <a href="{esc(url)}" target="_blank" '
                    f'rel="noopener noreferrer">{esc(url[:60])}</a>'
                )
    else:
        lines.append(esc(class_label(rec["map_class"], lang)))
    return "<br>".join(lines)


def funding_legend_html(
    title: str,
    counts: dict[str, int] | None = None,
    lang: str = "de",
    *,
    collapsible: bool = False,
    subtitle: str = "",
) -> str:
    """Escaped legend HTML: one swatch per class, differing by fill, hatch, border and symbol
    (the hatched swatch is filled with the map's own pattern, :mod:`.funding_hatch`);
    ``subtitle`` (the list's completeness) is the first row, under the title."""
    rows = [Row("", subtitle, style="margin-bottom:4px")] if subtitle else []
    for cls in CLASSES:
        st = FUNDING_STYLES[cls]
        border = f"{max(st.weight, 1):.0f}px {'dashed' if st.dash else 'solid'} {st.edge}"
        css = (
            f"background:{st.fill};opacity:{max(st.fill_opacity, 0.15) if st.fill_opacity else 1};"
            f"border:{border};"
        )
        symbol = (
            "<span style='display:inline-block;width:8px;height:8px;border-radius:50%;"
            f"background:#fff;border:2px solid {st.edge};margin-left:-20px;margin-right:14px;"
            "vertical-align:middle'></span>"
            if st.symbol
            else ""
        )
        n = f" ({counts[cls]})" if counts and cls in counts else ""
        swatch = hatch_swatch(cls) if st.hatch else box_swatch(css)
        rows.append(Row(swatch + symbol, class_label(cls, lang) + n))
    return legend_html(title, rows, collapsible=collapsible)


def _style_for(cls: str) -> dict[str, Any]:
    st = FUNDING_STYLES[cls]
    hatched = bool(st.hatch)
    style: dict[str, Any] = {
        # a hatched class is painted with its pattern, which carries the fill opacity itself
        "fillColor": hatch_fill(cls) if hatched else st.fill,
        "fillOpacity": 1.0 if hatched else st.fill_opacity,
        "color": st.edge,
        "weight": st.weight,
        "opacity": 1.0,
    }
    if st.dash:
        style["dashArray"] = st.dash
    return style


@dataclass(frozen=True)
class FundingLayers:
    """Web-ready (EPSG:4326, escaped) data of the Förderkarte; plain data, so it can be cached.

    ``gemeinden`` and ``rb`` depend on the boundaries only; ``units``, ``stadt_points`` and
    ``counts`` on the year selection. ``units`` features carry ``ags``, ``map_class``,
    ``tooltip`` (``popup``) and ``inert`` (see :func:`unit_features`); ``stadt_points`` is a
    FeatureCollection of the Stadt symbols with ``ags`` and ``tooltip`` (``popup``).
    """

    gemeinden: dict[str, Any]
    rb: dict[str, Any]
    units: dict[str, Any]
    stadt_points: dict[str, Any]
    counts: dict[str, int]


def inert_units(units: gpd.GeoDataFrame) -> list[bool]:
    """Per unit: an unfunded Gemeinde inside a funded Kreis.

    Such a Gemeinde (:func:`mapapp.analysis.funding.inside_funded_kreis`; the print sheet draws
    it the same way) is drawn as an outline only and takes no clicks, so a click anywhere
    in the funded Kreis selects the Kreis; a funded Stadt inside it stays clickable (its area
    and its symbol).
    """
    return inside_funded_kreis(units)


def unit_features(
    units: gpd.GeoDataFrame, *, popups: bool = False, lang: str = "de"
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Classified units as GeoJSON (escaped tooltip/popup, ``inert`` flag), the Stadt symbols as
    GeoJSON points (same ``ags``, so a click on a symbol selects its Stadt), class counts."""
    records = units.drop(columns="geometry").to_dict("records")
    props = units[["ags", "map_class"]].copy()
    props["tooltip"] = [unit_tooltip(r, lang) for r in records]
    if popups:
        props["popup"] = [unit_popup(r, lang) for r in records]
    props["inert"] = inert_units(units)
    web_units = gpd.GeoDataFrame(props, geometry=units.geometry.values, crs=units.crs)
    is_stadt = (units["map_class"] == CLASS_FUNDED_STADT).to_numpy()
    symbols = gpd.GeoDataFrame(
        props.loc[is_stadt, ["ags", "tooltip"] + (["popup"] if popups else [])],
        geometry=units.geometry[is_stadt].representative_point().values,
        crs=units.crs,
    )
    counts = {
        cls: int((units["map_class"] == cls).sum())
        for cls in (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT)
    }
    points = web_features(symbols, [c for c in symbols.columns if c != "geometry"])
    return web_features(web_units, list(props.columns)), points, counts


def funding_layers(
    units: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame,
    rb: gpd.GeoDataFrame,
    *,
    popups: bool = False,
    lang: str = "de",
) -> FundingLayers:
    fc, points, counts = unit_features(units, popups=popups, lang=lang)
    return FundingLayers(
        gemeinden=outline_features(gemeinden),
        rb=outline_features(rb),
        units=fc,
        stadt_points=points,
        counts=counts,
    )


def funding_map(
    units: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame,
    rb: gpd.GeoDataFrame,
    *,
    title: str,
    attribution: str,
    tiles: bool = True,
    popups: bool = False,
    subtitle: str = "",
    lang: str = "de",
) -> folium.Map:
    """The Förderkarte: Gemeinde outlines, classified units, RB outlines, Stadt symbols, legend
    (``title``, then ``subtitle``: the list's completeness).

    Parameters
    ----------
    units
        :func:`mapapp.analysis.funding.funding_units` output (EPSG:25832).
    gemeinden, rb
        Boundary frames (EPSG:25832), drawn as outlines.
    popups
        Add popups with the unit details (for standalone HTML; the app uses a details panel).
    """
    layers = funding_layers(units, gemeinden, rb, popups=popups, lang=lang)
    return funding_map_from_layers(
        layers,
        title=title,
        attribution=attribution,
        tiles=tiles,
        popups=popups,
        subtitle=subtitle,
        lang=lang,
    )


def funding_base_map(
    layers: FundingLayers,
    *,
    legend_title: str,
    attribution: str,
    tiles: bool = True,
    counts: dict[str, int] | None = None,
    subtitle: str = "",
    lang: str = "de",
) -> folium.Map:
    """The year-independent part of the Förderkarte: outlines and legend.

    Regierungsbezirk outlines sit in their own pane above the units, so the classified units
    (:func:`funding_feature_group`, added later or streamed separately) never hide them.
    """
    m = base_map(tiles=tiles, attribution=attribution, lang=lang)
    folium.GeoJson(
        layers.gemeinden,
        name=t("map.layer.gemeinden", lang),
        style_function=lambda _f: {**GEMEINDE_OUTLINE, "fillOpacity": 0.0},
        interactive=False,
        control=False,
    ).add_to(m)
    folium.map.CustomPane(RB_PANE, z_index=450, pointer_events=False).add_to(m)
    folium.GeoJson(
        layers.rb,
        name=t("map.layer.rb", lang),
        style_function=lambda _f: {**RB_OUTLINE, "fillOpacity": 0.0},
        interactive=False,
        control=False,
        pane=RB_PANE,
    ).add_to(m)
    m.add_child(HatchPatterns())
    # folded on narrow maps (phones), open on wide ones (:class:`mapapp.render.legend.Legend`)
    legend = funding_legend_html(legend_title, counts, lang, collapsible=True, subtitle=subtitle)
    m.add_child(Legend(legend, open_from_px=LEGEND_OPEN_FROM_PX))
    return m


def funding_feature_group(
    layers: FundingLayers, *, popups: bool = False, lang: str = "de"
) -> folium.FeatureGroup:
    """The year-dependent part: classified units (escaped tooltips), the inert Gemeinden inside
    funded Kreise (outline only, no clicks) and the Stadt symbols (clickable like their Stadt)."""
    group = folium.FeatureGroup(name=t("map.layer.units", lang))
    active, inert = _split_inert(layers.units)
    folium.GeoJson(
        active,
        name=t("map.layer.units", lang),
        style_function=lambda f: _style_for(f["properties"]["map_class"]),
        highlight_function=lambda _f: {"weight": 3.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False) if popups else None,
    ).add_to(group)
    if inert["features"]:
        folium.GeoJson(
            inert,
            style_function=lambda f: {
                **_style_for(f["properties"]["map_class"]),
                "fillOpacity": 0.0,
                "fill": False,
            },
            interactive=False,
            control=False,
        ).add_to(group)
    if layers.stadt_points["features"]:
        stadt = FUNDING_STYLES[CLASS_FUNDED_STADT]
        folium.GeoJson(
            layers.stadt_points,
            marker=folium.CircleMarker(radius=6),
            style_function=lambda _f: {
                "color": stadt.edge,
                "weight": 2,
                "fill": True,
                "fillColor": "#ffffff",
                "fillOpacity": 1.0,
            },
            highlight_function=lambda _f: {"weight": 3.5, "color": "#000000"},
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False) if popups else None,
            control=False,
        ).add_to(group)
    return group


def _split_inert(units: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The units FeatureCollection split into clickable and inert features (same order)."""
    features = units["features"]
    inert = [f for f in features if f["properties"].get("inert")]
    active = [f for f in features if not f["properties"].get("inert")]
    return (
        {"type": "FeatureCollection", "features": active},
        {"type": "FeatureCollection", "features": inert},
    )


def funding_map_from_layers(
    layers: FundingLayers,
    *,
    title: str,
    attribution: str,
    tiles: bool = True,
    popups: bool = False,
    subtitle: str = "",
    lang: str = "de",
) -> folium.Map:
    """:func:`funding_map` from precomputed (e.g. cached) :class:`FundingLayers` (one static map)."""
    m = funding_base_map(
        layers,
        legend_title=title,
        attribution=attribution,
        tiles=tiles,
        counts=layers.counts,
        subtitle=subtitle,
        lang=lang,
    )
    funding_feature_group(layers, popups=popups, lang=lang).add_to(m)
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    return m


def funding_html(
    units: gpd.GeoDataFrame,
    boundaries: Boundaries,
    years_label: str,
    lang: str = "de",
    *,
    completeness: str = "",
) -> str:
    """Standalone interactive HTML (one file, Leaflet inlined, works offline, popups on click).

    The page's ``<title>`` is the map's title; ``completeness``
    (:func:`mapapp.render.captions.funding_completeness`) stands under the title in the legend.
    """
    title = funding_title(years_label, lang)
    m = funding_map(
        units,
        boundaries.gemeinden,
        boundaries.rb,
        title=title,
        attribution=funding_attribution(boundaries.year, lang),
        tiles=False,
        popups=True,
        subtitle=completeness,
        lang=lang,
    )
    m.get_root().title = esc(title)  # type: ignore[attr-defined]
    return standalone_html(m)
