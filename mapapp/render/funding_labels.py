"""Names on the Förderkarte sheet: funded units with a halo, Regierungsbezirke in light capitals.

Placement is greedy and deterministic: each label takes the first candidate spot that clashes with
nothing placed before it (measured in pixels with the sheet's renderer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox, offset_copy

from mapapp.model import UnitType
from mapapp.render.sheet import FONT, INK
from mapapp.render.style import FUNDING_STYLES

SYMBOL_PT = 5.0  # diameter of the Stadt symbol in points
#: Share of a label's box that may lie on other labels/symbols before the label is left out.
MAX_LABEL_OVERLAP = 0.15


def symbol_classes() -> set[str]:
    """Map classes drawn with a round symbol (the funded Städte)."""
    return {cls for cls, st in FUNDING_STYLES.items() if st.symbol}


def stadt_points(units: gpd.GeoDataFrame) -> np.ndarray:
    """``(n, 2)`` symbol positions (representative points) of the units with a symbol."""
    sel = units[units["map_class"].isin(symbol_classes())]
    if sel.empty:
        return np.empty((0, 2))
    pts = sel.geometry.representative_point()
    return np.column_stack([pts.x.to_numpy(), pts.y.to_numpy()])


def short_name(name: str, unit_type: str) -> str:
    """Label text: ``"Bochum, Stadt"`` -> ``"Bochum"``; ``"Düren"`` (Kreis) -> ``"Kreis Düren"``.

    Kreis names that already say what they are (``"Ennepe-Ruhr-Kreis"``, ``"Städteregion
    Aachen"``) stay as they are.
    """
    base = str(name).split(",")[0].strip() or str(name)
    if unit_type != UnitType.KREIS.value or re.search(r"kreis|region", base, re.IGNORECASE):
        return base
    return f"Kreis {base}"  # the official name ("Kreis Düren"): a proper name, not translated


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


def label_units(
    ax: Any, units: gpd.GeoDataFrame, renderer: RendererAgg, background: list[Bbox]
) -> None:
    """Names of funded units with a white halo; greedy placement that avoids overlaps.

    Städte are labelled next to their symbol, Kreise inside their polygon. Each label takes the
    first candidate position that overlaps no earlier label, no symbol and no ``background`` box
    (the Regierungsbezirk names) and stays inside the map; otherwise the least-overlapping one.
    A label that would cover more than :data:`MAX_LABEL_OVERLAP` of itself with other labels or
    symbols is left out (the symbol and the side panel still show the unit).
    """
    funded = units[units["funded"].astype(bool)]
    if funded.empty:
        return
    symbols = symbol_classes()
    hard = _symbol_boxes(ax, units)
    frame = ax.get_window_extent(renderer)
    order = [0 if c in symbols else 1 for c in funded["map_class"]]
    funded = funded.assign(_o=order).sort_values(["_o", "name"])
    anchors = funded.geometry.representative_point()
    for (_, rec), anchor in zip(funded.iterrows(), anchors, strict=True):
        is_stadt = rec["map_class"] in symbols
        text = short_name(str(rec["name"]), str(rec["unit_type"]))
        style: dict[str, Any] = (
            {"size": 6.8, "weight": "bold"} if is_stadt else {"size": 6.8, "style": "italic"}
        )
        spots = _STADT_CANDIDATES if is_stadt else _KREIS_CANDIDATES
        tried = (_try_spot(ax, anchor, text, style, cand, renderer) for cand in spots)
        label, box, clash = _best_spot(tried, hard, background, frame)
        if clash > MAX_LABEL_OVERLAP * box.width * box.height:
            continue
        hard.append(box)
        _add_with_halo(ax, label, text, style)


def _symbol_boxes(ax: Any, units: gpd.GeoDataFrame) -> list[Bbox]:
    """Pixel boxes of the Stadt symbols (labels must not cover them)."""
    boxes: list[Bbox] = []
    pts = stadt_points(units)
    if len(pts):
        half = SYMBOL_PT / 2 * ax.figure.dpi / 72
        for x, y in ax.transData.transform(pts):
            boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def _try_spot(
    ax: Any, anchor: Any, text: str, style: dict[str, Any], cand: _Candidate, renderer: RendererAgg
) -> tuple[Text, Bbox]:
    """The label at one candidate spot (not yet on the axes) and its padded pixel box."""
    fig = ax.figure
    label = Text(
        anchor.x,
        anchor.y,
        text,
        ha=cand.ha,
        va=cand.va,
        family=FONT,
        color=INK,
        zorder=8,
        **style,
    )
    label.set_figure(fig)
    label.set_transform(offset_copy(ax.transData, fig=fig, x=cand.dx, y=cand.dy, units="points"))
    return label, label.get_window_extent(renderer).expanded(1.06, 1.12)


def _best_spot(
    tried: Iterable[tuple[Text, Bbox]], hard: list[Bbox], background: list[Bbox], frame: Bbox
) -> tuple[Text, Bbox, float]:
    """The first spot without any clash (later spots are not tried), else the cheapest: (label, box, overlap with ``hard``).

    Cost: overlap with labels/symbols counts ten times, with ``background`` once; leaving the
    map frame costs ten times the label's area.
    """
    scored: list[tuple[float, float, Text, Bbox]] = []
    for label, box in tried:
        clash = sum(_overlap(box, other) for other in hard)
        cost = 10 * clash + sum(_overlap(box, other) for other in background)
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        if not (inside and box.y1 <= frame.y1):
            cost += 10 * box.width * box.height
        scored.append((cost, clash, label, box))
        if cost == 0:
            break
    _, clash, label, box = min(scored, key=lambda item: item[0])
    return label, box, clash


def _add_with_halo(ax: Any, label: Text, text: str, style: dict[str, Any]) -> None:
    halo = Text(
        label.get_position()[0],
        label.get_position()[1],
        text,
        ha=label.get_horizontalalignment(),
        va=label.get_verticalalignment(),
        family=FONT,
        color="white",
        zorder=7,
        path_effects=[Stroke(linewidth=2.2, foreground="white")],
        **style,
    )
    halo.set_transform(label.get_transform())
    ax.add_artist(halo)
    ax.add_artist(label)


def rb_names(
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
            zorder=6,
        )
        t.set_position(_rb_spot(ax, t, poly, funded_union, renderer))
        boxes.append(t.get_window_extent(renderer))
    return boxes


def _rb_spot(
    ax: Any, t: Text, poly: Any, funded_union: Any, renderer: RendererAgg
) -> tuple[float, float]:
    """Where the name ``t`` of the RB ``poly`` goes (see :func:`rb_names`), in data coordinates."""
    ext = t.get_window_extent(renderer)
    (x0, y0), (x1, y1) = ax.transData.inverted().transform([(ext.x0, ext.y0), (ext.x1, ext.y1)])
    half_w, half_h = abs(x1 - x0) / 2 + 1_000, abs(y1 - y0) / 2 + 1_000
    bx0, by0, bx1, by1 = poly.bounds
    gx, gy = np.meshgrid(np.arange(bx0, bx1, 4_000.0), np.arange(by0, by1, 4_000.0))
    xs, ys = gx.ravel(), gy.ravel()
    cand = shapely.box(xs - half_w, ys - half_h, xs + half_w, ys + half_h)
    inside = shapely.within(cand, poly)
    if not inside.any():
        anchor = poly.representative_point()
        return (anchor.x, anchor.y)
    xs, ys, cand = xs[inside], ys[inside], cand[inside]
    far = (
        np.minimum(shapely.distance(cand, funded_union), 15_000.0)
        if funded_union is not None
        else np.zeros(len(cand))
    )
    centre = poly.centroid
    near = np.hypot(xs - centre.x, ys - centre.y)
    best = int(np.lexsort((near, -far))[0])
    return (float(xs[best]), float(ys[best]))


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0
