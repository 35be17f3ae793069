"""Import the ministry's KOMM-IN approval lists (Bewilligungslisten) into the funding registry.

The ministry (or the Bezirksregierung Arnsberg) keeps the complete lists in its own spreadsheets.
This module reads such a file as it comes and turns it into the canonical registry of
:mod:`mapapp.io.funding` – or reports, row by row, why it cannot. Nothing is half-imported: the
result carries a registry only when no row has an error.

Reading (:func:`read_table`)
    CSV with ``;``, ``,`` or tab (an Excel ``sep=;`` first line is honoured), encoded as UTF-8
    (with or without BOM), UTF-16 with BOM or Windows-1252; ``.xlsx``/``.xlsm`` via openpyxl (the
    sheet with the best header wins). Title lines above the header are skipped: the header row is
    the first row with the most known column names. Fully empty lines are skipped, but every row
    keeps the number a spreadsheet shows for it (header = 1 when it is the first line).

Columns (:data:`COLUMN_ALIASES`)
    Matched by name, case and umlaut spelling ignored, units in brackets dropped
    ("Betrag (EUR)", "Förderjahr(e)"): AGS/Gemeindeschlüssel/Kreisschlüssel/Schlüssel/ARS;
    Kommune/Name/Gebietskörperschaft/Zuwendungsempfänger/Antragsteller; Typ/Gebietstyp/Art;
    Jahr/Förderjahr/Haushaltsjahr/Jahre; Projekt/Projekttitel/Maßnahme;
    Schwerpunkt/Förderschwerpunkt; Betrag/Fördersumme/Zuwendung/Bewilligung; Quelle/Source;
    Beleg/Bemerkung. The canonical English names work too, so an exported registry re-imports.
    Other columns are ignored with a warning.

Matching names to AGS (:class:`UnitMatcher`)
    Against ``nrw_municipal_status.csv`` (today's 396 Gemeinden and 31 Kreise). Spellings such as
    "Kreis Unna", "Unna, Kreis", "Stadt Solingen", "Solingen, Klingenstadt",
    "Klingenstadt Solingen", "Städteregion Aachen", "Mülheim a.d. Ruhr", "Duesseldorf" or
    "Koeln" are understood. A name that fits a Kreis and a Stadt ("Unna") is resolved by the
    type column or by "Kreis"/"Stadt" in the name – otherwise it is reported as ambiguous, never
    guessed. Fuzzy matching (rapidfuzz) only produces a "meinten Sie …?" hint in the error
    message. When an AGS is given it is authoritative, but it must agree with the name and type.

Checks per row (errors unless noted)
    unknown AGS; name not found; ambiguous name; unknown type; a Kreis given as a Stadt or the
    other way round (also kreisfrei vs. kreisangehörig); a year outside 2005–2012 or unreadable;
    an unreadable or negative amount; the same Kommune with the same project and the same years
    twice in the file. Warnings only: a kreisangehörige Gemeinde without Ausländerbehörde (the
    2005 rules funded Kommunen with an Ausländerbehörde, later rounds also mittlere Städte and
    smaller towns), a row without a year, skipped sum rows, ignored columns, the Aachen notes.

Aachen (history)
    In 2005–2007 Aachen was a kreisfreie Stadt (AGS 05313) and there was a Kreis Aachen (05354);
    in 2009 both were merged into the Städteregion Aachen (05334). Today's boundaries only
    have the Städteregion 05334 (a Kreis) and the regionsangehörige Stadt Aachen 05334002.
    Therefore "Kreis Aachen" (or AGS 05354) is mapped to 05334 with a warning that the
    Städteregion also covers the city; "Stadt Aachen" / "Aachen, Stadt" (or AGS 05313) is mapped
    to 05334002 as a kreisangehörige Stadt (as the status table has it) with a warning that it
    was kreisfrei until 2009 – the type "kreisfreie Stadt" is accepted for it. "Aachen" alone is
    ambiguous.

The registry's years are documented by the list itself (``year_confidence`` = documented unless
the file says otherwise). ``source_url`` holds only absolute http(s) addresses (checked by
:func:`mapapp.model.check_http_url`; anything else – ``javascript:``, ``data:``, relative paths –
is dropped with a row warning). Rows without a source get ``default_source`` as the link when it is
such an address, else that text ("Import: <file>") is added to ``evidence``.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.io.funding import (
    REGISTRY_COLUMNS,
    check_registry,
    parse_amount,
    parse_focus,
    parse_years,
)
from mapapp.io.tabular import (
    HEADER_SCAN_ROWS,
    MAX_IMPORT_ROWS,
    Header,
    SheetRows,
    decode_upload,
    find_header,
    read_xlsx_sheets,
    split_sep_line,
    too_many_rows,
)
from mapapp.io.tabular import MAX_IMPORT_BYTES as MAX_IMPORT_BYTES  # re-exported (UI)
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    AGS_KREIS_LEN,
    DataError,
    UnitType,
    YearConfidence,
    check_http_url,
    is_http_url,
    normalize_ags,
)

# --------------------------------------------------------------------------------------------
# Text folding shared by column names, unit names and type words
# --------------------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@functools.lru_cache(maxsize=16384)
def fold(text: object) -> str:
    """Lower-case ASCII key: umlauts as ae/oe/ue, ß as ss, "a.d." as "an der", "St." as "sankt",
    punctuation as single spaces. ``"Mülheim a.d. Ruhr"`` -> ``"muelheim an der ruhr"``."""
    value = unicodedata.normalize("NFC", str(text)).casefold().translate(_UMLAUTS)
    value = "".join(c for c in unicodedata.normalize("NFKD", value) if not unicodedata.combining(c))
    value = re.sub(r"\ba\.\s*d\.\s*", "an der ", value)
    value = re.sub(r"\bst\.\s*", "sankt ", value)
    return re.sub(r"[^a-z0-9]+", " ", value).strip()


def _clean(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return re.sub(r"\s+", " ", str(value).replace("\u00a0", " ")).strip()


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------

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
_ALIAS_TARGET = {alias: target for target, aliases in COLUMN_ALIASES.items() for alias in aliases}
_UNIT_WORDS = {"in", "eur", "euro", "ggf"}
_NUMBER_WORDS = {"nr", "nummer", "no", "id", "kennung"}


def header_key(text: object) -> str:
    """Folded column name without bracketed parts and trailing units: "Betrag (EUR)" -> "betrag"."""
    value = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text))
    words = fold(value).split()
    while words and words[-1] in _UNIT_WORDS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True)
class ColumnMapping:
    """Which file columns feed which registry field, and which columns are ignored."""

    targets: dict[str, tuple[str, ...]]
    ignored: tuple[str, ...]

    def get(self, target: str) -> tuple[str, ...]:
        return self.targets.get(target, ())


def map_columns(columns: Iterable[object]) -> ColumnMapping:
    """Map file column names to registry fields by the aliases in :data:`COLUMN_ALIASES`.

    Exact alias matches first; then a header whose first word is an alias ("Name der Kommune",
    "Jahr der Bewilligung") takes a field no exact match took. ``ags`` and ``evidence`` may come
    from several columns; for the other fields the first column wins and the rest are ignored.
    """
    cols = [str(c) for c in columns]
    found: dict[str, list[str]] = {}
    taken: set[str] = set()
    for col in cols:
        target = _ALIAS_TARGET.get(header_key(col))
        if target:
            found.setdefault(target, []).append(col)
            taken.add(col)
    for col in cols:
        if col in taken:
            continue
        words = header_key(col).split()
        if not words or words[-1] in _NUMBER_WORDS:
            continue
        target = _ALIAS_TARGET.get(words[0])
        if target and target not in found:
            found[target] = [col]
            taken.add(col)
    targets: dict[str, tuple[str, ...]] = {}
    for target, sources in found.items():
        if target == "ags":
            order = COLUMN_ALIASES["ags"]
            sources = sorted(
                sources,
                key=lambda c: order.index(header_key(c)) if header_key(c) in order else len(order),
            )
        if target in ("ags", "evidence"):
            targets[target] = tuple(sources)
        else:
            targets[target] = (sources[0],)
    used = {c for sources in targets.values() for c in sources}
    return ColumnMapping(targets=targets, ignored=tuple(c for c in cols if c not in used))


def _header_score(cells: Sequence[str]) -> int:
    targets = {_ALIAS_TARGET.get(header_key(c)) for c in cells if c.strip()}
    targets.discard(None)
    if not targets & {"ags", "name"}:
        return 0
    return len(targets)


# --------------------------------------------------------------------------------------------
# Reading CSV / Excel
# --------------------------------------------------------------------------------------------

_Rows = list[tuple[int, list[str]]]


def _is_blank(cells: Sequence[str]) -> bool:
    return all(not c.strip() for c in cells)


def _known_header(cell: str) -> bool:
    return header_key(cell) in _ALIAS_TARGET


def _csv_rows(text: str, delimiter: str, file: str, start: int = 1) -> _Rows:
    rows: _Rows = []
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'),
            start=start,
        ):
            rows.append((number, [c.strip() for c in cells]))
    except csv.Error as exc:
        raise DataError(f"CSV nicht lesbar: {exc}", file=file) from exc
    return rows


def _read_csv(path: Path) -> tuple[_Rows, dict[str, Any]]:
    file = path.name
    decoded = decode_upload(path.read_bytes(), file)
    text, sep, removed = split_sep_line(decoded.text)
    delimiters = [sep] if sep else [";", ",", "\t"]
    # The delimiter whose header scores best in the first lines; then the file is parsed once.
    head = "\n".join(text.split("\n", HEADER_SCAN_ROWS * 4)[: HEADER_SCAN_ROWS * 4])
    best: tuple[int, str] | None = None
    for delim in delimiters:
        found = find_header(
            _csv_rows(head, delim, file), _header_score, known=_known_header, min_score=0
        )
        score = found.score if found else 0
        if best is None or score > best[0]:
            best = (score, delim)
    assert best is not None
    delim = best[1]
    rows = _csv_rows(text, delim, file)
    notes = [(line - removed, msg) for line, msg in decoded.notes()]
    return rows, {"encoding": decoded.label, "delimiter": delim, "decode_notes": notes}


def _cell_text(value: object) -> str:
    """Excel cell -> text. Integral numbers without ".0" (AGS 5978036, year 2006); other numbers
    with a decimal comma (75000,5) so :func:`parse_amount` cannot mistake the point for thousands."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g").replace(".", ",")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(path: Path, max_bytes: int) -> list[SheetRows]:
    return [
        SheetRows(sheet.name, [(n, [_cell_text(v) for v in cells]) for n, cells in sheet.rows])
        for sheet in read_xlsx_sheets(path, max_bytes, path.name)
    ]


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


