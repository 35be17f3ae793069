"""The offer search: search form and filters, the searched place, the URL and map clicks.

The URL is the search's shareable state (:mod:`mapapp.ui.filters`): a shared link shows the same
results, and a click on the map searches from the clicked point. The widgets own what the user
types and picks (stable keys, values in the session); the URL only seeds them when it changed from
outside -- a deep link, a map click, back/forward -- and is then written from the widgets. Giving
the widgets the URL's values as ``value=``/``default=`` on every run would change their identity
after each search, and Streamlit would drop every second input.
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
#: Session key of the search as this session last read it from or wrote it into the URL.
URL_SEEN_KEY = "of_url_seen"
#: Widget keys: the place text and the filters.
PLACE_KEY = "of_place"
CATEGORIES_KEY = "of_categories"
LANGUAGES_KEY = "of_languages"
GROUPS_KEY = "of_groups"
BARRIER_FREE_KEY = "of_barrier_free"
LIMIT_KEY = "of_limit"


def widget_values(search: SearchState, languages: list[str]) -> dict[str, Any]:
    """The widgets' values (by key) that show ``search``; languages not offered are left out."""
    return {
        PLACE_KEY: search.place,
        CATEGORIES_KEY: sorted(search.flt.categories),
        LANGUAGES_KEY: sorted(x for x in search.flt.languages if x in languages),
        GROUPS_KEY: sorted(search.flt.target_groups),
        BARRIER_FREE_KEY: search.flt.barrier_free,
        LIMIT_KEY: search.limit,
    }


def seed_from_url(languages: list[str]) -> None:
    """Set the widgets the URL's search changed since this session last saw it (deep link, map
    click, back/forward), and widgets not in the session yet; leave the others as the user set
    them. Runs before the widgets are drawn."""
    url = parse_params(st.query_params.to_dict())
    seen = st.session_state.get(URL_SEEN_KEY)
    before = widget_values(seen, languages) if isinstance(seen, SearchState) else {}
    for key, value in widget_values(url, languages).items():
        if key not in st.session_state or before.get(key) != value:
            st.session_state[key] = value
    st.session_state[URL_SEEN_KEY] = url


def search_form(languages: list[str], lang: str) -> SearchState:
    """The search form (place text) and the filters; the URL seeds them (:func:`seed_from_url`)."""
    seed_from_url(languages)
    with st.form("offer_search"):
        place = st.text_input(
            t("of.search.label", lang),
            placeholder=t("of.search.placeholder", lang),
            key=PLACE_KEY,
        )
        st.form_submit_button(t("of.search.button", lang))
    return _filters(place.strip(), languages, lang)


def _filters(place: str, languages: list[str], lang: str) -> SearchState:
    with st.expander(t("of.filter.category", lang) + " · " + t("of.filter.language", lang)):
        cats = st.multiselect(
            t("of.filter.category", lang),
            list(OfferCategory),
            format_func=lambda c: label("category", c, lang),
            placeholder=plain("of.filter.placeholder", lang),
            key=CATEGORIES_KEY,
        )
        langs = st.multiselect(
            t("of.filter.language", lang),
            languages,
            format_func=lambda code: f"{language_name(code, lang)} ({code})",
            placeholder=plain("of.filter.placeholder", lang),
            key=LANGUAGES_KEY,
        )
        groups = st.multiselect(
            t("of.filter.target", lang),
            list(TargetGroup),
            format_func=lambda g: label("target_group", g, lang),
            placeholder=plain("of.filter.placeholder", lang),
            key=GROUPS_KEY,
        )
        bf = st.checkbox(t("of.filter.barrierfree", lang), key=BARRIER_FREE_KEY)
        limit = st.slider(t("of.filter.limit", lang), 1, MAX_LIMIT, key=LIMIT_KEY)
    flt = OfferFilter(frozenset(cats), frozenset(langs), frozenset(groups), bf)
    return SearchState(place, flt, limit)


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
    """Write the search into the URL (``ort``, ``kat``, ``sprache``, ``zg``, ``bf``, ``n``), and
    remember it as seen: the next run must not seed the widgets from the session's own writing."""
    wanted = to_params(search)
    for key in ("ort", "kat", "sprache", "zg", "bf", "n"):
        state.set_query(key, wanted.get(key))
    st.session_state[URL_SEEN_KEY] = parse_params(wanted)


def follow_click(returned: dict[str, Any] | None) -> None:
    """A new click on the map becomes the searched place (``ort=lat,lon``) and reruns."""
    click = clicked_latlon(returned)
    if click is None or st.session_state.get(LAST_CLICK_KEY) == click:
        return
    st.session_state[LAST_CLICK_KEY] = click
    state.set_query("ort", f"{click[0]:.5f},{click[1]:.5f}")
    st.rerun()
