"""The Versorgungslücken page through ``streamlit.testing.v1.AppTest`` on the real data mirror.

The page's numbers are compared with the core pipeline (``mapapp.analysis.coverage``) run directly on
the same data directory: page, CLI and core must agree. ``st_folium`` shows up as an unknown
component in AppTest; these tests make sure rendering it raises nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import CoverageResult, run_coverage
from mapapp.config import get_settings
from mapapp.services import coverage
from mapapp.text import percent

pytestmark = pytest.mark.data

TIMEOUT = 180  # seconds: the first run seeds the offer store and builds the grid
SCRIPT = "from mapapp.ui.pages import versorgungsluecken\nversorgungsluecken.render()\n"


def page(lang: str | None = None) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def core(params: CoverageParams) -> CoverageResult:
    settings = get_settings()
    grid = demand_grid_nrw(coverage.load_inputs(settings), params.cell_size_m)
    return run_coverage(grid, coverage.load_offers(settings), params)


def german(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def ranking(at: AppTest):  # type: ignore[no-untyped-def]
    """The first ranking table (Gemeinden)."""
    return next(df.value for df in at.dataframe if "rank" in df.value.columns)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_defaults_match_the_core(real_data_dir: Path) -> None:
    at = page()
    assert [t.value for t in at.title] == ["Versorgungs\u00adlücken"]
    expected = core(CoverageParams())  # ABH, 10 km, nearest, foreign population, 1 km
    h = expected.headline
    got = metrics(at)
    assert got["Anteil weiter als 10 km"] == percent(h.share_beyond_pct, "de", 1)
    assert got["Ausländische Einwohner weiter entfernt"] == german(h.demand_beyond, 0)
    assert got["Angebote in der Berechnung"] == str(h.n_offers)
    assert got["Entfernung (km) – NRW"] == f"{german(h.value, 1)} km"  # demand-weighted mean
    warning = at.warning[0].value
    assert "Unvollständige Angebotsdaten" in warning and f"mit {h.n_offers} Angeboten" in warning
    assert "Lücken in den Daten ebenso wie echte Versorgungslücken" in warning
    # the gap ranking: Gemeinden first, same order and numbers as the core
    table = ranking(at)
    top = expected.ranked[expected.ranked["level"] == "gemeinde"].head(5)
    assert table["ags"].head(5).tolist() == top["ags"].tolist()
    assert table["demand_beyond"].head(5).tolist() == pytest.approx(top["demand_beyond"].tolist())
    # the method panel states what was computed
    texts = " ".join(m.value for m in at.markdown)
    assert "Luftlinie" in texts and "Zensus 2022" in texts and "35.010 Zellen" in texts
    assert any(type(el).__name__ == "UnknownElement" for el in at.main)  # the map
    assert not at.error


def test_threshold_and_method_changes(real_data_dir: Path) -> None:
    at = page()
    at.slider(key="gap_km").set_value(20).run()
    assert not at.exception
    h = core(CoverageParams(threshold_m=20_000)).headline
    assert metrics(at)["Anteil weiter als 20 km"] == percent(h.share_beyond_pct, "de", 1)

    at.selectbox(key="gap_method").set_value(Method.TWO_SFCA.value).run()
    at.radio(key="gap_view").set_value("gemeinde").run()
    assert not at.exception
    expected = core(CoverageParams(threshold_m=20_000, method=Method.TWO_SFCA)).ranked
    gem = expected[expected["level"] == "gemeinde"]
    assert ranking(at)["value"].tolist() == pytest.approx(gem["value"].tolist())
    nrw = core(CoverageParams(threshold_m=20_000, method=Method.TWO_SFCA)).headline.value
    assert metrics(at)["2SFCA je 100.000 – NRW"] == german(nrw, 2)
    for method, view in (("e2sfca", "kreis"), ("per_capita", "grid"), ("share", "kreis")):
        at.selectbox(key="gap_method").set_value(method).run()
        at.radio(key="gap_view").set_value(view).run()
        assert not at.exception, (method, view)


def test_categories_demand_and_funding_comparison(real_data_dir: Path) -> None:
    at = page()
    at.multiselect(key="gap_cats").set_value(["migrationsberatung_erwachsene"]).run()
    at.radio(key="gap_demand").set_value("all").run()
    assert not at.exception
    h = core(CoverageParams(categories=("migrationsberatung_erwachsene",), demand="all")).headline  # type: ignore[arg-type]
    got = metrics(at)
    assert got["Menschen weiter entfernt"] == german(h.demand_beyond, 0)
    assert got["Angebote in der Berechnung"] == str(h.n_offers)
    comparison = next(df.value for df in at.dataframe if "group" in df.value.columns)
    assert set(comparison["comparison"]) == {
        "Kreise und kreisfreie Städte",
        "kreisangehörige Gemeinden",
    }
    kreise = comparison[comparison["comparison"] == "Kreise und kreisfreie Städte"]
    assert kreise["units"].sum() == 53
    gemeinden = comparison[comparison["comparison"] == "kreisangehörige Gemeinden"]
    assert gemeinden["units"].sum() == 396 - 22  # without the 22 kreisfreie Städte
    assert any("kein Wirkungsnachweis" in c.value for c in at.caption)
    at.selectbox(key="gap_years").set_value("2005–2012").run()
    assert not at.exception


def test_english_labels(real_data_dir: Path) -> None:
    at = page("en")
    assert [t.value for t in at.title] == ["Coverage gaps"]
    assert "Share beyond 10 km" in metrics(at)
    # the method panel is in English too (no German fallback note)
    assert any("**Measure:**" in m.value and "straight line" in m.value for m in at.markdown)
    assert not any("in German" in c.value for c in at.caption)


def test_without_zensus_the_foreign_population_is_unknown(
    real_data_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(
        real_data_cache / "raw", data / "raw", ignore=shutil.ignore_patterns("zensus2022", "inkar")
    )
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    at = page()
    assert any("unbekannt" in i.value for i in at.info)
    assert at.radio(key="gap_demand").options == ["gesamte Bevölkerung"]
    h = core(CoverageParams(demand="all")).headline  # type: ignore[arg-type]
    assert metrics(at)["Menschen weiter entfernt"] == german(h.demand_beyond, 0)
    texts = " ".join(m.value for m in at.markdown)
    assert "GV-ISys" in texts


def test_without_zensus_but_with_inkar_foreign_demand_uses_a_year(
    real_data_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(
        real_data_cache / "raw", data / "raw", ignore=shutil.ignore_patterns("zensus2022")
    )
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    at = page()
    assert not at.exception
    assert at.radio(key="gap_demand").value == "foreign"
    year = at.selectbox(key="gap_foreign_year")
    assert year.value == 2006 and None not in year.options  # no Zensus: an INKAR year is needed
    texts = " ".join(m.value for m in at.markdown)
    assert "INKAR" in texts and "2006" in texts
