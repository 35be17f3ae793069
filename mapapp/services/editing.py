"""User tasks of the editors: add, change and delete single offers, confirm "noch aktuell",
read an offer's history and revert it, and find offers nobody checked for a year — each only
inside the scope of the account that acts.

Who may change what (:func:`may_change`): an admin every offer, an editor the offers whose
Gemeinde or Kreis AGS lies in one of its scopes (:func:`mapapp.offers_model.in_scope`) — the
stored offer *and* the changed one, so nobody moves an offer out of or into someone else's
area; a viewer nothing. ``account=None`` is the command line of a database without accounts
(:func:`mapapp.services.accounts.cli_account`): no limits.

A single offer typed into the app goes through the importer's row checks and placing
(:func:`mapapp.io.offers.parse_form`), so it gets exactly the messages an imported row would.
Every save names the version it started from; a save based on an old version is refused with
:class:`~mapapp.store.base.VersionConflict` (both versions named). Every create and change sets
``last_verified`` to the day of the change (who edits an entry has looked at it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mapapp.config import Settings
from mapapp.ingest.report import ImportReport
from mapapp.io.offers import FORM_ROW, GeoContext, parse_form
from mapapp.model import DataError
from mapapp.offers_model import Offer, Precision, in_scope, is_stale, scope_problem
from mapapp.services import offer_history
from mapapp.services.accounts import Account, Role
from mapapp.store import open_offer_store
from mapapp.store.base import AuditEntry, OfferNotFound, VersionConflict

#: The form's fields, by the importer's canonical column names, in the order the form shows them.
FORM_FIELDS: tuple[str, ...] = (
    "id", "name", "category", "provider", "street", "postcode", "city", "kreis", "lat", "lon",
    "precision", "phone", "email", "website", "opening_hours", "appointment_only", "languages",
    "target_groups", "barrier_free", "capacity", "capacity_unit", "source", "source_date",
    "note",
)  # fmt: skip
_PLACE_FIELDS = ("street", "postcode", "city", "kreis", "lat", "lon")
#: The audit action of a "noch aktuell" confirmation.
VERIFY_ACTION = "verify"

__all__ = [
    "FORM_FIELDS",
    "Checked",
    "NotAllowed",
    "check_offer",
    "confirm_current",
    "delete_offer",
    "form_values",
    "history",
    "may_change",
    "revert",
    "save_offer",
    "scope_reason",
    "stale_offers",
    "stale_report",
    "update_fields",
]


class NotAllowed(DataError):
    """The account may not change this offer (outside its scope, or a viewer)."""


def may_change(account: Account | None, offer: Offer) -> bool:
    if account is None or account.role is Role.ADMIN:
        return True
    if account.role is Role.EDITOR:
        return in_scope(offer.ags, offer.kreis_ags, account.scopes)
    return False


def scope_reason(account: Account | None, offer: Offer, stored: Offer | None = None) -> str | None:
    """Why ``account`` may not store ``offer`` (replacing ``stored``), or ``None``."""
    if account is None:
        return None
    pairs = [("stored", stored)] if stored is not None else []
    pairs.append(("new", offer))
    return scope_problem(
        account.name, str(account.role), account.scopes, [(w, o) for w, o in pairs if o]
    )


def _require(account: Account | None, offer: Offer, stored: Offer | None = None) -> None:
    reason = scope_reason(account, offer, stored)
    if reason is not None:
        raise NotAllowed(f"Angebot {offer.id}: {reason[0].upper()}{reason[1:]}", field="ags")


def _actor(account: Account | None, actor: str | None) -> str:
    return account.name if account is not None else (actor or "unbekannt")


# ---- the form ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    return str(value)


def form_values(offer: Offer | None) -> dict[str, str]:
    """The form's texts of a stored offer (empty for a new one)."""
    if offer is None:
        return dict.fromkeys(FORM_FIELDS, "")
    rec = offer.to_record()
    out = {f: _text(rec.get(f)) for f in FORM_FIELDS if f != "kreis"}
    out["kreis"] = offer.kreis_ags or "" if offer.precision is Precision.KREIS_AREA else ""
    if offer.appointment_only is None:
        out["appointment_only"] = ""
    return {f: out.get(f, "") for f in FORM_FIELDS}


