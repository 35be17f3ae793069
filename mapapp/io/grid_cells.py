"""INSPIRE grid cell ids of the Zensus grids (``CRS3035RES100mN2689100E4337000``: cell size, then
the lower-left corner in EPSG:3035 metres) and the cell centres they stand for."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.model import DataError

_INSPIRE = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$")

FloatArray = npt.NDArray[np.float64]


def grid_metres(label: str) -> float:
    """``"100m"`` -> 100.0, ``"1km"`` -> 1000.0."""
    label = label.lower()
    return float(label[:-2]) * 1000 if label.endswith("km") else float(label[:-1])


def centres_from_ids(
    ids: pd.Series, rows: npt.NDArray[np.int64], label: str, field: str
) -> tuple[FloatArray, FloatArray]:
    """Cell centres from INSPIRE ids ``CRS3035RES100mN2689100E4337000`` (lower-left corner)."""
    parts = ids.fillna("").astype(str).str.strip().str.extract(_INSPIRE)
    bad = parts.isna().any(axis=1).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{ids.iloc[pos]!r} ist keine INSPIRE-Zellkennung (CRS3035RES<Größe>mN<y>E<x>)",
            file=label,
            row=int(rows[pos]),
            field=field,
        )
    size = parts[0].astype(float).to_numpy()
    return (
        parts[2].astype(float).to_numpy() + size / 2,
        parts[1].astype(float).to_numpy() + size / 2,
    )


def ids_from_centres(
    gx: FloatArray, gy: FloatArray, res_label: str | None
) -> npt.NDArray[np.object_]:
    """INSPIRE-style ids from EPSG:3035 centres when the file has no id column."""
    if res_label is None:
        return np.array(
            [f"CRS3035N{y:.0f}E{x:.0f}" for x, y in zip(gx, gy, strict=True)], dtype=object
        )
    size = grid_metres(res_label)
    return np.array(
        [
            f"CRS3035RES{size:.0f}mN{y - size / 2:.0f}E{x - size / 2:.0f}"
            for x, y in zip(gx, gy, strict=True)
        ],
        dtype=object,
    )


__all__ = ["centres_from_ids", "grid_metres", "ids_from_centres"]
