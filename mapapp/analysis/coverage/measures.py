"""The chosen measure per cell piece and per unit, and the per-unit summary tables."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.accessibility import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LEVEL_LAND,
    enhanced_two_stage_fca,
    offers_per_capita,
    two_stage_fca,
)
from mapapp.analysis.accessibility.capacity import (
    capacity_from_pairs,
    capacity_from_points,
    id_ranks,
)
from mapapp.analysis.accessibility.costs import table_pairs
from mapapp.analysis.coverage.grid import DemandGrid, piece_ids
from mapapp.analysis.coverage.params import (
    FCA_PER,
    MOSTLY_APPROXIMATE,
    PER_CAPITA_PER,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.analysis.demand import COL_FOREIGN_POPULATION
from mapapp.analysis.network import TravelTimes
from mapapp.config import NRW_LAND
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_POPULATION

Keys = npt.NDArray[np.object_]


def _weighted_mean(
    keys: npt.NDArray[np.object_], values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> pd.Series:
    """Weighted mean of ``values`` per key; plain mean where the weights sum to 0."""
    finite = np.where(np.isfinite(values), values, np.nan)
    frame = pd.DataFrame({"k": keys, "wv": weights * finite, "w": weights, "v": finite})
    grouped = frame.groupby("k", sort=True)
    wsum = grouped["w"].sum()
    mean = grouped["wv"].sum(min_count=1) / wsum.where(wsum > 0)
    return mean.fillna(grouped["v"].mean())


def _per_capita(
    grid: DemandGrid, offers: pd.DataFrame, demand_col: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Offers per 10,000 people of ``demand_col``, indexed by AGS.

    Gemeinden count the offers carrying their AGS
    (:func:`~mapapp.analysis.accessibility.offers_per_capita`); Kreise count every offer with their
    Kreis key, including offers known only by their Kreis. Returns (Gemeinde offer counts,
    Gemeinde rates, Kreis rates).
    """
    cells = grid.cells
    gem_demand = cells.groupby(COL_AGS, sort=True)[demand_col].sum()
    units = pd.DataFrame({COL_AGS: gem_demand.index, "demand": gem_demand.to_numpy()})
    with_ags = offers[offers[COL_AGS].notna() & (offers[COL_AGS].astype(str) != "")]
    per = offers_per_capita(
        units,
        pd.DataFrame({COL_AGS: with_ags[COL_AGS].astype(str).to_numpy()}),
        population="demand",
        foreign_population=None,
        kreis=False,
        land=None,
    ).set_index(COL_AGS)
    kreis_demand = cells.groupby(COL_KREIS_AGS, sort=True)[demand_col].sum()
    kreis_counts = (
        offers[COL_KREIS_AGS]
        .dropna()
        .astype(str)
        .value_counts()
        .reindex(kreis_demand.index, fill_value=0)
        .astype(float)
    )
    kreis_rates = kreis_counts / kreis_demand.where(kreis_demand > 0) * PER_CAPITA_PER
    return per["offers"], per["offers_per_10000"], kreis_rates


def _unit_table(
    level: str,
    people: pd.DataFrame,
    demand_kind: DemandKind,
    mean_nearest_m: pd.Series,
    offers_count: pd.Series,
    value: pd.Series,
    names: pd.DataFrame,
    foreign_known: bool,
    approx_share: pd.Series,
) -> pd.DataFrame:
    """One level's summary rows (columns: :class:`~.result.CoverageResult`); ``approx_share`` is
    the share of each unit's demand whose nearest counted offer is approximately located."""
    rows = people[people["level"] == level].set_index(COL_AGS)
    prefix = "foreign_population" if demand_kind is DemandKind.FOREIGN else "population"
    share_col = "foreign_share_beyond" if demand_kind is DemandKind.FOREIGN else "share_beyond"
    lookup = names[names["level"] == level].set_index(COL_AGS)[COL_NAME]
    out = pd.DataFrame(
        {
            "level": level,
            COL_AGS: rows.index.to_numpy(),
            COL_NAME: lookup.reindex(rows.index).to_numpy(),
            "population": rows["population"].to_numpy(),
        }
    )
    if foreign_known:
        out["foreign_population"] = rows["foreign_population"].to_numpy()
    out["demand"] = rows[prefix].to_numpy()
    out["demand_beyond"] = rows[f"{prefix}_beyond"].to_numpy()
    # people are sums of fractional cell pieces: drop the floating-point noise (1017355.0000000001)
    rounded = [
        c for c in ("population", "foreign_population", "demand", "demand_beyond") if c in out
    ]
    out[rounded] = out[rounded].round(3)
    out["share_beyond_pct"] = rows[share_col].to_numpy() * 100
    out["mean_nearest_km"] = mean_nearest_m.reindex(rows.index).to_numpy() / 1000
    out["offers"] = offers_count.reindex(rows.index).fillna(0).astype(int).to_numpy()
    out["value"] = value.reindex(rows.index).to_numpy()
    out["approx_share"] = approx_share.reindex(rows.index).to_numpy(dtype=float)
    out["nearest_approx"] = out["approx_share"].to_numpy() > MOSTLY_APPROXIMATE
    return out


