"""Read offer lists (CSV, Excel, GeoJSON) into validated :class:`~mapapp.offers_model.Offer` records.

The importer is the main way offers get into the app, so it is defensive and explains itself:

- **Files**: CSV with ``,`` ``;`` or tab (detected from the header line; Excel's ``sep=;`` line
  honoured), UTF-8 with or without BOM or Windows-1252 (a mostly UTF-8 file with a few
  Windows-1252 lines is decoded line by line, those lines warned); Excel ``.xlsx`` (the sheet
  whose header names the most fields; other sheets are named in a warning). The header is the
  row – or merged pair of rows – among the first 30 that names the most fields (title lines above
  it are skipped; shared helpers in :mod:`mapapp.io.tabular`); GeoJSON
  (``FeatureCollection`` of points; properties are the columns). Input larger than ``max_bytes``
  (or an ``.xlsx`` that unpacks to more than :data:`XLSX_MAX_UNPACKED_FACTOR` times that) and files
  with more than ``max_rows`` rows are refused as a whole.
- **Columns** are matched by name, German or English, case/umlaut/punctuation-insensitive
  (:data:`COLUMN_ALIASES`): ``Straße``, ``PLZ``, ``Ort``, ``Träger``, ``Sprachen``, ``lat``/``Breite``,
  ``Längengrad``, ``Kategorie``, ``Rechtswert``/``Hochwert`` ... Unknown columns are reported.
- **Locations**: coordinates (WGS84 degrees – also ``51.48° N``, ``7°13'2"E`` or both in one
  column "lat, lon"/"Koordinaten" – or EPSG:25832 metres, told apart by magnitude;
  swapped latitude/longitude are detected and corrected with a warning; points outside NRW are
  rejected) or else the address: the offline :class:`~mapapp.io.geocode.Gazetteer` finds the Gemeinde
  (precision ``gemeinde_centre``, with a warning); when an online geocoder is configured and the row
  has a street, it refines the point to the address. The Gemeinde AGS comes from point-in-polygon.
- **Report**: :class:`~mapapp.offers_model.ImportReport` lists accepted rows, warnings and rejected
  rows with the reason, the spreadsheet row number (header = 1; GeoJSON: feature number from 1) and
  the field. A whole-file problem raises :class:`~mapapp.model.DataError`.

Reading never writes anything: storing is the caller's decision (dry run, all-or-nothing).

Bundled offers (:func:`bundled_offers`): the researched offices in ``offers_seed_nrw.csv`` (read by
this same importer, offline) plus one approximate entry per Ausländerbehörde of the KOMM-IN target
group (``nrw_municipal_status.csv``): a Stadt's at the GV-ISys Gemeinde centre (precision
``gemeinde_centre``), a Kreis's at a point inside the Kreis polygon (precision ``kreis_area``; the
Kreis seat is not in our data). Neither has a street address; the note says so.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from mapapp.config import (
    ATTRIBUTION_DESTATIS,
    ATTRIBUTION_OSM,
    BKG_LICENCE,
    Settings,
    bkg_attribution,
)
from mapapp.io.datasets import load_boundaries, load_gvisys, load_status, reference_path
from mapapp.io.geocode import (
    Gazetteer,
    GeocoderError,
    Locator,
    OnlineGeocoder,
    online_geocoder,
    to_metric,
    to_web,
)
from mapapp.io.tabular import (
    HEADER_SCAN_ROWS,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    decode_text,
    decode_upload,
    find_header,
    read_xlsx_sheets,
    split_sep_line,
    to_safe_csv,
    too_many_rows,
)
from mapapp.model import (
    COL_AGS,
    COL_NAME,
    DataError,
    OfferCategory,
    check_email,
    check_http_url,
    normalize_ags,
)
from mapapp.offers_model import (
    OFFER_COLUMNS,
    Accessibility,
    CapacityUnit,
    CoordSource,
    ImportReport,
    Offer,
    Precision,
    TargetGroup,
    fold_text,
    offer_id,
    offers_table_rows,
    parse_accessibility,
    parse_category,
    parse_language,
    parse_target_group,
    split_list,
)

#: Default upload limit (bytes): the one limit of every importer.
DEFAULT_MAX_BYTES = MAX_IMPORT_BYTES
#: Default row limit: the one limit of every importer.
DEFAULT_MAX_ROWS = MAX_IMPORT_ROWS
#: An ``.xlsx`` may unpack to at most this many times ``max_bytes`` (zip-bomb guard).
#: Longest text kept in one cell (characters); longer text is cut with a warning.
MAX_TEXT_LEN = 2000
#: After this many consecutive online-geocoder failures the rest of the file stays offline.
GEOCODER_MAX_FAILURES = 3

SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".geojson": "geojson"}
SUFFIXES[".json"] = "geojson"

ABH_SOURCE = "nrw_municipal_status.csv (ZustAVO NRW 2019)"

# --------------------------------------------------------------------------------------------
# Column aliases
# --------------------------------------------------------------------------------------------

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
    "phone": ("telefon", "tel", "telefonnummer", "phone", "telephone", "fon"),
    "email": ("e-mail", "email", "mail", "e mail", "emailadresse"),
    "website": ("web", "website", "webseite", "internet", "homepage", "url", "internetseite"),
    "barrier_free": ("barrierefrei", "barrierefreiheit", "barrier free", "barrier_free",
                     "accessible", "accessibility", "rollstuhlgerecht", "wheelchair"),
    "capacity": ("kapazität", "kapazitaet", "capacity", "plätze", "plaetze", "beratungsstunden",
                 "places"),
    "capacity_unit": ("kapazität einheit", "kapazitaet einheit", "einheit", "capacity unit",
                      "capacity_unit"),
    "source": ("quelle", "source", "datenquelle", "herkunft"),
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
    "kreis",
    "kreis name",
    "landkreis",
    "kreis_name",
    "bundesland",
    "land",
    # written by our own exports (derived again on import)
    "kreis_ags",
    "category_label",
    "coord_source",
    "category_original",
)


def _col_key(text: str) -> str:
    return fold_text(text).replace(" ", "")


_ALIAS_INDEX: dict[str, str] = {}
for _field, _aliases in COLUMN_ALIASES.items():
    for _alias in (_field, *_aliases):
        _ALIAS_INDEX.setdefault(_col_key(_alias), _field)
_IGNORED_KEYS = {_col_key(c) for c in IGNORED_COLUMNS}


def map_columns(columns: Sequence[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Match a file's column names to canonical fields.

    Returns
    -------
    (mapping field -> column, unknown columns, duplicate columns for an already mapped field)
    """
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for col in columns:
        key = _col_key(str(col))
        fld = _ALIAS_INDEX.get(key)
        if fld is None:  # "Kapazität (Plätze)", "PLZ [Sitz]": try without the bracket
            fld = _ALIAS_INDEX.get(_col_key(re.sub(r"[(\[][^)\]]*[)\]]", " ", str(col))))
        if fld is None:
            if key and key not in _IGNORED_KEYS:
                unknown.append(str(col))
            continue
        if fld in mapping:
            duplicates.append(str(col))
            continue
        mapping[fld] = str(col)
    return mapping, unknown, duplicates


