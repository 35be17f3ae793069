"""Cost input of the accessibility measures from frames: column checks, ids, cost tables.

The straight-line pairs themselves (numpy and scipy only) are :mod:`.pairs`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility.pairs import FloatArray, IntArray
from mapapp.model import DataError


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


def table_pairs(
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
