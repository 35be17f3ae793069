"""The web Förderkarte's pieces for a new user (issue 11): clickable Stadt symbols, inert towns in
funded Kreise, the Kreis hatch shared by map and legend, the offline-first base map (no tiles by
default, metric scale, tiles fallback), the completeness line and the HTML export's title.

SYNTHETIC toy Land (:mod:`tests.fixtures.toy_land`); Deltaheim is given an Ausländerbehörde here
so that the funded Nordkreis holds an unfunded eligible town.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from mapapp.analysis.funding import funding_units, published_total_for
from mapapp.config import TILE_URL
from mapapp.ingest.registry import validate_registry
from mapapp.io.boundaries import Boundaries, read_boundaries
from mapapp.render.captions import funding_completeness
from mapapp.render.funding_hatch import defs_svg, hatch_fill, pattern_id
from mapapp.render.funding_map import (
    funding_html,
    funding_legend_html,
    funding_map,
    unit_features,
)
from mapapp.render.maps import base_map
from tests.fixtures.toy_land import registry_rows, status_frame, write_bkg_zip

YEARS = [2005, 2006, 2007]
KREIS_FILL = "url(#mapapp-hatch-funded_kreis)"


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> tuple[gpd.GeoDataFrame, Boundaries]:
    b = read_boundaries(write_bkg_zip(Path(tmp_path_factory.mktemp("w")) / "vg250_w.zip"))
    status = status_frame()
    status.loc[status["ags"] == "05901012", "has_auslaenderbehoerde"] = True  # Deltaheim
    registry = validate_registry(registry_rows(), status, file="toy.csv")
    return funding_units(b, status, registry, YEARS), b


def features_by_ags(fc: dict) -> dict[str, dict]:  # type: ignore[type-arg]
    return {f["properties"]["ags"]: f for f in fc["features"]}


def test_stadt_symbols_carry_the_ags_of_their_stadt(toy) -> None:  # type: ignore[no-untyped-def]
    units, _b = toy
    _fc, points, _counts = unit_features(units)
    staedte = set(units.loc[units["map_class"] == "funded_stadt", "ags"])
    assert staedte == {"05111000", "05901008"}
    by_ags = features_by_ags(points)
    assert set(by_ags) == staedte
    for feature in by_ags.values():
        assert feature["geometry"]["type"] == "Point"
        assert "<b>" in feature["properties"]["tooltip"]  # the Stadt's own (escaped) tooltip


def test_unfunded_town_in_a_funded_kreis_is_inert(toy) -> None:  # type: ignore[no-untyped-def]
    units, _b = toy
    fc, _points, _counts = unit_features(units)
    inert = {a for a, f in features_by_ags(fc).items() if f["properties"]["inert"]}
    # Deltaheim (eligible, unfunded, in the funded Nordkreis); not the funded Gammastadt in the
    # same Kreis, not the Kreis itself, not the kreisfreie Alphastadt
    assert inert == {"05901012"}


def test_map_draws_inert_towns_without_clicks_and_symbols_as_geojson(toy) -> None:  # type: ignore[no-untyped-def]
    units, b = toy
    html = funding_map(units, b.gemeinden, b.rb, title="T", attribution="A", tiles=False)
    html = html.get_root().render()
    assert '"interactive": false' in html  # the inert layer
    assert '"05901012"' in html
    assert "new L.CircleMarker(latlng, opts)" in html  # the symbols are a GeoJSON points layer


def test_kreis_hatch_pattern_is_used_by_map_and_legend(toy) -> None:  # type: ignore[no-untyped-def]
    units, b = toy
    assert hatch_fill("funded_kreis") == KREIS_FILL
    defs = defs_svg()
    assert f'<pattern id="{pattern_id("funded_kreis")}"' in defs and "<line" in defs
    assert "funded_stadt" not in defs  # only hatched classes get a pattern
    html = funding_map(units, b.gemeinden, b.rb, title="T", attribution="A", tiles=False)
    rendered = html.get_root().render()
    assert KREIS_FILL in rendered  # the Kreis style
    assert "mapapp-hatch-defs" in rendered  # the pattern is put into the document
    legend = funding_legend_html("T")
    assert f'fill="{KREIS_FILL}"' in legend
    assert "repeating-linear-gradient" not in legend


def test_base_map_without_tiles_has_no_tile_layer_and_a_metric_scale() -> None:
    html = base_map(tiles=False, attribution="© GeoBasis-DE / BKG 2021").get_root().render()
    assert "tile.openstreetmap.org" not in html and "L.tileLayer" not in html
    assert "OpenStreetMap" not in html
    assert "imperial: false" in html
    assert "L.control.scale()" not in html  # folium's default scale shows miles


def test_base_map_with_tiles_falls_back_on_tile_errors() -> None:
    html = base_map(tiles=True, attribution="x").get_root().render()
    assert TILE_URL in html
    assert "tileerror" in html and "removeLayer" in html and "mapapp-tiles-note" in html
    assert json.dumps("Hintergrundkarte nicht erreichbar")[1:-1] in html


def totals() -> pd.DataFrame:
    """SYNTHETIC published totals in the layout of ``kommin_published_totals.csv``."""
    rows = [
        ("2008-10-08", "2005-2008", "80", "yes", "press A"),
        ("2009-03-14", "2005-2008", "86", "yes", "press B"),
        ("2009-10-21", "2009", "71", "no", "press C"),
        ("2010-10-27", "2005-2010", "123", "yes", "report D"),
    ]
    return pd.DataFrame(rows, columns=["as_of", "period", "kommunen", "cumulative", "source"])


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ((2005, 2006, 2007), (86, 2008, True)),  # the first total reaching 2007, latest wins
        ((2005,), (86, 2008, True)),
        ((2009,), (71, 2009, False)),  # a year with its own published round
        ((2009, 2010), (123, 2010, True)),
        ((2012,), (123, 2010, True)),  # nothing reaches 2012: the latest total, a lower bound
    ],
)
def test_published_total_for_the_selected_years(
    years: tuple[int, ...], expected: tuple[int, int, bool]
) -> None:
    p = published_total_for(totals(), years)
    assert p is not None and (p.kommunen, p.last, p.cumulative) == expected


def test_completeness_line_in_every_language() -> None:
    p = published_total_for(totals(), (2005, 2006, 2007))
    assert (
        funding_completeness(10, p, lang="de")
        == "dokumentiert: 10 Kommunen; laut Ministerium bis 2008: 86"
    )
    assert funding_completeness(1, p, lang="en") == (
        "documented: 1 municipality; according to the ministry by 2008: 86"
    )
    assert funding_completeness(3, None, imported=True, lang="de") == "geladene Liste: 3 Kommunen"
    for lang in ("ar", "tr", "uk", "ru"):
        text = funding_completeness(10, p, lang=lang)
        assert "10" in text and "2008" in text and "86" in text, (lang, text)


def test_html_export_has_a_title_and_the_completeness(toy) -> None:  # type: ignore[no-untyped-def]
    units, b = toy
    line = "dokumentiert: 3 Kommunen; laut Ministerium bis 2008: 86"
    html = funding_html(units, b, "2005–2007", completeness=line)
    title = re.search(r"<title>(.*?)</title>", html)
    assert title is not None and title.group(1) == "KOMM-IN NRW – Geförderte Kommunen 2005–2007"
    assert json.dumps(line)[1:-1] in html  # in the legend script, JSON-encoded
    en = funding_html(units, b, "2005–2007", lang="en")
    assert re.search(r"<title>[^<]*2005–2007</title>", en)


def test_sheet_subtitle_carries_the_completeness(toy) -> None:  # type: ignore[no-untyped-def]
    import xml.etree.ElementTree as ET

    from mapapp.render.funding_sheet import static_funding_map

    units, b = toy
    line = "dokumentiert: 3 Kommunen; laut Ministerium bis 2008: 86"
    svg = static_funding_map(
        units, b, years_label="2005–2007", fmt="svg", completeness=line
    ).decode("utf-8")
    texts = [
        "".join(el.itertext()) for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")
    ]
    assert line in texts  # its own line under the programme line, at the top of the sheet
    assert any(t.startswith("Förderjahre 2005–2007 · ") for t in texts)
