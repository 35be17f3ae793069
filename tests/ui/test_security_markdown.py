"""Markdown injection: data text (offers, funding rows, uploads, ``?ort=``) is shown literally.

Unit level: :func:`mapapp.ui.markdown.md` on the whole hostile corpus, rendered with a CommonMark
parser (markdown-it-py, which Streamlit's ``rich`` dependency brings along), and the translation
helper ``t()`` escaping its parameters. Page level: ``/angebote?ort=<payload>`` through AppTest.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from mapapp.text.formats import percent
from mapapp.ui.markdown import Trusted, md, trusted
from mapapp.ui.texts import plain, t
from tests.fixtures.payloads import PAYLOADS

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_TAG = re.compile(r"<(?!/?p>)[^>]*>")


def literal(text: str) -> str:
    """What a visitor should read for a data text: the text itself, on one line."""
    return _BREAKS.sub(" ", text).replace("\t", " ").strip(" ")


def rendered_text(markdown: str) -> str:
    """Visible text of a markdown snippet (CommonMark), paragraph tags removed."""
    out = _PARSER.render(markdown)
    return html.unescape(out.replace("<p>", "").replace("</p>", "")).strip()


def unescaped(value: str, char: str) -> list[int]:
    """Positions of ``char`` in ``value`` that are not backslash-escaped."""
    hits = []
    for i, c in enumerate(value):
        if c != char:
            continue
        slashes = len(value[:i]) - len(value[:i].rstrip("\\"))
        if slashes % 2 == 0:
            hits.append(i)
    return hits


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_shows_every_payload_literally(payload: str) -> None:
    escaped = md(payload)
    out = _PARSER.render(escaped)
    # exactly one paragraph, no element inside it (link, image, emphasis, code, HTML, heading,
    # list, quote, code block)
    assert out.startswith("<p>") and out.endswith("</p>\n"), out
    assert out.count("<p>") == 1
    inner = out[3:-5]
    assert "<" not in inner, out
    # the visible text is the payload (word joiners are invisible; they break autolinks)
    assert html.unescape(inner).strip().replace("\u2060", "") == literal(payload)


#: What GFM's autolink-literal step links in the *unescaped* text (remark-gfm in Streamlit).
_GFM_AUTOLINK = re.compile(r"(?i)(https?://|ftp://|mailto:|xmpp:|www\.|[-.\w+]+@[-\w]+\.)")


@pytest.mark.parametrize(
    "text", [p for p in PAYLOADS if _GFM_AUTOLINK.search(p)] + ["info@example.org", "www.x.de"]
)
def test_md_breaks_autolinks_in_the_resolved_text(text: str) -> None:
    assert _GFM_AUTOLINK.search(text)
    assert not _GFM_AUTOLINK.search(rendered_text(md(text)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_leaves_nothing_for_streamlit_extensions(payload: str) -> None:
    """What CommonMark does not know but Streamlit does: LaTeX, ``:red[…]``, icons, autolinks."""
    escaped = md(payload)
    assert "\n" not in escaped and "\r" not in escaped
    for char in "$[]:/@.`*_<>&~|#!":
        assert unescaped(escaped, char) == [], (payload, char, escaped)
    assert ":material/" not in escaped  # Streamlit rewrites this on the raw source
    assert not re.search(r":[\w+-][\w_+-]*:", escaped)  # no emoji/icon shortcode survives


def test_md_edge_cases() -> None:
    assert md(None) == ""
    assert md(12.5) == "12\\.5"
    assert md("Köln–Mülheim") == "Köln–Mülheim"  # letters and non-ASCII stay as they are
    assert md("a\r\nb\u2028c") == "a b c"
    assert "streamlit:" in rendered_text(md(":streamlit:"))
    assert rendered_text(md(":streamlit:")).replace("\u2060", "") == ":streamlit:"
    assert md(Trusted("**fett**")) == "**fett**"
    assert md(trusted("[a](b)")) == "[a](b)"


def test_t_escapes_parameters_by_default() -> None:
    evil = "![x](http://127.0.0.1:9/t.png) [Hier neu anmelden](http://127.0.0.1:9/phish) $x$"
    text = t("of.search.notfound", "de", q=evil)
    assert text == "Ort nicht gefunden: " + md(evil)
    assert rendered_text(text).replace("\u2060", "") == "Ort nicht gefunden: " + evil
    assert "<a" not in _PARSER.render(text) and "<img" not in _PARSER.render(text)
    # numbers go in as they are (formatted with mapapp.text.formats), texts escaped
    row = t(
        "fk.completeness.row",
        "de",
        label="Okt. 2008",
        loaded=10,
        published=20,
        share=percent(50, "de", decimals=0),
        source="[q](http://x)",
    )
    assert "(50\xa0%)" in rendered_text(row) and "Okt\\. 2008" in row and md("[q](http://x)") in row
    assert "**importierte Förderliste** (**x**)" in t(
        "fk.completeness.imported", "de", path=trusted("**x**")
    )
    # plain(): for column headers and select options (no markdown there), nothing escaped
    assert plain("of.search.notfound", "de", q="a-b.c") == "Ort nicht gefunden: a-b.c"


# -- page level: /angebote?ort=<payload> ------------------------------------------------------

TIMEOUT = 120
_MARKDOWN_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "header")


def _angebote() -> None:
    from mapapp.ui.pages import angebote

    angebote.render()


def _markdown_values(at: AppTest) -> list[str]:
    values: list[str] = []
    for kind in _MARKDOWN_ELEMENTS:
        values += [str(el.value) for el in getattr(at, kind)]
    return values


@pytest.mark.data
def test_ort_payloads_are_shown_literally_on_the_public_page(real_data_dir: Path) -> None:
    shown = 0
    for payload in PAYLOADS:
        at = AppTest.from_function(_angebote, default_timeout=TIMEOUT)
        at.query_params["ort"] = payload
        at.run()
        assert not at.exception, (payload, [e.message for e in at.exception])
        for value in _markdown_values(at):
            out = _PARSER.render(value)
            assert "<a " not in out and "<img" not in out, (payload, value)
            assert unescaped(value, "$") == [], (payload, value)  # no LaTeX
            assert not re.search(r"(?<!\\):[a-z]+\[", value), (payload, value)  # no :red[…]
            assert ":material/" not in value, (payload, value)
        errors = [e.value for e in at.error if str(e.value).startswith("Ort nicht gefunden")]
        if errors:
            shown += 1
            visible = rendered_text(errors[0]).replace("\u2060", "")
            assert visible.startswith("Ort nicht gefunden: " + literal(payload.strip())), (
                payload,
                visible,
            )
    # the search must actually have reported (almost) every payload as an unknown place
    assert shown >= len(PAYLOADS) - 3, shown
