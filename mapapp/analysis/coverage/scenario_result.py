"""A scenario on the NRW pipeline: the offers after the changes, both runs, the differences.

:func:`apply_scenario` changes the offer frame of :func:`~.result.run_coverage` (a copy; nothing
is written anywhere), :func:`run_scenario` computes before and after with the same parameters
and :func:`compare` puts them side by side per cell piece, Gemeinde, Kreis and NRW: the measure
before and after, its change, and the people who gain or lose access (the rule of
:mod:`.scenario`: an offer within the threshold).

A moved or clicked offer stands exactly where the scenario puts it (precision ``address``); an
offer from a file keeps the precision the importer gave it.

On a street network (a network mode) the "after" run reads the cost table of the offers before
with the rows of removed and moved offers dropped and the travel times to the added and moved
offers (:func:`fresh_offers`, computed by the service on the same network) appended
(:func:`after_travel`, :mod:`.scenario_costs`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapapp.analysis.accessibility import LEVEL_GEMEINDE, LEVEL_KREIS
from mapapp.analysis.coverage.grid import DemandGrid
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import CoverageResult, run_coverage
from mapapp.analysis.coverage.scenario import (
    GAIN,
    LOSE,
    Scenario,
    access_flags,
    change,
    check_ids,
)
from mapapp.analysis.coverage.scenario_costs import fresh_ids, merge_costs, stale_ids
from mapapp.analysis.network import TravelTimes
from mapapp.config import CRS_METRIC
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME
from mapapp.offers_model import category_label
from mapapp.projection import to_metric

#: Columns of the unit tables of :class:`ScenarioResult` (in this order).
UNIT_COLUMNS = (
    "level", COL_AGS, COL_NAME, "demand", "value_before", "value_after", "change",
    "demand_beyond_before", "demand_beyond_after", "gain", "lose",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class ScenarioResult:
    """Before and after one scenario.

    Attributes
    ----------
    cells
        Per cell piece (the order of both runs): ``cell_id``, ``cell``, ``ags``, ``kreis_ags``,
        ``demand``, ``before``, ``after`` (the measure), ``change`` (``after - before``, ``NaN``
        where a side has no value) and ``access`` (:data:`~.scenario.GAIN`,
        :data:`~.scenario.SAME`, :data:`~.scenario.LOSE`).
    gemeinden, kreise
        :data:`UNIT_COLUMNS`: the measure before/after and its change, people beyond the threshold
        before/after, people who gain and who lose access.
    gain, lose
        People in NRW who gain / lose access.
    """

    scenario: Scenario
    before: CoverageResult
    after: CoverageResult
    cells: pd.DataFrame
    gemeinden: pd.DataFrame
    kreise: pd.DataFrame
    gain: float
    lose: float

    def units(self, level: str) -> pd.DataFrame:
        return self.gemeinden if level == LEVEL_GEMEINDE else self.kreise

    def changed(self, level: str) -> pd.DataFrame:
        """Rows of ``level`` where people gain or lose access or the measure changes, most
        people gaining first."""
        table = self.units(level)
        moved = (table["gain"] > 0) | (table["lose"] > 0) | (table["change"].fillna(0).abs() > 0)
        return (
            table[moved]
            .sort_values(["gain", "lose", COL_AGS], ascending=[False, False, True], kind="stable")
            .reset_index(drop=True)
        )


def _points(lon: list[float], lat: list[float]) -> list[shapely.Point]:
    x, y = to_metric(lon, lat)
    return list(shapely.points(x, y)) if len(x) else []


def apply_scenario(offers: pd.DataFrame, scenario: Scenario) -> gpd.GeoDataFrame:
    """The offer frame (:func:`mapapp.analysis.offers.offers_frame` layout) after the scenario.

    Raises
    ------
    mapapp.model.DataError
        A removed or moved id that is not among ``offers``, an added id that is.
    """
    ids = offers["id"].astype(str)
    check_ids(
        list(ids), [o.id for o in scenario.added], scenario.removed, [m.id for m in scenario.moved]
    )
    frame = gpd.GeoDataFrame(offers.copy(), geometry="geometry", crs=CRS_METRIC)
    frame = frame[~ids.isin(scenario.removed).to_numpy()].reset_index(drop=True)
    if scenario.moved:
        pos = pd.Index(frame["id"].astype(str)).get_indexer([m.id for m in scenario.moved])
        ok = pos >= 0  # a moved offer that is also removed stays removed
        moves = [m for m, k in zip(scenario.moved, ok, strict=True) if k]
        rows = pos[ok]
        lon, lat = [m.lon for m in moves], [m.lat for m in moves]
        frame.loc[rows, "lon"], frame.loc[rows, "lat"] = lon, lat
        frame.loc[rows, "precision"] = "address"
        frame.loc[rows, COL_AGS] = [m.ags for m in moves]
        frame.loc[rows, COL_KREIS_AGS] = [m.ags[:5] if m.ags else None for m in moves]
        geometry = frame.geometry.to_numpy().copy()
        geometry[rows] = _points(lon, lat)
        frame = frame.set_geometry(gpd.GeoSeries(geometry, crs=CRS_METRIC))
    if not scenario.added:
        return frame
    new = pd.DataFrame(
        {
            "id": [o.id for o in scenario.added],
            "name": [o.name for o in scenario.added],
            "category": [o.category for o in scenario.added],
            "category_label": [category_label(o.category) for o in scenario.added],
            "precision": [o.precision for o in scenario.added],
            COL_AGS: [o.ags for o in scenario.added],
            COL_KREIS_AGS: [o.ags[:5] if o.ags else None for o in scenario.added],
            "lat": [o.lat for o in scenario.added],
            "lon": [o.lon for o in scenario.added],
            "capacity": [o.capacity for o in scenario.added],
        }
    )
    geometry = _points(list(new["lon"]), list(new["lat"]))
    added = gpd.GeoDataFrame(new, geometry=geometry, crs=CRS_METRIC)
    return gpd.GeoDataFrame(pd.concat([frame, added], ignore_index=True), crs=CRS_METRIC)


def fresh_offers(offers: pd.DataFrame, scenario: Scenario) -> gpd.GeoDataFrame:
    """The offers after ``scenario`` that need new travel times on a network: the added ones and
    the moved ones at their new points (rows of :func:`apply_scenario`)."""
    after = apply_scenario(offers, scenario)
    wanted = fresh_ids(
        [o.id for o in scenario.added], [m.id for m in scenario.moved], scenario.removed
    )
    keep = after["id"].astype(str).isin(wanted).to_numpy()
    return gpd.GeoDataFrame(after[keep].reset_index(drop=True), crs=CRS_METRIC)


def after_travel(before: TravelTimes, fresh: TravelTimes, scenario: Scenario) -> TravelTimes:
    """The cost table after ``scenario``: ``before`` without removed and moved offers' rows, with
    ``fresh`` (times to :func:`fresh_offers` on the same network) appended.

    Raises
    ------
    ValueError
        ``fresh`` was computed on another network, mode or search limit than ``before``.
    """
    if fresh.basis != before.basis:
        raise ValueError("Reisezeiten nachher stammen aus einem anderen Netz als vorher")
    stale = stale_ids(scenario.removed, [m.id for m in scenario.moved])
    return TravelTimes(merge_costs(before.table, fresh.table, stale), before.basis)


def run_scenario(
    grid: DemandGrid,
    offers: pd.DataFrame,
    params: CoverageParams,
    scenario: Scenario,
    *,
    before: CoverageResult | None = None,
    travel: TravelTimes | None = None,
    fresh: TravelTimes | None = None,
) -> ScenarioResult:
    """Both runs with ``params`` (``before`` may be given: the page has it cached) and
    :func:`compare`.

    With a network mode ``travel`` is the cost table to ``offers`` (as for
    :func:`~.result.run_coverage`) and ``fresh`` the one to :func:`fresh_offers`; both are
    required then (``fresh`` may be empty when nothing is added or moved).
    """
    after_times = None
    if params.network:
        if travel is None or fresh is None:
            raise ValueError("Netz-Modus: Reisezeiten vorher und zu neuen Angeboten nötig")
        after_times = after_travel(travel, fresh, scenario)
    if before is None:
        before = run_coverage(grid, offers, params, travel=travel)
    after = run_coverage(grid, apply_scenario(offers, scenario), params, travel=after_times)
    return compare(before, after, scenario)


def compare(before: CoverageResult, after: CoverageResult, scenario: Scenario) -> ScenarioResult:
    """Cells and units of two runs on the same grid and parameters side by side."""
    b, a = before.cells, after.cells
    if len(b) != len(a) or not (b["cell_id"].to_numpy() == a["cell_id"].to_numpy()).all():
        raise ValueError("vorher und nachher müssen dasselbe Raster haben")
    demand = b["demand"].to_numpy(dtype=float)
    access = access_flags(~b["beyond"].to_numpy(bool), ~a["beyond"].to_numpy(bool))
    cells = pd.DataFrame(
        {
            "cell_id": b["cell_id"].to_numpy(),
            "cell": b["cell"].to_numpy(),
            COL_AGS: b[COL_AGS].to_numpy(),
            COL_KREIS_AGS: b[COL_KREIS_AGS].to_numpy(),
            "demand": demand,
            "before": b["value"].to_numpy(dtype=float),
            "after": a["value"].to_numpy(dtype=float),
        }
    )
    cells["change"] = change(cells["before"].to_numpy(), cells["after"].to_numpy())
    cells["access"] = access
    gain = np.where(access == GAIN, demand, 0.0)
    lose = np.where(access == LOSE, demand, 0.0)
    tables = {
        level: _units(before.units(level), after.units(level), cells[key], gain, lose)
        for level, key in ((LEVEL_GEMEINDE, COL_AGS), (LEVEL_KREIS, COL_KREIS_AGS))
    }
    return ScenarioResult(
        scenario=scenario,
        before=before,
        after=after,
        cells=cells,
        gemeinden=tables[LEVEL_GEMEINDE],
        kreise=tables[LEVEL_KREIS],
        gain=float(gain.sum()),
        lose=float(lose.sum()),
    )


def _units(
    before: pd.DataFrame, after: pd.DataFrame, keys: pd.Series, gain: np.ndarray, lose: np.ndarray
) -> pd.DataFrame:
    """One level's table (:data:`UNIT_COLUMNS`), in the order of ``before``."""
    sums = pd.DataFrame({"k": keys.to_numpy(), "gain": gain, "lose": lose}).groupby("k").sum()
    ags = before[COL_AGS].to_numpy()
    after_by = after.set_index(COL_AGS).reindex(ags)
    out = pd.DataFrame(
        {
            "level": before["level"].to_numpy(),
            COL_AGS: ags,
            COL_NAME: before[COL_NAME].to_numpy(),
            "demand": before["demand"].to_numpy(dtype=float),
            "value_before": before["value"].to_numpy(dtype=float),
            "value_after": after_by["value"].to_numpy(dtype=float),
        }
    )
    out["change"] = change(out["value_before"].to_numpy(), out["value_after"].to_numpy())
    out["demand_beyond_before"] = before["demand_beyond"].to_numpy(dtype=float)
    out["demand_beyond_after"] = after_by["demand_beyond"].to_numpy(dtype=float)
    for column in ("gain", "lose"):
        out[column] = sums[column].reindex(ags).fillna(0.0).round(3).to_numpy()
    return out


__all__ = [
    "UNIT_COLUMNS",
    "ScenarioResult",
    "after_travel",
    "apply_scenario",
    "compare",
    "fresh_offers",
    "run_scenario",
]
