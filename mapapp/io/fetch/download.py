"""Download one file with ``requests``: timeouts, retries with back-off, resume, verified install."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tqdm import tqdm
from urllib3.exceptions import ReadTimeoutError

from mapapp import config
from mapapp.io.fetch.errors import (
    DownloadError,
    DownloadTimeoutError,
    FetchError,
    IntegrityError,
    NoConnectionError,
    TruncatedDownloadError,
)
from mapapp.io.fetch.integrity import install_verified, part_path
from mapapp.io.fetch.items import kind_of
from mapapp.io.fetch.manifest import StoredFile

#: HTTP status codes worth another attempt.
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CHUNK = 64 * 1024


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


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def new_session() -> requests.Session:
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

    Long by its docstring only: the code (about 40 lines) is the retry loop, kept in one piece so
    the resume/restart rules can be read together.

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
    kind = kind or kind_of(dest.name)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    if discard_partial:
        part.unlink(missing_ok=True)
    own_session = session is None
    sess = session or new_session()
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
                return install_verified(part, dest, kind, url, expected)
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
        raise _Retry(NoConnectionError(host_of(url), url=url)) from exc
    except requests.exceptions.ReadTimeout as exc:
        raise _Retry(_timeout_error(url, opts)) from exc
    except requests.exceptions.ConnectionError as exc:
        raise _Retry(NoConnectionError(host_of(url), url=url)) from exc
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
        f"Zeitüberschreitung: {host_of(url)} hat {opts.read_timeout:g} s lang keine Daten gesendet "
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
