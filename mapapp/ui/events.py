"""Pure parsing of what ``st_folium`` returns (unit-tested without Streamlit)."""

from __future__ import annotations

from typing import Any


def clicked_feature_property(returned: dict[str, Any] | None, prop: str) -> str | None:
    """Property ``prop`` of the last clicked GeoJSON feature, or ``None``.

    ``st_folium(..., returned_objects=["last_active_drawing"])`` returns
    ``{"last_active_drawing": {"type": "Feature", "properties": {...}, ...}}``.
    """
    if not returned:
        return None
    feature = returned.get("last_active_drawing")
    if not isinstance(feature, dict):
        return None
    props = feature.get("properties")
    if not isinstance(props, dict):
        return None
    value = props.get(prop)
    return str(value) if value not in (None, "") else None


def clicked_latlon(returned: dict[str, Any] | None) -> tuple[float, float] | None:
    """``(lat, lon)`` of the last map click (``returned_objects=["last_clicked"]``), or ``None``."""
    if not returned:
        return None
    click = returned.get("last_clicked")
    if not isinstance(click, dict):
        return None
    try:
        lat, lon = float(click["lat"]), float(click["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon
