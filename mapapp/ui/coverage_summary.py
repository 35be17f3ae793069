"""Versorgungslücken summary of a result: the data warning, the four figures, the headline
sentence and the method panel (what exactly was computed, with the offers used)."""

from __future__ import annotations

import streamlit as st

from mapapp.analysis.coverage.params import Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.text import integer, km, label, number, percent
from mapapp.text.coverage import method_text
from mapapp.ui.markdown import Trusted, trusted
from mapapp.ui.tables import show_table
from mapapp.ui.texts import t


def _n(value: float, lang: str, decimals: int | None = None) -> Trusted:
    """Number for display in the page's language (:mod:`mapapp.text`); without ``decimals``
    as few places as needed (up to two). Program-made: inserted into markdown as it is."""
    text = km(value * 1000, lang) if decimals is None else number(value, lang, decimals)
    return trusted(text)


def data_warning(result: CoverageResult, lang: str) -> None:
    """How many offers were used and how precisely they are located; an error without any."""
    h = result.headline
    precision = ", ".join(
        f"{integer(n, lang)} {label('precision', p, lang)}" for p, n in h.precision_counts
    )
    st.warning(t("gap.data_warning", lang, n=h.n_offers, precision=precision or "–"))
    if h.n_offers == 0:
        st.error(t("gap.no_offers", lang))


def headline(result: CoverageResult, lang: str) -> None:
    """Share and people beyond the threshold, the measure for NRW, offers used; one sentence."""
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


def method_panel(result: CoverageResult, lang: str) -> None:
    """Folded: the method text and the offers the run used."""
    with st.expander(t("gap.method_panel", lang), expanded=False):
        st.markdown(method_text(result, lang))
        show_table(result.offers)
