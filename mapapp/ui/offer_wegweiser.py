"""The "Wegweiser als PDF" button of Angebote finden: the searched place's printable page.

The PDF is made only when the button is clicked (Streamlit calls the function then), from the
page's cached offers, status table and boundaries, with the page's filters and language.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from mapapp.analysis.offers import SearchPoint
from mapapp.io.datasets import DataVersion
from mapapp.io.offers import GeoContext
from mapapp.model import DataError
from mapapp.services.wegweiser import WegweiserData, public_url, wegweiser_for_point
from mapapp.ui import cached
from mapapp.ui.filters import SearchState
from mapapp.ui.texts import plain, t

_LOG = logging.getLogger(__name__)
#: Widget key of the button.
BUTTON_KEY = "of_wegweiser"


def _pdf_engine_loads() -> bool:
    """Whether WeasyPrint and its Pango libraries load on this server."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        _LOG.warning("Wegweiser PDF: WeasyPrint does not load (%s)", exc)
        return False
    return True


def file_name(point: SearchPoint, lang: str) -> str:
    """``wegweiser-Bochum.pdf``: the catalogue's stem and the place in safe characters."""
    place = re.sub(r"[^\w-]+", "_", point.name or "", flags=re.UNICODE).strip("_")[:40]
    stem = plain("ww.stem", lang)
    return f"{stem}-{place}.pdf" if place else f"{stem}.pdf"


def offer_wegweiser(
    search: SearchState,
    point: SearchPoint | None,
    version: DataVersion,
    ctx: GeoContext,
    lang: str,
) -> None:
    """The download button for the searched ``point`` (nothing before a place is found)."""
    if point is None:
        return
    if not _pdf_engine_loads():
        st.caption(t("ww.unavailable", lang))
        return
    settings = cached.settings()
    try:
        base_url = public_url(settings)
    except DataError as exc:
        _LOG.warning("%s", exc.message)
        st.caption(t("ww.unavailable", lang))
        return
    store = cached.offer_store(version)
    boundaries = cached.boundaries(version)
    data = WegweiserData(
        ctx=ctx,
        index=cached.offer_index((store.location, store.data_version())),
        status=cached.status(str(settings.reference_dir)),
        gemeinden=boundaries.gemeinden,
        bkg_year=boundaries.year or None,
    )
    place, flt = search.place, search.flt

    def make() -> bytes:
        return wegweiser_for_point(point, place, data, lang, base_url=base_url, flt=flt).data

    st.download_button(
        t("ww.button", lang),
        data=make,
        file_name=file_name(point, lang),
        mime="application/pdf",
        help=plain("ww.button.help", lang),
        on_click="ignore",
        key=BUTTON_KEY,
    )
