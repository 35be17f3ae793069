"""Faults during an import, on SQLite and PostgreSQL: a writer killed with SIGKILL in the middle
of its transaction leaves no partial row, and a full disk ends the import with one sentence
(``mapapp offers import`` exits 2) and leaves the store as it was. SYNTHETIC offers in the toy
world.

The full disk is real where the test may mount a small tmpfs (root) for the SQLite store; else,
and on PostgreSQL (the server's disk is not ours to fill), the database's "disk full" error is
raised at the write layer after part of the rows went into the open transaction.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.services.offers import open_store
from mapapp.store import writes
from mapapp.store.sql import SqlOfferStore
from tests.fixtures.databases import BACKENDS, database_url
from tests.fixtures.store_load import offer_csv

REPO = Path(__file__).parents[2]

# The real import (parse, place, store) of a file; its store stops after two batches of rows
# went into the open write transaction, says so in a marker file and waits to be killed.
KILL_BATCH = 200
_KILLED_IMPORT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mapapp.config import get_settings
    from mapapp.services.offers import geo_context, import_offers, open_store
    from mapapp.store import writes

    path, marker = Path(sys.argv[1]), Path(sys.argv[2])
    writes.BATCH = BATCH = int(sys.argv[3])  # rows per INSERT batch (smaller: a quicker test)
    settings = get_settings()
    ctx = geo_context(settings, online=False)
    store = open_store(settings, ctx)

    def paused(offers):
        for i, offer in enumerate(offers):
            if i == 2 * BATCH + 5:
                marker.write_text(str(i))
                time.sleep(600)
            yield offer

    class Stopping:
        def upsert(self, offers, **kw):
            return store.upsert(paused(offers), **kw)

    import_offers(path.read_bytes(), path.name, ctx, Stopping(), actor="abgebrochen")
    """
)


def _snapshot(store: SqlOfferStore) -> tuple[object, ...]:
    return (store.count(), store.versions(), store.data_version(), len(store.audit()))


def _consistent(store: SqlOfferStore) -> None:
    """Every stored offer's version is the last one of its audit rows, and no audit row is
    newer than its offer."""
    last: dict[str, int] = {}
    for entry in store.audit():
        last[entry.offer_id] = max(last.get(entry.offer_id, 0), entry.version or 0)
    versions = store.versions()
    assert all(last.get(i) == v for i, v in versions.items())
    if store.backend == "sqlite":
        with closing(sqlite3.connect(str(store.engine.url.database))) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@contextmanager
def _backend_env(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SqlOfferStore]:
    with database_url(backend, tmp_path) as url:
        if backend != "sqlite":
            monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        store = open_store(get_settings())
        assert isinstance(store, SqlOfferStore)
        yield store


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_writer_killed_in_the_middle_of_an_import_leaves_no_partial_rows(
    backend: str, toy_data_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _backend_env(backend, tmp_path, monkeypatch) as store:
        small = tmp_path / "klein.csv"
        small.write_text(offer_csv(50, seed=1, tag="Vorher"), encoding="utf-8")
        assert main(["offers", "import", str(small), "--offline"]) == 0
        before = _snapshot(store)
        big, marker = tmp_path / "gross.csv", tmp_path / "mitten.txt"
        big.write_text(offer_csv(3 * KILL_BATCH, seed=2, tag="Abgebrochen"), encoding="utf-8")
        proc = subprocess.Popen(
            [sys.executable, "-c", _KILLED_IMPORT, str(big), str(marker), str(KILL_BATCH)],
            cwd=REPO,
            env=dict(os.environ),
        )
        try:
            for _ in range(1200):  # bounded: at most 120 s
                if marker.exists() or proc.poll() is not None:
                    break
                time.sleep(0.1)
            assert marker.exists(), "the import did not reach the middle of its transaction"
            assert int(marker.read_text()) == 2 * KILL_BATCH + 5  # two batches were written
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        assert _snapshot(store) == before
        assert not [o for o in store.all() if "Abgebrochen" in o.name]
        assert not [e for e in store.audit() if e.actor == "abgebrochen"]
        _consistent(store)
        # the store takes the next import at once (no lock left behind)
        again = tmp_path / "danach.csv"
        again.write_text(offer_csv(20, seed=3, tag="Danach"), encoding="utf-8")
        assert main(["offers", "import", str(again), "--offline"]) == 0
        assert store.count() == before[0] + 20
        _consistent(store)


def _mount_tmpfs(target: Path, size: int) -> bool:
    """Mount a tmpfs of ``size`` bytes at ``target`` (root only); ``False`` if not allowed."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _full_after_first_batch(monkeypatch: pytest.MonkeyPatch, orig: Exception) -> None:
    """The database reports "disk full" after the first batch went into the transaction."""
    real = writes._flush
    calls = {"n": 0}

    def flush(conn, inserts, updates, audits):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] > 1:
            raise sa.exc.OperationalError("INSERT INTO offers", {}, orig)
        return real(conn, inserts, updates, audits)

    monkeypatch.setattr(writes, "_flush", flush)


def _sqlite_full() -> Exception:
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    return error


def _assert_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mapapp: ") and "Kein Platz mehr" in lines[0]
    assert "Traceback" not in err and "sqlite3" not in err and "psycopg" not in err


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_full_disk_during_an_import_is_one_sentence_and_changes_nothing(
    backend: str,
    toy_data_dir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with _backend_env(backend, tmp_path, monkeypatch) as store:
        small = tmp_path / "klein.csv"
        small.write_text(offer_csv(30, seed=1, tag="Vorher"), encoding="utf-8")
        assert main(["offers", "import", str(small), "--offline"]) == 0
        before = _snapshot(store)
        big = tmp_path / "gross.csv"
        big.write_text(offer_csv(2000, seed=2, tag="Voll"), encoding="utf-8")
        mounted = None
        if backend == "sqlite":
            # the store on a tmpfs with room for the file and a little more, not for the import
            folder = Path(str(store.engine.url.database)).parent
            keep = tmp_path / "store-vorher"
            shutil.copytree(folder, keep)
            size = sum(f.stat().st_size for f in keep.iterdir()) + 160 * 1024
            if _mount_tmpfs(folder, size):
                mounted = folder
                for f in keep.iterdir():
                    shutil.copy2(f, folder / f.name)
            else:
                _full_after_first_batch(monkeypatch, _sqlite_full())
        else:
            _full_after_first_batch(monkeypatch, psycopg.errors.DiskFull("could not extend file"))
        try:
            capsys.readouterr()
            assert main(["offers", "import", str(big), "--offline"]) == 2
            _assert_one_sentence(capsys)
            assert _snapshot(store) == before
            assert not [o for o in store.all() if "Voll" in o.name]
            _consistent(store)
        finally:
            if mounted is not None:
                from mapapp.store import engine as store_engine

                store_engine.dispose(store.engine.url)
                if subprocess.run(["umount", str(mounted)], check=False).returncode != 0:
                    subprocess.run(["umount", "-l", str(mounted)], check=True)
