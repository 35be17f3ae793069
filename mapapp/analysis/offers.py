"""Offers: filters, the nearest-offer index, frames for analysis, parsing of what a user searched.

Pure: offers (lists of :class:`~mapapp.offers_model.Offer`) in, frames and hits out. Loading the
offers (store, seeding) and turning a place name into a point (gazetteer, geocoder) is
:mod:`mapapp.services.offers`.

- :class:`OfferIndex` – a cKDTree over the offers in EPSG:25832; :meth:`OfferIndex.nearest` answers
  "nearest offers to this point" with straight-line distances in metres, filtered by
  :class:`OfferFilter` (category, language, target group, barrier-free); offers without a location
  (:attr:`~mapapp.offers_model.Offer.located` false: only their Kreis is known) never get a
  distance – they are only listed, after the measured hits, for the Kreis the caller names;
- :func:`offers_frame` – a GeoDataFrame (EPSG:25832) of offers for joins and coverage analysis;
- :func:`parse_latlon` / :func:`search_candidates` – what a search text means before any lookup.
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

from mapapp.config import CRS_METRIC
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import (
    OFFER_COLUMNS,
    Accessibility,
    Offer,
    Precision,
    TargetGroup,
    offers_table_rows,
)
from mapapp.projection import to_metric

# --------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------


def offers_frame(offers: Sequence[Offer]) -> gpd.GeoDataFrame:
    """Offers as a GeoDataFrame in EPSG:25832 (metres).

    Columns: :data:`mapapp.offers_model.OFFER_COLUMNS` (lists joined with ``";"``, ``lat``/``lon``
    in WGS84 degrees, NaN for an offer without a location) and ``geometry`` (points, EPSG:25832;
    ``None`` for an offer without a location).
    """
    rows = offers_table_rows(offers)
    frame = pd.DataFrame.from_records(rows, columns=list(OFFER_COLUMNS))
    located = np.fromiter((o.located for o in offers), dtype=bool, count=len(frame))
    lon = frame["lon"].to_numpy(dtype=float, copy=True)
    lat = frame["lat"].to_numpy(dtype=float, copy=True)
    lon[~located] = np.nan
    lat[~located] = np.nan
    frame["lon"], frame["lat"] = lon, lat
    geometry: list[Any] = [None] * len(frame)
    if located.any():
        x, y = to_metric(lon[located], lat[located])
        points = gpd.points_from_xy(x, y)
        for pos, pt in zip(np.flatnonzero(located), points, strict=True):
            geometry[int(pos)] = pt
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS_METRIC)


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
    """One search hit: the offer and its straight-line distance in metres (EPSG:25832);
    ``distance_m`` is ``None`` for an offer without a location (never a made-up distance)."""

    offer: Offer
    distance_m: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``name``, ``category``, ``distance_m``, ``lat``, ``lon`` and details."""
        o = self.offer
        return {
            "id": o.id,
            "name": o.name,
            "category": str(o.category),
            "category_label": o.category_label,
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "lat": o.lat,
            "lon": o.lon,
            "precision": str(o.precision),
            "address": o.address,
            "provider": o.provider,
            "ags": o.ags,
            "kreis_ags": o.kreis_ags,
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
        The offers (WGS84 ``lon``/``lat``). Offers without a location stay in the index (filters,
        counts) but not in the tree: ``x``/``y`` are NaN for them.
    version
        The store's data version it was built from (informative; used by :func:`offer_index`).
    """

    offers: Sequence[Offer]
    version: str = ""
    x: np.ndarray = field(init=False, repr=False)
    y: np.ndarray = field(init=False, repr=False)
    tree: cKDTree | None = field(init=False, repr=False)
    located: np.ndarray = field(init=False, repr=False)
    _tree_pos: np.ndarray = field(init=False, repr=False)
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
        self.located = np.fromiter((o.located for o in self.offers), dtype=bool, count=n)
        self._tree_pos = np.flatnonzero(self.located)
        self.x = np.full(n, np.nan)
        self.y = np.full(n, np.nan)
        if len(self._tree_pos):
            lon = np.array([self.offers[i].lon for i in self._tree_pos], dtype=float)
            lat = np.array([self.offers[i].lat for i in self._tree_pos], dtype=float)
            self.x[self._tree_pos], self.y[self._tree_pos] = to_metric(lon, lat)
        pts = np.column_stack([self.x[self._tree_pos], self.y[self._tree_pos]])
        self.tree = cKDTree(pts) if len(self._tree_pos) else None
        self._category = np.array([str(o.category) for o in self.offers], dtype=object)

    def __len__(self) -> int:
        return len(self.offers)

    @property
    def languages(self) -> list[str]:
        """ISO 639-1 codes that at least one offer lists (sorted; computed once)."""
        if "languages" not in self._memo:
            self._memo["languages"] = sorted({code for o in self.offers for code in o.languages})
        return list(self._memo["languages"])

    def category_counts(self) -> dict[str, int]:
        """Offers per category value (``"abh"`` -> 88); categories without offers are missing."""
        values, counts = np.unique(self._category.astype(str), return_counts=True)
        return {str(v): int(n) for v, n in zip(values, counts, strict=True)}

    def matching(self, flt: OfferFilter) -> list[Offer]:
        """The offers matching ``flt``, in index order (:meth:`mask` applied)."""
        return [o for o, keep in zip(self.offers, self.mask(flt), strict=True) if keep]

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
        kreis_ags: str | None = None,
        exclude: frozenset[OfferCategory] = frozenset(),
    ) -> list[NearestOffer]:
        """The ``limit`` nearest offers to a WGS84 point, nearest first (distance in metres);
        then, when ``kreis_ags`` (the searched place's Kreis) is given, the matching offers of
        that Kreis without a location (distance ``None``, not counted in ``limit``). Offers of the
        ``exclude`` categories are left out (offices with a territory are no alternatives:
        :data:`mapapp.analysis.responsibility.TERRITORIAL`)."""
        x, y = to_metric([lon], [lat])
        hits = self.nearest_xy(
            float(x[0]),
            float(y[0]),
            limit=limit,
            flt=flt,
            max_distance_m=max_distance_m,
            exclude=exclude,
        )
        if kreis_ags:
            hits += [NearestOffer(o, None) for o in self.unlocated(kreis_ags, flt, exclude)]
        return hits

    def unlocated(
        self,
        kreis_ags: str,
        flt: OfferFilter | None = None,
        exclude: frozenset[OfferCategory] = frozenset(),
    ) -> list[Offer]:
        """Offers of the Kreis ``kreis_ags`` (5 digits) that have no location, matching ``flt``
        and not of an ``exclude`` category."""
        keep = ~self.located
        if flt is not None and flt.active:
            keep &= self.mask(flt)
        if exclude:
            keep &= self._not_in(exclude)
        picked = (self.offers[int(i)] for i in np.flatnonzero(keep))
        return [o for o in picked if o.kreis_ags == kreis_ags]

    def _not_in(self, exclude: frozenset[OfferCategory]) -> np.ndarray:
        """Boolean array: offers whose category is not in ``exclude``."""
        return ~np.isin(self._category, [str(c) for c in exclude])

    def nearest_xy(
        self,
        x: float,
        y: float,
        *,
        limit: int = 10,
        flt: OfferFilter | None = None,
        max_distance_m: float | None = None,
        exclude: frozenset[OfferCategory] = frozenset(),
    ) -> list[NearestOffer]:
        """As :meth:`nearest` for a point in EPSG:25832 metres (located offers only). Ties are
        ordered by offer position."""
        n = len(self._tree_pos)
        if n == 0 or limit <= 0 or self.tree is None:
            return []
        bound = np.inf if max_distance_m is None else float(max_distance_m)
        mask = self.mask(flt)[self._tree_pos] if flt is not None and flt.active else None
        if exclude:
            kept = self._not_in(exclude)[self._tree_pos]
            mask = kept if mask is None else mask & kept
        matching = n if mask is None else int(mask.sum())
        k = min(limit, matching)
        if k == 0:
            return []
        if mask is not None and matching <= max(_SCAN_SHARE * n, 4 * k):
            idx = np.flatnonzero(mask)
            pos = self._tree_pos[idx]
            dist = np.hypot(self.x[pos] - x, self.y[pos] - y)
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
        # pairs hold tree positions (the located offers in index order): same tie order
        return [
            NearestOffer(self.offers[int(self._tree_pos[i])], d) for d, i in pairs if d <= bound
        ]


def nearest_offers(
    offers: Sequence[Offer] | OfferIndex,
    lon: float,
    lat: float,
    *,
    limit: int = 10,
    flt: OfferFilter | None = None,
    max_distance_m: float | None = None,
    kreis_ags: str | None = None,
    exclude: frozenset[OfferCategory] = frozenset(),
) -> list[NearestOffer]:
    """Convenience: nearest offers from a list (builds a throwaway index) or an index."""
    index = offers if isinstance(offers, OfferIndex) else OfferIndex(offers)
    return index.nearest(
        lon,
        lat,
        limit=limit,
        flt=flt,
        max_distance_m=max_distance_m,
        kreis_ags=kreis_ags,
        exclude=exclude,
    )


# --------------------------------------------------------------------------------------------
# Resolving what a user typed into a point (page and CLI share this)
# --------------------------------------------------------------------------------------------

_LATLON_RE = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")
_PLZ_RE = re.compile(r"\b(\d{5})\b\s*([^,\d][^,]*)?")


#: Precisions whose point is only the centre of a Gemeinde (or of the Kreis seat): seen from a
#: place in that same Gemeinde, the straight line to it measures nothing real.
CENTRE_PRECISIONS = frozenset({Precision.GEMEINDE_CENTRE, Precision.KREIS_SEAT_CENTRE})


def shown_distance_m(hit: NearestOffer, place_ags: str | None) -> float | None:
    """The distance a page may show for ``hit`` seen from a place in the Gemeinde ``place_ags``.

    ``None`` when the offer has no location, and when it stands only at the centre of the very
    Gemeinde the place lies in: its real address there is not located, so "0,0 km" (or any other
    figure) would be invented. Offers at a centre of another Gemeinde keep their distance (the
    card says it is approximate)."""
    if hit.distance_m is None:
        return None
    o = hit.offer
    if o.precision in CENTRE_PRECISIONS and place_ags and o.ags == place_ags:
        return None
    return hit.distance_m


@dataclass(frozen=True)
class SearchPoint:
    """A searched place: WGS84 point, a label, and whether it is only the Gemeinde centre."""

    lon: float
    lat: float
    label: str
    approximate: bool
    ags: str | None = None
    name: str = ""  # the place's name without qualifiers (for UI texts in other languages)
    precision: Precision | None = None  # how exact an offline answer is (None: exact or online)
    source: str = ""  # offline data that found it: "plz" (PLZ centres) | "osm" (OSM extract)


def parse_latlon(text: str) -> tuple[float, float] | None:
    """``"51.96,7.63"`` -> ``(51.96, 7.63)`` (latitude, longitude); ``None`` when it is not a point.

    Raises
    ------
    DataError
        Two numbers, but not a WGS84 latitude/longitude (``field="place"``).
    """
    m = _LATLON_RE.match(text)
    if not m:
        return None
    lat, lon = float(m.group(1)), float(m.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise DataError(f"'{text}' ist kein Punkt 'Breite,Länge' (WGS84)", field="place")
    return lat, lon


def check_search_text(text: str) -> str:
    """The stripped search text; DataError when it is empty or longer than 200 characters."""
    text = (text or "").strip()
    if not text:
        raise DataError("Bitte einen Ort, eine PLZ oder eine Adresse angeben", field="place")
    if len(text) > 200:
        raise DataError("Suchtext zu lang (höchstens 200 Zeichen)", field="place")
    return text


def search_candidates(text: str) -> list[str]:
    """What to look up in the gazetteer, in order: the whole text, then per comma-separated part
    (last first) the place after a PLZ, the PLZ and the part itself (duplicates removed)."""
    candidates = [text]
    for part in reversed([p.strip() for p in text.split(",") if p.strip()]):
        pm = _PLZ_RE.search(part)
        if pm:
            if pm.group(2):
                candidates.append(pm.group(2).strip())
            candidates.append(pm.group(1))
        candidates.append(part)
    return list(dict.fromkeys(candidates))


def looks_like_address(text: str) -> bool:
    """An address (comma or digits) goes to the online geocoder before the gazetteer."""
    return "," in text or any(ch.isdigit() for ch in text)
