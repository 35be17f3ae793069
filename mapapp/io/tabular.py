"""Safe tabular exports: the two CSV dialects, XLSX workbooks and the sources file beside them
(the reading side of tables is :mod:`mapapp.ingest`).

Every writer passes the table through :func:`safe_frame` first, so a text cell a spreadsheet
would run as a formula (``=HYPERLINK(…)``, ``+…``, ``-…``, ``@…``) is written as ``'=HYPERLINK(…)``
in every dialect and in XLSX; numbers stay numbers.

Dialects
--------
``csv`` (:data:`CSV_PLAIN`, :func:`to_safe_csv`)
    For scripts: ``,``-separated, UTF-8 without BOM, ``.`` decimals, machine column names.
``csv-excel`` (:data:`CSV_EXCEL`, :func:`to_excel_csv`)
    What German Excel opens with a double click: ``;``-separated, UTF-8 with BOM, decimal comma,
    CRLF line ends; the caller passes translated column labels.

No CSV starts with a comment line: sources and licences go into a second file
(:func:`sources_path`, :func:`sources_text`) or a sheet of the workbook (:func:`to_safe_xlsx`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: A cell starting with one of these is taken as a formula by Excel/LibreOffice/Sheets (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

#: The dialect names (also the values of the CLI's ``--format``).
CSV_PLAIN = "csv"
CSV_EXCEL = "csv-excel"
CSV_DIALECTS = (CSV_PLAIN, CSV_EXCEL)

#: MIME types of the downloads.
MIME_CSV = "text/csv"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_TEXT = "text/plain"

#: Suffix of the sources file written beside a CSV (``angebote.csv`` -> ``angebote.quellen.txt``).
SOURCES_SUFFIX = ".quellen.txt"

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralize_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with ``'`` (OWASP CSV injection).

    Numbers stay numbers (a negative amount is data, not a formula); only strings are changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``frame`` with every text cell neutralised (see :func:`neutralize_cell`): text and
    categorical columns, the column names and a text index; numbers stay numbers."""
    # pandas on call only: ``mapapp coverage`` imports FORMULA_PREFIXES without loading pandas
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralize_cell)
    out.columns = [str(neutralize_cell(str(c))) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(neutralize_cell)
    return out


def to_safe_csv(frame: pd.DataFrame, *, sep: str = ",") -> str:
    """Plain CSV text (dialect ``csv``): ``sep``-separated, ``.`` decimals, ``\\n`` line ends,
    text cells neutralised; encode it as UTF-8 without BOM."""
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf, index=False, sep=sep, lineterminator="\n")
    return buf.getvalue()


def to_excel_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes German Excel opens correctly (dialect ``csv-excel``): ``;``, UTF-8 with BOM,
    decimal comma, CRLF; text cells neutralised. Column names are written as given (pass the
    translated labels)."""
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf, index=False, sep=";", decimal=",", lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def csv_bytes(frame: pd.DataFrame, dialect: str) -> bytes:
    """The table in ``dialect`` (:data:`CSV_PLAIN` or :data:`CSV_EXCEL`) as file bytes."""
    if dialect == CSV_EXCEL:
        return to_excel_csv(frame)
    if dialect == CSV_PLAIN:
        return to_safe_csv(frame).encode("utf-8")
    raise ValueError(
        f"CSV-Dialekt muss einer von {', '.join(CSV_DIALECTS)} sein, nicht {dialect!r}"
    )


def sheet_name(name: str, taken: Sequence[str] = ()) -> str:
    """A name Excel accepts for a sheet: no ``[]:*?/\\``, at most 31 characters, unique among
    ``taken`` (case-insensitive)."""
    base = _SHEET_FORBIDDEN.sub(" ", name).strip().strip("'")[:31] or "Tabelle"
    used = {t.casefold() for t in taken}
    candidate, n = base, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def to_safe_xlsx(
    sheets: Mapping[str, pd.DataFrame], sources: Sequence[str] = (), *, sources_title: str = ""
) -> bytes:
    """An XLSX workbook: one sheet per table (text cells neutralised, numbers as numbers, AGS
    keys as text), then a sheet ``sources_title`` with one line of ``sources`` per row.

    ``sheets`` maps the sheet name (shortened and made unique as Excel needs) to the table with
    the column labels it should show.
    """
    import pandas as pd

    buf = io.BytesIO()
    names: list[str] = []
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            name = sheet_name(title, names)
            names.append(name)
            safe_frame(frame).to_excel(writer, sheet_name=name, index=False)
            _fit_columns(writer.sheets[name])
        if sources:
            name = sheet_name(sources_title or "Quellen", names)
            lines = pd.DataFrame({sources_title or name: list(sources)})
            safe_frame(lines).to_excel(writer, sheet_name=name, index=False)
            writer.sheets[name].column_dimensions["A"].width = 120
    return buf.getvalue()


def _fit_columns(sheet: Any) -> None:
    """Column widths from the longest header or cell (capped), so a sheet opens readable."""
    for column in sheet.columns:
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        sheet.column_dimensions[column[0].column_letter].width = min(max(10, longest + 2), 60)


def sources_text(title: str, lines: Sequence[str]) -> str:
    """The sources file (UTF-8 text): a title line, then one source or licence line each."""
    body = "\n".join(f"- {line}" for line in lines if line)
    return f"{title}\n\n{body}\n"


def sources_path(out: Path) -> Path:
    """Where the sources of the table ``out`` go: ``<stem>.quellen.txt`` beside it."""
    return out.with_name(out.stem + SOURCES_SUFFIX)
