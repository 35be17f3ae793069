"""The offer search: search form and filters, the searched place, the URL and map clicks.

The URL is the search's shareable state (:mod:`mapapp.ui.filters`): a shared link shows the same
results, and a click on the map searches from the clicked point. The widgets own what the user
types and picks (stable keys, values in the session); the URL only seeds them when it changed from
outside -- a deep link, a map click, back/forward -- and is then written from the widgets. Giving
the widgets the URL's values as ``value=``/``default=`` on every run would change their identity
after each search, and Streamlit would drop every second input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from mapapp.analysis.offer_counts import NEAR_RADIUS_M, FilterCounts, filter_counts
from mapapp.analysis.offers import OfferFilter, OfferIndex, SearchPoint
from mapapp.io.offer_placing import GeoContext
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import TargetGroup
from mapapp.services.offers import resolve_search
from mapapp.text import integer, label, language_name
from mapapp.ui import state
from mapapp.ui.events import clicked_latlon
from mapapp.ui.filters import (
    MAX_LIMIT,
    SearchState,
    active_filter_names,
    parse_params,
    to_params,
)
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
#: Session key of the option labels each multiselect showed last (:func:`_picker`).
LABELS_SHOWN_KEY = "of_labels_shown"


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


@dataclass(frozen=True)
class OfferQuery:
    """What the page searches: the search (place text, filters, limit), the place as a point
    (``None`` without a search or when not found), and the active filters in words with the
    reasons a filter cannot find anything (for the result heading)."""

    search: SearchState
    point: SearchPoint | None
    filter_names: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def search_form(index: OfferIndex, ctx: GeoContext, lang: str) -> OfferQuery:
    """The search form (place text), the searched place, and the filters with their counts
    around it; the URL seeds them (:func:`seed_from_url`)."""
    languages = index.languages
    seed_from_url(languages)
    with st.form("offer_search"):
        place = st.text_input(
            t("of.search.label", lang),
            placeholder=t("of.search.placeholder", lang),
            key=PLACE_KEY,
        )
        st.form_submit_button(t("of.search.button", lang))
    point = searched_point(place.strip(), ctx, lang)
    kreis = point.ags[:5] if point and point.ags else None
    counts = filter_counts(
        index, _session_filter(), (point.lon, point.lat) if point else None, kreis
    )
    search = _filters(place.strip(), languages, counts, point, lang)
    return OfferQuery(
        search,
        point,
        tuple(active_filter_names(search.flt, lang)),
        tuple(_reasons(search.flt, counts, lang)),
    )


def _session_filter() -> OfferFilter:
    """The filter as the widgets hold it before they are drawn (for the option counts)."""
    ss = st.session_state
    return OfferFilter(
        frozenset(ss.get(CATEGORIES_KEY) or ()),
        frozenset(ss.get(LANGUAGES_KEY) or ()),
        frozenset(ss.get(GROUPS_KEY) or ()),
        bool(ss.get(BARRIER_FREE_KEY)),
    )


def _option(name: str, count: int, in_data: int, lang: str) -> str:
    """``"Sprachkurs (3)"``, or the reason it cannot find anything."""
    if in_data == 0:
        return plain("of.filter.none_in_data", lang, label=name)
    return f"{name} ({count})"


def _picker(
    title: str, options: list[Any], fmt: Callable[[Any], str], key: str, lang: str
) -> list[Any]:
    """A multiselect of ``options`` labelled by ``fmt`` whose choice survives new labels.

    Streamlit (1.67) knows a multiselect's choice by the labels shown, and the labels carry the
    counts around the searched place ("Integration Point (1)"). The browser keeps the labels it
    was given last and sends them back with every run: at a place where the label reads
    "Integration Point (0)" the choice would match no option and be dropped without a word.
    Before the widget is drawn the choice still reads by the last run's labels; when a picked
    option's label changed, the choice is written back by value, and Streamlit hands the browser
    the choice under the new labels. (Only then: a write on every run would close an open
    option list at each rerun.)
    """
    labels = {str(o): fmt(o) for o in options}
    shown = st.session_state.setdefault(LABELS_SHOWN_KEY, {})
    picked = st.session_state.get(key) or []
    before = shown.get(key)
    if before is not None and any(before.get(str(v)) != labels.get(str(v)) for v in picked):
        by_value = {str(o): o for o in options}
        st.session_state[key] = [by_value[str(v)] for v in picked if str(v) in by_value]
    shown[key] = labels
    return st.multiselect(
        title,
        options,
        format_func=fmt,
        placeholder=plain("of.filter.placeholder", lang),
        select_all=False,  # Streamlit's "Select all" option is English only
        key=key,
        disabled=not options,
    )


def _filters(
    place: str,
    languages: list[str],
    counts: FilterCounts,
    point: SearchPoint | None,
    lang: str,
) -> SearchState:
    """The filter widgets; each option with its count around the place (module docstring)."""
    with st.expander(t("of.filter.category", lang) + " · " + t("of.filter.language", lang)):
        if point is not None:
            where = point.name or point.label
            st.caption(
                t(
                    "of.filter.counts_near",
                    lang,
                    km=integer(NEAR_RADIUS_M / 1000, lang),
                    place=where,
                )
            )
        else:
            st.caption(t("of.filter.counts_all", lang))
        cats = _picker(
            t("of.filter.category", lang),
            list(OfferCategory),
            lambda c: _option(
                label("category", c, lang),
                counts.categories.get(c.value, 0),
                counts.in_data_categories.get(c.value, 0),
                lang,
            ),
            CATEGORIES_KEY,
            lang,
        )
        langs = _picker(
            t("of.filter.language", lang),
            languages,
            lambda code: f"{language_name(code, lang)} ({code}) ({counts.languages.get(code, 0)})",
            LANGUAGES_KEY,
            lang,
        )
        if not languages:
            st.caption(t("of.filter.no_language_data", lang))
        groups = _picker(
            t("of.filter.target", lang),
            list(TargetGroup),
            lambda g: _option(
                label("target_group", g, lang),
                counts.target_groups.get(g.value, 0),
                counts.in_data_target_groups.get(g.value, 0),
                lang,
            ),
            GROUPS_KEY,
            lang,
        )
        bf = st.checkbox(
            f"{plain('of.filter.barrierfree', lang)} ({counts.barrier_free})",
            key=BARRIER_FREE_KEY,
            disabled=counts.barrier_free_yes == 0 and not st.session_state.get(BARRIER_FREE_KEY),
        )
        why = _barrier_free_reason(counts, lang)
        if why:
            st.caption(md(why))
        limit = st.slider(t("of.filter.limit", lang), 1, MAX_LIMIT, key=LIMIT_KEY)
    flt = OfferFilter(frozenset(cats), frozenset(langs), frozenset(groups), bf)
    return SearchState(place, flt, limit)


def _barrier_free_reason(counts: FilterCounts, lang: str) -> str:
    """Why "nur barrierefrei" finds nothing in the data (plain text), or ``""``."""
    name = plain("of.filter.barrierfree", lang)
    if counts.barrier_free_known == 0:
        return plain("of.filter.bf_no_data", lang, filter=name)
    if counts.barrier_free_yes == 0:
        return plain("of.filter.bf_none_yes", lang, filter=name)
    return ""


def _reasons(flt: OfferFilter, counts: FilterCounts, lang: str) -> list[str]:
    """Why the active filters cannot find anything in the data (plain texts)."""
    out = [
        plain("of.filter.none_in_data", lang, label=label("category", c, lang))
        for c in OfferCategory
        if c in flt.categories and counts.in_data_categories.get(c.value, 0) == 0
    ]
    if flt.barrier_free:
        why = _barrier_free_reason(counts, lang)
        if why:
            out.append(why)
    return out


def searched_point(place: str, ctx: GeoContext, lang: str) -> SearchPoint | None:
    """The searched place as a point; ``None`` without a search or (with an error shown) when
    the place is not found."""
    if not place:
        return None
    try:
        return resolve_search(place, ctx)
    except DataError as exc:
        st.error(t("of.search.notfound", lang, q=place) + " – " + md(exc.message))
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
    search_at(click[0], click[1])


def search_at(lat: float, lon: float) -> None:
    """Search from a point (a map click, the browser's location): ``ort=lat,lon``, rerun."""
    state.set_query("ort", f"{lat:.5f},{lon:.5f}")
    st.rerun()
