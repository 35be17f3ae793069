"""Förderkarte tables and exports: counts per year, the funded-units table, CSV/HTML/PNG/PDF/SVG.

The maps are built only when a download button is clicked (callables), so matplotlib is loaded
only then.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapapp.io.boundaries import Boundaries
from mapapp.io.tabular import to_safe_csv
from mapapp.render.funding_map import funding_html
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

#: Columns of the funded-units table -> catalogue key of their header (table and CSV download).
_TABLE_KEYS = {
    "ags": "col.offer.ags",
    "name": "fk.col.name",
    "unit_type": "fk.col.unit_type",
    "years": "fk.col.years",
    "n_projects": "fk.col.n_projects",
    "projects": "fk.col.projects",
    "focus": "fk.col.focus",
    "confidence": "fk.col.confidence",
    "sources": "fk.col.sources",
    "amount_eur": "fk.col.amount",
}
_STATIC = (("png", "image/png"), ("pdf", "application/pdf"), ("svg", "image/svg+xml"))


def table_headers(lang: str) -> dict[str, str]:
    """Column -> header in ``lang`` of the funded-units table (shown and downloaded)."""
    return {col: plain(key, lang) for col, key in _TABLE_KEYS.items()}


def funding_tables(counts: pd.DataFrame, table: pd.DataFrame, lang: str) -> None:
    """Counts per type and year, then the funded units (:func:`analysis.funding.funded_table`)."""
    st.subheader(t("fk.counts", lang))
    show_table(counts)
    st.subheader(t("fk.table", lang))
    headers = table_headers(lang)
    show_table(
        table,
        column_config={
            **headers,
            "sources": st.column_config.TextColumn(headers["sources"]),
            "amount_eur": st.column_config.NumberColumn(headers["amount_eur"], format="%.0f"),
        },
    )


def funding_downloads(
    table: pd.DataFrame,
    units: gpd.GeoDataFrame,
    b: Boundaries,
    choice: str,
    note: str,
    lang: str,
) -> None:
    """Table as CSV, the interactive map (HTML) and the print map (PNG, PDF, SVG with ``note``)."""
    st.subheader(t("fk.exports", lang))
    stem = f"komm-in_foerderkarte_{choice.replace('–', '-')}"
    c1, c2 = st.columns(2)
    csv = to_safe_csv(table.rename(columns=table_headers(lang)))
    c1.download_button(t("fk.download.csv", lang), csv, f"{stem}.csv", "text/csv")
    c2.download_button(
        t("fk.download.html", lang),
        lambda: funding_html(units, b, choice, lang),
        f"{stem}.html",
        "text/html",
    )
    for col, (fmt, mime) in zip(st.columns(3), _STATIC, strict=True):
        col.download_button(
            t(f"fk.download.{fmt}", lang),
            _static_map(units, b, choice, fmt, note, lang),
            f"{stem}.{fmt}",
            mime,
        )


def _static_map(
    units: gpd.GeoDataFrame, b: Boundaries, choice: str, fmt: str, note: str, lang: str
) -> Callable[[], bytes]:
    """A no-argument callable for st.download_button: the static map (and matplotlib) is only
    loaded when the button is clicked."""

    def build() -> bytes:
        from mapapp.render.funding_sheet import static_funding_map

        return static_funding_map(units, b, years_label=choice, fmt=fmt, note=note, lang=lang)

    return build
