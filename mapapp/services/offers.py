"""User tasks around offers: load them, search near a place, import a file.

The page "Angebote finden", the Datenpflege page (through :mod:`mapapp.ui.cached`) and
``mapapp offers`` call these functions, so they load, search and import the same way.

- :func:`open_store` – the one offer store, seeded with the bundled offers on first use (the only
  seeding path);
- :func:`geo_context` – gazetteer, NRW locator and (when configured) the online geocoder;
- :func:`store_key` / :func:`load_offers` / :func:`build_index` – the offers and their search
  index (no cache here: the app caches per :func:`store_key` in ``ui/cached.py``, the CLI runs once);
- :func:`resolve_search` / :func:`search_near` – "nearest offers to this place" (offices with a
  territory left out: they are not alternatives);
- :func:`responsible` / :func:`responsible_for` – "Zuständig für Ihren Wohnort": the
  Ausländerbehörde and the Kommunales Integrationszentrum responsible for the searched place's
  Gemeinde (also the base of the printable guide);
- :func:`import_offers` – read an offer file and store the accepted rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from mapapp.analysis.offers import (
    NearestOffer,
    OfferFilter,
    OfferIndex,
    SearchPoint,
    check_search_text,
    looks_like_address,
    parse_latlon,
    search_candidates,
)
from mapapp.analysis.responsibility import (
    TERRITORIAL,
    Responsible,
    responsible_offices,
    units_from_records,
)
from mapapp.config import Settings
from mapapp.ingest.report import ImportReport
from mapapp.io.datasets import load_status
from mapapp.io.gazetteer import Place
from mapapp.io.geocode import GeocoderError, parse_hits
from mapapp.io.offers import (
    DEFAULT_MAX_BYTES,
    GeoContext,
    ImportResult,
    bundle_version,
    bundled_offers,
    load_geo_context,
    parse_offers,
)
from mapapp.model import DataError
from mapapp.offers_model import Offer, Precision
from mapapp.projection import to_metric
from mapapp.services import place_search
from mapapp.services.editing import scope_reason
from mapapp.services.offers_spatial import nearest_hits
from mapapp.store import OfferStore, ensure_seeded, open_offer_store
from mapapp.store.accounts import Account
from mapapp.store.base import SYSTEM_ACTOR
from mapapp.text import DEFAULT_LANG, t

# --------------------------------------------------------------------------------------------
# Load the offers
# --------------------------------------------------------------------------------------------


def geo_context(settings: Settings, *, online: bool = True) -> GeoContext:
    """Gazetteer, NRW locator and the online geocoder (only when configured and ``online``)."""
    return load_geo_context(settings, online=online)


def open_store(settings: Settings, ctx: GeoContext | None = None) -> OfferStore:
    """The offer store; on first use it is seeded with :func:`mapapp.io.offers.bundled_offers`,
    and its bundled offers are replaced when the bundle changed
    (:func:`mapapp.io.offers.bundle_version`: new reference files, rules, PLZ centres or
    OpenStreetMap extract); imported offers are never touched.

    ``ctx`` only saves loading the geo context a second time when seeding.

    Raises
    ------
    mapapp.model.DataMissingError
        First use and the GV-ISys/boundary files are missing (seeding needs them).
    """
    store = open_offer_store(settings)
    ensure_seeded(store, lambda: bundled_offers(settings, ctx).offers, bundle_version(settings))
    return store


def store_key(settings: Settings) -> tuple[str, str]:
    """(location, data version) of the seeded store: changes with every write (a cache key)."""
    store = open_store(settings)
    return store.location, store.data_version()


def load_offers(settings: Settings) -> list[Offer]:
    """Every offer of the seeded store."""
    return list(open_store(settings).all())


def build_index(store: OfferStore) -> OfferIndex:
    """The search index of the store's current offers (tagged with its data version)."""
    version = store.data_version()
    return OfferIndex(store.all(), version=version)


