"""Cost input of the accessibility measures: column checks, cost tables, straight-line pairs.

Straight-line pairs are found with :class:`scipy.spatial.cKDTree` and processed in chunks of supply
locations; before any pair is built their number is estimated and a run above ``max_pairs``
(default :data:`MAX_PAIRS`) is refused with :class:`PairLimitError`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from mapapp.model import DataError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

#: Roughly how many demand-supply pairs one chunk holds (about 20 bytes each plus temporaries).
_PAIRS_PER_CHUNK = 500_000
#: Supply locations sampled to estimate the number of pairs per supply location.
_SAMPLE_FOR_ESTIMATE = 256
#: Most demand-supply pairs within the catchment a 2SFCA/E2SFCA run may walk. The pairs are walked
#: at roughly 20 million per second (docs/BENCHMARKS.md: 170 million pairs in about 8 s), so this
#: is about 10 s; memory stays bounded by the chunks. A 1,000 km catchment on 300,000 x 20,000
#: points would be 6 billion pairs (minutes to hours) and is refused instead.
MAX_PAIRS = 200_000_000

# --------------------------------------------------------------------------------------------
# Cost input
# --------------------------------------------------------------------------------------------


class PairLimitError(DataError):
    """Too many demand-supply pairs within the catchment: the run would take far too long.

    Attributes
    ----------
    estimate
        Estimated number of pairs (exact counts for a sample of supply locations, scaled up).
    limit
        The limit that was exceeded.
    """

    def __init__(self, estimate: float, limit: float, *, field: str | None = "max_cost") -> None:
        self.estimate = float(estimate)
        self.limit = float(limit)
        super().__init__(
            f"etwa {_de_int(self.estimate)} Nachfrage-Angebots-Paare im Einzugsbereich, mehr als "
            f"die Grenze von {_de_int(self.limit)} – bitte einen kleineren Einzugsbereich oder "
            "weniger Nachfrage- bzw. Angebotspunkte wählen",
            field=field,
        )


def _de_int(value: float) -> str:
    """``6000000000.0`` -> ``"6.000.000.000"`` (German thousands separator)."""
    return f"{value:,.0f}".replace(",", ".")


@dataclass(frozen=True, eq=False)
class CostTable:
    """A long-format cost matrix (e.g. travel times from a router) naming its column roles.

    Parameters
    ----------
    frame
        One row per (origin, destination) pair. Pairs not listed are out of reach. Origins and
        destinations that are not among the demand/supply ids are ignored; a pair listed twice
        counts twice (as in ``access``).
    origin, destination, cost
        Column names: demand id, supply id, non-negative cost (any unit; the same as
        ``max_cost`` and the weight function).
    """

    frame: pd.DataFrame
    origin: str = "origin"
    destination: str = "destination"
    cost: str = "cost"


@dataclass(frozen=True)
class _Chunk:
    """Pairs for a set of supply locations; complete for each of them (needed by stage 1)."""

    supply: IntArray  # positions of the chunk's supply locations in the supply frame
    origin: IntArray  # demand position of each pair
    local: IntArray  # position of each pair's supply location within ``supply``
    cost: FloatArray


def _require_columns(frame: pd.DataFrame, columns: Collection[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: Spalte(n) {', '.join(map(repr, missing))} fehlen")


def _values(frame: pd.DataFrame, column: str, what: str, *, non_negative: bool) -> FloatArray:
    """Numeric, finite (and optionally non-negative) values of one column."""
    _require_columns(frame, [column], what)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values)
    if non_negative:
        bad |= values < 0
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        label = frame.index[pos]
        kind = "keine endliche Zahl >= 0" if non_negative else "keine endliche Zahl"
        raise DataError(
            f"{what}: Wert {frame[column].iloc[pos]!r} (Index {label!r}) ist {kind}",
            field=column,
        )
    return values


def _xy(frame: pd.DataFrame, x: str, y: str, what: str) -> FloatArray:
    """(n, 2) coordinates in metres from ``x``/``y`` columns or a point geometry."""
    if x in frame.columns and y in frame.columns:
        xs = _values(frame, x, what, non_negative=False)
        ys = _values(frame, y, what, non_negative=False)
        return np.column_stack([xs, ys])
    geometry = getattr(frame, "geometry", None)
    if geometry is None or x in frame.columns or y in frame.columns:
        raise ValueError(f"{what}: weder Spalten {x!r} und {y!r} noch eine Punktgeometrie")
    crs = getattr(frame, "crs", None)
    if crs is not None and crs.is_geographic:
        raise ValueError(f"{what}: geographisches CRS; bitte nach EPSG:25832 (Meter) umprojizieren")
    if len(frame) and not (geometry.geom_type == "Point").all():
        raise ValueError(f"{what}: alle Geometrien müssen Punkte sein (Schwerpunkte verwenden)")
    coords = np.column_stack([geometry.x.to_numpy(float), geometry.y.to_numpy(float)])
    if not np.isfinite(coords).all():
        raise DataError(f"{what}: leere oder ungültige Punktgeometrie", field="geometry")
    return coords


def _ids(frame: pd.DataFrame, column: str | None, what: str) -> pd.Index:
    if column is not None:
        _require_columns(frame, [column], what)
    ids = pd.Index(frame.index if column is None else frame[column])
    if not ids.is_unique:
        dup = ids[ids.duplicated()][0]
        raise DataError(f"{what}: id {dup!r} kommt mehrfach vor", field=column or "index")
    return ids


def _check_max_cost(max_cost: float | None, *, required: bool) -> float:
    if max_cost is None:
        if required:
            raise ValueError("max_cost fehlt")
        return math.inf
    value = float(max_cost)
    if math.isnan(value) or value < 0:
        raise ValueError("max_cost muss eine Zahl >= 0 sein")
    return value


def _check_max_pairs(max_pairs: float | None) -> float:
    limit = MAX_PAIRS if max_pairs is None else float(max_pairs)
    if math.isnan(limit) or limit <= 0:
        raise ValueError("max_pairs muss eine Zahl > 0 sein (math.inf: keine Grenze)")
    return limit


def _check_workers(workers: int) -> int:
    if workers < 1:
        raise ValueError("workers muss >= 1 sein")
    return workers


def _table_pairs(
    table: CostTable,
    demand_ids: pd.Index,
    supply_ids: pd.Index,
    max_cost: float,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Positions (demand, supply) and costs of the table's pairs with ``cost <= max_cost``."""
    frame = table.frame
    _require_columns(frame, [table.origin, table.destination, table.cost], "Kostentabelle")
    cost = _values(frame, table.cost, "Kostentabelle", non_negative=True)
    origin = demand_ids.get_indexer(pd.Index(frame[table.origin]))
    dest = supply_ids.get_indexer(pd.Index(frame[table.destination]))
    keep = (origin >= 0) & (dest >= 0) & (cost <= max_cost)
    return (
        origin[keep].astype(np.intp),
        dest[keep].astype(np.intp),
        cost[keep],
    )


