"""Spatial questions about the stored offers, asked where they are answered best.

Nearest offers to a point: a PostGIS store answers in the
database (:mod:`mapapp.store.spatial`: KNN on the GiST index, no need to load every offer), the
embedded SQLite store through the in-memory index of all offers
(:class:`~mapapp.analysis.offers.OfferIndex`). Both give the same hits in the same order
(tested on both back ends). The app's pages keep their cached in-memory index (one per data
version, built once per process); this serves ``mapapp offers near`` and every other caller
without such a cache.

Offers within a Kreis (:func:`offers_within_kreis`): ``ST_Within`` on the PostGIS index, else
shapely on every located offer – the same offers either way.
"""

from __future__ import annotations

import numpy as np
import shapely

from mapapp.analysis.offers import NearestOffer, OfferFilter, OfferIndex
from mapapp.config import Settings
from mapapp.io import datasets
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import Offer
from mapapp.projection import to_web
from mapapp.store import OfferStore, spatial
from mapapp.store.sql import SqlOfferStore


def nearest_hits(
    store: OfferStore,
    lon: float,
    lat: float,
    *,
    limit: int = 10,
    flt: OfferFilter | None = None,
    max_distance_m: float | None = None,
    kreis_ags: str | None = None,
    exclude: frozenset[OfferCategory] = frozenset(),
) -> list[NearestOffer]:
    """As :meth:`mapapp.analysis.offers.OfferIndex.nearest` on the store's offers."""
    if not spatial.available(store):
        index = OfferIndex(store.all(), version=store.data_version())
        return index.nearest(
            lon,
            lat,
            limit=limit,
            flt=flt,
            max_distance_m=max_distance_m,
            kreis_ags=kreis_ags,
            exclude=exclude,
        )
    assert isinstance(store, SqlOfferStore)
    active = flt if flt is not None and flt.active else None
    cats = {str(c) for c in active.categories} if active and active.categories else None
    excluded = {str(c) for c in exclude}
    accept = active.matches if active else None
    found = spatial.nearest(
        store,
        lon,
        lat,
        limit=limit,
        categories=cats,
        exclude=excluded,
        accept=accept,
        max_distance_m=max_distance_m,
    )
    hits = [NearestOffer(offer, distance) for offer, distance in found]
    if kreis_ags:
        rest = spatial.unlocated(store, kreis_ags, categories=cats, exclude=excluded, accept=accept)
        hits += [NearestOffer(o, None) for o in rest]
    return hits


def kreis_polygon(settings: Settings, kreis_ags: str) -> shapely.Geometry:
    """The (unsimplified) area of the Kreis or kreisfreie Stadt ``kreis_ags`` in WGS84."""
    kreise = datasets.load_boundaries(settings).kreise
    rows = kreise[kreise["ags"] == kreis_ags]
    if rows.empty:
        raise DataError(f"Kreis {kreis_ags} gibt es in den Verwaltungsgrenzen nicht", field="ags")
    return shapely.transform(rows.geometry.union_all(), lambda xy: np.column_stack(to_web(*xy.T)))


def offers_within(store: OfferStore, area: shapely.Geometry) -> list[Offer]:
    """The located offers inside ``area`` (WGS84; not on its border), ordered by id."""
    if spatial.available(store):
        assert isinstance(store, SqlOfferStore)
        return spatial.within(store, shapely.to_wkb(area))
    located = [o for o in store.all() if o.located]
    points = shapely.points([o.lon for o in located], [o.lat for o in located])
    inside = shapely.within(points, area) if located else np.zeros(0, dtype=bool)
    return sorted((o for o, ok in zip(located, inside, strict=True) if ok), key=lambda o: o.id)


def offers_within_kreis(settings: Settings, store: OfferStore, kreis_ags: str) -> list[Offer]:
    """The located offers inside the Kreis ``kreis_ags`` by its boundary (not by the AGS an
    offer carries), ordered by id."""
    return offers_within(store, kreis_polygon(settings, kreis_ags))
