"""Versorgungslücken: where people live far from offers (grid or choropleth, ranking, downloads)."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.coverage.result import CoverageResult
from mapapp.config import PROGRAMME_YEARS, SLIDE_YEARS
from mapapp.io.datasets import DataVersion
from mapapp.render.assets import localize_assets
from mapapp.render.coverage_map import coverage_map
from mapapp.render.coverage_raster import RasterLookup
from mapapp.ui import cached, coverage_scenario, state
from mapapp.ui.coverage_controls import CoverageChoice, coverage_controls
from mapapp.ui.coverage_downloads import coverage_downloads
from mapapp.ui.coverage_summary import data_warning, headline, method_panel
from mapapp.ui.coverage_tables import distribution, funding_comparison, ranking
from mapapp.ui.markdown import trusted
from mapapp.ui.streamlit_texts import map_container
from mapapp.ui.texts import plain, t

MAP_KEY = "gap_map"
_YEARS = {"2005–2007": SLIDE_YEARS, "2005–2012": PROGRAMME_YEARS}


def render() -> None:
    lang = state.language()
    st.title(t("gap.title", lang))
    intro = st.empty()  # straight line, or the travel times of the chosen mode (below)
    intro.caption(t("gap.caption", lang))
    version = state.require_data(lang)
    stamp = cached.coverage_population_stamp()  # "" = no Zensus file: foreign population unknown
    if not stamp:
        st.info(t("gap.foreign_unknown", lang))
    with state.stop_on_data_error(lang):
        store_key = cached.offer_store_key()
        grid_stamp = cached.coverage_population_grid_stamp()  # "" = no Zensus grid file
        choice = coverage_controls(
            lang,
            cached.offer_index(store_key).category_counts(),
            bool(stamp),
            cached.inkar_years(),
            bool(grid_stamp),
            tuple(n.mode for n in cached.coverage_networks()),
        )
        if choice.params.network:
            by = trusted(t(f"cov.by.{choice.params.mode}", lang))
            intro.caption(t("gap.caption.net", lang, by=by))
        population_grid = grid_stamp if choice.use_grid else ""
        result, lookup = _compute(version, stamp, store_key, choice, population_grid, lang)
    data_warning(result, lang)
    headline(result, lang)

    b = cached.boundaries(version)
    m = coverage_map(
        result, choice.view, kreise=b.kreise, gemeinden=b.gemeinden, lookup=lookup, lang=lang
    )
    localize_assets(m)
    with map_container("luecken"):  # the iframe's title: "Karte: Versorgungslücken"
        returned = st_folium(
            m, key=coverage_scenario.map_key(MAP_KEY), height=600, use_container_width=True,
            returned_objects=coverage_scenario.map_returns(),
        )  # fmt: skip
    coverage_scenario.take_click(returned, version, lang)
    method_panel(result, lang)
    ranking(result, lang)
    distribution(result, lang)

    _funding(version, stamp, store_key, choice, population_grid, lang)
    coverage_downloads(result, choice.view, b, lookup, lang)
    keys = (version, stamp, store_key, population_grid)
    coverage_scenario.scenario_section(result, choice.view, keys, b, lookup, lang)


def _funding(
    version: DataVersion,
    stamp: str,
    store_key: tuple[str, str],
    choice: CoverageChoice,
    population_grid: str,
    lang: str,
) -> None:
    """Funded Kommunen against the others for the chosen programme years (key ``gap_years``)."""
    st.header(t("gap.funding", lang))
    years_label = st.selectbox(
        t("gap.funding.years", lang),
        list(_YEARS),
        key="gap_years",
        placeholder=plain("of.filter.placeholder", lang),
    )
    info = cached.current_registry_info()
    years = tuple(_YEARS[years_label])
    params = choice.params
    comparison = cached.coverage_funding(
        version, stamp, store_key, params, info, years, population_grid, lang,
        cached.network_stamp(params.mode),
    )  # fmt: skip
    funding_comparison(comparison, params, info.imported, lang)


def _compute(
    version: DataVersion,
    stamp: str,
    store_key: tuple[str, str],
    choice: CoverageChoice,
    population_grid: str,
    lang: str,
) -> tuple[CoverageResult, RasterLookup]:
    """The (cached) grid's raster lookup and the result for the chosen parameters."""
    params = choice.params
    with st.spinner(t("gap.computing", lang)):
        _, lookup = cached.coverage_grid(version, stamp, params.cell_size_m, population_grid)
        network = cached.network_stamp(params.mode)
        result = cached.coverage_result(version, stamp, store_key, params, population_grid, network)
    return result, lookup
