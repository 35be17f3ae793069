"""The imported funding list in the shared store database (``MAPAPP_DATABASE_URL``), so that
every app process and every machine on that database uses the same list.

The list is kept as its canonical CSV text (the layout of ``funding_registry.csv``,
:mod:`mapapp.io.funding`; checked again whenever it is read) in the ``meta`` table – key
``funding_registry_csv`` – with the time it was saved (``funding_registry_saved``, also the cache
key of the app). Saving and removing write one audit row each (``kind`` ``funding``, subject
``registry``, actor and via) in the same transaction. A backup (:mod:`mapapp.store.backup`)
carries the list with the other tables. The embedded SQLite default keeps the list as a file in
the data directory (one machine: nothing to share).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa

from mapapp.store import engine as db
from mapapp.store import writes
from mapapp.store.schema import AUDIT, META
from mapapp.store.sql import SqlOfferStore

TEXT_KEY = "funding_registry_csv"
SAVED_KEY = "funding_registry_saved"
KIND = "funding"
SUBJECT = "registry"


@dataclass(frozen=True)
class StoredList:
    """The stored list: its CSV text and when it was saved (epoch seconds, the cache key)."""

    text: str
    saved: float


def load(store: SqlOfferStore) -> StoredList | None:
    """The imported list of the database, ``None`` when there is none (the documented list)."""
    with db.read(store.engine) as conn:
        text = writes.get_meta(conn, TEXT_KEY)
        saved = writes.get_meta(conn, SAVED_KEY)
    if text is None:
        return None
    return StoredList(text, float(saved or 0.0))


def _audit(conn: sa.Connection, actor: str, via: str, action: str, after: str | None) -> None:
    last = conn.execute(
        sa.select(sa.func.max(AUDIT.c.version)).where(
            AUDIT.c.kind == KIND, AUDIT.c.subject_id == SUBJECT
        )
    ).scalar()
    conn.execute(
        sa.insert(AUDIT).values(
            kind=KIND,
            subject_id=SUBJECT,
            version=int(last or 0) + 1,
            actor=actor,
            via=via,
            action=action,
            at=writes.now(),
            before=None,
            after=after,
        )
    )


def save(store: SqlOfferStore, text: str, *, actor: str, via: str) -> StoredList:
    """Store ``text`` as the imported list (replacing one stored before), in one transaction."""
    saved = time.time()
    with db.write(store.engine) as conn:
        writes.set_meta(conn, TEXT_KEY, text)
        writes.set_meta(conn, SAVED_KEY, repr(saved))
        _audit(conn, actor, via, "import", None)
    return StoredList(text, saved)


def remove(store: SqlOfferStore, *, actor: str, via: str) -> bool:
    """Remove the imported list (the documented list is active again); ``False``: there was none."""
    with db.write(store.engine) as conn:
        if writes.get_meta(conn, TEXT_KEY) is None:
            return False
        conn.execute(sa.delete(META).where(META.c.key.in_([TEXT_KEY, SAVED_KEY])))
        _audit(conn, actor, via, "reset", None)
    return True
