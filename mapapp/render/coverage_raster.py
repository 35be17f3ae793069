"""The coverage grid as pixels: which cell each pixel of a Web Mercator image shows, and the PNG.

The cells (squares in EPSG:25832) are sampled onto a regular Web Mercator pixel grid, so Leaflet's
image overlay puts every pixel where it belongs; the PNG has a palette (one entry per class) and
stays small (tens of kB for NRW at 1 km). The print sheet draws the same cells from
:attr:`RasterLookup.dense` exactly (they are squares in EPSG:25832).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from PIL import Image
from pyproj import Transformer

from mapapp.analysis.coverage.grid import DemandGrid
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import CRS_METRIC, CRS_WEB
from mapapp.render.coverage_classes import NODATA_COLOUR, Classes

_MERCATOR = "EPSG:3857"


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


def classed_cells(
    result: CoverageResult, lookup: RasterLookup, classes: Classes
) -> npt.NDArray[np.int64]:
    """Class index per cell of ``lookup`` (-1 = no value), for the web image and the sheet."""
    return classes.index(cell_values(result, int(lookup.dense.max()) + 1))
