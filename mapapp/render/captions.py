"""Titles, attribution and notes of the Förderkarte: one place for the web map, HTML and print.

Both the interactive exports (:mod:`mapapp.render.funding_map`) and the print sheet
(:mod:`mapapp.render.funding_sheet`) take their texts from here, so they cannot drift apart; the
wording lives in the catalogues of :mod:`mapapp.text` (German by default).
"""

from __future__ import annotations

from pathlib import Path

from mapapp.analysis.funding import PublishedTotal
from mapapp.text import integer, t

TITLE_DEFAULT = t("fk.map.title")
#: Default note on the completeness of the funding data (shown under the map).
DEFAULT_NOTE = t("fk.note.documented")
#: The note for an imported list (``{name}`` = the file's name).
IMPORTED_NOTE = t("fk.note.imported")


def funding_attribution(boundary_year: int, lang: str = "de") -> str:
    """Attribution line for Förderkarte maps and exports."""
    return t("fk.attr", lang, bkg=t("attr.bkg", lang, year=boundary_year))


def funding_title(years_label: str, lang: str = "de") -> str:
    return t("fk.map.title.years", lang, title=t("fk.map.title", lang), years=years_label)


def funding_note(imported: bool, registry_path: str, lang: str = "de") -> str:
    """Completeness note for exports: the documented list is incomplete; an import is named."""
    if imported:
        return t("fk.note.imported", lang, name=Path(registry_path).name)
    return t("fk.note.documented", lang)


def funding_completeness(
    shown: int, published: PublishedTotal | None, imported: bool = False, lang: str = "de"
) -> str:
    """How complete the shown list is, for subtitles: ``"dokumentiert: 10 Kommunen; laut
    Ministerium bis 2008: 86"`` (``imported``: ``"geladene Liste: …"``; the ministry's part only
    when a total is published, :func:`mapapp.analysis.funding.published_total_for`)."""
    count = t("fk.sheet.count", lang, n=shown)
    parts = [t("fk.subtitle.imported" if imported else "fk.subtitle.documented", lang, count=count)]
    if published is not None:
        key = (
            "fk.subtitle.published_until" if published.cumulative else "fk.subtitle.published_year"
        )
        parts.append(t(key, lang, year=published.last, total=integer(published.kommunen, lang)))
    return "; ".join(parts)
