"""Read an OpenStreetMap extract (``.osm.pbf`` or ``.osm`` XML) into a routable street graph.

Two passes with pyosmium (``osmium``): the ``highway`` ways a mode may use (rules:
:mod:`mapapp.io.osm_profiles`), then the locations of just their nodes (an id filter, so an NRW
extract does not need a location index of every node). The ways are split at their junctions
(nodes shared by two or more usable ways) and ends; the pieces become directed edges with their
length and travel time. Lengths are measured in EPSG:25832 metres, like every straight line of the
app (within NRW they differ from the ellipsoidal length by less than 0.05 %). Between junctions a
shape node becomes a graph node each time another :data:`NODE_SPACING_M` metres of the way have
passed, so a point beside a long country road snaps to a node at most about that far along it
(and the graph stays a fraction of the extract's size).

The cache of a built graph (arrays + manifest) is :mod:`mapapp.io.network_cache`.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from mapapp.io.osm_profiles import MODES, way_rule
from mapapp.model import DataError
from mapapp.projection import to_metric

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Along a way without junctions, a graph node at least every this many metres.
NODE_SPACING_M = 200.0


@dataclass(frozen=True, eq=False)
class StreetGraph:
    """Directed street graph of one mode.

    Nodes ``0..n-1`` carry their OSM id and EPSG:25832 position; edge ``k`` leads from
    ``source[k]`` to ``target[k]`` (two-way streets have one edge per direction), ``metres`` long,
    taking ``seconds``. Parallel edges are reduced to the fastest; no self-loops.
    """

    osm_id: IntArray
    x: FloatArray
    y: FloatArray
    source: IntArray
    target: IntArray
    metres: FloatArray
    seconds: FloatArray


@dataclass(frozen=True)
class ExtractInfo:
    """What the graph was built from: the extract's timestamps and the ways used."""

    header_timestamp: str | None
    newest_way: str | None
    ways: int

    @property
    def date(self) -> str | None:
        """The extract's date: its replication timestamp, else the newest way's edit time."""
        return self.header_timestamp or self.newest_way


@dataclass
class _Ways:
    """Pass 1: node refs of all usable ways, flat, with per-way speed and directions."""

    refs: array[int]
    way_of: array[int]
    kmh: list[float]
    forward: list[bool]
    backward: list[bool]
    newest: str | None = None


def read_street_graph(
    path: Path, mode: str, speed_kmh: float | None = None
) -> tuple[StreetGraph, ExtractInfo]:
    """The ``mode`` graph of the extract at ``path`` (``.osm.pbf`` or ``.osm``).

    Raises
    ------
    DataError
        Unknown mode, a file osmium cannot read, or no way the mode may use.
    """
    if mode not in MODES:
        raise DataError(f"unbekannter Modus {mode!r} (walk, bike oder car)", field="--mode")
    try:
        header = _header_timestamp(path)
        ways = _read_ways(path, mode, speed_kmh)
        refs = np.frombuffer(ways.refs, dtype=np.int64) if ways.refs else np.zeros(0, np.int64)
        lon, lat = _node_locations(path, refs)
    except RuntimeError as exc:  # osmium's errors for unreadable input
        raise DataError(f"OSM-Datei nicht lesbar: {exc}", file=str(path)) from exc
    if not ways.kmh:
        raise DataError(f"keine für {mode} nutzbaren Wege (highway=*) gefunden", file=str(path))
    graph = _build(ways, refs, lon, lat)
    return graph, ExtractInfo(header, ways.newest, len(ways.kmh))


def _header_timestamp(path: Path) -> str | None:
    import osmium  # only the build reads OSM files

    reader = osmium.io.Reader(str(path), osmium.osm.osm_entity_bits.NOTHING)
    try:
        value = reader.header().get("osmosis_replication_timestamp")
    finally:
        reader.close()
    return str(value) if value else None


def _read_ways(path: Path, mode: str, speed_kmh: float | None) -> _Ways:
    import osmium

    ways = _Ways(array("q"), array("q"), [], [], [])
    found: Iterable[Any] = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(
        osmium.filter.KeyFilter("highway")
    )
    for way in found:
        rule = way_rule(way.tags, mode, speed_kmh)
        if rule is None or len(way.nodes) < 2:
            continue
        index = len(ways.kmh)
        nodes = [n.ref for n in way.nodes]
        ways.refs.extend(nodes)
        ways.way_of.extend([index] * len(nodes))
        ways.kmh.append(rule.kmh)
        ways.forward.append(rule.forward)
        ways.backward.append(rule.backward)
        stamp = _iso(way.timestamp)
        if stamp and (ways.newest is None or stamp > ways.newest):
            ways.newest = stamp
    return ways


def _iso(value: Any) -> str | None:
    try:
        return str(value.strftime("%Y-%m-%dT%H:%M:%SZ")) if value.year > 1970 else None
    except (AttributeError, ValueError):
        return None


