"""Acquire the official data files: download with ``requests`` or copy from a local mirror.

The data directory (``Settings.raw_dir``) is laid out like the shared mirror::

    raw/bkg/<vg250*|vg5000*>.zip
    raw/destatis/31122023_Auszug_GV.xlsx
    raw/zensus2022/gemeinden_nrw_2022-05-15.csv       (mirror only)
    raw/inkar/foreign_share_kreise_nrw_1995-2022.csv   (mirror only)
    raw/osm/nordrhein-westfalen-latest.osm.pbf         (only with --only osm, or a
                                                       Regierungsbezirk's *.osm.pbf)
    raw/manifest.json                                  (file, source, size, sha256, fetched_at)

Guarantees of every fetch (download or copy):

* the bytes go to a hidden temp file in the target folder, are checked (Content-Length,
  ``zipfile.testzip()`` for zip/xlsx, decodable CSV with a header, whole blocks for OSM PBF) and
  only then moved into place through :mod:`mapapp.io.atomic`; a truncated or corrupt file never reaches the name the loaders
  read, and a file stored earlier stays untouched when a fetch fails;
* downloads use connect and read timeouts (a stalled server raises instead of hanging), retry
  connection errors, timeouts, truncated bodies and HTTP 408/429/5xx with exponential back-off, and
  resume a broken transfer (kept as ``.<name>.part``) with an HTTP ``Range`` request (restarting
  when the server ignores it).

Modules: ``errors`` (the exception family), ``items`` (what can be fetched), ``manifest``,
``report`` (results), ``integrity`` (checks, verified install), ``download``, ``local`` (mirror
copy), ``steps`` (one file), ``run`` (:func:`fetch_all`), ``verify`` (stored files against the
manifest). This package's face is the list below.
"""

from __future__ import annotations

from mapapp.io.fetch.download import DownloadOptions, download
from mapapp.io.fetch.errors import (
    DownloadError,
    DownloadTimeoutError,
    FetchError,
    IntegrityError,
    NoConnectionError,
    TruncatedDownloadError,
    no_connection_message,
)
from mapapp.io.fetch.integrity import verify_file
from mapapp.io.fetch.items import BOUNDARY_PRODUCTS, DEFAULT_KEYS, FetchItem, known_items
from mapapp.io.fetch.local import copy_file
from mapapp.io.fetch.manifest import MANIFEST_NAME, ManifestEntry, StoredFile, load_manifest
from mapapp.io.fetch.report import FetchReport, FetchResult, FetchStatus
from mapapp.io.fetch.run import fetch_all
from mapapp.io.fetch.verify import RawCheck, check_raw_dir, check_raw_file, refetch_command

__all__ = [
    "BOUNDARY_PRODUCTS",
    "DEFAULT_KEYS",
    "MANIFEST_NAME",
    "DownloadError",
    "DownloadOptions",
    "DownloadTimeoutError",
    "FetchError",
    "FetchItem",
    "FetchReport",
    "FetchResult",
    "FetchStatus",
    "IntegrityError",
    "ManifestEntry",
    "NoConnectionError",
    "RawCheck",
    "StoredFile",
    "TruncatedDownloadError",
    "check_raw_dir",
    "check_raw_file",
    "copy_file",
    "download",
    "fetch_all",
    "known_items",
    "load_manifest",
    "no_connection_message",
    "refetch_command",
    "verify_file",
]
