"""Coverage-gap measures: nearest offer, 2SFCA/E2SFCA, people beyond a distance, offers per capita.

Pure functions on frames. Every location is a point in EPSG:25832 (metres), given either as two
coordinate columns (``x``, ``y`` by default) or, for a GeoDataFrame without those columns, as its
point geometry. Instead of straight-line distances a long-format cost table from a router
(``origin, destination, cost``; see :class:`CostTable`) can be supplied, so every measure works on
travel times too: "cost" is then minutes (or whatever unit the table uses) instead of metres.

The floating-catchment measures follow PySAL ``access`` (``access.fca.two_stage_fca``) exactly:

* a pair (demand *i*, supply *j*) is within reach when ``cost <= max_cost``;
* stage 1: ``W_j = sum_i demand_i * w(c_ij)``, ``R_j = supply_j / W_j``;
* stage 2: ``A_i = sum_j R_j * w(c_ij)``;
* ``w`` is 1 for the classic 2SFCA, a step or Gaussian weight for the E2SFCA
  (:class:`StepWeights` = ``access.weights.step_fn``, :class:`GaussianWeights` =
  ``access.weights.gaussian``);
* a supply location whose weighted demand ``W_j`` is 0 gets ``R_j = supply_j / 0`` (``inf``, or
  ``nan`` when its supply is 0 too); ``nan`` contributions are skipped in stage 2 like pandas'
  ``groupby().sum()`` does;
* no normalisation.

The one deliberate difference: ``access`` returns ``NaN`` for a demand location with no supply
location within ``max_cost``; here it gets ``unreachable`` (default 0.0, pass ``numpy.nan`` for the
``access`` behaviour).

Straight-line pairs are found with :class:`scipy.spatial.cKDTree` and processed in chunks of supply
locations, so memory grows with the number of pairs within the cut-off (per chunk), never with
demand x supply. Time grows with the number of pairs, so before any pair is built their number is
estimated (exact counts for a sample of supply locations) and a run above ``max_pairs``
(default :data:`MAX_PAIRS`) is refused with :class:`PairLimitError`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.spatial import cKDTree

from mapapp.config import NRW_LAND
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    COL_AGS,
    COL_KREIS_AGS,
    DataError,
    kreis_of,
    normalize_ags,
)

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

#: ``level`` values of the summary tables.
LEVEL_GEMEINDE = "gemeinde"
LEVEL_KREIS = "kreis"
LEVEL_LAND = "land"


# --------------------------------------------------------------------------------------------
# Weight functions
# --------------------------------------------------------------------------------------------


class WeightFunction(Protocol):
    """Vectorised distance-decay weight: costs (array) -> weights (array of the same shape)."""

    def __call__(self, cost: FloatArray, /) -> FloatArray: ...


@dataclass(frozen=True)
class StepWeights:
    """Step weights: ``w(c) = weights[k]`` for the first threshold ``k`` (ascending) with ``c <= k``.

    Costs above the largest threshold get weight 0. Same convention as ``access.weights.step_fn``
    (``{5000: 1, 10000: 0.68, 15000: 0.22}`` gives 1 up to 5 km inclusive, 0.68 up to 10 km, ...).
    Hashable, so it can be a cache key.

    Parameters
    ----------
    thresholds
        Upper band limits in cost units (metres for straight-line distances), strictly ascending.
    weights
        One non-negative weight per band.
    """

    thresholds: tuple[float, ...]
    weights: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.thresholds:
            raise ValueError("Stufengewichte brauchen mindestens eine Stufe")
        if len(self.thresholds) != len(self.weights):
            raise ValueError("Stufengewichte brauchen ein Gewicht je Grenze")
        if any(not math.isfinite(t) or t < 0 for t in self.thresholds):
            raise ValueError("Stufengrenzen müssen endliche Zahlen >= 0 sein")
        if any(b <= a for a, b in zip(self.thresholds, self.thresholds[1:], strict=False)):
            raise ValueError("Stufengrenzen müssen streng aufsteigen")
        if any(not math.isfinite(w) or w < 0 for w in self.weights):
            raise ValueError("Stufengewichte müssen endliche Zahlen >= 0 sein")

    def __call__(self, cost: FloatArray, /) -> FloatArray:
        bands = np.asarray(self.thresholds, dtype=np.float64)
        values = np.append(np.asarray(self.weights, dtype=np.float64), 0.0)
        return values[np.searchsorted(bands, cost, side="left")]

    @classmethod
    def parse(cls, text: str) -> StepWeights:
        """Parse ``"5000:1,10000:0.68,15000:0.22"`` (threshold:weight pairs, any order)."""
        pairs: list[tuple[float, float]] = []
        for part in text.split(","):
            part = part.strip()
            if not part:
                continue
            limit, sep, weight = part.partition(":")
            if not sep:
                raise ValueError(f"Stufe '{part}' hat nicht die Form GRENZE:GEWICHT")
            try:
                pairs.append((float(limit), float(weight)))
            except ValueError:
                raise ValueError(f"Stufe '{part}' hat nicht die Form GRENZE:GEWICHT") from None
        return step_weights(pairs)

    @classmethod
    def classic(cls, max_cost: float) -> StepWeights:
        """The E2SFCA bands 1 / 0.68 / 0.22 of Luo & Qi (2009) at thirds of ``max_cost``.

        ``access`` uses the same weights as the default of ``enhanced_two_stage_fca``
        (``step_fn({10: 1, 20: 0.68, 30: 0.22})``, minutes).
        """
        if not math.isfinite(max_cost) or max_cost <= 0:
            raise ValueError("max_cost muss für die klassischen Stufen eine endliche Zahl > 0 sein")
        return cls((max_cost / 3, 2 * max_cost / 3, float(max_cost)), (1.0, 0.68, 0.22))


@dataclass(frozen=True)
class GaussianWeights:
    """Gaussian decay ``w(c) = exp(-c**2 / (2 * sigma**2))`` (``w(0) = 1``, no normalisation).

    Same definition as ``access.weights.gaussian``. ``sigma`` is in cost units (metres for
    straight-line distances).
    """

    sigma: float

    def __post_init__(self) -> None:
        if not math.isfinite(self.sigma) or self.sigma <= 0:
            raise ValueError("sigma muss eine endliche Zahl > 0 sein")

    def __call__(self, cost: FloatArray, /) -> FloatArray:
        # Same expression (and evaluation order) as access.weights.gaussian.
        return np.exp(-cost * cost / (2 * self.sigma**2))


def step_weights(steps: dict[float, float] | Sequence[tuple[float, float]]) -> StepWeights:
    """Build :class:`StepWeights` from ``{threshold: weight}`` or ``[(threshold, weight), ...]``.

    Thresholds are sorted; e.g. ``step_weights({5000: 1, 10000: 0.68, 15000: 0.22})``.
    """
    items = list(steps.items()) if isinstance(steps, dict) else list(steps)
    items.sort(key=lambda item: item[0])
    return StepWeights(
        tuple(float(k) for k, _ in items),
        tuple(float(v) for _, v in items),
    )


def gaussian_weights(sigma: float) -> GaussianWeights:
    """Build :class:`GaussianWeights` with width ``sigma`` (cost units, e.g. metres)."""
    return GaussianWeights(float(sigma))


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


def _apply_weight(weight_fn: WeightFunction | None, cost: FloatArray) -> FloatArray | None:
    if weight_fn is None:
        return None
    weights = np.asarray(weight_fn(cost), dtype=np.float64)
    if weights.shape != cost.shape:
        raise ValueError("weight_fn muss je Kostenwert ein Gewicht liefern")
    if not (np.isfinite(weights).all() and (weights >= 0).all()):
        raise ValueError("weight_fn muss endliche Gewichte >= 0 liefern")
    return weights


def _fca_chunk(
    chunk: _Chunk,
    demand: FloatArray,
    supply: FloatArray,
    weight_fn: WeightFunction | None,
    access: FloatArray,
    reached: npt.NDArray[np.bool_],
) -> None:
    """Add one chunk's stage-2 contributions to ``access`` and mark reached demand locations."""
    if len(chunk.origin) == 0:
        return
    weight = _apply_weight(weight_fn, chunk.cost)
    demand_in_reach = demand[chunk.origin] if weight is None else demand[chunk.origin] * weight
    total = np.bincount(chunk.local, weights=demand_in_reach, minlength=len(chunk.supply))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = supply[chunk.supply] / total
    contribution = ratio[chunk.local] if weight is None else ratio[chunk.local] * weight
    if not np.isfinite(ratio).all():
        # access sums with pandas, which skips NaN (0/0 and inf * 0); inf stays inf.
        contribution = np.where(np.isnan(contribution), 0.0, contribution)
    access += np.bincount(chunk.origin, weights=contribution, minlength=len(access))
    reached[chunk.origin] = True


