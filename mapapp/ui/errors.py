"""What a visitor sees when a page fails: one sentence, never a traceback or a server path.

The full traceback goes to the server log (:func:`logging.Logger.exception`). A
:class:`~mapapp.model.DataError` (bad input, names file/row/field) is shown as its message,
escaped for markdown and with the file's name only (no server folder); "row"/"field" are in the
page's language, the message itself is the importer's (German, like the import reports).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import PurePath

import streamlit as st

from mapapp.model import DataError, DataMissingError
from mapapp.ui.markdown import md
from mapapp.ui.texts import page_language, plain, t

log = logging.getLogger("mapapp.ui")
_LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_server_log() -> None:
    """Send the app's own log records (``mapapp.*``: logins, page errors) to stderr, the
    server log, from INFO on. Idempotent; other libraries' logging is left as it is."""
    app_log = logging.getLogger("mapapp")
    if not app_log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        app_log.addHandler(handler)
        app_log.setLevel(logging.INFO)


def data_error_text(exc: DataError, lang: str | None = None) -> str:
    """Markdown-safe text of a :class:`DataError`: ``name.csv, Zeile 3, Feld 'x': message``
    (``lang``: the page's language when not given)."""
    lang = lang or page_language()
    where = []
    if exc.file:
        where.append(PurePath(str(exc.file).replace("\\", "/")).name)
    if exc.row is not None:
        where.append(plain("err.row", lang, row=exc.row))
    if exc.field:
        where.append(plain("err.field", lang, field=exc.field))
    text = f"{', '.join(where)}: {exc.message}" if where else exc.message
    return md(text)


def run_guarded(render: Callable[[], None], lang: str, page: str = "") -> None:
    """Run a page; an exception becomes one translated sentence on the page and a log entry.

    ``st.stop()``/``st.rerun()`` (``BaseException``s, not ``Exception``) pass through.
    """
    try:
        render()
    except DataMissingError:
        log.warning("page %s: data missing", page, exc_info=True)
        st.error(t("data.missing", lang))
    except DataError as exc:
        log.warning("page %s: data error: %s", page, exc)
        st.error(data_error_text(exc, lang))
    except Exception:
        log.exception("page %s: unexpected error", page)
        st.error(t("error.internal", lang))
