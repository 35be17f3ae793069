"""``mapapp network``: build a routable street network from an OSM extract, list the built ones,
and write travel times ``origin,destination,cost`` (minutes) for ``mapapp coverage --cost``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from mapapp.commands.options import positive_float
from mapapp.config import get_settings
from mapapp.ingest.points import read_point_arrays
from mapapp.io.osm_profiles import CAR_KMH, MODES
from mapapp.services import network as service

_CAR_TABLE = ", ".join(f"{k} {v:g}" for k, v in CAR_KMH.items())
_EPILOG = f"""\
Straßennetz (OpenStreetMap, © OpenStreetMap-Mitwirkende, ODbL 1.0):
  walk   4,5 km/h auf jedem für Fußgänger offenen Weg (keine Autobahn, kein foot=no/access=no)
  bike   15 km/h auf jedem für Räder offenen Weg (keine Autobahn/Treppen, kein bicycle=no);
         Einbahnstraßen gelten, außer oneway:bicycle=no
  car    maxspeed, sonst nach Straßenklasse (km/h): {_CAR_TABLE};
         Einbahnstraßen (oneway=yes/-1, Kreisverkehr, Autobahn) gelten; ohne Ampeln und Stau
  --speed-kmh setzt eine Geschwindigkeit für alle Wege des Modus.

Kosten: Punkte (id,x,y in EPSG:25832) werden am nächsten Netzknoten angebunden; die Luftlinie
dorthin zählt mit der Geschwindigkeit des Modus (car: 30 km/h). Ausgabe: origin,destination,cost
(Minuten) für alle Paare bis --max-minutes, lesbar mit 'mapapp coverage --cost'.

Beispiel:
  mapapp fetch-data --only osm
  mapapp network build --mode walk
  mapapp network costs --network walk --from zellen.csv --to angebote.csv --max-minutes 30 \\
      --out minuten.csv
  mapapp coverage --demand zellen.csv --supply angebote.csv --cost minuten.csv \\
      --method nearest --max-cost 30 --out naechstes.csv
"""


def register(subparsers: Any) -> None:
    """Add ``network`` with ``build``, ``costs`` and ``list``."""
    parser = subparsers.add_parser(
        "network",
        help="Straßennetz aus OpenStreetMap bauen und Reisezeiten berechnen",
        description="Reisezeiten zu Fuß, mit dem Rad und mit dem Auto auf dem Straßennetz.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    forms = parser.add_subparsers(dest="action", required=True)
    build = forms.add_parser("build", help="routbares Netz eines Modus bauen und speichern")
    build.add_argument(
        "--osm",
        type=Path,
        metavar="DATEI.osm.pbf",
        help="OSM-Auszug (Standard: der neueste in MAPAPP_DATA_DIR/raw/osm)",
    )
    build.add_argument("--mode", choices=MODES, required=True)
    build.add_argument(
        "--speed-kmh",
        type=positive_float,
        metavar="V",
        help="eine Geschwindigkeit für alle Wege (Standard: walk 4,5, bike 15)",
    )
    build.add_argument(
        "--out",
        type=Path,
        metavar="ORDNER",
        help="Zielordner (Standard: MAPAPP_DATA_DIR/derived/network/MODUS)",
    )
    build.set_defaults(func=run_build)
    costs = forms.add_parser("costs", help="Reisezeiten (Minuten) zwischen zwei Punktdateien")
    costs.add_argument(
        "--network",
        required=True,
        metavar="ORDNER|MODUS",
        help="Netzordner oder walk/bike/car (gebautes Netz im Datenverzeichnis)",
    )
    costs.add_argument(
        "--from",
        dest="origins",
        type=Path,
        required=True,
        metavar="D.csv",
        help="Startpunkte id,x,y (z. B. Nachfrage)",
    )
    costs.add_argument(
        "--to",
        dest="destinations",
        type=Path,
        required=True,
        metavar="S.csv",
        help="Zielpunkte id,x,y (z. B. Angebote)",
    )
    costs.add_argument("--max-minutes", type=positive_float, required=True, metavar="M")
    costs.add_argument("--out", type=Path, required=True, metavar="C.csv")
    costs.add_argument(
        "--engine",
        choices=("pandana", "scipy"),
        help="Kürzeste Wege mit scipy (Dijkstra, Standard) oder pandana (Contraction Hierarchies)",
    )
    costs.set_defaults(func=run_costs)
    listing = forms.add_parser("list", help="gebaute Netze im Datenverzeichnis zeigen")
    listing.set_defaults(func=run_list)  # fmt: skip


def run_build(args: argparse.Namespace) -> int:
    settings = get_settings()
    osm = args.osm or service.find_extract(settings)
    if osm is None:
        print(
            f"mapapp: kein OSM-Auszug in {settings.osm_dir} – 'mapapp fetch-data --only osm' "
            "ausführen oder --osm DATEI angeben",
            file=sys.stderr,
        )
        return 2
    out = args.out or service.network_folder(settings, args.mode)
    info = service.build_network(Path(osm), args.mode, Path(out), args.speed_kmh)
    print(f"{_describe(info)}\ngespeichert in {info.folder}")
    return 0


def run_costs(args: argparse.Namespace) -> int:
    folder = service.resolve_network(get_settings(), args.network)
    origins = read_point_arrays(args.origins, value=None, need_xy=True)
    destinations = read_point_arrays(args.destinations, value=None, need_xy=True)
    costs = service.travel_costs(folder, origins, destinations, args.max_minutes, args.engine)
    service.write_costs(costs, args.out)
    snaps = np.concatenate((costs.origin_snap_m, costs.destination_snap_m))
    print(
        f"{len(costs.origin)} Paare bis {args.max_minutes:g} Minuten ({costs.info.mode}) "
        f"→ {args.out}\nAnbindung an das Netz: Median {np.median(snaps):.0f} m, "
        f"höchstens {snaps.max():.0f} m"
    )
    far = int((snaps > 1000).sum())
    if far:
        print(
            f"mapapp: {far} Punkte liegen über 1 km vom Netz entfernt (außerhalb des Auszugs?)",
            file=sys.stderr,
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    found = service.available_networks(get_settings())
    if not found:
        print("kein Straßennetz gebaut – 'mapapp network build --mode walk|bike|car'")
    for info in found:
        print(f"{_describe(info)}  [{info.folder}]")
    return 0


def _describe(info: service.NetworkInfo) -> str:
    speed = "maxspeed/Straßenklasse"
    if info.speed_kmh:
        speed = f"{info.speed_kmh:g} km/h".replace(".", ",")
    return (
        f"{info.mode}: {info.nodes} Knoten, {info.edges} Kanten, {speed}; "
        f"Auszug {info.extract_name} vom {info.extract_date or 'unbekannt'}"
    )


__all__ = ["register"]