def _node_locations(path: Path, refs: IntArray) -> tuple[FloatArray, FloatArray]:
    """Longitude/latitude of each ref (NaN where the extract lacks the node)."""
    import osmium

    ids = np.unique(refs)
    lon = np.full(len(ids), np.nan)
    lat = np.full(len(ids), np.nan)
    if len(ids):
        found_id, found_lon, found_lat = array("q"), array("d"), array("d")
        nodes: Iterable[Any] = osmium.FileProcessor(str(path), osmium.osm.NODE).with_filter(
            osmium.filter.IdFilter(ids.tolist())
        )
        for node in nodes:
            loc = node.location
            if loc.valid():
                found_id.append(node.id)
                found_lon.append(loc.lon)
                found_lat.append(loc.lat)
        at = np.searchsorted(ids, np.frombuffer(found_id, dtype=np.int64))
        lon[at] = np.frombuffer(found_lon, dtype=np.float64)
        lat[at] = np.frombuffer(found_lat, dtype=np.float64)
    pos = np.searchsorted(ids, refs)
    return lon[pos], lat[pos]


def _build(ways: _Ways, refs: IntArray, lon: FloatArray, lat: FloatArray) -> StreetGraph:
    """Split the ways at junctions into directed edges (see the module docstring)."""
    way_of = np.frombuffer(ways.way_of, dtype=np.int64)
    valid = np.isfinite(lon) & np.isfinite(lat)
    x, y = to_metric(np.where(valid, lon, 0.0), np.where(valid, lat, 0.0))
    same_way = way_of[:-1] == way_of[1:]
    seg_ok = same_way & valid[:-1] & valid[1:]
    seg_len = np.where(seg_ok, np.hypot(np.diff(x), np.diff(y)), 0.0)
    cum_len = np.concatenate(([0.0], np.cumsum(seg_len)))
    cum_bad = np.concatenate(([0], np.cumsum(same_way & ~seg_ok)))
    # graph nodes: junctions, way ends, neighbours of a missing node
    _, inverse, counts = np.unique(refs, return_inverse=True, return_counts=True)
    is_node = counts[inverse] >= 2
    is_node[np.concatenate(([True], ~same_way))] = True
    is_node[np.concatenate((~same_way, [True]))] = True
    broken = same_way & ~seg_ok
    is_node[:-1] |= broken
    is_node[1:] |= broken
    is_node[1:] |= same_way & _spacing_marks(cum_len, same_way)
    at = np.flatnonzero(is_node & valid)
    a, b = at[:-1], at[1:]
    keep = (way_of[a] == way_of[b]) & (cum_bad[b] == cum_bad[a]) & (refs[a] != refs[b])
    a, b = a[keep], b[keep]
    way = way_of[a]
    metres = cum_len[b] - cum_len[a]
    mps = np.asarray(ways.kmh)[way] / 3.6
    fwd = np.asarray(ways.forward)[way]
    bwd = np.asarray(ways.backward)[way]
    src = np.concatenate((refs[a][fwd], refs[b][bwd]))
    dst = np.concatenate((refs[b][fwd], refs[a][bwd]))
    length = np.concatenate((metres[fwd], metres[bwd]))
    secs = np.concatenate(((metres / mps)[fwd], (metres / mps)[bwd]))
    return _indexed(src, dst, length, secs, refs[at], x[at], y[at])


def _spacing_marks(cum_len: FloatArray, same_way: BoolArray) -> BoolArray:
    """For positions 1..n-1: whether another :data:`NODE_SPACING_M` of its way begins there."""
    first = np.concatenate(([True], ~same_way))
    start = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0))
    bucket = np.floor((cum_len - cum_len[start]) / NODE_SPACING_M)
    return np.asarray(bucket[1:] != bucket[:-1])


def _indexed(
    src: IntArray,
    dst: IntArray,
    metres: FloatArray,
    seconds: FloatArray,
    node_refs: IntArray,
    node_x: FloatArray,
    node_y: FloatArray,
) -> StreetGraph:
    """OSM ids -> node positions ``0..n-1``; parallel edges reduced to the fastest."""
    osm_id = np.unique(np.concatenate((src, dst)))
    first = np.unique(node_refs, return_index=True)
    where = first[1][np.searchsorted(first[0], osm_id)]
    source = np.searchsorted(osm_id, src)
    target = np.searchsorted(osm_id, dst)
    order = np.lexsort((seconds, target, source))
    source, target = source[order], target[order]
    unique = np.concatenate(([True], (np.diff(source) != 0) | (np.diff(target) != 0)))
    return StreetGraph(
        osm_id=osm_id,
        x=node_x[where],
        y=node_y[where],
        source=source[unique],
        target=target[unique],
        metres=metres[order][unique],
        seconds=seconds[order][unique],
    )


__all__ = ["ExtractInfo", "StreetGraph", "read_street_graph"]
