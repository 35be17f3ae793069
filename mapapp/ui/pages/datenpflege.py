"""Datenpflege: the ministry's funding list (admins), offer lists (admins; editors within their
scope: rows outside are rejected with the reason) and the Redaktion of single offers
(:mod:`mapapp.ui.offer_editor`) – after a login (:mod:`mapapp.ui.auth`).

The page is in the UI language; the messages in the row reports are the importer's (data, German).
"""

from __future__ import annotations

from pathlib import Path, PurePath

import pandas as pd
import streamlit as st

from mapapp.ingest.funding import import_file
from mapapp.ingest.read import MAX_IMPORT_BYTES
from mapapp.ingest.report import RowIssue
from mapapp.model import DataError
from mapapp.services import funding
from mapapp.services.accounts import Account, Role
from mapapp.services.offers import import_offers
from mapapp.text import integer
from mapapp.ui import auth, cached, offer_editor, state
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import Trusted, trusted
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_RESULT = "funding_import_result"


def _num(n: int, lang: str) -> Trusted:
    """A count written by Babel (``1.234`` de, ``1,234`` en), for a markdown text."""
    return trusted(integer(n, lang))


def _count(key: str, n: int, lang: str) -> Trusted:
    """``"6 Projekte"``: a plural entry with the number written by Babel."""
    return trusted(plain(key, lang, n=n, count=integer(n, lang)))


def _report_frame(items: list[tuple[str, RowIssue]], lang: str) -> pd.DataFrame:
    """The row report with headers in ``lang`` (the kind column only when a kind is given)."""
    cols = {
        "kind": plain("dp.col.kind", lang),
        "row": plain("dp.col.row", lang),
        "field": plain("dp.col.field", lang),
        "message": plain("dp.col.message", lang),
    }
    if not any(kind for kind, _ in items):
        del cols["kind"]
    rows = [
        {"kind": kind, "row": i.row, "field": i.field, "message": i.message} for kind, i in items
    ]
    return pd.DataFrame(rows, columns=list(cols)).rename(columns=cols)


def _check_upload(name: str, data: bytes) -> object:
    """Run the importer on the uploaded bytes (nothing is stored)."""
    s = cached.settings()
    return import_file(
        data,
        cached.status(str(s.reference_dir)),
        file=Path(name).name,
        default_source=f"Import: {Path(name).name}",
    )


def _funding_status(lang: str) -> bool:
    """The active list; returns whether it is an imported one."""
    info = cached.current_registry_info()
    registry = cached.registry(info)
    which = "dp.funding.imported" if info.imported else "dp.funding.documented"
    st.write(
        t(
            "dp.funding.active",
            lang,
            which=trusted(t(which, lang)),
            projects=_count("dp.count.projects", len(registry), lang),
            kommunen=_count("dp.count.kommunen", int(registry["ags"].nunique()), lang),
        )
    )
    return info.imported


def _funding_section(lang: str, account: Account) -> None:
    st.header(t("dp.funding.title", lang))
    imported = _funding_status(lang)
    upload = st.file_uploader(
        plain("dp.funding.upload", lang), type=["csv", "txt", "xlsx"], key="funding_upload"
    )
    if upload is not None and st.button(plain("dp.funding.check", lang), key="funding_check"):
        data = upload.getvalue()
        if len(data) > MAX_IMPORT_BYTES:
            st.error(t("dp.too_big", lang, name=upload.name, mb=MAX_IMPORT_BYTES // 2**20))
            return
        try:
            st.session_state[_RESULT] = _check_upload(upload.name, data)
        except DataError as exc:
            st.session_state.pop(_RESULT, None)
            st.error(data_error_text(exc, lang))
    result = st.session_state.get(_RESULT)
    if result is not None:
        st.write(
            t(
                "dp.funding.checked",
                lang,
                accepted=_num(result.accepted, lang),
                errors=_num(len(result.errors), lang),
                warnings=_num(len(result.warnings), lang),
            )
        )
        if result.errors:
            st.error(t("dp.funding.has_errors", lang))
            show_table(_report_frame([("", e) for e in result.errors], lang))
        if result.warnings:
            show_table(_report_frame([("", w) for w in result.warnings], lang))
        save = plain("dp.funding.save", lang)
        if result.ok and st.button(save, type="primary", key="funding_save"):
            where = funding.save_imported(cached.settings(), result.registry, account.name, "ui")
            st.session_state.pop(_RESULT, None)
            st.success(t("dp.funding.saved", lang, file=PurePath(where).name))
    if imported and st.button(plain("dp.funding.reset", lang), key="funding_reset"):
        funding.reset_imported(cached.settings(), account.name, "ui")
        st.session_state.pop(_RESULT, None)
        st.rerun()


def _offers_section(lang: str, account: Account) -> None:
    st.header(t("dp.offers.title", lang))
    version = state.require_data(lang)
    store = cached.offer_store(version)
    n = store.count()
    st.write(t("dp.offers.stored", lang, n=n, count=_num(n, lang)))
    upload = st.file_uploader(
        plain("dp.offers.upload", lang),
        type=["csv", "txt", "xlsx", "geojson", "json"],
        key="offers_upload",
    )
    all_or_nothing = st.checkbox(plain("dp.offers.all_or_nothing", lang), value=True)
    if upload is None:
        return
    c1, c2 = st.columns(2)
    dry = c1.button(plain("dp.offers.check", lang), key="offers_check")
    store_it = c2.button(plain("dp.offers.store", lang), type="primary", key="offers_store")
    if not (dry or store_it):
        return
    try:
        report = import_offers(
            upload.getvalue(),
            upload.name,
            cached.geo_context(version),
            store,
            dry_run=dry,
            all_or_nothing=all_or_nothing,
            actor=account.name,
            account=account,
        )
    except DataError as exc:
        st.error(data_error_text(exc, lang))
        return
    st.write(
        t(
            "dp.offers.report",
            lang,
            read=_num(report.rows_read, lang),
            accepted=_num(report.accepted, lang),
            rejected=_num(len(report.rejected), lang),
            warnings=_num(len(report.warnings), lang),
        )
    )
    if report.stored:
        st.success(
            t(
                "dp.offers.saved",
                lang,
                inserted=_num(report.inserted, lang),
                updated=_num(report.updated, lang),
            )
        )
    elif not dry:
        st.warning(t("dp.offers.nothing", lang))
    rejected, warning = plain("dp.kind.rejected", lang), plain("dp.kind.warning", lang)
    issues = [(rejected, i) for i in report.rejected] + [(warning, i) for i in report.warnings]
    if issues:
        show_table(_report_frame(issues, lang))


def render() -> None:
    lang = state.language()
    st.title(t("dp.title", lang))
    st.caption(t("dp.caption", lang))
    account = auth.login_form()
    if account is None:
        return
    if account.role is Role.ADMIN:
        _funding_section(lang, account)
    if account.role in (Role.ADMIN, Role.EDITOR):
        _offers_section(lang, account)
    offer_editor.render(account, lang)
