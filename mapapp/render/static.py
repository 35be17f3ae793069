"""Static Förderkarte for presentations: PNG, SVG and PDF on an A4-landscape page, offline.

No tiles, no network: the map is drawn from the boundary frames only. Styles, legend labels and class
order come from :mod:`mapapp.render.style`, so the print map and the web map read the same way
(colour-blind-safe Okabe-Ito colours, and never by colour alone: Kreise are hatched, Städte carry a
round symbol, eligible units have a dashed outline).

The figure is built with :class:`matplotlib.figure.Figure` and the Agg canvas (never ``pyplot``), so
rendering is safe inside Streamlit's script threads. Output is deterministic where the formats allow
it (no creation dates in SVG/PDF, fixed SVG id salt).
"""

from __future__ import annotations

import io
import re
import textwrap
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch
from matplotlib.path import Path
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox, offset_copy
from matplotlib_scalebar.scalebar import ScaleBar

from mapapp.analysis.funding import (
    CLASS_ELIGIBLE,
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASSES,
)
from mapapp.config import CRS_METRIC
from mapapp.io.boundaries import Boundaries
from mapapp.model import UnitType
from mapapp.render.exports import funding_attribution, funding_title
from mapapp.render.safe import plain_texts
from mapapp.render.style import FUNDING_STYLES, GEMEINDE_OUTLINE, RB_OUTLINE

#: Output formats of :func:`static_funding_map`.
FORMATS = ("png", "svg", "pdf")
#: Page size (width, height) in millimetres: A4 landscape.
PAGE_MM = (297.0, 210.0)
#: Default note on the completeness of the funding data (shown under the map).
DEFAULT_NOTE = (
    "Förderdaten: in öffentlichen Quellen dokumentierte Liste, unvollständig – "
    "nicht alle geförderten Kommunen sind verzeichnet."
)
FONT = "DejaVu Sans"

_MM = 1.0 / 25.4  # inch per millimetre
#: Leaflet line weights are in CSS pixels; on paper they become points times this factor.
_LINE_SCALE = 0.6
_INK = "#1a1a1a"
_MUTED = "#4d4d4d"
_RB_COLOR = str(RB_OUTLINE["color"])
_RB_ALPHA = float(str(RB_OUTLINE["opacity"]))
_RB_WIDTH = float(str(RB_OUTLINE["weight"])) * _LINE_SCALE
_GEM_COLOR = str(GEMEINDE_OUTLINE["color"])
_GEM_ALPHA = float(str(GEMEINDE_OUTLINE["opacity"]))
#: Map frame on the page, in millimetres from the lower-left corner: x, y, width, height.
_MAP_MM = (8.0, 17.0, 182.0, 170.0)
#: Side panel (legend, counts, names), same units.
_PANEL_MM = (196.0, 17.0, 93.0, 165.0)
#: Year the Kreis Aachen and the kreisfreie Stadt Aachen became the StädteRegion Aachen.
_AACHEN_MERGER = 2009
_STAEDTEREGION_AACHEN = "05334"

