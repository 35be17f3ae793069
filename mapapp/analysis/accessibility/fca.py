"""The public distance measures: nearest cost, 2SFCA and E2SFCA (as PySAL ``access``)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from mapapp.analysis.accessibility.costs import (
    CostTable,
    FloatArray,
    IntArray,
    _check_max_cost,
    _check_max_pairs,
    _check_workers,
    _Chunk,
    _euclidean_chunk,
    _euclidean_chunks,
    _ids,
    _require_columns,
    _table_pairs,
    _values,
    _xy,
)
from mapapp.analysis.accessibility.weights import StepWeights, WeightFunction


def _apply_weight(weight_fn: WeightFunction | None, cost: FloatArray) -> FloatArray | None:
    if weight_fn is None:
        return None
    weights = np.asarray(weight_fn(cost), dtype=np.float64)
    if weights.shape != cost.shape:
        raise ValueError("weight_fn muss je Kostenwert ein Gewicht liefern")
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("weight_fn muss endliche Gewichte >= 0 liefern")
    return weights


def _fca_chunk(
    chunk: _Chunk,
    demand: FloatArray,
    supply: FloatArray,
    weight_fn: WeightFunction | None,
    access: FloatArray,
    reached: npt.NDArray[np.bool_],
) -> None:
    """Add one chunk's stage-2 contributions to ``access`` and mark reached demand locations."""
    if len(chunk.origin) == 0:
        return
    weight = _apply_weight(weight_fn, chunk.cost)
    demand_in_reach = demand[chunk.origin] if weight is None else demand[chunk.origin] * weight
    total = np.bincount(chunk.local, weights=demand_in_reach, minlength=len(chunk.supply))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = supply[chunk.supply] / total
    contribution = ratio[chunk.local] if weight is None else ratio[chunk.local] * weight
    if not np.isfinite(ratio).all():
        # access sums with pandas, which skips NaN (0/0 and inf * 0); inf stays inf.
        contribution = np.where(np.isnan(contribution), 0.0, contribution)
    access += np.bincount(chunk.origin, weights=contribution, minlength=len(access))
    reached[chunk.origin] = True


def _fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float | None,
    weight_fn: WeightFunction | None,
    cost: CostTable | None,
    x: str,
    y: str,
    demand_id: str | None,
    supply_id: str | None,
    unreachable: float,
    workers: int,
    max_pairs: float | None,
    name: str,
) -> pd.Series:
    limit = _check_max_cost(max_cost, required=cost is None)
    pair_limit = _check_max_pairs(max_pairs)
    _check_workers(workers)
    demand_values = _values(demand, demand_value, "Nachfrage", non_negative=True)
    supply_values = _values(supply, supply_value, "Angebot", non_negative=True)
    n = len(demand)
    access = np.zeros(n, dtype=np.float64)
    reached = np.zeros(n, dtype=bool)

    if cost is not None:
        origin, dest, pair_cost = _table_pairs(
            cost, _ids(demand, demand_id, "Nachfrage"), _ids(supply, supply_id, "Angebot"), limit
        )
        chunk = _Chunk(np.arange(len(supply), dtype=np.intp), origin, dest, pair_cost)
        _fca_chunk(chunk, demand_values, supply_values, weight_fn, access, reached)
    elif n and len(supply):
        demand_xy = _xy(demand, x, y, "Nachfrage")
        supply_xy = _xy(supply, x, y, "Angebot")
        tree, chunks = _euclidean_chunks(demand_xy, supply_xy, limit, pair_limit)

        def run(part: Sequence[IntArray], acc: FloatArray, hit: npt.NDArray[np.bool_]) -> None:
            for ids in part:
                chunk = _euclidean_chunk(tree, supply_xy, ids, limit)
                _fca_chunk(chunk, demand_values, supply_values, weight_fn, acc, hit)

        if workers == 1 or len(chunks) == 1:
            run(chunks, access, reached)
        else:
            # One accumulator per worker, chunks dealt round-robin: deterministic sums.
            accs = [np.zeros(n, dtype=np.float64) for _ in range(workers)]
            hits = [np.zeros(n, dtype=bool) for _ in range(workers)]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(run, chunks[k::workers], accs[k], hits[k]) for k in range(workers)
                ]
                for future in futures:
                    future.result()
            for acc, hit in zip(accs, hits, strict=True):
                access += acc
                reached |= hit

    access[~reached] = unreachable
    return pd.Series(access, index=demand.index, name=name)