def _fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float | None,
    weight_fn: WeightFunction | None,
    cost: CostTable | None,
    x: str,
    y: str,
    demand_id: str | None,
    supply_id: str | None,
    unreachable: float,
    workers: int,
    max_pairs: float | None,
    name: str,
) -> pd.Series:
    limit = _check_max_cost(max_cost, required=cost is None)
    pair_limit = _check_max_pairs(max_pairs)
    _check_workers(workers)
    demand_values = _values(demand, demand_value, "Nachfrage", non_negative=True)
    supply_values = _values(supply, supply_value, "Angebot", non_negative=True)
    n = len(demand)
    access = np.zeros(n, dtype=np.float64)
    reached = np.zeros(n, dtype=bool)

    if cost is not None:
        origin, dest, pair_cost = _table_pairs(
            cost, _ids(demand, demand_id, "Nachfrage"), _ids(supply, supply_id, "Angebot"), limit
        )
        chunk = _Chunk(np.arange(len(supply), dtype=np.intp), origin, dest, pair_cost)
        _fca_chunk(chunk, demand_values, supply_values, weight_fn, access, reached)
    elif n and len(supply):
        demand_xy = _xy(demand, x, y, "Nachfrage")
        supply_xy = _xy(supply, x, y, "Angebot")
        tree, chunks = _euclidean_chunks(demand_xy, supply_xy, limit, pair_limit)

        def run(part: Sequence[IntArray], acc: FloatArray, hit: npt.NDArray[np.bool_]) -> None:
            for ids in part:
                chunk = _euclidean_chunk(tree, supply_xy, ids, limit)
                _fca_chunk(chunk, demand_values, supply_values, weight_fn, acc, hit)

        if workers == 1 or len(chunks) == 1:
            run(chunks, access, reached)
        else:
            # One accumulator per worker, chunks dealt round-robin: deterministic sums.
            accs = [np.zeros(n, dtype=np.float64) for _ in range(workers)]
            hits = [np.zeros(n, dtype=bool) for _ in range(workers)]
            with ThreadPoolExecutor(max_workers=workers) as pool:
                futures = [
                    pool.submit(run, chunks[k::workers], accs[k], hits[k]) for k in range(workers)
                ]
                for future in futures:
                    future.result()
            for acc, hit in zip(accs, hits, strict=True):
                access += acc
                reached |= hit

    access[~reached] = unreachable
    return pd.Series(access, index=demand.index, name=name)


