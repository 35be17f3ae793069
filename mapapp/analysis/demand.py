"""Demand surfaces: people per grid cell inside each Gemeinde, in EPSG:25832 (metres).

Two ways to get there:

* :func:`build_demand_grid` spreads each Gemeinde's population (and foreign population) over a
  regular grid - square cells in EPSG:25832 or H3 hexagons - in proportion to the area of each
  cell inside the Gemeinde, so the cells of a Gemeinde sum to its population.
* :func:`mapapp.analysis.demand_sources.demand_from_population_grid` takes a real population grid (Zensus 2022 100 m / 1 km,
  read with :func:`mapapp.io.population_grid.read_population_grid`), assigns each cell to the
  Gemeinde that contains its centre and gives it the Gemeinde's foreign share.

:func:`mapapp.analysis.demand_sources.foreign_population_from_share` derives foreign residents from a share per Gemeinde (Zensus)
or per Kreis (INKAR).

Every result has the columns ``cell_id``, ``ags``, ``kreis_ags``, ``x``, ``y`` (cell centre or the
centroid of the clipped piece, metres), ``population`` and, when available, ``foreign_population``,
ready for :mod:`mapapp.analysis.accessibility`.
"""

from __future__ import annotations

import math
from typing import Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mapapp.config import CRS_METRIC
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    COL_AGS,
    COL_KREIS_AGS,
    COL_POPULATION,
    DataError,
    kreis_of,
    normalize_ags,
)

COL_FOREIGN_POPULATION = "foreign_population"
COL_CELL_ID = "cell_id"

#: Pieces smaller than this fraction of the largest piece of a Gemeinde are dropped.
_SLIVER = 1e-6


