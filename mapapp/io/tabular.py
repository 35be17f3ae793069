"""Safe tabular exports (CSV that spreadsheets open without running formulas) and the reading
helpers shared by the importers (decoding, Excel's ``sep=`` line, header rows, worksheets)."""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.model import DataError

#: A cell starting with one of these is taken as a formula by Excel/LibreOffice/Sheets (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralize_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with ``'`` (OWASP CSV injection).

    Numbers stay numbers (a negative amount is data, not a formula); only strings are changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with every text cell neutralised (see :func:`neutralize_cell`)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize_cell)
    out.columns = [str(neutralize_cell(str(c))) for c in out.columns]
    return out


def to_safe_csv(frame: pd.DataFrame, *, sep: str = ",", header_comment: str | None = None) -> str:
    """CSV text safe against spreadsheet formula injection.

    Parameters
    ----------
    header_comment
        Optional licence/source line written first as ``# ...`` (e.g. the attribution).
    """
    buf = io.StringIO()
    if header_comment:
        buf.write(f"# {header_comment}\n")
    safe_frame(frame).to_csv(buf, index=False, sep=sep, lineterminator="\n")
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Reading uploads defensively (shared by the funding-list and offer importers)
# --------------------------------------------------------------------------------------------

#: Largest upload any importer accepts (bytes).
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: Most data rows any importer accepts (funding lists, offer lists; GeoJSON: features). An
#: approval list has a few hundred rows, an offer list a few thousand; larger files are refused
#: as a whole so that checking one upload cannot occupy the server for minutes.
MAX_IMPORT_ROWS = 50_000
#: An .xlsx may unpack to at most this many times the upload limit (zip-bomb guard).
XLSX_MAX_UNPACKED_FACTOR = 20


def too_many_rows(file: str, limit: int = MAX_IMPORT_ROWS) -> DataError:
    """The one sentence that refuses a file with more than ``limit`` data rows."""
    return DataError(
        f"mehr als {limit:,} Datenzeilen – ein Import nimmt höchstens {limit:,} Zeilen; "
        "bitte die Datei aufteilen".replace(",", "."),
        file=file,
    )


#: Python codec -> the label shown to users.
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 (BOM)",
    "utf-16": "UTF-16",
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252",
}


def decode_text(data: bytes, file: str) -> tuple[str, str]:
    """Decode an uploaded text file; returns ``(text, codec)``.

    Order: a BOM (UTF-8, UTF-16), then UTF-8, then Windows-1252 (what Excel writes on German
    Windows), then charset-normalizer's best guess. Zip/Excel archives and binary files are refused.

    Raises
    ------
    DataError
        Binary content, an archive, or no usable encoding (names the file).
    """
    import codecs

    if data.startswith(b"PK\x03\x04"):
        raise DataError(
            "die Datei ist ein Zip-/Excel-Archiv – als .xlsx speichern bzw. benennen", file=file
        )
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"ungültige {ENCODING_LABELS[codec]}-Kodierung: {exc.reason}", file=file
                ) from exc
    if b"\x00" in data:
        raise DataError("keine Textdatei (enthält Null-Bytes)", file=file)
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DataError(
            "Zeichenkodierung nicht erkannt (UTF-8 oder Windows-1252 erwartet)", file=file
        )
    return str(best), str(best.encoding)


