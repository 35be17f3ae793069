"""Safe tabular exports: CSV that spreadsheets open without running formulas (the reading side
of tables is :mod:`mapapp.ingest`)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

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
