"""User task "serve the data as OGC API Features" (``mapapp serve-api``): each collection as
GeoJSON features in WGS84, with a version string that changes whenever the data does.

Collections (:data:`COLLECTIONS`):

- ``offers`` – every offer of the one seeded store (:func:`mapapp.services.offers.open_store`);
  an offer known only by its Kreis has no geometry (``null``, RFC 7946 "unlocated").
- ``funded_units`` – the Kommunen of the active funding registry funded in any year (also the
  projects whose year is unknown), with their boundaries (:func:`mapapp.services.funding
  .units_for_years`).
- ``gemeinden_coverage`` – the coverage measure per Gemeinde with the default parameters
  (:class:`~mapapp.analysis.coverage.params.CoverageParams` ``()``), computed through
  :func:`mapapp.services.coverage.compute` and kept in ``derived/api/gemeinden_coverage.json``
  (written atomically). The file carries the stamp of its inputs (offer store version, boundary,
  Zensus and INKAR files); a stale or damaged file is computed again.

The server asks :func:`collection_version` on every request and reads a collection anew
(:func:`collection_features`) only when the version changed, so the collections stay equal to
the store while the server runs.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.funding import available_years
from mapapp.config import CRS_WEB, Settings
from mapapp.io import datasets
from mapapp.io.atomic import write_text
from mapapp.io.boundaries import find_boundary_archive
from mapapp.io.offers_export import offers_attribution, offers_to_geojson
from mapapp.offers_model import Offer
from mapapp.services import coverage as coverage_service
from mapapp.services import funding as funding_service
from mapapp.services import offers as offer_service
from mapapp.text import t
from mapapp.text.coverage import attribution as coverage_attribution

OFFERS = "offers"
FUNDED_UNITS = "funded_units"
GEMEINDEN_COVERAGE = "gemeinden_coverage"
COLLECTIONS: tuple[str, ...] = (OFFERS, FUNDED_UNITS, GEMEINDEN_COVERAGE)

#: Layout version of the stored coverage file (part of its stamp).
_COVERAGE_LAYOUT = 1
#: Decimal places of polygon coordinates in WGS84 degrees (about 1 cm).
_POLYGON_DECIMALS = 7


@dataclass(frozen=True)
class FeatureSet:
    """One collection: its GeoJSON features (WGS84), property types and attribution."""

    version: str
    features: list[dict[str, Any]]
    #: property -> JSON type ("string", "number", "integer", "boolean", "array")
    fields: dict[str, str]
    attribution: str


def coverage_path(settings: Settings) -> Any:
    """Where the default coverage per Gemeinde is kept."""
    return settings.derived_dir / "api" / "gemeinden_coverage.json"


# --------------------------------------------------------------------------------------------
# versions
# --------------------------------------------------------------------------------------------


def _file_stamp(path: Any) -> str:
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{path.name}:{st.st_size}:{st.st_mtime_ns}"


def _boundary_stamp(settings: Settings) -> str:
    return _file_stamp(find_boundary_archive(settings.raw_dir))


def collection_version(settings: Settings, name: str) -> str:
    """A token that changes when the data of collection ``name`` changes (cheap: no data read)."""
    if name == OFFERS:
        return offer_service.open_store(settings).data_version()
    if name == FUNDED_UNITS:
        info = funding_service.registry_info(settings)
        return f"{info.path}:{info.mtime}|{_boundary_stamp(settings)}"
    if name == GEMEINDEN_COVERAGE:
        return coverage_stamp(settings)
    raise KeyError(name)


def coverage_stamp(settings: Settings) -> str:
    """The inputs of the default coverage: offers, boundaries, Zensus, INKAR, parameters."""
    parts = (
        f"layout={_COVERAGE_LAYOUT}",
        f"params={CoverageParams()!r}",
        f"offers={offer_service.open_store(settings).data_version()}",
        f"boundaries={_boundary_stamp(settings)}",
        f"zensus={coverage_service.population_stamp(settings)}",
        f"inkar={coverage_service.inkar_stamp(settings)}",
    )
    return "|".join(parts)


def collection_features(settings: Settings, name: str) -> FeatureSet:
    """The features of collection ``name`` (:data:`COLLECTIONS`)."""
    if name == OFFERS:
        return offer_features(settings)
    if name == FUNDED_UNITS:
        return funded_unit_features(settings)
    if name == GEMEINDEN_COVERAGE:
        return gemeinden_coverage_features(settings)
    raise KeyError(name)


# --------------------------------------------------------------------------------------------
# offers
# --------------------------------------------------------------------------------------------


def _offer_fields() -> dict[str, str]:
    """Property -> JSON type of an offer feature, from the :class:`Offer` record's fields."""
    out: dict[str, str] = {}
    for f in dataclasses.fields(Offer):
        if f.name in ("lon", "lat"):
            continue  # the geometry
        kind = str(f.type)
        out[f.name] = (
            "array" if "tuple" in kind else "boolean" if "bool" in kind
            else "number" if "float" in kind else "string"
        )  # fmt: skip
    out["category_label"] = "string"
    return out


