"""Placed drafts -> offers: build each :class:`~mapapp.offers_model.Offer` and merge repeated
rows (a repeated row is skipped with a warning, a conflicting one rejected)."""

from __future__ import annotations

from collections.abc import Sequence

from mapapp.ingest.offers import Draft
from mapapp.ingest.report import ImportReport
from mapapp.model import OfferCategory
from mapapp.offers_model import Offer, Precision, offer_id


def draft_id(d: Draft) -> str:
    """The id the offer of a draft gets: its own id, else :func:`offer_id` of its fields."""
    f = d.fields
    cat: OfferCategory = f["category"]
    return str(f["id"] or offer_id(cat.value, f["name"], f["street"], f["postcode"], f["city"]))


def offer_from_draft(d: Draft, default_source: str) -> Offer:
    """The offer of a placed draft (``lon``, ``lat``, ``precision``, ``coord_source`` set)."""
    f = d.fields
    cat: OfferCategory = f["category"]
    oid = draft_id(d)
    assert d.precision and d.coord_source
    # no location only when just the Kreis is known (precision kreis_area)
    assert (d.lon is not None and d.lat is not None) or d.precision is Precision.KREIS_AREA
    plain = ("provider", "street", "postcode", "city", "languages", "target_groups")
    more = ("opening_hours", "appointment_only", "phone", "email", "website", "barrier_free")
    return Offer(
        id=oid,
        name=f["name"],
        category=cat,
        lon=None if d.lon is None else round(d.lon, 7),
        lat=None if d.lat is None else round(d.lat, 7),
        precision=d.precision,
        coord_source=d.coord_source,
        ags=d.ags,
        kreis_ags=d.ags[:5] if d.ags else d.kreis_ags,
        **{k: f[k] for k in (*plain, *more, "capacity", "capacity_unit", "source_date")},
        last_verified=f["last_verified"],
        source=f["source"] or default_source,
        note=f["note"],
        category_original=f.get("category_original"),
    )


def dedupe_offers(
    drafts: Sequence[Draft], default_source: str, report: ImportReport
) -> list[Offer]:
    """Offers of the placed drafts; a repeated row is skipped (same offer: warning) or rejected
    (same id, other details)."""
    offers: list[Offer] = []
    first_row: dict[str, tuple[int, Offer]] = {}
    for d in drafts:
        offer = offer_from_draft(d, default_source)
        if offer.id in first_row:
            row0, other = first_row[offer.id]
            if other == offer:
                report.warn(d.row, None, f"doppelte Zeile (wie Zeile {row0}) – übersprungen")
            else:
                why = (
                    "gleiche ID"
                    if d.fields["id"]
                    else "gleicher Name, gleiche Adresse und Kategorie"
                )
                report.reject(
                    d.row, "id", f"{why} wie Zeile {row0}, aber andere Angaben – Zeile prüfen"
                )
            continue
        first_row[offer.id] = (d.row, offer)
        offers.append(offer)
    return offers
