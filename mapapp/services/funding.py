"""User task "show the funded Kommunen": the active registry and the units for a year selection.

The Förderkarte (through ``ui/cached.py``, which caches each step) and the offers page's KOMM-IN
layer call these functions; the analysis itself is :mod:`mapapp.analysis.funding`.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from mapapp.analysis.funding import (
    UnitFrames,
    funding_counts,
    funding_units,
    published_total_for,
)
from mapapp.config import Settings
from mapapp.io import datasets
from mapapp.io.boundaries import Boundaries, find_boundary_archive
from mapapp.io.funding import (
    SHOW_COLUMNS,
    RegistryInfo,
    active_registry_path,
    join_units,
    read_registry_csv,
)
from mapapp.io.funding import registry_info as _registry_info
from mapapp.model import DataMissingError


def registry_info(settings: Settings) -> RegistryInfo:
    """Which registry is active (the documented list or an imported one) and its version."""
    return _registry_info(settings)


def active_registry(settings: Settings) -> pd.DataFrame:
    """The active funding registry (one row per project)."""
    return datasets.load_registry(settings)


def status(settings: Settings) -> pd.DataFrame:
    """Municipal status per Gemeinde (Kreis, kreisfreie Stadt, Ausländerbehörde, …)."""
    return datasets.load_status(settings)


def published_totals(settings: Settings) -> pd.DataFrame:
    """The ministry's published cumulative totals (completeness panel)."""
    return datasets.load_published_totals(settings)


def completeness(
    settings: Settings, units: gpd.GeoDataFrame, years: Sequence[int], lang: str = "de"
) -> str:
    """The completeness line of a map of ``units`` for ``years`` ("dokumentiert: 10 Kommunen;
    laut Ministerium bis 2008: 86"), as the page and every export show it under the title.

    The wording lives with the other captions in render; imported here only when asked for, so
    that ``mapapp funding show`` and the API server do not load the map stack."""
    from mapapp.render.captions import funding_completeness

    total = published_total_for(published_totals(settings), years)
    imported = registry_info(settings).imported
    return funding_completeness(int(units["funded"].sum()), total, imported, lang)


def boundaries(settings: Settings, simplify_m: float) -> Boundaries:
    """NRW boundaries simplified by ``simplify_m`` metres (0: as read)."""
    return datasets.load_boundaries(settings, simplify_m=simplify_m)


def units_for_years(
    settings: Settings,
    years: Sequence[int],
    include_unknown: bool = False,
    *,
    units: UnitFrames | None = None,
    registry: pd.DataFrame | None = None,
    status_table: pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Förderkarte units classified for ``years`` (:func:`~mapapp.analysis.funding.funding_units`).

    ``units``, ``registry`` and ``status_table`` may be passed in when the caller already holds
    them (the app's cached copies); otherwise they are read from the data directory.
    """
    return funding_units(
        units if units is not None else boundaries(settings, datasets.WEB_SIMPLIFY_M),
        status_table if status_table is not None else status(settings),
        registry if registry is not None else active_registry(settings),
        years,
        include_unknown=include_unknown,
    )


def counts_for_years(registry: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Funded units per type and year (:func:`~mapapp.analysis.funding.funding_counts`)."""
    return funding_counts(registry, years)


def _boundary_keys(settings: Settings, mode: str) -> tuple[set[str], set[str]] | None:
    """Kreis and Gemeinde keys of today's boundaries to check the registry against.

    ``mode``: ``"off"`` (no check), ``"auto"`` (when the boundaries are there), ``"require"``.
    """
    if mode == "off":
        return None
    try:
        find_boundary_archive(settings.raw_dir)
    except DataMissingError:
        if mode == "require":
            raise
        return None
    b = datasets.load_boundaries(settings)
    return set(b.kreise["ags"]), set(b.gemeinden["ags"])


def shown_registry(
    settings: Settings, years: Sequence[int] | None, boundaries: str = "auto"
) -> pd.DataFrame:
    """The active registry joined to today's units, in :data:`SHOW_COLUMNS` order, optionally
    only the projects funded in one of ``years`` (``mapapp funding show``)."""
    status_table = status(settings)
    path, _ = active_registry_path(settings)
    registry = read_registry_csv(path, status_table)
    keys = _boundary_keys(settings, boundaries)
    joined = join_units(
        registry,
        status_table,
        kreis_keys=keys[0] if keys else None,
        gemeinde_keys=keys[1] if keys else None,
        file=path.name,
    )
    if years is not None:
        wanted = set(years)
        joined = joined[[bool(wanted.intersection(ys)) for ys in joined["funding_years"]]]
    return joined[list(SHOW_COLUMNS)].reset_index(drop=True)


__all__ = [
    "active_registry",
    "boundaries",
    "counts_for_years",
    "published_totals",
    "registry_info",
    "shown_registry",
    "status",
    "units_for_years",
]
