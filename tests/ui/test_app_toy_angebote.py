"""The public view "Angebote finden" through AppTest on the SYNTHETIC toy world (no data mirror).

The toy world has eight offers (:data:`tests.fixtures.toy_world.OFFERS`); the expected order and
distances are straight lines between hand-placed points in the metric CRS, e.g. from Betadorf's
centre (15, 15) km to the MBE at (15.6, 15.8) km: 1.0 km.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import toy_world as toy
from tests.fixtures.pages import run_page
from tests.fixtures.toy_files import ToyData
from tests.fixtures.toy_world import distance_km


def run(**params: str) -> AppTest:
    return run_page("angebote", **params)


def cards(at: AppTest) -> list[str]:
    """The result cards' first lines (``**1\\. Name**  \\nCategory``), in order."""
    return [m.value for m in at.markdown if m.value.startswith("**") and "\\." in m.value[:8]]


def distances_km(at: AppTest, decimal: str = ",") -> list[float]:
    """The distances the cards show (captions ``1,0 km …``, ``1.0 كم …``; markdown escapes
    removed), in order."""
    pattern = re.compile(rf"(\d+){re.escape(decimal)}(\d)\s")
    found = [pattern.match(c.value.replace("\\", "")) for c in at.caption]
    return [float(f"{m.group(1)}.{m.group(2)}") for m in found if m]


def expected(place: str, category: str | None = None) -> list[tuple[str, float]]:
    """(name, km) of the toy offers a "nearest" list may show (offices with a territory are in
    the "responsible" section instead), nearest first, from the Gemeinde centre of ``place``."""
    centre = toy.BY_NAME[place].centre_km
    hits = [
        (o.name, distance_km(centre, o.at_km))
        for o in toy.OFFERS
        if (category is None or o.category == category) and o.category not in TERRITORIAL
    ]
    return sorted(hits, key=lambda h: h[1])


TERRITORIAL = {"auslaenderbehoerde", "kommunales_integrationszentrum"}


def responsible(at: AppTest, lang_marker: str = "zuständig für") -> list[str]:
    """The office cards of the "Zuständig für Ihren Wohnort" section (``**Name**  \n… · zuständig
    für …``), in order."""
    return [m.value for m in at.markdown if lang_marker in m.value and m.value.startswith("**")]


def test_nearest_offers_to_betadorf(toy_data_dir: ToyData) -> None:
    want = expected("Betadorf")
    # by hand: MBE (15.6, 15.8) 1.0 km, Jobcenter Deltaheim (12, 3) 12.4, JMD Epsilonstadt at its
    # Gemeinde centre (25, 5) 14.1; the Ausländerbehörden and the KI are not alternatives
    assert [round(km, 1) for _, km in want] == [1.0, 12.4, 14.1]
    at = run(ort="Betadorf")
    shown = cards(at)
    assert len(shown) == 3
    for card, (name, _) in zip(shown, want, strict=True):
        assert name in card
    assert distances_km(at) == [round(km, 1) for _, km in want]
    assert any("Betadorf" in s.value for s in at.header)
    # the responsible offices come first, apart from the list
    assert any(s.value == "Zuständig für Ihren Wohnort" for s in at.header)
    offices = responsible(at)
    assert len(offices) == 2
    assert "Ausländerbehörde Nordkreis" in offices[0] and "zuständig für Betadorf" in offices[0]
    assert "Kommunales Integrationszentrum Nordkreis" in offices[1]
    assert any("Adresse nicht erfasst" in m.value for m in at.markdown)


def test_category_filter_near_deltaheim(toy_data_dir: ToyData) -> None:
    want = expected("Deltaheim", "jugendmigrationsdienst")
    # by hand from (15, 5): JMD Epsilonstadt at its Gemeinde centre (25, 5) 10.0
    assert want == [("Jugendmigrationsdienst Epsilonstadt", 10.0)]
    at = run(ort="Deltaheim", kat="jugendmigrationsdienst", n="3")
    shown = cards(at)
    assert len(shown) == 1 and "Jugendmigrationsdienst Epsilonstadt" in shown[0]
    assert distances_km(at) == [10.0]
    assert len(at.warning) >= 1  # at the Gemeinde centre: marked approximate


def test_a_town_with_its_own_office(toy_data_dir: ToyData) -> None:
    at = run(ort="Gammastadt", kat="auslaenderbehoerde")
    assert cards(at) == []  # no alternatives to the responsible office
    offices = responsible(at)
    assert "Ausländerbehörde Gammastadt" in offices[0] and "zuständig für Gammastadt" in offices[0]
    assert any("Rathausplatz 3" in m.value for m in at.markdown)


def test_search_by_coordinates_in_the_toy_land(toy_data_dir: ToyData) -> None:
    lon, lat = toy.lonlat(12.0, 4.0)  # 1 km north of the Jobcenter Deltaheim at (12, 3)
    at = run(ort=f"{lat:.6f},{lon:.6f}", n="1")
    shown = cards(at)
    assert len(shown) == 1 and "Jobcenter Deltaheim" in shown[0]
    assert distances_km(at) == [1.0]


def test_place_outside_the_toy_land_is_reported(toy_data_dir: ToyData) -> None:
    at = run(ort="Münster")  # a real city: not in the toy gazetteer
    assert any("Münster" in e.value for e in at.error)
    assert cards(at) == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_other_languages_show_the_same_offers(toy_data_dir: ToyData, lang: str) -> None:
    at = run(ort="Betadorf", lang=lang, n="2")
    shown = cards(at)
    assert len(shown) == 2 and "Migrationsberatung Betadorf" in shown[0]
    assert distances_km(at, decimal=".") == [1.0, 12.4]  # not German: decimal point
    assert distances_km(at, decimal=",") == []


def test_a_kreis_office_without_a_seat_row_is_named_without_a_location(
    toy_data_dir: ToyData, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a seat row the Nordkreis office is known only by its Kreis: the responsible
    section names it with "Adresse nicht erfasst" and no location; it never gets a distance."""
    import shutil

    from mapapp import config
    from tests.fixtures.toy_files import use_toy_reference

    reference = tmp_path / "reference"
    shutil.copytree(toy_data_dir.reference_dir, reference)
    seats = reference / config.REFERENCE_FILES["kreis_seats"]
    seats.write_text(seats.read_text("utf-8").splitlines()[0] + "\n", "utf-8")  # header only
    use_toy_reference(monkeypatch, reference)
    for stored in (toy_data_dir.data_dir / "store").glob("offers.sqlite*"):
        stored.unlink()  # seeded anew from the changed reference folder

    at = run(ort="Betadorf", kat="auslaenderbehoerde")
    assert cards(at) == []
    offices = responsible(at)
    assert "Ausländerbehörde Nordkreis" in offices[0]
    assert any("Adresse nicht erfasst" in m.value for m in at.markdown)
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert not any("Standort:" in c for c in captions)  # no approximate location either
