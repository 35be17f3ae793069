"""Offers known only by their Kreis (precision ``kreis_area``): no point, no distance, not drawn.

SYNTHETIC offers on the toy world's positions (:mod:`tests.fixtures.toy_world`).
"""

from __future__ import annotations

import json
import math

from mapapp.analysis.coverage.offers import select_offers
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.offers import OfferFilter, OfferIndex, offers_frame
from mapapp.io.offers_export import offers_to_csv, offers_to_geojson
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.render.offers_payload import filter_bbox, offers_payload
from tests.fixtures import toy_world as toy

ABH = OfferCategory.ABH


def located(name: str, at_km: tuple[float, float], kreis: str) -> Offer:
    lon, lat = toy.lonlat(*at_km)
    return Offer(
        id=name, name=name, category=ABH, lon=lon, lat=lat,
        precision=Precision.KREIS_SEAT_CENTRE, coord_source=CoordSource.GAZETTEER, kreis_ags=kreis,
    )  # fmt: skip


def kreis_only(name: str, kreis: str) -> Offer:
    return Offer(
        id=name, name=name, category=ABH, lon=None, lat=None, precision=Precision.KREIS_AREA,
        coord_source=CoordSource.BOUNDARY, kreis_ags=kreis,
    )  # fmt: skip


OFFERS = [
    located("A", (5.0, 15.0), "05111"),
    kreis_only("N", "05901"),
    located("S", (25.0, 5.0), "05902"),
    kreis_only("S2", "05902"),
]


def test_model_has_no_point_for_kreis_area_even_from_an_old_record() -> None:
    rec = {**OFFERS[0].to_record(), "precision": "kreis_area"}  # an older store kept a Kreis point
    old = Offer.from_record(rec)
    assert (old.lon, old.lat, old.located, old.lonlat) == (None, None, False, None)
    back = Offer.from_record(json.loads(json.dumps(OFFERS[1].to_record())))
    assert back == OFFERS[1] and not back.located


def test_nearest_never_measures_to_an_offer_without_a_location() -> None:
    index = OfferIndex(OFFERS)
    lon, lat = toy.lonlat(15.0, 15.0)  # Betadorf, in Nordkreis
    hits = index.nearest(lon, lat, limit=10)
    assert [h.offer.name for h in hits] == ["A", "S"]
    assert all(h.distance_m is not None for h in hits)
    assert hits[0].distance_m is not None and math.isclose(hits[0].distance_m, 10_000)
    # the searched Kreis's offers without a location follow, without a distance
    hits = index.nearest(lon, lat, limit=1, kreis_ags="05901")
    assert [(h.offer.name, h.distance_m) for h in hits] == [("A", hits[0].distance_m), ("N", None)]
    assert hits[-1].to_dict()["distance_m"] is None and hits[-1].to_dict()["lat"] is None
    assert index.unlocated("05902", OfferFilter.of(categories=["auslaenderbehoerde"])) == [
        OFFERS[3]
    ]
    assert len(index) == 4 and index.category_counts() == {"auslaenderbehoerde": 4}


def test_index_of_only_unlocated_offers_finds_nothing_to_measure() -> None:
    index = OfferIndex([OFFERS[1]])
    lon, lat = toy.lonlat(15.0, 15.0)
    assert index.nearest(lon, lat) == []
    assert [h.distance_m for h in index.nearest(lon, lat, kreis_ags="05901")] == [None]


def test_frame_map_payload_exports_and_coverage_leave_the_point_out() -> None:
    frame = offers_frame(OFFERS)
    assert frame.geometry.isna().tolist() == [False, True, False, True]
    assert frame["lat"].isna().tolist() == [False, True, False, True]
    assert [o.name for o in filter_bbox(OFFERS, None)] == ["A", "S"]
    assert len(offers_payload(OFFERS)["lat"]) == 2
    geo = offers_to_geojson(OFFERS, "SYNTHETIC")
    assert [f["geometry"] is None for f in geo["features"]] == [False, True, False, True]
    row = next(line for line in offers_to_csv(OFFERS).splitlines() if line[:2] == "N,")
    assert ",,," in row  # empty lat/lon
    for include in (True, False):
        kept = select_offers(frame, CoverageParams(categories=(), include_kreis_area=include))
        assert kept["id"].tolist() == (["A", "S"] if include else [])