def _fca_per_cell(
    cells: pd.DataFrame,
    used: pd.DataFrame,
    params: CoverageParams,
    max_pairs: float | None,
    travel: TravelTimes | None = None,
) -> npt.NDArray[np.float64]:
    """2SFCA or E2SFCA per cell piece (counted offers with capacity 1 each, catchment in metres,
    EPSG:25832, or in minutes on ``travel``'s cost table), per :data:`FCA_PER` people."""
    supply = pd.DataFrame(
        {
            "id": used["id"].to_numpy(),
            "capacity": np.ones(len(used)),
            "x": used.geometry.x.to_numpy(dtype=float),
            "y": used.geometry.y.to_numpy(dtype=float),
        }
    )
    weight_fn = params.e2sfca_weights if params.method is Method.E2SFCA else None
    measure = enhanced_two_stage_fca if params.method is Method.E2SFCA else two_stage_fca
    if travel is not None:
        pieces = pd.DataFrame({"piece": piece_ids(cells), "demand": cells["demand"].to_numpy()})
        access = measure(
            pieces, supply, demand_value="demand", supply_value="capacity",
            max_cost=params.catchment, weight_fn=weight_fn, cost=travel.table,
            demand_id="piece", supply_id="id",
        )  # fmt: skip
        return access.to_numpy(dtype=float) * FCA_PER
    access = measure(
        cells, supply, demand_value="demand", supply_value="capacity",
        max_cost=params.catchment_m, weight_fn=weight_fn, max_pairs=max_pairs,
    )  # fmt: skip
    return access.to_numpy(dtype=float) * FCA_PER


def _per_capita_measure(
    cells: pd.DataFrame, used: pd.DataFrame, params: CoverageParams, grid: DemandGrid
) -> tuple[npt.NDArray[np.float64], dict[str, pd.Series], pd.Series]:
    """Offers per :data:`PER_CAPITA_PER` people: per cell piece (its Gemeinde's rate), per unit,
    and the Gemeinde offer counts."""
    demand_col = COL_FOREIGN_POPULATION if params.demand is DemandKind.FOREIGN else COL_POPULATION
    gem_counts, gem_rates, kreis_rates = _per_capita(grid, used, demand_col)
    total = float(cells["demand"].to_numpy(dtype=float).sum())
    land_rate = len(used) / total * PER_CAPITA_PER if total > 0 else float("nan")
    values = {
        LEVEL_GEMEINDE: gem_rates,
        LEVEL_KREIS: kreis_rates,
        LEVEL_LAND: pd.Series({NRW_LAND: land_rate}),
    }
    per_cell = cells[COL_AGS].map(gem_rates).to_numpy(dtype=float)
    return per_cell, values, gem_counts


