"""Connections to the store database: one engine per URL and process, transactions, errors.

- SQLite (the default, one file, no server): a new connection per use (as cheap as opening the
  file), WAL mode; a write transaction starts with ``BEGIN IMMEDIATE`` so writers queue at the
  start instead of failing at ``COMMIT``; a damaged file becomes one
  :class:`~mapapp.model.DataError` (:mod:`mapapp.store.sqlite_file`).
- PostgreSQL (``postgresql://user@host/db``, driver psycopg 3): a small connection pool per
  process, checked before use (a restarted server is reconnected by itself); every write
  transaction first takes one transaction-level advisory lock, so writers of all app processes
  run one after the other exactly as on SQLite (readers never wait). A server that cannot be
  reached becomes one :class:`~mapapp.model.DataError` sentence.
"""

from __future__ import annotations

import errno
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.pool import NullPool

from mapapp.model import DataError
from mapapp.store import sqlite_file

#: Key of the advisory lock every PostgreSQL write transaction holds (any constant bigint).
WRITE_LOCK_KEY = 720_510_010
_WRITE_OPTION = "mapapp_write"

_ENGINES: dict[str, sa.Engine] = {}
_ENGINES_LOCK = threading.Lock()


def normalise_url(url: str | sa.URL) -> sa.URL:
    """``postgresql://…`` (and ``postgres://``) use psycopg 3; other URLs stay as given."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def sqlite_url(path: Path) -> sa.URL:
    return sa.URL.create("sqlite", database=str(path))


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def display(url: sa.URL) -> str:
    """The URL without its password (for messages and :attr:`OfferStore.location`)."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)


def _sqlite_hooks(engine: sa.Engine, timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun below, not by the driver
        dbapi_conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def engine_for(url: sa.URL, timeout_s: float = 10.0) -> sa.Engine:
    """The process-wide engine of ``url`` (created on first use)."""
    key = url.render_as_string(hide_password=False)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if url.get_backend_name() == "sqlite":
                engine = sa.create_engine(url, poolclass=NullPool)
                _sqlite_hooks(engine, timeout_s)
            else:
                engine = sa.create_engine(
                    url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800
                )
            _ENGINES[key] = engine
    return engine


def dispose_all() -> None:
    """Close every pooled connection (tests; a forked process must not share them)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


#: SQLSTATE of PostgreSQL's "disk full" (class 53: insufficient resources).
_PG_DISK_FULL = "53100"


def _disk_full(orig: BaseException | None) -> bool:
    """Whether the database could not write for want of space (SQLite ``SQLITE_FULL``,
    PostgreSQL ``disk_full``, or the operating system's ``ENOSPC``)."""
    if isinstance(orig, sqlite3.Error):
        return getattr(orig, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    if isinstance(orig, OSError):
        return orig.errno == errno.ENOSPC
    return getattr(orig, "sqlstate", None) == _PG_DISK_FULL


def disk_full_error(url: sa.URL) -> DataError:
    """The one sentence of a write that found no space (nothing of it was stored)."""
    return DataError(
        "Kein Platz mehr auf dem Datenträger der Datenbank – nichts von diesem Schreibvorgang "
        "wurde gespeichert, die Daten sind wie vorher; Platz schaffen und den Vorgang wiederholen.",
        file=display(url),
    )


def _translate(error: exc.DBAPIError, url: sa.URL) -> DataError | None:
    orig = error.orig
    if _disk_full(orig):
        return disk_full_error(url)
    if isinstance(orig, sqlite3.DatabaseError) and sqlite_file.is_damage(orig):
        path = Path(str(url.database))
        return sqlite_file.damaged_error(path, str(orig))
    if url.get_backend_name() != "sqlite" and isinstance(error, exc.OperationalError):
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        return DataError(
            f"Die Datenbank ist nicht erreichbar ({first}) – läuft der Server? "
            "Die App versucht es beim nächsten Aufruf wieder.",
            file=display(url),
        )
    return None


@contextmanager
def guarded(url: sa.URL) -> Iterator[None]:
    """Turn a damaged SQLite file or an unreachable server into one DataError."""
    try:
        yield
    except exc.DBAPIError as error:
        translated = _translate(error, url)
        if translated is None:
            raise
        raise translated from error
    except OSError as error:  # e.g. the SQLite file's folder on a full disk
        if not _disk_full(error):
            raise
        raise disk_full_error(url) from error


@contextmanager
def read(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection for reads (one consistent snapshot, nothing locked)."""
    with guarded(engine.url), engine.connect() as conn:
        with conn.begin():
            yield conn


@contextmanager
def write(engine: sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: all or nothing (also when the caller's iterable raises), writers of
    every process one after the other."""
    with guarded(engine.url), engine.connect() as conn:
        conn = conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            if not is_sqlite(engine):
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK_KEY)))
            yield conn


def dispose(url: str | sa.URL) -> None:
    """Close the pooled connections of one URL and forget its engine (a dropped test schema)."""
    key = normalise_url(url).render_as_string(hide_password=False)
    with _ENGINES_LOCK:
        engine = _ENGINES.pop(key, None)
    if engine is not None:
        engine.dispose()
