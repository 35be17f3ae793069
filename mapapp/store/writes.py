"""The writes of the offer store, each on a connection inside one write transaction.

Every change of an offer sets its new ``version`` and appends one ``audit`` row (record before
and after) in the same transaction, and bumps the store's data version once per transaction.
The caller (:class:`mapapp.store.sql.SqlOfferStore`) holds the writers' lock, so reading the
current versions and writing the new ones cannot interleave with another writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from mapapp.offers_model import Offer
from mapapp.store.base import OfferNotFound, UpsertResult, VersionConflict
from mapapp.store.schema import AUDIT, BUNDLED_DELETED, META, OFFERS

BUNDLED, USER = "bundled", "user"
OFFER_KIND = "offer"
#: Ids per ``IN (...)`` (SQLite's default limit of host parameters is 999).
BATCH = 900


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dump(offer: Offer) -> str:
    """The stored JSON text of an offer (sorted keys: equal records are equal texts)."""
    return json.dumps(offer.to_record(), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Who:
    """Who writes and how (the ``actor``/``via`` of the audit rows)."""

    actor: str
    via: str


@dataclass
class _Row:
    record: str
    version: int
    origin: str


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def bump(conn: sa.Connection) -> None:
    """Advance the data version (once per transaction that changed data)."""
    conn.execute(
        sa.update(META)
        .where(META.c.key == "data_version")
        .values(value=sa.cast(sa.cast(META.c.value, sa.Integer) + 1, sa.Text))
    )


def set_meta(conn: sa.Connection, key: str, value: str) -> None:
    done = conn.execute(sa.update(META).where(META.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(sa.insert(META).values(key=key, value=value))


def get_meta(conn: sa.Connection, key: str) -> str | None:
    row = conn.execute(sa.select(META.c.value).where(META.c.key == key)).first()
    return str(row[0]) if row else None


def _current(conn: sa.Connection, ids: Sequence[str]) -> dict[str, _Row]:
    query = sa.select(OFFERS.c.id, OFFERS.c.record, OFFERS.c.version, OFFERS.c.origin).where(
        OFFERS.c.id.in_(ids)
    )
    return {r.id: _Row(r.record, int(r.version), r.origin) for r in conn.execute(query)}


def last_versions(conn: sa.Connection, ids: Sequence[str]) -> dict[str, int]:
    """The highest audited version of each id (a deleted offer continues its count)."""
    query = (
        sa.select(AUDIT.c.subject_id, sa.func.max(AUDIT.c.version))
        .where(AUDIT.c.kind == OFFER_KIND, AUDIT.c.subject_id.in_(ids))
        .group_by(AUDIT.c.subject_id)
    )
    return {str(r[0]): int(r[1]) for r in conn.execute(query) if r[1] is not None}


def _values(offer: Offer, record: str, version: int, origin: str, at: str) -> dict[str, Any]:
    return {
        "id": offer.id,
        "name": offer.name,
        "category": str(offer.category),
        "ags": offer.ags,
        "kreis_ags": offer.kreis_ags,
        "lon": offer.lon,
        "lat": offer.lat,
        "record": record,
        "updated_at": at,
        "version": version,
        "origin": origin,
    }


def _audit_row(
    offer_id: str,
    version: int,
    who: Who,
    action: str,
    at: str,
    before: str | None,
    after: str | None,
) -> dict[str, Any]:
    return {
        "kind": OFFER_KIND,
        "subject_id": offer_id,
        "version": version,
        "actor": who.actor,
        "via": who.via,
        "action": action,
        "at": at,
        "before": before,
        "after": after,
    }


_UPDATE = (
    sa.update(OFFERS)
    .where(OFFERS.c.id == sa.bindparam("b_id"))
    .values(
        {
            c: sa.bindparam(f"b_{c}")
            for c in (
                "name",
                "category",
                "ags",
                "kreis_ags",
                "lon",
                "lat",
                "record",
                "updated_at",
                "version",
                "origin",
            )  # fmt: skip
        }
    )
)


def _write_batch(
    conn: sa.Connection, batch: list[Offer], who: Who, origin: str, action: str | None = None
) -> tuple[int, int, int]:
    """Store one batch; returns (inserted, updated, unchanged)."""
    ids = list(dict.fromkeys(o.id for o in batch))
    existing = _current(conn, ids)
    earlier = last_versions(conn, [i for i in ids if i not in existing])
    at = now()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    unchanged = 0
    for offer in batch:
        record = dump(offer)
        old = existing.get(offer.id)
        if old is not None and old.record == record:
            unchanged += 1
            continue
        version = (old.version if old else earlier.get(offer.id, 0)) + 1
        values = _values(offer, record, version, origin, at)
        if old is None:
            inserts.append({**values, "created_at": at})
        else:
            updates.append({f"b_{k}": v for k, v in values.items()})
        audits.append(
            _audit_row(
                offer.id,
                version,
                who,
                action or ("create" if old is None else "update"),
                at,
                old.record if old else None,
                record,
            )
        )
        existing[offer.id] = _Row(record, version, origin)
        earlier.pop(offer.id, None)
    _flush(conn, inserts, updates, audits)
    n_updated = sum(1 for a in audits if a["before"] is not None)
    return len(audits) - n_updated, n_updated, unchanged


def _flush(
    conn: sa.Connection,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    audits: list[dict[str, Any]],
) -> None:
    # An id twice in one batch: the first occurrence inserts, the later ones update.
    seen: set[str] = set()
    first: list[dict[str, Any]] = []
    for row in inserts:
        if row["id"] in seen:
            updates.append({f"b_{k}": v for k, v in row.items() if k != "created_at"})
        else:
            seen.add(row["id"])
            first.append(row)
    if first:
        conn.execute(sa.insert(OFFERS), first)
    if updates:
        conn.execute(_UPDATE, updates)
    if audits:
        conn.execute(sa.insert(AUDIT), audits)


def upsert(conn: sa.Connection, offers: Iterable[Offer], who: Who, origin: str) -> UpsertResult:
    """Insert or replace by id (changed offers get a new version and an audit row)."""
    inserted = updated = unchanged = 0
    batch: list[Offer] = []
    for offer in offers:
        if not isinstance(offer, Offer):
            raise TypeError(f"kein Offer: {offer!r}")
        batch.append(offer)
        if len(batch) >= BATCH:
            i, u, n = _write_batch(conn, batch, who, origin)
            inserted, updated, unchanged = inserted + i, updated + u, unchanged + n
            batch = []
    if batch:
        i, u, n = _write_batch(conn, batch, who, origin)
        inserted, updated, unchanged = inserted + i, updated + u, unchanged + n
    if inserted or updated:
        bump(conn)
    return UpsertResult(inserted=inserted, updated=updated, unchanged=unchanged)


def delete(conn: sa.Connection, ids: Iterable[str], who: Who, action: str = "delete") -> int:
    """Delete by id (an audit row each; a deleted bundled offer is never brought back)."""
    id_list = list(dict.fromkeys(str(i) for i in ids))
    removed = 0
    at = now()
    for chunk in chunks(id_list):
        rows = _current(conn, chunk)
        if not rows:
            continue
        gone = list(rows)
        bundled = [i for i in gone if rows[i].origin == BUNDLED and who.via != "seed"]
        known = {
            r[0]
            for r in conn.execute(
                sa.select(BUNDLED_DELETED.c.id).where(BUNDLED_DELETED.c.id.in_(bundled))
            )
        }
        if bundled:
            new = [{"id": i} for i in bundled if i not in known]
            if new:
                conn.execute(sa.insert(BUNDLED_DELETED), new)
        conn.execute(sa.delete(OFFERS).where(OFFERS.c.id.in_(gone)))
        conn.execute(
            sa.insert(AUDIT),
            [
                _audit_row(i, rows[i].version + 1, who, action, at, rows[i].record, None)
                for i in gone
            ],
        )
        removed += len(gone)
    if removed:
        bump(conn)
    return removed


def _expect(conn: sa.Connection, offer_id: str, expected: int) -> _Row:
    """The stored row if its version is still ``expected`` (else VersionConflict or
    OfferNotFound)."""
    row = _current(conn, [offer_id]).get(offer_id)
    if row is None:
        if last_versions(conn, [offer_id]):
            raise VersionConflict(offer_id, expected, None)
        raise OfferNotFound(f"Angebot {offer_id} nicht gefunden")
    if row.version != expected:
        raise VersionConflict(offer_id, expected, row.version)
    return row


def update(
    conn: sa.Connection, offer: Offer, expected: int, who: Who, action: str | None = None
) -> int:
    """Replace one offer if its version is still ``expected``; returns the stored version
    (``action`` names the audit row, default ``update``; e.g. ``verify`` for "noch aktuell")."""
    row = _expect(conn, offer.id, expected)
    if row.record == dump(offer):
        return row.version
    _write_batch(conn, [offer], who, USER, action=action)
    bump(conn)
    return row.version + 1


def delete_one(conn: sa.Connection, offer_id: str, expected: int, who: Who) -> int:
    """Delete one offer if its version is still ``expected``; returns the version of the
    deletion (the audit row)."""
    row = _expect(conn, offer_id, expected)
    delete(conn, [offer_id], who)
    return row.version + 1


def revert(
    conn: sa.Connection, offer_id: str, to_version: int, who: Who, expected: int | None
) -> int:
    """Store ``offer_id`` as it was in ``to_version`` as a new version; returns that version."""
    found = conn.execute(
        sa.select(AUDIT.c.after).where(
            AUDIT.c.kind == OFFER_KIND,
            AUDIT.c.subject_id == offer_id,
            AUDIT.c.version == to_version,
        )
    ).first()
    if found is None:
        raise OfferNotFound(f"Angebot {offer_id}: Version {to_version} steht nicht im Verlauf")
    row = _current(conn, [offer_id]).get(offer_id)
    current = row.version if row else None
    if expected is not None and current != expected:
        raise VersionConflict(offer_id, expected, current)
    if found.after is None:  # that version was a deletion
        if row is None:
            return last_versions(conn, [offer_id]).get(offer_id, to_version)
        delete(conn, [offer_id], who, action="revert")
        return row.version + 1
    target = Offer.from_record(json.loads(found.after))
    if row is not None and row.record == dump(target):
        return row.version
    _write_batch(conn, [target], who, USER, action="revert")
    bump(conn)
    return last_versions(conn, [offer_id])[offer_id]
