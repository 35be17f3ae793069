""" "Zuständig für Ihren Wohnort": the offices responsible for the searched place, shown above the
list of nearest offers (the Ausländerbehörde and the Kommunales Integrationszentrum; one cannot
choose another, so they are not in that list)."""

from __future__ import annotations

import streamlit as st

from mapapp.analysis.offers import OfferIndex, SearchPoint
from mapapp.analysis.responsibility import Responsible
from mapapp.io.offers import GeoContext
from mapapp.model import is_http_url
from mapapp.offers_model import Precision
from mapapp.services.offers import responsible_for
from mapapp.text import label
from mapapp.ui import cached
from mapapp.ui.markdown import md
from mapapp.ui.texts import t

#: Offline data that found the searched place: (catalogue key of the line, of the credit). The
#: credits are :data:`mapapp.config.ATTRIBUTION_PLZ` / ``ATTRIBUTION_OSM_DATA`` in the visitor's
#: language (ODbL asks for the credit, not for its German wording).
_CREDITS = {
    "plz": ("of.plz.source", "of.plz.credit"),
    "osm": ("of.osm.source", "of.osm.credit"),
}

#: Key of the section's container (CSS class ``st-key-offer-responsible`` for tests).
SECTION_KEY = "offer-responsible"


def offer_responsible(
    point: SearchPoint | None, ctx: GeoContext, index: OfferIndex, lang: str
) -> None:
    """The section for ``point`` (nothing before a place is searched)."""
    if point is None:
        return
    status = cached.status(str(cached.settings().reference_dir))
    found = responsible_for(point, ctx, status, index.offers, lang)
    with st.container(key=SECTION_KEY):
        st.header(t("of.resp.title", lang))
        if not found:
            st.caption(t("of.resp.unknown", lang))
        else:
            st.caption(t("of.resp.intro", lang))
            for i, office in enumerate(found):
                _office_card(i, office, lang)
        credit = _CREDITS.get(point.source)
        if credit is not None:  # the searched place was found in offline data that asks credit
            st.caption(t(credit[0], lang, source=t(credit[1], lang)))


def _office_card(i: int, r: Responsible, lang: str) -> None:
    """Name, category and "zuständig für …"; the address or "Adresse nicht erfasst"; phone and
    web when known; how exact the location is when it is only approximate."""
    with st.container(border=True, key=f"{SECTION_KEY}-{i}"):
        st.markdown(
            f"**{md(r.name)}**  \n{md(label('category', r.category, lang))} · {md(r.label)}"
        )
        o = r.offer
        if r.address:
            st.markdown(f"**{t('of.card.address', lang)}:** {md(r.address)}")
        else:
            st.markdown(f"_{md(r.address_note)}_")
        if o is not None and o.located and o.precision is not Precision.ADDRESS:
            st.caption(t("offer.location", lang, precision=label("precision", o.precision, lang)))
        if o is not None and o.phone:
            st.markdown(f"**{t('of.card.phone', lang)}:** {md(o.phone)}")
        if o is not None and o.website and is_http_url(o.website):
            st.link_button(t("of.card.web", lang), o.website)
