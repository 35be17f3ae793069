"""What coverage figures rest on: basis line, approximate-row flag, when a figure is not shown.

SYNTHETIC two-Gemeinde scenario of :mod:`tests.fixtures.coverage_inputs` (values by hand):
O1 Ausländerbehörde at cell a (address, G1), O3 Ausländerbehörde of Kreis 05154 at its Kreis
seat's centre (x 3 km, y 1 km; approximate), O2 MBE (Gemeinde centre). Every G1 cell is nearer to
O1 (a 0, b 1000, c 1000, d 1414 m against >= 1581 m to O3), every G2 cell nearer to O3. Foreign
residents: G1 100, G2 200.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Support
from mapapp.analysis.coverage.result import _support, run_coverage
from mapapp.text import LANGUAGES, label
from mapapp.text.coverage import export_comment, headline_figure, headline_sentence, method_text
from mapapp.text.coverage_basis import basis_text, ranking_labels, support_text
from tests.fixtures.coverage_inputs import ABH, G1, G2, make_inputs, make_offers


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


def with_unlocated(offers: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The offers plus O4, an Ausländerbehörde known only by its Kreis (no point)."""
    extra = offers.iloc[[2]].copy()
    extra["id"], extra["name"], extra["precision"] = "O4", "ABH ohne Standort", "kreis_area"
    extra[["lat", "lon"]] = float("nan")
    extra["geometry"] = None
    return gpd.GeoDataFrame(pd.concat([offers, extra], ignore_index=True), crs=offers.crs)


def test_basis_line_counts_from_the_data(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(
        grid, with_unlocated(make_offers()), CoverageParams(categories=(ABH,), threshold_m=1500)
    )
    h = result.headline
    assert (h.n_offers, h.n_approximate, h.n_unlocated) == (2, 1, 1)
    assert basis_text(h) == (
        "Auf Basis von 2 Angeboten (Ausländerbehörde), davon 1 nur ungefähr verortet: "
        "1 Gemeindezentrum des Kreissitzes (ungefähr). 1 weiteres Angebot ohne Standort (nur der "
        "Kreis bekannt) zählt nicht."
    )
    # the unlocated O4 changes no distance: the same cells as without it
    plain = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    assert result.cells["nearest_m"].tolist() == plain.cells["nearest_m"].tolist()
    assert "O4" not in set(result.cells["nearest_id"]) and "O4" not in set(result.offers["id"])
    # the method panel and the header comment of every CSV export name it too
    assert "1 weiteres Angebot ohne Standort" in method_text(result)
    assert export_comment(result).endswith(basis_text(h))


def test_rows_decided_by_approximate_offers_are_flagged(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    cells = result.cells
    assert set(cells.loc[cells["ags"] == G1, "nearest_approx"]) == {False}  # O1, address
    assert set(cells.loc[cells["ags"] == G2, "nearest_approx"]) == {True}  # O3, Kreis seat
    gem = result.gemeinden.set_index("ags")
    assert (gem.loc[G1, "approx_share"], gem.loc[G2, "approx_share"]) == (0.0, 1.0)
    assert (bool(gem.loc[G1, "nearest_approx"]), bool(gem.loc[G2, "nearest_approx"])) == (
        False,
        True,
    )
    kreise = result.kreise.set_index("ags")
    assert bool(kreise.loc["05154", "nearest_approx"]) and not kreise.loc["05111", "nearest_approx"]
    # NRW: 200 of 300 foreign residents -> more than half: the headline is an approximation
    assert result.headline.approx_share == pytest.approx(2 / 3)
    assert result.headline.support is Support.APPROXIMATE
    # the ranking keeps the code; the page's labels say it in words
    table = export_table(result, "gemeinde")
    assert table.set_index("ags")["nearest_approx"].to_dict() == {G2: True, G1: False}
    shown = ranking_labels(table, "de").set_index("ags")["nearest_approx"]
    assert shown.to_dict() == {G2: "Standort des nächsten Angebots ungefähr", G1: ""}
    assert ranking_labels(table, "en").set_index("ags").loc[G2, "nearest_approx"] == (
        "Location of the nearest offer approximate"
    )


def test_headline_states_an_approximation_before_its_figure(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    h = result.headline
    sentence = headline_sentence(h)
    caveat = support_text(h)
    assert caveat == (
        "Nur eine Näherung: Für 67\xa0% der ausländischen Bevölkerung ist das nächste Angebot nur "
        "ungefähr verortet (mehr als die Hälfte)."
    )
    assert sentence == f"{caveat} {headline_figure(h)} {basis_text(h)}"


def test_exactly_located_offers_carry_the_headline(grid) -> None:  # type: ignore[no-untyped-def]
    # without the Kreis-seat office only O1 (address) counts: nothing approximate decides
    p = CoverageParams(categories=(ABH,), threshold_m=1500, include_kreis_area=False)
    h = run_coverage(grid, make_offers(), p).headline
    assert (h.approx_share, h.support) == (0.0, Support.OK)
    assert support_text(h) is None
    assert basis_text(h) == (
        "Auf Basis von 1 Angebot (Ausländerbehörde), alle mit Adresse oder Straße verortet."
    )
    assert headline_sentence(h).startswith("66,7 % der ausländischen Bevölkerung")
    assert headline_sentence(h).endswith(basis_text(h))


def test_no_offer_with_a_location_shows_no_figure(grid) -> None:  # type: ignore[no-untyped-def]
    p = CoverageParams(categories=("jobcenter",), threshold_m=1500)
    h = run_coverage(grid, with_unlocated(make_offers()), p).headline
    assert (h.n_offers, h.support) == (0, Support.NO_OFFERS)
    sentence = headline_sentence(h)
    assert sentence.startswith("Keine Aussage möglich")
    assert "%" not in sentence and "Menschen" not in sentence  # no figure at all
    assert "Kein Angebot der gewählten Kategorien (Jobcenter)" in sentence


def test_more_than_half_is_the_rule() -> None:
    assert _support(3, 0.5) is Support.OK  # exactly half: not "most"
    assert _support(3, 0.5 + 1e-9) is Support.APPROXIMATE
    assert _support(3, float("nan")) is Support.OK  # no demand: nothing to weigh
    assert _support(0, 0.0) is Support.NO_OFFERS


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_basis_line_in_every_language(grid, lang: str) -> None:  # type: ignore[no-untyped-def]
    h = run_coverage(
        grid, with_unlocated(make_offers()), CoverageParams(categories=(ABH,), threshold_m=1500)
    ).headline
    text = basis_text(h, lang)
    assert label("precision", "kreis_seat_centre", lang) in text
    assert label("category", ABH, lang) in text
    assert "{" not in text and text != basis_text(h, "de") or lang == "de"
    caveat = support_text(h, lang)
    assert caveat and "67" in caveat and "{" not in caveat
    assert label("precision", "gemeinde_centre", lang) in method_text(
        run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500)),
        lang,
    )