def metric_frame(frame: gpd.GeoDataFrame, what: str) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:25832 (metres); ``ValueError`` for a plain frame or one without CRS."""
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{what} muss ein GeoDataFrame sein")
    if frame.crs is None:
        raise ValueError(f"{what} hat kein CRS; erwartet EPSG:25832 (Meter)")
    if frame.crs != CRS_METRIC:
        return frame.to_crs(CRS_METRIC)
    return frame


def gemeinde_table(
    gemeinden: pd.DataFrame,
    key: str,
    population: str | None,
    foreign_population: str | None,
) -> pd.DataFrame:
    """Validated ``ags`` and optional ``population``/``foreign_population`` per Gemeinde."""
    needed = [key] + [c for c in (population, foreign_population) if c]
    missing = [c for c in needed if c not in gemeinden.columns]
    if missing:
        raise ValueError(f"gemeinden: Spalte(n) {', '.join(map(repr, missing))} fehlen")
    keys = []
    for label, value in gemeinden[key].items():
        try:
            keys.append(normalize_ags(value, AGS_GEMEINDE_LEN))
        except ValueError as exc:
            raise DataError(f"{exc} (Index {label!r})", field=key) from None
    table = pd.DataFrame({COL_AGS: keys}, index=gemeinden.index)
    dup = table[COL_AGS].duplicated()
    if dup.any():
        raise DataError(f"AGS {table[COL_AGS][dup].iloc[0]} kommt mehrfach vor", field=key)
    columns = [(population, COL_POPULATION)] if population else []
    if foreign_population:
        columns.append((foreign_population, COL_FOREIGN_POPULATION))
    for source, target in columns:
        values = pd.to_numeric(gemeinden[source], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"Gemeinde {keys[pos]}: {gemeinden[source].iloc[pos]!r} ist keine Zahl >= 0",
                field=source,
            )
        table[target] = values
    return table


def _square_cells(geom: shapely.Geometry, size: float) -> tuple[list[str], npt.NDArray[np.object_]]:
    """Square cells (lower-left corners on multiples of ``size``) clipped to ``geom``."""
    minx, miny, maxx, maxy = geom.bounds
    kx = np.arange(math.floor(minx / size), math.ceil(maxx / size))
    ky = np.arange(math.floor(miny / size), math.ceil(maxy / size))
    gx, gy = np.meshgrid(kx, ky)
    x0 = gx.ravel() * size
    y0 = gy.ravel() * size
    boxes = shapely.box(x0, y0, x0 + size, y0 + size)
    shapely.prepare(geom)
    inside = shapely.contains_properly(geom, boxes)
    edge = ~inside & shapely.intersects(geom, boxes)
    pieces = boxes.copy()
    pieces[edge] = shapely.intersection(boxes[edge], geom)
    keep = inside | edge
    label = f"{size:g}m"
    ids = [f"CRS25832RES{label}N{y:.0f}E{x:.0f}" for x, y in zip(x0[keep], y0[keep], strict=True)]
    return ids, pieces[keep]


def _h3_cells(
    geoms: gpd.GeoSeries, resolution: int
) -> list[tuple[list[str], npt.NDArray[np.object_]]]:
    """H3 cells overlapping each geometry, as polygons in EPSG:25832 clipped to it."""
    import h3  # optional dependency, only for hexagon grids

    wgs84 = geoms.to_crs("EPSG:4326")
    per_unit: list[list[str]] = []
    for geom in wgs84:
        shape = h3.geo_to_h3shape(geom)
        per_unit.append(sorted(h3.h3shape_to_cells_experimental(shape, resolution, "overlap")))
    unique = sorted({c for cells in per_unit for c in cells})
    polygons = [
        shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in unique
    ]
    metric = gpd.GeoSeries(polygons, crs="EPSG:4326").to_crs(CRS_METRIC).to_numpy()
    lookup = dict(zip(unique, metric, strict=True))
    out = []
    for geom, cells in zip(geoms, per_unit, strict=True):
        hexes = np.array([lookup[c] for c in cells], dtype=object)
        shapely.prepare(geom)
        out.append((cells, shapely.intersection(hexes, geom)))
    return out


def build_demand_grid(
    gemeinden: gpd.GeoDataFrame,
    *,
    cell_size: float = 1000.0,
    kind: Literal["square", "h3"] = "square",
    h3_resolution: int = 8,
    key: str = COL_AGS,
    population: str = COL_POPULATION,
    foreign_population: str | None = COL_FOREIGN_POPULATION,
) -> gpd.GeoDataFrame:
    """Spread each Gemeinde's population over grid cells inside it, weighted by area.

    Over 60 lines by its docstring only (the code is some 30 lines; one Gemeinde's pieces are
    :func:`_pieces_frame`).

    Parameters
    ----------
    gemeinden
        One row per Gemeinde with polygon geometry (any projected or geographic CRS; reprojected
        to EPSG:25832), an 8-digit AGS column ``key``, ``population`` (people) and optionally
        ``foreign_population`` (people).
    cell_size
        Edge length of square cells in metres. Cells are aligned to multiples of ``cell_size`` in
        EPSG:25832, so grids of different Gemeinden line up.
    kind
        ``"square"`` (default) or ``"h3"`` (H3 hexagons of ``h3_resolution``; needs the ``h3``
        package; e.g. resolution 8 is about 0.74 km² per cell).
    key, population, foreign_population
        Column names. ``foreign_population`` is used when the column exists (``None``: never).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per piece of a cell inside a Gemeinde (a cell cut by a boundary gives one row per
        Gemeinde, so ``(cell_id, ags)`` is unique), EPSG:25832, columns ``cell_id`` (e.g.
        ``CRS25832RES1000mN5650000E350000`` with the lower-left corner, or the H3 index),
        ``ags``, ``kreis_ags``, ``x``, ``y`` (centroid of the piece, metres), ``area_m2``,
        ``population``, optional ``foreign_population``, ``geometry`` (the clipped piece). The
        people of each Gemeinde are shared in proportion to ``area_m2`` and sum to its total
        (up to floating-point rounding); values are fractional. Slivers smaller than a
        millionth of the Gemeinde's largest piece (noise of boundaries running along cell edges)
        are dropped.

    Raises
    ------
    DataError
        Invalid AGS, duplicate AGS, negative or missing population, empty geometry.
    """
    _check_grid_options(kind, cell_size, h3_resolution)
    frame = metric_frame(gemeinden, "gemeinden")
    if foreign_population is not None and foreign_population not in frame.columns:
        foreign_population = None
    table = gemeinde_table(frame, key, population, foreign_population)
    geoms = frame.geometry
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        raise DataError(
            f"Gemeinde {table[COL_AGS][empty.to_numpy()].iloc[0]} hat keine Geometrie",
            field="geometry",
        )
    if kind == "square":
        cells = [_square_cells(geom, float(cell_size)) for geom in geoms]
    else:
        cells = _h3_cells(geoms, h3_resolution)
    with_foreign = foreign_population is not None
    parts = [
        _pieces_frame(ids, pieces, row, with_foreign)
        for (ids, pieces), (_, row) in zip(cells, table.iterrows(), strict=True)
    ]
    columns = [COL_CELL_ID, COL_AGS, COL_KREIS_AGS, "x", "y", "area_m2", COL_POPULATION]
    if with_foreign:
        columns.append(COL_FOREIGN_POPULATION)
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return gpd.GeoDataFrame(data, geometry="geometry", crs=CRS_METRIC)


def _check_grid_options(kind: str, cell_size: float, h3_resolution: int) -> None:
    """``ValueError`` for an unknown ``kind``, a cell size (metres) <= 0 or an H3 resolution
    outside 0..15."""
    if kind not in ("square", "h3"):
        raise ValueError(f"kind muss 'square' oder 'h3' sein, nicht {kind!r}")
    if kind == "square" and (not math.isfinite(cell_size) or cell_size <= 0):
        raise ValueError("cell_size muss eine Zahl > 0 (Meter) sein")
    if kind == "h3" and not 0 <= h3_resolution <= 15:
        raise ValueError("h3_resolution muss zwischen 0 und 15 liegen")


def _pieces_frame(
    ids: list[str], pieces: npt.NDArray[np.object_], row: pd.Series, with_foreign: bool
) -> pd.DataFrame:
    """One Gemeinde's cell pieces (EPSG:25832) with its people shared by area.

    ``row`` is the Gemeinde's row of :func:`gemeinde_table` (``ags``, ``population``, optional
    ``foreign_population``). Columns as :func:`build_demand_grid` returns them.
    """
    areas = shapely.area(pieces)
    # Slivers below a millionth of the largest piece are numerical noise of boundaries that run
    # along cell edges (e.g. after a reprojection); the Gemeinde's people stay complete anyway.
    keep = areas > _SLIVER * (areas.max() if len(areas) else 0.0)
    ids_kept = np.asarray(ids, dtype=object)[keep]
    pieces, areas = pieces[keep], areas[keep]
    share = areas / areas.sum()
    centroids = shapely.centroid(pieces)
    part = {
        COL_CELL_ID: ids_kept,
        COL_AGS: row[COL_AGS],
        COL_KREIS_AGS: kreis_of(row[COL_AGS]),
        "x": shapely.get_x(centroids),
        "y": shapely.get_y(centroids),
        "area_m2": areas,
        COL_POPULATION: row[COL_POPULATION] * share,
    }
    if with_foreign:
        part[COL_FOREIGN_POPULATION] = row[COL_FOREIGN_POPULATION] * share
    part["geometry"] = pieces
    return pd.DataFrame(part)


__all__ = [
    "COL_CELL_ID",
    "COL_FOREIGN_POPULATION",
    "build_demand_grid",
    "gemeinde_table",
    "metric_frame",
]
