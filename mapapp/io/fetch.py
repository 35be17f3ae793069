"""Acquire the official data files: download with ``requests`` or copy from a local mirror.

The data directory (``Settings.raw_dir``) is laid out like the shared mirror::

    raw/bkg/<vg250*|vg5000*>.zip
    raw/destatis/31122023_Auszug_GV.xlsx
    raw/zensus2022/gemeinden_nrw_2022-05-15.csv       (mirror only)
    raw/inkar/foreign_share_kreise_nrw_1995-2022.csv   (mirror only)
    raw/manifest.json                                  (file, source, size, sha256, fetched_at)

Guarantees of every fetch (download or copy):

* the bytes go to a hidden temp file in the target folder (``.<name>.part``), are checked
  (Content-Length, ``zipfile.testzip()`` for zip/xlsx, decodable CSV with a header) and only then
  moved into place with :func:`os.replace`; a truncated or corrupt file never reaches the name the
  loaders read, and a file stored earlier stays untouched when a fetch fails;
* downloads use connect and read timeouts (a stalled server raises instead of hanging), retry
  connection errors, timeouts, truncated bodies and HTTP 408/429/5xx with exponential back-off, and
  resume a broken transfer with an HTTP ``Range`` request (restarting when the server ignores it).

The one public entry point is :func:`fetch_all`; :func:`download` and :func:`copy_file` are the
building blocks and :func:`verify_file` the integrity check.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from tqdm import tqdm
from urllib3.exceptions import ReadTimeoutError

from mapapp import config
from mapapp.config import Settings

__all__ = [
    "BOUNDARY_PRODUCTS",
    "DEFAULT_KEYS",
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
    "StoredFile",
    "TruncatedDownloadError",
    "copy_file",
    "download",
    "fetch_all",
    "known_items",
    "load_manifest",
    "no_connection_message",
    "verify_file",
]

MANIFEST_NAME = "manifest.json"
#: Boundary products ``--boundaries`` accepts (keys of :data:`mapapp.config.SOURCES`).
BOUNDARY_PRODUCTS: tuple[str, ...] = ("vg250", "vg5000")
#: HTTP status codes worth another attempt.
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CHUNK = 64 * 1024
_FILE_SUFFIXES = (".zip", ".xlsx", ".csv")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class FetchError(OSError):
    """A file could not be fetched or stored. Files stored earlier are unchanged.

    Parameters
    ----------
    message
        One sentence saying what went wrong (and, where possible, what to do).
    url, path
        The URL or local path concerned, if any.
    """

    def __init__(self, message: str, *, url: str | None = None, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.path = path

    def __str__(self) -> str:
        return self.message


class DownloadError(FetchError):
    """The server answered with an error status (``status``) or the transfer kept failing."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status


class NoConnectionError(DownloadError):
    """No connection to ``host`` at all (DNS failure, refused, connect timeout)."""

    def __init__(self, host: str, *, url: str) -> None:
        super().__init__(no_connection_message([host]), url=url)
        self.host = host


def no_connection_message(hosts: Sequence[str]) -> str:
    """The one sentence shown when hosts cannot be reached: what to do instead."""
    names = list(dict.fromkeys(hosts))
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]
    return (
        f"Keine Verbindung zu {joined} – Daten mit 'mapapp fetch-data --source /pfad/zum/spiegel' "
        "aus einem lokalen Spiegelordner laden oder MAPAPP_MIRROR setzen."
    )


class DownloadTimeoutError(DownloadError):
    """The server stopped sending data for longer than the read timeout."""


class IntegrityError(FetchError):
    """A fetched file is corrupt (broken zip, undecodable CSV, ...); it was discarded."""


class TruncatedDownloadError(IntegrityError):
    """Fewer bytes arrived than the server announced (Content-Length / Content-Range)."""


# --------------------------------------------------------------------------------------------
# What can be fetched
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchItem:
    """One file the app can use.

    ``url`` is the official download URL, ``None`` for files that only come from a mirror.
    ``kind`` is ``"zip"``, ``"xlsx"`` or ``"csv"`` and selects the integrity check.
    """

    key: str
    title: str
    subdir: str
    filename: str
    kind: str
    url: str | None

    @property
    def mirror_only(self) -> bool:
        return self.url is None

    @property
    def relpath(self) -> str:
        return f"{self.subdir}/{self.filename}"


