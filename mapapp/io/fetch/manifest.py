"""The manifest ``raw/manifest.json``: what was stored, from where, with size and SHA-256."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.io import atomic
from mapapp.io.fetch.errors import FetchError

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class ManifestEntry:
    """One line of ``raw/manifest.json``. ``file`` is relative to ``raw_dir`` (posix)."""

    file: str
    source: str
    size: int
    sha256: str
    fetched_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source,
            "size": self.size,
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
        }


@dataclass(frozen=True)
class StoredFile:
    """A verified file now in place."""

    path: Path
    size: int
    sha256: str
    source: str


def load_manifest(raw_dir: Path) -> dict[str, ManifestEntry]:
    """Entries of ``raw_dir/manifest.json`` by relative path; empty when there is none.

    Raises
    ------
    FetchError
        If the manifest exists but is not valid JSON of the expected shape.
    """
    path = raw_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {
            rel: ManifestEntry(
                file=str(e["file"]),
                source=str(e["source"]),
                size=int(e["size"]),
                sha256=str(e["sha256"]),
                fetched_at=str(e["fetched_at"]),
            )
            for rel, e in data["files"].items()
        }
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FetchError(
            f"{path} ist beschädigt ({exc.__class__.__name__}: {exc}) – Datei löschen und "
            "'mapapp fetch-data' erneut ausführen.",
            path=path,
        ) from exc


def save_manifest(raw_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    """Write ``raw_dir/manifest.json`` atomically (sorted, UTF-8, indented)."""
    path = raw_dir / MANIFEST_NAME
    payload = {"files": {rel: entries[rel].to_json() for rel in sorted(entries)}}
    atomic.write_text(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def sha256_of(path: Path) -> str:
    """SHA-256 of the file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