# --------------------------------------------------------------------------------------------
# Reading the raw table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One data row: its spreadsheet number, the cells by column name, and a GeoJSON geometry."""

    row: int
    values: Mapping[str, Any]
    geometry: Any = None  # GeoJSON geometry dict (GeoJSON input only)
    problem: str | None = None  # a structural problem of this row (e.g. too many fields)


@dataclass
class RawTable:
    kind: str  # "csv" | "xlsx" | "geojson"
    columns: list[str]
    rows: list[RawRow]
    encoding: str | None = None
    delimiter: str | None = None
    metric_crs: bool = False  # GeoJSON declared EPSG:25832
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, warning) of the reading


def _decode(data: bytes, file: str) -> tuple[str, str]:
    return decode_text(data, file)


def _detect_delimiter(header_line: str) -> str:
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _unique_columns(header: Sequence[Any]) -> list[str]:
    cols: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(header):
        name = str(c).strip() if c is not None and str(c).strip() else f"Spalte {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        cols.append(name)
    return cols


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _header_score(cells: Sequence[str]) -> int:
    """Number of distinct offer fields a row of column names names (0 without a name column)."""
    mapping, _, _ = map_columns([c for c in cells if c])
    return len(mapping) if "name" in mapping else 0


def _known_column(cell: str) -> bool:
    mapping, _, _ = map_columns([cell])
    return bool(mapping)


def _rows_from_records(
    records: Iterator[tuple[int, Sequence[Any]]], file: str, max_rows: int
) -> tuple[list[str], list[RawRow]]:
    """Header + data rows. The header is the row (or merged pair of rows) among the first
    :data:`HEADER_SCAN_ROWS` that names the most fields – title lines and notes above it are
    skipped; without such a row the first non-empty row is the header."""
    rows: list[tuple[int, Sequence[Any]]] = []
    for number, record in records:
        if all(_is_blank(v) for v in record):
            continue
        rows.append((number, record))
        if len(rows) > max_rows + HEADER_SCAN_ROWS + 1:
            break
    if not rows:
        raise DataError("keine Kopfzeile gefunden (Datei leer?)", file=file)
    found = find_header(rows, _header_score, known=_known_column, min_score=2)
    if found is None:
        header_row, header_cells = rows[0][0], list(rows[0][1])
    else:
        header_row, header_cells = found.row, list(found.cells)
    header = _unique_columns(header_cells)
    while header and header[-1].startswith("Spalte ") and _is_blank(header_cells[len(header) - 1]):
        header.pop()
    out: list[RawRow] = []
    for number, record in rows:
        if number <= header_row:
            continue
        if len(out) >= max_rows:
            raise too_many_rows(file, max_rows)
        problem = None
        extra = [v for v in record[len(header) :] if not _is_blank(v)]
        if extra:
            problem = (
                f"{len(header) + len(extra)} Felder, aber nur {len(header)} Spalten "
                "(Dezimalkomma bei Komma-Trennung? Werte in Anführungszeichen setzen)"
            )
        values = {c: (record[i] if i < len(record) else None) for i, c in enumerate(header)}
        out.append(RawRow(number, values, problem=problem))
    return header, out


def _read_csv(data: bytes, file: str, max_rows: int) -> RawTable:
    decoded = decode_upload(data, file)
    encoding = decoded.codec
    text, sep, skipped = split_sep_line(decoded.text.lstrip("\ufeff"))
    notes = [(line - skipped, msg) for line, msg in decoded.notes()]
    while text.startswith("# "):  # licence/source comment lines written by our CSV export
        cut = text.find("\n")
        text = "" if cut < 0 else text[cut + 1 :]
        skipped += 1
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not first:
        raise DataError("Datei ist leer", file=file)
    if "\x00" in text:
        raise DataError("Datei enthält Binärdaten (NUL-Zeichen) – keine CSV-Datei", file=file)
    delim = sep or _detect_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)

    def records() -> Iterator[tuple[int, Sequence[Any]]]:
        number = skipped
        try:
            for number, rec in enumerate(reader, start=skipped + 1):  # noqa: B007
                yield number, rec
        except csv.Error as exc:
            raise DataError(f"CSV nicht lesbar: {exc}", file=file, row=number + 1) from exc

    columns, rows = _rows_from_records(records(), file, max_rows)
    return RawTable("csv", columns, rows, encoding=encoding, delimiter=delim, notes=notes)


def _read_xlsx(data: bytes, file: str, max_bytes: int, max_rows: int) -> RawTable:
    """The sheet whose header names the most fields (a notes sheet first is skipped); every
    other non-empty sheet is named in a warning (one offer list per import)."""
    sheets = read_xlsx_sheets(data, max_bytes, file)
    scored = []
    for sheet in sheets:
        found = find_header(sheet.rows, _header_score, known=_known_column, min_score=2)
        scored.append((found.score if found else 0, sheet))
    if not sheets:
        raise DataError("die Excel-Datei hat kein Tabellenblatt", file=file)
    best_score, best = max(scored, key=lambda s: s[0])
    if best_score == 0:
        best = next((sh for sh in sheets if sh.rows), sheets[0])
    columns, rows = _rows_from_records(iter(best.rows), file, max_rows)
    notes = [
        (
            1,
            f"Blatt '{sheet.name}' nicht gelesen (gelesen: Blatt '{best.name}') – "
            + ("eigene Datei je Blatt importieren" if score else "keine passende Kopfzeile"),
        )
        for score, sheet in scored
        if sheet is not best and sheet.rows
    ]
    return RawTable("xlsx", columns, rows, notes=notes)


_METRIC_CRS = re.compile(r"(EPSG:{1,2}(?:\d+(?:\.\d+)*)?:?25832|ETRS89.*UTM.*32)", re.IGNORECASE)


