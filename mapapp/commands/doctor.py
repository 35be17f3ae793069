"""``mapapp doctor``: check every file of the data directory, repair what can be rebuilt.

Raw files are compared with ``raw/manifest.json``; derived caches are validated and rebuilt when
damaged (:mod:`mapapp.io.checkup`); the stores (user data) get ``PRAGMA quick_check`` and the
stored funding import is read. With ``MAPAPP_DATABASE_URL`` the shared database is checked too
(:mod:`mapapp.store.health`: reachable, schema at the code's migration, PostGIS present). One
line per file: ok / repariert / beschädigt / fehlt with what happened or what to do. Registered
in :mod:`mapapp.commands.data`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from mapapp.config import Settings, get_settings
from mapapp.io.boundaries import find_boundary_archive
from mapapp.io.checkup import CheckStatus, FileCheck, check_caches
from mapapp.io.fetch import MANIFEST_NAME, FetchError, check_raw_dir, known_items, load_manifest
from mapapp.io.funding import active_registry_path
from mapapp.model import DataError, DataMissingError
from mapapp.services import funding as funding_service
from mapapp.store import check_stores
from mapapp.store.engine import display, normalise_url
from mapapp.store.health import REACHABLE, check_database
from mapapp.store.sqlite_file import damaged_error


def run(args: argparse.Namespace) -> int:
    """Check (and repair) the data directory; one line per file; 0 = nothing needs the user."""
    settings = get_settings()
    checks = doctor(settings)
    needs_user = any(c.status.needs_user for c in checks)
    if args.format == "json":
        payload = {
            "data_dir": str(settings.data_dir),
            "ok": not needs_user,
            "files": [
                {"file": _rel(settings, c.path), "status": str(c.status), "note": c.note}
                for c in checks
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(f"Datenverzeichnis: {settings.data_dir}")
        for c in checks:
            note = f" – {c.note}" if c.note else ""
            print(f"  {c.status.label:<11} {_rel(settings, c.path)}{note}")
        counts = [
            f"{n} {s.label}" for s in CheckStatus if (n := sum(c.status is s for c in checks))
        ]
        print("Zusammenfassung: " + (", ".join(counts) or "keine Dateien") + ".")
    return 1 if needs_user else 0


def doctor(settings: Settings) -> list[FileCheck]:
    """Every file of the data directory: raw files, derived caches (repaired), stores."""
    return [*_raw_checks(settings), *check_caches(settings), *_store_checks(settings)]


def _raw_checks(settings: Settings) -> list[FileCheck]:
    raw = settings.raw_dir
    checks: list[FileCheck] = []
    try:
        load_manifest(raw)
    except FetchError as exc:
        checks.append(FileCheck(raw / MANIFEST_NAME, CheckStatus.DAMAGED, str(exc)))
    for rc in check_raw_dir(raw):
        if rc.ok:
            checks.append(FileCheck(rc.path, CheckStatus.OK))
        elif not rc.path.is_file():
            checks.append(FileCheck(rc.path, CheckStatus.MISSING, f"{rc.problem}; {rc.remedy}"))
        else:
            checks.append(FileCheck(rc.path, CheckStatus.DAMAGED, f"{rc.problem}; {rc.remedy}"))
    checks.extend(_required_raw(settings))
    return checks


def _required_raw(settings: Settings) -> list[FileCheck]:
    """Lines for the raw files the app cannot work without, when they are not there."""
    missing = []
    try:
        find_boundary_archive(settings.raw_dir)
    except DataMissingError:
        missing.append(settings.raw_dir / "bkg")
    gvisys = known_items()["gvisys"]
    if not (settings.raw_dir / gvisys.relpath).is_file():
        missing.append(settings.raw_dir / gvisys.relpath)
    return [
        FileCheck(path, CheckStatus.MISSING, "'mapapp fetch-data --if-missing' ausführen")
        for path in missing
    ]


def _database_checks(settings: Settings) -> list[FileCheck]:
    """The shared database (``MAPAPP_DATABASE_URL``), one line per check; a server that does
    not answer counts as missing, anything else wrong as damaged (both need the user)."""
    if not settings.database_url:
        return []
    where = display(normalise_url(settings.database_url))
    checks = []
    for what, problem in check_database(settings.database_url):
        label = Path(f"Datenbank {where.split('://', 1)[-1]} ({what})")
        if problem is None:
            checks.append(FileCheck(label, CheckStatus.OK))
        else:
            status = CheckStatus.MISSING if what == REACHABLE else CheckStatus.DAMAGED
            checks.append(FileCheck(label, status, problem))
    return checks


def _store_checks(settings: Settings) -> list[FileCheck]:
    checks = _database_checks(settings)
    for path, problem in check_stores(settings):
        if problem is None:
            checks.append(FileCheck(path, CheckStatus.OK))
        else:
            checks.append(
                FileCheck(path, CheckStatus.DAMAGED, damaged_error(path, problem).message)
            )
    if settings.database_url:  # an imported list lives in the database
        try:
            info = funding_service.registry_info(settings)
        except DataError:  # the database line above says what is wrong
            return checks
        if info.imported:
            checks.append(_registry_check(settings, Path(info.path)))
        return checks
    registry, imported = active_registry_path(settings)
    if imported:
        checks.append(_registry_check(settings, registry))
    return checks


def _registry_check(settings: Settings, path: Path) -> FileCheck:
    """The stored ministry import: user data, so a damaged one needs the user."""
    try:
        funding_service.active_registry(settings)
    except (DataError, ValueError, UnicodeDecodeError) as exc:
        return FileCheck(
            path,
            CheckStatus.DAMAGED,
            f"nicht lesbar ({exc}) – aus einer Sicherung wiederherstellen, die Liste neu "
            "importieren ('mapapp funding import DATEI') oder 'mapapp funding reset'",
        )
    return FileCheck(path, CheckStatus.OK)


def _rel(settings: Settings, path: Path) -> str:
    try:
        return path.relative_to(settings.data_dir).as_posix()
    except ValueError:
        return str(path)