def _block(sheet: SheetRows, header: Header, file: str, csv_file: bool) -> _Block | None:
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
    first = map_columns(blocks[0].names)
    year_col = (first.get("funding_years") or ("Jahr",))[0]
    for block in blocks:
        mapping = map_columns(block.names)
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


def read_table(
    path: str | Path, max_bytes: int = MAX_IMPORT_BYTES, max_rows: int = MAX_IMPORT_ROWS
) -> tuple[pd.DataFrame, int]:
    """Read a ministry list (CSV or .xlsx) into a frame of text cells.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv`` or ``.xlsx``/``.xlsm``.
    max_bytes, max_rows
        Larger files, or more data rows, are refused with a :class:`DataError`.

    Returns
    -------
    (frame, first_data_row)
        ``frame``: one column per header cell (text as in the file; empty header cells become
        "Spalte N", repeated names get " (2)"), every cell a ``str`` ("" when empty), fully empty
        rows dropped. ``frame.index`` holds each row's spreadsheet row number, so numbers stay
        right across skipped lines. ``first_data_row`` is the row after the header.
        ``frame.attrs`` has ``header_row`` and ``encoding``/``delimiter`` (CSV) or ``sheet``;
        a workbook with several sheets of the same layout (one per year) is read completely:
        ``sheet_spans`` lists ``(sheet, first position, end position)`` of each sheet's rows and
        ``sheet_notes`` the sheets skipped (no fitting header) and years taken from sheet names.

    Raises
    ------
    DataError
        Missing, empty, too large or unsupported file; unreadable encoding; no header row with a
        name or AGS column found in the first :data:`HEADER_SCAN_ROWS` rows; no data rows.
    """
    path = Path(path)
    file = path.name
    if not path.is_file():
        raise DataError("Datei nicht gefunden", file=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise DataError(
            f"Datei ist {size / 1e6:.1f} MB groß, erlaubt sind höchstens {max_bytes / 1e6:.1f} MB",
            file=file,
        )
    if size == 0:
        raise DataError("Datei ist leer", file=file)
    suffix = path.suffix.lower()
    info: dict[str, Any] = {}
    if suffix in (".xlsx", ".xlsm"):
        sheets = _read_xlsx(path, max_bytes)
        if not sheets:
            raise DataError("die Excel-Datei hat kein Tabellenblatt", file=file)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        rows, info = _read_csv(path)
        sheets = [SheetRows(None, rows)]
    elif suffix in (".xls", ".ods"):
        raise DataError(
            f"Format {suffix} wird nicht gelesen – bitte als .xlsx oder CSV speichern", file=file
        )
    else:
        raise DataError(f"Dateiformat '{suffix}' nicht unterstützt (CSV oder .xlsx)", file=file)

    found: list[tuple[SheetRows, Header]] = []
    notes: list[tuple[str | None, str]] = []
    for sheet in sheets:
        header = find_header(sheet.rows, _header_score, known=_known_header, min_score=2)
        if header is not None:
            found.append((sheet, header))
        elif sheet.rows:
            notes.append((sheet.name, "keine passende Kopfzeile – Blatt nicht gelesen"))
    if not found:
        raise DataError(
            "keine Kopfzeile gefunden: erwartet u. a. eine Spalte Kommune/Name oder AGS und "
            "eine Spalte wie Jahr, Typ oder Projekt",
            file=file,
        )
    best = max(found, key=lambda f: f[1].score)  # the first of equals

    def fields(header: Header) -> set[str]:
        return set(map_columns(header.cells).targets) - {"funding_years", "evidence"}

    blocks: list[_Block] = []
    for sheet, header in found:
        if fields(header) != fields(best[1]):
            notes.append(
                (sheet.name, f"andere Spalten als Blatt '{best[0].name}' – Blatt nicht gelesen")
            )
            continue
        block = _block(sheet, header, file, csv_file=sheet.name is None)
        if block is None:
            if sheet is best[0]:
                raise DataError("keine Datenzeilen unter der Kopfzeile", file=file, row=header.row)
            notes.append((sheet.name, "keine Datenzeilen unter der Kopfzeile"))
            continue
        blocks.append(block)
    if sum(len(b.body) for b in blocks) > max_rows:
        raise too_many_rows(file, max_rows)
    if len(blocks) > 1:
        _align(blocks, notes)
    frames = [
        pd.DataFrame(b.body, columns=b.names, index=pd.Index(b.numbers, name="row"), dtype=str)
        for b in blocks
    ]
    frame = frames[0] if len(frames) == 1 else pd.concat(frames).fillna("").astype(str)
    header_row = blocks[0].header.row
    if blocks[0].sheet is not None:
        info["sheet"] = ", ".join(str(b.sheet) for b in blocks)
    frame.attrs.update(info, header_row=header_row)
    if len(blocks) > 1:
        spans, pos = [], 0
        for b in blocks:
            spans.append((b.sheet, pos, pos + len(b.body)))
            pos += len(b.body)
        frame.attrs["sheet_spans"] = spans
    if notes:
        frame.attrs["sheet_notes"] = notes
    if blocks[0].overflow:
        frame.attrs["overflow_columns"] = blocks[0].overflow
    return frame, header_row + 1


# --------------------------------------------------------------------------------------------
# Units: names and keys -> today's Gemeinden and Kreise
# --------------------------------------------------------------------------------------------

KIND_KREIS = "kreis"
KIND_KREISFREI = "kreisfrei"
KIND_KREISANGEHOERIG = "kreisangehoerig"
_KREIS = frozenset({KIND_KREIS})
_KREISFREI = frozenset({KIND_KREISFREI})
_KREISANG = frozenset({KIND_KREISANGEHOERIG})
_STADT = frozenset({KIND_KREISFREI, KIND_KREISANGEHOERIG})
_ANY = frozenset({KIND_KREIS, KIND_KREISFREI, KIND_KREISANGEHOERIG})

#: Folded type words (type column, name prefixes/suffixes) -> the kinds of unit they allow.
TYPE_WORDS: dict[str, frozenset[str]] = {
    "kreis": _KREIS,
    "landkreis": _KREIS,
    "staedteregion": _KREIS,
    "kreisfreie stadt": _KREISFREI,
    "kreisfreie": _KREISFREI,
    "kreisfrei": _KREISFREI,
    "kreisfr stadt": _KREISFREI,
    "stadt kreisfrei": _KREISFREI,
    "kfs": _KREISFREI,
    "kreisangehoerige stadt": _KREISANG,
    "kreisangehoerig": _KREISANG,
    "kreisangehoerige": _KREISANG,
    "grosse kreisangehoerige stadt": _KREISANG,
    "mittlere kreisangehoerige stadt": _KREISANG,
    "kreisangehoerige gemeinde": _KREISANG,
    "regionsangehoerige stadt": _KREISANG,
    "gks": _KREISANG,
    "mks": _KREISANG,
    "stadt": _STADT,
    "gemeinde": _STADT,
    "stadt gemeinde": _STADT,
    "kreis kreisfreie stadt": frozenset({KIND_KREIS, KIND_KREISFREI}),
    "kreis stadt": _ANY,
    "stadt kreis": _ANY,
    "kommune": _ANY,
}

#: Name prefixes that say what kind of unit is meant, longest first.
_NAME_PREFIXES: tuple[tuple[str, frozenset[str]], ...] = (
    ("grosse kreisangehoerige stadt ", _KREISANG),
    ("mittlere kreisangehoerige stadt ", _KREISANG),
    ("kreisangehoerige stadt ", _KREISANG),
    ("kreisfreie stadt ", _KREISFREI),
    ("landkreis ", _KREIS),
    ("kreis ", _KREIS),
    ("stadt ", _STADT),
    ("gemeinde ", _STADT),
)

#: Extra name keys for Kreise: former or colloquial names of the same Kreis.
#: 05334: the Kreis Aachen (05354) is today part of the Städteregion (see module docstring);
#: 05162: "Kreis Neuss" is a common short form of Rhein-Kreis Neuss (older lists use it).
KREIS_NAME_ALIASES: dict[str, tuple[str, ...]] = {"05334": ("aachen",), "05162": ("neuss",)}

AGS_STAEDTEREGION_AACHEN = "05334"
AGS_STADT_AACHEN = "05334002"
#: Keys of 2005-2009 that no longer exist -> today's unit.
HISTORIC_KEYS: dict[str, str] = {
    "05313": AGS_STADT_AACHEN,
    "05313000": AGS_STADT_AACHEN,
    "05354": AGS_STAEDTEREGION_AACHEN,
}
_MERGER_YEAR = 2009
_AACHEN_KREIS_NOTE = (
    "Kreis Aachen (05354) ging 2009 in der StädteRegion Aachen auf; auf den heutigen "
    "Grenzen als Städteregion Aachen (05334) dargestellt, deren Fläche auch die Stadt Aachen umfasst"
)
_AACHEN_STADT_NOTE = (
    "Aachen war bis 2009 kreisfreie Stadt (05313); heute regionsangehörige Stadt der "
    "StädteRegion Aachen (05334002), daher als kreisangehörige Stadt dargestellt"
)
_STAEDTEREGION_NOTE = (
    "die StädteRegion Aachen besteht erst seit 2009; vorher waren Kreis Aachen (05354) und "
    "Stadt Aachen (05313) getrennt"
)


@dataclass(frozen=True)
class Unit:
    """A Gemeinde or Kreis of today's boundaries (from the status table)."""

    ags: str
    name: str
    kind: str  # KIND_KREIS | KIND_KREISFREI | KIND_KREISANGEHOERIG
    status: str
    has_auslaenderbehoerde: bool | None

    @property
    def label(self) -> str:
        """Readable name with its kind, e.g. "Kreis Unna", "Unna, Stadt", "Rhein-Kreis Neuss"."""
        if (
            self.kind == KIND_KREIS
            and "kreis" not in fold(self.name)
            and "region" not in fold(self.name)
        ):
            return f"Kreis {self.name}"
        return self.name

    @property
    def unit_type(self) -> UnitType:
        if self.kind == KIND_KREIS:
            return UnitType.KREIS
        if self.kind == KIND_KREISFREI:
            return UnitType.KREISFREIE_STADT
        return UnitType.KREISANGEHOERIGE_STADT


@dataclass(frozen=True)
class NameLookup:
    """What a name says: the candidate units and the kinds its wording allows."""

    key: str
    kinds: frozenset[str]
    candidates: tuple[Unit, ...]


@dataclass(frozen=True)
class KeyLookup:
    """A key as read (``ags``, normalised) and the unit it denotes today (``None`` = unknown)."""

    ags: str
    unit: Unit | None
    note: str | None = None


def type_kinds(text: str) -> frozenset[str] | None:
    """Kinds allowed by a type word ("Kreis", "kreisfreie Stadt", "Stadt"); ``None`` if unknown."""
    return TYPE_WORDS.get(header_key(text))


def _abh(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "ja", "true", "1"):
        return True
    if text in ("no", "nein", "false", "0"):
        return False
    return None


class UnitMatcher:
    """Match names and keys of an approval list to today's units in the status table.

    Parameters
    ----------
    status
        ``load_status()`` frame: ``ags``, ``name``, ``level``, ``status``,
        ``has_auslaenderbehoerde``.
    """

    def __init__(self, status: pd.DataFrame) -> None:
        self.units: dict[str, Unit] = {}
        self._keys: dict[str, set[str]] = {}
        self._lookups: dict[str, NameLookup] = {}
        for rec in status.to_dict("records"):
            ags = str(rec["ags"]).strip()
            st = str(rec["status"]).strip()
            kind = (
                KIND_KREIS
                if st == "kreis"
                else KIND_KREISFREI
                if st == "kreisfreie_stadt"
                else KIND_KREISANGEHOERIG
            )
            unit = Unit(
                ags, str(rec["name"]).strip(), kind, st, _abh(rec.get("has_auslaenderbehoerde"))
            )
            self.units[ags] = unit
            for key in self._name_keys(unit):
                self._keys.setdefault(key, set()).add(ags)

    @staticmethod
    def _name_keys(unit: Unit) -> set[str]:
        keys = {fold(unit.name)}
        if unit.kind == KIND_KREIS:
            words = fold(unit.name).split()
            if "kreis" in words and len(words) > 1:
                keys.add(" ".join(w for w in words if w != "kreis"))
            if words and words[-1].endswith("kreis") and len(words[-1]) > len("kreis"):
                keys.add(" ".join([*words[:-1], words[-1][: -len("kreis")]]))
            keys.update(KREIS_NAME_ALIASES.get(unit.ags, ()))
        else:
            base, _, suffix = unit.name.partition(",")
            keys.add(fold(base))
            keys.add(fold(base).replace(" an der ", " "))  # "Mülheim/Ruhr"
            keys.add(fold(re.sub(r"\([^)]*\)", " ", base)))
            keys.add(fold(base.split("/")[0]))
            if suffix.strip():
                keys.add(fold(f"{suffix} {base}"))
        keys.discard("")
        return keys

    def _get(self, key: str) -> tuple[Unit, ...]:
        return tuple(self.units[a] for a in sorted(self._keys.get(key, ())))

    def lookup(self, name: str) -> NameLookup:
        """Candidate units for a name as written in a list, and the kinds its wording allows.

        Answers are kept per matcher: a list names the same few hundred Kommunen again and again.
        """
        found = self._lookups.get(name)
        if found is None:
            found = self._lookups[name] = self._lookup(name)
        return found

    def _lookup(self, name: str) -> NameLookup:
        text = _clean(name)
        kinds = _ANY
        exact = self._get(fold(text))
        m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", text)
        if m and type_kinds(m.group(2)) is not None:
            text, kinds = m.group(1).strip(), kinds & (type_kinds(m.group(2)) or _ANY)
        if "," in text:
            base, suffix = (p.strip() for p in text.split(",", 1))
            sk = type_kinds(suffix)
            if sk is None:
                fs = fold(suffix)
                sk = _STADT if "stadt" in fs or "gemeinde" in fs else _ANY
            text, kinds = base, kinds & sk
        key = fold(text)
        for prefix, pk in _NAME_PREFIXES:
            if key.startswith(prefix) and len(key) > len(prefix):
                key, kinds = key[len(prefix) :], kinds & pk
                break
        else:
            words = key.split()
            if len(words) > 1 and words[0].endswith("stadt") and not self._get(key):
                key, kinds = " ".join(words[1:]), kinds & _STADT
            elif len(words) > 1 and words[-1] == "kreis" and not self._get(key):
                key, kinds = " ".join(words[:-1]), kinds & _KREIS
            elif len(words) > 1 and words[-1] == "stadt" and not self._get(key):
                key, kinds = " ".join(words[:-1]), kinds & _STADT
        if fold(name).startswith("staedteregion"):
            kinds = kinds & _KREIS
        candidates = exact if exact and not self._get(key) else self._get(key) or exact
        return NameLookup(key=key, kinds=kinds, candidates=candidates)

    def by_key(self, text: str) -> KeyLookup:
        """Unit for an AGS / Kreisschlüssel / 12-digit ARS as written in a list.

        A historic key (Aachen before 2009) maps to today's unit with a note; the Kreis key of a
        kreisfreie Stadt (05122) means the city itself (05122000). ``unit`` is ``None`` for a
        well-formed key that is no NRW unit.

        Raises
        ------
        ValueError
            The text is no key at all (letters, wrong length).
        """
        value = _clean(text).lstrip("'").replace(" ", "")
        if re.fullmatch(r"\d+\.0", value):
            value = value[:-2]
        if re.fullmatch(r"\d{11,12}", value):
            ars = value.zfill(12)
            gem = ars[:5] + ars[9:]
            if gem in self.units:
                return KeyLookup(gem, self.units[gem])
            if ars[5:] == "0000000" and ars[:5] in self.units:
                return KeyLookup(ars[:5], self.units[ars[:5]])
            return KeyLookup(gem, None)
        ags = normalize_ags(value)
        if ags in HISTORIC_KEYS:
            target = HISTORIC_KEYS[ags]
            note = _AACHEN_STADT_NOTE if target == AGS_STADT_AACHEN else _AACHEN_KREIS_NOTE
            return KeyLookup(ags, self.units.get(target), f"AGS {ags} gibt es nicht mehr: {note}")
        if ags in self.units:
            return KeyLookup(ags, self.units[ags])
        if len(ags) == AGS_KREIS_LEN:
            city = self.units.get(ags + "000")
            if city is not None and city.kind == KIND_KREISFREI:
                # A kreisfreie Stadt is a Kreis-level unit too; its Kreis key means the same city.
                return KeyLookup(ags, city)
        return KeyLookup(ags, None)

    def suggest(self, text: str, kinds: frozenset[str] = _ANY, limit: int = 3) -> list[Unit]:
        """Close spellings (rapidfuzz), for a "meinten Sie …?" hint only."""
        from rapidfuzz import fuzz, process

        query = fold(text)
        if not query:
            return []
        hits = process.extract(
            query, list(self._keys), scorer=fuzz.WRatio, limit=12, score_cutoff=80
        )
        out: list[Unit] = []
        for key, _score, _ in hits:
            for unit in self._get(key):
                if unit.kind in kinds and unit not in out:
                    out.append(unit)
        return out[:limit]


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------

_SUM_ROW_NAMES = {
    "summe",
    "gesamt",
    "insgesamt",
    "gesamtsumme",
    "zwischensumme",
    "summe gesamt",
    "gesamt summe",
}


@dataclass
class ImportResult:
    """Outcome of importing one list.

    ``registry`` is the canonical registry (see :mod:`mapapp.io.funding`) when ``errors`` is
    empty, else ``None`` – nothing is half-imported. ``rows_read`` counts the non-empty data rows.
    """

    file: str
    registry: pd.DataFrame | None
    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)
    rows_read: int = 0
    rows_skipped: int = 0
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and self.registry is not None

    @property
    def accepted(self) -> int:
        return 0 if self.registry is None else len(self.registry)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready report."""

        def item(e: DataError) -> dict[str, Any]:
            return {"row": e.row, "field": e.field, "message": e.message, "text": str(e)}

        return {
            "file": self.file,
            "ok": self.ok,
            "rows_read": self.rows_read,
            "rows_skipped": self.rows_skipped,
            "accepted": self.accepted,
            "columns": {k: list(v) for k, v in self.columns.items()},
            "info": {k: v for k, v in self.info.items() if isinstance(v, str | int | float)},
            "errors": [item(e) for e in self.errors],
            "warnings": [item(w) for w in self.warnings],
        }


def _prepare_years(text: str) -> str:
    value = re.sub(r"\s+bis\s+", "-", text.strip())
    value = re.sub(r"\s*([-–])\s*", r"\1", value)

    def expand(m: re.Match[str]) -> str:
        return f"{m.group(1)}/{m.group(1)[:2]}{m.group(2)}"

    value = re.sub(r"\b((?:19|20)\d\d)/(\d\d)\b(?!\d)", expand, value)
    # Two-digit years of a 2005–2012 list: "06", "'07", "05-07", "05/06" -> 2006, 2007, ...
    # (parse_years then refuses years outside the programme, e.g. "04" -> 2004).
    return re.sub(r"(?<![\d.,])'?(\d\d)(?![\d.,])", r"20\1", value)


def _prepare_amount(text: str, *, file: str, row: int) -> float:
    value = re.sub(r"(?i)\s*(€|eur(o)?)\s*$", "", text.strip())
    value = re.sub(r"(?i)^(€|eur(o)?)\s*", "", value).replace(" ", "").replace("\u00a0", "")
    # "3.000,- €", "3.000,--": whole euros written the accountant's way
    value = re.sub(r",[-–—]{1,2}$", "", value)
    if re.fullmatch(r"\d{1,3}(,\d{3})+", value):
        raise DataError(
            f"Betrag '{text}' ist mehrdeutig (Tausender-Komma?) – bitte als 75000 oder 75.000,00 schreiben",
            file=file,
            row=row,
            field="amount_eur",
        )
    if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d+", value):
        value = value.replace(",", "")  # English notation 1,234.56
    return parse_amount(value, file=file, row=row)


def _prepare_focus(text: str) -> str:
    """Split "Transparenz, Vernetzung" like "Transparenz; Vernetzung" – but not inside brackets
    ("other (Kulturmittler/Netzwerk)" stays one part)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth <= 0 and char in ";,/+\n":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return "; ".join(p.strip() for p in parts if p.strip())


