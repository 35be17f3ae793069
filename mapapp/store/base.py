"""The offer store interface: what the app, the CLI and the analysis need from persistence.

One implementation serves both back ends: :class:`mapapp.store.sql.SqlOfferStore` on the embedded
default (one SQLite file, no server; :class:`mapapp.store.sqlite.SqliteOfferStore`) and on a
shared PostgreSQL/PostGIS database (``MAPAPP_DATABASE_URL``). Nothing outside ``mapapp.store``
depends on the back end.

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
- Authentication and scopes are not the offer store's job: accounts, sessions and lockouts
  live in the same database (:mod:`mapapp.store.accounts`), the services check who may change
  which offer (:mod:`mapapp.services.editing`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from mapapp.offers_model import Offer

#: The actor of writes no person made (seeding, migrations).
SYSTEM_ACTOR = "system"
#: How a change was made (the ``via`` of an audit entry).
VIA_VALUES = ("ui", "import", "cli", "seed", "migration", "restore", "api", "bootstrap")
#: What a change of an offer did (the ``action`` of an offer's audit entry; ``verify`` is
#: "noch aktuell" without other changes).
OFFER_ACTIONS = ("create", "update", "delete", "revert", "verify")


class VersionConflict(Exception):
    """A save based on an old version: someone else changed the offer in between."""

    def __init__(self, offer_id: str, expected: int, current: int | None) -> None:
        self.offer_id = offer_id
        self.expected = expected
        self.current = current
        now = "gelöscht" if current is None else f"Version {current}"
        super().__init__(
            f"Angebot {offer_id}: nicht gespeichert – bearbeitet wurde Version {expected}, "
            f"gespeichert ist inzwischen {now}. Bitte neu laden und die Änderung wiederholen."
        )


class OfferNotFound(KeyError):
    """No offer (or no such version of it) with this id."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Angebot nicht gefunden"


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change of an offer (``before``/``after`` are records, ``None`` for none)."""

    offer_id: str
    version: int | None
    actor: str
    at: str
    via: str
    action: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """The ``mapapp audit --format json`` object."""
        return {
            "offer_id": self.offer_id,
            "version": self.version,
            "actor": self.actor,
            "at": self.at,
            "via": self.via,
            "action": self.action,
            "before": dict(self.before) if self.before is not None else None,
            "after": dict(self.after) if self.after is not None else None,
        }


@dataclass(frozen=True)
class VersionedOffer:
    """An offer with its stored version."""

    offer: Offer
    version: int


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

    def get_versioned(self, offer_id: str) -> VersionedOffer | None:
        """The offer with its version (``None`` if there is none)."""
        ...

    def versions(self) -> dict[str, int]:
        """Version of every stored offer."""
        ...

    def upsert(
        self, offers: Iterable[Offer], *, actor: str = SYSTEM_ACTOR, via: str = "import"
    ) -> UpsertResult:
        """Insert or replace offers by id, in one transaction (changed ones get a new version
        and an audit entry)."""
        ...

    def update(
        self,
        offer: Offer,
        *,
        expected_version: int,
        actor: str,
        via: str,
        action: str | None = None,
    ) -> int:
        """Replace one stored offer if its version is still ``expected_version``; returns the
        version now stored (unchanged when the record is the same). ``action`` names the audit
        row (default ``update``; ``verify`` for a "noch aktuell" confirmation).

        Raises :class:`VersionConflict` (also when it was deleted meanwhile) and
        :class:`OfferNotFound` (no such offer)."""
        ...

    def delete_one(self, offer_id: str, *, expected_version: int, actor: str, via: str) -> int:
        """Delete one offer if its version is still ``expected_version``; returns the version
        of the deletion. Raises like :meth:`update`."""
        ...

    def delete(self, ids: Iterable[str], *, actor: str = SYSTEM_ACTOR, via: str = "import") -> int:
        """Delete offers by id in one transaction; returns how many existed."""
        ...

    def revert(
        self,
        offer_id: str,
        to_version: int,
        *,
        actor: str,
        via: str,
        expected_version: int | None = None,
    ) -> int:
        """Store the offer as it was in ``to_version`` (as a new version; a version that was a
        deletion deletes it); returns the new version. Raises :class:`OfferNotFound` when the
        audit has no such version, :class:`VersionConflict` when ``expected_version`` is given
        and no longer current."""
        ...

    def audit(self, offer_id: str | None = None) -> list[AuditEntry]:
        """The recorded changes (of one offer), oldest first."""
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
