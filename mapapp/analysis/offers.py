"""Offers: nearest search with filters, frames for analysis, and the import/seed workflow.

Everything the offers page and ``mapapp offers`` call lives here, so both behave the same:

- :func:`open_seeded_store` – the store, seeded with the bundled offers on first use;
- :func:`import_offers` – read a file, then store it (or not: dry run, all-or-nothing);
- :func:`offer_index` / :class:`OfferIndex` – a cKDTree over the offers in EPSG:25832, built once per
  store data version; :meth:`OfferIndex.nearest` answers "nearest offers to this point" with
  straight-line distances in metres, filtered by :class:`OfferFilter` (category, language, target
  group, barrier-free);
- :func:`offers_frame` – a GeoDataFrame (EPSG:25832) of offers for joins and coverage analysis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from mapapp.config import CRS_METRIC, Settings
from mapapp.io.geocode import to_metric
from mapapp.io.offers import (
    DEFAULT_MAX_BYTES,
    GeoContext,
    bundled_offers,
    load_geo_context,
    parse_offers,
)
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import (
    OFFER_COLUMNS,
    Accessibility,
    ImportReport,
    Offer,
    TargetGroup,
    offers_table_rows,
)
from mapapp.store import OfferStore, ensure_seeded, open_offer_store

# --------------------------------------------------------------------------------------------
# Workflow: store + import
# --------------------------------------------------------------------------------------------


def open_seeded_store(settings: Settings, ctx: GeoContext | None = None) -> OfferStore:
    """The offer store; on first use it is seeded with :func:`mapapp.io.offers.bundled_offers`.

    Raises
    ------
    mapapp.model.DataMissingError
        First use and the GV-ISys/boundary files are missing (seeding needs them).
    """
    store = open_offer_store(settings)
    ensure_seeded(store, lambda: bundled_offers(settings, ctx).offers)
    return store


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
    """Read an offer file and store the accepted rows (one transaction).

    Parameters
    ----------
    data, filename
        The uploaded bytes and the file name (its suffix selects the reader).
    ctx
        :func:`mapapp.io.offers.load_geo_context`.
    store
        Where to write; may be ``None`` for a dry run.
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


def load_context(settings: Settings, *, online: bool = True) -> GeoContext:
    """:func:`mapapp.io.offers.load_geo_context` (re-exported for the UI)."""
    return load_geo_context(settings, online=online)


# --------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------


def offers_frame(offers: Sequence[Offer]) -> gpd.GeoDataFrame:
    """Offers as a GeoDataFrame in EPSG:25832 (metres).

    Columns: :data:`mapapp.offers_model.OFFER_COLUMNS` (lists joined with ``";"``, ``lat``/``lon``
    in WGS84 degrees) and ``geometry`` (points, EPSG:25832).
    """
    rows = offers_table_rows(offers)
    frame = pd.DataFrame.from_records(rows, columns=list(OFFER_COLUMNS))
    x, y = to_metric(frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float))
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(x, y), crs=CRS_METRIC)


# --------------------------------------------------------------------------------------------
# Filters and nearest search
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilter:
    """Which offers count (hashable, so it can be a cache key).

    Attributes
    ----------
    categories
        Any of these categories; empty = all.
    languages
        Offers listing at least one of these ISO 639-1 codes; empty = no language filter. Offers
        without language information do not match a language filter.
    target_groups
        Offers listing one of these groups or ``all``; empty = no filter. Offers without
        target-group information do not match unless ``include_unknown_target_group``.
    barrier_free
        ``True`` = only offers marked barrier-free (``yes``); unknown does not count.
    """

    categories: frozenset[OfferCategory] = frozenset()
    languages: frozenset[str] = frozenset()
    target_groups: frozenset[TargetGroup] = frozenset()
    barrier_free: bool = False
    include_unknown_target_group: bool = False

    @classmethod
    def of(
        cls,
        categories: Iterable[str] = (),
        languages: Iterable[str] = (),
        target_groups: Iterable[str] = (),
        barrier_free: bool = False,
    ) -> OfferFilter:
        """Build from strings (category/target-group values, ISO codes); raises ``ValueError``."""
        return cls(
            categories=frozenset(OfferCategory(c) for c in categories),
            languages=frozenset(str(lang).strip().lower() for lang in languages),
            target_groups=frozenset(TargetGroup(t) for t in target_groups),
            barrier_free=barrier_free,
        )

    @property
    def active(self) -> bool:
        return bool(self.categories or self.languages or self.target_groups or self.barrier_free)

    def matches(self, offer: Offer) -> bool:
        """Reference implementation of the filter for one offer."""
        if self.categories and offer.category not in self.categories:
            return False
        if self.languages and not (set(offer.languages) & self.languages):
            return False
        if self.target_groups:
            groups = set(offer.target_groups)
            if not groups:
                if not self.include_unknown_target_group:
                    return False
            elif TargetGroup.ALL not in groups and not (groups & self.target_groups):
                return False
        return not (self.barrier_free and offer.barrier_free is not Accessibility.YES)


