"""Demand from other sources than an area spread (EPSG:25832, metres).

* :func:`demand_from_population_grid` takes a real population grid (Zensus 2022 100 m / 1 km,
  read with :func:`mapapp.io.population_grid.read_population_grid`), assigns each cell to the
  Gemeinde that contains its centre and gives it the Gemeinde's foreign share.
* :func:`foreign_population_from_share` derives foreign residents from a share per Gemeinde
  (Zensus) or per Kreis (INKAR).

The area spread over a regular grid is :func:`mapapp.analysis.demand.build_demand_grid`.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from mapapp.analysis.demand import (
    COL_CELL_ID,
    COL_FOREIGN_POPULATION,
    gemeinde_table,
    metric_frame,
)
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    AGS_KREIS_LEN,
    COL_AGS,
    COL_KREIS_AGS,
    COL_POPULATION,
    DataError,
    kreis_of,
    normalize_ags,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """``ValueError`` naming the columns of ``frame`` that are missing."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: Spalte(n) {', '.join(map(repr, missing))} fehlen")


def demand_from_population_grid(
    grid: pd.DataFrame,
    gemeinden: gpd.GeoDataFrame,
    *,
    key: str = COL_AGS,
    population: str = COL_POPULATION,
    foreign_population: str | None = COL_FOREIGN_POPULATION,
    grid_population: str = COL_POPULATION,
    x: str = "x",
    y: str = "y",
    cell_id: str = COL_CELL_ID,
) -> pd.DataFrame:
    """Attach Gemeinde keys and foreign residents to a real population grid.

    Over 60 lines by its docstring and parameter list only (the code is some 30 lines).

    Parameters
    ----------
    grid
        Population grid cells (e.g. from
        :func:`mapapp.io.population_grid.read_population_grid`): ``cell_id``, centre ``x``/``y``
        in metres (EPSG:25832) and ``grid_population`` (people).
    gemeinden
        Gemeinde polygons with an 8-digit AGS column ``key``; with ``population`` and
        ``foreign_population`` columns each cell gets its Gemeinde's foreign share
        (``foreign_population / population``; 0 for a Gemeinde without people).
    foreign_population
        Column of ``gemeinden``; used when it exists (``None``: never).

    Returns
    -------
    pandas.DataFrame
        Columns ``cell_id``, ``ags``, ``kreis_ags``, ``x``, ``y``, ``population`` and optional
        ``foreign_population``. A cell belongs to the Gemeinde containing its centre (on a
        shared boundary: the first one in ``gemeinden``); cells whose centre lies in no
        Gemeinde (outside the area) are left out. The grid's people are not rescaled to the
        Gemeinde totals.
    """
    frame = metric_frame(gemeinden, "gemeinden")
    if foreign_population is not None and foreign_population not in frame.columns:
        foreign_population = None
    table = gemeinde_table(
        frame, key, population if foreign_population else None, foreign_population
    )
    _require(grid, [cell_id, x, y, grid_population], "grid")
    xs, ys, people = (
        _grid_values(grid, name, non_negative=name == grid_population)
        for name in (x, y, grid_population)
    )
    cells, units = _first_containing(frame.geometry.to_numpy(), xs, ys)
    ags = table[COL_AGS].to_numpy()[units]
    out = pd.DataFrame(
        {
            COL_CELL_ID: grid[cell_id].to_numpy()[cells],
            COL_AGS: ags,
            COL_KREIS_AGS: [kreis_of(a) for a in ags],
            "x": xs[cells],
            "y": ys[cells],
            COL_POPULATION: people[cells],
        }
    )
    if foreign_population is not None:
        out[COL_FOREIGN_POPULATION] = people[cells] * _foreign_share(table)[units]
    return out


