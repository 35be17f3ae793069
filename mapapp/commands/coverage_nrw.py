"""``mapapp coverage nrw``: the coverage-gap pipeline on the NRW data (same numbers as the page).

Registering the form imports only argparse helpers and the parameter vocabulary; the NRW pipeline
(:mod:`mapapp.services.coverage`: boundaries, grid, geopandas) is imported when the form runs, so
``mapapp coverage`` on CSV files stays free of the geo stack.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapapp.analysis.accessibility.pairs import PairLimitError
from mapapp.analysis.coverage.params import (
    DEFAULT_CELL_SIZE_M,
    DEFAULT_THRESHOLD_M,
    EXPORT_LEVELS,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.commands.options import positive_float, weight_options
from mapapp.config import get_settings
from mapapp.io.tabular import CSV_DIALECTS, CSV_EXCEL
from mapapp.model import DataError, OfferCategory

if TYPE_CHECKING:
    from mapapp.analysis.coverage.result import CoverageResult

_NRW_EPILOG = """\
Rechnet wie die Seite "Versorgungslücken" (dieselbe Funktion, dieselben Zahlen): die Menschen
jeder Gemeinde (Zensus 2022, sonst GV-ISys) nach Fläche auf ein Raster verteilt, Luftlinie zum
nächsten Angebot der gewählten Kategorien aus dem Angebotsspeicher der App.
Mit --population-grid stattdessen die Einwohner des Zensus-2022-Gitters (1 km) an den echten
Zellmittelpunkten (Datei: mapapp fetch-data --only zensus_grid).

Ausgabe --out, Format --format:
  csv (Standard)   Komma, UTF-8, Spaltennamen für Skripte; keine Kommentarzeile: Parameter und
                   Quellenangabe stehen in <Name>.quellen.txt daneben
  csv-excel        dieselben Zeilen für deutsches Excel: ;, UTF-8 mit BOM, Dezimalkomma,
                   deutsche Spaltenköpfe (+ <Name>.quellen.txt)
  xlsx             Arbeitsmappe: Gemeinden, Kreise (mit --level cell auch die Rasterzellen),
                   Blatt "Quellen und Lizenz"
  gpkg             GeoPackage für QGIS (EPSG:25832): Ebenen gemeinden, kreise, zellen mit
                   Grenzen, Farben und Klassen wie auf der Seite; Quellenangabe in den Metadaten
Spalten (csv, csv-excel) je --level:
  --level gemeinde|kreis   Rangliste: level,rank,ags,name,population[,foreign_population],
                           demand,demand_beyond,share_beyond_pct,mean_nearest_km,offers,value
                           (nach demand_beyond absteigend; value = gewählte Kennzahl:
                           nearest km, share %, 2sfca/e2sfca je 100.000, per_capita je 10.000)
  --level cell             je Zellstück: cell_id,ags,kreis_ags,x,y,population[,...],demand,
                           nearest_m (LEER ohne Angebot),nearest_id,beyond,value
Auf stdout: die Kernaussage ("x % der ausländischen Bevölkerung leben mehr als ...").

Achtung: Die mitgelieferten Angebotsdaten sind unvollständig; die Ergebnisse zeigen Lücken in
den Daten ebenso wie echte Versorgungslücken.

Beispiel:
  mapapp coverage nrw --category migrationsberatung_erwachsene --threshold 10000 \\
      --method nearest --demand foreign --cell-size 1000 --level kreis --out mbe_kreise.csv
