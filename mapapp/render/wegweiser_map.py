"""The small map of the Wegweiser: Gemeinde boundaries around the searched place, the place (a
star) and the located offers as numbered dots (numbers as in the sheet's list), with the BKG
attribution and a metric scale bar drawn on the image. A square PNG, offline and deterministic.

Drawn on a plain :class:`~matplotlib.figure.Figure` with the Agg canvas (never ``pyplot``), every
text literal (:func:`mapapp.render.safe.plain_texts`: names may contain ``$``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import geopandas as gpd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from shapely.geometry import Point

from mapapp.projection import to_metric
from mapapp.render.mpl import metric, polygon_collection
from mapapp.render.safe import plain_texts
from mapapp.render.sheet import FONT, INK, MUTED, scale_bar

#: Side of the square map in millimetres (the template shows it at 72 mm).
SIZE_MM = 72.0
#: Half the side of the smallest area shown, in metres.
MIN_HALF_M = 3_000.0
#: Offer dots and the searched place.
DOT = "#1f5fa8"
HERE = "#c0392b"
#: Most Gemeinde names written on the map (the largest first).
MAX_NAMES = 12


def _extent(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Centre x, y and half side of a square around the points (15 % margin, at least
    :data:`MIN_HALF_M`)."""
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    half = max((x1 - x0) / 2, (y1 - y0) / 2) * 1.15 + 600.0
    return (x0 + x1) / 2, (y0 + y1) / 2, max(half, MIN_HALF_M)


def _draw_gemeinden(ax: object, gem: gpd.GeoDataFrame, here: Point) -> None:
    home = gem.geometry.contains(here)
    fills = ["#fff1c1" if h else "#f4f4f1" for h in home]
    ax.add_collection(  # type: ignore[attr-defined]
        polygon_collection(gem.geometry, fills=fills, edgecolor="#8a8a8a", linewidth=0.5)
    )
    named = gem.assign(_area=gem.geometry.area).sort_values("_area", ascending=False)
    for _, row in named.head(MAX_NAMES).iterrows():
        pt = row.geometry.representative_point()
        ax.text(  # type: ignore[attr-defined]
            pt.x, pt.y, str(row["name"]), ha="center", va="center", size=5.2, color=MUTED,
            family=FONT, clip_on=True, zorder=2,
        )  # fmt: skip


def wegweiser_map_png(
    gemeinden: gpd.GeoDataFrame,
    here: tuple[float, float],
    points: Sequence[tuple[int, float, float]],
    *,
    attribution: str,
    dpi: int = 200,
) -> bytes:
    """The map as PNG.

    Parameters
    ----------
    gemeinden
        Gemeinde boundaries (``name``, ``geometry``; any CRS, drawn in EPSG:25832).
    here
        The searched place (WGS84 ``lon, lat``).
    points
        ``(number, lon, lat)`` of each located offer on the sheet.
    attribution
        The boundaries' attribution (``© GeoBasis-DE / BKG …``), written on the map.
    """
    lons = [here[0], *(p[1] for p in points)]
    lats = [here[1], *(p[2] for p in points)]
    xs, ys = to_metric(lons, lats)
    cx, cy, half = _extent(list(xs), list(ys))
    side = SIZE_MM / 25.4
    fig = Figure(figsize=(side, side), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)  # the Agg canvas, never pyplot
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0), frame_on=False)
    ax.set_axis_off()
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect("equal")
    gem = metric(gemeinden)
    gem = gem.cx[cx - half : cx + half, cy - half : cy + half]
    _draw_gemeinden(ax, gem, Point(float(xs[0]), float(ys[0])))
    ax.scatter([xs[0]], [ys[0]], marker="*", s=150, c=HERE, edgecolors="white", zorder=5)
    for (num, _, _), x, y in zip(points, xs[1:], ys[1:], strict=True):
        ax.scatter([x], [y], s=70, c=DOT, edgecolors="white", linewidths=0.8, zorder=6)
        ax.text(
            x, y, str(num), ha="center", va="center", size=5.5, color="white", weight="bold",
            family=FONT, zorder=7,
        )  # fmt: skip
    scale_bar(ax, location="lower left")
    ax.text(
        0.99, 0.008, attribution, transform=ax.transAxes, ha="right", va="bottom", size=4.6,
        color=INK, family=FONT, zorder=8,
        bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1.0},
    )  # fmt: skip
    plain_texts(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": "mapapp (matplotlib)"})
    return buffer.getvalue()
