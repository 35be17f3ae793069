"""The only place with ``st.cache_data`` / ``st.cache_resource``.

Cached functions take hashable arguments only (paths, data-version strings, frozen dataclasses) and
return frames; folium maps are never cached.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.analysis.funding import funding_counts, funding_units
from mapapp.config import Settings, get_settings
from mapapp.io import datasets
from mapapp.io.boundaries import Boundaries
from mapapp.io.datasets import DataVersion
from mapapp.io.funding import RegistryInfo, registry_info

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
