"""Safe tabular exports (CSV that spreadsheets open without running formulas)."""

from __future__ import annotations

import io
from pathlib import Path

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
