"""Several app processes, one truth: the app's offer caches (``ui/cached.py``) are keyed by the
store's data version, so a write by another process on the same database shows at the next
rerun – on SQLite and on PostgreSQL. SYNTHETIC toy world and offer."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.fixtures.databases import BACKENDS, database_url

REPO = Path(__file__).parents[2]

_OTHER_PROCESS = textwrap.dedent(
    """
    from mapapp.config import get_settings
    from mapapp.model import OfferCategory
    from mapapp.offers_model import CoordSource, Offer, Precision
    from mapapp.store import open_offer_store

    store = open_offer_store(get_settings())
    new = Offer(id="synthetic-neu", name="SYNTHETIC aus Prozess B", category=OfferCategory.MBE,
                lon=7.0, lat=51.0, precision=Precision.ADDRESS, coord_source=CoordSource.FILE)
    store.upsert([new], actor="prozess-b", via="ui")
    """
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_cache_key_and_index_follow_another_process(
    backend: str, toy_data_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapapp.ui import cached

    with database_url(backend, tmp_path) as url:
        monkeypatch.setenv("MAPAPP_DATABASE_URL", url)
        key = cached.offer_store_key()  # seeds the new database with the toy bundle
        before = cached.offer_index(key)
        assert before.offers and key == cached.offer_store_key()  # no write, same key
        done = subprocess.run(
            [sys.executable, "-c", _OTHER_PROCESS], cwd=REPO, env=dict(os.environ), timeout=120
        )
        assert done.returncode == 0
        new_key = cached.offer_store_key()
        assert new_key != key
        after = cached.offer_index(new_key)
        assert "synthetic-neu" in {o.id for o in after.offers}
        assert "synthetic-neu" not in {o.id for o in before.offers}
        assert len(after.offers) == len(before.offers) + 1
