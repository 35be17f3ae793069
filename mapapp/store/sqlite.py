"""The embedded offer store: one SQLite file, no server (the default of ``make run``).

It is :class:`~mapapp.store.sql.SqlOfferStore` on ``sqlite:///<path>``: the same tables,
migrations, versions and audit as on PostgreSQL. Every write runs in one ``BEGIN IMMEDIATE``
transaction in WAL mode (:mod:`mapapp.store.engine`): an exception (including one raised by the
iterable being written) rolls back, and a process that dies mid-write leaves the last committed
state, because SQLite only makes a transaction visible at ``COMMIT``. A damaged file raises one
:class:`~mapapp.model.DataError` (:mod:`mapapp.store.sqlite_file`).

Files written before the migrations existed ("schema" 1, 2 or 3 in ``meta.schema_version``)
are migrated on open without losing an offer (``migrations/versions/0001`` and ``0002``).
"""

from __future__ import annotations

from pathlib import Path

from mapapp.store.engine import sqlite_url
from mapapp.store.sql import SqlOfferStore
from mapapp.store.writes import BUNDLED, USER

__all__ = ["BUNDLED", "USER", "SqliteOfferStore"]


class SqliteOfferStore(SqlOfferStore):
    """The offer store in the SQLite file ``path`` (created with its folder on first use).

    ``timeout_s``: how long a writer waits for another writer's lock (seconds).
    """

    def __init__(self, path: str | Path, timeout_s: float = 10.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(sqlite_url(self.path), timeout_s)
