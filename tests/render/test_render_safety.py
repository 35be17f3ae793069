"""User text is data, never code, on every rendered map and export (security issue, points 1-3).

Every payload of :mod:`tests.fixtures.payloads` goes into every text field of SYNTHETIC offers and funding
rows; each surface must render without error, evaluate nothing (no ``SSTI 49``, no loop output)
and carry the text so that it decodes back to the literal payload.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import folium
import pandas as pd
import pytest

from mapapp.analysis.funding import funding_units
from mapapp.ingest.registry import validate_registry
from mapapp.io.boundaries import read_boundaries
from mapapp.io.offers_export import offers_to_csv, offers_to_geojson
from mapapp.model import OfferCategory
from mapapp.offers_model import CoordSource, Offer, Precision
from mapapp.render.funding_map import funding_html, funding_map
from mapapp.render.funding_sheet import static_funding_map
from mapapp.render.offers import export_offers_html, offers_search_map
from mapapp.render.safe import RawHtml, esc, json_for_script
from tests.fixtures.payloads import MARKERS, PAYLOADS
from tests.fixtures.toy_land import registry_rows, status_frame, write_bkg_zip

#: Texts that contain template, script or markup syntax (they must never appear raw in HTML).
DANGEROUS = [p for p in PAYLOADS if any(s in p for s in ("<", "{{", "{%", "{#", "`", "${"))]


def _offer(i: int, text: str) -> Offer:
    return Offer(
        id=f"s-{i}",
        name=text,
        category=list(OfferCategory)[i % len(OfferCategory)],
        lon=7.2 + (i % 7) * 0.002,
        lat=51.48 + (i // 7) * 0.002,
        precision=Precision.ADDRESS if i % 2 else Precision.GEMEINDE_CENTRE,
        coord_source=CoordSource.FILE,
        provider=text,
        street=text,
        postcode="44787",
        city=text,
        languages=(text,),
        opening_hours=text,
        phone=text,
        email=text,
        website=text,
        source=text,
        note=text,
    )


OFFERS = [_offer(i, p) for i, p in enumerate(PAYLOADS)]


def _assert_not_evaluated(html: str) -> None:
    for marker in MARKERS:
        assert marker not in html, marker


def _payload_data(html: str) -> dict:  # type: ignore[type-arg]
    """The offers layer's data object (``var D = {...};``), decoded."""
    match = re.search(r"var D = (\{.*?\});\n", html)
    assert match, "offers payload not found"
    return json.loads(match.group(1))


# ---------------------------------------------------------------------------------------------
# The helpers themselves
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", PAYLOADS)
def test_json_for_script_round_trips_and_contains_no_template_or_markup_syntax(text: str) -> None:
    encoded = json_for_script({"a": [text, {"b": text}]})
    assert json.loads(encoded) == {"a": [text, {"b": text}]}
    for needle in ("{{", "{%", "{#", "<", ">", "`", "'", "\u2028"):
        assert needle not in encoded


@pytest.mark.parametrize("text", PAYLOADS)
def test_esc_output_is_inert_html(text: str) -> None:
    out = esc(text)
    for needle in ("<", ">", '"', "'", "{", "}", "`", "$"):
        assert needle not in out


def test_branca_renders_macro_output_once() -> None:
    """branca compiles rendered macros a second time; folium's own elements must not evaluate."""
    m = folium.Map(tiles=None)
    folium.Marker([51.5, 7.2], popup=folium.Popup("SSTI {{ 7*7 }}")).add_to(m)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"n": "{% for x in range(2) %}LOOP{% endfor %}"},
                    "geometry": {"type": "Point", "coordinates": [7.2, 51.5]},
                }
            ],
        },
        tooltip=folium.GeoJsonTooltip(fields=["n"]),
    ).add_to(m)
    folium.Marker([51.5, 7.3], popup=folium.Popup("{# open comment")).add_to(m)
    html = m.get_root().render()
    _assert_not_evaluated(html)
    assert "SSTI {{ 7*7 }}" in html
    assert "{% for x in range(2) %}LOOP{% endfor %}" in html


def test_raw_html_is_written_verbatim() -> None:
    m = folium.Map(tiles=None)
    m.get_root().html.add_child(RawHtml("<p>{{ 7*7 }} {# x</p>"))  # type: ignore[attr-defined]
    assert "<p>{{ 7*7 }} {# x</p>" in m.get_root().render()


# ---------------------------------------------------------------------------------------------
# Offers: standalone export, public search map, CSV and GeoJSON
# ---------------------------------------------------------------------------------------------


def test_offers_export_html_carries_every_payload_literally() -> None:
    html = export_offers_html(OFFERS, title="{{ 7*7 }} <b>", attribution="`${x}` {% if 1 %}")
    _assert_not_evaluated(html)
    for text in DANGEROUS:
        assert text not in html, text
    data = _payload_data(html)
    names = data["v"].get("name") or [data["s"][i] for i in data["f"]["name"]]
    assert names == list(PAYLOADS)
    notes = data["v"].get("note") or [data["s"][i] for i in data["f"]["note"]]
    assert notes == list(PAYLOADS)


