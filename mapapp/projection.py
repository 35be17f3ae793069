"""WGS84 degrees <-> EPSG:25832 metres for point arrays: the one projection step for points.

Used by io (placing offers, the NRW check) and analysis (the offer index, the searched point);
it sits below both. The transformers are built on first use, so importing this module loads
neither pyproj nor its database.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from mapapp.config import CRS_METRIC, CRS_WEB


@cache
def _transformer(source: str, target: str) -> Any:
    from pyproj import Transformer  # heavy: only when a point is projected

    return Transformer.from_crs(source, target, always_xy=True)


def to_metric(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude in degrees -> EPSG:25832 x/y in metres (float arrays)."""
    x, y = _transformer(CRS_WEB, CRS_METRIC).transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    )
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def to_web(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:25832 x/y in metres -> WGS84 longitude/latitude in degrees (float arrays)."""
    lon, lat = _transformer(CRS_METRIC, CRS_WEB).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    )
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
