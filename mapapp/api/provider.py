"""pygeoapi feature provider over :mod:`mapapp.services.api_features`.

One provider class serves every collection; the collection name is the provider's ``data``.
pygeoapi builds a provider per request; the features are kept per process and read again when
:func:`~mapapp.services.api_features.collection_version` changes (an import into the offer
store, a new funding list, new boundaries), so the collections stay equal to the store.

Queries: ``bbox`` (WGS84 lon/lat; a feature counts when its geometry intersects the box, the
border included; features without geometry never match a box), property filters (``category=``:
equal as text; for list properties such as ``languages``: the list contains the value),
``sortby``, ``limit``/``offset`` and ``resulttype=hits`` (``numberMatched`` is always given).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from mapapp.config import get_settings
from mapapp.services.api_features import (
    COLLECTIONS,
    FeatureSet,
    collection_features,
    collection_version,
)


@dataclass(frozen=True)
class _Loaded:
    features: FeatureSet
    shapes: list[BaseGeometry | None]
    by_id: dict[str, int]


_LOCK = threading.Lock()
_LOADED: dict[str, _Loaded] = {}


def loaded(name: str) -> _Loaded:
    """The features of collection ``name`` at the store's current version (read when changed)."""
    settings = get_settings()
    version = collection_version(settings, name)
    with _LOCK:
        current = _LOADED.get(name)
        if current is not None and current.features.version == version:
            return current
        fs = collection_features(settings, name)
        shapes = [shape(f["geometry"]) if f.get("geometry") else None for f in fs.features]
        by_id = {str(f["id"]): i for i, f in enumerate(fs.features)}
        current = _Loaded(fs, shapes, by_id)
        _LOADED[name] = current
        return current


def _matches(value: Any, wanted: str) -> bool:
    if isinstance(value, list):
        return any(_matches(v, wanted) for v in value)
    if isinstance(value, bool):
        return str(value).lower() == wanted.strip().lower()
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value) == float(wanted)
        except ValueError:
            return False
    return value is not None and str(value) == wanted


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (2, "")
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


class StoreProvider(BaseProvider):  # type: ignore[misc]
    """Features of one collection of :mod:`mapapp.services.api_features` (``data`` = its name)."""

    def __init__(self, provider_def: dict[str, Any]) -> None:
        super().__init__(provider_def)
        if self.data not in COLLECTIONS:
            raise ProviderInvalidQueryError(f"unknown collection {self.data!r}")
        self.id_field = "id"
        self._fields = {k: {"type": v} for k, v in loaded(self.data).features.fields.items()}

    def get_fields(self) -> dict[str, dict[str, str]]:
        return dict(self._fields)

    def query(  # noqa: PLR0913 - pygeoapi's provider signature
        self,
        offset: int = 0,
        limit: int = 10,
        resulttype: str = "results",
        bbox: list[float] | None = None,
        datetime_: Any = None,
        properties: list[tuple[str, str]] | None = None,
        sortby: list[dict[str, str]] | None = None,
        select_properties: list[str] | None = None,
        skip_geometry: bool = False,
        q: Any = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        data = loaded(self.data)
        picked = self._filter(data, bbox or [], properties or [])
        for rule in reversed(sortby or []):
            prop, desc = rule["property"], rule.get("order") == "-"
            picked.sort(
                key=lambda i: _sort_key(data.features.features[i]["properties"].get(prop)),
                reverse=desc,
            )
        page = [] if resulttype == "hits" else picked[offset : offset + limit]
        features = [self._feature(data, i, select_properties or [], skip_geometry) for i in page]
        return {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": len(picked),
            "numberReturned": len(features),
        }

    def get(self, identifier: Any, **kwargs: Any) -> dict[str, Any]:
        data = loaded(self.data)
        index = data.by_id.get(str(identifier))
        if index is None:
            raise ProviderItemNotFoundError(f"no feature {identifier!r} in {self.data}")
        return self._feature(data, index, [], False)

    @staticmethod
    def _filter(data: _Loaded, bbox: list[float], properties: list[tuple[str, str]]) -> list[int]:
        area = box(*bbox[:4]) if len(bbox) >= 4 else None
        out = []
        for i, feature in enumerate(data.features.features):
            if area is not None:
                geom = data.shapes[i]
                if geom is None or not geom.intersects(area):
                    continue
            props = feature["properties"]
            if all(_matches(props.get(k), v) for k, v in properties):
                out.append(i)
        return out

    @staticmethod
    def _feature(
        data: _Loaded, index: int, select: list[str], skip_geometry: bool
    ) -> dict[str, Any]:
        feature = data.features.features[index]
        props = feature["properties"]
        if select:
            props = {k: v for k, v in props.items() if k in select}
        return {
            "type": "Feature",
            "id": feature["id"],
            "geometry": None if skip_geometry else feature["geometry"],
            "properties": dict(props),
        }
