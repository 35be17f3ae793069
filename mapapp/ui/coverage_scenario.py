"""Versorgungslücken scenario panel: add offers (a CSV file or a click on the map), move or remove
offers, and compare before with after (headlines, difference map, who gains or loses access).

The scenario is a :class:`~mapapp.analysis.coverage.scenario.Scenario` in the session
(:data:`STATE_KEY`); nothing is written to the offer store. Removed offers alone, when few, go
into the URL (:data:`URL_PARAM`), so a shared link shows the same scenario; otherwise the panel
says that the scenario is not in the link. Widget keys start with ``gap_scn_``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.coverage.params import Method, Support
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.analysis.coverage.scenario import MAX_CHANGES, Move, NewOffer, Scenario
from mapapp.analysis.coverage.scenario_result import ScenarioResult
from mapapp.io.boundaries import Boundaries
from mapapp.io.datasets import DataVersion
from mapapp.model import DataError, OfferCategory
from mapapp.render.assets import localize_assets
from mapapp.render.coverage_difference import difference_map
from mapapp.render.coverage_raster import RasterLookup
from mapapp.services import coverage_scenario as service
from mapapp.text import integer, km, label, number, percent
from mapapp.text.coverage import headline_sentence
from mapapp.text.coverage_network import minutes_text, reach_text, value_key
from mapapp.text.coverage_scenario import access_sentence, change_rows, scenario_rule, top_names
from mapapp.ui import cached, state
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import md, trusted
from mapapp.ui.streamlit_texts import map_container
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

STATE_KEY = "gap_scn_state"
CLICK_KEY = "gap_scn_click"
REMOVE_KEY = "gap_scn_remove"
_LAST_CLICK = "gap_scn_last_click"
_NOTE = "gap_scn_note"
MAP_KEY = "gap_scn_map"
#: URL parameter with the removed offers' ids (comma-separated) when nothing else changed.
URL_PARAM = "szenario_ohne"
#: Longest id list kept in the URL (characters).
URL_MAX = 300
_CLICK_MODES = ("off", "add", "move")


def _scenario() -> Scenario:
    value = st.session_state.get(STATE_KEY)
    return value if isinstance(value, Scenario) else Scenario()


def click_mode() -> str:
    """What a click on the coverage map does now (``off``, ``add``, ``move``)."""
    mode = st.session_state.get(CLICK_KEY, "off")
    return mode if mode in _CLICK_MODES else "off"


#: What st_folium reports of a click: on bare map, or on a Gemeinde/Kreis shape (whose layer
#: takes the click; its position is reported as the object's click).
_CLICKS = ("last_clicked", "last_object_clicked")


def map_returns() -> list[str]:
    """What the coverage map reports back: clicks only while they place or move an offer."""
    return list(_CLICKS) if click_mode() != "off" else []


def map_key(key: str) -> str:
    """The coverage map's widget key: another one while clicks count, so that the map is made
    anew and reports them (st_folium keeps what it reports from its first drawing)."""
    return f"{key}_click" if click_mode() != "off" else key


def _new_click(returned: Any) -> tuple[float, float] | None:
    """(lon, lat) of a click not handled yet (st_folium reports the last one on every rerun)."""
    if not isinstance(returned, dict):
        return None
    for kind in _CLICKS:
        clicked = returned.get(kind)
        if not isinstance(clicked, dict) or clicked.get("lat") is None:
            continue
        point = (float(clicked["lng"]), float(clicked["lat"]))
        if st.session_state.get(f"{_LAST_CLICK}_{kind}") != point:
            st.session_state[f"{_LAST_CLICK}_{kind}"] = point
            return point
    return None


def take_click(returned: Any, version: DataVersion, lang: str) -> None:
    """A new click on the coverage map places a new offer or moves the chosen one."""
    point = _new_click(returned)
    if point is None or click_mode() == "off":
        return
    ags = service.gemeinde_at(cached.geo_context(version), *point)
    if ags is None:
        st.session_state[_NOTE] = ("warning", t("scn.click.outside", lang))
        return
    scenario = _scenario()
    if scenario.n_changes >= MAX_CHANGES:
        st.session_state[_NOTE] = ("warning", t("scn.too_many", lang, n=MAX_CHANGES))
        return
    if click_mode() == "add":
        ident = scenario.next_id()
        category = st.session_state.get("gap_scn_cat") or OfferCategory.ABH.value
        name = plain("scn.new_name", lang, id=ident)
        scenario = scenario.add(NewOffer(ident, name, str(category), *point, ags=ags))
    else:
        offer = st.session_state.get("gap_scn_offer")
        if not offer:
            return
        scenario = scenario.move(Move(str(offer), *point, ags=ags))
    st.session_state[STATE_KEY] = scenario


def _reset() -> None:
    st.session_state[STATE_KEY] = Scenario()
    st.session_state[REMOVE_KEY] = []
    st.session_state[CLICK_KEY] = "off"
    st.session_state.pop(_NOTE, None)


def _add_file(version: DataVersion, lang: str) -> None:
    """Read the uploaded file through the offers importer and add its located offers."""
    upload = st.session_state.get("gap_scn_file")
    if upload is None:
        return
    scenario = _scenario()
    try:
        read = service.scenario_upload(
            upload.getvalue(), upload.name, cached.geo_context(version), scenario
        )
    except DataError as exc:
        st.session_state[_NOTE] = ("error", md(data_error_text(exc, lang)))
        return
    for offer in read.offers:
        scenario = scenario.add(offer)
    st.session_state[STATE_KEY] = scenario
    st.session_state[_NOTE] = ("report", read)


def _report(read: service.ScenarioUpload, lang: str) -> None:
    """How many offers a file gave, and the rows the importer did not take."""
    report = read.report
    lines = [t("scn.upload.added", lang, file=report.file, n=integer(len(read.offers), lang))]
    if read.unlocated:
        lines.append(t("scn.upload.unlocated", lang, n=integer(read.unlocated, lang)))
    if report.rejected:
        lines.append(t("scn.upload.rejected", lang, n=integer(len(report.rejected), lang)))
    st.caption("  \n".join(lines))
    issues = report.rejected + report.warnings
    if issues:
        rows = [{"row": i.row, "field": i.field, "message": i.message} for i in issues]
        show_table(
            pd.DataFrame(rows, columns=["row", "field", "message"]),
            column_config={c: plain(f"dp.col.{c}", lang) for c in ("row", "field", "message")},
        )


def _note(lang: str) -> None:
    note = st.session_state.get(_NOTE)
    if not note:
        return
    kind, value = note
    if kind == "report":
        _report(value, lang)
    elif kind == "error":
        st.error(value)
    else:
        st.warning(value)


def _controls(before: CoverageResult, version: DataVersion, lang: str) -> list[str]:
    """File, click mode and removals in three columns; returns the ids chosen for removal."""
    offers = before.offers
    stored = dict(zip(offers["id"].astype(str), offers["name"].astype(str), strict=True))
    names = {**stored, **{o.id: o.name for o in _scenario().added}}
    c1, c2, c3 = st.columns(3)
    kb = integer(service.SCENARIO_MAX_BYTES // 1000, lang)
    c1.file_uploader(
        t("scn.upload", lang, kb=kb, rows=integer(service.SCENARIO_MAX_ROWS, lang)),
        type=["csv"],
        key="gap_scn_file",
        max_upload_size=1,  # MB, the browser's limit; the importer's own limit is the label's
        help=t("scn.upload.help", lang),
    )
    c1.button(
        t("scn.upload.add", lang), key="gap_scn_add_file", on_click=_add_file, args=(version, lang)
    )
    mode = c2.radio(
        t("scn.click", lang),
        list(_CLICK_MODES),
        format_func=lambda m: plain(f"scn.click.{m}", lang),
        key=CLICK_KEY,
    )
    if mode == "add":
        c2.selectbox(
            t("scn.click.category", lang),
            [c.value for c in OfferCategory],
            index=[c.value for c in OfferCategory].index(
                before.params.categories[0] if before.params.categories else OfferCategory.ABH.value
            ),
            format_func=lambda c: label("category", c, lang),
            key="gap_scn_cat",
            placeholder=plain("of.filter.placeholder", lang),
        )
    elif mode == "move":
        added = {o.id: o.name for o in _scenario().added}
        choices = {**names, **added}
        c2.selectbox(
            t("scn.click.offer", lang),
            list(choices),
            format_func=lambda i: f"{choices.get(i, i)} ({i})",
            key="gap_scn_offer",
            placeholder=plain("of.filter.placeholder", lang),
        )
    if REMOVE_KEY not in st.session_state:  # first run: the removed offers of a shared link
        wanted = (st.query_params.get(URL_PARAM) or "").split(",")
        st.session_state[REMOVE_KEY] = [i for i in wanted if i in stored]
    removed = c3.multiselect(
        t("scn.remove", lang),
        list(names),
        format_func=lambda i: f"{names.get(i, i)} ({i})",
        key=REMOVE_KEY,
        placeholder=plain("of.filter.placeholder", lang),
        select_all=False,
    )
    return [str(i) for i in removed]


def _effective(listed: Scenario) -> Scenario:
    """The scenario to compute: a new offer removed again is simply not added."""
    new = {o.id for o in listed.added}
    return Scenario(
        tuple(o for o in listed.added if o.id not in listed.removed),
        listed.moved,
        tuple(i for i in listed.removed if i not in new),
    )


def _link(scenario: Scenario, lang: str) -> None:
    """Removed offers alone and few: into the URL; otherwise say the link lacks the scenario."""
    value = ",".join(scenario.removed)
    in_url = not scenario.added and not scenario.moved and len(value) <= URL_MAX
    state.set_query(URL_PARAM, value if in_url else None)
    if scenario.empty:
        return
    st.caption(t("scn.link.in" if in_url else "scn.link.out", lang))


def _metric_value(text: str, support: Support) -> str:
    if support in (Support.NO_OFFERS, Support.NO_CAPACITY):
        return "–"
    return f"≈ {text}" if support is Support.APPROXIMATE else text


def _side(col: Any, title: str, result: CoverageResult, lang: str) -> None:
    """One side of the comparison: three figures and the headline with its basis line (in
    minutes of the mode on a street network)."""
    h = result.headline
    params = result.params
    col.markdown(f"### {md(title)}")
    col.metric(
        t("gap.metric.share.net", lang, reach=reach_text(h.threshold, h.mode, lang))
        if params.network
        else t("gap.metric.share", lang, km=trusted(km(h.threshold_m, lang))),
        _metric_value(percent(h.share_beyond_pct, lang, 1), h.support),
    )
    col.metric(
        t(f"gap.metric.people.{h.demand.value}", lang),
        _metric_value(integer(h.demand_beyond, lang), h.support),
    )
    method = params.method
    unit = {Method.NEAREST: " km", Method.SHARE: " %", Method.CAPACITY: " %"}.get(method, "")
    value = "–" if h.value != h.value else number(h.value, lang, 1 if unit else 2) + unit
    if params.network and method is Method.NEAREST and h.value == h.value:
        value = minutes_text(h.value, lang)
    col.metric(
        t("gap.metric.value", lang, value=trusted(t(value_key(params), lang))),
        _metric_value(value, h.value_support),
    )
    col.markdown(md(headline_sentence(h, lang)))


def _tables(sr: ScenarioResult, lang: str) -> None:
    """Who gains and who loses access, per Gemeinde and per Kreis (changed rows only)."""
    st.markdown(access_sentence(sr, lang))
    for column in ("gain", "lose"):
        sentence = top_names(sr, column, lang)
        if sentence:
            st.markdown(md(sentence))
    st.markdown(f"### {md(plain('scn.table', lang))}")
    value = plain(value_key(sr.after.params), lang)
    number_col = st.column_config.NumberColumn
    config = {
        "name": plain("gap.col.name", lang),
        "ags": "AGS",
        "gain": number_col(plain("scn.col.gain", lang), format="%.0f"),
        "lose": number_col(plain("scn.col.lose", lang), format="%.0f"),
        "value_before": number_col(plain("scn.col.value_before", lang, value=value), format="%.2f"),
        "value_after": number_col(plain("scn.col.value_after", lang, value=value), format="%.2f"),
        "change": number_col(plain("scn.col.change", lang), format="%+.2f"),
        "demand_beyond_before": number_col(plain("scn.col.beyond_before", lang), format="%.0f"),
        "demand_beyond_after": number_col(plain("scn.col.beyond_after", lang), format="%.0f"),
    }
    tab_g, tab_k = st.tabs([t("gap.level.gemeinde", lang), t("gap.level.kreis", lang)])
    for tab, level in ((tab_g, "gemeinde"), (tab_k, "kreis")):
        table = sr.changed(level)
        if table.empty:
            tab.caption(t("scn.unchanged", lang))
            continue
        show_table(table, where=tab, column_config=config, column_order=list(config))


def scenario_section(
    before: CoverageResult,
    view: str,
    keys: tuple[DataVersion, str, tuple[str, str], str],
    b: Boundaries,
    lookup: RasterLookup,
    lang: str,
) -> None:
    """The whole panel below the page's tables; ``keys`` = (data version, population stamp,
    offer store key, population grid stamp) of the page's cached results."""
    version, stamp, store_key, population_grid = keys
    st.header(t("scn.title", lang))
    st.caption(t("scn.intro", lang))
    network = cached.network_stamp(before.params.mode) if before.params.network else ""
    if network:  # new and moved offers: travel times on the same network
        st.caption(t("scn.network", lang, by=trusted(t(f"cov.by.{before.params.mode}", lang))))
    removed = _controls(before, version, lang)
    _note(lang)
    listed = _scenario().with_removed(removed)  # what the user did, in the list of changes
    _link(listed, lang)
    if listed.empty:
        st.info(t("scn.empty", lang))
        return
    scenario = _effective(listed)
    known = {
        str(r["id"]): (str(r["name"]), str(r["category"])) for _, r in before.offers.iterrows()
    }
    known.update({o.id: (o.name, o.category) for o in listed.added})
    st.markdown(f"### {md(plain('scn.changes', lang))}")
    show_table(
        change_rows(listed, known, lang),
        column_config={c: plain(f"scn.col.{c}", lang) for c in ("action", "offer", "category")},
    )
    st.button(t("scn.reset", lang), key="gap_scn_reset", on_click=_reset)
    with st.spinner(t("gap.computing", lang)):
        sr = cached.coverage_scenario(
            version, stamp, store_key, before.params, scenario, population_grid, network
        )
    left, right = st.columns(2)
    _side(left, plain("scn.before", lang), sr.before, lang)
    _side(right, plain("scn.after", lang), sr.after, lang)
    st.markdown(f"### {md(plain('scn.diff_map', lang))}")
    m = difference_map(sr, view, kreise=b.kreise, gemeinden=b.gemeinden, lookup=lookup, lang=lang)
    localize_assets(m)
    with map_container("scenario"):  # the iframe's title: "Karte: Szenario, …"
        st_folium(m, key=MAP_KEY, height=520, use_container_width=True, returned_objects=[])
    _tables(sr, lang)
    with st.expander(t("scn.method", lang), expanded=False):
        st.markdown(scenario_rule(before.params, lang))


__all__ = [
    "CLICK_KEY",
    "MAP_KEY",
    "REMOVE_KEY",
    "STATE_KEY",
    "URL_PARAM",
    "click_mode",
    "map_key",
    "map_returns",
    "scenario_section",
    "take_click",
]
