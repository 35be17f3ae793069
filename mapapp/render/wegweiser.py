"""The printable "Wegweiser": one A4 page (PDF) for a place, in any of the six languages.

What is on it: the offices responsible for the place (Ausländerbehörde, Kommunales
Integrationszentrum), the nearest offers (name, category, address, phone, the usual weekly
opening hours in the sheet's language, the distance only where the offer has a location), a small map (:mod:`mapapp.render.wegweiser_map`)
and a QR code per offer that opens its card on the Angebote page.

The page is HTML laid out by WeasyPrint (Pango shapes the text: Arabic is joined and written right
to left, ``<html lang="ar" dir="rtl">``). The template ``templates/wegweiser.html`` is rendered
with Jinja2 autoescaping: every text that comes from data (names, addresses, phones) is escaped
and shown literally; nothing is ever marked safe. WeasyPrint may load ``data:`` URIs only (the map
and QR images), never a file or a network address.

Input is the small :class:`WegweiserContent` record (assembled by
:mod:`mapapp.services.wegweiser`); this module reads no files or settings.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import geopandas as gpd
import jinja2
import segno

from mapapp.model import OfferCategory
from mapapp.offers_model import Offer, Precision
from mapapp.render.wegweiser_map import wegweiser_map_png
from mapapp.text import date as format_date
from mapapp.text import direction, label, number, t
from mapapp.text.opening_hours import weekly_schedule

#: Offers the sheet starts with; fewer are shown when they do not fit on one page.
MAX_ENTRIES = 8
#: Never fewer offers than this just to fit the page (a longer sheet says how many pages it has).
MIN_ENTRIES = 2


@dataclass(frozen=True)
class Office:
    """An office responsible for the searched place (the offers service's "Zuständig für Ihren
    Wohnort" lookup), with its texts already in the sheet's language.

    ``label`` says whom it serves ("zuständig für Kerpen"); ``note`` replaces the address when the
    data hold none ("Adresse nicht erfasst").
    """

    category: OfferCategory
    name: str
    label: str
    address: str = ""
    phone: str | None = None
    opening_hours: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Entry:
    """One nearby offer on the sheet: its distance (``None`` = no location, never a distance),
    the deep link its QR code opens, and the Kreis name for an offer located only by its Kreis.
    ``same_gemeinde``: the offer stands only at the centre of the searched place's own Gemeinde,
    so no distance is printed (:func:`mapapp.analysis.offers.shown_distance_m`)."""

    offer: Offer
    distance_m: float | None
    link: str
    kreis_name: str = ""
    same_gemeinde: bool = False


@dataclass(frozen=True)
class WegweiserContent:
    """Everything on one Wegweiser (see the module docstring).

    ``here`` is the searched place (WGS84 ``lon, lat``); ``gemeinden`` the Gemeinde boundaries
    the map draws (``None``: the sheet has no map), credited on the map with
    ``map_attribution``; ``sources`` is the attribution line of the offers; ``more_link`` opens
    the whole search online (named when not every offer fits on the page).
    """

    place: str
    lang: str
    here: tuple[float, float]
    offices: tuple[Office, ...]
    entries: tuple[Entry, ...]
    sources: str
    stand: date
    gemeinden: gpd.GeoDataFrame | None = None
    map_attribution: str = ""
    more_link: str | None = None


@dataclass(frozen=True)
class WegweiserPdf:
    """The PDF bytes, its page count and how many of the offers are on it."""

    data: bytes
    pages: int
    shown: int
    total: int


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------


def text_direction(text: str) -> str:
    """``"rtl"`` if the first strong letter of ``text`` is right-to-left (Arabic, Hebrew), else
    ``"ltr"``: the direction of a data value (a name, an address) on its own."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mapapp.render", "templates"),
        autoescape=True,  # every value is data (html.escape), in text and in attributes
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["bidi"] = text_direction
    return env.get_template("wegweiser.html")


def qr_data_uri(link: str) -> str:
    """A QR code of ``link`` as a PNG ``data:`` URI (error correction M, 4-module quiet zone)."""
    return str(segno.make(link, error="m", micro=False).png_data_uri(scale=6, border=4))


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _office(o: Office, lang: str, stand: date) -> dict[str, Any]:
    return {
        "name": o.name,
        "category": label("category", o.category, lang),
        "responsible_for": o.label,
        "address": o.address,
        "phone": o.phone or "",
        "hours": weekly_schedule(o.opening_hours, stand, lang),
        "note": o.note,
    }


