"""Offer map layer and HTML export: compact payload, escaping, offline assets. SYNTHETIC offers."""

from __future__ import annotations

import json
import re

import folium
import pytest

from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision
from mapapp.render.offers import export_offers_html
from mapapp.render.offers_layer import OffersLayer, add_offers_layer, legend_html
from mapapp.render.offers_payload import (
    CATEGORY_CODE_COLOURS,
    CATEGORY_COLOURS,
    filter_bbox,
    offers_payload,
)

XSS = "<img src=x onerror=alert(1)>"


def make(i: int, **kw) -> Offer:
    base = dict(
        id=f"r-{i}",
        name=f"Angebot {i}",
        category=OfferCategory.MBE,
        lon=7.0 + i * 0.01,
        lat=51.0 + i * 0.01,
        precision=Precision.ADDRESS,
        coord_source=CoordSource.FILE,
        city="Aheim",
    )
    base.update(kw)
    return Offer(**base)


OFFERS = [
    make(0, name=XSS, provider="Träger & Söhne <b>", website="https://example.org/?a=1&b=2"),
    make(
        1,
        category=OfferCategory.ABH,
        precision=Precision.GEMEINDE_CENTRE,
        barrier_free=Accessibility.YES,
    ),
    make(2, note="x"),
]


def value(p, key, i):
    """Read a text back the way the map script does."""
    if key in p["f"]:
        return p["s"][p["f"][key][i]]
    return p["v"].get(key, [""] * (i + 1))[i]


def test_payload_is_columnar_with_deduplicated_strings():
    p = offers_payload(OFFERS, detail="full")
    assert p["lat"] == [51.0, 51.01, 51.02] and p["lon"] == [7.0, 7.01, 7.02]
    cats = [c[0] for c in p["cats"]]
    assert [cats[i] for i in p["c"]] == ["migrationsberatung_erwachsene", "auslaenderbehoerde",
                                         "migrationsberatung_erwachsene"]  # fmt: skip
    assert p["s"].count("Aheim") == 1  # the address of all three, stored once
    assert {p["s"][i] for i in p["f"]["addr"]} == {"Aheim"}
    assert "name" in p["v"] and "addr" in p["f"]  # unique texts directly, repeated ones indexed
    assert value(p, "name", 0) == XSS  # raw in the data, escaped on output
    assert value(p, "web", 0) == "https://example.org/?a=1&b=2"
    assert [p["prec"][i][0] for i in p["p"]] == ["address", "gemeinde_centre", "address"]


def _rendered(offers) -> str:
    m = folium.Map(location=[51, 7], zoom_start=8, tiles=None)
    add_offers_layer(m, offers)
    return m.get_root().render()


def test_layer_html_never_contains_raw_markup_from_data():
    html = _rendered(OFFERS)
    assert XSS not in html
    assert '<b>"' not in html and "Söhne <b>" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html  # present, but only as JSON data
    # the popup builder escapes every value before it reaches innerHTML
    assert "replace(/[&<>\"']/g" in html
    assert "L.markerClusterGroup" in html and "chunkedLoading" in html


def test_payload_json_is_embedded_once_and_parses():
    html = _rendered(OFFERS)
    m = re.search(r"var D = (\{.*?\});\n", html)
    data = json.loads(m.group(1))
    assert value(data, "name", 0) == XSS
    assert html.count('"lat":[') == 1


def test_detail_levels_choose_the_texts():
    many = [make(i, phone=f"0{i}") for i in range(5)]
    full, compact, minimal = (offers_payload(many, d) for d in ("full", "map", "minimal"))
    assert value(full, "phone", 3) == "03" and full["more"] == ""
    assert "phone" not in compact["v"] and "phone" not in compact["f"] and compact["more"]
    assert value(compact, "addr", 0) == "Aheim"
    assert set(minimal["v"]) | set(minimal["f"]) == {"name"}
    assert offers_payload(many)["more"] == compact["more"]  # auto = map for small sets
    with pytest.raises(ValueError):
        offers_payload(many, "everything")


def test_no_per_offer_markers_in_output():
    many = [make(i) for i in range(300)]
    html = _rendered(many)
    # one marker constructor in the layer script (built in a loop in the browser), not 300 blocks
    assert html.count("L.marker(") == 1 and html.count("L.divIcon(") == 1


def test_legend_is_escaped_and_lists_present_categories():
    html = legend_html([OfferCategory.ABH])
    assert "Ausländerbehörde" in html and CATEGORY_COLOURS[OfferCategory.ABH] in html
    assert "Jobcenter" not in html
    page = _rendered(OFFERS)
    assert "Migrationsberatung für Erwachsene (MBE)" in json.loads(
        re.search(r"div.innerHTML = (\".*?\");", page).group(1)
    )


