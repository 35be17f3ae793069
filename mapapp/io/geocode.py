"""Where is an offer? Offline gazetteer, point checks against NRW, optional online geocoder.

Three tools, used in this order by :mod:`mapapp.io.offers`:

:class:`Gazetteer` (offline, always)
    Gemeinde names and the PLZ of each Gemeinde's seat from Destatis GV-ISys. Finds the Gemeinde of
    ``"Solingen"`` (GV-ISys: ``"Solingen, Klingenstadt"``), ``"Stolberg"`` (``"Stolberg (Rhld.),
    Kupferstadt"``), ``"Koeln"``; the point is the GV-ISys centre of the Gemeinde, so the precision is
    always :attr:`~mapapp.offers_model.Precision.GEMEINDE_CENTRE` (a PLZ only identifies the Gemeinde:
    GV-ISys holds one PLZ per Gemeinde, that of its seat).
:class:`Locator` (offline, always)
    Projects WGS84 to EPSG:25832, tells whether a point lies in NRW (Land polygon plus a tolerance that
    absorbs the generalisation of the boundary product) and which Gemeinde contains it (AGS by
    point-in-polygon; a point in the tolerance band goes to the nearest Gemeinde).
:class:`OnlineGeocoder` (optional, when ``settings.geocoder_url`` is set)
    A Nominatim-compatible ``/search?format=jsonv2`` service, asked with a structured query
    (street, postalcode, city, countrycodes=de). It sends :data:`mapapp.config.USER_AGENT`, makes at
    most one request per ``min_interval_s`` (1 s, the Nominatim usage policy) through an injectable
    clock, times out, and caches every answer (also "not found") as JSON files under
    ``<data_dir>/geocode_cache``, so a re-import asks nothing twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import requests
import shapely
from pyproj import Transformer
from rapidfuzz import fuzz, process

from mapapp.config import CRS_METRIC, CRS_WEB, USER_AGENT, Settings
from mapapp.io import atomic
from mapapp.io.boundaries import Boundaries
from mapapp.model import COL_AGS, COL_NAME, DataError, normalize_ags
from mapapp.offers_model import Precision, fold_text

# --------------------------------------------------------------------------------------------
# Offline gazetteer
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A Gemeinde as the gazetteer knows it: GV-ISys name, AGS, seat PLZ, centre (WGS84 degrees)."""

    ags: str
    name: str
    plz: str
    lon: float
    lat: float

    @property
    def short_name(self) -> str:
        """Name without the GV-ISys suffix: ``"Solingen, Klingenstadt"`` -> ``"Solingen"``."""
        return self.name.split(",")[0].strip()

    @property
    def kreis_ags(self) -> str:
        return self.ags[:5]


@dataclass(frozen=True)
class GazetteerMatch:
    """Result of :meth:`Gazetteer.find`: the place, how it was found and remarks for the report."""

    place: Place
    how: str  # "name" | "name+plz" | "fuzzy" | "plz"
    warnings: tuple[str, ...] = ()


_PREFIXES = ("stadt ", "gemeinde ", "hansestadt ")


def _name_keys(name: str) -> set[str]:
    """Folded lookup keys of a GV-ISys name (full, before the comma, without the bracket)."""
    base = name.split(",")[0]
    keys = {fold_text(name), fold_text(base), fold_text(re.sub(r"\([^)]*\)", " ", base))}
    return {k for k in keys if k}


def _query_key(text: str) -> str:
    key = fold_text(text)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
    return key


