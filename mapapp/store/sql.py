"""The offer store on a SQL database (SQLAlchemy Core): an embedded SQLite file or a shared
PostgreSQL/PostGIS server, the same code and the same contract (:mod:`mapapp.store.base`).

Opening a store creates or migrates its schema (:func:`mapapp.store.migrate.ensure_schema`), so
``make run`` needs no manual step. Reads see one consistent snapshot; writes run in one
transaction each, one writer at a time across all processes (:mod:`mapapp.store.engine`), and
every changed offer gets a new version and an audit row in that transaction
(:mod:`mapapp.store.writes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from mapapp.offers_model import Offer
from mapapp.store import engine as db
from mapapp.store import writes
from mapapp.store.base import (
    SYSTEM_ACTOR,
    AuditEntry,
    UpsertResult,
    VersionedOffer,
)
from mapapp.store.migrate import ensure_schema
from mapapp.store.schema import AUDIT, BUNDLED_DELETED, OFFERS
from mapapp.store.writes import BUNDLED, USER, Who

_SEED = Who(SYSTEM_ACTOR, "seed")


def _records(texts: Iterable[str]) -> list[Offer]:
    records = json.loads("[" + ",".join(texts) + "]")  # one parse, not n
    return [Offer.from_record(rec) for rec in records]


class SqlOfferStore:
    """:class:`~mapapp.store.base.OfferStore` on the database at ``url``.

    Parameters
    ----------
    url
        ``sqlite:///path/offers.sqlite`` or ``postgresql://user@host:5432/db`` (psycopg 3).
    timeout_s
        SQLite: how long a writer waits for another writer's lock (seconds).
    """

    def __init__(self, url: str | sa.URL, timeout_s: float = 10.0) -> None:
        self.url = db.normalise_url(url)
        self.engine = db.engine_for(self.url, timeout_s)
        with db.guarded(self.url):
            ensure_schema(self.engine)

    @property
    def location(self) -> str:
        return db.display(self.url)

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    # ---- reads ---------------------------------------------------------------------------

    def all(self) -> list[Offer]:
        with db.read(self.engine) as conn:
            texts = conn.execute(sa.select(OFFERS.c.record).order_by(OFFERS.c.id)).scalars()
            return _records(texts)

    def get(self, offer_id: str) -> Offer | None:
        found = self.get_versioned(offer_id)
        return found.offer if found else None

    def get_versioned(self, offer_id: str) -> VersionedOffer | None:
        with db.read(self.engine) as conn:
            row = conn.execute(
                sa.select(OFFERS.c.record, OFFERS.c.version).where(OFFERS.c.id == offer_id)
            ).first()
        if row is None:
            return None
        return VersionedOffer(Offer.from_record(json.loads(row.record)), int(row.version))

    def versions(self) -> dict[str, int]:
        with db.read(self.engine) as conn:
            rows = conn.execute(sa.select(OFFERS.c.id, OFFERS.c.version).order_by(OFFERS.c.id))
            return {str(r.id): int(r.version) for r in rows}

    def count(self) -> int:
        with db.read(self.engine) as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(OFFERS)).scalar_one())

    def _meta(self, key: str) -> str | None:
        with db.read(self.engine) as conn:
            return writes.get_meta(conn, key)

    def data_version(self) -> str:
        """``<store id>:<counter>``: the counter grows with every write; the id tells a new
        database (a moved-aside file, a restore) from the one before."""
        with db.read(self.engine) as conn:
            return f"{writes.get_meta(conn, 'store_id')}:{writes.get_meta(conn, 'data_version')}"

    def is_seeded(self) -> bool:
        return self._meta("seeded") is not None

    def bundle_version(self) -> str | None:
        return self._meta("bundle_version")

    def audit(self, offer_id: str | None = None) -> list[AuditEntry]:
        query = sa.select(AUDIT).where(AUDIT.c.kind == writes.OFFER_KIND).order_by(AUDIT.c.id)
        if offer_id is not None:
            query = query.where(AUDIT.c.subject_id == offer_id)
        with db.read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(
                offer_id=r.subject_id,
                version=r.version,
                actor=r.actor,
                at=r.at,
                via=r.via,
                action=r.action,
                before=json.loads(r.before) if r.before is not None else None,
                after=json.loads(r.after) if r.after is not None else None,
            )
            for r in rows
        ]

    # ---- writes --------------------------------------------------------------------------

    def upsert(
        self, offers: Iterable[Offer], *, actor: str = SYSTEM_ACTOR, via: str = "import"
    ) -> UpsertResult:
        with db.write(self.engine) as conn:
            return writes.upsert(conn, offers, Who(actor, via), USER)

    def update(
        self,
        offer: Offer,
        *,
        expected_version: int,
        actor: str,
        via: str,
        action: str | None = None,
    ) -> int:
        with db.write(self.engine) as conn:
            return writes.update(conn, offer, expected_version, Who(actor, via), action)

    def delete_one(self, offer_id: str, *, expected_version: int, actor: str, via: str) -> int:
        """Delete one offer if it is still at ``expected_version`` (else
        :class:`~mapapp.store.base.VersionConflict`); returns the version of the deletion."""
        with db.write(self.engine) as conn:
            return writes.delete_one(conn, offer_id, expected_version, Who(actor, via))

    def delete(self, ids: Iterable[str], *, actor: str = SYSTEM_ACTOR, via: str = "import") -> int:
        with db.write(self.engine) as conn:
            return writes.delete(conn, ids, Who(actor, via))

    def revert(
        self,
        offer_id: str,
        to_version: int,
        *,
        actor: str,
        via: str,
        expected_version: int | None = None,
    ) -> int:
        with db.write(self.engine) as conn:
            return writes.revert(conn, offer_id, to_version, Who(actor, via), expected_version)

    def seed(self, offers: Iterable[Offer], version: str | None = None) -> UpsertResult:
        with db.write(self.engine) as conn:
            if writes.get_meta(conn, "seeded") is not None:
                return UpsertResult()  # another process seeded meanwhile
            result = writes.upsert(conn, offers, _SEED, BUNDLED)
            writes.set_meta(conn, "seeded", writes.now())
            if version is not None:
                writes.set_meta(conn, "bundle_version", version)
            return result

    def reseed(self, offers: Iterable[Offer], version: str) -> UpsertResult:
        """Replace the bundled offers by a new bundle, in one transaction: offers the user
        imported or changed (origin ``user``) and bundled offers the user deleted stay as they
        are; bundled offers no longer in the bundle are removed. Nothing happens when the store
        already holds ``version`` (another process was first)."""
        with db.write(self.engine) as conn:
            if writes.get_meta(conn, "bundle_version") == version:
                return UpsertResult()
            return self._reseed_in(conn, offers, version)

    @staticmethod
    def _reseed_in(conn: sa.Connection, offers: Iterable[Offer], version: str) -> UpsertResult:
        users = set(conn.execute(sa.select(OFFERS.c.id).where(OFFERS.c.origin == USER)).scalars())
        users |= set(conn.execute(sa.select(BUNDLED_DELETED.c.id)).scalars())
        new = [o for o in offers if o.id not in users]
        result = writes.upsert(conn, new, _SEED, BUNDLED)
        keep = {o.id for o in new}
        bundled = conn.execute(sa.select(OFFERS.c.id).where(OFFERS.c.origin == BUNDLED))
        stale = [i for i in bundled.scalars() if i not in keep]
        writes.delete(conn, stale, _SEED)
        writes.set_meta(conn, "bundle_version", version)
        return UpsertResult(result.inserted, result.updated + len(stale), result.unchanged)