# --------------------------------------------------------------------------------------------
# Search near a place
# --------------------------------------------------------------------------------------------


def _from_place(place: Place) -> SearchPoint:
    return SearchPoint(
        lon=float(place.lon),
        lat=float(place.lat),
        label=f"{place.short_name} (Gemeindezentrum)",
        approximate=True,
        ags=str(place.ags),
        name=str(place.short_name),
        precision=Precision.GEMEINDE_CENTRE,
    )


def _in_nrw(lon: float, lat: float, ctx: GeoContext) -> bool:
    """Whether a WGS84 point lies in NRW (the Land polygon plus the locator's tolerance band)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return False
    x, y = to_metric([lon], [lat])
    return bool(ctx.locator.in_nrw(x, y)[0])


def _online(text: str, ctx: GeoContext) -> SearchPoint | None:
    if ctx.geocoder is None:
        return None
    try:
        hits = ctx.geocoder.search({"q": text, "countrycodes": "de"})
    except GeocoderError:
        return None
    for hit in parse_hits(hits, ctx.geocoder.service):
        if not _in_nrw(hit.lon, hit.lat, ctx):
            continue
        label = (hit.label or text)[:120]
        return SearchPoint(lon=hit.lon, lat=hit.lat, label=label, approximate=False, name=label)
    return None


def _point(text: str, lat: float, lon: float, ctx: GeoContext) -> SearchPoint:
    if not _in_nrw(lon, lat, ctx):
        hint = " (Breite und Länge vertauscht?)" if _in_nrw(lat, lon, ctx) else ""
        raise DataError(
            f"{text} liegt außerhalb von NRW{hint} – bitte einen Punkt 'Breite,Länge' in NRW "
            "angeben, z. B. 51.96,7.63",
            field="place",
        )
    label = f"{lat:.5f}, {lon:.5f}"
    return SearchPoint(lon=lon, lat=lat, label=f"Punkt {label}", approximate=False, name=label)


def resolve_search(text: str, ctx: GeoContext) -> SearchPoint:
    """Turn ``"Münster"``, ``"48143"``, ``"Klemensstraße 10, 48143 Münster"`` or ``"51.96,7.63"``
    into a point.

    Order: ``lat,lon`` → the house in the OpenStreetMap extract (when there is one) → the
    online geocoder when configured (an address anywhere in NRW) → the street in the extract or
    the PLZ area (every NRW PLZ, offline centres) → the Gemeinde (GV-ISys name or seat PLZ, also
    inside an address) → a place name of the extract (``"Bochum-Querenburg"``) → the online
    geocoder for names. Offline results other than a house are approximate (``precision`` says
    how: street, PLZ-Gebiet, Gemeindezentrum, Ortsteil).

    Raises
    ------
    DataError
        Nothing found (``field="place"``), with the gazetteer's suggestion when there is one, or a
        ``lat,lon`` point outside NRW (the Land polygon plus the locator's tolerance band, 500 m
        with VG250 boundaries): "0,0 liegt außerhalb von NRW …".
    """
    text = check_search_text(text)
    latlon = parse_latlon(text)
    if latlon is not None:
        return _point(text, latlon[0], latlon[1], ctx)
    is_address = looks_like_address(text)
    house = place_search.osm_address(text, ctx) if is_address else None
    if house is not None and not house.approximate:
        return house
    if ctx.geocoder is not None and is_address:
        hit = _online(text, ctx)
        if hit is not None:
            return hit
    finer = house or (place_search.plz_area(text, ctx) if is_address else None)
    if finer is not None:
        return finer
    first_error: DataError | None = None
    for cand in search_candidates(text):
        try:
            return _from_place(ctx.gazetteer.resolve(cand, districts=False))
        except DataError as exc:
            first_error = first_error or exc
    named = place_search.osm_place(text, ctx)
    if named is not None:
        return named
    for cand in search_candidates(text):  # "Bochum-Querenburg" without an extract: Bochum
        try:
            return _from_place(ctx.gazetteer.resolve(cand))
        except DataError:
            pass
    if ctx.geocoder is not None and not is_address:
        hit = _online(text, ctx)
        if hit is not None:
            return hit
    raise first_error or DataError(f"Ort '{text}' nicht gefunden", field="place")


@dataclass(frozen=True)
class SearchResult:
    """The searched place and the nearest matching offers (nearest first)."""

    point: SearchPoint
    hits: list[NearestOffer]


def search_near(
    settings: Settings,
    place: str,
    *,
    flt: OfferFilter | None = None,
    limit: int = 10,
    max_distance_m: float | None = None,
    ctx: GeoContext | None = None,
) -> SearchResult:
    """``mapapp offers near``: resolve ``place``, then the ``limit`` nearest offers in the store,
    followed by the matching offers of the place's Kreis that have no location (distance
    ``None``). Offices with a territory (:data:`~mapapp.analysis.responsibility.TERRITORIAL`)
    are left out: :func:`responsible` names the one that serves the place.

    ``ctx``: a geo context the caller already holds (:func:`geo_context`), else loaded here."""
    if ctx is None:  # the online geocoder only when MAPAPP_GEOCODER_URL is set
        ctx = geo_context(settings)
    point = resolve_search(place, ctx)
    hits = nearest_hits(
        open_store(settings, ctx),
        point.lon,
        point.lat,
        limit=limit,
        flt=flt,
        max_distance_m=max_distance_m,
        kreis_ags=search_kreis(point, ctx),
        exclude=TERRITORIAL,
    )
    return SearchResult(point, hits)


def search_kreis(point: SearchPoint, ctx: GeoContext) -> str | None:
    """The Kreis (5-digit AGS) of a searched place: from its Gemeinde, else point-in-polygon."""
    ags = search_gemeinde(point, ctx)
    return ags[:5] if ags else None


def search_gemeinde(point: SearchPoint, ctx: GeoContext) -> str | None:
    """The Gemeinde (8-digit AGS) of a searched place: the one the gazetteer found, else the
    one whose polygon contains the point (``None`` outside NRW)."""
    if point.ags and len(point.ags) == 8:
        return point.ags
    x, y = to_metric([point.lon], [point.lat])
    return ctx.locator.ags_at(x, y)[0]


# --------------------------------------------------------------------------------------------
# Responsible offices ("Zuständig für Ihren Wohnort")
# --------------------------------------------------------------------------------------------


def responsible_for(
    point: SearchPoint,
    ctx: GeoContext,
    status: pd.DataFrame,
    offers: Sequence[Offer],
    lang: str = DEFAULT_LANG,
) -> list[Responsible]:
    """The offices responsible for the Gemeinde of ``point`` (Ausländerbehörde first, then the
    Kommunales Integrationszentrum), with ``label`` ("zuständig für Kerpen") and, where the data
    hold no address, ``address_note`` in ``lang``. Empty when the point lies in no NRW Gemeinde
    of the status table.

    ``status`` is :func:`mapapp.io.datasets.load_status`, ``offers`` every stored offer (the
    page passes its cached copies).
    """
    ags = search_gemeinde(point, ctx)
    units = units_from_records(status.to_dict("records"))
    if ags is None or ags not in units:
        return []
    out = []
    for r in responsible_offices(ags, units, offers):
        note = "" if r.address else t("of.resp.no_address", lang)
        out.append(
            replace(
                r, label=t("of.resp.for", lang, place=r.responsible_for_name), address_note=note
            )
        )
    return out


def responsible(
    settings: Settings,
    place: str | SearchPoint | tuple[float, float],
    lang: str = DEFAULT_LANG,
) -> list[Responsible]:
    """``mapapp offers responsible``: the offices responsible for a place.

    Parameters
    ----------
    place
        What a user typed (``"Kerpen"``, ``"44801"``, an address, ``"51.96,7.63"``), a resolved
        :class:`~mapapp.analysis.offers.SearchPoint`, or a WGS84 ``(lon, lat)`` pair.
    lang
        Language of ``label`` and ``address_note``.

    Raises
    ------
    DataError
        The place is not found, or lies outside NRW.
    """
    ctx = geo_context(settings, online=isinstance(place, str))
    if isinstance(place, str):
        point = resolve_search(place, ctx)
    elif isinstance(place, SearchPoint):
        point = place
    else:
        lon, lat = place
        point = _point(f"{lat},{lon}", lat, lon, ctx)
    offers = open_store(settings, ctx).all()
    found = responsible_for(point, ctx, load_status(settings), offers, lang)
    if not found:
        raise DataError(f"{point.label}: keine NRW-Gemeinde gefunden", field="place")
    return found


# --------------------------------------------------------------------------------------------
# Import a file
# --------------------------------------------------------------------------------------------


def import_offers(
    data: bytes,
    filename: str,
    ctx: GeoContext,
    store: OfferStore | None,
    *,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    actor: str = SYSTEM_ACTOR,
    via: str = "import",
    account: Account | None = None,
) -> ImportReport:
    """Read an offer file (:func:`mapapp.io.offers.parse_offers`) and store the accepted rows
    (one transaction).

    Parameters
    ----------
    data, filename
        The uploaded bytes and the file name (its suffix selects the reader).
    ctx
        :func:`geo_context`.
    store
        Where to write (:func:`open_store`); may be ``None`` for a dry run.
    dry_run
        Only read and report; store nothing.
    all_or_nothing
        Store nothing if any row is rejected.
    actor, via
        Who imports and how (the audit rows of the changed offers).
    account
        The account that imports: an editor's rows outside its scope (the new offer or the
        stored one it would replace) are rejected with the reason, the other rows are stored
        (:func:`mapapp.services.editing.scope_reason`); ``None``: no limits.

    Returns
    -------
    ImportReport
        With ``stored``, ``inserted`` and ``updated`` filled in when something was written.

    Raises
    ------
    DataError
        The file is unusable (nothing is stored).
    """
    result = parse_offers(data, filename, ctx, max_bytes=max_bytes)
    report = result.report
    report.dry_run = dry_run
    if account is not None and result.offers:
        known = {o.id: o for o in store.all()} if store is not None else {}
        result.offers = _in_scope(result, account, known)
    if dry_run or (all_or_nothing and report.rejected) or not result.offers:
        return report
    if store is None:
        raise ValueError("store fehlt (nur ein Probelauf kommt ohne Speicher aus)")
    written = store.upsert(result.offers, actor=actor, via=via)
    report.stored = True
    report.inserted = written.inserted
    report.updated = written.updated
    return report


def _in_scope(result: ImportResult, account: Account, known: dict[str, Offer]) -> list[Offer]:
    """The offers of ``result`` the account may store; the others rejected in its report."""
    report = result.report
    kept: list[Offer] = []
    for o in result.offers:
        reason = scope_reason(account, o, known.get(o.id))
        if reason is None:
            kept.append(o)
        else:
            report.reject(result.rows.get(o.id), "ags", reason)
    report.accepted = len(kept)
    report.rejected.sort(key=lambda i: i.row or 0)
    return kept


def import_exit_code(report: ImportReport) -> int:
    """0 = every row accepted, 1 = some rows rejected (``mapapp offers import`` convention)."""
    return 1 if report.rejected else 0


__all__ = [
    "SearchResult",
    "build_index",
    "geo_context",
    "import_exit_code",
    "import_offers",
    "load_offers",
    "open_store",
    "resolve_search",
    "responsible",
    "responsible_for",
    "search_gemeinde",
    "search_kreis",
    "search_near",
    "store_key",
]
