"""Benchmark of the coverage measures against PySAL ``access`` and naive implementations.

All data is SYNTHETIC: seeded uniform random points in an NRW-sized box (260 km x 240 km in
EPSG:25832), random demand (0-499 people per point) and capacity (1-10). Nothing here describes
real offers or people.

Each measurement runs in a fresh child process (same seed, so the same data) and reports wall time
and the increase of peak resident memory (ru_maxrss) over the process state just before the
measured call, so the numbers of different methods do not disturb each other. Ratios are taken
between measurements of the same run.

    .venv/bin/python scripts/bench_coverage.py            # full run, a few minutes
    .venv/bin/python scripts/bench_coverage.py --quick    # small sizes, seconds

Prints a Markdown report (paste into docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

BOX = (280_000.0, 5_560_000.0, 540_000.0, 5_800_000.0)  # xmin, ymin, xmax, ymax (metres)
MAX_COST = 15_000.0
STEPS = {5000.0: 1.0, 10000.0: 0.68, 15000.0: 0.22}
SEED = 20240515

#: Naive pandas cross joins hold demand x supply rows; above this they are skipped.
NAIVE_MAX_PAIRS = 10_000_000
#: PySAL access is run up to this many demand points.
ACCESS_MAX_DEMAND = 200_000
#: Dense numpy nearest (chunked cdist) up to this many distances.
DENSE_MAX_PAIRS = 1_500_000_000


def synthetic(n: int, m: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SYNTHETIC demand and supply points (seeded)."""
    rng = np.random.default_rng(SEED + n * 7 + m)
    xmin, ymin, xmax, ymax = BOX
    demand = pd.DataFrame(
        {
            "x": rng.uniform(xmin, xmax, n),
            "y": rng.uniform(ymin, ymax, n),
            "demand": rng.integers(0, 500, n).astype(float),
        }
    )
    supply = pd.DataFrame(
        {
            "x": rng.uniform(xmin, xmax, m),
            "y": rng.uniform(ymin, ymax, m),
            "capacity": rng.uniform(1, 10, m),
        }
    )
    return demand, supply


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


# ---------------------------------------------------------------------------------------------
# Methods (each returns a numpy array of values aligned with demand)
# ---------------------------------------------------------------------------------------------


def ours_e2sfca(demand: pd.DataFrame, supply: pd.DataFrame, workers: int = 1) -> np.ndarray:
    from mapapp.analysis.accessibility import enhanced_two_stage_fca, step_weights

    return enhanced_two_stage_fca(
        demand,
        supply,
        demand_value="demand",
        supply_value="capacity",
        max_cost=MAX_COST,
        weight_fn=step_weights(STEPS),
        unreachable=np.nan,
        workers=workers,
    ).to_numpy()


