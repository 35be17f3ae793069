"""``mapapp coverage scenario``: the measure per demand row before and after adding, moving or
removing offers (CSV files in, ``id,before,after,change`` out).

Like ``mapapp coverage`` on CSV files: numpy and scipy only (:mod:`.coverage_points`), pandas only
for an unusual file or a cost table. The changes are :func:`mapapp.analysis.coverage.scenario.
apply_to_points`; nothing is written anywhere but ``--out``.

With ``--network`` the costs are travel minutes on a built street network
(:func:`mapapp.services.network.travel_costs`, as ``mapapp network costs``): the table to the
offers before, and for after the same table without removed and moved offers plus the times to
the added and moved ones at their new points (:mod:`mapapp.analysis.coverage.scenario_costs`).
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np

from mapapp.analysis.accessibility.kernels import nearest_from_pairs, nearest_from_points
from mapapp.analysis.accessibility.pairs import FloatArray, PairLimitError
from mapapp.analysis.coverage.scenario import (
    GAIN,
    LOSE,
    Points,
    access_flags,
    apply_to_points,
    change,
    has_access,
)
from mapapp.commands.coverage_points import (
    Pairs,
    cost_pairs,
    measure,
    read_points,
    result_csv,
    weights_for,
)
from mapapp.commands.options import positive_float
from mapapp.ingest.point_arrays import PointArrays
from mapapp.model import DataError

_EPILOG = """\
Eingaben wie bei 'mapapp coverage' (CSV mit Kopfzeile, x/y in Metern, EPSG:25832):
  --demand D.csv   id,x,y,demand          --supply S.csv   id,x,y,capacity
  --add A.csv      id,x,y,capacity        neue Angebote (ids dürfen in S.csv nicht vorkommen)
  --remove ID,...  Angebote aus S.csv, die wegfallen
  --move ID:X,Y    ein Angebot aus S.csv an einen neuen Punkt (mehrfach möglich; nicht mit --cost)
  --cost C.csv     origin,destination,cost – auch für die ids aus --add (sonst unerreichbar)
  --network DIR    Reisezeiten (Minuten) auf einem gebauten Straßennetz ('mapapp network build';
                   Ordner oder walk/bike/car): Punkte werden wie bei 'mapapp network costs' an
                   den nächsten Knoten angebunden; hinzugefügte und verschobene Angebote bekommen
                   ihre Reisezeiten auf demselben Netz. --max-cost ist dann in Minuten; gesucht
                   wird bis --max-minutes (Standard: --max-cost; eins von beiden ist Pflicht).
  capacity wird nur für 2sfca, e2sfca und capacity gelesen.

Ausgabe --out: id,before,after,change für jede Nachfragezeile in Eingabereihenfolge; before und
after wie value bei 'mapapp coverage --method ...' (nearest: LEER ohne Angebot innerhalb
--max-cost), change = after - before (LEER, wenn eine Seite leer ist).

Zugang (auf stdout gezählt): eine Zeile hat Zugang, wenn ein Angebot innerhalb --max-cost liegt
(ohne --max-cost, nur bei nearest: solange irgendein Angebot bleibt; mit --network: eines
innerhalb --max-minutes). Sie gewinnt Zugang, wenn sie
vorher keinen hatte und nachher einen hat; sie verliert ihn umgekehrt.

Beispiel:
  mapapp coverage scenario --demand zellen.csv --supply abh.csv --add neu.csv \\
      --remove ABH7 --move ABH3:412000,5712000 --method nearest --max-cost 10000 \\
      --out szenario.csv
  mapapp coverage scenario --demand zellen.csv --supply abh.csv --add neu.csv \
      --move ABH3:412000,5712000 --network walk --max-cost 30 --max-minutes 60 \
      --method nearest --out szenario_fuss.csv
