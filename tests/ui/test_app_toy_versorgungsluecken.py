"""The Versorgungslücken page through AppTest on the SYNTHETIC toy world (no data mirror).

Expected values come from a naive loop over the toy world's 500 cells of 1 km (every cell wholly
inside one 10 km square, people spread evenly) and the hand-placed offers of
:mod:`tests.fixtures.toy_world`. With the default settings (Ausländerbehörden, 10 km, nearest
distance, foreign population) only the south-west of Deltaheim is farther than 10 km from an
Ausländerbehörde: 38 cells x 20 foreign people = 760 of 21 500, 3.5 %.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import toy_world as toy
from tests.fixtures.pages import run_page
from tests.fixtures.toy_files import ToyData
from tests.fixtures.toy_world import distance_km

ABH = "auslaenderbehoerde"


def page(lang: str | None = None) -> AppTest:
    return run_page("versorgungsluecken", **({"lang": lang} if lang else {}))


@dataclass
class Naive:
    """What a naive loop over the toy cells gives (demand in people, distances in km)."""

    beyond: float = 0.0
    total: float = 0.0
    weighted_km: float = 0.0
    per_gemeinde: dict[str, float] = field(default_factory=dict)

    @property
    def mean_km(self) -> float:
        return self.weighted_km / self.total

    @property
    def share_pct(self) -> float:
        return 100 * self.beyond / self.total


def naive(
    *,
    threshold_km: float = 10,
    category: str = ABH,
    kreis_area: bool = True,
    shares: dict[str, float] | None = None,
) -> Naive:
    """Nearest-offer distances of the 1 km toy cells; ``shares``: the foreign share per Kreis (an
    INKAR year) instead of the Zensus share per Gemeinde."""
    points = [
        o.at_km
        for o in toy.OFFERS
        if o.category == category and (kreis_area or o.precision != "kreis_seat_centre")
    ]
    out = Naive()
    for ags, x, y, people, foreign in toy.cells_km():
        demand = foreign if shares is None else people * shares[ags[:5]] / 100
        d = min(distance_km((x, y), p) for p in points)
        out.total += demand
        out.weighted_km += demand * d
        if d > threshold_km:
            out.beyond += demand
            out.per_gemeinde[ags] = out.per_gemeinde.get(ags, 0.0) + demand
    return out


def num(text: str, lang: str = "de") -> float:
    """The number in a shown value (``3,5 %``, ``3.825``, ``4,2 km``; ``3.5%`` in English)."""
    thousands, decimal = (".", ",") if lang == "de" else (",", ".")
    found = re.search(r"\d[\d.,]*", text)
    assert found, text
    return float(found.group().replace(thousands, "").replace(decimal, "."))


def metrics(at: AppTest) -> list[str]:
    """The four headline values: share beyond, people beyond, measure, number of offers."""
    return [m.value for m in at.metric][:4]


def ranking(at: AppTest) -> pd.DataFrame:
    """The Gemeinde ranking (the first table with a ``rank`` column)."""
    return next(df.value for df in at.dataframe if "rank" in df.value.columns)


def test_defaults_show_the_uncovered_strip_of_betadorf(toy_data_dir: ToyData) -> None:
    want = naive()
    # ABH Alphastadt (5, 15), Gammastadt (26, 16), Nordkreis at its seat Deltaheim (15, 5): by hand,
    # 8 Betadorf cells lie more than 10 km from all three ((15.5, 15.5..19.5), (14.5, 18.5),
    # (14.5, 19.5), (16.5, 19.5)) x 5 foreign people
    assert (want.beyond, want.total) == (40.0, 21_500.0)
    at = page()
    share, people, mean, n_offers = metrics(at)
    assert num(share) == round(100 * 40 / 21_500, 1) == 0.2 and share.endswith("%")
    assert num(people) == 40
    assert num(mean) == round(want.mean_km, 1) and mean.endswith("km")
    assert n_offers == "4"  # Alphastadt, Gammastadt, Nordkreis and Südkreis (at their seats)
    table = ranking(at)
    top = table.iloc[0]
    assert top["ags"] == "05901004" and top["demand_beyond"] == pytest.approx(40)
    assert top["share_beyond_pct"] == pytest.approx(100 * 40 / 500)
    assert table["demand_beyond"].iloc[1:].sum() == pytest.approx(0)
    assert len(table) == 5
    texts = " ".join(m.value for m in at.markdown)
    assert re.search(r"\b500\b", texts)  # the method panel counts the 500 cells
    assert any(type(el).__name__ == "UnknownElement" for el in at.main)  # the map
    assert not at.error


def test_without_kreis_seat_offers_the_gaps_grow(toy_data_dir: ToyData) -> None:
    want = naive(kreis_area=False)
    # Betadorf 95, Deltaheim 1 780, Epsilonstadt 1 950 foreign people beyond 10 km
    assert want.per_gemeinde == {"05901004": 95.0, "05901012": 1780.0, "05902016": 1950.0}
    at = page()
    at.toggle(key="gap_kreis_area").set_value(False).run()
    assert not at.exception
    share, people, _, n_offers = metrics(at)
    assert num(people) == want.beyond == 3825
    assert num(share) == round(want.share_pct, 1) == 17.8
    assert n_offers == "2"
    table = ranking(at).set_index("ags")
    for ags, demand in want.per_gemeinde.items():
        assert table.loc[ags, "demand_beyond"] == pytest.approx(demand)


def test_threshold_and_category(toy_data_dir: ToyData) -> None:
    at = page()
    at.slider(key="gap_km").set_value(5).run()
    assert not at.exception
    want = naive(threshold_km=5)
    assert num(metrics(at)[1]) == want.beyond == 5180  # the naive loop's value
    # one MBE only (Betadorf, at 15.6/15.8 km): everybody in Alphastadt's east half is nearer
    at.multiselect(key="gap_cats").set_value(["migrationsberatung_erwachsene"]).run()
    assert not at.exception
    want = naive(threshold_km=5, category="migrationsberatung_erwachsene")
    share, people, mean, n_offers = metrics(at)
    assert (num(people), n_offers) == (round(want.beyond), "1")
    assert num(mean) == round(want.mean_km, 1)


def test_foreign_population_of_an_inkar_year(toy_data_dir: ToyData) -> None:
    at = page()
    year = at.selectbox(key="gap_foreign_year")
    assert len(year.options) == 1 + 3  # Zensus 2022 (default), INKAR 2007, 2006, 2005
    year.set_value(2006).run()
    assert not at.exception
    shares = {k: v[2006] for k, v in toy.INKAR.items()}
    want = naive(shares=shares)
    # the 8 Betadorf cells x 100 people x 8.5 % (Nordkreis 2006) = 68 of 15 900
    assert (want.beyond, want.total) == (pytest.approx(68), pytest.approx(15_900))
    assert num(metrics(at)[1]) == 68
    assert num(metrics(at)[0]) == round(100 * 68 / 15_900, 1) == 0.4


def test_funded_and_not_funded_units(toy_data_dir: ToyData) -> None:
    at = page()
    comparison = next(df.value for df in at.dataframe if "group" in df.value.columns)
    # 2005–2007, by hand: Kreise/kreisfreie Städte all funded (Alphastadt, Nordkreis, Südkreis:
    # everybody, 21 500, 40 beyond); kreisangehörige: funded Gammastadt (6 000); none with an
    # Ausländerbehörde left unfunded; without one: Betadorf, Deltaheim, Epsilonstadt (5 500, 40)
    assert comparison["units"].tolist() == [3, 0, 1, 0, 3]
    assert comparison["demand"].tolist() == pytest.approx([21_500, 0, 6_000, 0, 5_500])
    assert comparison["demand_beyond"].tolist() == pytest.approx([40, 0, 0, 0, 40])


def test_english_page_same_numbers(toy_data_dir: ToyData) -> None:
    at = page("en")
    share, people, _, n_offers = metrics(at)
    assert (num(share, "en"), num(people, "en"), n_offers) == (0.2, 40, "4")


def test_headline_names_its_basis_and_flags_approximate_rows(toy_data_dir: ToyData) -> None:
    # Ausländerbehörden: Gammastadt at an address; Alphastadt at its Gemeinde centre, Nordkreis
    # and Südkreis at their Kreis seats (approximate). The nearest offer of Alphastadt (10 000),
    # Deltaheim (2 000) and Epsilonstadt (3 000) foreign residents is approximate: 15 000 of
    # 21 500 > half, so the headline is an approximation and says so.
    at = page()
    captions = " ".join(c.value for c in at.caption)
    assert (
        "Auf Basis von 4 Angeboten (Ausländerbehörde), davon 3 nur ungefähr verortet: "
        "1 Gemeindezentrum (ungefähr), 2 Gemeindezentrum des Kreissitzes (ungefähr)."
    ) in captions.replace("\\", "")
    warnings = " ".join(w.value for w in at.warning)
    assert "Nur eine Näherung" in warnings
    share, people, _, _ = metrics(at)
    assert share.startswith("≈") and people.startswith("≈")
    flags = ranking(at).set_index("ags")["nearest_approx"]
    marked = "Standort des nächsten Angebots ungefähr"
    assert {"05111000", "05901012", "05902016"} <= set(flags[flags == marked].index)
    assert flags["05901008"] == ""  # Gammastadt: its own office at an address
    assert not at.error


def test_no_offer_with_a_location_shows_no_figure(toy_data_dir: ToyData) -> None:
    # the toy world has no Integrationskurs at all
    at = page()
    at.multiselect(key="gap_cats").set_value(["integrationskurs"]).run()
    assert not at.exception
    share, people, value, n_offers = metrics(at)
    assert (share, people, value, n_offers) == ("–", "–", "–", "0")
    errors = " ".join(e.value for e in at.error)
    assert "Keine Aussage möglich" in errors.replace("\\", "")


def test_capacity_method_says_why_it_cannot_be_computed(toy_data_dir: ToyData) -> None:
    # no offer of the toy world has a capacity: the method is offered, its figure is not shown
    at = page()
    at.selectbox(key="gap_method").set_value("capacity").run()
    assert not at.exception
    _, people, value, n_offers = metrics(at)
    assert value == "–" and n_offers == "4" and num(people) == 40
    infos = " ".join(i.value for i in at.info).replace("\\", "")
    assert (
        "Für keines der gezählten Angebote (Ausländerbehörde) ist eine Kapazität erfasst" in infos
    )
    texts = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "absteigender Kapazität" in texts  # the method panel states the semantics


def _median_by_hand(values: list[float], weights: list[float]) -> float:
    """The value that at least half of the weight does not exceed (sorted walk)."""
    pairs = sorted(zip(values, weights, strict=True))
    total, cum = sum(weights), 0.0
    for value, weight in pairs:
        cum += weight
        if cum >= total / 2:
            return value
    raise AssertionError


def test_distribution_table_foreign_and_total_side_by_side(toy_data_dir: ToyData) -> None:
    at = page()
    table = next(df.value for df in at.dataframe if "foreign_median" in df.value.columns)
    assert table["ags"].tolist()[0] == "05"  # NRW first, then the Kreise
    assert set(table["ags"].tolist()[1:]) == {"05111", "05901", "05902"}
    points = [o.at_km for o in toy.OFFERS if o.category == ABH]
    km, people, foreign = [], [], []
    for _, x, y, p, f in toy.cells_km():
        km.append(min(distance_km((x, y), q) for q in points))
        people.append(p)
        foreign.append(f)
    nrw = table.set_index("ags").loc["05"]
    # the app's offers pass through WGS84 (6 decimals): distances agree to well under a metre
    assert nrw["all_median"] == pytest.approx(_median_by_hand(km, people), abs=1e-3)
    assert nrw["foreign_median"] == pytest.approx(_median_by_hand(km, foreign), abs=1e-3)
    mean = sum(k * f for k, f in zip(km, foreign, strict=True)) / sum(foreign)
    assert nrw["foreign_mean"] == pytest.approx(mean, abs=1e-3)
    assert 0 < nrw["all_gini"] < 1
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "gewichtet einmal mit der ausländischen und einmal mit der gesamten" in captions
