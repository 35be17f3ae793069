"""Stored raw files against the manifest: is each one still the file that was fetched?

Used before a derived cache is built from a raw file (a damaged file is named with the command
that fetches it again, instead of ending in a reader's traceback) and by ``mapapp doctor``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapapp.io.fetch.errors import FetchError, IntegrityError
from mapapp.io.fetch.integrity import verify_file
from mapapp.io.fetch.items import FILE_SUFFIXES, item_for_filename, kind_of
from mapapp.io.fetch.manifest import MANIFEST_NAME, ManifestEntry, load_manifest, sha256_of


@dataclass(frozen=True)
class RawCheck:
    """The state of one raw file. ``problem`` is ``None`` when the file is fine.

    ``rel`` is relative to ``raw_dir`` (posix); ``key`` the :func:`known_items` key (``None``
    for a file the app does not know); ``remedy`` the command that fetches it again.
    """

    rel: str
    path: Path
    key: str | None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def remedy(self) -> str:
        only = f" --only {self.key}" if self.key else ""
        return f"'mapapp fetch-data --force{only}' ausführen"


def refetch_command(path: Path) -> str:
    """``mapapp fetch-data --force --only KEY`` for a raw file (without ``--only`` if unknown)."""
    return RawCheck(path.name, path, _key_of(path.name)).remedy


def check_raw_file(
    raw_dir: Path, path: Path, manifest: dict[str, ManifestEntry] | None = None
) -> RawCheck:
    """Compare ``path`` (inside ``raw_dir``) with its manifest entry (size, then SHA-256).

    A file without a manifest entry (placed by hand) gets the integrity check of its kind
    (zip/xlsx opens, CSV has a header, PBF blocks complete); other kinds (an unpacked folder, a GeoPackage) are left to
    their reader. A missing manifest or an unreadable one is no problem of the file: it is then
    checked like a hand-placed file.
    """
    rel = path.relative_to(raw_dir).as_posix()
    key = _key_of(path.name)
    if manifest is None:
        manifest = _manifest_or_empty(raw_dir)
    entry = manifest.get(rel)
    if entry is None and (path.is_dir() or path.suffix.lower() not in FILE_SUFFIXES):
        return RawCheck(rel, path, key)
    if not path.is_file():
        return RawCheck(rel, path, key, "fehlt (steht im Manifest)")
    if entry is not None:
        size = path.stat().st_size
        if size != entry.size:
            return RawCheck(rel, path, key, f"{size} statt {entry.size} Bytes (laut Manifest)")
        if sha256_of(path) != entry.sha256:
            return RawCheck(rel, path, key, "Prüfsumme passt nicht zum Manifest")
        return RawCheck(rel, path, key)
    try:
        verify_file(path, kind_of(path.name))
    except (IntegrityError, FetchError) as exc:
        return RawCheck(rel, path, key, str(exc))
    return RawCheck(rel, path, key)


def check_raw_dir(raw_dir: Path) -> list[RawCheck]:
    """Every file of the manifest and every data file (zip/xlsx/csv/pbf) in ``raw_dir``, by path."""
    manifest = _manifest_or_empty(raw_dir)
    rels = set(manifest)
    if raw_dir.is_dir():
        rels.update(
            p.relative_to(raw_dir).as_posix()
            for p in raw_dir.rglob("*")
            if p.is_file()
            and not p.name.startswith(".")
            and p.name != MANIFEST_NAME
            and p.suffix.lower() in FILE_SUFFIXES
        )
    return [check_raw_file(raw_dir, raw_dir / rel, manifest) for rel in sorted(rels)]


def _manifest_or_empty(raw_dir: Path) -> dict[str, ManifestEntry]:
    try:
        return load_manifest(raw_dir)
    except FetchError:
        return {}


def _key_of(name: str) -> str | None:
    try:
        return item_for_filename(name).key
    except FetchError:
        return None
