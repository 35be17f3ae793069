"""The Versorgungslücken page through ``streamlit.testing.v1.AppTest`` on the real data mirror.

The page's numbers are compared with the core pipeline (``mapapp.analysis.coverage``) run directly on
the same data directory: page, CLI and core must agree. A headline figure carries "≈" exactly when
the nearest offer of more than half of the demand is only approximately located (the method
panel's rule, recomputed here from the core's cells), and the basis line names what it rests on. ``st_folium`` shows up as an unknown
component in AppTest; these tests make sure rendering it raises nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import MOSTLY_APPROXIMATE, CoverageParams, Method, Support
from mapapp.analysis.coverage.result import CoverageResult, run_coverage
from mapapp.config import get_settings
from mapapp.services import coverage
from mapapp.text import percent
from mapapp.text.coverage_basis import basis_text, support_text
from mapapp.ui.markdown import md

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


def approximate(result: CoverageResult) -> bool:
    """The rule: the nearest counted offer of more than half of the demand is approximate."""
    cells = result.cells
    demand = cells["demand"].to_numpy(dtype=float)
    flag = cells["nearest_approx"].to_numpy(dtype=bool)
    share = float(np.nansum(demand * flag) / np.nansum(demand))
    is_approx = result.headline.n_offers > 0 and share > MOSTLY_APPROXIMATE
    # the core's own flag agrees with the rule
    assert (result.headline.support is Support.APPROXIMATE) == is_approx
    return is_approx


def shown(text: str, result: CoverageResult) -> str:
    """A headline figure as the page must show it: "≈ …" exactly when the rule says so."""
    return f"≈ {text}" if approximate(result) else text


def assert_basis(at: AppTest, result: CoverageResult) -> None:
    """The basis line is shown, and the approximation caveat exactly when the rule applies."""
    h = result.headline
    assert md(basis_text(h, "de")) in [c.value for c in at.caption]
    caveat = support_text(h, "de")
    warned = caveat is not None and md(caveat) in [w.value for w in at.warning]
    assert warned == approximate(result)


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
    assert got["Anteil weiter als 10 km"] == shown(percent(h.share_beyond_pct, "de", 1), expected)
    assert got["Ausländische Einwohner weiter entfernt"] == shown(
        german(h.demand_beyond, 0), expected
    )
    assert got["Angebote in der Berechnung"] == str(h.n_offers)
    # demand-weighted mean
    assert got["Entfernung (km) – NRW"] == shown(f"{german(h.value, 1)} km", expected)
    assert_basis(at, expected)
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
    at20 = core(CoverageParams(threshold_m=20_000))
    share = percent(at20.headline.share_beyond_pct, "de", 1)
    assert metrics(at)["Anteil weiter als 20 km"] == shown(share, at20)
    assert_basis(at, at20)

    at.selectbox(key="gap_method").set_value(Method.TWO_SFCA.value).run()
    at.radio(key="gap_view").set_value("gemeinde").run()
    assert not at.exception
    two_sfca = core(CoverageParams(threshold_m=20_000, method=Method.TWO_SFCA))
    gem = two_sfca.ranked[two_sfca.ranked["level"] == "gemeinde"]
    assert ranking(at)["value"].tolist() == pytest.approx(gem["value"].tolist())
    nrw = german(two_sfca.headline.value, 2)
    assert metrics(at)["2SFCA je 100.000 – NRW"] == shown(nrw, two_sfca)
    for method, view in (("e2sfca", "kreis"), ("per_capita", "grid"), ("share", "kreis")):
        at.selectbox(key="gap_method").set_value(method).run()
        at.radio(key="gap_view").set_value(view).run()
        assert not at.exception, (method, view)


def test_categories_demand_and_funding_comparison(real_data_dir: Path) -> None:
    at = page()
    at.multiselect(key="gap_cats").set_value(["migrationsberatung_erwachsene"]).run()
    at.radio(key="gap_demand").set_value("all").run()
    assert not at.exception
    mbe = core(CoverageParams(categories=("migrationsberatung_erwachsene",), demand="all"))  # type: ignore[arg-type]
    got = metrics(at)
    assert got["Menschen weiter entfernt"] == shown(german(mbe.headline.demand_beyond, 0), mbe)
    assert got["Angebote in der Berechnung"] == str(mbe.headline.n_offers)
    assert_basis(at, mbe)
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
    everyone = core(CoverageParams(demand="all"))  # type: ignore[arg-type]
    people = german(everyone.headline.demand_beyond, 0)
    assert metrics(at)["Menschen weiter entfernt"] == shown(people, everyone)
    assert_basis(at, everyone)
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
