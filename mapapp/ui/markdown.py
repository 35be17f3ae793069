"""Escaping data text for Streamlit markdown (pure, no Streamlit import).

Streamlit renders markdown in ``st.markdown``/``st.write``/``st.error``/``st.caption``/``st.toast``,
headers, widget labels, help texts, tab and expander labels. Any text that comes from data, a
file, an upload or the URL must go through :func:`md` before it reaches one of those, so it is
shown literally: no links, images, LaTeX, HTML, colour or icon directives, headings, lists, code.

:func:`mapapp.ui.texts.t` does this for its format parameters; :class:`Trusted` marks a value that
is already markdown and must be inserted as it is.
"""

from __future__ import annotations

import re

#: Every ASCII punctuation character: CommonMark lets each be backslash-escaped, and an escaped
#: one is always shown literally. Escaping ``:``, ``/``, ``.`` and ``@`` also stops GFM autolinks
#: (``http://…``, ``www.…``, ``a@b.de``), Streamlit's ``:red[…]`` directives and
#: ``:material/…:`` icons; escaping ``$`` stops LaTeX.
_ASCII_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
#: Line breaks (markdown and Unicode): a data text stays on one line (no headings, lists, quotes).
_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
#: Streamlit replaces ``:streamlit:`` in *text* (after escapes are resolved) with its logo; a
#: word joiner (invisible) keeps the shortcode from matching.
_LOGO = ":streamlit:"
_WORD_JOINER = "\u2060"
#: Streamlit's markdown (remark-gfm) finds autolinks in the text *after* escapes are resolved, so
#: escaping cannot stop ``http://…``, ``www.…`` or ``a@b.de`` from becoming links; an invisible
#: word joiner inside the pattern does.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(?=:)|(www)(?=\.)|(?=@)")


class Trusted(str):
    """A text that is already safe markdown (program-made); :func:`md` and ``t()`` keep it."""

    __slots__ = ()


def md(text: object) -> str:
    """Escape a data text for Streamlit markdown: shown literally, on one line.

    ``None`` becomes ``""``; :class:`Trusted` texts are returned unchanged.
    """
    if isinstance(text, Trusted):
        return str(text)
    value = "" if text is None else str(text)
    # One line; tabs and leading blanks would start an indented code block (they are not
    # visible in the page anyway).
    value = _BREAKS.sub(" ", value).replace("\t", " ").lstrip(" ")
    value = value.replace(_LOGO, f":{_WORD_JOINER}streamlit:")
    value = _AUTOLINK.sub(lambda m: (m.group(0) or "") + _WORD_JOINER, value)
    return _ASCII_PUNCT.sub(r"\\\1", value)


def trusted(text: str) -> Trusted:
    """Mark a program-made markdown text (never data) so that ``t()`` inserts it unescaped."""
    return Trusted(text)
