"""The login of the editing pages: accounts with roles and scopes (:mod:`mapapp.services.accounts`).

- The first admin: while the store database holds no account, ``MAPAPP_EDITOR_PASSWORD`` creates
  the account ``admin``; without either, editing is off (a warning says how to switch it on).
- A login is a server-side session: the browser session keeps a random token
  (``st.session_state``), the store database its hash and expiry (``MAPAPP_SESSION_HOURS``).
  Every rerun asks the database, so a removed account, a password reset or an expired session
  ends the login at once, in every app process.
- Two locks, both on the server: per account (:mod:`mapapp.store.accounts`, in the store
  database, audited) and per client (:mod:`mapapp.store.logins`: the IP address or a browser
  key, against one client guessing many accounts). A reload, a new browser or another app
  process sees both.
"""

from __future__ import annotations

import hashlib
import hmac
import time

import streamlit as st

from mapapp.services import accounts
from mapapp.services.accounts import Account, Role
from mapapp.store.accounts import LoginResult, Outcome
from mapapp.store.logins import LockState, open_login_guard
from mapapp.ui import cached, state
from mapapp.ui.markdown import Trusted, trusted
from mapapp.ui.texts import plain, t

_TOKEN = "auth_session"  # noqa: S105 - the session_state key, not a secret
_MESSAGE = "auth_message"  # ("wrong",) | ("locked", until epoch) | ("expired",)


def check_password(given: str, expected: str | None) -> bool:
    """Constant-time comparison; never true when no password is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


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


def current_account() -> Account | None:
    """The account of this browser session's live login (``None`` when logged out/expired)."""
    token = st.session_state.get(_TOKEN)
    if not token:
        return None
    account = accounts.session_account(cached.settings(), token)
    if account is None:
        st.session_state.pop(_TOKEN, None)
        st.session_state[_MESSAGE] = ("expired",)
    return account


def _who(account: Account, lang: str) -> None:
    role = t(f"auth.role.{account.role}", lang)
    line = t("auth.who", lang, name=account.name, role=trusted(role))
    if account.scopes:
        line += "  \n" + t("auth.scope", lang, scopes=", ".join(account.scopes))
    st.caption(line)
    if st.button(plain("auth.logout", lang), key="auth_logout"):
        accounts.logout(cached.settings(), str(st.session_state.pop(_TOKEN, "")))
        st.rerun()


def _message(lang: str) -> None:
    message = st.session_state.get(_MESSAGE)
    if not message:
        return
    if message[0] == "locked":
        lock = LockState(locked_until=float(message[1]), now=time.time())
        if lock.locked:
            st.error(t("auth.account_locked", lang, wait=wait_text(lock, lang)))
            return
        st.session_state.pop(_MESSAGE, None)
    elif message[0] == "expired":
        st.info(t("auth.expired", lang))
    else:
        st.error(t("auth.wrong", lang))


def _submit(name: str, password: str) -> None:
    """One attempt, checked by both locks on the server; remembers the outcome to show."""
    settings = cached.settings()
    outcome: dict[str, LoginResult] = {}

    def verify() -> bool:
        result = accounts.login(settings, name, password)
        outcome["result"] = result
        return result.ok

    open_login_guard(settings).attempt(client_key(), verify)
    result = outcome.get("result")  # None: the client lock refused before the account check
    if result is not None and result.ok:
        st.session_state[_TOKEN] = result.token
        st.session_state.pop(_MESSAGE, None)
    elif result is not None and result.outcome is Outcome.LOCKED:
        st.session_state[_MESSAGE] = ("locked", result.locked_until)
    else:
        st.session_state[_MESSAGE] = ("wrong",)


def login_form() -> Account | None:
    """The logged-in account (with its name and a logout button), else the login form."""
    lang = state.language()
    settings = cached.settings()
    accounts.bootstrap_admin(settings)
    if not accounts.has_accounts(settings):
        st.warning(t("auth.off", lang))
        return None
    account = current_account()
    if account is not None:
        _who(account, lang)
        return account
    lock = open_login_guard(settings).status(client_key())
    if lock.locked:
        st.error(t("auth.locked", lang, wait=wait_text(lock, lang)))
        return None
    _message(lang)
    with st.form("editor_login"):
        name = st.text_input(plain("auth.name", lang), key="auth_name")
        password = st.text_input(plain("auth.password", lang), type="password", key="auth_password")
        submitted = st.form_submit_button(plain("auth.login", lang))
    if submitted:
        # Both locks are checked again on the server: another session or process may have
        # locked the account or this client since the form was shown.
        _submit(name, password)
        st.rerun()
    return None


__all__ = ["Account", "Role", "client_key", "current_account", "login_form", "wait_text"]
