"""Inputs and demand grid of the NRW pipeline: Gemeinden with people, cells with people.

Frames in, frames out (EPSG:25832, metres); reading the files is :mod:`mapapp.services.coverage`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.accessibility import LEVEL_GEMEINDE, LEVEL_KREIS
from mapapp.analysis.coverage.params import (
    DEFAULT_CELL_SIZE_M,
    POPULATION_GRID_CELL_M,
    POPULATION_ZENSUS_GRID,
)
from mapapp.analysis.demand import COL_CELL_ID, COL_FOREIGN_POPULATION, build_demand_grid
from mapapp.analysis.demand_sources import demand_from_population_grid
from mapapp.config import CRS_METRIC
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_POPULATION, DataError


@dataclass(frozen=True, eq=False)
class CoverageInputs:
    """Gemeinden with people, and Kreis names, for the NRW pipeline.

    Attributes
    ----------
    gemeinden
        EPSG:25832: ``ags`` (8), ``name``, ``kreis_ags`` (5), ``population``, optional
        ``foreign_population`` (people), polygon ``geometry``.
    kreise
        ``ags`` (5), ``name`` (Kreis names as the boundaries spell them).
    population_source
        :data:`POPULATION_ZENSUS` or :data:`POPULATION_GVISYS` (where the Gemeinde people come
        from).
    boundary_product, boundary_year
        BKG product (``VG250``/``VG5000``) and its edition year (attribution).
    """

    gemeinden: gpd.GeoDataFrame
    kreise: pd.DataFrame
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_shares: pd.DataFrame | None = None  # INKAR: kreis_ags, year, foreign_share_pct

    @property
    def foreign_known(self) -> bool:
        return COL_FOREIGN_POPULATION in self.gemeinden.columns


def _check_keys(found: Iterable[str], expected: Iterable[str], what: str) -> None:
    missing = sorted(set(expected) - set(found))
    if missing:
        more = f" (und {len(missing) - 1} weitere)" if len(missing) > 1 else ""
        raise DataError(f"{what}: keine Bevölkerung für Gemeinde {missing[0]}{more}", field="ags")


def coverage_inputs(
    gemeinden: gpd.GeoDataFrame,
    kreise: pd.DataFrame,
    population: pd.DataFrame,
    *,
    population_source: str,
    boundary_product: str,
    boundary_year: int,
    foreign_shares: pd.DataFrame | None = None,
) -> CoverageInputs:
    """Join people to the Gemeinde polygons (every Gemeinde must find its row).

    Parameters
    ----------
    gemeinden
        Boundary Gemeinden (``ags``, ``name``, ``kreis_ags``, geometry; any CRS).
    kreise
        Boundary Kreise (``ags``, ``name``).
    population
        ``ags`` and ``population``, optionally ``foreign_population`` (people).
    """
    columns = [COL_AGS, COL_POPULATION] + (
        [COL_FOREIGN_POPULATION] if COL_FOREIGN_POPULATION in population.columns else []
    )
    _check_keys(population[COL_AGS], gemeinden[COL_AGS], population_source)
    gem = gemeinden[[COL_AGS, COL_NAME, COL_KREIS_AGS, "geometry"]].merge(
        population[columns], on=COL_AGS, how="left"
    )
    gem = gpd.GeoDataFrame(gem, geometry="geometry", crs=gemeinden.crs).to_crs(CRS_METRIC)
    return CoverageInputs(
        gemeinden=gem,
        kreise=pd.DataFrame(kreise[[COL_AGS, COL_NAME]]).reset_index(drop=True),
        population_source=population_source,
        boundary_product=boundary_product,
        boundary_year=int(boundary_year),
        foreign_shares=foreign_shares,
    )


@dataclass(frozen=True, eq=False)
class DemandGrid:
    """People per grid-cell piece, ready for :func:`run_coverage`.

    Attributes
    ----------
    cells
        One row per piece of a cell inside a Gemeinde: ``cell_id``, ``ags``, ``kreis_ags``, ``x``,
        ``y`` (centroid of the piece, metres), ``population``, optional ``foreign_population``,
        ``cell`` (position of the whole cell in ``cell_ix``/``cell_iy``). From a population grid
        (:data:`POPULATION_ZENSUS_GRID`): one row per grid cell, ``x``/``y`` its real centre, and
        ``cell`` the lattice cell its centre falls in (several rows may share one).
    cell_ix, cell_iy
        Column and row of every whole cell: its lower-left corner is
        ``(cell_ix * cell_size_m, cell_iy * cell_size_m)`` in EPSG:25832 (for the raster map).
    names
        ``level`` (``gemeinde``/``kreis``), ``ags``, ``name``.
    population_source
        :data:`POPULATION_ZENSUS`, :data:`POPULATION_GVISYS` (Gemeinde people spread by area) or
        :data:`POPULATION_ZENSUS_GRID` (people of the Zensus population grid).
    """

    cells: pd.DataFrame
    cell_ix: npt.NDArray[np.int64]
    cell_iy: npt.NDArray[np.int64]
    cell_size_m: float
    names: pd.DataFrame
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_shares: pd.DataFrame | None = None  # INKAR: kreis_ags, year, foreign_share_pct
    foreign_year: int | None = None  # set by with_foreign_year: foreign people from INKAR shares

    @property
    def foreign_known(self) -> bool:
        return COL_FOREIGN_POPULATION in self.cells.columns

    @property
    def foreign_years(self) -> list[int]:
        """Years with a foreign share per Kreis (INKAR), usable as ``CoverageParams.foreign_year``."""
        if self.foreign_shares is None:
            return []
        return sorted(int(y) for y in self.foreign_shares["year"].unique())

    @property
    def n_cells(self) -> int:
        return len(self.cell_ix)


def piece_ids(cells: pd.DataFrame) -> list[str]:
    """A unique id per row of :attr:`DemandGrid.cells` (``cell_id|ags``: a cell's pieces lie in
    different Gemeinden): the origins of a cost table for :func:`run_coverage`."""
    return (cells[COL_CELL_ID].astype(str) + "|" + cells[COL_AGS].astype(str)).tolist()


def _check_cell_size(cell_size_m: float) -> float:
    size = float(cell_size_m)
    if not math.isfinite(size) or size < 100:
        raise ValueError("cell_size_m muss mindestens 100 m sein")
    return size


def _names(inputs: CoverageInputs) -> pd.DataFrame:
    names = pd.concat(
        [
            inputs.gemeinden[[COL_AGS, COL_NAME]].assign(level=LEVEL_GEMEINDE),
            inputs.kreise[[COL_AGS, COL_NAME]].assign(level=LEVEL_KREIS),
        ],
        ignore_index=True,
    )[["level", COL_AGS, COL_NAME]]
    return pd.DataFrame(names)


def _demand_grid(
    inputs: CoverageInputs,
    cells: pd.DataFrame,
    ix: npt.NDArray[np.int64],
    iy: npt.NDArray[np.int64],
    size: float,
    population_source: str,
) -> DemandGrid:
    """Number the whole cells ``(ix, iy)`` of the rows of ``cells`` and wrap them up."""
    uniq, codes = np.unique(np.column_stack([ix, iy]), axis=0, return_inverse=True)
    cells = cells.assign(cell=codes.reshape(-1).astype(np.int64)).reset_index(drop=True)
    return DemandGrid(
        cells=cells,
        cell_ix=uniq[:, 0].astype(np.int64),
        cell_iy=uniq[:, 1].astype(np.int64),
        cell_size_m=size,
        names=_names(inputs),
        population_source=population_source,
        boundary_product=inputs.boundary_product,
        boundary_year=inputs.boundary_year,
        foreign_shares=inputs.foreign_shares,
    )


def demand_grid_nrw(
    inputs: CoverageInputs,
    cell_size_m: float = DEFAULT_CELL_SIZE_M,
    population_grid: pd.DataFrame | None = None,
) -> DemandGrid:
    """Spread each Gemeinde's people over square cells of ``cell_size_m`` metres (by area).

    With ``population_grid`` (cells of a real population grid, see
    :func:`demand_grid_from_population_grid`) the grid's people are used instead; ``cell_size_m``
    must then be the grid's resolution.
    """
    if population_grid is not None:
        return demand_grid_from_population_grid(inputs, population_grid, cell_size_m)
    size = _check_cell_size(cell_size_m)
    grid = build_demand_grid(inputs.gemeinden, cell_size=size)
    cells = pd.DataFrame(grid.drop(columns=["geometry", "area_m2"]))
    corner = cells[COL_CELL_ID].str.extract(r"N(-?\d+)E(-?\d+)$").astype(np.int64)
    iy = np.rint(corner[0].to_numpy() / size).astype(np.int64)
    ix = np.rint(corner[1].to_numpy() / size).astype(np.int64)
    return _demand_grid(inputs, cells, ix, iy, size, inputs.population_source)


def demand_grid_from_population_grid(
    inputs: CoverageInputs,
    grid_cells: pd.DataFrame,
    cell_size_m: float = POPULATION_GRID_CELL_M,
) -> DemandGrid:
    """People of a real population grid (Zensus 2022) as the demand, instead of spreading.

    Parameters
    ----------
    inputs
        NRW Gemeinden (:func:`load_nrw_inputs`); their ``foreign_population / population`` is each
        cell's foreign share (:func:`mapapp.analysis.demand_sources.demand_from_population_grid`).
    grid_cells
        ``cell_id``, ``x``, ``y`` (cell centre, EPSG:25832 metres), ``population`` (people), e.g.
        :func:`mapapp.io.datasets.load_nrw_population_grid`.
    cell_size_m
        The grid's resolution in metres (1000 for the 1 km file).

    Returns
    -------
    DemandGrid
        One row per grid cell whose centre lies in an NRW Gemeinde (cells outside are dropped,
        their people with them); ``x``/``y`` the real centre (distances are measured from it);
        the people as in the grid (not rescaled to the Gemeinde totals). For the raster map only,
        ``cell`` is the cell of the EPSG:25832 lattice of ``cell_size_m`` that contains the
        centre (the Zensus grid is in EPSG:3035, so its cells do not line up with that lattice).
        ``population_source`` is :data:`POPULATION_ZENSUS_GRID`.

    Raises
    ------
    DataError
        No grid cell lies in an NRW Gemeinde, or a bad value (see
        :func:`~mapapp.analysis.demand_sources.demand_from_population_grid`).
    """
    size = _check_cell_size(cell_size_m)
    cells = demand_from_population_grid(grid_cells, inputs.gemeinden)
    if cells.empty:
        raise DataError("keine Zelle des Bevölkerungsgitters liegt in einer NRW-Gemeinde")
    ix = np.floor(cells["x"].to_numpy(dtype=float) / size).astype(np.int64)
    iy = np.floor(cells["y"].to_numpy(dtype=float) / size).astype(np.int64)
    return _demand_grid(inputs, cells, ix, iy, size, POPULATION_ZENSUS_GRID)


def with_foreign_year(grid: DemandGrid, year: int | None) -> DemandGrid:
    """``grid`` with the foreign population of ``year``: each cell's people times the INKAR
    foreign share of its Kreis in that year (``None``: ``grid`` unchanged).

    Raises
    ------
    DataError
        No INKAR table, or no share for that year for some Kreis.
    """
    if year is None:
        return grid
    if grid.foreign_shares is None:
        raise DataError(
            "INKAR-Ausländeranteile fehlen (Datei aus dem Spiegel laden: mapapp fetch-data)",
            field="foreign_year",
        )
    shares = grid.foreign_shares[grid.foreign_shares["year"] == year]
    by_kreis = shares.set_index(COL_KREIS_AGS)["foreign_share_pct"]
    share = grid.cells[COL_KREIS_AGS].map(by_kreis)
    if share.isna().any():
        missing = sorted(set(grid.cells.loc[share.isna(), COL_KREIS_AGS]))
        raise DataError(
            f"kein INKAR-Ausländeranteil {year} für Kreis {missing[0]}"
            + (f" (und {len(missing) - 1} weitere)" if len(missing) > 1 else ""),
            field="foreign_year",
        )
    cells = grid.cells.copy()
    cells[COL_FOREIGN_POPULATION] = cells[COL_POPULATION].to_numpy(dtype=float) * (
        share.to_numpy(dtype=float) / 100.0
    )
    return replace(grid, cells=cells, foreign_year=year)
