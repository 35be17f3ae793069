"""Reader for Zensus 2022 population grids (100 m / 1 km / 10 km cells, CSV or the official zip).

The official download (``config.SOURCES["zensus_grid"]``) is a zip with one semicolon-separated
CSV per resolution, columns like ``GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner``: the INSPIRE
cell id, the cell centre in EPSG:3035 (ETRS89-LAEA, metres) and the number of inhabitants.
The reader is tolerant of the column spelling (any case, suffixes ``_100m``/``_1km``/``_10km``
or none), of ``,`` or ``;`` as separator and of the decimal comma, and returns cell centres in
EPSG:25832.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import Transformer

from mapapp.config import CRS_METRIC
from mapapp.ingest.decode import decode_text
from mapapp.ingest.read import count_delimiter
from mapapp.io.grid_cells import centres_from_ids, grid_metres, ids_from_centres
from mapapp.model import DataError

#: CRS of the Zensus grid (ETRS89 / LAEA Europe).
CRS_GRID = "EPSG:3035"

#: Markers German statistics print instead of a number ("." secret, "/" too uncertain,
#: "x" not applicable, "-"/"–" nothing). Handled by ``missing``.
MISSING_MARKERS = frozenset({"", ".", "/", "x", "X", "-", "–", "—"})

_ID = re.compile(r"^gitter_id(?:_(\d+k?m))?$", re.IGNORECASE)
_X = re.compile(r"^x(?:_mp)?(?:_(\d+k?m))?$", re.IGNORECASE)
_Y = re.compile(r"^y(?:_mp)?(?:_(\d+k?m))?$", re.IGNORECASE)
_RES_IN_NAME = re.compile(r"(\d+k?m)", re.IGNORECASE)

FloatArray = npt.NDArray[np.float64]


def _pick_member(archive: zipfile.ZipFile, member: str | None, resolution: str | None) -> str:
    names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    if member is not None:
        if member not in archive.namelist():
            raise DataError(f"das Archiv enthält {member!r} nicht", file=archive.filename)
        return member
    if resolution is not None:
        wanted = grid_metres(resolution)
        names = [
            n
            for n in names
            if (m := _RES_IN_NAME.findall(Path(n).name)) and grid_metres(m[-1]) == wanted
        ]
    if len(names) != 1:
        found = ", ".join(n for n in archive.namelist() if n.lower().endswith(".csv"))
        raise DataError(
            f"Gitter-CSV nicht eindeutig (member= oder resolution= angeben); CSV-Dateien: {found}",
            file=archive.filename,
        )
    return names[0]


@contextmanager
def _open(
    path: Path, member: str | None, resolution: str | None
) -> Iterator[tuple[IO[bytes], str]]:
    """Binary handle of the CSV (inside a zip or not) and a label for error messages."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            name = _pick_member(archive, member, resolution)
            with archive.open(name) as handle:
                yield handle, f"{path.name}/{name}"
    else:
        with path.open("rb") as handle:
            yield handle, path.name


def _sniff(head: bytes, label: str) -> tuple[str, str, list[str]]:
    """Encoding, separator and header cells from the first bytes of the CSV, by the rules of the
    one reader (:func:`mapapp.ingest.decode.decode_text`, :func:`mapapp.ingest.read.count_delimiter`).

    The sample is cut after its last complete line, so a multi-byte character cut at the end of
    the sample does not change the encoding.
    """
    end = head.rfind(b"\n")
    text, encoding = decode_text(head[: end + 1] if end >= 0 else head, label)
    first = text.splitlines()[0] if text else ""
    sep = count_delimiter(first)
    return encoding, sep, next(csv.reader([first], delimiter=sep), [])


def _columns(header: list[str], value: str, label: str) -> dict[str, str | None]:
    """Map roles (id, x, y, value) to the file's column names."""
    found: dict[str, str | None] = {"id": None, "x": None, "y": None, "value": None}
    for name in header:
        stripped = name.strip()
        if _ID.match(stripped) and found["id"] is None:
            found["id"] = name
        elif _X.match(stripped) and found["x"] is None:
            found["x"] = name
        elif _Y.match(stripped) and found["y"] is None:
            found["y"] = name
        elif stripped.lower() == value.lower() and found["value"] is None:
            found["value"] = name
    if found["value"] is None:
        raise DataError(f"Spalte {value!r} fehlt", file=label, row=1, field=value)
    if (found["x"] is None or found["y"] is None) and found["id"] is None:
        raise DataError(
            "weder Mittelpunktkoordinaten (x_mp_*/y_mp_*) noch eine Spalte GITTER_ID",
            file=label,
            row=1,
        )
    return found


