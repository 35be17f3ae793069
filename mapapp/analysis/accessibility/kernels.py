"""The measures on plain arrays: 2SFCA/E2SFCA sums and the nearest offer (numpy and scipy only).

The frame functions of :mod:`.fca` check columns and ids and call these; ``mapapp coverage`` on
CSV files calls them directly, so the command does not need pandas. Coordinates are ``(n, 2)``
arrays in metres (EPSG:25832); costs are metres or the unit of a router's cost table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from mapapp.analysis.accessibility.pairs import (
    Chunk,
    FloatArray,
    IntArray,
    check_max_pairs,
    check_workers,
    euclidean_chunk,
    euclidean_chunks,
)
from mapapp.analysis.accessibility.weights import StepWeights, WeightFunction

BoolArray = npt.NDArray[np.bool_]


def _apply_weight(weight_fn: WeightFunction | None, cost: FloatArray) -> FloatArray | None:
    if weight_fn is None:
        return None
    weights = np.asarray(weight_fn(cost), dtype=np.float64)
    if isinstance(weight_fn, StepWeights):  # its weights are checked finite and >= 0
        return weights
    if weights.shape != cost.shape:
        raise ValueError("weight_fn muss je Kostenwert ein Gewicht liefern")
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("weight_fn muss endliche Gewichte >= 0 liefern")
    return weights


def _fca_chunk(
    chunk: Chunk,
    demand: FloatArray,
    supply: FloatArray,
    weight_fn: WeightFunction | None,
    access: FloatArray,
    reached: BoolArray,
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


def fca_from_pairs(
    demand: FloatArray,
    supply: FloatArray,
    origin: IntArray,
    destination: IntArray,
    cost: FloatArray,
    *,
    weight_fn: WeightFunction | None,
    unreachable: float = 0.0,
) -> FloatArray:
    """2SFCA/E2SFCA from listed pairs (e.g. a router's cost table already cut at ``max_cost``).

    Parameters
    ----------
    demand, supply
        Demand per demand location and capacity per supply location (finite, >= 0).
    origin, destination, cost
        One entry per pair: demand position, supply position, cost (within the catchment).
    weight_fn
        Distance-decay weight of a cost (``None``: weight 1, the classic 2SFCA).
    unreachable
        Value for demand locations without any pair.

    Returns
    -------
    numpy.ndarray
        Accessibility per demand location (capacity per unit of demand), in input order.
    """
    access = np.zeros(len(demand), dtype=np.float64)
    reached = np.zeros(len(demand), dtype=bool)
    chunk = Chunk(np.arange(len(supply), dtype=np.intp), origin, destination, cost)
    _fca_chunk(chunk, demand, supply, weight_fn, access, reached)
    access[~reached] = unreachable
    return access


def fca_from_points(
    demand: FloatArray,
    supply: FloatArray,
    demand_xy: FloatArray,
    supply_xy: FloatArray,
    *,
    max_cost: float,
    weight_fn: WeightFunction | None,
    unreachable: float = 0.0,
    workers: int = 1,
    max_pairs: float | None = None,
) -> FloatArray:
    """2SFCA/E2SFCA on straight-line distances: pairs with ``distance <= max_cost`` (metres).

    Parameters as in :func:`fca_from_pairs`, plus coordinates ``(n, 2)`` and ``(m, 2)`` in
    EPSG:25832 metres, ``workers`` threads (chunks dealt round-robin, one accumulator each, so
    sums are deterministic) and ``max_pairs`` (``None``: :data:`.pairs.MAX_PAIRS`).

    Raises
    ------
    PairLimitError
        More than about ``max_pairs`` pairs lie within ``max_cost``.
    """
    pair_limit = check_max_pairs(max_pairs)
    check_workers(workers)
    n = len(demand)
    access = np.zeros(n, dtype=np.float64)
    reached = np.zeros(n, dtype=bool)
    if n == 0 or len(supply) == 0:
        access[~reached] = unreachable
        return access
    tree, chunks = euclidean_chunks(demand_xy, supply_xy, max_cost, pair_limit)

    def run(part: Sequence[IntArray], acc: FloatArray, hit: BoolArray) -> None:
        for ids in part:
            chunk = euclidean_chunk(tree, supply_xy, ids, max_cost)
            _fca_chunk(chunk, demand, supply, weight_fn, acc, hit)

    if workers == 1 or len(chunks) == 1:
        run(chunks, access, reached)
    else:
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
    return access


def nearest_from_pairs(
    n: int, origin: IntArray, destination: IntArray, cost: FloatArray
) -> tuple[FloatArray, IntArray]:
    """Lowest cost per demand location among listed pairs.

    Returns
    -------
    (cost, supply position)
        ``inf`` and ``-1`` where a demand location has no pair; on ties the first supply position.
    """
    best = np.full(n, np.inf)
    which = np.full(n, -1, dtype=np.intp)
    order = np.lexsort((destination, cost, origin))
    origin, destination, cost = origin[order], destination[order], cost[order]
    first = np.ones(len(origin), dtype=bool)
    first[1:] = origin[1:] != origin[:-1]
    best[origin[first]] = cost[first]
    which[origin[first]] = destination[first]
    return best, which


def nearest_from_points(
    demand_xy: FloatArray, supply_xy: FloatArray, *, max_cost: float, workers: int = 1
) -> tuple[FloatArray, IntArray]:
    """Straight-line distance (metres) to the nearest supply point within ``max_cost`` (inclusive).

    Returns
    -------
    (distance, supply position)
        ``inf`` and ``-1`` where no supply point is within ``max_cost`` (or there is none).
    """
    check_workers(workers)
    n = len(demand_xy)
    best = np.full(n, np.inf)
    which = np.full(n, -1, dtype=np.intp)
    if n == 0 or len(supply_xy) == 0:
        return best, which
    # cKDTree's distance_upper_bound is exclusive; max_cost is inclusive.
    bound = np.nextafter(max_cost, np.inf) if math.isfinite(max_cost) else np.inf
    dist, idx = cKDTree(supply_xy).query(
        demand_xy, k=1, distance_upper_bound=bound, workers=workers
    )
    found = np.isfinite(dist)
    best[found] = dist[found]
    which[found] = idx[found]
    return best, which
