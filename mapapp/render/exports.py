"""Exports of the Förderkarte for presentations (HTML here; static formats in ``static``)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from mapapp.config import bkg_attribution
from mapapp.io.boundaries import Boundaries
from mapapp.render.assets import standalone_html
from mapapp.render.maps import funding_map
from mapapp.render.style import TITLE_DEFAULT


def funding_attribution(boundary_year: int) -> str:
    """Attribution line for Förderkarte maps and exports."""
    return f"{bkg_attribution(boundary_year)}, dl-de/by-2-0 | Förderdaten: KOMM-IN-Liste"


def funding_title(years_label: str) -> str:
    return f"{TITLE_DEFAULT} {years_label}"


def funding_html(units: gpd.GeoDataFrame, boundaries: Boundaries, years_label: str) -> str:
    """Standalone interactive HTML (one file, Leaflet inlined, works offline, popups on click)."""
    m = funding_map(
        units,
        boundaries.gemeinden,
        boundaries.rb,
        title=funding_title(years_label),
        attribution=funding_attribution(boundaries.year),
        tiles=False,
        popups=True,
    )
    return standalone_html(m)


IMPORTED_NOTE = "Förderdaten: importierte Bewilligungsliste ({name})."


def funding_note(imported: bool, registry_path: str) -> str:
    """Completeness note for exports: the documented list is incomplete; an import is named."""
    from mapapp.render.static import DEFAULT_NOTE

    return IMPORTED_NOTE.format(name=Path(registry_path).name) if imported else DEFAULT_NOTE
