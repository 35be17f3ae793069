"""Migrations: a store file written before the migrations (schema 2 and 3) keeps every offer
and gets versions and its first audit rows; the migrated schema equals the tables the code
knows, on both back ends. Offers are SYNTHETIC."""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mapapp.store import SqliteOfferStore
from mapapp.store.migrate import HEAD, current_revision, ensure_schema
from mapapp.store.schema import METADATA
from mapapp.store.sql import SqlOfferStore
from tests.store.test_store_contract import offer

SEEDED = "2025-01-01T10:00:00+00:00"


def _old_file(path: Path, schema: str) -> list:
    """A store file as the app wrote it before the migrations (schema "2" or "3")."""
    origin_col = ", origin TEXT NOT NULL DEFAULT 'user'" if schema == "3" else ""
    conn = sqlite3.connect(path)
    conn.executescript(
        f"""
        CREATE TABLE offers (id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
            ags TEXT, kreis_ags TEXT, lon REAL, lat REAL, record TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL{origin_col});
        CREATE INDEX offers_category ON offers(category);
        CREATE INDEX offers_kreis ON offers(kreis_ags);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )
    if schema == "3":
        conn.execute("CREATE TABLE bundled_deleted (id TEXT PRIMARY KEY)")
        conn.execute("INSERT INTO bundled_deleted VALUES ('t-9')")
    offers = [offer(1), offer(2).with_changes(lon=None, lat=None), offer(3, name="später")]
    stamps = [(SEEDED, SEEDED), (SEEDED, SEEDED), ("2025-03-01T00:00:00+00:00",) * 2]
    for o, (created, updated) in zip(offers, stamps, strict=True):
        conn.execute(
            "INSERT INTO offers (id, name, category, ags, kreis_ags, lon, lat, record, "
            "created_at, updated_at) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)",
            (
                o.id,
                o.name,
                str(o.category),
                o.lon,
                o.lat,
                json.dumps(o.to_record()),
                created,
                updated,
            ),
        )
    if schema == "3":
        conn.execute("UPDATE offers SET origin = 'bundled' WHERE id IN ('t-1', 't-2')")
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("schema_version", schema), ("data_version", "41"), ("seeded", SEEDED)],
    )
    conn.commit()
    conn.close()
    return offers


def _origins(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, origin FROM offers"))


def test_schema_2_and_3_files_keep_every_offer(tmp_path: Path) -> None:
    for schema in ("2", "3"):
        path = tmp_path / schema / "offers.sqlite"
        path.parent.mkdir()
        offers = _old_file(path, schema)
        store = SqliteOfferStore(path)
        assert store.all() == offers
        assert store.versions() == {"t-1": 1, "t-2": 1, "t-3": 1}
        assert _origins(path) == {"t-1": "bundled", "t-2": "bundled", "t-3": "user"}
        first = store.audit("t-3")
        assert [(e.version, e.action, e.actor, e.via) for e in first] == [
            (1, "create", "system", "migration")
        ]
        assert first[0].after == offers[2].to_record() and first[0].before is None
        assert store.is_seeded() and store.data_version().endswith(":41")
        # it works on as a store: an update, and a revert to the state before the migration
        store.update(offer(3, name="neu"), expected_version=1, actor="anna", via="cli")
        assert store.revert("t-3", 1, actor="anna", via="cli") == 3
        assert store.get("t-3") == offers[2]
        with sqlite3.connect(path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
    assert SqliteOfferStore(tmp_path / "3" / "offers.sqlite").reseed([], "b2").written == 2


def test_migrations_build_exactly_the_known_tables(store_url: str) -> None:
    store = SqlOfferStore(store_url)
    with store.engine.connect() as conn, warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # SQLAlchemy does not know 'geometry'
        context = MigrationContext.configure(conn)
        diff = compare_metadata(context, METADATA)
    # the PostGIS point (and its index) exist only in the database: derived, never written;
    # spatial_ref_sys belongs to the PostGIS extension
    diff = [d for d in diff if "geom" not in repr(d) and "spatial_ref_sys" not in repr(d)]
    assert diff == []


def test_ensure_schema_is_idempotent(store_url: str) -> None:
    store = SqlOfferStore(store_url)
    store.upsert([offer(1)])
    assert ensure_schema(store.engine) == (HEAD, HEAD)
    with store.engine.connect() as conn:
        assert current_revision(conn) == HEAD
        assert conn.execute(sa.text("SELECT COUNT(*) FROM alembic_version")).scalar_one() == 1
    assert SqlOfferStore(store_url).versions() == {"t-1": 1}
