"""Points against NRW (:class:`Locator`) and the WGS84 <-> EPSG:25832 projections.

Projects WGS84 to EPSG:25832, tells whether a point lies in NRW (Land polygon plus a tolerance that
absorbs the generalisation of the boundary product) and which Gemeinde contains it (AGS by
point-in-polygon; a point in the tolerance band goes to the nearest Gemeinde). Offline, always used
by :mod:`mapapp.io.offers` after the gazetteer (:mod:`mapapp.io.gazetteer`).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import shapely

from mapapp.config import CRS_METRIC
from mapapp.ingest.fold import fold
from mapapp.io.boundaries import Boundaries
from mapapp.model import COL_AGS, COL_NAME, DataError
from mapapp.projection import to_web

# --------------------------------------------------------------------------------------------
# Locator: projection, NRW check, AGS by point-in-polygon
# --------------------------------------------------------------------------------------------

#: Tolerance (metres) around the Land polygon, by boundary product: VG5000 is generalised for
#: 1:5 000 000 (borders move by up to a few km), VG250 for 1:250 000.
NRW_TOLERANCE_M = {"VG5000": 5000.0, "VG250": 500.0}


class Locator:
    """NRW membership and Gemeinde AGS of points (EPSG:25832 internally).

    Parameters
    ----------
    gemeinden
        Gemeinde polygons with ``ags`` (8-char) in EPSG:25832.
    kreise
        Kreis polygons with ``ags`` (5-char) and ``name`` in EPSG:25832.
    land
        The NRW polygon (EPSG:25832).
    tolerance_m
        Points up to this distance outside ``land`` still count as NRW (and get the nearest Gemeinde).
    """

    def __init__(
        self,
        gemeinden: Any,
        kreise: Any,
        land: shapely.Geometry,
        tolerance_m: float = 500.0,
    ) -> None:
        if str(gemeinden.crs) != CRS_METRIC and gemeinden.crs != CRS_METRIC:
            gemeinden = gemeinden.to_crs(CRS_METRIC)
        self.gemeinden = gemeinden.reset_index(drop=True)
        self.kreise = kreise.reset_index(drop=True)
        self._ags = self.gemeinden[COL_AGS].astype(str).to_numpy()
        self._geoms = self.gemeinden.geometry.to_numpy()
        self._tree = shapely.STRtree(self._geoms)
        self.tolerance_m = float(tolerance_m)
        self.land = land
        self._land_zone = shapely.buffer(land, self.tolerance_m) if tolerance_m > 0 else land
        shapely.prepare(self._land_zone)
        self._nrw_bounds = shapely.bounds(self._land_zone)

    @classmethod
    def from_boundaries(cls, boundaries: Boundaries, tolerance_m: float | None = None) -> Locator:
        tol = NRW_TOLERANCE_M.get(boundaries.product, 500.0) if tolerance_m is None else tolerance_m
        land = shapely.union_all(boundaries.land.geometry.to_numpy())
        return cls(boundaries.gemeinden, boundaries.kreise, land, tol)

    def in_nrw(self, x: Any, y: Any) -> np.ndarray:
        """Boolean array: points (EPSG:25832) inside NRW plus the tolerance band."""
        xa = np.atleast_1d(np.asarray(x, dtype=float))
        ya = np.atleast_1d(np.asarray(y, dtype=float))
        ok = np.isfinite(xa) & np.isfinite(ya)
        out = np.zeros(xa.shape, dtype=bool)
        if ok.any():
            out[ok] = shapely.contains_xy(self._land_zone, xa[ok], ya[ok])
        return out

    def ags_at(self, x: Any, y: Any, *, nearest: bool = True) -> list[str | None]:
        """Gemeinde AGS per point (EPSG:25832); a point outside every Gemeinde gets the nearest
        one within the tolerance (only when ``nearest``), else ``None``."""
        xa = np.atleast_1d(np.asarray(x, dtype=float))
        ya = np.atleast_1d(np.asarray(y, dtype=float))
        result: list[str | None] = [None] * len(xa)
        if len(xa) == 0:
            return result
        points = shapely.points(xa, ya)
        pt_idx, poly_idx = self._tree.query(points, predicate="within")
        for p, g in zip(pt_idx.tolist(), poly_idx.tolist(), strict=True):
            if result[p] is None:
                result[p] = str(self._ags[g])
        missing = [i for i, v in enumerate(result) if v is None and np.isfinite(xa[i])]
        if missing and nearest:
            near_pt, near_poly = self._tree.query_nearest(
                points[missing], max_distance=self.tolerance_m, all_matches=False
            )
            for p, g in zip(near_pt.tolist(), near_poly.tolist(), strict=True):
                result[missing[p]] = str(self._ags[g])
        return result

    def kreis_point(self, kreis_ags: str) -> tuple[float, float]:
        """A point guaranteed inside the Kreis polygon (GEOS point-on-surface), WGS84 lon, lat.

        Not the Kreis seat and not the centroid: only "somewhere in the Kreis".
        """
        rows = self.kreise[self.kreise[COL_AGS] == kreis_ags]
        if rows.empty:
            raise DataError(f"Kreis {kreis_ags} nicht in den Grenzen", field="ags")
        pt = shapely.point_on_surface(shapely.union_all(rows.geometry.to_numpy()))
        lon, lat = to_web([pt.x], [pt.y])
        return float(lon[0]), float(lat[0])

    def find_kreis(self, text: str) -> tuple[str, str] | None:
        """``(AGS, name)`` of the Kreis or kreisfreie Stadt a text names: its 5-digit AGS
        (``"05358"``, ``"Düren (05358)"``) or its name (``"Kreis Düren"``, ``"Düren"``,
        ``"Rhein-Kreis Neuss"``, ``"Münster, Stadt"``); ``None`` when none or several match."""
        names = dict(
            zip(self.kreise[COL_AGS].astype(str), self.kreise[COL_NAME].astype(str), strict=True)
        )
        for code in re.findall(r"(?<!\d)(\d{5})(?!\d)", text):
            if code in names:
                return code, names[code]
        key = _kreis_key(text)
        hits = {ags for ags, name in names.items() if key and _kreis_key(name) == key}
        if len(hits) == 1:
            ags = hits.pop()
            return ags, names[ags]
        return None

    def describe_bounds(self) -> str:
        """NRW bounding box in WGS84 for error messages."""
        x0, y0, x1, y1 = self._nrw_bounds
        lon, lat = to_web([x0, x1], [y0, y1])
        return f"Länge {lon[0]:.2f}–{lon[1]:.2f}, Breite {lat[0]:.2f}–{lat[1]:.2f}"


def _kreis_key(text: str) -> str:
    """A Kreis name folded for comparison: no bracket, no ``", Stadt"`` suffix, no ``Kreis``/
    ``Landkreis`` prefix (``"Kreis Düren"``, ``"Düren"`` and ``"Düren (05358)"`` are equal)."""
    base = re.sub(r"\([^)]*\)", " ", text).split(",")[0]
    key = fold(base).strip()
    for prefix in ("landkreis ", "kreis "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.strip()
