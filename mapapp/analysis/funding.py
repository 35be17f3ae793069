"""Funding map analysis: which units were funded in which years, counts, completeness.

Pure functions on frames; no I/O. Geometry stays in EPSG:25832.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import pandas as pd

from mapapp.model import UnitType

#: Map classes, in legend order.
CLASS_FUNDED_KREIS = "funded_kreis"
CLASS_FUNDED_STADT = "funded_stadt"
CLASS_ELIGIBLE = "eligible"
CLASS_OTHER = "other"
CLASSES = (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT, CLASS_ELIGIBLE, CLASS_OTHER)
#: Columns of :func:`funding_counts` (machine names; pages show translated headers).
COUNT_COLUMNS = ("period", "Kreise", "Städte", "Kommunen", "Projekte")


class UnitFrames(Protocol):
    """What :func:`funding_units` needs of the boundaries (``mapapp.io.boundaries.Boundaries``)."""

    @property
    def kreise(self) -> gpd.GeoDataFrame: ...

    @property
    def gemeinden(self) -> gpd.GeoDataFrame: ...


def select_years(
    registry: pd.DataFrame, years: Sequence[int], include_unknown: bool = False
) -> pd.DataFrame:
    """Registry rows with at least one funding year in ``years`` (plus rows without a year if asked)."""
    wanted = set(years)
    mask = [
        bool(wanted.intersection(ys)) or (include_unknown and not ys)
        for ys in registry["funding_years"]
    ]
    return registry[mask].reset_index(drop=True)


def _join(values: Sequence[str], sep: str = "; ") -> str:
    return sep.join(dict.fromkeys(v for v in values if v))


def summarize_units(registry: pd.DataFrame, years: Sequence[int] | None = None) -> pd.DataFrame:
    """One row per funded Kommune.

    Columns: ``ags``, ``unit_type``, ``years`` (tuple of all funding years of the Kommune within
    ``years`` if given), ``n_projects``, ``projects`` (``"; "``-joined titles), ``focus``,
    ``amount_eur`` (sum of known amounts, NaN if none known), ``sources`` (tuple of URLs),
    ``confidence`` (the weakest year confidence of its rows).
    """
    rank = {"documented": 0, "inferred": 1, "uncertain": 2, "year unknown": 3}
    rows = []
    for ags, group in registry.groupby("ags", sort=True):
        all_years = sorted({y for ys in group["funding_years"] for y in ys})
        if years is not None:
            all_years = [y for y in all_years if y in set(years)]
        amounts = group["amount_eur"].dropna()
        conf = max(group["year_confidence"], key=lambda c: rank.get(str(c), 3))
        rows.append(
            {
                "ags": ags,
                "unit_type": group["unit_type"].iloc[0],
                "years": tuple(all_years),
                "n_projects": len(group),
                "projects": _join(list(group["project_title"])),
                "focus": _join([f for fs in group["focus"] for f in fs]),
                "amount_eur": float(amounts.sum()) if len(amounts) else float("nan"),
                "sources": tuple(dict.fromkeys(s for s in group["source_url"] if s)),
                "confidence": conf,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "ags",
            "unit_type",
            "years",
            "n_projects",
            "projects",
            "focus",
            "amount_eur",
            "sources",
            "confidence",
        ],
    )


def funding_units(
    boundaries: UnitFrames,
    status: pd.DataFrame,
    registry: pd.DataFrame,
    years: Sequence[int],
    include_unknown: bool = False,
) -> gpd.GeoDataFrame:
    """Units to draw on the Förderkarte, classified for the selected years.

    Rows: every Kreis and kreisfreie Stadt (Kreis polygons) and every kreisangehörige Gemeinde that is
    eligible (runs an Ausländerbehörde) or funded (Gemeinde polygons). Draw them in this order.

    Returns
    -------
    GeoDataFrame (EPSG:25832) with ``ags``, ``name``, ``level`` ("kreis"/"gemeinde"), ``unit_type``
    (Kreis / kreisfreie Stadt / kreisangehörige Stadt / Gemeinde), ``eligible`` (bool),
    ``funded`` (bool), ``map_class`` (see :data:`CLASSES`) and the :func:`summarize_units` columns
    (empty for unfunded units).
    """
    selected = select_years(registry, years, include_unknown)
    summary = summarize_units(selected, years if not include_unknown else None).set_index("ags")
    st = status.set_index("ags")
    units = _drawn_units(boundaries, st, summary)
    info = st.reindex(units["ags"])
    units["name"] = info["name"].fillna("").to_numpy()
    units["eligible"] = info["has_auslaenderbehoerde"].fillna(False).to_numpy(dtype=bool)
    units["unit_type"] = [
        _unit_type(level, status_value)
        for level, status_value in zip(
            units["level"], info["status"].fillna("").to_numpy(), strict=True
        )
    ]
    units = _with_summary(units, summary)
    units["map_class"] = [
        (CLASS_FUNDED_KREIS if t == UnitType.KREIS.value else CLASS_FUNDED_STADT)
        if f
        else (CLASS_ELIGIBLE if e else CLASS_OTHER)
        for t, f, e in zip(units["unit_type"], units["funded"], units["eligible"], strict=True)
    ]
    return gpd.GeoDataFrame(units, geometry="geometry", crs=boundaries.kreise.crs)


def _drawn_units(boundaries: UnitFrames, st: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """``ags``, ``geometry``, ``level``: every Kreis polygon (kreisfreie Städte under their
    8-character Gemeinde key), then the kreisangehörige Gemeinden that are eligible or funded.

    ``st`` is the status table and ``summary`` the funded units, both indexed by ``ags``.
    """
    kreise = boundaries.kreise[["ags", "geometry"]].copy()
    kreise["level"] = "kreis"
    # A kreisfreie Stadt is both a Kreis (5-char key) and a Gemeinde (8-char key); the status table
    # and the registry use the Gemeinde key.
    kreise["ags"] = [a if a in st.index else f"{a}000" for a in kreise["ags"]]
    gem = boundaries.gemeinden[["ags", "geometry"]].copy()
    gem["level"] = "gemeinde"
    gem_status = st.reindex(gem["ags"])["status"].to_numpy()
    gem_abh = st.reindex(gem["ags"])["has_auslaenderbehoerde"].fillna(False).to_numpy(dtype=bool)
    keep = (gem_status != "kreisfreie_stadt") & (
        gem_abh | gem["ags"].isin(summary.index).to_numpy()
    )
    return pd.concat([kreise, gem[keep]], ignore_index=True)


def _unit_type(level: str, status_value: str) -> str:
    """Kreis / kreisfreie Stadt / kreisangehörige Stadt / Gemeinde from the municipal status."""
    if status_value == "kreis":
        return UnitType.KREIS.value
    if status_value == "kreisfreie_stadt":
        return UnitType.KREISFREIE_STADT.value
    if level == "gemeinde" and status_value.endswith("stadt"):
        return UnitType.KREISANGEHOERIGE_STADT.value
    return "Gemeinde"


def _with_summary(units: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """``units`` joined with the :func:`summarize_units` columns; ``funded`` (bool), empty
    values for unfunded units."""
    units = units.join(summary.drop(columns="unit_type"), on="ags")
    units["funded"] = units["n_projects"].notna()
    units["n_projects"] = units["n_projects"].fillna(0).astype(int)
    for col in ("projects", "focus", "confidence"):
        units[col] = units[col].fillna("")
    units["years"] = [y if isinstance(y, tuple) else () for y in units["years"]]
    units["sources"] = [s if isinstance(s, tuple) else () for s in units["sources"]]
    return units


def inside_funded_kreis(units: pd.DataFrame) -> list[bool]:
    """Per unit of :func:`funding_units`: a Gemeinde that is not a funded Stadt and lies in a
    funded Kreis (its AGS starts with the Kreis's). The maps draw it as an outline only, so the
    Kreis's fill and hatch show through."""
    funded_kreise = set(units.loc[units["map_class"] == CLASS_FUNDED_KREIS, "ags"].str[:5])
    level = units["level"] if "level" in units else ["gemeinde"] * len(units)
    return [
        lv == "gemeinde" and cls != CLASS_FUNDED_STADT and str(ags)[:5] in funded_kreise
        for lv, cls, ags in zip(level, units["map_class"], units["ags"], strict=True)
    ]


def funding_counts(registry: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Funded Kommunen per year and type, plus a row for all ``years`` together.

    Columns: ``period`` (str), ``Kreise``, ``Städte``, ``Kommunen``, ``Projekte``.
    A Kommune funded in several years counts once in the combined row.
    """
    periods: list[tuple[str, list[int]]] = [(str(y), [y]) for y in years]
    if len(years) > 1:
        periods.append((f"{min(years)}–{max(years)}", list(years)))
    rows = []
    for label, ys in periods:
        sel = select_years(registry, ys)
        units = sel.drop_duplicates("ags")
        n_kreise = int((units["unit_type"] == UnitType.KREIS.value).sum())
        rows.append(
            {
                "period": label,
                "Kreise": n_kreise,
                "Städte": len(units) - n_kreise,
                "Kommunen": len(units),
                "Projekte": len(sel),
            }
        )
    return pd.DataFrame(rows, columns=list(COUNT_COLUMNS))


#: Groups a published total counts (``kommin_published_totals.csv`` columns), in panel order.
COMPLETENESS_GROUPS = ("kommunen", "staedte", "kreise")


@dataclass(frozen=True)
class Completeness:
    """How a loaded list compares with a published total: ``group`` (a code of
    :data:`COMPLETENESS_GROUPS`) funded ``first``–``last``, published ``as_of`` (as the reference
    file gives it, usually an ISO date). Labelled in :mod:`mapapp.text.funding`."""

    group: str
    first: int
    last: int
    as_of: str
    loaded: int
    published: int
    source: str

    @property
    def share(self) -> float:
        return self.loaded / self.published if self.published else float("nan")


def completeness(registry: pd.DataFrame, totals: pd.DataFrame) -> list[Completeness]:
    """Compare distinct funded Kommunen in the list with the ministry's cumulative totals.

    Parameters
    ----------
    totals
        ``kommin_published_totals.csv``: ``period`` ("2005-2008"), ``kommunen``, ``staedte``,
        ``kreise``, ``cumulative`` ("yes"/"no"), ``source``, ``as_of``.
    """
    out: list[Completeness] = []
    cumulative = totals[totals["cumulative"].astype(str).str.lower() == "yes"]
    for rec in cumulative.to_dict("records"):
        lo, hi = (int(x) for x in str(rec["period"]).split("-"))
        units = select_years(registry, range(lo, hi + 1)).drop_duplicates("ags")
        n_kreise = int((units["unit_type"] == UnitType.KREIS.value).sum())
        loaded = {"kommunen": len(units), "staedte": len(units) - n_kreise, "kreise": n_kreise}
        for group in COMPLETENESS_GROUPS:
            value = rec.get(group)
            if value is None or pd.isna(value) or str(value) == "":
                continue
            out.append(
                Completeness(
                    group=group,
                    first=lo,
                    last=hi,
                    as_of=str(rec["as_of"]),
                    loaded=loaded[group],
                    published=int(value),
                    source=str(rec["source"]),
                )
            )
    return out


@dataclass(frozen=True)
class PublishedTotal:
    """One published count of funded Kommunen (``kommin_published_totals.csv``).

    ``first``–``last`` is the period it covers; ``cumulative`` totals count every Kommune funded
    since 2005 (``"bis 2008"``), the others one year's round.
    """

    kommunen: int
    first: int
    last: int
    cumulative: bool
    as_of: str
    source: str


def published_totals_list(totals: pd.DataFrame) -> list[PublishedTotal]:
    """The rows of ``kommin_published_totals.csv`` that give a number of Kommunen."""
    out = []
    for rec in totals.to_dict("records"):
        value = rec.get("kommunen")
        if value is None or pd.isna(value) or str(value).strip() == "":
            continue
        first, _, last = str(rec["period"]).strip().partition("-")
        out.append(
            PublishedTotal(
                kommunen=int(value),
                first=int(first),
                last=int(last or first),
                cumulative=str(rec.get("cumulative", "")).strip().lower() == "yes",
                as_of=str(rec.get("as_of", "")),
                source=str(rec.get("source", "")),
            )
        )
    return out


def published_total_for(totals: pd.DataFrame, years: Sequence[int]) -> PublishedTotal | None:
    """The ministry's count to set beside the Kommunen shown for ``years``.

    A single year with its own published round (e.g. 2009: 71) gets that count; otherwise the
    first cumulative total reaching the last selected year (2005–2007: "bis 2008: 86"), or the
    latest cumulative total when none reaches it (a lower bound). Among equal periods the latest
    publication wins. ``None`` when nothing is published.
    """
    rows = published_totals_list(totals)
    if not rows or not years:
        return None
    last = max(years)
    if len(set(years)) == 1:
        own = [r for r in rows if not r.cumulative and r.first == r.last == last]
        if own:
            return max(own, key=lambda r: r.as_of)
    cumulative = [r for r in rows if r.cumulative]
    if not cumulative:
        return None
    reaching = [r for r in cumulative if r.last >= last]
    if reaching:
        end = min(r.last for r in reaching)
        return max((r for r in reaching if r.last == end), key=lambda r: r.as_of)
    end = max(r.last for r in cumulative)
    return max((r for r in cumulative if r.last == end), key=lambda r: r.as_of)


def unit_projects(registry: pd.DataFrame, ags: str) -> pd.DataFrame:
    """All registry rows of one Kommune (for the details panel)."""
    return registry[registry["ags"] == ags].reset_index(drop=True)


def funded_table(units: pd.DataFrame) -> pd.DataFrame:
    """Plain table of the funded units (no geometry), sorted by type and name.

    Columns: ``ags``, ``name``, ``unit_type``, ``years`` ("2005, 2006"), ``n_projects``,
    ``projects``, ``focus``, ``amount_eur``, ``confidence``, ``sources`` (" | "-joined URLs).
    """
    funded = units[units["funded"]]
    out = pd.DataFrame(
        {
            "ags": funded["ags"],
            "name": funded["name"],
            "unit_type": funded["unit_type"],
            "years": [", ".join(map(str, ys)) for ys in funded["years"]],
            "n_projects": funded["n_projects"],
            "projects": funded["projects"],
            "focus": funded["focus"],
            "amount_eur": funded["amount_eur"],
            "confidence": funded["confidence"],
            "sources": [" | ".join(s) for s in funded["sources"]],
        }
    )
    order = {UnitType.KREIS.value: 0, UnitType.KREISFREIE_STADT.value: 1}
    out["_o"] = out["unit_type"].map(order).fillna(2)
    return out.sort_values(["_o", "name"]).drop(columns="_o").reset_index(drop=True)


def available_years(registry: pd.DataFrame) -> list[int]:
    """Funding years present in the registry, sorted."""
    return sorted({y for ys in registry["funding_years"] for y in ys})
