"""User tasks around offers: load them, search near a place, import a file.

The page "Angebote finden", the Datenpflege page (through :mod:`mapapp.ui.cached`) and
``mapapp offers`` call these functions, so they load, search and import the same way.

- :func:`open_store` – the one offer store, seeded with the bundled offers on first use (the only
  seeding path);
- :func:`geo_context` – gazetteer, NRW locator and (when configured) the online geocoder;
- :func:`store_key` / :func:`load_offers` / :func:`build_index` – the offers and their search
  index (no cache here: the app caches per :func:`store_key` in ``ui/cached.py``, the CLI runs once);
- :func:`resolve_search` / :func:`search_near` – "nearest offers to this place";
- :func:`import_offers` – read an offer file and store the accepted rows.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from mapapp.config import Settings
from mapapp.ingest.report import ImportReport
from mapapp.io.gazetteer import Place
from mapapp.io.geocode import GeocoderError, parse_hits
from mapapp.io.offers import (
    DEFAULT_MAX_BYTES,
    GeoContext,
    bundled_offers,
    load_geo_context,
    parse_offers,
)
from mapapp.model import DataError
from mapapp.offers_model import Offer
from mapapp.projection import to_metric
from mapapp.store import OfferStore, ensure_seeded, open_offer_store

# --------------------------------------------------------------------------------------------
# Load the offers
# --------------------------------------------------------------------------------------------


def geo_context(settings: Settings, *, online: bool = True) -> GeoContext:
    """Gazetteer, NRW locator and the online geocoder (only when configured and ``online``)."""
    return load_geo_context(settings, online=online)


def open_store(settings: Settings, ctx: GeoContext | None = None) -> OfferStore:
    """The offer store; on first use it is seeded with :func:`mapapp.io.offers.bundled_offers`.

    ``ctx`` only saves loading the geo context a second time when seeding.

    Raises
    ------
    mapapp.model.DataMissingError
        First use and the GV-ISys/boundary files are missing (seeding needs them).
    """
    store = open_offer_store(settings)
    ensure_seeded(store, lambda: bundled_offers(settings, ctx).offers)
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

    Order: ``lat,lon`` → offline gazetteer (Gemeinde name or seat PLZ, also found inside an
    address) → the online geocoder when configured (an address anywhere in NRW). Offline results
    are the Gemeinde centre (``approximate=True``).

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
    if ctx.geocoder is not None and is_address:
        hit = _online(text, ctx)
        if hit is not None:
            return hit
    first_error: DataError | None = None
    for cand in search_candidates(text):
        try:
            return _from_place(ctx.gazetteer.resolve(cand))
        except DataError as exc:
            first_error = first_error or exc
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
) -> SearchResult:
    """``mapapp offers near``: resolve ``place``, then the ``limit`` nearest offers in the store,
    followed by the matching offers of the place's Kreis that have no location (distance
    ``None``)."""
    ctx = geo_context(settings)  # the online geocoder only when MAPAPP_GEOCODER_URL is set
    point = resolve_search(place, ctx)
    index = build_index(open_store(settings, ctx))
    hits = index.nearest(
        point.lon,
        point.lat,
        limit=limit,
        flt=flt,
        max_distance_m=max_distance_m,
        kreis_ags=search_kreis(point, ctx),
    )
    return SearchResult(point, hits)


def search_kreis(point: SearchPoint, ctx: GeoContext) -> str | None:
    """The Kreis (5-digit AGS) of a searched place: from its Gemeinde, else point-in-polygon."""
    if point.ags:
        return point.ags[:5]
    x, y = to_metric([point.lon], [point.lat])
    ags = ctx.locator.ags_at(x, y)[0]
    return ags[:5] if ags else None


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
    if dry_run or (all_or_nothing and report.rejected) or not result.offers:
        return report
    if store is None:
        raise ValueError("store fehlt (nur ein Probelauf kommt ohne Speicher aus)")
    written = store.upsert(result.offers)
    report.stored = True
    report.inserted = written.inserted
    report.updated = written.updated
    return report


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
    "search_kreis",
    "search_near",
    "store_key",
]
