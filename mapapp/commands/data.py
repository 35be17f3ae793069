"""``mapapp fetch-data`` fills the data directory; ``mapapp doctor`` checks and repairs it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mapapp.config import get_settings
from mapapp.io.fetch import (
    BOUNDARY_PRODUCTS,
    DownloadOptions,
    FetchError,
    fetch_all,
    known_items,
)

_EPILOG = """\
Quellen:
  ohne --source     MAPAPP_MIRROR, sonst die offiziellen Adressen (BKG, Destatis)
  --source ORDNER   lokaler Spiegel wie shared/geodata (bkg/, destatis/, zensus2022/, inkar/)
  --source URL      Basis-URL mit demselben Aufbau oder die URL einer einzelnen Datei

Beispiele:
  mapapp fetch-data --if-missing --source ../shared/geodata
  mapapp fetch-data --boundaries vg5000
  mapapp fetch-data --only zensus_grid
  mapapp fetch-data --only osm          OpenStreetMap-Auszug NRW (Geofabrik, ca. 0,9 GB) nach
                                        raw/osm/ – Straßennetz für 'mapapp network build'
  mapapp fetch-data --source https://download.geofabrik.de/europe/germany/nordrhein-westfalen/koeln-regbez-latest.osm.pbf
                                        nur ein Regierungsbezirk (arnsberg, detmold, duesseldorf,
                                        koeln, muenster)
"""


def register(subparsers: Any) -> None:
    """Add the ``fetch-data`` and ``doctor`` subcommands."""
    _register_fetch(subparsers)
    _register_doctor(subparsers)


def _register_fetch(subparsers: Any) -> None:
    keys = sorted(known_items())
    parser = subparsers.add_parser(
        "fetch-data",
        help="amtliche Daten herunterladen oder aus einem Spiegel kopieren",
        description=(
            "Lädt die amtlichen Dateien (BKG-Verwaltungsgrenzen, Destatis GV-ISys; aus einem "
            "Spiegel auch Zensus-2022-Gemeindewerte und INKAR) ins Datenverzeichnis "
            "(MAPAPP_DATA_DIR/raw). Danach arbeitet die App offline."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--source",
        metavar="PFAD_ODER_URL",
        help="Spiegelordner, Basis-URL oder Datei-URL (Standard: MAPAPP_MIRROR, sonst offiziell)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        choices=keys,
        metavar="KEY",
        help=f"nur diese Dateien ({', '.join(keys)})",
    )
    parser.add_argument(
        "--boundaries",
        choices=BOUNDARY_PRODUCTS,
        default="vg250",
        help="Grenzprodukt des BKG (Standard: vg250)",
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="vorhandene, geprüfte Dateien überspringen",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="alles neu holen (hat Vorrang vor --if-missing), angefangene Downloads verwerfen",
    )
    parser.add_argument(
        "--retries",
        type=_non_negative_int,
        default=DownloadOptions.retries,
        help="weitere Versuche bei Verbindungsfehlern/5xx (Standard: %(default)s)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        default=DownloadOptions.read_timeout,
        metavar="SEKUNDEN",
        help="Lese-Timeout je Download (Standard: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fetch, print the summary (stdout) and one line per distinct failure (stderr)."""
    options = DownloadOptions(
        retries=args.retries,
        read_timeout=args.timeout,
        connect_timeout=min(DownloadOptions.connect_timeout, args.timeout),
    )
    try:
        report = fetch_all(
            get_settings(),
            source=args.source,
            only=args.only,
            boundaries=args.boundaries,
            if_missing=args.if_missing,
            force=args.force,
            options=options,
        )
    except FetchError as exc:
        print(f"mapapp: {exc}", file=sys.stderr)
        return 2
    print("\n".join(report.summary_lines()))
    for line in report.error_lines():
        print(f"mapapp: {line}", file=sys.stderr)
    return 0 if report.ok else 1


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("muss ≥ 0 sein")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("muss > 0 sein")
    return value


# --------------------------------------------------------------------------------------------
# mapapp doctor
# --------------------------------------------------------------------------------------------

_DOCTOR_EPILOG = """\
Prüft jede Datei des Datenverzeichnisses:
  raw/      amtliche Dateien gegen die Prüfsummen in raw/manifest.json
  derived/  Zwischenspeicher: lesbar und stimmig? Beschädigte werden neu erstellt.
  store/    Angebote, Anmeldesperre, importierte Förderliste: lesbar (PRAGMA quick_check)?

Exit-Code 0: alles in Ordnung oder repariert; 1: etwas braucht Sie (siehe die Zeile).
"""


def _register_doctor(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="Datenverzeichnis prüfen und Zwischenspeicher reparieren",
        description=(
            "Prüft Rohdaten, Zwischenspeicher und Speicher im Datenverzeichnis, erstellt "
            "beschädigte Zwischenspeicher neu und sagt für alles andere, was zu tun ist."
        ),
        epilog=_DOCTOR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(func=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    """``mapapp doctor`` (the checks need geopandas: loaded only for this command)."""
    from mapapp.commands import doctor

    return doctor.run(args)