def check_xlsx_unpacked(source: bytes | Path, max_bytes: int, file: str) -> None:
    """Refuse an .xlsx that is no zip or unpacks to more than
    :data:`XLSX_MAX_UNPACKED_FACTOR` × ``max_bytes`` (zip bomb)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise DataError("keine gültige .xlsx-Datei (kein Zip-Archiv)", file=file) from exc
    limit = max_bytes * XLSX_MAX_UNPACKED_FACTOR
    if unpacked > limit:
        raise DataError(
            f"die Excel-Datei entpackt zu {unpacked / 1e6:.0f} MB – zu groß "
            f"(Grenze {limit / 1e6:.0f} MB)",
            file=file,
        )


# --------------------------------------------------------------------------------------------
# Shared reading of uploads: decoding line by line, Excel's sep= line, header rows, all sheets
# --------------------------------------------------------------------------------------------

#: Rows searched for the header line (title lines, notes and empty lines above it are skipped).
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class Decoded:
    """An uploaded text file decoded; ``odd_lines`` were decoded with ``odd_codec`` because the
    rest of the file is in ``codec`` (a mostly UTF-8 file with a few Windows-1252 lines)."""

    text: str
    codec: str
    odd_lines: tuple[int, ...] = ()
    odd_codec: str | None = None

    @property
    def label(self) -> str:
        base = ENCODING_LABELS.get(self.codec, self.codec)
        if self.odd_lines and self.odd_codec:
            return f"{base} (+ {len(self.odd_lines)} Zeile(n) {ENCODING_LABELS[self.odd_codec]})"
        return base

    def notes(self) -> list[tuple[int, str]]:
        """``(line, message)`` for every line decoded differently from the rest (report these)."""
        if not self.odd_codec:
            return []
        other = ENCODING_LABELS.get(self.codec, self.codec)
        odd = ENCODING_LABELS[self.odd_codec]
        return [
            (n, f"Zeile als {odd} gelesen (die übrige Datei ist {other}) – Umlaute prüfen")
            for n in self.odd_lines
        ]


def decode_upload(data: bytes, file: str) -> Decoded:
    """Decode an uploaded text file like :func:`decode_text`, but never mangle a mixed file.

    A file that is not valid UTF-8 as a whole but has UTF-8 lines with umlauts (an export with
    a few lines pasted from a Windows program) is decoded line by line: every line as UTF-8
    where it is valid, else as Windows-1252; the lines of the minority encoding are listed in
    :attr:`Decoded.odd_lines` so importers warn about them.
    """
    text, codec = decode_text(data, file)
    if codec in ("utf-8", "utf-8-sig", "utf-16"):
        return Decoded(text, codec)
    lines = data.split(b"\n")
    utf8: set[int] = set()
    cp: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8.add(number)
        except UnicodeDecodeError:
            cp.append(number)
    if not utf8:
        return Decoded(text, codec)
    try:
        decoded = [
            line.decode("utf-8") if n in utf8 else line.decode("cp1252")
            for n, line in enumerate(lines, start=1)
        ]
    except UnicodeDecodeError:
        bad = next(n for n, line in enumerate(lines, start=1) if _undecodable(line))
        raise DataError(
            f"Zeile {bad} ist weder UTF-8 noch Windows-1252 (die Datei mischt Kodierungen) – "
            "bitte einheitlich als UTF-8 speichern",
            file=file,
            row=bad,
        ) from None
    text = "\n".join(decoded)
    if len(cp) <= len(utf8):
        return Decoded(text, "utf-8", tuple(cp), "cp1252")
    return Decoded(text, "cp1252", tuple(sorted(utf8)), "utf-8")


def _undecodable(line: bytes) -> bool:
    for codec in ("utf-8", "cp1252"):
        try:
            line.decode(codec)
            return False
        except UnicodeDecodeError:
            continue
    return True


_SEP_LINE = re.compile(r"sep=(.)\r?")


def split_sep_line(text: str) -> tuple[str, str | None, int]:
    """Excel's ``sep=;`` first line: ``(rest of the text, delimiter, lines removed)``.

    Excel hides this line, so the header it shows as row 1 is the second line of the file; the
    caller numbers the remaining lines from ``lines removed + 1``.
    """
    first, newline, rest = text.partition("\n")
    m = _SEP_LINE.fullmatch(first.lstrip("\ufeff").strip(" "))
    if m and newline:
        return rest, m.group(1), 1
    return text, None, 0


def cell_is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@dataclass(frozen=True)
class Header:
    """The header found in a table: its (last) row, the column names and how well they matched.

    A header over two rows (a merged group label above, the field names below – "Förderung" over
    "Jahr | Betrag") has ``first_row = row - 1`` and names combined per column.
    """

    row: int
    first_row: int
    cells: list[str]
    score: int


def _header_pair(
    upper: Sequence[object], lower: Sequence[object], known: Callable[[str], bool]
) -> list[str]:
    """Column names of a two-row header: the merged group label of the upper row is carried to
    the right over empty cells; per column the lower cell wins when it is a known name, else
    the upper one, else both joined."""
    width = max(len(upper), len(lower))
    out: list[str] = []
    carry = ""
    for i in range(width):
        up = str(upper[i]).strip() if i < len(upper) and not cell_is_blank(upper[i]) else ""
        low = str(lower[i]).strip() if i < len(lower) and not cell_is_blank(lower[i]) else ""
        carry = up or carry
        top = up or (carry if low else "")
        if low and known(low):
            out.append(low)
        elif top and known(top):
            out.append(top)
        else:
            out.append(" ".join(p for p in (top, low) if p))
    return out


def find_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    score: Callable[[Sequence[str]], int],
    *,
    known: Callable[[str], bool],
    min_score: int,
    scan: int = HEADER_SCAN_ROWS,
) -> Header | None:
    """The header among the first ``scan`` non-empty rows: the row with the highest ``score``
    (the first of equals), or two consecutive rows whose combined names score strictly higher
    than any single row (a merged two-row header). ``None`` below ``min_score``.

    Parameters
    ----------
    rows
        ``(spreadsheet row, cells)`` in file order.
    score
        Points for a list of column names (e.g. the number of distinct fields they name).
    known
        Whether one column name names a field (used to combine two-row headers).
    """
    candidates = [(n, cells) for n, cells in rows[: scan * 4] if not all(map(cell_is_blank, cells))]
    candidates = candidates[:scan]
    best: Header | None = None
    for n, cells in candidates:
        names = ["" if cell_is_blank(c) else str(c).strip() for c in cells]
        s = score(names)
        if best is None or s > best.score:
            best = Header(n, n, names, s)
    for (n1, upper), (n2, lower) in zip(candidates, candidates[1:], strict=False):
        if n2 != n1 + 1:
            continue
        names = _header_pair(upper, lower, known)
        s = score(names)
        if best is not None and s > best.score:
            best = Header(n2, n1, names, s)
    if best is None or best.score < min_score:
        return None
    return best


@dataclass(frozen=True)
class SheetRows:
    """The cells of one worksheet (``name``) or of a CSV file (``name`` = ``None``)."""

    name: str | None
    rows: list[tuple[int, list[Any]]]


_XML_DECL_SCAN = 1 << 16


def _refuse_xml_entities(zf: zipfile.ZipFile, file: str) -> None:
    """Refuse XML parts that declare a DOCTYPE or entities (billion laughs, external entities).

    Excel never writes a DOCTYPE; openpyxl with defusedxml refuses them too – this check also
    holds when defusedxml is switched off (``OPENPYXL_DEFUSEDXML=False``).
    """
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(_XML_DECL_SCAN)
        probe = head.replace(b"\x00", b"").upper()  # UTF-16 parts: drop the zero bytes
        if b"<!DOCTYPE" in probe or b"<!ENTITY" in probe:
            raise DataError(
                f"die Excel-Datei enthält XML mit DOCTYPE/ENTITY-Deklarationen ({info.filename}) "
                "– das schreibt kein Tabellenprogramm; Datei abgelehnt",
                file=file,
            )


def _xlsx_error(exc: BaseException, file: str) -> DataError:
    """One sentence for a workbook openpyxl cannot read (its messages span several lines)."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return DataError(
                "die Excel-Datei enthält unzulässige XML-Deklarationen (DOCTYPE/ENTITY) – "
                "Datei abgelehnt",
                file=file,
            )
        cause = cause.__cause__ or cause.__context__
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return DataError(f"Excel-Datei nicht lesbar: {first}", file=file)


