"""Angebote finden: the public view – search a place, see the nearest offers as a list and on a map."""

from __future__ import annotations

import json

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.offers import NearestOffer, OfferFilter
from mapapp.model import DataError, OfferCategory, is_http_url
from mapapp.offers_model import Accessibility, Offer, Precision, TargetGroup
from mapapp.render.assets import localize_assets
from mapapp.render.offers import MAP_NEARBY_ABOVE, offers_search_map
from mapapp.services.offers import resolve_search
from mapapp.services.offers_download import offers_csv, offers_geojson
from mapapp.text import date, label, language_name, number
from mapapp.ui import cached, state
from mapapp.ui.events import clicked_latlon
from mapapp.ui.filters import MAX_LIMIT, SearchState, parse_params, to_params
from mapapp.ui.markdown import md
from mapapp.ui.texts import plain, t

MAP_KEY = "angebote_map"
#: Streamlit's own English hint under a text input in a form ("Press Enter to submit form") is
#: hidden: the page has a labelled search button in every language.
_CSS = "<style>[data-testid='InputInstructions']{display:none}</style>"


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


def _card(i: int, hit: NearestOffer, lang: str) -> None:
    o: Offer = hit.offer
    with st.container(border=True):
        st.markdown(f"**{i}\\. {md(o.name)}**  \n{md(label('category', o.category, lang))}")
        st.caption(t("of.distance", lang, km=number(hit.distance_m / 1000, lang, 1)))
        if o.precision is not Precision.ADDRESS:
            st.warning(t("offer.location", lang, precision=label("precision", o.precision, lang)))
        with st.expander(t("of.card.address", lang) + " …"):
            rows = [
                ("of.card.address", o.address),
                ("of.card.provider", o.provider),
                ("of.card.languages", ", ".join(language_name(c, lang) for c in o.languages)),
                (
                    "of.card.targets",
                    ", ".join(label("target_group", g, lang) for g in o.target_groups),
                ),
                ("of.card.hours", o.opening_hours),
                ("of.card.phone", o.phone),
                ("of.card.email", o.email),
                (
                    "of.card.barrierfree",
                    label("accessibility", Accessibility(o.barrier_free), lang),
                ),
                ("of.card.source", o.source),
                ("of.card.verified", date(o.last_verified, lang)),
            ]
            for key, value in rows:
                if value:
                    st.markdown(f"**{md(t(key, lang))}:** {md(value)}")
            if o.website and is_http_url(o.website):
                st.link_button(t("of.card.web", lang), o.website)


def render() -> None:
    lang = state.language()
    st.html(_CSS)
    st.title(t("of.title", lang))
    st.caption(t("of.intro", lang))
    version = state.require_data(lang)
    ctx = cached.geo_context(version)
    store = cached.offer_store(version)
    index = cached.offer_index((store.location, store.data_version()))

    search = parse_params(st.query_params.to_dict())
    with st.form("offer_search"):
        place = st.text_input(
            t("of.search.label", lang),
            value=search.place,
            placeholder=t("of.search.placeholder", lang),
        )
        st.form_submit_button(t("of.search.button", lang))
    search = _filters(SearchState(place.strip(), search.flt, search.limit), index.languages, lang)

    point = None
    if search.place:
        try:
            point = resolve_search(search.place, ctx)
        except DataError as exc:
            st.error(t("of.search.notfound", lang, q=search.place) + " – " + md(exc.message))
    _sync_url(search)

    hits = index.nearest(point.lon, point.lat, limit=search.limit, flt=search.flt) if point else []
    shown = [o for o, keep in zip(index.offers, index.mask(search.flt), strict=True) if keep]
    st.info(t("of.data.note", lang))

    list_col, map_col = st.columns([2, 3])
    with list_col:
        if point is None:
            st.write(t("of.noplace", lang))
        elif not hits:
            st.write(t("of.results.none", lang))
        else:
            where = point.name or point.label
            if point.approximate:
                where = f"{where} – {label('precision', Precision.GEMEINDE_CENTRE, lang)}"
            st.subheader(t("of.results", lang, n=len(hits), place=where))
            for i, hit in enumerate(hits, start=1):
                _card(i, hit, lang)
    with map_col:
        tiles = st.toggle(t("map.tiles.toggle", lang), value=True, key="of_tiles")
        funding = st.toggle(t("of.layer.funding", lang), value=False, key="of_funding")
        b = cached.boundaries(version)
        units = None
        if funding:
            info = cached.current_registry_info()
            units = cached.units_for_years(version, info, tuple(range(2005, 2013)), False)
        fmap = offers_search_map(
            shown,
            point=(point.lat, point.lon) if point else None,
            hits=[h.offer for h in hits],
            gemeinden=b.gemeinden,
            attribution=plain("attr.offers_map", lang, bkg=plain("attr.bkg", lang, year=b.year)),
            tiles=tiles,
            funding_units=units,
            lang=lang,
        )
        localize_assets(fmap)
        st.caption(t("of.search.hint", lang))
        if point is not None and len(shown) > MAP_NEARBY_ABOVE:
            st.caption(t("of.map.nearby", lang))
        returned = st_folium(
            fmap,
            key=MAP_KEY,
            height=560,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
    _handle_click(returned, search)
    _downloads([h.offer for h in hits] or shown, lang)


def _sync_url(search: SearchState) -> None:
    wanted = to_params(search)
    for key in ("ort", "kat", "sprache", "zg", "bf", "n"):
        state.set_query(key, wanted.get(key))


def _handle_click(returned: dict | None, search: SearchState) -> None:
    click = clicked_latlon(returned)
    if click is None or st.session_state.get("of_last_click") == click:
        return
    st.session_state["of_last_click"] = click
    state.set_query("ort", f"{click[0]:.5f},{click[1]:.5f}")
    st.rerun()


def _downloads(offers: list[Offer], lang: str) -> None:
    st.subheader(t("of.export", lang))
    stem = plain("of.download.stem", lang)
    c1, c2 = st.columns(2)
    c1.download_button(
        t("of.download.csv", lang), offers_csv(offers, lang), f"{stem}.csv", "text/csv"
    )
    c2.download_button(
        t("of.download.geojson", lang),
        json.dumps(offers_geojson(offers, lang), ensure_ascii=False),
        f"{stem}.geojson",
        "application/geo+json",
    )
