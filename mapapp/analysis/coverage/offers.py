"""Which offers count for a coverage run."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapapp.analysis.coverage.params import PRECISION_KREIS_AREA, CoverageParams
from mapapp.model import COL_AGS, COL_KREIS_AGS

#: Columns of :attr:`CoverageResult.offers` (those the offers frame has).
OFFER_COLUMNS = (
    "id", "name", "category", "category_label", "precision", COL_AGS, COL_KREIS_AGS, "lat", "lon",
)  # fmt: skip


def select_offers(offers: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """The offers that count for ``params`` (categories, precision), with coordinates."""
    keep = np.ones(len(offers), dtype=bool)
    if params.categories:
        keep &= offers["category"].astype(str).isin(params.categories).to_numpy()
    if not params.include_kreis_area:
        keep &= (offers["precision"].astype(str) != PRECISION_KREIS_AREA).to_numpy()
    out = offers[keep]
    geom = getattr(out, "geometry", None)
    if geom is not None and len(out):
        out = out[~(geom.isna() | geom.is_empty).to_numpy()]
    return out.reset_index(drop=True)