@dataclass(frozen=True)
class Checked:
    """The offer a form makes (``None``: rejected) and the importer's report of it."""

    offer: Offer | None
    report: ImportReport


def check_offer(values: Mapping[str, str], ctx: GeoContext, stored: Offer | None) -> Checked:
    """Read the form like one imported row. The stored offer's place is kept while its address
    and coordinates are unchanged; a changed address with the old coordinates is placed anew
    from the address."""
    given = {f: str(values.get(f, "") or "") for f in FORM_FIELDS}
    if stored is not None:
        given["id"] = stored.id
        before = form_values(stored)
        moved = any(given[f].strip() != before[f] for f in ("street", "postcode", "city", "kreis"))
        same_point = all(given[f].strip() == before[f] for f in ("lat", "lon"))
        if moved and same_point:
            given["lat"] = given["lon"] = given["precision"] = ""
    result = parse_form(given, ctx, "Formular", f"Redaktion ({date.today().isoformat()})")
    offer = result.offers[0] if result.offers else None
    if offer is not None and stored is not None:
        unchanged = all(given[f].strip() == form_values(stored)[f] for f in _PLACE_FIELDS)
        if unchanged:
            offer = replace(
                offer,
                lon=stored.lon,
                lat=stored.lat,
                precision=stored.precision,
                coord_source=stored.coord_source,
                ags=stored.ags,
                kreis_ags=stored.kreis_ags,
            )
        if not given["source"].strip():
            offer = replace(offer, source=stored.source)
    return Checked(offer, result.report)


@dataclass(frozen=True)
class Saved:
    """What a save did: the offer's id and version now stored (``None``: nothing stored, see
    the report)."""

    offer_id: str | None
    version: int | None
    report: ImportReport


def save_offer(
    settings: Settings,
    ctx: GeoContext,
    account: Account,
    values: Mapping[str, str],
    *,
    offer_id: str | None,
    expected_version: int | None,
    today: date | None = None,
) -> Saved:
    """Store a new offer (``offer_id`` ``None``) or a change of ``offer_id`` made from
    ``expected_version``. Raises :class:`NotAllowed` outside the account's scope,
    :class:`VersionConflict` when someone saved meanwhile."""
    store = open_offer_store(settings)
    stored = store.get_versioned(offer_id) if offer_id else None
    if offer_id and stored is None:
        raise VersionConflict(offer_id, expected_version or 0, None)
    checked = check_offer(values, ctx, stored.offer if stored else None)
    if checked.offer is None:
        return Saved(None, None, checked.report)
    offer = replace(checked.offer, last_verified=today or date.today())
    _require(account, offer, stored.offer if stored else None)
    if stored is None:
        if store.get_versioned(offer.id) is not None:
            raise DataError(
                f"ein Angebot mit der ID {offer.id} gibt es schon – dort ändern",
                field="id",
                row=FORM_ROW,
            )
        store.upsert([offer], actor=account.name, via="ui")
        version = store.versions().get(offer.id)
    else:
        version = store.update(
            offer, expected_version=expected_version or 0, actor=account.name, via="ui"
        )
    return Saved(offer.id, version, checked.report)


def delete_offer(
    settings: Settings, account: Account | None, offer_id: str, expected_version: int
) -> int:
    """Delete an offer in the account's scope if it is still at ``expected_version``."""
    store = open_offer_store(settings)
    found = store.get_versioned(offer_id)
    if found is None:
        raise VersionConflict(offer_id, expected_version, None)
    _require(account, found.offer)
    return store.delete_one(
        offer_id, expected_version=expected_version, actor=_actor(account, None), via="ui"
    )


