"""``mapapp offers wegweiser``: the printable Wegweiser of a place as one A4 PDF.

Registered by :mod:`mapapp.commands.offers`; the PDF stack (WeasyPrint, Jinja2, segno,
matplotlib) is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mapapp.config import get_settings
from mapapp.io.atomic import write_bytes
from mapapp.text import DEFAULT_LANG, LANGUAGES

_EPILOG = """\
Beispiele:
  mapapp offers wegweiser Bochum --out wegweiser.pdf
  mapapp offers wegweiser "44801" --lang ar --out wegweiser-ar.pdf

Die QR-Codes öffnen die Angebote-Seite unter MAPAPP_PUBLIC_URL (Standard: http://localhost:8501).
"""


def register_wegweiser(sub: Any) -> None:
    """Add ``offers wegweiser``."""
    p = sub.add_parser(
        "wegweiser",
        help="Wegweiser für einen Ort als PDF (eine A4-Seite, sechs Sprachen)",
        description="Zuständige Stellen, nächste Angebote, Karte und QR-Codes auf einer A4-Seite.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("place", help="Gemeindename, PLZ, Adresse oder 'lat,lon' (WGS84)")
    p.add_argument(
        "--lang",
        choices=tuple(LANGUAGES),
        default=DEFAULT_LANG,
        help="Sprache des Wegweisers (Standard: %(default)s)",
    )
    p.add_argument("--out", type=Path, required=True, help="Zieldatei (PDF)")
    p.set_defaults(func=_cmd_wegweiser)


def _cmd_wegweiser(args: argparse.Namespace) -> int:
    from mapapp.services.wegweiser import wegweiser  # PDF stack only for this command

    point, pdf = wegweiser(get_settings(), args.place, args.lang)
    out = write_bytes(args.out.expanduser(), pdf.data)
    pages = "1 Seite" if pdf.pages == 1 else f"{pdf.pages} Seiten"
    print(
        f"Wegweiser für {point.name or point.label} → {out} "
        f"({pages}, {pdf.shown} von {pdf.total} Angeboten, {args.lang})",
        file=sys.stderr,
    )
    return 0
