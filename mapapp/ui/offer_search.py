"""The offer search: search form and filters, the searched place, the URL and map clicks.

The URL is the search's state (:mod:`mapapp.ui.filters`): a shared link shows the same results,
and a click on the map searches from the clicked point.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from mapapp.analysis.offers import OfferFilter, SearchPoint
from mapapp.io.offer_placing import GeoContext
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import TargetGroup
from mapapp.services.offers import resolve_search
from mapapp.text import label, language_name
from mapapp.ui import state
from mapapp.ui.events import clicked_latlon
from mapapp.ui.filters import MAX_LIMIT, SearchState, parse_params, to_params
from mapapp.ui.markdown import md
from mapapp.ui.texts import plain, t

#: Session key of the last map click already followed (a rerun must not follow it again).
LAST_CLICK_KEY = "of_last_click"


def search_form(languages: list[str], lang: str) -> SearchState:
    """The search form (place text) and the filters, starting from the URL's search."""
    search = parse_params(st.query_params.to_dict())
    with st.form("offer_search"):
        place = st.text_input(
            t("of.search.label", lang),
            value=search.place,
            placeholder=t("of.search.placeholder", lang),
        )
        st.form_submit_button(t("of.search.button", lang))
    return _filters(SearchState(place.strip(), search.flt, search.limit), languages, lang)


def _filters(current: SearchState, languages: list[str], lang: str) -> SearchState:
    with st.expander(t("of.filter.category", lang) + " · " + t("of.filter.language", lang)):
        cats = st.multiselect(
            t("of.filter.category", lang),
            list(OfferCategory),
            default=sorted(current.flt.categories),
            format_func=lambda c: label("category", c, lang),
            placeholder=plain("of.filter.placeholder", lang),
        )
        langs = st.multiselect(
            t("of.filter.language", lang),
            languages,
            default=sorted(x for x in current.flt.languages if x in languages),
            format_func=lambda code: f"{language_name(code, lang)} ({code})",
            placeholder=plain("of.filter.placeholder", lang),
        )
        groups = st.multiselect(
            t("of.filter.target", lang),
            list(TargetGroup),
            default=sorted(current.flt.target_groups),
            format_func=lambda g: label("target_group", g, lang),
            placeholder=plain("of.filter.placeholder", lang),
        )
        bf = st.checkbox(t("of.filter.barrierfree", lang), value=current.flt.barrier_free)
        limit = st.slider(t("of.filter.limit", lang), 1, MAX_LIMIT, current.limit)
    flt = OfferFilter(frozenset(cats), frozenset(langs), frozenset(groups), bf)
    return SearchState(current.place, flt, limit)


def searched_point(search: SearchState, ctx: GeoContext, lang: str) -> SearchPoint | None:
    """The searched place as a point; ``None`` without a search or (with an error shown) when
    the place is not found."""
    if not search.place:
        return None
    try:
        return resolve_search(search.place, ctx)
    except DataError as exc:
        st.error(t("of.search.notfound", lang, q=search.place) + " – " + md(exc.message))
        return None


def sync_url(search: SearchState) -> None:
    """Write the search into the URL (``ort``, ``kat``, ``sprache``, ``zg``, ``bf``, ``n``)."""
    wanted = to_params(search)
    for key in ("ort", "kat", "sprache", "zg", "bf", "n"):
        state.set_query(key, wanted.get(key))


def follow_click(returned: dict[str, Any] | None) -> None:
    """A new click on the map becomes the searched place (``ort=lat,lon``) and reruns."""
    click = clicked_latlon(returned)
    if click is None or st.session_state.get(LAST_CLICK_KEY) == click:
        return
    st.session_state[LAST_CLICK_KEY] = click
    state.set_query("ort", f"{click[0]:.5f},{click[1]:.5f}")
    st.rerun()
