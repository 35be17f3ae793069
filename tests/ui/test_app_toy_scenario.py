"""The scenario panel of the Versorgungslücken page through AppTest on the SYNTHETIC toy world.

With the defaults (Ausländerbehörden, 10 km, foreign population) 8 Betadorf cells x 5 foreign
residents = 40 people live farther than 10 km from an Ausländerbehörde
(:mod:`tests.ui.test_app_toy_versorgungsluecken`). A new Ausländerbehörde at toy km (15.5, 17.5)
lies within 10 km of all of them: Betadorf (05901004) gains 40, nobody loses. Removing the
Ausländerbehörde Gammastadt (26, 16) instead leaves its Gemeinde to Nordkreis (15, 5) and
Alphastadt (5, 15): by the naive loop of that module, people lose access.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.ui.coverage_scenario import URL_PARAM
from tests.fixtures import toy_world as toy
from tests.fixtures.pages import run_page
from tests.fixtures.toy_files import ToyData
from tests.fixtures.toy_world import distance_km
from tests.ui.test_app_toy_versorgungsluecken import naive, num

BETADORF = "05901004"


def naive_lose(removed: str) -> dict[str, float]:
    """Foreign residents per Gemeinde within 10 km of an Ausländerbehörde only with ``removed``."""
    abh = [o for o in toy.OFFERS if o.category == "auslaenderbehoerde"]
    rest = [o.at_km for o in abh if o.name != removed]
    out: dict[str, float] = {}
    for ags, x, y, _, foreign in toy.cells_km():
        before = min(distance_km((x, y), o.at_km) for o in abh) <= 10
        after = min(distance_km((x, y), p) for p in rest) <= 10
        if before and not after:
            out[ags] = out.get(ags, 0.0) + foreign
    return out


def new_offer_csv() -> bytes:
    lon, lat = toy.lonlat(15.5, 17.5)
    return (
        "name,category,lat,lon\n"
        f"Neue Ausländerbehörde Betadorf,Ausländerbehörde,{lat:.6f},{lon:.6f}\n"
        "Ohne Ort,Ausländerbehörde,,\n"
    ).encode()


def scenario_tables(at: AppTest) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if "gain" in df.value.columns]


def scenario_metrics(at: AppTest) -> list[str]:
    """The six figures of the comparison (before: share, people, measure; after: the same)."""
    return [m.value for m in at.metric][4:10]


def add_file(at: AppTest) -> AppTest:
    at.file_uploader(key="gap_scn_file").set_value(("neu.csv", new_offer_csv(), "text/csv")).run()
    at.button(key="gap_scn_add_file").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_without_changes_the_panel_says_how_to_start(toy_data_dir: ToyData) -> None:
    at = run_page("versorgungsluecken")
    infos = " ".join(i.value for i in at.info)
    assert "Noch keine Änderung" in infos
    assert not scenario_tables(at)


def test_a_new_offer_from_a_file_gains_access_then_reset(toy_data_dir: ToyData) -> None:
    at = add_file(run_page("versorgungsluecken"))
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Aus neu.csv übernommen: 1" in captions
    assert "Nicht übernommene Zeilen: 1" in captions  # the row without a place
    report = next(df.value for df in at.dataframe if "message" in df.value.columns)
    assert report["row"].tolist() == [3]
    _, before_people, _, _, after_people, _ = scenario_metrics(at)
    assert (num(before_people), num(after_people)) == (40, 0)
    gemeinden, kreise = scenario_tables(at)
    # Betadorf gains its 40; cells of Alphastadt (9.5, 19.5) and Gammastadt (20.5, 19.5) come
    # nearer to an office (6.32 instead of 6.36 km, 5.39 instead of 6.52 km) without a change of
    # access; Deltaheim and Epsilonstadt stay nearer to their Kreis offices
    assert gemeinden["ags"].tolist()[0] == BETADORF
    assert set(gemeinden["ags"]) == {BETADORF, "05111000", "05901008"}
    assert gemeinden["gain"].tolist() == [40, 0, 0] and gemeinden["lose"].sum() == 0
    assert (gemeinden["change"] < 0).all()
    assert kreise.set_index("ags").loc["05901", "gain"] == 40
    texts = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "gewinnen **40** Menschen" in texts and "Betadorf (40)" in texts
    assert "Das Szenario steht nicht im geteilten Link" in " ".join(c.value for c in at.caption)
    changes = next(df.value for df in at.dataframe if "action" in df.value.columns)
    assert changes["offer"].tolist() == ["Neue Ausländerbehörde Betadorf (S1)"]
    assert sum(type(el).__name__ == "UnknownElement" for el in at.main) >= 2  # both maps
    at.button(key="gap_scn_reset").click().run()
    assert not at.exception
    assert not scenario_tables(at)
    assert "Noch keine Änderung" in " ".join(i.value for i in at.info)
    assert not at.error


def test_a_new_offer_removed_again_changes_nothing(toy_data_dir: ToyData) -> None:
    at = add_file(run_page("versorgungsluecken"))
    remove = at.multiselect(key="gap_scn_remove")
    assert "Neue Ausländerbehörde Betadorf (S1)" in remove.options
    remove.set_value(["S1"]).run()
    assert not at.exception
    before = scenario_metrics(at)[:3]
    assert before == scenario_metrics(at)[3:] and num(before[1]) == 40
    assert not scenario_tables(at)  # nothing changed anywhere
    assert "ändert an keiner Gemeinde" in " ".join(c.value for c in at.caption)
    changes = next(df.value for df in at.dataframe if "action" in df.value.columns)
    assert changes["action"].tolist() == ["hinzugefügt", "entfernt"]


def test_removing_an_offer_loses_access_and_goes_into_the_link(toy_data_dir: ToyData) -> None:
    at = run_page("versorgungsluecken")
    remove = at.multiselect(key="gap_scn_remove")
    gamma = next(o for o in remove.options if "Gammastadt" in o)
    ident = gamma.rsplit("(", 1)[1].rstrip(")")
    remove.set_value([ident]).run()
    assert not at.exception
    assert naive().beyond == 40
    lose = naive_lose("Ausländerbehörde Gammastadt")
    gemeinden, _ = scenario_tables(at)
    table = gemeinden.set_index("ags")
    assert table["gain"].sum() == 0
    assert {a: table.loc[a, "lose"] for a in lose} == pytest.approx(lose)
    assert table["lose"].sum() == pytest.approx(sum(lose.values()))
    assert at.query_params[URL_PARAM] == ident
    # a shared link with the removed offer shows the same scenario
    again = run_page("versorgungsluecken", **{URL_PARAM: ident})
    assert again.multiselect(key="gap_scn_remove").value == [ident]
    assert scenario_tables(again)[0]["lose"].sum() == pytest.approx(table["lose"].sum())


def test_english_panel(toy_data_dir: ToyData) -> None:
    at = add_file(run_page("versorgungsluecken", lang="en"))
    assert "Taken from neu.csv: 1" in " ".join(c.value for c in at.caption).replace("\\", "")
    assert "**40** people" in " ".join(m.value for m in at.markdown)