"""


def register_scenario(forms: Any) -> None:
    """Add the ``scenario`` form below ``mapapp coverage``."""
    p = forms.add_parser(
        "scenario",
        help="vorher/nachher: Angebote hinzufügen, verschieben, entfernen",
        description=(
            "Berechnet die Kennzahl je Nachfragezeile vor und nach dem Hinzufügen, Verschieben "
            "oder Entfernen von Angeboten und zählt, wer Zugang gewinnt oder verliert."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--demand", type=Path, required=True, metavar="D.csv")
    p.add_argument("--supply", type=Path, required=True, metavar="S.csv")
    p.add_argument("--add", type=Path, metavar="A.csv", help="neue Angebote")
    p.add_argument("--remove", type=_id_list, default=[], metavar="ID,...", help="entfernen")
    p.add_argument(
        "--move", type=_move, action="append", default=[], metavar="ID:X,Y",
        help="verschieben (Meter, EPSG:25832; mehrfach möglich)",
    )  # fmt: skip
    p.add_argument("--method", choices=("nearest", "2sfca", "e2sfca", "capacity"), required=True)
    p.add_argument(
        "--max-cost", type=positive_float, metavar="M",
        help="Einzugsbereich (Meter bzw. Kosteneinheiten) und Zugangsschwelle; "
        "für 2sfca/e2sfca/capacity Pflicht",
    )  # fmt: skip
    weights = p.add_mutually_exclusive_group()
    weights.add_argument("--steps", metavar="GRENZE:GEWICHT,...", help="Stufengewichte (e2sfca)")
    weights.add_argument(
        "--gaussian", type=positive_float, metavar="SIGMA", help="Gauß-Gewicht (e2sfca)"
    )
    costs = p.add_mutually_exclusive_group()
    costs.add_argument("--cost", type=Path, metavar="C.csv", help="Kostenmatrix (lang)")
    costs.add_argument(
        "--network", metavar="ORDNER|MODUS",
        help="Reisezeiten (Minuten) auf einem gebauten Straßennetz (Ordner oder walk/bike/car)",
    )  # fmt: skip
    p.add_argument(
        "--max-minutes", type=positive_float, metavar="M",
        help="mit --network: so weit wird gesucht (Minuten; Standard --max-cost)",
    )  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="OUT.csv")
    p.set_defaults(func=run_scenario, workers=1)


def _id_list(text: str) -> list[str]:
    ids = [i.strip() for i in text.split(",")]
    if not all(ids):
        raise argparse.ArgumentTypeError(f"leere id in {text!r}")
    return ids


def _move(text: str) -> tuple[str, tuple[float, float]]:
    """``ID:X,Y`` -> ``(id, (x, y))`` (finite metres)."""
    ident, sep, xy = text.rpartition(":")
    parts = xy.split(",")
    try:
        x, y = (float(v) for v in parts)
    except ValueError:
        x = y = math.nan
    if not sep or not ident.strip() or len(parts) != 2 or not math.isfinite(x + y):
        raise argparse.ArgumentTypeError(f"{text!r}: erwartet ID:X,Y (Meter, EPSG:25832)")
    return ident.strip(), (x, y)


def _points(arrays: PointArrays) -> Points:
    return Points(list(arrays.ids), arrays.xy, arrays.value)


def run_scenario(args: argparse.Namespace) -> int:
    """Read the CSVs, apply the changes, compute both runs, write ``id,before,after,change``."""
    if args.method != "nearest" and args.max_cost is None:
        raise DataError(f"für --method {args.method} nötig", field="--max-cost")
    if args.move and args.cost is not None:
        raise DataError(
            "Verschieben braucht x,y; mit --cost nicht möglich (mit --network schon)",
            field="--move",
        )
    search = _search_minutes(args)
    limit = args.max_cost if args.max_cost is not None else (search or math.inf)
    weight_fn = weights_for(args, limit)
    need_xy = args.cost is None
    value = None if args.method == "nearest" else "capacity"
    demand = read_points(args.demand, None if args.method == "nearest" else "demand", need_xy)
    supply = read_points(args.supply, value, need_xy)
    add = _points(read_points(args.add, value, need_xy)) if args.add is not None else None
    after = apply_to_points(_points(supply), add=add, remove=args.remove, move=dict(args.move))
    after_arrays = PointArrays(ids=after.ids, xy=after.xy, value=after.value)
    both: tuple[Pairs | None, Pairs | None] = (None, None)
    if args.cost is not None:
        both = (
            cost_pairs(args.cost, demand, supply, limit),
            cost_pairs(args.cost, demand, after_arrays, limit),
        )
    elif search is not None:
        added = [] if add is None else add.ids
        both = _network_pairs(args, demand, (supply, after_arrays), added, search, limit)
    runs = []
    for offers, pairs in zip((supply, after_arrays), both, strict=True):
        try:
            values = measure(args.method, demand, offers, pairs, limit, weight_fn, 1)
        except PairLimitError as exc:  # name the option to change
            raise PairLimitError(exc.estimate, exc.limit, field="--max-cost") from None
        runs.append((values, _access(demand, offers, pairs, limit)))
    (before, access_before), (after_values, access_after) = runs
    columns = {"before": before, "after": after_values, "change": change(before, after_values)}
    args.out.write_text(result_csv(demand.ids, columns), encoding="utf-8", newline="")
    reach = args.max_cost if args.max_cost is not None else search
    print(_summary(access_flags(access_before, access_after), demand.value, reach))
    return 0


def _search_minutes(args: argparse.Namespace) -> float | None:
    """How far ``--network`` searches (``--max-minutes``, else ``--max-cost``); ``None``
    without ``--network``.

    Raises
    ------
    DataError
        ``--max-minutes`` without ``--network``, neither limit with it, or a catchment beyond
        the search (pairs past the search are never found).
    """
    if args.network is None:
        if args.max_minutes is not None:
            raise DataError("nur mit --network", field="--max-minutes")
        return None
    search = args.max_minutes if args.max_minutes is not None else args.max_cost
    if search is None:
        raise DataError("mit --network nötig (oder --max-cost)", field="--max-minutes")
    if args.max_cost is not None and args.max_cost > search:
        raise DataError(
            f"--max-cost {args.max_cost:g} liegt über der Suche bis {search:g} Minuten",
            field="--max-minutes",
        )
    return float(search)


def _network_pairs(
    args: argparse.Namespace,
    demand: PointArrays,
    offers: tuple[PointArrays, PointArrays],
    added: list[str],
    search: float,
    limit: float,
) -> tuple[Pairs, Pairs]:
    """Travel-minute pairs before and after on the network ``args.network``: the table to the
    offers before; for after without removed and moved offers, with the times to the ``added``
    and moved ones at their points after (computed on the same network)."""
    # The network, its cost tables and their merge use pandas; imported here so the
    # straight-line case stays without it.
    import pandas as pd

    from mapapp.analysis.accessibility.costs import CostTable, table_pairs
    from mapapp.analysis.coverage.scenario_costs import fresh_ids, merge_costs, stale_ids
    from mapapp.config import get_settings
    from mapapp.services import network

    supply, after = offers
    folder = network.resolve_network(get_settings(), args.network)

    def times(points: PointArrays) -> pd.DataFrame:
        if not points.ids:
            return pd.DataFrame({"origin": [], "destination": [], "cost": []})
        return network.travel_costs(folder, demand, points, search).frame()

    old = CostTable(times(supply))
    moved = [i for i, _ in args.move]
    wanted = set(fresh_ids(added, moved, args.remove))
    new_rows = [k for k, i in enumerate(after.ids) if i in wanted]
    if after.xy is None:
        raise RuntimeError("x,y wurden nicht gelesen")
    fresh = times(PointArrays([after.ids[k] for k in new_rows], after.xy[new_rows], None))
    merged = merge_costs(old, CostTable(fresh), stale_ids(args.remove, moved))
    ids = pd.Index(demand.ids)
    return (
        table_pairs(old, ids, pd.Index(supply.ids), limit),
        table_pairs(merged, ids, pd.Index(after.ids), limit),
    )


def _access(
    demand: PointArrays, supply: PointArrays, pairs: Pairs | None, limit: float
) -> np.ndarray:
    """Whether each demand row has an offer within ``limit`` (the access rule)."""
    if pairs is not None:
        nearest, _ = nearest_from_pairs(len(demand.ids), *pairs)
    elif demand.xy is None or supply.xy is None:
        raise RuntimeError("x,y wurden nicht gelesen")
    else:
        nearest, _ = nearest_from_points(demand.xy, supply.xy, max_cost=limit)
    return has_access(nearest, limit)


def _summary(flags: np.ndarray, demand: FloatArray | None, max_cost: float | None) -> str:
    """One German line: rows (and their demand) that gain and that lose access."""
    reach = "irgendein Angebot, ohne --max-cost" if max_cost is None else f"<= {max_cost:g}"
    parts = []
    for code, word in ((GAIN, "gewonnen"), (LOSE, "verloren")):
        rows = flags == code
        text = f"{word} {int(rows.sum())} von {len(flags)} Zeilen"
        if demand is not None:
            text += f" (Nachfrage {float(demand[rows].sum()):g})"
        parts.append(text)
    return f"Zugang (Angebot {reach}): " + "; ".join(parts)


__all__ = ["register_scenario", "run_scenario"]
