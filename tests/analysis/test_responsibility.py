"""Which offices are responsible for a Gemeinde (:mod:`mapapp.analysis.responsibility`), on the
SYNTHETIC toy world (:mod:`tests.fixtures.toy_world`): Nordkreis runs the Ausländerbehörde for
Betadorf and Deltaheim, Gammastadt runs its own; Alphastadt is a kreisfreie Stadt; the only
Kommunales Integrationszentrum in the data is Alphastadt's."""

from __future__ import annotations

from mapapp.analysis.responsibility import (
    TERRITORIAL,
    Responsible,
    Unit,
    responsible_offices,
    units_from_records,
)
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from tests.fixtures import toy_world as toy

ABH, KI = OfferCategory.ABH, OfferCategory.KI


def toy_units() -> dict[str, Unit]:
    """The toy status table as records (what ``load_status`` returns, by hand)."""
    records = []
    for g in toy.GEMEINDEN:
        kreis_name = g.gv_name if g.status == "kreisfreie_stadt" else toy.KREISE[g.kreis_ags][0]
        records.append(
            dict(ags=g.ags, name=g.gv_name, level="gemeinde", status=g.status,
                 has_auslaenderbehoerde=g.has_abh, kreis_ags=g.kreis_ags, kreis_name=kreis_name)
        )  # fmt: skip
    for k in toy.KREIS_ROWS:
        name = toy.KREISE[k][0]
        records.append(
            dict(ags=k, name=name, level="kreis", status="kreis", has_auslaenderbehoerde=True,
                 kreis_ags=k, kreis_name=name)
        )  # fmt: skip
    return units_from_records(records)


def offer(oid: str, name: str, category: OfferCategory, **kw: object) -> Offer:
    base: dict[str, object] = dict(
        lon=7.0, lat=51.0, precision=Precision.ADDRESS, coord_source=CoordSource.FILE
    )
    base.update(kw)
    return Offer(id=oid, name=name, category=category, **base)  # type: ignore[arg-type]


def toy_offers() -> list[Offer]:
    """The toy world's territorial offices as the app stores them, plus an MBE."""
    return [
        offer("o-ki-a", "Kommunales Integrationszentrum Alphastadt", KI, ags="05111000",
              kreis_ags="05111", street="Marktplatz 1", city="Alphastadt"),
        offer("o-abh-g", "Ausländerbehörde Gammastadt", ABH, ags="05901008", kreis_ags="05901",
              street="Rathausplatz 3", city="Gammastadt"),
        offer("abh-05111000", "Ausländerbehörde Alphastadt", ABH, ags="05111000",
              kreis_ags="05111", precision=Precision.GEMEINDE_CENTRE, city="Alphastadt"),
        offer("abh-05901", "Ausländerbehörde Nordkreis", ABH, ags=None, kreis_ags="05901",
              precision=Precision.KREIS_SEAT_CENTRE, city="Deltaheim"),
        offer("abh-05902", "Ausländerbehörde Südkreis", ABH, ags=None, kreis_ags="05902",
              precision=Precision.KREIS_SEAT_CENTRE, city="Epsilonstadt"),
        offer("o-mbe", "Migrationsberatung Betadorf", OfferCategory.MBE, ags="05901004",
              kreis_ags="05901", street="Lindenweg 2"),
    ]  # fmt: skip


def names(found: list[Responsible]) -> list[tuple[str, str, str | None]]:
    return [(str(r.category), r.name, r.offer.id if r.offer else None) for r in found]


def test_gemeinde_without_own_office_gets_the_kreis_abh_and_the_kreis_ki() -> None:
    found = responsible_offices("05901004", toy_units(), toy_offers())
    assert names(found) == [
        ("auslaenderbehoerde", "Ausländerbehörde Nordkreis", "abh-05901"),
        # no KI of Nordkreis in the data: named after the Kreis, no offer
        ("kommunales_integrationszentrum", "Kommunales Integrationszentrum Nordkreis", None),
    ]
    assert all((r.responsible_for_ags, r.responsible_for_name) == ("05901004", "Betadorf")
               for r in found)  # fmt: skip
    assert [r.unit_ags for r in found] == ["05901", "05901"]
    # the Kreis office stands at its seat: no street, so no address
    assert found[0].address is None and found[0].precision is Precision.KREIS_SEAT_CENTRE
    assert found[1].address is None and found[1].precision is None


def test_town_with_own_abh_gets_its_own_and_the_kreis_ki() -> None:
    found = responsible_offices("05901008", toy_units(), toy_offers())
    assert names(found)[0] == ("auslaenderbehoerde", "Ausländerbehörde Gammastadt", "o-abh-g")
    assert found[0].unit_ags == "05901008"
    assert found[0].address == "Rathausplatz 3, Gammastadt"
    assert found[1].unit_ags == "05901" and found[1].offer is None


def test_kreis_abh_is_never_the_office_in_a_town_with_its_own() -> None:
    # Nordkreis without its generated entry: Gammastadt's office is not the Kreis'
    offers = [o for o in toy_offers() if o.id != "abh-05901"]
    found = responsible_offices("05901012", toy_units(), offers)
    assert found[0].offer is None
    assert found[0].name == "Ausländerbehörde Nordkreis"  # "Kreis" is in its name


def test_kreisfreie_stadt_prefers_the_addressed_entry_over_the_generated_one() -> None:
    extra = offer("o-abh-a", "Ausländeramt Alphastadt", ABH, ags="05111000", kreis_ags="05111",
                  street="Amtsweg 9", city="Alphastadt")  # fmt: skip
    found = responsible_offices("05111000", toy_units(), [*toy_offers(), extra])
    assert names(found) == [
        ("auslaenderbehoerde", "Ausländeramt Alphastadt", "o-abh-a"),
        ("kommunales_integrationszentrum", "Kommunales Integrationszentrum Alphastadt", "o-ki-a"),
    ]
    assert found[1].unit_ags == "05111" and found[1].unit_name == "Alphastadt"


def test_newer_source_wins_among_equally_precise_entries() -> None:
    old = offer("o-ki-old", "KI Alphastadt (alte Adresse)", KI, ags="05111000",
                kreis_ags="05111", street="Altweg 1", source_date="undated (c. 2017)")  # fmt: skip
    new = offer("o-ki-new", "KI Alphastadt", KI, ags="05111000", kreis_ags="05111",
                street="Neuweg 2", source_date="2024")  # fmt: skip
    found = responsible_offices("05111000", toy_units(), [old, new])
    assert found[1].offer is not None and found[1].offer.id == "o-ki-new"


def test_to_dict_has_the_documented_keys() -> None:
    rec = responsible_offices("05901004", toy_units(), toy_offers())[0].to_dict()
    assert {"category", "name", "responsible_for_ags", "responsible_for_name", "address",
            "precision"} <= set(rec)  # fmt: skip
    assert rec["precision"] == "kreis_seat_centre" and rec["address"] is None


def test_territorial_categories() -> None:
    assert TERRITORIAL == {ABH, KI}
