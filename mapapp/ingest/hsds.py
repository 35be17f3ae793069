"""Open Referral HSDS 3.x packages: read a tabular data package (CSV tables + ``datapackage.json``,
a folder zipped or a zip) into offer rows for the one offer pipeline.

The mapping (table and field names of HSDS 3.0; our own fields in ``komm_in_*`` columns, the
"extend" pattern of HSDS) is :data:`COLUMNS`; the README documents it field by field. One row per
``service_at_location`` entry becomes one offer row in the canonical columns of
:mod:`mapapp.ingest.offers_table`; :class:`~mapapp.ingest.offers.RowReader` then checks every value
as for any other offer file. Placing the rows on the map is :mod:`mapapp.io.hsds_import`.

Fields we do not have (``fees_description``, ``address_2``, tables such as ``contact``…) are
reported as warnings naming file, row and field, never as errors. Zips are read defensively: at
most :data:`MAX_MEMBERS` members, no absolute paths or ``..``, the uncompressed total within the
upload limit, at most ``max_rows`` rows per table.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mapapp.ingest.offers_table import OfferRows, RawRow
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, too_many_rows
from mapapp.ingest.report import ImportReport, RowIssue
from mapapp.model import DataError

#: Prefix of our own columns (fields HSDS has no place for).
EXT = "komm_in_"

#: The tables we write and read, with their columns in order (HSDS 3.0 names, then ours).
COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description"),
    "service": (
        "id", "organization_id", "name", "description", "url", "email", "status", "assured_date",
        f"{EXT}id", f"{EXT}category", f"{EXT}category_original", f"{EXT}target_groups",
        f"{EXT}appointment_only", f"{EXT}capacity", f"{EXT}capacity_unit", f"{EXT}source",
        f"{EXT}source_date",
    ),
    "location": (
        "id", "location_type", "name", "latitude", "longitude", f"{EXT}precision",
        f"{EXT}coord_source", f"{EXT}ags", f"{EXT}kreis_ags", f"{EXT}barrier_free",
    ),
    "service_at_location": ("id", "service_id", "location_id"),
    "address": (
        "id", "location_id", "address_1", "city", "state_province", "postal_code", "country",
        "address_type",
    ),
    "phone": ("id", "service_id", "location_id", "number"),
    "schedule": ("id", "service_id", "location_id", "description"),
    "language": ("id", "service_id", "location_id", "code", "name"),
}  # fmt: skip

#: Columns of other publishers we read as well (link columns and structured schedules).
ALSO_READ: dict[str, tuple[str, ...]] = {
    "organization": ("website", "email"),
    "phone": ("service_at_location_id", "organization_id", "extension", "type"),
    "schedule": ("service_at_location_id", "freq", "byday", "opens_at", "closes_at", "wkst"),
    "language": ("phone_id",),
    "location": ("organization_id",),
    "address": ("address_type",),
}

#: Most members a zip may have (a package has one CSV per table plus the descriptor).
MAX_MEMBERS = 100
DESCRIPTOR = "datapackage.json"

#: Canonical offer columns the rows carry (see :mod:`mapapp.ingest.offers_table`).
ROW_COLUMNS: tuple[str, ...] = (
    "id", "name", "category", "provider", "street", "postcode", "city", "lat", "lon",
    "precision", "ags", "languages", "target_groups", "opening_hours", "appointment_only",
    "phone", "email", "website", "barrier_free", "capacity", "capacity_unit", "source",
    "source_date", "last_verified", "note",
)  # fmt: skip

#: A cell our CSV writer neutralised against spreadsheet formulas (``'=…``), read back as written
#: before (the prefixes of :data:`mapapp.io.tabular.FORMULA_PREFIXES`; a test keeps them equal).
QUOTED_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

_INACTIVE = {"inactive", "defunct"}
_DAYS = {"MO": "Mo", "TU": "Tu", "WE": "We", "TH": "Th", "FR": "Fr", "SA": "Sa", "SU": "Su"}


@dataclass(frozen=True)
class Record:
    """One data row of one table: its line number (header = 1) and cells by column."""

    row: int
    cells: Mapping[str, str]

    def get(self, name: str) -> str | None:
        value = (self.cells.get(name) or "").strip()
        return value or None


@dataclass
class Package:
    """The tables of a package: table -> records; the columns each CSV had."""

    file: str
    tables: dict[str, list[Record]] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)
    notes: list[RowIssue] = field(default_factory=list)


def unquote(value: str) -> str:
    """Undo the writer's formula neutralisation (``'+49 …`` -> ``+49 …``)."""
    if value.startswith("'") and value[1:].startswith(QUOTED_PREFIXES):
        return value[1:]
    return value


def is_package(filename: str, data: bytes) -> bool:
    """Whether ``data`` is a zip holding an HSDS package (``service.csv`` in it)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return False
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return any(PurePosixPath(n).name == "service.csv" for n in zf.namelist())


