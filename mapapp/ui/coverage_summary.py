"""Versorgungslücken summary of a result: the data warning, the four figures, the headline
sentence and the method panel (what exactly was computed, with the offers used)."""

from __future__ import annotations

import streamlit as st

from mapapp.analysis.coverage.params import Method, Support
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.text import integer, km, label, number, percent
from mapapp.text.coverage import headline_figure, method_text
from mapapp.text.coverage_basis import (
    basis_text,
    capacity_sentence,
    category_text,
    support_text,
)
from mapapp.text.coverage_network import minutes_text, reach_text, value_key
from mapapp.ui.markdown import Trusted, md, trusted
from mapapp.ui.tables import show_table
from mapapp.ui.texts import t


def _n(value: float, lang: str, decimals: int | None = None) -> Trusted:
    """Number for display in the page's language (:mod:`mapapp.text`); without ``decimals``
    as few places as needed (up to two). Program-made: inserted into markdown as it is."""
    text = km(value * 1000, lang) if decimals is None else number(value, lang, decimals)
    return trusted(text)


def data_warning(result: CoverageResult, lang: str) -> None:
    """How many offers were used and how precisely they are located."""
    h = result.headline
    precision = ", ".join(
        f"{integer(n, lang)} {label('precision', p, lang)}" for p, n in h.precision_counts
    )
    st.warning(t("gap.data_warning", lang, n=h.n_offers, precision=precision or "–"))


def _metric_value(text: str, support: Support) -> str:
    """A figure as the data carry it: ``–`` without offers, ``≈ …`` as an approximation."""
    if support in (Support.NO_OFFERS, Support.NO_CAPACITY):
        return "–"
    return f"≈ {text}" if support is Support.APPROXIMATE else text


def headline(result: CoverageResult, lang: str) -> None:
    """Share and people beyond the threshold, the measure for NRW, offers used; one sentence
    and the line naming what it rests on. Where the data cannot carry the figures (no offer with
    a location, mostly approximate locations) that is said instead of a bold figure."""
    h = result.headline
    support = h.support
    network = result.params.network
    reach = reach_text(h.threshold, h.mode, lang)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        t("gap.metric.share.net", lang, reach=reach)
        if network
        else t("gap.metric.share", lang, km=_n(h.threshold_m / 1000, lang)),
        _metric_value(percent(h.share_beyond_pct, lang, 1), support),
    )
    m2.metric(
        t(f"gap.metric.people.{h.demand.value}", lang),
        _metric_value(_n(h.demand_beyond, lang, 0), support),
    )
    method = result.params.method
    unit = {Method.NEAREST: " km", Method.SHARE: " %", Method.CAPACITY: " %"}.get(method, "")
    value = "–" if h.value != h.value else _n(h.value, lang, 1 if unit else 2) + unit  # NaN: none
    if network and method is Method.NEAREST and h.value == h.value:
        value = minutes_text(h.value, lang)
    m3.metric(
        t("gap.metric.value", lang, value=trusted(t(value_key(result.params), lang))),
        _metric_value(value, h.value_support),
    )
    m4.metric(t("gap.metric.offers", lang), str(h.n_offers))
    caveat = support_text(h, lang)
    if support is Support.OK:
        st.markdown(
            t(
                f"gap.headline.net.{h.demand.value}"
                if network
                else f"gap.headline.{h.demand.value}",
                lang,
                share=_n(h.share_beyond_pct, lang, 1),
                what=trusted(category_text(h.categories, lang)),
                people=_n(h.demand_beyond, lang, 0),
                km=_n(h.threshold_m / 1000, lang),
                reach=reach,
            )
        )
    elif support is Support.APPROXIMATE:
        st.warning(md(caveat))
        st.markdown(md(headline_figure(h, lang)))
    else:
        st.error(md(caveat))
    st.caption(md(basis_text(h, lang)))
    if method is Method.CAPACITY and support is not Support.NO_OFFERS:
        _capacity(result, lang)


def _capacity(result: CoverageResult, lang: str) -> None:
    """The capacity method: people left unserved with how many offers have a capacity, or why
    it cannot be computed (no counted offer has one)."""
    h = result.headline
    sentence = capacity_sentence(h, reach_text(h.catchment, h.mode, lang), lang)
    if h.value_support is Support.NO_CAPACITY:
        st.info(md(sentence))
    else:
        st.markdown(md(sentence))


def method_panel(result: CoverageResult, lang: str) -> None:
    """Folded: the method text and the offers the run used."""
    with st.expander(t("gap.method_panel", lang), expanded=False):
        st.markdown(method_text(result, lang))
        show_table(result.offers)