def confirm_current(
    settings: Settings,
    account: Account | None,
    offer_id: str,
    expected_version: int,
    *,
    today: date | None = None,
    actor: str | None = None,
    via: str = "ui",
) -> int:
    """ "Noch aktuell": set ``last_verified`` to today (audit action ``verify``)."""
    store = open_offer_store(settings)
    found = store.get_versioned(offer_id)
    if found is None:
        raise OfferNotFound(f"Angebot {offer_id} nicht gefunden")
    _require(account, found.offer)
    checked = replace(found.offer, last_verified=today or date.today())
    return store.update(
        checked,
        expected_version=expected_version,
        actor=_actor(account, actor),
        via=via,
        action=VERIFY_ACTION,
    )


def history(settings: Settings, offer_id: str) -> list[AuditEntry]:
    """The offer's recorded changes, oldest first."""
    return offer_history.audit(settings, offer_id)


def revert(
    settings: Settings,
    account: Account | None,
    offer_id: str,
    to_version: int,
    *,
    expected_version: int | None = None,
    actor: str | None = None,
    via: str = "ui",
) -> int:
    """Store ``to_version`` again as a new version: allowed when the account may change the
    offer as it is now and as it was then."""
    entries = {e.version: e for e in history(settings, offer_id)}
    target = entries.get(to_version)
    if target is None:
        raise OfferNotFound(f"Angebot {offer_id}: Version {to_version} steht nicht im Verlauf")
    current = open_offer_store(settings).get(offer_id)
    for record in (target.after, target.before):
        if record is not None:
            _require(account, Offer.from_record(record), current)
            break
    if current is not None:
        _require(account, current)
    return offer_history.revert(
        settings,
        offer_id,
        to_version,
        actor=_actor(account, actor),
        via=via,
        expected_version=expected_version,
    )


def update_fields(
    settings: Settings,
    account: Account | None,
    offer_id: str,
    changes: Mapping[str, str],
    *,
    expected_version: int,
    actor: str,
    via: str = "cli",
    today: date | None = None,
) -> int:
    """``mapapp offers update``: set fields (checked as the command line writes them) inside
    the account's scope; ``last_verified`` becomes today unless it is one of the fields."""
    current = offer_history.current(settings, offer_id)
    changed = offer_history.with_fields(current.offer, changes)
    if "last_verified" not in changes and changed != current.offer:
        changed = replace(changed, last_verified=today or date.today())
    _require(account, changed, current.offer)
    return open_offer_store(settings).update(
        changed, expected_version=expected_version, actor=actor, via=via
    )


# ---- freshness -----------------------------------------------------------------------------


def stale_offers(
    offers: Iterable[Offer], today: date, months: int, scopes: Iterable[str] = ()
) -> list[Offer]:
    """Offers not verified in the ``months`` before ``today`` (never verified counts), inside
    ``scopes`` when any are given; the longest unchecked first, then by id."""
    wanted = tuple(scopes)
    out = [
        o
        for o in offers
        if is_stale(o.last_verified, today, months)
        and (not wanted or in_scope(o.ags, o.kreis_ags, wanted))
    ]
    return sorted(out, key=lambda o: (o.last_verified or date.min, o.id))


def stale_report(
    settings: Settings,
    months: int | None = None,
    scopes: Iterable[str] = (),
    today: date | None = None,
) -> list[dict[str, Any]]:
    """``mapapp offers stale``: one row per offer not verified for ``months`` (default
    :attr:`~mapapp.config.Settings.stale_months`), the longest unchecked first."""
    day = today or date.today()
    store = open_offer_store(settings)
    versions = store.versions()
    rows = []
    for o in stale_offers(store.all(), day, months or settings.stale_months, scopes):
        rows.append(
            {
                "id": o.id,
                "name": o.name,
                "category": str(o.category),
                "ags": o.ags,
                "kreis_ags": o.kreis_ags,
                "city": o.city,
                "last_verified": o.last_verified.isoformat() if o.last_verified else None,
                "days_since_verified": (day - o.last_verified).days if o.last_verified else None,
                "version": versions.get(o.id),
            }
        )
    return rows
