"""User tasks around single offers and their history: change fields of one offer without losing
someone else's update, revert to an earlier version, read the audit trail.

``mapapp offers update|revert`` and ``mapapp audit`` call these functions; the editing pages will
call the same ones (the store checks versions and writes the audit in one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from mapapp.config import Settings
from mapapp.model import DataError, check_email, check_http_url
from mapapp.offers_model import Offer
from mapapp.store import open_offer_store
from mapapp.store.base import AuditEntry, OfferNotFound, VersionedOffer

#: Fields that name an offer and cannot be set.
_FIXED = frozenset({"id"})
_LISTS = frozenset({"languages", "target_groups"})
_NUMBERS = frozenset({"lon", "lat", "capacity"})
_REQUIRED = frozenset({"name", "category", "precision", "coord_source"})
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Offer) if f.name not in _FIXED)


def parse_assignments(items: Iterable[str]) -> dict[str, str]:
    """``["name=Neu", "phone="]`` → ``{"name": "Neu", "phone": ""}`` (``FIELD=VALUE``)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise DataError(f"'{item}' ist keine Zuweisung FELD=WERT", field=name or None)
        if name not in FIELDS:
            raise DataError(
                f"Feld '{name}' gibt es nicht oder es ist nicht änderbar "
                f"(änderbar: {', '.join(FIELDS)})",
                field=name,
            )
        out[name] = value
    return out


def _bool(name: str, text: str) -> bool | None:
    folded = text.strip().lower()
    if folded in ("", "unbekannt"):
        return None
    if folded in ("ja", "true", "1", "yes"):
        return True
    if folded in ("nein", "false", "0", "no"):
        return False
    raise DataError(f"'{text}' ist weder ja noch nein", field=name)


def _value(name: str, text: str) -> Any:
    """The record value of one field from its text (empty = not known)."""
    stripped = text.strip()
    if name in _LISTS:
        return [p.strip() for p in stripped.replace(",", ";").split(";") if p.strip()]
    if name == "appointment_only":
        return _bool(name, stripped)
    if not stripped:
        if name in _REQUIRED:
            raise DataError(f"Feld '{name}' darf nicht leer sein", field=name)
        return None
    try:
        if name in _NUMBERS:
            return float(stripped.replace(",", "."))
        if name == "last_verified":
            return date.fromisoformat(stripped).isoformat()
        if name == "email":
            return check_email(stripped)
        if name == "website":
            return check_http_url(stripped)
    except ValueError as exc:
        raise DataError(f"'{text}' ist kein gültiger Wert ({exc})", field=name) from exc
    return stripped


def with_fields(offer: Offer, changes: Mapping[str, str]) -> Offer:
    """``offer`` with the fields of ``changes`` (texts as a user writes them) set and checked."""
    record = offer.to_record()
    for name, text in changes.items():
        record[name] = _value(name, text)
    try:
        return Offer.from_record(record)
    except (ValueError, TypeError) as exc:
        raise DataError(f"Angebot {offer.id}: {exc}") from exc


def current(settings: Settings, offer_id: str) -> VersionedOffer:
    found = open_offer_store(settings).get_versioned(offer_id)
    if found is None:
        raise OfferNotFound(f"Angebot {offer_id} nicht gefunden")
    return found


def update_fields(
    settings: Settings,
    offer_id: str,
    changes: Mapping[str, str],
    *,
    expected_version: int,
    actor: str,
    via: str,
) -> int:
    """Set ``changes`` on the offer if it is still at ``expected_version``; the new version.

    Raises :class:`~mapapp.store.base.VersionConflict` (someone saved in between),
    :class:`~mapapp.store.base.OfferNotFound` and :class:`~mapapp.model.DataError` (a value)."""
    store = open_offer_store(settings)
    found = store.get_versioned(offer_id)
    if found is None:
        raise OfferNotFound(f"Angebot {offer_id} nicht gefunden")
    changed = with_fields(found.offer, changes)
    return store.update(changed, expected_version=expected_version, actor=actor, via=via)


def revert(
    settings: Settings,
    offer_id: str,
    to_version: int,
    *,
    actor: str,
    via: str,
    expected_version: int | None = None,
) -> int:
    """Store the offer as it was in ``to_version`` as a new version; returns that version."""
    return open_offer_store(settings).revert(
        offer_id, to_version, actor=actor, via=via, expected_version=expected_version
    )


def audit(settings: Settings, offer_id: str | None = None) -> list[AuditEntry]:
    """The recorded changes (of one offer), oldest first."""
    return open_offer_store(settings).audit(offer_id)


__all__ = [
    "FIELDS",
    "audit",
    "current",
    "parse_assignments",
    "revert",
    "update_fields",
    "with_fields",
]
