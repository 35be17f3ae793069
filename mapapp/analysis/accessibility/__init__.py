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

from mapapp.analysis.accessibility.costs import MAX_PAIRS, CostTable, PairLimitError
from mapapp.analysis.accessibility.fca import enhanced_two_stage_fca, nearest_cost, two_stage_fca
from mapapp.analysis.accessibility.measures import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LEVEL_LAND,
    offers_per_capita,
    rank_gaps,
    share_beyond,
)
from mapapp.analysis.accessibility.weights import (
    GaussianWeights,
    StepWeights,
    WeightFunction,
    gaussian_weights,
    step_weights,
)

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
    "enhanced_two_stage_fca",
    "gaussian_weights",
    "nearest_cost",
    "offers_per_capita",
    "rank_gaps",
    "share_beyond",
    "step_weights",
    "two_stage_fca",
]
