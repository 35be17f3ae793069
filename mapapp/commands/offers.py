"""``mapapp offers``: import offer lists, search the nearest offers, export the stored offers.

Exit codes of ``offers import``: 0 = every row stored, 1 = some rows rejected (the others are stored
unless ``--all-or-nothing``), 2 = the file itself is unusable (one line on stderr, nothing stored).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mapapp.analysis.offers import OfferFilter
from mapapp.catalogue import german
from mapapp.commands.offers_edit import os_user, register_edit
from mapapp.commands.offers_fresh import register_fresh
from mapapp.commands.offers_wegweiser import register_wegweiser
from mapapp.commands.options import int_range, positive_float
from mapapp.config import ATTRIBUTION_OSM_DATA, ATTRIBUTION_PLZ, get_settings
from mapapp.ingest.offer_terms import parse_category, parse_language
from mapapp.ingest.report import ImportReport, unusable_report
from mapapp.io.atomic import write_text
from mapapp.io.datasets import WEB_SIMPLIFY_M, load_boundaries
from mapapp.io.hsds import write_hsds
from mapapp.io.hsds_import import zip_folder
from mapapp.io.offers import DEFAULT_MAX_BYTES, read_offer_file
from mapapp.io.offers_export import offers_attribution, offers_to_geojson
from mapapp.model import DataError, DataMissingError, OfferCategory
from mapapp.offers_model import TargetGroup, category_label
from mapapp.services import accounts
from mapapp.services.offers import (
    geo_context,
    import_exit_code,
    import_offers,
    open_store,
    responsible,
    search_near,
)

_EPILOG = """\
Beispiele:
  mapapp offers import angebote.csv --dry-run --report bericht.json
  mapapp offers import angebote.xlsx --all-or-nothing
  mapapp offers near Münster --category migrationsberatung_erwachsene --limit 5 --format json
  mapapp offers near "51.96,7.63" --language ar
  mapapp offers responsible Kerpen --format json
  mapapp offers export --format html --out angebote.html
  mapapp offers export --format hsds --out hsds-paket/
  mapapp offers import hsds-paket/        (oder hsds-paket.zip)
  mapapp offers update ID --set phone="0251 1234" --if-version 3 --as anna
  mapapp offers revert ID --to 2 --as anna

