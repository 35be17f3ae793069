"""``mapapp db init|backup|restore``, ``mapapp offers update|revert`` and ``mapapp audit`` on both
back ends: exit codes (0; 3 on a version conflict with one line on stderr; 2 for unknown offers
and bad values), the audit JSON, a backup restored into another database. Offers are SYNTHETIC.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.store import open_offer_store
from mapapp.store.migrate import HEAD
from tests.fixtures.databases import BACKENDS, database_url
from tests.store.test_store_contract import offer


@pytest.fixture(params=BACKENDS)
def db_env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """``MAPAPP_DATA_DIR`` in tmp and, for ``postgres``, ``MAPAPP_DATABASE_URL`` on a fresh
    schema; yields the backend name."""
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAPAPP_DATABASE_URL", raising=False)
    if request.param == "sqlite":
        yield "sqlite"
        return
    with database_url("postgres", tmp_path) as url:
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        yield "postgres"


def test_db_init_creates_then_reports_current(db_env: str, capsys) -> None:
    assert main(["db", "init"]) == 0
    first = capsys.readouterr().out
    assert f"Schema {HEAD}" in first and "0 Angebote" in first
    assert main(["db", "init"]) == 0
    assert "aktuell" in capsys.readouterr().out
    if db_env == "sqlite":
        assert (get_settings().store_dir / "offers.sqlite").is_file()


def test_update_conflict_and_revert_from_the_command_line(db_env: str, capsys) -> None:
    store = open_offer_store(get_settings())
    store.upsert([offer(1), offer(2)])
    args = ["offers", "update", "t-1", "--set", "phone=0251 1234", "--set", "languages=de;ar"]
    assert main([*args, "--if-version", "1", "--as", "anna"]) == 0
    assert "Version 2" in capsys.readouterr().out
    changed = store.get("t-1")
    assert changed is not None and changed.phone == "0251 1234"
    assert changed.languages == ("de", "ar")
    # an editor still on version 1: exit 3, one line naming both versions, nothing stored
    assert (
        main(["offers", "update", "t-1", "--set", "name=B", "--if-version", "1", "--as", "bert"])
        == 3
    )
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert captured.out == "" and err.count("\n") == 0 and err.startswith("mapapp:")
    assert "Version 1" in err and "Version 2" in err
    assert store.get("t-1") == changed
    assert main(["offers", "revert", "t-1", "--to", "1", "--as", "carla"]) == 0
    assert "als Version 3" in capsys.readouterr().out
    assert store.get("t-1") == offer(1)
    assert main(["audit", "--offer", "t-1", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [set(e) for e in entries] == [
        {"offer_id", "version", "actor", "at", "via", "action", "before", "after"}
    ] * 3
    assert [(e["version"], e["actor"], e["via"], e["action"]) for e in entries] == [
        (1, "system", "import", "create"),
        (2, "anna", "cli", "update"),
        (3, "carla", "cli", "revert"),
    ]
    assert entries[1]["before"]["phone"] is None and entries[1]["after"]["phone"] == "0251 1234"
    assert entries[2]["after"] == offer(1).to_record()
    assert main(["audit", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 4  # t-2's creation too
    assert main(["audit", "--offer", "t-1"]) == 0
    out = capsys.readouterr().out  # a change sets last_verified (zuletzt geprüft) to today
    assert "t-1 v2  update durch anna über cli (languages, last_verified, phone)" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["offers", "update", "nope", "--set", "name=x", "--if-version", "1"], "nicht gefunden"),
        (["offers", "update", "t-1", "--set", "farbe=rot", "--if-version", "1"], "farbe"),
        (
            ["offers", "update", "t-1", "--set", "website=javascript:x", "--if-version", "1"],
            "website",
        ),
        (["offers", "update", "t-1", "--set", "category=keine", "--if-version", "1"], "keine"),
        (["offers", "update", "t-1", "--set", "name=", "--if-version", "1"], "leer"),
        (["offers", "revert", "t-1", "--to", "9"], "Version 9"),
    ],
)
def test_bad_edits_exit_2_and_store_nothing(db_env: str, capsys, argv, needle) -> None:
    store = open_offer_store(get_settings())
    store.upsert([offer(1)])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and needle in err
    assert store.versions() == {"t-1": 1} and len(store.audit()) == 1


def test_update_without_as_names_the_os_user(db_env: str, monkeypatch, capsys) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "os-nutzerin")
    store = open_offer_store(get_settings())
    store.upsert([offer(1)])
    assert main(["offers", "update", "t-1", "--set", "note=x", "--if-version", "1"]) == 0
    assert store.audit("t-1")[-1].actor == "os-nutzerin"


def test_backup_and_restore_commands(db_env: str, tmp_path: Path, monkeypatch, capsys) -> None:
    store = open_offer_store(get_settings())
    store.upsert([offer(1), offer(2)], actor="anna")
    store.update(offer(1, name="neu"), expected_version=1, actor="bert", via="ui")
    dump = tmp_path / "sicherung.jsonl"
    assert main(["db", "backup", "--out", str(dump)]) == 0
    assert "offers: 2" in capsys.readouterr().err
    # into an empty SQLite store of another data directory
    monkeypatch.delenv("MAPAPP_DATABASE_URL", raising=False)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "andere"))
    assert main(["db", "init"]) == 0
    assert main(["db", "restore", str(dump)]) == 0
    restored = open_offer_store(get_settings())
    assert restored.all() == store.all() and restored.versions() == {"t-1": 2, "t-2": 1}
    assert [e.to_json() for e in restored.audit()] == [e.to_json() for e in store.audit()]
    capsys.readouterr()
    assert main(["db", "restore", str(dump)]) == 2  # not empty any more: one sentence
    assert "leere" in capsys.readouterr().err


def test_import_writes_audit_rows_with_its_actor(tmp_path: Path, monkeypatch, capsys) -> None:
    """``offers import --as`` names the importer; the seed writes as ``system``."""
    import mapapp.commands.offers as offers_cmd
    from tests.commands.test_cli_offers import GOOD, write
    from tests.fixtures.offers_geography import write_data_dir

    settings = write_data_dir(tmp_path)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("MAPAPP_DATABASE_URL", raising=False)
    monkeypatch.delenv("MAPAPP_GEOCODER_URL", raising=False)
    monkeypatch.setattr(offers_cmd, "get_settings", lambda: settings)
    path = write(tmp_path, "a.csv", GOOD)
    assert main(["offers", "import", str(path), "--as", "kreis-aheim"]) == 0
    capsys.readouterr()
    assert main(["audit", "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    seeded = [e for e in entries if e["via"] == "seed"]
    imported = [e for e in entries if e["via"] == "import"]
    assert seeded and all(e["actor"] == "system" and e["action"] == "create" for e in seeded)
    assert sorted(e["after"]["name"] for e in imported) == ["Beratung A", "Kurs C"]
    assert {e["actor"] for e in imported} == {"kreis-aheim"}
