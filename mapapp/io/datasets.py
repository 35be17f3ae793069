"""Load the project's datasets from the configured data directory, with derived caches.

This is the one entry point the CLI, the app and the scripts use to get data; all of them therefore
see the same frames. Derived artefacts (NRW boundaries in EPSG:25832, simplified web geometry, the
GV-ISys table, the clipped population grid) are cached as (Geo)Parquet in ``settings.derived_dir``
keyed by the source file's name, size and mtime, so a restart does not redo them.

The caches heal themselves (:mod:`mapapp.io.caches`): written atomically, validated when read
(readable, expected columns, not empty, matching stamp) and rebuilt from the raw files when
damaged. A damaged raw file ends in one :class:`~mapapp.model.DataError` naming the file and the
``mapapp fetch-data --force --only KEY`` that fetches it again. :func:`check_caches` does the same
for every cache in the folder (``mapapp doctor``).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from mapapp.config import MIRROR_ONLY_FILES, REFERENCE_FILES, SOURCES, Settings
from mapapp.io.boundaries import (
    Boundaries,
    dissolve_units,
    find_boundary_archive,
    read_boundaries,
    simplify_coverage,
)
from mapapp.io.caches import (
    CacheDamaged,
    cached,
    read_frame,
    read_raw,
    read_stamp,
    write_frame,
    write_stamp,
)
from mapapp.io.funding import active_registry_path, read_registry_csv
from mapapp.io.statistics import read_gvisys, read_inkar_foreign_share, read_zensus_gemeinden
from mapapp.model import (
    COL_AGS,
    COL_KREIS_AGS,
    COL_NAME,
    COL_POPULATION,
    COL_RB,
    DataMissingError,
)

#: Tolerance (metres) for web geometry; VG250 at NRW scale loses nothing visible at 100 m.
WEB_SIMPLIFY_M = 100.0
#: Resolution of the Zensus 2022 population grid the coverage pipeline reads (file in the zip).
ZENSUS_GRID_RESOLUTION = "1km"
#: Margin (metres) around the NRW bounding box when clipping the population grid.
_GRID_BBOX_MARGIN_M = 2000.0
_CACHE_VERSION = "2"

#: Columns each cached frame must have (checked when read).
BOUNDARY_COLUMNS: dict[str, tuple[str, ...]] = {
    "land": (COL_AGS, COL_NAME, "geometry"),
    "rb": (COL_AGS, COL_NAME, "geometry"),
    "kreise": (COL_AGS, COL_NAME, COL_RB, "geometry"),
    "gemeinden": (COL_AGS, COL_NAME, COL_RB, COL_KREIS_AGS, "geometry"),
}
GVISYS_COLUMNS = (COL_AGS, COL_NAME, "area_km2", COL_POPULATION, "plz", "lon", "lat")
GRID_COLUMNS = ("cell_id", "x", "y", COL_POPULATION)
_STAMP = "meta.json"


def _fingerprint(path: Path, *extra: object) -> str:
    st = path.stat()
    key = f"{_CACHE_VERSION}|{path.name}|{st.st_size}|{int(st.st_mtime)}|" + "|".join(
        map(str, extra)
    )
    return hashlib.sha256(key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class DataVersion:
    """Hashable description of the loaded data, usable as a cache key."""

    boundary_file: str
    fingerprint: str


def boundary_version(settings: Settings) -> DataVersion:
    path = find_boundary_archive(settings.raw_dir)
    return DataVersion(boundary_file=str(path), fingerprint=_fingerprint(path))


def boundaries_cache_dir(settings: Settings, simplify_m: float = 0.0) -> Path:
    """The cache folder of the boundaries at this tolerance (``boundaries_<m>m_<fingerprint>``)."""
    path = find_boundary_archive(settings.raw_dir)
    return settings.derived_dir / f"boundaries_{simplify_m:g}m_{_fingerprint(path, simplify_m)}"


def load_boundaries(settings: Settings, simplify_m: float = 0.0) -> Boundaries:
    """NRW boundaries from the data directory (cached as GeoParquet, rebuilt when damaged).

    Parameters
    ----------
    simplify_m
        ``0`` = geometry as published; ``> 0`` = coverage-simplified with that tolerance in metres
        (shared borders kept). Kreise, RB and Land are dissolved from the simplified Gemeinden, so
        all levels line up exactly.

    Raises
    ------
    DataMissingError
        No BKG archive in the data directory.
    DataError
        The archive is damaged (names the file and the ``fetch-data`` command) or has a wrong
        layout.
    """
    path = find_boundary_archive(settings.raw_dir)
    cache = boundaries_cache_dir(settings, simplify_m)
    return cached(
        cache,
        lambda: read_boundaries_cache(cache),
        lambda: _build_boundaries(settings, path, simplify_m),
        lambda b: _write_boundaries_cache(cache, b, simplify_m),
    )


def read_boundaries_cache(cache: Path) -> Boundaries:
    """The four frames, checked against the stamp (written last, with the row counts)."""
    stamp = read_stamp(cache / _STAMP)
    rows = stamp.get("rows")
    if not isinstance(rows, dict) or set(rows) != set(BOUNDARY_COLUMNS):
        raise CacheDamaged(cache / _STAMP, "Stempel unvollständig")
    frames = {}
    for name, columns in BOUNDARY_COLUMNS.items():
        frame = read_frame(cache / f"{name}.parquet", columns, geo=True)
        if len(frame) != rows[name]:
            raise CacheDamaged(
                cache / f"{name}.parquet", f"{len(frame)} statt {rows[name]} Zeilen (Stempel)"
            )
        frames[name] = frame
    try:
        product, year = str(stamp["product"]), int(stamp["year"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CacheDamaged(cache / _STAMP, "Stempel unvollständig") from exc
    return Boundaries(**frames, product=product, year=year)


def _write_boundaries_cache(cache: Path, b: Boundaries, simplify_m: float) -> None:
    """Frames first, the stamp last: a folder without a valid stamp is never read as complete."""
    for name, frame in b.frames().items():
        write_frame(cache / f"{name}.parquet", frame)
    rows = {name: len(frame) for name, frame in b.frames().items()}
    write_stamp(
        cache / _STAMP,
        {"product": b.product, "year": b.year, "simplify_m": simplify_m, "rows": rows},
    )


def _build_boundaries(settings: Settings, path: Path, simplify_m: float) -> Boundaries:
    b = read_raw(settings.raw_dir, path, read_boundaries)
    if simplify_m <= 0:
        return b
    gem = simplify_coverage(b.gemeinden, simplify_m)
    kreise = b.kreise.drop(columns="geometry").merge(
        dissolve_units(gem, COL_KREIS_AGS).rename(columns={COL_KREIS_AGS: COL_AGS}), on=COL_AGS
    )
    rb = b.rb.drop(columns="geometry").merge(
        dissolve_units(gem, COL_RB).rename(columns={COL_RB: COL_AGS}), on=COL_AGS
    )
    land = (
        b.land.drop(columns="geometry")
        .assign(_k=1)
        .merge(dissolve_units(gem.assign(_k=1), "_k"), on="_k")
    )
    return Boundaries(
        land=gpd.GeoDataFrame(land.drop(columns="_k"), geometry="geometry", crs=gem.crs),
        rb=gpd.GeoDataFrame(rb, geometry="geometry", crs=gem.crs),
        kreise=gpd.GeoDataFrame(kreise, geometry="geometry", crs=gem.crs),
        gemeinden=gem,
        product=b.product,
        year=b.year,
    )


def _raw(settings: Settings, subdir: str, filename: str) -> Path:
    path = settings.raw_path(subdir, filename)
    if not path.exists():
        raise DataMissingError(f"{path} fehlt – zuerst 'mapapp fetch-data' ausführen.")
    return path


def gvisys_cache_path(settings: Settings) -> Path:
    src = SOURCES["gvisys"]
    path = _raw(settings, src.subdir, src.filename)
    return settings.derived_dir / f"gvisys_{_fingerprint(path)}.parquet"


def load_gvisys(settings: Settings) -> pd.DataFrame:
    """GV-ISys NRW Gemeinden (population, area, PLZ of the seat, centre lon/lat); cached."""
    src = SOURCES["gvisys"]
    path = _raw(settings, src.subdir, src.filename)
    cache = gvisys_cache_path(settings)
    return cached(
        cache,
        lambda: read_frame(cache, GVISYS_COLUMNS),
        lambda: read_raw(settings.raw_dir, path, read_gvisys),
        lambda frame: write_frame(cache, frame),
    )


def load_zensus(settings: Settings) -> pd.DataFrame | None:
    """Zensus 2022 per Gemeinde, or ``None`` when the (mirror-only) file is not there."""
    subdir, name = MIRROR_ONLY_FILES["zensus_gemeinden"]
    path = settings.raw_path(subdir, name)
    return read_raw(settings.raw_dir, path, read_zensus_gemeinden) if path.exists() else None


def load_inkar(settings: Settings) -> pd.DataFrame | None:
    """INKAR Ausländeranteil per Kreis and year, or ``None`` when the file is not there."""
    subdir, name = MIRROR_ONLY_FILES["inkar_foreign_share"]
    path = settings.raw_path(subdir, name)
    return read_raw(settings.raw_dir, path, read_inkar_foreign_share) if path.exists() else None


def population_grid_path(settings: Settings) -> Path:
    """Where ``mapapp fetch-data --only zensus_grid`` puts the Zensus 2022 population grid zip."""
    src = SOURCES["zensus_grid"]
    return settings.raw_path(src.subdir, src.filename)


def load_nrw_population_grid(
    settings: Settings, resolution: str = ZENSUS_GRID_RESOLUTION
) -> pd.DataFrame | None:
    """Zensus 2022 population grid cells around NRW, or ``None`` when the zip is not there.

    Reads ``raw/zensus2022/Zensus2022_Bevoelkerungszahl.zip`` (:data:`config.SOURCES`
    ``["zensus_grid"]``) with :func:`mapapp.io.population_grid.read_population_grid`, keeping the
    cells whose centre lies in the NRW bounding box (from the boundaries in the data directory)
    plus a margin of at least 2 km; which cells belong to a Gemeinde is decided later
    (:func:`mapapp.analysis.demand.demand_from_population_grid`). Cells with a statistical marker
    instead of a number of people are left out. The result is cached as Parquet in
    ``settings.derived_dir``, keyed by the zip's name, size and mtime, the resolution and the box,
    so the large file is parsed once.

    Parameters
    ----------
    resolution
        Which CSV of the zip: ``"1km"`` (default), ``"100m"`` or ``"10km"``.

    Returns
    -------
    pandas.DataFrame or None
        ``cell_id``, ``x``, ``y`` (cell centre, EPSG:25832 metres), ``population`` (people).

    Raises
    ------
    DataMissingError
        No boundaries in the data directory (the NRW box comes from them).
    DataError
        The zip has no unambiguous CSV of that resolution, or bad values.
    """
    path = population_grid_path(settings)
    if not path.exists():
        return None
    minx, miny, maxx, maxy = load_boundaries(settings, simplify_m=WEB_SIMPLIFY_M).land.total_bounds
    step = _GRID_BBOX_MARGIN_M
    bbox = (
        math.floor(minx / step - 1) * step,
        math.floor(miny / step - 1) * step,
        math.ceil(maxx / step + 1) * step,
        math.ceil(maxy / step + 1) * step,
    )
    cache = settings.derived_dir / (
        f"zensus_grid_{resolution}_{_fingerprint(path, resolution, bbox)}.parquet"
    )
    return cached(
        cache,
        lambda: read_frame(cache, GRID_COLUMNS, min_rows=0),
        lambda: read_raw(settings.raw_dir, path, lambda p: _read_grid(p, resolution, bbox)),
        lambda cells: write_frame(cache, cells),
    )


def _read_grid(
    path: Path, resolution: str, bbox: tuple[float, float, float, float]
) -> pd.DataFrame:
    from mapapp.io import population_grid  # only needed when the cache is cold

    return population_grid.read_population_grid(
        path, resolution=resolution, bbox=bbox, missing="drop"
    )


def reference_path(settings: Settings, key: str) -> Path:
    """Path of a committed reference file (``geodata/reference``)."""
    return settings.reference_dir / REFERENCE_FILES[key]


def load_status(settings: Settings) -> pd.DataFrame:
    """``nrw_municipal_status.csv``: status § 4 GO NRW and Ausländerbehörde per Gemeinde/Kreis."""
    path = reference_path(settings, "status")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[COL_AGS] = frame[COL_AGS].str.strip()
    frame["has_auslaenderbehoerde"] = frame["has_auslaenderbehoerde"].str.lower().eq("yes")
    return frame.rename(columns={"name": COL_NAME})


def load_kreis_seats(settings: Settings) -> pd.DataFrame:
    """``nrw_kreis_seats.csv``: the seat (Kreisstadt) of each Kreis's administration.

    Columns as in the file (``kreis_ags``, ``kreis_name``, ``seat_ags``, ``seat_name``,
    ``seat_has_own_auslaenderbehoerde``, ``source_url``, ``evidence``), all text, keys stripped.
    """
    frame = pd.read_csv(reference_path(settings, "kreis_seats"), dtype=str, keep_default_na=False)
    for col in ("kreis_ags", "seat_ags"):
        frame[col] = frame[col].str.strip()
    return frame


def load_published_totals(settings: Settings) -> pd.DataFrame:
    """The ministry's published KOMM-IN totals (``kommin_published_totals.csv``)."""
    return pd.read_csv(reference_path(settings, "totals"), dtype={"period": str})


def load_registry(settings: Settings) -> pd.DataFrame:
    """The active funding registry (a stored ministry import, else the documented list), validated."""

    path, _ = active_registry_path(settings)
    return read_registry_csv(path, load_status(settings))
