"""The folium Förderkarte as a rendered string: escaping, offline assets, attribution, legend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapapp.analysis.funding import funding_units
from mapapp.ingest.registry import validate_registry
from mapapp.io.boundaries import read_boundaries
from mapapp.render.assets import UnvendoredAssetError, localize_assets, standalone_html
from mapapp.render.funding_map import funding_html, funding_map
from mapapp.render.maps import web_features
from tests.fixtures.toy_land import registry_rows, status_frame, write_bkg_zip

EVIL = "<img src=x onerror=alert(1)>"
CDN = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|code\.jquery|bootstrapcdn", re.I)


@pytest.fixture(scope="module")
def units_and_boundaries(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    b = read_boundaries(write_bkg_zip(Path(tmp_path_factory.mktemp("m")) / "vg250_m.zip"))
    status = status_frame()
    status.loc[status["ags"] == "05111000", "name"] = EVIL
    raw = registry_rows()
    raw.loc[0, "project_title"] = EVIL
    raw.loc[0, "source_url"] = "javascript:alert(2)"
    registry = validate_registry(raw, status, file="t.csv")
    return funding_units(b, status, registry, [2005, 2006, 2007]), b


def test_app_map_uses_local_assets_and_escapes_names(units_and_boundaries) -> None:  # type: ignore[no-untyped-def]
    units, b = units_and_boundaries
    m = funding_map(
        units, b.gemeinden, b.rb, title="T <b>", attribution="© GeoBasis-DE / BKG 2021", tiles=False
    )
    localize_assets(m)
    html = m.get_root().render()
    assert not CDN.search(html)
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert EVIL not in html
    # escaped as HTML, then JSON-encoded into the tooltip script (no raw "&" in scripts)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html
    assert "GeoBasis-DE / BKG 2021" in html
    assert "Kreis (gef\\u00f6rdert)" in html and "Stadt (gef\\u00f6rdert)" in html
    assert "T \\u0026lt;b\\u0026gt;" in html  # escaped, then JSON-encoded into the legend script
    assert "T <b>" not in html


def test_standalone_export_inlines_leaflet_and_drops_unsafe_links(units_and_boundaries) -> None:  # type: ignore[no-untyped-def]
    units, b = units_and_boundaries
    html = funding_html(units, b, "2005–2007")
    assert "<script src=" not in html and not CDN.search(html)
    assert "L.map(" in html and "window.L" in html or "L.version" in html  # Leaflet code is inline
    assert EVIL not in html
    assert "javascript:alert(2)" not in html  # only http(s) sources become links
    assert "F\\u00f6rderjahre: 2005, 2006" in html  # JSON in the tooltip script


def test_web_features_round_coordinates_and_reproject(units_and_boundaries) -> None:  # type: ignore[no-untyped-def]
    _units, b = units_and_boundaries
    fc = web_features(b.gemeinden, ["ags"])
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    lon, lat = ring[0]
    assert 5 < lon < 10 and 50 < lat < 53  # EPSG:4326 around NRW
    assert all(len(str(v).split(".")[-1]) <= 5 for pt in ring for v in pt)
    assert fc["features"][0]["properties"] == {"ags": "05111000"}


def test_unknown_cdn_asset_is_refused() -> None:
    import folium
    from folium.plugins import Fullscreen

    m = folium.Map(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(UnvendoredAssetError):
        localize_assets(m)
    with pytest.raises(UnvendoredAssetError):
        standalone_html(m)


def test_maps_need_no_jquery(units_and_boundaries) -> None:  # type: ignore[no-untyped-def]
    """jQuery is not vendored (folium's Popup needs it): none of our maps may use ``$(``."""
    units, b = units_and_boundaries
    for popups in (False, True):
        m = funding_map(units, b.gemeinden, b.rb, title="T", attribution="a", popups=popups)
        assert "$(`" not in m.get_root().render()
