"""The background-map switch of every map page: OpenStreetMap tiles, off by default.

Offline (a presentation laptop) the tiles cannot load, so the maps start without them and make
no tile request at all; a user who wants them switches them on, and the choice is kept in the
URL (``hintergrund=osm``, like the Förderkarte's ``jahre``), so it survives a reload and travels
with a shared link.
"""

from __future__ import annotations

import streamlit as st

from mapapp.ui import state
from mapapp.ui.texts import t

#: URL parameter and its value while the tiles are on (absent: off).
TILES_PARAM = "hintergrund"
TILES_ON = "osm"


def tiles_wanted() -> bool:
    """Whether the URL asks for the background tiles."""
    return st.query_params.get(TILES_PARAM) == TILES_ON


def tiles_toggle(lang: str, *, key: str) -> bool:
    """The switch (off unless the URL says ``hintergrund=osm``); writes the choice to the URL."""
    tiles = bool(st.toggle(t("map.tiles.toggle", lang), value=tiles_wanted(), key=key))
    state.set_query(TILES_PARAM, TILES_ON if tiles else None)
    return tiles
