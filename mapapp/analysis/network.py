"""Travel times on a street graph: snapping points to nodes and shortest paths within a limit.

Pure: arrays in, arrays out. Two engines give the same times:

* ``scipy`` (default): :func:`scipy.sparse.csgraph.dijkstra` with ``limit``, exact;
* ``pandana`` (optional dependency, ``pip install mapapp[network]``): contraction hierarchies (:class:`pandana.Network`, ``nodes_in_range``); impedances
  are kept to a thousandth of their unit (milliseconds), so a pair within a millisecond or so of
  the limit may be counted in. For this task (all pairs within a limit) it is slower than the
  Dijkstra: building the hierarchy dominates and a range query visits the same nodes
  (``scripts/bench_network.py``, docs/BENCHMARKS.md).

Searches start from the smaller side (offers are usually fewer than demand cells); from the
destinations they run on the reversed graph, so one-way streets count in the direction of travel,
origin → destination.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from mapapp.model import DataError

if TYPE_CHECKING:  # pandas stays out of the plain network commands
    from mapapp.analysis.accessibility.costs import CostTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ENGINES: tuple[str, ...] = ("pandana", "scipy")
#: Entries one search batch may hold (sources x nodes for scipy, rows for pandana).
_BATCH_CELLS = 5_000_000
_MIN_SECONDS = 1e-6  # a zero-length edge still counts as an edge in a sparse matrix


@dataclass(frozen=True, eq=False)
class Graph:
    """Directed graph: node positions (EPSG:25832 metres) and edges with travel seconds."""

    x: FloatArray
    y: FloatArray
    source: IntArray
    target: IntArray
    seconds: FloatArray
    _engines: dict[tuple[str, bool], Any] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class CostPairs:
    """Origin and destination positions (in their input order) and travel seconds, cost <= limit;
    each point's straight distance to its node (metres, per input point)."""

    origin: IntArray
    destination: IntArray
    seconds: FloatArray
    origin_snap_m: FloatArray
    destination_snap_m: FloatArray


@dataclass(frozen=True)
class NetworkBasis:
    """What a travel-time figure rests on (from the network's manifest; labelled in ``text``).

    ``speed_kmh``: the one speed on every way (walk, bike, car with ``--speed-kmh``), ``None``
    for car by ``maxspeed`` and the class table ``car_kmh`` ((highway, km/h) pairs);
    ``snap_kmh``: the speed of the straight way between a point and its node; ``extract_date``:
    the OSM extract's date (ISO, UTC) when known; ``max_minutes``: how far the search went.
    """

    mode: str
    speed_kmh: float | None
    snap_kmh: float
    extract_name: str
    extract_date: str | None
    max_minutes: float
    car_kmh: tuple[tuple[str, float], ...] | None = None


@dataclass(frozen=True, eq=False)
class TravelTimes:
    """Travel minutes from demand points to offers on a built network, for
    :func:`mapapp.analysis.coverage.result.run_coverage`: ``table`` is a
    :class:`~mapapp.analysis.accessibility.costs.CostTable` (``origin`` = the grid's
    :func:`~mapapp.analysis.coverage.grid.piece_ids`, ``destination`` = offer id, ``cost`` =
    minutes; pairs beyond ``basis.max_minutes`` are not listed)."""

    table: CostTable
    basis: NetworkBasis


def default_engine() -> str:
    """``scipy``: exact and, for all pairs within a limit, faster than pandana (see above)."""
    return "scipy"


def largest_component(graph: Graph) -> tuple[Graph, IntArray]:
    """The largest weakly connected part (islands cut off by the extract's border or by access
    rules are dropped, so no point snaps onto them) and the kept nodes' old positions."""
    matrix = _matrix(graph, reverse=False)
    _, labels = csgraph.connected_components(matrix, directed=True, connection="weak")
    keep = np.flatnonzero(labels == np.bincount(labels).argmax())
    new = np.full(graph.n_nodes, -1, dtype=np.int64)
    new[keep] = np.arange(len(keep))
    edges = (new[graph.source] >= 0) & (new[graph.target] >= 0)
    sub = Graph(
        graph.x[keep], graph.y[keep], new[graph.source[edges]], new[graph.target[edges]],
        graph.seconds[edges],
    )  # fmt: skip
    return sub, keep


def snap(graph: Graph, xy: FloatArray) -> tuple[IntArray, FloatArray]:
    """Nearest node of each point (``(n, 2)`` metres) and the straight distance to it."""
    tree = cKDTree(np.column_stack((graph.x, graph.y)))
    metres, nodes = tree.query(np.asarray(xy, dtype=np.float64).reshape(-1, 2))
    return np.asarray(nodes, dtype=np.int64), np.asarray(metres, dtype=np.float64)


