"""Versorgungslücken downloads: CSV for Excel per Gemeinde, Kreis and cell, the workbook (Gemeinden,
Kreise, sources), GeoJSON of the Gemeinden, the GeoPackage (Gemeinden, Kreise, cells), the map
sheet (PNG, PDF) and the sources file; each file is built when its button is clicked."""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.io.boundaries import Boundaries
from mapapp.io.geopackage import MIME_GPKG, geopackage_bytes
from mapapp.io.tabular import (
    CSV_EXCEL,
    MIME_CSV,
    MIME_TEXT,
    MIME_XLSX,
    SOURCES_SUFFIX,
    sources_text,
)
from mapapp.render.coverage_map import units_geojson
from mapapp.render.coverage_raster import RasterLookup
from mapapp.render.coverage_sheet import map_sheet
from mapapp.services.geopackages import coverage_layers
from mapapp.services.table_exports import (
    coverage_csv,
    coverage_headers,
    coverage_sources,
    coverage_xlsx,
)
from mapapp.ui.texts import plain, t

#: (caption, file contents when clicked, file name, MIME type) of one download button.
Button = tuple[str, Callable[[], str | bytes], str, str]


def download_headers(lang: str, params: CoverageParams) -> dict[str, str]:
    """Column -> header in ``lang`` for the downloads (the table's labels plus the cell columns)."""
    return coverage_headers(lang, params)


def coverage_downloads(
    result: CoverageResult, view: str, b: Boundaries, lookup: RasterLookup, lang: str
) -> None:
    """Nine buttons in three rows: tables (three CSV, XLSX), GeoJSON, GeoPackage, the map sheet
    as PNG and PDF, the sources file."""
    st.header(t("gap.downloads", lang))
    buttons = _buttons(result, view, b, lookup, lang)
    columns = st.columns(3) + st.columns(3) + st.columns(3)
    for col, (caption, data, name, mime) in zip(columns, buttons, strict=True):
        col.download_button(caption, data, name, mime, on_click="ignore")


def _buttons(
    result: CoverageResult, view: str, b: Boundaries, lookup: RasterLookup, lang: str
) -> list[Button]:
    p = result.params
    stem = f"versorgungsluecken_{p.method.value}_{p.demand.value}_{p.threshold_m / 1000:g}km"
    headers = download_headers(lang, p)

    def csv(level: str) -> Callable[[], bytes]:
        return lambda: coverage_csv(result, level, CSV_EXCEL, lang)

    def sheet(fmt: str) -> Callable[[], bytes]:
        kwargs = {"kreise": b.kreise, "land": b.land, "gemeinden": b.gemeinden, "lookup": lookup}
        return lambda: map_sheet(result, view, fmt=fmt, lang=lang, **kwargs)

    def geojson() -> str:
        data = units_geojson(result, b.gemeinden, "gemeinde", lang)
        for feature in data["features"]:
            feature["properties"] = {headers.get(k, k): v for k, v in feature["properties"].items()}
        return json.dumps(data, ensure_ascii=False)

    def gpkg() -> bytes:
        return geopackage_bytes(coverage_layers(result, b.gemeinden, b.kreise, lang))

    def sources() -> str:
        return sources_text(plain("dl.sources.title", lang), coverage_sources(result, lang))

    buttons: list[Button] = [
        (t(f"gap.download.csv.{lvl}", lang), csv(lvl), f"{stem}_{lvl}.csv", MIME_CSV)
        for lvl in ("gemeinde", "kreis", "cell")
    ]
    buttons += [
        (t("dl.xlsx", lang), lambda: coverage_xlsx(result, lang), f"{stem}.xlsx", MIME_XLSX),
        (
            t("gap.download.geojson", lang),
            geojson,
            f"{stem}_gemeinden.geojson",
            "application/geo+json",
        ),
        (t("dl.gpkg", lang), gpkg, f"{stem}.gpkg", MIME_GPKG),
    ]
    buttons += [
        (t(f"gap.download.{fmt}", lang), sheet(fmt), f"{stem}.{fmt}", mime)
        for fmt, mime in (("png", "image/png"), ("pdf", "application/pdf"))
    ]
    buttons.append((t("dl.sources", lang), sources, f"{stem}{SOURCES_SUFFIX}", MIME_TEXT))
    return buttons
