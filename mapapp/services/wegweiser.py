"""The printable Wegweiser for a place: put its content together and render it (page and CLI).

The Angebote page ("Wegweiser als PDF") and ``mapapp offers wegweiser`` both call
:func:`wegweiser_for_point`, so the sheet is the same wherever it is made:

- the offices responsible for the place come from :func:`mapapp.services.offers.responsible_for`
  (this module has no responsibility rules of its own);
- the nearest offers are the search's (:meth:`~mapapp.analysis.offers.OfferIndex.nearest`,
  offices with a territory left out, offers of the place's Kreis without a location after the
  measured ones, without a distance);
- each offer's QR code opens its card: the Angebote page searched at the offer's own point
  (``ort=lat,lon``) for its category, one result (``n=1``), in the sheet's language -- an offer
  without a location is searched by the place's name instead (its card follows the measured one);
- the address of the app is ``Settings.public_url`` (``MAPAPP_PUBLIC_URL``, default
  ``http://localhost:8501``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

import geopandas as gpd
import pandas as pd

from mapapp.analysis.offers import (
    NearestOffer,
    OfferFilter,
    OfferIndex,
    SearchPoint,
    shown_distance_m,
)
from mapapp.analysis.responsibility import (
    TERRITORIAL,
    Responsible,
    Unit,
    kreis_display_name,
    units_from_records,
)
from mapapp.config import Settings, bkg_attribution
from mapapp.io.datasets import WEB_SIMPLIFY_M, load_boundaries, load_status
from mapapp.io.offers import GeoContext
from mapapp.io.offers_export import offers_attribution
from mapapp.model import DataError, DataMissingError, check_http_url
from mapapp.offers_model import Offer
from mapapp.render.wegweiser import (
    MAX_ENTRIES,
    Entry,
    Office,
    WegweiserContent,
    WegweiserPdf,
    wegweiser_pdf,
)
from mapapp.services.offers import (
    build_index,
    geo_context,
    open_store,
    resolve_search,
    responsible_for,
    search_kreis,
)
from mapapp.text import DEFAULT_LANG, t

#: Path of the Angebote page under the app's address (``st.Page(url_path=...)``).
PAGE_PATH = "/angebote"


@dataclass(frozen=True)
class WegweiserData:
    """What a Wegweiser is made from, loaded once (the page passes its cached copies).

    ``gemeinden`` (boundaries for the map) may be ``None``: the sheet then has no map.
    """

    ctx: GeoContext
    index: OfferIndex
    status: pd.DataFrame
    gemeinden: gpd.GeoDataFrame | None = None
    bkg_year: int | None = None


def load_data(settings: Settings) -> WegweiserData:
    """The offers, status table and (when present) the web-simplified boundaries, offline."""
    ctx = geo_context(settings, online=False)
    index = build_index(open_store(settings, ctx))
    try:
        boundaries = load_boundaries(settings, simplify_m=WEB_SIMPLIFY_M)
    except (DataError, DataMissingError, FileNotFoundError):
        gemeinden, year = None, None
    else:
        gemeinden, year = boundaries.gemeinden, boundaries.year or None
    return WegweiserData(ctx, index, load_status(settings), gemeinden, year)


# --------------------------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------------------------


def public_url(settings: Settings) -> str:
    """The app's address for links on paper, without a trailing ``/``.

    Raises
    ------
    DataError
        ``MAPAPP_PUBLIC_URL`` is not an ``http(s)`` address.
    """
    try:
        url = check_http_url(settings.public_url)
    except ValueError as exc:
        raise DataError(
            f"MAPAPP_PUBLIC_URL '{settings.public_url}' ist keine http(s)-Adresse: {exc}",
            field="public_url",
        ) from exc
    return url.rstrip("/")


def _page_link(base_url: str, params: Mapping[str, str], lang: str) -> str:
    query = dict(params)
    if lang != DEFAULT_LANG:
        query["lang"] = lang
    return f"{base_url}{PAGE_PATH}?{urlencode(query)}"


def card_link(base_url: str, offer: Offer, place: str, lang: str = DEFAULT_LANG) -> str:
    """The deep link that shows ``offer``'s card on the Angebote page (module docstring)."""
    where = f"{offer.lat:.5f},{offer.lon:.5f}" if offer.lonlat is not None else place
    return _page_link(base_url, {"ort": where, "kat": str(offer.category), "n": "1"}, lang)


def search_link(base_url: str, place: str, lang: str = DEFAULT_LANG) -> str:
    """The Angebote page searched for ``place``."""
    return _page_link(base_url, {"ort": place}, lang)


