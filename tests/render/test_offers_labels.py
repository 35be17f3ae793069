"""The offer search map: Gemeinde names from city zoom on and the labelled searched place
(SYNTHETIC names on the toy Land's squares)."""

from __future__ import annotations

import json
import re

import geopandas as gpd
from shapely.geometry import box, shape

from mapapp.render.offers import offers_search_map
from mapapp.render.offers_labels import LABEL_MIN_ZOOM, gemeinde_label_points

HOSTILE = "Alpha<img src=x onerror=alert(1)>{{7*7}}"


def gemeinden() -> gpd.GeoDataFrame:
    # an L-shaped Gemeinde: its centroid would lie outside, the representative point does not
    l_shape = box(300_000, 5_650_000, 310_000, 5_652_000).union(
        box(300_000, 5_650_000, 302_000, 5_660_000)
    )
    return gpd.GeoDataFrame(
        {"ags": ["05111000", "05901004"], "name": [HOSTILE, "Betadorf"]},
        geometry=[l_shape, box(310_000, 5_650_000, 320_000, 5_660_000)],
        crs="EPSG:25832",
    )


def test_label_points_lie_inside_their_gemeinde() -> None:
    frame = gemeinden()
    points = gemeinde_label_points(frame)
    assert [f["properties"]["name"] for f in points["features"]] == [HOSTILE, "Betadorf"]
    web = frame.to_crs("EPSG:4326")
    for feature, polygon in zip(points["features"], web.geometry, strict=True):
        assert polygon.buffer(1e-6).contains(shape(feature["geometry"]))


def _html(place: str) -> str:
    fmap = offers_search_map(
        [], point=(51.0, 7.0), hits=[], gemeinden=gemeinden(), attribution="", tiles=False,
        place=place,
    )  # fmt: skip
    return fmap.get_root().render()


def test_names_and_search_label_travel_as_json_text_only() -> None:
    html = _html("Bochum<script>alert(1)</script>")
    # names reach the label only through textContent; min zoom as configured
    assert "span.textContent = f.properties.name" in html
    assert re.search(rf"\}}\]\}}, {LABEL_MIN_ZOOM}\);", html)
    assert (
        "<img src=x" not in html
        and "{{7*7}}" not in html
        and "49" not in re.findall(r"Alpha[^\"]*", html)
    )
    # the search label: a marker at the searched point whose text is set with textContent
    m = re.search(r'\}\)\(\w+, (\[[^\]]*\]), "(Suchort: [^"]*)"\);', html)
    assert m is not None
    assert json.loads(f'"{m.group(2)}"') == "Suchort: Bochum<script>alert(1)</script>"
    assert "span.textContent = text" in html and "mapapp-search-label" in html
    assert "<script>alert(1)" not in html
    assert "mapapp-search-point" in html