def _grid_values(grid: pd.DataFrame, column: str, *, non_negative: bool) -> FloatArray:
    """A numeric column of the grid; ``DataError`` naming the first cell that is not finite
    (or negative, with ``non_negative``)."""
    values = pd.to_numeric(grid[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | ((values < 0) if non_negative else False)
    if np.any(bad):
        label = grid.index[int(np.flatnonzero(bad)[0])]
        raise DataError(f"Gitterzelle (Index {label!r}): ungültiger Wert", field=column)
    return values


def _first_containing(
    polygons: npt.NDArray[np.object_], xs: FloatArray, ys: FloatArray
) -> tuple[IntArray, IntArray]:
    """(point positions, polygon positions): each point with the first polygon that contains
    it (same CRS); points in no polygon are left out."""
    tree = shapely.STRtree(polygons)
    point_idx, poly_idx = tree.query(shapely.points(xs, ys), predicate="intersects")
    order = np.lexsort((poly_idx, point_idx))
    point_idx, poly_idx = point_idx[order], poly_idx[order]
    first = np.ones(len(point_idx), dtype=bool)
    first[1:] = point_idx[1:] != point_idx[:-1]
    return point_idx[first], poly_idx[first]


def _foreign_share(table: pd.DataFrame) -> FloatArray:
    """Foreign population / population per Gemeinde of :func:`gemeinde_table` (0 without
    people)."""
    pop = table[COL_POPULATION].to_numpy(dtype=np.float64)
    foreign = table[COL_FOREIGN_POPULATION].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pop > 0, foreign / pop, 0.0)


def foreign_population_from_share(
    gemeinden: pd.DataFrame,
    shares: pd.DataFrame,
    *,
    key: str = COL_AGS,
    population: str = COL_POPULATION,
    share_key: str = COL_AGS,
    share: str = "foreign_share_pct",
    percent: bool = True,
) -> pd.DataFrame:
    """Copy of ``gemeinden`` with ``foreign_population = population * share``.

    Parameters
    ----------
    gemeinden
        One row per Gemeinde with an 8-digit AGS column ``key`` and ``population`` (people).
    shares
        Foreign share per Gemeinde (8-digit ``share_key``, e.g. Zensus 2022) or per Kreis
        (5-digit ``share_key``, e.g. INKAR ``kreis_ags`` for one year); the level is taken from
        the key length. Every Gemeinde must find its share.
    share
        Column with the share.
    percent
        ``True``: the share is in percent (0-100), ``False``: a fraction (0-1).

    Returns
    -------
    pandas.DataFrame
        ``gemeinden`` with a new (or replaced) ``foreign_population`` column (people, float).
    """
    _require(gemeinden, [key, population], "gemeinden")
    _require(shares, [share_key, share], "shares")
    lookup, level_len = _share_lookup(shares, share_key, share, 100.0 if percent else 1.0)
    table = gemeinde_table(gemeinden, key, population, None)
    keys = table[COL_AGS] if level_len == AGS_GEMEINDE_LEN else table[COL_AGS].str[:AGS_KREIS_LEN]
    found = keys.map(lookup)
    if found.isna().any():
        raise DataError(f"kein Ausländeranteil für {keys[found.isna()].iloc[0]}", field=share_key)
    out = gemeinden.copy()
    out[COL_FOREIGN_POPULATION] = table[COL_POPULATION].to_numpy() * found.to_numpy(dtype=float)
    return out


def _share_lookup(
    shares: pd.DataFrame, share_key: str, share: str, scale: float
) -> tuple[pd.Series, int]:
    """Fraction (0..1) per normalised AGS, and the key length (8: Gemeinde, 5: Kreis).

    ``scale`` is 100 for percent, 1 for fractions. ``DataError`` for a bad key, mixed levels,
    a share outside ``0..scale`` or a key named twice.
    """
    share_keys = []
    for label, value in shares[share_key].items():
        try:
            share_keys.append(normalize_ags(value))
        except ValueError as exc:
            raise DataError(f"{exc} (Index {label!r})", field=share_key) from None
    lengths = {len(k) for k in share_keys}
    if len(lengths) > 1:
        raise DataError("Anteile mischen Gemeinde- und Kreisschlüssel", field=share_key)
    values = pd.to_numeric(shares[share], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values < 0) | (values > scale)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"Anteil {shares[share].iloc[pos]!r} für {share_keys[pos]} liegt nicht zwischen "
            f"0 und {scale:g}",
            field=share,
        )
    lookup = pd.Series(values / scale, index=share_keys)
    if not lookup.index.is_unique:
        raise DataError("Anteile nennen einen Schlüssel mehrfach", field=share_key)
    return lookup, lengths.pop() if lengths else AGS_GEMEINDE_LEN


__all__ = ["demand_from_population_grid", "foreign_population_from_share"]
