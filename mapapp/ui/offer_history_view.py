"""The history of one offer from the audit trail (version, when, who, how, what changed), and
"restore this version" for admins and the editors whose scope holds the offer (then and now;
:func:`mapapp.services.editing.revert` checks it again)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from mapapp.model import DataError
from mapapp.offers_model import Offer
from mapapp.services import editing
from mapapp.services.accounts import Account
from mapapp.store.base import AuditEntry, VersionConflict
from mapapp.text import label
from mapapp.ui import cached
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_COLUMNS = ("version", "at", "actor", "via", "action", "changed")


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> str:
    """The record fields a change touched (``"phone, last_verified"``), all for a creation."""
    old, new = before or {}, after or {}
    keys = sorted(set(old) | set(new))
    return ", ".join(k for k in keys if old.get(k) != new.get(k))


def history_frame(entries: list[AuditEntry], lang: str) -> pd.DataFrame:
    """Newest first, with headers, actions and ways (``update``, ``cli``, …) in ``lang``."""
    rows = [
        {
            "version": e.version,
            "at": e.at.replace("T", " ").replace("+00:00", ""),
            "actor": e.actor,
            "via": label("audit_via", e.via, lang),
            "action": label("audit_action", e.action, lang),
            "changed": changed_fields(e.before, e.after),
        }
        for e in reversed(entries)
    ]
    names = {c: plain(f"ed.col.{c}", lang) for c in _COLUMNS}
    return pd.DataFrame(rows, columns=list(_COLUMNS)).rename(columns=names)


def render(account: Account, offer: Offer, version: int, lang: str) -> None:
    settings = cached.settings()
    entries = editing.history(settings, offer.id)
    with st.expander(t("ed.history", lang), expanded=False):
        show_table(history_frame(entries, lang))
        if not editing.may_change(account, offer):
            return
        earlier = [e.version for e in reversed(entries) if e.version and e.version != version]
        if not earlier:
            return
        target = st.selectbox(plain("ed.revert", lang), earlier, key=f"ed_rev_{offer.id}")
        if st.button(plain("ed.revert_button", lang), key=f"ed_rev_go_{offer.id}"):
            try:
                new = editing.revert(
                    settings, account, offer.id, int(target), expected_version=version
                )
            except VersionConflict as exc:
                st.error(md(str(exc)))
                return
            except DataError as exc:
                st.error(data_error_text(exc, lang))
                return
            st.session_state.setdefault("ed_base", {})[offer.id] = new
            st.session_state["ed_note"] = (
                "ok",
                t("ed.reverted", lang, version=int(target), new=new),
            )
            st.rerun()
