"""Capacity-limited coverage on hand-computed toy cases (SYNTHETIC points on a line, metres).

Each case states by hand what the semantics give: offers in descending capacity (ties by id),
each taking from the rows within ``max_cost`` nearest first (ties by demand id) until its
capacity is used, a partly taken row keeping its remainder for the next offer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapapp.analysis.accessibility import capacity as cap
from mapapp.analysis.accessibility import pairs as pairs_module
from mapapp.analysis.accessibility.capacity import (
    capacity_from_pairs,
    capacity_from_points,
    id_ranks,
)
from tests.fixtures.capacity_reference import pairs_within, unserved_reference


def on_line(xs: list[float]) -> np.ndarray:
    return np.column_stack([np.asarray(xs, dtype=float), np.zeros(len(xs))])


def unserved(
    demand: list[float],
    demand_x: list[float],
    capacity: list[float],
    supply_x: list[float],
    max_cost: float,
    demand_ids: list[str] | None = None,
    supply_ids: list[str] | None = None,
) -> list[float]:
    demand_ids = demand_ids or [f"d{k}" for k in range(len(demand))]
    supply_ids = supply_ids or [f"o{k}" for k in range(len(capacity))]
    out = capacity_from_points(
        np.asarray(demand, dtype=float),
        np.asarray(capacity, dtype=float),
        on_line(demand_x),
        on_line(supply_x),
        max_cost=max_cost,
        demand_rank=id_ranks(demand_ids),
        supply_rank=id_ranks(supply_ids),
    )
    return out.tolist()


def test_larger_capacity_first_and_partial_rows_keep_their_remainder() -> None:
    # o1 (cap 12) at 0 goes before o0 (cap 5) at 200: it takes d0 (10, at 0) and 2 of d1 (at
    # 100), d1 keeps 8; o0 then takes 5 of d1's 8 -> 3 left
    assert unserved([10, 10], [0, 100], [5, 12], [200, 0], 250) == [0, 3]
    # mirrored: o1 (cap 12) at 200 takes d1 (10, at 100 m) and 2 of d0 (at 200 m), d0 keeps 8;
    # o0 (cap 5) at 0 takes 5 of them -> 3 left in d0
    assert unserved([10, 10], [0, 100], [5, 12], [0, 200], 250) == [3, 0]


def test_equal_capacities_are_taken_in_id_order() -> None:
    # A at 0 and B at 150, capacity 10 each; d0 (10 people) at 100 is in reach of both, d1 (10)
    # at 350 only of B (200 m; A is 350 m away, beyond 250). If A goes first it takes d0 and B
    # serves d1; if B goes first it takes d0 (50 m, its nearest) and nobody serves d1.
    args = ([10, 10], [100, 350], [10, 10], [0, 150], 250)
    assert unserved(*args, supply_ids=["a", "b"]) == [0, 0]
    assert unserved(*args, supply_ids=["b", "a"]) == [0, 10]
    assert unserved(*args, supply_ids=["o10", "o9"]) == [0, 0]  # as text "o10" < "o9"


def test_equal_costs_are_taken_in_demand_id_order() -> None:
    # one offer (cap 5) at 0; two rows of 10 at -100 and +100: the smaller id is served first
    args = ([10, 10], [-100, 100], [5], [0], 150)
    assert unserved(*args, demand_ids=["a", "b"]) == [5, 10]
    assert unserved(*args, demand_ids=["b", "a"]) == [10, 5]


def test_max_cost_is_inclusive() -> None:
    # the row exactly at max_cost is in reach; a row a millimetre farther is not
    assert unserved([10, 10], [100, 100.001], [100], [0], 100) == [0, 10]


def test_zero_capacity_serves_nobody_and_no_offer_in_reach_leaves_all() -> None:
    assert unserved([10, 4], [0, 5000], [0, 100], [0, 1000], 250) == [10, 4]
    assert unserved([7], [0], [], [], 250) == [7]


def test_cost_table_pairs() -> None:
    # minutes from a router: d0-A 5, d1-A 12, d1-B 3 (listed twice: counts once), d2 unreachable;
    # A (cap 8) first: d0 (5 min) takes 6 -> 0, d1 (12 min) takes 2 -> 7; B (cap 4): d1 -> 3
    demand = np.array([6.0, 9.0, 5.0])
    capacity = np.array([8.0, 4.0])
    origin = np.array([0, 1, 1, 1])
    dest = np.array([0, 0, 1, 1])
    cost = np.array([5.0, 12.0, 3.0, 4.0])
    out = capacity_from_pairs(
        demand, capacity, origin, dest, cost,
        demand_rank=id_ranks(["d0", "d1", "d2"]), supply_rank=id_ranks(["A", "B"]),
    )  # fmt: skip
    assert out.tolist() == [0, 3, 5]


@pytest.mark.parametrize("chunk_pairs", [3, 500_000])
def test_matches_the_plain_pandas_reference(monkeypatch, chunk_pairs: int) -> None:  # type: ignore[no-untyped-def]
    # SYNTHETIC: seeded random points; small chunks exercise the chunked pair search
    monkeypatch.setattr(pairs_module, "_PAIRS_PER_CHUNK", chunk_pairs)
    rng = np.random.default_rng(7)
    demand = pd.DataFrame(
        {
            "id": [f"c{k:03d}" for k in range(300)],
            "x": rng.uniform(0, 20_000, 300).round(-2),  # rounded: equal distances happen
            "y": rng.uniform(0, 20_000, 300).round(-2),
            "demand": rng.integers(0, 50, 300).astype(float),
        }
    )
    supply = pd.DataFrame(
        {
            "id": [f"s{k:02d}" for k in range(40)],
            "x": rng.uniform(0, 20_000, 40).round(-2),
            "y": rng.uniform(0, 20_000, 40).round(-2),
            "capacity": rng.integers(0, 6, 40).astype(float) * 40,  # many equal capacities
        }
    )
    want = unserved_reference(demand, supply, pairs_within(demand, supply, 3000), 3000)
    got = capacity_from_points(
        demand["demand"].to_numpy(), supply["capacity"].to_numpy(),
        demand[["x", "y"]].to_numpy(), supply[["x", "y"]].to_numpy(), max_cost=3000,
        demand_rank=id_ranks(list(demand["id"])), supply_rank=id_ranks(list(supply["id"])),
    )  # fmt: skip
    np.testing.assert_allclose(got, want.to_numpy(), atol=1e-9)
    assert 0 < got.sum() < demand["demand"].sum()  # a case where capacity matters


def test_processing_order() -> None:
    ranks = id_ranks(["b", "a", "c"])
    assert ranks.tolist() == [1, 0, 2]
    assert cap.processing_order(np.array([5.0, 5.0, 9.0]), ranks).tolist() == [2, 1, 0]
