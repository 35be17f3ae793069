"""Redaktion: add, change and delete single offers, confirm "noch aktuell" — within the account's
scope (:mod:`mapapp.services.editing` checks it again on every save).

The list shows the offers the account may change (an editor: its Kreise and Gemeinden; others
read-only on request), offers not checked for ``MAPAPP_STALE_MONTHS`` flagged ⚠. A form starts
from the version it shows; that version is kept in the browser session, so a save after someone
else's is refused with both versions side by side instead of overwriting theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import Offer, is_stale
from mapapp.services import editing
from mapapp.services.accounts import Account, Role
from mapapp.store.base import VersionConflict
from mapapp.text import date as fmt_date
from mapapp.text import integer, label
from mapapp.ui import cached, offer_history_view, state
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import md, trusted
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_NEW = "__new__"
_BASE = "ed_base"  # offer id -> the version its form started from
_NOTE = "ed_note"  # (kind, markdown) to show after the rerun a save makes
_CONFLICT = "ed_conflict"  # (offer id, expected, current, my values)
_PICK, _PICK_NEXT = "ed_pick", "ed_pick_next"  # the select box; what it shows after a rerun


def render(account: Account, lang: str) -> None:
    st.header(t("ed.title", lang))
    version = state.require_data(lang)
    store = cached.offer_store(version)
    offers, versions = store.all(), store.versions()
    today = dt.date.today()
    months = cached.settings().stale_months
    editor = account.role is Role.EDITOR
    mine = [o for o in offers if editing.may_change(account, o)]
    if account.role is Role.VIEWER:
        st.info(t("ed.readonly", lang))
    show_all = editor and st.checkbox(plain("ed.show_all", lang), key="ed_show_all")
    stale_only = st.checkbox(plain("ed.stale_only", lang, months=months), key="ed_stale_only")
    query = st.text_input(plain("ed.search", lang), key="ed_search").strip().casefold()
    pool = offers if (show_all or not editor) else mine
    stale = {o.id for o in pool if is_stale(o.last_verified, today, months)}
    shown = [
        o
        for o in pool
        if (not stale_only or o.id in stale)
        and (not query or query in f"{o.name} {o.city or ''} {o.id}".casefold())
    ]
    st.caption(
        t(
            "ed.count",
            lang,
            shown=trusted(integer(len(shown), lang)),
            total=trusted(integer(len(pool), lang)),
            stale=trusted(integer(len(stale), lang)),
            months=months,
        )
    )
    _note()
    by_id = {o.id: o for o in offers}
    can_create = account.role is not Role.VIEWER
    options = ([_NEW] if can_create else []) + [o.id for o in shown]

    def option(oid: str) -> str:
        if oid == _NEW:
            return plain("ed.new", lang)
        o = by_id[oid]
        flag = " ⚠" if oid in stale else ""
        return f"{o.name} – {o.city or o.kreis_ags or ''} ({oid}){flag}"

    if _PICK_NEXT in st.session_state:  # a widget's value is set before it is drawn
        following = st.session_state.pop(_PICK_NEXT)
        if following in options:
            st.session_state[_PICK] = following
        else:
            st.session_state.pop(_PICK, None)
    chosen = st.selectbox(plain("ed.pick", lang), options, format_func=option, key=_PICK)
    if chosen is None:
        return
    if chosen == _NEW:
        _form(account, None, 0, lang, allowed=True)
        return
    offer = by_id[chosen]
    _offer(account, offer, versions.get(chosen, 1), chosen in stale, lang)


def _note() -> None:
    note = st.session_state.pop(_NOTE, None)
    if note is not None:
        kind, text = note
        (st.success if kind == "ok" else st.info)(text)


def _offer(account: Account, offer: Offer, version: int, stale: bool, lang: str) -> None:
    """State line, flags, the form, "noch aktuell", delete and the history of one offer."""
    months = cached.settings().stale_months
    checked = fmt_date(offer.last_verified, lang) if offer.last_verified else t("ed.never", lang)
    st.markdown(t("ed.state", lang, version=version, date=trusted(checked)))
    if stale:
        st.warning(t("ed.stale", lang, months=months))
    allowed = editing.may_change(account, offer)
    if not allowed and account.role is Role.EDITOR:
        st.warning(t("ed.outside", lang, scopes=", ".join(account.scopes)))
    bases: dict[str, int] = st.session_state.setdefault(_BASE, {})
    base = bases.setdefault(offer.id, version)
    _form(account, offer, base, lang, allowed=allowed)
    if allowed:
        _actions(account, offer, base, lang)
    offer_history_view.render(account, offer, version, lang)


def _field_label(name: str, lang: str) -> str:
    return plain(f"col.offer.{'kreis_ags' if name == 'kreis' else name}", lang)


def _inputs(prefix: str, values: Mapping[str, str], lang: str, disabled: bool) -> dict[str, str]:
    out: dict[str, str] = {}
    cats = [c.value for c in OfferCategory]
    cols = st.columns(2)
    for i, name in enumerate(editing.FORM_FIELDS):
        if name == "id":
            continue
        where = cols[i % 2]
        key = f"{prefix}_{name}"
        if name == "category":
            current = values.get(name) or OfferCategory.SONSTIGES.value
            out[name] = where.selectbox(
                _field_label(name, lang),
                cats,
                index=cats.index(current) if current in cats else 0,
                format_func=lambda c: label("category", c, lang),
                key=key,
                disabled=disabled,
            )
            continue
        out[name] = where.text_input(
            _field_label(name, lang), value=values.get(name, ""), key=key, disabled=disabled
        )
    return out


def _form(account: Account, offer: Offer | None, base: int, lang: str, *, allowed: bool) -> None:
    prefix = f"ed_{offer.id if offer else 'new'}_{base}"
    with st.form(prefix):
        values = _inputs(prefix, editing.form_values(offer), lang, disabled=not allowed)
        submitted = st.form_submit_button(
            plain("ed.save", lang), type="primary", disabled=not allowed
        )
    conflict = st.session_state.get(_CONFLICT)
    if conflict and offer is not None and conflict[0] == offer.id:
        _show_conflict(offer, conflict, lang)
    if submitted:
        _save(account, offer, base, values, lang)


def _save(
    account: Account, offer: Offer | None, base: int, values: dict[str, str], lang: str
) -> None:
    settings = cached.settings()
    version = state.require_data(lang)
    try:
        saved = editing.save_offer(
            settings,
            cached.geo_context(version),
            account,
            values,
            offer_id=offer.id if offer else None,
            expected_version=base if offer else None,
        )
    except VersionConflict as exc:
        st.session_state[_CONFLICT] = (exc.offer_id, exc.expected, exc.current, values)
        st.rerun()
    except editing.NotAllowed as exc:
        st.error(t("ed.not_allowed", lang) + " " + md(exc.message))
        return
    except DataError as exc:
        st.error(data_error_text(exc, lang))
        return
    if saved.offer_id is None:
        st.error(t("ed.rejected", lang))
        _issues(saved.report.rejected + saved.report.warnings, lang)
        return
    st.session_state.setdefault(_BASE, {})[saved.offer_id] = saved.version
    st.session_state.pop(_CONFLICT, None)
    key = "ed.unchanged" if offer is not None and saved.version == base else "ed.saved"
    st.session_state[_NOTE] = ("ok", t(key, lang, version=saved.version))
    if offer is None:
        st.session_state[_PICK_NEXT] = saved.offer_id  # show the new offer after the rerun
    st.rerun()


def _issues(issues: Sequence[object], lang: str) -> None:
    rows = [
        {"field": getattr(i, "field", None), "message": getattr(i, "message", "")} for i in issues
    ]
    frame = pd.DataFrame(rows, columns=["field", "message"]).rename(
        columns={"field": plain("dp.col.field", lang), "message": plain("dp.col.message", lang)}
    )
    show_table(frame)


def _show_conflict(
    offer: Offer, conflict: tuple[str, int, int | None, dict[str, str]], lang: str
) -> None:
    """Both versions: the fields where the user's form and the stored offer differ."""
    _, expected, current, mine = conflict
    if current is None:
        st.error(t("ed.conflict_deleted", lang, expected=expected))
    else:
        st.error(t("ed.conflict", lang, expected=expected, current=current))
    if current is not None and mine:
        stored = editing.form_values(offer)
        rows = [
            {"field": _field_label(f, lang), "mine": mine.get(f, ""), "stored": stored.get(f, "")}
            for f in editing.FORM_FIELDS
            if f != "id" and (mine.get(f, "") or "").strip() != stored.get(f, "")
        ]
        frame = pd.DataFrame(rows, columns=["field", "mine", "stored"]).rename(
            columns={
                "field": plain("dp.col.field", lang),
                "mine": plain("ed.col.mine", lang, version=expected),
                "stored": plain("ed.col.stored", lang, version=current),
            }
        )
        show_table(frame)
    if st.button(plain("ed.reload", lang), key=f"ed_reload_{offer.id}"):
        st.session_state.pop(_CONFLICT, None)
        st.session_state.setdefault(_BASE, {}).pop(offer.id, None)
        st.rerun()


def _actions(account: Account, offer: Offer, base: int, lang: str) -> None:
    """ "Noch aktuell" and delete (with a confirmation box), both from the form's version."""
    settings = cached.settings()
    c1, c2 = st.columns(2)
    try:
        if c1.button(plain("ed.confirm", lang), key=f"ed_confirm_{offer.id}"):
            new = editing.confirm_current(settings, account, offer.id, base)
            st.session_state.setdefault(_BASE, {})[offer.id] = new
            st.session_state[_NOTE] = ("ok", t("ed.confirmed", lang, version=new))
            st.rerun()
        sure = c2.checkbox(plain("ed.delete_sure", lang), key=f"ed_sure_{offer.id}")
        if c2.button(plain("ed.delete", lang), key=f"ed_delete_{offer.id}", disabled=not sure):
            gone = editing.delete_offer(settings, account, offer.id, base)
            st.session_state.setdefault(_BASE, {}).pop(offer.id, None)
            st.session_state[_NOTE] = ("ok", t("ed.deleted", lang, version=gone))
            st.session_state[_PICK_NEXT] = None
            st.rerun()
    except VersionConflict as exc:
        st.session_state[_CONFLICT] = (exc.offer_id, exc.expected, exc.current, {})
        st.rerun()