def _spatial_order(xy: FloatArray) -> IntArray:
    """Order points along a Z-order (Morton) curve so chunks are spatially compact."""
    if len(xy) == 0:
        return np.arange(0, dtype=np.intp)
    lo = xy.min(axis=0)
    span = np.maximum(xy.max(axis=0) - lo, 1e-9)
    q = ((xy - lo) / span * 65535).astype(np.uint64)

    def spread(v: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
        v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
        v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
        return (v | (v << np.uint64(1))) & np.uint64(0x55555555)

    code = spread(q[:, 0]) | (spread(q[:, 1]) << np.uint64(1))
    return np.argsort(code, kind="stable").astype(np.intp)


def _euclidean_chunks(
    demand_xy: FloatArray, supply_xy: FloatArray, max_cost: float, max_pairs: float
) -> tuple[cKDTree, list[IntArray]]:
    """Demand tree and supply chunks sized to hold about ``_PAIRS_PER_CHUNK`` pairs each.

    Raises
    ------
    PairLimitError
        The estimated number of pairs within ``max_cost`` exceeds ``max_pairs``.
    """
    tree = cKDTree(demand_xy)
    m = len(supply_xy)
    if m == 0:
        return tree, []
    order = _spatial_order(supply_xy)
    if math.isinf(max_cost):
        per_supply = float(len(demand_xy))
    else:
        # Exact counts for an evenly spread sample (along the Z-order curve), scaled up: cheap
        # (well under a second even for a catchment spanning all of NRW) and close to the total.
        sample = supply_xy[order[np.linspace(0, m - 1, min(m, _SAMPLE_FOR_ESTIMATE)).astype(int)]]
        counts = tree.query_ball_point(sample, r=max_cost, return_length=True)
        per_supply = float(np.mean(counts))
    if per_supply * m > max_pairs:
        raise PairLimitError(per_supply * m, max_pairs)
    size = max(1, int(_PAIRS_PER_CHUNK / max(per_supply, 1.0)))
    return tree, [order[k : k + size] for k in range(0, m, size)]


def _euclidean_chunk(
    tree: cKDTree, supply_xy: FloatArray, supply: IntArray, max_cost: float
) -> _Chunk:
    """All demand points within ``max_cost`` (inclusive) of the chunk's supply points."""
    found = cKDTree(supply_xy[supply]).sparse_distance_matrix(tree, max_cost, output_type="ndarray")
    return _Chunk(
        supply=supply,
        origin=found["j"].astype(np.intp),
        local=found["i"].astype(np.intp),
        cost=found["v"].astype(np.float64),
    )
