"""Editor authentication for data upkeep (password from ``MAPAPP_EDITOR_PASSWORD``).

Editing is disabled when no password is configured. Wrong attempts are counted on the server
(:mod:`mapapp.store.logins`, a file in the data directory) per client and globally, so reloading
the page or opening a new session does not reset the lock.
"""

from __future__ import annotations

import hashlib
import hmac

import streamlit as st

from mapapp.store.logins import LockState, open_login_guard
from mapapp.ui import cached, state
from mapapp.ui.markdown import Trusted, trusted
from mapapp.ui.texts import plain, t

_KEY = "editor_authenticated"
_FAILED = "editor_login_failed"


def check_password(given: str, expected: str | None) -> bool:
    """Constant-time comparison; never true when no password is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def is_editor() -> bool:
    return bool(st.session_state.get(_KEY))


def client_key() -> str:
    """Who is trying: the IP address of the connection; without one (local access, tests) a
    cookie-less browser key (hash of user agent and accepted languages)."""
    ip = st.context.ip_address
    if isinstance(ip, str) and ip:
        return f"ip:{ip}"
    parts = []
    for name in ("User-Agent", "Accept-Language"):
        try:
            value = st.context.headers.get(name)
        except (AttributeError, KeyError, RuntimeError):
            value = None
        parts.append(value if isinstance(value, str) else "")
    return "browser:" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


def wait_text(lock: LockState, lang: str) -> Trusted:
    """How long to wait, e.g. ``30 s`` or ``4 min`` (minutes from two minutes on)."""
    seconds = lock.wait_s
    if seconds < 120:
        return trusted(t("auth.unit.s", lang, n=seconds))
    return trusted(t("auth.unit.min", lang, n=-(-seconds // 60)))


def _locked(lock: LockState, lang: str) -> None:
    st.error(t("auth.locked", lang, wait=wait_text(lock, lang)))


def login_form() -> bool:
    """Show the login form unless authenticated; returns whether the user may edit."""
    lang = state.language()
    expected = cached.settings().editor_password
    if expected is None:
        st.warning(t("auth.off", lang))
        return False
    if is_editor():
        if st.button(plain("auth.logout", lang)):
            st.session_state[_KEY] = False
            st.rerun()
        return True
    guard = open_login_guard(cached.settings())
    client = client_key()
    lock = guard.status(client)
    if lock.locked:
        _locked(lock, lang)
        return False
    if st.session_state.get(_FAILED):
        st.error(t("auth.wrong", lang))
    with st.form("editor_login"):
        password = st.text_input(plain("auth.password", lang), type="password")
        submitted = st.form_submit_button(plain("auth.login", lang))
    if submitted:
        # The lock is checked again on the server when the form comes back: another session
        # or process may have locked this client since the form was shown.
        result = guard.attempt(client, lambda: check_password(password, expected))
        st.session_state[_KEY] = result.ok
        st.session_state[_FAILED] = not result.ok
        st.rerun()
    return False