# --------------------------------------------------------------------------------------------
# Public measures
# --------------------------------------------------------------------------------------------


def nearest_cost(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    max_cost: float | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    category: str | None = None,
    categories: Collection[str] | None = None,
    demand_id: str | None = None,
    supply_id: str | None = None,
    workers: int = 1,
) -> pd.DataFrame:
    """Cost (straight-line distance by default) from each demand location to the nearest offer.

    Parameters
    ----------
    demand
        Demand locations (e.g. grid cells), one row each; coordinates in ``x``/``y`` (metres,
        EPSG:25832) or a point geometry. Only needed columns are read.
    supply
        Offer locations, same coordinate convention.
    max_cost
        Search radius in metres (or cost units); pairs with ``cost <= max_cost`` count. ``None``:
        unlimited.
    cost
        A router's cost table instead of straight-line distances (see :class:`CostTable`);
        its origins are matched to ``demand_id`` and its destinations to ``supply_id``.
    x, y
        Coordinate columns of both frames.
    category, categories
        Only offers whose ``category`` column is in ``categories`` count (e.g. MBE offices only,
        or any of a set of categories). Both ``None``: every offer counts.
    demand_id, supply_id
        Id columns matching the cost table; ``None``: the frame index. Also the ids reported in
        ``nearest``.
    workers
        Threads for the tree query.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``demand`` (same order), columns ``cost`` (float; ``inf`` where no offer is
        within ``max_cost`` or there is no offer at all) and ``nearest`` (id of the nearest offer,
        missing (``pd.isna``) where there is none; on ties the first supply row with a cost
        table, whichever one the tree returns for straight-line distances).
    """
    limit = _check_max_cost(max_cost, required=False)
    _check_workers(workers)
    if categories is not None:
        if category is None:
            raise ValueError("categories braucht den Spaltennamen category")
        _require_columns(supply, [category], "Angebot")
        supply = supply[supply[category].isin(list(categories))]
    elif category is not None:
        raise ValueError("category braucht categories (die zählenden Kategorien)")
    supply_ids = _ids(supply, supply_id, "Angebot")
    n = len(demand)
    best = np.full(n, np.inf)
    which = np.full(n, -1, dtype=np.intp)

    if cost is not None:
        origin, dest, pair_cost = _table_pairs(
            cost, _ids(demand, demand_id, "Nachfrage"), supply_ids, limit
        )
        order = np.lexsort((dest, pair_cost, origin))
        origin, dest, pair_cost = origin[order], dest[order], pair_cost[order]
        first = np.ones(len(origin), dtype=bool)
        first[1:] = origin[1:] != origin[:-1]
        best[origin[first]] = pair_cost[first]
        which[origin[first]] = dest[first]
    elif n and len(supply):
        demand_xy = _xy(demand, x, y, "Nachfrage")
        supply_xy = _xy(supply, x, y, "Angebot")
        # cKDTree's distance_upper_bound is exclusive; max_cost is inclusive.
        bound = np.nextafter(limit, np.inf) if math.isfinite(limit) else np.inf
        dist, idx = cKDTree(supply_xy).query(
            demand_xy, k=1, distance_upper_bound=bound, workers=workers
        )
        found = np.isfinite(dist)
        best[found] = dist[found]
        which[found] = idx[found]

    labels = np.asarray(supply_ids, dtype=object)
    nearest = np.full(n, None, dtype=object)
    nearest[which >= 0] = labels[which[which >= 0]]
    return pd.DataFrame({"cost": best, "nearest": nearest}, index=demand.index)


