"""``mapapp funding``: import the ministry's approval list, reset to the documented list, show.

Exit codes: 0 success; 1 the import has row errors (nothing stored); 2 unusable file or data
(one line on stderr, printed by :func:`mapapp.cli.main`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.commands.options import years_option
from mapapp.config import get_settings
from mapapp.ingest.funding import import_file
from mapapp.ingest.funding_result import ImportResult
from mapapp.ingest.report import unusable_report
from mapapp.io.atomic import write_text
from mapapp.io.datasets import load_status
from mapapp.io.funding import (
    active_registry_path,
    registry_to_csv_frame,
    reset_registry,
    save_registry,
)
from mapapp.io.tabular import to_safe_csv
from mapapp.model import DataError
from mapapp.services import funding as funding_service

_EPILOG = """\
Beispiele:
  mapapp funding import bewilligungen_2005-2012.xlsx --dry-run --report bericht.json
  mapapp funding import bewilligungen.csv
  mapapp funding show --format csv --years 2005-2007 > gefoerdert_2005-2007.csv
  mapapp funding reset
"""


def register(subparsers: Any) -> None:
    """Add ``funding import|reset|show``."""
    parser = subparsers.add_parser(
        "funding",
        help="Förderliste: Bewilligungsliste importieren, zurücksetzen, anzeigen",
        description=(
            "Die Karte zeigt die dokumentierte Förderliste (öffentliche Quellen) oder – nach einem "
            "Import – die vollständige Bewilligungsliste des Ministeriums."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="funding_command", required=True)
    _register_import(sub)
    reset = sub.add_parser(
        "reset",
        help="importierte Liste löschen (zurück zur dokumentierten Liste)",
        description="Löscht die importierte Bewilligungsliste; danach gilt wieder die dokumentierte Liste.",
    )
    reset.set_defaults(func=run_reset)
    _register_show(sub)


def _register_import(sub: Any) -> None:
    imp = sub.add_parser(
        "import",
        help="Bewilligungsliste (CSV/XLSX) prüfen und übernehmen",
        description=(
            "Prüft jede Zeile (Kommune -> AGS, Jahre 2005–2012, Typ Kreis/Stadt, Dubletten) und "
            "speichert die Liste nur, wenn keine Zeile fehlerhaft ist. Exit 0 = übernommen, "
            "1 = Zeilenfehler (nichts gespeichert), 2 = Datei unbrauchbar."
        ),
    )
    imp.add_argument(
        "file", type=Path, help="CSV (; , oder Tab; UTF-8 oder Windows-1252) oder .xlsx"
    )
    imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    imp.add_argument(
        "--report", type=Path, metavar="PATH.json", help="Prüfbericht als JSON schreiben"
    )
    imp.add_argument(
        "--source",
        metavar="TEXT",
        help="Quellenangabe für Zeilen ohne Spalte Quelle (Standard: 'Import: <Dateiname>')",
    )
    imp.set_defaults(func=run_import)


def _register_show(sub: Any) -> None:
    show = sub.add_parser(
        "show",
        help="aktive Förderliste mit amtlichen Namen ausgeben",
        description=(
            "Gibt die aktive Förderliste aus, verknüpft mit den Verwaltungsgrenzen/dem "
            "Statusverzeichnis: ags, name (amtlich), unit_type, funding_years (2005;2006), "
            "project_title, focus, amount_eur, year_confidence, source_url."
        ),
    )
    show.add_argument("--format", choices=("table", "csv", "json"), default="table")
    show.add_argument(
        "--years", metavar="JAHRE", help="nur diese Förderjahre, z. B. 2005-2007 oder 2005,2007"
    )
    show.add_argument(
        "--boundaries",
        choices=("auto", "require", "off"),
        default="auto",
        help=(
            "gegen die BKG-Grenzen im Datenverzeichnis prüfen: auto = wenn vorhanden (Standard), "
            "require = Pflicht, off = nur Statusverzeichnis"
        ),
    )
    show.set_defaults(func=run_show)


# --------------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------------


def _print_report(result: ImportResult, out: Any) -> None:
    info = result.info
    where = ", ".join(
        f"{label} {info[key]!r}" if key == "delimiter" else f"{label} {info[key]}"
        for key, label in (
            ("encoding", "Kodierung"),
            ("delimiter", "Trennzeichen"),
            ("sheet", "Blatt"),
        )
        if key in info
    )
    print(
        f"Import: {result.file}"
        + (f" ({where}, Kopfzeile {info.get('header_row')})" if where else ""),
        file=out,
    )
    for target, cols in result.columns.items():
        print(f"  Spalte {' + '.join(repr(c) for c in cols)} -> {target}", file=out)
    print(
        f"Zeilen gelesen: {result.rows_read}, übernommen: {result.accepted}, "
        f"übersprungen: {result.rows_skipped}, Fehler: {len(result.errors)}, "
        f"Warnungen: {len(result.warnings)}",
        file=out,
    )
    for err in result.errors:
        print(f"FEHLER   {err}", file=out)
    for warn in result.warnings:
        print(f"WARNUNG  {warn}", file=out)


def _write_report(path: Path, report: dict[str, Any]) -> None:
    write_text(path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")


def run_import(args: argparse.Namespace) -> int:
    settings = get_settings()

    status = load_status(settings)
    try:
        result = import_file(args.file, status, default_source=args.source)
    except DataError as exc:
        if args.report:
            _write_report(args.report, unusable_report(str(args.file), exc, dry_run=args.dry_run))
        raise
    _print_report(result, sys.stdout)
    stored: Path | None = None
    if result.ok and result.registry is not None and not args.dry_run:
        stored = save_registry(result.registry, settings)
    if args.report:
        report = result.to_dict()
        report.update(unusable=False, stored=stored is not None, dry_run=bool(args.dry_run))
        if stored is not None:
            report["registry_path"] = str(stored)
        _write_report(args.report, report)
    if not result.ok:
        print("Nichts gespeichert: erst alle Fehler beheben (es wird nichts teilweise importiert).")
        print(
            f"mapapp: {args.file.name}: {len(result.errors)} fehlerhafte Angabe(n) – nichts importiert",
            file=sys.stderr,
        )
        return 1
    if stored is None:
        print("Probelauf (--dry-run): nichts gespeichert.")
    else:
        print(
            f"Gespeichert: {stored} – ersetzt ab jetzt die dokumentierte Liste ('mapapp funding reset' macht das rückgängig)."
        )
    return 0


# --------------------------------------------------------------------------------------------
# reset
# --------------------------------------------------------------------------------------------


def run_reset(args: argparse.Namespace) -> int:
    path = reset_registry(get_settings())
    if path is not None:
        print(f"Gelöscht: {path} – aktiv ist wieder die dokumentierte Liste.")
    else:
        print("Keine importierte Liste vorhanden – aktiv ist die dokumentierte Liste.")
    return 0


# --------------------------------------------------------------------------------------------
# show
# --------------------------------------------------------------------------------------------


def _json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        amount = rec["amount_eur"]
        rec["funding_years"] = list(rec["funding_years"])
        rec["focus"] = list(rec["focus"])
        rec["amount_eur"] = None if amount is None or math.isnan(float(amount)) else float(amount)
        out.append({str(k): v for k, v in rec.items()})
    return out


def _table(frame: pd.DataFrame, width: int = 60) -> str:
    flat = registry_to_csv_frame(frame)[
        ["ags", "name", "unit_type", "funding_years", "year_confidence", "project_title"]
    ]
    flat = flat.assign(
        project_title=[
            t if len(t) <= width else t[: width - 1] + "…" for t in flat["project_title"]
        ]
    )
    return flat.to_string(index=False)


def run_show(args: argparse.Namespace) -> int:
    settings = get_settings()
    years = years_option(args.years) if args.years else None
    frame = funding_service.shown_registry(settings, years, args.boundaries)
    if args.format == "csv":
        sys.stdout.write(to_safe_csv(registry_to_csv_frame(frame)))
    elif args.format == "json":
        sys.stdout.write(json.dumps(_json_records(frame), ensure_ascii=False, indent=2) + "\n")
    else:
        path, imported = active_registry_path(settings)
        label = f"importierte Liste {path}" if imported else f"dokumentierte Liste {path.name}"
        if frame.empty:
            print("(keine Einträge)")
        else:
            print(_table(frame))
        print(f"{len(frame)} Projekte, {frame['ags'].nunique()} Kommunen – {label}")
    return 0