def _read_geojson(data: bytes, file: str, max_rows: int) -> RawTable:
    text, encoding = _decode(data, file)
    try:
        doc = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise DataError(f"kein gültiges JSON: {exc.msg} (Zeile {exc.lineno})", file=file) from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise DataError("GeoJSON muss eine FeatureCollection sein", file=file)
    features = doc.get("features")
    if not isinstance(features, list):
        raise DataError("GeoJSON ohne 'features'-Liste", file=file)
    if len(features) > max_rows:
        raise too_many_rows(file, max_rows)
    crs_name = json.dumps(doc.get("crs") or "")
    metric = bool(_METRIC_CRS.search(crs_name))
    columns: list[str] = []
    seen: set[str] = set()
    rows: list[RawRow] = []
    for i, feat in enumerate(features, start=1):
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            rows.append(RawRow(i, {}, problem="kein GeoJSON-Feature"))
            continue
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            rows.append(RawRow(i, {}, problem="'properties' ist kein Objekt"))
            continue
        for k in props:
            if str(k) not in seen:
                seen.add(str(k))
                columns.append(str(k))
        rows.append(RawRow(i, {str(k): v for k, v in props.items()}, geometry=feat.get("geometry")))
    return RawTable("geojson", columns, rows, encoding=encoding, metric_crs=metric)


