"""Benchmark: the street network at NRW size on a SYNTHETIC street grid (no OSM extract offline).

    .venv/bin/python scripts/bench_network_nrw.py [--block 150] [--offers 88] [--sample 40]

The graph: :func:`bench_network.grid_graph` stretched over a 260 km x 240 km box (NRW's extent in
EPSG:25832), ``--block`` metres between streets (150 m: about 2.8 million nodes, 11 million
directed edges; a real NRW walking graph has a few million nodes), every fifth street one-way.
Speeds per mode: walk 4.5 km/h and bike 15 km/h on every edge (both directions), car the
generator's 15/30/50 km/h scaled to 30/60/100 km/h (one-way streets kept).

What is timed, in one process, and the baseline each ratio is against (same run):

* **build**: what ``mapapp network build`` does after reading OSM: the largest connected part
  (``largest_component``), writing the graph and its manifest (``save_network``) and reading it
  back (``load_network``). Reading a real extract with pyosmium is not included (no extract).
  Baseline: one cost table below (so the build cost reads as "n cost tables").
* **cost table per mode**: the page's travel table, 1 km cell centres of the box (about 62,000;
  the NRW grid has 35,010 cells inside the border) to ``--offers`` offers (the 88 Ausländerbehörden
  of the bundled data), pairs within the mode's search limit (walk/bike 120 min, car 60 min):
  ``point_costs`` (scipy Dijkstra with a limit from the offers). Baseline: a Dijkstra with the
  same limit from each cell (per-cell queries), timed on ``--sample`` cells and scaled to all.
* **nearest on ~3 million cells** (the 100 m-equivalent grid): random points in the box, time to
  the nearest offer: ``nearest_times`` (one Dijkstra from a virtual node joined to all offers).
  Baseline: per-cell queries as above (sampled, scaled); the sampled cells' times are compared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.sparse import csgraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_network import grid_graph  # noqa: E402

from mapapp.analysis.network import (  # noqa: E402
    Graph,
    _matrix,
    largest_component,
    nearest_times,
    point_costs,
    snap,
)
from mapapp.io.network_cache import load_network, save_network  # noqa: E402
from mapapp.io.osm_network import StreetGraph  # noqa: E402

BOX = (260_000.0, 240_000.0)
MODES = {"walk": (4.5, 120.0), "bike": (15.0, 120.0), "car": (None, 60.0)}


def nrw_graph(block: float) -> Graph:
    """The SYNTHETIC grid with ``block`` metres between streets, cropped to the box (the
    generator's 15/30/50 km/h per street kept)."""
    side = int(np.ceil(max(BOX) / block)) + 1
    g = grid_graph(side)
    scale = block / 150.0
    x, y = g.x * scale, g.y * scale
    inside = y <= BOX[1]
    new = np.full(len(x), -1)
    new[inside] = np.arange(int(inside.sum()))
    e = inside[g.source] & inside[g.target]
    return Graph(x[inside], y[inside], new[g.source[e]], new[g.target[e]], g.seconds[e] * scale)


def for_mode(g: Graph, mode: str) -> Graph:
    """Edge seconds at the mode's speed (walk/bike both ways on every edge)."""
    metres = np.hypot(g.x[g.target] - g.x[g.source], g.y[g.target] - g.y[g.source])
    kmh, _ = MODES[mode]
    if kmh is None:  # car: generator speeds 15/30/50 -> 30/60/100 km/h, one-way kept
        car = metres / g.seconds * 3.6 * 2
        return Graph(g.x, g.y, g.source, g.target, metres / (car / 3.6))
    src = np.concatenate((g.source, g.target))
    tgt = np.concatenate((g.target, g.source))
    both = np.concatenate((metres, metres)) / (kmh / 3.6)
    return Graph(g.x, g.y, src, tgt, both)


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def build(g: Graph) -> float:
    """largest_component + save_network + load_network (the build after reading OSM)."""

    def run() -> None:
        kept, keep = largest_component(g)
        metres = np.hypot(
            kept.x[kept.target] - kept.x[kept.source], kept.y[kept.target] - kept.y[kept.source]
        )
        street = StreetGraph(
            osm_id=keep.astype(np.int64), x=kept.x, y=kept.y, source=kept.source,
            target=kept.target, metres=metres, seconds=kept.seconds,
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            save_network(Path(folder), street, {"mode": "walk", "speed_kmh": 4.5, "snap_kmh": 4.5})
            load_network(Path(folder))

    return timed(run)[0]


def per_cell(
    g: Graph, cells: np.ndarray, offers: np.ndarray, limit: float, mps: float
) -> tuple[float, np.ndarray]:
    """Baseline: a Dijkstra with ``limit`` from each cell's node; seconds to its nearest offer."""
    matrix = _matrix(g, reverse=False)
    o_node, o_m = snap(g, cells)
    d_node, d_m = snap(g, offers)

    def run() -> np.ndarray:
        best = np.full(len(cells), np.inf)
        for i, node in enumerate(o_node):
            dist = csgraph.dijkstra(matrix, directed=True, indices=int(node), limit=limit)
            t = o_m[i] / mps + dist[d_node] + d_m / mps
            best[i] = t.min() if (t <= limit).any() else np.inf
        return best

    return timed(run)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--block", type=float, default=150.0)
    parser.add_argument("--offers", type=int, default=88)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--cells-3m", type=int, default=3_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    t_graph, base = timed(nrw_graph, args.block)
    print(
        f"graph: {base.n_nodes:,} nodes, {len(base.source):,} edges (generated in {t_graph:.1f} s)"
    )
    offers = rng.uniform((0, 0), BOX, (args.offers, 2))
    xs, ys = np.meshgrid(np.arange(500, BOX[0], 1000.0), np.arange(500, BOX[1], 1000.0))
    cells = np.column_stack((xs.ravel(), ys.ravel()))
    big = rng.uniform((0, 0), BOX, (args.cells_3m, 2))
    print(
        "\n| mode | build (component, save, load) | cost table (scipy from offers) | pairs "
        "| per-cell baseline (scaled) | baseline / ours | build / table |"
    )
    print("|---|---|---|---|---|---|---|")
    nearest_rows = []
    for mode, (kmh, minutes) in MODES.items():
        g = for_mode(base, mode)
        mps = (kmh or 30.0) / 3.6
        limit = minutes * 60
        t_build = build(g)
        t_table, pairs = timed(point_costs, g, cells, offers, limit, mps)
        sample = cells[rng.choice(len(cells), args.sample, replace=False)]
        t_base, _ = per_cell(g, sample, offers, limit, mps)
        scaled = t_base / args.sample * len(cells)
        print(
            f"| {mode} | {t_build:.1f} s | {t_table:.1f} s | {len(pairs.seconds):,} | "
            f"{scaled:.0f} s | {scaled / t_table:.0f}x | {t_build / t_table:.1f} |"
        )
        t_near, (secs, _) = timed(nearest_times, g, big, offers, limit, mps)
        pick = rng.choice(len(big), args.sample, replace=False)
        t_b, want = per_cell(g, big[pick], offers, limit, mps)
        diff = np.nanmax(np.abs(np.where(np.isfinite(want), secs[pick] - want, 0.0)))
        agree = bool((np.isfinite(want) == np.isfinite(secs[pick])).all())
        scaled = t_b / args.sample * len(big)
        nearest_rows.append(
            f"| {mode} | {len(big):,} | {t_near:.1f} s | {scaled / 3600:.1f} h | "
            f"{scaled / t_near:,.0f}x | {diff:.2e} s, reach agrees: {agree} |"
        )
    print(
        "\n| mode | cells | nearest_times (one search) | per-cell baseline (scaled) "
        "| baseline / ours | sampled cells vs. baseline |"
    )
    print("|---|---|---|---|---|---|")
    print("\n".join(nearest_rows))


if __name__ == "__main__":
    main()