def read_xlsx_sheets(source: bytes | Path, max_bytes: int, file: str) -> list[SheetRows]:
    """All worksheets of an ``.xlsx`` as raw cell values (numbers stay numbers), empty rows
    left out, every row with the number a spreadsheet shows.

    Raises
    ------
    DataError
        No zip, a zip bomb (:func:`check_xlsx_unpacked`), XML with entity declarations
        (billion laughs), or a workbook openpyxl cannot read – one sentence naming the file.
    """
    check_xlsx_unpacked(source, max_bytes, file)
    with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
        _refuse_xml_entities(zf, file)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(
            io.BytesIO(source) if isinstance(source, bytes) else source,
            read_only=True,
            data_only=True,
        )
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, SyntaxError) as exc:
        raise _xlsx_error(exc, file) from exc
    sheets: list[SheetRows] = []
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # a wrong stored dimension must not hide rows
            rows: list[tuple[int, list[Any]]] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = list(values)
                if not all(map(cell_is_blank, cells)):
                    rows.append((number, cells))
            sheets.append(SheetRows(str(ws.title), rows))
    except (KeyError, ValueError, TypeError, zipfile.BadZipFile, SyntaxError) as exc:
        raise _xlsx_error(exc, file) from exc
    finally:
        wb.close()
    return sheets
