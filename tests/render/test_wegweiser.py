"""The printable Wegweiser (mapapp.render.wegweiser) on SYNTHETIC input: one A4 page, Arabic
shaped and right to left with its words in logical order in the PDF's text layer, QR codes that
decode to the offers' deep links, hostile names shown literally."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from markupsafe import escape
from PIL import Image
from pypdf import PdfReader

from mapapp.render.wegweiser import MAX_ENTRIES, wegweiser_html, wegweiser_pdf
from mapapp.text import t
from tests.fixtures.payloads import MARKERS, PAYLOADS
from tests.fixtures.wegweiser import content, link

A4_PT = (595.28, 841.89)
NAMES = [f"Migrationsberatung {i}" for i in range(6)]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    """Text without whitespace (line breaks fall where the layout wraps)."""
    return re.sub(r"\s+", "", text)


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [
        (float(p.mediabox.width), float(p.mediabox.height))
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def test_german_sheet_is_one_a4_page_with_offices_offers_and_distances():
    result = wegweiser_pdf(content(NAMES))
    assert (result.pages, result.shown, result.total) == (1, 6, 6)
    ((w, h),) = page_sizes(result.data)
    assert abs(w - A4_PT[0]) < 1 and abs(h - A4_PT[1]) < 1
    text = pdf_text(result.data)
    for needed in (
        "Wegweiser: Betadorf",
        "Zuständig für Ihren Wohnort",
        "Ausländerbehörde Nordkreis",
        "zuständig für Betadorf",
        "Adresse nicht erfasst",
        "Telefon: 0000 0003",
        "Öffnungszeiten: Mo–Fr 09:00–12:00 · Sa–So geschlossen",  # the usual week in words
        "Öffnungszeiten: Mo 08:00–12:00 · Di–So geschlossen",  # the office's
        "3,0 km Luftlinie",
        "im Kreis Nordkreis – Standort nicht erfasst",  # the last offer has no location
        "02.05.2024",
        "© GeoBasis-DE / BKG",  # not in the text layer: drawn into the map image
    )[:-1]:
        assert needed in text
    assert text.count("km Luftlinie") == 5  # no distance for the offer without a location
    assert "09:00-12:00" not in text  # never the raw OpenStreetMap rule


@pytest.mark.parametrize(
    ("lang", "schedule"),
    [
        ("en", "Mon–Fri 9:00\u202fAM–12:00\u202fPM · Sat–Sun closed"),
        ("uk", "пн–пт 09:00–12:00 · сб–нд зачинено"),
        ("tr", "Pzt–Cum 09:00–12:00 · Cmt–Paz kapalı"),
    ],
)
def test_opening_hours_are_a_readable_week_in_the_sheets_language(lang, schedule):
    text = pdf_text(wegweiser_pdf(content(NAMES, lang=lang)).data)
    assert text.count(schedule) == len(NAMES), text
    assert "Mo-Fr" not in text


def test_arabic_sheet_names_the_weekdays_in_arabic():
    page = wegweiser_html(content(NAMES, lang="ar"))
    # Babel's Arabic weekday names: Monday–Friday open, Saturday–Sunday closed
    assert page.count("الاثنين–الجمعة") == len(NAMES)
    assert page.count("السبت–الأحد " + t("oh.day_closed", "ar")) == len(NAMES)
    assert "Mo-Fr" not in page


def test_a_week_with_a_holiday_is_printed_as_the_usual_week_with_a_note():
    """2024-05-09 (Ascension Day) is in the weeks read from the sheet's date (2024-05-02): the
    schedule keeps Thursday open and says that not every week is the same."""
    sheet = content(NAMES[:2])
    first = sheet.entries[0]
    closed_on_holidays = replace(first.offer, opening_hours="Mo-Fr 09:00-12:00; PH off")
    page = wegweiser_html(replace(sheet, entries=(replace(first, offer=closed_on_holidays),)))
    note = t("oh.week_varies", "de")
    assert f"Mo–Fr 09:00–12:00 · Sa–So geschlossen ({note})" in page


def test_map_is_an_image_with_the_bkg_credit_drawn_on_it():
    page = wegweiser_html(content(NAMES))
    assert page.count('src="data:image/png;base64,') == 1 + len(NAMES)  # map + one QR per offer
    no_map = wegweiser_html(content(NAMES, gemeinden=None))
    assert no_map.count('src="data:image/png;base64,') == len(NAMES)


@pytest.mark.parametrize("lang", ["ar", "uk", "ru", "tr", "en"])
def test_every_language_keeps_its_words_in_logical_order(lang):
    """Arabic is shaped by Pango and drawn right to left; the text layer still holds the words in
    reading order, so a catalogue phrase comes out of the PDF as one substring."""
    result = wegweiser_pdf(content(NAMES, lang=lang))
    assert result.pages == 1
    text = pdf_text(result.data)
    for key in ("of.resp.title", "ww.nearest", "of.card.phone"):
        assert t(key, lang) in text, (key, t(key, lang))
    # a phrase around a German name: each run of the phrase's own script in order
    for part in t("of.kreis_unlocated", lang, kreis="\0").split("\0"):
        assert part.strip(" –") in text


def test_arabic_document_is_right_to_left():
    page = wegweiser_html(content(NAMES, lang="ar"))
    assert '<html lang="ar" dir="rtl">' in page
    assert '<html lang="de" dir="ltr">' in wegweiser_html(content(NAMES))


def test_too_many_long_offers_are_cut_to_fit_one_page_and_named():
    long = ["Beratung " + "sehr lange Bezeichnung " * 25 + str(i) for i in range(MAX_ENTRIES + 2)]
    result = wegweiser_pdf(content(long))
    assert result.pages == 1 and 2 <= result.shown < MAX_ENTRIES and result.total == len(long)
    text = squash(pdf_text(result.data))
    left = len(long) - result.shown
    assert (
        squash(t("ww.more", "de", n=left, url="http://127.0.0.1:8501/angebote?ort=Betadorf"))
        in text
    )


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="needs poppler-utils (make browser-deps)"
)
def test_qr_codes_decode_to_the_deep_links(tmp_path: Path):
    zxingcpp = pytest.importorskip("zxingcpp")
    result = wegweiser_pdf(content(NAMES))
    pdf = tmp_path / "w.pdf"
    pdf.write_bytes(result.data)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    found = {b.text for b in zxingcpp.read_barcodes(Image.open(png))}
    assert found == {link(i) for i in range(len(NAMES))}


def test_hostile_names_are_shown_literally():
    """Every payload as an office or offer name: escaped in the HTML, literal in the PDF text."""
    for start in range(0, len(PAYLOADS), 8):
        batch = list(PAYLOADS[start : start + 8])
        batch += ["Auffüllname"] * (8 - len(batch))
        sheet = content(batch[2:], offices=(batch[0], batch[1]))
        page = wegweiser_html(sheet)
        for p in batch:
            assert str(escape(p)) in page
            if str(escape(p)) != p:
                assert p not in page  # never as markup
        result = wegweiser_pdf(sheet)
        assert result.shown == len(batch) - 2
        text = squash(pdf_text(result.data))
        for p in batch:
            assert squash(p) in text, p
        for marker in MARKERS:
            assert marker not in pdf_text(result.data)


def test_offer_only_at_the_centre_of_the_searched_gemeinde_has_no_distance() -> None:
    """As on the cards: "in Betadorf – Entfernung unbekannt", never "1,0 km" measured from the
    Gemeinde centre to the same centre."""
    sheet = content(["SYNTHETIC Beratung", "SYNTHETIC ohne Ort"])
    first = replace(sheet.entries[0], same_gemeinde=True)
    html = wegweiser_html(replace(sheet, entries=(first, *sheet.entries[1:])))
    assert "in Betadorf – Entfernung unbekannt" in html
    assert "1,0 km Luftlinie" not in html
