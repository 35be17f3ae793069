"""The ``mapapp`` command: parse, call the core, exit code. Subcommands live in ``mapapp.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from mapapp.model import DataError, DataMissingError

#: Each module has ``register(subparsers)`` that adds its subcommand(s) with ``set_defaults(func=...)``;
#: ``func(args) -> int`` returns the exit code.
COMMAND_MODULES: tuple[str, ...] = (
    # one line per command module; keep the list sorted
    "mapapp.commands.coverage",
    "mapapp.commands.data",
    "mapapp.commands.export",
    "mapapp.commands.funding",
    "mapapp.commands.offers",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mapapp",
        description="KOMM-IN NRW: Förderkarte, Integrationsangebote und Versorgungslücken.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
