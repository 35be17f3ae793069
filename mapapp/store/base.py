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
- Bundled offers (written by :meth:`OfferStore.seed` / :meth:`OfferStore.reseed`) are told apart
  from the user's (written by :meth:`OfferStore.upsert`): a new bundle replaces only the former,
  and never brings back a bundled offer the user deleted.
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

    def seed(self, offers: Iterable[Offer], version: str | None = None) -> UpsertResult:
        """Upsert ``offers`` as the bundled ones (``version`` = the bundle's fingerprint) and
        mark the store as seeded, in one transaction."""
        ...

    def bundle_version(self) -> str | None:
        """Fingerprint of the bundle the store holds (``None``: seeded before they had one)."""
        ...

    def reseed(self, offers: Iterable[Offer], version: str) -> UpsertResult:
        """Replace the bundled offers by a new bundle; the user's offers and deletions stay."""
        ...


def ensure_seeded(
    store: OfferStore, bundled: Callable[[], Sequence[Offer]], version: str | None = None
) -> bool:
    """Seed ``store`` with ``bundled()`` on first use, and replace its bundled offers when the
    bundle changed (``version`` differs from the stored one); ``True`` if it wrote now.

    ``bundled`` is only called when something is to be written (it may need the data files).
    Deleting bundled offers never brings them back; imported offers are never replaced.
    """
    if not store.is_seeded():
        store.seed(bundled(), version)
        return True
    if version is None or store.bundle_version() == version:
        return False
    store.reseed(bundled(), version)
    return True
