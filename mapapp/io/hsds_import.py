"""Reading an Open Referral HSDS package into offers: rows from :mod:`mapapp.ingest.hsds`,
checked by the one offer row reader and placed like any other offer file
(:mod:`mapapp.io.offer_placing`), then our own fields restored for rows our exporter wrote.

Own fields (``komm_in_*``): the coordinate source, the Gemeinde AGS (``None`` for an office that
serves its whole Kreis), the Kreis AGS and the source's category text come back as exported,
after checks (an AGS that contradicts the point is a warning and the point's AGS is kept). An
offer known only by its Kreis (precision ``kreis_area``, no coordinates) comes back without a
location; it needs its ``komm_in_kreis_ags``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from mapapp.ingest.hsds import COLUMNS, DESCRIPTOR, Own, offer_rows, read_package
from mapapp.ingest.offers import Draft, RowReader
from mapapp.ingest.offers_build import dedupe_offers, offer_from_draft
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from mapapp.ingest.report import ImportReport
from mapapp.ingest.values import parse_ags
from mapapp.io.offer_placing import Geocoding, GeoContext, locate_coordinates
from mapapp.model import DataError
from mapapp.offers_model import CoordSource, Offer, Precision


def zip_folder(folder: str | Path, max_bytes: int = MAX_IMPORT_BYTES) -> bytes:
    """The package files of ``folder`` (its table CSVs and ``datapackage.json``) as zip bytes,
    so a folder goes through the same reader as a zip.

    Raises
    ------
    DataError
        No ``service.csv`` in the folder, or the files are larger than ``max_bytes``.
    """
    root = Path(folder)
    wanted = [root / f"{name}.csv" for name in COLUMNS] + [root / DESCRIPTOR]
    present = [p for p in wanted if p.is_file()]
    if root / "service.csv" not in present:
        raise DataError("kein HSDS-Paket: service.csv fehlt", file=str(root))
    if sum(p.stat().st_size for p in present) > max_bytes:
        raise DataError(f"Paket größer als {max_bytes} Bytes", file=str(root))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in present:
            zf.writestr(path.name, path.read_bytes())
    return buf.getvalue()


def _kreis(value: str | None) -> str | None:
    try:
        return parse_ags(value, 5) if value else None
    except ValueError:
        return None


def _restore(offer: Offer, own: Own, row: int, report: ImportReport) -> Offer:
    """``offer`` (placed by the pipeline) with the exported own fields, where they fit."""
    changes: dict[str, object] = {"category_original": own.category_original}
    try:
        changes["coord_source"] = CoordSource(own.coord_source or "")
    except ValueError:
        report.warn(row, "komm_in_coord_source", f"'{own.coord_source}' unbekannt – ignoriert")
    kreis = _kreis(own.kreis_ags)
    if own.ags is None:
        if offer.ags is not None and kreis == offer.ags[:5]:
            changes["ags"] = None  # serves the whole Kreis (e.g. a Kreis Ausländerbehörde)
    elif own.ags != offer.ags:
        report.warn(row, "komm_in_ags", f"AGS {own.ags} passt nicht zum Punkt – {offer.ags}")
    if kreis is not None and (offer.ags is None or kreis == offer.ags[:5]):
        changes["kreis_ags"] = kreis
    return offer.with_changes(**changes)


def _kreis_only(
    d: Draft, own: Own | None, default_source: str, report: ImportReport
) -> Offer | None:
    """An offer known only by its Kreis (no coordinates), or ``None`` (rejected)."""
    kreis = _kreis(own.kreis_ags if own else None)
    if kreis is None:
        report.reject(d.row, "komm_in_kreis_ags", "nur Kreis bekannt, aber kein gültiger Kreis-AGS")
        return None
    d.lon = d.lat = 0.0  # offer_from_draft builds located offers; the point is removed below
    d.coord_source = (
        CoordSource(own.coord_source) if own and own.coord_source else CoordSource.BOUNDARY
    )
    offer = offer_from_draft(d, default_source)
    return offer.with_changes(
        lon=None,
        lat=None,
        ags=None,
        kreis_ags=kreis,
        category_original=own.category_original if own else None,
    )


def parse_hsds(
    data: bytes,
    filename: str,
    ctx: GeoContext,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
    default_source: str | None = None,
) -> tuple[list[Offer], ImportReport]:
    """Offers and report of an HSDS package zip (nothing stored). Row numbers are lines of
    ``service_at_location.csv`` unless the issue names another file.

    Raises
    ------
    DataError
        The package itself is unusable (see :func:`mapapp.ingest.hsds.read_package`).
    """
    name = Path(filename).name
    source = default_source or f"Import {name}"
    pkg = read_package(data, name, max_bytes=max_bytes, max_rows=max_rows)
    report = ImportReport(file=name, encoding="utf-8", delimiter=",")
    table, own = offer_rows(pkg, report)
    report.rows_read = len(pkg.tables.get("service_at_location", []))
    reader = RowReader(table, report, name)
    drafts = [d for d in (reader.draft(r) for r in table.rows) if d is not None]
    kreis_only = [d for d in drafts if d.coords is None and d.precision is Precision.KREIS_AREA]
    skip = {id(d) for d in kreis_only}
    placed = [d for d in drafts if id(d) not in skip]
    locate_coordinates(placed, False, ctx, report)
    geocoding = Geocoding(ctx, report)
    located = [
        d
        for d in placed
        if d.coord_mode != "rejected" and (d.lon is not None or geocoding.locate(d))
    ]
    offers = dedupe_offers(located, source, report)
    own_by_id = {d.fields["id"]: (d.row, own[d.row]) for d in located if d.row in own}
    offers = [
        _restore(o, own_by_id[o.id][1], own_by_id[o.id][0], report) if o.id in own_by_id else o
        for o in offers
    ]
    for d in kreis_only:
        offer = _kreis_only(d, own.get(d.row), source, report)
        if offer is not None:
            offers.append(offer)
    report.accepted = len(offers)
    report.rejected.sort(key=lambda i: i.row or 0)
    report.warnings.sort(key=lambda i: i.row or 0)
    return offers, report
