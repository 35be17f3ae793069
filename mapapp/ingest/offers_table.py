"""Offer lists: the column aliases and the raw rows of the one sheet that holds the offers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapapp.ingest.columns import Header, Schema, unique_names
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, Table, read_table, too_many_rows
from mapapp.ingest.values import is_blank
from mapapp.ingest.xlsx import Sheet
from mapapp.model import DataError

#: canonical field -> accepted column names (compared folded and without spaces).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "offer_id", "angebot_id", "kennung", "schluessel", "external_id"),
    "name": ("name", "bezeichnung", "angebot", "einrichtung", "titel", "title", "stelle",
             "beratungsstelle", "angebotsname"),
    "category": ("kategorie", "category", "art", "angebotsart", "typ", "type", "angebotstyp",
                 "fachbereich"),
    "provider": ("träger", "traeger", "provider", "anbieter", "organisation", "organization",
                 "trägerschaft"),
    "street": ("straße", "strasse", "str", "street", "straße und hausnummer", "strasse hausnummer",
               "street address", "addr:street"),
    "housenumber": ("hausnummer", "hnr", "haus nr", "housenumber", "house number",
                    "addr:housenumber"),
    "address": ("adresse", "anschrift", "address", "postanschrift"),
    "postcode": ("plz", "postleitzahl", "postcode", "post code", "zip", "zip code", "postal code",
                 "addr:postcode"),
    "city": ("ort", "stadt", "gemeinde", "city", "town", "municipality", "kommune", "addr:city"),
    "kreis": ("kreis", "kreis name", "kreis_name", "landkreis", "kreis_ags", "kreis ags",
              "kreisschlüssel", "kreisschluessel", "district"),
    "ags": ("ags", "gemeindeschlüssel", "gemeindeschluessel", "gemeinde_ags", "ags_gemeinde"),
    "lat": ("lat", "latitude", "breite", "breitengrad", "geogr breite", "wgs84 lat", "lat wgs84",
            "y_wgs84"),
    "lon": ("lon", "lng", "long", "longitude", "länge", "laenge", "längengrad", "laengengrad",
            "geogr länge", "wgs84 lon", "lon wgs84", "x_wgs84"),
    "x": ("x", "rechtswert", "easting", "ostwert", "east", "utm x", "x_utm", "utm_e"),
    "y": ("y", "hochwert", "northing", "nordwert", "north", "utm y", "y_utm", "utm_n"),
    "languages": ("sprachen", "sprache", "languages", "language", "beratungssprachen",
                  "sprachangebot"),
    "target_groups": ("zielgruppe", "zielgruppen", "target group", "target groups",
                      "target_groups"),
    "opening_hours": ("öffnungszeiten", "oeffnungszeiten", "sprechzeiten", "opening hours",
                      "opening_hours", "hours"),
    "appointment_only": ("nur mit termin", "termin", "terminvereinbarung", "nach vereinbarung",
                         "appointment", "appointment only", "appointment_only", "by appointment"),
    "phone": ("telefon", "tel", "telefonnummer", "phone", "telephone", "fon"),
    "email": ("e-mail", "email", "mail", "e mail", "emailadresse"),
    "website": ("web", "website", "webseite", "internet", "homepage", "url", "internetseite"),
    "barrier_free": ("barrierefrei", "barrierefreiheit", "barrier free", "barrier_free",
                     "accessible", "accessibility", "rollstuhlgerecht", "wheelchair"),
    "capacity": ("kapazität", "kapazitaet", "capacity", "plätze", "plaetze", "beratungsstunden",
                 "places"),
    "capacity_unit": ("kapazität einheit", "kapazitaet einheit", "einheit", "capacity unit",
                      "capacity_unit"),
    "source": ("quelle", "source", "datenquelle", "herkunft", "source_url", "source url",
               "quelle url", "url der quelle"),
    "source_date": ("quelldatum", "source date", "source_date", "datum quelle", "stand quelle"),
    "last_verified": ("geprüft am", "geprueft am", "zuletzt geprüft", "zuletzt geprueft",
                      "last verified", "last_verified", "verified", "stand", "überprüft"),
    "note": ("bemerkung", "bemerkungen", "hinweis", "hinweise", "anmerkung", "note", "notes",
             "kommentar", "comment"),
    "precision": ("genauigkeit", "precision", "lagegenauigkeit"),
    "latlon": ("lat, lon", "lat/lon", "latlon", "lat lon", "koordinaten", "koordinate",
               "coordinates", "coords", "geokoordinaten", "breite, länge", "breite/länge",
               "wgs84", "position", "gps"),
}  # fmt: skip

#: Columns we recognise and deliberately do not use (no "unknown column" warning).
IGNORED_COLUMNS = (
    "bundesland",
    "land",
    # written by our own exports (derived again on import)
    "category_label",
    "coord_source",
    "category_original",
)

OFFER_SCHEMA = Schema(
    "offers", COLUMN_ALIASES, key_fields=frozenset({"name"}), ignored=IGNORED_COLUMNS
)


@dataclass(frozen=True)
class RawRow:
    """One data row: its spreadsheet number, the cells by column name, and a GeoJSON geometry."""

    row: int
    values: Mapping[str, Any]
    geometry: Any = None  # GeoJSON geometry dict (GeoJSON input only)
    problem: str | None = None  # a structural problem of this row (e.g. too many fields)


@dataclass
class OfferRows:
    """The offer sheet of a file: its columns and data rows, and how the file was read."""

    kind: str  # "csv" | "xlsx" | "geojson"
    columns: list[str]
    rows: list[RawRow]
    encoding: str | None = None  # Python codec ("utf-8-sig", "cp1252")
    delimiter: str | None = None
    metric_crs: bool = False  # GeoJSON declared EPSG:25832
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, warning) of the reading


def _offer_sheet(table: Table) -> tuple[Sheet, Header | None]:
    """The sheet whose header names the most fields (a notes sheet first is skipped); every
    other non-empty sheet is named in a warning (one offer list per import)."""
    scored = [
        (table.headers[i].score if i in table.headers else 0, i) for i in range(len(table.sheets))
    ]
    best_score, best = max(scored, key=lambda s: s[0])
    if best_score == 0:
        best = next((i for i, sh in enumerate(table.sheets) if sh.rows), 0)
    for score, i in scored:
        sheet = table.sheets[i]
        if i != best and sheet.rows:
            table.notes.append(
                (
                    1,
                    f"Blatt '{sheet.name}' nicht gelesen (gelesen: Blatt "
                    f"'{table.sheets[best].name}') – "
                    + (
                        "eigene Datei je Blatt importieren" if score else "keine passende Kopfzeile"
                    ),
                )
            )
    return table.sheets[best], table.headers.get(best)


def _raw_rows(
    sheet: Sheet, header: Header | None, table: Table, max_rows: int
) -> tuple[list[str], list[RawRow]]:
    """Columns + data rows below the header (without a header found: the first row)."""
    if not sheet.rows and table.kind != "geojson":
        raise DataError("keine Kopfzeile gefunden (Datei leer?)", file=table.file)
    header_row, cells = (
        (header.row, header.cells) if header else (sheet.rows[0][0], sheet.rows[0][1])
    )
    columns = unique_names(list(cells))
    while columns and columns[-1].startswith("Spalte ") and is_blank(cells[len(columns) - 1]):
        columns.pop()
    out: list[RawRow] = []
    for number, record in sheet.rows:
        if number <= header_row:
            continue
        if len(out) >= max_rows:
            raise too_many_rows(table.file, max_rows)
        problem = table.problems.get(number)
        extra = [v for v in record[len(columns) :] if not is_blank(v)]
        if extra:
            problem = (
                f"{len(columns) + len(extra)} Felder, aber nur {len(columns)} Spalten "
                "(Dezimalkomma bei Komma-Trennung? Werte in Anführungszeichen setzen)"
            )
        values = {c: (record[i] if i < len(record) else None) for i, c in enumerate(columns)}
        out.append(RawRow(number, values, table.geometries.get(number), problem))
    return columns, out


def read_offer_rows(
    data: bytes | str | Path,
    filename: str | None = None,
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
) -> OfferRows:
    """Read an offer file (bytes as uploaded, or a path) into header + rows (values unparsed).

    Raises
    ------
    DataError
        Unsupported type, too large, empty, undecodable, or structurally broken.
    """
    table = read_table(
        data, file=filename, schema=OFFER_SCHEMA, max_bytes=max_bytes, max_rows=max_rows
    )
    sheet, header = _offer_sheet(table)
    columns, rows = _raw_rows(sheet, header, table, max_rows)
    return OfferRows(
        table.kind,
        columns,
        rows,
        encoding=table.codec,
        delimiter=table.delimiter,
        metric_crs=table.metric_crs,
        notes=table.notes,
    )
