"""Offer downloads: the listed offers as CSV for Excel, XLSX, GeoJSON, GeoPackage and the sources
file, in the page's language (workbook and GeoPackage are built when their button is clicked)."""

from __future__ import annotations

import json

import streamlit as st

from mapapp.io.geopackage import MIME_GPKG
from mapapp.io.tabular import MIME_CSV, MIME_TEXT, MIME_XLSX, SOURCES_SUFFIX
from mapapp.offers_model import Offer
from mapapp.services.offers_download import (
    attribution,
    offers_csv,
    offers_geojson,
    offers_gpkg,
    offers_sources,
    offers_xlsx,
)
from mapapp.ui.texts import plain, t


def offer_downloads(offers: list[Offer], lang: str) -> None:
    """Five buttons in two rows (file name ``of.download.stem``) and the sources as a caption."""
    st.header(t("of.export", lang))
    stem = plain("of.download.stem", lang)
    row1, row2 = st.columns(3), st.columns(3)
    row1[0].download_button(
        t("dl.csv_excel", lang),
        offers_csv(offers, lang),
        f"{stem}.csv",
        MIME_CSV,
        on_click="ignore",
    )
    row1[1].download_button(
        t("dl.xlsx", lang),
        lambda: offers_xlsx(offers, lang),
        f"{stem}.xlsx",
        MIME_XLSX,
        on_click="ignore",
    )
    row1[2].download_button(
        t("of.download.geojson", lang),
        json.dumps(offers_geojson(offers, lang), ensure_ascii=False),
        f"{stem}.geojson",
        "application/geo+json",
        on_click="ignore",
    )
    row2[0].download_button(
        t("dl.gpkg", lang),
        lambda: offers_gpkg(offers, lang),
        f"{stem}.gpkg",
        MIME_GPKG,
        on_click="ignore",
    )
    row2[1].download_button(
        t("dl.sources", lang),
        offers_sources(offers, lang),
        f"{stem}{SOURCES_SUFFIX}",
        MIME_TEXT,
        on_click="ignore",
    )
    st.caption(t("dl.sources.caption", lang, text=attribution(offers, lang)))
