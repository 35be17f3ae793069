"""Which offers count for a coverage run."""

from __future__ import annotations

import numpy as np
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
)  # fmt: skip


def select_offers(offers: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """The offers that count for ``params`` (categories, precision), with coordinates.

    An offer without a location (precision ``kreis_area``, or no coordinates/geometry) never
    counts: no distance is measured to a point we do not have. ``params.include_kreis_area``
    decides about the offers placed only through their Kreis (``kreis_seat_centre``).
    """
    keep = np.ones(len(offers), dtype=bool)
    if params.categories:
        keep &= offers["category"].astype(str).isin(params.categories).to_numpy()
    precision = offers["precision"].astype(str) if "precision" in offers else None
    if precision is not None:
        keep &= (precision != PRECISION_KREIS_AREA).to_numpy()
        if not params.include_kreis_area:
            keep &= (precision != PRECISION_KREIS_SEAT).to_numpy()
    for axis in ("lon", "lat"):
        if axis in offers:
            keep &= pd.to_numeric(offers[axis], errors="coerce").notna().to_numpy()
    out = offers[keep]
    geom = getattr(out, "geometry", None)
    if geom is not None and len(out):
        out = out[~(geom.isna() | geom.is_empty).to_numpy()]
    return out.reset_index(drop=True)
