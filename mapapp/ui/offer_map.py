"""The offer search map: the tiles and funding toggles, the map of the shown offers, clicks back."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.offers import NearestOffer, SearchPoint
from mapapp.config import PROGRAMME_YEARS
from mapapp.io.datasets import DataVersion
from mapapp.offers_model import Offer
from mapapp.render.assets import localize_assets
from mapapp.render.offers import MAP_NEARBY_ABOVE, offers_search_map
from mapapp.ui import cached
from mapapp.ui.map_tiles import tiles_toggle
from mapapp.ui.streamlit_texts import map_container
from mapapp.ui.texts import plain, t

MAP_KEY = "angebote_map"


def offer_map(
    version: DataVersion,
    shown: list[Offer],
    point: SearchPoint | None,
    hits: list[NearestOffer],
    lang: str,
) -> dict[str, Any] | None:
    """Toggles (``of_tiles``, ``of_funding``), hints and the map; what st_folium returns (the
    last click)."""
    tiles = tiles_toggle(lang, key="of_tiles")
    funding = st.toggle(t("of.layer.funding", lang), value=False, key="of_funding")
    b = cached.boundaries(version)
    units = None
    if funding:
        info = cached.current_registry_info()
        units = cached.units_for_years(version, info, PROGRAMME_YEARS, False)
    fmap = offers_search_map(
        shown,
        point=(point.lat, point.lon) if point else None,
        hits=[h.offer for h in hits],
        gemeinden=b.gemeinden,
        attribution=plain("attr.offers_map", lang, bkg=plain("attr.bkg", lang, year=b.year)),
        tiles=tiles,
        funding_units=units,
        lang=lang,
        place=(point.name or point.label) if point else "",
    )
    localize_assets(fmap)
    st.caption(t("of.search.hint", lang))
    if point is not None and len(shown) > MAP_NEARBY_ABOVE:
        st.caption(t("of.map.nearby", lang))
    with map_container("angebote"):  # the iframe's title: "Karte: Angebote"
        return st_folium(
            fmap,
            key=MAP_KEY,
            height=560,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