def filter_offers(offers: Iterable[Offer], flt: OfferFilter) -> list[Offer]:
    """Offers matching ``flt`` (order kept)."""
    return [o for o in offers if flt.matches(o)]


@dataclass(frozen=True)
class NearestOffer:
    """One search hit: the offer and its straight-line distance in metres (EPSG:25832)."""

    offer: Offer
    distance_m: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``name``, ``category``, ``distance_m``, ``lat``, ``lon`` and details."""
        o = self.offer
        return {
            "id": o.id,
            "name": o.name,
            "category": str(o.category),
            "category_label": o.category_label,
            "distance_m": round(self.distance_m, 1),
            "lat": o.lat,
            "lon": o.lon,
            "precision": str(o.precision),
            "address": o.address,
            "provider": o.provider,
            "ags": o.ags,
            "languages": list(o.languages),
            "barrier_free": str(o.barrier_free),
            "website": o.website,
            "phone": o.phone,
        }


#: Below this share of matching offers, a filtered search scans the matches directly.
_SCAN_SHARE = 0.02


@dataclass
class OfferIndex:
    """Offers with a cKDTree on EPSG:25832 coordinates; build once per data version.

    Parameters
    ----------
    offers
        The offers (WGS84 ``lon``/``lat``).
    version
        The store's data version it was built from (informative; used by :func:`offer_index`).
    """

    offers: Sequence[Offer]
    version: str = ""
    x: np.ndarray = field(init=False, repr=False)
    y: np.ndarray = field(init=False, repr=False)
    tree: cKDTree | None = field(init=False, repr=False)
    _category: np.ndarray = field(init=False, repr=False)
    _lang_masks: dict[str, np.ndarray] = field(init=False, repr=False, default_factory=dict)
    _tg_masks: dict[TargetGroup | None, np.ndarray] = field(
        init=False, repr=False, default_factory=dict
    )
    _bf: np.ndarray | None = field(init=False, repr=False, default=None)
    _memo: dict[str, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.offers = list(self.offers)
        n = len(self.offers)
        lon = np.fromiter((o.lon for o in self.offers), dtype=float, count=n)
        lat = np.fromiter((o.lat for o in self.offers), dtype=float, count=n)
        self.x, self.y = to_metric(lon, lat)
        self.tree = cKDTree(np.column_stack([self.x, self.y])) if n else None
        self._category = np.array([str(o.category) for o in self.offers], dtype=object)

    def __len__(self) -> int:
        return len(self.offers)

    @property
    def languages(self) -> list[str]:
        """ISO 639-1 codes that at least one offer lists (sorted; computed once)."""
        if "languages" not in self._memo:
            self._memo["languages"] = sorted({code for o in self.offers for code in o.languages})
        return list(self._memo["languages"])

    def _lang_mask(self, code: str) -> np.ndarray:
        if code not in self._lang_masks:
            self._lang_masks[code] = np.fromiter(
                (code in o.languages for o in self.offers), dtype=bool, count=len(self)
            )
        return self._lang_masks[code]

    def _tg_mask(self, group: TargetGroup | None) -> np.ndarray:
        """Offers listing ``group`` (``None``: offers listing no group at all)."""
        if group not in self._tg_masks:
            if group is None:
                it = (not o.target_groups for o in self.offers)
            else:
                it = (group in o.target_groups for o in self.offers)
            self._tg_masks[group] = np.fromiter(it, dtype=bool, count=len(self))
        return self._tg_masks[group]

    def mask(self, flt: OfferFilter) -> np.ndarray:
        """Boolean array: which offers match ``flt`` (vectorised :meth:`OfferFilter.matches`)."""
        n = len(self)
        m = np.ones(n, dtype=bool)
        if flt.categories:
            m &= np.isin(self._category, [str(c) for c in flt.categories])
        if flt.languages:
            lm = np.zeros(n, dtype=bool)
            for code in flt.languages:
                lm |= self._lang_mask(code)
            m &= lm
        if flt.target_groups:
            tm = self._tg_mask(TargetGroup.ALL).copy()
            for group in flt.target_groups:
                tm |= self._tg_mask(group)
            if flt.include_unknown_target_group:
                tm |= self._tg_mask(None)
            m &= tm
        if flt.barrier_free:
            if self._bf is None:
                self._bf = np.fromiter(
                    (o.barrier_free is Accessibility.YES for o in self.offers), dtype=bool, count=n
                )
            m &= self._bf
        return m

    def nearest(
        self,
        lon: float,
        lat: float,
        *,
        limit: int = 10,
        flt: OfferFilter | None = None,
        max_distance_m: float | None = None,
    ) -> list[NearestOffer]:
        """The ``limit`` nearest offers to a WGS84 point, nearest first (distance in metres)."""
        x, y = to_metric([lon], [lat])
        return self.nearest_xy(
            float(x[0]), float(y[0]), limit=limit, flt=flt, max_distance_m=max_distance_m
        )

    def nearest_xy(
        self,
        x: float,
        y: float,
        *,
        limit: int = 10,
        flt: OfferFilter | None = None,
        max_distance_m: float | None = None,
    ) -> list[NearestOffer]:
        """As :meth:`nearest` for a point in EPSG:25832 metres. Ties are ordered by offer position."""
        n = len(self)
        if n == 0 or limit <= 0 or self.tree is None:
            return []
        bound = np.inf if max_distance_m is None else float(max_distance_m)
        mask = self.mask(flt) if flt is not None and flt.active else None
        matching = n if mask is None else int(mask.sum())
        k = min(limit, matching)
        if k == 0:
            return []
        if mask is not None and matching <= max(_SCAN_SHARE * n, 4 * k):
            idx = np.flatnonzero(mask)
            dist = np.hypot(self.x[idx] - x, self.y[idx] - y)
            order = np.lexsort((idx, dist))[:k]
            pairs = [(float(dist[j]), int(idx[j])) for j in order]
        else:
            kk = k if mask is None else min(n, max(4 * k, 32))
            while True:
                dist_a, idx_a = self.tree.query([x, y], k=kk)
                dist_a, idx_a = np.atleast_1d(dist_a), np.atleast_1d(idx_a)
                keep = idx_a < n
                dist_a, idx_a = dist_a[keep], idx_a[keep]
                if mask is not None:
                    sel = mask[idx_a]
                    dist_a, idx_a = dist_a[sel], idx_a[sel]
                if len(idx_a) >= k or kk >= n:
                    break
                kk = min(n, kk * 4)
            order = np.lexsort((idx_a, dist_a))[:k]
            pairs = [(float(dist_a[j]), int(idx_a[j])) for j in order]
        return [NearestOffer(self.offers[i], d) for d, i in pairs if d <= bound]


_INDEX_CACHE: dict[tuple[str, str], OfferIndex] = {}
_INDEX_CACHE_SIZE = 4


def offer_index(store: OfferStore) -> OfferIndex:
    """The :class:`OfferIndex` of the store's current data (rebuilt only when the data changed)."""
    key = (store.location, store.data_version())
    index = _INDEX_CACHE.get(key)
    if index is None:
        index = OfferIndex(store.all(), version=key[1])
        if store.data_version() != key[1]:  # written meanwhile: do not cache a mixed state
            return index
        if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
            _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
        _INDEX_CACHE[key] = index
    return index


