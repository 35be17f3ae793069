"""Persistence of offers behind the :class:`~mapapp.store.base.OfferStore` protocol.

:func:`open_offer_store` returns the embedded default (SQLite file ``offers.sqlite`` in
``settings.store_dir``). A server backend (PostGIS) would be chosen here from the settings.
"""

from __future__ import annotations

from mapapp.config import Settings
from mapapp.store.base import OfferStore, UpsertResult, ensure_seeded
from mapapp.store.sqlite import SqliteOfferStore

OFFERS_DB_NAME = "offers.sqlite"


def open_offer_store(settings: Settings) -> OfferStore:
    """The configured offer store (embedded SQLite in ``settings.store_dir``)."""
    return SqliteOfferStore(settings.store_dir / OFFERS_DB_NAME)


__all__ = ["OfferStore", "SqliteOfferStore", "UpsertResult", "ensure_seeded", "open_offer_store"]
