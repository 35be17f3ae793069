"""No German user text below the catalogues: render, services, text and ui modules say what a user
sees through :mod:`mapapp.text` (one catalogue per language), never with a German literal.

The scan reads every string literal of those packages (not docstrings; not exception messages,
which are the importers' and the CLI's German, nor server-log messages) and fails on one that
looks German. The allowlist holds proper names and licence wording the licensors prescribe.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mapapp

PACKAGE = Path(mapapp.__file__).resolve().parent
SCANNED = ("render", "services", "text", "ui")

#: Umlauts/ß or a common German word (the words are chosen not to occur in CSS, JS or English).
GERMAN = re.compile(
    r"[äöüÄÖÜß]|\b(und|oder|nicht|keine?|mit|für|der|die|das|dem|den|ist|sind|wird|werden|bitte|"
    r"Zeilen?|Feld|Meldung|Datei|Liste|Angebote?|Karte|Quelle|Gespeichert|Prüfen|Anmelden|"
    r"Abmelden|Passwort|Kommunen?|Gemeinden?|Kreise|Daten|Stand|Zurück|Jahr|Projekte?)\b"
)

#: Literals that may be German: proper names and licence wording (module, text).
ALLOWED: set[tuple[str, str]] = {
    # the native name of a language in the language switch
    ("text/__init__.py", "Türkçe"),
    # the official name of a Kreis ("Kreis Düren") is a proper name
    ("render/funding_labels.py", "Kreis "),
    # source notes as the licensors (Statistische Ämter, BKG) word them
    ("text/coverage.py", "Zensus 2022"),
    # part of a DataError message (built before the raise): search errors are worded like the
    # importers' messages, in German
    ("services/offers.py", " (Breite und Länge vertauscht?)"),
}

_LOGGERS = {"log", "logger", "logging"}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _not_for_users(tree: ast.AST) -> set[int]:
    """Literals in ``raise`` statements and in server-log calls (``log.warning(...)``)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        is_log = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in _LOGGERS
        )
        if isinstance(node, ast.Raise) or is_log:
            found.update(id(n) for n in ast.walk(node))
    return found


def german_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    skip = _docstrings(tree) | _not_for_users(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and GERMAN.search(node.value)
    ]


def test_the_scan_finds_german() -> None:
    assert GERMAN.search("Datei prüfen") and GERMAN.search("Liste übernehmen")
    assert not GERMAN.search("border:1px solid #777;display:inline-block")
    assert not GERMAN.search("Check file")


def test_render_services_text_and_ui_have_no_german_ui_literals() -> None:
    found = []
    for package in SCANNED:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            rel = path.relative_to(PACKAGE).as_posix()
            for line, value in german_literals(path):
                if (rel, value) not in ALLOWED:
                    found.append(f"mapapp/{rel}:{line}: {value[:80]!r}")
    assert found == [], "German text outside the catalogues:\n" + "\n".join(found)
