"""Maps of coverage results (:mod:`mapapp.analysis.coverage`): web map and printable map sheet.

The grid is drawn as one image, not as tens of thousands of GeoJSON squares: the cells (squares in
EPSG:25832) are sampled onto a regular Web Mercator pixel grid, so Leaflet's image overlay puts
every pixel where it belongs; the PNG has a palette (one entry per class) and stays small (tens of
kB for NRW at 1 km). Gemeinden and Kreise are drawn as GeoJSON polygons (choropleth) with escaped
tooltips. The map sheet (PNG/PDF/SVG, A4 landscape) is a matplotlib :class:`Figure` on the Agg canvas
(no pyplot), with legend, parameters, method, data vintages and attribution.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import matplotlib as mpl
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path
from matplotlib_scalebar.scalebar import ScaleBar
from PIL import Image
from pyproj import Transformer

from mapapp.analysis.coverage.grid import DemandGrid
from mapapp.analysis.coverage.params import PRECISION_KREIS_AREA, DemandKind, Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import CRS_METRIC, CRS_WEB
from mapapp.render.maps import COORD_DECIMALS, _Legend, base_map, web_features
from mapapp.render.safe import RawHtml, esc, plain_texts
from mapapp.text.coverage import (
    DEMAND_LABELS_DE,
    METHOD_LABELS_DE,
    attribution,
    attribution_text,
    category_text_de,
    headline_sentence,
    method_text,
    sources,
)

#: Views of the map.
VIEW_GRID = "grid"
VIEW_GEMEINDE = "gemeinde"
VIEW_KREIS = "kreis"
VIEWS = (VIEW_GRID, VIEW_GEMEINDE, VIEW_KREIS)

#: ColorBrewer YlOrRd (sequential; readable with the common colour-vision deficiencies):
#: darker = worse coverage, on every measure.
PALETTE = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
NODATA_COLOUR = "#bdbdbd"
OFFER_COLOUR = "#08306b"
KREIS_EDGE = "#4d4d4d"
FORMATS = ("png", "pdf", "svg")

_MERCATOR = "EPSG:3857"
_GENITIVE = {DemandKind.ALL: "Bevölkerung", DemandKind.FOREIGN: "ausländischen Bevölkerung"}


# --------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Classes:
    """Classed legend: a value ``v`` falls in the first class ``k`` with ``v <= upper[k]``.

    ``NaN`` has no class (index -1, drawn in :data:`NODATA_COLOUR`).
    """

    title: str
    upper: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    nodata_label: str = "keine Angabe"

    def index(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        v = np.asarray(values, dtype=np.float64)
        idx = np.searchsorted(np.asarray(self.upper, dtype=np.float64), v, side="left")
        idx = np.minimum(idx, len(self.upper) - 1).astype(np.int64)
        return np.where(np.isnan(v), -1, idx)

    def colour(self, values: npt.ArrayLike) -> list[str]:
        return [self.colours[i] if i >= 0 else NODATA_COLOUR for i in self.index(values)]


def _km(metres: float) -> str:
    return f"{metres / 1000:g}".replace(".", ",")


def _num(value: float) -> str:
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.2g}" if value < 1 else f"{value:.2f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _nice(value: float) -> float:
    """Round to two significant digits."""
    if value <= 0 or not math.isfinite(value):
        return value
    digits = 1 - int(math.floor(math.log10(value)))
    return round(value, digits)


def _positive_breaks(
    values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> list[float]:
    """Demand-weighted quartiles of the positive values, rounded and de-duplicated."""
    keep = np.isfinite(values) & (values > 0)
    v, w = values[keep], weights[keep]
    if not len(v):
        return []
    order = np.argsort(v)
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    total = cum[-1]
    breaks: list[float] = []
    for q in (0.25, 0.5, 0.75):
        b = float(v[np.searchsorted(cum, q * total)]) if total > 0 else float(np.quantile(v, q))
        b = _nice(b)
        if b > 0 and (not breaks or b > breaks[-1]):
            breaks.append(b)
    return breaks


def measure_classes(result: CoverageResult, view: str) -> Classes:
    """Legend classes for the chosen measure and view.

    Distances use fixed classes around the threshold ``T`` (T/2, T, 2T, 4T), so the map agrees with
    the headline; shares use fixed percent classes; 2SFCA/E2SFCA and offers per 10,000 use a class
    "0" (no offer) and demand-weighted quartiles of the positive values.
    """
    p = result.params
    t = p.threshold_m
    who = DEMAND_LABELS_DE[p.demand]
    if p.method is Method.NEAREST:
        title = "Entfernung zum nächsten Angebot (Luftlinie)"
        if view != VIEW_GRID:
            title = f"Mittlere Entfernung zum nächsten Angebot (gewichtet: {who})"
        upper = (t / 2, t, 2 * t, 4 * t, math.inf)
        labels = (
            f"bis {_km(t / 2)} km",
            f"{_km(t / 2)}–{_km(t)} km",
            f"{_km(t)}–{_km(2 * t)} km",
            f"{_km(2 * t)}–{_km(4 * t)} km",
            f"über {_km(4 * t)} km",
        )
        return Classes(title, tuple(u / 1000 for u in upper), labels, PALETTE[1:], "kein Angebot")
    if p.method is Method.SHARE:
        if view == VIEW_GRID:
            return Classes(
                f"Nächstes Angebot weiter als {_km(t)} km?",
                (0.5, math.inf),
                (f"bis {_km(t)} km", f"weiter als {_km(t)} km"),
                (PALETTE[1], PALETTE[5]),
            )
        return Classes(
            f"Anteil der {_GENITIVE[p.demand]} weiter als {_km(t)} km",
            (10, 25, 50, 75, math.inf),
            ("bis 10 %", "10–25 %", "25–50 %", "50–75 %", "über 75 %"),
            PALETTE[1:],
        )
    if view == VIEW_GRID:
        values = result.cells["value"].to_numpy(dtype=float)
        weights = result.cells["demand"].to_numpy(dtype=float)
    else:
        units = result.units(view)
        values = units["value"].to_numpy(dtype=float)
        weights = units["demand"].to_numpy(dtype=float)
    breaks = _positive_breaks(values, weights)
    if p.method is Method.PER_CAPITA:
        title = f"Angebote je 10.000 ({who})"
        zero = "kein Angebot im Gebiet"
    else:
        title = f"{p.method.value.upper()}: Angebote je 100.000 ({who}) im Umkreis von {_km(p.catchment_m)} km"
        zero = "kein Angebot erreichbar"
    bounds = [0.0, *breaks, math.inf]
    names = [zero]
    lo = 0.0
    for b in breaks:
        names.append(f"{_num(lo)}–{_num(b)}" if lo > 0 else f"über 0 bis {_num(b)}")
        lo = b
    names.append(f"über {_num(lo)}" if lo > 0 else "über 0")
    # higher = better: the darkest colour for "nothing", lighter for more
    colours = tuple(reversed(PALETTE[-len(bounds) :]))
    return Classes(title, tuple(bounds), tuple(names), colours)


# --------------------------------------------------------------------------------------------
# Grid image
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RasterLookup:
    """Which grid cell every pixel of a Web Mercator image shows (build once per grid).

    Attributes
    ----------
    pixel_cell
        ``(height, width)`` array: position of the cell in ``grid.cell_ix`` for each pixel, -1
        outside the grid (or outside ``outline``).
    bounds
        ``[[south, west], [north, east]]`` in degrees (Leaflet image bounds).
    dense, origin
        The cells as a dense ``(rows, cols)`` array of positions (-1 = no cell), row 0 = the
        southernmost row; ``origin`` = (column, row) of its lower-left cell.
    """

    pixel_cell: npt.NDArray[np.int32]
    bounds: list[list[float]]
    dense: npt.NDArray[np.int32]
    origin: tuple[int, int]
    cell_size_m: float


def _dense(grid: DemandGrid) -> tuple[npt.NDArray[np.int32], tuple[int, int]]:
    ix0, iy0 = int(grid.cell_ix.min()), int(grid.cell_iy.min())
    shape = (int(grid.cell_iy.max()) - iy0 + 1, int(grid.cell_ix.max()) - ix0 + 1)
    dense = np.full(shape, -1, dtype=np.int32)
    dense[grid.cell_iy - iy0, grid.cell_ix - ix0] = np.arange(grid.n_cells, dtype=np.int32)
    return dense, (ix0, iy0)


def raster_lookup(
    grid: DemandGrid,
    outline: Any = None,
    *,
    px_per_cell: float = 3.0,
    max_px: int = 2400,
) -> RasterLookup:
    """Sample the grid cells onto a Web Mercator pixel grid.

    Parameters
    ----------
    grid
        The demand grid (cells in EPSG:25832).
    outline
        Optional (multi)polygon in EPSG:25832 (e.g. the NRW border): pixels outside stay empty,
        so border cells do not spill over it.
    px_per_cell
        Pixels per cell edge (the image is at most ``max_px`` pixels on its longer side).
    """
    if grid.n_cells == 0:
        raise ValueError("das Raster hat keine Zellen")
    size = grid.cell_size_m
    dense, (ix0, iy0) = _dense(grid)
    x0, y0 = ix0 * size, iy0 * size
    x1, y1 = x0 + dense.shape[1] * size, y0 + dense.shape[0] * size
    to_merc = Transformer.from_crs(CRS_METRIC, _MERCATOR, always_xy=True)
    mx0, my0, mx1, my1 = to_merc.transform_bounds(x0, y0, x1, y1, densify_pts=21)
    scale = (mx1 - mx0) / (x1 - x0)  # mercator metres per ground metre (about 1.6 in NRW)
    pixel = scale * size / px_per_cell
    pixel = max(pixel, max(mx1 - mx0, my1 - my0) / max_px)
    width, height = math.ceil((mx1 - mx0) / pixel), math.ceil((my1 - my0) / pixel)
    xs = mx0 + (np.arange(width) + 0.5) * (mx1 - mx0) / width
    ys = my1 - (np.arange(height) + 0.5) * (my1 - my0) / height
    mx, my = np.meshgrid(xs, ys)
    to_metric = Transformer.from_crs(_MERCATOR, CRS_METRIC, always_xy=True)
    gx, gy = to_metric.transform(mx.ravel(), my.ravel())
    gx, gy = np.asarray(gx), np.asarray(gy)
    col = np.floor((gx - x0) / size).astype(np.int64)
    row = np.floor((gy - y0) / size).astype(np.int64)
    ok = (col >= 0) & (col < dense.shape[1]) & (row >= 0) & (row < dense.shape[0])
    cell = np.full(gx.shape, -1, dtype=np.int32)
    cell[ok] = dense[row[ok], col[ok]]
    if outline is not None:
        shapely.prepare(outline)
        inside = np.zeros(gx.shape, dtype=bool)
        inside[cell >= 0] = shapely.contains_xy(outline, gx[cell >= 0], gy[cell >= 0])
        cell[~inside] = -1
    to_web = Transformer.from_crs(_MERCATOR, CRS_WEB, always_xy=True)
    west, south = to_web.transform(mx0, my0)
    east, north = to_web.transform(mx1, my1)
    return RasterLookup(
        pixel_cell=cell.reshape(height, width),
        bounds=[[float(south), float(west)], [float(north), float(east)]],
        dense=dense,
        origin=(ix0, iy0),
        cell_size_m=size,
    )


def cell_values(result: CoverageResult, n_cells: int) -> npt.NDArray[np.float64]:
    """The measure per whole cell: demand-weighted mean over its pieces (plain mean without demand)."""
    cells = result.cells
    code = cells["cell"].to_numpy(dtype=np.int64)
    value = cells["value"].to_numpy(dtype=float)
    weight = cells["demand"].to_numpy(dtype=float)
    finite = np.isfinite(value)
    value0 = np.where(finite, value, 0.0)
    w = np.where(finite, weight, 0.0)
    wsum = np.bincount(code, weights=w, minlength=n_cells)
    wv = np.bincount(code, weights=w * value0, minlength=n_cells)
    n = np.bincount(code, weights=finite.astype(float), minlength=n_cells)
    plain = np.bincount(code, weights=value0, minlength=n_cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(wsum > 0, wv / wsum, plain / n)
    return np.where(n > 0, out, np.nan)


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def raster_png(lookup: RasterLookup, cell_class: npt.NDArray[np.int64], classes: Classes) -> bytes:
    """Palette PNG of the classed cells (transparent outside; no class = :data:`NODATA_COLOUR`)."""
    # palette index: 0 transparent, 1 no data, 2.. the classes
    per_cell = np.where(cell_class >= 0, cell_class + 2, 1).astype(np.uint8)
    pix = lookup.pixel_cell
    img = np.zeros(pix.shape, dtype=np.uint8)
    inside = pix >= 0
    img[inside] = per_cell[pix[inside]]
    palette = [0, 0, 0, *_hex_rgb(NODATA_COLOUR)]
    for colour in classes.colours:
        palette.extend(_hex_rgb(colour))
    image = Image.fromarray(img, mode="P")
    image.putpalette(palette)
    buf = io.BytesIO()
    image.save(buf, format="PNG", transparency=0, optimize=True)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Web map
# --------------------------------------------------------------------------------------------


def _fmt(value: object, decimals: int = 1) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"  # type: ignore[arg-type]
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def value_text(result: CoverageResult, value: float) -> str:
    """The measure value with its unit, in German."""
    method = result.params.method
    if method is Method.NEAREST:
        return f"{_fmt(value)} km"
    if method is Method.SHARE:
        return f"{_fmt(value)} %"
    if method is Method.PER_CAPITA:
        return f"{_fmt(value, 2)} je 10.000"
    return f"{_fmt(value, 2)} je 100.000"


def unit_tooltip(result: CoverageResult, rec: dict[str, Any]) -> str:
    """Escaped tooltip HTML for one Gemeinde or Kreis."""
    p = result.params
    who = DEMAND_LABELS_DE[p.demand]
    lines = [
        f"<b>{esc(rec.get('name'))}</b>",
        f"{esc(who)}: {esc(_fmt(rec.get('demand'), 0))}",
        f"davon weiter als {esc(_km(p.threshold_m))} km: {esc(_fmt(rec.get('demand_beyond'), 0))} "
        f"({esc(_fmt(rec.get('share_beyond_pct')))} %)",
        f"mittlere Entfernung zum nächsten Angebot: {esc(_fmt(rec.get('mean_nearest_km')))} km",
        f"Angebote im Gebiet: {esc(rec.get('offers'))}",
    ]
    if p.method not in (Method.NEAREST, Method.SHARE):  # otherwise the measure is listed above
        value = value_text(result, rec.get("value", math.nan))
        lines.insert(1, f"{esc(METHOD_LABELS_DE[p.method])}: {esc(value)}")
    return "<br>".join(lines)


def legend_html(classes: Classes, *, offers: bool = True, nodata: bool = False) -> str:
    """Escaped legend HTML: a swatch per class (plus offers and no-data rows)."""
    rows = [f"<div style='font-weight:bold;margin-bottom:4px'>{esc(classes.title)}</div>"]
    swatch = (
        "display:inline-block;width:16px;height:12px;margin-right:6px;vertical-align:middle;"
        "border:1px solid #777;background:{c}"
    )
    for label, colour in zip(classes.labels, classes.colours, strict=True):
        rows.append(f"<div><span style='{swatch.format(c=colour)}'></span>{esc(label)}</div>")
    if nodata:
        rows.append(
            f"<div><span style='{swatch.format(c=NODATA_COLOUR)}'></span>"
            f"{esc(classes.nodata_label)}</div>"
        )
    if offers:
        dot = (
            "display:inline-block;width:9px;height:9px;border-radius:50%;margin:0 9px 0 3px;"
            f"vertical-align:middle;border:2px solid {OFFER_COLOUR};background:{{b}}"
        )
        rows.append(
            f"<div style='margin-top:4px'><span style='{dot.format(b=OFFER_COLOUR)}'></span>"
            f"{esc('Angebot (Adresse)')}</div>"
        )
        rows.append(
            f"<div><span style='{dot.format(b='#ffffff')}'></span>"
            f"{esc('Angebot, Standort ungefähr')}</div>"
        )
    return "".join(rows)


def _offers_geojson(offers: pd.DataFrame) -> dict[str, Any]:
    features = []
    for rec in offers.to_dict("records"):
        lat, lon = rec.get("lat"), rec.get("lon")
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            continue
        precision = str(rec.get("precision") or "")
        tip = f"<b>{esc(rec.get('name'))}</b><br>{esc(rec.get('category_label') or rec.get('category'))}"
        if precision != "address":
            tip += "<br><i>Standort ungefähr" + (
                " (nur Kreisgebiet)</i>" if precision == PRECISION_KREIS_AREA else "</i>"
            )
        features.append(
            {
                "type": "Feature",
                "properties": {"tooltip": tip, "exact": precision == "address"},
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(float(lon), COORD_DECIMALS),
                        round(float(lat), COORD_DECIMALS),
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _add_offers(m: folium.Map, offers: pd.DataFrame) -> None:
    data = _offers_geojson(offers)
    if not data["features"]:
        return
    folium.GeoJson(
        data,
        name="Angebote",
        marker=folium.CircleMarker(radius=4, weight=2),
        style_function=lambda f: {
            "color": OFFER_COLOUR,
            "fillColor": OFFER_COLOUR if f["properties"]["exact"] else "#ffffff",
            "fillOpacity": 1.0,
            "weight": 2,
        },
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    ).add_to(m)


def _units_layer(
    result: CoverageResult,
    shapes: gpd.GeoDataFrame,
    level: str,
    classes: Classes | None,
) -> folium.GeoJson:
    """Gemeinden or Kreise with tooltips; filled by class (``classes``) or as outlines only."""
    units = result.units(level)
    keys = shapes["ags"].astype(str).str[: 8 if level == VIEW_GEMEINDE else 5]
    table = units.set_index("ags").reindex(keys.to_numpy())
    records = table.reset_index().to_dict("records")
    props = pd.DataFrame(
        {"tooltip": [unit_tooltip(result, {str(k): v for k, v in r.items()}) for r in records]}
    )
    if classes is not None:
        props["fill"] = classes.colour(table["value"].to_numpy(dtype=float))
    web = gpd.GeoDataFrame(props, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    filled = classes is not None

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        if filled:
            return {
                "fillColor": feature["properties"]["fill"],
                "fillOpacity": 0.85,
                "color": "#666666" if level == VIEW_GEMEINDE else KREIS_EDGE,
                "weight": 0.4 if level == VIEW_GEMEINDE else 1.2,
            }
        return {"fillOpacity": 0.0, "color": KREIS_EDGE, "weight": 1.0, "opacity": 0.9}

    return folium.GeoJson(
        web_features(web, list(props.columns)),
        name="Gemeinden" if level == VIEW_GEMEINDE else "Kreise",
        style_function=style,
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )


def map_attribution(result: CoverageResult) -> str:
    """The attribution on the web map: boundaries and population (offers are credited per offer)."""
    return attribution_text(
        result.boundary_year,
        result.population_source,
        offers=False,
        foreign_year=result.foreign_year,
        grid_resolution_m=result.params.cell_size_m,
    )


def coverage_map(
    result: CoverageResult,
    view: str,
    *,
    kreise: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None = None,
    lookup: RasterLookup | None = None,
    tiles: bool = False,
) -> folium.Map:
    """The coverage web map: grid image or Gemeinde/Kreis choropleth, Kreis outlines, offers, legend.

    Parameters
    ----------
    view
        :data:`VIEW_GRID` (needs ``lookup``), :data:`VIEW_GEMEINDE` (needs ``gemeinden``) or
        :data:`VIEW_KREIS`.
    kreise, gemeinden
        Boundary polygons with ``ags`` (any CRS; simplified web geometry recommended).
    """
    if view not in VIEWS:
        raise ValueError(f"Ansicht muss eine von {', '.join(VIEWS)} sein")
    m = base_map(tiles=tiles, attribution=map_attribution(result))
    # keep the scale bar visible above a long (wrapped) attribution line
    m.get_root().header.add_child(  # type: ignore[attr-defined]
        RawHtml(
            "<style>.leaflet-control-attribution{font-size:10px}"
            ".leaflet-bottom.leaflet-left{bottom:28px}"
            "@media (max-width:520px){.mapapp-legend{font-size:10px !important;"
            "max-width:180px !important;padding:3px 5px !important}"
            ".leaflet-bottom.leaflet-left{bottom:46px}}</style>"
        ),
        name="mapapp_coverage_css",
    )
    classes = measure_classes(result, view)
    nodata = False
    if view == VIEW_GRID:
        if lookup is None:
            raise ValueError("die Rasteransicht braucht raster_lookup(...)")
        values = cell_values(result, int(lookup.dense.max()) + 1)
        idx = classes.index(values)
        nodata = bool((idx < 0).any())
        png = raster_png(lookup, idx, classes)
        folium.raster_layers.ImageOverlay(
            "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
            bounds=lookup.bounds,
            opacity=0.85,
            name=f"Raster {result.params.cell_size_m:g} m",
            pixelated=True,
        ).add_to(m)
        _units_layer(result, kreise, VIEW_KREIS, None).add_to(m)
    elif view == VIEW_GEMEINDE:
        if gemeinden is None:
            raise ValueError("die Gemeindeansicht braucht die Gemeindegrenzen")
        nodata = bool(result.gemeinden["value"].isna().any())
        _units_layer(result, gemeinden, VIEW_GEMEINDE, classes).add_to(m)
        folium.GeoJson(
            web_features(kreise, []),
            name="Kreisgrenzen",
            style_function=lambda _f: {"fillOpacity": 0.0, "color": KREIS_EDGE, "weight": 1.2},
            interactive=False,
        ).add_to(m)
    else:
        nodata = bool(result.kreise["value"].isna().any())
        _units_layer(result, kreise, VIEW_KREIS, classes).add_to(m)
    _add_offers(m, result.offers)
    m.add_child(_Legend(legend_html(classes, nodata=nodata)))
    folium.LayerControl(collapsed=True, position="topleft").add_to(m)
    return m


def units_geojson(result: CoverageResult, shapes: gpd.GeoDataFrame, level: str) -> dict[str, Any]:
    """Gemeinden or Kreise with every result column as GeoJSON (WGS84) plus attribution/parameters."""
    units = result.units(level)
    keys = shapes["ags"].astype(str).str[: 8 if level == VIEW_GEMEINDE else 5]
    table = units.set_index("ags").reindex(keys.to_numpy()).reset_index()
    frame = gpd.GeoDataFrame(table, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    data = web_features(frame, list(table.columns))
    for feature in data["features"]:
        for key, value in feature["properties"].items():
            if isinstance(value, float) and not math.isfinite(value):
                feature["properties"][key] = None
    p = result.params
    data["attribution"] = attribution(result)
    data["parameters"] = {
        "method": p.method.value,
        "measure": METHOD_LABELS_DE[p.method],
        "demand": p.demand.value,
        "categories": list(p.categories),
        "threshold_m": p.threshold_m,
        "cell_size_m": p.cell_size_m,
        "catchment_m": p.catchment_m,
        "offers": result.headline.n_offers,
    }
    return data


# --------------------------------------------------------------------------------------------
# Map sheet (PNG / PDF / SVG)
# --------------------------------------------------------------------------------------------

_MM = 1.0 / 25.4
_PAGE_MM = (297.0, 210.0)
_SHEET_LOCK = threading.Lock()


def _paths(geoms: Sequence[Any]) -> list[Path]:
    out: list[Path] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            out.append(Path(np.zeros((1, 2))))
            continue
        polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        verts: list[npt.NDArray[np.float64]] = []
        codes: list[npt.NDArray[np.uint8]] = []
        for poly in polys:
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords, dtype=float)
                c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
                c[0] = Path.MOVETO
                c[-1] = Path.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
        out.append(Path(np.concatenate(verts), np.concatenate(codes)))
    return out


def _wrap(text: str, width: int) -> str:
    return "\n".join(
        "\n".join(textwrap.wrap(par, width=width)) for par in text.split("\n") if par.strip()
    )


def _plain(markdown: str) -> str:
    return markdown.replace("**", "")


def _cell_image(
    lookup: RasterLookup, cell_class: npt.NDArray[np.int64], classes: Classes
) -> npt.NDArray[np.float64]:
    """RGBA image of the dense cell array (row 0 = north) for ``imshow`` in EPSG:25832."""
    colours = np.array(
        [mpl.colors.to_rgba(NODATA_COLOUR)] + [mpl.colors.to_rgba(c) for c in classes.colours]
    )
    dense = lookup.dense[::-1]
    rgba = np.zeros((*dense.shape, 4))
    has = dense >= 0
    rgba[has] = colours[cell_class[dense[has]] + 1]
    return rgba


def map_sheet(
    result: CoverageResult,
    view: str,
    *,
    kreise: gpd.GeoDataFrame,
    land: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None = None,
    lookup: RasterLookup | None = None,
    fmt: str = "png",
    dpi: int = 200,
) -> bytes:
    """A4-landscape map sheet: map, headline, legend, parameters, method, data and attribution.

    Frames are reprojected to EPSG:25832; the grid is drawn exactly (cells are squares there) and
    clipped to the NRW outline ``land``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Format muss eines von {', '.join(FORMATS)} sein")
    classes = measure_classes(result, view)
    kreise_m = kreise.to_crs(CRS_METRIC)
    land_m = land.to_crs(CRS_METRIC)
    fig = Figure(figsize=(_PAGE_MM[0] * _MM, _PAGE_MM[1] * _MM))
    FigureCanvasAgg(fig)
    p = result.params
    fig.text(
        0.03,
        0.955,
        f"Versorgungslücken NRW – {category_text_de(p.categories)}",
        fontsize=14,
        weight="bold",
        va="top",
    )
    fig.text(0.03, 0.915, _wrap(headline_sentence(result.headline), 150), fontsize=8.5, va="top")
    ax = fig.add_axes((0.02, 0.15, 0.56, 0.73))
    ax.set_axis_off()
    ax.set_aspect("equal")
    land_paths = _paths(list(land_m.geometry))
    if view == VIEW_GRID:
        if lookup is None:
            raise ValueError("die Rasteransicht braucht raster_lookup(...)")
        idx = classes.index(cell_values(result, int(lookup.dense.max()) + 1))
        rgba = _cell_image(lookup, idx, classes)
        size = lookup.cell_size_m
        x0, y0 = lookup.origin[0] * size, lookup.origin[1] * size
        extent = (x0, x0 + rgba.shape[1] * size, y0, y0 + rgba.shape[0] * size)
        image = ax.imshow(rgba, extent=extent, interpolation="nearest", origin="upper")
        clip = PathPatch(Path.make_compound_path(*land_paths), transform=ax.transData)
        image.set_clip_path(clip)
    else:
        level = VIEW_GEMEINDE if view == VIEW_GEMEINDE else VIEW_KREIS
        shapes = gemeinden if level == VIEW_GEMEINDE else kreise
        if shapes is None:
            raise ValueError("die Gemeindeansicht braucht die Gemeindegrenzen")
        shapes_m = shapes.to_crs(CRS_METRIC)
        keys = shapes_m["ags"].astype(str).str[: 8 if level == VIEW_GEMEINDE else 5]
        values = result.units(level).set_index("ags")["value"].reindex(keys.to_numpy())
        ax.add_collection(
            PathCollection(
                _paths(list(shapes_m.geometry)),
                facecolors=classes.colour(values.to_numpy(dtype=float)),
                edgecolors="#777777",
                linewidths=0.2,
            )
        )
    ax.add_collection(
        PathCollection(
            _paths(list(kreise_m.geometry)),
            facecolors="none",
            edgecolors=KREIS_EDGE,
            linewidths=0.5,
        )
    )
    ax.add_collection(
        PathCollection(land_paths, facecolors="none", edgecolors="#1a1a1a", linewidths=0.9)
    )
    offers = result.offers
    if len(offers) and {"lon", "lat"} <= set(offers.columns):
        pts = gpd.GeoSeries(
            gpd.points_from_xy(offers["lon"].astype(float), offers["lat"].astype(float)),
            crs=CRS_WEB,
        ).to_crs(CRS_METRIC)
        exact = (offers["precision"].astype(str) == "address").to_numpy()
        ax.scatter(
            pts.x.to_numpy(),
            pts.y.to_numpy(),
            s=9,
            c=[OFFER_COLOUR if e else "#ffffff" for e in exact],
            edgecolors=OFFER_COLOUR,
            linewidths=0.7,
            zorder=5,
        )
    ax.add_artist(
        ScaleBar(1.0, units="m", location="lower left", frameon=False, font_properties={"size": 7})
    )
    minx, miny, maxx, maxy = land_m.total_bounds
    pad = 0.02 * (maxx - minx)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)

    handles: list[Any] = [
        Patch(facecolor=c, edgecolor="#777777", label=label)
        for label, c in zip(classes.labels, classes.colours, strict=True)
    ]
    handles += [
        Line2D(
            [], [], marker="o", ls="", mfc=OFFER_COLOUR, mec=OFFER_COLOUR, label="Angebot (Adresse)"
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="",
            mfc="#ffffff",
            mec=OFFER_COLOUR,
            label="Angebot, Standort ungefähr",
        ),
    ]
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.6, 0.88),
        frameon=False,
        fontsize=7.5,
        title=_wrap(classes.title, 55),
        title_fontsize=8,
        alignment="left",
    )
    params = [
        f"Kennzahl: {METHOD_LABELS_DE[p.method]}",
        f"Nachfrage: {DEMAND_LABELS_DE[p.demand]}",
        f"Angebote: {category_text_de(p.categories)} – {result.headline.n_offers} in den Daten",
        f"Schwelle: {_km(p.threshold_m)} km; Raster: {_fmt(p.cell_size_m, 0)} m "
        f"({_fmt(result.n_cells, 0)} Zellen)",
    ]
    if p.method in (Method.TWO_SFCA, Method.E2SFCA):
        params.append(f"Einzugsbereich: {_km(p.catchment_m)} km")
    fig.text(0.6, 0.6, _wrap("\n".join(params), 75), fontsize=7, va="top", linespacing=1.4)
    method = "\n".join(
        par
        for par in _plain(method_text(result)).split("\n\n")
        if not par.startswith(("Kennzahl", "Daten:"))
    )
    fig.text(0.6, 0.48, _wrap(method, 95), fontsize=5.2, va="top", linespacing=1.3, color="#333333")
    fig.text(
        0.03,
        0.13,
        _wrap("Daten: " + " · ".join(sources(result)), 190),
        fontsize=5.5,
        va="top",
        color="#333333",
    )
    fig.text(0.03, 0.03, attribution(result), fontsize=6, va="bottom", color="#333333")
    buf = io.BytesIO()
    with (
        _SHEET_LOCK,
        mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mapapp", "pdf.fonttype": 42}),
    ):
        metadata: dict[str, Any] = {
            "png": {},
            "svg": {"Date": None},
            "pdf": {"CreationDate": None},
        }[fmt]
        plain_texts(fig)
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=metadata)
    return buf.getvalue()


__all__ = [
    "FORMATS",
    "VIEWS",
    "VIEW_GEMEINDE",
    "VIEW_GRID",
    "VIEW_KREIS",
    "Classes",
    "RasterLookup",
    "cell_values",
    "coverage_map",
    "legend_html",
    "map_sheet",
    "measure_classes",
    "raster_lookup",
    "raster_png",
    "unit_tooltip",
    "units_geojson",
    "value_text",
]
