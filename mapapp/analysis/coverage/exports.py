"""The tables a coverage result is exported as, and the funded-vs-not-funded comparison."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility import LEVEL_GEMEINDE, LEVEL_KREIS
from mapapp.analysis.coverage.distribution import distribution_table
from mapapp.analysis.coverage.params import EXPORT_LEVELS
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.analysis.demand import COL_CELL_ID, COL_FOREIGN_POPULATION
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_POPULATION


def export_table(result: CoverageResult, level: str) -> pd.DataFrame:
    """The table the page offers for download and ``mapapp coverage nrw --out`` writes.

    ``level``: ``"gemeinde"``/``"kreis"`` (the ranking of that level) or ``"cell"`` (one row per
    piece of a grid cell: ``cell_id``, ``ags``, ``kreis_ags``, ``x``, ``y``, people, ``demand``,
    ``nearest_m`` (empty when no offer), ``nearest_id``, ``nearest_approx``, ``beyond``,
    ``value``) or ``"distribution"`` (per Kreis and NRW: weighted mean, median, 90th percentile
    and Gini of the measure for the foreign and the whole population,
    :func:`~mapapp.analysis.coverage.distribution.distribution_table`).
    """
    if level == "cell":
        cols = [COL_CELL_ID, COL_AGS, COL_KREIS_AGS, "x", "y", COL_POPULATION]
        if result.foreign_known:
            cols.append(COL_FOREIGN_POPULATION)
        cols += ["demand", "nearest_m", "nearest_id", "nearest_approx", "beyond", "value"]
        if "unserved" in result.cells:  # the capacity method
            cols.append("unserved")
        out = result.cells[cols].copy()
        out["nearest_m"] = out["nearest_m"].replace(np.inf, np.nan)
        return out.reset_index(drop=True)
    if level == "distribution":
        return distribution_table(result)
    if level not in (LEVEL_GEMEINDE, LEVEL_KREIS):
        raise ValueError(f"Ebene muss eine von {', '.join(EXPORT_LEVELS)} sein, nicht {level!r}")
    return result.ranked[result.ranked["level"] == level].reset_index(drop=True)


#: Codes of the comparisons and groups (labels: ``mapapp.text.label("comparison", code, lang)``
#: and ``label("comparison_group", code, lang)``; analysis has no prose).
COMPARISON_KREISE = "kreise"  # Kreise and kreisfreie Städte
COMPARISON_GEMEINDEN = "gemeinden"  # kreisangehörige Gemeinden
GROUP_FUNDED = "funded"
GROUP_NOT_FUNDED = "not_funded"  # according to the loaded list
GROUP_ELIGIBLE = "eligible"  # own Ausländerbehörde, not funded according to the list
GROUP_OTHER = "other"  # without an own Ausländerbehörde


def _group_stats(
    table: pd.DataFrame, groups: Mapping[str, pd.Series], comparison: str
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for group, mask in groups.items():
        part = table[mask.to_numpy()]
        demand = float(part["demand"].sum())
        beyond = float(part["demand_beyond"].sum())
        finite = part[np.isfinite(part["value"].to_numpy(dtype=float))]
        w = finite["demand"].to_numpy(dtype=float)
        v = finite["value"].to_numpy(dtype=float)
        rows.append(
            {
                "comparison": comparison,
                "group": group,
                "units": len(part),
                "demand": demand,
                "demand_beyond": beyond,
                "share_beyond_pct": beyond / demand * 100 if demand > 0 else float("nan"),
                "value_weighted": float((w * v).sum() / w.sum()) if w.sum() > 0 else float("nan"),
                "value_median": float(np.median(v)) if len(v) else float("nan"),
            }
        )
    return rows


def funding_comparison(result: CoverageResult, units: pd.DataFrame) -> pd.DataFrame:
    """Descriptive comparison of the measure for funded Kommunen against the others.

    Two comparisons of disjoint units, so no person is counted twice within one:

    * Kreise and kreisfreie Städte (Kreis rows of the result): funded vs. not funded;
    * kreisangehörige Gemeinden (Gemeinde rows): funded Städte vs. eligible (own
      Ausländerbehörde) but not funded vs. the others.

    Parameters
    ----------
    units
        :func:`mapapp.analysis.funding.funding_units` for the chosen years: ``ags``, ``level``
        (``kreis``/``gemeinde``), ``funded``, ``eligible``. A kreisfreie Stadt appears as a Kreis
        row with its 8-digit AGS.

    Returns
    -------
    pandas.DataFrame
        ``comparison`` (code :data:`COMPARISON_KREISE`/:data:`COMPARISON_GEMEINDEN`), ``group``
        (code ``GROUP_*``), ``units``, ``demand``, ``demand_beyond``, ``share_beyond_pct``
        (pooled), ``value_weighted`` (demand-weighted mean of the unit measure), ``value_median``.
    """
    kreis_units = units[units["level"] == LEVEL_KREIS]
    funded_kreise = set(
        kreis_units.loc[kreis_units["funded"].astype(bool), COL_AGS].astype(str).str[:5]
    )
    kreisfrei = {a[:5] for a in kreis_units[COL_AGS].astype(str) if len(a) == 8}
    kreise = result.kreise
    k_funded = kreise[COL_AGS].isin(funded_kreise)
    rows = _group_stats(
        kreise,
        {GROUP_FUNDED: k_funded, GROUP_NOT_FUNDED: ~k_funded},
        COMPARISON_KREISE,
    )
    gem_units = units[units["level"] == LEVEL_GEMEINDE].set_index(COL_AGS)
    gem = result.gemeinden[~result.gemeinden[COL_AGS].str[:5].isin(kreisfrei)]
    funded = gem[COL_AGS].map(gem_units["funded"]).fillna(False).astype(bool)
    eligible = gem[COL_AGS].map(gem_units["eligible"]).fillna(False).astype(bool) & ~funded
    rows += _group_stats(
        gem,
        {GROUP_FUNDED: funded, GROUP_ELIGIBLE: eligible, GROUP_OTHER: ~funded & ~eligible},
        COMPARISON_GEMEINDEN,
    )
    return pd.DataFrame(rows)
