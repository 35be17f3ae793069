"""The offer result list: a heading naming the place and the active filters, and one card per
nearest offer with what a person needs to act: address, phone (a ``tel:`` link), opening hours
("jetzt geschlossen, öffnet Di 09:00"), "nur mit Termin", the source's date, and every other
detail folded (:mod:`mapapp.render.offer_card` decides what may become a link)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from mapapp.analysis.offers import NearestOffer, SearchPoint, shown_distance_m
from mapapp.ingest.hours import OFFER_TIMEZONE
from mapapp.model import COL_AGS, COL_NAME
from mapapp.offers_model import Offer, Precision, is_stale
from mapapp.render.offer_card import CardContent, CardLine, card_content
from mapapp.text import date, label, number
from mapapp.ui import cached
from mapapp.ui.markdown import md, trusted
from mapapp.ui.offer_search import OfferQuery
from mapapp.ui.texts import isolate, t


def result_list(
    query: OfferQuery, hits: list[NearestOffer], lang: str, now: dt.datetime | None = None
) -> None:
    """What to do (no place yet), that nothing matched (and why), or the numbered cards.

    ``now`` is the moment the opening hours are read at (default: the current time in
    Europe/Berlin; tests pass a fixed one).
    """
    point = query.point
    if point is None:
        st.write(t("of.noplace", lang))
        return
    filters = ", ".join(query.filter_names)
    if not hits:
        none = "of.results.none_filtered" if filters else "of.results.none"
        st.write(t(none, lang, filters=filters))
        for reason in query.reasons:
            st.info(md(reason))
        return
    heading = t("of.results", lang, n=len(hits), place=_where(point, lang))
    if filters:
        heading += " – " + t("of.results.filters", lang, filters=filters)
    st.header(heading)
    moment = now or dt.datetime.now(OFFER_TIMEZONE)
    for i, hit in enumerate(hits, start=1):
        offer_card(i, hit, lang, moment, place_ags=point.ags)


def _where(point: SearchPoint, lang: str) -> str:
    where = isolate(point.name or point.label, lang)
    if point.approximate:
        where = (
            f"{where} – {label('precision', point.precision or Precision.GEMEINDE_CENTRE, lang)}"
        )
    return where


#: Unicode first-strong isolate: a value keeps its own direction inside a right-to-left page
#: (a phone number "0291 12345-6" must not be reordered to "6-12345 0291" in Arabic).
_FSI, _PDI = "\u2068", "\u2069"


def _value(line: CardLine) -> str:
    """A card line's value as markdown: a link only for the safe ``href`` the card content
    made (``tel:``, ``mailto:``, ``http(s)``; none holds ``<``, ``>`` or whitespace), the text
    always escaped and isolated (its own text direction)."""
    text = _FSI + md(line.text) + _PDI
    if line.href:
        return f"[{text}](<{line.href}>)"
    return text


def offer_card(
    i: int, hit: NearestOffer, lang: str, now: dt.datetime, place_ags: str | None = None
) -> None:
    """Name, category, distance; address, phone, opening hours and the source's date at once;
    everything else in the folded details. ``place_ags``: the searched place's Gemeinde (an
    offer placed only at that Gemeinde's centre gets no distance, :func:`shown_distance_m`)."""
    o: Offer = hit.offer
    card = card_content(o, now, lang)
    with st.container(border=True):
        name = isolate(md(o.name), lang)  # the number stays at the start in right-to-left
        st.markdown(f"**{i}\\. {name}**  \n{md(label('category', o.category, lang))}")
        shown = shown_distance_m(hit, place_ags)
        if hit.distance_m is None:  # no location: never a distance
            st.caption(t("of.kreis_unlocated", lang, kreis=_unit_name(o.kreis_ags)))
        elif shown is None:  # only at the centre of the searched place's own Gemeinde
            where = o.city or _unit_name(o.ags)
            st.caption(t("of.same_gemeinde", lang, gemeinde=isolate(where, lang)))
        else:
            st.caption(t("of.distance", lang, km=number(shown / 1000, lang, 1)))
        if o.precision is not Precision.ADDRESS and hit.distance_m is not None:
            st.warning(t("offer.location", lang, precision=label("precision", o.precision, lang)))
        _summary(o, card, lang)
        with st.expander(t("of.card.details", lang)):
            st.markdown("  \n".join(f"**{md(ln.label)}:** {_value(ln)}" for ln in card.lines))
            if card.week:
                st.markdown(f"**{md(t('oh.week', lang))}**")
                st.markdown("  \n".join(f"{md(day)}: {md(hours)}" for day, hours in card.week))


def _summary(o: Offer, card: CardContent, lang: str) -> None:
    """The lines a person acts on: address, phone, opening hours, appointment, source date."""
    rows = []
    for key, known in (("address", o.address), ("phone", o.phone)):
        line = card.line(key)
        if known and line is not None:
            rows.append(f"**{md(line.label)}:** {_value(line)}")
    if card.hours:
        rows.append(f"**{md(t('of.card.hours', lang))}:** {md(card.hours)}")
    if card.appointment_only:
        rows.append(f"**{md(t('of.card.appointment', lang))}**")
    if rows:
        st.markdown("  \n".join(rows))
    if card.source_date:
        if card.source_old:
            st.warning(md(card.source_date))
        else:
            st.caption(md(card.source_date))
    _freshness(o, lang)


def _freshness(o: Offer, lang: str) -> None:
    """Said when no editor confirmed the offer within ``MAPAPP_STALE_MONTHS`` (default 12)."""
    months = cached.settings().stale_months
    if not is_stale(o.last_verified, dt.date.today(), months):
        return
    if o.last_verified is None:
        st.caption(t("of.card.unverified", lang))
    else:
        when = trusted(date(o.last_verified, lang))
        st.warning(t("of.card.stale", lang, date=when, months=months))


def _unit_name(ags: str | None) -> str:
    """The name of a Kreis or Gemeinde from the status table (its AGS when the table does not
    know it)."""
    if not ags:
        return ""
    status = cached.status(str(cached.settings().reference_dir))
    names = status.loc[status[COL_AGS] == ags, COL_NAME]
    return str(names.iloc[0]) if len(names) else ags
