"""``mapapp coverage``: nearest offer, 2SFCA or E2SFCA for points from CSV files (the
``coverage nrw`` form is :mod:`mapapp.commands.coverage_nrw`, ``coverage scenario``
:mod:`mapapp.commands.coverage_scenario`; both CSV forms share :mod:`.coverage_points`).

The CSV form needs numpy and scipy only: plain files are read with :func:`numpy.loadtxt`
(:mod:`mapapp.ingest.point_arrays`), the measures run on arrays (:mod:`.kernels
<mapapp.analysis.accessibility.kernels>`) and ``id,value`` is written as text. pandas is loaded
only for an unusual file (the careful reader :mod:`mapapp.ingest.points`) or a cost table
(``--cost``); neither geopandas, folium, matplotlib nor streamlit is imported (a test checks
``sys.modules``).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from mapapp.analysis.accessibility.pairs import PairLimitError
from mapapp.commands.coverage_nrw import register_nrw
from mapapp.commands.coverage_points import (
    cost_pairs,
    measure,
    read_points,
    result_csv,
    weights_for,
)
from mapapp.commands.coverage_scenario import register_scenario
from mapapp.commands.options import int_range, positive_float
from mapapp.model import DataError

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
  capacity  value = nicht versorgte Nachfrage der Zeile (kapazitätsbegrenzt, wie AccessMod):
            Die Angebote werden nach absteigender Kapazität abgearbeitet (gleiche Kapazität:
            nach id). Jedes nimmt Nachfrage aus den Zeilen mit cost <= --max-cost auf, die
            nächste zuerst (gleiche Kosten: nach Nachfrage-id), bis seine Kapazität verbraucht
            ist; eine nur teilweise aufgenommene Zeile behält den Rest für das nächste Angebot.
            Kapazität und Nachfrage in derselben Einheit (z. B. Personen). ids werden als Text
            verglichen.
  Gewichte für e2sfca: --steps GRENZE:GEWICHT,... (Gewicht gilt bis einschließlich GRENZE,
  darüber 0) oder --gaussian SIGMA (exp(-c²/2σ²)); ohne Angabe 1 / 0,68 / 0,22 in Dritteln
  von --max-cost.

Exit-Code 0 bei Erfolg, 2 bei fehlerhafter Eingabe (eine Zeile auf stderr mit Datei, Zeile, Feld)
und bei ungültigen Optionswerten (Entfernungen, Schwellen, Sigma: endliche Zahlen > 0).

Beispiel:
  mapapp coverage --demand zellen.csv --supply mbe.csv --method e2sfca --max-cost 15000 \\
      --steps 5000:1,10000:0.68,15000:0.22 --out e2sfca.csv
  mapapp coverage --demand zellen.csv --supply mbe.csv --method capacity --max-cost 10000 \
      --out unversorgt.csv
Vorher/nachher mit hinzugefügten, verschobenen oder entfernten Angeboten:
  mapapp coverage scenario --demand zellen.csv --supply mbe.csv --add neu.csv --remove M7 \\
      --method nearest --max-cost 10000 --out szenario.csv    (mapapp coverage scenario --help)

Auf den NRW-Daten (Bevölkerungsraster, Angebote der App; wie die Seite "Versorgungslücken"):
  mapapp coverage nrw --category migrationsberatung_erwachsene --threshold 10000 \\
      --method nearest --demand foreign --out gemeinden.csv      (mapapp coverage nrw --help)
  Verteilung je Kreis und NRW (gewichteter Mittelwert, Median, 90. Perzentil, Gini; ausländische
  und gesamte Bevölkerung nebeneinander): dieselben Optionen mit --level distribution.
"""


#: Most threads ``--workers`` may ask for.
_MAX_WORKERS = 64


def register(subparsers: Any) -> None:
    """Add the ``coverage`` subcommand."""
    parser = subparsers.add_parser(
        "coverage",
        help="Erreichbarkeit: nächstes Angebot, 2SFCA, E2SFCA, kapazitätsbegrenzt",
        description=(
            "Berechnet für jeden Nachfragepunkt die Entfernung zum nächsten Angebot, das "
            "Angebot je Nachfrage im Einzugsbereich (2SFCA / E2SFCA, wie PySAL access) oder "
            "die bei begrenzter Kapazität nicht versorgte Nachfrage (capacity)."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # Required for this form (checked in run): the "nrw" form below takes other options.
    parser.add_argument("--demand", type=Path, metavar="D.csv", help="Pflicht")
    parser.add_argument("--supply", type=Path, metavar="S.csv", help="Pflicht")
    parser.add_argument(
        "--method", choices=("nearest", "2sfca", "e2sfca", "capacity"), help="Pflicht"
    )
    parser.add_argument(
        "--max-cost",
        type=positive_float,
        metavar="M",
        help="Einzugsbereich in Metern (bzw. Kosteneinheiten), einschließlich; "
        "für 2sfca/e2sfca/capacity Pflicht",
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
    forms = parser.add_subparsers(dest="form", metavar="{nrw,scenario}")
    register_nrw(forms)
    register_scenario(forms)


def _check_options(args: argparse.Namespace) -> None:
    """The options this form requires (the ``nrw`` form takes others)."""
    for option, value in (
        ("--demand", args.demand),
        ("--supply", args.supply),
        ("--method", args.method),
        ("--out", args.out),
    ):
        if value is None:
            raise DataError("fehlt (oder 'mapapp coverage nrw ...' verwenden)", field=option)
    if args.method != "nearest" and args.max_cost is None:
        raise DataError(f"für --method {args.method} nötig", field="--max-cost")


def run(args: argparse.Namespace) -> int:
    """Read the CSVs, compute the measure, write ``id,value``."""
    _check_options(args)
    # --max-cost is finite and > 0 (checked by argparse); nearest without it: unlimited
    limit = args.max_cost if args.max_cost is not None else math.inf
    weight_fn = weights_for(args, limit)
    need_xy = args.cost is None
    demand = read_points(args.demand, None if args.method == "nearest" else "demand", need_xy)
    supply = read_points(args.supply, None if args.method == "nearest" else "capacity", need_xy)
    pairs = cost_pairs(args.cost, demand, supply, limit) if args.cost is not None else None
    try:
        values = measure(args.method, demand, supply, pairs, limit, weight_fn, args.workers)
    except PairLimitError as exc:  # name the option to change
        raise PairLimitError(exc.estimate, exc.limit, field="--max-cost") from None
    args.out.write_text(result_csv(demand.ids, values), encoding="utf-8", newline="")
    return 0


__all__ = ["register", "run"]
