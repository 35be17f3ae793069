"""What can go wrong when fetching: one exception family, each with one sentence for the user."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


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
