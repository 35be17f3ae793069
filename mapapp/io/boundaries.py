"""BKG Verwaltungsgebiete (VG250 / VG5000) -> NRW frames for Land, RB, Kreise and Gemeinden.

Accepts the archive as published (zip) or unpacked (folder), Shapefile or GeoPackage, in any CRS;
everything returned is in :data:`mapapp.config.CRS_METRIC` (EPSG:25832) with AGS as strings.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from mapapp.config import CRS_METRIC, NRW_LAND
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_RB, DataError, DataMissingError

LEVELS = ("LAN", "RBZ", "KRS", "GEM")
_AGS_LEN = {"LAN": 2, "RBZ": 3, "KRS": 5, "GEM": 8}


@dataclass(frozen=True)
class Boundaries:
    """NRW administrative units (EPSG:25832).

    Each frame has ``ags`` (str), ``name`` (GEN), ``bez`` (BEZ, e.g. "Kreis", "Kreisfreie Stadt"),
    ``geometry``; Kreise and Gemeinden also ``rb`` (3-char key), Gemeinden also ``kreis_ags``.
    """

    land: gpd.GeoDataFrame
    rb: gpd.GeoDataFrame
    kreise: gpd.GeoDataFrame
    gemeinden: gpd.GeoDataFrame
    product: str  # "VG250" | "VG5000"
    year: int  # Stand (year of the "01.01." edition), for the attribution

    def frames(self) -> dict[str, gpd.GeoDataFrame]:
        return {
            "land": self.land,
            "rb": self.rb,
            "kreise": self.kreise,
            "gemeinden": self.gemeinden,
        }


def find_boundary_archive(raw_dir: Path) -> Path:
    """The BKG archive in ``raw_dir/bkg``: VG250 preferred over VG5000, newest name last."""
    folder = raw_dir / "bkg"
    candidates = (
        sorted(folder.glob("vg250*")) + sorted(folder.glob("vg5000*")) if folder.exists() else []
    )
    candidates = [c for c in candidates if c.suffix in {".zip", ".gpkg"} or c.is_dir()]
    if not candidates:
        raise DataMissingError(
            f"Keine BKG-Verwaltungsgrenzen in {folder} – zuerst 'mapapp fetch-data' ausführen."
        )
    return candidates[0]


def _layer_paths(path: Path) -> dict[str, str]:
    """Map level -> readable path/layer spec for pyogrio (zip or folder, shp or gpkg)."""
    found: dict[str, str] = {}
    if path.is_file() and path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        base = f"/vsizip/{path.resolve()}"
        gpkgs = [n for n in names if n.lower().endswith(".gpkg")]
        if gpkgs:
            return {lvl: f"{base}/{gpkgs[0]}" for lvl in LEVELS}
        for lvl in LEVELS:
            for n in names:
                if re.search(rf"_{lvl}\.shp$", n, flags=re.IGNORECASE):
                    found[lvl] = f"{base}/{n}"
                    break
        return found
    if path.is_file() and path.suffix == ".gpkg":
        return {lvl: str(path) for lvl in LEVELS}
    if path.is_dir():
        gpkg = sorted(path.rglob("*.gpkg"))
        if gpkg:
            return {lvl: str(gpkg[0]) for lvl in LEVELS}
        for lvl in LEVELS:
            shp = sorted(p for p in path.rglob("*.shp") if p.stem.upper().endswith(f"_{lvl}"))
            if shp:
                found[lvl] = str(shp[0])
    return found


def _read_level(spec: str, level: str, source: Path) -> gpd.GeoDataFrame:
    if spec.lower().endswith(".gpkg"):
        layers = [str(name) for name, _ in pyogrio.list_layers(spec)]
        match = [n for n in layers if n.upper().endswith(f"_{level}")]
        if not match:
            raise DataError(f"Ebene {level} fehlt (Ebenen: {', '.join(layers)})", file=str(source))
        frame = gpd.read_file(spec, layer=match[0])
    else:
        frame = gpd.read_file(spec)
    if frame.crs is None:
        raise DataError(f"Ebene {level} hat kein Koordinatensystem", file=str(source))
    return frame


def _year_of(path: Path) -> int:
    # "aktualitaet.txt" holds e.g. "01.01.2021"; fall back to the year in the file name.
    try:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                for n in zf.namelist():
                    if n.endswith("aktualitaet.txt"):
                        text = zf.read(n).decode("utf-8", "replace")
                        m = re.search(r"(19|20)\d\d", text)
                        if m:
                            return int(m.group(0))
        elif path.is_dir():
            for f in path.rglob("aktualitaet.txt"):
                m = re.search(r"(19|20)\d\d", f.read_text("utf-8", "replace"))
                if m:
                    return int(m.group(0))
    except (OSError, zipfile.BadZipFile):
        pass
    m = re.search(r"(20\d\d)", path.name)
    return int(m.group(1)) if m else 0


def _tidy(frame: gpd.GeoDataFrame, level: str, land: str, source: Path) -> gpd.GeoDataFrame:
    missing = {"AGS", "GEN", "SN_L"} - set(frame.columns)
    if missing:
        raise DataError(
            f"Ebene {level}: Spalten fehlen: {', '.join(sorted(missing))}", file=str(source)
        )
    sel = frame[frame["SN_L"].astype(str).str.zfill(2) == land]
    if "GF" in sel.columns:
        gf = pd.to_numeric(sel["GF"], errors="coerce")
        # VG250 holds water-only features (GF 1/2); GF 4 = land with structure (as public code
        # filters). VG5000 carries GF 9 throughout.
        sel = sel[gf == 4] if (gf == 4).any() else sel[~gf.isin([1, 2])]
    sel = sel.to_crs(CRS_METRIC)
    n = _AGS_LEN[level]
    out = gpd.GeoDataFrame(
        {
            COL_AGS: sel["AGS"].astype(str).str.strip().str[:n].str.zfill(n),
            COL_NAME: sel["GEN"].astype(str),
            "bez": sel["BEZ"].astype(str) if "BEZ" in sel.columns else "",
        },
        geometry=sel.geometry.values,
        crs=CRS_METRIC,
    )
    # Multi-part units may come as several features: one row per AGS.
    out = out.dissolve(by=COL_AGS, as_index=False, aggfunc="first")
    out["geometry"] = shapely.make_valid(out.geometry.values)
    if level in {"KRS", "GEM"}:
        out[COL_RB] = out[COL_AGS].str[:3]
    if level == "GEM":
        out[COL_KREIS_AGS] = out[COL_AGS].str[:5]
    return out.sort_values(COL_AGS, ignore_index=True)


def read_boundaries(path: str | Path, land: str = NRW_LAND) -> Boundaries:
    """Read a BKG VG250/VG5000 archive or folder and return the units of one Land.

    Parameters
    ----------
    path
        Zip as published, an unpacked folder, or a GeoPackage; Shapefile or GeoPackage inside;
        any CRS (VG5000 "gk3" is EPSG:31467, "utm32s" EPSG:25832).
    land
        Two-digit Land key, ``"05"`` = Nordrhein-Westfalen.

    Raises
    ------
    DataError
        A level is missing or has no CRS / no AGS column, or the Land has no units.
    """
    path = Path(path)
    if not path.exists():
        raise DataMissingError(f"{path} gibt es nicht – zuerst 'mapapp fetch-data' ausführen.")
    try:
        specs = _layer_paths(path)
    except zipfile.BadZipFile as exc:
        raise DataError("kein gültiges Zip-Archiv", file=str(path)) from exc
    missing = [lvl for lvl in LEVELS if lvl not in specs]
    if missing:
        raise DataError(f"Ebenen fehlen: {', '.join(missing)}", file=str(path))
    frames = {}
    for lvl in LEVELS:
        frames[lvl] = _tidy(_read_level(specs[lvl], lvl, path), lvl, land, path)
        if frames[lvl].empty:
            raise DataError(f"Ebene {lvl} enthält keine Gebiete des Landes {land}", file=str(path))
    product = "VG5000" if "vg5000" in path.name.lower() else "VG250"
    return Boundaries(
        land=frames["LAN"],
        rb=frames["RBZ"],
        kreise=frames["KRS"],
        gemeinden=frames["GEM"],
        product=product,
        year=_year_of(path),
    )


def simplify_coverage(frame: gpd.GeoDataFrame, tolerance_m: float) -> gpd.GeoDataFrame:
    """Simplify polygons that tile an area, keeping shared borders shared (no slivers or gaps).

    Uses GEOS coverage simplification (``shapely.coverage_simplify``), which simplifies each shared
    edge once. ``tolerance_m`` is in CRS units (metres in EPSG:25832).
    """
    if tolerance_m <= 0:
        return frame.copy()
    out = frame.copy()
    out["geometry"] = shapely.coverage_simplify(frame.geometry.values, tolerance_m)
    return out


def dissolve_units(gemeinden: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    """Union Gemeinde polygons by ``key`` (e.g. ``kreis_ags`` or ``rb``); borders stay identical."""
    return gemeinden[[key, "geometry"]].dissolve(by=key, as_index=False)