def _safe_members(zf: zipfile.ZipFile, file: str, max_bytes: int) -> dict[str, zipfile.ZipInfo]:
    """The table CSVs of a zip by table name, after the checks of the module docstring."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise DataError(f"Zip hat {len(infos)} Einträge (höchstens {MAX_MEMBERS})", file=file)
    if sum(i.file_size for i in infos) > max_bytes:
        raise DataError(f"Zip entpackt größer als {max_bytes} Bytes", file=file)
    out: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in info.filename:
            raise DataError(f"unzulässiger Pfad im Zip: {info.filename!r}", file=file)
        if info.is_dir() or len(path.parts) > 2:
            continue
        if path.suffix == ".csv" and path.stem in COLUMNS and path.stem not in out:
            out[path.stem] = info
    return out


def _read_csv(text: str, table: str, max_rows: int, file: str) -> tuple[list[str], list[Record]]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    records: list[Record] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(records) >= max_rows:
            raise too_many_rows(f"{file}: {table}.csv", max_rows)
        records.append(Record(number, {h: unquote(c) for h, c in zip(header, cells, strict=False)}))
    return header, records


def read_package(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
) -> Package:
    """The tables of an HSDS package zip (UTF-8 CSV, BOM allowed).

    Raises
    ------
    DataError
        Not a zip, unsafe or too large, no ``service.csv``, or a table not UTF-8.
    """
    if len(data) > max_bytes:
        raise DataError(f"Datei größer als {max_bytes} Bytes", file=filename)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DataError(f"kein lesbares Zip ({exc})", file=filename) from exc
    pkg = Package(filename)
    with zf:
        members = _safe_members(zf, filename, max_bytes)
        if "service" not in members:
            raise DataError("kein HSDS-Paket: service.csv fehlt", file=filename)
        for table, info in members.items():
            try:
                text = zf.read(info).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DataError(f"{table}.csv ist nicht UTF-8 ({exc})", file=filename) from exc
            header, records = _read_csv(text, table, max_rows, filename)
            pkg.columns[table], pkg.tables[table] = header, records
        for name in zf.namelist():
            stem = PurePosixPath(name).stem
            if name.endswith(".csv") and stem not in COLUMNS:
                pkg.notes.append(
                    RowIssue(None, None, "Tabelle wird nicht übernommen", file=f"{stem}.csv")
                )
    return pkg


# --------------------------------------------------------------------------------------------
# package -> offer rows
# --------------------------------------------------------------------------------------------


def _by(records: Iterable[Record], key: str) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        value = r.get(key)
        if value:
            out[value].append(r)
    return out


def _report_unknown(pkg: Package, report: ImportReport, per_field: int = 20) -> None:
    """A warning per filled cell of a column we do not take over (file, row, field); after
    ``per_field`` rows of one column one summary line."""
    for table, header in pkg.columns.items():
        known = set(COLUMNS[table]) | set(ALSO_READ.get(table, ()))
        for col in (c for c in header if c and c not in known):
            rows = [r.row for r in pkg.tables[table] if r.get(col)]
            for row in rows[:per_field]:
                report.warnings.append(
                    RowIssue(row, col, f"Feld '{col}' wird nicht übernommen", file=f"{table}.csv")
                )
            if len(rows) > per_field:
                report.warnings.append(
                    RowIssue(
                        None,
                        col,
                        f"Feld '{col}' in {len(rows) - per_field} weiteren Zeilen nicht übernommen",
                        file=f"{table}.csv",
                    )
                )


def _hours(schedules: list[Record]) -> str | None:
    """Opening hours: our ``description`` (OpenStreetMap syntax), else weekly rules written in
    that syntax (``byday`` + ``opens_at``/``closes_at``: ``Mo,Tu 09:00-17:00``)."""
    parts = []
    for s in schedules:
        if s.get("description"):
            parts.append(str(s.get("description")))
            continue
        days = [_DAYS.get(d.strip().upper()) for d in (s.get("byday") or "").split(",") if d]
        opens, closes = s.get("opens_at"), s.get("closes_at")
        if days and all(days) and opens and closes and (s.get("freq") or "WEEKLY") == "WEEKLY":
            parts.append(f"{','.join(str(d) for d in days)} {opens[:5]}-{closes[:5]}")
    return "; ".join(parts) or None


@dataclass
class _Links:
    """Every table indexed by the ids the rows point to."""

    pkg: Package

    def __post_init__(self) -> None:
        t = self.pkg.tables
        self.services = {r.get("id"): r for r in t.get("service", [])}
        self.locations = {r.get("id"): r for r in t.get("location", [])}
        self.organizations = {r.get("id"): r for r in t.get("organization", [])}
        self.addresses = _by(t.get("address", []), "location_id")
        self.sal_by_service = _by(t.get("service_at_location", []), "service_id")
        for table in ("phone", "schedule", "language"):
            setattr(self, f"{table}_s", _by(t.get(table, []), "service_id"))
            setattr(self, f"{table}_l", _by(t.get(table, []), "location_id"))

    def linked(self, table: str, service_id: str, location_id: str) -> list[Record]:
        by_service: dict[str, list[Record]] = getattr(self, f"{table}_s")
        by_location: dict[str, list[Record]] = getattr(self, f"{table}_l")
        return by_service.get(service_id) or by_location.get(location_id) or []


def _cells(svc: Record, loc: Record, links: _Links, offer_id: str) -> dict[str, Any]:
    """The canonical offer columns of one service at one location."""
    sid, lid = svc.get("id") or "", loc.get("id") or ""
    org = links.organizations.get(svc.get("organization_id"))
    found = links.addresses.get(lid)
    addr = found[0] if found else None
    langs = [r.get("code") or r.get("name") for r in links.linked("language", sid, lid)]
    phones = [r.get("number") for r in links.linked("phone", sid, lid)]
    return {
        "id": svc.get(f"{EXT}id") or offer_id,
        "name": svc.get("name") or loc.get("name"),
        "category": svc.get(f"{EXT}category"),
        "provider": org.get("name") if org else None,
        "street": addr.get("address_1") if addr else None,
        "postcode": addr.get("postal_code") if addr else None,
        "city": addr.get("city") if addr else None,
        "lat": loc.get("latitude"),
        "lon": loc.get("longitude"),
        "precision": loc.get(f"{EXT}precision"),
        "ags": loc.get(f"{EXT}ags"),
        "languages": ";".join(str(x) for x in langs if x) or None,
        "target_groups": svc.get(f"{EXT}target_groups"),
        "opening_hours": _hours(links.linked("schedule", sid, lid)),
        "appointment_only": svc.get(f"{EXT}appointment_only"),
        "phone": "; ".join(str(p) for p in phones if p) or None,
        "email": svc.get("email"),
        "website": svc.get("url"),
        "barrier_free": loc.get(f"{EXT}barrier_free"),
        "capacity": svc.get(f"{EXT}capacity"),
        "capacity_unit": svc.get(f"{EXT}capacity_unit"),
        "source": svc.get(f"{EXT}source"),
        "source_date": svc.get(f"{EXT}source_date"),
        "last_verified": svc.get("assured_date"),
        "note": svc.get("description"),
    }


@dataclass(frozen=True)
class Own:
    """Our own fields of a row written by our exporter (restored after placing)."""

    coord_source: str | None
    ags: str | None
    kreis_ags: str | None
    category_original: str | None


def offer_rows(pkg: Package, report: ImportReport) -> tuple[OfferRows, dict[int, Own]]:
    """One raw offer row per ``service_at_location`` entry (row number = its line in
    ``service_at_location.csv``) and our own fields by row number.

    A service without a location, a link to a missing id and an inactive or defunct service are
    rejected rows; columns we do not have are warnings (file, row, field).
    """
    report.warnings.extend(pkg.notes)
    _report_unknown(pkg, report)
    links = _Links(pkg)
    rows: list[RawRow] = []
    own: dict[int, Own] = {}
    for svc in pkg.tables.get("service", []):
        sid = svc.get("id") or ""
        sals = links.sal_by_service.get(sid, [])
        if not sals:
            report.rejected.append(
                RowIssue(svc.row, "service_at_location", "Dienst ohne Standort", file="service.csv")
            )
            continue
        status = (svc.get("status") or "active").lower()
        if status in _INACTIVE:
            for sal in sals:
                report.reject(sal.row, "status", f"Dienst '{svc.get('name')}' ist '{status}'")
            continue
        for sal in sals:
            loc = links.locations.get(sal.get("location_id"))
            if loc is None:
                report.reject(sal.row, "location_id", f"Standort {sal.get('location_id')} fehlt")
                continue
            if status != "active":
                report.warn(sal.row, "status", f"Status '{status}' – übernommen")
            if len(links.addresses.get(loc.get("id") or "", [])) > 1:
                report.warn(sal.row, "address", "mehrere Adressen – die erste übernommen")
            offer_id = sid if len(sals) == 1 else (sal.get("id") or sid)
            rows.append(RawRow(sal.row, _cells(svc, loc, links, offer_id)))
            if loc.get(f"{EXT}coord_source"):
                own[sal.row] = Own(
                    loc.get(f"{EXT}coord_source"),
                    loc.get(f"{EXT}ags"),
                    loc.get(f"{EXT}kreis_ags"),
                    svc.get(f"{EXT}category_original"),
                )
    rows.sort(key=lambda r: r.row)
    table = OfferRows("hsds", list(ROW_COLUMNS), rows, encoding="utf-8", delimiter=",")
    return table, own
