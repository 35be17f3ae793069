"""``mapapp users`` and the scope of ``--as`` on the command line (update, revert, verify,
import), ``mapapp offers stale``: on the SYNTHETIC toy world (editor "nord" looks after the Kreis
05901 Nordkreis: Betadorf, Gammastadt, Deltaheim). Names and passwords are SYNTHETIC."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.services.offers import open_store
from mapapp.store import open_offer_store
from tests.fixtures.toy_files import ToyData

PASSWORD = "nordkreis-pw-1"


def _users(monkeypatch: pytest.MonkeyPatch, *argv: str, password: str | None = None) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n" if password else ""))
    return main(["users", *argv])


@pytest.fixture
def world(toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch) -> ToyData:
    """The toy world's seeded store with an admin, the editor 'nord' (Kreis 05901) and a
    viewer."""
    monkeypatch.delenv("MAPAPP_DATABASE_URL", raising=False)
    open_store(get_settings())
    args = ("--password-stdin", "--as", "setup")
    assert (
        _users(monkeypatch, "add", "ministerium", "--role", "admin", *args, password=PASSWORD) == 0
    )
    assert (
        _users(
            monkeypatch, "add", "nord", "--role", "editor", "--scope", "05901", *args,
            password=PASSWORD,
        )
        == 0
    )  # fmt: skip
    assert _users(monkeypatch, "add", "leser", "--role", "viewer", *args, password=PASSWORD) == 0
    return toy_data_dir


def _id(name: str) -> tuple[str, int]:
    store = open_offer_store(get_settings())
    offer = next(o for o in store.all() if o.name == name)
    return offer.id, store.versions()[offer.id]


def test_users_add_list_reset_remove(world: ToyData, monkeypatch, capsys) -> None:
    capsys.readouterr()
    assert _users(monkeypatch, "list", "--format", "json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"], u["scopes"]) for u in listed] == [
        ("leser", "viewer", []),
        ("ministerium", "admin", []),
        ("nord", "editor", ["05901"]),
    ]
    assert _users(monkeypatch, "add", "x", "--role", "editor", "--password-stdin") == 2
    assert "Passwort" in capsys.readouterr().err  # nothing on stdin
    assert (
        _users(monkeypatch, "add", "x", "--role", "editor", "--password-stdin", password=PASSWORD)
        == 2
    )
    assert "--scope" in capsys.readouterr().err
    assert (
        _users(monkeypatch, "reset-password", "nord", "--password-stdin", password="neues-pw-12")
        == 0
    )
    assert _users(monkeypatch, "remove", "leser") == 0
    assert _users(monkeypatch, "remove", "leser") == 2
    capsys.readouterr()
    assert _users(monkeypatch, "list") == 0
    out = capsys.readouterr().out
    assert "nord\teditor\t05901" in out and "leser" not in out
    # no password and no hash ever reaches the output or the audit's text
    stored = (get_settings().store_dir / "offers.sqlite").read_bytes()
    assert PASSWORD.encode() not in stored and b"neues-pw-12" not in stored
    assert main(["audit", "--format", "json"]) == 0  # the offer audit: no account rows in it
    assert all(e["offer_id"] for e in json.loads(capsys.readouterr().out))


def test_the_editor_changes_offers_only_in_its_kreis(world: ToyData, capsys) -> None:
    inside, v_in = _id("Migrationsberatung Betadorf")
    outside, v_out = _id("Kommunales Integrationszentrum Alphastadt")
    upd = ["offers", "update"]
    assert (
        main([*upd, inside, "--set", "phone=0201 1", "--if-version", str(v_in), "--as", "nord"])
        == 0
    )
    assert (
        main([*upd, outside, "--set", "phone=0201 2", "--if-version", str(v_out), "--as", "nord"])
        == 2
    )
    err = capsys.readouterr().err
    assert "außerhalb des Bereichs von nord (05901)" in err and "Gemeinde 05111000" in err
    assert (
        main([*upd, inside, "--set", "phone=0", "--if-version", str(v_in + 1), "--as", "leser"])
        == 2
    )
    assert "viewer" in capsys.readouterr().err
    assert (
        main([*upd, inside, "--set", "phone=0", "--if-version", str(v_in + 1), "--as", "root"]) == 2
    )
    assert "Konto 'root' gibt es nicht" in capsys.readouterr().err
    # the admin may change the offer outside; nord may not revert it, the admin may
    assert (
        main([*upd, outside, "--set", "phone=1", "--if-version", str(v_out), "--as", "ministerium"])
        == 0
    )
    assert main(["offers", "revert", outside, "--to", str(v_out), "--as", "nord"]) == 2
    assert main(["offers", "revert", outside, "--to", str(v_out), "--as", "ministerium"]) == 0
    assert main(["offers", "revert", inside, "--to", str(v_in), "--as", "nord"]) == 0
    store = open_offer_store(get_settings())
    assert store.get(outside).phone is None  # type: ignore[union-attr]
    entries = store.audit(inside)
    assert [(e.actor, e.action) for e in entries[-2:]] == [("nord", "update"), ("nord", "revert")]
    assert entries[-2].after["last_verified"] == date.today().isoformat()  # type: ignore[index]


def test_import_by_an_editor_rejects_rows_outside_and_keeps_the_others(
    world: ToyData, tmp_path: Path, capsys
) -> None:
    f = tmp_path / "liste.csv"
    f.write_text(
        "Name;Kategorie;Straße;PLZ;Ort\n"
        "Sprachcafé Betadorf;Sonstiges;Lindenweg 9;50904;Betadorf\n"
        "Sprachcafé Alphastadt;Sonstiges;Marktplatz 9;50111;Alphastadt\n"
        "Sprachcafé Gammastadt;Sonstiges;Rathausplatz 9;50908;Gammastadt\n",
        encoding="utf-8",
    )
    report = tmp_path / "bericht.json"
    code = main(["offers", "import", str(f), "--offline", "--as", "nord", "--report", str(report)])
    assert code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["stored"] and data["accepted"] == 2 and data["inserted"] == 2
    [rejected] = data["rejected"]
    assert rejected["row"] == 3 and rejected["field"] == "ags"
    assert "Gemeinde 05111000" in rejected["reason"]
    assert "außerhalb des Bereichs von nord (05901)" in rejected["reason"]
    names = {o.name for o in open_offer_store(get_settings()).all()}
    assert {"Sprachcafé Betadorf", "Sprachcafé Gammastadt"} <= names
    assert "Sprachcafé Alphastadt" not in names
    # the admin imports the same file: every row
    assert main(["offers", "import", str(f), "--offline", "--as", "ministerium"]) == 0


def test_stale_lists_unchecked_offers_and_verify_clears_them(world: ToyData, capsys) -> None:
    store = open_offer_store(get_settings())
    old = date.today() - timedelta(days=400)
    recent = date.today() - timedelta(days=45)
    inside, v_in = _id("Migrationsberatung Betadorf")
    other, v_other = _id("Jobcenter Deltaheim")
    for oid, day, version in ((inside, old, v_in), (other, recent, v_other)):
        changed = store.get(oid).with_changes(last_verified=day)  # type: ignore[union-attr]
        store.update(changed, expected_version=version, actor="test", via="cli")
    capsys.readouterr()
    assert main(["offers", "stale", "--scope", "05901", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in rows]
    assert inside in ids and other not in ids
    assert all(r["kreis_ags"] == "05901" for r in rows)
    mine = next(r for r in rows if r["id"] == inside)
    assert mine["last_verified"] == old.isoformat() and mine["days_since_verified"] == 400
    # never verified (bundled offers) count too, and come first
    assert rows[0]["last_verified"] is None
    assert main(["offers", "stale", "--months", "1", "--scope", "05901", "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert other in {r["id"] for r in table}  # 45 days > 1 month
    assert main(["offers", "verify", inside, "--if-version", str(v_in + 1), "--as", "nord"]) == 0
    assert main(["offers", "verify", other, "--if-version", "1", "--as", "nord"]) == 3
    capsys.readouterr()
    assert main(["offers", "stale", "--scope", "05901", "--format", "json"]) == 0
    assert inside not in [r["id"] for r in json.loads(capsys.readouterr().out)]
    last = store.audit(inside)[-1]
    assert (last.actor, last.action, last.via) == ("nord", "verify", "cli")
    assert last.after["last_verified"] == date.today().isoformat()  # type: ignore[index]
    assert main(["offers", "stale", "--scope", "5901", "--format", "json"]) == 2
