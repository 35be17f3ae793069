"""resolve_search: what a user types -> a point (shared by the page and `mapapp offers near`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mapapp.io.gazetteer import build_gazetteer
from mapapp.io.geocode import GeocoderError
from mapapp.model import DataError
from mapapp.services.offers import resolve_search

# Two toy Gemeinden (synthetic names and coordinates, for tests only)
PLACES = pd.DataFrame(
    [
        {"ags": "05515000", "name": "Münster, Stadt", "plz": "48143", "lon": 7.6, "lat": 51.95},
        {"ags": "05958004", "name": "Bünde, Stadt", "plz": "32257", "lon": 8.57, "lat": 52.2},
    ]
)


@dataclass
class FakeLocator:
    inside: bool = True

    def in_nrw(self, x: Any, y: Any) -> np.ndarray:
        return np.array([self.inside] * len(np.atleast_1d(x)))


@dataclass
class FakeGeocoder:
    hits: list[dict[str, Any]]
    fail: bool = False
    calls: list[dict[str, str]] = field(default_factory=list)
    service: str = "geocoder.test"

    def search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        self.calls.append(params)
        if self.fail:
            raise GeocoderError("down")
        return self.hits


@dataclass
class Ctx:
    gazetteer: Any
    locator: Any
    geocoder: Any = None
    plz: Any = None  # no PLZ centres, no OpenStreetMap extract: the Gemeinde level only
    osm: Any = None


def ctx(geocoder: Any = None, inside: bool = True) -> Any:
    return Ctx(build_gazetteer(PLACES), FakeLocator(inside), geocoder)


def test_lat_lon_is_taken_as_is() -> None:
    p = resolve_search("51.96, 7.63", ctx())
    assert (p.lat, p.lon, p.approximate) == (51.96, 7.63, False)
    with pytest.raises(DataError):
        resolve_search("951.0, 7.6", ctx())


@pytest.mark.parametrize(
    "text",
    ["Münster", "muenster", "48143", "Klemensstraße 10, 48143 Münster", "Hafenweg 3, Münster"],
)
def test_offline_finds_the_gemeinde_centre_also_inside_an_address(text: str) -> None:
    p = resolve_search(text, ctx())
    assert p.ags == "05515000" and p.approximate
    assert (p.lon, p.lat) == (7.6, 51.95)
    assert "Gemeindezentrum" in p.label


def test_unknown_place_names_the_field() -> None:
    with pytest.raises(DataError) as err:
        resolve_search("Atlantis", ctx())
    assert err.value.field == "place"
    with pytest.raises(DataError):
        resolve_search("   ", ctx())


def test_online_geocoder_is_used_for_addresses_when_configured() -> None:
    geo = FakeGeocoder(
        [{"lat": "51.9613", "lon": "7.6293", "display_name": "Klemensstraße 10, Münster"}]
    )
    p = resolve_search("Klemensstraße 10, 48143 Münster", ctx(geo))
    assert (p.lat, p.lon, p.approximate) == (51.9613, 7.6293, False)
    assert geo.calls == [{"q": "Klemensstraße 10, 48143 Münster", "countrycodes": "de"}]


def test_online_hits_outside_nrw_and_failures_fall_back_to_offline() -> None:
    far = FakeGeocoder([{"lat": "48.1", "lon": "11.5", "display_name": "München"}])
    assert (
        resolve_search("Klemensstraße 10, 48143 Münster", ctx(far, inside=False)).ags == "05515000"
    )
    down = FakeGeocoder([], fail=True)
    assert resolve_search("Klemensstraße 10, 48143 Münster", ctx(down)).ags == "05515000"


def test_plain_place_names_do_not_call_the_geocoder_when_the_gazetteer_knows_them() -> None:
    geo = FakeGeocoder([])
    assert resolve_search("Bünde", ctx(geo)).ags == "05958004"
    assert geo.calls == []


def test_lat_lon_outside_nrw_is_refused_in_one_sentence() -> None:
    """'0,0' used to give offers 5,665 km away; a point must lie in NRW (Land + tolerance)."""
    from tests.fixtures.offers_geography import context, lonlat

    real = context(tolerance_m=500.0)  # SYNTHETIC Land square x 350-450 km, y 5650-5750 km
    lon, lat = lonlat(400_000, 5_700_000)
    assert resolve_search(f"{lat:.6f},{lon:.6f}", real).approximate is False
    lon, lat = lonlat(349_700, 5_700_000)  # 300 m outside: inside the tolerance band
    assert resolve_search(f"{lat:.6f},{lon:.6f}", real).lat == pytest.approx(lat, abs=1e-6)
    for text in ("0,0", "0.0, 0.0", "48.14,11.58"):
        with pytest.raises(DataError) as err:
            resolve_search(text, real)
        assert err.value.field == "place"
        assert f"{text} liegt außerhalb von NRW" in str(err.value)
        assert "\n" not in str(err.value)
    lon, lat = lonlat(348_000, 5_700_000)  # 2 km outside
    with pytest.raises(DataError, match="außerhalb von NRW"):
        resolve_search(f"{lat:.6f},{lon:.6f}", real)
    lon, lat = lonlat(400_000, 5_700_000)
    with pytest.raises(DataError, match="vertauscht"):
        resolve_search(f"{lon:.6f},{lat:.6f}", real)
    with pytest.raises(DataError, match="außerhalb von NRW"):
        resolve_search("51.96,7.63", ctx(inside=False))  # the page's locator says no
