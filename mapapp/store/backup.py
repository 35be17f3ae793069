"""Portable backup of the store database: one JSON Lines file, the same on SQLite and PostgreSQL.

Line 1 is a header ``{"format": "mapapp-store-backup", "format_version": 1, "schema": "<alembic
revision>", "written_at": …, "source": <location>, "tables": {name: row count}}``; every further
line is ``{"table": name, "row": {column: value}}`` for the tables of
:data:`mapapp.store.schema.BACKUP_TABLES` (offers with their versions, meta, the audit trail, and
any table added there later, e.g. accounts). Derived columns (the PostGIS point) are not written;
the audit's own row ids are not either (the order of the lines keeps the order of the trail).

:func:`restore` reads such a file into an *empty* store (after ``mapapp db init``), in one
transaction: the same offers, versions and audit as the source, whichever back end either is.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from mapapp.model import DataError
from mapapp.store import engine as db
from mapapp.store import writes
from mapapp.store.migrate import HEAD
from mapapp.store.schema import AUDIT, BACKUP_TABLES, META, OFFERS
from mapapp.store.sql import SqlOfferStore

FORMAT = "mapapp-store-backup"
FORMAT_VERSION = 1
#: Meta keys that belong to one database and are never copied (the data version of the target
#: only moves forward, its id stays its own).
_OWN_META = frozenset({"data_version", "store_id"})
_BATCH = 500


def _columns(table: sa.Table) -> list[sa.Column[Any]]:
    return [c for c in table.columns if not (table is AUDIT and c.name == "id")]


def backup(store: SqlOfferStore, out: IO[str]) -> dict[str, int]:
    """Write the whole store to ``out`` (one consistent snapshot); returns rows per table."""
    with db.read(store.engine) as conn:
        counts = {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
            for t in BACKUP_TABLES
        }
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema": HEAD,
            "written_at": writes.now(),
            "source": store.location,
            "tables": counts,
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        for table in BACKUP_TABLES:
            cols = _columns(table)
            order = table.c.id if "id" in table.c else list(table.primary_key.columns)[0]
            rows = conn.execute(sa.select(*cols).order_by(order))
            for row in rows.mappings():
                line = {"table": table.name, "row": dict(row)}
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return counts


def backup_file(store: SqlOfferStore, path: Path) -> dict[str, int]:
    """:func:`backup` into ``path`` (written next to it, then moved in place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        counts = backup(store, out)
    partial.replace(path)
    return counts


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DataError(
                    f"keine JSON-Zeile ({exc.msg})", file=str(path), row=number
                ) from exc
            if not isinstance(value, dict):
                raise DataError("keine JSON-Zeile (Objekt erwartet)", file=str(path), row=number)
            yield number, value


def _check_header(path: Path, header: dict[str, Any]) -> None:
    if header.get("format") != FORMAT:
        raise DataError("keine Sicherung von 'mapapp db backup'", file=str(path), row=1)
    if header.get("format_version") != FORMAT_VERSION:
        raise DataError(
            f"Sicherungsformat {header.get('format_version')} wird nicht unterstützt",
            file=str(path),
            row=1,
        )


def _is_empty(conn: sa.Connection) -> bool:
    for table in (OFFERS, AUDIT):
        if conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
            return False
    return True


def restore(store: SqlOfferStore, path: Path) -> dict[str, int]:
    """Read the backup ``path`` into the empty ``store`` (one transaction); rows per table.

    Raises
    ------
    DataError
        The store already holds offers or audit rows, or the file is not a readable backup
        (row number and reason); nothing is written then.
    """
    lines = _lines(path)
    first = next(lines, None)
    if first is None:
        raise DataError("die Sicherung ist leer", file=str(path))
    _check_header(path, first[1])
    tables = {t.name: t for t in BACKUP_TABLES}
    counts = dict.fromkeys(tables, 0)
    with db.write(store.engine) as conn:
        if not _is_empty(conn):
            raise DataError(
                f"{store.location} enthält schon Angebote oder Verlauf – nur in eine leere "
                "Datenbank wiederherstellen (neue Datenbank, dann 'mapapp db init')",
                file=str(path),
            )
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for number, line in lines:
            table = tables.get(str(line.get("table")))
            if table is None or not isinstance(line.get("row"), dict):
                raise DataError("unbekannte Tabelle oder Zeile", file=str(path), row=number)
            row = {c.name: line["row"].get(c.name) for c in _columns(table)}
            if table is META:
                if row["key"] not in _OWN_META:
                    writes.set_meta(conn, str(row["key"]), str(row["value"]))
                    counts["meta"] += 1
                continue
            pending[table.name].append(row)
            counts[table.name] += 1
            if len(pending[table.name]) >= _BATCH:
                conn.execute(sa.insert(table), pending[table.name])
                pending[table.name] = []
        for name, rows in pending.items():
            if rows:
                conn.execute(sa.insert(tables[name]), rows)
        writes.bump(conn)
    return counts
