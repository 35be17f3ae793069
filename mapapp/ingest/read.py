"""The one reader of user tables: bytes or a path -> :class:`Table`.

- **CSV** (``.csv``/``.txt``/``.tsv``): UTF-8 with or without BOM, UTF-16 with BOM,
  Windows-1252, or a mostly UTF-8 file with a few Windows-1252 lines (decoded per line, those
  lines noted); ``;``, ``,`` or tab – Excel's ``sep=;`` first line decides, else the delimiter
  whose header names the most fields of the schema (without a schema: the most frequent one in
  the first line); quoted cells may hold line breaks (the row number stays the record number a
  spreadsheet shows); ``# ...`` comment lines at the top (our exports' licence line) are skipped.
- **XLSX** (``.xlsx``/``.xlsm``): every worksheet (see :mod:`mapapp.ingest.xlsx` for the
  guards); ``.xls`` only when ``xlrd`` is installed, else a one-sentence refusal.
- **GeoJSON** (``.geojson``/``.json``): a FeatureCollection (or one Feature); properties are the
  columns, ``geometry`` is kept per row.

A file of another type is sniffed (zip -> XLSX, ``{`` -> GeoJSON, else CSV). Files above
``max_bytes`` and tables with more than ``max_rows`` data rows are refused as a whole. Reading
never interprets values; the header is found by the schema (:mod:`mapapp.ingest.columns`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapapp.ingest.columns import HEADER_SCAN_ROWS, Header, Schema, find_header
from mapapp.ingest.decode import decode_text, decode_upload, split_sep_line
from mapapp.ingest.values import is_blank
from mapapp.ingest.xlsx import Sheet, read_xls_sheets, read_xlsx_sheets, xls_supported
from mapapp.model import DataError

#: Largest upload any importer accepts (bytes).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: Most data rows any importer accepts (funding lists, offer lists; GeoJSON: features). An
#: approval list has a few hundred rows, an offer list a few thousand; larger files are refused
#: as a whole so that checking one upload cannot occupy the server for minutes.
MAX_IMPORT_ROWS = 50_000

KINDS = frozenset({"csv", "xlsx", "geojson"})
SUFFIXES = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".xls": "xls",
    ".ods": "ods",
}
_KIND_NAMES = {"csv": "CSV", "xlsx": ".xlsx", "geojson": "GeoJSON"}
_METRIC_CRS = re.compile(r"(EPSG:{1,2}(?:\d+(?:\.\d+)*)?:?25832|ETRS89.*UTM.*32)", re.IGNORECASE)


def too_many_rows(file: str, limit: int = MAX_IMPORT_ROWS) -> DataError:
    """The one sentence that refuses a file with more than ``limit`` data rows."""
    return DataError(
        f"mehr als {limit:,} Datenzeilen – ein Import nimmt höchstens {limit:,} Zeilen; "
        "bitte die Datei aufteilen".replace(",", "."),
        file=file,
    )


@dataclass
class Table:
    """What a file holds, not yet interpreted.

    ``sheets``: one per worksheet (CSV and GeoJSON: one, named ``None``), each with its
    non-empty rows as ``(spreadsheet row, cells)``. ``headers`` maps a sheet's index to the
    header the schema found in it (GeoJSON: the property names). ``geometries`` and
    ``problems`` are per GeoJSON feature number. ``notes`` are ``(row, warning)`` of reading.
    """

    file: str
    kind: str
    sheets: list[Sheet]
    headers: dict[int, Header] = field(default_factory=dict)
    codec: str | None = None
    encoding: str | None = None  # label shown to users ("Windows-1252")
    delimiter: str | None = None
    metric_crs: bool = False
    geometries: dict[int, Any] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    notes: list[tuple[int, str]] = field(default_factory=list)


def _size_error(size: int, max_bytes: int, file: str) -> DataError:
    return DataError(
        f"Datei ist {size / 1e6:.1f} MB groß – Grenze: höchstens {max_bytes / 1e6:.1f} MB",
        file=file,
    )


def load_bytes(source: bytes | str | Path, file: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of ``source`` (size checked before a file is read) and the name for messages."""
    if isinstance(source, bytes):
        name = Path(file).name if file else "Upload"
        if len(source) > max_bytes:
            raise _size_error(len(source), max_bytes, name)
        return source, name
    path = Path(source)
    name = Path(file).name if file else path.name
    if not path.is_file():
        raise DataError("Datei nicht gefunden", file=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise _size_error(size, max_bytes, name)
    return path.read_bytes(), name


def _kind(data: bytes, file: str, kinds: Collection[str]) -> str:
    suffix = Path(file).suffix.lower()
    kind = SUFFIXES.get(suffix)
    if kind is None:
        if data[:2] == b"PK":
            kind = "xlsx"
        elif data.lstrip()[:1] in (b"{", b"["):
            kind = "geojson"
        else:
            kind = "csv"
    if kind == "xls" and "xlsx" in kinds and xls_supported():
        return "xls"
    if kind in ("xls", "ods"):
        raise DataError(
            f"Format {suffix} wird nicht gelesen – bitte als .xlsx oder CSV speichern", file=file
        )
    if kind not in kinds:
        allowed = " oder ".join(_KIND_NAMES[k] for k in sorted(kinds))
        raise DataError(f"Dateiformat '{suffix}' nicht unterstützt ({allowed})", file=file)
    return kind


def read_table(
    source: bytes | str | Path,
    *,
    file: str | None = None,
    schema: Schema | None = None,
    kinds: Collection[str] = KINDS,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
) -> Table:
    """Read an uploaded file (bytes, with its ``file`` name) or a file on disk.

    Parameters
    ----------
    schema
        Finds the header of each sheet (and the CSV delimiter); without one no header is
        searched (``headers`` empty).
    kinds
        File types the caller accepts (``"csv"``, ``"xlsx"`` – also ``.xls`` with xlrd –,
        ``"geojson"``).

    Raises
    ------
    DataError
        Missing, empty, too large or unsupported file, unreadable encoding or structure, more
        than ``max_rows`` features – one sentence naming the file.
    """
    data, name = load_bytes(source, file, max_bytes)
    if not data.strip():
        raise DataError("Datei ist leer", file=name)
    kind = _kind(data, name, kinds)
    if kind == "geojson":
        return _read_geojson(data, name, max_rows)
    if kind == "csv":
        table = _read_csv(data, name, schema, max_rows)
    else:
        sheets = (
            read_xls_sheets(data, name)
            if kind == "xls"
            else read_xlsx_sheets(data, max_bytes, name)
        )
        if not sheets:
            raise DataError("die Excel-Datei hat kein Tabellenblatt", file=name)
        table = Table(name, "xlsx", sheets)
    if schema is not None:
        for i, sheet in enumerate(table.sheets):
            header = find_header(sheet.rows, schema)
            if header is not None:
                table.headers[i] = header
    return table


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def count_delimiter(line: str) -> str:
    """The delimiter of a CSV line: the most frequent of ``;``, ``,`` and tab outside quotes
    (``;`` on a tie, ``,`` when there is none)."""
    counts = {d: 0 for d in (";", ",", "\t")}
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return best if counts[best] else ","


def _records(text: str, delimiter: str, file: str, start: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    number = start - 1
    try:
        for number, cells in enumerate(reader, start=start):  # noqa: B007
            yield number, cells
    except csv.Error as exc:
        raise DataError(f"CSV nicht lesbar: {exc}", file=file, row=number + 1) from exc


def _csv_rows(
    text: str, delimiter: str, file: str, start: int, limit: int | None
) -> list[tuple[int, list[Any]]]:
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in _records(text, delimiter, file, start):
        if all(map(is_blank, cells)):
            continue
        rows.append((number, list(cells)))
        if limit is not None and len(rows) > limit:
            break
    return rows


def _choose_delimiter(text: str, file: str, start: int, schema: Schema | None) -> str:
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    counted = count_delimiter(first)
    if schema is None:
        return counted
    head = "\n".join(text.split("\n", HEADER_SCAN_ROWS * 4)[: HEADER_SCAN_ROWS * 4])
    best: tuple[int, str] | None = None
    for delim in dict.fromkeys((counted, ";", ",", "\t")):
        found = find_header(_csv_rows(head, delim, file, start, None), schema, min_score=0)
        score = found.score if found else 0
        if best is None or score > best[0]:
            best = (score, delim)
    assert best is not None
    return best[1]


def _read_csv(data: bytes, file: str, schema: Schema | None, max_rows: int) -> Table:
    decoded = decode_upload(data, file)
    # Excel hides the sep= line: the line below it is row 1.
    text, sep, removed = split_sep_line(decoded.text.lstrip("\ufeff"))
    notes = [(line - removed, msg) for line, msg in decoded.notes()]
    skipped = 0
    while text.startswith("# "):  # licence/source comment lines written by our CSV exports
        cut = text.find("\n")
        text = "" if cut < 0 else text[cut + 1 :]
        skipped += 1
    if not text.strip():
        raise DataError("Datei ist leer", file=file)
    delim = sep or _choose_delimiter(text, file, skipped + 1, schema)
    # enough rows to find the header and to tell that there are more than max_rows below it
    rows = _csv_rows(text, delim, file, skipped + 1, max_rows + HEADER_SCAN_ROWS + 1)
    return Table(
        file,
        "csv",
        [Sheet(None, rows)],
        codec=decoded.codec,
        encoding=decoded.label,
        delimiter=delim,
        notes=notes,
    )


# --------------------------------------------------------------------------------------------
# GeoJSON
# --------------------------------------------------------------------------------------------


def _features(data: bytes, file: str) -> tuple[list[Any], bool, str]:
    text, codec = decode_text(data, file)
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
    metric = bool(_METRIC_CRS.search(json.dumps(doc.get("crs") or "")))
    return features, metric, codec


def _read_geojson(data: bytes, file: str, max_rows: int) -> Table:
    features, metric, codec = _features(data, file)
    if len(features) > max_rows:
        raise too_many_rows(file, max_rows)
    table = Table(file, "geojson", [], codec=codec, encoding=codec, metric_crs=metric)
    columns: dict[str, None] = {}
    props_by_row: list[tuple[int, dict[str, Any]]] = []
    for i, feat in enumerate(features, start=1):
        props = feat.get("properties") if isinstance(feat, dict) else None
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            table.problems[i] = "kein GeoJSON-Feature"
        elif props is not None and not isinstance(props, dict):
            table.problems[i] = "'properties' ist kein Objekt"
        else:
            props = {str(k): v for k, v in (props or {}).items()}
            columns.update(dict.fromkeys(props))
            table.geometries[i] = feat.get("geometry")
            props_by_row.append((i, props))
            continue
        props_by_row.append((i, {}))
    names = list(columns)
    rows = [(i, [props.get(c) for c in names]) for i, props in props_by_row]
    table.sheets = [Sheet(None, rows)]
    table.headers[0] = Header(0, 0, names, len(names))
    return table
