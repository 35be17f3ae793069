"""``mapapp coverage``: nearest offer, 2SFCA or E2SFCA for points from CSV files, and
``mapapp coverage nrw``: the coverage-gap pipeline on the NRW data (same numbers as the page).

The CSV form needs numpy, pandas and scipy only: this module imports neither geopandas, folium,
matplotlib nor streamlit (a test checks ``sys.modules``); ``coverage nrw`` imports the NRW
pipeline (:mod:`mapapp.services.coverage`, geopandas) when it runs.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility import (
    CostTable,
    GaussianWeights,
    PairLimitError,
    StepWeights,
    WeightFunction,
    enhanced_two_stage_fca,
    gaussian_weights,
    nearest_cost,
    two_stage_fca,
)
from mapapp.analysis.coverage.params import (
    DEFAULT_CELL_SIZE_M,
    DEFAULT_THRESHOLD_M,
    EXPORT_LEVELS,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.commands.options import int_range, positive_float
from mapapp.config import get_settings
from mapapp.ingest.points import NRW_X_RANGE, NRW_Y_RANGE, read_costs, read_points
from mapapp.io.tabular import FORMULA_PREFIXES
from mapapp.model import DataError, OfferCategory

_EPILOG = """\
Eingaben (CSV mit Kopfzeile, Trennzeichen , oder ; - bei ; auch Dezimalkomma):
  --demand   id,x,y,demand      Nachfrage, z. B. Einwohner je Gitterzelle (>= 0)
  --supply   id,x,y,capacity    Angebote mit Kapazität (>= 0; für nearest nicht nötig)
  --cost     origin,destination,cost
             optional: Kostenmatrix eines Routers (z. B. Minuten) statt Luftlinie; dann sind
             x,y nicht nötig, --max-cost und Gewichte sind in derselben Einheit. Nicht
             aufgeführte Paare gelten als unerreichbar, unbekannte ids werden ignoriert.
  x, y in Metern, EPSG:25832 (ETRS89 / UTM 32N), in und um NRW: x 200.000–620.000,
  y 5.500.000–5.900.000 (sonst Abbruch, z. B. bei Grad statt Metern). Nachfrage- und
  Angebotsdatei brauchen mindestens eine Datenzeile.

Ausgabe --out: id,value für jede Nachfragezeile in Eingabereihenfolge.
  nearest   value = Entfernung (m) bzw. Kosten zum nächsten Angebot; LEER, wenn innerhalb
            --max-cost kein Angebot liegt (ohne --max-cost: unbegrenzt).
  2sfca     value = Kapazität je Nachfrageeinheit im Einzugsbereich (cost <= --max-cost);
  e2sfca    dasselbe mit Distanzgewichten; 0, wenn kein Angebot erreichbar ist.
            (Wie PySAL access; "inf" nur, wenn ein Angebot ausschließlich Zellen ohne
            Nachfrage erreicht und die Zelle selbst Nachfrage 0 hat.)
  Gewichte für e2sfca: --steps GRENZE:GEWICHT,... (Gewicht gilt bis einschließlich GRENZE,
  darüber 0) oder --gaussian SIGMA (exp(-c²/2σ²)); ohne Angabe 1 / 0,68 / 0,22 in Dritteln
  von --max-cost.

Exit-Code 0 bei Erfolg, 2 bei fehlerhafter Eingabe (eine Zeile auf stderr mit Datei, Zeile, Feld)
und bei ungültigen Optionswerten (Entfernungen, Schwellen, Sigma: endliche Zahlen > 0).

Beispiel:
  mapapp coverage --demand zellen.csv --supply mbe.csv --method e2sfca --max-cost 15000 \\
      --steps 5000:1,10000:0.68,15000:0.22 --out e2sfca.csv

Auf den NRW-Daten (Bevölkerungsraster, Angebote der App; wie die Seite "Versorgungslücken"):
  mapapp coverage nrw --category migrationsberatung_erwachsene --threshold 10000 \\
      --method nearest --demand foreign --out gemeinden.csv      (mapapp coverage nrw --help)
"""

_NRW_EPILOG = """\
Rechnet wie die Seite "Versorgungslücken" (dieselbe Funktion, dieselben Zahlen): die Menschen
jeder Gemeinde (Zensus 2022, sonst GV-ISys) nach Fläche auf ein Raster verteilt, Luftlinie zum
nächsten Angebot der gewählten Kategorien aus dem Angebotsspeicher der App.
Mit --population-grid stattdessen die Einwohner des Zensus-2022-Gitters (1 km) an den echten
Zellmittelpunkten (Datei: mapapp fetch-data --only zensus_grid).

Ausgabe --out (CSV, erste Zeile "# Parameter | Quellenangabe"):
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


#: Most threads ``--workers`` may ask for.
_MAX_WORKERS = 64


