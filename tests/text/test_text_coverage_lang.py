"""Coverage texts in the page's language: method text, headline, legend classes (toy world)."""

from __future__ import annotations

import re

import pytest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import run_coverage
from mapapp.render.coverage_classes import measure_classes
from mapapp.text.coverage import export_comment, headline_sentence, method_text
from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers

GERMAN = ("Kennzahl", "Nachfrage", "Angebote", "Berechnung", "Luftlinie", "Bevölkerung", "Daten:")


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    grid = demand_grid_nrw(make_inputs(), 1000)
    params = CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.TWO_SFCA)
    return run_coverage(grid, make_offers(), params)


@pytest.mark.parametrize("lang", ["en", "ar", "tr", "uk", "ru"])
def test_method_text_has_no_german_words(result, lang: str) -> None:  # type: ignore[no-untyped-def]
    text = method_text(result, lang)
    assert len(text.split("\n\n")) == 10
    for word in GERMAN:
        assert not re.search(rf"(?<!\w){word}", text), (lang, word)
    assert "PySAL" in text and "EPSG:25832" in text  # names stay


def test_headline_and_plural_per_language(result) -> None:  # type: ignore[no-untyped-def]
    assert "2 Angebote in den Daten" in headline_sentence(result.headline)
    assert "2 offers in the data" in headline_sentence(result.headline, "en")
    assert "2 послуги в даних" in headline_sentence(result.headline, "uk")
    assert "خدمتان في البيانات" in headline_sentence(result.headline, "ar")
    assert "1,5 km" in headline_sentence(result.headline) and "1.5 km" in headline_sentence(
        result.headline, "en"
    )


def test_legend_and_export_comment_in_ukrainian(result) -> None:  # type: ignore[no-untyped-def]
    classes = measure_classes(result, "grid", "uk")
    assert classes.title.startswith("2SFCA: послуги на 100 000")
    assert classes.labels[0] == "немає досяжної послуги"
    assert export_comment(result, "uk").startswith("Прогалини в охопленні NRW")