# --------------------------------------------------------------------------------------------
# Public measures
# --------------------------------------------------------------------------------------------


def nearest_cost(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    max_cost: float | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    category: str | None = None,
    categories: Collection[str] | None = None,
    demand_id: str | None = None,
    supply_id: str | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Cost (straight-line distance by default) from each demand location to the nearest offer.

    Parameters
    ----------
    demand
        Demand locations (e.g. grid cells), one row each; coordinates in ``x``/``y`` (metres,
        EPSG:25832) or a point geometry. Only needed columns are read.
    supply
        Offer locations, same coordinate convention.
    max_cost
        Search radius in metres (or cost units); pairs with ``cost <= max_cost`` count. ``None``:
        unlimited.
    cost
        A router's cost table instead of straight-line distances (see :class:`CostTable`);
        its origins are matched to ``demand_id`` and its destinations to ``supply_id``.
    x, y
        Coordinate columns of both frames.
    category, categories
        Only offers whose ``category`` column is in ``categories`` count (e.g. MBE offices only,
        or any of a set of categories). Both ``None``: every offer counts.
    demand_id, supply_id
        Id columns matching the cost table; ``None``: the frame index. Also the ids reported in
        ``nearest``.
    workers
        Threads for the tree query.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``demand`` (same order), columns ``cost`` (float; ``inf`` where no offer is
        within ``max_cost`` or there is no offer at all) and ``nearest`` (id of the nearest offer,
        missing (``pd.isna``) where there is none; on ties the first supply row with a cost
        table, whichever one the tree returns for straight-line distances).
    """
    limit = _check_max_cost(max_cost, required=False)
    _check_workers(workers)
    if categories is not None:
        if category is None:
            raise ValueError("categories braucht den Spaltennamen category")
        _require_columns(supply, [category], "Angebot")
        supply = supply[supply[category].isin(list(categories))]
    elif category is not None:
        raise ValueError("category braucht categories (die zählenden Kategorien)")
    supply_ids = _ids(supply, supply_id, "Angebot")
    n = len(demand)
    best = np.full(n, np.inf)
    which = np.full(n, -1, dtype=np.intp)

    if cost is not None:
        origin, dest, pair_cost = _table_pairs(
            cost, _ids(demand, demand_id, "Nachfrage"), supply_ids, limit
        )
        order = np.lexsort((dest, pair_cost, origin))
        origin, dest, pair_cost = origin[order], dest[order], pair_cost[order]
        first = np.ones(len(origin), dtype=bool)
        first[1:] = origin[1:] != origin[:-1]
        best[origin[first]] = pair_cost[first]
        which[origin[first]] = dest[first]
    elif n and len(supply):
        demand_xy = _xy(demand, x, y, "Nachfrage")
        supply_xy = _xy(supply, x, y, "Angebot")
        # cKDTree's distance_upper_bound is exclusive; max_cost is inclusive.
        bound = np.nextafter(limit, np.inf) if math.isfinite(limit) else np.inf
        dist, idx = cKDTree(supply_xy).query(
            demand_xy, k=1, distance_upper_bound=bound, workers=workers
        )
        found = np.isfinite(dist)
        best[found] = dist[found]
        which[found] = idx[found]

    labels = np.asarray(supply_ids, dtype=object)
    nearest = np.full(n, None, dtype=object)
    nearest[which >= 0] = labels[which[which >= 0]]
    return pd.DataFrame({"cost": best, "nearest": nearest}, index=demand.index)


def two_stage_fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float | None,
    weight_fn: WeightFunction | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    demand_id: str | None = None,
    supply_id: str | None = None,
    unreachable: float = 0.0,
    workers: int = 1,
    max_pairs: float | None = None,
) -> pd.Series:
    """Two-step floating catchment area (2SFCA, Luo & Wang 2003): supply per demand in reach.

    Equals ``access.Access(...).two_stage_fca(max_cost=..., weight_fn=...)`` on the same pairs
    (see the module docstring for the exact conventions).

    Parameters
    ----------
    demand
        Demand locations: column ``demand_value`` (e.g. people in a grid cell, >= 0) and
        coordinates ``x``/``y`` in metres (EPSG:25832) or a point geometry.
    supply
        Supply locations: column ``supply_value`` (capacity, e.g. advisers or places, >= 0) and
        coordinates.
    demand_value, supply_value
        Column names of demand and capacity.
    max_cost
        Catchment size in metres (or cost units): a pair counts when ``cost <= max_cost``.
        Required with coordinates; with a cost table ``None`` means every listed pair.
    weight_fn
        Optional distance-decay weight applied in both stages (``None``: classic 2SFCA, weight 1).
    cost
        A router's cost table instead of straight-line distances (see :class:`CostTable`).
    x, y
        Coordinate columns of both frames.
    demand_id, supply_id
        Id columns matching the cost table's origins/destinations; ``None``: the frame index.
    unreachable
        Value for demand locations with no supply location within ``max_cost``.
    workers
        Threads used for the straight-line pair search and sums.
    max_pairs
        Refuse (:class:`PairLimitError`) when about more straight-line pairs than this lie within
        ``max_cost``; ``None``: :data:`MAX_PAIRS`, ``math.inf``: no limit. A cost table is never
        limited (its pairs are already in memory).

    Returns
    -------
    pandas.Series
        Accessibility (capacity per unit of demand) indexed like ``demand``, name ``"2sfca"``.
    """
    return _fca(
        demand,
        supply,
        demand_value=demand_value,
        supply_value=supply_value,
        max_cost=max_cost,
        weight_fn=weight_fn,
        cost=cost,
        x=x,
        y=y,
        demand_id=demand_id,
        supply_id=supply_id,
        unreachable=unreachable,
        workers=workers,
        max_pairs=max_pairs,
        name="2sfca",
    )


def enhanced_two_stage_fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float,
    weight_fn: WeightFunction | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    demand_id: str | None = None,
    supply_id: str | None = None,
    unreachable: float = 0.0,
    workers: int = 1,
    max_pairs: float | None = None,
) -> pd.Series:
    """Enhanced 2SFCA (E2SFCA, Luo & Qi 2009): 2SFCA with distance-decay weights in both stages.

    Equals ``access.Access(...).enhanced_two_stage_fca(max_cost=..., weight_fn=...)`` on the same
    pairs. Parameters as in :func:`two_stage_fca`, except:

    Parameters
    ----------
    max_cost
        Catchment size (metres or cost units), required.
    weight_fn
        :class:`StepWeights` (e.g. ``step_weights({5000: 1, 10000: 0.68, 15000: 0.22})``),
        :class:`GaussianWeights` or any vectorised weight function. ``None``: the classic bands
        1 / 0.68 / 0.22 at thirds of ``max_cost`` (:meth:`StepWeights.classic`).

    Returns
    -------
    pandas.Series
        Accessibility indexed like ``demand``, name ``"e2sfca"``.
    """
    limit = _check_max_cost(max_cost, required=True)
    if weight_fn is None:
        weight_fn = StepWeights.classic(limit)
    return _fca(
        demand,
        supply,
        demand_value=demand_value,
        supply_value=supply_value,
        max_cost=limit,
        weight_fn=weight_fn,
        cost=cost,
        x=x,
        y=y,
        demand_id=demand_id,
        supply_id=supply_id,
        unreachable=unreachable,
        workers=workers,
        max_pairs=max_pairs,
        name="e2sfca",
    )
