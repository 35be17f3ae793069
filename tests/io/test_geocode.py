"""Gazetteer, locator and the online geocoder (against a fake Nominatim on 127.0.0.1).

Places are SYNTHETIC (tests/fixtures/offers_geography.py) except in the ``data``-marked test, which reads
the real GV-ISys from the mirror.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import shapely

from mapapp.config import USER_AGENT, Settings
from mapapp.io.gazetteer import Gazetteer
from mapapp.io.geocode import GeocoderError, OnlineGeocoder, RateLimiter
from mapapp.io.offers import parse_offers
from mapapp.model import DataError
from mapapp.offers_model import CoordSource, Precision
from mapapp.projection import to_metric
from tests.fixtures.offers_geography import centre, context, gvisys_frame, kreise_frame, lonlat

# ---- offline gazetteer ------------------------------------------------------------------------


@pytest.fixture
def gaz() -> Gazetteer:
    return Gazetteer(gvisys_frame())


def test_gazetteer_name_forms(gaz):
    assert gaz.find("Cstadt", None).place.ags == "05999008"  # "Cstadt, Klingenstadt"
    assert gaz.find("Cstadt, Klingenstadt", None).place.ags == "05999008"
    assert gaz.find("Stadt Aheim", None).place.ags == "05111000"
    assert gaz.find("  AHEIM ", None).place.ags == "05111000"
    assert gaz.find("Cstadt", None).how == "name"


def test_gazetteer_plz_only_and_conflict(gaz):
    by_plz = gaz.find(None, "47551")
    assert by_plz.place.ags == "05999004" and by_plz.how == "plz"
    conflict = gaz.find("Aheim", "47551")
    assert conflict.place.ags == "05111000"
    assert "Sitz-PLZ von Bdorf" in conflict.warnings[0]
    assert gaz.find("Aheim", "40213").how == "name+plz"


def test_gazetteer_fuzzy_with_warning_and_no_match(gaz):
    hit = gaz.find("Cstadtt", None)
    assert (
        hit.place.ags == "05999008" and hit.how == "fuzzy" and "ähnlicher Name" in hit.warnings[0]
    )
    assert gaz.find("Zyxwvu", None) is None
    assert gaz.find("Ahe", None) is None  # too short for fuzzy matching


def test_gazetteer_resolve_for_users(gaz):
    assert gaz.resolve("Bdorf").ags == "05999004"
    assert gaz.resolve("42651").ags == "05999008"
    with pytest.raises(DataError, match="keine NRW-Gemeinde"):
        gaz.resolve("Atlantis")
    with pytest.raises(DataError, match="keine Sitz-PLZ"):
        gaz.resolve("99999")


@pytest.mark.data
def test_real_gvisys_name_forms(real_data_dir):
    from mapapp.io.datasets import load_gvisys

    frame = load_gvisys(Settings(data_dir=real_data_dir))
    g = Gazetteer(frame)
    solingen = frame[frame["name"] == "Solingen, Klingenstadt"].iloc[0]
    assert g.resolve("Solingen").ags == solingen["ags"]
    assert g.resolve(solingen["plz"]).ags == solingen["ags"]  # the seat PLZ from the same table
    stolberg = frame[frame["name"].str.startswith("Stolberg (Rhld.)")].iloc[0]
    assert g.resolve("Stolberg").ags == stolberg["ags"]
    koeln = frame[frame["name"] == "Köln, Stadt"].iloc[0]
    assert g.resolve("Koeln").ags == koeln["ags"] == g.resolve("köln").ags


# ---- locator ------------------------------------------------------------------------------


def test_locator_nrw_membership_and_ags():
    loc = context(tolerance_m=500).locator
    xs = np.array([375_000, 425_000, 425_000, 349_700, 349_000, np.nan])
    ys = np.array([5_700_000, 5_725_000, 5_675_000, 5_700_000, 5_700_000, 5_700_000])
    assert loc.in_nrw(xs, ys).tolist() == [True, True, True, True, False, False]
    assert loc.ags_at(xs, ys) == ["05111000", "05999004", "05999008", "05111000", None, None]


def test_kreis_point_lies_in_the_kreis():
    loc = context().locator
    lon, lat = loc.kreis_point("05999")
    x, y = to_metric([lon], [lat])
    kreis = kreise_frame().set_index("ags").geometry["05999"]
    assert kreis.contains(shapely.Point(x[0], y[0]))
    with pytest.raises(DataError):
        loc.kreis_point("05000")


# ---- rate limiter -------------------------------------------------------------------------


class FakeClock:
    """Monotonic time that only moves when told to (sleep advances it)."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def test_rate_limiter_waits_only_as_long_as_needed():
    clock = FakeClock()
    lim = RateLimiter(1.0, clock.now, clock.sleep)
    lim.wait()
    lim.wait()
    clock.t += 0.25
    lim.wait()
    clock.t += 3.0
    lim.wait()
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(0.75)]


