"""Derived caches that heal themselves: written atomically, validated when read, rebuilt when bad.

A derived cache (GeoParquet of the NRW boundaries, Parquet of GV-ISys, the clipped population
grid) can always be made again from the raw files. So a cache that cannot be read, lacks a
column, is empty where it must not be, or does not match its stamp is not an error for the user:
it is logged as a warning, removed and rebuilt. Only the raw file it comes from can be damaged in
a way that needs the user (see :func:`read_raw`).
"""

from __future__ import annotations

import json
import logging
import shutil
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
import pyarrow as pa
from openpyxl.utils.exceptions import InvalidFileException
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.errors import ShapelyError

from mapapp.io import atomic
from mapapp.io.fetch import check_raw_file, refetch_command
from mapapp.model import DataError, DataMissingError

log = logging.getLogger("mapapp.data")

T = TypeVar("T")

#: What reading a damaged Parquet file can raise (pyarrow, geopandas' WKB decoding, JSON meta).
READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    KeyError,
    TypeError,
    pa.ArrowException,
    ShapelyError,
)

#: What a reader of a damaged raw file can raise besides :data:`READ_ERRORS`.
RAW_READ_ERRORS: tuple[type[BaseException], ...] = (
    *READ_ERRORS,
    zipfile.BadZipFile,
    InvalidFileException,
    DataSourceError,
    DataLayerError,
)


class CacheDamaged(Exception):  # noqa: N818 - a state, caught right here in the io layer
    """A derived cache is unusable; ``reason`` says why (one short German phrase)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_frame(
    path: Path, columns: Sequence[str], *, geo: bool = False, min_rows: int = 1
) -> pd.DataFrame:
    """Read a cached (Geo)Parquet file and check it has ``columns`` and at least ``min_rows``.

    Raises
    ------
    CacheDamaged
        The file is missing, unreadable (truncated, garbage), lacks a column or is too short.
    """
    if not path.is_file():
        raise CacheDamaged(path, "fehlt")
    try:
        if geo:
            import geopandas as gpd

            frame: pd.DataFrame = gpd.read_parquet(path)
        else:
            frame = pd.read_parquet(path)
    except READ_ERRORS as exc:
        raise CacheDamaged(path, f"nicht lesbar ({exc.__class__.__name__})") from exc
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CacheDamaged(path, f"Spalten fehlen: {', '.join(missing)}")
    if len(frame) < min_rows:
        raise CacheDamaged(path, "leer")
    return frame


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as (Geo)Parquet through :func:`mapapp.io.atomic.atomic_path`."""
    with atomic.atomic_path(path) as tmp:
        frame.to_parquet(tmp)


def read_stamp(path: Path) -> dict[str, Any]:
    """The JSON stamp of a cache folder (``meta.json``); :class:`CacheDamaged` when unusable."""
    if not path.is_file():
        raise CacheDamaged(path, "fehlt")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except READ_ERRORS as exc:
        raise CacheDamaged(path, f"nicht lesbar ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise CacheDamaged(path, "kein Stempel")
    return data


def write_stamp(path: Path, stamp: dict[str, Any]) -> None:
    atomic.write_text(path, json.dumps(stamp, ensure_ascii=False, sort_keys=True) + "\n")


def cached(
    path: Path, read: Callable[[], T], build: Callable[[], T], write: Callable[[T], None]
) -> T:
    """``read()`` the cache at ``path``; when it is missing or damaged, ``build()`` and ``write()``.

    A damaged cache is logged (warning, logger ``mapapp.data``) and removed before the rebuild.
    """
    if path.exists():
        try:
            return read()
        except CacheDamaged as exc:
            log.warning(
                "Zwischenspeicher %s ist beschädigt (%s) – wird aus den Rohdaten neu erstellt.",
                exc.path,
                exc.reason,
            )
            remove(path)
    value = build()
    write(value)
    return value


def remove(path: Path) -> None:
    """Remove a cache file or folder (missing is fine)."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def read_raw(raw_dir: Path, path: Path, reader: Callable[[Path], T]) -> T:
    """``reader(path)`` for a raw file, turning a damaged file into one :class:`DataError`.

    Before reading, the file is compared with ``raw/manifest.json`` (size, SHA-256); a mismatch or
    a reader failure names the file and the command that fetches it again. A :class:`DataError`
    of the reader (wrong layout) passes unchanged.
    """
    check = check_raw_file(raw_dir, path)
    if check.problem is not None and path.is_file():
        raise DataError(f"{check.problem} – beschädigt; {check.remedy}.", file=str(path))
    try:
        return reader(path)
    except (DataError, DataMissingError):
        raise
    except RAW_READ_ERRORS as exc:
        raise DataError(
            f"nicht lesbar ({exc.__class__.__name__}: {exc}) – Datei beschädigt; "
            f"{refetch_command(path)}.",
            file=str(path),
        ) from exc
