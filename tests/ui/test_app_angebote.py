"""The public view "Angebote finden" through AppTest, on the real mirror data and the bundled offers."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT
from mapapp.ingest.offer_terms import parse_category
from mapapp.io.statistics import read_gvisys
from mapapp.model import OfferCategory

pytestmark = pytest.mark.data
TIMEOUT = 120


def _page() -> None:
    from mapapp.ui.pages import angebote

    angebote.render()


def run(**params: str) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and "\\." in m.value[:8]]


def _responsible(at: AppTest) -> list[str]:
    """The office cards of "Zuständig für Ihren Wohnort" (``**Name**  \n… · zuständig für …``)."""
    return [m.value for m in at.markdown if m.value.startswith("**") and "zuständig für" in m.value]


#: Category names of the offices with a territory (shown as responsible, never as "nearest").
TERRITORIAL_NAMES = ("Ausländerbehörde", "Kommunales Integrationszentrum")


def test_search_by_place_lists_the_nearest_seed_office_first(real_data_dir: Path) -> None:
    """Münster: its Ausländeramt and KI stand under "Zuständig für Ihren Wohnort"; the list of
    nearest offers starts with the nearest seed office that is no such office and holds none."""
    gv = read_gvisys(real_data_dir / "raw" / "destatis" / "31122023_Auszug_GV.xlsx")
    centre = gv.set_index("ags").loc["05515000"]
    with (REPO_ROOT / "geodata" / "reference" / "offers_seed_nrw.csv").open(encoding="utf-8") as fh:
        seed = [r for r in csv.DictReader(fh) if r["lat"] and r["lon"]]
    territorial = {OfferCategory.ABH, OfferCategory.KI}
    nearest = min(
        (r for r in seed if parse_category(r["category"]) not in territorial),
        key=lambda r: _haversine_m(centre["lat"], centre["lon"], float(r["lat"]), float(r["lon"])),
    )

    at = run(ort="Münster")
    assert [t.value for t in at.title] == ["Angebote finden"]
    assert any(s.value == "Zuständig für Ihren Wohnort" for s in at.header)
    offices = _responsible(at)
    assert len(offices) == 2
    assert "Ausländeramt Münster" in offices[0] and "zuständig für Münster" in offices[0]
    assert "Kommunales Integrationszentrum Münster" in offices[1]
    assert "zuständig für Münster" in offices[1]
    assert any("Klemensstraße 10" in m.value for m in at.markdown)  # the KI's address
    assert any("Angebote in der Nähe von Münster" in s.value for s in at.header)
    cards = _cards(at)
    assert len(cards) == 10
    assert nearest["name"] in cards[0].replace("\\", "")
    # no office with a territory among the nearest offers (second line: the category)
    assert not [c for c in cards if c.split("\n")[1].startswith(TERRITORIAL_NAMES)], cards
    assert any("unvollständig" in i.value for i in at.info)  # honest about the data


def test_category_filter_from_the_url(real_data_dir: Path) -> None:
    at = run(ort="Münster", kat="migrationsberatung_erwachsene", n="3")
    assert at.multiselect[0].value == [OfferCategory.MBE]
    cards = _cards(at)
    assert len(cards) == 3
    assert all(c.split("\n")[1] == "Migrationsberatung für Erwachsene \\(MBE\\)" for c in cards)
    assert any("Filter: Migrationsberatung für Erwachsene" in s.value for s in at.header)


def test_auslaenderbehoerde_from_the_url_is_the_responsible_one(real_data_dir: Path) -> None:
    """The category of the offices with a territory: the one responsible for Bielefeld is named
    (placed approximately, and the page says so); there are no "nearest" alternatives."""
    at = run(ort="Bielefeld", kat="auslaenderbehoerde", n="3")
    assert at.multiselect[0].value == [OfferCategory.ABH]
    offices = _responsible(at)
    assert "Ausländerbehörde Bielefeld" in offices[0] and "zuständig für Bielefeld" in offices[0]
    assert _cards(at) == []
    assert any("Keine passenden Angebote" in m.value for m in at.markdown)
    assert any("Sie können keine andere wählen" in c.value for c in at.caption)
    assert any("ungefähr" in c.value for c in at.caption)


def test_unknown_place_is_reported_not_raised(real_data_dir: Path) -> None:
    at = run(ort="Atlantis")
    assert any("Atlantis" in e.value for e in at.error)
    assert _cards(at) == []


def test_arabic_interface(real_data_dir: Path) -> None:
    at = run(ort="Köln", lang="ar")
    assert [t.value for t in at.title] == ["العثور على الخدمات"]
    assert any("بالقرب من" in s.value for s in at.header)


def test_an_office_only_at_the_centre_of_the_searched_gemeinde_gets_no_distance(
    real_data_dir: Path,
) -> None:
    """Bochum: offers of Bochum placed only at the Gemeinde centre (their street is not located)
    say "Entfernung unbekannt" instead of "0,0 km"; located and other-town offers keep theirs."""
    at = run(ort="Bochum")
    captions = [c.value for c in at.caption]
    unknown = [c for c in captions if "Entfernung unbekannt" in c]
    assert unknown, captions
    assert all("Bochum" in c for c in unknown)
    assert not any("\\\\" in c for c in unknown)  # the place is escaped once, not twice
    assert not any(c.startswith("0,0 km") for c in captions), captions
    assert any(c.endswith("km Luftlinie") for c in captions)  # other offers keep a distance
