"""Fetch the official data files: the same as ``mapapp fetch-data`` (see ``--help``).

Usage: ``python scripts/fetch_data.py [--source PATH_OR_URL] [--only KEY ...]
[--boundaries {vg250,vg5000}] [--if-missing] [--force]``
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from mapapp.cli import main
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from mapapp.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["fetch-data", *sys.argv[1:]]))
