"""Filter option counts on the toy world's offers (:mod:`tests.fixtures.toy_world`, SYNTHETIC)."""

from __future__ import annotations

from mapapp.analysis.offer_counts import filter_counts
from mapapp.analysis.offers import OfferFilter, OfferIndex
from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision, TargetGroup
from tests.fixtures import toy_world as toy


def toy_offers() -> list[Offer]:
    """The eight offers of the toy world at their places; two speak Arabic, one is barrier-free,
    the Südkreis office is known only by its Kreis (SYNTHETIC details)."""
    out = []
    for i, o in enumerate(toy.OFFERS):
        lon, lat = toy.lonlat(*o.at_km)
        unlocated = o.name == "Ausländerbehörde Südkreis"
        out.append(
            Offer(
                id=f"toy-{i}", name=o.name, category=OfferCategory(o.category),
                lon=None if unlocated else lon, lat=None if unlocated else lat,
                precision=Precision.KREIS_AREA if unlocated else Precision(o.precision),
                coord_source=CoordSource.FILE, ags=o.ags, kreis_ags=o.kreis_ags,
                languages=("ar", "de") if "beratung" in o.name.lower() or "Alphastadt" in o.name else (),
                target_groups=(TargetGroup.YOUTH,) if o.category == "jugendmigrationsdienst" else (),
                barrier_free=Accessibility.YES if o.name == "Jobcenter Deltaheim" else Accessibility.UNKNOWN,
            )
        )  # fmt: skip
    return out


INDEX = OfferIndex(toy_offers())
ALPHA = toy.lonlat(5.0, 15.0)  # centre of Alphastadt (kreisfreie Stadt 05111)
EPSILON = toy.lonlat(25.0, 5.0)  # centre of Epsilonstadt (Südkreis 05902)


def test_without_a_place_counts_every_offer() -> None:
    c = filter_counts(INDEX, OfferFilter())
    assert c.near is False
    assert c.categories["auslaenderbehoerde"] == 4
    assert c.categories["jobcenter"] == 1 and c.categories["sprachkurs"] == 0
    assert c.in_data_categories.get("sprachkurs", 0) == 0  # "keine Angebote in den Daten"
    assert c.languages == {"ar": 3, "de": 3}
    assert c.barrier_free == 1 and c.barrier_free_yes == 1 and c.barrier_free_known == 1


def test_counts_around_a_place_use_radius_and_the_kreis_of_unlocated_offers() -> None:
    # 12 km around Alphastadt's centre: its KI (2.2 km) and ABH (0 km), Betadorf's MBE (10.6 km)
    c = filter_counts(INDEX, OfferFilter(), ALPHA, "05111", radius_m=12_000)
    assert c.near is True
    assert c.categories["kommunales_integrationszentrum"] == 1
    assert c.categories["auslaenderbehoerde"] == 1
    assert c.categories["migrationsberatung_erwachsene"] == 1
    assert c.categories["jobcenter"] == 0  # Deltaheim's is 16 km away
    # the Südkreis office has no point: it counts only for places in the Südkreis
    south = filter_counts(INDEX, OfferFilter(), EPSILON, "05902", radius_m=1_000)
    assert south.categories["auslaenderbehoerde"] == 1  # Südkreis (unlocated)
    assert south.categories["jugendmigrationsdienst"] == 1


def test_counts_are_faceted_by_the_other_filters() -> None:
    arabic = OfferFilter(languages=frozenset({"ar"}))
    c = filter_counts(INDEX, arabic)
    assert c.categories["jobcenter"] == 0  # the Jobcenter lists no language
    assert c.categories["migrationsberatung_erwachsene"] == 1
    # a language option's count ignores the language filter itself, keeps the others
    assert c.languages["de"] == 3
    jobcenter = OfferFilter(categories=frozenset({OfferCategory.JOBCENTER}))
    j = filter_counts(INDEX, jobcenter)
    assert j.languages == {"ar": 0, "de": 0}
    assert j.barrier_free == 1
    youth = filter_counts(INDEX, OfferFilter()).target_groups
    assert youth["youth_12_27"] == 1 and youth["women"] == 0
