"""Fill the data directory: :func:`fetch_all` picks the origin and runs the steps per file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mapapp.config import Settings
from mapapp.io.fetch.download import DownloadOptions
from mapapp.io.fetch.errors import FetchError
from mapapp.io.fetch.items import (
    BOUNDARY_PRODUCTS,
    DEFAULT_KEYS,
    FILE_SUFFIXES,
    FetchItem,
    item_for_filename,
    known_items,
)
from mapapp.io.fetch.manifest import load_manifest
from mapapp.io.fetch.report import FetchReport
from mapapp.io.fetch.steps import Context, copy_one, fetch_mirror, fetch_official, fetch_url


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

    Long by its docstring only (the options are documented here, the work is in small helpers).

    Parameters
    ----------
    settings
        Where to store (``raw_dir``) and the default mirror (``settings.mirror``, env
        ``MAPAPP_MIRROR``).
    source
        ``None``: ``settings.mirror`` if set, else the official URLs of :data:`config.SOURCES`.
        A folder path: a mirror laid out like ``shared/geodata``. A file path: that one file.
        An ``http(s)`` URL ending in ``.zip``/``.xlsx``/``.csv``/``.osm.pbf``: that one file; any other URL:
        a base URL serving the mirror layout (``<base>/bkg/<name>.zip``, ...).
    only
        Keys of :func:`known_items` to fetch; default: the boundary product, ``gvisys`` and the
        mirror-only files (``zensus_grid`` and ``osm`` are large and only fetched when named
        here).
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
    items = known_items()
    keys, explicit = _keys(items, only, boundaries)
    raw = settings.raw_dir
    raw.mkdir(parents=True, exist_ok=True)
    ctx = Context(
        raw=raw,
        manifest=load_manifest(raw),
        if_missing=if_missing and not force,
        force=force,
        opts=options or DownloadOptions(),
        session=None,
    )
    origin: str | Path | None = source if source not in (None, "") else settings.mirror
    try:
        if origin is None:
            report = FetchReport(raw, "offizielle Download-Adressen")
            for key in keys:
                fetch_official(ctx, report, items[key])
        elif isinstance(origin, str) and origin.startswith(("http://", "https://")):
            report = _from_url(ctx, items, origin, keys, explicit)
        else:
            report = _from_path(ctx, items, Path(origin).expanduser().resolve(), keys, explicit)
    finally:
        if ctx.session is not None:
            ctx.session.close()
    return report


def _keys(
    items: dict[str, FetchItem], only: Sequence[str] | None, boundaries: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(keys to fetch, keys named explicitly); raises :class:`FetchError` for unknown ones."""
    if boundaries not in BOUNDARY_PRODUCTS:
        raise FetchError(f"Unbekanntes Grenzprodukt '{boundaries}' (vg250 oder vg5000).")
    unknown = [k for k in (only or ()) if k not in items]
    if unknown:
        raise FetchError(
            f"Unbekannte Datenquelle(n) {', '.join(unknown)} – bekannt: {', '.join(sorted(items))}."
        )
    explicit = tuple(dict.fromkeys(only)) if only else ()
    return explicit or (boundaries, *DEFAULT_KEYS), explicit


def _from_url(
    ctx: Context,
    items: dict[str, FetchItem],
    origin: str,
    keys: tuple[str, ...],
    explicit: tuple[str, ...],
) -> FetchReport:
    """One file URL, or a base URL serving the mirror layout."""
    name = unquote(urlsplit(origin).path.rsplit("/", 1)[-1])
    if name.lower().endswith(FILE_SUFFIXES):
        report = FetchReport(ctx.raw, origin)
        fetch_url(ctx, report, item_for_filename(name), origin, explicit=True)
        return report
    base = origin.rstrip("/")
    report = FetchReport(ctx.raw, base)
    for key in keys:
        item = items[key]
        fetch_url(ctx, report, item, f"{base}/{item.relpath}", key in explicit)
    return report


def _from_path(
    ctx: Context,
    items: dict[str, FetchItem],
    path: Path,
    keys: tuple[str, ...],
    explicit: tuple[str, ...],
) -> FetchReport:
    """One local file, or a mirror folder laid out like ``shared/geodata``."""
    if path.is_file():
        report = FetchReport(ctx.raw, str(path))
        copy_one(ctx, report, item_for_filename(path.name), path)
        return report
    if not path.is_dir():
        raise FetchError(
            f"Spiegelordner {path} gibt es nicht – Pfad prüfen "
            "(erwartet bkg/, destatis/, zensus2022/, inkar/).",
            path=path,
        )
    report = FetchReport(ctx.raw, str(path))
    for key in keys:
        fetch_mirror(ctx, report, items[key], path, key in explicit)
    return report
