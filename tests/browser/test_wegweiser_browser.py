""" "Wegweiser als PDF" on the real Angebote page (real data, real browser, offline).

A newcomer searches a place, clicks the download, and gets one A4 page that names the place and
the offices responsible for it; in Arabic on a phone the sheet is Arabic. A QR code of the sheet,
decoded from the printed page, opens that offer's card on the page.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from mapapp.config import Settings
from mapapp.io.datasets import load_status
from mapapp.services.offers import geo_context, load_offers, resolve_search, responsible_for
from mapapp.services.wegweiser import load_data, public_url, wegweiser_content
from mapapp.text import t
from tests.browser.conftest import ARTIFACTS, AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

ARTIFACT_DIR = ARTIFACTS / "wegweiser"


def office_names(data_dir: Path, place: str) -> list[str]:
    """The responsible offices' names as the service finds them on the same data."""
    settings = Settings(data_dir=data_dir)
    ctx = geo_context(settings, online=False)
    point = resolve_search(place, ctx)
    found = responsible_for(point, ctx, load_status(settings), load_offers(settings))
    return [r.name for r in found]


def download_wegweiser(app: AppPage, lang: str, place: str, name: str) -> bytes:
    page = app.page
    box = page.get_by_label(t("of.search.label", lang), exact=True)
    box.fill(place)
    box.press("Enter")
    button = page.get_by_role("button", name=t("ww.button", lang), exact=True)
    expect(button).to_be_visible()
    button.scroll_into_view_if_needed()
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACT_DIR / name.replace(".pdf", "-button.png")))
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    target = ARTIFACT_DIR / name
    download.save_as(target)
    return target.read_bytes()


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def test_wegweiser_download_in_german(
    open_app: Callable[..., AppPage], real_data_cache: Path
) -> None:
    app = open_app("/angebote", width=1366, height=900)
    data = download_wegweiser(app, "de", "Bochum", "wegweiser-de.pdf")
    pages, text = pdf_text(data)
    assert pages == 1
    assert "Wegweiser: Bochum" in text
    assert t("of.resp.title", "de") in text
    offices = office_names(real_data_cache, "Bochum")
    assert offices and all(name in text for name in offices), offices
    assert t("of.resp.for", "de", place="Bochum") in text


def test_wegweiser_download_in_arabic_on_a_phone(
    open_app: Callable[..., AppPage], real_data_cache: Path
) -> None:
    app = open_app("/angebote?lang=ar", width=390, height=844)
    data = download_wegweiser(app, "ar", "Bochum", "wegweiser-ar.pdf")
    pages, text = pdf_text(data)
    assert pages == 1
    assert "Bochum" in text
    for key in ("of.resp.title", "ww.nearest"):
        assert t(key, "ar") in text  # Arabic words in logical order in the text layer
    offices = office_names(real_data_cache, "Bochum")
    assert all(name in text for name in offices), offices


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_a_qr_code_of_the_sheet_opens_the_offer_card(
    open_app: Callable[..., AppPage], real_data_cache: Path, tmp_path: Path
) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    app = open_app("/angebote", width=1366, height=900)
    data = download_wegweiser(app, "de", "Bochum", "wegweiser-qr.pdf")
    pdf = tmp_path / "w.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    # compared without the app's address (the server's MAPAPP_PUBLIC_URL)
    decoded = {urlsplit(b.text).query for b in zxingcpp.read_barcodes(Image.open(png))}
    # the same sheet from the service on the same data: which link belongs to which offer
    settings = Settings(data_dir=real_data_cache)
    sheet_data = load_data(settings)
    point = resolve_search("Bochum", sheet_data.ctx)
    content = wegweiser_content(point, "Bochum", sheet_data, "de", base_url=public_url(settings))
    on_sheet = {urlsplit(e.link).query: e.offer.name for e in content.entries}
    assert decoded and decoded <= set(on_sheet), (decoded, on_sheet)
    first = content.entries[0]
    query = urlsplit(first.link).query
    assert query in decoded and first.distance_m is not None
    app.page.goto(f"{app.base_url}/angebote?{query}", wait_until="domcontentloaded")
    card = app.page.locator(
        "[data-testid='stElementContainer'][data-stale='false'] "
        "[data-testid='stMarkdownContainer'] strong"
    ).filter(has_text=re.compile(r"^1\. "))
    expect(card).to_have_text(f"1. {first.offer.name}")
    card.scroll_into_view_if_needed()
    app.page.screenshot(path=str(ARTIFACT_DIR / "qr-card.png"))
