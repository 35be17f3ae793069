"""Legend classes of coverage maps: which colour a measure value gets, on the web and in print.

Also the colours and offer labels that the web map (:mod:`.coverage_map`) and the sheet
(:mod:`.coverage_sheet`) share.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.coverage.params import Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.text import class_bound, integer, km, label, number, percent, t
from mapapp.text.coverage import km_text
from mapapp.text.coverage_basis import who
from mapapp.text.coverage_network import minutes_text, reach_text

#: Views of the map.
VIEW_GRID = "grid"
VIEW_GEMEINDE = "gemeinde"
VIEW_KREIS = "kreis"
VIEWS = (VIEW_GRID, VIEW_GEMEINDE, VIEW_KREIS)

#: ColorBrewer YlOrRd (sequential; readable with the common colour-vision deficiencies):
#: darker = worse coverage, on every measure.
PALETTE = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
NODATA_COLOUR = "#bdbdbd"
OFFER_COLOUR = "#08306b"
KREIS_EDGE = "#4d4d4d"
#: Offer symbols: filled at an exact address, hollow where the location is approximate (their
#: legend labels are the catalogue's ``legend.offer.exact`` and ``legend.offer.approx``).


@dataclass(frozen=True)
class Classes:
    """Classed legend: a value ``v`` falls in the first class ``k`` with ``v <= upper[k]``.

    ``NaN`` has no class (index -1, drawn in :data:`NODATA_COLOUR`).
    """

    title: str
    upper: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    nodata_label: str = ""  # the caller passes t("cov.class.nodata", lang)

    def index(self, values: npt.ArrayLike) -> npt.NDArray[np.int64]:
        v = np.asarray(values, dtype=np.float64)
        idx = np.searchsorted(np.asarray(self.upper, dtype=np.float64), v, side="left")
        idx = np.minimum(idx, len(self.upper) - 1).astype(np.int64)
        return np.where(np.isnan(v), -1, idx)

    def colour(self, values: npt.ArrayLike) -> list[str]:
        return [self.colours[i] if i >= 0 else NODATA_COLOUR for i in self.index(values)]


def _nice(value: float) -> float:
    """Round to two significant digits."""
    if value <= 0 or not math.isfinite(value):
        return value
    digits = 1 - int(math.floor(math.log10(value)))
    return round(value, digits)


def _positive_breaks(
    values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> list[float]:
    """Demand-weighted quartiles of the positive values, rounded and de-duplicated."""
    keep = np.isfinite(values) & (values > 0)
    v, w = values[keep], weights[keep]
    if not len(v):
        return []
    order = np.argsort(v)
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    total = cum[-1]
    breaks: list[float] = []
    for q in (0.25, 0.5, 0.75):
        b = float(v[np.searchsorted(cum, q * total)]) if total > 0 else float(np.quantile(v, q))
        b = _nice(b)
        if b > 0 and (not breaks or b > breaks[-1]):
            breaks.append(b)
    return breaks


def measure_classes(result: CoverageResult, view: str, lang: str = "de") -> Classes:
    """Legend classes for the chosen measure and view.

    Distances use fixed classes around the threshold ``T`` (T/2, T, 2T, 4T), so the map agrees with
    the headline; shares and the unserved share (capacity) use fixed percent classes; 2SFCA/E2SFCA and offers per 10,000 use a class
    "0" (no offer) and demand-weighted quartiles of the positive values.
    """
    method = result.params.method
    if method is Method.NEAREST:
        return _distance_classes(result, view, lang)
    if method is Method.SHARE:
        return _share_classes(result, view, lang)
    if method is Method.CAPACITY:
        return _unserved_classes(result, lang)
    return _rate_classes(result, view, lang)


def _ranges(
    values: list[float], plain: Callable[[float], str], unit: Callable[[float], str], lang: str
) -> tuple[str, ...]:
    """Class labels ``bis a``, ``a–b``, ``b–c``, ``über c`` in ``lang`` (the unit after the upper
    bound only: ``0,75–1,5 km``)."""
    inner = [
        t("cov.class.range", lang, low=plain(lo), high=unit(hi))
        for lo, hi in zip(values, values[1:], strict=False)
    ]
    return (
        t("cov.class.upto", lang, value=unit(values[0])),
        *inner,
        t("cov.class.over", lang, value=unit(values[-1])),
    )


def _distance_classes(result: CoverageResult, view: str, lang: str) -> Classes:
    if result.network is not None:
        return _time_classes(result, view, lang)
    d = result.params.threshold_m
    title = t("cov.legend.distance", lang)
    if view != VIEW_GRID:
        demand = label("demand", result.params.demand, lang)
        title = t("cov.legend.distance.units", lang, who=demand)
    upper = (d / 2, d, 2 * d, 4 * d, math.inf)
    labels = _ranges(
        [d / 2, d, 2 * d, 4 * d], lambda x: km(x, lang), lambda x: km_text(x, lang), lang
    )
    return Classes(
        title,
        tuple(u / 1000 for u in upper),
        labels,
        PALETTE[1:],
        t("cov.class.no_offer", lang),
    )


def _time_classes(result: CoverageResult, view: str, lang: str) -> Classes:
    """Travel minutes (network mode) around the threshold ``T``: T/2, T, 2T, 4T (at most the
    search limit; beyond it no time is known, the last class is "over")."""
    p, basis = result.params, result.network
    d = p.threshold
    by = t(f"cov.by.{p.mode}", lang)
    title = t("cov.legend.time", lang, by=by)
    if view != VIEW_GRID:
        title = t("cov.legend.time.units", lang, by=by, who=label("demand", p.demand, lang))
    top = basis.max_minutes if basis is not None else 4 * d
    bounds = sorted({b for b in (d / 2, d, 2 * d, min(4 * d, top)) if b > 0})
    labels = _ranges(bounds, lambda x: number(x, lang, 0), lambda x: minutes_text(x, lang), lang)
    return Classes(
        title,
        (*bounds, math.inf),
        labels,
        PALETTE[-len(bounds) - 1 :],
        t("cov.class.no_offer", lang),
    )


def _share_classes(result: CoverageResult, view: str, lang: str) -> Classes:
    d = reach_text(result.params.threshold, result.params.mode, lang)
    if view == VIEW_GRID:
        return Classes(
            t("cov.legend.share.grid", lang, km=d),
            (0.5, math.inf),
            (t("cov.class.upto", lang, value=d), t("cov.class.farther", lang, value=d)),
            (PALETTE[1], PALETTE[5]),
            t("cov.class.nodata", lang),
        )
    return Classes(
        t("cov.legend.share", lang, who=who(result.params.demand, lang), km=d),
        (10, 25, 50, 75, math.inf),
        _ranges([10, 25, 50, 75], lambda x: integer(x, lang), lambda x: percent(x, lang, 0), lang),
        PALETTE[1:],
        t("cov.class.nodata", lang),
    )


def _unserved_classes(result: CoverageResult, lang: str) -> Classes:
    """Share of the demand left unserved (capacity method): fixed percent classes, as for the
    share beyond the threshold (per cell and per unit alike)."""
    p = result.params
    return Classes(
        t(
            "cov.legend.capacity",
            lang,
            who=who(p.demand, lang),
            km=reach_text(p.catchment, p.mode, lang),
        ),
        (0, 10, 25, 50, 75, math.inf),
        _ranges(
            [0, 10, 25, 50, 75], lambda x: integer(x, lang), lambda x: percent(x, lang, 0), lang
        ),
        PALETTE,
        t("cov.class.nodata", lang),
    )


def _rate_classes(result: CoverageResult, view: str, lang: str) -> Classes:
    """Offers per population (per capita, 2SFCA, E2SFCA): "none" plus weighted quartiles."""
    p = result.params
    demand = label("demand", p.demand, lang)
    frame = result.cells if view == VIEW_GRID else result.units(view)
    values = frame["value"].to_numpy(dtype=float)
    weights = frame["demand"].to_numpy(dtype=float)
    breaks = _positive_breaks(values, weights)
    if p.method is Method.PER_CAPITA:
        title = t("cov.legend.per_capita", lang, who=demand)
        zero = t("cov.class.none_in_area", lang)
    else:
        title = t(
            "cov.legend.fca",
            lang,
            method=p.method.value.upper(),
            who=demand,
            km=reach_text(p.catchment, p.mode, lang),
        )
        zero = t("cov.class.none_reachable", lang)
    bounds = [0.0, *breaks, math.inf]
    names = [zero]
    lo = 0.0
    for b in breaks:
        high = class_bound(b, lang)
        names.append(
            t("cov.class.range", lang, low=class_bound(lo, lang), high=high)
            if lo > 0
            else t("cov.class.over0_to", lang, value=high)
        )
        lo = b
    names.append(
        t("cov.class.over", lang, value=class_bound(lo, lang))
        if lo > 0
        else t("cov.class.over0", lang)
    )
    # higher = better: the darkest colour for "nothing", lighter for more
    colours = tuple(reversed(PALETTE[-len(bounds) :]))
    return Classes(title, tuple(bounds), tuple(names), colours, t("cov.class.nodata", lang))


def unit_table(result: CoverageResult, shapes: pd.DataFrame, level: str) -> pd.DataFrame:
    """The result rows of Gemeinden or Kreise in the order of ``shapes`` (by ``ags``).

    ``shapes`` may carry 8-digit Gemeinde keys for the Kreis level; they are cut to 5 digits.
    Shapes without a result row get an all-missing row.
    """
    keys = shapes["ags"].astype(str).str[: 8 if level == VIEW_GEMEINDE else 5]
    return result.units(level).set_index("ags").reindex(keys.to_numpy())
