"""Offer store: upsert/update/delete, data version, transactions (also a real process crash), seeding.

Offers are SYNTHETIC.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.store import OfferStore, SqliteOfferStore, ensure_seeded
from mapapp.store.logins import LoginGuard
from mapapp.store.migrate import HEAD
from mapapp.store.sqlite_file import check_file


def offer(i: int, name: str | None = None, **kw) -> Offer:
    return Offer(
        id=f"t-{i}",
        name=name or f"Angebot {i}",
        category=OfferCategory.MBE,
        lon=7.0 + i * 0.001,
        lat=51.0,
        precision=Precision.ADDRESS,
        coord_source=CoordSource.FILE,
        languages=("de",),
        **kw,
    )


@pytest.fixture
def store(tmp_path) -> SqliteOfferStore:
    return SqliteOfferStore(tmp_path / "store" / "offers.sqlite")


def test_store_implements_the_protocol(store):
    assert isinstance(store, OfferStore)


def test_upsert_insert_update_unchanged_and_roundtrip(store):
    v0 = store.data_version()
    r1 = store.upsert([offer(1), offer(2)])
    assert (r1.inserted, r1.updated, r1.unchanged) == (2, 0, 0)
    v1 = store.data_version()
    assert v1 != v0
    r2 = store.upsert([offer(1), offer(2, name="Neu"), offer(3)])
    assert (r2.inserted, r2.updated, r2.unchanged) == (1, 1, 1)
    assert store.count() == 3
    assert store.get("t-2").name == "Neu"
    assert store.all() == [offer(1), offer(2, name="Neu"), offer(3)]
    v2 = store.data_version()
    r3 = store.upsert([offer(1)])
    assert r3.unchanged == 1 and store.data_version() == v2  # nothing changed, same version


def test_delete(store):
    store.upsert([offer(1), offer(2)])
    v = store.data_version()
    assert store.delete(["t-1", "t-1", "nope"]) == 1
    assert [o.id for o in store.all()] == ["t-2"]
    assert store.data_version() != v
    v = store.data_version()
    assert store.delete(["nope"]) == 0 and store.data_version() == v


def test_failure_mid_import_keeps_previous_state(store):
    store.upsert([offer(1), offer(2, name="alt")])
    before = store.all()
    version = store.data_version()

    def rows():
        yield offer(2, name="halb importiert")
        yield from (offer(i) for i in range(10, 2000))  # crosses the internal batch size
        raise RuntimeError("Absturz mitten im Import")

    with pytest.raises(RuntimeError, match="Absturz"):
        store.upsert(rows())
    assert store.all() == before
    assert store.data_version() == version


def test_process_killed_mid_import_keeps_previous_state(store):
    store.upsert([offer(1, name="vorher")])
    script = textwrap.dedent(
        f"""
        import os
        from mapapp.model import OfferCategory
        from mapapp.offers_model import CoordSource, Offer, Precision
        from mapapp.store import SqliteOfferStore

        def rows():
            for i in range(5000):
                if i == 3000:
                    os._exit(9)  # simulated crash: no cleanup, no rollback, no commit
                yield Offer(id=f"t-{{i}}", name="nachher", category=OfferCategory.KI, lon=7.0,
                            lat=51.0, precision=Precision.ADDRESS, coord_source=CoordSource.FILE)

        SqliteOfferStore({str(store.path)!r}).upsert(rows())
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1])
    assert proc.returncode == 9
    reopened = SqliteOfferStore(store.path)
    assert reopened.count() == 1
    assert reopened.get("t-1").name == "vorher"


def test_seeding_happens_once(store):
    calls = []

    def bundled():
        calls.append(1)
        return [offer(1), offer(2)]

    assert ensure_seeded(store, bundled) is True
    store.delete(["t-1"])  # an editor removed a bundled offer
    assert ensure_seeded(store, bundled) is False
    assert calls == [1]
    assert [o.id for o in store.all()] == ["t-2"]


def test_failed_seed_leaves_store_unseeded(store):
    def broken():
        raise OSError("Daten fehlen")

    with pytest.raises(OSError):
        ensure_seeded(store, broken)
    assert not store.is_seeded() and store.count() == 0


# --------------------------------------------------------------------------------------------
# Damaged store files: one DataError naming the file and what to do, never a traceback
# --------------------------------------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database\n" * 200)


def _truncated_store(path: Path) -> None:
    filled = SqliteOfferStore(path)
    filled.upsert(offer(i, name="x" * 400) for i in range(300))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize("damage", [_garbage, _truncated_store])
def test_damaged_offer_store_raises_one_data_error(tmp_path: Path, damage) -> None:
    path = tmp_path / "store" / "offers.sqlite"
    damage(path)
    with pytest.raises(DataError) as info:
        SqliteOfferStore(path).all()
    assert info.value.file == str(path)
    assert "Sicherung" in str(info.value) and "beiseite verschieben" in str(info.value)
    assert check_file(path, ("offers",)) is not None


def test_damaged_login_store_raises_one_data_error(tmp_path: Path) -> None:
    path = tmp_path / "store" / "logins.sqlite"
    _garbage(path)
    with pytest.raises(DataError, match="logins.sqlite"):
        LoginGuard(path).status("127.0.0.1")


def test_check_file_on_a_healthy_store_and_missing_tables(tmp_path: Path) -> None:
    path = tmp_path / "offers.sqlite"
    SqliteOfferStore(path).upsert([offer(1)])
    assert check_file(path, ("offers", "meta")) is None
    assert check_file(path, ("login_attempts",)) == "Tabellen fehlen: login_attempts"


def test_schema_1_store_is_migrated_to_nullable_coordinates(tmp_path) -> None:
    """A store written by schema 1 (lon/lat NOT NULL) keeps its rows and then accepts an offer
    without a location."""
    path = tmp_path / "offers.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE offers (id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
            ags TEXT, kreis_ags TEXT, lon REAL NOT NULL, lat REAL NOT NULL, record TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema_version', '1'), ('data_version', '3');
        """
    )
    old = offer(1)
    conn.execute(
        "INSERT INTO offers VALUES (?, ?, ?, NULL, NULL, ?, ?, ?, 'x', 'x')",
        (old.id, old.name, str(old.category), old.lon, old.lat, json.dumps(old.to_record())),
    )
    conn.commit()
    conn.close()
    store = SqliteOfferStore(path)
    assert store.all() == [old]
    unlocated = offer(2).with_changes(lon=None, lat=None, precision=Precision.KREIS_AREA)
    store.upsert([unlocated])
    assert store.get(unlocated.id) == unlocated
    with sqlite3.connect(path) as c:
        assert c.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert c.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() is None
    assert store.versions() == {old.id: 1, unlocated.id: 1}
