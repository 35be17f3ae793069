"""Vocabulary of integration offers (issue 3): the :class:`Offer` record, its enums and the id rule.

Shared by ``mapapp.io`` (import), ``mapapp.store`` (persistence) and ``mapapp.analysis`` (search),
so it lives beside :mod:`mapapp.model` (which holds :class:`~mapapp.model.OfferCategory` and its
German labels) and imports nothing but the standard library, ``mapapp.model`` and ``mapapp.ingest.fold``.

Field conventions
-----------------
- Coordinates are WGS84 degrees (``lon``, ``lat``); analysis projects them to EPSG:25832 metres.
- ``ags`` is the 8-digit AGS of the Gemeinde that contains the point (point-in-polygon with the
  Gemeinde boundaries, or the Gemeinde the gazetteer found); ``None`` when the location is only
  known at Kreis level. ``kreis_ags`` is always set for located offers (5 digits).
- ``languages`` are ISO 639-1 codes (lower case); ``target_groups`` are :class:`TargetGroup` values.
- Text fields are plain text; renderers must HTML-escape them.

Stable ids
----------
Re-importing the same data updates instead of duplicating, because the id does not depend on the
row position or the import time:

1. if the file has an id column (``id``, ``ID``, ``Kennung``, ``offer_id``) and the cell is not empty,
   the trimmed value is the id (it must be unique across every file ever imported into one store:
   prefix it, e.g. ``caritas-ms-17``);
2. otherwise :func:`offer_id` hashes the *normalised* category, name, street, PLZ and city: case,
   umlaut spelling (``ü``/``ue``), accents, punctuation and whitespace do not matter, so
   ``"HAFENSTRASSE 3-5"`` and ``"Hafenstraße  3 - 5"`` give the same id; abbreviations are not
   expanded (``"Hafenstr. 3-5"`` is a different offer).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from mapapp.catalogue import german
from mapapp.ingest.fold import fold
from mapapp.model import OfferCategory

# --------------------------------------------------------------------------------------------
# Enums
# --------------------------------------------------------------------------------------------


class Precision(StrEnum):
    """How exactly an offer's point is known.

    ``street`` = a geocoder found the street but not the house number. ``plz_area`` = the
    centre of the postcode area (offline PLZ centroids, :mod:`mapapp.io.plz`); ``postcode`` = an
    online geocoder's postcode answer. ``place`` = the point of a named place (a suburb or
    village of an OpenStreetMap extract). ``kreis_seat_centre`` =
    the GV-ISys centre of the Gemeinde that is the seat of the Kreis administration
    (``nrw_kreis_seats.csv``): where a Kreis's own office without an address usually is, an
    approximation. ``kreis_area`` = only the responsible Kreis is known, not where in it: such an
    offer has no point an honest distance could be measured to.
    """

    ADDRESS = "address"
    STREET = "street"
    POSTCODE = "postcode"
    PLZ_AREA = "plz_area"
    PLACE = "place"
    GEMEINDE_CENTRE = "gemeinde_centre"
    KREIS_SEAT_CENTRE = "kreis_seat_centre"
    KREIS_AREA = "kreis_area"

    @property
    def approximate(self) -> bool:
        return self is not Precision.ADDRESS


class CoordSource(StrEnum):
    """Where an offer's coordinates come from."""

    FILE = "file"  # given in the imported/bundled file
    GAZETTEER = "gazetteer"  # GV-ISys centre of the Gemeinde (offline gazetteer)
    GEOCODER = "geocoder"  # online Nominatim-compatible geocoder
    BOUNDARY = "boundary"  # representative point of a BKG Kreis polygon
    PLZ = "plz"  # centre of the postcode area (offline PLZ centres, mapapp.io.plz)
    OSM = "osm"  # an address or place of the OpenStreetMap extract (mapapp.io.osm_gazetteer)
    MANUAL = "manual"  # set by an editor


