"""Offers from files: read and check an offer list (:mod:`mapapp.ingest.offers`), place every
row (:mod:`mapapp.io.offer_placing`), and the bundled offers.

- **Files, columns, values, report**: see :mod:`mapapp.ingest.read`,
  :mod:`mapapp.ingest.offers_table` (column aliases) and :mod:`mapapp.ingest.offers`; a whole-file
  problem raises :class:`~mapapp.model.DataError`, row problems go to the
  :class:`~mapapp.ingest.report.ImportReport` (spreadsheet row numbers, header = 1).
- **Locations**: coordinates (WGS84 degrees, also with ``°``/N/E or both in one column, or
  EPSG:25832 metres, told apart by magnitude; swapped pairs corrected with a warning; points
  outside NRW rejected) or else the address: the offline gazetteer finds the Gemeinde (precision
  ``gemeinde_centre``, with a warning); when an online geocoder is configured and the row has a
  street, it refines the point. The Gemeinde AGS comes from point-in-polygon.

Reading never writes anything: storing is the caller's decision (dry run, all-or-nothing).

Bundled offers (:func:`bundled_offers`): the researched offices in ``offers_seed_nrw.csv`` (read by
this same importer, offline) plus one approximate entry per Ausländerbehörde of the KOMM-IN target
group (``nrw_municipal_status.csv``): a Stadt's at the GV-ISys Gemeinde centre (precision
``gemeinde_centre``), a Kreis's at the GV-ISys centre of the Gemeinde that is the seat of the Kreis
administration (``nrw_kreis_seats.csv``, precision ``kreis_seat_centre``). Neither has a street
address; their ``precision`` says how
approximate the point is (every map and card shows it translated), so ``note`` stays free for the
status file's own remark (real notes from imported data stay as they are).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.config import Settings
from mapapp.ingest.hsds import is_package
from mapapp.ingest.offers import Draft, RowReader
from mapapp.ingest.offers_build import dedupe_offers, draft_id
from mapapp.ingest.offers_table import OfferRows, RawRow, read_offer_rows
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, load_bytes
from mapapp.ingest.report import ImportReport
from mapapp.io.datasets import (
    load_boundaries,
    load_gvisys,
    load_kreis_seats,
    load_status,
    reference_path,
)
from mapapp.io.gazetteer import Gazetteer
from mapapp.io.geocode import online_geocoder
from mapapp.io.hsds_import import parse_hsds
from mapapp.io.locator import Locator
from mapapp.io.offer_placing import Geocoding, GeoContext, locate_coordinates
from mapapp.io.osm_gazetteer import cache_path, find_extract, load_osm_gazetteer
from mapapp.io.plz import build_plz_index, package_version
from mapapp.model import COL_AGS, COL_NAME, DataError, OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision

#: Default upload limit (bytes): the one limit of every importer.
DEFAULT_MAX_BYTES = MAX_IMPORT_BYTES
#: Default row limit: the one limit of every importer.
DEFAULT_MAX_ROWS = MAX_IMPORT_ROWS

ABH_SOURCE = "nrw_municipal_status.csv (ZustAVO NRW 2019)"
#: Source of a Kreis Ausländerbehörde: the status file says it exists, the seat file where.
ABH_KREIS_SOURCE = f"{ABH_SOURCE}; Sitz der Kreisverwaltung: nrw_kreis_seats.csv"

__all__ = [
    "GeoContext",
    "ImportResult",
    "bundled_offers",
    "load_geo_context",
    "parse_offers",
]


@dataclass
class ImportResult:
    """Offers read from one file and the report (nothing is stored yet)."""

    offers: list[Offer]
    report: ImportReport
    #: offer id -> the row it was read from (the first, when rows were merged)
    rows: dict[str, int] = field(default_factory=dict)


def load_geo_context(settings: Settings, *, online: bool = True) -> GeoContext:
    """Gazetteer (GV-ISys), locator (BKG boundaries), the offline PLZ centres, the OpenStreetMap
    gazetteer (when an extract is in the data directory) and – if configured and ``online`` –
    the online geocoder.

    Raises
    ------
    mapapp.model.DataMissingError
        The GV-ISys or boundary files are not in the data directory.
    """
    gvisys = load_gvisys(settings)
    boundaries = load_boundaries(settings)
    locator = Locator.from_boundaries(boundaries)
    return GeoContext(
        gazetteer=Gazetteer(gvisys),
        locator=locator,
        geocoder=online_geocoder(settings) if online else None,
        plz=build_plz_index(locator),
        osm=load_osm_gazetteer(settings),
    )


def parse_offers(
    data: bytes,
    filename: str,
    ctx: GeoContext,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    default_source: str | None = None,
) -> ImportResult:
    """Read and validate an offer file (bytes as uploaded) – stores nothing.

    Parameters
    ----------
    data, filename
        File content and its name (the suffix selects the reader: ``.csv``/``.txt``/``.tsv``,
        ``.xlsx``, ``.geojson``/``.json``; unknown suffixes are sniffed; a zip holding an Open
        Referral HSDS package is read by :func:`mapapp.io.hsds_import.parse_hsds`).
    ctx
        Gazetteer, locator and optional online geocoder (:func:`load_geo_context`).
    max_bytes, max_rows
        Upload limits; exceeding them makes the whole file unusable.
    default_source
        ``source`` of rows without a source cell (default ``"Import <filename>"``).

    Returns
    -------
    ImportResult
        ``offers`` (one per accepted row, duplicates merged) and the row-level ``report``.

    Raises
    ------
    DataError
        The file itself is unusable (type, size, encoding, structure, no name column ...).
    """
    name = Path(filename).name
    if is_package(name, data):  # an Open Referral HSDS package (zip)
        offers, hsds_report = parse_hsds(
            data, name, ctx, max_bytes=max_bytes, max_rows=max_rows, default_source=default_source
        )
        return ImportResult(offers=offers, report=hsds_report)
    table = read_offer_rows(data, name, max_bytes=max_bytes, max_rows=max_rows)
    return parse_table(table, name, ctx, default_source or f"Import {name}")


def parse_table(table: OfferRows, name: str, ctx: GeoContext, default_source: str) -> ImportResult:
    """Check and place the rows of an offer table (the importer's one code path, also for a
    single offer typed into the app's form: :func:`parse_form`)."""
    report = ImportReport(file=name, encoding=table.encoding, delimiter=table.delimiter)
    report.rows_read = len(table.rows)
    for row, message in table.notes:
        report.warn(row, None, message)
    reader = RowReader(table, report, name)
    drafts = [d for d in (reader.draft(r) for r in table.rows) if d is not None]
    locate_coordinates(drafts, table.metric_crs, ctx, report)
    geocoding = Geocoding(ctx, report)
    located: list[Draft] = []
    for d in drafts:
        if d.coord_mode == "rejected":
            continue
        if d.lon is None and not geocoding.locate(d):
            continue
        located.append(d)
    offers = dedupe_offers(located, default_source, report)
    report.accepted = len(offers)
    report.rejected.sort(key=lambda i: i.row or 0)
    report.warnings.sort(key=lambda i: i.row or 0)
    rows: dict[str, int] = {}
    for d in located:
        rows.setdefault(draft_id(d), d.row)
    return ImportResult(offers=offers, report=report, rows=rows)


#: The row number a form's single offer is reported under (as if it were a file's first data
#: row below the header, so the messages read exactly like the importer's).
FORM_ROW = 2


def parse_form(values: Mapping[str, Any], ctx: GeoContext, name: str, source: str) -> ImportResult:
    """One offer from a form: ``values`` by canonical field name (``name``, ``category``,
    ``street``, ``lat`` …, the importer's column names) read, checked and placed exactly like
    one row of an imported file; the report's row is :data:`FORM_ROW`."""
    columns = list(values)
    table = OfferRows("form", columns, [RawRow(FORM_ROW, dict(values))])
    return parse_table(table, name, ctx, source)


def read_offer_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an offer file on disk; the size is checked before it is read."""
    return load_bytes(Path(path), None, max_bytes)[0]


_ABH_STATUS = {"kreisfreie_stadt", "grosse_kreisangehoerige_stadt", "kreis"}


def _abh_name(name: str, level: str) -> str:
    short = name.split(",")[0].strip()
    if level == "kreis" and not re.search(r"kreis|städteregion", short, flags=re.IGNORECASE):
        return f"Ausländerbehörde Kreis {short}"
    return f"Ausländerbehörde {short}"


def auslaenderbehoerden_offers(
    status: pd.DataFrame,
    ctx: GeoContext,
    *,
    kreis_seats: pd.DataFrame | None = None,
    skip_ags: set[str] | frozenset[str] = frozenset(),
) -> list[Offer]:
    """One approximate offer per Ausländerbehörde of the KOMM-IN target group.

    Parameters
    ----------
    status
        :func:`mapapp.io.datasets.load_status` (``ags``, ``name``, ``level``, ``status``,
        ``has_auslaenderbehoerde`` as bool, ``note``).
    kreis_seats
        :func:`mapapp.io.datasets.load_kreis_seats` (``kreis_ags`` -> ``seat_ags``). A Kreis
        without a seat row (or without this table) gets no point: precision ``kreis_area``,
        ``lon``/``lat`` ``None``.
    skip_ags
        Units whose Ausländerbehörde is already in the data with an address (no duplicate).

    Returns
    -------
    Offers with id ``abh-<ags>``: Städte (kreisfreie and große kreisangehörige) at the GV-ISys centre
    (precision ``gemeinde_centre``), Kreise at the GV-ISys centre of their seat Gemeinde
    (precision ``kreis_seat_centre``, ``ags`` = ``None`` as the office serves the whole Kreis,
    ``kreis_ags`` = the Kreis, ``city`` = the seat's name). No street address.
    """
    seats: dict[str, str] = {}
    if kreis_seats is not None:
        seats = dict(zip(kreis_seats["kreis_ags"], kreis_seats["seat_ags"], strict=True))
    rows = status[status["has_auslaenderbehoerde"] & status["status"].isin(_ABH_STATUS)]
    offers: list[Offer] = []
    for rec in rows.to_dict("records"):
        ags = str(rec[COL_AGS])
        if ags in skip_ags:
            continue
        level = str(rec.get("level") or "")
        where = _abh_location(ags, level, ctx, seats)
        extra_note = str(rec.get("note") or "").strip()
        offers.append(
            Offer(
                id=f"abh-{ags}",
                name=_abh_name(str(rec[COL_NAME]), level),
                category=OfferCategory.ABH,
                lon=None if where.lon is None else round(where.lon, 7),
                lat=None if where.lat is None else round(where.lat, 7),
                precision=where.precision,
                coord_source=where.coord_source,
                ags=where.ags,
                kreis_ags=where.kreis_ags,
                city=where.city,
                source=ABH_KREIS_SOURCE if level == "kreis" else ABH_SOURCE,
                note=extra_note or None,
            )
        )
    return offers


@dataclass(frozen=True)
class _AbhLocation:
    lon: float | None
    lat: float | None
    precision: Precision
    coord_source: CoordSource
    ags: str | None
    kreis_ags: str
    city: str | None


def _abh_location(ags: str, level: str, ctx: GeoContext, seats: dict[str, str]) -> _AbhLocation:
    """Where an Ausländerbehörde without an address is drawn, and how exact that is.

    A Kreis's office: at its seat Gemeinde's centre; without a seat row only the Kreis is known
    (no point, never an invented one).
    """
    if level == "kreis":
        seat = seats.get(ags)
        if seat is None:
            return _AbhLocation(
                None, None, Precision.KREIS_AREA, CoordSource.BOUNDARY, None, ags, None
            )
        place = ctx.gazetteer.by_ags(seat)
        if place is None:
            raise DataError(f"Kreissitz {seat} (Kreis {ags}) nicht im GV-ISys", field="seat_ags")
        return _AbhLocation(
            place.lon,
            place.lat,
            Precision.KREIS_SEAT_CENTRE,
            CoordSource.GAZETTEER,
            None,  # serves the whole Kreis: counted for the Kreis, not for the seat Gemeinde
            ags,
            place.short_name,
        )
    place = ctx.gazetteer.by_ags(ags)
    if place is None:
        raise DataError(f"Gemeinde {ags} nicht im GV-ISys", field="ags")
    return _AbhLocation(
        place.lon,
        place.lat,
        Precision.GEMEINDE_CENTRE,
        CoordSource.GAZETTEER,
        ags,
        ags[:5],
        place.short_name,
    )


def bundled_offers(settings: Settings, ctx: GeoContext | None = None) -> ImportResult:
    """The offers the app ships with: ``offers_seed_nrw.csv``, the researched offers of
    ``offers_found_2015-2022.csv`` and the Ausländerbehörden (all offline).

    The rows keep their ``source`` (the found file's ``source_url``), ``source_date`` (the date
    the source gives, as written: pages show how old it is) and ``note`` columns. Rows without
    coordinates are placed offline at the most precise level the row supports: the house in the
    OpenStreetMap extract (when there is one), else the PLZ area, else the Gemeinde centre (the
    precision says which; never online). A generated Ausländerbehörde is left out where the files
    already hold an Ausländerbehörde in that Gemeinde. A reference file missing from the reference
    folder is skipped.
    """
    if ctx is None:
        ctx = load_geo_context(settings, online=False)
    offline = replace(ctx, geocoder=None)
    result: ImportResult | None = None
    for key in BUNDLED_FILES:
        path = reference_path(settings, key)
        if not path.exists() and result is not None:
            continue
        part = parse_offers(path.read_bytes(), path.name, offline, default_source=path.name)
        if result is None:
            result = part
            continue
        known = {o.id for o in result.offers}
        result.offers.extend(o for o in part.offers if o.id not in known)
        result.report.rows_read += part.report.rows_read
        result.report.rejected += part.report.rejected
        result.report.warnings += part.report.warnings
    assert result is not None
    have_abh = {o.ags for o in result.offers if o.category is OfferCategory.ABH and o.ags}
    abh = auslaenderbehoerden_offers(
        load_status(settings),
        offline,
        kreis_seats=load_kreis_seats(settings),
        skip_ags=frozenset(have_abh),
    )
    result.offers.extend(abh)
    result.report.accepted = len(result.offers)
    return result


#: The reference files (:data:`mapapp.config.REFERENCE_FILES` keys) of the bundled offers; the
#: first must exist.
BUNDLED_FILES = ("offers_seed", "offers_found")
#: Bump when the way the bundle is built changes (placing, generated offices): stores reseed.
BUNDLE_RULES = "2"


def bundle_version(settings: Settings) -> str:
    """Fingerprint of the bundled offers without building them (cheap: a few small files): the
    reference files they come from, the rules, the offline PLZ centres and the OpenStreetMap
    extract they are placed with. A store whose bundle has another fingerprint is reseeded
    (:func:`mapapp.store.ensure_seeded`): old bundled rows (e.g. Kreis offices with an invented
    point) are replaced, the user's offers stay."""
    digest = hashlib.sha256(f"rules {BUNDLE_RULES}\n".encode())
    for key in (*BUNDLED_FILES, "status", "kreis_seats"):
        path = reference_path(settings, key)
        digest.update(f"{key}\n".encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    digest.update(f"plz {package_version()}\n".encode())
    extract = find_extract(settings)
    if extract is not None:
        digest.update(cache_path(settings, extract).name.encode())
    return digest.hexdigest()[:16]
