"""Capacity-limited coverage (as AccessMod's): demand left unserved when offers have capacities.

Semantics (the method panel and ``mapapp coverage --help`` say the same):

1. offers are taken one after the other in descending capacity; equal capacities in the order of
   their ids (``supply_rank``);
2. each offer takes demand from the demand rows within ``max_cost`` (inclusive), nearest first;
   equal costs in the order of the demand ids (``demand_rank``);
3. it takes until its capacity is used; a row it takes only partly keeps the remainder for the
   next offer;
4. what is left per row at the end is the unserved demand.

numpy and scipy only (``mapapp coverage`` on CSV files needs no pandas). The offers are walked in
a Python loop (each one depends on what the earlier ones took); the work per offer is vectorised:
its pairs are sorted (cost, then demand id) and its take is a cumulative sum and one binary
search. Straight-line
pairs are built in chunks of offers (in processing order), so memory follows one chunk's pairs.
"""

from __future__ import annotations

import numpy as np

from mapapp.analysis.accessibility.pairs import (
    FloatArray,
    IntArray,
    check_max_pairs,
    euclidean_chunk,
    euclidean_chunks,
)


def id_ranks(ids: list[str]) -> IntArray:
    """Position of each id in the sorted ids (text order): the tie order of the semantics."""
    order = np.argsort(np.asarray(ids, dtype=object), kind="stable")
    ranks = np.empty(len(ids), dtype=np.intp)
    ranks[order] = np.arange(len(ids), dtype=np.intp)
    return ranks


def processing_order(capacity: FloatArray, supply_rank: IntArray) -> IntArray:
    """Offer positions in processing order: descending capacity, then ascending id rank."""
    return np.lexsort((supply_rank, -capacity)).astype(np.intp)


def _serve(left: FloatArray, capacity: float, rows: IntArray) -> None:
    """One offer takes from ``rows`` (already nearest first, no row twice) until ``capacity`` is
    used; ``left`` (demand still unserved per row) is updated in place."""
    if capacity <= 0 or len(rows) == 0:
        return
    cum = np.cumsum(left[rows])
    j = int(np.searchsorted(cum, capacity, side="left"))  # first row that fills the capacity
    if j >= len(rows):  # capacity left over: every row in reach is served
        left[rows] = 0.0
        return
    left[rows[:j]] = 0.0
    left[rows[j]] = cum[j] - capacity  # the remainder of the partly taken row


def _walk(
    left: FloatArray,
    capacity: FloatArray,
    offers: IntArray,
    local: IntArray,
    origin: IntArray,
    cost: FloatArray,
    demand_rank: IntArray,
    *,
    unique: bool,
) -> None:
    """Serve ``offers`` (positions, in processing order) from their pairs: pair ``p`` links
    offer ``offers[local[p]]`` and demand row ``origin[p]`` at ``cost[p]``. ``unique``: no
    (offer, row) pair is listed twice (else the cheapest of a repeated pair counts)."""
    grouped = np.argsort(local, kind="stable")
    local, origin, cost = local[grouped], origin[grouped], cost[grouped]
    bounds = np.searchsorted(local, np.arange(len(offers) + 1), side="left")
    for k, offer in enumerate(offers):
        a, b = int(bounds[k]), int(bounds[k + 1])
        if a == b or capacity[offer] <= 0:
            continue
        rows = origin[a:b]
        rows = rows[np.lexsort((demand_rank[rows], cost[a:b]))]  # nearest first, then by id
        if not unique:
            _, first = np.unique(rows, return_index=True)
            rows = rows[np.sort(first)]
        _serve(left, float(capacity[offer]), rows)


def capacity_from_pairs(
    demand: FloatArray,
    capacity: FloatArray,
    origin: IntArray,
    destination: IntArray,
    cost: FloatArray,
    *,
    demand_rank: IntArray,
    supply_rank: IntArray,
) -> FloatArray:
    """Unserved demand per demand row from listed pairs (already cut at ``max_cost``).

    Parameters
    ----------
    demand, capacity
        Demand per row and capacity per offer (finite, >= 0; same unit: people).
    origin, destination, cost
        One entry per pair within reach: demand position, offer position, cost.
    demand_rank, supply_rank
        Tie order of demand rows and offers (:func:`id_ranks` of their ids).

    Returns
    -------
    numpy.ndarray
        Demand left unserved per row, in input order (``demand`` where no offer reaches a row).
    """
    left = np.array(demand, dtype=np.float64, copy=True)
    order = processing_order(capacity, supply_rank)
    position = np.empty(len(capacity), dtype=np.intp)
    position[order] = np.arange(len(capacity), dtype=np.intp)
    _walk(left, capacity, order, position[destination], origin, cost, demand_rank, unique=False)
    return left


def capacity_from_points(
    demand: FloatArray,
    capacity: FloatArray,
    demand_xy: FloatArray,
    supply_xy: FloatArray,
    *,
    max_cost: float,
    demand_rank: IntArray,
    supply_rank: IntArray,
    max_pairs: float | None = None,
) -> FloatArray:
    """:func:`capacity_from_pairs` on straight-line distances (metres, EPSG:25832): pairs with
    ``distance <= max_cost``, built in chunks of offers in processing order.

    Raises
    ------
    PairLimitError
        More than about ``max_pairs`` pairs lie within ``max_cost`` (``None``:
        :data:`~.pairs.MAX_PAIRS`).
    """
    left = np.array(demand, dtype=np.float64, copy=True)
    if len(left) == 0 or len(capacity) == 0:
        return left
    tree, chunks = euclidean_chunks(demand_xy, supply_xy, max_cost, check_max_pairs(max_pairs))
    size = max(len(chunks[0]), 1) if chunks else 1
    order = processing_order(capacity, supply_rank)
    for start in range(0, len(order), size):
        part = order[start : start + size]
        chunk = euclidean_chunk(tree, supply_xy, part, max_cost)
        _walk(left, capacity, part, chunk.local, chunk.origin, chunk.cost, demand_rank, unique=True)
    return left


__all__ = [
    "capacity_from_pairs",
    "capacity_from_points",
    "id_ranks",
    "processing_order",
]