def nearest_offers(
    offers: Sequence[Offer] | OfferIndex,
    lon: float,
    lat: float,
    *,
    limit: int = 10,
    flt: OfferFilter | None = None,
    max_distance_m: float | None = None,
) -> list[NearestOffer]:
    """Convenience: nearest offers from a list (builds a throwaway index) or an index."""
    index = offers if isinstance(offers, OfferIndex) else OfferIndex(offers)
    return index.nearest(lon, lat, limit=limit, flt=flt, max_distance_m=max_distance_m)


# --------------------------------------------------------------------------------------------
# Resolving what a user typed into a point (page and CLI share this)
# --------------------------------------------------------------------------------------------

_LATLON_RE = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_PLZ_RE = re.compile(r"\b(\d{5})\b\s*([^,\d][^,]*)?")


@dataclass(frozen=True)
class SearchPoint:
    """A searched place: WGS84 point, a label, and whether it is only the Gemeinde centre."""

    lon: float
    lat: float
    label: str
    approximate: bool
    ags: str | None = None
    name: str = ""  # the place's name without qualifiers (for UI texts in other languages)


def _from_place(place: Any) -> SearchPoint:
    return SearchPoint(
        lon=float(place.lon),
        lat=float(place.lat),
        label=f"{place.short_name} (Gemeindezentrum)",
        approximate=True,
        ags=str(place.ags),
        name=str(place.short_name),
    )


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
    text = (text or "").strip()
    if not text:
        raise DataError("Bitte einen Ort, eine PLZ oder eine Adresse angeben", field="place")
    if len(text) > 200:
        raise DataError("Suchtext zu lang (höchstens 200 Zeichen)", field="place")
    m = _LATLON_RE.match(text)
    if m:
        lat, lon = float(m.group(1)), float(m.group(2))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataError(f"'{text}' ist kein Punkt 'Breite,Länge' (WGS84)", field="place")
        if not _in_nrw(lon, lat, ctx):
            hint = " (Breite und Länge vertauscht?)" if _in_nrw(lat, lon, ctx) else ""
            raise DataError(
                f"{text} liegt außerhalb von NRW{hint} – bitte einen Punkt 'Breite,Länge' in NRW "
                "angeben, z. B. 51.96,7.63",
                field="place",
            )
        label = f"{lat:.5f}, {lon:.5f}"
        return SearchPoint(lon=lon, lat=lat, label=f"Punkt {label}", approximate=False, name=label)
    first_error: DataError | None = None
    candidates = [text]
    for part in reversed([p.strip() for p in text.split(",") if p.strip()]):
        pm = _PLZ_RE.search(part)
        if pm:
            if pm.group(2):
                candidates.append(pm.group(2).strip())
            candidates.append(pm.group(1))
        candidates.append(part)
    is_address = "," in text or any(ch.isdigit() for ch in text)
    if ctx.geocoder is not None and is_address:
        hit = _online(text, ctx)
        if hit is not None:
            return hit
    for cand in dict.fromkeys(candidates):
        try:
            return _from_place(ctx.gazetteer.resolve(cand))
        except DataError as exc:
            first_error = first_error or exc
    if ctx.geocoder is not None and not is_address:
        hit = _online(text, ctx)
        if hit is not None:
            return hit
    raise first_error or DataError(f"Ort '{text}' nicht gefunden", field="place")


def _in_nrw(lon: float, lat: float, ctx: GeoContext) -> bool:
    """Whether a WGS84 point lies in NRW (the Land polygon plus the locator's tolerance band)."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return False
    x, y = to_metric([lon], [lat])
    return bool(ctx.locator.in_nrw(x, y)[0])


def _online(text: str, ctx: GeoContext) -> SearchPoint | None:
    from mapapp.io.geocode import GeocoderError, parse_hits

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