def known_items() -> dict[str, FetchItem]:
    """All fetchable files by key: :data:`config.SOURCES` plus :data:`config.MIRROR_ONLY_FILES`."""
    items = {
        key: FetchItem(key, src.title, src.subdir, src.filename, src.kind, src.url)
        for key, src in config.SOURCES.items()
    }
    for key, (subdir, filename) in config.MIRROR_ONLY_FILES.items():
        items[key] = FetchItem(key, filename, subdir, filename, _kind_of(filename), None)
    return items


#: Keys fetched when ``only`` is not given (plus the boundary product).
DEFAULT_KEYS: tuple[str, ...] = ("gvisys", *config.MIRROR_ONLY_FILES)


def _kind_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in _FILE_SUFFIXES:
        return suffix[1:]
    raise FetchError(f"Unbekannter Dateityp '{name}' (erwartet .zip, .xlsx oder .csv).")


def _item_for_filename(name: str) -> FetchItem:
    """Which known item a file with this name is (for direct file URLs/paths)."""
    lower = name.lower()
    items = known_items()
    for product in sorted(BOUNDARY_PRODUCTS, key=len, reverse=True):
        if lower.startswith(product) and lower.endswith(".zip"):
            return _with_filename(items[product], name)
    if lower.endswith("_auszug_gv.xlsx"):
        return _with_filename(items["gvisys"], name)
    for item in items.values():
        if item.filename.lower() == lower:
            return item
    raise FetchError(
        f"'{name}' ist keine bekannte Datei (erwartet vg250*/vg5000*.zip, *_Auszug_GV.xlsx "
        f"oder {', '.join(sorted(i.filename for i in items.values() if i.key not in BOUNDARY_PRODUCTS))})."
    )


def _with_filename(item: FetchItem, filename: str) -> FetchItem:
    return FetchItem(item.key, item.title, item.subdir, filename, item.kind, item.url)


# --------------------------------------------------------------------------------------------
# Options, results, manifest
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DownloadOptions:
    """How downloads behave.

    Parameters
    ----------
    connect_timeout, read_timeout
        Seconds to wait for the TCP connection and between two received bytes.
    retries
        Further attempts after the first one (connection errors, timeouts, truncated bodies,
        HTTP 408/429/5xx). ``0`` = one attempt only.
    backoff
        Wait ``backoff * 2**n`` seconds before retry ``n`` (``Retry-After`` is honoured up to
        ``max_backoff``).
    progress
        Show a tqdm progress bar on stderr; ``None`` = only when stderr is a terminal.
    sleep
        The wait function (tests inject a recorder instead of :func:`time.sleep`).
    """

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 30.0
    progress: bool | None = None
    chunk_size: int = _CHUNK
    sleep: Callable[[float], None] = time.sleep

    def show_progress(self) -> bool:
        if self.progress is not None:
            return self.progress
        return sys.stderr.isatty()


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


class FetchStatus(StrEnum):
    DOWNLOADED = "geladen"
    COPIED = "kopiert"
    PRESENT = "vorhanden"
    SKIPPED = "übersprungen"
    MISSING = "nicht im Spiegel"
    FAILED = "fehlgeschlagen"


@dataclass(frozen=True)
class FetchResult:
    """What happened to one file. ``error`` is set for ``FAILED``."""

    key: str
    file: str
    status: FetchStatus
    source: str | None = None
    size: int | None = None
    note: str | None = None
    error: FetchError | None = None


