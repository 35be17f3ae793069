"""Words about a coverage scenario: the comparison rule, who gains or loses access, the list of
changes and the classes of the difference map (labels in the page's language)."""

from __future__ import annotations

import pandas as pd

from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.scenario import Scenario
from mapapp.analysis.coverage.scenario_result import ScenarioResult
from mapapp.model import COL_NAME
from mapapp.text import integer, label, t
from mapapp.text.coverage_network import reach_text

#: Units named in the "most gain / lose" sentences.
TOP_UNITS = 3


def scenario_rule(params: CoverageParams, lang: str = "de") -> str:
    """The comparison and the access rule (the method panel of the scenario); the threshold in
    the unit of the mode (km, or minutes on the street network)."""
    return t("scn.rule", lang, km=reach_text(params.threshold, params.mode, lang))


def access_sentence(result: ScenarioResult, lang: str = "de") -> str:
    """ "Access means …: N people gain access, M lose it" (markdown; numbers only)."""
    params = result.before.params
    return t(
        "scn.access",
        lang,
        km=reach_text(params.threshold, params.mode, lang),
        gain=integer(result.gain, lang),
        lose=integer(result.lose, lang),
        who=label("demand", params.demand, lang),
    )


def top_names(result: ScenarioResult, column: str, lang: str = "de") -> str | None:
    """The Gemeinden where most people gain (``column="gain"``) or lose access, as
    ``"Name (N)"``; ``None`` when nobody does."""
    table = result.gemeinden
    rows = table[table[column] > 0].sort_values([column, "ags"], ascending=[False, True])
    if rows.empty:
        return None
    names = [
        f"{r[COL_NAME]} ({integer(r[column], lang)})" for _, r in rows.head(TOP_UNITS).iterrows()
    ]
    key = "scn.access.gain_top" if column == "gain" else "scn.access.lose_top"
    return t(key, lang, names=", ".join(names))


def change_rows(
    scenario: Scenario, names: dict[str, tuple[str, str]], lang: str = "de"
) -> pd.DataFrame:
    """One row per change: ``action``, ``offer`` (name and id), ``category`` (labels in ``lang``).

    ``names`` maps an existing offer's id to its (name, category)."""
    rows = []
    for o in scenario.added:
        rows.append(("add", f"{o.name} ({o.id})", o.category))
    for m in scenario.moved:
        name, category = names.get(m.id, (m.id, ""))
        rows.append(("move", f"{name} ({m.id})", category))
    for i in scenario.removed:
        name, category = names.get(i, (i, ""))
        rows.append(("remove", f"{name} ({i})", category))
    return pd.DataFrame(
        {
            "action": [t(f"scn.action.{a}", lang) for a, _, _ in rows],
            "offer": [o for _, o, _ in rows],
            "category": [label("category", c, lang) if c else "" for _, _, c in rows],
        }
    )


__all__ = ["TOP_UNITS", "access_sentence", "change_rows", "scenario_rule", "top_names"]
