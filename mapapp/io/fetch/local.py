"""Copy one file from a local mirror, verified before it takes the target's name."""

from __future__ import annotations

import sys
from pathlib import Path

from tqdm import tqdm

from mapapp.io import atomic
from mapapp.io.fetch.errors import FetchError
from mapapp.io.fetch.integrity import verify_file
from mapapp.io.fetch.items import kind_of
from mapapp.io.fetch.manifest import StoredFile, sha256_of


def copy_file(
    src: Path, dest: Path, *, kind: str | None = None, progress: bool = False
) -> StoredFile:
    """Copy ``src`` to ``dest`` through a verified temporary file (:func:`mapapp.io.atomic.atomic_path`).

    Raises
    ------
    FetchError
        ``src`` is missing or unreadable.
    IntegrityError
        The copy is incomplete or ``src`` itself is corrupt (nothing is changed at ``dest``).
    """
    kind = kind or kind_of(dest.name)
    if not src.is_file():
        raise FetchError(f"{src} gibt es nicht.", path=src)
    size = src.stat().st_size
    with atomic.atomic_path(dest) as tmp:
        _copy_bytes(src, tmp, size, dest.name, progress)
        verify_file(tmp, kind, expected_size=size)
        sha = sha256_of(tmp)
    return StoredFile(dest, size, sha, str(src))


def _copy_bytes(src: Path, tmp: Path, size: int, label: str, progress: bool) -> None:
    with (
        src.open("rb") as fin,
        tmp.open("wb") as fout,
        tqdm(
            total=size,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=label,
            file=sys.stderr,
            disable=not progress,
            leave=False,
        ) as bar,
    ):
        for block in iter(lambda: fin.read(1 << 20), b""):
            fout.write(block)
            bar.update(len(block))
