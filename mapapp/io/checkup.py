"""Check every derived cache of the data directory and rebuild the damaged ones (``mapapp doctor``).

Each cache in ``settings.derived_dir`` is read and validated like the loaders do
(:mod:`mapapp.io.caches`). A damaged one is removed; when it belongs to the current raw files it
is built again through its loader, otherwise (left over from an older raw file or cache
version) it stays removed. Nothing here needs the user unless a raw file is damaged too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from mapapp.config import Settings
from mapapp.io import datasets
from mapapp.io.caches import CacheDamaged, read_frame, remove
from mapapp.model import DataError, DataMissingError


class CheckStatus(StrEnum):
    """The verdict on one file; the value is the word ``--format json`` prints."""

    OK = "ok"
    REPAIRED = "repaired"
    DAMAGED = "damaged"
    MISSING = "missing"

    @property
    def label(self) -> str:
        """The German word of the text report."""
        return _LABELS[self]

    @property
    def needs_user(self) -> bool:
        return self in (CheckStatus.DAMAGED, CheckStatus.MISSING)


_LABELS = {
    CheckStatus.OK: "ok",
    CheckStatus.REPAIRED: "repariert",
    CheckStatus.DAMAGED: "beschädigt",
    CheckStatus.MISSING: "fehlt",
}


@dataclass(frozen=True)
class FileCheck:
    """One line of the doctor's report: the file, its verdict, and what happened or what to do."""

    path: Path
    status: CheckStatus
    note: str = ""


_BOUNDARIES = re.compile(r"boundaries_(?P<m>[0-9.e+-]+)m_[0-9a-f]{16}")
_GVISYS = re.compile(r"gvisys_[0-9a-f]{16}\.parquet")
_GRID = re.compile(r"zensus_grid_(?P<res>[0-9a-z]+)_[0-9a-f]{16}\.parquet")
_OLD = re.compile(r"(boundaries|gvisys|zensus_grid)_.*|\..*\.tmp")


def check_caches(settings: Settings) -> list[FileCheck]:
    """Validate (and where needed rebuild) every cache in ``settings.derived_dir``, by name."""
    folder = settings.derived_dir
    if not folder.is_dir():
        return []
    return [c for entry in sorted(folder.iterdir()) if (c := _check_entry(settings, entry))]


def _check_entry(settings: Settings, entry: Path) -> FileCheck | None:
    name = entry.name
    if m := _BOUNDARIES.fullmatch(name):
        simplify_m = float(m["m"])
        return _check(
            entry,
            lambda: datasets.read_boundaries_cache(entry),
            lambda: datasets.load_boundaries(settings, simplify_m),
        )
    if _GVISYS.fullmatch(name):
        return _check(
            entry,
            lambda: read_frame(entry, datasets.GVISYS_COLUMNS),
            lambda: datasets.load_gvisys(settings),
        )
    if m := _GRID.fullmatch(name):
        resolution = m["res"]
        return _check(
            entry,
            lambda: read_frame(entry, datasets.GRID_COLUMNS, min_rows=0),
            lambda: datasets.load_nrw_population_grid(settings, resolution),
        )
    if _OLD.fullmatch(name):
        remove(entry)
        return FileCheck(entry, CheckStatus.REPAIRED, "veraltet oder unvollständig – entfernt")
    return None


def _check(entry: Path, read: Callable[[], object], rebuild: Callable[[], object]) -> FileCheck:
    """Read ``entry``; when damaged, remove it and ``rebuild()`` the current cache."""
    try:
        read()
    except CacheDamaged as exc:
        reason = exc.reason
    else:
        return FileCheck(entry, CheckStatus.OK)
    remove(entry)
    try:
        rebuild()
    except (DataError, DataMissingError) as exc:
        why = exc.message if isinstance(exc, DataError) else str(exc)
        return FileCheck(
            entry, CheckStatus.DAMAGED, f"{reason}; neu erstellen nicht möglich: {why}"
        )
    if entry.exists():
        return FileCheck(entry, CheckStatus.REPAIRED, f"{reason} – aus den Rohdaten neu erstellt")
    return FileCheck(entry, CheckStatus.REPAIRED, f"{reason} – veraltet, entfernt")
