"""Which offices are responsible for a Gemeinde ("Zuständig für Ihren Wohnort").

Pure: the status table (:func:`mapapp.io.datasets.load_status`, as :class:`Unit` records) and the
offers in, :class:`Responsible` records out. Turning a searched place into its Gemeinde (point in
polygon) and the texts in the reader's language are :mod:`mapapp.services.offers`.

Rules
-----
- **Ausländerbehörde**: the Gemeinde's own where the status table says it runs one
  (``has_auslaenderbehoerde``: kreisfreie Städte, many große kreisangehörige Städte), else the
  one of its Kreis (ZustAVO NRW).
- **Kommunales Integrationszentrum**: the one of its Kreis or kreisfreie Stadt (every Kreis and
  kreisfreie Stadt has one under the Teilhabe- und Integrationsgesetz NRW). Where the offers hold
  no address for it, it is still named (``offer`` is ``None``).

Offices of these categories have a territory: a person cannot choose the nearest one, so they are
never listed as "nearest" alternatives (:data:`TERRITORIAL`).

Which stored offer is a unit's office: the generated ``abh-<AGS>`` entry, or an offer of the
category in the unit's territory (a Gemeinde: its AGS; a Kreis: its Kreis AGS, except offers in a
Gemeinde with an office of its own, unless the name says it is the Kreis'). Several candidates:
an entry from a real source wins over a generated one, then the newer source date (offices
move), then the more precise location.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mapapp.ingest.fold import fold
from mapapp.model import OfferCategory
from mapapp.offers_model import Offer, Precision

#: Categories whose offices serve a territory (never "nearest" alternatives).
TERRITORIAL: frozenset[OfferCategory] = frozenset({OfferCategory.ABH, OfferCategory.KI})

#: Precision order, best first (ranking of candidate offices).
_PRECISION_RANK = {
    Precision.ADDRESS: 0,
    Precision.STREET: 1,
    Precision.PLZ_AREA: 2,
    Precision.POSTCODE: 2,
    Precision.PLACE: 3,
    Precision.GEMEINDE_CENTRE: 3,
    Precision.KREIS_SEAT_CENTRE: 4,
    Precision.KREIS_AREA: 5,
}


@dataclass(frozen=True)
class Unit:
    """A row of the status table: a Gemeinde (8-digit AGS) or a Kreis (5-digit AGS)."""

    ags: str
    name: str  # as in the table: "Kerpen, Stadt", "Rhein-Erft-Kreis"
    level: str  # "gemeinde" | "kreis"
    status: str  # § 4 GO NRW: "kreisfreie_stadt", "kreis", ...
    has_abh: bool
    kreis_ags: str
    kreis_name: str

    @property
    def short_name(self) -> str:
        """``"Kerpen, Stadt"`` -> ``"Kerpen"``."""
        return self.name.split(",")[0].strip()


def units_from_records(records: Iterable[Mapping[Any, Any]]) -> dict[str, Unit]:
    """Units by AGS from status-table records (``ags``, ``name``, ``level``, ``status``,
    ``has_auslaenderbehoerde`` as bool, ``kreis_ags``, ``kreis_name``)."""
    units: dict[str, Unit] = {}
    for rec in records:
        ags = str(rec["ags"]).strip()
        units[ags] = Unit(
            ags=ags,
            name=str(rec["name"]),
            level=str(rec.get("level") or ""),
            status=str(rec.get("status") or ""),
            has_abh=bool(rec.get("has_auslaenderbehoerde")),
            kreis_ags=str(rec.get("kreis_ags") or ags[:5]).strip(),
            kreis_name=str(rec.get("kreis_name") or ""),
        )
    return units


@dataclass(frozen=True)
class Responsible:
    """One office responsible for a Gemeinde.

    Attributes
    ----------
    category
        :data:`TERRITORIAL` category of the office.
    name
        The stored offer's name, or the office's name built from its unit when the data hold no
        entry for it (``offer`` is ``None``: "Adresse nicht erfasst").
    unit_ags, unit_name
        The territory the office serves: a Gemeinde (8 digits) or a Kreis / kreisfreie Stadt
        (5 digits), and its name.
    responsible_for_ags, responsible_for_name
        The Gemeinde it was asked for (8 digits, short name).
    offer
        The stored offer of the office (address, phone, location, source), if any.
    label, address_note
        Texts in the reader's language, filled by :func:`mapapp.services.offers.responsible`
        ("zuständig für Kerpen", "Adresse nicht erfasst" when there is no address).
    """

    category: OfferCategory
    name: str
    unit_ags: str
    unit_name: str
    responsible_for_ags: str
    responsible_for_name: str
    offer: Offer | None = None
    label: str = ""
    address_note: str = ""

    @property
    def address(self) -> str | None:
        """The office's street address as stored; ``None`` when the data hold no street (a
        town alone is not an address one can go to)."""
        if self.offer is None or not self.offer.street:
            return None
        return self.offer.address

    @property
    def precision(self) -> Precision | None:
        return self.offer.precision if self.offer is not None else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record (``mapapp offers responsible --format json``)."""
        o = self.offer
        return {
            "category": str(self.category),
            "name": self.name,
            "responsible_for_ags": self.responsible_for_ags,
            "responsible_for_name": self.responsible_for_name,
            "address": self.address,
            "city": o.city if o is not None else None,
            "precision": str(o.precision) if o is not None else None,
            "unit_ags": self.unit_ags,
            "unit_name": self.unit_name,
            "offer_id": o.id if o is not None else None,
            "lat": o.lat if o is not None and o.located else None,
            "lon": o.lon if o is not None and o.located else None,
            "phone": o.phone if o is not None else None,
            "email": o.email if o is not None else None,
            "website": o.website if o is not None else None,
            "opening_hours": o.opening_hours if o is not None else None,
            "source": o.source if o is not None else None,
            "source_date": o.source_date if o is not None else None,
            "label": self.label,
            "address_note": self.address_note or None,
        }


