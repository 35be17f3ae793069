"""How many offers each filter option would find around the searched place (pure, vectorised).

The counts are *faceted*: the count of an option is the number of offers that match the other
filters as they are set plus this option (what a person gets by picking it). "Around the place"
is :data:`NEAR_RADIUS_M` straight-line metres from the searched point, plus the offers of its Kreis
that have no location; without a place, all offers count. The totals "in the data" (no filter,
no place) say which options cannot find anything at all, and why "nur barrierefrei" finds
nothing (no offer has barrier-free information, or none is marked barrier-free).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from mapapp.analysis.offers import OfferFilter, OfferIndex
from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, TargetGroup
from mapapp.projection import to_metric

#: Radius of "around the searched place" for the option counts.
NEAR_RADIUS_M = 25_000.0


@dataclass(frozen=True)
class FilterCounts:
    """Counts per option (values as strings: category and target-group values, ISO codes).

    ``near`` is false when no place was searched (the counts are over all offers).
    ``in_data_*`` are the totals over all offers without any filter.
    """

    near: bool
    categories: dict[str, int]
    languages: dict[str, int]
    target_groups: dict[str, int]
    barrier_free: int
    in_data_categories: dict[str, int]
    in_data_target_groups: dict[str, int]
    barrier_free_known: int
    barrier_free_yes: int


def area_mask(
    index: OfferIndex,
    lonlat: tuple[float, float] | None,
    kreis_ags: str | None = None,
    radius_m: float = NEAR_RADIUS_M,
) -> np.ndarray:
    """Offers within ``radius_m`` of ``lonlat`` (WGS84) and the unlocated offers of
    ``kreis_ags``; every offer without a point."""
    n = len(index)
    if lonlat is None:
        return np.ones(n, dtype=bool)
    x, y = to_metric([lonlat[0]], [lonlat[1]])
    with np.errstate(invalid="ignore"):
        near = np.hypot(index.x - float(x[0]), index.y - float(y[0])) <= radius_m
    near &= index.located
    if kreis_ags:
        near |= ~index.located & np.array(
            [o.kreis_ags == kreis_ags for o in index.offers], dtype=bool
        )
    return near


def _count(index: OfferIndex, flt: OfferFilter, area: np.ndarray) -> int:
    return int((index.mask(flt) & area).sum())


def filter_counts(
    index: OfferIndex,
    flt: OfferFilter,
    lonlat: tuple[float, float] | None = None,
    kreis_ags: str | None = None,
    radius_m: float = NEAR_RADIUS_M,
) -> FilterCounts:
    """Faceted option counts for the current filter ``flt`` around ``lonlat`` (see the module
    docstring)."""
    area = area_mask(index, lonlat, kreis_ags, radius_m)
    everywhere = np.ones(len(index), dtype=bool)
    no_cat = replace(flt, categories=frozenset())
    no_lang = replace(flt, languages=frozenset())
    no_tg = replace(flt, target_groups=frozenset())
    bf_values = [o.barrier_free for o in index.offers]
    return FilterCounts(
        near=lonlat is not None,
        categories={
            c.value: _count(index, replace(no_cat, categories=frozenset({c})), area)
            for c in OfferCategory
        },
        languages={
            code: _count(index, replace(no_lang, languages=frozenset({code})), area)
            for code in index.languages
        },
        target_groups={
            g.value: _count(index, replace(no_tg, target_groups=frozenset({g})), area)
            for g in TargetGroup
        },
        barrier_free=_count(index, replace(flt, barrier_free=True), area),
        in_data_categories=index.category_counts(),
        in_data_target_groups={
            g.value: _count(index, OfferFilter(target_groups=frozenset({g})), everywhere)
            for g in TargetGroup
        },
        barrier_free_known=sum(b is not Accessibility.UNKNOWN for b in bf_values),
        barrier_free_yes=sum(b is Accessibility.YES for b in bf_values),
    )
