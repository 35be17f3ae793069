"""Titles, attribution and notes of the Förderkarte: one place for the web map, HTML and print.

Both the interactive exports (:mod:`mapapp.render.funding_map`) and the print sheet
(:mod:`mapapp.render.funding_sheet`) take their texts from here, so they cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path

from mapapp.config import bkg_attribution

TITLE_DEFAULT = "KOMM-IN NRW – Geförderte Kommunen"
#: Default note on the completeness of the funding data (shown under the map).
DEFAULT_NOTE = (
    "Förderdaten: in öffentlichen Quellen dokumentierte Liste, unvollständig – "
    "nicht alle geförderten Kommunen sind verzeichnet."
)
IMPORTED_NOTE = "Förderdaten: importierte Bewilligungsliste ({name})."


def funding_attribution(boundary_year: int) -> str:
    """Attribution line for Förderkarte maps and exports."""
    return f"{bkg_attribution(boundary_year)}, dl-de/by-2-0 | Förderdaten: KOMM-IN-Liste"


def funding_title(years_label: str) -> str:
    return f"{TITLE_DEFAULT} {years_label}"


def funding_note(imported: bool, registry_path: str) -> str:
    """Completeness note for exports: the documented list is incomplete; an import is named."""
    return IMPORTED_NOTE.format(name=Path(registry_path).name) if imported else DEFAULT_NOTE
