"""WGS84 degrees to EPSG:25832 metres for point arrays (the analysis' one projection step)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pyproj import Transformer

from mapapp.config import CRS_METRIC, CRS_WEB

_TO_METRIC = Transformer.from_crs(CRS_WEB, CRS_METRIC, always_xy=True)


def to_metric(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 longitude/latitude in degrees -> EPSG:25832 x/y in metres (float arrays)."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
