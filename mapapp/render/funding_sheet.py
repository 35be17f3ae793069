"""Static Förderkarte for presentations: PNG, SVG and PDF on the A4-landscape sheet, offline.

No tiles, no network: the map is drawn from the boundary frames only. Styles, legend labels and class
order come from :mod:`mapapp.render.style`, so the print map and the web map read the same way
(colour-blind-safe Okabe-Ito colours, and never by colour alone: Kreise are hatched, Städte carry a
round symbol, eligible units have a dashed outline). Page, fonts, lock and save: :mod:`.sheet`;
names on the map: :mod:`.funding_labels`; legend and counts: :mod:`.funding_panel`.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib.colors import to_rgba

from mapapp.analysis.funding import (
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASSES,
    inside_funded_kreis,
)
from mapapp.io.boundaries import Boundaries
from mapapp.render import sheet
from mapapp.render.captions import DEFAULT_NOTE, funding_attribution, funding_title
from mapapp.render.funding_labels import SYMBOL_PT, label_units, rb_names, stadt_points
from mapapp.render.funding_panel import side_panel
from mapapp.render.mpl import linestyle, metric, polygon_collection
from mapapp.render.style import FUNDING_STYLES, GEMEINDE_OUTLINE, LINE_SCALE, RB_OUTLINE
from mapapp.text import t

#: Output formats of :func:`static_funding_map`.
FORMATS = sheet.FORMATS

#: Map frame on the page, in millimetres from the lower-left corner: x, y, width, height.
_MAP_MM = (8.0, 17.0, 182.0, 170.0)
#: Side panel (legend, counts, names), same units.
_PANEL_MM = (196.0, 17.0, 93.0, 165.0)
#: Year the Kreis Aachen and the kreisfreie Stadt Aachen became the StädteRegion Aachen.
_AACHEN_MERGER = 2009
_STAEDTEREGION_AACHEN = "05334"
_UNIT_COLUMNS = {"name", "unit_type", "funded", "map_class"}


def static_funding_map(
    units: gpd.GeoDataFrame,
    boundaries: Boundaries,
    *,
    years_label: str,
    fmt: str,
    title: str | None = None,
    dpi: int = 300,
    note: str | None = DEFAULT_NOTE,
    labels: bool = True,
    completeness: str = "",
    lang: str = "de",
) -> bytes:
    """The Förderkarte as a print-ready A4-landscape page (297 × 210 mm).

    Long by its parameter list and docstring only; the steps are small helpers.

    Parameters
    ----------
    units
        :func:`mapapp.analysis.funding.funding_units` output: ``name``, ``unit_type``, ``funded``,
        ``map_class`` (one of :data:`~mapapp.analysis.funding.CLASSES`), polygons in any CRS
        (drawn in EPSG:25832, metres).
    boundaries
        NRW boundaries; Gemeinden are drawn as thin outlines, Regierungsbezirke as heavy ones,
        ``boundaries.year`` goes into the BKG attribution.
    years_label
        Funding years as shown to people, e.g. ``"2005–2007"``.
    fmt
        ``"png"``, ``"svg"`` or ``"pdf"``.
    title
        Page title; default ``"KOMM-IN NRW – Geförderte Kommunen <years_label>"``.
    dpi
        Raster resolution for PNG (300 = print; 3508 × 2480 px). Vector formats ignore it.
    note
        Completeness note at the foot of the side panel (``None`` or ``""`` for none). The
        default says the documented list is incomplete; pass another text for an imported list.
    labels
        Write the names of funded units on the map (collisions are avoided where possible).
    completeness
        How complete the list is (:func:`mapapp.render.captions.funding_completeness`, e.g.
        ``"dokumentiert: 10 Kommunen; laut Ministerium bis 2008: 86"``): the subtitle's second line.
    lang
        Language of the sheet's texts (:mod:`mapapp.text`); names stay as they are.

    Returns
    -------
    bytes
        The encoded file; safe to call from several threads (see :func:`.sheet.render`).

    Raises
    ------
    ValueError
        For an unknown ``fmt``, a non-positive ``dpi`` or ``units`` without the columns above.
    """
    sheet.check_format(fmt)
    missing = _UNIT_COLUMNS - set(units.columns)
    if missing:
        raise ValueError(f"Spalten fehlen im Einheiten-Frame: {', '.join(sorted(missing))}")
    unknown = set(units["map_class"]) - set(CLASSES)
    if unknown:
        raise ValueError(f"Unbekannte Kartenklassen: {', '.join(sorted(map(str, unknown)))}")

    def build(page: sheet.Page) -> None:
        _build_page(
            page,
            metric(units),
            boundaries,
            title=title or funding_title(years_label, lang),
            years_label=years_label,
            note=note or "",
            labels=labels,
            completeness=completeness,
            lang=lang,
        )

    return sheet.render(build, fmt=fmt, dpi=dpi, salt="mapapp-foerderkarte")


def _build_page(
    page: sheet.Page,
    units: gpd.GeoDataFrame,
    boundaries: Boundaries,
    *,
    title: str,
    years_label: str,
    note: str,
    labels: bool,
    completeness: str,
    lang: str,
) -> None:
    gemeinden, rb = metric(boundaries.gemeinden), metric(boundaries.rb)
    subtitle = t("fk.sheet.subtitle", lang, years=years_label)
    page.header(title, f"{subtitle}\n{completeness}" if completeness else subtitle)
    ax = page.axes(_MAP_MM)
    ax.set_aspect("equal")
    _draw_map(ax, units, gemeinden, rb)
    xmin, ymin, xmax, ymax = gemeinden.total_bounds if len(gemeinden) else units.total_bounds
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    # Fit the axes box to the data aspect now, so label placement sees the final transform.
    ax.apply_aspect()
    sheet.scale_bar(ax)
    sheet.north_arrow(ax)
    occupied = rb_names(ax, rb, units, page.renderer)
    if labels:
        label_units(ax, units, page.renderer, occupied)
    side_panel(page.axes(_PANEL_MM), units, years_label, note, page.renderer, lang)
    page.footer(
        funding_attribution(boundaries.year, lang),
        _boundary_note(boundaries, units, lang),
        size=7.5,
    )


def _boundary_note(boundaries: Boundaries, units: gpd.GeoDataFrame, lang: str) -> str:
    """Which boundaries are drawn, and the Aachen merger when the years predate it."""
    text = t("fk.sheet.boundaries", lang, product=boundaries.product, year=boundaries.year)
    years = {int(y) for ys in units["years"] for y in ys} if "years" in units else set()
    has_aachen = _STAEDTEREGION_AACHEN in set(boundaries.kreise["ags"])
    if has_aachen and boundaries.year >= _AACHEN_MERGER and any(y < _AACHEN_MERGER for y in years):
        text += t("fk.sheet.aachen", lang)
    return text


def _draw_map(
    ax: Any, units: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame, rb: gpd.GeoDataFrame
) -> None:
    """Fills, then Gemeinde outlines, then class outlines, RB outlines and Stadt symbols (zorder)."""
    _draw_fills(ax, units)
    _draw_class_edges(ax, units)
    gem_edge = to_rgba(str(GEMEINDE_OUTLINE["color"]), float(str(GEMEINDE_OUTLINE["opacity"])))
    _add(
        ax, gemeinden.geometry, facecolors="none", edgecolors=[gem_edge], linewidths=0.25, zorder=2
    )
    _add(
        ax,
        rb.geometry,
        facecolors="none",
        edgecolors=[to_rgba(str(RB_OUTLINE["color"]), float(str(RB_OUTLINE["opacity"])))],
        linewidths=float(str(RB_OUTLINE["weight"])) * LINE_SCALE,
        joinstyle="round",
        zorder=4,
    )
    pts = stadt_points(units)
    if len(pts):
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=SYMBOL_PT**2,
            marker="o",
            facecolors="white",
            edgecolors=FUNDING_STYLES[CLASS_FUNDED_STADT].edge,
            linewidths=1.2,
            zorder=5,
        )


def _add(ax: Any, geoms: Any, **kwargs: Any) -> None:
    ax.add_collection(polygon_collection(geoms, **kwargs), autolim=False)


def _draw_fills(ax: Any, units: gpd.GeoDataFrame) -> None:
    """Class fills: Kreis level first, Gemeinde level on top (as in the web map, where the
    features come in that order); hatches as separate unfilled layers. A Gemeinde inside a
    funded Kreis that is not a funded Stadt gets no fill (as on the web map): its outline only,
    so the Kreis's fill and hatch show through."""
    levels = units["level"] if "level" in units.columns else np.full(len(units), "")
    filled = ~np.asarray(inside_funded_kreis(units), dtype=bool)
    level_order = {"kreis": 0, "gemeinde": 1}
    for level in sorted(set(levels), key=lambda v: level_order.get(str(v), 2)):
        for z, cls in enumerate(CLASSES):
            st = FUNDING_STYLES[cls]
            chosen = (units["map_class"] == cls).to_numpy() & (levels == level) & filled
            geoms = units.geometry[chosen]
            if geoms.empty or st.fill_opacity <= 0:
                continue
            zorder = 1 + level_order.get(str(level), 2) * 0.1 + z * 0.01
            fill = to_rgba(st.fill, st.fill_opacity)
            _add(ax, geoms, facecolors=[fill], linewidths=0.0, zorder=zorder)
            if st.hatch:
                # Separate, unfilled layer: the PDF backend would fade a hatch with the fill alpha.
                _add(
                    ax,
                    geoms,
                    facecolors="none",
                    edgecolors=[st.edge],  # the hatch colour
                    linewidths=0.0,
                    hatch=st.hatch,
                    zorder=zorder + 0.001,
                )


def _draw_class_edges(ax: Any, units: gpd.GeoDataFrame) -> None:
    """Class outlines; funded classes last, so shared borders show them."""
    edge_order = [c for c in CLASSES if c not in (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT)]
    edge_order += [CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT]
    for z, cls in enumerate(edge_order):
        st = FUNDING_STYLES[cls]
        geoms = units.geometry[units["map_class"] == cls]
        if geoms.empty:
            continue
        _add(
            ax,
            geoms,
            facecolors="none",
            edgecolors=[st.edge],
            linewidths=st.weight * LINE_SCALE,
            linestyles=linestyle(st.dash),
            zorder=3 + z * 0.01,
        )
