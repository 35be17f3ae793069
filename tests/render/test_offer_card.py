"""Card content: safe links, opening hours in words, source date (SYNTHETIC offers)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision
from mapapp.render.offer_card import card_content, tel_uri

NOW = dt.datetime(2026, 3, 2, 13, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # Monday


def offer(**kw: object) -> Offer:
    base: dict[str, object] = {
        "id": "t-1",
        "name": "Beratung Test (SYNTHETIC)",
        "category": OfferCategory.MBE,
        "lon": 7.0,
        "lat": 51.5,
        "precision": Precision.ADDRESS,
        "coord_source": CoordSource.FILE,
    }
    base.update(kw)
    return Offer(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phone", "uri"),
    [
        ("0211 692-3333", "tel:+492116923333"),
        ("(0211) 60025-100 (Zentrale)", "tel:+4921160025100"),
        ("+49 (0)231 12345", "tel:+4923112345"),
        ("0049 231 12345", "tel:+4923112345"),
        ("12345", None),  # no area code: cannot be dialled from a mobile phone
        ("Telefon siehe Webseite", None),
        ("", None),
        (None, None),
    ],
)
def test_tel_uri(phone: str | None, uri: str | None) -> None:
    assert tel_uri(phone) == uri


def test_full_card_has_links_hours_languages_and_source() -> None:
    card = card_content(
        offer(
            street="Weg 1",
            postcode="40213",
            city="Aheim",
            phone="0211 692-3333",
            email="beratung@example.org",
            website="https://example.org/beratung",
            languages=("ar", "tr"),
            opening_hours="Tu-Fr 09:00-12:00",
            appointment_only=True,
            barrier_free=Accessibility.YES,
            source="https://example.org/quelle",
            source_date="2018-05-01",
        ),
        NOW,
        "de",
    )
    assert card.line("address").text == "Weg 1, 40213 Aheim"  # type: ignore[union-attr]
    phone = card.line("phone")
    assert phone is not None and phone.text == "0211 692-3333"
    assert phone.href == "tel:+492116923333"
    assert card.line("email").href == "mailto:beratung@example.org"  # type: ignore[union-attr]
    assert card.line("web").href == "https://example.org/beratung"  # type: ignore[union-attr]
    assert card.line("languages").text == "Arabisch, Türkisch"  # type: ignore[union-attr]
    assert card.line("barrier_free").text == "ja"  # type: ignore[union-attr]
    assert card.line("source").href == "https://example.org/quelle"  # type: ignore[union-attr]
    assert card.hours == "jetzt geschlossen, öffnet Di 09:00"
    assert card.week[1] == ("Di 3.3.", "09:00–12:00")
    assert card.appointment_only is True
    assert card.source_old is True
    assert card.source_date == "Stand der Quelle: 01.05.2018 – bitte vor dem Besuch anrufen"


def test_hostile_links_never_become_links() -> None:
    card = card_content(
        offer(
            website="javascript:alert(1)",
            email="a@b.de?subject=x&body=y",
            source="javascript:alert(2)",
            phone="javascript:alert(3)",
        ),
        NOW,
    )
    assert card.line("web") is None  # not a web page: not shown at all
    email = card.line("email")
    assert email is not None and email.href is None  # shown as text, not a mailto: link
    source = card.line("source")
    assert source is not None and source.href is None and source.text == "javascript:alert(2)"
    assert card.line("phone").href is None  # type: ignore[union-attr]
    hrefs = [ln.href for ln in card.lines if ln.href]
    assert hrefs == []


def test_unknown_fields_are_left_out_or_not_recorded_never_invented() -> None:
    card = card_content(offer(), NOW, "de")
    keys = {ln.key: ln.text for ln in card.lines}
    assert keys == {
        "phone": "nicht erfasst",
        "hours": "nicht erfasst",
        "barrier_free": "nicht erfasst",
    }
    assert card.hours is None and card.week == () and card.source_date is None
    assert card.appointment_only is False


def test_source_year_only_and_recent_source() -> None:
    old = card_content(offer(source_date="undated page (opened Sept 2018)"), NOW, "de")
    assert old.source_date == "Stand der Quelle: 2018 – bitte vor dem Besuch anrufen"
    recent = card_content(offer(source_date="2025-11-20"), NOW, "en")
    assert recent.source_old is False
    assert recent.source_date == "Source dated: Nov 20, 2025"


def test_unreadable_stored_hours_stay_as_text() -> None:
    card = card_content(offer(opening_hours="montags vormittags"), NOW, "de")
    assert card.hours is None
    assert card.line("hours").text == "montags vormittags"  # type: ignore[union-attr]


def test_card_in_arabic() -> None:
    card = card_content(offer(opening_hours="Tu 09:00-12:00", phone="0211 1234567"), NOW, "ar")
    assert card.line("phone").label == "الهاتف"  # type: ignore[union-attr]
    assert card.hours is not None and card.hours.startswith("مغلق الآن")
