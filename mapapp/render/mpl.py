"""shapely geometries as matplotlib paths: the one converter both print sheets draw with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import PathCollection
from matplotlib.path import Path

from mapapp.config import CRS_METRIC


def metric(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``frame`` in EPSG:25832 (metres), the CRS every sheet draws in."""
    if frame.crs is not None and frame.crs != CRS_METRIC:
        return frame.to_crs(CRS_METRIC)
    return frame


def polygon_path(geom: Any) -> Path | None:
    """A matplotlib path for a (multi)polygon, holes wound opposite to shells; ``None`` if empty."""
    if geom is None or geom.is_empty:
        return None
    parts = [geom] if geom.geom_type == "Polygon" else list(getattr(geom, "geoms", []))
    rings: list[Path] = []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = shapely.geometry.polygon.orient(part, 1.0)
        rings.append(Path(np.asarray(part.exterior.coords)[:, :2], closed=True))
        rings.extend(Path(np.asarray(r.coords)[:, :2], closed=True) for r in part.interiors)
    return Path.make_compound_path(*rings) if rings else None


def polygon_paths(geoms: Iterable[Any]) -> list[Path]:
    """Paths of the non-empty (multi)polygons in ``geoms``."""
    return [p for p in (polygon_path(g) for g in geoms) if p is not None]


def polygon_collection(
    geoms: Iterable[Any], *, fills: Sequence[Any] | None = None, **kwargs: Any
) -> PathCollection:
    """A :class:`PathCollection` of ``geoms``; ``fills`` = one face colour per geometry.

    Empty geometries are left out together with their fill, so colours stay with their shapes.
    """
    if fills is None:
        return PathCollection(polygon_paths(geoms), **kwargs)
    pairs = [
        (p, f)
        for p, f in zip((polygon_path(g) for g in geoms), fills, strict=True)
        if p is not None
    ]
    return PathCollection([p for p, _ in pairs], facecolors=[f for _, f in pairs], **kwargs)


def linestyle(dash: str | None) -> Any:
    """A Leaflet ``dashArray`` (``"5 4"``, CSS pixels) as a matplotlib line style."""
    if not dash:
        return "solid"
    on_off = tuple(float(v) * 0.8 for v in dash.replace(",", " ").split())
    return (0, on_off)
