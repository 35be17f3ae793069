"""Bundled offers in the store: the schema-2 -> 3 migration tells bundled rows from the user's,
and a changed bundle replaces only the bundled ones (old Kreis offices with an invented point
among them), never the user's offers or deletions. SYNTHETIC offers."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

from mapapp import config
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.services import offers as offers_service
from mapapp.store import SqliteOfferStore, ensure_seeded
from tests.fixtures.toy_files import ToyData, use_toy_reference

SEEDED_AT = "2025-01-01T10:00:00+00:00"


def offer(oid: str, **kw: object) -> Offer:
    base: dict[str, object] = dict(
        name=f"SYNTHETIC {oid}", category=OfferCategory.ABH, lon=7.0, lat=51.0,
        precision=Precision.GEMEINDE_CENTRE, coord_source=CoordSource.GAZETTEER,
        kreis_ags="05901",
    )  # fmt: skip
    base.update(kw)
    return Offer(id=oid, **base)  # type: ignore[arg-type]


def old_store(path: Path) -> None:
    """A schema-2 store as the app wrote it before bundled rows were marked: a Kreis office with
    an invented point (seed), a bundled offer the user later changed, a user's import."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE offers (id TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
            ags TEXT, kreis_ags TEXT, lon REAL, lat REAL, record TEXT NOT NULL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )
    invented = offer("abh-05901", precision=Precision.KREIS_AREA, lon=7.3, lat=51.2).to_record()
    invented["lon"], invented["lat"] = 7.3, 51.2  # the old point "somewhere in the Kreis"
    rows = [
        ("abh-05901", invented, SEEDED_AT, SEEDED_AT),
        ("abh-05111000", offer("abh-05111000").to_record(), SEEDED_AT, "2025-02-01T00:00:00+00:00"),
        ("o-user", offer("o-user", category=OfferCategory.MBE).to_record(), "2025-03-01", "2025-03-01"),
    ]  # fmt: skip
    for oid, rec, created, updated in rows:
        conn.execute(
            "INSERT INTO offers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (oid, rec["name"], rec["category"], None, "05901", rec["lon"], rec["lat"],
             json.dumps(rec), created, updated),
        )  # fmt: skip
    meta = [("schema_version", "2"), ("data_version", "5"), ("seeded", SEEDED_AT)]
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta)
    conn.commit()
    conn.close()


def origins(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT id, origin FROM offers").fetchall())
    finally:
        conn.close()


def test_migration_marks_untouched_seed_rows_as_bundled(tmp_path: Path) -> None:
    path = tmp_path / "offers.sqlite"
    old_store(path)
    store = SqliteOfferStore(path)
    assert origins(path) == {"abh-05901": "bundled", "abh-05111000": "user", "o-user": "user"}
    assert store.bundle_version() is None and store.count() == 3
    # the invented point is never read as a location
    assert store.get("abh-05901").lonlat is None  # type: ignore[union-attr]


def test_a_new_bundle_replaces_only_the_bundled_rows(tmp_path: Path) -> None:
    path = tmp_path / "offers.sqlite"
    old_store(path)
    store = SqliteOfferStore(path)
    bundle = [
        offer("abh-05901", precision=Precision.KREIS_SEAT_CENTRE, lon=7.1, lat=51.1),
        offer("abh-05111000", name="SYNTHETIC new name"),
        offer("abh-05902", kreis_ags="05902"),
    ]
    version = store.data_version()
    assert ensure_seeded(store, lambda: bundle, "bundle-2") is True
    assert store.data_version() != version and store.bundle_version() == "bundle-2"
    kreis = store.get("abh-05901")
    assert kreis is not None and kreis.precision is Precision.KREIS_SEAT_CENTRE
    assert kreis.lonlat == (7.1, 51.1)
    changed = store.get("abh-05111000")  # the user's change stays
    assert changed is not None and changed.name == "SYNTHETIC abh-05111000"
    assert store.get("o-user") is not None and store.get("abh-05902") is not None
    # same bundle again: nothing to do, bundle not even built
    assert ensure_seeded(store, lambda: [][0], "bundle-2") is False


def test_deleted_bundled_offers_stay_deleted_and_dropped_ones_go(tmp_path: Path) -> None:
    store = SqliteOfferStore(tmp_path / "offers.sqlite")
    ensure_seeded(store, lambda: [offer("a"), offer("b"), offer("c")], "v1")
    assert store.delete(["a"]) == 1
    store.upsert([offer("c", name="SYNTHETIC imported again")])  # now the user's
    ensure_seeded(store, lambda: [offer("a"), offer("c"), offer("d")], "v2")
    assert sorted(o.id for o in store.all()) == ["c", "d"]  # a deleted, b dropped from the bundle
    c = store.get("c")
    assert c is not None and c.name == "SYNTHETIC imported again"


def test_open_store_reseeds_when_the_reference_files_change(
    toy_data_dir: ToyData, tmp_path: Path, monkeypatch
) -> None:
    """The toy world: an imported offer survives a changed seat file; the Nordkreis office,
    without its seat row, loses its point (Standort nicht erfasst)."""
    settings = config.get_settings()
    store = offers_service.open_store(settings)
    store.upsert([offer("o-imported", category=OfferCategory.MBE)])
    assert store.get("abh-05901").precision is Precision.KREIS_SEAT_CENTRE  # type: ignore[union-attr]
    reference = tmp_path / "reference"
    shutil.copytree(toy_data_dir.reference_dir, reference)
    seats = reference / config.REFERENCE_FILES["kreis_seats"]
    seats.write_text(seats.read_text("utf-8").splitlines()[0] + "\n", "utf-8")
    use_toy_reference(monkeypatch, reference)
    store = offers_service.open_store(config.get_settings())
    nordkreis = store.get("abh-05901")
    assert nordkreis is not None and nordkreis.precision is Precision.KREIS_AREA
    assert nordkreis.lonlat is None
    assert store.get("o-imported") is not None