def two_stage_fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float | None,
    weight_fn: WeightFunction | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    demand_id: str | None = None,
    supply_id: str | None = None,
    unreachable: float = 0.0,
    workers: int = 1,
    max_pairs: float | None = None,
) -> pd.Series:
    """Two-step floating catchment area (2SFCA, Luo & Wang 2003): supply per demand in reach.

    Equals ``access.Access(...).two_stage_fca(max_cost=..., weight_fn=...)`` on the same pairs
    (see the module docstring for the exact conventions).

    Parameters
    ----------
    demand
        Demand locations: column ``demand_value`` (e.g. people in a grid cell, >= 0) and
        coordinates ``x``/``y`` in metres (EPSG:25832) or a point geometry.
    supply
        Supply locations: column ``supply_value`` (capacity, e.g. advisers or places, >= 0) and
        coordinates.
    demand_value, supply_value
        Column names of demand and capacity.
    max_cost
        Catchment size in metres (or cost units): a pair counts when ``cost <= max_cost``.
        Required with coordinates; with a cost table ``None`` means every listed pair.
    weight_fn
        Optional distance-decay weight applied in both stages (``None``: classic 2SFCA, weight 1).
    cost
        A router's cost table instead of straight-line distances (see :class:`CostTable`).
    x, y
        Coordinate columns of both frames.
    demand_id, supply_id
        Id columns matching the cost table's origins/destinations; ``None``: the frame index.
    unreachable
        Value for demand locations with no supply location within ``max_cost``.
    workers
        Threads used for the straight-line pair search and sums.
    max_pairs
        Refuse (:class:`PairLimitError`) when about more straight-line pairs than this lie within
        ``max_cost``; ``None``: :data:`MAX_PAIRS`, ``math.inf``: no limit. A cost table is never
        limited (its pairs are already in memory).

    Returns
    -------
    pandas.Series
        Accessibility (capacity per unit of demand) indexed like ``demand``, name ``"2sfca"``.
    """
    return _fca(
        demand,
        supply,
        demand_value=demand_value,
        supply_value=supply_value,
        max_cost=max_cost,
        weight_fn=weight_fn,
        cost=cost,
        x=x,
        y=y,
        demand_id=demand_id,
        supply_id=supply_id,
        unreachable=unreachable,
        workers=workers,
        max_pairs=max_pairs,
        name="2sfca",
    )


