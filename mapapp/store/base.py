"""The offer store interface: what the app, the CLI and the analysis need from persistence.

The embedded default is :class:`mapapp.store.sqlite.SqliteOfferStore` (one SQLite file, no server).
A server database (PostGIS) implements the same :class:`OfferStore` protocol later; nothing outside
``mapapp.store`` depends on the backend.

Contract of every implementation
--------------------------------
- Writes are transactional: :meth:`OfferStore.upsert`, :meth:`OfferStore.delete` and
  :meth:`OfferStore.seed` either apply completely or not at all, also when the iterable they
  consume raises or the process dies in the middle.
- Ids are the key (:func:`mapapp.offers_model.offer_id`): upserting an offer with a known id replaces
  it (counted as *updated* when something changed, *unchanged* otherwise), so re-importing the same
  file never duplicates.
- :meth:`OfferStore.data_version` changes with every write that changes data, so caches (e.g. the
  nearest-search index) can key on it.
- Authentication is not the store's job (the UI checks ``settings.editor_password``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from mapapp.offers_model import Offer


@dataclass(frozen=True)
class UpsertResult:
    """What a write did (counts of offers)."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@runtime_checkable
class OfferStore(Protocol):
    """Persistence of offers (see the module docstring for the contract)."""

    @property
    def location(self) -> str:
        """Human-readable location (file path or database URL without password)."""
        ...

    def all(self) -> list[Offer]:
        """Every stored offer, ordered by id."""
        ...

    def get(self, offer_id: str) -> Offer | None: ...

    def count(self) -> int: ...

    def upsert(self, offers: Iterable[Offer]) -> UpsertResult:
        """Insert or replace offers by id, in one transaction."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Delete offers by id in one transaction; returns how many existed."""
        ...

    def data_version(self) -> str:
        """Opaque token that changes whenever stored data changes."""
        ...

    def is_seeded(self) -> bool:
        """Whether the bundled offers were stored once (deleting them later does not re-seed)."""
        ...

    def seed(self, offers: Iterable[Offer]) -> UpsertResult:
        """Upsert ``offers`` and mark the store as seeded, in one transaction."""
        ...


def ensure_seeded(store: OfferStore, bundled: Callable[[], Sequence[Offer]]) -> bool:
    """Seed ``store`` with ``bundled()`` on first use; ``True`` if it seeded now.

    ``bundled`` is only called when the store was never seeded (it may need the data files).
    """
    if store.is_seeded():
        return False
    store.seed(bundled())
    return True