def point_costs(
    graph: Graph,
    origin_xy: FloatArray,
    destination_xy: FloatArray,
    max_seconds: float,
    snap_mps: float,
    engine: str = "scipy",
) -> CostPairs:
    """Travel seconds origin → destination for every pair within ``max_seconds``.

    Each point snaps to its nearest node; its straight distance to that node is added at
    ``snap_mps`` metres per second (at both ends). Pairs are sorted by origin, then cost.
    """
    o_node, o_m = snap(graph, origin_xy)
    d_node, d_m = snap(graph, destination_xy)
    o_s, d_s = o_m / snap_mps, d_m / snap_mps
    none = np.zeros(0, np.int64)
    empty = CostPairs(none, none, np.zeros(0), o_m, d_m)
    if not len(o_node) or not len(d_node):
        return empty
    radius = max_seconds - o_s.min() - d_s.min()
    if radius < 0:
        return empty
    uo, ud = np.unique(o_node), np.unique(d_node)
    if len(ud) < len(uo):
        b, a, secs = node_costs(graph, ud, uo, radius, reverse=True, engine=engine)
    else:
        a, b, secs = node_costs(graph, uo, ud, radius, reverse=False, engine=engine)
    pair, o_pt = _expand(a, o_node, graph.n_nodes)
    pair2, d_pt = _expand(b[pair], d_node, graph.n_nodes)
    o_pt = o_pt[pair2]
    total = o_s[o_pt] + secs[pair[pair2]] + d_s[d_pt]
    keep = total <= max_seconds
    order = np.lexsort((d_pt[keep], total[keep], o_pt[keep]))
    return CostPairs(o_pt[keep][order], d_pt[keep][order], total[keep][order], o_m, d_m)


def nearest_times(
    graph: Graph,
    origin_xy: FloatArray,
    destination_xy: FloatArray,
    max_seconds: float,
    snap_mps: float,
) -> tuple[FloatArray, IntArray]:
    """Seconds from every origin to its nearest destination (``inf`` beyond ``max_seconds``) and
    that destination's position (-1 when none): one Dijkstra for all origins.

    The destinations' nodes hang off a virtual node by edges of their own snapping time; one
    search from it on the reversed graph gives every node its time to the nearest destination
    (origin → destination, one-way streets in the direction of travel), to which each origin
    adds its own snapping time. The same times as the minimum per origin of
    :func:`point_costs`, without listing the pairs (for grids of millions of cells).
    """
    o_node, o_m = snap(graph, origin_xy)
    d_node, d_m = snap(graph, destination_xy)
    n = graph.n_nodes
    if not len(d_node) or not len(o_node):
        return np.full(len(o_node), np.inf), np.full(len(o_node), -1, dtype=np.int64)
    base = _matrix(graph, reverse=True).tocoo()
    hub = n  # the virtual node
    rows = np.concatenate((base.row, np.full(len(d_node), hub)))
    cols = np.concatenate((base.col, d_node))
    weights = np.concatenate((base.data, np.maximum(d_m / snap_mps, _MIN_SECONDS)))
    matrix = sparse.csr_matrix((weights, (rows, cols)), shape=(n + 1, n + 1))
    dist, pred = csgraph.dijkstra(
        matrix, directed=True, indices=hub, limit=max_seconds, return_predecessors=True
    )
    first = _first_hop(pred, hub, n)  # the destination node each node's path starts from
    seconds = dist[o_node] + o_m / snap_mps
    seconds[seconds > max_seconds] = np.inf
    # several destinations may share a node: the one whose snap is shortest hangs off the hub
    best_at_node = np.full(n, -1, dtype=np.int64)
    order = np.argsort(-d_m, kind="stable")  # the shortest snap is written last and wins
    best_at_node[d_node[order]] = order
    which = np.where(np.isfinite(seconds), best_at_node[np.maximum(first[o_node], 0)], -1)
    return seconds, which.astype(np.int64)


def _first_hop(pred: npt.NDArray[np.int32], hub: int, n: int) -> IntArray:
    """For every node the node after ``hub`` on its shortest path (-1 when unreached)."""
    first = np.full(n + 1, -1, dtype=np.int64)
    parent = pred.astype(np.int64)
    reached = np.flatnonzero(parent >= 0)
    direct = reached[parent[reached] == hub]
    first[direct] = direct
    todo = reached[first[reached] < 0]
    # pointer jumping: each pass halves the unresolved path lengths; a node whose parent is not
    # resolved yet is not a direct child of the hub, so no jump lands on the hub itself
    while len(todo):
        up = parent[todo]
        known = first[up] >= 0
        first[todo[known]] = first[up[known]]
        parent[todo[~known]] = parent[up[~known]]
        todo = todo[~known]
    return first[:n]


