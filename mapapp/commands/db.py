"""``mapapp db``: create or migrate the store database, back it up, restore a backup.

The database is ``MAPAPP_DATABASE_URL`` (e.g. ``postgresql://mapapp@127.0.0.1:5432/mapapp``) or,
when unset, the embedded SQLite file ``store/offers.sqlite`` below ``MAPAPP_DATA_DIR``.
Exit codes: 0 = done, 2 = the database or the file is unusable (one line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mapapp.config import get_settings
from mapapp.services import database

_EPILOG = """\
Beispiele:
  mapapp db init
  MAPAPP_DATABASE_URL=postgresql://mapapp@127.0.0.1:5432/mapapp mapapp db init
  mapapp db backup --out sicherung.jsonl
  mapapp db restore sicherung.jsonl        (nur in eine leere Datenbank, nach 'db init')

Die Sicherung (JSON Lines) enthält Angebote mit Versionen und den Änderungsverlauf; sie lässt
sich zwischen SQLite und PostgreSQL übertragen.
"""


def register(subparsers: Any) -> None:
    """Add ``db init|backup|restore``."""
    parser = subparsers.add_parser(
        "db",
        help="Datenbank anlegen/migrieren, sichern, wiederherstellen",
        description="Die Datenbank der Angebote (SQLite-Datei oder MAPAPP_DATABASE_URL).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="db_command", required=True)
    p_init = sub.add_parser("init", help="Schema anlegen oder auf den neuesten Stand bringen")
    p_init.set_defaults(func=_cmd_init)
    p_backup = sub.add_parser("backup", help="alles in eine JSON-Lines-Datei sichern")
    p_backup.add_argument("--out", type=Path, required=True, help="Zieldatei (.jsonl)")
    p_backup.set_defaults(func=_cmd_backup)
    p_restore = sub.add_parser("restore", help="eine Sicherung in die leere Datenbank einlesen")
    p_restore.add_argument("file", type=Path, help="Sicherung von 'mapapp db backup'")
    p_restore.set_defaults(func=_cmd_restore)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}: {n}" for name, n in counts.items())


def _cmd_init(args: argparse.Namespace) -> int:
    result = database.init(get_settings())
    if result.revision_before is None:
        what = f"angelegt (Schema {result.revision})"
    elif result.changed:
        what = f"migriert: Schema {result.revision_before} → {result.revision}"
    else:
        what = f"aktuell (Schema {result.revision})"
    print(f"{result.location} ({result.backend}): {what}, {result.offers} Angebote")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    out: Path = args.out.expanduser()
    counts = database.backup(get_settings(), out)
    print(f"gesichert nach {out}: {_counts(counts)}", file=sys.stderr)
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    path: Path = args.file.expanduser()
    counts = database.restore(get_settings(), path)
    print(f"wiederhergestellt aus {path}: {_counts(counts)}", file=sys.stderr)
    return 0
