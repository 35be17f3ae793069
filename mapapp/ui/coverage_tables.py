"""Versorgungslücken tables: the gap ranking per Gemeinde and Kreis, the distribution of the
measure per Kreis and NRW (foreign and whole population side by side) and the comparison of
KOMM-IN-funded Kommunen with the others (column labels in the page's language)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from mapapp.analysis.coverage.distribution import STATS, distribution_table
from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.params import MOSTLY_APPROXIMATE, CoverageParams, DemandKind, Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.text import label, percent
from mapapp.text.coverage_basis import basis_text, ranking_labels, who
from mapapp.text.coverage_network import reach_text, value_key
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_COMPARISON_ORDER = [
    "comparison", "group", "units", "share_beyond_pct", "value_weighted", "value_median",
    "demand_beyond", "demand",
]  # fmt: skip


def ranking(result: CoverageResult, lang: str) -> None:
    """Two tabs (Gemeinden, Kreise), most people beyond the threshold first; the basis line and
    the rule of the row mark ("Standort des nächsten Angebots ungefähr") above them."""
    st.header(t("gap.ranking", lang))
    h = result.headline
    if result.params.network:  # whom the ranking counts: no offer within the travel time
        reach = reach_text(h.threshold, h.mode, lang)
        st.caption(t("gap.ranking.net", lang, who=who(result.params.demand, lang), reach=reach))
    st.caption(md(basis_text(h, lang)))
    st.caption(
        t(
            "gap.ranking.flag",
            lang,
            share=percent(MOSTLY_APPROXIMATE * 100, lang, 0),
            who=who(result.params.demand, lang),
        )
    )
    tab_g, tab_k = st.tabs([t("gap.level.gemeinde", lang), t("gap.level.kreis", lang)])
    for tab, level in ((tab_g, "gemeinde"), (tab_k, "kreis")):
        show_table(
            ranking_labels(export_table(result, level), lang),
            where=tab,
            column_config=_columns(lang, result.params),
            column_order=_order(result.params),
        )


def distribution(result: CoverageResult, lang: str) -> None:
    """Per Kreis and NRW: weighted mean, median, 90th percentile and Gini of the measure, for the
    foreign and the whole population side by side (NRW first), with its basis line."""
    st.header(t("gap.distribution", lang))
    value = plain(value_key(result.params), lang)
    st.caption(t("gap.distribution.caption", lang, value=value))
    st.caption(md(basis_text(result.headline, lang)))
    table = distribution_table(result)
    table = pd.concat([table[table["level"] == "land"], table[table["level"] != "land"]])
    number = st.column_config.NumberColumn
    config: dict[str, Any] = {
        "name": t("gap.col.name", lang),
        "population": number(t("gap.col.population", lang), format="%.0f"),
        "foreign_population": number(t("gap.col.foreign", lang), format="%.0f"),
    }
    order = ["name"]
    for stat in STATS:
        for kind in (DemandKind.FOREIGN, DemandKind.ALL):
            column = f"{kind.value}_{stat}"
            if column in table:
                head = plain(f"gap.col.dist.{stat}", lang, who=label("demand", kind, lang))
                config[column] = number(head, format="%.2f")
                order.append(column)
    show_table(
        table.reset_index(drop=True),
        column_config=config,
        column_order=[*order, "foreign_population", "population"],
    )


def funding_comparison(
    comparison: pd.DataFrame, params: CoverageParams, imported: bool, lang: str
) -> None:
    """The comparison table and its caveats (descriptive, no effect; documented list partial)."""
    show_table(comparison, column_config=_columns(lang, params), column_order=_COMPARISON_ORDER)
    st.caption(t("gap.funding.caveat", lang))
    if not imported:
        st.caption(t("gap.funding.documented", lang))


def _order(params: CoverageParams) -> list[str]:
    """Ranking columns, most telling first (the measure only where it adds a column)."""
    plain_measure = params.method is Method.SHARE or (
        params.method is Method.NEAREST and not params.network  # km: the mean column shows it
    )
    value = [] if plain_measure else ["value"]
    if params.method is Method.CAPACITY:
        value.append("demand_unserved")
    people = ["foreign_population", "population"]
    return (
        ["rank", "name", "ags", "demand_beyond", "share_beyond_pct", "mean_nearest_km"]
        + ["nearest_approx"]
        + value
        + ["offers", *people]
    )


def _columns(lang: str, params: CoverageParams) -> dict[str, Any]:
    number = st.column_config.NumberColumn
    value = t(value_key(params), lang)
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
        "nearest_approx": t("gap.col.approx", lang),
        "demand_unserved": number(t("gap.col.unserved", lang), format="%.0f"),
        "value": number(value, format="%.2f"),
        "value_weighted": number(plain("gap.col.weighted", lang, value=value), format="%.2f"),
        "value_median": number(plain("gap.col.median", lang, value=value), format="%.2f"),
        "units": number(t("gap.col.units", lang), format="%d"),
        "comparison": t("gap.col.comparison", lang),
        "group": t("gap.col.group", lang),
    }
