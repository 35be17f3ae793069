"""Run the OGC API – Features server: pygeoapi (Flask) with :class:`mapapp.api.provider.StoreProvider`.

pygeoapi reads its configuration and OpenAPI document from files named in the environment
(``PYGEOAPI_CONFIG``, ``PYGEOAPI_OPENAPI``) when its Flask module is imported; :func:`serve` writes
both into a temporary folder (removed when the server stops), sets the two variables, then
imports pygeoapi and runs its app with werkzeug's threaded server. Nothing is fetched online.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import yaml

from mapapp.config import (
    ATTRIBUTION_OSM,
    BKG_LICENCE,
    BKG_LICENCE_URL,
    CRS_WEB,
    TILE_URL,
    Settings,
)
from mapapp.io.datasets import load_boundaries
from mapapp.services.api_features import COLLECTIONS, collection_features

PROVIDER = "mapapp.api.provider.StoreProvider"

_TITLES: dict[str, tuple[str, str]] = {
    "offers": (
        "Integrationsangebote",
        "Integrationsangebote in NRW aus dem Angebotsspeicher der App (Punkte; Angebote, deren "
        "Lage nur als Kreis bekannt ist, ohne Geometrie; 'precision' sagt, wie genau ein Punkt ist).",
    ),
    "funded_units": (
        "KOMM-IN-geförderte Kommunen",
        "Kommunen der aktiven Förderliste, die in einem Jahr (auch ohne bekanntes Jahr) gefördert "
        "wurden, mit ihren Grenzen. Die dokumentierte Liste ist unvollständig.",
    ),
    "gemeinden_coverage": (
        "Versorgung je Gemeinde (Standard-Kennzahl)",
        "Zuletzt berechnete Standard-Kennzahl der Seite 'Versorgungslücken' je Gemeinde "
        "(Luftlinie zur nächsten Ausländerbehörde, ausländische Bevölkerung, Schwelle 10 km).",
    ),
}


def public_url(host: str, port: int) -> str:
    """The base URL clients use (a wildcard bind address is reached as ``127.0.0.1``)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host  # noqa: S104 - only a label
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def nrw_bbox(settings: Settings) -> list[float]:
    """WGS84 bounds of NRW from the boundary files (the collections' spatial extent)."""
    land = load_boundaries(settings).land.to_crs(CRS_WEB)
    return [round(float(v), 4) for v in land.total_bounds]


def pygeoapi_config(
    settings: Settings, host: str, port: int, url: str | None = None
) -> dict[str, Any]:
    """The pygeoapi configuration: server, metadata and one resource per collection."""
    bbox = nrw_bbox(settings)
    resources: dict[str, Any] = {}
    for name in COLLECTIONS:
        title, description = _TITLES[name]
        attribution = collection_features(settings, name).attribution
        resources[name] = {
            "type": "collection",
            "title": title,
            "description": f"{description} Quellen: {attribution}",
            "keywords": ["KOMM-IN NRW", name],
            "extents": {
                "spatial": {"bbox": bbox, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
            },
            "providers": [
                {
                    "type": "feature",
                    "name": PROVIDER,
                    "data": name,
                    "id_field": "id",
                    "title_field": "name",
                }
            ],
        }
    return {
        "server": {
            "bind": {"host": host, "port": port},
            "url": url or public_url(host, port),
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["de-DE", "en-US"],
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000, "on_exceed": "throttle"},
            "map": {"url": TILE_URL, "attribution": ATTRIBUTION_OSM},
            "admin": False,
        },
        "logging": {"level": "WARNING"},
        "metadata": {
            "identification": {
                "title": "KOMM-IN NRW Karte – OGC API Features",
                "description": "Integrationsangebote, KOMM-IN-Förderung und Versorgung in NRW (nur lesen).",
                "keywords": ["KOMM-IN NRW", "Integration", "OGC API Features"],
                "url": url or public_url(host, port),
                "terms_of_service": BKG_LICENCE_URL,
            },
            "license": {
                "name": f"Grenzen und Statistik: {BKG_LICENCE}; Angebote: Quelle je Angebot",
                "url": BKG_LICENCE_URL,
            },
            "provider": {"name": "KOMM-IN NRW Karte"},
            "contact": {"name": "KOMM-IN NRW Karte"},
        },
        "resources": resources,
    }


def write_config(config: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """Write the configuration and its OpenAPI document into ``folder``; returns both paths."""
    from pygeoapi.openapi import generate_openapi_document

    cfg = folder / "pygeoapi-config.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    openapi = folder / "pygeoapi-openapi.yml"
    openapi.write_text(generate_openapi_document(cfg, "yaml"), encoding="utf-8")
    return cfg, openapi


def make_app(config_path: Path, openapi_path: Path) -> Any:
    """pygeoapi's Flask app for the two files (its module reads them when first imported),
    answering in JSON only (:func:`json_only`)."""
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
    return json_only(importlib.import_module("pygeoapi.flask_app").APP)


#: Body of the answer to ``f=html``.
_NO_HTML = json.dumps(
    {
        "code": "NotAcceptable",
        "description": "Dieser Dienst liefert nur JSON/GeoJSON (f=json); HTML ist abgeschaltet.",
    }
).encode("utf-8")


def json_only(app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI wrapper: no HTML pages. pygeoapi's HTML templates put feature properties into a
    script with ``|safe`` and build popups by string concatenation, so an offer's name would run
    as code in the visitor's browser. ``f=html`` is refused (406); a request without ``f`` is
    answered as JSON whatever its ``Accept`` header says (browsers ask for HTML)."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        formats = [v.lower() for v in parse_qs(environ.get("QUERY_STRING", "")).get("f", [])]
        if any(f in ("html", "text/html") for f in formats):
            start_response(
                "406 Not Acceptable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(_NO_HTML)))],
            )
            return [_NO_HTML]
        if not formats:
            environ["HTTP_ACCEPT"] = "application/geo+json, application/json;q=0.9"
        return app(environ, start_response)

    return wrapped


def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    url: str | None = None,
    ready: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted; ``ready(url)`` is called once the socket listens."""
    from werkzeug.serving import make_server

    config = pygeoapi_config(settings, host, port, url)
    with tempfile.TemporaryDirectory(prefix="mapapp-api-") as tmp:
        app = make_app(*write_config(config, Path(tmp)))
        server = make_server(host, port, app, threaded=True)
        if ready is not None:
            ready(config["server"]["url"])
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
