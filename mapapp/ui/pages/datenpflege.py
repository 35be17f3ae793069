"""Datenpflege: load the ministry's funding list (and offer lists) – editors only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from mapapp.ingest.funding import import_file
from mapapp.ingest.read import MAX_IMPORT_BYTES
from mapapp.ingest.report import RowIssue
from mapapp.io.funding import reset_registry, save_registry
from mapapp.model import DataError
from mapapp.services.offers import import_offers
from mapapp.ui import auth, cached, state
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table

_RESULT = "funding_import_result"


def _report_frame(items: list[RowIssue]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Zeile": e.row, "Feld": e.field, "Meldung": e.message} for e in items],
        columns=["Zeile", "Feld", "Meldung"],
    )


def _check_upload(name: str, data: bytes) -> object:
    """Run the importer on the uploaded bytes (nothing is stored)."""
    s = cached.settings()
    return import_file(
        data,
        cached.status(str(s.reference_dir)),
        file=Path(name).name,
        default_source=f"Import: {Path(name).name}",
    )


def _funding_section() -> None:
    st.subheader("Förderliste des Ministeriums")
    info = cached.current_registry_info()
    registry = cached.registry(info)
    which = "importierte Liste" if info.imported else "dokumentierte Liste (öffentliche Quellen)"
    st.write(
        f"Aktiv: **{which}** – {len(registry)} Projekte, {registry['ags'].nunique()} Kommunen."
    )
    upload = st.file_uploader(
        "Bewilligungsliste (CSV oder Excel, Namen oder AGS)",
        type=["csv", "txt", "xlsx"],
        key="funding_upload",
    )
    if upload is not None and st.button("Datei prüfen", key="funding_check"):
        data = upload.getvalue()
        if len(data) > MAX_IMPORT_BYTES:
            st.error(
                f"{md(upload.name)}: Datei zu groß (höchstens {MAX_IMPORT_BYTES // 2**20} MB)."
            )
            return
        try:
            st.session_state[_RESULT] = _check_upload(upload.name, data)
        except DataError as exc:
            st.session_state.pop(_RESULT, None)
            st.error(data_error_text(exc))
    result = st.session_state.get(_RESULT)
    if result is not None:
        st.write(
            f"Geprüft: {result.accepted} Zeilen übernehmbar, {len(result.errors)} Fehler, "
            f"{len(result.warnings)} Warnungen."
        )
        if result.errors:
            st.error("Die Liste hat Fehler und wird nicht übernommen (nichts wurde gespeichert).")
            show_table(_report_frame(result.errors))
        if result.warnings:
            show_table(_report_frame(result.warnings))
        if result.ok and st.button("Liste übernehmen", type="primary", key="funding_save"):
            path = save_registry(result.registry, cached.settings())
            st.session_state.pop(_RESULT, None)
            st.success(f"Gespeichert ({md(path.name)}). Die Förderkarte zeigt jetzt diese Liste.")
    if info.imported and st.button("Zurück zur dokumentierten Liste", key="funding_reset"):
        reset_registry(cached.settings())
        st.session_state.pop(_RESULT, None)
        st.rerun()


def _offers_section() -> None:
    st.subheader("Integrationsangebote")
    version = state.require_data("de")
    store = cached.offer_store(version)
    st.write(
        f"Gespeichert: **{store.count()}** Angebote (eingebettete Datenbank, kein Server nötig)."
    )
    upload = st.file_uploader(
        "Angebotsliste (CSV, Excel oder GeoJSON)",
        type=["csv", "txt", "xlsx", "geojson", "json"],
        key="offers_upload",
    )
    all_or_nothing = st.checkbox("Nur ganz oder gar nicht speichern", value=True)
    if upload is None:
        return
    c1, c2 = st.columns(2)
    dry = c1.button("Prüfen (speichert nichts)", key="offers_check")
    store_it = c2.button("Prüfen und speichern", type="primary", key="offers_store")
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
        )
    except DataError as exc:
        st.error(data_error_text(exc))
        return
    st.write(
        f"{report.rows_read} Zeilen gelesen, {report.accepted} übernehmbar, "
        f"{len(report.rejected)} abgelehnt, {len(report.warnings)} Warnungen."
    )
    if report.stored:
        st.success(f"Gespeichert: {report.inserted} neu, {report.updated} aktualisiert.")
    elif not dry:
        st.warning("Nichts gespeichert.")
    issues = [("abgelehnt", i) for i in report.rejected] + [("Warnung", i) for i in report.warnings]
    if issues:
        show_table(
            pd.DataFrame(
                [
                    {"Art": kind, "Zeile": i.row, "Feld": i.field, "Meldung": i.message}
                    for kind, i in issues
                ]
            )
        )


def render() -> None:
    st.title("Datenpflege")
    st.caption(
        "Für Planerinnen und Planer sowie das Ministerium: Listen laden und prüfen. "
        "Jede Datei wird zuerst vollständig geprüft; gespeichert wird nur eine fehlerfreie Liste."
    )
    if not auth.login_form():
        return
    _funding_section()
    _offers_section()