class Accessibility(StrEnum):
    """Barrier-free access."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class TargetGroup(StrEnum):
    """Target groups (extensible: add a member, its labels and aliases)."""

    ALL = "all"
    ADULTS = "adults"
    YOUTH = "youth_12_27"  # young people 12-27 (the JMD age range)
    WOMEN = "women"
    FAMILIES = "families"
    REFUGEES = "refugees"
    CHILDREN = "children"
    SENIORS = "seniors"


class CapacityUnit(StrEnum):
    PLACES = "places"
    COUNSELLOR_HOURS = "counsellor_hours_per_week"


# --------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------


def offer_id(
    category: str, name: str, street: str | None, postcode: str | None, city: str | None
) -> str:
    """Stable id of an offer without an id of its own (see the module docstring).

    Returns ``"o-"`` + 16 hex digits of SHA-256 over the folded fields.
    """
    parts = [fold(str(p or "")).replace(" ", "") for p in (category, name, street, postcode, city)]
    return "o-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def category_label(category: OfferCategory | str) -> str:
    """German label of a category (the value itself for unknown strings): the catalogue's wording,
    for machine records (CLI output, the ``category_label`` column); pages use
    :func:`mapapp.text.label` in their language."""
    try:
        return german(f"cat.{OfferCategory(category).value}")
    except ValueError:
        return str(category)


# --------------------------------------------------------------------------------------------
# The record
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """One integration offer (a place where people get a service).

    Attributes
    ----------
    id
        Stable id (module docstring). ``name`` is required; everything else may be empty.
    lon, lat
        WGS84 degrees of the point; ``precision`` says how exact it is, ``coord_source`` where it
        comes from. Both ``None`` = no location (:attr:`located` is false): only the Kreis is
        known (precision ``kreis_area``). Such an offer is never drawn as a point and never gets
        a distance.
    opening_hours, appointment_only
        Opening hours in the OpenStreetMap ``opening_hours`` syntax (checked on import,
        :mod:`mapapp.ingest.hours`); whether a visit needs an appointment (``None`` = not known).
    capacity
        Places or counsellor hours per week (``capacity_unit``); optional, used by coverage analysis.
    category_original
        The category text as the source wrote it (kept when it was mapped to the taxonomy).
    source, source_date, last_verified, note
        Provenance: the source (URL or document), the date the source gives, the date someone last
        checked the entry (``None`` = never verified), and free remarks.
    """

    id: str
    name: str
    category: OfferCategory
    lon: float | None
    lat: float | None
    precision: Precision
    coord_source: CoordSource
    ags: str | None = None
    kreis_ags: str | None = None
    provider: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    languages: tuple[str, ...] = ()
    target_groups: tuple[TargetGroup, ...] = ()
    opening_hours: str | None = None
    appointment_only: bool | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    barrier_free: Accessibility = Accessibility.UNKNOWN
    capacity: float | None = None
    capacity_unit: CapacityUnit | None = None
    source: str | None = None
    source_date: str | None = None
    last_verified: date | None = None
    note: str | None = None
    category_original: str | None = None

    @property
    def located(self) -> bool:
        """Whether the offer has a point to draw and measure to (not ``kreis_area``, both
        coordinates set)."""
        return (
            self.precision is not Precision.KREIS_AREA
            and self.lon is not None
            and self.lat is not None
        )

    @property
    def lonlat(self) -> tuple[float, float] | None:
        """``(lon, lat)`` in WGS84 degrees, ``None`` when the offer has no location."""
        if not self.located or self.lon is None or self.lat is None:
            return None
        return self.lon, self.lat

    @property
    def address(self) -> str:
        """``"Straße 1, 48143 Münster"`` (parts that are known)."""
        town = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.street, town) if p)

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    def to_record(self) -> dict[str, Any]:
        """Flat, JSON-serialisable dict (lists for tuples, ISO date, enum values as strings)."""
        rec = asdict(self)
        rec["category"] = str(self.category)
        rec["precision"] = str(self.precision)
        rec["coord_source"] = str(self.coord_source)
        rec["barrier_free"] = str(self.barrier_free)
        rec["capacity_unit"] = str(self.capacity_unit) if self.capacity_unit else None
        rec["languages"] = list(self.languages)
        rec["target_groups"] = [str(t) for t in self.target_groups]
        rec["last_verified"] = self.last_verified.isoformat() if self.last_verified else None
        return rec

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> Offer:
        """Inverse of :meth:`to_record` (unknown keys are ignored; unknown enum values raise)."""
        data = {k: v for k, v in rec.items() if k in _FIELD_NAMES}
        try:
            data["category"] = _CATEGORY_BY_VALUE[data["category"]]
            data["precision"] = _PRECISION_BY_VALUE[data["precision"]]
            data["coord_source"] = _COORD_SOURCE_BY_VALUE[data["coord_source"]]
            data["barrier_free"] = _ACCESS_BY_VALUE[data.get("barrier_free") or "unknown"]
            unit = data.get("capacity_unit")
            data["capacity_unit"] = _UNIT_BY_VALUE[unit] if unit else None
            data["target_groups"] = tuple(
                _TARGET_BY_VALUE[t] for t in data.get("target_groups") or ()
            )
        except KeyError as exc:
            raise ValueError(f"unbekannter Wert {exc} im Angebot {rec.get('id')!r}") from exc
        data["languages"] = tuple(data.get("languages") or ())
        appointment = data.get("appointment_only")
        data["appointment_only"] = None if appointment is None else bool(appointment)
        lv = data.get("last_verified")
        data["last_verified"] = date.fromisoformat(lv) if isinstance(lv, str) and lv else None
        unlocated = data["precision"] is Precision.KREIS_AREA  # older stores kept a Kreis point
        for axis in ("lon", "lat"):
            value = data.get(axis)
            data[axis] = None if unlocated or value is None or value == "" else float(value)
        return cls(**data)

    def with_changes(self, **changes: Any) -> Offer:
        return replace(self, **changes)


_FIELD_NAMES = frozenset(Offer.__dataclass_fields__)
_CATEGORY_BY_VALUE = {c.value: c for c in OfferCategory}
_PRECISION_BY_VALUE = {p.value: p for p in Precision}
_COORD_SOURCE_BY_VALUE = {c.value: c for c in CoordSource}
_ACCESS_BY_VALUE = {a.value: a for a in Accessibility}
_UNIT_BY_VALUE = {u.value: u for u in CapacityUnit}
_TARGET_BY_VALUE = {t.value: t for t in TargetGroup}

#: Column order of flat offer tables (CSV export, frames).
OFFER_COLUMNS: tuple[str, ...] = (
    "id", "name", "category", "category_label", "provider", "street", "postcode", "city", "ags",
    "kreis_ags", "lat", "lon", "precision", "coord_source", "languages", "target_groups",
    "opening_hours", "appointment_only", "phone", "email", "website", "barrier_free", "capacity",
    "capacity_unit", "source", "source_date", "last_verified", "note", "category_original",
)  # fmt: skip


def in_scope(ags: str | None, kreis_ags: str | None, scopes: Iterable[str]) -> bool:
    """Whether an offer with Gemeinde ``ags`` and Kreis ``kreis_ags`` lies in one of ``scopes``
    (AGS of Kreise or Gemeinden): its Gemeinde or Kreis AGS equals or starts with a scope AGS.
    A Kreis-wide office (no Gemeinde) is in the scope of its Kreis, not of a Gemeinde in it."""
    keys = [k for k in (ags, kreis_ags) if k]
    return any(k.startswith(s) for k in keys for s in scopes if s)


def scope_problem(
    account: str, role: str, scopes: Sequence[str], offers: Iterable[tuple[str, Offer]]
) -> str | None:
    """Why the account ``account`` (``role``, ``scopes``) may not store a change touching
    ``offers`` (``(which, offer)``: ``"stored"`` the offer as it is, ``"new"`` as it would be),
    or ``None``. The importer's wording (German: it stands in the row report)."""
    if role == "admin":
        return None
    if role != "editor":
        return f"Konto {account} ({role}) darf keine Angebote ändern"
    for which, o in offers:
        if not in_scope(o.ags, o.kreis_ags, scopes):
            where = (
                f"Gemeinde {o.ags}"
                if o.ags
                else (f"Kreis {o.kreis_ags}" if o.kreis_ags else "ohne Gemeinde und Kreis")
            )
            what = "das gespeicherte Angebot" if which == "stored" else "das Angebot"
            return (
                f"{what} {o.id} liegt in {where} – außerhalb des Bereichs von {account} "
                f"({', '.join(scopes)}); nicht übernommen"
            )
    return None


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day where it is
    shorter: 31 March minus one month is 28/29 February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def is_stale(last_verified: date | None, today: date, months: int) -> bool:
    """Whether an offer last verified on ``last_verified`` (``None``: never) was not checked in
    the ``months`` before ``today``."""
    return last_verified is None or last_verified < months_before(today, months)


def offers_table_rows(offers: Iterable[Offer]) -> list[dict[str, Any]]:
    """Flat rows (:data:`OFFER_COLUMNS`) with lists joined by ``";"``, for tables and CSV."""
    rows = []
    for o in offers:
        rec = o.to_record()
        rec["category_label"] = o.category_label
        rec["languages"] = ";".join(o.languages)
        rec["target_groups"] = ";".join(str(t) for t in o.target_groups)
        rec["appointment_only"] = {True: "ja", False: "nein", None: ""}[o.appointment_only]
        rows.append({c: rec.get(c) for c in OFFER_COLUMNS})
    return rows
