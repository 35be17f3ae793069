"""Approval lists as they come: the column aliases and the table of text cells.

Columns (:data:`COLUMN_ALIASES`) are matched by name, case and umlaut spelling ignored, units
in brackets dropped ("Betrag (EUR)", "Förderjahr(e)"); a header whose first word is an alias
("Name der Kommune") counts too. The canonical English names work, so an exported registry
re-imports. A workbook with several sheets of the same layout (one per year) is read
completely; a sheet named after a year gives the rows without a year column that year.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.ingest.columns import ColumnMap, Header, Schema, map_columns
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, Table, read_table, too_many_rows
from mapapp.ingest.values import cell_text
from mapapp.ingest.xlsx import Sheet
from mapapp.model import DataError

#: Target column -> folded header names, most specific first. ``ags`` columns are coalesced in
#: this order (a Gemeindeschlüssel before a Kreisschlüssel); ``evidence`` columns are joined.
#: Target column -> folded header names, most specific first. ``ags`` columns are coalesced in
#: this order (a Gemeindeschlüssel before a Kreisschlüssel); ``evidence`` columns are joined.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "ags": (
        "ags",
        "amtlicher gemeindeschluessel",
        "gemeindeschluessel",
        "gemeindekennziffer",
        "gkz",
        "regionalschluessel",
        "amtlicher regionalschluessel",
        "ars",
        "schluessel",
        "kreisschluessel",
        "kreiskennziffer",
    ),
    "name": (
        "name",
        "kommune",
        "gebietskoerperschaft",
        "zuwendungsempfaenger",
        "antragsteller",
        "empfaenger",
        "name der kommune",
        "kreis kreisfreie stadt",
        "stadt kreis",
        "kreis stadt",
        "stadt gemeinde",
        "gemeinde",
        "stadt",
    ),
    "unit_type": (
        "unit type",
        "typ",
        "gebietstyp",
        "art",
        "gebietsart",
        "kommunentyp",
        "art der kommune",
    ),
    "funding_years": (
        "funding years",
        "jahr",
        "jahre",
        "foerderjahr",
        "foerderjahre",
        "haushaltsjahr",
        "haushaltsjahre",
        "bewilligungsjahr",
        "year",
        "years",
    ),
    "year_confidence": ("year confidence",),
    "project_title": (
        "project title",
        "projekt",
        "projekttitel",
        "projektname",
        "massnahme",
        "titel der massnahme",
        "vorhaben",
        "titel",
        "project",
    ),
    "focus": (
        "focus",
        "schwerpunkt",
        "schwerpunkte",
        "foerderschwerpunkt",
        "foerderschwerpunkte",
    ),
    "amount_eur": (
        "amount eur",
        "amount",
        "betrag",
        "foerdersumme",
        "foerderbetrag",
        "zuwendung",
        "zuwendungsbetrag",
        "zuwendungshoehe",
        "bewilligung",
        "bewilligungssumme",
        "bewilligter betrag",
    ),
    "source_url": ("source url", "source", "quelle", "url", "fundstelle"),
    "evidence": (
        "evidence",
        "beleg",
        "belege",
        "bemerkung",
        "bemerkungen",
        "anmerkung",
        "anmerkungen",
        "hinweis",
    ),
}

FUNDING_SCHEMA = Schema(
    "funding",
    COLUMN_ALIASES,
    key_fields=frozenset({"ags", "name"}),
    multi=frozenset({"ags", "evidence"}),
    ordered=frozenset({"ags"}),
    first_word=True,
)


def map_funding_columns(columns: Iterable[object]) -> ColumnMap:
    """Map file column names to registry fields (:data:`FUNDING_SCHEMA`): exact aliases first,
    then a header whose first word is an alias takes a field no exact match took; ``ags`` and
    ``evidence`` may come from several columns, for the others the first column wins."""
    return map_columns(columns, FUNDING_SCHEMA)


def _is_blank(cells: list[str]) -> bool:
    return all(not c for c in cells)


_SHEET_YEAR = re.compile(r"(?<!\d)(200[5-9]|201[0-2])(?!\d)")


@dataclass
class _Block:
    """The rows of one sheet (or the CSV file) below its header."""

    sheet: str | None
    header: Header
    names: list[str]
    body: list[list[str]]
    numbers: list[int]
    overflow: list[str]


def _block(sheet: Sheet, header: Header, csv_file: bool) -> _Block | None:
    header_cells = header.cells
    data = [(n, cells) for n, cells in sheet.rows if n > header.row and not _is_blank(cells)]
    if not data:
        return None
    width = max(len(header_cells), *(len(c) for _, c in data))
    while width > len(header_cells) and all(len(c) < width or not c[width - 1] for _, c in data):
        width -= 1
    names: list[str] = []
    for i in range(width):
        base = header_cells[i].strip() if i < len(header_cells) else ""
        base = base or f"Spalte {i + 1}"
        name, k = base, 2
        while name in names:
            name, k = f"{base} ({k})", k + 1
        names.append(name)
    body = [(cells + [""] * width)[:width] for _, cells in data]
    # CSV rows with more cells than the header: usually a separator inside an unquoted value.
    overflow = names[len(header_cells) :] if csv_file and width > len(header_cells) else []
    return _Block(sheet.name, header, names, body, [n for n, _ in data], overflow)


def _align(blocks: list[_Block], notes: list[tuple[str | None, str]]) -> None:
    """Give every block the column names of the first one (by field), and a year column from
    the sheet name ("2006") where a sheet has no year column."""
    first = map_funding_columns(blocks[0].names)
    year_col = (first.get("funding_years") or ("Jahr",))[0]
    for block in blocks:
        mapping = map_funding_columns(block.names)
        renames = {
            cols[0]: first.get(target)[0]
            for target, cols in mapping.targets.items()
            if len(cols) == 1 and len(first.get(target)) == 1
        }
        block.names = [renames.get(n, n) for n in block.names]
        if not mapping.get("funding_years"):
            years = _SHEET_YEAR.findall(block.sheet or "")
            if len(set(years)) == 1:
                block.names.append(year_col)
                block.body = [cells + [years[0]] for cells in block.body]
                notes.append((block.sheet, f"Förderjahr {years[0]} aus dem Blattnamen übernommen"))


def _text_sheet(sheet: Sheet) -> Sheet:
    return Sheet(sheet.name, [(n, [cell_text(v) for v in cells]) for n, cells in sheet.rows])


def _blocks(table: Table, notes: list[tuple[str | None, str]]) -> list[_Block]:
    """The sheets with a header of the best sheet's fields, as blocks of text rows."""
    found = [(table.sheets[i], h) for i, h in sorted(table.headers.items())]
    for i, sheet in enumerate(table.sheets):
        if i not in table.headers and sheet.rows:
            notes.append((sheet.name, "keine passende Kopfzeile – Blatt nicht gelesen"))
    if not found:
        raise DataError(
            "keine Kopfzeile gefunden: erwartet u. a. eine Spalte Kommune/Name oder AGS und "
            "eine Spalte wie Jahr, Typ oder Projekt",
            file=table.file,
        )
    best = max(found, key=lambda f: f[1].score)  # the first of equals

    def fields(header: Header) -> set[str]:
        return set(map_funding_columns(header.cells).targets) - {"funding_years", "evidence"}

    blocks: list[_Block] = []
    for sheet, header in found:
        if fields(header) != fields(best[1]):
            notes.append(
                (sheet.name, f"andere Spalten als Blatt '{best[0].name}' – Blatt nicht gelesen")
            )
            continue
        block = _block(_text_sheet(sheet), header, csv_file=table.kind == "csv")
        if block is None:
            if sheet is best[0]:
                raise DataError(
                    "keine Datenzeilen unter der Kopfzeile", file=table.file, row=header.row
                )
            notes.append((sheet.name, "keine Datenzeilen unter der Kopfzeile"))
            continue
        blocks.append(block)
    return blocks


