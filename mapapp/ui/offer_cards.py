"""The offer result list: a heading naming the place and one card per nearest offer."""

from __future__ import annotations

import streamlit as st

from mapapp.analysis.offers import NearestOffer, SearchPoint
from mapapp.model import COL_AGS, COL_NAME, is_http_url
from mapapp.offers_model import Accessibility, Offer, Precision
from mapapp.text import date, label, language_name, number
from mapapp.ui import cached
from mapapp.ui.markdown import md
from mapapp.ui.texts import t


def result_list(point: SearchPoint | None, hits: list[NearestOffer], lang: str) -> None:
    """What to do (no place yet), that nothing matched, or the numbered cards."""
    if point is None:
        st.write(t("of.noplace", lang))
        return
    if not hits:
        st.write(t("of.results.none", lang))
        return
    where = point.name or point.label
    if point.approximate:
        where = f"{where} – {label('precision', Precision.GEMEINDE_CENTRE, lang)}"
    st.subheader(t("of.results", lang, n=len(hits), place=where))
    for i, hit in enumerate(hits, start=1):
        offer_card(i, hit, lang)


def offer_card(i: int, hit: NearestOffer, lang: str) -> None:
    """Name, category and distance; a warning for an approximate location; details folded."""
    o: Offer = hit.offer
    with st.container(border=True):
        st.markdown(f"**{i}\\. {md(o.name)}**  \n{md(label('category', o.category, lang))}")
        if hit.distance_m is None:  # no location: never a distance
            st.caption(t("of.kreis_unlocated", lang, kreis=_kreis_name(o.kreis_ags)))
        else:
            st.caption(t("of.distance", lang, km=number(hit.distance_m / 1000, lang, 1)))
        if o.precision is not Precision.ADDRESS and hit.distance_m is not None:
            st.warning(t("offer.location", lang, precision=label("precision", o.precision, lang)))
        with st.expander(t("of.card.address", lang) + " …"):
            for key, value in _detail_rows(o, lang):
                if value:
                    st.markdown(f"**{md(t(key, lang))}:** {md(value)}")
            if o.website and is_http_url(o.website):
                st.link_button(t("of.card.web", lang), o.website)


def _kreis_name(kreis_ags: str | None) -> str:
    """The Kreis's name from the status table (its AGS when the table does not know it)."""
    if not kreis_ags:
        return ""
    status = cached.status(str(cached.settings().reference_dir))
    names = status.loc[status[COL_AGS] == kreis_ags, COL_NAME]
    return str(names.iloc[0]) if len(names) else kreis_ags


def _detail_rows(o: Offer, lang: str) -> list[tuple[str, str | None]]:
    """(catalogue key of the label, value in ``lang``) of a card's details; empty values are
    left out by the caller."""
    return [
        ("of.card.address", o.address),
        ("of.card.provider", o.provider),
        ("of.card.languages", ", ".join(language_name(c, lang) for c in o.languages)),
        ("of.card.targets", ", ".join(label("target_group", g, lang) for g in o.target_groups)),
        ("of.card.hours", o.opening_hours),
        ("of.card.phone", o.phone),
        ("of.card.email", o.email),
        ("of.card.barrierfree", label("accessibility", Accessibility(o.barrier_free), lang)),
        ("of.card.source", o.source),
        ("of.card.verified", date(o.last_verified, lang)),
    ]
