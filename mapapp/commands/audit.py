"""``mapapp audit``: the recorded changes of the offers (who, when, how, before and after).

``--format json`` prints a list of ``{offer_id, version, actor, at, via, action, before,
after}`` (oldest first); ``text`` one line per change.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from mapapp.config import get_settings
from mapapp.services import offer_history


def register(subparsers: Any) -> None:
    """Add ``audit``."""
    parser = subparsers.add_parser(
        "audit",
        help="Änderungsverlauf der Angebote (wer, wann, wie, vorher/nachher)",
        description="Jede Änderung eines Angebots (App, Import, Kommandozeile), älteste zuerst.",
    )
    parser.add_argument("--offer", metavar="ID", help="nur dieses Angebot")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.set_defaults(func=_cmd_audit)


def _changed_fields(before: Any, after: Any) -> str:
    if before is None or after is None:
        return ""
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(names)


def _cmd_audit(args: argparse.Namespace) -> int:
    entries = offer_history.audit(get_settings(), args.offer)
    if args.format == "json":
        print(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("keine Änderungen verzeichnet")
    for e in entries:
        fields = _changed_fields(e.before, e.after)
        detail = f" ({fields})" if fields else ""
        print(f"{e.at}  {e.offer_id} v{e.version}  {e.action} durch {e.actor} über {e.via}{detail}")
    return 0
