"""Legend classes of coverage maps: which colour a measure value gets, on the web and in print.

Also the colours and offer labels that the web map (:mod:`.coverage_map`) and the sheet
(:mod:`.coverage_sheet`) share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.coverage.params import DemandKind, Method
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.render.numbers import class_bound, km
from mapapp.text.coverage import DEMAND_LABELS_DE

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
#: Offer symbols: filled at an exact address, hollow where the location is approximate.
OFFER_EXACT_LABEL = "Angebot (Adresse)"
OFFER_APPROX_LABEL = "Angebot, Standort ungefähr"

_GENITIVE = {DemandKind.ALL: "Bevölkerung", DemandKind.FOREIGN: "ausländischen Bevölkerung"}


@dataclass(frozen=True)
class Classes:
    """Classed legend: a value ``v`` falls in the first class ``k`` with ``v <= upper[k]``.

    ``NaN`` has no class (index -1, drawn in :data:`NODATA_COLOUR`).
    """

    title: str
    upper: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    nodata_label: str = "keine Angabe"

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


def measure_classes(result: CoverageResult, view: str) -> Classes:
    """Legend classes for the chosen measure and view.

    Distances use fixed classes around the threshold ``T`` (T/2, T, 2T, 4T), so the map agrees with
    the headline; shares use fixed percent classes; 2SFCA/E2SFCA and offers per 10,000 use a class
    "0" (no offer) and demand-weighted quartiles of the positive values.
    """
    method = result.params.method
    if method is Method.NEAREST:
        return _distance_classes(result, view)
    if method is Method.SHARE:
        return _share_classes(result, view)
    return _rate_classes(result, view)


def _distance_classes(result: CoverageResult, view: str) -> Classes:
    t = result.params.threshold_m
    title = "Entfernung zum nächsten Angebot (Luftlinie)"
    if view != VIEW_GRID:
        who = DEMAND_LABELS_DE[result.params.demand]
        title = f"Mittlere Entfernung zum nächsten Angebot (gewichtet: {who})"
    upper = (t / 2, t, 2 * t, 4 * t, math.inf)
    labels = (
        f"bis {km(t / 2)} km",
        f"{km(t / 2)}–{km(t)} km",
        f"{km(t)}–{km(2 * t)} km",
        f"{km(2 * t)}–{km(4 * t)} km",
        f"über {km(4 * t)} km",
    )
    return Classes(title, tuple(u / 1000 for u in upper), labels, PALETTE[1:], "kein Angebot")


def _share_classes(result: CoverageResult, view: str) -> Classes:
    t = result.params.threshold_m
    if view == VIEW_GRID:
        return Classes(
            f"Nächstes Angebot weiter als {km(t)} km?",
            (0.5, math.inf),
            (f"bis {km(t)} km", f"weiter als {km(t)} km"),
            (PALETTE[1], PALETTE[5]),
        )
    return Classes(
        f"Anteil der {_GENITIVE[result.params.demand]} weiter als {km(t)} km",
        (10, 25, 50, 75, math.inf),
        ("bis 10 %", "10–25 %", "25–50 %", "50–75 %", "über 75 %"),
        PALETTE[1:],
    )


def _rate_classes(result: CoverageResult, view: str) -> Classes:
    """Offers per population (per capita, 2SFCA, E2SFCA): "none" plus weighted quartiles."""
    p = result.params
    who = DEMAND_LABELS_DE[p.demand]
    frame = result.cells if view == VIEW_GRID else result.units(view)
    values = frame["value"].to_numpy(dtype=float)
    weights = frame["demand"].to_numpy(dtype=float)
    breaks = _positive_breaks(values, weights)
    if p.method is Method.PER_CAPITA:
        title = f"Angebote je 10.000 ({who})"
        zero = "kein Angebot im Gebiet"
    else:
        title = (
            f"{p.method.value.upper()}: Angebote je 100.000 ({who}) "
            f"im Umkreis von {km(p.catchment_m)} km"
        )
        zero = "kein Angebot erreichbar"
    bounds = [0.0, *breaks, math.inf]
    names = [zero]
    lo = 0.0
    for b in breaks:
        names.append(
            f"{class_bound(lo)}–{class_bound(b)}" if lo > 0 else f"über 0 bis {class_bound(b)}"
        )
        lo = b
    names.append(f"über {class_bound(lo)}" if lo > 0 else "über 0")
    # higher = better: the darkest colour for "nothing", lighter for more
    colours = tuple(reversed(PALETTE[-len(bounds) :]))
    return Classes(title, tuple(bounds), tuple(names), colours)


def unit_table(result: CoverageResult, shapes: pd.DataFrame, level: str) -> pd.DataFrame:
    """The result rows of Gemeinden or Kreise in the order of ``shapes`` (by ``ags``).

    ``shapes`` may carry 8-digit Gemeinde keys for the Kreis level; they are cut to 5 digits.
    Shapes without a result row get an all-missing row.
    """
    keys = shapes["ags"].astype(str).str[: 8 if level == VIEW_GEMEINDE else 5]
    return result.units(level).set_index("ags").reindex(keys.to_numpy())
