"""Benchmark: travel-cost tables on a street graph, pandana (contraction hierarchies) against a plain
scipy Dijkstra with ``limit`` in the same run (SYNTHETIC graph: a jittered square grid of streets,
every fifth street one-way, speeds 15–50 km/h; seeded).

    .venv/bin/python scripts/bench_network.py [--side 300] [--origins 5000] [--destinations 200]

Prints a Markdown table row per size for docs/BENCHMARKS.md. Both engines run through
``mapapp.analysis.network.point_costs`` (the code behind ``mapapp network costs``); the pandana time
includes building its contraction hierarchy.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from mapapp.analysis.network import CostPairs, Graph, point_costs


def grid_graph(side: int, seed: int = 1) -> Graph:
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    xs, ys = np.meshgrid(np.arange(side) * 150.0, np.arange(side) * 150.0)
    x = xs.ravel() + rng.uniform(-30, 30, side * side)
    y = ys.ravel() + rng.uniform(-30, 30, side * side)
    pairs = np.vstack(
        (
            np.column_stack((idx[:, :-1].ravel(), idx[:, 1:].ravel())),
            np.column_stack((idx[:-1, :].ravel(), idx[1:, :].ravel())),
        )
    )
    one_way = rng.random(len(pairs)) < 0.2
    src = np.concatenate((pairs[:, 0], pairs[~one_way, 1]))
    tgt = np.concatenate((pairs[:, 1], pairs[~one_way, 0]))
    kmh = rng.choice([15.0, 30.0, 50.0], len(pairs))
    kmh = np.concatenate((kmh, kmh[~one_way]))
    metres = np.hypot(x[tgt] - x[src], y[tgt] - y[src])
    return Graph(x, y, src, tgt, metres / (kmh / 3.6))


def timed(graph: Graph, o: np.ndarray, d: np.ndarray, limit: float, engine: str):  # type: ignore[no-untyped-def]
    fresh = Graph(graph.x, graph.y, graph.source, graph.target, graph.seconds)  # no cached engine
    start = time.perf_counter()
    result = point_costs(fresh, o, d, limit, 30 / 3.6, engine)
    return time.perf_counter() - start, result


def _keys(pairs: CostPairs) -> list[tuple[int, int]]:
    return list(zip(pairs.origin.tolist(), pairs.destination.tolist(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, nargs="+", default=[150, 300])
    parser.add_argument("--origins", type=int, default=5000)
    parser.add_argument("--destinations", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=15.0)
    args = parser.parse_args()
    print(
        "| nodes | edges | origins / destinations | pairs (scipy) | scipy Dijkstra | pandana CH "
        "| pandana / scipy | max abs diff (s) | pairs only in one |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rng = np.random.default_rng(2)
    for side in args.side:
        g = grid_graph(side)
        extent = side * 150.0
        o = rng.uniform(0, extent, (args.origins, 2))
        d = rng.uniform(0, extent, (args.destinations, 2))
        t_scipy, a = timed(g, o, d, args.minutes * 60, "scipy")
        t_pandana, b = timed(g, o, d, args.minutes * 60, "pandana")
        pa = dict(zip(_keys(a), a.seconds.tolist(), strict=True))
        pb = dict(zip(_keys(b), b.seconds.tolist(), strict=True))
        common = pa.keys() & pb.keys()
        diff = max(abs(pa[k] - pb[k]) for k in common) if common else float("nan")
        extra = len(pb.keys() - pa.keys()) + len(pa.keys() - pb.keys())
        print(
            f"| {g.n_nodes:,} | {len(g.source):,} | {args.origins:,} / {args.destinations:,} | "
            f"{len(a.seconds):,} | {t_scipy:.2f} s | {t_pandana:.2f} s | "
            f"{t_pandana / t_scipy:.0f}x | {diff:.3f} | {extra} |"
        )


if __name__ == "__main__":
    main()