def read_table(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> RawTable:
    """Parse the bytes of an uploaded file into header + rows (no validation of values).

    Raises
    ------
    DataError
        Unsupported type, too large, empty, undecodable, or structurally broken.
    """
    if len(data) > max_bytes:
        raise DataError(
            f"Datei ist {len(data) / 1e6:.1f} MB groß – Grenze {max_bytes / 1e6:.1f} MB",
            file=filename,
        )
    if not data.strip():
        raise DataError("Datei ist leer", file=filename)
    kind = SUFFIXES.get(Path(filename).suffix.lower())
    if kind is None:
        if data[:2] == b"PK":
            kind = "xlsx"
        elif data.lstrip()[:1] in (b"{", b"["):
            kind = "geojson"
        elif Path(filename).suffix.lower() in {".xls", ".ods"}:
            raise DataError("nur .xlsx wird gelesen – als .xlsx oder CSV speichern", file=filename)
        else:
            kind = "csv"
    if kind == "xlsx":
        return _read_xlsx(data, filename, max_bytes, max_rows)
    if kind == "geojson":
        return _read_geojson(data, filename, max_rows)
    if data[:2] == b"PK":
        raise DataError("Datei ist ein Zip/Excel-Container, keine CSV-Datei", file=filename)
    return _read_csv(data, filename, max_rows)


# --------------------------------------------------------------------------------------------
# Value parsing
# --------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value if not _is_blank(v))
    if _is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    text = unicodedata.normalize("NFC", str(value))
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return text or None


def _shown(text: str, limit: int = 80) -> str:
    """A cell value quoted for a message: control characters escaped, long text cut."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def parse_number(value: Any) -> float:
    """``"51,9613"``, ``"7.62"``, ``"5.761.234,5"``, ``5761234`` -> float.

    Raises
    ------
    ValueError
        Not a number.
    """
    if isinstance(value, bool):
        raise ValueError("Wahrheitswert statt Zahl")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    text = text.replace("−", "-")
    if not text:
        raise ValueError("leer")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".") if text.count(",") == 1 else text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("keine endliche Zahl")
    return number


_HEMI = {"N": "lat", "S": "lat", "E": "lon", "O": "lon", "W": "lon"}
_NEGATIVE = {"S", "W"}
_DEG_SYMBOLS = "°º˚'′’´\"″”"


def parse_coordinate(value: Any) -> tuple[float, str | None]:
    """One coordinate: ``7.2172``, ``"51,4828"``, ``"51.4828° N"``, ``"7°13'2\"E"``,
    ``"N 51° 28.966'"`` -> (degrees, ``"lat"``/``"lon"`` when a letter N/S/E/O/W says so).

    Raises
    ------
    ValueError
        Not a coordinate (minutes or seconds ≥ 60, other text).
    """
    if not isinstance(value, str):
        return parse_number(value), None
    text = value.strip().upper().replace("−", "-")
    hemi = None
    m = re.fullmatch(r"([NSEOW])\s*(.+)|(.+?)\s*([NSEOW])", text)
    if m:
        hemi = m.group(1) or m.group(4)
        text = (m.group(2) or m.group(3)).strip()
    if hemi is None and not any(c in text for c in _DEG_SYMBOLS):
        return parse_number(text), None
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-").strip()
    parts = re.fullmatch(
        r"(\d+(?:[.,]\d+)?)\s*[°º˚]?\s*"
        r"(?:(\d+(?:[.,]\d+)?)\s*['′’´]\s*)?"
        r"(?:(\d+(?:[.,]\d+)?)\s*(?:\"|″|”|''|′′)\s*)?",
        text,
    )
    if not parts:
        raise ValueError(f"Koordinate '{value}' nicht lesbar")
    deg = float(parts.group(1).replace(",", "."))
    minutes = float(parts.group(2).replace(",", ".")) if parts.group(2) else 0.0
    seconds = float(parts.group(3).replace(",", ".")) if parts.group(3) else 0.0
    if minutes >= 60 or seconds >= 60:
        raise ValueError(f"Koordinate '{value}': Minuten und Sekunden müssen unter 60 liegen")
    result = sign * (deg + minutes / 60 + seconds / 3600)
    if hemi in _NEGATIVE:
        result = -result
    return result, _HEMI.get(hemi) if hemi else None


def parse_coordinate_pair(value: Any) -> tuple[float, float]:
    """``"51.4828, 7.2172"``, ``"51,4828; 7,2172"``, ``"51°28'58\"N 7°13'2\"E"`` -> (lat, lon).

    The order is latitude, longitude unless N/S/E/O/W letters say otherwise (the importer still
    corrects a swapped pair against NRW).

    Raises
    ------
    ValueError
        Not two readable coordinates.
    """
    text = str(value).strip()
    if isinstance(value, list | tuple) and len(value) == 2:
        parts = [str(v) for v in value]
    else:
        parts = []
        for pattern in (
            r"\s*[;|]\s*",
            r"\s*/\s*",
            r",\s+",
            r"(?<=[NSns])[\s,]+",
            r"[\s,]+(?=[EOWeow])",
            r",",
            r"\s+",
        ):
            pieces = [p for p in re.split(pattern, text) if p.strip()]
            if len(pieces) == 2:
                try:
                    parts_ok = [parse_coordinate(p) for p in pieces]
                except ValueError:
                    continue
                parts = pieces
                (a, ha), (b, hb) = parts_ok
                if ha == "lon" or hb == "lat":
                    return b, a
                return a, b
        raise ValueError(f"'{text}' sind keine zwei Koordinaten")
    (a, ha), (b, hb) = parse_coordinate(parts[0]), parse_coordinate(parts[1])
    return (b, a) if ha == "lon" or hb == "lat" else (a, b)


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", text)
    if m:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(f"Datum '{text}' nicht lesbar (TT.MM.JJJJ oder JJJJ-MM-TT)")


def _parse_capacity(value: Any) -> tuple[float, str | None]:
    """``12``, ``"12,5"``, ``"12 Plätze"``, ``"20 Std."`` -> (number, unit text or ``None``).

    Raises
    ------
    ValueError
        No number ≥ 0, or text after the number that is no known unit.
    """
    try:
        number = parse_number(value)
        unit = None
    except ValueError:
        m = re.fullmatch(r"\s*(\d[\d.,]*)\s*([^\d].*?)\s*", str(value))
        if not m or _parse_capacity_unit(m.group(2)) is None:
            raise
        number, unit = parse_number(m.group(1)), m.group(2)
    if number < 0:
        raise ValueError("negativ")
    return number, unit


def _parse_capacity_unit(text: str) -> CapacityUnit | None:
    key = fold_text(text)
    try:
        return CapacityUnit(text.strip())
    except ValueError:
        pass
    if any(w in key for w in ("plaetze", "platz", "places", "teilnehm")):
        return CapacityUnit.PLACES
    if "stunde" in key or "hour" in key or key in ("std", "h"):
        return CapacityUnit.COUNSELLOR_HOURS
    return None


# --------------------------------------------------------------------------------------------
# Rows -> drafts -> offers
# --------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    row: int
    fields: dict[str, Any]
    coords: tuple[float, float] | None = None  # raw pair as found (a, b)
    coord_mode: str = ""  # "latlon" (a=lat, b=lon) | "xy" (a=x, b=y) | "geojson" (a=x, b=y)
    lon: float | None = None
    lat: float | None = None
    precision: Precision | None = None
    coord_source: CoordSource | None = None
    ags: str | None = None
    ags_given: str | None = None
    coord_field: str = "lat"


@dataclass
class ImportResult:
    """Offers read from one file and the report (nothing is stored yet)."""

    offers: list[Offer]
    report: ImportReport


@dataclass
class GeoContext:
    """Everything the importer needs to place offers (see :mod:`mapapp.io.geocode`)."""

    gazetteer: Gazetteer
    locator: Locator
    geocoder: OnlineGeocoder | None = None
    attribution: list[str] = field(default_factory=list)


def load_geo_context(settings: Settings, *, online: bool = True) -> GeoContext:
    """Gazetteer (GV-ISys), locator (BKG boundaries) and – if configured and ``online`` – the geocoder.

    Raises
    ------
    mapapp.model.DataMissingError
        The GV-ISys or boundary files are not in the data directory.
    """
    gvisys = load_gvisys(settings)
    boundaries = load_boundaries(settings)
    return GeoContext(
        gazetteer=Gazetteer(gvisys),
        locator=Locator.from_boundaries(boundaries),
        geocoder=online_geocoder(settings) if online else None,
    )


_T = TypeVar("_T")


def _parse_list(text: str | None, parse: Callable[[str], _T | None]) -> tuple[list[_T], list[str]]:
    """Split a list cell (``"ar, tr; fa"``) and parse each part: (unique values, unknown parts)."""
    values: list[_T] = []
    unknown: list[str] = []
    for part in split_list(text) if text else []:
        value = parse(part)
        if value is None:
            unknown.append(part)
        elif value not in values:
            values.append(value)
    return values, unknown


def _row_problem_field(problem: str) -> str | None:
    return "geometry" if "Geometrie" in problem or "Feature" in problem else None


class _RowReader:
    """Turns raw rows into drafts, reporting problems (one instance per file)."""

    def __init__(self, table: RawTable, report: ImportReport, file: str) -> None:
        self.table = table
        self.report = report
        self.file = file
        self.mapping, unknown, duplicates = map_columns(table.columns)
        report.columns = dict(self.mapping)
        for col in unknown:
            report.warn(1, None, f"Spalte '{col}' nicht zugeordnet – ignoriert")
        for col in duplicates:
            report.warn(1, None, f"Spalte '{col}' doppelt zugeordnet – ignoriert")
        if "name" not in self.mapping:
            raise DataError(
                "keine Spalte für den Namen (erwartet z. B. 'Name', 'Bezeichnung', 'Einrichtung'); "
                f"gefunden: {', '.join(table.columns) or '–'}",
                file=file,
                row=1,
            )
        has_coords = (
            {"lat", "lon"} <= set(self.mapping)
            or {"x", "y"} <= set(self.mapping)
            or "latlon" in self.mapping
        )
        has_place = bool({"city", "postcode", "address", "ags"} & set(self.mapping))
        if not (has_coords or has_place or table.kind == "geojson"):
            raise DataError(
                "weder Koordinaten (lat/lon, Rechtswert/Hochwert) noch Ort/PLZ/Adresse als Spalten",
                file=file,
                row=1,
            )
        if "category" not in self.mapping:
            report.warn(1, "category", "keine Spalte für die Kategorie – alle als 'Sonstiges'")

    def cell(self, raw: RawRow, fld: str) -> Any:
        col = self.mapping.get(fld)
        return raw.values.get(col) if col is not None else None

    def text(self, raw: RawRow, fld: str) -> str | None:
        value = _text(self.cell(raw, fld))
        if value is not None and len(value) > MAX_TEXT_LEN:
            self.report.warn(raw.row, fld, f"Text auf {MAX_TEXT_LEN} Zeichen gekürzt")
            value = value[:MAX_TEXT_LEN]
        return value

    def draft(self, raw: RawRow) -> _Draft | None:  # noqa: C901 - one validation step per field
        rep = self.report
        row = raw.row
        if raw.problem:
            rep.reject(row, _row_problem_field(raw.problem), raw.problem)
            return None
        name = self.text(raw, "name")
        if not name:
            rep.reject(row, "name", "Name fehlt")
            return None
        f: dict[str, Any] = {"name": name}
        cat_text = self.text(raw, "category")
        if cat_text is None:
            f["category"] = OfferCategory.SONSTIGES
            if "category" in self.mapping:
                rep.warn(row, "category", "Kategorie leer – als 'Sonstiges' übernommen")
        else:
            cat = parse_category(cat_text)
            if cat is None:
                rep.reject(
                    row,
                    "category",
                    f"Kategorie '{cat_text}' unbekannt (erlaubt: "
                    + ", ".join(c.value for c in OfferCategory)
                    + " oder deren deutsche Bezeichnung)",
                )
                return None
            f["category"] = cat
            if fold_text(cat_text) not in {fold_text(cat.value), fold_text(cat.name)}:
                f["category_original"] = cat_text
        for fld in ("provider", "opening_hours", "phone", "source", "source_date", "note"):
            f[fld] = self.text(raw, fld)
        f["id"] = self.text(raw, "id")
        # address
        street = self.text(raw, "street")
        number = self.text(raw, "housenumber")
        if street and number and not re.search(r"\d", street):
            street = f"{street} {number}"
        postcode = self.text(raw, "postcode")
        city = self.text(raw, "city")
        address = self.text(raw, "address")
        if address and not (street or postcode or city):
            m = re.fullmatch(r"(.*?)[,\s]+(\d{5})\s+(.+)", address)
            if m:
                street, postcode, city = m.group(1).strip(" ,") or None, m.group(2), m.group(3)
            else:
                street = address
        if postcode:
            digits = re.sub(r"^(DE|D)\s*[-–]?\s*", "", postcode.strip(), flags=re.IGNORECASE)
            digits = re.sub(r"^(\d{4,5})\.0\b", r"\1", digits)  # 44787.0 (number column)
            digits = re.sub(r"^(\d{2})\s(\d{3})\b", r"\1\2", digits)  # 44 135
            m = re.fullmatch(r"(\d{4,5})(?:\s+(.+))?", digits)
            if m:
                postcode = m.group(1).zfill(5)
                if m.group(2) and not city:
                    city = m.group(2)
            else:
                rep.warn(
                    row, "postcode", f"PLZ '{postcode}' ist keine fünfstellige Zahl – ignoriert"
                )
                postcode = None
        f.update(street=street, postcode=postcode, city=city)
        # AGS given in the file (only a cross-check / fallback)
        ags_text = self.text(raw, "ags")
        ags_given = None
        if ags_text:
            try:
                ags_given = normalize_ags(ags_text, 8)
            except ValueError as exc:
                rep.warn(row, "ags", f"{exc} – ignoriert")
        # lists
        langs, unknown = _parse_list(self.text(raw, "languages"), parse_language)
        if unknown:
            rep.warn(
                row,
                "languages",
                f"Sprache(n) {', '.join(repr(u) for u in unknown)} ohne ISO-639-1-Code – ignoriert",
            )
        f["languages"] = tuple(langs)
        groups, unknown = _parse_list(self.text(raw, "target_groups"), parse_target_group)
        if unknown:
            rep.warn(
                row,
                "target_groups",
                f"Zielgruppe(n) {', '.join(repr(u) for u in unknown)} unbekannt – ignoriert "
                f"(bekannt: {', '.join(t.value for t in TargetGroup)})",
            )
        f["target_groups"] = tuple(groups)
        # contact
        email = self.text(raw, "email")
        if email:
            try:
                email = check_email(email)
            except ValueError as exc:
                rep.warn(row, "email", f"E-Mail {_shown(email)} ungültig ({exc}) – ignoriert")
                email = None
        f["email"] = email
        web = self.text(raw, "website")
        if web:
            try:
                web = check_http_url(web)
            except ValueError as exc:
                rep.warn(
                    row,
                    "website",
                    f"Web-Adresse {_shown(web)} ist keine http(s)-URL ({exc}) – ignoriert",
                )
                web = None
        f["website"] = web
        # accessibility, capacity, dates
        bf_cell = self.cell(raw, "barrier_free")
        bf = parse_accessibility(None if _is_blank(bf_cell) else bf_cell)
        if bf is None:
            rep.warn(row, "barrier_free", f"Barrierefreiheit '{bf_cell}' unklar – 'unbekannt'")
            bf = Accessibility.UNKNOWN
        f["barrier_free"] = bf
        cap_cell = self.cell(raw, "capacity")
        f["capacity"] = None
        f["capacity_unit"] = None
        if not _is_blank(cap_cell):
            cap_unit_text = None
            try:
                cap, cap_unit_text = _parse_capacity(cap_cell)
                f["capacity"] = cap
            except ValueError:
                rep.warn(row, "capacity", f"Kapazität '{cap_cell}' ist keine Zahl ≥ 0 – ignoriert")
            unit_text = self.text(raw, "capacity_unit")
            col = self.mapping.get("capacity", "")
            unit = _parse_capacity_unit(unit_text or cap_unit_text or col)
            if f["capacity"] is not None and unit is None:
                rep.warn(row, "capacity_unit", "Einheit der Kapazität unklar (Plätze oder Stunden)")
            f["capacity_unit"] = unit if f["capacity"] is not None else None
        try:
            f["last_verified"] = _parse_date(self.cell(raw, "last_verified"))
        except ValueError as exc:
            rep.warn(row, "last_verified", f"{exc} – ignoriert")
            f["last_verified"] = None
        prec_text = self.text(raw, "precision")
        precision = None
        if prec_text:
            try:
                precision = Precision(fold_text(prec_text).replace(" ", "_"))
            except ValueError:
                rep.warn(row, "precision", f"Genauigkeit '{prec_text}' unbekannt – ignoriert")
        d = _Draft(row=row, fields=f, ags_given=ags_given, precision=precision)
        return self._coords(raw, d)

    def _coords(self, raw: RawRow, d: _Draft) -> _Draft | None:
        rep = self.report
        if self.table.kind == "geojson" and raw.geometry is not None:
            geom = raw.geometry
            coords = geom.get("coordinates") if isinstance(geom, dict) else None
            gtype = geom.get("type") if isinstance(geom, dict) else None
            if gtype == "MultiPoint" and isinstance(coords, list) and len(coords) == 1:
                gtype, coords = "Point", coords[0]
            if gtype != "Point":
                rep.reject(d.row, "geometry", f"Geometrie '{gtype}' ist kein Punkt")
                return None
            if not isinstance(coords, list | tuple) or len(coords) < 2:
                rep.reject(d.row, "geometry", "Punkt ohne zwei Koordinaten")
                return None
            try:
                a, b = parse_number(coords[0]), parse_number(coords[1])
            except (TypeError, ValueError):
                rep.reject(d.row, "geometry", "Punktkoordinaten nicht lesbar")
                return None
            d.coords, d.coord_mode, d.coord_field = (a, b), "geojson", "geometry"
            return d
        for fa, fb, mode in (("lat", "lon", "latlon"), ("x", "y", "xy")):
            ca, cb = self.cell(raw, fa), self.cell(raw, fb)
            if _is_blank(ca) and _is_blank(cb):
                continue
            if _is_blank(ca) or _is_blank(cb):
                missing = fa if _is_blank(ca) else fb
                rep.warn(d.row, missing, "nur eine Koordinate angegeben – Adresse wird verwendet")
                continue
            try:
                a, ha = parse_coordinate(ca) if mode == "latlon" else (parse_number(ca), None)
            except ValueError:
                rep.reject(d.row, fa, f"Koordinate '{ca}' ist keine Zahl")
                return None
            try:
                b, hb = parse_coordinate(cb) if mode == "latlon" else (parse_number(cb), None)
            except ValueError:
                rep.reject(d.row, fb, f"Koordinate '{cb}' ist keine Zahl")
                return None
            if ha == "lon" or hb == "lat":  # "7°13'E" in the latitude column: letters decide
                a, b = b, a
            d.coords, d.coord_mode, d.coord_field = (a, b), mode, fa
            return d
        pair = self.cell(raw, "latlon")
        if not _is_blank(pair):
            try:
                lat, lon = parse_coordinate_pair(pair)
            except ValueError:
                rep.reject(
                    d.row,
                    "latlon",
                    f"Koordinaten {_shown(str(pair))} nicht lesbar (z. B. 51.4828, 7.2172 oder "
                    "51°28'58\"N 7°13'2\"E)",
                )
                return None
            d.coords, d.coord_mode, d.coord_field = (lat, lon), "latlon", "latlon"
        return d


def _candidates(d: _Draft, metric_crs: bool) -> list[tuple[str, float, float]]:
    """Possible readings of the raw pair as ("geo", lon, lat) or ("utm", x, y), as given then swapped."""
    assert d.coords is not None
    a, b = d.coords
    if d.coord_mode == "latlon":
        first, second = (b, a), (a, b)  # (lon, lat) as labelled, then swapped
    else:
        first, second = (a, b), (b, a)  # (x, y) / GeoJSON [x, y]
    out: list[tuple[str, float, float]] = []
    for u, v in (first, second):
        if metric_crs or (abs(u) > 1000 and abs(v) > 1000):
            if 32_000_000 <= u < 33_000_000:
                u -= 32_000_000  # UTM easting with zone prefix "32"
            out.append(("utm", u, v))
        elif abs(u) <= 180 and abs(v) <= 90:
            out.append(("geo", u, v))
    return out


def _locate_coordinates(
    drafts: list[_Draft], table: RawTable, ctx: GeoContext, rep: ImportReport
) -> None:
    """Resolve the raw coordinate pairs of ``drafts`` (vectorised NRW test); set lon/lat or reject.

    Each pair is tried as labelled, then swapped; the first reading inside NRW wins (a swap is
    reported as a warning).
    """
    owner: list[int] = []  # draft index per candidate
    first_cand: dict[int, int] = {}
    cands: list[tuple[str, float, float]] = []
    for i, d in enumerate(drafts):
        if d.coords is None:
            continue
        first_cand[i] = len(cands)
        for c in _candidates(d, table.metric_crs):
            owner.append(i)
            cands.append(c)
    n = len(cands)
    geo = np.array([c[0] == "geo" for c in cands], dtype=bool)
    u = np.array([c[1] for c in cands], dtype=float)
    v = np.array([c[2] for c in cands], dtype=float)
    xs, ys = u.copy(), v.copy()
    if geo.any():
        xs[geo], ys[geo] = to_metric(u[geo], v[geo])
    inside = ctx.locator.in_nrw(xs, ys) if n else np.zeros(0, dtype=bool)
    chosen: dict[int, int] = {}
    for k in range(n):
        if inside[k] and owner[k] not in chosen:
            chosen[owner[k]] = k
    ok = sorted(chosen.values())
    lon_all, lat_all = to_web(xs[ok], ys[ok]) if ok else (np.zeros(0), np.zeros(0))
    ags_all = ctx.locator.ags_at(xs[ok], ys[ok]) if ok else []
    pos = {k: j for j, k in enumerate(ok)}
    for i, d in enumerate(drafts):
        if d.coords is None:
            continue
        k_opt = chosen.get(i)
        if k_opt is None:
            a, b = d.coords
            label = "Breite/Länge" if d.coord_mode == "latlon" else "x/y"
            rep.reject(
                d.row,
                d.coord_field,
                f"Punkt ({label} {a:g}, {b:g}) liegt außerhalb von NRW "
                f"(NRW: {ctx.locator.describe_bounds()}; erwartet WGS84-Grad oder EPSG:25832-Meter)",
            )
            d.coord_mode = "rejected"
            continue
        if k_opt != first_cand[i] or owner[first_cand[i]] != i:
            what = "Breite und Länge" if d.coord_mode == "latlon" else "x und y"
            rep.warn(d.row, d.coord_field, f"{what} waren vertauscht – getauscht")
        j = pos[k_opt]
        d.lon, d.lat = float(lon_all[j]), float(lat_all[j])
        d.ags = ags_all[j]
        d.precision = d.precision or Precision.ADDRESS
        d.coord_source = CoordSource.FILE
        if d.ags_given and d.ags and d.ags_given != d.ags:
            rep.warn(
                d.row,
                "ags",
                f"AGS {d.ags_given} passt nicht zum Punkt (liegt in {d.ags}) – {d.ags} verwendet",
            )


class _Geocoding:
    """Per-file state of address geocoding (gazetteer, then the optional online geocoder)."""

    def __init__(self, ctx: GeoContext, rep: ImportReport) -> None:
        self.ctx = ctx
        self.rep = rep
        self.failures = 0
        self.online = ctx.geocoder is not None

    def _online(self, d: _Draft) -> tuple[float, float, Precision, str] | None:
        geocoder = self.ctx.geocoder
        if geocoder is None or not self.online:
            return None
        f = d.fields
        try:
            hit = geocoder.geocode(street=f["street"], postcode=f["postcode"], city=f["city"])
        except GeocoderError as exc:
            self.failures += 1
            self.rep.warn(d.row, "street", f"{exc} – nur Gemeinde bestimmt")
            if self.failures >= GEOCODER_MAX_FAILURES:
                self.online = False
                self.rep.warn(
                    d.row,
                    None,
                    "Online-Geocoder wiederholt fehlgeschlagen – Rest der Datei offline",
                )
            return None
        self.failures = 0
        if hit is None:
            return None
        x, y = to_metric([hit.lon], [hit.lat])
        if not self.ctx.locator.in_nrw(x, y)[0]:
            self.rep.warn(
                d.row, "street", "Online-Geocoder fand die Adresse außerhalb von NRW – verworfen"
            )
            return None
        return hit.lon, hit.lat, hit.precision, hit.service

    def locate(self, d: _Draft) -> bool:
        f = d.fields
        gz = self.ctx.gazetteer
        match = gz.find(f["city"], f["postcode"])
        place = match.place if match else (gz.by_ags(d.ags_given) if d.ags_given else None)
        if match:
            for w in match.warnings:
                self.rep.warn(d.row, "city", w)
        # online: to refine a street address, or when the gazetteer knows the place not (an
        # Ortsteil name, say); a town-level answer only counts in the second case
        ask = bool(f["street"]) or (place is None and bool(f["city"] or f["postcode"]))
        online = self._online(d) if ask else None
        finer = (Precision.ADDRESS, Precision.STREET, Precision.POSTCODE)
        if online is not None and (online[2] in finer or place is None):
            lon, lat, prec, service = online
            x, y = to_metric([lon], [lat])
            ags = self.ctx.locator.ags_at(x, y)[0]
            if place is not None and ags is not None and ags != place.ags:
                self.rep.warn(
                    d.row,
                    "city",
                    f"Geocoder-Treffer liegt in {ags}, Ort '{f['city'] or f['postcode']}' ist "
                    f"{place.ags} ({place.short_name}) – Treffer verwendet",
                )
            d.lon, d.lat, d.ags = lon, lat, ags
            d.precision, d.coord_source = prec, CoordSource.GEOCODER
            if prec is not Precision.ADDRESS:
                self.rep.warn(d.row, "street", f"Online-Geocoder fand nur: {prec.value}")
            return True
        if place is None:
            given = ", ".join(p for p in (f["postcode"], f["city"]) if p) or "–"
            field_name = "city" if f["city"] else ("postcode" if f["postcode"] else "city")
            self.rep.reject(
                d.row,
                field_name,
                f"Ort nicht gefunden ({given}): keine NRW-Gemeinde und keine Koordinaten",
            )
            return False
        d.lon, d.lat, d.ags = place.lon, place.lat, place.ags
        d.precision, d.coord_source = Precision.GEMEINDE_CENTRE, CoordSource.GAZETTEER
        self.rep.warn(
            d.row, "city", f"nur auf die Gemeinde geokodiert ({place.short_name}, Gemeindezentrum)"
        )
        return True


def _offer_from_draft(d: _Draft, default_source: str) -> Offer:
    f = d.fields
    cat: OfferCategory = f["category"]
    oid = f["id"] or offer_id(cat.value, f["name"], f["street"], f["postcode"], f["city"])
    assert d.lon is not None and d.lat is not None and d.precision and d.coord_source
    return Offer(
        id=oid,
        name=f["name"],
        category=cat,
        lon=round(d.lon, 7),
        lat=round(d.lat, 7),
        precision=d.precision,
        coord_source=d.coord_source,
        ags=d.ags,
        kreis_ags=d.ags[:5] if d.ags else None,
        provider=f["provider"],
        street=f["street"],
        postcode=f["postcode"],
        city=f["city"],
        languages=f["languages"],
        target_groups=f["target_groups"],
        opening_hours=f["opening_hours"],
        phone=f["phone"],
        email=f["email"],
        website=f["website"],
        barrier_free=f["barrier_free"],
        capacity=f["capacity"],
        capacity_unit=f["capacity_unit"],
        source=f["source"] or default_source,
        source_date=f["source_date"],
        last_verified=f["last_verified"],
        note=f["note"],
        category_original=f.get("category_original"),
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
        ``.xlsx``, ``.geojson``/``.json``; unknown suffixes are sniffed).
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
    table = read_table(data, name, max_bytes=max_bytes, max_rows=max_rows)
    report = ImportReport(file=name, encoding=table.encoding, delimiter=table.delimiter)
    report.rows_read = len(table.rows)
    for row, message in table.notes:
        report.warn(row, None, message)
    reader = _RowReader(table, report, name)
    drafts = [d for d in (reader.draft(r) for r in table.rows) if d is not None]
    _locate_coordinates(drafts, table, ctx, report)
    geocoding = _Geocoding(ctx, report)
    located: list[_Draft] = []
    for d in drafts:
        if d.coord_mode == "rejected":
            continue
        if d.lon is None and not geocoding.locate(d):
            continue
        located.append(d)
    source = default_source or f"Import {name}"
    offers: list[Offer] = []
    first_row: dict[str, tuple[int, Offer]] = {}
    for d in located:
        offer = _offer_from_draft(d, source)
        if offer.id in first_row:
            row0, other = first_row[offer.id]
            if other == offer:
                report.warn(d.row, None, f"doppelte Zeile (wie Zeile {row0}) – übersprungen")
            else:
                why = (
                    "gleiche ID"
                    if d.fields["id"]
                    else "gleicher Name, gleiche Adresse und Kategorie"
                )
                report.reject(
                    d.row, "id", f"{why} wie Zeile {row0}, aber andere Angaben – Zeile prüfen"
                )
            continue
        first_row[offer.id] = (d.row, offer)
        offers.append(offer)
    report.accepted = len(offers)
    report.rejected.sort(key=lambda i: i.row)
    report.warnings.sort(key=lambda i: i.row)
    return ImportResult(offers=offers, report=report)


def read_offer_file(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of an offer file on disk; the size is checked before it is read."""
    path = Path(path)
    if not path.is_file():
        raise DataError("Datei nicht gefunden", file=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(
            f"Datei ist {size / 1e6:.1f} MB groß – Grenze {max_bytes / 1e6:.1f} MB", file=path.name
        )
    return path.read_bytes()


# --------------------------------------------------------------------------------------------
# Bundled offers
# --------------------------------------------------------------------------------------------

_ABH_STATUS = {"kreisfreie_stadt", "grosse_kreisangehoerige_stadt", "kreis"}


def _abh_name(name: str, level: str) -> str:
    short = name.split(",")[0].strip()
    if level == "kreis" and not re.search(r"kreis|städteregion", short, flags=re.IGNORECASE):
        return f"Ausländerbehörde Kreis {short}"
    return f"Ausländerbehörde {short}"


def auslaenderbehoerden_offers(
    status: pd.DataFrame, ctx: GeoContext, *, skip_ags: set[str] | frozenset[str] = frozenset()
) -> list[Offer]:
    """One approximate offer per Ausländerbehörde of the KOMM-IN target group.

    Parameters
    ----------
    status
        :func:`mapapp.io.datasets.load_status` (``ags``, ``name``, ``level``, ``status``,
        ``has_auslaenderbehoerde`` as bool, ``note``).
    skip_ags
        Units whose Ausländerbehörde is already in the data with an address (no duplicate).

    Returns
    -------
    Offers with id ``abh-<ags>``: Städte (kreisfreie and große kreisangehörige) at the GV-ISys centre
    (precision ``gemeinde_centre``), Kreise at a point inside the Kreis polygon (precision
    ``kreis_area``, ``ags`` = ``None``, ``kreis_ags`` set). No street address.
    """
    rows = status[status["has_auslaenderbehoerde"] & status["status"].isin(_ABH_STATUS)]
    offers: list[Offer] = []
    for rec in rows.to_dict("records"):
        ags = str(rec[COL_AGS])
        if ags in skip_ags:
            continue
        level = str(rec.get("level") or "")
        extra_note = str(rec.get("note") or "").strip()
        if level == "kreis":
            lon, lat = ctx.locator.kreis_point(ags)
            precision, coord_source = Precision.KREIS_AREA, CoordSource.BOUNDARY
            gem_ags, kreis_ags = None, ags
            note = (
                "Standort nicht erfasst – Kreisgebiet: Punkt liegt irgendwo im Kreis "
                "(nicht der Dienstsitz); Entfernungen sind nur grob"
            )
            city = None
        else:
            place = ctx.gazetteer.by_ags(ags)
            if place is None:
                raise DataError(f"Gemeinde {ags} nicht im GV-ISys", field="ags")
            lon, lat = place.lon, place.lat
            precision, coord_source = Precision.GEMEINDE_CENTRE, CoordSource.GAZETTEER
            gem_ags, kreis_ags = ags, ags[:5]
            note = "Standort nicht erfasst – Punkt = Gemeindezentrum (GV-ISys), ungefähr"
            city = place.short_name
        if extra_note:
            note = f"{note}; {extra_note}"
        offers.append(
            Offer(
                id=f"abh-{ags}",
                name=_abh_name(str(rec[COL_NAME]), level),
                category=OfferCategory.ABH,
                lon=round(lon, 7),
                lat=round(lat, 7),
                precision=precision,
                coord_source=coord_source,
                ags=gem_ags,
                kreis_ags=kreis_ags,
                city=city,
                source=ABH_SOURCE,
                note=note,
            )
        )
    return offers


def bundled_offers(settings: Settings, ctx: GeoContext | None = None) -> ImportResult:
    """The offers the app ships with: ``offers_seed_nrw.csv`` + the Ausländerbehörden (offline).

    The seed rows keep their ``source``, ``source_date`` and ``note`` columns; rows without
    coordinates are placed at the Gemeinde centre by the gazetteer (never online). A generated
    Ausländerbehörde is left out where the seed already has an Ausländerbehörde in that Gemeinde.
    """
    if ctx is None:
        ctx = load_geo_context(settings, online=False)
    offline = GeoContext(ctx.gazetteer, ctx.locator, None)
    seed_path = reference_path(settings, "offers_seed")
    result = parse_offers(
        seed_path.read_bytes(), seed_path.name, offline, default_source=seed_path.name
    )
    have_abh = {o.ags for o in result.offers if o.category is OfferCategory.ABH and o.ags}
    abh = auslaenderbehoerden_offers(load_status(settings), offline, skip_ags=frozenset(have_abh))
    result.offers.extend(abh)
    result.report.accepted = len(result.offers)
    return result


# --------------------------------------------------------------------------------------------
# Exports (CSV, GeoJSON)
# --------------------------------------------------------------------------------------------


def offers_attribution(
    offers: Sequence[Offer], bkg_year: int | None = None, *, bkg_modified: bool = False
) -> str:
    """Source/licence line for exports: per-offer sources plus the datasets used for locations.

    ``bkg_modified``: the export shows BKG geometry in changed form (e.g. simplified boundaries).
    """
    parts = [
        "Integrationsangebote (KOMM-IN NRW Karte); Quelle und Lizenz je Angebot siehe Feld "
        "'source' – bei Weitergabe Quellen nennen"
    ]
    if any(o.coord_source is CoordSource.GAZETTEER for o in offers):
        parts.append(f"Gemeindezentren: {ATTRIBUTION_DESTATIS}")
    if any(o.ags or o.kreis_ags for o in offers):
        bkg = (
            bkg_attribution(bkg_year, modified=bkg_modified)
            if bkg_year
            else "© GeoBasis-DE / BKG" + (" (Daten verändert)" if bkg_modified else "")
        )
        parts.append(f"AGS/Kreisgebiete: {bkg}, {BKG_LICENCE}")
    if any(o.coord_source is CoordSource.GEOCODER for o in offers):
        parts.append(f"Geokodierung: {ATTRIBUTION_OSM} (ODbL)")
    return "; ".join(parts)


def offers_to_csv(offers: Sequence[Offer], attribution: str | None = None) -> str:
    """CSV text (``,``-separated, UTF-8) of the offers, safe against spreadsheet formula injection.

    The first line is ``# <attribution>``; columns are :data:`mapapp.offers_model.OFFER_COLUMNS`
    (lists joined by ``;``). The importer reads this file back (comment line skipped).
    """
    frame = pd.DataFrame.from_records(offers_table_rows(offers), columns=list(OFFER_COLUMNS))
    return to_safe_csv(frame, header_comment=attribution or offers_attribution(offers))


def offers_to_geojson(offers: Sequence[Offer], attribution: str | None = None) -> dict[str, Any]:
    """GeoJSON FeatureCollection (WGS84, RFC 7946) with the attribution as a top-level member.

    Properties are :meth:`mapapp.offers_model.Offer.to_record` (lists stay lists) plus
    ``category_label``; ``lon``/``lat`` are the geometry.
    """
    features = []
    for o in offers:
        props = o.to_record()
        lon, lat = props.pop("lon"), props.pop("lat")
        props["category_label"] = o.category_label
        features.append(
            {
                "type": "Feature",
                "id": o.id,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": props,
            }
        )
    return {
        "type": "FeatureCollection",
        "attribution": attribution or offers_attribution(offers),
        "licence": "Quelle und Lizenz je Angebot siehe Eigenschaft 'source'",
        "features": features,
    }
