"""Persistence of offers behind the :class:`~mapapp.store.base.OfferStore` protocol.

:func:`open_offer_store` returns the embedded default (SQLite file ``offers.sqlite`` in
``settings.store_dir``). A server backend (PostGIS) would be chosen here from the settings.
"""

from __future__ import annotations

from pathlib import Path

from mapapp.config import Settings
from mapapp.store.base import OfferStore, UpsertResult, ensure_seeded
from mapapp.store.logins import LOGINS_DB_NAME
from mapapp.store.sqlite import SqliteOfferStore
from mapapp.store.sqlite_file import check_file

OFFERS_DB_NAME = "offers.sqlite"
#: The SQLite files of ``settings.store_dir`` and the tables each must have.
STORE_FILES: dict[str, tuple[str, ...]] = {
    OFFERS_DB_NAME: ("offers", "meta"),
    LOGINS_DB_NAME: ("login_attempts",),
}


def open_offer_store(settings: Settings) -> OfferStore:
    """The configured offer store (embedded SQLite in ``settings.store_dir``)."""
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
    "SqliteOfferStore",
    "UpsertResult",
    "check_stores",
    "ensure_seeded",
    "open_offer_store",
]