def enhanced_two_stage_fca(
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    demand_value: str,
    supply_value: str,
    max_cost: float,
    weight_fn: WeightFunction | None = None,
    cost: CostTable | None = None,
    x: str = "x",
    y: str = "y",
    demand_id: str | None = None,
    supply_id: str | None = None,
    unreachable: float = 0.0,
    workers: int = 1,
    max_pairs: float | None = None,
) -> pd.Series:
    """Enhanced 2SFCA (E2SFCA, Luo & Qi 2009): 2SFCA with distance-decay weights in both stages.

    Equals ``access.Access(...).enhanced_two_stage_fca(max_cost=..., weight_fn=...)`` on the same
    pairs. Parameters as in :func:`two_stage_fca`, except:

    Parameters
    ----------
    max_cost
        Catchment size (metres or cost units), required.
    weight_fn
        :class:`StepWeights` (e.g. ``step_weights({5000: 1, 10000: 0.68, 15000: 0.22})``),
        :class:`GaussianWeights` or any vectorised weight function. ``None``: the classic bands
        1 / 0.68 / 0.22 at thirds of ``max_cost`` (:meth:`StepWeights.classic`).

    Returns
    -------
    pandas.Series
        Accessibility indexed like ``demand``, name ``"e2sfca"``.
    """
    limit = _check_max_cost(max_cost, required=True)
    if weight_fn is None:
        weight_fn = StepWeights.classic(limit)
    return _fca(
        demand,
        supply,
        demand_value=demand_value,
        supply_value=supply_value,
        max_cost=limit,
        weight_fn=weight_fn,
        cost=cost,
        x=x,
        y=y,
        demand_id=demand_id,
        supply_id=supply_id,
        unreachable=unreachable,
        workers=workers,
        max_pairs=max_pairs,
        name="e2sfca",
    )


def _level_frames(
    frame: pd.DataFrame, gemeinde: str | None, kreis: str | None, land: str | None
) -> Iterator[tuple[str, pd.Series]]:
    """(level name, key per row) for each requested level."""
    if gemeinde is not None:
        _require_columns(frame, [gemeinde], "Tabelle")
        yield LEVEL_GEMEINDE, frame[gemeinde].astype(str)
    if kreis is not None:
        _require_columns(frame, [kreis], "Tabelle")
        yield LEVEL_KREIS, frame[kreis].astype(str)
    if land is not None:
        yield LEVEL_LAND, pd.Series(land, index=frame.index, dtype=object)


def _sum_by_level(values: pd.DataFrame, keys: Iterator[tuple[str, pd.Series]]) -> pd.DataFrame:
    parts = []
    for level, key in keys:
        summed = values.groupby(key.to_numpy(), sort=True).sum()
        summed.index.name = COL_AGS
        summed = summed.reset_index()
        summed.insert(0, "level", level)
        parts.append(summed)
    if not parts:
        raise ValueError("mindestens eine Ebene (gemeinde, kreis, land) nötig")
    return pd.concat(parts, ignore_index=True)


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.astype(float)
    return (numerator.astype(float) / den.where(den > 0)).astype(float)