def kreis_display_name(unit: Unit) -> str:
    """``"Kreis Düren"``, ``"Rhein-Kreis Neuss"``, ``"Städteregion Aachen"``, ``"Bochum"``."""
    short = unit.short_name
    if unit.level == "kreis" and not re.search(r"kreis|städteregion", short, re.IGNORECASE):
        return f"Kreis {short}"
    return short


def office_name(category: OfferCategory, unit: Unit) -> str:
    """The office's name built from its unit (when the data hold no entry for it)."""
    prefix = (
        "Ausländerbehörde" if category is OfferCategory.ABH else "Kommunales Integrationszentrum"
    )
    return f"{prefix} {kreis_display_name(unit)}"


def _source_year(offer: Offer) -> int:
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", offer.source_date or "")]
    return max(years) if years else 0


def _rank(offer: Offer) -> tuple[int, int, int, str]:
    """Real entries before generated ones, then the newer source (an office that moved keeps its
    old address in older sources), then the more precise location."""
    generated = 1 if offer.id.startswith("abh-") else 0
    return (generated, -_source_year(offer), _PRECISION_RANK.get(offer.precision, 9), offer.id)


def _names_kreis(offer: Offer) -> bool:
    name = fold(offer.name)
    return "kreis" in name or "stadteregion" in name or "staedteregion" in name


def _serves(offer: Offer, unit: Unit, own_office: frozenset[str]) -> bool:
    """Whether ``offer`` is the office of ``unit`` (see the module docstring)."""
    if offer.id == f"{'abh' if offer.category is OfferCategory.ABH else 'ki'}-{unit.ags}":
        return True
    if len(unit.ags) == 5:  # a Kreis or a kreisfreie Stadt as a territory
        if offer.kreis_ags != unit.ags:
            return False
        if offer.category is not OfferCategory.ABH or unit.level != "kreis":
            return True
        # a Kreis's Ausländerbehörde is not the one of a town with its own
        return offer.ags is None or offer.ags not in own_office or _names_kreis(offer)
    if offer.ags != unit.ags:
        return False
    # a Kreis office that stands in a town with an office of its own is the Kreis'
    return unit.status == "kreisfreie_stadt" or not _names_kreis(offer)


def best_office(
    category: OfferCategory, unit: Unit, offers: Sequence[Offer], own_office: frozenset[str]
) -> Offer | None:
    """The stored offer that is ``unit``'s office of ``category`` (``None``: not in the data)."""
    cands = [o for o in offers if o.category is category and _serves(o, unit, own_office)]
    return min(cands, key=_rank) if cands else None


def _territory(gemeinde: Unit, units: Mapping[str, Unit]) -> Unit:
    """The Kreis (or, for a kreisfreie Stadt, the Stadt itself as a 5-digit unit) of a Gemeinde."""
    kreis = units.get(gemeinde.kreis_ags)
    if kreis is not None:
        return kreis
    return Unit(
        ags=gemeinde.kreis_ags,
        name=gemeinde.kreis_name or gemeinde.name,
        level="kreisfreie_stadt" if gemeinde.status == "kreisfreie_stadt" else "kreis",
        status=gemeinde.status,
        has_abh=gemeinde.has_abh,
        kreis_ags=gemeinde.kreis_ags,
        kreis_name=gemeinde.kreis_name,
    )


def responsible_offices(
    gemeinde_ags: str, units: Mapping[str, Unit], offers: Sequence[Offer]
) -> list[Responsible]:
    """The Ausländerbehörde and the Kommunales Integrationszentrum responsible for a Gemeinde.

    Parameters
    ----------
    gemeinde_ags
        8-digit AGS of the Gemeinde the person lives in.
    units
        :func:`units_from_records` of the status table.
    offers
        Every stored offer.

    Raises
    ------
    KeyError
        The Gemeinde is not in the status table.
    """
    gemeinde = units[gemeinde_ags]
    kreis = _territory(gemeinde, units)
    own = frozenset(u.ags for u in units.values() if u.level == "gemeinde" and u.has_abh)
    abh_unit = gemeinde if gemeinde.has_abh else kreis
    out: list[Responsible] = []
    for category, unit in ((OfferCategory.ABH, abh_unit), (OfferCategory.KI, kreis)):
        offer = best_office(category, unit, offers, own)
        out.append(
            Responsible(
                category=category,
                name=offer.name if offer is not None else office_name(category, unit),
                unit_ags=unit.ags,
                unit_name=kreis_display_name(unit),
                responsible_for_ags=gemeinde.ags,
                responsible_for_name=gemeinde.short_name,
                offer=offer,
            )
        )
    return out


__all__ = [
    "TERRITORIAL",
    "Responsible",
    "Unit",
    "best_office",
    "kreis_display_name",
    "office_name",
    "responsible_offices",
    "units_from_records",
]
