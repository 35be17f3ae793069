"""Travel times on the street network: build a mode's graph from an OSM extract once, list the
built ones, and compute an ``origin,destination,cost`` table (minutes) for ``--cost``.

Reading OSM is :mod:`mapapp.io.osm_network` (rules: :mod:`mapapp.io.osm_profiles`), the stored
graph :mod:`mapapp.io.network_cache`, the shortest paths :mod:`mapapp.analysis.network`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility.costs import CostTable
from mapapp.analysis.coverage.grid import piece_ids
from mapapp.analysis.network import (
    CostPairs,
    Graph,
    NetworkBasis,
    TravelTimes,
    default_engine,
    largest_component,
    point_costs,
)
from mapapp.config import Settings
from mapapp.ingest.point_arrays import PointArrays
from mapapp.io import atomic
from mapapp.io.network_cache import load_network, read_manifest, save_network, sha256_file
from mapapp.io.osm_network import NODE_SPACING_M, StreetGraph, read_street_graph
from mapapp.io.osm_profiles import BIKE_KMH, CAR_KMH, CAR_SNAP_KMH, MODES, WALK_KMH
from mapapp.io.tabular import to_safe_csv
from mapapp.model import DataError

log = logging.getLogger(__name__)
_EXTRACT_SUFFIXES = (".osm.pbf", ".osm")


@dataclass(frozen=True)
class NetworkInfo:
    """A built network as its manifest describes it.

    ``speed_kmh`` is the one speed on every way (walk, bike, or car with ``--speed-kmh``);
    ``None`` for car by ``maxspeed`` and :data:`car_kmh` (the class table). ``snap_kmh`` is the
    speed at which a point's straight distance to its node is added. ``extract_date`` is the
    extract's replication timestamp, else its newest way's edit time (ISO, UTC).
    """

    folder: Path
    mode: str
    speed_kmh: float | None
    snap_kmh: float
    extract_name: str
    extract_date: str | None
    built_at: str
    nodes: int
    edges: int
    car_kmh: dict[str, float] | None = None

    @property
    def stamp(self) -> str:
        """Changes when the network is rebuilt (part of the page's cache keys)."""
        return f"{self.folder}|{self.mode}|{self.built_at}|{self.nodes}|{self.edges}"

    def basis(self, max_minutes: float) -> NetworkBasis:
        """What a figure on this network rests on, searched up to ``max_minutes``."""
        car = tuple(sorted(self.car_kmh.items())) if self.car_kmh else None
        return NetworkBasis(
            mode=self.mode, speed_kmh=self.speed_kmh, snap_kmh=self.snap_kmh,
            extract_name=self.extract_name, extract_date=self.extract_date,
            max_minutes=float(max_minutes), car_kmh=car,
        )  # fmt: skip


def network_folder(settings: Settings, mode: str) -> Path:
    """The default folder of ``mode``'s network in the data directory."""
    return settings.network_dir / mode


def find_extract(settings: Settings) -> Path | None:
    """The newest OSM extract in ``raw/osm`` (``mapapp fetch-data --only osm`` puts it there)."""
    folder = settings.osm_dir
    if not folder.is_dir():
        return None
    found = [p for p in folder.iterdir() if p.is_file() and p.name.endswith(_EXTRACT_SUFFIXES)]
    return max(found, key=lambda p: (p.stat().st_mtime, p.name)) if found else None


def build_network(osm: Path, mode: str, out: Path, speed_kmh: float | None = None) -> NetworkInfo:
    """Read ``osm`` for ``mode``, keep its largest connected part and store it in ``out``."""
    if not osm.is_file():
        raise DataError("OSM-Datei nicht gefunden ('mapapp fetch-data --only osm')", file=str(osm))
    if speed_kmh is not None and not 0 < speed_kmh <= 250:
        raise DataError(f"Geschwindigkeit {speed_kmh} km/h außerhalb 0–250", field="--speed-kmh")
    street, extract = read_street_graph(osm, mode, speed_kmh)
    graph, keep = largest_component(_graph(street))
    kept = StreetGraph(
        osm_id=street.osm_id[keep], x=graph.x, y=graph.y, source=graph.source,
        target=graph.target, metres=_kept_metres(street, keep), seconds=graph.seconds,
    )  # fmt: skip
    default = {"walk": WALK_KMH, "bike": BIKE_KMH}.get(mode)
    uniform = speed_kmh or default
    manifest: dict[str, Any] = {
        "mode": mode,
        "speed_kmh": uniform,
        "snap_kmh": uniform or CAR_SNAP_KMH,
        "car_kmh": dict(CAR_KMH) if uniform is None else None,
        "node_spacing_m": NODE_SPACING_M,
        "dropped_nodes": int(len(street.osm_id) - len(keep)),
        "extract": {
            "name": osm.name,
            "size": osm.stat().st_size,
            "sha256": sha256_file(osm),
            "replication_timestamp": extract.header_timestamp,
            "newest_way": extract.newest_way,
            "ways": extract.ways,
        },
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    save_network(out, kept, manifest)
    return network_info(out)


def _graph(street: StreetGraph) -> Graph:
    return Graph(street.x, street.y, street.source, street.target, street.seconds)


def _kept_metres(street: StreetGraph, keep: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(street.osm_id), dtype=bool)
    inside[keep] = True
    return street.metres[inside[street.source] & inside[street.target]]


def network_info(folder: Path) -> NetworkInfo:
    """What the network in ``folder`` is (its manifest); :class:`DataError` when there is none."""
    m = read_manifest(folder)
    extract = m.get("extract") or {}
    return NetworkInfo(
        folder=folder,
        mode=str(m["mode"]),
        speed_kmh=m.get("speed_kmh"),
        snap_kmh=float(m["snap_kmh"]),
        extract_name=str(extract.get("name", "")),
        extract_date=extract.get("replication_timestamp") or extract.get("newest_way"),
        built_at=str(m.get("built_at", "")),
        nodes=int(m["nodes"]),
        edges=int(m["edges"]),
        car_kmh=m.get("car_kmh"),
    )


def available_networks(settings: Settings) -> list[NetworkInfo]:
    """The built networks in the data directory, in the order walk, bike, car (readable ones)."""
    found = []
    for mode in MODES:
        folder = network_folder(settings, mode)
        try:
            found.append(network_info(folder))
        except (DataError, KeyError, TypeError, ValueError):
            continue
    return found


def resolve_network(settings: Settings, name: str | Path) -> Path:
    """A network folder given as a path or as a mode name (its default folder)."""
    if str(name) in MODES and not Path(name).is_dir():
        return network_folder(settings, str(name))
    return Path(name)


@dataclass(frozen=True)
class TravelCosts:
    """The ``origin,destination,cost`` table (cost in minutes) and how far the points snapped."""

    origin: list[str]
    destination: list[str]
    minutes: np.ndarray
    origin_snap_m: np.ndarray
    destination_snap_m: np.ndarray
    info: NetworkInfo

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"origin": self.origin, "destination": self.destination, "cost": self.minutes}
        )