def _numbers(
    raw: pd.Series, rows: npt.NDArray[np.int64], sep: str, label: str, field: str
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Parse numbers (decimal comma allowed with ``;``); also return where a marker stood."""
    text = raw.fillna("").astype(str).str.strip()
    if sep == ";":
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    marker = text.isin(MISSING_MARKERS).to_numpy()
    bad = ~np.isfinite(values) & ~marker
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{raw.iloc[pos]!r} ist keine Zahl", file=label, row=int(rows[pos]), field=field
        )
    return values, marker


def read_population_grid(
    source: str | Path,
    *,
    member: str | None = None,
    resolution: str | None = None,
    value: str = "Einwohner",
    bbox: tuple[float, float, float, float] | None = None,
    clip: shapely.Geometry | None = None,
    missing: Literal["error", "zero", "drop"] = "error",
    chunksize: int = 500_000,
) -> pd.DataFrame:
    """Read a Zensus population grid and return cell centres in EPSG:25832.

    Over 60 lines by its docstring only; the code is the sniff, the roles and the chunk loop.

    Parameters
    ----------
    source
        A CSV file or the official zip (``Zensus2022_Bevoelkerungszahl.zip``).
    member, resolution
        Which CSV of a zip: its name, or the resolution (``"100m"``, ``"1km"``, ``"10km"``)
        found in its file name. Not needed when the zip holds one CSV.
    value
        Column with the people per cell (any case).
    bbox
        ``(minx, miny, maxx, maxy)`` in EPSG:25832 metres: keep cells whose centre lies inside
        (borders included).
    clip
        A (multi)polygon in EPSG:25832: keep cells whose centre lies inside (e.g. NRW).
    missing
        What to do with a statistical marker (``.``, ``/``, ``x``, ``-``, ``–``, empty) instead
        of a number of people: ``"error"`` (DataError), ``"zero"`` (0 people) or ``"drop"`` (leave
        the cell out). Blank lines are skipped.
    chunksize
        Rows parsed at a time (memory bound for the 100 m file of all of Germany).

    Returns
    -------
    pandas.DataFrame
        Columns ``cell_id`` (the file's GITTER_ID, or built from the centre when the file has
        none), ``x``, ``y`` (cell centre, EPSG:25832 metres) and ``population`` (float, people),
        in file order.

    Raises
    ------
    DataError
        Missing columns, a row with too many fields, a non-numeric value, negative people or a
        marker with ``missing="error"``; the error names the file, the row (header = 1) and the
        column.
    """
    if missing not in ("error", "zero", "drop"):
        raise ValueError("missing muss 'error', 'zero' oder 'drop' sein")
    if chunksize < 1:
        raise ValueError("chunksize muss >= 1 sein")
    path = Path(source)
    with _open(path, member, resolution) as (handle, label):
        encoding, sep, header = _sniff(handle.read(65536), label)
    roles = _columns(header, value, label)
    if clip is not None:
        shapely.prepare(clip)
    keep = _Keep(
        to_metric=Transformer.from_crs(CRS_GRID, CRS_METRIC, always_xy=True),
        bbox=bbox,
        clip=clip,
        missing=missing,
        res_label=_resolution_label(roles),
    )
    with _open(path, member, resolution) as (handle, label):
        stream = io.TextIOWrapper(handle, encoding=encoding, newline="")
        frames = _read_chunks(stream, sep, chunksize, encoding, label, roles, keep)
    if not frames:
        return pd.DataFrame(
            {"cell_id": pd.Series(dtype=object), "x": [], "y": [], "population": []}
        )
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class _Keep:
    """What :func:`read_population_grid` keeps and how: EPSG:3035 -> EPSG:25832, the bbox and
    clip (EPSG:25832), the marker rule and the resolution label for built ids."""

    to_metric: Transformer
    bbox: tuple[float, float, float, float] | None
    clip: shapely.Geometry | None
    missing: str
    res_label: str | None


def _read_chunks(
    stream: IO[str],
    sep: str,
    chunksize: int,
    encoding: str,
    label: str,
    roles: dict[str, str | None],
    keep: _Keep,
) -> list[pd.DataFrame]:
    """Parse the CSV in chunks of ``chunksize`` rows (all cells as text) and check each."""
    reader = pd.read_csv(
        stream,
        sep=sep,
        header=0,  # all columns: a row with extra fields is an error, not ignored
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        chunksize=chunksize,
    )
    frames: list[pd.DataFrame] = []
    first_row = 2
    try:
        for chunk in reader:
            rows = np.arange(first_row, first_row + len(chunk), dtype=np.int64)
            first_row += len(chunk)
            frames.append(_chunk(chunk, rows, roles, sep, label, keep))
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise DataError(
            "fehlerhafte CSV-Zeile (falsche Anzahl Felder)",
            file=label,
            row=int(line.group(1)) if line else None,
        ) from None
    except UnicodeDecodeError:
        raise DataError(f"nicht als {encoding} lesbar", file=label) from None
    return frames


def _resolution_label(roles: dict[str, str | None]) -> str | None:
    """``"100m"`` from ``x_mp_100m`` or ``GITTER_ID_100m``, else ``None``."""
    for role, pattern in (("x", _X), ("id", _ID)):
        name = roles[role]
        if name is not None:
            match = pattern.match(name.strip())
            if match and match.group(1):
                return match.group(1)
    return None


def _chunk(
    chunk: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    roles: dict[str, str | None],
    sep: str,
    label: str,
    keep: _Keep,
) -> pd.DataFrame:
    """Validate, reproject and clip one chunk of rows (``rows``: spreadsheet row numbers)."""
    blank = (chunk.fillna("").astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1)
    if blank.any():
        chunk, rows = chunk[~blank.to_numpy()], rows[~blank.to_numpy()]
    people, marker = _people(chunk, rows, str(roles["value"]), sep, label, keep.missing)
    gx, gy = _grid_centres(chunk, rows, roles, sep, label)
    if roles["id"] is not None:
        ids = chunk[roles["id"]].astype(str).str.strip().to_numpy(dtype=object)
    else:
        ids = ids_from_centres(gx, gy, keep.res_label)
    kept = ~marker if keep.missing == "drop" else np.ones(len(people), dtype=bool)
    people = np.where(marker, 0.0, people)
    x, y = keep.to_metric.transform(gx, gy)
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if keep.bbox is not None:
        minx, miny, maxx, maxy = keep.bbox
        kept &= (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
    if keep.clip is not None:
        kept &= shapely.intersects_xy(keep.clip, x, y)
    return pd.DataFrame(
        {"cell_id": ids[kept], "x": x[kept], "y": y[kept], "population": people[kept]}
    )


def _people(
    chunk: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    value_col: str,
    sep: str,
    label: str,
    missing: str,
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """People per cell and where a statistical marker stood; ``DataError`` for a marker with
    ``missing="error"`` or a negative number."""
    people, marker = _numbers(chunk[value_col], rows, sep, label, value_col)
    if marker.any() and missing == "error":
        pos = int(np.flatnonzero(marker)[0])
        raise DataError(
            f"keine Einwohnerzahl ({chunk[value_col].iloc[pos]!r}); missing='zero' oder 'drop' verwenden",
            file=label,
            row=int(rows[pos]),
            field=value_col,
        )
    negative = people < 0
    if negative.any():
        pos = int(np.flatnonzero(negative)[0])
        raise DataError(
            f"negative Einwohnerzahl ({people[pos]:g})",
            file=label,
            row=int(rows[pos]),
            field=value_col,
        )
    return people, marker


def _grid_centres(
    chunk: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    roles: dict[str, str | None],
    sep: str,
    label: str,
) -> tuple[FloatArray, FloatArray]:
    """Cell centres in EPSG:3035 metres: the x/y columns, else from the INSPIRE ids."""
    if roles["x"] is None or roles["y"] is None:
        return centres_from_ids(chunk[str(roles["id"])], rows, label, str(roles["id"]))
    gx, gx_marker = _numbers(chunk[roles["x"]], rows, sep, label, roles["x"])
    gy, gy_marker = _numbers(chunk[roles["y"]], rows, sep, label, roles["y"])
    for field, marks in ((roles["x"], gx_marker), (roles["y"], gy_marker)):
        if marks.any():
            pos = int(np.flatnonzero(marks)[0])
            raise DataError("Koordinate fehlt", file=label, row=int(rows[pos]), field=field)
    return gx, gy


__all__ = ["CRS_GRID", "MISSING_MARKERS", "read_population_grid"]
