"""Spatial queries in PostGIS give the same results as the in-memory path: the nearest offers
(same offers, order and distances, with filters, excluded categories, a distance bound and the
Kreis's offers without a location) and the offers within a Kreis. SYNTHETIC offers."""

from __future__ import annotations

import random

import pytest
import shapely

from mapapp.analysis.offers import OfferFilter, OfferIndex
from mapapp.config import get_settings
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.services.offers_spatial import nearest_hits, offers_within, offers_within_kreis
from mapapp.store import spatial
from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import BACKENDS, database_url

CATS = [OfferCategory.MBE, OfferCategory.JMD, OfferCategory.SPRACHKURS, OfferCategory.ABH]


def _offers(n: int, seed: int = 3) -> list[Offer]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lon, lat = 6.9 + rng.random() * 0.4, 50.9 + rng.random() * 0.3
        if i % 10 == 3:  # two offers at the same point: ties are ordered by id
            lon, lat = out[-1].lon, out[-1].lat
        kreis_area = i % 17 == 5
        out.append(
            Offer(
                id=f"s-{(i * 7919) % 1000:03d}-{i}",
                name=f"SYNTHETIC {i}",
                category=CATS[i % len(CATS)],
                lon=None if kreis_area else lon,
                lat=None if kreis_area else lat,
                kreis_ags="05111" if i % 2 else "05901",
                precision=Precision.KREIS_AREA if kreis_area else Precision.ADDRESS,
                coord_source=CoordSource.FILE,
                languages=("de", "ar") if i % 3 == 0 else ("de",),
            )
        )
    return out


def _key(hits):  # type: ignore[no-untyped-def]
    return [(h.offer.id, None if h.distance_m is None else round(h.distance_m, 3)) for h in hits]


@pytest.mark.parametrize("backend", BACKENDS)
def test_nearest_in_the_database_equals_the_index(backend: str, tmp_path) -> None:
    with database_url(backend, tmp_path) as url:
        store = SqlOfferStore(url)
        store.upsert(_offers(300))
        assert spatial.available(store) is (backend == "postgres")
        index = OfferIndex(store.all())
        rng = random.Random(5)
        filters = [
            None,
            OfferFilter(categories=frozenset({OfferCategory.JMD})),
            OfferFilter(languages=frozenset({"ar"})),
        ]
        for _ in range(8):
            lon, lat = 6.85 + rng.random() * 0.5, 50.85 + rng.random() * 0.4
            for flt in filters:
                for limit, bound in ((1, None), (7, None), (25, 9000.0)):
                    kw = {
                        "limit": limit,
                        "flt": flt,
                        "max_distance_m": bound,
                        "kreis_ags": "05901",
                        "exclude": frozenset({OfferCategory.ABH}),
                    }
                    expected = index.nearest(lon, lat, **kw)  # type: ignore[arg-type]
                    got = nearest_hits(store, lon, lat, **kw)  # type: ignore[arg-type]
                    assert _key(got) == _key(expected)
                    if flt is None:  # the Kreis's offers without a location follow
                        assert any(h.distance_m is None for h in got)


@pytest.mark.parametrize("backend", BACKENDS)
def test_nearest_when_degrees_and_metres_disagree(backend: str, tmp_path) -> None:
    """At 51° N a degree of longitude is 70 km, one of latitude 111 km: the offer nearest in
    metres (east) comes after 30 others in the index's degree order (north)."""
    north = [
        Offer(
            id=f"n-{i:02d}",
            name="SYNTHETIC Nord",
            category=OfferCategory.MBE,
            lon=7.0,
            lat=51.0 + 0.008 + i * 0.00002,
            precision=Precision.ADDRESS,
            coord_source=CoordSource.FILE,
        )
        for i in range(30)
    ]
    east = north[0].with_changes(id="z-east", lon=7.010, lat=51.0)
    with database_url(backend, tmp_path) as url:
        store = SqlOfferStore(url)
        store.upsert([*north, east])
        hits = nearest_hits(store, 7.0, 51.0, limit=2)
        assert [h.offer.id for h in hits] == ["z-east", "n-00"]
        assert _key(hits) == _key(OfferIndex(store.all()).nearest(7.0, 51.0, limit=2))


@pytest.mark.parametrize("backend", BACKENDS)
def test_offers_within_an_area_and_a_kreis(backend: str, tmp_path, toy_data_dir) -> None:
    with database_url(backend, tmp_path) as url:
        store = SqlOfferStore(url)
        offers = _offers(200)
        store.upsert(offers)
        area = shapely.box(7.0, 50.95, 7.2, 51.1)
        expected = sorted(
            (o for o in offers if o.located and area.contains(shapely.Point(o.lon, o.lat))),
            key=lambda o: o.id,
        )
        assert [o.id for o in offers_within(store, area)] == [o.id for o in expected] != []
        # the toy Kreise: offers at the seed points, found by the boundary, not by their AGS
        from tests.fixtures.toy_world import SEED_OFFERS, lonlat

        seeded = [
            Offer(
                id=f"k-{i}",
                name="SYNTHETIC",
                category=OfferCategory.MBE,
                lon=lonlat(*t.at_km)[0],
                lat=lonlat(*t.at_km)[1],
                kreis_ags=None,
                precision=Precision.ADDRESS,
                coord_source=CoordSource.FILE,
            )
            for i, t in enumerate(SEED_OFFERS)
        ]
        store.upsert(seeded)
        for kreis in ("05111", "05901", "05902"):
            found = {o.id for o in offers_within_kreis(get_settings(), store, kreis)}
            want = {f"k-{i}" for i, t in enumerate(SEED_OFFERS) if t.kreis_ags == kreis}
            assert found == want != set()
