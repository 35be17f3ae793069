"""Editor authentication for data upkeep (password from ``MAPAPP_EDITOR_PASSWORD``).

Editing is disabled when no password is configured. Wrong attempts are counted per session and
lock the form after :data:`MAX_ATTEMPTS`.
"""

from __future__ import annotations

import hmac

import streamlit as st

from mapapp.ui import cached

MAX_ATTEMPTS = 5
_KEY = "editor_authenticated"
_FAILS = "editor_failed_attempts"


def check_password(given: str, expected: str | None) -> bool:
    """Constant-time comparison; never true when no password is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_editor() -> bool:
    return bool(st.session_state.get(_KEY))


def login_form() -> bool:
    """Show the login form unless authenticated; returns whether the user may edit."""
    expected = cached.settings().editor_password
    if expected is None:
        st.warning(
            "Bearbeiten ist ausgeschaltet: Es ist kein Passwort gesetzt. Zum Einschalten die "
            "Umgebungsvariable `MAPAPP_EDITOR_PASSWORD` setzen und die App neu starten."
        )
        return False
    if is_editor():
        if st.button("Abmelden"):
            st.session_state[_KEY] = False
            st.rerun()
        return True
    fails = int(st.session_state.get(_FAILS, 0))
    if fails >= MAX_ATTEMPTS:
        st.error("Zu viele Fehlversuche – bitte die Seite später neu laden.")
        return False
    if fails:
        st.error("Passwort falsch.")
    with st.form("editor_login"):
        password = st.text_input("Passwort für die Datenpflege", type="password")
        submitted = st.form_submit_button("Anmelden")
    if submitted:
        if check_password(password, expected):
            st.session_state[_KEY] = True
            st.session_state[_FAILS] = 0
            st.rerun()
        st.session_state[_FAILS] = fails + 1
        st.rerun()
    return False
