"""Which offers count for a coverage run."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.coverage.params import (
    PRECISION_KREIS_AREA,
    PRECISION_KREIS_SEAT,
    CoverageParams,
)
from mapapp.model import COL_AGS, COL_KREIS_AGS

#: Columns of :attr:`CoverageResult.offers` (those the offers frame has).
OFFER_COLUMNS = (
    "id", "name", "category", "category_label", "precision", COL_AGS, COL_KREIS_AGS, "lat", "lon",
    "capacity", "capacity_unit",
)  # fmt: skip


def _in_categories(offers: pd.DataFrame, params: CoverageParams) -> npt.NDArray[np.bool_]:
    if not params.categories:
        return np.ones(len(offers), dtype=bool)
    return offers["category"].astype(str).isin(params.categories).to_numpy()


def _located(offers: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Whether each offer has a point: not ``kreis_area``, coordinates and a geometry (when the
    frame has them)."""
    keep = np.ones(len(offers), dtype=bool)
    if "precision" in offers:
        keep &= (offers["precision"].astype(str) != PRECISION_KREIS_AREA).to_numpy()
    for axis in ("lon", "lat"):
        if axis in offers:
            keep &= pd.to_numeric(offers[axis], errors="coerce").notna().to_numpy()
    geom = getattr(offers, "geometry", None)
    if geom is not None and len(offers):
        keep &= ~(geom.isna() | geom.is_empty).to_numpy()
    return keep


def select_offers(offers: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """The offers that count for ``params`` (categories, precision), with coordinates.

    An offer without a location (precision ``kreis_area``, or no coordinates/geometry) never
    counts: no distance is measured to a point we do not have. ``params.include_kreis_area``
    decides about the offers placed only through their Kreis (``kreis_seat_centre``).
    """
    keep = _in_categories(offers, params) & _located(offers)
    if not params.include_kreis_area and "precision" in offers:
        keep &= (offers["precision"].astype(str) != PRECISION_KREIS_SEAT).to_numpy()
    return offers[keep].reset_index(drop=True)


def count_unlocated(offers: pd.DataFrame, params: CoverageParams) -> int:
    """Offers of the chosen categories without a location (never counted; the basis line says
    how many were left out)."""
    return int((_in_categories(offers, params) & ~_located(offers)).sum())