@dataclass
class _Row:
    number: int
    unit: Unit | None = None
    errors: list[DataError] = field(default_factory=list)
    warnings: list[DataError] = field(default_factory=list)


def _kind_error(unit: Unit, allowed: frozenset[str], *, file: str, row: int, fld: str) -> DataError:
    if unit.kind == KIND_KREIS:
        msg = f"{unit.label} ({unit.ags}) ist ein Kreis, angegeben als Stadt"
    elif allowed == _KREIS:
        msg = f"{unit.label} ({unit.ags}) ist eine Stadt/Gemeinde, angegeben als Kreis"
    elif unit.kind == KIND_KREISANGEHOERIG:
        msg = f"{unit.label} ({unit.ags}) ist kreisangehörig, angegeben als kreisfreie Stadt"
    else:
        msg = f"{unit.label} ({unit.ags}) ist eine kreisfreie Stadt, angegeben als kreisangehörig"
    return DataError(msg, file=file, row=row, field=fld)


def _units_text(units: Iterable[Unit]) -> str:
    return " oder ".join(f"{u.label} ({u.ags})" for u in units)


def _resolve(
    matcher: UnitMatcher,
    *,
    name: str,
    key: str,
    type_text: str,
    years: tuple[int, ...],
    file: str,
    row: int,
) -> _Row:
    """Find the unit of one row and check name, key and type against each other."""
    out = _Row(row)
    allowed = _ANY
    if type_text:
        tk = type_kinds(type_text)
        if tk is None:
            out.errors.append(
                DataError(
                    f"Gebietstyp '{type_text}' unbekannt (Kreis / kreisfreie Stadt / kreisangehörige Stadt)",
                    file=file,
                    row=row,
                    field="unit_type",
                )
            )
            return out
        allowed = tk
    lookup = matcher.lookup(name) if name else None
    if lookup is not None:
        if not (lookup.kinds & allowed):
            out.errors.append(
                DataError(
                    f"Name '{name}' und Gebietstyp '{type_text}' widersprechen sich (Kreis oder Stadt?)",
                    file=file,
                    row=row,
                    field="unit_type",
                )
            )
            return out
        allowed = allowed & lookup.kinds
    kind_field = "unit_type" if type_text else "name"

    unit: Unit | None
    if key:
        try:
            found = matcher.by_key(key)
        except ValueError as exc:
            out.errors.append(DataError(str(exc), file=file, row=row, field="ags"))
            return out
        unit, note = found.unit, found.note
        if unit is None:
            hint = ""
            if lookup is not None and lookup.candidates:
                hint = f" – laut Name: {_units_text(lookup.candidates)}"
            elif found.ags.endswith("000") and found.ags[:AGS_KREIS_LEN] in matcher.units:
                hint = f" – meinten Sie {_units_text([matcher.units[found.ags[:AGS_KREIS_LEN]]])}?"
            out.errors.append(
                DataError(
                    f"AGS {found.ags} ist keine NRW-Gemeinde und kein NRW-Kreis{hint}",
                    file=file,
                    row=row,
                    field="ags",
                )
            )
            return out
        if note:
            out.warnings.append(DataError(note, file=file, row=row, field="ags"))
        if lookup is not None:
            if lookup.candidates and unit not in lookup.candidates:
                out.errors.append(
                    DataError(
                        f"AGS {unit.ags} ({unit.label}) passt nicht zum Namen '{name}' "
                        f"({_units_text(lookup.candidates)})",
                        file=file,
                        row=row,
                        field="ags",
                    )
                )
                return out
            if not lookup.candidates:
                out.warnings.append(
                    DataError(
                        f"Name '{name}' nicht erkannt; AGS {unit.ags} ({unit.label}) verwendet",
                        file=file,
                        row=row,
                        field="name",
                    )
                )
    else:
        assert lookup is not None
        if not lookup.candidates:
            hints = matcher.suggest(lookup.key, allowed) or matcher.suggest(name, allowed)
            tip = f" – meinten Sie {_units_text(hints)}?" if hints else ""
            out.errors.append(
                DataError(f"Kommune '{name}' nicht gefunden{tip}", file=file, row=row, field="name")
            )
            return out
        fitting = [
            u
            for u in lookup.candidates
            if u.kind in allowed or (u.ags == AGS_STADT_AACHEN and KIND_KREISFREI in allowed)
        ]
        if not fitting:
            closest = next(
                (u for u in lookup.candidates if (u.kind == KIND_KREIS) == (allowed == _KREIS)),
                lookup.candidates[0],
            )
            out.errors.append(_kind_error(closest, allowed, file=file, row=row, fld=kind_field))
            return out
        if len(fitting) > 1:
            out.errors.append(
                DataError(
                    f"'{name}' ist mehrdeutig: {_units_text(fitting)} – Spalte Typ angeben oder "
                    "'Kreis …' / 'Stadt …' schreiben",
                    file=file,
                    row=row,
                    field="name",
                )
            )
            return out
        unit = fitting[0]
    aachen_kreisfrei = unit.ags == AGS_STADT_AACHEN and KIND_KREISFREI in allowed
    if unit.kind not in allowed and not aachen_kreisfrei:
        out.errors.append(_kind_error(unit, allowed, file=file, row=row, fld=kind_field))
        return out
    out.unit = unit
    early = not years or min(years) <= _MERGER_YEAR
    if (
        unit.ags == AGS_STADT_AACHEN
        and early
        and not any(w.message.endswith(_AACHEN_STADT_NOTE) for w in out.warnings)
    ):
        out.warnings.append(DataError(_AACHEN_STADT_NOTE, file=file, row=row, field="ags"))
    if unit.ags == AGS_STAEDTEREGION_AACHEN and not any(
        w.message.endswith(_AACHEN_KREIS_NOTE) for w in out.warnings
    ):
        if "staedteregion" not in fold(name):
            out.warnings.append(DataError(_AACHEN_KREIS_NOTE, file=file, row=row, field="name"))
        elif early:
            out.warnings.append(DataError(_STAEDTEREGION_NOTE, file=file, row=row, field="name"))
    if (
        unit.kind == KIND_KREISANGEHOERIG
        and unit.has_auslaenderbehoerde is False
        and unit.ags != AGS_STADT_AACHEN  # status "unknown"; the Aachen note above applies
    ):
        what = "Gemeinde" if unit.status == "kreisangehoerige_gemeinde" else "Stadt"
        out.warnings.append(
            DataError(
                f"{unit.label} ist eine kreisangehörige {what} ohne eigene Ausländerbehörde – nicht in "
                "der Zielgruppe von 2005, spätere Runden förderten aber auch mittlere und kleinere Städte",
                file=file,
                row=row,
                field="ags",
            )
        )
    return out


