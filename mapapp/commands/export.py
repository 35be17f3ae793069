"""``mapapp export-map``: the Förderkarte as a file for presentations (PNG, SVG, PDF or HTML).

Exit codes: 0 written; 2 bad arguments or missing/unusable data (one line on stderr, printed by
:func:`mapapp.cli.main`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import geopandas as gpd

from mapapp.analysis.funding import CLASS_FUNDED_KREIS
from mapapp.commands.options import years_option
from mapapp.config import Settings, get_settings
from mapapp.io import atomic, datasets
from mapapp.io.boundaries import Boundaries
from mapapp.model import DataError, YearSelection
from mapapp.render.captions import funding_attribution, funding_note
from mapapp.services import funding as funding_service

#: ``--format`` choices; ``html`` is the interactive, standalone (offline) map.
EXPORT_FORMATS = ("png", "svg", "pdf", "html")

_EPILOG = """\
Formate:
  png    A4 quer, 300 dpi (3508 × 2480 px) – für Folien und Druck
  svg    A4 quer, Vektor mit echtem Text – zum Weiterbearbeiten
  pdf    A4 quer, Vektor, Schrift eingebettet – zum Drucken und Versenden
  html   interaktive Karte in einer Datei, funktioniert offline

Beispiele:
  mapapp export-map --years 2005-2007 --format png --out foerderkarte_2005-2007.png
  mapapp export-map --years 2005,2007 --format pdf --out karte.pdf --title "Förderung 2005 und 2007"
  mapapp export-map --years 2005-2012 --format html --out foerderkarte.html --include-unknown
"""


def register(subparsers: Any) -> None:
    """Add the ``export-map`` subcommand."""
    parser = subparsers.add_parser(
        "export-map",
        help="Förderkarte als PNG/SVG/PDF (A4 quer) oder HTML exportieren",
        description=(
            "Schreibt die Förderkarte der gewählten Jahre in eine Datei: statisch als A4-Querformat "
            "(PNG 300 dpi, SVG, PDF; ohne Hintergrundkacheln, offline) oder als eigenständige, "
            "interaktive HTML-Datei. Daten aus dem Datenverzeichnis (MAPAPP_DATA_DIR)."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--years",
        required=True,
        metavar="JAHRE",
        help="Förderjahr(e) 2005–2012: 2005, 2005-2007 oder 2005,2007",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=EXPORT_FORMATS,
        help="Dateiformat (Standard: aus der Endung von --out)",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="PFAD", help="Zieldatei")
    parser.add_argument(
        "--include-unknown",
        action="store_true",
        help="Projekte ohne bekanntes Förderjahr einbeziehen",
    )
    parser.add_argument("--title", metavar="TEXT", help="Titel (Standard: KOMM-IN NRW – …)")
    parser.add_argument(
        "--note",
        metavar="TEXT",
        help="Hinweis zur Datenlage (Standard: je nach geladener Förderliste)",
    )
    parser.add_argument(
        "--dpi",
        type=_dpi,
        default=300,
        help="Auflösung für PNG (Standard: %(default)s)",
    )
    parser.add_argument(
        "--no-labels", action="store_true", help="keine Namen in der Karte (PNG/SVG/PDF)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the arguments, load the data, render and write the file atomically."""
    selection = parse_years(args.years)
    fmt = _format(args.fmt, args.out)
    settings = get_settings()
    boundaries = datasets.load_boundaries(settings, simplify_m=datasets.WEB_SIMPLIFY_M)
    units = funding_service.units_for_years(
        settings, selection.years, args.include_unknown, units=boundaries
    )
    label = selection.label
    shown = funding_service.completeness(settings, units, selection.years)
    if fmt == "html":
        data = _html(units, boundaries, label, args.title, shown).encode("utf-8")
    else:  # matplotlib only for the static formats
        from mapapp.render.funding_sheet import static_funding_map

        data = static_funding_map(
            units,
            boundaries,
            years_label=label,
            fmt=fmt,
            title=args.title,
            dpi=args.dpi,
            note=args.note if args.note is not None else default_note(settings),
            labels=not args.no_labels,
            completeness=shown,
        )
    atomic.write_bytes(args.out, data)
    funded = units[units["funded"].astype(bool)]
    n_kreise = int((funded["map_class"] == CLASS_FUNDED_KREIS).sum())
    print(
        f"{args.out} geschrieben ({fmt}, {len(data) / 1024:.0f} KB): {len(funded)} geförderte "
        f"Kommunen {label} ({n_kreise} Kreise, {len(funded) - n_kreise} Städte)"
    )
    return 0


def _html(
    units: gpd.GeoDataFrame,
    boundaries: Boundaries,
    label: str,
    title: str | None,
    completeness: str,
) -> str:
    """Standalone HTML via :func:`funding_html`; with the same pieces when a title is given."""
    # folium (HTML) and matplotlib (PNG/PDF/SVG) are loaded only for the format asked for
    from mapapp.render.funding_map import funding_html

    if not title:
        return funding_html(units, boundaries, label, completeness=completeness)
    from mapapp.render.assets import standalone_html
    from mapapp.render.funding_map import funding_map

    m = funding_map(
        units,
        boundaries.gemeinden,
        boundaries.rb,
        title=title,
        attribution=funding_attribution(boundaries.year),
        tiles=False,
        popups=True,
        subtitle=completeness,
    )
    return standalone_html(m)


def parse_years(text: str) -> YearSelection:
    """``--years`` as a :class:`YearSelection` within the programme years (2005–2012).

    Raises
    ------
    DataError
        Unparsable text or a year outside :data:`mapapp.config.PROGRAMME_YEARS`.
    """
    return YearSelection(years_option(text))


def default_note(settings: Settings) -> str:
    """Completeness note for the active funding list (documented list or an import)."""
    info = funding_service.registry_info(settings)
    return funding_note(info.imported, info.path)


def _format(fmt: str | None, out: Path) -> str:
    if fmt:
        return str(fmt)
    suffix = out.suffix.lower().lstrip(".")
    if suffix == "htm":
        return "html"
    if suffix in EXPORT_FORMATS:
        return suffix
    raise DataError(
        f"--format fehlt und die Endung von {out.name!r} ist keins von {', '.join(EXPORT_FORMATS)}"
    )


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' ist keine ganze Zahl") from exc
    if not 50 <= value <= 1200:
        raise argparse.ArgumentTypeError("muss zwischen 50 und 1200 liegen")
    return value