class Gazetteer:
    """Offline lookup of NRW Gemeinden by name or seat PLZ.

    Parameters
    ----------
    places
        Frame with ``ags`` (8-char str), ``name`` (GV-ISys name), ``plz`` (5-char str, seat),
        ``lon``, ``lat`` (WGS84 degrees, Gemeinde centre) – what :func:`mapapp.io.datasets.load_gvisys`
        returns.
    fuzzy_min_score
        Minimum rapidfuzz ratio (0–100) for a misspelt name to count as a match (a warning says so).
    """

    def __init__(self, places: pd.DataFrame, fuzzy_min_score: float = 90.0) -> None:
        missing = {COL_AGS, COL_NAME, "plz", "lon", "lat"} - set(places.columns)
        if missing:
            raise DataError(f"Gazetteer: Spalten fehlen: {', '.join(sorted(missing))}")
        self._places: list[Place] = [
            Place(
                ags=normalize_ags(r[COL_AGS], 8),
                name=str(r[COL_NAME]),
                plz=str(r["plz"] or "").strip().zfill(5) if str(r["plz"] or "").strip() else "",
                lon=float(r["lon"]),
                lat=float(r["lat"]),
            )
            for r in places.to_dict("records")
        ]
        self._by_key: dict[str, list[Place]] = {}
        self._by_plz: dict[str, list[Place]] = {}
        self._by_ags: dict[str, Place] = {}
        for p in self._places:
            for key in _name_keys(p.name):
                self._by_key.setdefault(key, []).append(p)
            if p.plz:
                self._by_plz.setdefault(p.plz, []).append(p)
            self._by_ags[p.ags] = p
        self._keys = list(self._by_key)
        self.fuzzy_min_score = fuzzy_min_score

    def __len__(self) -> int:
        return len(self._places)

    @property
    def places(self) -> tuple[Place, ...]:
        return tuple(self._places)

    def by_ags(self, ags: str) -> Place | None:
        return self._by_ags.get(ags)

    def by_name(self, text: str) -> list[Place]:
        """Exact matches of a folded name (``"Köln"``, ``"koeln"``, ``"Stadt Köln"``)."""
        return list(self._by_key.get(_query_key(text), []))

    def by_plz(self, plz: str) -> list[Place]:
        """Gemeinden whose seat has this PLZ (GV-ISys holds only the seat's PLZ)."""
        digits = re.sub(r"\D", "", str(plz))
        return list(self._by_plz.get(digits.zfill(5), [])) if digits else []

    def fuzzy(self, text: str) -> tuple[Place, float] | None:
        """Best unique near match (rapidfuzz ratio ≥ ``fuzzy_min_score``) or ``None``."""
        key = _query_key(text)
        if len(key) < 4:
            return None
        hits = process.extract(key, self._keys, scorer=fuzz.ratio, limit=2)
        if not hits or hits[0][1] < self.fuzzy_min_score:
            return None
        best_places = self._by_key[hits[0][0]]
        if len(hits) > 1 and hits[1][1] == hits[0][1]:
            if {p.ags for p in self._by_key[hits[1][0]]} != {p.ags for p in best_places}:
                return None
        if len({p.ags for p in best_places}) != 1:
            return None
        return best_places[0], float(hits[0][1])

    def find(self, city: str | None, postcode: str | None) -> GazetteerMatch | None:
        """The Gemeinde of an address from its town and/or PLZ.

        Rules: an exact town name wins (a PLZ of another Gemeinde's seat adds a warning); several
        Gemeinden with that name are told apart by the PLZ; an unknown name is tried fuzzily; without
        a usable name the seat PLZ decides. ``None`` if nothing matches (or stays ambiguous).
        """
        city = (city or "").strip()
        by_plz = self.by_plz(postcode) if postcode else []
        if city:
            named = self.by_name(city)
            if len(named) > 1:
                named = [p for p in named if p in by_plz] or named
            if len(named) == 1:
                place = named[0]
                warns: tuple[str, ...] = ()
                if by_plz and place not in by_plz:
                    warns = (
                        f"PLZ {postcode} ist die Sitz-PLZ von {by_plz[0].short_name}, "
                        f"Ort '{city}' verwendet",
                    )
                return GazetteerMatch(place, "name+plz" if place in by_plz else "name", warns)
            if len(named) > 1:
                return None
            near = self.fuzzy(city)
            if near is not None:
                place, score = near
                return GazetteerMatch(
                    place,
                    "fuzzy",
                    (
                        f"Ort '{city}' als '{place.short_name}' erkannt (ähnlicher Name, {score:.0f} %)",
                    ),
                )
        if len(by_plz) == 1:
            place = by_plz[0]
            warns = (f"Ort '{city}' unbekannt; Gemeinde über die PLZ bestimmt",) if city else ()
            return GazetteerMatch(place, "plz", warns)
        return None

    def resolve(self, text: str) -> Place:
        """A place typed by a user: Gemeinde name or a seat PLZ (``"Münster"``, ``"48143"``).

        Raises
        ------
        DataError
            Not found or ambiguous, with a suggestion when a similar name exists.
        """
        text = text.strip()
        if re.fullmatch(r"\d{4,5}", text):
            hits = self.by_plz(text)
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                names = ", ".join(p.short_name for p in hits)
                raise DataError(
                    f"PLZ {text} ist Sitz-PLZ mehrerer Gemeinden ({names})", field="place"
                )
            raise DataError(
                f"PLZ {text} ist keine Sitz-PLZ einer NRW-Gemeinde (Gemeindename oder 'lat,lon' angeben)",
                field="place",
            )
        match = self.find(text, None)
        if match is None:
            raise DataError(f"Ort '{text}' ist keine NRW-Gemeinde", field="place")
        return match.place


