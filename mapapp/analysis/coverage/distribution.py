"""Distribution of the measure per Kreis and for NRW, for the foreign and the whole population.

Averages hide who is worst served. Per Kreis and for NRW, :func:`distribution_table` gives the
people-weighted mean, median, 90th percentile and Gini coefficient of the measure of each cell
piece (:attr:`CoverageResult.cells` ``value``: km to the nearest offer, 0 or 100 % beyond the
threshold, 2SFCA per 100,000, offers per 10,000 of the Gemeinde, % unserved), weighted once with
the foreign and once with the whole population. It is the same surface weighted two ways, so the
two columns answer: are foreign residents worse served than everybody? (Quantiles and Gini:
:mod:`mapapp.analysis.accessibility.distribution`.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility.distribution import (
    weighted_gini,
    weighted_mean,
    weighted_quantile,
)
from mapapp.analysis.accessibility.measures import LEVEL_KREIS, LEVEL_LAND
from mapapp.analysis.coverage.params import DemandKind, Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.analysis.demand import COL_FOREIGN_POPULATION
from mapapp.config import NRW_LAND
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_POPULATION

#: Statistics per population, in column order (``<population>_<stat>``, e.g. ``foreign_p90``).
STATS = ("mean", "median", "p90", "gini")
#: Weight column of each population (:class:`DemandKind` value -> cell column).
WEIGHTS = {DemandKind.FOREIGN.value: COL_FOREIGN_POPULATION, DemandKind.ALL.value: COL_POPULATION}


def _stats(values: np.ndarray, weights: np.ndarray) -> list[float]:
    return [
        weighted_mean(values, weights),
        weighted_quantile(values, weights, 0.5),
        weighted_quantile(values, weights, 0.9),
        weighted_gini(values, weights),
    ]


def distribution_table(result: CoverageResult) -> pd.DataFrame:
    """One row per Kreis (``level`` ``kreis``, by AGS) and one for NRW (``land``).

    Columns: ``level``, ``ags``, ``name``, ``foreign_population`` (when known), ``population``,
    then for ``foreign`` (when known) and ``all``: ``<who>_mean``, ``<who>_median``,
    ``<who>_p90`` and ``<who>_gini`` of the cell values weighted with that population. Values
    that are not finite (no offer at all) are left out; a statistic without any value is ``NaN``.
    """
    cells = result.cells
    values = cells["value"].to_numpy(dtype=float)
    if result.params.method is Method.SHARE:  # per cell 0/1, per unit percent: percent here too
        values = values * 100
    whos = [w for w in WEIGHTS if WEIGHTS[w] in cells.columns]
    weights = {w: cells[WEIGHTS[w]].to_numpy(dtype=float) for w in whos}
    names = result.kreise.set_index(COL_AGS)[COL_NAME]
    groups = [
        (LEVEL_KREIS, str(k), np.flatnonzero(cells[COL_KREIS_AGS].to_numpy() == k))
        for k in sorted(cells[COL_KREIS_AGS].astype(str).unique())
    ]
    groups.append((LEVEL_LAND, NRW_LAND, np.arange(len(cells))))
    rows = []
    for level, ags, at in groups:
        row: dict[str, object] = {
            "level": level,
            COL_AGS: ags,
            COL_NAME: "Nordrhein-Westfalen" if level == LEVEL_LAND else names.get(ags),
        }
        for who in reversed(whos):  # population, then foreign_population (as the other tables)
            row[WEIGHTS[who]] = round(float(weights[who][at].sum()), 3)
        for who in whos:
            for stat, value in zip(STATS, _stats(values[at], weights[who][at]), strict=True):
                row[f"{who}_{stat}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["STATS", "distribution_table"]
