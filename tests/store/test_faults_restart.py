"""The database restarted under the running app: while PostgreSQL is down the services (and the
Angebote page) say so in one sentence; when it is back they work again by themselves, in the
same process, without a restart of the app. SYNTHETIC toy world.

The test runs its own throwaway PostgreSQL cluster (Debian's binaries, as
``scripts/start_postgres.sh`` runs one) on a free port, so stopping it disturbs no other test.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mapapp.config import get_settings
from mapapp.model import DataError
from mapapp.services import offers
from mapapp.store import engine as store_engine
from tests.fixtures.store_load import synthetic_offers

pytestmark = pytest.mark.postgres

#: The Angebote page run as ``streamlit_app.py`` runs every page (an error: one sentence).
_GUARDED_PAGE = (
    "from mapapp.ui.errors import run_guarded\n"
    "from mapapp.ui.pages import angebote\n"
    "run_guarded(angebote.render, 'de', page='angebote')\n"
)


def _bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A PostgreSQL cluster of this test: ``url``, ``stop()``, ``start()``."""

    bindir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/neustart"

    def run(self, *args: str) -> None:
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*as_owner, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c fsync=off"
        log = str(self.root / "server.log")
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-l", log, "-w",
                 "-t", "60", "start", "-o", opts)  # fmt: skip

    def stop(self) -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "-w",
                 "stop")  # fmt: skip

    def psql(self, db: str, sql: str) -> None:
        self.run(str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
                 "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qc", sql)  # fmt: skip


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    from tests.conftest import skip_or_fail

    bindir = _bindir()
    if bindir is None or not Path("/usr/share/postgresql").glob("*/extension/postgis.control"):
        skip_or_fail("PostgreSQL/PostGIS binaries missing (bash scripts/start_postgres.sh)")
        raise AssertionError("unreachable")
    root = Path(tempfile.mkdtemp(prefix="mapapp-restart-pg-"))  # the server's user reads it
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = Cluster(bindir, root, _free_port())
    try:
        server.run(str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres",
                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        server.start()
        server.psql("postgres", "CREATE DATABASE neustart")
        server.psql("neustart", "CREATE EXTENSION postgis")
        yield server
    finally:
        store_engine.dispose(server.url)
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(root, ignore_errors=True)


def _one_sentence(exc: DataError) -> str:
    text = str(exc)
    assert "\n" not in text and "Traceback" not in text
    assert "nicht erreichbar" in text and "versucht es beim nächsten Aufruf wieder" in text
    return text


def test_services_say_the_database_is_down_and_recover_by_themselves(
    cluster: Cluster, toy_data_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPAPP_DATABASE_URL", cluster.url)
    settings = get_settings()
    store = offers.open_store(settings)  # seeds the new database
    store.upsert(synthetic_offers(30), actor="setup", via="import")
    near = offers.search_near(settings, "Betadorf", limit=3)
    key = offers.store_key(settings)
    assert len(near.hits) == 3
    cluster.stop()
    try:
        for _ in range(3):  # every call while it is down: the same one sentence, no traceback
            with pytest.raises(DataError) as down:
                offers.search_near(settings, "Betadorf", limit=3)
            _one_sentence(down.value)
            with pytest.raises(DataError):
                offers.store_key(settings)
    finally:
        cluster.start()
    # back: the same process works again (stale pooled connections are replaced), reads and writes
    again = offers.search_near(settings, "Betadorf", limit=3)
    assert [h.offer.id for h in again.hits] == [h.offer.id for h in near.hits]
    assert offers.store_key(settings) == key
    current = store.get_versioned(near.hits[0].offer.id)
    assert current is not None
    store.update(
        current.offer.with_changes(note="nach dem Neustart"),
        expected_version=current.version,
        actor="redaktion",
        via="ui",
    )
    assert offers.store_key(settings) != key


def test_the_angebote_page_says_it_in_one_sentence_and_recovers(
    cluster: Cluster, toy_data_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MAPAPP_DATABASE_URL", cluster.url)
    offers.open_store(get_settings())  # seeded while the server is up
    at = AppTest.from_string(_GUARDED_PAGE, default_timeout=60)
    at.query_params["ort"] = "Betadorf"
    at.run()
    assert not at.exception and not at.error
    cards = [m.value for m in at.markdown if m.value.startswith("**1\\.")]
    assert cards  # the nearest offers are listed
    cluster.stop()
    try:
        at.run()
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and "nicht erreichbar" in errors[0], errors
        assert "\n" not in errors[0].strip() and not at.exception
    finally:
        cluster.start()
    at.run()  # the next rerun, nothing else done: the offers are back
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown if m.value.startswith("**1\\.")] == cards
