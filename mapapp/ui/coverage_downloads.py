"""Versorgungslücken downloads: CSV per Gemeinde, Kreis and cell, GeoJSON of the Gemeinden and
the map sheet (PNG, PDF); each file is built when its button is clicked."""

from __future__ import annotations

import json
from collections.abc import Callable

import streamlit as st

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.io.boundaries import Boundaries
from mapapp.io.tabular import to_safe_csv
from mapapp.render.coverage_map import units_geojson
from mapapp.render.coverage_raster import RasterLookup
from mapapp.render.coverage_sheet import map_sheet
from mapapp.text.coverage import export_comment
from mapapp.ui.texts import plain, t

_HEADER_KEYS = {
    "rank": "gap.col.rank",
    "name": "gap.col.name",
    "population": "gap.col.population",
    "foreign_population": "gap.col.foreign",
    "demand": "gap.col.demand",
    "demand_beyond": "gap.col.beyond",
    "share_beyond_pct": "gap.col.share",
    "mean_nearest_km": "gap.col.km",
    "offers": "gap.col.offers",
}
_CELL_COLUMNS = (
    "level", "ags", "kreis_ags", "cell_id", "x", "y", "nearest_m", "nearest_id", "beyond",
)  # fmt: skip

#: (caption, file contents when clicked, file name, MIME type) of one download button.
Button = tuple[str, Callable[[], str | bytes], str, str]


def download_headers(lang: str, params: CoverageParams) -> dict[str, str]:
    """Column -> header in ``lang`` for the downloads (the table's labels plus the cell columns)."""
    return {
        **{col: plain(key, lang) for col, key in _HEADER_KEYS.items()},
        **{col: plain(f"col.cov.{col}", lang) for col in _CELL_COLUMNS},
        "value": plain(f"gap.value.{params.method.value}", lang),
    }


def coverage_downloads(
    result: CoverageResult, view: str, b: Boundaries, lookup: RasterLookup, lang: str
) -> None:
    """Six buttons in two rows: three CSV, the GeoJSON and the map sheet as PNG and PDF."""
    st.subheader(t("gap.downloads", lang))
    buttons = _buttons(result, view, b, lookup, lang)
    for col, (caption, data, name, mime) in zip(
        st.columns(3) + st.columns(3), buttons, strict=True
    ):
        col.download_button(caption, data, name, mime)


def _buttons(
    result: CoverageResult, view: str, b: Boundaries, lookup: RasterLookup, lang: str
) -> list[Button]:
    p = result.params
    stem = f"versorgungsluecken_{p.method.value}_{p.demand.value}_{p.threshold_m / 1000:g}km"
    comment = export_comment(result, lang)
    headers = download_headers(lang, p)

    def csv(level: str) -> Callable[[], str]:
        return lambda: to_safe_csv(
            export_table(result, level).rename(columns=headers), header_comment=comment
        )

    def sheet(fmt: str) -> Callable[[], bytes]:
        kwargs = {"kreise": b.kreise, "land": b.land, "gemeinden": b.gemeinden, "lookup": lookup}
        return lambda: map_sheet(result, view, fmt=fmt, lang=lang, **kwargs)

    def geojson() -> str:
        data = units_geojson(result, b.gemeinden, "gemeinde", lang)
        for feature in data["features"]:
            feature["properties"] = {headers.get(k, k): v for k, v in feature["properties"].items()}
        return json.dumps(data, ensure_ascii=False)

    buttons: list[Button] = [
        (t(f"gap.download.csv.{lvl}", lang), csv(lvl), f"{stem}_{lvl}.csv", "text/csv")
        for lvl in ("gemeinde", "kreis", "cell")
    ]
    buttons.append(
        (
            t("gap.download.geojson", lang),
            geojson,
            f"{stem}_gemeinden.geojson",
            "application/geo+json",
        )
    )
    buttons += [
        (t(f"gap.download.{fmt}", lang), sheet(fmt), f"{stem}.{fmt}", mime)
        for fmt, mime in (("png", "image/png"), ("pdf", "application/pdf"))
    ]
    return buttons
