"""``mapapp doctor`` with a shared PostgreSQL store (``MAPAPP_DATABASE_URL``): one line each for
"reachable", "schema at the code's migration" and "PostGIS"; an empty database (not migrated) or a
server that does not answer needs the user (exit 1, the line says what to do). SYNTHETIC toy
world."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import postgres_schema


def database_lines(capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[str, str]]:
    payload = json.loads(capsys.readouterr().out)
    return {
        f["file"].rsplit("(", 1)[-1].rstrip(")"): (f["status"], f["note"])
        for f in payload["files"]
        if f["file"].startswith("Datenbank ")
    }


@pytest.mark.postgres
def test_a_migrated_postgis_store_is_ok(
    toy_data_dir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with postgres_schema() as url:
        SqlOfferStore(url)  # created and migrated
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        main(["doctor", "--format", "json"])
        lines = database_lines(capsys)
        assert lines == {
            "erreichbar": ("ok", ""),
            "Schema aktuell": ("ok", ""),
            "PostGIS": ("ok", ""),
        }


@pytest.mark.postgres
def test_an_empty_database_needs_db_init(
    toy_data_dir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with postgres_schema() as url:
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        assert main(["doctor", "--format", "json"]) == 1
        lines = database_lines(capsys)
        assert lines["erreichbar"] == ("ok", "")
        status, note = lines["Schema aktuell"]
        assert status == "damaged" and "leer" in note and "mapapp db init" in note
        assert lines["PostGIS"] == ("ok", "")  # installed in the database, used after db init


def test_a_server_that_does_not_answer_is_one_line(
    toy_data_dir, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("MAPAPP_DATABASE_URL", f"postgresql://niemand@127.0.0.1:{port}/keine")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Datenbank " in x)
    assert line.split()[0] == "fehlt" and "nicht erreichbar" in line and "(erreichbar)" in line
    assert "Schema aktuell" not in out  # nothing else tried against a silent server
    assert "Traceback" not in out


def test_without_a_database_url_no_database_line(
    toy_data_dir, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["doctor", "--format", "json"])
    assert database_lines(capsys) == {}
