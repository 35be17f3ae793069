"""Nearest search and filters, checked against a naive reference on SYNTHETIC offers."""

from __future__ import annotations

import numpy as np
import pytest

from mapapp.analysis.offers import (
    OfferFilter,
    OfferIndex,
    filter_offers,
    nearest_offers,
    offers_frame,
)
from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision, TargetGroup
from mapapp.projection import to_metric
from mapapp.store import SqliteOfferStore
from tests.fixtures.offers_geography import lonlat

CATS = [OfferCategory.MBE, OfferCategory.JMD, OfferCategory.KI, OfferCategory.SPRACHKURS]
LANGS = [("de",), ("de", "ar"), ("tr",), ()]
GROUPS = [(), (TargetGroup.ALL,), (TargetGroup.YOUTH,), (TargetGroup.WOMEN, TargetGroup.FAMILIES)]


def synthetic_offers(n: int, seed: int = 1) -> list[Offer]:
    rng = np.random.default_rng(seed)
    xs = rng.uniform(350_000, 450_000, n)
    ys = rng.uniform(5_650_000, 5_750_000, n)
    out = []
    for i in range(n):
        lon, lat = lonlat(xs[i], ys[i])
        out.append(
            Offer(
                id=f"s-{i}",
                name=f"Synthetisch {i}",
                category=CATS[i % 4],
                lon=lon,
                lat=lat,
                precision=Precision.ADDRESS,
                coord_source=CoordSource.FILE,
                languages=LANGS[(i // 4) % 4],
                target_groups=GROUPS[(i // 16) % 4],
                barrier_free=list(Accessibility)[i % 3],
            )
        )
    return out


def naive(offers, lon, lat, limit, flt=None):
    """Reference: every distance, sorted (straight line in EPSG:25832)."""
    qx, qy = to_metric([lon], [lat])
    rows = []
    for pos, o in enumerate(offers):
        if flt is not None and not flt.matches(o):
            continue
        x, y = to_metric([o.lon], [o.lat])
        rows.append((float(np.hypot(x[0] - qx[0], y[0] - qy[0])), pos, o.id))
    rows.sort()
    return [(r[2], r[0]) for r in rows[:limit]]


OFFERS = synthetic_offers(600)
INDEX = OfferIndex(OFFERS)
QUERY = lonlat(401_234, 5_699_876)

FILTERS = [
    None,
    OfferFilter(categories=frozenset({OfferCategory.JMD})),
    OfferFilter(languages=frozenset({"ar"})),
    OfferFilter(languages=frozenset({"ar", "tr"}), barrier_free=True),
    OfferFilter(target_groups=frozenset({TargetGroup.YOUTH})),
    OfferFilter(target_groups=frozenset({TargetGroup.WOMEN}), include_unknown_target_group=True),
    OfferFilter(categories=frozenset({OfferCategory.KI}), languages=frozenset({"de"})),
    OfferFilter(languages=frozenset({"xx"})),
]


@pytest.mark.parametrize("flt", FILTERS)
@pytest.mark.parametrize("limit", [1, 7, 200])
def test_nearest_matches_naive_reference(flt, limit):
    got = INDEX.nearest(*QUERY, limit=limit, flt=flt)
    want = naive(OFFERS, *QUERY, limit, flt)
    assert [h.offer.id for h in got] == [w[0] for w in want]
    assert [h.distance_m for h in got] == pytest.approx([w[1] for w in want], abs=1e-6)


def test_mask_equals_reference_filter():
    for flt in FILTERS[1:]:
        assert INDEX.mask(flt).tolist() == [flt.matches(o) for o in OFFERS]
        assert filter_offers(OFFERS, flt) == [o for o in OFFERS if flt.matches(o)]


def test_hand_computed_distances():
    a = Offer(
        "a", "A", OfferCategory.KI, *lonlat(400_000, 5_700_000), Precision.ADDRESS, CoordSource.FILE
    )
    b = Offer(
        "b", "B", OfferCategory.KI, *lonlat(403_000, 5_704_000), Precision.ADDRESS, CoordSource.FILE
    )
    hits = nearest_offers([b, a], *lonlat(400_000, 5_700_000), limit=5)
    assert [h.offer.id for h in hits] == ["a", "b"]
    assert hits[0].distance_m == pytest.approx(0.0, abs=1e-3)
    assert hits[1].distance_m == pytest.approx(5000.0, abs=1e-3)  # 3-4-5 triangle
    within = nearest_offers([b, a], *lonlat(400_000, 5_700_000), limit=5, max_distance_m=4999)
    assert [h.offer.id for h in within] == ["a"]
    d = hits[1].to_dict()
    assert {"name", "category", "distance_m", "lat", "lon"} <= set(d)
    assert d["distance_m"] == 5000.0


def test_empty_and_no_match():
    assert OfferIndex([]).nearest(7.0, 51.0) == []
    assert INDEX.nearest(*QUERY, limit=0) == []
    assert INDEX.nearest(*QUERY, flt=OfferFilter(languages=frozenset({"xx"}))) == []


def test_filter_of_strings_validates():
    flt = OfferFilter.of(
        categories=["jugendmigrationsdienst"], languages=["AR"], target_groups=["women"]
    )
    assert flt.categories == {OfferCategory.JMD} and flt.languages == {"ar"}
    with pytest.raises(ValueError):
        OfferFilter.of(categories=["gibt_es_nicht"])


def test_offer_index_is_rebuilt_only_when_data_changes(tmp_path, monkeypatch):
    """The app's one offer cache (``ui/cached.py``), keyed by the store's data version."""
    from mapapp.services import offers as offer_service
    from mapapp.ui import cached

    store = SqliteOfferStore(tmp_path / "o.sqlite")
    store.upsert(OFFERS[:10])
    monkeypatch.setattr(offer_service, "open_store", lambda settings, ctx=None: store)

    def offer_index(store):
        return cached.offer_index((store.location, store.data_version()))

    first = offer_index(store)
    assert offer_index(store) is first
    store.upsert(OFFERS[10:12])
    second = offer_index(store)
    assert second is not first and len(second) == 12


def test_offers_frame_is_metric():
    frame = offers_frame(OFFERS[:3])
    assert frame.crs.to_epsg() == 25832
    x, y = to_metric([OFFERS[0].lon], [OFFERS[0].lat])
    assert frame.geometry.iloc[0].x == pytest.approx(x[0])
    assert frame.loc[1, "languages"] == "de"
    assert list(frame.columns[:3]) == ["id", "name", "category"]


def test_index_lists_the_languages_offers_speak():
    from mapapp.analysis.offers import OfferIndex

    def make(i: int, languages: tuple[str, ...] = ()) -> Offer:
        return Offer(
            id=f"l-{i}", name=f"Angebot {i}", category=OfferCategory.MBE, lon=7.0, lat=51.0,
            precision=Precision.ADDRESS, coord_source=CoordSource.FILE, languages=languages,
        )  # fmt: skip

    index = OfferIndex([make(1, ("tr", "ar")), make(2, ("ar",)), make(3)])
    assert index.languages == ["ar", "tr"]
    assert index.languages == ["ar", "tr"]  # memoised, same answer


def test_matching_keeps_index_order_and_equals_the_reference_filter():
    for flt in FILTERS[1:]:
        assert INDEX.matching(flt) == [o for o in OFFERS if flt.matches(o)]
    assert INDEX.matching(OfferFilter()) == list(OFFERS)


def test_category_counts_count_offers_per_category_value():
    want: dict[str, int] = {}
    for o in OFFERS:
        want[str(o.category)] = want.get(str(o.category), 0) + 1
    assert INDEX.category_counts() == want
    assert sum(INDEX.category_counts().values()) == len(OFFERS)
    assert OfferIndex([]).category_counts() == {}