def kdtree_cost_table(demand: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Pairs within MAX_COST (the input PySAL access needs), built with cKDTree."""
    from scipy.spatial import cKDTree

    found = cKDTree(supply[["x", "y"]].to_numpy()).sparse_distance_matrix(
        cKDTree(demand[["x", "y"]].to_numpy()), MAX_COST, output_type="ndarray"
    )
    return pd.DataFrame({"origin": found["j"], "dest": found["i"], "cost": found["v"]})


def access_e2sfca(
    demand: pd.DataFrame, supply: pd.DataFrame, cost: pd.DataFrame | None = None
) -> np.ndarray:
    """PySAL access end to end: cKDTree pairs + Access + enhanced_two_stage_fca."""
    from access import Access, weights

    if cost is None:
        cost = kdtree_cost_table(demand, supply)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Access(
            demand_df=demand.rename_axis("did").reset_index(),
            demand_index="did",
            demand_value="demand",
            supply_df=supply.rename_axis("sid").reset_index(),
            supply_index="sid",
            supply_value="capacity",
            cost_df=cost,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        )
        out = model.enhanced_two_stage_fca(
            name="e", max_cost=MAX_COST, weight_fn=weights.step_fn(STEPS)
        )
    return out["e_capacity"].reindex(demand.index).to_numpy()


def naive_e2sfca(demand: pd.DataFrame, supply: pd.DataFrame) -> np.ndarray:
    """Textbook pandas: cross join, distances, filter, weights, two groupbys."""
    pairs = (
        demand.rename_axis("i")
        .reset_index()
        .merge(supply.rename_axis("j").reset_index(), how="cross", suffixes=("_d", "_s"))
    )
    pairs["cost"] = np.hypot(pairs["x_d"] - pairs["x_s"], pairs["y_d"] - pairs["y_s"])
    pairs = pairs[pairs["cost"] <= MAX_COST].copy()
    bands = sorted(STEPS)
    pairs["w"] = np.select(
        [pairs["cost"] <= b for b in bands], [STEPS[b] for b in bands], default=0.0
    )
    pairs["dw"] = pairs["demand"] * pairs["w"]
    ratio = pairs.groupby("j")["capacity"].first() / pairs.groupby("j")["dw"].sum()
    pairs["rw"] = pairs["j"].map(ratio) * pairs["w"]
    return pairs.groupby("i")["rw"].sum().reindex(demand.index).to_numpy()


def ours_nearest(demand: pd.DataFrame, supply: pd.DataFrame, workers: int = 1) -> np.ndarray:
    from mapapp.analysis.accessibility import nearest_cost

    return nearest_cost(demand, supply, workers=workers)["cost"].to_numpy()


def dense_nearest(demand: pd.DataFrame, supply: pd.DataFrame) -> np.ndarray:
    """Brute force: every distance (scipy cdist in chunks of demand), row minimum."""
    from scipy.spatial.distance import cdist

    d = demand[["x", "y"]].to_numpy()
    s = supply[["x", "y"]].to_numpy()
    out = np.empty(len(d))
    step = max(1, 20_000_000 // len(s))
    for k in range(0, len(d), step):
        out[k : k + step] = cdist(d[k : k + step], s).min(axis=1)
    return out


def naive_nearest(demand: pd.DataFrame, supply: pd.DataFrame) -> np.ndarray:
    """Textbook pandas: cross join, distances, groupby min."""
    pairs = (
        demand[["x", "y"]]
        .rename_axis("i")
        .reset_index()
        .merge(supply[["x", "y"]], how="cross", suffixes=("_d", "_s"))
    )
    pairs["cost"] = np.hypot(pairs["x_d"] - pairs["x_s"], pairs["y_d"] - pairs["y_s"])
    return pairs.groupby("i")["cost"].min().reindex(demand.index).to_numpy()


METHODS: dict[str, Callable[..., np.ndarray]] = {
    "ours_e2sfca": ours_e2sfca,
    "ours_e2sfca_2threads": lambda d, s: ours_e2sfca(d, s, workers=2),
    "access_e2sfca": access_e2sfca,
    "naive_e2sfca": naive_e2sfca,
    "ours_nearest": ours_nearest,
    "ours_nearest_2threads": lambda d, s: ours_nearest(d, s, workers=2),
    "dense_nearest": dense_nearest,
    "naive_nearest": naive_nearest,
}

REFERENCE = {
    "access_e2sfca": "ours_e2sfca",
    "naive_e2sfca": "ours_e2sfca",
    "dense_nearest": "ours_nearest",
    "naive_nearest": "ours_nearest",
}


def child(method: str, n: int, m: int, repeat: int) -> dict[str, Any]:
    """Run one measurement in this (fresh) process."""
    demand, supply = synthetic(n, m)
    import access  # noqa: F401  (import cost outside the timing)
    import scipy.spatial  # noqa: F401

    import mapapp.analysis.accessibility  # noqa: F401

    fn = METHODS[method]
    extra: dict[str, Any] = {}
    before = rss_mb()
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(demand, supply)
        times.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB -> MB
    if method.startswith("ours"):
        # numpy reports its buffers to tracemalloc: the peak of the call's own allocations.
        tracemalloc.start()
        fn(demand, supply)
        extra["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    if method == "access_e2sfca":
        # How much of access' time is the pair table we build for it.
        t0 = time.perf_counter()
        cost = kdtree_cost_table(demand, supply)
        extra["pairs"] = len(cost)
        extra["pair_build_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        access_e2sfca(demand, supply, cost)
        extra["access_only_s"] = time.perf_counter() - t0
    if method in REFERENCE:
        ref = METHODS[REFERENCE[method]](demand, supply)
        assert result is not None
        both = np.isfinite(ref) & np.isfinite(result)
        same_missing = bool(np.array_equal(np.isnan(ref), np.isnan(result)))
        rel = np.abs(result[both] - ref[both]) / np.maximum(np.abs(ref[both]), 1e-300)
        extra["max_rel_diff"] = float(rel.max()) if rel.size else 0.0
        extra["same_unreachable"] = same_missing
    return {
        "method": method,
        "n": n,
        "m": m,
        "seconds": statistics.median(times),
        "runs": repeat,
        "peak_mb": max(0.0, peak - before),
        **extra,
    }


def measure(method: str, n: int, m: int, repeat: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", method, str(n), str(m), str(repeat)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{method} {n}/{m} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def versions() -> str:
    import access
    import scipy

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, "
        f"access {getattr(access, '__version__', '?')}"
    )


def ratio(a: dict[str, Any] | None, b: dict[str, Any]) -> str:
    return f"{a['seconds'] / b['seconds']:.0f}x" if a else "–"


def mb(entry: dict[str, Any] | None, key: str = "peak_mb") -> str:
    return f"{entry[key]:.0f}" if entry else "–"


def fmt_s(seconds: float) -> str:
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--child", nargs=4, metavar=("METHOD", "N", "M", "REPEAT"))
    args = parser.parse_args()
    if args.child:
        method, n, m, repeat = args.child
        print(json.dumps(child(method, int(n), int(m), int(repeat))))
        return 0

    sizes = (
        [(5_000, 1_000), (20_000, 2_000)]
        if args.quick
        else [
            (5_000, 1_000),
            (50_000, 5_000),
            (200_000, 5_000),
        ]
    )
    big = (300_000, 5_000) if args.quick else (3_000_000, 5_000)
    started = time.perf_counter()
    print("## Coverage measures (E2SFCA, nearest distance)\n")
    print(f"Machine: {versions()}\n")
    print(
        "SYNTHETIC data: seeded uniform points in a 260 km x 240 km box (EPSG:25832), "
        f"max cost {MAX_COST:.0f} m, step weights {STEPS}. Times are medians of the runs "
        "shown; 'peak' is the increase of peak RSS during the measured call.\n"
    )
    print(
        "| demand / supply | pairs in reach | ours E2SFCA (1 thread) | ours (2 threads) | "
        "access (pairs + model) | access model only | naive pandas | "
        "access / ours | naive / ours | peak MB: ours (traced) / access / naive | "
        "max rel diff vs access |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, m in sizes:
        ours = measure("ours_e2sfca", n, m, 3)
        ours2 = measure("ours_e2sfca_2threads", n, m, 3)
        acc = measure("access_e2sfca", n, m, 1) if n <= ACCESS_MAX_DEMAND else None
        naive = measure("naive_e2sfca", n, m, 1) if n * m <= NAIVE_MAX_PAIRS else None
        pairs = f"{acc['pairs']:,}" if acc else "–"
        diff = "–"
        if acc:
            diff = f"{acc['max_rel_diff']:.1e}" + ("" if acc["same_unreachable"] else " (NaN!)")
        print(
            f"| {n:,} / {m:,} | {pairs} | "
            f"{fmt_s(ours['seconds'])} | {fmt_s(ours2['seconds'])} | "
            f"{fmt_s(acc['seconds']) if acc else 'skipped'} | "
            f"{fmt_s(acc['access_only_s']) if acc else 'skipped'} | "
            f"{fmt_s(naive['seconds']) if naive else 'skipped (memory)'} | "
            f"{ratio(acc, ours)} | {ratio(naive, ours)} | "
            f"{mb(ours)} ({mb(ours, 'traced_peak_mb')}) / {mb(acc)} / {mb(naive)} | {diff} |"
        )
    print()
    print(
        "| demand / supply | ours nearest (1 thread) | ours (2 threads) | dense numpy (cdist) | "
        "naive pandas | dense / ours | naive / ours | peak MB: ours (traced) / dense / naive | "
        "max rel diff vs dense |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n, m in [*sizes, big]:
        ours = measure("ours_nearest", n, m, 3)
        ours2 = measure("ours_nearest_2threads", n, m, 3)
        dense = measure("dense_nearest", n, m, 1) if n * m <= DENSE_MAX_PAIRS else None
        naive = measure("naive_nearest", n, m, 1) if n * m <= NAIVE_MAX_PAIRS else None
        diff = f"{dense['max_rel_diff']:.1e}" if dense else "–"
        print(
            f"| {n:,} / {m:,} | {fmt_s(ours['seconds'])} | {fmt_s(ours2['seconds'])} | "
            f"{fmt_s(dense['seconds']) if dense else 'skipped (time)'} | "
            f"{fmt_s(naive['seconds']) if naive else 'skipped (memory)'} | "
            f"{ratio(dense, ours)} | {ratio(naive, ours)} | "
            f"{mb(ours)} ({mb(ours, 'traced_peak_mb')}) / {mb(dense)} / {mb(naive)} | "
            f"{diff} |"
        )
    print()
    n, m = big
    e = measure("ours_e2sfca", n, m, 1)
    print(
        f"E2SFCA at {n:,} demand / {m:,} supply (ours only, 1 thread): {fmt_s(e['seconds'])}, "
        f"peak RSS +{e['peak_mb']:.0f} MB (traced allocations {e['traced_peak_mb']:.0f} MB).\n"
    )
    print(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
