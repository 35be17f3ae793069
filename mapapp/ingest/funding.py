"""Import the ministry's KOMM-IN approval lists (Bewilligungslisten) into the funding registry.

The ministry (or the Bezirksregierung Arnsberg) keeps the complete lists in its own spreadsheets.
This module reads such a file as it comes (bytes as uploaded, or a path:
:func:`mapapp.ingest.funding_table.read_funding_table`), finds each row's unit
(:mod:`mapapp.ingest.units`, :mod:`mapapp.ingest.funding_resolve`) and builds the canonical
registry (:mod:`mapapp.ingest.registry`) – or reports, row by row, why it cannot. Nothing is
half-imported: the result carries a registry only when no row has an error.

Checks per row (errors unless noted): unknown AGS; name not found; ambiguous name; unknown type;
a Kreis given as a Stadt or the other way round (also kreisfrei vs. kreisangehörig); a year
outside 2005–2012 or unreadable; an unreadable or negative amount; the same Kommune with the
same project and the same years twice in the file. Warnings only: a kreisangehörige Gemeinde
without Ausländerbehörde, a row without a year, skipped sum rows, ignored columns, the Aachen
notes (Kreis Aachen 05354 and Stadt Aachen 05313 became the StädteRegion Aachen 05334 in 2009).

``source_url`` holds only absolute http(s) addresses (anything else is dropped with a row
warning). Rows without a source get ``default_source`` as the link when it is such an address,
else that text ("Import: <file>") is added to ``evidence``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.ingest.columns import ColumnMap
from mapapp.ingest.fold import fold
from mapapp.ingest.funding_resolve import resolve_unit
from mapapp.ingest.funding_result import ImportResult
from mapapp.ingest.funding_table import (
    cell_value,
    cleaned_records,
    map_funding_columns,
    read_funding_table,
)
from mapapp.ingest.read import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS
from mapapp.ingest.registry import REGISTRY_COLUMNS, check_registry, parse_focus, split_focus
from mapapp.ingest.report import ImportReport
from mapapp.ingest.units import Unit, UnitMatcher
from mapapp.ingest.values import parse_amount, parse_years, shown
from mapapp.model import DataError, YearConfidence, check_http_url, is_http_url

_SUM_ROW_NAMES = {
    "summe",
    "gesamt",
    "insgesamt",
    "gesamtsumme",
    "zwischensumme",
    "summe gesamt",
    "gesamt summe",
}
_VALID_CONF = {c.value for c in YearConfidence}


class _ListImport:
    """The state of importing one list: mapping, matcher, rows seen, records built."""

    def __init__(self, table: pd.DataFrame, status: pd.DataFrame, file: str, source: str) -> None:
        self.table = table
        self.mapping: ColumnMap = map_funding_columns(table.columns)
        self.matcher = UnitMatcher(status)
        self.file = file
        self.source = source
        # Only a real http(s) address becomes the link; "Import: liste.csv" goes to evidence.
        self.source_link = source if is_http_url(source) else ""
        self.overflow = [c for c in table.attrs.get("overflow_columns", []) if c in table.columns]
        self.seen: dict[tuple[str, str, tuple[int, ...]], str] = {}
        self.records: list[dict[str, str]] = []
        self.rows: list[int] = []
        self.skipped = 0

    def header_remarks(self, report: ImportReport, header_row: int) -> None:
        """Unknown columns, a missing year column, decoding and sheet notes."""
        for col in self.mapping.ignored:
            if col not in self.overflow:
                report.warn_error(
                    DataError(
                        f"Spalte '{col}' unbekannt – ignoriert",
                        file=self.file,
                        row=header_row,
                        field=col,
                    )
                )
        if not self.mapping.get("funding_years"):
            report.warn_error(
                DataError(
                    "keine Spalte Jahr/Förderjahr – alle Zeilen ohne Förderjahr ('year unknown')",
                    file=self.file,
                    row=header_row,
                )
            )
        for line, message in self.table.attrs.get("decode_notes", []):
            report.warn_error(DataError(message, file=self.file, row=line))
        for sheet, message in self.table.attrs.get("sheet_notes", []):
            report.warn_error(DataError(f"Blatt '{sheet}': {message}", file=self.file))

    def labels(self) -> list[str]:
        """Per row the place for messages: the file, or "file, Blatt 'x'" with several sheets."""
        labels: list[str] = []
        for sheet, begin, end in self.table.attrs.get("sheet_spans", []):
            labels.extend([f"{self.file}, Blatt '{sheet}'"] * (end - begin))
        return labels or [self.file] * len(self.table)

    def values(self, rec: Mapping[str, str], file: str, row: int) -> tuple[Any, list[DataError]]:
        """Years, amount and year confidence of one row, and the errors reading them."""
        errors: list[DataError] = []
        if cell_value(rec, self.overflow):
            sep = self.table.attrs.get("delimiter", ";")
            errors.append(
                DataError(
                    f"mehr Zellen als Spalten in der Kopfzeile – Trennzeichen {sep!r} in einem "
                    "Wert (z. B. Dezimalkomma)? Solche Werte in Anführungszeichen setzen",
                    file=file,
                    row=row,
                )
            )
        years: tuple[int, ...] = ()
        try:
            text = cell_value(rec, self.mapping.get("funding_years"))
            years = parse_years(text, two_digit=True, file=file, row=row)
        except DataError as exc:
            errors.append(exc)
        amount = float("nan")
        try:
            amount = parse_amount(
                cell_value(rec, self.mapping.get("amount_eur")) or None, file=file, row=row
            )
        except DataError as exc:
            errors.append(exc)
        conf = cell_value(rec, self.mapping.get("year_confidence"))
        if conf and conf not in _VALID_CONF:
            errors.append(
                DataError(
                    f"'{conf}' ist keine Jahresangabe-Sicherheit ({', '.join(sorted(_VALID_CONF))})",
                    file=file,
                    row=row,
                    field="year_confidence",
                )
            )
        return (years, amount, conf), errors

    def source_url(self, rec: Mapping[str, str], report: ImportReport, file: str, row: int) -> str:
        url = cell_value(rec, self.mapping.get("source_url"))
        if not url:
            return ""
        try:
            return check_http_url(url)
        except ValueError as exc:
            report.warn_error(
                DataError(
                    f"Quelle {shown(url)} verworfen: {exc} (nur http(s)-Adressen werden als "
                    "Link gespeichert)",
                    file=file,
                    row=row,
                    field="source_url",
                )
            )
            return ""

    def row(self, rec: Mapping[str, str], report: ImportReport, file: str, row: int) -> None:
        """Check one row; add its record or report its errors."""
        m = self.mapping
        name, key = cell_value(rec, m.get("name")), cell_value(rec, m.get("ags"))
        if not name and not key:
            if cell_value(rec, [c for c in self.table.columns if c not in m.get("name")]):
                report.reject_error(
                    DataError(
                        "Kommune fehlt (weder Name noch AGS)", file=file, row=row, field="name"
                    )
                )
            return
        if not key and fold(name) in _SUM_ROW_NAMES:
            self.skipped += 1
            report.warn_error(
                DataError(f"Summenzeile '{name}' übersprungen", file=file, row=row, field="name")
            )
            return
        (years, amount, conf), value_errors = self.values(rec, file, row)
        resolved = resolve_unit(
            self.matcher,
            name=name,
            key=key,
            type_text=cell_value(rec, m.get("unit_type")),
            years=years,
            file=file,
            row=row,
        )
        errors = resolved.errors + value_errors
        for w in resolved.warnings:
            report.warn_error(w)
        years_text = cell_value(rec, m.get("funding_years"))
        unknown_ok = conf == YearConfidence.UNKNOWN.value
        if m.get("funding_years") and not years_text and not errors and not unknown_ok:
            report.warn_error(
                DataError(
                    "Förderjahr fehlt – übernommen als 'year unknown'",
                    file=file,
                    row=row,
                    field="funding_years",
                )
            )
        source_url = self.source_url(rec, report, file, row)
        project = cell_value(rec, m.get("project_title"))
        if resolved.unit is not None and not errors:
            dup = self._duplicate(resolved.unit.ags, resolved.unit.label, project, years, file, row)
            errors.extend(dup)
        if errors:
            for e in errors:
                report.reject_error(e)
            return
        assert resolved.unit is not None
        self.records.append(
            self._record(rec, resolved.unit, name, (years, amount, conf), source_url)
        )
        self.rows.append(row)

    def _record(
        self, rec: Mapping[str, str], unit: Unit, name: str, values: Any, source_url: str
    ) -> dict[str, str]:
        """The canonical registry row of an accepted list row."""
        years, amount, conf = values
        m = self.mapping
        evidence = cell_value(rec, m.get("evidence"), sep=" | ")
        provenance = "" if source_url or self.source_link else self.source
        return {
            "ags": unit.ags,
            "name": name or unit.name,
            "unit_type": unit.unit_type.value,
            "funding_years": ";".join(map(str, years)),
            "year_confidence": conf,
            "project_title": cell_value(rec, m.get("project_title")),
            "focus": "; ".join(parse_focus(split_focus(cell_value(rec, m.get("focus"))))),
            "amount_eur": "" if math.isnan(amount) else repr(amount).replace(".", ","),
            "source_url": source_url or self.source_link,
            "evidence": " | ".join(p for p in (evidence, provenance) if p),
        }

    def _duplicate(
        self, ags: str, label: str, project: str, years: tuple[int, ...], file: str, row: int
    ) -> list[DataError]:
        dup_key = (ags, fold(project), years)
        if dup_key in self.seen:
            return [
                DataError(
                    f"doppelt: {label}, gleiches Projekt und gleiche Jahre wie {self.seen[dup_key]}",
                    file=file,
                    row=row,
                    field="project_title",
                )
            ]
        where = f"Zeile {row}" if file == self.file else f"{file.split(', ', 1)[1]}, Zeile {row}"
        self.seen[dup_key] = where
        return []


def import_table(
    table: pd.DataFrame,
    status: pd.DataFrame,
    *,
    file: str,
    header_row: int | None = None,
    default_source: str | None = None,
) -> ImportResult:
    """Check every row of a list read by :func:`read_funding_table` and build the registry.

    Parameters
    ----------
    table
        Text cells; ``table.index`` = spreadsheet row numbers.
    status
        ``load_status()`` frame (today's units).
    file
        File name for the messages.
    header_row
        Row number of the header (for column warnings); default ``table.attrs["header_row"]``.
    default_source
        ``source_url`` for rows without a source column value; default ``"Import: <file>"``.

    Raises
    ------
    DataError
        The table has neither a name nor an AGS column (the file is unusable).
    """
    header_row = header_row if header_row is not None else table.attrs.get("header_row", 1)
    job = _ListImport(table, status, file, default_source or f"Import: {file}")
    report = ImportReport(
        file=file,
        encoding=table.attrs.get("encoding"),
        delimiter=table.attrs.get("delimiter"),
        columns=dict(job.mapping.targets),
    )
    result = ImportResult(file, None, report, info={str(k): v for k, v in table.attrs.items()})
    if not job.mapping.get("ags") and not job.mapping.get("name"):
        raise DataError(
            "weder eine Spalte Kommune/Name noch eine Spalte AGS gefunden",
            file=file,
            row=header_row,
        )
    job.header_remarks(report, header_row)
    labels = job.labels()
    for pos, (number, rec) in enumerate(zip(table.index, cleaned_records(table), strict=True)):
        report.rows_read += 1
        job.row(rec, report, labels[pos], int(number))
    result.rows_skipped = job.skipped
    if not report.rejected and not job.records:
        report.reject_error(DataError("keine Zeile mit einer Kommune gefunden", file=file))
    if report.rejected:
        return result
    raw = pd.DataFrame.from_records(job.records, columns=list(REGISTRY_COLUMNS))
    # One pass over all rows (O(1) per row): re-checks the canonical rows against the status table.
    result.registry, errors = check_registry(raw, status, file=file, rows=job.rows)
    for e in errors:
        report.reject_error(e)
    report.accepted = result.accepted
    return result


def import_file(
    source: bytes | str | Path,
    status: pd.DataFrame,
    *,
    file: str | None = None,
    default_source: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
) -> ImportResult:
    """Read and check a ministry list (CSV or .xlsx): the bytes of an upload with its ``file``
    name, or a path. See :func:`read_funding_table` and :func:`import_table`.

    Raises
    ------
    DataError
        The file is unusable as a whole (missing, too large, no header, unknown format).
        Row problems are returned in :attr:`ImportResult.errors` instead.
    """
    name = (
        Path(file).name
        if file
        else Path(str(source)).name
        if not isinstance(source, bytes)
        else "Upload"
    )
    table, first_data_row = read_funding_table(
        source, file=name, max_bytes=max_bytes, max_rows=max_rows
    )
    return import_table(
        table, status, file=name, header_row=first_data_row - 1, default_source=default_source
    )