@dataclass
class FetchReport:
    """Result of :func:`fetch_all`: one :class:`FetchResult` per file, in order."""

    raw_dir: Path
    source: str
    results: list[FetchResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def failed(self) -> list[FetchResult]:
        return [r for r in self.results if r.status is FetchStatus.FAILED]

    def by_status(self, status: FetchStatus) -> list[FetchResult]:
        return [r for r in self.results if r.status is status]

    def summary_lines(self) -> list[str]:
        """Human-readable lines (German), one per file plus a totals line."""
        lines = [f"Datenverzeichnis: {self.raw_dir} (Quelle: {self.source})"]
        for r in self.results:
            size = f" ({_human(r.size)})" if r.size is not None else ""
            text = f"  {r.status.value:<16} {r.file}{size}"
            if isinstance(r.error, NoConnectionError):
                text += f" – keine Verbindung zu {r.error.host}"
            elif r.error is not None:
                text += f" – {r.error}"
            elif r.note:
                text += f" – {r.note}"
            lines.append(text)
        counts = [f"{len(self.by_status(s))} {s.value}" for s in FetchStatus if self.by_status(s)]
        lines.append("Zusammenfassung: " + (", ".join(counts) if counts else "nichts zu tun") + ".")
        return lines

    def error_lines(self) -> list[str]:
        """One sentence per distinct failure; all "no connection" failures make one sentence."""
        hosts = [r.error.host for r in self.failed if isinstance(r.error, NoConnectionError)]
        lines = [no_connection_message(hosts)] if hosts else []
        for r in self.failed:
            if isinstance(r.error, NoConnectionError):
                continue
            text = str(r.error) if r.error is not None else f"{r.file}: fehlgeschlagen"
            if text not in lines:
                lines.append(text)
        return lines


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


def _save_manifest(raw_dir: Path, entries: dict[str, ManifestEntry]) -> None:
    path = raw_dir / MANIFEST_NAME
    payload = {"files": {rel: entries[rel].to_json() for rel in sorted(entries)}}
    tmp = path.with_name(f".{path.name}.part")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# --------------------------------------------------------------------------------------------
# Integrity
# --------------------------------------------------------------------------------------------


def verify_file(path: Path, kind: str, *, expected_size: int | None = None) -> None:
    """Check that ``path`` is a complete, readable file of ``kind``.

    ``zip``/``xlsx``: :mod:`zipfile` opens it and ``testzip()`` finds no bad member (``xlsx`` must
    also hold ``[Content_Types].xml``); ``csv``: decodes as UTF-8 (or cp1252) and has a header line
    with a separator. ``expected_size`` in bytes, if given, must match exactly.

    Raises
    ------
    IntegrityError
        Describing what is wrong (``TruncatedDownloadError`` for a size mismatch).
    """
    size = path.stat().st_size
    if expected_size is not None and size != expected_size:
        raise TruncatedDownloadError(
            f"{path.name}: {size} Bytes statt {expected_size} – Datei unvollständig.", path=path
        )
    if size == 0:
        raise IntegrityError(f"{path.name} ist leer.", path=path)
    if kind in ("zip", "xlsx"):
        _verify_zip(path, kind)
    elif kind == "csv":
        _verify_csv(path)
    else:
        raise FetchError(f"Unbekannter Dateityp '{kind}' für {path.name}.", path=path)


def _verify_zip(path: Path, kind: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            names = zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise IntegrityError(
            f"{path.name} ist kein vollständiges Zip-Archiv ({exc}).", path=path
        ) from exc
    if bad is not None:
        raise IntegrityError(f"{path.name}: Eintrag '{bad}' ist beschädigt (CRC).", path=path)
    if not names:
        raise IntegrityError(f"{path.name} ist ein leeres Zip-Archiv.", path=path)
    if kind == "xlsx" and "[Content_Types].xml" not in names:
        raise IntegrityError(f"{path.name} ist keine Excel-Arbeitsmappe (xlsx).", path=path)


def _verify_csv(path: Path) -> None:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; kept for clarity
        raise IntegrityError(f"{path.name} lässt sich nicht als Text lesen.", path=path)
    header = text.splitlines()[0] if text.strip() else ""
    if not header.strip() or not any(sep in header for sep in (",", ";", "\t")):
        raise IntegrityError(f"{path.name} hat keine CSV-Kopfzeile.", path=path)
    if "\x00" in text:
        raise IntegrityError(f"{path.name} enthält Binärdaten, keine CSV.", path=path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _part_path(dest: Path) -> Path:
    """Hidden temp file next to ``dest`` (the loaders' ``vg*`` globs do not match it)."""
    return dest.with_name(f".{dest.name}.part")


def _install(
    part: Path, dest: Path, kind: str, source: str, expected_size: int | None
) -> StoredFile:
    """Verify ``part`` and move it to ``dest`` atomically; delete it when it is bad."""
    try:
        verify_file(part, kind, expected_size=expected_size)
        sha = _sha256(part)
        size = part.stat().st_size
        os.replace(part, dest)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return StoredFile(dest, size, sha, source)


# --------------------------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------------------------


class _Retry(Exception):  # noqa: N818 - internal control flow, never escapes this module
    """One attempt failed in a way worth retrying.

    ``error`` is raised when no attempt is left, ``wait`` is a server-requested delay
    (Retry-After), ``validator`` the ETag/Last-Modified of a response whose body broke off.
    """

    def __init__(
        self, error: FetchError, *, wait: float | None = None, validator: str | None = None
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait
        self.validator = validator


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def _session() -> requests.Session:
    session = requests.Session()
    # identity: Content-Length is then the file size, and Range offsets are file offsets.
    session.headers.update({"User-Agent": config.USER_AGENT, "Accept-Encoding": "identity"})
    return session


def download(
    url: str,
    dest: Path,
    *,
    kind: str | None = None,
    options: DownloadOptions | None = None,
    session: requests.Session | None = None,
    discard_partial: bool = False,
) -> StoredFile:
    """Download ``url`` to ``dest`` safely (see the module docstring).

    Parameters
    ----------
    url
        ``http(s)://`` URL of one file.
    dest
        Final path; its folder is created. An existing file there is replaced only by a verified
        new one.
    kind
        ``zip``, ``xlsx`` or ``csv``; default from ``dest``'s suffix.
    options
        Timeouts, retries, back-off, progress bar.
    session
        A ``requests.Session`` to reuse (one is created otherwise).
    discard_partial
        Ignore a ``.part`` file left by an interrupted earlier run instead of resuming it.

    Raises
    ------
    NoConnectionError
        The host could not be reached at all.
    DownloadError
        HTTP error status (e.g. 404, names the URL) or retries exhausted on 5xx.
    DownloadTimeoutError
        The server stalled longer than ``read_timeout`` on every attempt.
    IntegrityError
        The file arrived truncated or corrupt on every attempt.
    """
    opts = options or DownloadOptions()
    kind = kind or _kind_of(dest.name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _part_path(dest)
    if discard_partial:
        part.unlink(missing_ok=True)
    own_session = session is None
    sess = session or _session()
    validator: str | None = None  # for If-Range: resume only if the file did not change
    restarted = False
    last: _Retry | None = None
    try:
        for attempt in range(opts.retries + 1):
            if last is not None:
                delay = min(opts.backoff * 2 ** (attempt - 1), opts.max_backoff)
                if last.wait is not None:
                    delay = max(delay, min(last.wait, opts.max_backoff))
                opts.sleep(delay)
            try:
                expected, resumed = _attempt(sess, url, part, opts, validator)
            except _Retry as retry:
                last = retry
                validator = retry.validator or validator
                continue
            try:
                return _install(part, dest, kind, url, expected)
            except IntegrityError as exc:
                # A resumed file may be spliced from two versions: start over once.
                if not resumed or restarted:
                    raise
                restarted, validator, last = True, None, _Retry(exc)
        assert last is not None
        raise last.error
    except KeyboardInterrupt:
        raise  # keep the .part file: the next run resumes it
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        if own_session:
            sess.close()


def _attempt(
    sess: requests.Session, url: str, part: Path, opts: DownloadOptions, validator: str | None
) -> tuple[int | None, bool]:
    """One GET into ``part``. Returns (expected total size or None, whether it resumed)."""
    offset = part.stat().st_size if part.exists() else 0
    headers: dict[str, str] = {}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if validator:
            headers["If-Range"] = validator
    timeout = (opts.connect_timeout, opts.read_timeout)
    try:
        response = sess.get(url, headers=headers, stream=True, timeout=timeout)
    except requests.exceptions.ConnectTimeout as exc:
        raise _Retry(NoConnectionError(_host(url), url=url)) from exc
    except requests.exceptions.ReadTimeout as exc:
        raise _Retry(_timeout_error(url, opts)) from exc
    except requests.exceptions.ConnectionError as exc:
        raise _Retry(NoConnectionError(_host(url), url=url)) from exc
    with response:
        status = response.status_code
        if status == 416 and offset:
            part.unlink(missing_ok=True)  # our partial file does not fit the server's: restart
            raise _Retry(DownloadError(f"HTTP 416 für {url} (Fortsetzen abgelehnt).", url=url))
        if status in RETRY_STATUS:
            error = DownloadError(
                f"HTTP {status} ({response.reason}) für {url} – Server vorübergehend nicht bereit.",
                url=url,
                status=status,
            )
            raise _Retry(error, wait=_retry_after(response.headers.get("Retry-After")))
        if status >= 400:
            raise DownloadError(
                f"HTTP {status} ({response.reason}) für {url} – Adresse prüfen "
                "(mapapp/config.py) oder Daten mit --source aus einem Spiegel laden.",
                url=url,
                status=status,
            )
        resumed = False
        if status == 206 and offset:
            start, total = _content_range(response.headers.get("Content-Range"))
            if start != offset:
                part.unlink(missing_ok=True)
                raise _Retry(
                    DownloadError(f"{url}: Teilantwort passt nicht zum Fortsetzen.", url=url)
                )
            mode, resumed = "ab", True
            expected = total
        else:
            # 200 (also when the server ignored our Range): start from scratch.
            offset, mode = 0, "wb"
            encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
            expected = None if encoded else _int_or_none(response.headers.get("Content-Length"))
        new_validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
        try:
            _stream_body(response, part, mode, offset, expected, opts)
        except _Retry as retry:
            raise _Retry(retry.error, validator=validator or new_validator) from retry
        return expected, resumed


def _stream_body(
    response: requests.Response,
    part: Path,
    mode: str,
    offset: int,
    expected: int | None,
    opts: DownloadOptions,
) -> None:
    url = response.url
    bar = tqdm(
        total=expected,
        initial=offset,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=part.name.removeprefix(".").removesuffix(".part"),
        file=sys.stderr,
        disable=not opts.show_progress(),
        leave=False,
    )
    try:
        with part.open(mode) as fh:
            try:
                for chunk in response.iter_content(chunk_size=opts.chunk_size):
                    fh.write(chunk)
                    bar.update(len(chunk))
            except requests.exceptions.ConnectionError as exc:
                if exc.args and isinstance(exc.args[0], ReadTimeoutError):
                    raise _Retry(_timeout_error(url, opts)) from exc
                raise _Retry(_truncated(url, part, fh.tell(), expected)) from exc
            except requests.exceptions.ChunkedEncodingError as exc:
                raise _Retry(_truncated(url, part, fh.tell(), expected)) from exc
            finally:
                fh.flush()
                os.fsync(fh.fileno())
            size = fh.tell()
    finally:
        bar.close()
    if expected is not None and size < expected:
        raise _Retry(_truncated(url, part, size, expected))
    if expected is not None and size > expected:
        part.unlink(missing_ok=True)
        raise _Retry(
            TruncatedDownloadError(
                f"{url}: {size} Bytes empfangen, angekündigt waren {expected}.", url=url
            )
        )


def _truncated(url: str, part: Path, size: int, expected: int | None) -> TruncatedDownloadError:
    of = f" von {expected}" if expected is not None else ""
    return TruncatedDownloadError(
        f"Download von {url} abgebrochen ({size} Bytes{of}) – Datei verworfen.", url=url, path=part
    )


def _timeout_error(url: str, opts: DownloadOptions) -> DownloadTimeoutError:
    return DownloadTimeoutError(
        f"Zeitüberschreitung: {_host(url)} hat {opts.read_timeout:g} s lang keine Daten gesendet "
        f"({url}).",
        url=url,
    )


def _content_range(value: str | None) -> tuple[int | None, int | None]:
    m = re.fullmatch(r"\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*", value or "")
    if not m:
        return None, None
    total = None if m.group(3) == "*" else int(m.group(3))
    return int(m.group(1)), total


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    n = _int_or_none(value)
    return float(n) if n is not None and n >= 0 else None


# --------------------------------------------------------------------------------------------
# Local copy
# --------------------------------------------------------------------------------------------


def copy_file(
    src: Path, dest: Path, *, kind: str | None = None, progress: bool = False
) -> StoredFile:
    """Copy ``src`` to ``dest`` via a verified temp file and :func:`os.replace`.

    Raises
    ------
    FetchError
        ``src`` is missing or unreadable.
    IntegrityError
        The copy is incomplete or ``src`` itself is corrupt (nothing is changed at ``dest``).
    """
    kind = kind or _kind_of(dest.name)
    if not src.is_file():
        raise FetchError(f"{src} gibt es nicht.", path=src)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _part_path(dest)
    size = src.stat().st_size
    try:
        with (
            src.open("rb") as fin,
            part.open("wb") as fout,
            tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=dest.name,
                file=sys.stderr,
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            for block in iter(lambda: fin.read(1 << 20), b""):
                fout.write(block)
                bar.update(len(block))
            fout.flush()
            os.fsync(fout.fileno())
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return _install(part, dest, kind, str(src), size)


# --------------------------------------------------------------------------------------------
# fetch_all
# --------------------------------------------------------------------------------------------


def fetch_all(
    settings: Settings,
    source: str | Path | None = None,
    only: Sequence[str] | None = None,
    boundaries: str = "vg250",
    if_missing: bool = False,
    force: bool = False,
    options: DownloadOptions | None = None,
) -> FetchReport:
    """Fill ``settings.raw_dir`` with the official data files.

    Parameters
    ----------
    settings
        Where to store (``raw_dir``) and the default mirror (``settings.mirror``, env
        ``MAPAPP_MIRROR``).
    source
        ``None``: ``settings.mirror`` if set, else the official URLs of :data:`config.SOURCES`.
        A folder path: a mirror laid out like ``shared/geodata``. A file path: that one file.
        An ``http(s)`` URL ending in ``.zip``/``.xlsx``/``.csv``: that one file; any other URL:
        a base URL serving the mirror layout (``<base>/bkg/<name>.zip``, ...).
    only
        Keys of :func:`known_items` to fetch; default: the boundary product, ``gvisys`` and the
        mirror-only files (``zensus_grid`` is large and only fetched when named here).
    boundaries
        ``"vg250"`` (default) or ``"vg5000"``. A mirror folder without that product supplies the
        other one instead (with a note).
    if_missing
        Skip files that are present and verified (size + sha256 from the manifest, or a passing
        integrity check for files placed by hand).
    force
        Fetch even what is present (overrides ``if_missing``) and discard partial downloads.
    options
        Download behaviour (timeouts, retries, progress).

    Returns
    -------
    FetchReport
        One result per file. Failures are recorded, not raised, so one bad file does not stop the
        others; check ``report.ok``.

    Raises
    ------
    FetchError
        For an unusable ``source`` (folder missing, unknown file name) or unknown keys.
    """
    opts = options or DownloadOptions()
    if boundaries not in BOUNDARY_PRODUCTS:
        raise FetchError(f"Unbekanntes Grenzprodukt '{boundaries}' (vg250 oder vg5000).")
    items = known_items()
    unknown = [k for k in (only or ()) if k not in items]
    if unknown:
        raise FetchError(
            f"Unbekannte Datenquelle(n) {', '.join(unknown)} – bekannt: {', '.join(sorted(items))}."
        )
    explicit = tuple(dict.fromkeys(only)) if only else ()
    keys = explicit or (boundaries, *DEFAULT_KEYS)
    raw = settings.raw_dir
    raw.mkdir(parents=True, exist_ok=True)
    ctx = _Context(
        raw=raw,
        manifest=load_manifest(raw),
        if_missing=if_missing and not force,
        force=force,
        opts=opts,
        session=None,
    )
    origin: str | Path | None = source if source not in (None, "") else settings.mirror
    try:
        if origin is None:
            report = FetchReport(raw, "offizielle Download-Adressen")
            for key in keys:
                _fetch_official(ctx, report, items[key])
        elif isinstance(origin, str) and origin.startswith(("http://", "https://")):
            name = unquote(urlsplit(origin).path.rsplit("/", 1)[-1])
            if name.lower().endswith(_FILE_SUFFIXES):
                item = _item_for_filename(name)
                report = FetchReport(raw, origin)
                _fetch_url(ctx, report, item, origin, explicit=True)
            else:
                base = origin.rstrip("/")
                report = FetchReport(raw, base)
                for key in keys:
                    item = items[key]
                    _fetch_url(ctx, report, item, f"{base}/{item.relpath}", key in explicit)
        else:
            path = Path(origin).expanduser().resolve()
            if path.is_file():
                report = FetchReport(raw, str(path))
                item = _item_for_filename(path.name)
                _copy_one(ctx, report, item, path)
            elif path.is_dir():
                report = FetchReport(raw, str(path))
                for key in keys:
                    _fetch_mirror(ctx, report, items[key], path, key in explicit)
            else:
                raise FetchError(
                    f"Spiegelordner {path} gibt es nicht – Pfad prüfen "
                    "(erwartet bkg/, destatis/, zensus2022/, inkar/).",
                    path=path,
                )
    finally:
        if ctx.session is not None:
            ctx.session.close()
    return report


@dataclass
class _Context:
    raw: Path
    manifest: dict[str, ManifestEntry]
    if_missing: bool
    force: bool
    opts: DownloadOptions
    session: requests.Session | None
    unreachable: dict[str, NoConnectionError] = field(default_factory=dict)

    def sess(self) -> requests.Session:
        if self.session is None:
            self.session = _session()
        return self.session

    def record(self, rel: str, stored: StoredFile) -> None:
        self.manifest[rel] = ManifestEntry(
            file=rel,
            source=stored.source,
            size=stored.size,
            sha256=stored.sha256,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        _save_manifest(self.raw, self.manifest)

    def verified(self, rel: str, kind: str) -> bool:
        """Whether ``raw/rel`` is present and verified (records hand-placed good files)."""
        path = self.raw / rel
        if not path.is_file():
            return False
        entry = self.manifest.get(rel)
        if entry is not None:
            return entry.size == path.stat().st_size and entry.sha256 == _sha256(path)
        try:
            verify_file(path, kind)
        except IntegrityError:
            return False
        self.record(rel, StoredFile(path, path.stat().st_size, _sha256(path), "vorgefunden"))
        return True


def _present(ctx: _Context, report: FetchReport, item: FetchItem, rels: Iterable[str]) -> bool:
    """With ``if_missing``: report the first verified file among ``rels`` as present."""
    if not ctx.if_missing:
        return False
    for rel in rels:
        if ctx.verified(rel, item.kind):
            entry = ctx.manifest[rel]
            report.results.append(
                FetchResult(item.key, rel, FetchStatus.PRESENT, entry.source, entry.size)
            )
            return True
    return False


def _existing_products(ctx: _Context, item: FetchItem) -> list[str]:
    """Boundary archives of ``item``'s product already in ``raw/bkg`` (relative paths)."""
    folder = ctx.raw / item.subdir
    if item.key not in BOUNDARY_PRODUCTS or not folder.is_dir():
        return [item.relpath]
    found = sorted(f"{item.subdir}/{p.name}" for p in folder.glob(f"{item.key}*.zip"))
    return [item.relpath, *(r for r in found if r != item.relpath)]


_MIRROR_ONLY_NOTE = (
    "nur aus einem lokalen Spiegel erhältlich (--source); die App nutzt ersatzweise die "
    "GV-ISys-Bevölkerung"
)


def _fetch_official(ctx: _Context, report: FetchReport, item: FetchItem) -> None:
    if _present(ctx, report, item, _existing_products(ctx, item)):
        return
    if item.url is None:
        note = _MIRROR_ONLY_NOTE
        if (ctx.raw / item.relpath).is_file():
            note = "vorhandene Datei bleibt; " + note
        report.results.append(FetchResult(item.key, item.relpath, FetchStatus.SKIPPED, note=note))
        return
    _download_into(ctx, report, item, item.url, explicit=True)


def _fetch_url(
    ctx: _Context, report: FetchReport, item: FetchItem, url: str, explicit: bool
) -> None:
    if _present(ctx, report, item, _existing_products(ctx, item)):
        return
    _download_into(ctx, report, item, url, explicit or not item.mirror_only)


def _download_into(
    ctx: _Context, report: FetchReport, item: FetchItem, url: str, explicit: bool
) -> None:
    host = _host(url)
    if host in ctx.unreachable:
        report.results.append(
            FetchResult(
                item.key, item.relpath, FetchStatus.FAILED, url, error=ctx.unreachable[host]
            )
        )
        return
    try:
        stored = download(
            url,
            ctx.raw / item.relpath,
            kind=item.kind,
            options=ctx.opts,
            session=ctx.sess(),
            discard_partial=ctx.force,
        )
    except NoConnectionError as exc:
        ctx.unreachable[host] = exc
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, url, error=exc)
        )
        return
    except DownloadError as exc:
        if exc.status == 404 and not explicit:
            report.results.append(
                FetchResult(
                    item.key, item.relpath, FetchStatus.MISSING, url, note=_MIRROR_ONLY_NOTE
                )
            )
            return
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, url, error=exc)
        )
        return
    except FetchError as exc:
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, url, error=exc)
        )
        return
    ctx.record(item.relpath, stored)
    report.results.append(
        FetchResult(item.key, item.relpath, FetchStatus.DOWNLOADED, url, stored.size)
    )


def _fetch_mirror(
    ctx: _Context, report: FetchReport, item: FetchItem, mirror: Path, explicit: bool
) -> None:
    folder = mirror / item.subdir
    if item.key in BOUNDARY_PRODUCTS:
        found = sorted(folder.glob(f"{item.key}*.zip")) if folder.is_dir() else []
        note = None
        if not found and not explicit:
            for other in BOUNDARY_PRODUCTS:
                found = sorted(folder.glob(f"{other}*.zip")) if folder.is_dir() else []
                if found:
                    note = f"{item.key.upper()} nicht im Spiegel, stattdessen {other.upper()}"
                    break
        if not found:
            _missing(report, item, mirror, explicit)
            return
        for src in found:
            _copy_one(ctx, report, _with_filename(item, src.name), src, note)
        return
    src = folder / item.filename
    if not src.is_file():
        _missing(report, item, mirror, explicit)
        return
    _copy_one(ctx, report, item, src)


def _missing(report: FetchReport, item: FetchItem, mirror: Path, explicit: bool) -> None:
    where = mirror / item.subdir
    if explicit:
        error = FetchError(f"{item.relpath} fehlt im Spiegelordner {mirror}.", path=where)
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, str(where), error=error)
        )
    else:
        note = f"nicht in {where}" + (
            "" if item.url is None else " (offizielle URL: --source weglassen)"
        )
        report.results.append(FetchResult(item.key, item.relpath, FetchStatus.MISSING, note=note))


def _copy_one(
    ctx: _Context, report: FetchReport, item: FetchItem, src: Path, note: str | None = None
) -> None:
    if _present(ctx, report, item, [item.relpath]):
        return
    try:
        stored = copy_file(
            src, ctx.raw / item.relpath, kind=item.kind, progress=ctx.opts.show_progress()
        )
    except FetchError as exc:
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, str(src), error=exc)
        )
        return
    except PermissionError as exc:
        error = FetchError(
            f"{src} ist nicht lesbar oder {ctx.raw} nicht beschreibbar: {exc}", path=src
        )
        report.results.append(
            FetchResult(item.key, item.relpath, FetchStatus.FAILED, str(src), error=error)
        )
        return
    ctx.record(item.relpath, stored)
    report.results.append(
        FetchResult(item.key, item.relpath, FetchStatus.COPIED, str(src), stored.size, note)
    )


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