# rcParams are process-global: hold them (and the save) under one lock so concurrent exports in
# Streamlit threads cannot see each other's temporary settings.
_RC_LOCK = threading.Lock()
_RC: Any = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "svg.fonttype": "none",  # real <text> elements: searchable, editable, small
    "svg.hashsalt": "mapapp-foerderkarte",
    "pdf.fonttype": 42,  # embedded TrueType: text stays selectable/editable in PDF
    "hatch.linewidth": 0.6,
    # Unhinted glyphs: the label halos (text drawn as paths) then match the text exactly.
    "text.hinting": "none",
}
_SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": "mapapp (matplotlib)"},
    "svg": {"Date": None, "Creator": "mapapp (matplotlib)"},
    "pdf": {"CreationDate": None, "Creator": "mapapp (matplotlib)", "Producer": None},
}


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
) -> bytes:
    """The Förderkarte as a print-ready A4-landscape page (297 × 210 mm).

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

    Returns
    -------
    bytes
        The encoded file. Renders are serialised by a module lock (matplotlib's rcParams are
        process-global), so calling this from several Streamlit threads is safe.

    Raises
    ------
    ValueError
        For an unknown ``fmt``, a non-positive ``dpi`` or ``units`` without the columns above.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"Format '{fmt}' wird nicht unterstützt (erlaubt: {', '.join(FORMATS)})")
    if dpi <= 0:
        raise ValueError(f"dpi muss positiv sein, nicht {dpi}")
    missing = {"name", "unit_type", "funded", "map_class"} - set(units.columns)
    if missing:
        raise ValueError(f"Spalten fehlen im Einheiten-Frame: {', '.join(sorted(missing))}")
    unknown = set(units["map_class"]) - set(CLASSES)
    if unknown:
        raise ValueError(f"Unbekannte Kartenklassen: {', '.join(sorted(map(str, unknown)))}")

    buffer = io.BytesIO()
    with _RC_LOCK, mpl.rc_context(_RC):
        fig = _build_figure(
            _metric(units),
            _metric(boundaries.gemeinden),
            _metric(boundaries.rb),
            title=title or funding_title(years_label),
            years_label=years_label,
            attribution=funding_attribution(boundaries.year),
            boundary_note=_boundary_note(boundaries, units),
            note=note or "",
            labels=labels,
            dpi=dpi,
        )
        plain_texts(fig)
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_SAVE_METADATA[fmt], facecolor="white")
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------
# Figure
# ------------------------------------------------------------------------------------------------


def _build_figure(
    units: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame,
    rb: gpd.GeoDataFrame,
    *,
    title: str,
    years_label: str,
    attribution: str,
    boundary_note: str,
    note: str,
    labels: bool,
    dpi: int,
) -> Figure:
    width_mm, height_mm = PAGE_MM
    # Whole pixels at ``dpi`` (A4 at 300 dpi = 3508 x 2480 px); Agg truncates fractional sizes.
    w_in = (round(width_mm * _MM * dpi) + 0.01) / dpi
    h_in = (round(height_mm * _MM * dpi) + 0.01) / dpi
    fig = Figure(figsize=(w_in, h_in), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    renderer = canvas.get_renderer()  # type: ignore[no-untyped-call]

    def at(x_mm: float, y_mm: float) -> tuple[float, float]:
        return x_mm / width_mm, y_mm / height_mm

    _text(fig, *at(8, 201), title, size=18, weight="bold", va="top", color=_INK)
    _text(
        fig,
        *at(8, 192),
        f"Förderjahre {years_label} · Landesprogramm „Innovation in der kommunalen "
        "Integrationsarbeit“ in Nordrhein-Westfalen",
        size=10.5,
        va="top",
        color=_MUTED,
    )

    ax = fig.add_axes(_rect(_MAP_MM), frame_on=False)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _draw_map(ax, units, gemeinden, rb)
    xmin, ymin, xmax, ymax = gemeinden.total_bounds if len(gemeinden) else units.total_bounds
    pad = 0.02 * max(xmax - xmin, ymax - ymin)
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    # Fit the axes box to the data aspect now, so label placement sees the final transform.
    ax.apply_aspect()

    ax.add_artist(
        ScaleBar(
            1.0,
            units="m",
            location="lower right",
            length_fraction=0.22,
            width_fraction=0.008,
            box_alpha=0.85,
            box_color="white",
            frameon=True,
            color=_INK,
            font_properties={"family": FONT, "size": 8.5},
            border_pad=0.4,
        )
    )
    _north_arrow(ax)
    occupied = _rb_names(ax, rb, units, renderer)
    if labels:
        _label_units(ax, units, renderer, occupied)

    panel = fig.add_axes(_rect(_PANEL_MM), frame_on=False)
    panel.set_axis_off()
    _side_panel(panel, units, years_label, note, renderer)

    _text(fig, *at(8, 10.5), attribution, size=7.5, va="bottom", color=_INK)
    _text(fig, *at(8, 5.5), boundary_note, size=7.5, va="bottom", color=_MUTED)
    return fig


def _boundary_note(boundaries: Boundaries, units: gpd.GeoDataFrame) -> str:
    """Which boundaries are drawn, and the Aachen merger when the years predate it."""
    text = f"Verwaltungsgrenzen: BKG {boundaries.product}, Gebietsstand {boundaries.year}."
    years = {int(y) for ys in units["years"] for y in ys} if "years" in units else set()
    has_aachen = _STAEDTEREGION_AACHEN in set(boundaries.kreise["ags"])
    if has_aachen and boundaries.year >= _AACHEN_MERGER and any(y < _AACHEN_MERGER for y in years):
        text += (
            " Bis 2009 waren die Stadt Aachen kreisfrei und der Kreis Aachen eigenständig; "
            "heute bilden sie die StädteRegion Aachen."
        )
    return text


def _rect(mm: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x, y, w, h = mm
    pw, ph = PAGE_MM
    return (x / pw, y / ph, w / pw, h / ph)


def _text(fig: Figure, x: float, y: float, s: str, **kwargs: Any) -> Text:
    """Figure text without mathtext (names may contain ``$``) in the house font."""
    return fig.text(x, y, s, parse_math=False, family=FONT, **kwargs)


def _metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is not None and frame.crs != CRS_METRIC:
        return frame.to_crs(CRS_METRIC)
    return frame


# ------------------------------------------------------------------------------------------------
# Map layers
# ------------------------------------------------------------------------------------------------


def _polygon_path(geom: Any) -> Path | None:
    """A matplotlib path for a (multi)polygon; holes wound opposite to shells."""
    if geom is None or geom.is_empty:
        return None
    parts = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
    rings: list[Path] = []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = shapely.geometry.polygon.orient(part, 1.0)
        rings.append(Path(np.asarray(part.exterior.coords)[:, :2], closed=True))
        rings.extend(Path(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors)
    return Path.make_compound_path(*rings) if rings else None


def _paths(geoms: Iterable[Any]) -> list[Path]:
    return [p for p in (_polygon_path(g) for g in geoms) if p is not None]


def _collection(geoms: Iterable[Any], **kwargs: Any) -> PathCollection:
    return PathCollection(_paths(geoms), **kwargs)


def _linestyle(dash: str | None) -> Any:
    if not dash:
        return "solid"
    on_off = tuple(float(v) * 0.8 for v in dash.replace(",", " ").split())
    return (0, on_off)


def _draw_map(
    ax: Any, units: gpd.GeoDataFrame, gemeinden: gpd.GeoDataFrame, rb: gpd.GeoDataFrame
) -> None:
    """Fills, then Gemeinde outlines, then class outlines, RB outlines and Stadt symbols.

    Fills go Kreis level first, Gemeinde level on top (as in the web map, where the features come
    in that order); outlines of funded classes are drawn last so shared borders show them.
    """
    levels = units["level"] if "level" in units.columns else np.full(len(units), "")
    level_order = {"kreis": 0, "gemeinde": 1}
    for level in sorted(set(levels), key=lambda v: level_order.get(str(v), 2)):
        for z, cls in enumerate(CLASSES):
            st = FUNDING_STYLES[cls]
            geoms = units.geometry[(units["map_class"] == cls).to_numpy() & (levels == level)]
            if geoms.empty or st.fill_opacity <= 0:
                continue
            zorder = 1 + level_order.get(str(level), 2) * 0.1 + z * 0.01
            ax.add_collection(
                _collection(
                    geoms,
                    facecolors=[to_rgba(st.fill, st.fill_opacity)],
                    linewidths=0.0,
                    zorder=zorder,
                ),
                autolim=False,
            )
            if st.hatch:
                # Separate, unfilled layer: the PDF backend would fade a hatch with the fill alpha.
                ax.add_collection(
                    _collection(
                        geoms,
                        facecolors="none",
                        edgecolors=[st.edge],  # the hatch colour
                        linewidths=0.0,
                        hatch=st.hatch,
                        zorder=zorder + 0.001,
                    ),
                    autolim=False,
                )
    edge_order = [c for c in CLASSES if c not in (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT)]
    edge_order += [CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT]
    for z, cls in enumerate(edge_order):
        st = FUNDING_STYLES[cls]
        geoms = units.geometry[units["map_class"] == cls]
        if geoms.empty:
            continue
        ax.add_collection(
            _collection(
                geoms,
                facecolors="none",
                edgecolors=[st.edge],
                linewidths=st.weight * _LINE_SCALE,
                linestyles=_linestyle(st.dash),
                zorder=3 + z * 0.01,
            ),
            autolim=False,
        )
    ax.add_collection(
        _collection(
            gemeinden.geometry,
            facecolors="none",
            edgecolors=[to_rgba(_GEM_COLOR, _GEM_ALPHA)],
            linewidths=0.25,
            zorder=2,
        ),
        autolim=False,
    )
    ax.add_collection(
        _collection(
            rb.geometry,
            facecolors="none",
            edgecolors=[to_rgba(_RB_COLOR, _RB_ALPHA)],
            linewidths=_RB_WIDTH,
            joinstyle="round",
            zorder=4,
        ),
        autolim=False,
    )
    pts = _stadt_points(units)
    if len(pts):
        st = FUNDING_STYLES[CLASS_FUNDED_STADT]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            s=_SYMBOL_PT**2,
            marker="o",
            facecolors="white",
            edgecolors=st.edge,
            linewidths=1.2,
            zorder=5,
        )


_SYMBOL_PT = 5.0  # diameter of the Stadt symbol in points
#: Share of a label's box that may lie on other labels/symbols before the label is left out.
_MAX_LABEL_OVERLAP = 0.15


def _symbol_classes() -> set[str]:
    return {cls for cls, st in FUNDING_STYLES.items() if st.symbol}


def _stadt_points(units: gpd.GeoDataFrame) -> np.ndarray:
    sel = units[units["map_class"].isin(_symbol_classes())]
    if sel.empty:
        return np.empty((0, 2))
    pts = sel.geometry.representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def _north_arrow(ax: Any) -> None:
    """A plain north arrow in the upper-left corner (grid north of EPSG:25832; < 2° off true)."""
    ax.add_artist(
        FancyArrow(
            0.045,
            0.90,
            0.0,
            0.06,
            width=0.007,
            head_width=0.025,
            head_length=0.03,
            length_includes_head=True,
            transform=ax.transAxes,
            color=_INK,
            zorder=6,
        )
    )
    ax.text(
        0.045,
        0.885,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        size=10,
        weight="bold",
        color=_INK,
        family=FONT,
        parse_math=False,
        zorder=6,
    )


# ------------------------------------------------------------------------------------------------
# Labels
# ------------------------------------------------------------------------------------------------


def short_name(name: str, unit_type: str) -> str:
    """Label text: ``"Bochum, Stadt"`` -> ``"Bochum"``; ``"Düren"`` (Kreis) -> ``"Kreis Düren"``.

    Kreis names that already say what they are (``"Ennepe-Ruhr-Kreis"``, ``"Städteregion
    Aachen"``) stay as they are.
    """
    base = str(name).split(",")[0].strip() or str(name)
    if unit_type != UnitType.KREIS.value or re.search(r"kreis|region", base, re.IGNORECASE):
        return base
    return f"Kreis {base}"


@dataclass(frozen=True)
class _Candidate:
    dx: float  # points
    dy: float
    ha: str
    va: str


_STADT_CANDIDATES = (
    _Candidate(5, 0, "left", "center"),
    _Candidate(-5, 0, "right", "center"),
    _Candidate(0, 5, "center", "bottom"),
    _Candidate(0, -5, "center", "top"),
    _Candidate(4, 4, "left", "bottom"),
    _Candidate(4, -4, "left", "top"),
    _Candidate(-4, 4, "right", "bottom"),
    _Candidate(-4, -4, "right", "top"),
    _Candidate(0, 14, "center", "bottom"),
    _Candidate(0, -14, "center", "top"),
)
_KREIS_CANDIDATES = (
    _Candidate(0, 0, "center", "center"),
    _Candidate(0, 12, "center", "center"),
    _Candidate(0, -12, "center", "center"),
    _Candidate(18, 0, "center", "center"),
    _Candidate(-18, 0, "center", "center"),
    _Candidate(0, 22, "center", "center"),
    _Candidate(0, -22, "center", "center"),
)


def _label_units(
    ax: Any, units: gpd.GeoDataFrame, renderer: RendererAgg, background: list[Bbox]
) -> None:
    """Names of funded units with a white halo; greedy placement that avoids overlaps.

    Städte are labelled next to their symbol, Kreise inside their polygon. Each label takes the
    first candidate position that overlaps no earlier label, no symbol and no ``background`` box
    (the Regierungsbezirk names) and stays inside the map; otherwise the least-overlapping one.
    A label that would cover more than :data:`_MAX_LABEL_OVERLAP` of itself with other labels or
    symbols is left out (the symbol and the side panel still show the unit).
    """
    fig = ax.figure
    funded = units[units["funded"].astype(bool)]
    if funded.empty:
        return
    symbols = _symbol_classes()
    hard: list[Bbox] = []
    pts = _stadt_points(units)
    if len(pts):
        half = _SYMBOL_PT / 2 * fig.dpi / 72
        for x, y in ax.transData.transform(pts):
            hard.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    frame = ax.get_window_extent(renderer)

    def order(cls: str) -> int:
        return 0 if cls in symbols else 1

    funded = funded.assign(_o=[order(c) for c in funded["map_class"]]).sort_values(["_o", "name"])
    anchors = funded.geometry.representative_point()
    for (_, rec), anchor in zip(funded.iterrows(), anchors, strict=True):
        is_stadt = rec["map_class"] in symbols
        text = short_name(str(rec["name"]), str(rec["unit_type"]))
        style: dict[str, Any] = (
            {"size": 6.8, "weight": "bold"} if is_stadt else {"size": 6.8, "style": "italic"}
        )
        tried: list[tuple[float, float, Text, Bbox]] = []
        for cand in _STADT_CANDIDATES if is_stadt else _KREIS_CANDIDATES:
            label = Text(
                anchor.x,
                anchor.y,
                text,
                ha=cand.ha,
                va=cand.va,
                family=FONT,
                color=_INK,
                parse_math=False,
                zorder=8,
                **style,
            )
            label.set_figure(fig)
            label.set_transform(
                offset_copy(ax.transData, fig=fig, x=cand.dx, y=cand.dy, units="points")
            )
            box = label.get_window_extent(renderer).expanded(1.06, 1.12)
            clash = sum(_overlap(box, other) for other in hard)
            cost = 10 * clash + sum(_overlap(box, other) for other in background)
            if not (
                frame.x0 <= box.x0
                and box.x1 <= frame.x1
                and frame.y0 <= box.y0
                and box.y1 <= frame.y1
            ):
                cost += 10 * box.width * box.height
            tried.append((cost, clash, label, box))
            if cost == 0:
                break
        _, clash, label, box = min(tried, key=lambda item: item[0])
        if clash > _MAX_LABEL_OVERLAP * box.width * box.height:
            continue
        hard.append(box)
        halo = Text(
            label.get_position()[0],
            label.get_position()[1],
            text,
            ha=label.get_horizontalalignment(),
            va=label.get_verticalalignment(),
            family=FONT,
            color="white",
            parse_math=False,
            zorder=7,
            path_effects=[Stroke(linewidth=2.2, foreground="white")],
            **style,
        )
        halo.set_transform(label.get_transform())
        ax.add_artist(halo)
        ax.add_artist(label)


def _rb_names(
    ax: Any, rb: gpd.GeoDataFrame, units: gpd.GeoDataFrame, renderer: RendererAgg
) -> list[Bbox]:
    """Regierungsbezirk names, light and spaced, placed away from funded units.

    For each RB the label box is tried on a 4 km grid inside the RB; the spot farthest from any
    funded unit (up to 15 km, then nearest the RB's centre) wins. Returns the boxes (pixels).
    """
    boxes: list[Bbox] = []
    if "name" not in rb.columns or rb.empty:
        return boxes
    funded = units.geometry[units["funded"].astype(bool).to_numpy()]
    funded_union = shapely.union_all(funded.to_numpy()) if len(funded) else None
    px_to_data = ax.transData.inverted()
    for name, poly in zip(rb["name"], rb.geometry, strict=True):
        if poly is None or poly.is_empty:
            continue
        t = ax.text(
            0.0,
            0.0,
            " ".join(str(name).upper()),
            ha="center",
            va="center",
            size=7.5,
            color="#8a8a8a",
            family=FONT,
            parse_math=False,
            zorder=6,
        )
        ext = t.get_window_extent(renderer)
        (x0, y0), (x1, y1) = px_to_data.transform([(ext.x0, ext.y0), (ext.x1, ext.y1)])
        half_w, half_h = abs(x1 - x0) / 2 + 1_000, abs(y1 - y0) / 2 + 1_000
        bx0, by0, bx1, by1 = poly.bounds
        gx, gy = np.meshgrid(np.arange(bx0, bx1, 4_000.0), np.arange(by0, by1, 4_000.0))
        xs, ys = gx.ravel(), gy.ravel()
        cand = shapely.box(xs - half_w, ys - half_h, xs + half_w, ys + half_h)
        inside = shapely.within(cand, poly)
        if not inside.any():
            anchor = poly.representative_point()
            t.set_position((anchor.x, anchor.y))
        else:
            xs, ys, cand = xs[inside], ys[inside], cand[inside]
            far = (
                np.minimum(shapely.distance(cand, funded_union), 15_000.0)
                if funded_union is not None
                else np.zeros(len(cand))
            )
            centre = poly.centroid
            near = np.hypot(xs - centre.x, ys - centre.y)
            best = int(np.lexsort((near, -far))[0])
            t.set_position((float(xs[best]), float(ys[best])))
        boxes.append(t.get_window_extent(renderer))
    return boxes


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


# ------------------------------------------------------------------------------------------------
# Legend and side panel
# ------------------------------------------------------------------------------------------------


def _class_counts(units: gpd.GeoDataFrame) -> dict[str, int]:
    return {cls: int((units["map_class"] == cls).sum()) for cls in CLASSES}


def _legend_handles(counts: dict[str, int]) -> tuple[list[Any], list[str]]:
    handles: list[Any] = []
    labels: list[str] = []
    for cls in CLASSES:
        st = FUNDING_STYLES[cls]
        layers: list[Any] = [
            Patch(
                facecolor=to_rgba(st.fill, st.fill_opacity),
                edgecolor=st.edge,
                linewidth=max(st.weight * _LINE_SCALE, 0.5),
                linestyle=_linestyle(st.dash),
            )
        ]
        if st.hatch:
            layers.append(Patch(facecolor="none", edgecolor=st.edge, linewidth=0.0, hatch=st.hatch))
        if st.symbol:
            layers.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markersize=_SYMBOL_PT,
                    markerfacecolor="white",
                    markeredgecolor=st.edge,
                    markeredgewidth=1.2,
                )
            )
        handle: Any = tuple(layers) if len(layers) > 1 else layers[0]
        handles.append(handle)
        n = counts.get(cls, 0)
        show_count = cls in (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT, CLASS_ELIGIBLE)
        labels.append(f"{st.label} ({n})" if show_count else st.label)
    handles.append(Line2D([], [], color=_RB_COLOR, linewidth=_RB_WIDTH))
    labels.append("Grenze Regierungsbezirk")
    handles.append(Line2D([], [], color=_GEM_COLOR, linewidth=0.5))
    labels.append("Gemeindegrenze")
    return handles, labels


def _wrap_label(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_on_hyphens=False)) or label


def _year_rows(units: gpd.GeoDataFrame, years_label: str) -> list[tuple[str, int, int]]:
    """(period, Kreise, Städte) per funding year found in ``units`` and for all together."""
    funded = units[units["funded"].astype(bool)]
    is_kreis = (funded["map_class"] == CLASS_FUNDED_KREIS).to_numpy()
    years = sorted({int(y) for ys in funded["years"] for y in ys}) if "years" in funded else []
    rows = []
    for year in years:
        has = np.array([year in ys for ys in funded["years"]], dtype=bool)
        rows.append((str(year), int((has & is_kreis).sum()), int((has & ~is_kreis).sum())))
    if len(years) != 1 or not rows:
        rows.append((years_label, int(is_kreis.sum()), int((~is_kreis).sum())))
    return rows


def _side_panel(
    panel: Any, units: gpd.GeoDataFrame, years_label: str, note: str, renderer: RendererAgg
) -> None:
    """Legend with counts, counts per year, names of funded units and the completeness note."""
    counts = _class_counts(units)
    handles, labels = _legend_handles(counts)
    legend = panel.legend(
        handles,
        [_wrap_label(label) for label in labels],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        title="Legende",
        title_fontproperties={"family": FONT, "size": 10.5, "weight": "bold"},
        prop={"family": FONT, "size": 9},
        alignment="left",
        handlelength=2.6,
        handleheight=1.6,
        labelspacing=0.8,
        borderaxespad=0.0,
        borderpad=0.0,
        handler_map={tuple: HandlerTuple(ndivide=1)},
    )
    for t in legend.get_texts():
        t.set_parse_math(False)
    bottom = legend.get_window_extent(renderer).y0
    y = float(panel.transAxes.inverted().transform((0.0, bottom))[1]) - 0.05

    y = _panel_text(panel, y, "Geförderte Kommunen", size=10.5, weight="bold", renderer=renderer)
    y -= 0.012
    columns = (0.0, 0.42, 0.62, 0.82)
    header = ("Förderjahr", "Kreise", "Städte", "gesamt")
    rows = _year_rows(units, years_label)
    for i, row in enumerate([header, *[(p, str(k), str(s), str(k + s)) for p, k, s in rows]]):
        bold = i == 0 or (i == len(rows) and len(rows) > 1)
        y_next = y
        for x, cell in zip(columns, row, strict=True):
            y_next = _panel_text(
                panel,
                y,
                cell,
                x=x,
                size=9,
                weight="bold" if bold else "normal",
                renderer=renderer,
                ha="left" if x == 0.0 else "right",
                offset=0.0 if x == 0.0 else 0.12,
            )
        y = y_next - 0.008
        if i == 0 or i == len(rows) - 1:
            panel.plot(
                [0.0, 0.95],
                [y + 0.004, y + 0.004],
                color="#bdbdbd",
                linewidth=0.6,
                transform=panel.transAxes,
                clip_on=False,
            )
            y -= 0.006
    y -= 0.03

    note_top = 0.0
    if note:
        wrapped = "\n".join(textwrap.wrap(note, width=60, break_on_hyphens=False))
        t = panel.text(
            0.0,
            0.0,
            wrapped,
            transform=panel.transAxes,
            va="bottom",
            ha="left",
            size=8,
            color=_MUTED,
            style="italic",
            linespacing=1.3,
            family=FONT,
            parse_math=False,
        )
        note_top = _panel_y(panel, t.get_window_extent(renderer).y1) + 0.015

    # Names of the funded units, cut to the space left above the note.
    funded = units[units["funded"].astype(bool)]
    groups = []
    for group, cls in (("Kreise", CLASS_FUNDED_KREIS), ("Städte", CLASS_FUNDED_STADT)):
        names = sorted(
            short_name(str(n), UnitType.KREISFREIE_STADT.value)
            for n in funded.loc[funded["map_class"] == cls, "name"]
        )
        groups.append((group, names))
    pitch = _line_pitch(panel, renderer)
    head = 2 * (pitch + 0.026)
    budget = max(2, int((y - note_top - head) / pitch))
    need_kreise = len(_wrap_names(groups[0][1]))
    limits = [min(need_kreise, max(1, budget // 3)), 0]
    limits[1] = max(1, budget - max(1, limits[0]))
    for (group, names), limit in zip(groups, limits, strict=True):
        y = _panel_text(panel, y, group, size=9, weight="bold", renderer=renderer)
        y = _panel_text(
            panel,
            y - 0.004,
            _name_list(names, max(1, limit)) if names else "–",
            size=9,
            renderer=renderer,
            linespacing=1.3,
        )
        y -= 0.022


def _panel_y(panel: Any, y_px: float) -> float:
    return float(panel.transAxes.inverted().transform((0.0, y_px))[1])


def _line_pitch(panel: Any, renderer: RendererAgg) -> float:
    """Height of one more line of 9 pt list text (panel axes fraction)."""
    heights = []
    for s in ("Ag", "Ag\nAg"):
        t = panel.text(0, 0, s, size=9, linespacing=1.3, family=FONT, transform=panel.transAxes)
        ext = t.get_window_extent(renderer)
        heights.append(_panel_y(panel, ext.y1) - _panel_y(panel, ext.y0))
        t.remove()
    return heights[1] - heights[0]


def _wrap_names(names: Sequence[str], width: int = 50) -> list[str]:
    return textwrap.wrap(", ".join(names), width=width, break_on_hyphens=False)


def _name_list(names: Sequence[str], max_lines: int, width: int = 50) -> str:
    """Comma-separated names wrapped to ``width``; cut with "… und N weitere" at ``max_lines``."""
    lines = _wrap_names(names, width)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    shown: list[str] = []
    for name in names:
        rest = len(names) - len(shown) - 1
        if len(_wrap_names([*shown, name, f"… und {rest} weitere"], width)) > max_lines:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    if not shown:
        return f"{rest} Kommunen"
    return "\n".join(_wrap_names([*shown, f"… und {rest} weitere"], width))


def _panel_text(
    panel: Any,
    y: float,
    s: str,
    *,
    renderer: RendererAgg,
    x: float = 0.0,
    ha: str = "left",
    offset: float = 0.0,
    **kwargs: Any,
) -> float:
    """Write ``s`` with its top at ``y`` (panel axes fraction); return the y below it."""
    kwargs.setdefault("color", _INK)
    t = panel.text(
        x + offset,
        y,
        s,
        transform=panel.transAxes,
        va="top",
        ha=ha,
        family=FONT,
        parse_math=False,
        **kwargs,
    )
    box = t.get_window_extent(renderer)
    return float(panel.transAxes.inverted().transform((0.0, box.y0))[1])
