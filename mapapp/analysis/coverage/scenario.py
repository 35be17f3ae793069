"""What-if scenarios on offers: add, move or remove offers and compare before with after.

Pure and light (numpy only, so ``mapapp coverage scenario`` on plain CSV files loads no pandas):
the scenario itself (:class:`Scenario`, hashable: a cache key of the page), the changes applied
to point arrays (:func:`apply_to_points`, the CLI) and the two rules of a comparison
(:func:`change`, :func:`access_flags`). Applying a scenario to the offer frame of the NRW pipeline
and comparing two coverage runs per cell, Gemeinde and Kreis is :mod:`.scenario_result`.

**Access rule** (written in the method panel and the CLI help): a demand row (a grid cell piece)
*has access* when an offer that counts lies within the threshold (page: the distance threshold,
the same as "beyond"; CLI: ``--max-cost``, without it every row has access while any offer is
left). It *gains* access when it has none before and has it after the changes, and *loses* it
the other way round; the people of a row gain or lose together.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mapapp.model import DataError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Gain/lose codes per row (:func:`access_flags`).
GAIN, SAME, LOSE = 1, 0, -1
#: Prefix of the ids the page gives new offers (``S1``, ``S2`` …; never stored).
NEW_ID_PREFIX = "S"
#: Largest number of changes a scenario holds on the page (added + moved + removed offers).
MAX_CHANGES = 500


@dataclass(frozen=True)
class NewOffer:
    """An offer the scenario adds (WGS84 degrees; ``ags`` from the point, when known)."""

    id: str
    name: str
    category: str
    lon: float
    lat: float
    precision: str = "address"
    ags: str | None = None
    capacity: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lon) and math.isfinite(self.lat)):
            raise ValueError("neues Angebot ohne Koordinaten")


@dataclass(frozen=True)
class Move:
    """An existing offer the scenario moves to a new point (WGS84 degrees)."""

    id: str
    lon: float
    lat: float
    ags: str | None = None


@dataclass(frozen=True)
class Scenario:
    """Offers added, moved and removed; nothing else changes (hashable, order kept).

    An offer both moved and removed is removed; a removed id that is not among the offers is an
    error when the scenario is applied (:func:`check_ids`).
    """

    added: tuple[NewOffer, ...] = ()
    moved: tuple[Move, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.moved or self.removed)

    @property
    def n_changes(self) -> int:
        return len(self.added) + len(self.moved) + len(self.removed)

    def add(self, offer: NewOffer) -> Scenario:
        return Scenario((*self.added, offer), self.moved, self.removed)

    def move(self, move: Move) -> Scenario:
        """Move an offer (a new offer of this scenario is moved in place; the last move counts)."""
        if any(o.id == move.id for o in self.added):
            added = tuple(
                NewOffer(o.id, o.name, o.category, move.lon, move.lat, o.precision, move.ags,
                         o.capacity) if o.id == move.id else o
                for o in self.added
            )  # fmt: skip
            return Scenario(added, self.moved, self.removed)
        moved = tuple(m for m in self.moved if m.id != move.id)
        return Scenario(self.added, (*moved, move), self.removed)

    def remove(self, ids: Sequence[str]) -> Scenario:
        """Remove offers: a new offer of this scenario is dropped, an existing one removed."""
        new = {o.id for o in self.added}
        added = tuple(o for o in self.added if o.id not in ids)
        removed = tuple(dict.fromkeys([*self.removed, *(i for i in ids if i not in new)]))
        return Scenario(added, self.moved, removed)

    def with_removed(self, ids: Sequence[str]) -> Scenario:
        """The same additions and moves with exactly ``ids`` removed (the page's list)."""
        return Scenario(self.added, self.moved, tuple(dict.fromkeys(ids)))

    def next_id(self) -> str:
        """An id for the next new offer (``S1``, ``S2`` …; unique within the scenario)."""
        used = {o.id for o in self.added}
        n = len(self.added) + 1
        while f"{NEW_ID_PREFIX}{n}" in used:
            n += 1
        return f"{NEW_ID_PREFIX}{n}"


def check_ids(
    existing: Sequence[str], added: Sequence[str], removed: Sequence[str], moved: Sequence[str]
) -> None:
    """Every removed or moved id is an existing offer; added ids are new and unique.

    Raises
    ------
    DataError
        Naming the first unknown or doubled id (field ``remove``, ``move`` or ``add``).
    """
    have = set(existing)
    for field, ids in (("remove", removed), ("move", moved)):
        unknown = [i for i in ids if i not in have]
        if unknown:
            raise DataError(f"Angebot {unknown[0]!r} gibt es nicht", field=field)
    seen: set[str] = set()
    for i in added:
        if i in have or i in seen:
            raise DataError(f"Angebot {i!r} gibt es schon", field="add")
        seen.add(i)


@dataclass(frozen=True)
class Points:
    """Offers as arrays: ids, ``(n, 2)`` x/y in metres (``None`` with a cost table), values."""

    ids: list[str]
    xy: FloatArray | None
    value: FloatArray | None


def apply_to_points(
    supply: Points,
    *,
    add: Points | None = None,
    remove: Sequence[str] = (),
    move: Mapping[str, tuple[float, float]] | None = None,
) -> Points:
    """The offers after the scenario: ``remove`` dropped, ``move`` placed anew, ``add`` appended.

    Raises
    ------
    DataError
        An unknown id to remove or move, an added id that exists (:func:`check_ids`), a move
        without coordinates (``xy`` is ``None``: a cost table knows only its own ids).
    """
    move = dict(move or {})
    add = add if add is not None else Points([], None if supply.xy is None else np.empty((0, 2)),
                                             None if supply.value is None else np.empty(0))  # fmt: skip
    check_ids(supply.ids, add.ids, remove, list(move))
    if move and supply.xy is None:
        raise DataError("Verschieben braucht x,y (nicht mit --cost)", field="move")
    gone = set(remove)
    keep = np.array([i not in gone for i in supply.ids], dtype=bool)
    ids = [i for i, k in zip(supply.ids, keep, strict=True) if k] + list(add.ids)
    xy = None
    if supply.xy is not None:
        moved = supply.xy.copy()
        for pos, i in enumerate(supply.ids):
            if i in move:
                moved[pos] = move[i]
        xy = np.vstack([moved[keep], _given(add.xy, "x,y").reshape(-1, 2)])
    value = None
    if supply.value is not None:
        value = np.concatenate([supply.value[keep], _given(add.value, "capacity")])
    return Points(ids, xy, value)


def _given(array: FloatArray | None, what: str) -> FloatArray:
    if array is None:
        raise DataError(f"die hinzugefügten Angebote brauchen {what}", field="add")
    return array


def change(before: FloatArray, after: FloatArray) -> FloatArray:
    """``after - before`` per row; ``NaN`` where either side has no value (no offer in reach)."""
    with np.errstate(invalid="ignore"):
        out = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    return np.where(np.isfinite(before) & np.isfinite(after), out, np.nan)


def access_flags(before: BoolArray, after: BoolArray) -> npt.NDArray[np.int8]:
    """:data:`GAIN` where a row has access only after, :data:`LOSE` only before, else
    :data:`SAME` (the access rule of the module docstring)."""
    b, a = np.asarray(before, dtype=bool), np.asarray(after, dtype=bool)
    return (a & ~b).astype(np.int8) - (b & ~a).astype(np.int8)


def has_access(nearest: FloatArray, limit: float) -> BoolArray:
    """Access per row: the nearest offer's cost is at most ``limit`` (``NaN``/``inf``: none)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(nearest, dtype=float) <= limit


__all__ = [
    "GAIN",
    "LOSE",
    "MAX_CHANGES",
    "NEW_ID_PREFIX",
    "SAME",
    "Move",
    "NewOffer",
    "Points",
    "Scenario",
    "access_flags",
    "apply_to_points",
    "change",
    "check_ids",
    "has_access",
]
