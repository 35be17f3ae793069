"""Distribution of a measure over people: weighted quantiles and the weighted Gini coefficient.

numpy only. Values and weights are arrays of the same length (e.g. the measure per grid cell and
its people); values that are not finite (no offer at all: ``inf``; unknown: ``NaN``) and weights
<= 0 are left out. Every function returns ``NaN`` when nothing is left.

* :func:`weighted_quantile`: the smallest value ``v`` such that the weights of the values <= ``v``
  reach the share ``q`` of the total weight (the inverse of the weighted distribution function,
  no interpolation): the median is the value that at least half of the people do not exceed.
  Equal weights give numpy's ``method="inverted_cdf"``.
* :func:`weighted_gini`: ``G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean)`` with ``W`` the
  total weight (0 = everybody has the same value, towards 1 = one person has everything); computed
  in ``O(n log n)`` from the sorted values; weights act as repetitions (``[0, 1]`` weighted
  ``[3, 1]`` equals ``[0, 0, 0, 1]``: 0.75). ``NaN`` when the weighted mean is 0 or values are
  negative (the Gini coefficient is defined for non-negative measures).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _kept(values: npt.ArrayLike, weights: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Finite values with weights > 0, sorted by value (with their weights)."""
    v = np.asarray(values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if v.shape != w.shape:
        raise ValueError("values und weights müssen gleich lang sein")
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="stable")
    return v[order], w[order]


def weighted_mean(values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """Weighted mean of the finite values (``NaN`` without any)."""
    v, w = _kept(values, weights)
    return float(np.dot(v, w) / w.sum()) if len(v) else float("nan")


def weighted_quantile(values: npt.ArrayLike, weights: npt.ArrayLike, q: float) -> float:
    """The weighted ``q``-quantile (0 <= q <= 1), without interpolation (see the module)."""
    if not 0 <= q <= 1:
        raise ValueError("q muss zwischen 0 und 1 liegen")
    v, w = _kept(values, weights)
    if not len(v):
        return float("nan")
    cum = np.cumsum(w)
    # relative tolerance: sums of fractional people must not miss a share they reach exactly
    target = q * cum[-1] * (1 - 1e-12)
    return float(v[min(int(np.searchsorted(cum, target, side="left")), len(v) - 1)])


def weighted_gini(values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """Weighted Gini coefficient of non-negative values (see the module)."""
    v, w = _kept(values, weights)
    if not len(v) or v[0] < 0:
        return float("nan")
    total_w = w.sum()
    total_vw = np.dot(v, w)
    if total_vw <= 0:
        return float("nan")
    cum = np.cumsum(w)
    # sum_ij w_i w_j |x_i - x_j| / 2 = sum_i w_i x_i (2 C_i - w_i - W)  (C_i: weight up to i)
    half_sum = float(np.dot(w * v, 2 * cum - w - total_w))
    return half_sum / (total_w * total_vw)


__all__ = ["weighted_gini", "weighted_mean", "weighted_quantile"]
