"""The one way the project writes a file: all or nothing.

The content goes to a temporary file in the target's folder, is flushed to disk and then renamed
over the target (:func:`os.replace` is atomic on one file system). A crash, a full disk or a
killed process leaves either the old file or the new one, never half of it; the temporary file
is removed on any failure.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_path(path: str | Path, *, mode: int = 0o644) -> Iterator[Path]:
    """A temporary path to write to; renamed to ``path`` when the block ends without error.

    For writers that want a file name (``frame.to_parquet(tmp)``, ``zipfile``). The caller's
    writer must have closed the file when the block ends.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        install(tmp, target, mode=mode)
    finally:
        tmp.unlink(missing_ok=True)


def install(tmp: str | Path, path: str | Path, *, mode: int = 0o644) -> Path:
    """Move the finished file ``tmp`` (in ``path``'s folder) to ``path``: fsync, chmod, rename.

    For writers that must own the temporary name, such as a resumable download whose ``.part``
    file survives an interrupted run. The caller checks the content first; ``tmp`` is gone
    afterwards.
    """
    source, target = Path(tmp), Path(path)
    with open(source, "rb+") as handle:
        os.fsync(handle.fileno())
    os.chmod(source, mode)
    os.replace(source, target)
    return target


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return _write(path, "wb", lambda fh: fh.write(data))


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (``\\n`` line ends are kept as they are)."""
    return _write(path, "w", lambda fh: fh.write(text), encoding=encoding, newline="")


def write_with(
    path: str | Path,
    writer: Callable[[IO[Any]], object],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
) -> Path:
    """Call ``writer(handle)`` on an open temporary file, then move it to ``path`` atomically."""
    if binary:
        return _write(path, "wb", writer)
    return _write(path, "w", writer, encoding=encoding, newline="")


def _write(
    path: str | Path,
    mode: str,
    writer: Callable[[IO[Any]], object],
    *,
    encoding: str | None = None,
    newline: str | None = None,
) -> Path:
    target = Path(path)
    with atomic_path(target) as tmp:
        with open(tmp, mode, encoding=encoding, newline=newline) as handle:
            writer(handle)
            handle.flush()
    return target
