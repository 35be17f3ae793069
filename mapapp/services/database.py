"""User tasks around the store database itself: create or migrate it, back it up, restore it.

``mapapp db init|backup|restore`` call these; the store of ``MAPAPP_DATABASE_URL`` (or the
embedded SQLite file) is the one every page and command uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapapp.config import Settings
from mapapp.store import backup as store_backup
from mapapp.store import database_url, open_offer_store
from mapapp.store import engine as store_engine
from mapapp.store.migrate import HEAD, ensure_schema
from mapapp.store.sql import SqlOfferStore


@dataclass(frozen=True)
class InitResult:
    """What ``db init`` found and did."""

    location: str
    backend: str
    revision_before: str | None
    revision: str
    offers: int

    @property
    def changed(self) -> bool:
        return self.revision_before != self.revision


def init(settings: Settings) -> InitResult:
    """Create the schema of the configured database or migrate it to the newest (idempotent)."""
    url = store_engine.normalise_url(database_url(settings))
    if url.get_backend_name() == "sqlite":
        Path(str(url.database)).parent.mkdir(parents=True, exist_ok=True)
    engine = store_engine.engine_for(url)
    with store_engine.guarded(url):
        before, now = ensure_schema(engine)
    store = SqlOfferStore(url)
    return InitResult(store.location, store.backend, before, now, store.count())


def backup(settings: Settings, out: Path) -> dict[str, int]:
    """Write the configured store to ``out`` (JSON Lines); rows per table."""
    return store_backup.backup_file(open_offer_store(settings), out)


def restore(settings: Settings, path: Path) -> dict[str, int]:
    """Read the backup ``path`` into the configured (empty) store; rows per table."""
    return store_backup.restore(open_offer_store(settings), path)


__all__ = ["HEAD", "InitResult", "backup", "init", "restore"]