def _value(rec: Mapping[Any, Any], columns: Sequence[str], sep: str | None = None) -> str:
    """The first (or, with ``sep``, all joined) non-empty cleaned cell of ``columns``.

    ``rec`` holds cells already cleaned by :func:`_cleaned_records`.
    """
    values = [v for v in (rec.get(c, "") for c in columns) if v]
    if not values:
        return ""
    return sep.join(values) if sep else values[0]


def _shown(text: str, limit: int = 80) -> str:
    """A cell value quoted for a message: control characters escaped, long text cut."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _join_evidence(evidence: str, provenance: str) -> str:
    return " | ".join(p for p in (evidence, provenance) if p)


def _cleaned_records(table: pd.DataFrame) -> list[dict[str, str]]:
    """Rows as dicts of cleaned text (:func:`_clean`, done per column with pandas string
    methods instead of once per cell)."""
    columns: list[list[str]] = []
    for col in table.columns:
        series = table[col].fillna("").astype(str)
        cleaned = series.str.replace("\u00a0", " ", regex=False)
        cleaned = cleaned.str.replace(r"\s+", " ", regex=True).str.strip()
        columns.append(cleaned.tolist())
    names = [str(c) for c in table.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def import_table(
    table: pd.DataFrame,
    status: pd.DataFrame,
    *,
    file: str,
    header_row: int | None = None,
    default_source: str | None = None,
) -> ImportResult:
    """Check every row of a list read by :func:`read_table` and build the canonical registry.

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
    mapping = map_columns(table.columns)
    result = ImportResult(
        file=file,
        registry=None,
        columns=dict(mapping.targets),
        info={str(k): v for k, v in table.attrs.items()},
    )
    if not mapping.get("ags") and not mapping.get("name"):
        raise DataError(
            "weder eine Spalte Kommune/Name noch eine Spalte AGS gefunden",
            file=file,
            row=header_row,
        )
    overflow = [c for c in table.attrs.get("overflow_columns", []) if c in table.columns]
    for col in mapping.ignored:
        if col in overflow:
            continue
        result.warnings.append(
            DataError(f"Spalte '{col}' unbekannt – ignoriert", file=file, row=header_row, field=col)
        )
    if not mapping.get("funding_years"):
        result.warnings.append(
            DataError(
                "keine Spalte Jahr/Förderjahr – alle Zeilen ohne Förderjahr ('year unknown')",
                file=file,
                row=header_row,
            )
        )
    matcher = UnitMatcher(status)
    source = default_source or f"Import: {file}"
    # Only a real http(s) address becomes the link; a text such as "Import: liste.csv" is
    # provenance and goes to ``evidence``.
    source_link = source if is_http_url(source) else ""
    records: list[dict[str, str]] = []
    rows: list[int] = []
    seen: dict[tuple[str, str, tuple[int, ...]], str] = {}
    valid_conf = {c.value for c in YearConfidence}
    for line, message in table.attrs.get("decode_notes", []):
        result.warnings.append(DataError(message, file=file, row=line))
    for sheet, message in table.attrs.get("sheet_notes", []):
        result.warnings.append(DataError(f"Blatt '{sheet}': {message}", file=file))
    # Several sheets (one per year): messages name the sheet with the file.
    labels: list[str] = []
    for sheet, begin, end in table.attrs.get("sheet_spans", []):
        labels.extend([f"{file}, Blatt '{sheet}'"] * (end - begin))
    base_file = file

    for pos, (number, rec) in enumerate(zip(table.index, _cleaned_records(table), strict=True)):
        row = int(number)
        file = labels[pos] if labels else base_file
        result.rows_read += 1
        name = _value(rec, mapping.get("name"))
        key = _value(rec, mapping.get("ags"))
        if not name and not key:
            if _value(rec, [c for c in table.columns if c not in mapping.get("name")]):
                result.errors.append(
                    DataError(
                        "Kommune fehlt (weder Name noch AGS)", file=file, row=row, field="name"
                    )
                )
            continue
        if not key and fold(name) in _SUM_ROW_NAMES:
            result.rows_skipped += 1
            result.warnings.append(
                DataError(f"Summenzeile '{name}' übersprungen", file=file, row=row, field="name")
            )
            continue
        row_errors: list[DataError] = []
        if _value(rec, overflow):
            sep = table.attrs.get("delimiter", ";")
            row_errors.append(
                DataError(
                    f"mehr Zellen als Spalten in der Kopfzeile – Trennzeichen {sep!r} in einem "
                    "Wert (z. B. Dezimalkomma)? Solche Werte in Anführungszeichen setzen",
                    file=file,
                    row=row,
                )
            )
        years: tuple[int, ...] = ()
        years_text = _value(rec, mapping.get("funding_years"))
        try:
            years = parse_years(_prepare_years(years_text), file=file, row=row)
        except DataError as exc:
            row_errors.append(exc)
        amount = float("nan")
        amount_text = _value(rec, mapping.get("amount_eur"))
        if amount_text:
            try:
                amount = _prepare_amount(amount_text, file=file, row=row)
            except DataError as exc:
                row_errors.append(exc)
        conf = _value(rec, mapping.get("year_confidence"))
        if conf and conf not in valid_conf:
            row_errors.append(
                DataError(
                    f"'{conf}' ist keine Jahresangabe-Sicherheit ({', '.join(sorted(valid_conf))})",
                    file=file,
                    row=row,
                    field="year_confidence",
                )
            )
        resolved = _resolve(
            matcher,
            name=name,
            key=key,
            type_text=_value(rec, mapping.get("unit_type")),
            years=years,
            file=file,
            row=row,
        )
        row_errors = resolved.errors + row_errors
        result.warnings.extend(resolved.warnings)
        unknown_ok = conf == YearConfidence.UNKNOWN.value
        if mapping.get("funding_years") and not years_text and not row_errors and not unknown_ok:
            result.warnings.append(
                DataError(
                    "Förderjahr fehlt – übernommen als 'year unknown'",
                    file=file,
                    row=row,
                    field="funding_years",
                )
            )
        source_url = _value(rec, mapping.get("source_url"))
        if source_url:
            try:
                source_url = check_http_url(source_url)
            except ValueError as exc:
                result.warnings.append(
                    DataError(
                        f"Quelle {_shown(source_url)} verworfen: {exc} (nur http(s)-Adressen "
                        "werden als Link gespeichert)",
                        file=file,
                        row=row,
                        field="source_url",
                    )
                )
                source_url = ""
        project = _value(rec, mapping.get("project_title"))
        if resolved.unit is not None and not row_errors:
            dup_key = (resolved.unit.ags, fold(project), years)
            if dup_key in seen:
                row_errors.append(
                    DataError(
                        f"doppelt: {resolved.unit.label}, gleiches Projekt und gleiche Jahre wie {seen[dup_key]}",
                        file=file,
                        row=row,
                        field="project_title",
                    )
                )
            else:
                seen[dup_key] = (
                    f"Zeile {row}" if not labels else f"{file.split(', ', 1)[1]}, Zeile {row}"
                )
        if row_errors:
            result.errors.extend(row_errors)
            continue
        assert resolved.unit is not None
        unit = resolved.unit
        records.append(
            {
                "ags": unit.ags,
                "name": name or unit.name,
                "unit_type": unit.unit_type.value,
                "funding_years": ";".join(map(str, years)),
                "year_confidence": conf,
                "project_title": project,
                "focus": "; ".join(parse_focus(_prepare_focus(_value(rec, mapping.get("focus"))))),
                "amount_eur": "" if math.isnan(amount) else repr(amount).replace(".", ","),
                "source_url": source_url or source_link,
                "evidence": _join_evidence(
                    _value(rec, mapping.get("evidence"), sep=" | "),
                    "" if source_url or source_link else source,
                ),
            }
        )
        rows.append(row)

    file = base_file
    if not result.errors and not records:
        result.errors.append(DataError("keine Zeile mit einer Kommune gefunden", file=file))
    if result.errors:
        return result
    raw = pd.DataFrame.from_records(records, columns=list(REGISTRY_COLUMNS))
    # One pass over all rows (O(1) per row): re-checks the canonical rows against the status table.
    result.registry, errors = check_registry(raw, status, file=file, rows=rows)
    result.errors.extend(errors)
    return result