def travel_costs(
    folder: Path,
    origins: PointArrays,
    destinations: PointArrays,
    max_minutes: float,
    engine: str | None = None,
) -> TravelCosts:
    """Minutes from every origin to every destination reachable within ``max_minutes``.

    Points (x, y in EPSG:25832) snap to their nearest network node; the straight distance is
    added at the network's ``snap_kmh`` at both ends.
    """
    if origins.xy is None or destinations.xy is None:
        raise DataError("x,y fehlen", field="x,y")
    street, _ = load_network(folder)
    info = network_info(folder)
    graph = _graph(street)
    pairs: CostPairs = point_costs(
        graph, origins.xy, destinations.xy, max_minutes * 60.0, info.snap_kmh / 3.6,
        engine or default_engine(),
    )  # fmt: skip
    return TravelCosts(
        origin=[origins.ids[i] for i in pairs.origin],
        destination=[destinations.ids[j] for j in pairs.destination],
        minutes=np.round(pairs.seconds / 60.0, 4),
        origin_snap_m=pairs.origin_snap_m,
        destination_snap_m=pairs.destination_snap_m,
        info=info,
    )


def write_costs(costs: TravelCosts, out: Path) -> Path:
    """Write the table as CSV (formula-safe ids), all or nothing."""
    return atomic.write_text(out, to_safe_csv(costs.frame()))


def grid_travel_times(
    info: NetworkInfo,
    cells: pd.DataFrame,
    offers: pd.DataFrame,
    max_minutes: float,
    engine: str | None = None,
) -> TravelTimes:
    """Minutes from every piece of a coverage grid (``x``, ``y``; ids
    :func:`~mapapp.analysis.coverage.grid.piece_ids`) to every offer (``id``, point geometry in
    EPSG:25832) within ``max_minutes`` on the network ``info``: the cost table
    :func:`mapapp.analysis.coverage.result.run_coverage` takes for a network mode."""
    origins = PointArrays(piece_ids(cells), cells[["x", "y"]].to_numpy(dtype=float), None)
    geometry = offers.geometry
    destinations = PointArrays(
        offers["id"].astype(str).tolist(),
        np.column_stack([geometry.x.to_numpy(dtype=float), geometry.y.to_numpy(dtype=float)]),
        None,
    )
    if not destinations.ids:
        frame = pd.DataFrame({"origin": [], "destination": [], "cost": []})
        return TravelTimes(CostTable(frame), info.basis(max_minutes))
    costs = travel_costs(info.folder, origins, destinations, max_minutes, engine)
    return TravelTimes(CostTable(costs.frame()), info.basis(max_minutes))
