"""One SQLite file of user data: connections, and one sentence when the file is damaged.

The stores in this package (offers, login lockout) hold data that cannot be rebuilt from the raw
files. A garbage or truncated database therefore never ends in a traceback or is silently
replaced: :func:`connect` turns SQLite's "corrupt" / "not a database" errors into one
:class:`~mapapp.model.DataError` naming the file and what to do, and :func:`check_file` runs
``PRAGMA quick_check`` for ``mapapp doctor``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mapapp.model import DataError

#: SQLite result codes that mean the file itself is damaged (not busy, locked or read-only).
DAMAGED_CODES = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


def damaged_error(path: Path, detail: str) -> DataError:
    """The one sentence for a damaged store file (German, with what to do)."""
    return DataError(
        f"Die Datenbank ist beschädigt ({detail}) – aus einer Sicherung wiederherstellen oder "
        f"die Datei (samt {path.name}-wal und {path.name}-shm) beiseite verschieben, dann "
        "beginnt dieser Speicher leer.",
        file=str(path),
    )


def is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether ``exc`` says the database file is damaged."""
    name = getattr(exc, "sqlite_errorname", "")
    if name in DAMAGED_CODES:
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


@contextmanager
def connect(path: Path, timeout_s: float) -> Iterator[sqlite3.Connection]:
    """An autocommit connection in WAL mode; damage raises :func:`damaged_error`."""
    try:
        conn = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged_error(path, str(exc)) from exc
        raise
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        yield conn
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damaged_error(path, str(exc)) from exc
        raise
    finally:
        conn.close()


def check_file(path: Path, tables: tuple[str, ...] = ()) -> str | None:
    """``None`` when ``path`` is a healthy SQLite database with ``tables``; else what is wrong.

    Opens the file read-only (nothing is created or changed), runs ``PRAGMA quick_check`` and
    looks up the expected tables.
    """
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        result = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            return "; ".join(result[:3])
        names = {
            str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    missing = [t for t in tables if t not in names]
    return f"Tabellen fehlen: {', '.join(missing)}" if missing else None