Zeilennummern im Bericht: wie in der Tabellenkalkulation (Kopfzeile = 1), GeoJSON: Feature-Nummer ab 1.
"""


def register(subparsers: Any) -> None:
    """Add ``offers import|near|responsible|export|update|revert``."""
    parser = subparsers.add_parser(
        "offers",
        help="Integrationsangebote importieren, suchen, exportieren",
        description="Integrationsangebote: Import (CSV/XLSX/GeoJSON), Umkreissuche, Export.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="offers_command", required=True)
    _register_import(sub)
    _register_near(sub)
    register_wegweiser(sub)
    _register_responsible(sub)
    register_edit(sub)
    register_fresh(sub)
    p_exp = sub.add_parser("export", help="gespeicherte Angebote exportieren")
    p_exp.add_argument(
        "--format",
        choices=("csv", "csv-excel", "geojson", "gpkg", "hsds", "html"),
        required=True,
        help="csv: Komma, UTF-8, Spaltennamen für Skripte; csv-excel: für deutsches Excel "
        "(;, UTF-8 mit BOM, Dezimalkomma, deutsche Spaltenköpfe); beide mit Quellenangabe in "
        "<Name>.quellen.txt daneben; gpkg: GeoPackage für QGIS (EPSG:25832, mit Stil); hsds: "
        "Open-Referral-HSDS-3.0-Datenpaket (--out ist ein Ordner)",
    )
    p_exp.add_argument("--out", type=Path, required=True, help="Zieldatei (hsds: Zielordner)")
    p_exp.set_defaults(func=_cmd_export)


def _register_import(sub: Any) -> None:
    p_imp = sub.add_parser("import", help="Angebotsliste einlesen und speichern")
    p_imp.add_argument(
        "file", type=Path, help="CSV, XLSX, GeoJSON oder ein HSDS-Datenpaket (Ordner oder Zip)"
    )
    p_imp.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts speichern")
    p_imp.add_argument(
        "--all-or-nothing",
        action="store_true",
        help="nichts speichern, wenn eine Zeile abgelehnt wird",
    )
    p_imp.add_argument("--report", type=Path, help="Bericht als JSON in diese Datei schreiben")
    p_imp.add_argument(
        "--offline", action="store_true", help="keinen Online-Geocoder fragen (nur Gazetteer)"
    )
    p_imp.add_argument(
        "--max-bytes",
        type=int_range(1),
        default=DEFAULT_MAX_BYTES,
        help="größte erlaubte Datei in Bytes, >= 1 (Standard: %(default)s)",
    )
    p_imp.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="NAME",
        help="wer importiert (Standard: OS-Benutzer); mit Konten: dessen Bereich gilt, Zeilen "
        "außerhalb werden mit Grund abgelehnt",
    )
    p_imp.set_defaults(func=_cmd_import)


def _register_near(sub: Any) -> None:
    p_near = sub.add_parser("near", help="nächste Angebote zu einem Ort oder Punkt")
    p_near.add_argument("place", help="Gemeindename, Sitz-PLZ oder 'lat,lon' (WGS84)")
    p_near.add_argument(
        "--category", action="append", default=[], help="Kategorie (mehrfach möglich)"
    )
    p_near.add_argument(
        "--language", action="append", default=[], help="Sprache, ISO 639-1 oder Name"
    )
    p_near.add_argument(
        "--target-group",
        action="append",
        default=[],
        choices=[t.value for t in TargetGroup],
        help="Zielgruppe",
    )
    p_near.add_argument("--barrier-free", action="store_true", help="nur barrierefreie Angebote")
    p_near.add_argument(
        "--limit", type=int_range(1), default=10, help="Anzahl, >= 1 (Standard: %(default)s)"
    )
    p_near.add_argument(
        "--max-distance-km",
        type=positive_float,
        metavar="KM",
        help="höchstens so weit entfernt (Zahl > 0)",
    )
    p_near.add_argument("--format", choices=("json", "text"), default="text")
    p_near.set_defaults(func=_cmd_near)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _summary(report: ImportReport) -> str:
    if report.dry_run:
        action = "Probelauf, nichts gespeichert"
    elif report.stored:
        action = f"gespeichert: {report.inserted} neu, {report.updated} aktualisiert"
    elif report.rejected and report.accepted:
        action = "nichts gespeichert (--all-or-nothing)"
    else:
        action = "nichts gespeichert"
    return (
        f"{report.file}: {report.rows_read} Zeilen, {report.accepted} angenommen, "
        f"{len(report.rejected)} abgelehnt, {len(report.warnings)} Warnungen – {action}"
    )


# --------------------------------------------------------------------------------------------
# import
# --------------------------------------------------------------------------------------------


def _cmd_import(args: argparse.Namespace) -> int:
    settings = get_settings()
    path: Path = args.file
    try:
        data = (
            zip_folder(path, args.max_bytes)
            if path.is_dir()
            else read_offer_file(path, args.max_bytes)
        )
        who = accounts.cli_account(settings, args.actor or os_user(), dry_run=args.dry_run)
        ctx = geo_context(settings, online=not args.offline)
        store = None if args.dry_run else open_store(settings, ctx)
        report = import_offers(
            data,
            path.name,
            ctx,
            store,
            dry_run=args.dry_run,
            all_or_nothing=args.all_or_nothing,
            max_bytes=args.max_bytes,
            actor=who.name,
            account=who.account,
        )
    except (DataError, DataMissingError) as exc:
        if args.report:
            failed = unusable_report(path.name, exc, dry_run=bool(args.dry_run))
            write_text(args.report.expanduser(), json.dumps(failed, ensure_ascii=False, indent=2))
        raise
    print(_summary(report))
    for issue in report.rejected[:50]:
        where = f"Zeile {issue.row}" + (f", {issue.field}" if issue.field else "")
        print(f"  abgelehnt ({where}): {issue.message}")
    if len(report.rejected) > 50:
        print(f"  … {len(report.rejected) - 50} weitere (siehe --report)")
    if args.report:
        write_text(
            args.report.expanduser(), json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
        )
    return import_exit_code(report)


# --------------------------------------------------------------------------------------------
# near
# --------------------------------------------------------------------------------------------


def _filter_from_args(args: argparse.Namespace) -> OfferFilter:
    cats: list[OfferCategory] = []
    for text in args.category:
        cat = parse_category(text)
        if cat is None:
            raise DataError(
                f"Kategorie '{text}' unbekannt (erlaubt: {', '.join(c.value for c in OfferCategory)})",
                field="category",
            )
        cats.append(cat)
    langs: list[str] = []
    for text in args.language:
        code = parse_language(text)
        if code is None:
            raise DataError(f"Sprache '{text}' ist kein ISO-639-1-Code", field="language")
        langs.append(code)
    return OfferFilter(
        categories=frozenset(cats),
        languages=frozenset(langs),
        target_groups=frozenset(TargetGroup(t) for t in args.target_group),
        barrier_free=args.barrier_free,
    )


def _cmd_near(args: argparse.Namespace) -> int:
    flt = _filter_from_args(args)
    found = search_near(
        get_settings(),
        args.place,
        flt=flt,
        limit=args.limit,
        max_distance_m=None if args.max_distance_km is None else args.max_distance_km * 1000,
    )
    hits, label = found.hits, found.point.label
    if args.format == "json":
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
        return 0
    if found.point.source:  # PLZ area or OpenStreetMap: say how exact
        label = f"{label} – {german('prec.' + str(found.point.precision))}"
    print(f"Nächste Angebote zu {label}:")
    credit = {"plz": f"PLZ-Gebiete: {ATTRIBUTION_PLZ}", "osm": f"Adressen: {ATTRIBUTION_OSM_DATA}"}
    if found.point.source in credit:
        print(f"  ({credit[found.point.source]})")
    if not hits:
        print("  keine passenden Angebote")
    for h in hits:
        o = h.offer
        if h.distance_m is None:
            print(
                f"  {'–':>10}  {o.name} – {o.category_label} [im Kreis {o.kreis_ags} – Standort nicht erfasst]"
            )
            continue
        approx = "" if o.precision.value == "address" else f" [Lage ungefähr: {o.precision.value}]"
        print(f"  {h.distance_m / 1000:7.2f} km  {o.name} – {o.category_label}{approx}")
    return 0


# --------------------------------------------------------------------------------------------
# responsible
# --------------------------------------------------------------------------------------------


def _register_responsible(sub: Any) -> None:
    p_resp = sub.add_parser(
        "responsible",
        help="zuständige Ausländerbehörde und Kommunales Integrationszentrum für einen Wohnort",
    )
    p_resp.add_argument("place", help="Gemeindename, PLZ, Adresse oder 'lat,lon' (WGS84)")
    p_resp.add_argument("--format", choices=("json", "text"), default="text")
    p_resp.set_defaults(func=_cmd_responsible)


def _cmd_responsible(args: argparse.Namespace) -> int:
    found = responsible(get_settings(), args.place)
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in found], ensure_ascii=False, indent=2))
        return 0
    first = found[0]
    print(f"Zuständig für {first.responsible_for_name} (AGS {first.responsible_for_ags}):")
    for r in found:
        where = r.address or "Adresse nicht erfasst"
        approx = ""
        if r.precision is not None and r.precision.value != "address":
            approx = f" [Lage ungefähr: {r.precision.value}]"
        print(f"  {category_label(r.category)}: {r.name} – {where}{approx}")
        if r.offer is not None and r.offer.phone:
            print(f"      Telefon: {r.offer.phone}")
    return 0


# --------------------------------------------------------------------------------------------
# export
# --------------------------------------------------------------------------------------------


def _cmd_export(args: argparse.Namespace) -> int:
    settings = get_settings()
    ctx = geo_context(settings, online=False)
    store = open_store(settings, ctx)
    offers = store.all()
    year: int | None = None
    background = None
    try:
        boundaries = load_boundaries(settings, simplify_m=WEB_SIMPLIFY_M)
        year = boundaries.year or None
        background = boundaries.kreise
    except (DataError, FileNotFoundError) as exc:
        print(f"mapapp: Grenzen für die Karte nicht geladen ({exc})", file=sys.stderr)
    # the HTML map draws the Kreis boundaries simplified: "(Daten verändert)"
    attribution = offers_attribution(
        offers, bkg_year=year, bkg_modified=args.format == "html" and background is not None
    )
    if args.format == "hsds":
        written = write_hsds(offers, args.out.expanduser(), attribution)
        print(
            f"{len(offers)} Angebote → {args.out}/ ({len(written)} Dateien, hsds)", file=sys.stderr
        )
        return 0
    if args.format in ("csv", "csv-excel", "gpkg"):
        from mapapp.services.offers_download import write_offer_files  # GDAL/openpyxl on use

        written = write_offer_files(args.out.expanduser(), offers, args.format, attribution)
        files = ", ".join(str(p) for p in written)
        print(f"{len(offers)} Angebote → {files} ({args.format})", file=sys.stderr)
        return 0
    if args.format == "geojson":
        text = json.dumps(offers_to_geojson(offers, attribution), ensure_ascii=False)
    else:
        from mapapp.render.offers import export_offers_html  # map stack only when needed

        text = export_offers_html(offers, background=background, attribution=attribution)
    write_text(args.out.expanduser(), text)
    print(f"{len(offers)} Angebote → {args.out} ({args.format})", file=sys.stderr)
    return 0