def build_gazetteer(gvisys: pd.DataFrame) -> Gazetteer:
    """Gazetteer from :func:`mapapp.io.datasets.load_gvisys` output."""
    return Gazetteer(gvisys)


# --------------------------------------------------------------------------------------------
# Locator: projection, NRW check, AGS by point-in-polygon
# --------------------------------------------------------------------------------------------

#: Tolerance (metres) around the Land polygon, by boundary product: VG5000 is generalised for
#: 1:5 000 000 (borders move by up to a few km), VG250 for 1:250 000.
NRW_TOLERANCE_M = {"VG5000": 5000.0, "VG250": 500.0}

_TO_METRIC = Transformer.from_crs(CRS_WEB, CRS_METRIC, always_xy=True)
_TO_WEB = Transformer.from_crs(CRS_METRIC, CRS_WEB, always_xy=True)


def to_metric(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees -> EPSG:25832 metres (arrays)."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_web(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:25832 metres -> WGS84 lon, lat degrees (arrays)."""
    lon, lat = _TO_WEB.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


class Locator:
    """NRW membership and Gemeinde AGS of points (EPSG:25832 internally).

    Parameters
    ----------
    gemeinden
        Gemeinde polygons with ``ags`` (8-char) in EPSG:25832.
    kreise
        Kreis polygons with ``ags`` (5-char) and ``name`` in EPSG:25832.
    land
        The NRW polygon (EPSG:25832).
    tolerance_m
        Points up to this distance outside ``land`` still count as NRW (and get the nearest Gemeinde).
    """

    def __init__(
        self,
        gemeinden: Any,
        kreise: Any,
        land: shapely.Geometry,
        tolerance_m: float = 500.0,
    ) -> None:
        if str(gemeinden.crs) != CRS_METRIC and gemeinden.crs != CRS_METRIC:
            gemeinden = gemeinden.to_crs(CRS_METRIC)
        self.gemeinden = gemeinden.reset_index(drop=True)
        self.kreise = kreise.reset_index(drop=True)
        self._ags = self.gemeinden[COL_AGS].astype(str).to_numpy()
        self._geoms = self.gemeinden.geometry.to_numpy()
        self._tree = shapely.STRtree(self._geoms)
        self.tolerance_m = float(tolerance_m)
        self.land = land
        self._land_zone = shapely.buffer(land, self.tolerance_m) if tolerance_m > 0 else land
        shapely.prepare(self._land_zone)
        self._nrw_bounds = shapely.bounds(self._land_zone)

    @classmethod
    def from_boundaries(cls, boundaries: Boundaries, tolerance_m: float | None = None) -> Locator:
        tol = NRW_TOLERANCE_M.get(boundaries.product, 500.0) if tolerance_m is None else tolerance_m
        land = shapely.union_all(boundaries.land.geometry.to_numpy())
        return cls(boundaries.gemeinden, boundaries.kreise, land, tol)

    def in_nrw(self, x: Any, y: Any) -> np.ndarray:
        """Boolean array: points (EPSG:25832) inside NRW plus the tolerance band."""
        xa = np.atleast_1d(np.asarray(x, dtype=float))
        ya = np.atleast_1d(np.asarray(y, dtype=float))
        ok = np.isfinite(xa) & np.isfinite(ya)
        out = np.zeros(xa.shape, dtype=bool)
        if ok.any():
            out[ok] = shapely.contains_xy(self._land_zone, xa[ok], ya[ok])
        return out

    def ags_at(self, x: Any, y: Any) -> list[str | None]:
        """Gemeinde AGS per point (EPSG:25832); nearest Gemeinde within the tolerance, else ``None``."""
        xa = np.atleast_1d(np.asarray(x, dtype=float))
        ya = np.atleast_1d(np.asarray(y, dtype=float))
        result: list[str | None] = [None] * len(xa)
        if len(xa) == 0:
            return result
        points = shapely.points(xa, ya)
        pt_idx, poly_idx = self._tree.query(points, predicate="within")
        for p, g in zip(pt_idx.tolist(), poly_idx.tolist(), strict=True):
            if result[p] is None:
                result[p] = str(self._ags[g])
        missing = [i for i, v in enumerate(result) if v is None and np.isfinite(xa[i])]
        if missing:
            near_pt, near_poly = self._tree.query_nearest(
                points[missing], max_distance=self.tolerance_m, all_matches=False
            )
            for p, g in zip(near_pt.tolist(), near_poly.tolist(), strict=True):
                result[missing[p]] = str(self._ags[g])
        return result

    def kreis_point(self, kreis_ags: str) -> tuple[float, float]:
        """A point guaranteed inside the Kreis polygon (GEOS point-on-surface), WGS84 lon, lat.

        Not the Kreis seat and not the centroid: only "somewhere in the Kreis".
        """
        rows = self.kreise[self.kreise[COL_AGS] == kreis_ags]
        if rows.empty:
            raise DataError(f"Kreis {kreis_ags} nicht in den Grenzen", field="ags")
        pt = shapely.point_on_surface(shapely.union_all(rows.geometry.to_numpy()))
        lon, lat = to_web([pt.x], [pt.y])
        return float(lon[0]), float(lat[0])

    def describe_bounds(self) -> str:
        """NRW bounding box in WGS84 for error messages."""
        x0, y0, x1, y1 = self._nrw_bounds
        lon, lat = to_web([x0, x1], [y0, y1])
        return f"Länge {lon[0]:.2f}–{lon[1]:.2f}, Breite {lat[0]:.2f}–{lat[1]:.2f}"


# --------------------------------------------------------------------------------------------
# Online geocoder (Nominatim-compatible)
# --------------------------------------------------------------------------------------------


class GeocoderError(RuntimeError):
    """The online geocoder could not be asked (network, HTTP status, bad answer)."""


@dataclass(frozen=True)
class GeocodeHit:
    """An online geocoder answer (WGS84 degrees)."""

    lon: float
    lat: float
    precision: Precision
    label: str
    service: str  # host of the geocoder, for the coordinate source


class RateLimiter:
    """At most one call per ``min_interval_s`` seconds, measured with an injectable clock.

    ``clock`` returns seconds (monotonic); ``sleep`` waits. Tests pass a fake pair so nothing
    really sleeps.
    """

    def __init__(
        self,
        min_interval_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval_s = float(min_interval_s)
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        """Block until a call is allowed, then record it."""
        if self._last is not None:
            due = self._last + self.min_interval_s - self._clock()
            if due > 0:
                self._sleep(due)
        self._last = self._clock()


def _precision_of(hit: Mapping[str, Any]) -> Precision:
    kind = str(hit.get("addresstype") or hit.get("type") or "").lower()
    try:
        rank = int(hit.get("place_rank") or 0)
    except (TypeError, ValueError):
        rank = 0
    if kind in {"house", "building"} or rank >= 30:
        return Precision.ADDRESS
    if kind == "postcode":
        return Precision.POSTCODE
    if kind in {"road", "street"} or rank >= 26:
        return Precision.STREET
    return Precision.GEMEINDE_CENTRE


@dataclass
class OnlineGeocoder:
    """Structured ``/search?format=jsonv2`` queries against a Nominatim-compatible service.

    Parameters
    ----------
    base_url
        e.g. ``http://127.0.0.1:8080`` (``/search`` is appended unless the URL already ends with it).
    cache_dir
        Folder for the JSON answer cache; ``None`` disables caching.
    min_interval_s, timeout_s
        Rate limit (seconds between requests) and per-request timeout (seconds).
    clock, sleep
        Injectable time source and wait function for the rate limit.
    """

    base_url: str
    cache_dir: Path | None = None
    user_agent: str = USER_AGENT
    min_interval_s: float = 1.0
    timeout_s: float = 10.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    requests_made: int = 0
    cache_hits: int = 0

    def __post_init__(self) -> None:
        self._limiter = RateLimiter(self.min_interval_s, self.clock, self.sleep)
        url = self.base_url.rstrip("/")
        self._search_url = url if url.endswith("/search") else f"{url}/search"
        self.service = urlsplit(url).netloc or url

    def _cache_path(self, params: Mapping[str, str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = json.dumps([self._search_url, sorted(params.items())], ensure_ascii=False)
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"

    def _fetch(self, params: Mapping[str, str]) -> list[Any]:
        self._limiter.wait()
        self.requests_made += 1
        try:
            resp = self.session.get(
                self._search_url,
                params=dict(params),
                headers={"User-Agent": self.user_agent, "Accept": "application/json"},
                timeout=self.timeout_s,
            )
        except requests.RequestException as exc:
            raise GeocoderError(f"Geocoder {self.service} nicht erreichbar: {exc}") from exc
        if resp.status_code != 200:
            raise GeocoderError(f"Geocoder {self.service} antwortet HTTP {resp.status_code}")
        try:
            data = resp.json()
        except ValueError as exc:
            raise GeocoderError(f"Geocoder {self.service}: Antwort ist kein JSON") from exc
        if not isinstance(data, list):
            raise GeocoderError(f"Geocoder {self.service}: Antwort ist keine Liste")
        return data

    def search(self, params: Mapping[str, str]) -> list[Any]:
        """Raw answer list for ``params`` (``format=jsonv2`` etc. added), from the cache if there."""
        full = {"format": "jsonv2", "limit": "1", "countrycodes": "de", **params}
        path = self._cache_path(full)
        if path is not None and path.exists():
            try:
                cached = json.loads(path.read_text("utf-8"))
                self.cache_hits += 1
                return list(cached["response"])
            except (ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # corrupt cache entry: ask again
        data = self._fetch(full)
        if path is not None:
            payload = {"params": full, "response": data, "fetched": time.time()}
            atomic.write_text(path, json.dumps(payload, ensure_ascii=False))
        return data

    def geocode(
        self, *, street: str | None, postcode: str | None, city: str | None
    ) -> GeocodeHit | None:
        """Geocode an address; ``None`` when the service knows no match.

        Raises
        ------
        GeocoderError
            Network error, timeout, HTTP error or an unreadable answer.
        """
        params = {
            k: v.strip()
            for k, v in (("street", street), ("postalcode", postcode), ("city", city))
            if v and v.strip()
        }
        if not params:
            return None
        hits = parse_hits(self.search(params), self.service)
        if hits:
            return hits[0]
        return None


def parse_hits(hits: Sequence[Any], service: str) -> list[GeocodeHit]:
    """Usable answers of a Nominatim-compatible ``/search`` (finite lat/lon), in service order."""
    out: list[GeocodeHit] = []
    for hit in hits:
        if not isinstance(hit, Mapping):
            continue
        try:
            lat, lon = float(hit["lat"]), float(hit["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (np.isfinite(lat) and np.isfinite(lon)):
            continue
        out.append(
            GeocodeHit(
                lon=lon,
                lat=lat,
                precision=_precision_of(hit),
                label=str(hit.get("display_name") or ""),
                service=service,
            )
        )
    return out


def geocode_cache_dir(settings: Settings) -> Path:
    """Where the online geocoder caches its answers (under the data dir)."""
    return settings.data_dir / "geocode_cache"


def online_geocoder(settings: Settings, **kwargs: Any) -> OnlineGeocoder | None:
    """The configured online geocoder (``MAPAPP_GEOCODER_URL``) with its disk cache, or ``None``."""
    if not settings.geocoder_url:
        return None
    return OnlineGeocoder(settings.geocoder_url, cache_dir=geocode_cache_dir(settings), **kwargs)
