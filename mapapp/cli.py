"""The ``mapapp`` command: parse, call the core, exit code. Subcommands live in ``mapapp.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mapapp.model import DataError, DataMissingError

#: Command name -> module with ``register(subparsers)`` that adds that subcommand with
#: ``set_defaults(func=...)``; ``func(args) -> int`` returns the exit code. Only the module of the
#: command being run is imported (``mapapp coverage`` loads no map or funding stack); ``mapapp``
#: without a known command (``--help``, a typo) imports them all to list them. Keep sorted.
COMMANDS: dict[str, str] = {
    "audit": "mapapp.commands.audit",
    "coverage": "mapapp.commands.coverage",
    "db": "mapapp.commands.db",
    "export-map": "mapapp.commands.export",
    "fetch-data": "mapapp.commands.data",
    "funding": "mapapp.commands.funding",
    "network": "mapapp.commands.network",
    "offers": "mapapp.commands.offers",
    "serve-api": "mapapp.commands.serve_api",
    "users": "mapapp.commands.users",
}
#: The command modules (one line each), as before.
COMMAND_MODULES: tuple[str, ...] = tuple(sorted(set(COMMANDS.values())))


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (its first non-option word) if it is a known one."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The ``mapapp`` parser; with ``argv`` naming a command, only that command is registered."""
    parser = argparse.ArgumentParser(
        prog="mapapp",
        description="KOMM-IN NRW: Förderkarte, Integrationsangebote und Versorgungslücken.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    wanted = _command_of(argv) if argv is not None else None
    modules = [COMMANDS[wanted]] if wanted else COMMAND_MODULES
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except (DataError, DataMissingError) as exc:
        print(f"mapapp: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"mapapp: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
