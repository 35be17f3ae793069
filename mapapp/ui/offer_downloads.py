"""Offer downloads: the listed offers as CSV and GeoJSON in the page's language."""

from __future__ import annotations

import json

import streamlit as st

from mapapp.offers_model import Offer
from mapapp.services.offers_download import offers_csv, offers_geojson
from mapapp.ui.texts import plain, t


def offer_downloads(offers: list[Offer], lang: str) -> None:
    """Two buttons: CSV and GeoJSON of ``offers`` (file name ``of.download.stem``)."""
    st.subheader(t("of.export", lang))
    stem = plain("of.download.stem", lang)
    c1, c2 = st.columns(2)
    c1.download_button(
        t("of.download.csv", lang), offers_csv(offers, lang), f"{stem}.csv", "text/csv"
    )
    c2.download_button(
        t("of.download.geojson", lang),
        json.dumps(offers_geojson(offers, lang), ensure_ascii=False),
        f"{stem}.geojson",
        "application/geo+json",
    )
