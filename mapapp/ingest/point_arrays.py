"""The x,y CSV inputs of ``mapapp coverage`` as arrays, read in one pass without pandas.

:func:`quick_points` handles the common case (UTF-8, exact header, no quotes, clean numbers,
unique ids, points in NRW) with :func:`numpy.loadtxt` and returns ``None`` for anything unusual;
the careful reader (:func:`mapapp.ingest.points.read_point_arrays`: any encoding and delimiter,
one sentence naming file, row and field of a problem) then reads the file. Only numpy is imported
here, so the command stays lean.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

#: x (easting) and y (northing) in EPSG:25832 metres that NRW and its surroundings cover.
NRW_X_RANGE = (200_000.0, 620_000.0)
NRW_Y_RANGE = (5_500_000.0, 5_900_000.0)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PointArrays:
    """Demand or supply points of a CSV file, in file order.

    Attributes
    ----------
    ids
        The ``id`` column (stripped, unique, not empty).
    xy
        ``(n, 2)`` coordinates in metres, EPSG:25832, in or near NRW; ``None`` when not read.
    value
        The value column (demand or capacity, finite, >= 0); ``None`` when not read.
    """

    ids: list[str]
    xy: FloatArray | None
    value: FloatArray | None


def point_columns(value: str | None, need_xy: bool) -> list[str]:
    """The columns a points file must have: ``id``, optionally ``x``, ``y`` and ``value``."""
    return ["id"] + (["x", "y"] if need_xy else []) + ([value] if value else [])


def in_nrw(x: FloatArray, y: FloatArray) -> npt.NDArray[np.bool_]:
    """Whether each point (EPSG:25832 metres) lies in the NRW box."""
    inside = (x >= NRW_X_RANGE[0]) & (x <= NRW_X_RANGE[1])
    inside &= (y >= NRW_Y_RANGE[0]) & (y <= NRW_Y_RANGE[1])
    return inside


def _plain_lines(path: Path) -> list[str] | None:
    """The file's lines (header first) when it is UTF-8 without quotes, lone CRs or blank lines."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if '"' in text or "\r" in text:
        return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) < 2 or "" in lines:
        return None
    return lines


def _ids(body: list[str], sep: str, at: int) -> list[str] | None:
    """The stripped ids of column ``at``; ``None`` if one is empty or repeated."""
    if at == 0:
        ids = [line.partition(sep)[0].strip() for line in body]
    else:
        try:
            ids = [line.split(sep)[at].strip() for line in body]
        except IndexError:
            return None
    if "" in ids or len(set(ids)) != len(ids):
        return None
    return ids


def _numbers(body: list[str], sep: str, at: list[int]) -> FloatArray | None:
    """The numeric columns ``at`` as an ``(n, len(at))`` array; ``None`` unless all are finite.

    With ``;`` as delimiter a decimal comma is read (as pandas' ``decimal=","`` and the careful
    reader do).
    """
    if sep == ";":
        body = [line.replace(",", ".") for line in body]
    try:
        values = np.loadtxt(
            body, delimiter=sep, usecols=at, dtype=np.float64, comments=None, ndmin=2
        )
    except ValueError:  # a field that is no number, a row with another number of fields
        return None
    return values if np.isfinite(values).all() else None


def quick_points(path: Path, *, value: str | None, need_xy: bool) -> PointArrays | None:
    """Points of a plain CSV in one pass, or ``None`` when the careful reader must look.

    Parameters
    ----------
    path
        CSV with a header row, ``,`` or ``;`` (then with decimal commas).
    value
        Name of the value column (``"demand"``, ``"capacity"``; must be >= 0) or ``None``.
    need_xy
        Read ``x`` and ``y`` (metres, EPSG:25832; all points in NRW).

    Raises
    ------
    OSError
        The file cannot be read.
    """
    lines = _plain_lines(path)
    if lines is None:
        return None
    header, body = lines[0], lines[1:]
    sep = ";" if header.count(";") > header.count(",") else ","
    names = header.split(sep)
    columns = point_columns(value, need_xy)
    if any(n != n.strip() for n in names) or not set(columns) <= set(names):
        return None
    fields = header.count(sep)
    if any(line.count(sep) != fields for line in body):  # a row with more or fewer fields
        return None
    ids = _ids(body, sep, names.index("id"))
    numbers = _numbers(body, sep, [names.index(c) for c in columns[1:]]) if columns[1:] else None
    if ids is None or (columns[1:] and numbers is None):
        return None
    xy = numbers[:, :2] if numbers is not None and need_xy else None
    values = numbers[:, -1] if numbers is not None and value else None
    if values is not None and (values < 0).any():
        return None
    if xy is not None and not in_nrw(xy[:, 0], xy[:, 1]).all():
        return None
    return PointArrays(
        ids=ids,
        xy=None if xy is None else np.ascontiguousarray(xy),
        value=None if values is None else np.ascontiguousarray(values),
    )
