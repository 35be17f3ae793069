"""A built street graph on disk: ``graph.npz`` (arrays) and ``manifest.json`` (what it is).

Both are written through :mod:`mapapp.io.atomic`, the manifest last; it records the graph file's
SHA-256, so a damaged or half-replaced folder is found when read (and named with the command
that builds it again) instead of giving wrong travel times.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from mapapp.io import atomic
from mapapp.io.osm_network import StreetGraph
from mapapp.model import DataError

GRAPH_NAME = "graph.npz"
MANIFEST_NAME = "manifest.json"
#: Raised when the stored layout changes; older folders are then rebuilt.
FORMAT = 1
_ARRAYS = ("osm_id", "x", "y", "source", "target", "metres", "seconds")


def save_network(folder: Path, graph: StreetGraph, manifest: dict[str, Any]) -> Path:
    """Write ``graph`` and ``manifest`` (plus format, graph hash, sizes) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / GRAPH_NAME
    with atomic.atomic_path(target) as tmp:
        with tmp.open("wb") as fh:
            np.savez(fh, **{name: getattr(graph, name) for name in _ARRAYS})
        digest = _sha256(tmp)
    full = {
        **manifest,
        "format": FORMAT,
        "graph_sha256": digest,
        "nodes": int(len(graph.osm_id)),
        "edges": int(len(graph.source)),
    }
    atomic.write_text(folder / MANIFEST_NAME, json.dumps(full, ensure_ascii=False, indent=2))
    return folder


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a network folder.

    Raises
    ------
    DataError
        No network there, an unreadable manifest or one of another format.
    """
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise DataError(
            "kein Straßennetz in diesem Ordner – mit 'mapapp network build' erstellen",
            file=str(folder),
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(
            f"manifest.json nicht lesbar ({exc}) – Netz neu erstellen", file=str(folder)
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise DataError(
            "Straßennetz in einem alten Format – mit 'mapapp network build' neu erstellen",
            file=str(folder),
        )
    return manifest


def load_network(folder: Path) -> tuple[StreetGraph, dict[str, Any]]:
    """The graph and manifest of ``folder``, checked against the manifest's hash and sizes."""
    manifest = read_manifest(folder)
    path = folder / GRAPH_NAME
    rebuild = "– mit 'mapapp network build' neu erstellen"
    if not path.is_file() or _sha256(path) != manifest.get("graph_sha256"):
        raise DataError(
            f"{GRAPH_NAME} fehlt oder passt nicht zum Manifest {rebuild}", file=str(folder)
        )
    with np.load(path, allow_pickle=False) as data:
        graph = StreetGraph(**{name: data[name] for name in _ARRAYS})
    if len(graph.osm_id) != manifest.get("nodes") or len(graph.source) != manifest.get("edges"):
        raise DataError(f"{GRAPH_NAME} passt nicht zum Manifest {rebuild}", file=str(folder))
    return graph, manifest


def sha256_file(path: Path) -> str:
    """SHA-256 of a file (the extract's, recorded in the manifest)."""
    return _sha256(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
