"""The printable coverage map sheet (PNG/PDF/SVG) on the A4-landscape frame of :mod:`.sheet`.

Map (grid, Gemeinden or Kreise), headline, legend, parameters, method, data vintages and
attribution. Frames are reprojected to EPSG:25832; the grid is drawn exactly (cells are squares
there) and clipped to the NRW outline.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import numpy.typing as npt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path

from mapapp.analysis.coverage.params import Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import CRS_METRIC, CRS_WEB
from mapapp.render import sheet
from mapapp.render.coverage_classes import (
    KREIS_EDGE,
    NODATA_COLOUR,
    OFFER_COLOUR,
    VIEW_GEMEINDE,
    VIEW_GRID,
    VIEW_KREIS,
    Classes,
    measure_classes,
    unit_table,
)
from mapapp.render.coverage_raster import RasterLookup, classed_cells
from mapapp.render.mpl import metric, polygon_collection, polygon_paths
from mapapp.text import integer, label, t
from mapapp.text.coverage import (
    attribution,
    headline_sentence,
    method_paragraphs,
    sources,
)
from mapapp.text.coverage_basis import category_text
from mapapp.text.coverage_network import method_label, network_sentence, reach_text

#: Output formats of :func:`map_sheet`.
FORMATS = sheet.FORMATS
#: Map frame and the column beside it (legend, parameters, method), mm from the lower left.
_MAP_MM = (5.94, 31.5, 166.32, 153.3)
_COLUMN_X_MM = 178.2
#: Top of the legend: below the four lines the headline, its caveat and its basis may take.
_LEGEND_TOP_MM = 176.0


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
    lang: str = "de",
) -> bytes:
    """A4-landscape map sheet: map, headline, legend, parameters, method, data and attribution.

    ``view`` is ``"grid"`` (needs ``lookup``), ``"gemeinde"`` (needs ``gemeinden``) or
    ``"kreis"``; ``land`` is the NRW outline. The page is exact A4 at ``dpi`` (Agg truncates to
    whole pixels: 584 × 413 at 50 dpi). Texts in ``lang`` (:mod:`mapapp.text`).
    """
    sheet.check_format(fmt)
    classes = measure_classes(result, view, lang)

    def build(page: sheet.Page) -> None:
        p = result.params
        page.header(
            t("cov.sheet.title", lang, categories=category_text(p.categories, lang)),
            # the figure with its caveat and basis: up to four lines above the legend
            sheet.wrap(headline_sentence(result.headline, lang), 165),
            title_size=14,
            subtitle_size=7.5,
        )
        ax = page.axes(_MAP_MM)
        ax.set_aspect("equal")
        _draw_map(ax, result, view, classes, metric(kreise), metric(land), gemeinden, lookup)
        _legend(page, classes, lang)
        _texts(page, result, lang)
        page.footer(attribution(result, lang), size=6)

    return sheet.render(build, fmt=fmt, dpi=dpi, salt="mapapp", round_pixels=False)


def _draw_map(
    ax: Any,
    result: CoverageResult,
    view: str,
    classes: Classes,
    kreise: gpd.GeoDataFrame,
    land: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None,
    lookup: RasterLookup | None,
) -> None:
    """The classed grid or units, Kreis and Land outlines, offers, scale bar; fitted to ``land``."""
    land_paths = polygon_paths(land.geometry)
    if view == VIEW_GRID:
        _draw_grid(ax, result, classes, lookup, land_paths)
    else:
        _draw_units(ax, result, view, classes, kreise, gemeinden)
    ax.add_collection(
        polygon_collection(
            kreise.geometry, facecolors="none", edgecolors=KREIS_EDGE, linewidths=0.5
        )
    )
    ax.add_collection(
        polygon_collection(land.geometry, facecolors="none", edgecolors="#1a1a1a", linewidths=0.9)
    )
    _draw_offers(ax, result)
    sheet.scale_bar(ax, location="lower left")
    minx, miny, maxx, maxy = land.total_bounds
    pad = 0.02 * (maxx - minx)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)


def _draw_grid(
    ax: Any,
    result: CoverageResult,
    classes: Classes,
    lookup: RasterLookup | None,
    land_paths: list[Path],
) -> None:
    if lookup is None:
        raise ValueError("die Rasteransicht braucht raster_lookup(...)")
    rgba = _cell_image(lookup, classed_cells(result, lookup, classes), classes)
    size = lookup.cell_size_m
    x0, y0 = lookup.origin[0] * size, lookup.origin[1] * size
    extent = (x0, x0 + rgba.shape[1] * size, y0, y0 + rgba.shape[0] * size)
    image = ax.imshow(rgba, extent=extent, interpolation="nearest", origin="upper")
    image.set_clip_path(PathPatch(Path.make_compound_path(*land_paths), transform=ax.transData))


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


def _draw_units(
    ax: Any,
    result: CoverageResult,
    view: str,
    classes: Classes,
    kreise: gpd.GeoDataFrame,
    gemeinden: gpd.GeoDataFrame | None,
) -> None:
    level = VIEW_GEMEINDE if view == VIEW_GEMEINDE else VIEW_KREIS
    shapes = gemeinden if level == VIEW_GEMEINDE else kreise
    if shapes is None:
        raise ValueError("die Gemeindeansicht braucht die Gemeindegrenzen")
    shapes = metric(shapes)
    values = unit_table(result, shapes, level)["value"].to_numpy(dtype=float)
    ax.add_collection(
        polygon_collection(
            shapes.geometry, fills=classes.colour(values), edgecolors="#777777", linewidths=0.2
        )
    )


def _draw_offers(ax: Any, result: CoverageResult) -> None:
    offers = result.offers
    if not len(offers) or not {"lon", "lat"} <= set(offers.columns):
        return
    pts = gpd.GeoSeries(
        gpd.points_from_xy(offers["lon"].astype(float), offers["lat"].astype(float)), crs=CRS_WEB
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


def _legend(page: sheet.Page, classes: Classes, lang: str) -> None:
    handles: list[Any] = [Patch(facecolor=c, edgecolor="#777777") for c in classes.colours]
    for fill in (OFFER_COLOUR, "#ffffff"):  # exact address, approximate location
        handles.append(Line2D([], [], marker="o", ls="", mfc=fill, mec=OFFER_COLOUR))
    labels = [*classes.labels, t("legend.offer.exact", lang), t("legend.offer.approx", lang)]
    sheet.legend(
        page.fig,
        handles,
        labels,
        title=sheet.wrap(classes.title, 55),
        anchor=(_COLUMN_X_MM / sheet.PAGE_MM[0], _LEGEND_TOP_MM / sheet.PAGE_MM[1]),
        size=7.5,
        title_size=8,
    )


def _texts(page: sheet.Page, result: CoverageResult, lang: str) -> None:
    """Parameters and method beside the map, the data sources under it."""
    p = result.params
    params = [
        t("cov.sheet.measure", lang, value=method_label(p, lang)),
        t("cov.sheet.demand", lang, value=label("demand", p.demand, lang)),
        t(
            "cov.sheet.offers",
            lang,
            categories=category_text(p.categories, lang),
            n=integer(result.headline.n_offers, lang),
        ),
        t(
            "cov.sheet.threshold",
            lang,
            km=reach_text(p.threshold, p.mode, lang),
            cell=t("fmt.m", lang, value=integer(p.cell_size_m, lang)),
            cells=integer(result.n_cells, lang),
        ),
    ]
    if result.network is not None:
        params.append(network_sentence(result.network, lang))
    if p.method in (Method.TWO_SFCA, Method.E2SFCA, Method.CAPACITY):
        params.append(t("cov.sheet.catchment", lang, km=reach_text(p.catchment, p.mode, lang)))
    page.text(
        _COLUMN_X_MM, 126, sheet.wrap("\n".join(params), 75), size=7, va="top", linespacing=1.4
    )
    # the measure line and the data sources are shown elsewhere on the sheet
    method = "\n".join(par.replace("**", "") for par in method_paragraphs(result, lang)[1:-1])
    page.text(
        _COLUMN_X_MM,
        100.8,
        sheet.wrap(method, 95),
        size=5.2,
        va="top",
        linespacing=1.3,
        color="#333333",
    )
    data = sheet.wrap(t("cov.sheet.data", lang, sources=" · ".join(sources(result, lang))), 190)
    page.text(sheet.MARGIN_MM, 27.3, data, size=5.5, va="top", color="#333333")
