"""mapapp.ui.events: pure parsing of what ``st_folium`` returns (no Streamlit session needed)."""

from __future__ import annotations

from typing import Any

import pytest

from mapapp.ui.events import clicked_feature_property, clicked_latlon


def feature(**props: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [[[7.0, 51.0], [7.1, 51.0], [7.0, 51.1]]]},
    }


# --- clicked_feature_property ------------------------------------------------------------------


def test_property_of_last_active_drawing() -> None:
    returned = {"last_active_drawing": feature(ags="05758", map_class="funded_kreis")}
    assert clicked_feature_property(returned, "ags") == "05758"
    assert clicked_feature_property(returned, "map_class") == "funded_kreis"


def test_property_value_is_returned_as_string() -> None:
    # AGS with a leading zero must stay a string; numbers are stringified, not reformatted.
    returned = {"last_active_drawing": feature(ags="05111000", n=3, share=0.5)}
    assert clicked_feature_property(returned, "ags") == "05111000"
    assert clicked_feature_property(returned, "n") == "3"
    assert clicked_feature_property(returned, "share") == "0.5"


@pytest.mark.parametrize(
    "returned",
    [
        None,
        {},
        {"last_active_drawing": None},
        {"last_active_drawing": "05758"},
        {"last_active_drawing": ["05758"]},
        {"last_active_drawing": {"type": "Feature"}},
        {"last_active_drawing": {"type": "Feature", "properties": None}},
        {"last_active_drawing": {"type": "Feature", "properties": ["ags", "05758"]}},
        {"last_active_drawing": feature(name="Herford")},
        {"last_active_drawing": feature(ags=None)},
        {"last_active_drawing": feature(ags="")},
        {"last_clicked": {"lat": 51.0, "lng": 7.0}},
    ],
    ids=[
        "none",
        "empty",
        "drawing-none",
        "drawing-str",
        "drawing-list",
        "no-properties",
        "properties-none",
        "properties-list",
        "prop-missing",
        "prop-null",
        "prop-empty",
        "only-click",
    ],
)
def test_property_absent_gives_none(returned: dict[str, Any] | None) -> None:
    assert clicked_feature_property(returned, "ags") is None


def test_falsy_but_meaningful_values_are_kept() -> None:
    returned = {"last_active_drawing": feature(n=0, flag=False)}
    assert clicked_feature_property(returned, "n") == "0"
    assert clicked_feature_property(returned, "flag") == "False"


def test_input_is_not_modified() -> None:
    returned = {"last_active_drawing": feature(ags="05758")}
    snapshot = repr(returned)
    clicked_feature_property(returned, "ags")
    assert repr(returned) == snapshot


# --- clicked_latlon --------------------------------------------------------------------------


def test_latlon_of_last_click() -> None:
    assert clicked_latlon({"last_clicked": {"lat": 51.5, "lng": 7.25}}) == (51.5, 7.25)


def test_latlon_accepts_numeric_strings_and_ints() -> None:
    assert clicked_latlon({"last_clicked": {"lat": "51.5", "lng": 7}}) == (51.5, 7.0)


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(-90, -180), (90, 180), (0, 0)],
)
def test_latlon_bounds_inclusive(lat: float, lng: float) -> None:
    assert clicked_latlon({"last_clicked": {"lat": lat, "lng": lng}}) == (float(lat), float(lng))


@pytest.mark.parametrize(
    "returned",
    [
        None,
        {},
        {"last_clicked": None},
        {"last_clicked": [51.5, 7.25]},
        {"last_clicked": {"lat": 51.5}},
        {"last_clicked": {"lng": 7.25}},
        {"last_clicked": {"lat": None, "lng": 7.25}},
        {"last_clicked": {"lat": "north", "lng": 7.25}},
        {"last_clicked": {"lat": 90.0001, "lng": 7.25}},
        {"last_clicked": {"lat": 51.5, "lng": -180.5}},
        {"last_clicked": {"lat": float("nan"), "lng": 7.25}},
        {"last_active_drawing": feature(ags="05758")},
    ],
    ids=[
        "none",
        "empty",
        "click-none",
        "click-list",
        "no-lng",
        "no-lat",
        "lat-none",
        "lat-text",
        "lat-too-big",
        "lng-too-small",
        "lat-nan",
        "only-drawing",
    ],
)
def test_latlon_invalid_gives_none(returned: dict[str, Any] | None) -> None:
    assert clicked_latlon(returned) is None
