"""Searches one after another on "Angebote finden" through AppTest (SYNTHETIC toy world).

Each search must show the place last asked for -- the box, the heading and the URL -- also right
after the URL changed from outside (a map click, a link, back/forward). The real-browser version
is ``tests/browser/test_search_sequence_browser.py``.
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

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
    headings = [s.value for s in at.subheader if "in der Nähe von" in s.value]
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