def _where(e: Entry, lang: str) -> str:
    if e.distance_m is None:
        return t("of.kreis_unlocated", lang, kreis=e.kreis_name or e.offer.kreis_ags or "")
    if e.same_gemeinde:
        return t("of.same_gemeinde", lang, gemeinde=e.offer.city or "")
    return t("of.distance", lang, km=number(e.distance_m / 1000, lang, 1))


def _entry(i: int, e: Entry, lang: str, stand: date) -> dict[str, Any]:
    o = e.offer
    approximate = e.distance_m is not None and o.precision is not Precision.ADDRESS
    return {
        "number": i,
        "name": o.name,
        "category": label("category", o.category, lang),
        "where": _where(e, lang),
        "address": o.address,
        "phone": o.phone or "",
        "hours": weekly_schedule(o.opening_hours, stand, lang),
        "note": t("offer.location", lang, precision=label("precision", o.precision, lang))
        if approximate
        else "",
        "source": ", ".join(x for x in (o.source, o.source_date) if x),
        "link": e.link,
        "qr_src": qr_data_uri(e.link),
    }


def _map_src(content: WegweiserContent, entries: Sequence[Entry]) -> str:
    """The map of the searched place and the located ``entries`` (numbered as in the list)."""
    if content.gemeinden is None or content.gemeinden.empty:
        return ""
    points = [
        (i, e.offer.lonlat[0], e.offer.lonlat[1])
        for i, e in enumerate(entries, start=1)
        if e.distance_m is not None and e.offer.lonlat is not None
    ]
    png = wegweiser_map_png(
        content.gemeinden, content.here, points, attribution=content.map_attribution
    )
    return png_data_uri(png)


def wegweiser_html(content: WegweiserContent, shown: int | None = None) -> str:
    """The sheet as HTML with the first ``shown`` offers (all by default)."""
    lang = content.lang
    entries: Sequence[Entry] = content.entries[:shown] if shown is not None else content.entries
    left = len(content.entries) - len(entries)
    more = ""
    if left > 0:
        more = t("ww.more", lang, n=left, url=content.more_link or "")
    return _template().render(
        lang=lang,
        dir=direction(lang),
        title=t("ww.title", lang, place=content.place),
        intro=t("ww.intro", lang, date=format_date(content.stand, lang)),
        responsible_heading=t("of.resp.title", lang),
        offices=[_office(o, lang, content.stand) for o in content.offices],
        offices_none=t("ww.offices.none", lang),
        address_label=t("of.card.address", lang),
        phone_label=t("of.card.phone", lang),
        hours_label=t("of.card.hours", lang),
        source_label=t("of.card.source", lang),
        map_src=_map_src(content, entries),
        map_alt=t("ww.map.alt", lang, place=content.place),
        map_caption=t("ww.map.caption", lang),
        nearest_heading=t("ww.nearest", lang),
        nearest_none=t("of.results.none", lang),
        items=[_entry(i, e, lang, content.stand) for i, e in enumerate(entries, start=1)],
        qr_alt=t("ww.qr.alt", lang),
        qr_hint=t("ww.qr.hint", lang),
        more=more,
        sources=t("ww.sources", lang, sources=content.sources),
    )


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _document(html: str) -> Any:
    # WeasyPrint (and Pango) load on first use: only the Wegweiser needs them.
    import weasyprint

    fetcher = weasyprint.URLFetcher(allowed_protocols=("data",))  # images inline only
    return weasyprint.HTML(string=html, url_fetcher=fetcher).render()


def wegweiser_pdf(content: WegweiserContent) -> WegweiserPdf:
    """The sheet as PDF: as many of the offers (up to :data:`MAX_ENTRIES`) as fit on one A4 page,
    never fewer than :data:`MIN_ENTRIES`; then the PDF says how many pages it has.

    Raises
    ------
    OSError
        WeasyPrint cannot load Pango (the Debian libraries are missing).
    """
    total = len(content.entries)
    shown = min(total, MAX_ENTRIES)
    doc = _document(wegweiser_html(content, shown))
    while len(doc.pages) > 1 and shown > min(MIN_ENTRIES, total):
        shown -= 1
        doc = _document(wegweiser_html(content, shown))
    data = doc.write_pdf()  # title and language from <title> and <html lang>
    return WegweiserPdf(data=bytes(data), pages=len(doc.pages), shown=shown, total=total)


__all__ = [
    "MAX_ENTRIES",
    "MIN_ENTRIES",
    "Entry",
    "Office",
    "WegweiserContent",
    "WegweiserPdf",
    "png_data_uri",
    "qr_data_uri",
    "text_direction",
    "wegweiser_html",
    "wegweiser_pdf",
]
