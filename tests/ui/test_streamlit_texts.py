"""Streamlit's own English texts: the dictionary handed to the page's script."""

from __future__ import annotations

import json
import re

import pytest

from mapapp.catalogue import catalogue
from mapapp.text import LANGUAGES
from mapapp.ui.streamlit_texts import EXACT, MAP_TITLES, PREFIX, SCRIPT, dictionary, script


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_every_streamlit_text_has_a_catalogue_text(lang: str) -> None:
    keys = {*EXACT.values(), *PREFIX.values(), "st.per_file", "st.options", *MAP_TITLES.values()}
    assert sorted(k for k in keys if k not in catalogue(lang)) == []
    d = dictionary(lang, "Seite")
    exact = d["exact"]
    assert isinstance(exact, dict) and set(exact) == set(EXACT)
    for english, text in exact.items():
        assert text and (lang == "en" or text != english), english
    # prefixes keep the place of the label or option
    assert all("{value}" in text for _, text in d["prefix"])  # type: ignore[attr-defined]
    assert "{size}" in str(d["perFile"])
    assert "Seite" in str(d["frame"])


def test_english_is_streamlit_wording_and_german_is_translated() -> None:
    de, en = dictionary("de", "Angebote finden"), dictionary("en", "Find offers")
    assert de["exact"]["Skip to main content"] == "Zum Hauptinhalt springen"  # type: ignore[index]
    assert en["exact"]["Download as CSV"] == "Download as CSV"  # type: ignore[index]
    assert de["frames"] == {  # type: ignore[comparison-overlap]
        "foerderkarte": "Karte: Förderung",
        "angebote": "Karte: Angebote",
        "luecken": "Karte: Versorgungslücken",
        "scenario": "Karte: Szenario, Unterschied nachher – vorher",
    }
    assert de["frame"] == "Karte: Angebote finden"


def test_script_is_safe_inside_its_script_element() -> None:
    # st.html drops a script whose text has a "<" (the page would stay English), and the data
    # are JSON escaped for a script element: a label cannot end it
    assert "<" not in SCRIPT.read_text("utf-8")
    html = script("ar", "</script><b>x</b>")
    body = html.removeprefix("<script>").removesuffix("</script>")
    assert "<" not in body and "__DATA__" not in body
    data = re.search(r"const data = (\{.*?\});\n", body, re.S)
    assert data is not None
    assert json.loads(data.group(1))["frame"] == "الخريطة: </script><b>x</b>"
