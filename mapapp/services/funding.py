"""User task "show the funded Kommunen": the active registry and the units for a year selection.

The Förderkarte (through ``ui/cached.py``, which caches each step) and the offers page's KOMM-IN
layer call these functions; the analysis itself is :mod:`mapapp.analysis.funding`.

Where an imported list lives: with ``MAPAPP_DATABASE_URL`` in the shared database
(:mod:`mapapp.store.funding_list`), so that every app process and machine uses the same list and
an import in one shows in all at their next rerun (:func:`registry_info` changes); without it as
the file ``store/funding_registry.csv`` of the data directory (:mod:`mapapp.io.funding`). A file
left in the data directory is not used while a database is configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

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
    IMPORTED_REGISTRY_NAME,
    SHOW_COLUMNS,
    RegistryInfo,
    join_units,
    read_registry_csv,
    read_registry_text,
    registry_csv_text,
    reset_registry,
    save_registry,
)
from mapapp.io.funding import registry_info as _registry_info
from mapapp.model import DataMissingError
from mapapp.store import funding_list, open_offer_store
from mapapp.store.sql import SqlOfferStore


def _shared(settings: Settings) -> SqlOfferStore | None:
    """The shared database when one is configured (``MAPAPP_DATABASE_URL``)."""
    return open_offer_store(settings) if settings.database_url else None


def _documented(settings: Settings) -> RegistryInfo:
    path = settings.reference_dir / "kommin_funding_documented.csv"
    return RegistryInfo(path=str(path), imported=False, mtime=path.stat().st_mtime)


def registry_info(settings: Settings) -> RegistryInfo:
    """Which registry is active (the documented list or an imported one) and its version
    (``mtime``: changes with every import or reset, also one made by another process)."""
    store = _shared(settings)
    if store is None:
        return _registry_info(settings)
    stored = funding_list.load(store)
    if stored is None:
        return _documented(settings)
    where = f"{store.location}/{IMPORTED_REGISTRY_NAME}"
    return RegistryInfo(path=where, imported=True, mtime=stored.saved)


def active_registry(settings: Settings) -> pd.DataFrame:
    """The active funding registry (one row per project)."""
    store = _shared(settings)
    if store is None:
        return datasets.load_registry(settings)
    stored = funding_list.load(store)
    if stored is None:
        return read_registry_csv(_documented(settings).path, status(settings))
    where = f"{store.location}/{IMPORTED_REGISTRY_NAME}"
    return read_registry_text(stored.text, where, status(settings))


def save_imported(settings: Settings, registry: pd.DataFrame, actor: str, via: str) -> str:
    """Store a validated ministry list as the active one; returns where it is stored (the
    database, or the file in the data directory). Nothing changes when writing fails."""
    store = _shared(settings)
    if store is None:
        return str(save_registry(registry, settings))
    funding_list.save(store, registry_csv_text(registry), actor=actor, via=via)
    return f"{store.location}/{IMPORTED_REGISTRY_NAME}"


def reset_imported(settings: Settings, actor: str, via: str) -> str | None:
    """Remove the imported list (the documented list is active again); returns where it was,
    ``None`` when there was none."""
    store = _shared(settings)
    if store is None:
        path = reset_registry(settings)
        return None if path is None else str(path)
    if funding_list.remove(store, actor=actor, via=via):
        return f"{store.location}/{IMPORTED_REGISTRY_NAME}"
    return None


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
    registry = active_registry(settings)
    keys = _boundary_keys(settings, boundaries)
    joined = join_units(
        registry,
        status_table,
        kreis_keys=keys[0] if keys else None,
        gemeinde_keys=keys[1] if keys else None,
        file=Path(registry_info(settings).path).name,
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
    "reset_imported",
    "save_imported",
    "shown_registry",
    "status",
    "units_for_years",
]
