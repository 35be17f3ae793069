"""``mapapp coverage``: nearest offer, 2SFCA or E2SFCA for points from CSV files (the
``coverage nrw`` form is :mod:`mapapp.commands.coverage_nrw`).

The CSV form needs numpy and scipy only: plain files are read with :func:`numpy.loadtxt`
(:mod:`mapapp.ingest.point_arrays`), the measures run on arrays (:mod:`.kernels
<mapapp.analysis.accessibility.kernels>`) and ``id,value`` is written as text. pandas is loaded
only for an unusual file (the careful reader :mod:`mapapp.ingest.points`) or a cost table
(``--cost``); neither geopandas, folium, matplotlib nor streamlit is imported (a test checks
``sys.modules``).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from mapapp.analysis.accessibility.capacity import (
    capacity_from_pairs,
    capacity_from_points,
    id_ranks,
)
from mapapp.analysis.accessibility.kernels import (
    fca_from_pairs,
    fca_from_points,
    nearest_from_pairs,
    nearest_from_points,
)
from mapapp.analysis.accessibility.pairs import FloatArray, IntArray, PairLimitError
from mapapp.analysis.accessibility.weights import StepWeights, WeightFunction
from mapapp.commands.coverage_nrw import register_nrw
from mapapp.commands.options import int_range, positive_float, weight_options
from mapapp.ingest.point_arrays import PointArrays, quick_points
from mapapp.io.tabular import FORMULA_PREFIXES
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
    forms = parser.add_subparsers(dest="form", metavar="{nrw}")
    register_nrw(forms)


Pairs = tuple[IntArray, IntArray, FloatArray]


def _read_points(path: Path, value: str | None, need_xy: bool) -> PointArrays:
    """A points file: one numpy pass for a plain file, else the careful reader."""
    fast = quick_points(path, value=value, need_xy=need_xy)
    if fast is not None:
        return fast
    # The careful reader uses pandas; imported here so plain files do not load it.
    from mapapp.ingest.points import read_point_arrays

    return read_point_arrays(path, value=value, need_xy=need_xy)


def _cost_pairs(path: Path, demand: PointArrays, supply: PointArrays, limit: float) -> Pairs:
    """Positions (demand, supply) and costs of the cost table's pairs with ``cost <= limit``."""
    # A router's cost table is read with pandas; imported here so the straight-line case stays
    # without it.
    import pandas as pd

    from mapapp.analysis.accessibility.costs import CostTable, table_pairs
    from mapapp.ingest.points import read_costs

    table = CostTable(read_costs(path))
    return table_pairs(table, pd.Index(demand.ids), pd.Index(supply.ids), limit)


def _weights(args: argparse.Namespace, max_cost: float) -> WeightFunction | None:
    """``--steps`` / ``--gaussian``; for e2sfca without them 1 / 0.68 / 0.22 in thirds."""
    weight_fn = weight_options(args)
    if weight_fn is None and args.method == "e2sfca":
        return StepWeights.classic(max_cost)
    return weight_fn


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
    weight_fn = _weights(args, limit)
    need_xy = args.cost is None
    demand = _read_points(args.demand, None if args.method == "nearest" else "demand", need_xy)
    supply = _read_points(args.supply, None if args.method == "nearest" else "capacity", need_xy)
    pairs = _cost_pairs(args.cost, demand, supply, limit) if args.cost is not None else None
    try:
        values = _measure(args.method, demand, supply, pairs, limit, weight_fn, args.workers)
    except PairLimitError as exc:  # name the option to change
        raise PairLimitError(exc.estimate, exc.limit, field="--max-cost") from None
    args.out.write_text(_result_csv(demand.ids, values), encoding="utf-8", newline="")
    return 0


def _given(array: FloatArray | None, what: str) -> FloatArray:
    """An array the reader was asked for (the options decide which columns are read)."""
    if array is None:
        raise RuntimeError(f"{what} wurde nicht gelesen")
    return array


def _measure(
    method: str,
    demand: PointArrays,
    supply: PointArrays,
    pairs: Pairs | None,
    limit: float,
    weight_fn: WeightFunction | None,
    workers: int,
) -> FloatArray:
    """The chosen measure per demand row (``nan`` for nearest without an offer in reach).

    ``limit`` is the catchment in metres (or cost-table units), ``inf`` for nearest without
    ``--max-cost``; ``pairs`` are a cost table's pairs within it (``None``: straight lines).
    """
    if method == "nearest":
        if pairs is not None:
            best, _ = nearest_from_pairs(len(demand.ids), *pairs)
        else:
            best, _ = nearest_from_points(
                _given(demand.xy, "x,y"), _given(supply.xy, "x,y"), max_cost=limit,
                workers=workers,
            )  # fmt: skip
        return np.where(best == np.inf, np.nan, best)  # written as an empty field
    demand_value = _given(demand.value, "demand")
    supply_value = _given(supply.value, "capacity")
    if method == "capacity":
        return _capacity(demand, supply, demand_value, supply_value, pairs, limit)
    if pairs is not None:
        return fca_from_pairs(demand_value, supply_value, *pairs, weight_fn=weight_fn)
    return fca_from_points(
        demand_value, supply_value, _given(demand.xy, "x,y"), _given(supply.xy, "x,y"),
        max_cost=limit, weight_fn=weight_fn, workers=workers,
    )  # fmt: skip


def _capacity(
    demand: PointArrays,
    supply: PointArrays,
    demand_value: FloatArray,
    supply_value: FloatArray,
    pairs: Pairs | None,
    limit: float,
) -> FloatArray:
    """Unserved demand per row (ties in the text order of the ids)."""
    demand_rank, supply_rank = id_ranks(demand.ids), id_ranks(supply.ids)
    if pairs is not None:
        return capacity_from_pairs(
            demand_value, supply_value, *pairs, demand_rank=demand_rank, supply_rank=supply_rank
        )
    return capacity_from_points(
        demand_value, supply_value, _given(demand.xy, "x,y"), _given(supply.xy, "x,y"),
        max_cost=limit, demand_rank=demand_rank, supply_rank=supply_rank,
    )  # fmt: skip


def _result_csv(ids: list[str], values: FloatArray) -> str:
    """``id,value`` as CSV text, the same as ``DataFrame.to_csv`` (repr of each float, NaN empty).

    Ids are text and neutralised against spreadsheet formulas (a leading ``=``, ``+``, ``-``,
    ``@`` … gets ``'``); values are numbers and written as they are (no per-cell check).
    """
    text = [f"'{i}" if i.startswith(FORMULA_PREFIXES) else i for i in ids]
    numbers = values.tolist()
    if np.isnan(values).any():
        cells = ["" if v != v else repr(v) for v in numbers]
    else:
        cells = list(map(repr, numbers))
    joined = "\x00".join(text)
    if any(c in joined for c in '",\r\n'):  # ids that need CSV quoting
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["id", "value"])
        writer.writerows(zip(text, cells, strict=True))
        return buffer.getvalue()
    return "id,value\n" + "\n".join(map(",".join, zip(text, cells, strict=True))) + "\n"


__all__ = ["register", "run"]
