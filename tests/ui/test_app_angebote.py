"""The public view "Angebote finden" through AppTest, on the real mirror data and the bundled offers."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT
from mapapp.io.statistics import read_gvisys

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


def test_search_by_place_lists_the_nearest_seed_office_first(real_data_dir: Path) -> None:
    gv = read_gvisys(real_data_dir / "raw" / "destatis" / "31122023_Auszug_GV.xlsx")
    centre = gv.set_index("ags").loc["05515000"]
    with (REPO_ROOT / "geodata" / "reference" / "offers_seed_nrw.csv").open(encoding="utf-8") as fh:
        seed = [r for r in csv.DictReader(fh) if r["lat"] and r["lon"]]
    nearest = min(
        seed,
        key=lambda r: _haversine_m(centre["lat"], centre["lon"], float(r["lat"]), float(r["lon"])),
    )

    at = run(ort="Münster")
    assert [t.value for t in at.title] == ["Angebote finden"]
    assert any("Angebote in der Nähe von Münster" in s.value for s in at.subheader)
    cards = _cards(at)
    assert len(cards) == 10
    assert nearest["name"].split(" ")[0] in cards[0] and "Münster" in cards[0]
    assert any("unvollständig" in i.value for i in at.info)  # honest about the data


def test_category_filter_from_the_url(real_data_dir: Path) -> None:
    at = run(ort="Bielefeld", kat="auslaenderbehoerde", n="3")
    cards = _cards(at)
    assert len(cards) == 3
    assert all("Ausländerbehörde" in c for c in cards)
    # Bundled Ausländerbehörden are placed approximately: the page says so
    assert any("ungefähr" in w.value or "Kreisgebiet" in w.value for w in at.warning)


def test_unknown_place_is_reported_not_raised(real_data_dir: Path) -> None:
    at = run(ort="Atlantis")
    assert any("Atlantis" in e.value for e in at.error)
    assert _cards(at) == []


def test_arabic_interface(real_data_dir: Path) -> None:
    at = run(ort="Köln", lang="ar")
    assert [t.value for t in at.title] == ["العثور على الخدمات"]
    assert any("بالقرب من" in s.value for s in at.subheader)
