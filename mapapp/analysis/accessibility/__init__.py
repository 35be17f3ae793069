"""Coverage-gap measures: nearest offer, 2SFCA/E2SFCA, people beyond a distance, offers per capita,
capacity-limited coverage (:mod:`.capacity`: demand left unserved).

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

The names below are loaded from their modules on first use (PEP 562), so importing
:mod:`.weights`, :mod:`.pairs` or :mod:`.kernels` (numpy and scipy only, what ``mapapp coverage``
needs on CSV files) does not load pandas through this package file.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mapapp.analysis.accessibility.capacity import (
        capacity_from_pairs,
        capacity_from_points,
    )
    from mapapp.analysis.accessibility.costs import (
        CostTable,
    )
    from mapapp.analysis.accessibility.fca import (
        enhanced_two_stage_fca,
        nearest_cost,
        two_stage_fca,
    )
    from mapapp.analysis.accessibility.measures import (
        LEVEL_GEMEINDE,
        LEVEL_KREIS,
        LEVEL_LAND,
        offers_per_capita,
        rank_gaps,
        share_beyond,
    )
    from mapapp.analysis.accessibility.pairs import (
        MAX_PAIRS,
        PairLimitError,
    )
    from mapapp.analysis.accessibility.weights import (
        GaussianWeights,
        StepWeights,
        WeightFunction,
        gaussian_weights,
        step_weights,
    )

#: Public name -> the module (in this package) that defines it.
_HOMES: dict[str, str] = {
    "MAX_PAIRS": "pairs",
    "PairLimitError": "pairs",
    "CostTable": "costs",
    "capacity_from_pairs": "capacity",
    "capacity_from_points": "capacity",
    "enhanced_two_stage_fca": "fca",
    "nearest_cost": "fca",
    "two_stage_fca": "fca",
    "LEVEL_GEMEINDE": "measures",
    "LEVEL_KREIS": "measures",
    "LEVEL_LAND": "measures",
    "offers_per_capita": "measures",
    "rank_gaps": "measures",
    "share_beyond": "measures",
    "GaussianWeights": "weights",
    "StepWeights": "weights",
    "WeightFunction": "weights",
    "gaussian_weights": "weights",
    "step_weights": "weights",
}

__all__ = [
    "LEVEL_GEMEINDE",
    "LEVEL_KREIS",
    "LEVEL_LAND",
    "MAX_PAIRS",
    "CostTable",
    "GaussianWeights",
    "PairLimitError",
    "StepWeights",
    "WeightFunction",
    "capacity_from_pairs",
    "capacity_from_points",
    "enhanced_two_stage_fca",
    "gaussian_weights",
    "nearest_cost",
    "offers_per_capita",
    "rank_gaps",
    "share_beyond",
    "step_weights",
    "two_stage_fca",
]


def __getattr__(name: str) -> object:
    """Load ``name`` from its module on first use (then it is an ordinary module attribute)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
