"""Spatial queries in the database: PostGIS on a PostgreSQL store, nothing on SQLite.

On PostgreSQL every offer has ``geom`` (a PostGIS point, EPSG:4326, generated from lon/lat, GiST
index; migration ``0002``). These functions answer there what the in-memory path
(:class:`mapapp.analysis.offers.OfferIndex`, shapely) answers from all offers, with the same
results: distances in EPSG:25832 metres, ties ordered by offer id, "within" as ST_Within.
:func:`available` says whether a store has them; on SQLite the callers keep the in-memory path.

- :func:`nearest`: candidates by the index's KNN order (``geom <-> point``, planar degrees),
  ranked by their exact EPSG:25832 distance. Degrees order differently from metres, so more
  candidates are fetched until no offer beyond the last candidate can be nearer than the
  ``limit``-th: an offer ``D`` planar degrees away is at least ``D`` × (metres per degree along
  its slowest direction, the longitude at the highest latitude in reach, with a margin for the
  projection's scale) metres away.
- :func:`unlocated`: the offers of a Kreis without a location.
- :func:`within`: the located offers inside a polygon (WGS84), ``ST_Within`` on the GiST index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection

import sqlalchemy as sa

from mapapp.offers_model import Offer
from mapapp.store import engine as db
from mapapp.store.schema import OFFERS
from mapapp.store.sql import SqlOfferStore

#: The metric CRS of every distance (``config.CRS_METRIC``).
METRIC_SRID = 25832
WGS84_SRID = 4326
#: Lower bound of metres per degree of latitude (110,574 m at the equator), less a margin for the
#: projection's scale (UTM: at least 0.9996).
_M_PER_DEGREE = 110_000.0 * 0.995

Accept = Callable[[Offer], bool]
_GEOM: sa.ColumnElement[object] = sa.literal_column("offers.geom")


def available(store: object) -> bool:
    """Whether ``store`` answers spatial queries in the database (a PostGIS store)."""
    return isinstance(store, SqlOfferStore) and store.backend == "postgresql"


def _metres_per_degree(lat: float, reach_deg: float) -> float:
    """Fewest metres one planar degree can be within ``reach_deg`` of latitude ``lat``."""
    top = min(89.9, abs(lat) + reach_deg + 0.5)
    return _M_PER_DEGREE * math.cos(math.radians(top))


def _categories(
    query: sa.Select[tuple[object, ...]],
    categories: Collection[str] | None,
    exclude: Collection[str],
) -> sa.Select[tuple[object, ...]]:
    if categories:
        query = query.where(OFFERS.c.category.in_(sorted(categories)))
    if exclude:
        query = query.where(OFFERS.c.category.not_in(sorted(exclude)))
    return query


def nearest(
    store: SqlOfferStore,
    lon: float,
    lat: float,
    *,
    limit: int = 10,
    categories: Collection[str] | None = None,
    exclude: Collection[str] = (),
    accept: Accept | None = None,
    max_distance_m: float | None = None,
) -> list[tuple[Offer, float]]:
    """The ``limit`` located offers nearest to a WGS84 point, nearest first, with their distance
    in EPSG:25832 metres (ties by id); only offers of ``categories`` (all when empty), not of
    ``exclude``, for which ``accept`` is true; then those farther than ``max_distance_m`` dropped
    (as :meth:`~mapapp.analysis.offers.OfferIndex.nearest` does)."""
    if limit <= 0:
        return []
    point = sa.func.ST_SetSRID(
        sa.func.ST_MakePoint(sa.literal(float(lon), sa.Float), sa.literal(float(lat), sa.Float)),
        WGS84_SRID,
    )
    metres = sa.func.ST_Distance(
        sa.func.ST_Transform(_GEOM, METRIC_SRID), sa.func.ST_Transform(point, METRIC_SRID)
    )
    degrees = _GEOM.op("<->")(point)
    query = _categories(
        sa.select(OFFERS.c.id, OFFERS.c.record, metres.label("metres"), degrees.label("deg"))
        .where(_GEOM.is_not(None))
        .order_by(degrees),
        categories,
        exclude,
    )
    fetch = max(16, 2 * limit)
    with db.read(store.engine) as conn:
        while True:
            rows = conn.execute(query.limit(fetch)).all()
            found = []
            for row in rows:
                offer = Offer.from_record(json.loads(row.record))
                if offer.located and (accept is None or accept(offer)):
                    found.append((float(row.metres), str(row.id), offer))
            found.sort(key=lambda f: (f[0], f[1]))
            if len(rows) < fetch:
                break  # every candidate seen
            if len(found) >= limit:
                reach = float(rows[-1].deg)
                if reach * _metres_per_degree(lat, reach) > found[limit - 1][0]:
                    break  # nothing beyond the last candidate can be nearer
            fetch *= 4
    bound = math.inf if max_distance_m is None else float(max_distance_m)
    return [(offer, d) for d, _, offer in found[:limit] if d <= bound]


def unlocated(
    store: SqlOfferStore,
    kreis_ags: str,
    *,
    categories: Collection[str] | None = None,
    exclude: Collection[str] = (),
    accept: Accept | None = None,
) -> list[Offer]:
    """The offers of the Kreis ``kreis_ags`` without a location, by id."""
    query = _categories(
        sa.select(OFFERS.c.record).where(OFFERS.c.kreis_ags == kreis_ags).order_by(OFFERS.c.id),
        categories,
        exclude,
    )
    with db.read(store.engine) as conn:
        texts = conn.execute(query).scalars().all()
    offers = [Offer.from_record(json.loads(str(t))) for t in texts]
    return [o for o in offers if not o.located and (accept is None or accept(o))]


def within(store: SqlOfferStore, polygon_wkb: bytes) -> list[Offer]:
    """The located offers inside a WGS84 polygon (``ST_Within``: not on its border), by id."""
    area = sa.func.ST_GeomFromWKB(sa.literal(polygon_wkb, sa.LargeBinary), WGS84_SRID)
    query = (
        sa.select(OFFERS.c.record)
        .where(_GEOM.is_not(None), sa.func.ST_Within(_GEOM, area))
        .order_by(OFFERS.c.id)
    )
    with db.read(store.engine) as conn:
        offers = [Offer.from_record(json.loads(r)) for r in conn.execute(query).scalars()]
    return [o for o in offers if o.located]