"""


def register_nrw(forms: Any) -> None:
    """Add the ``nrw`` form below ``mapapp coverage``."""
    nrw = forms.add_parser(
        "nrw",
        help="Versorgungslücken auf den NRW-Daten (wie die Seite)",
        description="Versorgungslücken auf den NRW-Daten je Gemeinde, Kreis oder Rasterzelle.",
        epilog=_NRW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    nrw.add_argument(
        "--category",
        action="append",
        required=True,
        choices=[c.value for c in OfferCategory],
        metavar="KATEGORIE",
        help="Angebotskategorie (mehrfach möglich), z. B. migrationsberatung_erwachsene, "
        "auslaenderbehoerde",
    )
    nrw.add_argument(
        "--threshold", type=positive_float, default=DEFAULT_THRESHOLD_M, metavar="M",
        help="Schwelle in Metern (Standard: %(default)g)",
    )  # fmt: skip
    nrw.add_argument(
        "--method", choices=[m.value for m in Method], default=Method.NEAREST.value,
        help="Kennzahl (Standard: %(default)s)",
    )  # fmt: skip
    nrw.add_argument(
        "--demand", choices=[d.value for d in DemandKind], default=DemandKind.FOREIGN.value,
        help="Nachfrage (Standard: %(default)s)",
    )  # fmt: skip
    nrw.add_argument(
        "--cell-size", type=positive_float, default=DEFAULT_CELL_SIZE_M, metavar="M",
        help="Rasterweite in Metern (Standard: %(default)g)",
    )  # fmt: skip
    nrw.add_argument(
        "--max-cost", type=positive_float, metavar="M",
        help="Einzugsbereich für 2sfca/e2sfca in Metern (Standard: die Schwelle)",
    )  # fmt: skip
    weights = nrw.add_mutually_exclusive_group()
    weights.add_argument("--steps", metavar="GRENZE:GEWICHT,...", help="Stufengewichte (e2sfca)")
    weights.add_argument(
        "--gaussian", type=positive_float, metavar="SIGMA", help="Gauß-Gewicht (e2sfca)"
    )
    nrw.add_argument(
        "--exclude-kreis-area", action="store_true",
        help="Angebote am Kreissitz (nur über ihren Kreis verortet) nicht zählen; "
        "Angebote ohne Standort zählen nie",
    )  # fmt: skip
    nrw.add_argument(
        "--foreign-year", type=int, metavar="JAHR",
        help="ausländische Bevölkerung mit dem INKAR-Ausländeranteil des Kreises in JAHR "
        "(z. B. 2006) statt Zensus 2022 je Gemeinde",
    )  # fmt: skip
    nrw.add_argument(
        "--population-grid", action="store_true",
        help="Bevölkerung aus dem Zensus-2022-Gitter 1 km statt Gemeindezahlen flächig verteilt "
        "(Datei: mapapp fetch-data --only zensus_grid)",
    )  # fmt: skip
    nrw.add_argument("--level", choices=EXPORT_LEVELS, default="gemeinde")
    nrw.add_argument(
        "--format", choices=(*CSV_DIALECTS, "xlsx", "gpkg"), default="csv",
        help="Dateiformat (Standard: %(default)s; siehe unten)",
    )  # fmt: skip
    nrw.add_argument("--out", required=True, type=Path, metavar="OUT.csv")
    nrw.set_defaults(func=run_nrw)


def _nrw_params(args: argparse.Namespace) -> CoverageParams:
    """The parameters of the page from the options (``DataError`` naming a bad one)."""
    weight_fn = weight_options(args)
    try:
        return CoverageParams(
            categories=tuple(args.category),
            threshold_m=args.threshold,
            method=args.method,
            demand=args.demand,
            cell_size_m=args.cell_size,
            max_cost_m=args.max_cost,
            weights=weight_fn,
            include_kreis_area=not args.exclude_kreis_area,
            foreign_year=args.foreign_year,
        )
    except ValueError as exc:
        raise DataError(str(exc)) from None


def run_nrw(args: argparse.Namespace) -> int:
    """``mapapp coverage nrw``: the page's pipeline on the configured data directory."""
    # The NRW pipeline (boundaries, grid: geopandas) is imported only for this form, so the CSV
    # form stays free of the geo stack.
    from mapapp.services import coverage
    from mapapp.text.coverage import headline_sentence

    params = _nrw_params(args)
    try:
        result = coverage.compute(get_settings(), params, population_grid=args.population_grid)
    except PairLimitError as exc:  # name the option that sets the catchment
        option = "--max-cost" if args.max_cost is not None else "--threshold"
        raise PairLimitError(exc.estimate, exc.limit, field=option) from None
    _write(args, result)
    print(headline_sentence(result.headline))
    return 0


def _write(args: argparse.Namespace, result: CoverageResult) -> None:
    """The result in ``--format`` to ``--out`` (and the sources file beside a CSV)."""
    # openpyxl, GDAL and the style tables only for the format that needs them
    from mapapp.io.atomic import write_bytes, write_text
    from mapapp.io.tabular import sources_path, sources_text
    from mapapp.services import table_exports
    from mapapp.text import t

    if args.format == "gpkg":
        from mapapp.io.datasets import load_boundaries
        from mapapp.io.geopackage import write_geopackage
        from mapapp.services.geopackages import coverage_layers

        b = load_boundaries(get_settings())
        write_geopackage(args.out, coverage_layers(result, b.gemeinden, b.kreise))
        return
    if args.format == "xlsx":
        write_bytes(args.out, table_exports.coverage_xlsx(result, "de", cells=args.level == "cell"))
        return
    write_bytes(args.out, table_exports.coverage_csv(result, args.level, args.format))
    lines = table_exports.coverage_sources(result, "de")
    if args.format == CSV_EXCEL:
        lines.append(t("dl.ags_note"))
    write_text(sources_path(args.out), sources_text(t("dl.sources.title"), lines))


__all__ = ["register_nrw", "run_nrw"]
