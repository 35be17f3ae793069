"""Load the project's datasets from the configured data directory, with derived caches.

This is the one entry point the CLI, the app and the scripts use to get data; all of them therefore
see the same frames. Derived artefacts (NRW boundaries in EPSG:25832, simplified web geometry) are
cached as GeoParquet in ``settings.derived_dir`` keyed by the source file's name, size and mtime, so
a restart does not redo them.
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
from mapapp.io.statistics import read_gvisys, read_inkar_foreign_share, read_zensus_gemeinden
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_RB, DataMissingError

#: Tolerance (metres) for web geometry; VG250 at NRW scale loses nothing visible at 100 m.
WEB_SIMPLIFY_M = 100.0
#: Resolution of the Zensus 2022 population grid the coverage pipeline reads (file in the zip).
ZENSUS_GRID_RESOLUTION = "1km"
#: Margin (metres) around the NRW bounding box when clipping the population grid.
_GRID_BBOX_MARGIN_M = 2000.0
_CACHE_VERSION = "1"


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


def load_boundaries(settings: Settings, simplify_m: float = 0.0) -> Boundaries:
    """NRW boundaries from the data directory (cached as GeoParquet).

    Parameters
    ----------
    simplify_m
        ``0`` = geometry as published; ``> 0`` = coverage-simplified with that tolerance in metres
        (shared borders kept). Kreise, RB and Land are dissolved from the simplified Gemeinden, so
        all levels line up exactly.
    """
    path = find_boundary_archive(settings.raw_dir)
    fp = _fingerprint(path, simplify_m)
    cache = settings.derived_dir / f"boundaries_{fp}"
    names = ("land", "rb", "kreise", "gemeinden")
    meta_file = cache / "meta.txt"
    if meta_file.exists() and all((cache / f"{n}.parquet").exists() for n in names):
        product, year = meta_file.read_text().split("|")
        frames = {n: gpd.read_parquet(cache / f"{n}.parquet") for n in names}
        return Boundaries(**frames, product=product, year=int(year))
    b = read_boundaries(path)
    if simplify_m > 0:
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
        b = Boundaries(
            land=gpd.GeoDataFrame(land.drop(columns="_k"), geometry="geometry", crs=gem.crs),
            rb=gpd.GeoDataFrame(rb, geometry="geometry", crs=gem.crs),
            kreise=gpd.GeoDataFrame(kreise, geometry="geometry", crs=gem.crs),
            gemeinden=gem,
            product=b.product,
            year=b.year,
        )
    cache.mkdir(parents=True, exist_ok=True)
    for n, frame in b.frames().items():
        tmp = cache / f"{n}.parquet.tmp"
        frame.to_parquet(tmp)
        tmp.replace(cache / f"{n}.parquet")
    meta_file.write_text(f"{b.product}|{b.year}")
    return b


def _raw(settings: Settings, subdir: str, filename: str) -> Path:
    path = settings.raw_path(subdir, filename)
    if not path.exists():
        raise DataMissingError(f"{path} fehlt – zuerst 'mapapp fetch-data' ausführen.")
    return path


def load_gvisys(settings: Settings) -> pd.DataFrame:
    """GV-ISys NRW Gemeinden (population, area, PLZ of the seat, centre lon/lat); cached."""
    src = SOURCES["gvisys"]
    path = _raw(settings, src.subdir, src.filename)
    cache = settings.derived_dir / f"gvisys_{_fingerprint(path)}.parquet"
    if cache.exists():
        return pd.read_parquet(cache)
    frame = read_gvisys(path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(cache)
    return frame


def load_zensus(settings: Settings) -> pd.DataFrame | None:
    """Zensus 2022 per Gemeinde, or ``None`` when the (mirror-only) file is not there."""
    subdir, name = MIRROR_ONLY_FILES["zensus_gemeinden"]
    path = settings.raw_path(subdir, name)
    return read_zensus_gemeinden(path) if path.exists() else None


def load_inkar(settings: Settings) -> pd.DataFrame | None:
    """INKAR Ausländeranteil per Kreis and year, or ``None`` when the file is not there."""
    subdir, name = MIRROR_ONLY_FILES["inkar_foreign_share"]
    path = settings.raw_path(subdir, name)
    return read_inkar_foreign_share(path) if path.exists() else None


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
    if cache.exists():
        return pd.read_parquet(cache)
    from mapapp.io import population_grid  # only needed when the cache is cold

    cells = population_grid.read_population_grid(
        path, resolution=resolution, bbox=bbox, missing="drop"
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_name(cache.name + ".tmp")
    cells.to_parquet(tmp)
    tmp.replace(cache)
    return cells


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


def load_published_totals(settings: Settings) -> pd.DataFrame:
    """The ministry's published KOMM-IN totals (``kommin_published_totals.csv``)."""
    return pd.read_csv(reference_path(settings, "totals"), dtype={"period": str})


def load_registry(settings: Settings) -> pd.DataFrame:
    """The active funding registry (a stored ministry import, else the documented list), validated."""
    from mapapp.io.funding import active_registry_path, read_registry_csv

    path, _ = active_registry_path(settings)
    return read_registry_csv(path, load_status(settings))
