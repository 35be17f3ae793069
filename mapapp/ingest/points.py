"""The x,y CSV inputs of ``mapapp coverage``: demand and supply points, and cost tables.

Read with the one reader (:mod:`mapapp.ingest.read`: any common encoding, ``;``/``,``/tab,
``sep=`` line), so a file saved by Excel works as well as one written by a script. Columns are
named exactly (``id``, ``x``, ``y``, the value column); with ``;`` as delimiter a decimal comma
is read. x/y are metres in EPSG:25832 and must lie in or near NRW – degrees or swapped axes are
refused with a hint. Only pandas and numpy are used (no geopandas).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mapapp.ingest.columns import unique_names
from mapapp.ingest.point_arrays import NRW_X_RANGE, NRW_Y_RANGE, PointArrays, point_columns
from mapapp.ingest.read import read_table
from mapapp.model import DataError

__all__ = [
    "NRW_X_RANGE",
    "NRW_Y_RANGE",
    "check_nrw_xy",
    "read_columns",
    "read_costs",
    "read_point_arrays",
    "read_points",
]


def read_columns(
    source: bytes | str | Path, columns: Sequence[str], *, file: str | None = None
) -> tuple[pd.DataFrame, str]:
    """The named columns of a CSV as stripped strings, index = spreadsheet row numbers, rows
    whose cells are all empty dropped; and the delimiter.

    Raises
    ------
    DataError
        Unreadable file, or a column missing in the header (row 1).
    """
    table = read_table(source, file=file, kinds=("csv",))
    label = str(source) if file is None and not isinstance(source, bytes) else table.file
    rows = table.sheets[0].rows
    header_row, header = rows[0]
    names = [n.strip() for n in unique_names(header)]
    for column in columns:
        if column not in names:
            raise DataError("Spalte fehlt", file=label, row=header_row, field=column)
    at = [names.index(c) for c in columns]
    body = [(n, cells) for n, cells in rows if n > header_row]
    for n, cells in body:
        if len(cells) > len(names) and any(str(c).strip() for c in cells[len(names) :]):
            raise DataError("falsche Anzahl Felder", file=label, row=n)
    data = {
        c: [str(cells[i]).strip() if i < len(cells) else "" for _, cells in body]
        for c, i in zip(columns, at, strict=True)
    }
    frame = pd.DataFrame(data, index=pd.Index([n for n, _ in body], dtype="int64"), dtype=str)
    return frame[(frame != "").any(axis=1)], table.delimiter or ","


def _numbers(frame: pd.DataFrame, column: str, sep: str, label: str, *, non_negative: bool) -> None:
    """Replace a text column by floats in place; DataError naming the first bad row."""
    text = frame[column]
    if sep == ";":
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").astype(float)
    bad = ~np.isfinite(values.to_numpy())
    if non_negative:
        bad |= values.to_numpy() < 0
    if bad.any():
        row = int(frame.index[bad][0])
        what = "keine Zahl >= 0" if non_negative else "keine Zahl"
        raise DataError(f"{frame[column].loc[row]!r} ist {what}", file=label, row=row, field=column)
    frame[column] = values


def _ids(frame: pd.DataFrame, column: str, label: str) -> None:
    empty = frame[column] == ""
    if empty.any():
        raise DataError("id fehlt", file=label, row=int(frame.index[empty][0]), field=column)
    dup = frame[column].duplicated()
    if dup.any():
        row = int(frame.index[dup][0])
        raise DataError(
            f"id {frame[column].loc[row]!r} kommt mehrfach vor", file=label, row=row, field=column
        )


def _de(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def check_nrw_xy(frame: pd.DataFrame, label: str) -> None:
    """DataError naming the first row whose x/y are not metres in EPSG:25832 in or near NRW."""
    x = frame["x"].to_numpy(dtype=float)
    y = frame["y"].to_numpy(dtype=float)
    x_ok = (x >= NRW_X_RANGE[0]) & (x <= NRW_X_RANGE[1])
    y_ok = (y >= NRW_Y_RANGE[0]) & (y <= NRW_Y_RANGE[1])
    bad = ~(x_ok & y_ok)
    if not bad.any():
        return
    pos = int(np.flatnonzero(bad)[0])
    xi, yi = x[pos], y[pos]
    if abs(xi) <= 180 and abs(yi) <= 90:
        hint = "sieht nach Grad (WGS84) aus; "
    elif NRW_X_RANGE[0] <= yi <= NRW_X_RANGE[1] and NRW_Y_RANGE[0] <= xi <= NRW_Y_RANGE[1]:
        hint = "x und y vertauscht? "
    else:
        hint = ""
    raise DataError(
        f"x={xi:.10g}, y={yi:.10g} liegt nicht in NRW: {hint}erwartet sind Meter in EPSG:25832 "
        f"(x {_de(NRW_X_RANGE[0])}–{_de(NRW_X_RANGE[1])}, "
        f"y {_de(NRW_Y_RANGE[0])}–{_de(NRW_Y_RANGE[1])})",
        file=label,
        row=int(frame.index[pos]),
        field="x" if not x_ok[pos] else "y",
    )


def read_points(
    source: bytes | str | Path,
    *,
    file: str | None = None,
    value: str | None = None,
    need_xy: bool = True,
) -> pd.DataFrame:
    """Demand or supply points: ``id`` (unique), ``x``/``y`` (EPSG:25832 metres in NRW, unless
    ``need_xy`` is off) and the ``value`` column (a number ≥ 0) as floats.

    Returns
    -------
    Frame with those columns, index = spreadsheet row numbers.

    Raises
    ------
    DataError
        Unreadable file, a missing column, no data rows, an empty or repeated id, a value that is
        no number (≥ 0), x/y outside NRW (degrees and swapped axes named) – one sentence.
    """
    frame, sep = read_columns(source, point_columns(value, need_xy), file=file)
    label = file or ("Upload" if isinstance(source, bytes) else str(source))
    if frame.empty:
        raise DataError("enthält keine Datenzeilen (nur die Kopfzeile)", file=label)
    _ids(frame, "id", label)
    if need_xy:
        _numbers(frame, "x", sep, label, non_negative=False)
        _numbers(frame, "y", sep, label, non_negative=False)
    if value:
        _numbers(frame, value, sep, label, non_negative=True)
    if need_xy:
        check_nrw_xy(frame, label)
    return frame


def read_point_arrays(
    source: bytes | str | Path, *, value: str | None, need_xy: bool
) -> PointArrays:
    """:func:`read_points` as arrays (the form :func:`mapapp.ingest.point_arrays.quick_points`
    returns for plain files)."""
    frame = read_points(source, value=value, need_xy=need_xy)
    return PointArrays(
        ids=frame["id"].tolist(),
        xy=frame[["x", "y"]].to_numpy(dtype=np.float64) if need_xy else None,
        value=frame[value].to_numpy(dtype=np.float64) if value else None,
    )


def read_costs(source: bytes | str | Path, *, file: str | None = None) -> pd.DataFrame:
    """A cost table: ``origin``, ``destination`` (ids, not empty) and ``cost`` (a number ≥ 0)."""
    frame, sep = read_columns(source, ["origin", "destination", "cost"], file=file)
    label = file or ("Upload" if isinstance(source, bytes) else str(source))
    for column in ("origin", "destination"):
        empty = frame[column] == ""
        if empty.any():
            raise DataError("id fehlt", file=label, row=int(frame.index[empty][0]), field=column)
    _numbers(frame, "cost", sep, label, non_negative=True)
    return frame
