"""The steps of :func:`mapapp.io.fetch.fetch_all` for one file: present, download, copy, missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

from mapapp.io.fetch.download import DownloadOptions, download, host_of, new_session
from mapapp.io.fetch.errors import (
    DownloadError,
    FetchError,
    IntegrityError,
    NoConnectionError,
)
from mapapp.io.fetch.integrity import verify_file
from mapapp.io.fetch.items import BOUNDARY_PRODUCTS, FetchItem, with_filename
from mapapp.io.fetch.local import copy_file
from mapapp.io.fetch.manifest import ManifestEntry, StoredFile, save_manifest, sha256_of
from mapapp.io.fetch.report import FetchReport, FetchResult, FetchStatus


@dataclass
class Context:
    raw: Path
    manifest: dict[str, ManifestEntry]
    if_missing: bool
    force: bool
    opts: DownloadOptions
    session: requests.Session | None
    unreachable: dict[str, NoConnectionError] = field(default_factory=dict)

    def sess(self) -> requests.Session:
        if self.session is None:
            self.session = new_session()
        return self.session

    def record(self, rel: str, stored: StoredFile) -> None:
        self.manifest[rel] = ManifestEntry(
            file=rel,
            source=stored.source,
            size=stored.size,
            sha256=stored.sha256,
            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        save_manifest(self.raw, self.manifest)

    def verified(self, rel: str, kind: str) -> bool:
        """Whether ``raw/rel`` is present and verified (records hand-placed good files)."""
        path = self.raw / rel
        if not path.is_file():
            return False
        entry = self.manifest.get(rel)
        if entry is not None:
            return entry.size == path.stat().st_size and entry.sha256 == sha256_of(path)
        try:
            verify_file(path, kind)
        except IntegrityError:
            return False
        self.record(rel, StoredFile(path, path.stat().st_size, sha256_of(path), "vorgefunden"))
        return True


def _present(ctx: Context, report: FetchReport, item: FetchItem, rels: Iterable[str]) -> bool:
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


def _existing_products(ctx: Context, item: FetchItem) -> list[str]:
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


def fetch_official(ctx: Context, report: FetchReport, item: FetchItem) -> None:
    if _present(ctx, report, item, _existing_products(ctx, item)):
        return
    if item.url is None:
        note = _MIRROR_ONLY_NOTE
        if (ctx.raw / item.relpath).is_file():
            note = "vorhandene Datei bleibt; " + note
        report.results.append(FetchResult(item.key, item.relpath, FetchStatus.SKIPPED, note=note))
        return
    _download_into(ctx, report, item, item.url, explicit=True)


def fetch_url(ctx: Context, report: FetchReport, item: FetchItem, url: str, explicit: bool) -> None:
    if _present(ctx, report, item, _existing_products(ctx, item)):
        return
    _download_into(ctx, report, item, url, explicit or not item.mirror_only)


def _download_into(
    ctx: Context, report: FetchReport, item: FetchItem, url: str, explicit: bool
) -> None:
    host = host_of(url)
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


def fetch_mirror(
    ctx: Context, report: FetchReport, item: FetchItem, mirror: Path, explicit: bool
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
            copy_one(ctx, report, with_filename(item, src.name), src, note)
        return
    src = folder / item.filename
    if not src.is_file():
        _missing(report, item, mirror, explicit)
        return
    copy_one(ctx, report, item, src)


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


def copy_one(
    ctx: Context, report: FetchReport, item: FetchItem, src: Path, note: str | None = None
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