def register(subparsers: Any) -> None:
    """Add the ``coverage`` subcommand."""
    parser = subparsers.add_parser(
        "coverage",
        help="Erreichbarkeit: nächstes Angebot, 2SFCA, E2SFCA",
        description=(
            "Berechnet für jeden Nachfragepunkt die Entfernung zum nächsten Angebot oder das "
            "Angebot je Nachfrage im Einzugsbereich (2SFCA / E2SFCA, wie PySAL access)."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Required for this form (checked in run): the "nrw" form below takes other options.
    parser.add_argument("--demand", type=Path, metavar="D.csv", help="Pflicht")
    parser.add_argument("--supply", type=Path, metavar="S.csv", help="Pflicht")
    parser.add_argument("--method", choices=("nearest", "2sfca", "e2sfca"), help="Pflicht")
    parser.add_argument(
        "--max-cost",
        type=positive_float,
        metavar="M",
        help="Einzugsbereich in Metern (bzw. Kosteneinheiten), einschließlich; "
        "für 2sfca/e2sfca Pflicht",
    )
    weights = parser.add_mutually_exclusive_group()
    weights.add_argument("--steps", metavar="GRENZE:GEWICHT,...", help="Stufengewichte (e2sfca)")
    weights.add_argument(
        "--gaussian", type=positive_float, metavar="SIGMA", help="Gauß-Gewicht (e2sfca)"
    )
    parser.add_argument("--cost", type=Path, metavar="C.csv", help="Kostenmatrix (lang)")
    parser.add_argument(
        "--workers",
        type=int_range(1, _MAX_WORKERS),
        default=1,
        help=f"Threads, 1 bis {_MAX_WORKERS} (Standard: %(default)s)",
    )
    parser.add_argument("--out", type=Path, metavar="OUT.csv", help="Pflicht")
    parser.set_defaults(func=run)
    forms = parser.add_subparsers(dest="form", metavar="{nrw}")
    _register_nrw(forms)


def _register_nrw(forms: Any) -> None:
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
        help="Angebote ohne eigenen Standort (nur Kreisgebiet) nicht zählen",
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
    nrw.add_argument("--out", required=True, type=Path, metavar="OUT.csv")
    nrw.set_defaults(func=run_nrw)


def _fast_points(path: Path, columns: list[str], value: str | None) -> pd.DataFrame | None:
    """The common case in one pass of pandas' C parser: UTF-8, exact header, clean numbers, unique
    ids, points in NRW. ``None`` when anything is unusual; the careful reader
    (:func:`mapapp.ingest.points.read_points`: any encoding and delimiter) then reads the file
    and names file, row and field of a problem.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
        sep = ";" if header.count(";") > header.count(",") else ","
        if [c.strip() for c in header.rstrip("\r\n").split(sep)] != header.rstrip("\r\n").split(
            sep
        ) or not set(columns) <= set(header.rstrip("\r\n").split(sep)):
            return None
        numeric = [c for c in columns if c != "id"]
        read = pd.read_csv(
            path,
            sep=sep,
            dtype={"id": str, **dict.fromkeys(numeric, np.float64)},
            na_filter=False,
            encoding="utf-8-sig",
            decimal="," if sep == ";" else ".",
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    # a row with more fields than the header would turn the first column into an index
    if read.empty or not isinstance(read.index, pd.RangeIndex) or read.index.start != 0:
        return None
    frame = read[columns]
    ids = frame["id"].str.strip()
    values = frame[numeric].to_numpy(dtype=np.float64)
    if (ids == "").any() or ids.duplicated().any() or not np.isfinite(values).all():
        return None
    if value is not None and (frame[value].to_numpy() < 0).any():
        return None
    if "x" in frame.columns:
        x, y = frame["x"].to_numpy(), frame["y"].to_numpy()
        inside = (x >= NRW_X_RANGE[0]) & (x <= NRW_X_RANGE[1])
        inside &= (y >= NRW_Y_RANGE[0]) & (y <= NRW_Y_RANGE[1])
        if not inside.all():
            return None
    frame["id"] = ids
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # spreadsheet row numbers
    return frame


def _read_points(path: Path, value: str | None, need_xy: bool) -> pd.DataFrame:
    columns = ["id"] + (["x", "y"] if need_xy else []) + ([value] if value else [])
    fast = _fast_points(path, columns, value)
    if fast is not None:
        return fast
    return read_points(path, value=value, need_xy=need_xy)


def _weights(args: argparse.Namespace, max_cost: float) -> WeightFunction | None:
    if args.method != "e2sfca":
        for option, given in (("--steps", args.steps), ("--gaussian", args.gaussian)):
            if given is not None:
                raise DataError("nur mit --method e2sfca", field=option)
        return None
    if args.steps is not None:
        try:
            return StepWeights.parse(args.steps)
        except ValueError as exc:
            raise DataError(str(exc), field="--steps") from None
    if args.gaussian is not None:
        try:
            return gaussian_weights(args.gaussian)
        except ValueError as exc:
            raise DataError(str(exc), field="--gaussian") from None
    return StepWeights.classic(max_cost)


def run(args: argparse.Namespace) -> int:
    """Read the CSVs, compute the measure, write ``id,value``."""
    for option, value in (
        ("--demand", args.demand),
        ("--supply", args.supply),
        ("--method", args.method),
        ("--out", args.out),
    ):
        if value is None:
            raise DataError("fehlt (oder 'mapapp coverage nrw ...' verwenden)", field=option)
    max_cost: float | None = args.max_cost  # finite and > 0 (checked by argparse)
    if args.method != "nearest" and max_cost is None:
        raise DataError(f"für --method {args.method} nötig", field="--max-cost")
    limit = max_cost if max_cost is not None else math.inf
    weight_fn = _weights(args, limit)
    need_xy = args.cost is None
    demand = _read_points(args.demand, None if args.method == "nearest" else "demand", need_xy)
    supply = _read_points(args.supply, None if args.method == "nearest" else "capacity", need_xy)
    table = CostTable(read_costs(args.cost)) if args.cost is not None else None

    try:
        values = _measure(args, demand, supply, table, max_cost, limit, weight_fn)
    except PairLimitError as exc:  # name the option to change
        raise PairLimitError(exc.estimate, exc.limit, field="--max-cost") from None
    args.out.write_text(_result_csv(demand["id"], values), encoding="utf-8", newline="")
    return 0


def _result_csv(ids: pd.Series, values: pd.Series) -> str:
    """``id,value`` as CSV text. Ids are text and neutralised against spreadsheet formulas (a
    leading ``=``, ``+``, ``-``, ``@`` … gets ``'``); values are numbers and written as they are
    (no per-cell check)."""
    text = ids.astype(str)
    risky = text.str.startswith(FORMULA_PREFIXES).to_numpy()
    if risky.any():
        text = text.where(~risky, "'" + text)
    numbers = values.to_numpy(dtype=float)
    if text.str.contains(r'[",\r\n]', regex=True).any():  # ids that need CSV quoting
        out = pd.DataFrame({"id": text.to_numpy(), "value": numbers})
        return out.to_csv(index=False, lineterminator="\n")
    # the same text as DataFrame.to_csv (repr of each float, NaN empty), without its overhead
    if np.isnan(numbers).any():
        cells: list[object] = ["" if v != v else repr(v) for v in numbers.tolist()]
        rows = map("{},{}".format, text.tolist(), cells)
    else:
        rows = map("{},{!r}".format, text.tolist(), numbers.tolist())
    return "id,value\n" + "\n".join(rows) + "\n"


def _measure(
    args: argparse.Namespace,
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    table: CostTable | None,
    max_cost: float | None,
    limit: float,
    weight_fn: WeightFunction | None,
) -> pd.Series:
    """The chosen measure per demand row (``nan`` for nearest without an offer in reach)."""
    if args.method == "nearest":
        result = nearest_cost(
            demand,
            supply,
            max_cost=max_cost,
            cost=table,
            demand_id="id",
            supply_id="id",
            workers=args.workers,
        )
        return result["cost"].replace(np.inf, np.nan)  # written as an empty field
    if args.method == "2sfca":
        return two_stage_fca(
            demand,
            supply,
            demand_value="demand",
            supply_value="capacity",
            max_cost=max_cost,
            cost=table,
            demand_id="id",
            supply_id="id",
            workers=args.workers,
        )
    return enhanced_two_stage_fca(
        demand,
        supply,
        demand_value="demand",
        supply_value="capacity",
        max_cost=limit,
        weight_fn=weight_fn,
        cost=table,
        demand_id="id",
        supply_id="id",
        workers=args.workers,
    )


def _nrw_params(args: argparse.Namespace) -> CoverageParams:
    weight_fn: StepWeights | GaussianWeights | None = None
    if args.method != "e2sfca":
        for option, given in (("--steps", args.steps), ("--gaussian", args.gaussian)):
            if given is not None:
                raise DataError("nur mit --method e2sfca", field=option)
    try:
        if args.steps is not None:
            weight_fn = StepWeights.parse(args.steps)
        elif args.gaussian is not None:
            weight_fn = gaussian_weights(args.gaussian)
    except ValueError as exc:
        raise DataError(str(exc), field="--steps" if args.steps else "--gaussian") from None
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
    from mapapp.analysis.coverage.exports import export_table
    from mapapp.io.tabular import to_safe_csv
    from mapapp.services import coverage
    from mapapp.text.coverage import export_comment, headline_sentence

    params = _nrw_params(args)
    try:
        result = coverage.compute(get_settings(), params, population_grid=args.population_grid)
    except PairLimitError as exc:  # name the option that sets the catchment
        option = "--max-cost" if args.max_cost is not None else "--threshold"
        raise PairLimitError(exc.estimate, exc.limit, field=option) from None
    table = export_table(result, args.level)
    text = to_safe_csv(table, header_comment=export_comment(result))
    args.out.write_text(text, encoding="utf-8", newline="")
    print(headline_sentence(result.headline))
    return 0


__all__ = ["register", "run", "run_nrw"]