def import_file(
    path: str | Path,
    status: pd.DataFrame,
    *,
    default_source: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ImportResult:
    """Read and check a ministry list (CSV or .xlsx); see :func:`read_table` and :func:`import_table`.

    Raises
    ------
    DataError
        The file is unusable as a whole (missing, too large, no header, unknown format).
        Row problems are returned in :attr:`ImportResult.errors` instead.
    """
    path = Path(path)
    table, first_data_row = read_table(path, max_bytes=max_bytes)
    return import_table(
        table, status, file=path.name, header_row=first_data_row - 1, default_source=default_source
    )


# --------------------------------------------------------------------------------------------
# Joining the registry to today's units (for `mapapp funding show` and checks)
# --------------------------------------------------------------------------------------------

#: Columns of ``mapapp funding show``.
SHOW_COLUMNS = (
    "ags",
    "name",
    "unit_type",
    "funding_years",
    "project_title",
    "focus",
    "amount_eur",
    "year_confidence",
    "source_url",
)


def join_units(
    registry: pd.DataFrame,
    status: pd.DataFrame,
    *,
    kreis_keys: Collection[str] | None = None,
    gemeinde_keys: Collection[str] | None = None,
    file: str = "Förderliste",
) -> pd.DataFrame:
    """The registry with each row joined to its unit: Kreis rows to a Kreis AGS (5 chars), Stadt
    rows to a Gemeinde AGS (8 chars).

    Parameters
    ----------
    registry
        Canonical registry.
    status
        ``load_status()`` frame; gives the official ``name`` (the name in the list is kept as
        ``name_in_source``).
    kreis_keys, gemeinde_keys
        AGS of the boundary layers (``Boundaries.kreise.ags`` / ``.gemeinden.ags``). ``None``
        uses the status table's Kreise / Gemeinden.

    Raises
    ------
    DataError
        A row whose AGS has no unit of its level (row = CSV row of the registry, first = 2).
    """
    st = status.assign(ags=status["ags"].astype(str).str.strip()).set_index("ags")
    kreise = set(kreis_keys) if kreis_keys is not None else set(st.index[st["level"] == "kreis"])
    gemeinden = (
        set(gemeinde_keys)
        if gemeinde_keys is not None
        else set(st.index[st["level"] == "gemeinde"])
    )
    missing: list[tuple[int, str, str]] = []
    for i, (ags, unit_type) in enumerate(zip(registry["ags"], registry["unit_type"], strict=True)):
        want_kreis = unit_type == UnitType.KREIS.value
        length, keys = (AGS_KREIS_LEN, kreise) if want_kreis else (AGS_GEMEINDE_LEN, gemeinden)
        if len(str(ags)) != length or ags not in keys or ags not in st.index:
            missing.append((i + 2, str(ags), str(unit_type)))
    if missing:
        row, ags, unit_type = missing[0]
        more = f" (und {len(missing) - 1} weitere Zeilen)" if len(missing) > 1 else ""
        raise DataError(
            f"AGS {ags} ({unit_type}) hat keine Entsprechung in den Verwaltungsgrenzen{more}",
            file=file,
            row=row,
            field="ags",
        )
    out = registry.copy()
    out["name_in_source"] = out["name"]
    out["name"] = [str(st.at[a, "name"]) for a in out["ags"]]
    return out