def test_search_map_badges_have_text_tooltips() -> None:
    hits = OFFERS[:12]
    fmap = offers_search_map(
        OFFERS, point=(51.48, 7.2), hits=hits, gemeinden=_gemeinden(), attribution="x", tiles=False
    )
    html = fmap.get_root().render()
    _assert_not_evaluated(html)
    for text in DANGEROUS:
        assert text not in html, text
    # numbered badge tooltips travel as JSON strings and are shown with textContent
    tips = [json.loads(s) for s in re.findall(r"\}\)\([a-z_0-9]+, (\"[^\n]*?\"), \{", html)]
    for i, offer in enumerate(hits, start=1):
        assert f"{i}. {offer.name}" in tips
    assert "bindTooltip(\n                `" not in html  # no JS template literal tooltips


def _gemeinden():  # type: ignore[no-untyped-def]
    return read_boundaries(write_bkg_zip(_tmp() / "vg250_s.zip")).gemeinden


_TMP: list[Path] = []


def _tmp() -> Path:
    import tempfile

    if not _TMP:
        _TMP.append(Path(tempfile.mkdtemp(prefix="mapapp-safety-")))
    return _TMP[0]


def test_offer_csv_neutralises_formulas_and_geojson_keeps_text() -> None:
    text = offers_to_csv(OFFERS)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for cell in frame["name"]:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    gj = offers_to_geojson(OFFERS, "Quelle: Test (synthetisch)")
    assert [f["properties"]["name"] for f in gj["features"]] == list(PAYLOADS)


# ---------------------------------------------------------------------------------------------
# Förderkarte: app map, standalone HTML, static sheets
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_units(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    b = read_boundaries(write_bkg_zip(Path(tmp_path_factory.mktemp("s")) / "vg250_s.zip"))
    status = status_frame()
    raw = registry_rows()
    n = len(raw)
    chunks = [PAYLOADS[i::n] for i in range(n)]
    raw["project_title"] = [" | ".join(c) for c in chunks]
    raw["focus"] = [" / ".join(c[:3]) for c in chunks]
    registry = validate_registry(raw, status, file="t.csv")
    units = funding_units(b, status, registry, [2005, 2006, 2007])
    # official names are not user text, but the renderer must not trust them either
    units.loc[units["funded"], "name"] = [PAYLOADS[i] for i in range(int(units["funded"].sum()))]
    return units, b


def test_funding_maps_show_payloads_literally(hostile_units) -> None:  # type: ignore[no-untyped-def]
    units, b = hostile_units
    app_html = (
        funding_map(units, b.gemeinden, b.rb, title="{{ 7*7 }}", attribution="${x}", tiles=False)
        .get_root()
        .render()
    )
    export = funding_html(units, b, "2005–2007")
    for html in (app_html, export):
        _assert_not_evaluated(html)
        for text in DANGEROUS:
            assert text not in html, text
    assert json_for_script(esc(PAYLOADS[0]))[1:-1] in app_html  # escaped, then JSON-encoded


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_static_funding_sheets_render_payload_titles(hostile_units, fmt: str) -> None:  # type: ignore[no-untyped-def]
    units, b = hostile_units
    title = "$\\frac{1}{0}$ {{ 7*7 }} <b>"
    out = static_funding_map(units, b, years_label="2005–2007", fmt=fmt, title=title, dpi=50)
    assert out
    if fmt == "svg":
        text = out.decode("utf-8")
        assert "$\\frac{1}{0}$ {{ 7*7 }} &lt;b&gt;" in text  # literal, XML-escaped, no mathtext
        _assert_not_evaluated(text)


# ---------------------------------------------------------------------------------------------
# Versorgungslücken: web map (all views) and map sheet with hostile offer names
# ---------------------------------------------------------------------------------------------


def test_coverage_map_and_sheet_show_offer_names_literally() -> None:
    import geopandas as gpd

    from mapapp.analysis.coverage.grid import demand_grid_nrw
    from mapapp.analysis.coverage.params import CoverageParams
    from mapapp.analysis.coverage.result import run_coverage
    from mapapp.render.coverage_map import coverage_map
    from mapapp.render.coverage_raster import raster_lookup
    from mapapp.render.coverage_sheet import map_sheet
    from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers

    inputs = make_inputs()
    offers = make_offers()
    hostile = [PAYLOADS[26], PAYLOADS[35], PAYLOADS[0]]  # {{ 7*7 }}, `+alert()+`, <script>
    offers["name"] = hostile
    offers["category_label"] = [PAYLOADS[28], PAYLOADS[36], "${x}"]
    grid = demand_grid_nrw(inputs, 1000)
    result = run_coverage(grid, offers, CoverageParams(categories=(ABH,), threshold_m=1500))
    gem = inputs.gemeinden[["ags", "geometry"]]
    kreise = gem.assign(ags=gem["ags"].str[:5])
    land = gpd.GeoDataFrame({"ags": ["05"]}, geometry=[gem.union_all()], crs=gem.crs)
    maps = [
        coverage_map(result, "grid", kreise=kreise, gemeinden=gem, lookup=raster_lookup(grid)),
        coverage_map(result, "gemeinde", kreise=kreise, gemeinden=gem),
        coverage_map(result, "kreis", kreise=kreise),
    ]
    for fmap in maps:
        html = fmap.get_root().render()
        _assert_not_evaluated(html)
        for text in hostile:
            assert text not in html
    assert json_for_script(esc(hostile[0]))[1:-1] in maps[0].get_root().render()
    svg = map_sheet(result, "kreis", kreise=kreise, land=land, fmt="svg").decode("utf-8")
    _assert_not_evaluated(svg)
