"""Palettes, symbols and legend labels shared by the web map and the static exports.

Colours follow the Okabe-Ito palette (safe for the common colour-vision deficiencies), and every class
also differs by something other than colour: Kreise are hatched in print and drawn with a heavy
border on the web; Städte carry a round symbol; eligible units have a dashed outline.
"""

from __future__ import annotations

from dataclasses import dataclass

from mapapp.analysis.funding import (
    CLASS_ELIGIBLE,
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASS_OTHER,
)
from mapapp.text import t

OKABE_ITO = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}


@dataclass(frozen=True)
class ClassStyle:
    label: str  # German legend label (the catalogue's ``funding.class.<class>``)
    fill: str
    fill_opacity: float
    edge: str
    weight: float
    dash: str | None  # Leaflet dashArray / matplotlib linestyle hint
    hatch: str | None  # matplotlib hatch
    symbol: bool  # draw a round symbol at the unit's representative point


FUNDING_STYLES: dict[str, ClassStyle] = {
    CLASS_FUNDED_KREIS: ClassStyle(
        label=t(f"funding.class.{CLASS_FUNDED_KREIS}"),
        fill=OKABE_ITO["blue"],
        fill_opacity=0.55,
        edge="#08306b",
        weight=2.5,
        dash=None,
        hatch="///",
        symbol=False,
    ),
    CLASS_FUNDED_STADT: ClassStyle(
        label=t(f"funding.class.{CLASS_FUNDED_STADT}"),
        fill=OKABE_ITO["vermillion"],
        fill_opacity=0.75,
        edge="#4d1a00",
        weight=1.5,
        dash=None,
        hatch=None,
        symbol=True,
    ),
    CLASS_ELIGIBLE: ClassStyle(
        label=t(f"funding.class.{CLASS_ELIGIBLE}"),
        fill="#BDBDBD",
        fill_opacity=0.25,
        edge="#525252",
        weight=1.2,
        dash="5 4",
        hatch=None,
        symbol=False,
    ),
    CLASS_OTHER: ClassStyle(
        label=t(f"funding.class.{CLASS_OTHER}"),
        fill="#FFFFFF",
        fill_opacity=0.0,
        edge="#969696",
        weight=0.5,
        dash=None,
        hatch=None,
        symbol=False,
    ),
}

RB_OUTLINE = {"color": "#252525", "weight": 2.5, "opacity": 0.9}
GEMEINDE_OUTLINE = {"color": "#9e9e9e", "weight": 0.4, "opacity": 0.8}

#: Leaflet line weights are in CSS pixels; on paper they become points times this factor.
LINE_SCALE = 0.6
