"""Workbooks: ``.xlsx`` with the guards an upload needs (zip bomb, XML entity declarations /
billion laughs, openpyxl errors as one sentence), and ``.xls`` when ``xlrd`` is installed."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from mapapp.ingest.values import is_blank
from mapapp.model import DataError

#: An .xlsx may unpack to at most this many times the upload limit (zip-bomb guard).
XLSX_MAX_UNPACKED_FACTOR = 20
_XML_DECL_SCAN = 1 << 16


@dataclass(frozen=True)
class Sheet:
    """The non-empty rows of one worksheet (``name``) or of a CSV file (``name`` = ``None``),
    each with the number a spreadsheet shows for it."""

    name: str | None
    rows: list[tuple[int, list[Any]]]


def check_xlsx_unpacked(data: bytes, max_bytes: int, file: str) -> None:
    """Refuse an .xlsx that is no zip or unpacks to more than
    :data:`XLSX_MAX_UNPACKED_FACTOR` × ``max_bytes`` (zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
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


_OPENPYXL_ERRORS = (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile, SyntaxError)


def read_xlsx_sheets(data: bytes, max_bytes: int, file: str) -> list[Sheet]:
    """All worksheets of an ``.xlsx`` as raw cell values (numbers stay numbers), empty rows
    left out, every row with the number a spreadsheet shows.

    Raises
    ------
    DataError
        No zip, a zip bomb (:func:`check_xlsx_unpacked`), XML with entity declarations
        (billion laughs), or a workbook openpyxl cannot read – one sentence naming the file.
    """
    check_xlsx_unpacked(data, max_bytes, file)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        _refuse_xml_entities(zf, file)
    from openpyxl import load_workbook  # heavy; only when a workbook arrives

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _OPENPYXL_ERRORS as exc:
        raise _xlsx_error(exc, file) from exc
    sheets: list[Sheet] = []
    try:
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()  # a wrong stored dimension must not hide rows
            rows: list[tuple[int, list[Any]]] = []
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = list(values)
                if not all(map(is_blank, cells)):
                    rows.append((number, cells))
            sheets.append(Sheet(str(ws.title), rows))
    except _OPENPYXL_ERRORS as exc:
        raise _xlsx_error(exc, file) from exc
    finally:
        wb.close()
    return sheets


def xls_supported() -> bool:
    """Whether old ``.xls`` workbooks can be read (the optional ``xlrd`` package)."""
    return importlib.util.find_spec("xlrd") is not None


def read_xls_sheets(data: bytes, file: str) -> list[Sheet]:
    """All worksheets of an Excel 97–2003 ``.xls`` (needs ``xlrd``; see :func:`xls_supported`)."""
    import xlrd  # type: ignore[import-not-found, unused-ignore]  # optional

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises its own XLRDError and struct errors
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DataError(f"Excel-97-Datei (.xls) nicht lesbar: {first}", file=file) from exc
    sheets = []
    for sh in book.sheets():
        rows = [(r + 1, list(sh.row_values(r))) for r in range(sh.nrows)]
        sheets.append(Sheet(str(sh.name), [(n, c) for n, c in rows if not all(map(is_blank, c))]))
    return sheets
