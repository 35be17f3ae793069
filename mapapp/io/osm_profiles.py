"""Which OpenStreetMap ways a walker, cyclist or car may use, in which direction, at what speed.

The rules (also in ``docs/TRANSIT.md``, section "Straßennetz"):

* **walk** (default 4.5 km/h on every way): ``highway`` in :data:`WALK_HIGHWAYS`; a ``cycleway``
  only with ``foot=yes|designated|permissive``; never ``motorway``/``motorway_link`` or a road
  with ``motorroad=yes``. Direction is ignored.
* **bike** (default 15 km/h on every way): ``highway`` in :data:`BIKE_HIGHWAYS`; ``footway``,
  ``pedestrian`` and ``bridleway`` only with ``bicycle=yes|designated|permissive``; never
  ``motorway``/``motorway_link``, ``steps`` or ``motorroad=yes``. One-way streets count unless
  ``oneway:bicycle=no`` or ``cycleway=opposite*`` opens them against the flow.
* **car**: ``highway`` in :data:`CAR_KMH`; speed from ``maxspeed`` (km/h, ``mph``, ``DE:urban``
  50, ``DE:rural`` 100, ``DE:zone30``, ``walk`` 7; several values: the lowest), else the class
  speed of :data:`CAR_KMH`. One-way: ``oneway=yes|true|1`` (with the way), ``-1|reverse``
  (against it), ``junction=roundabout|circular`` and ``highway=motorway`` imply ``yes``;
  ``oneway=reversible|alternating`` ways are left out.
* **access** for every mode: the most specific of ``access`` < ``foot`` (walk), ``access`` <
  ``vehicle`` < ``bicycle`` (bike), ``access`` < ``vehicle`` < ``motor_vehicle`` < ``motorcar``
  (car) decides; ``no``, ``private``, ``agricultural``, ``forestry``, ``use_sidepath``,
  ``dismount`` (bike) close the way, ``yes``, ``designated``, ``permissive``, ``destination``,
  ``customers``, ``delivery`` open it.

Car times are free-flow: no junction delays, traffic lights or congestion, so they are lower
bounds of real driving times. The class speeds are the project's assumptions for ways without
``maxspeed``, not official figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

#: Default speeds in km/h.
WALK_KMH = 4.5
BIKE_KMH = 15.0
#: Speed at which a car's point reaches its nearest network node (a residential street's).
CAR_SNAP_KMH = 30.0
MODES: tuple[str, ...] = ("walk", "bike", "car")

#: Car speed by ``highway`` class when a way has no usable ``maxspeed`` (km/h).
CAR_KMH: dict[str, float] = {
    "motorway": 120.0,
    "motorway_link": 60.0,
    "trunk": 100.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 50.0,
    "secondary": 60.0,
    "secondary_link": 50.0,
    "tertiary": 50.0,
    "tertiary_link": 40.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 7.0,
    "service": 15.0,
    "road": 30.0,
}
_ROADS = frozenset(CAR_KMH) - {"motorway", "motorway_link"}
WALK_HIGHWAYS = _ROADS | {"pedestrian", "footway", "path", "steps", "track", "bridleway"}
BIKE_HIGHWAYS = _ROADS | {"cycleway", "path", "track"}
_MOTORWAYS = frozenset({"motorway", "motorway_link"})

_OPEN = frozenset({"yes", "designated", "permissive", "destination", "customers", "delivery"})
_CLOSED = frozenset({"no", "private", "agricultural", "forestry", "use_sidepath", "dismount"})
_ACCESS_KEYS: dict[str, tuple[str, ...]] = {
    "walk": ("access", "foot"),
    "bike": ("access", "vehicle", "bicycle"),
    "car": ("access", "vehicle", "motor_vehicle", "motorcar"),
}
_NAMED_MAXSPEED: dict[str, float] = {
    "de:urban": 50.0,
    "de:rural": 100.0,
    "de:living_street": 7.0,
    "de:walk": 7.0,
    "walk": 7.0,
    "de:bicycle_road": 30.0,
}
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?$")
_ZONE = re.compile(r"zone:?(\d+)$")


class Tags(Protocol):
    """What the rules read of a way's tags (a dict or pyosmium's ``TagList``)."""

    def get(self, key: str, default: str | None = None, /) -> str | None: ...


@dataclass(frozen=True)
class WayRule:
    """How one way may be used: speed and the directions (with / against its node order)."""

    kmh: float
    forward: bool
    backward: bool


def way_rule(tags: Tags, mode: str, speed_kmh: float | None = None) -> WayRule | None:
    """The rule of a way with these tags for ``mode``; ``None`` when the mode may not use it.

    ``speed_kmh`` replaces the mode's default speed (for car: one speed on every road instead of
    ``maxspeed`` and the class table).
    """
    highway = tags.get("highway")
    if highway is None or not _open(tags, mode, highway):
        return None
    if mode == "walk":
        return WayRule(speed_kmh or WALK_KMH, True, True)
    forward, backward = _directions(tags, mode, highway)
    if not (forward or backward):
        return None
    if mode == "bike":
        return WayRule(speed_kmh or BIKE_KMH, forward, backward)
    return WayRule(speed_kmh or car_kmh(tags, highway), forward, backward)


def _open(tags: Tags, mode: str, highway: str) -> bool:
    """Whether ``mode`` may use a way of class ``highway`` (class default, then access tags)."""
    if mode == "car":
        if highway not in CAR_KMH:
            return False
        allowed = True
    else:
        if highway in _MOTORWAYS or tags.get("motorroad") == "yes":
            return False
        if mode == "walk":
            allowed = highway in WALK_HIGHWAYS
            if not allowed and highway != "cycleway":
                return False
        else:
            allowed = highway in BIKE_HIGHWAYS
            if highway == "steps" or (
                not allowed and highway not in ("footway", "pedestrian", "bridleway")
            ):
                return False
    for key in _ACCESS_KEYS[mode]:
        value = (tags.get(key) or "").strip().lower()
        if value in _OPEN:
            allowed = True
        elif value in _CLOSED:
            allowed = False
    return allowed


def _directions(tags: Tags, mode: str, highway: str) -> tuple[bool, bool]:
    """(forward, backward) for bike and car."""
    oneway = (tags.get("oneway") or "").strip().lower()
    if mode == "bike":
        own = (tags.get("oneway:bicycle") or "").strip().lower()
        if own == "no" or (tags.get("cycleway") or "").startswith("opposite"):
            return True, True
        oneway = own or oneway
    if oneway in ("reversible", "alternating"):
        return False, False
    if oneway in ("yes", "true", "1"):
        return True, False
    if oneway in ("-1", "reverse"):
        return False, True
    if oneway in ("no", "false", "0"):
        return True, True
    implied = tags.get("junction") in ("roundabout", "circular") or (
        mode == "car" and highway == "motorway"
    )
    return True, not implied


def car_kmh(tags: Tags, highway: str) -> float:
    """A car's speed on a way: its ``maxspeed`` when readable, else the class speed."""
    speeds = [s for s in map(parse_maxspeed, (tags.get("maxspeed") or "").split(";")) if s]
    return min(speeds) if speeds else CAR_KMH[highway]


def parse_maxspeed(value: str) -> float | None:
    """``maxspeed`` in km/h (``"50"``, ``"30 mph"``, ``"DE:urban"``, ``"DE:zone30"``); ``None``
    for ``none``, ``signals``, ``variable`` or anything unreadable (the class speed applies)."""
    text = value.strip().lower()
    if text in _NAMED_MAXSPEED:
        return _NAMED_MAXSPEED[text]
    zone = _ZONE.search(text)
    if zone:
        return float(zone.group(1))
    number = _NUMBER.match(text)
    if not number:
        return None
    kmh = float(number.group(1)) * (1.609344 if number.group(2) == "mph" else 1.0)
    return kmh if 0 < kmh <= 250 else None