def share_beyond(
    cells: pd.DataFrame,
    *,
    cost: str,
    threshold: float,
    population: str = "population",
    foreign_population: str | None = "foreign_population",
    gemeinde: str | None = COL_AGS,
    kreis: str | None = COL_KREIS_AGS,
    land: str | None = NRW_LAND,
) -> pd.DataFrame:
    """People (all and foreign) living farther than ``threshold`` from an offer, per unit.

    The headline figure: "x % of the foreign population live more than 10 km from an MBE office".

    Parameters
    ----------
    cells
        Demand cells (see :func:`mapapp.analysis.demand.build_demand_grid`): a cost column (e.g.
        ``nearest_cost(...)["cost"]`` in metres), population columns and unit keys.
    cost
        Column with the cost to the nearest offer. ``inf`` and ``NaN`` (no offer in reach)
        count as beyond. Compute it with ``max_cost >= threshold`` (or unlimited), otherwise a
        cell without an offer within ``max_cost`` is counted as beyond although it may not be.
    threshold
        Distance in metres (or cost units); a cell counts when ``cost > threshold``.
    population, foreign_population
        Column names of people per cell (``foreign_population=None``: not reported).
    gemeinde, kreis
        Key columns (8- and 5-digit AGS) for the Gemeinde and Kreis rows; ``None`` skips a level.
    land
        Key of the one total row (``"05"`` = NRW); ``None`` skips it.

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns ``level`` (``"gemeinde"``, ``"kreis"``, ``"land"``), ``ags``,
        ``population``, ``population_beyond``, ``share_beyond`` (fraction 0..1, ``NaN`` for a
        unit without people) and, with ``foreign_population``, ``foreign_population``,
        ``foreign_population_beyond``, ``foreign_share_beyond``. People are fractional where the
        demand grid spreads population by area.
    """
    threshold = float(threshold)
    if math.isnan(threshold):
        raise ValueError("threshold muss eine Zahl sein")
    _require_columns(cells, [cost], "Zellen")
    values = pd.to_numeric(cells[cost], errors="coerce").to_numpy(dtype=np.float64)
    beyond = ~(values <= threshold)  # NaN and inf count as beyond
    columns = {
        "population": _values(cells, population, "Zellen", non_negative=True),
    }
    if foreign_population is not None:
        columns["foreign_population"] = _values(
            cells, foreign_population, "Zellen", non_negative=True
        )
    data = pd.DataFrame(index=cells.index)
    for name, vals in columns.items():
        data[name] = vals
        data[f"{name}_beyond"] = np.where(beyond, vals, 0.0)
    out = _sum_by_level(data, _level_frames(cells, gemeinde, kreis, land))
    out.insert(
        list(out.columns).index("population_beyond") + 1,
        "share_beyond",
        _share(out["population_beyond"], out["population"]),
    )
    if foreign_population is not None:
        out["foreign_share_beyond"] = _share(
            out["foreign_population_beyond"], out["foreign_population"]
        )
    return out


