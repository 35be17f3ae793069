"""The array side of ``mapapp coverage`` and ``mapapp coverage scenario``: points files, cost
pairs, the measure per demand row and the ``id,...`` CSV text.

numpy and scipy only; pandas is imported for an unusual file (the careful reader
:mod:`mapapp.ingest.points`) or a cost table (``--cost``) alone, so plain CSV files run without it.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

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
from mapapp.analysis.accessibility.pairs import FloatArray, IntArray
from mapapp.analysis.accessibility.weights import StepWeights, WeightFunction
from mapapp.commands.options import weight_options
from mapapp.ingest.point_arrays import PointArrays, quick_points
from mapapp.io.tabular import FORMULA_PREFIXES

Pairs = tuple[IntArray, IntArray, FloatArray]


def read_points(path: Path, value: str | None, need_xy: bool) -> PointArrays:
    """A points file: one numpy pass for a plain file, else the careful reader."""
    fast = quick_points(path, value=value, need_xy=need_xy)
    if fast is not None:
        return fast
    # The careful reader uses pandas; imported here so plain files do not load it.
    from mapapp.ingest.points import read_point_arrays

    return read_point_arrays(path, value=value, need_xy=need_xy)


def cost_pairs(path: Path, demand: PointArrays, supply: PointArrays, limit: float) -> Pairs:
    """Positions (demand, supply) and costs of the cost table's pairs with ``cost <= limit``."""
    # A router's cost table is read with pandas; imported here so the straight-line case stays
    # without it.
    import pandas as pd

    from mapapp.analysis.accessibility.costs import CostTable, table_pairs
    from mapapp.ingest.points import read_costs

    table = CostTable(read_costs(path))
    return table_pairs(table, pd.Index(demand.ids), pd.Index(supply.ids), limit)


def weights_for(args: argparse.Namespace, max_cost: float) -> WeightFunction | None:
    """``--steps`` / ``--gaussian``; for e2sfca without them 1 / 0.68 / 0.22 in thirds."""
    weight_fn = weight_options(args)
    if weight_fn is None and args.method == "e2sfca":
        return StepWeights.classic(max_cost)
    return weight_fn


def _given(array: FloatArray | None, what: str) -> FloatArray:
    """An array the reader was asked for (the options decide which columns are read)."""
    if array is None:
        raise RuntimeError(f"{what} wurde nicht gelesen")
    return array


def measure(
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


def _number_cells(values: FloatArray) -> list[str]:
    """repr of each float, ``NaN`` empty (as ``DataFrame.to_csv`` writes them)."""
    numbers = values.tolist()
    if np.isnan(values).any():
        return ["" if v != v else repr(v) for v in numbers]
    return list(map(repr, numbers))


def result_csv(ids: list[str], values: FloatArray | dict[str, FloatArray]) -> str:
    """``id,value`` (or ``id`` and the named columns of ``values``) as CSV text, the same as
    ``DataFrame.to_csv`` (repr of each float, NaN empty).

    Ids are text and neutralised against spreadsheet formulas (a leading ``=``, ``+``, ``-``,
    ``@`` … gets ``'``); values are numbers and written as they are (no per-cell check).
    """
    columns = values if isinstance(values, dict) else {"value": values}
    text = [f"'{i}" if i.startswith(FORMULA_PREFIXES) else i for i in ids]
    rows = list(zip(text, *(_number_cells(v) for v in columns.values()), strict=True))
    header = ["id", *columns]
    joined = "\x00".join(text)
    if any(c in joined for c in '",\r\n'):  # ids that need CSV quoting
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()
    return ",".join(header) + "\n" + "\n".join(map(",".join, rows)) + "\n"


__all__ = ["Pairs", "cost_pairs", "measure", "read_points", "result_csv", "weights_for"]