def node_costs(
    graph: Graph,
    sources: IntArray,
    targets: IntArray,
    limit: float,
    *,
    reverse: bool = False,
    engine: str = "scipy",
) -> tuple[IntArray, IntArray, FloatArray]:
    """(source node, target node, seconds) for every target reached from a source within
    ``limit`` seconds; ``reverse`` searches against the edges (time target → source)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    if engine == "pandana":
        require_pandana()
    is_target = np.zeros(graph.n_nodes, dtype=bool)
    is_target[targets] = True
    step = max(1, _BATCH_CELLS // max(graph.n_nodes, 1))
    parts = []
    for start in range(0, len(sources), step):
        batch = sources[start : start + step]
        if engine == "scipy":
            parts.append(_scipy_batch(graph, batch, targets, limit, reverse))
        else:
            parts.append(_pandana_batch(graph, batch, is_target, limit, reverse))
    src, tgt, secs = (np.concatenate(p) for p in zip(*parts, strict=True))
    return src, tgt, secs


def require_pandana() -> None:
    """Raise one sentence when the optional engine pandana is not installed."""
    try:
        import pandana  # noqa: F401
    except ImportError:
        raise DataError(
            "pandana ist nicht installiert (optional: 'pip install pandana' oder "
            "'pip install mapapp[network]') – ohne --engine rechnet scipy dieselben Zeiten",
            field="--engine",
        ) from None


def _scipy_batch(
    graph: Graph, batch: IntArray, targets: IntArray, limit: float, reverse: bool
) -> tuple[IntArray, IntArray, FloatArray]:
    matrix = graph._engines.get(("scipy", reverse))
    if matrix is None:
        matrix = graph._engines.setdefault(("scipy", reverse), _matrix(graph, reverse))
    dist = csgraph.dijkstra(matrix, directed=True, indices=batch, limit=limit)[:, targets]
    row, col = np.nonzero(np.isfinite(dist))
    return batch[row].astype(np.int64), targets[col].astype(np.int64), dist[row, col]


def _pandana_batch(
    graph: Graph, batch: IntArray, is_target: npt.NDArray[np.bool_], limit: float, reverse: bool
) -> tuple[IntArray, IntArray, FloatArray]:
    net = graph._engines.get(("pandana", reverse))
    if net is None:
        net = graph._engines.setdefault(("pandana", reverse), _pandana(graph, reverse))
    found = net.nodes_in_range(batch.tolist(), float(limit))
    src = found["source"].to_numpy(dtype=np.int64)
    tgt = found["destination"].to_numpy(dtype=np.int64)
    secs = found["seconds"].to_numpy(dtype=np.float64)
    keep = is_target[tgt] & (secs <= limit)
    return src[keep], tgt[keep], secs[keep]


def _pandana(graph: Graph, reverse: bool) -> Any:
    import pandana
    import pandas as pd

    src, tgt = (graph.target, graph.source) if reverse else (graph.source, graph.target)
    index = pd.RangeIndex(graph.n_nodes)
    edges = pd.DataFrame({"seconds": np.maximum(graph.seconds, _MIN_SECONDS)})
    with _quiet_stdout():  # the C++ library prints its progress to stdout
        return pandana.Network(
            pd.Series(graph.x, index=index), pd.Series(graph.y, index=index),
            pd.Series(src), pd.Series(tgt), edges, twoway=False,
        )  # fmt: skip


def _matrix(graph: Graph, reverse: bool) -> sparse.csr_matrix:
    src, tgt = (graph.target, graph.source) if reverse else (graph.source, graph.target)
    n = graph.n_nodes
    weights = np.maximum(graph.seconds, _MIN_SECONDS)
    return sparse.csr_matrix((weights, (src, tgt)), shape=(n, n))


def _expand(
    node_of_pair: IntArray, node_of_point: IntArray, n_nodes: int
) -> tuple[IntArray, IntArray]:
    """Every (pair, point) with the point at the pair's node: repeated pair index, point index."""
    order = np.argsort(node_of_point, kind="stable")
    count = np.bincount(node_of_point, minlength=n_nodes)
    start = np.concatenate(([0], np.cumsum(count)[:-1]))
    c = count[node_of_pair]
    pair = np.repeat(np.arange(len(node_of_pair)), c)
    offset = np.arange(int(c.sum())) - np.repeat(np.cumsum(c) - c, c)
    return pair, order[np.repeat(start[node_of_pair], c) + offset]


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence writes to file descriptor 1 (C/C++ code) for the block."""
    sys.stdout.flush()
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a replaced stdout (tests): nothing to do
        yield
        return
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), fd)
            yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
