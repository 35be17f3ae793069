"""The optional online geocoder (:class:`OnlineGeocoder`, when ``settings.geocoder_url`` is set).

A Nominatim-compatible ``/search?format=jsonv2`` service, asked with a structured query (street,
postalcode, city, countrycodes=de). It sends :data:`mapapp.config.USER_AGENT`, makes at most one
request per ``min_interval_s`` (1 s, the Nominatim usage policy) through an injectable clock, times
out, and caches every answer (also "not found") as JSON files under ``<data_dir>/geocode_cache``,
so a re-import asks nothing twice.

The offline tools used before it are :mod:`mapapp.io.gazetteer` (Gemeinde names and seat PLZ) and
:mod:`mapapp.io.locator` (NRW check, AGS by point-in-polygon, projections).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import requests

from mapapp.config import USER_AGENT, Settings
from mapapp.io import atomic
from mapapp.offers_model import Precision

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


__all__ = [
    "GeocodeHit",
    "GeocoderError",
    "OnlineGeocoder",
    "RateLimiter",
    "geocode_cache_dir",
    "online_geocoder",
    "parse_hits",
]
