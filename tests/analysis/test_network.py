"""Shortest paths and snapping on hand-made graphs (SYNTHETIC), both engines."""

from __future__ import annotations

import numpy as np
import pytest

from mapapp.analysis.network import Graph, largest_component, node_costs, point_costs, snap

ENGINES = ["scipy", "pandana"]


def line_graph() -> Graph:
    """SYNTHETIC: nodes 0-1-2 on a line 100 m apart, 0→1 and 1→0 60 s, 1→2 only (one-way) 30 s,
    and an island 3-4 far away (two-way, 10 s)."""
    return Graph(
        x=np.array([0.0, 100.0, 200.0, 5000.0, 5100.0]),
        y=np.zeros(5),
        source=np.array([0, 1, 1, 3, 4]),
        target=np.array([1, 0, 2, 4, 3]),
        seconds=np.array([60.0, 60.0, 30.0, 10.0, 10.0]),
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_node_costs_follow_one_way_edges(engine: str) -> None:
    g = line_graph()
    src, tgt, secs = node_costs(g, np.array([0, 2]), np.array([0, 1, 2]), 1000.0, engine=engine)
    got = {(int(s), int(t)): round(float(c), 3) for s, t, c in zip(src, tgt, secs, strict=True)}
    assert got == {(0, 0): 0.0, (0, 1): 60.0, (0, 2): 90.0, (2, 2): 0.0}  # 2 cannot go back


@pytest.mark.parametrize("engine", ENGINES)
def test_reverse_search_gives_times_towards_the_source(engine: str) -> None:
    g = line_graph()
    src, tgt, secs = node_costs(
        g, np.array([2]), np.array([0, 1]), 1000.0, reverse=True, engine=engine
    )
    got = {(int(s), int(t)): round(float(c), 3) for s, t, c in zip(src, tgt, secs, strict=True)}
    assert got == {(2, 0): 90.0, (2, 1): 30.0}  # from 0 and 1 *to* 2


@pytest.mark.parametrize("engine", ENGINES)
def test_limit_is_inclusive_and_cuts(engine: str) -> None:
    g = line_graph()
    _, tgt, _ = node_costs(g, np.array([0]), np.array([1, 2]), 60.0, engine=engine)
    assert tgt.tolist() == [1]


def test_snap_returns_nearest_node_and_distance() -> None:
    nodes, metres = snap(line_graph(), np.array([[90.0, 40.0], [5200.0, 0.0]]))
    assert nodes.tolist() == [1, 4]
    assert metres == pytest.approx([np.hypot(10, 40), 100.0])


@pytest.mark.parametrize("engine", ENGINES)
def test_point_costs_add_the_snapping_distance_at_both_ends(engine: str) -> None:
    g = line_graph()
    origins = np.array([[0.0, -20.0], [0.0, 10.0], [200.0, 0.0]])  # 20 m and 10 m from node 0
    dests = np.array([[200.0, 30.0], [100.0, 0.0]])  # 30 m from node 2; node 1 exactly
    pairs = point_costs(g, origins, dests, max_seconds=1000.0, snap_mps=1.0, engine=engine)
    got = {
        (int(o), int(d)): round(float(s), 3)
        for o, d, s in zip(pairs.origin, pairs.destination, pairs.seconds, strict=True)
    }
    assert got == {
        (0, 0): 20 + 90 + 30.0,
        (0, 1): 20 + 60.0,
        (1, 0): 10 + 90 + 30.0,
        (1, 1): 10 + 60.0,
        (2, 0): 0 + 0 + 30.0,  # origin 2 sits on node 2; node 1 is behind a one-way edge
    }
    assert pairs.origin_snap_m.tolist() == pytest.approx([20.0, 10.0, 0.0])
    # sorted by origin, then cost
    assert pairs.origin.tolist() == [0, 0, 1, 1, 2]
    assert pairs.seconds[0] < pairs.seconds[1]


@pytest.mark.parametrize("engine", ENGINES)
def test_point_costs_limit_counts_the_snapping_distance(engine: str) -> None:
    g = line_graph()
    pairs = point_costs(g, np.array([[0.0, -20.0]]), np.array([[100.0, 0.0]]), 79.0, 1.0, engine)
    assert len(pairs.seconds) == 0  # 20 + 60 = 80 > 79
    pairs = point_costs(g, np.array([[0.0, -20.0]]), np.array([[100.0, 0.0]]), 80.0, 1.0, engine)
    assert pairs.seconds.tolist() == pytest.approx([80.0])


def test_both_engines_agree_on_a_random_grid() -> None:
    rng = np.random.default_rng(7)
    n = 15
    xs, ys = np.meshgrid(np.arange(n) * 100.0, np.arange(n) * 100.0)
    idx = np.arange(n * n).reshape(n, n)
    right = np.column_stack((idx[:, :-1].ravel(), idx[:, 1:].ravel()))
    up = np.column_stack((idx[:-1, :].ravel(), idx[1:, :].ravel()))
    edges = np.vstack((right, up))
    one_way = rng.random(len(edges)) < 0.2
    src = np.concatenate((edges[:, 0], edges[~one_way, 1]))
    tgt = np.concatenate((edges[:, 1], edges[~one_way, 0]))
    secs = rng.uniform(5, 50, len(src)).round(3)
    g = Graph(xs.ravel(), ys.ravel(), src, tgt, secs)
    pts = rng.uniform(0, 1400, (40, 2))
    sup = rng.uniform(0, 1400, (6, 2))
    a = point_costs(g, pts, sup, 400.0, 1.2, "scipy")
    b = point_costs(g, pts, sup, 400.0, 1.2, "pandana")
    assert len(a.seconds) > 50
    assert a.origin.tolist() == b.origin.tolist()
    assert a.destination.tolist() == b.destination.tolist()
    assert b.seconds == pytest.approx(a.seconds, abs=0.01)


def test_largest_component_drops_islands() -> None:
    sub, keep = largest_component(line_graph())
    assert keep.tolist() == [0, 1, 2]
    assert sub.source.tolist() == [0, 1, 1] and sub.target.tolist() == [1, 0, 2]


def test_nearest_times_equal_the_minimum_of_all_pairs() -> None:
    """One search from a virtual node gives each origin the time and position of its nearest
    destination, as the minimum over :func:`point_costs` (SYNTHETIC random grid graph)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from bench_network import grid_graph

    from mapapp.analysis.network import nearest_times

    g = grid_graph(40, seed=3)
    rng = np.random.default_rng(5)
    origins = rng.uniform(0, 6000, (300, 2))
    dests = rng.uniform(0, 6000, (12, 2))
    limit, mps = 200.0, 1.25
    seconds, which = nearest_times(g, origins, dests, limit, mps)
    pairs = point_costs(g, origins, dests, limit, mps)
    best = np.full(len(origins), np.inf)
    np.minimum.at(best, pairs.origin, pairs.seconds)
    assert np.isfinite(best).sum() > 50 and (~np.isfinite(best)).sum() > 0  # both cases occur
    assert np.allclose(seconds, best, equal_nan=False, atol=1e-6)
    reached = np.isfinite(seconds)
    got = {(int(o), int(d)): s for o, d, s in zip(pairs.origin, pairs.destination, pairs.seconds)}
    for o in np.flatnonzero(reached):
        assert got[(int(o), int(which[o]))] == pytest.approx(seconds[o], abs=1e-6)
    assert (which[~reached] == -1).all()
