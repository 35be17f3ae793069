"""``mapapp offers update|revert``: change one offer or return it to an earlier version.

Registered by :mod:`mapapp.commands.offers`. Every change names its actor (``--as``, default: the
user of the operating system) and lands in the audit trail (``mapapp audit``). When the database
has accounts, ``--as`` must name one and its role and scope apply (an editor changes only offers
in its Kreise/Gemeinden, a viewer nothing: exit 2); without accounts there are no limits
(:func:`mapapp.services.accounts.cli_account`). A change sets ``last_verified`` to today.

Exit codes: 0 = stored (or nothing to change), 2 = unknown offer, version or field value,
3 = version conflict: someone saved the offer since version ``--if-version`` (one line on stderr,
nothing stored).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from mapapp.commands.options import int_range
from mapapp.config import get_settings
from mapapp.services import accounts, editing, offer_history
from mapapp.store.base import OfferNotFound, VersionConflict

EXIT_CONFLICT = 3


def os_user() -> str:
    """The operating-system user (the default ``--as``)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unbekannt"


def register_edit(sub: Any) -> None:
    """Add ``offers update`` and ``offers revert``."""
    p_up = sub.add_parser(
        "update",
        help="Felder eines Angebots ändern (nur, wenn es noch die genannte Version hat)",
        description="Ändert Felder eines gespeicherten Angebots. Exit 3, wenn es inzwischen "
        "jemand anders geändert hat (Version passt nicht mehr).",
        epilog="Beispiel: mapapp offers update mbe-123 --set phone='0251 123' --set "
        "languages='de;ar' --if-version 4 --as anna",
    )
    p_up.add_argument("offer_id", metavar="ID", help="Angebots-ID (siehe mapapp offers export)")
    p_up.add_argument(
        "--set",
        dest="assignments",
        action="append",
        required=True,
        metavar="FELD=WERT",
        help="neuer Wert (leer = nicht bekannt; Listen mit ';'); mehrfach möglich",
    )
    p_up.add_argument(
        "--if-version",
        type=int_range(1),
        required=True,
        metavar="V",
        help="die Version, von der die Änderung ausgeht",
    )
    p_up.add_argument("--as", dest="actor", default=None, metavar="NAME", help="wer ändert")
    p_up.set_defaults(func=_cmd_update)
    p_rev = sub.add_parser(
        "revert",
        help="ein Angebot auf eine frühere Version zurücksetzen (als neue Version)",
    )
    p_rev.add_argument("offer_id", metavar="ID")
    p_rev.add_argument("--to", dest="to_version", type=int_range(1), required=True, metavar="V")
    p_rev.add_argument(
        "--if-version", type=int_range(1), default=None, metavar="V", help="nur, wenn aktuell V"
    )
    p_rev.add_argument("--as", dest="actor", default=None, metavar="NAME", help="wer ändert")
    p_rev.set_defaults(func=_cmd_revert)


def _fail(message: str, code: int) -> int:
    print(f"mapapp: {message}", file=sys.stderr)
    return code


def _cmd_update(args: argparse.Namespace) -> int:
    changes = offer_history.parse_assignments(args.assignments)
    settings = get_settings()
    who = accounts.cli_account(settings, args.actor or os_user())
    try:
        version = editing.update_fields(
            settings,
            who.account,
            args.offer_id,
            changes,
            expected_version=args.if_version,
            actor=who.name,
            via="cli",
        )
    except VersionConflict as exc:
        return _fail(str(exc), EXIT_CONFLICT)
    except OfferNotFound as exc:
        return _fail(str(exc), 2)
    if version == args.if_version:
        print(f"{args.offer_id}: unverändert (Version {version})")
    else:
        print(f"{args.offer_id}: gespeichert als Version {version}")
    return 0


def _cmd_revert(args: argparse.Namespace) -> int:
    settings = get_settings()
    who = accounts.cli_account(settings, args.actor or os_user())
    try:
        version = editing.revert(
            settings,
            who.account,
            args.offer_id,
            args.to_version,
            actor=who.name,
            via="cli",
            expected_version=args.if_version,
        )
    except VersionConflict as exc:
        return _fail(str(exc), EXIT_CONFLICT)
    except OfferNotFound as exc:
        return _fail(str(exc), 2)
    print(f"{args.offer_id}: Version {args.to_version} wiederhergestellt als Version {version}")
    return 0
