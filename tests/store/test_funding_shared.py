"""An imported funding list lives in the shared database when ``MAPAPP_DATABASE_URL`` is set:
``mapapp funding import`` stores it there (no file in the data directory), another process on
the same database uses the same list, the import and the reset are audited, a backup carries it,
and ``funding reset`` makes the documented list active again everywhere. The embedded SQLite
default keeps the file (tests/commands/test_cli_funding.py). SYNTHETIC import rows of real
NRW units (the committed reference folder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.io.funding import imported_registry_path
from mapapp.services import funding as funding_service
from mapapp.store import funding_list
from mapapp.store.schema import AUDIT
from mapapp.store.sql import SqlOfferStore
from tests.commands.test_cli_funding import ministry_csv
from tests.fixtures.databases import postgres_schema

pytestmark = pytest.mark.postgres

REPO = Path(__file__).parents[2]

_OTHER_PROCESS = textwrap.dedent(
    """
    import json
    from mapapp.config import get_settings
    from mapapp.services import funding
    settings = get_settings()
    info = funding.registry_info(settings)
    frame = funding.active_registry(settings)
    print(json.dumps({"imported": info.imported, "mtime": info.mtime,
                      "ags": sorted(frame["ags"])}))
    """
)


def _other_process() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_an_imported_list_is_shared_through_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    with postgres_schema() as url:
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        settings = get_settings()
        documented = _other_process()
        assert documented["imported"] is False
        assert main(["funding", "import", str(ministry_csv(tmp_path / "liste.csv"))]) == 0
        assert "funding_registry.csv" in capsys.readouterr().out
        assert not imported_registry_path(settings).exists()  # not a file of this machine
        store = SqlOfferStore(url)
        assert funding_list.load(store) is not None
        seen = _other_process()
        assert seen["imported"] is True and seen["ags"] == ["05122000", "05911000", "05978"]
        info = funding_service.registry_info(settings)
        assert info.imported and info.mtime == seen["mtime"]  # the app's cache key moves
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(AUDIT.c.action, AUDIT.c.via).where(AUDIT.c.kind == "funding")
            ).all()
        assert [tuple(r) for r in rows] == [("import", "cli")]
        assert store.audit() == []  # the offers' history is not mixed with it
        # a backup carries the list
        backup = tmp_path / "sicherung.jsonl"
        assert main(["db", "backup", "--out", str(backup)]) == 0
        assert funding_list.TEXT_KEY in backup.read_text("utf-8")
        assert main(["funding", "reset"]) == 0
        assert _other_process()["imported"] is False
        assert funding_list.load(store) is None
        assert main(["funding", "reset"]) == 0  # nothing to reset: still fine
        assert "Keine importierte Liste" in capsys.readouterr().out


def test_a_damaged_list_in_the_database_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    with postgres_schema() as url:
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        funding_list.save(SqlOfferStore(url), "kaputt;nur;Text\n1;2\n", actor="t", via="cli")
        assert main(["funding", "show"]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "funding reset" in err
        assert main(["doctor", "--format", "json"]) == 1
        files = json.loads(capsys.readouterr().out)["files"]
        listed = [f for f in files if f["file"].endswith("funding_registry.csv")]
        assert [f["status"] for f in listed] == ["damaged"]
