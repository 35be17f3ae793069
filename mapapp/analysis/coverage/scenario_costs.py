"""Travel times after a scenario on a street network: the cost table of the offers before, with
the rows of removed and moved offers dropped and the rows to the added and moved offers (computed
on the same network, :func:`mapapp.services.network.travel_costs`) appended.

pandas only (the CLI's ``--network`` path and the page share it). Which offers need new rows is
:func:`fresh_ids`; which old rows go is :func:`stale_ids`; :func:`merge_costs` puts them together.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import pandas as pd

from mapapp.analysis.accessibility.costs import CostTable


def stale_ids(removed: Iterable[str], moved: Iterable[str]) -> set[str]:
    """Offers whose old rows no longer hold: removed ones (gone) and moved ones (elsewhere)."""
    return {*removed, *moved}


def fresh_ids(added: Iterable[str], moved: Iterable[str], removed: Iterable[str]) -> list[str]:
    """Offers that need travel times after the scenario: the added and the moved ones that are not
    removed (a moved offer also removed is removed), in this order, each once."""
    gone = set(removed)
    return [i for i in dict.fromkeys([*added, *moved]) if i not in gone]


def merge_costs(before: CostTable, fresh: CostTable, stale: Collection[str]) -> CostTable:
    """``before`` without the rows to ``stale`` offers, then the rows of ``fresh`` (column names
    of ``before``; ``fresh`` is renamed to them).

    Raises
    ------
    ValueError
        ``fresh`` has rows to an offer that ``before`` still keeps (it would count twice).
    """
    frame = before.frame
    dest = frame[before.destination].astype(str)
    kept = frame[~dest.isin(list(stale)).to_numpy()]
    new = fresh.frame.rename(
        columns={fresh.origin: before.origin, fresh.destination: before.destination,
                 fresh.cost: before.cost}
    )[[before.origin, before.destination, before.cost]]  # fmt: skip
    both = set(new[before.destination].astype(str)) & set(kept[before.destination].astype(str))
    if both:
        raise ValueError(f"Reisezeiten zu {sorted(both)[0]!r} doppelt (weder entfernt noch neu)")
    merged = pd.concat([kept, new], ignore_index=True) if len(new) else kept.reset_index(drop=True)
    return CostTable(merged, before.origin, before.destination, before.cost)


__all__ = ["fresh_ids", "merge_costs", "stale_ids"]
