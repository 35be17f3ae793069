"""Results of a fetch: one line per file, a summary and the failures as sentences."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from mapapp.io.fetch.errors import FetchError, NoConnectionError, no_connection_message


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


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover
