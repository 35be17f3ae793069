"""Benchmark of capacity-limited coverage: ours against the plain-pandas reference.

Usage: python scripts/bench_capacity.py [--quick]

Both compute the same semantics (offers in descending capacity, ties by id; each takes the rows
within max cost nearest first, ties by demand id; a partly taken row keeps its remainder):

* ours: :func:`mapapp.analysis.accessibility.capacity.capacity_from_points` (straight-line pairs
  in chunks of offers with cKDTree, one sort of the pairs, per offer a cumulative sum and a binary
  search);
* reference: ``tests/fixtures/capacity_reference.py`` (pandas cross join, filter, sort, a Python
  loop over offers and rows), run only where its cross join stays small.

SYNTHETIC data: seeded uniform points in a 260 km x 240 km box (EPSG:25832), demand 0..100 people
per point, capacities 0..2000 in steps of 100 (many ties), max cost 10 km. Times are medians of
``--repeat`` runs (the reference once); the ratio comes from the same run; results are checked to
agree (max abs diff).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapapp.analysis.accessibility.capacity import capacity_from_points, id_ranks  # noqa: E402
from tests.fixtures.capacity_reference import pairs_within, unserved_reference  # noqa: E402

MAX_COST = 10_000.0
BOX = (300_000.0, 5_600_000.0, 560_000.0, 5_840_000.0)


def points(n: int, prefix: str, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"{prefix}{k:07d}" for k in range(n)],
            "x": rng.uniform(BOX[0], BOX[2], n),
            "y": rng.uniform(BOX[1], BOX[3], n),
        }
    )


def ours(demand: pd.DataFrame, supply: pd.DataFrame) -> np.ndarray:
    return capacity_from_points(
        demand["demand"].to_numpy(),
        supply["capacity"].to_numpy(),
        demand[["x", "y"]].to_numpy(),
        supply[["x", "y"]].to_numpy(),
        max_cost=MAX_COST,
        demand_rank=id_ranks(demand["id"].tolist()),
        supply_rank=id_ranks(supply["id"].tolist()),
        max_pairs=float("inf"),
    )


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [(2_000, 100, True), (20_000, 500, True)]
    if not args.quick:
        sizes += [(35_000, 2_000, False), (300_000, 5_000, False)]
    print(
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pd.__version__}"
    )
    print()
    print(
        "| demand / supply | pairs in reach | ours | pandas reference | reference / ours | max abs diff |"
    )
    print("|---|---|---|---|---|---|")
    for n_demand, n_supply, with_reference in sizes:
        rng = np.random.default_rng(n_demand + n_supply)
        demand = points(n_demand, "d", rng).assign(demand=rng.integers(0, 101, n_demand) * 1.0)
        supply = points(n_supply, "s", rng).assign(capacity=rng.integers(0, 21, n_supply) * 100.0)
        t_ours, got = timed(lambda d=demand, s=supply: ours(d, s), args.repeat)
        tree = cKDTree(demand[["x", "y"]].to_numpy())
        n_pairs = int(
            tree.query_ball_point(supply[["x", "y"]].to_numpy(), MAX_COST, return_length=True).sum()
        )
        row = [f"{n_demand:,} / {n_supply:,}", f"{n_pairs:,}", f"{t_ours:.3f} s"]
        if with_reference:
            pairs = pairs_within(demand, supply, MAX_COST)
            t_ref, want = timed(
                lambda d=demand, s=supply, p=pairs: unserved_reference(d, s, p, MAX_COST), 1
            )
            diff = float(np.max(np.abs(np.asarray(got) - np.asarray(want))))
            assert len(pairs) == n_pairs
            row += [f"{t_ref:.2f} s", f"{t_ref / t_ours:.0f}x", f"{diff:.1e}"]
        else:
            row += ["skipped (cross join too large)", "–", "–"]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
