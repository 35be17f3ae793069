"""Embedded offer store: one SQLite file (standard library ``sqlite3``, no server).

Layout: table ``offers`` (id primary key, the columns searched by SQL – name, category, ags,
kreis_ags, lon, lat – and the whole record as JSON in ``record``) and table ``meta`` (schema version,
data version counter, seeded flag). Coordinates are WGS84 degrees as in
:class:`~mapapp.offers_model.Offer`; analysis projects them to EPSG:25832.

Every write runs in one ``BEGIN IMMEDIATE`` transaction in WAL mode: an exception (including one
raised by the iterable being written) rolls back, and a process that dies mid-write leaves the last
committed state, because SQLite only makes a transaction visible at ``COMMIT``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from mapapp.offers_model import Offer
from mapapp.store import sqlite_file
from mapapp.store.base import UpsertResult

#: 2: ``lon``/``lat`` may be NULL (an offer known only by its Kreis has no location).
#: 3: ``origin`` (``bundled``: shipped with the app, replaced when the bundle changes; ``user``:
#: imported or edited, never touched by a reseed) and the ids of deleted bundled offers.
SCHEMA_VERSION = "3"

_COLUMNS = "id, name, category, ags, kreis_ags, lon, lat, record, created_at, updated_at"

_OFFERS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    ags TEXT,
    kreis_ags TEXT,
    lon REAL,
    lat REAL,
    record TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'user'
);
"""

_SCHEMA = (
    _OFFERS_TABLE.format(name="offers")
    + """
CREATE INDEX IF NOT EXISTS offers_category ON offers(category);
CREATE INDEX IF NOT EXISTS offers_kreis ON offers(kreis_ags);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS bundled_deleted (id TEXT PRIMARY KEY);
"""
)

BUNDLED, USER = "bundled", "user"


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Schema 2 did not know where a row came from: rows written by the seed and never changed
    since (created and updated no later than the ``seeded`` mark) are the bundled ones; every
    other row counts as the user's (one transaction)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version and version[0] == "2":
            columns = {row[1] for row in conn.execute("PRAGMA table_info(offers)")}
            if "origin" not in columns:
                conn.execute("ALTER TABLE offers ADD COLUMN origin TEXT NOT NULL DEFAULT 'user'")
            seeded = conn.execute("SELECT value FROM meta WHERE key = 'seeded'").fetchone()
            if seeded:
                conn.execute(
                    "UPDATE offers SET origin = 'bundled' WHERE created_at <= ? AND updated_at <= ?",
                    (seeded[0], seeded[0]),
                )
            conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Schema 1 had ``lon``/``lat NOT NULL``: copy the rows into a table without that
    constraint (one transaction; SQLite cannot drop a constraint in place)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if version and version[0] == "1":
            conn.execute(_OFFERS_TABLE.format(name="offers_v2"))
            conn.execute(
                f"INSERT INTO offers_v2 ({_COLUMNS}) SELECT {_COLUMNS} FROM offers"  # noqa: S608
            )
            conn.execute("DROP TABLE offers")
            conn.execute("ALTER TABLE offers_v2 RENAME TO offers")
            conn.execute("CREATE INDEX IF NOT EXISTS offers_category ON offers(category)")
            conn.execute("CREATE INDEX IF NOT EXISTS offers_kreis ON offers(kreis_ags)")
            conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_BATCH = 900  # SQLite's default limit of host parameters is 999


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dump(offer: Offer) -> str:
    return json.dumps(offer.to_record(), ensure_ascii=False, sort_keys=True)


