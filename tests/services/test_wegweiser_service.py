"""The Wegweiser service (mapapp.services.wegweiser) on the SYNTHETIC toy world: the responsible
offices come from the offers service, the nearest offers leave offices with a territory out, each
QR code links to the offer's card on the Angebote page."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from mapapp.config import Settings
from mapapp.model import DataError, OfferCategory
from mapapp.services.offers import resolve_search
from mapapp.services.wegweiser import (
    card_link,
    load_data,
    public_url,
    search_link,
    wegweiser_content,
    wegweiser_for_point,
)
from mapapp.text import t

BASE = "http://127.0.0.1:8501"


@pytest.fixture
def sheet_for(toy_data_dir):
    settings = toy_data_dir.settings
    data = load_data(settings)

    def make(place: str, lang: str = "de"):
        point = resolve_search(place, data.ctx)
        return (
            wegweiser_content(point, place, data, lang, base_url=BASE, stand=date(2024, 5, 2)),
            point,
            data,
        )

    return make


def query(link: str) -> dict[str, list[str]]:
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}" == BASE and parts.path == "/angebote"
    return parse_qs(parts.query)


def test_offices_are_the_responsible_ones_and_never_in_the_nearest_list(sheet_for):
    content, _, _ = sheet_for("Betadorf")
    # Betadorf has no Ausländerbehörde of its own: the Kreis's serves it; the Kreis's KI is named
    # although the toy data hold no entry for it
    assert [(o.category, o.name) for o in content.offices] == [
        (OfferCategory.ABH, "Ausländerbehörde Nordkreis"),
        (OfferCategory.KI, "Kommunales Integrationszentrum Nordkreis"),
    ]
    assert all(o.label == t("of.resp.for", "de", place="Betadorf") for o in content.offices)
    assert (
        content.offices[1].note == t("of.resp.no_address", "de") and not content.offices[1].address
    )
    names = [e.offer.name for e in content.entries]
    assert names[0] == "Migrationsberatung Betadorf"
    assert {e.offer.category for e in content.entries}.isdisjoint(
        {OfferCategory.ABH, OfferCategory.KI}
    )
    assert content.entries[0].distance_m == pytest.approx(1000.0, abs=1.0)  # (15,15) -> (15.6,15.8)


def test_links_open_the_offer_card_in_the_sheet_language(sheet_for):
    content, _, _ = sheet_for("Betadorf", "ar")
    first = content.entries[0]
    lon, lat = first.offer.lonlat
    assert query(first.link) == {
        "ort": [f"{lat:.5f},{lon:.5f}"],
        "kat": ["migrationsberatung_erwachsene"],
        "n": ["1"],
        "lang": ["ar"],
    }
    assert query(content.more_link) == {"ort": ["Betadorf"], "lang": ["ar"]}


def test_offer_without_location_is_linked_by_the_place_and_has_no_distance(sheet_for):
    from mapapp.offers_model import CoordSource, Offer, Precision

    unlocated = Offer(
        id="x", name="Beratung im Kreis", category=OfferCategory.MBE, lon=None, lat=None,
        precision=Precision.KREIS_AREA, coord_source=CoordSource.FILE, kreis_ags="05901",
    )  # fmt: skip
    assert query(card_link(BASE, unlocated, "Betadorf & Umgebung")) == {
        "ort": ["Betadorf & Umgebung"],
        "kat": ["migrationsberatung_erwachsene"],
        "n": ["1"],
    }
    assert search_link(BASE, "50904", "de") == f"{BASE}/angebote?ort=50904"


def test_public_url_must_be_http(tmp_path):
    assert public_url(Settings(data_dir=tmp_path, public_url="https://karte.example.org/")) == (
        "https://karte.example.org"
    )
    with pytest.raises(DataError, match="MAPAPP_PUBLIC_URL"):
        public_url(Settings(data_dir=tmp_path, public_url="javascript:alert(1)"))


def test_map_credits_bkg_and_sources_name_the_offers(sheet_for):
    content, point, data = sheet_for("Betadorf")
    assert content.gemeinden is not None and len(content.gemeinden) >= 5
    assert content.map_attribution.startswith("© GeoBasis-DE / BKG")
    assert content.here == (point.lon, point.lat)
    assert content.sources.startswith(t("attr.offers.intro", "de", field=t("of.card.source", "de")))


def test_pdf_of_a_toy_place_in_arabic(sheet_for):
    _, point, data = sheet_for("Betadorf")
    pdf = wegweiser_for_point(point, "Betadorf", data, "ar", base_url=BASE)
    assert pdf.pages == 1 and pdf.shown == pdf.total >= 3
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    for needed in ("Ausländerbehörde Nordkreis", "Migrationsberatung Betadorf", "Betadorf"):
        assert needed in text
    assert t("of.resp.title", "ar") in text and t("of.resp.no_address", "ar") in text
