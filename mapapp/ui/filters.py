"""Pure translation between URL query parameters and the offer search (unit-tested, no Streamlit).

URL parameters of the public view (all optional, shareable):
``ort`` (what was searched), ``kat`` (category values, comma-separated), ``sprache`` (ISO 639-1
codes), ``zg`` (target-group values), ``bf=1`` (barrier-free only), ``n`` (number of results),
``lang`` (UI language, see :mod:`mapapp.ui.state`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mapapp.analysis.offers import OfferFilter
from mapapp.model import OfferCategory
from mapapp.offers_model import TargetGroup
from mapapp.text import label, language_name, t

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
_CODE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class SearchState:
    """What the URL says: the place text and the filter (hashable)."""

    place: str
    flt: OfferFilter
    limit: int = DEFAULT_LIMIT


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_params(params: Mapping[str, str]) -> SearchState:
    """Read the search from URL parameters; unknown values are dropped, never raised."""
    cats = frozenset(OfferCategory(c) for c in _split(params.get("kat")) if c in set(OfferCategory))
    langs = frozenset(c.lower() for c in _split(params.get("sprache")) if _CODE.match(c.lower()))
    groups = frozenset(TargetGroup(g) for g in _split(params.get("zg")) if g in set(TargetGroup))
    try:
        limit = int(params.get("n", DEFAULT_LIMIT))
    except ValueError:
        limit = DEFAULT_LIMIT
    return SearchState(
        place=(params.get("ort") or "").strip()[:200],
        flt=OfferFilter(
            categories=cats,
            languages=langs,
            target_groups=groups,
            barrier_free=params.get("bf") == "1",
        ),
        limit=min(max(limit, 1), MAX_LIMIT),
    )


def to_params(state: SearchState) -> dict[str, str]:
    """URL parameters for a search (only non-default values, stable order)."""
    out: dict[str, str] = {}
    if state.place:
        out["ort"] = state.place
    if state.flt.categories:
        out["kat"] = ",".join(sorted(c.value for c in state.flt.categories))
    if state.flt.languages:
        out["sprache"] = ",".join(sorted(state.flt.languages))
    if state.flt.target_groups:
        out["zg"] = ",".join(sorted(g.value for g in state.flt.target_groups))
    if state.flt.barrier_free:
        out["bf"] = "1"
    if state.limit != DEFAULT_LIMIT:
        out["n"] = str(state.limit)
    return out


def active_filter_names(flt: OfferFilter, lang: str = "de") -> list[str]:
    """The active filters in words, in a stable order (categories, languages, target groups,
    barrier-free): ``["Sprachkurs", "Arabisch", "nur barrierefrei"]``; names come from the
    catalogue and Babel, never from the URL text itself."""
    names = [label("category", c, lang) for c in OfferCategory if c in flt.categories]
    names += [language_name(code, lang) for code in sorted(flt.languages)]
    names += [label("target_group", g, lang) for g in TargetGroup if g in flt.target_groups]
    if flt.barrier_free:
        names.append(t("of.filter.barrierfree", lang))
    return names