class SqliteOfferStore:
    """:class:`~mapapp.store.base.OfferStore` in one SQLite file.

    Parameters
    ----------
    path
        The database file (created with its folder on first use).
    timeout_s
        How long a writer waits for another writer's lock (seconds).
    """

    def __init__(self, path: str | Path, timeout_s: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('data_version', '0')")
            _migrate_1_to_2(conn)
            _migrate_2_to_3(conn)

    @property
    def location(self) -> str:
        return str(self.path)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        """A connection; a damaged file raises one :class:`~mapapp.model.DataError`."""
        return sqlite_file.connect(self.path, self.timeout_s)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # ---- reads ---------------------------------------------------------------------------

    def all(self) -> list[Offer]:
        with self._connect() as conn:
            rows = conn.execute("SELECT record FROM offers ORDER BY id").fetchall()
        records = json.loads("[" + ",".join(r[0] for r in rows) + "]")  # one parse, not n
        return [Offer.from_record(rec) for rec in records]

    def get(self, offer_id: str) -> Offer | None:
        with self._connect() as conn:
            row = conn.execute("SELECT record FROM offers WHERE id = ?", (offer_id,)).fetchone()
        return Offer.from_record(json.loads(row[0])) if row else None

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT COUNT(*) FROM offers").fetchone()[0])

    def _meta(self, key: str) -> str | None:
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def data_version(self) -> str:
        return self._meta("data_version") or "0"

    def is_seeded(self) -> bool:
        return self._meta("seeded") is not None

    def bundle_version(self) -> str | None:
        return self._meta("bundle_version")

    # ---- writes --------------------------------------------------------------------------

    @staticmethod
    def _bump(conn: sqlite3.Connection) -> None:
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'data_version'"
        )

    def _upsert_in(
        self, conn: sqlite3.Connection, offers: Iterable[Offer], origin: str = USER
    ) -> UpsertResult:
        inserted = updated = unchanged = 0
        now = _now()
        batch: list[Offer] = []

        def flush() -> None:
            nonlocal inserted, updated, unchanged
            ids = [o.id for o in batch]
            marks = ",".join("?" * len(ids))
            existing = dict(
                conn.execute(f"SELECT id, record FROM offers WHERE id IN ({marks})", ids).fetchall()  # noqa: S608
            )
            rows = []
            for o in batch:
                record = _dump(o)
                old = existing.get(o.id)
                if old == record:
                    unchanged += 1
                    continue
                if old is None:
                    inserted += 1
                else:
                    updated += 1
                existing[o.id] = record
                rows.append(
                    (
                        o.id,
                        o.name,
                        str(o.category),
                        o.ags,
                        o.kreis_ags,
                        o.lon,
                        o.lat,
                        record,
                        now,
                        now,
                        origin,
                    )
                )
            conn.executemany(
                "INSERT INTO offers(id, name, category, ags, kreis_ags, lon, lat, record, created_at,"
                " updated_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO"
                " UPDATE SET name = excluded.name, category = excluded.category,"
                " ags = excluded.ags, kreis_ags = excluded.kreis_ags, lon = excluded.lon,"
                " lat = excluded.lat, record = excluded.record, updated_at = excluded.updated_at,"
                " origin = excluded.origin",
                rows,
            )
            batch.clear()

        for offer in offers:
            if not isinstance(offer, Offer):
                raise TypeError(f"kein Offer: {offer!r}")
            batch.append(offer)
            if len(batch) >= _BATCH:
                flush()
        if batch:
            flush()
        if inserted or updated:
            self._bump(conn)
        return UpsertResult(inserted=inserted, updated=updated, unchanged=unchanged)

    def upsert(self, offers: Iterable[Offer]) -> UpsertResult:
        with self._write() as conn:
            return self._upsert_in(conn, offers)

    def seed(self, offers: Iterable[Offer], version: str | None = None) -> UpsertResult:
        with self._write() as conn:
            result = self._upsert_in(conn, offers, BUNDLED)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('seeded', ?)", (_now(),))
            if version is not None:
                _set_meta(conn, "bundle_version", version)
            return result

    def reseed(self, offers: Iterable[Offer], version: str) -> UpsertResult:
        """Replace the bundled offers by a new bundle, in one transaction: offers the user
        imported or changed (origin ``user``) and bundled offers the user deleted stay as they
        are; bundled offers no longer in the bundle are removed. Nothing happens when the store
        already holds ``version`` (another process was first)."""
        with self._write() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'bundle_version'").fetchone()
            if row and row[0] == version:
                return UpsertResult()
            users = {r[0] for r in conn.execute("SELECT id FROM offers WHERE origin = 'user'")}
            users |= {r[0] for r in conn.execute("SELECT id FROM bundled_deleted")}
            new = [o for o in offers if o.id not in users]
            result = self._upsert_in(conn, new, BUNDLED)
            keep = {o.id for o in new}
            stale = [
                r[0]
                for r in conn.execute("SELECT id FROM offers WHERE origin = 'bundled'")
                if r[0] not in keep
            ]
            for start in range(0, len(stale), _BATCH):
                chunk = stale[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                conn.execute(f"DELETE FROM offers WHERE id IN ({marks})", chunk)  # noqa: S608
            if stale and not (result.inserted or result.updated):
                self._bump(conn)
            _set_meta(conn, "bundle_version", version)
            return UpsertResult(result.inserted, result.updated + len(stale), result.unchanged)

    def delete(self, ids: Iterable[str]) -> int:
        removed = 0
        with self._write() as conn:
            id_list = list(dict.fromkeys(str(i) for i in ids))
            for start in range(0, len(id_list), _BATCH):
                chunk = id_list[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                conn.execute(
                    "INSERT OR IGNORE INTO bundled_deleted(id) SELECT id FROM offers"  # noqa: S608
                    f" WHERE origin = 'bundled' AND id IN ({marks})",
                    chunk,
                )
                cur = conn.execute(f"DELETE FROM offers WHERE id IN ({marks})", chunk)  # noqa: S608
                removed += cur.rowcount
            if removed:
                self._bump(conn)
        return removed
