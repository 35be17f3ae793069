"""Versorgungslücken: where people live far from offers (grid or choropleth, ranking, downloads)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.params import (
    CELL_SIZES_M,
    DEFAULT_CELL_SIZE_M,
    POPULATION_GRID_CELL_M,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import PROGRAMME_YEARS, SLIDE_YEARS
from mapapp.io.boundaries import Boundaries
from mapapp.io.tabular import to_safe_csv
from mapapp.model import DataError, DataMissingError, OfferCategory
from mapapp.render.assets import localize_assets
from mapapp.render.coverage_classes import VIEWS
from mapapp.render.coverage_map import coverage_map, units_geojson
from mapapp.render.coverage_raster import RasterLookup
from mapapp.render.coverage_sheet import map_sheet
from mapapp.text import integer, km, label, number, percent
from mapapp.text.coverage import export_comment, method_text
from mapapp.ui import cached, state
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import trusted
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

MAP_KEY = "gap_map"
_YEARS = {"2005–2007": SLIDE_YEARS, "2005–2012": PROGRAMME_YEARS}


def _controls(
    lang: str,
    counts: dict[str, int],
    foreign_known: bool,
    foreign_years: list[int],
    grid_available: bool,
) -> tuple[CoverageParams, str, bool]:
    """Parameters, map view and whether the Zensus population grid is used."""
    c1, c2, c3 = st.columns(3)
    cats = c1.multiselect(
        t("gap.categories", lang),
        [c.value for c in OfferCategory],
        default=[OfferCategory.ABH.value],
        format_func=lambda c: f"{label('category', c, lang)} ({integer(counts.get(c, 0), lang)})",
        key="gap_cats",
        help=t("gap.categories.help", lang),
    )
    method = c2.selectbox(
        t("gap.method", lang),
        [m.value for m in Method],
        format_func=lambda m: label("method", m, lang),
        key="gap_method",
    )
    can_foreign = foreign_known or bool(foreign_years)
    demands = [d.value for d in DemandKind] if can_foreign else [DemandKind.ALL.value]
    demand = c3.radio(
        t("gap.demand", lang),
        demands,
        index=len(demands) - 1,
        format_func=lambda d: label("demand", d, lang),
        key="gap_demand",
        horizontal=True,
    )
    km = c1.slider(t("gap.threshold", lang), 1, 50, 10, key="gap_km")
    view = c2.radio(
        t("gap.view", lang),
        list(VIEWS),
        format_func=lambda v: t(f"gap.view.{v}", lang),
        key="gap_view",
        horizontal=True,
    )
    use_grid = False
    if grid_available:
        population = c2.radio(
            t("gap.population", lang),
            ["area", "grid"],
            format_func=lambda p: t(f"gap.population.{p}", lang),
            key="gap_population",
            help=t("gap.population.help", lang),
        )
        use_grid = population == "grid"
    else:
        c2.caption(t("gap.population.missing", lang))
    cell = c3.selectbox(
        t("gap.cell", lang),
        [POPULATION_GRID_CELL_M] if use_grid else list(CELL_SIZES_M),
        index=0 if use_grid else CELL_SIZES_M.index(DEFAULT_CELL_SIZE_M),
        format_func=lambda s: plain("fmt.m", lang, value=integer(s, lang)),
        key="gap_cell_grid" if use_grid else "gap_cell",  # the grid fixes the cell size
        disabled=use_grid,
        help=t("gap.cell.grid", lang) if use_grid else None,
    )
    foreign_year: int | None = None
    if demand == DemandKind.FOREIGN.value and foreign_years:
        # Zensus 2022 share per Gemeinde (default), or the INKAR share per Kreis of a year
        options: list[int | None] = ([None] if foreign_known else []) + list(
            reversed(foreign_years)
        )
        foreign_year = c3.selectbox(
            t("gap.foreign_year", lang),
            options,
            index=options.index(2006) if not foreign_known and 2006 in options else 0,
            format_func=lambda y: (
                t("gap.foreign_year.zensus", lang)
                if y is None
                else plain("gap.foreign_year.inkar", lang, year=y)
            ),
            key="gap_foreign_year",
            help=t("gap.foreign_year.help", lang),
        )
    kreis_area = c1.toggle(
        t("gap.kreis_area", lang),
        value=True,
        key="gap_kreis_area",
        help=t("gap.kreis_area.help", lang),
    )
    params = CoverageParams(
        categories=tuple(cats),
        threshold_m=km * 1000.0,
        method=Method(method),
        demand=DemandKind(demand),
        cell_size_m=float(cell),
        include_kreis_area=kreis_area,
        foreign_year=foreign_year,
    )
    return params, str(view), use_grid


def _n(value: float, lang: str, decimals: int | None = None) -> str:
    """Number for display in the page's language (:mod:`mapapp.text`); without ``decimals``
    as few places as needed (up to two). Program-made: inserted into markdown as it is."""
    text = km(value * 1000, lang) if decimals is None else number(value, lang, decimals)
    return trusted(text)


def _headline(result: CoverageResult, lang: str) -> None:
    h = result.headline
    m1, m2, m3, m4 = st.columns(4)
    share = _n(h.share_beyond_pct, lang, 1)
    m1.metric(
        t("gap.metric.share", lang, km=_n(h.threshold_m / 1000, lang)),
        percent(h.share_beyond_pct, lang, 1),
    )
    m2.metric(t(f"gap.metric.people.{h.demand.value}", lang), _n(h.demand_beyond, lang, 0))
    method = result.params.method
    unit = {Method.NEAREST: " km", Method.SHARE: " %"}.get(method, "")
    value = "–" if h.value != h.value else _n(h.value, lang, 1 if unit else 2) + unit  # NaN: none
    m3.metric(
        t("gap.metric.value", lang, value=trusted(t(f"gap.value.{method.value}", lang))), value
    )
    m4.metric(t("gap.metric.offers", lang), str(h.n_offers))
    st.markdown(
        t(
            f"gap.headline.{h.demand.value}",
            lang,
            share=share,
            what=trusted(
                ", ".join(label("category", c, lang) for c in h.categories)
                or t("gap.all_categories", lang)
            ),
            people=_n(h.demand_beyond, lang, 0),
            km=_n(h.threshold_m / 1000, lang),
        )
    )


def render() -> None:
    lang = state.language()
    st.title(t("gap.title", lang))
    st.caption(t("gap.caption", lang))
    version = state.require_data(lang)
    stamp = cached.coverage_population_stamp()  # "" = no Zensus file: foreign population unknown
    if not stamp:
        st.info(t("gap.foreign_unknown", lang))
    try:
        store_key = cached.coverage_store_key()
        counts = cached.coverage_offers(store_key)["category"].astype(str).value_counts()
        grid_stamp = cached.coverage_population_grid_stamp()  # "" = no Zensus grid file
        params, view, use_grid = _controls(
            lang, counts.to_dict(), bool(stamp), cached.inkar_years(), bool(grid_stamp)
        )
        population_grid = grid_stamp if use_grid else ""
        with st.spinner(t("gap.computing", lang)):
            _, lookup = cached.coverage_grid(version, stamp, params.cell_size_m, population_grid)
            result = cached.coverage_result(version, stamp, store_key, params, population_grid)
    except DataMissingError:
        st.error(t("data.missing", lang))
        st.stop()
    except DataError as exc:
        st.error(data_error_text(exc))
        st.stop()
    st.warning(
        t(
            "gap.data_warning",
            lang,
            n=result.headline.n_offers,
            precision=", ".join(
                f"{integer(n, lang)} {label('precision', p, lang)}"
                for p, n in result.headline.precision_counts
            )
            or "–",
        )
    )
    if result.headline.n_offers == 0:
        st.error(t("gap.no_offers", lang))
    _headline(result, lang)

    b = cached.boundaries(version)
    m = coverage_map(result, view, kreise=b.kreise, gemeinden=b.gemeinden, lookup=lookup, lang=lang)
    localize_assets(m)
    st_folium(m, key=MAP_KEY, height=600, use_container_width=True, returned_objects=[])

    with st.expander(t("gap.method_panel", lang), expanded=False):
        st.markdown(method_text(result, lang))
        show_table(result.offers)

    st.subheader(t("gap.ranking", lang))
    tab_g, tab_k = st.tabs([t("gap.level.gemeinde", lang), t("gap.level.kreis", lang)])
    for tab, level in ((tab_g, "gemeinde"), (tab_k, "kreis")):
        show_table(
            export_table(result, level),
            where=tab,
            column_config=_columns(lang, params),
            column_order=_order(params),
        )

    st.subheader(t("gap.funding", lang))
    years_label = st.selectbox(t("gap.funding.years", lang), list(_YEARS), key="gap_years")
    info = cached.current_registry_info()
    comparison = cached.coverage_funding(
        version, stamp, store_key, params, info, tuple(_YEARS[years_label]), population_grid
    )
    show_table(
        comparison,
        column_config=_columns(lang, params),
        column_order=["comparison", "group", "units", "share_beyond_pct", "value_weighted"]
        + ["value_median", "demand_beyond", "demand"],
    )
    st.caption(t("gap.funding.caveat", lang))
    if not info.imported:
        st.caption(t("gap.funding.documented", lang))

    _downloads(result, view, b, lookup, lang)


def _order(params: CoverageParams) -> list[str]:
    """Ranking columns, most telling first (the measure only where it adds a column)."""
    value = [] if params.method in (Method.NEAREST, Method.SHARE) else ["value"]
    people = ["foreign_population", "population"]
    return (
        ["rank", "name", "ags", "demand_beyond", "share_beyond_pct", "mean_nearest_km"]
        + value
        + [
            "offers",
            *people,
        ]
    )


def _columns(lang: str, params: CoverageParams) -> dict[str, Any]:
    number = st.column_config.NumberColumn
    value = t(f"gap.value.{params.method.value}", lang)
    return {
        "rank": number(t("gap.col.rank", lang), format="%d"),
        "name": t("gap.col.name", lang),
        "population": number(t("gap.col.population", lang), format="%.0f"),
        "foreign_population": number(t("gap.col.foreign", lang), format="%.0f"),
        "demand": number(t("gap.col.demand", lang), format="%.0f"),
        "demand_beyond": number(t("gap.col.beyond", lang), format="%.0f"),
        "share_beyond_pct": number(t("gap.col.share", lang), format="%.1f %%"),
        "mean_nearest_km": number(t("gap.col.km", lang), format="%.1f"),
        "offers": number(t("gap.col.offers", lang), format="%d"),
        "value": number(value, format="%.2f"),
        "value_weighted": number(plain("gap.col.weighted", lang, value=value), format="%.2f"),
        "value_median": number(plain("gap.col.median", lang, value=value), format="%.2f"),
        "units": number(t("gap.col.units", lang), format="%d"),
        "comparison": t("gap.col.comparison", lang),
        "group": t("gap.col.group", lang),
    }


def _headers(lang: str, params: CoverageParams) -> dict[str, str]:
    """Column -> header in ``lang`` for the downloads (the table's labels plus the cell columns)."""
    value = plain(f"gap.value.{params.method.value}", lang)
    keys = {
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
    cells = ("level", "ags", "kreis_ags", "cell_id", "x", "y", "nearest_m", "nearest_id", "beyond")
    return {
        **{col: plain(key, lang) for col, key in keys.items()},
        **{col: plain(f"col.cov.{col}", lang) for col in cells},
        "value": value,
    }


def _downloads(
    result: CoverageResult, view: str, b: Boundaries, lookup: RasterLookup, lang: str
) -> None:
    """CSV (Gemeinden, Kreise, cells), GeoJSON (Gemeinden) and the map sheet; built when clicked."""
    st.subheader(t("gap.downloads", lang))
    p = result.params
    stem = f"versorgungsluecken_{p.method.value}_{p.demand.value}_{p.threshold_m / 1000:g}km"
    comment = export_comment(result, lang)
    headers = _headers(lang, p)

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

    buttons: list[tuple[str, Callable[[], str | bytes], str, str]] = [
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
    for col, (caption, data, name, mime) in zip(
        st.columns(3) + st.columns(3), buttons, strict=True
    ):
        col.download_button(caption, data, name, mime)
