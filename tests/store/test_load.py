"""Load: concurrent editors on shared offers and concurrent nearest-offer readers, in several
processes, on SQLite and on PostgreSQL – no lost update (every accepted edit is in the final
state and in the audit at its version), no error other than a version conflict. Bounded small
numbers here; the measured run with 20 editors and 200 readers is ``scripts/bench_store_load.py``
(docs/BENCHMARKS.md). SYNTHETIC offers in the toy world."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mapapp.config import get_settings
from mapapp.services.offers import open_store
from tests.fixtures.databases import BACKENDS, database_url
from tests.fixtures.store_load import check, run_load, synthetic_offers


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_editors_and_readers_lose_nothing(
    backend: str, toy_data_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database_url(backend, tmp_path) as url:
        if backend != "sqlite":
            monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        store = open_store(get_settings())
        offers = synthetic_offers(40)
        store.upsert(offers, actor="setup", via="import")
        hot = [o.id for o in offers[:3]]
        run = run_load(os.environ, hot=hot, editors=4, edits=6, readers=6, reads=3, processes=2)
        assert check(store, run, hot) == []
        assert len(run.accepted) == 4 * 6  # every edit saved in the end (after retries)
        assert len(run.read_s) == 6 * 3 and run.hits >= 6 * 3
        assert len(run.write_s) == len(run.accepted) + run.conflicts


def test_check_finds_a_lost_update(toy_data_dir, tmp_path: Path) -> None:
    """The invariant check is not blind: an accepted edit missing from the store is reported."""
    from tests.fixtures.store_load import LoadRun

    store = open_store(get_settings())
    offers = synthetic_offers(2)
    store.upsert(offers, actor="setup", via="import")
    current = store.get_versioned(offers[0].id)
    assert current is not None
    store.update(
        current.offer.with_changes(note="p0e0.0"), expected_version=1, actor="p0e0", via="ui"
    )
    claimed = [(offers[0].id, 2, "p0e0.0"), (offers[0].id, 3, "p0e1.0")]  # the second was lost
    run = LoadRun(claimed, 0, [], [], [], [], 0, 0.0)
    problems = check(store, run, [offers[0].id])
    assert any("Notiz" in p for p in problems) and any("Version 3" in p for p in problems)
