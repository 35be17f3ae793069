"""The public distance measures on frames: nearest cost, 2SFCA and E2SFCA (as PySAL ``access``).

These check columns, ids and parameters, take the arrays out of the frames and call
:mod:`.kernels` (the same code ``mapapp coverage`` runs on CSV files).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility.costs import (
    CostTable,
    _ids,
    _require_columns,
    _values,
    _xy,
    table_pairs,
)
from mapapp.analysis.accessibility.kernels import (
    fca_from_pairs,
    fca_from_points,
    nearest_from_pairs,
    nearest_from_points,
)
from mapapp.analysis.accessibility.pairs import check_max_cost, check_max_pairs, check_workers
from mapapp.analysis.accessibility.weights import StepWeights, WeightFunction


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
    """The 2SFCA family on frames (parameters as in :func:`two_stage_fca`), as a named Series."""
    limit = check_max_cost(max_cost, required=cost is None)
    pair_limit = check_max_pairs(max_pairs)
    check_workers(workers)
    demand_values = _values(demand, demand_value, "Nachfrage", non_negative=True)
    supply_values = _values(supply, supply_value, "Angebot", non_negative=True)
    if cost is not None:
        demand_ids = _ids(demand, demand_id, "Nachfrage")
        origin, dest, pair_cost = table_pairs(
            cost, demand_ids, _ids(supply, supply_id, "Angebot"), limit
        )
        access = fca_from_pairs(
            demand_values, supply_values, origin, dest, pair_cost,
            weight_fn=weight_fn, unreachable=unreachable,
        )  # fmt: skip
    elif len(demand) and len(supply):
        access = fca_from_points(
            demand_values, supply_values, _xy(demand, x, y, "Nachfrage"),
            _xy(supply, x, y, "Angebot"), max_cost=limit, weight_fn=weight_fn,
            unreachable=unreachable, workers=workers, max_pairs=pair_limit,
        )  # fmt: skip
    else:
        access = np.full(len(demand), float(unreachable))
    return pd.Series(access, index=demand.index, name=name)


def _offers_of(
    supply: pd.DataFrame, category: str | None, categories: Collection[str] | None
) -> pd.DataFrame:
    """The supply rows whose ``category`` is in ``categories`` (all rows when both are None)."""
    if categories is not None:
        if category is None:
            raise ValueError("categories braucht den Spaltennamen category")
        _require_columns(supply, [category], "Angebot")
        return supply[supply[category].isin(list(categories))]
    if category is not None:
        raise ValueError("category braucht categories (die zählenden Kategorien)")
    return supply


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

    Longer than 60 lines by its parameter list only: the code is some 20 lines (checks, then
    :mod:`.kernels`).

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
    limit = check_max_cost(max_cost, required=False)
    check_workers(workers)
    supply = _offers_of(supply, category, categories)
    supply_ids = _ids(supply, supply_id, "Angebot")
    if cost is not None:
        pairs = table_pairs(cost, _ids(demand, demand_id, "Nachfrage"), supply_ids, limit)
        best, which = nearest_from_pairs(len(demand), *pairs)
    elif len(demand) and len(supply):
        best, which = nearest_from_points(
            _xy(demand, x, y, "Nachfrage"), _xy(supply, x, y, "Angebot"),
            max_cost=limit, workers=workers,
        )  # fmt: skip
    else:
        best, which = np.full(len(demand), np.inf), np.full(len(demand), -1, dtype=np.intp)
    labels = np.asarray(supply_ids, dtype=object)
    nearest = np.full(len(demand), None, dtype=object)
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
    (see the module docstring for the exact conventions). Longer than 60 lines by its parameter
    list only (shared with :func:`enhanced_two_stage_fca`); the code forwards to ``_fca``.

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
    limit = check_max_cost(max_cost, required=True)
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
