"""Persistence of offers behind the :class:`~mapapp.store.base.OfferStore` protocol.

:func:`open_offer_store` returns the store of ``settings.database_url`` (``MAPAPP_DATABASE_URL``:
a shared PostgreSQL/PostGIS database) or, by default, the embedded SQLite file ``offers.sqlite`` in
``settings.store_dir``; both are :class:`~mapapp.store.sql.SqlOfferStore` (created or migrated
on open).
"""

from __future__ import annotations

from pathlib import Path

from mapapp.config import Settings
from mapapp.store.base import OfferStore, UpsertResult, ensure_seeded
from mapapp.store.logins import LOGINS_DB_NAME
from mapapp.store.sql import SqlOfferStore
from mapapp.store.sqlite import SqliteOfferStore
from mapapp.store.sqlite_file import check_file

OFFERS_DB_NAME = "offers.sqlite"
#: The SQLite files of ``settings.store_dir`` and the tables each must have.
STORE_FILES: dict[str, tuple[str, ...]] = {
    OFFERS_DB_NAME: ("offers", "meta"),
    LOGINS_DB_NAME: ("login_attempts",),
}


def database_url(settings: Settings) -> str:
    """The configured store database: ``MAPAPP_DATABASE_URL``, else the SQLite file."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{settings.store_dir / OFFERS_DB_NAME}"


def offer_store_exists(settings: Settings) -> bool:
    """Whether the configured store database is there without opening it (a database URL
    counts as there; the SQLite file only when it exists -- opening it would create it)."""
    return bool(settings.database_url) or (settings.store_dir / OFFERS_DB_NAME).exists()


def open_offer_store(settings: Settings) -> SqlOfferStore:
    """The configured offer store (created or migrated on open)."""
    if settings.database_url:
        return SqlOfferStore(settings.database_url)
    return SqliteOfferStore(settings.store_dir / OFFERS_DB_NAME)


def check_stores(settings: Settings) -> list[tuple[Path, str | None]]:
    """``(file, problem or None)`` for each store file that exists (``PRAGMA quick_check``).

    A store that does not exist yet is fine (it is created empty on first use) and not listed.
    """
    files = [settings.store_dir / name for name in STORE_FILES]
    return [(f, check_file(f, STORE_FILES[f.name])) for f in files if f.exists()]


__all__ = [
    "STORE_FILES",
    "OfferStore",
    "SqlOfferStore",
    "SqliteOfferStore",
    "UpsertResult",
    "check_stores",
    "database_url",
    "ensure_seeded",
    "offer_store_exists",
    "open_offer_store",
]
