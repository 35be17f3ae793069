"""Where a person lives, found offline: an address of the OpenStreetMap extract, a PLZ area, a
named place (suburb, village) of the extract (:func:`offline_point`).

Used by :func:`mapapp.services.offers.resolve_search` between the Gemeinde names of GV-ISys and
the optional online geocoder. Every answer carries the Gemeinde that contains its point (point in
polygon), its precision and which offline data found it (``source``: ``"plz"`` or ``"osm"``, so
pages can credit it).
"""

from __future__ import annotations

import re

from mapapp.analysis.offers import SearchPoint
from mapapp.ingest.offers_values import split_address
from mapapp.io.offer_placing import GeoContext
from mapapp.io.osm_gazetteer import OsmHit, split_street
from mapapp.offers_model import Precision
from mapapp.projection import to_metric

_PLZ = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def _ags(lon: float, lat: float, ctx: GeoContext) -> str | None:
    x, y = to_metric([lon], [lat])
    return ctx.locator.ags_at(x, y)[0]


def _address_parts(text: str) -> tuple[str, str, str | None, str | None] | None:
    """``(street, number, plz, town)`` of ``"Kortumstraße 12, 44787 Bochum"`` (also without the
    comma, or ``"Straße 1, Ort"``); ``None`` when the text names no street with a number."""
    street_part, plz, town = split_address(text)
    if plz is None and "," in text:
        street_part, town = (p.strip() for p in text.split(",", 1))
    if not street_part:
        return None
    street, number = split_street(street_part.strip(" ,"))
    if number is None or not street or street.isdigit():
        return None
    return street, number, plz, (town or "").strip(" ,") or None


def _from_osm(hit: OsmHit, ctx: GeoContext) -> SearchPoint | None:
    ags = _ags(hit.lon, hit.lat, ctx)
    if ags is None:  # outside NRW
        return None
    return SearchPoint(
        lon=hit.lon,
        lat=hit.lat,
        label=hit.label,
        approximate=hit.precision is not Precision.ADDRESS,
        ags=ags,
        name=hit.label,
        precision=hit.precision,
        source="osm",
    )


def osm_address(text: str, ctx: GeoContext) -> SearchPoint | None:
    """A street address of the OpenStreetMap extract (house, else the street's middle)."""
    parts = _address_parts(text)
    if ctx.osm is None or parts is None:
        return None
    street, number, plz, town = parts
    hit = ctx.osm.address(street, number, plz, town)
    return _from_osm(hit, ctx) if hit is not None else None


def plz_area(text: str, ctx: GeoContext) -> SearchPoint | None:
    """The centre of the NRW postcode area named in ``text`` (``"44801"``, ``"44801 Bochum"``,
    an address with a PLZ)."""
    if ctx.plz is None:
        return None
    for code in _PLZ.findall(text):
        area = ctx.plz.get(code)
        if area is None:
            continue
        place = ctx.gazetteer.by_ags(area.ags)
        town = place.short_name if place is not None else ""
        label = f"{area.plz} {town}".strip()
        return SearchPoint(
            lon=area.lon,
            lat=area.lat,
            label=label,
            approximate=True,
            ags=area.ags,
            name=label,
            precision=Precision.PLZ_AREA,
            source="plz",
        )
    return None


def osm_place(text: str, ctx: GeoContext) -> SearchPoint | None:
    """A place of the extract by its name (``"Querenburg"``), also written with its town
    (``"Bochum-Querenburg"``, ``"Querenburg, Bochum"``): the hit in that town wins; without a
    town only a single hit counts."""
    if ctx.osm is None:
        return None
    tries: list[tuple[str, str | None]] = [(text, None)]
    for sep in (",", "-", " "):
        if sep in text:
            head, tail = (p.strip() for p in text.split(sep, 1))
            tries += [(tail, head), (head, tail)]
    for name, town in tries:
        hits = [p for p in (_from_osm(h, ctx) for h in ctx.osm.places(name)) if p is not None]
        if town:
            named = {p.ags for p in ctx.gazetteer.by_name(town)}
            hits = [h for h in hits if h.ags in named]
        if len({(h.lon, h.lat) for h in hits}) == 1 or (town and hits):
            found = hits[0]
            return SearchPoint(
                lon=found.lon,
                lat=found.lat,
                label=text,
                approximate=True,
                ags=found.ags,
                name=text,
                precision=Precision.PLACE,
                source="osm",
            )
    return None


def offline_point(text: str, ctx: GeoContext) -> SearchPoint | None:
    """The most precise offline answer for an address or a PLZ: the house (or street) in the
    OpenStreetMap extract, else the PLZ area. Names of places: :func:`osm_place`."""
    return osm_address(text, ctx) or plz_area(text, ctx)


__all__ = ["offline_point", "osm_address", "osm_place", "plz_area"]