def _capacity_measure(
    cells: pd.DataFrame,
    used: pd.DataFrame,
    params: CoverageParams,
    keys: Mapping[str, Keys],
    travel: TravelTimes | None = None,
) -> tuple[npt.NDArray[np.float64], dict[str, pd.Series]]:
    """Capacity-limited coverage (:mod:`mapapp.analysis.accessibility.capacity`): the offers with
    a known capacity serve the cells within the catchment; ``cells["unserved"]`` gets the people
    left unserved per piece, the values are the unserved share of the demand in percent (per
    piece and per unit). Without any offer with a capacity every value is ``NaN``."""
    demand = cells["demand"].to_numpy(dtype=float)
    capacity = pd.to_numeric(used["capacity"], errors="coerce") if "capacity" in used else None
    known = used[capacity.notna().to_numpy()] if capacity is not None else used.iloc[:0]
    if known.empty:
        cells["unserved"] = np.nan
        nan = {lvl: pd.Series(np.nan, index=pd.unique(k)) for lvl, k in keys.items()}
        return np.full(len(cells), np.nan), nan
    cell_ids = piece_ids(cells)
    supply = pd.to_numeric(known["capacity"]).to_numpy(dtype=float).clip(min=0)
    demand_rank = id_ranks(cell_ids)
    supply_rank = id_ranks(known["id"].astype(str).tolist())
    if travel is not None:  # the cost table's pairs within the catchment (minutes)
        pairs = table_pairs(
            travel.table, pd.Index(cell_ids), pd.Index(known["id"]), params.catchment
        )
        unserved = capacity_from_pairs(
            demand, supply, *pairs, demand_rank=demand_rank, supply_rank=supply_rank
        )
    else:
        unserved = capacity_from_points(
            demand,
            supply,
            cells[["x", "y"]].to_numpy(dtype=float),
            np.column_stack([known.geometry.x.to_numpy(float), known.geometry.y.to_numpy(float)]),
            max_cost=params.catchment_m,
            demand_rank=demand_rank,
            supply_rank=supply_rank,
        )
    cells["unserved"] = unserved
    with np.errstate(divide="ignore", invalid="ignore"):
        per_cell = np.where(demand > 0, unserved / demand * 100, np.nan)
    values = {}
    for lvl, k in keys.items():
        sums = pd.DataFrame({"k": k, "u": unserved, "d": demand}).groupby("k", sort=True).sum()
        values[lvl] = sums["u"] / sums["d"].where(sums["d"] > 0) * 100
    return per_cell, values


def _measure(
    cells: pd.DataFrame,
    used: pd.DataFrame,
    params: CoverageParams,
    keys: Mapping[str, npt.NDArray[np.object_]],
    mean_nearest: Mapping[str, pd.Series],
    grid: DemandGrid,
    max_pairs: float | None = None,
    travel: TravelTimes | None = None,
) -> tuple[npt.NDArray[np.float64], dict[str, pd.Series], pd.Series | None]:
    """The chosen measure: per cell piece, per unit of each level (indexed by AGS), and for offers
    per capita the Gemeinde offer counts (``None`` otherwise).

    Units: nearest in km, share in % (per cell 0/1), 2SFCA/E2SFCA per :data:`FCA_PER` people,
    offers per :data:`PER_CAPITA_PER` people; unit values are demand-weighted means of the cells.
    Capacity: unserved share of the demand in % (per unit: unserved people / demand).
    With ``travel`` (a network mode) costs are minutes: nearest in minutes (per unit the
    demand-weighted mean over the cells with an offer within the search), the catchment the
    threshold in minutes.
    """
    if params.method is Method.PER_CAPITA:
        return _per_capita_measure(cells, used, params, grid)
    if params.method is Method.CAPACITY:
        return (*_capacity_measure(cells, used, params, keys, travel), None)
    if params.method is Method.NEAREST and travel is not None:
        minutes = cells["nearest_min"].to_numpy(dtype=float)
        reached = np.where(np.isfinite(minutes), cells["demand"].to_numpy(dtype=float), 0.0)
        return minutes, {lvl: _weighted_mean(k, minutes, reached) for lvl, k in keys.items()}, None
    if params.method is Method.NEAREST:
        per_cell = cells["nearest_m"].to_numpy(dtype=float) / 1000
        return per_cell, {lvl: s / 1000 for lvl, s in mean_nearest.items()}, None
    demand = cells["demand"].to_numpy(dtype=float)
    if params.method is Method.SHARE:
        per_cell = cells["beyond"].to_numpy(dtype=float)
        return (
            per_cell,
            {k: _weighted_mean(v, per_cell, demand) * 100 for k, v in keys.items()},
            None,
        )
    per_cell = _fca_per_cell(cells, used, params, max_pairs, travel)
    return per_cell, {lvl: _weighted_mean(k, per_cell, demand) for lvl, k in keys.items()}, None
