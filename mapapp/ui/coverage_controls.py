"""Versorgungslücken controls: which offers, measure, demand, distance (straight line or travel
time on a built street network) and threshold, map view, population source, cell size,
foreign-share source and Kreis-area offers -> :class:`CoverageChoice`.

Three columns: offers, distance, threshold and Kreis-area toggle left; measure, view and
population source in the middle; demand, cell size and foreign-share source right. Widget keys
start with ``gap_``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from mapapp.analysis.coverage.params import (
    CELL_SIZES_M,
    DEFAULT_CELL_SIZE_M,
    MODE_LINE,
    NETWORK_MAX_MINUTES,
    POPULATION_GRID_CELL_M,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.model import OfferCategory
from mapapp.render.coverage_classes import VIEWS
from mapapp.text import integer, label
from mapapp.ui.texts import plain, t

#: A Streamlit column (what ``st.columns`` returns).
Column = Any
#: The measure's widget key, and the session key remembering whether its names were those of a
#: network mode when it was last drawn.
METHOD_KEY = "gap_method"
_METHOD_NETWORK = "gap_method_network"
#: Default threshold (minutes) per network mode.
DEFAULT_MINUTES = {"walk": 30, "bike": 30, "car": 15}


@dataclass(frozen=True)
class CoverageChoice:
    """The run's parameters, the map view and whether the Zensus population grid is used."""

    params: CoverageParams
    view: str
    use_grid: bool


def coverage_controls(
    lang: str,
    counts: dict[str, int],
    foreign_known: bool,
    foreign_years: list[int],
    grid_available: bool,
    networks: tuple[str, ...] = (),
) -> CoverageChoice:
    """The controls; ``counts`` = offers per category value (shown in the options),
    ``foreign_known`` = the Zensus file gives the foreign population per Gemeinde,
    ``foreign_years`` = INKAR years with a foreign share per Kreis, ``grid_available`` = the
    Zensus population grid is in the data directory, ``networks`` = the modes with a built
    street network (offered besides the straight line; without any, a hint how to build one)."""
    c1, c2, c3 = st.columns(3)
    cats = _categories(c1, counts, lang)
    mode = _mode(c1, networks, lang)
    method = _method(c2, mode, lang)
    demand = _demand(c3, foreign_known or bool(foreign_years), lang)
    threshold_km, minutes = 10, None
    if mode == MODE_LINE:
        threshold_km = c1.slider(t("gap.threshold", lang), 1, 50, 10, key="gap_km")
    else:
        top = int(NETWORK_MAX_MINUTES[mode])
        minutes = c1.slider(
            t("gap.threshold.min", lang, mode=label("travel_mode", mode, lang)),
            5, top, DEFAULT_MINUTES[mode], step=5, key=f"gap_min_{mode}",
        )  # fmt: skip
    view = c2.radio(
        t("gap.view", lang),
        list(VIEWS),
        format_func=lambda v: t(f"gap.view.{v}", lang),
        key="gap_view",
        horizontal=True,
    )
    use_grid = _population(c2, grid_available, lang)
    cell = _cell_size(c3, use_grid, lang)
    foreign_year = None
    if demand is DemandKind.FOREIGN and foreign_years:
        foreign_year = _foreign_year(c3, foreign_known, foreign_years, lang)
    kreis_area = c1.toggle(
        t("gap.kreis_area", lang),
        value=True,
        key="gap_kreis_area",
        help=t("gap.kreis_area.help", lang),
    )
    params = CoverageParams(
        categories=tuple(cats),
        threshold_m=threshold_km * 1000.0,
        method=Method(method),
        demand=demand,
        cell_size_m=cell,
        include_kreis_area=kreis_area,
        foreign_year=foreign_year,
        mode=mode,
        threshold_min=minutes,
    )
    return CoverageChoice(params, str(view), use_grid)


def _method(col: Column, mode: str, lang: str) -> str:
    """The measure (a stable value, key ``gap_method``). Its name depends on the mode (the nearest
    offer in km or in minutes), but the browser keeps showing the name it last got as long as
    the value stays the same; so after a switch between the straight line and a network the
    value is set again and goes out with its new name."""
    network = mode != MODE_LINE
    if st.session_state.get(_METHOD_NETWORK, network) != network and METHOD_KEY in st.session_state:
        st.session_state[METHOD_KEY] = st.session_state[METHOD_KEY]
    st.session_state[_METHOD_NETWORK] = network
    return str(
        col.selectbox(
            t("gap.method", lang),
            [m.value for m in Method],
            format_func=lambda m: _method_name(m, mode, lang),
            placeholder=plain("of.filter.placeholder", lang),
            key=METHOD_KEY,
        )
    )