def test_bbox_filter():
    assert [o.id for o in filter_bbox(OFFERS, (51.005, 6.9, 51.03, 7.1))] == ["r-1", "r-2"]
    assert filter_bbox(OFFERS, None) == OFFERS


def test_standalone_export_is_offline_and_escaped():
    html = export_offers_html(OFFERS, attribution="Quelle <script>x</script>")
    assert XSS not in html and "<script>x</script>" not in html
    assert "Quelle &lt;script&gt;x&lt;/script&gt;" in html
    external = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"(https?://[^\"]+)", html)
    assert external == []  # Leaflet and markercluster are inlined
    assert "L.markerClusterGroup" in html and "leaflet" in html.lower()


def test_offline_map_without_tiles_still_has_the_max_zoom_markercluster_needs():
    from mapapp.render.offers import offers_map

    html = offers_map(OFFERS, tiles=False).get_root().render()
    assert re.search(r'"maxZoom":\s*18', html)
    assert "mapapp-offer-icon" in html  # markers carry a category code, not colour alone


def test_public_map_credits_its_boundaries_and_only_drawn_tiles():
    import geopandas as gpd
    from shapely.geometry import box

    from mapapp.render.offers import offers_search_map

    gemeinden = gpd.GeoDataFrame(
        {"ags": ["05111000"]}, geometry=[box(300000, 5650000, 310000, 5660000)], crs="EPSG:25832"
    )
    credit = "© GeoBasis-DE / BKG 2021 (Daten verändert), dl-de/by-2-0"
    near = make(1)
    for tiles in (False, True):
        html = (
            offers_search_map(
                [near],
                point=(near.lat, near.lon),
                hits=[near],
                gemeinden=gemeinden,
                attribution=credit,
                tiles=tiles,
            )
            .get_root()
            .render()
        )
        assert json.dumps(credit)[1:-1] in html or credit in html  # BKG always credited
        assert ("tile.openstreetmap.org" in html) is tiles  # OSM only when its tiles are drawn


def test_public_map_draws_only_nearby_offers_when_there_are_very_many(monkeypatch):
    import geopandas as gpd
    from shapely.geometry import box

    from mapapp.render import offers as render_offers

    gemeinden = gpd.GeoDataFrame(
        {"ags": ["05111000"]}, geometry=[box(300000, 5650000, 310000, 5660000)], crs="EPSG:25832"
    )
    far = [make(i) for i in range(3)]
    near = make(99)
    point = (near.lat, near.lon)
    # few offers: everything is drawn
    small = render_offers.offers_search_map(
        far + [near], point=point, hits=[near], gemeinden=gemeinden, attribution="x", tiles=False
    )
    # pretend the list is huge: only offers inside the bbox around the point travel
    monkeypatch.setattr(render_offers, "MAP_NEARBY_ABOVE", 2)
    big = render_offers.offers_search_map(
        far + [near], point=point, hits=[near], gemeinden=gemeinden, attribution="x", tiles=False
    )
    south, west, north, east = render_offers.nearby_bbox(point)
    inside = [o for o in far + [near] if south <= o.lat <= north and west <= o.lon <= east]

    def count(m):  # the number of offers the layer carries to the browser
        return next(c for c in m._children.values() if isinstance(c, OffersLayer)).count

    assert count(small) == 4
    assert count(big) == len(inside) >= 1


def test_payload_carries_only_links_the_model_allows() -> None:
    ok = make(0, website="https://example.org/a", email="info@example.org")
    bad = make(1, website="javascript:alert(1)", email="info@example.org?subject=x&body=y")
    data = offers_payload([ok, bad], detail="full")

    def column(key: str) -> list[str]:
        return data["v"][key] if key in data["v"] else [data["s"][i] for i in data["f"][key]]

    assert column("web") == ["https://example.org/a", ""]
    assert column("email") == ["info@example.org", ""]


def test_category_codes_keep_wcag_contrast_on_their_marker() -> None:
    """The code on a filled marker (and legend swatch) reads at WCAG AA (4.5:1) on every
    category colour."""

    def luminance(colour: str) -> float:  # WCAG 2 relative luminance of #RRGGBB
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for category, fill in CATEGORY_COLOURS.items():
        a, b = luminance(fill), luminance(CATEGORY_CODE_COLOURS[category])
        ratio = (max(a, b) + 0.05) / (min(a, b) + 0.05)
        assert ratio >= 4.5, (category, fill, CATEGORY_CODE_COLOURS[category], ratio)
