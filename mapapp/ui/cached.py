"""The only place with ``st.cache_data`` / ``st.cache_resource``.

Cached functions take hashable arguments only (paths, data-version strings, frozen dataclasses) and
return frames; folium maps are never cached.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.analysis.funding import funding_counts, funding_units
from mapapp.config import Settings, get_settings
from mapapp.io import datasets
from mapapp.io.boundaries import Boundaries
from mapapp.io.datasets import DataVersion
from mapapp.io.funding import RegistryInfo, registry_info
from mapapp.model import DataMissingError
from mapapp.render.funding_map import FundingLayers, unit_features
from mapapp.render.maps import outline_features

WEB_SIMPLIFY_M = datasets.WEB_SIMPLIFY_M


def settings() -> Settings:
    return get_settings()


def data_version() -> DataVersion:
    """Raises DataMissingError when no boundaries are in the data directory."""
    return datasets.boundary_version(settings())


def current_registry_info() -> RegistryInfo:
    return registry_info(settings())


@st.cache_data(show_spinner=False, max_entries=4)
def boundaries(version: DataVersion, simplify_m: float = WEB_SIMPLIFY_M) -> Boundaries:
    return datasets.load_boundaries(settings(), simplify_m=simplify_m)


@st.cache_data(show_spinner=False, max_entries=2)
def status(reference_dir: str) -> pd.DataFrame:
    return datasets.load_status(settings())


@st.cache_data(show_spinner=False, max_entries=4)
def registry(info: RegistryInfo) -> pd.DataFrame:
    return datasets.load_registry(settings())


@st.cache_data(show_spinner=False, max_entries=2)
def published_totals(reference_dir: str) -> pd.DataFrame:
    return datasets.load_published_totals(settings())


@st.cache_data(show_spinner=False, max_entries=32)
def units_for_years(
    version: DataVersion, info: RegistryInfo, years: tuple[int, ...], include_unknown: bool
) -> gpd.GeoDataFrame:
    s = settings()
    return funding_units(
        boundaries(version),
        status(str(s.reference_dir)),
        registry(info),
        years,
        include_unknown=include_unknown,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def counts_for_years(info: RegistryInfo, years: tuple[int, ...]) -> pd.DataFrame:
    return funding_counts(registry(info), years)


@st.cache_data(show_spinner=False, max_entries=4)
def outline_layers(version: DataVersion) -> tuple[dict[str, Any], dict[str, Any]]:
    """Gemeinde and RB outlines as web GeoJSON (EPSG:4326, rounded); independent of the years."""
    b = boundaries(version)
    return outline_features(b.gemeinden), outline_features(b.rb)


@st.cache_data(show_spinner=False, max_entries=32)
def funding_layers_for_years(
    version: DataVersion, info: RegistryInfo, years: tuple[int, ...], include_unknown: bool
) -> FundingLayers:
    """Everything the Förderkarte draws for one year selection (reruns reuse it)."""
    gem, rb = outline_layers(version)
    fc, points, counts = unit_features(units_for_years(version, info, years, include_unknown))
    return FundingLayers(gemeinden=gem, rb=rb, units=fc, stadt_points=points, counts=counts)


# -- offers (public view) ---------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def geo_context(version: DataVersion) -> GeoContext:
    """Gazetteer, NRW locator and (if configured) the online geocoder; shared across sessions."""
    from mapapp.analysis.offers import load_context  # imported here: only the offer pages need it

    return load_context(settings())


def offer_store(version: DataVersion) -> OfferStore:
    """The embedded offer store, seeded with the bundled offers on first use (cheap to open)."""
    from mapapp.analysis.offers import open_seeded_store

    return open_seeded_store(settings(), geo_context(version))


# -- Versorgungslücken (coverage gaps) --------------------------------------------------------
# Imports are local to these functions (only this page needs them).

if TYPE_CHECKING:
    from mapapp.analysis.coverage import CoverageParams, CoverageResult, DemandGrid
    from mapapp.io.offers import GeoContext
    from mapapp.render.coverage import RasterLookup
    from mapapp.store import OfferStore


def coverage_population_stamp() -> str:
    """Changes when the Zensus file appears, disappears or changes (part of the coverage cache key)."""
    from mapapp.config import MIRROR_ONLY_FILES

    path = settings().raw_path(*MIRROR_ONLY_FILES["zensus_gemeinden"])
    return f"{path.stat().st_size}:{path.stat().st_mtime_ns}" if path.exists() else ""


def coverage_population_grid_stamp() -> str:
    """Size and mtime of the Zensus 2022 population grid zip; ``""`` when it is not there."""
    path = datasets.population_grid_path(settings())
    return f"grid:{path.stat().st_size}:{path.stat().st_mtime_ns}" if path.exists() else ""


def coverage_store_key() -> tuple[str, str]:
    """(location, data version) of the seeded offer store: the offers part of the cache key."""
    from mapapp.analysis.offers import open_seeded_store

    store = open_seeded_store(settings())
    return store.location, store.data_version()


@st.cache_data(show_spinner=False, max_entries=2)
def _inkar_years(stamp: str) -> list[int]:
    inkar = datasets.load_inkar(settings())
    return [] if inkar is None else sorted(int(y) for y in inkar["year"].unique())


def inkar_years() -> list[int]:
    """Years with an INKAR foreign share per Kreis in the data directory (empty without the file)."""
    from mapapp.config import MIRROR_ONLY_FILES

    path = settings().raw_path(*MIRROR_ONLY_FILES["inkar_foreign_share"])
    return _inkar_years(f"{path.stat().st_mtime_ns}" if path.exists() else "")


@st.cache_resource(show_spinner=False, max_entries=4)
def coverage_grid(
    version: DataVersion, population_stamp: str, cell_size_m: float, population_grid: str = ""
) -> tuple[DemandGrid, RasterLookup]:
    """(demand grid, raster lookup) for one cell size; shared read-only across sessions (the
    pipeline copies what it changes).

    ``population_grid``: ``""`` = Gemeinde people spread by area; otherwise the Zensus 2022 grid
    is used and this is its :func:`coverage_population_grid_stamp` (so a new file is a new key).
    """
    from mapapp.analysis.coverage import demand_grid_nrw, load_nrw_inputs
    from mapapp.render.coverage import raster_lookup

    cells = None
    if population_grid:
        cells = datasets.load_nrw_population_grid(settings())
        if cells is None:
            raise DataMissingError(
                f"{datasets.population_grid_path(settings())} fehlt – "
                "'mapapp fetch-data --only zensus_grid' ausführen."
            )
    grid = demand_grid_nrw(load_nrw_inputs(settings()), cell_size_m, population_grid=cells)
    outline = boundaries(version).land.geometry.iloc[0]
    return grid, raster_lookup(grid, outline)


@st.cache_data(show_spinner=False, max_entries=4)
def coverage_offers(store_key: tuple[str, str]) -> gpd.GeoDataFrame:
    from mapapp.analysis.coverage import load_offers

    return load_offers(settings())


@st.cache_data(show_spinner=False, max_entries=12)  # a result holds every cell (~5 MB at 1 km)
def coverage_result(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    population_grid: str = "",
) -> CoverageResult:
    """:func:`mapapp.analysis.coverage.run_coverage` for ``params`` (a frozen CoverageParams);
    ``population_grid`` as in :func:`coverage_grid`."""
    from mapapp.analysis.coverage import run_coverage

    grid, _ = coverage_grid(version, population_stamp, params.cell_size_m, population_grid)
    return run_coverage(grid, coverage_offers(store_key), params)


@st.cache_data(show_spinner=False, max_entries=32)
def coverage_funding(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    info: RegistryInfo,
    years: tuple[int, ...],
    population_grid: str = "",
) -> pd.DataFrame:
    """Funded vs. not funded Kommunen (:func:`mapapp.analysis.coverage.funding_comparison`)."""
    from mapapp.analysis.coverage import funding_comparison

    result = coverage_result(version, population_stamp, store_key, params, population_grid)
    return funding_comparison(result, units_for_years(version, info, years, False))
