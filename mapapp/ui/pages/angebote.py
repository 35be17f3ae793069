"""Angebote finden: the public view – search a place, see the nearest offers as a list and on a map."""

from __future__ import annotations

import streamlit as st

from mapapp.analysis.responsibility import TERRITORIAL
from mapapp.ui import cached, state
from mapapp.ui.geolocation import locate_button
from mapapp.ui.offer_cards import result_list
from mapapp.ui.offer_downloads import offer_downloads
from mapapp.ui.offer_map import offer_map
from mapapp.ui.offer_responsible import offer_responsible
from mapapp.ui.offer_search import follow_click, search_form, sync_url
from mapapp.ui.offer_wegweiser import offer_wegweiser
from mapapp.ui.texts import t

#: Streamlit's own English hint under a text input in a form ("Press Enter to submit form") is
#: hidden: the page has a labelled search button in every language.
_CSS = "<style>[data-testid='InputInstructions']{display:none}</style>"


def render() -> None:
    lang = state.language()
    st.html(_CSS)
    st.title(t("of.title", lang))
    st.caption(t("of.intro", lang))
    version = state.require_data(lang)
    ctx = cached.geo_context(version)
    store = cached.offer_store(version)
    index = cached.offer_index((store.location, store.data_version()))

    query = search_form(index, ctx, lang)  # place, point and filters (with counts around it)
    locate_button(ctx, lang)  # "Meinen Standort verwenden"
    search, point = query.search, query.point
    sync_url(search)

    # offers of the searched Kreis known only by their Kreis follow the measured ones, undistanced
    kreis = point.ags[:5] if point and point.ags else None
    hits = (
        index.nearest(
            point.lon,
            point.lat,
            limit=search.limit,
            flt=search.flt,
            kreis_ags=kreis,
            exclude=TERRITORIAL,  # offices with a territory: in the "responsible" section
        )
        if point
        else []
    )
    shown = index.matching(search.flt)
    st.info(t("of.data.note", lang))

    list_col, map_col = st.columns([2, 3])
    with list_col:
        offer_responsible(point, ctx, index, lang)
        result_list(query, hits, lang)
    with map_col:
        returned = offer_map(version, shown, point, hits, lang)
    follow_click(returned)
    offer_downloads([h.offer for h in hits] or shown, lang)
    offer_wegweiser(search, point, version, ctx, lang)  # "Wegweiser als PDF"