def _frame(blocks: list[_Block]) -> pd.DataFrame:
    frames = [
        pd.DataFrame(b.body, columns=b.names, index=pd.Index(b.numbers, name="row"), dtype=str)
        for b in blocks
    ]
    return frames[0] if len(frames) == 1 else pd.concat(frames).fillna("").astype(str)


def read_funding_table(
    source: bytes | str | Path,
    *,
    file: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
) -> tuple[pd.DataFrame, int]:
    """Read a ministry list (CSV or .xlsx; bytes with their ``file`` name, or a path) into a
    frame of text cells.

    Returns
    -------
    (frame, first_data_row)
        ``frame``: one column per header cell (text as in the file; empty header cells become
        "Spalte N", repeated names get " (2)"), every cell a ``str`` ("" when empty), fully empty
        rows dropped. ``frame.index`` holds each row's spreadsheet row number.
        ``first_data_row`` is the row after the header. ``frame.attrs`` has ``header_row`` and
        ``encoding``/``delimiter`` (CSV) or ``sheet``; ``decode_notes`` (lines read in another
        encoding), ``sheet_spans`` (sheet, first position, end position) of a workbook with
        several sheets, ``sheet_notes`` (sheets skipped, years from sheet names) and
        ``overflow_columns`` (CSV cells beyond the header).

    Raises
    ------
    DataError
        Missing, empty, too large or unsupported file; unreadable encoding; no header row with a
        name or AGS column in the first rows; no data rows; more than ``max_rows`` rows.
    """
    table = read_table(
        source,
        file=file,
        schema=FUNDING_SCHEMA,
        kinds=("csv", "xlsx"),
        max_bytes=max_bytes,
        max_rows=max_rows,
    )
    notes: list[tuple[str | None, str]] = []
    blocks = _blocks(table, notes)
    if sum(len(b.body) for b in blocks) > max_rows:
        raise too_many_rows(table.file, max_rows)
    if len(blocks) > 1:
        _align(blocks, notes)
    frame = _frame(blocks)
    info: dict[str, Any] = {"header_row": blocks[0].header.row}
    if table.kind == "csv":
        info.update(encoding=table.encoding, delimiter=table.delimiter, decode_notes=table.notes)
    else:
        info["sheet"] = ", ".join(str(b.sheet) for b in blocks)
    if len(blocks) > 1:
        spans, pos = [], 0
        for b in blocks:
            spans.append((b.sheet, pos, pos + len(b.body)))
            pos += len(b.body)
        info["sheet_spans"] = spans
    if notes:
        info["sheet_notes"] = notes
    if blocks[0].overflow:
        info["overflow_columns"] = blocks[0].overflow
    frame.attrs.update(info)
    return frame, blocks[0].header.row + 1


def cell_value(rec: Mapping[Any, Any], columns: Sequence[str], sep: str | None = None) -> str:
    """The first (or, with ``sep``, all joined) non-empty cleaned cell of ``columns``."""
    values = [v for v in (rec.get(c, "") for c in columns) if v]
    if not values:
        return ""
    return sep.join(values) if sep else values[0]


def cleaned_records(table: pd.DataFrame) -> list[dict[str, str]]:
    """Rows as dicts of cleaned text (no-break spaces and runs of spaces joined, trimmed; done per
    column with pandas string methods instead of once per cell)."""
    columns: list[list[str]] = []
    for col in table.columns:
        series = table[col].fillna("").astype(str)
        cleaned = series.str.replace("\u00a0", " ", regex=False)
        cleaned = cleaned.str.replace(r"\s+", " ", regex=True).str.strip()
        columns.append(cleaned.tolist())
    names = [str(c) for c in table.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
