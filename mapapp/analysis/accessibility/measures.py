"""Summaries per Gemeinde, Kreis and Land: people beyond a distance, offers per capita, ranking."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.accessibility.costs import _require_columns, _values
from mapapp.config import NRW_LAND
from mapapp.model import (
    AGS_GEMEINDE_LEN,
    COL_AGS,
    COL_KREIS_AGS,
    DataError,
    kreis_of,
    normalize_ags,
)

#: ``level`` values of the summary tables.
LEVEL_GEMEINDE = "gemeinde"
LEVEL_KREIS = "kreis"
LEVEL_LAND = "land"


def _level_frames(
    frame: pd.DataFrame, gemeinde: str | None, kreis: str | None, land: str | None
) -> Iterator[tuple[str, pd.Series]]:
    """(level name, key per row) for each requested level."""
    if gemeinde is not None:
        _require_columns(frame, [gemeinde], "Tabelle")
        yield LEVEL_GEMEINDE, frame[gemeinde].astype(str)
    if kreis is not None:
        _require_columns(frame, [kreis], "Tabelle")
        yield LEVEL_KREIS, frame[kreis].astype(str)
    if land is not None:
        yield LEVEL_LAND, pd.Series(land, index=frame.index, dtype=object)


def _sum_by_level(values: pd.DataFrame, keys: Iterator[tuple[str, pd.Series]]) -> pd.DataFrame:
    parts = []
    for level, key in keys:
        summed = values.groupby(key.to_numpy(), sort=True).sum()
        summed.index.name = COL_AGS
        summed = summed.reset_index()
        summed.insert(0, "level", level)
        parts.append(summed)
    if not parts:
        raise ValueError("mindestens eine Ebene (gemeinde, kreis, land) nötig")
    return pd.concat(parts, ignore_index=True)


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.astype(float)
    return (numerator.astype(float) / den.where(den > 0)).astype(float)


def share_beyond(
    cells: pd.DataFrame,
    *,
    cost: str,
    threshold: float,
    population: str = "population",
    foreign_population: str | None = "foreign_population",
    gemeinde: str | None = COL_AGS,
    kreis: str | None = COL_KREIS_AGS,
    land: str | None = NRW_LAND,
) -> pd.DataFrame:
    """People (all and foreign) living farther than ``threshold`` from an offer, per unit.

    The headline figure: "x % of the foreign population live more than 10 km from an MBE office".

    Parameters
    ----------
    cells
        Demand cells (see :func:`mapapp.analysis.demand.build_demand_grid`): a cost column (e.g.
        ``nearest_cost(...)["cost"]`` in metres), population columns and unit keys.
    cost
        Column with the cost to the nearest offer. ``inf`` and ``NaN`` (no offer in reach)
        count as beyond. Compute it with ``max_cost >= threshold`` (or unlimited), otherwise a
        cell without an offer within ``max_cost`` is counted as beyond although it may not be.
    threshold
        Distance in metres (or cost units); a cell counts when ``cost > threshold``.
    population, foreign_population
        Column names of people per cell (``foreign_population=None``: not reported).
    gemeinde, kreis
        Key columns (8- and 5-digit AGS) for the Gemeinde and Kreis rows; ``None`` skips a level.
    land
        Key of the one total row (``"05"`` = NRW); ``None`` skips it.

    Returns
    -------
    pandas.DataFrame
        One row per unit, columns ``level`` (``"gemeinde"``, ``"kreis"``, ``"land"``), ``ags``,
        ``population``, ``population_beyond``, ``share_beyond`` (fraction 0..1, ``NaN`` for a
        unit without people) and, with ``foreign_population``, ``foreign_population``,
        ``foreign_population_beyond``, ``foreign_share_beyond``. People are fractional where the
        demand grid spreads population by area.
    """
    threshold = float(threshold)
    if math.isnan(threshold):
        raise ValueError("threshold muss eine Zahl sein")
    data = _beyond_columns(cells, cost, threshold, population, foreign_population)
    out = _sum_by_level(data, _level_frames(cells, gemeinde, kreis, land))
    out.insert(
        list(out.columns).index("population_beyond") + 1,
        "share_beyond",
        _share(out["population_beyond"], out["population"]),
    )
    if foreign_population is not None:
        out["foreign_share_beyond"] = _share(
            out["foreign_population_beyond"], out["foreign_population"]
        )
    return out


def _beyond_columns(
    cells: pd.DataFrame,
    cost: str,
    threshold: float,
    population: str,
    foreign_population: str | None,
) -> pd.DataFrame:
    """Per cell: ``population`` and ``population_beyond`` (the people when ``cost > threshold``,
    else 0; ``inf``/``NaN`` cost counts as beyond), the same for ``foreign_population``."""
    _require_columns(cells, [cost], "Zellen")
    values = pd.to_numeric(cells[cost], errors="coerce").to_numpy(dtype=np.float64)
    beyond = ~(values <= threshold)  # NaN and inf count as beyond
    columns = {
        "population": _values(cells, population, "Zellen", non_negative=True),
    }
    if foreign_population is not None:
        columns["foreign_population"] = _values(
            cells, foreign_population, "Zellen", non_negative=True
        )
    data = pd.DataFrame(index=cells.index)
    for name, vals in columns.items():
        data[name] = vals
        data[f"{name}_beyond"] = np.where(beyond, vals, 0.0)
    return data


def _ags_column(frame: pd.DataFrame, column: str, what: str) -> pd.Series:
    """8-digit Gemeinde AGS of every row (leading zeros restored); DataError names the row."""
    keys = []
    for label, value in frame[column].items():
        try:
            keys.append(normalize_ags(value, AGS_GEMEINDE_LEN))
        except ValueError as exc:
            raise DataError(f"{what}: {exc} (Index {label!r})", field=column) from None
    return pd.Series(keys, index=frame.index, dtype=object)


def offers_per_capita(
    units: pd.DataFrame,
    offers: pd.DataFrame,
    *,
    key: str = COL_AGS,
    offer_key: str = COL_AGS,
    population: str = "population",
    foreign_population: str | None = "foreign_population",
    capacity: str | None = None,
    kreis: bool = True,
    land: str | None = NRW_LAND,
) -> pd.DataFrame:
    """Offers per 10,000 inhabitants and per 1,000 foreign residents, per Gemeinde and Kreis.

    Parameters
    ----------
    units
        One row per Gemeinde: ``key`` (8-digit AGS; lost leading zeros are restored),
        ``population`` and optionally
        ``foreign_population`` (people).
    offers
        One row per offer with the AGS of the Gemeinde it lies in (``offer_key``). Offers whose
        key is not among the units (e.g. outside NRW) are not counted.
    capacity
        Optional capacity column of ``offers`` to sum instead of counting offers.
    kreis
        Also report Kreise (first five AGS digits, population summed over their Gemeinden).
    land
        Key of the total row (``"05"`` = NRW); ``None`` skips it.

    Returns
    -------
    pandas.DataFrame
        Columns ``level``, ``ags``, ``offers`` (count or summed capacity), ``population``,
        ``offers_per_10000``, and with ``foreign_population`` also ``foreign_population``,
        ``offers_per_1000_foreign``. Rates are ``NaN`` where the population is 0.
    """
    _require_columns(units, [key], "Gebiete")
    _require_columns(offers, [offer_key], "Angebote")
    unit_keys = _ags_column(units, key, "Gebiete")
    if not unit_keys.is_unique:
        dup = unit_keys[unit_keys.duplicated()].iloc[0]
        raise DataError(f"Gebiete: Schlüssel {dup!r} kommt mehrfach vor", field=key)
    data = pd.DataFrame(
        {
            "offers": _offers_per_unit(offers, offer_key, capacity, unit_keys),
            "population": _values(units, population, "Gebiete", non_negative=True),
        },
        index=units.index,
    )
    if foreign_population is not None:
        data["foreign_population"] = _values(
            units, foreign_population, "Gebiete", non_negative=True
        )
    keyed = pd.DataFrame({"_ags": unit_keys, "_kreis": unit_keys.map(kreis_of)})
    out = _sum_by_level(data, _level_frames(keyed, "_ags", "_kreis" if kreis else None, land))
    out["offers_per_10000"] = _share(out["offers"], out["population"]) * 10_000
    if foreign_population is not None:
        out["offers_per_1000_foreign"] = _share(out["offers"], out["foreign_population"]) * 1_000
    return out


def _offers_per_unit(
    offers: pd.DataFrame, offer_key: str, capacity: str | None, unit_keys: pd.Series
) -> npt.NDArray[np.float64]:
    """Offers (or their summed ``capacity``) per unit, in the order of ``unit_keys`` (8-digit
    AGS); offers of other keys are not counted."""
    offer_keys = _ags_column(offers, offer_key, "Angebote")
    amount = (
        np.ones(len(offers))
        if capacity is None
        else _values(offers, capacity, "Angebote", non_negative=True)
    )
    per_unit = pd.Series(amount, index=offer_keys.to_numpy()).groupby(level=0).sum()
    return np.asarray(per_unit.reindex(unit_keys.to_numpy(), fill_value=0.0), dtype=np.float64)


def rank_gaps(
    table: pd.DataFrame,
    *,
    affected: str = "foreign_population_beyond",
    others: Sequence[pd.DataFrame] = (),
    names: pd.DataFrame | None = None,
    levels: Sequence[str] = (LEVEL_GEMEINDE, LEVEL_KREIS),
    name_column: str = "name",
) -> pd.DataFrame:
    """Gemeinden and Kreise ordered by the number of people affected, with their measure values.

    Parameters
    ----------
    table
        A summary with columns ``level``, ``ags`` and ``affected`` (e.g. the output of
        :func:`share_beyond`).
    affected
        Column to rank by, descending (people beyond the threshold by default).
    others
        Further summaries keyed by ``level``/``ags`` (e.g. :func:`offers_per_capita`); their
        columns are joined (left join; a column already present is not repeated).
    names
        Optional frame with columns ``ags`` and ``name_column`` for readable exports.
    levels
        Levels to keep, in this order.

    Returns
    -------
    pandas.DataFrame
        Sorted by level (in ``levels`` order) then ``rank`` (1 = most people affected; ties share
        the order of their AGS, ranks stay 1..n). Columns: ``level``, ``rank``, ``ags``,
        optional name, then the measure columns. Write it with ``to_csv`` or
        :func:`mapapp.io.tabular.to_safe_csv`.
    """
    _require_columns(table, ["level", COL_AGS, affected], "Tabelle")
    out = table[table["level"].isin(list(levels))].copy()
    for other in others:
        _require_columns(other, ["level", COL_AGS], "weitere Tabelle")
        new = [c for c in other.columns if c not in out.columns]
        out = out.merge(other[["level", COL_AGS, *new]], on=["level", COL_AGS], how="left")
    if names is not None:
        _require_columns(names, [COL_AGS, name_column], "Namen")
        lookup = names.drop_duplicates(COL_AGS).set_index(COL_AGS)[name_column]
        out.insert(list(out.columns).index(COL_AGS) + 1, name_column, out[COL_AGS].map(lookup))
    out["_order"] = out["level"].map({level: k for k, level in enumerate(levels)})
    out["_affected"] = pd.to_numeric(out[affected], errors="coerce").fillna(-np.inf)
    out = out.sort_values(
        ["_order", "_affected", COL_AGS], ascending=[True, False, True], kind="stable"
    )
    out.insert(1, "rank", out.groupby("_order").cumcount() + 1)
    return out.drop(columns=["_order", "_affected"]).reset_index(drop=True)
