"""``mapapp serve-api`` against a real OGC API client (OWSLib) on the SYNTHETIC toy world.

The test starts the real command in a subprocess on 127.0.0.1 (free port, toy data directory),
waits until it answers, and compares what OWSLib reads with the store and the services.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from owslib.ogcapi.features import Features

from mapapp.config import get_settings
from mapapp.services import api_features
from mapapp.services.offers import load_offers, open_store
from tests.fixtures.toy_files import ToyData

pytestmark = pytest.mark.web

STARTUP_S = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve-api ended early:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/collections?f=json", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(
        f"serve-api did not answer within {STARTUP_S} s:\n{log.read_text(errors='replace')}"
    )


@pytest.fixture
def api(toy_data_dir: ToyData, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = tmp_path / "serve-api.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mapapp.cli",
                "serve-api",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ),
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _items(client: Features, name: str, **params: object) -> dict:
    return client.collection_items(name, **params)


def test_collections_counts_bbox_filter_paging(api: str) -> None:
    client = Features(api)
    names = {c["id"] for c in client.collections()["collections"]}
    assert names == {"offers", "funded_units", "gemeinden_coverage"}

    settings = get_settings()
    offers = load_offers(settings)
    everything = _items(client, "offers", limit=1000)
    assert everything["numberMatched"] == len(offers)
    assert sorted(f["id"] for f in everything["features"]) == sorted(o.id for o in offers)
    by_id = {f["id"]: f for f in everything["features"]}
    for o in offers:  # the properties are the store's record
        props = by_id[o.id]["properties"]
        assert props["name"] == o.name and props["category"] == o.category.value
        geom = by_id[o.id]["geometry"]
        assert (geom is None) == (o.lonlat is None)
        if o.lonlat is not None:
            assert geom["coordinates"] == pytest.approx(list(o.lonlat))

    # bbox: exactly the offers inside (a box around the first two located offers)
    located = sorted((o for o in offers if o.lonlat), key=lambda o: o.lonlat)
    assert len(located) >= 3
    lons = [located[0].lon, located[1].lon]
    lats = [located[0].lat, located[1].lat]
    bbox = [min(lons) - 1e-4, min(lats) - 1e-4, max(lons) + 1e-4, max(lats) + 1e-4]
    inside = {
        o.id
        for o in offers
        if o.lonlat and bbox[0] <= o.lon <= bbox[2] and bbox[1] <= o.lat <= bbox[3]
    }
    got = _items(client, "offers", bbox=bbox, limit=1000)
    assert {f["id"] for f in got["features"]} == inside
    assert got["numberMatched"] == len(inside) < len(offers)

    # category filter
    category = offers[0].category.value
    want = {o.id for o in offers if o.category.value == category}
    got = _items(client, "offers", category=category, limit=1000)
    assert {f["id"] for f in got["features"]} == want
    assert all(f["properties"]["category"] == category for f in got["features"])

    # limit/offset paging walks every offer once
    seen: list[str] = []
    for offset in range(0, len(offers), 3):
        page = _items(client, "offers", limit=3, offset=offset)
        assert page["numberMatched"] == len(offers)
        assert len(page["features"]) == min(3, len(offers) - offset)
        seen += [f["id"] for f in page["features"]]
    assert sorted(seen) == sorted(o.id for o in offers)

    # funded units and the default coverage: counts equal the services, geometry polygons
    funded = api_features.funded_unit_features(settings)
    got = _items(client, "funded_units", limit=1000)
    assert got["numberMatched"] == len(funded.features) > 0
    assert {f["id"] for f in got["features"]} == {f["id"] for f in funded.features}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in got["features"])

    coverage = _items(client, "gemeinden_coverage", limit=1000)
    stored = json.loads(api_features.coverage_path(settings).read_text(encoding="utf-8"))
    assert coverage["numberMatched"] == len(stored["features"]) > 0
    assert {f["id"] for f in coverage["features"]} == {
        f["properties"]["ags"] for f in stored["features"]
    }
    assert all(f["properties"]["method"] == "nearest" for f in coverage["features"])


def test_a_store_change_shows_while_the_server_runs(api: str) -> None:
    client = Features(api)
    before = _items(client, "offers", limit=1000)["numberMatched"]
    store = open_store(get_settings())
    template = next(o for o in store.all() if o.lonlat)
    store.upsert([replace(template, id="toy-api-new", name="SYNTHETIC new offer")])
    after = _items(client, "offers", limit=1000)
    assert after["numberMatched"] == before + 1
    assert "toy-api-new" in {f["id"] for f in after["features"]}
    item = client.collection_item("offers", "toy-api-new")
    assert item["properties"]["name"] == "SYNTHETIC new offer"


def test_no_html_pages_so_offer_text_never_runs_as_code(api: str) -> None:
    """pygeoapi's HTML templates would put an offer's name into a script; the server answers in
    JSON only, also to a browser that asks for HTML."""
    store = open_store(get_settings())
    template = next(o for o in store.all() if o.lonlat)
    hostile = "</script><script>alert(1)</script>' + alert(2) + '"
    store.upsert([replace(template, id="toy-api-xss", name=hostile)])
    items = f"{api}/collections/offers/items"
    try:
        urllib.request.urlopen(f"{items}?f=html", timeout=30)
        raise AssertionError("f=html was answered")
    except urllib.error.HTTPError as err:
        assert err.code == 406
        assert json.loads(err.read())["code"] == "NotAcceptable"
    browser = urllib.request.Request(
        f"{items}?limit=1000", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    with urllib.request.urlopen(browser, timeout=30) as r:
        assert "json" in r.headers["Content-Type"]
        body = json.loads(r.read())
    names = {f["id"]: f["properties"]["name"] for f in body["features"]}
    assert names["toy-api-xss"] == hostile  # the text is data, kept as it was