def offer_features(settings: Settings) -> FeatureSet:
    """Every stored offer as a GeoJSON feature (:func:`mapapp.io.offers_export.offers_to_geojson`)."""
    store = offer_service.open_store(settings)
    version = store.data_version()
    offers = store.all()
    collection = offers_to_geojson(offers)
    return FeatureSet(version, collection["features"], _offer_fields(), offers_attribution(offers))


# --------------------------------------------------------------------------------------------
# funded units
# --------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """A JSON-safe property value: NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT:
        return None
    return value


def _json_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    sample = next((v for v in series if v is not None), None)
    return "array" if isinstance(sample, tuple | list) else "string"


def _frame_features(
    frame: gpd.GeoDataFrame, id_column: str
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """GeoJSON features (WGS84, coordinates rounded) of a frame, ids from ``id_column``."""
    web = frame.to_crs(CRS_WEB)
    web = web.set_geometry(web.geometry.set_precision(10**-_POLYGON_DECIMALS))
    columns = [c for c in web.columns if c != web.geometry.name]
    geo = json.loads(web.geometry.to_json(drop_id=True))["features"]
    features = []
    for rec, g in zip(web[columns].to_dict("records"), geo, strict=True):
        props = {k: _json_value(v) for k, v in rec.items()}
        features.append(
            {
                "type": "Feature",
                "id": str(props[id_column]),
                "geometry": g["geometry"],
                "properties": props,
            }
        )
    return features, {c: _json_type(web[c]) for c in columns}


def funded_unit_features(settings: Settings) -> FeatureSet:
    """The funded Kommunen (any year, also unknown years) with their boundaries."""
    version = collection_version(settings, FUNDED_UNITS)
    registry = funding_service.active_registry(settings)
    boundaries = funding_service.boundaries(settings, datasets.WEB_SIMPLIFY_M)
    units = funding_service.units_for_years(
        settings,
        available_years(registry),
        include_unknown=True,
        units=boundaries,
        registry=registry,
    )
    funded = units[units["funded"]].reset_index(drop=True)
    features, fields = _frame_features(funded, "ags")
    attribution = t("fk.attr", bkg=t("attr.bkg", year=boundaries.year))
    return FeatureSet(version, features, fields, attribution)


# --------------------------------------------------------------------------------------------
# default coverage per Gemeinde
# --------------------------------------------------------------------------------------------


def _read_stored_coverage(settings: Settings, stamp: str) -> dict[str, Any] | None:
    """The stored coverage when it exists, is readable and has ``stamp``; else ``None``."""
    path = coverage_path(settings)
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict) or stored.get("stamp") != stamp:
        return None
    if not isinstance(stored.get("features"), list) or not isinstance(stored.get("fields"), dict):
        return None
    return stored


def compute_default_coverage(settings: Settings) -> dict[str, Any]:
    """Compute the default coverage per Gemeinde and keep it (atomic write); returns the stored
    document (``stamp``, ``params``, ``attribution``, ``fields``, ``features``)."""
    stamp = coverage_stamp(settings)
    params = CoverageParams()
    result = coverage_service.compute(settings, params)
    gemeinden = datasets.load_boundaries(settings, simplify_m=datasets.WEB_SIMPLIFY_M).gemeinden
    table = result.gemeinden.drop(columns=["name"], errors="ignore")
    frame = gemeinden[["ags", "name", "kreis_ags", "geometry"]].merge(table, on="ags", how="inner")
    frame["method"] = params.method.value
    frame["demand_kind"] = params.demand.value
    frame["threshold_m"] = float(params.threshold_m)
    frame["categories"] = ";".join(params.categories)
    features, fields = _frame_features(gpd.GeoDataFrame(frame, geometry="geometry"), "ags")
    doc = {
        "stamp": stamp,
        "params": repr(params),
        "attribution": coverage_attribution(result),
        "fields": fields,
        "features": features,
    }
    write_text(coverage_path(settings), json.dumps(doc, ensure_ascii=False, allow_nan=False))
    return doc


def gemeinden_coverage_features(settings: Settings) -> FeatureSet:
    """The stored default coverage per Gemeinde; computed (and stored) when missing or stale."""
    stamp = coverage_stamp(settings)
    doc = _read_stored_coverage(settings, stamp) or compute_default_coverage(settings)
    return FeatureSet(stamp, doc["features"], dict(doc["fields"]), str(doc["attribution"]))


__all__ = [
    "COLLECTIONS",
    "FUNDED_UNITS",
    "GEMEINDEN_COVERAGE",
    "OFFERS",
    "FeatureSet",
    "collection_features",
    "collection_version",
    "compute_default_coverage",
    "coverage_path",
    "coverage_stamp",
    "gemeinden_coverage_features",
]
