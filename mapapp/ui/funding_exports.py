"""Förderkarte tables and exports: counts per year, the funded-units table; the table as CSV for
Excel and XLSX, the units as GeoPackage, the sources file, the map as HTML/PNG/PDF/SVG.

Workbook, GeoPackage and the maps are built only when their download button is clicked
(callables), so openpyxl, GDAL and matplotlib work only then.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.io.boundaries import Boundaries
from mapapp.io.geopackage import MIME_GPKG, geopackage_bytes
from mapapp.io.tabular import (
    MIME_CSV,
    MIME_TEXT,
    MIME_XLSX,
    SOURCES_SUFFIX,
    sources_text,
    to_excel_csv,
    to_safe_xlsx,
)
from mapapp.render.captions import funding_attribution
from mapapp.render.funding_map import funding_html
from mapapp.services.geopackages import funding_layer
from mapapp.services.table_exports import funded_table_headers, funded_table_labelled
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_STATIC = (("png", "image/png"), ("pdf", "application/pdf"), ("svg", "image/svg+xml"))


def table_headers(lang: str) -> dict[str, str]:
    """Column -> header in ``lang`` of the funded-units table (shown and downloaded)."""
    return funded_table_headers(lang)


def funding_tables(counts: pd.DataFrame, table: pd.DataFrame, lang: str) -> None:
    """Counts per type and year, then the funded units (:func:`analysis.funding.funded_table`)."""
    st.header(t("fk.counts", lang))
    show_table(counts)
    st.header(t("fk.table", lang))
    headers = table_headers(lang)
    show_table(
        table,
        column_config={
            **headers,
            "sources": st.column_config.TextColumn(headers["sources"]),
            "amount_eur": st.column_config.NumberColumn(headers["amount_eur"], format="%.0f"),
        },
    )


def sources_lines(year: int, note: str, lang: str) -> list[str]:
    """The sources of the Förderkarte downloads, one line each."""
    return [funding_attribution(year, lang), note, plain("dl.ags_note", lang)]


def funding_downloads(
    table: pd.DataFrame,
    units: gpd.GeoDataFrame,
    b: Boundaries,
    choice: str,
    note: str,
    lang: str,
    completeness: str = "",
) -> None:
    """Table (CSV for Excel, XLSX), units (GeoPackage), sources (TXT), the interactive map (HTML)
    and the print map (PNG, PDF, SVG with ``note``); both maps carry ``completeness`` (the list's
    completeness line, :func:`mapapp.render.captions.funding_completeness`) under the title."""
    st.header(t("fk.exports", lang))
    stem = f"komm-in_foerderkarte_{choice.replace('–', '-')}"
    labelled = funded_table_labelled(table, lang)
    sources = sources_lines(b.year, note, lang)
    data = st.columns(4)
    data[0].download_button(
        t("dl.csv_excel", lang), to_excel_csv(labelled), f"{stem}.csv", MIME_CSV, on_click="ignore"
    )
    data[1].download_button(
        t("dl.xlsx", lang),
        lambda: to_safe_xlsx(
            {plain("xlsx.sheet.funded", lang): labelled},
            sources,
            sources_title=plain("xlsx.sheet.sources", lang),
        ),
        f"{stem}.xlsx",
        MIME_XLSX,
        on_click="ignore",
    )
    data[2].download_button(
        t("dl.gpkg", lang),
        lambda: geopackage_bytes([funding_layer(units, choice, " | ".join(sources[:2]), lang)]),
        f"{stem}.gpkg",
        MIME_GPKG,
        on_click="ignore",
    )
    data[3].download_button(
        t("dl.sources", lang),
        sources_text(plain("dl.sources.title", lang), sources),
        f"{stem}{SOURCES_SUFFIX}",
        MIME_TEXT,
        on_click="ignore",
    )
    maps = st.columns(4)
    maps[0].download_button(
        t("fk.download.html", lang),
        lambda: funding_html(units, b, choice, lang, completeness=completeness),
        f"{stem}.html",
        "text/html",
        on_click="ignore",
    )
    for col, (fmt, mime) in zip(maps[1:], _STATIC, strict=True):
        col.download_button(
            t(f"fk.download.{fmt}", lang),
            _static_map(units, b, choice, fmt, note, lang, completeness),
            f"{stem}.{fmt}",
            mime,
            on_click="ignore",
        )


def _static_map(
    units: gpd.GeoDataFrame,
    b: Boundaries,
    choice: str,
    fmt: str,
    note: str,
    lang: str,
    completeness: str,
) -> Callable[[], bytes]:
    """A no-argument callable for st.download_button: the static map (and matplotlib) is only
    loaded when the button is clicked."""

    def build() -> bytes:
        from mapapp.render.funding_sheet import static_funding_map

        return static_funding_map(
            units,
            b,
            years_label=choice,
            fmt=fmt,
            note=note,
            lang=lang,
            completeness=completeness,
        )

    return build