# ---- fake Nominatim on 127.0.0.1 ----------------------------------------------------------------

HIT_XY = (430_000, 5_680_000)  # synthetic, inside Cstadt


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        srv = self.server
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        srv.log.append(
            {
                "path": url.path,
                "params": params,
                "ua": self.headers.get("User-Agent"),
                "t": srv.clock.now(),
            }
        )
        street = params.get("street", "")
        status, body = 200, []
        if "Fehler" in street:
            status, body = 500, {"error": "boom"}
        elif "Teststraße" in street:
            lon, lat = lonlat(*HIT_XY)
            body = [{"lat": f"{lat}", "lon": f"{lon}", "place_rank": 30, "addresstype": "house",
                     "display_name": "Teststraße 5, Cstadt"}]  # fmt: skip
        elif "Nurstraße" in street:
            lon, lat = lonlat(*HIT_XY)
            body = [{"lat": f"{lat}", "lon": f"{lon}", "place_rank": 26, "addresstype": "road"}]
        elif params.get("city") == "Synth-Ortsteil":
            lon, lat = lonlat(*HIT_XY)
            body = [{"lat": f"{lat}", "lon": f"{lon}", "place_rank": 19, "addresstype": "suburb"}]
        elif "Ausland" in street:
            body = [{"lat": "48.137", "lon": "11.575", "place_rank": 30, "addresstype": "house"}]
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@pytest.fixture
def fake_nominatim() -> Iterator[tuple[str, ThreadingHTTPServer, FakeClock]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.log = []
    server.clock = FakeClock()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server, server.clock
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _geocoder(url, clock, cache_dir):
    return OnlineGeocoder(url, cache_dir=cache_dir, clock=clock.now, sleep=clock.sleep, timeout_s=5)


@pytest.mark.web
def test_geocoder_request_user_agent_and_answer(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    gc = _geocoder(url, clock, tmp_path / "cache")
    hit = gc.geocode(street="Teststraße 5", postcode="42651", city="Cstadt")
    assert hit is not None and hit.precision is Precision.ADDRESS
    assert (hit.lon, hit.lat) == pytest.approx(lonlat(*HIT_XY))
    (req,) = server.log
    assert req["path"] == "/search" and req["ua"] == USER_AGENT
    assert req["params"] == {
        "format": "jsonv2", "limit": "1", "countrycodes": "de",
        "street": "Teststraße 5", "postalcode": "42651", "city": "Cstadt",
    }  # fmt: skip
    assert gc.geocode(street="Unbekannt 1", postcode=None, city="Cstadt") is None


@pytest.mark.web
def test_geocoder_rate_limit_uses_injected_clock(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    gc = _geocoder(url, clock, None)
    for i in range(3):
        gc.geocode(street=f"Unbekannt {i}", postcode=None, city="Cstadt")
    times = [r["t"] for r in server.log]
    assert len(times) == 3
    assert all(b - a >= 1.0 for a, b in zip(times, times[1:], strict=False))
    assert clock.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]


@pytest.mark.web
def test_geocoder_disk_cache_hit_on_second_call(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    cache = tmp_path / "cache"
    gc = _geocoder(url, clock, cache)
    first = gc.geocode(street="Teststraße 5", postcode=None, city="Cstadt")
    second = gc.geocode(street="Teststraße 5", postcode=None, city="Cstadt")
    assert first == second and len(server.log) == 1
    assert (gc.requests_made, gc.cache_hits) == (1, 1)
    # a new instance (next app start) reads the same on-disk cache, "not found" included
    gc.geocode(street="Unbekannt", postcode=None, city="Cstadt")
    gc2 = _geocoder(url, clock, cache)
    assert gc2.geocode(street="Teststraße 5", postcode=None, city="Cstadt") == first
    assert gc2.geocode(street="Unbekannt", postcode=None, city="Cstadt") is None
    assert gc2.requests_made == 0 and len(server.log) == 2
    assert len(list(cache.glob("*.json"))) == 2


@pytest.mark.web
def test_geocoder_errors_raise_and_are_not_cached(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    gc = _geocoder(url, clock, tmp_path / "cache")
    for _ in range(2):
        with pytest.raises(GeocoderError, match="HTTP 500"):
            gc.geocode(street="Fehler 1", postcode=None, city="Cstadt")
    assert len(server.log) == 2
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    with pytest.raises(GeocoderError, match="nicht erreichbar"):
        _geocoder(dead, clock, None).geocode(street="X 1", postcode=None, city="Cstadt")


@pytest.mark.web
def test_import_uses_online_geocoder_after_gazetteer(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    ctx = context(geocoder=_geocoder(url, clock, tmp_path / "cache"))
    text = (
        "Name;Straße;Ort\n"
        "Adresse;Teststraße 5;Cstadt\n"
        "Straße;Nurstraße;Cstadt\n"
        "Unbekannt;Unbekannt 3;Cstadt\n"
        "Ausland;Auslandweg 1;Cstadt\n"
        "Ohne Straße;;Aheim\n"
    )
    res = parse_offers(text.encode(), "a.csv", ctx)
    adr, street, unknown, abroad, no_street = res.offers
    assert adr.precision is Precision.ADDRESS and adr.coord_source is CoordSource.GEOCODER
    assert adr.ags == "05999008"
    assert street.precision is Precision.STREET
    for o in (unknown, abroad):
        assert o.precision is Precision.GEMEINDE_CENTRE and o.coord_source is CoordSource.GAZETTEER
        assert (o.lon, o.lat) == pytest.approx(centre("05999008"))
    assert any(w.row == 5 and "außerhalb von NRW" in w.message for w in res.report.warnings)
    assert no_street.coord_source is CoordSource.GAZETTEER
    assert len(server.log) == 4  # the row without a street is not sent online


@pytest.mark.web
def test_import_goes_offline_after_repeated_geocoder_failures(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    ctx = context(geocoder=_geocoder(url, clock, None))
    rows = "".join(f"F{i};Fehlerweg {i};Cstadt\n" for i in range(6))
    res = parse_offers(("Name;Straße;Ort\n" + rows).encode(), "a.csv", ctx)
    assert res.report.accepted == 6 and res.report.rejected == []
    assert len(server.log) == 3
    assert any("Rest der Datei offline" in w.message for w in res.report.warnings)


@pytest.mark.web
def test_place_unknown_offline_is_asked_online(fake_nominatim, tmp_path):
    url, server, clock = fake_nominatim
    ctx = context(geocoder=_geocoder(url, clock, None))
    res = parse_offers(b"Name;Ort\nX;Synth-Ortsteil\nY;Atlantis\n", "a.csv", ctx)
    (x,) = res.offers
    assert x.coord_source is CoordSource.GEOCODER and x.ags == "05999008"
    assert x.precision is Precision.GEMEINDE_CENTRE  # a town-level answer stays approximate
    assert [(r.row, r.field) for r in res.report.rejected] == [(3, "city")]
    assert len(server.log) == 2