# --------------------------------------------------------------------------------------------
# Content
# --------------------------------------------------------------------------------------------


def _office(r: Responsible) -> Office:
    o = r.offer
    return Office(
        category=r.category,
        name=r.name,
        label=r.label,
        address=r.address or "",
        phone=o.phone if o is not None else None,
        opening_hours=o.opening_hours if o is not None else None,
        note=r.address_note,
    )


def _kreis_names(units: Mapping[str, Unit]) -> dict[str, str]:
    """Kreis AGS (5 digits) -> display name; a kreisfreie Stadt by its Gemeinde row."""
    names = {u.kreis_ags: kreis_display_name(u) for u in units.values() if u.level == "gemeinde"}
    names.update({a: kreis_display_name(u) for a, u in units.items() if len(a) == 5})
    return names


def nearest_for_sheet(
    point: SearchPoint, data: WegweiserData, flt: OfferFilter | None = None
) -> list[NearestOffer]:
    """The offers the sheet lists: as the page's search, offices with a territory left out."""
    return data.index.nearest(
        point.lon,
        point.lat,
        limit=MAX_ENTRIES,
        flt=flt,
        kreis_ags=search_kreis(point, data.ctx),
        exclude=TERRITORIAL,
    )


def wegweiser_content(
    point: SearchPoint,
    place: str,
    data: WegweiserData,
    lang: str = DEFAULT_LANG,
    *,
    base_url: str,
    flt: OfferFilter | None = None,
    stand: date | None = None,
) -> WegweiserContent:
    """Everything on the sheet for the searched ``point`` (``place`` = what was searched, for
    the links and the title)."""
    hits = nearest_for_sheet(point, data, flt)
    offices = responsible_for(point, data.ctx, data.status, data.index.offers, lang)
    kreise = _kreis_names(units_from_records(data.status.to_dict("records")))
    entries = tuple(
        Entry(
            offer=h.offer,
            distance_m=h.distance_m,
            link=card_link(base_url, h.offer, place, lang),
            kreis_name=kreise.get(h.offer.kreis_ags or "", h.offer.kreis_ags or ""),
            same_gemeinde=h.distance_m is not None and shown_distance_m(h, point.ags) is None,
        )
        for h in hits
    )
    shown = [h.offer for h in hits] + [r.offer for r in offices if r.offer is not None]
    sources = offers_attribution(
        shown,
        data.bkg_year,
        bkg_modified=True,
        text=lambda key, **params: t(key, lang, **params),
        source_field=t("of.card.source", lang),
    )
    year = data.bkg_year
    return WegweiserContent(
        place=point.name or place,
        lang=lang,
        here=(point.lon, point.lat),
        offices=tuple(_office(r) for r in offices),
        entries=entries,
        sources=sources,
        stand=stand or date.today(),
        gemeinden=data.gemeinden,
        # the licensor's wording as it prescribes it (the map image does not shape Arabic)
        map_attribution=bkg_attribution(year) if year else t("attr.bkg.plain", lang),
        more_link=search_link(base_url, place, lang),
    )


def wegweiser_for_point(
    point: SearchPoint,
    place: str,
    data: WegweiserData,
    lang: str = DEFAULT_LANG,
    *,
    base_url: str,
    flt: OfferFilter | None = None,
) -> WegweiserPdf:
    """The Wegweiser of a searched point as PDF (:func:`mapapp.render.wegweiser.wegweiser_pdf`).

    Raises
    ------
    OSError
        WeasyPrint cannot load Pango (Debian's ``libpango-1.0-0`` is missing).
    """
    content = wegweiser_content(point, place, data, lang, base_url=base_url, flt=flt)
    return wegweiser_pdf(content)


def wegweiser(
    settings: Settings,
    place: str,
    lang: str = DEFAULT_LANG,
    *,
    flt: OfferFilter | None = None,
) -> tuple[SearchPoint, WegweiserPdf]:
    """``mapapp offers wegweiser``: resolve ``place`` (offline gazetteer, or the geocoder when
    configured) and make its Wegweiser.

    Raises
    ------
    DataError
        The place is not found, or ``MAPAPP_PUBLIC_URL`` is no http(s) address.
    """
    base_url = public_url(settings)
    data = load_data(settings)
    point = resolve_search(place, geo_context(settings))
    return point, wegweiser_for_point(point, place, data, lang, base_url=base_url, flt=flt)


__all__ = [
    "PAGE_PATH",
    "WegweiserData",
    "card_link",
    "load_data",
    "nearest_for_sheet",
    "public_url",
    "search_link",
    "wegweiser",
    "wegweiser_content",
    "wegweiser_for_point",
]