def _method_name(method: str, mode: str, lang: str) -> str:
    """A measure's name; the nearest offer in minutes with a network mode."""
    if mode != MODE_LINE and method == Method.NEAREST.value:
        return t("cov.method.nearest.net", lang)
    return label("method", method, lang)


def _mode(col: Column, networks: tuple[str, ...], lang: str) -> str:
    """Straight line or a built network's travel time; without a network a one-line hint."""
    if not networks:
        col.caption(t("gap.mode.missing", lang))
        return MODE_LINE
    return str(
        col.radio(
            t("gap.mode", lang),
            [MODE_LINE, *networks],
            format_func=lambda m: label("travel_mode", m, lang),
            key="gap_mode",
            horizontal=True,
            help=t("gap.mode.help", lang),
        )
    )


def _categories(col: Column, counts: dict[str, int], lang: str) -> list[str]:
    """Offer categories with their number of offers; the Ausländerbehörden by default."""
    return list(
        col.multiselect(
            t("gap.categories", lang),
            [c.value for c in OfferCategory],
            default=[OfferCategory.ABH.value],
            format_func=lambda c: (
                f"{label('category', c, lang)} ({integer(counts.get(c, 0), lang)})"
            ),
            key="gap_cats",
            help=t("gap.categories.help", lang),
            placeholder=plain("of.filter.placeholder", lang),
            select_all=False,  # Streamlit's "Select all" option is English only
        )
    )


def _demand(col: Column, can_foreign: bool, lang: str) -> DemandKind:
    """Whole or foreign population (the latter only when some source knows it); default last."""
    demands = [d.value for d in DemandKind] if can_foreign else [DemandKind.ALL.value]
    demand = col.radio(
        t("gap.demand", lang),
        demands,
        index=len(demands) - 1,
        format_func=lambda d: label("demand", d, lang),
        key="gap_demand",
        horizontal=True,
    )
    return DemandKind(demand)


def _population(col: Column, grid_available: bool, lang: str) -> bool:
    """Whether the Zensus population grid is used (asked only when its file is there)."""
    if not grid_available:
        col.caption(t("gap.population.missing", lang))
        return False
    population = col.radio(
        t("gap.population", lang),
        ["area", "grid"],
        format_func=lambda p: t(f"gap.population.{p}", lang),
        key="gap_population",
        help=t("gap.population.help", lang),
    )
    return bool(population == "grid")


def _cell_size(col: Column, use_grid: bool, lang: str) -> float:
    """Cell size in metres; the population grid fixes it (own key, disabled)."""
    return float(
        col.selectbox(
            t("gap.cell", lang),
            [POPULATION_GRID_CELL_M] if use_grid else list(CELL_SIZES_M),
            index=0 if use_grid else CELL_SIZES_M.index(DEFAULT_CELL_SIZE_M),
            format_func=lambda s: plain("fmt.m", lang, value=integer(s, lang)),
            key="gap_cell_grid" if use_grid else "gap_cell",
            placeholder=plain("of.filter.placeholder", lang),
            disabled=use_grid,
            help=t("gap.cell.grid", lang) if use_grid else None,
        )
    )


def _foreign_year(
    col: Column, foreign_known: bool, foreign_years: list[int], lang: str
) -> int | None:
    """Zensus 2022 share per Gemeinde (``None``, the default when known) or the INKAR share per
    Kreis of a year (newest first; 2006 by default without Zensus)."""
    options: list[int | None] = ([None] if foreign_known else []) + list(reversed(foreign_years))
    return col.selectbox(
        t("gap.foreign_year", lang),
        options,
        index=options.index(2006) if not foreign_known and 2006 in options else 0,
        placeholder=plain("of.filter.placeholder", lang),
        format_func=lambda y: (
            t("gap.foreign_year.zensus", lang)
            if y is None
            else plain("gap.foreign_year.inkar", lang, year=y)
        ),
        key="gap_foreign_year",
        help=t("gap.foreign_year.help", lang),
    )
