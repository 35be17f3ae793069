"""``mapapp serve-api``: the read-only OGC API – Features server beside the app.

Collections ``offers``, ``funded_units`` and ``gemeinden_coverage`` (see
:mod:`mapapp.services.api_features`); pygeoapi (:mod:`mapapp.api.server`) is imported only when the
command runs. Stops with Ctrl+C.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mapapp.commands.options import int_range
from mapapp.config import get_settings

_EPILOG = """\
Sammlungen (GeoJSON, WGS84): offers, funded_units, gemeinden_coverage.
Abfragen: /collections/offers/items?bbox=6.9,51.2,7.2,51.5&category=auslaenderbehoerde&limit=50&offset=0

QGIS: Layer → Layer hinzufügen → WFS-/OGC-API-Features-Layer hinzufügen → Neu,
URL http://127.0.0.1:5000 (ohne /collections), Version "OGC API - Features".

Beispiel:
  mapapp serve-api --host 127.0.0.1 --port 5000
"""


def register(subparsers: Any) -> None:
    """Add ``serve-api``."""
    parser = subparsers.add_parser(
        "serve-api",
        help="OGC API Features (nur lesen) für QGIS und andere Programme",
        description="Startet einen OGC-API-Features-Server (pygeoapi) über den Daten der App.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="Adresse (Standard: %(default)s)")
    parser.add_argument(
        "--port", type=int_range(1, 65535), default=5000, help="Port (Standard: %(default)s)"
    )
    parser.add_argument(
        "--url",
        help="öffentliche Basis-URL, wenn der Server hinter einem Proxy erreichbar ist "
        "(Standard: http://HOST:PORT)",
    )
    parser.set_defaults(func=_cmd_serve_api)


def _cmd_serve_api(args: argparse.Namespace) -> int:
    from mapapp.api.server import serve  # pygeoapi and Flask only for this command

    def ready(url: str) -> None:
        print(f"OGC API Features: {url} (Beenden mit Strg+C)", file=sys.stderr, flush=True)

    print("Sammlungen werden vorbereitet …", file=sys.stderr, flush=True)
    serve(get_settings(), args.host, args.port, url=args.url, ready=ready)
    return 0
