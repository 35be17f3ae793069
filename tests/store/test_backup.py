"""``db backup`` / ``db restore``: a portable dump that gives the same offers, versions and audit
in an empty database, also from SQLite to PostgreSQL and back. Offers are SYNTHETIC."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapapp.model import DataError
from mapapp.store.backup import backup_file, restore
from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import BACKENDS, database_url
from tests.store.test_store_contract import offer


def _history(store: SqlOfferStore) -> list[tuple]:
    return [
        (e.offer_id, e.version, e.actor, e.at, e.via, e.action, e.before, e.after)
        for e in store.audit()
    ]


def _filled(store: SqlOfferStore) -> None:
    store.seed([offer(1), offer(2)], "bundle-1")
    store.upsert([offer(3, name="SYNTHETIC Ümlaut – عربي")], actor="anna", via="import")
    store.update(offer(1, name="geändert"), expected_version=1, actor="bert", via="cli")
    store.delete(["t-2"], actor="carla", via="ui")
    store.revert("t-1", 1, actor="dora", via="cli")


@pytest.mark.parametrize("target", BACKENDS)
@pytest.mark.parametrize("source", BACKENDS)
def test_round_trip_between_back_ends(source: str, target: str, tmp_path: Path) -> None:
    dump = tmp_path / "sicherung.jsonl"
    with database_url(source, tmp_path) as url_a:
        a = SqlOfferStore(url_a)
        _filled(a)
        counts = backup_file(a, dump)
        expected = (a.all(), a.versions(), _history(a), a.bundle_version(), a.is_seeded())
    assert counts["offers"] == 2 and counts["audit"] == 6 and counts["bundled_deleted"] == 1
    header = json.loads(dump.read_text(encoding="utf-8").splitlines()[0])
    assert header["format"] == "mapapp-store-backup" and header["tables"]["audit"] == 6
    with database_url(target, tmp_path) as url_b:
        b = SqlOfferStore(url_b)
        before = b.data_version()
        restore(b, dump)
        assert (b.all(), b.versions(), _history(b), b.bundle_version(), b.is_seeded()) == expected
        assert b.data_version() != before  # caches of the target see the change
        # the restored history goes on: versions and reverts work as in the source
        assert b.update(offer(1, name="weiter"), expected_version=3, actor="x", via="cli") == 4
        assert b.revert("t-2", 1, actor="x", via="cli") == 3  # deleted as v2, back as v3


def test_restore_refuses_a_store_with_data(tmp_path: Path) -> None:
    a = SqlOfferStore(f"sqlite:///{tmp_path / 'a.sqlite'}")
    a.upsert([offer(1)])
    dump = tmp_path / "b.jsonl"
    backup_file(a, dump)
    with pytest.raises(DataError, match="leere"):
        restore(a, dump)
    assert a.versions() == {"t-1": 1} and len(a.audit()) == 1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "leer"),
        ('{"format": "etwas"}\n', "keine Sicherung"),
        ('{"format": "mapapp-store-backup", "format_version": 1}\n{kaputt\n', "JSON"),
        (
            '{"format": "mapapp-store-backup", "format_version": 1}\n'
            '{"table": "offers", "row": {"id": "x"}}\n',
            None,
        ),
    ],
)
def test_bad_backup_file_stores_nothing(tmp_path: Path, text: str, needle: str | None) -> None:
    store = SqlOfferStore(f"sqlite:///{tmp_path / 'a.sqlite'}")
    path = tmp_path / "x.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match=needle):
        restore(store, path)
    assert store.count() == 0 and store.audit() == []
