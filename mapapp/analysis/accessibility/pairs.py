"""Straight-line demand-supply pairs within a catchment, in chunks of supply locations (numpy and
scipy only, no pandas, so ``mapapp coverage`` on CSV files stays lean).

Pairs are found with :class:`scipy.spatial.cKDTree`; before any pair is built their number is
estimated and a run above ``max_pairs`` (default :data:`MAX_PAIRS`) is refused with
:class:`PairLimitError`. Coordinates are metres in EPSG:25832, shape ``(n, 2)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
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


@dataclass(frozen=True)
class Chunk:
    """Pairs for a set of supply locations; complete for each of them (needed by stage 1)."""

    supply: IntArray  # positions of the chunk's supply locations in the supply frame
    origin: IntArray  # demand position of each pair
    local: IntArray  # position of each pair's supply location within ``supply``
    cost: FloatArray


def check_max_cost(max_cost: float | None, *, required: bool) -> float:
    """``max_cost`` as a float (``None`` -> ``inf`` unless ``required``); ``ValueError`` if bad."""
    if max_cost is None:
        if required:
            raise ValueError("max_cost fehlt")
        return math.inf
    value = float(max_cost)
    if math.isnan(value) or value < 0:
        raise ValueError("max_cost muss eine Zahl >= 0 sein")
    return value


def check_max_pairs(max_pairs: float | None) -> float:
    """``max_pairs`` as a float (``None`` -> :data:`MAX_PAIRS`); ``ValueError`` if not > 0."""
    limit = MAX_PAIRS if max_pairs is None else float(max_pairs)
    if math.isnan(limit) or limit <= 0:
        raise ValueError("max_pairs muss eine Zahl > 0 sein (math.inf: keine Grenze)")
    return limit


def check_workers(workers: int) -> int:
    """``workers`` (threads) if it is at least 1, else ``ValueError``."""
    if workers < 1:
        raise ValueError("workers muss >= 1 sein")
    return workers


def spatial_order(xy: FloatArray) -> IntArray:
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


def euclidean_chunks(
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
    order = spatial_order(supply_xy)
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


def euclidean_chunk(
    tree: cKDTree, supply_xy: FloatArray, supply: IntArray, max_cost: float
) -> Chunk:
    """All demand points within ``max_cost`` (inclusive) of the chunk's supply points."""
    found = cKDTree(supply_xy[supply]).sparse_distance_matrix(tree, max_cost, output_type="ndarray")
    return Chunk(
        supply=supply,
        origin=found["j"].astype(np.intp),
        local=found["i"].astype(np.intp),
        cost=found["v"].astype(np.float64),
    )
