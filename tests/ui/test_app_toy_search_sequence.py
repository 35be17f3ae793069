"""Searches one after another on "Angebote finden" through AppTest (SYNTHETIC toy world).

Each search must show the place last asked for -- the box, the heading and the URL -- also right
after the URL changed from outside (a map click, a link, back/forward). The real-browser version
is ``tests/browser/test_search_sequence_browser.py``.
"""

from __future__ import annotations

from functools import partial

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.analysis.offer_counts import filter_counts
from mapapp.model import OfferCategory
from mapapp.text import label
from mapapp.ui import offer_search
from tests.fixtures.toy_files import ToyData

TIMEOUT = 30
SCRIPT = "from mapapp.ui.pages import angebote\nangebote.render()\n"


def _search(at: AppTest, place: str) -> None:
    at.text_input[0].input(place)
    at.button[0].click()  # the form's search button
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def _shows(at: AppTest, place: str) -> None:
    assert at.text_input[0].value == place
    assert at.query_params.get("ort") == place, at.query_params
    headings = [s.value for s in at.header if "in der Nähe von" in s.value]
    assert len(headings) == 1 and f"von {place} " in headings[0], headings


def test_every_search_in_a_row_shows_its_place(toy_data_dir: ToyData) -> None:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    for place in ["Betadorf", "Deltaheim", "Alphastadt", "Gammastadt", "Epsilonstadt"]:
        _search(at, place)
        _shows(at, place)


def test_the_url_changed_from_outside_seeds_the_box_and_filters(toy_data_dir: ToyData) -> None:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["ort"] = "Betadorf"  # a shared link
    at.run()
    _shows(at, "Betadorf")
    _search(at, "Deltaheim")
    _shows(at, "Deltaheim")
    at.query_params["ort"] = "Alphastadt"  # e.g. back/forward: the URL moved, the page follows
    at.query_params["kat"] = "jobcenter"
    at.query_params["n"] = "2"
    at.run()
    _shows(at, "Alphastadt")
    assert at.multiselect[0].value == ["jobcenter"]
    assert at.slider[0].value == 2
    _search(at, "Gammastadt")  # the filters from the URL stay with the next search
    _shows(at, "Gammastadt")
    assert at.query_params.get("kat") == "jobcenter" and at.query_params.get("n") == "2"


def test_a_picked_category_stays_when_its_count_changes_with_the_place(
    toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The option labels carry the count around the place ("Jobcenter (1)"); the choice must
    # survive a search where the label reads differently. The toy Land is small, so the counts
    # are taken within 8 km: the Jobcenter (12, 3) lies 3.6 km from Deltaheim's centre and
    # 13.9 km from Alphastadt's.
    monkeypatch.setattr(offer_search, "filter_counts", partial(filter_counts, radius_m=8_000.0))
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.run()
    _search(at, "Deltaheim")
    jobcenter = label("category", OfferCategory.JOBCENTER, "de")
    assert f"{jobcenter} (1)" in at.multiselect[0].options
    at.multiselect[0].select(OfferCategory.JOBCENTER).run()
    assert at.query_params.get("kat") == "jobcenter"
    _search(at, "Alphastadt")
    _shows(at, "Alphastadt")
    assert f"{jobcenter} (0)" in at.multiselect[0].options  # the label changed ...
    assert at.multiselect[0].value == [OfferCategory.JOBCENTER]  # ... the choice did not
    # The browser holds a multiselect's choice as the labels it was last given and sends them
    # back with every run; a label it still holds as "Jobcenter (1)" matches no option now and
    # the choice would be dropped. So the page must hand the browser the choice under its new
    # label (AppTest itself keeps the value in the session either way).
    proto = at.multiselect[0].proto
    assert proto.set_value and list(proto.raw_values) == [f"{jobcenter} (0)"]
    assert at.query_params.get("kat") == "jobcenter"
    cards = [m.value for m in at.markdown if m.value.startswith("**1\\. ")]
    assert len(cards) == 1 and "Jobcenter Deltaheim" in cards[0], cards
    _search(at, "Deltaheim")  # and back: the count is 1 again, the choice still there
    assert at.multiselect[0].value == [OfferCategory.JOBCENTER]
    assert at.query_params.get("kat") == "jobcenter"
