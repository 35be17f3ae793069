"""``mapapp users add|list|remove|reset-password``: the accounts of the app's editing.

Passwords are read from standard input (``--password-stdin``, the first line), never from the
command line (it would stand in the shell history and the process list); they are stored as
argon2id hashes. ``mapapp users`` is the operator's tool on the server: ``--as`` only names who
acts in the audit (default: the OS user). Exit codes: 0 = done, 2 = a rule was broken (name,
role, scope, password, unknown or existing account).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from mapapp.commands.offers_edit import os_user
from mapapp.config import get_settings
from mapapp.model import DataError
from mapapp.services import accounts
from mapapp.store.accounts import epoch

_EPILOG = """Beispiele:
  printf '%s\\n' 'langes-Passwort' | mapapp users add anna --role editor --scope 05358,05314000 \\
      --password-stdin
  mapapp users list
  printf '%s\\n' 'neues-Passwort' | mapapp users reset-password anna --password-stdin
  mapapp users remove anna

Rollen: admin (Ministerium: Förderlisten, alle Angebote, Konten), editor (Angebote in den Kreisen
und Gemeinden von --scope: AGS mit 5 oder 8 Ziffern), viewer (nur lesen).
MAPAPP_EDITOR_PASSWORD legt nur das erste Konto 'admin' an, solange es keines gibt."""


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "users",
        help="Konten der Datenpflege verwalten (admin, editor, viewer)",
        description="Konten der Datenpflege: anlegen, auflisten, entfernen, Passwort setzen.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="users_command", required=True)
    p_add = sub.add_parser("add", help="Konto anlegen")
    p_add.add_argument("name", metavar="NAME")
    p_add.add_argument("--role", choices=[str(r) for r in accounts.Role], required=True)
    p_add.add_argument(
        "--scope", default=None, metavar="AGS,…", help="nur editor: AGS von Kreisen/Gemeinden"
    )
    _password_option(p_add)
    _actor_option(p_add)
    p_add.set_defaults(func=_cmd_add)
    p_list = sub.add_parser("list", help="Konten auflisten")
    p_list.add_argument("--format", choices=("text", "json"), default="text")
    p_list.set_defaults(func=_cmd_list)
    p_rm = sub.add_parser("remove", help="Konto entfernen (seine Sitzungen enden)")
    p_rm.add_argument("name", metavar="NAME")
    _actor_option(p_rm)
    p_rm.set_defaults(func=_cmd_remove)
    p_pw = sub.add_parser(
        "reset-password", help="neues Passwort setzen (hebt die Sperre auf, beendet Sitzungen)"
    )
    p_pw.add_argument("name", metavar="NAME")
    _password_option(p_pw)
    _actor_option(p_pw)
    p_pw.set_defaults(func=_cmd_reset)


def _password_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="das Passwort als erste Zeile der Standardeingabe lesen",
    )


def _actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="actor",
        default=None,
        metavar="NAME",
        help="wer handelt (Standard: OS-Benutzer)",
    )


def _read_password() -> str:
    line = sys.stdin.readline()
    password = line.rstrip("\r\n")
    if not password:
        raise DataError("kein Passwort auf der Standardeingabe", field="password")
    return password


def _cmd_add(args: argparse.Namespace) -> int:
    account = accounts.add_user(
        get_settings(),
        args.name,
        args.role,
        _read_password(),
        args.scope,
        actor=args.actor or os_user(),
    )
    scope = f", Bereich {','.join(account.scopes)}" if account.scopes else ""
    print(f"Konto {account.name} angelegt (Rolle {account.role}{scope})")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    users = accounts.list_users(get_settings())
    if args.format == "json":
        rows = [
            {**a.public(), "created_at": a.created_at, "locked_until": a.locked_until}
            for a in users
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not users:
        print("keine Konten (das erste legt MAPAPP_EDITOR_PASSWORD oder 'mapapp users add' an)")
    for a in users:
        scope = ",".join(a.scopes) or "–"
        locked = epoch(a.locked_until) > time.time()
        lock = f"  gesperrt bis {a.locked_until}" if locked else ""
        print(f"{a.name}\t{a.role}\t{scope}{lock}")
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    accounts.remove_user(get_settings(), args.name, actor=args.actor or os_user())
    print(f"Konto {args.name} entfernt")
    return 0


def _cmd_reset(args: argparse.Namespace) -> int:
    accounts.reset_password(
        get_settings(), args.name, _read_password(), actor=args.actor or os_user()
    )
    print(f"Passwort von {args.name} neu gesetzt (Sperre aufgehoben, Sitzungen beendet)")
    return 0
