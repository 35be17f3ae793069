"""``mapapp offers stale|verify``: offers nobody checked for a year, and "noch aktuell".

``stale`` lists the offers whose ``last_verified`` ("zuletzt geprüft") is older than ``--months``
(default ``MAPAPP_STALE_MONTHS``, 12) or missing, the longest unchecked first, optionally inside
the Kreise/Gemeinden of ``--scope``; as JSON (a list of objects) or CSV (formula-safe).
``verify`` sets ``last_verified`` to today for one offer (audit action ``verify``) within the
scope of the ``--as`` account, exit 3 when the offer changed since ``--if-version``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from mapapp.commands.offers_edit import EXIT_CONFLICT, os_user
from mapapp.commands.options import int_range
from mapapp.config import get_settings
from mapapp.io.atomic import write_text
from mapapp.io.tabular import to_safe_csv
from mapapp.services import accounts, editing
from mapapp.store.base import OfferNotFound, VersionConflict

STALE_COLUMNS = (
    "id", "name", "category", "ags", "kreis_ags", "city", "last_verified",
    "days_since_verified", "version",
)  # fmt: skip


def register_fresh(sub: Any) -> None:
    """Add ``offers stale`` and ``offers verify``."""
    p_stale = sub.add_parser(
        "stale",
        help="Angebote, die seit --months Monaten niemand geprüft hat",
        epilog="Beispiel: mapapp offers stale --months 12 --scope 05358 --format csv --out alt.csv",
    )
    p_stale.add_argument(
        "--months", type=int_range(1), default=None, help="Standard: MAPAPP_STALE_MONTHS oder 12"
    )
    p_stale.add_argument(
        "--scope", default=None, metavar="AGS,…", help="nur in diesen Kreisen/Gemeinden"
    )
    p_stale.add_argument("--format", choices=("json", "csv"), required=True)
    p_stale.add_argument("--out", type=Path, default=None, help="Datei (Standard: Ausgabe)")
    p_stale.set_defaults(func=_cmd_stale)
    p_ver = sub.add_parser("verify", help="'noch aktuell': zuletzt geprüft = heute")
    p_ver.add_argument("offer_id", metavar="ID")
    p_ver.add_argument("--if-version", type=int_range(1), required=True, metavar="V")
    p_ver.add_argument("--as", dest="actor", default=None, metavar="NAME", help="wer prüft")
    p_ver.set_defaults(func=_cmd_verify)


def _cmd_stale(args: argparse.Namespace) -> int:
    settings = get_settings()
    scopes = accounts.parse_scopes(args.scope)
    rows = editing.stale_report(settings, args.months, scopes)
    if args.format == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_safe_csv(pd.DataFrame(rows, columns=list(STALE_COLUMNS)))
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_text(args.out.expanduser(), text)
        print(
            f"{len(rows)} Angebote nicht geprüft seit mehr als "
            f"{args.months or settings.stale_months} Monaten → {args.out}",
            file=sys.stderr,
        )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    settings = get_settings()
    who = accounts.cli_account(settings, args.actor or os_user())
    try:
        version = editing.confirm_current(
            settings, who.account, args.offer_id, args.if_version, actor=who.name, via="cli"
        )
    except VersionConflict as exc:
        print(f"mapapp: {exc}", file=sys.stderr)
        return EXIT_CONFLICT
    except OfferNotFound as exc:
        print(f"mapapp: {exc}", file=sys.stderr)
        return 2
    print(f"{args.offer_id}: als aktuell bestätigt (Version {version})")
    return 0
