"""The only place with ``st.cache_data`` / ``st.cache_resource``.

Cached functions take hashable arguments only (paths, data-version strings, frozen dataclasses) and
return frames; folium maps are never cached. Every loader calls :mod:`mapapp.services` (the same
functions as the CLI); this module only decides what is kept and under which key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.config import Settings, get_settings
from mapapp.io import datasets
from mapapp.io.boundaries import Boundaries
from mapapp.io.datasets import DataVersion
from mapapp.io.funding import RegistryInfo
from mapapp.render.funding_map import FundingLayers, unit_features
from mapapp.render.maps import outline_features
from mapapp.services import funding
from mapapp.ui.texts import page_language

WEB_SIMPLIFY_M = datasets.WEB_SIMPLIFY_M


def settings() -> Settings:
    return get_settings()


def data_version() -> DataVersion:
    """Raises DataMissingError when no boundaries are in the data directory."""
    return datasets.boundary_version(settings())


def current_registry_info() -> RegistryInfo:
    return funding.registry_info(settings())


@st.cache_data(show_spinner=False, max_entries=4)
def boundaries(version: DataVersion, simplify_m: float = WEB_SIMPLIFY_M) -> Boundaries:
    return funding.boundaries(settings(), simplify_m)


@st.cache_data(show_spinner=False, max_entries=2)
def status(reference_dir: str) -> pd.DataFrame:
    return funding.status(settings())


@st.cache_data(show_spinner=False, max_entries=4)
def registry(info: RegistryInfo) -> pd.DataFrame:
    return funding.active_registry(settings())


@st.cache_data(show_spinner=False, max_entries=2)
def published_totals(reference_dir: str) -> pd.DataFrame:
    return funding.published_totals(settings())


@st.cache_data(show_spinner=False, max_entries=32)
def units_for_years(
    version: DataVersion, info: RegistryInfo, years: tuple[int, ...], include_unknown: bool
) -> gpd.GeoDataFrame:
    return funding.units_for_years(
        settings(),
        years,
        include_unknown,
        units=boundaries(version),
        registry=registry(info),
        status_table=status(str(settings().reference_dir)),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def counts_for_years(info: RegistryInfo, years: tuple[int, ...]) -> pd.DataFrame:
    return funding.counts_for_years(registry(info), years)


@st.cache_data(show_spinner=False, max_entries=4)
def outline_layers(version: DataVersion) -> tuple[dict[str, Any], dict[str, Any]]:
    """Gemeinde and RB outlines as web GeoJSON (EPSG:4326, rounded); independent of the years."""
    b = boundaries(version)
    return outline_features(b.gemeinden), outline_features(b.rb)


@st.cache_data(show_spinner=False, max_entries=32)
def funding_layers_for_years(
    version: DataVersion,
    info: RegistryInfo,
    years: tuple[int, ...],
    include_unknown: bool,
    lang: str = "de",
) -> FundingLayers:
    """Everything the Förderkarte draws for one year selection (reruns reuse it); tooltips in
    ``lang``."""
    gem, rb = outline_layers(version)
    units = units_for_years(version, info, years, include_unknown)
    fc, points, counts = unit_features(units, lang=lang)
    return FundingLayers(gemeinden=gem, rb=rb, units=fc, stadt_points=points, counts=counts)


# -- offers and coverage ----------------------------------------------------------------------
# The services are imported inside these functions: only the offer and coverage pages need them,
# and their import (the offer readers, geocoder, coverage pipeline) would otherwise add to the
# Förderkarte's first render (docs/BENCHMARKS.md).

if TYPE_CHECKING:
    from mapapp.analysis.coverage.grid import DemandGrid
    from mapapp.analysis.coverage.params import CoverageParams
    from mapapp.analysis.coverage.result import CoverageResult
    from mapapp.analysis.coverage.scenario import Scenario
    from mapapp.analysis.coverage.scenario_result import ScenarioResult
    from mapapp.analysis.network import TravelTimes
    from mapapp.analysis.offers import OfferIndex
    from mapapp.io.offers import GeoContext
    from mapapp.render.coverage_raster import RasterLookup
    from mapapp.services.network import NetworkInfo
    from mapapp.store import OfferStore


@st.cache_resource(show_spinner=False, max_entries=2)
def geo_context(version: DataVersion) -> GeoContext:
    """Gazetteer, NRW locator and (if configured) the online geocoder; shared across sessions."""
    from mapapp.services import offers

    return offers.geo_context(settings())


def offer_store(version: DataVersion) -> OfferStore:
    """The embedded offer store, seeded with the bundled offers on first use (cheap to open)."""
    from mapapp.services import offers

    return offers.open_store(settings(), geo_context(version))


def offer_store_key() -> tuple[str, str]:
    """(location, data version) of the seeded offer store: the offers part of every cache key."""
    from mapapp.services import offers

    return offers.store_key(settings())


@st.cache_resource(show_spinner=False, max_entries=4)
def offer_index(store_key: tuple[str, str]) -> OfferIndex:
    """The app's one offer cache: the search index of the store's data version ``store_key``;
    rebuilt only when the data changed. Shared read-only across sessions."""
    from mapapp.services import offers

    return offers.build_index(offers.open_store(settings()))


def coverage_population_stamp() -> str:
    """Changes when the Zensus file appears, disappears or changes (part of the coverage cache key)."""
    from mapapp.services import coverage

    return coverage.population_stamp(settings())


def coverage_population_grid_stamp() -> str:
    """Size and mtime of the Zensus 2022 population grid zip; ``""`` when it is not there."""
    from mapapp.services import coverage

    return coverage.population_grid_stamp(settings())


@st.cache_data(show_spinner=False, max_entries=2)
def _inkar_years(stamp: str) -> list[int]:
    from mapapp.services import coverage

    return coverage.inkar_years(settings())


def inkar_years() -> list[int]:
    """Years with an INKAR foreign share per Kreis in the data directory (empty without the file)."""
    from mapapp.services import coverage

    return _inkar_years(coverage.inkar_stamp(settings()))


@st.cache_resource(show_spinner=False, max_entries=4)
def coverage_grid(
    version: DataVersion, population_stamp: str, cell_size_m: float, population_grid: str = ""
) -> tuple[DemandGrid, RasterLookup]:
    """(demand grid, raster lookup) for one cell size; shared read-only across sessions (the
    pipeline copies what it changes).

    ``population_grid``: ``""`` = Gemeinde people spread by area; otherwise the Zensus 2022 grid
    is used and this is its :func:`coverage_population_grid_stamp` (so a new file is a new key).
    """
    from mapapp.render.coverage_raster import raster_lookup
    from mapapp.services import coverage

    grid = coverage.build_grid(settings(), cell_size_m, population_grid=bool(population_grid))
    outline = boundaries(version).land.geometry.iloc[0]
    return grid, raster_lookup(grid, outline)


@st.cache_data(show_spinner=False, max_entries=4)
def coverage_offers(store_key: tuple[str, str]) -> gpd.GeoDataFrame:
    """Every offer as a frame (EPSG:25832), from the cached offer index of ``store_key``."""
    from mapapp.analysis.offers import offers_frame

    return offers_frame(offer_index(store_key).offers)


def coverage_networks() -> list[NetworkInfo]:
    """The street networks built in the data directory (their manifests; read on each run, so
    a network built while the app runs appears; :attr:`NetworkInfo.stamp` keys the caches)."""
    from mapapp.services import network

    return network.available_networks(settings())


def network_stamp(mode: str) -> str:
    """:attr:`NetworkInfo.stamp` of the built network of ``mode`` (``""``: straight line or none)."""
    return next((n.stamp for n in coverage_networks() if n.mode == mode), "")


@st.cache_resource(show_spinner=False, max_entries=4)  # shared read-only across sessions
def coverage_travel(
    network: str,
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    selection: CoverageParams,
    population_grid: str = "",
) -> TravelTimes:
    """Minutes from the grid's pieces to the offers of ``selection`` on the network whose
    :func:`network_stamp` is ``network`` (:func:`mapapp.services.coverage.travel_times`).
    ``selection`` carries only what picks the cells and offers (:func:`_travel_key`): a change of
    threshold, measure or demand reuses the table."""
    from mapapp.services import coverage

    grid, _ = coverage_grid(version, population_stamp, selection.cell_size_m, population_grid)
    return coverage.travel_times(settings(), grid, coverage_offers(store_key), selection)


def _travel_key(params: CoverageParams) -> CoverageParams:
    """``params`` reduced to what the cost table depends on: mode, cell size, offers."""
    from mapapp.analysis.coverage.params import CoverageParams

    return CoverageParams(
        categories=params.categories,
        cell_size_m=params.cell_size_m,
        include_kreis_area=params.include_kreis_area,
        mode=params.mode,
        threshold_min=1.0,
    )


@st.cache_data(show_spinner=False, max_entries=12)  # a result holds every cell (~5 MB at 1 km)
def coverage_result(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    population_grid: str = "",
    network: str = "",
) -> CoverageResult:
    """:func:`mapapp.analysis.coverage.result.run_coverage` for ``params`` (a frozen
    CoverageParams); ``population_grid`` as in :func:`coverage_grid`; ``network`` the
    :func:`network_stamp` of ``params.mode`` (a network mode: travel minutes from
    :func:`coverage_travel`)."""
    from mapapp.analysis.coverage.result import run_coverage

    grid, _ = coverage_grid(version, population_stamp, params.cell_size_m, population_grid)
    travel = None
    if params.network:
        key = _travel_key(params)
        travel = coverage_travel(
            network, version, population_stamp, store_key, key, population_grid
        )
    return run_coverage(grid, coverage_offers(store_key), params, travel=travel)


@st.cache_data(show_spinner=False, max_entries=32)
def _coverage_funding_codes(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    info: RegistryInfo,
    years: tuple[int, ...],
    population_grid: str = "",
    network: str = "",
) -> pd.DataFrame:
    from mapapp.analysis.coverage.exports import funding_comparison

    result = coverage_result(version, population_stamp, store_key, params, population_grid, network)
    return funding_comparison(result, units_for_years(version, info, years, False))


def coverage_funding(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    info: RegistryInfo,
    years: tuple[int, ...],
    population_grid: str = "",
    lang: str | None = None,
    network: str = "",
) -> pd.DataFrame:
    """Funded vs. not funded Kommunen (:func:`mapapp.analysis.coverage.exports.funding_comparison`)
    with the comparisons and groups labelled in ``lang`` (the page's language when not given)."""
    from mapapp.text.coverage import funding_comparison_labels

    codes = _coverage_funding_codes(
        version, population_stamp, store_key, params, info, years, population_grid, network
    )
    return funding_comparison_labels(codes, lang or page_language())


@st.cache_data(show_spinner=False, max_entries=4)
def _scenario_fresh_travel(
    network: str,
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    selection: CoverageParams,
    changes: Scenario,
    population_grid: str = "",
) -> TravelTimes:
    """Minutes to the offers ``changes`` adds or moves on the network ``network``
    (:func:`mapapp.services.coverage_scenario.fresh_travel_times`); keyed like
    :func:`coverage_travel`, so a change of threshold or measure reuses it."""
    from mapapp.services import coverage_scenario

    grid, _ = coverage_grid(version, population_stamp, selection.cell_size_m, population_grid)
    return coverage_scenario.fresh_travel_times(
        settings(), grid, coverage_offers(store_key), selection, changes
    )


@st.cache_data(show_spinner=False, max_entries=4)  # before and after: two results (~10 MB at 1 km)
def coverage_scenario(
    version: DataVersion,
    population_stamp: str,
    store_key: tuple[str, str],
    params: CoverageParams,
    scenario: Scenario,
    population_grid: str = "",
    network: str = "",
) -> ScenarioResult:
    """Before (the cached :func:`coverage_result`) and after ``scenario``; with a network mode
    (``network`` its :func:`network_stamp`) on the travel minutes of :func:`coverage_travel`
    and, for added and moved offers, :func:`_scenario_fresh_travel`."""
    from mapapp.analysis.coverage.scenario_result import run_scenario

    grid, _ = coverage_grid(version, population_stamp, params.cell_size_m, population_grid)
    before = coverage_result(version, population_stamp, store_key, params, population_grid, network)
    travel = fresh = None
    if params.network:
        key = _travel_key(params)
        travel = coverage_travel(
            network, version, population_stamp, store_key, key, population_grid
        )
        fresh = _scenario_fresh_travel(
            network, version, population_stamp, store_key, key, scenario, population_grid
        )
    return run_scenario(
        grid, coverage_offers(store_key), params, scenario, before=before, travel=travel,
        fresh=fresh,
    )  # fmt: skip