def _ags_column(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    """8-digit Gemeinde AGS of every row (leading zeros restored); DataError names the row."""
    keys = []
    for label, value in frame[column].items():
        try:
            keys.append(normalize_ags(value, AGS_GEMEINDE_LEN))
        except ValueError as exc:
            raise DataError(f"{what}: {exc} (Index {label!r})", field=column) from None
    return pd.Series(keys, index=frame.index, dtype=object)


def offers_per_capita(
    units: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    key: str = COL_AGS,
    offer_key: str = COL_AGS,
    population: str = "population",
    foreign_population: str | None = "foreign_population",
    capacity: str | None = None,
    kreis: bool = True,
    land: str | None = NRW_LAND,
) -> pd.DataFrame:
    """Offers per 10,000 inhabitants and per 1,000 foreign residents, per Gemeinde and Kreis.

    Parameters
    ----------
    units
        One row per Gemeinde: ``key`` (8-digit AGS; lost leading zeros are restored),
        ``population`` and optionally
        ``foreign_population`` (people).
    offers
        One row per offer with the AGS of the Gemeinde it lies in (``offer_key``). Offers whose
        key is not among the units (e.g. outside NRW) are not counted.
    capacity
        Optional capacity column of ``offers`` to sum instead of counting offers.
    kreis
        Also report Kreise (first five AGS digits, population summed over their Gemeinden).
    land
        Key of the total row (``"05"`` = NRW); ``None`` skips it.

    Returns
    -------
    pandas.DataFrame
        Columns ``level``, ``ags``, ``offers`` (count or summed capacity), ``population``,
        ``offers_per_10000``, and with ``foreign_population`` also ``foreign_population``,
        ``offers_per_1000_foreign``. Rates are ``NaN`` where the population is 0.
    """
    _require_columns(units, [key], "Gebiete")
    _require_columns(offers, [offer_key], "Angebote")
    unit_keys = _ags_column(units, key, "Gebiete")
    if not unit_keys.is_unique:
        dup = unit_keys[unit_keys.duplicated()].iloc[0]
        raise DataError(f"Gebiete: Schlüssel {dup!r} kommt mehrfach vor", field=key)
    offer_keys = _ags_column(offers, offer_key, "Angebote")
    amount = (
        np.ones(len(offers))
        if capacity is None
        else _values(offers, capacity, "Angebote", non_negative=True)
    )
    per_unit = pd.Series(amount, index=offer_keys.to_numpy()).groupby(level=0).sum()
    data = pd.DataFrame(
        {
            "offers": per_unit.reindex(unit_keys.to_numpy(), fill_value=0.0).to_numpy(),
            "population": _values(units, population, "Gebiete", non_negative=True),
        },
        index=units.index,
    )
    if foreign_population is not None:
        data["foreign_population"] = _values(
            units, foreign_population, "Gebiete", non_negative=True
        )
    keyed = pd.DataFrame({"_ags": unit_keys, "_kreis": unit_keys.map(kreis_of)})
    out = _sum_by_level(data, _level_frames(keyed, "_ags", "_kreis" if kreis else None, land))
    out["offers_per_10000"] = _share(out["offers"], out["population"]) * 10_000
    if foreign_population is not None:
        out["offers_per_1000_foreign"] = _share(out["offers"], out["foreign_population"]) * 1_000
    return out


def rank_gaps(
    table: pd.DataFrame,
    *,
    affected: str = "foreign_population_beyond",
    others: Sequence[pd.DataFrame] = (),
    names: pd.DataFrame | None = None,
    levels: Sequence[str] = (LEVEL_GEMEINDE, LEVEL_KREIS),
    name_column: str = "name",
) -> pd.DataFrame:
    """Gemeinden and Kreise ordered by the number of people affected, with their measure values.

    Parameters
    ----------
    table
        A summary with columns ``level``, ``ags`` and ``affected`` (e.g. the output of
        :func:`share_beyond`).
    affected
        Column to rank by, descending (people beyond the threshold by default).
    others
        Further summaries keyed by ``level``/``ags`` (e.g. :func:`offers_per_capita`); their
        columns are joined (left join; a column already present is not repeated).
    names
        Optional frame with columns ``ags`` and ``name_column`` for readable exports.
    levels
        Levels to keep, in this order.

    Returns
    -------
    pandas.DataFrame
        Sorted by level (in ``levels`` order) then ``rank`` (1 = most people affected; ties share
        the order of their AGS, ranks stay 1..n). Columns: ``level``, ``rank``, ``ags``,
        optional name, then the measure columns. Write it with ``to_csv`` or
        :func:`mapapp.io.tabular.to_safe_csv`.
    """
    _require_columns(table, ["level", COL_AGS, affected], "Tabelle")
    out = table[table["level"].isin(list(levels))].copy()
    for other in others:
        _require_columns(other, ["level", COL_AGS], "weitere Tabelle")
        new = [c for c in other.columns if c not in out.columns]
        out = out.merge(other[["level", COL_AGS, *new]], on=["level", COL_AGS], how="left")
    if names is not None:
        _require_columns(names, [COL_AGS, name_column], "Namen")
        lookup = names.drop_duplicates(COL_AGS).set_index(COL_AGS)[name_column]
        out.insert(list(out.columns).index(COL_AGS) + 1, name_column, out[COL_AGS].map(lookup))
    out["_order"] = out["level"].map({level: k for k, level in enumerate(levels)})
    out["_affected"] = pd.to_numeric(out[affected], errors="coerce").fillna(-np.inf)
    out = out.sort_values(
        ["_order", "_affected", COL_AGS], ascending=[True, False, True], kind="stable"
    )
    out.insert(1, "rank", out.groupby("_order").cumcount() + 1)
    return out.drop(columns=["_order", "_affected"]).reset_index(drop=True)


__all__ = [
    "CostTable",
    "GaussianWeights",
    "LEVEL_GEMEINDE",
    "LEVEL_KREIS",
    "LEVEL_LAND",
    "MAX_PAIRS",
    "PairLimitError",
    "StepWeights",
    "WeightFunction",
    "enhanced_two_stage_fca",
    "gaussian_weights",
    "nearest_cost",
    "offers_per_capita",
    "rank_gaps",
    "share_beyond",
    "step_weights",
    "two_stage_fca",
]
