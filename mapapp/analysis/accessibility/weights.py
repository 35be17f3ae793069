"""Distance-decay weight functions of the E2SFCA (``access.weights`` equivalents)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Up to this many bands a step weight is found by comparisons instead of a binary search.
_FEW_BANDS = 8

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
        values = np.append(np.asarray(self.weights, dtype=np.float64), 0.0)
        cost = np.asarray(cost, dtype=np.float64)
        if len(self.thresholds) > _FEW_BANDS:
            bands = np.asarray(self.thresholds, dtype=np.float64)
            return values[np.searchsorted(bands, cost, side="left")]
        # The same band as searchsorted(side="left"): k minus the thresholds >= cost (NaN: none,
        # so weight 0). A few comparisons are much faster than a binary search per pair.
        at_or_above = np.zeros(cost.shape, dtype=np.uint8)
        for limit in self.thresholds:
            at_or_above += cost <= limit
        return values[len(self.thresholds) - at_or_above]

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
