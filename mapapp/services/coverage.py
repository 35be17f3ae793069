"""User task "compute coverage for these parameters" on the NRW data (page and ``mapapp coverage nrw``).

Inputs come from the data directory (:mod:`mapapp.io.datasets`), offers from the one seeded store
(:mod:`mapapp.services.offers`); the computation is :mod:`mapapp.analysis.coverage`. The page
caches each step in ``ui/cached.py`` keyed by the stamps below; the CLI calls :func:`compute`.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapapp.analysis.coverage.grid import (
    CoverageInputs,
    DemandGrid,
    coverage_inputs,
    demand_grid_nrw,
)
from mapapp.analysis.coverage.offers import select_offers
from mapapp.analysis.coverage.params import (
    GRID_SIMPLIFY_M,
    NETWORK_MAX_MINUTES,
    POPULATION_GRID_CELL_M,
    POPULATION_GVISYS,
    POPULATION_ZENSUS,
    CoverageParams,
)
from mapapp.analysis.coverage.result import CoverageResult, run_coverage
from mapapp.analysis.demand import COL_FOREIGN_POPULATION
from mapapp.analysis.network import TravelTimes
from mapapp.analysis.offers import offers_frame
from mapapp.config import MIRROR_ONLY_FILES, Settings
from mapapp.io import datasets
from mapapp.model import COL_AGS, COL_POPULATION, DataError, DataMissingError
from mapapp.services import network as network_service
from mapapp.services import offers as offer_service


def load_inputs(settings: Settings) -> CoverageInputs:
    """Boundaries (simplified by :data:`GRID_SIMPLIFY_M`) with Zensus 2022 people, else GV-ISys.

    Without the Zensus file the foreign population is unknown (``foreign_known`` is ``False``).
    """
    b = datasets.load_boundaries(settings, simplify_m=GRID_SIMPLIFY_M)
    zensus = datasets.load_zensus(settings)
    if zensus is not None:
        population = zensus[[COL_AGS, COL_POPULATION, COL_FOREIGN_POPULATION]]
        source = POPULATION_ZENSUS
    else:
        population = datasets.load_gvisys(settings)[[COL_AGS, COL_POPULATION]]
        source = POPULATION_GVISYS
    return coverage_inputs(
        b.gemeinden,
        b.kreise,
        population,
        population_source=source,
        boundary_product=b.product,
        boundary_year=b.year,
        foreign_shares=datasets.load_inkar(settings),
    )


def load_offers(settings: Settings) -> gpd.GeoDataFrame:
    """Every offer of the seeded store as a frame (:func:`mapapp.analysis.offers.offers_frame`)."""
    return offers_frame(offer_service.load_offers(settings))


def population_grid_cells(settings: Settings) -> pd.DataFrame:
    """The Zensus 2022 population grid cells in NRW.

    Raises
    ------
    DataMissingError
        The grid file is not in the data directory.
    """
    cells = datasets.load_nrw_population_grid(settings)
    if cells is None:
        raise DataMissingError(
            f"{datasets.population_grid_path(settings)} fehlt – "
            "'mapapp fetch-data --only zensus_grid' ausführen."
        )
    return cells


def build_grid(settings: Settings, cell_size_m: float, *, population_grid: bool) -> DemandGrid:
    """The demand grid: Gemeinde people spread by area, or the Zensus grid's people."""
    cells = population_grid_cells(settings) if population_grid else None
    return demand_grid_nrw(load_inputs(settings), cell_size_m, population_grid=cells)


def compute(
    settings: Settings,
    params: CoverageParams,
    *,
    population_grid: bool = False,
    max_pairs: float | None = None,
) -> CoverageResult:
    """``mapapp coverage nrw``: grid, offers and :func:`~mapapp.analysis.coverage.result.run_coverage`.

    Raises
    ------
    DataError
        ``population_grid`` with a cell size other than the grid's, or the grid file missing.
    """
    if population_grid and abs(params.cell_size_m - POPULATION_GRID_CELL_M) > 1e-9:
        raise DataError(
            f"mit --population-grid ist die Rasterweite die des Gitters "
            f"({POPULATION_GRID_CELL_M:g} m)",
            field="--cell-size",
        )
    cells = None
    if population_grid:
        cells = datasets.load_nrw_population_grid(settings)
        if cells is None:
            raise DataError(
                "Zensus-2022-Gitter fehlt – zuerst 'mapapp fetch-data --only zensus_grid' ausführen",
                file=str(datasets.population_grid_path(settings)),
            )
    grid = demand_grid_nrw(load_inputs(settings), params.cell_size_m, population_grid=cells)
    return run_coverage(grid, load_offers(settings), params, max_pairs=max_pairs)


def travel_times(
    settings: Settings, grid: DemandGrid, offers: pd.DataFrame, params: CoverageParams
) -> TravelTimes:
    """Minutes from the grid's pieces to the offers that count for ``params`` on the built
    network of ``params.mode``, searched up to :data:`NETWORK_MAX_MINUTES` (so any threshold up
    to it reuses the table): the ``travel`` of :func:`run_coverage`.

    Raises
    ------
    DataError
        No network of that mode is built in the data directory.
    """
    found = {info.mode: info for info in network_service.available_networks(settings)}
    info = found.get(params.mode)
    if info is None:
        raise DataError(
            f"kein Straßennetz '{params.mode}' gebaut – 'mapapp fetch-data --only osm' und "
            f"'mapapp network build --mode {params.mode}' ausführen",
            file=str(network_service.network_folder(settings, params.mode)),
        )
    used = select_offers(offers, params)
    limit = NETWORK_MAX_MINUTES[params.mode]
    return network_service.grid_travel_times(info, grid.cells, used, limit)


# -- data stamps: parts of the page's cache keys ----------------------------------------------


def population_stamp(settings: Settings) -> str:
    """Changes when the Zensus file appears, disappears or changes (``""`` without it)."""
    path = settings.raw_path(*MIRROR_ONLY_FILES["zensus_gemeinden"])
    return f"{path.stat().st_size}:{path.stat().st_mtime_ns}" if path.exists() else ""


def population_grid_stamp(settings: Settings) -> str:
    """Size and mtime of the Zensus 2022 population grid zip; ``""`` when it is not there."""
    path = datasets.population_grid_path(settings)
    return f"grid:{path.stat().st_size}:{path.stat().st_mtime_ns}" if path.exists() else ""


def inkar_stamp(settings: Settings) -> str:
    """mtime of the INKAR file (``""`` without it)."""
    path = settings.raw_path(*MIRROR_ONLY_FILES["inkar_foreign_share"])
    return f"{path.stat().st_mtime_ns}" if path.exists() else ""


def inkar_years(settings: Settings) -> list[int]:
    """Years with an INKAR foreign share per Kreis in the data directory (empty without the file)."""
    inkar = datasets.load_inkar(settings)
    return [] if inkar is None else sorted(int(y) for y in inkar["year"].unique())


__all__ = [
    "travel_times",
    "build_grid",
    "compute",
    "inkar_stamp",
    "inkar_years",
    "load_inputs",
    "load_offers",
    "population_grid_cells",
    "population_grid_stamp",
    "population_stamp",
]
