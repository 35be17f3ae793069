""" "Meinen Standort verwenden": the browser's geolocation as the searched place.

A click on the button asks the browser (``navigator.geolocation`` through the maintained
``streamlit-js-eval`` component; Streamlit's component iframes may use geolocation). The answer
arrives one rerun later: a point in NRW becomes the search (``ort=lat,lon``, as a map click does);
a point outside NRW, a refusal, no fix in time or a browser without geolocation each get one
clear sentence, and the text search stays as it was. Browsers share the location only with a
secure page (``https://`` or ``localhost``); elsewhere they refuse it like a user would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from streamlit_js_eval import streamlit_js_eval

from mapapp.io.offer_placing import GeoContext
from mapapp.model import DataError
from mapapp.services.offers import resolve_search
from mapapp.ui.offer_search import search_at
from mapapp.ui.texts import isolate, t

#: Session key: the number of the location request still waiting for the browser's answer.
PENDING_KEY = "of_geo_pending"
#: Session key: how many requests this session made (each gets a fresh component).
COUNT_KEY = "of_geo_count"
#: Key of the (hidden) container that holds the component's iframe.
BOX_KEY = "of_geo_box"
#: Asks the browser once; always resolves (a position or the error's code; 0 = no geolocation).
#: Browsers wait for the user's answer to their question before the timeout starts.
_LOCATE_JS = """new Promise((resolve) => {
  if (!navigator.geolocation) { resolve({error: 0}); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve({lat: p.coords.latitude, lon: p.coords.longitude}),
    (e) => resolve({error: e.code}),
    {enableHighAccuracy: false, timeout: 20000, maximumAge: 300000});
})"""
#: The component's iframe shows nothing; it takes no room.
_CSS = f"<style>.st-key-{BOX_KEY} {{display: none}}</style>"
#: GeolocationPositionError codes → catalogue keys (1 refused, 2 unavailable, 3 timeout).
_ERRORS = {
    0: "of.geo.unsupported",
    1: "of.geo.denied",
    2: "of.geo.unavailable",
    3: "of.geo.unavailable",
}


@dataclass(frozen=True)
class Position:
    """What the browser answered: a point (``lat``, ``lon``) or an error code."""

    lat: float | None = None
    lon: float | None = None
    error: int | None = None


def read_answer(value: Any) -> Position:
    """The component's value as a :class:`Position`; anything unexpected is "unavailable"."""
    if isinstance(value, dict):
        lat, lon = value.get("lat"), value.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            return Position(lat=float(lat), lon=float(lon))
        code = value.get("error")
        if isinstance(code, int) and code in _ERRORS:
            return Position(error=code)
    return Position(error=2)


def locate_button(ctx: GeoContext, lang: str) -> None:
    """The button and the pending request (its component, a waiting line, then the point as
    the search (:func:`search_at`, reruns) or one sentence why not; the sentence stays until
    the next interaction)."""
    if st.button(t("of.geo.button", lang), icon=":material/my_location:", key="of_geo_button"):
        count = int(st.session_state.get(COUNT_KEY, 0)) + 1
        st.session_state[COUNT_KEY] = count
        st.session_state[PENDING_KEY] = count
    pending = st.session_state.get(PENDING_KEY)
    if pending is not None:
        _ask_browser(int(pending), ctx, lang)


def _ask_browser(number: int, ctx: GeoContext, lang: str) -> None:
    st.html(_CSS)
    with st.container(key=BOX_KEY):
        value = streamlit_js_eval(js_expressions=_LOCATE_JS, key=f"of_geo_{number}")
    if value is None:  # the browser has not answered yet
        st.caption(t("of.geo.waiting", lang))
        return
    del st.session_state[PENDING_KEY]
    pos = read_answer(value)
    if pos.lat is None or pos.lon is None:
        st.warning(t(_ERRORS[pos.error if pos.error is not None else 2], lang))
        return
    try:  # the same NRW check as a typed "lat,lon"
        resolve_search(f"{pos.lat:.5f},{pos.lon:.5f}", ctx)
    except DataError:
        point = isolate(f"{pos.lat:.5f}, {pos.lon:.5f}", lang)
        st.warning(t("of.geo.outside", lang, point=point))
        return
    search_at(pos.lat, pos.lon)
