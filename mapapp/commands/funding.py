"""``mapapp funding``: import the ministry's approval list, reset to the documented list, show.

Exit codes: 0 success; 1 the import has row errors (nothing stored); 2 unusable file or data
(one line on stderr, printed by :func:`mapapp.cli.main`).
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.analysis.funding import available_years
from mapapp.commands.options import years_option
from mapapp.config import Settings, get_settings
from mapapp.ingest.funding import import_file
from mapapp.ingest.funding_result import ImportResult
from mapapp.ingest.report import unusable_report
from mapapp.io.atomic import write_bytes, write_text
from mapapp.io.datasets import load_status
from mapapp.io.funding import registry_to_csv_frame
from mapapp.io.geopackage import FORMAT_GPKG, write_geopackage
from mapapp.io.tabular import CSV_DIALECTS, CSV_EXCEL, csv_bytes, sources_path, sources_text
from mapapp.model import DataError, YearSelection
from mapapp.render.captions import funding_attribution, funding_note
from mapapp.services import funding as funding_service
from mapapp.services.geopackages import funding_layer
from mapapp.services.table_exports import registry_table
from mapapp.text import t

_EPILOG = """\
Beispiele:
  mapapp funding import bewilligungen_2005-2012.xlsx --dry-run --report bericht.json
  mapapp funding import bewilligungen.csv
  mapapp funding show --format csv --years 2005-2007 > gefoerdert_2005-2007.csv
  mapapp funding show --format csv-excel --out gefoerdert.csv     (+ gefoerdert.quellen.txt)
  mapapp funding show --format gpkg --years 2005-2007 --out gefoerdert.gpkg
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
    show.add_argument(
        "--format",
        choices=("table", "csv", "csv-excel", "json", "gpkg"),
        default="table",
        help="csv: Komma, UTF-8, Spaltennamen für Skripte; csv-excel: für deutsches Excel (;, "
        "UTF-8 mit BOM, Dezimalkomma, deutsche Spaltenköpfe); gpkg: geförderte Kommunen mit "
        "Grenzen als GeoPackage für QGIS (EPSG:25832, mit Stil; braucht --out)",
    )
    show.add_argument(
        "--out",
        type=Path,
        metavar="DATEI",
        help="in DATEI schreiben statt auf stdout (csv, csv-excel, json, gpkg); bei csv und "
        "csv-excel die Quellenangabe in <Name>.quellen.txt daneben",
    )
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
    stored: str | None = None
    if result.ok and result.registry is not None and not args.dry_run:
        stored = funding_service.save_imported(settings, result.registry, _user(), "cli")
    if args.report:
        report = result.to_dict()
        report.update(unusable=False, stored=stored is not None, dry_run=bool(args.dry_run))
        if stored is not None:
            report["registry_path"] = stored
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


def _user() -> str:
    """Who imports or resets (the audit row of a list in the shared database): the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"


def run_reset(args: argparse.Namespace) -> int:
    path = funding_service.reset_imported(get_settings(), _user(), "cli")
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


def _sources(settings: Settings) -> list[str]:
    """The funding list the output comes from (documented and incomplete, or the import)."""
    info = funding_service.registry_info(settings)
    return [funding_note(info.imported, info.path)]


def _write_table(args: argparse.Namespace, settings: Settings, frame: pd.DataFrame) -> None:
    """``csv``/``csv-excel``: to stdout, or to ``--out`` with ``<stem>.quellen.txt`` beside it."""
    table = registry_table(frame, "de" if args.format == CSV_EXCEL else None)
    data = csv_bytes(table, args.format)
    if args.out is None:
        if args.format == CSV_EXCEL:  # bytes: the BOM and UTF-8 whatever the terminal uses
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data.decode("utf-8"))
        return
    lines = _sources(settings) + ([t("dl.ags_note")] if args.format == CSV_EXCEL else [])
    write_bytes(args.out, data)
    write_text(sources_path(args.out), sources_text(t("dl.sources.title"), lines))
    print(f"{len(frame)} Projekte → {args.out}, {sources_path(args.out)}", file=sys.stderr)


def _write_gpkg(
    args: argparse.Namespace, settings: Settings, years: tuple[int, ...] | None
) -> None:
    """``gpkg``: the Förderkarte units of ``years`` (all years with unknown ones when ``None``)
    with their full-resolution boundaries, styled as on the map."""
    if args.out is None:
        raise DataError("--format gpkg braucht --out DATEI.gpkg", field="--out")
    if args.boundaries == "off":
        raise DataError("--format gpkg braucht die Grenzen (nicht --boundaries off)")
    registry = funding_service.active_registry(settings)
    chosen = tuple(years) if years is not None else tuple(available_years(registry))
    boundaries = funding_service.boundaries(settings, 0)
    units = funding_service.units_for_years(
        settings, chosen, include_unknown=years is None, units=boundaries, registry=registry
    )
    label = YearSelection(chosen).label if chosen else ""
    attribution = " | ".join([funding_attribution(boundaries.year), *_sources(settings)])
    write_geopackage(args.out, [funding_layer(units, label, attribution)])
    funded = int(units["funded"].sum())
    print(f"{funded} geförderte Kommunen → {args.out} (gpkg)", file=sys.stderr)


def run_show(args: argparse.Namespace) -> int:
    settings = get_settings()
    years = years_option(args.years) if args.years else None
    if args.format == FORMAT_GPKG:
        _write_gpkg(args, settings, years)
        return 0
    frame = funding_service.shown_registry(settings, years, args.boundaries)
    if args.format in CSV_DIALECTS:
        _write_table(args, settings, frame)
    elif args.format == "json":
        text = json.dumps(_json_records(frame), ensure_ascii=False, indent=2) + "\n"
        if args.out is None:
            sys.stdout.write(text)
        else:
            write_text(args.out, text)
    else:
        info = funding_service.registry_info(settings)
        label = (
            f"importierte Liste {info.path}"
            if info.imported
            else f"dokumentierte Liste {Path(info.path).name}"
        )
        if frame.empty:
            print("(keine Einträge)")
        else:
            print(_table(frame))
        print(f"{len(frame)} Projekte, {frame['ags'].nunique()} Kommunen – {label}")
    return 0
